"""Op-table rows for the extra selection ops (``autograd/ops/select_more.py``): isin,
unique_consecutive, unravel_index, index_reduce, diagonal_scatter, select_scatter,
slice_scatter and mode. ``test_ops_select_scatter.TABLE`` is these rows, and
``opspec.all_rows`` includes it."""
import numpy as np

import autograd as ag
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec
from tests.robustness.bad_input_helpers import t

NOGRAD = Input(requires_grad=False)
IDX = np.array([0, 2, 0, 3, 2])  # repeats: several source rows reduce into one
TEST = np.array([-1.0, 0.0, 2.0])
SRC = Input((5, 3), domain=(-1.9, 2.1))  # never equal to x drawn from the same seed (no ties)


def fixed(thunk, *needles):
    """A ``bad`` builder for one written call: it must raise naming the op and ``needles``."""
    return lambda op: (lambda data: (thunk, op, needles))


def np_index_reduce(x, src, how, include_self=True):
    out = x.copy()
    for row in set(IDX.tolist()):
        vals = list(src[IDX == row]) + ([x[row]] if include_self else [])
        out[row] = {"prod": np.prod, "mean": np.mean, "amax": np.max,
                    "amin": np.min}[how](vals, 0)
    return out


def np_unique_consecutive(x):
    flat = x.ravel()
    new = np.ones(flat.size, bool)
    new[1:] = flat[1:] != flat[:-1]
    starts = np.flatnonzero(new)
    inv = (np.cumsum(new) - 1).reshape(x.shape)
    return flat[starts], inv, np.diff(np.append(starts, flat.size))


def _ints(x):
    return (np.abs(x) * 7).astype(np.int64) % 24


def _diag_put(x, s, offset):
    out = x.copy()
    r = np.arange(s.size) + max(-offset, 0)
    out[r, r + offset] = s
    return out


def _put(x, s, index):
    out = x.copy()
    out[index] = s
    return out


def _reduce_row(how, include_self=True, **kw):
    return OpSpec("index_reduce",
                  lambda x, s: ag.index_reduce(x, 0, IDX, s, how, include_self=include_self),
                  lambda x, s: np_index_reduce(x, s, how, include_self),
                  (Input((4, 3)), SRC),
                  torch=lambda T, x, s: T.index_reduce(x, 0, T.tensor(IDX), s, how,
                                                       include_self=include_self), **kw)


