"""The training loop shared by ``scratchgrad train`` and the tour: epochs, evaluation, progress.

Progress goes to stderr: a tqdm bar when stderr is a terminal, and one plain
line per epoch when it is a pipe or a log file (a bar redraws itself with
``\\r`` many times a second, which fills a log with thousands of copies).
"""
from __future__ import annotations

import sys
import time
from typing import Any, Iterable, TextIO

import numpy as np

import autograd as ag
import nn.functional as F

from ._common import require


def live_bars(stream: TextIO | None = None) -> bool:
    """Whether progress bars can redraw in place: ``stream`` (default stderr) is a terminal."""
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def progress(iterable: Iterable, desc: str, total: int | None = None,
             show: bool = True) -> Any:
    """Progress over ``iterable``: a tqdm bar on a terminal, one closing line elsewhere.

    With ``show`` False it is the iterable itself (nothing printed).

    Example:
        >>> import io, contextlib
        >>> err = io.StringIO()
        >>> with contextlib.redirect_stderr(err):
        ...     bar = progress(range(3), "epoch 1/2")
        ...     for _ in bar:
        ...         bar.set_postfix(loss="0.5")
        ...     bar.close()
        >>> print(err.getvalue(), end="")
        epoch 1/2: 3/3 batches, loss=0.5
    """
    if not show:
        return _Quiet(iterable)
    if not live_bars():
        return _Lines(iterable, desc, total)
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


class _Lines(_Quiet):
    """Progress for a pipe or a log: one line when the pass ends, no carriage-return redraws."""

    def __init__(self, iterable: Iterable, desc: str, total: int | None) -> None:
        super().__init__(iterable)
        if total is None and hasattr(iterable, "__len__"):
            total = len(iterable)  # type: ignore[arg-type]
        self.desc, self.total, self.done, self.postfix = desc, total, 0, ""

    def __iter__(self) -> Any:
        for item in self.iterable:
            self.done += 1
            yield item

    def set_postfix(self, *args: Any, **kwargs: Any) -> None:
        self.postfix = ", ".join(f"{k}={v}" for k, v in kwargs.items())

    def close(self) -> None:
        total = "" if self.total is None else f"/{self.total}"
        tail = f", {self.postfix}" if self.postfix else ""
        print(f"{self.desc}: {self.done}{total} batches{tail}", file=sys.stderr, flush=True)


def train_epoch(model: Any, loader: Any, optimizer: Any, desc: str = "train",
                show: bool = True) -> tuple[float, float]:
    """One pass over ``loader`` with cross-entropy; returns (mean loss, accuracy)."""
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
