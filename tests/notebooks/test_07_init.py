"""Chapter 7: symmetry, activation scales per init, and the He-formula correction, as printed."""
import re

import numpy as np

import nn
from tests.notebooks._outputs import line_numbers, number_after, printed

OUT = printed("07")


def test_identical_weights_stay_identical_and_learn_nothing():
    const_acc, const_spread = line_numbers(OUT, "all weights 0.01  test acc")
    rand_acc, rand_spread = line_numbers(OUT, "random (default)  test acc")
    assert const_acc < 0.2 and const_spread < 1e-3
    assert rand_acc > 0.9 and rand_spread > 0.1


def layer5(act, init):
    return number_after(OUT, f"{act:<8} {init:<9} std of layer-5 activations:")


def test_activation_scales_follow_the_notes():
    assert layer5("ReLU", "std 1") > 1000 and layer5("ReLU", "std 0.01") < 1e-3
    assert 0.5 < layer5("ReLU", "He") < 1.5 and layer5("ReLU", "Xavier") < 0.3
    assert layer5("sigmoid", "std 0.01") < 0.02 and layer5("tanh", "std 0.01") < 1e-3
    assert 0.2 < layer5("tanh", "Xavier") < 0.6


def test_he_as_written_explodes_and_the_correct_form_does_not():
    rows = dict(re.findall(r"(2/√n \(as written\)|√\(2/n\) \(He et al\.\)) +activation std at "
                           r"layers 1, 5, 10, 20: [^,]+, [^,]+, [^,]+, ([0-9.e+\-]+)", OUT))
    assert float(rows["2/√n (as written)"]) > 300
    assert 0.2 < float(rows["√(2/n) (He et al.)"]) < 3


def test_library_he_init_uses_sqrt_2_over_n():
    layer = nn.Linear(400, 400, bias=False)
    nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
    assert abs(layer.weight.numpy().std() - np.sqrt(2 / 400)) < 0.003
