"""Op-table rows for the statistics ops (``autograd/ops/stats.py``): quantile, nanquantile,
cov, corrcoef, histogram, dist, renorm, logdet, matrix_exp. ``test_ops_stats.TABLE`` is these
rows, and ``opspec.all_rows`` includes it, so every generic walk covers them."""
import math

import numpy as np

import autograd as ag
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec
from tests.robustness.bad_input_helpers import t

NOGRAD = Input(requires_grad=False)
Q = np.array([0.1, 0.5, 0.75])
FW = np.array([1, 2, 0, 3])
AW = np.array([0.5, 1.0, 2.0, 0.25])
SQ = Input((2, 3, 3))
APART = (Input(), Input(domain=(3.0, 4.0)))  # never equal: |a - b| has no kink


def fixed(thunk, *needles):
    """A ``bad`` builder for one written call: it must raise naming the op and ``needles``."""
    return lambda op: (lambda data: (thunk, op, needles))


def np_expm(a):
    """exp of each matrix by its Taylor series (enough terms for entries of size <= 1)."""
    out = term = np.broadcast_to(np.eye(a.shape[-1]), a.shape)
    for k in range(1, 60):
        term = term @ a / k
        out = out + term
    return out


def _spd(a):
    """A symmetric positive definite matrix made from ``a`` (log det is finite there)."""
    return a @ a.mT + np.eye(a.shape[-1]) if isinstance(a, np.ndarray) else \
        a @ a.mT + ag.eye(a.shape[-1], dtype=ag.float64)


def _hist_ref(x, bins, rng=None):
    h, e = np.histogram(x, bins, range=rng)
    return h.astype(x.dtype), e


def _renorm_ref(x, p, d, maxnorm):
    axes = tuple(i for i in range(x.ndim) if i != d)
    norm = (np.abs(x) ** p).sum(axes, keepdims=True) ** (1 / p)
    return x * np.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)


def _quantile_row(how, **kw):
    return OpSpec("quantile", lambda x: ag.quantile(x, ag.tensor(Q), -1, interpolation=how),
                  lambda x: np.quantile(x, Q, axis=-1, method=how), kw=dict(min_side=1,
                                                                             min_dims=1),
                  torch=lambda T, x: T.quantile(x, T.tensor(Q), -1, interpolation=how), **kw)


