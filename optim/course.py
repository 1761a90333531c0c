"""The course's plain Momentum and AdaGrad (eps in the root), exactly as its formulas write them.

PyTorch's ``SGD(momentum=...)`` and ``Adagrad`` implement the same ideas with
small differences in form; these classes follow the course notes line by line
so a worked example by hand matches the code. Use ``SGD``/``Adagrad`` to match
PyTorch; use these to match the notes.

============  ==========================================  ==========================================
              the course (this module)                    PyTorch (``SGD``, ``Adagrad``)
============  ==========================================  ==========================================
momentum      v <- mu v - lr g;  theta <- theta + v       b <- mu b + g;  theta <- theta - lr b
adagrad       c <- c + g^2;  theta <- theta - lr g /      s <- s + g^2;  theta <- theta - lr g /
              sqrt(c + eps)                               (sqrt(s) + eps)
============  ==========================================  ==========================================

While lr is constant the two momentum forms take the same steps (v = -lr b).
They part when lr changes (a scheduler): the course's velocity keeps the steps
already taken at the old rate and only new gradients use the new one, while
PyTorch's buffer holds raw gradients, so a new lr rescales the whole
accumulated velocity at once. The AdaGrad forms differ only in where eps sits;
it matters when the accumulated squares are comparable to eps.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT


class Momentum(Optimizer):
    r"""Gradient descent with momentum in the course's velocity form.

    .. math::
        g &\leftarrow g + \lambda \theta \\
        v &\leftarrow \mu v - \eta g \\
        \theta &\leftarrow \theta + v

    with :math:`v` starting at zero, :math:`\mu` = momentum and :math:`\eta` =
    lr. Compared with :class:`optim.SGD` (``momentum=mu``): same steps while lr
    is constant; after an lr change, only new gradients see the new rate (see
    the module docstring). No dampening or Nesterov variant.

    Polyak, "Some methods of speeding up the convergence of iteration methods",
    1964; Sutskever et al., ICML 2013.

    Args:
        params: Tensors to optimize, or parameter groups (dicts).
        lr: learning rate :math:`\eta` (default 0.01).
        momentum: :math:`\mu`, how much of the previous velocity is kept
            (default 0.9, the course's value).
        weight_decay: L2 penalty :math:`\lambda`, added to the gradient (default 0).

    State per parameter: ``velocity``.

    Example:
        >>> import autograd as ag
        >>> from optim import Momentum
        >>> w = ag.tensor([1.0], requires_grad=True)
        >>> opt = Momentum([w], lr=0.1, momentum=0.5)
        >>> for _ in range(2):
        ...     w.grad = ag.tensor([1.0])
        ...     opt.step()
        >>> opt.state[w]["velocity"], w     # v = -0.1, then 0.5 * -0.1 - 0.1
        (array([-0.15], dtype=float32), tensor([0.7500], requires_grad=True))
    """

    def __init__(self, params: ParamsT, lr: float = 0.01, momentum: float = 0.9,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, {"lr": lr, "momentum": momentum, "weight_decay": weight_decay})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check_lr_eps_wd(group)
        self._check(0 <= group["momentum"] <= 1, "momentum value", group["momentum"],
                    "in [0, 1]")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        dt = p.dtype.type
        if group["weight_decay"] != 0:
            g = g + dt(group["weight_decay"]) * p
        v = state.get("velocity")
        if v is None:
            v = state["velocity"] = np.zeros_like(p)
        v *= dt(group["momentum"])
        v -= dt(group["lr"]) * g
        p += v


class AdaGradEpsInRoot(Optimizer):
    r"""AdaGrad with eps inside the square root: the form the course notes write.

    .. math::
        g &\leftarrow g + \lambda \theta \\
        c &\leftarrow c + g \odot g \\
        \theta &\leftarrow \theta - \frac{\eta}{\sqrt{c + \epsilon}}\, g

    with :math:`c` starting at zero. Compared with :class:`optim.Adagrad`
    (named as PyTorch's, which uses :math:`\eta g / (\sqrt{c} + \epsilon)`,
    ``lr_decay`` and ``initial_accumulator_value``): eps sits under the root,
    so with eps=1e-8 a coordinate whose gradients have all been zero moves at
    most :math:`\eta g / 10^{-4}`; there is no lr decay.

    Duchi, Hazan and Singer, JMLR 12, 2011.

    Args:
        params: Tensors to optimize, or parameter groups (dicts).
        lr: learning rate :math:`\eta` (default 0.01).
        eps: :math:`\epsilon` under the square root (default 1e-8).
        weight_decay: L2 penalty :math:`\lambda`, added to the gradient (default 0).

    State per parameter: ``sum`` (the accumulated squares :math:`c`).

    Example:
        >>> import autograd as ag
        >>> from optim import AdaGradEpsInRoot
        >>> w = ag.tensor([0.0, 0.0], requires_grad=True, dtype="float64")
        >>> opt = AdaGradEpsInRoot([w], lr=1.0, eps=0.75)
        >>> w.grad = ag.tensor([0.5, 0.0], dtype="float64")
        >>> opt.step()     # -0.5 / sqrt(0.25 + 0.75), and nothing where g = 0
        >>> w
        tensor([-0.5000,  0.0000], dtype=float64, requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 0.01, eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, {"lr": lr, "eps": eps, "weight_decay": weight_decay})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check_lr_eps_wd(group)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        dt = p.dtype.type
        if group["weight_decay"] != 0:
            g = g + dt(group["weight_decay"]) * p
        c = state.get("sum")
        if c is None:
            c = state["sum"] = np.zeros_like(p)
        c += g * g
        p -= dt(group["lr"]) * g / np.sqrt(c + dt(group["eps"]))


class CourseAdaGrad(AdaGradEpsInRoot):
    r"""The course notes' AdaGrad (notes 001): the earlier name of :class:`AdaGradEpsInRoot`.

    Same update, :math:`\theta \leftarrow \theta - \eta g / \sqrt{c + \epsilon}`,
    same options and state; kept so code and notebooks written against it
    still run (its error messages say ``CourseAdaGrad``).

    Example:
        >>> import autograd as ag
        >>> w = ag.tensor([1.0], requires_grad=True)
        >>> isinstance(CourseAdaGrad([w]), AdaGradEpsInRoot)
        True
    """
