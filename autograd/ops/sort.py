"""Ordering: sort, argsort, topk, kthvalue, median, unique, searchsorted, bucketize.

The order is found in numpy (a stable sort; NaN counts as the largest value, as in PyTorch);
the values are then read at the indices it gives, so their gradient goes back to exactly those
places (:class:`Pick`, indexing's gather with its own drawing symbol). Indices are int64 and
never require grad.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..errors import OpError
from ..function import Function
from ..registry import register
from ..tensor import Tensor
from ._common import dim_alias, norm_dim, reduce_args, tensor_arg
from ._notation import Derivative
from .gather import along_positions
from .index import Gather

#: ``(values, indices)``, as ``torch.return_types.sort`` / ``topk`` / ``kthvalue`` / ``median``
Sorted = namedtuple("Sorted", ["values", "indices"])


class Pick(Gather):
    """Values read at the indices an ordering chose; the gradient goes back to those places."""

    symbol = staticmethod(lambda args: "sort")  # type: ignore[assignment]
    derivative = Derivative("∂L/∂x = G put back where each value came from")


class TopkPick(Pick):
    symbol = staticmethod(lambda args: "topk")  # type: ignore[assignment]


class RankPick(Pick):
    """kthvalue's and median's value: one rank along a dim."""

    symbol = staticmethod(lambda args: "kthvalue|median")  # type: ignore[assignment]


def order(arr: np.ndarray, dim: int, descending: bool = False) -> np.ndarray:
    """Stable argsort along ``dim``; descending keeps equal values in their original order."""
    if not descending:
        return np.argsort(arr, axis=dim, kind="stable")
    n = arr.shape[dim]
    rev = np.argsort(np.flip(arr, dim), axis=dim, kind="stable")
    return np.flip(n - 1 - rev, dim)


def _dim(x: Tensor, dim: Any, op: str) -> int:
    return norm_dim(dim, x.ndim, op)


def _pick(x: Tensor, idx: np.ndarray, d: int, how: type[Pick] = Pick) -> Tensor:
    if x.ndim == 0:
        return x.clone()
    return how.apply(x, along_positions(x.shape, idx, d, "sort"), False)


@register(method=True)
def sort(x: Tensor, dim: int = -1, descending: bool = False, stable: bool = False, *,
         axis: Any = None) -> Sorted:
    """Values sorted along ``dim`` and the int64 indices they came from (a stable sort).

    Example:
        >>> import autograd as ag
        >>> ag.sort(ag.tensor([3.0, 1.0, 2.0]), descending=True)
        Sorted(values=tensor([3., 2., 1.]), indices=tensor([0, 2, 1]))
    """
    x = tensor_arg(x, "sort")
    d = _dim(x, dim_alias("sort", dim, axis, -1), "sort")
    if x.ndim == 0:
        return Sorted(x.clone(), Tensor._make(np.zeros((), np.int64)))
    idx = order(x.array, d, descending)
    return Sorted(_pick(x, idx, d), Tensor._make(idx.astype(np.int64)))


@register(method=True)
def argsort(x: Tensor, dim: int = -1, descending: bool = False, stable: bool = False, *,
            axis: Any = None) -> Tensor:
    """The int64 indices that sort ``x`` along ``dim`` (a stable sort)."""
    x = tensor_arg(x, "argsort")
    d = _dim(x, dim_alias("argsort", dim, axis, -1), "argsort")
    if x.ndim == 0:
        return Tensor._make(np.zeros((), np.int64))
    return Tensor._make(order(x.array, d, descending).astype(np.int64))


@register(method=True)
def topk(x: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True,  # noqa: A002
         *, axis: Any = None) -> Sorted:
    """The ``k`` largest (or smallest) values along ``dim`` and their indices.

    Example:
        >>> import autograd as ag
        >>> ag.topk(ag.tensor([1.0, 3.0, 2.0]), 2).indices
        tensor([1, 2])
    """
    x = tensor_arg(x, "topk")
    d = _dim(x, dim_alias("topk", dim, axis, -1), "topk")
    n = x.shape[d] if x.ndim else 1
    if not isinstance(k, (int, np.integer)) or not 0 <= k <= n:
        raise RuntimeError(f"topk: k ({k}) is out of range for dim {d} of size {n}")
    if x.ndim == 0:
        return Sorted(x.clone(), Tensor._make(np.zeros((), np.int64)))
    idx = np.take(order(x.array, d, largest), np.arange(k), axis=d)
    return Sorted(_pick(x, idx, d, TopkPick), Tensor._make(idx.astype(np.int64)))


@register(method=True)
def kthvalue(x: Tensor, k: int, dim: int = -1, keepdim: bool = False, *, axis: Any = None,
             keepdims: Any = None) -> Sorted:
    """The ``k``-th smallest value (counting from 1) along ``dim`` and its index."""
    x = tensor_arg(x, "kthvalue")
    dim, keepdim = dim_alias("kthvalue", dim, axis, -1), keepdim if keepdims is None else keepdims
    d = _dim(x, dim, "kthvalue")
    n = x.shape[d] if x.ndim else 1
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= n:
        raise RuntimeError(f"kthvalue: k ({k}) is out of range for dim {d} of size {n}")
    return _select_rank(x, d, np.full((), k - 1), keepdim)


def _select_rank(x: Tensor, d: int, rank: np.ndarray, keepdim: bool) -> Sorted:
    """The value of rank ``rank`` along ``d`` (a NaN where the slice holds one)."""
    if x.ndim == 0:
        return Sorted(x.clone(), Tensor._make(np.zeros((), np.int64)))
    srt = order(x.array, d)
    idx = np.take(srt, [int(rank)], axis=d)
    if x.array.dtype.kind == "f":
        nan = np.isnan(x.array)
        has = nan.any(axis=d, keepdims=True)
        idx = np.where(has, np.argmax(nan, axis=d, keepdims=True), idx)
    values = _pick(x, idx, d, RankPick)
    if not keepdim:
        values, idx = values.squeeze(d), np.squeeze(idx, d)
    return Sorted(values, Tensor._make(idx.astype(np.int64)))


class MedianAll(Function):
    symbol = "median"
    derivative = Derivative("∂median/∂xᵢ = [xᵢ = median] / #ties")

    @staticmethod
    def forward(ctx, x):
        flat = x.reshape(-1)
        if x.dtype.kind == "f" and np.isnan(flat).any():
            out = flat[np.argmax(np.isnan(flat))]
        else:
            out = flat[order(flat, 0)[(flat.size - 1) // 2]]
        hit = (x == out) | (np.isnan(x) & np.isnan(out))
        ctx.share = hit / hit.sum()  # ties share the gradient evenly, as PyTorch's
        return np.asarray(out)

    @staticmethod
    def backward(ctx, grad):
        return grad * Tensor._make(ctx.share.astype(grad.array.dtype))


@register(method=True)
def median(x: Tensor, dim: int | None = None, keepdim: bool = False, *, axis: Any = None,
           keepdims: Any = None) -> Any:
    """The lower median (of an even count, the smaller middle value), as PyTorch's.

    Without ``dim`` a value, whose gradient ties share evenly; with ``dim`` a
    ``(values, indices)`` pair. A NaN in a slice makes its median NaN.

    Example:
        >>> import autograd as ag
        >>> ag.median(ag.tensor([4.0, 1.0, 3.0, 2.0]))
        tensor(2.)
    """
    x = tensor_arg(x, "median")
    dim, keepdim = reduce_args("median", dim, keepdim, axis, keepdims)
    if dim is None:
        if x.array.size == 0:
            return Tensor._make(np.asarray(np.nan, x.array.dtype))
        return MedianAll.apply(x)
    d = _dim(x, dim, "median")
    n = x.shape[d] if x.ndim else 1
    if n == 0:
        raise IndexError(f"median: dim {d} of shape {x.shape} is empty: no median")
    return _select_rank(x, d, np.asarray((n - 1) // 2), keepdim)


@register(method=True)
def msort(x: Tensor) -> Tensor:
    """``x`` sorted along dim 0 (the values of ``sort(x, 0)``)."""
    x = tensor_arg(x, "msort")
    return sort(x, 0).values


class NanMedianAll(Function):
    symbol = "nanmedian"
    derivative = Derivative("∂median/∂xᵢ = [xᵢ = median] / #ties (NaN left out)")

    @staticmethod
    def forward(ctx, x):
        flat = x.reshape(-1)
        keep = flat[~np.isnan(flat)] if flat.dtype.kind == "f" else flat
        out = np.sort(keep)[(keep.size - 1) // 2] if keep.size else np.asarray(np.nan, x.dtype)
        hit = x == out
        ctx.share = hit / max(int(hit.sum()), 1)
        return np.asarray(out, x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad * Tensor._make(ctx.share.astype(grad.array.dtype))


@register(method=True)
def nanmedian(x: Tensor, dim: int | None = None, keepdim: bool = False, *, axis: Any = None,
              keepdims: Any = None) -> Any:
    """:func:`median` of the values that are not NaN (NaN only where a slice is all NaN).

    Example:
        >>> import autograd as ag
        >>> ag.nanmedian(ag.tensor([1.0, float("nan"), 3.0, 2.0]))
        tensor(2.)
    """
    x = tensor_arg(x, "nanmedian")
    dim, keepdim = reduce_args("nanmedian", dim, keepdim, axis, keepdims)
    if dim is None:
        return NanMedianAll.apply(x)
    d = _dim(x, dim, "nanmedian")
    n = x.shape[d] if x.ndim else 1
    if n == 0:
        raise IndexError(f"nanmedian: dim {d} of shape {x.shape} is empty: no median")
    if x.ndim == 0:
        return Sorted(x.clone(), Tensor._make(np.zeros((), np.int64)))
    a = x.array
    srt = order(a, d)  # NaN sort last
    valid = (~np.isnan(a)).sum(axis=d, keepdims=True) if a.dtype.kind == "f" else np.full(
        a.shape[:d] + (1,) + a.shape[d + 1:], n)
    idx = np.take_along_axis(srt, np.maximum(valid - 1, 0) // 2, d)
    values = _pick(x, idx, d, RankPick)
    if not keepdim:
        values, idx = values.squeeze(d), np.squeeze(idx, d)
    return Sorted(values, Tensor._make(idx.astype(np.int64)))


@register(method=True)
def bincount(x: Tensor, weights: Any = None, minlength: int = 0) -> Tensor:
    """How often each value 0, 1, ... occurs in the 1-D non-negative int tensor ``x``
    (summing ``weights`` instead of counting when given). Not differentiable, as PyTorch's."""
    x = tensor_arg(x, "bincount")
    if x.ndim != 1 or x.array.dtype.kind not in "iu" or (x.array.size and x.array.min() < 0):
        raise RuntimeError(f"bincount: needs a 1-D tensor of non-negative ints, got shape "
                           f"{x.shape} and dtype {x.array.dtype}")
    w = None if weights is None else tensor_arg(weights, "bincount", "weights").array
    if w is not None and w.shape != x.shape:
        raise RuntimeError(f"bincount: weights of shape {w.shape} must match the input's "
                           f"shape {x.shape}")
    out = np.bincount(x.array, w, minlength=int(minlength))
    return Tensor._make(out.astype(np.int64 if w is None else np.result_type(w, np.float32)))


