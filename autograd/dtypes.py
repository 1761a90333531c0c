"""dtypes as PyTorch promotes them: ``promote_types``, ``result_type``, the default dtype.

PyTorch's rule (not numpy's): dtypes fall in categories bool < integer <
floating < complex. Operands come in three tiers: tensors with dimensions,
0-d tensors, and Python numbers. A lower tier can raise the category of the
result but never its width: ``int64 tensor * 2.5`` is float32 (the default
dtype), ``float16 tensor + float64 0-d tensor`` stays float16, and
``uint8 tensor + 1000`` stays uint8. Within one tier, types promote as
:func:`promote_types` says: the wider of the same category, the floating one
(with its own width) across integer and floating.

Example:
    >>> import autograd as ag
    >>> (ag.tensor([1, 2]) * 2.5).dtype, (ag.tensor(1) + 0.5).dtype
    (dtype('float32'), dtype('float32'))
    >>> ag.promote_types(ag.int64, ag.float16), ag.result_type(ag.tensor([1, 2]), 1.0)
    (dtype('float16'), dtype('float32'))
"""
from __future__ import annotations

from typing import Any

import numpy as np

_DEFAULT = [np.dtype(np.float32)]


def get_default_dtype() -> np.dtype:
    """The floating dtype Python floats and integer-to-float results take (float32)."""
    return _DEFAULT[0]


def set_default_dtype(d: Any) -> None:
    """Set the default floating dtype (float32 or float64, as PyTorch allows).

    Example:
        >>> import autograd as ag
        >>> ag.set_default_dtype(ag.float64); ag.tensor(1.5).dtype
        dtype('float64')
        >>> ag.set_default_dtype(ag.float32)
    """
    dt = np.dtype(d)
    if dt not in (np.float16, np.float32, np.float64):
        raise TypeError(f"set_default_dtype: only floating point dtypes are supported as the "
                        f"default, got {dt}")
    _DEFAULT[0] = dt


def _category(dt: np.dtype) -> int:
    return {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}.get(dt.kind, 4)


def promote_types(a: Any, b: Any) -> np.dtype:
    """The dtype an operation on ``a`` and ``b`` dtypes computes in (PyTorch's table).

    Example:
        >>> import autograd as ag
        >>> ag.promote_types(ag.uint8, ag.int8), ag.promote_types(ag.int32, ag.float32)
        (dtype('int16'), dtype('float32'))
    """
    a, b = np.dtype(a), np.dtype(b)
    ca, cb = _category(a), _category(b)
    if ca == cb:
        return np.promote_types(a, b)
    if ca > cb:
        return a if ca >= 2 else np.promote_types(a, b)  # floating keeps its own width
    return b if cb >= 2 else np.promote_types(a, b)


def _scalar_dtype(x: Any) -> np.dtype:
    if isinstance(x, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(x, int):
        return np.dtype(np.int64)
    if isinstance(x, complex):
        return np.dtype(np.complex64 if _DEFAULT[0] != np.float64 else np.complex128)
    return _DEFAULT[0]


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    """A higher tier's dtype, unless a lower tier brings a higher category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    ch, cl = _category(higher), _category(lower)
    if ch >= cl:
        return higher
    if cl >= 2 and ch < 2:
        return lower  # floating from a lower tier: its width (a Python float: the default)
    return promote_types(higher, lower)


def result_type(*operands: Any) -> np.dtype:
    """The dtype of an elementwise op on ``operands`` (Tensors, arrays, Python numbers).

    Example:
        >>> import autograd as ag
        >>> ag.result_type(ag.tensor([1, 2], dtype=ag.int32), ag.tensor(5))
        dtype('int32')
    """
    tiers: list = [None, None, None]  # dimensioned, 0-d, Python number
    for x in operands:
        if isinstance(x, (bool, int, float, complex)) and not isinstance(x, np.generic):
            tier, dt = 2, _scalar_dtype(x)
        else:
            arr = getattr(x, "array", x) if not isinstance(x, np.ndarray) else x
            arr = arr if isinstance(arr, (np.ndarray, np.generic)) else np.asarray(arr)
            tier, dt = (0 if arr.ndim else 1), arr.dtype
        tiers[tier] = dt if tiers[tier] is None else promote_types(tiers[tier], dt)
    out = _combine(tiers[0], _combine(tiers[1], tiers[2]))
    if out is None:
        raise TypeError("result_type: expected at least one operand")
    return out


def as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """``data`` as a new array by PyTorch's rule: Python floats -> the default float dtype,
    ints -> int64, numpy arrays and Tensors keep theirs."""
    if hasattr(data, "grad_fn") and isinstance(getattr(data, "array", None), np.ndarray):
        # a Tensor (dtypes.py is below tensor.py, so it is recognised by its fields)
        arr = data.array
        return arr.copy() if dtype is None else arr.astype(dtype)
    if dtype is not None:
        return np.array(data, dtype=np.dtype(dtype))
    if isinstance(data, (np.ndarray, np.generic)):
        if data.dtype.kind not in "biufc":
            raise TypeError(f"tensor: cannot make a tensor from a numpy array of dtype "
                            f"{data.dtype} (object); give a numeric array")
        return np.array(data)
    arr = np.array(data)
    if arr.dtype == np.float64:
        return arr.astype(get_default_dtype())
    if arr.dtype.kind == "i" and arr.dtype != np.int64:
        return arr.astype(np.int64)
    if arr.dtype.kind not in "biufc":
        raise TypeError(
            f"tensor: cannot make a tensor from {type(data).__name__} (numpy dtype {arr.dtype}); "
            "give numbers, nested lists of numbers, or a numeric numpy array"
        )
    return arr


def check_grad_dtype(arr: np.ndarray, what: str) -> None:
    """Only floating point tensors can require gradients (TypeError naming ``what``)."""
    if arr.dtype.kind not in "fc":
        raise TypeError(
            f"{what}: only floating point tensors can require gradients, got dtype {arr.dtype}; "
            "convert first, e.g. x.float() or ag.tensor(data, dtype='float32')"
        )
