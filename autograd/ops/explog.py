"""Powers, exponentials and logarithms: rsqrt, reciprocal, square, exp2, expm1, log2, log10,
log1p, erfc, erfinv, logit.

expm1, log1p and erfc keep full precision where ``exp(x) - 1``, ``log(1 + x)`` and
``1 - erf(x)`` would cancel; the derivatives reuse the output where they can.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import OpError
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import float_arg, tensor_arg
from ._notation import elementwise
from ._pointwise import Pointwise, unary

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_PI_OVER_2 = math.sqrt(math.pi) / 2.0


class Rsqrt(Pointwise):
    symbol = "1/√x"
    derivative = elementwise("∂x^(−½)/∂x = −½·x^(−3/2)", lambda x, y: -0.5 * y ** 3)
    f = staticmethod(lambda x: 1.0 / np.sqrt(x))
    df = staticmethod(lambda x, y: y * y * y * -0.5)


@register(method=True)
def rsqrt(x: Tensor) -> Tensor:
    """Elementwise ``1 / sqrt(x)``.

    Example:
        >>> import autograd as ag
        >>> ag.rsqrt(ag.tensor([4.0, 0.25]))
        tensor([0.5000, 2.0000])
    """
    return unary(Rsqrt, x, "rsqrt")


class Reciprocal(Pointwise):
    symbol = "1/x"
    derivative = elementwise("∂(1/x)/∂x = −1/x²", lambda x, y: -y * y)
    f = staticmethod(lambda x: 1.0 / x)
    df = staticmethod(lambda x, y: -(y * y))


@register(method=True)
def reciprocal(x: Tensor) -> Tensor:
    """Elementwise ``1 / x`` (integer input gives the default float dtype).

    Example:
        >>> import autograd as ag
        >>> ag.reciprocal(ag.tensor([2, 4]))
        tensor([0.5000, 0.2500])
    """
    return unary(Reciprocal, x, "reciprocal")


@register(method=True)
def square(x: Tensor) -> Tensor:
    """Elementwise ``x * x`` (``x ** 2``; integers stay integers).

    Example:
        >>> import autograd as ag
        >>> ag.square(ag.tensor([3, -2]))
        tensor([9, 4])
    """
    x = tensor_arg(x, "square")
    return OPS.pow(x, 2)


class Exp2(Pointwise):
    symbol = "2ˣ"
    derivative = elementwise("∂2ˣ/∂x = 2ˣ·ln 2", lambda x, y: y * _LN2)
    f = staticmethod(np.exp2)
    df = staticmethod(lambda x, y: y * _LN2)


@register(method=True)
def exp2(x: Tensor) -> Tensor:
    """Elementwise ``2 ** x``.

    Example:
        >>> import autograd as ag
        >>> ag.exp2(ag.tensor([3, -1]))
        tensor([8.0000, 0.5000])
    """
    return unary(Exp2, x, "exp2")


class Expm1(Pointwise):
    symbol = "eˣ−1"
    derivative = elementwise("∂(eˣ − 1)/∂x = eˣ", lambda x, y: y + 1.0)
    f = staticmethod(np.expm1)
    df = staticmethod(lambda x, y: y + 1.0)


@register(method=True)
def expm1(x: Tensor) -> Tensor:
    """Elementwise ``exp(x) - 1``, accurate for small |x|.

    Example:
        >>> import autograd as ag
        >>> ag.expm1(ag.tensor([1e-10], dtype="float64")).item()
        1.00000000005e-10
    """
    return unary(Expm1, x, "expm1")


class Log2(Pointwise):
    symbol = "log₂"
    derivative = elementwise("∂log₂x/∂x = 1/(x·ln 2)", lambda x, y: 1.0 / (x * _LN2))
    f = staticmethod(np.log2)
    df = staticmethod(lambda x, y: (x * _LN2).reciprocal())


@register(method=True)
def log2(x: Tensor) -> Tensor:
    """Elementwise base-2 logarithm.

    Example:
        >>> import autograd as ag
        >>> ag.log2(ag.tensor([8.0, 0.5]))
        tensor([ 3., -1.])
    """
    return unary(Log2, x, "log2")


class Log10(Pointwise):
    symbol = "log₁₀"
    derivative = elementwise("∂log₁₀x/∂x = 1/(x·ln 10)", lambda x, y: 1.0 / (x * _LN10))
    f = staticmethod(np.log10)
    df = staticmethod(lambda x, y: (x * _LN10).reciprocal())


@register(method=True)
def log10(x: Tensor) -> Tensor:
    """Elementwise base-10 logarithm.

    Example:
        >>> import autograd as ag
        >>> ag.log10(ag.tensor([100.0, 0.1]))
        tensor([ 2.0000, -1.0000])
    """
    return unary(Log10, x, "log10")


class Log1p(Pointwise):
    symbol = "ln(1+x)"
    derivative = elementwise("∂ln(1 + x)/∂x = 1/(1 + x)", lambda x, y: 1.0 / (1 + x))
    f = staticmethod(np.log1p)
    df = staticmethod(lambda x, y: (x + 1.0).reciprocal())


@register(method=True)
def log1p(x: Tensor) -> Tensor:
    """Elementwise ``log(1 + x)``, accurate for small |x|.

    Example:
        >>> import autograd as ag
        >>> ag.log1p(ag.tensor([1e-10], dtype="float64")).item() == 1e-10 - 5e-21
        True
    """
    return unary(Log1p, x, "log1p")


_erfc_vec = np.frompyfunc(math.erfc, 1, 1)
_erf_vec = np.frompyfunc(math.erf, 1, 1)


class Erfc(Pointwise):
    symbol = "erfc"
    derivative = elementwise("∂erfc x/∂x = −2/√π · e^(−x²)",
                             lambda x, y: -_TWO_OVER_SQRT_PI * np.exp(-x * x))
    f = staticmethod(lambda x: np.asarray(_erfc_vec(x), dtype=x.dtype))
    df = staticmethod(lambda x, y: (-(x * x)).exp() * -_TWO_OVER_SQRT_PI)


@register(method=True)
def erfc(x: Tensor) -> Tensor:
    """The complementary error function ``1 - erf(x)``, accurate where erf is near 1.

    Example:
        >>> import autograd as ag
        >>> ag.erfc(ag.tensor([0.0, 10.0], dtype="float64")).tolist()
        [1.0, 2.088487583762545e-45]
    """
    return unary(Erfc, x, "erfc")


def _erfinv(x: np.ndarray) -> np.ndarray:
    """erf⁻¹ by Giles' single-precision approximation, refined by Newton steps on erf."""
    a = np.asarray(x, np.float64)
    with np.errstate(all="ignore"):
        w = -np.log((1.0 - a) * (1.0 + a))
        small = w < 5.0
        ws = w - 2.5
        ps: Any = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941):
            ps = c + ps * ws
        wl = np.sqrt(w) - 3.0
        pl: Any = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                  -0.0076224613, 0.00943887047, 1.00167406, 2.83297682):
            pl = c + pl * wl
        y: Any = np.where(small, ps, pl) * a
        finite = np.isfinite(y)
        for _ in range(3):  # Newton on erf(y) = a: quadratic convergence to float64
            yf = np.where(finite, y, 0.0)
            err = np.asarray(_erf_vec(yf), np.float64) - a
            y = np.where(finite, yf - err / (_TWO_OVER_SQRT_PI * np.exp(-yf * yf)), y)
        y = np.where(a == 1, np.inf, np.where(a == -1, -np.inf, y))
        y = np.where(np.abs(a) > 1, np.nan, y)
    return y.astype(np.asarray(x).dtype, copy=False)


