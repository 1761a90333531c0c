"""3-D adaptive pools, 1-D and 3-D max-unpooling, and the ``*_with_indices`` pool names.

* ``adaptive_avg_pool3d`` is :func:`avg_pool3d` when the sizes divide, otherwise
  three small averaging matrices (PyTorch's bins), one per axis.
* ``adaptive_max_pool3d`` gathers each bin's maximum (:func:`nn._window_max.window_max`).
* ``max_unpool1d`` / ``max_unpool3d`` write each pooled value at its index with
  ``scatter``, so a value whose index another value overwrites still gets the
  gradient at that index, as PyTorch's backward (a gather) gives it.
All are built from registered, gradient-checked ops.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

import autograd as ag
from autograd.errors import OpError
from autograd.ops.pool import _bins
from autograd.ops.pool3d import avg_pool3d
from autograd.tensor import Tensor

from ._window_max import adaptive_bins, window_max
from .module import Module
from .pooling import adaptive_max_pool2d
from .pooling1d import adaptive_max_pool1d, max_pool1d

__all__ = ["adaptive_avg_pool3d", "adaptive_max_pool3d", "max_unpool1d", "max_unpool3d",
           "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
           "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
           "adaptive_max_pool3d_with_indices",
           "AdaptiveAvgPool3d", "AdaptiveMaxPool3d", "MaxUnpool1d", "MaxUnpool3d"]


# ------------------------------------------------------------------ adaptive 3-D
def _volume(input: Any, op: str) -> tuple[Tensor, bool]:  # noqa: A002
    """(N, C, D, H, W) and whether the input came as one (C, D, H, W) volume."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(input).__name__}")
    if input.ndim not in (4, 5):
        raise OpError(f"{op}: expected a 4-D (C, D, H, W) or 5-D (N, C, D, H, W) input, got "
                      f"shape {tuple(input.shape)}")
    if any(s == 0 for s in input.shape[-3:]) or (input.ndim == 5 and input.shape[1] == 0):
        raise OpError(f"{op}: expected input to have non-zero size for non-batch dimensions, "
                      f"got shape {tuple(input.shape)}")
    return (input.unsqueeze(0), True) if input.ndim == 4 else (input, False)


def _out3(output_size: Any, size: Sequence[int], op: str) -> tuple[int, int, int]:
    """``output_size`` as three sizes; None in a position keeps that input size."""
    sizes = list(output_size) if isinstance(output_size, (tuple, list)) else [output_size] * 3
    if len(sizes) != 3:
        raise OpError(f"{op}: output_size must be an int or a tuple of 3, got {output_size!r}")
    out = []
    for s, n in zip(sizes, size):
        s = n if s is None else s
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"{op}: output_size must hold ints (or None), got {output_size!r}")
        if s < 0:
            raise OpError(f"{op}: elements of output_size must be >= 0, got {output_size!r}")
        out.append(int(s))
    return out[0], out[1], out[2]


