"""More activation modules, by PyTorch's names, defaults and reprs: SELU, CELU, Mish,
Hardswish, Hardsigmoid, Hardtanh, Softsign, Softmin, LogSigmoid, Tanhshrink, Softshrink,
Hardshrink, Threshold, GLU, RReLU.

Each is a thin wrapper over its registered op (``ag.selu`` ...). Shape: any input
shape, output the same (GLU halves ``dim``). ``inplace`` is kept for PyTorch's
signatures and reprs; the result is always a new tensor.
"""
from __future__ import annotations

import autograd as ag
from autograd.tensor import Tensor

from ._checks import check_number
from .module import Module

__all__ = ["SELU", "CELU", "Mish", "Hardswish", "Hardsigmoid", "Hardtanh", "Softsign",
           "Softmin", "LogSigmoid", "Tanhshrink", "Softshrink", "Hardshrink", "Threshold",
           "GLU", "RReLU"]


class _Inplace(Module):
    """An activation without parameters that takes PyTorch's ``inplace`` flag."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class SELU(_Inplace):
    """``scale * elu(x, alpha)`` with the self-normalising constants (Klambauer et al., 2017).

    Example:
        >>> import autograd as ag, nn
        >>> nn.SELU()(ag.tensor([-1.0, 1.0]))
        tensor([-1.1113,  1.0507])
    """

    def forward(self, x: Tensor) -> Tensor:
        return ag.selu(x)


class CELU(Module):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Args:
        alpha: the scale of the negative part (not 0).
        inplace: accepted for PyTorch's signature.

    Example:
        >>> import autograd as ag, nn
        >>> nn.CELU(2.0)(ag.tensor([-1.0, 1.0]))
        tensor([-0.7869,  1.0000])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        check_number("CELU", "alpha", alpha)
        if alpha == 0:
            raise ValueError("CELU: alpha must not be 0 (it divides x)")
        self.alpha, self.inplace = alpha, inplace

    def forward(self, x: Tensor) -> Tensor:
        return ag.celu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class Mish(_Inplace):
    """``x * tanh(softplus(x))`` (Misra, 2019).

    Example:
        >>> import autograd as ag, nn
        >>> nn.Mish()(ag.tensor([0.0, 1.0]))
        tensor([0.0000, 0.8651])
    """

    def forward(self, x: Tensor) -> Tensor:
        return ag.mish(x)


class Hardswish(_Inplace):
    """``x * relu6(x + 3) / 6`` (Howard et al., 2019, MobileNetV3).

    Example:
        >>> import autograd as ag, nn
        >>> nn.Hardswish()(ag.tensor([-4.0, 1.0, 4.0]))
        tensor([-0.0000,  0.6667,  4.0000])
    """

    def forward(self, x: Tensor) -> Tensor:
        return ag.hardswish(x)


class Hardsigmoid(_Inplace):
    """``relu6(x + 3) / 6``.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Hardsigmoid()(ag.tensor([-4.0, 0.0, 4.0]))
        tensor([0.0000, 0.5000, 1.0000])
    """

    def forward(self, x: Tensor) -> Tensor:
        return ag.hardsigmoid(x)


class Hardtanh(Module):
    """``x`` clamped to [min_val, max_val].

    Args:
        min_val, max_val: the bounds (min_val <= max_val).
        inplace: accepted for PyTorch's signature.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Hardtanh(-2.0, 2.0)(ag.tensor([-3.0, 1.0, 3.0]))
        tensor([-2.,  1.,  2.])
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0,
                 inplace: bool = False) -> None:
        super().__init__()
        check_number("Hardtanh", "min_val", min_val)
        check_number("Hardtanh", "max_val", max_val)
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val ({min_val}) must not be greater than max_val "
                             f"({max_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, x: Tensor) -> Tensor:
        return ag.hardtanh(x, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return (f"min_val={self.min_val}, max_val={self.max_val}"
                + (", inplace=True" if self.inplace else ""))


class Softsign(Module):
    """``x / (1 + |x|)``.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Softsign()(ag.tensor([-1.0, 3.0]))
        tensor([-0.5000,  0.7500])
    """

    def forward(self, x: Tensor) -> Tensor:
        return ag.softsign(x)


class Softmin(Module):
    """``softmax(-x)`` along ``dim``.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Softmin(dim=1)(ag.zeros(2, 4)).sum(1).tolist()
        [1.0, 1.0]
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return ag.softmin(x, self.dim, _stacklevel=4)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSigmoid(Module):
    """``log(sigmoid(x))``, finite for large |x|.

    Example:
        >>> import autograd as ag, nn
        >>> nn.LogSigmoid()(ag.tensor([-100.0, 0.0]))
        tensor([-100.0000,   -0.6931])
    """

    def forward(self, x: Tensor) -> Tensor:
        return ag.logsigmoid(x)


class Tanhshrink(Module):
    """``x - tanh(x)``.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Tanhshrink()(ag.tensor([0.0, 1.0]))
        tensor([0.0000, 0.2384])
    """

    def forward(self, x: Tensor) -> Tensor:
        return ag.tanhshrink(x)


class _Shrink(Module):
    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        name = type(self).__name__
        check_number(name, "lambd", lambd)
        if lambd < 0:
            raise ValueError(f"{name}: lambd must be non-negative, got {lambd}")
        self.lambd = lambd

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(_Shrink):
    """``x - lambd`` above lambd, ``x + lambd`` below -lambd, else 0.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Softshrink(0.5)(ag.tensor([-1.0, 0.2, 2.0]))
        tensor([-0.5000,  0.0000,  1.5000])
    """

    def forward(self, x: Tensor) -> Tensor:
        return ag.softshrink(x, self.lambd)


class Hardshrink(_Shrink):
    """``x`` where ``|x| > lambd``, else 0.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Hardshrink()(ag.tensor([-1.0, 0.2, 2.0]))
        tensor([-1.,  0.,  2.])
    """

    def forward(self, x: Tensor) -> Tensor:
        return ag.hardshrink(x, self.lambd)


class Threshold(Module):
    """``x`` where ``x > threshold``, else ``value``.

    Args:
        threshold: the cut.
        value: what replaces the inputs at or below it.
        inplace: accepted for PyTorch's signature.

    Example:
        >>> import autograd as ag, nn
        >>> nn.Threshold(0.1, 20.0)(ag.tensor([0.0, 1.0]))
        tensor([20.,  1.])
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        check_number("Threshold", "threshold", threshold)
        check_number("Threshold", "value", value)
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, x: Tensor) -> Tensor:
        return ag.threshold(x, self.threshold, self.value)

    def extra_repr(self) -> str:
        return (f"threshold={self.threshold}, value={self.value}"
                + (", inplace=True" if self.inplace else ""))


