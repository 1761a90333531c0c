"""Op table for the nn.functional ops of their own: unfold, fold (im2col / col2im), ctc_loss,
and pad's reflect / replicate / circular modes and negative (cropping) pads.

Each row drives the generic tests (forward against a numpy loop reference,
gradcheck and gradgradcheck in float64, PyTorch parity, bad input, NaN and
empty tensors); the tests below check the geometry the table does not draw.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd.gradcheck import gradcheck, gradgradcheck
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec, torch_walk, walk
from tests.autograd.rows_grid_sample import ROWS as GRID_SAMPLE_ROWS
from tests.robustness import bad_op_cases as bad
from tests.robustness.bad_input_helpers import t


# ------------------------------------------------------------ numpy loop references
def ref_unfold(x, k, d=(1, 1), p=(0, 0), s=(1, 1)):
    """Windows of (N, C, H, W) by plain loops: (N, C*KH*KW, L)."""
    n, c, h, w = x.shape
    xp = np.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])])
    oh = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    out = np.zeros((n, c * k[0] * k[1], oh * ow), x.dtype)
    for i in range(oh):
        for j in range(ow):
            win = xp[:, :, i * s[0]:i * s[0] + d[0] * (k[0] - 1) + 1:d[0],
                     j * s[1]:j * s[1] + d[1] * (k[1] - 1) + 1:d[1]]
            out[:, :, i * ow + j] = win.reshape(n, -1)
    return out


def ref_fold(cols, size, k, d=(1, 1), p=(0, 0), s=(1, 1)):
    """Columns added back into (N, C, H, W) by plain loops."""
    n, rows, _ = cols.shape
    h, w = size
    c = rows // (k[0] * k[1])
    oh = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    out = np.zeros((n, c, h + 2 * p[0], w + 2 * p[1]), cols.dtype)
    for i in range(oh):
        for j in range(ow):
            out[:, :, i * s[0]:i * s[0] + d[0] * (k[0] - 1) + 1:d[0],
                j * s[1]:j * s[1] + d[1] * (k[1] - 1) + 1:d[1]] += \
                cols[:, :, i * ow + j].reshape(n, c, k[0], k[1])
    return out[:, :, p[0]:p[0] + h, p[1]:p[1] + w]


def ref_ctc(lp, targets, input_lengths, blank=0):
    """-log p of each target by summing every frame path that collapses to it (brute force)."""
    from itertools import product

    out = []
    for b, target in enumerate(targets):
        frames = lp[:input_lengths[b], b]
        total = -np.inf
        for path in product(range(lp.shape[2]), repeat=len(frames)):
            merged = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
            if [k for k in merged if k != blank] == list(target):
                total = np.logaddexp(total, frames[np.arange(len(frames)), path].sum())
        out.append(-total)
    return np.array(out)


CTC_TARGETS, CTC_IN, CTC_LEN = np.array([[1, 2, 2], [2, 0, 0]]), [5, 3], [3, 1]


def _ctc(a, **kw):
    return ag.ctc_loss(a, CTC_TARGETS, CTC_IN, CTC_LEN, **kw)


def _ctc_ref_mean(a):
    return (ref_ctc(a, [[1, 2, 2], [2]], CTC_IN) / np.array(CTC_LEN)).mean()


# ------------------------------------------------------------ bad-input cases
def unfold_rank(data):
    shape = data.draw(st.sampled_from([(4,), (4, 4), (1, 1, 1, 4, 4)]))
    return lambda: ag.unfold(t(*shape), 2), "unfold", (shape,)


def unfold_kernel(data):
    h = data.draw(st.integers(1, 3))
    return lambda: ag.unfold(t(1, 1, h, h), h + 1), "unfold", (h + 1,)


def fold_rows(data):
    rows = data.draw(st.sampled_from([3, 5, 7]))
    return lambda: ag.fold(t(1, rows, 9), (4, 4), 2), "fold", ((1, rows, 9), rows)


def fold_length(data):
    length = data.draw(st.sampled_from([1, 8, 10]))
    return lambda: ag.fold(t(1, 4, length), (4, 4), 2), "fold", (length, 9)


def ctc_lengths(data):
    t_len = data.draw(st.integers(1, 4))
    too_long = t_len + data.draw(st.integers(1, 3))
    return (lambda: ag.ctc_loss(t(t_len, 1, 3), [[1]], [too_long], [1]), "ctc_loss",
            (too_long, t_len))


def ctc_target(data):
    bad_class = data.draw(st.sampled_from([0, 3, 7, -1]))
    return (lambda: ag.ctc_loss(t(4, 1, 3), [[1, bad_class]], [4], [2]), "ctc_loss",
            (bad_class,))


def ctc_blank(data):
    blank = data.draw(st.sampled_from([-1, 3, 5]))
    return lambda: ag.ctc_loss(t(4, 1, 3), [[1]], [4], [1], blank=blank), "ctc_loss", (blank,)


def pad_reflect_too_far(data):
    w = data.draw(st.integers(1, 4))
    return (lambda: ag.pad(t(1, 2, w), (w, 0), mode="reflect"), "pad",
            ("reflect", (1, 2, w)))


def pad_mode_value(data):
    mode = data.draw(st.sampled_from(["reflect", "replicate", "circular"]))
    return lambda: ag.pad(t(1, 2, 5), (1, 1), mode=mode, value=2.0), "pad", (mode, "value")


def pad_mode_dims(data):
    shape = data.draw(st.sampled_from([(5,), (1, 1, 1, 5)]))
    return lambda: ag.pad(t(*shape), (1, 1), mode="replicate"), "pad", (shape,)


def pad_crop_too_far(data):
    w = data.draw(st.integers(1, 4))
    return lambda: ag.pad(t(2, w), (-w, -1)), "pad", (-1,)


def _np_pad_mode(x, pad, mode):
    """numpy's pad for non-negative pads (numpy's reflect is PyTorch's; edge is replicate)."""
    widths = [(0, 0)] * (x.ndim - len(pad) // 2) + [
        (pad[2 * i], pad[2 * i + 1]) for i in reversed(range(len(pad) // 2))]
    return np.pad(x, widths, mode={"replicate": "edge", "circular": "wrap"}.get(mode, mode))


def _pad_row(pad, mode, shape):
    return OpSpec("pad", lambda a: ag.pad(a, pad, mode=mode),
                  None if min(pad) < 0 else (lambda a: _np_pad_mode(a, pad, mode)),
                  (Input(shape),), kw=dict(max_examples=3),
                  torch=lambda T, a: T.nn.functional.pad(a, pad, mode=mode))


TABLE = [
    _pad_row((2, 1), "reflect", (2, 3, 4)),
    _pad_row((1, 2, 2, 0), "reflect", (1, 2, 3, 4)),
    _pad_row((3, 1, 0, 2), "replicate", (2, 3, 4)),
    _pad_row((1, 1, 2, 0, 0, 1), "replicate", (1, 1, 2, 3, 2)),
    _pad_row((2, 4), "circular", (1, 2, 4)),
    _pad_row((-1, 2, 1, -1), "reflect", (1, 3, 4)),
    _pad_row((2, -1), "replicate", (1, 2, 4)),
    _pad_row((-1, 2), "circular", (1, 2, 4)),
    OpSpec("pad", lambda a: ag.pad(a, (-1, 2, 1, -2), value=1.5), None, (Input((2, 3, 4)),),
           kw=dict(max_examples=3),
           torch=lambda T, a: T.nn.functional.pad(a, (-1, 2, 1, -2), value=1.5),
           bad=(("reflect", bad.fixed(pad_reflect_too_far)),
                ("value", bad.fixed(pad_mode_value)), ("dims", bad.fixed(pad_mode_dims)),
                ("crop", bad.fixed(pad_crop_too_far)))),
    OpSpec("unfold", lambda a: ag.unfold(a, 2), lambda a: ref_unfold(a, (2, 2)),
           (Input((2, 3, 4, 5)),), kw=dict(max_examples=3),
           torch=lambda T, a: T.nn.functional.unfold(a, 2),
           bad=(("rank", bad.fixed(unfold_rank)), ("kernel", bad.fixed(unfold_kernel))),
           nan=Nan(lambda a: ag.unfold(a, 2), (1, 2, 4, 4))),
    OpSpec("unfold", lambda a: ag.unfold(a, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)),
           lambda a: ref_unfold(a, (2, 3), (2, 1), (1, 1), (1, 2)), (Input((1, 2, 5, 6)),),
           kw=dict(max_examples=3),
           torch=lambda T, a: T.nn.functional.unfold(a, (2, 3), dilation=(2, 1), padding=1,
                                                     stride=(1, 2))),
    OpSpec("fold", lambda a: ag.fold(a, (4, 5), 2), lambda a: ref_fold(a, (4, 5), (2, 2)),
           (Input((2, 8, 12)),), kw=dict(max_examples=3),
           torch=lambda T, a: T.nn.functional.fold(a, (4, 5), 2),
           bad=(("rows", bad.fixed(fold_rows)), ("length", bad.fixed(fold_length))),
           nan=Nan(lambda a: ag.fold(a, (4, 4), 2), (1, 4, 9))),
    OpSpec("fold", lambda a: ag.fold(a, (5, 6), (2, 3), dilation=(2, 1), padding=1,
                                     stride=(1, 2)),
           lambda a: ref_fold(a, (5, 6), (2, 3), (2, 1), (1, 1), (1, 2)), (Input((1, 12, 15)),),
           kw=dict(max_examples=3),
           torch=lambda T, a: T.nn.functional.fold(a, (5, 6), (2, 3), dilation=(2, 1),
                                                   padding=1, stride=(1, 2))),
    # the exact derivative in the given log-probabilities (no second derivative, as PyTorch)
    OpSpec("ctc_loss", _ctc, _ctc_ref_mean, (Input((5, 2, 3)),),
           kw=dict(max_examples=3, gradgrad=False),
           bad=(("lengths", bad.fixed(ctc_lengths)), ("target", bad.fixed(ctc_target)),
                ("blank", bad.fixed(ctc_blank))),
           # every frame and class is read: a NaN anywhere reaches the loss
           nan=Nan(lambda a: ag.ctc_loss(a, [[1]], [4], [1]), (4, 1, 2), empty=False)),
    # through log_softmax, where PyTorch's gradient is the same
    OpSpec("ctc_loss", lambda a: _ctc(ag.log_softmax(a, 2), reduction="sum"),
           lambda a: ref_ctc(a - np.log(np.exp(a).sum(2, keepdims=True)), [[1, 2, 2], [2]],
                             CTC_IN).sum(), (Input((5, 2, 3)),),
           kw=dict(max_examples=3, gradgrad=False),
           torch=lambda T, a: T.nn.functional.ctc_loss(
               a.log_softmax(2), T.tensor(CTC_TARGETS), T.tensor(CTC_IN), T.tensor(CTC_LEN),
               reduction="sum")),
] + GRID_SAMPLE_ROWS


@pytest.mark.parametrize("spec", TABLE, ids=str)
def test_op(spec):
    walk(spec)


@pytest.mark.parametrize("spec", [row for row in TABLE if row.torch is not None], ids=str)
def test_pytorch_parity(spec):
    torch_walk(spec)


# ------------------------------------------------------------ unfold / fold geometry
@st.composite
def _geometry(draw):
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    p = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
    s = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    h = draw(st.integers(max(1, d[0] * (k[0] - 1) + 1 - 2 * p[0]), 5))
    w = draw(st.integers(max(1, d[1] * (k[1] - 1) + 1 - 2 * p[1]), 5))
    return (draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w), k, d, p, s


@settings(max_examples=12, deadline=None, database=None)
@given(g=_geometry(), seed=st.integers(0, 2**16))
def test_unfold_and_fold_match_loops_and_gradcheck(g, seed):
    shape, k, d, p, s = g
    x = np.random.default_rng(seed).standard_normal(shape)
    kw = dict(kernel_size=k, dilation=d, padding=p, stride=s)
    cols = ag.unfold(ag.tensor(x), **kw)
    np.testing.assert_allclose(cols.numpy(), ref_unfold(x, k, d, p, s))
    back = ag.fold(cols, shape[2:], **kw)
    np.testing.assert_allclose(back.numpy(), ref_fold(cols.numpy(), shape[2:], k, d, p, s))
    assert gradcheck(lambda a: ag.unfold(a, **kw), (ag.tensor(x, requires_grad=True),))
    assert gradgradcheck(lambda a: ag.fold(a, shape[2:], **kw),
                         (ag.tensor(cols.numpy(), requires_grad=True),))


def test_fold_is_the_adjoint_of_unfold():
    rng = np.random.default_rng(0)
    x, c = rng.standard_normal((2, 3, 5, 5)), rng.standard_normal((2, 27, 9))
    lhs = (ag.unfold(ag.tensor(x), 3, padding=1, stride=2).numpy() * c).sum()
    rhs = (x * ag.fold(ag.tensor(c), 5, 3, padding=1, stride=2).numpy()).sum()
    assert np.isclose(lhs, rhs)


def test_unbatched_and_float32():
    x = ag.randn(3, 4, 4)
    cols = ag.unfold(x, 2)
    assert cols.shape == (12, 9) and cols.dtype == np.float32
    np.testing.assert_array_equal(cols.numpy(), ag.unfold(x.unsqueeze(0), 2)[0].numpy())
    assert ag.fold(cols, 4, 2).shape == (3, 4, 4)


def test_textbook_counts():
    """How many 2x2 windows (stride 1) cover each pixel of a 3x3 image: the col2im picture."""
    got = ag.fold(ag.ones(1, 4, 4), (3, 3), 2)[0, 0].tolist()
    assert got == [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]


def test_f_unfold_and_fold_are_the_ops():
    import nn.functional as F

    assert F.unfold is ag.unfold and F.fold is ag.fold


# ------------------------------------------------------------ CTC
def _ctc_inputs(seed, t_len=6, n=3, c=4):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((t_len, n, c)), np.array([[1, 2, 2], [3, 1, 0], [2, 0, 0]])


def test_ctc_textbook_two_frames():
    """Two frames, blank + one class at 1/2 each: the paths a-, -a, aa give label 'a': p = 3/4."""
    lp = ag.tensor(np.log(np.full((2, 1, 2), 0.5)))
    assert np.isclose(ag.ctc_loss(lp, [[1]], [2], [1], reduction="sum").item(), -np.log(0.75))
    # a repeated label needs a blank between: 'aa' in 3 frames has only the path a-a
    lp3 = ag.tensor(np.log(np.full((3, 1, 2), 0.5)))
    assert np.isclose(ag.ctc_loss(lp3, [[1, 1]], [3], [2], reduction="sum").item(),
                      -np.log(1 / 8))


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_ctc_matches_brute_force_and_pytorch(reduction):
    x, tg = _ctc_inputs(0, t_len=5, n=3, c=3)
    tg = np.array([[1, 2, 2], [2, 1, 0], [1, 0, 0]])
    il, tl = [5, 4, 3], [3, 2, 1]
    lp = x - np.log(np.exp(x).sum(2, keepdims=True))
    per = ref_ctc(lp, [[1, 2, 2], [2, 1], [1]], il)
    want = {"none": per, "sum": per.sum(), "mean": (per / np.array(tl)).mean()}[reduction]
    a = ag.tensor(x, requires_grad=True)
    loss = ag.ctc_loss(ag.log_softmax(a, 2), ag.tensor(tg), ag.tensor(il), ag.tensor(tl),
                       reduction=reduction)
    np.testing.assert_allclose(loss.numpy(), want, rtol=1e-10)
    assert gradcheck(lambda v: ag.ctc_loss(v, tg, il, tl, reduction=reduction),
                     (ag.tensor(lp, requires_grad=True),))
    torch = pytest.importorskip("torch")
    loss.sum().backward()
    b = torch.tensor(x, requires_grad=True)
    tloss = torch.nn.functional.ctc_loss(b.log_softmax(2), torch.tensor(tg), torch.tensor(il),
                                         torch.tensor(tl), reduction=reduction)
    tloss.sum().backward()
    np.testing.assert_allclose(loss.numpy(), tloss.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-8, atol=1e-12)


def test_ctc_concatenated_targets_and_unbatched_and_blank():
    x, _ = _ctc_inputs(1, n=2)
    lp = ag.log_softmax(ag.tensor(x), 2)
    padded = ag.ctc_loss(lp, [[1, 2, 2], [3, 1, 0]], [6, 5], [3, 2], reduction="none")
    flat = ag.ctc_loss(lp, [1, 2, 2, 3, 1], [6, 5], [3, 2], reduction="none")
    np.testing.assert_allclose(padded.numpy(), flat.numpy())
    one = ag.ctc_loss(lp[:, 0], [1, 2, 2], 6, 3, reduction="none")
    assert one.shape == () and np.isclose(one.item(), padded.numpy()[0])
    # blank=3: the classes 0, 1, 2 are labels
    lpn = lp.numpy()
    got = ag.ctc_loss(lp[:4, :1], [[0, 2]], [4], [2], blank=3, reduction="sum").item()
    assert np.isclose(got, ref_ctc(lpn[:4, :1], [[0, 2]], [4], blank=3)[0])


def test_ctc_impossible_alignment_and_zero_infinity():
    lp = ag.tensor(np.log(np.full((2, 1, 3), 1 / 3)), requires_grad=True)
    loss = ag.ctc_loss(lp, [[1, 1]], [2], [2])  # 'aa' needs 3 frames
    loss.backward()
    assert loss.item() == np.inf and np.isnan(lp.grad.numpy()).all()   # as PyTorch
    lp.grad = None
    loss = ag.ctc_loss(lp, [[1, 1]], [2], [2], zero_infinity=True)
    loss.backward()
    assert loss.item() == 0.0 and (lp.grad.numpy() == 0).all()
    torch = pytest.importorskip("torch")
    b = torch.tensor(lp.numpy(), requires_grad=True)
    tl = torch.nn.functional.ctc_loss(b, torch.tensor([[1, 1]]), [2], [2], zero_infinity=True)
    tl.backward()
    assert tl.item() == 0.0 and (b.grad.numpy() == 0).all()


def test_ctc_frames_past_the_input_length_get_no_gradient():
    x, tg = _ctc_inputs(2)
    a = ag.tensor(x, requires_grad=True)
    ag.ctc_loss(a, tg, [6, 4, 2], [3, 2, 1]).backward()
    assert (a.grad.numpy()[4:, 1] == 0).all() and (a.grad.numpy()[2:, 2] == 0).all()


def test_ctc_second_derivative_raises_as_pytorch():
    x, tg = _ctc_inputs(3)
    a = ag.tensor(x, requires_grad=True)
    (g,) = ag.grad(ag.ctc_loss(a, tg, [6, 5, 4], [3, 2, 1]), [a], create_graph=True)
    with pytest.raises(RuntimeError, match="ctc_loss: the second derivative"):
        g.sum().backward()


def test_ctc_float32_and_bad_arguments():
    lp = ag.log_softmax(ag.randn(4, 2, 3), 2)
    assert ag.ctc_loss(lp, [[1], [2]], [4, 4], [1, 1]).dtype == np.float32
    with pytest.raises(ValueError, match=r"ctc_loss: padded targets of shape \(2, 1\)"):
        ag.ctc_loss(lp, [[1], [2]], [4, 4], [2, 1])
    with pytest.raises(ValueError, match="ctc_loss: concatenated targets"):
        ag.ctc_loss(lp, [1, 2, 1], [4, 4], [1, 1])
    with pytest.raises(ValueError, match="ctc_loss: reduction"):
        ag.ctc_loss(lp, [[1], [2]], [4, 4], [1, 1], reduction="batchmean")
    with pytest.raises(ValueError, match=r"ctc_loss: log_probs .* shape \(4,\)"):
        ag.ctc_loss(ag.zeros(4), [1], [4], [1])


# ------------------------------------------------------------ pad modes
@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular", "constant"])
@settings(max_examples=15, deadline=None, database=None)
@given(data=st.data())
def test_pad_modes_against_pytorch(mode, data):
    torch = pytest.importorskip("torch")
    k = data.draw(st.integers(1, 3))
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=k + 1, max_size=k + 2)))
    pad = tuple(data.draw(st.lists(st.integers(-2, 3), min_size=2 * k, max_size=2 * k)))
    x = np.random.default_rng(0).standard_normal(shape)
    try:
        want = torch.nn.functional.pad(torch.tensor(x), pad, mode=mode).numpy()
    except (RuntimeError, ValueError, NotImplementedError):
        try:
            got = ag.pad(ag.tensor(x), pad, mode=mode)
        except (RuntimeError, ValueError) as err:
            assert "pad" in str(err)
            return
        assert got.numel() == 0, "PyTorch refuses; here only an empty result is given instead"
        return
    try:
        got = ag.pad(ag.tensor(x), pad, mode=mode)
    except ValueError as err:  # a circular pad wider than the cropped dim: refused here
        assert mode == "circular" and "more than once" in str(err)
        return
    np.testing.assert_array_equal(got.numpy(), want)


