"""ChannelShuffle, Softmax2d, gumbel_softmax, the deprecated upsampling aliases and
TripletMarginWithDistanceLoss: written values, gradients, PyTorch parity and errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import nn.misc_layers as M
from autograd.gradcheck import gradcheck, gradgradcheck


def _raises_like(torch_call, ours_call):
    with pytest.raises(Exception) as want:
        torch_call()
    with pytest.raises(type(want.value)):
        ours_call()


# ------------------------------------------------------------------ channel shuffle
def test_channel_shuffle_written_and_gradient():
    x = ag.arange(6.0).reshape(1, 6, 1, 1)
    assert F.channel_shuffle(x, 3).flatten().tolist() == [0.0, 2.0, 4.0, 1.0, 3.0, 5.0]
    assert nn.ChannelShuffle(2)(x).flatten().tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    assert repr(nn.ChannelShuffle(2)) == "ChannelShuffle(groups=2)"
    a = ag.tensor(np.random.default_rng(0).standard_normal((2, 6, 2)), requires_grad=True)
    assert gradcheck(lambda t: F.channel_shuffle(t, 3), (a,))
    assert F.channel_shuffle(ag.zeros(0, 4, 2), 2).shape == (0, 4, 2)


def test_channel_shuffle_matches_pytorch_and_its_errors():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal((2, 12, 3, 2))
    for g in (1, 2, 3, 4, 6, 12):
        np.testing.assert_array_equal(F.channel_shuffle(ag.tensor(x), g).numpy(),
                                      torch.nn.functional.channel_shuffle(torch.tensor(x), g))
    for g, shape in [(0, (1, 4, 2)), (3, (1, 4, 2)), (2, (1, 4)), (2.0, (1, 4, 2))]:
        _raises_like(lambda s=shape, k=g: torch.nn.functional.channel_shuffle(torch.ones(s), k),
                     lambda s=shape, k=g: F.channel_shuffle(ag.ones(*s), k))
    with pytest.raises(RuntimeError, match="4 channels and 3 groups"):
        F.channel_shuffle(ag.ones(1, 4, 2), 3)


# ------------------------------------------------------------------ Softmax2d
def test_softmax2d_over_channels():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(2).standard_normal((2, 3, 4, 5))
    for arr in (x, x[0]):
        np.testing.assert_allclose(nn.Softmax2d()(ag.tensor(arr)).numpy(),
                                   torch.nn.Softmax2d()(torch.tensor(arr)).numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D, got 2D"):
        nn.Softmax2d()(ag.ones(2, 3))
    a = ag.tensor(x[:1, :, :2, :2], requires_grad=True)
    assert gradcheck(nn.Softmax2d(), (a,))


# ------------------------------------------------------------------ gumbel_softmax
def _fixed_noise(monkeypatch, noise):
    monkeypatch.setattr(M, "_gumbel_noise", lambda shape, dtype: noise.astype(dtype))


def test_gumbel_softmax_with_fixed_noise_is_softmax_of_shifted_logits(monkeypatch):
    rng = np.random.default_rng(3)
    logits, noise = rng.standard_normal((4, 5)), rng.gumbel(size=(4, 5))
    _fixed_noise(monkeypatch, noise)
    z = (logits + noise) / 0.5
    want = np.exp(z - z.max(-1, keepdims=True))
    want /= want.sum(-1, keepdims=True)
    got = F.gumbel_softmax(ag.tensor(logits), tau=0.5)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)
    got0 = F.gumbel_softmax(ag.tensor(logits), tau=0.5, dim=0)
    np.testing.assert_allclose(got0.numpy().sum(0), np.ones(5))


def test_gumbel_softmax_hard_is_one_hot_with_the_soft_gradient(monkeypatch):
    rng = np.random.default_rng(4)
    logits, noise, up = (rng.standard_normal((3, 4)), rng.gumbel(size=(3, 4)),
                         rng.standard_normal((3, 4)))
    _fixed_noise(monkeypatch, noise)
    hard_in = ag.tensor(logits, requires_grad=True)
    hard = F.gumbel_softmax(hard_in, tau=0.7, hard=True)
    soft_in = ag.tensor(logits, requires_grad=True)
    soft = F.gumbel_softmax(soft_in, tau=0.7)
    one_hot = np.eye(4)[np.argmax(logits + noise, -1)]
    np.testing.assert_allclose(hard.numpy(), one_hot, atol=1e-15)
    (hard * ag.tensor(up)).sum().backward()
    (soft * ag.tensor(up)).sum().backward()
    np.testing.assert_allclose(hard_in.grad.numpy(), soft_in.grad.numpy(), rtol=1e-12)
    start = ag.tensor(logits, requires_grad=True)
    assert gradcheck(lambda t: F.gumbel_softmax(t, tau=0.7), (start,))


def test_gumbel_softmax_samples_follow_softmax_of_logits():
    _ = ag.manual_seed(0)
    logits = ag.tensor([[1.0, 0.0, -1.0]]).expand(20_000, 3)
    picks = F.gumbel_softmax(logits, tau=0.3, hard=True).numpy().mean(0)
    want = np.exp([1.0, 0.0, -1.0]) / np.exp([1.0, 0.0, -1.0]).sum()
    np.testing.assert_allclose(picks, want, atol=0.015)


def test_gumbel_softmax_matches_pytorch_shape_dtype_and_warning():
    torch = pytest.importorskip("torch")
    y = F.gumbel_softmax(ag.randn(2, 3), hard=True)
    t = torch.nn.functional.gumbel_softmax(torch.randn(2, 3), hard=True)
    assert y.dtype == np.float32 and str(t.dtype) == "torch.float32" and y.shape == tuple(t.shape)
    with pytest.warns(UserWarning, match="eps"):
        F.gumbel_softmax(ag.randn(3), eps=1e-5)


# ------------------------------------------------------------------ deprecated upsampling
def test_upsample_aliases_warn_and_match_interpolate():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(5).standard_normal((1, 2, 3, 4))
    for ours, theirs, kw in [(F.upsample_bilinear, torch.nn.functional.upsample_bilinear,
                              dict(scale_factor=2)),
                             (F.upsample_bilinear, torch.nn.functional.upsample_bilinear,
                              dict(size=(5, 7))),
                             (F.upsample_nearest, torch.nn.functional.upsample_nearest,
                              dict(size=(6, 5)))]:
        with pytest.warns(UserWarning, match="deprecated"):
            got = ours(ag.tensor(x), **kw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = theirs(torch.tensor(x), **kw)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)
    with pytest.warns(UserWarning):
        got = F.upsample_bilinear(ag.tensor(x), size=(5, 7))
    want = F.interpolate(ag.tensor(x), size=(5, 7), mode="bilinear", align_corners=True)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


# ------------------------------------------------------------------ triplet loss
def _l1(a, b):
    return (a - b).abs().sum(-1)


@pytest.mark.parametrize("kw", [dict(), dict(margin=0.5, swap=True), dict(reduction="none"),
                                dict(distance_function="l1", reduction="sum", swap=True)])
def test_triplet_with_distance_matches_pytorch(kw):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    a, p, n = (rng.standard_normal((5, 3)) for _ in range(3))
    ours_kw, theirs_kw = dict(kw), dict(kw)
    if kw.get("distance_function") == "l1":
        ours_kw["distance_function"] = _l1
        theirs_kw["distance_function"] = _l1
    ours = [ag.tensor(v, requires_grad=True) for v in (a, p, n)]
    theirs = [torch.tensor(v, requires_grad=True) for v in (a, p, n)]
    got = F.triplet_margin_with_distance_loss(*ours, **ours_kw)
    want = torch.nn.functional.triplet_margin_with_distance_loss(*theirs, **theirs_kw)
    np.testing.assert_allclose(got.numpy(), want.detach().numpy(), rtol=1e-10)
    got.sum().backward()
    want.sum().backward()
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-8, atol=1e-12)
    module = nn.TripletMarginWithDistanceLoss(**ours_kw)
    np.testing.assert_allclose(module(*ours).numpy(), got.numpy())


def test_triplet_with_distance_written_gradcheck_and_errors():
    a, p, n = ag.zeros(1, 2), ag.tensor([[3.0, 4.0]]), ag.tensor([[0.0, 1.0]])
    assert F.triplet_margin_with_distance_loss(a, p, n, distance_function=_l1).item() == 7.0
    rng = np.random.default_rng(7)
    xs = [ag.tensor(rng.standard_normal((3, 2)), requires_grad=True) for _ in range(3)]
    fn = lambda *t: F.triplet_margin_with_distance_loss(*t, margin=3.0)  # noqa: E731
    assert gradcheck(fn, xs) and gradgradcheck(fn, xs)
    with pytest.raises(ValueError, match="margin must be greater than 0, got 0"):
        F.triplet_margin_with_distance_loss(a, p, n, margin=0)
    with pytest.raises(ValueError, match="'avg' is not a valid value for reduction"):
        F.triplet_margin_with_distance_loss(a, p, n, reduction="avg")
    with pytest.raises(RuntimeError, match="anchor 2D, positive 2D, and negative 1D"):
        F.triplet_margin_with_distance_loss(a, p, ag.ones(2))
    with pytest.raises(ValueError, match="TripletMarginWithDistanceLoss: expected margin"):
        nn.TripletMarginWithDistanceLoss(margin=-1)
    with pytest.raises(ValueError, match="reduction"):
        nn.TripletMarginWithDistanceLoss(reduction="avg")
    assert "PairwiseDistance" in repr(nn.TripletMarginWithDistanceLoss())
