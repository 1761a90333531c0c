"""Ready-made parametrizations, as ``torch.nn.utils.parametrizations``: ``weight_norm``."""
from __future__ import annotations

from typing import Any

from autograd.tensor import Tensor

from ..module import Module
from .parametrize import register_parametrization
from .weight_norm import norm_except_dim

__all__ = ["weight_norm"]


class _WeightNorm(Module):
    """``(g, v) -> g * v / ||v||`` with the norm over every dim but ``dim``."""

    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:  # type: ignore[override]
        return weight_v * (weight_g / norm_except_dim(weight_v, 2, self.dim))

    def right_inverse(self, weight: Tensor) -> tuple[Any, Any]:
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Weight normalization (Salimans & Kingma, 2016) as a parametrization.

    ``weight = g * v / ||v||``; ``g`` is stored as
    ``parametrizations.weight.original0`` and ``v`` as ``original1``, as PyTorch.

    Example:
        >>> import autograd as ag, nn
        >>> m = nn.utils.parametrizations.weight_norm(nn.Linear(20, 40))
        >>> list(m.state_dict())
        ['bias', 'parametrizations.weight.original0', 'parametrizations.weight.original1']
        >>> m(ag.randn(2, 20)).shape
        (2, 40)
    """
    return register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
