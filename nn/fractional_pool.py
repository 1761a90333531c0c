"""Fractional max-pooling (Graham, 2014): ``fractional_max_pool2d/3d`` and their layers.

The output is ``output_size`` (or ``output_ratio`` of the input) whatever the
kernel, with pseudo-random window starts, one random number ``u`` in [0, 1)
per plane and axis, as PyTorch draws them: with
``alpha = (in - k) / (out - 1)``, window ``i < out - 1`` starts at
``int((i + u) * alpha) - int(u * alpha)`` and the last at ``in - k``, computed
in the input's dtype exactly as PyTorch's CPU kernel does, so the same
``_random_samples`` give PyTorch's output and indices. Each window's maximum
(the first in row-major order; a NaN wins) is gathered, so the gradient
reaches the chosen maxima (:func:`nn._window_max.window_max`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.errors import OpError
from autograd.random import default_generator
from autograd.tensor import Tensor

from ._window_max import window_max
from .module import Module

__all__ = ["fractional_max_pool2d", "fractional_max_pool3d", "fractional_max_pool2d_with_indices",
           "fractional_max_pool3d_with_indices", "FractionalMaxPool2d", "FractionalMaxPool3d"]

_AXES = {2: ("height", "width"), 3: ("time", "height", "width")}


def _ints(value: Any, nd: int, what: str, op: str) -> tuple[int, ...]:
    items = tuple(value) if isinstance(value, (tuple, list)) else (value,) * nd
    if len(items) != nd or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                                   for v in items):
        raise OpError(f"{op}: {what} must either be a single int or a tuple of {nd} ints, got "
                      f"{value!r}")
    return tuple(int(v) for v in items)


def _starts(u: np.ndarray, n_in: int, n_out: int, k: int) -> np.ndarray:
    """Window starts ``(..., n_out)`` for samples ``u (...)``, in the samples' dtype."""
    seq = np.empty(u.shape + (n_out,), np.int64)
    if n_out > 1:
        alpha = u.dtype.type(n_in - k) / u.dtype.type(n_out - 1)
        i = np.arange(n_out - 1).astype(u.dtype)
        first = (u * alpha).astype(np.int64)
        seq[..., :-1] = ((i + u[..., None]) * alpha).astype(np.int64) - first[..., None]
    if n_out > 0:
        seq[..., -1] = n_in - k
    return seq


def _samples(samples: Any, x: Tensor, nd: int, op: str) -> np.ndarray:
    n, c = x.shape[:2]
    if samples is None:
        return default_generator().random((n, c, nd)).astype(x.dtype)
    u = np.asarray(samples.array if isinstance(samples, Tensor) else samples)
    if u.ndim != 3:
        raise OpError(f"{op}: expected _random_samples to have 3 dimensions, got shape "
                      f"{u.shape}")
    if u.shape[0] < n or u.shape[1] != c or u.shape[2] != nd:
        raise OpError(f"{op}: expected _random_samples of shape (at least {n}, {c}, {nd}) for "
                      f"an input of shape {tuple(x.shape)}, got {u.shape}")
    if u.dtype != x.dtype:
        raise OpError(f"{op}: expected _random_samples to have the input's dtype {x.dtype}, "
                      f"got {u.dtype}")
    return u[:n]


