"""Argument checks and window geometry shared by the convolutions, unfold/fold and the pools."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..errors import OpError
from ..tensor import Tensor


class Window(NamedTuple):
    """Where a sliding window goes: kernel, stride, padding and dilation per axis."""

    kh: int
    kw: int
    sh: int = 1
    sw: int = 1
    ph: int = 0
    pw: int = 0
    dh: int = 1
    dw: int = 1


def as_tuple(value: Any, n: int, name: str, op: str, low: int = 1) -> tuple[int, ...]:
    """An int or a sequence of ``n`` ints as an n-tuple, each at least ``low``, or a clear error.

    A sequence of the wrong length is an :class:`OpError` (PyTorch's RuntimeError); a value
    that is not an int is a TypeError, as in PyTorch.

    Example:
        >>> from autograd.ops._conv_args import as_tuple
        >>> as_tuple(2, 3, "stride", "conv3d"), as_tuple((1, 2, 3), 3, "stride", "conv3d")
        ((2, 2, 2), (1, 2, 3))
    """
    seq = isinstance(value, (tuple, list))
    items = tuple(value) if seq else (value,) * n
    kind = "a pair of" if n == 2 else f"a tuple of {n}"
    if seq and len(items) != n:
        raise OpError(f"{op}: {name} must be an int or {kind} ints, got {value!r} "
                      f"({len(items)} values for {n} spatial dims)")
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items):
        raise TypeError(f"{op}: {name} must be an int or {kind} ints, got {value!r}")
    if any(v < low for v in items):
        what = "positive" if low == 1 else "non-negative"
        raise OpError(f"{op}: {name} must be {what}, got {value!r}")
    return tuple(int(v) for v in items)


def as_pair(value: Any, name: str, op: str, low: int = 1) -> tuple[int, int]:
    """An int or a pair of ints as a pair, each at least ``low``, or a clear error."""
    a, b = as_tuple(value, 2, name, op, low)
    return a, b


def out_len(op: str, axis: str, size: int, k: int, s: int, p: int, d: int) -> int:
    """``(size + 2P - D*(F-1) - 1) // S + 1``, or an error giving the formula with numbers."""
    n = (size + 2 * p - d * (k - 1) - 1) // s + 1
    if n < 1:
        a = axis[0].upper()
        raise OpError(
            f"{op}: the kernel is larger than the padded input along the {axis}: the kernel "
            f"spans {d * (k - 1) + 1} (size {k}, dilation {d}) but the padded {axis} is "
            f"{size + 2 * p} ({size} + 2*{p}), so the output would be empty: "
            f"O{a} = ({a} + 2P - D*(F{a}-1) - 1) // S + 1 = ({size} + 2*{p} - {d}*({k}-1) - 1)"
            f" // {s} + 1 = {n}. Use a smaller kernel or dilation, or more padding."
        )
    return n


def _window(op: str, kernel: tuple, stride: Any, padding: Any, dilation: Any) -> Window:
    sh, sw = as_pair(stride, "stride", op)
    ph, pw = as_pair(padding, "padding", op, low=0)
    dh, dw = as_pair(dilation, "dilation", op)
    return Window(kernel[0], kernel[1], sh, sw, ph, pw, dh, dw)


def _out_hw(op: str, h: int, w: int, win: Window) -> tuple[int, int]:
    return (out_len(op, "height", h, win.kh, win.sh, win.ph, win.dh),
            out_len(op, "width", w, win.kw, win.sw, win.pw, win.dw))


def _check_operands(op: str, x: Tensor, weight: Tensor, bias: Any, groups: Any,
                    transposed: bool, nd: int = 2) -> None:
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool) or groups < 1:
        raise OpError(f"{op}: groups must be a positive int, got {groups!r}")
    if x.ndim != nd + 2 or weight.ndim != nd + 2:
        dims = ", ".join("DHW"[3 - nd:])
        raise OpError(f"{op}: expected input of shape (N, C, {dims}) or (C, {dims}) and a "
                      f"{nd + 2}-D weight, got shapes {tuple(x.shape)} and "
                      f"{tuple(weight.shape)}")
    if x.dtype != weight.dtype or (bias is not None and bias.dtype != x.dtype):
        raise TypeError(f"{op}: input, weight and bias must have the same dtype, got input "
                        f"{x.dtype}, weight {weight.dtype}, bias {getattr(bias, 'dtype', None)}; "
                        "convert one, e.g. x.float() or x.double()")
    c, ws = x.shape[1], tuple(weight.shape)
    if transposed:
        if ws[0] != c:
            raise OpError(f"{op}: input has {c} channels, but the weight of shape {ws} "
                          f"expects weight.shape[0] = {ws[0]} input channels (groups={groups})")
        if c % groups:
            raise OpError(f"{op}: input channels {c} are not divisible by groups={groups}")
        n_out = ws[1] * groups
    else:
        n_out = ws[0]
        if ws[1] * groups != c:
            raise OpError(f"{op}: input has {c} channels, but the weight of shape {ws} with "
                          f"groups={groups} expects weight.shape[1] * groups = {ws[1]} * "
                          f"{groups} = {ws[1] * groups} input channels")
        if n_out % groups:
            raise OpError(f"{op}: out_channels {n_out} (weight.shape[0]) are not divisible "
                          f"by groups={groups}")
    if bias is not None and tuple(bias.shape) != (n_out,):
        raise OpError(f"{op}: bias must have shape ({n_out},) (one per output channel), "
                      f"got {tuple(bias.shape)}")


def _transposed_len(op: str, axis: str, size: int, k: int, s: int, p: int, d: int,
                    extra: int) -> int:
    o = (size - 1) * s - 2 * p + d * (k - 1) + extra + 1
    if o < 1:
        a = axis[0].upper()
        raise OpError(
            f"{op}: the output {axis} would be {o}: O{a} = ({a} - 1)*S - 2P + D*(F{a}-1) + "
            f"output_padding + 1 = ({size} - 1)*{s} - 2*{p} + {d}*({k}-1) + {extra} + 1; "
            "use less padding")
    return o
