"""PyTorch's factory keywords (``device=``, ``dtype=``) for layer constructors and ``Module.to``.

One home for what a device and a dtype may be, so it can later point at the
engine's own device type: a device is the string ``"cpu"`` (or ``"cuda"``,
``"cuda:0"``, ``"mps"``... which are refused, this engine runs on the CPU) or
any object whose ``.type`` is such a string; a dtype is anything numpy turns
into a dtype (``np.float32``, ``"float64"``, ``autograd.float64``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["check_device", "float_dtype", "is_device", "parse_to"]

_ACCELERATORS = ("cuda", "mps", "xpu", "xla", "meta", "hip", "vulkan", "ipu", "hpu", "mtia")


def _device_type(device: Any) -> str | None:
    kind = device if isinstance(device, str) else getattr(device, "type", None)
    if not isinstance(kind, str):
        return None
    return kind.split(":")[0]


def is_device(obj: Any) -> bool:
    """True when ``obj`` names a device (cpu or an accelerator), not a dtype."""
    kind = _device_type(obj)
    return kind == "cpu" or kind in _ACCELERATORS


def check_device(device: Any, who: str) -> None:
    """Accept None or a CPU device; refuse accelerators with an error that says why.

    Example:
        >>> check_device("cpu", "Linear")
        >>> check_device("cuda:0", "Linear")
        Traceback (most recent call last):
        ...
        RuntimeError: Linear: device 'cuda:0' is not available: this engine runs on the CPU ...
    """
    if device is None:
        return
    kind = _device_type(device)
    if kind == "cpu":
        return
    if kind in _ACCELERATORS:
        shown = device if isinstance(device, str) else str(getattr(device, "type", device))
        raise RuntimeError(f"{who}: device {shown!r} is not available: this engine runs on "
                           "the CPU only (use device='cpu', or drop the argument)")
    raise ValueError(f"{who}: expected a device such as 'cpu', got {device!r}")


def float_dtype(dtype: Any, who: str) -> np.dtype:
    """The floating dtype for a layer's parameters (float32 when None).

    Example:
        >>> float_dtype(None, "Linear"), float_dtype("float64", "Linear")
        (dtype('float32'), dtype('float64'))
    """
    if dtype is None:
        return np.dtype(np.float32)
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{who}: dtype must be a numpy-compatible dtype, got {dtype!r}") from None
    if dt.kind != "f":
        raise TypeError(f"{who}: dtype must be a floating type, got {dt}")
    return dt


def parse_to(args: tuple, kwargs: dict, who: str = "to") -> tuple[Any, np.dtype | None]:
    """Read ``to(device)``, ``to(dtype)``, ``to(device, dtype)`` or ``to(tensor)`` arguments.

    Returns ``(device, dtype)``; the device has been checked (CPU only), the
    dtype is None when not given. ``non_blocking`` and ``copy`` are accepted and ignored.
    """
    kwargs = dict(kwargs)
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    kwargs.pop("non_blocking", None)
    kwargs.pop("copy", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"{who}: unexpected keyword arguments {sorted(kwargs)}")
    rest = list(args)
    if len(rest) > 3:
        raise TypeError(f"{who}: too many positional arguments {args!r}")
    if rest and isinstance(rest[0], int) and not isinstance(rest[0], bool):
        rest[0] = f"cuda:{rest[0]}"  # as PyTorch: a bare index names a CUDA device
    if rest and _is_array_like(rest[0]):  # to(other_tensor)
        other = rest.pop(0)
        dtype, device = other.dtype, getattr(other, "device", None)
    elif rest and (rest[0] is None or _device_type(rest[0]) is not None
                   and not _is_dtype(rest[0])):
        device = rest.pop(0)
    if rest and not isinstance(rest[0], bool):  # a trailing bool is non_blocking
        dtype = rest.pop(0)
    check_device(device, who)
    if dtype is None:
        return device, None
    if not _is_dtype(dtype):
        raise TypeError(f"{who}: expected a device, a dtype or a tensor, got {dtype!r}")
    return device, np.dtype(dtype)


def _is_array_like(obj: Any) -> bool:
    return (not isinstance(obj, (type, np.dtype, str)) and hasattr(obj, "shape")
            and hasattr(obj, "dtype") and not isinstance(obj, np.generic))


def _is_dtype(obj: Any) -> bool:
    try:
        np.dtype(obj)
    except TypeError:
        return False
    return True
