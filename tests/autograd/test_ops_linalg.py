"""Products and linear algebra: the table and its walks.

The square-matrix ops draw ``A`` in (-0.9, 0.9) and use ``A + 3 I`` (diagonally dominant,
so well-conditioned); cholesky uses ``A Aᵀ + 3 I``; eigh symmetrizes its input. SVD and
eigenvectors are compared through their absolute values, which do not depend on the sign
LAPACK picks for each singular / eigen vector (nor do the gradients of a loss on them).
"""
import numpy as np
import pytest
from hypothesis import strategies as st

import autograd as ag
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec, torch_walk, walk
from tests.robustness.bad_input_helpers import t

_side = st.integers(0, 3)
_batch = st.sampled_from([(), (2,), (1,), (2, 1)])


def _square(min_side=0):
    """One drawn (*batch, n, n) shape."""
    return st.tuples(_batch, st.integers(min_side, 3)).map(lambda b: (b[0] + (b[1], b[1]),))


def _matrix():
    return st.tuples(_batch, _side, _side).map(lambda b: (b[0] + (b[1], b[2]),))


def _pair(a_shape, b_shape):
    """Two shapes built from drawn sizes (n, k, m, batch)."""
    return st.tuples(_side, _side, _side, st.integers(1, 3)).map(
        lambda s: (a_shape(*s), b_shape(*s)))


def _eye(x, T=None):
    n = x.shape[-1]
    if T is not None:
        return T.eye(n, dtype=T.float64)
    return np.eye(n)


def wc(x, T=None):
    """``x + 3 I``: well-conditioned for x in (-0.9, 0.9) and n <= 3."""
    return x + 3 * _eye(x, T)


def spd(x, T=None):
    """``x xᵀ + 3 I``: symmetric positive-definite."""
    xt = np.swapaxes(x, -1, -2) if isinstance(x, np.ndarray) else x.mT
    return x @ xt + 3 * _eye(x, T)


def sym(x):
    return x + (np.swapaxes(x, -1, -2) if isinstance(x, np.ndarray) else x.mT)


def _abs_uv(out):
    """Sign-invariant view of (U, S, V*) / (w, V): absolute values of the vectors."""
    return tuple(o.abs() if i != 1 else o for i, o in enumerate(out)) if len(out) == 3 \
        else (out[0], out[1].abs())


def _np_abs_uv(out):
    return tuple(np.abs(o) if i != 1 else o for i, o in enumerate(out)) if len(out) == 3 \
        else (out[0], np.abs(out[1]))


def _case(thunk, name, *needles):
    """A bad-input entry: the call must raise a clear error naming ``name``."""
    return lambda op: lambda data: (thunk, name, needles)


def _bad(*pairs):
    return tuple((kind, _case(*rest)) for kind, *rest in pairs)


_U = "unit"

