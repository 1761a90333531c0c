"""Pooling layers: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from autograd.ops.pool import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from autograd.tensor import Tensor

from .module import Module

__all__ = ["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d",
           "adaptive_max_pool2d"]

_Size = Any  # int or (h, w)


class MaxPool2d(Module):
    """Max over each ``kernel_size`` window of every channel.

    Args:
        kernel_size: window size, int or ``(kh, kw)``.
        stride: step between windows (default: ``kernel_size``).
        padding: implicit ``-inf`` padding on each side (at most half the kernel).
        dilation: spacing between window elements.
        return_indices: also return the flat ``H*W`` index of each maximum.
        ceil_mode: round the output size up instead of down.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: ``(N, C, H_out, W_out)``,
          ``H_out = (H + 2 * padding - dilation * (kh - 1) - 1) // stride + 1``.

    Example:
        >>> import autograd as ag
        >>> MaxPool2d(2)(ag.arange(16.0).reshape(1, 1, 4, 4)).tolist()
        [[[[5.0, 7.0], [13.0, 15.0]]]]
    """

    def __init__(self, kernel_size: _Size, stride: _Size | None = None, padding: _Size = 0,
                 dilation: _Size = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.dilation, self.return_indices, self.ceil_mode = dilation, return_indices, ceil_mode

    def forward(self, x: Tensor) -> Any:
        return max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        stride = self.kernel_size if self.stride is None else self.stride
        return (f"kernel_size={self.kernel_size}, stride={stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """Mean over each ``kernel_size`` window of every channel.

    Args:
        kernel_size: window size, int or ``(kh, kw)``.
        stride: step between windows (default: ``kernel_size``).
        padding: implicit zero padding on each side.
        ceil_mode: round the output size up instead of down.
        count_include_pad: count padded zeros in the divisor.
        divisor_override: divide by this instead of the window size.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``; Output: ``(N, C, H_out, W_out)``.

    Example:
        >>> import autograd as ag
        >>> AvgPool2d(2)(ag.arange(16.0).reshape(1, 1, 4, 4)).tolist()
        [[[[2.5, 4.5], [10.5, 12.5]]]]
    """

    def __init__(self, kernel_size: _Size, stride: _Size | None = None, padding: _Size = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad
        self.divisor_override = divisor_override

    def forward(self, x: Tensor) -> Tensor:
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        stride = self.kernel_size if self.stride is None else self.stride
        return f"kernel_size={self.kernel_size}, stride={stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average-pool to a fixed ``output_size`` whatever the input size (PyTorch's bins).

    Args:
        output_size: ``(OH, OW)`` or an int for a square; None in a position keeps
            that input size.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``; Output: ``(N, C, OH, OW)``.

    Example:
        >>> import autograd as ag
        >>> AdaptiveAvgPool2d(1)(ag.randn(2, 5, 7, 9)).shape
        (2, 5, 1, 1)
    """

    def __init__(self, output_size: int | Sequence[int | None]) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


def _bins(n_in: int, n_out: int) -> np.ndarray:
    """Row indices of each adaptive bin ``[floor(i n/o), ceil((i+1) n/o))``, padded by repeats.

    Returns ``(n_out, longest bin)``; a short bin repeats its last index, which
    leaves its maximum unchanged.
    """
    i = np.arange(n_out)
    start = (i * n_in) // n_out
    end = -((-(i + 1) * n_in) // n_out)
    width = int((end - start).max())
    return np.minimum(start[:, None] + np.arange(width)[None, :], end[:, None] - 1)


def adaptive_max_pool2d(input: Tensor, output_size: Any,  # noqa: A002
                        return_indices: bool = False) -> Any:
    """Max-pool to a fixed ``output_size`` with PyTorch's bins, whatever the input size.

    Output cell ``(i, j)`` is the maximum over rows ``floor(i H / OH)`` to
    ``ceil((i + 1) H / OH)`` and the same for columns. Composed from
    getitem (gathering each bin's rows, then columns) and max, so the gradient
    reaches each bin's maximum.

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        output_size: ``(OH, OW)`` or an int; None in the pair keeps that size.
        return_indices: also return the flat ``h * W + w`` index of each maximum.

    Example:
        >>> import autograd as ag
        >>> adaptive_max_pool2d(ag.arange(16.0).reshape(1, 1, 4, 4), 2).tolist()
        [[[[5.0, 7.0], [13.0, 15.0]]]]
    """
    x = input
    if x.ndim not in (3, 4):
        raise ValueError(f"adaptive_max_pool2d: expected a 3-D or 4-D input, got shape "
                         f"{tuple(x.shape)}")
    H, W = x.shape[-2:]
    size = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    if len(size) != 2:
        raise ValueError(f"adaptive_max_pool2d: output_size must be an int or a pair, got "
                         f"{output_size!r}")
    OH, OW = (H if size[0] is None else int(size[0])), (W if size[1] is None else int(size[1]))
    if OH <= 0 or OW <= 0 or H == 0 or W == 0:
        raise ValueError(f"adaptive_max_pool2d: cannot pool input {tuple(x.shape)} to "
                         f"({OH}, {OW})")
    rows, cols = _bins(H, OH), _bins(W, OW)
    by_row = x[..., rows, :].max(-2)  # (*, OH, KH, W) -> (*, OH, W)
    out = by_row.values[..., cols].max(-1)  # (*, OH, OW, KW) -> (*, OH, OW)
    if not return_indices:
        return out.values
    k2 = out.indices.numpy()
    col = cols[np.arange(OW)[:, None], k2[..., None]][..., 0]  # (*, OH, OW)
    row_k = np.take_along_axis(by_row.indices.numpy(), col, axis=-1)  # (*, OH, OW)
    row = rows[np.arange(OH)[:, None], row_k]
    return out.values, Tensor._make((row * W + col).astype(np.int64))


class AdaptiveMaxPool2d(Module):
    """Max-pool to a fixed ``output_size`` whatever the input size (PyTorch's bins).

    Args:
        output_size: ``(OH, OW)`` or an int; None in a position keeps that input size.
        return_indices: also return the flat index of each maximum.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``; Output: ``(N, C, OH, OW)``.

    Example:
        >>> import autograd as ag
        >>> AdaptiveMaxPool2d((5, 7))(ag.randn(1, 64, 8, 9)).shape
        (1, 64, 5, 7)
    """

    def __init__(self, output_size: int | Sequence[int | None],
                 return_indices: bool = False) -> None:
        super().__init__()
        sizes = (output_size, output_size) if isinstance(output_size, int) else output_size
        if not isinstance(sizes, (tuple, list)) or len(sizes) != 2 or any(
                s is not None and (not isinstance(s, int) or isinstance(s, bool) or s <= 0)
                for s in sizes):
            raise ValueError(f"AdaptiveMaxPool2d: output_size must be a positive int or a pair "
                             f"of them (None keeps the input size), got {output_size!r}")
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, x: Tensor) -> Any:
        return adaptive_max_pool2d(x, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
