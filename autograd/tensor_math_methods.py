"""Tensor methods of the elementwise math, comparison and bitwise ops (``x.tan()``,
``x.floor()``, ``x.eq(y)`` ...): a mixin of ``Tensor``, each a one-line call into the
registered op, as ``tensor_methods.py`` does for the core ops."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .registry import OPS as _ops

if TYPE_CHECKING:  # annotations only: tensor.py imports this module
    from .tensor import Tensor


class MathMethods:
    """Method forms of the elementwise math, comparison and bitwise ops."""

    __slots__ = ()

    def tan(self) -> Tensor:
        return _ops.tan(self)

    def asin(self) -> Tensor:
        return _ops.asin(self)

    def acos(self) -> Tensor:
        return _ops.acos(self)

    def atan(self) -> Tensor:
        return _ops.atan(self)

    def sinh(self) -> Tensor:
        return _ops.sinh(self)

    def cosh(self) -> Tensor:
        return _ops.cosh(self)

    def asinh(self) -> Tensor:
        return _ops.asinh(self)

    def acosh(self) -> Tensor:
        return _ops.acosh(self)

    def atanh(self) -> Tensor:
        return _ops.atanh(self)

    def floor(self) -> Tensor:
        return _ops.floor(self)

    def ceil(self) -> Tensor:
        return _ops.ceil(self)

    def trunc(self) -> Tensor:
        return _ops.trunc(self)

    def frac(self) -> Tensor:
        return _ops.frac(self)

    def sign(self) -> Tensor:
        return _ops.sign(self)

    def sgn(self) -> Tensor:
        return _ops.sgn(self)

    def rsqrt(self) -> Tensor:
        return _ops.rsqrt(self)

    def reciprocal(self) -> Tensor:
        return _ops.reciprocal(self)

    def square(self) -> Tensor:
        return _ops.square(self)

    def exp2(self) -> Tensor:
        return _ops.exp2(self)

    def expm1(self) -> Tensor:
        return _ops.expm1(self)

    def log2(self) -> Tensor:
        return _ops.log2(self)

    def log10(self) -> Tensor:
        return _ops.log10(self)

    def log1p(self) -> Tensor:
        return _ops.log1p(self)

    def erfc(self) -> Tensor:
        return _ops.erfc(self)

    def erfinv(self) -> Tensor:
        return _ops.erfinv(self)

    def isnan(self) -> Tensor:
        return _ops.isnan(self)

    def isinf(self) -> Tensor:
        return _ops.isinf(self)

    def isposinf(self) -> Tensor:
        return _ops.isposinf(self)

    def isneginf(self) -> Tensor:
        return _ops.isneginf(self)

    def isfinite(self) -> Tensor:
        return _ops.isfinite(self)

    def logical_not(self) -> Tensor:
        return _ops.logical_not(self)

    def bitwise_not(self) -> Tensor:
        return _ops.bitwise_not(self)

    arcsin = asin

    arccos = acos

    arctan = atan

    arcsinh = asinh

    arccosh = acosh

    arctanh = atanh

    fix = trunc

    def atan2(self, other: Any) -> Tensor:
        return _ops.atan2(self, other)

    def xlogy(self, other: Any) -> Tensor:
        return _ops.xlogy(self, other)

    def hypot(self, other: Any) -> Tensor:
        return _ops.hypot(self, other)

    def copysign(self, other: Any) -> Tensor:
        return _ops.copysign(self, other)

    def fmod(self, other: Any) -> Tensor:
        return _ops.fmod(self, other)

    def remainder(self, other: Any) -> Tensor:
        return _ops.remainder(self, other)

    def floor_divide(self, other: Any) -> Tensor:
        return _ops.floor_divide(self, other)

    def logaddexp(self, other: Any) -> Tensor:
        return _ops.logaddexp(self, other)

    def logaddexp2(self, other: Any) -> Tensor:
        return _ops.logaddexp2(self, other)

    def equal(self, other: Any) -> bool:
        return _ops.equal(self, other)

    def logical_and(self, other: Any) -> Tensor:
        return _ops.logical_and(self, other)

    def logical_or(self, other: Any) -> Tensor:
        return _ops.logical_or(self, other)

    def logical_xor(self, other: Any) -> Tensor:
        return _ops.logical_xor(self, other)

    def bitwise_and(self, other: Any) -> Tensor:
        return _ops.bitwise_and(self, other)

    def bitwise_or(self, other: Any) -> Tensor:
        return _ops.bitwise_or(self, other)

    def bitwise_xor(self, other: Any) -> Tensor:
        return _ops.bitwise_xor(self, other)

    def bitwise_left_shift(self, other: Any) -> Tensor:
        return _ops.bitwise_left_shift(self, other)

    def bitwise_right_shift(self, other: Any) -> Tensor:
        return _ops.bitwise_right_shift(self, other)

    def eq(self, other: Any) -> Tensor:
        return _ops.eq(self, other)

    def ne(self, other: Any) -> Tensor:
        return _ops.ne(self, other)

    def lt(self, other: Any) -> Tensor:
        return _ops.lt(self, other)

    def le(self, other: Any) -> Tensor:
        return _ops.le(self, other)

    def gt(self, other: Any) -> Tensor:
        return _ops.gt(self, other)

    def ge(self, other: Any) -> Tensor:
        return _ops.ge(self, other)

    arctan2 = atan2

    def round(self, decimals: int = 0) -> Tensor:
        return _ops.round(self, decimals)

    def logit(self, eps: float | None = None) -> Tensor:
        return _ops.logit(self, eps)

    def lerp(self, end: Any, weight: Any) -> Tensor:
        return _ops.lerp(self, end, weight)

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None,
                   neginf: float | None = None) -> Tensor:
        return _ops.nan_to_num(self, nan, posinf, neginf)

    def clamp_min(self, min: Any) -> Tensor:  # noqa: A002
        return _ops.clamp_min(self, min)

    def clamp_max(self, max: Any) -> Tensor:  # noqa: A002
        return _ops.clamp_max(self, max)

    def isclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: bool = False) -> Tensor:
        return _ops.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                 equal_nan: bool = False) -> bool:
        return _ops.allclose(self, other, rtol, atol, equal_nan)

    def addcmul(self, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:
        return _ops.addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:
        return _ops.addcdiv(self, tensor1, tensor2, value=value)

    def hardshrink(self, lambd: float = 0.5) -> Tensor:
        return _ops.hardshrink(self, lambd)

    def t(self) -> Tensor:
        return _ops.t(self)
