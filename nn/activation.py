"""Activation modules: thin wrappers over ``nn.functional`` with PyTorch's reprs."""
from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag
from autograd.tensor import Tensor

from . import functional as F
from ._checks import check_number, check_size
from ._factory import check_device
from .module import Module
from .parameter import Parameter

__all__ = ["ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "Sigmoid", "Tanh", "GELU", "SiLU",
           "Softplus", "Softmax", "LogSoftmax"]


class ReLU(Module):
    """``max(x, 0)`` elementwise. Shape: any, unchanged.

    Example:
        >>> import autograd as ag, nn
        >>> nn.ReLU()(ag.tensor([-1.0, 2.0])).tolist()
        [0.0, 2.0]
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class ReLU6(ReLU):
    """``min(max(x, 0), 6)`` elementwise."""

    def forward(self, x: Tensor) -> Tensor:
        return F.relu6(x)


class LeakyReLU(Module):
    """``x`` for x > 0 else ``negative_slope * x``. Shape: any, unchanged.

    Example:
        >>> import autograd as ag, nn
        >>> [round(v, 4) for v in nn.LeakyReLU(0.1)(ag.tensor([-1.0, 2.0])).tolist()]
        [-0.1, 2.0]
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        check_number("LeakyReLU", "negative_slope", negative_slope)
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class PReLU(Module):
    """Leaky ReLU with a learned slope ``a``: ``max(0, x) + a * min(0, x)`` (He et al., 2015).

    Args:
        num_parameters: 1 (one slope shared by all channels) or the number of
            channels C (dim 1 of the input).
        init: initial slope.

    Shape:
        - Input: ``(N, C, *)`` or any shape when ``num_parameters == 1``; output the same.

    Example:
        >>> import autograd as ag, nn
        >>> prelu = nn.PReLU()
        >>> prelu(ag.tensor([-2.0, 3.0])).tolist(), list(dict(prelu.named_parameters()))
        ([-0.5, 3.0], ['weight'])
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        check_size("PReLU", "num_parameters", num_parameters)
        self.num_parameters = num_parameters
        self.weight = Parameter(np.full((num_parameters,), init,
                                        dtype=np.dtype(dtype or np.float32)))

    def forward(self, x: Tensor) -> Tensor:
        w: Tensor = self.weight  # (C,)
        if self.num_parameters > 1:
            if x.ndim < 2 or x.shape[1] != self.num_parameters:
                raise ValueError(f"PReLU: input of shape {tuple(x.shape)} needs "
                                 f"{self.num_parameters} channels in dim 1")
            w = w.reshape((1, -1) + (1,) * (x.ndim - 2))  # (1, C, 1, ...)
        return ag.relu(x) + w * ag.minimum(x, 0.0)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class ELU(Module):
    """``x`` for x > 0 else ``alpha * (exp(x) - 1)``. Shape: any, unchanged."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        check_number("ELU", "alpha", alpha)
        self.alpha, self.inplace = alpha, inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class Sigmoid(Module):
    """``1 / (1 + exp(-x))`` elementwise. Shape: any, unchanged."""

    def forward(self, x: Tensor) -> Tensor:
        return F.sigmoid(x)


class Tanh(Module):
    """Hyperbolic tangent elementwise. Shape: any, unchanged."""

    def forward(self, x: Tensor) -> Tensor:
        return F.tanh(x)


class GELU(Module):
    """``x * Phi(x)`` (exact) or its tanh approximation. Shape: any, unchanged."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """``x * sigmoid(x)``. Shape: any, unchanged."""

    def forward(self, x: Tensor) -> Tensor:
        return F.silu(x)


class Softplus(Module):
    """``log(1 + exp(beta x)) / beta``, linear above ``threshold``. Shape: any, unchanged."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        check_number("Softplus", "beta", beta)
        check_number("Softplus", "threshold", threshold)
        self.beta, self.threshold = beta, threshold

    def forward(self, x: Tensor) -> Tensor:
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """Softmax along ``dim``: each slice becomes a probability distribution.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Softmax(dim=1)(ag.zeros(2, 4)).sum(1).tolist()
        [1.0, 1.0]
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return F.softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """``log(softmax(x))`` along ``dim``, computed stably."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return F.log_softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
