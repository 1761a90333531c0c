"""Chapter 8: the initial-loss check, weight decay's gap, both Dropout forms, BN's formula."""
import math
import re

import numpy as np
import pytest

import autograd as ag
import nn
from tests.notebooks._outputs import number_after, printed

OUT = printed("08")


def test_initial_loss_is_ln_10_and_a_tiny_set_is_overfitted():
    assert number_after(OUT, "initial loss") == pytest.approx(math.log(10), abs=0.05)
    assert number_after(OUT, "20 images after 60 steps: training accuracy") == 1.0


def test_weight_decay_penalty_equals_sgd_weight_decay_and_narrows_the_gap():
    assert number_after(OUT, "max |difference|") < 1e-6
    gaps = {lam: float(g) for lam, g in
            re.findall(r"λ = (\S+) +train mse \S+  test mse \S+  gap (\S+)", OUT)}
    assert gaps["0.01"] < 0.8 * gaps["0.0"]
    assert gaps["0.1"] > gaps["0.01"]                       # too strong: underfits


def test_dropout_forms_have_the_same_expectation():
    assert number_after(OUT, "notes' form : training mean") == pytest.approx(0.5, abs=0.01)
    assert number_after(OUT, "nn.Dropout  : training mean") == pytest.approx(1.0, abs=0.01)
    assert "kept values = 2.0 = 1/(1-p)" in OUT
    assert "backward passes the gradient only where the unit was kept: True" in OUT


def test_batchnorm_formula_and_identity_restore():
    assert number_after(OUT, "max |formula - nn.BatchNorm1d| =") < 1e-5
    assert number_after(OUT, "the layer returns its input: max |y - x| =") < 1e-5
    x = np.random.default_rng(0).normal(3, 2, (16, 4)).astype(np.float32)
    bn = nn.BatchNorm1d(4)
    with ag.no_grad():
        y = bn(ag.tensor(x)).numpy()
    np.testing.assert_allclose(y, (x - x.mean(0)) / np.sqrt(x.var(0) + bn.eps), atol=1e-5)


def test_batchnorm_rescues_a_too_small_init_and_the_final_test_accuracy():
    line = next(ln for ln in OUT.splitlines() if ln.startswith("initial weight std 0.01"))
    without, with_bn = (np.array(v.split(), float) for v in re.findall(r"\[([^\]]+)\]", line))
    assert without[-1] < 0.5 < 0.85 < with_bn[-1]
    assert number_after(OUT, "test acc") == pytest.approx(0.95, abs=0.04)


def test_bias_falls_and_variance_rises_with_the_degree():
    from tests.notebooks._outputs import line_numbers
    (b1, _), (b3, v3), (_, v9) = (line_numbers(OUT, f"degree {d}:") for d in (1, 3, 9))
    assert b1 > 10 * b3 and v9 > 20 * v3


def test_schedules_and_early_stopping():
    from tests.notebooks._outputs import line_numbers
    rates = line_numbers(OUT, "a/(b + t) with a = 0.5, b = 5:")
    want = [0.5 / (5 + t) for t in range(0, 11, 2)]
    assert rates[:6] == pytest.approx(want, abs=1e-4)
    stop, best, best_epoch, lr, restored = line_numbers(OUT, "stopped after epoch")
    assert best_epoch < stop and restored == best and lr < 0.05
