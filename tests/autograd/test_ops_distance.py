"""Pairwise distances (cdist, pdist): the table, its walks and written cases.

Drawn values are distinct (``autograd.testing.arrays``), so no difference sits on a kink
of |·| or a tie of the max; the kinks (coinciding rows, zero coordinates, ties for
p = inf) get written cases below, checked against PyTorch's subgradients.
"""
import math

import numpy as np
import pytest
from hypothesis import strategies as st

import autograd as ag
import nn.functional as F
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec, torch_walk, walk
from tests.robustness.bad_input_helpers import t

_side = st.integers(0, 3)
_batch = st.sampled_from([((), ()), ((2,), (2,)), ((2, 1), (3,)), ((1,), (2,))])


def _rows():
    """Shapes ``(*B1, P, M)`` and ``(*B2, R, M)`` with broadcastable batch dims."""
    return st.tuples(_batch, _side, _side, st.integers(1, 3)).map(
        lambda s: (s[0][0] + (s[1], s[3]), s[0][1] + (s[2], s[3])))


def np_cdist(a, b, p=2.0):
    """The reference: the p-norm of every row difference."""
    d = np.abs(a[..., :, None, :] - b[..., None, :, :])
    if p == 0:
        return (d != 0).sum(-1).astype(a.dtype)
    if p == math.inf:
        return d.max(-1, initial=0.0)
    return (d ** p).sum(-1) ** (1 / p)


def np_pdist(a, p=2.0):
    i, j = np.triu_indices(a.shape[0], 1)
    return np_cdist(a, a, p)[i, j]


def _case(thunk, name, *needles):
    return lambda op: lambda data: (thunk, name, needles)


def _bad(*pairs):
    return tuple((kind, _case(*rest)) for kind, *rest in pairs)


#: x2's domain: (-2, 2) shifted and stretched, so x1 and x2 drawn from the same seed neither
#: coincide nor tie in every coordinate
#: (coinciding rows and ties are kinks, tested by the written cases)
_SHIFTED = (-1.9, 2.3)


def _cdist_row(p, **extra):
    return OpSpec("cdist", lambda a, b: ag.cdist(a, b, p), lambda a, b: np_cdist(a, b, p),
                  (Input(), Input(domain=_SHIFTED)), kw=dict(shapes=_rows()),
                  torch=lambda T, a, b: T.cdist(a, b, p), **extra)


TABLE = [
    _cdist_row(2.0, bad=_bad(
        ("rank", lambda: ag.cdist(t(3), t(2, 3)), "cdist", "1D", "(3,)"),
        ("columns", lambda: ag.cdist(t(2, 3), t(2, 4)), "cdist", "(2, 3)", "(2, 4)"),
        ("batch", lambda: ag.cdist(t(2, 2, 3), t(3, 5, 3)), "cdist", "(2, 2, 3)",
         "(3, 5, 3)"),
        ("p", lambda: ag.cdist(t(2, 3), t(2, 3), p=-1.0), "cdist", "p=-1"),
        ("dtype", lambda: ag.cdist(t(2, 3, dtype=np.int64), t(2, 3, dtype=np.int64)),
         "cdist", "int64"),
        ("mode", lambda: ag.cdist(t(2, 3), t(2, 3), compute_mode="fast"), "cdist", "fast")),
        nan=Nan(lambda x: ag.cdist(x, t(2, 4)))),
    _cdist_row(1.0),
    _cdist_row(0.0),
    _cdist_row(3.0),
    _cdist_row(0.5),
    _cdist_row(1.5),
    _cdist_row(math.inf),
    OpSpec("cdist", lambda a, b: ag.cdist(a, b, compute_mode="use_mm_for_euclid_dist"),
           np_cdist, (Input(), Input(domain=_SHIFTED)), kw=dict(shapes=_rows()),
           torch=lambda T, a, b: T.cdist(a, b, compute_mode="use_mm_for_euclid_dist")),
    # PyTorch 2.13's pdist backward crashes the process on zero rows: compared from one row up
    OpSpec("pdist", lambda a: F.pdist(a), np_pdist, (Input(),),
           kw=dict(shapes=st.tuples(st.integers(1, 4), st.integers(0, 3)).map(lambda s: (s,))),
           torch=lambda T, a: T.nn.functional.pdist(a)),
    OpSpec("pdist", lambda a: F.pdist(a), np_pdist, (Input(),),
           kw=dict(shapes=st.tuples(st.integers(0, 2), st.integers(0, 3)).map(lambda s: (s,))),
           bad=_bad(("rank", lambda: F.pdist(t(2, 2, 3)), "pdist", "3D", "(2, 2, 3)"),
                    ("p", lambda: F.pdist(t(3, 2), p=-2), "pdist", "p=-2")),
           nan=Nan(lambda x: F.pdist(x))),
    OpSpec("pdist", lambda a: F.pdist(a, 1.0), lambda a: np_pdist(a, 1.0), (Input((4, 3)),),
           torch=lambda T, a: T.nn.functional.pdist(a, 1.0)),
]


