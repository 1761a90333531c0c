"""Arithmetic: add, sub, mul, div, neg, pow, matmul.

The binary ops broadcast as numpy; the engine sums each input's gradient back
to that input's shape (``broadcasts = True``), so backward here is the
textbook rule only: the add node passes the gradient on, the mul node swaps
its inputs.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._threads import matmul as blas_matmul
from ..dtypes import get_default_dtype
from ..errors import OpError
from ..function import Function
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import pair, promoted, shapes_error, tensor_arg
from ._notation import Derivative, power_derivative, power_symbol, power_value


def _binary(op: str, fn: Any, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    try:
        return fn(a, b)
    except ValueError:
        raise shapes_error(op, np.shape(a), np.shape(b)) from None


class Add(Function):
    symbol = "+"
    derivative = Derivative("∂(a+b)/∂a = 1", "∂(a+b)/∂b = 1", value=lambda pos, x, y: 1.0)
    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        return _binary("add", np.add, a, b)

    @staticmethod
    def backward(ctx, grad):
        return grad, grad

    @staticmethod
    def backward_arrays(ctx, grad):
        return grad, grad


@register(method=True)
def add(a: Any, b: Any) -> Tensor:
    """``a + b`` with broadcasting.

    Example:
        >>> import autograd as ag
        >>> ag.add(ag.tensor([1.0, 2.0]), 1.0)
        tensor([2., 3.])
    """
    return Add.apply(*pair(a, b, "add"))


class Sub(Function):
    symbol = "−"
    derivative = Derivative("∂(a−b)/∂a = 1", "∂(a−b)/∂b = −1",
                            value=lambda pos, x, y: (1.0, -1.0)[pos])
    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        return _binary("sub", np.subtract, a, b)

    @staticmethod
    def backward(ctx, grad):
        return grad, -grad

    @staticmethod
    def backward_arrays(ctx, grad):
        return grad, -grad


@register(method=True, aliases=("subtract",))
def sub(a: Any, b: Any) -> Tensor:
    """``a - b`` with broadcasting."""
    return Sub.apply(*pair(a, b, "sub"))


class Mul(Function):
    symbol = "×"
    derivative = Derivative("∂(a·b)/∂a = b", "∂(a·b)/∂b = a",
                            value=lambda pos, x, y: x[1 - pos])
    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        need = ctx.needs_input_grad
        ctx.save_for_backward(b if need[0] else None, a if need[1] else None)
        return _binary("mul", np.multiply, a, b)

    @staticmethod
    def backward(ctx, grad):
        b, a = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad * b if need[0] else None), (grad * a if need[1] else None)

    @staticmethod
    def backward_arrays(ctx, grad):
        b, a = ctx.saved_arrays
        need = ctx.needs_input_grad
        return (grad * b if need[0] else None), (grad * a if need[1] else None)


@register(method=True, aliases=("multiply",))
def mul(a: Any, b: Any) -> Tensor:
    """``a * b`` with broadcasting.

    Example (the textbook apple tax):
        >>> import autograd as ag
        >>> apple = ag.tensor(10.0, requires_grad=True)
        >>> price = apple * 2.0 * 1.1
        >>> price.backward(); round(apple.grad.item(), 4)
        2.2
    """
    return Mul.apply(*pair(a, b, "mul"))


class Div(Function):
    symbol = "÷"
    derivative = Derivative("∂(a/b)/∂a = 1/b", "∂(a/b)/∂b = −a/b²",
                            value=lambda pos, x, y: -x[0] / x[1] ** 2 if pos else 1.0 / x[1])
    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        out = _binary("div", np.true_divide, a, b)
        ctx.save_for_backward(b, out if ctx.needs_input_grad[1] else None)
        return out

    @staticmethod
    def backward(ctx, grad):
        b, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = grad / b if need[0] else None
        gb = -(grad * out) / b if need[1] else None  # d(a/b)/db = -a/b**2 = -out/b
        return ga, gb

    @staticmethod
    def backward_arrays(ctx, grad):
        b, out = ctx.saved_arrays
        need = ctx.needs_input_grad
        return (grad / b if need[0] else None), (-(grad * out) / b if need[1] else None)


@register(method=True, aliases=("divide", "true_divide"))
def div(a: Any, b: Any, rounding_mode: str | None = None) -> Tensor:
    """``a / b`` (true division) with broadcasting; ``rounding_mode`` "trunc" or "floor"
    rounds the quotient (integers stay integers, gradient 0, as PyTorch)."""
    if rounding_mode is not None:
        from .rounding import rounded_div  # rounding.py builds on this file

        return rounded_div(a, b, rounding_mode)
    a, b = pair(a, b, "div")
    if a.array.dtype.kind in "biu":  # true division of integers gives the default float dtype
        a, b = promoted(a, get_default_dtype()), promoted(b, get_default_dtype())
    return Div.apply(a, b)


class Neg(Function):
    symbol = "−x"
    derivative = Derivative("∂(−x)/∂x = −1", value=lambda pos, x, y: -1.0)

    @staticmethod
    def forward(ctx, a):
        return np.negative(a)

    @staticmethod
    def backward(ctx, grad):
        return -grad

    @staticmethod
    def backward_arrays(ctx, grad):
        return -grad


@register(method=True, aliases=("negative",))
def neg(a: Tensor) -> Tensor:
    """``-a``."""
    a = tensor_arg(a, "neg")
    return Neg.apply(a)


def _power(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a ** b``; integer powers with negative exponents give PyTorch's integer results
    (1 ** -n = 1, (-1) ** -n = ±1, other bases 0) where numpy refuses them."""
    if b.dtype.kind not in "iu" or not (b < 0).any():
        return np.power(a, b)
    neg = b < 0
    out = np.power(a, np.where(neg, 0, b))
    odd = (b % 2) != 0
    tiny = np.where(a == 1, 1, np.where(a == -1, np.where(odd, -1, 1), 0)).astype(out.dtype)
    return np.where(neg, tiny, out)


