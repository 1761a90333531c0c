"""GoogLeNet / Inception v1 (Szegedy et al., 2015) with torchvision's module names."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import autograd as ag
from autograd.ops.pool import adaptive_avg_pool2d
from autograd.tensor import Tensor

from .. import init
from ..containers import Sequential
from ..conv import Conv2d
from ..dropout import Dropout
from ..linear import Identity, Linear
from ..module import Module
from ..norm import BatchNorm2d
from ..pooling import AdaptiveAvgPool2d, MaxPool2d
from ._weights import check_no_weights

__all__ = ["GoogLeNet", "GoogLeNetOutputs", "Inception", "InceptionAux", "BasicConv2d",
           "googlenet"]

#: what a training-mode forward returns when the auxiliary classifiers are on
GoogLeNetOutputs = namedtuple("GoogLeNetOutputs", ["logits", "aux_logits2", "aux_logits1"])


class BasicConv2d(Module):
    """Conv (no bias) - BatchNorm (eps 0.001) - ReLU."""

    def __init__(self, in_channels: int, out_channels: int, **kwargs: Any) -> None:
        super().__init__()
        self.conv = Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x: Tensor) -> Tensor:
        return self.bn(self.conv(x)).relu()


class Inception(Module):
    """Four parallel branches (1x1; 1x1-3x3; 1x1-3x3; pool-1x1) concatenated on channels.

    As torchvision, the third branch uses a 3x3 convolution where the paper has 5x5.
    """

    def __init__(self, in_channels: int, ch1x1: int, ch3x3red: int, ch3x3: int, ch5x5red: int,
                 ch5x5: int, pool_proj: int) -> None:
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = Sequential(BasicConv2d(in_channels, ch3x3red, kernel_size=1),
                                  BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1))
        self.branch3 = Sequential(BasicConv2d(in_channels, ch5x5red, kernel_size=1),
                                  BasicConv2d(ch5x5red, ch5x5, kernel_size=3, padding=1))
        self.branch4 = Sequential(MaxPool2d(3, stride=1, padding=1, ceil_mode=True),
                                  BasicConv2d(in_channels, pool_proj, kernel_size=1))

    def forward(self, x: Tensor) -> Tensor:
        outs = [self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)]
        return ag.cat(outs, 1)  # (N, ch1x1 + ch3x3 + ch5x5 + pool_proj, H, W)


class InceptionAux(Module):
    """Auxiliary classifier: 4x4 average pool, 1x1 conv, two linear layers."""

    def __init__(self, in_channels: int, num_classes: int, dropout: float = 0.7) -> None:
        super().__init__()
        self.conv = BasicConv2d(in_channels, 128, kernel_size=1)
        self.fc1 = Linear(2048, 1024)
        self.fc2 = Linear(1024, num_classes)
        self.dropout = Dropout(p=dropout)

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv(adaptive_avg_pool2d(x, (4, 4))).flatten(1)  # (N, 2048)
        return self.fc2(self.dropout(self.fc1(x).relu()))  # (N, num_classes)


_BLOCKS = {  # name: (in, 1x1, 3x3 reduce, 3x3, "5x5" reduce, "5x5", pool proj)
    "inception3a": (192, 64, 96, 128, 16, 32, 32),
    "inception3b": (256, 128, 128, 192, 32, 96, 64),
    "inception4a": (480, 192, 96, 208, 16, 48, 64),
    "inception4b": (512, 160, 112, 224, 24, 64, 64),
    "inception4c": (512, 128, 128, 256, 24, 64, 64),
    "inception4d": (512, 112, 144, 288, 32, 64, 64),
    "inception4e": (528, 256, 160, 320, 32, 128, 128),
    "inception5a": (832, 256, 160, 320, 32, 128, 128),
    "inception5b": (832, 384, 192, 384, 48, 128, 128),
}


class GoogLeNet(Module):
    """Nine Inception blocks between a convolutional stem and a linear head.

    Args:
        num_classes: output classes.
        aux_logits: add the two auxiliary classifiers (used in training only).
        transform_input: rescale ImageNet-normalised input as torchvision's does.
        init_weights: torchvision's init (truncated normal, std 0.01).
        dropout, dropout_aux: dropout before the head / in the auxiliary heads.
        small_input: a 32x32 (CIFAR) stem: ``conv1`` 3x3 with stride 1, no
            ``maxpool1`` / ``maxpool2``; module names unchanged.

    Shape:
        - Input: ``(N, 3, H, W)``; Output: ``(N, num_classes)`` logits, or in training
          with aux_logits a ``GoogLeNetOutputs(logits, aux_logits2, aux_logits1)``.

    Example:
        >>> import autograd as ag, nn
        >>> model = nn.models.googlenet(num_classes=10, aux_logits=False, small_input=True)
        >>> model.eval()(ag.randn(1, 3, 32, 32)).shape
        (1, 10)
    """

    def __init__(self, num_classes: int = 1000, aux_logits: bool = True,
                 transform_input: bool = False, init_weights: bool | None = None,
                 dropout: float = 0.2, dropout_aux: float = 0.7,
                 small_input: bool = False) -> None:
        super().__init__()
        self.aux_logits, self.transform_input = aux_logits, transform_input
        if small_input:
            self.conv1 = BasicConv2d(3, 64, kernel_size=3, stride=1, padding=1)
            self.maxpool1: Module = Identity()
        else:
            self.conv1 = BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
            self.maxpool1 = MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = BasicConv2d(64, 64, kernel_size=1)
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = Identity() if small_input else MaxPool2d(3, stride=2, ceil_mode=True)
        for name in ("inception3a", "inception3b"):
            setattr(self, name, Inception(*_BLOCKS[name]))
        self.maxpool3 = MaxPool2d(3, stride=2, ceil_mode=True)
        for name in ("inception4a", "inception4b", "inception4c", "inception4d", "inception4e"):
            setattr(self, name, Inception(*_BLOCKS[name]))
        self.maxpool4 = MaxPool2d(2, stride=2, ceil_mode=True)
        self.inception5a = Inception(*_BLOCKS["inception5a"])
        self.inception5b = Inception(*_BLOCKS["inception5b"])
        if aux_logits:
            self.aux1: Module | None = InceptionAux(512, num_classes, dropout=dropout_aux)
            self.aux2: Module | None = InceptionAux(528, num_classes, dropout=dropout_aux)
        else:
            self.aux1 = self.aux2 = None
        self.avgpool = AdaptiveAvgPool2d((1, 1))
        self.dropout = Dropout(p=dropout)
        self.fc = Linear(1024, num_classes)
        if init_weights is None or init_weights:
            for m in self.modules():
                if isinstance(m, (Conv2d, Linear)):
                    init.trunc_normal_(m.weight, mean=0.0, std=0.01, a=-2, b=2)
                elif isinstance(m, BatchNorm2d):
                    init.ones_(m.weight)
                    init.zeros_(m.bias)

    def _transform_input(self, x: Tensor) -> Tensor:
        if not self.transform_input:
            return x
        chans = [x[:, i:i + 1] * (s / 0.5) + (m - 0.5) / 0.5
                 for i, (m, s) in enumerate(((0.485, 0.229), (0.456, 0.224), (0.406, 0.225)))]
        return ag.cat(chans, 1)

    def forward(self, x: Tensor) -> Any:
        x = self._transform_input(x)
        x = self.maxpool1(self.conv1(x))  # (N, 64, 56, 56) at 224
        x = self.maxpool2(self.conv3(self.conv2(x)))  # (N, 192, 28, 28)
        x = self.maxpool3(self.inception3b(self.inception3a(x)))  # (N, 480, 14, 14)
        x = self.inception4a(x)  # (N, 512, 14, 14)
        aux1 = self.aux1(x) if self.aux1 is not None and self.training else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))  # (N, 528, 14, 14)
        aux2 = self.aux2(x) if self.aux2 is not None and self.training else None
        x = self.maxpool4(self.inception4e(x))  # (N, 832, 7, 7)
        x = self.inception5b(self.inception5a(x))  # (N, 1024, 7, 7)
        x = self.fc(self.dropout(self.avgpool(x).flatten(1)))  # (N, num_classes)
        if self.training and self.aux_logits:
            return GoogLeNetOutputs(x, aux2, aux1)
        return x


def googlenet(*, weights: Any = None, **kwargs: Any) -> GoogLeNet:
    """Build :class:`GoogLeNet` (6,624,904 parameters without the auxiliary heads)."""
    check_no_weights("googlenet", weights, kwargs)
    return GoogLeNet(**kwargs)
