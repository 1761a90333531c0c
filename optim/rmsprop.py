"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""
from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, fma, fma_, lerp_


class RMSprop(Optimizer):
    r"""RMSprop, PyTorch's variant (``eps`` outside the square root).

    With :math:`\gamma` = lr, :math:`\alpha` = alpha, :math:`\mu` = momentum,
    :math:`\lambda` = weight_decay, :math:`\epsilon` = eps:

    .. math::
        g_t &\leftarrow g_t + \lambda \theta_{t-1} \\
        v_t &\leftarrow \alpha v_{t-1} + (1 - \alpha) g_t^2 \\
        \bar g_t &\leftarrow \bar g_{t-1} + (1 - \alpha)(g_t - \bar g_{t-1})
            \quad \text{(only if centered)} \\
        d_t &= \sqrt{v_t - \bar g_t^2} + \epsilon \ \text{if centered, else}\
            \sqrt{v_t} + \epsilon \\
        b_t &\leftarrow \mu b_{t-1} + g_t / d_t, \quad
            \theta_t \leftarrow \theta_{t-1} - \gamma b_t \quad \text{if}\ \mu > 0 \\
        \theta_t &\leftarrow \theta_{t-1} - \gamma g_t / d_t \quad \text{otherwise}

    (negate :math:`g_t` first when ``maximize``). The course's form,
    :math:`c \leftarrow \gamma c + (1-\gamma) g^2,\ \theta \leftarrow \theta -
    \eta g / \sqrt{c + \epsilon}`, has its forgetting factor as ``alpha`` and
    differs only in where eps sits.

    Tieleman and Hinton, "Lecture 6.5 - rmsprop: Divide the gradient by a
    running average of its recent magnitude", COURSERA: Neural Networks for
    Machine Learning, 2012; centered as in Graves, "Generating Sequences With
    Recurrent Neural Networks", 2013.

    Args:
        params: Tensors to optimize, or parameter groups (dicts).
        lr: learning rate (default 1e-2).
        alpha: smoothing constant of the squared-gradient average (default 0.99).
        eps: added to the denominator (default 1e-8).
        weight_decay: L2 penalty (default 0).
        momentum: momentum factor (default 0).
        centered: normalize by an estimate of the gradient's variance.
        maximize: maximize the objective instead of minimizing it.

    State per parameter: ``step``, ``square_avg``, ``momentum_buffer`` (if
    momentum > 0), ``grad_avg`` (if centered).

    Example:
        >>> import autograd as ag
        >>> from optim import RMSprop
        >>> w = ag.tensor([0.0], requires_grad=True)
        >>> opt = RMSprop([w], lr=0.01, alpha=0.75)
        >>> w.grad = ag.tensor([3.0])
        >>> opt.step()     # v = 0.25 * 9, so the step is 0.01 * 3 / 1.5
        >>> w
        tensor([-0.0200], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False, *, maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "alpha": alpha, "eps": eps,
                                  "weight_decay": weight_decay, "momentum": momentum,
                                  "centered": centered, "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check_lr_eps_wd(group)
        self._check(group["momentum"] >= 0, "momentum value", group["momentum"], ">= 0")
        self._check(group["alpha"] >= 0, "alpha value", group["alpha"], ">= 0")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        dt = p.dtype.type
        alpha, mu = group["alpha"], group["momentum"]
        if not state:
            state.update(step=0, square_avg=np.zeros_like(p))
        if mu > 0 and "momentum_buffer" not in state:
            state["momentum_buffer"] = np.zeros_like(p)
        if group["centered"] and "grad_avg" not in state:
            state["grad_avg"] = np.zeros_like(p)
        state["step"] += 1
        if group["weight_decay"] != 0:
            g = fma(p, dt(group["weight_decay"]), g)
        sq = state["square_avg"]
        sq *= dt(alpha)
        fma_(sq, dt(1 - alpha) * g, g)
        if group["centered"]:
            ga = state["grad_avg"]
            lerp_(ga, g, 1 - alpha)
            avg = np.sqrt(fma(-ga, ga, sq))
        else:
            avg = np.sqrt(sq)
        avg += dt(group["eps"])
        if mu > 0:
            buf = state["momentum_buffer"]
            buf *= dt(mu)
            buf += g / avg
            fma_(p, buf, dt(-group["lr"]))
        else:
            p += dt(-group["lr"]) * g / avg

