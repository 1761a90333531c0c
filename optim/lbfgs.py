"""L-BFGS: a quasi-Newton method that rebuilds curvature from the last few steps."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from autograd import Tensor, enable_grad, no_grad

from .line_search import strong_wolfe
from .optimizer import Optimizer, ParamsT

_VECTOR_STATE = ("d", "prev_flat_grad")
_LIST_STATE = ("old_dirs", "old_stps", "ro", "al")


class LBFGS(Optimizer):
    r"""Limited-memory BFGS as PyTorch runs it: ``step(closure)`` takes up to ``max_iter`` steps.

    Each iteration turns the gradient :math:`g` into a direction with the
    two-loop recursion over the last ``history_size`` pairs
    :math:`s_i = \theta_{i+1} - \theta_i`, :math:`y_i = g_{i+1} - g_i`
    (:math:`\rho_i = 1 / y_i^\top s_i`, pairs with :math:`y^\top s \le
    10^{-10}` are skipped):

    .. math::
        q &\leftarrow -g; \quad \text{for}\ i = k-1 \dots 0:\ \
            a_i = \rho_i s_i^\top q,\ q \leftarrow q - a_i y_i \\
        d &\leftarrow \frac{y_{k-1}^\top s_{k-1}}{y_{k-1}^\top y_{k-1}}\, q; \quad
            \text{for}\ i = 0 \dots k-1:\ \ b_i = \rho_i y_i^\top d,\
            d \leftarrow d + (a_i - b_i) s_i \\
        \theta &\leftarrow \theta + t\, d

    The first step is :math:`t = \mathrm{lr} \cdot \min(1, 1/\lVert g\rVert_1)`,
    later ones :math:`t = \mathrm{lr}`; with ``line_search_fn="strong_wolfe"``
    :math:`t` is instead chosen by a line search satisfying the strong Wolfe
    conditions (:func:`optim.line_search.strong_wolfe`). Iteration stops after
    ``max_iter`` iterations or ``max_eval`` closure calls, when
    :math:`\max|g| \le` ``tolerance_grad``, or when the step or the change in
    loss is below ``tolerance_change``. State carries over between calls.

    Nocedal, "Updating Quasi-Newton Matrices with Limited Storage", Math. Comp.
    35, 1980; Liu and Nocedal, Math. Programming 45, 1989; Nocedal and Wright,
    *Numerical Optimization*, 2nd ed., algorithms 7.4 and 3.5-3.6.

    Args:
        params: Tensors to optimize (one group only: L-BFGS works on one flat vector).
        lr: step length factor (default 1).
        max_iter: iterations per ``step`` (default 20).
        max_eval: closure calls per ``step`` (default ``max_iter * 5 // 4``).
        tolerance_grad: stop when the largest gradient entry is at most this (1e-7).
        tolerance_change: stop when the step or the loss change is below this (1e-9).
        history_size: pairs :math:`(s, y)` kept (default 100).
        line_search_fn: None (fixed step) or ``"strong_wolfe"``.

    State (on the first parameter, as PyTorch): ``func_evals``, ``n_iter``,
    ``d``, ``t``, ``old_dirs``, ``old_stps``, ``ro``, ``H_diag``,
    ``prev_flat_grad``, ``prev_loss``, ``al``.

    Example:
        >>> import autograd as ag
        >>> from optim import LBFGS
        >>> x = ag.tensor([1.5, -0.5], requires_grad=True, dtype="float64")
        >>> opt = LBFGS([x], line_search_fn="strong_wolfe")
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = ((x - ag.tensor([3.0, 1.0], dtype="float64")) ** 2).sum()
        ...     loss.backward()
        ...     return loss
        >>> _ = opt.step(closure)
        >>> [round(v, 6) for v in x.tolist()]
        [3.0, 1.0]
    """

    def __init__(self, params: ParamsT, lr: float = 1.0, max_iter: int = 20,
                 max_eval: int | None = None, tolerance_grad: float = 1e-7,
                 tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, {"lr": lr, "max_iter": max_iter, "max_eval": max_eval,
                                  "tolerance_grad": tolerance_grad,
                                  "tolerance_change": tolerance_change,
                                  "history_size": history_size,
                                  "line_search_fn": line_search_fn})
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params: list[Tensor] = self.param_groups[0]["params"]

    def _validate(self, group: dict[str, Any]) -> None:
        self._check_lr_eps_wd(group)
        for key in ("max_iter", "max_eval", "history_size"):
            v = group[key]
            self._check(bool(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                             and v >= 1),
                        key, v, "a positive int")
        for key in ("tolerance_grad", "tolerance_change"):
            self._check(group[key] >= 0, key, group[key], ">= 0")
        self._check(group["line_search_fn"] in (None, "strong_wolfe"), "line_search_fn",
                    group["line_search_fn"], "None or 'strong_wolfe'")

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        super().add_param_group(param_group)

    # ------------------------------------------------------------ flat views
    def _dtype(self) -> np.dtype:
        return np.result_type(*[p.numpy().dtype for p in self._params])

    def _gather_flat_grad(self) -> np.ndarray:
        dt = self._dtype()
        return np.concatenate([np.zeros(p.numpy().size, dt) if p.grad is None
                               else p.grad.numpy().reshape(-1).astype(dt, copy=False)
                               for p in self._params])

    def _add_grad(self, t: float, d: np.ndarray) -> None:
        """theta += t * d, parameter by parameter (in-place, version bumped)."""
        offset = 0
        with no_grad():
            for p in self._params:
                arr = p.numpy()
                upd = d[offset:offset + arr.size].reshape(arr.shape)
                p.add_(Tensor(upd * arr.dtype.type(t), dtype=arr.dtype))
                offset += arr.size

    def _clone_params(self) -> list[np.ndarray]:
        return [p.numpy().copy() for p in self._params]

    def _set_params(self, values: list[np.ndarray]) -> None:
        with no_grad():
            for p, v in zip(self._params, values):
                p.copy_(Tensor(v))

    def _directional_evaluate(self, closure: Callable[[], Any], x: list[np.ndarray], t: float,
                              d: np.ndarray) -> tuple[float, np.ndarray]:
        self._add_grad(t, d)
        with enable_grad():
            loss = float(closure())
        flat_grad = self._gather_flat_grad()
        self._set_params(x)
        return loss, flat_grad

    # ------------------------------------------------------------ the step
    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` L-BFGS iterations.

        Args:
            closure: required; zeroes the gradients, computes the loss, calls
                ``backward()`` and returns the loss.

        Returns:
            the loss of the first closure call (before any update).
        """
        if closure is None:
            raise RuntimeError("LBFGS.step needs a closure that re-evaluates the model and "
                               "returns the loss: opt.step(closure)")
        group = self.param_groups[0]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        with enable_grad():
            orig_loss = closure()
        loss = float(orig_loss)
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if np.abs(flat_grad).max(initial=0) <= group["tolerance_grad"]:
            return orig_loss
        self._iterate(closure, group, state, loss, flat_grad)
        return orig_loss

    def _direction(self, state: dict[str, Any], flat_grad: np.ndarray,
                   history_size: int) -> np.ndarray:
        """The two-loop recursion: -H g from the stored pairs (and store the newest pair)."""
        dt = flat_grad.dtype.type
        if state["n_iter"] == 1:
            state.update(old_dirs=[], old_stps=[], ro=[], H_diag=1.0)
            return -flat_grad
        # scalars stay in the parameters' dtype (numpy scalars), as PyTorch's 0-d tensors do
        y = flat_grad - state["prev_flat_grad"]
        s = state["d"] * dt(state["t"])
        ys = y.dot(s)
        old_dirs, old_stps, ro = state["old_dirs"], state["old_stps"], state["ro"]
        if ys > 1e-10:
            if len(old_dirs) == history_size:
                old_dirs.pop(0), old_stps.pop(0), ro.pop(0)
            old_dirs.append(y)
            old_stps.append(s)
            ro.append(dt(1.0) / ys)
            state["H_diag"] = ys / y.dot(y)
        al = state.get("al") or [dt(0)] * history_size
        q = -flat_grad
        for i in range(len(old_dirs) - 1, -1, -1):
            al[i] = old_stps[i].dot(q) * dt(ro[i])
            q -= dt(al[i]) * old_dirs[i]
        state["al"] = al
        r = q * dt(state["H_diag"])
        for i in range(len(old_dirs)):
            be_i = old_dirs[i].dot(r) * dt(ro[i])
            r += dt(al[i] - be_i) * old_stps[i]
        return r

    def _iterate(self, closure: Callable[[], Any], group: dict[str, Any],
                 state: dict[str, Any], loss: float, flat_grad: np.ndarray) -> None:
        lr, tol_change = group["lr"], group["tolerance_change"]
        current_evals, n_iter = 1, 0
        while n_iter < group["max_iter"]:
            n_iter += 1
            state["n_iter"] += 1
            d = self._direction(state, flat_grad, group["history_size"])
            state["prev_flat_grad"] = flat_grad.copy()
            prev_loss = state["prev_loss"] = loss
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr
            else:
                t = lr
            gtd = flat_grad.dot(d)
            state["d"], state["t"] = d, t
            if gtd > -tol_change:  # not a descent direction
                break
            evals = 0
            if group["line_search_fn"] == "strong_wolfe":
                x_init = self._clone_params()

                def obj_func(step: float, x: list[np.ndarray] = x_init,
                             d: np.ndarray = d) -> tuple[float, np.ndarray]:
                    return self._directional_evaluate(closure, x, step, d)

                loss, flat_grad, t, evals = strong_wolfe(obj_func, t, d, loss, flat_grad, gtd,
                                                         tolerance_change=tol_change)
                self._add_grad(t, d)
                state["t"] = t
            else:
                self._add_grad(t, d)
                if n_iter != group["max_iter"]:
                    with enable_grad():
                        loss = float(closure())
                    flat_grad = self._gather_flat_grad()
                    evals = 1
            current_evals += evals
            state["func_evals"] += evals
            if n_iter == group["max_iter"] or current_evals >= group["max_eval"]:
                break
            if np.abs(flat_grad).max(initial=0) <= group["tolerance_grad"]:
                break
            if np.abs(d * d.dtype.type(t)).max(initial=0) <= tol_change:
                break
            if abs(loss - prev_loss) < tol_change:
                break

    def _load_entry(self, name: str, value: Any, p: Tensor, key: Any) -> Any:
        """L-BFGS state holds flat vectors and lists of them, not arrays shaped like ``p``."""
        if name in _VECTOR_STATE:
            return np.array(getattr(value, "numpy", lambda: value)(), dtype=self._dtype())
        if name in _LIST_STATE:
            return [np.array(getattr(v, "numpy", lambda v=v: v)(), dtype=self._dtype())
                    if name in ("old_dirs", "old_stps") else 0.0 if v is None
                    else float(np.asarray(getattr(v, "numpy", lambda v=v: v)()))
                    for v in (value.values() if isinstance(value, dict) else value)]
        v = np.asarray(getattr(value, "numpy", lambda: value)())
        return int(v.item()) if name in ("func_evals", "n_iter") else float(v.item())
