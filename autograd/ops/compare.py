"""Comparisons and tests, elementwise: eq, ne, lt, le, gt, ge, isnan, isinf, isposinf,
isneginf, isfinite, isclose, logical_and/or/xor/not; and the whole-tensor tests allclose
and equal.

Their results are booleans: they never require grad and record nothing.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..errors import OpError
from ..registry import register
from ..tensor import Tensor
from ._common import shapes_error, tensor_arg


def _operands(op: str, a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    return tensor_arg(a, op).array, tensor_arg(b, op, "other").array


def _elementwise(op: str, fn: Callable, a: Any, b: Any) -> Tensor:
    x, y = _operands(op, a, b)
    try:
        return Tensor._make(np.asarray(fn(x, y)))
    except ValueError:
        raise shapes_error(op, x.shape, y.shape) from None


@register(method=True)
def eq(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``input == other`` elementwise, as a bool tensor (``==``).

    Example:
        >>> import autograd as ag
        >>> ag.eq(ag.tensor([1.0, 2.0]), 2.0)
        tensor([False,  True])
    """
    return _elementwise("eq", np.equal, input, other)


@register(method=True, aliases=("not_equal",))
def ne(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``input != other`` elementwise (``!=``; NaN differs from everything).

    Example:
        >>> import autograd as ag
        >>> ag.ne(ag.tensor([1.0, float("nan")]), ag.tensor([1.0, float("nan")]))
        tensor([False,  True])
    """
    return _elementwise("ne", np.not_equal, input, other)


@register(method=True, aliases=("less",))
def lt(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``input < other`` elementwise.

    Example:
        >>> import autograd as ag
        >>> ag.lt(ag.tensor([1, 3]), 2)
        tensor([ True, False])
    """
    return _elementwise("lt", np.less, input, other)


@register(method=True, aliases=("less_equal",))
def le(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``input <= other`` elementwise.

    Example:
        >>> import autograd as ag
        >>> ag.le(ag.tensor([1, 3]), 2)
        tensor([ True, False])
    """
    return _elementwise("le", np.less_equal, input, other)


@register(method=True, aliases=("greater",))
def gt(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``input > other`` elementwise.

    Example:
        >>> import autograd as ag
        >>> ag.gt(ag.tensor([1, 3]), 2)
        tensor([False,  True])
    """
    return _elementwise("gt", np.greater, input, other)


@register(method=True, aliases=("greater_equal",))
def ge(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``input >= other`` elementwise.

    Example:
        >>> import autograd as ag
        >>> ag.ge(ag.tensor([1, 3]), 3)
        tensor([False,  True])
    """
    return _elementwise("ge", np.greater_equal, input, other)


def _test(op: str, fn: Callable, x: Any) -> Tensor:
    a = tensor_arg(x, op).array
    if a.dtype.kind in "biu":  # integers are always finite numbers
        return Tensor._make(np.full(a.shape, fn is np.isfinite))
    return Tensor._make(np.asarray(fn(a)))


@register(method=True)
def isnan(x: Tensor) -> Tensor:
    """Where ``x`` is NaN.

    Example:
        >>> import autograd as ag
        >>> ag.isnan(ag.tensor([1.0, float("nan")]))
        tensor([False,  True])
    """
    return _test("isnan", np.isnan, x)


@register(method=True)
def isinf(x: Tensor) -> Tensor:
    """Where ``x`` is +inf or -inf.

    Example:
        >>> import autograd as ag
        >>> ag.isinf(ag.tensor([1.0, float("-inf")]))
        tensor([False,  True])
    """
    return _test("isinf", np.isinf, x)


@register(method=True)
def isposinf(x: Tensor) -> Tensor:
    """Where ``x`` is +inf.

    Example:
        >>> import autograd as ag
        >>> ag.isposinf(ag.tensor([float("inf"), float("-inf")]))
        tensor([ True, False])
    """
    return _test("isposinf", np.isposinf, x)


@register(method=True)
def isneginf(x: Tensor) -> Tensor:
    """Where ``x`` is -inf.

    Example:
        >>> import autograd as ag
        >>> ag.isneginf(ag.tensor([float("inf"), float("-inf")]))
        tensor([False,  True])
    """
    return _test("isneginf", np.isneginf, x)


@register(method=True)
def isfinite(x: Tensor) -> Tensor:
    """Where ``x`` is neither NaN nor ±inf.

    Example:
        >>> import autograd as ag
        >>> ag.isfinite(ag.tensor([1.0, float("nan"), float("inf")]))
        tensor([ True, False, False])
    """
    return _test("isfinite", np.isfinite, x)


def _tolerances(op: str, rtol: Any, atol: Any) -> None:
    for name, v in (("rtol", rtol), ("atol", atol)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
            raise OpError(f"{op}: {name} must be a non-negative number, got {v!r}")


@register(method=True)
def isclose(input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08,  # noqa: A002
            equal_nan: bool = False) -> Tensor:
    """Where ``|input - other| <= atol + rtol * |other|`` (equal infinities are close).

    Example:
        >>> import autograd as ag
        >>> ag.isclose(ag.tensor([1.0, 1.1]), ag.tensor([1.0 + 1e-7, 1.0]))
        tensor([ True, False])
    """
    return _isclose("isclose", input, other, rtol, atol, equal_nan)


def _isclose(op: str, a: Any, b: Any, rtol: Any, atol: Any, equal_nan: Any) -> Tensor:
    _tolerances(op, rtol, atol)
    return _elementwise(op, lambda x, y: np.isclose(x, y, rtol, atol, bool(equal_nan)), a, b)


@register(method=True)
def allclose(input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08,  # noqa: A002
             equal_nan: bool = False) -> bool:
    """True when every element of ``input`` is close to ``other`` (see :func:`isclose`).

    Example:
        >>> import autograd as ag
        >>> ag.allclose(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 2.0 + 1e-9]))
        True
    """
    return bool(_isclose("allclose", input, other, rtol, atol, equal_nan).array.all())


@register(method=True)
def equal(input: Any, other: Any) -> bool:  # noqa: A002
    """True when both tensors have the same shape and the same elements.

    Example:
        >>> import autograd as ag
        >>> ag.equal(ag.tensor([1, 2]), ag.tensor([1, 2])), ag.equal(ag.ones(2), ag.ones(3))
        (True, False)
    """
    a, b = _operands("equal", input, other)
    return a.shape == b.shape and bool(np.array_equal(a, b))


def _logical(op: str, fn: Callable, a: Any, b: Any) -> Tensor:
    return _elementwise(op, lambda x, y: fn(x != 0, y != 0), a, b)


@register(method=True)
def logical_and(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Where both are nonzero.

    Example:
        >>> import autograd as ag
        >>> ag.logical_and(ag.tensor([1.0, 0.0, 2.0]), ag.tensor([3, 1, 0]))
        tensor([ True, False, False])
    """
    return _logical("logical_and", np.logical_and, input, other)


@register(method=True)
def logical_or(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Where either is nonzero.

    Example:
        >>> import autograd as ag
        >>> ag.logical_or(ag.tensor([1.0, 0.0]), ag.tensor([0, 0]))
        tensor([ True, False])
    """
    return _logical("logical_or", np.logical_or, input, other)


@register(method=True)
def logical_xor(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Where exactly one is nonzero.

    Example:
        >>> import autograd as ag
        >>> ag.logical_xor(ag.tensor([1.0, 1.0]), ag.tensor([0, 2]))
        tensor([ True, False])
    """
    return _logical("logical_xor", np.logical_xor, input, other)


@register(method=True)
def logical_not(x: Tensor) -> Tensor:
    """Where ``x`` is zero.

    Example:
        >>> import autograd as ag
        >>> ag.logical_not(ag.tensor([0.0, 2.0]))
        tensor([ True, False])
    """
    return Tensor._make(np.asarray(tensor_arg(x, "logical_not").array == 0))