@pytest.mark.parametrize("spec", TABLE, ids=str)
def test_op(spec):
    walk(spec)


@pytest.mark.parametrize("spec", [s for s in TABLE if s.torch], ids=str)
def test_pytorch_parity(spec):
    torch_walk(spec)


# ------------------------------------------------------------------ written cases
X = np.array([[0.0, 0.0], [1.0, 2.0]])
Y = np.array([[0.0, 0.0], [3.0, 1.0]])


def _grads(p, a=X, b=Y, mode="donot_use_mm_for_euclid_dist"):
    x, y = ag.tensor(a, requires_grad=True), ag.tensor(b, requires_grad=True)
    d = ag.cdist(x, y, p, compute_mode=mode)
    d.sum().backward()
    return d.numpy(), x.grad.numpy(), y.grad.numpy()


def test_written_values_and_gradients_at_coinciding_rows():
    """Row 0 of X and of Y coincide: their distance is 0 and so is its gradient (not NaN)."""
    d, gx, gy = _grads(2.0)
    np.testing.assert_allclose(d, [[0.0, math.sqrt(10)], [math.sqrt(5), math.sqrt(5)]])
    s5, s10 = math.sqrt(5), math.sqrt(10)
    np.testing.assert_allclose(gx, [[-3 / s10, -1 / s10], [1 / s5 - 2 / s5, 2 / s5 + 1 / s5]])
    np.testing.assert_allclose(gy, [[-1 / s5, -2 / s5], [3 / s10 + 2 / s5, 1 / s10 - 1 / s5]])
    d1, gx1, _ = _grads(1.0)
    np.testing.assert_allclose(d1, [[0.0, 4.0], [3.0, 3.0]])
    np.testing.assert_allclose(gx1, [[-1.0, -1.0], [0.0, 2.0]])
    d0, gx0, gy0 = _grads(0.0)
    np.testing.assert_allclose(d0, [[0.0, 2.0], [2.0, 2.0]])
    assert not gx0.any() and not gy0.any()
    dinf, gxinf, _ = _grads(math.inf)
    np.testing.assert_allclose(dinf, [[0.0, 3.0], [2.0, 2.0]])
    np.testing.assert_allclose(gxinf, [[-1.0, 0.0], [-1.0, 1.0]])


def test_shapes_batched_broadcast_and_empty():
    assert ag.cdist(ag.ones(2, 1, 4, 3), ag.ones(3, 5, 3)).shape == (2, 3, 4, 5)
    assert ag.cdist(ag.ones(0, 3), ag.ones(5, 3)).shape == (0, 5)
    assert not ag.cdist(ag.ones(2, 0), ag.ones(3, 0)).numpy().any()
    assert ag.cdist(ag.ones(2, 3, dtype=ag.float32), ag.zeros(4, 3, dtype=ag.float32)).dtype \
        == ag.float32
    assert F.pdist(ag.ones(1, 2)).shape == (0,) and ag.pdist(ag.ones(0, 2)).shape == (0,)