TABLE = [
    # ------------------------------------------------------------ einsum and products
    OpSpec("einsum", lambda a, b: ag.einsum("...ij,...jk->...ik", a, b),
           lambda a, b: np.einsum("...ij,...jk->...ik", a, b), (Input(), Input()),
           kw=dict(shapes=_pair(lambda n, k, m, b: (b, 1, n, k), lambda n, k, m, b: (3, k, m))),
           torch=lambda T, a, b: T.einsum("...ij,...jk->...ik", a, b),
           bad=_bad(("operands", lambda: ag.einsum("ij,jk", t(2, 3)), "einsum", "2 operand"),
                    ("subscripts", lambda: ag.einsum("ij->i", t(2, 3, 4)), "einsum",
                     "(2, 3, 4)"),
                    ("sizes", lambda: ag.einsum("ij,jk", t(2, 3), t(4, 2)), "einsum",
                     "(4, 2)")),
           nan=Nan(lambda x: ag.einsum("ij,jk->ik", x, t(4, 2)))),
    OpSpec("einsum", lambda a: ag.einsum("...ii->...i", a),
           lambda a: np.einsum("...ii->...i", a), kw=dict(shapes=_square()),
           torch=lambda T, a: T.einsum("...ii->...i", a)),
    OpSpec("einsum", lambda a: ag.einsum("ii->i", a), lambda a: np.einsum("ii->i", a),
           (Input((3, 3)),), torch=lambda T, a: T.einsum("ii->i", a)),
    OpSpec("einsum", lambda a: ag.einsum("...ii", a), lambda a: np.einsum("...ii", a),
           kw=dict(shapes=_square()), torch=lambda T, a: T.einsum("...ii", a)),
    OpSpec("einsum", lambda a, b, c: ag.einsum("ab,bc,cd", a, b, c),
           lambda a, b, c: np.einsum("ab,bc,cd", a, b, c),
           (Input((2, 3)), Input((3, 1)), Input((1, 4))),
           torch=lambda T, *a: T.einsum("ab,bc,cd", *a)),
    OpSpec("einsum", lambda a, b: ag.einsum("i,j->ij", a, b), np.outer, (Input((3,)),
           Input((0,))), torch=lambda T, a, b: T.einsum("i,j->ij", a, b)),
    OpSpec("einsum", lambda a, b: ag.einsum("bij,bkj->", [a, b]),
           lambda a, b: np.einsum("bij,bkj->", a, b), (Input((1, 2, 3)), Input((2, 4, 3))),
           torch=lambda T, a, b: T.einsum("bij,bkj->", a, b)),
    OpSpec("mm", ag.mm, np.matmul, (Input(), Input()),
           kw=dict(shapes=_pair(lambda n, k, m, b: (n, k), lambda n, k, m, b: (k, m))),
           torch="mm", bad=_bad(("inner", lambda: ag.mm(t(2, 3), t(2, 3)), "mm", "(2, 3)"),
                                ("rank", lambda: ag.mm(t(2, 3, 1), t(2, 3)), "mm",
                                 "(2, 3, 1)")),
           nan=Nan(lambda x: ag.mm(x, t(4, 2)))),
    OpSpec("bmm", ag.bmm, np.matmul, (Input(), Input()),
           kw=dict(shapes=_pair(lambda n, k, m, b: (b, n, k), lambda n, k, m, b: (b, k, m))),
           torch="bmm", bad=_bad(("batch", lambda: ag.bmm(t(2, 2, 3), t(3, 3, 3)), "bmm",
                                  "(2, 2, 3)", "(3, 3, 3)")),
           nan=Nan(lambda x: ag.bmm(x, t(2, 4, 2)), (2, 3, 4),
                   empty=lambda x: ag.bmm(x, t(0, 4, 2)))),
    OpSpec("mv", ag.mv, np.matmul, (Input(), Input()),
           kw=dict(shapes=_pair(lambda n, k, m, b: (n, k), lambda n, k, m, b: (k,))),
           torch="mv", bad=_bad(("size", lambda: ag.mv(t(2, 3), t(4)), "mv", "(2, 3)", "(4,)")),
           nan=Nan(lambda x: ag.mv(x, t(4)))),
    OpSpec("dot", ag.dot, np.dot, (Input(), Input()),
           kw=dict(shapes=_side.map(lambda n: ((n,), (n,)))), torch="dot",
           bad=_bad(("size", lambda: ag.dot(t(2), t(3)), "dot", "(2,)", "(3,)"),
                    ("rank", lambda: ag.dot(t(2, 2), t(2)), "dot", "(2, 2)")),
           nan=Nan(lambda x: ag.dot(x.reshape(-1), t(12)),
                   empty=lambda x: ag.dot(x.reshape(-1), t(0)))),
    OpSpec("outer", ag.outer, np.outer, (Input(), Input()),
           kw=dict(shapes=st.tuples(_side, _side).map(lambda s: ((s[0],), (s[1],)))),
           torch="outer", bad=_bad(("rank", lambda: ag.outer(t(2, 2), t(2)), "outer",
                                    "(2, 2)")),
           nan=Nan(lambda x: ag.outer(x.reshape(-1), t(3)))),
    OpSpec("addmm", lambda i, a, b: ag.addmm(i, a, b, beta=0.5, alpha=2.0),
           lambda i, a, b: 0.5 * i + 2.0 * a @ b, (Input((3,)), Input((2, 4)), Input((4, 3))),
           torch=lambda T, i, a, b: T.addmm(i, a, b, beta=0.5, alpha=2.0),
           bad=_bad(("input", lambda: ag.addmm(t(2, 2, 3), t(2, 4), t(4, 3)), "addmm",
                     "(2, 2, 3)")),
           nan=Nan(lambda x: ag.addmm(x, t(3, 2), t(2, 4)),
                   empty=lambda x: ag.addmm(x, t(0, 2), t(2, 4)))),
    OpSpec("addmm", ag.addmm, lambda i, a, b: i + a @ b, (Input(), Input(), Input()),
           kw=dict(shapes=_pair(lambda n, k, m, b: (n, m), lambda n, k, m, b: (n, k)).map(
               lambda s: (s[0], s[1], (s[1][1], s[0][1])))), torch="addmm"),
    OpSpec("addmm", lambda i, a, b: ag.addmm(i, a, b, beta=0), lambda i, a, b: a @ b,
           (Input((2, 1), requires_grad=False), Input((2, 3)), Input((3, 2))),
           torch=lambda T, i, a, b: T.addmm(i, a, b, beta=0)),
    OpSpec("baddbmm", lambda i, a, b: ag.baddbmm(i, a, b, beta=2.0, alpha=-1.0),
           lambda i, a, b: 2.0 * i - a @ b, (Input((1, 2)), Input((3, 2, 4)), Input((3, 4, 2))),
           torch=lambda T, i, a, b: T.baddbmm(i, a, b, beta=2.0, alpha=-1.0),
           bad=_bad(("batch", lambda: ag.baddbmm(t(2, 2, 2), t(2, 2, 3), t(3, 3, 2)),
                     "bmm", "(2, 2, 3)")),
           nan=Nan(lambda x: ag.baddbmm(x, t(2, 3, 1), t(2, 1, 4)), (2, 3, 4),
                   empty=lambda x: ag.baddbmm(x, t(0, 3, 1), t(0, 1, 4)))),
    OpSpec("tensordot", ag.tensordot, np.tensordot, (Input((2, 3, 4)), Input((3, 4, 2))),
           torch="tensordot",
           bad=_bad(("dims", lambda: ag.tensordot(t(2, 3), t(2, 3), dims=([1], [0])),
                     "tensordot", "(2, 3)")),
           nan=Nan(lambda x: ag.tensordot(x, t(4, 2), 1))),
    OpSpec("tensordot", lambda a, b: ag.tensordot(a, b, ([0, 2], [2, 0])),
           lambda a, b: np.tensordot(a, b, ([0, 2], [2, 0])), (Input((2, 3, 4)),
                                                               Input((4, 1, 2))),
           torch=lambda T, a, b: T.tensordot(a, b, ([0, 2], [2, 0]))),
    OpSpec("tensordot", lambda a, b: ag.tensordot(a, b, 0), lambda a, b: np.tensordot(a, b, 0),
           (Input((2,)), Input((3,))), torch=lambda T, a, b: T.tensordot(a, b, 0)),
    OpSpec("cross", lambda a, b: ag.cross(a, b, dim=-1), lambda a, b: np.cross(a, b),
           (Input(), Input()), kw=dict(shapes=st.tuples(_batch, _batch).map(
               lambda s: (s[0] + (3,), s[1][:len(s[0])] + (1,) * (len(s[0]) - len(s[1]))
                          + (3,)))),
           torch=lambda T, a, b: T.linalg.cross(a, b, dim=-1),
           bad=_bad(("size", lambda: ag.cross(t(2, 4), t(2, 4)), "cross", "(2, 4)"),
                    ("dim", lambda: ag.cross(t(3, 2), t(3, 2), dim=1), "cross", "(3, 2)")),
           nan=Nan(lambda x: ag.cross(x[:, :3], t(3, 3)),
                   empty=lambda x: ag.cross(x[:, :3], t(1, 3)))),
    OpSpec("cross", ag.cross, lambda a, b: np.cross(a, b, axis=0),
           (Input((3, 2)), Input((3, 2))), torch=lambda T, a, b: T.cross(a, b, dim=0)),
    OpSpec("kron", ag.kron, np.kron, (Input(), Input()),
           kw=dict(shapes=st.tuples(_matrix(), _matrix()).map(lambda s: (s[0][0], s[1][0]))),
           torch="kron",
           bad=_bad(("type", lambda: ag.kron([1.0, 2.0], t(2)), "kron", "list")),
           nan=Nan(lambda x: ag.kron(x, t(2, 2)))),
    OpSpec("kron", ag.kron, np.kron, (Input((2,)), Input((2, 3))), torch="kron"),
    # ------------------------------------------------------------ linalg
    OpSpec("inverse", lambda a: ag.linalg.inv(wc(a)), lambda a: np.linalg.inv(wc(a)),
           domain=_U, kw=dict(shapes=_square()),
           torch=lambda T, a: T.linalg.inv(wc(a, T)),
           bad=_bad(("square", lambda: ag.linalg.inv(t(2, 3)), "linalg.inv", "(2, 3)"),
                    ("singular", lambda: ag.linalg.inv(ag.zeros(2, 2)), "linalg.inv",
                     "singular"),
                    ("rank", lambda: ag.inverse(t(3)), "linalg.inv", "(3,)")),
           nan=Nan(ag.inverse, (2, 3, 3))),
    OpSpec("det", lambda a: ag.linalg.det(wc(a)), lambda a: np.linalg.det(wc(a)),
           domain=_U, kw=dict(shapes=_square()), torch=lambda T, a: T.linalg.det(wc(a, T)),
           bad=_bad(("square", lambda: ag.det(t(2, 3)), "linalg.det", "(2, 3)")),
           nan=Nan(ag.det, (2, 3, 3))),
    OpSpec("slogdet", lambda a: ag.linalg.slogdet(a - 3 * _eye(a)),
           lambda a: tuple(np.linalg.slogdet(a - 3 * _eye(a))), domain=_U,
           kw=dict(shapes=_square()), torch=lambda T, a: tuple(T.linalg.slogdet(
               a - 3 * _eye(a, T))),
           bad=_bad(("square", lambda: ag.slogdet(t(3, 2)), "linalg.slogdet", "(3, 2)")),
           nan=Nan(ag.slogdet, (2, 3, 3))),
    OpSpec("linalg_solve", lambda a, b: ag.linalg.solve(wc(a), b),
           lambda a, b: np.linalg.solve(wc(a), b), (Input(domain=_U), Input()),
           kw=dict(shapes=_pair(lambda n, k, m, b: (b, n, n), lambda n, k, m, b: (1, n, m))),
           torch=lambda T, a, b: T.linalg.solve(wc(a, T), b),
           bad=_bad(("shapes", lambda: ag.linalg.solve(t(2, 2), t(3, 1)), "linalg.solve",
                     "(2, 2)", "(3, 1)"),
                    ("square", lambda: ag.linalg.solve(t(2, 3), t(2)), "linalg.solve",
                     "(2, 3)")),
           nan=Nan(lambda x: ag.linalg.solve(x, t(3, 1)), (2, 3, 3))),
    OpSpec("linalg_solve", lambda a, b: ag.linalg.solve(wc(a), b),
           lambda a, b: np.linalg.solve(wc(a), b[..., None])[..., 0],
           (Input(domain=_U), Input()),
           kw=dict(shapes=_pair(lambda n, k, m, b: (b, n, n), lambda n, k, m, b: (b, n))),
           torch=lambda T, a, b: T.linalg.solve(wc(a, T), b)),
    OpSpec("linalg_solve", lambda a, b: ag.linalg.solve(wc(a), b, left=False),
           lambda a, b: b @ np.linalg.inv(wc(a)), (Input((3, 3), domain=_U), Input((2, 3))),
           torch=lambda T, a, b: T.linalg.solve(wc(a, T), b, left=False)),
    OpSpec("cholesky", lambda a: ag.linalg.cholesky(spd(a)),
           lambda a: np.linalg.cholesky(spd(a)), domain=_U, kw=dict(shapes=_square()),
           torch=lambda T, a: T.linalg.cholesky(spd(a, T)),
           bad=_bad(("pd", lambda: ag.linalg.cholesky(-ag.eye(2)), "linalg.cholesky",
                     "positive-definite"),
                    ("square", lambda: ag.cholesky(t(2, 3)), "linalg.cholesky", "(2, 3)")),
           nan=Nan(lambda x: ag.cholesky(spd(x)), (2, 3, 3))),
    OpSpec("cholesky", lambda a: ag.cholesky(spd(a), upper=True),
           lambda a: np.swapaxes(np.linalg.cholesky(spd(a)), -1, -2), (Input((2, 3, 3)),),
           domain=_U, torch=lambda T, a: T.linalg.cholesky(spd(a, T), upper=True)),
    OpSpec("qr", ag.linalg.qr, lambda a: tuple(np.linalg.qr(a)),
           kw=dict(shapes=st.tuples(_batch, _side, _side).map(
               lambda b: (b[0] + (b[1], b[2]),))), torch=lambda T, a: tuple(T.linalg.qr(a)),
           bad=_bad(("rank", lambda: ag.linalg.qr(t(3)), "linalg.qr", "(3,)"),
                    ("mode", lambda: ag.linalg.qr(t(2, 2), mode="full"), "linalg.qr",
                     "full")),
           nan=Nan(ag.qr, (2, 3, 3))),
    OpSpec("qr", lambda a: ag.linalg.qr(a, mode="complete"),
           lambda a: tuple(np.linalg.qr(a, mode="complete")), (Input((2, 4)),),
           torch=lambda T, a: tuple(T.linalg.qr(a, mode="complete"))),
    OpSpec("svd", lambda a: _abs_uv(ag.linalg.svd(a, full_matrices=False)),
           lambda a: _np_abs_uv(np.linalg.svd(a, full_matrices=False)),
           kw=dict(shapes=st.tuples(_batch, _side, _side).map(
               lambda b: (b[0] + (b[1], b[2]),))),
           torch=lambda T, a: _abs_uv(T.linalg.svd(a, full_matrices=False)),
           bad=_bad(("rank", lambda: ag.linalg.svd(t(3)), "linalg.svd", "(3,)")),
           nan=Nan(lambda x: ag.linalg.svd(x)[1], (2, 3, 3))),
    OpSpec("svd", lambda a: _abs_uv(ag.svd(a)), lambda a: _np_abs_uv(
        tuple(np.swapaxes(o, -1, -2) if i == 2 else o
              for i, o in enumerate(np.linalg.svd(a, full_matrices=False)))),
        (Input((4, 2)),), torch=lambda T, a: _abs_uv(T.svd(a))),
    OpSpec("linalg_eigh", lambda a: _abs_uv(ag.linalg.eigh(sym(a))),
           lambda a: _np_abs_uv(np.linalg.eigh(sym(a))), kw=dict(shapes=_square()),
           torch=lambda T, a: _abs_uv(T.linalg.eigh(sym(a))),
           bad=_bad(("square", lambda: ag.linalg.eigh(t(2, 3)), "linalg.eigh", "(2, 3)"),
                    ("uplo", lambda: ag.linalg.eigh(t(2, 2), UPLO="X"), "linalg.eigh", "X")),
           nan=Nan(lambda x: ag.linalg.eigh(x)[0], (2, 3, 3))),
    OpSpec("linalg_eigh", lambda a: ag.linalg.eigvalsh(sym(a), UPLO="U"),
           lambda a: np.linalg.eigvalsh(sym(a), UPLO="U"), (Input((2, 3, 3)),),
           torch=lambda T, a: T.linalg.eigvalsh(sym(a), UPLO="U")),
    OpSpec("pinverse", ag.linalg.pinv, np.linalg.pinv,
           kw=dict(shapes=st.tuples(_batch, _side, _side).map(
               lambda b: (b[0] + (b[1], b[2]),))), torch=lambda T, a: T.linalg.pinv(a),
           bad=_bad(("rank", lambda: ag.pinverse(t(3)), "linalg.pinv", "(3,)")),
           nan=Nan(ag.pinverse, (2, 3, 4))),
    OpSpec("pinverse", ag.pinverse, np.linalg.pinv, (Input((3, 2)),), torch="pinverse"),
    OpSpec("matrix_power", lambda a: ag.linalg.matrix_power(a, 3),
           lambda a: np.linalg.matrix_power(a, 3), kw=dict(shapes=_square()),
           torch=lambda T, a: T.linalg.matrix_power(a, 3),
           bad=_bad(("n", lambda: ag.matrix_power(t(2, 2), 1.5), "linalg.matrix_power", "1.5"),
                    ("square", lambda: ag.matrix_power(t(2, 3), 2), "linalg.matrix_power",
                     "(2, 3)")),
           nan=Nan(lambda x: ag.matrix_power(x, 2), (2, 3, 3))),
    OpSpec("matrix_power", lambda a: ag.linalg.matrix_power(wc(a), -2),
           lambda a: np.linalg.matrix_power(wc(a), -2), (Input((2, 3, 3)),), domain=_U,
           torch=lambda T, a: T.linalg.matrix_power(wc(a, T), -2)),
]


