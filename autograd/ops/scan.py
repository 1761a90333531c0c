"""Scans (running reductions along one dim): cumsum, cumprod, cummax, cummin, logcumsumexp.

cumsum's backward is a cumsum run from the other end; cumprod's divides by the input where no
input is 0 and otherwise takes the exact products (as PyTorch); cummax and cummin read the
values at the running winners' indices, so the gradient goes to those places; logcumsumexp's
backward weighs each later output's gradient by ``exp(x_k - out_i)``, computed without overflow.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..function import Function
from ..registry import register
from ..tensor import Tensor
from ._common import dim_alias, float_arg, norm_dim, tensor_arg
from ._notation import Derivative
from .gather import along_positions
from .index import Gather
from .reshape_more import movedim
from .select import where
from .shape import cat

#: ``(values, indices)``, as ``torch.return_types.cummax`` / ``cummin``
Running = namedtuple("Running", ["values", "indices"])


def _int64(x: Tensor, dtype: Any) -> Tensor:
    if dtype is not None:
        return x.to(dtype)
    if x.array.dtype.kind in "bui" and x.array.dtype != np.int64:
        return x.to(np.int64)  # integer scans accumulate in int64, as PyTorch
    return x


class CumSum(Function):
    symbol = "cumsum"
    derivative = Derivative("∂L/∂xₖ = Σ_{i≥k} Gᵢ")

    @staticmethod
    def forward(ctx, x, dim, reverse):
        ctx.dim, ctx.reverse = dim, reverse
        if reverse:
            return np.flip(np.cumsum(np.flip(x, dim), axis=dim), dim).copy()
        return np.cumsum(x, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return CumSum.apply(grad, ctx.dim, not ctx.reverse), None, None


def _scan_dim(x: Tensor, dim: Any, op: str) -> int:
    if dim is None:
        raise TypeError(f"{op}: dim must be given (an int)")
    return norm_dim(dim, x.ndim, op)


@register(method=True)
def cumsum(x: Tensor, dim: int | None = None, *, dtype: Any = None, axis: Any = None) -> Tensor:
    """Running sums along ``dim``: ``out[i] = x[0] + ... + x[i]``.

    Example:
        >>> import autograd as ag
        >>> ag.cumsum(ag.tensor([1, 2, 3]), 0)
        tensor([1, 3, 6])
    """
    x = _int64(tensor_arg(x, "cumsum"), dtype)
    d = _scan_dim(x, dim_alias("cumsum", dim, axis), "cumsum")
    if x.ndim == 0:
        return x.clone()
    return CumSum.apply(x, d, False)


class CumProd(Function):
    symbol = "cumprod"
    derivative = Derivative("∂outᵢ/∂xₖ = Π_{j≤i, j≠k} xⱼ")

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        out = np.cumprod(x, axis=dim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        d = ctx.dim
        if not (x.array == 0).any():
            return CumSum.apply(grad * out, d, True) / x, None
        # with zeros: grad_k = (x_0 ... x_{k-1}) * S_k, S_k = g_k + x_{k+1} S_{k+1}
        n = x.shape[d]
        ones = Tensor._make(np.ones(x.shape[:d] + (1,) + x.shape[d + 1:], x.array.dtype))
        before = cat([ones, out.narrow(d, 0, n - 1)], d)
        parts = [grad.narrow(d, n - 1, 1)]
        for k in range(n - 2, -1, -1):
            parts.append(grad.narrow(d, k, 1) + x.narrow(d, k + 1, 1) * parts[-1])
        return before * cat(parts[::-1], d), None


@register(method=True)
def cumprod(x: Tensor, dim: int | None = None, *, dtype: Any = None,
            axis: Any = None) -> Tensor:
    """Running products along ``dim``; the gradient is exact where inputs are 0.

    Example:
        >>> import autograd as ag
        >>> ag.cumprod(ag.tensor([1.0, 2.0, 3.0]), 0)
        tensor([1., 2., 6.])
    """
    x = _int64(tensor_arg(x, "cumprod"), dtype)
    d = _scan_dim(x, dim_alias("cumprod", dim, axis), "cumprod")
    if x.ndim == 0 or x.shape[d] == 0:
        return x.clone()
    return CumProd.apply(x, d)


class RunningPick(Gather):
    """The running winner's value at each place; the gradient goes to the winner."""

    symbol = staticmethod(lambda args: "cummax")  # type: ignore[assignment]
    derivative = Derivative("∂outᵢ/∂xₖ = [k is the winner up to i]")


