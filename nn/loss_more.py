"""Loss modules for the margin, embedding, Poisson, Gaussian and CTC losses.

Each holds its options and calls its ``nn.functional`` loss (see
:mod:`nn.margin_losses` and ``ag.ctc_loss``); ``reduction`` is
``'mean'|'sum'|'none'``, and class weights are buffers, as PyTorch.
"""
from __future__ import annotations

from typing import Any

import autograd as ag
from autograd.tensor import Tensor

from . import margin_losses as M
from .loss import _as_buffer, _Loss

__all__ = ["CosineEmbeddingLoss", "MarginRankingLoss", "TripletMarginLoss",
           "HingeEmbeddingLoss", "SoftMarginLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss",
           "MultiLabelMarginLoss", "PoissonNLLLoss", "GaussianNLLLoss", "CTCLoss"]


class CosineEmbeddingLoss(_Loss):
    """``1 - cos(x1, x2)`` for similar pairs (y = 1), ``max(0, cos - margin)`` for y = -1.

    Shape:
        - input1, input2: (N, D) or (D,); target: (N,) or () of 1 / -1.
        - Output: scalar, or (N,) with ``reduction='none'``.

    Example:
        >>> import autograd as ag, nn
        >>> nn.CosineEmbeddingLoss()(ag.tensor([[1.0, 0.0]]), ag.tensor([[1.0, 0.0]]),
        ...                          ag.tensor([-1])).item()
        1.0
    """

    def __init__(self, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Any) -> Tensor:
        return M.cosine_embedding_loss(input1, input2, target, self.margin, self.reduction)


class MarginRankingLoss(_Loss):
    """``max(0, -y (x1 - x2) + margin)`` for ranking pairs.

    Shape:
        - input1, input2, target: (N,) or (); output scalar or (N,).
    """

    def __init__(self, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Any) -> Tensor:
        return M.margin_ranking_loss(input1, input2, target, self.margin, self.reduction)


class TripletMarginLoss(_Loss):
    """``max(d(a, p) - d(a, n) + margin, 0)`` with the pairwise p-norm distance d.

    Shape:
        - anchor, positive, negative: (N, D) or (D,); output scalar or (N,).
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                 swap: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return M.triplet_margin_loss(anchor, positive, negative, self.margin, self.p, self.eps,
                                     self.swap, self.reduction)


class HingeEmbeddingLoss(_Loss):
    """``x`` where y = 1, ``max(0, margin - x)`` where y = -1. Input and target alike."""

    def __init__(self, margin: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return M.hinge_embedding_loss(input, target, self.margin, self.reduction)


class SoftMarginLoss(_Loss):
    """Two-class logistic loss ``log(1 + exp(-y x))``. Input and target alike."""

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return M.soft_margin_loss(input, target, self.reduction)


class MultiLabelSoftMarginLoss(_Loss):
    """Per-class logistic loss averaged over classes.

    Shape:
        - input, target: (N, C); weight (C,); output scalar or (N,).
    """

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _as_buffer(weight))

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return M.multilabel_soft_margin_loss(input, target, self.weight, self.reduction)


class MultiMarginLoss(_Loss):
    """Multi-class hinge loss ``(1/C) sum_{i != y} max(0, margin - x_y + x_i)^p``.

    Shape:
        - input: (N, C) or (C,); target: (N,) or () class indices; output scalar or (N,).
    """

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        if p not in (1, 2):
            raise ValueError(f"MultiMarginLoss: only p == 1 and p == 2 are supported, got {p}")
        self.p, self.margin = p, margin
        self.register_buffer("weight", _as_buffer(weight))

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return M.multi_margin_loss(input, target, self.p, self.margin, self.weight,
                                   self.reduction)


class MultiLabelMarginLoss(_Loss):
    """Multi-label hinge loss; each target row lists its classes and ends at -1.

    Shape:
        - input: (N, C) or (C,); target: integers of the input's shape.
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return M.multilabel_margin_loss(input, target, self.reduction)


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood, ``exp(x) - y x`` for log-rates x.

    Example:
        >>> import autograd as ag, nn
        >>> nn.PoissonNLLLoss()(ag.zeros(3), ag.ones(3)).item()
        1.0
    """

    def __init__(self, log_input: bool = True, full: bool = False, eps: float = 1e-8,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Tensor, target: Any) -> Tensor:
        return M.poisson_nll_loss(log_input, target, self.log_input, self.full, self.eps,
                                  self.reduction)


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood ``0.5 (log var + (x - y)^2 / var)``.

    Shape:
        - input, target: (N, *); var: the input's shape, or with the last dim 1 or dropped.
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Tensor, target: Any, var: Any) -> Tensor:  # noqa: A002
        return M.gaussian_nll_loss(input, target, var, self.full, self.eps, self.reduction)


class CTCLoss(_Loss):
    """Connectionist temporal classification loss (``ag.ctc_loss``).

    Args:
        blank: the blank class.
        reduction: ``'mean'`` divides each loss by its target length, then averages.
        zero_infinity: impossible alignments give loss 0 and gradient 0.

    Shape:
        - log_probs: (T, N, C) or (T, C); targets: (N, S) padded or concatenated;
          input_lengths, target_lengths: (N,).
        - Output: scalar, or (N,) with ``reduction='none'``.

    Example:
        >>> import autograd as ag, nn
        >>> lp = ag.log_softmax(ag.zeros(4, 1, 3), 2)
        >>> round(nn.CTCLoss()(lp, ag.tensor([[1, 2]]), [4], [2]).item(), 4)
        0.8432
    """

    def __init__(self, blank: int = 0, reduction: str = "mean",
                 zero_infinity: bool = False) -> None:
        super().__init__(reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(self, log_probs: Tensor, targets: Any, input_lengths: Any,
                target_lengths: Any) -> Tensor:
        return ag.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank,
                           self.reduction, self.zero_infinity)
