"""Gathering by index: gather, take_along_dim, take, index_select, masked_select, nonzero,
and the one-argument where.

Each is built on indexing (``getitem``) with integer arrays, whose backward adds the gradient
back at the positions read, so an index used twice receives the gradient twice. Index and
position outputs are int64 and never require grad.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..registry import register
from ..tensor import Tensor
from ._common import norm_dim, tensor_arg
from .index import getitem
from .shape import expand, reshape


def index_array(index: Any, op: str, what: str = "index") -> np.ndarray:
    """``index`` as an int64 numpy array, refused (naming ``op``) when not integer."""
    arr = np.asarray(index.array if isinstance(index, Tensor) else index)
    if arr.dtype.kind not in "iu" and not (arr.size == 0 and arr.dtype.kind == "f"):
        raise RuntimeError(f"{op}: {what} must be an integer (int64) tensor, got dtype "
                           f"{arr.dtype}")
    return arr.astype(np.int64)


def along_positions(shape: tuple, index: np.ndarray, dim: int, op: str) -> tuple:
    """The integer-array index of ``x[i][j][index[i][j][k]]`` for dim 2 (torch.gather's rule).

    ``index`` has as many dims as ``x``; outside ``dim`` its sizes may not exceed ``x``'s.
    """
    if index.ndim != len(shape) and not (index.ndim <= 1 and len(shape) <= 1):
        raise RuntimeError(f"{op}: index of shape {index.shape} must have as many dims as the "
                           f"input of shape {tuple(shape)}")
    if len(shape) == 0:
        shape, index = (1,), index.reshape(-1)
    for i, (n, m) in enumerate(zip(shape, index.shape)):
        if i != dim and m > n:
            raise RuntimeError(f"{op}: index of shape {index.shape} is larger than the input "
                               f"of shape {tuple(shape)} outside dim {dim} (dim {i})")
    n = shape[dim]
    if index.size and (index.min() < -n or index.max() >= n):
        bad = index.min() if index.min() < -n else index.max()
        raise IndexError(f"{op}: index {bad} is out of bounds for dim {dim} with size {n}")
    k = index.ndim
    grids = [np.arange(m).reshape((1,) * i + (m,) + (1,) * (k - i - 1))
             for i, m in enumerate(index.shape)]
    grids[dim] = index % max(n, 1)
    return tuple(grids)


@register(method=True)
def gather(x: Tensor, dim: int, index: Any, *, sparse_grad: bool = False) -> Tensor:
    """Values of ``x`` along ``dim`` at ``index``: ``out[i][j] = x[i][index[i][j]]`` for dim 1.

    Example:
        >>> import autograd as ag
        >>> ag.gather(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), 1, ag.tensor([[0, 0], [1, 0]]))
        tensor([[1., 1.],
                [4., 3.]])
    """
    x = tensor_arg(x, "gather")
    d = norm_dim(dim, x.ndim, "gather")
    idx = index_array(index, "gather")
    pos = along_positions(x.shape, idx, d, "gather")
    src = reshape(x, (-1,)) if x.ndim == 0 else x
    out = getitem(src, pos)
    return reshape(out, idx.shape) if out.shape != idx.shape else out


@register(method=True)
def take_along_dim(x: Tensor, indices: Any, dim: int | None = None) -> Tensor:
    """:func:`gather` with ``x`` and ``indices`` broadcast together outside ``dim``
    (both flattened when ``dim`` is None)."""
    x = tensor_arg(x, "take_along_dim")
    idx = index_array(indices, "take_along_dim", "indices")
    if dim is None:
        return gather(reshape(x, (-1,)), 0, idx.reshape(-1))
    d = norm_dim(dim, x.ndim, "take_along_dim")
    if idx.ndim != x.ndim:
        raise RuntimeError(f"take_along_dim: indices of shape {idx.shape} must have as many "
                           f"dims as the input of shape {x.shape}")
    try:
        common = [a if i == d else np.broadcast_shapes((a,), (b,))[0]
                  for i, (a, b) in enumerate(zip(x.shape, idx.shape))]
    except ValueError:
        raise RuntimeError(f"take_along_dim: input of shape {x.shape} and indices of shape "
                           f"{idx.shape} cannot be broadcast outside dim {d}") from None
    xs = tuple(x.shape[i] if i == d else c for i, c in enumerate(common))
    ids = tuple(idx.shape[i] if i == d else c for i, c in enumerate(common))
    return gather(expand(x, xs), d, np.broadcast_to(idx, ids))


@register(method=True)
def take(x: Tensor, index: Any) -> Tensor:
    """Elements of ``x`` read as if it were 1-D, at ``index`` (shape of ``index``)."""
    x = tensor_arg(x, "take")
    idx = index_array(index, "take")
    n = x.array.size
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = idx.min() if idx.min() < -n else idx.max()
        raise IndexError(f"take: index {bad} is out of range for a tensor of {n} elements "
                         f"(shape {x.shape})")
    return getitem(reshape(x, (-1,)), idx)


@register(method=True)
def index_select(x: Tensor, dim: int, index: Any) -> Tensor:
    """The slices of ``x`` along ``dim`` listed in the 1-D ``index`` (repeats allowed).

    Example:
        >>> import autograd as ag
        >>> ag.index_select(ag.tensor([[1, 2], [3, 4]]), 0, ag.tensor([1, 1]))
        tensor([[3, 4],
                [3, 4]])
    """
    x = tensor_arg(x, "index_select")
    d = norm_dim(dim, x.ndim, "index_select")
    idx = index_array(index, "index_select")
    if idx.ndim > 1:
        raise RuntimeError(f"index_select: index must be 0-d or 1-D, got shape {idx.shape}")
    n = x.shape[d] if x.ndim else 1
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = idx.min() if idx.min() < -n else idx.max()
        raise IndexError(f"index_select: index {bad} is out of range for dim {d} of size {n}")
    if x.ndim == 0:
        return reshape(getitem(reshape(x, (1,)), idx.reshape(-1)), idx.shape)
    return getitem(x, (slice(None),) * d + (idx.reshape(-1),))


def broadcast_mask(x: Tensor, mask: Any, op: str) -> tuple[Tensor, np.ndarray]:
    """``x`` and its boolean ``mask`` broadcast together."""
    m = np.asarray(mask.array if isinstance(mask, Tensor) else mask)
    if m.dtype != bool:
        raise RuntimeError(f"{op}: mask must be a bool tensor, got dtype {m.dtype}")
    try:
        shape = np.broadcast_shapes(x.shape, m.shape)
    except ValueError:
        raise RuntimeError(f"{op}: mask of shape {m.shape} cannot be broadcast with the input "
                           f"of shape {x.shape}") from None
    return expand(x, shape), np.broadcast_to(m, shape)


@register(method=True)
def masked_select(x: Tensor, mask: Any) -> Tensor:
    """The elements of ``x`` where ``mask`` is True, as a 1-D tensor (both broadcast)."""
    x = tensor_arg(x, "masked_select")
    xb, m = broadcast_mask(x, mask, "masked_select")
    return getitem(xb, m)


@register(method=True)
def nonzero(x: Tensor, *, as_tuple: bool = False) -> Any:
    """Positions of the nonzero elements: an (n, ndim) int64 tensor, or one per dim.

    Example:
        >>> import autograd as ag
        >>> ag.nonzero(ag.tensor([[0, 1], [2, 0]]))
        tensor([[0, 1],
                [1, 0]])
    """
    x = tensor_arg(x, "nonzero")
    pos = np.nonzero(x.array.reshape(1) if x.ndim == 0 else x.array)
    if as_tuple:
        return tuple(Tensor._make(p.astype(np.int64)) for p in pos)
    if x.ndim == 0:
        return Tensor._make(np.zeros((pos[0].size, 0), np.int64))
    return Tensor._make(np.stack(pos, axis=1).astype(np.int64))


@register(method=True)
def argwhere(x: Tensor) -> Tensor:
    """The positions of the nonzero elements as an (n, ndim) int64 tensor (``nonzero(x)``)."""
    x = tensor_arg(x, "argwhere")
    return nonzero(x)
