"""Small names of PyTorch's top-level namespace that scripts use around training.

Each does here what it does in PyTorch on a CPU: ``finfo``/``iinfo`` describe a dtype,
``set_num_threads`` limits the BLAS threads, ``use_deterministic_algorithms`` is accepted
(every op here is deterministic), ``Size`` is the tuple a shape is.

Example:
    >>> import autograd as torch
    >>> float(torch.finfo(torch.float32).eps), torch.Size([2, 3]), torch.numel(torch.ones(2, 3))
    (1.1920928955078125e-07, torch.Size([2, 3]), 6)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .dtypes import get_default_dtype


class Size(tuple):
    """A shape, as PyTorch's ``torch.Size`` (a tuple of ints)."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))


def finfo(dtype: Any = None) -> np.finfo:
    """Machine limits of a floating dtype (``eps``, ``max``, ``min``, ``tiny``)."""
    return np.finfo(np.dtype(get_default_dtype() if dtype is None else dtype))


def iinfo(dtype: Any) -> np.iinfo:
    """Machine limits of an integer dtype (``max``, ``min``, ``bits``)."""
    return np.iinfo(np.dtype(dtype))


def numel(t: Any) -> int:
    """The number of elements of ``t``."""
    return int(t.numel())


def is_floating_point(t: Any) -> bool:
    """True for a floating-point tensor."""
    return bool(t.is_floating_point())


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Accepted: every op here gives the same result for the same input."""


def are_deterministic_algorithms_enabled() -> bool:
    return True


def set_num_threads(n: int) -> None:
    """Limit the BLAS threads used by matrix products to ``n`` (threadpoolctl, when present)."""
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads: expected a positive int, got {n!r}")
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(n)


def get_num_threads() -> int:
    """The BLAS threads matrix products may use."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return 1
    counts = [lib.get("num_threads", 1) for lib in threadpool_info()
              if lib.get("user_api") == "blas"]
    return max(counts, default=1)


def set_printoptions(precision: int | None = None, threshold: int | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:
    """How tensors print (numpy's print options underneath)."""
    opts: dict[str, Any] = {k: v for k, v in dict(precision=precision, threshold=threshold,
                                  edgeitems=edgeitems, linewidth=linewidth).items()
            if v is not None}
    if sci_mode is not None:
        opts["suppress"] = not sci_mode
    np.set_printoptions(**opts)


def compile(model: Any = None, *, fullgraph: bool = False, dynamic: bool | None = None,  # noqa: A001
            backend: Any = "inductor", mode: str | None = None, options: dict | None = None,
            disable: bool = False) -> Any:
    """``torch.compile``: returns ``model`` (a Module or a function) unchanged.

    Nothing is compiled here: the model runs as written, with the same results. PyTorch
    returns a wrapper that behaves the same (its ``state_dict`` keys gain an ``_orig_mod.``
    prefix; here they do not). Called without a model it returns a decorator, as in
    ``@torch.compile(mode="max-autotune")``.

    Args:
        model: the Module or function.
        fullgraph, dynamic, backend, mode, options, disable: accepted and ignored.

    Returns:
        ``model`` itself.

    Example:
        >>> import autograd as torch
        >>> f = torch.compile(lambda x: x * 2)
        >>> f(torch.ones(2))
        tensor([2., 2.])
    """
    if mode is not None and options is not None:
        raise RuntimeError("compile: either mode or options can be specified, but both can't "
                           "be specified at the same time.")
    if model is None:
        return lambda m: m
    if not callable(model):
        raise RuntimeError(f"compile: model must be a callable (a Module or a function), got "
                           f"{type(model).__name__}")
    return model


class memory_format:  # noqa: N801  (PyTorch's name)
    """A memory layout name (``torch.channels_last``), for ``is_contiguous(memory_format=)``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")

_PRECISIONS = ("highest", "high", "medium")
_matmul_precision = "highest"


def set_float32_matmul_precision(precision: str) -> None:
    """Store the float32 matmul precision (``"highest"``, ``"high"`` or ``"medium"``).

    It changes nothing here: numpy's float32 products always run at full float32 precision
    on the CPU, as PyTorch's CPU products do. Another value warns and is ignored, as PyTorch.

    Example:
        >>> import autograd as torch
        >>> torch.set_float32_matmul_precision("high"); torch.get_float32_matmul_precision()
        'high'
        >>> torch.set_float32_matmul_precision("highest")
    """
    global _matmul_precision
    if precision not in _PRECISIONS:
        import warnings

        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      "set_float32_matmul_precision call has no effect.", stacklevel=2)
        return
    _matmul_precision = precision


def get_float32_matmul_precision() -> str:
    """The value last given to :func:`set_float32_matmul_precision` (``"highest"``)."""
    return _matmul_precision


def set_default_device(device: Any) -> None:
    """Accept ``"cpu"`` (or None): tensors are made on the CPU; other devices raise."""
    from .device import check_device

    check_device(device, "set_default_device")


def get_default_device() -> Any:
    """``device(type='cpu')``: the one device here."""
    from .device import device

    return device("cpu")


_interop_threads = 1


def get_num_interop_threads() -> int:
    """The inter-op thread count (stored; ops here run one after another in the caller's
    thread, so it changes nothing)."""
    return _interop_threads


def set_num_interop_threads(n: int) -> None:
    """Store the inter-op thread count (a positive int); see :func:`get_num_interop_threads`."""
    global _interop_threads
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise RuntimeError(f"set_num_interop_threads: Expected positive number of threads, "
                           f"got {n!r}")
    _interop_threads = n


def set_flush_denormal(mode: bool) -> bool:
    """False: flushing denormal floats to zero cannot be switched on for numpy here, so
    denormals keep their values (PyTorch returns True where it could set the CPU flag)."""
    return False


def broadcast_shapes(*shapes: Any) -> Size:
    """The shape tensors of ``shapes`` broadcast to (ints count as 1-D shapes).

    Example:
        >>> import autograd as torch
        >>> torch.broadcast_shapes((2, 1), (1, 3), 3)
        torch.Size([2, 3])
    """
    norm = [(int(s),) if isinstance(s, (int, np.integer)) else tuple(int(d) for d in s)
            for s in shapes]
    try:
        return Size(np.broadcast_shapes(*norm))
    except ValueError:
        raise RuntimeError(f"broadcast_shapes: Shape mismatch: objects cannot be broadcast to a "
                           f"single shape, got {', '.join(str(s) for s in norm)}") from None


def can_cast(from_: Any, to: Any) -> bool:
    """Whether PyTorch's type promotion may cast ``from_`` to ``to``: never to a lower kind
    (complex -> float -> integer -> bool); any width within a kind.

    Example:
        >>> import autograd as torch
        >>> torch.can_cast(torch.float64, torch.float32), torch.can_cast(torch.float32, torch.int32)
        (True, False)
    """
    rank = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
    return rank[np.dtype(from_).kind] <= rank[np.dtype(to).kind]


def is_same_size(input: Any, other: Any) -> bool:  # noqa: A002
    """True when the two tensors have the same shape."""
    return tuple(input.shape) == tuple(other.shape)


def is_nonzero(input: Any) -> bool:  # noqa: A002
    """The single value of ``input`` as a bool (see ``Tensor.is_nonzero``)."""
    return bool(input.is_nonzero())


def is_signed(input: Any) -> bool:  # noqa: A002
    """True unless ``input``'s dtype is unsigned or bool."""
    return bool(input.is_signed())
