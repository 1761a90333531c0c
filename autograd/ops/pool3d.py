"""3-D pooling over volumes and clips: max_pool3d and avg_pool3d.

Every window of the padded volume is a strided view ``(N, C, OD, OH, OW, KD, KH, KW)``
of it. Max-pool flattens each window and takes ``argmax`` (the first maximum in
row-major order, a NaN wins, as PyTorch) and keeps the winner's offset for
backward; avg-pool sums the view and divides by PyTorch's divisor. Backward
loops only over the KD*KH*KW kernel offsets, each a slice-add covering every
window at once; nothing loops over output positions. Each backward is an op
whose own backward is the forward's adjoint (scatter <-> gather, spread <->
window sum), so double backward works.
"""
from __future__ import annotations

import itertools
import math
from typing import Any, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..errors import OpError
from ..function import Function
from ..registry import register
from ..tensor import Tensor
from ._common import as_tensor
from ._conv_args import as_tuple
from ._notation import Derivative
from .pool import _pool_len

_AXES = ("depth", "height", "width")


class _Geom3(NamedTuple):
    shape: tuple     # input (N, C, D, H, W)
    k: tuple
    s: tuple
    p: tuple
    d: tuple
    out: tuple       # (OD, OH, OW)
    ext: tuple       # padded extent read (covers every window and the whole input)


