"""Lazy layers (LazyLinear, LazyConv1d/2d) and nn.parameter.UninitializedParameter."""
import copy

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn.parameter import Parameter, UninitializedParameter


def test_first_forward_infers_in_features_and_becomes_linear():
    m = nn.LazyLinear(4)
    assert repr(m) == "LazyLinear(in_features=0, out_features=4, bias=True)"
    weight, bias = m.weight, m.bias
    assert isinstance(weight, UninitializedParameter) and m.has_uninitialized_params()
    assert list(m.state_dict()) == ["weight", "bias"]
    y = m(ag.randn(2, 3))
    assert y.shape == (2, 4)
    assert type(m) is nn.Linear and repr(m) == "Linear(in_features=3, out_features=4, bias=True)"
    assert m.weight is weight and type(weight) is Parameter and weight.shape == (4, 3)
    assert m.bias is bias and bias.shape == (4,)
    assert not m._forward_pre_hooks
    bound = 1 / np.sqrt(3)  # Linear's default init, drawn at the first forward
    assert np.abs(weight.numpy()).max() <= bound and np.abs(bias.numpy()).max() <= bound
    assert nn.LazyLinear(2)(ag.randn(5)).shape == (2,)  # unbatched input


def test_uninitialized_parameter_refuses_what_has_no_answer():
    p = nn.LazyLinear(2, bias=False).weight
    assert repr(p) == "<UninitializedParameter>"
    with pytest.raises(RuntimeError, match="shape"):
        _ = p.shape
    with pytest.raises(ValueError, match="uninitialized"):
        p.numel()
    m = nn.LazyLinear(3, bias=False)
    assert m.bias is None and list(m.state_dict()) == ["weight"]
    clone = copy.deepcopy(m)
    assert isinstance(clone.weight, UninitializedParameter) and clone.weight is not m.weight
    clone(ag.randn(1, 6))
    assert m.has_uninitialized_params() and clone.weight.shape == (3, 6)


def test_dtype_conversion_before_the_first_forward():
    m = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(1)).double()
    m(ag.randn(2, 3, dtype="float64"))
    assert m[0].weight.dtype == np.float64 and m[2].weight.shape == (1, 4)
    assert nn.LazyLinear(2, dtype="float64").weight.dtype == np.float64


def test_load_state_dict_materialises_and_checks_the_first_input():
    src = nn.Linear(3, 4)
    m = nn.LazyLinear(4)
    weight = m.weight
    m.load_state_dict(src.state_dict())
    assert m.weight is weight and m.weight.shape == (4, 3)
    np.testing.assert_array_equal(m.weight.numpy(), src.weight.numpy())
    assert type(m) is nn.LazyLinear and m.in_features == 0  # as PyTorch, until forward
    with pytest.raises(AssertionError, match="in_features"):
        m(ag.randn(2, 5))
    x = ag.randn(2, 3)
    np.testing.assert_allclose(m(x).numpy(), src(x).numpy())
    assert type(m) is nn.Linear and m.in_features == 3
    lazy_too = nn.LazyLinear(4)
    lazy_too.load_state_dict(nn.LazyLinear(4).state_dict())  # nothing to load yet
    assert lazy_too.has_uninitialized_params()
    with pytest.raises(RuntimeError, match="size mismatch"):
        nn.Linear(3, 4).load_state_dict(nn.LazyLinear(4).state_dict())


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_optimizer_built_before_the_first_forward_updates_the_weights(opt_name):
    m = nn.Sequential(nn.LazyLinear(4), nn.Tanh(), nn.LazyLinear(1))
    opt = getattr(optim, opt_name)(m.parameters(), lr=0.1)
    x = ag.randn(8, 3)
    m(x).pow(2).mean().backward()
    before = [p.numpy().copy() for p in m.parameters()]
    opt.step()
    assert all(p is q for p, q in zip(opt.param_groups[0]["params"], m.parameters()))
    assert all((b != p.numpy()).all() for b, p in zip(before, m.parameters()))


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_optimizer_before_first_forward_matches_torch(opt_name):
    torch = pytest.importorskip("torch")
    ours, theirs = nn.LazyLinear(3), torch.nn.LazyLinear(3)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    opt = getattr(optim, opt_name)(ours.parameters(), lr=0.05)
    topt = getattr(torch.optim, opt_name)(theirs.parameters(), lr=0.05)
    xa = np.random.default_rng(0).normal(size=(6, 5)).astype(np.float32)
    ours(ag.tensor(xa))  # the dry run materialises both
    theirs(torch.tensor(xa))
    assert repr(ours) == repr(theirs) and type(ours).__name__ == type(theirs).__name__
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(ours.weight.numpy()))
        theirs.bias.copy_(torch.tensor(ours.bias.numpy()))
    for _ in range(3):
        ours(ag.tensor(xa)).pow(2).mean().backward()
        theirs(torch.tensor(xa)).pow(2).mean().backward()
        opt.step()
        topt.step()
        opt.zero_grad()
        topt.zero_grad()
    np.testing.assert_allclose(ours.weight.numpy(), theirs.weight.detach().numpy(), rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize("name,args,kwargs,shape", [
    ("LazyConv1d", (4, 3), {}, (2, 5, 9)),
    ("LazyConv1d", (4, 3), {"padding": 1, "bias": False}, (5, 9)),
    ("LazyConv2d", (6, 3), {"stride": 2, "groups": 2}, (2, 4, 7, 7)),
    ("LazyConv2d", (2, (3, 2)), {"padding": 1, "dilation": 2}, (3, 6, 6)),
    ("LazyConv3d", (4, 3), {"padding": 1, "stride": (1, 2, 1)}, (2, 3, 4, 5, 4)),
    ("LazyConv3d", (4, (2, 3, 1)), {"groups": 2, "bias": False}, (2, 4, 4, 4)),
])
def test_lazy_conv_matches_torch(name, args, kwargs, shape):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    xa = np.random.default_rng(1).normal(size=shape).astype(np.float32)
    ours(ag.tensor(xa))
    theirs(torch.tensor(xa))
    assert repr(ours) == repr(theirs) and type(ours).__name__ == type(theirs).__name__
    assert ours.weight.shape == tuple(theirs.weight.shape)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    np.testing.assert_allclose(ours(ag.tensor(xa)).numpy(),
                               theirs(torch.tensor(xa)).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_lazy_conv_checks_its_input():
    with pytest.raises(ValueError, match="divisible"):
        nn.LazyConv2d(4, 3, groups=2)(ag.randn(1, 3, 5, 5))
    with pytest.raises(RuntimeError, match="4-D"):
        nn.LazyConv2d(4, 3)(ag.randn(5, 5))
    m = nn.LazyConv2d(4, 3)
    m.load_state_dict(nn.Conv2d(2, 4, 3).state_dict())
    assert m.weight.shape == (4, 2, 3, 3)


def test_an_uninitialized_parameter_refuses_every_op_as_pytorch():
    p = nn.parameter.UninitializedParameter()
    for use in (lambda: p + 1, lambda: ag.zeros_like(p), lambda: p.sum(), lambda: p * p):
        with pytest.raises(ValueError, match="uninitialized parameter"):
            use()
    assert p.dtype == np.float32  # the dtype it will have is known


def test_adagrad_built_before_the_first_forward_says_why_as_pytorch():
    with pytest.raises(ValueError, match="uninitialized parameter"):
        optim.Adagrad(nn.LazyLinear(3).parameters())
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match="uninitialized parameter"):
        torch.optim.Adagrad(torch.nn.LazyLinear(3).parameters())
