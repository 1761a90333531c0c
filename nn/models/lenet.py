"""LeNet-5 (LeCun et al., 1998), the course's first CNN, for 28x28 digits."""
from __future__ import annotations

from typing import Any

from autograd.tensor import Tensor

from ..activation import ReLU, Sigmoid
from ..containers import Sequential
from ..conv import Conv2d
from ..linear import Flatten, Linear
from ..module import Module
from ..pooling import AvgPool2d, MaxPool2d
from ._weights import check_no_weights

__all__ = ["LeNet", "lenet"]


class LeNet(Module):
    """conv(6, 5x5) - pool - conv(16, 5x5) - pool - 120 - 84 - ``num_classes``.

    Args:
        num_classes: output classes.
        in_channels: image channels (1 for MNIST).
        activation: ``'relu'`` (default) or ``'sigmoid'`` (the 1998 network).
        pool: ``'max'`` (default) or ``'avg'`` (the 1998 subsampling).

    Shape:
        - Input: ``(N, in_channels, 28, 28)``; Output: ``(N, num_classes)`` logits.

    Example:
        >>> import autograd as ag, nn
        >>> model = nn.models.lenet()
        >>> model(ag.randn(2, 1, 28, 28)).shape, sum(p.numel() for p in model.parameters())
        ((2, 10), 61706)
    """

    def __init__(self, num_classes: int = 10, in_channels: int = 1, activation: str = "relu",
                 pool: str = "max") -> None:
        super().__init__()
        if activation not in ("relu", "sigmoid") or pool not in ("max", "avg"):
            raise ValueError(f"LeNet: activation must be 'relu' or 'sigmoid' and pool 'max' or "
                             f"'avg', got {activation!r} and {pool!r}")
        act = ReLU if activation == "relu" else Sigmoid
        pooling = MaxPool2d if pool == "max" else AvgPool2d
        self.features = Sequential(
            Conv2d(in_channels, 6, 5, padding=2), act(), pooling(2),  # (N, 6, 14, 14)
            Conv2d(6, 16, 5), act(), pooling(2),  # (N, 16, 5, 5)
        )
        self.classifier = Sequential(
            Flatten(), Linear(16 * 5 * 5, 120), act(), Linear(120, 84), act(),
            Linear(84, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(x))  # (N, num_classes)


def lenet(*, weights: Any = None, **kwargs: Any) -> LeNet:
    """Build :class:`LeNet`; ``weights`` must be None (no pretrained weights offline)."""
    check_no_weights("lenet", weights, kwargs)
    return LeNet(**kwargs)
