"""More activations, by PyTorch's names and defaults: selu, celu, silu, mish, hardswish,
hardsigmoid, hardtanh, relu6, softsign, softmin, logsigmoid, tanhshrink, softshrink,
hardshrink, threshold, glu, rrelu.

Most are compositions of gradient-checked ops (no backward of their own);
hardtanh and hardsigmoid are Functions because PyTorch's gradient is 0 at
their corners (where clamp's would be 1). ``inplace`` is accepted for
PyTorch's signatures; the result is always a new tensor.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..errors import OpError
from ..function import Function
from ..random import Generator, default_generator
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import float_arg, norm_dim
from ._notation import Derivative

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _number(op: str, name: str, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.number)):
        raise TypeError(f"{op}: {name} must be a number, got {type(v).__name__} {v!r}")
    return float(v)


@register(functional=True)
def selu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``scale * elu(x, alpha)`` with the self-normalising constants (Klambauer et al., 2017).

    Example:
        >>> import autograd as ag
        >>> ag.selu(ag.tensor([-1.0, 1.0]))
        tensor([-1.1113,  1.0507])
    """
    x = float_arg(input, "selu")
    return OPS.elu(x, _SELU_ALPHA) * _SELU_SCALE


@register(functional=True)
def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`` (Barron, 2017).

    Example:
        >>> import autograd as ag
        >>> ag.celu(ag.tensor([-1.0, 1.0]), alpha=2.0)
        tensor([-0.7869,  1.0000])
    """
    x = float_arg(input, "celu")
    alpha = _number("celu", "alpha", alpha)
    if alpha == 0:
        raise OpError("celu: alpha must not be 0 (it divides x)")
    neg = OPS.expm1(OPS.clip(x, max=0.0) / alpha) * alpha  # clamped: exp stays finite for x > 0
    return OPS.where(x.array > 0, x, neg)


@register(functional=True)
def silu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x * sigmoid(x)`` (swish).

    Example:
        >>> import autograd as ag
        >>> ag.silu(ag.tensor([0.0, 1.0]))
        tensor([0.0000, 0.7311])
    """
    x = float_arg(input, "silu")
    return x * OPS.sigmoid(x)


@register(functional=True)
def mish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x * tanh(softplus(x))`` (Misra, 2019).

    Example:
        >>> import autograd as ag
        >>> ag.mish(ag.tensor([0.0, 1.0]))
        tensor([0.0000, 0.8651])
    """
    x = float_arg(input, "mish")
    return x * OPS.tanh(OPS.softplus(x))


class Hardswish(Function):
    symbol = "hardswish"
    derivative = Derivative("∂hardswish/∂x = x/3 + ½ on (−3, 3), 0 below, 1 above",
                            value=lambda pos, x, y: 0.0 if x[0] <= -3 else
                            (x[0] / 3 + 0.5 if x[0] < 3 else 1.0))

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x * np.clip(x + 3.0, 0.0, 6.0) / 6.0).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        # PyTorch's pieces: 0 for x <= -3, x/3 + 1/2 strictly inside, 1 for x >= 3
        slope = OPS.where(x.array >= 3, 1.0, x / 3.0 + 0.5)
        return grad * OPS.where(x.array <= -3, 0.0, slope)


@register(functional=True)
def hardswish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x * relu6(x + 3) / 6`` (MobileNetV3): 0 below -3, x above 3.

    Example:
        >>> import autograd as ag
        >>> ag.hardswish(ag.tensor([-4.0, 0.0, 1.0, 4.0]))
        tensor([-0.0000,  0.0000,  0.6667,  4.0000])
    """
    return Hardswish.apply(float_arg(input, "hardswish"))


class Hardsigmoid(Function):
    symbol = "hardσ"
    derivative = Derivative("∂hardσ/∂x = 1/6 on (−3, 3), else 0",
                            value=lambda pos, x, y: 1 / 6 if -3 < x[0] < 3 else 0.0)

    @staticmethod
    def forward(ctx, x):
        ctx.slope = (((x > -3) & (x < 3)) / 6.0).astype(x.dtype)
        return (np.clip(x + 3.0, 0.0, 6.0) / 6.0).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return grad * Tensor._make(ctx.slope)


