"""Resampling: ``interpolate`` (nearest, (bi/tri)linear, area), Upsample and PixelShuffle.

Each is a composite of registered ops, so gradients come from their chain
rule: nearest gathers rows and columns by index arrays (getitem), linear
interpolation is a weighted sum of two gathered neighbours per axis (one axis
after the other, so trilinear is three linear passes), and pixel shuffle is a
reshape and a permute. Source coordinates follow PyTorch's rules, so outputs
match it. A uint8 image resized bilinearly follows PyTorch's CPU rule for
integer images (fixed-point weights, rounding after each axis); see
:func:`_bilinear_uint8`.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd.ops.pool import adaptive_avg_pool2d
from autograd.tensor import Tensor

from .module import Module

__all__ = ["interpolate", "upsample", "pixel_shuffle", "pixel_unshuffle", "Upsample",
           "UpsamplingNearest2d", "UpsamplingBilinear2d", "PixelShuffle", "PixelUnshuffle"]

_MODES = {"nearest": None, "nearest-exact": None, "linear": 1, "bilinear": 2, "trilinear": 3,
          "area": None}


def _out_sizes(x: Tensor, size: Any, scale_factor: Any, recompute: bool | None,
               ) -> tuple[list[int], list[float | None]]:
    n = x.ndim - 2
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    if size is not None:
        sizes = [int(size)] * n if isinstance(size, (int, np.integer)) else [int(s) for s in size]
        scales: list[float | None] = [None] * n
    else:
        sf = [float(scale_factor)] * n if isinstance(scale_factor, (int, float)) \
            else [float(s) for s in scale_factor]
        if len(sf) != n:
            raise ValueError(f"interpolate: scale_factor {scale_factor!r} must have {n} "
                             f"entries for input of shape {tuple(x.shape)}")
        sizes = [int(math.floor(x.shape[2 + i] * sf[i])) for i in range(n)]
        scales = [None] * n if recompute else list(sf)
    if len(sizes) != n or any(s <= 0 for s in sizes):
        raise ValueError(f"interpolate: output size {sizes} is not valid for input of shape "
                         f"{tuple(x.shape)} ({n} spatial dims, each size positive)")
    return sizes, scales


def _source(n_in: int, n_out: int, scale: float | None, align_corners: bool,
            mode: str) -> np.ndarray:
    """The (fractional) source coordinate of each output position, as PyTorch computes it."""
    dst = np.arange(n_out, dtype=np.float64)
    if mode.startswith("nearest"):
        step = n_in / n_out if scale is None else 1.0 / scale
        off = 0.5 if mode == "nearest-exact" else 0.0
        return np.minimum(np.floor((dst + off) * step), n_in - 1)
    if align_corners:
        return dst * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
    step = n_in / n_out if scale is None else 1.0 / scale
    return np.maximum((dst + 0.5) * step - 0.5, 0.0)


def _take(x: Tensor, axis: int, idx: np.ndarray) -> Tensor:
    index: tuple = (slice(None),) * axis + (idx,)
    return x[index]


def _resample_axis(x: Tensor, axis: int, src: np.ndarray, linear: bool) -> Tensor:
    n_in = x.shape[axis]
    if not linear:
        return _take(x, axis, src.astype(np.int64))
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam = (src - i0).astype(x.dtype).reshape((-1,) + (1,) * (x.ndim - axis - 1))
    w1 = Tensor._make(lam)
    w0 = Tensor._make((1 - lam).astype(x.dtype))
    return _take(x, axis, i0) * w0 + _take(x, axis, i1) * w1


def _fixed_point_weights(src: np.ndarray, n_in: int) -> tuple:
    """Both neighbours of each source coordinate and their weights as integers over
    ``2**bits``, with ``bits`` the most that keeps the largest weight below 2**15."""
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam = np.where(i0 < n_in - 1, src - i0, 0.0)
    w_max = max(float((1 - lam).max()), float(lam.max()))
    bits = 0
    while bits < 22 and int(0.5 + w_max * (1 << (bits + 1))) < (1 << 15):
        bits += 1
    w0, w1 = (np.floor(0.5 + w * (1 << bits)).astype(np.int64) for w in (1 - lam, lam))
    return i0, i1, w0, w1, bits


def _bilinear_uint8(x: Tensor, sizes: list, scales: list, align_corners: bool) -> Tensor:
    """Bilinear resize of a uint8 image as PyTorch's CPU kernel does it.

    Width first, then height (an axis whose size does not change is skipped); each
    pass weighs the two neighbours with integer weights over ``2**bits`` and rounds
    the sum half up back to uint8 (Pillow's fixed-point resampling). PyTorch's result
    is uint8 too. Not differentiable (a uint8 tensor cannot require grad).
    """
    a = x.numpy()                                                    # (N, C, H, W)
    for axis in (3, 2):
        n_in, n_out = a.shape[axis], sizes[axis - 2]
        if n_in == n_out:
            continue
        src = _source(n_in, n_out, scales[axis - 2], align_corners, "bilinear")
        i0, i1, w0, w1, bits = _fixed_point_weights(src, n_in)
        shape = (-1,) + (1,) * (3 - axis)
        acc = (np.take(a, i0, axis).astype(np.int64) * w0.reshape(shape)
               + np.take(a, i1, axis).astype(np.int64) * w1.reshape(shape))
        a = np.clip((acc + (1 << (bits - 1))) >> bits, 0, 255).astype(np.uint8)
    return Tensor._make(np.ascontiguousarray(a))


def _integer_input(x: Tensor, mode: str) -> bool:
    """Whether ``x`` takes the uint8 bilinear path; other integer input to a linear mode is
    refused as PyTorch refuses it."""
    if x.dtype.kind not in "iub" or _MODES[mode] is None:
        return False
    if mode == "bilinear" and x.dtype == np.uint8:
        return True
    raise NotImplementedError(f"interpolate: mode {mode!r} is not implemented for integer "
                              f"input of dtype {x.dtype} (PyTorch has only uint8 'bilinear'); "
                              "convert first, e.g. x.float()")


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None,  # noqa: A002
                mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None, antialias: bool = False) -> Tensor:
    """Resize the spatial dims of ``(N, C, *spatial)`` to ``size`` or by ``scale_factor``.

    Args:
        input: ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
        size: output spatial size (int or one per spatial dim).
        scale_factor: multiplier (float or one per dim); the output size is
            ``floor(in * scale)`` and, unless ``recompute_scale_factor``, the
            coordinate map uses ``1 / scale`` as PyTorch.
        mode: ``'nearest'``, ``'nearest-exact'``, ``'linear'`` (3-D),
            ``'bilinear'`` (4-D), ``'trilinear'`` (5-D) or ``'area'`` (adaptive average).
        align_corners: for linear modes: map corner pixels' centres onto each other.

    Returns:
        The resized Tensor, dtype of ``input``. Integer input works where PyTorch's
        CPU kernels take it: nearest modes, and uint8 with ``'bilinear'`` (rounded
        as PyTorch rounds); other linear modes refuse it (NotImplementedError).

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
        >>> interpolate(x, scale_factor=2, mode="nearest")[0, 0, 0].tolist()
        [1.0, 1.0, 2.0, 2.0]
        >>> interpolate(x, size=3, mode="bilinear", align_corners=True)[0, 0, 0].tolist()
        [1.0, 1.5, 2.0]
        >>> v = ag.tensor([0.0, 2.0, 4.0, 6.0]).reshape(1, 1, 2, 1, 2)    # (N, C, D, H, W)
        >>> interpolate(v, size=(3, 1, 3), mode="trilinear", align_corners=True).flatten().tolist()
        [0.0, 1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0]
    """
    if mode not in _MODES:
        raise NotImplementedError(f"interpolate: mode {mode!r} is not supported; use one of "
                                  f"{sorted(_MODES)}")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    x = input
    want = _MODES[mode]
    if x.ndim < 3 or (want is not None and x.ndim != want + 2) \
            or (mode == "area" and x.ndim != 4):
        need = "3-D to 5-D" if want is None and mode != "area" else f"{(want or 2) + 2}-D"
        raise ValueError(f"interpolate: mode {mode!r} expects a {need} (N, C, *spatial) "
                         f"input, got shape {tuple(x.shape)}")
    linear = want is not None
    if align_corners is not None and not linear:
        raise ValueError("interpolate: align_corners can only be set with the linear modes "
                         f"('linear', 'bilinear', 'trilinear'), got mode {mode!r}")
    sizes, scales = _out_sizes(x, size, scale_factor, recompute_scale_factor)
    if _integer_input(x, mode):
        return _bilinear_uint8(x, sizes, scales, bool(align_corners))
    if mode == "area":
        return adaptive_avg_pool2d(x, tuple(sizes))
    for i, (n_out, scale) in enumerate(zip(sizes, scales)):
        axis = 2 + i
        src = _source(x.shape[axis], n_out, scale, bool(align_corners), mode)
        x = _resample_axis(x, axis, src, linear)
    return x


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None,  # noqa: A002
             mode: str = "nearest", align_corners: bool | None = None) -> Tensor:
    """The older name of :func:`interpolate`.

    Example:
        >>> import autograd as ag
        >>> upsample(ag.ones(1, 1, 2, 2), scale_factor=2).shape
        (1, 1, 4, 4)
    """
    return interpolate(input, size, scale_factor, mode, align_corners)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:  # noqa: A002
    """``(*, C r^2, H, W)`` to ``(*, C, H r, W r)`` (Shi et al., 2016): sub-pixel convolution.

    Example:
        >>> import autograd as ag
        >>> pixel_shuffle(ag.arange(4.0).reshape(1, 4, 1, 1), 2).tolist()
        [[[[0.0, 1.0], [2.0, 3.0]]]]
    """
    r = int(upscale_factor)
    x = input
    if x.ndim < 3 or r < 1 or x.shape[-3] % (r * r):
        raise ValueError(f"pixel_shuffle: input of shape {tuple(x.shape)} needs >= 3 dims and "
                         f"channels divisible by upscale_factor^2 = {r * r}")
    *lead, c, h, w = x.shape
    k = len(lead)
    y = x.reshape(*lead, c // (r * r), r, r, h, w)  # (*, C, r, r, H, W)
    y = y.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)  # (*, C, H, r, W, r)
    return y.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:  # noqa: A002
    """``(*, C, H r, W r)`` to ``(*, C r^2, H, W)``, the inverse of :func:`pixel_shuffle`.

    Example:
        >>> import autograd as ag
        >>> pixel_unshuffle(ag.arange(4.0).reshape(1, 1, 2, 2), 2).numpy().ravel().tolist()
        [0.0, 1.0, 2.0, 3.0]
    """
    r = int(downscale_factor)
    x = input
    if x.ndim < 3 or r < 1 or x.shape[-1] % r or x.shape[-2] % r:
        raise ValueError(f"pixel_unshuffle: input of shape {tuple(x.shape)} needs >= 3 dims "
                         f"and height and width divisible by downscale_factor = {r}")
    *lead, c, h, w = x.shape
    k = len(lead)
    y = x.reshape(*lead, c, h // r, r, w // r, r)  # (*, C, H, r, W, r)
    y = y.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)  # (*, C, r, r, H, W)
    return y.reshape(*lead, c * r * r, h // r, w // r)


def _check_factor(r: object, who: str, what: str) -> None:
    if not isinstance(r, int) or isinstance(r, bool) or r < 1:
        raise ValueError(f"{who}: {what} must be a positive int, got {r!r}")


class Upsample(Module):
    """Resize images or sequences by ``scale_factor`` or to ``size`` (see :func:`interpolate`).

    Args:
        size: output spatial size.
        scale_factor: spatial multiplier.
        mode: ``'nearest'`` (default), ``'nearest-exact'``, ``'linear'``, ``'bilinear'``,
            ``'trilinear'``.
        align_corners: for the linear modes.
        recompute_scale_factor: use the output size, not the factor, in the coordinate map.

    Shape:
        - Input: ``(N, C, *spatial)``; Output: ``(N, C, *spatial_out)``.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Upsample(scale_factor=2, mode="bilinear")(ag.randn(1, 3, 4, 5)).shape
        (1, 3, 8, 10)
    """

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: bool | None = None,
                 recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        who = type(self).__name__
        if mode not in _MODES:
            known = ("bicubic",)
            kind = NotImplementedError if mode in known else ValueError
            raise kind(f"{who}: mode {mode!r} is not supported; use one of {sorted(_MODES)}")
        if (size is None) == (scale_factor is None):
            raise ValueError(f"{who}: give exactly one of size and scale_factor, got "
                             f"size={size!r}, scale_factor={scale_factor!r}")
        self.name = who
        self.size = size
        self.scale_factor = float(scale_factor) if isinstance(scale_factor, (int, float)) \
            else scale_factor
        self.mode, self.align_corners = mode, align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, x: Tensor) -> Tensor:
        return interpolate(x, self.size, self.scale_factor, self.mode, self.align_corners,
                           self.recompute_scale_factor)

    def extra_repr(self) -> str:
        what = (f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None
                else f"size={self.size!r}")
        return f"{what}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """``Upsample(mode='nearest')`` for images.

    Example:
        >>> import autograd as ag, nn
        >>> nn.UpsamplingNearest2d(scale_factor=3)(ag.ones(1, 2, 2, 2)).shape
        (1, 2, 6, 6)
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """``Upsample(mode='bilinear', align_corners=True)`` for images.

    Example:
        >>> import autograd as ag, nn
        >>> nn.UpsamplingBilinear2d(size=3)(ag.tensor([[[[0.0, 2.0]]]])).tolist()
        [[[[0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [0.0, 1.0, 2.0]]]]
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class PixelShuffle(Module):
    """Rearrange ``(N, C r^2, H, W)`` into ``(N, C, H r, W r)``; see :func:`pixel_shuffle`.

    Example:
        >>> import autograd as ag, nn
        >>> nn.PixelShuffle(3)(ag.randn(1, 9, 4, 4)).shape
        (1, 1, 12, 12)
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        _check_factor(upscale_factor, "PixelShuffle", "upscale_factor")
        self.upscale_factor = upscale_factor

    def forward(self, x: Tensor) -> Tensor:
        return pixel_shuffle(x, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """Rearrange ``(N, C, H r, W r)`` into ``(N, C r^2, H, W)``; see :func:`pixel_unshuffle`.

    Example:
        >>> import autograd as ag, nn
        >>> nn.PixelUnshuffle(2)(ag.randn(1, 3, 4, 6)).shape
        (1, 12, 2, 3)
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        _check_factor(downscale_factor, "PixelUnshuffle", "downscale_factor")
        self.downscale_factor = downscale_factor

    def forward(self, x: Tensor) -> Tensor:
        return pixel_unshuffle(x, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"