@register(method=True)
def histc(x: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
    """A histogram of ``bins`` equal bins over [min, max] (the data's range when both are 0);
    values outside are left out. Not differentiable, as PyTorch's."""
    x = tensor_arg(x, "histc")
    if x.array.dtype.kind != "f":
        raise RuntimeError(f"histc: needs a floating point tensor, got dtype {x.array.dtype}")
    if bins <= 0:
        raise RuntimeError(f"histc: bins must be positive, got {bins}")
    lo, hi = float(min), float(max)
    finite = x.array[np.isfinite(x.array)]
    if lo == hi and finite.size:
        lo, hi = float(finite.min()), float(finite.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError(f"histc: max ({max}) must not be below min ({min})")
    # PyTorch's bin: (x - min)·bins / (max - min) in the input's dtype, max in the last bin
    dt = x.array.dtype.type
    inside = finite[(finite >= dt(lo)) & (finite <= dt(hi))]
    pos = ((inside - dt(lo)) * dt(bins) / (dt(hi) - dt(lo))).astype(np.int64)
    counts = np.bincount(np.minimum(pos, int(bins) - 1), minlength=int(bins))
    return Tensor._make(counts.astype(x.array.dtype))


@register(method=True)
def unique(x: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim: int | None = None) -> Any:
    """The distinct values of ``x`` (sorted), and optionally where each element went and counts.

    With ``dim``, the distinct slices along ``dim``. Not differentiable, as in PyTorch.

    Example:
        >>> import autograd as ag
        >>> ag.unique(ag.tensor([3, 1, 1, 2]), return_counts=True)
        (tensor([1, 2, 3]), tensor([2, 1, 1]))
    """
    x = tensor_arg(x, "unique")
    if dim is not None:
        dim = norm_dim(dim, x.ndim, "unique")
    vals, inv, counts = np.unique(x.array, return_inverse=True, return_counts=True, axis=dim)
    inv = inv.reshape(x.shape if dim is None else (-1,)).astype(np.int64)
    out: list = [Tensor._make(vals)]
    if return_inverse:
        out.append(Tensor._make(inv))
    if return_counts:
        out.append(Tensor._make(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def _side(right: bool, side: str | None, op: str) -> str:
    if side is not None and side not in ("left", "right"):
        raise OpError(f"{op}: side must be 'left' or 'right', got {side!r}")
    if side is not None and right and side == "left":
        raise RuntimeError(f"{op}: side='left' contradicts right=True")
    return side or ("right" if right else "left")


@register()
def searchsorted(sorted_sequence: Tensor, values: Any, *, out_int32: bool = False,
                 right: bool = False, side: str | None = None, sorter: Any = None) -> Tensor:
    """Where each of ``values`` would go in the sorted last dim of ``sorted_sequence``.

    Example:
        >>> import autograd as ag
        >>> ag.searchsorted(ag.tensor([1, 3, 5]), ag.tensor([3, 6]), right=True)
        tensor([2, 3])
    """
    seq = tensor_arg(sorted_sequence, "searchsorted", "sorted_sequence").array
    v = tensor_arg(values, "searchsorted", "values").array
    how = _side(right, side, "searchsorted")
    if sorter is not None:
        seq = np.take_along_axis(seq, np.asarray(getattr(sorter, "data", sorter)), -1)
    if seq.ndim == 0:
        raise RuntimeError("searchsorted: sorted_sequence must have at least 1 dim")
    dtype = np.int32 if out_int32 else np.int64
    if seq.ndim == 1:
        return Tensor._make(np.searchsorted(seq, v, side=how).astype(dtype))  # type: ignore
    if v.ndim != seq.ndim or v.shape[:-1] != seq.shape[:-1]:
        raise RuntimeError(f"searchsorted: values of shape {v.shape} must share the leading "
                           f"dims of sorted_sequence of shape {seq.shape}")
    out = np.zeros(v.shape, dtype)
    for i in np.ndindex(v.shape[:-1]):
        out[i] = np.searchsorted(seq[i], v[i], side=how)  # type: ignore[call-overload]
    return Tensor._make(out)


@register()
def bucketize(x: Any, boundaries: Tensor, *, out_int32: bool = False,
              right: bool = False) -> Tensor:
    """The bucket of each element of ``x`` among the sorted 1-D ``boundaries``.

    Example:
        >>> import autograd as ag
        >>> ag.bucketize(ag.tensor([1, 4, 9]), ag.tensor([1, 5, 8]))
        tensor([0, 1, 3])
    """
    b = tensor_arg(boundaries, "bucketize", "boundaries")
    if b.ndim != 1:
        raise RuntimeError(f"bucketize: boundaries must be 1-D, got shape {b.shape}")
    return searchsorted(b, tensor_arg(x, "bucketize"), out_int32=out_int32, right=right)