class GLU(Module):
    """The gated linear unit ``a * sigmoid(b)``, ``a`` and ``b`` the halves along ``dim``.

    Shape:
        - Input: ``(*, 2n, *)``; output ``(*, n, *)``, halved along ``dim``.

    Example:
        >>> import autograd as ag, nn
        >>> nn.GLU()(ag.ones(3, 4)).shape
        (3, 2)
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return ag.glu(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class RReLU(Module):
    """Randomised leaky ReLU (Xu et al., 2015).

    In training mode each negative input is multiplied by a slope drawn uniformly
    from [lower, upper] (seeded by ``ag.manual_seed``); in eval mode by the mean
    slope ``(lower + upper) / 2``.

    Args:
        lower, upper: the range of the slope (lower <= upper).
        inplace: accepted for PyTorch's signature.

    Example:
        >>> import autograd as ag, nn
        >>> nn.RReLU(0.2, 0.4).eval()(ag.tensor([-1.0, 2.0]))
        tensor([-0.3000,  2.0000])
    """

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
                 inplace: bool = False) -> None:
        super().__init__()
        check_number("RReLU", "lower", lower)
        check_number("RReLU", "upper", upper)
        if lower > upper:
            raise ValueError(f"RReLU: lower ({lower}) must not be greater than upper ({upper})")
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, x: Tensor) -> Tensor:
        return ag.rrelu(x, self.lower, self.upper, training=self.training)

    def extra_repr(self) -> str:
        return (f"lower={self.lower}, upper={self.upper}"
                + (", inplace=True" if self.inplace else ""))


