"""Chapter 6: each optimizer's course formula, written in numpy, traces the library's path."""
import re

import numpy as np
import pytest

import autograd as ag
import optim
from tests.notebooks._outputs import number_after, printed

OUT = printed("06")


def test_every_formula_matches_its_optimizer_in_the_notebook():
    diffs = re.findall(r"(\w+)\s+ends at .*max \|formula - optim\| over the path = "
                       r"([0-9.e+\-]+)", OUT)
    assert [name for name, _ in diffs] == ["SGD", "Momentum", "AdaGrad", "RMSProp", "Adam"]
    assert all(float(d) < 1e-12 for _, d in diffs)


def test_end_points_on_the_course_function():
    for name, f_end in (("SGD", 0.01333), ("Momentum", 0.04794), ("AdaGrad", 0.00072),
                        ("RMSProp", 0.00118), ("Adam", 0.10221)):
        assert number_after(OUT, f"{name:<9} ends at") is not None
        line = next(ln for ln in OUT.splitlines() if ln.startswith(f"{name:<9} ends at"))
        assert number_after(line, "f =") == pytest.approx(f_end, abs=2e-5), name


def test_adagrad_stalls_and_rmsprop_does_not():
    pat = (r"{} +effective lr on x: step 1 ([0-9.e+\-]+), step 100 [0-9.e+\-]+, "
           r"step 300 ([0-9.e+\-]+); \|x\| after 300 steps ([0-9.e+\-]+)")
    ada = [float(v) for v in re.search(pat.format("AdaGrad"), OUT).groups()]
    rms = [float(v) for v in re.search(pat.format("RMSProp"), OUT).groups()]
    assert ada[1] < ada[0] / 10 and ada[2] > 1      # the step size decays; x is still far
    assert rms[1] > rms[0] and rms[2] < 0.1          # RMSProp's grows back; x reaches ~0


def test_momentum_formula_rerun():
    p = ag.tensor([-7.0, 2.0], dtype="float64", requires_grad=True)
    opt = optim.Momentum([p], lr=0.1, momentum=0.9)
    q, v = np.array([-7.0, 2.0]), np.zeros(2)
    for _ in range(30):
        opt.zero_grad()
        (p[0] ** 2 / 20 + p[1] ** 2).backward()
        opt.step()
        v = 0.9 * v - 0.1 * np.array([q[0] / 10, 2 * q[1]])
        q = q + v
    np.testing.assert_allclose(p.numpy(), q, atol=1e-12)


def test_feature_scaling_with_the_mean_subtracted_converges_fast():
    lines = {k: next(ln for ln in OUT.splitlines() if ln.startswith(k))
             for k in ("raw features", "(x + μ)/σ as printed", "(x − μ)/σ")}
    assert "mse still" in lines["raw features"] and "mse still" in lines["(x + μ)/σ as printed"]
    assert number_after(lines["(x − μ)/σ"], "mse < 0.02 after") < 50
