"""Writing by index: scatter, scatter_add, scatter_reduce, index_add, index_copy, index_fill,
masked_fill, masked_scatter.

Most are built on indexing's two Functions, so their gradients are PyTorch's: an overwritten
place passes no gradient to the input and the written value gets the gradient read back at its
place; an added value gets it read back (repeated positions each get it). ``scatter_reduce``
is a Function of its own: its backward depends on the reduction.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import OpError
from ..function import Function
from ..registry import register
from ..tensor import Tensor
from ._common import norm_dim, tensor_arg
from ._notation import Derivative
from .gather import along_positions, index_array
from .index import ScatterAdd, getitem, index_put
from .select import where


def _prepare(x: Any, dim: int, index: Any, src: Any, op: str) -> tuple:
    """The input, the positions of ``index`` along ``dim``, and ``src`` cut to index's shape."""
    x = tensor_arg(x, op)
    d = norm_dim(dim, x.ndim, op)
    idx = index_array(index, op)
    pos = along_positions(x.shape, idx, d, op)
    if src is None:
        return x, pos, None
    s = tensor_arg(src, op, "src")
    if s.ndim != idx.ndim or any(a > b for a, b in zip(idx.shape, s.shape)):
        raise OpError(f"{op}: src of shape {s.shape} must have as many dims as index "
                      f"of shape {idx.shape}, and be at least as large in each")
    _same_dtype(x, s, op, "src")
    if s.shape != idx.shape:
        s = getitem(s, tuple(slice(0, m) for m in idx.shape))
    return x, pos, s.reshape(pos[0].shape if x.ndim == 0 else idx.shape)


def _same_dtype(x: Tensor, s: Tensor, op: str, what: str) -> None:
    """PyTorch writes ``src`` into ``x`` only when their dtypes agree (no silent cast)."""
    if s.array.dtype != x.array.dtype:
        raise OpError(f"{op}: expected self and {what} to have the same dtype, got "
                      f"{x.array.dtype} and {s.array.dtype}; cast one with .to(...)")


def _flat0(x: Tensor) -> Tensor:
    return x.reshape((1,)) if x.ndim == 0 else x


@register(method=True)
def scatter(x: Tensor, dim: int, index: Any, src: Any = None, *, value: Any = None,
            reduce: str | None = None) -> Tensor:
    """A copy of ``x`` with ``src`` (or ``value``) written at ``index`` along ``dim``:
    ``out[i][index[i][j]] = src[i][j]`` for dim 1.

    ``reduce='add'`` or ``'multiply'`` combines instead of overwriting.

    Example:
        >>> import autograd as ag
        >>> ag.zeros(2, 3).scatter(1, ag.tensor([[2], [0]]), ag.tensor([[1.0], [2.0]]))
        tensor([[0., 0., 1.],
                [2., 0., 0.]])
    """
    if src is not None and not isinstance(src, Tensor) and value is None:
        src, value = None, src  # scatter(x, dim, index, 2.0): the value form
    if (src is None) == (value is None):
        raise TypeError("scatter: give exactly one of src (a tensor) and value (a number)")
    if reduce not in (None, "add", "multiply"):
        raise OpError(f"scatter: reduce must be 'add' or 'multiply', got {reduce!r}")
    if src is None:
        x0 = tensor_arg(x, "scatter")
        src = Tensor._make(np.full(np.shape(index_array(index, "scatter")), value,
                                   x0.array.dtype))
    if reduce is not None:
        how = "sum" if reduce == "add" else "prod"
        return scatter_reduce(x, dim, index, src, how)
    x, pos, s = _prepare(x, dim, index, src, "scatter")
    out = index_put(_flat0(x), pos, s)
    return out.reshape(()) if x.ndim == 0 else out


@register(method=True)
def scatter_add(x: Tensor, dim: int, index: Any, src: Any) -> Tensor:
    """``x`` with ``src`` added at ``index`` along ``dim``; repeated positions add up.

    Example:
        >>> import autograd as ag
        >>> ag.scatter_add(ag.zeros(3), 0, ag.tensor([0, 0, 2]), ag.tensor([1.0, 2.0, 5.0]))
        tensor([3., 0., 5.])
    """
    x, pos, s = _prepare(x, dim, index, src, "scatter_add")
    x1 = _flat0(x)
    out = x1 + ScatterAdd.apply(s, x1.shape, pos, False)
    return out.reshape(()) if x.ndim == 0 else out


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


