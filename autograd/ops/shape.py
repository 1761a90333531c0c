"""Shape ops: reshape, view, transpose, permute, squeeze, unsqueeze, expand,
flatten, cat, stack, split, pad.

Forward returns numpy views where numpy can; a view shares its base's
version counter, so modifying either in place is seen by saved tensors.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..errors import OpError, OpNotImplementedError
from ..function import Function, share_version
from ..registry import register
from ..tensor import Tensor
from ._common import norm_dim, tensor_arg
from ._notation import Derivative, permute_symbol


def _infer_shape(shape: tuple, size: int, op: str, src: tuple) -> tuple:
    shape = tuple(int(s) for s in shape)
    if shape.count(-1) > 1:
        raise OpError(f"{op}: only one dimension can be -1, got {shape}")
    known = math.prod(s for s in shape if s != -1)  # math.prod: np.prod costs ~40x on tuples
    if -1 in shape:
        if known == 0 or size % known:
            raise OpError(f"{op}: shape {shape} is invalid for input of shape {src} "
                             f"({size} elements)")
        shape = tuple(size // known if s == -1 else s for s in shape)
    if math.prod(shape) != size or any(s < 0 for s in shape):
        raise OpError(f"{op}: shape {shape} is invalid for input of shape {src} "
                         f"({size} elements)")
    return shape


class Reshape(Function):
    symbol = "reshape"
    derivative = Derivative("∂L/∂x = G reshaped to x's shape")

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape)

    @staticmethod
    def backward_arrays(ctx, grad):
        return grad.reshape(ctx.shape)


@register(method=True)
def reshape(x: Tensor, shape: Sequence[int]) -> Tensor:
    """``x`` with a new shape of the same size; one dim may be -1.

    Example:
        >>> import autograd as ag
        >>> ag.arange(6).reshape(2, -1).shape
        (2, 3)
    """
    shape = _infer_shape(tuple(shape), x.array.size, "reshape", x.shape)
    if shape == x.shape:
        return x
    out = Reshape.apply(x, shape)
    if not out.requires_grad:  # no history to keep for in-place writes through the view
        return share_version(out, x)
    return share_version(out, x, lambda b: reshape(b, shape), lambda b, v: reshape(v, b.shape))


@register(method=True)
def view(x: Tensor, shape: Sequence[int]) -> Tensor:
    """Same as :func:`reshape` (every array here can be viewed or copied); ``view(dtype)``
    reinterprets the bytes instead (see :func:`view_dtype`)."""
    if len(shape) == 1 and isinstance(shape[0], (type, np.dtype, str)):
        return view_dtype(x, shape[0])
    shape = _infer_shape(tuple(shape), x.array.size, "view", x.shape)
    out = Reshape.apply(x, shape)
    if not out.requires_grad:  # no history to keep for in-place writes through the view
        return share_version(out, x)
    return share_version(out, x, lambda b: reshape(b, shape), lambda b, v: reshape(v, b.shape))


def view_dtype(x: Tensor, dtype: Any) -> Tensor:
    """The same memory read as ``dtype`` (PyTorch's ``Tensor.view(dtype)``, a bitcast).

    With a different element size the last dim scales by the size ratio (float32 -> uint8
    makes it 4 times longer); it must then be contiguous and, for a larger element,
    divisible by the ratio. The result shares memory and version with ``x`` and never
    requires grad, as in PyTorch.

    Example:
        >>> import autograd as ag
        >>> ag.tensor([1.0]).view(ag.int32), ag.ones(2, 1).view(ag.uint8).shape
        (tensor([1065353216], dtype=int32), (2, 4))
    """
    x = tensor_arg(x, "view")
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"view: {dtype!r} is neither a shape nor a dtype") from None
    src = x.array
    where = f"view: cannot view a {src.dtype} tensor of shape {x.shape} as {dt}"
    if dt.itemsize != src.dtype.itemsize:
        if x.ndim == 0:
            raise OpError(f"{where}: a 0-d tensor cannot change its element size")
        if (x.shape[-1] * src.dtype.itemsize) % dt.itemsize:
            raise OpError(f"{where}: the last dim of size {x.shape[-1]} must be divisible by "
                          f"{dt.itemsize // src.dtype.itemsize} (different element sizes)")
        if x.shape[-1] > 1 and src.strides[-1] != src.dtype.itemsize:
            raise OpError(f"{where}: the last dim must be contiguous (stride 1) when the "
                          "element size changes; call .contiguous() first")
    out = Tensor._make(src.view(dt))
    return share_version(out, x)


@register(method=True)
def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim`` .. ``end_dim`` into one (a reshape)."""
    x = tensor_arg(x, "flatten")
    if x.ndim == 0:
        return reshape(x, (1,))
    s = norm_dim(start_dim, x.ndim, "flatten")
    e = norm_dim(end_dim, x.ndim, "flatten")
    if s > e:
        raise OpError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    shape = x.shape[:s] + (int(np.prod(x.shape[s:e + 1])),) + x.shape[e + 1:]
    return reshape(x, shape)


class Permute(Function):
    symbol = permute_symbol  # transpose when two dims swap
    derivative = Derivative("∂L/∂x = G with the dims put back")

    @staticmethod
    def forward(ctx, x, dims):
        ctx.inverse = tuple(np.argsort(dims))
        return np.transpose(x, dims)

    @staticmethod
    def backward(ctx, grad):
        return grad.permute(ctx.inverse)

    @staticmethod
    def backward_arrays(ctx, grad):
        return np.transpose(grad, ctx.inverse)


@register(method=True)
def permute(x: Tensor, dims: Sequence[int]) -> Tensor:
    """Reorder the dims of ``x``: output dim i is input dim ``dims[i]``."""
    nd = tuple(norm_dim(d, x.ndim, "permute") for d in dims) if x.ndim else tuple(dims)
    if sorted(nd) != list(range(x.ndim)):
        raise OpError(f"permute: dims {tuple(dims)} are not a permutation of the "
                         f"{x.ndim} dims of a tensor of shape {tuple(x.shape)}")
    out = Permute.apply(x, nd)
    if not out.requires_grad:
        return share_version(out, x)
    inv = tuple(int(i) for i in np.argsort(nd))
    return share_version(out, x, lambda b: Permute.apply(b, nd),
                         lambda b, v: Permute.apply(v, inv))


@register(method=True)
def transpose(x: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims of ``x``."""
    if x.ndim == 0:
        return x
    a, b = norm_dim(dim0, x.ndim, "transpose"), norm_dim(dim1, x.ndim, "transpose")
    dims = list(range(x.ndim))
    dims[a], dims[b] = dims[b], dims[a]
    swap = tuple(dims)  # its own inverse
    out = Permute.apply(x, swap)
    if not out.requires_grad:
        return share_version(out, x)
    return share_version(out, x, lambda b: Permute.apply(b, swap),
                         lambda b, v: Permute.apply(v, swap))


@register(method=True)
def squeeze(x: Tensor, dim: Any = None) -> Tensor:
    """Remove size-1 dims (all of them, or only those in ``dim``)."""
    x = tensor_arg(x, "squeeze")
    if dim is None:
        shape = tuple(s for s in x.shape if s != 1)
    else:
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        drop = {norm_dim(d, x.ndim, "squeeze") for d in dims}  # 0-d: only 0 and -1
        shape = tuple(s for i, s in enumerate(x.shape) if not (i in drop and s == 1))
    return reshape(x, shape)


@register(method=True)
def unsqueeze(x: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dim at ``dim`` (-1 appends)."""
    d = norm_dim(dim, x.ndim + 1, "unsqueeze")
    return reshape(x, x.shape[:d] + (1,) + x.shape[d:])


class Expand(Function):
    symbol = "expand"
    derivative = Derivative("∂L/∂x = G summed over the copies")
    broadcasts = True  # the engine sums the gradient back to the input's shape

    @staticmethod
    def forward(ctx, x, shape):
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad

    @staticmethod
    def backward_arrays(ctx, grad):
        return grad


@register(method=True, aliases=("broadcast_to",))
def expand(x: Tensor, shape: Sequence[int]) -> Tensor:
    """Broadcast ``x`` to ``shape`` without copying; -1 keeps a dim (``broadcast_to``)."""
    shape = tuple(shape)
    lead = len(shape) - x.ndim
    if lead < 0:
        raise OpError(f"expand: target shape {shape} has fewer dims than the tensor's "
                         f"{tuple(x.shape)}")
    full = tuple(x.shape[i - lead] if (s == -1 and i >= lead) else s
                 for i, s in enumerate(shape))
    if full == x.shape:
        return x
    for i, s in enumerate(x.shape):
        if s != 1 and s != full[lead + i]:
            raise OpError(f"expand: the tensor of shape {tuple(x.shape)} cannot be "
                             f"expanded to {shape} (dim {i} has size {s}, not 1)")
    return share_version(Expand.apply(x, full), x, lambda b: Expand.apply(b, full), None)


broadcast_to = expand


class Cat(Function):
    symbol = "cat"
    derivative = Derivative(None, others="∂L/∂xₖ = the k-th slice of G")

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        ctx.bounds = np.cumsum([x.shape[dim] for x in xs])[:-1]
        return np.concatenate(xs, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return (None,) + tuple(grad.split(_sizes(ctx.bounds, grad.shape[ctx.dim]), ctx.dim))


def _sizes(bounds: np.ndarray, total: int) -> list:
    edges = [0, *[int(b) for b in bounds], total]
    return [edges[i + 1] - edges[i] for i in range(len(edges) - 1)]


@register(aliases=("concat", "concatenate"))
def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dim (``concat``, ``concatenate``).

    Example:
        >>> import autograd as ag
        >>> ag.cat([ag.zeros(2, 3), ag.ones(1, 3)]).shape
        (3, 3)
    """
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    if not tensors:
        raise OpError("cat: expected a non-empty list of tensors")
    ref = tensors[0]
    d = norm_dim(dim, ref.ndim, "cat")
    for k, t in enumerate(tensors):
        if t.ndim != ref.ndim or any(a != b for i, (a, b) in enumerate(zip(t.shape, ref.shape))
                                     if i != d):
            raise OpError(f"cat: tensor {k} has shape {tuple(t.shape)}, which does not match "
                             f"{tuple(ref.shape)} outside dim {d}")
    dtype = np.result_type(*[t.array for t in tensors])
    tensors = [t.to(dtype) for t in tensors]
    return Cat.apply(d, *tensors)


concat = concatenate = cat


@register()
def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new dim."""
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    if not tensors:
        raise OpError("stack: expected a non-empty list of tensors")
    shape = tensors[0].shape
    for k, t in enumerate(tensors):
        if t.shape != shape:
            raise OpError(f"stack: tensor {k} has shape {tuple(t.shape)}, expected "
                             f"{tuple(shape)} like tensor 0")
    d = norm_dim(dim, len(shape) + 1, "stack")
    dtype = np.result_type(*[t.array for t in tensors])
    return Stack.apply(d, *[t.to(dtype) for t in tensors])


class Stack(Function):
    """Join along a new dim in one op (an unsqueeze per tensor and a cat would be n + 1)."""

    symbol = "stack"
    derivative = Derivative(None, others="∂L/∂xₖ = G[k]")

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        return np.stack(xs, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        n = grad.shape[ctx.dim]
        parts = grad.split(1, ctx.dim) if n > 1 else (grad,)
        return (None,) + tuple(p.squeeze(ctx.dim) for p in parts)


class Split(Function):
    symbol = "split"
    derivative = Derivative("∂L/∂x = cat(G₁, …, Gₙ)")

    @staticmethod
    def forward(ctx, x, sizes, dim):
        ctx.dim = dim
        edges = np.cumsum(sizes)[:-1]
        return tuple(np.split(x, edges, axis=dim))

    @staticmethod
    def backward(ctx, *grads):
        return cat(list(grads), ctx.dim), None, None


@register(method=True)
def split(x: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Split into chunks of a given size (last may be smaller) or of listed sizes.

    Example:
        >>> import autograd as ag
        >>> [t.shape for t in ag.arange(5.0).split(2)]
        [(2,), (2,), (1,)]
    """
    d = norm_dim(dim, x.ndim, "split")
    n = x.shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size <= 0:
            raise OpError(f"split: split_size must be positive, got {size}")
        sizes = [size] * (n // size) + ([n % size] if n % size else [])
        sizes = sizes or [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise OpError(f"split: sections {sizes} do not add up to size {n} of dim {d} "
                             f"of a tensor of shape {tuple(x.shape)}")
    if len(sizes) == 1:
        return (x,)
    return Split.apply(x, sizes, d)


class Pad(Function):
    symbol = "pad"
    derivative = Derivative("∂L/∂x = G without the padding")

    @staticmethod
    def forward(ctx, x, widths, value):
        ctx.slices = tuple(slice(lo, lo + s) for (lo, _), s in zip(widths, x.shape))
        return np.pad(x, widths, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.slices], None, None


@register(functional=True)
def pad(x: Tensor, pad: Sequence[int], mode: str = "constant",
        value: float | None = None) -> Tensor:
    """Pad (or, with negative pads, crop); ``pad`` lists (left, right) for the last dim first.

    ``mode`` is ``'constant'`` (fill with ``value``, default 0), ``'reflect'``,
    ``'replicate'`` or ``'circular'`` (see :mod:`autograd.ops.padding`), as F.pad.

    Example:
        >>> import autograd as ag
        >>> ag.pad(ag.ones(2, 2), (1, 1, 0, 2)).shape   # last dim +1+1, dim 0 +0+2
        (4, 4)
    """
    from .padding import MODES, pad_with_mode

    if mode not in MODES:
        raise OpNotImplementedError(f"pad: unrecognised padding mode {mode!r}; mode must be "
                                    f"one of {MODES}")
    pad = tuple(pad)
    for p in pad:
        if not isinstance(p, (int, np.integer)) or isinstance(p, bool):
            raise TypeError(f"pad: padding must be a tuple of ints, got {pad!r} (element of "
                            f"type {type(p).__name__})")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise OpError(f"pad: padding {pad} must have an even length of at most 2 * ndim "
                         f"({2 * x.ndim}) for a tensor of shape {tuple(x.shape)}")
    if mode != "constant" or any(p < 0 for p in pad):
        return pad_with_mode(x, pad, mode, value)
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return Pad.apply(x, widths, 0.0 if value is None else value)
