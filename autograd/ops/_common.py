"""Helpers shared by the op files: operand conversion, dims, shape errors."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..dtypes import _scalar_dtype, get_default_dtype, result_type
from ..errors import OpError
from ..registry import OPS
from ..tensor import Tensor


def tensor_arg(x: Any, op: str, what: str = "input") -> Tensor:
    """``x`` as a Tensor for ``op``: the one rule for operands.

    A Tensor is used as it is; a numpy array or scalar keeps its dtype; a Python
    number becomes a 0-d tensor of PyTorch's dtype for it (bool, int64, the
    default float dtype). Anything else (lists, None, strings) is refused with
    a TypeError naming ``op``, as PyTorch refuses it.
    """
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (bool, int, float)) and not isinstance(x, np.generic):
        return Tensor._make(np.asarray(x, _scalar_dtype(x)))
    if isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind in "biufc":
        return Tensor._make(np.asarray(x))
    hint = "; make one with ag.tensor(...)" if isinstance(x, (list, tuple)) else ""
    raise TypeError(f"{op}: expected a Tensor (or a number) as {what}, got "
                    f"{type(x).__name__}{hint}")


def as_tensor(x: Any, op: str = "op") -> Tensor:
    """Alias of :func:`tensor_arg` for ops whose first argument is named ``input``."""
    return tensor_arg(x, op)


def promoted(t: Tensor, dtype: np.dtype) -> Tensor:
    """``t`` in ``dtype``: recorded as a cast when it needs a gradient, else a plain copy."""
    if t.array.dtype == dtype:
        return t
    if t.requires_grad:
        return OPS.cast(t, dtype)
    return Tensor._make(t.array.astype(dtype))


def pair(a: Any, b: Any, op: str = "op") -> tuple[Tensor, Tensor]:
    """Both operands of a binary op as Tensors of their PyTorch result dtype."""
    if type(a) is Tensor:  # the common cases, kept cheap
        dt = a.array.dtype
        if type(b) is Tensor:
            if b.array.dtype == dt:
                return a, b
        elif (type(b) is float and dt.kind == "f") or (type(b) is int and dt.kind in "fiu"):
            return a, Tensor._make(np.asarray(b, dt))  # a number keeps the tensor's dtype
    elif type(b) is Tensor:
        dt = b.array.dtype
        if (type(a) is float and dt.kind == "f") or (type(a) is int and dt.kind in "fiu"):
            return Tensor._make(np.asarray(a, dt)), b
    dtype = result_type(a, b)
    if isinstance(b, (bool, int, float)) and not isinstance(b, np.generic):
        b = Tensor._make(np.asarray(b, dtype))
    if isinstance(a, (bool, int, float)) and not isinstance(a, np.generic):
        a = Tensor._make(np.asarray(a, dtype))
    a = tensor_arg(a, op, "first operand")
    b = tensor_arg(b, op, "second operand")
    return promoted(a, dtype), promoted(b, dtype)


def float_arg(x: Any, op: str) -> Tensor:
    """``x`` for a floating-point function: integer and bool tensors take the default dtype."""
    x = tensor_arg(x, op)
    if x.array.dtype.kind in "biu":
        return Tensor._make(x.array.astype(get_default_dtype()))
    return x


def shapes_error(op: str, *shapes: Sequence[int]) -> OpError:
    joined = " and ".join(str(tuple(s)) for s in shapes)
    return OpError(f"{op}: shapes {joined} cannot be broadcast together "
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
                raise OpError(f"{op}: dim {d} appears multiple times in {tuple(dim)}")
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


def dim_alias(op: str, dim: Any, axis: Any, default: Any = None) -> Any:
    """``dim``, or numpy's ``axis`` given in its place (PyTorch accepts either name)."""
    if axis is None:
        return dim
    if dim is not default and dim != axis:
        raise TypeError(f"{op}: give dim or axis, not both")
    return axis


def raw(x: Any) -> Any:
    return x.array if isinstance(x, Tensor) else x
