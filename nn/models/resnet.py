"""ResNet-18 and ResNet-34 (He et al., 2016) with torchvision's module names."""
from __future__ import annotations

from typing import Any

from autograd.tensor import Tensor

from .. import init
from ..activation import ReLU
from ..containers import Sequential
from ..conv import Conv2d
from ..linear import Identity, Linear
from ..module import Module
from ..norm import BatchNorm2d
from ..pooling import AdaptiveAvgPool2d, MaxPool2d
from ._weights import check_no_weights

__all__ = ["BasicBlock", "ResNet", "resnet18", "resnet34"]


class BasicBlock(Module):
    """Two 3x3 conv-BN layers and an identity (or 1x1 projection) shortcut.

    ``out = relu(bn2(conv2(relu(bn1(conv1(x))))) + downsample(x))``
    """

    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1,
                 downsample: Module | None = None) -> None:
        super().__init__()
        self.conv1 = Conv2d(inplanes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = BatchNorm2d(planes)
        self.relu = ReLU(inplace=True)
        self.conv2 = Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)  # (N, planes, H', W')
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class ResNet(Module):
    """A 7x7 stem, four stages of residual blocks, global average pooling and a linear head.

    Args:
        block: the residual block class (:class:`BasicBlock`).
        layers: blocks per stage, e.g. ``[2, 2, 2, 2]`` for ResNet-18.
        num_classes: output classes.
        zero_init_residual: start each block's last BN at zero (the block starts as identity).
        small_input: a 32x32 (CIFAR) stem: 3x3 conv with stride 1 and no max pool;
            module names are unchanged (``conv1`` is 3x3, ``maxpool`` an Identity).

    Shape:
        - Input: ``(N, 3, H, W)``; Output: ``(N, num_classes)``.
    """

    def __init__(self, block: type[BasicBlock] = BasicBlock, layers: list[int] | None = None,
                 num_classes: int = 1000, zero_init_residual: bool = False,
                 small_input: bool = False) -> None:
        super().__init__()
        layers = [2, 2, 2, 2] if layers is None else layers
        self.inplanes = 64
        if small_input:
            self.conv1 = Conv2d(3, 64, 3, stride=1, padding=1, bias=False)
        else:
            self.conv1 = Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = BatchNorm2d(64)
        self.relu = ReLU(inplace=True)
        self.maxpool = Identity() if small_input else MaxPool2d(3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = AdaptiveAvgPool2d((1, 1))
        self.fc = Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, Conv2d):
                init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, BatchNorm2d):
                init.ones_(m.weight)
                init.zeros_(m.bias)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, BasicBlock):
                    init.zeros_(m.bn2.weight)

    def _make_layer(self, block: type[BasicBlock], planes: int, blocks: int,
                    stride: int = 1) -> Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = Sequential(
                Conv2d(self.inplanes, planes * block.expansion, 1, stride=stride, bias=False),
                BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))  # (N, 64, H/4, W/4)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))  # (N, 512, H/32, W/32)
        return self.fc(self.avgpool(x).flatten(1))  # (N, num_classes)


def resnet18(*, weights: Any = None, **kwargs: Any) -> ResNet:
    """ResNet-18: stages of [2, 2, 2, 2] basic blocks, 11,689,512 parameters at 1000 classes.

    Example:
        >>> import autograd as ag, nn
        >>> model = nn.models.resnet18(num_classes=10, small_input=True)
        >>> model.eval()(ag.randn(1, 3, 32, 32)).shape
        (1, 10)
    """
    check_no_weights("resnet18", weights, kwargs)
    return ResNet(BasicBlock, [2, 2, 2, 2], **kwargs)


def resnet34(*, weights: Any = None, **kwargs: Any) -> ResNet:
    """ResNet-34: stages of [3, 4, 6, 3] basic blocks, 21,797,672 parameters at 1000 classes."""
    check_no_weights("resnet34", weights, kwargs)
    return ResNet(BasicBlock, [3, 4, 6, 3], **kwargs)
