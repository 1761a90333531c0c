"""The losses of ``nn.functional``: regression, classification and divergence losses.

Each is composed from registered autograd ops (the one fused op is the engine's
stable cross-entropy, and ``bce_terms`` for binary cross-entropy), so every gradient
is the chain rule through gradient-checked primitives. Each checks that input and
target shapes agree and names both in its error. ``nn.functional`` re-exports them.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag
from autograd.tensor import Tensor

from .bce import bce_terms

__all__ = ["mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "cross_entropy", "nll_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div"]

_REDUCTIONS = ("mean", "sum", "none")


def _t(x: Any, like: Tensor | None = None) -> Tensor:
    if isinstance(x, Tensor):
        return x
    arr = np.asarray(x)
    if like is not None and arr.dtype.kind in "fiub" and like.dtype.kind == "f":
        arr = arr.astype(like.dtype)
    return Tensor._make(arr)


# ------------------------------------------------------------------ losses
def _reduce(loss: Tensor, reduction: str, name: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _same_shape(input: Tensor, target: Tensor, name: str) -> None:  # noqa: A002
    if tuple(input.shape) != tuple(target.shape):
        raise ValueError(f"{name}: input shape {tuple(input.shape)} and target shape "
                         f"{tuple(target.shape)} differ; they must match (reshape the target, "
                         "e.g. target.reshape(input.shape))")


def _pair(input: Any, target: Any, name: str) -> tuple[Tensor, Tensor]:  # noqa: A002
    x = _t(input)
    y = _t(target, like=x)
    _same_shape(x, y, name)
    return x, y


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Mean squared error ``(x - y)^2``, reduced.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.mse_loss(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 4.0])).item()
        2.0
    """
    x, y = _pair(input, target, "mse_loss")
    d = x - y
    return _reduce(d * d, reduction, "mse_loss")


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Mean absolute error ``|x - y|``, reduced."""
    x, y = _pair(input, target, "l1_loss")
    return _reduce((x - y).abs(), reduction, "l1_loss")


def huber_loss(input: Tensor, target: Any, reduction: str = "mean",  # noqa: A002
               delta: float = 1.0) -> Tensor:
    """``0.5 d^2`` where ``|d| < delta``, else ``delta * (|d| - 0.5 delta)``; d = x - y."""
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    x, y = _pair(input, target, "huber_loss")
    d = x - y
    c = ag.clip(d, -delta, delta)  # the quadratic part: bounded, so |d| = inf keeps grad delta
    loss = 0.5 * c * c + delta * (d.abs() - c.abs())
    return _reduce(loss, reduction, "huber_loss")


def smooth_l1_loss(input: Tensor, target: Any, reduction: str = "mean",  # noqa: A002
                   beta: float = 1.0) -> Tensor:
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (Huber / beta)."""
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    x, y = _pair(input, target, "smooth_l1_loss")
    d = x - y
    if beta == 0:
        return _reduce(d.abs(), reduction, "smooth_l1_loss")
    c = ag.clip(d, -beta, beta)  # the quadratic part: bounded, so |d| = inf keeps grad 1
    loss = (0.5 / beta) * c * c + (d.abs() - c.abs())
    return _reduce(loss, reduction, "smooth_l1_loss")


def _class_target(input: Tensor, target: Any, name: str) -> np.ndarray:  # noqa: A002
    """Validate class-index targets: input (N, C, *) or (C,), target (N, *) or ()."""
    t = np.asarray(target.array if isinstance(target, Tensor) else target)
    if t.dtype.kind not in "iu":
        raise TypeError(f"{name}: class-index target must be integers, got dtype {t.dtype} "
                        "(for class probabilities give a float target shaped like the input)")
    want = input.shape[:1] + input.shape[2:] if input.ndim >= 2 else ()
    if t.shape != want:
        raise ValueError(f"{name}: input shape {tuple(input.shape)} needs a target of shape "
                         f"{want}, got target shape {tuple(t.shape)}")
    return t


