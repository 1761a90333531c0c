"""Dropout with a mask drawn per element or per channel: ``dropout1d``/``2d``/``3d``.

Channel dropout (Tompson et al., 2015) zeroes whole feature maps, for
convolutional features where neighbouring activations are correlated. As
:func:`nn.functional.dropout` it is inverted (kept values scaled by
``1/(1-p)``), the identity when not training, and draws from
``autograd.random.default_generator()`` (seed it with ``ag.manual_seed``).
"""
from __future__ import annotations

import warnings

import numpy as np

from autograd.random import default_generator
from autograd.tensor import Tensor

__all__ = ["masked_dropout", "dropout1d", "dropout2d", "dropout3d"]


def _check_p(p: float, who: str) -> None:
    if not isinstance(p, (int, float)) or isinstance(p, bool) or not 0.0 <= p <= 1.0:
        raise ValueError(f"{who}: probability has to be between 0 and 1, but got {p!r}")


def masked_dropout(x: Tensor, p: float, mask_shape: tuple) -> Tensor:
    """``x`` times an inverted-dropout mask of ``mask_shape`` (broadcast against ``x``)."""
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
    if p == 1.0:
        mask = np.zeros(mask_shape, dtype)
    else:
        keep = default_generator().random(mask_shape) >= p
        mask = keep.astype(dtype) * dtype.type(1.0 / (1.0 - p))
    return x * Tensor._make(mask)


def _channel_dropout(x: Tensor, p: float, training: bool, spatial: int, who: str) -> Tensor:
    _check_p(p, who)
    if x.ndim not in (spatial + 1, spatial + 2):
        raise ValueError(f"{who}: expected a {spatial + 1}-D (unbatched) or {spatial + 2}-D "
                         f"(N, C, ...) input, got shape {tuple(x.shape)}")
    if not training or p == 0.0:
        return x
    lead = 2 if x.ndim == spatial + 2 else 1  # (N, C) or (C,)
    return masked_dropout(x, p, tuple(x.shape[:lead]) + (1,) * (x.ndim - lead))


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,  # noqa: A002
              inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, L)`` (or ``(C, L)``) with probability ``p``.

    Example:
        >>> import autograd as ag
        >>> _ = ag.manual_seed(0)
        >>> y = dropout1d(ag.ones(2, 6, 4), 0.5)
        >>> sorted({tuple(row) for row in y.numpy().reshape(12, 4).tolist()})
        [(0.0, 0.0, 0.0, 0.0), (2.0, 2.0, 2.0, 2.0)]
    """
    return _channel_dropout(input, p, training, 1, "dropout1d")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,  # noqa: A002
              inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, H, W)`` (or ``(C, H, W)``) with probability ``p``.

    A 3-D input is taken as ``(N, C, L)`` with a warning, as PyTorch does.

    Example:
        >>> import autograd as ag
        >>> x = ag.ones(2, 3, 4, 4)
        >>> dropout2d(x, 0.5, training=False) is x
        True
    """
    if input.ndim == 3:
        warnings.warn("dropout2d: received a 3-D input; assuming channel-wise 1-D dropout "
                      "is meant, input read as (N, C, L) (use dropout1d for that)",
                      UserWarning, stacklevel=2)
        return _channel_dropout(input, p, training, 1, "dropout2d")
    return _channel_dropout(input, p, training, 2, "dropout2d")


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True,  # noqa: A002
              inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, D, H, W)`` (or ``(C, D, H, W)``) with probability ``p``.

    Example:
        >>> import autograd as ag
        >>> float(dropout3d(ag.ones(2, 3, 2, 2, 2), p=1.0).numpy().max())
        0.0
    """
    return _channel_dropout(input, p, training, 3, "dropout3d")
