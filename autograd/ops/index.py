"""Indexing: ``x[index]`` (getitem) and ``x[index] = v`` (index_put).

Every numpy index kind works: ints, slices, None, Ellipsis, integer arrays and
boolean masks, alone or in a tuple. The gradient of getitem scatters back
into the input's shape, adding up where a fancy index repeats a position;
scattering and gathering are each other's backward, so double backward works.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import OpError
from ..function import Function, share_version
from ..registry import register
from ..tensor import Tensor
from ._common import tensor_arg
from ._notation import Derivative, index_symbol

_BASIC = (int, np.integer, slice, type(None), type(Ellipsis))


def _normalize(index: Any) -> tuple[Any, bool]:
    """Index with Tensors, lists and tuples inside it turned into arrays (a tuple inside the
    index tuple is an index array, as in PyTorch and numpy); True when it is basic (views,
    no repeats)."""
    items = index if isinstance(index, tuple) else (index,)
    out: list = []
    basic = True
    for it in items:
        if isinstance(it, Tensor):
            it = it.array
        if isinstance(it, (list, tuple, np.ndarray)):
            arr = _index_array(it)
            if arr.dtype == bool:
                out.append(arr)  # numpy checks the mask's shape against the indexed dims
            elif arr.dtype.kind in "iu" or arr.size == 0:
                out.append(arr.astype(np.intp))
            else:
                raise IndexError(f"getitem: index arrays must be integer or boolean, "
                                 f"got dtype {arr.dtype}")
            basic = False
        elif isinstance(it, (bool, np.bool_)):
            out.append(np.asarray(it))
            basic = False
        elif isinstance(it, slice):
            if it.step is not None and int(it.step) <= 0:
                raise OpError("getitem: step must be greater than zero, got slice step "
                                 f"{it.step} (flip the tensor with ag.flip instead)")
            out.append(it)
        elif isinstance(it, _BASIC):
            out.append(it)
        else:
            raise IndexError(f"getitem: unsupported index {it!r} of type {type(it).__name__}; "
                             "use ints, slices, None, Ellipsis, integer or boolean arrays")
    if not basic and any(isinstance(it, (int, np.integer)) for it in out):
        return _staged(tuple(out)), False
    return tuple(out), basic


def _plain(it: Any) -> Any:
    """A nested list or tuple with Tensors replaced by their arrays."""
    if isinstance(it, Tensor):
        return it.array
    if isinstance(it, (list, tuple)):
        return [_plain(v) for v in it]
    return it


def _index_array(it: Any) -> np.ndarray:
    """An index array from an array or a (nested) list or tuple, as PyTorch reads one: all
    bools make a mask, ints (bools among ints count as 0 and 1) an integer array."""
    if isinstance(it, np.ndarray):
        return it
    try:
        return np.asarray(_plain(it))
    except ValueError:
        raise IndexError(f"getitem: the nested index {it!r} is ragged; every list inside "
                         "an index must have the same length at each depth") from None


class Staged(tuple):
    """An index applied in two steps, as PyTorch does: the basic part (ints, slices,
    None, Ellipsis; arrays kept whole), then the arrays on what is left. So an int
    is a basic index even next to an index array: ``x[1, :, idx]`` is ``x[1][:, idx]``."""


def _staged(index: tuple) -> Staged:
    first: list = []
    second: list = []
    for it in index:
        if isinstance(it, np.ndarray):
            first.extend([slice(None)] * max(it.ndim if it.dtype == bool else 1, 1))
            second.append(it)
        elif it is Ellipsis:
            first.append(it)
            second.append(it)
        elif isinstance(it, (int, np.integer)):
            first.append(it)
        else:  # a slice or None keeps (or makes) one dim
            first.append(it)
            second.append(slice(None))
    return Staged((tuple(first), tuple(second)))


def _region(arr: np.ndarray, index: Any) -> tuple[np.ndarray, Any]:
    """The array and index the last step applies to (a view for a staged index)."""
    if isinstance(index, Staged):
        return arr[index[0]], index[1]
    return arr, index


def _masks_as_positions(index: tuple) -> tuple:
    """The index with each boolean mask replaced by its nonzero positions (for np.add.at)."""
    out: list = []
    for it in index:
        if isinstance(it, np.ndarray) and it.dtype == bool and it.ndim > 0:
            out.extend(np.nonzero(it))
        else:
            out.append(it)
    return tuple(out)


def _take(arr: np.ndarray, index: tuple, shape: tuple, op: str) -> np.ndarray:
    try:
        arr, index = _region(arr, index)
        return arr[index]
    except IndexError as e:
        raise IndexError(f"{op}: {e} (tensor of shape {shape})") from None


class Gather(Function):
    symbol = index_symbol  # x[0] draws as [0]
    derivative = Derivative("∂L/∂x = G put back at the indexed places, 0 elsewhere")

    @staticmethod
    def forward(ctx, x, index, basic):
        ctx.shape, ctx.index, ctx.basic = x.shape, index, basic
        return _take(x, index, x.shape, "getitem")

    @staticmethod
    def backward(ctx, grad):
        return ScatterAdd.apply(grad, ctx.shape, ctx.index, ctx.basic), None, None


class ScatterAdd(Function):
    """Add ``g`` into zeros of ``shape`` at ``index`` (getitem's backward)."""

    symbol = "scatter"
    derivative = Derivative("∂L/∂g = G[index]")

    @staticmethod
    def forward(ctx, g, shape, index, basic):
        ctx.index, ctx.basic = index, basic
        out = np.zeros(shape, g.dtype)
        if basic:
            out[index] = g
        else:
            region, index = _region(out, index)  # a view of out
            np.add.at(region, _masks_as_positions(index), g)  # repeated positions accumulate
        return out

    @staticmethod
    def backward(ctx, grad):
        return Gather.apply(grad, ctx.index, ctx.basic), None, None, None


@register(method="__getitem__")
def getitem(x: Tensor, index: Any) -> Tensor:
    """``x[index]`` for every numpy index kind; basic indexing returns a view.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> x[[0, 0, 2]].sum().backward()   # index 0 used twice
        >>> x.grad
        tensor([2., 0., 1.])
    """
    idx, basic = _normalize(index)
    out = Gather.apply(x, idx, basic)
    if not basic:
        return out
    return share_version(out, x, lambda b: Gather.apply(b, idx, True),
                         lambda b, v: index_put(b, idx, v))


class IndexPut(Function):
    symbol = "[ ]="
    derivative = Derivative("∂L/∂x = G, 0 at the overwritten places", "∂L/∂v = G[index]")
    broadcasts = True  # the value broadcasts into the indexed region

    @staticmethod
    def forward(ctx, x, v, index):
        ctx.index = index
        out = x.copy()
        try:
            region, last = _region(out, index)
            region[last] = v
        except IndexError as e:
            raise IndexError(f"index_put: {e} (tensor of shape {x.shape})") from None
        except ValueError:
            region = np.shape(_take(x, index, x.shape, "index_put"))
            raise OpError(f"index_put: value of shape {np.shape(v)} cannot be broadcast to "
                             f"the indexed region of shape {region}") from None
        return out

    @staticmethod
    def backward(ctx, grad):
        keep = np.ones(grad.shape, grad.array.dtype)
        region, last = _region(keep, ctx.index)
        region[last] = 0  # overwritten positions get no gradient
        return grad * Tensor._make(keep), Gather.apply(grad, ctx.index, False), None


@register(method=True)
def index_put(x: Tensor, index: Any, value: Any) -> Tensor:
    """A copy of ``x`` with ``x[index] = value`` (the out-of-place form of setitem)."""
    idx, _ = _normalize(index)
    v = tensor_arg(value, "index_put", "value")
    if v.array.dtype != x.array.dtype:
        v = v.to(x.array.dtype)  # written into x: x's dtype, as PyTorch's setitem
    return IndexPut.apply(x, v, idx)
