"""Op-table rows for the extra products (``autograd/ops/products_more.py``): inner, vdot,
addmv, addr, addbmm, chain_matmul, block_diag, cartesian_prod, combinations, diagflat, vander,
trapezoid (trapz) and cumulative_trapezoid. ``test_ops_products_more.TABLE`` is these rows,
and ``opspec.all_rows`` includes it."""
import itertools

import numpy as np
from hypothesis import strategies as st

import autograd as ag
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec
from tests.robustness.bad_input_helpers import t


def fixed(thunk, *needles):
    """A ``bad`` builder for one written call: it must raise naming the op and ``needles``."""
    return lambda op: (lambda data: (thunk, op, needles))


ROW = dict(min_dims=1, max_dims=1)


def np_block_diag(*ms):
    ms = [np.atleast_2d(m) for m in ms]
    out = np.zeros((sum(m.shape[0] for m in ms), sum(m.shape[1] for m in ms)))
    r = c = 0
    for m in ms:
        out[r:r + m.shape[0], c:c + m.shape[1]] = m
        r, c = r + m.shape[0], c + m.shape[1]
    return out


def np_cumtrapz(y, dx=1.0, axis=-1):
    y = np.moveaxis(y, axis, -1)
    out = np.cumsum((y[..., 1:] + y[..., :-1]) * dx / 2, -1)
    return np.moveaxis(out, -1, axis)


def _combos(x, r, rep=False):
    pick = itertools.combinations_with_replacement if rep else itertools.combinations
    return np.array(list(pick(x, r))).reshape(-1, r)


