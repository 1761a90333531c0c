"""Chapter 9 prints the course's convolution examples, the FC parameter count, LeNet's accuracy."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from tests.notebooks._outputs import number_after, printed

OUT = printed("09")
X4 = np.array([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]], np.float32)
W3 = np.array([[2, 0, 1], [0, 1, 2], [1, 0, 2]], np.float32)


def test_fully_connected_parameter_count():
    assert number_after(OUT, "weights 640000*1024 + 1024*2 =") == 655_362_048


def test_worked_examples_as_printed():
    assert "4x4 ⊛ 3x3, by hand : [[15, 16], [6, 15]]" in OUT
    assert "4x4 ⊛ 3x3, conv2d  : [[15, 16], [6, 15]]" in OUT
    assert "with bias 3        : [[18, 19], [9, 18]]" in OUT
    assert ("padding 1          : [[7, 12, 10, 2], [4, 15, 16, 10], [10, 6, 15, 6], [8, 10, 4, 3]]"
            in OUT)
    assert "5x5, stride 2      : [[15, 17]," in OUT
    assert "OH = (28 + 2*2 - 5)/3 + 1 = 10, OW = (31 + 2*2 - 5)/3 + 1 = 11" in OUT
    assert "conv2d output: 10x11" in OUT


def test_worked_examples_rerun():
    out = F.conv2d(ag.tensor(X4[None, None]), ag.tensor(W3[None, None]), ag.tensor([3.0]))
    np.testing.assert_array_equal(out.numpy()[0, 0], [[18, 19], [9, 18]])
    out = F.conv2d(ag.zeros(1, 1, 28, 31), ag.zeros(1, 1, 5, 5), stride=3, padding=2)
    assert out.shape[2:] == (10, 11)


def test_flip_pooling_and_receptive_field():
    assert "convolve2d with the kernel flipped: [[15.0, 16.0], [6.0, 15.0]]" in OUT
    assert "max pool 2x2: [[2, 3], [4, 2]]" in OUT
    assert "parameters in MaxPool2d: 0 ; channels in -> out: 20 -> 20" in OUT
    assert "two 3x3 layers reach a 5x5 area; one 5x5 layer reaches 5x5" in OUT
    assert number_after(OUT, "weights for C = 64: two 3x3") == 73_728
    assert number_after(OUT, "weights for C = 64: two 3x3 73,728, one 5x5") == 102_400


def test_lenet_learns():
    assert number_after(OUT, "epoch 3: test accuracy") == pytest.approx(0.93, abs=0.03)


def test_col2im_is_the_input_gradient_and_the_dreams_fool_the_net():
    assert "col2im(dY·Wᵀ) == autograd's dL/dx: True" in OUT
    probs = np.array(OUT.split("for each dreamed image:")[1].split("]")[0].strip(" [").split(),
                     float)
    assert probs.shape == (10,) and probs.min() > 0.9


def test_small_alexnet_and_lrn():
    assert number_after(OUT, "ImageNet AlexNet (nn.models.alexnet):") == 61_100_840
    assert number_after(OUT, "LRN formula by hand vs nn.LocalResponseNorm: max difference") < 1e-6
    assert number_after(OUT, "parameters), epoch 3: test acc") == pytest.approx(0.83, abs=0.08)
