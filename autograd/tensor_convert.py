"""Conversions of a Tensor: ``to(device | dtype | tensor)``, ``cpu()``, ``float()``,
``type()``, formatting: a mixin of ``Tensor``, kept apart so tensor.py holds the data
model, the operators and autograd (and because several names here shadow builtins)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .device import CPU, check_device, device
from .registry import OPS as _ops

if TYPE_CHECKING:  # annotations only: tensor.py imports this module
    from .tensor import Tensor

_TYPE_NAMES = {
    np.dtype(np.float32): "FloatTensor", np.dtype(np.float64): "DoubleTensor",
    np.dtype(np.float16): "HalfTensor", np.dtype(np.int64): "LongTensor",
    np.dtype(np.int32): "IntTensor", np.dtype(np.int16): "ShortTensor",
    np.dtype(np.int8): "CharTensor", np.dtype(np.uint8): "ByteTensor",
    np.dtype(np.bool_): "BoolTensor",
}
_BY_TYPE_NAME = {v: k for k, v in _TYPE_NAMES.items()}


def _parse_to(args: tuple, kwargs: dict) -> tuple[Any, Any]:
    """``(device, dtype)`` from ``to``'s PyTorch signatures (either may be None)."""
    dev = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    kwargs.pop("copy", None)
    if kwargs:
        raise TypeError(f"to: unexpected keyword argument {next(iter(kwargs))!r}")
    for a in args:
        if hasattr(a, "grad_fn") and hasattr(a, "array"):  # to(other): its dtype and device
            dtype = a.array.dtype
        elif isinstance(a, device) or (isinstance(a, str) and a.partition(":")[0] in
                                       ("cpu", "cuda", "mps", "xpu", "meta")):
            dev = a
        elif isinstance(a, bool):  # to(device, dtype, non_blocking)
            continue
        elif a is not None:
            dtype = a
    return dev, dtype


class ConvertMethods:
    """Device, dtype and format conversions of a Tensor, and ``new_*`` tensors like it."""

    __slots__ = ()
    array: np.ndarray

    @property
    def device(self) -> device:
        """Where the tensor lives: always the CPU."""
        return CPU

    @property
    def is_cuda(self) -> bool:
        return False

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """Move to a device and/or cast to a dtype, as PyTorch's ``Tensor.to``.

        Accepts ``to(dtype)``, ``to(device)``, ``to(device, dtype)``,
        ``to(other_tensor)`` and the keywords ``device``, ``dtype``,
        ``non_blocking``, ``copy``. Returns ``self`` when nothing changes; a cast
        between floating dtypes is differentiable.

        Example:
            >>> import autograd as ag
            >>> x = ag.ones(2)
            >>> x.to("cpu") is x, x.to(ag.float64).dtype, x.to(ag.zeros(1, dtype=ag.long)).dtype
            (True, dtype('float64'), dtype('int64'))
        """
        dev, dtype = _parse_to(args, dict(kwargs))
        check_device(dev, "to")
        if dtype is None or np.dtype(dtype) == self.array.dtype:
            return self  # type: ignore[return-value]
        return _ops.cast(self, np.dtype(dtype))

    def cpu(self) -> Tensor:
        """This tensor (it is on the CPU already)."""
        return self  # type: ignore[return-value]

    def cuda(self, *args: Any, **kwargs: Any) -> Tensor:
        raise RuntimeError("cuda(): CUDA is not available: this engine runs on the CPU only; "
                           "use .to(device) with device = torch.device('cuda' if "
                           "torch.cuda.is_available() else 'cpu')")

    def type(self, dtype: Any = None) -> Any:
        """The type name (``'torch.FloatTensor'``) with no argument, else a cast."""
        if dtype is None:
            return "torch." + _TYPE_NAMES.get(self.array.dtype, "Tensor")
        if isinstance(dtype, str):
            name = dtype.rpartition(".")[2]
            if name not in _BY_TYPE_NAME:
                raise TypeError(f"type: unknown tensor type {dtype!r}")
            dtype = _BY_TYPE_NAME[name]
        return self.to(dtype)

    def type_as(self, other: Any) -> Tensor:
        return self.to(other.array.dtype)

    def is_floating_point(self) -> bool:
        return self.array.dtype.kind == "f"

    def is_complex(self) -> bool:
        return self.array.dtype.kind == "c"

    def element_size(self) -> int:
        return self.array.itemsize

    @property
    def itemsize(self) -> int:
        return self.array.itemsize

    @property
    def nbytes(self) -> int:
        return self.array.nbytes

    def __format__(self, spec: str) -> str:
        """One-element tensors format as their number (``f"{loss:.4f}"``), as PyTorch."""
        if spec and self.array.size == 1:
            return format(self.array.item(), spec)
        return format(repr(self), spec)

    # ---------------------------------------------------------------- new_* (same dtype)
    def new_tensor(self, data: Any, dtype: Any = None, device: Any = None,
                   requires_grad: bool = False) -> Tensor:
        """A new tensor from ``data``, in this tensor's dtype unless given."""
        check_device(device, "new_tensor")
        return _new(self, np.array(_plain(data), dtype=dtype or self.array.dtype),
                    requires_grad)

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:
        """Zeros of ``size``, in this tensor's dtype unless given (``h = x.new_zeros(2, 3)``)."""
        return self._new_filled(size, 0, dtype, device, requires_grad, "new_zeros")

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Tensor:
        """Ones of ``size``, in this tensor's dtype unless given."""
        return self._new_filled(size, 1, dtype, device, requires_grad, "new_ones")

    def new_empty(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:
        """An uninitialised tensor of ``size`` (zeros here), in this tensor's dtype."""
        return self._new_filled(size, 0, dtype, device, requires_grad, "new_empty")

    def new_full(self, size: Any, fill_value: Any, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Tensor:
        """``fill_value`` everywhere in ``size``, in this tensor's dtype unless given."""
        return self._new_filled((size,), fill_value, dtype, device, requires_grad, "new_full")

    def _new_filled(self, size: tuple, value: Any, dtype: Any, device: Any,
                    requires_grad: bool, op: str) -> Tensor:
        check_device(device, op)
        if len(size) == 1 and isinstance(size[0], (tuple, list)):
            size = tuple(size[0])
        if not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 0
                   for s in size):
            raise TypeError(f"{op}: sizes must be non-negative integers, got {size}")
        arr = np.full(tuple(int(s) for s in size), value, dtype=dtype or self.array.dtype)
        return _new(self, arr, requires_grad)

    # (last in the class: these names shadow the builtins in annotations below them)
    def float(self) -> Tensor:
        return self.to(np.float32)

    def double(self) -> Tensor:
        return self.to(np.float64)

    def half(self) -> Tensor:
        return self.to(np.float16)

    def long(self) -> Tensor:
        return self.to(np.int64)

    def int(self) -> Tensor:
        return self.to(np.int32)

    def short(self) -> Tensor:
        return self.to(np.int16)

    def byte(self) -> Tensor:
        return self.to(np.uint8)

    def bool(self) -> Tensor:
        return self.to(np.bool_)


def _plain(data: Any) -> Any:
    return data.array if hasattr(data, "grad_fn") and hasattr(data, "array") else data


def _new(like: Any, arr: np.ndarray, requires_grad: bool) -> Any:
    """A plain Tensor holding ``arr`` (``like.detach()`` is a plain Tensor even for a Parameter,
    and its class is the one to make: this module sits below tensor.py)."""
    t = type(like.detach())._make(arr)
    return t.requires_grad_() if requires_grad else t
