"""More learning-rate schedules with PyTorch's names and values: combinators, cycles, restarts.

``SequentialLR`` and ``ChainedScheduler`` combine other schedules;
``CyclicLR`` and ``CosineAnnealingWarmRestarts`` cycle the rate;
``PolynomialLR``, ``ConstantLR`` and ``MultiplicativeLR`` decay or scale it.
They are re-exported by :mod:`optim.lr_scheduler`, so import them from there,
as from ``torch.optim.lr_scheduler``. Each gives the same floating-point rates
as PyTorch's (tests/optim/test_schedulers_more.py).

Example:
    >>> import autograd as ag
    >>> from optim import SGD
    >>> from optim.lr_scheduler import ConstantLR, ExponentialLR, SequentialLR
    >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
    >>> warm = ConstantLR(opt, factor=0.1, total_iters=2)
    >>> decay = ExponentialLR(opt, gamma=0.5)
    >>> sched = SequentialLR(opt, [warm, decay], milestones=[2])
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(sched.get_last_lr()[0]); opt.step(); sched.step()
    >>> lrs
    [0.1, 0.1, 1.0, 0.5, 0.25]
"""
from __future__ import annotations

import math
from bisect import bisect_right
from typing import Any, Callable, Sequence

from .lr_scheduler import LRScheduler, _fail, _is_int, _per_group, lr_lambdas
from .lr_scheduler_plateau import ReduceLROnPlateau
from .optimizer import Optimizer

__all__ = ["MultiplicativeLR", "ConstantLR", "PolynomialLR", "SequentialLR", "ChainedScheduler",
           "CyclicLR", "CosineAnnealingWarmRestarts"]


