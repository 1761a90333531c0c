"""unfold and fold: im2col and col2im as differentiable ops, as ``F.unfold`` / ``F.fold``.

``unfold`` copies every sliding window of an image into a column, ``(N, C*KH*KW, L)``
with L windows; a convolution is then one matrix product with the flattened
filters (the course's im2col). ``fold`` adds such columns back into an image,
summing where windows overlap (col2im). The two are each other's adjoint, so
each backward is the other op and second derivatives come for free. The numpy
work is the convolution's own helpers in :mod:`autograd.ops.conv`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import OpError
from ..function import Function
from ..registry import register
from ..tensor import Tensor
from ._common import tensor_arg
from ._notation import Derivative
from .conv import Window, _fold, _out_hw, _unfold, _window, as_pair


def _windows(op: str, kernel_size: Any, dilation: Any, padding: Any, stride: Any,
             h: int, w: int) -> tuple[Window, int, int]:
    win = _window(op, as_pair(kernel_size, "kernel_size", op), stride, padding, dilation)
    oh, ow = _out_hw(op, h, w, win)
    return win, oh, ow


class Unfold(Function):
    """Sliding windows of (N, C, H, W) as columns (N, C*KH*KW, OH*OW)."""

    symbol = "im2col"
    derivative = Derivative("∂L/∂x = col2im(G): each pixel sums the entries of its windows")

    @staticmethod
    def forward(ctx, x, win, oh, ow):
        ctx.geometry = (x.shape[2:], win)
        n = x.shape[0]
        cols = _unfold(x, win, oh, ow)                          # (C*KH*KW, N*L)
        return np.ascontiguousarray(cols.reshape(cols.shape[0], n, oh * ow).transpose(1, 0, 2))

    @staticmethod
    def backward(ctx, grad):
        (h, w), win = ctx.geometry
        return Fold.apply(grad, (h, w), win), None, None, None


class Fold(Function):
    """Columns (N, C*KH*KW, L) added back into an image (N, C, H, W)."""

    symbol = "col2im"
    derivative = Derivative("∂L/∂cols = im2col(G)")

    @staticmethod
    def forward(ctx, cols, size, win):
        n, rows, _ = cols.shape
        h, w = size
        oh, ow = _out_hw("fold", h, w, win)
        ctx.geometry = (win, oh, ow)
        flat = np.ascontiguousarray(cols.transpose(1, 0, 2)).reshape(rows, -1)  # (CKK, N*L)
        c = rows // (win.kh * win.kw)
        return _fold([(0, flat)], (n, c, h, w), win, oh, ow, cols.dtype)

    @staticmethod
    def backward(ctx, grad):
        win, oh, ow = ctx.geometry
        return Unfold.apply(grad, win, oh, ow), None, None


@register(functional=True)
def unfold(input: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,  # noqa: A002
           stride: Any = 1) -> Tensor:
    """Every sliding window of a batch of images as a column (im2col), as ``F.unfold``.

    Args:
        input: (N, C, H, W), or (C, H, W) for one image.
        kernel_size, dilation, padding, stride: int or (height, width) pair;
            padding is zeros on both sides.

    Shape:
        (N, C, H, W) -> (N, C*KH*KW, L) with ``L = OH*OW`` windows,
        ``OH = (H + 2P - D*(KH-1) - 1) // S + 1`` (likewise OW). Within a column the
        values run over channel, kernel row, kernel column.

    Example:
        >>> import autograd as ag
        >>> x = ag.arange(16.0).reshape(1, 1, 4, 4)
        >>> cols = ag.unfold(x, 2, stride=2)
        >>> cols.shape
        (1, 4, 4)
        >>> cols[0, :, 0].tolist()          # the top-left 2x2 window
        [0.0, 1.0, 4.0, 5.0]
    """
    x = tensor_arg(input, "unfold")
    if x.ndim == 3:
        return unfold(x.unsqueeze(0), kernel_size, dilation, padding, stride)[0]
    if x.ndim != 4:
        raise OpError(f"unfold: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got "
                         f"shape {tuple(x.shape)}")
    win, oh, ow = _windows("unfold", kernel_size, dilation, padding, stride, *x.shape[2:])
    return Unfold.apply(x, win, oh, ow)


@register(functional=True)
def fold(input: Any, output_size: Any, kernel_size: Any, dilation: Any = 1,  # noqa: A002
         padding: Any = 0, stride: Any = 1) -> Tensor:
    """Add columns of sliding windows back into an image (col2im), as ``F.fold``.

    Overlapping windows sum, so ``fold(unfold(x))`` is ``x`` times how many
    windows cover each pixel; ``fold`` is the adjoint of :func:`unfold`.

    Args:
        input: (N, C*KH*KW, L), or (C*KH*KW, L) for one image.
        output_size: (H, W) of the image (an int for a square one).
        kernel_size, dilation, padding, stride: as given to :func:`unfold`.

    Shape:
        (N, C*KH*KW, L) -> (N, C, H, W); L must be the number of windows in (H, W).

    Example:
        >>> import autograd as ag
        >>> ag.fold(ag.ones(1, 4, 9), (4, 4), 2)[0, 0].tolist()[0]   # windows per pixel
        [1.0, 2.0, 2.0, 1.0]
    """
    x = tensor_arg(input, "fold")
    if x.ndim == 2:
        return fold(x.unsqueeze(0), output_size, kernel_size, dilation, padding, stride)[0]
    if x.ndim != 3:
        raise OpError(f"fold: expected a 2-D (C*KH*KW, L) or 3-D (N, C*KH*KW, L) input, "
                         f"got shape {tuple(x.shape)}")
    h, w = as_pair(output_size, "output_size", "fold")
    win, oh, ow = _windows("fold", kernel_size, dilation, padding, stride, h, w)
    n, rows, length = x.shape
    if rows % (win.kh * win.kw):
        raise OpError(f"fold: input of shape {tuple(x.shape)}: dim 1 ({rows}) must be "
                         f"divisible by the kernel's size {win.kh}*{win.kw} (C*KH*KW)")
    if length != oh * ow:
        raise OpError(f"fold: input of shape {tuple(x.shape)} has {length} windows in dim 2, "
                         f"but output_size {(h, w)} with these windows gives {oh}*{ow} = "
                         f"{oh * ow}")
    return Fold.apply(x, (h, w), win)
