"""ASGD: stochastic gradient descent with a decaying step and Polyak-Ruppert averaging."""
from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, fma, fma_


class ASGD(Optimizer):
    r"""Averaged stochastic gradient descent, with PyTorch's step-size schedule.

    With :math:`\lambda` = lambd, :math:`\alpha` = alpha, :math:`t_0` = t0,
    :math:`w` = weight_decay, :math:`\gamma` = lr and :math:`t = 1, 2, \dots`:

    .. math::
        g_t &\leftarrow g_t + w\, \theta_{t-1} \\
        \theta_t &\leftarrow (1 - \lambda \eta_{t-1})\, \theta_{t-1} - \eta_{t-1} g_t \\
        \bar\theta_t &\leftarrow \bar\theta_{t-1} + \mu_{t-1} (\theta_t - \bar\theta_{t-1})
            \ \ (\bar\theta_t = \theta_t \ \text{while}\ \mu_{t-1} = 1) \\
        \eta_t &= \gamma / (1 + \lambda \gamma t)^{\alpha}, \quad
        \mu_t = 1 / \max(1, t - t_0)

    with :math:`\eta_0 = \gamma` and :math:`\mu_0 = 1` (negate :math:`g_t`
    first when ``maximize``). The parameters follow plain (decaying) SGD; the
    average :math:`\bar\theta` is kept in the state as ``ax`` (averaging
    starts after :math:`t_0` steps) for you to copy into the model for
    evaluation. ``eta`` and ``mu`` are kept in float32, as PyTorch keeps them.

    Polyak and Juditsky, "Acceleration of Stochastic Approximation by
    Averaging", SIAM J. Control Optim. 30(4), 1992.

    Args:
        params: Tensors to optimize, or parameter groups (dicts).
        lr: learning rate :math:`\gamma` (default 1e-2).
        lambd: decay term :math:`\lambda` (default 1e-4).
        alpha: power of the step-size decay (default 0.75).
        t0: the step after which averaging starts (default 1e6).
        weight_decay: L2 penalty, added to the gradient (default 0).
        maximize: maximize the objective instead of minimizing it.
        foreach, capturable, differentiable: accepted for PyTorch scripts; no effect.

    State per parameter: ``step``, ``eta``, ``mu`` and ``ax``.

    Example:
        >>> import autograd as ag
        >>> from optim import ASGD
        >>> w = ag.tensor([1.0], requires_grad=True, dtype="float64")
        >>> opt = ASGD([w], lr=0.5, lambd=0.1, t0=0)
        >>> w.grad = ag.tensor([1.0], dtype="float64")
        >>> opt.step()       # (1 - 0.1 * 0.5) * 1 - 0.5 * 1; eta = 0.5 / 1.05 ** 0.75
        >>> round(w.item(), 6), round(opt.state[w]["eta"], 6)
        (0.45, 0.482034)
    """

    _scalar_state = ("step", "eta", "mu")

    def __init__(self, params: ParamsT, lr: float = 1e-2, lambd: float = 1e-4,
                 alpha: float = 0.75, t0: float = 1e6, weight_decay: float = 0.0,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        super().__init__(params, {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0,
                                  "weight_decay": weight_decay, "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check_lr_eps_wd(group)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        dt = p.dtype.type
        lr, lambd = group["lr"], group["lambd"]
        if not state:
            state.update(step=0, eta=float(np.float32(lr)), mu=1.0, ax=np.zeros_like(p))
        state["step"] += 1
        t = state["step"]
        if group["weight_decay"] != 0:
            g = fma(p, dt(group["weight_decay"]), g)
        eta = state["eta"]
        p *= dt(1 - lambd * eta)
        fma_(p, g, dt(-eta))
        ax = state["ax"]
        if state["mu"] != 1:
            ax += (p - ax) * dt(state["mu"])
        else:
            ax[...] = p
        state["eta"] = float(np.float32(lr / (1 + lambd * lr * t) ** group["alpha"]))
        state["mu"] = float(np.float32(1 / max(1, t - group["t0"])))
