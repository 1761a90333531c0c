"""Weight averaging: ``AveragedModel`` (SWA and EMA), ``SWALR`` and ``update_bn``.

Stochastic Weight Averaging (Izmailov et al., 2018, "Averaging Weights Leads
to Wider Optima and Better Generalization") keeps the running mean of the
weights a training run visits late in training, usually under a constant or
cyclic learning rate (:class:`SWALR`); the exponential moving average (EMA,
Polyak averaging with exponential weights) keeps ``decay * avg + (1 - decay)
* w`` instead. :func:`update_bn` then recomputes BatchNorm statistics for the
averaged weights with one pass over the data.

Example:
    >>> import autograd as ag, nn
    >>> from optim import SGD
    >>> from optim.swa_utils import AveragedModel, SWALR
    >>> model = nn.Linear(2, 1)
    >>> swa = AveragedModel(model)
    >>> opt = SGD(model.parameters(), lr=0.5)
    >>> sched = SWALR(opt, swa_lr=0.05, anneal_epochs=2)
    >>> for epoch in range(3):
    ...     model(ag.ones(4, 2)).pow(2).mean().backward(); opt.step(); opt.zero_grad()
    ...     swa.update_parameters(model); sched.step()
    >>> int(swa.n_averaged), [round(lr, 4) for lr in sched.get_last_lr()]
    (3, [0.05])
"""
from __future__ import annotations

import copy
import itertools
import math
from typing import Any, Callable, Iterable

import numpy as np

from autograd.mode import no_grad
from autograd.tensor import Tensor
from nn.module import Module
from nn.norm import _BatchNorm

from .lr_scheduler import LRScheduler
from .optimizer import Optimizer

__all__ = ["AveragedModel", "SWALR", "update_bn", "get_ema_multi_avg_fn", "get_ema_avg_fn",
           "get_swa_multi_avg_fn", "get_swa_avg_fn"]

AvgFn = Callable[[Tensor, Tensor, Any], Tensor]
MultiAvgFn = Callable[[list, list, Any], None]


def _check_decay(decay: float) -> None:
    if not 0.0 <= decay <= 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in "
                         "[0,1] range.")


def _lerp(start: np.ndarray, end: np.ndarray, weight: float) -> np.ndarray:
    """``start + weight * (end - start)``, in the form PyTorch's lerp uses for each weight."""
    w = np.asarray(weight, start.dtype)
    if weight < 0.5:
        return start + w * (end - start)
    return end - (end - start) * (np.asarray(1, start.dtype) - w)


def _write(dst: Tensor, value: np.ndarray) -> None:
    """Copy ``value`` into ``dst`` (cast to its dtype, truncating as PyTorch's copy_)."""
    dst.copy_(Tensor._make(np.asarray(value)))


def get_ema_multi_avg_fn(decay: float = 0.999) -> MultiAvgFn:
    """The EMA update of whole parameter lists, in place: ``avg = decay * avg + (1 - decay) * w``.

    Args:
        decay: weight of the old average, in ``[0, 1]``.

    Returns:
        ``fn(averaged_list, current_list, num_averaged)``, for ``AveragedModel(multi_avg_fn=)``.

    Example:
        >>> import autograd as ag
        >>> avg, cur = [ag.tensor([0.0])], [ag.tensor([1.0])]
        >>> get_ema_multi_avg_fn(0.9)(avg, cur, 1); [round(v, 4) for v in avg[0].tolist()]
        [0.1]
    """
    _check_decay(decay)

    def ema_update(averaged: list, current: list, num_averaged: Any) -> None:
        with no_grad():
            for p_avg, p_cur in zip(averaged, current):
                a, c = p_avg.array, p_cur.array.astype(p_avg.dtype, copy=False)
                if a.dtype.kind in "fc":
                    _write(p_avg, _lerp(a, c, 1 - decay))
                else:
                    _write(p_avg, a * decay + c * (1 - decay))

    return ema_update


def get_ema_avg_fn(decay: float = 0.999) -> AvgFn:
    """The EMA update of one parameter: returns ``decay * averaged + (1 - decay) * current``.

    Args:
        decay: weight of the old average, in ``[0, 1]``.

    Returns:
        ``fn(averaged, current, num_averaged) -> Tensor``, for ``AveragedModel(avg_fn=)``.

    Example:
        >>> import autograd as ag
        >>> get_ema_avg_fn(0.5)(ag.tensor([0.0]), ag.tensor([2.0]), 3).tolist()
        [1.0]
    """
    _check_decay(decay)

    def ema_update(averaged: Tensor, current: Tensor, num_averaged: Any) -> Tensor:
        with no_grad():
            return decay * averaged + (1 - decay) * current

    return ema_update


