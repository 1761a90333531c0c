"""Early stopping on a validation metric, with the best weights kept aside."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import Tensor


class EarlyStopping:
    """Tell a training loop to stop once a validation metric stops improving.

    Call :meth:`step` after each evaluation; it returns True when the metric
    has not improved by more than ``min_delta`` for ``patience`` evaluations in
    a row. With a ``model`` given, the weights of the best evaluation are
    copied aside (through ``model.state_dict()``) and :meth:`restore` (or the
    stop itself, with ``restore_best_weights=True``) loads them back. A plain
    loop that ignores this class stays the first-class way to train.

    Args:
        patience: evaluations without improvement tolerated (default 5).
        mode: ``"min"`` for a loss, ``"max"`` for an accuracy.
        min_delta: the least change that counts as improvement (default 0).
        model: anything with ``state_dict()``/``load_state_dict()`` whose best
            weights to keep (optional).
        restore_best_weights: load the best weights into ``model`` when
            stopping (default True; needs ``model``).

    Attributes:
        best: the best metric so far; ``best_epoch``: its evaluation index
        (from 0); ``num_bad_epochs``; ``should_stop``.

    Example:
        >>> stopper = EarlyStopping(patience=2)
        >>> [stopper.step(loss) for loss in [1.0, 0.8, 0.85, 0.79, 0.8, 0.9]]
        [False, False, False, False, False, True]
        >>> stopper.best, stopper.best_epoch
        (0.79, 3)
    """

    def __init__(self, patience: int = 5, mode: str = "min", min_delta: float = 0.0,
                 model: Any = None, restore_best_weights: bool = True) -> None:
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)) \
                or patience < 0:
            raise ValueError(f"EarlyStopping: invalid patience: {patience!r} (must be an int >= 0)")
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping: invalid mode: {mode!r} (must be 'min' or 'max')")
        if not min_delta >= 0:
            raise ValueError(f"EarlyStopping: invalid min_delta: {min_delta!r} (must be >= 0)")
        if model is not None and not (hasattr(model, "state_dict")
                                      and hasattr(model, "load_state_dict")):
            raise TypeError(f"EarlyStopping: model must have state_dict() and "
                            f"load_state_dict(), got {type(model).__name__}")
        self.patience, self.mode, self.min_delta = int(patience), mode, min_delta
        self.model, self.restore_best_weights = model, restore_best_weights
        self.best = math.inf if mode == "min" else -math.inf
        self.best_epoch = -1
        self.epoch = -1
        self.num_bad_epochs = 0
        self.should_stop = False
        self.best_state: dict[str, Any] | None = None

    def is_improvement(self, value: float) -> bool:
        """True when ``value`` beats the best so far by more than ``min_delta``."""
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def step(self, metric: Any) -> bool:
        """Record one evaluation (a number or one-element tensor); True means stop now."""
        value = float(metric)
        if math.isnan(value):
            raise ValueError("EarlyStopping.step: the metric is NaN; training has diverged")
        self.epoch += 1
        if self.is_improvement(value):
            self.best, self.best_epoch, self.num_bad_epochs = value, self.epoch, 0
            if self.model is not None:
                self.best_state = _snapshot(self.model.state_dict())
        else:
            self.num_bad_epochs += 1
        if self.num_bad_epochs >= self.patience and self.epoch > self.best_epoch:
            self.should_stop = True
            if self.restore_best_weights and self.model is not None:
                self.restore()
        return self.should_stop

    def restore(self, model: Any = None) -> None:
        """Load the best weights seen into ``model`` (default: the one given at construction)."""
        model = self.model if model is None else model
        if model is None or self.best_state is None:
            raise RuntimeError("EarlyStopping.restore: no best weights recorded; give a model "
                               "when constructing EarlyStopping and call step() first")
        model.load_state_dict(_snapshot(self.best_state))

    def state_dict(self) -> dict[str, Any]:
        """The counters and best value (not the weights: save the model for those)."""
        return {k: getattr(self, k) for k in ("patience", "mode", "min_delta", "best",
                                              "best_epoch", "epoch", "num_bad_epochs",
                                              "should_stop")}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned."""
        for k, like in self.state_dict().items():
            v = state[k]
            v = v.item() if isinstance(v, (np.ndarray, np.generic)) else v
            setattr(self, k, type(like)(v))


def _snapshot(state: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a state dict, so later training cannot change it."""
    out: dict[str, Any] = {}
    for k, v in state.items():
        if isinstance(v, Tensor):
            out[k] = Tensor(v.array)  # Tensor() copies the array
        elif isinstance(v, np.ndarray):
            out[k] = v.copy()
        elif isinstance(v, dict):
            out[k] = _snapshot(v)
        else:
            out[k] = v
    return out
