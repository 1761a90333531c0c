"""Alpha dropout (Klambauer et al., 2017): dropout that keeps SELU's zero mean and unit variance.

A dropped activation is set to SELU's negative saturation ``-alpha' = -scale * alpha``
(about -1.7581) instead of 0, and an affine map ``a x + b`` then restores the mean and
variance of a standardised input: with keep probability ``q = 1 - p``,

    a = 1 / sqrt(q (1 + p alpha'^2)),   b = a alpha' p,
    y = a x + b where kept,   y = -a alpha' + b where dropped,

PyTorch's formula. ``feature_alpha_dropout`` drops whole channels (one draw per
``(N, C)``), as ``Dropout2d`` does for ordinary dropout. The mask comes from
``autograd.random.default_generator()`` (seed it with ``ag.manual_seed``); the output is
``x * mask + shift`` with constant mask and shift, so the gradient is the mask.
"""
from __future__ import annotations

import math

import numpy as np

from autograd.errors import OpError
from autograd.random import default_generator
from autograd.tensor import Tensor

from .module import Module

__all__ = ["alpha_dropout", "feature_alpha_dropout", "AlphaDropout", "FeatureAlphaDropout"]

#: SELU's scale * alpha: the value SELU tends to for very negative inputs, negated
ALPHA_PRIME = 1.7580993408473766


def _check_p(p: object, who: str) -> float:
    if not isinstance(p, (int, float)) or isinstance(p, bool) or not 0.0 <= p <= 1.0:
        raise ValueError(f"{who}: dropout probability has to be between 0 and 1, but got {p!r}")
    return float(p)


def _alpha(x: Tensor, p: float, training: bool, inplace: bool, feature: bool,
           who: str) -> Tensor:
    """Alpha dropout of ``x`` with one draw per element, or per (N, C) when ``feature``."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{who}: expected a Tensor as input, got {type(x).__name__}")
    p = _check_p(p, who)
    if p == 0.0 or not training or x.numel() == 0:
        return x
    if feature and x.ndim < 2:
        raise OpError(f"{who}: feature dropout requires at least 2 dimensions in the input, "
                      f"got shape {tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise OpError(f"{who}: alpha dropout needs a floating-point input, got {x.dtype}")
    dtype = x.dtype
    if p == 1.0:
        mult, shift = np.zeros((), dtype), np.zeros((), dtype)
    else:
        shape = x.shape[:2] + (1,) * (x.ndim - 2) if feature else x.shape
        keep = (default_generator().random(shape) >= p).astype(np.float64)
        a = 1.0 / math.sqrt((ALPHA_PRIME ** 2 * p + 1.0) * (1.0 - p))
        mult = (keep * a).astype(dtype)                                    # a where kept
        shift = ((keep - 1.0) * ALPHA_PRIME * a + ALPHA_PRIME * a * p).astype(dtype)
    m, s = Tensor._make(mult), Tensor._make(shift)
    if inplace:
        return x._inplace(lambda t, _: t * m + s, None, who + "_")
    return x * m + s


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,  # noqa: A002
                  inplace: bool = False) -> Tensor:
    """Alpha dropout of each element, as ``F.alpha_dropout`` (``training`` is False by default,
    as PyTorch's functional form).

    Args:
        input: any floating-point tensor.
        p: probability of dropping an element, in [0, 1].
        training: apply dropout (otherwise return ``input``).
        inplace: write the result into ``input``.

    Shape:
        any, unchanged.

    Returns:
        ``a x + b`` where kept and ``-a alpha' + b`` where dropped (see the module doc).

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> _ = ag.manual_seed(0)
        >>> y = F.alpha_dropout(ag.zeros(1000), 0.2, training=True)
        >>> len(set(y.tolist()))       # two values: kept zeros and dropped ones
        2
        >>> F.alpha_dropout(ag.ones(3), 0.2).tolist()          # not training: the input
        [1.0, 1.0, 1.0]
    """
    return _alpha(input, p, training, inplace, False, "alpha_dropout")


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,  # noqa: A002
                          inplace: bool = False) -> Tensor:
    """Alpha dropout of whole channels, as ``F.feature_alpha_dropout``.

    Args:
        input: ``(N, C, *)`` floating point.
        p, training, inplace: as :func:`alpha_dropout`.

    Shape:
        ``(N, C, *)``, unchanged; one draw per ``(n, c)``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> _ = ag.manual_seed(0)
        >>> y = F.feature_alpha_dropout(ag.zeros(2, 3, 4), 0.5, training=True)
        >>> [len(set(row.tolist())) for row in y.reshape(6, 4)]   # each channel: one value
        [1, 1, 1, 1, 1, 1]
    """
    return _alpha(input, p, training, inplace, True, "feature_alpha_dropout")


class AlphaDropout(Module):
    """Alpha dropout in training mode, the identity in ``eval()``: for SELU networks.

    Args:
        p: probability of dropping an element, in [0, 1].
        inplace: write the result into the input.

    Shape:
        any, unchanged.

    Example:
        >>> import autograd as ag, nn
        >>> nn.AlphaDropout(0.2)
        AlphaDropout(p=0.2, inplace=False)
        >>> nn.AlphaDropout(0.2).eval()(ag.ones(2)).tolist()
        [1.0, 1.0]
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p, self.inplace = _check_p(p, type(self).__name__), inplace

    def forward(self, x: Tensor) -> Tensor:
        return alpha_dropout(x, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class FeatureAlphaDropout(AlphaDropout):
    """Alpha dropout of whole channels in training mode, the identity in ``eval()``.

    Shape:
        ``(N, C, *)``, unchanged.

    Example:
        >>> import autograd as ag, nn
        >>> nn.FeatureAlphaDropout(0.2)(ag.randn(2, 4, 3, 3)).shape
        (2, 4, 3, 3)
    """

    def forward(self, x: Tensor) -> Tensor:
        return feature_alpha_dropout(x, self.p, self.training, self.inplace)
