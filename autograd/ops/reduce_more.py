"""More reductions: prod, amax, amin, aminmax, nansum, nanmean, std_mean, var_mean,
count_nonzero, any, all, argmax, argmin.

prod, amax and amin are Functions with PyTorch's gradients (prod exact where inputs are 0;
amax and amin share the gradient evenly between ties); the nan- and pair forms are built from
existing ops. Integer and boolean results (counts, indices, any/all) never require grad.
"""
from __future__ import annotations

import warnings
from collections import namedtuple
from typing import Any

import numpy as np

from ..function import Function
from ..registry import register
from ..tensor import Tensor
from ._common import norm_dims, reduce_args, tensor_arg
from ._notation import Derivative
from .reduce import _check_nonempty, _kept_shape, _spread, mean, std, var
from .reduce import sum as reduce_sum
from .select import where

#: ``(min, max)``, as ``torch.return_types.aminmax``
MinMax = namedtuple("MinMax", ["min", "max"])


def _dims_of(x: Tensor, dim: Any, keepdim: Any, axis: Any, keepdims: Any, op: str) -> tuple:
    dim, keepdim = reduce_args(op, dim, keepdim, axis, keepdims)
    return norm_dims(dim, x.ndim, op), keepdim


def _cast(x: Tensor, dtype: Any) -> Tensor:
    return x if dtype is None else x.to(dtype)


