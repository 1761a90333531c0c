"""Power-average pooling: ``lp_pool1d/2d/3d`` and ``LPPool1d/2d/3d``.

PyTorch's formula: ``(avg_pool(x**p) * K) ** (1/p)`` with K the kernel's size,
i.e. ``(sum of x**p over the window) ** (1/p)``; ``p = inf`` is max-pooling of
``|x|`` and ``p = -inf`` the minimum of ``|x|``. There is no padding, and with
ceil_mode a last, partial window is an average over the elements it holds
times K, as PyTorch computes it.

PyTorch writes the average as ``sign(a) * relu(|a|)`` before the power. That
is ``a`` itself, and its gradient is 1 except where ``a == 0`` (a window of
zeros): there the power's derivative is infinite and PyTorch's masks give the
window a zero gradient. ``where(a != 0, a, 0)`` is the same function with the
same gradient, NaN-free, which is what is written here.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

import autograd as ag
from autograd.ops.pool import avg_pool2d, max_pool2d
from autograd.ops.pool3d import avg_pool3d, max_pool3d
from autograd.tensor import Tensor

from ._checks import check_number
from .module import Module
from .pooling1d import avg_pool1d, max_pool1d

__all__ = ["lp_pool1d", "lp_pool2d", "lp_pool3d", "LPPool1d", "LPPool2d", "LPPool3d"]


def _kernel_numel(kernel_size: Any, nd: int, op: str) -> int:
    items = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * nd
    if len(items) != nd or not all(isinstance(k, (int, np.integer)) and not isinstance(k, bool)
                                   for k in items):
        raise TypeError(f"{op}: kernel_size must be an int or a tuple of {nd} ints, got "
                        f"{kernel_size!r}")
    return math.prod(int(k) for k in items)


def _lp(op: str, nd: int, avg: Callable, mx: Callable, input: Any,  # noqa: A002
        norm_type: Any, kernel_size: Any, stride: Any, ceil_mode: bool) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(input).__name__}")
    p = check_number(op, "norm_type", norm_type)
    if p == 0:
        raise ValueError(f"{op}: norm_type must be non-zero (the result is x ** (1/p)), got "
                         f"{norm_type!r}")
    k = _kernel_numel(kernel_size, nd, op)
    inner = (mx if abs(p) == math.inf else avg).__name__
    try:
        if p == math.inf:
            return mx(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if p == -math.inf:
            return -mx(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        a = avg(input ** norm_type, kernel_size, stride, 0, ceil_mode)  # mean of x**p per window
    except (ValueError, TypeError) as err:  # the pool's error, told as this op's
        raise type(err)(str(err).replace(inner, op)) from None
    a = ag.where(a.array != 0, a, 0.0)      # PyTorch's sign(a) * relu(|a|): a zero window's
    return (a * k) ** (1.0 / p)             # gradient is 0, not inf * 0


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: Any,  # noqa: A002
              stride: Any = None, ceil_mode: bool = False) -> Tensor:
    """``(sum of x**p over each window) ** (1/p)`` along a signal.

    Args:
        input: (N, C, L) or (C, L).
        norm_type: p (``inf``: max of |x|; ``-inf``: min of |x|).
        kernel_size: window length.
        stride: step between windows (default: kernel_size).
        ceil_mode: round the output length up.

    Shape:
        (N, C, L) -> (N, C, OL), ``OL = (L - K) // S + 1``.

    Returns:
        The pooled Tensor.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.lp_pool1d(ag.tensor([[[3.0, 4.0, 1.0, 0.0]]]), 2, 2).tolist()
        [[[5.0, 1.0]]]
    """
    return _lp("lp_pool1d", 1, avg_pool1d, max_pool1d, input, norm_type, kernel_size, stride,
               ceil_mode)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: Any,  # noqa: A002
              stride: Any = None, ceil_mode: bool = False) -> Tensor:
    """``(sum of x**p over each window) ** (1/p)`` over an image.

    Args:
        input: (N, C, H, W) or (C, H, W).
        norm_type: p (``inf``: max of |x|; ``-inf``: min of |x|).
        kernel_size: int or (kh, kw).
        stride: default kernel_size.
        ceil_mode: round the output size up.

    Shape:
        (N, C, H, W) -> (N, C, OH, OW), ``OH = (H - KH) // SH + 1``.

    Returns:
        The pooled Tensor.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.lp_pool2d(ag.full((1, 1, 2, 2), 2.0), 2, 2).item()
        4.0
    """
    return _lp("lp_pool2d", 2, avg_pool2d, max_pool2d, input, norm_type, kernel_size, stride,
               ceil_mode)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size: Any,  # noqa: A002
              stride: Any = None, ceil_mode: bool = False) -> Tensor:
    """``(sum of x**p over each window) ** (1/p)`` over a volume.

    Args:
        input: (N, C, D, H, W) or (C, D, H, W).
        norm_type: p (``inf``: max of |x|; ``-inf``: min of |x|).
        kernel_size: int or (kd, kh, kw).
        stride: default kernel_size.
        ceil_mode: round the output size up.

    Shape:
        (N, C, D, H, W) -> (N, C, OD, OH, OW).

    Returns:
        The pooled Tensor.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.lp_pool3d(ag.ones(1, 1, 2, 2, 2), 1, 2).item()
        8.0
    """
    return _lp("lp_pool3d", 3, avg_pool3d, max_pool3d, input, norm_type, kernel_size, stride,
               ceil_mode)


class _LPPoolNd(Module):
    _fn: Any = None

    def __init__(self, norm_type: float, kernel_size: Any, stride: Any = None,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        check_number(type(self).__name__, "norm_type", norm_type)
        self.norm_type, self.kernel_size = norm_type, kernel_size
        self.stride, self.ceil_mode = stride, ceil_mode

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return type(self)._fn(input, self.norm_type, self.kernel_size, self.stride,
                              self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """Power-average pooling of a signal, as :func:`lp_pool1d`.

    Args:
        norm_type: p; kernel_size; stride (default: kernel_size); ceil_mode.

    Shape:
        - Input: (N, C, L) or (C, L); Output: (N, C, OL).

    Example:
        >>> import autograd as ag, nn
        >>> nn.LPPool1d(2, 2)(ag.tensor([[[3.0, 4.0]]])).item(), nn.LPPool1d(2, 3)
        (5.0, LPPool1d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False))
    """

    _fn = staticmethod(lp_pool1d)


class LPPool2d(_LPPoolNd):
    """Power-average pooling of an image, as :func:`lp_pool2d`.

    Args:
        norm_type: p; kernel_size; stride (default: kernel_size); ceil_mode.

    Shape:
        - Input: (N, C, H, W) or (C, H, W); Output: (N, C, OH, OW).

    Example:
        >>> import autograd as ag, nn
        >>> nn.LPPool2d(1, 2)(ag.ones(1, 1, 4, 4)).tolist()
        [[[[4.0, 4.0], [4.0, 4.0]]]]
    """

    _fn = staticmethod(lp_pool2d)


class LPPool3d(_LPPoolNd):
    """Power-average pooling of a volume, as :func:`lp_pool3d`.

    Args:
        norm_type: p; kernel_size; stride (default: kernel_size); ceil_mode.

    Shape:
        - Input: (N, C, D, H, W) or (C, D, H, W); Output: (N, C, OD, OH, OW).

    Example:
        >>> import autograd as ag, nn
        >>> nn.LPPool3d(2, 2)(ag.ones(1, 1, 2, 2, 2)).item()
        2.8284270763397217
    """

    _fn = staticmethod(lp_pool3d)
