"""Padding by reflection, replication and wrap-around, and cropping by negative pads.

``ag.pad`` (and ``F.pad``) hands here every call that is not a plain constant
pad: ``mode='reflect' | 'replicate' | 'circular'``, and negative pads, which
crop as in PyTorch. The non-constant modes are one gather per padded dim: an
index map says which source element each output element copies, so the
backward is the adjoint, a scatter-add of the gradient onto those sources
(an element copied to three places gets three gradients). Each of the two is
the other's backward, so second derivatives work.

Index maps, for a dim of size W padded by (left, right), output i reads:

- reflect: ``c = i - left`` mirrored at the edges without repeating them
  (``-1 -> 1``, ``W -> W-2``); each pad must be smaller than W;
- replicate: ``c`` clipped to ``[0, W-1]`` (the edge value repeated);
- circular: the dim first cropped by any negative pad, then ``c mod W'``;
  each pad at most the (cropped) size, as PyTorch.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import OpError
from ..function import Function
from ..tensor import Tensor
from ._notation import Derivative

MODES = ("constant", "reflect", "replicate", "circular")


class PadGather(Function):
    """Each output element copies the source element its index map names, dim by dim."""

    symbol = "pad"
    derivative = Derivative("∂L/∂x = G summed onto the element each padded value copies")

    @staticmethod
    def forward(ctx, x, maps):
        shapes = []
        out = x
        for axis, idx in maps:
            shapes.append(out.shape)
            out = np.take(out, idx, axis=axis)
        ctx.maps, ctx.shapes = maps, tuple(shapes)
        return out

    @staticmethod
    def backward(ctx, grad):
        return PadScatter.apply(grad, ctx.maps, ctx.shapes), None


class PadScatter(Function):
    """The adjoint of :class:`PadGather`: gradients added back onto their sources."""

    symbol = "pad′"

    @staticmethod
    def forward(ctx, grad, maps, shapes):
        ctx.maps = maps
        g = grad
        for (axis, idx), shape in zip(reversed(maps), reversed(shapes)):
            back = np.zeros(shape, grad.dtype)
            np.add.at(back, (slice(None),) * axis + (idx,), g)
            g = back
        return g

    @staticmethod
    def backward(ctx, gg):
        return PadGather.apply(gg, ctx.maps), None, None


def _index_map(mode: str, size: int, left: int, right: int, shape: tuple,
               pad: tuple) -> np.ndarray:
    """Which source element each output element of one dim reads."""
    where = f"pad: mode={mode!r} with padding {pad} on a tensor of shape {shape}"
    if mode == "circular":
        lo, hi = max(0, -left), size - max(0, -right)
        kept = hi - lo
        if max(left, right) > kept or kept < 0:
            raise OpError(f"{where}: a circular pad wraps around more than once (each "
                             f"pad must be at most the size {kept} it wraps)")
        return lo + (np.arange(-max(left, 0), kept + max(right, 0)) % max(kept, 1))
    c = np.arange(-left, size + right)
    if c.size == 0 and size + left + right < 0:
        raise OpError(f"{where}: the output size {size + left + right} is negative")
    if mode == "replicate":
        if size == 0:
            raise OpError(f"{where}: cannot replicate the edge of an empty dim")
        return np.clip(c, 0, size - 1)
    if max(left, right) >= size:
        raise OpError(f"{where}: a reflect pad must be smaller than the size {size} of "
                         "the dim it reflects")
    period = 2 * (size - 1) if size > 1 else 1
    c = np.abs(c) % period
    return np.where(c >= size, period - c, c)


def _check_dims(x: Tensor, pad: tuple, mode: str) -> None:
    k = len(pad) // 2
    if k not in (1, 2, 3) or x.ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"pad: mode={mode!r} pads the last 1, 2 or 3 dims of a batched or unbatched "
            f"input ({k} dims need a {k + 1}-D or {k + 2}-D input); got padding {pad} for a "
            f"tensor of shape {tuple(x.shape)}")


def pad_with_mode(x: Tensor, pad: tuple, mode: str, value: Any) -> Tensor:
    """``ag.pad`` for the non-constant modes and for negative (cropping) pads.

    Args:
        x: the input.
        pad: (left, right) pairs, last dim first; negative values crop.
        mode: one of ``constant``, ``reflect``, ``replicate``, ``circular``.
        value: the fill of ``constant`` (None: 0); the other modes take none.

    Example:
        >>> import autograd as ag
        >>> ag.pad(ag.arange(4.0).reshape(1, 1, 4), (2, 1), mode="reflect").tolist()
        [[[2.0, 1.0, 0.0, 1.0, 2.0, 3.0, 2.0]]]
        >>> ag.pad(ag.arange(4.0), (-1, 2)).tolist()        # crop one, then pad two
        [1.0, 2.0, 3.0, 0.0, 0.0]
    """
    shape = tuple(x.shape)
    if mode == "constant":
        crop = [slice(None)] * x.ndim
        for i in range(len(pad) // 2):
            d, lo, hi = x.ndim - 1 - i, pad[2 * i], pad[2 * i + 1]
            kept = shape[d] - max(0, -lo) - max(0, -hi)
            if kept < 0:
                raise OpError(f"pad: padding {pad} on a tensor of shape {shape} crops dim "
                                 f"{d} to a negative size {kept}")
            crop[d] = slice(max(0, -lo), shape[d] - max(0, -hi))
        from .shape import pad as constant_pad

        return constant_pad(x[tuple(crop)], tuple(max(0, p) for p in pad), value=value)
    if value is not None and value != 0:
        raise OpError(f"pad: mode={mode!r} takes no value argument (got value={value!r}); "
                         "the value is only for mode='constant'")
    _check_dims(x, pad, mode)
    for i in range(len(pad) // 2):
        size = shape[x.ndim - 1 - i] + pad[2 * i] + pad[2 * i + 1]
        if size < 0:
            raise OpError(f"pad: mode={mode!r} with padding {pad} leaves dim {x.ndim - 1 - i}"
                             f" of a tensor of shape {shape} with a negative size {size}")
    maps = tuple((x.ndim - 1 - i, _index_map(mode, shape[x.ndim - 1 - i], pad[2 * i],
                                             pad[2 * i + 1], shape, pad))
                 for i in range(len(pad) // 2))
    return PadGather.apply(x, maps)
