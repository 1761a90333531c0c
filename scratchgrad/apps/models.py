"""Model builders for ``scratchgrad train`` and the tour: mlp, lenet, vgg-small, resnet-small, lstm.

Every builder takes the shape of one input sample (``(D,)`` for vectors,
``(C, H, W)`` for images) and the number of classes, and returns an
``nn.Module`` that maps a batch to class logits.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import nn

from ._common import CLIError

MODELS = ("mlp", "lenet", "vgg-small", "resnet-small", "lstm")


def mlp(in_shape: tuple, n_classes: int, hidden: tuple = (128, 64), dropout: float = 0.0) -> Any:
    """Flatten, then Linear-ReLU(-Dropout) blocks and a Linear head.

    Example:
        >>> import autograd as ag
        >>> m = mlp((2,), 3, hidden=(8,))
        >>> m(ag.zeros(5, 2)).shape
        (5, 3)
    """
    layers: list = [nn.Flatten()]
    width = math.prod(in_shape)
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        width = h
    layers.append(nn.Linear(width, n_classes))
    return nn.Sequential(*layers)


def _image(in_shape: tuple, model: str) -> tuple[int, int, int]:
    if len(in_shape) != 3:
        raise CLIError(f"model {model!r} needs images, but the data are vectors of shape "
                       f"{tuple(in_shape)}", "use --data digits, mnist5k or mnist:PATH, "
                       "or --model mlp/lstm")
    return in_shape  # type: ignore[return-value]


def lenet(in_shape: tuple, n_classes: int, dropout: float = 0.0) -> Any:
    """LeNet-5 with ReLU and max-pooling (5x5 convolutions; 3x3 padded on images under 16).

    Shape:
        conv(6) -> pool -> conv(16) -> pool -> 120 -> 84 -> n_classes;
        on 28x28 MNIST: (N, 1, 28, 28) -> (N, 6, 12, 12) -> (N, 16, 4, 4) -> (N, 10).

    Example:
        >>> import autograd as ag
        >>> lenet((1, 28, 28), 10)(ag.zeros(2, 1, 28, 28)).shape
        (2, 10)
        >>> lenet((1, 8, 8), 10)(ag.zeros(2, 1, 8, 8)).shape
        (2, 10)
    """
    c, h, w = _image(in_shape, "lenet")
    k1, p1, k2, p2 = (5, 0, 5, 0) if min(h, w) >= 16 else (3, 1, 3, 1)
    side_h = ((h + 2 * p1 - k1 + 1) // 2 + 2 * p2 - k2 + 1) // 2
    side_w = ((w + 2 * p1 - k1 + 1) // 2 + 2 * p2 - k2 + 1) // 2
    head: list = [nn.Flatten(), nn.Linear(16 * side_h * side_w, 120), nn.ReLU()]
    if dropout:
        head.append(nn.Dropout(dropout))
    head += [nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, n_classes)]
    return nn.Sequential(
        nn.Conv2d(c, 6, k1, padding=p1), nn.ReLU(), nn.MaxPool2d(2),      # (N, 6, H/2, W/2)
        nn.Conv2d(6, 16, k2, padding=p2), nn.ReLU(), nn.MaxPool2d(2),     # (N, 16, h', w')
        *head)


def vgg_small(in_shape: tuple, n_classes: int, dropout: float = 0.0) -> Any:
    """Two VGG blocks (two 3x3 conv-BN-ReLU, then 2x2 max-pool) with 16 and 32 channels."""
    c, h, w = _image(in_shape, "vgg-small")

    def block(cin: int, cout: int) -> list:
        return [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                nn.MaxPool2d(2)]

    head: list = [nn.Flatten(), nn.Linear(32 * (h // 4) * (w // 4), 64), nn.ReLU()]
    if dropout:
        head.append(nn.Dropout(dropout))
    return nn.Sequential(*block(c, 16), *block(16, 32), *head, nn.Linear(64, n_classes))


class BasicBlock(nn.Module):
    """ResNet's basic block: conv3x3-BN-ReLU-conv3x3-BN plus the shortcut, then ReLU."""

    def __init__(self, cin: int, cout: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, x: Any) -> Any:                           # (N, cin, H, W)
        out = self.bn1(self.conv1(x)).relu()                  # (N, cout, H/s, W/s)
        out = self.bn2(self.conv2(out))                       # (N, cout, H/s, W/s)
        return (out + self.shortcut(x)).relu()


