"""Storage, strides and ``as_strided``: PyTorch's memory model read off numpy arrays.

A tensor's *storage* here is the memory of the numpy array its array is a view of (the
root of the ``.base`` chain), read as a flat array of the tensor's dtype. Strides and the
storage offset are counted in elements, as PyTorch counts them, so a transpose, a slice or
an ``expand`` (stride 0) report what PyTorch reports wherever this engine's result is a real
numpy view (basic indexing, ``t()``, ``permute``, ``expand``, ``squeeze``/``unsqueeze``).
Where an op copies here but views in PyTorch, the copy is contiguous with offset 0.

Example:
    >>> import autograd as ag
    >>> x = ag.arange(6.0).reshape(2, 3)
    >>> x.t().stride(), x[:, 1:].storage_offset(), x.as_strided((2, 2), (1, 1)).tolist()
    ((1, 3), 1, [[0.0, 1.0], [1.0, 2.0]])
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from .errors import OpError
from .function import Function, share_version
from .registry import OPS as _ops
from .tensor import Tensor


def storage_of(arr: np.ndarray) -> tuple[np.ndarray, int]:
    """``(storage, offset)``: the flat memory ``arr`` lives in, as ``arr``'s dtype, and the
    position of ``arr``'s first element in it (in elements).

    Example:
        >>> import numpy as np
        >>> base = np.arange(6.0)
        >>> st, off = storage_of(base[2:4])
        >>> st.shape, off
        ((6,), 2)
    """
    root = arr
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not (root.flags.c_contiguous or root.flags.f_contiguous):
        root = arr  # memory numpy does not describe as one block: the array is its own storage
        if not (root.flags.c_contiguous or root.flags.f_contiguous):
            return np.ascontiguousarray(arr).reshape(-1), 0
    flat = root.reshape(-1, order="A")  # a view, in memory order
    size = root.nbytes // arr.itemsize
    storage = flat.view(np.uint8)[:size * arr.itemsize].view(arr.dtype)
    offset = (arr.__array_interface__["data"][0] - root.__array_interface__["data"][0])
    return storage, offset // arr.itemsize


def element_strides(arr: np.ndarray) -> tuple[int, ...]:
    """``arr``'s strides in elements (PyTorch's ``stride()``).

    A size-1 dim numpy inserted (``x[None]``, stride 0) gets PyTorch's stride for it: the
    next dim's stride times its size (1 for the last dim).
    """
    strides = [s // arr.itemsize for s in arr.strides]
    inner = 1
    for d in range(arr.ndim - 1, -1, -1):
        if arr.shape[d] == 1 and strides[d] == 0:
            strides[d] = inner
        inner = strides[d] * arr.shape[d] if arr.shape[d] != 1 else strides[d]
    return tuple(strides)


def overlaps(size: Sequence[int], stride: Sequence[int]) -> bool:
    """True when two elements of a ``(size, stride)`` geometry share a storage position."""
    dims = sorted((s, n) for n, s in zip(size, stride) if n > 1)
    if 0 in size or not dims:
        return False
    reach = 0  # the furthest position the smaller-stride dims reach
    for s, n in dims:
        if s <= reach:
            pos = positions(size, stride, 0)
            return bool(np.unique(pos).size < pos.size)
        reach += (n - 1) * s
    return False


def positions(size: Sequence[int], stride: Sequence[int], offset: int) -> np.ndarray:
    """The storage position of every element of a ``(size, stride, offset)`` geometry."""
    pos = np.full(tuple(size), offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[d] = n
        pos = pos + (np.arange(n, dtype=np.int64) * s).reshape(shape)
    return pos


def check_geometry(size: Sequence[int], stride: Sequence[int], offset: int, storage_size: int,
                   itemsize: int, op: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Validate a ``(size, stride, offset)`` against a storage, with PyTorch's errors."""
    size = tuple(int(n) for n in size)
    stride = tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise OpError(f"{op}: mismatch in length of strides and shape: size {list(size)} has "
                      f"{len(size)} dims, stride {list(stride)} has {len(stride)}")
    if any(n < 0 for n in size):
        raise OpError(f"{op}: sizes must be non-negative, got {list(size)}")
    if any(s < 0 for s in stride):
        raise OpError(f"{op}: Negative strides are not supported at the moment, got strides: "
                      f"{list(stride)}")
    if offset < 0:
        raise OpError(f"{op}: Tensor: invalid storage offset {offset}")
    if 0 not in size:
        need = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
        if need > storage_size:
            raise OpError(
                f"{op}: setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                f"{offset}, and itemsize {itemsize} requiring a storage size of "
                f"{need * itemsize} are out of bounds for storage of size "
                f"{storage_size * itemsize}")
    return size, stride


def strided_view(storage: np.ndarray, size: tuple, stride: tuple, offset: int) -> np.ndarray:
    """A numpy view of ``storage`` with element ``size``/``stride`` from ``offset``."""
    item = storage.itemsize
    if 0 in size:
        offset = 0
    # an ndarray over the storage array, so its .base chain leads back to the storage
    return np.ndarray(size, storage.dtype, buffer=storage, offset=offset * item,
                      strides=tuple(s * item for s in stride))