@pytest.mark.parametrize("spec", TABLE, ids=str)
def test_op(spec):
    walk(spec)


@pytest.mark.parametrize("spec", [s for s in TABLE if s.torch], ids=str)
def test_pytorch_parity(spec):
    torch_walk(spec)


# ------------------------------------------------------------------ written cases
def _grad_of(fn, a):
    x = ag.tensor(np.asarray(a, np.float64), requires_grad=True)
    out = fn(x)
    (out[1] if isinstance(out, tuple) else out).sum().backward()
    return x.grad.array


def test_singular_matrices():
    sing = [[1.0, 2.0], [2.0, 4.0]]
    with pytest.raises(ag.linalg.LinAlgError, match="linalg.inv.*singular"):
        ag.linalg.inv(ag.tensor(sing))
    assert issubclass(ag.linalg.LinAlgError, RuntimeError)
    # det: 0, with a zero gradient at an exactly singular matrix (PyTorch's choice)
    assert ag.linalg.det(ag.tensor(sing)).item() == 0.0
    np.testing.assert_array_equal(_grad_of(ag.linalg.det, [sing, np.eye(2) * 2]),
                                  [np.zeros((2, 2)), np.eye(2) * 2])
    sign, logabs = ag.linalg.slogdet(ag.tensor([sing, np.diag([-2.0, 1.0])]))
    assert sign.tolist() == [0.0, -1.0] and logabs[0].item() == -np.inf
    np.testing.assert_allclose(logabs[1].item(), np.log(2.0))
    with pytest.raises(ag.linalg.LinAlgError, match="positive-definite"):
        ag.linalg.cholesky(ag.tensor(sing) - 1.0)


