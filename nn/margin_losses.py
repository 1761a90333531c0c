"""More losses of ``torch.nn.functional``: margins, embeddings, Poisson and Gaussian NLL.

Each is composed from registered ops (so each gradient is the chain rule
through gradient-checked primitives), takes ``reduction='mean'|'sum'|'none'``
and checks its input shapes, naming the loss and the shapes. Formulas are
PyTorch's (its documentation's), including the small constants.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd as ag
from autograd.tensor import Tensor

from .distance import pairwise_distance

__all__ = ["cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss",
           "hinge_embedding_loss", "soft_margin_loss", "multilabel_soft_margin_loss",
           "multi_margin_loss", "multilabel_margin_loss", "poisson_nll_loss",
           "gaussian_nll_loss"]

_REDUCTIONS = ("mean", "sum", "none")


def _reduce(loss: Tensor, reduction: str, name: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _t(x: Any, name: str, what: str, like: Tensor | None = None) -> Tensor:
    if isinstance(x, Tensor):
        return x
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name}: {what} must be a Tensor or numbers, got {type(x).__name__}")
    if like is not None and like.dtype.kind == "f":
        arr = arr.astype(like.dtype)
    return Tensor._make(arr)


def _check(name: str, **shapes: Any) -> None:
    """All the named tensors have the first one's shape, or an error naming each."""
    items = [(k, tuple(v.shape)) for k, v in shapes.items()]
    if any(s != items[0][1] for _, s in items):
        listed = ", ".join(f"{k} {s}" for k, s in items)
        raise ValueError(f"{name}: the shapes must match, got {listed}")


def _signed(y: Tensor, *values: float) -> tuple[np.ndarray, ...]:
    """Masks of the target's elements equal to each value."""
    return tuple(y.numpy() == v for v in values)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Any, margin: float = 0.0,
                          reduction: str = "mean") -> Tensor:
    """``1 - cos(x1, x2)`` where y = 1, ``max(0, cos(x1, x2) - margin)`` where y = -1.

    The cosine is PyTorch's ``sum(x1 x2) / sqrt((|x1|^2 + 1e-12)(|x2|^2 + 1e-12))``.

    Shape:
        x1, x2 (N, D) or (D,); target (N,) or () of 1 / -1 -> (N,) with ``'none'``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.cosine_embedding_loss(ag.tensor([[1.0, 0.0]]), ag.tensor([[0.0, 1.0]]),
        ...                         ag.tensor([1])).item()
        1.0
    """
    name = "cosine_embedding_loss"
    a, b = _t(input1, name, "input1"), _t(input2, name, "input2")
    y = _t(target, name, "target")
    if a.shape != b.shape or a.ndim not in (1, 2) or tuple(y.shape) != tuple(a.shape[:-1]):
        raise ValueError(f"{name}: input1 {tuple(a.shape)} and input2 {tuple(b.shape)} must be "
                         f"(N, D) or (D,) alike, and target {tuple(y.shape)} (N,) or ()")
    dot = (a * b).sum(-1)
    cos = dot / (((a * a).sum(-1) + 1e-12) * ((b * b).sum(-1) + 1e-12)).sqrt()
    pos, neg = _signed(y, 1, -1)
    loss = ag.where(pos, 1.0 - cos, 0.0) + ag.where(neg, ag.clip(cos - margin, 0.0, None), 0.0)
    return _reduce(loss, reduction, name)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Any, margin: float = 0.0,
                        reduction: str = "mean") -> Tensor:
    """``max(0, -y (x1 - x2) + margin)``: x1 should rank above x2 where y = 1, below where -1.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.margin_ranking_loss(ag.tensor([1.0, 0.0]), ag.tensor([0.0, 1.0]),
        ...                       ag.tensor([1.0, 1.0]), margin=0.5, reduction="none").tolist()
        [0.0, 1.5]
    """
    name = "margin_ranking_loss"
    a, b = _t(input1, name, "input1"), _t(input2, name, "input2")
    y = _t(target, name, "target", like=a)
    _check(name, input1=a, input2=b, target=y)
    return _reduce(ag.clip(-y * (a - b) + margin, 0.0, None), reduction, name)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False,
                        reduction: str = "mean") -> Tensor:
    """``max(d(a, p) - d(a, n) + margin, 0)`` with d the pairwise p-norm distance.

    Args:
        swap: use ``min(d(a, n), d(p, n))`` as the negative distance (Balntas et al., 2016).

    Shape:
        anchor, positive, negative (N, D) or (D,) -> (N,) with ``'none'``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> a, p, n = ag.tensor([[0.0, 0.0]]), ag.tensor([[3.0, 4.0]]), ag.tensor([[0.0, 1.0]])
        >>> round(F.triplet_margin_loss(a, p, n).item(), 3)   # 5 - 1 + 1
        5.0
    """
    name = "triplet_margin_loss"
    a, pos, neg = (_t(v, name, w) for v, w in ((anchor, "anchor"), (positive, "positive"),
                                                (negative, "negative")))
    _check(name, anchor=a, positive=pos, negative=neg)
    if a.ndim not in (1, 2):
        raise ValueError(f"{name}: inputs must be (N, D) or (D,), got {tuple(a.shape)}")
    if margin <= 0:
        raise ValueError(f"{name}: margin must be greater than 0, got {margin}")
    d_ap = pairwise_distance(a, pos, p, eps)
    d_an = pairwise_distance(a, neg, p, eps)
    if swap:
        d_an = ag.minimum(d_an, pairwise_distance(pos, neg, p, eps))
    return _reduce(ag.clip(margin + d_ap - d_an, 0.0, None), reduction, name)