class AsStrided(Function):
    symbol = "as_strided"

    @staticmethod
    def forward(ctx, x, size, stride, offset):
        storage, x_off = storage_of(x)
        if offset is None:
            offset = x_off
        size, stride = check_geometry(size, stride, offset, storage.size, x.itemsize,
                                      "as_strided")
        if ctx.needs_input_grad[0]:
            ctx.n = storage.size
            ctx.out_pos = positions(size, stride, offset).reshape(-1)
            x_pos = positions(x.shape, element_strides(x), x_off)
            counts = np.bincount(x_pos.reshape(-1), minlength=storage.size)
            ctx.x_pos = x_pos
            # a position x holds k times gets 1/k of its gradient in each (PyTorch's rule)
            ctx.share = None if counts.max(initial=0) <= 1 else 1.0 / counts[x_pos]
        out = strided_view(storage, size, stride, offset)
        if overlaps(size, stride):  # several elements in one place: readable, not writable
            out.flags.writeable = False
        return out

    @staticmethod
    def backward(ctx, grad):
        dtype = grad.array.dtype
        # the output's gradient summed into storage positions, then read at x's positions
        per_position = _ops.index_add(Tensor._make(np.zeros(ctx.n, dtype)), 0,
                                      Tensor._make(ctx.out_pos), grad.reshape(-1))
        gx = per_position[ctx.x_pos]
        if ctx.share is not None:
            gx = gx * Tensor._make(ctx.share.astype(dtype))
        return gx, None, None, None


def as_strided(x: Tensor, size: Sequence[int], stride: Sequence[int],
               storage_offset: int | None = None) -> Tensor:
    """A view of ``x``'s storage with the given size, strides and offset (in elements).

    Differentiable as PyTorch's: the gradient of each output element goes to the element of
    ``x`` at the same storage position (summed where outputs overlap); storage outside ``x``
    gets none. An in-place write through the view reaches the shared memory and, when
    recording, gives the viewed tensor the history PyTorch gives it; a view with several
    elements in one memory location cannot be written (clone it first).

    Args:
        x: the tensor whose storage is viewed.
        size: the shape of the result.
        stride: the step, in elements, along each dim of the result.
        storage_offset: the first element's position in the storage (default: ``x``'s).

    Returns:
        a tensor sharing memory and version counter with ``x``.

    Example:
        >>> import autograd as ag
        >>> ag.as_strided(ag.arange(4.0), (3, 2), (1, 1))
        tensor([[0., 1.],
                [1., 2.],
                [2., 3.]])
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"as_strided: expected a Tensor, got {type(x).__name__}")
    out = AsStrided.apply(x, tuple(size), tuple(stride), storage_offset)
    if not out.requires_grad:
        return share_version(out, x)
    # described from the tensor x is a view of, if any (a view of y[1] may reach y[0])
    root = x._view[0] if x._view is not None else x
    src = _elements_of(root.array, out.array)
    if src is None:  # the view reads storage outside it: it can be re-taken, not written
        args = (tuple(size), tuple(stride), storage_offset)
        return share_version(out, x, lambda b: AsStrided.apply(b, *args), None)
    shape = out.shape
    where = Tensor._make(src)

    def view_fn(b: Tensor) -> Tensor:
        return _ops.reshape(_ops.reshape(b, (-1,))[where], shape)

    def put_back(b: Tensor, v: Tensor) -> Tensor:
        flat = _ops.index_put(_ops.reshape(b, (-1,)), where, _ops.reshape(v, (-1,)))
        return _ops.reshape(flat, b.shape)

    unique = np.unique(src).size == src.size  # each output element its own element
    return share_version(out, root, view_fn, put_back if unique else None)


def _elements_of(x: np.ndarray, out: np.ndarray) -> np.ndarray | None:
    """For each element of ``out`` (a view of ``x``'s storage), the flat index of the element
    of ``x`` at the same storage position; None when ``out`` reaches outside ``x``."""
    storage, x_off = storage_of(x)
    _, out_off = storage_of(out)
    x_pos = positions(x.shape, element_strides(x), x_off).reshape(-1)
    out_pos = positions(out.shape, element_strides(out), out_off).reshape(-1)
    owner = np.full(storage.size, -1, np.int64)
    owner[x_pos] = np.arange(x_pos.size)
    src = owner[out_pos]
    return None if (src < 0).any() else src


def empty_strided_array(size: Sequence[int], stride: Sequence[int], dtype: Any) -> np.ndarray:
    """A zero-filled array with element ``size`` and ``stride`` over fresh memory."""
    size = tuple(int(n) for n in size)
    need = 0 if 0 in size else 1 + sum((n - 1) * int(s) for n, s in zip(size, stride))
    storage = np.zeros(max(need, 0), dtype)
    size, stride_t = check_geometry(size, stride, 0, storage.size, storage.itemsize,
                                    "empty_strided")
    return strided_view(storage, size, stride_t, 0)


def resized(arr: np.ndarray, size: tuple) -> np.ndarray:
    """``arr``'s storage read as a contiguous ``size`` from ``arr``'s offset, grown (old
    contents kept, the rest zero) when too small: PyTorch's ``resize_``."""
    storage, offset = storage_of(arr)
    n = math.prod(size)
    if offset + n > storage.size:
        grown = np.zeros(offset + n, arr.dtype)
        grown[:storage.size] = storage
        storage = grown
    return storage[offset:offset + n].reshape(size)
