"""``Module.to`` and friends: dtype casts and the CPU-only device answers, as PyTorch's."""
from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

from autograd.tensor import Tensor

from ._factory import check_device, parse_to

__all__ = ["ConvertMixin"]


#: the slot holding a tensor's data, read directly so that conversions also reach the
#: placeholders of a lazy module's uninitialised parameters (as PyTorch's ``to`` does)
_DATA: Any = vars(Tensor)["array"]


class ConvertMixin:
    """``to(device | dtype | tensor)``, ``cpu()``, ``cuda()``, ``float()``, ``double()``..."""

    modules: Callable[[], Iterator[Any]]

    def _apply_arrays(self, fn: Callable[[np.ndarray], np.ndarray]) -> Any:
        """Replace the array of every floating parameter, gradient and buffer by ``fn(array)``.

        Parameters keep their identity (an optimizer holding them stays valid).
        """
        for m in self.modules():
            for p in m._parameters.values():
                if p is not None and _DATA.__get__(p).dtype.kind == "f":
                    _DATA.__set__(p, fn(_DATA.__get__(p)))
                    if p.grad is not None:
                        p.grad = Tensor._make(fn(p.grad.array))
            for b in m._buffers.values():
                if b is not None and b.array.dtype.kind == "f":
                    b.array = fn(b.array)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Any:
        """Cast floating parameters and buffers in place; returns self.

        Accepts PyTorch's forms ``to(device)``, ``to(dtype)``, ``to(device, dtype)``,
        ``to(tensor)`` and the keywords ``device=``, ``dtype=``, ``non_blocking=``.
        A CPU device is accepted (this engine's only one); an accelerator raises.

        Example:
            >>> import numpy as np, nn
            >>> nn.Linear(2, 2).to("cpu", np.float64).weight.dtype
            dtype('float64')
        """
        _, dtype = parse_to(args, kwargs, f"{type(self).__name__}.to")
        if dtype is None:
            return self
        if dtype.kind != "f":
            raise TypeError(f"{type(self).__name__}.to only accepts floating point dtypes, "
                            f"but got desired dtype={dtype}")
        return self._apply_arrays(lambda a: a.astype(dtype, copy=False))

    def float(self) -> Any:  # noqa: A003
        """Cast floating parameters and buffers to float32."""
        return self.to(np.float32)

    def double(self) -> Any:
        """Cast floating parameters and buffers to float64."""
        return self.to(np.float64)

    def half(self) -> Any:
        """Cast floating parameters and buffers to float16."""
        return self.to(np.float16)

    def type(self, dst_type: Any) -> Any:  # noqa: A003
        """Cast floating parameters and buffers to ``dst_type``."""
        return self.to(dst_type)

    def cpu(self) -> Any:
        """Does nothing: everything already lives on the CPU."""
        return self

    def cuda(self, device: Any = None) -> Any:
        """Raises: this engine has no CUDA device (use ``.to('cpu')`` or nothing)."""
        check_device("cuda" if device is None else device if isinstance(device, str)
                     else f"cuda:{device}" if isinstance(device, int) else device,
                     f"{type(self).__name__}.cuda")
        return self

    def share_memory(self) -> Any:
        """Does nothing (one process, shared arrays already)."""
        return self