def get_swa_avg_fn() -> AvgFn:
    """The equal-weight running mean of one parameter: ``avg + (w - avg) / (n + 1)``.

    Example:
        >>> import autograd as ag
        >>> get_swa_avg_fn()(ag.tensor([1.0]), ag.tensor([4.0]), 2).tolist()
        [2.0]
    """

    def swa_update(averaged: Tensor, current: Tensor, num_averaged: Any) -> Tensor:
        with no_grad():
            return averaged + (current - averaged) / (num_averaged + 1)

    return swa_update


def get_swa_multi_avg_fn() -> MultiAvgFn:
    """The equal-weight running mean of whole parameter lists, in place.

    Example:
        >>> import autograd as ag
        >>> avg = [ag.tensor([1.0])]
        >>> get_swa_multi_avg_fn()(avg, [ag.tensor([4.0])], 2); avg[0].tolist()
        [2.0]
    """

    def swa_update(averaged: list, current: list, num_averaged: Any) -> None:
        n = int(num_averaged.item() if isinstance(num_averaged, Tensor) else num_averaged)
        with no_grad():
            for p_avg, p_cur in zip(averaged, current):
                a, c = p_avg.array, p_cur.array.astype(p_avg.dtype, copy=False)
                if a.dtype.kind in "fc":
                    _write(p_avg, _lerp(a, c, 1 / (n + 1)))
                else:
                    _write(p_avg, a + (c - a) / (n + 1))

    return swa_update


def _default_update(averaged: list, current: list, n: int) -> None:
    """``avg + (w - avg) / (n + 1)`` per tensor, as PyTorch computes it on the CPU."""
    with no_grad():
        for p_avg, p_cur in zip(averaged, current):
            a, c = p_avg.array, p_cur.array.astype(p_avg.dtype, copy=False)
            if a.dtype.kind in "fc":
                _write(p_avg, a + (c - a) / np.asarray(n + 1, a.dtype))
            else:  # integers: true division, then truncated back by the copy
                _write(p_avg, a + (c - a) / (n + 1))


