"""Regenerate the graph figures under docs/ from real runs of the engine.

Run from the repository root (needs Graphviz's ``dot`` for the SVGs)::

    python3 docs/make_figures.py

Writes ``apple_tax.svg`` and ``apples_oranges.svg`` (values forward in black,
gradients backward in red) and their ``.dot`` and ``.mmd`` sources; a training
step of a small MLP (parameters by name) and of LeNet (kept within 1,600 px by
folding layers); and the gradient flow of a deep sigmoid net next to a
ResNet-like one. ``main(out, fmt="png")`` writes PNGs instead of SVGs.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import autograd as ag  # noqa: E402
import nn  # noqa: E402
import nn.functional as F  # noqa: E402
from autograd import viz  # noqa: E402


def leaf(value: float, name: str) -> ag.Tensor:
    return ag.tensor(value, dtype="float64", requires_grad=True, name=name)


def apple_tax() -> ag.Tensor:
    """2 apples at 10 yuan each, 10% tax: 22; gradients 2.2, 11, 20."""
    apple, num, tax = leaf(10.0, "apple"), leaf(2.0, "apple_num"), leaf(1.1, "tax")
    price = apple * num * tax
    price.name = "price"
    return price


def apples_oranges() -> ag.Tensor:
    """2 apples at 10, 3 oranges at 15, 10% tax: 71.5; gradients 2.2, 11, 3.3, 16.5, 65."""
    apple, apple_num = leaf(10.0, "apple"), leaf(2.0, "apple_num")
    orange, orange_num = leaf(15.0, "orange"), leaf(3.0, "orange_num")
    tax = leaf(1.1, "tax")
    price = (apple * apple_num + orange * orange_num) * tax
    price.name = "price"
    return price


FIGURES = {
    "apple_tax": (apple_tax, "Apple tax: 2 apples at 10 yuan, tax 1.1"),
    "apples_oranges": (apples_oranges, "Apples and oranges: 2 × 10 + 3 × 15, tax 1.1"),
}


class LeNet(nn.Module):
    """LeNet-5 on 28x28 inputs: two conv-pool stages, three linear layers."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = F.relu(self.fc1(x.flatten(1)))
        return self.fc3(F.relu(self.fc2(x)))


class Block(nn.Module):
    """x + relu(W x + b): a residual block."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.fc = nn.Linear(width, width)

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return x + F.relu(self.fc(x))


def deep_sigmoid(depth: int = 12, width: int = 32) -> nn.Module:
    layers: list = [nn.Linear(16, width), nn.Sigmoid()]
    for _ in range(depth - 1):
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(width, 4))


def resnet_like(depth: int = 12, width: int = 32) -> nn.Module:
    return nn.Sequential(nn.Linear(16, width), *[Block(width) for _ in range(depth)],
                         nn.Linear(width, 4))


def model_figures(out: Path, fmt: str = "svg") -> list[Path]:
    """A training step of an MLP and of LeNet, and two gradient-flow charts."""
    ag.manual_seed(0)
    written = []
    mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    loss = F.cross_entropy(mlp(ag.randn(5, 4)), ag.tensor([0, 1, 2, 0, 1]))
    written.append(viz.render(loss, out / f"mlp_step.{fmt}", backward=True))
    net = LeNet()
    loss = F.cross_entropy(net(ag.randn(8, 1, 28, 28)), ag.tensor(list(range(8))))
    written.append(viz.render(loss, out / f"lenet_step.{fmt}", backward=True))
    x, y = ag.randn(64, 16), ag.tensor([i % 4 for i in range(64)])
    for stem, model in (("grad_flow_sigmoid", deep_sigmoid()), ("grad_flow_resnet",
                                                                 resnet_like())):
        F.cross_entropy(model(x), y).backward()
        title = "12 sigmoid layers" if "sigmoid" in stem else "12 residual blocks"
        written.append(viz.grad_flow(model, title=title).render(out / f"{stem}.{fmt}"))
    return written


def main(out: Path = HERE, fmt: str = "svg") -> list[Path]:
    written = []
    for stem, (build, title) in FIGURES.items():
        graph = viz.trace(build())  # forward values, then backward with every edge's gradient
        if fmt == "svg":
            written.append(viz.render(graph, out / f"{stem}.dot", title=title))
            written.append(viz.render(graph, out / f"{stem}.mmd"))
        written.append(viz.render(graph, out / f"{stem}.{fmt}", title=title))
    return written + model_figures(out, fmt)


if __name__ == "__main__":
    for path in main():
        print(f"wrote {path}")
