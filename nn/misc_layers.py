"""Smaller layers and functions PyTorch has: channel shuffle (ShuffleNet), Softmax2d, the
Gumbel-softmax sample, the deprecated upsampling aliases and the triplet loss with a
distance of one's choosing.

Each is composed of registered autograd ops, so each gradient is the chain rule through
gradient-checked primitives.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np

import autograd as ag
from autograd.errors import OpError
from autograd.random import default_generator
from autograd.tensor import Tensor

from .distance import PairwiseDistance, pairwise_distance
from .loss import _Loss
from .module import Module
from .upsample import interpolate

__all__ = ["channel_shuffle", "ChannelShuffle", "Softmax2d", "gumbel_softmax",
           "upsample_bilinear", "upsample_nearest", "triplet_margin_with_distance_loss",
           "TripletMarginWithDistanceLoss"]


# ------------------------------------------------------------------ channel shuffle
def channel_shuffle(input: Tensor, groups: int) -> Tensor:  # noqa: A002
    """Interleave the channels of ``groups`` groups (ShuffleNet), as ``F.channel_shuffle``.

    Channels ``[g0c0, g0c1, ..., g1c0, ...]`` become ``[g0c0, g1c0, ..., g0c1, g1c1, ...]``:
    the ``(groups, C/groups)`` channel grid is transposed.

    Args:
        input: ``(N, C, *)`` with at least 3 dims; C divisible by ``groups``.
        groups: the number of groups, a positive int.

    Shape:
        ``(N, C, *)``, unchanged.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.channel_shuffle(ag.arange(6.0).reshape(1, 6, 1), 2).flatten().tolist()
        [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"channel_shuffle: expected a Tensor as input, got "
                        f"{type(input).__name__}")
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool):
        raise TypeError(f"channel_shuffle: argument 'groups' must be int, not "
                        f"{type(groups).__name__}")
    if input.ndim <= 2:
        raise OpError(f"channel_shuffle expects input with > 2 dims, but got input with sizes "
                      f"{tuple(input.shape)}")
    if groups <= 0:
        raise OpError(f"channel_shuffle: number of groups to divide channels in must be "
                      f"positive. Value of groups: {groups}")
    n, c = input.shape[:2]
    if c % groups:
        raise OpError(f"channel_shuffle: number of channels must be divisible by groups. Got "
                      f"{c} channels and {groups} groups (input {tuple(input.shape)})")
    rest = tuple(input.shape[2:])
    split = input.reshape((n, groups, c // groups) + rest)  # (N, G, C/G, *)
    return split.transpose(1, 2).reshape(input.shape)       # (N, C/G, G, *) -> (N, C, *)


class ChannelShuffle(Module):
    """Shuffle channels across ``groups`` groups (ShuffleNet units).

    Args:
        groups: the number of groups the channels are divided into.

    Shape:
        ``(N, C, *)``, unchanged.

    Example:
        >>> import autograd as ag, nn
        >>> nn.ChannelShuffle(2)(ag.arange(4.0).reshape(1, 4, 1, 1)).flatten().tolist()
        [0.0, 2.0, 1.0, 3.0]
    """

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, x: Tensor) -> Tensor:
        return channel_shuffle(x, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"


# ------------------------------------------------------------------ Softmax2d
class Softmax2d(Module):
    """Softmax over the channels at every spatial position.

    Shape:
        ``(N, C, H, W)`` or ``(C, H, W)``, unchanged; sums to 1 over C.

    Example:
        >>> import autograd as ag, nn
        >>> y = nn.Softmax2d()(ag.randn(2, 3, 4, 4))
        >>> bool(((y.sum(1) - 1).abs() < 1e-6).all())
        True
    """

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {x.ndim}D instead "
                             f"(shape {tuple(x.shape)})")
        return ag.softmax(x, -3)


# ------------------------------------------------------------------ Gumbel-softmax
def _gumbel_noise(shape: tuple, dtype: np.dtype) -> np.ndarray:
    """Standard Gumbel noise, ``-log(E)`` with E ~ Exponential(1), from the global generator."""
    return (-np.log(default_generator().standard_exponential(shape))).astype(dtype)


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """A sample of the Gumbel-softmax (concrete) distribution, as ``F.gumbel_softmax``.

    ``y = softmax((logits + g) / tau)`` with g standard Gumbel noise: as ``tau`` falls
    the sample approaches a one-hot draw from ``softmax(logits)`` (Jang et al., 2017).
    With ``hard=True`` the forward value is that one-hot vector (the argmax of y) and
    the gradient is the soft sample's (straight-through): ``one_hot - y.detach() + y``.

    Args:
        logits: ``(*, num_features)`` unnormalised log-probabilities.
        tau: temperature, > 0.
        hard: return one-hot samples with the soft sample's gradient.
        eps: deprecated, has no effect (a warning when set), as PyTorch.
        dim: the dimension of the categories.

    Shape:
        as ``logits``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> _ = ag.manual_seed(0)
        >>> y = F.gumbel_softmax(ag.zeros(2, 3), hard=True)
        >>> y.sum(-1).tolist(), sorted(set(y.flatten().tolist()))
        ([1.0, 1.0], [0.0, 1.0])
    """
    if not isinstance(logits, Tensor):
        raise TypeError(f"gumbel_softmax: expected a Tensor as logits, got "
                        f"{type(logits).__name__}")
    if eps != 1e-10:
        warnings.warn("gumbel_softmax: `eps` parameter is deprecated and has no effect.",
                      stacklevel=2)
    if logits.dtype.kind != "f":
        raise OpError(f"gumbel_softmax: expected floating-point logits, got {logits.dtype}")
    noise = Tensor._make(_gumbel_noise(logits.shape, logits.dtype))
    y_soft = ag.softmax((logits + noise) / tau, dim)
    if not hard:
        return y_soft
    index = np.expand_dims(np.argmax(y_soft.array, axis=dim), dim)
    one_hot = np.zeros(logits.shape, logits.dtype)
    np.put_along_axis(one_hot, index, 1.0, axis=dim)
    return Tensor._make(one_hot) - y_soft.detach() + y_soft


# ------------------------------------------------------------------ deprecated upsampling
def upsample_nearest(input: Tensor, size: Any = None,  # noqa: A002
                     scale_factor: Any = None) -> Tensor:
    """Deprecated: ``interpolate(input, size, scale_factor, mode='nearest')``, with a warning.

    Example:
        >>> import warnings, autograd as ag, nn.functional as F
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     F.upsample_nearest(ag.tensor([[[1.0, 2.0]]]), scale_factor=2).tolist()
        [[[1.0, 1.0, 2.0, 2.0]]]
    """
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: Any = None,  # noqa: A002
                      scale_factor: Any = None) -> Tensor:
    """Deprecated: ``interpolate(..., mode='bilinear', align_corners=True)``, with a warning.

    Shape:
        ``(N, C, H, W)`` -> ``(N, C, H_out, W_out)``.

    Example:
        >>> import warnings, autograd as ag, nn.functional as F
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     F.upsample_bilinear(ag.tensor([[[[0.0, 3.0]]]]), size=(1, 4)).tolist()
        [[[[0.0, 1.0, 2.0, 3.0]]]]
    """
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ------------------------------------------------------------------ triplet loss
def triplet_margin_with_distance_loss(
        anchor: Tensor, positive: Tensor, negative: Tensor, *,
        distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
        margin: float = 1.0, swap: bool = False, reduction: str = "mean") -> Tensor:
    """``max(d(a, p) - d(a, n) + margin, 0)`` with any distance ``d``, as
    ``F.triplet_margin_with_distance_loss``.

    Args:
        anchor, positive, negative: tensors of the same number of dims, ``(N, D)`` for
            the default distance.
        distance_function: ``d(x1, x2)`` returning one distance per triplet;
            default :func:`pairwise_distance` (Euclidean).
        margin: the gap asked for between the two distances, > 0.
        swap: use ``min(d(a, n), d(p, n))`` as the negative distance (Balntas et al.).
        reduction: ``'mean'``, ``'sum'`` or ``'none'``.

    Returns:
        The loss, a scalar or one value per triplet.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> a, p, n = ag.zeros(1, 2), ag.tensor([[3.0, 4.0]]), ag.tensor([[0.0, 1.0]])
        >>> F.triplet_margin_with_distance_loss(
        ...     a, p, n, distance_function=lambda x, y: (x - y).abs().sum(-1)).item()
        7.0
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"triplet_margin_with_distance_loss: {reduction!r} is not a valid "
                         "value for reduction ('mean', 'sum' or 'none')")
    if margin <= 0:
        raise ValueError(f"triplet_margin_with_distance_loss: margin must be greater than 0, "
                         f"got {margin}")
    shapes = [tuple(getattr(t, "shape", ())) for t in (anchor, positive, negative)]
    if not len(shapes[0]) == len(shapes[1]) == len(shapes[2]):
        raise OpError("triplet_margin_with_distance_loss: the anchor, positive, and negative "
                      "tensors are expected to have the same number of dimensions, but got: "
                      f"anchor {len(shapes[0])}D, positive {len(shapes[1])}D, and negative "
                      f"{len(shapes[2])}D inputs {shapes}")
    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos, d_neg = dist(anchor, positive), dist(anchor, negative)
    if swap:
        d_neg = ag.minimum(d_neg, dist(positive, negative))
    loss = ag.clamp_min(margin + d_pos - d_neg, 0)
    if reduction == "sum":
        return loss.sum()
    return loss.mean() if reduction == "mean" else loss


class TripletMarginWithDistanceLoss(_Loss):
    """The triplet margin loss with a distance of one's choosing (default Euclidean).

    Args:
        distance_function: ``d(x1, x2)``; default ``nn.PairwiseDistance()``.
        margin: > 0.
        swap: use the smaller of ``d(a, n)`` and ``d(p, n)``.
        reduction: ``'mean'``, ``'sum'`` or ``'none'``.

    Shape:
        anchor, positive, negative ``(N, D)`` -> a scalar, or ``(N,)`` with ``'none'``.

    Example:
        >>> import autograd as ag, nn
        >>> loss = nn.TripletMarginWithDistanceLoss(margin=0.5)
        >>> loss(ag.zeros(1, 2), ag.zeros(1, 2), ag.tensor([[3.0, 4.0]])).item()
        0.0
    """

    def __init__(self, *, distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
                 margin: float = 1.0, swap: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater "
                             f"than 0, got {margin} instead")
        self.distance_function = (distance_function if distance_function is not None
                                  else PairwiseDistance())
        self.margin, self.swap = margin, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function,
            margin=self.margin, swap=self.swap, reduction=self.reduction)
