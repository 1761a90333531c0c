"""1-D pooling (max, average, adaptive) through the 2-D pools, and max-unpooling.

A (N, C, L) signal is a (N, C, 1, L) image, so each 1-D pool is its 2-D
pool with a unit height (kernel ``(1, k)``, stride ``(1, s)``, padding
``(0, p)``): one implementation, already gradient-checked. Errors still
name the 1-D function. ``max_unpool2d`` puts each pooled value back where
``max_pool2d(return_indices=True)`` found it, zeros elsewhere.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np

import autograd as ag
from autograd.errors import OpError
from autograd.ops.pool import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from autograd.tensor import Tensor

from .module import Module
from .pooling import adaptive_max_pool2d

__all__ = ["max_pool1d", "avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d",
           "max_unpool2d", "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool1d", "AdaptiveMaxPool1d",
           "MaxUnpool2d"]


def _one(value: Any, what: str, op: str) -> int:
    """An int or a 1-tuple of one, as an int."""
    if isinstance(value, (tuple, list)) and len(value) != 1:
        raise OpError(f"{op}: {what} must be an int or a 1-tuple of one, got {value!r}")
    v = value[0] if isinstance(value, (tuple, list)) else value
    if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
        raise TypeError(f"{op}: {what} must be an int or a 1-tuple of one, got {value!r}")
    return int(v)


def _signal(x: Any, op: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(x).__name__}")
    if x.ndim not in (2, 3):
        raise OpError(f"{op}: expected a 2-D (C, L) or 3-D (N, C, L) input, got shape "
                         f"{tuple(x.shape)}")
    return x


@contextmanager
def _named(op2d: str, op: str) -> Iterator[None]:
    """Errors of the 2-D pool, told as errors of the 1-D one."""
    try:
        yield
    except (ValueError, TypeError) as err:
        msg = str(err).replace(op2d, op).replace("height", "unit height").replace("width",
                                                                                  "length")
        raise type(err)(msg) from None


def _squeezed(out: Any) -> Any:
    if isinstance(out, tuple):
        return tuple(o.squeeze(-2) for o in out)
    return out.squeeze(-2)


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None,  # noqa: A002
               padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:
    """Max over each window of a signal; the gradient goes to one element per window.

    Args:
        input: (N, C, L) or (C, L).
        kernel_size, stride (default: kernel_size), padding (``-inf``, at most half
            the kernel), dilation: ints.
        ceil_mode: round the output length up.
        return_indices: also return each maximum's position along L (int64).

    Shape:
        (N, C, L) -> (N, C, OL), ``OL = (L + 2P - D*(K-1) - 1) // S + 1``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.max_pool1d(ag.tensor([[[1.0, 3.0, 2.0, 0.0, 5.0]]]), 2).tolist()
        [[[3.0, 2.0]]]
    """
    x = _signal(input, "max_pool1d")
    k = _one(kernel_size, "kernel_size", "max_pool1d")
    s = k if stride is None else _one(stride, "stride", "max_pool1d")
    p, d = _one(padding, "padding", "max_pool1d"), _one(dilation, "dilation", "max_pool1d")
    with _named("max_pool2d", "max_pool1d"):
        out = max_pool2d(x.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d), ceil_mode,
                         return_indices)
    return _squeezed(out)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None,  # noqa: A002
               padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """Mean over each window of a signal (zero padding counted unless told otherwise).

    Shape:
        (N, C, L) or (C, L) -> (N, C, OL), ``OL = (L + 2P - K) // S + 1``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.avg_pool1d(ag.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2).tolist()
        [[[2.0, 1.0]]]
    """
    x = _signal(input, "avg_pool1d")
    k = _one(kernel_size, "kernel_size", "avg_pool1d")
    s = k if stride is None else _one(stride, "stride", "avg_pool1d")
    p = _one(padding, "padding", "avg_pool1d")
    with _named("avg_pool2d", "avg_pool1d"):
        out = avg_pool2d(x.unsqueeze(-2), (1, k), (1, s), (0, p), ceil_mode, count_include_pad)
    return _squeezed(out)


def _adaptive_size(output_size: Any, op: str) -> int:
    size = _one(output_size, "output_size", op)
    if size < 1:
        raise ValueError(f"{op}: output_size must be positive, got {output_size!r}")
    return size


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:  # noqa: A002
    """Average-pool a signal to ``output_size`` whatever its length (PyTorch's bins).

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.adaptive_avg_pool1d(ag.tensor([[[1.0, 3.0, 2.0, 0.0, 4.0]]]), 2).tolist()
        [[[2.0, 2.0]]]
    """
    x = _signal(input, "adaptive_avg_pool1d")
    size = _adaptive_size(output_size, "adaptive_avg_pool1d")
    with _named("adaptive_avg_pool2d", "adaptive_avg_pool1d"):
        return _squeezed(adaptive_avg_pool2d(x.unsqueeze(-2), (1, size)))


def adaptive_max_pool1d(input: Tensor, output_size: Any,  # noqa: A002
                        return_indices: bool = False) -> Any:
    """Max-pool a signal to ``output_size`` whatever its length (PyTorch's bins).

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.adaptive_max_pool1d(ag.tensor([[[1.0, 3.0, 2.0, 0.0, 4.0]]]), 2).tolist()
        [[[3.0, 4.0]]]
    """
    x = _signal(input, "adaptive_max_pool1d")
    size = _adaptive_size(output_size, "adaptive_max_pool1d")
    with _named("adaptive_max_pool2d", "adaptive_max_pool1d"):
        return _squeezed(adaptive_max_pool2d(x.unsqueeze(-2), (1, size), return_indices))


def _pair(v: Any, what: str) -> tuple[int, int]:
    pair = tuple(v) if isinstance(v, (tuple, list)) else (v, v)
    if len(pair) != 2:
        raise OpError(f"max_unpool2d: {what} must be an int or a pair of ints, got {v!r}")
    if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool)
                                 for a in pair):
        raise TypeError(f"max_unpool2d: {what} must be an int or a pair of ints, got {v!r}")
    return int(pair[0]), int(pair[1])


def _unpool_size(hw: tuple, k: tuple, s: tuple, p: tuple, output_size: Any) -> tuple:
    default = tuple((hw[i] - 1) * s[i] - 2 * p[i] + k[i] for i in range(2))
    if output_size is None:
        return default
    size = tuple(int(v) for v in tuple(output_size)[-2:])
    if len(size) != 2 or any(not default[i] - s[i] < size[i] < default[i] + s[i]
                             for i in range(2)):
        raise ValueError(f"max_unpool2d: output_size {tuple(output_size)} must be within one "
                         f"stride {s} of the default {default}")
    return size


def max_unpool2d(input: Tensor, indices: Any, kernel_size: Any, stride: Any = None,  # noqa: A002
                 padding: Any = 0, output_size: Any = None) -> Tensor:
    """The partial inverse of ``max_pool2d``: each value back at its max's place, zeros elsewhere.

    Args:
        input: pooled values (N, C, H, W) or (C, H, W).
        indices: ``max_pool2d(..., return_indices=True)``'s indices: flat positions
            ``h * W_out + w`` in each (H_out, W_out) output plane, as PyTorch.
        kernel_size, stride (default: kernel_size), padding: those of the pooling.
        output_size: (H_out, W_out) (or a full shape) when the pooled input's size is
            not the default ``(H - 1) * stride - 2 * padding + kernel_size``.

    Shape:
        (N, C, H, W) -> (N, C, H_out, W_out).

    Where pooling windows overlap, two pooled values can name one place; the
    last is written there and receives its gradient (the exact derivative).
    PyTorch's backward gives that gradient to each of them.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> x = ag.tensor([[[[1.0, 2.0], [4.0, 3.0]]]])
        >>> y, idx = F.max_pool2d(x, 2, return_indices=True)
        >>> F.max_unpool2d(y, idx, 2).tolist()
        [[[[0.0, 0.0], [4.0, 0.0]]]]
    """
    x = input
    if not isinstance(x, Tensor) or x.ndim not in (3, 4):
        raise ValueError(f"max_unpool2d: expected a 3-D or 4-D input, got "
                         f"{tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__}")
    idx = np.asarray(indices.numpy() if isinstance(indices, Tensor) else indices)
    if idx.shape != tuple(x.shape) or idx.dtype.kind not in "iu":
        raise ValueError(f"max_unpool2d: indices of shape {idx.shape} and dtype {idx.dtype} "
                         f"must be integers of the input's shape {tuple(x.shape)}")
    k = _pair(kernel_size, "kernel_size")
    s = k if stride is None else _pair(stride, "stride")
    size = _unpool_size(x.shape[-2:], k, s, _pair(padding, "padding"), output_size)
    planes, pooled = int(np.prod(x.shape[:-2])), x.shape[-2] * x.shape[-1]
    length = size[0] * size[1]
    flat_idx = idx.reshape(planes, pooled).astype(np.int64)
    if flat_idx.size and (flat_idx.min() < 0 or flat_idx.max() >= length):
        raise ValueError(f"max_unpool2d: found an invalid max index {flat_idx.max()} (or "
                         f"{flat_idx.min()}) for an output of size {size[0]}x{size[1]}")
    # source of each output element: its pooled value, or a zero column past the values
    src = np.full((planes, length), pooled, np.int64)
    src[np.arange(planes)[:, None], flat_idx] = np.arange(pooled)
    values = ag.cat([x.reshape((planes, pooled)), ag.zeros(planes, 1, dtype=x.dtype)], 1)
    out = values[np.arange(planes)[:, None], src]  # (planes, H_out * W_out)
    return out.reshape(tuple(x.shape[:-2]) + size)


class MaxPool1d(Module):
    """Max over each window of a signal, as :func:`max_pool1d`.

    Shape:
        - Input: (N, C, L) or (C, L); Output: (N, C, OL).

    Example:
        >>> import autograd as ag
        >>> MaxPool1d(2)(ag.arange(6.0).reshape(1, 1, 6)).tolist()
        [[[1.0, 3.0, 5.0]]]
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x: Tensor) -> Any:
        return max_pool1d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


def _tuple1(v: Any) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v,)


