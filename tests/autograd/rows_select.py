"""Op-table rows for the shape, indexing and selection ops added beside the core shape ops
(``reshape_more``, ``diag``, ``gather``, ``scatter``, ``sort``); ``test_ops_shape.TABLE``
includes them, so every generic walk covers them."""
import numpy as np
from hypothesis import strategies as st

import autograd as ag
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec
from tests.autograd.rows_stack import STACK_SPLIT
from tests.robustness import bad_op_cases as bad
from tests.robustness.bad_input_helpers import t


def fixed(thunk, *needles):
    """A ``bad`` builder for one written call: it must raise naming the op and ``needles``."""
    return lambda op: (lambda data: (thunk, op, needles))


def _i(*rows):
    return np.array(rows, np.int64)


IDX = _i([0, 0], [3, 1], [2, 2])          # repeats within a row: gradients add up
IDX23 = _i([0, 1, 1], [1, 0, 1])      # smaller than the input outside the gather dim
IDXU = _i([0, 2], [3, 1], [1, 0])         # distinct within each row: scatter is deterministic
PERM = np.argsort(np.random.default_rng(0).random((3, 4)), 1)  # every place written once
M = np.random.default_rng(1).random((3, 4)) < 0.5
NOGRAD = Input(requires_grad=False)
SEQ = np.array([-1.0, -0.5, 0.0, 0.25, 1.0])


def _idx(shape, d):
    """A repeatable index array of ``shape`` into dim ``d`` (repeats included)."""
    n = shape[d]
    if n == 0 or 0 in shape:
        return np.zeros(shape, np.int64)
    return ((np.indices(shape).sum(0) * 7 + 3) % n).astype(np.int64)


def _sel(n):
    return np.array([n - 1, 0, n - 1], np.int64) % n if n else np.zeros(0, np.int64)


def _mask(shape):
    return np.indices(shape).sum(0) % 2 == 0 if shape else np.array(True)


SAME_SHAPE = st.lists(st.integers(0, 3), min_size=1, max_size=3).map(lambda s: (tuple(s),) * 2)


def _np_scatter(x, dim, idx, src, how=None, include_self=True):
    out = x.copy().astype(float)
    seen = np.zeros(x.shape, bool)
    groups = {}
    for pos in np.ndindex(idx.shape):
        tgt = list(pos)
        tgt[dim] = idx[pos]
        groups.setdefault(tuple(tgt), []).append(src[pos])
    for tgt, vals in groups.items():
        seen[tgt] = True
        vals = ([x[tgt]] if include_self else []) + vals
        if how is None:
            out[tgt] = vals[-1]
        else:
            out[tgt] = {"sum": np.sum, "prod": np.prod, "mean": np.mean, "amax": np.max,
                        "amin": np.min}[how](vals)
    return out


def _np_diag_embed(x, offset):
    n = x.shape[-1] + abs(offset)
    out = np.zeros(x.shape[:-1] + (n, n))
    for i in range(x.shape[-1]):
        r, c = (i, i + offset) if offset >= 0 else (i - offset, i)
        out[..., r, c] = x[..., i]
    return out


def _sort_desc(x, d):
    i = np.flip(x.shape[d] - 1 - np.argsort(np.flip(x, d), d, kind="stable"), d)
    return np.take_along_axis(x, i, d), i


def _index_add(x, d, idx, s, alpha):
    out = x.copy()
    np.add.at(out, (slice(None),) * d + (idx,), alpha * s)
    return out


def _put(x, idx, v):
    out = x.copy()
    out[idx] = v
    return out


