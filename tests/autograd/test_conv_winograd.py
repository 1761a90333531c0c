"""The Winograd F(2x2, 3x3) path of conv2d, conv_transpose2d and the weight gradient:
same values and gradients (first and second order) as the direct definition, the cases
it leaves to im2col, and float32 parity with PyTorch at a size that takes it by default."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
from autograd.gradcheck import gradcheck, gradgradcheck
from autograd.ops import _winograd as wino
from autograd.ops.conv import conv2d, conv_transpose2d
from tests.autograd.test_conv import _arrays, ref_conv2d, ref_conv_transpose2d, t64


def _spy(seen, name, real):
    def spy(*args):
        seen.append(name)
        return real(*args)

    return spy


@pytest.fixture
def calls(monkeypatch):
    """Winograd for every channel count; records which of its functions ran."""
    monkeypatch.setattr(wino, "MIN_CHANNELS", 1)
    seen: list[str] = []
    for name in ("conv3x3", "conv3x3_weight_grad"):
        monkeypatch.setattr(wino, name, _spy(seen, name, getattr(wino, name)))
    return seen


# odd and even sizes (a last half tile), no/odd/wide padding, one and several images
SHAPES = [((2, 3, 6, 6), 1), ((1, 2, 5, 7), (1, 0)), ((3, 2, 4, 3), 0), ((2, 1, 3, 5), 2),
          ((1, 3, 7, 4), (3, 2))]


@pytest.mark.parametrize("xs,pad", SHAPES)
def test_values_and_weight_gradient_match_the_definition(calls, xs, pad):
    x, w, b, = _arrays(sum(xs), xs, (4, xs[1], 3, 3), (4,))
    xt, wt = t64(x), t64(w)
    y = conv2d(xt, wt, t64(b), padding=pad)
    np.testing.assert_allclose(y.array, ref_conv2d(x, w, b, 1, pad), rtol=1e-10, atol=1e-12)
    up = np.random.default_rng(1).normal(size=y.shape)
    y.backward(ag.tensor(up))
    # dL/dw[o, c, i, j] = sum over n, pixels of up * the shifted input (a loop reference)
    ph, pw = (pad, pad) if np.isscalar(pad) else pad
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    oh, ow = up.shape[2:]
    want = np.einsum("nohw,nchwij->ocij", up, np.stack(
        [np.stack([xp[:, :, i:i + oh, j:j + ow] for j in range(3)], -1) for i in range(3)], -2))
    np.testing.assert_allclose(wt.grad.array, want, rtol=1e-10, atol=1e-12)
    # forward, weight gradient, and the input gradient unless padding > 2 (col2im crops then)
    assert calls.count("conv3x3") == 1 + (max(ph, pw) <= 2)
    assert calls.count("conv3x3_weight_grad") == 1


def test_gradcheck_and_gradgradcheck(calls):
    x, w, b = (t64(a) for a in _arrays(3, (2, 2, 5, 4), (3, 2, 3, 3), (3,)))
    assert gradcheck(lambda a, f, c: conv2d(a, f, c, padding=1), (x, w, b))
    assert gradgradcheck(lambda a, f, c: conv2d(a, f, c, padding=1), (x, w, b))
    assert "conv3x3" in calls and "conv3x3_weight_grad" in calls


@pytest.mark.parametrize("pad", [0, 1, 2, 3])
def test_conv_transpose2d_stride_1(calls, pad):
    x, w, b = _arrays(pad, (2, 3, 5, 6), (3, 2, 3, 3), (2,))
    xt, wt = t64(x), t64(w)
    y = conv_transpose2d(xt, wt, t64(b), padding=pad)
    np.testing.assert_allclose(y.array, ref_conv_transpose2d(x, w, b, 1, pad),
                               rtol=1e-10, atol=1e-12)
    assert ("conv3x3" in calls) == (pad <= 2)  # padding 3 crops: left to col2im
    assert gradcheck(lambda a, f: conv_transpose2d(a, f, padding=pad), (xt, wt))
    assert gradgradcheck(lambda a, f: conv_transpose2d(a, f, padding=pad), (t64(x[:1]), wt))


def test_left_to_im2col_when_not_3x3_stride_1(calls):
    x, w5, w3 = _arrays(4, (1, 2, 6, 6), (2, 2, 5, 5), (2, 2, 3, 3))
    conv2d(t64(x), t64(w5), padding=2).sum().backward()
    conv2d(t64(x), t64(w3), stride=2, padding=1).sum().backward()
    conv2d(t64(x), t64(w3), dilation=2, padding=2).sum().backward()
    conv2d(t64(x), t64(w3[:, :1]), padding=1, groups=2).sum().backward()
    assert calls == []


def test_non_finite_input_gives_what_the_direct_sum_gives(calls, monkeypatch):
    x, w = _arrays(5, (1, 2, 4, 4), (2, 2, 3, 3))
    x[0, 1, 2, 2] = np.inf
    y = conv2d(t64(x), t64(np.abs(w)), padding=1).array
    assert calls == []  # the transforms would give inf - inf = NaN
    assert np.isposinf(y[0, :, 1:4, 1:4]).all() and np.isfinite(y[0, :, 0]).all()


def test_float16_keeps_the_direct_sum(calls):
    x, w = _arrays(15, (1, 16, 4, 4), (16, 16, 3, 3))
    y = conv2d(ag.tensor(x.astype(np.float16)), ag.tensor(w.astype(np.float16)), padding=1)
    assert calls == [] and y.dtype == np.float16
    np.testing.assert_allclose(y.array, ref_conv2d(x, w, None, 1, 1), rtol=0.02, atol=0.1)


def test_taken_by_default_for_16_channels():
    assert wino.MIN_CHANNELS <= 16
    x, w = _arrays(6, (2, 16, 6, 5), (16, 16, 3, 3))
    y = conv2d(t64(x), t64(w), padding=1)
    np.testing.assert_allclose(y.array, ref_conv2d(x, w, None, 1, 1), rtol=1e-10, atol=1e-12)


def test_float32_close_to_the_float64_definition():
    x, w, g = _arrays(7, (4, 32, 9, 10), (24, 32, 3, 3), (4, 24, 9, 10))
    xt, wt = (ag.tensor(a.astype(np.float32), requires_grad=True) for a in (x, w))
    y = conv2d(xt, wt, padding=1)
    y.backward(ag.tensor(g.astype(np.float32)))
    assert y.dtype == np.float32 and wt.grad.dtype == np.float32
    scale = np.abs(ref_conv2d(x, w, None, 1, 1)).max()
    np.testing.assert_allclose(y.array, ref_conv2d(x, w, None, 1, 1), atol=2e-6 * scale)
    x64, w64 = t64(x), t64(w)
    conv2d(x64, w64, padding=1).backward(ag.tensor(g))
    for ours, want in ((xt, x64), (wt, w64)):
        scale = np.abs(want.grad.array).max()
        np.testing.assert_allclose(ours.grad.array, want.grad.array, atol=2e-6 * scale)


def test_pytorch_parity_float32():
    torch = pytest.importorskip("torch")
    x, w, b, g = (a.astype(np.float32) for a in _arrays(8, (3, 32, 8, 11), (16, 32, 3, 3),
                                                             (16,), (3, 16, 8, 11)))
    ours = [ag.tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    y = conv2d(*ours, padding=1)
    yt = torch.nn.functional.conv2d(*theirs, padding=1)
    y.backward(ag.tensor(g))
    yt.backward(torch.tensor(g))
    for a, at in zip([y] + [o.grad for o in ours], [yt.detach()] + [t.grad for t in theirs]):
        want = at.numpy()
        np.testing.assert_allclose(a.array, want, atol=1e-5 * np.abs(want).max())


# ------------------------------------------- scratch buffers never leak into results
def test_results_do_not_share_the_scratch_buffers():
    from autograd.ops.conv import col2im, im2col
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    cols = im2col(x, 1)                                    # a (16, 1) matrix: .T is contiguous
    im2col(x + 100, 1)
    np.testing.assert_array_equal(cols[:, 0], np.arange(16.0))
    img = col2im(np.ones((4, 9)), (1, 1, 2, 2), 3, padding=1)   # cropped out of a padded sum
    col2im(np.full((4, 9), 5.0), (1, 1, 2, 2), 3, padding=1)
    np.testing.assert_array_equal(img, np.full((1, 1, 2, 2), 4.0))
    a, w = _arrays(9, (2, 16, 5, 5), (16, 16, 3, 3))
    y1 = conv2d(t64(a), t64(w), padding=1).array.copy()
    y = conv2d(t64(a), t64(w), padding=1)
    conv2d(t64(a * 3), t64(w), padding=1)
    np.testing.assert_array_equal(y.array, y1)


def test_functional_unfold_of_one_image_is_its_own_array():
    from autograd.ops.fold import unfold
    x = np.arange(32.0).reshape(1, 2, 4, 4)
    cols = unfold(t64(x, False), 3, padding=1)
    want = cols.array.copy()
    unfold(t64(-x, False), 3, padding=1)
    conv2d(t64(-x), t64(np.ones((1, 2, 3, 3))), stride=2, padding=1).sum().backward()
    np.testing.assert_array_equal(cols.array, want)


def test_scratch_buffers_are_per_thread():
    import threading

    from autograd.ops import _scratch
    mine = _scratch.empty("t", (8,), np.float64)
    seen = []
    th = threading.Thread(target=lambda: seen.append(_scratch.empty("t", (8,), np.float64)))
    th.start()
    th.join()
    assert not np.shares_memory(mine, seen[0])
    assert np.shares_memory(mine, _scratch.empty("t", (4,), np.float64))


# ------------------------------- stride 1 on whole padded rows (filler windows)
def test_rows_layout_leaves_non_finite_inputs_to_the_direct_sum():
    from autograd.ops import _conv_rows
    assert _conv_rows.ENABLED
    x, w = _arrays(10, (2, 2, 5, 6), (3, 2, 3, 3))
    x[1, 0, 2, 0] = np.inf                                 # read by filler windows of row 1
    xt, wt = t64(x), t64(w)
    y = conv2d(xt, wt, padding=(0, 1))
    up = np.abs(np.random.default_rng(2).normal(size=y.shape)) + 0.5
    y.backward(ag.tensor(up))
    xp = np.pad(x, ((0, 0), (0, 0), (0, 0), (1, 1)))
    oh, ow = up.shape[2:]
    want = np.einsum("nohw,nchwij->ocij", up, np.stack(
        [np.stack([xp[:, :, i:i + oh, j:j + ow] for j in range(3)], -1) for i in range(3)], -2))
    np.testing.assert_array_equal(np.isnan(wt.grad.array), np.isnan(want))
    np.testing.assert_allclose(wt.grad.array, want, rtol=1e-10, atol=1e-12)
    assert np.isfinite(want[:, 1]).all() and np.isposinf(want[:, 0, 1:]).any()


# ------------------------------------------------ 1x1 kernels: a product per image
@pytest.mark.parametrize("groups,dilation", [(1, 1), (2, 1), (1, 2)])
def test_pointwise_conv_matches_the_definition_and_gradchecks(groups, dilation):
    x, w, b = _arrays(11 + groups, (2, 4, 3, 5), (6, 4 // groups, 1, 1), (6,))
    xt, wt, bt = t64(x), t64(w), t64(b)
    y = conv2d(xt, wt, bt, dilation=dilation, groups=groups)
    np.testing.assert_allclose(y.array, ref_conv2d(x, w, b, 1, 0, dilation, groups),
                               rtol=1e-12, atol=1e-12)
    f = lambda a, k, c: conv2d(a, k, c, dilation=dilation, groups=groups)  # noqa: E731
    assert gradcheck(f, (xt, wt, bt))
    assert gradgradcheck(f, (xt, wt, bt))


@pytest.mark.parametrize("output_padding", [0, 1])
def test_pointwise_conv_transpose2d(output_padding):
    x, w = _arrays(13, (2, 4, 3, 3), (4, 3, 1, 1))
    xt, wt = t64(x), t64(w)
    kw = dict(dilation=2, output_padding=output_padding)   # output_padding adds a row and column
    y = conv_transpose2d(xt, wt, **kw)
    np.testing.assert_allclose(y.array, ref_conv_transpose2d(x, w, None, 1, 0, output_padding,
                                                             1, 2), rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda a, k: conv_transpose2d(a, k, **kw), (xt, wt))
    assert gradgradcheck(lambda a, k: conv_transpose2d(a, k, **kw), (xt, wt))


def test_pointwise_takes_no_column_copy(monkeypatch):
    from autograd.ops import _conv_rows, conv
    spent = []
    monkeypatch.setattr(conv, "_unfold", lambda *a: spent.append("im2col"))
    monkeypatch.setattr(_conv_rows, "unfold", lambda *a: spent.append("rows"))
    x, w = (t64(a) for a in _arrays(14, (2, 3, 4, 4), (5, 3, 1, 1)))
    conv2d(x, w).sum().backward()
    assert spent == [] and x.grad.shape == x.shape and w.grad.shape == w.shape


# ------------------------- scratch buffers hold stale values: only written parts are read
CASES = [dict(padding=1), dict(padding=(2, 0)), dict(padding=2, dilation=2),
         dict(stride=2, padding=1), dict(padding=0), dict(stride=(1, 2), padding=(0, 1))]


@pytest.mark.parametrize("kw", CASES, ids=str)
@pytest.mark.parametrize("k", [1, 3])
def test_stale_scratch_contents_never_reach_a_result(monkeypatch, kw, k):
    from autograd.ops import _scratch
    monkeypatch.setattr(wino, "MIN_CHANNELS", 1)
    x, w, b, = _arrays(k, (3, 2, 7, 6), (4, 2, k, k), (4,))

    def run():
        xt, wt, bt = t64(x), t64(w), t64(b)
        y = conv2d(xt, wt, bt, **kw)
        y.backward(ag.tensor(np.cos(np.arange(y.array.size)).reshape(y.shape)))
        ct = conv_transpose2d(t64(y.array, False), t64(w, False),
                              **{a: v for a, v in kw.items() if a != "dilation"})
        return y.array, xt.grad.array, wt.grad.array, ct.array

    want = run()
    real = _scratch.empty

    def stale(name, shape, dtype):  # what a previous call could have left there
        out = real(name, shape, dtype)
        out.fill(np.nan)
        return out

    monkeypatch.setattr(_scratch, "empty", stale)
    for got, ref in zip(run(), want):
        np.testing.assert_array_equal(got, ref)
