"""``affine_grid``: the sampling grid of an affine map, for ``grid_sample`` (spatial transformers).

Composed of a constant base grid and one batched matrix product, so its gradient in
``theta`` is the matrix product's. ``grid_sample`` itself is an autograd op
(:mod:`autograd.ops.grid_sample`), exported with the rest of ``nn.functional``.
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from autograd.errors import OpError
from autograd.tensor import Tensor

__all__ = ["affine_grid"]


def _steps(n: int, align_corners: bool) -> np.ndarray:
    """n normalised coordinates from -1 to 1 (pixel centres when not align_corners)."""
    if n <= 1:
        return np.zeros(max(n, 0))
    out = np.linspace(-1.0, 1.0, n)
    return out if align_corners else out * (n - 1) / n


def _base_grid(spatial: Sequence[int], align_corners: bool) -> np.ndarray:
    """(1, prod(spatial), d + 1) of (x, y[, z], 1): x runs along the last spatial dim."""
    axes = [_steps(int(s), align_corners) for s in spatial]  # (D,) H, W
    mesh = np.meshgrid(*axes, indexing="ij")
    coords = [m.reshape(-1) for m in mesh[::-1]]  # x (W) first, then y (H), then z (D)
    return np.stack(coords + [np.ones_like(coords[0])], -1)[None]


def affine_grid(theta: Tensor, size: Any, align_corners: bool | None = None) -> Tensor:
    """The grid of points an affine map ``theta`` sends the output pixels to, as
    ``F.affine_grid``.

    Each output pixel's normalised coordinates ``(x, y, 1)`` (``(x, y, z, 1)`` for
    volumes) are multiplied by ``theta``; :func:`grid_sample` then reads the input there.

    Args:
        theta: (N, 2, 3) affine matrices for images, (N, 3, 4) for volumes.
        size: the output's size, (N, C, H, W) or (N, C, D, H, W).
        align_corners: as in :func:`grid_sample` (use the same value there); None means
            False, with a warning, as PyTorch.

    Shape:
        theta (N, 2, 3) with size (N, C, H, W) -> (N, H, W, 2);
        theta (N, 3, 4) with size (N, C, D, H, W) -> (N, D, H, W, 3).

    Returns:
        The grid, differentiable in ``theta``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> identity = ag.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
        >>> F.affine_grid(identity, (1, 1, 2, 2), align_corners=True)[0, 0].tolist()
        [[-1.0, -1.0], [1.0, -1.0]]
    """
    if align_corners is None:
        warnings.warn("affine_grid: the default is align_corners=False (PyTorch's since 1.3.0); "
                      "pass align_corners=True for the old behaviour", UserWarning, stacklevel=2)
        align_corners = False
    if not isinstance(theta, Tensor):
        raise TypeError(f"affine_grid: expected theta to be a Tensor, got {type(theta).__name__}")
    if theta.dtype.kind != "f":
        raise ValueError(f"affine_grid: expected theta to have floating point type, but got "
                         f"{theta.dtype}")
    size = tuple(int(s) for s in size)
    if len(size) not in (4, 5):
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {size}.")
    d = len(size) - 2
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (d, d + 1):
        raise ValueError(f"affine_grid: expected a batch of {d}D affine matrices of shape "
                         f"Nx{d}x{d + 1} for size {size}. Got {tuple(theta.shape)}.")
    spatial = size[2:]
    if align_corners and min(spatial) == 1:
        warnings.warn("affine_grid: with align_corners=True a unit-size grid is not an intended "
                      "use (its one point is the centre, 0, as PyTorch's since 1.3.0)",
                      UserWarning, stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"affine_grid: expected non-zero, positive output size. Got {size}")
    if theta.shape[0] != size[0]:
        raise OpError(f"affine_grid: theta of shape {tuple(theta.shape)} has {theta.shape[0]} "
                      f"matrices but size {size} asks for a batch of {size[0]}")
    base = Tensor._make(_base_grid(spatial, bool(align_corners)).astype(theta.dtype))
    grid = base @ theta.transpose(1, 2)  # (1, P, d+1) @ (N, d+1, d) -> (N, P, d)
    return grid.reshape((size[0],) + spatial + (d,))
