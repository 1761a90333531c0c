"""``scratchgrad graph``: evaluate a small expression, backpropagate, draw the graph.

The expression is parsed with :mod:`ast` and evaluated by walking a short
whitelist of node kinds (numbers, names, ``+ - * / ** @``, unary minus, and
calls of the engine's ops), so nothing else a string could say is ever run.
"""
from __future__ import annotations

import ast
import os
from typing import Any

import numpy as np

from ._common import CLIError, fmt_number, parse_shape

#: ops that may be called as ``f(x, ...)`` or ``x.f(...)``
FUNCS = frozenset("""
exp log sqrt abs sin cos tanh sigmoid relu leaky_relu gelu softplus sum mean var max min
logsumexp softmax log_softmax maximum minimum clip clamp reshape transpose flatten
squeeze unsqueeze matmul pow
""".split())
#: attributes that may be read, e.g. ``W.T``
ATTRS = frozenset({"T"})
_BINOPS = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b, ast.MatMult: lambda a, b: a @ b,
}
_USAGE = "use a number (apple=100), a list (v=[1,2,3]) or a shape (W=3x4, b=randn:4, p=rand:3)"


def parse_let(items: list[str], dtype: str, seed: int) -> dict[str, Any]:
    """Turn ``NAME=VALUE`` words into leaf tensors that require grad, named NAME.

    Example:
        >>> leaves = parse_let(["a=2", "W=2x3", "v=[1,2]"], "float64", 0)
        >>> leaves["a"].item(), leaves["W"].shape, leaves["v"].tolist()
        (2.0, (2, 3), [1.0, 2.0])
    """
    import autograd as ag

    rng = np.random.default_rng(seed)
    leaves: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name.isidentifier() or not value:
            raise CLIError(f"bad --let {item!r}: expected NAME=VALUE", _USAGE)
        leaves[name] = ag.tensor(_parse_value(name, value, rng).astype(dtype),
                                 requires_grad=True, name=name)
    return leaves


def _parse_value(name: str, value: str, rng: np.random.Generator) -> np.ndarray:
    kind, colon, shape_text = value.partition(":")
    if colon and kind in ("randn", "rand", "zeros", "ones"):
        shape = _shape(name, shape_text)
        if kind == "randn":
            return rng.standard_normal(shape)
        if kind == "rand":
            return rng.random(shape)
        return np.zeros(shape) if kind == "zeros" else np.ones(shape)
    try:
        literal = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        literal = None
    if isinstance(literal, (int, float, list, tuple)) and not isinstance(literal, bool):
        try:
            return np.asarray(literal, dtype=np.float64)
        except (ValueError, TypeError):
            raise CLIError(f"bad value for --let {name}: {value!r} is a ragged list",
                           _USAGE) from None
    if "x" in value.lower():
        return rng.standard_normal(_shape(name, value))
    raise CLIError(f"bad value for --let {name}: {value!r}", _USAGE)


def _shape(name: str, text: str) -> tuple[int, ...]:
    try:
        return parse_shape(text)
    except CLIError:
        raise CLIError(f"bad shape for --let {name}: {text!r}", _USAGE) from None


def evaluate(expr: str, names: dict[str, Any]) -> Any:
    """Evaluate ``expr`` over ``names`` with the engine's ops (whitelisted AST walk).

    Example:
        >>> import autograd as ag
        >>> evaluate("a * b + 1", {"a": ag.tensor(2.0), "b": ag.tensor(3.0)}).item()
        7.0
    """
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as exc:
        raise CLIError(f"cannot parse the expression {expr!r} ({exc.msg})",
                       'write Python syntax, e.g. "apple * num * tax"') from None
    return _Evaluator(names).visit(tree.body)


