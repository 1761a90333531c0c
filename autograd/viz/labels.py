"""What the drawing writes: numbers, op symbols, and local derivatives with numbers in them."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import InputStub


def op_class(cls: Any) -> type | None:
    """The Function class behind ``cls``: a class, a recorded node, or a class name.

    A name is looked up among the Function subclasses defined so far,
    preferring the class that declares its own drawing ``symbol``.

    Example:
        >>> op_class("Mul").symbol, op_class("NoSuchOp")
        ('×', None)
    """
    if isinstance(cls, type):
        return cls
    if not isinstance(cls, str):
        return type(cls)
    hit = _WITH_SYMBOL.get(cls)
    if hit is not None:
        return hit
    from ..function import Function

    found = None
    stack = list(Function.__subclasses__())
    while stack:
        c = stack.pop()
        stack.extend(c.__subclasses__())
        if c.__name__ == cls:
            if "symbol" in vars(c):
                _WITH_SYMBOL[cls] = c  # the library's ops: looked up once per name
                return c
            found = found or c
    return found


_WITH_SYMBOL: dict[str, type] = {}


def op_symbol(cls: Any, args: dict | None = None) -> str:
    """The textbook symbol of an op, from its class's ``symbol``; other ops show their name.

    Args:
        cls: the op's Function class, a recorded node, or the class name.
        args: input position -> recorded value, for symbols that depend on them.

    Example:
        >>> op_symbol("Mul"), op_symbol("PowScalar", {1: 2}), op_symbol("MyOp")
        ('×', 'x²', 'MyOp')
    """
    c = op_class(cls)
    name = cls if isinstance(cls, str) else (c.__name__ if c is not None else str(cls))
    sym = getattr(c, "symbol", None)
    if callable(sym):
        sym = sym(args or {})
    return sym if isinstance(sym, str) and sym else name


def fmt_scalar(x: Any, fmt: str = ".4g") -> str:
    """One number with ``fmt`` (floats), so 110.00000000000001 prints as 110.

    Example:
        >>> fmt_scalar(110.00000000000001), fmt_scalar(2.2000000000000006), fmt_scalar(-0.0)
        ('110', '2.2', '0')
    """
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (complex, np.complexfloating)):
        return format(complex(x), fmt)
    v = float(x)
    if v != v:
        return "nan"
    if v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "−inf"
    s = format(v, fmt)
    if s in ("-0", "-0.0"):
        s = "0"
    return s.replace("-", "−")


def fmt_value(value: Any, fmt: str = ".4g", max_elems: int = 6) -> list[str]:
    """A value as display lines: the number, a short list, or shape/dtype and a summary.

    Args:
        value: an array or a Python number (None gives no lines).
        fmt: format spec for each number.
        max_elems: arrays with more elements are summarised.

    Example:
        >>> fmt_value(np.float64(220.00000000000003))
        ['220']
        >>> fmt_value(np.array([[1.0, 2.0], [3.0, 4.5]]))
        ['[[1, 2], [3, 4.5]]']
        >>> fmt_value(np.arange(12.0).reshape(3, 4))
        ['(3, 4) float64', 'mean 5.5 min 0 max 11']
    """
    if value is None:
        return []
    if isinstance(value, InputStub):  # a big value the graph did not keep: shape and dtype
        return [f"{tuple(value.shape)} {value.dtype}"]
    if not isinstance(value, np.ndarray):
        if isinstance(value, (int, float, bool, complex, np.number, np.bool_)):
            return [fmt_scalar(value, fmt)]
        value = np.asarray(value)
    if value.size == 1 and value.ndim <= 1:
        return [fmt_scalar(value.reshape(()).item(), fmt)]
    if value.size <= max_elems and value.size > 0 and value.ndim <= 2:
        return [_nested(value.tolist(), fmt)]
    head = f"{tuple(value.shape)} {value.dtype}"
    if value.size == 0 or value.dtype.kind not in "iuf":
        return [head]
    v = value.astype(np.float64)
    if not np.isfinite(v).all():
        bad = int((~np.isfinite(v)).sum())
        return [head, f"{bad} non-finite of {v.size}"]
    return [head, f"mean {fmt_scalar(v.mean(), fmt)} min {fmt_scalar(v.min(), fmt)} "
                  f"max {fmt_scalar(v.max(), fmt)}"]


def fmt_sum(parts: list | None, total: Any, fmt: str = ".4g", max_elems: int = 6) -> list[str]:
    """A gradient summed from several paths: ``2.2 + 1.1 = 3.3``, or a count for big arrays.

    Example:
        >>> fmt_sum([2.0, 3.0], 5.0)
        ['2 + 3 = 5']
        >>> fmt_sum([np.ones(8), np.ones(8)], np.full(8, 2.0))
        ['sum of 2 paths: (8,) float64', 'mean 2 min 2 max 2']
    """
    tot = fmt_value(total, fmt, max_elems)
    if not parts:
        return tot
    if all(np.size(p) == 1 for p in parts) or len(tot) == 1 and len(parts) <= 3:
        return [" + ".join(fmt_value(p, fmt, max_elems)[0] for p in parts) + " = " + tot[0]]
    return [f"sum of {len(parts)} paths: {tot[0]}"] + tot[1:]


def _nested(x: Any, fmt: str) -> str:
    if isinstance(x, list):
        return "[" + ", ".join(_nested(i, fmt) for i in x) + "]"
    return fmt_scalar(x, fmt)


def grad_magnitude(g: Any) -> float:
    """Mean absolute value of a gradient (what edge colour and width encode)."""
    arr = np.asarray(g, dtype=np.float64)
    return float(np.abs(arr).mean()) if arr.size else 0.0


# ------------------------------------------------------------------ local derivatives
def local_derivative(cls: str, pos: int, args: dict, outs: dict, fmt: str = ".4g") -> str | None:
    """The local derivative of an op's output with respect to input ``pos``, numbers substituted.

    Args:
        cls: the op's Function class, a recorded node, or the class name; the
            label comes from the class's ``derivative`` (none for other ops).
        pos: which input.
        args: input position -> forward value; outs: output index -> forward value.

    Example:
        >>> local_derivative("Mul", 0, {0: 100.0, 1: 2.0}, {0: 200.0})
        '∂(a·b)/∂a = b = 2'
        >>> local_derivative("PowScalar", 0, {0: 5.0, 1: 2}, {0: 25.0})
        '∂x²/∂x = 2x = 10'
    """
    rule = getattr(op_class(cls), "derivative", None)
    if rule is None:
        return None
    res = rule(pos, args, outs)
    if res is None or isinstance(res, str):
        return res
    text, num = res
    if num is None:
        return text
    shown = fmt_scalar(num, fmt)
    return text if text.endswith("= " + shown) else f"{text} = {shown}"