def test_written_values():
    a = ag.tensor([[2.0, 1.0], [1.0, 3.0]])
    np.testing.assert_allclose(ag.linalg.inv(a).array, [[0.6, -0.2], [-0.2, 0.4]])
    np.testing.assert_allclose(ag.linalg.solve(a, ag.tensor([3.0, 4.0])).array, [1.0, 1.0])
    np.testing.assert_allclose(_grad_of(ag.linalg.det, [[2.0, 1.0], [1.0, 3.0]]),
                               [[3.0, -1.0], [-1.0, 2.0]])  # det(A) A^-T = adj(A)^T
    w, v = ag.linalg.eigh(a)
    np.testing.assert_allclose(w.array, [(5 - np.sqrt(5)) / 2, (5 + np.sqrt(5)) / 2])
    np.testing.assert_allclose(ag.linalg.svdvals(ag.tensor([[0.0, 2.0], [-3.0, 0.0]])).array,
                               [3.0, 2.0])
    np.testing.assert_allclose(ag.linalg.matrix_power(a, 0).array, np.eye(2))
    np.testing.assert_allclose(ag.linalg.matrix_power(a, -1).array, ag.linalg.inv(a).array)
    np.testing.assert_allclose(ag.linalg.pinv(ag.tensor([[1.0, 2.0]])).array, [[0.2], [0.4]])
    np.testing.assert_allclose(ag.einsum("ij,ij->", a, a).item(), 15.0)
    assert ag.einsum("ba", ag.ones(2, 3)).shape == (3, 2)        # implicit: sorted labels
    assert ag.einsum("Ab", ag.ones(2, 3)).shape == (2, 3)        # upper case sorts first
    assert ag.einsum("i...->...", ag.ones(2, 3, 4)).shape == (3, 4)
    np.testing.assert_allclose(ag.cross(ag.tensor([1.0, 2.0, 3.0]),
                                        ag.tensor([4.0, 5.0, 6.0])).array, [-3.0, 6.0, -3.0])
    np.testing.assert_allclose(ag.kron(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 10.0])).array,
                               [1.0, 10.0, 2.0, 20.0])
    assert ag.addmm(ag.tensor(np.nan), ag.ones(1, 2), ag.ones(2, 1), beta=0).item() == 2.0


