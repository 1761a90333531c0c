"""Elementwise selection: maximum, minimum, where, clip.

Each routes the gradient to the input that was selected. On ties, maximum and
minimum split the gradient evenly between both inputs, as PyTorch does.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import OpError
from ..function import Function
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import pair, raw, shapes_error
from ._notation import Derivative


class _Extremum(Function):
    broadcasts = True
    pick: Any = None

    @classmethod
    def forward(cls, ctx, a, b):
        try:
            out = cls.pick(a, b)
        except ValueError:
            raise shapes_error(cls.__name__.lower(), np.shape(a), np.shape(b)) from None
        # share of the gradient that goes to a: 1 where a wins, 1/2 on a tie
        wa = (a == out).astype(out.dtype)
        wb = (b == out).astype(out.dtype)
        tie = wa * wb
        ctx.wa = wa - tie * 0.5
        ctx.wb = wb - tie * 0.5
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad * Tensor._make(ctx.wa), grad * Tensor._make(ctx.wb)


class Maximum(_Extremum):
    symbol = "max"
    derivative = Derivative("∂max(a,b)/∂a = [a > b]", "∂max(a,b)/∂b = [b > a]",
                            value=lambda pos, x, y: float(x[pos] > x[1 - pos])
                            + 0.5 * (x[0] == x[1]))
    pick = staticmethod(np.maximum)


class Minimum(_Extremum):
    symbol = "min"
    derivative = Derivative("∂min(a,b)/∂a = [a < b]", "∂min(a,b)/∂b = [b < a]",
                            value=lambda pos, x, y: float(x[pos] < x[1 - pos])
                            + 0.5 * (x[0] == x[1]))
    pick = staticmethod(np.minimum)


@register(method=True)
def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise max of ``a`` and ``b`` (broadcasting); ties share the gradient.

    Example:
        >>> import autograd as ag
        >>> ag.maximum(ag.tensor([1.0, 5.0]), 3.0)
        tensor([3., 5.])
    """
    return Maximum.apply(*pair(a, b, "maximum"))


@register(method=True)
def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise min of ``a`` and ``b`` (broadcasting); ties share the gradient."""
    return Minimum.apply(*pair(a, b, "minimum"))


class Where(Function):
    symbol = "where"
    derivative = Derivative("∂/∂a = [cond]", "∂/∂b = [not cond]")
    broadcasts = True

    @staticmethod
    def forward(ctx, a, b, cond):
        try:
            out = np.where(cond, a, b)
        except ValueError:
            raise shapes_error("where", np.shape(cond), np.shape(a), np.shape(b)) from None
        ctx.cond = cond
        return out

    @staticmethod
    def backward(ctx, grad):
        cond = ctx.cond
        zero = Tensor._make(np.zeros((), grad.array.dtype))
        return (_where(cond, grad, zero), _where(cond, zero, grad), None)


def _where(cond: np.ndarray, a: Tensor, b: Tensor) -> Tensor:
    return Where.apply(a, b, cond)


@register(method=True)
def where(condition: Any, a: Any = None, b: Any = None) -> Any:
    """``a`` where ``condition`` holds, else ``b`` (all three broadcast).

    With the condition alone, the positions where it holds: ``nonzero(condition,
    as_tuple=True)``.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([-1.0, 2.0])
        >>> ag.where(x > 0, x, 0.0)
        tensor([0., 2.])
    """
    if a is None and b is None:
        return OPS.nonzero(condition, as_tuple=True)
    cond = np.asarray(raw(condition), dtype=bool)
    a, b = pair(a, b, "where")
    return Where.apply(a, b, cond)


class Clip(Function):
    symbol = "clip"
    derivative = Derivative("∂clip/∂x = [min ≤ x ≤ max]", value=lambda pos, x, y: float(
        (x[1] is None or x[0] >= x[1]) and (len(x) < 3 or x[2] is None or x[0] <= x[2])))

    @staticmethod
    def forward(ctx, x, lo, hi):
        # PyTorch's clamp passes the gradient where lo <= x <= hi (bounds included)
        mask = np.ones(x.shape, dtype=bool)
        if lo is not None:
            mask &= x >= lo
        if hi is not None:
            mask &= x <= hi
        ctx.mask = mask.astype(x.dtype)
        return np.clip(x, lo, hi).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return grad * Tensor._make(ctx.mask), None, None


@register(method=True, aliases=("clamp",))
def clip(x: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Clamp ``x`` into [min, max] (either bound may be None); alias ``clamp``.

    Example:
        >>> import autograd as ag
        >>> ag.clip(ag.tensor([-2.0, 0.5, 3.0]), -1.0, 1.0)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    if min is None and max is None:
        raise OpError("clip: at least one of min and max must be given")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        for name, bound in (("min", min), ("max", max)):
            if isinstance(bound, Tensor):
                try:
                    np.broadcast_shapes(bound.shape, x.shape)
                except ValueError:
                    raise OpError(f"clip: {name} bound of shape {tuple(bound.shape)} cannot be "
                                     f"broadcast to the input's shape {tuple(x.shape)}") from None
        out = x
        if min is not None:
            out = maximum(out, min)
        if max is not None:
            out = minimum(out, max)
        return out
    return Clip.apply(x, min, max)


clamp = clip
