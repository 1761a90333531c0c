"""1-D convolutions: ``conv1d``, ``conv_transpose1d`` and the Conv1d / ConvTranspose1d layers.

A sequence ``(N, C, L)`` is an image of height 1, ``(N, C, 1, L)``, and a
kernel ``(OC, C/g, K)`` a kernel of height 1, so both are the 2-D ops with a
unit height; the gradients are theirs (gradient-checked in the engine).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from autograd.errors import OpError
from autograd.ops.conv import conv2d, conv_transpose2d
from autograd.tensor import Tensor

from ._factory import check_device
from .conv import _check_channels, _ConvNd
from .module import Module

__all__ = ["conv1d", "conv_transpose1d", "Conv1d", "ConvTranspose1d"]


def _single(v: Any, name: str, who: str, low: int) -> int:
    t = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    if len(t) == 1 and (not isinstance(t[0], (int, np.integer)) or isinstance(t[0], bool)):
        raise TypeError(f"{who}: {name} must be an int >= {low} (or a 1-tuple), got {v!r}")
    if len(t) != 1 or t[0] < low:
        raise OpError(f"{who}: {name} must be an int >= {low} (or a 1-tuple), got {v!r}")
    return int(t[0])


def _as_3d(x: Tensor, weight: Tensor, who: str) -> tuple[Tensor, bool]:
    if x.ndim not in (2, 3):
        raise OpError(f"{who}: expected a 2-D (unbatched) or 3-D (N, C, L) input, got "
                         f"shape {tuple(x.shape)}")
    if weight.ndim != 3:
        raise OpError(f"{who}: expected a 3-D weight, got shape {tuple(weight.shape)}")
    return (x.unsqueeze(0), True) if x.ndim == 2 else (x, False)


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,  # noqa: A002
           stride: Any = 1, padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-D convolution (cross-correlation) over ``(N, C_in, L)`` sequences.

    Args:
        input: ``(N, C_in, L)`` or ``(C_in, L)``.
        weight: ``(C_out, C_in / groups, K)``.
        bias: ``(C_out,)`` or None.
        stride, padding, dilation: ints (padding may be ``'valid'`` or ``'same'``).
        groups: channel groups.

    Returns:
        ``(N, C_out, L_out)``, ``L_out = (L + 2 padding - dilation (K - 1) - 1) // stride + 1``.

    Example:
        >>> import autograd as ag
        >>> conv1d(ag.ones(1, 1, 5), ag.ones(1, 1, 3)).tolist()
        [[[3.0, 3.0, 3.0]]]
    """
    x, unbatched = _as_3d(input, weight, "conv1d")
    s = _single(stride, "stride", "conv1d", 1)
    d = _single(dilation, "dilation", "conv1d", 1)
    p: Any = padding if isinstance(padding, str) else (0, _single(padding, "padding", "conv1d",
                                                                  0))
    y = conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, (1, s), p, (1, d), groups)
    y = y.squeeze(2)  # (N, C_out, 1, L_out) -> (N, C_out, L_out)
    return y.squeeze(0) if unbatched else y


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,  # noqa: A002
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
                     groups: int = 1, dilation: Any = 1) -> Tensor:
    """Transposed 1-D convolution, the input-gradient of :func:`conv1d`.

    Args:
        input: ``(N, C_in, L)`` or ``(C_in, L)``.
        weight: ``(C_in, C_out / groups, K)``.

    Returns:
        ``(N, C_out, L_out)``,
        ``L_out = (L - 1) stride - 2 padding + dilation (K - 1) + output_padding + 1``.

    Example:
        >>> import autograd as ag
        >>> conv_transpose1d(ag.ones(1, 1, 2), ag.ones(1, 1, 2), stride=2).tolist()
        [[[1.0, 1.0, 1.0, 1.0]]]
    """
    who = "conv_transpose1d"
    x, unbatched = _as_3d(input, weight, who)
    y = conv_transpose2d(x.unsqueeze(2), weight.unsqueeze(2), bias,
                         (1, _single(stride, "stride", who, 1)),
                         (0, _single(padding, "padding", who, 0)),
                         (0, _single(output_padding, "output_padding", who, 0)), groups,
                         (1, _single(dilation, "dilation", who, 1)))
    y = y.squeeze(2)
    return y.squeeze(0) if unbatched else y