def test_pad_written_examples_and_gradients():
    x = ag.tensor([[[0.0, 1.0, 2.0]]], requires_grad=True)
    assert ag.pad(x, (2, 2), mode="reflect").tolist() == [[[2.0, 1.0, 0.0, 1.0, 2.0, 1.0, 0.0]]]
    assert ag.pad(x, (2, 1), mode="replicate").tolist() == [[[0.0, 0.0, 0.0, 1.0, 2.0, 2.0]]]
    assert ag.pad(x, (1, 3), mode="circular").tolist() == [[[2.0, 0.0, 1.0, 2.0, 0.0, 1.0,
                                                            2.0]]]
    assert ag.pad(x, (-1, 2), mode="reflect").tolist() == [[[1.0, 2.0, 1.0, 0.0]]]
    assert ag.pad(x, (-1, 1)).tolist() == [[[1.0, 2.0, 0.0]]]
    # each copy sends its gradient back to its source: 0 is copied once more, 2 twice more
    ag.pad(x, (1, 2), mode="replicate").sum().backward()
    assert x.grad.tolist() == [[[2.0, 1.0, 3.0]]]
    for mode in ("reflect", "replicate", "circular"):
        a = ag.tensor(np.random.default_rng(1).standard_normal((1, 2, 3, 4)), requires_grad=True)
        assert gradcheck(lambda v: ag.pad(v, (2, -1, 1, 2), mode=mode), (a,))  # noqa: B023
        assert gradgradcheck(lambda v: ag.pad(v, (2, -1, 1, 2), mode=mode), (a,))  # noqa: B023


