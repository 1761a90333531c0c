"""Chapter 5: the hand-written softmax-regression gradient and the training results, as printed."""
import pytest

from tests.notebooks._outputs import line_numbers, number_after, printed

OUT = printed("05")


def test_hand_gradient_matches_autograd():
    assert number_after(OUT, "loss: hand") == pytest.approx(number_after(OUT, "F.cross_entropy"))
    assert number_after(OUT, "max |dW hand - autograd| =") < 1e-6
    assert number_after(OUT, "max |db hand - autograd| =") < 1e-6


def test_momentum_beats_plain_sgd_at_the_same_learning_rate():
    sgd_train, sgd_test, sgd_loss, _ = line_numbers(OUT, "SGD   ")
    mom = line_numbers(OUT, "SGD + momentum 0.9 ")
    assert sgd_test == pytest.approx(0.88, abs=0.03)
    assert mom[0] > sgd_train and mom[2] < sgd_loss


def test_too_large_a_learning_rate_oscillates():
    assert line_numbers(OUT, "lr 20.0 ")[1] > 5 * line_numbers(OUT, "lr 0.5 ")[1]
    assert line_numbers(OUT, "lr 0.01 ")[0] < line_numbers(OUT, "lr 0.5 ")[0]


def test_loss_curve_shapes():
    slow = line_numbers(OUT, "lr 0.005: moving-average loss at steps 20, 100, 300:")
    good = line_numbers(OUT, "lr 0.1  : moving-average loss at steps 20, 100, 300:")
    wild = line_numbers(OUT, "lr 5.0  : moving-average loss at steps 20, 100, 300:")
    assert slow[-1] > good[-1] and wild[0] > 5 and wild[-1] > good[-1]
