"""The extra products: the table (tests/autograd/rows_products_more.py) and its walks, and
written cases for dtypes, scalars, the in-place ``add*_`` methods and PyTorch's errors. The
written values always run; PyTorch parity runs when it is installed."""
import numpy as np
import pytest

import autograd as ag
from tests.autograd.opspec import torch_walk, walk
from tests.autograd.rows_products_more import ROWS as TABLE


@pytest.mark.parametrize("spec", TABLE, ids=str)
def test_op(spec):
    walk(spec)


@pytest.mark.parametrize("spec", [s for s in TABLE if s.torch], ids=str)
def test_pytorch_parity(spec):
    torch_walk(spec)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def test_written_values():
    a, b = ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0])
    assert ag.vdot(a, b).item() == 11.0 and ag.inner(a, b).item() == 11.0
    np.testing.assert_array_equal(ag.addr(ag.zeros(2, 2), a, b).numpy(), [[3, 4], [6, 8]])
    np.testing.assert_array_equal(ag.addmv(ag.ones(2), ag.eye(2), a, beta=2).numpy(), [3, 4])
    assert ag.addbmm(ag.zeros(2, 3), ag.ones(4, 2, 5), ag.ones(4, 5, 3))[0, 0].item() == 20.0
    np.testing.assert_array_equal(ag.block_diag(ag.tensor(2.0), ag.tensor([1.0, 1.0])).numpy(),
                                  [[2, 0, 0], [0, 1, 1]])
    assert ag.cartesian_prod(ag.tensor([1, 2]), ag.tensor([3, 4])).tolist() == \
        [[1, 3], [1, 4], [2, 3], [2, 4]]
    assert ag.combinations(ag.tensor([1, 2, 3]), 2).tolist() == [[1, 2], [1, 3], [2, 3]]
    assert ag.combinations(ag.tensor([1.0, 2.0]), 0).shape == (0,)
    assert ag.combinations(ag.tensor([1.0, 2.0]), 3).shape == (0, 3)
    assert ag.vander(ag.tensor([1, 2, 3])).tolist() == [[1, 1, 1], [4, 2, 1], [9, 3, 1]]
    assert ag.vander(ag.tensor([True, False])).dtype == ag.int64
    assert ag.trapezoid(ag.tensor([1, 2, 3])).item() == 4.0  # integers: a float result
    assert ag.trapz(ag.tensor([1.0, 2.0, 3.0]), dx=3).item() == 12.0
    np.testing.assert_array_equal(ag.cumulative_trapezoid(ag.tensor([1.0, 2.0, 3.0])).numpy(),
                                  [1.5, 4.0])
    assert ag.trapezoid(ag.ones(2, 0)).tolist() == [0.0, 0.0]


def test_dtypes_follow_pytorch(torch):
    cases = [
        lambda m: m.block_diag(m.ones(2, 1, dtype=m.int64), m.ones(2, dtype=m.float32)),
        lambda m: m.addr(m.ones(2, 3, dtype=m.int64), m.arange(2), m.arange(3), beta=2),
        lambda m: m.addr(m.zeros(2, 2, dtype=m.bool), m.tensor([True, False]),
                         m.tensor([True, True])),
        lambda m: m.cumulative_trapezoid(m.tensor([1, 2, 3])),
        lambda m: m.vander(m.tensor([2, 3]), 4),
    ]
    for case in cases:
        ours, theirs = case(ag), case(torch)
        assert ours.tolist() == theirs.tolist()
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")


def test_errors_are_pytorchs(torch):
    for call in (lambda m: m.vdot(m.ones(3), m.ones(3, dtype=m.float64)),
                 lambda m: m.inner(m.ones(2, 3), m.ones(4, 2)),
                 lambda m: m.addr(m.ones(2, 3, dtype=m.int64), m.ones(2, dtype=m.int64),
                                  m.ones(3, dtype=m.int64), beta=0.5),
                 lambda m: m.addbmm(m.ones(2, 3), m.ones(4, 2, 5), m.ones(3, 5, 3)),
                 lambda m: m.block_diag(m.ones(2, 2, 2)),
                 lambda m: m.combinations(m.ones(3), -1),
                 lambda m: m.vander(m.ones(2, 2)),
                 lambda m: m.trapezoid(m.ones(3), m.ones(2))):
        with pytest.raises(RuntimeError):
            call(torch)
        with pytest.raises(RuntimeError):
            call(ag)


INPLACE = [  # method, operands, the out-of-place op
    ("addmm_", ((2, 4), (4, 3)), ag.addmm),
    ("baddbmm_", ((2, 2, 4), (2, 4, 3)), ag.baddbmm),
    ("addmv_", ((2, 4), (4,)), ag.addmv),
    ("addr_", ((2,), (3,)), ag.addr),
    ("addbmm_", ((5, 2, 4), (5, 4, 3)), ag.addbmm),
]


@pytest.mark.parametrize("method,shapes,op", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_add_products(method, shapes, op):
    rng = np.random.default_rng(0)
    ops = [ag.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]
    start = rng.standard_normal((2, 2, 3) if method == "baddbmm_" else
                                (2,) if method == "addmv_" else (2, 3))
    want = op(ag.tensor(start), *ops, beta=0.5, alpha=2.0)
    base = ag.tensor(start, requires_grad=True)
    x = base * 1  # not a leaf: in place writes are recorded
    version = x._version
    out = getattr(x, method)(*ops, beta=0.5, alpha=2.0)
    assert out is x and x._version == version + 1
    np.testing.assert_allclose(x.numpy(), want.numpy(), rtol=1e-12)
    x.sum().backward()
    assert np.allclose(base.grad.numpy(), 0.5)  # d(0.5·x + ...)/dx
    want.sum().backward()
    assert all(o.grad is not None for o in ops)
    leaf = ag.tensor(start, requires_grad=True)
    with pytest.raises(RuntimeError, match=method):
        getattr(leaf, method)(*ops)