@register(functional=True)
def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``relu6(x + 3) / 6``: a piecewise-linear sigmoid; gradient 1/6 on (-3, 3).

    Example:
        >>> import autograd as ag
        >>> ag.hardsigmoid(ag.tensor([-4.0, 0.0, 1.5, 4.0]))
        tensor([0.0000, 0.5000, 0.7500, 1.0000])
    """
    return Hardsigmoid.apply(float_arg(input, "hardsigmoid"))


class Hardtanh(Function):
    symbol = "hardtanh"
    derivative = Derivative("∂hardtanh/∂x = [min < x < max]",
                            value=lambda pos, x, y: float(x[1] < x[0] < x[2]))

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.mask = ((x > lo) & (x < hi)).astype(x.dtype)  # PyTorch: 0 at the corners
        return np.clip(x, lo, hi).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return grad * Tensor._make(ctx.mask), None, None


@register(functional=True)
def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,  # noqa: A002
             inplace: bool = False) -> Tensor:
    """``x`` clamped to [min_val, max_val]; gradient 1 strictly inside, 0 elsewhere.

    Example:
        >>> import autograd as ag
        >>> ag.hardtanh(ag.tensor([-2.0, 0.5, 2.0]))
        tensor([-1.0000,  0.5000,  1.0000])
    """
    x = float_arg(input, "hardtanh")
    lo, hi = _number("hardtanh", "min_val", min_val), _number("hardtanh", "max_val", max_val)
    if lo > hi:
        raise OpError(f"hardtanh: min_val ({min_val}) must not be greater than max_val "
                         f"({max_val})")
    return Hardtanh.apply(x, lo, hi)


@register(functional=True)
def relu6(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``min(max(x, 0), 6)``: ``hardtanh(x, 0, 6)``.

    Example:
        >>> import autograd as ag
        >>> ag.relu6(ag.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """
    return hardtanh(float_arg(input, "relu6"), 0.0, 6.0)


@register(functional=True)
def softsign(input: Tensor) -> Tensor:  # noqa: A002
    """``x / (1 + |x|)``.

    Example:
        >>> import autograd as ag
        >>> ag.softsign(ag.tensor([-1.0, 3.0]))
        tensor([-0.5000,  0.7500])
    """
    x = float_arg(input, "softsign")
    return x / (OPS.abs(x) + 1.0)


@register(functional=True)
def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,  # noqa: A002
            dtype: Any = None) -> Tensor:
    """``softmax(-x)`` along ``dim``: the smallest entries get the largest weights.

    Example:
        >>> import autograd as ag
        >>> ag.softmin(ag.tensor([0.0, 0.6931471805599453], dtype="float64"), dim=0).tolist()
        [0.6666666666666666, 0.3333333333333333]
    """
    x = float_arg(input, "softmin")
    if dtype is not None:
        x = OPS.cast(x, dtype)
    if dim is None:
        warnings.warn("Implicit dimension choice for softmin has been deprecated; pass dim=",
                      UserWarning, stacklevel=_stacklevel)
        dim = 0 if x.ndim in (0, 1, 3) else 1
    norm_dim(dim, x.ndim, "softmin")
    return OPS.softmax(-x, dim)


@register(functional=True)
def logsigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """``log(sigmoid(x)) = -softplus(-x)``, finite for large |x|.

    Example:
        >>> import autograd as ag
        >>> ag.logsigmoid(ag.tensor([-100.0, 0.0]))
        tensor([-100.0000,   -0.6931])
    """
    x = float_arg(input, "logsigmoid")
    return -OPS.softplus(-x, 1.0, 20.0)


@register(functional=True)
def tanhshrink(input: Tensor) -> Tensor:  # noqa: A002
    """``x - tanh(x)``.

    Example:
        >>> import autograd as ag
        >>> ag.tanhshrink(ag.tensor([0.0, 1.0]))
        tensor([0.0000, 0.2384])
    """
    x = float_arg(input, "tanhshrink")
    return x - OPS.tanh(x)


