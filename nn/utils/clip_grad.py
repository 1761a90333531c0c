"""Gradient clipping and flat parameter vectors, as ``torch.nn.utils``."""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np

import autograd as ag
from autograd.mode import no_grad
from autograd.tensor import Tensor
from autograd.version import increment_version

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]


def _as_list(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        return [parameters]
    return list(parameters)


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False) -> Tensor:
    """Scale all gradients together so their joint norm is at most ``max_norm``.

    The norm is taken over every gradient as if concatenated into one vector;
    when it exceeds ``max_norm`` each gradient is multiplied by
    ``max_norm / (norm + 1e-6)`` (in place).

    Args:
        parameters: tensors (or one tensor) whose ``.grad`` is clipped.
        max_norm: the largest allowed norm.
        norm_type: p of the p-norm; ``float('inf')`` for the max-abs norm.
        error_if_nonfinite: raise if the total norm is nan or inf.

    Returns:
        The total norm before clipping, as a 0-d Tensor.

    Example:
        >>> import autograd as ag, nn
        >>> w = ag.tensor([0.0, 0.0], requires_grad=True)
        >>> (w * ag.tensor([3.0, 4.0])).sum().backward()
        >>> nn.utils.clip_grad_norm_([w], max_norm=1.0).item()
        5.0
        >>> [round(g, 4) for g in w.grad.tolist()]
        [0.6, 0.8]
    """
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    norm_type = float(norm_type)
    if not grads:
        return Tensor._make(np.asarray(0.0, dtype=np.float32))
    dtype = np.result_type(*[g.array.dtype for g in grads])
    if math.isinf(norm_type):
        total = max(float(np.abs(g.array).max()) if g.array.size else 0.0 for g in grads)
    else:
        total = float(sum(float(np.sum(np.abs(g.array.astype(np.float64)) ** norm_type))
                          for g in grads) ** (1.0 / norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the "
                           f"gradients is non-finite ({total}), so it cannot be clipped")
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        for g in grads:
            g.array *= g.array.dtype.type(coef)
    return Tensor._make(np.asarray(total, dtype=dtype))


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clamp every gradient element to ``[-clip_value, clip_value]`` (in place).

    Example:
        >>> import autograd as ag, nn
        >>> w = ag.tensor([1.0, 1.0], requires_grad=True)
        >>> (w * ag.tensor([-5.0, 0.5])).sum().backward()
        >>> nn.utils.clip_grad_value_([w], 1.0); w.grad.tolist()
        [-1.0, 0.5]
    """
    clip_value = float(clip_value)
    for p in _as_list(parameters):
        if p.grad is not None:
            np.clip(p.grad.array, -clip_value, clip_value, out=p.grad.array)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and concatenated into one 1-D Tensor (differentiable).

    Example:
        >>> import nn
        >>> nn.utils.parameters_to_vector(nn.Linear(3, 2).parameters()).shape
        (8,)
    """
    params = _as_list(parameters)
    if not params:
        raise ValueError("parameters_to_vector: got no parameters")
    return ag.cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of the 1-D ``vec`` into the parameters (in place)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: expected a Tensor, got {type(vec).__name__}")
    params = _as_list(parameters)
    total = sum(p.array.size for p in params)
    if vec.ndim != 1 or vec.shape[0] != total:
        raise ValueError(f"vector_to_parameters: vector of shape {tuple(vec.shape)} does not "
                         f"match the {total} parameter elements")
    offset = 0
    with no_grad():
        for p in params:
            n = p.array.size
            p.array[...] = vec.array[offset:offset + n].reshape(p.shape)
            increment_version(p)
            offset += n
