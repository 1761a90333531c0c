"""Chapters 1 and 3 print the course's gate weights and derivative examples; rerun where cheap."""
import numpy as np
import pytest

import autograd as ag
from tests.notebooks._outputs import number_after, printed

NB01, NB03 = printed("01"), printed("03")


def test_gates_with_the_course_thresholds():
    assert "AND(1, 1) = 1  AND(1, 0) = 0" in NB01
    assert "OR(0, 1)  = 1  OR(0, 0)  = 0" in NB01
    assert "AND   w = [0.5, 0.5], θ = +0.7: [0, 0, 0, 1]" in NB01
    assert "OR    w = [0.5, 0.5], θ = +0.2: [0, 1, 1, 1]" in NB01
    assert "NAND  w = [-0.5, -0.5], θ = -0.7: [1, 1, 1, 0]" in NB01
    assert "XOR   [0, 1, 1, 0]" in NB01


def test_perceptron_rule_learns_the_linear_gates_and_not_xor():
    for gate in ("AND", "OR", "NAND"):
        assert f"{gate:<5} learned in" in NB01
    assert "XOR   does not converge" in NB01


def test_xor_mlp_and_the_collapse_of_linear_layers():
    assert "predictions: [0 1 1 0]" in NB01
    assert number_after(NB01, "max difference  :") < 1e-5


def test_derivative_of_x_squared_plus_one_at_1_and_2():
    assert number_after(NB03, "x0 = 1: y0 =") == 2
    assert number_after(NB03, "y1 =") == pytest.approx(2.00020001)
    assert "Δy/Δx = 2.0001 ≈ 2; autograd dy/dx = 2" in NB03
    assert "Δy/Δx = 4.0001 ≈ 4; autograd dy/dx = 4" in NB03


def test_partials_of_the_course_function_agree_three_ways():
    for label in ("hand      (2x+3y, 3x+2y, 3z²):", "autograd                     :",
                  "numerical (central)          :"):
        assert f"{label} [8.0, 7.0, 27.0]" in NB03, label
    v = ag.tensor([1.0, 2.0, 3.0], dtype="float64", requires_grad=True)
    (v[0] ** 2 + 3 * v[0] * v[1] + v[1] ** 2 + v[2] ** 3).backward()
    np.testing.assert_allclose(v.grad.numpy(), [8.0, 7.0, 27.0])


def test_learning_rates_diverge_stall_and_converge():
    assert abs(number_after(NB03, "lr 1.1     after 100 steps: x = [")) > 1e6
    assert number_after(NB03, "lr 0.0001  after 100 steps: x = [") == pytest.approx(-2.94, abs=0.01)
    assert "gradcheck: True" in NB03 and "is wrong at index" in NB03
