"""``torch.asarray`` and ``torch.scalar_tensor``: tensors from data, sharing memory when they can.

Example:
    >>> import numpy as np, autograd as torch
    >>> a = np.zeros(2); t = torch.asarray(a); a[0] = 5
    >>> t, torch.scalar_tensor(3)
    (tensor([5., 0.], dtype=float64), tensor(3.))
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .device import check_device
from .dtypes import check_grad_dtype, get_default_dtype
from .tensor import Tensor


def asarray(obj: Any, *, dtype: Any = None, device: Any = None, copy: bool | None = None,
            requires_grad: bool | None = None) -> Tensor:
    """``obj`` as a tensor: the same tensor, or a tensor on the same memory as a numpy array,
    when no conversion is needed, as PyTorch's ``asarray``.

    Args:
        obj: a Tensor, a numpy array (or anything with the buffer protocol), a scalar or a
            nested sequence (floats become the default dtype, ints int64).
        dtype: the result's dtype (default: ``obj``'s).
        copy: True always copies; False never does (ValueError when a copy is needed);
            None (default) copies only when needed.
        requires_grad: default: ``obj.requires_grad`` for a tensor, False otherwise.

    Returns:
        a Tensor (``obj`` itself for a tensor that needs no change).

    Example:
        >>> import autograd as torch
        >>> t = torch.ones(2); torch.asarray(t) is t, torch.asarray([1, 2]).dtype
        (True, dtype('int64'))
    """
    check_device(device, "asarray")
    want = None if dtype is None else np.dtype(dtype)
    if isinstance(obj, Tensor):
        grad = obj.requires_grad if requires_grad is None else bool(requires_grad)
        same = want is None or want == obj.array.dtype
        if same and not copy and grad == obj.requires_grad:
            return obj
        if not same and copy is False:
            raise ValueError(f"asarray: can't alias a tensor of dtype {obj.array.dtype} into "
                             f"dtype {want}; pass copy=None or copy=True")
        base = obj if same else obj.to(want)
        out = base.clone() if copy or not same else base.detach()
        if not grad:
            out = out.detach()
        elif not out.requires_grad:
            out.requires_grad_()
        return out
    if isinstance(obj, np.ndarray) or (not isinstance(obj, (list, tuple, int, float, complex,
                                                            bool)) and _has_buffer(obj)):
        arr = np.asarray(obj)
        if want is not None and want != arr.dtype:
            if copy is False:
                raise ValueError(f"asarray: can't alias an array of dtype {arr.dtype} into "
                                 f"dtype {want}; pass copy=None or copy=True")
            arr = arr.astype(want)
        elif copy:
            arr = arr.copy()
    else:
        if copy is False:
            raise ValueError(f"asarray: a {type(obj).__name__} cannot be aliased; it has to be "
                             "copied (pass copy=None or copy=True)")
        arr = Tensor(obj, dtype=want).array
    if requires_grad:
        check_grad_dtype(arr, "asarray")
    return Tensor._make(arr, None, 0, bool(requires_grad))


def _has_buffer(obj: Any) -> bool:
    try:
        memoryview(obj)
    except TypeError:
        return False
    return True


def scalar_tensor(s: Any, *, dtype: Any = None, layout: Any = None, device: Any = None,
                  requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A 0-d tensor holding ``s``, of the default float dtype unless ``dtype`` is given
    (``scalar_tensor(3)`` is ``tensor(3.)``).

    Example:
        >>> import autograd as torch
        >>> torch.scalar_tensor(3), torch.scalar_tensor(3, dtype=torch.int64)
        (tensor(3.), tensor(3))
    """
    check_device(device, "scalar_tensor")
    s = s.item() if isinstance(s, Tensor) else s
    arr = np.asarray(s, np.dtype(get_default_dtype() if dtype is None else dtype))
    if arr.ndim:
        raise TypeError(f"scalar_tensor: expected a number, got shape {arr.shape}")
    if requires_grad:
        check_grad_dtype(arr, "scalar_tensor")
    return Tensor._make(arr, None, 0, bool(requires_grad))
