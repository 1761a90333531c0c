"""Learning-rate schedules, with PyTorch's names, call order and values.

Make the scheduler from the optimizer and call ``scheduler.step()`` once per
epoch (or per batch, for OneCycleLR), after ``optimizer.step()``. Each
scheduler writes the new rate into every parameter group's ``"lr"``; the
multiplicative ones (StepLR, MultiStepLR, ExponentialLR, LinearLR,
CosineAnnealingLR) update the current rate recursively, as PyTorch does, so
they give PyTorch's floating-point values and can be chained. Every
scheduler but ReduceLROnPlateau also takes ``last_epoch`` (see LRScheduler).

Example:
    >>> import autograd as ag
    >>> from optim import SGD
    >>> from optim.lr_scheduler import MultiStepLR
    >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
    >>> sched = MultiStepLR(opt, milestones=[2, 4], gamma=0.5)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(sched.get_last_lr()[0])   # train one epoch with this rate ...
    ...     opt.step(); sched.step()
    >>> lrs
    [1.0, 1.0, 0.5, 0.5, 0.25]
"""
from __future__ import annotations

import math
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from ._state_checks import checked_scheduler_state
from .optimizer import Optimizer

__all__ = ["LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR",
           "InverseTimeLR", "CosineAnnealingLR", "LinearLR", "OneCycleLR", "ReduceLROnPlateau"]


def lr_lambdas(cls: str, optimizer: Optimizer, lr_lambda: Any) -> list:
    """One function per parameter group: ``lr_lambda`` repeated, or the list given (checked)."""
    n = len(optimizer.param_groups)
    if isinstance(lr_lambda, (list, tuple)):
        if len(lr_lambda) != n:
            raise ValueError(f"{cls}: expected {n} lr_lambdas (one per parameter group), got "
                             f"{len(lr_lambda)}")
        fs = list(lr_lambda)
    else:
        fs = [lr_lambda] * n
    for f in fs:
        if not callable(f):
            raise TypeError(f"{cls}: lr_lambda must be a function (a callable), got "
                            f"{type(f).__name__}")
    return fs


def _fail(cls: str, what: str, value: Any, rule: str) -> ValueError:
    return ValueError(f"{cls}: invalid {what}: {value!r} (must be {rule})")


def _is_int(v: Any, least: int = 0) -> bool:
    """True for an int (not a bool) >= ``least``."""
    return bool(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= least)


