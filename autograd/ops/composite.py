"""PyTorch ops that are short compositions of others, with no backward of their own:
clamp_min, clamp_max, lerp, addcmul, addcdiv, t.

Their gradients are the chain rule through the gradient-checked ops they are
built from.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..registry import OPS, register
from ..tensor import Tensor
from ._common import shapes_error, tensor_arg


def _scalar(op: str, name: str, v: Any) -> Any:
    if isinstance(v, bool) or not isinstance(v, (int, float, Tensor)):
        raise TypeError(f"{op}: {name} must be a number or a Tensor, got {type(v).__name__} {v!r}")
    return v


@register(method=True)
def clamp_min(x: Tensor, min: Any) -> Tensor:  # noqa: A002
    """``max(x, min)``: ``clamp(x, min=min)``.

    Example:
        >>> import autograd as ag
        >>> ag.clamp_min(ag.tensor([-1.0, 2.0]), 0.5)
        tensor([0.5000, 2.0000])
    """
    return OPS.clip(tensor_arg(x, "clamp_min"), min=_scalar("clamp_min", "min", min))


@register(method=True)
def clamp_max(x: Tensor, max: Any) -> Tensor:  # noqa: A002
    """``min(x, max)``: ``clamp(x, max=max)``.

    Example:
        >>> import autograd as ag
        >>> ag.clamp_max(ag.tensor([-1.0, 2.0]), 0.5)
        tensor([-1.0000,  0.5000])
    """
    return OPS.clip(tensor_arg(x, "clamp_max"), max=_scalar("clamp_max", "max", max))


@register(method=True)
def lerp(input: Any, end: Any, weight: Any) -> Tensor:  # noqa: A002
    """Linear interpolation ``input + weight * (end - input)``.

    Args:
        input: the start points.
        end: the end points (broadcast with ``input``).
        weight: a number or a tensor broadcast with both.

    Example:
        >>> import autograd as ag
        >>> ag.lerp(ag.tensor([0.0, 10.0]), ag.tensor([10.0, 20.0]), 0.25)
        tensor([ 2.5000, 12.5000])
    """
    start, stop = tensor_arg(input, "lerp"), tensor_arg(end, "lerp", "end")
    _fit("lerp", start, stop, _scalar("lerp", "weight", weight))
    return start + weight * (stop - start)


def _fit(op: str, *operands: Any) -> None:
    """Refuse operands that do not broadcast together, naming ``op`` and their shapes."""
    shapes = [tuple(x.shape) for x in operands if isinstance(x, Tensor)]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise shapes_error(op, *shapes) from None


def _value(op: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{op}: value must be a number, got {type(value).__name__} {value!r}")
    return value


@register(method=True)
def addcmul(input: Any, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:  # noqa: A002
    """``input + value * tensor1 * tensor2`` (all three broadcast).

    Example:
        >>> import autograd as ag
        >>> ag.addcmul(ag.ones(2), ag.tensor([2.0, 3.0]), ag.tensor([4.0, 5.0]), value=0.5)
        tensor([5.0000, 8.5000])
    """
    value = _value("addcmul", value)
    x = tensor_arg(input, "addcmul")
    t1, t2 = tensor_arg(tensor1, "addcmul", "tensor1"), tensor_arg(tensor2, "addcmul", "tensor2")
    _fit("addcmul", x, t1, t2)
    prod = OPS.mul(t1, t2)
    return OPS.add(x, prod if value == 1 else prod * value)


@register(method=True)
def addcdiv(input: Any, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:  # noqa: A002
    """``input + value * tensor1 / tensor2`` (all three broadcast; Adam's update).

    Example:
        >>> import autograd as ag
        >>> ag.addcdiv(ag.ones(2), ag.tensor([2.0, 3.0]), ag.tensor([4.0, 6.0]), value=2)
        tensor([2., 2.])
    """
    value = _value("addcdiv", value)
    t1, t2 = tensor_arg(tensor1, "addcdiv", "tensor1"), tensor_arg(tensor2, "addcdiv", "tensor2")
    if t1.array.dtype.kind in "biu" and t2.array.dtype.kind in "biu":
        raise RuntimeError("addcdiv: integer division with addcdiv is no longer supported; "
                           "use a floating-point tensor1 or tensor2")
    x = tensor_arg(input, "addcdiv")
    _fit("addcdiv", x, t1, t2)
    quot = OPS.div(t1, t2)
    return OPS.add(x, quot if value == 1 else quot * value)


@register(method=True)
def t(x: Tensor) -> Tensor:
    """The transpose of a matrix; 0-d and 1-d tensors are returned as they are.

    Example:
        >>> import autograd as ag
        >>> ag.t(ag.ones(2, 3)).shape
        (3, 2)
    """
    x = tensor_arg(x, "t")
    if x.ndim > 2:
        raise RuntimeError(f"t: expects a tensor with <= 2 dimensions, but the input has "
                           f"{x.ndim} (shape {tuple(x.shape)}); use transpose(dim0, dim1) or .mT")
    return OPS.transpose(x, 0, 1) if x.ndim == 2 else x