def _lambd(op: str, lambd: Any) -> float:
    lambd = _number(op, "lambd", lambd)
    if lambd < 0:
        raise OpError(f"{op}: lambd must be non-negative, got {lambd}")
    return lambd


@register(functional=True)
def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """``x - lambd`` above lambd, ``x + lambd`` below -lambd, else 0.

    Example:
        >>> import autograd as ag
        >>> ag.softshrink(ag.tensor([-1.0, 0.2, 2.0]))
        tensor([-0.5000,  0.0000,  1.5000])
    """
    x = float_arg(input, "softshrink")
    lambd = _lambd("softshrink", lambd)
    return x - OPS.clip(x, -lambd, lambd)


@register(method=True, functional=True)
def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """``x`` where ``|x| > lambd``, else 0.

    Example:
        >>> import autograd as ag
        >>> ag.hardshrink(ag.tensor([-1.0, 0.2, 2.0]))
        tensor([-1.,  0.,  2.])
    """
    x = float_arg(input, "hardshrink")
    lambd = _lambd("hardshrink", lambd)
    inside = (x.array >= -lambd) & (x.array <= lambd)  # NaN is not inside: it passes through
    return OPS.where(inside, 0.0, x)


@register(functional=True)
def threshold(input: Tensor, threshold: float, value: float,  # noqa: A002
              inplace: bool = False) -> Tensor:
    """``x`` where ``x > threshold``, else ``value``.

    Example:
        >>> import autograd as ag
        >>> ag.threshold(ag.tensor([0.5, 2.0]), 1.0, -1.0)
        tensor([-1.,  2.])
    """
    x = float_arg(input, "threshold")
    th, value = _number("threshold", "threshold", threshold), _number("threshold", "value", value)
    return OPS.where(x.array <= th, value, x)  # NaN passes through, as PyTorch


@register(functional=True)
def glu(input: Tensor, dim: int = -1) -> Tensor:  # noqa: A002
    """The gated linear unit: ``a * sigmoid(b)`` with ``a, b`` the two halves along ``dim``.

    Shape:
        input (*, 2n, *) -> (*, n, *) along ``dim``.

    Example:
        >>> import autograd as ag
        >>> ag.glu(ag.tensor([[2.0, 0.0]]))
        tensor([[1.]])
    """
    x = float_arg(input, "glu")
    if x.ndim == 0:
        raise OpError("glu: does not support 0-d (scalar) tensors")
    d = norm_dim(dim, x.ndim, "glu")
    n = x.shape[d]
    if n % 2:
        raise OpError(f"glu: halving dimension must be even, but dimension {dim} of shape "
                         f"{tuple(x.shape)} has size {n}")
    a, b = OPS.split(x, n // 2, d) if n else (x, x)
    return a * OPS.sigmoid(b)


@register(functional=True)
def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,  # noqa: A002
          training: bool = False, inplace: bool = False,
          generator: Generator | None = None) -> Tensor:
    """Randomised leaky ReLU (Xu et al., 2015): negative inputs times a slope ``a``.

    In training, ``a`` is drawn uniformly from [lower, upper] for each element
    (from ``generator`` or the global seed, ``ag.manual_seed``); in evaluation it is
    the mean ``(lower + upper) / 2``.

    Example:
        >>> import autograd as ag
        >>> ag.rrelu(ag.tensor([-1.0, 2.0]), 0.2, 0.4)
        tensor([-0.3000,  2.0000])
    """
    x = float_arg(input, "rrelu")
    lo, hi = _number("rrelu", "lower", lower), _number("rrelu", "upper", upper)
    if not lo <= hi:
        raise OpError(f"rrelu: lower ({lower}) must not be greater than upper ({upper})")
    if not training:
        return OPS.leaky_relu(x, (lo + hi) / 2)
    rng = generator.numpy_generator if generator is not None else default_generator()
    slope = rng.uniform(lo, hi, x.shape).astype(x.array.dtype)
    return OPS.where(x.array >= 0, x, x * Tensor._make(slope))



