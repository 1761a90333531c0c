"""Chapter 4 prints the course's softmax example, its loss example and hand gradients that agree."""
import re

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from tests.notebooks._outputs import number_after, printed

OUT = printed("04")


def test_derivative_formulas_match_backward():
    assert number_after(OUT, "max |backward - f(1-f)| =") < 1e-12
    assert number_after(OUT, "max |backward - (1-f²)| =") < 1e-12
    assert number_after(OUT, "sigmoid: max |backward - f(1-f)| = 0.0e+00, max f' =") == 0.25
    assert number_after(OUT, "tanh   : max |backward - (1-f²)| = 0.0e+00, max f' =") == 1.0


def test_softmax_example_of_the_notes():
    assert "softmax (hand): [0.056 0.923 0.021]" in OUT
    assert "F.softmax     : [0.056 0.923 0.021]" in OUT
    got = F.softmax(ag.tensor([1.2, 4.0, 0.2], dtype="float64"), dim=0).numpy()
    np.testing.assert_allclose(got, [0.0561, 0.9232, 0.0207], atol=5e-5)


def test_loss_examples_and_saturation():
    assert number_after(OUT, "MSE (1/2 sum)  :") == pytest.approx(0.0975)
    assert number_after(OUT, "cross-entropy  :") == pytest.approx(0.5108, abs=1e-4)
    assert number_after(OUT, "at z = -8: MSE gradient") == pytest.approx(-6.70e-4, rel=0.01)
    assert number_after(OUT, "cross-entropy gradient") == pytest.approx(-1.0, abs=1e-3)


def test_hand_derived_gradients_agree_with_autograd():
    rows = re.findall(r"max \|hand - autograd\| = ([0-9.e+\-]+)", OUT)
    assert len(rows) == 6
    assert all(float(r) < 1e-12 for r in rows)


def test_squared_error_slope_shrinks_and_absolute_error_slope_does_not():
    from tests.notebooks._outputs import line_numbers
    assert line_numbers(OUT, "d(e²)/de  = 2e   :")[:7] == [-4, -1, -0.02, 0, 0.02, 1, 4]
    assert line_numbers(OUT, "d|e|/de = sign(e):")[:7] == [-1, -1, -1, 0, 1, 1, 1]


def test_a_large_learning_rate_kills_relu_units():
    from tests.notebooks._outputs import line_numbers
    before, after, acc = line_numbers(OUT, "ReLU       lr 3.0 :")
    assert before < 10 and after > 80 and acc < 0.3
    *_, leaky_acc = line_numbers(OUT, "leaky ReLU lr 3.0 :")
    assert leaky_acc > acc + 0.1
    assert line_numbers(OUT, "ReLU       lr 0.1 :")[-1] > 0.8


def test_logistic_regression_gradient_and_gaussian_likelihood():
    from tests.notebooks._outputs import line_numbers
    assert number_after(OUT, "step 0: max |(1/N) Σ x(h − t) − autograd| =") < 1e-12
    assert number_after(OUT, "training accuracy") > 0.85
    consts = [float(v) for v in re.findall(r"Gaussian NLL − ½Σ\(y − ŷ\)² = ([0-9.]+)", OUT)]
    assert len(consts) == 2 and consts[0] == consts[1] == pytest.approx(1.5 * np.log(2 * np.pi),
                                                                           abs=1e-4)
    assert line_numbers(OUT, "θ =")[0] > 0
