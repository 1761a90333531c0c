"""Root-mean-square layer normalization: ``F.rms_norm`` and ``nn.RMSNorm`` (Zhang & Sennrich, 2019).

``y = x / sqrt(mean(x^2) + eps) * weight`` over the trailing ``normalized_shape``
dims. Unlike LayerNorm nothing is subtracted and there is no bias; modern
transformers (LLaMA, T5) use it for that saving. Composed from registered ops
(square, mean, rsqrt, mul), so the gradient is the chain rule through
gradient-checked primitives.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from autograd.errors import OpError, OpNotImplementedError
from autograd.tensor import Tensor

from . import init
from ._checks import check_size
from ._factory import check_device
from .module import Module
from .parameter import Parameter

__all__ = ["rms_norm", "RMSNorm"]


def _shape(normalized_shape: Any, who: str) -> tuple[int, ...]:
    ns = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) \
        else tuple(normalized_shape)
    return tuple(check_size(who, "normalized_shape", s) for s in ns)


def _opmath(dtype: np.dtype) -> np.dtype:
    """The dtype the statistics are computed in: float32 for half precision, as PyTorch."""
    return np.dtype(np.float32) if dtype.itemsize < 4 else dtype


def rms_norm(input: Tensor, normalized_shape: int | Sequence[int],  # noqa: A002
             weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    """Divide by the root mean square over the trailing ``normalized_shape`` dims.

    Args:
        input: ``(*, *normalized_shape)``, floating point.
        normalized_shape: int or tuple, the trailing dims to normalise over.
        weight: of shape ``normalized_shape`` (a per-element gain), or None.
        eps: added to the mean square; None means the machine epsilon of the
            computation dtype (``finfo(float32).eps`` for float16/32 input,
            ``finfo(float64).eps`` for float64), as PyTorch.

    Shape:
        ``(*, *normalized_shape)`` -> the same; dtype of ``input``.

    Returns:
        ``input / sqrt(mean(input**2) + eps) * weight``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.rms_norm(ag.tensor([[2.0, -2.0], [0.0, 0.0]]), [2]).tolist()   # rms 2, then 0
        [[1.0, -1.0], [0.0, 0.0]]
    """
    x = input
    if not isinstance(x, Tensor):
        raise TypeError(f"rms_norm: expected a Tensor input, got {type(x).__name__}")
    ns = _shape(normalized_shape, "rms_norm")
    k = len(ns)
    if k == 0:
        raise OpError("rms_norm: expected normalized_shape to have at least one element, "
                      "got normalized_shape = ()")
    if x.ndim < k or tuple(x.shape[x.ndim - k:]) != ns:
        raise OpError(f"rms_norm: given normalized_shape={ns}, expected input with shape "
                      f"(*, {', '.join(map(str, ns))}), but got input of shape "
                      f"{tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise OpNotImplementedError(f"rms_norm: not implemented for dtype {x.dtype}; convert "
                                    "first, e.g. x.float()")
    if weight is not None and tuple(weight.shape) != ns:
        raise OpError(f"rms_norm: expected weight of the same shape as normalized_shape, but "
                      f"got weight of shape {tuple(weight.shape)} and normalized_shape = "
                      f"{ns}")
    op = _opmath(x.dtype)
    e = float(np.finfo(op).eps) if eps is None else float(eps)
    xc = x if x.dtype == op else x.to(op)
    dims = tuple(range(x.ndim - k, x.ndim))
    ms = (xc * xc).mean(dims, keepdim=True)                      # (*, 1, ..., 1)
    y = xc * (ms + e).rsqrt()                                    # (*, *normalized_shape)
    if y.dtype != x.dtype:
        y = y.to(x.dtype)
    if weight is not None:
        y = y * weight
        if y.dtype != x.dtype:
            y = y.to(x.dtype)
    return y


class RMSNorm(Module):
    """Root-mean-square normalization over the trailing ``normalized_shape`` dims.

    ``y = x / sqrt(mean(x^2) + eps) * weight`` (Zhang & Sennrich, 2019,
    "Root Mean Square Layer Normalization").

    Args:
        normalized_shape: int or tuple, the trailing dims.
        eps: added to the mean square; None (default) is the machine epsilon of
            the input's computation dtype, as PyTorch.
        elementwise_affine: learn ``weight`` (init 1) of shape ``normalized_shape``.
        device, dtype: PyTorch's factory keywords (CPU only).

    Shape:
        - Input: ``(*, *normalized_shape)``; Output: the same.

    Example:
        >>> import autograd as ag, nn
        >>> m = nn.RMSNorm(4)
        >>> m, m(ag.ones(2, 4)).tolist()[0]
        (RMSNorm((4,), eps=None, elementwise_affine=True), [1.0, 1.0, 1.0, 1.0])
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float | None = None,
                 elementwise_affine: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        self.normalized_shape = _shape(normalized_shape, "RMSNorm")
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            dt = np.dtype(np.float32 if dtype is None else dtype)
            self.weight = Parameter(np.ones(self.normalized_shape, dt))
        else:
            self.register_parameter("weight", None)

    def reset_parameters(self) -> None:
        """Set the weight back to ones."""
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x: Tensor) -> Tensor:
        # (*, *normalized_shape) -> the same
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
