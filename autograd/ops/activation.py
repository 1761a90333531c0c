"""Activations and the softmax family: relu, leaky_relu, elu, gelu, softplus,
softmax, log_softmax, and the fused cross_entropy.

softmax, log_softmax and cross_entropy subtract the row maximum before
exponentiating (the overflow trick), so inputs of +-1e4 stay finite.
cross_entropy is fused (one op, gradient softmax - target) for stability and
speed rather than composed from log_softmax and indexing.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import OpError
from ..function import Function
from ..mode import STATE
from ..registry import register
from ..tensor import Tensor
from ._common import float_arg, norm_dim, tensor_arg
from ._notation import Derivative, elementwise
from .unary import erf, sigmoid, tanh


class Relu(Function):
    symbol = "ReLU"
    derivative = elementwise("∂ReLU/∂x = [x > 0]", lambda x, y: float(x > 0))

    @staticmethod
    def forward(ctx, x):
        out = np.maximum(x, 0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * Tensor._make((out.array > 0).astype(grad.array.dtype))

    @staticmethod
    def backward_arrays(ctx, grad):
        (out,) = ctx.saved_arrays
        return grad * (out > 0)


@register(method=True, functional=True)
def relu(x: Tensor) -> Tensor:
    """max(x, 0) elementwise; the gradient at 0 is 0 (as PyTorch).

    Example:
        >>> import autograd as ag
        >>> ag.relu(ag.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """
    x = tensor_arg(x, "relu")
    return Relu.apply(x)


class LeakyRelu(Function):
    symbol = "LeakyReLU"
    derivative = Derivative("∂LeakyReLU/∂x = 1 if x > 0 else α",
                            value=lambda pos, x, y: 1.0 if x[0] > 0 else x[1])

    @staticmethod
    def forward(ctx, x, slope):
        ctx.scale = np.where(x > 0, 1, slope).astype(x.dtype)
        return x * ctx.scale

    @staticmethod
    def backward(ctx, grad):
        return grad * Tensor._make(ctx.scale), None


@register(functional=True)
def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x where x > 0, else negative_slope * x."""
    x = tensor_arg(x, "leaky_relu")
    return LeakyRelu.apply(x, negative_slope)


@register(functional=True)
def elu(x: Tensor, alpha: float = 1.0) -> Tensor:
    """x where x > 0, else alpha * (exp(x) - 1); built from where and exp."""
    x = float_arg(x, "elu")
    from .select import where

    if not isinstance(alpha, (int, float, np.number)) or isinstance(alpha, bool):
        raise TypeError(f"elu: alpha must be a number, got {type(alpha).__name__} {alpha!r}")
    neg = (x.clamp(max=0.0).exp() - 1.0) * alpha  # clamp keeps exp finite for large x
    return where(x.array > 0, x, neg)


_SQRT_HALF = 1.0 / math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


@register(functional=True)
def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x) with Phi the normal CDF (exact, via erf) or its tanh approximation."""
    x = float_arg(x, "gelu")
    if approximate == "none":
        return x * 0.5 * (erf(x * _SQRT_HALF) + 1.0)
    if approximate == "tanh":
        return x * 0.5 * (tanh((x + x * x * x * 0.044715) * _SQRT_2_OVER_PI) + 1.0)
    raise OpError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


class Softplus(Function):
    symbol = "softplus"
    derivative = Derivative("∂softplus/∂x = σ(βx)",
                            value=lambda pos, x, y: 1 / (1 + np.exp(-x[1] * x[0])))

    @staticmethod
    def forward(ctx, x, beta, threshold):
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        bx = x * beta
        soft = np.logaddexp(0, bx) / beta
        return np.where(bx > threshold, x, soft).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        linear = Tensor._make((x.array * ctx.beta > ctx.threshold).astype(grad.array.dtype))
        return grad * (sigmoid(x * ctx.beta) * (1.0 - linear) + linear), None, None


@register(functional=True)
def softplus(x: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, linear where beta x > threshold (as PyTorch)."""
    x = float_arg(x, "softplus")
    return Softplus.apply(x, beta, threshold)


def _log_softmax(x: np.ndarray, dim: int) -> np.ndarray:
    m = np.max(x, axis=dim, keepdims=True) if x.size else np.zeros((), x.dtype)
    m = np.where(np.isfinite(m), m, 0)
    shifted = x - m
    return shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))


