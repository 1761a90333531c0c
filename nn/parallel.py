"""``nn.parallel.DataParallel``: on this CPU-only engine a pass-through wrapper, as PyTorch's
without CUDA, so scripts that wrap their model keep running (and keep their state-dict keys)."""
from __future__ import annotations

from typing import Any, Sequence

from .module import Module

__all__ = ["DataParallel"]


class DataParallel(Module):
    """Run ``module`` as it is; ``device_ids`` and ``output_device`` are accepted and ignored.

    PyTorch's DataParallel without a GPU does the same: the wrapped model is the
    attribute ``module``, so state-dict keys gain the prefix ``"module."``.

    Args:
        module: the model to wrap.
        device_ids, output_device, dim: accepted for compatibility.

    Example:
        >>> import nn
        >>> dp = nn.DataParallel(nn.Linear(2, 1))
        >>> list(dp.state_dict())
        ['module.weight', 'module.bias']
    """

    def __init__(self, module: Module, device_ids: Sequence[Any] | None = None,
                 output_device: Any = None, dim: int = 0) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DataParallel: expected an nn.Module, got {type(module).__name__}")
        self.module = module
        self.device_ids: list = []
        self.output_device = None
        self.dim = dim

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)