def test_tensor_methods_forward_to_the_ops():
    a = ag.tensor([[2.0, 1.0], [1.0, 3.0]])
    v = ag.tensor([1.0, 2.0])
    np.testing.assert_allclose(a.mm(a).array, a.array @ a.array)
    np.testing.assert_allclose(a.mv(v).array, a.array @ v.array)
    np.testing.assert_allclose(v.dot(v).item(), 5.0)
    np.testing.assert_allclose(v.outer(v).array, np.outer(v.array, v.array))
    np.testing.assert_allclose(a.inverse().array, np.linalg.inv(a.array), rtol=1e-6)
    np.testing.assert_allclose(a.det().item(), 5.0, rtol=1e-6)
    np.testing.assert_allclose(a.cholesky().array, np.linalg.cholesky(a.array), rtol=1e-6)
    np.testing.assert_allclose(a.matrix_power(2).array, a.array @ a.array)
    np.testing.assert_allclose(a.pinverse().array, np.linalg.inv(a.array), rtol=1e-5)
    assert a.unsqueeze(0).bmm(a.unsqueeze(0)).shape == (1, 2, 2)
    assert a.addmm(a, a).shape == (2, 2) and a.kron(a).shape == (4, 4)
    assert len(a.qr()) == 2 and len(a.svd()) == 3 and len(a.slogdet()) == 2
    assert ag.ones(2, 3).cross(ag.ones(2, 3), dim=1).shape == (2, 3)
    assert a.unsqueeze(0).baddbmm(a.unsqueeze(0), a.unsqueeze(0)).shape == (1, 2, 2)


