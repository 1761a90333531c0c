"""Tensor's arithmetic operators, written out one by one (``+ - * / % // ** @``, unary
``-``, ``abs``, indexing): a mixin of ``Tensor``; each dispatches to its registered op."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .registry import OPS as _ops

if TYPE_CHECKING:  # annotations only: tensor.py imports this module
    from .tensor import Tensor


class Operators:
    """The arithmetic dunders of Tensor."""

    __slots__ = ()

    def __add__(self, other: Any) -> Tensor:
        return _ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _ops.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return _ops.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return _ops.sub(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return _ops.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _ops.mul(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return _ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _ops.div(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return _ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return _ops.pow(other, self)

    def __mod__(self, other: Any) -> Tensor:
        return _ops.remainder(self, other)

    def __rmod__(self, other: Any) -> Tensor:
        return _ops.remainder(other, self)

    def __floordiv__(self, other: Any) -> Tensor:
        return _ops.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> Tensor:
        return _ops.floor_divide(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _ops.neg(self)

    def __pos__(self) -> Tensor:
        return self  # type: ignore[return-value]

    def __abs__(self) -> Tensor:
        return _ops.abs(self)

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.getitem(self, index)

    # ------------------------------------------------------------ comparisons, bitwise
    # (the registered ops in ops/compare.py and ops/bitwise.py: bool or integer results, no
    # gradient); an operand that is no number or array gives NotImplemented, so ``x == None``
    # is False as in PyTorch
    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _ops.eq(self, other) if _operand(other) else NotImplemented

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _ops.ne(self, other) if _operand(other) else NotImplemented

    def __lt__(self, other: Any) -> Tensor:
        return _ops.lt(self, other) if _operand(other) else NotImplemented

    def __le__(self, other: Any) -> Tensor:
        return _ops.le(self, other) if _operand(other) else NotImplemented

    def __gt__(self, other: Any) -> Tensor:
        return _ops.gt(self, other) if _operand(other) else NotImplemented

    def __ge__(self, other: Any) -> Tensor:
        return _ops.ge(self, other) if _operand(other) else NotImplemented

    def __invert__(self) -> Tensor:
        return _ops.bitwise_not(self)

    def __and__(self, other: Any) -> Tensor:
        return _ops.bitwise_and(self, other) if _operand(other) else NotImplemented

    def __rand__(self, other: Any) -> Tensor:
        return _ops.bitwise_and(other, self) if _operand(other) else NotImplemented

    def __or__(self, other: Any) -> Tensor:
        return _ops.bitwise_or(self, other) if _operand(other) else NotImplemented

    def __ror__(self, other: Any) -> Tensor:
        return _ops.bitwise_or(other, self) if _operand(other) else NotImplemented

    def __xor__(self, other: Any) -> Tensor:
        return _ops.bitwise_xor(self, other) if _operand(other) else NotImplemented

    def __rxor__(self, other: Any) -> Tensor:
        return _ops.bitwise_xor(other, self) if _operand(other) else NotImplemented

    def __lshift__(self, other: Any) -> Tensor:
        return _ops.bitwise_left_shift(self, other) if _operand(other) else NotImplemented

    def __rlshift__(self, other: Any) -> Tensor:
        return _ops.bitwise_left_shift(other, self) if _operand(other) else NotImplemented

    def __rshift__(self, other: Any) -> Tensor:
        return _ops.bitwise_right_shift(self, other) if _operand(other) else NotImplemented

    def __rrshift__(self, other: Any) -> Tensor:
        return _ops.bitwise_right_shift(other, self) if _operand(other) else NotImplemented


def _operand(x: Any) -> bool:
    """Whether ``x`` can be the other side of a comparison or bitwise operator."""
    return isinstance(x, (Operators, np.ndarray, np.generic, bool, int, float))
