"""Max over irregular windows (adaptive bins, fractional regions) as one differentiable gather.

A window along spatial axis ``i`` is a row of input positions ``idx_i[..., o, k]``
(shorter windows repeat their last position; a repeat never changes the max or
which element wins). The winner of each window is found on numpy arrays with
PyTorch's rule for these pools (the first maximum in row-major order, except
that a NaN wins and the last NaN is kept), and the output is
``gather(x_flat, winners)``: its gradient sends each window's gradient to its
winner, adding where windows share one, and its double backward is the gather
again. Nothing here needs a backward of its own.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

import autograd as ag
from autograd.tensor import Tensor

__all__ = ["window_max", "adaptive_bins"]


def adaptive_bins(n_in: int, n_out: int) -> np.ndarray:
    """PyTorch's adaptive bins ``[floor(i n/o), ceil((i+1) n/o))`` as ``(n_out, widest)``
    positions, a short bin padded by repeating its last position.

    Example:
        >>> adaptive_bins(5, 3).tolist()      # bins [0, 2), [1, 4), [3, 5)
        [[0, 1, 1], [1, 2, 3], [3, 4, 4]]
    """
    i = np.arange(n_out)
    start = (i * n_in) // n_out
    end = -((-(i + 1) * n_in) // n_out)
    width = int((end - start).max()) if n_out else 1
    return np.minimum(start[:, None] + np.arange(width)[None, :], end[:, None] - 1)


def _winners(vals: np.ndarray) -> np.ndarray:
    """Per row of ``vals (..., K)``: the first maximum, or the last NaN where there is one."""
    best = np.argmax(vals, axis=-1) if vals.shape[-1] else np.zeros(vals.shape[:-1], np.int64)
    if vals.dtype.kind == "f":
        nan = np.isnan(vals)
        has = nan.any(axis=-1)
        if has.any():
            last = vals.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
            best = np.where(has, last, best)
    return best


def window_max(x: Tensor, idx: Sequence[np.ndarray]) -> tuple[Tensor, Tensor]:
    """Max of ``x (N, C, *S)`` over windows given per spatial axis, and each winner's index.

    Args:
        x: ``(N, C, S_1, ..., S_d)``.
        idx: ``d`` integer arrays, array ``i`` of shape ``(O_i, K_i)`` (the same windows for
            every plane) or ``(N, C, O_i, K_i)`` (windows per plane): the positions along
            axis ``i`` that window ``o`` covers.

    Returns:
        ``(out, indices)``: ``(N, C, O_1, ..., O_d)`` and int64 flat indices of each
        winner into its ``S_1 * ... * S_d`` plane.
    """
    n, c = x.shape[:2]
    size = tuple(x.shape[2:])
    d = len(size)
    outs = tuple(a.shape[-2] for a in idx)
    ks = tuple(a.shape[-1] for a in idx)
    strides = [int(np.prod(size[i + 1:])) for i in range(d)]
    pos = np.zeros((1, 1) + (1,) * (2 * d), np.int64)
    for i, a in enumerate(idx):
        a4 = a.reshape((1, 1) + a.shape) if a.ndim == 2 else a
        shape = a4.shape[:2] + (1,) * i + (outs[i],) + (1,) * (d - 1) + (ks[i],) \
            + (1,) * (d - 1 - i)
        pos = pos + a4.astype(np.int64).reshape(shape) * strides[i]
    p, kk = int(np.prod(outs)), int(np.prod(ks))
    pos = pos.reshape(pos.shape[:2] + (p, kk))                         # (n|1, c|1, P, K)
    flat = x.reshape(n, c, int(np.prod(size)))                         # (N, C, L)
    if p == 0 or n * c == 0:
        win = np.zeros((n, c, p), np.int64)
    else:
        vals = np.take_along_axis(flat.array, pos.reshape(pos.shape[:2] + (-1,)), axis=2)
        vals = vals.reshape((n, c, p, kk))                              # (N, C, P, K)
        k = _winners(vals)                                             # (N, C, P)
        win = np.take_along_axis(pos, k[..., None], axis=-1)[..., 0]
        win = np.broadcast_to(win, (n, c, p))
    index = np.ascontiguousarray(win, dtype=np.int64)
    out = ag.gather(flat, 2, index).reshape((n, c) + outs)             # (N, C, O...)
    return out, Tensor._make(index.reshape((n, c) + outs))