def test_einsum_errors_name_the_equation():
    for call, needle in ((lambda: ag.einsum("i$", ag.ones(2, 2)), "invalid subscript"),
                         (lambda: ag.einsum("ij->k", ag.ones(2, 2)), "'k'"),
                         (lambda: ag.einsum("ii", ag.ones(2, 3)), "repeated"),
                         (lambda: ag.einsum(3, ag.ones(2)), "string")):
        with pytest.raises((ValueError, TypeError, RuntimeError), match=needle):
            call()


def test_singular_det_gradient_matches_pytorch():
    torch = pytest.importorskip("torch")
    for m in ([[1.0, 2.0], [2.0, 4.0]], [[1.0, 0, 0], [0, 0, 0], [0, 0, 2.0]]):
        x = torch.tensor(m, dtype=torch.float64, requires_grad=True)
        torch.linalg.det(x).backward()
        np.testing.assert_array_equal(_grad_of(ag.linalg.det, m), x.grad.numpy())


# ------------------------------------------------------------------ ag.linalg composites
def _gc(fn, *shapes, seed=0):
    rng = np.random.default_rng(seed)
    xs = tuple(ag.tensor(rng.uniform(-1, 1, s), requires_grad=True) for s in shapes)
    assert ag.gradcheck(fn, xs) and ag.gradgradcheck(fn, xs)


