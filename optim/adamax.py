"""Adamax: Adam with the infinity norm of past gradients in place of the second moment."""
from __future__ import annotations

from typing import Any

import numpy as np

from .nadam import check_betas
from .optimizer import Optimizer, ParamsT, fma, lerp_


class Adamax(Optimizer):
    r"""Adamax, the infinity-norm variant of Adam, with PyTorch's order of operations.

    With :math:`\gamma` = lr, :math:`\beta_1, \beta_2` = betas,
    :math:`\lambda` = weight_decay, :math:`\epsilon` = eps and
    :math:`t = 1, 2, \dots`:

    .. math::
        g_t &\leftarrow g_t + \lambda \theta_{t-1} \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        u_t &\leftarrow \max(\beta_2 u_{t-1},\ |g_t| + \epsilon) \\
        \theta_t &\leftarrow \theta_{t-1} - \frac{\gamma}{1 - \beta_1^t}\, \frac{m_t}{u_t}

    (negate :math:`g_t` first when ``maximize``), with :math:`m_0 = u_0 = 0`.

    Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, section 7.1.

    Args:
        params: Tensors to optimize, or parameter groups (dicts).
        lr: learning rate (default 2e-3).
        betas: :math:`(\beta_1, \beta_2)` (default (0.9, 0.999)).
        eps: added to :math:`|g_t|` (default 1e-8).
        weight_decay: L2 penalty, added to the gradient (default 0).
        maximize: maximize the objective instead of minimizing it.
        foreach, capturable, differentiable: accepted for PyTorch scripts; no effect.

    State per parameter: ``step``, ``exp_avg`` (:math:`m`) and ``exp_inf`` (:math:`u`).

    Example:
        >>> import autograd as ag
        >>> from optim import Adamax
        >>> w = ag.tensor([1.0, 1.0], requires_grad=True)
        >>> opt = Adamax([w], lr=0.1)
        >>> w.grad = ag.tensor([3.0, -0.5])
        >>> opt.step()     # the first step is lr * sign(g) (eps aside)
        >>> w
        tensor([0.9000, 1.1000], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay, "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check_lr_eps_wd(group)
        check_betas(self, group)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        dt = p.dtype.type
        beta1, beta2 = group["betas"]
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p), exp_inf=np.zeros_like(p))
        state["step"] += 1
        if group["weight_decay"] != 0:
            g = fma(p, dt(group["weight_decay"]), g)
        m, u = state["exp_avg"], state["exp_inf"]
        lerp_(m, g, 1 - beta1)
        u *= dt(beta2)
        np.maximum(u, np.abs(g) + dt(group["eps"]), out=u)
        clr = group["lr"] / (1 - beta1 ** state["step"])
        p += dt(-clr) * m / u