class PowScalar(Function):
    symbol = power_symbol  # x², √x, **1.5: from the recorded exponent
    derivative = power_derivative

    @staticmethod
    def forward(ctx, a, p):
        ctx.save_for_backward(a)
        ctx.p = p
        return np.power(a, p)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        p = ctx.p
        if p == 0:  # x ** 0 is constant: zero gradient, also at x = 0 (as PyTorch)
            return grad * 0.0
        if p == 2:
            return grad * a * 2.0
        return grad * p * a ** (p - 1)

    @staticmethod
    def backward_arrays(ctx, grad):
        (a,) = ctx.saved_arrays
        p = ctx.p
        if p == 0:
            return np.zeros_like(grad)
        if p == 2:
            return grad * a * a.dtype.type(2)
        return grad * p * a ** (p - 1)


class Pow(Function):
    symbol = "**"
    derivative = Derivative("∂aᵇ/∂a = b·aᵇ⁻¹", "∂aᵇ/∂b = aᵇ·ln a", value=power_value)
    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        out = _binary("pow", _power, a, b)
        ctx.save_for_backward(a, b, out if ctx.needs_input_grad[1] else None)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = gb = None
        if need[0]:
            # d(a**b)/da = b * a**(b-1), defined as 0 where b == 0 (as PyTorch, also at a = 0)
            ga = OPS.where(b.array == 0, 0.0, grad * b * a ** (b - 1))
        if need[1]:
            # d(a**b)/db = a**b * ln(a), defined as 0 where a == 0 and b >= 0 (as PyTorch);
            # a negative base gives nan, as it does there
            zero = (a.array == 0) & (b.array >= 0)
            safe = OPS.where(zero, 1.0, a)  # stays a function of a for double backward
            gb = OPS.where(zero, 0.0, grad * out * safe.log())
        return ga, gb


@register(method=True)
def pow(a: Any, b: Any) -> Tensor:  # noqa: A001
    """``a ** b``; a Python number as exponent takes the cheaper scalar path.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor(3.0, requires_grad=True)
        >>> (x ** 2).backward(); x.grad.item()
        6.0
    """
    if isinstance(a, Tensor) and isinstance(b, (int, float)) and not isinstance(b, bool):
        if a.array.dtype.kind not in "biu":
            return PowScalar.apply(a, b)
        if isinstance(b, int) and b < 0:
            raise OpError(f"pow: Integers to negative integer powers are not allowed "
                          f"(tensor of dtype {a.array.dtype}, exponent {b}); use a float "
                          "exponent or a float tensor")
    return Pow.apply(*pair(a, b, "pow"))