class Softmax(Function):
    symbol = "softmax"
    derivative = Derivative("∂yᵢ/∂xⱼ = yᵢ(δᵢⱼ − yⱼ)")

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        e = np.exp(x - np.max(x, axis=dim, keepdims=True)) if x.size else np.exp(x)
        out = e / np.sum(e, axis=dim, keepdims=True)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        gy = grad * out
        return gy - out * gy.sum(ctx.dim, keepdim=True), None


@register(method=True, functional=True)
def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``, shifted by the max so it never overflows.

    Example:
        >>> import autograd as ag
        >>> ag.softmax(ag.tensor([1000.0, 1000.0]), dim=0)
        tensor([0.5000, 0.5000])
    """
    x = float_arg(x, "softmax")
    if x.ndim == 0:  # one element: softmax is 1 (computed, so the graph stays connected)
        return Softmax.apply(x.reshape((1,)), norm_dim(dim, 1, "softmax")).reshape(())
    return Softmax.apply(x, norm_dim(dim, x.ndim, "softmax"))


class LogSoftmax(Function):
    symbol = "log_softmax"
    derivative = Derivative("∂yᵢ/∂xⱼ = δᵢⱼ − softmax(x)ⱼ")

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        out = _log_softmax(x, dim)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad - out.exp() * grad.sum(ctx.dim, keepdim=True), None


@register(method=True, functional=True)
def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """x - logsumexp(x) along ``dim``, computed stably."""
    x = float_arg(x, "log_softmax")
    if x.ndim == 0:
        return LogSoftmax.apply(x.reshape((1,)), norm_dim(dim, 1, "log_softmax")).reshape(())
    return LogSoftmax.apply(x, norm_dim(dim, x.ndim, "log_softmax"))


class CrossEntropy(Function):
    """Fused softmax + cross-entropy over class dim 1 (logits already moved to (M, C))."""

    symbol = "softmax-with-loss"
    derivative = Derivative("∂L/∂x = y − t, y = softmax(x)")  # the course's softmax-with-loss

    @staticmethod
    def forward(ctx, z, q, scale, zero_where_no_mass):
        # z (M, C) logits; q (M, C) target distribution times class weights;
        # scale (M,) per-row factor that applies the reduction
        with np.errstate(over="ignore", invalid="ignore"):  # -inf / huge logits: see below
            logp = _log_softmax(z, 1)
            terms = q * logp
        ctx.save_for_backward(z, q)
        # every target ignored: the loss is nan (0 / 0) but no gradient is
        ctx.scale = np.where(np.isnan(scale) & (q.sum(1) == 0), 0, scale).astype(scale.dtype)
        ctx.logp = logp
        if zero_where_no_mass:  # class-index targets: a masked (-inf) logit with no mass adds 0
            terms = np.where(q == 0, 0, terms)
        return -terms.sum(1) * scale

    @staticmethod
    def backward(ctx, grad):
        z, q = ctx.saved_tensors
        scale = Tensor._make(ctx.scale[:, None])
        g = grad.unsqueeze(1) * scale                       # (M, 1)
        need_z, need_q = ctx.needs_input_grad[:2]
        gz = gq = None
        if need_z:
            # d/dz of -sum_c q_c log p_c = p * sum_c q_c - q
            p = softmax(z, 1) if STATE.grad_enabled else Tensor._make(np.exp(ctx.logp))
            gz = (p * q.sum(1, keepdim=True) - q) * g
        if need_q:
            logp = log_softmax(z, 1) if STATE.grad_enabled else Tensor._make(ctx.logp)
            gq = -logp * g
        return gz, gq, None, None


def _ce_shapes(input: Tensor, target: Any) -> tuple:  # noqa: A002
    """(input as (N, C, *d), target, whether the target holds probabilities), checked."""
    x = input
    if x.ndim == 0:
        raise OpError("cross_entropy: input must have a class dim, got a 0-d tensor")
    unbatched = x.ndim == 1
    if unbatched:
        x = x.unsqueeze(0)
    t = target if isinstance(target, Tensor) else Tensor._make(np.asarray(target))
    probs = t.dtype.kind == "f"
    if unbatched and not probs:
        if t.array.size != 1 or t.ndim > 1:
            raise OpError(f"cross_entropy: an unbatched input of shape {tuple(input.shape)} "
                             f"takes one class index, got a target of shape {tuple(t.shape)}")
        t = t.reshape((1,))
    elif unbatched:
        t = t.reshape((1, -1))
    n, spatial = x.shape[0], x.shape[2:]
    if probs and t.shape != x.shape:
        raise OpError(f"cross_entropy: probability target of shape {tuple(t.shape)} must "
                         f"match input of shape {tuple(x.shape)}")
    if not probs and t.shape != (n,) + spatial:
        raise OpError(f"cross_entropy: index target of shape {tuple(t.shape)} does not "
                         f"match input of shape {tuple(x.shape)} (expected {(n,) + spatial})")
    return x, t, probs, unbatched


def _index_q(t: np.ndarray, c: int, w: np.ndarray, ignore_index: int,
             label_smoothing: float) -> tuple[np.ndarray, np.ndarray]:
    """Class indices (M,) -> the weighted target distribution (M, C) and each row's weight."""
    m = t.shape[0]
    ti = t.astype(np.int64)
    valid = ti != ignore_index
    bad = valid & ((ti < 0) | (ti >= c))
    if bad.any():
        raise IndexError(f"cross_entropy: target {int(ti[bad][0])} is out of range for "
                         f"{c} classes")
    q = np.zeros((m, c), w.dtype)
    rows = np.nonzero(valid)[0]
    q[rows, ti[rows]] = 1.0
    if label_smoothing:
        q[rows] = q[rows] * (1 - label_smoothing) + label_smoothing / c
    q *= w
    row_w = np.where(valid, w[np.where(valid, ti, 0)], 0).astype(w.dtype)
    return q, row_w