class AveragedModel(Module):
    """A copy of ``model`` whose weights are the average of ``model``'s over updates.

    The copy starts as ``model``'s weights; each :meth:`update_parameters`
    averages the current weights in. By default the average is equal-weight
    (SWA): ``avg_{n+1} = avg_n + (w - avg_n) / (n + 1)``; ``avg_fn`` (per
    tensor) or ``multi_avg_fn`` (per list of tensors, in place) replace it, e.g.
    :func:`get_ema_multi_avg_fn` for an exponential moving average. Buffers
    are copied from ``model`` unless ``use_buffers``, which averages them too.

    Args:
        model: the module to average (deep-copied).
        device: move the copy there (CPU only here).
        avg_fn: ``fn(averaged, current, num_averaged) -> Tensor``.
        multi_avg_fn: ``fn(averaged_list, current_list, num_averaged)``, in place.
        use_buffers: average parameters and buffers together.

    Attributes:
        module: the averaged copy; ``n_averaged``: an int64 buffer counting updates.

    Example:
        >>> import autograd as ag, nn
        >>> lin = nn.Linear(1, 1, bias=False)
        >>> avg = AveragedModel(lin)
        >>> for w in (1.0, 2.0, 6.0):
        ...     _ = lin.weight.data.fill_(w); avg.update_parameters(lin)
        >>> avg.module.weight.item(), list(avg.state_dict())
        (3.0, ['n_averaged', 'module.weight'])
    """

    def __init__(self, model: Module, device: Any = None, avg_fn: AvgFn | None = None,
                 multi_avg_fn: MultiAvgFn | None = None, use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("AveragedModel: only one of avg_fn and multi_avg_fn should "
                                 "be provided")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", Tensor._make(np.array(0, np.int64)))
        self.avg_fn, self.multi_avg_fn, self.use_buffers = avg_fn, multi_avg_fn, use_buffers

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.module(*args, **kwargs)

    def _averaged_and_current(self, model: Module) -> tuple[list, list]:
        mine: Iterable[Tensor]
        theirs: Iterable[Tensor]
        if self.use_buffers:
            mine = itertools.chain(self.module.parameters(), self.module.buffers())
            theirs = itertools.chain(model.parameters(), model.buffers())
        else:
            mine, theirs = self.parameters(), model.parameters()
        pairs = list(zip(mine, theirs))
        return [p.detach() for p, _ in pairs], [q.detach() for _, q in pairs]

    def update_parameters(self, model: Module) -> None:
        """Average ``model``'s current weights in (the first call copies them)."""
        averaged, current = self._averaged_and_current(model)
        n = int(self.n_averaged.item())
        with no_grad():
            if n == 0:
                for p_avg, p_cur in zip(averaged, current):
                    p_avg.copy_(p_cur)
            elif self.avg_fn is not None:
                count = self.n_averaged.detach()
                for p_avg, p_cur in zip(averaged, current):
                    p_avg.copy_(self.avg_fn(p_avg, p_cur, count))
            else:
                groups: dict = {}
                for p_avg, p_cur in zip(averaged, current):
                    pair = groups.setdefault(p_avg.dtype, ([], []))
                    pair[0].append(p_avg)
                    pair[1].append(p_cur)
                for group_avg, group_cur in groups.values():
                    if self.multi_avg_fn is not None:
                        self.multi_avg_fn(group_avg, group_cur, self.n_averaged.detach())
                    else:
                        _default_update(group_avg, group_cur, n)
            if not self.use_buffers:  # keep the buffers in step with the model's
                for b_avg, b_cur in zip(self.module.buffers(), model.buffers()):
                    b_avg.detach().copy_(b_cur.detach())
            self.n_averaged.array += 1


def update_bn(loader: Iterable[Any], model: Module, device: Any = None) -> None:
    """Recompute every BatchNorm's running statistics with one pass over ``loader``.

    The running statistics are reset and re-estimated as the plain average
    over the batches (momentum None for the pass, restored after); the
    model's training flag is restored too.

    Args:
        loader: batches, each a Tensor or a tuple/list whose first item is the input.
        model: the model (e.g. ``AveragedModel``) whose BatchNorm layers to update.
        device: move each batch there first.

    Example:
        >>> import autograd as ag, nn
        >>> bn = nn.BatchNorm1d(1)
        >>> update_bn([ag.tensor([[1.0], [3.0]]), (ag.tensor([[5.0], [7.0]]), 0)], bn)
        >>> bn.running_mean.tolist(), bn.momentum
        ([4.0], 0.1)
    """
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for batch in loader:
            x = batch[0] if isinstance(batch, (list, tuple)) else batch
            if device is not None:
                x = x.to(device)
            model(x)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's learning rate to ``swa_lr`` over ``anneal_epochs``, then hold it.

    With ``t = min(1, epoch / anneal_epochs)`` and ``alpha = (1 - cos(pi t)) / 2``
    (``'cos'``) or ``alpha = t`` (``'linear'``), the rate moves from the group's
    rate at the start to ``lr = swa_lr * alpha + lr_0 * (1 - alpha)``; it is
    computed from the current rate each step, as PyTorch, so it can follow
    another schedule.

    Args:
        optimizer: the optimizer whose rates to set.
        swa_lr: the final rate, or a list with one per parameter group.
        anneal_epochs: epochs of the annealing phase (an int >= 0).
        anneal_strategy: ``'cos'`` or ``'linear'``.
        last_epoch: as :class:`LRScheduler`.

    Example:
        >>> import autograd as ag
        >>> from optim import SGD
        >>> opt = SGD([ag.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched, lrs = SWALR(opt, swa_lr=0.2, anneal_epochs=2, anneal_strategy="linear"), []
        >>> for _ in range(4):
        ...     lrs.append(round(sched.get_last_lr()[0], 4)); opt.step(); sched.step()
        >>> lrs
        [1.0, 0.6, 0.2, 0.2]
    """

    def __init__(self, optimizer: Optimizer, swa_lr: float | list, anneal_epochs: int = 10,
                 anneal_strategy: str = "cos", last_epoch: int = -1) -> None:
        n = len(optimizer.param_groups)
        swa_lrs = list(swa_lr) if isinstance(swa_lr, (list, tuple)) else [swa_lr] * n
        if len(swa_lrs) != n:
            raise ValueError(f"swa_lr must have the same length as optimizer.param_groups. "
                             f"swa_lr has {len(swa_lrs)} values, param_groups has {n}.")
        for value, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = value
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError("anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy}")
        if isinstance(anneal_epochs, bool) or not isinstance(anneal_epochs, int) \
                or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got "
                             f"{anneal_epochs}")
        self._anneal_strategy = anneal_strategy
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    def anneal_func(self, t: float) -> float:
        """The share ``alpha`` of ``swa_lr`` at annealing progress ``t`` in ``[0, 1]``."""
        return t if self._anneal_strategy == "linear" else (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _initial_lr(lr: float, swa_lr: float, alpha: float) -> float:
        return swa_lr if alpha == 1 else (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self) -> list[float]:
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        groups = self.optimizer.param_groups
        prev_lrs = [self._initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in groups]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(groups, prev_lrs)]
