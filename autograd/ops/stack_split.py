"""Stacking and splitting in numpy's names: unbind, select, hstack, vstack, dstack,
column_stack, hsplit, vsplit, dsplit, atleast_1d/2d/3d, ravel, diff.

Each is built from getitem, reshape, cat and tensor_split, so the gradients are theirs.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..registry import register
from ..tensor import Tensor
from ._common import norm_dim, tensor_arg
from .index import getitem
from .reshape_more import tensor_split
from .shape import cat, reshape


@register(method=True)
def select(x: Tensor, dim: int, index: int) -> Tensor:
    """The slice at ``index`` of ``dim`` (that dim removed), a view.

    Example:
        >>> import autograd as ag
        >>> ag.select(ag.tensor([[1, 2], [3, 4]]), 1, 0)
        tensor([1, 3])
    """
    x = tensor_arg(x, "select")
    d = norm_dim(dim, x.ndim, "select")
    n = x.shape[d] if x.ndim else 0
    if not isinstance(index, (int, np.integer)) or not -n <= index < n:
        raise IndexError(f"select: index {index} is out of range for dim {d} of size {n} "
                         f"(shape {x.shape})")
    return getitem(x, (slice(None),) * d + (int(index),))


@register(method=True)
def unbind(x: Tensor, dim: int = 0) -> tuple:
    """The slices along ``dim``, as a tuple of tensors without that dim.

    Example:
        >>> import autograd as ag
        >>> [t.tolist() for t in ag.unbind(ag.tensor([[1, 2], [3, 4]]), 1)]
        [[1, 3], [2, 4]]
    """
    x = tensor_arg(x, "unbind")
    if x.ndim == 0:
        raise IndexError("unbind: a 0-d tensor has no dim to unbind")
    d = norm_dim(dim, x.ndim, "unbind")
    return tuple(getitem(x, (slice(None),) * d + (i,)) for i in range(x.shape[d]))


def _tensors(tensors: Sequence[Any], op: str) -> list:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: expected a list or tuple of tensors, got {type(tensors).__name__}")
    if not tensors:
        raise RuntimeError(f"{op}: expected a non-empty list of tensors")
    return [tensor_arg(t, op) for t in tensors]


def _at_least(x: Tensor, n: int) -> Tensor:
    shape = x.shape
    if x.ndim >= n:
        return x
    if n == 1:
        return reshape(x, (1,))
    if n == 2:
        return reshape(x, (1,) + shape if x.ndim == 1 else (1, 1))
    return reshape(x, {0: (1, 1, 1), 1: (1,) + shape + (1,), 2: shape + (1,)}[x.ndim])


def _at_least_all(tensors: tuple, n: int, op: str) -> Any:
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(_at_least(tensor_arg(t, op), n) for t in tensors[0])
    out = tuple(_at_least(tensor_arg(t, op), n) for t in tensors)
    return out[0] if len(out) == 1 else out


@register()
def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least 1 dim (a 0-d tensor becomes shape (1,))."""
    return _at_least_all(tensors, 1, "atleast_1d")


@register()
def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least 2 dims (new dims in front)."""
    return _at_least_all(tensors, 2, "atleast_2d")


@register()
def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least 3 dims, as numpy: (n,) -> (1, n, 1), (m, n) -> (m, n, 1)."""
    return _at_least_all(tensors, 3, "atleast_3d")


@register()
def hstack(tensors: Sequence[Any]) -> Tensor:
    """Join along dim 1 (dim 0 for 1-D tensors).

    Example:
        >>> import autograd as ag
        >>> ag.hstack([ag.tensor([1, 2]), ag.tensor([3])])
        tensor([1, 2, 3])
    """
    ts = [_at_least(t, 1) for t in _tensors(tensors, "hstack")]
    return cat(ts, 0 if ts[0].ndim == 1 else 1)


@register()
def vstack(tensors: Sequence[Any]) -> Tensor:
    """Join along dim 0, 1-D tensors as rows."""
    return cat([_at_least(t, 2) for t in _tensors(tensors, "vstack")], 0)


@register()
def dstack(tensors: Sequence[Any]) -> Tensor:
    """Join along dim 2, after :func:`atleast_3d`."""
    return cat([_at_least(t, 3) for t in _tensors(tensors, "dstack")], 2)


@register()
def column_stack(tensors: Sequence[Any]) -> Tensor:
    """Join along dim 1, 0-d and 1-D tensors as columns."""
    ts = _tensors(tensors, "column_stack")
    return cat([reshape(t, (-1, 1)) if t.ndim <= 1 else t for t in ts], 1)


def _split_along(x: Any, sections: Any, dim: int, least: int, op: str) -> tuple:
    x = tensor_arg(x, op)
    if x.ndim < least:
        raise RuntimeError(f"{op}: needs a tensor of at least {least} dims, got shape {x.shape}")
    d = 0 if (op == "hsplit" and x.ndim == 1) else dim
    if isinstance(sections, (int, np.integer)) and (sections <= 0 or x.shape[d] % sections):
        raise RuntimeError(f"{op}: dim {d} of size {x.shape[d]} cannot be split into "
                           f"{sections} equal sections")
    return tensor_split(x, sections, d)


@register(method=True)
def hsplit(x: Tensor, sections: Any) -> tuple:
    """Split along dim 1 (dim 0 of a 1-D tensor) into equal sections or at indices."""
    return _split_along(x, sections, 1, 1, "hsplit")


@register(method=True)
def vsplit(x: Tensor, sections: Any) -> tuple:
    """Split along dim 0 (of a tensor of at least 2 dims)."""
    return _split_along(x, sections, 0, 2, "vsplit")


@register(method=True)
def dsplit(x: Tensor, sections: Any) -> tuple:
    """Split along dim 2 (of a tensor of at least 3 dims)."""
    return _split_along(x, sections, 2, 3, "dsplit")


@register(method=True)
def ravel(x: Tensor) -> Tensor:
    """``x`` flattened to 1-D."""
    x = tensor_arg(x, "ravel")
    return reshape(x, (-1,))


@register(method=True)
def diff(x: Tensor, n: int = 1, dim: int = -1, prepend: Any = None,
         append: Any = None) -> Tensor:
    """The ``n``-th forward difference ``x[i+1] - x[i]`` along ``dim`` (after joining
    ``prepend`` and ``append``).

    Example:
        >>> import autograd as ag
        >>> ag.diff(ag.tensor([1, 4, 9, 16]))
        tensor([3, 5, 7])
    """
    x = tensor_arg(x, "diff")
    if x.ndim == 0:
        raise RuntimeError("diff: expects a tensor with at least 1 dim, got a 0-d tensor")
    d = norm_dim(dim, x.ndim, "diff")
    if not isinstance(n, (int, np.integer)) or n < 0:
        raise RuntimeError(f"diff: order n must be a non-negative int, got {n!r}")
    parts = [tensor_arg(p, "diff", "prepend/append") for p in (prepend, x, append)
             if p is not None]
    x = cat(parts, d) if len(parts) > 1 else x
    for _ in range(int(n)):
        m = x.shape[d]
        if m == 0:
            break
        hi = getitem(x, (slice(None),) * d + (slice(1, m),))
        lo = getitem(x, (slice(None),) * d + (slice(0, m - 1),))
        x = hi ^ lo if x.array.dtype == bool else hi - lo
    return x