@register(functional=True)
def cross_entropy(input: Tensor, target: Any, weight: Any = None,  # noqa: A002
                  ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy between logits and class indices or class probabilities.

    Fused: one op computes log-softmax and the loss; its gradient is
    (softmax(input) - target) scaled by the reduction, the course's y - t.
    A masked logit of ``-inf`` in a class with no target mass adds nothing
    (finite loss and gradient, as PyTorch); probability targets that require
    grad receive ``-log_softmax(input)`` times the weights and reduction.

    Args:
        input: logits, (C,), (N, C) or (N, C, d1, ...).
        target: class indices (N,) / (N, d1, ...) (int) or probabilities of input's shape.
        weight: optional (C,) per-class weights.
        ignore_index: index targets equal to this contribute nothing.
        reduction: 'mean' | 'sum' | 'none'.
        label_smoothing: epsilon in [0, 1]; the target mixes with uniform.

    Example:
        >>> import autograd as ag
        >>> z = ag.tensor([[2.0, 0.0, 0.0]], requires_grad=True)
        >>> loss = ag.cross_entropy(z, ag.tensor([0]))
        >>> loss.backward(); z.grad            # softmax(z) - one_hot
        tensor([[-0.2130,  0.1065,  0.1065]])
    """
    if reduction not in ("mean", "sum", "none"):
        raise OpError(f"cross_entropy: reduction must be 'mean', 'sum' or 'none', "
                         f"got {reduction!r}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise OpError(f"cross_entropy: label_smoothing must be in [0, 1], "
                         f"got {label_smoothing}")
    x, t, probs, unbatched = _ce_shapes(input, target)
    n, c, spatial = x.shape[0], x.shape[1], x.shape[2:]
    dtype = x.array.dtype
    w = np.ones(c, dtype) if weight is None else np.asarray(
        weight.array if isinstance(weight, Tensor) else weight, dtype)
    if w.shape != (c,):
        raise OpError(f"cross_entropy: weight must have shape ({c},), got {w.shape}")

    # move the class dim last and flatten: (N, C, *d) -> (M, C)
    z = x.permute((0, *range(2, x.ndim), 1)).reshape((-1, c)) if spatial else x
    m = z.shape[0]
    if probs:
        tq = t.permute((0, *range(2, t.ndim), 1)).reshape((-1, c)) if spatial else t
        tq = tq if tq.dtype == dtype else tq.to(dtype)
        if label_smoothing:
            tq = tq * (1 - label_smoothing) + label_smoothing / c
        q = tq * Tensor._make(w) if weight is not None else tq
        denom = m
    else:
        qa, row_w = _index_q(t.array.reshape(m), c, w, ignore_index, label_smoothing)
        q, denom = Tensor._make(qa), row_w.sum()
    if reduction == "mean":
        with np.errstate(divide="ignore", invalid="ignore"):  # all ignored: nan, as PyTorch
            scale = np.full(m, np.divide(1.0, denom) if denom else np.nan, dtype)
    else:
        scale = np.ones(m, dtype)
    losses = CrossEntropy.apply(z, q, scale, not probs)  # (M,)
    if reduction == "none":
        out = losses.reshape((n,) + spatial)
        return out.reshape(()) if unbatched else out
    return losses.sum()
