"""Op-table rows for stacking, splitting and counting (``stack_split`` and the counting ops
in ``sort``); ``rows_select.ROWS`` includes them."""
import numpy as np

import autograd as ag
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec
from tests.robustness.bad_input_helpers import t

NOGRAD = Input(requires_grad=False)


def nan_holes(x):
    """Where to put NaN: values above 1.5, never in the first row (no slice is all NaN)."""
    a = np.asarray(x.detach().numpy() if hasattr(x, "detach") else x)
    holes = a > 1.5
    if holes.ndim:
        holes[:1] = False
    else:
        holes = np.asarray(False)
    return holes


def fixed(thunk, *needles):
    """A ``bad`` builder for one written call: it must raise naming the op and ``needles``."""
    return lambda op: (lambda data: (thunk, op, needles))


STACK_SPLIT = [
    OpSpec("select", lambda x: ag.select(x, -1, -1), lambda x: x[..., -1],
           kw=dict(min_dims=1, min_side=1), torch=lambda T, x: T.select(x, -1, -1),
           bad=(("index", fixed(lambda: ag.select(t(2, 3), 1, 3), "index 3")),),
           nan=Nan(lambda x: ag.stack([ag.select(x, 0, i) for i in range(x.shape[0])]),
                   empty=lambda x: ag.select(x, 1, 0)), non_tensor=(0, 0)),
    OpSpec("unbind", lambda x: ag.unbind(x, 1), lambda x: tuple(np.moveaxis(x, 1, 0)),
           (Input((2, 3, 2)),), torch=lambda T, x: T.unbind(x, 1),
           bad=(("0d", fixed(lambda: ag.unbind(ag.tensor(1.0)), "0-d")),),
           nan=Nan(lambda x: ag.stack(ag.unbind(x, 1), 1)), non_tensor=(0,)),
    OpSpec("hstack", lambda a, b: ag.hstack([a, b]), lambda a, b: np.hstack([a, b]),
           (Input((2, 3)), Input((2, 1))), torch=lambda T, a, b: T.hstack([a, b]),
           bad=(("list", fixed(lambda: ag.hstack(t(2)), "Tensor")),),
           nan=Nan(lambda x: ag.hstack([x, t(3, 1)]), empty=lambda x: ag.hstack([x, t(0, 1)]))),
    OpSpec("hstack", lambda a, b: ag.hstack([a, b]), lambda a, b: np.hstack([a, b]),
           (Input((3,)), Input((2,))), torch=lambda T, a, b: T.hstack([a, b])),
    OpSpec("vstack", lambda a, b: ag.vstack([a, b]), lambda a, b: np.vstack([a, b]),
           (Input((3,)), Input((2, 3))), torch=lambda T, a, b: T.vstack([a, b]),
           bad=(("empty", fixed(lambda: ag.vstack([]), "non-empty")),),
           nan=Nan(lambda x: ag.vstack([x, t(1, 4)]))),
    OpSpec("dstack", lambda a, b: ag.dstack([a, b]), lambda a, b: np.dstack([a, b]),
           (Input((2, 3)), Input((2, 3, 2))), torch=lambda T, a, b: T.dstack([a, b]),
           bad=(("empty", fixed(lambda: ag.dstack([]), "non-empty")),),
           nan=Nan(lambda x: ag.dstack([x, x]))),
    OpSpec("column_stack", lambda a, b: ag.column_stack([a, b]),
           lambda a, b: np.column_stack([a, b]), (Input((3,)), Input((3, 2))),
           torch=lambda T, a, b: T.column_stack([a, b]),
           bad=(("empty", fixed(lambda: ag.column_stack([]), "non-empty")),),
           nan=Nan(lambda x: ag.column_stack([x, t(3)]), empty=lambda x: ag.column_stack(
               [x, t(0)]))),
    OpSpec("atleast_1d", ag.atleast_1d, np.atleast_1d, torch="atleast_1d",
           nan=Nan(ag.atleast_1d), non_tensor=()),
    OpSpec("atleast_2d", ag.atleast_2d, np.atleast_2d, torch="atleast_2d",
           nan=Nan(ag.atleast_2d), non_tensor=()),
    OpSpec("atleast_3d", ag.atleast_3d, np.atleast_3d, torch="atleast_3d",
           nan=Nan(ag.atleast_3d), non_tensor=()),
    OpSpec("hsplit", lambda x: ag.hsplit(x, 2), lambda x: np.hsplit(x, 2), (Input((3, 4)),),
           torch=lambda T, x: T.hsplit(x, 2),
           bad=(("sections", fixed(lambda: ag.hsplit(t(2, 3), 2), "size 3")),),
           nan=Nan(lambda x: ag.cat(ag.hsplit(x, [1]), 1)), non_tensor=(2,)),
    OpSpec("hsplit", lambda x: ag.hsplit(x, [1, 3]), lambda x: np.hsplit(x, [1, 3]),
           (Input((4,)),), torch=lambda T, x: T.hsplit(x, [1, 3])),
    OpSpec("vsplit", lambda x: ag.vsplit(x, [1]), lambda x: np.vsplit(x, [1]), (Input((3, 2)),),
           torch=lambda T, x: T.vsplit(x, [1]),
           bad=(("rank", fixed(lambda: ag.vsplit(t(4), 2), "(4,)")),),
           nan=Nan(lambda x: ag.cat(ag.vsplit(x, [1]), 0)), non_tensor=(2,)),
    OpSpec("dsplit", lambda x: ag.dsplit(x, 2), lambda x: np.dsplit(x, 2), (Input((1, 2, 4)),),
           torch=lambda T, x: T.dsplit(x, 2),
           bad=(("rank", fixed(lambda: ag.dsplit(t(2, 4), 2), "(2, 4)")),),
           nan=Nan(lambda x: ag.cat(ag.dsplit(x[..., None], [0]), 2)), non_tensor=(2,)),
    OpSpec("ravel", ag.ravel, np.ravel, torch="ravel", nan=Nan(ag.ravel), non_tensor=()),
    OpSpec("diff", ag.diff, lambda x: np.diff(x), kw=dict(min_dims=1), torch="diff",
           bad=(("0d", fixed(lambda: ag.diff(ag.tensor(1.0)), "0-d")),),
           nan=Nan(lambda x: ag.diff(x, 1, 0)), non_tensor=()),
    OpSpec("diff", lambda x, p: ag.diff(x, 2, 0, prepend=p), lambda x, p: np.diff(
        x, 2, 0, prepend=p), (Input((3, 2)), Input((1, 2))),
        torch=lambda T, x, p: T.diff(x, 2, 0, prepend=p)),
    OpSpec("msort", ag.msort, lambda x: np.sort(x, 0), kw=dict(min_dims=1), torch="msort",
           nan=Nan(ag.msort), non_tensor=()),
    OpSpec("argwhere", ag.argwhere, np.argwhere, (NOGRAD,), kw=dict(min_dims=1),
           torch="argwhere", nan=Nan(lambda x: x + ag.argwhere(x).sum()), non_tensor=()),
    OpSpec("nanmedian", lambda x: ag.nanmedian(ag.where(nan_holes(x), float("nan"), x)),
           lambda x: _np_nanmedian(np.where(nan_holes(x), np.nan, x)), kw=dict(min_side=1),
           torch=lambda T, x: T.nanmedian(T.where(T.tensor(nan_holes(x)), T.nan, x)),
           bad=(("dim", fixed(lambda: ag.nanmedian(t(2, 3), 2), 2)),),
           nan=Nan(lambda x: ag.stack([ag.nanmedian(x, 1).values, ag.median(x, 1).values]),
                   empty=False), non_tensor=()),  # nanmedian drops NaN; median carries it
    OpSpec("nanmedian", lambda x: ag.nanmedian(ag.where(nan_holes(x), float("nan"), x), 0),
           lambda x: _np_nanmedian_dim(np.where(nan_holes(x), np.nan, x)), (Input((4, 3)),),
           torch=lambda T, x: T.nanmedian(T.where(T.tensor(nan_holes(x)), T.nan, x), 0)),
    OpSpec("bincount", lambda x: ag.bincount(ag.tensor((x.array * 2 + 4).astype(np.int64))),
           lambda x: np.bincount((x * 2 + 4).astype(np.int64)), (NOGRAD,), kw=dict(max_dims=1),
           torch=lambda T, x: T.bincount((x * 2 + 4).long()),
           bad=(("negative", fixed(lambda: ag.bincount(ag.tensor([1, -1])), "int")),),
           nan=Nan(lambda x: x * ag.bincount(ag.tensor([1, 2])).sum()), non_tensor=()),
    OpSpec("histc", lambda x: ag.histc(x, 5, -1.0, 1.0), lambda x: np.histogram(
        x, 5, (-1.0, 1.0))[0].astype(float), (NOGRAD,),
        torch=lambda T, x: T.histc(x, 5, -1.0, 1.0),
        bad=(("bins", fixed(lambda: ag.histc(t(3), 0), "bins")),),
        nan=Nan(lambda x: x + ag.histc(x, 4).sum()), non_tensor=()),
]


def _np_nanmedian(x):
    v = np.sort(x[~np.isnan(x)])
    return v[(v.size - 1) // 2] if v.size else np.nan


def _np_nanmedian_dim(x):
    vals = np.array([_np_nanmedian(x[:, j]) for j in range(x.shape[1])])
    idx = np.array([np.argsort(x[:, j], kind="stable")[
        max((~np.isnan(x[:, j])).sum() - 1, 0) // 2] for j in range(x.shape[1])])
    return vals, idx
