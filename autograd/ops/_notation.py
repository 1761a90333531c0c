"""How a drawing writes an op: the pieces its Function class carries.

Each op's Function class says how the course draws it, as two class attributes
right above its forward::

    class Mul(Function):
        symbol = "×"
        derivative = Derivative("∂(a·b)/∂a = b", "∂(a·b)/∂b = a",
                                value=lambda pos, x, y: x[1 - pos])

- ``symbol``: the text in the op's circle; a string, or a function of the
  op's recorded arguments (input position -> value) where it depends on them
  (``x²`` for ``x ** 2``).
- ``derivative``: a function ``(pos, args, outs)`` giving the local
  derivative of the output with respect to input ``pos`` as the notes write
  it: a text, or ``(text, number)`` where the numbers of this call are known;
  :class:`Derivative` builds the usual kind.

``autograd.viz`` reads both from the node's class; an op without them (a
user's custom Function) is drawn with its class name and no derivative.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np


def scalar(x: Any) -> float | None:
    """``x`` as a float when it is one real number (a 1-element array counts), else None.

    Example:
        >>> scalar(np.array([2.5])), scalar(np.ones(3)), scalar(None), scalar((0, 1))
        (2.5, None, None, None)
    """
    if x is None or isinstance(x, (bool, np.bool_)):
        return None
    if not isinstance(x, (int, float, np.number, np.ndarray)):
        return None
    arr = np.asarray(x)
    if arr.size != 1 or arr.dtype.kind not in "iuf":
        return None
    return float(arr.reshape(()))


class Derivative:
    """A local-derivative label per input position, with the number filled in where known.

    Args:
        *texts: the label for input 0, 1, ... (None: no label for that input).
        others: the label for every input after those (ops with a list of inputs).
        value: ``(pos, x, y) -> number`` with ``x`` the inputs and ``y`` the outputs
            as floats (None where not a single number); an error or None means
            the number is unknown and only the text is drawn.

    Example:
        >>> d = Derivative("∂(a·b)/∂a = b", "∂(a·b)/∂b = a", value=lambda pos, x, y: x[1 - pos])
        >>> d(0, {0: 100.0, 1: 2.0}, {0: 200.0})
        ('∂(a·b)/∂a = b', 2.0)
        >>> d(1, {0: np.ones(3), 1: 2.0}, {})
        ('∂(a·b)/∂b = a', None)
    """

    def __init__(self, *texts: str | None, others: str | None = None,
                 value: Callable[[int, tuple, tuple], Any] | None = None) -> None:
        self.texts = texts
        self.others = others
        self.value = value

    def __call__(self, pos: int, args: dict, outs: dict) -> tuple[str, float | None] | None:
        text = self.texts[pos] if pos < len(self.texts) else self.others
        if text is None:
            return None
        if self.value is None:
            return text, None
        x = tuple(scalar(args.get(i)) for i in range(max(args, default=-1) + 1))
        y = tuple(scalar(outs.get(i)) for i in range(max(outs, default=-1) + 1))
        try:
            with np.errstate(all="ignore"):
                num = self.value(pos, x, y)
        except (TypeError, ZeroDivisionError, IndexError, ValueError):
            return text, None
        return text, (None if num is None else float(num))


def elementwise(text: str, value: Callable[[float, float], Any]) -> Derivative:
    """The label of an elementwise one-input op; ``value(x, y)`` from its input x and output y.

    Example:
        >>> elementwise("∂eˣ/∂x = eˣ", lambda x, y: y)(0, {0: 0.0}, {0: 1.0})
        ('∂eˣ/∂x = eˣ', 1.0)
    """
    return Derivative(text, value=lambda pos, x, y: value(x[0], y[0]))


def number(x: float) -> str:
    """A number as a label writes it: 4 significant digits, a true minus sign.

    Example:
        >>> number(2.0), number(-0.5), number(1 / 3)
        ('2', '−0.5', '0.3333')
    """
    s = format(float(x), ".4g")
    return "0" if s in ("-0", "-0.0") else s.replace("-", "−")


_SUPER = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")


def power_symbol(args: dict) -> str:
    """``x ** p`` for a number p: ``x²``, ``√x``, ``**1.5``; ``**p`` when p is not recorded.

    Example:
        >>> power_symbol({1: 2}), power_symbol({1: 0.5}), power_symbol({1: 1.5}), power_symbol({})
        ('x²', '√x', '**1.5', '**p')
    """
    p = args.get(1)
    if not isinstance(p, (int, float, np.number)) or isinstance(p, bool):
        return "**p"
    if float(p) == 0.5:
        return "√x"
    if float(p).is_integer() and -9 <= p <= 9:
        return "x" + str(int(p)).translate(_SUPER)
    return "**" + format(float(p), "g")


def power_derivative(pos: int, args: dict, outs: dict) -> tuple[str, float | None] | None:
    """``∂xᵖ/∂x = p·xᵖ⁻¹`` with p (and x, when it is one number) filled in.

    Example:
        >>> power_derivative(0, {0: 5.0, 1: 2}, {})
        ('∂x²/∂x = 2x', 10.0)
        >>> power_derivative(0, {0: 4.0, 1: 0.5}, {})
        ('∂xᵖ/∂x = p·xᵖ⁻¹ = 0.5·x^−0.5', 0.25)
    """
    p, x = args.get(1), scalar(args.get(0))
    if pos != 0 or not isinstance(p, (int, float, np.number)) or isinstance(p, bool):
        return None
    p = float(p)
    text = "∂x²/∂x = 2x" if p == 2 else f"∂xᵖ/∂x = p·xᵖ⁻¹ = {number(p)}·x^{number(p - 1)}"
    with np.errstate(all="ignore"):
        return text, (None if x is None else p * x ** (p - 1))


def power_value(pos: int, x: tuple, y: tuple) -> float | None:
    """The numbers of ``∂aᵇ/∂a = b·aᵇ⁻¹`` and ``∂aᵇ/∂b = aᵇ·ln a`` (None for a ≤ 0)."""
    if pos == 0:
        return x[1] * x[0] ** (x[1] - 1)
    return x[0] ** x[1] * float(np.log(x[0])) if x[0] > 0 else None


def extreme_symbol(args: dict) -> str:
    """``max`` or ``min`` for a reduction along one dim, told apart by the values it picked.

    Example:
        >>> a = np.array([[1.0, 5.0], [7.0, 2.0]])
        >>> extreme_symbol({0: a, 1: 1, 3: np.array([1, 0])}), extreme_symbol({})
        ('max', 'max|min')
    """
    x, dim, idx = args.get(0), args.get(1), args.get(3)
    if not isinstance(x, np.ndarray) or not isinstance(idx, np.ndarray) or \
            not isinstance(dim, (int, np.integer)) or x.size == 0:
        return "max|min"
    d = int(dim)
    picked = np.take_along_axis(x, np.expand_dims(idx, d), d)
    if np.array_equal(picked, np.max(x, axis=d, keepdims=True), equal_nan=True):
        return "max"
    return "min"


def permute_symbol(args: dict) -> str:
    """``transpose`` when two dims swap places, else ``permute``.

    Example:
        >>> permute_symbol({1: (1, 0)}), permute_symbol({1: (2, 0, 1)}), permute_symbol({})
        ('transpose', 'permute', 'permute')
    """
    dims = args.get(1)
    if isinstance(dims, tuple) and sum(d != i for i, d in enumerate(dims)) == 2:
        return "transpose"
    return "permute"


def index_symbol(args: dict) -> str:
    """``x[index]`` as written: ``[0]``, ``[1:, ::2]``; ``[ ]`` for arrays and masks.

    Example:
        >>> index_symbol({1: (0,)}), index_symbol({1: (slice(1, None), slice(None, None, 2))})
        ('[0]', '[1:, ::2]')
        >>> index_symbol({1: (Ellipsis, None, 0)}), index_symbol({1: (np.array([0, 2]),)})
        ('[..., None, 0]', '[ ]')
    """
    index = args.get(1)
    if not isinstance(index, tuple):
        return "[ ]"
    parts = []
    for it in index:
        if isinstance(it, slice):
            ends = ["" if v is None else str(v) for v in (it.start, it.stop)]
            step = "" if it.step is None else f":{it.step}"
            parts.append(":".join(ends) + step)
        elif it is Ellipsis:
            parts.append("...")
        elif it is None or isinstance(it, (int, np.integer)):
            parts.append(str(it))
        else:
            return "[ ]"
    return "[" + ", ".join(parts) + "]"
