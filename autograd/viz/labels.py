"""What the drawing writes: numbers, op symbols, and local derivatives with numbers in them."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

#: op class name -> the symbol a course draws in the op's circle
SYMBOLS: dict[str, str] = {
    "Add": "+", "Sub": "−", "Mul": "×", "Div": "÷", "Neg": "−x", "Pow": "**",
    "MatMul": "@", "Exp": "exp", "Log": "log", "Sqrt": "√", "Abs": "|x|", "Sin": "sin",
    "Cos": "cos", "Tanh": "tanh", "Sigmoid": "σ", "Relu": "ReLU", "ReLU": "ReLU",
    "LeakyRelu": "LeakyReLU", "LeakyReLU": "LeakyReLU", "Gelu": "GELU", "GELU": "GELU",
    "Softplus": "softplus", "Erf": "erf", "Clip": "clip", "Clamp": "clip", "Maximum": "max",
    "Minimum": "min", "Where": "where", "Cast": "cast", "Clone": "clone", "Sum": "Σ",
    "Mean": "mean", "Var": "var", "Std": "std", "Max": "max", "Min": "min",
    "LogSumExp": "logsumexp", "Logsumexp": "logsumexp", "Softmax": "softmax",
    "LogSoftmax": "log_softmax", "CrossEntropy": "softmax-with-loss",
    "SoftmaxCrossEntropy": "softmax-with-loss", "Reshape": "reshape", "View": "view",
    "Transpose": "transpose", "Permute": "permute", "Squeeze": "squeeze",
    "Unsqueeze": "unsqueeze", "Expand": "expand", "BroadcastTo": "expand", "Flatten": "flatten",
    "Cat": "cat", "Concat": "cat", "Stack": "stack", "Split": "split", "Pad": "pad",
    "GetItem": "[ ]", "Getitem": "[ ]", "Index": "[ ]", "IndexPut": "[ ]=",
    "Conv2d": "conv2d", "MaxPool2d": "maxpool", "AvgPool2d": "avgpool",
}

_SUPER = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")


def op_symbol(cls: str, args: dict | None = None) -> str:
    """The textbook symbol for an op class; unknown ops show their class name.

    Example:
        >>> op_symbol("Mul"), op_symbol("PowScalar", {1: 2}), op_symbol("MyOp")
        ('×', 'x²', 'MyOp')
    """
    if cls == "PowScalar":
        p = (args or {}).get(1)
        if isinstance(p, (int, float, np.number)) and not isinstance(p, bool):
            if float(p) == 0.5:
                return "√x"
            if float(p).is_integer() and -9 <= p <= 9:
                return "x" + str(int(p)).translate(_SUPER)
            return "**" + format(float(p), "g")
        return "**p"
    return SYMBOLS.get(cls, cls)


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
def _num(x: Any) -> float | None:
    if x is None:
        return None
    arr = np.asarray(x)
    if arr.size != 1 or arr.dtype.kind not in "iuf":
        return None
    return float(arr.reshape(()))


Rule = Callable[[int, dict, dict], "tuple[str, float | None] | str"]


def _binary(sym: str) -> Callable[[int, dict, dict], Any]:
    def rule(pos: int, a: dict, o: dict) -> Any:
        x, y = _num(a.get(0)), _num(a.get(1))
        if sym == "+":
            return ("∂(a+b)/∂a = 1", 1.0) if pos == 0 else ("∂(a+b)/∂b = 1", 1.0)
        if sym == "−":
            return ("∂(a−b)/∂a = 1", 1.0) if pos == 0 else ("∂(a−b)/∂b = −1", -1.0)
        if sym == "×":
            return ("∂(a·b)/∂a = b", y) if pos == 0 else ("∂(a·b)/∂b = a", x)
        if pos == 0:
            return "∂(a/b)/∂a = 1/b", (None if not y else 1.0 / y)
        return "∂(a/b)/∂b = −a/b²", (None if x is None or not y else -x / y ** 2)
    return rule


def _unary(text: str, f: Callable[[float, float], float]) -> Callable[[int, dict, dict], Any]:
    def rule(pos: int, a: dict, o: dict) -> Any:
        x, y = _num(a.get(0)), _num(o.get(0))
        if x is None or y is None:
            return text, None
        with np.errstate(all="ignore"):
            return text, float(f(x, y))
    return rule


def _pow_scalar(pos: int, a: dict, o: dict) -> Any:
    p, x = a.get(1), _num(a.get(0))
    if pos != 0 or not isinstance(p, (int, float, np.number)):
        return None
    p = float(p)
    if p == 2:
        text = "∂x²/∂x = 2x"
    else:
        e = fmt_scalar(p - 1)
        text = f"∂xᵖ/∂x = p·xᵖ⁻¹ = {fmt_scalar(p)}·x^{e}"
    with np.errstate(all="ignore"):
        return text, (None if x is None else p * x ** (p - 1))


def _pow(pos: int, a: dict, o: dict) -> Any:
    x, y = _num(a.get(0)), _num(a.get(1))
    with np.errstate(all="ignore"):
        if pos == 0:
            return "∂aᵇ/∂a = b·aᵇ⁻¹", (None if x is None or y is None else y * x ** (y - 1))
        return "∂aᵇ/∂b = aᵇ·ln a", (None if x is None or y is None or x <= 0
                                    else x ** y * float(np.log(x)))


def _matmul(pos: int, a: dict, o: dict) -> Any:
    return "∂L/∂A = G @ Bᵀ" if pos == 0 else "∂L/∂B = Aᵀ @ G"


RULES: dict[str, Callable[[int, dict, dict], Any]] = {
    "Add": _binary("+"), "Sub": _binary("−"), "Mul": _binary("×"), "Div": _binary("÷"),
    "Neg": lambda pos, a, o: ("∂(−x)/∂x = −1", -1.0),
    "PowScalar": _pow_scalar, "Pow": _pow, "MatMul": _matmul,
    "Exp": _unary("∂eˣ/∂x = eˣ", lambda x, y: y),
    "Log": _unary("∂ln x/∂x = 1/x", lambda x, y: 1.0 / x),
    "Sqrt": _unary("∂√x/∂x = 1/(2√x)", lambda x, y: 0.5 / y),
    "Sin": _unary("∂sin x/∂x = cos x", lambda x, y: np.cos(x)),
    "Cos": _unary("∂cos x/∂x = −sin x", lambda x, y: -np.sin(x)),
    "Tanh": _unary("∂tanh x/∂x = 1 − tanh²x", lambda x, y: 1.0 - y * y),
    "Sigmoid": _unary("∂σ/∂x = σ(1 − σ)", lambda x, y: y * (1.0 - y)),
    "Relu": _unary("∂ReLU/∂x = [x > 0]", lambda x, y: float(x > 0)),
    "ReLU": _unary("∂ReLU/∂x = [x > 0]", lambda x, y: float(x > 0)),
    "Abs": _unary("∂|x|/∂x = sign x", lambda x, y: float(np.sign(x))),
    "Sum": lambda pos, a, o: ("∂Σx/∂xᵢ = 1", 1.0) if pos == 0 else None,
    "Mean": lambda pos, a, o: "∂mean/∂xᵢ = 1/n" if pos == 0 else None,
}


def local_derivative(cls: str, pos: int, args: dict, outs: dict, fmt: str = ".4g") -> str | None:
    """The local derivative of an op's output with respect to input ``pos``, numbers substituted.

    Args:
        cls: the op's class name.
        pos: which input.
        args: input position -> forward value; outs: output index -> forward value.

    Example:
        >>> local_derivative("Mul", 0, {0: 100.0, 1: 2.0}, {0: 200.0})
        '∂(a·b)/∂a = b = 2'
        >>> local_derivative("PowScalar", 0, {0: 5.0, 1: 2}, {0: 25.0})
        '∂x²/∂x = 2x = 10'
    """
    rule = RULES.get(cls)
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
