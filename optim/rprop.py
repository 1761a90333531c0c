"""Rprop: per-coordinate steps that grow while the gradient's sign holds, shrink when it flips."""
from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT


class Rprop(Optimizer):
    r"""Resilient backpropagation (Rprop, the iRprop- variant PyTorch implements).

    Only the sign of the gradient is used. With :math:`\eta_-, \eta_+` =
    etas and step sizes clamped to [:math:`\Gamma_{min}, \Gamma_{max}`] =
    step_sizes, per coordinate:

    .. math::
        s &= \operatorname{sign}(g_t\, g_{t-1}) \\
        \Delta_t &\leftarrow \operatorname{clip}(\Delta_{t-1} \cdot
            \{\eta_+ \ \text{if}\ s > 0;\ \eta_- \ \text{if}\ s < 0;\ 1\ \text{if}\ s = 0\},
            \ \Gamma_{min}, \Gamma_{max}) \\
        g_t &\leftarrow 0 \quad \text{where}\ s < 0 \\
        \theta_t &\leftarrow \theta_{t-1} - \Delta_t \operatorname{sign}(g_t)

    with :math:`\Delta_0` = lr and :math:`g_0 = 0` (negate :math:`g_t` first
    when ``maximize``). The gradient kept for the next step is the zeroed one,
    so after a sign flip the next step neither grows nor shrinks. ``lr`` only
    sets :math:`\Delta_0`: changing it later has no effect (as PyTorch). Meant
    for full-batch training.

    Riedmiller and Braun, "A Direct Adaptive Method for Faster Backpropagation
    Learning: The RPROP Algorithm", ICNN 1993; Igel and Hüsken, 2000.

    Args:
        params: Tensors to optimize, or parameter groups (dicts).
        lr: the initial step size (default 1e-2).
        etas: :math:`(\eta_-, \eta_+)`, with :math:`0 < \eta_- < 1 < \eta_+`
            (default (0.5, 1.2)).
        step_sizes: :math:`(\Gamma_{min}, \Gamma_{max})` (default (1e-6, 50)).
        maximize: maximize the objective instead of minimizing it.
        foreach, capturable, differentiable: accepted for PyTorch scripts; no effect.

    State per parameter: ``step``, ``prev`` (the previous gradient) and ``step_size``.

    Example:
        >>> import autograd as ag
        >>> from optim import Rprop
        >>> w = ag.tensor([0.0, 0.0], requires_grad=True)
        >>> opt = Rprop([w], lr=0.1)
        >>> for g in ([1.0, 1.0], [1.0, -1.0]):
        ...     w.grad = ag.tensor(g)
        ...     opt.step()
        >>> w    # 0.1 then 0.12 on a steady sign; a flip halves the step and skips the move
        tensor([-0.2200, -0.1000], requires_grad=True)
    """

    #: a loaded step size must not be negative (it would step uphill)
    _nonnegative_state = (*Optimizer._nonnegative_state, "step_size")

    def __init__(self, params: ParamsT, lr: float = 1e-2,
                 etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, {"lr": lr, "etas": tuple(etas), "step_sizes": tuple(step_sizes),
                                  "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check_lr_eps_wd(group)
        etas, sizes = group["etas"], group["step_sizes"]
        self._check(isinstance(etas, (tuple, list)) and len(etas) == 2
                    and 0.0 < etas[0] < 1.0 < etas[1], "eta values", etas,
                    "a pair (etaminus, etaplus) with 0 < etaminus < 1 < etaplus")
        self._check(isinstance(sizes, (tuple, list)) and len(sizes) == 2
                    and 0 <= sizes[0] <= sizes[1], "step_sizes", sizes,
                    "a pair (min, max) with 0 <= min <= max")
        group["etas"], group["step_sizes"] = tuple(etas), tuple(sizes)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        dt = p.dtype.type
        etaminus, etaplus = group["etas"]
        lo, hi = group["step_sizes"]
        if not state:
            state.update(step=0, prev=np.zeros_like(p),
                         step_size=np.full_like(p, group["lr"]))
        state["step"] += 1
        prev, size = state["prev"], state["step_size"]
        sign = np.sign(g * prev)
        factor = np.where(sign > 0, dt(etaplus), np.where(sign < 0, dt(etaminus), dt(1)))
        size *= factor.astype(p.dtype, copy=False)
        np.clip(size, dt(lo), dt(hi), out=size)
        g = np.where(sign < 0, dt(0), g).astype(p.dtype, copy=False)
        p -= np.sign(g) * size
        prev[...] = g
