"""Gradients at the edges of the domain, as PyTorch gives them (written values always,
PyTorch's own when it is installed)."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag

nan = float("nan")

CASES = [
    # (name, function of the inputs, input values, PyTorch's gradients)
    ("x ** 0 at 0", lambda x: x ** 0, [[0.0, 1.0]], [[0.0, 0.0]]),
    ("x ** b with b = 0 at x = 0", lambda x, b: x ** b, [[0.0, 0.0], [0.0, 1.0]],
     [[0.0, 1.0], [0.0, 0.0]]),
    ("0 ** x", lambda x: ag.zeros(2, dtype=ag.float64) ** x, [[2.0, 0.0]], [[0.0, 0.0]]),
    ("(-2) ** x", lambda x: ag.full((2,), -2.0, dtype=ag.float64) ** x, [[2.0, 3.0]],
     [[nan, nan]]),
    ("std of a constant", lambda x: x.std(), [[1.0, 1.0, 1.0]], [[0.0, 0.0, 0.0]]),
    ("var of a constant", lambda x: x.var(), [[1.0, 1.0, 1.0]], [[0.0, 0.0, 0.0]]),
    ("sqrt at 0", lambda x: x.sqrt(), [[0.0, 4.0]], [[float("inf"), 0.25]]),
    ("abs at 0", lambda x: x.abs(), [[0.0, -1.0]], [[0.0, -1.0]]),
    ("relu at 0", lambda x: x.relu(), [[0.0, 1.0]], [[0.0, 1.0]]),
    ("max with ties", lambda x: x.max(), [[1.0, 3.0, 3.0]], [[0.0, 0.5, 0.5]]),
    ("min with ties", lambda x: x.min(), [[1.0, 1.0, 3.0]], [[0.5, 0.5, 0.0]]),
    ("clamp at its bounds", lambda x: x.clamp(0.0, 1.0), [[0.0, 1.0, 0.5]], [[1.0, 1.0, 1.0]]),
]

TORCH = {
    "x ** 0 at 0": lambda t, x: x ** 0,
    "x ** b with b = 0 at x = 0": lambda t, x, b: x ** b,
    "0 ** x": lambda t, x: t.zeros(2, dtype=t.float64) ** x,
    "(-2) ** x": lambda t, x: t.full((2,), -2.0, dtype=t.float64) ** x,
    "std of a constant": lambda t, x: x.std(),
    "var of a constant": lambda t, x: x.var(),
    "sqrt at 0": lambda t, x: x.sqrt(),
    "abs at 0": lambda t, x: x.abs(),
    "relu at 0": lambda t, x: x.relu(),
    "max with ties": lambda t, x: x.max(),
    "min with ties": lambda t, x: x.min(),
    "clamp at its bounds": lambda t, x: x.clamp(0.0, 1.0),
}


def _grads(fn, values):
    xs = [ag.tensor(np.array(v, np.float64), requires_grad=True) for v in values]
    fn(*xs).sum().backward()
    return [x.grad.numpy() for x in xs]


@pytest.mark.parametrize("name,fn,values,expected", CASES, ids=[c[0] for c in CASES])
def test_written_gradients(name, fn, values, expected):
    with np.errstate(all="ignore"):
        got = _grads(fn, values)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, np.array(e))


@pytest.mark.parametrize("name,fn,values,expected", CASES, ids=[c[0] for c in CASES])
def test_gradients_match_torch(name, fn, values, expected):
    torch = pytest.importorskip("torch")
    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    TORCH[name](torch, *ts).sum().backward()
    with np.errstate(all="ignore"):
        got = _grads(fn, values)
    for g, t in zip(got, ts):
        np.testing.assert_array_equal(g, t.grad.numpy())