class AvgPool1d(Module):
    """Mean over each window of a signal, as :func:`avg_pool1d`.

    Example:
        >>> import autograd as ag
        >>> AvgPool1d(3)(ag.arange(6.0).reshape(1, 1, 6)).tolist()
        [[[1.0, 4.0]]]
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _tuple1(kernel_size)
        self.stride = self.kernel_size if stride is None else _tuple1(stride)
        self.padding = _tuple1(padding)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, x: Tensor) -> Tensor:
        return avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool1d(Module):
    """Average-pool a signal to a fixed length, as :func:`adaptive_avg_pool1d`."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return adaptive_avg_pool1d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(Module):
    """Max-pool a signal to a fixed length, as :func:`adaptive_max_pool1d`."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, x: Tensor) -> Any:
        return adaptive_max_pool1d(x, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class MaxUnpool2d(Module):
    """Undo a ``MaxPool2d(return_indices=True)``: values back at their maxima, zeros elsewhere.

    Example:
        >>> import autograd as ag, nn
        >>> pool, unpool = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
        >>> y, idx = pool(ag.arange(16.0).reshape(1, 1, 4, 4))
        >>> unpool(y, idx)[0, 0, 1].tolist()
        [0.0, 5.0, 0.0, 7.0]
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride = self.kernel_size if stride is None else _pair(stride, "stride")
        self.padding = _pair(padding, "padding")

    def forward(self, input: Tensor, indices: Any, output_size: Any = None) -> Tensor:  # noqa: A002
        return max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding,
                            output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
