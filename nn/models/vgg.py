"""VGG (Simonyan & Zisserman, 2015), configurations A (vgg11) and D (vgg16), torchvision's names."""
from __future__ import annotations

from typing import Any

from autograd.tensor import Tensor

from .. import init
from ..activation import ReLU
from ..containers import Sequential
from ..conv import Conv2d
from ..dropout import Dropout
from ..linear import Linear
from ..module import Module
from ..norm import BatchNorm2d
from ..pooling import AdaptiveAvgPool2d, MaxPool2d
from ._weights import check_no_weights

__all__ = ["VGG", "make_layers", "vgg11", "vgg11_bn", "vgg16", "vgg16_bn", "CFGS"]

#: conv widths per configuration; "M" is a 2x2 max pool
CFGS: dict[str, list[Any]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
}


def make_layers(cfg: list[Any], batch_norm: bool = False) -> Sequential:
    """3x3 convolutions (padding 1) with ReLU, optional BatchNorm, and 2x2 max pools."""
    layers: list[Module] = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(Conv2d(in_channels, v, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(BatchNorm2d(v))
        layers.append(ReLU(inplace=True))
        in_channels = v
    return Sequential(*layers)


class VGG(Module):
    """Stacks of 3x3 convolutions, an adaptive 7x7 pool and three fully connected layers.

    Args:
        features: the convolutional part (see :func:`make_layers`).
        num_classes: output classes.
        init_weights: torchvision's init (kaiming-normal convs, N(0, 0.01) linears).
        dropout: dropout in the classifier.

    Shape:
        - Input: ``(N, 3, H, W)`` with H, W >= 32; Output: ``(N, num_classes)``.
    """

    def __init__(self, features: Module, num_classes: int = 1000, init_weights: bool = True,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.features = features
        self.avgpool = AdaptiveAvgPool2d((7, 7))
        self.classifier = Sequential(
            Linear(512 * 7 * 7, 4096), ReLU(True), Dropout(p=dropout),
            Linear(4096, 4096), ReLU(True), Dropout(p=dropout),
            Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, Conv2d):
                    init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        init.zeros_(m.bias)
                elif isinstance(m, BatchNorm2d):
                    init.ones_(m.weight)
                    init.zeros_(m.bias)
                elif isinstance(m, Linear):
                    init.normal_(m.weight, 0, 0.01)
                    init.zeros_(m.bias)

    def forward(self, x: Tensor) -> Tensor:
        x = self.avgpool(self.features(x))  # (N, 512, 7, 7)
        return self.classifier(x.flatten(1))  # (N, num_classes)


def _vgg(name: str, cfg: str, batch_norm: bool, weights: Any, kwargs: dict) -> VGG:
    check_no_weights(name, weights, kwargs)
    return VGG(make_layers(CFGS[cfg], batch_norm=batch_norm), **kwargs)


def vgg11(*, weights: Any = None, **kwargs: Any) -> VGG:
    """VGG-11 (configuration A), 132,863,336 parameters at 1000 classes.

    Example:
        >>> [type(m).__name__ for m in make_layers(CFGS["A"])][:3]   # vgg11().features
        ['Conv2d', 'ReLU', 'MaxPool2d']
    """
    return _vgg("vgg11", "A", False, weights, kwargs)


def vgg11_bn(*, weights: Any = None, **kwargs: Any) -> VGG:
    """VGG-11 with BatchNorm after every convolution."""
    return _vgg("vgg11_bn", "A", True, weights, kwargs)


def vgg16(*, weights: Any = None, **kwargs: Any) -> VGG:
    """VGG-16 (configuration D), 138,357,544 parameters at 1000 classes."""
    return _vgg("vgg16", "D", False, weights, kwargs)


def vgg16_bn(*, weights: Any = None, **kwargs: Any) -> VGG:
    """VGG-16 with BatchNorm after every convolution."""
    return _vgg("vgg16_bn", "D", True, weights, kwargs)
