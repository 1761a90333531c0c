"""The expression language of ``scratchgrad graph``: small, bounded, and never Python.

The expression is parsed with :mod:`ast` and evaluated by walking a short
whitelist of node kinds (numbers, names, ``+ - * / ** @``, unary minus, ``.T``
and calls of the engine's ops), so nothing else a string could say is ever run.
Limits keep a hostile or careless expression from hanging the command or
exhausting memory: its length, nesting depth and node count are capped before
it is evaluated, plain numbers stay below ``MAX_NUMBER``, and a tensor result
may hold at most ``MAX_ELEMENTS`` values. Each refusal is a one-line
:class:`~scratchgrad.apps._common.CLIError`.
"""
from __future__ import annotations

import ast
import math
from typing import Any

import numpy as np

import autograd as ag

from ._common import CLIError

#: ops that may be called as ``f(x, ...)`` or ``x.f(...)``
FUNCS = frozenset("""
exp log sqrt abs sin cos tanh sigmoid relu leaky_relu gelu softplus sum mean var max min
logsumexp softmax log_softmax maximum minimum clip clamp reshape transpose flatten
squeeze unsqueeze matmul pow
""".split())
#: attributes that may be read, e.g. ``W.T``
ATTRS = frozenset({"T"})
#: an expression longer than this many characters is refused before parsing
MAX_CHARS = 2_000
#: deepest nesting of the parsed expression (``-(-(-x))`` is depth 4)
MAX_DEPTH = 64
#: most syntax nodes in one expression
MAX_NODES = 500
#: largest magnitude of a plain number (floats overflow past about 1.8e308)
MAX_NUMBER = 1e308
#: most values in one tensor the expression makes (``--let`` shapes have the same cap)
MAX_ELEMENTS = 10_000_000
_HINT = "use names, numbers, + - * / ** @ and ops such as exp(x) or x.sum()"
_BINOPS = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b, ast.MatMult: lambda a, b: a @ b,
}


def evaluate(expr: str, names: dict[str, Any]) -> Any:
    """Evaluate ``expr`` over ``names`` with the engine's ops (whitelisted AST walk).

    Args:
        expr: Python-syntax arithmetic, e.g. ``"apple * num * tax"``.
        names: the values the names stand for (Tensors or numbers).

    Returns:
        the value of the expression (a Tensor when it uses a Tensor).

    Raises:
        CLIError: the expression does not parse, uses anything outside the
            whitelist, is too long, too deep or too big, or a number overflows.

    Example:
        >>> import autograd as ag
        >>> evaluate("a * b + 1", {"a": ag.tensor(2.0), "b": ag.tensor(3.0)}).item()
        7.0
        >>> evaluate("9 ** 9 ** 9", {})
        Traceback (most recent call last):
        ...
        scratchgrad.apps._common.CLIError: the number 9 ** 387420489 is too large...
    """
    return _Evaluator(names).visit(parse(expr).body)


def parse(expr: str) -> ast.Expression:
    """Parse ``expr`` and check its size limits; raise :class:`CLIError` if it is refused.

    Example:
        >>> type(parse("x * y").body).__name__
        'BinOp'
        >>> parse("-" * 100 + "x")
        Traceback (most recent call last):
        ...
        scratchgrad.apps._common.CLIError: the expression nests 101 levels deep, ...
    """
    text = expr.strip()
    if len(text) > MAX_CHARS:
        raise CLIError(f"the expression is {len(text):,} characters long, over the limit of "
                       f"{MAX_CHARS:,}", "draw a smaller expression")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise CLIError(f"cannot parse the expression {_clip(expr)!r} ({exc.msg})",
                       'write Python syntax, e.g. "apple * num * tax"') from None
    except (RecursionError, MemoryError):
        raise CLIError("the expression nests too deeply to parse",
                       f"keep it under {MAX_DEPTH} levels") from None
    depth, count = _measure(tree.body)
    if depth > MAX_DEPTH:
        raise CLIError(f"the expression nests {depth} levels deep, over the limit of "
                       f"{MAX_DEPTH}", "split it, or use ops such as sum() for long chains")
    if count > MAX_NODES:
        raise CLIError(f"the expression has {count:,} parts, over the limit of {MAX_NODES:,}",
                       "draw a smaller expression")
    return tree


def _measure(root: ast.AST) -> tuple[int, int]:
    """(depth, node count) of a syntax tree, walked without recursion."""
    depth, count, stack = 0, 0, [(root, 1)]
    while stack:
        node, level = stack.pop()
        count += 1
        depth = max(depth, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node)
                     if not isinstance(child, (ast.expr_context, ast.operator, ast.unaryop)))
    return depth, count


