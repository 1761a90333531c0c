"""The tour's and train's pictures, drawn with matplotlib (imported here, on first use).

Every function takes plain numpy arrays (or a history dict) and a path, writes
one PNG and returns the path.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

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


def filters(weight: np.ndarray, path: str, channel: int = 0) -> str:
    """First-layer convolution filters as small images, all on one stated colour scale.

    Every filter is drawn with the same symmetric range ``[-m, +m]``, ``m`` the
    largest ``|weight|`` shown, so colours compare across filters: blue is
    negative, white zero, red positive; the colorbar states ``m``.

    Args:
        weight: the convolution weight, shape ``(out, in, kh, kw)``.
        path: the PNG to write.
        channel: the input channel drawn.

    Returns:
        ``path``.

    Example:
        >>> import os, tempfile
        >>> w = np.random.default_rng(0).standard_normal((6, 1, 5, 5))
        >>> p = filters(w, os.path.join(tempfile.mkdtemp(), "filters.png"))
        >>> open(p, "rb").read(4) == b"\\x89PNG"
        True
    """
    plt = pyplot()
    w_all = np.asarray(weight, dtype=np.float64)[:, channel]        # (out, kh, kw)
    n = w_all.shape[0]
    lim = float(np.abs(w_all).max()) if w_all.size else 0.0
    lim = lim if np.isfinite(lim) and lim > 0 else 1.0
    cols = min(8, max(n, 1))
    rows = max(1, math.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(1.2 * cols + 1.3, 1.3 * rows + 0.7),
                             squeeze=False, layout="constrained")
    image = None
    for k, ax in enumerate(axes.flat):
        if k >= n:
            ax.axis("off")
            continue
        image = ax.imshow(w_all[k], cmap="bwr", vmin=-lim, vmax=lim)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"filter {k}", fontsize=8)
    if image is not None:
        bar = fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.9, aspect=12, pad=0.02)
        bar.set_ticks([-lim, 0.0, lim])
        bar.set_ticklabels([f"\u2212{lim:.3g}", "0", f"+{lim:.3g}"])
        bar.set_label(f"weight, one scale \u00b1{lim:.3g}", fontsize=8)
        bar.ax.tick_params(labelsize=8)
    fig.suptitle(f"first-layer filters (input channel {channel}): red +, white 0, blue \u2212",
                 fontsize=10)
    return _save(fig, path)


def decision_boundary(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray,
                      y: np.ndarray, path: str, title: str = "decision boundary",
                      class_names: Sequence[str] | None = None) -> str:
    """Shade the plane by ``predict``'s class, outline the boundary, overlay the data, legend.

    Args:
        predict: points ``(M, 2)`` -> class indices ``(M,)``.
        X: the data points, shape ``(N, 2)``; y: their class indices ``(N,)``.
        path: the PNG to write.
        title: the picture's title.
        class_names: the legend's name for each class (default ``class 0``, ``class 1``, ...).

    Returns:
        ``path``.

    Example:
        >>> import os, tempfile
        >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        >>> y = np.array([0, 1, 1, 0])
        >>> p = decision_boundary(lambda pts: (pts.sum(1) > 1).astype(int), X, y,
        ...                       os.path.join(tempfile.mkdtemp(), "b.png"))
        >>> open(p, "rb").read(4) == b"\\x89PNG"
        True
    """
    plt = pyplot()
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D

    X, y = np.asarray(X), np.asarray(y).astype(int)
    pad = 0.5
    (x0, y0), (x1, y1) = X.min(0) - pad, X.max(0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    grid = np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32)
    zz = np.asarray(predict(grid)).astype(int).reshape(gx.shape)
    k = int(max(zz.max(), y.max())) + 1
    colours = plt.get_cmap("coolwarm")(np.linspace(0, 1, max(k, 2)))[:k]
    names = list(class_names) if class_names is not None else [f"class {c}" for c in range(k)]
    fig, ax = plt.subplots(figsize=(4.6, 4.8), layout="constrained")
    ax.contourf(gx, gy, zz, alpha=0.3, cmap=ListedColormap(colours),
                levels=np.arange(k + 1) - 0.5)
    handles = []
    if len(np.unique(zz)) > 1:
        ax.contour(gx, gy, zz, levels=np.arange(k - 1) + 0.5, colors="k", linewidths=1.5)
        handles.append(Line2D([], [], color="k", linewidth=1.5, label="decision boundary"))
    for c in range(k):
        pts = X[y == c]
        handles.insert(c, ax.scatter(pts[:, 0], pts[:, 1], color=colours[c], edgecolors="k",
                                     s=70, label=f"{names[c]} (points, shaded region)"))
    ax.set(title=title, xlabel="x1", ylabel="x2")
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1,
              fontsize=8, frameon=False)
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
    if fig.get_layout_engine() is None:   # constrained-layout figures place themselves
        fig.tight_layout()
    fig.savefig(path, dpi=100)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path