class _Evaluator(ast.NodeVisitor):
    def __init__(self, names: dict[str, Any]) -> None:
        self.names = names

    def generic_visit(self, node: ast.AST) -> Any:
        raise CLIError(f"'{ast.unparse(node)}' is not allowed in an expression",
                       "use names, numbers, + - * / ** @ and ops such as exp(x) or x.sum()")

    def visit_Constant(self, node: ast.Constant) -> Any:
        if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return node.value
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
        return op(self.visit(node.left), self.visit(node.right))

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
        import autograd as ag

        func = node.func
        method = isinstance(func, ast.Attribute) and func.attr in FUNCS
        if not (method or isinstance(func, ast.Name) and func.id in FUNCS and node.args):
            raise CLIError(f"unknown function {ast.unparse(func)!r} in the expression",
                           f"use one of: {', '.join(sorted(FUNCS))}")
        if any(k.arg is None for k in node.keywords):
            return self.generic_visit(node)
        args = [self.visit(a) for a in node.args]
        kwargs = {str(k.arg): self.visit(k.value) for k in node.keywords}
        if isinstance(func, ast.Attribute):   # x.sum(dim=0)
            return getattr(self.visit(func.value), func.attr)(*args, **kwargs)
        if isinstance(func, ast.Name):  # exp(x)
            fn = getattr(ag, func.id, None)
            if fn is not None:
                return fn(*args, **kwargs)
            first = args[0] if isinstance(args[0], ag.Tensor) else ag.tensor(args[0])
            return getattr(first, func.id)(*args[1:], **kwargs)
        return self.generic_visit(node)


def _show(t: Any) -> str:
    arr = np.asarray(t.numpy() if hasattr(t, "numpy") else t)
    if arr.size == 1:
        return fmt_number(float(arr.reshape(())))
    body = np.array2string(arr, precision=4, suppress_small=True, separator=", ")
    return f"shape {tuple(arr.shape)}\n" + "\n".join("    " + ln for ln in body.splitlines())


def run(args: Any) -> int:
    """Evaluate, backpropagate, print the gradients, write the drawings asked for."""
    import autograd as ag

    viz = _viz()
    leaves = parse_let(args.let, args.dtype, args.seed)
    out = evaluate(args.expr, leaves)
    if not isinstance(out, ag.Tensor) or out.grad_fn is None:
        raise CLIError(f"the expression {args.expr!r} does not depend on any --let name",
                       "use at least one name defined with --let")
    used = [n for n, t in leaves.items() if _reaches(out, t)]
    print(f"out = {args.expr.strip()} = {_show(out)}")
    gradient = None
    if out.numel() != 1:
        print(f"(out has shape {tuple(out.shape)}; backpropagating a gradient of ones, "
              "as out.sum().backward())")
        gradient = ag.ones_like(out)
    graph = viz.trace(out, gradient=gradient)      # runs backward, keeps every edge's gradient
    width = max(len(n) for n in used)
    print("gradients of out:")
    for name in used:
        grad = leaves[name].grad
        print(f"  {name:<{width}} = {_show(grad) if grad is not None else 'None'}")
    if args.mermaid:
        print(viz.to_mermaid(graph))
    if args.output:
        print(f"wrote {write_graph(graph, args.output)}")
    if args.steps:
        fresh = {n: ag.tensor(t.numpy(), requires_grad=True, name=n) for n, t in leaves.items()}
        index = viz.render_steps(evaluate(args.expr, fresh), args.steps, gradient=gradient)
        frames = len([f for f in os.listdir(args.steps) if f.startswith("step_")])
        print(f"wrote {frames} backward-step frames into {args.steps}; open {index}")
    return 0


def _reaches(out: Any, leaf: Any) -> bool:
    from autograd.engine import topological_order

    for node in topological_order([out.grad_fn]):
        for _, t in node._grad_input_slots:
            if t is leaf:
                return True
    return False


def _viz():
    try:
        from autograd import viz
    except ImportError as exc:
        raise CLIError(f"graph drawing is not available ({exc})",
                       "reinstall scratchgrad: pip install -e .") from exc
    return viz


def write_graph(graph: Any, path: str) -> str:
    """Write a traced graph to ``path``: DOT (.dot/.gv), Mermaid (.mmd) or an image (Graphviz)."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".dot", ".gv", ".mmd", ".svg", ".png", ".pdf"):
        raise CLIError(f"cannot write a graph to {path!r}: unknown extension {ext!r}",
                       "use .svg, .png, .pdf (Graphviz) or .dot, .mmd (no Graphviz needed)")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    return str(_viz().render(graph, path))