def nll_loss(input: Tensor, target: Any, weight: Tensor | None = None,  # noqa: A002
             ignore_index: int = -100, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of the target class, given log-probabilities.

    Args:
        input: log-probabilities ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``.
        target: class indices ``(N)``, ``(N, d1, ...)`` or ``()``.
        weight: per-class weights ``(C,)``; ``mean`` divides by the summed weights.
        ignore_index: target value that contributes nothing (and no weight).

    Example:
        >>> import numpy as np, autograd as ag, nn.functional as F
        >>> logp = ag.tensor(np.log([[0.5, 0.5], [0.25, 0.75]]))
        >>> round(F.nll_loss(logp, ag.tensor([0, 1])).item(), 4)
        0.4904
    """
    if reduction not in _REDUCTIONS:
        raise ValueError(f"nll_loss: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    t = _class_target(input, target, "nll_loss")
    C = input.shape[1] if input.ndim >= 2 else input.shape[0]
    valid = t != ignore_index
    if valid.any() and (t[valid].min() < 0 or t[valid].max() >= C):
        raise IndexError(f"nll_loss: target values must be in [0, {C}) or ignore_index "
                         f"({ignore_index}), got range [{t[valid].min()}, {t[valid].max()}]")
    safe = np.where(valid, t, 0)
    if input.ndim == 1:
        picked = input[safe]  # ()
    elif input.ndim == 2:
        picked = input[np.arange(input.shape[0]), safe]  # (N,)
    else:
        dims = (0,) + tuple(range(2, input.ndim)) + (1,)
        flat = input.permute(dims).reshape(-1, C)  # (N * d1 * ... * dk, C)
        picked = flat[np.arange(flat.shape[0]), safe.reshape(-1)].reshape(safe.shape)
    w = valid.astype(input.dtype)
    if weight is not None:
        wt = np.asarray(weight.array if isinstance(weight, Tensor) else weight)
        if wt.shape != (C,):
            raise ValueError(f"nll_loss: weight must have shape ({C},), got {wt.shape}")
        w = w * wt.astype(input.dtype)[safe]
    loss = -picked * Tensor._make(w)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    with np.errstate(invalid="ignore", divide="ignore"):  # every target ignored: nan, as PyTorch
        return loss.sum() / Tensor._make(np.asarray(w.sum(), dtype=input.dtype))


def cross_entropy(input: Tensor, target: Any, weight: Tensor | None = None,  # noqa: A002
                  ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Softmax cross-entropy from logits, fused and stable.

    Args:
        input: logits ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``.
        target: class indices ``(N)`` / ``(N, d1, ...)``, or class probabilities
            shaped like ``input``.
        weight: per-class weights ``(C,)``.
        ignore_index: index target value that contributes nothing.
        reduction: ``'mean'`` (weighted mean over non-ignored targets), ``'sum'`` or ``'none'``.
        label_smoothing: in [0, 1]; mixes the target with the uniform distribution.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> round(F.cross_entropy(ag.zeros(2, 4), ag.tensor([1, 3])).item(), 4)  # log 4
        1.3863
    """
    return ag.cross_entropy(input, target, weight=weight, ignore_index=ignore_index,
                            reduction=reduction, label_smoothing=label_smoothing)


def binary_cross_entropy(input: Tensor, target: Any, weight: Any = None,  # noqa: A002
                         reduction: str = "mean") -> Tensor:
    """``-(y log x + (1 - y) log(1 - x))`` for probabilities x; each log is clamped at -100.

    The gradient is PyTorch's closed form ``(x - y) / max(x (1 - x), 1e-12)``, so a
    saturated probability (exactly 0 or 1) still gets a gradient; NaN or values
    outside [0, 1] raise (a RuntimeError that is also a ValueError).

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> round(F.binary_cross_entropy(ag.tensor([0.5]), ag.tensor([1.0])).item(), 4)
        0.6931
    """
    x, y = _pair(input, target, "binary_cross_entropy")
    loss = bce_terms(x, y)  # one node: PyTorch's gradient at p = 0 and 1, NaN refused
    if weight is not None:
        loss = loss * _fits(_t(weight, like=x), x, "weight", "binary_cross_entropy")
    return _reduce(loss, reduction, "binary_cross_entropy")


def _fits(w: Tensor, x: Tensor, what: str, op: str) -> Tensor:
    """``w`` if it broadcasts to ``x``'s shape, else an error naming the loss and both shapes."""
    try:
        if np.broadcast_shapes(w.shape, x.shape) != x.shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"{op}: {what} of shape {tuple(w.shape)} does not broadcast to the "
                         f"input's shape {tuple(x.shape)}") from None
    return w


def binary_cross_entropy_with_logits(input: Tensor, target: Any,  # noqa: A002
                                     weight: Any = None, reduction: str = "mean",
                                     pos_weight: Any = None) -> Tensor:
    """Sigmoid + binary cross-entropy in one stable expression.

    ``loss = (1 - y) x + (1 + (p - 1) y) softplus(-x)`` with p the ``pos_weight``
    (1 when None); never forms ``log(sigmoid(x))``, so large |x| stay finite.

    Args:
        pos_weight: weight of positive examples, broadcast along the last dim (classes).

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.binary_cross_entropy_with_logits(ag.tensor([200.0, -200.0]),
        ...                                    ag.tensor([0.0, 1.0]), reduction='none').tolist()
        [200.0, 200.0]
    """
    x, y = _pair(input, target, "binary_cross_entropy_with_logits")
    sp_neg = ag.softplus(-x, 1.0, 20.0)  # log(1 + exp(-x))
    if pos_weight is None:
        loss = (1.0 - y) * x + sp_neg
    else:
        pw = _fits(_t(pos_weight, like=x), x, "pos_weight", "binary_cross_entropy_with_logits")
        loss = (1.0 - y) * x + (1.0 + (pw - 1.0) * y) * sp_neg
    if weight is not None:
        loss = loss * _fits(_t(weight, like=x), x, "weight", "binary_cross_entropy_with_logits")
    return _reduce(loss, reduction, "binary_cross_entropy_with_logits")


def kl_div(input: Tensor, target: Any, reduction: str = "mean",  # noqa: A002
           log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence ``y (log y - x)`` with x = log-probabilities.

    ``reduction='batchmean'`` divides the sum by the batch size (the true KL
    divergence); ``'mean'`` averages over every element, as PyTorch.
    """
    x, y = _pair(input, target, "kl_div")
    if log_target:
        loss = y.exp() * (y - x)
    else:
        positive = y.array > 0
        safe = ag.where(positive, y, 1.0)  # log(1) = 0 where y == 0: 0 log 0 := 0
        loss = y * safe.log() - y * x
    if reduction == "batchmean":
        n = x.shape[0] if x.ndim else 1
        return loss.sum() / n
    return _reduce(loss, reduction, "kl_div")
