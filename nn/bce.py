"""Binary cross-entropy on probabilities as one node, with PyTorch's gradient at p = 0 and 1.

Written from primitives, ``-(y log p + (1 - y) log(1 - p))`` with each log
clamped at -100 has a zero gradient where p saturates (the clamp is flat), so
a sigmoid output that rounded to exactly 0 or 1 stops learning. PyTorch's
backward is the closed form instead, ``(p - y) / max(p (1 - p), 1e-12)``,
which at saturation is large and points the right way; this op gives the
same, and refuses NaN input as PyTorch does.
"""
from __future__ import annotations

import numpy as np

import autograd as ag
from autograd.function import Function
from autograd.tensor import Tensor

__all__ = ["BinaryCrossEntropy", "InputRangeError", "bce_terms", "clamped_log"]

#: PyTorch's epsilon in the backward of binary_cross_entropy
EPS = 1e-12


class InputRangeError(RuntimeError, ValueError):
    """A value outside the range an op accepts (PyTorch raises RuntimeError; ValueError kept)."""


def clamped_log(p: Tensor) -> Tensor:
    """``max(log p, -100)``, with log 0 = -100 and a zero gradient there, as PyTorch's BCE."""
    tiny = float(np.finfo(p.dtype).tiny)
    safe_log = ag.clip(p, tiny, None).log()
    return ag.clip(ag.where(p.numpy() > 0, safe_log, -100.0), -100.0, None)


def _clamped_log_np(p: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(p), -100.0).astype(p.dtype, copy=False)


class BinaryCrossEntropy(Function):
    """Elementwise ``-(y max(log p, -100) + (1 - y) max(log(1 - p), -100))``."""

    symbol = "BCE"

    @staticmethod
    def forward(ctx, p, y):
        ctx.save_for_backward(p, y)
        return -(y * _clamped_log_np(p) + (1 - y) * _clamped_log_np(1 - p))

    @staticmethod
    def backward(ctx, grad):
        p, y = ctx.saved_tensors
        need_p, need_y = ctx.needs_input_grad
        gp = gy = None
        if need_p:  # (p - y) / max(p (1 - p), eps), as PyTorch
            gp = grad * (p - y) / ag.clip(p * (1.0 - p), EPS, None)
        if need_y:
            gy = grad * (clamped_log(1.0 - p) - clamped_log(p))
        return gp, gy


def bce_terms(p: Tensor, y: Tensor, op: str = "binary_cross_entropy") -> Tensor:
    """The unreduced binary cross-entropy of probabilities ``p`` against targets ``y``.

    Args:
        p: probabilities, each in [0, 1] (NaN is refused, as PyTorch).
        y: targets of ``p``'s shape.

    Raises:
        InputRangeError: an element of ``p`` is outside [0, 1] or NaN.

    Example:
        >>> import autograd as ag
        >>> round(bce_terms(ag.tensor([0.5]), ag.tensor([1.0])).item(), 4)
        0.6931
    """
    a = p.numpy()
    nan = bool(np.isnan(a).any())
    if a.size and (nan or a.min() < 0 or a.max() > 1):
        finite = a[~np.isnan(a)]
        seen = f"range [{finite.min()}, {finite.max()}]" if finite.size else "only NaN"
        raise InputRangeError(
            f"{op}: all elements of input should be between 0 and 1, got {seen}"
            f"{' and NaN' if nan and finite.size else ''} in an input of shape "
            f"{tuple(p.shape)}; for logits use binary_cross_entropy_with_logits")
    return BinaryCrossEntropy.apply(p, y)