SHAPE_MORE = [
    OpSpec("flip", lambda x: ag.flip(x, (0, -1)), lambda x: np.flip(x, (0, -1)),
           kw=dict(min_dims=2), torch=lambda T, x: T.flip(x, (0, -1)), bad=bad.DIM_BAD,
           nan=Nan(lambda x: ag.flip(x, 0)), non_tensor=(0,)),
    OpSpec("fliplr", ag.fliplr, np.fliplr, kw=dict(min_dims=2), torch="fliplr",
           bad=(("rank", fixed(lambda: ag.fliplr(t(3)), "(3,)")),), nan=Nan(ag.fliplr),
           non_tensor=()),
    OpSpec("flipud", ag.flipud, np.flipud, kw=dict(min_dims=1), torch="flipud",
           bad=(("rank", fixed(lambda: ag.flipud(ag.tensor(1.0)), "()")),),
           nan=Nan(ag.flipud), non_tensor=()),
    OpSpec("roll", lambda x: ag.roll(x, (1, -2), (0, -1)), lambda x: np.roll(x, (1, -2), (0, -1)),
           kw=dict(min_dims=2), torch=lambda T, x: T.roll(x, (1, -2), (0, -1)),
           bad=(("dims", fixed(lambda: ag.roll(t(2, 3), 1, 5), 5)),
                ("lengths", fixed(lambda: ag.roll(t(2, 3), (1, 2), 0), "(1, 2)"))),
           nan=Nan(lambda x: ag.roll(x, 1, 0)), non_tensor=(1,)),
    OpSpec("roll", lambda x: ag.roll(x, 3), lambda x: np.roll(x, 3),
           torch=lambda T, x: T.roll(x, 3)),
    OpSpec("rot90", ag.rot90, np.rot90, kw=dict(min_dims=2), torch="rot90",
           bad=(("dims", fixed(lambda: ag.rot90(t(2, 3), 1, (0,)), "(0,)")),),
           nan=Nan(lambda x: ag.rot90(x, 3)), non_tensor=()),
    OpSpec("rot90", lambda x: ag.rot90(x, -1, (1, 0)), lambda x: np.rot90(x, -1, (1, 0)),
           (Input((2, 3, 2)),), torch=lambda T, x: T.rot90(x, -1, (1, 0))),
    OpSpec("rot90", lambda x: ag.rot90(x, 2), lambda x: np.rot90(x, 2), (Input((2, 3)),),
           torch=lambda T, x: T.rot90(x, 2)),
    OpSpec("repeat", lambda x: x.repeat(2, 1, 3), lambda x: np.tile(x, (2, 1, 3)),
           torch=lambda T, x: x.repeat(2, 1, 3),
           bad=(("counts", fixed(lambda: t(2, 3).repeat(2), "(2,)")),
                ("negative", fixed(lambda: t(2, 3).repeat(2, -1), "-1"))),
           nan=Nan(lambda x: x.repeat(2, 1)), non_tensor=(2,)),
    OpSpec("tile", lambda x: ag.tile(x, (2,)), lambda x: np.tile(x, (2,)),
           torch=lambda T, x: T.tile(x, (2,)), nan=Nan(lambda x: ag.tile(x, (1, 2))),
           non_tensor=((2,),)),
    OpSpec("repeat_interleave", lambda x: ag.repeat_interleave(x, 2), lambda x: np.repeat(x, 2),
           torch=lambda T, x: T.repeat_interleave(x, 2),
           bad=(("counts", fixed(lambda: ag.repeat_interleave(t(3), ag.tensor([1, 2])),
                                 "3 counts")),),
           nan=Nan(lambda x: ag.repeat_interleave(x, 2, 0)), non_tensor=(2,)),
    OpSpec("repeat_interleave", lambda x: ag.repeat_interleave(x, ag.tensor([1, 0, 2]), 0),
           lambda x: np.repeat(x, [1, 0, 2], 0), (Input((3, 2)),),
           torch=lambda T, x: T.repeat_interleave(x, T.tensor([1, 0, 2]), 0)),
    OpSpec("movedim", lambda x: ag.movedim(x, (0, 1), (2, 0)),
           lambda x: np.moveaxis(x, (0, 1), (2, 0)), kw=dict(min_dims=3),
           torch=lambda T, x: T.movedim(x, (0, 1), (2, 0)),
           bad=(("dim", fixed(lambda: ag.movedim(t(2, 3), 0, 5), 5)),),
           nan=Nan(lambda x: ag.movedim(x, 0, 1)), non_tensor=(0, 1)),
    OpSpec("moveaxis", lambda x: ag.moveaxis(x, -1, 0), lambda x: np.moveaxis(x, -1, 0),
           kw=dict(min_dims=1), torch=lambda T, x: T.moveaxis(x, -1, 0),
           nan=Nan(lambda x: ag.moveaxis(x, 0, 1)), non_tensor=(0, 1)),
    OpSpec("swapaxes", lambda x: ag.swapaxes(x, 0, -1), lambda x: np.swapaxes(x, 0, -1),
           kw=dict(min_dims=1), torch=lambda T, x: T.swapaxes(x, 0, -1),
           nan=Nan(lambda x: ag.swapaxes(x, 0, 1)), non_tensor=(0, 1)),
    OpSpec("swapdims", lambda x: ag.swapdims(x, 0, -1), lambda x: np.swapaxes(x, 0, -1),
           kw=dict(min_dims=1), torch=lambda T, x: T.swapdims(x, 0, -1),
           nan=Nan(lambda x: ag.swapdims(x, 0, 1)), non_tensor=(0, 1)),
    OpSpec("narrow", lambda x: ag.narrow(x, 1, -3, 2), lambda x: x[:, 1:3], (Input((3, 4)),),
           torch=lambda T, x: T.narrow(x, 1, -3, 2),
           bad=(("range", fixed(lambda: ag.narrow(t(3, 4), 1, 3, 2), "start 3")),),
           nan=Nan(lambda x: ag.narrow(x, 1, 0, 4)), non_tensor=(0, 0, 1)),
    OpSpec("unflatten", lambda x: ag.unflatten(x, 1, (2, -1)), lambda x: x.reshape(3, 2, 2),
           (Input((3, 4)),), torch=lambda T, x: T.unflatten(x, 1, (2, -1)),
           bad=(("sizes", fixed(lambda: ag.unflatten(t(3, 4), 1, (3, 3)), "(3, 3)")),),
           nan=Nan(lambda x: ag.unflatten(x, 1, (2, 2))), non_tensor=(0, (1,))),
    OpSpec("unfold_dim", lambda x: x.unfold(1, 2, 1),
           lambda x: np.lib.stride_tricks.sliding_window_view(x, 2, axis=1), (Input((3, 4)),),
           torch=lambda T, x: x.unfold(1, 2, 1),
           bad=(("size", fixed(lambda: t(3, 4).unfold(1, 5, 1), "size 5")),),
           nan=Nan(lambda x: x.unfold(1, 2, 2)), non_tensor=(0, 1, 1)),
    OpSpec("unfold_dim", lambda x: x.unfold(0, 3, 2),
           lambda x: np.moveaxis(np.lib.stride_tricks.sliding_window_view(x, 3, axis=0)[::2],
                                 0, 0), (Input((6, 2)),), torch=lambda T, x: x.unfold(0, 3, 2)),
    OpSpec("chunk", lambda x: ag.chunk(x, 3, 1), lambda x: (x[:, :2], x[:, 2:4], x[:, 4:]),
           (Input((2, 5)),), torch=lambda T, x: T.chunk(x, 3, 1),
           bad=(("chunks", fixed(lambda: ag.chunk(t(2, 3), 0), "0")),),
           nan=Nan(lambda x: ag.cat(list(ag.chunk(x, 2, 1)), 1)), non_tensor=(2,)),
    OpSpec("tensor_split", lambda x: ag.tensor_split(x, 3, 1), lambda x: np.array_split(x, 3, 1),
           (Input((2, 5)),), torch=lambda T, x: T.tensor_split(x, 3, 1),
           bad=(("sections", fixed(lambda: ag.tensor_split(t(2, 3), 0), "0")),),
           nan=Nan(lambda x: ag.cat(list(ag.tensor_split(x, [1, 3], 1)), 1)), non_tensor=(2,)),
    OpSpec("tensor_split", lambda x: ag.tensor_split(x, [1, -1, 2], 0),
           lambda x: np.array_split(x, [1, 4, 2], 0), (Input((5, 2)),),
           torch=lambda T, x: T.tensor_split(x, [1, -1, 2], 0)),
    OpSpec("expand_as", lambda x: ag.expand_as(x, ag.ones(2, 3, 4)),
           lambda x: np.broadcast_to(x, (2, 3, 4)), (Input((3, 1)),),
           torch=lambda T, x: x.expand_as(T.ones(2, 3, 4)),
           nan=Nan(lambda x: ag.expand_as(x, ag.ones(2, *x.shape))), non_tensor=(ag.ones(1),)),
    OpSpec("view_as", lambda x: ag.view_as(x, ag.ones(4, 3)), lambda x: x.reshape(4, 3),
           (Input((2, 6)),), torch=lambda T, x: x.view_as(T.ones(4, 3)),
           nan=Nan(lambda x: ag.view_as(x, ag.ones(x.shape[1], x.shape[0]))),
           non_tensor=(ag.ones(1),)),
    OpSpec("reshape_as", lambda x: ag.reshape_as(x, ag.ones(12)), lambda x: x.reshape(12),
           (Input((2, 6)),), torch=lambda T, x: x.reshape_as(T.ones(12)),
           nan=Nan(lambda x: ag.reshape_as(x, ag.ones(x.shape[0] * x.shape[1]))),
           non_tensor=(ag.ones(1),)),
    OpSpec("broadcast_tensors", ag.broadcast_tensors, np.broadcast_arrays, (2,),
           torch="broadcast_tensors", bad=bad.BINARY_BAD,
           nan=Nan(lambda x: ag.broadcast_tensors(x, ag.ones(2, 1, 4))[0])),
    OpSpec("meshgrid", lambda a, b: ag.meshgrid(a, b, indexing="xy"),
           lambda a, b: np.meshgrid(a, b, indexing="xy"), (Input((3,)), Input((4,))),
           torch=lambda T, a, b: T.meshgrid(a, b, indexing="xy"),
           bad=(("indexing", fixed(lambda: ag.meshgrid(t(2), indexing="bogus"), "bogus")),),
           nan=Nan(lambda x: ag.meshgrid(x.reshape(-1), ag.ones(2))[0])),
    OpSpec("meshgrid", lambda a, b, c: ag.meshgrid(a, b, c),
           lambda a, b, c: np.meshgrid(a, b, c, indexing="ij"),
           (Input((2,)), Input((3,)), Input((1,))),
           torch=lambda T, *a: T.meshgrid(*a, indexing="ij")),
    OpSpec("tril", lambda x: ag.tril(x, -1), lambda x: np.tril(x, -1), kw=dict(min_dims=2),
           torch=lambda T, x: T.tril(x, -1),
           bad=(("rank", fixed(lambda: ag.tril(t(3)), "(3,)")),),
           nan=Nan(lambda x: ag.tril(x, 3)), non_tensor=()),
    OpSpec("triu", lambda x: ag.triu(x, 1), lambda x: np.triu(x, 1), kw=dict(min_dims=2),
           torch=lambda T, x: T.triu(x, 1),
           bad=(("rank", fixed(lambda: ag.triu(t(3)), "(3,)")),),
           nan=Nan(lambda x: ag.triu(x, -2)), non_tensor=()),
    OpSpec("diagonal", lambda x: ag.diagonal(x, 1, 0, -1), lambda x: np.diagonal(x, 1, 0, -1),
           kw=dict(min_dims=2), torch=lambda T, x: T.diagonal(x, 1, 0, -1),
           bad=(("dims", fixed(lambda: ag.diagonal(t(2, 3), 0, 1, -1), "dim1")),),
           nan=Nan(lambda x: ag.diagonal(x[..., None].expand(*x.shape, 4), 0, 1, 2)),
           non_tensor=()),
    OpSpec("diag_embed", lambda x: ag.diag_embed(x, -1), lambda x: _np_diag_embed(x, -1),
           kw=dict(min_dims=1), torch=lambda T, x: T.diag_embed(x, -1),
           bad=(("dims", fixed(lambda: ag.diag_embed(t(2, 3), 0, 1, -2), "dim1")),),
           nan=Nan(ag.diag_embed), non_tensor=()),
    OpSpec("diag", lambda x: ag.diag(x, 1), lambda x: np.diag(x, 1), (Input((3,)),),
           torch=lambda T, x: T.diag(x, 1),
           bad=(("rank", fixed(lambda: ag.diag(t(2, 2, 2)), "(2, 2, 2)")),),
           nan=Nan(ag.diag), non_tensor=()),
    OpSpec("diag", lambda x: ag.diag(x, -1), lambda x: np.diag(x, -1), (Input((3, 4)),),
           torch=lambda T, x: T.diag(x, -1)),
    OpSpec("trace", ag.trace, np.trace, (Input((3, 4)),), torch="trace",
           bad=(("rank", fixed(lambda: ag.trace(t(3)), "(3,)")),), nan=Nan(ag.trace),
           non_tensor=()),
    OpSpec("getitem", lambda x: x[1, :, IDX[:2, :1], 0:2], lambda x: x[1][:, IDX[:2, :1], 0:2],
           (Input((2, 3, 4, 3)),), torch=lambda T, x: x[1, :, T.tensor(IDX[:2, :1]), 0:2]),
]

