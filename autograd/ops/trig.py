"""Trigonometric and hyperbolic functions: tan, asin, acos, atan, atan2, sinh, cosh,
asinh, acosh, atanh.

Each derivative is written with Tensor ops (``df``), so second derivatives come
from the same rule; where the output gives the derivative (tan), it is reused.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..function import Function
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import pair, promoted
from ._notation import Derivative, elementwise
from ._pointwise import Pointwise, unary
from .arith import _binary


class Tan(Pointwise):
    symbol = "tan"
    derivative = elementwise("∂tan x/∂x = 1 + tan²x", lambda x, y: 1.0 + y * y)
    f = staticmethod(np.tan)
    df = staticmethod(lambda x, y: y * y + 1.0)


@register(method=True)
def tan(x: Tensor) -> Tensor:
    """Elementwise tangent; d tan x = 1 + tan² x.

    Example:
        >>> import autograd as ag
        >>> ag.tan(ag.tensor([0.0, 0.5]))
        tensor([0.0000, 0.5463])
    """
    return unary(Tan, x, "tan")


class Asin(Pointwise):
    symbol = "asin"
    derivative = elementwise("∂asin x/∂x = 1/√(1 − x²)", lambda x, y: 1.0 / np.sqrt(1 - x * x))
    f = staticmethod(np.arcsin)
    df = staticmethod(lambda x, y: (1.0 - x * x).rsqrt())


@register(method=True, aliases=("arcsin",))
def asin(x: Tensor) -> Tensor:
    """Elementwise arcsine (NaN outside [-1, 1]); alias ``arcsin``.

    Example:
        >>> import autograd as ag
        >>> ag.asin(ag.tensor([0.0, 1.0]))
        tensor([0.0000, 1.5708])
    """
    return unary(Asin, x, "asin")


class Acos(Pointwise):
    symbol = "acos"
    derivative = elementwise("∂acos x/∂x = −1/√(1 − x²)",
                             lambda x, y: -1.0 / np.sqrt(1 - x * x))
    f = staticmethod(np.arccos)
    df = staticmethod(lambda x, y: -(1.0 - x * x).rsqrt())


@register(method=True, aliases=("arccos",))
def acos(x: Tensor) -> Tensor:
    """Elementwise arccosine (NaN outside [-1, 1]); alias ``arccos``.

    Example:
        >>> import autograd as ag
        >>> ag.acos(ag.tensor([1.0, 0.0]))
        tensor([0.0000, 1.5708])
    """
    return unary(Acos, x, "acos")


class Atan(Pointwise):
    symbol = "atan"
    derivative = elementwise("∂atan x/∂x = 1/(1 + x²)", lambda x, y: 1.0 / (1 + x * x))
    f = staticmethod(np.arctan)
    df = staticmethod(lambda x, y: (x * x + 1.0).reciprocal())


@register(method=True, aliases=("arctan",))
def atan(x: Tensor) -> Tensor:
    """Elementwise arctangent; alias ``arctan``.

    Example:
        >>> import autograd as ag
        >>> ag.atan(ag.tensor([0.0, 1.0]))
        tensor([0.0000, 0.7854])
    """
    return unary(Atan, x, "atan")


class Sinh(Pointwise):
    symbol = "sinh"
    derivative = elementwise("∂sinh x/∂x = cosh x", lambda x, y: np.cosh(x))
    f = staticmethod(np.sinh)
    df = staticmethod(lambda x, y: OPS.cosh(x))


@register(method=True)
def sinh(x: Tensor) -> Tensor:
    """Elementwise hyperbolic sine.

    Example:
        >>> import autograd as ag
        >>> ag.sinh(ag.tensor([0.0, 1.0]))
        tensor([0.0000, 1.1752])
    """
    return unary(Sinh, x, "sinh")


class Cosh(Pointwise):
    symbol = "cosh"
    derivative = elementwise("∂cosh x/∂x = sinh x", lambda x, y: np.sinh(x))
    f = staticmethod(np.cosh)
    df = staticmethod(lambda x, y: OPS.sinh(x))


@register(method=True)
def cosh(x: Tensor) -> Tensor:
    """Elementwise hyperbolic cosine.

    Example:
        >>> import autograd as ag
        >>> ag.cosh(ag.tensor([0.0, 1.0]))
        tensor([1.0000, 1.5431])
    """
    return unary(Cosh, x, "cosh")


class Asinh(Pointwise):
    symbol = "asinh"
    derivative = elementwise("∂asinh x/∂x = 1/√(x² + 1)", lambda x, y: 1.0 / np.sqrt(x * x + 1))
    f = staticmethod(np.arcsinh)
    df = staticmethod(lambda x, y: (x * x + 1.0).rsqrt())


@register(method=True, aliases=("arcsinh",))
def asinh(x: Tensor) -> Tensor:
    """Elementwise inverse hyperbolic sine; alias ``arcsinh``.

    Example:
        >>> import autograd as ag
        >>> ag.asinh(ag.tensor([0.0, 1.0]))
        tensor([0.0000, 0.8814])
    """
    return unary(Asinh, x, "asinh")


class Acosh(Pointwise):
    symbol = "acosh"
    derivative = elementwise("∂acosh x/∂x = 1/√(x² − 1)", lambda x, y: 1.0 / np.sqrt(x * x - 1))
    f = staticmethod(np.arccosh)
    df = staticmethod(lambda x, y: (x * x - 1.0).rsqrt())


@register(method=True, aliases=("arccosh",))
def acosh(x: Tensor) -> Tensor:
    """Elementwise inverse hyperbolic cosine (NaN below 1); alias ``arccosh``.

    Example:
        >>> import autograd as ag
        >>> ag.acosh(ag.tensor([1.0, 2.0]))
        tensor([0.0000, 1.3170])
    """
    return unary(Acosh, x, "acosh")


class Atanh(Pointwise):
    symbol = "atanh"
    derivative = elementwise("∂atanh x/∂x = 1/(1 − x²)", lambda x, y: 1.0 / (1 - x * x))
    f = staticmethod(np.arctanh)
    df = staticmethod(lambda x, y: (1.0 - x * x).reciprocal())


@register(method=True, aliases=("arctanh",))
def atanh(x: Tensor) -> Tensor:
    """Elementwise inverse hyperbolic tangent (±inf at ±1, NaN outside); alias ``arctanh``.

    Example:
        >>> import autograd as ag
        >>> ag.atanh(ag.tensor([0.0, 0.5]))
        tensor([0.0000, 0.5493])
    """
    return unary(Atanh, x, "atanh")


class Atan2(Function):
    symbol = "atan2"
    derivative = Derivative("∂atan2(a,b)/∂a = b/(a² + b²)", "∂atan2(a,b)/∂b = −a/(a² + b²)",
                            value=lambda pos, x, y: (x[1], -x[0])[pos] / (x[0] ** 2 + x[1] ** 2))
    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _binary("atan2", np.arctan2, a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        r2 = a * a + b * b
        # 1/(a² + b²), taken as 0 at the origin where the angle has no gradient (as PyTorch)
        inv = OPS.where(r2.array == 0, 0.0, OPS.where(r2.array == 0, 1.0, r2).reciprocal())
        need = ctx.needs_input_grad
        return (grad * b * inv if need[0] else None), (-(grad * a * inv) if need[1] else None)


@register(method=True, aliases=("arctan2",))
def atan2(input: Any, other: Any) -> Tensor:  # noqa: A002
    """The angle of the point (other, input): ``atan(input / other)`` in the right quadrant.

    Args:
        input: the y coordinates.
        other: the x coordinates (broadcast with ``input``).

    Returns:
        Angles in (-π, π]; gradient 0 at the origin, as PyTorch.

    Example:
        >>> import autograd as ag
        >>> ag.atan2(ag.tensor([1.0, 1.0]), ag.tensor([1.0, -1.0]))
        tensor([0.7854, 2.3562])
    """
    a, b = pair(input, other, "atan2")
    if a.array.dtype.kind in "biu":
        a, b = promoted(a, get_default_dtype()), promoted(b, get_default_dtype())
    return Atan2.apply(a, b)
