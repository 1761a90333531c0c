"""Normalization: batch_norm / layer_norm / group_norm and their modules."""
import numpy as np
import pytest

import autograd as ag
from autograd.gradcheck import gradcheck, gradgradcheck
from nn.norm import (
    BatchNorm1d,
    BatchNorm2d,
    GroupNorm,
    LayerNorm,
    batch_norm,
    group_norm,
    layer_norm,
    normalize,
)


def _t(shape, seed=0, scale=1.0, shift=0.0, grad=True):
    rng = np.random.default_rng(seed)
    return ag.tensor(rng.normal(shift, scale, shape), dtype="float64", requires_grad=grad)


def _ref_norm(x, axes, eps=1e-5):
    m = x.mean(axis=axes, keepdims=True)
    v = x.var(axis=axes, keepdims=True)
    return (x - m) / np.sqrt(v + eps)


# (name, function of (x, w, b), x shape, param shape, numpy reference of (x, w, b))
FUNCS = [
    ("batch_norm 2d", lambda x, w, b: batch_norm(x, None, None, w, b, training=True),
     (4, 3), (3,), lambda x, w, b: _ref_norm(x, (0,)) * w + b),
    ("batch_norm 3d", lambda x, w, b: batch_norm(x, None, None, w, b, training=True),
     (3, 2, 5), (2,), lambda x, w, b: _ref_norm(x, (0, 2)) * w[:, None] + b[:, None]),
    ("batch_norm 4d", lambda x, w, b: batch_norm(x, None, None, w, b, training=True),
     (2, 3, 3, 2), (3,),
     lambda x, w, b: _ref_norm(x, (0, 2, 3)) * w[:, None, None] + b[:, None, None]),
    ("layer_norm", lambda x, w, b: layer_norm(x, (4,), w, b),
     (3, 2, 4), (4,), lambda x, w, b: _ref_norm(x, (2,)) * w + b),
    ("layer_norm 2 dims", lambda x, w, b: layer_norm(x, (2, 3), w, b),
     (3, 2, 3), (2, 3), lambda x, w, b: _ref_norm(x, (1, 2)) * w + b),
    ("group_norm", lambda x, w, b: group_norm(x, 2, w, b),
     (2, 4, 3, 2), (4,),
     lambda x, w, b: _ref_norm(x.reshape(2, 2, -1), (2,)).reshape(x.shape)
     * w[:, None, None] + b[:, None, None]),
]


@pytest.mark.parametrize("name,fn,xs,ps,ref", FUNCS, ids=[f[0] for f in FUNCS])
def test_forward_matches_numpy(name, fn, xs, ps, ref):
    x, w, b = _t(xs, 0, 3.0, 1.0), _t(ps, 1), _t(ps, 2)
    out = fn(x, w, b)
    assert out.shape == xs
    np.testing.assert_allclose(out.numpy(), ref(x.numpy(), w.numpy(), b.numpy()), atol=1e-10)


@pytest.mark.parametrize("name,fn,xs,ps,ref", FUNCS, ids=[f[0] for f in FUNCS])
def test_gradcheck(name, fn, xs, ps, ref):
    assert gradcheck(fn, (_t(xs, 0, 2.0), _t(ps, 1), _t(ps, 2)))


@pytest.mark.parametrize("name,fn,xs,ps,ref", FUNCS[::2], ids=[f[0] for f in FUNCS[::2]])
def test_gradgradcheck(name, fn, xs, ps, ref):
    assert gradgradcheck(fn, (_t(xs, 0, 2.0), _t(ps, 1), _t(ps, 2)), atol=1e-4)


def test_eval_mode_gradcheck_and_no_param():
    rm, rv = ag.tensor(np.array([0.5, -1.0]), dtype="float64"), ag.tensor([2.0, 0.5], "float64")
    f = lambda x, w: batch_norm(x, rm, rv, w, None, training=False)  # noqa: E731
    assert gradcheck(f, (_t((3, 2, 2)), _t((2,), 1)))
    assert gradcheck(lambda x: normalize(x, (0, 1)), _t((3, 4)))


