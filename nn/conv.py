"""Convolution layers: Conv2d and ConvTranspose2d, with PyTorch's parameters and init.

The arithmetic is :func:`autograd.ops.conv.conv2d` / ``conv_transpose2d``
(im2col and one matmul); these modules hold the weights.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from autograd.ops.conv import conv2d, conv_transpose2d
from autograd.tensor import Tensor

from . import init
from ._factory import check_device, float_dtype
from .module import Module, Parameter

__all__ = ["Conv2d", "ConvTranspose2d"]


def _pair(v: Any, name: str, who: str, low: int) -> tuple[int, int]:
    t = (v, v) if isinstance(v, (int, np.integer)) else tuple(v)
    if len(t) != 2 or any(not isinstance(a, (int, np.integer)) or isinstance(a, bool) or a < low
                          for a in t):
        raise ValueError(f"{who}: {name} must be an int >= {low} or a pair of them, got {v!r}")
    return int(t[0]), int(t[1])


def _check_channels(who: str, in_channels: Any, out_channels: Any, groups: Any) -> None:
    for name, v in (("in_channels", in_channels), ("out_channels", out_channels),
                    ("groups", groups)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{who}: {name} must be a positive int, got {v!r}")
    if in_channels % groups or out_channels % groups:
        raise ValueError(f"{who}: in_channels={in_channels} and out_channels={out_channels} "
                         f"must both be divisible by groups={groups}")


class _ConvNd(Module):
    def _init_params(self, shape: tuple, bias: bool, dtype: Any) -> None:
        dt = float_dtype(dtype, type(self).__name__)
        self.weight = Parameter(np.empty(shape, dt))
        if bias:
            self.bias = Parameter(np.empty(shape[0] if not self.transposed  # type: ignore
                                           else shape[1] * self.groups, dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: weight ~ kaiming_uniform_(a=sqrt(5)), i.e.
        U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the bias from the same range,
        with fan_in = weight.shape[1] * kh * kw."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = int(np.prod(self.weight.shape[1:]))
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        zeros, ones = (0,) * len(self.kernel_size), (1,) * len(self.kernel_size)
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding not in (zeros, "valid"):
            s += f", padding={self.padding}"
        if self.dilation != ones:
            s += f", dilation={self.dilation}"
        if getattr(self, "output_padding", zeros) != zeros:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


class Conv2d(_ConvNd):
    """2-D convolution over ``(N, C_in, H, W)`` images (cross-correlation, as PyTorch).

    Args:
        in_channels: ``C_in``.
        out_channels: ``C_out``, the number of filters.
        kernel_size: int or ``(kh, kw)``.
        stride: int or pair.
        padding: int, pair, ``'valid'`` or ``'same'`` (stride 1), zero padding.
        dilation: int or pair.
        groups: split the channels into this many independent groups.
        bias: learn a per-filter bias.
        padding_mode: only ``'zeros'``.
        dtype: parameter dtype (float32 by default).

    Shape:
        - Input: ``(N, C_in, H, W)`` or ``(C_in, H, W)``.
        - Output: ``(N, C_out, H_out, W_out)`` with
          ``H_out = (H + 2 * padding - dilation * (kh - 1) - 1) // stride + 1``.

    Attributes:
        weight: ``(C_out, C_in / groups, kh, kw)``.
        bias: ``(C_out,)``.

    Example:
        >>> import autograd as ag
        >>> m = Conv2d(3, 8, 3, padding=1)
        >>> m(ag.randn(2, 3, 16, 16)).shape, m.weight.shape
        ((2, 8, 16, 16), (8, 3, 3, 3))
    """

    transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | Sequence[int],
                 stride: int | Sequence[int] = 1, padding: int | str | Sequence[int] = 0,
                 dilation: int | Sequence[int] = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        who = "Conv2d"
        _check_channels(who, in_channels, out_channels, groups)
        if padding_mode != "zeros":
            raise ValueError(f"{who}: only padding_mode='zeros' is supported, got "
                             f"{padding_mode!r}; pad with F.pad first for other modes")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _pair(kernel_size, "kernel_size", who, 1)
        self.stride = _pair(stride, "stride", who, 1)
        self.dilation = _pair(dilation, "dilation", who, 1)
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"{who}: padding must be an int, a pair, 'valid' or 'same', "
                                 f"got {padding!r}")
            if padding == "same" and self.stride != (1, 1):
                raise ValueError(f"{who}: padding='same' needs stride 1, got {self.stride}")
            self.padding: Any = padding
        else:
            self.padding = _pair(padding, "padding", who, 0)
        self.padding_mode = padding_mode
        self._init_params((out_channels, in_channels // groups) + self.kernel_size, bias, dtype)

    def forward(self, x: Tensor) -> Tensor:
        # (N, C_in, H, W) -> (N, C_out, H_out, W_out)
        return conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                      self.groups)


class ConvTranspose2d(_ConvNd):
    """Transposed 2-D convolution (the input-gradient of Conv2d), an upsampling layer.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
            bias, dtype: as :class:`Conv2d` (padding is an int or pair).
        output_padding: extra rows/columns on one side of the output, smaller
            than stride or dilation.

    Shape:
        - Input: ``(N, C_in, H, W)``.
        - Output: ``(N, C_out, H_out, W_out)`` with
          ``H_out = (H - 1) * stride - 2 * padding + dilation * (kh - 1) + output_padding + 1``.

    Attributes:
        weight: ``(C_in, C_out / groups, kh, kw)`` (PyTorch's layout).
        bias: ``(C_out,)``.

    Example:
        >>> import autograd as ag
        >>> m = ConvTranspose2d(8, 3, 2, stride=2)
        >>> m(ag.randn(1, 8, 5, 5)).shape, m.weight.shape
        ((1, 3, 10, 10), (8, 3, 2, 2))
    """

    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | Sequence[int],
                 stride: int | Sequence[int] = 1, padding: int | Sequence[int] = 0,
                 output_padding: int | Sequence[int] = 0, groups: int = 1, bias: bool = True,
                 dilation: int | Sequence[int] = 1, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        who = "ConvTranspose2d"
        _check_channels(who, in_channels, out_channels, groups)
        if padding_mode != "zeros":
            raise ValueError(f"{who}: only padding_mode='zeros' is supported, got "
                             f"{padding_mode!r}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _pair(kernel_size, "kernel_size", who, 1)
        self.stride = _pair(stride, "stride", who, 1)
        self.padding = _pair(padding, "padding", who, 0)
        self.dilation = _pair(dilation, "dilation", who, 1)
        self.output_padding = _pair(output_padding, "output_padding", who, 0)
        for i in range(2):
            if self.output_padding[i] >= max(self.stride[i], self.dilation[i]):
                raise ValueError(f"{who}: output_padding {self.output_padding} must be smaller "
                                 f"than stride {self.stride} or dilation {self.dilation}")
        self.padding_mode = padding_mode
        self._init_params((in_channels, out_channels // groups) + self.kernel_size, bias, dtype)

    def _output_padding(self, x: Tensor, output_size: Sequence[int] | None) -> tuple[int, int]:
        if output_size is None:
            return self.output_padding
        hw = tuple(output_size)[-2:]
        pads = []
        for i in range(2):
            smallest = ((x.shape[-2 + i] - 1) * self.stride[i] - 2 * self.padding[i]
                        + self.dilation[i] * (self.kernel_size[i] - 1) + 1)
            extra, span = hw[i] - smallest, max(self.stride[i], self.dilation[i])
            if not 0 <= extra < span:
                raise ValueError(f"ConvTranspose2d: requested output size {tuple(hw)} is not "
                                 f"reachable from input {tuple(x.shape)}; sizes from "
                                 f"{smallest} to {smallest + span - 1} are possible along "
                                 f"dim {i}")
            pads.append(extra)
        return pads[0], pads[1]

    def forward(self, x: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        # (N, C_in, H, W) -> (N, C_out, H_out, W_out)
        return conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding,
                                self._output_padding(x, output_size), self.groups, self.dilation)
