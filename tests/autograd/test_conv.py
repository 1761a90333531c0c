"""conv2d, conv_transpose2d, im2col / col2im: textbook numbers, a slow loop reference,
gradients (first and second order), im2col in batch chunks, errors, PyTorch parity."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd.gradcheck import gradcheck, gradgradcheck
from autograd.ops import conv
from autograd.ops.conv import col2im, conv2d, conv_transpose2d, im2col
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec, torch_walk, walk
from tests.autograd.rows_conv3d import CONV_ROWS as CONV3D_ROWS
from tests.robustness import bad_op_cases as bad
from tests.robustness.bad_input_helpers import t

SEED_X = [[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]]
SEED_F = [[2, 0, 1], [0, 1, 2], [1, 0, 2]]
SEED_X5 = [[1, 2, 3, 0, 1], [0, 1, 2, 3, 0], [3, 0, 1, 2, 3], [2, 3, 0, 1, 2], [1, 2, 3, 0, 1]]


def t64(a, requires_grad=True):
    return ag.tensor(np.asarray(a, np.float64), requires_grad=requires_grad)


# --------------------------------------------------------- slow references
def ref_conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """Direct definition: one output pixel at a time."""
    s, p, d = (stride,) * 2 if np.isscalar(stride) else stride, \
        (padding,) * 2 if np.isscalar(padding) else padding, \
        (dilation,) * 2 if np.isscalar(dilation) else dilation
    n, c, h, wd = x.shape
    oc, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    oh = (h + 2 * p[0] - d[0] * (kh - 1) - 1) // s[0] + 1
    ow = (wd + 2 * p[1] - d[1] * (kw - 1) - 1) // s[1] + 1
    out = np.zeros((n, oc, oh, ow))
    ocg = oc // groups
    for b_ in range(n):
        for o in range(oc):
            g = o // ocg
            for i in range(oh):
                for j in range(ow):
                    r, q = i * s[0], j * s[1]
                    win = xp[b_, g * cg:(g + 1) * cg, r:r + d[0] * (kh - 1) + 1:d[0],
                             q:q + d[1] * (kw - 1) + 1:d[1]]
                    out[b_, o, i, j] = np.sum(win * w[o]) + (0 if b is None else b[o])
    return out


def ref_conv_transpose2d(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1,
                         dilation=1):
    """Direct definition: every input pixel scatters a scaled copy of its filter."""
    s, p, d, op = stride, padding, dilation, output_padding
    n, cin, h, wd = x.shape
    _, coutg, kh, kw = w.shape
    cing = cin // groups
    oh = (h - 1) * s - 2 * p + d * (kh - 1) + op + 1
    ow = (wd - 1) * s - 2 * p + d * (kw - 1) + op + 1
    full = np.zeros((n, coutg * groups, oh + 2 * p, ow + 2 * p))
    for b_ in range(n):
        for ci in range(cin):
            g = ci // cing
            for i in range(h):
                for j in range(wd):
                    full[b_, g * coutg:(g + 1) * coutg, i * s:i * s + d * (kh - 1) + 1:d,
                         j * s:j * s + d * (kw - 1) + 1:d] += x[b_, ci, i, j] * w[ci]
    out = full[:, :, p:p + oh, p:p + ow]
    return out if b is None else out + b.reshape(1, -1, 1, 1)


# ---------------------------------------------------------- drawn configs
@st.composite
def conv_configs(draw, max_side=7):
    """(x shape, w shape, stride, padding, dilation, groups) with a non-empty output."""
    groups = draw(st.integers(1, 2))
    cg, ocg = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    s, p, d = draw(st.integers(1, 3)), draw(st.integers(0, 2)), draw(st.integers(1, 2))
    h = draw(st.integers(max(1, d * (kh - 1) + 1 - 2 * p), max_side))
    w = draw(st.integers(max(1, d * (kw - 1) + 1 - 2 * p), max_side))
    n = draw(st.integers(1, 2))
    return (n, cg * groups, h, w), (ocg * groups, cg, kh, kw), s, p, d, groups


@st.composite
def transpose_configs(draw, max_side=4):
    """(x shape, w shape, stride, padding, output_padding, groups, dilation), output >= 1."""
    groups = draw(st.integers(1, 2))
    cg, ocg = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    k = draw(st.integers(1, 3))
    s, d = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    op = draw(st.integers(0, max(s, d) - 1))
    h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    smallest = (min(h, w) - 1) * s + d * (k - 1) + op + 1
    p = draw(st.integers(0, min(2, (smallest - 1) // 2)))
    return (1 + draw(st.integers(0, 1)), cg * groups, h, w), (cg * groups, ocg, k, k), s, p, \
        op, groups, d


def _conv_rows():
    """The table rows; drawn configurations are checked by the tests below."""
    def fixed(kinds, build):
        return tuple((k, bad.fixed(build(k))) for k in kinds)

    conv_bad = fixed(("channels", "rank", "kernel", "bias", "groups", "stride", "padding",
                      "dilation"), bad.conv)
    convt_bad = fixed(("channels", "output_padding", "stride"), bad.conv_transpose)
    small = dict(max_examples=2)
    return [
        OpSpec("conv2d", lambda x, w, b: conv2d(x, w, b, 2, 1),
               lambda x, w, b: ref_conv2d(x, w, b, 2, 1),
               (Input((1, 2, 4, 4)), Input((2, 2, 2, 2)), Input((2,))), kw=small,
               torch=lambda T, x, w, b: T.nn.functional.conv2d(x, w, b, 2, 1), bad=conv_bad,
               nan=Nan(lambda x: ag.conv2d(x, t(2, 1, 2, 2)), (1, 1, 4, 4), empty=False)),
        OpSpec("conv_transpose2d", lambda x, w, b: conv_transpose2d(x, w, b, 2, 1),
               lambda x, w, b: ref_conv_transpose2d(x, w, b, 2, 1),
               (Input((1, 2, 3, 3)), Input((2, 1, 3, 3)), Input((1,))), kw=small,
               torch=lambda T, x, w, b: T.nn.functional.conv_transpose2d(x, w, b, 2, 1),
               bad=convt_bad,
               nan=Nan(lambda x: ag.conv_transpose2d(x, t(1, 2, 2, 2)), (1, 1, 4, 4),
                       empty=False)),
    ]


def _arrays(seed, *shapes):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, s) for s in shapes]


SETTINGS = dict(deadline=None, database=None)
TABLE = _conv_rows() + CONV3D_ROWS


@pytest.mark.parametrize("spec", TABLE, ids=str)
def test_op(spec):
    walk(spec)


@pytest.mark.parametrize("spec", TABLE, ids=str)
def test_pytorch_parity(spec):
    torch_walk(spec)


@settings(max_examples=40, **SETTINGS)
@given(cfg=conv_configs(), bias=st.booleans(), seed=st.integers(0, 2**16))
def test_conv2d_matches_loop_reference(cfg, bias, seed):
    xs, ws, s, p, d, g = cfg
    x, w, b = _arrays(seed, xs, ws, ws[0])
    b = b if bias else None
    got = conv2d(t64(x), t64(w), None if b is None else t64(b), s, p, d, g)
    np.testing.assert_allclose(got.array, ref_conv2d(x, w, b, s, p, d, g), rtol=1e-10, atol=1e-12)


@settings(max_examples=30, **SETTINGS)
@given(cfg=transpose_configs(), seed=st.integers(0, 2**16))
def test_conv_transpose2d_matches_loop_reference(cfg, seed):
    xs, ws, s, p, op, g, d = cfg
    x, w, b = _arrays(seed, xs, ws, ws[1] * g)
    got = conv_transpose2d(t64(x), t64(w), t64(b), s, p, op, g, d)
    want = ref_conv_transpose2d(x, w, b, s, p, op, g, d)
    np.testing.assert_allclose(got.array, want, rtol=1e-10, atol=1e-12)


@settings(max_examples=12, **SETTINGS)
@given(cfg=conv_configs(max_side=5), seed=st.integers(0, 2**16))
def test_conv2d_gradcheck_and_gradgradcheck(cfg, seed):
    xs, ws, s, p, d, g = cfg
    x, w, b = (t64(a) for a in _arrays(seed, xs, ws, ws[0]))

    def f(x, w, b):
        return conv2d(x, w, b, s, p, d, g)

    assert gradcheck(f, (x, w, b), seed=seed)
    assert gradgradcheck(f, (x, w, b), seed=seed)


@settings(max_examples=10, **SETTINGS)
@given(cfg=transpose_configs(max_side=3), seed=st.integers(0, 2**16))
def test_conv_transpose2d_gradcheck_and_gradgradcheck(cfg, seed):
    xs, ws, s, p, op, g, d = cfg
    x, w, b = (t64(a) for a in _arrays(seed, xs, ws, ws[1] * g))

    def f(x, w, b):
        return conv_transpose2d(x, w, b, s, p, op, g, d)

    assert gradcheck(f, (x, w, b), seed=seed)
    assert gradgradcheck(f, (x, w, b), seed=seed)


@pytest.mark.parametrize("which", ["input only", "weight only"])
def test_gradient_with_one_operand_constant(which):
    x, w = _arrays(3, (2, 2, 5, 5), (3, 2, 3, 3))
    xt, wt = t64(x, which == "input only"), t64(w, which == "weight only")
    assert gradcheck(lambda a, b: conv2d(a, b, stride=2, padding=1), (xt, wt))
    assert gradgradcheck(lambda a, b: conv2d(a, b, stride=2, padding=1), (xt, wt))


# ------------------------------------------------------- textbook numbers
TEXTBOOK = [
    # (name, input, filter, kwargs, expected output)
    ("4x4 input, 3x3 filter", SEED_X, SEED_F, {}, [[15, 16], [6, 15]]),
    ("with bias 3", SEED_X, SEED_F, {"bias": [3.0]}, [[18, 19], [9, 18]]),
    ("padding 1", SEED_X, SEED_F, {"padding": 1},
     [[7, 12, 10, 2], [4, 15, 16, 10], [10, 6, 15, 6], [8, 10, 4, 3]]),
    # the course works out the first row, 15 17; the second row by hand: 17 15
    ("5x5 input, stride 2", SEED_X5, SEED_F, {"stride": 2}, [[15, 17], [17, 15]]),
]


@pytest.mark.parametrize("name,x,f,kw,want", TEXTBOOK, ids=[t[0] for t in TEXTBOOK])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_textbook_numbers(name, x, f, kw, want, dtype):
    x = ag.tensor(np.asarray(x, dtype)).reshape(1, 1, *np.shape(x))
    w = ag.tensor(np.asarray(f, dtype)).reshape(1, 1, 3, 3)
    if "bias" in kw:
        kw = dict(kw, bias=ag.tensor(np.asarray(kw["bias"], dtype)))
    out = conv2d(x, w, **kw)
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out.array[0, 0], np.asarray(want, dtype))


def test_textbook_output_size():
    # H=28, W=31, P=2, S=3, F=5: OH = (28 + 4 - 5) / 3 + 1 = 10, OW = (31 + 4 - 5) / 3 + 1 = 11
    out = conv2d(ag.zeros(1, 1, 28, 31), ag.zeros(1, 1, 5, 5), stride=3, padding=2)
    assert out.shape == (1, 1, 10, 11)


def test_textbook_multichannel_minibatch():
    # (N, C, H, W) batch, one filter block per output channel, one bias per output channel
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(10, 3, 7, 7)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    out = conv2d(t64(x), t64(w), t64(b))
    assert out.shape == (10, 4, 5, 5)
    np.testing.assert_allclose(out.array[7, 2, 1, 3],
                               np.sum(x[7, :, 1:4, 3:6] * w[2]) + b[2], rtol=1e-12)


# -------------------------------------------------------------- im2col
def test_im2col_textbook_matrix():
    x = np.asarray(SEED_X, np.float64).reshape(1, 1, 4, 4)
    cols = im2col(x, 3)
    assert cols.shape == (4, 9)
    np.testing.assert_array_equal(cols[2], [0, 1, 2, 3, 0, 1, 2, 3, 0])  # window at (1, 0)
    np.testing.assert_array_equal(cols @ np.ravel(SEED_F), [15, 16, 6, 15])


@settings(max_examples=25, **SETTINGS)
@given(cfg=conv_configs(), seed=st.integers(0, 2**16))
def test_im2col_times_filters_is_conv_and_col2im_is_its_adjoint(cfg, seed):
    xs, ws, s, p, d, _ = cfg
    x, w = _arrays(seed, xs, ws[:1] + (xs[1],) + ws[2:])
    k = ws[2:]
    cols = im2col(x, k, s, p, d)
    n, oc = xs[0], ws[0]
    out = (cols @ w.reshape(oc, -1).T).reshape(n, -1, oc).transpose(0, 2, 1)
    np.testing.assert_allclose(out.reshape(-1), ref_conv2d(x, w, None, s, p, d).reshape(-1),
                               rtol=1e-10, atol=1e-12)
    # <im2col(x), Y> == <x, col2im(Y)>: col2im is the transpose of the im2col map
    y = np.random.default_rng(seed).normal(size=cols.shape)
    back = col2im(y, xs, k, s, p, d)
    assert back.shape == xs
    assert np.sum(cols * y) == pytest.approx(np.sum(x * back), rel=1e-10, abs=1e-10)


def test_col2im_counts_overlaps():
    counts = col2im(np.ones((4, 9)), (1, 1, 4, 4), 3)[0, 0]
    np.testing.assert_array_equal(counts, [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])


# ------------------------------------- the im2col buffer: per chunk, never kept
def _arrays_on(node):
    return [v for k, v in vars(node).items() if isinstance(v, np.ndarray)]


def test_forward_keeps_no_column_buffer_and_backward_frees_its_state(monkeypatch):
    sizes = []
    real, real_rows = conv._unfold, conv._conv_rows.unfold

    def unfold(*args):
        cols = real(*args)
        sizes.append(cols.nbytes)
        return cols

    def unfold_rows(*args):
        cols, wp = real_rows(*args)
        sizes.append(cols.nbytes)
        return cols, wp

    monkeypatch.setattr(conv, "_unfold", unfold)
    monkeypatch.setattr(conv._conv_rows, "unfold", unfold_rows)
    one = 3 * 3 * 3 * 6 * 8 * 8  # one image's columns (stride 1: on whole padded rows of 8)
    monkeypatch.setattr(conv, "COLS_BUDGET", one)
    x = t64(np.random.default_rng(0).normal(size=(2, 3, 6, 6)))
    w = t64(np.random.default_rng(1).normal(size=(4, 3, 3, 3)))
    y = conv2d(x, w, padding=1)
    node = y.grad_fn
    assert type(node).__name__ == "Conv2d"
    assert sizes == [one] * 2, "forward did not unfold one chunk at a time"
    assert not _arrays_on(node), "forward kept a column buffer on the node"
    assert [t.shape for t in node.saved_tensors] == [x.shape, w.shape]  # the input, not columns
    y.sum().backward()
    assert node._saved is None and not _arrays_on(node), "saved state outlived backward"
    assert len(sizes) == 4 and max(sizes) == one, "backward built a full-batch column matrix"
    assert x.grad.shape == x.shape and w.grad.shape == w.shape


@pytest.mark.parametrize("per_chunk", [1, 2, 3])
@pytest.mark.parametrize("groups", [1, 2])
def test_batch_chunks_give_the_same_values_and_gradients(monkeypatch, per_chunk, groups):
    rng = np.random.default_rng(per_chunk)
    x, w, b = rng.normal(size=(7, 4, 5, 6)), rng.normal(size=(6, 4 // groups, 3, 2)), \
        rng.normal(size=6)
    # the columns of `per_chunk` images of the conv2d (C*FH*FW * OH*OW float64 each)
    monkeypatch.setattr(conv, "COLS_BUDGET", 4 * 3 * 2 * 3 * 4 * 8 * per_chunk)
    kw = dict(stride=(2, 2), padding=1, groups=groups)
    y = conv2d(t64(x), t64(w), t64(b), **kw)
    np.testing.assert_allclose(y.array, ref_conv2d(x, w, b, (2, 2), (1, 1), groups=groups),
                               rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda a, f: conv2d(a, f, **kw), (t64(x), t64(w)))
    assert gradgradcheck(lambda a, f: conv2d(a, f, **kw), (t64(x[:3]), t64(w)))
    xt = rng.normal(size=(5, 4, 3, 2))
    wt = rng.normal(size=(4, 6 // groups, 3, 2))
    want = ref_conv_transpose2d(xt, wt, None, 2, 1, 1, groups)
    np.testing.assert_allclose(conv_transpose2d(t64(xt), t64(wt), stride=2, padding=1,
                                                output_padding=1, groups=groups).array,
                               want, rtol=1e-12, atol=1e-12)


def test_no_buffer_kept_when_weight_needs_no_grad():
    x = ag.randn(1, 2, 5, 5, requires_grad=True)
    y = conv2d(x, ag.randn(3, 2, 3, 3))
    assert not hasattr(y.grad_fn, "cols")
    with ag.no_grad():
        assert conv2d(x, ag.randn(3, 2, 3, 3, requires_grad=True)).grad_fn is None


def test_float32_in_float32_out_and_grads():
    x = ag.randn(2, 3, 5, 5, requires_grad=True)
    w = ag.randn(4, 3, 3, 3, requires_grad=True)
    b = ag.zeros(4, requires_grad=True)
    y = conv2d(x, w, b)
    y.sum().backward()
    assert {t.dtype for t in (y, x.grad, w.grad, b.grad)} == {np.dtype("float32")}


def test_unbatched_input():
    x, w = _arrays(1, (2, 5, 5), (3, 2, 3, 3))
    out = conv2d(t64(x), t64(w))
    assert out.shape == (3, 3, 3)
    np.testing.assert_allclose(out.array, ref_conv2d(x[None], w)[0], rtol=1e-12)


@pytest.mark.parametrize("k,d", [(3, 1), (4, 1), (2, 3), (5, 2)])
def test_same_padding_keeps_the_size(k, d):
    x, w = _arrays(2, (1, 2, 6, 7), (3, 2, k, k))
    out = conv2d(t64(x), t64(w), padding="same", dilation=d)
    assert out.shape == (1, 3, 6, 7)
    total = d * (k - 1)
    xp = np.pad(x, ((0, 0), (0, 0), (total // 2, total - total // 2),
                    (total // 2, total - total // 2)))
    np.testing.assert_allclose(out.array, ref_conv2d(xp, w, dilation=d), rtol=1e-10, atol=1e-12)


def test_same_padding_gradients():
    x, w = (t64(a) for a in _arrays(4, (1, 2, 5, 4), (2, 2, 2, 3)))
    assert gradcheck(lambda a, b: conv2d(a, b, padding="same"), (x, w))
    assert gradgradcheck(lambda a, b: conv2d(a, b, padding="same"), (x, w))


def test_conv_transpose2d_is_the_input_gradient_of_conv2d():
    x, w, g = _arrays(5, (2, 4, 8, 8), (6, 2, 3, 3), (2, 6, 4, 4))
    xt = t64(x)
    y = conv2d(xt, t64(w, False), stride=2, padding=1, groups=2)
    assert y.shape == g.shape
    y.backward(ag.tensor(g))
    ct = conv_transpose2d(t64(g, False), t64(w, False), stride=2, padding=1, output_padding=1,
                          groups=2)
    np.testing.assert_allclose(ct.array, xt.grad.array, rtol=1e-12)


# ------------------------------------------------------------------ errors
ERRORS = [
    ("channel mismatch", lambda: conv2d(ag.zeros(1, 3, 5, 5), ag.zeros(2, 4, 3, 3)),
     r"input has 3 channels, but the weight of shape \(2, 4, 3, 3\) with groups=1 expects "
     r"weight.shape\[1\] \* groups = 4 \* 1 = 4"),
    ("channel mismatch, groups", lambda: conv2d(ag.zeros(1, 6, 5, 5), ag.zeros(4, 2, 3, 3),
                                                groups=2),
     r"input has 6 channels.*groups=2 expects .* = 2 \* 2 = 4 input channels"),
    ("out channels vs groups", lambda: conv2d(ag.zeros(1, 4, 5, 5), ag.zeros(3, 2, 3, 3),
                                              groups=2),
     r"out_channels 3 .* not divisible by groups=2"),
    ("kernel larger than padded input", lambda: conv2d(ag.zeros(1, 1, 3, 3),
                                                       ag.zeros(1, 1, 5, 5), padding=0),
     r"kernel is larger than the padded input along the height.*spans 5.*padded height is 3 "
     r"\(3 \+ 2\*0\).*OH = \(H \+ 2P - D\*\(FH-1\) - 1\) // S \+ 1 = "
     r"\(3 \+ 2\*0 - 1\*\(5-1\) - 1\) // 1 \+ 1 = -1"),
    ("dilated kernel too large", lambda: conv2d(ag.zeros(1, 1, 9, 4), ag.zeros(1, 1, 3, 3),
                                                dilation=2),
     r"along the width: the kernel spans 5 \(size 3, dilation 2\)"),
    ("stride 0", lambda: conv2d(ag.zeros(1, 1, 5, 5), ag.zeros(1, 1, 3, 3), stride=0),
     r"conv2d: stride must be positive, got 0"),
    ("negative stride", lambda: conv2d(ag.zeros(1, 1, 5, 5), ag.zeros(1, 1, 3, 3),
                                       stride=(1, -2)),
     r"stride must be positive, got \(1, -2\)"),
    ("negative padding", lambda: conv2d(ag.zeros(1, 1, 5, 5), ag.zeros(1, 1, 3, 3), padding=-1),
     r"padding must be non-negative"),
    ("bias shape", lambda: conv2d(ag.zeros(1, 1, 5, 5), ag.zeros(2, 1, 3, 3), ag.zeros(3)),
     r"bias must have shape \(2,\)"),
    ("dtype mismatch", lambda: conv2d(ag.zeros(1, 1, 5, 5, dtype="float64"),
                                      ag.zeros(1, 1, 3, 3)),
     r"same dtype, got input float64, weight float32"),
    ("2-D input", lambda: conv2d(ag.zeros(5, 5), ag.zeros(1, 1, 3, 3)),
     r"expected input of shape \(N, C, H, W\) or \(C, H, W\) and a 4-D weight, got shapes "
     r"\(5, 5\) and \(1, 1, 3, 3\)"),
    ("same with stride", lambda: conv2d(ag.zeros(1, 1, 5, 5), ag.zeros(1, 1, 3, 3), stride=2,
                                        padding="same"),
     r"padding='same' needs stride 1"),
    ("transpose channels", lambda: conv_transpose2d(ag.zeros(1, 3, 4, 4), ag.zeros(2, 1, 3, 3)),
     r"input has 3 channels, but the weight of shape \(2, 1, 3, 3\) expects"),
    ("output_padding", lambda: conv_transpose2d(ag.zeros(1, 1, 4, 4), ag.zeros(1, 1, 3, 3),
                                                stride=2, output_padding=2),
     r"output_padding \(2, 2\) must be smaller than stride \(2, 2\) or dilation"),
    ("transpose empty", lambda: conv_transpose2d(ag.zeros(1, 1, 1, 1), ag.zeros(1, 1, 1, 1),
                                                 padding=1),
     r"output height would be -1: OH = \(H - 1\)\*S - 2P .* = \(1 - 1\)\*1 - 2\*1"),
    ("col2im shape", lambda: col2im(np.ones((4, 8)), (1, 1, 4, 4), 3),
     r"col2im: cols has shape \(4, 8\).*needs \(4, 9\)"),
]


@pytest.mark.parametrize("name,call,match", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(name, call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# ------------------------------------------------------- PyTorch parity
@settings(max_examples=20, **SETTINGS)
@given(cfg=conv_configs(), seed=st.integers(0, 2**16))
def test_pytorch_parity_conv2d(cfg, seed):
    torch = pytest.importorskip("torch")
    xs, ws, s, p, d, g = cfg
    x, w, b, = _arrays(seed, xs, ws, ws[0])
    ours = [t64(a) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    y = conv2d(*ours, s, p, d, g)
    yt = torch.nn.functional.conv2d(*theirs, s, p, d, g)
    up = np.random.default_rng(seed).normal(size=y.shape)
    y.backward(ag.tensor(up))
    yt.backward(torch.tensor(up))
    np.testing.assert_allclose(y.array, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    for a, at in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.array, at.grad.numpy(), rtol=1e-10, atol=1e-12)


@settings(max_examples=15, **SETTINGS)
@given(cfg=transpose_configs(), seed=st.integers(0, 2**16))
def test_pytorch_parity_conv_transpose2d(cfg, seed):
    torch = pytest.importorskip("torch")
    xs, ws, s, p, op, g, d = cfg
    x, w, b = _arrays(seed, xs, ws, ws[1] * g)
    ours = [t64(a) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    y = conv_transpose2d(*ours, s, p, op, g, d)
    yt = torch.nn.functional.conv_transpose2d(*theirs, s, p, op, g, d)
    np.testing.assert_allclose(y.array, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    y.sum().backward()
    yt.sum().backward()
    for a, at in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.array, at.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_pytorch_parity_gradient_penalty():
    """A double-backward use: d/dw of |dL/dx|^2, as WGAN-GP computes it."""
    torch = pytest.importorskip("torch")
    x, w = _arrays(9, (2, 2, 6, 6), (3, 2, 3, 3))
    xt, wt = t64(x), t64(w)
    (gx,) = ag.grad(conv2d(xt, wt, stride=2, padding=1).tanh().sum(), [xt], create_graph=True)
    (gx * gx).sum().backward()
    tx, tw = (torch.tensor(a, requires_grad=True) for a in (x, w))
    (tgx,) = torch.autograd.grad(torch.nn.functional.conv2d(tx, tw, stride=2, padding=1)
                                 .tanh().sum(), [tx], create_graph=True)
    (tgx * tgx).sum().backward()
    np.testing.assert_allclose(wt.grad.array, tw.grad.numpy(), rtol=1e-9, atol=1e-12)
