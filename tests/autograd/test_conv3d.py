"""conv3d, conv_transpose3d, max_pool3d, avg_pool3d: drawn configurations against the loop
references, first and second derivatives, worked numbers, errors, PyTorch parity; and the
RuntimeError-class errors of the 2-D convolutions and pools."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd.errors import OpError
from autograd.gradcheck import gradcheck, gradgradcheck
from tests.autograd.rows_conv3d import ref_conv3d, ref_conv_transpose3d, ref_pool3d

SETTINGS = dict(deadline=None, database=None)


def t64(a, requires_grad=True):
    return ag.tensor(np.asarray(a, np.float64), requires_grad=requires_grad)


def _arrays(seed, *shapes):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, s) for s in shapes]


# ---------------------------------------------------------- drawn configs
@st.composite
def conv_configs(draw, max_side=4):
    """(x shape, w shape, stride, padding, dilation, groups) with a non-empty output."""
    groups = draw(st.integers(1, 2))
    cg, ocg = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    k = tuple(draw(st.integers(1, 2)) for _ in range(3))
    s = tuple(draw(st.integers(1, 2)) for _ in range(3))
    p = tuple(draw(st.integers(0, 1)) for _ in range(3))
    d = tuple(draw(st.integers(1, 2)) for _ in range(3))
    size = tuple(draw(st.integers(max(1, d[i] * (k[i] - 1) + 1 - 2 * p[i]), max_side))
                 for i in range(3))
    return (draw(st.integers(1, 2)), cg * groups) + size, (ocg * groups, cg) + k, s, p, d, groups


@st.composite
def transpose_configs(draw, max_side=3):
    """(x shape, w shape, stride, padding, output_padding, groups, dilation), output >= 1."""
    groups = draw(st.integers(1, 2))
    cg, ocg = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    k = tuple(draw(st.integers(1, 2)) for _ in range(3))
    s = tuple(draw(st.integers(1, 2)) for _ in range(3))
    d = tuple(draw(st.integers(1, 2)) for _ in range(3))
    op = tuple(draw(st.integers(0, max(s[i], d[i]) - 1)) for i in range(3))
    size = tuple(draw(st.integers(1, max_side)) for _ in range(3))
    p = tuple(draw(st.integers(0, max(0, ((size[i] - 1) * s[i] + d[i] * (k[i] - 1) + op[i]) // 2)))
              for i in range(3))
    return (1, cg * groups) + size, (cg * groups, ocg) + k, s, p, op, groups, d


def _every_window_reads_the_input(cfg):
    """No window lies wholly in the padding (PyTorch leaves such windows undefined)."""
    xs, k, s, p, d, ceil = cfg
    for n, kk, ss, pp, dd in zip(xs[2:], k, s, p, d):
        span = n + 2 * pp - dd * (kk - 1) - 1
        o = (span + (ss - 1 if ceil else 0)) // ss + 1
        if ceil and (o - 1) * ss >= n + pp:
            o -= 1
        taps = np.arange(o)[:, None] * ss - pp + dd * np.arange(kk)
        if not ((taps >= 0) & (taps < n)).any(axis=1).all():
            return False
    return True


def pool_configs(max_side=5):
    """(x shape, kernel, stride, padding, dilation, ceil_mode), every window non-empty."""
    return _pool_configs(max_side).filter(_every_window_reads_the_input)


@st.composite
def _pool_configs(draw, max_side):
    k = tuple(draw(st.integers(1, 3)) for _ in range(3))
    s = tuple(draw(st.integers(1, 3)) for _ in range(3))
    p = tuple(draw(st.integers(0, kk // 2)) for kk in k)
    d = tuple(draw(st.integers(1, 2)) for _ in range(3))
    lows = [max(1, d[i] * (k[i] - 1) + 1 - 2 * p[i]) for i in range(3)]
    size = tuple(draw(st.integers(low, max(low, max_side))) for low in lows)
    return (draw(st.integers(1, 2)), 2) + size, k, s, p, d, draw(st.booleans())


# ------------------------------------------------------ against the definitions
@settings(max_examples=15, **SETTINGS)
@given(cfg=conv_configs(), seed=st.integers(0, 2**16))
def test_conv3d_matches_loop_reference(cfg, seed):
    xs, ws, s, p, d, g = cfg
    x, w, b = _arrays(seed, xs, ws, ws[0])
    got = ag.conv3d(t64(x), t64(w), t64(b), s, p, d, g)
    np.testing.assert_allclose(got.array, ref_conv3d(x, w, b, s, p, d, g), rtol=1e-10,
                               atol=1e-12)


@settings(max_examples=15, **SETTINGS)
@given(cfg=transpose_configs(), seed=st.integers(0, 2**16))
def test_conv_transpose3d_matches_loop_reference(cfg, seed):
    xs, ws, s, p, op, g, d = cfg
    x, w, b = _arrays(seed, xs, ws, ws[1] * g)
    got = ag.conv_transpose3d(t64(x), t64(w), t64(b), s, p, op, g, d)
    np.testing.assert_allclose(got.array, ref_conv_transpose3d(x, w, b, s, p, op, g, d),
                               rtol=1e-10, atol=1e-12)


@settings(max_examples=20, **SETTINGS)
@given(cfg=pool_configs(), include=st.booleans(), seed=st.integers(0, 2**16))
def test_pools_match_loop_reference(cfg, include, seed):
    xs, k, s, p, d, ceil = cfg
    x = np.random.default_rng(seed).integers(0, 3, xs).astype(np.float64)  # ties in windows
    np.testing.assert_array_equal(ag.max_pool3d(t64(x), k, s, p, d, ceil).array,
                                  ref_pool3d(x, "max", k, s, p, d, ceil))
    if all(n >= kk for n, kk in zip(xs[2:], k)):  # avg_pool3d needs a whole kernel inside
        np.testing.assert_allclose(ag.avg_pool3d(t64(x), k, s, p, ceil, include).array,
                                   ref_pool3d(x, "avg", k, s, p, 1, ceil, include), rtol=1e-12)
    else:
        with pytest.raises(RuntimeError, match=r"avg_pool3d: input of spatial size"):
            ag.avg_pool3d(t64(x), k, s, p, ceil, include)


@settings(max_examples=6, **SETTINGS)
@given(cfg=conv_configs(max_side=3), seed=st.integers(0, 2**16))
def test_conv3d_gradcheck_and_gradgradcheck(cfg, seed):
    xs, ws, s, p, d, g = cfg
    args = tuple(t64(a) for a in _arrays(seed, xs, ws, ws[0]))

    def f(x, w, b):
        return ag.conv3d(x, w, b, s, p, d, g)

    assert gradcheck(f, args, seed=seed)
    assert gradgradcheck(f, args, seed=seed)


@settings(max_examples=6, **SETTINGS)
@given(cfg=transpose_configs(max_side=2), seed=st.integers(0, 2**16))
def test_conv_transpose3d_gradcheck_and_gradgradcheck(cfg, seed):
    xs, ws, s, p, op, g, d = cfg
    args = tuple(t64(a) for a in _arrays(seed, xs, ws, ws[1] * g))

    def f(x, w, b):
        return ag.conv_transpose3d(x, w, b, s, p, op, g, d)

    assert gradcheck(f, args, seed=seed)
    assert gradgradcheck(f, args, seed=seed)


@settings(max_examples=6, **SETTINGS)
@given(cfg=pool_configs(max_side=4), seed=st.integers(0, 2**16))
def test_pool3d_gradcheck_and_gradgradcheck(cfg, seed):
    xs, k, s, p, d, ceil = cfg
    (x,) = _arrays(seed, xs)  # distinct values: max-pool is differentiable there
    assert gradcheck(lambda a: ag.max_pool3d(a, k, s, p, d, ceil), (t64(x),), seed=seed)
    assert gradgradcheck(lambda a: ag.max_pool3d(a, k, s, p, d, ceil), (t64(x),), seed=seed)
    if all(n >= kk for n, kk in zip(xs[2:], k)):
        assert gradcheck(lambda a: ag.avg_pool3d(a, k, s, p, ceil, False), (t64(x),), seed=seed)
        assert gradgradcheck(lambda a: ag.avg_pool3d(a, k, s, p, ceil, False), (t64(x),),
                             seed=seed)


# ------------------------------------------------------------ worked numbers
def test_conv3d_of_ones_counts_the_voxels_each_window_covers():
    # a 3x3x3 kernel of ones over ones with padding 1: 8 at a corner, 12 on an edge, 27 inside
    out = ag.conv3d(ag.ones(1, 1, 3, 3, 3), ag.ones(1, 1, 3, 3, 3), padding=1)[0, 0]
    assert out.array[0, 0, 0] == 8 and out.array[0, 0, 1] == 12 and out.array[1, 1, 1] == 27
    assert out.dtype == np.float32


def test_conv_transpose3d_is_the_input_gradient_of_conv3d():
    x, w, g = _arrays(5, (2, 4, 5, 7, 5), (6, 2, 3, 2, 3), (2, 6, 3, 4, 3))
    xt = t64(x)
    y = ag.conv3d(xt, t64(w, False), stride=2, padding=1, groups=2)
    assert y.shape == g.shape
    y.backward(ag.tensor(g))
    ct = ag.conv_transpose3d(t64(g, False), t64(w, False), stride=2, padding=1,
                             output_padding=(0, 1, 0), groups=2)
    np.testing.assert_allclose(ct.array, xt.grad.array, rtol=1e-12)


@pytest.mark.parametrize("per_chunk", [1, 2])
def test_batch_chunks_give_the_same_values_and_gradients(monkeypatch, per_chunk):
    from autograd.ops import conv3d as conv3d_module
    x, w, b, wt = _arrays(per_chunk, (3, 4, 3, 4, 3), (4, 2, 2, 2, 2), (4,), (4, 3, 2, 2, 2))
    # the columns of `per_chunk` images: C*K * OD*OH*OW float64 = 4*8 * 4*3*4 * 8 bytes each
    monkeypatch.setattr(conv3d_module, "COLS_BUDGET", 4 * 8 * 48 * 8 * per_chunk)
    kw = dict(stride=(1, 2, 1), padding=1, groups=2)
    y = ag.conv3d(t64(x), t64(w), t64(b), **kw)
    np.testing.assert_allclose(y.array, ref_conv3d(x, w, b, (1, 2, 1), 1, 1, 2), rtol=1e-12)
    assert gradcheck(lambda a, f: ag.conv3d(a, f, **kw), (t64(x), t64(w)))
    got = ag.conv_transpose3d(t64(x), t64(wt), stride=2, groups=2)
    np.testing.assert_allclose(got.array, ref_conv_transpose3d(x, wt, None, 2, 0, 0, 2),
                               rtol=1e-12)
    assert gradcheck(lambda a, f: ag.conv_transpose3d(a, f, stride=2, groups=2),
                     (t64(x[:2]), t64(wt)))


def test_max_pool3d_worked_example_and_indices():
    x = ag.arange(27.0).reshape(1, 1, 3, 3, 3)
    y, idx = ag.max_pool3d(x, 2, stride=1, return_indices=True)
    # each 2x2x2 window's maximum is its far corner, index 9*d + 3*h + w + 13
    np.testing.assert_array_equal(y.array[0, 0], [[[13, 14], [16, 17]], [[22, 23], [25, 26]]])
    np.testing.assert_array_equal(idx.array, y.array.astype(np.int64))
    assert idx.dtype == np.int64 and not idx.requires_grad


def test_max_pool3d_ties_send_the_gradient_to_the_first_maximum():
    x = t64(np.ones((1, 1, 2, 2, 2)))
    ag.max_pool3d(x, 2).sum().backward()
    assert x.grad.array[0, 0, 0, 0, 0] == 1 and x.grad.array.sum() == 1


def test_avg_pool3d_padding_divisors():
    x = ag.ones(1, 1, 2, 2, 2)
    # each window holds 1 real voxel and 7 zeros of padding
    assert ag.avg_pool3d(x, 2, 2, 1).array.ravel().tolist() == [0.125] * 8
    assert ag.avg_pool3d(x, 2, 2, 1, count_include_pad=False).array.ravel().tolist() == [1.0] * 8
    assert ag.avg_pool3d(x, 2, divisor_override=2).item() == 4.0


def test_unbatched_input_and_same_padding():
    x, w = _arrays(1, (2, 4, 5, 3), (3, 2, 2, 3, 2))
    out = ag.conv3d(t64(x), t64(w))
    np.testing.assert_allclose(out.array, ref_conv3d(x[None], w)[0], rtol=1e-12)
    same = ag.conv3d(t64(x), t64(w), padding="same", dilation=(1, 2, 1))
    assert same.shape == (3, 4, 5, 3)
    assert ag.conv_transpose3d(t64(x), t64(w.transpose(1, 0, 2, 3, 4))).shape == (3, 5, 7, 4)
    assert ag.max_pool3d(t64(x), 2).shape == (2, 2, 2, 1)
    assert ag.avg_pool3d(t64(x), 2).shape == (2, 2, 2, 1)


# ------------------------------------------------------------------ errors
ERRORS = [
    ("channels", lambda: ag.conv3d(ag.zeros(1, 3, 4, 4, 4), ag.zeros(2, 4, 2, 2, 2)),
     r"conv3d: input has 3 channels, but the weight of shape \(2, 4, 2, 2, 2\)"),
    ("rank", lambda: ag.conv3d(ag.zeros(4, 4, 4), ag.zeros(1, 1, 2, 2, 2)),
     r"conv3d: expected input of shape \(N, C, D, H, W\) or \(C, D, H, W\) and a 5-D weight"),
    ("kernel too large", lambda: ag.conv3d(ag.zeros(1, 1, 2, 4, 4), ag.zeros(1, 1, 3, 2, 2)),
     r"conv3d: the kernel is larger than the padded input along the depth"),
    ("stride tuple", lambda: ag.conv3d(ag.zeros(1, 1, 4, 4, 4), ag.zeros(1, 1, 2, 2, 2),
                                       stride=(1, 1)),
     r"conv3d: stride must be an int or a tuple of 3 ints, got \(1, 1\)"),
    ("same with stride", lambda: ag.conv3d(ag.zeros(1, 1, 4, 4, 4), ag.zeros(1, 1, 3, 3, 3),
                                           stride=2, padding="same"),
     r"padding='same' needs stride 1"),
    ("output_padding", lambda: ag.conv_transpose3d(ag.zeros(1, 1, 2, 2, 2),
                                                   ag.zeros(1, 1, 2, 2, 2), output_padding=1),
     r"conv_transpose3d: output_padding \(1, 1, 1\) must be smaller than stride"),
    ("pool kernel", lambda: ag.max_pool3d(ag.zeros(1, 1, 2, 4, 4), 3),
     r"max_pool3d: the kernel is larger than the padded input along the depth"),
    ("pool padding", lambda: ag.avg_pool3d(ag.zeros(1, 1, 4, 4, 4), 2, padding=2),
     r"avg_pool3d: padding \(2, 2, 2\) must be at most half the kernel size"),
    ("pool rank", lambda: ag.max_pool3d(ag.zeros(4, 4, 4), 2),
     r"max_pool3d: expected input of shape \(N, C, D, H, W\) or \(C, D, H, W\)"),
    ("2-D pool padding tuple", lambda: ag.max_pool2d(ag.zeros(1, 1, 4, 4), 2, padding=(1, 1, 1)),
     r"max_pool2d: padding must be an int or a pair of ints, got \(1, 1, 1\)"),
    ("2-D avg kernel tuple", lambda: ag.avg_pool2d(ag.zeros(1, 1, 4, 4), (2, 2, 2)),
     r"avg_pool2d: kernel_size must be an int or a pair of ints"),
    ("2-D conv stride tuple", lambda: ag.conv2d(ag.zeros(1, 1, 4, 4), ag.zeros(1, 1, 2, 2),
                                                stride=(1, 1, 1)),
     r"conv2d: stride must be an int or a pair of ints"),
    ("adaptive pool size tuple", lambda: ag.adaptive_avg_pool2d(ag.zeros(1, 1, 4, 4), (1, 1, 1)),
     r"adaptive_avg_pool2d: output_size must be an int or a pair"),
    ("unfold kernel tuple", lambda: ag.REGISTRY["unfold"](ag.zeros(1, 1, 4, 4), (2, 2, 2)),
     r"unfold: kernel_size must be an int or a pair of ints"),
    ("2-D conv kernel too large", lambda: ag.conv2d(ag.zeros(1, 1, 3, 3), ag.zeros(1, 1, 5, 5)),
     r"conv2d: the kernel is larger than the padded input"),
]


@pytest.mark.parametrize("name,call,match", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_are_runtime_errors_as_in_pytorch(name, call, match):
    with pytest.raises(RuntimeError, match=match) as info:
        call()
    assert isinstance(info.value, OpError) and isinstance(info.value, ValueError)


def test_non_integer_window_and_float_only_avg_are_type_errors():
    with pytest.raises(TypeError, match=r"conv3d: stride must be an int"):
        ag.conv3d(ag.zeros(1, 1, 4, 4, 4), ag.zeros(1, 1, 2, 2, 2), stride=1.5)
    with pytest.raises(TypeError, match=r"avg_pool3d: needs a floating point input"):
        ag.avg_pool3d(ag.tensor(np.ones((1, 1, 2, 2, 2), np.int64)), 2)


# ------------------------------------------------------- PyTorch parity
def _parity(ours_fn, theirs_fn, arrays, seed):
    torch = pytest.importorskip("torch")
    ours = [t64(a) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, yt = ours_fn(*ours), theirs_fn(torch, *theirs)
    np.testing.assert_allclose(y.array, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    up = np.random.default_rng(seed).normal(size=y.shape)
    y.backward(ag.tensor(up))
    yt.backward(torch.tensor(up))
    for a, at in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.array, at.grad.numpy(), rtol=1e-10, atol=1e-12)


@settings(max_examples=10, **SETTINGS)
@given(cfg=conv_configs(), seed=st.integers(0, 2**16))
def test_pytorch_parity_conv3d(cfg, seed):
    xs, ws, s, p, d, g = cfg
    _parity(lambda x, w, b: ag.conv3d(x, w, b, s, p, d, g),
            lambda T, x, w, b: T.nn.functional.conv3d(x, w, b, s, p, d, g),
            _arrays(seed, xs, ws, ws[0]), seed)


@settings(max_examples=10, **SETTINGS)
@given(cfg=transpose_configs(), seed=st.integers(0, 2**16))
def test_pytorch_parity_conv_transpose3d(cfg, seed):
    xs, ws, s, p, op, g, d = cfg
    _parity(lambda x, w, b: ag.conv_transpose3d(x, w, b, s, p, op, g, d),
            lambda T, x, w, b: T.nn.functional.conv_transpose3d(x, w, b, s, p, op, g, d),
            _arrays(seed, xs, ws, ws[1] * g), seed)


@settings(max_examples=15, **SETTINGS)
@given(cfg=pool_configs(), ties=st.booleans(), include=st.booleans(),
       seed=st.integers(0, 2**16))
def test_pytorch_parity_pools(cfg, ties, include, seed):
    torch = pytest.importorskip("torch")
    xs, k, s, p, d, ceil = cfg
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, xs).astype(np.float64) if ties else rng.uniform(-1, 1, xs)
    _parity(lambda a: ag.max_pool3d(a, k, s, p, d, ceil),
            lambda T, a: T.nn.functional.max_pool3d(a, k, s, p, d, ceil), [x], seed)
    if all(n >= kk for n, kk in zip(xs[2:], k)):
        _parity(lambda a: ag.avg_pool3d(a, k, s, p, ceil, include),
                lambda T, a: T.nn.functional.avg_pool3d(a, k, s, p, ceil, include), [x], seed)
    else:  # both refuse an input smaller than the kernel, padding or not
        with pytest.raises(RuntimeError, match="smaller than"):
            torch.nn.functional.avg_pool3d(torch.tensor(x), k, s, p, ceil, include)
        with pytest.raises(RuntimeError, match="smaller than"):
            ag.avg_pool3d(t64(x), k, s, p, ceil, include)
    _, ours = ag.max_pool3d(t64(x), k, s, p, d, ceil, return_indices=True)
    _, theirs = torch.nn.functional.max_pool3d(torch.tensor(x), k, s, p, d, ceil,
                                               return_indices=True)
    np.testing.assert_array_equal(ours.array, theirs.numpy())


def test_pytorch_parity_gradient_penalty_through_conv3d():
    """d/dw of |dL/dx|^2: the double backward a gradient penalty takes."""
    torch = pytest.importorskip("torch")
    x, w = _arrays(9, (1, 2, 4, 4, 3), (3, 2, 2, 2, 2))
    xt, wt = t64(x), t64(w)
    (gx,) = ag.grad(ag.conv3d(xt, wt, stride=2, padding=1).tanh().sum(), [xt],
                    create_graph=True)
    (gx * gx).sum().backward()
    tx, tw = (torch.tensor(a, requires_grad=True) for a in (x, w))
    (tgx,) = torch.autograd.grad(torch.nn.functional.conv3d(tx, tw, stride=2, padding=1)
                                 .tanh().sum(), [tx], create_graph=True)
    (tgx * tgx).sum().backward()
    np.testing.assert_allclose(wt.grad.array, tw.grad.numpy(), rtol=1e-9, atol=1e-12)
