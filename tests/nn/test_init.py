"""nn.init: gains, fans, the distributions' bounds and moments, seeding, errors."""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
from nn import init

GAINS = [
    ("linear", None, 1.0), ("conv2d", None, 1.0), ("sigmoid", None, 1.0),
    ("tanh", None, 5 / 3), ("relu", None, math.sqrt(2)),
    ("leaky_relu", None, math.sqrt(2 / (1 + 0.01 ** 2))),
    ("leaky_relu", math.sqrt(5), math.sqrt(2 / 6)), ("selu", None, 0.75),
]


@pytest.mark.parametrize("name,param,want", GAINS)
def test_calculate_gain(name, param, want):
    assert init.calculate_gain(name, param) == pytest.approx(want)


def test_calculate_gain_matches_torch():
    torch = pytest.importorskip("torch")
    for name, param, _ in GAINS:
        assert init.calculate_gain(name, param) == pytest.approx(
            torch.nn.init.calculate_gain(name, param))


# shape (out, in, kh, kw) -> fan_in = in * kh * kw, fan_out = out * kh * kw
SHAPE = (64, 32, 3, 3)
FAN_IN, FAN_OUT = 32 * 9, 64 * 9

# name, call, expected (low, high) bound or None, expected mean, expected std
DISTS = [
    ("uniform", lambda t: init.uniform_(t, -2.0, 3.0), (-2.0, 3.0), 0.5, 5 / math.sqrt(12)),
    ("normal", lambda t: init.normal_(t, 1.0, 0.5), None, 1.0, 0.5),
    ("trunc_normal", lambda t: init.trunc_normal_(t, 0.0, 1.0, -1.0, 1.0), (-1.0, 1.0), 0.0,
     0.5376),  # the std of N(0, 1) truncated to [-1, 1]
    ("xavier_uniform", lambda t: init.xavier_uniform_(t, gain=2.0),
     (-2 * math.sqrt(6 / (FAN_IN + FAN_OUT)), 2 * math.sqrt(6 / (FAN_IN + FAN_OUT))), 0.0,
     2 * math.sqrt(2 / (FAN_IN + FAN_OUT))),
    ("xavier_normal", lambda t: init.xavier_normal_(t), None, 0.0,
     math.sqrt(2 / (FAN_IN + FAN_OUT))),
    ("kaiming_uniform", lambda t: init.kaiming_uniform_(t, nonlinearity="relu"),
     (-math.sqrt(6 / FAN_IN), math.sqrt(6 / FAN_IN)), 0.0, math.sqrt(2 / FAN_IN)),
    ("kaiming_uniform_fan_out", lambda t: init.kaiming_uniform_(t, a=0.1, mode="fan_out"),
     None, 0.0, math.sqrt(2 / (1 + 0.01)) / math.sqrt(FAN_OUT)),
    ("kaiming_normal", lambda t: init.kaiming_normal_(t, nonlinearity="relu"), None, 0.0,
     math.sqrt(2 / FAN_IN)),
]


@pytest.mark.parametrize("name,call,bounds,mean,std", DISTS, ids=[d[0] for d in DISTS])
def test_distribution_bounds_and_moments(name, call, bounds, mean, std):
    ag.manual_seed(0)
    t = ag.zeros(*SHAPE)
    assert call(t) is t
    arr = t.numpy().astype(np.float64)
    n = arr.size
    if bounds is not None:
        assert bounds[0] <= arr.min() and arr.max() <= bounds[1]
    assert abs(arr.mean() - mean) < 5 * std / math.sqrt(n)
    assert abs(arr.std() - std) < 0.03 * std


@pytest.mark.parametrize("name,call,bounds,mean,std", DISTS, ids=[d[0] for d in DISTS])
def test_seeded_and_inplace(name, call, bounds, mean, std):
    a, b = ag.zeros(4, 5), ag.zeros(4, 5)
    ag.manual_seed(3)
    call(a)
    ag.manual_seed(3)
    call(b)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert a._version == 1 and a.dtype == np.float32


def test_explicit_generator_is_used():
    a = init.normal_(ag.zeros(10), generator=np.random.default_rng(5)).numpy()
    b = init.normal_(ag.zeros(10), generator=np.random.default_rng(5)).numpy()
    np.testing.assert_array_equal(a, b)


def test_constant_zeros_ones_eye():
    t = ag.zeros(2, 3)
    assert init.constant_(t, 2.5).numpy().tolist() == [[2.5] * 3] * 2
    assert not init.zeros_(t).numpy().any()
    assert init.ones_(t).numpy().all()
    np.testing.assert_array_equal(init.eye_(ag.zeros(2, 3)).numpy(), np.eye(2, 3))


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 2, 3)])
def test_orthogonal(shape):
    w = init.orthogonal_(ag.zeros(*shape, dtype=np.float64), gain=2.0).numpy()
    flat = w.reshape(shape[0], -1)
    small = min(flat.shape)
    gram = flat @ flat.T if flat.shape[0] == small else flat.T @ flat
    np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-12)


def test_parameters_can_be_initialised_without_no_grad():
    import nn
    lin = nn.Linear(3, 3)
    init.xavier_uniform_(lin.weight)  # a leaf that requires grad: filled in place, no error
    lin(ag.randn(2, 3)).sum().backward()
    assert lin.weight.grad is not None


@pytest.mark.parametrize("call,exc,words", [
    (lambda: init.xavier_uniform_(ag.zeros(5)), ValueError, ["xavier_uniform_", "(5,)"]),
    (lambda: init.kaiming_normal_(ag.zeros(3, 3), mode="fan"), ValueError, ["fan_in"]),
    (lambda: init.calculate_gain("swish"), ValueError, ["swish"]),
    (lambda: init.calculate_gain("leaky_relu", "a"), ValueError, ["negative_slope"]),
    (lambda: init.orthogonal_(ag.zeros(3)), ValueError, ["orthogonal_"]),
    (lambda: init.trunc_normal_(ag.zeros(3), a=1.0, b=-1.0), ValueError, ["a < b"]),
    (lambda: init.uniform_(np.zeros(3)), TypeError, ["Tensor"]),
])
def test_errors(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    assert all(w in str(info.value) for w in words)
