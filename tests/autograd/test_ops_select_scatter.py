"""The extra selection ops: the table (tests/autograd/rows_select_more.py) and its walks, and
written cases for ties, include_self, the in-place index_reduce_ and PyTorch's choices (mode's
index, unravel_index's wrapping). The written values always run; PyTorch parity runs when it
is installed."""
import numpy as np
import pytest

import autograd as ag
from tests.autograd.opspec import torch_walk, walk
from tests.autograd.rows_select_more import ROWS as TABLE


@pytest.mark.parametrize("spec", TABLE, ids=str)
def test_op(spec):
    walk(spec)


@pytest.mark.parametrize("spec", [s for s in TABLE if s.torch], ids=str)
def test_pytorch_parity(spec):
    torch_walk(spec)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def test_mode_picks_the_smallest_most_frequent_value_and_its_last_index():
    m = ag.tensor([[3.0, 1.0, 3.0, 1.0, 2.0], [5.0, 5.0, 4.0, 4.0, 5.0]], requires_grad=True)
    values, indices = ag.mode(m, 1)
    assert values.tolist() == [1.0, 5.0] and indices.tolist() == [3, 4]
    values.sum().backward()
    assert m.grad.tolist() == [[0, 0, 0, 1, 0], [0, 0, 0, 0, 1]]
    assert ag.mode(ag.tensor(3.0)) == (ag.tensor(3.0), ag.tensor(0))
    assert m.mode(0, keepdim=True).indices.shape == (1, 5)
    with pytest.raises(IndexError, match="mode"):
        ag.mode(ag.ones(2, 0), 1)


def test_mode_index_matches_pytorch_beyond_16_elements_and_with_nan(torch):
    # PyTorch sorts with C++'s unstable std::sort past 16 elements: which equal value's index
    # it reports follows that sort, and NaN never equals NaN there
    rng = np.random.default_rng(5)
    x = rng.integers(0, 4, size=(40, 57)).astype(np.float64)
    x[:10][rng.random((10, 57)) < 0.3] = np.nan
    x[10:12, :5] = np.nan
    for rows in (x, x[:, :9], np.ascontiguousarray(x.T)):
        got, want = ag.mode(ag.tensor(rows), 1), torch.mode(torch.tensor(rows), 1)
        np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())
        np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())


def test_std_sort_orders_by_key_and_is_stable_up_to_16():
    from autograd.ops._std_sort import std_sort

    rng = np.random.default_rng(6)
    for n in (0, 1, 5, 16, 17, 40, 300):
        keys = rng.integers(0, 5, n).tolist()
        out = std_sort([(k, i) for i, k in enumerate(keys)])
        assert sorted(p for _, p in out) == list(range(n))  # a permutation
        assert [k for k, _ in out] == sorted(keys)
        if n <= 16:
            assert out == sorted(out)  # equal keys keep their order
    # 20 equal keys: the median-of-three pivot and the partition's swaps reverse most of them
    # (this order is what g++'s std::sort gives for the same input)
    ties = [p for _, p in std_sort([(0, i) for i in range(20)])]
    assert ties == [10, 19, 18, 17, 16, 15, 14, 13, 12, 11, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert ag.mode(ag.zeros(20)).indices.item() == 1  # the last of that order


def test_isin_unique_consecutive_unravel_index_written():
    assert ag.isin(ag.tensor([1, 2, 3]), ag.tensor([2.0, 5.0])).tolist() == [False, True, False]
    assert ag.isin(ag.tensor([1.0, float("nan")]), ag.tensor([float("nan")])).tolist() == \
        [False, False]
    vals, inv, counts = ag.unique_consecutive(ag.tensor([1, 1, 2, 2, 3, 1, 1, 2]), True, True)
    assert vals.tolist() == [1, 2, 3, 1, 2] and counts.tolist() == [2, 2, 1, 2, 1]
    assert inv.tolist() == [0, 0, 1, 1, 2, 3, 3, 4]
    rows, inv = ag.unique_consecutive(ag.tensor([[1, 1], [2, 2], [2, 2]]), return_inverse=True,
                                      dim=0)
    assert rows.tolist() == [[1, 1], [2, 2]] and inv.tolist() == [0, 1, 1]
    r, c = ag.unravel_index(ag.tensor([4, 1, -1, 6, -7]), (2, 3))  # wraps as PyTorch's
    assert r.tolist() == [1, 0, 1, 0, 1] and c.tolist() == [1, 1, 2, 0, 2]
    assert ag.unravel_index(ag.tensor(0), ()) == ()
    with pytest.raises(TypeError, match="integer"):
        ag.unravel_index(ag.tensor([1.0]), (2,))


TIES = [  # reduce, include_self: ties share the gradient as PyTorch's backward shares it
    (how, inc) for how in ("amax", "amin", "prod", "mean") for inc in (True, False)]


@pytest.mark.parametrize("how,include_self", TIES)
def test_index_reduce_ties_and_zeros_match_pytorch(torch, how, include_self):
    x = np.array([[1.0, 2.0], [3.0, 3.0], [0.0, 5.0]])
    src = np.array([[1.0, 2.0], [1.0, 0.0], [3.0, 3.0]])
    idx = np.array([0, 0, 1])
    a, s = ag.tensor(x, requires_grad=True), ag.tensor(src, requires_grad=True)
    out = ag.index_reduce(a, 0, ag.tensor(idx), s, how, include_self=include_self)
    ta, ts = (torch.tensor(v, requires_grad=True) for v in (x, src))
    want = torch.index_reduce(ta, 0, torch.tensor(idx), ts, how, include_self=include_self)
    np.testing.assert_allclose(out.numpy(), want.detach().numpy())
    g = np.arange(6.0).reshape(3, 2)
    (out * ag.tensor(g)).sum().backward()
    (want * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy())
    np.testing.assert_allclose(s.grad.numpy(), ts.grad.numpy())


def test_index_reduce_written_and_in_place():
    x = ag.ones(3)
    out = ag.index_reduce(x, 0, ag.tensor([0, 0, 2]), ag.tensor([2.0, 3.0, 4.0]), "prod")
    assert out.tolist() == [6.0, 1.0, 4.0]
    version = x._version
    x.index_reduce_(0, ag.tensor([1, 1]), ag.tensor([2.0, 4.0]), "mean", include_self=False)
    assert x.tolist() == [1.0, 3.0, 1.0] and x._version == version + 1


def test_scatter_views_written_and_gradients():
    x = ag.zeros(3, 3, requires_grad=True)
    s = ag.tensor([1.0, 2.0], requires_grad=True)
    out = ag.diagonal_scatter(x, s, 1)
    assert out.tolist() == [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
    (out * ag.arange(9.0).reshape(3, 3)).sum().backward()
    assert s.grad.tolist() == [1.0, 5.0]
    assert x.grad.tolist() == [[0, 0, 2], [3, 4, 0], [6, 7, 8]]
    assert ag.select_scatter(ag.zeros(2, 2), ag.ones(2), 0, -1).tolist() == [[0, 0], [1, 1]]
    assert ag.slice_scatter(ag.zeros(4), ag.ones(2), start=1, step=2).tolist() == [0, 1, 0, 1]
    # a source of another dtype is cast, as PyTorch does
    assert ag.select_scatter(ag.zeros(2, dtype=ag.float32), ag.tensor(1.0, dtype=ag.float64),
                             0, 0).dtype == ag.float32
