"""Connectionist temporal classification (CTC) loss, as ``torch.nn.functional.ctc_loss``.

CTC scores a label sequence against per-frame class scores without knowing
where each label sits in time (Graves et al., 2006). A frame-level *path*
(one class per frame, with a ``blank`` class) maps to a labelling by merging
repeats and then dropping blanks; the loss is ``-log`` of the summed
probability of every path that maps to the target. The sum is the standard
forward-backward recursion over the target with a blank between and around
its labels (the *extended* target ``l'``, length ``2S + 1``), in log space so
long sequences do not underflow:

- forward: ``α_t(s) = (α_{t-1}(s) ⊕ α_{t-1}(s-1) ⊕ [skip] α_{t-1}(s-2)) + y_t(l'_s)``,
  where ``⊕`` is log-add-exp and the skip from ``s-2`` is allowed when
  ``l'_s`` is a label different from ``l'_{s-2}``; ``log p = α_{T-1}(S'-1) ⊕ α_{T-1}(S'-2)``;
- backward: ``β_t(s)`` the same recursion run from the end;
- gradient: ``∂(-log p)/∂y_t(k) = -Σ_{s: l'_s = k} exp(α_t(s) + β_t(s) - y_t(k) - log p)``.

That gradient is the exact derivative with respect to the given log-probabilities
(it passes gradcheck on any input). PyTorch's backward also adds ``exp(y_t(k))``,
which assumes the input came from ``log_softmax``: through a ``log_softmax`` the two
agree, which is how the tests compare them with PyTorch.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import OpError
from ..function import Function
from ..mode import STATE
from ..registry import register
from ..tensor import Tensor
from ._common import tensor_arg


def _shift(a: np.ndarray, k: int) -> np.ndarray:
    """``a`` moved ``k`` places right (k > 0) or left (k < 0) along the last axis, -inf in."""
    out = np.full_like(a, -np.inf)
    if k > 0:
        out[..., k:] = a[..., :-k]
    else:
        out[..., :k] = a[..., -k:]
    return out


def _lse3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    return np.logaddexp(np.logaddexp(a, b), c)


def _one_sequence(lp: np.ndarray, target: np.ndarray, blank: int) -> tuple[float, np.ndarray]:
    """-log p of one target under frames ``lp`` (T, C), and its gradient (T, C)."""
    t_len = lp.shape[0]
    ext = np.full(2 * len(target) + 1, blank, np.int64)       # l' = blank, l1, blank, ...
    ext[1::2] = target
    n_ext = len(ext)
    skip = np.zeros(n_ext, bool)                                # may jump from s-2 to s
    skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
    emit = lp[:, ext]                                           # (T, S') y_t(l'_s)
    alpha = np.full((t_len, n_ext), -np.inf)
    alpha[0, :2] = emit[0, :2]
    for t in range(1, t_len):
        a = alpha[t - 1]
        alpha[t] = _lse3(a, _shift(a, 1), np.where(skip, _shift(a, 2), -np.inf)) + emit[t]
    beta = np.full((t_len, n_ext), -np.inf)
    beta[-1, -2:] = emit[-1, -2:]
    skip_from = np.append(skip[2:], [False, False])            # s -> s+2 allowed
    for t in range(t_len - 2, -1, -1):
        b = beta[t + 1]
        beta[t] = _lse3(b, _shift(b, -1), np.where(skip_from, _shift(b, -2), -np.inf)) + emit[t]
    loglik = np.logaddexp(alpha[-1, -1], alpha[-1, -2] if n_ext > 1 else -np.inf)
    occ = alpha + beta - emit - loglik                         # log occupation of (t, s)
    occ = np.where(np.isneginf(alpha) | np.isneginf(beta), 0.0, np.exp(occ))
    grad = np.zeros_like(lp)
    np.add.at(grad, (np.arange(t_len)[:, None], ext[None, :]), -occ)
    return -loglik, grad


class CTCLoss(Function):
    """Per-sequence CTC negative log-likelihood of log-probabilities (T, N, C)."""

    symbol = "CTC"

    @staticmethod
    def forward(ctx, log_probs, targets, input_lengths, blank, zero_infinity):
        t_max, n, _ = log_probs.shape
        lp = log_probs.astype(np.float64)
        nll = np.zeros(n)
        grads = np.zeros(lp.shape)
        with np.errstate(invalid="ignore", over="ignore"):
            for b in range(n):
                t_b = int(input_lengths[b])
                nll[b], grads[:t_b, b] = _one_sequence(lp[:t_b, b], targets[b], blank)
        gone = np.isinf(nll)  # no path fits (input too short): PyTorch's nan gradient, or 0
        nll[gone & bool(zero_infinity)] = 0.0
        grads[:, gone] = 0.0 if zero_infinity else np.nan
        ctx.grads = grads.astype(log_probs.dtype)
        ctx.save_for_backward(log_probs)
        return nll.astype(log_probs.dtype)

    @staticmethod
    def backward(ctx, grad):
        g = ctx.grads
        if not STATE.grad_enabled:
            return Tensor._make(grad.array[None, :, None] * g), None, None, None, None
        (log_probs,) = ctx.saved_tensors
        return _CTCGrad.apply(grad, log_probs, g), None, None, None, None


class _CTCGrad(Function):
    """The recorded CTC gradient ``grad * G``; its own derivative in the log-probabilities
    is not implemented (as in PyTorch), so a second derivative raises instead of being 0."""

    symbol = "CTC′"

    @staticmethod
    def forward(ctx, grad, log_probs, g):
        ctx.g = g
        return grad[None, :, None] * g

    @staticmethod
    def backward(ctx, gg):
        if ctx.needs_input_grad[1]:
            raise RuntimeError("ctc_loss: the second derivative of ctc_loss is not "
                               "implemented (neither is it in PyTorch)")
        return (gg * Tensor._make(ctx.g)).sum((0, 2)), None, None


def _ints(x: Any, what: str) -> np.ndarray:
    arr = np.asarray(x.array if isinstance(x, Tensor) else x)
    if arr.size and arr.dtype.kind not in "iu":
        raise TypeError(f"ctc_loss: {what} must hold integers, got dtype {arr.dtype}")
    return arr.astype(np.int64)


def _split_targets(tg: np.ndarray, tl: np.ndarray, c: int, blank: int) -> list:
    """The target of each sequence, from padded (N, S) or concatenated (sum(lengths),)."""
    n = len(tl)
    if tg.ndim == 2:
        if tg.shape[0] != n or (n and tg.shape[1] < tl.max()):
            raise OpError(f"ctc_loss: padded targets of shape {tg.shape} must be (N, S) "
                             f"with N = {n} and S >= the longest target length {tl.max()}")
        seqs = [tg[b, :tl[b]] for b in range(n)]
    elif tg.ndim == 1:
        if tg.shape[0] != tl.sum():
            raise OpError(f"ctc_loss: concatenated targets of shape {tg.shape} must have "
                             f"sum(target_lengths) = {tl.sum()} elements")
        seqs = np.split(tg, np.cumsum(tl)[:-1])
    else:
        raise OpError(f"ctc_loss: targets must be (N, S) or 1-D, got shape {tg.shape}")
    for s in seqs:
        if s.size and (s.min() < 0 or s.max() >= c or (s == blank).any()):
            raise OpError(f"ctc_loss: target values must be classes in [0, {c}) other than "
                             f"the blank ({blank}), got {s.tolist()}")
    return seqs


def _lengths(input_lengths: Any, target_lengths: Any, t_max: int, n: int) -> tuple:
    il, tl = _ints(input_lengths, "input_lengths"), _ints(target_lengths, "target_lengths")
    if il.reshape(-1).shape != (n,) or tl.reshape(-1).shape != (n,):
        raise OpError(f"ctc_loss: input_lengths {il.shape} and target_lengths {tl.shape} "
                         f"must each hold one length per sequence (batch size {n})")
    il, tl = il.reshape(-1), tl.reshape(-1)
    if n and (il.min() < 1 or il.max() > t_max or tl.min() < 0):
        raise OpError(f"ctc_loss: input_lengths must be in [1, {t_max}] (the input has "
                         f"{t_max} frames) and target_lengths >= 0, got {il.tolist()} and "
                         f"{tl.tolist()}")
    return il, tl


@register(functional=True)
def ctc_loss(log_probs: Any, targets: Any, input_lengths: Any, target_lengths: Any,
             blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """Connectionist temporal classification loss, by the forward-backward recursion.

    Args:
        log_probs: (T, N, C) log-probabilities per frame (usually ``log_softmax(x, 2)``),
            or (T, C) for one sequence.
        targets: padded (N, S) or concatenated (sum(target_lengths),) class indices;
            the blank never appears in a target.
        input_lengths: (N,) frames used per sequence, each in [1, T].
        target_lengths: (N,) labels per sequence.
        blank: the blank class.
        reduction: ``'mean'`` (each loss divided by its target length, then the batch
            mean, as PyTorch), ``'sum'`` or ``'none'`` (one loss per sequence).
        zero_infinity: an impossible alignment (input too short) gives loss 0 and
            gradient 0 instead of inf.

    Shape:
        (T, N, C) -> scalar, or (N,) with ``reduction='none'``.

    Example:
        >>> import numpy as np, autograd as ag
        >>> lp = ag.tensor(np.log(np.full((2, 1, 2), 0.5)))   # 2 frames, blank + 1 class
        >>> round(ag.ctc_loss(lp, ag.tensor([[1]]), [2], [1], reduction="sum").item(), 4)
        0.2877
    """
    x = tensor_arg(log_probs, "ctc_loss", "log_probs")
    if reduction not in ("mean", "sum", "none"):
        raise OpError(f"ctc_loss: reduction must be 'mean', 'sum' or 'none', got "
                         f"{reduction!r}")
    if x.ndim == 2:
        out = ctc_loss(x.unsqueeze(1), _ints(targets, "targets").reshape(1, -1),
                       _ints(input_lengths, "input_lengths").reshape(1),
                       _ints(target_lengths, "target_lengths").reshape(1), blank, reduction,
                       zero_infinity)
        return out[0] if reduction == "none" else out
    if x.ndim != 3 or x.dtype.kind != "f":
        raise OpError(f"ctc_loss: log_probs must be a float (T, N, C) or (T, C) tensor, "
                         f"got shape {tuple(x.shape)} and dtype {x.dtype}")
    t_max, n, c = x.shape
    if not 0 <= blank < c:
        raise OpError(f"ctc_loss: blank must be a class in [0, {c}), got {blank}")
    il, tl = _lengths(input_lengths, target_lengths, t_max, n)
    seqs = _split_targets(_ints(targets, "targets"), tl, c, blank)
    nll = CTCLoss.apply(x, seqs, il, blank, bool(zero_infinity))  # (N,)
    if reduction == "none":
        return nll
    if reduction == "sum":
        return nll.sum()
    return (nll / Tensor._make(np.maximum(tl, 1).astype(x.dtype))).mean()