def test_pad_unknown_mode_is_not_implemented():
    for mode in ("typo", "wrap", ""):
        with pytest.raises(NotImplementedError, match=f"pad: unrecognised padding mode {mode!r}"):
            ag.pad(ag.ones(3, 3, 3), (3, 0), mode=mode)
    with pytest.raises(ValueError, match="'constant', 'reflect', 'replicate', 'circular'"):
        ag.pad(ag.ones(3, 3), (1, 0), mode="typo")  # still a ValueError for numpy-minded code


def test_pad_mode_and_circular_errors_match_pytorch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    with pytest.raises(NotImplementedError):
        F.pad(torch.ones(3, 3, 3), (3, 0), mode="typo")
    with pytest.raises(NotImplementedError):
        ag.pad(ag.ones(3, 3, 3), (3, 0), mode="typo")
    x = np.arange(5.0).reshape(1, 1, 5)
    # each pad at most the (cropped) size: beyond it both refuse, within it both agree
    for pad in ((3, 6), (6, 0), (4, -3), (-3, 4), (5, 5), (3, -2), (-2, 3), (-4, 1)):
        try:
            want = F.pad(torch.tensor(x), pad, mode="circular").tolist()
        except RuntimeError:
            with pytest.raises(RuntimeError, match="more than once"):
                ag.pad(ag.tensor(x), pad, mode="circular")
            continue
        assert ag.pad(ag.tensor(x), pad, mode="circular").tolist() == want


def test_f_pad_defaults_to_no_value():
    import nn.functional as F

    x = ag.ones(1, 1, 3)
    assert F.pad(x, (1, 1), mode="reflect").shape == (1, 1, 5)
    assert F.pad(x, (1, 1)).tolist() == [[[0.0, 1.0, 1.0, 1.0, 0.0]]]


@pytest.mark.parametrize("bad", [(1.5, 1), (True, 1), (1, None)])
def test_pad_refuses_non_int_padding_as_pytorch(bad):
    with pytest.raises(TypeError, match="pad: padding must be a tuple of ints"):
        ag.pad(ag.ones(2, 3), bad)
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError):
        torch.nn.functional.pad(torch.ones(2, 3), bad)


def test_pad_takes_numpy_ints():
    assert ag.pad(ag.ones(2, 3), (np.int64(1), 2)).shape == (2, 6)
