"""The tour's and train's pictures, drawn with matplotlib (imported here, on first use).

Every function takes plain numpy arrays (or a history dict) and a path, writes
one PNG and returns the path.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ._common import pyplot


def curves(history: dict, path: str, title: str = "training",
           labels: tuple[str, str] = ("train", "validation")) -> str:
    """Loss and accuracy per epoch, train against validation, side by side.

    Args:
        history: lists ``train_loss``, ``train_acc`` and optionally ``val_loss``, ``val_acc``.
        labels: legend names of the two series.
    """
    plt = pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
    epochs = np.arange(1, len(history["train_loss"]) + 1)
    for key, label in zip(("train", "val"), labels):
        if history.get(f"{key}_loss"):
            ax1.plot(epochs, history[f"{key}_loss"], marker="o", label=label)
            ax2.plot(epochs, 100 * np.asarray(history[f"{key}_acc"]), marker="o", label=label)
    ax1.set(xlabel="epoch", ylabel="loss", title=f"{title}: loss")
    ax2.set(xlabel="epoch", ylabel="accuracy (%)", title=f"{title}: accuracy")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.legend()
    return _save(fig, path)


def misclassified(images: np.ndarray, labels: np.ndarray, preds: np.ndarray, path: str,
                  count: int = 16) -> str:
    """A grid of test images the model got wrong, titled ``label -> prediction``."""
    plt = pyplot()
    wrong = np.flatnonzero(labels != preds)[:count]
    cols = min(8, max(1, len(wrong)))
    rows = max(1, math.ceil(len(wrong) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(1.4 * cols, 1.6 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong):
        ax.imshow(_square(images[i]), cmap="gray_r")
        ax.set_title(f"{labels[i]} -> {preds[i]}", fontsize=9, color="crimson")
    if not len(wrong):
        axes.flat[0].text(0.5, 0.5, "no mistakes", ha="center", va="center")
    fig.suptitle("misclassified test digits (label -> prediction)", fontsize=10)
    return _save(fig, path)


def filters(weight: np.ndarray, path: str) -> str:
    """First-layer convolution filters ``(out, in, kh, kw)`` as small images (channel 0)."""
    plt = pyplot()
    n = weight.shape[0]
    cols = min(8, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.3 * cols, 1.4 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for k, ax in enumerate(axes.flat[:n]):
        w = weight[k, 0]
        lim = float(np.abs(w).max()) or 1.0
        ax.imshow(w, cmap="bwr", vmin=-lim, vmax=lim)
        ax.set_title(f"filter {k}", fontsize=8)
    fig.suptitle("first-layer filters (red +, blue -)", fontsize=10)
    return _save(fig, path)


def decision_boundary(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray,
                      y: np.ndarray, path: str, title: str = "decision boundary") -> str:
    """Colour the plane by ``predict`` (points -> class indices) and overlay the data."""
    plt = pyplot()
    pad = 0.5
    (x0, y0), (x1, y1) = X.min(0) - pad, X.max(0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    grid = np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32)
    zz = predict(grid).reshape(gx.shape)
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    ax.contourf(gx, gy, zz, alpha=0.35, cmap="coolwarm", levels=np.arange(zz.max() + 2) - 0.5)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=60)
    ax.set(title=title, xlabel="x1", ylabel="x2")
    return _save(fig, path)


def _square(img: np.ndarray) -> np.ndarray:
    a = np.asarray(img)
    if a.ndim == 3:
        a = a[0]
    if a.ndim == 1:
        side = math.isqrt(a.size)
        a = a.reshape(side, -1)
    return a


def _save(fig: Any, path: str) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path
