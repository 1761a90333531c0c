"""More selection: isin, unique_consecutive, unravel_index, index_reduce, mode, and the
scatter forms of the view ops, diagonal_scatter, select_scatter and slice_scatter.

``index_reduce`` is ``scatter_reduce`` with the index spread along its dim, so its gradients
are that op's; the three ``*_scatter`` ops put ``src`` at the places the view would read
(indexing's scatter) and choose between it and ``input`` with ``where``, so the gradient of
``input`` is G outside those places and that of ``src`` is G at them. ``mode``'s value is read
at the index it reports, so its gradient goes there. The rest give integers or booleans and
are not differentiable.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..errors import OpError
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import norm_dim, tensor_arg
from ._std_sort import EXACT_LIMIT, std_sort
from .diag import _diag_positions, _two_dims
from .gather import along_positions
from .index import ScatterAdd
from .scatter import _dim_index
from .sort import Pick, order

#: ``(values, indices)``, as ``torch.return_types.mode``
Mode = namedtuple("Mode", ["values", "indices"])


@register()
def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:
    """Whether each element of ``elements`` is in ``test_elements`` (a bool tensor of
    ``elements``' shape; NaN is in nothing). Either may be a number, not both.

    Args:
        elements: the values looked up.
        test_elements: the values looked in.
        assume_unique: a hint that both hold distinct values (the result is the same).
        invert: True where an element is *not* in ``test_elements``.

    Example:
        >>> import autograd as ag
        >>> ag.isin(ag.tensor([1, 2, 3]), ag.tensor([2, 5]))
        tensor([False,  True, False])
    """
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(f"isin: elements or test_elements must be a Tensor, got "
                        f"{type(elements).__name__} and {type(test_elements).__name__}")
    a = tensor_arg(elements, "isin", "elements")
    b = tensor_arg(test_elements, "isin", "test_elements")
    for t in (a, b):
        if t.array.dtype == np.bool_:
            raise OpError("isin: unsupported input type encountered for isin(): bool")
    return Tensor._make(np.isin(a.array, b.array, assume_unique=assume_unique, invert=invert))


def _runs(arr: np.ndarray, axis: int | None) -> np.ndarray:
    """Whether each position along the axis starts a new run of equal values (slices)."""
    if axis is None:
        flat = arr.reshape(-1)
        new = np.ones(flat.size, bool)
        new[1:] = flat[1:] != flat[:-1]
        return new
    moved = np.moveaxis(arr, axis, 0)
    new = np.ones(arr.shape[axis], bool)
    new[1:] = (moved[1:] != moved[:-1]).any(tuple(range(1, arr.ndim)))
    return new


@register(method=True)
def unique_consecutive(input: Any, return_inverse: bool = False,  # noqa: A002
                       return_counts: bool = False, dim: int | None = None) -> Any:
    """``input`` with each run of equal consecutive elements (or slices along ``dim``) kept
    once; optionally where each element went and how long each run was.

    Args:
        input: the tensor (flattened when ``dim`` is None).
        return_inverse: also return the run each element (or slice) belongs to.
        return_counts: also return the length of each run.
        dim: compare whole slices along this dim.

    Example:
        >>> import autograd as ag
        >>> ag.unique_consecutive(ag.tensor([1, 1, 2, 2, 3, 1]), return_counts=True)
        (tensor([1, 2, 3, 1]), tensor([2, 2, 1, 1]))
    """
    x = tensor_arg(input, "unique_consecutive")
    d = None if dim is None else norm_dim(dim, max(x.ndim, 1), "unique_consecutive")
    arr = x.array if x.ndim else x.array.reshape(1)
    new = _runs(arr, d)
    starts = np.flatnonzero(new)
    vals = arr.reshape(-1)[starts] if d is None else np.take(arr, starts, axis=d)
    out: list = [Tensor._make(vals)]
    if return_inverse:
        inv = (np.cumsum(new) - 1).astype(np.int64)
        out.append(Tensor._make(inv.reshape(x.shape) if d is None else inv))
    if return_counts:
        out.append(Tensor._make(np.diff(np.append(starts, new.size)).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


@register()
def unravel_index(indices: Any, shape: Any) -> tuple:
    """The coordinates in an array of ``shape`` of each flat index (negative ones count from
    the end, larger ones wrap around, as PyTorch's), one int64 tensor per dim.

    Args:
        indices: an integer tensor of flat indices.
        shape: the array's shape (an int for one dim).

    Example:
        >>> import autograd as ag
        >>> ag.unravel_index(ag.tensor([4, 1]), (2, 3))
        (tensor([1, 0]), tensor([1, 1]))
    """
    idx = tensor_arg(indices, "unravel_index", "indices")
    if idx.array.dtype.kind not in "iu":
        raise TypeError(f"unravel_index: expected 'indices' to be integer dtype, but got "
                        f"{idx.array.dtype}")
    dims = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if any(s < 0 for s in dims):
        raise ValueError(f"unravel_index: 'shape' cannot have negative values, but got {dims}")
    if not dims:
        return ()
    # as PyTorch: floor-divide by each dim's stride, then wrap by the dim's size (an index
    # past the end wraps around; a negative one counts from the end)
    strides = np.cumprod((1,) + dims[:0:-1])[::-1]
    flat = idx.array.astype(np.int64)[..., None]
    with np.errstate(divide="ignore"):
        coords = np.moveaxis(np.floor_divide(flat, strides) % np.maximum(dims, 1), -1, 0)
    return tuple(Tensor._make(c.astype(np.int64)) for c in coords)


_INDEX_REDUCTIONS = ("prod", "mean", "amax", "amin")


@register(method=True)
def index_reduce(input: Any, dim: int, index: Any, source: Any, reduce: str, *,  # noqa: A002
                 include_self: bool = True) -> Tensor:
    """``input`` with slice ``source[.., k, ..]`` combined into slice ``index[k]`` of ``dim``
    by ``reduce`` ('prod', 'mean', 'amax' or 'amin'); ``include_self=False`` leaves
    ``input``'s own values out of the slices written to.

    Args:
        input: the tensor reduced into (copied; ``index_reduce_`` writes in place).
        dim: the dim ``index`` counts along.
        index: 1-D int64 indices into ``dim``, one per slice of ``source`` (repeats combine).
        source: ``input``'s shape with ``len(index)`` along ``dim``.
        reduce: how the values combine.
        include_self: let ``input``'s own values take part.

    Example:
        >>> import autograd as ag
        >>> ag.index_reduce(ag.ones(3), 0, ag.tensor([0, 0, 2]), ag.tensor([2.0, 3.0, 4.0]),
        ...                 "prod")
        tensor([6., 1., 4.])
    """
    if reduce not in _INDEX_REDUCTIONS:
        raise OpError(f"index_reduce: reduce must be one of {_INDEX_REDUCTIONS}, got "
                      f"{reduce!r}")
    x = tensor_arg(input, "index_reduce")
    d, idx, _ = _dim_index(x, dim, index, "index_reduce")
    s = tensor_arg(source, "index_reduce", "source")
    if s.array.dtype != x.array.dtype:
        raise OpError(f"index_reduce: self ({x.array.dtype}) and source ({s.array.dtype}) must "
                      "have the same dtype; convert one first, e.g. source.to(input.dtype)")
    if x.ndim == 0:
        x1, d = OPS.reshape(x, (1,)), 0
    else:
        x1 = x
    want = x1.shape[:d] + (idx.size,) + x1.shape[d + 1:]
    if s.array.size != int(np.prod(want)) or (x.ndim and s.shape != want):
        raise OpError(f"index_reduce: source of shape {s.shape} does not fit: expected {want} "
                      f"for index of {idx.size} entries into dim {d} of {x.shape}")
    s = OPS.reshape(s, want)
    shape = [1] * len(want)
    shape[d] = idx.size
    spread = np.broadcast_to(idx.reshape(shape) % max(x1.shape[d], 1), want)
    out = OPS.scatter_reduce(x1, d, np.ascontiguousarray(spread), s, reduce,
                             include_self=include_self)
    return OPS.reshape(out, ()) if x.ndim == 0 else out


def _placed(x: Tensor, src: Tensor, index: tuple, op: str) -> Tensor:
    """``x`` with ``src`` written at ``index`` (the places a view of ``x`` reads)."""
    mask = np.zeros(x.shape, bool)
    mask[index] = True
    want = np.zeros(x.shape, bool)[index].shape
    if src.shape != want:
        raise OpError(f"{op}: expected src to have a size equal to the slice of self. src "
                      f"size = {list(src.shape)}, slice size = {list(want)}")
    if src.array.dtype != x.array.dtype:
        src = OPS.cast(src, x.array.dtype) if src.requires_grad else \
            Tensor._make(src.array.astype(x.array.dtype))
    spread = ScatterAdd.apply(src, x.shape, index, True)
    return OPS.where(mask, spread, x)


@register(method=True)
def diagonal_scatter(input: Any, src: Any, offset: int = 0, dim1: int = 0,  # noqa: A002
                     dim2: int = 1) -> Tensor:
    """``input`` with ``src`` written on the diagonal ``diagonal(input, offset, dim1, dim2)``
    reads; differentiable in both.

    Args:
        input: the tensor written into (copied).
        src: the values, of the diagonal's shape.
        offset, dim1, dim2: which diagonal, as :func:`diagonal`.

    Example:
        >>> import autograd as ag
        >>> ag.diagonal_scatter(ag.zeros(2, 2), ag.ones(2)).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    x = tensor_arg(input, "diagonal_scatter")
    s = tensor_arg(src, "diagonal_scatter", "src")
    if x.ndim < 2:
        raise OpError(f"diagonal_scatter: input must have at least 2 dims, got shape {x.shape}")
    a, b = _two_dims(x.ndim, dim1, dim2, "diagonal_scatter")
    return _placed(x, s, _diag_positions(x.shape, int(offset), a, b), "diagonal_scatter")


@register(method=True)
def select_scatter(input: Any, src: Any, dim: int, index: int) -> Tensor:  # noqa: A002
    """``input`` with ``src`` written where ``input.select(dim, index)`` reads.

    Args:
        input: the tensor written into (copied).
        src: the values, of ``input``'s shape without ``dim``.
        dim, index: the slice, as :func:`select`.

    Example:
        >>> import autograd as ag
        >>> ag.select_scatter(ag.zeros(2, 2), ag.ones(2), 0, 1).tolist()
        [[0.0, 0.0], [1.0, 1.0]]
    """
    x = tensor_arg(input, "select_scatter")
    s = tensor_arg(src, "select_scatter", "src")
    d = norm_dim(dim, x.ndim, "select_scatter")
    n = x.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select_scatter: index {index} out of range for tensor of size "
                         f"{list(x.shape)} at dimension {d}")
    return _placed(x, s, (slice(None),) * d + (int(index) % n,), "select_scatter")


@register(method=True)
def slice_scatter(input: Any, src: Any, dim: int = 0, start: int | None = None,  # noqa: A002
                  end: int | None = None, step: int = 1) -> Tensor:
    """``input`` with ``src`` written where ``input[.., start:end:step, ..]`` (along ``dim``)
    reads.

    Args:
        input: the tensor written into (copied).
        src: the values, of the slice's shape.
        dim, start, end, step: the slice (``step`` positive).

    Example:
        >>> import autograd as ag
        >>> ag.slice_scatter(ag.zeros(3), ag.ones(2), start=1).tolist()
        [0.0, 1.0, 1.0]
    """
    x = tensor_arg(input, "slice_scatter")
    s = tensor_arg(src, "slice_scatter", "src")
    d = norm_dim(dim, x.ndim, "slice_scatter")
    if step <= 0:
        raise OpError(f"slice_scatter: slice step must be positive, got {step}")
    return _placed(x, s, (slice(None),) * d + (slice(start, end, step),), "slice_scatter")


def _torch_mode_index(row: list) -> int:
    """PyTorch's CPU mode of one row: sort ``(value, index)`` pairs with ``std::sort``, then
    take the last pair of the first longest run of equal values."""
    pairs = std_sort([(v, i) for i, v in enumerate(row)])
    best, run, pick = 0, 0, 0
    for k, (v, i) in enumerate(pairs):
        run += 1
        if k == len(pairs) - 1 or v != pairs[k + 1][0]:
            if run > best:
                best, pick = run, i
            run = 0
    return pick


def _mode_index(arr: np.ndarray) -> np.ndarray:
    """Per row of a 2-D array: the index PyTorch reports for its smallest most frequent value
    (the last occurrence, as up to 16 elements, where the sort is stable; beyond that, or with
    NaN, wherever ``std::sort`` left the run's last element; rows longer than ``EXACT_LIMIT``
    report the last occurrence)."""
    m, n = arr.shape
    exact = n > 16 or (arr.dtype.kind == "f" and bool(np.isnan(arr).any()))
    if exact and n <= EXACT_LIMIT:  # longer rows: the last occurrence (Python work is slow)
        rows = arr.tolist()
        return np.array([[_torch_mode_index(r)] for r in rows], np.int64).reshape(m, 1)
    srt = order(arr, 1)
    vals = np.take_along_axis(arr, srt, 1)
    same = (vals[:, 1:] == vals[:, :-1]) | (np.isnan(vals[:, 1:]) & np.isnan(vals[:, :-1])) \
        if arr.dtype.kind == "f" else vals[:, 1:] == vals[:, :-1]
    starts = np.ones((m, n), bool)
    starts[:, 1:] = ~same
    run = np.cumsum(starts, 1) - 1
    counts = np.zeros((m, n), np.int64)
    np.add.at(counts, (np.arange(m)[:, None], run), 1)
    best = np.argmax(counts, 1)  # the first longest run: the smallest value
    end = np.take_along_axis(np.cumsum(counts, 1), best[:, None], 1) - 1
    return np.take_along_axis(srt, end, 1)  # (m, 1)


class ModePick(Pick):
    """mode's value: read at the index it reports."""

    symbol = staticmethod(lambda args: "mode")  # type: ignore[assignment]


@register(method=True)
def mode(input: Any, dim: int = -1, keepdim: bool = False) -> Mode:  # noqa: A002
    """The most frequent value along ``dim`` (the smallest of equally frequent ones) and the
    index of one occurrence, the one PyTorch's CPU kernel reports (the last, for up to 16
    elements; for rows longer than 100,000, the last too); the value's gradient goes there.

    Args:
        input: the tensor.
        dim: the dim to look along.
        keepdim: keep ``dim`` as size 1.

    Returns:
        ``(values, indices)``.

    Example:
        >>> import autograd as ag
        >>> ag.mode(ag.tensor([3.0, 1.0, 3.0, 1.0, 2.0]))
        Mode(values=tensor(1.), indices=tensor(3))
    """
    x = tensor_arg(input, "mode")
    if x.ndim == 0:
        return Mode(OPS.mul(x, 1), Tensor._make(np.zeros((), np.int64)))
    d = norm_dim(dim, x.ndim, "mode")
    if x.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size "
                         f"(shape {x.shape})")
    moved = np.moveaxis(x.array, d, -1)
    flat = moved.reshape(-1, x.shape[d])
    idx = np.moveaxis(_mode_index(flat).reshape(moved.shape[:-1] + (1,)), -1, d)
    values = ModePick.apply(x, along_positions(x.shape, idx, d, "mode"), False)
    if not keepdim:
        values, idx = OPS.squeeze(values, d), np.squeeze(idx, d)
    return Mode(values, Tensor._make(idx.astype(np.int64)))
