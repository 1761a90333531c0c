"""grid_sample: read an image at arbitrary points, as ``F.grid_sample`` (spatial transformers).

For every output position the grid gives a point ``(x, y)`` (``(x, y, z)`` for volumes) in
normalised coordinates, -1 the left/top edge and +1 the right/bottom one. The point is
mapped to pixel coordinates (``align_corners`` says whether +-1 are the corner pixels'
centres or their outer edges), the padding mode moves points that fall outside
(``border`` clips, ``reflection`` mirrors at the edges, ``zeros`` reads zeros there) and the
value is interpolated from the pixels around it: ``nearest`` (round half to even),
``bilinear`` (trilinear for volumes, 2**d neighbours) or ``bicubic`` (4x4 neighbours, cubic
convolution with A = -0.75, each neighbour padded on its own; images only), as PyTorch.

The forward is numpy. When the backward is recorded (``create_graph``) it is written with
gather and scatter_add over the same neighbour indices, and the interpolation weights are
rebuilt as Tensor expressions of the grid, so second derivatives (in the input, the grid
and the upstream gradient) come from the chain rule; otherwise the same formulas run on
plain arrays, the scatter as one ``bincount`` (forward and backward of an (8, 3, 64, 64)
image on a 64x64 grid: about 30 ms, bilinear). The neighbour indices are constants of the
position: the result is piecewise smooth in the grid and its derivative jumps where a
point crosses a pixel (as PyTorch's); ``nearest`` gives the grid no gradient, as PyTorch.
"""
from __future__ import annotations

import itertools
import warnings
from typing import Any, Callable

import numpy as np

from ..errors import OpError
from ..function import Function
from ..mode import STATE
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import tensor_arg
from ._notation import Derivative

MODES = ("bilinear", "nearest", "bicubic")
PADDING_MODES = ("zeros", "border", "reflection")
_A = -0.75  # the cubic convolution's constant, as PyTorch's


def _cubic1(x: Any) -> Any:  # |x| <= 1
    return ((_A + 2) * x - (_A + 3)) * x * x + 1


def _cubic2(x: Any) -> Any:  # 1 < |x| < 2
    return ((_A * x - 5 * _A) * x + 8 * _A) * x - 4 * _A


def _dcubic1(x: Any) -> Any:
    return (3 * (_A + 2) * x - 2 * (_A + 3)) * x


def _dcubic2(x: Any) -> Any:
    return (3 * _A * x - 10 * _A) * x + 8 * _A


# per mode: the neighbours' offsets from floor(coordinate), each with its weight as a
# function of the fraction t and that weight's derivative in t (numpy arrays or Tensors)
_Tap = tuple[int, Callable[[Any], Any], Callable[[Any], Any]]
_TAPS: dict[str, tuple[_Tap, ...]] = {
    "bilinear": ((0, lambda t: 1 - t, lambda t: -1.0), (1, lambda t: t, lambda t: 1.0)),
    "bicubic": ((-1, lambda t: _cubic2(t + 1), lambda t: _dcubic2(t + 1)),
                (0, _cubic1, _dcubic1),
                (1, lambda t: _cubic1(1 - t), lambda t: -_dcubic1(1 - t)),
                (2, lambda t: _cubic2(2 - t), lambda t: -_dcubic2(2 - t))),
    "nearest": ((0, lambda t: 1.0, lambda t: 0.0),),
}


def _reflect(c: np.ndarray, twice_low: int, twice_high: int) -> tuple[np.ndarray, np.ndarray]:
    """Mirror ``c`` into [low, high] at both edges; the second array is dc'/dc (+-1)."""
    if twice_low == twice_high:
        return np.zeros_like(c), np.zeros_like(c)
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    d = c - low
    sign = np.where(d < 0, -1.0, 1.0)
    d = np.abs(d)
    extra = np.fmod(d, span)
    even = np.floor(d / span) % 2 == 0
    return np.where(even, extra + low, span - extra + low), np.where(even, sign, -sign)