def _empty(x: Tensor, shape: tuple) -> Tensor:
    """A zero-size result that still hangs off ``x`` in the graph."""
    return x.reshape(-1)[:0].reshape(shape)


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:  # noqa: A002
    """Average-pool a volume to ``output_size`` whatever its size (PyTorch's bins).

    Output cell ``i`` along an axis averages input positions ``floor(i*n/o)`` to
    ``ceil((i+1)*n/o)``.

    Args:
        input: (N, C, D, H, W) or (C, D, H, W).
        output_size: int or (OD, OH, OW); None in a position keeps that input size.

    Shape:
        (N, C, D, H, W) -> (N, C, OD, OH, OW).

    Returns:
        The pooled Tensor, dtype of ``input``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.adaptive_avg_pool3d(ag.arange(27.0).reshape(1, 1, 3, 3, 3), 1).item()
        13.0
    """
    op = "adaptive_avg_pool3d"
    x, unbatched = _volume(input, op)
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: needs a floating point input, got dtype {x.dtype}")
    size = tuple(x.shape[2:])
    od, oh, ow = _out3(output_size, size, op)
    n, c = x.shape[:2]
    if 0 in (od, oh, ow):
        out = _empty(x, (n, c, od, oh, ow))
    elif all(s % o == 0 for s, o in zip(size, (od, oh, ow))):
        out = avg_pool3d(x, tuple(s // o for s, o in zip(size, (od, oh, ow))))
    else:
        d, h, w = size
        a_w = Tensor._make(_bins(w, ow, x.dtype).T.copy())                # (W, OW)
        a_h = Tensor._make(_bins(h, oh, x.dtype))                         # (OH, H)
        a_d = Tensor._make(_bins(d, od, x.dtype))                         # (OD, D)
        y = a_h @ (x @ a_w)                                               # (N, C, D, OH, OW)
        out = (a_d @ y.reshape(n, c, d, oh * ow)).reshape(n, c, od, oh, ow)
    return out[0] if unbatched else out


def adaptive_max_pool3d(input: Tensor, output_size: Any,  # noqa: A002
                        return_indices: bool = False) -> Any:
    """Max-pool a volume to ``output_size`` whatever its size (PyTorch's bins).

    The gradient reaches each bin's maximum (the first in row-major order; a NaN wins).

    Args:
        input: (N, C, D, H, W) or (C, D, H, W).
        output_size: int or (OD, OH, OW); None in a position keeps that input size.
        return_indices: also return each maximum's flat ``d*H*W + h*W + w`` index (int64).

    Shape:
        (N, C, D, H, W) -> (N, C, OD, OH, OW).

    Returns:
        The pooled Tensor, or ``(pooled, indices)`` with ``return_indices``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> y, i = F.adaptive_max_pool3d(ag.arange(27.0).reshape(1, 1, 3, 3, 3), 2, True)
        >>> y.flatten().tolist(), i.flatten().tolist()[:2]
        ([13.0, 14.0, 16.0, 17.0, 22.0, 23.0, 25.0, 26.0], [13, 14])
    """
    op = "adaptive_max_pool3d"
    x, unbatched = _volume(input, op)
    size = tuple(x.shape[2:])
    outs = _out3(output_size, size, op)
    if 0 in outs:
        out = _empty(x, x.shape[:2] + outs)
        idx = Tensor._make(np.zeros(out.shape, np.int64))
    else:
        out, idx = window_max(x, [adaptive_bins(s, o) for s, o in zip(size, outs)])
    if unbatched:
        out, idx = out[0], idx[0]
    return (out, idx) if return_indices else out


class AdaptiveAvgPool3d(Module):
    """Average-pool a volume to a fixed ``output_size``, as :func:`adaptive_avg_pool3d`.

    Args:
        output_size: int or (OD, OH, OW); None in a position keeps that input size.

    Shape:
        - Input: (N, C, D, H, W) or (C, D, H, W); Output: (N, C, OD, OH, OW).

    Example:
        >>> import autograd as ag, nn
        >>> nn.AdaptiveAvgPool3d((1, None, 2))(ag.ones(2, 3, 4, 5, 6)).shape
        (2, 3, 1, 5, 2)
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return adaptive_avg_pool3d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool3d(Module):
    """Max-pool a volume to a fixed ``output_size``, as :func:`adaptive_max_pool3d`.

    Args:
        output_size: int or (OD, OH, OW); None in a position keeps that input size.
        return_indices: also return each maximum's flat index.

    Shape:
        - Input: (N, C, D, H, W) or (C, D, H, W); Output: (N, C, OD, OH, OW).

    Example:
        >>> import autograd as ag, nn
        >>> nn.AdaptiveMaxPool3d(2)(ag.ones(1, 3, 5, 4, 3)).shape
        (1, 3, 2, 2, 2)
    """

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input: Tensor) -> Any:  # noqa: A002
        return adaptive_max_pool3d(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


# ---------------------------------------------------------------- max-unpooling
def _ints(value: Any, n: int, what: str, op: str) -> tuple[int, ...]:
    items = tuple(value) if isinstance(value, (tuple, list)) else (value,) * n
    if len(items) != n or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                                  for v in items):
        raise TypeError(f"{op}: {what} must be an int or a tuple of {n} ints, got {value!r}")
    return tuple(int(v) for v in items)


def _unpool_size(x: Tensor, k: tuple, s: tuple, p: tuple, output_size: Any,
                 op: str) -> tuple[int, ...]:
    """PyTorch's output size: ``(in - 1) * stride - 2 * padding + kernel``, or a given one
    within a stride of it."""
    nd = len(k)
    default = tuple((x.shape[x.ndim - nd + i] - 1) * s[i] - 2 * p[i] + k[i] for i in range(nd))
    if output_size is None:
        size = default
    else:
        given = list(output_size)
        if len(given) == nd + 2:
            given = given[2:]
        if len(given) != nd:
            raise ValueError(f"{op}: output_size should be a sequence of {nd} or {nd + 2} "
                             f"elements, got {tuple(output_size)}")
        size = tuple(int(v) for v in given)
        for i in range(nd):
            if not default[i] - s[i] < size[i] < default[i] + s[i]:
                raise ValueError(f"{op}: invalid output_size {tuple(output_size)} (dim {i} "
                                 f"must be between {default[i] - s[i]} and "
                                 f"{default[i] + s[i]})")
    if any(v < 0 for v in size):
        raise ValueError(f"{op}: output_size must have non-negative sizes, got {size}")
    return size


def _unpool(op: str, input: Any, indices: Any, nd: int, kernel_size: Any,  # noqa: A002
            stride: Any, padding: Any, output_size: Any) -> Tensor:
    """Each value of ``input`` written at its flat index into a zero ``output_size`` plane."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor input, got {type(input).__name__}")
    if input.ndim not in (nd + 1, nd + 2):
        raise OpError(f"{op}: expected a {nd + 1}-D or {nd + 2}-D input, got shape "
                      f"{tuple(input.shape)}")
    idx = np.asarray(indices.array if isinstance(indices, Tensor) else indices)
    if idx.dtype.kind not in "iu":
        raise OpError(f"{op}: indices must be an integer (int64) tensor, got dtype {idx.dtype}")
    if idx.shape != tuple(input.shape):
        raise OpError(f"{op}: expected indices of the input's shape {tuple(input.shape)}, got "
                      f"indices of shape {idx.shape}")
    k = _ints(kernel_size, nd, "kernel_size", op)
    s = k if stride is None else _ints(stride, nd, "stride", op)
    size = _unpool_size(input, k, s, _ints(padding, nd, "padding", op), output_size, op)
    lead = tuple(input.shape[:-nd])
    length = int(np.prod(size))
    flat_idx = idx.reshape(lead + (-1,)).astype(np.int64)               # (*, pooled)
    if flat_idx.size and (flat_idx.min() < 0 or flat_idx.max() >= length):
        bad = flat_idx.max() if flat_idx.max() >= length else flat_idx.min()
        raise OpError(f"{op}: found an invalid max index {bad} (output volumes are of size "
                      f"{'x'.join(map(str, size))})")
    zeros = ag.zeros(*(lead + (length,)), dtype=input.dtype)
    out = zeros.scatter(-1, flat_idx, input.reshape(lead + (-1,)))     # (*, prod(size))
    return out.reshape(lead + size)


def max_unpool1d(input: Tensor, indices: Any, kernel_size: Any, stride: Any = None,  # noqa: A002
                 padding: Any = 0, output_size: Any = None) -> Tensor:
    """The partial inverse of ``max_pool1d``: each value back at its max's place, zeros elsewhere.

    Args:
        input: pooled values (N, C, L) or (C, L).
        indices: ``max_pool1d(..., return_indices=True)``'s indices (positions along L_out).
        kernel_size, stride (default: kernel_size), padding: those of the pooling.
        output_size: L_out (or a full shape) when not the default
            ``(L - 1) * stride - 2 * padding + kernel_size``.

    Shape:
        (N, C, L) -> (N, C, L_out).

    Returns:
        The unpooled Tensor; where two values name one place, the last is written
        and both get the gradient there, as PyTorch.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> y, i = F.max_pool1d(ag.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2, return_indices=True)
        >>> F.max_unpool1d(y, i, 2).tolist()
        [[[0.0, 3.0, 2.0, 0.0]]]
    """
    return _unpool("max_unpool1d", input, indices, 1, kernel_size, stride, padding, output_size)


def max_unpool3d(input: Tensor, indices: Any, kernel_size: Any, stride: Any = None,  # noqa: A002
                 padding: Any = 0, output_size: Any = None) -> Tensor:
    """The partial inverse of ``max_pool3d``: each value back at its max's place, zeros elsewhere.

    Args:
        input: pooled values (N, C, D, H, W) or (C, D, H, W).
        indices: ``max_pool3d(..., return_indices=True)``'s flat indices into each volume.
        kernel_size, stride (default: kernel_size), padding: those of the pooling.
        output_size: (D_out, H_out, W_out) (or a full shape) when not the default.

    Shape:
        (N, C, D, H, W) -> (N, C, D_out, H_out, W_out),
        ``D_out = (D - 1) * stride - 2 * padding + kernel_size``.

    Returns:
        The unpooled Tensor.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> y, i = F.max_pool3d(ag.arange(8.0).reshape(1, 1, 2, 2, 2), 2, return_indices=True)
        >>> F.max_unpool3d(y, i, 2).flatten().tolist()
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 7.0]
    """
    return _unpool("max_unpool3d", input, indices, 3, kernel_size, stride, padding, output_size)


class _MaxUnpoolNd(Module):
    _nd = 1
    _fn: Any = None

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        op = type(self).__name__
        self.kernel_size = _ints(kernel_size, self._nd, "kernel_size", op)
        self.stride = self.kernel_size if stride is None else _ints(stride, self._nd,
                                                                    "stride", op)
        self.padding = _ints(padding, self._nd, "padding", op)

    def forward(self, input: Tensor, indices: Any,  # noqa: A002
                output_size: Any = None) -> Tensor:
        return type(self)._fn(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """Undo a ``MaxPool1d(return_indices=True)``: values back at their maxima, zeros elsewhere.

    Args:
        kernel_size, stride (default: kernel_size), padding: those of the pooling.

    Shape:
        - Input: (N, C, L) or (C, L) and indices of that shape; Output: (N, C, L_out).

    Example:
        >>> import autograd as ag, nn
        >>> pool, unpool = nn.MaxPool1d(2, return_indices=True), nn.MaxUnpool1d(2)
        >>> unpool(*pool(ag.arange(4.0).reshape(1, 1, 4))).tolist(), unpool
        ([[[0.0, 1.0, 0.0, 3.0]]], MaxUnpool1d(kernel_size=(2,), stride=(2,), padding=(0,)))
    """

    _nd = 1
    _fn = staticmethod(max_unpool1d)


class MaxUnpool3d(_MaxUnpoolNd):
    """Undo a ``MaxPool3d(return_indices=True)``: values back at their maxima, zeros elsewhere.

    Args:
        kernel_size, stride (default: kernel_size), padding: those of the pooling.

    Shape:
        - Input: (N, C, D, H, W) or (C, D, H, W) and indices of that shape;
          Output: (N, C, D_out, H_out, W_out).

    Example:
        >>> import autograd as ag, nn
        >>> pool, unpool = nn.MaxPool3d(2, return_indices=True), nn.MaxUnpool3d(2)
        >>> unpool(*pool(ag.arange(8.0).reshape(1, 1, 2, 2, 2))).sum().item()
        7.0
    """

    _nd = 3
    _fn = staticmethod(max_unpool3d)


# ------------------------------------------------------------ *_with_indices names
def max_pool1d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None,  # noqa: A002
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """``max_pool1d`` that always returns ``(output, indices)``, as PyTorch's name says."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None,  # noqa: A002
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """``max_pool2d`` that always returns ``(output, indices)``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> y, i = F.max_pool2d_with_indices(ag.arange(4.0).reshape(1, 1, 2, 2), 2)
        >>> y.item(), i.item()
        (3.0, 3)
    """
    return ag.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None,  # noqa: A002
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """``max_pool3d`` that always returns ``(output, indices)``."""
    return ag.max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input: Tensor, output_size: Any,  # noqa: A002
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """``adaptive_max_pool1d`` that always returns ``(output, indices)``."""
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input: Tensor, output_size: Any,  # noqa: A002
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """``adaptive_max_pool2d`` that always returns ``(output, indices)``."""
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input: Tensor, output_size: Any,  # noqa: A002
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """``adaptive_max_pool3d`` that always returns ``(output, indices)``."""
    return adaptive_max_pool3d(input, output_size, True)