ROWS = [
    _quantile_row("linear", bad=(
        ("q", fixed(lambda: ag.quantile(t(3), 1.5), "1.5")),
        ("dtype", fixed(lambda: ag.quantile(ag.tensor([1, 2]), 0.5), "int64")),
        ("interpolation", fixed(lambda: ag.quantile(t(3), 0.5, interpolation="mean"), "mean")),
        ("empty", fixed(lambda: ag.quantile(t(0), 0.5), "non-empty")),
        ("q-dtype", fixed(lambda: ag.quantile(t(3), ag.tensor([0.5], dtype=ag.float32)),
                          "float32"))),
        nan=Nan(lambda x: ag.quantile(x, 0.5, 1), empty=False), non_tensor=(0.5,)),
    _quantile_row("lower"),
    _quantile_row("higher"),
    _quantile_row("midpoint"),
    _quantile_row("nearest"),
    OpSpec("quantile", lambda x: ag.quantile(x, 0.3, keepdim=True),
           lambda x: np.quantile(x, 0.3, keepdims=True).reshape((1,) * x.ndim),
           kw=dict(min_side=1), torch=lambda T, x: T.quantile(x, 0.3, keepdim=True)),
    OpSpec("quantile", lambda x: x.quantile(0.6, 0, keepdim=True),
           lambda x: np.quantile(x, 0.6, 0, keepdims=True), kw=dict(min_side=1, min_dims=1),
           torch=lambda T, x: x.quantile(0.6, 0, keepdim=True)),
    # q differentiable too: d/dq = (above - below)·(n - 1)
    OpSpec("quantile", lambda x, q: ag.quantile(x, q, -1), lambda x, q: np.quantile(x, q, -1),
           (Input((3, 4)), Input((3,), domain=(0.05, 0.95))),
           torch=lambda T, x, q: T.quantile(x, q, -1)),
    OpSpec("nanquantile", lambda x: ag.nanquantile(x, ag.tensor(Q), 0),
           lambda x: np.nanquantile(x, Q, axis=0), kw=dict(min_side=1, min_dims=1),
           torch=lambda T, x: T.nanquantile(x, T.tensor(Q), 0),
           bad=(("q", fixed(lambda: ag.nanquantile(t(3), -0.5), "-0.5")),),
           nan=Nan(lambda x: x + ag.nanquantile(x, 0.5, 1, keepdim=True), empty=False),
           non_tensor=(0.5,)),
    OpSpec("cov", ag.cov, np.cov, kw=dict(min_dims=2, max_dims=2, min_side=2), torch="cov",
           bad=(("rank", fixed(lambda: ag.cov(t(2, 2, 2)), "3 dimensions")),
                ("fweights", fixed(lambda: ag.cov(t(2, 3), fweights=t(3)), "fweights")),
                ("aweights", fixed(lambda: ag.cov(t(2, 3), aweights=-ag.ones(3)), "negative")),
                ("numel", fixed(lambda: ag.cov(t(2, 3), fweights=ag.tensor([1, 2])),
                                "2 != 3"))),
           nan=Nan(ag.cov), non_tensor=()),
    OpSpec("cov", lambda x: ag.cov(x, correction=2, fweights=ag.tensor(FW),
                                   aweights=ag.tensor(AW)),
           lambda x: np.cov(x, ddof=2, fweights=FW, aweights=AW), (Input((3, 4)),),
           torch=lambda T, x: T.cov(x, correction=2, fweights=T.tensor(FW),
                                    aweights=T.tensor(AW))),
    OpSpec("cov", lambda x: x.cov(correction=0), lambda x: np.cov(x, ddof=0),
           kw=dict(min_dims=1, max_dims=1, min_side=1),
           torch=lambda T, x: x.cov(correction=0)),
    OpSpec("corrcoef", ag.corrcoef, np.corrcoef, kw=dict(min_dims=2, max_dims=2, min_side=2),
           torch="corrcoef",
           bad=(("rank", fixed(lambda: ag.corrcoef(t(2, 2, 2)), "3 dimensions")),),
           nan=Nan(ag.corrcoef), non_tensor=()),
    OpSpec("histogram", lambda x: ag.histogram(x, 5), lambda x: _hist_ref(x, 5), (NOGRAD,),
           torch=lambda T, x: T.histogram(x, 5),
           bad=(("bins", fixed(lambda: ag.histogram(t(3), 0), "bins")),
                ("range", fixed(lambda: ag.histogram(t(3), 2, range=(2.0, 1.0)), "min 2.0")),
                ("dtype", fixed(lambda: ag.histogram(ag.tensor([1, 2]), 2), "int64"))),
           nan=Nan(lambda x: x + ag.histogram(x, 3, range=(-1.0, 1.0)).hist.sum()),
           non_tensor=()),
    OpSpec("histogram", lambda x: x.histogram(ag.tensor([-1.0, 0.0, 0.5, 2.0]), weight=x),
           lambda x: _hist_ref_weighted(x), (NOGRAD,),
           torch=lambda T, x: x.histogram(T.tensor([-1.0, 0.0, 0.5, 2.0]), weight=x)),
    OpSpec("dist", ag.dist, lambda a, b: np.linalg.norm((a - b).ravel()), APART, torch="dist",
           bad=(("shape", fixed(lambda: ag.dist(t(2, 3), t(4)), "(2, 3)", "(4,)")),
                ("dtype", fixed(lambda: ag.dist(ag.tensor([1]), ag.tensor([2])), "int64"))),
           nan=Nan(lambda x: ag.dist(x, t(4)))),
    OpSpec("dist", lambda a, b: ag.dist(a, b, 3), lambda a, b: np.linalg.norm((a - b).ravel(),
                                                                              3), APART,
           torch=lambda T, a, b: T.dist(a, b, 3)),
    OpSpec("dist", lambda a, b: a.dist(b, math.inf),
           lambda a, b: np.abs(a - b).max(), APART, kw=dict(min_side=1),
           torch=lambda T, a, b: a.dist(b, math.inf)),
    OpSpec("renorm", lambda x: ag.renorm(x, 2, 0, 1.5), lambda x: _renorm_ref(x, 2, 0, 1.5),
           kw=dict(min_dims=2), torch=lambda T, x: T.renorm(x, 2, 0, 1.5),
           bad=(("p", fixed(lambda: ag.renorm(t(2, 2), 0, 0, 1.0), "p=0")),
                ("rank", fixed(lambda: ag.renorm(t(3), 2, 0, 1.0), "at least 2")),
                ("maxnorm", fixed(lambda: ag.renorm(t(2, 2), 2, 0, -1.0), "-1.0"))),
           nan=Nan(lambda x: ag.renorm(x, 2, 0, 1.0)), non_tensor=(2, 0, 1.0)),
    OpSpec("renorm", lambda x: x.renorm(1, -1, 0.5), lambda x: _renorm_ref(x, 1, x.ndim - 1, 0.5),
           kw=dict(min_dims=2), torch=lambda T, x: x.renorm(1, -1, 0.5)),
    OpSpec("logdet", lambda a: ag.logdet(_spd(a)), lambda a: np.linalg.slogdet(_spd(a))[1],
           (SQ,), torch=lambda T, a: T.logdet(_spd(a)),
           bad=(("square", fixed(lambda: ag.logdet(t(2, 3)), "2 by 3")),
                ("dtype", fixed(lambda: ag.logdet(ag.tensor([[1]])), "int64"))),
           nan=Nan(ag.logdet, (3, 3), empty=False), non_tensor=()),
    OpSpec("matrix_exp", ag.matrix_exp, np_expm, (SQ,), domain=(-1.0, 1.0), torch="matrix_exp",
           bad=(("square", fixed(lambda: ag.matrix_exp(t(2, 3)), "2 by 3")),
                ("rank", fixed(lambda: ag.matrix_exp(t(3)), "at least 2")),
                ("dtype", fixed(lambda: ag.matrix_exp(ag.tensor([[1]])), "int64"))),
           nan=Nan(ag.matrix_exp, (3, 3), empty=False), non_tensor=()),
    OpSpec("matrix_exp", lambda a: ag.linalg.matrix_exp(a * 3), lambda a: np_expm(a * 3),
           (Input((2, 2)),), domain=(-1.0, 1.0), torch=lambda T, a: T.linalg.matrix_exp(a * 3)),
]


def _hist_ref_weighted(x):
    edges = np.array([-1.0, 0.0, 0.5, 2.0])
    return np.histogram(x, edges, weights=x)[0].astype(x.dtype), edges
