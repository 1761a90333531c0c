"""Reductions: sum, mean, var, std, max, min, logsumexp, sum_to.

Each takes ``dim`` (int, tuple or None for all) and ``keepdim``; numpy's
``axis`` and ``keepdims`` are accepted as aliases. Backward reshapes the
gradient to the kept-dims shape and broadcasts it back over the input.
"""
from __future__ import annotations

import builtins
import math
from collections import namedtuple
from typing import Any

import numpy as np

from ..errors import OpError
from ..function import Function
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import float_arg, norm_dims, reduce_args, tensor_arg
from ._notation import Derivative, elementwise, extreme_symbol
from .unary import Sqrt

#: what ``max``/``min`` with a ``dim`` return, as ``torch.return_types.max``
MaxMin = namedtuple("MaxMin", ["values", "indices"])


def _kept_shape(shape: tuple, dims: tuple | None) -> tuple:
    if dims is None:
        return (1,) * len(shape)
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _spread(grad: Tensor, shape: tuple, dims: tuple | None) -> Tensor:
    """The gradient of a reduction, broadcast back over the reduced dims."""
    return grad.reshape(_kept_shape(shape, dims)).expand(shape)


class Sum(Function):
    symbol = "Σ"
    derivative = Derivative("∂Σx/∂xᵢ = 1", value=lambda pos, x, y: 1.0)

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims = x.shape, dims
        return np.sum(x, axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        return _spread(grad, ctx.shape, ctx.dims)

    @staticmethod
    def backward_arrays(ctx, grad):
        return np.broadcast_to(np.reshape(grad, _kept_shape(ctx.shape, ctx.dims)), ctx.shape)


@register(method=True)
def sum(x: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,  # noqa: A001
        axis: Any = None, keepdims: Any = None) -> Tensor:
    """Sum over ``dim`` (an int, a tuple, or all dims when None), in ``dtype`` when given.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> x.sum(), x.sum(dim=0), x.sum(1, keepdim=True).shape
        (tensor(10.), tensor([4., 6.]), (2, 1))
    """
    x = tensor_arg(x, "sum")
    if dtype is not None:
        x = x.to(dtype)
    dim, keepdim = reduce_args("sum", dim, keepdim, axis, keepdims)
    return Sum.apply(x, norm_dims(dim, x.ndim, "sum"), keepdim)


class Mean(Function):
    symbol = "mean"
    derivative = Derivative("∂mean/∂xᵢ = 1/n")

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims = x.shape, dims
        n = x.size if dims is None else math.prod(x.shape[d] for d in dims)
        ctx.scale = 1.0 / n if n else float("nan")  # an empty mean is nan, as torch
        return np.sum(x, axis=dims, keepdims=keepdim) * x.dtype.type(ctx.scale)

    @staticmethod
    def backward(ctx, grad):
        return _spread(grad * ctx.scale, ctx.shape, ctx.dims)

    @staticmethod
    def backward_arrays(ctx, grad):
        g = np.reshape(grad * grad.dtype.type(ctx.scale), _kept_shape(ctx.shape, ctx.dims))
        return np.broadcast_to(g, ctx.shape)


@register(method=True)
def mean(x: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
         axis: Any = None, keepdims: Any = None) -> Tensor:
    """Arithmetic mean over ``dim`` (all dims when None); nan for an empty reduction."""
    x = tensor_arg(x, "mean")
    if dtype is not None:
        x = x.to(dtype)
    dim, keepdim = reduce_args("mean", dim, keepdim, axis, keepdims)
    if x.array.dtype.kind not in "fc":
        raise TypeError(f"mean: needs a floating point tensor, got dtype {x.array.dtype}")
    return Mean.apply(x, norm_dims(dim, x.ndim, "mean"), keepdim)


@register(method=True)
def var(x: Tensor, dim: Any = None, *, correction: int | None = None,
        unbiased: bool | None = None, keepdim: bool = False, axis: Any = None,
        keepdims: Any = None, ddof: int | None = None) -> Tensor:
    """Variance over ``dim``, dividing by N - correction (default 1, as PyTorch).

    Built from mean, sub, mul and sum, so it needs no backward of its own.

    Example:
        >>> import autograd as ag
        >>> ag.var(ag.tensor([1.0, 2.0, 3.0, 4.0]))
        tensor(1.6667)
    """
    x = tensor_arg(x, "var")
    dim, keepdim = reduce_args("var", dim, keepdim, axis, keepdims)
    if correction is None:
        correction = ddof if ddof is not None else (0 if unbiased is False else 1)
    dims = norm_dims(dim, x.ndim, "var")
    n = x.array.size if dims is None else int(np.prod([x.shape[d] for d in dims]))
    d = x - mean(x, dims, keepdim=True)
    return sum(d * d, dims, keepdim) / builtins.max(n - correction, 0)


class StdFromVar(Sqrt):
    """The square root that turns a variance into a standard deviation (``sqrt``'s forward).

    Unlike ``sqrt``, its gradient is 0 where the deviation is 0 (a constant
    input), as PyTorch's ``std`` backward defines it, instead of 0 * inf = nan.
    """

    symbol = "√"
    derivative = elementwise("∂σ/∂var = 1/(2σ)", lambda v, y: 0.0 if y == 0 else 0.5 / y)

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        safe = OPS.where(out.array == 0, 1.0, out)
        return OPS.where(out.array == 0, 0.0, grad / (safe * 2.0))


@register(method=True)
def std(x: Tensor, dim: Any = None, *, correction: int | None = None,
        unbiased: bool | None = None, keepdim: bool = False, axis: Any = None,
        keepdims: Any = None, ddof: int | None = None) -> Tensor:
    """Standard deviation: the square root of :func:`var`."""
    x = tensor_arg(x, "std")
    norm_dims(reduce_args("std", dim, keepdim, axis, keepdims)[0], x.ndim, "std")  # errors name std
    return StdFromVar.apply(var(x, dim, correction=correction, unbiased=unbiased,
                                keepdim=keepdim, axis=axis, keepdims=keepdims, ddof=ddof))


def _check_nonempty(x: Tensor, dims: tuple | None, op: str) -> None:
    sizes = x.shape if dims is None else [x.shape[d] for d in dims]
    if x.array.size == 0 and (dims is None or 0 in sizes):
        raise OpError(f"{op}: cannot reduce an empty tensor of shape {tuple(x.shape)} "
                         f"over dim {dims if dims is None else dims[0]}: it has no identity")


class _ExtremeAll(Function):
    pick: Any = None

    @classmethod
    def forward(cls, ctx, x):
        out = cls.pick(x)
        hit = (x == out)
        # ties share the gradient evenly (PyTorch's rule for a full reduction)
        ctx.share = (hit / hit.sum()).astype(x.dtype)
        return np.asarray(out)

    @staticmethod
    def backward(ctx, grad):
        return grad * Tensor._make(ctx.share)


class MaxAll(_ExtremeAll):
    symbol = "max"
    derivative = Derivative("∂max/∂xᵢ = [xᵢ = max] / #ties")
    pick = staticmethod(np.max)


class MinAll(_ExtremeAll):
    symbol = "min"
    derivative = Derivative("∂min/∂xᵢ = [xᵢ = min] / #ties")
    pick = staticmethod(np.min)


class ExtremeDim(Function):
    """Values at given indices along one dim; the gradient goes to those indices only."""

    symbol = extreme_symbol  # max or min, told apart by the values picked
    derivative = Derivative("∂yⱼ/∂xᵢ = [i is the index picked]")

    @staticmethod
    def forward(ctx, x, dim, keepdim, idx):
        ctx.shape, ctx.dim, ctx.idx = x.shape, dim, idx
        vals = np.take_along_axis(x, np.expand_dims(idx, dim), dim)
        return vals if keepdim else np.squeeze(vals, dim)

    @staticmethod
    def backward(ctx, grad):
        mask = np.zeros(ctx.shape, grad.array.dtype)
        np.put_along_axis(mask, np.expand_dims(ctx.idx, ctx.dim), 1, ctx.dim)
        return _spread(grad, ctx.shape, (ctx.dim,)) * Tensor._make(mask), None, None, None


def _extreme(x: Tensor, dim: Any, keepdim: bool, axis: Any, keepdims: Any, op: str,
             full: Any, arg: Any) -> Any:
    dim, keepdim = reduce_args(op, dim, keepdim, axis, keepdims)
    dims = norm_dims(dim, x.ndim, op)
    _check_nonempty(x, dims, op)
    if dims is None:
        return full.apply(x)
    if x.ndim == 0:  # 0-d tensor: the value itself, at index 0
        return MaxMin(x.clone(), Tensor._make(np.zeros((), np.int64)))
    if len(dims) != 1:
        raise OpError(f"{op}: dim must be a single int when given, got {dim!r} (for "
                         f"several dims use a{op}, which returns the values only)")
    d = dims[0]
    idx = arg(x.array, axis=d)
    values = ExtremeDim.apply(x, d, keepdim, idx)
    return MaxMin(values, Tensor._make(np.expand_dims(idx, d) if keepdim else idx))


@register(method=True)
def max(x: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,  # noqa: A001
        keepdims: Any = None) -> Any:
    """Largest value; with ``dim``, a (values, indices) pair as ``torch.max``.

    A full reduction splits the gradient evenly over ties; a ``dim``
    reduction sends it to the one index returned.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0, 5.0], [7.0, 2.0]])
        >>> x.max(), x.max(dim=1).indices
        (tensor(7.), tensor([1, 0]))
    """
    x = tensor_arg(x, "max")
    return _extreme(x, dim, keepdim, axis, keepdims, "max", MaxAll, np.argmax)


@register(method=True)
def min(x: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,  # noqa: A001
        keepdims: Any = None) -> Any:
    """Smallest value; with ``dim``, a (values, indices) pair as ``torch.min``."""
    x = tensor_arg(x, "min")
    return _extreme(x, dim, keepdim, axis, keepdims, "min", MinAll, np.argmin)


class LogSumExp(Function):
    symbol = "logsumexp"
    derivative = Derivative("∂lse/∂xᵢ = softmax(x)ᵢ")

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims = x.shape, dims
        m = np.max(x, axis=dims, keepdims=True) if x.size else np.zeros(
            _kept_shape(x.shape, dims), x.dtype)
        m = np.where(np.isfinite(m), m, 0)  # all -inf rows stay -inf, not nan
        out = np.log(np.sum(np.exp(x - m), axis=dims, keepdims=True)) + m
        if not keepdim:
            out = out.reshape(np.sum(x, axis=dims).shape)
        ctx.save_for_backward(x, out)  # the returned array, so double backward sees it
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        kept = _kept_shape(ctx.shape, ctx.dims)
        return _spread(grad, ctx.shape, ctx.dims) * (x - out.reshape(kept)).exp()


@register(method=True)
def logsumexp(x: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
              keepdims: Any = None) -> Tensor:
    """log(sum(exp(x))) over ``dim``, computed stably by shifting by the max.

    Example:
        >>> import autograd as ag
        >>> ag.logsumexp(ag.tensor([1e4, 1e4]), dim=0)
        tensor(10000.6934)
    """
    x = float_arg(x, "logsumexp")
    dim, keepdim = reduce_args("logsumexp", dim, keepdim, axis, keepdims)
    return LogSumExp.apply(x, norm_dims(dim, x.ndim, "logsumexp"), keepdim)


@register(method="sum_to_size")
def sum_to(x: Tensor, shape: tuple) -> Tensor:
    """Sum ``x`` down to ``shape``, the inverse of broadcasting (``Tensor.sum_to_size``)."""
    shape = tuple(shape)
    lead = x.ndim - len(shape)
    if lead < 0 or any(s != 1 and s != g for s, g in zip(shape, x.shape[lead:])):
        raise OpError(f"sum_to: shape {tuple(x.shape)} cannot be summed to {shape}")
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                      if s == 1 and x.shape[lead + i] != 1)
    return sum(x, axes).reshape(shape) if axes else x.reshape(shape)
