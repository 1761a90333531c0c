"""Loss modules: each holds its options and calls the ``nn.functional`` loss.

Every loss takes ``reduction='mean'|'sum'|'none'``. Class weights and
``pos_weight`` are registered as buffers, as PyTorch (so they appear in
``state_dict()``).
"""
from __future__ import annotations

from typing import Any

from autograd.tensor import Tensor

from . import functional as F
from .module import Module

__all__ = ["MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "CrossEntropyLoss", "NLLLoss",
           "BCELoss", "BCEWithLogitsLoss", "KLDivLoss"]

_REDUCTIONS = ("mean", "sum", "none")


def _as_buffer(value: Any) -> Tensor | None:
    if value is None or isinstance(value, Tensor):
        return value
    return Tensor(value)


class _Loss(Module):
    _reductions: tuple = _REDUCTIONS

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in self._reductions:
            raise ValueError(f"{type(self).__name__}: reduction must be one of "
                             f"{self._reductions}, got {reduction!r}")
        self.reduction = reduction


class MSELoss(_Loss):
    """Mean squared error ``(x - y)^2``.

    Shape:
        - Input and target: the same shape ``(*)``.
        - Output: scalar, or ``(*)`` with ``reduction='none'``.

    Example:
        >>> import autograd as ag, nn
        >>> nn.MSELoss()(ag.tensor([0.0, 2.0]), ag.tensor([1.0, 1.0])).item()
        1.0
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error ``|x - y|``. Shapes as :class:`MSELoss`."""

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return F.l1_loss(input, target, self.reduction)


class HuberLoss(_Loss):
    """Quadratic for ``|x - y| < delta``, linear beyond (robust to outliers).

    Example:
        >>> import autograd as ag, nn
        >>> nn.HuberLoss(delta=1.0)(ag.tensor([0.5, 3.0]), ag.zeros(2)).item()
        1.3125
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return F.huber_loss(input, target, self.reduction, self.delta)


class SmoothL1Loss(_Loss):
    """Huber loss over ``beta``: ``0.5 d^2 / beta`` for ``|d| < beta``, else ``|d| - beta/2``."""

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy from raw logits (the engine's fused, stable op).

    Args:
        weight: per-class weights ``(C,)``.
        ignore_index: class-index target value that is skipped.
        reduction: ``'mean'`` is the weighted mean over non-ignored targets.
        label_smoothing: in [0, 1]; the target becomes (1 - s) target + s / C.

    Shape:
        - Input: ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)`` logits.
        - Target: class indices ``(N)`` / ``(N, d1, ...)`` (int), or class
          probabilities with the input's shape (float).
        - Output: scalar, or ``(N)`` / ``(N, d1, ...)`` with ``reduction='none'``.

    Example:
        >>> import autograd as ag, nn
        >>> loss = nn.CrossEntropyLoss()(ag.zeros(3, 5, requires_grad=True), ag.tensor([1, 0, 4]))
        >>> round(loss.item(), 4)   # log 5
        1.6094
    """

    def __init__(self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(f"CrossEntropyLoss: label_smoothing must be in [0, 1], "
                             f"got {label_smoothing}")
        self.register_buffer("weight", _as_buffer(weight))
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return F.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction,
                               self.label_smoothing)


class NLLLoss(_Loss):
    """Negative log-likelihood of the target class; pair it with ``LogSoftmax(dim=1)``.

    Shapes as :class:`CrossEntropyLoss` with class-index targets; the input holds
    log-probabilities.
    """

    def __init__(self, weight: Any = None, ignore_index: int = -100,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _as_buffer(weight))
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy on probabilities in [0, 1] (logs clamped at -100).

    Prefer :class:`BCEWithLogitsLoss` on raw scores: it is stable for large |x|.
    """

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _as_buffer(weight))

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid and binary cross-entropy in one numerically stable expression.

    Args:
        weight: rescales each element's loss (broadcast to the input).
        pos_weight: weight of the positive class per output (broadcast along the
            last dim); > 1 raises recall, < 1 precision.

    Example:
        >>> import autograd as ag, nn
        >>> crit = nn.BCEWithLogitsLoss(pos_weight=ag.tensor([3.0]))
        >>> round(crit(ag.zeros(4, 1), ag.ones(4, 1)).item(), 4)   # 3 * log 2
        2.0794
    """

    def __init__(self, weight: Any = None, reduction: str = "mean",
                 pos_weight: Any = None) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _as_buffer(weight))
        self.register_buffer("pos_weight", _as_buffer(pos_weight))

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction,
                                                  self.pos_weight)


class KLDivLoss(_Loss):
    """KL divergence ``y (log y - x)`` with the input x as log-probabilities.

    Use ``reduction='batchmean'`` for the mathematical KL divergence per sample.
    """

    _reductions = _REDUCTIONS + ("batchmean",)

    def __init__(self, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__(reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return F.kl_div(input, target, self.reduction, self.log_target)
