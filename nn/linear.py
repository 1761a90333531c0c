"""Affine layers and shape helpers: Linear, Bilinear, Identity, Flatten, Unflatten."""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from autograd.tensor import Tensor

from . import functional as F
from . import init
from ._checks import check_size
from ._factory import check_device
from .module import Module
from .parameter import Parameter

__all__ = ["Identity", "Linear", "Bilinear", "Flatten", "Unflatten"]


def _dtype(dtype: Any) -> np.dtype:
    dt = np.dtype(np.float32 if dtype is None else dtype)
    if dt.kind != "f":
        raise TypeError(f"layer dtype must be a floating type, got {dt}")
    return dt


class Identity(Module):
    """Return the input unchanged (a placeholder that accepts and ignores any arguments).

    Example:
        >>> import autograd as ag, nn
        >>> x = ag.randn(2, 3)
        >>> nn.Identity(54, unused='x')(x) is x
        True
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return x


class Linear(Module):
    """Affine map ``y = x W^T + b``.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        bias: learn an additive bias.
        dtype: parameter dtype (float32 by default).

    Shape:
        - Input: ``(*, in_features)``.
        - Output: ``(*, out_features)``.

    Attributes:
        weight: ``(out_features, in_features)``, init U(-1/sqrt(in), 1/sqrt(in))
            (PyTorch's kaiming_uniform_ with a = sqrt(5)).
        bias: ``(out_features,)``, init U(-1/sqrt(in), 1/sqrt(in)).

    Example:
        >>> import autograd as ag, nn
        >>> m = nn.Linear(20, 30)
        >>> m(ag.randn(128, 20)).shape
        (128, 30)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        for what, v in (("in_features", in_features), ("out_features", out_features)):
            check_size("Linear", what, v)
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        dt = _dtype(dtype)
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dt))
        if bias:
            self.bias = Parameter(np.empty((out_features,), dtype=dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw the weights with PyTorch's default scheme."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight, self.bias)  # (*, in) -> (*, out)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """Bilinear map ``y_k = x1^T A_k x2 + b_k``.

    Args:
        in1_features, in2_features: sizes of the two inputs.
        out_features: size of the output.
        bias: learn an additive bias.

    Shape:
        - Inputs: ``(*, in1_features)`` and ``(*, in2_features)``.
        - Output: ``(*, out_features)``.

    Example:
        >>> import autograd as ag, nn
        >>> m = nn.Bilinear(4, 5, 3)
        >>> m(ag.randn(2, 4), ag.randn(2, 5)).shape
        (2, 3)
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        for what, v in (("in1_features", in1_features), ("in2_features", in2_features),
                        ("out_features", out_features)):
            check_size("Bilinear", what, v)
        self.in1_features, self.in2_features = in1_features, in2_features
        self.out_features = out_features
        dt = _dtype(dtype)
        self.weight = Parameter(np.empty((out_features, in1_features, in2_features), dtype=dt))
        if bias:
            self.bias = Parameter(np.empty((out_features,), dtype=dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.in1_features) if self.in1_features > 0 else 0.0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.bilinear(x1, x2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class Flatten(Module):
    """Flatten dims ``start_dim..end_dim`` into one.

    Shape:
        - Input: ``(N, *dims)``; Output: ``(N, prod(dims))`` with the defaults.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Flatten()(ag.zeros(32, 1, 5, 5)).shape
        (32, 25)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dim ``dim`` into ``unflattened_size``.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Unflatten(1, (2, 5, 5))(ag.zeros(2, 50)).shape
        (2, 2, 5, 5)
    """

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size)

    def forward(self, x: Tensor) -> Tensor:
        shape = x.shape
        d = self.dim % x.ndim
        new = shape[:d] + self.unflattened_size + shape[d + 1:]
        if int(np.prod(self.unflattened_size)) != shape[d] and -1 not in self.unflattened_size:
            raise ValueError(f"Unflatten: size {self.unflattened_size} does not multiply to "
                             f"dim {self.dim} of size {shape[d]} (input shape {tuple(shape)})")
        return x.reshape(new)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
