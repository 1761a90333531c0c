"""Norms: ``norm`` (``torch.norm``), ``linalg_vector_norm`` and ``linalg_matrix_norm``
(``ag.linalg.vector_norm`` / ``matrix_norm``).

The vector norm is one Function for every order: 2 (the default), 1, inf, -inf, 0 and any
other p. At a zero vector its gradient is 0, PyTorch's subgradient. Matrix norms are built
from it, from sums and amax/amin of absolute values, and from singular values.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from ..registry import register
from ..tensor import Tensor
from ._common import norm_dim, norm_dims, tensor_arg
from ._notation import Derivative
from .reduce import _check_nonempty, _kept_shape, _spread
from .reduce import sum as reduce_sum
from .reduce_more import amax, amin
from .reshape_more import movedim
from .select import where


class VectorNorm(Function):
    symbol = staticmethod(lambda args: f"‖x‖{_sub(args.get(1, 2))}")
    derivative = Derivative("∂‖x‖₂/∂x = x / ‖x‖₂")

    @staticmethod
    def forward(ctx, x, p, dims, keepdim):
        ctx.shape, ctx.dims, ctx.p = x.shape, dims, p
        a = np.abs(x)
        if p == math.inf:
            out = np.max(a, axis=dims, keepdims=True)
        elif p == -math.inf:
            out = np.min(a, axis=dims, keepdims=True)
        elif p == 0:
            out = np.sum(a != 0, axis=dims, keepdims=True).astype(x.dtype)
        elif p == 1:
            out = np.sum(a, axis=dims, keepdims=True)
        elif p == 2:
            out = np.sqrt(np.sum(a * a, axis=dims, keepdims=True))
        else:
            out = np.sum(a ** p, axis=dims, keepdims=True) ** (1.0 / p)
        out = out.astype(x.dtype, copy=False)
        if not keepdim:
            out = out.reshape(np.sum(x, axis=dims).shape)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        p, dims, shape = ctx.p, ctx.dims, ctx.shape
        g = _spread(grad, shape, dims)
        o = out.reshape(_kept_shape(shape, dims))
        dt = x.array.dtype
        sign = Tensor._make(np.sign(x.array).astype(dt))
        if p == 0:
            return g * 0.0, None, None, None
        if p == 1:
            return g * sign, None, None, None
        if p in (math.inf, -math.inf):
            a = np.abs(x.array)
            hit = a == o.array
            share = hit / np.maximum(hit.sum(axis=dims, keepdims=True), 1)  # ties share evenly
            return g * sign * Tensor._make(share.astype(dt)), None, None, None
        safe = where(o.array == 0, 1.0, o)  # a zero vector: gradient 0 (x is 0 there)
        if p == 2:
            return g * x / safe, None, None, None
        zero = x.array == 0
        xs = where(zero, 1.0, x)
        part = where(zero, 0.0, xs * xs.abs() ** (p - 2))  # sign(x)·|x|^(p-1)
        return g * part / safe ** (p - 1), None, None, None


def _sub(p: Any) -> str:
    text = {math.inf: "∞", -math.inf: "−∞"}.get(p, format(p, "g") if isinstance(
        p, (int, float)) else str(p))
    return text.translate(str.maketrans("0123456789-.∞", "₀₁₂₃₄₅₆₇₈₉₋.∞"))


def _floating(x: Any, op: str) -> Tensor:
    x = tensor_arg(x, op)
    if x.array.dtype.kind not in "fc":
        raise RuntimeError(f"{op}: expected a floating point tensor as input, got dtype "
                           f"{x.array.dtype}")
    return x


@register("linalg_vector_norm")
def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False,  # noqa: A002
                *, dtype: Any = None) -> Tensor:
    """The vector p-norm of ``x`` over ``dim`` (all elements when None): ``(Σ|x|^p)^(1/p)``,
    max |x| for inf, min |x| for -inf, the count of nonzeros for 0.

    Example:
        >>> import autograd as ag
        >>> ag.linalg.vector_norm(ag.tensor([3.0, -4.0])), ag.linalg.vector_norm(
        ...     ag.tensor([3.0, -4.0]), ord=float("inf"))
        (tensor(5.), tensor(4.))
    """
    x = _floating(x if dtype is None else tensor_arg(x, "linalg.vector_norm").to(dtype),
                  "linalg.vector_norm")
    if isinstance(ord, bool) or not isinstance(ord, (int, float)):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number, got {ord!r}")
    dims = norm_dims(dim, x.ndim, "linalg.vector_norm")
    if ord < 0 or ord == math.inf:
        _check_nonempty(x, dims, "linalg.vector_norm")
    return VectorNorm.apply(x, float(ord), dims, bool(keepdim))


_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


@register("linalg_matrix_norm")
def matrix_norm(A: Any, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False,  # noqa: A002, N803
                *, dtype: Any = None) -> Tensor:
    """The matrix norm of the matrices in dims ``dim``: ``'fro'`` (default), ``'nuc'``
    (sum of singular values), 1 / -1 (max / min column sum of |A|), inf / -inf (max / min row
    sum), 2 / -2 (largest / smallest singular value).

    Example:
        >>> import autograd as ag
        >>> ag.linalg.matrix_norm(ag.tensor([[1.0, -2.0], [3.0, 4.0]]), ord=1)
        tensor(6.)
    """
    op = "linalg.matrix_norm"
    a = _floating(A if dtype is None else tensor_arg(A, op).to(dtype), op)
    if ord not in _MATRIX_ORDS:
        raise RuntimeError(f"{op}: ord must be one of {_MATRIX_ORDS}, got {ord!r}")
    if a.ndim < 2 or len(tuple(dim)) != 2:
        raise RuntimeError(f"{op}: needs 2 dims for the matrices, got dim {dim!r} for a "
                           f"tensor of shape {a.shape}")
    d0, d1 = (norm_dim(d, a.ndim, op) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"{op}: dim must name two different dims, got {tuple(dim)}")
    if ord == "fro":
        return VectorNorm.apply(a, 2.0, tuple(sorted((d0, d1))), bool(keepdim))
    m = movedim(a, (d0, d1), (-2, -1))  # (..., rows, cols)
    if ord in ("nuc", 2, -2):
        from ..linalg import svdvals

        s = svdvals(m)
        out = s.sum(-1) if ord == "nuc" else (amax(s, -1) if ord == 2 else amin(s, -1))
    else:
        pick = amax if ord in (1, math.inf) else amin
        along = -2 if ord in (1, -1) else -1  # column sums for 1, row sums for inf
        out = pick(reduce_sum(m.abs(), along), -1)
    if keepdim:
        for d in sorted((d0, d1)):
            out = out.unsqueeze(d)
    return out


@register(method=True)
def norm(x: Any, p: Any = "fro", dim: Any = None, keepdim: bool = False,
         dtype: Any = None) -> Tensor:
    """The norm of ``x`` as ``torch.norm``: a number ``p`` is a vector norm over ``dim``
    (all elements when None); ``'fro'`` the 2-norm over ``dim``; ``'nuc'`` a matrix norm.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([[3.0, 4.0], [0.0, 0.0]], requires_grad=True)
        >>> x.norm(dim=1)
        tensor([5., 0.], grad_fn=<VectorNormBackward>)
    """
    x = tensor_arg(x, "norm")
    if p == "nuc":
        return matrix_norm(x, "nuc", (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    if p == "fro" or p is None:
        p = 2
    if isinstance(p, str):
        raise RuntimeError(f"norm: p must be a number, 'fro' or 'nuc', got {p!r}")
    return vector_norm(x, p, dim, keepdim, dtype=dtype)