class ResNetSmall(nn.Module):
    """A stem conv and two basic blocks (16 then 32 channels), global pooling, a head."""

    def __init__(self, in_channels: int, n_classes: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, 16, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(16), nn.ReLU())
        self.layer1 = BasicBlock(16, 16, 1)
        self.layer2 = BasicBlock(16, 32, 2)
        self.drop = nn.Dropout(dropout) if dropout else nn.Identity()
        self.fc = nn.Linear(32, n_classes)

    def forward(self, x: Any) -> Any:                           # (N, C, H, W)
        x = self.layer2(self.layer1(self.stem(x)))            # (N, 32, H/2, W/2)
        x = x.mean(dim=(2, 3))                                # (N, 32)
        return self.fc(self.drop(x))


class RowLSTM(nn.Module):
    """An LSTM over a sequence of ``steps`` vectors of ``feats`` values, then a linear head."""

    def __init__(self, steps: int, feats: int, n_classes: int, hidden: int = 64,
                 dropout: float = 0.0) -> None:
        super().__init__()
        self.steps, self.feats = steps, feats
        self.lstm = nn.LSTM(feats, hidden, batch_first=True)
        self.drop = nn.Dropout(dropout) if dropout else nn.Identity()
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x: Any) -> Any:
        n = x.shape[0]
        if x.ndim == 4:                                       # (N, C, H, W) -> (N, H, C, W)
            x = x.permute(0, 2, 1, 3)
        seq = x.reshape(n, self.steps, self.feats)            # (N, T, F)
        out, _ = self.lstm(seq)                               # (N, T, hidden)
        return self.fc(self.drop(out[:, -1]))                 # (N, n_classes)


def resnet_small(in_shape: tuple, n_classes: int, dropout: float = 0.0) -> Any:
    """:class:`ResNetSmall` for images of ``in_shape`` ``(C, H, W)``."""
    c, _, _ = _image(in_shape, "resnet-small")
    return ResNetSmall(c, n_classes, dropout)


def lstm(in_shape: tuple, n_classes: int, hidden: int = 64, dropout: float = 0.0) -> Any:
    """An LSTM that reads an image row by row (or a vector one value at a time), then a head.

    Example:
        >>> import autograd as ag
        >>> lstm((64,), 10)(ag.zeros(3, 64)).shape      # 8 rows of 8 pixels
        (3, 10)
    """
    if len(in_shape) == 3:
        steps, feats = in_shape[1], in_shape[0] * in_shape[2]
    else:
        d = math.prod(in_shape)
        side = math.isqrt(d)
        steps, feats = (side, side) if side * side == d and d > 4 else (d, 1)
    return RowLSTM(steps, feats, n_classes, hidden, dropout)


BUILDERS: dict[str, Callable[..., Any]] = {
    "mlp": mlp, "lenet": lenet, "vgg-small": vgg_small, "resnet-small": resnet_small,
    "lstm": lstm,
}


def build(name: str, in_shape: tuple, n_classes: int, dropout: float = 0.0) -> Any:
    """Build model ``name`` for samples of ``in_shape``; raises CLIError for an unknown name."""
    check_model(name)
    return BUILDERS[name](tuple(in_shape), n_classes, dropout=dropout)


def check_model(name: str) -> None:
    """Raise :class:`CLIError` unless ``name`` is a known model.

    Example:
        >>> check_model("lenett")
        Traceback (most recent call last):
        ...
        scratchgrad.apps._common.CLIError: unknown model 'lenett'; choose one of: mlp, lenet, ...
    """
    if name not in BUILDERS:
        raise CLIError(f"unknown model {name!r}", f"choose one of: {', '.join(MODELS)}")


def needs_images(name: str) -> bool:
    """Whether the model takes ``(N, C, H, W)`` images rather than flat vectors."""
    return name in ("lenet", "vgg-small", "resnet-small")
