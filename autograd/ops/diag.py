"""Triangles and diagonals: tril, triu, diagonal, diag_embed, diag, trace.

``diagonal`` reads a diagonal and :class:`DiagonalScatter` writes one into zeros; each is the
other's backward, so second derivatives work. tril and triu keep a triangle and zero the rest
(their own backward, on the gradient).
"""
from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import register
from ..tensor import Tensor
from ._common import norm_dim, tensor_arg
from ._notation import Derivative


class Triangle(Function):
    symbol = staticmethod(lambda args: "triu" if args.get(2) else "tril")
    derivative = Derivative("∂L/∂x = G in the kept triangle, 0 elsewhere")

    @staticmethod
    def forward(ctx, x, k, upper):
        ctx.k, ctx.upper = k, upper
        return np.triu(x, k) if upper else np.tril(x, k)

    @staticmethod
    def backward(ctx, grad):
        return Triangle.apply(grad, ctx.k, ctx.upper), None, None


def _triangle(x: object, diagonal: int, upper: bool, op: str) -> Tensor:
    x = tensor_arg(x, op)
    if x.ndim < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dims, got shape {x.shape}")
    if not isinstance(diagonal, (int, np.integer)) or isinstance(diagonal, bool):
        raise TypeError(f"{op}: diagonal must be an int, got {diagonal!r}")
    return Triangle.apply(x, int(diagonal), upper)


@register(method=True)
def tril(x: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dims: entries on and below ``diagonal``, 0 above.

    Example:
        >>> import autograd as ag
        >>> ag.tril(ag.ones(2, 3))
        tensor([[1., 0., 0.],
                [1., 1., 0.]])
    """
    return _triangle(x, diagonal, False, "tril")


@register(method=True)
def triu(x: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dims: entries on and above ``diagonal``, 0 below."""
    return _triangle(x, diagonal, True, "triu")


def _diag_positions(shape: tuple, offset: int, d1: int, d2: int) -> tuple:
    """The index reaching diagonal ``offset`` of dims d1, d2 (diagonal dim last, as numpy)."""
    n1, n2 = shape[d1], shape[d2]
    m = max(0, min(n1 - max(-offset, 0), n2 - max(offset, 0)))
    r = np.arange(m) + max(-offset, 0)
    c = np.arange(m) + max(offset, 0)
    rest = [i for i in range(len(shape)) if i not in (d1, d2)]
    grids = np.ix_(*[np.arange(shape[i]) for i in rest], np.arange(m)) if rest else (
        np.arange(m),)
    index: list = [None] * len(shape)
    for g, i in zip(grids[:-1], rest):
        index[i] = g
    index[d1] = r[grids[-1]]
    index[d2] = c[grids[-1]]
    return tuple(index)


class Diagonal(Function):
    symbol = "diagonal"
    derivative = Derivative("∂L/∂x = G on the diagonal, 0 elsewhere")

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        ctx.shape, ctx.args = x.shape, (offset, d1, d2)
        return np.diagonal(x, offset, d1, d2).copy()

    @staticmethod
    def backward(ctx, grad):
        return (DiagonalScatter.apply(grad, ctx.shape, *ctx.args), None, None, None)


class DiagonalScatter(Function):
    """Zeros of ``shape`` with ``g`` written on a diagonal (diagonal's backward, diag_embed)."""

    symbol = "diag_embed"
    derivative = Derivative("∂L/∂g = the diagonal of G")

    @staticmethod
    def forward(ctx, g, shape, offset, d1, d2):
        ctx.args = (offset, d1, d2)
        out = np.zeros(shape, g.dtype)
        out[_diag_positions(shape, offset, d1, d2)] = g
        return out

    @staticmethod
    def backward(ctx, grad):
        return (Diagonal.apply(grad, *ctx.args), None, None, None, None)


def _two_dims(ndim: int, dim1: int, dim2: int, op: str) -> tuple[int, int]:
    a, b = norm_dim(dim1, ndim, op), norm_dim(dim2, ndim, op)
    if a == b:
        raise RuntimeError(f"{op}: dim1 and dim2 cannot be the same dim, got {dim1} and {dim2}")
    return a, b


@register(method=True)
def diagonal(x: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal ``offset`` of the matrices in dims ``dim1``, ``dim2``, as a last dim.

    Example:
        >>> import autograd as ag
        >>> ag.diagonal(ag.arange(9.0).reshape(3, 3), 1)
        tensor([1., 5.])
    """
    x = tensor_arg(x, "diagonal")
    if x.ndim < 2:
        raise RuntimeError(f"diagonal: input must have at least 2 dims, got shape {x.shape}")
    a, b = _two_dims(x.ndim, dim1, dim2, "diagonal")
    return Diagonal.apply(x, int(offset), a, b)


@register(method=True)
def diag_embed(x: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices with the last dim of ``x`` on diagonal ``offset`` of dims ``dim1``, ``dim2``.

    Example:
        >>> import autograd as ag
        >>> ag.diag_embed(ag.tensor([1.0, 2.0]))
        tensor([[1., 0.],
                [0., 2.]])
    """
    x = tensor_arg(x, "diag_embed")
    if x.ndim < 1:
        raise RuntimeError("diag_embed: input must have at least 1 dim, got a 0-d tensor")
    a, b = _two_dims(x.ndim + 1, dim1, dim2, "diag_embed")
    m = x.shape[-1] + abs(int(offset))
    rest = list(x.shape[:-1])
    shape = []
    for i in range(x.ndim + 1):
        shape.append(m if i in (a, b) else rest.pop(0))
    return DiagonalScatter.apply(x, tuple(shape), int(offset), a, b)


@register(method=True)
def diag(x: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D tensor on a diagonal of a square matrix, or the diagonal of a 2-D one."""
    x = tensor_arg(x, "diag")
    if x.ndim == 1:
        return diag_embed(x, diagonal, 0, 1)
    if x.ndim == 2:
        return Diagonal.apply(x, int(diagonal), 0, 1)
    raise RuntimeError(f"diag: input must be 1-D or 2-D, got shape {x.shape}")


@register(method=True)
def trace(x: Tensor) -> Tensor:
    """The sum of the main diagonal of a 2-D tensor.

    Example:
        >>> import autograd as ag
        >>> ag.trace(ag.arange(9.0).reshape(3, 3))
        tensor(12.)
    """
    x = tensor_arg(x, "trace")
    if x.ndim != 2:
        raise RuntimeError(f"trace: expected a 2-D tensor, got shape {x.shape}")
    return Diagonal.apply(x, 0, 0, 1).sum()
