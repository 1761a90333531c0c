"""The in-place activations of ``torch.nn.functional``: ``F.relu_(x)``, ``F.elu_(x)`` ...

Each writes the activation of ``input`` into ``input`` and returns it, through
``Tensor._inplace``: the version counter moves on (a tensor saved for a backward
before the write makes that backward raise), a non-leaf takes the activation as
its history (so gradients flow as PyTorch's), and a leaf that requires grad
refuses outside ``no_grad``, as PyTorch.

Example:
    >>> import autograd as ag, nn.functional as F
    >>> x = ag.tensor([-1.0, 2.0])
    >>> F.relu_(x) is x, x.tolist()
    (True, [0.0, 2.0])
"""
from __future__ import annotations

from typing import Any, Callable

import autograd as ag
from autograd.ops import activation_more as A
from autograd.tensor import Tensor

__all__ = ["relu_", "elu_", "celu_", "selu_", "leaky_relu_", "hardtanh_", "rrelu_",
           "threshold_"]


def _write(name: str, x: Any, fn: Callable[[Tensor], Tensor]) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be Tensor, not {type(x).__name__}")
    return x._inplace(lambda t, _: fn(t), None, name)


def relu_(input: Tensor) -> Tensor:  # noqa: A002
    """In-place ``relu``: ``max(x, 0)`` written into ``input``, which is returned.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.relu_(ag.tensor([-1.0, 3.0])).tolist()
        [0.0, 3.0]
    """
    return _write("relu_", input, ag.relu)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """In-place ``elu``: ``x`` for x > 0, ``alpha (exp(x) - 1)`` otherwise.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.elu_(ag.tensor([0.0, 2.0])).tolist()
        [0.0, 2.0]
    """
    return _write("elu_", input, lambda t: ag.elu(t, alpha))


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """In-place ``celu``: ``max(0, x) + min(0, alpha (exp(x / alpha) - 1))``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.celu_(ag.tensor([1.0])).tolist()
        [1.0]
    """
    return _write("celu_", input, lambda t: A.celu(t, alpha))


def selu_(input: Tensor) -> Tensor:  # noqa: A002
    """In-place ``selu``: ``scale * elu(x, alpha)`` with SELU's constants.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> round(F.selu_(ag.tensor([1.0])).item(), 4)
        1.0507
    """
    return _write("selu_", input, A.selu)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:  # noqa: A002
    """In-place ``leaky_relu``: ``x`` for x > 0, ``negative_slope * x`` otherwise.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.leaky_relu_(ag.tensor([-2.0, 1.0]), 0.5).tolist()
        [-1.0, 1.0]
    """
    return _write("leaky_relu_", input, lambda t: ag.leaky_relu(t, negative_slope))


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:  # noqa: A002
    """In-place ``hardtanh``: ``x`` clipped to ``[min_val, max_val]``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.hardtanh_(ag.tensor([-3.0, 0.5, 3.0])).tolist()
        [-1.0, 0.5, 1.0]
    """
    return _write("hardtanh_", input, lambda t: A.hardtanh(t, min_val, max_val))


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,  # noqa: A002
           training: bool = False) -> Tensor:
    """In-place ``rrelu``: leaky ReLU with a random slope in ``[lower, upper]`` per element in
    training, the mean slope ``(lower + upper) / 2`` otherwise.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.rrelu_(ag.tensor([-6.0, 1.0]), 0.25, 0.75).tolist()
        [-3.0, 1.0]
    """
    return _write("rrelu_", input, lambda t: A.rrelu(t, lower, upper, training))


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:  # noqa: A002
    """In-place ``threshold``: ``x`` where ``x > threshold``, else ``value``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.threshold_(ag.tensor([0.5, 2.0]), 1.0, -1.0).tolist()
        [-1.0, 2.0]
    """
    return _write("threshold_", input, lambda t: A.threshold(t, threshold, value))
