"""Elementwise math: exp, log, sqrt, abs, sin, cos, tanh, sigmoid, erf, cast, clone.

Where the derivative can be written with the output (exp, sqrt, tanh,
sigmoid), backward reuses the saved output instead of recomputing.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from ..registry import register
from ..tensor import Tensor
from ._common import float_arg, tensor_arg
from ._notation import elementwise


class Exp(Function):
    symbol = "exp"
    derivative = elementwise("∂eˣ/∂x = eˣ", lambda x, y: y)

    @staticmethod
    def forward(ctx, x):
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out

    @staticmethod
    def backward_arrays(ctx, grad):
        (out,) = ctx.saved_arrays
        return grad * out


@register(method=True)
def exp(x: Tensor) -> Tensor:
    """Elementwise e**x.

    Example:
        >>> import autograd as ag
        >>> ag.exp(ag.tensor([0.0, 1.0]))
        tensor([1.0000, 2.7183])
    """
    x = float_arg(x, "exp")
    return Exp.apply(x)


class Log(Function):
    symbol = "log"
    derivative = elementwise("∂ln x/∂x = 1/x", lambda x, y: 1.0 / x)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x

    @staticmethod
    def backward_arrays(ctx, grad):
        (x,) = ctx.saved_arrays
        return grad / x


@register(method=True)
def log(x: Tensor) -> Tensor:
    """Elementwise natural logarithm (``-inf`` at 0, ``nan`` below, as numpy)."""
    x = float_arg(x, "log")
    return Log.apply(x)


class Sqrt(Function):
    symbol = "√"
    derivative = elementwise("∂√x/∂x = 1/(2√x)", lambda x, y: 0.5 / y)

    @staticmethod
    def forward(ctx, x):
        out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (out * 2.0)


@register(method=True)
def sqrt(x: Tensor) -> Tensor:
    """Elementwise square root."""
    x = float_arg(x, "sqrt")
    return Sqrt.apply(x)


class Abs(Function):
    symbol = "|x|"
    derivative = elementwise("∂|x|/∂x = sign x", lambda x, y: np.sign(x))

    @staticmethod
    def forward(ctx, x):
        ctx.sign = np.sign(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * Tensor._make(ctx.sign)  # sign(0) = 0, as PyTorch


@register(method=True, aliases=("absolute",))
def abs(x: Tensor) -> Tensor:  # noqa: A001
    """Elementwise |x|; the gradient at 0 is 0 (as PyTorch)."""
    x = tensor_arg(x, "abs")
    return Abs.apply(x)


class Sin(Function):
    symbol = "sin"
    derivative = elementwise("∂sin x/∂x = cos x", lambda x, y: np.cos(x))

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.cos()


@register(method=True)
def sin(x: Tensor) -> Tensor:
    """Elementwise sine."""
    x = float_arg(x, "sin")
    return Sin.apply(x)


class Cos(Function):
    symbol = "cos"
    derivative = elementwise("∂cos x/∂x = −sin x", lambda x, y: -np.sin(x))

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -(grad * x.sin())


@register(method=True)
def cos(x: Tensor) -> Tensor:
    """Elementwise cosine."""
    x = float_arg(x, "cos")
    return Cos.apply(x)


class Tanh(Function):
    symbol = "tanh"
    derivative = elementwise("∂tanh x/∂x = 1 − tanh²x", lambda x, y: 1.0 - y * y)

    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return TanhBackward.apply(grad, out)

    @staticmethod
    def backward_arrays(ctx, grad):
        (y,) = ctx.saved_arrays
        return grad * (1 - y * y)


class TanhBackward(Function):
    """grad * (1 - y**2) as one op (three fewer graph nodes per tanh in backward)."""

    symbol = "tanh′"

    @staticmethod
    def forward(ctx, grad, y):
        ctx.save_for_backward(grad, y)
        return grad * (1 - y * y)

    @staticmethod
    def backward(ctx, gg):
        grad, y = ctx.saved_tensors
        return gg * (1.0 - y * y), gg * grad * y * -2.0


@register(method=True, functional=True)
def tanh(x: Tensor) -> Tensor:
    """Elementwise hyperbolic tangent; d tanh = 1 - tanh**2."""
    x = float_arg(x, "tanh")
    return Tanh.apply(x)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # sigmoid(x) = (1 + tanh(x / 2)) / 2: never overflows, and three passes
    # instead of the eight of the exp/where form
    out = np.tanh(x * 0.5)
    out *= 0.5
    out += 0.5
    return out


class Sigmoid(Function):
    symbol = "σ"
    derivative = elementwise("∂σ/∂x = σ(1 − σ)", lambda x, y: y * (1.0 - y))

    @staticmethod
    def forward(ctx, x):
        out = _sigmoid(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return SigmoidBackward.apply(grad, out)

    @staticmethod
    def backward_arrays(ctx, grad):
        (y,) = ctx.saved_arrays
        return grad * y * (1 - y)


class SigmoidBackward(Function):
    """grad * y * (1 - y) as one op (fewer graph nodes per sigmoid in backward)."""

    symbol = "σ′"

    @staticmethod
    def forward(ctx, grad, y):
        ctx.save_for_backward(grad, y)
        return grad * y * (1 - y)

    @staticmethod
    def backward(ctx, gg):
        grad, y = ctx.saved_tensors
        return gg * y * (1.0 - y), gg * grad * (1.0 - y * 2.0)


@register(method=True, functional=True)
def sigmoid(x: Tensor) -> Tensor:
    """Elementwise 1 / (1 + e**-x), stable for large |x|; d sigmoid = y (1 - y).

    Example:
        >>> import autograd as ag
        >>> ag.sigmoid(ag.tensor([-1e4, 0.0, 1e4]))
        tensor([0.0000, 0.5000, 1.0000])
    """
    x = float_arg(x, "sigmoid")
    return Sigmoid.apply(x)


_erf_vec = np.frompyfunc(math.erf, 1, 1)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Erf(Function):
    symbol = "erf"
    derivative = elementwise("∂erf x/∂x = 2/√π · e^(−x²)",
                             lambda x, y: _TWO_OVER_SQRT_PI * np.exp(-x * x))

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.asarray(_erf_vec(x), dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * _TWO_OVER_SQRT_PI * (-(x * x)).exp()


@register(method=True)
def erf(x: Tensor) -> Tensor:
    """The error function, elementwise (used by the exact GELU)."""
    x = float_arg(x, "erf")
    return Erf.apply(x)


class Cast(Function):
    symbol = "cast"
    derivative = elementwise("∂x/∂x = 1", lambda x, y: 1.0)

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.src = x.dtype
        return x.astype(dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return grad.to(ctx.src) if ctx.src.kind in "fc" else None


@register()
def cast(x: Tensor, dtype: Any) -> Tensor:
    """``x`` as ``dtype``; differentiable between floating types (``Tensor.to``)."""
    x = tensor_arg(x, "cast")
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"cast: {dtype!r} is not a dtype; use e.g. 'float32', 'float64', "
                        "'int64' or a numpy dtype") from None
    if x.array.dtype == dtype:
        return x
    return Cast.apply(x, dtype)


class Clone(Function):
    symbol = "clone"
    derivative = elementwise("∂x/∂x = 1", lambda x, y: 1.0)

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


@register(method=True)
def clone(x: Tensor) -> Tensor:
    """A copy of ``x`` that stays in the graph (gradient passes straight through)."""
    x = tensor_arg(x, "clone")
    return Clone.apply(x)
