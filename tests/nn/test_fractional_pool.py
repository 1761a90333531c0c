"""fractional_max_pool2d/3d and FractionalMaxPool2d/3d: a loop reference of PyTorch's window
placement, exact equality with PyTorch for given ``_random_samples`` (float32 and float64),
the gradient to the chosen maxima, the layers' attributes and buffer, errors."""
from __future__ import annotations

import itertools

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


def starts(u, n_in, n_out, k):
    """PyTorch's interval sequence for one sample, in the sample's float type."""
    t = type(u)
    seq = []
    for i in range(n_out - 1):
        alpha = t(n_in - k) / t(n_out - 1)
        seq.append(int((t(i) + u) * alpha) - int(u * alpha))
    return seq + [n_in - k] if n_out else []


def ref_fractional(x, k, out, u):
    """One window at a time; u[n, c] holds (width, height) samples in 2-D, (t, h, w) in 3-D."""
    nd = len(k)
    size = x.shape[2:]
    y = np.zeros(x.shape[:2] + out, x.dtype)
    idx = np.zeros(x.shape[:2] + out, np.int64)
    order = (1, 0) if nd == 2 else (0, 1, 2)
    for a, b in itertools.product(*(range(m) for m in x.shape[:2])):
        seqs = [starts(u[a, b, order[i]], size[i], out[i], k[i]) for i in range(nd)]
        for o in itertools.product(*(range(m) for m in out)):
            best, at = -np.inf, None
            for cell in itertools.product(*(range(seqs[i][o[i]], seqs[i][o[i]] + k[i])
                                            for i in range(nd))):
                v = x[(a, b) + cell]
                if at is None or v > best or np.isnan(v):
                    best, at = v, cell
            y[(a, b) + o] = best
            idx[(a, b) + o] = np.ravel_multi_index(at, size)
    return y, idx


@st.composite
def configs(draw, nd=None, max_side=7):
    nd = nd or draw(st.sampled_from([2, 3]))
    size = tuple(draw(st.integers(2, max_side)) for _ in range(nd))
    k = tuple(draw(st.integers(1, n - (nd == 3))) for n in size)
    out = tuple(draw(st.integers(1, n - kk + (nd == 2))) for n, kk in zip(size, k))
    return size, k, out


FN = {2: F.fractional_max_pool2d, 3: F.fractional_max_pool3d}


@settings(max_examples=25, **SETTINGS)
@given(cfg=configs(), seed=st.integers(0, 2**16), dtype=st.sampled_from([np.float32,
                                                                           np.float64]))
def test_matches_loop_reference(cfg, seed, dtype):
    size, k, out = cfg
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, (2, 2) + size).astype(dtype)      # ties inside windows
    x.flat[rng.integers(0, x.size)] = np.nan
    u = rng.random((2, 2, len(size))).astype(dtype)
    y, i = FN[len(size)](ag.tensor(x), k, out, return_indices=True,
                         _random_samples=ag.tensor(u))
    want_y, want_i = ref_fractional(x, k, out, u)
    np.testing.assert_array_equal(y.numpy(), want_y)
    np.testing.assert_array_equal(i.numpy(), want_i)
    assert y.dtype == dtype and i.dtype == np.int64


@settings(max_examples=6, **SETTINGS)
@given(cfg=configs(max_side=5), seed=st.integers(0, 2**16))
def test_gradcheck_and_gradgradcheck(cfg, seed):
    size, k, out = cfg
    rng = np.random.default_rng(seed)
    x = ag.tensor(rng.uniform(-1, 1, (1, 2) + size), requires_grad=True)
    u = ag.tensor(rng.random((1, 2, len(size))))

    def f(a):
        return FN[len(size)](a, k, out, _random_samples=u)

    assert gradcheck(f, (x,), seed=seed)
    assert gradgradcheck(f, (x,), seed=seed)


def test_worked_numbers_ratio_and_gradient_to_the_maxima():
    x = ag.arange(25.0).reshape(1, 1, 5, 5).requires_grad_()
    u = ag.full((1, 1, 2), 0.5)
    y, i = F.fractional_max_pool2d(x, 2, output_ratio=0.5, return_indices=True,
                                   _random_samples=u)
    # alpha = (5 - 2) / (2 - 1) = 3; starts int(1.5 * 3) - int(0.5 * 3) = 3, then the last 3
    assert y.tolist() == [[[[6.0, 9.0], [21.0, 24.0]]]] and i.flatten().tolist() == [6, 9, 21, 24]
    y.sum().backward()
    assert x.grad.flatten().tolist() == [float(j in (6, 9, 21, 24)) for j in range(25)]
    y2, i2 = F.fractional_max_pool2d_with_indices(x[0], 2, 2, _random_samples=u)
    assert y2.shape == (1, 2, 2) and i2.tolist() == [[[6, 9], [21, 24]]]
    assert F.fractional_max_pool3d(ag.ones(2, 3, 6, 6, 6), 2, output_ratio=0.5).shape == \
        (2, 3, 3, 3, 3)


