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
    """Device, dtype and format conversions of a Tensor."""

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
