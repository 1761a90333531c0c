"""RAdam: Adam whose adaptive step is switched on only once its variance is tractable."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .adam import adam_moments, adam_weight_decay
from .nadam import check_betas
from .optimizer import Optimizer, ParamsT


class RAdam(Optimizer):
    r"""RAdam (rectified Adam), with PyTorch's order of operations.

    With :math:`\gamma` = lr, :math:`\beta_1, \beta_2` = betas,
    :math:`\lambda` = weight_decay, :math:`\epsilon` = eps and
    :math:`t = 1, 2, \dots`:

    .. math::
        g_t &\leftarrow g_t + \lambda \theta_{t-1}
            \quad (\text{or}\ \theta_{t-1} \leftarrow (1 - \gamma\lambda)\theta_{t-1}
            \ \text{if decoupled}) \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t, \quad
        v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2, \quad
        \hat m_t = m_t / (1 - \beta_1^t) \\
        \rho_\infty &= \frac{2}{1 - \beta_2} - 1, \quad
        \rho_t = \rho_\infty - \frac{2 t \beta_2^t}{1 - \beta_2^t} \\
        \theta_t &\leftarrow \theta_{t-1} - \gamma\, \hat m_t\, r_t\,
            \frac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon}
            \ \text{if}\ \rho_t > 5, \ \text{else}\
            \theta_{t-1} - \gamma \hat m_t, \\
        r_t &= \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}
                          {(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}}

    (negate :math:`g_t` first when ``maximize``). For the first few steps
    (:math:`\rho_t \le 5`; six steps with the default betas) this is SGD with
    momentum; then the adaptive, rectified step takes over.

    Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020.

    Args:
        params: Tensors to optimize, or parameter groups (dicts).
        lr: learning rate (default 1e-3).
        betas: :math:`(\beta_1, \beta_2)` (default (0.9, 0.999)).
        eps: added to the denominator (default 1e-8).
        weight_decay: weight decay :math:`\lambda` (default 0).
        decoupled_weight_decay: shrink the weights directly (as AdamW).
        maximize: maximize the objective instead of minimizing it.
        foreach, capturable, differentiable: accepted for PyTorch scripts; no effect.

    State per parameter: ``step``, ``exp_avg``, ``exp_avg_sq``.

    Example:
        >>> import autograd as ag
        >>> from optim import RAdam
        >>> w = ag.tensor([1.0], requires_grad=True)
        >>> opt = RAdam([w], lr=0.1)
        >>> w.grad = ag.tensor([2.0])
        >>> opt.step()     # rho_1 <= 5: the momentum step lr * m_hat = 0.1 * 2
        >>> w
        tensor([0.8000], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay,
                                  "decoupled_weight_decay": decoupled_weight_decay,
                                  "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check_lr_eps_wd(group)
        check_betas(self, group)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        dt = p.dtype.type
        lr, wd = group["lr"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p), exp_avg_sq=np.zeros_like(p))
        state["step"] += 1
        t = state["step"]
        g = adam_weight_decay(p, g, lr, wd, group["decoupled_weight_decay"], dt)
        m, v = adam_moments(state, g, beta1, beta2, dt)
        bc1, bc2 = 1 - beta1 ** t, 1 - beta2 ** t
        step = (m / dt(bc1)) * dt(lr)  # (bias-corrected m) * lr, as PyTorch multiplies
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2 ** t / bc2
        if rho_t > 5.0:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                             / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            denom = np.sqrt(v)
            denom += dt(group["eps"])
            step *= dt(bc2 ** 0.5) / denom
            step *= dt(rect)
        p -= step
