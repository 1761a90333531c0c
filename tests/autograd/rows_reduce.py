"""Op-table rows for the reductions and scans added beside the core ones (prod, cumsum, amax,
median, norm, ...); ``test_ops_reduce.TABLE`` includes them, so every generic walk covers them."""
import math

import numpy as np
from hypothesis import strategies as st

import autograd as ag
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec
from tests.autograd.rows_stack import nan_holes
from tests.robustness import bad_op_cases as bad
from tests.robustness.bad_input_helpers import t


def fixed(thunk, *needles, name=None):
    """A ``bad`` builder for one written call: it must raise naming the op (or ``name``, the
    name PyTorch's message uses) and showing ``needles``."""
    return lambda op: (lambda data: (thunk, name or op, needles))


def _lower_median(x, d):
    s = np.sort(x, d)
    i = np.argsort(x, d, kind="stable")
    k = (x.shape[d] - 1) // 2
    return np.take(s, k, d), np.take(i, k, d)


NONEMPTY = dict(min_side=1)
NOGRAD = Input(requires_grad=False)
DISTINCT = st.integers(1, 4).map(lambda n: (n, 3))
INF = math.inf


def _dim_row(name, fn, ref, torch, kw=None, empty=None, call=None, non_tensor=()):
    """A reduction's first row: out-of-range dims are refused, as is a non-Tensor."""
    return OpSpec(name, fn, ref, kw=kw or {}, torch=torch, bad=bad.DIM_BAD,
                  nan=Nan(call or ag.REGISTRY[name], empty=empty), non_tensor=non_tensor)


def _np_vnorm(x, p, axis=None):
    a = np.abs(x)
    if p == INF:
        return a.max(axis=axis)
    if p == -INF:
        return a.min(axis=axis)
    if p == 0:
        return (a != 0).sum(axis=axis).astype(float)
    return (a ** p).sum(axis=axis) ** (1 / p)


def _np_running(x, d, better):
    vals = better.accumulate(x, axis=d)
    idx = np.zeros(x.shape, np.int64)
    for pos in np.ndindex(x.shape):
        k = pos[d]
        row = [x[pos[:d] + (j,) + pos[d + 1:]] for j in range(k + 1)]
        idx[pos] = max(j for j in range(k + 1) if row[j] == vals[pos])
    return vals, idx