def test_gradient_of_a_broadcast_batch_sums_back():
    a = ag.tensor(np.random.default_rng(0).normal(size=(1, 3, 2)), requires_grad=True)
    b = ag.tensor(np.random.default_rng(1).normal(size=(4, 2, 2)), requires_grad=True)
    assert ag.gradcheck(lambda u, v: ag.cdist(u, v), (a, b))
    ag.cdist(a, b).sum().backward()
    assert a.grad.shape == (1, 3, 2) and b.grad.shape == (4, 2, 2)


def test_mixed_dtypes_are_refused():
    with pytest.raises(RuntimeError, match="cdist.*float32.*float64"):
        ag.cdist(ag.ones(2, 3, dtype=ag.float32), ag.ones(2, 3, dtype=ag.float64))


def test_pdist_is_the_upper_triangle_of_cdist():
    x = ag.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])
    np.testing.assert_allclose(F.pdist(x).numpy(), [5.0, 1.0, math.sqrt(18)])
    np.testing.assert_allclose(ag.pdist(x, p=1).numpy(), [7.0, 1.0, 6.0])


_KINKS = [  # coinciding rows, zero coordinates, ties of the max
    (np.array([[1.0, -1.0, 0.5], [2.0, 0.0, 0.0], [0.0, 0.0, 0.5]]),
     np.array([[0.0, 0.0, 0.5], [2.0, 0.0, 0.0]])),
]


@pytest.mark.parametrize("p", [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, math.inf])
def test_subgradients_at_kinks_match_pytorch(p):
    torch = pytest.importorskip("torch")
    for a, b in _KINKS:
        _, gx, gy = _grads(p, a, b)
        ta = torch.tensor(a, requires_grad=True)
        tb = torch.tensor(b, requires_grad=True)
        torch.cdist(ta, tb, p).sum().backward()
        np.testing.assert_allclose(gx, ta.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(gy, tb.grad.numpy(), atol=1e-12)
        tx = torch.tensor(a, requires_grad=True)
        torch.nn.functional.pdist(tx, p).sum().backward()
        x = ag.tensor(a, requires_grad=True)
        F.pdist(x, p).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-12)


def test_errors_are_pytorchs_classes():
    torch = pytest.importorskip("torch")
    for ours, theirs in [(lambda m: m.cdist(m.ones(3), m.ones(2, 3)), RuntimeError),
                         (lambda m: m.cdist(m.ones(2, 3), m.ones(2, 3), p=-1), RuntimeError),
                         (lambda m: m.cdist(m.ones(2, 3), m.ones(2, 3),
                                            compute_mode="x"), ValueError)]:
        with pytest.raises(theirs):
            ours(torch)
        with pytest.raises(theirs):
            ours(ag)


@pytest.mark.parametrize("mode", ["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                                  "donot_use_mm_for_euclid_dist"])
def test_compute_modes_agree(mode):
    """Above 25 rows the default takes the matrix-product path; every mode gives the same
    distances and gradients to rounding, and the gradient at coinciding rows stays finite."""
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(2, 40, 3)), rng.normal(size=(2, 30, 3))
    b[:, 0] = a[:, 5]
    want, gx, gy = _grads(2.0, a, b)
    x, y = ag.tensor(a, requires_grad=True), ag.tensor(b, requires_grad=True)
    d = ag.cdist(x, y, compute_mode=mode)
    d.sum().backward()
    np.testing.assert_allclose(d.numpy(), want, atol=1e-7)
    np.testing.assert_allclose(x.grad.numpy(), gx, atol=1e-6)
    np.testing.assert_allclose(y.grad.numpy(), gy, atol=1e-6)
