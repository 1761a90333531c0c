"""max_pool2d, avg_pool2d, adaptive_avg_pool2d: a slow loop reference over drawn windows
(ties included), gradients to second order, both code paths, errors, PyTorch parity."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd.gradcheck import GradcheckWarning, gradcheck, gradgradcheck
from autograd.ops import pool
from autograd.ops.pool import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec, torch_walk, walk
from tests.autograd.rows_conv3d import POOL_ROWS as POOL3D_ROWS
from tests.robustness import bad_op_cases as bad

SEED_X = [[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]]
SETTINGS = dict(deadline=None, database=None)


def t64(a, requires_grad=True):
    return ag.tensor(np.asarray(a, np.float64), requires_grad=requires_grad)


# --------------------------------------------------------- slow references
def _out_len(size, k, s, p, d, ceil_mode):
    span = size + 2 * p - d * (k - 1) - 1
    n = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (n - 1) * s >= size + p:
        n -= 1
    return n


def _windows(shape, k, s, p, d, ceil_mode):
    """Yield (oh, ow, rows, cols): each window's in-bounds input positions, row-major."""
    h, w = shape[2:]
    for oh in range(_out_len(h, k[0], s[0], p[0], d[0], ceil_mode)):
        for ow in range(_out_len(w, k[1], s[1], p[1], d[1], ceil_mode)):
            rows = [oh * s[0] - p[0] + i * d[0] for i in range(k[0])]
            cols = [ow * s[1] - p[1] + j * d[1] for j in range(k[1])]
            yield oh, ow, [r for r in rows if 0 <= r < h], [c for c in cols if 0 <= c < w], \
                rows, cols


def ref_max_pool(x, g, k, s, p, d, ceil_mode):
    """Output, input gradient for upstream ``g``, and PyTorch-style flat indices."""
    n, c, h, w = x.shape
    wins = list(_windows(x.shape, k, s, p, d, ceil_mode))
    oh, ow = wins[-1][0] + 1, wins[-1][1] + 1
    out, idx, dx = np.zeros((n, c, oh, ow)), np.zeros((n, c, oh, ow), np.int64), np.zeros_like(x)
    for a in range(n):
        for b in range(c):
            for i, j, rows, cols, _, _ in wins:
                best, at = -np.inf, None
                for r in rows:              # row-major scan: the first maximum wins
                    for q in cols:
                        if x[a, b, r, q] > best or at is None:
                            best, at = x[a, b, r, q], (r, q)
                out[a, b, i, j], idx[a, b, i, j] = best, at[0] * w + at[1]
                dx[a, b, at[0], at[1]] += g[a, b, i, j]
    return out, dx, idx


def ref_avg_pool(x, k, s, p, ceil_mode, count_include_pad):
    n, c, h, w = x.shape
    wins = list(_windows(x.shape, k, s, p, (1, 1), ceil_mode))
    out = np.zeros((n, c, wins[-1][0] + 1, wins[-1][1] + 1))
    for i, j, rows, cols, all_rows, all_cols in wins:
        if count_include_pad:   # window clipped at the end of the padding, as PyTorch
            size = sum(r < h + p[0] for r in all_rows) * sum(q < w + p[1] for q in all_cols)
        else:
            size = len(rows) * len(cols)
        out[:, :, i, j] = x[:, :, rows][:, :, :, cols].sum((2, 3)) / size
    return out


def ref_adaptive(x, oh, ow):
    h, w = x.shape[2:]
    out = np.zeros(x.shape[:2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            r0, r1 = i * h // oh, -(-(i + 1) * h // oh)
            c0, c1 = j * w // ow, -(-(j + 1) * w // ow)
            out[:, :, i, j] = x[:, :, r0:r1, c0:c1].mean((2, 3))
    return out


# ---------------------------------------------------------- drawn configs
def _no_window_in_padding_only(cfg):
    # with dilation a window can fall entirely into the padding; PyTorch then returns -inf
    # and a meaningless index, so such configurations are left out of the comparisons
    shape, k, s, p, d, ceil_mode = cfg
    return all(rows and cols for _, _, rows, cols, _, _ in _windows(shape, k, s, p, d, ceil_mode))


def pool_configs(max_side=7, dilation=True):
    return _pool_configs(max_side, dilation).filter(_no_window_in_padding_only)


@st.composite
def _pool_configs(draw, max_side, dilation):
    """(shape, kernel, stride, padding, dilation, ceil_mode) with a non-empty output."""
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    p = (draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2)))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilation else (1, 1)
    ceil_mode = draw(st.booleans())
    h = draw(st.integers(max(1, d[0] * (k[0] - 1) + 1 - 2 * p[0]), max_side))
    w = draw(st.integers(max(1, d[1] * (k[1] - 1) + 1 - 2 * p[1]), max_side))
    return (draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w), k, s, p, d, ceil_mode