class MatMul(Function):
    symbol = "@"
    derivative = Derivative("∂L/∂A = G @ Bᵀ", "∂L/∂B = Aᵀ @ G")
    broadcasts = True  # batch dimensions broadcast as numpy's matmul

    @staticmethod
    def forward(ctx, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise OpError(f"matmul: both arguments need at least 1 dim, got shapes "
                             f"{a.shape} and {b.shape}")
        ka = a.shape[-1]
        kb = b.shape[-2] if b.ndim > 1 else b.shape[0]
        if ka != kb:
            raise OpError(
                f"matmul: shapes {a.shape} and {b.shape} are not aligned: {ka} (dim -1 of the "
                f"first) != {kb} (dim {-2 if b.ndim > 1 else 0} of the second)"
            )
        need = ctx.needs_input_grad
        ctx.save_for_backward(a if need[1] else None, b if need[0] else None)
        ctx.ndims = (a.ndim, b.ndim)
        try:
            return blas_matmul(a, b)
        except ValueError:
            raise OpError(f"matmul: batch dimensions of {a.shape} and {b.shape} cannot be "
                             "broadcast together") from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors  # each kept only when the other's gradient is needed
        need = ctx.needs_input_grad
        a_nd, b_nd = ctx.ndims
        if a_nd == 1 and b_nd == 1:
            g = grad.reshape((1, 1))
        elif a_nd == 1:
            g = grad.unsqueeze(-2)
        elif b_nd == 1:
            g = grad.unsqueeze(-1)
        else:
            g = grad                                # (..., n, m)
        ga = gb = None
        if need[0]:
            b2 = b.unsqueeze(-1) if b_nd == 1 else b  # (..., k, m)
            ga = g @ b2.mT                          # (..., n, k)
            ga = ga.squeeze(-2) if a_nd == 1 else ga
        if need[1]:
            a2 = a.unsqueeze(0) if a_nd == 1 else a   # (..., n, k)
            gb = a2.mT @ g                          # (..., k, m)
            gb = gb.squeeze(-1) if b_nd == 1 else gb
        return ga, gb

    @staticmethod
    def backward_arrays(ctx, grad):
        a, b = ctx.saved_arrays
        need = ctx.needs_input_grad
        a_nd, b_nd = ctx.ndims
        if a_nd == 1 and b_nd == 1:
            g = grad.reshape((1, 1))
        elif a_nd == 1:
            g = np.expand_dims(grad, -2)
        elif b_nd == 1:
            g = np.expand_dims(grad, -1)
        else:
            g = grad                                               # (..., n, m)
        ga = gb = None
        if need[0]:
            b2 = b[:, None] if b_nd == 1 else b                     # (..., k, m)
            ga = blas_matmul(g, np.swapaxes(b2, -1, -2))           # (..., n, k)
            ga = ga[..., 0, :] if a_nd == 1 else ga
        if need[1]:
            a2 = a[None, :] if a_nd == 1 else a                     # (..., n, k)
            gb = blas_matmul(np.swapaxes(a2, -1, -2), g)           # (..., k, m)
            gb = gb[..., 0] if b_nd == 1 else gb
        return ga, gb


@register(method=True)
def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with numpy's rules (1-D operands, broadcast batch dims).

    Shape:
        a (..., n, k), b (..., k, m) -> (..., n, m)

    Example:
        >>> import autograd as ag
        >>> (ag.ones(2, 3) @ ag.ones(3, 4)).shape
        (2, 4)
    """
    return MatMul.apply(*pair(a, b, "matmul"))


class Linear(Function):
    """``x @ w.T + b`` as one op (fused for speed).

    The weight gradient is computed as ``g.T @ x`` directly in ``w``'s
    ``(out, in)`` layout, where ``x @ w.T`` composed from matmul and a transpose
    would produce it transposed and leave a copy to make; the bias is added in
    place into the fresh product instead of as a second op.
    """

    symbol = "linear"
    derivative = Derivative("∂L/∂x = G @ W", "∂L/∂W = Gᵀ @ x", "∂L/∂b = Σ G")

    @staticmethod
    def forward(ctx, x, w, b):
        need = ctx.needs_input_grad
        ctx.save_for_backward(x if need[1] else None, w if need[0] else None)
        ctx.has_bias = b is not None
        out = blas_matmul(x, w.T)  # (*, in) @ (in, out) -> (*, out)
        if b is not None:
            out += b
        return out

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = gw = gb = None
        if need[0]:
            gx = grad @ w                                     # (*, in)
        if need[1] or (ctx.has_bias and need[2]):
            g2 = grad.reshape((-1, grad.shape[-1]))           # (M, out)
            if need[1]:
                gw = g2.mT @ x.reshape((-1, x.shape[-1]))     # (out, in)
            if ctx.has_bias and need[2]:
                gb = g2.sum(0)                                # (out,)
        return gx, gw, gb

    @staticmethod
    def backward_arrays(ctx, grad):
        x, w = ctx.saved_arrays
        need = ctx.needs_input_grad
        gx = gw = gb = None
        if need[0]:
            gx = blas_matmul(grad, w)                                # (*, in)
        if need[1] or (ctx.has_bias and need[2]):
            g2 = grad.reshape((-1, grad.shape[-1]))                  # (M, out)
            if need[1]:
                gw = blas_matmul(g2.T, x.reshape((-1, x.shape[-1])))  # (out, in)
            if ctx.has_bias and need[2]:
                gb = g2.sum(0)                                       # (out,)
        return gx, gw, gb


@register(functional=True)
def linear(x: Any, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """The affine map ``x @ weight.T + bias`` (``nn.Linear``'s forward).

    Shape:
        x (*, in), weight (out, in), bias (out,) -> (*, out)

    Example:
        >>> import autograd as ag
        >>> ag.linear(ag.ones(2, 3), ag.ones(4, 3), ag.zeros(4)).shape
        (2, 4)
    """
    x = tensor_arg(x, "linear")
    weight = tensor_arg(weight, "linear", "weight")
    if weight.ndim != 2 or x.ndim < 1 or x.shape[-1] != weight.shape[1]:
        raise OpError(f"linear: input of shape {tuple(x.shape)} does not fit weight of "
                         f"shape {tuple(weight.shape)} (need input.shape[-1] == weight.shape[1])")
    if bias is not None and bias.shape != (weight.shape[0],):
        raise OpError(f"linear: bias of shape {tuple(bias.shape)} does not fit weight of "
                         f"shape {tuple(weight.shape)} (need ({weight.shape[0]},))")
    return Linear.apply(x, weight, bias)