def _geometry(op: str, x: Tensor, kernel_size: Any, stride: Any, padding: Any,
              dilation: Any, ceil_mode: bool) -> _Geom3:
    k = as_tuple(kernel_size, 3, "kernel_size", op)
    no_stride = stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0)
    s = k if no_stride else as_tuple(stride, 3, "stride", op)
    p = as_tuple(padding, 3, "padding", op, low=0)
    d = as_tuple(dilation, 3, "dilation", op)
    if any(pp > kk // 2 for pp, kk in zip(p, k)):
        raise OpError(f"{op}: padding {p} must be at most half the kernel size {k}, so every "
                      "window holds at least one input value")
    size = x.shape[2:]
    out = tuple(_pool_len(op, a, n, kk, ss, pp, dd, ceil_mode)
                for a, n, kk, ss, pp, dd in zip(_AXES, size, k, s, p, d))
    ext = tuple(max((o - 1) * ss + dd * (kk - 1) + 1, pp + n)
                for o, ss, dd, kk, pp, n in zip(out, s, d, k, p, size))
    return _Geom3(tuple(x.shape), k, s, p, d, out, ext)


def _padded(x: np.ndarray, g: _Geom3, fill: Any) -> np.ndarray:
    """``x`` inside a (N, C, *ext) block of ``fill`` (``x`` itself when nothing is added)."""
    if g.ext == x.shape[2:] and not any(g.p):
        return x
    xp = np.full(x.shape[:2] + g.ext, fill, x.dtype)
    xp[_inner(g)] = x
    return xp


def _inner(g: _Geom3) -> tuple:
    return (slice(None), slice(None)) + tuple(slice(p, p + n) for p, n in zip(g.p, g.shape[2:]))


def _windows(xp: np.ndarray, g: _Geom3) -> np.ndarray:
    """A read-only view (N, C, OD, OH, OW, KD, KH, KW) of every window of ``xp``."""
    st = xp.strides
    return as_strided(xp, xp.shape[:2] + g.out + g.k,
                      st[:2] + tuple(a * b for a, b in zip(st[2:], g.s))
                      + tuple(a * b for a, b in zip(st[2:], g.d)), writeable=False)


def _offset_slices(g: _Geom3) -> list:
    """Per kernel offset (in row-major order), where its element of every window lies."""
    return [(slice(None), slice(None)) + tuple(slice(i * d, i * d + s * (o - 1) + 1, s)
                                               for i, d, s, o in zip(off, g.d, g.s, g.out))
            for off in itertools.product(*(range(k) for k in g.k))]


# ------------------------------------------------------------------- max-pool
def _max_scatter(grad: np.ndarray, idx: np.ndarray, g: _Geom3) -> np.ndarray:
    """Send each window's gradient to its argmax, adding where windows share it."""
    full = np.zeros(g.shape[:2] + g.ext, grad.dtype)
    zero = np.zeros((), grad.dtype)
    for kk, where in enumerate(_offset_slices(g)):
        full[where] += np.where(idx == kk, grad, zero)
    return np.ascontiguousarray(full[_inner(g)])


def _max_gather(full: np.ndarray, idx: np.ndarray, g: _Geom3) -> np.ndarray:
    """Each window's value at its argmax: the adjoint of :func:`_max_scatter`."""
    win = _windows(_padded(full, g, 0), g).reshape(idx.shape + (math.prod(g.k),))
    return np.take_along_axis(win, idx[..., None], axis=-1)[..., 0]


def _flat_indices(idx: np.ndarray, g: _Geom3) -> np.ndarray:
    """PyTorch's ``return_indices``: each argmax as a flat index into its (D, H, W) volume."""
    offs = np.unravel_index(idx, g.k)
    flat = np.zeros(idx.shape, np.int64)
    for axis in range(3):
        o = np.arange(g.out[axis]).reshape((-1,) + (1,) * (2 - axis))
        pos = o * g.s[axis] + offs[axis].astype(np.int64) * g.d[axis] - g.p[axis]
        flat = flat * g.shape[2 + axis] + pos
    return flat


class MaxPool3d(Function):
    """Max over each 3-D window; remembers each window's winner for backward."""

    symbol = "maxpool3d"
    derivative = Derivative("∂L/∂x = G at each window's max, 0 elsewhere")

    @staticmethod
    def forward(ctx, x, geom, return_indices):
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        win = _windows(_padded(x, geom, fill), geom)
        flat = win.reshape(win.shape[:5] + (math.prod(geom.k),))        # (N, C, O..., K)
        idx = np.argmax(flat, axis=-1)            # the first maximum; a NaN is the maximum
        out = np.take_along_axis(flat, idx[..., None], axis=-1)[..., 0]
        ctx.idx, ctx.geom = idx, geom
        if return_indices:
            return out, _flat_indices(idx, geom)
        return out

    @staticmethod
    def backward(ctx, grad, *_):
        return _MaxScatter3.apply(grad, ctx.idx, ctx.geom)


class _MaxScatter3(Function):
    symbol = "maxpool3d′"

    @staticmethod
    def forward(ctx, grad, idx, geom):
        ctx.idx, ctx.geom = idx, geom
        return _max_scatter(grad, idx, geom)

    @staticmethod
    def backward(ctx, grad):
        return _MaxGather3.apply(grad, ctx.idx, ctx.geom)


class _MaxGather3(Function):
    symbol = "gather"

    @staticmethod
    def forward(ctx, full, idx, geom):
        ctx.idx, ctx.geom = idx, geom
        return _max_gather(full, idx, geom)

    @staticmethod
    def backward(ctx, grad):
        return _MaxScatter3.apply(grad, ctx.idx, ctx.geom)


def _volumes(op: str, input: Any) -> tuple[Tensor, bool]:  # noqa: A002
    """The input as a batch (N, C, D, H, W) and whether it came unbatched (C, D, H, W)."""
    x = as_tensor(input, op)
    if x.ndim not in (4, 5):
        raise OpError(f"{op}: expected input of shape (N, C, D, H, W) or (C, D, H, W), got "
                      f"shape {tuple(x.shape)}")
    return (x.unsqueeze(0), True) if x.ndim == 4 else (x, False)


@register(functional=True)
def max_pool3d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               dilation: Any = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:
    """Max over each 3-D window, per channel; the gradient goes to one voxel per window.

    Args:
        input: (N, C, D, H, W), or (C, D, H, W) for one volume.
        kernel_size: int or (depth, height, width).
        stride: defaults to ``kernel_size``.
        padding: implicit ``-inf`` on both sides, at most half the kernel.
        dilation: spacing between window elements.
        ceil_mode: round the output size up (a last, partial window).
        return_indices: also return each argmax as a flat index into its
            (D, H, W) volume (int64), as PyTorch.

    Shape:
        (N, C, D, H, W) -> (N, C, OD, OH, OW), ``OD = floor((D + 2P - Dil*(K-1) - 1) / S) + 1``
        (``ceil`` with ceil_mode).

    Returns:
        The pooled Tensor, or ``(pooled, indices)`` with ``return_indices``.

    Example:
        >>> import autograd as ag
        >>> from autograd.ops.pool3d import max_pool3d
        >>> x = ag.arange(8.0).reshape(1, 1, 2, 2, 2)
        >>> y, i = max_pool3d(x, 2, return_indices=True)
        >>> y.item(), i.item()
        (7.0, 7)
    """
    op = "max_pool3d"
    x, unbatched = _volumes(op, input)
    geom = _geometry(op, x, kernel_size, stride, padding, dilation, ceil_mode)
    out = MaxPool3d.apply(x, geom, bool(return_indices))
    if unbatched:
        return tuple(o[0] for o in out) if isinstance(out, tuple) else out[0]
    return out


# ------------------------------------------------------------------- avg-pool
def _spread(grad: np.ndarray, g: _Geom3) -> np.ndarray:
    """Add each window's value to every element of its window (the adjoint of a window sum)."""
    full = np.zeros(g.shape[:2] + g.ext, grad.dtype)
    for where in _offset_slices(g):
        full[where] += grad
    return np.ascontiguousarray(full[_inner(g)])


def _divisor(g: _Geom3, count_include_pad: bool, divisor_override: Any) -> Any:
    """What each window's sum is divided by: a scalar or an (OD, OH, OW) array, as PyTorch."""
    if divisor_override is not None:
        return float(divisor_override)
    sizes = []
    for o, n, k, s, p in zip(g.out, g.shape[2:], g.k, g.s, g.p):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)            # windows stop at the padding's end
        sizes.append(end - start if count_include_pad
                     else np.minimum(end, n) - np.maximum(start, 0))
    div = sizes[0][:, None, None] * sizes[1][None, :, None] * sizes[2][None, None, :]
    return float(div.flat[0]) if (div == div.flat[0]).all() else div