def test_linalg_composites_values_and_gradients():
    a = ag.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    res = ag.linalg.lstsq(a, ag.tensor([[1.0], [1.0], [2.0]]))
    np.testing.assert_allclose(res.solution.numpy(), [[1.0], [1.0]], atol=1e-6)
    assert res.rank.item() == 2 and res.residuals.shape == (0,)
    assert ag.linalg.matrix_rank(ag.tensor([[1.0, 2.0], [2.0, 4.0]])).item() == 1
    assert ag.linalg.matrix_rank(ag.ones(2, 3, 3)).tolist() == [1, 1]
    np.testing.assert_allclose(ag.linalg.vecdot(ag.ones(2, 3), ag.tensor([1.0, 2.0, 3.0]))
                               .numpy(), [6.0, 6.0])
    assert ag.linalg.multi_dot([ag.ones(3), ag.ones(3, 2), ag.ones(2)]).item() == 6.0
    inv, info = ag.linalg.inv_ex(ag.tensor([np.zeros((2, 2)), np.eye(2) * 2]))
    assert info.tolist() == [1, 0] and np.isnan(inv.numpy()[0]).all()
    np.testing.assert_allclose(inv.numpy()[1], np.eye(2) / 2)
    low, info = ag.linalg.cholesky_ex(ag.tensor([np.diag([1.0, -1.0]), np.eye(2) * 4]))
    assert info.tolist() == [2, 0] and np.isnan(low.numpy()[0]).all()
    np.testing.assert_allclose(low.numpy()[1], np.eye(2) * 2)
    _gc(lambda x, y: ag.linalg.lstsq(x, y).solution, (4, 2), (4, 3))
    _gc(lambda x, y: ag.linalg.vecdot(x, y, dim=0), (3, 2), (3, 1))
    _gc(lambda x, y, z: ag.linalg.multi_dot([x, y, z]), (3,), (3, 2), (2, 2))
    _gc(lambda x, y: ag.linalg.cross(x, y), (2, 3), (2, 3))
    _gc(lambda x: ag.linalg.inv_ex(x + 3 * np.eye(2)).inverse, (2, 2))
    _gc(lambda x: ag.linalg.cholesky_ex(x @ x.mT + 3 * np.eye(2)).L, (2, 2))
    with pytest.raises(RuntimeError, match="linalg.lstsq.*(4, 2).*(3, 1)"):
        ag.linalg.lstsq(ag.ones(4, 2), ag.ones(3, 1))
    with pytest.raises(ValueError, match="multi_dot.*(2, 2, 2)"):
        ag.linalg.multi_dot([ag.ones(2, 2), ag.ones(2, 2, 2), ag.ones(2, 2)])


def test_linalg_composites_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 5, 2))
    np.testing.assert_allclose(ag.linalg.lstsq(ag.tensor(a), ag.tensor(b)).solution.numpy(),
                               torch.linalg.lstsq(torch.tensor(a), torch.tensor(b)).solution
                               .numpy(), rtol=1e-6, atol=1e-9)
    for m in (a, np.ones((3, 4)), np.zeros((2, 2)), rng.standard_normal((4, 4))):
        assert ag.linalg.matrix_rank(ag.tensor(m)).tolist() == \
            torch.linalg.matrix_rank(torch.tensor(m)).tolist()
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((3, 3))
    np.testing.assert_allclose(ag.einsum(ag.tensor(x), [0, 1], ag.tensor(y), [1, Ellipsis])
                               .numpy(), torch.einsum(torch.tensor(x), [0, 1], torch.tensor(y),
                                                      [1, Ellipsis]).numpy(), rtol=1e-12)