def _pad(c: np.ndarray, size: int, padding: str, align: bool) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinate after the padding mode, and its derivative in the coordinate."""
    if padding == "zeros":
        return c, np.ones_like(c)
    grad = np.ones_like(c)
    if padding == "reflection":
        c, grad = _reflect(c, 0, 2 * (size - 1)) if align else _reflect(c, -1, 2 * size - 1)
    inside = (c > 0) & (c < size - 1)
    return np.clip(c, 0, size - 1), np.where(inside, grad, 0.0)


class _Axis:
    """One axis of the sampling: where each output point reads along it, and with what."""

    __slots__ = ("base", "lost", "mult", "offset", "taps")

    def __init__(self, g: np.ndarray, size: int, mode: str, padding: str, align: bool) -> None:
        scale = (size - 1) / 2 if align else size / 2
        c = (g + 1) * scale - (0.0 if align else 0.5)
        mult = np.full_like(c, scale)
        if mode != "bicubic":  # bicubic pads each neighbour, not the point
            c, dpad = _pad(c, size, padding, align)
            mult = mult * dpad
        finite = np.isfinite(c)
        safe = np.where(finite, c, 0.0)
        base = np.rint(safe) if mode == "nearest" else np.floor(safe)
        self.base, self.mult, self.lost = base, np.where(finite, mult, 0.0), ~finite
        # t = g * mult + offset (exact value, exact slope), with a NaN / inf grid value read
        # as 0 (its point is clipped, reflected or lost, not moved)
        self.offset = np.where(finite, c - mult * np.where(np.isfinite(g), g, 0.0) - base, 0.0)
        self.taps: list[tuple[np.ndarray, np.ndarray]] = []  # (index, valid) per neighbour
        for off, _, _ in _TAPS[mode]:
            idx = base + off
            if mode == "bicubic" and padding != "zeros":
                idx = np.trunc(_pad(idx, size, padding, align)[0])
            valid = finite & (idx >= 0) & (idx <= size - 1)
            self.taps.append((np.where(valid, idx, 0).astype(np.int64), valid))


def _geometry(grid: np.ndarray, sizes: tuple, mode: str, padding: str,
              align: bool) -> tuple[list[_Axis], list[tuple[np.ndarray, np.ndarray, tuple]]]:
    """Per axis the reading positions; per neighbour (flat index, valid, tap numbers)."""
    n, d = grid.shape[0], grid.shape[-1]
    g = grid.reshape(n, int(np.prod(grid.shape[1:-1])), d)  # (N, Q, d)
    # grid component j runs along spatial dim d-1-j
    axes = [_Axis(g[:, :, j], sizes[d - 1 - j], mode, padding, align) for j in range(d)]
    strides = [int(np.prod(sizes[d - j:])) for j in range(d)]  # x: 1, y: W, z: H*W
    corners = []
    for pick in itertools.product(range(len(_TAPS[mode])), repeat=d):
        flat = np.sum([axes[j].taps[k][0] * strides[j] for j, k in enumerate(pick)], axis=0)
        valid = np.logical_and.reduce([axes[j].taps[k][1] for j, k in enumerate(pick)])
        corners.append((flat, valid, pick))
    return axes, corners


def _weight(mode: str, pick: tuple, ts: list, skip: int = -1) -> Any:
    """Product over axes of the neighbour's weight (the derivative's factor at ``skip``)."""
    out: Any = 1.0
    for j, k in enumerate(pick):
        _, w, dw = _TAPS[mode][k]
        out = out * (dw(ts[j]) if j == skip else w(ts[j]))
    return out


class GridSample(Function):
    """Sample (N, C, *in) at the points of grid (N, *out, d): (N, C, *out)."""

    symbol = "grid_sample"
    derivative = Derivative("∂y/∂x = the interpolation weights (scattered back)",
                            "∂y/∂grid = Σ neighbour values · ∂weight/∂grid")

    @staticmethod
    def forward(ctx, x, grid, mode, padding, align):
        (n, c), q = x.shape[:2], int(np.prod(grid.shape[1:-1]))
        axes, corners = _geometry(grid, x.shape[2:], mode, padding, align)
        finite = np.isfinite(grid)
        ctx.finite = None if finite.all() else finite
        g = grid if ctx.finite is None else np.where(finite, grid, 0.0)
        ts = [a.mult * g.reshape(n, q, grid.shape[-1])[:, :, j] + a.offset
              for j, a in enumerate(axes)]
        flat_x = x.reshape(n, c, int(np.prod(x.shape[2:])))
        out = np.zeros((n, c, q), x.dtype)
        for flat, valid, pick in corners:
            w = np.where(valid, _weight(mode, pick, ts), 0.0).astype(x.dtype)  # (N, Q)
            vals = np.take_along_axis(flat_x, flat[:, None, :], axis=2)  # (N, C, Q)
            out += np.where(valid[:, None, :], vals, 0.0) * w[:, None, :]
        if mode != "nearest":  # a NaN or infinite point reads NaN (PyTorch's with zeros padding)
            out[np.logical_or.reduce([a.lost for a in axes])[:, None, :].repeat(c, 1)] = np.nan
        ctx.geometry = (axes, corners, mode, x.shape, grid.shape)
        ctx.save_for_backward(x, grid)
        return out.reshape((n, c) + grid.shape[1:-1])

    @staticmethod
    def backward(ctx, grad):
        x, grid = ctx.saved_tensors
        axes, corners, mode, xshape, gshape = ctx.geometry
        (n, c), d = xshape[:2], gshape[-1]
        q, p = int(np.prod(gshape[1:-1])), int(np.prod(xshape[2:]))
        # recording (create_graph): Tensor ops, so the gradients differentiate again;
        # otherwise the same formulas on plain arrays
        be: Any = _Tensors(x.dtype) if STATE.grad_enabled else _Arrays(x.dtype)
        g2, xs, gs = (be.wrap(t) for t in (grad, x, grid))
        g2 = g2.reshape(n, c, q)                                    # (N, C, Q)
        if ctx.finite is not None:  # NaN / inf grid values: no slope through them
            gs = be.where(ctx.finite, gs)
        ts = [gs.reshape(n, q, d)[:, :, j] * be.const(a.mult) + be.const(a.offset)
              for j, a in enumerate(axes)]                          # t per axis, (N, Q)
        dx = dgrid = None
        if ctx.needs_input_grad[0]:
            parts = [g2 * (_weight(mode, pick, ts) * be.const(valid))[:, None, :]
                     for _, valid, pick in corners]
            dx = be.out(be.scatter((n, c, p), [f for f, _, _ in corners], parts))
            dx = dx.reshape(xshape)
        if ctx.needs_input_grad[1]:
            if mode == "nearest":
                dgrid = Tensor._make(np.zeros(gshape, x.dtype))
            else:
                flat_x = xs.reshape(n, c, p)
                comps: list[Any] = [0.0] * d
                for flat, valid, pick in corners:
                    s = (g2 * be.gather(flat_x, flat)).sum(1) * be.const(valid)  # (N, Q)
                    for j in range(d):
                        comps[j] = comps[j] + s * _weight(mode, pick, ts, skip=j)
                parts = [comp * be.const(a.mult) for comp, a in zip(comps, axes)]
                dgrid = be.out(be.stack(parts)).reshape(gshape)
        return dx, dgrid, None, None, None


class _Arrays:
    """The backward's few non-elementwise steps on plain arrays (nothing recorded)."""

    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def const(self, a: np.ndarray) -> np.ndarray:
        return a.astype(self.dtype, copy=False)

    def wrap(self, t: Tensor) -> np.ndarray:
        return t.array

    def out(self, a: np.ndarray) -> Tensor:
        return Tensor._make(a.astype(self.dtype, copy=False))

    def gather(self, flat_x: np.ndarray, flat: np.ndarray) -> np.ndarray:
        return np.take_along_axis(flat_x, flat[:, None, :], axis=2)  # (N, C, Q)

    def scatter(self, shape: tuple, flats: list, parts: list) -> np.ndarray:
        """Sum every part (N, C, Q) into (N, C, P) at its flat positions (one bincount)."""
        n, c, p = shape
        rows = (np.arange(n)[:, None, None] * c + np.arange(c)[None, :, None]) * p  # (N, C, 1)
        idx = np.concatenate([np.broadcast_to(rows + f[:, None, :], parts[0].shape).ravel()
                              for f in flats])
        vals = np.concatenate([np.asarray(part).ravel() for part in parts])
        return np.bincount(idx, vals, minlength=n * c * p).reshape(shape)

    def stack(self, parts: list) -> np.ndarray:
        return np.stack(parts, -1)

    def where(self, mask: np.ndarray, a: np.ndarray) -> np.ndarray:
        return np.where(mask, a, 0.0).astype(self.dtype)