def hinge_embedding_loss(input: Tensor, target: Any, margin: float = 1.0,  # noqa: A002
                         reduction: str = "mean") -> Tensor:
    """``x`` where y = 1, ``max(0, margin - x)`` where y = -1 (x is a distance).

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.hinge_embedding_loss(ag.tensor([0.3, 0.3]), ag.tensor([1.0, -1.0]),
        ...                        reduction="none").tolist()
        [0.30000001192092896, 0.699999988079071]
    """
    name = "hinge_embedding_loss"
    x = _t(input, name, "input")
    y = _t(target, name, "target", like=x)
    _check(name, input=x, target=y)
    not_pos, not_neg = y.numpy() != 1, y.numpy() != -1   # other values get both terms, as PyTorch
    loss = (ag.where(not_pos, ag.clip(margin - x, 0.0, None), 0.0)
            + ag.where(not_neg, x, 0.0))
    return _reduce(loss, reduction, name)


def soft_margin_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Two-class logistic loss ``log(1 + exp(-y x))`` for targets 1 / -1.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> round(F.soft_margin_loss(ag.tensor([0.0]), ag.tensor([1.0])).item(), 4)   # log 2
        0.6931
    """
    name = "soft_margin_loss"
    x = _t(input, name, "input")
    y = _t(target, name, "target", like=x)
    _check(name, input=x, target=y)
    return _reduce(ag.softplus(-y * x, 1.0, 20.0), reduction, name)


def multilabel_soft_margin_loss(input: Tensor, target: Any, weight: Any = None,  # noqa: A002
                                reduction: str = "mean") -> Tensor:
    """Per-class logistic loss averaged over the C classes: one loss per sample.

    ``-(1/C) sum_c w_c (y_c log sigmoid(x_c) + (1 - y_c) log sigmoid(-x_c))``.

    Shape:
        input and target (N, C) (target 0 / 1); weight (C,) -> (N,) with ``'none'``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> y = ag.tensor([[1.0, 0.0, 1.0]])
        >>> round(F.multilabel_soft_margin_loss(ag.zeros(1, 3), y).item(), 4)
        0.6931
    """
    name = "multilabel_soft_margin_loss"
    x = _t(input, name, "input")
    y = _t(target, name, "target", like=x)
    _check(name, input=x, target=y)
    if x.ndim == 0:
        raise ValueError(f"{name}: input must have a class dim, got a 0-d tensor")
    loss = -(y * -ag.softplus(-x, 1.0, 20.0) + (1.0 - y) * -ag.softplus(x, 1.0, 20.0))
    if weight is not None:
        w = _t(weight, name, "weight", like=x)
        if np.broadcast_shapes(w.shape, x.shape) != tuple(x.shape):
            raise ValueError(f"{name}: weight {tuple(w.shape)} does not broadcast to the "
                             f"input {tuple(x.shape)}")
        loss = loss * w
    return _reduce(loss.mean(-1), reduction, name)


def _class_targets(x: Tensor, target: Any, name: str) -> tuple[Tensor, np.ndarray]:
    """(N, C) input and (N,) int targets (a (C,) input and () target are one sample)."""
    t = np.asarray(target.numpy() if isinstance(target, Tensor) else target)
    if t.dtype.kind not in "iu":
        raise TypeError(f"{name}: target must hold class indices (integers), got {t.dtype}")
    if x.ndim == 1 and t.ndim <= 1 and t.size == 1:
        x, t = x.unsqueeze(0), t.reshape(1)
    if x.ndim != 2 or t.shape != (x.shape[0],):
        raise ValueError(f"{name}: input {tuple(x.shape)} must be (N, C) or (C,) and target "
                         f"{t.shape} (N,) or ()")
    if t.size and (t.min() < 0 or t.max() >= x.shape[1]):
        raise IndexError(f"{name}: target values must be in [0, {x.shape[1]}), got range "
                         f"[{t.min()}, {t.max()}]")
    return x, t.astype(np.int64)


def multi_margin_loss(input: Tensor, target: Any, p: int = 1, margin: float = 1.0,  # noqa: A002
                      weight: Any = None, reduction: str = "mean") -> Tensor:
    """Multi-class hinge loss: ``(1/C) sum_{i != y} max(0, margin - x_y + x_i)^p`` per sample.

    Args:
        p: 1 or 2.
        weight: (C,) class weights, applied by the target class.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> round(F.multi_margin_loss(ag.tensor([[0.1, 0.2, 0.4, 0.8]]), ag.tensor([3])).item(), 4)
        0.325
    """
    name = "multi_margin_loss"
    if p not in (1, 2):
        raise ValueError(f"{name}: only p == 1 and p == 2 are supported, got {p}")
    x0 = _t(input, name, "input")
    x, t = _class_targets(x0, target, name)
    n, c = x.shape
    rows = np.arange(n)
    picked = x[rows, t].unsqueeze(1)                                    # (N, 1)
    hinge = ag.clip(margin - picked + x, 0.0, None)                     # (N, C)
    if p == 2:
        hinge = hinge * hinge
    if weight is not None:
        w = np.asarray(weight.numpy() if isinstance(weight, Tensor) else weight)
        if w.shape != (c,):
            raise ValueError(f"{name}: weight must have shape ({c},), got {w.shape}")
        hinge = hinge * Tensor._make(w.astype(x.dtype)[t][:, None])
    others = np.ones((n, c), bool)
    others[rows, t] = False
    loss = ag.where(others, hinge, 0.0).sum(1) / c                      # (N,)
    if x0.ndim == 1:
        loss = loss[0]
    return _reduce(loss, reduction, name)


def multilabel_margin_loss(input: Tensor, target: Any,  # noqa: A002
                           reduction: str = "mean") -> Tensor:
    """Multi-label hinge loss: every target class should beat every other class by 1.

    ``(1/C) sum_{j in targets} sum_{i not in targets} max(0, 1 - (x_j - x_i))``; the
    target row lists the sample's classes and ends at the first -1, as PyTorch.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> x = ag.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> round(F.multilabel_margin_loss(x, ag.tensor([[3, 0, -1, 1]])).item(), 4)
        0.85
    """
    name = "multilabel_margin_loss"
    x0 = _t(input, name, "input")
    t = np.asarray(target.numpy() if isinstance(target, Tensor) else target)
    if t.dtype.kind not in "iu" or t.shape != tuple(x0.shape) or x0.ndim not in (1, 2):
        raise ValueError(f"{name}: input {tuple(x0.shape)} must be (N, C) or (C,) and target "
                         f"integer class lists of the same shape, got {t.shape} ({t.dtype})")
    x, t = (x0.unsqueeze(0), t[None]) if x0.ndim == 1 else (x0, t)
    n, c = x.shape
    is_target = np.zeros((n, c), bool)
    pairs = np.zeros((n, c, c), x.dtype)                # [n, j, i]: target j against class i
    for b in range(n):
        stop = np.nonzero(t[b] < 0)[0]
        labels = t[b, :stop[0] if stop.size else c]
        if labels.size and labels.max() >= c:
            raise IndexError(f"{name}: target class {labels.max()} is out of range for {c} "
                             "classes")
        is_target[b, labels] = True
        pairs[b, labels] = 1.0
    pairs *= ~is_target[:, None, :]
    hinge = ag.clip(1.0 - (x.unsqueeze(2) - x.unsqueeze(1)), 0.0, None)   # (N, C, C)
    loss = (hinge * Tensor._make(pairs)).sum((1, 2)) / c
    if x0.ndim == 1:
        loss = loss[0]
    return _reduce(loss, reduction, name)


def poisson_nll_loss(input: Tensor, target: Any, log_input: bool = True,  # noqa: A002
                     full: bool = False, eps: float = 1e-8, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of a Poisson target: ``exp(x) - y x`` (or ``x - y log(x + eps)``).

    Args:
        log_input: the input is the log of the rate (else the rate itself).
        full: add Stirling's approximation of ``log(y!)``,
            ``y log y - y + 0.5 log(2 pi y)``, where y > 1.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.poisson_nll_loss(ag.tensor([0.0]), ag.tensor([2.0])).item()   # exp(0) - 2*0
        1.0
    """
    name = "poisson_nll_loss"
    x = _t(input, name, "input")
    y = _t(target, name, "target", like=x)
    _check(name, input=x, target=y)
    loss = x.exp() - y * x if log_input else x - y * (x + eps).log()
    if full:
        yd = y.numpy()
        big = yd > 1
        safe = np.where(big, yd, 1.0)
        stirling = np.where(big, safe * np.log(safe) - safe + 0.5 * np.log(2 * math.pi * safe),
                            0.0)
        loss = loss + Tensor._make(stirling.astype(loss.dtype))
    return _reduce(loss, reduction, name)


