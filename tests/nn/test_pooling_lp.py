"""lp_pool1d/2d/3d and LPPool1d/2d/3d: a loop reference of PyTorch's formula on drawn
windows, the zero gradient of an all-zero window, p = +-inf, gradients to second order, the
layers' attributes and reprs, errors, PyTorch parity."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from autograd.errors import OpError
from autograd.gradcheck import gradcheck, gradgradcheck

SETTINGS = dict(deadline=None, database=None)
LP = {1: F.lp_pool1d, 2: F.lp_pool2d, 3: F.lp_pool3d}


def t64(a, requires_grad=True):
    return ag.tensor(np.asarray(a, np.float64), requires_grad=requires_grad)


def ref_lp_pool(x, p, k, s, ceil_mode):
    """PyTorch's definition: (mean of x**p over the in-bounds part of each window * K)**(1/p)."""
    nd = len(k)
    size = x.shape[-nd:]
    outs = []
    for n, kk, ss in zip(size, k, s):
        o = ((n - kk + (ss - 1 if ceil_mode else 0)) // ss) + 1
        if ceil_mode and (o - 1) * ss >= n:
            o -= 1
        outs.append(o)
    y = np.zeros(x.shape[:-nd] + tuple(outs))
    for o in itertools.product(*(range(m) for m in outs)):
        sl = tuple(slice(o[i] * s[i], min(o[i] * s[i] + k[i], size[i])) for i in range(nd))
        win = x[(...,) + sl]
        y[(...,) + o] = np.mean(win ** p, axis=tuple(range(-nd, 0))) * math.prod(k)
    return y ** (1.0 / p)


@st.composite
def configs(draw):
    nd = draw(st.integers(1, 3))
    k = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    s = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    size = tuple(kk + draw(st.integers(0, 3)) for kk in k)
    return nd, k, s, size, draw(st.booleans()), draw(st.sampled_from([1, 2, 3, 1.5]))


@settings(max_examples=25, **SETTINGS)
@given(cfg=configs(), seed=st.integers(0, 2**16))
def test_lp_pool_matches_loop_reference(cfg, seed):
    nd, k, s, size, ceil, p = cfg
    x = np.random.default_rng(seed).uniform(0.1, 2, (2, 2) + size)
    got = LP[nd](t64(x, False), p, k, s, ceil)
    np.testing.assert_allclose(got.numpy(), ref_lp_pool(x, p, k, s, ceil), rtol=1e-12)


@settings(max_examples=8, **SETTINGS)
@given(cfg=configs(), seed=st.integers(0, 2**16))
def test_lp_pool_gradcheck_and_gradgradcheck(cfg, seed):
    nd, k, s, size, ceil, p = cfg
    x = (t64(np.random.default_rng(seed).uniform(0.5, 2, (1, 2) + size)),)
    assert gradcheck(lambda a: LP[nd](a, p, k, s, ceil), x, seed=seed)
    assert gradgradcheck(lambda a: LP[nd](a, p, k, s, ceil), x, seed=seed)


def test_worked_numbers_and_infinite_p():
    x = ag.tensor([[[3.0, -4.0, 1.0, 0.0]]])
    assert F.lp_pool1d(x, 2, 2).tolist() == [[[5.0, 1.0]]]            # sqrt(9 + 16), sqrt(1)
    assert F.lp_pool1d(x, math.inf, 2).tolist() == [[[4.0, 1.0]]]     # max |x|
    assert F.lp_pool1d(x, -math.inf, 2).tolist() == [[[3.0, 0.0]]]    # min |x|
    assert F.lp_pool2d(ag.full((2, 4, 4), 2.0), 1, 2).tolist() == [[[8.0, 8.0]] * 2] * 2
    assert F.lp_pool3d(ag.ones(1, 1, 3, 3, 3), 2, 2, 1).shape == (1, 1, 2, 2, 2)


def test_all_zero_window_has_zero_gradient_not_nan():
    x = t64(np.zeros((1, 1, 4, 4)))
    with np.errstate(divide="ignore", invalid="ignore"):
        F.lp_pool2d(x, 2, 2).sum().backward()
    assert x.grad.tolist() == np.zeros((1, 1, 4, 4)).tolist()
    y = t64([[[0.0, 0.0, 3.0, 4.0]]])
    with np.errstate(divide="ignore", invalid="ignore"):
        F.lp_pool1d(y, 2, 2).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [[[0.0, 0.0, 0.6, 0.8]]])


def test_layers():
    m = nn.LPPool2d(2, (2, 3), stride=1, ceil_mode=True)
    assert (m.norm_type, m.kernel_size, m.stride, m.ceil_mode) == (2, (2, 3), 1, True)
    assert repr(m) == "LPPool2d(norm_type=2, kernel_size=(2, 3), stride=1, ceil_mode=True)"
    assert repr(nn.LPPool1d(1.5, 3)) == ("LPPool1d(norm_type=1.5, kernel_size=3, stride=None, "
                                         "ceil_mode=False)")
    assert nn.LPPool3d(2, 2)(ag.ones(2, 4, 4, 4)).shape == (2, 2, 2, 2)
    assert nn.LPPool1d(2, 2)(ag.tensor([[3.0, 4.0]])).tolist() == [[5.0]]
    assert list(m.state_dict()) == []


@pytest.mark.parametrize("call, err, needle", [
    (lambda: F.lp_pool2d(ag.ones(1, 2, 5, 5), 2, 6), OpError, "lp_pool2d.*6"),
    (lambda: F.lp_pool1d(ag.ones(1, 2, 5), 2, 6), OpError, "lp_pool1d.*6"),
    (lambda: F.lp_pool3d(ag.ones(1, 2, 5, 5, 5), 2, (6, 1, 1)), OpError, "lp_pool3d.*6"),
    (lambda: F.lp_pool2d(ag.ones(5, 5), 2, 2), OpError, r"\(5, 5\)"),
    (lambda: F.lp_pool2d(ag.ones(1, 1, 4, 4), 2, (2, 2, 2)), TypeError, r"\(2, 2, 2\)"),
    (lambda: F.lp_pool2d(ag.ones(1, 1, 4, 4), 0, 2), ValueError, "norm_type"),
    (lambda: nn.LPPool2d("two", 2), TypeError, "two"),
])
def test_errors(call, err, needle):
    with pytest.raises(err, match=needle):
        call()


@settings(max_examples=12, **SETTINGS)
@given(cfg=configs(), seed=st.integers(0, 2**16), zeros=st.booleans(),
       inf=st.sampled_from([None, math.inf, -math.inf]))
def test_matches_pytorch(cfg, seed, zeros, inf):
    torch = pytest.importorskip("torch")
    nd, k, s, size, ceil, p = cfg
    p = p if inf is None else inf
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 2) + size)
    if p == 1.5:
        x = np.abs(x)
    if zeros:
        x[..., :2] = 0.0                                    # all-zero windows
    if nd == 1:
        k, s = k[0], s[0]                                   # PyTorch's 1-d takes plain ints
    ours, theirs = getattr(nn, f"LPPool{nd}d")(p, k, s, ceil), getattr(
        torch.nn, f"LPPool{nd}d")(p, k, s, ceil)
    assert repr(ours) == repr(theirs)
    a, b = t64(x), torch.tensor(x, requires_grad=True)
    with np.errstate(all="ignore"):
        got, want = ours(a), theirs(b)
        np.testing.assert_allclose(got.numpy(), want.detach().numpy(), rtol=1e-12, atol=1e-14)
        up = rng.standard_normal(want.shape)
        (got * ag.tensor(up)).sum().backward()
    (want * torch.tensor(up)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)