class _Tensors:
    """The same steps as recorded ops (gather, scatter_add, stack), for create_graph."""

    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def const(self, a: np.ndarray) -> Tensor:
        return Tensor._make(a.astype(self.dtype))

    def wrap(self, t: Tensor) -> Tensor:
        return t

    def out(self, t: Tensor) -> Tensor:
        return t

    def gather(self, flat_x: Tensor, flat: np.ndarray) -> Tensor:
        n, c = flat_x.shape[:2]
        return OPS.gather(flat_x, 2, np.broadcast_to(flat[:, None, :], (n, c, flat.shape[1])))

    def scatter(self, shape: tuple, flats: list, parts: list) -> Tensor:
        idx = np.concatenate([np.broadcast_to(f[:, None, :], parts[0].shape) for f in flats], 2)
        src = OPS.cat(parts, 2) if len(parts) > 1 else parts[0]
        return OPS.scatter_add(Tensor._make(np.zeros(shape, self.dtype)), 2, idx, src)

    def stack(self, parts: list) -> Tensor:
        return OPS.stack(parts, -1)

    def where(self, mask: np.ndarray, a: Tensor) -> Tensor:
        return OPS.where(mask, a, Tensor._make(np.zeros((), self.dtype)))


def _check(x: Tensor, grid: Tensor, mode: str, padding: str) -> None:
    if mode not in MODES:
        raise ValueError("grid_sample: expected mode to be 'bilinear', 'nearest' or "
                         f"'bicubic', but got: {mode!r}")
    if padding not in PADDING_MODES:
        raise ValueError("grid_sample: expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: {padding!r}")
    xs, gs = tuple(x.shape), tuple(grid.shape)
    if x.ndim not in (4, 5) or grid.ndim != x.ndim:
        raise OpError(f"grid_sample: expected a 4-D input (N, C, H, W) with a 4-D grid "
                      f"(N, H_out, W_out, 2), or 5-D with 5-D, but got input with sizes {xs} "
                      f"and grid with sizes {gs}")
    if xs[0] != gs[0]:
        raise OpError(f"grid_sample: expected grid and input to have same batch size, but got "
                      f"input with sizes {xs} and grid with sizes {gs}")
    if gs[-1] != x.ndim - 2:
        raise OpError(f"grid_sample: expected grid to have size {x.ndim - 2} in last "
                      f"dimension, but got grid with sizes {gs}")
    if 0 in xs[2:]:
        raise OpError(f"grid_sample: expected input to have non-empty spatial dimensions, but "
                      f"input has sizes {xs}")
    if mode == "bicubic" and x.ndim != 4:
        raise OpError(f"grid_sample: bicubic interpolation only supports 4-D input, got {xs}")
    if x.dtype.kind != "f" or grid.dtype != x.dtype:
        raise OpError(f"grid_sample: expected floating-point input and grid of the same dtype, "
                      f"got {x.dtype} and {grid.dtype}")


