"""Tensor methods of the special functions and the further elementwise math (``x.lgamma()``,
``x.polygamma(n)``, ``x.fmax(y)``, ``x.gcd_(y)`` ...), and PyTorch's alias method names
(``x.divide(y)``, ``x.greater(y)``, ``x.multiply_(y)`` ...): a mixin of ``Tensor``, each a
one-line call into the registered op or the method it names, as ``tensor_math_methods.py``.

The in-place forms go through ``Tensor._inplace`` like those of ``tensor_inplace.py``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .registry import OPS as _ops

if TYPE_CHECKING:  # annotations only: tensor.py imports this module
    from .tensor import Tensor


class SpecialMethods:
    """Method forms of lgamma, digamma, polygamma, ..., nextafter, and PyTorch's alias names."""

    __slots__ = ()

    # ------------------------------------------------------------ special functions
    def lgamma(self) -> Tensor:
        return _ops.lgamma(self)

    def digamma(self) -> Tensor:
        return _ops.digamma(self)

    def polygamma(self, n: int) -> Tensor:
        return _ops.polygamma(n, self)

    def mvlgamma(self, p: int) -> Tensor:
        return _ops.mvlgamma(self, p)

    def i0(self) -> Tensor:
        return _ops.i0(self)

    def sinc(self) -> Tensor:
        return _ops.sinc(self)

    # ------------------------------------------------------------ more elementwise math
    def signbit(self) -> Tensor:
        return _ops.signbit(self)

    def heaviside(self, values: Any) -> Tensor:
        return _ops.heaviside(self, values)

    def fmax(self, other: Any) -> Tensor:
        return _ops.fmax(self, other)

    def fmin(self, other: Any) -> Tensor:
        return _ops.fmin(self, other)

    def gcd(self, other: Any) -> Tensor:
        return _ops.gcd(self, other)

    def lcm(self, other: Any) -> Tensor:
        return _ops.lcm(self, other)

    def float_power(self, exponent: Any) -> Tensor:
        return _ops.float_power(self, exponent)

    def ldexp(self, other: Any) -> Tensor:
        return _ops.ldexp(self, other)

    def frexp(self) -> Any:
        return _ops.frexp(self)

    def nextafter(self, other: Any) -> Tensor:
        return _ops.nextafter(self, other)

    def deg2rad(self) -> Tensor:
        return _ops.deg2rad(self)

    def rad2deg(self) -> Tensor:
        return _ops.rad2deg(self)

    def positive(self) -> Tensor:
        return _ops.positive(self)

    # ------------------------------------------------------------ in place
    def lgamma_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.lgamma(x), None, "lgamma_")  # type: ignore

    def digamma_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.digamma(x), None, "digamma_")  # type: ignore

    def polygamma_(self, n: int) -> Tensor:
        return self._apply_(lambda x, _: _ops.polygamma(n, x), None,  # type: ignore
                            "polygamma_")

    def mvlgamma_(self, p: int) -> Tensor:
        return self._apply_(lambda x, _: _ops.mvlgamma(x, p), None, "mvlgamma_")  # type: ignore

    def i0_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.i0(x), None, "i0_")  # type: ignore

    def sinc_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.sinc(x), None, "sinc_")  # type: ignore

    def heaviside_(self, values: Any) -> Tensor:
        return self._apply_(_ops.heaviside, values, "heaviside_")  # type: ignore

    def gcd_(self, other: Any) -> Tensor:
        return self._apply_(_ops.gcd, other, "gcd_")  # type: ignore

    def lcm_(self, other: Any) -> Tensor:
        return self._apply_(_ops.lcm, other, "lcm_")  # type: ignore

    def ldexp_(self, other: Any) -> Tensor:
        return self._apply_(_ops.ldexp, other, "ldexp_")  # type: ignore

    def nextafter_(self, other: Any) -> Tensor:
        return self._apply_(_ops.nextafter, other, "nextafter_")  # type: ignore

    def deg2rad_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.deg2rad(x), None, "deg2rad_")  # type: ignore

    def rad2deg_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.rad2deg(x), None, "rad2deg_")  # type: ignore

    def float_power_(self, exponent: Any) -> Tensor:
        """In-place ``float_power``: only a float64 tensor can hold its result (as PyTorch)."""
        dtype = self.dtype  # type: ignore[attr-defined]
        if dtype != "float64":
            raise RuntimeError(f"the base given to float_power_ has dtype {dtype} but the "
                               "operation's result requires dtype float64; convert it first "
                               "with x.double()")
        return self._apply_(_ops.float_power, exponent, "float_power_")  # type: ignore

    # ------------------------------------------------------------ PyTorch's alias names
    def divide(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        return _ops.div(self, other, rounding_mode=rounding_mode)

    def true_divide(self, other: Any) -> Tensor:
        return _ops.div(self, other)

    def multiply(self, other: Any) -> Tensor:
        return _ops.mul(self, other)

    def subtract(self, other: Any, *, alpha: Any = 1) -> Tensor:
        return self.sub(other, alpha=alpha)  # type: ignore[attr-defined]

    def negative(self) -> Tensor:
        return _ops.neg(self)

    def absolute(self) -> Tensor:
        return _ops.abs(self)

    def greater(self, other: Any) -> Tensor:
        return _ops.gt(self, other)

    def greater_equal(self, other: Any) -> Tensor:
        return _ops.ge(self, other)

    def less(self, other: Any) -> Tensor:
        return _ops.lt(self, other)

    def less_equal(self, other: Any) -> Tensor:
        return _ops.le(self, other)

    def not_equal(self, other: Any) -> Tensor:
        return _ops.ne(self, other)

    def divide_(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        return self._apply_(lambda x, o: _ops.div(x, o, rounding_mode=rounding_mode),  # type: ignore
                            other, "divide_")

    def true_divide_(self, other: Any) -> Tensor:
        return self.div_(other)  # type: ignore[attr-defined]

    def multiply_(self, other: Any) -> Tensor:
        return self.mul_(other)  # type: ignore[attr-defined]

    def subtract_(self, other: Any, *, alpha: Any = 1) -> Tensor:
        return self.sub_(other, alpha=alpha)  # type: ignore[attr-defined]
