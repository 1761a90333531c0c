"""Linear, Bilinear, shape layers, activations and Dropout: one table, generic checks.

Every layer gets: forward shape, gradients w.r.t. inputs *and* parameters by
central differences (float64), and, where PyTorch is installed, the same
architecture in torch loaded with our state dict gives the same outputs,
gradients and repr.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
import nn
from autograd.gradcheck import gradcheck

# name, our factory, torch factory, input shapes, output shape
LAYERS = [
    ("Linear", lambda: nn.Linear(4, 3), lambda t: t.nn.Linear(4, 3), [(5, 4)], (5, 3)),
    ("Linear-3d-nobias", lambda: nn.Linear(4, 3, bias=False),
     lambda t: t.nn.Linear(4, 3, bias=False), [(2, 3, 4)], (2, 3, 3)),
    ("Bilinear", lambda: nn.Bilinear(3, 4, 2), lambda t: t.nn.Bilinear(3, 4, 2),
     [(5, 3), (5, 4)], (5, 2)),
    ("Identity", lambda: nn.Identity(), lambda t: t.nn.Identity(), [(2, 3)], (2, 3)),
    ("Flatten", lambda: nn.Flatten(), lambda t: t.nn.Flatten(), [(2, 3, 2, 2)], (2, 12)),
    ("Unflatten", lambda: nn.Unflatten(1, (3, 4)), lambda t: t.nn.Unflatten(1, (3, 4)),
     [(2, 12)], (2, 3, 4)),
    ("ReLU", lambda: nn.ReLU(), lambda t: t.nn.ReLU(), [(3, 4)], (3, 4)),
    ("ReLU6", lambda: nn.ReLU6(), lambda t: t.nn.ReLU6(), [(3, 4)], (3, 4)),
    ("LeakyReLU", lambda: nn.LeakyReLU(0.2), lambda t: t.nn.LeakyReLU(0.2), [(3, 4)], (3, 4)),
    ("PReLU", lambda: nn.PReLU(), lambda t: t.nn.PReLU(), [(3, 4)], (3, 4)),
    ("PReLU-channels", lambda: nn.PReLU(3, init=0.1), lambda t: t.nn.PReLU(3, init=0.1),
     [(2, 3, 4)], (2, 3, 4)),
    ("ELU", lambda: nn.ELU(0.7), lambda t: t.nn.ELU(0.7), [(3, 4)], (3, 4)),
    ("Sigmoid", lambda: nn.Sigmoid(), lambda t: t.nn.Sigmoid(), [(3, 4)], (3, 4)),
    ("Tanh", lambda: nn.Tanh(), lambda t: t.nn.Tanh(), [(3, 4)], (3, 4)),
    ("GELU", lambda: nn.GELU(), lambda t: t.nn.GELU(), [(3, 4)], (3, 4)),
    ("GELU-tanh", lambda: nn.GELU("tanh"), lambda t: t.nn.GELU("tanh"), [(3, 4)], (3, 4)),
    ("SiLU", lambda: nn.SiLU(), lambda t: t.nn.SiLU(), [(3, 4)], (3, 4)),
    ("Softplus", lambda: nn.Softplus(beta=2.0), lambda t: t.nn.Softplus(beta=2.0), [(3, 4)],
     (3, 4)),
    ("Softmax", lambda: nn.Softmax(dim=1), lambda t: t.nn.Softmax(dim=1), [(3, 4)], (3, 4)),
    ("LogSoftmax", lambda: nn.LogSoftmax(dim=-1), lambda t: t.nn.LogSoftmax(dim=-1),
     [(2, 3, 4)], (2, 3, 4)),
    ("Dropout-eval", lambda: nn.Dropout(0.3).eval(), lambda t: t.nn.Dropout(0.3).eval(),
     [(3, 4)], (3, 4)),
    ("Sequential-MLP", lambda: nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2)),
     lambda t: t.nn.Sequential(t.nn.Linear(4, 6), t.nn.Tanh(), t.nn.Linear(6, 2)),
     [(5, 4)], (5, 2)),
]
IDS = [layer[0] for layer in LAYERS]


def _inputs(shapes, seed=0):
    rng = np.random.default_rng(seed)
    # |x| >= 0.05 keeps inputs away from the ReLU-family kinks at 0
    return [rng.choice([-1.0, 1.0], s) * rng.uniform(0.05, 2.0, s) for s in shapes]


def _call_with(module: nn.Module, params: dict, *inputs):
    """Run ``module`` with its parameters temporarily replaced by ``params``."""
    saved = []
    for name, value in params.items():
        path, _, leaf = name.rpartition(".")
        sub = module.get_submodule(path)
        saved.append((sub, leaf, sub._parameters[leaf]))
        sub._parameters[leaf] = value
    try:
        return module(*inputs)
    finally:
        for sub, leaf, old in saved:
            sub._parameters[leaf] = old


@pytest.mark.parametrize("name,ours,_t,shapes,out_shape", LAYERS, ids=IDS)
def test_forward_shape_and_dtype(name, ours, _t, shapes, out_shape):
    m = ours()
    y = m(*[ag.tensor(x, dtype="float32") for x in _inputs(shapes)])
    assert y.shape == out_shape and y.dtype == np.float32


@pytest.mark.parametrize("name,ours,_t,shapes,out_shape", LAYERS, ids=IDS)
def test_gradients_wrt_inputs_and_parameters(name, ours, _t, shapes, out_shape):
    m = ours().double()
    names = [n for n, _ in m.named_parameters()]
    params = [ag.tensor(p.numpy().copy(), requires_grad=True) for p in m.parameters()]
    xs = [ag.tensor(x, requires_grad=True) for x in _inputs(shapes)]
    k = len(xs)

    def f(*args):
        return _call_with(m, dict(zip(names, args[k:])), *args[:k])

    assert gradcheck(f, tuple(xs + params))


@pytest.mark.parametrize("name,ours,theirs,shapes,out_shape", LAYERS, ids=IDS)
def test_matches_torch_with_our_state_dict(name, ours, theirs, shapes, out_shape):
    torch = pytest.importorskip("torch")
    m = ours().double()
    tm = theirs(torch).double()
    tm.load_state_dict({k: torch.from_numpy(v.numpy().copy())
                        for k, v in m.state_dict().items()})
    xs = _inputs(shapes)
    ours_in = [ag.tensor(x, requires_grad=True) for x in xs]
    torch_in = [torch.tensor(x, requires_grad=True) for x in xs]
    y, ty = m(*ours_in), tm(*torch_in)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(1).standard_normal(y.shape)
    y.backward(ag.tensor(g))
    ty.backward(torch.tensor(g))
    for a, b in zip(ours_in, torch_in):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)
    for (n, p), (tn, tp) in zip(m.named_parameters(), tm.named_parameters()):
        assert n == tn
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert repr(m) == repr(tm)


# ---------------------------------------------------------------- Linear details
def test_linear_layout_and_default_init_match_pytorch():
    ag.manual_seed(0)
    m = nn.Linear(200, 300)
    assert m.weight.shape == (300, 200) and m.bias.shape == (300,)
    bound = 1 / math.sqrt(200)  # kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(in), 1/sqrt(in))
    w, b = m.weight.numpy(), m.bias.numpy()
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound
    assert abs(w.mean()) < 0.02 * bound
    assert abs(np.abs(w).max() - bound) < 0.01 * bound  # fills the whole interval


def test_init_is_reproducible_with_manual_seed():
    ag.manual_seed(123)
    a = nn.Linear(5, 5)
    ag.manual_seed(123)
    b = nn.Linear(5, 5)
    np.testing.assert_array_equal(a.weight.numpy(), b.weight.numpy())
    assert not np.array_equal(a.weight.numpy(), nn.Linear(5, 5).weight.numpy())


@pytest.mark.parametrize("call,exc,words", [
    (lambda: nn.Linear(4, 3)(ag.zeros(2, 5)), ValueError, ["linear", "(2, 5)", "(3, 4)"]),
    (lambda: nn.Linear(-1, 3), ValueError, ["in_features"]),
    (lambda: nn.Linear(2, 3, dtype="int64"), TypeError, ["floating"]),
    (lambda: nn.PReLU(3)(ag.zeros(2, 4)), ValueError, ["PReLU", "3 channels"]),
    (lambda: nn.Unflatten(1, (3, 5))(ag.zeros(2, 12)), ValueError, ["Unflatten", "(3, 5)"]),
    (lambda: nn.Dropout(1.5), ValueError, ["between 0 and 1"]),
    (lambda: nn.GELU("fast"), ValueError, ["approximate"]),
    (lambda: nn.Bilinear(3, 4, 2)(ag.zeros(2, 4), ag.zeros(2, 4)), ValueError, ["bilinear"]),
])
def test_bad_arguments_raise_clear_errors(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    assert all(w in str(info.value) for w in words)


# ---------------------------------------------------------------- Dropout
def test_dropout_train_statistics_and_scaling():
    ag.manual_seed(0)
    drop = nn.Dropout(0.3)
    x = ag.ones(200, 500, requires_grad=True)
    y = drop(x)
    arr = y.numpy()
    kept = arr != 0
    assert abs(1 - kept.mean() - 0.3) < 0.005
    np.testing.assert_allclose(arr[kept], 1 / 0.7, rtol=1e-6)
    assert abs(arr.mean() - 1.0) < 0.01  # the expected value is unchanged
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), arr)  # grad = mask / (1 - p)


def test_dropout_eval_and_edge_probabilities():
    x = ag.randn(4, 4)
    drop = nn.Dropout(0.5)
    assert drop.eval()(x) is x
    assert nn.Dropout(0.0)(x) is x
    assert not nn.Dropout(1.0)(x).numpy().any()


def test_dropout_is_reproducible_with_seed_and_varies_without():
    x = ag.ones(1000)
    ag.manual_seed(7)
    a = nn.Dropout(0.5)(x).numpy()
    b = nn.Dropout(0.5)(x).numpy()
    ag.manual_seed(7)
    c = nn.Dropout(0.5)(x).numpy()
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(a, b)


def test_model_eval_turns_off_nested_dropout():
    net = nn.Sequential(nn.Linear(8, 8), nn.Dropout(0.9), nn.Linear(8, 2))
    x = ag.randn(3, 8)
    net.eval()
    np.testing.assert_array_equal(net(x).numpy(), net(x).numpy())
    net.train()
    assert not np.array_equal(net(x).numpy(), net(x).numpy())


def test_softmax_without_dim_warns_and_uses_pytorchs_choice():
    with pytest.warns(UserWarning, match="dim"):
        y = nn.Softmax()(ag.randn(2, 3))
    np.testing.assert_allclose(y.numpy().sum(1), 1.0, rtol=1e-6)