def test_drawn_samples_come_from_manual_seed():
    x = ag.randn(2, 3, 9, 9)
    ag.manual_seed(5)
    a = F.fractional_max_pool2d(x, 2, 4)
    ag.manual_seed(5)
    b = F.fractional_max_pool2d(x, 2, 4)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_layers_attributes_and_buffer():
    m = nn.FractionalMaxPool2d(3, output_ratio=0.5)
    assert (m.kernel_size, m.output_size, m.output_ratio, m.return_indices) == \
        ((3, 3), None, (0.5, 0.5), False)
    assert repr(m) == "FractionalMaxPool2d()" and list(m.state_dict()) == []
    u = ag.rand(1, 2, 2)
    m2 = nn.FractionalMaxPool2d((2, 3), output_size=(3, 2), return_indices=True,
                                _random_samples=u)
    assert m2.output_size == (3, 2) and list(m2.state_dict()) == ["_random_samples"]
    y, i = m2(ag.randn(1, 2, 6, 6))
    assert y.shape == i.shape == (1, 2, 3, 2)
    m3 = nn.FractionalMaxPool3d(2, output_size=2)
    assert m3.kernel_size == (2, 2, 2) and m3.output_size == (2, 2, 2)


@pytest.mark.parametrize("call, err, needle", [
    (lambda: F.fractional_max_pool2d(ag.ones(1, 2, 5, 5), 3, 4), OpError,
     "pool height 3 too large relative to input height 5"),
    (lambda: F.fractional_max_pool3d(ag.ones(1, 2, 5, 5, 5), 3, 3), OpError,
     "pool time 3 too large relative to input time 5"),
    (lambda: F.fractional_max_pool2d(ag.ones(1, 2, 5, 5), 2), ValueError, "output_ratio"),
    (lambda: F.fractional_max_pool2d(ag.ones(1, 2, 5, 5), 2, 2,
                                     _random_samples=ag.rand(1, 2, 3)), OpError, r"\(1, 2, 3\)"),
    (lambda: F.fractional_max_pool2d(ag.ones(1, 2, 5, 5), 2, 2,
                                     _random_samples=ag.rand(1, 2, 2, dtype=ag.float64)),
     OpError, "dtype"),
    (lambda: F.fractional_max_pool2d(ag.ones(5, 5), 2, 2), OpError, r"\(5, 5\)"),
    (lambda: F.fractional_max_pool2d(ag.ones(1, 1, 5, 5), (2, 2, 2), 2), OpError,
     r"\(2, 2, 2\)"),
    (lambda: nn.FractionalMaxPool2d(2, output_ratio=1.5), ValueError, "1.5"),
    (lambda: nn.FractionalMaxPool2d(2, output_size=2, output_ratio=0.5), ValueError,
     "only one"),
    (lambda: nn.FractionalMaxPool2d(2), ValueError, "output size, or a pooling ratio"),
])
def test_errors(call, err, needle):
    with pytest.raises(err, match=needle):
        call()


@settings(max_examples=40, **SETTINGS)
@given(cfg=configs(max_side=12), seed=st.integers(0, 2**16),
       dtype=st.sampled_from([np.float32, np.float64]), unbatched=st.booleans())
def test_equals_pytorch_exactly_for_the_same_random_samples(cfg, seed, dtype, unbatched):
    torch = pytest.importorskip("torch")
    size, k, out = cfg
    nd = len(size)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 3) + size).astype(dtype)
    x[0, 0] = np.round(x[0, 0])                                   # ties
    u = rng.random((2, 3, nd)).astype(dtype)
    if unbatched:
        x, u = x[0], u[:1]
    ours = getattr(nn, f"FractionalMaxPool{nd}d")(k, out, return_indices=True,
                                                  _random_samples=ag.tensor(u))
    theirs = getattr(torch.nn, f"FractionalMaxPool{nd}d")(k, out, return_indices=True,
                                                          _random_samples=torch.tensor(u))
    a, b = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ya, ia), (yb, ib) = ours(a), theirs(b)
    np.testing.assert_array_equal(ya.numpy(), yb.detach().numpy())
    np.testing.assert_array_equal(ia.numpy(), ib.numpy())
    up = rng.standard_normal(yb.shape).astype(dtype)
    (ya * ag.tensor(up)).sum().backward()
    (yb * torch.tensor(up)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6, atol=1e-6)
    assert sorted(ours.state_dict()) == sorted(theirs.state_dict())