def _clip(text: str, width: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= width else text[:width - 3] + "..."


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _check_number(x: Any, what: str) -> Any:
    if isinstance(x, int) and x.bit_length() > 1024 or isinstance(x, float) and not (
            math.isfinite(x) and abs(x) <= MAX_NUMBER):
        raise CLIError(f"the number {what} is too large", f"numbers must stay below {MAX_NUMBER:g}")
    return x


def _power(a: Any, b: Any) -> Any:
    """``a ** b`` for plain numbers, refused before computing when the result cannot fit."""
    if isinstance(a, int) and isinstance(b, int) and abs(a) > 1 and b > 0 and \
            b * math.log2(abs(a)) > 1024:
        raise CLIError(f"the number {a} ** {b} is too large",
                       f"numbers must stay below {MAX_NUMBER:g}")
    try:
        result = a ** b
    except OverflowError:
        raise CLIError(f"the number {a} ** {b} is too large",
                       f"numbers must stay below {MAX_NUMBER:g}") from None
    except ZeroDivisionError as exc:
        raise CLIError(f"{a} ** {b}: {exc}") from None
    if isinstance(result, complex):
        raise CLIError(f"{a} ** {b} is not a real number", "raise only positive numbers to "
                       "fractional powers")
    return _check_number(result, f"{a} ** {b}")


def _shape(x: Any) -> tuple[int, ...]:
    return tuple(x.shape) if isinstance(x, ag.Tensor) else ()


def _check_broadcast(node: ast.AST, *operands: Any) -> None:
    """Refuse a broadcast whose result would exceed ``MAX_ELEMENTS`` before computing it."""
    shapes = [_shape(x) for x in operands if isinstance(x, ag.Tensor)]
    if len(shapes) < 2:
        return
    try:
        out = np.broadcast_shapes(*shapes)
    except ValueError:
        return                      # the op itself names the mismatch
    if math.prod(out) > MAX_ELEMENTS:
        raise CLIError(f"'{_clip(ast.unparse(node))}' would make a tensor of shape {out} "
                       f"({math.prod(out):,} values), over the limit of {MAX_ELEMENTS:,}",
                       "use smaller --let shapes")


class _Evaluator(ast.NodeVisitor):
    def __init__(self, names: dict[str, Any]) -> None:
        self.names = names

    def generic_visit(self, node: ast.AST) -> Any:
        raise CLIError(f"'{_clip(ast.unparse(node))}' is not allowed in an expression", _HINT)

    def visit_Constant(self, node: ast.Constant) -> Any:
        if _is_number(node.value):
            return _check_number(node.value, _clip(repr(node.value)))
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id not in self.names:
            known = ", ".join(sorted(self.names)) or "none yet"
            raise CLIError(f"unknown name {node.id!r} in the expression (defined: {known})",
                           f"define it with --let {node.id}=1.0")
        return self.names[node.id]

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        op = _BINOPS.get(type(node.op))
        if op is None:
            return self.generic_visit(node)
        a, b = self.visit(node.left), self.visit(node.right)
        for x in (a, b):
            if not (_is_number(x) or isinstance(x, ag.Tensor)):
                raise CLIError(f"'{_clip(ast.unparse(node))}': arithmetic needs numbers or "
                               f"tensors, not a {type(x).__name__}", _HINT)
        if _is_number(a) and _is_number(b):
            if isinstance(node.op, ast.Pow):
                return _power(a, b)
            try:
                return _check_number(op(a, b), _clip(ast.unparse(node)))
            except (ZeroDivisionError, OverflowError) as exc:
                raise CLIError(f"'{_clip(ast.unparse(node))}': {exc}") from None
        _check_broadcast(node, a, b)
        return _result(node, op(a, b))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        if isinstance(node.op, ast.USub):
            return -self.visit(node.operand)
        if isinstance(node.op, ast.UAdd):
            return self.visit(node.operand)
        return self.generic_visit(node)

    def visit_Tuple(self, node: ast.Tuple) -> Any:
        return tuple(self.visit(e) for e in node.elts)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        if node.attr not in ATTRS:
            return self.generic_visit(node)
        return getattr(self.visit(node.value), node.attr)

    def visit_Call(self, node: ast.Call) -> Any:
        func = node.func
        method = isinstance(func, ast.Attribute) and func.attr in FUNCS
        if not (method or isinstance(func, ast.Name) and func.id in FUNCS and node.args):
            raise CLIError(f"unknown function {_clip(ast.unparse(func))!r} in the expression",
                           f"use one of: {', '.join(sorted(FUNCS))}")
        if any(k.arg is None for k in node.keywords):
            return self.generic_visit(node)
        args = [self.visit(a) for a in node.args]
        kwargs = {str(k.arg): self.visit(k.value) for k in node.keywords}
        if isinstance(func, ast.Attribute):   # x.sum(dim=0)
            target = self.visit(func.value)
            if not isinstance(target, ag.Tensor):
                raise CLIError(f"'{_clip(ast.unparse(node))}': .{func.attr}() needs a tensor, "
                               f"not a {type(target).__name__}", f"write {func.attr}(...) instead")
            _check_broadcast(node, target, *args)
            return _result(node, getattr(target, func.attr)(*args, **kwargs))
        assert isinstance(func, ast.Name)     # exp(x)
        _check_broadcast(node, *args)
        fn = getattr(ag, func.id, None)
        if fn is not None:
            return _result(node, fn(*args, **kwargs))
        first = args[0] if isinstance(args[0], ag.Tensor) else ag.tensor(args[0])
        return _result(node, getattr(first, func.id)(*args[1:], **kwargs))


def _result(node: ast.AST, value: Any) -> Any:
    if isinstance(value, ag.Tensor) and value.numel() > MAX_ELEMENTS:
        raise CLIError(f"'{_clip(ast.unparse(node))}' made a tensor of shape "
                       f"{tuple(value.shape)}, over the limit of {MAX_ELEMENTS:,} values",
                       "use smaller --let shapes")
    return value
