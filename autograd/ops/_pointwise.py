"""The shared shape of a one-input elementwise op: its numpy function and its derivative.

An op of this kind is a :class:`Pointwise` subclass that names the two side by
side (``f`` on numpy arrays, ``df`` in Tensor ops, so double backward works)
plus its drawing symbol and derivative label::

    class Expm1(Pointwise):
        symbol = "eˣ−1"
        derivative = elementwise("∂(eˣ−1)/∂x = eˣ", lambda x, y: y + 1)
        f = staticmethod(np.expm1)
        df = staticmethod(lambda x, y: y + 1.0)

``forward`` saves the input and the output; ``backward`` multiplies the
upstream gradient by ``df(x, y)``.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._common import float_arg, tensor_arg
from ._notation import elementwise


class Pointwise(Function):
    """Base of the one-input elementwise ops: ``y = f(x)``, ``dy/dx = df(x, y)``."""

    symbol = "f"
    derivative = elementwise("∂f/∂x = f′(x)", lambda x, y: None)
    f: Any = staticmethod(np.positive)
    df: Any = staticmethod(lambda x, y: 1.0)

    @staticmethod
    def forward(ctx, x):
        with np.errstate(invalid="ignore", divide="ignore"):  # NaN and ±inf are the answers
            out = np.asarray(type(ctx).f(x)).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return grad * type(ctx).df(x, y)


class Flat(Function):
    """Base of the piecewise-constant ops (floor, sign, ...): their gradient is zero, as PyTorch."""

    symbol = "⌊x⌉"
    derivative = elementwise("∂/∂x = 0 (flat between its jumps)", lambda x, y: 0.0)
    f: Any = staticmethod(np.floor)

    @staticmethod
    def forward(ctx, x):
        return np.asarray(type(ctx).f(x)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad)


def zeros_like(t: Tensor) -> Tensor:
    """A constant zero gradient of ``t``'s shape and dtype."""
    return Tensor._make(np.zeros(t.shape, t.array.dtype))


def unary(cls: type[Function], x: Any, op: str) -> Tensor:
    """Apply a floating-point elementwise op: integer and bool input take the default dtype."""
    return cls.apply(float_arg(x, op))


def same_dtype(cls: type[Function], x: Any, op: str,
               on_int: Callable[[np.ndarray], np.ndarray] = np.copy) -> Tensor:
    """Apply an op that keeps the input's dtype; integer and bool input go through ``on_int``
    (floor and ceil of an int64 tensor are copies of it), never requiring grad."""
    x = tensor_arg(x, op)
    if x.array.dtype.kind in "biu":
        return Tensor._make(np.asarray(on_int(x.array)).astype(x.array.dtype, copy=False))
    return cls.apply(x)
