"""Adam and AdamW: bias-corrected moment estimates of the gradient."""
from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, fma, fma_, lerp_


def adam_weight_decay(p: np.ndarray, g: np.ndarray, lr: float, wd: float, decoupled: bool,
                      dt: Any) -> np.ndarray:
    """Weight decay as the Adam family applies it: decoupled (AdamW: p *= 1 - lr·wd, in
    place) or as L2 in the gradient (g + wd·p). Returns the gradient to use."""
    if wd == 0:
        return g
    if decoupled:
        p *= dt(1 - lr * wd)
        return g
    return fma(p, dt(wd), g)


def adam_moments(state: dict, g: np.ndarray, beta1: float, beta2: float,
                 dt: Any) -> tuple[np.ndarray, np.ndarray]:
    """Update the running moments in place: m ← β₁m + (1-β₁)g, v ← β₂v + (1-β₂)g²."""
    m, v = state["exp_avg"], state["exp_avg_sq"]
    lerp_(m, g, 1 - beta1)
    v *= dt(beta2)
    fma_(v, dt(1 - beta2) * g, g)
    return m, v


class Adam(Optimizer):
    r"""Adam, with PyTorch's order of operations.

    With :math:`\gamma` = lr, :math:`\beta_1, \beta_2` = betas,
    :math:`\lambda` = weight_decay, :math:`\epsilon` = eps and
    :math:`t = 1, 2, \dots`:

    .. math::
        g_t &\leftarrow g_t + \lambda \theta_{t-1}
            \quad (\text{or}\ \theta_{t-1} \leftarrow (1 - \gamma\lambda)\theta_{t-1}
            \ \text{if decoupled}) \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        v_t &\leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \tilde v_t &= \max(\tilde v_{t-1}, v_t) \ \text{if amsgrad, else}\ v_t \\
        \theta_t &\leftarrow \theta_{t-1} - \frac{\gamma}{1 - \beta_1^t} \cdot
            \frac{m_t}{\sqrt{\tilde v_t} / \sqrt{1 - \beta_2^t} + \epsilon}

    (negate :math:`g_t` first when ``maximize``). This is the course's
    :math:`\theta \leftarrow \theta - \eta\, \hat m_t / (\sqrt{\hat v_t} +
    \epsilon)` with :math:`\hat m_t = m_t / (1 - \beta_1^t)` and
    :math:`\hat v_t = v_t / (1 - \beta_2^t)`; eps is added after the bias
    correction of the square root. On the first step :math:`\hat m_1 = g_1`
    and :math:`\sqrt{\hat v_1} = |g_1|`, so every coordinate moves by
    :math:`\gamma\,\mathrm{sign}(g_1)` (eps aside).

    Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015;
    amsgrad: Reddi, Kale and Kumar, "On the Convergence of Adam and Beyond",
    ICLR 2018.

    Args:
        params: Tensors to optimize, or parameter groups (dicts).
        lr: learning rate (default 1e-3).
        betas: :math:`(\beta_1, \beta_2)`, decay rates of the moment estimates
            (default (0.9, 0.999)).
        eps: added to the denominator (default 1e-8).
        weight_decay: L2 penalty, added to the gradient (default 0).
        amsgrad: use the running maximum of :math:`v_t` (AMSGrad).
        maximize: maximize the objective instead of minimizing it.
        decoupled_weight_decay: shrink the weights directly instead of adding
            to the gradient; this is :class:`AdamW`.

    State per parameter: ``step``, ``exp_avg``, ``exp_avg_sq`` and, with
    amsgrad, ``max_exp_avg_sq``.

    Example:
        >>> import autograd as ag
        >>> from optim import Adam
        >>> w = ag.tensor([1.0, 1.0, 1.0], requires_grad=True)
        >>> opt = Adam([w], lr=0.1)
        >>> w.grad = ag.tensor([2.0, -0.001, 50.0])
        >>> opt.step()     # each coordinate moves by lr * sign(g)
        >>> w
        tensor([0.9000, 1.1000, 0.9000], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False) -> None:
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay, "amsgrad": amsgrad,
                                  "maximize": maximize,
                                  "decoupled_weight_decay": decoupled_weight_decay})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check_lr_eps_wd(group)
        betas = group["betas"]
        self._check(isinstance(betas, (tuple, list)) and len(betas) == 2, "betas", betas,
                    "a pair (beta1, beta2)")
        group["betas"] = tuple(betas)
        for i, b in enumerate(betas):
            self._check(0.0 <= b < 1.0, f"beta parameter at index {i}", b, "in [0, 1)")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        dt = p.dtype.type
        lr, wd, eps = group["lr"], group["weight_decay"], group["eps"]
        beta1, beta2 = group["betas"]
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p), exp_avg_sq=np.zeros_like(p))
        if group["amsgrad"] and "max_exp_avg_sq" not in state:
            state["max_exp_avg_sq"] = np.zeros_like(p)
        state["step"] += 1
        t = state["step"]
        g = adam_weight_decay(p, g, lr, wd, group["decoupled_weight_decay"], dt)
        m, v = adam_moments(state, g, beta1, beta2, dt)
        step_size = lr / (1 - beta1 ** t)
        bias_correction2_sqrt = (1 - beta2 ** t) ** 0.5
        if group["amsgrad"]:
            vmax = state["max_exp_avg_sq"]
            np.maximum(vmax, v, out=vmax)
            v = vmax
        denom = np.sqrt(v)
        denom /= dt(bias_correction2_sqrt)
        denom += dt(eps)
        p += dt(-step_size) * m / denom


class AdamW(Adam):
    r"""Adam with decoupled weight decay: the weights shrink by :math:`\gamma\lambda` directly.

    .. math::
        \theta_{t-1} &\leftarrow (1 - \gamma\lambda)\, \theta_{t-1} \\
        \theta_t &\leftarrow \text{the Adam step of}\ \theta_{t-1}\ \text{with}\ g_t
            \ \text{(the decay never enters}\ m_t, v_t)

    Unlike Adam's ``weight_decay`` (an L2 term in the gradient, which the
    adaptive denominator then rescales), every weight decays at the same rate.

    Loshchilov and Hutter, "Decoupled Weight Decay Regularization", ICLR 2019.

    Args:
        params: Tensors to optimize, or parameter groups (dicts).
        lr: learning rate (default 1e-3).
        betas: decay rates of the moment estimates (default (0.9, 0.999)).
        eps: added to the denominator (default 1e-8).
        weight_decay: decoupled decay :math:`\lambda` (default 1e-2).
        amsgrad: use the running maximum of :math:`v_t` (AMSGrad).
        maximize: maximize the objective instead of minimizing it.

    Example:
        >>> import autograd as ag
        >>> from optim import AdamW
        >>> w = ag.tensor([10.0], requires_grad=True)
        >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
        >>> w.grad = ag.tensor([1.0])
        >>> opt.step()     # 10 * (1 - 0.1 * 0.5) - 0.1
        >>> w
        tensor([9.4000], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