class MultiplicativeLR(LRScheduler):
    """Multiply the rate by ``lr_lambda(epoch)`` every epoch (from epoch 1 on).

    Args:
        lr_lambda: a function of the epoch giving the factor, or one per group.

    Example:
        >>> import autograd as ag
        >>> from optim import SGD
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sched = MultiplicativeLR(opt, lambda epoch: 0.5)
        >>> for _ in range(3):
        ...     opt.step(); sched.step()
        >>> sched.get_last_lr()
        [0.125]
    """

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        self.lr_lambdas = lr_lambdas("MultiplicativeLR", optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return self._group_lrs()
        return [lr * f(self.last_epoch) for f, lr in zip(self.lr_lambdas, self._group_lrs())]


class ConstantLR(LRScheduler):
    """Scale the rate by ``factor`` for the first ``total_iters`` epochs, then restore it.

    Args:
        factor: the scale, in [0, 1] (default 1/3).
        total_iters: epochs at the scaled rate (default 5).

    Example:
        >>> import autograd as ag
        >>> from optim import SGD
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=0.5)
        >>> sched = ConstantLR(opt, factor=0.5, total_iters=2)
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(3):
        ...     opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [0.25, 0.25, 0.5, 0.5]
    """

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        if not 0 <= factor <= 1:
            raise _fail("ConstantLR", "factor", factor, "between 0 and 1")
        self.factor, self.total_iters = factor, total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._group_lrs()]
        if self.last_epoch != self.total_iters:
            return self._group_lrs()
        return [lr * (1.0 / self.factor) for lr in self._group_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        after = self.last_epoch >= self.total_iters
        return [base * (self.factor + after * (1 - self.factor)) for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    r"""Decay the rate polynomially to zero over ``total_iters`` epochs, then keep it.

    .. math::
        \mathrm{lr}_t = \mathrm{lr}_0 \left(1 - \frac{\min(t, T)}{T}\right)^{p}

    computed recursively from the current rate, as PyTorch.

    Args:
        total_iters: :math:`T`, epochs to reach zero (default 5).
        power: :math:`p` (default 1, linear).

    Example:
        >>> import autograd as ag
        >>> from optim import SGD
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sched = PolynomialLR(opt, total_iters=4, power=2.0)
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(5):
        ...     opt.step(); sched.step(); lrs.append(round(sched.get_last_lr()[0], 6))
        >>> lrs
        [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0,
                 last_epoch: int = -1) -> None:
        if not _is_int(total_iters, 1):
            raise _fail("PolynomialLR", "total_iters", total_iters, "a positive int")
        self.total_iters, self.power = int(total_iters), power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, n = self.last_epoch, self.total_iters
        if self._is_initial or t > n:
            return self._group_lrs()
        factor = ((1.0 - t / n) / (1.0 - (t - 1) / n)) ** self.power
        return [lr * factor for lr in self._group_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        t, n = self.last_epoch, self.total_iters
        return [base * (1.0 - min(n, t) / n) ** self.power for base in self.base_lrs]


def _closed_form(s: Any) -> list[float]:
    """The rates of scheduler ``s`` at its ``last_epoch``, computed from its base rates."""
    if hasattr(s, "_get_closed_form_lr"):
        return s._get_closed_form_lr()
    t, kind = s.last_epoch, type(s).__name__
    if kind == "StepLR":
        return [b * s.gamma ** (t // s.step_size) for b in s.base_lrs]
    if kind == "MultiStepLR":
        return [b * s.gamma ** bisect_right(s.milestones, t) for b in s.base_lrs]
    if kind == "ExponentialLR":
        return [b * s.gamma ** t for b in s.base_lrs]
    if kind == "CosineAnnealingLR":
        return [s.eta_min + (b - s.eta_min) * (1 + math.cos(math.pi * t / s.T_max)) / 2
                for b in s.base_lrs]
    if kind == "LinearLR":
        frac = min(s.total_iters, t) / s.total_iters
        return [b * (s.start_factor + (s.end_factor - s.start_factor) * frac)
                for b in s.base_lrs]
    return s.get_lr()


def _check_children(who: str, optimizer: Optimizer | None, schedulers: Sequence[Any]) -> None:
    if len(schedulers) < 1:
        raise ValueError(f"{who} expects at least one scheduler, but got none")
    for i, s in enumerate(schedulers):
        if not hasattr(s, "optimizer"):
            raise TypeError(f"{who}: the scheduler at index {i} should have `optimizer` as its "
                            "attribute")
        if isinstance(s, ReduceLROnPlateau):
            raise ValueError(f"{who} does not support ReduceLROnPlateau (its step needs the "
                             f"metric), but got one at index {i}")
        if optimizer is not None and s.optimizer is not optimizer:
            raise ValueError(f"{who} expects all schedulers to belong to the same optimizer, "
                             f"but the {type(s).__name__} at index {i} has another one")


class _Combined(LRScheduler):
    """Shared by the combinators: the children's state goes into the state dict."""

    _schedulers: list[Any]

    def state_dict(self) -> dict[str, Any]:
        state = {k: v for k, v in vars(self).items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        children = state.pop("_schedulers")
        if isinstance(children, dict):  # a save/load round trip turns the list into a dict
            children = [children[k] for k in sorted(children, key=int)]
        if len(children) != len(self._schedulers):
            raise ValueError(f"{type(self).__name__}.load_state_dict: {len(children)} "
                             f"scheduler states for {len(self._schedulers)} schedulers")
        self.__dict__.update(state)
        for s, child in zip(self._schedulers, children):
            s.load_state_dict(child)


class SequentialLR(_Combined):
    """Run one schedule after another, switching at the milestone epochs.

    Args:
        optimizer: the optimizer all ``schedulers`` belong to.
        schedulers: the schedules, in order (made on the same optimizer).
        milestones: the epochs at which the next schedule takes over (one
            fewer than the schedules); each restarts from its epoch 0.

    Example: see the module docstring (a constant warm-up, then exponential decay).
    """

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler],
                 milestones: Sequence[int], last_epoch: int = -1) -> None:
        _check_children("SequentialLR", optimizer, schedulers)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"SequentialLR expects one more scheduler than milestones, but got "
                             f"{len(schedulers)} schedulers and {len(milestones)} milestones")
        self._schedulers = list(schedulers)
        self._milestones = [int(m) for m in milestones]
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for s in self._schedulers:  # undo the step each took when it was made
            _undo(s)
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._step_count, first._is_initial = 0, True
        try:
            first.step()
        finally:
            first._is_initial = False
        self._last_lr = first.get_last_lr()

    def step(self) -> None:
        """Advance one epoch: the current schedule steps, or the next one starts at epoch 0."""
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        s = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            s.last_epoch = 0
            for group, lr in zip(self.optimizer.param_groups, _closed_form(s)):
                group["lr"] = lr
            s._last_lr = s._group_lrs()
        else:
            s.step()
        self._last_lr = s.get_last_lr()


