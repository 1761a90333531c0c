"""Pairwise distances: ``cdist`` (``torch.cdist``) and ``pdist`` (``torch.nn.functional.pdist``).

``cdist`` is one Function: the forward takes the p-norm of every row difference, and the
backward is written with Tensor ops, so it can be differentiated again. Its gradient is
PyTorch's, subgradients included: 0 where two rows coincide (p = 2 gives 0 there, not NaN),
0 for p = 0, ``sign(x1 - x2)`` for p = 1, and for p = inf ``sign(x1 - x2)`` on every
coordinate that reaches the maximum (ties are not shared, unlike ``vector_norm``). ``pdist``
is a composite of ``cdist`` and ``take``, with no backward of its own.

For p = 2 the forward follows PyTorch's ``compute_mode``: on large inputs (more than 25 rows
on a side) the distances come from one matrix product, ``|a|² + |b|² - 2 a·b``, instead of
every difference; the backward for p = 2 is always matrix products,
``∂L/∂x1ᵢ = Σⱼ wᵢⱼ (x1ᵢ - x2ⱼ)`` with ``w = G / d`` (0 where d = 0), so nothing of size
``P·R·M`` is built.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import OpError
from ..function import Function
from ..registry import register
from ..tensor import Tensor
from ._common import tensor_arg
from ._notation import Derivative
from .select import where

_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
          "donot_use_mm_for_euclid_dist")


def _p_text(p: float) -> str:
    return "∞" if p == math.inf else format(p, "g")


def _lp(diff: np.ndarray, p: float) -> np.ndarray:
    """The p-norm of ``diff`` over its last axis."""
    a = np.abs(diff)
    if p == 0:
        return np.sum(a != 0, axis=-1).astype(diff.dtype)
    if p == 1:
        return np.sum(a, axis=-1)
    if p == 2:
        return np.sqrt(np.sum(a * a, axis=-1))
    if p == math.inf:
        return np.max(a, axis=-1, initial=0.0)
    return np.sum(a ** p, axis=-1) ** (1.0 / p)


def _euclid_mm(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    """The p = 2 distances as ``sqrt(|a|² + |b|² - 2 a·b)``: one matrix product instead of
    every difference (faster and lighter; less exact for nearby rows, as PyTorch's)."""
    n1 = np.sum(x1 * x1, axis=-1)[..., :, None]  # (*B, P, 1)
    n2 = np.sum(x2 * x2, axis=-1)[..., None, :]  # (*B, 1, R)
    return np.sqrt(np.maximum(n1 + n2 - 2 * (x1 @ np.swapaxes(x2, -1, -2)), 0))


def _slope(diff: Tensor, dist: Tensor, p: float) -> Tensor:
    """∂dist/∂diff for every pair and coordinate, shape of ``diff``: PyTorch's subgradient."""
    sign = Tensor._make(np.sign(diff.array))
    if p == 0:
        return diff * 0.0
    if p == 1:
        return sign
    if p == math.inf:
        hit = np.abs(diff.array) == dist.array
        return sign * Tensor._make(hit.astype(diff.array.dtype))
    safe = where(dist.array == 0, 1.0, dist)  # coinciding rows: gradient 0 (diff is 0 there)
    if p == 2:
        return diff / safe
    zero = diff.array == 0
    nz = where(zero, 1.0, diff)
    part = where(zero, 0.0, nz * nz.abs() ** (p - 2))  # sign(d)·|d|^(p-1), 0 at d = 0
    return part / safe ** (p - 1)


class Cdist(Function):
    broadcasts = True  # the batch dims broadcast; the engine sums each gradient back
    symbol = staticmethod(lambda args: f"cdist p={_p_text(args.get(2, 2.0))}")
    derivative = Derivative("∂dᵢⱼ/∂x₁ᵢ = sign(x₁ᵢ−x₂ⱼ)·|x₁ᵢ−x₂ⱼ|ᵖ⁻¹ / dᵢⱼᵖ⁻¹",
                            "∂dᵢⱼ/∂x₂ⱼ = −sign(x₁ᵢ−x₂ⱼ)·|x₁ᵢ−x₂ⱼ|ᵖ⁻¹ / dᵢⱼᵖ⁻¹")

    @staticmethod
    def forward(ctx, x1, x2, p, mm):
        ctx.p = p
        out = _euclid_mm(x1, x2) if mm else _lp(x1[..., :, None, :] - x2[..., None, :, :], p)
        out = out.astype(x1.dtype, copy=False)
        ctx.save_for_backward(x1, x2, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x1, x2, out = ctx.saved_tensors
        if ctx.p == 2:  # Σⱼ wᵢⱼ (x1ᵢ - x2ⱼ) as matrix products: no (P, R, M) differences
            w = where(out.array == 0, 0.0, grad / where(out.array == 0, 1.0, out))  # (*B, P, R)
            g1 = x1 * w.sum(-1, keepdim=True) - w @ x2 if ctx.needs_input_grad[0] else None
            g2 = x2 * w.sum(-2).unsqueeze(-1) - w.mT @ x1 if ctx.needs_input_grad[1] else None
            return g1, g2, None, None
        diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)  # (*B, P, R, M)
        gw = grad.unsqueeze(-1) * _slope(diff, out.unsqueeze(-1), ctx.p)
        g1 = gw.sum(-2) if ctx.needs_input_grad[0] else None  # (*B, P, M)
        g2 = -gw.sum(-3) if ctx.needs_input_grad[1] else None  # (*B, R, M)
        return g1, g2, None, None


def _check_p(p: Any, op: str) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: p must be a number, got {p!r}")
    if not p >= 0:
        raise OpError(f"{op} only supports non-negative p values, got p={p}")
    return float(p)


def _check_floating(x: Tensor, op: str, which: str) -> None:
    if x.array.dtype.kind != "f":
        raise OpError(f"{op} only supports floating-point dtypes, {which} got: "
                      f"{x.array.dtype}")


@register()
def cdist(x1: Any, x2: Any, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """The p-norm distance between each row of ``x1`` and each row of ``x2``.

    Args:
        x1: rows to measure from, ``(*B, P, M)``.
        x2: rows to measure to, ``(*B, R, M)``; the batch dims broadcast with ``x1``'s.
        p: the order of the norm, any value >= 0 (0 counts differing coordinates,
            ``float("inf")`` takes the largest difference).
        compute_mode: for p = 2, PyTorch's choice between every difference
            (``"donot_use_mm_for_euclid_dist"``) and one matrix product
            (``"use_mm_for_euclid_dist"``; faster, less exact for nearby rows); the
            default uses the product when P > 25 or R > 25.

    Shape:
        ``(*B, P, M)`` and ``(*B, R, M)`` give ``(*B, P, R)``.

    Returns:
        A Tensor with ``out[..., i, j] = ‖x1[..., i, :] - x2[..., j, :]‖_p``.

    Example:
        >>> import autograd as ag
        >>> ag.cdist(ag.tensor([[0.0, 0.0], [1.0, 1.0]]), ag.tensor([[3.0, 4.0]]))
        tensor([[5.0000],
                [3.6056]])
    """
    x1, x2 = tensor_arg(x1, "cdist", "x1"), tensor_arg(x2, "cdist", "x2")
    if compute_mode not in _MODES:
        raise ValueError(f"cdist: {compute_mode!r} is not a valid value for compute_mode "
                         f"(one of {', '.join(_MODES)})")
    for which, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise OpError(f"cdist only supports at least 2D tensors, {which} got: {x.ndim}D "
                          f"(shape {tuple(x.shape)})")
        _check_floating(x, "cdist", which)
    if x1.array.dtype != x2.array.dtype:
        raise OpError(f"cdist: x1 and x2 must have the same dtype, got {x1.array.dtype} and "
                      f"{x2.array.dtype}")
    if x1.shape[-1] != x2.shape[-1]:
        raise OpError(f"cdist: X1 and X2 must have the same number of columns. X1: "
                      f"{x1.shape[-1]} X2: {x2.shape[-1]} (shapes {tuple(x1.shape)} and "
                      f"{tuple(x2.shape)})")
    try:
        np.broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
    except ValueError:
        raise OpError(f"cdist: the batch dims of x1 {tuple(x1.shape)} and x2 "
                      f"{tuple(x2.shape)} do not broadcast") from None
    p = _check_p(p, "cdist")
    mm = p == 2 and (compute_mode == "use_mm_for_euclid_dist" or (
        compute_mode == _MODES[0] and (x1.shape[-2] > 25 or x2.shape[-2] > 25)))
    return Cdist.apply(x1, x2, p, mm)


@register(functional=True)
def pdist(input: Any, p: float = 2.0) -> Tensor:  # noqa: A002  (PyTorch's name)
    """The p-norm distance between every pair of rows of ``input``, ``i < j``, in row order.

    The upper triangle (diagonal excluded) of ``cdist(input, input, p)``.

    Args:
        input: ``(N, M)`` rows.
        p: the order of the norm, any value >= 0.

    Shape:
        ``(N, M)`` gives ``(N (N - 1) / 2,)``.

    Returns:
        A 1-D Tensor: ``d(0, 1), d(0, 2), ..., d(1, 2), ...``.

    Example:
        >>> import autograd as ag
        >>> ag.nn.functional.pdist(ag.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
        tensor([5.0000, 1.0000, 4.2426])
    """
    x = tensor_arg(input, "pdist")
    if x.ndim != 2:
        raise OpError(f"pdist only supports 2D tensors, got: {x.ndim}D (shape "
                      f"{tuple(x.shape)})")
    _check_floating(x, "pdist", "input")
    p = _check_p(p, "pdist")
    n = x.shape[0]
    rows, cols = np.triu_indices(n, 1)
    return cdist(x, x, p).reshape(-1).take(Tensor._make(rows * n + cols))
