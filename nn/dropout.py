"""Dropout (Srivastava et al., 2014), inverted: scaled at train time, identity in eval."""
from __future__ import annotations

from autograd.tensor import Tensor

from . import functional as F
from .channel_dropout import dropout1d, dropout2d, dropout3d
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d"]


class Dropout(Module):
    """Zero each element with probability ``p`` in training mode, scaling the rest by 1/(1-p).

    In ``eval()`` mode it returns its input unchanged, so the expected value of
    every activation is the same in both modes. (The original formulation keeps
    training outputs unscaled and multiplies by ``1 - p`` at test time instead;
    the two agree in expectation, and this one leaves inference untouched.)
    The mask is drawn from the global generator (``ag.manual_seed``); backward
    lets the gradient through exactly where the mask kept the value, scaled
    the same way.

    Args:
        p: probability of an element being zeroed, in [0, 1].

    Shape:
        any, unchanged.

    Example:
        >>> import autograd as ag, nn
        >>> drop = nn.Dropout(0.5)
        >>> x = ag.ones(4, 4)
        >>> bool((drop.eval()(x) == x).all())
        True
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
            raise ValueError(f"{type(self).__name__}: probability has to be between 0 and 1, "
                             f"but got {p!r}")
        self.p, self.inplace = float(p), inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(Dropout):
    """Zero whole channels of ``(N, C, L)`` inputs with probability ``p`` (train mode only).

    Kept channels are scaled by ``1/(1-p)``; ``eval()`` makes it the identity.

    Shape:
        - Input: ``(N, C, L)`` or ``(C, L)``; Output: the same.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Dropout1d(0.2)(ag.randn(20, 16, 32)).shape
        (20, 16, 32)
    """

    def forward(self, x: Tensor) -> Tensor:
        return dropout1d(x, self.p, self.training)


class Dropout2d(Dropout):
    """Zero whole feature maps of ``(N, C, H, W)`` inputs with probability ``p`` (train mode).

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``; Output: the same.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Dropout2d(0.2)(ag.randn(2, 16, 8, 8)).shape
        (2, 16, 8, 8)
    """

    def forward(self, x: Tensor) -> Tensor:
        return dropout2d(x, self.p, self.training)


class Dropout3d(Dropout):
    """Zero whole channels of ``(N, C, D, H, W)`` inputs with probability ``p`` (train mode).

    Shape:
        - Input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``; Output: the same.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Dropout3d()(ag.randn(2, 4, 3, 5, 5)).shape
        (2, 4, 3, 5, 5)
    """

    def forward(self, x: Tensor) -> Tensor:
        return dropout3d(x, self.p, self.training)