class RunningMinPick(RunningPick):
    symbol = staticmethod(lambda args: "cummin")  # type: ignore[assignment]


def _running(x: Any, dim: int, op: str, better: Any) -> Running:
    x = tensor_arg(x, op)
    d = _scan_dim(x, dim, op)
    if x.ndim == 0:
        return Running(x.clone(), Tensor._make(np.zeros((), np.int64)))
    a = x.array
    best = better.accumulate(a, axis=d) if a.size else a
    won = (a == best) | (np.isnan(a) if a.dtype.kind == "f" else False)  # ties: the later one
    shape = [1] * a.ndim
    shape[d] = a.shape[d]
    at = np.where(won, np.arange(a.shape[d]).reshape(shape), 0)
    idx = np.maximum.accumulate(at, axis=d) if a.size else at
    how = RunningPick if op == "cummax" else RunningMinPick
    values = how.apply(x, along_positions(a.shape, idx, d, op), False)
    return Running(values, Tensor._make(idx.astype(np.int64)))


@register(method=True)
def cummax(x: Tensor, dim: int | None = None, *, axis: Any = None) -> Running:
    """Running maximum along ``dim`` and the index where it was reached (the latest on ties).

    Example:
        >>> import autograd as ag
        >>> ag.cummax(ag.tensor([1.0, 3.0, 2.0, 3.0]), 0).indices
        tensor([0, 1, 1, 3])
    """
    return _running(x, dim_alias("cummax", dim, axis), "cummax", np.maximum)


@register(method=True)
def cummin(x: Tensor, dim: int | None = None, *, axis: Any = None) -> Running:
    """Running minimum along ``dim`` and the index where it was reached (the latest on ties)."""
    return _running(x, dim_alias("cummin", dim, axis), "cummin", np.minimum)


class LogCumSumExp(Function):
    symbol = "logcumsumexp"
    derivative = Derivative("∂outᵢ/∂xₖ = exp(xₖ − outᵢ) for k ≤ i")

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        out = np.logaddexp.accumulate(x, axis=dim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        d = ctx.dim
        xm, om, gm = movedim(x, d, -1), movedim(out, d, -1), movedim(grad, d, -1)
        n = xm.shape[-1]
        later = np.triu(np.ones((n, n), bool))  # [k, i]: output i >= k sees input k
        expo = xm.unsqueeze(-1) - om.unsqueeze(-2)  # (..., k, i): x_k - out_i <= 0 for i >= k
        weights = where(later, expo, -np.inf).exp()
        return movedim((weights * gm.unsqueeze(-2)).sum(-1), -1, d), None


@register(method=True)
def logcumsumexp(x: Tensor, dim: int | None = None, *, axis: Any = None) -> Tensor:
    """``log(cumsum(exp(x)))`` along ``dim``, computed without overflow.

    Example:
        >>> import autograd as ag
        >>> ag.logcumsumexp(ag.tensor([1000.0, 1000.0]), 0)
        tensor([1000.0000, 1000.6932])
    """
    x = float_arg(x, "logcumsumexp")
    d = _scan_dim(x, dim_alias("logcumsumexp", dim, axis), "logcumsumexp")
    if x.ndim == 0 or x.array.size == 0:
        return x.clone()
    return LogCumSumExp.apply(x, d)
