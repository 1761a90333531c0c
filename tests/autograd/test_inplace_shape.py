"""In-place shape changes, resize_, and in-place fills through indices and along dims: the
values, versions, refusals and gradients PyTorch gives."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag


def _x(lib):
    return lib.tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)


def _w(lib, values):
    return lib.tensor(np.asarray(values, np.float64))


CASES = [
    # (name, build(lib, x) -> loss, the gradient PyTorch gives x)
    ("t_ then a broadcast mul_", lambda L, x: _chain(x * 1, lambda y: y.t_().mul_(_w(L, [1, 2]))),
     [[2, 4, 6], [32, 40, 48]]),
    ("unsqueeze_, transpose_, squeeze_",
     lambda L, x: _weighted(L, x * 2, lambda y: y.unsqueeze_(0).transpose_(1, 2).squeeze_(),
                            [[1, 2], [3, 4], [5, 6]]),
     [[2, 6, 10], [4, 8, 12]]),
    ("unsqueeze_ of a row view, then mul_",
     lambda L, x: _view_then(x * 1, lambda y: y[1], lambda v: v.unsqueeze_(0).mul_(3)),
     [[2, 4, 6], [72, 90, 108]]),
    ("swapdims_ and swapaxes_", lambda L, x: _weighted(
        L, x * 1, lambda y: y.swapdims_(0, 1).swapaxes_(1, 0).swapaxes_(0, 1),
        [[1, 2], [3, 4], [5, 6]]),
     [[1, 3, 5], [2, 4, 6]]),
    ("tril_, cumsum_, triu_, cumprod_",
     lambda L, x: _chain(x * 1, lambda y: y.tril_().cumsum_(1).triu_(1).cumprod_(0)),
     [[166, 0, 0], [18, 18, 0]]),
    ("fill_diagonal_", lambda L, x: _chain(x * 1, lambda y: y.fill_diagonal_(0.5)),
     [[0, 4, 6], [8, 0, 12]]),
    ("index_put_ accumulate", lambda L, x: _chain(x * 1, lambda y: y.index_put_(
        (L.tensor([0, 0, 1]), L.tensor([1, 1, 2])), x[0] * 1, accumulate=True)),
     [[12, 20, 24], [8, 10, 18]]),
    ("put_ accumulate", lambda L, x: _chain(x * 1, lambda y: y.put_(
        L.tensor([0, 5, 5]), x[1] * 2, accumulate=True)),
     [[18, 4, 6], [44, 122, 168]]),
    ("put_ negative index", lambda L, x: _chain(x * 1, lambda y: y.put_(
        L.tensor([0, -1]), _w(L, [7, 8]))),
     [[0, 4, 6], [8, 10, 0]]),
    ("index_put with a mask", lambda L, x: (
        x.index_put((L.tensor([True, False]),), _w(L, [1, 2, 3])) ** 2 * x).sum(),
     [[1, 4, 9], [48, 75, 108]]),
]


def _chain(y, op):
    op(y)
    return (y * y).sum()


def _view_then(y, view, op):
    op(view(y))
    return (y * y).sum()


def _weighted(L, y, op, w):
    op(y)
    return (y * _w(L, w)).sum()


def _grad(lib, build):
    x = _x(lib)
    build(lib, x).backward()
    return np.asarray(x.grad.tolist())


@pytest.mark.parametrize("name,build,expected", CASES, ids=[c[0] for c in CASES])
def test_gradients_through_in_place_changes(name, build, expected):
    np.testing.assert_allclose(_grad(ag, build), np.asarray(expected, float))


@pytest.mark.parametrize("name,build,expected", CASES, ids=[c[0] for c in CASES])
def test_gradients_match_pytorch(name, build, expected):
    torch = pytest.importorskip("torch")
    np.testing.assert_allclose(_grad(ag, build), _grad(torch, build))


def test_shape_changes_keep_the_memory_and_bump_the_version():
    x = ag.arange(6.0).reshape(2, 3)
    alias = x.detach()
    assert x.t_() is x and x.shape == (3, 2) and x.stride() == (1, 3) and x._version == 1
    x.unsqueeze_(0)
    assert x.shape == (1, 3, 2) and x.stride() == (3, 1, 3) and alias._version == 2
    x.squeeze_()
    x[0, 0] = 10.0  # still the same memory
    assert alias[0, 0].item() == 10.0 and alias.shape == (2, 3)
    assert ag.ones(3).squeeze_().shape == (3,) and ag.ones(2, 1).squeeze_(1).shape == (2,)


def test_shape_changes_on_a_leaf_that_requires_grad():
    a = ag.ones(2, 3, requires_grad=True)
    for op in (lambda: a.t_(), lambda: a.unsqueeze_(0), lambda: a.tril_(),
               lambda: a.cumsum_(0), lambda: a.fill_diagonal_(0)):
        with pytest.raises(RuntimeError, match="leaf"):
            op()
    with ag.no_grad():
        a.t_()
    assert a.shape == (3, 2) and a.is_leaf and a.requires_grad and a._version == 1


def test_t_refuses_more_than_two_dims():
    with pytest.raises(RuntimeError, match=r"t_\(\) expects a tensor with <= 2 dimensions"):
        ag.ones(2, 3, 4).t_()


def test_a_saved_tensor_changed_by_a_shape_change_makes_backward_raise():
    x = ag.ones(2, 3, requires_grad=True)
    y = x.exp()  # exp keeps its output for backward
    y.t_()
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.sum().backward()


def test_resize_reads_the_storage_as_pytorch():
    c = ag.ones(2, 3)
    c.resize_(4, 5)
    assert c.shape == (4, 5) and c._version == 1 and c[0].tolist() == [1.0] * 5
    z = ag.arange(6.0).reshape(2, 3).t()
    assert z.resize_(2, 2).tolist() == [[0.0, 1.0], [2.0, 3.0]] and z.stride() == (2, 1)
    tail = ag.arange(6.0)[2:]
    tail.resize_(2, 3)
    assert tail.storage_offset() == 2 and tail[0].tolist() == [2.0, 3.0, 4.0]
    assert ag.ones(2, 3).resize_as_(ag.ones(4)).shape == (4,)
    assert ag.arange(4).resize_((2, 2)).tolist() == [[0, 1], [2, 3]]


def test_resize_refuses_a_tensor_that_requires_grad():
    for t in (ag.ones(2, requires_grad=True), ag.ones(2, requires_grad=True) * 1):
        with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
            t.resize_(3)
    with pytest.raises(RuntimeError, match="negative dimension"):
        ag.ones(2).resize_(-1)


def test_resize_matches_pytorch():
    torch = pytest.importorskip("torch")
    for build, size in [(lambda L: L.arange(6.0).reshape(2, 3).t(), (2, 2)),
                        (lambda L: L.arange(6.0)[2:], (2, 2)),
                        (lambda L: L.arange(6.0).reshape(3, 2), (6,))]:
        ours, theirs = build(ag).resize_(*size), build(torch).resize_(*size)
        assert ours.tolist() == theirs.tolist()
        assert (ours.stride(), ours.storage_offset()) == (theirs.stride(),
                                                          theirs.storage_offset())


def test_fill_diagonal_values_and_errors():
    assert ag.zeros(2, 3).fill_diagonal_(5.0).tolist() == [[5, 0, 0], [0, 5, 0]]
    tall = ag.zeros(7, 3).fill_diagonal_(5.0, wrap=True)
    assert tall[:, 0].tolist() == [5, 0, 0, 0, 5, 0, 0]  # starts again after a blank row
    assert ag.zeros(7, 3).fill_diagonal_(5.0)[3:].sum().item() == 0
    assert ag.zeros(3, 3, 3).fill_diagonal_(1.0).sum().item() == 3.0
    with pytest.raises(RuntimeError, match="all dimensions of input must be of equal length"):
        ag.zeros(2, 3, 4).fill_diagonal_(5)
    with pytest.raises(RuntimeError, match="dimensions must larger than 1"):
        ag.zeros(3).fill_diagonal_(5)


def test_fill_diagonal_matches_pytorch():
    torch = pytest.importorskip("torch")
    for shape in [(2, 3), (3, 2), (7, 3), (4, 4, 4)]:
        for wrap in (False, True):
            assert ag.zeros(*shape).fill_diagonal_(2.0, wrap=wrap).tolist() == \
                torch.zeros(*shape).fill_diagonal_(2.0, wrap=wrap).tolist()


def test_index_put_and_put_values():
    x = ag.zeros(5)
    assert x.index_put_((ag.tensor([0, 0, 2]),), ag.tensor(1.0), accumulate=True).tolist() == \
        [2.0, 0.0, 1.0, 0.0, 0.0]
    assert x._version == 1
    assert ag.zeros(3).index_put((ag.tensor([1]),), ag.tensor(4.0)).tolist() == [0, 4, 0]
    y = ag.zeros(2, 3).put_(ag.tensor([0, 5, 5]), ag.tensor([1.0, 2.0, 3.0]), accumulate=True)
    assert y.tolist() == [[1, 0, 0], [0, 0, 5]]
    assert ag.zeros(2, 3).put(ag.tensor([-1]), ag.tensor([1.0])).tolist() == \
        [[0, 0, 0], [0, 0, 1]]


def test_put_errors():
    with pytest.raises(IndexError, match="tried to access index 6 on a tensor of 6 elements"):
        ag.zeros(2, 3).put_(ag.tensor([0, 6]), ag.tensor([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="same number of elements"):
        ag.zeros(2, 3).put_(ag.tensor([0, 1]), ag.tensor([1.0]))
    with pytest.raises(RuntimeError, match="same dtype"):
        ag.zeros(3).put_(ag.tensor([0]), ag.tensor([1.0], dtype=ag.float64))


def test_index_put_and_put_values_match_pytorch():
    torch = pytest.importorskip("torch")
    for lib_out in [lambda L: L.zeros(2, 3).put_(L.tensor([0, 5, 5, -2]),
                                                 L.tensor([1.0, 2.0, 3.0, 4.0]), accumulate=True),
                    lambda L: L.zeros(4).index_put_((L.tensor([3, 3, 1]),), L.tensor(2.0),
                                                    accumulate=True),
                    lambda L: L.zeros(2, 3).index_put((L.tensor([1, 0]), L.tensor([2, 2])),
                                                      L.tensor([5.0, 6.0]), accumulate=True)]:
        assert lib_out(ag).tolist() == lib_out(torch).tolist()


def test_index_put_and_put_gradcheck():
    x = ag.randn(2, 3, dtype=ag.float64, requires_grad=True)
    v = ag.randn(3, dtype=ag.float64, requires_grad=True)
    idx = (ag.tensor([0, 0, 1]), ag.tensor([2, 2, 0]))
    assert ag.gradcheck(lambda a, b: a.index_put(idx, b, accumulate=True), (x, v))
    assert ag.gradgradcheck(lambda a, b: a.index_put(idx, b * b, accumulate=True), (x, v))
    assert ag.gradcheck(lambda a, b: a.put(ag.tensor([4, 4, 0]), b, accumulate=True), (x, v))
    assert ag.gradcheck(lambda a, b: a.put(ag.tensor([4, 1, 0]), b), (x, v))
