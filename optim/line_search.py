"""Line search along a direction: the strong Wolfe conditions, by bracketing and zooming.

Used by :class:`optim.LBFGS` with ``line_search_fn="strong_wolfe"``; the
algorithm is Nocedal and Wright, *Numerical Optimization* (2nd ed.),
algorithms 3.5 (bracketing) and 3.6 (zoom), with each trial step chosen by
cubic interpolation, as PyTorch's L-BFGS does.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

__all__ = ["cubic_interpolate", "strong_wolfe"]


def cubic_interpolate(x1: float, f1: float, g1: float, x2: float, f2: float, g2: float,
                      bounds: tuple[float, float] | None = None) -> float:
    """The minimiser of the cubic through two points with given values and slopes, clamped.

    Args:
        x1, f1, g1: the first point, the function value and the derivative there.
        x2, f2, g2: the second point.
        bounds: the interval to clamp to (default: between ``x1`` and ``x2``).

    Returns:
        the minimiser (Nocedal and Wright, eq. 3.59), or the middle of
        ``bounds`` when the cubic has no minimum.

    Example:
        >>> cubic_interpolate(0.0, 0.0, -2.0, 2.0, 0.0, 2.0)   # x^2 - 2x: minimum at 1
        1.0
    """
    lo, hi = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 * d1 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.0
    # numpy scalars stay in their precision (float32 as PyTorch's 0-d tensors); floats in double
    d2 = np.sqrt(d2_square) if isinstance(d2_square, np.generic) else math.sqrt(d2_square)
    if x1 <= x2:
        pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(pos, lo), hi)


Evaluate = Callable[[float], "tuple[float, np.ndarray]"]


def strong_wolfe(obj_func: Evaluate, t: float, d: np.ndarray, f: float, g: np.ndarray,
                 gtd: float, c1: float = 1e-4, c2: float = 0.9,
                 tolerance_change: float = 1e-9,
                 max_ls: int = 25) -> tuple[float, np.ndarray, float, int]:
    r"""Find a step ``t`` along ``d`` satisfying the strong Wolfe conditions.

    .. math::
        f(t) \le f(0) + c_1 t\, g(0)^\top d, \qquad |g(t)^\top d| \le -c_2\, g(0)^\top d

    Args:
        obj_func: ``obj_func(t)`` returns the loss and flat gradient at step ``t``.
        t: the first trial step.
        d: the search direction; ``gtd`` = ``g @ d`` must be negative.
        f, g: loss and flat gradient at ``t = 0``.
        c1, c2: the sufficient-decrease and curvature constants.
        tolerance_change: stop zooming when the bracket is shorter than this
            (measured as step times ``max|d|``).
        max_ls: most function evaluations.

    Returns:
        ``(f_new, g_new, t, evaluations)``.

    Example:
        >>> import numpy as np
        >>> f = lambda t: (float((1 - t) ** 2), np.array([-2 * (1 - t)]))  # along d = [1]
        >>> f_new, g_new, t, n = strong_wolfe(f, 3.0, np.array([1.0]), 1.0, np.array([-2.0]), -2.0)
        >>> round(float(t), 6), n
        (1.0, 2)
    """
    f_new, g_new = obj_func(t)
    evals, ls_iter = 1, 0
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g.copy(), gtd
    done = False
    bracket: list[float] = []
    bf: list[float] = []
    bg: list[np.ndarray] = []
    bgtd: list[float] = []
    while ls_iter < max_ls:  # bracketing phase
        if f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev):
            bracket, bf, bg, bgtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new.copy()], \
                [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bf, bg, bgtd, done = [t], [f_new], [g_new], [gtd_new], True
            break
        if gtd_new >= 0:
            bracket, bf, bg, bgtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new.copy()], \
                [gtd_prev, gtd_new]
            break
        t_next = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                                   bounds=(t + 0.01 * (t - t_prev), t * 10))
        t_prev, f_prev, g_prev, gtd_prev = t, f_new, g_new.copy(), gtd_new
        t = t_next
        f_new, g_new = obj_func(t)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bf, bg, bgtd = [0.0, t], [f, f_new], [g, g_new], [gtd, gtd_new]
    return _zoom(obj_func, bracket, bf, bg, bgtd, f, gtd, d, done, ls_iter, evals,
                 c1, c2, tolerance_change, max_ls)


def _zoom(obj_func: Evaluate, bracket: list[float], bf: list[float], bg: list[np.ndarray],
          bgtd: list[float], f: float, gtd: float, d: np.ndarray, done: bool, ls_iter: int,
          evals: int, c1: float, c2: float, tolerance_change: float,
          max_ls: int) -> tuple[float, np.ndarray, float, int]:
    """Shrink the bracket until a step satisfies the strong Wolfe conditions."""
    d_norm = np.abs(d).max(initial=0)
    insuf_progress = False
    low, high = (0, 1) if bf[0] <= bf[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = cubic_interpolate(bracket[0], bf[0], bgtd[0], bracket[1], bf[1], bgtd[1])
        hi, lo = max(bracket), min(bracket)
        eps = 0.1 * (hi - lo)
        if min(hi - t, t - lo) < eps:  # too close to an end: move away, or note it
            if insuf_progress or t >= hi or t <= lo:
                t = hi - eps if abs(t - hi) < abs(t - lo) else lo + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(t)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > f + c1 * t * gtd or f_new >= bf[low]:
            bracket[high], bf[high], bg[high], bgtd[high] = t, f_new, g_new.copy(), gtd_new
            low, high = (0, 1) if bf[0] <= bf[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bf[high], bg[high], bgtd[high] = \
                    bracket[low], bf[low], bg[low], bgtd[low]
            bracket[low], bf[low], bg[low], bgtd[low] = t, f_new, g_new.copy(), gtd_new
    return bf[low], bg[low], bracket[low], evals
