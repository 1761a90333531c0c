"""The training loop shared by ``scratchgrad train`` and the tour: epochs, evaluation, progress."""
from __future__ import annotations

import time
from typing import Any, Iterable

import numpy as np

from ._common import require


def progress(iterable: Iterable, desc: str, total: int | None = None,
             show: bool = True) -> Any:
    """A tqdm progress bar over ``iterable`` (or the iterable itself when ``show`` is False)."""
    if not show:
        return _Quiet(iterable)
    tqdm = require("tqdm", "progress bars (or pass --no-progress)")
    return tqdm.tqdm(iterable, desc=desc, total=total, unit="batch", leave=True,
                     dynamic_ncols=True, mininterval=0.2)


class _Quiet:
    def __init__(self, iterable: Iterable) -> None:
        self.iterable = iterable

    def __iter__(self) -> Any:
        return iter(self.iterable)

    def set_postfix(self, *args: Any, **kwargs: Any) -> None:
        pass

    def close(self) -> None:
        pass


def train_epoch(model: Any, loader: Any, optimizer: Any, desc: str = "train",
                show: bool = True) -> tuple[float, float]:
    """One pass over ``loader`` with cross-entropy; returns (mean loss, accuracy)."""
    import nn.functional as F

    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    bar = progress(loader, desc, total=len(loader), show=show)
    for xb, yb in bar:
        logits = model(xb)                                   # (B, classes)
        loss = F.cross_entropy(logits, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        n = len(yb)
        total_loss += float(loss.item()) * n
        correct += int((logits.numpy().argmax(1) == yb.numpy()).sum())
        seen += n
        bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.3f}")
    bar.close()
    return total_loss / max(seen, 1), correct / max(seen, 1)


def evaluate(model: Any, X: np.ndarray, y: np.ndarray,
             batch_size: int = 500) -> tuple[float, float, np.ndarray]:
    """Loss, accuracy and predicted classes of ``model`` on ``(X, y)``, in eval mode."""
    import autograd as ag
    import nn.functional as F

    model.eval()
    losses, preds = [], []
    with ag.no_grad():
        for start in range(0, len(X), batch_size):
            xb = ag.tensor(X[start:start + batch_size])
            yb = ag.tensor(y[start:start + batch_size])
            logits = model(xb)
            losses.append(float(F.cross_entropy(logits, yb, reduction="sum").item()))
            preds.append(logits.numpy().argmax(1))
    model.train()
    pred = np.concatenate(preds) if preds else np.zeros(0, np.int64)
    return sum(losses) / max(len(X), 1), float((pred == y).mean()) if len(y) else 0.0, pred


class Timer:
    """Wall time since creation, in seconds."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    def __call__(self) -> float:
        return time.perf_counter() - self.start
