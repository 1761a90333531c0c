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
