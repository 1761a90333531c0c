"""3-D convolution layers: Conv3d and ConvTranspose3d, with PyTorch's parameters and init.

The arithmetic is :func:`autograd.ops.conv3d.conv3d` / ``conv_transpose3d``
(vol2col and one batched matmul); these modules hold the weights.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from autograd.ops.conv3d import conv3d, conv_transpose3d
from autograd.tensor import Tensor

from ._factory import check_device
from .conv import _check_channels, _ConvNd

__all__ = ["Conv3d", "ConvTranspose3d"]


def _triple(v: Any, name: str, who: str, low: int) -> tuple[int, int, int]:
    t = (v, v, v) if isinstance(v, (int, np.integer)) else tuple(v)
    if len(t) != 3 or any(not isinstance(a, (int, np.integer)) or isinstance(a, bool) or a < low
                          for a in t):
        raise ValueError(f"{who}: {name} must be an int >= {low} or a triple of them, got {v!r}")
    return int(t[0]), int(t[1]), int(t[2])


def _zeros_mode(who: str, padding_mode: str) -> str:
    if padding_mode != "zeros":
        raise ValueError(f"{who}: only padding_mode='zeros' is supported, got "
                         f"{padding_mode!r}; pad with F.pad first for other modes")
    return padding_mode


class Conv3d(_ConvNd):
    """3-D convolution over ``(N, C_in, D, H, W)`` volumes or clips (cross-correlation).

    Args:
        in_channels: ``C_in``.
        out_channels: ``C_out``, the number of filters.
        kernel_size: int or ``(kd, kh, kw)``.
        stride: int or triple.
        padding: int, triple, ``'valid'`` or ``'same'`` (stride 1), zero padding.
        dilation: int or triple.
        groups: split the channels into this many independent groups.
        bias: learn a per-filter bias.
        padding_mode: only ``'zeros'``.
        device: only the CPU.
        dtype: parameter dtype (float32 by default).

    Shape:
        - Input: ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``.
        - Output: ``(N, C_out, D_out, H_out, W_out)`` with
          ``D_out = (D + 2 * padding - dilation * (kd - 1) - 1) // stride + 1`` (likewise H, W).

    Attributes:
        weight: ``(C_out, C_in / groups, kd, kh, kw)``, initialised as PyTorch's
            (kaiming_uniform with a = sqrt(5)).
        bias: ``(C_out,)``.

    Example:
        >>> import autograd as ag, nn
        >>> m = nn.Conv3d(16, 33, 3, stride=2)
        >>> m(ag.randn(2, 16, 10, 12, 8)).shape, m
        ((2, 33, 4, 5, 3), Conv3d(16, 33, kernel_size=(3, 3, 3), stride=(2, 2, 2)))
    """

    transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | Sequence[int],
                 stride: int | Sequence[int] = 1, padding: int | str | Sequence[int] = 0,
                 dilation: int | Sequence[int] = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        who = "Conv3d"
        check_device(device, who)
        _check_channels(who, in_channels, out_channels, groups)
        self.padding_mode = _zeros_mode(who, padding_mode)
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _triple(kernel_size, "kernel_size", who, 1)
        self.stride = _triple(stride, "stride", who, 1)
        self.dilation = _triple(dilation, "dilation", who, 1)
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"{who}: padding must be an int, a triple, 'valid' or 'same', "
                                 f"got {padding!r}")
            if padding == "same" and self.stride != (1, 1, 1):
                raise ValueError(f"{who}: padding='same' needs stride 1, got {self.stride}")
            self.padding: Any = padding
        else:
            self.padding = _triple(padding, "padding", who, 0)
        self._init_params((out_channels, in_channels // groups) + self.kernel_size, bias, dtype)

    def forward(self, x: Tensor) -> Tensor:
        # (N, C_in, D, H, W) -> (N, C_out, D_out, H_out, W_out)
        return conv3d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                      self.groups)


class ConvTranspose3d(_ConvNd):
    """Transposed 3-D convolution (the input-gradient of Conv3d), an upsampling layer.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
            bias, padding_mode, device, dtype: as :class:`Conv3d` (padding is an int or
            triple).
        output_padding: extra planes on one side of each output axis, smaller than
            stride or dilation.

    Shape:
        - Input: ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``.
        - Output: ``(N, C_out, D_out, H_out, W_out)`` with ``D_out = (D - 1) * stride -
          2 * padding + dilation * (kd - 1) + output_padding + 1`` (likewise H, W).

    Attributes:
        weight: ``(C_in, C_out / groups, kd, kh, kw)`` (PyTorch's layout).
        bias: ``(C_out,)``.

    Example:
        >>> import autograd as ag, nn
        >>> m = nn.ConvTranspose3d(8, 3, 2, stride=2)
        >>> m(ag.randn(1, 8, 2, 3, 4)).shape, m.weight.shape
        ((1, 3, 4, 6, 8), (8, 3, 2, 2, 2))
    """

    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | Sequence[int],
                 stride: int | Sequence[int] = 1, padding: int | Sequence[int] = 0,
                 output_padding: int | Sequence[int] = 0, groups: int = 1, bias: bool = True,
                 dilation: int | Sequence[int] = 1, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        who = "ConvTranspose3d"
        check_device(device, who)
        _check_channels(who, in_channels, out_channels, groups)
        self.padding_mode = _zeros_mode(who, padding_mode)
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _triple(kernel_size, "kernel_size", who, 1)
        self.stride = _triple(stride, "stride", who, 1)
        self.padding = _triple(padding, "padding", who, 0)
        self.dilation = _triple(dilation, "dilation", who, 1)
        self.output_padding = _triple(output_padding, "output_padding", who, 0)
        if any(o >= max(s, d) for o, s, d in zip(self.output_padding, self.stride,
                                                 self.dilation)):
            raise ValueError(f"{who}: output_padding {self.output_padding} must be smaller "
                             f"than stride {self.stride} or dilation {self.dilation}")
        self._init_params((in_channels, out_channels // groups) + self.kernel_size, bias, dtype)

    def _output_padding(self, x: Tensor, output_size: Sequence[int] | None) -> tuple:
        if output_size is None:
            return self.output_padding
        want = tuple(int(v) for v in tuple(output_size)[-3:])
        pads = []
        for i in range(3):
            smallest = ((x.shape[-3 + i] - 1) * self.stride[i] - 2 * self.padding[i]
                        + self.dilation[i] * (self.kernel_size[i] - 1) + 1)
            extra, span = want[i] - smallest, max(self.stride[i], self.dilation[i])
            if not 0 <= extra < span:
                raise ValueError(f"ConvTranspose3d: requested output size {want} is not "
                                 f"reachable from input {tuple(x.shape)}; sizes from "
                                 f"{smallest} to {smallest + span - 1} are possible along "
                                 f"spatial dim {i}")
            pads.append(extra)
        return tuple(pads)

    def forward(self, x: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        # (N, C_in, D, H, W) -> (N, C_out, D_out, H_out, W_out)
        return conv_transpose3d(x, self.weight, self.bias, self.stride, self.padding,
                                self._output_padding(x, output_size), self.groups,
                                self.dilation)