class Prod(Function):
    symbol = "Π"
    derivative = Derivative("∂Πx/∂xᵢ = Π_{j≠i} xⱼ")

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims = x.shape, dims
        out = np.prod(x, axis=dims, keepdims=keepdim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        shape, dims = ctx.shape, ctx.dims
        g = _spread(grad, shape, dims)
        o = out.reshape(_kept_shape(shape, dims))
        zero = x.array == 0
        if not zero.any():
            return g * o / x
        # a slice with one zero: that place gets the product of the others; two zeros: nothing
        count = zero.sum(axis=dims, keepdims=True)
        safe = where(zero, 1.0, x)
        others = Prod.apply(safe, dims, True)
        rest = where(zero, 0.0, o / safe)  # o is 0 there, but its derivative is not
        return g * where(zero & (count == 1), others, rest)


@register(method=True)
def prod(x: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
         axis: Any = None, keepdims: Any = None) -> Tensor:
    """Product over ``dim`` (all dims when None); the gradient is exact where inputs are 0.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([2.0, 0.0, 3.0], requires_grad=True)
        >>> x.prod().backward()
        >>> x.grad
        tensor([0., 6., 0.])
    """
    x = _cast(tensor_arg(x, "prod"), dtype)
    dims, keepdim = _dims_of(x, dim, keepdim, axis, keepdims, "prod")
    if x.array.dtype.kind in "bui":
        x = x.to(np.int64) if x.array.dtype != np.int64 else x
    return Prod.apply(x, dims, keepdim)


class _Extreme(Function):
    pick: Any = None

    @classmethod
    def forward(cls, ctx, x, dims, keepdim):
        ctx.shape, ctx.dims = x.shape, dims
        out = cls.pick(x, axis=dims, keepdims=True)
        hit = (x == out) | (np.isnan(x) & np.isnan(out)) if x.dtype.kind == "f" else x == out
        ctx.share = hit / hit.sum(axis=dims, keepdims=True)  # ties share evenly, as PyTorch
        return out if keepdim else out.reshape(np.sum(x, axis=dims).shape)

    @staticmethod
    def backward(ctx, grad):
        share = Tensor._make(ctx.share.astype(grad.array.dtype))
        return _spread(grad, ctx.shape, ctx.dims) * share, None, None


class AMax(_Extreme):
    symbol = "max"
    derivative = Derivative("∂max/∂xᵢ = [xᵢ = max] / #ties")
    pick = staticmethod(np.max)


class AMin(_Extreme):
    symbol = "min"
    derivative = Derivative("∂min/∂xᵢ = [xᵢ = min] / #ties")
    pick = staticmethod(np.min)


def _amaxmin(x: Any, dim: Any, keepdim: Any, axis: Any, keepdims: Any, op: str,
             fn: Any) -> Tensor:
    x = tensor_arg(x, op)
    dims, keepdim = _dims_of(x, None if dim == () else dim, keepdim, axis, keepdims, op)
    _check_nonempty(x, dims, op)
    return fn.apply(x, dims, keepdim)


@register(method=True)
def amax(x: Tensor, dim: Any = (), keepdim: bool = False, *, axis: Any = None,
         keepdims: Any = None) -> Tensor:
    """The largest value over ``dim`` (an int or tuple; all dims when empty); ties share the
    gradient evenly.

    Example:
        >>> import autograd as ag
        >>> ag.amax(ag.tensor([[1.0, 5.0], [7.0, 2.0]]), dim=(0, 1))
        tensor(7.)
    """
    return _amaxmin(x, dim, keepdim, axis, keepdims, "amax", AMax)


@register(method=True)
def amin(x: Tensor, dim: Any = (), keepdim: bool = False, *, axis: Any = None,
         keepdims: Any = None) -> Tensor:
    """The smallest value over ``dim`` (an int or tuple; all dims when empty); ties share the
    gradient evenly."""
    return _amaxmin(x, dim, keepdim, axis, keepdims, "amin", AMin)


@register(method=True)
def aminmax(x: Tensor, *, dim: int | None = None, keepdim: bool = False, axis: Any = None,
            keepdims: Any = None) -> MinMax:
    """``(min, max)`` over ``dim`` (all dims when None), as ``torch.aminmax``."""
    x = tensor_arg(x, "aminmax")
    dim, keepdim = reduce_args("aminmax", dim, keepdim, axis, keepdims)
    return MinMax(_amaxmin(x, dim, keepdim, None, None, "aminmax", AMin),
                  _amaxmin(x, dim, keepdim, None, None, "aminmax", AMax))


@register(method=True)
def nansum(x: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
           axis: Any = None, keepdims: Any = None) -> Tensor:
    """Sum over ``dim`` counting NaN as 0 (NaN places get no gradient).

    Example:
        >>> import autograd as ag
        >>> ag.nansum(ag.tensor([1.0, float("nan"), 2.0]))
        tensor(3.)
    """
    x = _cast(tensor_arg(x, "nansum"), dtype)
    dim, keepdim = reduce_args("nansum", dim, keepdim, axis, keepdims)
    norm_dims(dim, x.ndim, "nansum")
    if x.array.dtype.kind != "f":
        return reduce_sum(x, dim, keepdim)
    return reduce_sum(where(np.isnan(x.array), 0.0, x), dim, keepdim)


@register(method=True)
def nanmean(x: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
            axis: Any = None, keepdims: Any = None) -> Tensor:
    """Mean over ``dim`` of the values that are not NaN.

    Example:
        >>> import autograd as ag
        >>> ag.nanmean(ag.tensor([1.0, float("nan"), 2.0]))
        tensor(1.5000)
    """
    x = _cast(tensor_arg(x, "nanmean"), dtype)
    dim, keepdim = reduce_args("nanmean", dim, keepdim, axis, keepdims)
    if x.array.dtype.kind != "f":
        raise TypeError(f"nanmean: needs a floating point tensor, got dtype {x.array.dtype}")
    dims = norm_dims(dim, x.ndim, "nanmean")
    count = np.sum(~np.isnan(x.array), axis=dims, keepdims=keepdim)
    with np.errstate(divide="ignore", invalid="ignore"):
        return nansum(x, dim, keepdim) / Tensor._make(count.astype(x.array.dtype))


def _spread_and_mean(x: Any, dim: Any, correction: Any, unbiased: Any, keepdim: Any,
                     axis: Any, keepdims: Any, op: str) -> tuple:
    """``(var or std, mean)``; warns as PyTorch when N - correction is not positive."""
    x = tensor_arg(x, op)
    dim, keepdim = reduce_args(op, dim, keepdim, axis, keepdims)
    dims = norm_dims(dim, x.ndim, op)
    n = x.array.size if dims is None else int(np.prod([x.shape[d] for d in dims]))
    c = correction if correction is not None else (0 if unbiased is False else 1)
    if n - c <= 0:
        warnings.warn(f"{op}(): degrees of freedom is <= 0. Correction should be strictly "
                      "less than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=3)
    spread = std if op == "std_mean" else var
    with np.errstate(divide="ignore", invalid="ignore"):  # the warning above says it once
        return (spread(x, dim, correction=correction, unbiased=unbiased, keepdim=keepdim),
                mean(x, dim, keepdim))


@register()
def var_mean(x: Tensor, dim: Any = None, *, correction: Any = None, unbiased: Any = None,
             keepdim: bool = False, axis: Any = None, keepdims: Any = None) -> tuple:
    """``(var, mean)`` over ``dim`` in one call, as ``torch.var_mean``.

    ``axis`` and ``keepdims`` are aliases of ``dim`` and ``keepdim``, as in PyTorch.
    """
    return _spread_and_mean(x, dim, correction, unbiased, keepdim, axis, keepdims, "var_mean")


@register()
def std_mean(x: Tensor, dim: Any = None, *, correction: Any = None, unbiased: Any = None,
             keepdim: bool = False, axis: Any = None, keepdims: Any = None) -> tuple:
    """``(std, mean)`` over ``dim`` in one call, as ``torch.std_mean`` (``axis`` and
    ``keepdims`` are aliases of ``dim`` and ``keepdim``).

    Example:
        >>> import autograd as ag
        >>> ag.std_mean(ag.tensor([1.0, 3.0]))
        (tensor(1.4142), tensor(2.))
    """
    return _spread_and_mean(x, dim, correction, unbiased, keepdim, axis, keepdims, "std_mean")


@register(method=True)
def count_nonzero(x: Tensor, dim: Any = None, *, axis: Any = None) -> Tensor:
    """How many elements are not zero, over ``dim`` (int64, no gradient)."""
    x = tensor_arg(x, "count_nonzero")
    dim, _ = reduce_args("count_nonzero", dim, False, axis, None)
    dims = norm_dims(dim, x.ndim, "count_nonzero")
    return Tensor._make(np.asarray(np.count_nonzero(x.array, axis=dims), np.int64))


def _logical(x: Any, dim: Any, keepdim: bool, axis: Any, keepdims: Any, op: str) -> Tensor:
    x = tensor_arg(x, op)
    dims, keepdim = _dims_of(x, dim, keepdim, axis, keepdims, op)
    fn = np.any if op == "any" else np.all
    return Tensor._make(np.asarray(fn(x.array, axis=dims, keepdims=keepdim)))


@register(method=True)
def any(x: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,  # noqa: A001
        keepdims: Any = None) -> Tensor:
    """True where any element over ``dim`` is nonzero (a bool tensor).

    Example:
        >>> import autograd as ag
        >>> ag.any(ag.tensor([[0, 1], [0, 0]]), dim=1)
        tensor([ True, False])
    """
    return _logical(x, dim, keepdim, axis, keepdims, "any")


@register(method=True)
def all(x: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,  # noqa: A001
        keepdims: Any = None) -> Tensor:
    """True where every element over ``dim`` is nonzero (a bool tensor)."""
    return _logical(x, dim, keepdim, axis, keepdims, "all")


def _arg(x: Any, dim: Any, keepdim: bool, op: str, fn: Any, axis: Any, keepdims: Any) -> Tensor:
    x = tensor_arg(x, op)
    dim, keepdim = reduce_args(op, dim, keepdim, axis, keepdims)
    dims = norm_dims(dim, x.ndim, op)
    if dims is not None and len(dims) > 1:
        raise TypeError(f"{op}: dim must be an int or None, got {dim!r}")
    _check_nonempty(x, dims, op)
    if dims is None or x.ndim == 0:
        idx = np.asarray(fn(x.array), np.int64)
        return Tensor._make(idx.reshape((1,) * x.ndim) if keepdim else idx)
    return Tensor._make(np.asarray(fn(x.array, axis=dims[0], keepdims=keepdim), np.int64))


@register(method=True)
def argmax(x: Tensor, dim: int | None = None, keepdim: bool = False, *, axis: Any = None,
           keepdims: Any = None) -> Tensor:
    """The index of the largest value (of the flattened tensor when ``dim`` is None); the
    first one on ties, and a NaN counts as the largest.

    Example:
        >>> import autograd as ag
        >>> ag.argmax(ag.tensor([[1.0, 5.0], [7.0, 2.0]]), dim=1)
        tensor([1, 0])
    """
    return _arg(x, dim, keepdim, "argmax", np.argmax, axis, keepdims)


@register(method=True)
def argmin(x: Tensor, dim: int | None = None, keepdim: bool = False, *, axis: Any = None,
           keepdims: Any = None) -> Tensor:
    """The index of the smallest value (of the flattened tensor when ``dim`` is None)."""
    return _arg(x, dim, keepdim, "argmin", np.argmin, axis, keepdims)
