"""NAdam: Adam with Nesterov momentum and a momentum schedule."""
from __future__ import annotations

from typing import Any

import numpy as np

from .adam import adam_moments, adam_weight_decay
from .optimizer import Optimizer, ParamsT


def check_betas(opt: Optimizer, group: dict[str, Any]) -> None:
    """Check a group's ``betas``: a pair, each in [0, 1); store it as a tuple."""
    betas = group["betas"]
    opt._check(isinstance(betas, (tuple, list)) and len(betas) == 2, "betas", betas,
               "a pair (beta1, beta2)")
    group["betas"] = tuple(betas)
    for i, b in enumerate(betas):
        opt._check(0.0 <= b < 1.0, f"beta parameter at index {i}", b, "in [0, 1)")


class NAdam(Optimizer):
    r"""NAdam (Nesterov-accelerated Adam), with PyTorch's momentum schedule and order of operations.

    With :math:`\gamma` = lr, :math:`\beta_1, \beta_2` = betas, :math:`\psi` =
    momentum_decay, :math:`\lambda` = weight_decay, :math:`\epsilon` = eps and
    :math:`t = 1, 2, \dots`:

    .. math::
        g_t &\leftarrow g_t + \lambda \theta_{t-1}
            \quad (\text{or}\ \theta_{t-1} \leftarrow (1 - \gamma\lambda)\theta_{t-1}
            \ \text{if decoupled}) \\
        \mu_t &= \beta_1 \bigl(1 - \tfrac12\, 0.96^{t\psi}\bigr), \quad
        \mu_{t+1} = \beta_1 \bigl(1 - \tfrac12\, 0.96^{(t+1)\psi}\bigr) \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t, \quad
        v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \theta_t &\leftarrow \theta_{t-1}
            - \gamma \frac{1 - \mu_t}{1 - \prod_{i \le t} \mu_i} \frac{g_t}{d_t}
            - \gamma \frac{\mu_{t+1}}{1 - \prod_{i \le t+1} \mu_i} \frac{m_t}{d_t},
            \quad d_t = \sqrt{v_t / (1 - \beta_2^t)} + \epsilon

    (negate :math:`g_t` first when ``maximize``). The product of the
    :math:`\mu_i` is kept in the state as ``mu_product`` (in float32, as
    PyTorch keeps it).

    Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop;
    decoupled decay: Loshchilov and Hutter, ICLR 2019.

    Args:
        params: Tensors to optimize, or parameter groups (dicts).
        lr: learning rate (default 2e-3).
        betas: :math:`(\beta_1, \beta_2)` (default (0.9, 0.999)).
        eps: added to the denominator (default 1e-8).
        weight_decay: weight decay :math:`\lambda` (default 0).
        momentum_decay: :math:`\psi` (default 4e-3).
        decoupled_weight_decay: shrink the weights directly (NAdamW).
        maximize: maximize the objective instead of minimizing it.
        foreach, capturable, differentiable: accepted for PyTorch scripts; no effect.

    State per parameter: ``step``, ``mu_product``, ``exp_avg``, ``exp_avg_sq``.

    Example:
        >>> import autograd as ag
        >>> from optim import NAdam
        >>> w = ag.tensor([1.0], requires_grad=True)
        >>> opt = NAdam([w], lr=0.1)
        >>> w.grad = ag.tensor([2.0])
        >>> opt.step()       # mu_1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004)
        >>> round(w.item(), 4), round(opt.state[w]["mu_product"], 4)
        (0.8944, 0.4501)
    """

    _scalar_state = ("step", "mu_product")

    def __init__(self, params: ParamsT, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay,
                                  "momentum_decay": momentum_decay,
                                  "decoupled_weight_decay": decoupled_weight_decay,
                                  "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check_lr_eps_wd(group)
        check_betas(self, group)
        self._check(group["momentum_decay"] >= 0, "momentum_decay value",
                    group["momentum_decay"], ">= 0")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        dt = p.dtype.type
        lr, wd, psi = group["lr"], group["weight_decay"], group["momentum_decay"]
        beta1, beta2 = group["betas"]
        if not state:
            state.update(step=0, mu_product=1.0, exp_avg=np.zeros_like(p),
                         exp_avg_sq=np.zeros_like(p))
        state["step"] += 1
        t = state["step"]
        g = adam_weight_decay(p, g, lr, wd, group["decoupled_weight_decay"], dt)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        mu_product = float(np.float32(state["mu_product"]) * np.float32(mu))
        state["mu_product"] = mu_product
        m, v = adam_moments(state, g, beta1, beta2, dt)
        denom = np.sqrt(v / dt(1 - beta2 ** t))
        denom += dt(group["eps"])
        p += dt(-lr * (1.0 - mu) / (1.0 - mu_product)) * g / denom
        p += dt(-lr * mu_next / (1.0 - mu_product * mu_next)) * m / denom