class Conv1d(_ConvNd):
    """1-D convolution over ``(N, C_in, L)`` sequences (PyTorch's parameters and init).

    Args:
        in_channels, out_channels: channel counts.
        kernel_size, stride, dilation: ints (or 1-tuples).
        padding: int, ``'valid'`` or ``'same'`` (stride 1).
        groups, bias, padding_mode ('zeros'), device, dtype: as :class:`Conv2d`.

    Shape:
        - Input: ``(N, C_in, L)`` or ``(C_in, L)``; Output: ``(N, C_out, L_out)``.

    Attributes:
        weight: ``(C_out, C_in / groups, K)``; bias: ``(C_out,)``.

    Example:
        >>> import autograd as ag, nn
        >>> m = nn.Conv1d(16, 33, 3, stride=2)
        >>> m(ag.randn(20, 16, 50)).shape, m
        ((20, 33, 24), Conv1d(16, 33, kernel_size=(3,), stride=(2,)))
    """

    transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any,
                 stride: Any = 1, padding: Any = 0, dilation: Any = 1, groups: int = 1,
                 bias: bool = True, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        Module.__init__(self)
        who = "Conv1d"
        check_device(device, who)
        _check_channels(who, in_channels, out_channels, groups)
        if padding_mode != "zeros":
            raise ValueError(f"{who}: only padding_mode='zeros' is supported, got "
                             f"{padding_mode!r}; pad with F.pad first for other modes")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = (_single(kernel_size, "kernel_size", who, 1),)
        self.stride = (_single(stride, "stride", who, 1),)
        self.dilation = (_single(dilation, "dilation", who, 1),)
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"{who}: padding must be an int, 'valid' or 'same', got "
                                 f"{padding!r}")
            if padding == "same" and self.stride != (1,):
                raise ValueError(f"{who}: padding='same' needs stride 1, got {self.stride}")
            self.padding: Any = padding
        else:
            self.padding = (_single(padding, "padding", who, 0),)
        self.padding_mode = padding_mode
        self._init_params((out_channels, in_channels // groups) + self.kernel_size, bias, dtype)

    def forward(self, x: Tensor) -> Tensor:
        # (N, C_in, L) -> (N, C_out, L_out)
        pad = self.padding if isinstance(self.padding, str) else self.padding[0]
        return conv1d(x, self.weight, self.bias, self.stride[0], pad, self.dilation[0],
                      self.groups)


class ConvTranspose1d(_ConvNd):
    """Transposed 1-D convolution (an upsampling layer for sequences).

    Args:
        in_channels, out_channels, kernel_size, stride, padding, output_padding,
            groups, bias, dilation, padding_mode, device, dtype: as
            :class:`ConvTranspose2d`, with ints.

    Shape:
        - Input: ``(N, C_in, L)``; Output: ``(N, C_out, L_out)`` with
          ``L_out = (L - 1) stride - 2 padding + dilation (K - 1) + output_padding + 1``.

    Attributes:
        weight: ``(C_in, C_out / groups, K)``; bias: ``(C_out,)``.

    Example:
        >>> import autograd as ag, nn
        >>> nn.ConvTranspose1d(4, 2, 3, stride=2)(ag.randn(1, 4, 10)).shape
        (1, 2, 21)
    """

    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any,
                 stride: Any = 1, padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                 bias: bool = True, dilation: Any = 1, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:
        Module.__init__(self)
        who = "ConvTranspose1d"
        check_device(device, who)
        _check_channels(who, in_channels, out_channels, groups)
        if padding_mode != "zeros":
            raise ValueError(f"{who}: only padding_mode='zeros' is supported, got "
                             f"{padding_mode!r}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = (_single(kernel_size, "kernel_size", who, 1),)
        self.stride = (_single(stride, "stride", who, 1),)
        self.padding = (_single(padding, "padding", who, 0),)
        self.dilation = (_single(dilation, "dilation", who, 1),)
        self.output_padding = (_single(output_padding, "output_padding", who, 0),)
        if self.output_padding[0] >= max(self.stride[0], self.dilation[0]):
            raise ValueError(f"{who}: output_padding {self.output_padding} must be smaller "
                             f"than stride {self.stride} or dilation {self.dilation}")
        self.padding_mode = padding_mode
        self._init_params((in_channels, out_channels // groups) + self.kernel_size, bias, dtype)

    def forward(self, x: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        # (N, C_in, L) -> (N, C_out, L_out)
        op = self.output_padding[0]
        if output_size is not None:
            smallest = ((x.shape[-1] - 1) * self.stride[0] - 2 * self.padding[0]
                        + self.dilation[0] * (self.kernel_size[0] - 1) + 1)
            op = int(tuple(output_size)[-1]) - smallest
            if not 0 <= op < max(self.stride[0], self.dilation[0]):
                raise ValueError(f"ConvTranspose1d: requested output size {output_size} is "
                                 f"not reachable from input {tuple(x.shape)}")
        return conv_transpose1d(x, self.weight, self.bias, self.stride[0], self.padding[0],
                                op, self.groups, self.dilation[0])
