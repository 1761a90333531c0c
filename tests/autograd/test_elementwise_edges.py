"""The elementwise math at the edges of its domain, and with integer input, as PyTorch.

Written values always run; the same inputs go through PyTorch when it is installed.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag

NAN = float("nan")
INF = float("inf")


def _grads(fn, *values):
    xs = [ag.tensor(v, dtype="float64", requires_grad=True) for v in values]
    out = fn(*xs)
    out.sum().backward()
    return out.array, [x.grad.array for x in xs]


# (op, inputs, expected output, expected gradient of each input), PyTorch's values
EDGES = [
    ("floor", (lambda x: ag.floor(x)), ([-1.5, 0.0, 2.0],), [-2.0, 0.0, 2.0], [[0, 0, 0]]),
    ("round", (lambda x: ag.round(x)), ([0.5, 1.5, -0.5],), [0.0, 2.0, -0.0], [[0, 0, 0]]),
    ("round", (lambda x: ag.round(x, decimals=1)), ([0.26, 1.234],), [0.3, 1.2], [[0, 0]]),
    ("sign", (lambda x: ag.sign(x)), ([0.0, -2.0, 3.0],), [0.0, -1.0, 1.0], [[0, 0, 0]]),
    ("frac", (lambda x: ag.frac(x)), ([-1.25, 2.5],), [-0.25, 0.5], [[1, 1]]),
    ("atan2", ag.atan2, ([0.0, 1.0], [0.0, -1.0]), [0.0, 3 * math.pi / 4],
     [[0.0, -0.5], [0.0, -0.5]]),
    ("xlogy", ag.xlogy, ([0.0, 0.0, 2.0], [0.0, 3.0, 0.5]), [0.0, 0.0, 2 * math.log(0.5)],
     [[0.0, math.log(3.0), math.log(0.5)], [NAN, 0.0, 4.0]]),
    ("hypot", ag.hypot, ([0.0, 3.0], [0.0, 4.0]), [0.0, 5.0], [[NAN, 0.6], [NAN, 0.8]]),
    ("copysign", ag.copysign, ([0.0, 1.5, -2.5], [-1.0, 2.0, 2.0]), [-0.0, 1.5, 2.5],
     [[0.0, 1.0, -1.0], [0.0, 0.0, 0.0]]),
    ("fmod", ag.fmod, ([-2.5, 3.0], [2.0, -1.0]), [-0.5, 0.0], [[1, 1], [1.0, 3.0]]),
    ("remainder", ag.remainder, ([-2.5, 3.0], [2.0, -1.0]), [1.5, 0.0], [[1, 1], [2.0, 3.0]]),
    ("floor_divide", ag.floor_divide, ([-2.5, 3.0], [2.0, -1.0]), [-2.0, -3.0],
     [[0, 0], [0, 0]]),
    ("div-trunc", (lambda a, b: ag.div(a, b, rounding_mode="trunc")), ([-2.5, 3.0], [2.0, 2.0]),
     [-1.0, 1.0], [[0, 0], [0, 0]]),
    ("logit-eps", (lambda x: ag.logit(x, eps=0.1)), ([0.05, 0.1, 0.5],),
     [math.log(1 / 9), math.log(1 / 9), 0.0], [[0.0, 1 / 0.09, 4.0]]),
    ("logit", (lambda x: ag.logit(x)), ([0.0, 0.5],), [-INF, 0.0], [[INF, 4.0]]),
    ("nan_to_num", (lambda x: ag.nan_to_num(x, posinf=7.0)), ([NAN, INF, 1.0],),
     [0.0, 7.0, 1.0], [[0, 0, 1]]),
    ("logaddexp", ag.logaddexp, ([-INF, 0.0], [-INF, 0.0]), [-INF, math.log(2)],
     [[NAN, 0.5], [NAN, 0.5]]),
    ("erfinv", (lambda x: ag.erfinv(x)), ([1.0, -1.0, 0.0],), [INF, -INF, 0.0],
     [[INF, INF, math.sqrt(math.pi) / 2]]),
    ("rsqrt", (lambda x: ag.rsqrt(x)), ([0.0, 4.0],), [INF, 0.5], [[-INF, -1 / 16]]),
    ("acosh", (lambda x: ag.acosh(x)), ([1.0, 0.5],), [0.0, NAN], [[INF, NAN]]),
    ("clamp_min", (lambda x: ag.clamp_min(x, 0.5)), ([0.5, 0.2, 1.0],), [0.5, 0.5, 1.0],
     [[1, 0, 1]]),
    ("lerp", (lambda a, b: ag.lerp(a, b, 0.25)), ([0.0, 10.0], [10.0, 20.0]), [2.5, 12.5],
     [[0.75, 0.75], [0.25, 0.25]]),
]


@pytest.mark.parametrize("name,fn,inputs,out,grads", EDGES, ids=[e[0] for e in EDGES])
def test_edge_values_and_gradients(name, fn, inputs, out, grads):
    with np.errstate(all="ignore"):
        got, got_grads = _grads(fn, *inputs)
    np.testing.assert_allclose(got, out, rtol=1e-12, atol=1e-15)
    for g, want in zip(got_grads, grads):
        np.testing.assert_allclose(g, want, rtol=1e-12, atol=1e-15)


TORCH = {"floor": "floor", "round": "round", "sign": "sign", "frac": "frac", "atan2": "atan2",
         "xlogy": "xlogy", "hypot": "hypot", "copysign": "copysign", "fmod": "fmod",
         "remainder": "remainder", "logaddexp": "logaddexp", "erfinv": "erfinv",
         "rsqrt": "rsqrt", "acosh": "acosh"}


@pytest.mark.parametrize("name,fn,inputs,out,grads", [e for e in EDGES if e[0] in TORCH],
                         ids=[e[0] for e in EDGES if e[0] in TORCH])
def test_edges_match_pytorch(name, fn, inputs, out, grads):
    torch = pytest.importorskip("torch")
    if name == "round" and len(inputs[0]) == 2:
        tfn = lambda x: torch.round(x, decimals=1)  # noqa: E731
    else:
        tfn = getattr(torch, TORCH[name])
    xs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in inputs]
    y = tfn(*xs)
    y.sum().backward()
    np.testing.assert_allclose(out, y.detach().numpy(), rtol=1e-12, atol=1e-15)
    for g, x in zip(grads, xs):
        np.testing.assert_allclose(g, x.grad.numpy(), rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------ integer input
INTS = [
    (lambda x: ag.floor(x), [-3, 2], [-3, 2], np.int64),
    (lambda x: ag.round(x), [-3, 2], [-3, 2], np.int64),
    (lambda x: ag.sign(x), [-3, 0, 2], [-1, 0, 1], np.int64),
    (lambda x: ag.square(x), [-3, 2], [9, 4], np.int64),
    (lambda x: ag.reciprocal(x), [2, 4], [0.5, 0.25], np.float32),
    (lambda x: ag.sqrt(x), [4], [2.0], np.float32),
    (lambda x: ag.exp2(x), [3], [8.0], np.float32),
    (lambda x: x % 3, [5, -5], [2, 1], np.int64),
    (lambda x: ag.fmod(x, 3), [5, -5], [2, -2], np.int64),
    (lambda x: x // 2, [5, -5], [2, -3], np.int64),
    (lambda x: ag.div(x, 2, rounding_mode="trunc"), [5, -5], [2, -2], np.int64),
    (lambda x: ag.div(x, 2, rounding_mode="floor"), [5, -5], [2, -3], np.int64),
    (lambda x: x // 2.5, [5, -5], [2.0, -2.0], np.float32),
    (lambda x: ag.atan2(x, 1), [0], [0.0], np.float32),
    (lambda x: ag.nan_to_num(x), [1, 2], [1, 2], np.int64),
]


@pytest.mark.parametrize("k", range(len(INTS)))
def test_integer_input_dtypes_as_pytorch(k):
    fn, x, want, dtype = INTS[k]
    y = fn(ag.tensor(x))
    assert y.dtype == dtype and not y.requires_grad
    np.testing.assert_allclose(y.array, want)


def test_integer_division_by_zero_is_refused_and_frac_needs_floats():
    for call in (lambda: ag.tensor([1]) // 0, lambda: ag.tensor([1]) % 0,
                 lambda: ag.div(ag.tensor([1]), 0, rounding_mode="trunc")):
        with pytest.raises(RuntimeError, match="division by zero"):
            call()
    with pytest.raises(TypeError, match="frac.*int64"):
        ag.frac(ag.tensor([1, 2]))
    with pytest.raises(ValueError, match="rounding_mode.*'ceil'"):
        ag.div(ag.ones(2), 2, rounding_mode="ceil")


def test_float_division_by_zero_follows_ieee():
    with np.errstate(all="ignore"):
        y = ag.tensor([1.0, -1.0, 0.0]) // 0.0
        r = ag.tensor([1.0]) % 0.0
    assert y.tolist()[:2] == [INF, -INF] and math.isnan(y.tolist()[2])
    assert math.isnan(r.item())


def test_float32_stays_float32_and_gradgrad_of_a_rounding_op_is_zero():
    x = ag.tensor([0.3, 1.7], requires_grad=True)
    for op in (ag.tan, ag.erfinv, ag.floor, ag.expm1, ag.log1p, ag.hardswish, ag.selu):
        assert op(x).dtype == np.float32
    (g,) = ag.grad(ag.floor(x).sum(), [x], create_graph=True)
    assert g.tolist() == [0.0, 0.0]