ORDER = [
    OpSpec("median", ag.median, lambda x: np.sort(x.reshape(-1))[(x.size - 1) // 2],
           kw=NONEMPTY, torch="median", bad=bad.DIM_BAD,
           nan=Nan(ag.median, empty=False), non_tensor=()),
    OpSpec("median", lambda x: ag.median(x, -1), lambda x: _lower_median(x, -1),
           kw=dict(min_side=1, min_dims=1), torch=lambda T, x: T.median(x, -1)),
]

REDUCE = [
    _dim_row("prod", ag.prod, np.prod, "prod"),
    OpSpec("prod", lambda x: ag.prod(x, -1, keepdim=True), lambda x: x.prod(-1, keepdims=True),
           kw=dict(min_dims=1), torch=lambda T, x: T.prod(x, -1, keepdim=True)),
    _dim_row("amax", lambda x: ag.amax(x, (0, -1)), lambda x: np.max(x, (0, -1)),
             lambda T, x: T.amax(x, (0, -1)), kw=dict(min_dims=2, min_side=1), empty=False,
             call=lambda x: ag.amax(x, 1)),
    OpSpec("amax", ag.amax, np.max, kw=NONEMPTY, torch="amax"),
    _dim_row("amin", lambda x: ag.amin(x, 1, keepdim=True), lambda x: x.min(1, keepdims=True),
             lambda T, x: T.amin(x, 1, keepdim=True), kw=dict(min_dims=2, min_side=1),
             empty=False, call=lambda x: ag.amin(x, (0, 1))),
    OpSpec("aminmax", lambda x: ag.aminmax(x, dim=0), lambda x: (x.min(0), x.max(0)),
           kw=dict(min_dims=1, min_side=1), torch=lambda T, x: T.aminmax(x, dim=0),
           bad=(("empty", fixed(lambda: ag.aminmax(t(0, 3)), "(0, 3)")),),
           nan=Nan(lambda x: ag.aminmax(x).max, empty=False), non_tensor=()),
    _dim_row("nansum", lambda x: ag.nansum(x, 0), lambda x: np.nansum(x, 0),
             lambda T, x: T.nansum(x, 0), kw=dict(min_dims=1),
             call=lambda x: ag.stack([ag.nansum(x), ag.sum(x)])),
    _dim_row("nanmean", lambda x: ag.nanmean(x, -1), lambda x: np.mean(x, -1),
             lambda T, x: T.nanmean(x, -1), kw=dict(min_dims=1, min_side=1),
             call=lambda x: ag.stack([ag.nanmean(x), ag.mean(x)])),
    OpSpec("nanmean", lambda x: ag.nanmean(ag.where(nan_holes(x), float("nan"), x), 0),
           lambda x: np.nanmean(np.where(nan_holes(x), np.nan, x), 0), (Input((4, 3)),),
           torch=lambda T, x: T.nanmean(T.where(T.tensor(nan_holes(x)), T.nan, x), 0)),
    OpSpec("nansum", lambda x: ag.nansum(ag.where(nan_holes(x), float("nan"), x), 1),
           lambda x: np.nansum(np.where(nan_holes(x), np.nan, x), 1), (Input((4, 3)),),
           torch=lambda T, x: T.nansum(T.where(T.tensor(nan_holes(x)), T.nan, x), 1)),
    _dim_row("var_mean", lambda x: ag.var_mean(x, (0, 1), correction=0),
             lambda x: (x.var((0, 1)), x.mean((0, 1))),
             lambda T, x: T.var_mean(x, (0, 1), correction=0), kw=dict(min_dims=2, min_side=1),
             call=lambda x: ag.var_mean(x, 1)[0], empty=False),
    _dim_row("std_mean", lambda x: ag.std_mean(x, -1, keepdim=True),
             lambda x: (x.std(-1, ddof=1, keepdims=True), x.mean(-1, keepdims=True)),
             lambda T, x: T.std_mean(x, -1, keepdim=True), kw=dict(min_dims=1, min_side=2),
             call=lambda x: ag.std_mean(x, 1)[0], empty=False),
    OpSpec("std_mean", lambda x: ag.std_mean(x, axis=(1, 2)),
           lambda x: (x.std((1, 2), ddof=1), x.mean((1, 2))), kw=dict(min_dims=3, min_side=2),
           torch=lambda T, x: T.std_mean(x, axis=(1, 2))),
    OpSpec("var_mean", lambda x: ag.var_mean(x, axis=0, keepdims=True),
           lambda x: (x.var(0, ddof=1, keepdims=True), x.mean(0, keepdims=True)),
           kw=dict(min_dims=1, min_side=2),
           torch=lambda T, x: T.var_mean(x, axis=0, keepdims=True)),
    OpSpec("var", lambda x: ag.var(x, (0, -1), correction=2), lambda x: x.var((0, -1), ddof=2),
           kw=dict(min_dims=2, min_side=2), torch=lambda T, x: T.var(x, (0, -1), correction=2)),
    OpSpec("std", lambda x: ag.std(x, (1, 0), keepdim=True, correction=0),
           lambda x: x.std((0, 1), keepdims=True), kw=dict(min_dims=2, min_side=1),
           torch=lambda T, x: T.std(x, (1, 0), keepdim=True, correction=0)),
    OpSpec("mean", lambda x: ag.mean(x, (-1, 0), keepdim=True),
           lambda x: x.mean((0, -1), keepdims=True), kw=dict(min_dims=2, min_side=1),
           torch=lambda T, x: T.mean(x, (-1, 0), keepdim=True)),
    OpSpec("sum", lambda x: ag.sum(x > 0, dtype=ag.float64), lambda x: (x > 0).sum(
        dtype=np.float64), (NOGRAD,), torch=lambda T, x: T.sum(x > 0, dtype=T.float64)),
    _dim_row("count_nonzero", lambda x: ag.count_nonzero(x > 0, (0, -1)),
             lambda x: np.count_nonzero(x > 0, (0, -1)),
             lambda T, x: T.count_nonzero(x > 0, (0, -1)), kw=dict(min_dims=2),
             call=lambda x: x + ag.count_nonzero(x)),
    _dim_row("any", lambda x: ag.any(x > 1, 0, keepdim=True), lambda x: (x > 1).any(
        0, keepdims=True), lambda T, x: T.any(x > 1, 0, keepdim=True), kw=dict(min_dims=1),
        call=lambda x: x * ag.any(x, 1, keepdim=True)),
    OpSpec("any", lambda x: ag.any(x > 1), lambda x: (x > 1).any(), (NOGRAD,),
           torch=lambda T, x: T.any(x > 1)),
    _dim_row("all", lambda x: ag.all(x > -1, (0, -1)), lambda x: (x > -1).all((0, -1)),
             lambda T, x: T.all(x > -1, (0, -1)), kw=dict(min_dims=2),
             call=lambda x: x * ag.all(x, 1, keepdim=True)),
    _dim_row("argmax", lambda x: ag.argmax(x, -1), lambda x: np.argmax(x, -1),
             lambda T, x: T.argmax(x, -1), kw=dict(min_dims=1, min_side=1),
             call=lambda x: ag.gather(x, 1, ag.argmax(x, 1, keepdim=True)), empty=False),
    OpSpec("argmax", ag.argmax, np.argmax, (NOGRAD,), kw=NONEMPTY, torch="argmax"),
    _dim_row("argmin", lambda x: ag.argmin(x, 0, keepdim=True), lambda x: np.argmin(
        x, 0, keepdims=True), lambda T, x: T.argmin(x, 0, keepdim=True),
        kw=dict(min_dims=1, min_side=1),
        call=lambda x: ag.gather(x, 0, ag.argmin(x, 0, keepdim=True)), empty=False),
]

SCANS = [
    _dim_row("cumsum", lambda x: ag.cumsum(x, -1), lambda x: np.cumsum(x, -1),
             lambda T, x: T.cumsum(x, -1), kw=dict(min_dims=1), non_tensor=(0,),
             call=lambda x: ag.cumsum(x, 1)),
    OpSpec("cumsum", lambda x: ag.cumsum(x > 0, 0), lambda x: np.cumsum(x > 0, 0), (NOGRAD,),
           kw=dict(min_dims=1), torch=lambda T, x: T.cumsum(x > 0, 0)),
    _dim_row("cumprod", lambda x: ag.cumprod(x, 0), lambda x: np.cumprod(x, 0),
             lambda T, x: T.cumprod(x, 0), kw=dict(min_dims=1), non_tensor=(0,),
             call=lambda x: ag.cumprod(x, 1)),
    _dim_row("cummax", lambda x: ag.cummax(x, -1), lambda x: _np_running(x, x.ndim - 1,
                                                                        np.maximum),
             lambda T, x: T.cummax(x, -1), kw=dict(min_dims=1), non_tensor=(0,),
             call=lambda x: ag.cummax(x, 1).values),
    _dim_row("cummin", lambda x: ag.cummin(x, 0), lambda x: _np_running(x, 0, np.minimum),
             lambda T, x: T.cummin(x, 0), kw=dict(min_dims=1), non_tensor=(0,),
             call=lambda x: ag.cummin(x, 0).values),
    _dim_row("logcumsumexp", lambda x: ag.logcumsumexp(x, -1),
             lambda x: np.logaddexp.accumulate(x, -1), lambda T, x: T.logcumsumexp(x, -1),
             kw=dict(min_dims=1), non_tensor=(0,),
             call=lambda x: ag.logcumsumexp(x, 1)),
]

_MN = "linalg.matrix_norm"
NORMS = [
    OpSpec(
        "norm", lambda x: ag.norm(x, dim=-1), lambda x: _np_vnorm(x, 2, -1), kw=dict(min_dims=1),
        domain="nonzero", torch=lambda T, x: T.norm(x, dim=-1),
        bad=(("p", fixed(lambda: ag.norm(t(2, 3), "max"), "'max'")),),
        nan=Nan(lambda x: ag.norm(x, dim=1)), non_tensor=()),
    OpSpec("norm", lambda x: ag.norm(x, 1, (0, 1), keepdim=True),
           lambda x: np.abs(x).sum((0, 1), keepdims=True), (Input((2, 3)),), domain="nonzero",
           torch=lambda T, x: T.norm(x, 1, (0, 1), keepdim=True)),
    OpSpec("norm", lambda x: ag.norm(x, 3), lambda x: _np_vnorm(x, 3), domain="nonzero",
           kw=NONEMPTY, torch=lambda T, x: T.norm(x, 3)),
    OpSpec("norm", lambda x: ag.norm(x, "nuc"), lambda x: np.linalg.norm(x, "nuc"),
           (Input((3, 2)),), torch=lambda T, x: T.norm(x, "nuc")),
    OpSpec("linalg_vector_norm", lambda x: ag.linalg.vector_norm(x, INF, -1),
           lambda x: _np_vnorm(x, INF, -1), kw=dict(min_dims=1, min_side=1), domain="nonzero",
           torch=lambda T, x: T.linalg.vector_norm(x, INF, -1),
           bad=(("dtype", fixed(lambda: ag.linalg.vector_norm(ag.tensor([1, 2])), "int64",
                                 name="linalg.vector_norm")),),
           nan=Nan(lambda x: ag.linalg.vector_norm(x, dim=1))),
    OpSpec("linalg_vector_norm", lambda x: ag.linalg.vector_norm(x, -INF, 0),
           lambda x: _np_vnorm(x, -INF, 0), kw=dict(min_dims=1, min_side=1), domain="nonzero",
           torch=lambda T, x: T.linalg.vector_norm(x, -INF, 0)),
    OpSpec("linalg_vector_norm", lambda x: ag.linalg.vector_norm(x, 0.5, (0, 1)),
           lambda x: _np_vnorm(x, 0.5, (0, 1)), kw=dict(min_dims=2), domain="nonzero",
           torch=lambda T, x: T.linalg.vector_norm(x, 0.5, (0, 1))),
    OpSpec("linalg_vector_norm", lambda x: ag.linalg.vector_norm(x, 0),
           lambda x: _np_vnorm(x, 0), domain="nonzero",
           torch=lambda T, x: T.linalg.vector_norm(x, 0)),
    OpSpec("linalg_matrix_norm", ag.linalg.matrix_norm, lambda x: np.linalg.norm(
        x, "fro", (-2, -1)), kw=dict(min_dims=2), domain="nonzero",
        torch=lambda T, x: T.linalg.matrix_norm(x),
        bad=(("ord", fixed(lambda: ag.linalg.matrix_norm(t(2, 2), 3), "3", name=_MN)),
             ("rank", fixed(lambda: ag.linalg.matrix_norm(t(3)), "(3,)", name=_MN))),
        nan=Nan(ag.linalg.matrix_norm)),
] + [
    OpSpec("linalg_matrix_norm", lambda x, o=o: ag.linalg.matrix_norm(x, o, (0, -1),
                                                                      keepdim=True),
           lambda x, o=o: np.expand_dims(np.linalg.norm(np.moveaxis(x, 1, 0), o, (-2, -1)),
                                         (0, 2)), (Input((2, 4, 3)),), domain="nonzero",
           torch=lambda T, x, o=o: T.linalg.matrix_norm(x, o, (0, -1), keepdim=True))
    for o in ("nuc", 1, -1, 2, -2, INF, -INF)
]

ROWS = ORDER + REDUCE + SCANS + NORMS