class ScatterReduce(Function):
    symbol = staticmethod(lambda args: f"scatter_{args.get(3, 'reduce')}")
    derivative = Derivative("∂out/∂x = ∂reduce/∂x where x took part",
                            "∂out/∂src = ∂reduce/∂src at its place")

    @staticmethod
    def forward(ctx, x, src, pos, how, include_self):
        hit = np.zeros(x.shape, bool)
        hit[pos] = True
        ctx.pos, ctx.how, ctx.hit = pos, how, hit
        out = x.copy()
        if not include_self:
            start = {"sum": 0, "mean": 0, "prod": 1, "amax": -np.inf, "amin": np.inf}[how]
            if x.dtype.kind != "f" and how in ("amax", "amin"):
                info = np.iinfo(x.dtype) if x.dtype.kind in "iu" else None
                start = (info.min if how == "amax" else info.max) if info else start
            out[hit] = start
        ufunc = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
                 "amin": np.minimum}[how]
        ufunc.at(out, pos, src)
        self_in = np.ones(x.shape, bool) if include_self else ~hit
        ctx.self_in = self_in
        if how == "mean":
            count = self_in.astype(np.int64)
            np.add.at(count, pos, 1)
            ctx.count = np.maximum(count, 1)
            out = out / ctx.count if x.dtype.kind == "f" else out // ctx.count
            out = out.astype(x.dtype)
        ctx.save_for_backward(x, src, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, src, out = ctx.saved_tensors
        pos, keep = ctx.pos, Tensor._make(ctx.self_in.astype(grad.array.dtype))
        if ctx.how == "sum":
            return grad * keep, getitem(grad, pos), None, None, None
        if ctx.how == "mean":
            g = grad / Tensor._make(ctx.count.astype(grad.array.dtype))
            return g * keep, getitem(g, pos), None, None, None
        if ctx.how == "prod":
            return _prod_grads(grad, x, src, out, pos, ctx.self_in)
        # amax / amin: the gradient is shared evenly by the contributors equal to the result
        self_is = x.array == out.array  # counted even when left out, as PyTorch counts it
        src_is = src.array == out.array[pos]
        n = self_is.astype(np.int64)
        self_is &= ctx.self_in
        np.add.at(n, pos, src_is)
        g = grad / Tensor._make(np.maximum(n, 1).astype(grad.array.dtype))
        return (g * Tensor._make(self_is.astype(grad.array.dtype)),
                getitem(g, pos) * Tensor._make(src_is.astype(grad.array.dtype)), None, None, None)


def _prod_grads(grad: Tensor, x: Tensor, src: Tensor, out: Tensor, pos: tuple,
                self_in: np.ndarray) -> tuple:
    """Gradients of a scatter product: out / value without zeros, the product of the others
    where one contributor is 0, 0 where two are."""
    keep = Tensor._make(self_in.astype(grad.array.dtype))
    zeros = (x.array == 0) & self_in
    nz = zeros.astype(np.int64)
    np.add.at(nz, pos, src.array == 0)
    if not nz.any():
        return (grad * out / x * keep, getitem(grad * out, pos) / src, None, None, None)
    others = np.where(zeros, 1, x.array) * self_in + ~self_in  # product of the nonzeros
    np.multiply.at(others, pos, np.where(src.array == 0, 1, src.array))
    with np.errstate(divide="ignore", invalid="ignore"):
        d_self = np.where(nz == 0, out.array / np.where(x.array == 0, 1, x.array),
                          np.where((nz == 1) & zeros, others, 0)) * self_in
        nz_at, src0 = nz[pos], src.array == 0
        d_src = np.where(nz_at == 0, out.array[pos] / np.where(src0, 1, src.array),
                         np.where((nz_at == 1) & src0, others[pos], 0))
    dt = grad.array.dtype
    return (grad * Tensor._make(d_self.astype(dt)),
            getitem(grad, pos) * Tensor._make(d_src.astype(dt)), None, None, None)


@register(method=True)
def scatter_reduce(x: Tensor, dim: int, index: Any, src: Any, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """Combine ``src`` into ``x`` at ``index`` along ``dim`` with ``reduce``: 'sum', 'prod',
    'mean', 'amax' or 'amin'; ``include_self=False`` leaves ``x``'s own value out where
    something is scattered.

    Example:
        >>> import autograd as ag
        >>> ag.scatter_reduce(ag.zeros(2), 0, ag.tensor([0, 0, 1]), ag.tensor([1.0, 3.0, 5.0]),
        ...                   "amax", include_self=False)
        tensor([3., 5.])
    """
    if reduce not in _REDUCTIONS:
        raise OpError(f"scatter_reduce: reduce must be one of {_REDUCTIONS}, got {reduce!r}")
    x, pos, s = _prepare(x, dim, index, src, "scatter_reduce")
    out = ScatterReduce.apply(_flat0(x), s, pos, reduce, bool(include_self))
    return out.reshape(()) if x.ndim == 0 else out


def _dim_index(x: Tensor, dim: int, index: Any, op: str) -> tuple[int, np.ndarray, tuple]:
    d = norm_dim(dim, x.ndim, op)
    idx = index_array(index, op)
    if idx.ndim > 1:
        kind = OpError if op == "index_fill" else IndexError  # PyTorch's classes
        raise kind(f"{op}: index must be 0-d or 1-D, got shape {idx.shape}")
    idx = idx.reshape(-1)
    n = x.shape[d] if x.ndim else 1
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = idx.min() if idx.min() < -n else idx.max()
        raise IndexError(f"{op}: index {bad} is out of range for dim {d} of size {n}")
    return d, idx, (slice(None),) * d + (idx,)


def _source(x: Tensor, d: int, idx: np.ndarray, source: Any, op: str) -> Tensor:
    s = tensor_arg(source, op, "source")
    want = x.shape[:d] + (idx.size,) + x.shape[d + 1:] if x.ndim else (idx.size,)
    if s.shape != want and not (x.ndim == 0 and s.array.size == idx.size):
        raise OpError(f"{op}: source of shape {s.shape} does not fit: expected {want} "
                      f"for index of {idx.size} entries into dim {d} of {x.shape}")
    _same_dtype(x, s, op, "source")
    return s.reshape(want)


@register(method=True)
def index_add(x: Tensor, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
    """``x`` with ``alpha * source[k]`` added to slice ``index[k]`` of ``dim`` (repeats add).

    Example:
        >>> import autograd as ag
        >>> ag.index_add(ag.zeros(3), 0, ag.tensor([2, 2]), ag.tensor([1.0, 4.0]))
        tensor([0., 0., 5.])
    """
    x = tensor_arg(x, "index_add")
    d, idx, where_ = _dim_index(x, dim, index, "index_add")
    s = _source(x, d, idx, source, "index_add")
    x1 = _flat0(x)
    out = x1 + ScatterAdd.apply(s * alpha if alpha != 1 else s, x1.shape, where_, False)
    return out.reshape(()) if x.ndim == 0 else out


@register(method=True)
def index_copy(x: Tensor, dim: int, index: Any, source: Any) -> Tensor:
    """A copy of ``x`` with slice ``index[k]`` of ``dim`` replaced by ``source[k]``."""
    x = tensor_arg(x, "index_copy")
    if isinstance(index, Tensor) and index.array.dtype != np.int64:
        raise OpError(f"index_copy: expected an int64 (long) tensor for index, got dtype "
                      f"{index.array.dtype}")
    d, idx, where_ = _dim_index(x, dim, index, "index_copy")
    out = index_put(_flat0(x), where_, _source(x, d, idx, source, "index_copy"))
    return out.reshape(()) if x.ndim == 0 else out


def _value(x: Tensor, value: Any, op: str) -> Tensor:
    v = tensor_arg(value, op, "value")
    if v.ndim != 0:
        raise RuntimeError(f"{op}: value must be a number or a 0-d tensor, got shape {v.shape}")
    return v if v.array.dtype == x.array.dtype else v.to(x.array.dtype)


@register(method=True)
def index_fill(x: Tensor, dim: int, index: Any, value: Any) -> Tensor:
    """A copy of ``x`` with the slices ``index`` of ``dim`` filled with ``value``."""
    x = tensor_arg(x, "index_fill")
    _, _, where_ = _dim_index(x, dim, index, "index_fill")
    mask = np.zeros(x.shape if x.ndim else (1,), bool)
    mask[where_] = True
    return where(mask.reshape(x.shape), _value(x, value, "index_fill"), x)


@register(method=True)
def masked_fill(x: Tensor, mask: Any, value: Any) -> Tensor:
    """A copy of ``x`` with ``value`` where ``mask`` (broadcast to x's shape) is True.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0, 3.0])
        >>> x.masked_fill(x > 1.5, 0.0)
        tensor([1., 0., 0.])
    """
    x = tensor_arg(x, "masked_fill")
    m = _mask(x, mask, "masked_fill")
    return where(m, _value(x, value, "masked_fill"), x)


def _mask(x: Tensor, mask: Any, op: str) -> np.ndarray:
    m = np.asarray(mask.array if isinstance(mask, Tensor) else mask)
    if m.dtype != bool:
        raise RuntimeError(f"{op}: mask must be a bool tensor, got dtype {m.dtype}")
    try:
        return np.broadcast_to(m, x.shape)
    except ValueError:
        raise RuntimeError(f"{op}: mask of shape {m.shape} cannot be broadcast to the input's "
                           f"shape {x.shape}") from None


@register(method=True)
def masked_scatter(x: Tensor, mask: Any, source: Any) -> Tensor:
    """A copy of ``x`` with the places where ``mask`` is True filled, in order, by the first
    elements of ``source``."""
    x = tensor_arg(x, "masked_scatter")
    m = _mask(x, mask, "masked_scatter")
    s = tensor_arg(source, "masked_scatter", "source")
    n = int(m.sum())
    if s.array.size < n:
        raise RuntimeError(f"masked_scatter: source has {s.array.size} elements (shape "
                           f"{s.shape}) but the mask selects {n}")
    _same_dtype(x, s, "masked_scatter", "source")
    if x.ndim == 0:
        return where(m, s.reshape(-1)[0], x) if n else x
    return index_put(x, np.ascontiguousarray(m), s.reshape(-1)[:n])
