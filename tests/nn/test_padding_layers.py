"""Padding modules: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad (1-3 d)."""
import numpy as np
import pytest

import autograd as ag
import nn
from autograd.gradcheck import gradcheck

# (class name, constructor args, input shape)
CASES = [
    ("ZeroPad1d", (2,), (2, 3, 4)),
    ("ZeroPad1d", ((1, -1),), (3, 4)),
    ("ZeroPad2d", ((1, 0, 2, 1),), (1, 2, 3, 4)),
    ("ZeroPad2d", (1,), (4, 4)),
    ("ZeroPad3d", ((1, 0, 0, 2, 1, 1),), (1, 1, 2, 3, 2)),
    ("ConstantPad1d", ((1, 2), 3.5), (2, 3, 4)),
    ("ConstantPad2d", (1, -1.0), (2, 3, 3)),
    ("ConstantPad3d", ((0, 1, 1, 0, 2, 0), 0.25), (1, 2, 2, 2, 2)),
    ("ReflectionPad1d", ((3, 1),), (2, 3, 4)),
    ("ReflectionPad1d", (1,), (3, 4)),
    ("ReflectionPad2d", ((1, 2, 2, 0),), (1, 2, 3, 4)),
    ("ReflectionPad2d", (1,), (2, 3, 3)),
    ("ReflectionPad3d", ((1, 0, 1, 2, 1, 1),), (1, 2, 3, 3, 3)),
    ("ReflectionPad3d", (1,), (2, 2, 3, 3)),
    ("ReplicationPad1d", ((2, 0),), (2, 3, 4)),
    ("ReplicationPad1d", ((-1, 2),), (3, 4)),
    ("ReplicationPad2d", ((1, 2, 0, 3),), (1, 2, 3, 4)),
    ("ReplicationPad3d", ((1, 1, 0, 2, 2, 1),), (1, 1, 2, 3, 2)),
    ("CircularPad1d", ((2, 1),), (2, 3, 4)),
    ("CircularPad2d", ((1, 2, 2, 1),), (1, 2, 3, 4)),
    ("CircularPad2d", ((-1, 1, 0, 1),), (2, 3, 4)),
    ("CircularPad3d", (1,), (1, 1, 2, 3, 3)),
]
IDS = [f"{c}-{a}-{s}" for c, a, s in CASES]


def test_written_values():
    x = ag.tensor([[0.0, 1.0, 2.0]])
    assert nn.ZeroPad1d(1)(x).tolist() == [[0.0, 0.0, 1.0, 2.0, 0.0]]
    assert nn.ConstantPad1d((0, 2), 9.0)(x).tolist() == [[0.0, 1.0, 2.0, 9.0, 9.0]]
    assert nn.ReflectionPad1d((2, 1))(x).tolist() == [[2.0, 1.0, 0.0, 1.0, 2.0, 1.0]]
    assert nn.ReplicationPad1d((2, 1))(x).tolist() == [[0.0, 0.0, 0.0, 1.0, 2.0, 2.0]]
    assert nn.CircularPad1d((2, 1))(x).tolist() == [[1.0, 2.0, 0.0, 1.0, 2.0, 0.0]]
    assert nn.ZeroPad1d((-1, 0))(x).tolist() == [[1.0, 2.0]]
    img = ag.tensor([[[1.0, 2.0], [3.0, 4.0]]])
    assert nn.ReplicationPad2d((0, 1, 1, 0))(img).tolist() == [
        [[1.0, 2.0, 2.0], [1.0, 2.0, 2.0], [3.0, 4.0, 4.0]]]


def test_attributes_and_repr():
    assert nn.ZeroPad2d(2).padding == (2, 2, 2, 2)
    assert nn.ZeroPad2d(2).value == 0.0
    assert repr(nn.ZeroPad1d(2)) == "ZeroPad1d((2, 2))"
    assert repr(nn.ConstantPad1d((1, 2), 3.5)) == "ConstantPad1d(padding=(1, 2), value=3.5)"
    assert repr(nn.ReflectionPad2d((1, 0, 2, 1))) == "ReflectionPad2d((1, 0, 2, 1))"
    assert repr(nn.CircularPad3d(1)) == "CircularPad3d((1, 1, 1, 1, 1, 1))"
    assert nn.ReplicationPad3d([1, 2, 3, 4, 5, 6]).padding == (1, 2, 3, 4, 5, 6)
    assert not list(nn.ReflectionPad2d(1).state_dict())


@pytest.mark.parametrize("name,args,shape", CASES[::3], ids=IDS[::3])
def test_gradcheck(name, args, shape):
    m = getattr(nn, name)(*args)
    x = ag.tensor(np.random.default_rng(0).normal(size=shape), dtype="float64",
                  requires_grad=True)
    assert gradcheck(m, (x,))


@pytest.mark.parametrize("name,args,shape", [
    ("ZeroPad2d", ((1, 2, 3),), (1, 2, 4, 4)),          # odd length
    ("ZeroPad2d", (1,), (4,)),                          # longer than 2 * ndim
    ("ConstantPad1d", (-3, 2.0), (2, 2)),              # crops below zero
    ("ReflectionPad1d", (4,), (1, 2, 4)),              # reflect as wide as the dim
    ("ReflectionPad1d", (1,), (1, 1, 2, 4)),           # 4-D input for a 1-d pad
    ("ReflectionPad2d", (1,), (2, 4)),                 # 2-D input for a 2-d pad
    ("ReflectionPad2d", ((1, 2),), (1, 2, 4, 4)),      # too short a tuple
    ("ReflectionPad3d", (1,), (3, 4, 4)),
    ("ReplicationPad2d", (1,), (4, 4)),
    ("CircularPad1d", (5,), (1, 2, 4)),                # wraps more than once
    ("CircularPad2d", (1,), (2, 4)),
    ("CircularPad3d", (1,), (3, 4, 4)),
    ("CircularPad1d", ((1, 2, 3),), (1, 2, 4)),
    ("ReflectionPad1d", (1.5,), (1, 2, 4)),            # not ints
    ("ZeroPad2d", ("a",), (1, 2, 4, 4)),
])
def test_bad_padding_raises_pytorchs_error_class(name, args, shape):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        getattr(torch.nn, name)(*args)(torch.zeros(shape))
    with pytest.raises(type(theirs.value)):
        getattr(nn, name)(*args)(ag.zeros(*shape))


@pytest.mark.parametrize("name,args,shape", CASES, ids=IDS)
def test_matches_torch_forward_and_gradient(name, args, shape):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    xa = rng.normal(size=shape).astype(np.float32)
    ours, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(ours) == repr(theirs)
    assert ours.padding == theirs.padding
    x, tx = ag.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    y, ty = ours(x), theirs(tx)
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    g = rng.normal(size=ty.shape).astype(np.float32)
    y.backward(ag.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-6)