def test_float32_stays_float32_and_is_stable_for_large_offsets():
    x = ag.tensor((np.random.default_rng(0).normal(0, 1, (64, 3)) + 1e4).astype(np.float32))
    y = batch_norm(x, None, None, training=True)
    assert y.dtype == np.float32
    ref = _ref_norm(x.numpy().astype(np.float64), (0,))
    np.testing.assert_allclose(y.numpy(), ref, atol=2e-2)  # E[x^2]-E[x]^2 would give garbage


# ---------------------------------------------------------------- modules
def test_batchnorm_running_stats_momentum_and_eval():
    bn = BatchNorm1d(3, momentum=0.3)
    xs = [np.random.default_rng(i).normal(i, 1 + i, (10, 3)).astype(np.float32) for i in range(3)]
    rm, rv = np.zeros(3), np.ones(3)
    for x in xs:
        bn(ag.tensor(x))
        rm = 0.7 * rm + 0.3 * x.mean(0)
        rv = 0.7 * rv + 0.3 * x.var(0, ddof=1)  # unbiased, as PyTorch
    np.testing.assert_allclose(bn.running_mean.numpy(), rm, rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.numpy(), rv, rtol=1e-5)
    assert bn.num_batches_tracked.item() == 3
    bn.eval()
    x = ag.tensor(xs[0][:2])
    expect = (xs[0][:2] - rm) / np.sqrt(rv + 1e-5)
    np.testing.assert_allclose(bn(x).numpy(), expect, rtol=1e-4, atol=1e-5)
    before = bn.running_mean.numpy().copy()
    bn(x)
    np.testing.assert_array_equal(bn.running_mean.numpy(), before)  # eval does not update
    assert bn.num_batches_tracked.item() == 3


def test_batchnorm_momentum_none_is_cumulative_average():
    bn = BatchNorm2d(2, momentum=None)
    xs = [np.random.default_rng(i).normal(i, 2, (3, 2, 2, 2)).astype(np.float32)
          for i in range(4)]
    for x in xs:
        bn(ag.tensor(x))
    mean = np.mean([x.mean((0, 2, 3)) for x in xs], axis=0)
    var = np.mean([x.var((0, 2, 3), ddof=1) for x in xs], axis=0)
    np.testing.assert_allclose(bn.running_mean.numpy(), mean, rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.numpy(), var, rtol=1e-5)


def test_no_tracking_uses_batch_stats_in_eval():
    bn = BatchNorm1d(2, track_running_stats=False, affine=False).eval()
    assert list(bn.state_dict()) == []
    x = ag.tensor([[1.0, 5.0], [3.0, 9.0]])
    np.testing.assert_allclose(bn(x).numpy(), [[-1, -1], [1, 1]], atol=1e-3)


@pytest.mark.parametrize("make,shape", [
    (lambda: BatchNorm1d(3), (4, 3)),
    (lambda: BatchNorm1d(3), (4, 3, 5)),
    (lambda: BatchNorm2d(3), (2, 3, 4, 4)),
    (lambda: LayerNorm((3, 4)), (2, 3, 4)),
    (lambda: GroupNorm(3, 6), (2, 6, 3, 3)),
])
def test_module_shapes_grads_and_state_dict_round_trip(make, shape):
    ag.manual_seed(0)
    m = make()
    x = ag.randn(*shape)
    y = m(x)
    assert y.shape == shape and y.dtype == np.float32
    (y * ag.randn(*shape)).sum().backward()
    for p in m.parameters():
        assert p.grad is not None and p.grad.shape == p.shape
    for p in m.parameters():
        p.array[...] = np.random.default_rng(1).normal(size=p.shape)
    m2 = make()
    m2.load_state_dict(m.state_dict())
    m.eval(), m2.eval()
    np.testing.assert_allclose(m2(x).numpy(), m(x).numpy())


