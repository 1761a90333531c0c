"""Adadelta: step sizes from running averages of squared gradients and squared updates."""
from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, fma, fma_


class Adadelta(Optimizer):
    r"""Adadelta, with PyTorch's order of operations.

    With :math:`\gamma` = lr, :math:`\rho` = rho, :math:`\lambda` =
    weight_decay and :math:`\epsilon` = eps:

    .. math::
        g_t &\leftarrow g_t + \lambda \theta_{t-1} \\
        v_t &\leftarrow \rho v_{t-1} + (1 - \rho) g_t^2 \\
        \Delta x_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \\
        u_t &\leftarrow \rho u_{t-1} + (1 - \rho) \Delta x_t^2 \\
        \theta_t &\leftarrow \theta_{t-1} - \gamma \Delta x_t

    (negate :math:`g_t` first when ``maximize``), with :math:`v_0 = u_0 = 0`.
    The ratio of the two root-mean-squares gives each coordinate a step in the
    units of the parameter, so the paper's method needs no learning rate
    (:math:`\gamma = 1`, the default).

    Zeiler, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701, 2012.

    Args:
        params: Tensors to optimize, or parameter groups (dicts).
        lr: scales the step (default 1.0).
        rho: decay of the running averages, in [0, 1] (default 0.9).
        eps: added inside both square roots (default 1e-6).
        weight_decay: L2 penalty, added to the gradient (default 0).
        maximize: maximize the objective instead of minimizing it.
        foreach, capturable, differentiable: accepted for PyTorch scripts; no effect.

    State per parameter: ``step``, ``square_avg`` (:math:`v`) and ``acc_delta`` (:math:`u`).

    Example:
        >>> import autograd as ag
        >>> from optim import Adadelta
        >>> w = ag.tensor([1.0], requires_grad=True, dtype="float64")
        >>> opt = Adadelta([w], rho=0.5, eps=0.01)
        >>> w.grad = ag.tensor([2.0], dtype="float64")
        >>> opt.step()     # 1 - sqrt(0 + 0.01) / sqrt(0.5 * 4 + 0.01) * 2
        >>> round(w.item(), 4)
        0.8589
    """

    def __init__(self, params: ParamsT, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0.0, foreach: bool | None = None, *,
                 capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, {"lr": lr, "rho": rho, "eps": eps,
                                  "weight_decay": weight_decay, "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check_lr_eps_wd(group)
        self._check(0.0 <= group["rho"] <= 1.0, "rho value", group["rho"], "in [0, 1]")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        dt = p.dtype.type
        rho, eps = group["rho"], dt(group["eps"])
        if not state:
            state.update(step=0, square_avg=np.zeros_like(p), acc_delta=np.zeros_like(p))
        state["step"] += 1
        if group["weight_decay"] != 0:
            g = fma(p, dt(group["weight_decay"]), g)
        v, u = state["square_avg"], state["acc_delta"]
        v *= dt(rho)
        fma_(v, dt(1 - rho) * g, g)
        std = np.sqrt(v + eps)
        delta = np.sqrt(u + eps)
        delta /= std
        delta *= g
        u *= dt(rho)
        fma_(u, dt(1 - rho) * delta, delta)
        fma_(p, delta, dt(-group["lr"]))
