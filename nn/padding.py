"""Padding layers: zero, constant, reflection, replication and circular, in 1, 2 and 3 dims.

Each module holds its ``padding`` as PyTorch does (an int becomes a tuple of
``2 * d`` equal pads, ordered (left, right, top, bottom, front, back)) and
calls :func:`nn.functional.pad`; negative pads crop, as in PyTorch.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.ops.shape import pad
from autograd.tensor import Tensor

from .module import Module

__all__ = [
    "ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
    "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d",
    "CircularPad1d", "CircularPad2d", "CircularPad3d",
]


def _expand(padding: Any, dims: int) -> tuple:
    """An int (or any non-sequence) repeated ``2 * dims`` times; a sequence kept as a tuple."""
    if isinstance(padding, (tuple, list)):
        return tuple(padding)
    return (padding,) * (2 * dims)


def _check_ints(padding: tuple, who: str) -> tuple:
    for i, p in enumerate(padding):
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
            raise TypeError(f"{who}: padding must be a tuple of ints, but found element of "
                            f"type {type(p).__name__} at pos {i} (padding={padding})")
    return tuple(int(p) for p in padding)


class _PadNd(Module):
    """Common part: ``padding`` kept as given (expanded from an int), checked on use."""

    _dims = 1
    _mode = "constant"

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = _expand(padding, self._dims)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        # (*, D?, H?, W) -> (*, D + front + back?, H + top + bottom?, W + left + right)
        p = _check_ints(self.padding, type(self).__name__)
        return pad(input, p, mode=self._mode, value=self._value())

    def _value(self) -> float | None:
        return None

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def _value(self) -> float | None:
        return self.value

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with a constant ``value``.

    Args:
        padding: an int for both sides, or ``(left, right)``; negative values crop.
        value: the fill.

    Shape:
        - Input: ``(C, W)`` or ``(N, C, W)`` (any leading dims).
        - Output: ``(*, W + left + right)``.

    Example:
        >>> import autograd as ag
        >>> ConstantPad1d((1, 2), 3.5)(ag.tensor([[1.0, 2.0]])).tolist()
        [[3.5, 1.0, 2.0, 3.5, 3.5]]
    """

    _dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dims with a constant ``value``.

    Args:
        padding: an int, or ``(left, right, top, bottom)``.
        value: the fill.

    Shape:
        - Input: ``(*, H, W)``; Output: ``(*, H + top + bottom, W + left + right)``.

    Example:
        >>> import autograd as ag
        >>> ConstantPad2d((1, 0, 0, 1), -1.0)(ag.ones(1, 1, 1)).tolist()
        [[[-1.0, 1.0], [-1.0, -1.0]]]
    """

    _dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dims with a constant ``value``.

    Args:
        padding: an int, or ``(left, right, top, bottom, front, back)``.
        value: the fill.

    Shape:
        - Input: ``(*, D, H, W)``; Output: ``(*, D + front + back, H + top + bottom,
          W + left + right)``.

    Example:
        >>> import autograd as ag
        >>> ConstantPad3d(1, 0.5)(ag.ones(1, 1, 1, 1)).shape
        (1, 3, 3, 3)
    """

    _dims = 3