def _undo(s: Any) -> None:
    if hasattr(s, "_schedulers"):
        for child in s._schedulers:
            _undo(child)
    elif hasattr(s, "last_epoch"):
        s.last_epoch -= 1


class ChainedScheduler(_Combined):
    """Step several schedules together each epoch, so their effects multiply.

    Args:
        schedulers: the schedules (on the same optimizer), stepped in order.
        optimizer: that optimizer (default: the first schedule's).

    Example:
        >>> import autograd as ag
        >>> from optim import SGD
        >>> from optim.lr_scheduler import ExponentialLR
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sched = ChainedScheduler([ConstantLR(opt, factor=0.1, total_iters=2),
        ...                           ExponentialLR(opt, gamma=0.5)])
        >>> lrs = []
        >>> for _ in range(4):
        ...     lrs.append(round(sched.get_last_lr()[0], 6)); opt.step(); sched.step()
        >>> lrs
        [0.1, 0.05, 0.25, 0.125]
    """

    def __init__(self, schedulers: Sequence[LRScheduler],
                 optimizer: Optimizer | None = None) -> None:
        _check_children("ChainedScheduler", None, schedulers)
        optimizer = optimizer or schedulers[0].optimizer
        _check_children("ChainedScheduler", optimizer, schedulers)
        self._schedulers = list(schedulers)
        self.optimizer = optimizer
        self._last_lr = self._schedulers[-1]._group_lrs()

    def step(self) -> None:
        """Step every schedule once, in order."""
        for s in self._schedulers:
            s.step()
        self._last_lr = self._schedulers[-1]._group_lrs()


