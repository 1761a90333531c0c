"""``ReduceLROnPlateau``: lower the learning rate when a watched metric stops improving.

Kept apart from lr_scheduler.py (which re-exports it) because it is the one scheduler driven
by a metric instead of the step count.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

from .lr_scheduler import LRScheduler, _fail, _is_int, _per_group
from .optimizer import Optimizer


class ReduceLROnPlateau(LRScheduler):
    """Cut the rate by ``factor`` when a metric has stopped improving for ``patience`` epochs.

    Call ``step(metric)`` after each evaluation. The course's "halve the rate
    when the held-out loss stops improving" is ``factor=0.5, patience=0``.

    Args:
        mode: ``"min"`` (a loss) or ``"max"`` (an accuracy). In ``"min"`` a value
            improves on the best when below ``best * (1 - threshold)``
            (threshold_mode ``"rel"``) or ``best - threshold`` (``"abs"``).
        factor: after more than ``patience`` (default 10) epochs without
            improvement the rate becomes ``max(lr * factor, min_lr)``, unless
            that changes it by less than ``eps`` (defaults 0.1, 0, 1e-8).
        cooldown: epochs after a cut before bad epochs count again (default 0).

    Example:
        >>> import autograd as ag
        >>> from optim import SGD
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=0.1)
        >>> sched = ReduceLROnPlateau(opt, factor=0.5, patience=1)
        >>> for val_loss in [1.0, 0.9, 0.95, 0.92, 0.91]:
        ...     sched.step(val_loss)
        >>> sched.get_last_lr()   # two epochs without a new best: halved once
        [0.05]
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr: float | Sequence[float] = 0,
                 eps: float = 1e-8) -> None:
        name = "ReduceLROnPlateau"
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{name}: {type(optimizer).__name__} is not an Optimizer")
        min_lrs = [float(v) for v in _per_group("min_lr", optimizer, min_lr)]
        for ok, what, value, rule in [
                (mode in ("min", "max"), "mode", mode, "'min' or 'max'"),
                (threshold_mode in ("rel", "abs"), "threshold_mode", threshold_mode,
                 "'rel' or 'abs'"),
                (0 <= factor < 1, "factor", factor, "in [0, 1)"),
                (_is_int(patience), "patience", patience, "an int >= 0"),
                (_is_int(cooldown), "cooldown", cooldown, "an int >= 0"),
                (threshold >= 0, "threshold", threshold, ">= 0"), (eps >= 0, "eps", eps, ">= 0"),
                (min(min_lrs) >= 0, "min_lr", min_lr, ">= 0")]:
            if not ok:
                raise _fail(name, what, value, rule)
        self.min_lrs = min_lrs
        self.optimizer = optimizer
        self.mode, self.factor, self.patience = mode, factor, int(patience)
        self.threshold, self.threshold_mode = threshold, threshold_mode
        self.cooldown, self.eps = int(cooldown), eps
        self.last_epoch = 0
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = self.cooldown_counter = 0
        self._last_lr = self._group_lrs()

    def _is_better(self, a: float, best: float) -> bool:
        if self.mode == "min":
            return a < (best * (1.0 - self.threshold) if self.threshold_mode == "rel"
                        else best - self.threshold)
        return a > (best * (self.threshold + 1.0) if self.threshold_mode == "rel"
                    else best + self.threshold)

    def step(self, metrics: Any) -> None:  # type: ignore[override]
        """Record this epoch's metric (a number or a one-element tensor) and maybe cut the rate."""
        current = float(metrics)
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, floor in zip(self.optimizer.param_groups, self.min_lrs):
                old = float(group["lr"])
                new = max(old * self.factor, floor)
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = self._group_lrs()


# the combinators and cyclic schedules build on the classes above
