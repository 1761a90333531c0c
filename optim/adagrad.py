"""Adagrad: per-coordinate step sizes from the sum of squared gradients."""
from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, fma, fma_


class Adagrad(Optimizer):
    r"""Adagrad, PyTorch's variant (with ``eps`` outside the square root).

    With :math:`\gamma` = lr, :math:`\eta` = lr_decay, :math:`\lambda` =
    weight_decay, :math:`\epsilon` = eps, the sum :math:`s_0` =
    initial_accumulator_value and :math:`t = 1, 2, \dots`:

    .. math::
        g_t &\leftarrow g_t + \lambda \theta_{t-1} \\
        \tilde\gamma &= \gamma / (1 + (t - 1)\eta) \\
        s_t &\leftarrow s_{t-1} + g_t^2 \\
        \theta_t &\leftarrow \theta_{t-1} - \tilde\gamma\, g_t / (\sqrt{s_t} + \epsilon)

    (negate :math:`g_t` first when ``maximize``). The course writes
    :math:`\theta \leftarrow \theta - \eta g / \sqrt{s + \epsilon}`; that
    exact form is :class:`optim.AdaGradEpsInRoot` (also ``optim.CourseAdaGrad``).

    Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning
    and Stochastic Optimization", JMLR 12, 2011.

    Args:
        params: Tensors to optimize, or parameter groups (dicts).
        lr: learning rate (default 1e-2).
        lr_decay: learning-rate decay :math:`\eta` (default 0).
        weight_decay: L2 penalty (default 0).
        initial_accumulator_value: starting value of the sum (default 0).
        eps: added to the denominator (default 1e-10).
        maximize: maximize the objective instead of minimizing it.

    State per parameter (created with the optimizer, as PyTorch's): ``step``
    and ``sum``.

    Example:
        >>> import autograd as ag
        >>> from optim import Adagrad
        >>> w = ag.tensor([0.0, 0.0], requires_grad=True)
        >>> opt = Adagrad([w], lr=0.5)
        >>> w.grad = ag.tensor([4.0, -0.1])
        >>> opt.step()        # the first step is lr * sign(g): g / sqrt(g^2)
        >>> w
        tensor([-0.5000,  0.5000], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 eps: float = 1e-10, *, maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "lr_decay": lr_decay, "eps": eps,
                                  "weight_decay": weight_decay,
                                  "initial_accumulator_value": initial_accumulator_value,
                                  "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check_lr_eps_wd(group)
        self._check(group["lr_decay"] >= 0, "lr_decay value", group["lr_decay"], ">= 0")
        v = group["initial_accumulator_value"]
        self._check(v >= 0, "initial_accumulator_value", v, ">= 0")

    def _init_state(self, group: dict[str, Any]) -> None:
        for p in group["params"]:
            self.state[p] = {"step": 0,
                             "sum": np.full_like(p.array, group["initial_accumulator_value"])}

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        dt = p.dtype.type
        if "sum" not in state:  # state dropped by a load of a state dict without it
            state.update(step=0, sum=np.full_like(p, group["initial_accumulator_value"]))
        state["step"] += 1
        if group["weight_decay"] != 0:
            g = fma(p, dt(group["weight_decay"]), g)
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        s = state["sum"]
        fma_(s, g, g)
        std = np.sqrt(s)
        std += dt(group["eps"])
        p += dt(-clr) * g / std