class CosineAnnealingWarmRestarts(LRScheduler):
    r"""Cosine annealing from ``initial_lr`` to ``eta_min``, restarting every :math:`T_i` epochs.

    .. math::
        \mathrm{lr}_t = \eta_{min} + \tfrac12 (\mathrm{lr}_0 - \eta_{min})
                        \left(1 + \cos\frac{\pi T_{cur}}{T_i}\right)

    where :math:`T_{cur}` counts epochs since the last restart and the period
    grows as :math:`T_{i+1} = T_{mult}\, T_i` from :math:`T_0`. ``step(epoch)``
    accepts a fractional epoch (``epoch + batch / batches``) to anneal per batch.

    Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm
    Restarts", ICLR 2017.

    Args:
        T_0: epochs until the first restart (a positive int).
        T_mult: the factor by which the period grows after each restart (int >= 1).
        eta_min: the lowest rate (default 0).

    Example:
        >>> import autograd as ag
        >>> from optim import SGD
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sched = CosineAnnealingWarmRestarts(opt, T_0=2)
        >>> lrs = []
        >>> for _ in range(5):
        ...     lrs.append(round(sched.get_last_lr()[0], 6)); opt.step(); sched.step()
        >>> lrs
        [1.0, 0.5, 1.0, 0.5, 1.0]
    """

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1,  # noqa: N803
                 eta_min: float = 0.0, last_epoch: int = -1) -> None:
        if not _is_int(T_0, 1):
            raise ValueError(f"CosineAnnealingWarmRestarts: expected positive integer T_0, but "
                             f"got {T_0!r}")
        if not _is_int(T_mult, 1):
            raise ValueError(f"CosineAnnealingWarmRestarts: expected integer T_mult >= 1, but "
                             f"got {T_mult!r}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(f"CosineAnnealingWarmRestarts: expected float or int eta_min, but "
                             f"got {eta_min!r}")
        self.T_0, self.T_i, self.T_mult, self.eta_min = int(T_0), int(T_0), int(T_mult), eta_min
        self.T_cur: float = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [self.eta_min + (base - self.eta_min)
                * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2 for base in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:  # type: ignore[override]
        """Advance one epoch, or jump to ``epoch`` (may be fractional)."""
        self._step_count += 1
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            if epoch < 0:
                raise ValueError(f"CosineAnnealingWarmRestarts: expected non-negative epoch, "
                                 f"but got {epoch}")
            self._jump(epoch)
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = self._group_lrs()

    def _jump(self, epoch: float) -> None:
        if epoch < self.T_0:
            self.T_i, self.T_cur = self.T_0, epoch
        elif self.T_mult == 1:
            self.T_cur = epoch % self.T_0
        else:
            n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
            self.T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
            self.T_i = self.T_0 * self.T_mult ** n


class CyclicLR(LRScheduler):
    """Cycle the rate between ``base_lr`` and ``max_lr`` (step it per batch).

    Each cycle rises for ``step_size_up`` steps and falls for
    ``step_size_down`` (default: the same). The amplitude is scaled by
    ``mode``: ``"triangular"`` (constant), ``"triangular2"`` (halved each
    cycle) or ``"exp_range"`` (``gamma ** step``); or by ``scale_fn`` (of the
    cycle number, or of the step with ``scale_mode="iterations"``). With
    ``cycle_momentum`` the momentum (or Adam's beta1) moves the other way,
    between ``max_momentum`` and ``base_momentum``. ``base_lr``, ``max_lr``
    and the momenta may be per-group lists.

    Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017.

    Example:
        >>> import autograd as ag
        >>> from optim import SGD
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=0.1, momentum=0.9)
        >>> sched = CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=2, mode="triangular2")
        >>> lrs = []
        >>> for _ in range(9):
        ...     lrs.append(round(sched.get_last_lr()[0], 6)); opt.step(); sched.step()
        >>> lrs
        [0.1, 0.3, 0.5, 0.3, 0.1, 0.2, 0.3, 0.2, 0.1]
    """

    def __init__(self, optimizer: Optimizer, base_lr: float | Sequence[float],
                 max_lr: float | Sequence[float], step_size_up: int = 2000,
                 step_size_down: int | None = None, mode: str = "triangular",
                 gamma: float = 1.0, scale_fn: Callable[[float], float] | None = None,
                 scale_mode: str = "cycle", cycle_momentum: bool = True,
                 base_momentum: float | Sequence[float] = 0.8,
                 max_momentum: float | Sequence[float] = 0.9, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"CyclicLR: {type(optimizer).__name__} is not an Optimizer")
        base_lrs = [float(v) for v in _per_group("base_lr", optimizer, base_lr)]
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = [float(v) for v in _per_group("max_lr", optimizer, max_lr)]
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        if up <= 0 or down < 0:
            raise _fail("CyclicLR", "step sizes", (step_size_up, step_size_down),
                        "step_size_up > 0 and step_size_down >= 0")
        self.total_size, self.step_ratio = up + down, up / (up + down)
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError(f"CyclicLR: mode is invalid ({mode!r}) and scale_fn is None")
        if scale_mode not in ("cycle", "iterations"):
            raise _fail("CyclicLR", "scale_mode", scale_mode, "'cycle' or 'iterations'")
        self.mode, self.gamma, self._scale_fn_custom = mode, gamma, scale_fn
        self.scale_mode = scale_mode if scale_fn is not None else \
            ("iterations" if mode == "exp_range" else "cycle")
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError("CyclicLR: optimizer must support momentum or beta1 with "
                                 "`cycle_momentum` option enabled")
            self.use_beta1 = "betas" in optimizer.defaults
            self.base_momentums = list(_per_group("base_momentum", optimizer, base_momentum))
            self.max_momentums = list(_per_group("max_momentum", optimizer, max_momentum))
            if last_epoch == -1:
                for hi, lo, group in zip(self.max_momentums, self.base_momentums,
                                         optimizer.param_groups):
                    self._set_momentum(group, hi)
                    group["max_momentum"], group["base_momentum"] = hi, lo
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict`; ``mode`` must be one of CyclicLR's modes."""
        state = dict(state_dict)
        mode = state.pop("mode", self.mode)
        if mode not in ("triangular", "triangular2", "exp_range"):
            raise ValueError(f"CyclicLR.load_state_dict: 'mode' is {mode!r} (must be one of "
                             "'triangular', 'triangular2', 'exp_range')")
        own = self.mode
        del self.mode  # the shared checks know 'mode' as ReduceLROnPlateau's min/max
        try:
            super().load_state_dict(state)
        finally:
            self.mode = own
        self.mode = mode

    def _set_momentum(self, group: dict[str, Any], value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def scale_fn(self, x: float) -> float:
        """The amplitude factor at cycle (or step) ``x``."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def get_lr(self) -> list[float]:
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            scale_factor = x / self.step_ratio
        else:
            scale_factor = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base + ((top - base) * scale_factor) * scale
               for base, top in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, lo, hi in zip(self.optimizer.param_groups, self.base_momentums,
                                     self.max_momentums):
                self._set_momentum(group, hi - ((hi - lo) * scale_factor) * scale)
        return lrs
