"""Regenerate the graph figures under docs/ from real runs of the engine.

Run from the repository root (needs Graphviz's ``dot`` for the SVGs)::

    python3 docs/make_figures.py

Writes ``apple_tax.svg`` and ``apples_oranges.svg`` (values forward in black,
gradients backward in red) and their ``.dot`` and ``.mmd`` sources.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import autograd as ag  # noqa: E402
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


def main(out: Path = HERE) -> list[Path]:
    written = []
    for stem, (build, title) in FIGURES.items():
        graph = viz.trace(build())  # forward values, then backward with every edge's gradient
        written.append(viz.render(graph, out / f"{stem}.dot", title=title))
        written.append(viz.render(graph, out / f"{stem}.mmd"))
        written.append(viz.render(graph, out / f"{stem}.svg", title=title))
    return written


if __name__ == "__main__":
    for path in main():
        print(f"wrote {path}")
