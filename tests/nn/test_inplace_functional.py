"""F.relu_, F.elu_, ... : the in-place activations write into their input, count the write,
differentiate as PyTorch's and refuse a leaf that requires grad."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn.functional as F

# name, our call, PyTorch's call (same arguments)
CASES = [
    ("relu_", lambda F_, x: F_.relu_(x)),
    ("elu_", lambda F_, x: F_.elu_(x, 0.7)),
    ("celu_", lambda F_, x: F_.celu_(x, 1.5)),
    ("selu_", lambda F_, x: F_.selu_(x)),
    ("leaky_relu_", lambda F_, x: F_.leaky_relu_(x, 0.2)),
    ("hardtanh_", lambda F_, x: F_.hardtanh_(x, -0.5, 0.8)),
    ("rrelu_", lambda F_, x: F_.rrelu_(x, 0.1, 0.3)),  # eval: the mean slope
    ("threshold_", lambda F_, x: F_.threshold_(x, 0.1, -2.0)),
]
X = np.array([[-1.5, -0.3, 0.05, 0.4], [1.2, -0.7, 2.5, -2.0]])


@pytest.mark.parametrize("name,call", CASES, ids=[c[0] for c in CASES])
def test_writes_into_the_input_and_matches_out_of_place(name, call):
    x = ag.tensor(X.copy())
    before = x._version
    out = call(F, x)
    assert out is x and x._version == before + 1
    plain = getattr(F, name[:-1])
    kw = {"rrelu": dict(lower=0.1, upper=0.3)}.get(name[:-1], {})
    args = {"elu": (0.7,), "celu": (1.5,), "leaky_relu": (0.2,), "hardtanh": (-0.5, 0.8),
            "threshold": (0.1, -2.0)}.get(name[:-1], ())
    np.testing.assert_allclose(x.numpy(), plain(ag.tensor(X), *args, **kw).numpy(), rtol=1e-12)


@pytest.mark.parametrize("name,call", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_pytorch(name, call):
    torch = pytest.importorskip("torch")
    up = np.random.default_rng(0).standard_normal(X.shape)
    leaf = ag.tensor(X, requires_grad=True)
    y = leaf * 2.0
    call(F, y)
    (y * ag.tensor(up)).sum().backward()
    tleaf = torch.tensor(X, requires_grad=True)
    ty = tleaf * 2.0
    call(torch.nn.functional, ty)
    (ty * torch.tensor(up)).sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(leaf.grad.numpy(), tleaf.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name,call", CASES, ids=[c[0] for c in CASES])
def test_leaf_that_requires_grad_refuses(name, call):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match="leaf"):
        call(torch.nn.functional, torch.tensor(X, requires_grad=True))
    with pytest.raises(RuntimeError, match=f"{name}.*leaf"):
        call(F, ag.tensor(X, requires_grad=True))
    x = ag.tensor(X, requires_grad=True)
    with ag.no_grad():
        call(F, x)  # allowed under no_grad, as PyTorch
    assert x.grad_fn is None


def test_a_saved_tensor_overwritten_makes_backward_raise():
    x = ag.tensor(X, requires_grad=True)
    s = (x * 1.0).sigmoid()  # sigmoid saves its output for backward
    F.relu_(s)  # ...which is then overwritten
    with pytest.raises(RuntimeError, match="modified by an in-place operation.*Sigmoid"):
        s.sum().backward()


def test_non_tensor_is_refused():
    with pytest.raises(TypeError, match="relu_"):
        F.relu_([1.0, -1.0])