def _pool_rows():
    """The table rows; drawn configurations are checked by the tests below."""
    def kinds(*ks):
        return tuple((k, bad.pool(k)) for k in ks)

    window = kinds("kernel", "size", "rank", "padding", "stride")
    x = (Input((1, 2, 4, 4)),)
    small = dict(max_examples=3)
    return [
        OpSpec("max_pool2d", lambda a: max_pool2d(a, 2),
               lambda a: ref_max_pool(a, np.zeros((1, 2, 2, 2)), (2, 2), (2, 2), (0, 0), (1, 1),
                                      False)[0], x, kw=small,
               torch=lambda T, a: T.nn.functional.max_pool2d(a, 2), bad=window,
               nan=Nan(lambda a: ag.max_pool2d(a, 2), (1, 1, 4, 4), empty=False)),
        OpSpec("avg_pool2d", lambda a: avg_pool2d(a, 3, 1, 1),
               lambda a: ref_avg_pool(a, (3, 3), (1, 1), (1, 1), False, True), x, kw=small,
               torch=lambda T, a: T.nn.functional.avg_pool2d(a, 3, 1, 1),
               bad=window + kinds("divisor"),
               nan=Nan(lambda a: ag.avg_pool2d(a, 2), (1, 1, 4, 4), empty=False)),
        OpSpec("adaptive_avg_pool2d", lambda a: adaptive_avg_pool2d(a, 3),
               lambda a: ref_adaptive(a, 3, 3), x, kw=small,
               torch=lambda T, a: T.nn.functional.adaptive_avg_pool2d(a, 3),
               bad=(("size", bad.fixed(bad.adaptive)), ("rank", bad.fixed(bad.adaptive_rank))),
               nan=Nan(lambda a: ag.adaptive_avg_pool2d(a, 1), (1, 1, 4, 4), empty=False)),
    ]


TABLE = _pool_rows() + POOL3D_ROWS


@pytest.mark.parametrize("spec", TABLE, ids=str)
def test_op(spec):
    walk(spec)


@pytest.mark.parametrize("spec", TABLE, ids=str)
def test_pytorch_parity(spec):
    torch_walk(spec)


