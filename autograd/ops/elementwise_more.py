"""More elementwise math from PyTorch: signbit, heaviside, fmax, fmin, gcd, lcm, float_power,
ldexp, frexp, nextafter, deg2rad, rad2deg and positive.

``fmax``/``fmin`` ignore NaN (the non-NaN operand wins) and send the gradient to the
operand they chose (the first on a tie), as PyTorch's. ``float_power`` always computes in
float64. ``heaviside`` is recorded, but its backward raises: PyTorch defines no derivative
for it. ``nextafter`` passes the gradient to its first operand only (none where the two are
equal), as PyTorch's.
"""
from __future__ import annotations

import math
from collections import namedtuple
from typing import Any

import numpy as np

from ..errors import OpError
from ..function import Function
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import float_arg, pair, shapes_error, tensor_arg
from ._notation import Derivative

#: ``(mantissa, exponent)``, as ``torch.return_types.frexp``
Frexp = namedtuple("Frexp", ["mantissa", "exponent"])


def _other(x: Any, op: str, what: str = "other") -> Tensor:
    """A second operand PyTorch takes only as a Tensor (``fmax(x, 2.0)`` is a TypeError)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{what}' must be Tensor, not {type(x).__name__}")
    return x


def _apply2(op: str, fn: Any, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    try:
        return fn(a, b)
    except ValueError:
        raise shapes_error(op, np.shape(a), np.shape(b)) from None


@register(method=True)
def signbit(x: Tensor) -> Tensor:
    """True where the sign bit is set (negative numbers, ``-0.0``, ``-inf``, negative NaN).

    Args:
        x: the input; the result is a bool Tensor that never requires grad.

    Example:
        >>> import autograd as ag
        >>> ag.signbit(ag.tensor([-1.0, -0.0, 0.0, 2.0]))
        tensor([ True,  True, False, False])
    """
    x = tensor_arg(x, "signbit")
    a = x.array
    if a.dtype.kind == "b":
        return Tensor._make(np.zeros(a.shape, bool))
    return Tensor._make(np.asarray(np.signbit(a)))


class Heaviside(Function):
    symbol = "H"
    derivative = Derivative("∂H/∂x: not defined (as PyTorch)")
    broadcasts = True

    @staticmethod
    def forward(ctx, x, values):
        return _apply2("heaviside", lambda a, v: np.where(a == 0, v, a > 0).astype(a.dtype),
                       x, values)

    @staticmethod
    def backward(ctx, grad):
        raise OpError("heaviside: its derivative is not implemented (as in PyTorch); detach the "
                      "input, or use a smooth step such as sigmoid(k * x) to differentiate")


@register(method=True)
def heaviside(input: Tensor, values: Tensor) -> Tensor:  # noqa: A002
    """The Heaviside step: 0 where ``input < 0``, ``values`` where it is 0, 1 where above.

    Args:
        input: the input (NaN counts as below zero, as PyTorch's).
        values: the value at 0, a Tensor of the same dtype, broadcast against ``input``.

    Raises:
        TypeError: ``values`` is not a Tensor. RuntimeError: the dtypes differ.

    Example:
        >>> import autograd as ag
        >>> ag.heaviside(ag.tensor([-2.0, 0.0, 3.0]), ag.tensor([0.5]))
        tensor([0.0000, 0.5000, 1.0000])
    """
    x = tensor_arg(input, "heaviside")
    v = _other(values, "heaviside", "values")
    if x.array.dtype != v.array.dtype:
        raise OpError(f"heaviside is not yet implemented for tensors with different dtypes "
                      f"(input {x.array.dtype}, values {v.array.dtype}); convert one first")
    return Heaviside.apply(x, v)


class _NanIgnoring(Function):
    """fmax/fmin: the gradient goes to ``a`` where it was chosen (ties and NaN ``b`` too)."""

    broadcasts = True
    pick: Any = None

    @classmethod
    def forward(cls, ctx, a, b):
        out = _apply2(cls.__name__.lower(), cls.pick, a, b)
        chose_a = (a == out) | np.isnan(b) if out.dtype.kind in "fc" else a == out
        ctx.chose_a = np.broadcast_to(chose_a, out.shape)
        return out

    @staticmethod
    def backward(ctx, grad):
        zero = Tensor._make(np.zeros((), grad.array.dtype))
        return OPS.where(ctx.chose_a, grad, zero), OPS.where(ctx.chose_a, zero, grad)


class Fmax(_NanIgnoring):
    symbol = "fmax"
    derivative = Derivative("∂fmax(a,b)/∂a = [a ≥ b or b is NaN]", "∂fmax(a,b)/∂b = [b > a]")
    pick = staticmethod(np.fmax)


class Fmin(_NanIgnoring):
    symbol = "fmin"
    derivative = Derivative("∂fmin(a,b)/∂a = [a ≤ b or b is NaN]", "∂fmin(a,b)/∂b = [b < a]")
    pick = staticmethod(np.fmin)


@register(method=True)
def fmax(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Elementwise maximum that ignores NaN: where one operand is NaN the other is taken.

    Args:
        input, other: Tensors, broadcast together (PyTorch's result dtype).

    Returns:
        The maximum; its gradient goes to the chosen operand (``input`` on a tie).

    Example:
        >>> import autograd as ag
        >>> ag.fmax(ag.tensor([1.0, float("nan"), 3.0]), ag.tensor([2.0, 2.0, float("nan")]))
        tensor([2., 2., 3.])
    """
    return Fmax.apply(*pair(input, _other(other, "fmax"), "fmax"))


@register(method=True)
def fmin(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Elementwise minimum that ignores NaN (see :func:`fmax`).

    Example:
        >>> import autograd as ag
        >>> ag.fmin(ag.tensor([1.0, float("nan")]), ag.tensor([2.0, 2.0]))
        tensor([1., 2.])
    """
    return Fmin.apply(*pair(input, _other(other, "fmin"), "fmin"))


def _integer_pair(a: Any, b: Any, op: str) -> tuple[np.ndarray, np.ndarray]:
    x, y = pair(tensor_arg(a, op), _other(b, op), op)
    kind = x.array.dtype
    if kind.kind not in "iu":
        name = {"b": "Bool", "f": "Float" if kind == np.float32 else "Double"}.get(kind.kind, kind)
        raise NotImplementedError(f'"{op}_cpu" not implemented for \'{name}\' ({op} takes '
                                  "integer tensors only)")
    return x.array, y.array


@register(method=True)
def gcd(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Elementwise greatest common divisor of integer tensors (non-negative; ``gcd(0, 0) = 0``).

    Raises:
        NotImplementedError: a float or bool operand, as PyTorch's.

    Example:
        >>> import autograd as ag
        >>> ag.gcd(ag.tensor([4, -6, 0]), ag.tensor([6, 9, 5]))
        tensor([2, 3, 5])
    """
    a, b = _integer_pair(input, other, "gcd")
    return Tensor._make(np.asarray(_apply2("gcd", np.gcd, a, b)))


@register(method=True)
def lcm(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Elementwise least common multiple of integer tensors (non-negative; 0 if either is 0).

    Example:
        >>> import autograd as ag
        >>> ag.lcm(ag.tensor([4, -3, 0]), ag.tensor([6, 5, 7]))
        tensor([12, 15,  0])
    """
    a, b = _integer_pair(input, other, "lcm")
    return Tensor._make(np.asarray(_apply2("lcm", np.lcm, a, b)))


def _float64(x: Any, op: str) -> Any:
    if isinstance(x, (bool, int, float)) and not isinstance(x, np.generic):
        return float(x)
    x = tensor_arg(x, op)
    return x if x.array.dtype == np.float64 else OPS.cast(x, np.float64)


@register(method=True)
def float_power(input: Any, exponent: Any) -> Tensor:  # noqa: A002
    """``input ** exponent`` computed in float64 whatever the operands' dtypes.

    Args:
        input: a Tensor or a number.
        exponent: a Tensor or a number (at least one of the two is a Tensor).

    Returns:
        A float64 Tensor; gradients flow back in each input's own dtype.

    Example:
        >>> import autograd as ag
        >>> ag.float_power(ag.tensor([2, 3]), 2)
        tensor([4., 9.], dtype=float64)
    """
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError("float_power(): expected a Tensor as input or exponent, got "
                        f"{type(input).__name__} and {type(exponent).__name__}")
    base, power = _float64(input, "float_power"), _float64(exponent, "float_power")
    with np.errstate(invalid="ignore"):  # a negative base to a fractional power is NaN
        return OPS.pow(base, power)


@register(method=True)
def ldexp(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """``input * 2 ** other``, elementwise (integer operands give the default float dtype).

    Example:
        >>> import autograd as ag
        >>> ag.ldexp(ag.tensor([1.0, 3.0]), ag.tensor([3, -1]))
        tensor([8.0000, 1.5000])
    """
    x, e = tensor_arg(input, "ldexp"), _other(other, "ldexp")
    try:
        np.broadcast_shapes(x.shape, e.shape)
    except ValueError:
        raise shapes_error("ldexp", x.shape, e.shape) from None
    return OPS.mul(x, OPS.pow(2.0, e))


class FrexpFn(Function):
    symbol = "frexp"
    derivative = Derivative("∂m/∂x = 2^(−e)")

    @staticmethod
    def forward(ctx, x):
        mantissa, exponent = np.frexp(x)
        ctx.scale = np.ldexp(np.ones((), x.dtype), -exponent).astype(x.dtype)
        return mantissa.astype(x.dtype, copy=False), exponent.astype(np.int32, copy=False)

    @staticmethod
    def backward(ctx, grad_m, grad_e):
        return grad_m * Tensor._make(ctx.scale)


@register(method=True)
def frexp(input: Tensor) -> Frexp:  # noqa: A002
    """Split floats into mantissa in [0.5, 1) (with the sign) and an int32 power of two.

    ``input = mantissa * 2 ** exponent``; the mantissa's gradient is ``2 ** -exponent``.

    Returns:
        ``(mantissa, exponent)`` as a named tuple.

    Raises:
        RuntimeError: an integer or bool input, as PyTorch's.

    Example:
        >>> import autograd as ag
        >>> ag.frexp(ag.tensor([8.0, -3.0]))
        Frexp(mantissa=tensor([ 0.5000, -0.7500]), exponent=tensor([4, 2], dtype=int32))
    """
    x = tensor_arg(input, "frexp")
    if x.array.dtype.kind != "f":
        raise OpError(f"torch.frexp() only supports floating-point dtypes, got {x.array.dtype}")
    return Frexp(*FrexpFn.apply(x))


class Nextafter(Function):
    symbol = "nextafter"
    derivative = Derivative("∂/∂a = 1", "∂/∂b = 0")
    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        out = _apply2("nextafter", np.nextafter, a, b)
        ctx.moved = np.broadcast_to(a != b, out.shape)  # where a == b the result is b itself
        return out

    @staticmethod
    def backward(ctx, grad):
        zeros = Tensor._make(np.zeros(grad.shape, grad.array.dtype))
        return OPS.where(ctx.moved, grad, zeros), zeros


@register(method=True)
def nextafter(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The next representable float after ``input`` towards ``other``, elementwise.

    Raises:
        NotImplementedError: integer operands, as PyTorch's.

    Example:
        >>> import autograd as ag
        >>> (ag.nextafter(ag.tensor([1.0]), ag.tensor([2.0])) - 1).item() == 2 ** -23
        True
    """
    a, b = pair(tensor_arg(input, "nextafter"), _other(other, "nextafter"), "nextafter")
    if a.array.dtype.kind != "f":
        raise NotImplementedError(f"\"nextafter_cpu\" not implemented for {a.array.dtype} "
                                  "(nextafter takes floating-point tensors)")
    return Nextafter.apply(a, b)


@register(method=True)
def deg2rad(input: Tensor) -> Tensor:  # noqa: A002
    """Degrees to radians, ``input * π / 180`` (integer input gives the default float dtype).

    Example:
        >>> import autograd as ag
        >>> ag.deg2rad(ag.tensor([180, 90]))
        tensor([3.1416, 1.5708])
    """
    return OPS.mul(float_arg(input, "deg2rad"), math.pi / 180)


@register(method=True)
def rad2deg(input: Tensor) -> Tensor:  # noqa: A002
    """Radians to degrees, ``input * 180 / π``.

    Example:
        >>> import autograd as ag
        >>> ag.rad2deg(ag.tensor([3.141592653589793], dtype=ag.float64))
        tensor([180.], dtype=float64)
    """
    return OPS.mul(float_arg(input, "rad2deg"), 180 / math.pi)


@register(method=True)
def positive(input: Tensor) -> Tensor:  # noqa: A002
    """``+input``: the input itself, as PyTorch's (bool tensors are refused).

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, -2.0])
        >>> ag.positive(x) is x
        True
    """
    x = tensor_arg(input, "positive")
    if x.array.dtype.kind == "b":
        raise OpError("positive: the `+` operator, on a bool tensor is not supported; "
                      "use ~ or logical_not() for booleans")
    return x