def _gaussian_var(x: Tensor, v: Tensor, name: str) -> Tensor:
    """``var`` shaped to broadcast against the input, as PyTorch allows it."""
    if tuple(v.shape) == tuple(x.shape):
        return v
    if x.ndim and tuple(v.shape) == tuple(x.shape[:-1]) + (1,):
        return v
    if x.ndim and tuple(v.shape) == tuple(x.shape[:-1]):
        return v.unsqueeze(-1)
    if v.ndim == 0 or tuple(v.shape) == (1,):
        return v
    raise ValueError(f"{name}: var of shape {tuple(v.shape)} must have the input's shape "
                     f"{tuple(x.shape)}, that shape with a last dim of 1 or without it")


def gaussian_nll_loss(input: Tensor, target: Any, var: Any, full: bool = False,  # noqa: A002
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of a Gaussian: ``0.5 (log var + (x - y)^2 / var)``.

    ``var`` is clamped at ``eps`` for the value only (the gradient passes as if
    unclamped), as PyTorch; ``full`` adds ``0.5 log(2 pi)``.

    Shape:
        input and target (N, *); var as the input, or with its last dim 1 or dropped
        (one variance per sample), or a scalar.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.gaussian_nll_loss(ag.tensor([1.0]), ag.tensor([3.0]), ag.tensor([1.0])).item()
        2.0
    """
    name = "gaussian_nll_loss"
    x = _t(input, name, "input")
    y = _t(target, name, "target", like=x)
    v = _gaussian_var(x, _t(var, name, "var", like=x), name)
    if np.broadcast_shapes(x.shape, y.shape) != tuple(x.shape):
        raise ValueError(f"{name}: target of shape {tuple(y.shape)} does not broadcast to the "
                         f"input's shape {tuple(x.shape)}")
    if (v.numpy() < 0).any():
        raise ValueError(f"{name}: var has negative entries")
    lift = np.maximum(v.numpy(), eps) - v.numpy()        # the clamp, without blocking the gradient
    v = v + Tensor._make(lift.astype(v.dtype))
    d = x - y
    loss = 0.5 * (v.log() + d * d / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction, name)
