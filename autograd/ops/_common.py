"""Helpers shared by the op files: operand conversion, dims, shape errors."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..tensor import Tensor


def as_tensor(x: Any, like: Tensor | None = None) -> Tensor:
    """A Tensor for ``x``; Python scalars take ``like``'s float dtype (no upcast)."""
    if isinstance(x, Tensor):
        return x
    if like is not None and isinstance(x, (int, float)) and like.data.dtype.kind == "f":
        return Tensor._make(np.asarray(x, like.data.dtype))
    if isinstance(x, np.ndarray):
        return Tensor._make(x)
    return Tensor._make(np.asarray(x, np.float32 if isinstance(x, float) else None))


def tensor_arg(x: Any, op: str) -> Tensor:
    """``x`` as a Tensor for ``op``: numbers and numeric arrays are converted,
    anything else (None, strings, objects) is refused with a TypeError naming ``op``."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (int, float, np.ndarray, np.generic, list, tuple)) and not isinstance(x, str):
        try:
            return Tensor(x)
        except (TypeError, ValueError) as e:
            raise TypeError(f"{op}: expected a Tensor, got {type(x).__name__} that does not "
                            f"convert to one ({e})") from None
    raise TypeError(f"{op}: expected a Tensor, got {type(x).__name__}")


def pair(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands of a binary op as Tensors."""
    if isinstance(a, Tensor):
        return a, b if isinstance(b, Tensor) else as_tensor(b, a)
    b = as_tensor(b)
    return as_tensor(a, b), b


def shapes_error(op: str, *shapes: Sequence[int]) -> ValueError:
    joined = " and ".join(str(tuple(s)) for s in shapes)
    return ValueError(f"{op}: shapes {joined} cannot be broadcast together "
                      "(each dimension must match or be 1, aligned from the right)")


def norm_dim(dim: int, ndim: int, op: str) -> int:
    """``dim`` as a non-negative index, with an error naming the op."""
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an int, got {dim!r}")
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"{op}: dim {dim} is out of range for a tensor with {ndim} dims "
                         f"(expected -{n} <= dim < {n})")
    return int(dim) % n


def norm_dims(dim: Any, ndim: int, op: str) -> tuple[int, ...] | None:
    """A reduction's ``dim`` (None, int or sequence) as a sorted tuple, or None for all."""
    if dim is None:
        return None
    if ndim == 0:
        # a 0-d tensor has one element and no axes: dim 0 / -1 reduce over nothing (as torch)
        for d in dim if isinstance(dim, (list, tuple)) else (dim,):
            norm_dim(d, 0, op)
        return ()
    if isinstance(dim, (list, tuple)):
        dims = [norm_dim(d, ndim, op) for d in dim]
        for d in dims:
            if dims.count(d) > 1:
                raise ValueError(f"{op}: dim {d} appears multiple times in {tuple(dim)}")
        return tuple(sorted(dims))
    return (norm_dim(dim, ndim, op),)


def reduce_args(op: str, dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> tuple[Any, bool]:
    """Accept numpy's ``axis``/``keepdims`` as aliases of ``dim``/``keepdim``."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{op}: give dim or axis, not both")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return dim, bool(keepdim)


def raw(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x