ROWS = [
    OpSpec("inner", ag.inner, np.inner, (Input((2, 3)), Input((4, 3))), torch="inner",
           bad=(("last", fixed(lambda: ag.inner(t(2, 3), t(4, 2)), "(2, 3)", "(4, 2)")),
                ("dtype", fixed(lambda: ag.inner(t(3), t(3, dtype=np.float32)), "float32"))),
           nan=Nan(lambda x: ag.inner(x, t(4)))),
    OpSpec("inner", lambda a, b: a.inner(b), np.inner, (Input(()), Input((2, 3))),
           torch=lambda T, a, b: a.inner(b)),
    OpSpec("vdot", ag.vdot, np.vdot, (Input((4,)), Input((4,))), torch="vdot",
           bad=(("rank", fixed(lambda: ag.vdot(t(3, 1), t(3, 1)), "2D")),
                ("size", fixed(lambda: ag.vdot(t(3), t(2)), "(3,)", "(2,)")),
                ("dtype", fixed(lambda: ag.vdot(t(3), t(3, dtype=np.float32)), "float32"))),
           nan=Nan(lambda x: ag.vdot(x, t(4)), (4,), empty=lambda x: ag.vdot(x, t(0)))),
    OpSpec("addmv", lambda i, m, v: ag.addmv(i, m, v, beta=0.5, alpha=2),
           lambda i, m, v: 0.5 * i + 2 * (m @ v), (Input((2,)), Input((2, 3)), Input((3,))),
           torch=lambda T, i, m, v: T.addmv(i, m, v, beta=0.5, alpha=2),
           bad=(("input", fixed(lambda: ag.addmv(t(3), t(2, 3), t(3)), "(3,)")),
                ("vec", fixed(lambda: ag.addmv(t(2), t(2, 3), t(2)), "(2, 3)")),
                ("beta", fixed(lambda: ag.addmv(ag.ones(2, dtype=ag.int64),
                                                ag.ones(2, 2, dtype=ag.int64),
                                                ag.ones(2, dtype=ag.int64), beta=0.5), "0.5"))),
           nan=Nan(lambda x: ag.addmv(t(3), x, t(4)), empty=lambda x: ag.addmv(t(1), x, t(4)))),
    OpSpec("addmv", lambda i, m, v: i.addmv(m, v), lambda i, m, v: i + m @ v,
           (Input(()), Input((2, 3)), Input((3,))), torch=lambda T, i, m, v: i.addmv(m, v)),
    OpSpec("addr", lambda i, a, b: ag.addr(i, a, b, beta=0.5, alpha=2),
           lambda i, a, b: 0.5 * i + 2 * np.outer(a, b), (Input((2, 3)), Input((2,)),
                                                          Input((3,))),
           torch=lambda T, i, a, b: T.addr(i, a, b, beta=0.5, alpha=2),
           bad=(("input", fixed(lambda: ag.addr(t(3, 2), t(2), t(3)), "(3, 2)")),
                ("vec", fixed(lambda: ag.addr(t(2, 3), t(2, 1), t(3)), "(2, 1)"))),
           nan=Nan(lambda x: ag.addr(x, t(3), t(4)), empty=lambda x: ag.addr(x, t(0), t(4)))),
    OpSpec("addbmm", lambda i, a, b: ag.addbmm(i, a, b, beta=0.5, alpha=2),
           lambda i, a, b: 0.5 * i + 2 * (a @ b).sum(0),
           (Input((2, 4)), Input((3, 2, 5)), Input((3, 5, 4))),
           torch=lambda T, i, a, b: T.addbmm(i, a, b, beta=0.5, alpha=2),
           bad=(("batch", fixed(lambda: ag.addbmm(t(2, 3), t(4, 2, 5), t(3, 5, 3)), "4", "3")),
                ("rank", fixed(lambda: ag.addbmm(t(2, 3), t(2, 5), t(5, 3)), "(2, 5)"))),
           nan=Nan(lambda x: ag.addbmm(t(4), x.unsqueeze(0), t(1, 4, 4)))),
    OpSpec("chain_matmul", ag.chain_matmul, lambda a, b, c: a @ b @ c,
           (Input((2, 3)), Input((3, 4)), Input((4, 2))),
           torch=lambda T, *ms: T.linalg.multi_dot(ms),  # chain_matmul, without its warning
           bad=(("rank", fixed(lambda: ag.chain_matmul(t(2, 3), t(3)), "dimension 1")),
                ("fit", fixed(lambda: ag.chain_matmul(t(2, 3), t(2, 3)), "(2, 3)")),
                ("none", fixed(lambda: ag.chain_matmul(), "one or more"))),
           nan=Nan(lambda x: ag.chain_matmul(x, t(4, 2)))),
    OpSpec("block_diag", ag.block_diag, np_block_diag, (Input((2, 3)), Input((2,)), Input(())),
           torch="block_diag",
           bad=(("rank", fixed(lambda: ag.block_diag(t(2, 2, 2)), "3 dimensions")),),
           nan=Nan(lambda x: ag.block_diag(x, t(2)))),
    OpSpec("cartesian_prod", ag.cartesian_prod,
           lambda a, b: np.stack([g.ravel() for g in np.meshgrid(a, b, indexing="ij")], 1),
           (Input(), Input()), kw=dict(shapes=st.tuples(st.integers(0, 3), st.integers(0, 3))
                                        .map(lambda s: ((s[0],), (s[1],)))),
           torch="cartesian_prod",
           bad=(("rank", fixed(lambda: ag.cartesian_prod(t(2, 2)), "(2, 2)")),),
           nan=Nan(lambda x: ag.cartesian_prod(x, t(2)), (4,))),
    OpSpec("combinations", ag.combinations, lambda x: _combos(x, 2), kw=ROW,
           torch="combinations",
           bad=(("r", fixed(lambda: ag.combinations(t(3), -1), "-1")),
                ("rank", fixed(lambda: ag.combinations(t(2, 2)), "(2, 2)"))),
           nan=Nan(ag.combinations, (4,))),
    OpSpec("combinations", lambda x: ag.combinations(x, 3, with_replacement=True),
           lambda x: _combos(x, 3, True), kw=ROW,
           torch=lambda T, x: T.combinations(x, 3, with_replacement=True)),
    OpSpec("diagflat", lambda x: x.diagflat(1), lambda x: np.diagflat(x, 1),
           torch=lambda T, x: x.diagflat(1), nan=Nan(ag.diagflat), non_tensor=()),
    # PyTorch 2.13's vander backward fails (an in-place cumprod): compared forward only
    OpSpec("vander", ag.vander, np.vander, kw=ROW, torch=lambda T, x: T.vander(x.detach()),
           bad=(("rank", fixed(lambda: ag.vander(t(2, 2)), "(2, 2)")),
                ("N", fixed(lambda: ag.vander(t(2), -1), "-1"))),
           nan=Nan(ag.vander, (4,), empty=lambda x: ag.vander(x, 3)), non_tensor=()),
    OpSpec("vander", lambda x: ag.vander(x, 3, increasing=True),
           lambda x: np.vander(x, 3, increasing=True), kw=ROW,
           torch=lambda T, x: T.vander(x.detach(), 3, increasing=True)),
    OpSpec("trapezoid", ag.trapezoid, np.trapezoid, kw=dict(min_dims=1), torch="trapezoid",
           bad=(("x", fixed(lambda: ag.trapezoid(t(3), t(2)), "(2,)")),),
           nan=Nan(ag.trapezoid), non_tensor=()),
    OpSpec("trapezoid", lambda y: ag.trapezoid(y, dx=0.5, dim=0),
           lambda y: np.trapezoid(y, dx=0.5, axis=0), kw=dict(min_dims=1),
           torch=lambda T, y: T.trapezoid(y, dx=0.5, dim=0)),
    OpSpec("trapezoid", lambda y, x: ag.trapz(y, x), np.trapezoid,
           (Input((2, 4)), Input((4,))), torch=lambda T, y, x: T.trapz(y, x)),
    OpSpec("trapezoid", lambda y, x: ag.trapezoid(y, x, dim=0),
           lambda y, x: np.trapezoid(y, x, axis=0), (Input((3, 2)), Input((3, 2))),
           torch=lambda T, y, x: T.trapezoid(y, x, dim=0)),
    OpSpec("cumulative_trapezoid", ag.cumulative_trapezoid, np_cumtrapz, kw=dict(min_dims=1),
           torch="cumulative_trapezoid",
           bad=(("x", fixed(lambda: ag.cumulative_trapezoid(t(3), t(4)), "(4,)")),),
           nan=Nan(ag.cumulative_trapezoid), non_tensor=()),
    OpSpec("cumulative_trapezoid", lambda y: ag.cumulative_trapezoid(y, dx=2.0, dim=0),
           lambda y: np_cumtrapz(y, 2.0, 0), kw=dict(min_dims=1),
           torch=lambda T, y: T.cumulative_trapezoid(y, dx=2.0, dim=0)),
    OpSpec("cumulative_trapezoid", lambda y, x: ag.cumulative_trapezoid(y, x),
           lambda y, x: np.cumsum((y[..., 1:] + y[..., :-1]) * np.diff(x) / 2, -1),
           (Input((2, 4)), Input((4,))), torch="cumulative_trapezoid"),
]