GATHER_SCATTER = [
    OpSpec("gather", lambda x: ag.gather(x, 1, IDX), lambda x: np.take_along_axis(x, IDX, 1),
           (Input((3, 4)),), torch=lambda T, x: T.gather(x, 1, T.tensor(IDX)),
           bad=(("range", fixed(lambda: ag.gather(t(3, 4), 1, IDX + 2), "index 5")),
                ("dtype", fixed(lambda: ag.gather(t(3, 4), 1, t(3, 2)), "float64"))),
           nan=Nan(lambda x: ag.gather(x, 1, PERM),
                   empty=lambda x: ag.gather(x, 1, np.zeros((0, 2), np.int64))),
           non_tensor=(1, IDX)),
    OpSpec("gather", lambda x: ag.gather(x, 0, IDX23), lambda x: np.take_along_axis(
        x[:, :3], IDX23, 0), (Input((2, 4)),), torch=lambda T, x: T.gather(x, 0, T.tensor(IDX23))),
    OpSpec("take_along_dim", lambda x: ag.take_along_dim(x, IDX[:2, :1], 0),
           lambda x: np.take_along_axis(x, IDX[:2, :1], 0), (Input((4, 3)),),
           torch=lambda T, x: T.take_along_dim(x, T.tensor(IDX[:2, :1]), 0),
           bad=(("rank", fixed(lambda: ag.take_along_dim(t(3, 4), IDX[0], 0), "(2,)")),),
           nan=Nan(lambda x: ag.take_along_dim(x, ag.argsort(x, 1), 1)), non_tensor=(IDX,)),
    OpSpec("take_along_dim", lambda x: ag.take_along_dim(x, IDX),
           lambda x: np.take(x, IDX.reshape(-1)),
           (Input((2, 2)),), torch=lambda T, x: T.take_along_dim(x, T.tensor(IDX))),
    OpSpec("take", lambda x: ag.take(x, _i([0, 11], [-1, 5])), lambda x: np.take(x, [[0, 11],
                                                                                    [-1, 5]]),
           (Input((3, 4)),), torch=lambda T, x: T.take(x, T.tensor([[0, 11], [-1, 5]])),
           bad=(("range", fixed(lambda: ag.take(t(2, 3), _i(6)), "index 6")),),
           nan=Nan(lambda x: ag.take(x, np.arange(x.array.size))), non_tensor=(_i(0),)),
    OpSpec("index_select", lambda x: ag.index_select(x, 1, _i(3, 0, 3)),
           lambda x: np.take(x, [3, 0, 3], 1), (Input((3, 4)),),
           torch=lambda T, x: T.index_select(x, 1, T.tensor([3, 0, 3])),
           bad=(("range", fixed(lambda: ag.index_select(t(2, 3), 1, _i(3)), "index 3")),),
           nan=Nan(lambda x: ag.index_select(x, 1, np.arange(4))), non_tensor=(0, _i(0))),
    OpSpec("masked_select", lambda x: ag.masked_select(x, M[0]), lambda x: x[np.broadcast_to(
        M[0], x.shape)], (Input((3, 4)),), torch=lambda T, x: T.masked_select(x, T.tensor(M[0])),
        bad=(("dtype", fixed(lambda: ag.masked_select(t(3, 4), t(3, 4)), "float64")),
             ("shape", fixed(lambda: ag.masked_select(t(3, 4), M[:2]), "(2, 4)"))),
        nan=Nan(lambda x: ag.masked_select(x, np.ones(4, bool))), non_tensor=(M,)),
    OpSpec("nonzero", lambda x: ag.nonzero(x > 0), lambda x: np.argwhere(x > 0), (NOGRAD,),
           torch=lambda T, x: T.nonzero(x > 0), nan=Nan(lambda x: x + ag.nonzero(x).sum()),
           non_tensor=()),
    OpSpec("nonzero", lambda x: ag.nonzero(x > 0, as_tuple=True), lambda x: np.nonzero(x > 0),
           (NOGRAD,), kw=dict(min_dims=1), torch=lambda T, x: T.nonzero(x > 0, as_tuple=True)),
    OpSpec("where", lambda x: ag.where(x > 0), lambda x: np.nonzero(x > 0), (NOGRAD,),
           kw=dict(min_dims=1), torch=lambda T, x: T.where(x > 0)),
    OpSpec("scatter", lambda x, s: ag.scatter(x, 1, IDXU, s),
           lambda x, s: _np_scatter(x, 1, IDXU, s), (Input((3, 4)), Input((3, 2))),
           torch=lambda T, x, s: T.scatter(x, 1, T.tensor(IDXU), s),
           bad=(("range", fixed(lambda: ag.scatter(t(3, 4), 1, IDXU + 2, t(3, 2)), "index 5")),
                ("reduce", fixed(lambda: ag.scatter(t(3, 4), 1, IDXU, t(3, 2), reduce="max"),
                                 "'max'")),
                ("dtype", fixed(lambda: ag.scatter(t(3, 4), 1, IDXU, t(3, 2, dtype=np.float32)),
                                "float64", "float32"))),
           nan=Nan(lambda x: ag.scatter(t(3, 4), 1, PERM, x), empty=lambda x: ag.scatter(
               t(0, 4), 1, np.zeros((0, 4), np.int64), x)), non_tensor=(1, IDXU, 1.0)),
    OpSpec("scatter", lambda x: ag.scatter(x, 1, IDXU, 2.5),
           lambda x: _np_scatter(x, 1, IDXU, np.full((3, 2), 2.5)), (Input((3, 4)),),
           torch=lambda T, x: T.scatter(x, 1, T.tensor(IDXU), 2.5)),
    OpSpec("scatter", lambda x, s: ag.scatter(x, 0, IDXU[:, :1] % 3, s, reduce="add"),
           lambda x, s: _np_scatter(x, 0, IDXU[:, :1] % 3, s, "sum"),
           (Input((3, 2)), Input((3, 1)))),  # PyTorch has no gradient for scatter(reduce=)
    OpSpec("scatter_add", lambda x, s: ag.scatter_add(x, 1, IDX, s),
           lambda x, s: _np_scatter(x, 1, IDX, s, "sum"), (Input((3, 4)), Input((3, 2))),
           torch=lambda T, x, s: T.scatter_add(x, 1, T.tensor(IDX), s),
           bad=(("src", fixed(lambda: ag.scatter_add(t(3, 4), 1, IDX, t(3)), "(3,)")),
                ("dtype", fixed(lambda: ag.scatter_add(t(3, 4, dtype=np.float16), 1, IDX,
                                                       t(3, 2)), "float16", "float64"))),
           nan=Nan(lambda x: ag.scatter_add(x, 1, IDX, t(3, 2)), empty=lambda x: ag.scatter_add(
               x, 1, np.zeros((0, 2), np.int64), t(0, 2))), non_tensor=(1, IDX, t(3, 2))),
    OpSpec("index_add", lambda x, s: ag.index_add(x, 1, _i(3, 3), s, alpha=2.0),
           lambda x, s: _index_add(x, 1, [3, 3], s, 2.0), (Input((3, 4)), Input((3, 2))),
           torch=lambda T, x, s: T.index_add(x, 1, T.tensor([3, 3]), s, alpha=2.0),
           bad=(("source", fixed(lambda: ag.index_add(t(3, 4), 1, _i(0), t(3, 2)), "(3, 2)")),
                ("dtype", fixed(lambda: ag.index_add(t(3, 4), 1, _i(0), t(3, 1, dtype=np.float32)),
                                "float32"))),
           nan=Nan(lambda x: ag.index_add(x, 0, _i(0), t(1, 4)),
                   empty=lambda x: ag.index_add(x, 0, _i(), t(0, 4))), non_tensor=(0, _i(0), t(1))),
    OpSpec("index_copy", lambda x, s: ag.index_copy(x, 0, _i(2, 0), s),
           lambda x, s: _put(x, [2, 0], s), (Input((3, 4)), Input((2, 4))),
           torch=lambda T, x, s: T.index_copy(x, 0, T.tensor([2, 0]), s),
           bad=(("range", fixed(lambda: ag.index_copy(t(3, 4), 0, _i(3), t(1, 4)), "index 3")),
                ("dtype", fixed(lambda: ag.index_copy(t(3, 4), 0, _i(1), t(1, 4, dtype=np.int64)),
                                "int64")),
                ("index-dtype", fixed(lambda: ag.index_copy(t(3, 4), 0, ag.tensor([1]).int(),
                                                            t(1, 4)), "int32"))),
           nan=Nan(lambda x: ag.index_copy(t(3, 4), 0, _i(0, 1, 2), x),
                   empty=lambda x: ag.index_copy(t(0, 4), 0, _i(), x)),
           non_tensor=(0, _i(0), t(1))),
    OpSpec("index_fill", lambda x: ag.index_fill(x, 1, _i(0, 2), -1.0),
           lambda x: _put(x, (slice(None), [0, 2]), -1.0), (Input((3, 4)),),
           torch=lambda T, x: T.index_fill(x, 1, T.tensor([0, 2]), -1.0),
           bad=(("value", fixed(lambda: ag.index_fill(t(3, 4), 1, _i(0), t(2)), "(2,)")),),
           nan=Nan(lambda x: ag.index_fill(x, 0, _i(), 0.0)), non_tensor=(0, _i(0), 1.0)),
    OpSpec("index_fill", lambda x, v: ag.index_fill(x, 0, _i(1), v),
           lambda x, v: _put(x, 1, v), (Input((3, 2)), Input(())),
           torch=lambda T, x, v: T.index_fill(x, 0, T.tensor([1]), v)),
    OpSpec("masked_fill", lambda x: ag.masked_fill(x, M, 0.5), lambda x: np.where(M, 0.5, x),
           (Input((3, 4)),), torch=lambda T, x: x.masked_fill(T.tensor(M), 0.5),
           bad=(("dtype", fixed(lambda: ag.masked_fill(t(3, 4), t(3, 4), 0.0), "float64")),
                ("shape", fixed(lambda: ag.masked_fill(t(3, 4), M[:2], 0.0), "(2, 4)"))),
           nan=Nan(lambda x: ag.masked_fill(x, np.zeros(x.shape, bool), 0.0)),
           non_tensor=(M, 0.0)),
    OpSpec("masked_fill", lambda x, v: ag.masked_fill(x, M[0], v),
           lambda x, v: np.where(M[0], v, x), (Input((3, 4)), Input(())),
           torch=lambda T, x, v: x.masked_fill(T.tensor(M[0]), v)),
    OpSpec("masked_scatter", lambda x, s: ag.masked_scatter(x, M, s),
           lambda x, s: _put(x, M, s.reshape(-1)[:M.sum()]), (Input((3, 4)), Input((12,))),
           torch=lambda T, x, s: x.masked_scatter(T.tensor(M), s),
           bad=(("source", fixed(lambda: ag.masked_scatter(t(3, 4), np.ones((3, 4), bool),
                                                           t(5)), "5 elements")),
                ("dtype", fixed(lambda: ag.masked_scatter(t(3, 4), M, t(12, dtype=np.float32)),
                                "float32"))),
           nan=Nan(lambda x: ag.masked_scatter(t(3, 4), np.ones((3, 4), bool), x),
                   empty=lambda x: ag.masked_scatter(t(0, 4), np.zeros((0, 4), bool), x)),
           non_tensor=(M, t(12))),
]