@pytest.mark.parametrize("call,match", [
    (lambda: BatchNorm1d(3)(ag.randn(4, 2)), r"\(N, 3, \*\)"),
    (lambda: BatchNorm2d(3)(ag.randn(4, 3)), "4-D"),
    (lambda: BatchNorm1d(3)(ag.randn(1, 3)), "more than 1 value"),
    (lambda: BatchNorm1d(3, momentum=2.0), "momentum"),
    (lambda: GroupNorm(4, 6), "divisible"),
    (lambda: LayerNorm(5)(ag.randn(2, 4)), "normalized_shape"),
])
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---------------------------------------------------------------- PyTorch parity
def _sd_to_torch(m, tm):
    import torch
    tm.load_state_dict({k: torch.tensor(v.numpy()) for k, v in m.state_dict().items()})


@pytest.mark.parametrize("cls,shape,momentum", [
    ("BatchNorm1d", (6, 3), 0.1), ("BatchNorm1d", (5, 3, 4), None),
    ("BatchNorm2d", (4, 3, 5, 5), 0.2),
])
def test_batchnorm_matches_torch(cls, shape, momentum):
    torch = pytest.importorskip("torch")
    import nn.norm as N
    m = getattr(N, cls)(3, momentum=momentum)
    tm = getattr(torch.nn, cls)(3, momentum=momentum)
    rng = np.random.default_rng(0)
    for p in m.parameters():
        p.array[...] = rng.normal(size=p.shape)
    _sd_to_torch(m, tm)
    for step in range(3):
        xn = rng.normal(step, 2, shape).astype(np.float32)
        gn = rng.normal(size=shape).astype(np.float32)
        x, tx = ag.tensor(xn, requires_grad=True), torch.tensor(xn, requires_grad=True)
        y, ty = m(x), tm(tx)
        np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), atol=1e-4, rtol=1e-4)
        (y * ag.tensor(gn)).sum().backward()
        (ty * torch.tensor(gn)).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-4, rtol=1e-4)
        for name in ("weight", "bias"):
            np.testing.assert_allclose(getattr(m, name).grad.numpy(),
                                       getattr(tm, name).grad.numpy(), rtol=1e-4, atol=1e-4)
            getattr(m, name).grad = None
            getattr(tm, name).grad = None
        for name in ("running_mean", "running_var", "num_batches_tracked"):
            np.testing.assert_allclose(getattr(m, name).numpy(),
                                       getattr(tm, name).numpy(), rtol=1e-5)
    sd, tsd = m.state_dict(), tm.state_dict()
    assert list(sd) == list(tsd)
    for k in sd:
        assert sd[k].shape == tuple(tsd[k].shape)
    m.eval(), tm.eval()
    xn = rng.normal(size=shape).astype(np.float32)
    np.testing.assert_allclose(m(ag.tensor(xn)).numpy(),
                               tm(torch.tensor(xn)).detach().numpy(), atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("make,tmake,shape", [
    (lambda: LayerNorm((3, 4)), lambda t: t.nn.LayerNorm((3, 4)), (2, 3, 4)),
    (lambda: GroupNorm(2, 4), lambda t: t.nn.GroupNorm(2, 4), (3, 4, 2, 5)),
])
def test_layer_and_group_norm_match_torch(make, tmake, shape):
    torch = pytest.importorskip("torch")
    m, tm = make(), tmake(torch)
    rng = np.random.default_rng(0)
    for p in m.parameters():
        p.array[...] = rng.normal(size=p.shape)
    _sd_to_torch(m, tm)
    xn, gn = rng.normal(1, 3, shape).astype(np.float32), rng.normal(size=shape).astype(np.float32)
    x, tx = ag.tensor(xn, requires_grad=True), torch.tensor(xn, requires_grad=True)
    y, ty = m(x), tm(tx)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), atol=1e-4, rtol=1e-4)
    (y * ag.tensor(gn)).sum().backward()
    (ty * torch.tensor(gn)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-4, rtol=1e-4)
    np.testing.assert_allclose(m.weight.grad.numpy(), tm.weight.grad.numpy(), atol=1e-4, rtol=1e-4)


def test_in_place_change_of_a_saved_output_raises():
    x = _t((4, 3))
    y = normalize(x, (0,))
    with ag.no_grad():
        y += 1.0
    with pytest.raises(RuntimeError, match="in-place"):
        y.sum().backward()
