"""3-D pooling layers: MaxPool3d and AvgPool3d (the arithmetic is :mod:`autograd.ops.pool3d`)."""
from __future__ import annotations

from typing import Any

from autograd.ops.pool3d import avg_pool3d, max_pool3d
from autograd.tensor import Tensor

from .module import Module

__all__ = ["MaxPool3d", "AvgPool3d"]

_Size = Any  # int or (kd, kh, kw)


class MaxPool3d(Module):
    """Max over each ``kernel_size`` window of every channel of a volume.

    Args:
        kernel_size: window size, int or ``(kd, kh, kw)``.
        stride: step between windows (default: ``kernel_size``).
        padding: implicit ``-inf`` padding on each side (at most half the kernel).
        dilation: spacing between window elements.
        return_indices: also return the flat ``D*H*W`` index of each maximum.
        ceil_mode: round the output size up instead of down.

    Shape:
        - Input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        - Output: ``(N, C, D_out, H_out, W_out)``,
          ``D_out = (D + 2 * padding - dilation * (kd - 1) - 1) // stride + 1`` (likewise H, W).

    Example:
        >>> import autograd as ag, nn
        >>> m = nn.MaxPool3d(2)
        >>> m(ag.arange(8.0).reshape(1, 1, 2, 2, 2)).item(), m
        (7.0, MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False))
    """

    def __init__(self, kernel_size: _Size, stride: _Size | None = None, padding: _Size = 0,
                 dilation: _Size = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.stride = kernel_size if stride is None else stride
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x: Tensor) -> Any:
        # (N, C, D, H, W) -> (N, C, D_out, H_out, W_out)
        return max_pool3d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool3d(Module):
    """Mean over each ``kernel_size`` window of every channel of a volume.

    Args:
        kernel_size: window size, int or ``(kd, kh, kw)``.
        stride: step between windows (default: ``kernel_size``).
        padding: implicit zero padding on each side (at most half the kernel).
        ceil_mode: round the output size up instead of down.
        count_include_pad: count padded zeros in the divisor.
        divisor_override: divide by this instead of the window size.

    Shape:
        - Input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``;
          Output: ``(N, C, D_out, H_out, W_out)``.

    Example:
        >>> import autograd as ag, nn
        >>> m = nn.AvgPool3d(2)
        >>> m(ag.arange(8.0).reshape(1, 1, 2, 2, 2)).item(), m
        (3.5, AvgPool3d(kernel_size=2, stride=2, padding=0))
    """

    def __init__(self, kernel_size: _Size, stride: _Size | None = None, padding: _Size = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = kernel_size if stride is None else stride
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad
        self.divisor_override = divisor_override

    def forward(self, x: Tensor) -> Tensor:
        # (N, C, D, H, W) -> (N, C, D_out, H_out, W_out)
        return avg_pool3d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