class ZeroPad1d(ConstantPad1d):
    """Pad the last dim with zeros (:class:`ConstantPad1d` with ``value=0``).

    Args:
        padding: an int for both sides, or ``(left, right)``; negative values crop.

    Shape:
        - Input: ``(*, W)``; Output: ``(*, W + left + right)``.

    Example:
        >>> import autograd as ag
        >>> ZeroPad1d((2, 1))(ag.tensor([[5.0]])).tolist()
        [[0.0, 0.0, 5.0, 0.0]]
    """

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pad the last two dims with zeros.

    Args:
        padding: an int, or ``(left, right, top, bottom)``.

    Shape:
        - Input: ``(*, H, W)``; Output: ``(*, H + top + bottom, W + left + right)``.

    Example:
        >>> import autograd as ag
        >>> ZeroPad2d(1)(ag.ones(1, 1, 2, 2)).shape
        (1, 1, 4, 4)
    """

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    """Pad the last three dims with zeros.

    Args:
        padding: an int, or ``(left, right, top, bottom, front, back)``.

    Shape:
        - Input: ``(*, D, H, W)``; Output: each of the three dims grown by its pads.

    Example:
        >>> import autograd as ag
        >>> ZeroPad3d((1, 0, 0, 0, 0, 2))(ag.ones(1, 2, 2, 2)).shape
        (1, 4, 2, 3)
    """

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad1d(_PadNd):
    """Pad the last dim with its mirror image, the edge not repeated.

    Args:
        padding: an int, or ``(left, right)``; each must be smaller than the dim.

    Shape:
        - Input: ``(C, W)`` or ``(N, C, W)``; Output: ``(*, W + left + right)``.

    Example:
        >>> import autograd as ag
        >>> ReflectionPad1d(2)(ag.tensor([[0.0, 1.0, 2.0, 3.0]])).tolist()
        [[2.0, 1.0, 0.0, 1.0, 2.0, 3.0, 2.0, 1.0]]
    """

    _dims, _mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    """Pad the last two dims by reflection.

    Args:
        padding: an int, or ``(left, right, top, bottom)``.

    Shape:
        - Input: ``(C, H, W)`` or ``(N, C, H, W)``; Output: ``(*, H + top + bottom,
          W + left + right)``.

    Example:
        >>> import autograd as ag
        >>> ReflectionPad2d((1, 0, 1, 0))(ag.arange(4.0).reshape(1, 2, 2)).tolist()
        [[[3.0, 2.0, 3.0], [1.0, 0.0, 1.0], [3.0, 2.0, 3.0]]]
    """

    _dims, _mode = 2, "reflect"


class ReflectionPad3d(_PadNd):
    """Pad the last three dims by reflection.

    Args:
        padding: an int, or ``(left, right, top, bottom, front, back)``.

    Shape:
        - Input: ``(C, D, H, W)`` or ``(N, C, D, H, W)``; Output: each dim grown by its pads.

    Example:
        >>> import autograd as ag
        >>> ReflectionPad3d(1)(ag.ones(1, 1, 2, 2, 2)).shape
        (1, 1, 4, 4, 4)
    """

    _dims, _mode = 3, "reflect"


class ReplicationPad1d(_PadNd):
    """Pad the last dim by repeating its edge values.

    Args:
        padding: an int, or ``(left, right)``.

    Shape:
        - Input: ``(C, W)`` or ``(N, C, W)``; Output: ``(*, W + left + right)``.

    Example:
        >>> import autograd as ag
        >>> ReplicationPad1d((1, 2))(ag.tensor([[1.0, 2.0]])).tolist()
        [[1.0, 1.0, 2.0, 2.0, 2.0]]
    """

    _dims, _mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    """Pad the last two dims by repeating their edges.

    Args:
        padding: an int, or ``(left, right, top, bottom)``.

    Shape:
        - Input: ``(C, H, W)`` or ``(N, C, H, W)``; Output: ``(*, H + top + bottom,
          W + left + right)``.

    Example:
        >>> import autograd as ag
        >>> ReplicationPad2d(1)(ag.tensor([[[7.0]]])).tolist()
        [[[7.0, 7.0, 7.0], [7.0, 7.0, 7.0], [7.0, 7.0, 7.0]]]
    """

    _dims, _mode = 2, "replicate"


class ReplicationPad3d(_PadNd):
    """Pad the last three dims by repeating their edges.

    Args:
        padding: an int, or ``(left, right, top, bottom, front, back)``.

    Shape:
        - Input: ``(C, D, H, W)`` or ``(N, C, D, H, W)``; Output: each dim grown by its pads.

    Example:
        >>> import autograd as ag
        >>> ReplicationPad3d((0, 0, 0, 0, 1, 1))(ag.ones(1, 1, 1, 2, 2)).shape
        (1, 1, 3, 2, 2)
    """

    _dims, _mode = 3, "replicate"


class _CircularPadNd(_PadNd):
    _mode = "circular"

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        if input.ndim not in (self._dims + 1, self._dims + 2):
            raise ValueError(f"{type(self).__name__}: expected {self._dims + 1}D or "
                             f"{self._dims + 2}D input (got {input.ndim}D input of shape "
                             f"{tuple(input.shape)})")
        return super().forward(input)


class CircularPad1d(_CircularPadNd):
    """Pad the last dim by wrapping around (the far end continues the near one).

    Args:
        padding: an int, or ``(left, right)``; each at most the dim's size.

    Shape:
        - Input: ``(C, W)`` or ``(N, C, W)``; Output: ``(*, W + left + right)``.

    Example:
        >>> import autograd as ag
        >>> CircularPad1d((1, 2))(ag.tensor([[0.0, 1.0, 2.0]])).tolist()
        [[2.0, 0.0, 1.0, 2.0, 0.0, 1.0]]
    """

    _dims = 1


class CircularPad2d(_CircularPadNd):
    """Pad the last two dims by wrapping around.

    Args:
        padding: an int, or ``(left, right, top, bottom)``.

    Shape:
        - Input: ``(C, H, W)`` or ``(N, C, H, W)``; Output: ``(*, H + top + bottom,
          W + left + right)``.

    Example:
        >>> import autograd as ag
        >>> CircularPad2d(1)(ag.ones(1, 1, 2, 2)).shape
        (1, 1, 4, 4)
    """

    _dims = 2


class CircularPad3d(_CircularPadNd):
    """Pad the last three dims by wrapping around.

    Args:
        padding: an int, or ``(left, right, top, bottom, front, back)``.

    Shape:
        - Input: ``(C, D, H, W)`` or ``(N, C, D, H, W)``; Output: each dim grown by its pads.

    Example:
        >>> import autograd as ag
        >>> CircularPad3d(1)(ag.ones(1, 1, 2, 2, 2)).shape
        (1, 1, 4, 4, 4)
    """

    _dims = 3