def _values(seed, shape, ties):
    """Uniform values, or a few small integers so that windows hold equal maxima."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 3, shape).astype(np.float64) if ties else rng.uniform(-1, 1, shape)


@settings(max_examples=60, **SETTINGS)
@given(cfg=pool_configs(), ties=st.booleans(), seed=st.integers(0, 2**16))
def test_max_pool_matches_loop_reference(cfg, ties, seed):
    shape, k, s, p, d, ceil_mode = cfg
    x = _values(seed, shape, ties)
    xt = t64(x)
    out, idx = max_pool2d(xt, k, s, p, d, ceil_mode, return_indices=True)
    g = np.random.default_rng(seed + 1).normal(size=out.shape)
    out.backward(ag.tensor(g))
    want, want_dx, want_idx = ref_max_pool(x, g, k, s, p, d, ceil_mode)
    np.testing.assert_array_equal(out.array, want)
    np.testing.assert_array_equal(idx.array, want_idx)
    assert idx.dtype == np.int64 and not idx.requires_grad
    np.testing.assert_allclose(xt.grad.array, want_dx, rtol=1e-12, atol=1e-12)


@settings(max_examples=50, **SETTINGS)
@given(cfg=pool_configs(dilation=False), include=st.booleans(), seed=st.integers(0, 2**16))
def test_avg_pool_matches_loop_reference(cfg, include, seed):
    shape, k, s, p, _, ceil_mode = cfg
    x = _values(seed, shape, False)
    got = avg_pool2d(t64(x), k, s, p, ceil_mode, include)
    np.testing.assert_allclose(got.array, ref_avg_pool(x, k, s, p, ceil_mode, include),
                               rtol=1e-12, atol=1e-12)


@settings(max_examples=15, **SETTINGS)
@given(cfg=pool_configs(max_side=5), seed=st.integers(0, 2**16))
def test_max_pool_gradcheck_and_gradgradcheck(cfg, seed):
    shape, k, s, p, d, ceil_mode = cfg
    x = t64(np.random.default_rng(seed).permutation(np.prod(shape)).reshape(shape) / 7.0)

    def f(a):
        return max_pool2d(a, k, s, p, d, ceil_mode)

    assert gradcheck(f, x, seed=seed)
    assert gradgradcheck(f, x, seed=seed)


def test_max_pool_gradients_with_ties():
    # every window of the textbook input holds a repeated value; ties are kinks, so gradcheck
    # skips (and warns about) the tied elements and checks the rest; the second derivative
    # (through the upstream gradient) is exact everywhere
    x = t64(np.asarray(SEED_X, np.float64).reshape(1, 1, 4, 4))
    for k, s in ((2, 2), (3, 1), (2, 1)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GradcheckWarning)
            assert gradcheck(lambda a, k=k, s=s: max_pool2d(a, k, s), x)
            assert gradgradcheck(lambda a, k=k, s=s: max_pool2d(a, k, s), x)
    # the gradient goes to one position per window: the first maximum in row-major order
    y = max_pool2d(x, 3, 1)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.array[0, 0],
                                  [[0, 0, 2, 0], [0, 0, 0, 1], [1, 0, 0, 0], [0, 0, 0, 0]])


def test_max_pool_all_equal_window_sends_gradient_to_the_first():
    x = ag.ones(1, 1, 2, 2, requires_grad=True)
    max_pool2d(x, 2).backward(ag.full((1, 1, 1, 1), 5.0))
    np.testing.assert_array_equal(x.grad.array[0, 0], [[5, 0], [0, 0]])


@settings(max_examples=15, **SETTINGS)
@given(cfg=pool_configs(max_side=5, dilation=False), include=st.booleans(),
       seed=st.integers(0, 2**16))
def test_avg_pool_gradcheck_and_gradgradcheck(cfg, include, seed):
    shape, k, s, p, _, ceil_mode = cfg
    x = t64(_values(seed, shape, False))

    def f(a):
        return avg_pool2d(a, k, s, p, ceil_mode, include)

    assert gradcheck(f, x, seed=seed)
    assert gradgradcheck(f, x, seed=seed)


ADAPTIVE = [
    # (input shape, output_size, expected output shape)
    ((2, 3, 7, 9), (3, 4), (2, 3, 3, 4)),
    ((1, 2, 8, 8), 4, (1, 2, 4, 4)),           # divisible: the avg_pool2d path
    ((1, 1, 5, 6), (None, 4), (1, 1, 5, 4)),
    ((2, 2, 3, 3), 5, (2, 2, 5, 5)),           # upsampling bins overlap
    ((1, 2, 6, 5), 1, (1, 2, 1, 1)),           # global average
]


@pytest.mark.parametrize("shape,size,out_shape", ADAPTIVE, ids=[str(a[:2]) for a in ADAPTIVE])
def test_adaptive_avg_pool(shape, size, out_shape):
    x = t64(np.random.default_rng(0).uniform(-1, 1, shape))
    out = adaptive_avg_pool2d(x, size)
    assert out.shape == out_shape
    np.testing.assert_allclose(out.array, ref_adaptive(x.array, *out_shape[2:]), rtol=1e-12)
    assert gradcheck(lambda a: adaptive_avg_pool2d(a, size), x)
    assert gradgradcheck(lambda a: adaptive_avg_pool2d(a, size), x)


# ------------------------------------------------------------- code paths
PATHS = [
    # (shape, kernel, stride, padding, takes the reshape path)
    ((2, 3, 8, 8), 2, None, 0, True),
    ((2, 3, 9, 6), 3, 3, 0, True),
    ((2, 3, 8, 6), (2, 3), None, 0, True),
    ((2, 3, 9, 8), 2, None, 0, False),      # 9 rows do not tile by 2
    ((2, 3, 8, 8), 2, 1, 0, False),         # overlapping windows
    ((2, 3, 8, 8), 2, 2, 1, False),         # padding
]


@pytest.mark.parametrize("shape,k,s,p,fast", PATHS, ids=[str(a) for a in PATHS])
def test_reshape_path_and_strided_path_agree_with_reference(shape, k, s, p, fast):
    x = np.random.default_rng(1).uniform(-1, 1, shape)
    geom = pool._geometry("max_pool2d", ag.tensor(x), k, s, p, 1, False)
    assert geom.fast == fast
    kk = (k, k) if isinstance(k, int) else k
    ss, pp = kk if s is None else (s, s), (p, p)
    xt = t64(x)
    y = max_pool2d(xt, k, s, p)
    g = np.random.default_rng(2).normal(size=y.shape)
    y.backward(ag.tensor(g))
    want, want_dx, _ = ref_max_pool(x, g, kk, ss, pp, (1, 1), False)
    np.testing.assert_array_equal(y.array, want)
    np.testing.assert_allclose(xt.grad.array, want_dx, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(avg_pool2d(t64(x), k, s, p).array,
                               ref_avg_pool(x, kk, ss, pp, False, True), rtol=1e-12)


def test_nan_wins_the_window_and_gets_the_gradient():
    x = t64([[[[1.0, np.nan], [3.0, 2.0]]]])
    y = max_pool2d(x, 2)
    assert np.isnan(y.item())
    y.backward(ag.tensor(np.ones((1, 1, 1, 1))))
    np.testing.assert_array_equal(x.grad.array[0, 0], [[0, 1], [0, 0]])


@pytest.mark.parametrize("k,s", [(2, None), (2, 1)], ids=["tiling windows", "overlapping"])
def test_infinite_upstream_gradient_stays_at_the_argmax(k, s):
    x = t64([[[[1.0, 4.0, 0.0], [3.0, 2.0, 5.0], [0.0, 1.0, 0.5]]]])
    y = max_pool2d(x, k, s)
    g = np.zeros(y.shape)
    g[0, 0, 0, 0] = np.inf
    y.backward(ag.tensor(g))
    assert x.grad.array[0, 0, 0, 1] == np.inf
    assert np.isnan(x.grad.array).sum() == 0 and np.isinf(x.grad.array).sum() == 1


@pytest.mark.parametrize("divisor", [1, 3, 7])
def test_avg_pool_divisor_override(divisor):
    x = t64(np.random.default_rng(5).uniform(-1, 1, (2, 2, 5, 6)))
    y = avg_pool2d(x, 3, 2, 1, divisor_override=divisor)
    sums = np.array([[x.array[:, :, max(2 * i - 1, 0):2 * i + 2, max(2 * j - 1, 0):2 * j + 2]
                      .sum((2, 3)) for j in range(3)] for i in range(3)]).transpose(2, 3, 0, 1)
    np.testing.assert_allclose(y.array, sums / divisor, rtol=1e-12)
    assert gradcheck(lambda a: avg_pool2d(a, 3, 2, 1, divisor_override=divisor), x)
    assert gradgradcheck(lambda a: avg_pool2d(a, 3, 2, 1, divisor_override=divisor), x)


def test_float32_stays_float32():
    x = ag.randn(2, 3, 6, 6, requires_grad=True)
    for y in (max_pool2d(x, 2), avg_pool2d(x, 3, 2, 1), adaptive_avg_pool2d(x, 4)):
        assert y.dtype == np.float32
        y.sum().backward()
        assert x.grad.dtype == np.float32


def test_unbatched_input():
    x = np.random.default_rng(3).uniform(-1, 1, (3, 6, 6))
    y, idx = max_pool2d(t64(x), 2, return_indices=True)
    assert y.shape == idx.shape == (3, 3, 3)
    np.testing.assert_array_equal(y.array, max_pool2d(t64(x[None]), 2).array[0])
    assert avg_pool2d(t64(x), 3).shape == (3, 2, 2)
    assert adaptive_avg_pool2d(t64(x), (2, 5)).shape == (3, 2, 5)


def test_textbook_max_and_average_pooling():
    x = ag.tensor(np.asarray(SEED_X, np.float32)).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(max_pool2d(x, 2).array[0, 0], [[2, 3], [3, 2]])
    np.testing.assert_array_equal(avg_pool2d(x, 2).array[0, 0], [[1, 2], [2, 1]])


# ------------------------------------------------------------------ errors
ERRORS = [
    ("stride 0", lambda: max_pool2d(ag.zeros(1, 1, 4, 4), 2, 0), r"stride must be positive"),
    ("negative stride", lambda: avg_pool2d(ag.zeros(1, 1, 4, 4), 2, -1),
     r"avg_pool2d: stride must be positive, got -1"),
    ("kernel 0", lambda: max_pool2d(ag.zeros(1, 1, 4, 4), 0), r"kernel_size must be positive"),
    ("padding over half the kernel", lambda: max_pool2d(ag.zeros(1, 1, 4, 4), 2, 1, 2),
     r"padding \(2, 2\) must be at most half the kernel size \(2, 2\)"),
    ("kernel larger than input", lambda: max_pool2d(ag.zeros(1, 1, 3, 5), 4),
     r"kernel is larger than the padded input along the height: the window spans 4 but the "
     r"padded height is 3 \(3 \+ 2\*0\).*OH = floor\(\(H \+ 2P - D\*\(K-1\) - 1\) / S\) \+ 1 "
     r"= floor\(\(3 \+ 2\*0 - 1\*\(4-1\) - 1\) / 4\) \+ 1 = 0"),
    ("dilated window too large", lambda: max_pool2d(ag.zeros(1, 1, 8, 3), 2, dilation=3),
     r"along the width: the window spans 4"),
    ("3-D kernel", lambda: max_pool2d(ag.zeros(1, 1, 4, 4), (2, 2, 2)),
     r"kernel_size must be an int or a pair of ints"),
    ("2-D input", lambda: avg_pool2d(ag.zeros(4, 4), 2),
     r"expected input of shape \(N, C, H, W\) or \(C, H, W\), got shape \(4, 4\)"),
    ("integer avg", lambda: avg_pool2d(ag.tensor(np.ones((1, 1, 4, 4), np.int64)), 2),
     r"avg_pool2d: needs a floating point input, got dtype int64"),
    ("adaptive size", lambda: adaptive_avg_pool2d(ag.zeros(1, 1, 4, 4), 0),
     r"output_size must be positive"),
]


@pytest.mark.parametrize("name,call,match", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(name, call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# ------------------------------------------------------- PyTorch parity
@settings(max_examples=30, **SETTINGS)
@given(cfg=pool_configs(), ties=st.booleans(), seed=st.integers(0, 2**16))
def test_pytorch_parity_max_pool(cfg, ties, seed):
    torch = pytest.importorskip("torch")
    shape, k, s, p, d, ceil_mode = cfg
    x = _values(seed, shape, ties)
    xt, tx = t64(x), torch.tensor(x, requires_grad=True)
    y, idx = max_pool2d(xt, k, s, p, d, ceil_mode, True)
    ty, tidx = torch.nn.functional.max_pool2d(tx, k, s, p, d, ceil_mode, True)
    g = np.random.default_rng(seed).normal(size=y.shape)
    y.backward(ag.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_array_equal(y.array, ty.detach().numpy())
    np.testing.assert_array_equal(idx.array, tidx.numpy())
    np.testing.assert_allclose(xt.grad.array, tx.grad.numpy(), rtol=1e-12, atol=1e-12)


@settings(max_examples=30, **SETTINGS)
@given(cfg=pool_configs(dilation=False), include=st.booleans(), seed=st.integers(0, 2**16))
def test_pytorch_parity_avg_pool(cfg, include, seed):
    torch = pytest.importorskip("torch")
    shape, k, s, p, _, ceil_mode = cfg
    x = _values(seed, shape, False)
    xt, tx = t64(x), torch.tensor(x, requires_grad=True)
    y = avg_pool2d(xt, k, s, p, ceil_mode, include)
    ty = torch.nn.functional.avg_pool2d(tx, k, s, p, ceil_mode, include)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(y.array, ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(xt.grad.array, tx.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape,size,out_shape", ADAPTIVE, ids=[str(a[:2]) for a in ADAPTIVE])
def test_pytorch_parity_adaptive(shape, size, out_shape):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(4).uniform(-1, 1, shape)
    xt, tx = t64(x), torch.tensor(x, requires_grad=True)
    y, ty = adaptive_avg_pool2d(xt, size), torch.nn.functional.adaptive_avg_pool2d(tx, size)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(y.array, ty.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(xt.grad.array, tx.grad.numpy(), rtol=1e-12)