ROWS = [
    OpSpec("isin", lambda x: ag.isin(x.round(), ag.tensor(TEST)),
           lambda x: np.isin(x.round(), TEST), (NOGRAD,),
           torch=lambda T, x: T.isin(x.round(), T.tensor(TEST)),
           bad=(("bool", fixed(lambda: ag.isin(t(3), ag.tensor([True])), "bool")),
                ("numbers", fixed(lambda: ag.isin(1, 2), "Tensor"))),
           nan=Nan(lambda x: x + ag.isin(x, t(2))), non_tensor=(t(2),)),
    OpSpec("isin", lambda x: ag.isin(x.round(), 0.0, invert=True),
           lambda x: np.isin(x.round(), 0.0, invert=True), (NOGRAD,),
           torch=lambda T, x: T.isin(x.round(), 0.0, invert=True)),
    OpSpec("unique_consecutive",
           lambda x: ag.unique_consecutive(x.round(), return_inverse=True, return_counts=True),
           lambda x: np_unique_consecutive(x.round()), (NOGRAD,),
           torch=lambda T, x: T.unique_consecutive(x.round(), return_inverse=True,
                                                   return_counts=True),
           bad=(("dim", fixed(lambda: ag.unique_consecutive(t(2, 3), dim=5), "5")),),
           nan=Nan(lambda x: x + ag.unique_consecutive(x).sum()), non_tensor=()),
    OpSpec("unique_consecutive", lambda x: x.round().unique_consecutive(dim=0),
           lambda x: x.round()[np.r_[True, (np.diff(x.round(), axis=0) != 0).any(
               tuple(range(1, x.ndim)))]] if x.shape[0] else x, (NOGRAD,),
           kw=dict(min_dims=1), torch=lambda T, x: x.round().unique_consecutive(dim=0)),
    OpSpec("unravel_index", lambda x: ag.unravel_index(ag.tensor(_ints(x.numpy())), (2, 3, 4)),
           lambda x: tuple(np.unravel_index(_ints(x), (2, 3, 4))), (NOGRAD,),
           torch=lambda T, x: T.unravel_index(T.tensor(_ints(x.numpy())), (2, 3, 4)),
           bad=(("dtype", fixed(lambda: ag.unravel_index(t(3), (2, 3)), "float64")),
                ("shape", fixed(lambda: ag.unravel_index(ag.tensor([1]), (2, -3)), "-3"))),
           nan=Nan(lambda x: x + ag.unravel_index(ag.tensor([3]), (2, 2))[0])),
    _reduce_row("prod", bad=(
        ("reduce", fixed(lambda: ag.index_reduce(t(3), 0, ag.tensor([0]), t(1), "sum"),
                         "'sum'")),
        ("source", fixed(lambda: ag.index_reduce(t(3, 2), 0, ag.tensor([0]), t(2, 2), "prod"),
                         "(2, 2)")),
        ("index", fixed(lambda: ag.index_reduce(t(3), 0, ag.tensor([5]), t(1), "amax"), "5")),
        ("dtype", fixed(lambda: ag.index_reduce(t(3), 0, ag.tensor([0]), t(1, dtype=np.float32),
                                                "amax"), "float32"))),
        nan=Nan(lambda x: ag.index_reduce(x, 1, ag.tensor([0, 2]), t(3, 2), "amax"),
                empty=lambda x: ag.index_reduce(x, 1, ag.tensor([0, 2]), t(0, 2), "amax"))),
    _reduce_row("prod", include_self=False),
    _reduce_row("mean"),
    _reduce_row("mean", include_self=False),
    _reduce_row("amax"),
    _reduce_row("amin", include_self=False),
    OpSpec("index_reduce", lambda x, s: x.index_reduce(1, np.array([1, 1]), s, "amin"),
           lambda x, s: np.concatenate([x[:, :1], np.minimum(x[:, 1:2], s.min(1,
                                                                               keepdims=True)),
                                        x[:, 2:]], 1),
           (Input((2, 3)), Input((2, 2), domain=(-1.9, 2.1))),
           torch=lambda T, x, s: x.index_reduce(1, T.tensor([1, 1]), s, "amin")),
    OpSpec("diagonal_scatter", lambda x, s: ag.diagonal_scatter(x, s, 1),
           lambda x, s: _diag_put(x, s, 1), (Input((3, 4)), Input((3,))),
           torch=lambda T, x, s: T.diagonal_scatter(x, s, 1),
           bad=(("src", fixed(lambda: ag.diagonal_scatter(t(3, 3), t(2)), "[2]", "[3]")),
                ("dims", fixed(lambda: ag.diagonal_scatter(t(3, 3), t(3), 0, 1, 1), "dim1"))),
           nan=Nan(lambda x: ag.diagonal_scatter(t(3, 4), x), (3,),
                   empty=lambda x: ag.diagonal_scatter(t(0, 4), x))),
    OpSpec("diagonal_scatter", lambda x, s: x.diagonal_scatter(s, -1, 2, 0),
           lambda x, s: np.moveaxis(_diag_put_batched(np.moveaxis(x, (2, 0), (0, 1)), s, -1),
                                    (0, 1), (2, 0)), (Input((3, 2, 4)), Input((2, 3))),
           torch=lambda T, x, s: x.diagonal_scatter(s, -1, 2, 0)),
    OpSpec("select_scatter", lambda x, s: ag.select_scatter(x, s, 1, -1),
           lambda x, s: _put(x, s, (slice(None), -1)), (Input((2, 3, 4)), Input((2, 4))),
           torch=lambda T, x, s: T.select_scatter(x, s, 1, -1),
           bad=(("index", fixed(lambda: ag.select_scatter(t(3, 3), t(3), 0, 3), "3")),
                ("src", fixed(lambda: ag.select_scatter(t(3, 3), t(2), 0, 1), "[2]"))),
           nan=Nan(lambda x: ag.select_scatter(t(2, 3, 4), x, 1, 0), (2, 4),
                   empty=lambda x: ag.select_scatter(t(0, 3, 4), x, 1, 0))),
    OpSpec("slice_scatter", lambda x, s: ag.slice_scatter(x, s, 2, 1, None, 2),
           lambda x, s: _put(x, s, (..., slice(1, None, 2))), (Input((2, 3, 4)),
                                                               Input((2, 3, 2))),
           torch=lambda T, x, s: T.slice_scatter(x, s, 2, 1, None, 2),
           bad=(("step", fixed(lambda: ag.slice_scatter(t(3), t(3), step=0), "step")),
                ("src", fixed(lambda: ag.slice_scatter(t(3, 3), t(2, 3), start=2), "[2, 3]"))),
           nan=Nan(lambda x: ag.slice_scatter(t(5, 4), x, 0, 1, 4), (3, 4),
                   empty=lambda x: ag.slice_scatter(t(5, 4), x, 0, 1, 1))),
    OpSpec("slice_scatter", lambda x, s: x.slice_scatter(s, start=-1),
           lambda x, s: _put(x, s, slice(-1, None)), (Input((3, 2)), Input((1, 2))),
           torch=lambda T, x, s: x.slice_scatter(s, start=-1)),
    # distinct drawn values: each appears once, so the mode is the smallest, at its place
    OpSpec("mode", lambda x: ag.mode(x, -1), lambda x: (x.min(-1), x.argmin(-1)),
           kw=dict(min_dims=1, min_side=1), torch=lambda T, x: tuple(T.mode(x, -1)),
           bad=(("empty", fixed(lambda: ag.mode(t(2, 0), 1), "non-zero")),
                ("dim", fixed(lambda: ag.mode(t(2, 3), 2), "2"))),
           nan=Nan(lambda x: x + ag.mode(x, 1, keepdim=True).values), non_tensor=()),
    OpSpec("mode", lambda x: x.round().mode(0, keepdim=True), None, (NOGRAD,),
           kw=dict(min_dims=1, min_side=1),
           torch=lambda T, x: tuple(x.round().mode(0, keepdim=True))),
]


def _diag_put_batched(x, s, offset):
    out = x.copy()
    for b in range(x.shape[-1]):
        out[..., b] = _diag_put(x[..., b], s[b], offset)
    return out
