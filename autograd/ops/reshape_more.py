"""More shape ops: flip, roll, rot90, repeat, tile, repeat_interleave, movedim, narrow,
unflatten, Tensor.unfold, chunk, tensor_split, swapaxes, the ``*_as`` forms, meshgrid and
broadcast_tensors.

flip and roll are Functions of their own (each is its own backward, mirrored); the rest are
built from reshape, permute, expand, getitem and split, so their gradients are those ops'.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..errors import OpError
from ..function import Function
from ..registry import register
from ..tensor import Tensor
from ._common import norm_dim, tensor_arg
from ._notation import Derivative
from .index import getitem
from .shape import expand, permute, reshape, split, transpose


def _dims(dims: Any, ndim: int, op: str) -> tuple:
    items = dims if isinstance(dims, (tuple, list)) else (dims,)
    out = tuple(norm_dim(d, ndim, op) for d in items)
    if len(set(out)) != len(out):
        raise RuntimeError(f"{op}: dims {tuple(items)} name a dim more than once")
    return out


def _int(v: Any, op: str, what: str) -> int:
    if isinstance(v, Tensor) and v.array.size == 1 and v.array.dtype.kind in "iu":
        return int(v.array.reshape(()))
    if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
        raise TypeError(f"{op}: {what} must be an int, got {v!r}")
    return int(v)


class Flip(Function):
    symbol = "flip"
    derivative = Derivative("∂L/∂x = G flipped back")

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.flip(x, dims).copy()

    @staticmethod
    def backward(ctx, grad):
        return Flip.apply(grad, ctx.dims), None


@register(method=True)
def flip(x: Tensor, dims: Any) -> Tensor:
    """Reverse the order of elements along ``dims``.

    Example:
        >>> import autograd as ag
        >>> ag.flip(ag.tensor([[1, 2], [3, 4]]), [1])
        tensor([[2, 1],
                [4, 3]])
    """
    x = tensor_arg(x, "flip")
    return Flip.apply(x, _dims(dims, x.ndim, "flip"))


@register(method=True)
def fliplr(x: Tensor) -> Tensor:
    """Flip left-right: reverse dim 1 (the tensor needs at least 2 dims)."""
    x = tensor_arg(x, "fliplr")
    if x.ndim < 2:
        raise RuntimeError(f"fliplr: input must have at least 2 dims, got shape {x.shape}")
    return Flip.apply(x, (1,))


@register(method=True)
def flipud(x: Tensor) -> Tensor:
    """Flip up-down: reverse dim 0 (the tensor needs at least 1 dim)."""
    x = tensor_arg(x, "flipud")
    if x.ndim < 1:
        raise RuntimeError(f"flipud: input must have at least 1 dim, got shape {x.shape}")
    return Flip.apply(x, (0,))


class Roll(Function):
    symbol = "roll"
    derivative = Derivative("∂L/∂x = G rolled back")

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(x, shifts, dims)

    @staticmethod
    def backward(ctx, grad):
        return Roll.apply(grad, tuple(-s for s in ctx.shifts), ctx.dims), None, None


@register(method=True)
def roll(x: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements along ``dims`` by ``shifts``, wrapping around (flattened when no dims).

    Example:
        >>> import autograd as ag
        >>> ag.roll(ag.tensor([1, 2, 3, 4]), 1)
        tensor([4, 1, 2, 3])
    """
    x = tensor_arg(x, "roll")
    sh = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
    sh = tuple(_int(s, "roll", "shifts") for s in sh)
    if dims is None:
        if len(sh) != 1:
            raise RuntimeError(f"roll: shifts {sh} need as many dims, got none")
        return reshape(Roll.apply(reshape(x, (-1,)), sh, (0,)), x.shape)
    ds = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    if len(ds) != len(sh):
        raise RuntimeError(f"roll: shifts {sh} and dims {ds} must have the same length")
    return Roll.apply(x, sh, tuple(norm_dim(d, x.ndim, "roll") for d in ds))