def _fractional(op: str, nd: int, input: Any, kernel_size: Any,  # noqa: A002
                output_size: Any, output_ratio: Any, samples: Any) -> tuple[Tensor, Tensor]:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(input).__name__}")
    if input.ndim not in (nd + 1, nd + 2):
        raise OpError(f"{op}: expected a {nd + 1}-D or {nd + 2}-D (batched) input, got shape "
                      f"{tuple(input.shape)}")
    if input.dtype.kind != "f":
        raise OpError(f"{op}: needs a floating point input, got dtype {input.dtype}")
    x = input.unsqueeze(0) if input.ndim == nd + 1 else input
    size = tuple(x.shape[2:])
    k = _ints(kernel_size, nd, "kernel_size", op)
    if output_size is None and output_ratio is None:
        raise ValueError(f"{op} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        ratio = tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) \
            else (output_ratio,) * nd
        if len(ratio) != nd:
            raise ValueError(f"{op} requires output_ratio to be a number or a tuple of {nd}, "
                             f"got {output_ratio!r}")
        out = tuple(int(s * r) for s, r in zip(size, ratio))
    else:
        out = _ints(output_size, nd, "output_size", op)
    for axis, n_in, o, kk in zip(_AXES[nd], size, out, k):
        if kk < 1 or o < 0:
            raise OpError(f"{op}: kernel_size {k} must be positive and output_size {out} "
                          "non-negative")
        limit = n_in if nd == 2 else n_in - 1  # PyTorch's 3-D check is strict
        if o + kk - 1 > limit:
            raise OpError(f"{op}: pool {axis} {kk} too large relative to input {axis} {n_in} "
                          f"(output {axis} {o} + kernel - 1 must be at most {limit})")
    u = _samples(samples, x, nd, op)                       # (N, C, nd); u[..., 0] is the width's
    order = (0,) if nd == 1 else ((1, 0) if nd == 2 else (0, 1, 2))
    idx = [_starts(u[..., j], n_in, o, kk)[..., None] + np.arange(kk)
           for j, n_in, o, kk in zip(order, size, out, k)]  # per axis (N, C, O, K)
    y, ind = window_max(x, idx)
    return (y[0], ind[0]) if input.ndim == nd + 1 else (y, ind)


def fractional_max_pool2d_with_indices(
        input: Tensor, kernel_size: Any, output_size: Any = None,  # noqa: A002
        output_ratio: Any = None, return_indices: bool = False,
        _random_samples: Any = None) -> tuple[Tensor, Tensor]:
    """:func:`fractional_max_pool2d` that always returns ``(output, indices)``."""
    return _fractional("fractional_max_pool2d", 2, input, kernel_size, output_size,
                       output_ratio, _random_samples)


def fractional_max_pool2d(input: Tensor, kernel_size: Any, output_size: Any = None,  # noqa: A002
                          output_ratio: Any = None, return_indices: bool = False,
                          _random_samples: Any = None) -> Any:
    """Max over pseudo-randomly placed ``kernel_size`` windows, to a given output size.

    Args:
        input: (N, C, H, W) or (C, H, W), floating point.
        kernel_size: int or (kh, kw).
        output_size: int or (OH, OW); or give ``output_ratio`` instead.
        output_ratio: number or pair in (0, 1): ``OH = int(H * ratio)``.
        return_indices: also return each maximum's flat ``h * W + w`` index (int64),
            for :func:`max_unpool2d`.
        _random_samples: (N, C, 2) numbers in [0, 1) of the input's dtype placing the
            windows (``[..., 0]`` the columns, ``[..., 1]`` the rows); drawn from
            ``ag.manual_seed``'s generator when None.

    Shape:
        (N, C, H, W) -> (N, C, OH, OW); ``OH + kh - 1 <= H``.

    Returns:
        The pooled Tensor, or ``(pooled, indices)`` with ``return_indices``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> u = ag.full((1, 1, 2), 0.5)
        >>> F.fractional_max_pool2d(ag.arange(25.0).reshape(1, 1, 5, 5), 2, 2,
        ...                         _random_samples=u).tolist()
        [[[[6.0, 9.0], [21.0, 24.0]]]]
    """
    out = _fractional("fractional_max_pool2d", 2, input, kernel_size, output_size,
                      output_ratio, _random_samples)
    return out if return_indices else out[0]


def fractional_max_pool3d_with_indices(
        input: Tensor, kernel_size: Any, output_size: Any = None,  # noqa: A002
        output_ratio: Any = None, return_indices: bool = False,
        _random_samples: Any = None) -> tuple[Tensor, Tensor]:
    """:func:`fractional_max_pool3d` that always returns ``(output, indices)``."""
    return _fractional("fractional_max_pool3d", 3, input, kernel_size, output_size,
                       output_ratio, _random_samples)


def fractional_max_pool3d(input: Tensor, kernel_size: Any, output_size: Any = None,  # noqa: A002
                          output_ratio: Any = None, return_indices: bool = False,
                          _random_samples: Any = None) -> Any:
    """Max over pseudo-randomly placed 3-D windows, to a given output size.

    Args:
        input: (N, C, T, H, W) or (C, T, H, W), floating point.
        kernel_size: int or (kt, kh, kw).
        output_size: int or (OT, OH, OW); or give ``output_ratio`` instead.
        output_ratio: number or triple in (0, 1).
        return_indices: also return each maximum's flat index into its volume (int64).
        _random_samples: (N, C, 3) numbers in [0, 1) of the input's dtype (time, height,
            width); drawn from ``ag.manual_seed``'s generator when None.

    Shape:
        (N, C, T, H, W) -> (N, C, OT, OH, OW).

    Returns:
        The pooled Tensor, or ``(pooled, indices)`` with ``return_indices``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.fractional_max_pool3d(ag.arange(27.0).reshape(1, 1, 3, 3, 3), 2, 1).item()
        26.0
    """
    out = _fractional("fractional_max_pool3d", 3, input, kernel_size, output_size,
                      output_ratio, _random_samples)
    return out if return_indices else out[0]


class _FractionalMaxPoolNd(Module):
    _nd = 2

    def __init__(self, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                 return_indices: bool = False, _random_samples: Any = None) -> None:
        super().__init__()
        name, nd = type(self).__name__, self._nd

        def tup(v: Any) -> tuple:
            return tuple(v) if isinstance(v, (tuple, list)) else (v,) * nd

        self.kernel_size = tup(kernel_size)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = tup(output_size) if output_size is not None else None
        self.output_ratio = tup(output_ratio) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(f"{name} requires specifying either an output size, or a pooling "
                             "ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError(f"{name}: only one of output_size and output_ratio may be "
                             "specified")
        if self.output_ratio is not None and not all(
                isinstance(r, (int, float)) and 0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"{name}: output_ratio must be between 0 and 1 (got "
                             f"{output_ratio})")

    def forward(self, input: Tensor) -> Any:  # noqa: A002
        fn = fractional_max_pool2d if self._nd == 2 else fractional_max_pool3d
        return fn(input, self.kernel_size, self.output_size, self.output_ratio,
                  self.return_indices, _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Fractional max-pooling of images, as :func:`fractional_max_pool2d` (Graham, 2014).

    Args:
        kernel_size: int or (kh, kw).
        output_size: int or (OH, OW); or give ``output_ratio`` in (0, 1) instead.
        return_indices: also return each maximum's flat index.
        _random_samples: fixed (N, C, 2) window placements, kept as a buffer.

    Shape:
        - Input: (N, C, H, W) or (C, H, W); Output: (N, C, OH, OW).

    Example:
        >>> import autograd as ag, nn
        >>> nn.FractionalMaxPool2d(3, output_ratio=0.5)(ag.randn(1, 2, 10, 12)).shape
        (1, 2, 5, 6)
    """

    _nd = 2


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max-pooling of volumes, as :func:`fractional_max_pool3d`.

    Args:
        kernel_size: int or (kt, kh, kw).
        output_size: int or (OT, OH, OW); or give ``output_ratio`` in (0, 1) instead.
        return_indices: also return each maximum's flat index.
        _random_samples: fixed (N, C, 3) window placements, kept as a buffer.

    Shape:
        - Input: (N, C, T, H, W) or (C, T, H, W); Output: (N, C, OT, OH, OW).

    Example:
        >>> import autograd as ag, nn
        >>> nn.FractionalMaxPool3d(2, output_size=(2, 3, 3))(ag.randn(1, 1, 4, 5, 5)).shape
        (1, 1, 2, 3, 3)
    """

    _nd = 3
