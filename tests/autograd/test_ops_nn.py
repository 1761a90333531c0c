"""Op table for the nn.functional ops of their own: unfold, fold (im2col / col2im).

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


TABLE = [
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
]


@pytest.mark.parametrize("spec", TABLE, ids=str)
def test_op(spec):
    walk(spec)


@pytest.mark.parametrize("spec", TABLE, ids=str)
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