@register(method=True)
def rot90(x: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """Rotate by 90° ``k`` times in the plane of ``dims``, from the first towards the second."""
    x = tensor_arg(x, "rot90")
    if len(dims) != 2:
        raise RuntimeError(f"rot90: dims must name 2 dims, got {tuple(dims)}")
    a, b = _dims(dims, x.ndim, "rot90")
    k = _int(k, "rot90", "k") % 4
    if k == 1:
        return transpose(Flip.apply(x, (b,)), a, b)
    if k == 2:
        return Flip.apply(x, (a, b))
    if k == 3:
        return Flip.apply(transpose(x, a, b), (b,))
    return x


def _sizes_arg(sizes: tuple) -> tuple:
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        return tuple(sizes[0])
    return tuple(sizes)


@register(method=True)
def repeat(x: Tensor, *sizes: Any) -> Tensor:
    """Tile ``x``: ``sizes`` copies along each dim (extra leading sizes add dims).

    Example:
        >>> import autograd as ag
        >>> ag.tensor([1, 2]).repeat(2, 2)
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """
    x = tensor_arg(x, "repeat")
    reps = tuple(_int(r, "repeat", "a repeat count") for r in _sizes_arg(sizes))
    if len(reps) < x.ndim:
        raise RuntimeError(f"repeat: {len(reps)} repeat counts {reps} for a tensor of "
                           f"{x.ndim} dims; give at least one per dim")
    if any(r < 0 for r in reps):
        raise RuntimeError(f"repeat: repeat counts must be non-negative, got {reps}")
    shape = (1,) * (len(reps) - x.ndim) + x.shape
    inter = tuple(v for s in shape for v in (1, s))  # (1, s0, 1, s1, ...)
    big = tuple(v for r, s in zip(reps, shape) for v in (r, s))
    out = expand(reshape(x, inter), big)
    return reshape(out, tuple(r * s for r, s in zip(reps, shape)))


@register(method=True)
def tile(x: Tensor, dims: Sequence[int]) -> Tensor:
    """Repeat ``x`` as :func:`repeat`, with ones prepended when ``dims`` is short."""
    x = tensor_arg(x, "tile")
    dims = tuple(dims)
    return repeat(x, (1,) * (x.ndim - len(dims)) + dims)


@register(method=True)
def repeat_interleave(x: Tensor, repeats: Any, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """Repeat each element ``repeats`` times (an int, or one count per element) along ``dim``.

    Example:
        >>> import autograd as ag
        >>> ag.repeat_interleave(ag.tensor([1, 2]), ag.tensor([1, 3]))
        tensor([1, 2, 2, 2])
    """
    x = tensor_arg(x, "repeat_interleave")
    if dim is None:
        x, d = reshape(x, (-1,)), 0
    else:
        d = norm_dim(dim, x.ndim, "repeat_interleave")
    n = x.shape[d] if x.ndim else 1
    reps = np.asarray(repeats.array if isinstance(repeats, Tensor) else repeats)
    if reps.dtype.kind not in "iu" or reps.ndim > 1 or (reps.ndim == 1 and
                                                        reps.size not in (1, n)):
        raise RuntimeError(f"repeat_interleave: repeats must be an int or a 1-D integer "
                           f"tensor of {n} counts, got {repeats!r}")
    if (reps < 0).any():
        raise RuntimeError(f"repeat_interleave: repeats must be non-negative, got {reps}")
    index = np.repeat(np.arange(n), np.broadcast_to(reps.reshape(-1), (n,)))
    return getitem(x, (slice(None),) * d + (index,))


@register(method=True)
def movedim(x: Tensor, source: Any, destination: Any) -> Tensor:
    """Move dims ``source`` to positions ``destination``, the others keeping their order."""
    x = tensor_arg(x, "movedim")
    src = _dims(source, x.ndim, "movedim")
    dst = _dims(destination, x.ndim, "movedim")
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: source {source} and destination {destination} must "
                           "have the same number of dims")
    order = [d for d in range(x.ndim) if d not in src]
    for s, t in sorted(zip(dst, src)):
        order.insert(s, t)
    return permute(x, tuple(order)) if x.ndim else x


@register(method=True)
def moveaxis(x: Tensor, source: Any, destination: Any) -> Tensor:
    """Alias of :func:`movedim` (numpy's name)."""
    x = tensor_arg(x, "moveaxis")
    return movedim(x, source, destination)


@register(method=True)
def swapaxes(x: Tensor, axis0: int, axis1: int) -> Tensor:
    """Alias of :func:`transpose` (numpy's name)."""
    x = tensor_arg(x, "swapaxes")
    return transpose(x, axis0, axis1)


@register(method=True)
def swapdims(x: Tensor, dim0: int, dim1: int) -> Tensor:
    """Alias of :func:`transpose`."""
    x = tensor_arg(x, "swapdims")
    return transpose(x, dim0, dim1)


@register(method=True)
def narrow(x: Tensor, dim: int, start: Any, length: int) -> Tensor:
    """The slice ``start : start + length`` of ``dim`` (a view; ``start`` may be negative)."""
    x = tensor_arg(x, "narrow")
    d = norm_dim(dim, x.ndim, "narrow")
    n = x.shape[d]
    s, ln = _int(start, "narrow", "start"), _int(length, "narrow", "length")
    s = s + n if -n <= s < 0 else s
    if not 0 <= s <= n or ln < 0 or s + ln > n:
        raise IndexError(f"narrow: start {start} and length {length} are out of range for "
                         f"dim {d} of size {n} (shape {x.shape})")
    return getitem(x, (slice(None),) * d + (slice(s, s + ln),))


@register(method=True)
def unflatten(x: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dim ``dim`` into ``sizes`` (one may be -1)."""
    x = tensor_arg(x, "unflatten")
    d = norm_dim(dim, x.ndim, "unflatten")
    sizes = tuple(sizes)
    known = int(np.prod([s for s in sizes if s != -1]))
    if not sizes or sizes.count(-1) > 1 or (-1 not in sizes and known != x.shape[d]) or (
            -1 in sizes and (known == 0 or x.shape[d] % known)):
        raise RuntimeError(f"unflatten: sizes {sizes} do not multiply to the size "
                           f"{x.shape[d]} of dim {d} (shape {x.shape})")
    if -1 in sizes:
        sizes = tuple(x.shape[d] // known if s == -1 else s for s in sizes)
    return reshape(x, x.shape[:d] + sizes + x.shape[d + 1:])


@register("unfold_dim", method="unfold")
def unfold_dim(x: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """Every window of ``size`` elements along ``dimension``, ``step`` apart (``Tensor.unfold``).

    The windows replace ``dimension``; each window's elements form a new last dim.

    Example:
        >>> import autograd as ag
        >>> ag.arange(5.0).unfold(0, 2, 2)
        tensor([[0., 1.],
                [2., 3.]])
    """
    op = "Tensor.unfold (unfold_dim)"
    x = tensor_arg(x, op)
    d = norm_dim(dimension, x.ndim, op)
    n = x.shape[d] if x.ndim else 1
    if size < 0 or size > n or step <= 0:
        raise RuntimeError(f"{op}: size {size} must be in [0, {n}] (the size of dim {d}) "
                           f"and step {step} positive")
    if x.ndim == 0:
        return reshape(x, (1,))
    starts = np.arange(0, n - size + 1, step)
    index = starts[:, None] + np.arange(size)[None, :]  # (windows, size)
    out = getitem(movedim(x, d, -1), (Ellipsis, index))  # (..., windows, size)
    return movedim(out, -2, d)


@register(method=True)
def chunk(x: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Split into ``chunks`` pieces of equal size (the last may be smaller, or fewer pieces)."""
    x = tensor_arg(x, "chunk")
    chunks = _int(chunks, "chunk", "chunks")
    if chunks <= 0:
        raise RuntimeError(f"chunk: chunks must be positive, got {chunks}")
    d = norm_dim(dim, x.ndim, "chunk")
    size = max(-(-x.shape[d] // chunks), 1)
    return tuple(split(x, size, d))


@register(method=True)
def tensor_split(x: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple:
    """Split into n nearly equal pieces (an int) or at the given indices (a list), as numpy's
    ``array_split``: the first ``size % n`` pieces are one longer."""
    x = tensor_arg(x, "tensor_split")
    d = norm_dim(dim, x.ndim, "tensor_split")
    n = x.shape[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        ios = ios.array.tolist() if ios.ndim else int(ios.array)
    if isinstance(ios, (int, np.integer)):
        k = int(ios)
        if k <= 0:
            raise RuntimeError(f"tensor_split: number of sections must be positive, got {k}")
        sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
        bounds = [0, *np.cumsum(sizes).tolist()]
    else:
        bounds = [0, *[min(max(int(i) + (n if i < 0 else 0), 0), n) for i in ios], n]
    return tuple(getitem(x, (slice(None),) * d + (slice(bounds[j], bounds[j + 1]),))
                 for j in range(len(bounds) - 1))


@register(method=True)
def expand_as(x: Tensor, other: Tensor) -> Tensor:
    """``x`` broadcast to ``other``'s shape."""
    x = tensor_arg(x, "expand_as")
    return expand(x, tensor_arg(other, "expand_as", "other").shape)


@register(method=True)
def view_as(x: Tensor, other: Tensor) -> Tensor:
    """``x`` viewed with ``other``'s shape."""
    x = tensor_arg(x, "view_as")
    return reshape(x, tensor_arg(other, "view_as", "other").shape)


@register(method=True)
def reshape_as(x: Tensor, other: Tensor) -> Tensor:
    """``x`` reshaped to ``other``'s shape."""
    x = tensor_arg(x, "reshape_as")
    return reshape(x, tensor_arg(other, "reshape_as", "other").shape)


@register()
def broadcast_tensors(*tensors: Any) -> tuple:
    """All tensors broadcast to their common shape.

    Example:
        >>> import autograd as ag
        >>> [t.shape for t in ag.broadcast_tensors(ag.ones(3, 1), ag.ones(4))]
        [(3, 4), (3, 4)]
    """
    ts = [tensor_arg(t, "broadcast_tensors") for t in tensors]
    try:
        shape = np.broadcast_shapes(*[t.shape for t in ts])
    except ValueError:
        raise RuntimeError("broadcast_tensors: shapes " + ", ".join(str(t.shape) for t in ts)
                           + " cannot be broadcast together") from None
    return tuple(expand(t, shape) for t in ts)


@register()
def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple:
    """Coordinate grids from 1-D tensors; ``indexing='ij'`` (matrix) or ``'xy'`` (Cartesian).

    Example:
        >>> import autograd as ag
        >>> [g.shape for g in ag.meshgrid(ag.ones(2), ag.ones(3), indexing="xy")]
        [(3, 2), (3, 2)]
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    ts = [tensor_arg(t, "meshgrid") for t in tensors]
    if indexing not in ("ij", "xy"):
        raise OpError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    for k, t in enumerate(ts):
        if t.ndim > 1:
            raise RuntimeError(f"meshgrid: expects 0-d or 1-D tensors, tensor {k} has shape "
                               f"{t.shape}")
    ts = [reshape(t, (-1,)) for t in ts]
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t.shape[0] for t in ts)
    grids = [expand(reshape(t, (1,) * k + (-1,) + (1,) * (len(ts) - k - 1)), shape)
             for k, t in enumerate(ts)]
    if swap:  # 'xy': the first two inputs vary along dims 1 and 0
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)
