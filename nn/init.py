"""Weight initialisation, as ``torch.nn.init``.

Every function fills its tensor in place (no gradient is recorded), returns
it, and draws from ``autograd.random.default_generator()`` unless a numpy
``generator`` is given, so ``ag.manual_seed(s)`` makes model init repeat.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd.random import default_generator
from autograd.tensor import Tensor
from autograd.version import increment_version

__all__ = [
    "calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_", "eye_",
    "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
    "orthogonal_", "trunc_normal_",
]

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "sigmoid", "identity")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended scale for weights feeding ``nonlinearity``.

    Args:
        nonlinearity: ``'linear'``, ``'conv2d'``, ``'sigmoid'``, ``'tanh'``, ``'relu'``,
            ``'leaky_relu'`` or ``'selu'``.
        param: the negative slope for ``'leaky_relu'`` (default 0.01).

    Example:
        >>> from nn import init
        >>> round(init.calculate_gain('relu'), 4), round(init.calculate_gain('tanh'), 4)
        (1.4142, 1.6667)
    """
    if nonlinearity in _LINEAR:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; use one of "
                     f"{', '.join(_LINEAR + ('tanh', 'relu', 'leaky_relu', 'selu'))}")


def _fans(tensor: Tensor, fn: str) -> tuple[int, int]:
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(f"{fn}: fan in and fan out cannot be computed for a tensor with fewer "
                         f"than 2 dimensions (got shape {tuple(shape)})")
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def _fill(tensor: Tensor, values: Any, fn: str) -> Tensor:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{fn}: expected a Tensor, got {type(tensor).__name__}")
    tensor.array[...] = values
    increment_version(tensor)
    return tensor


def _rng(generator: np.random.Generator | None) -> np.random.Generator:
    return default_generator() if generator is None else generator


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0,
             generator: np.random.Generator | None = None) -> Tensor:
    """Fill with values drawn from U(a, b).

    Example:
        >>> import autograd as ag; from nn import init
        >>> w = init.uniform_(ag.zeros(100), -0.5, 0.5)
        >>> bool((w.numpy() >= -0.5).all() and (w.numpy() < 0.5).all())
        True
    """
    return _fill(tensor, _rng(generator).uniform(a, b, tensor.shape), "uniform_")


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0,
            generator: np.random.Generator | None = None) -> Tensor:
    """Fill with values drawn from N(mean, std^2)."""
    return _fill(tensor, _rng(generator).normal(mean, std, tensor.shape), "normal_")


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: np.random.Generator | None = None) -> Tensor:
    """Fill with N(mean, std^2) values redrawn until they lie in [a, b]."""
    if not a < b:
        raise ValueError(f"trunc_normal_: need a < b, got a={a}, b={b}")
    rng = _rng(generator)
    out = rng.normal(mean, std, tensor.shape)
    bad = (out < a) | (out > b)
    for _ in range(1000):
        if not bad.any():
            break
        out[bad] = rng.normal(mean, std, int(bad.sum()))
        bad = (out < a) | (out > b)
    else:
        raise ValueError(f"trunc_normal_: [a, b] = [{a}, {b}] holds almost no mass of "
                         f"N({mean}, {std}^2)")
    return _fill(tensor, out, "trunc_normal_")


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``."""
    return _fill(tensor, val, "constant_")


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros."""
    return _fill(tensor, 0, "zeros_")


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones."""
    return _fill(tensor, 1, "ones_")


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity matrix."""
    if tensor.ndim != 2:
        raise ValueError(f"eye_: only 2-D tensors are supported, got shape {tuple(tensor.shape)}")
    return _fill(tensor, np.eye(*tensor.shape), "eye_")


def xavier_uniform_(tensor: Tensor, gain: float = 1.0,
                    generator: np.random.Generator | None = None) -> Tensor:
    """Glorot & Bengio (2010): U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor, "xavier_uniform_")
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _fill(tensor, _rng(generator).uniform(-a, a, tensor.shape), "xavier_uniform_")


def xavier_normal_(tensor: Tensor, gain: float = 1.0,
                   generator: np.random.Generator | None = None) -> Tensor:
    """Glorot & Bengio (2010): N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor, "xavier_normal_")
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _fill(tensor, _rng(generator).normal(0.0, std, tensor.shape), "xavier_normal_")


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str, fn: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{fn}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans(tensor, fn)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu",
                     generator: np.random.Generator | None = None) -> Tensor:
    """He et al. (2015): U(-bound, bound) with bound = gain * sqrt(3 / fan).

    Args:
        tensor: at least 2-D; fan_in = shape[1] * prod(shape[2:]).
        a: negative slope of the leaky ReLU after this layer (gain sqrt(2 / (1 + a^2))).
        mode: ``'fan_in'`` keeps forward variance, ``'fan_out'`` backward variance.
        nonlinearity: ``'relu'`` or ``'leaky_relu'`` (see :func:`calculate_gain`).

    Example:
        >>> import autograd as ag; from nn import init
        >>> w = init.kaiming_uniform_(ag.zeros(64, 100), nonlinearity='relu')
        >>> bool(abs(w.numpy()).max() <= (6 / 100) ** 0.5)
        True
    """
    if tensor.array.size == 0:  # nothing to fill (as PyTorch, a no-op)
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    return _fill(tensor, _rng(generator).uniform(-bound, bound, tensor.shape), "kaiming_uniform_")


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu",
                    generator: np.random.Generator | None = None) -> Tensor:
    """He et al. (2015): N(0, std^2) with std = gain / sqrt(fan)."""
    if tensor.array.size == 0:
        return tensor
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_")
    return _fill(tensor, _rng(generator).normal(0.0, std, tensor.shape), "kaiming_normal_")


def orthogonal_(tensor: Tensor, gain: float = 1.0,
                generator: np.random.Generator | None = None) -> Tensor:
    """Saxe et al. (2013): a (semi-)orthogonal matrix times ``gain``.

    Dimensions after the first are flattened; the rows (or the columns, when
    there are fewer rows than columns) are orthonormal.

    Example:
        >>> import numpy as np, autograd as ag; from nn import init
        >>> w = init.orthogonal_(ag.zeros(3, 5, dtype=np.float64)).numpy()
        >>> bool(np.allclose(w @ w.T, np.eye(3)))
        True
    """
    if tensor.ndim < 2:
        raise ValueError(f"orthogonal_: only tensors with 2 or more dimensions are supported, "
                         f"got shape {tuple(tensor.shape)}")
    rows = tensor.shape[0]
    cols = tensor.array.size // rows if rows else 0
    flat = _rng(generator).standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    d = np.sign(np.diag(r))
    d[d == 0] = 1
    q = q * d
    if rows < cols:
        q = q.T
    return _fill(tensor, (gain * q).reshape(tensor.shape), "orthogonal_")
