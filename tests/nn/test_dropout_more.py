"""AlphaDropout and FeatureAlphaDropout: PyTorch's formula, SELU statistics kept, eval identity."""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.dropout_more as D
import nn.functional as F
from autograd.gradcheck import gradcheck

ALPHA = 1.7580993408473766


class _FixedDraw:
    """Stands in for the generator: ``random(shape)`` gives 1 where ``keep`` and 0 elsewhere."""

    def __init__(self, keep):
        self.keep = np.asarray(keep, bool)

    def random(self, shape):
        return np.broadcast_to(np.where(self.keep, 1.0, 0.0), shape).copy()


def _a_b(p):
    a = 1.0 / math.sqrt((ALPHA ** 2 * p + 1) * (1 - p))
    return a, a * ALPHA * p


def test_written_values_from_the_formula(monkeypatch):
    keep = np.array([True, False, True, False])
    monkeypatch.setattr(D, "default_generator", lambda: _FixedDraw(keep))
    x = ag.tensor([0.5, -1.0, 2.0, 3.0], dtype=ag.float64)
    a, b = _a_b(0.25)
    got = F.alpha_dropout(x, 0.25, training=True).numpy()
    np.testing.assert_allclose(got, [a * 0.5 + b, -a * ALPHA + b, a * 2.0 + b, -a * ALPHA + b])


def test_same_mask_gives_pytorchs_values_and_gradient(monkeypatch):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    x = np.random.default_rng(0).standard_normal((6, 5))
    tx = torch.tensor(x, requires_grad=True)
    want = torch.nn.functional.alpha_dropout(tx, 0.3, training=True)
    want.sum().backward()
    keep = tx.grad.numpy() != 0  # PyTorch's gradient is the mask (times a)
    monkeypatch.setattr(D, "default_generator", lambda: _FixedDraw(keep))
    ours = ag.tensor(x, requires_grad=True)
    got = F.alpha_dropout(ours, 0.3, training=True)
    got.sum().backward()
    np.testing.assert_allclose(got.numpy(), want.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


def test_feature_dropout_draws_per_channel_as_pytorch(monkeypatch):
    torch = pytest.importorskip("torch")
    torch.manual_seed(1)
    x = np.random.default_rng(1).standard_normal((3, 4, 2, 2))
    tx = torch.tensor(x, requires_grad=True)
    want = torch.nn.functional.feature_alpha_dropout(tx, 0.5, training=True)
    want.sum().backward()
    keep = tx.grad.numpy()[:, :, :1, :1] != 0  # one draw per (n, c)
    monkeypatch.setattr(D, "default_generator", lambda: _FixedDraw(keep))
    got = F.feature_alpha_dropout(ag.tensor(x), 0.5, training=True)
    np.testing.assert_allclose(got.numpy(), want.detach().numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("fn,shape", [(F.alpha_dropout, (200_000,)),
                                      (F.feature_alpha_dropout, (50_000, 4, 1))])
@pytest.mark.parametrize("p", [0.1, 0.5])
def test_keeps_zero_mean_and_unit_variance(fn, shape, p):
    """A standardised input (SELU's fixed point) keeps mean 0 and variance 1 in expectation."""
    _ = ag.manual_seed(0)
    x = ag.tensor(np.random.default_rng(2).standard_normal(shape))
    y = fn(x, p, training=True).numpy()
    assert abs(y.mean()) < 0.015 and abs(y.var() - 1.0) < 0.02
    if fn is F.feature_alpha_dropout:  # whole channels share their draw
        dropped = np.isclose(y, _a_b(p)[1] - _a_b(p)[0] * ALPHA)
        assert (dropped.all(-1) | ~dropped.any(-1)).all()


def test_eval_and_p0_are_the_identity():
    x = ag.randn(3, 4)
    for layer in (nn.AlphaDropout(0.3), nn.FeatureAlphaDropout(0.3)):
        assert layer.eval()(x) is x
    assert F.alpha_dropout(x, 0.5) is x  # the functional form's default: training=False
    assert F.alpha_dropout(x, 0.0, training=True) is x
    assert F.feature_alpha_dropout(ag.randn(5), 0.5, training=False).shape == (5,)


def test_p1_gives_zeros_and_training_layer_changes_values():
    x = ag.randn(4, 3)
    assert F.alpha_dropout(x, 1.0, training=True).tolist() == [[0.0] * 3] * 4
    _ = ag.manual_seed(3)
    y = nn.AlphaDropout(0.5)(x)
    assert y.shape == x.shape and not np.allclose(y.numpy(), x.numpy())


def test_gradient_is_the_mask(monkeypatch):
    keep = np.random.default_rng(4).random((3, 4)) > 0.5
    monkeypatch.setattr(D, "default_generator", lambda: _FixedDraw(keep))
    x = ag.tensor(np.random.default_rng(5).standard_normal((3, 4)), requires_grad=True)
    assert gradcheck(lambda t: F.alpha_dropout(t, 0.4, training=True), (x,))


def test_inplace_writes_into_the_input_and_counts_the_version():
    _ = ag.manual_seed(6)
    leaf = ag.randn(3, 4, requires_grad=True)
    y = leaf * 1.0
    before = y._version
    out = F.alpha_dropout(y, 0.5, training=True, inplace=True)
    assert out is y and y._version == before + 1
    y.sum().backward()
    kept = leaf.grad.numpy() != 0
    a = _a_b(0.5)[0]
    np.testing.assert_allclose(leaf.grad.numpy()[kept], a, rtol=1e-6)
    with pytest.raises(RuntimeError, match="leaf"):
        F.alpha_dropout(leaf, 0.5, training=True, inplace=True)


def test_repr_and_errors():
    assert repr(nn.AlphaDropout(0.2)) == "AlphaDropout(p=0.2, inplace=False)"
    assert repr(nn.FeatureAlphaDropout()) == "FeatureAlphaDropout(p=0.5, inplace=False)"
    with pytest.raises(ValueError, match="1.5"):
        nn.AlphaDropout(1.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.alpha_dropout(ag.ones(2), -0.1)
    with pytest.raises(RuntimeError, match=r"feature_alpha_dropout.*\(5,\)"):
        F.feature_alpha_dropout(ag.ones(5), 0.5, training=True)
    with pytest.raises(RuntimeError, match="int64"):
        F.alpha_dropout(ag.tensor([1, 2]), 0.5, training=True)


def test_error_classes_match_pytorch():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    for ours, theirs in [
        (lambda: F.alpha_dropout(ag.ones(2), 2.0), lambda: tf.alpha_dropout(torch.ones(2), 2.0)),
        (lambda: F.feature_alpha_dropout(ag.ones(5), 0.5, True),
         lambda: tf.feature_alpha_dropout(torch.ones(5), 0.5, True)),
    ]:
        with pytest.raises(Exception) as want:
            theirs()
        with pytest.raises(type(want.value)):
            ours()
