"""Stochastic gradient descent, with momentum and Nesterov momentum."""
from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, fma, fma_


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with (Nesterov) momentum.

    The update for a parameter :math:`\theta` with gradient :math:`g_t`
    (PyTorch's rule, step by step; :math:`\lambda` = weight_decay,
    :math:`\mu` = momentum, :math:`\tau` = dampening, :math:`\gamma` = lr):

    .. math::
        g_t &\leftarrow -g_t \quad \text{if maximize} \\
        g_t &\leftarrow g_t + \lambda \theta_{t-1} \\
        b_t &\leftarrow g_t \ \text{at the first step, else}\ \mu b_{t-1} + (1 - \tau) g_t \\
        g_t &\leftarrow g_t + \mu b_t \ \text{if nesterov, else}\ b_t \\
        \theta_t &\leftarrow \theta_{t-1} - \gamma g_t

    With ``momentum=0`` this is plain gradient descent, :math:`\theta \leftarrow
    \theta - \gamma g`. The velocity form the course writes,
    :math:`v \leftarrow \mu v - \gamma g,\ \theta \leftarrow \theta + v`, gives
    the same steps while lr is constant (:math:`v = -\gamma b`); see
    :class:`optim.Momentum` for where they part.

    Momentum: Polyak (1964); the formulation and Nesterov's variant as in
    Sutskever, Martens, Dahl and Hinton, "On the importance of initialization
    and momentum in deep learning", ICML 2013; Nesterov (1983).

    Args:
        params: Tensors to optimize, or parameter groups (dicts).
        lr: learning rate :math:`\gamma` (default 1e-3).
        momentum: momentum factor :math:`\mu` (default 0).
        dampening: dampening :math:`\tau` for momentum (default 0).
        weight_decay: L2 penalty :math:`\lambda` (default 0).
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize: maximize the objective instead of minimizing it.

    State per parameter: ``momentum_buffer`` (when momentum is not 0).

    Example:
        >>> import autograd as ag
        >>> from optim import SGD
        >>> w = ag.tensor([1.0, -1.0], requires_grad=True)
        >>> opt = SGD([w], lr=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     w.grad = ag.tensor([1.0, 1.0])   # a constant gradient
        ...     opt.step()
        >>> w   # steps of 0.1, then 0.1 * (1 + 0.9)
        tensor([ 0.7100, -1.2900], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov,
                                  "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check_lr_eps_wd(group)
        self._check(group["momentum"] >= 0, "momentum value", group["momentum"], ">= 0")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(f"SGD: Nesterov momentum requires a momentum > 0 and zero "
                             f"dampening, got momentum={group['momentum']!r} and "
                             f"dampening={group['dampening']!r}")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        dt = p.dtype.type
        wd, mu = group["weight_decay"], group["momentum"]
        if wd != 0:
            g = fma(p, dt(wd), g)
        if mu != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= dt(mu)
                damp = 1 - group["dampening"]
                if damp == 1:
                    buf += g
                else:
                    fma_(buf, g, dt(damp))
            g = fma(buf, dt(mu), g) if group["nesterov"] else buf
        fma_(p, g, dt(-group["lr"]))
