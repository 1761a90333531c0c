"""Vector norms and distances: normalize, cosine_similarity, pairwise_distance, and their
modules; also the Fold and Unfold modules (im2col / col2im as layers).

Composed from registered ops. The p-norm here has a zero gradient at the zero
vector (PyTorch's subgradient), so ``normalize`` of a zero row gives ``x / eps``
and its gradient ``1 / eps`` instead of NaN.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag
from autograd.tensor import Tensor

from .module import Module

__all__ = ["normalize", "cosine_similarity", "pairwise_distance", "vector_norm",
           "CosineSimilarity", "PairwiseDistance", "Fold", "Unfold"]


def _tensor(x: Any, op: str, what: str = "input") -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: {what} must be a Tensor, got {type(x).__name__}")
    return x


def vector_norm(x: Tensor, p: float = 2.0, dim: int = -1, keepdim: bool = False) -> Tensor:
    """``(sum |x|^p)^(1/p)`` along ``dim``, with gradient 0 at the zero vector.

    ``p = inf`` is the largest absolute value.

    Example:
        >>> import autograd as ag
        >>> vector_norm(ag.tensor([[3.0, 4.0], [0.0, 0.0]])).tolist()
        [5.0, 0.0]
    """
    if p == float("inf"):
        return x.abs().max(dim, keepdim=keepdim).values
    if p <= 0:
        raise ValueError(f"vector_norm: p must be positive, got {p}")
    s = (x.abs() ** p).sum(dim, keepdim=keepdim) if p != 2 else (x * x).sum(dim, keepdim=keepdim)
    positive = s.numpy() > 0
    root = ag.where(positive, s, 1.0) ** (1.0 / p)  # no infinite slope of the root at 0
    return ag.where(positive, root, 0.0)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:  # noqa: A002
    """``x / max(||x||_p, eps)`` along ``dim``: unit vectors (a zero vector stays zero).

    Args:
        input: any shape.
        p: the norm's exponent (``float('inf')`` for the max norm).
        dim: the dim holding the vectors.
        eps: the smallest norm divided by.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.normalize(ag.tensor([[3.0, 4.0]]))
        tensor([[0.6000, 0.8000]])
    """
    x = _tensor(input, "normalize")
    if x.ndim == 0:
        raise ValueError("normalize: input must have at least one dim, got a 0-d tensor")
    return x / ag.clip(vector_norm(x, p, dim, keepdim=True), eps, None)


def _dim(ndim: int, dim: int, op: str, shape: tuple) -> int:
    if not -ndim <= dim < max(ndim, 1):
        raise IndexError(f"{op}: dim {dim} is out of range for inputs of broadcast shape "
                         f"{tuple(shape)}")
    return dim


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim`` (inputs broadcast).

    ``sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps))``, as PyTorch.

    Shape:
        x1, x2 broadcastable to (*, D, *) -> (*, *) without ``dim``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.cosine_similarity(ag.tensor([[1.0, 0.0], [1.0, 1.0]]),
        ...                     ag.tensor([[0.0, 2.0], [2.0, 2.0]]))
        tensor([0.0000, 1.0000])
    """
    a, b = _tensor(x1, "cosine_similarity", "x1"), _tensor(x2, "cosine_similarity", "x2")
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"cosine_similarity: x1 of shape {tuple(a.shape)} and x2 of shape "
                         f"{tuple(b.shape)} do not broadcast") from None
    d = _dim(len(shape), dim, "cosine_similarity", shape)
    na = ag.clip(vector_norm(a, 2.0, d, keepdim=True), eps, None)
    nb = ag.clip(vector_norm(b, 2.0, d, keepdim=True), eps, None)
    return ((a / na) * (b / nb)).sum(d)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """The p-norm of ``x1 - x2 + eps`` along the last dim (row-wise distances).

    Shape:
        (N, D) and (N, D) (or broadcastable) -> (N,), or (N, 1) with ``keepdim``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.pairwise_distance(ag.tensor([[0.0, 0.0]]), ag.tensor([[3.0, 4.0]]))
        tensor([5.0000])
    """
    a, b = _tensor(x1, "pairwise_distance", "x1"), _tensor(x2, "pairwise_distance", "x2")
    try:
        diff = a - b + eps
    except ValueError:
        raise ValueError(f"pairwise_distance: x1 of shape {tuple(a.shape)} and x2 of shape "
                         f"{tuple(b.shape)} do not broadcast") from None
    if diff.ndim == 0:
        raise ValueError("pairwise_distance: inputs must have at least one dim")
    return vector_norm(diff, p, -1, keepdim=keepdim)


class CosineSimilarity(Module):
    """Cosine similarity along ``dim``, as :func:`cosine_similarity`.

    Example:
        >>> import autograd as ag, nn
        >>> nn.CosineSimilarity(dim=0)(ag.tensor([1.0, 0.0]), ag.tensor([1.0, 1.0])).item()
        0.7071067...
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """Row-wise p-norm distance, as :func:`pairwise_distance`."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class Unfold(Module):
    """Every sliding window as a column (im2col), as ``F.unfold``.

    Shape:
        (N, C, H, W) -> (N, C*KH*KW, L).

    Example:
        >>> import autograd as ag, nn
        >>> nn.Unfold(2)(ag.randn(1, 3, 4, 4)).shape
        (1, 12, 9)
    """

    def __init__(self, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:
        super().__init__()
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return ag.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Fold(Module):
    """Columns added back into an image (col2im), as ``F.fold``.

    Shape:
        (N, C*KH*KW, L) -> (N, C, H, W) with (H, W) = ``output_size``.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Fold((4, 4), 2)(ag.ones(1, 12, 9)).shape
        (1, 3, 4, 4)
    """

    def __init__(self, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return ag.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                       self.stride)

    def extra_repr(self) -> str:
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")