# the same ops on drawn shapes (size-1 and empty dims), the index built from the shape
DRAWN = [
    OpSpec("gather", lambda x: ag.gather(x, -1, _idx(x.shape, -1)),
           lambda x: np.take_along_axis(x, _idx(x.shape, -1), -1), kw=dict(min_dims=1),
           torch=lambda T, x: T.gather(x, -1, T.tensor(_idx(tuple(x.shape), -1)))),
    OpSpec("take_along_dim", lambda x: ag.take_along_dim(x, _idx(x.shape, 0), 0),
           lambda x: np.take_along_axis(x, _idx(x.shape, 0), 0), kw=dict(min_dims=1),
           torch=lambda T, x: T.take_along_dim(x, T.tensor(_idx(tuple(x.shape), 0)), 0)),
    OpSpec("scatter_add", lambda x, s: ag.scatter_add(x, 0, _idx(s.shape, 0), s),
           lambda x, s: _np_scatter(x, 0, _idx(s.shape, 0), s, "sum"), (Input(), Input()),
           kw=dict(shapes=SAME_SHAPE),
           torch=lambda T, x, s: T.scatter_add(x, 0, T.tensor(_idx(tuple(s.shape), 0)), s)),
    OpSpec("scatter_reduce", lambda x, s: ag.scatter_reduce(x, -1, _idx(s.shape, -1), s, "mean"),
           lambda x, s: _np_scatter(x, x.ndim - 1, _idx(s.shape, -1), s, "mean"),
           (Input(), Input()), kw=dict(shapes=SAME_SHAPE),
           torch=lambda T, x, s: T.scatter_reduce(x, -1, T.tensor(_idx(tuple(s.shape), -1)), s,
                                                  "mean")),
    OpSpec("index_select", lambda x: ag.index_select(x, -1, _sel(x.shape[-1])),
           lambda x: np.take(x, _sel(x.shape[-1]), -1), kw=dict(min_dims=1),
           torch=lambda T, x: T.index_select(x, -1, T.tensor(_sel(x.shape[-1])))),
    OpSpec("index_add", lambda x: ag.index_add(x, 0, _sel(x.shape[0]), x[_sel(x.shape[0])]),
           lambda x: _index_add(x, 0, _sel(x.shape[0]), x[_sel(x.shape[0])], 1.0),
           kw=dict(min_dims=1),
           torch=lambda T, x: T.index_add(x, 0, T.tensor(_sel(x.shape[0])),
                                          x[T.tensor(_sel(x.shape[0]))])),
    OpSpec("masked_fill", lambda x: ag.masked_fill(x, _mask(x.shape), -1.0),
           lambda x: np.where(_mask(x.shape), -1.0, x),
           torch=lambda T, x: x.masked_fill(T.tensor(_mask(tuple(x.shape))), -1.0)),
    OpSpec("masked_select", lambda x: ag.masked_select(x, _mask(x.shape)),
           lambda x: x[_mask(x.shape)] if x.ndim else x[None][_mask(x.shape)[None]],
           torch=lambda T, x: T.masked_select(x, T.tensor(_mask(tuple(x.shape))))),
    OpSpec("diagonal", lambda x: ag.diagonal(x, -1, -1, 0), lambda x: np.diagonal(x, -1, -1, 0),
           kw=dict(min_dims=2), torch=lambda T, x: T.diagonal(x, -1, -1, 0)),
    OpSpec("topk", lambda x: ag.topk(x, min(2, x.shape[-1]), -1, largest=False),
           lambda x: (np.sort(x, -1)[..., :2], np.argsort(x, -1, kind="stable")[..., :2]),
           kw=dict(min_dims=1), torch=lambda T, x: T.topk(x, min(2, x.shape[-1]), -1,
                                                          largest=False)),
]

REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")
SRC = Input((3, 2), domain=(-1.9, 2.1))  # never equal to x drawn from the same seed (no ties)
SCATTER_REDUCE = [
    OpSpec("scatter_reduce", lambda x, s, how=how, inc=inc: ag.scatter_reduce(
        x, 1, IDX, s, how, include_self=inc),
        lambda x, s, how=how, inc=inc: _np_scatter(x, 1, IDX, s, how, inc),
        (Input((3, 4)), SRC),
        torch=lambda T, x, s, how=how, inc=inc: T.scatter_reduce(x, 1, T.tensor(IDX), s, how,
                                                                 include_self=inc))
    for how in REDUCTIONS for inc in (True, False)
]
SCATTER_REDUCE[0] = OpSpec(
    "scatter_reduce", lambda x, s: ag.scatter_reduce(x, 1, IDX, s, "sum"),
    lambda x, s: _np_scatter(x, 1, IDX, s, "sum"), (Input((3, 4)), Input((3, 2))),
    torch=lambda T, x, s: T.scatter_reduce(x, 1, T.tensor(IDX), s, "sum"),
    bad=(("reduce", fixed(lambda: ag.scatter_reduce(t(3, 4), 1, IDX, t(3, 2), "max"),
                          "'max'")),
         ("dtype", fixed(lambda: ag.scatter_reduce(t(3, 4, dtype=np.float16), 1, IDX, t(3, 2),
                                                   "sum"), "float16"))),
    nan=Nan(lambda x: ag.scatter_reduce(x, 1, IDX, t(3, 2), "amax"),
            empty=lambda x: ag.scatter_reduce(x, 1, np.zeros((0, 2), np.int64), t(0, 2), "prod")),
    non_tensor=(1, IDX, t(3, 2), "sum"))

