"""AlexNet (Krizhevsky et al., 2012) with torchvision's module names."""
from __future__ import annotations

from typing import Any

from autograd.tensor import Tensor

from ..activation import ReLU
from ..containers import Sequential
from ..conv import Conv2d
from ..dropout import Dropout
from ..linear import Linear
from ..local_response_norm import LocalResponseNorm
from ..module import Module
from ..pooling import AdaptiveAvgPool2d, MaxPool2d
from ._weights import check_no_weights

__all__ = ["AlexNet", "alexnet"]


class AlexNet(Module):
    """Five convolutions and three fully connected layers, as torchvision's ``AlexNet``.

    Args:
        num_classes: output classes.
        dropout: dropout before the first two fully connected layers.
        small_input: a variant for 32x32 images (CIFAR): 3x3 stem with stride 1,
            2x2 pools and a 2x2 adaptive pool; module names stay torchvision's.
        local_response_norm: add the paper's LocalResponseNorm(5, 1e-4, 0.75, 2)
            after the first two ReLUs (torchvision leaves it out; indices then shift).

    Shape:
        - Input: ``(N, 3, 224, 224)`` (any size >= 63), or ``(N, 3, 32, 32)`` small.
        - Output: ``(N, num_classes)``.

    Example:
        >>> import autograd as ag, nn
        >>> model = nn.models.alexnet(num_classes=10, small_input=True)
        >>> model(ag.randn(2, 3, 32, 32)).shape
        (2, 10)
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5, small_input: bool = False,
                 local_response_norm: bool = False) -> None:
        super().__init__()
        lrn = [LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0)] if local_response_norm else []
        if small_input:  # 32 -> 16 -> 8 -> 4, then 2x2
            stem: list = [Conv2d(3, 64, 3, stride=1, padding=1), ReLU(inplace=True), *lrn,
                          MaxPool2d(2)]
            pool2, pool3, side = MaxPool2d(2), MaxPool2d(2), 2
        else:
            stem = [Conv2d(3, 64, 11, stride=4, padding=2), ReLU(inplace=True), *lrn,
                    MaxPool2d(3, 2)]
            pool2, pool3, side = MaxPool2d(3, 2), MaxPool2d(3, 2), 6
        self.features = Sequential(
            *stem,  # (N, 64, ...)
            Conv2d(64, 192, 5, padding=2), ReLU(inplace=True), *[type(m)(5, 1e-4, 0.75, 2.0)
                                                                  for m in lrn], pool2,
            Conv2d(192, 384, 3, padding=1), ReLU(inplace=True),
            Conv2d(384, 256, 3, padding=1), ReLU(inplace=True),
            Conv2d(256, 256, 3, padding=1), ReLU(inplace=True), pool3,  # (N, 256, ., .)
        )
        self.avgpool = AdaptiveAvgPool2d((side, side))
        self.classifier = Sequential(
            Dropout(p=dropout), Linear(256 * side * side, 4096), ReLU(inplace=True),
            Dropout(p=dropout), Linear(4096, 4096), ReLU(inplace=True),
            Linear(4096, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        x = self.avgpool(self.features(x))  # (N, 256, 6, 6)
        return self.classifier(x.flatten(1))  # (N, num_classes)


def alexnet(*, weights: Any = None, **kwargs: Any) -> AlexNet:
    """Build :class:`AlexNet` (61,100,840 parameters at 1000 classes); ``weights`` must be None."""
    check_no_weights("alexnet", weights, kwargs)
    return AlexNet(**kwargs)
