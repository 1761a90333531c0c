"""1-D pools, max_unpool2d, Fold / Unfold modules: written values, gradcheck, PyTorch, errors."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.gradcheck import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)

POOLS = [  # (name, kwargs)
    ("max_pool1d", dict(kernel_size=2)),
    ("max_pool1d", dict(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)),
    ("avg_pool1d", dict(kernel_size=3, stride=1, padding=1)),
    ("avg_pool1d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                        count_include_pad=False)),
    ("adaptive_avg_pool1d", dict(output_size=4)),
    ("adaptive_max_pool1d", dict(output_size=(3,))),
]


def test_written_values():
    x = ag.tensor([[[1.0, 3.0, 2.0, 0.0, 5.0, 4.0]]])
    assert F.max_pool1d(x, 2).tolist() == [[[3.0, 2.0, 5.0]]]
    assert F.avg_pool1d(x, 3).tolist() == [[[2.0, 3.0]]]
    assert F.adaptive_avg_pool1d(x, 2).tolist() == [[[2.0, 3.0]]]
    assert F.adaptive_max_pool1d(x, 4).tolist() == [[[3.0, 3.0, 5.0, 5.0]]]
    out, idx = F.max_pool1d(x, 2, return_indices=True)
    assert idx.tolist() == [[[1, 2, 4]]] and idx.dtype == np.int64 and not idx.requires_grad
    assert F.max_pool1d(x[0], 3).shape == (1, 2)   # unbatched (C, L)


@pytest.mark.parametrize("name,kw", POOLS)
def test_gradcheck(name, kw):
    x = ag.tensor(RNG.standard_normal((2, 3, 9)), requires_grad=True)
    assert gradcheck(lambda a: getattr(F, name)(a, **kw), (x,))
    assert gradgradcheck(lambda a: getattr(F, name)(a, **kw), (x,))


@pytest.mark.parametrize("name,kw", POOLS)
def test_pytorch_parity(name, kw):
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((2, 3, 9))
    a, b = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, want = getattr(F, name)(a, **kw), getattr(torch.nn.functional, name)(b, **kw)
    g = RNG.standard_normal(tuple(want.shape))
    (out * ag.tensor(g)).sum().backward()
    (want * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(out.numpy(), want.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12, atol=1e-14)
    if name.startswith(("max", "adaptive_max")):
        _, idx = getattr(F, name)(a, **kw, return_indices=True)
        _, tidx = getattr(torch.nn.functional, name)(b, **kw, return_indices=True)
        np.testing.assert_array_equal(idx.numpy(), tidx.numpy())


def test_modules_and_reprs():
    x = ag.randn(2, 3, 8)
    assert nn.MaxPool1d(2)(x).shape == (2, 3, 4)
    assert nn.AvgPool1d(2, 1)(x).shape == (2, 3, 7)
    assert nn.AdaptiveAvgPool1d(5)(x).shape == (2, 3, 5)
    out, idx = nn.AdaptiveMaxPool1d(3, return_indices=True)(x)
    assert out.shape == idx.shape == (2, 3, 3)
    assert repr(nn.MaxPool1d(2)) == ("MaxPool1d(kernel_size=2, stride=2, padding=0, "
                                     "dilation=1, ceil_mode=False)")
    assert repr(nn.AvgPool1d(2)) == "AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))"
    assert repr(nn.MaxUnpool2d(2)) == ("MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), "
                                       "padding=(0, 0))")
    assert repr(nn.Unfold(2)) == "Unfold(kernel_size=2, dilation=1, padding=0, stride=1)"
    assert repr(nn.Fold((4, 5), 2)) == ("Fold(output_size=(4, 5), kernel_size=2, dilation=1, "
                                        "padding=0, stride=1)")
    torch = pytest.importorskip("torch")
    for ours, theirs in [(nn.MaxPool1d(3, 2), torch.nn.MaxPool1d(3, 2)),
                         (nn.AvgPool1d(3), torch.nn.AvgPool1d(3)),
                         (nn.AdaptiveMaxPool1d(2), torch.nn.AdaptiveMaxPool1d(2)),
                         (nn.MaxUnpool2d(3, 1, 1), torch.nn.MaxUnpool2d(3, 1, 1)),
                         (nn.Unfold(2, padding=1), torch.nn.Unfold(2, padding=1)),
                         (nn.Fold(4, 2), torch.nn.Fold(4, 2))]:
        assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("call,match", [
    (lambda: F.max_pool1d(ag.ones(2, 3, 4, 5), 2), r"max_pool1d: .*\(2, 3, 4, 5\)"),
    (lambda: F.max_pool1d(ag.ones(1, 2, 3), 5), r"max_pool1d: .*kernel"),
    (lambda: F.avg_pool1d(ag.ones(1, 2, 3), (2, 2)), r"avg_pool1d: kernel_size"),
    (lambda: F.adaptive_avg_pool1d(ag.ones(1, 2, 3), 0), r"adaptive_avg_pool1d: output_size"),
    (lambda: F.adaptive_max_pool1d(ag.ones(4), 2), r"adaptive_max_pool1d: .*\(4,\)"),
])
def test_errors_name_the_1d_function(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# ------------------------------------------------------------ max_unpool2d
def test_unpool_written_and_roundtrip():
    x = ag.tensor([[[[1.0, 2.0, 0.0, 0.5], [4.0, 3.0, 7.0, 1.0]]]])
    y, idx = F.max_pool2d(x, 2, return_indices=True)
    assert idx.tolist() == [[[[4, 6]]]]              # flat positions in the 2x4 plane
    assert F.max_unpool2d(y, idx, 2).tolist() == [[[[0.0, 0.0, 0.0, 0.0],
                                                     [4.0, 0.0, 7.0, 0.0]]]]
    pool, unpool = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
    z = ag.tensor(RNG.standard_normal((2, 3, 6, 4)))
    p, i = pool(z)
    back = unpool(p, i)
    kept = back.numpy() != 0
    np.testing.assert_array_equal(back.numpy()[kept], z.numpy()[kept])
    assert kept.sum() == p.numel()


@pytest.mark.parametrize("shape,k,s,p,size", [((2, 3, 5, 7), 2, 2, 0, (5, 7)),
                                              ((1, 2, 6, 6), 3, 2, 1, (1, 2, 6, 6)),
                                              ((3, 4, 4), 2, None, 0, None)])
def test_unpool_against_pytorch_and_gradcheck(shape, k, s, p, size):
    x = RNG.standard_normal(shape)
    y, idx = ag.max_pool2d(ag.tensor(x), k, s, p, return_indices=True)
    v = ag.tensor(y.numpy(), requires_grad=True)
    assert gradcheck(lambda a: F.max_unpool2d(a, idx, k, s, p, size), (v,))
    assert gradgradcheck(lambda a: F.max_unpool2d(a, idx, k, s, p, size), (v,))
    torch = pytest.importorskip("torch")
    ty, tidx = torch.nn.functional.max_pool2d(torch.tensor(x), k, s, p, return_indices=True)
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    tv = ty.detach().requires_grad_()
    want = torch.nn.functional.max_unpool2d(tv, tidx, k, s, p, size)
    out = F.max_unpool2d(v, idx, k, s, p, size)
    g = RNG.standard_normal(tuple(want.shape))
    (out * ag.tensor(g)).sum().backward()
    (want * torch.tensor(g)).sum().backward()
    np.testing.assert_array_equal(out.numpy(), want.detach().numpy())
    flat = idx.numpy().reshape(-1, idx.shape[-2] * idx.shape[-1])
    if all(len(set(row)) == len(row) for row in flat):   # no two windows share a maximum
        np.testing.assert_array_equal(v.grad.numpy(), tv.grad.numpy())
    else:  # the shared place's gradient goes to the last window here, to each in PyTorch
        shared = tv.grad.numpy() != v.grad.numpy()
        assert (v.grad.numpy()[shared] == 0).all()


def test_unpool_errors():
    y, idx = F.max_pool2d(ag.randn(1, 1, 4, 4), 2, return_indices=True)
    with pytest.raises(ValueError, match=r"max_unpool2d: indices of shape \(1, 1, 3\)"):
        F.max_unpool2d(y, ag.zeros(1, 1, 3, dtype=np.int64), 2)
    with pytest.raises(ValueError, match="max_unpool2d: found an invalid max index 99"):
        F.max_unpool2d(y, ag.full((1, 1, 2, 2), 99, dtype=np.int64), 2)
    with pytest.raises(ValueError, match=r"max_unpool2d: output_size \(9, 9\)"):
        F.max_unpool2d(y, idx, 2, output_size=(9, 9))
    with pytest.raises(ValueError, match=r"max_unpool2d: expected a 3-D or 4-D input"):
        F.max_unpool2d(ag.ones(4), idx, 2)


def test_fold_unfold_modules_match_pytorch():
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((2, 3, 5, 6))
    cols = nn.Unfold((2, 3), dilation=1, padding=1, stride=2)(ag.tensor(x))
    want = torch.nn.Unfold((2, 3), dilation=1, padding=1, stride=2)(torch.tensor(x))
    np.testing.assert_array_equal(cols.numpy(), want.numpy())
    back = nn.Fold((5, 6), (2, 3), padding=1, stride=2)(cols)
    np.testing.assert_allclose(back.numpy(), torch.nn.Fold((5, 6), (2, 3), padding=1,
                                                           stride=2)(want).numpy())


ERROR_CASES = [  # (call on (F, x, w), PyTorch's error class)
    (lambda F, x, w: F.conv1d(x, w, padding=(1, 1)), RuntimeError),
    (lambda F, x, w: F.conv1d(x, w, stride=1.5), TypeError),
    (lambda F, x, w: F.conv1d(x, w, stride=0), RuntimeError),
    (lambda F, x, w: F.conv1d(x[None], w), RuntimeError),
    (lambda F, x, w: F.max_pool1d(x, (2, 2)), RuntimeError),
    (lambda F, x, w: F.max_pool1d(x, 2.0), TypeError),
    (lambda F, x, w: F.max_pool1d(x[None, None], 2), RuntimeError),
    (lambda F, x, w: F.avg_pool1d(x, (2,), padding=(1, 1)), RuntimeError),
]


@pytest.mark.parametrize("case", range(len(ERROR_CASES)))
def test_1d_argument_errors_have_pytorchs_classes(case):
    call, cls = ERROR_CASES[case]
    with pytest.raises(cls, match=r"conv1d|pool1d"):
        call(F, ag.randn(2, 3, 8), ag.randn(2, 3, 2))


@pytest.mark.parametrize("case", range(len(ERROR_CASES)))
def test_1d_argument_errors_match_torch(case):
    torch = pytest.importorskip("torch")
    call, cls = ERROR_CASES[case]
    with pytest.raises(cls):
        call(torch.nn.functional, torch.randn(2, 3, 8), torch.randn(2, 3, 2))
