"""Rounding and division with remainders: floor, ceil, round, trunc, frac, sign, sgn,
fmod, remainder, floor_divide and ``div(rounding_mode=...)``.

The rounding functions are flat between their jumps, so their gradient is 0
everywhere (as PyTorch's); ``frac = x - trunc(x)`` passes the gradient through.
``remainder`` takes the sign of the divisor (Python's ``%``), ``fmod`` that of
the dividend (C's ``fmod``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import OpError
from ..function import Function
from ..registry import register
from ..tensor import Tensor
from ._common import pair, promoted, tensor_arg
from ._notation import Derivative
from ._pointwise import Flat, same_dtype, zeros_like
from .arith import _binary


class Floor(Flat):
    symbol = "⌊x⌋"
    f = staticmethod(np.floor)


@register(method=True)
def floor(x: Tensor) -> Tensor:
    """The largest integer not above each element (integer tensors are returned as copies).

    Example:
        >>> import autograd as ag
        >>> ag.floor(ag.tensor([-1.5, 1.5]))
        tensor([-2.,  1.])
    """
    return same_dtype(Floor, x, "floor")


class Ceil(Flat):
    symbol = "⌈x⌉"
    f = staticmethod(np.ceil)


@register(method=True)
def ceil(x: Tensor) -> Tensor:
    """The smallest integer not below each element.

    Example:
        >>> import autograd as ag
        >>> ag.ceil(ag.tensor([-1.5, 1.5]))
        tensor([-1.,  2.])
    """
    return same_dtype(Ceil, x, "ceil")


class Trunc(Flat):
    symbol = "trunc"
    f = staticmethod(np.trunc)


@register(method=True, aliases=("fix",))
def trunc(x: Tensor) -> Tensor:
    """Each element rounded toward zero; alias ``fix``.

    Example:
        >>> import autograd as ag
        >>> ag.trunc(ag.tensor([-1.7, 1.7]))
        tensor([-1.,  1.])
    """
    return same_dtype(Trunc, x, "trunc")


class Round(Flat):
    symbol = "round"

    @staticmethod
    def forward(ctx, x, decimals):
        return np.round(x, decimals).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad), None


@register(method=True)
def round(x: Tensor, decimals: int = 0) -> Tensor:  # noqa: A001
    """Round to ``decimals`` places, halves to even (as PyTorch and numpy).

    Args:
        x: the input.
        decimals: places after the point; negative rounds to tens, hundreds, ...

    Example:
        >>> import autograd as ag
        >>> ag.round(ag.tensor([0.5, 1.5, 2.5])), ag.round(ag.tensor([1.2345]), decimals=2)
        (tensor([0., 2., 2.]), tensor([1.2300]))
    """
    if not isinstance(decimals, (int, np.integer)) or isinstance(decimals, bool):
        raise TypeError(f"round: decimals must be an int, got {decimals!r}")
    x = tensor_arg(x, "round")
    if x.array.dtype.kind in "biu":
        return Tensor._make(np.round(x.array, int(decimals)))
    return Round.apply(x, int(decimals))


class Sign(Flat):
    symbol = "sign"
    f = staticmethod(np.sign)


@register(method=True)
def sign(x: Tensor) -> Tensor:
    """-1, 0 or 1 by the sign of each element (gradient 0, as PyTorch).

    Example:
        >>> import autograd as ag
        >>> ag.sign(ag.tensor([-3.0, 0.0, 2.0]))
        tensor([-1.,  0.,  1.])
    """
    return same_dtype(Sign, x, "sign", on_int=_int_sign)


def _int_sign(a: np.ndarray) -> np.ndarray:
    return a.copy() if a.dtype == bool else np.sign(a)


class Sgn(Flat):
    symbol = "sgn"
    f = staticmethod(np.sign)


@register(method=True)
def sgn(x: Tensor) -> Tensor:
    """``sign`` extended to complex numbers (``x / |x|``); for real input it is ``sign``.

    Example:
        >>> import autograd as ag
        >>> ag.sgn(ag.tensor([-3, 0, 2]))
        tensor([-1,  0,  1])
    """
    return same_dtype(Sgn, x, "sgn", on_int=_int_sign)


@register(method=True)
def frac(x: Tensor) -> Tensor:
    """The fractional part ``x - trunc(x)`` (sign of x); gradient 1.

    Example:
        >>> import autograd as ag
        >>> ag.frac(ag.tensor([-1.25, 2.5]))
        tensor([-0.2500,  0.5000])
    """
    x = tensor_arg(x, "frac")
    if x.array.dtype.kind in "biu":
        raise TypeError(f"frac: not implemented for {x.array.dtype} tensors; "
                        "use a floating-point tensor")
    return x - trunc(x)


# ------------------------------------------------------------------ division with remainders
def _int_zero_check(op: str, a: Tensor, b: Tensor) -> None:
    if a.array.dtype.kind in "biu" and np.any(b.array == 0):
        raise RuntimeError(f"{op}: integer division by zero (ZeroDivisionError)")


class Fmod(Function):
    symbol = "fmod"
    derivative = Derivative("∂fmod(a,b)/∂a = 1", "∂fmod(a,b)/∂b = −trunc(a/b)",
                            value=lambda pos, x, y: -float(np.trunc(x[0] / x[1])) if pos else 1.0)
    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _binary("fmod", np.fmod, a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad if need[0] else None), (-grad * trunc(a / b) if need[1] else None)


@register(method=True)
def fmod(input: Any, other: Any) -> Tensor:  # noqa: A002
    """The remainder of ``input / other`` with the sign of ``input`` (C's fmod).

    Example:
        >>> import autograd as ag
        >>> ag.fmod(ag.tensor([-3.0, 3.0]), 2.0)
        tensor([-1.,  1.])
    """
    a, b = pair(input, other, "fmod")
    _int_zero_check("fmod", a, b)
    return Fmod.apply(a, b)


class Remainder(Function):
    symbol = "mod"
    derivative = Derivative("∂(a mod b)/∂a = 1", "∂(a mod b)/∂b = −⌊a/b⌋",
                            value=lambda pos, x, y: -float(np.floor(x[0] / x[1])) if pos else 1.0)
    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _binary("remainder", np.remainder, a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad if need[0] else None), (-grad * floor(a / b) if need[1] else None)


@register(method=True)
def remainder(input: Any, other: Any) -> Tensor:  # noqa: A002
    """The remainder of ``input / other`` with the sign of ``other`` (Python's ``%``).

    Example:
        >>> import autograd as ag
        >>> ag.remainder(ag.tensor([-3.0, 3.0]), 2.0), ag.tensor([-3, 3]) % 2
        (tensor([1., 1.]), tensor([1, 1]))
    """
    a, b = pair(input, other, "remainder")
    _int_zero_check("remainder", a, b)
    return Remainder.apply(a, b)


def _trunc_divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind in "biu":
        q = np.floor_divide(a, b)
        return q + ((q < 0) & (q * b != a))  # floor toward zero for negative quotients
    return np.trunc(np.true_divide(a, b))


class FloorDivide(Function):
    symbol = "⌊a/b⌋"
    derivative = Derivative("∂⌊a/b⌋/∂a = 0", "∂⌊a/b⌋/∂b = 0", value=lambda pos, x, y: 0.0)
    broadcasts = True
    divide: Any = staticmethod(np.floor_divide)

    @staticmethod
    def forward(ctx, a, b):
        op = "floor_divide" if type(ctx) is FloorDivide else "div"
        return _binary(op, type(ctx).divide, a, b)

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad), zeros_like(grad)


class TruncDivide(FloorDivide):
    symbol = "trunc(a/b)"
    derivative = Derivative("∂trunc(a/b)/∂a = 0", "∂trunc(a/b)/∂b = 0",
                            value=lambda pos, x, y: 0.0)
    divide = staticmethod(_trunc_divide)


@register(method=True)
def floor_divide(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``floor(input / other)`` (Python's ``//``); gradient 0 (PyTorch defines none).

    Example:
        >>> import autograd as ag
        >>> ag.floor_divide(ag.tensor([-3, 3]), 2), ag.tensor([-3.0, 3.0]) // 2
        (tensor([-2,  1]), tensor([-2.,  1.]))
    """
    a, b = pair(input, other, "floor_divide")
    _int_zero_check("floor_divide", a, b)
    return FloorDivide.apply(a, b)


def rounded_div(a: Any, b: Any, rounding_mode: Any) -> Tensor:
    """``div`` with ``rounding_mode`` "trunc" or "floor" (``torch.div``'s option).

    Integer operands stay integers; the gradient is 0, as PyTorch's.

    Example:
        >>> import autograd as ag
        >>> ag.div(ag.tensor([-7, 7]), 2, rounding_mode="trunc")
        tensor([-3,  3])
    """
    if rounding_mode not in ("trunc", "floor"):
        raise OpError(f"div: rounding_mode must be None, 'trunc' or 'floor', "
                         f"got {rounding_mode!r}")
    a, b = pair(a, b, "div")
    _int_zero_check("div", a, b)
    if a.array.dtype.kind == "b":
        a, b = promoted(a, np.dtype(np.int64)), promoted(b, np.dtype(np.int64))
    cls = FloorDivide if rounding_mode == "floor" else TruncDivide
    return cls.apply(a, b)

