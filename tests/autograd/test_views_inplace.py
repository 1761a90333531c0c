"""In-place ops through views: PyTorch's gradients, or PyTorch's error, never a wrong answer."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag


def _x(lib):
    data = np.arange(1.0, 7.0).reshape(2, 3)
    return lib.tensor(data, requires_grad=True)


def _through(view, op):
    def build(lib, x):
        y = x * 1
        op(view(y))
        return (y * y).sum()
    return build


CASES = [
    # (name, build(lib, x) -> loss, the gradient PyTorch gives x)
    ("row 0 times 10", _through(lambda y: y[0], lambda v: v.mul_(10)),
     [[200, 400, 600], [8, 10, 12]]),
    (".T times 10", _through(lambda y: y.T, lambda v: v.mul_(10)),
     [[200, 400, 600], [800, 1000, 1200]]),
    ("reshape plus 1", _through(lambda y: y.reshape(6), lambda v: v.add_(1)),
     [[4, 6, 8], [10, 12, 14]]),
    ("[:, 1] times 3", _through(lambda y: y[:, 1], lambda v: v.mul_(3)),
     [[2, 36, 6], [8, 90, 12]]),
    ("a view of a view", _through(lambda y: y[1][0:2], lambda v: v.mul_(2)),
     [[2, 4, 6], [32, 40, 12]]),
    ("permute then transpose", _through(lambda y: y.permute(1, 0).transpose(0, 1),
                                        lambda v: v.mul_(2)),
     [[8, 16, 24], [32, 40, 48]]),
    ("setitem", _through(lambda y: y, lambda v: v.__setitem__((0, 1), 0.0)),
     [[2, 0, 6], [8, 10, 12]]),
]


def _view_used_after_base_changed(lib, x):
    y = x * 1
    v = y[0]
    y.mul_(2)  # v's recorded history is now out of date: it is taken again from y
    return (v * v).sum()


CASES.append(("a view used after its base changed", _view_used_after_base_changed,
              [[8, 16, 24], [0, 0, 0]]))


@pytest.mark.parametrize("name,build,expected", CASES, ids=[c[0] for c in CASES])
def test_gradients_through_views(name, build, expected):
    x = _x(ag)
    build(ag, x).backward()
    np.testing.assert_allclose(x.grad.numpy(), expected)


@pytest.mark.parametrize("name,build,expected", CASES, ids=[c[0] for c in CASES])
def test_gradients_through_views_match_torch(name, build, expected):
    torch = pytest.importorskip("torch")
    x = _x(torch)
    build(torch, x).backward()
    np.testing.assert_allclose(x.grad.numpy(), expected)


REFUSED = [
    ("a slice of a leaf", lambda x: x[0:1].mul_(10), "view of a leaf"),
    ("a reshape of a leaf", lambda x: x.reshape(6).add_(1), "view of a leaf"),
    ("an expanded view", lambda x: (x * 1)[0:1].expand(3, 3).mul_(2), "memory location"),
]


@pytest.mark.parametrize("name,op,needle", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_as_pytorch_refuses(name, op, needle):
    x = _x(ag)
    before = x.numpy().copy()
    with pytest.raises(RuntimeError, match=needle):
        op(x)
    np.testing.assert_array_equal(x.numpy(), before)  # the parameter was not written


def test_views_of_leaves_may_be_written_under_no_grad():
    x = _x(ag)
    with ag.no_grad():
        x[0:1].mul_(10)
    np.testing.assert_allclose(x.numpy()[0], [10, 20, 30])