SORTING = [
    OpSpec("sort", lambda x: ag.sort(x, -1, descending=True), lambda x: _sort_desc(x, -1),
           kw=dict(min_dims=1), torch=lambda T, x: T.sort(x, -1, descending=True),
           bad=bad.DIM_BAD, nan=Nan(lambda x: ag.sort(x, 1).values), non_tensor=()),
    OpSpec("sort", lambda x: ag.sort(x, 0, stable=True),
           lambda x: (np.sort(x, 0), np.argsort(x, 0, kind="stable")), kw=dict(min_dims=1),
           torch=lambda T, x: T.sort(x, dim=0, stable=True)),
    OpSpec("argsort", lambda x: ag.argsort(x, 0, descending=True),
           lambda x: _sort_desc(x, 0)[1], (NOGRAD,), kw=dict(min_dims=1),
           torch=lambda T, x: T.argsort(x, 0, descending=True), bad=bad.DIM_BAD,
           nan=Nan(lambda x: ag.take_along_dim(x, ag.argsort(x, 1), 1)), non_tensor=()),
    OpSpec("topk", lambda x: ag.topk(x, 2, 0), lambda x: tuple(a[:2] for a in _sort_desc(x, 0)),
           (Input((4, 3)),), torch=lambda T, x: T.topk(x, 2, 0),
           bad=(("k", fixed(lambda: ag.topk(t(3, 4), 5), "k (5)")),),
           nan=Nan(lambda x: ag.topk(x, 2).values), non_tensor=(1,)),
    OpSpec("topk", lambda x: ag.topk(x, 3, largest=False),
           lambda x: (np.sort(x, -1)[:, :3], np.argsort(x, -1)[:, :3]), (Input((2, 4)),),
           torch=lambda T, x: T.topk(x, 3, largest=False)),
    OpSpec("kthvalue", lambda x: ag.kthvalue(x, 2, -1, keepdim=True),
           lambda x: (np.sort(x, -1)[:, 1:2], np.argsort(x, -1)[:, 1:2]), (Input((3, 4)),),
           torch=lambda T, x: T.kthvalue(x, 2, -1, keepdim=True),
           bad=(("k", fixed(lambda: ag.kthvalue(t(3, 4), 0), "k (0)")),),
           nan=Nan(lambda x: ag.kthvalue(x, 2).values), non_tensor=(1,)),
    OpSpec("unique", lambda x: ag.unique(x > 0, return_inverse=True, return_counts=True),
           lambda x: _np_unique(x > 0),
           (NOGRAD,), torch=lambda T, x: T.unique(x > 0, return_inverse=True,
                                                  return_counts=True),
           bad=(("dim", fixed(lambda: ag.unique(t(2, 3), dim=5), 5)),),
           nan=Nan(lambda x: x + ag.unique(x).sum()), non_tensor=()),
    OpSpec("unique", lambda x: ag.unique(x.round(), dim=0), lambda x: np.unique(x.round(), axis=0),
           (NOGRAD,), kw=dict(min_dims=1, min_side=1),
           torch=lambda T, x: T.unique(x.round(), dim=0)),
    OpSpec("searchsorted", lambda v: ag.searchsorted(SEQ, v), lambda v: np.searchsorted(SEQ, v),
           (NOGRAD,), torch=lambda T, v: T.searchsorted(T.tensor(SEQ), v),
           bad=(("side", fixed(lambda: ag.searchsorted(SEQ, t(2), side="up"), "'up'")),),
           nan=Nan(lambda x: x + ag.searchsorted(SEQ, x)), non_tensor=(t(3),)),
    OpSpec("searchsorted", lambda v: ag.searchsorted(np.sort(v.array, -1), v, right=True),
           lambda v: _rows_search(np.sort(v, -1), v), (NOGRAD,), kw=dict(min_dims=2),
           torch=lambda T, v: T.searchsorted(T.sort(v, -1).values, v, right=True)),
    OpSpec("bucketize", lambda x: ag.bucketize(x, SEQ, right=True),
           lambda x: np.searchsorted(SEQ, x, side="right"), (NOGRAD,),
           torch=lambda T, x: T.bucketize(x, T.tensor(SEQ), right=True),
           bad=(("boundaries", fixed(lambda: ag.bucketize(t(3), t(2, 2)), "(2, 2)")),),
           nan=Nan(lambda x: x + ag.bucketize(x, SEQ)), non_tensor=(t(3),)),
]


def _np_unique(x):
    vals, inv, counts = np.unique(x, return_inverse=True, return_counts=True)
    return vals, inv.reshape(x.shape), counts


def _rows_search(seq, v):
    out = np.zeros(v.shape, np.int64)
    for i in np.ndindex(v.shape[:-1]):
        out[i] = np.searchsorted(seq[i], v[i], side="right")
    return out


ROWS = SHAPE_MORE + GATHER_SCATTER + DRAWN + SCATTER_REDUCE + SORTING + STACK_SPLIT
