"""``nn.models``: the course's CNN architectures, shaped like ``torchvision.models``.

Builders take ``weights=None`` (pretrained weights are refused with a clear
error: everything runs offline) and torchvision's keyword arguments; module
names are torchvision's, so state-dict keys match its models. ``small_input=True``
gives 32x32 (CIFAR) variants where the ImageNet stem would shrink the image away.

Example:
    >>> import nn
    >>> list(nn.models.resnet18().state_dict())[:3]
    ['conv1.weight', 'bn1.weight', 'bn1.bias']
"""
from .alexnet import AlexNet, alexnet
from .googlenet import GoogLeNet, GoogLeNetOutputs, googlenet
from .lenet import LeNet, lenet
from .resnet import BasicBlock, ResNet, resnet18, resnet34
from .vgg import VGG, vgg11, vgg11_bn, vgg16, vgg16_bn

__all__ = ["LeNet", "lenet", "AlexNet", "alexnet", "VGG", "vgg11", "vgg11_bn", "vgg16",
           "vgg16_bn", "ResNet", "BasicBlock", "resnet18", "resnet34", "GoogLeNet",
           "GoogLeNetOutputs", "googlenet"]