class LRScheduler:
    """Base class: sets each group's ``initial_lr`` and takes the first step.

    Args:
        optimizer: the optimizer whose groups' ``"lr"`` this schedule sets.
        last_epoch: index of the last epoch taken; -1 (the default) starts
            fresh. Give it only to resume, with ``initial_lr`` in the groups.

    Subclasses implement :meth:`get_lr`, the rates for epoch ``last_epoch``.
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: {type(optimizer).__name__} is not an "
                            "Optimizer")
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(f"{type(self).__name__}: param_groups[{i}] has no 'initial_lr' "
                               f"to resume from at last_epoch={last_epoch}; load the "
                               "optimizer's state dict first, or start with last_epoch=-1")
        self.base_lrs: list[float] = [g["initial_lr"] for g in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:  # the rates for epoch ``last_epoch``
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The learning rate of each parameter group, as last set by this scheduler."""
        return list(self._last_lr)

    def _group_lrs(self) -> list[float]:
        return [g["lr"] for g in self.optimizer.param_groups]

    def step(self) -> None:
        """Advance one epoch and write the new rates into the optimizer."""
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = self._group_lrs()

    def state_dict(self) -> dict[str, Any]:
        """The schedule's state (everything but the optimizer and callables), plain values."""
        return {k: v for k, v in vars(self).items()
                if k not in ("optimizer", "lr_lambdas") and not callable(v)}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict` (also one read back by ``nn.load``), checking it first.

        Each entry must be of the kind of the value it replaces (a number for
        a number, a list of one rate per group for ``base_lrs``, ...);
        counters must be whole numbers (``last_epoch`` >= -1, the others >= 0
        or >= 1), rates finite and >= 0, and no number NaN. Every public entry
        must be present; a missing private one (``_step_count``...) keeps its
        value.

        Raises:
            ValueError: an entry does not fit (TypeError: not a dict); the
                scheduler is left as it was.
        """
        self.__dict__.update(checked_scheduler_state(self, state_dict))


class LambdaLR(LRScheduler):
    """``lr = initial_lr * lr_lambda(epoch)``.

    Args:
        lr_lambda: a function of the epoch, or a list of them (one per group).

    The functions are not part of ``state_dict()``.

    Example:
        >>> import autograd as ag
        >>> from optim import SGD
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=0.5)
        >>> sched = LambdaLR(opt, lambda epoch: 1 / (epoch + 1))
        >>> sched.step(); sched.get_last_lr()
        [0.25]
    """

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        self.lr_lambdas = lr_lambdas("LambdaLR", optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * f(self.last_epoch) for f, base in zip(self.lr_lambdas, self.base_lrs)]


class StepLR(LRScheduler):
    """Multiply the rate by ``gamma`` every ``step_size`` epochs.

    ``lr = initial_lr * gamma ** (epoch // step_size)``.

    Args:
        step_size: epochs between decays (a positive int).
        gamma: the factor (default 0.1).

    Example:
        >>> import autograd as ag
        >>> from optim import SGD
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sched = StepLR(opt, step_size=2, gamma=0.5)
        >>> [(sched.step(), sched.get_last_lr()[0])[1] for _ in range(4)]
        [1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        if not _is_int(step_size, 1):
            raise _fail("StepLR", "step_size", step_size, "a positive int")
        self.step_size, self.gamma = int(step_size), gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._group_lrs()
        return [lr * self.gamma for lr in self._group_lrs()]


class MultiStepLR(LRScheduler):
    """Multiply the rate by ``gamma`` at each milestone epoch.

    ``lr = initial_lr * gamma ** (number of milestones <= epoch)``.

    Args:
        milestones: epoch indices (a milestone listed twice applies twice).
        gamma: the factor (default 0.1).
    """

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.milestones = sorted(int(m) for m in milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        hits = self.milestones.count(self.last_epoch)
        if hits == 0:
            return self._group_lrs()
        return [lr * self.gamma ** hits for lr in self._group_lrs()]


class ExponentialLR(LRScheduler):
    """Multiply the rate by ``gamma`` every epoch: ``lr = initial_lr * gamma ** epoch``.

    Args:
        gamma: the factor per epoch.
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return self._group_lrs()
        return [lr * self.gamma for lr in self._group_lrs()]


class InverseTimeLR(LRScheduler):
    r"""The course's inverse-time decay, :math:`\mathrm{lr}_t = a / (b + t)`.

    Parametrised by the optimizer's starting rate :math:`\mathrm{lr}_0` and
    :math:`b`, with :math:`a = \mathrm{lr}_0\, b`, so the schedule starts at the
    rate the optimizer was given and

    .. math::
        \mathrm{lr}_t = \frac{a}{b + t} = \frac{\mathrm{lr}_0\, b}{b + t}
                      = \frac{\mathrm{lr}_0}{1 + t / b}.

    :math:`b` says when decay sets in: the rate has halved after :math:`b`
    epochs. For the course's :math:`a` and :math:`b`, give the optimizer
    ``lr = a / b`` (Keras's ``InverseTimeDecay`` has ``b = decay_steps / rate``).
    Computed in closed form from ``initial_lr``, so it does not chain.

    Args:
        b: positive; the epoch count after which the rate has halved.

    Example:
        >>> import autograd as ag
        >>> from optim import SGD
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=0.1 / 10)  # a = 0.1, b = 10
        >>> sched = InverseTimeLR(opt, b=10)
        >>> for _ in range(10):
        ...     opt.step(); sched.step()
        >>> round(sched.get_last_lr()[0], 12)   # a / (b + 10)
        0.005
    """

    def __init__(self, optimizer: Optimizer, b: float, last_epoch: int = -1) -> None:
        if not isinstance(b, (int, float, np.number)) or isinstance(b, bool) or not b > 0:
            raise _fail("InverseTimeLR", "b", b, "> 0")
        self.b = b
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * self.b / (self.b + self.last_epoch) for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    r"""Anneal the rate along half a cosine from ``initial_lr`` to ``eta_min`` in ``T_max`` epochs.

    .. math::
        \mathrm{lr}_t = \eta_{min} + \tfrac12(\mathrm{lr}_0 - \eta_{min})
                        (1 + \cos(\pi t / T_{max}))

    computed recursively from the current rate, as PyTorch (so it chains with
    other schedules); past ``T_max`` it climbs back up, a cosine without restarts.

    Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm
    Restarts", ICLR 2017.

    Args:
        T_max: half-period in epochs (a positive int).
        eta_min: the lowest rate (default 0).
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,  # noqa: N803
                 last_epoch: int = -1) -> None:
        if not _is_int(T_max, 1):
            raise _fail("CosineAnnealingLR", "T_max", T_max, "a positive int")
        self.T_max, self.eta_min = int(T_max), eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, T, lo = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._group_lrs()
        if (t - 1 - T) % (2 * T) == 0:  # at the bottom, the recursion would divide by 0
            return [lr + (base - lo) * (1 - math.cos(math.pi / T)) / 2
                    for base, lr in zip(self.base_lrs, self._group_lrs())]
        return [(1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
                * (lr - lo) + lo for lr in self._group_lrs()]


class LinearLR(LRScheduler):
    """Scale the rate linearly from ``start_factor`` to ``end_factor`` over ``total_iters``
    epochs (a warm-up), then keep it.

    ``lr = initial_lr * (start + (end - start) * min(epoch, total_iters) / total_iters)``,
    computed recursively as PyTorch.

    Args:
        start_factor: factor at epoch 0, in (0, 1] (default 1/3).
        end_factor: factor from ``total_iters`` on, in [0, 1] (default 1).
        total_iters: epochs to go from one to the other (default 5).

    Example:
        >>> import autograd as ag
        >>> from optim import SGD
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sched = LinearLR(opt, start_factor=0.25, total_iters=3)
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(4):
        ...     opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, total_iters: int = 5, last_epoch: int = -1) -> None:
        if not 0 < start_factor <= 1:
            raise _fail("LinearLR", "start_factor", start_factor, "in (0, 1]")
        if not 0 <= end_factor <= 1:
            raise _fail("LinearLR", "end_factor", end_factor, "in [0, 1]")
        if not _is_int(total_iters, 1):
            raise _fail("LinearLR", "total_iters", total_iters, "a positive int")
        self.start_factor, self.end_factor = start_factor, end_factor
        self.total_iters = int(total_iters)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        s, e, n, t = self.start_factor, self.end_factor, self.total_iters, self.last_epoch
        if t == 0:
            return [lr * s for lr in self._group_lrs()]
        if self._is_initial or t > n:
            return self._group_lrs()
        ratio = 1.0 + (e - s) / (n * s + (t - 1) * (e - s))
        return [lr * ratio for lr in self._group_lrs()]


class OneCycleLR(LRScheduler):
    """The 1cycle policy: warm up to ``max_lr``, then anneal far below the start; step per batch.

    The rate rises from ``initial_lr = max_lr / div_factor`` to ``max_lr``
    over the first ``pct_start`` of ``total_steps`` (or ``epochs *
    steps_per_epoch``), then falls to ``min_lr = initial_lr / final_div_factor``
    (``three_phase``: back to ``initial_lr`` first), by ``anneal_strategy``
    ``"cos"`` or ``"linear"``. With ``cycle_momentum`` the optimizer's momentum
    (or Adam's beta1) moves the other way between ``max_momentum`` (0.95) and
    ``base_momentum`` (0.85). ``max_lr`` and the momenta may be per-group lists.
    Defaults as PyTorch's: pct_start 0.3, div_factor 25, final_div_factor 1e4.

    Smith and Topin, "Super-Convergence: Very Fast Training of Neural Networks
    Using Large Learning Rates", 2018.
    """

    def __init__(self, optimizer: Optimizer, max_lr: float | Sequence[float],
                 total_steps: int | None = None, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: float | Sequence[float] = 0.85,
                 max_momentum: float | Sequence[float] = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        if total_steps is None:
            for name, v in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
                if not _is_int(v, 1):
                    raise _fail("OneCycleLR", name, v, "a positive int without total_steps")
            total_steps = epochs * steps_per_epoch  # type: ignore[operator]
        if not _is_int(total_steps, 1):
            raise _fail("OneCycleLR", "total_steps", total_steps, "a positive int")
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise _fail("OneCycleLR", "pct_start", pct_start, "a float in [0, 1]")
        if anneal_strategy not in ("cos", "linear"):
            raise _fail("OneCycleLR", "anneal_strategy", anneal_strategy, "'cos' or 'linear'")
        self.total_steps, self.anneal_strategy = int(total_steps), anneal_strategy
        # (last step of the phase, lr from, lr to, momentum from, momentum to)
        self._phases = [(float(pct_start * total_steps) - 1, "initial_lr", "max_lr",
                         "max_momentum", "base_momentum")]
        if three_phase:
            self._phases += [(float(2 * pct_start * total_steps) - 2, "max_lr", "initial_lr",
                              "base_momentum", "max_momentum"),
                             (total_steps - 1, "initial_lr", "min_lr", "max_momentum",
                              "max_momentum")]
        else:
            self._phases.append((total_steps - 1, "max_lr", "min_lr", "base_momentum",
                                 "max_momentum"))
        groups = optimizer.param_groups
        if last_epoch == -1:
            for group, top in zip(groups, _per_group("max_lr", optimizer, max_lr)):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError("OneCycleLR: cycle_momentum needs an optimizer with a "
                                 "'momentum' or 'betas' option; pass cycle_momentum=False")
            self.use_beta1 = "betas" in optimizer.defaults
            if last_epoch == -1:
                for group, hi, lo in zip(groups,
                                         _per_group("max_momentum", optimizer, max_momentum),
                                         _per_group("base_momentum", optimizer, base_momentum)):
                    self._set_momentum(group, hi)
                    group["max_momentum"], group["base_momentum"] = hi, lo
        super().__init__(optimizer, last_epoch)

    def _set_momentum(self, group: dict[str, Any], value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        t = self.last_epoch
        if t > self.total_steps:
            raise ValueError(f"OneCycleLR: tried to step {t} times, but total_steps is "
                             f"{self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, (end, lr0, lr1, m0, m1) in enumerate(self._phases):
                if t <= end or i == len(self._phases) - 1:
                    pct = (t - start) / (end - start)
                    lrs.append(self._anneal(group[lr0], group[lr1], pct))
                    if self.cycle_momentum:
                        self._set_momentum(group, self._anneal(group[m0], group[m1], pct))
                    break
                start = end
        return lrs


def _per_group(name: str, optimizer: Optimizer, value: Any) -> list[Any]:
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"expected {n} values for {name} (one per group), got {len(value)}")
        return list(value)
    return [value] * n


from .lr_scheduler_more import (  # noqa: E402
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    MultiplicativeLR,
    PolynomialLR,
    SequentialLR,
)
from .lr_scheduler_plateau import ReduceLROnPlateau  # noqa: E402  (built on LRScheduler)

__all__ += ["MultiplicativeLR", "ConstantLR", "PolynomialLR", "SequentialLR", "ChainedScheduler",
            "CyclicLR", "CosineAnnealingWarmRestarts"]
