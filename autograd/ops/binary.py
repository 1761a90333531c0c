"""Two-input elementwise math: xlogy, hypot, copysign, logaddexp, logaddexp2; and nan_to_num.

All broadcast as numpy (the engine sums each gradient back to its input's
shape) and follow PyTorch's type promotion; integer inputs give the default
float dtype. Edge values follow PyTorch: ``xlogy(0, y) = 0`` (even for y = 0)
with gradient ln y in x (0 where also y <= 0); ``copysign`` has gradient 0 at
x = 0 and none in the sign.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..function import Function
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import pair, promoted, tensor_arg
from ._notation import Derivative, elementwise
from ._pointwise import zeros_like
from .arith import _binary

_LN2 = math.log(2.0)


def _float_pair(a: Any, b: Any, op: str) -> tuple[Tensor, Tensor]:
    a, b = pair(a, b, op)
    if a.array.dtype.kind in "biu":
        a, b = promoted(a, get_default_dtype()), promoted(b, get_default_dtype())
    return a, b


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x * np.log(y)
    return np.where((x == 0) & ~np.isnan(y), 0, out).astype(out.dtype, copy=False)


class Xlogy(Function):
    symbol = "x·ln y"
    derivative = Derivative("∂(x ln y)/∂x = ln y", "∂(x ln y)/∂y = x/y",
                            value=lambda pos, x, y: x[0] / x[1] if pos else math.log(x[1]))
    broadcasts = True

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _binary("xlogy", _xlogy, x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = None
        if need[0]:
            # ln y, except 0 where x = 0 and y <= 0 (there x ln y is 0 for every y), as PyTorch
            cut = (x.array == 0) & (y.array <= 0)
            gx = grad * OPS.where(cut, 1.0, y).log()
        return gx, (grad * x / y if need[1] else None)


@register(method=True)
def xlogy(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``input * log(other)``, and 0 where ``input`` is 0 (unless ``other`` is NaN).

    Example:
        >>> import autograd as ag
        >>> ag.xlogy(ag.tensor([0.0, 2.0]), ag.tensor([0.0, 1.0]))
        tensor([0., 0.])
    """
    return Xlogy.apply(*_float_pair(input, other, "xlogy"))


class Hypot(Function):
    symbol = "hypot"
    derivative = Derivative("∂√(a²+b²)/∂a = a/√(a²+b²)", "∂√(a²+b²)/∂b = b/√(a²+b²)",
                            value=lambda pos, x, y: x[pos] / y[0])
    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        out = _binary("hypot", np.hypot, a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        g = grad / out  # NaN at the origin, as PyTorch
        return (g * a if need[0] else None), (g * b if need[1] else None)


@register(method=True)
def hypot(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``sqrt(input² + other²)`` without overflow for large values.

    Example:
        >>> import autograd as ag
        >>> ag.hypot(ag.tensor([3.0, 1e200], dtype="float64"), 4.0).tolist()
        [5.0, 1e+200]
    """
    return Hypot.apply(*_float_pair(input, other, "hypot"))


class Copysign(Function):
    symbol = "copysign"
    derivative = Derivative("∂copysign(a,b)/∂a = sign(a)·sign(b)", "∂copysign(a,b)/∂b = 0")
    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        out = _binary("copysign", np.copysign, a, b)
        with np.errstate(all="ignore"):
            ratio = np.where(a == 0, 0, out / np.where(a == 0, 1, a))
        ctx.ratio = ratio.astype(out.dtype, copy=False)  # ±1: whether the sign flipped
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad * Tensor._make(ctx.ratio), zeros_like(grad)


@register(method=True)
def copysign(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``|input|`` with the sign of ``other`` (the sign bit, so -0.0 counts as negative).

    Example:
        >>> import autograd as ag
        >>> ag.copysign(ag.tensor([1.0, -2.0]), ag.tensor([-0.0, 3.0]))
        tensor([-1.,  2.])
    """
    return Copysign.apply(*_float_pair(input, other, "copysign"))


class Logaddexp(Function):
    symbol = "logaddexp"
    derivative = Derivative("∂ln(eᵃ + eᵇ)/∂a = eᵃ/(eᵃ + eᵇ)", "∂ln(eᵃ + eᵇ)/∂b = eᵇ/(eᵃ + eᵇ)",
                            value=lambda pos, x, y: math.exp(x[pos] - y[0]))
    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        out = _binary("logaddexp", np.logaddexp, a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        return ((grad * (a - out).exp()) if need[0] else None,
                (grad * (b - out).exp()) if need[1] else None)


@register(method=True)
def logaddexp(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``log(exp(input) + exp(other))`` without overflow.

    Example:
        >>> import autograd as ag
        >>> ag.logaddexp(ag.tensor([1000.0, 0.0]), ag.tensor([1000.0, 0.0]))
        tensor([1000.6932,    0.6931])
    """
    return Logaddexp.apply(*_float_pair(input, other, "logaddexp"))


class Logaddexp2(Function):
    symbol = "logaddexp2"
    derivative = Derivative("∂log₂(2ᵃ + 2ᵇ)/∂a = 2ᵃ/(2ᵃ + 2ᵇ)",
                            "∂log₂(2ᵃ + 2ᵇ)/∂b = 2ᵇ/(2ᵃ + 2ᵇ)",
                            value=lambda pos, x, y: 2.0 ** (x[pos] - y[0]))
    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        out = _binary("logaddexp2", np.logaddexp2, a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        return ((grad * OPS.exp2(a - out)) if need[0] else None,
                (grad * OPS.exp2(b - out)) if need[1] else None)


@register(method=True)
def logaddexp2(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``log2(2**input + 2**other)`` without overflow.

    Example:
        >>> import autograd as ag
        >>> ag.logaddexp2(ag.tensor([3.0]), ag.tensor([3.0]))
        tensor([4.])
    """
    return Logaddexp2.apply(*_float_pair(input, other, "logaddexp2"))


class NanToNum(Function):
    symbol = "nan_to_num"
    derivative = elementwise("∂/∂x = [x finite]", lambda x, y: float(np.isfinite(x)))

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.finite = np.isfinite(x).astype(x.dtype)
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        return grad * Tensor._make(ctx.finite), None, None, None


def _number(op: str, name: str, v: Any) -> Any:
    if v is None or (isinstance(v, (int, float, np.number)) and not isinstance(v, bool)):
        return v
    raise TypeError(f"{op}: {name} must be a number or None, got {type(v).__name__} {v!r}")


@register(method=True)
def nan_to_num(x: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """NaN, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf``.

    Args:
        x: the input.
        nan: the value for NaN (default 0).
        posinf, neginf: the values for ±inf (default: the dtype's largest and smallest).

    Returns:
        The cleaned tensor; its gradient is 1 where x was finite, 0 elsewhere (as PyTorch).

    Example:
        >>> import autograd as ag
        >>> ag.nan_to_num(ag.tensor([float("nan"), float("inf"), 1.0]), posinf=9.0)
        tensor([0., 9., 1.])
    """
    x = tensor_arg(x, "nan_to_num")
    for name, v in (("nan", nan), ("posinf", posinf), ("neginf", neginf)):
        _number("nan_to_num", name, v)
    if x.array.dtype.kind in "biu":
        return Tensor._make(x.array.copy())
    return NanToNum.apply(x, 0.0 if nan is None else nan, posinf, neginf)