class Erfinv(Pointwise):
    symbol = "erf⁻¹"
    derivative = elementwise("∂erf⁻¹x/∂x = √π/2 · e^(y²)",
                             lambda x, y: _SQRT_PI_OVER_2 * np.exp(y * y))
    f = staticmethod(_erfinv)
    df = staticmethod(lambda x, y: (y * y).exp() * _SQRT_PI_OVER_2)


@register(method=True)
def erfinv(x: Tensor) -> Tensor:
    """The inverse error function on (-1, 1) (±inf at ±1, NaN outside).

    Example:
        >>> import autograd as ag
        >>> round(ag.erfinv(ag.erf(ag.tensor(0.3, dtype="float64"))).item(), 12)
        0.3
    """
    return unary(Erfinv, x, "erfinv")


@register(method=True)
def logit(x: Tensor, eps: float | None = None) -> Tensor:
    """``log(p / (1 - p))``; with ``eps``, p is first clamped to [eps, 1 - eps].

    The gradient is ``1 / (p (1 - p))``, and 0 where the clamp cut p (as PyTorch).

    Example:
        >>> import autograd as ag
        >>> ag.logit(ag.tensor([0.5, 0.0]), eps=0.25)
        tensor([ 0.0000, -1.0986])
    """
    x = float_arg(x, "logit")
    if eps is not None:
        if not isinstance(eps, (int, float)) or isinstance(eps, bool) or not 0 <= eps <= 0.5:
            raise OpError(f"logit: eps must be a number in [0, 0.5], got {eps!r}")
        x = OPS.clip(x, float(eps), 1.0 - float(eps))
    return OPS.log(x) - OPS.log1p(-x)
