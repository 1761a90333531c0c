"""Devices as a PyTorch script names them; everything here runs on the CPU.

``torch.device("cuda" if torch.cuda.is_available() else "cpu")`` picks the
CPU, ``tensor.to(device)`` and ``model.to(device)`` are no-ops on it, and the
feature probes (``cuda.is_available()``, ``backends.mps.is_available()``,
``accelerator.is_available()``) answer no. Asking for an accelerator
explicitly (``.cuda()``, ``torch.device("cuda:0")`` used for data) is a clear
error: this engine runs on the CPU only.

Example:
    >>> import autograd as torch
    >>> dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    >>> dev, torch.ones(2).to(dev).device
    (device(type='cpu'), device(type='cpu'))
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from .amp import CudaAutocast, CudaGradScaler

_KNOWN = ("cpu", "cuda", "mps", "xpu", "meta", "hip", "xla", "mtia", "privateuseone")


class device:  # noqa: N801  (PyTorch's name)
    """A device name: ``device("cpu")``, ``device("cuda", 0)``, ``device("cuda:1")``.

    Any device can be named (scripts name CUDA when they probe for it); only
    the CPU can hold tensors here.
    """

    __slots__ = ("type", "index")
    type: str
    index: int | None

    def __init__(self, type: Any, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):
            raise RuntimeError(f"device({type}): a bare device index means a CUDA device; "
                               "this engine runs on the CPU only")
        if not isinstance(type, str):
            raise TypeError(f"device: expected a string such as 'cpu', got {type!r}")
        name, _, idx = type.partition(":")
        if name not in _KNOWN:
            raise RuntimeError(f"device: expected one of {', '.join(_KNOWN)} device type at the "
                               f"start of the device string, got {type!r}")
        if idx:
            if index is not None or not idx.isdigit():
                raise RuntimeError(f"device: invalid device string {type!r}")
            index = int(idx)
        self.type, self.index = name, index

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __repr__(self) -> str:
        idx = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{idx})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"


CPU = device("cpu")


def check_device(d: Any, who: str) -> None:
    """Accept None or the CPU; refuse any other device with a clear error naming ``who``."""
    if d is None:
        return
    name = d.type if isinstance(d, device) else device(d).type if isinstance(d, str) else d
    if name != "cpu":
        raise RuntimeError(f"{who}: device {str(d)!r} is not available: this engine runs on the "
                           "CPU only (pick the device with "
                           "torch.device('cuda' if torch.cuda.is_available() else 'cpu'))")


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _none(*args: Any, **kwargs: Any) -> None:
    return None


def _zero(*args: Any, **kwargs: Any) -> int:
    return 0


def _no_cuda(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("CUDA is not available: this engine runs on the CPU only")


#: ``torch.cuda``: no CUDA here; seeding and synchronising are harmless no-ops
cuda = SimpleNamespace(
    is_available=_false, device_count=_zero, is_initialized=_false,
    manual_seed=_none, manual_seed_all=_none, synchronize=_none, empty_cache=_none,
    current_device=_no_cuda, get_device_name=_no_cuda, set_device=_no_cuda,
    amp=SimpleNamespace(autocast=CudaAutocast, GradScaler=CudaGradScaler),  # pass through
)

#: ``torch.backends``: the flags scripts set are accepted; mps is not available
backends = SimpleNamespace(
    mps=SimpleNamespace(is_available=_false, is_built=_false),
    cudnn=SimpleNamespace(deterministic=False, benchmark=False, enabled=True,
                          is_available=_false),
    cuda=SimpleNamespace(is_built=_false, matmul=SimpleNamespace(allow_tf32=False)),
)

#: ``torch.accelerator``: none
accelerator = SimpleNamespace(is_available=_false, current_accelerator=_none,
                              device_count=_zero)

#: ``torch.mps``
mps = SimpleNamespace(is_available=_false, manual_seed=_none, synchronize=_none)