@register(functional=True)
def grid_sample(input: Any, grid: Any, mode: str = "bilinear",  # noqa: A002
                padding_mode: str = "zeros", align_corners: bool | None = None) -> Tensor:
    """Sample ``input`` at the normalised points of ``grid``, as ``F.grid_sample``.

    Args:
        input: (N, C, H, W), or (N, C, D, H, W) for volumes.
        grid: (N, H_out, W_out, 2) of (x, y) points, or (N, D_out, H_out, W_out, 3) of
            (x, y, z); -1 and +1 are the input's edges, points outside are padded.
        mode: ``'bilinear'`` (trilinear for volumes), ``'nearest'`` or ``'bicubic'`` (images).
        padding_mode: ``'zeros'``, ``'border'`` (clip to the edge) or ``'reflection'``.
        align_corners: True: -1 and +1 are the centres of the corner pixels; False (the
            default, with a warning when not given, as PyTorch): their outer edges.

    Shape:
        (N, C, *in) with grid (N, *out, d) -> (N, C, *out).

    Returns:
        The sampled values; differentiable in ``input`` and ``grid``.

    Example:
        >>> import autograd as ag
        >>> x = ag.arange(4.0).reshape(1, 1, 2, 2)
        >>> grid = ag.tensor([[[[0.0, 0.0], [1.0, -1.0]]]])      # the centre, the top right
        >>> ag.grid_sample(x, grid, align_corners=True).tolist()
        [[[[1.5, 1.0]]]]
    """
    x = tensor_arg(input, "grid_sample")
    g = tensor_arg(grid, "grid_sample", "grid")
    _check(x, g, mode, padding_mode)
    if align_corners is None:
        warnings.warn("grid_sample: the default is align_corners=False (PyTorch's since 1.3.0);"
                      " pass align_corners=True for the old behaviour", UserWarning,
                      stacklevel=2)
    return GridSample.apply(x, g, mode, padding_mode, bool(align_corners))
