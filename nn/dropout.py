"""Dropout (Srivastava et al., 2014), inverted: scaled at train time, identity in eval."""
from __future__ import annotations

from autograd.tensor import Tensor

from . import functional as F
from .module import Module

__all__ = ["Dropout"]


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
            raise ValueError(f"Dropout: probability has to be between 0 and 1, but got {p!r}")
        self.p, self.inplace = float(p), inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
