"""The gamma family and friends: lgamma, digamma, polygamma, mvlgamma, i0, sinc.

Each derivative is again a function of the family, so second derivatives work:
``lgamma′ = digamma``, ``digamma′ = polygamma(1, ·)``, ``polygamma(n, ·)′ = polygamma(n + 1, ·)``,
``i0′ = i1`` and ``i1′ = i0 − i1/x``. The values are computed in float64
(``_special_math.py``) and cast back to the input's dtype; integer input gives the default
float dtype, and poles, zeros and ±inf give PyTorch's inf or NaN.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import OpError
from ..function import Function
from ..registry import OPS, register
from ..tensor import Tensor
from . import _special_math as sm
from ._common import float_arg
from ._notation import Derivative, elementwise
from ._pointwise import Pointwise, unary


def _at(fn: Any, x: float) -> float:
    return float(fn(np.array(x)))


class Lgamma(Pointwise):
    symbol = "lnΓ"
    derivative = elementwise("∂ln|Γ(x)|/∂x = ψ(x)", lambda x, y: _at(sm.digamma, x))
    f = staticmethod(sm.lgamma)
    df = staticmethod(lambda x, y: OPS.digamma(x))


@register(method=True)
def lgamma(x: Tensor) -> Tensor:
    """``log |Γ(x)|`` elementwise (inf at 0, the negative integers and ±inf).

    Args:
        x: the input (integer input gives the default float dtype).

    Returns:
        A Tensor of ``x``'s shape; its gradient is ``digamma(x)``.

    Example:
        >>> import autograd as ag
        >>> ag.lgamma(ag.tensor([1.0, 5.0, 0.0]))
        tensor([0.0000, 3.1781,    inf])
    """
    return unary(Lgamma, x, "lgamma")


class Digamma(Pointwise):
    symbol = "ψ"
    derivative = elementwise("∂ψ(x)/∂x = ψ′(x)", lambda x, y: _at(lambda a: sm.polygamma(1, a), x))
    f = staticmethod(sm.digamma)
    df = staticmethod(lambda x, y: OPS.polygamma(1, x))


@register(method=True)
def digamma(x: Tensor) -> Tensor:
    """The digamma function ``ψ(x) = d/dx log Γ(x)`` elementwise.

    As PyTorch: ``digamma(0) = -inf`` (``+inf`` at ``-0.0``) and NaN at the negative integers.

    Args:
        x: the input (integer input gives the default float dtype).

    Returns:
        A Tensor of ``x``'s shape; its gradient is ``polygamma(1, x)``.

    Example:
        >>> import autograd as ag
        >>> ag.digamma(ag.tensor([1.0, 0.5]))
        tensor([-0.5772, -1.9635])
    """
    return unary(Digamma, x, "digamma")


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _polygamma_symbol(args: dict) -> str:
    n = args.get(1)
    if not isinstance(n, (int, np.integer)):
        return "ψ⁽ⁿ⁾"
    return "ψ⁽" + str(int(n)).translate(_SUPERSCRIPT) + "⁾"


class Polygamma(Function):
    symbol = _polygamma_symbol
    derivative = Derivative("∂ψ⁽ⁿ⁾(x)/∂x = ψ⁽ⁿ⁺¹⁾(x)")

    @staticmethod
    def forward(ctx, x, n):
        ctx.n = n
        ctx.save_for_backward(x)
        return sm.polygamma(n, x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * OPS.polygamma(ctx.n + 1, x), None


def _check_order(n: Any, op: str) -> int:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"{op}(): argument 'n' must be int, not {type(n).__name__}")
    if n < 0:
        raise OpError(f"{op}(n, x) does not support negative n (got n = {n})")
    return int(n)


@register(method=True)
def polygamma(n: int, x: Tensor) -> Tensor:
    """The n-th derivative of the digamma function, ``ψ⁽ⁿ⁾(x)``, elementwise.

    ``polygamma(0, x)`` is ``digamma(x)``; ``polygamma(1, x)`` the trigamma function.
    As PyTorch's, the method takes ``n`` as its argument: ``x.polygamma(n)``.

    Args:
        n: the order, an int >= 0.
        x: the input (integer input gives the default float dtype).

    Returns:
        A Tensor of ``x``'s shape; its gradient is ``polygamma(n + 1, x)``.

    Raises:
        TypeError: ``n`` is not an int. RuntimeError: ``n`` is negative.

    Example:
        >>> import autograd as ag
        >>> ag.polygamma(1, ag.tensor([1.0, 2.0]))  # π²/6, π²/6 − 1
        tensor([1.6449, 0.6449])
    """
    n = _check_order(n, "polygamma")
    x = float_arg(x, "polygamma")
    if n == 0:
        return Digamma.apply(x)
    return Polygamma.apply(x, n)


@register(method=True)
def mvlgamma(x: Tensor, p: int) -> Tensor:
    """The multivariate log-gamma function of dimension ``p``, elementwise.

    ``mvlgamma(x, p) = p(p−1)/4 · log π + Σ_{i=0}^{p−1} lgamma(x − i/2)``, a composition
    of :func:`lgamma` (so its gradient is the matching sum of digammas).

    Args:
        x: the input (integer input gives the default float dtype).
        p: the dimension, an int >= 1.

    Raises:
        RuntimeError: ``p`` is below 1.

    Example:
        >>> import autograd as ag
        >>> ag.mvlgamma(ag.tensor([2.5]), 2)
        tensor([0.8570])
    """
    if not isinstance(p, (int, np.integer)) or isinstance(p, bool):
        raise TypeError(f"mvlgamma(): argument 'p' must be int, not {type(p).__name__}")
    if p < 1:
        raise OpError(f"mvlgamma: p has to be greater than or equal to 1, got p = {p}")
    x = float_arg(x, "mvlgamma")
    out = OPS.lgamma(x)
    for i in range(1, int(p)):
        out = out + OPS.lgamma(x - i / 2)
    return out + p * (p - 1) / 4 * math.log(math.pi)


class I1(Pointwise):
    """I₁, the derivative of i0 (PyTorch's ``special.i1``); its own derivative is i0 − i1/x."""

    symbol = "I₁"
    derivative = Derivative("∂I₁(x)/∂x = I₀(x) − I₁(x)/x")
    f = staticmethod(sm.i1)
    df = staticmethod(lambda x, y: _i1_slope(x, y))


def _const(x: Tensor, value: float) -> Tensor:
    return Tensor._make(np.full(x.shape, value, x.array.dtype))


def _i1_slope(x: Tensor, y: Tensor) -> Tensor:
    zero = x.array == 0
    safe = OPS.where(zero, _const(x, 1.0), x)
    return OPS.where(zero, _const(x, 0.5), OPS.i0(x) - y / safe)


class I0(Pointwise):
    symbol = "I₀"
    derivative = elementwise("∂I₀(x)/∂x = I₁(x)", lambda x, y: _at(sm.i1, x))
    f = staticmethod(sm.i0)
    df = staticmethod(lambda x, y: I1.apply(x))


@register(method=True)
def i0(x: Tensor) -> Tensor:
    """The modified Bessel function of the first kind of order zero, ``I₀(x)``.

    Args:
        x: the input (integer input gives the default float dtype).

    Returns:
        A Tensor of ``x``'s shape (NaN at ±inf, as PyTorch); its gradient is ``I₁(x)``.

    Example:
        >>> import autograd as ag
        >>> ag.i0(ag.tensor([0.0, 1.0]))
        tensor([1.0000, 1.2661])
    """
    return unary(I0, x, "i0")


def _sinc(x: np.ndarray) -> np.ndarray:
    px = math.pi * x
    safe = np.where(x == 0, 1.0, px)
    return np.where(x == 0, 1.0, np.sin(px) / safe)


def _sinc_slope(x: Tensor, y: Tensor) -> Tensor:
    zero = x.array == 0
    px = x * math.pi
    safe = OPS.where(zero, _const(x, 1.0), px * x)
    slope = (px * OPS.cos(px) - OPS.sin(px)) / safe
    return OPS.where(zero, _const(x, 0.0), slope)


class Sinc(Pointwise):
    symbol = "sinc"
    derivative = elementwise("∂sinc(x)/∂x = (cos πx − sinc x)/x (0 at x = 0)",
                             lambda x, y: (math.cos(math.pi * x) - y) / x if x else 0.0)
    f = staticmethod(_sinc)
    df = staticmethod(_sinc_slope)


@register(method=True)
def sinc(x: Tensor) -> Tensor:
    """The normalised sinc function ``sin(πx)/(πx)``, 1 at 0.

    Args:
        x: the input (integer input gives the default float dtype).

    Returns:
        A Tensor of ``x``'s shape; its gradient is 0 at ``x = 0`` (as PyTorch's).

    Example:
        >>> import autograd as ag
        >>> ag.sinc(ag.tensor([0.0, 0.5]))
        tensor([1.0000, 0.6366])
    """
    return unary(Sinc, x, "sinc")
