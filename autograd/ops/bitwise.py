"""Bitwise ops: bitwise_and, bitwise_or, bitwise_xor, bitwise_not, bitwise_left_shift,
bitwise_right_shift (the ``& | ^ ~ << >>`` operators).

As PyTorch: bit by bit on integer tensors, logical on bool tensors, refused on
floating-point tensors; shifting a bool tensor gives int64. No gradients.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..dtypes import result_type
from ..registry import register
from ..tensor import Tensor
from ._common import shapes_error, tensor_arg


def _bitwise(op: str, fn: Callable, *operands: Any) -> Tensor:
    """Apply ``fn`` after PyTorch's promotion; integers and bools only."""
    ts = [tensor_arg(x, op, "other" if k else "input") if isinstance(x, Tensor) or
          not isinstance(x, (bool, int)) else x for k, x in enumerate(operands)]
    dtype = result_type(*ts)
    if dtype.kind not in "biu":
        raise RuntimeError(f"{op}: not implemented for {dtype} tensors; bitwise ops need "
                           "integer or bool tensors")
    if op.endswith("shift") and dtype.kind == "b":
        dtype = np.dtype(np.int64)
    arrays = [np.asarray(x.array if isinstance(x, Tensor) else x, dtype) for x in ts]
    try:
        out = fn(*arrays)
    except ValueError:
        raise shapes_error(op, *(a.shape for a in arrays)) from None
    return Tensor._make(np.asarray(out).astype(dtype, copy=False))


@register(method=True)
def bitwise_and(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Bitwise AND of integers, logical AND of bools (``&``).

    Example:
        >>> import autograd as ag
        >>> ag.bitwise_and(ag.tensor([12, 10]), 6)
        tensor([4, 2])
    """
    return _bitwise("bitwise_and", np.bitwise_and, input, other)


@register(method=True)
def bitwise_or(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Bitwise OR (``|``).

    Example:
        >>> import autograd as ag
        >>> ag.bitwise_or(ag.tensor([12, 10]), 1)
        tensor([13, 11])
    """
    return _bitwise("bitwise_or", np.bitwise_or, input, other)


@register(method=True)
def bitwise_xor(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Bitwise XOR (``^``).

    Example:
        >>> import autograd as ag
        >>> ag.bitwise_xor(ag.tensor([True, False]), ag.tensor([True, True]))
        tensor([False,  True])
    """
    return _bitwise("bitwise_xor", np.bitwise_xor, input, other)


@register(method=True)
def bitwise_not(x: Tensor) -> Tensor:
    """Bitwise NOT of integers (``-x - 1``), logical NOT of bools (``~``).

    Example:
        >>> import autograd as ag
        >>> ag.bitwise_not(ag.tensor([0, 5])), ~ag.tensor([True, False])
        (tensor([-1, -6]), tensor([False,  True]))
    """
    return _bitwise("bitwise_not", np.invert, x)


@register(method=True)
def bitwise_left_shift(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``input << other``: each integer shifted left by ``other`` bits.

    Example:
        >>> import autograd as ag
        >>> ag.bitwise_left_shift(ag.tensor([1, 3]), 2)
        tensor([ 4, 12])
    """
    return _bitwise("bitwise_left_shift", np.left_shift, input, other)


@register(method=True)
def bitwise_right_shift(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``input >> other``: each integer shifted right by ``other`` bits (sign kept).

    Example:
        >>> import autograd as ag
        >>> ag.bitwise_right_shift(ag.tensor([16, -16]), 2)
        tensor([ 4, -4])
    """
    return _bitwise("bitwise_right_shift", np.right_shift, input, other)