class AvgPool3d(Function):
    """Window sum divided by the divisor; backward is :class:`_AvgPool3dAdjoint`."""

    symbol = "avgpool3d"
    derivative = Derivative("∂L/∂x = G / window size, to each element of its window")

    @staticmethod
    def forward(ctx, x, geom, divisor):
        ctx.geom, ctx.divisor = geom, divisor
        out = _windows(_padded(x, geom, 0), geom).sum(axis=(-3, -2, -1))  # (N, C, O...)
        out /= np.asarray(divisor, out.dtype)
        return out

    @staticmethod
    def backward(ctx, grad):
        return _AvgPool3dAdjoint.apply(grad, ctx.geom, ctx.divisor)


class _AvgPool3dAdjoint(Function):
    symbol = "avgpool3d′"

    @staticmethod
    def forward(ctx, grad, geom, divisor):
        ctx.geom, ctx.divisor = geom, divisor
        return _spread(grad / np.asarray(divisor, grad.dtype), geom)

    @staticmethod
    def backward(ctx, grad):
        return AvgPool3d.apply(grad, ctx.geom, ctx.divisor)


@register(functional=True)
def avg_pool3d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """Mean over each 3-D window, per channel.

    Args:
        input: (N, C, D, H, W), or (C, D, H, W) for one volume.
        kernel_size: int or (depth, height, width).
        stride: defaults to ``kernel_size``.
        padding: implicit zeros on both sides, at most half the kernel.
        ceil_mode: round the output size up (a last, partial window).
        count_include_pad: count the zero padding in the window size (PyTorch's default).
        divisor_override: divide every window's sum by this instead.

    Shape:
        (N, C, D, H, W) -> (N, C, OD, OH, OW), ``OD = floor((D + 2P - K) / S) + 1``; as
        in PyTorch, each of D, H, W must be at least the kernel's size even with padding.

    Returns:
        The pooled Tensor, dtype of ``input``.

    Example:
        >>> import autograd as ag
        >>> from autograd.ops.pool3d import avg_pool3d
        >>> avg_pool3d(ag.arange(8.0).reshape(1, 1, 2, 2, 2), 2).item()
        3.5
    """
    op = "avg_pool3d"
    x, unbatched = _volumes(op, input)
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: needs a floating point input, got dtype {x.dtype}; "
                        "convert first, e.g. x.float()")
    geom = _geometry(op, x, kernel_size, stride, padding, 1, ceil_mode)
    if any(n < k for n, k in zip(x.shape[2:], geom.k)):
        raise OpError(f"{op}: input of spatial size {tuple(x.shape[2:])} is smaller than the "
                      f"kernel size {geom.k} (PyTorch's avg_pool3d needs the unpadded input to "
                      "hold a whole kernel along each axis)")
    if divisor_override is not None and divisor_override == 0:
        raise OpError(f"{op}: divisor_override must be non-zero")
    out = AvgPool3d.apply(x, geom, _divisor(geom, count_include_pad, divisor_override))
    return out[0] if unbatched else out

