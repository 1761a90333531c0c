"""The drawable model of a recorded graph: variables, ops, and the edges between them.

:func:`snapshot` walks the graph behind a tensor (iteratively, so a 100,000-op
chain is fine) and keeps what a drawing needs while it is still there: every
forward value, the constants an op used, the module path of each op.
:func:`with_grads` puts on it the gradients a backward recorded (see
``record.py``: ``trace`` runs backward with an observer, so every edge of the
picture gets its gradient, not only the leaves).

Edges follow the textbook: an intermediate value used once is an edge from the
op that made it to the op that uses it; a value used several times (or a named
one) becomes a variable node, whose gradient is the sum of the contributions
coming back along its out-edges.
"""
from __future__ import annotations

import gc
import itertools
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Iterator, Sequence

import numpy as np

from ..function import Function
from ..tensor import Tensor
from .names import names_by_id
from .nodes import built_in_backward, node_inputs, node_scope, output_index

__all__ = ["Graph", "Var", "Op", "Edge", "snapshot", "with_grads", "node_inputs",
           "register_display"]

#: functions turning a Graph into SVG text for Jupyter; the DOT renderer registers itself
_DISPLAY: list = []


def register_display(to_svg: Any) -> None:
    """Let Jupyter show a :class:`Graph` as the SVG ``to_svg(graph)`` returns."""
    if to_svg not in _DISPLAY:
        _DISPLAY.append(to_svg)


@dataclass(eq=False, slots=True)
class Var:
    """A variable node: a leaf, a constant, an intermediate value used several times, or a root."""

    id: str
    kind: str  # "leaf" | "const" | "inter" | "root"
    name: str | None
    value: np.ndarray | None
    tensor: Tensor | None = None
    scope: tuple | None = None


@dataclass(eq=False, slots=True)
class Op:
    """An op node: one recorded Function call (or a collapsed chain of them)."""

    id: str
    cls: str
    fn: Any = None
    scope: tuple | None = None
    args: dict = field(default_factory=dict)  # input position -> value (array or Python value)
    outs: dict = field(default_factory=dict)  # output index -> value
    built_in_backward: bool = False
    chain: list | None = None  # op class names when this node stands for a collapsed chain


@dataclass(eq=False, slots=True)
class Edge:
    """An arrow ``src -> dst`` carrying a forward value (and, once known, a gradient)."""

    src: str
    dst: str
    value: np.ndarray | None
    pos: int | None = None  # input position at dst when dst is an op
    out: int = 0  # output index at src when src is an op
    name: str | None = None  # the tensor's name, for an intermediate drawn as an edge
    tensor: Tensor | None = None
    count: int = 1  # edges merged into this one by collapsing


@dataclass(eq=False, repr=False)
class Graph:
    """What a drawing shows. Build it with :func:`snapshot` or :func:`trace`.

    ``var_grad`` maps a variable id to its gradient, ``var_parts`` to the
    contributions summed into it, ``edge_grad`` an edge's index to the gradient
    running back along it, ``notes`` says what the drawing left out.
    """

    vars: list
    ops: list
    edges: list
    var_grad: dict = field(default_factory=dict)
    var_parts: dict = field(default_factory=dict)
    edge_grad: dict = field(default_factory=dict)
    order: list = field(default_factory=list)  # op ids in the order backward processed them
    notes: list = field(default_factory=list)
    traced: bool = False

    def __repr__(self) -> str:
        state = "with gradients from backward" if self.traced else "forward values"
        def n(k: int, what: str) -> str:
            return f"{k:,} {what}{'' if k == 1 else 's'}"

        return (f"Graph({n(len(self.ops), 'op')}, {n(len(self.vars), 'variable')}, "
                f"{n(len(self.edges), 'edge')}; {state})")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        """Jupyter shows a traced graph as its picture (text when Graphviz is missing)."""
        bundle = {"text/plain": repr(self)}
        for to_svg in _DISPLAY:
            try:
                bundle["image/svg+xml"] = to_svg(self)
                break
            except Exception:  # no `dot` program: the text form is still right
                pass
        return bundle

    def node(self, node_id: str) -> Var | Op:
        """The variable or op with this id."""
        for n in self.vars:
            if n.id == node_id:
                return n
        for n in self.ops:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def op_of(self, fn: Any) -> Op | None:
        """The op node drawn for the recorded Function ``fn`` (None when not drawn)."""
        for op in self.ops:
            if op.fn is fn:
                return op
        return None


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects.

    Walking a 100,000-node graph allocates a few hundred thousand objects; each
    automatic collection would rescan the whole (live) graph, which makes the
    walk several times slower. Nothing here creates garbage cycles.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# ------------------------------------------------------------------ walk
def snapshot(roots: Any, intermediates: bool = False, params: Any = None) -> Graph:
    """Walk the graph behind ``roots`` (a Tensor, a sequence of them, or a node).

    Args:
        roots: the output(s) to draw from, or a recorded node (``err.node``).
        intermediates: draw every intermediate value as a node, not only the
            ones used several times or named.
        params: name -> tensor (``dict(model.named_parameters())``) or the model
            itself, names for leaves that have no ``.name`` of their own (default:
            the names in the models that built the graph).

    Returns:
        a :class:`Graph` with forward values and no gradients yet.

    Example:
        >>> import autograd as ag
        >>> a = ag.tensor(2.0, requires_grad=True, name="a")
        >>> g = snapshot(a * 3.0 + a)
        >>> [op.cls for op in g.ops], [v.kind for v in g.vars]
        (['Add', 'Mul'], ['root', 'leaf', 'const'])
    """
    with no_gc():
        return _walk(roots, intermediates, names_by_id(params))


def _walk(roots: Any, intermediates: bool, given: dict) -> Graph:
    w = _Walker(given)
    for r in [roots] if isinstance(roots, (Tensor, Function)) else roots:
        w.see_root(r)
    while w.stack:
        w.see_inputs(w.stack.pop())
    w.place_outputs(intermediates)
    _place_vars(w.graph)
    return w.graph


class _Walker:
    """The state of one walk: ops seen, leaves seen, outputs and who consumes them."""

    def __init__(self, given: dict) -> None:
        self.given = given  # id(tensor) -> a parameter name
        self.ids = itertools.count()
        self.graph = Graph([], [], [])
        self.ops: dict = {}  # fn -> Op
        self.leaf_vars: dict = {}  # id(tensor) -> Var
        self.keep: list = []  # hold what ids are taken from while walking
        self.produced: dict = {}  # (fn, k) -> [value, name, tensor, consumers [(Op, pos)]]
        self.root_of: dict = {}  # (fn, k) -> the root Var drawn for that output
        self.stack: list = []

    def new_id(self) -> str:
        return f"n{next(self.ids)}"

    def see_op(self, fn: Any) -> None:
        if fn in self.ops:
            return
        op = Op(self.new_id(), type(fn).__name__, fn, node_scope(fn))
        op.built_in_backward = built_in_backward(fn)
        self.ops[fn] = op
        self.graph.ops.append(op)
        self.stack.append(fn)

    def see_output(self, key: tuple, value: Any, name: Any, t: Any, consumer: Any) -> None:
        entry = self.produced.get(key)
        if entry is None:
            entry = self.produced[key] = [value, name, t, []]
        elif entry[1] is None and name:
            entry[1] = name
        if consumer is not None:
            entry[3].append(consumer)

    def leaf_var(self, x: Tensor, kind: str) -> Var:
        found = self.leaf_vars.get(id(x))
        if found is not None:
            return found
        v = Var(self.new_id(), kind, x.name or self.given.get(id(x)), x.array, x)
        self.leaf_vars[id(x)] = v
        self.keep.append(x)
        self.graph.vars.append(v)
        return v

    def see_root(self, r: Any) -> None:
        if isinstance(r, Function):
            self.see_op(r)
            return
        if not isinstance(r, Tensor):
            raise TypeError(f"viz: expected a Tensor (or a graph node) to draw from, got {type(r)}")
        if r.grad_fn is None:
            self.leaf_var(r, "root")
            return
        root_var = Var(self.new_id(), "root", r.name, r.array, r)
        self.graph.vars.append(root_var)
        key = (r.grad_fn, output_index(r))
        self.root_of[key] = root_var
        self.see_output(key, r.array, r.name, r, None)
        self.see_op(r.grad_fn)

    def see_inputs(self, fn: Any) -> None:
        op = self.ops[fn]
        n_before = len(self.stack)
        for pos, x in node_inputs(fn):
            if not isinstance(x, Tensor):
                op.args[pos] = x  # a Python value (exponent, dim): part of the op's label
                continue
            op.args[pos] = x.array
            if x.grad_fn is not None:
                self.see_output((x.grad_fn, output_index(x)), x.array, x.name, x, (op, pos))
                self.see_op(x.grad_fn)
                continue
            v = self.leaf_var(x, "leaf" if x.requires_grad else "const")
            self.graph.edges.append(Edge(v.id, op.id, x.array, pos, tensor=x))
        self.stack[n_before:] = reversed(self.stack[n_before:])  # first input's subgraph first

    def place_outputs(self, intermediates: bool) -> None:
        """Each op output: an edge to its one consumer, or a variable node when shared."""
        graph, ops = self.graph, self.ops
        for (fn, k), (value, _, _, _) in self.produced.items():
            ops[fn].outs[k] = value
        for key, (value, name, t, consumers) in self.produced.items():
            producer = ops[key[0]]
            var = self.root_of.get(key)
            if var is None and (intermediates or name or len(consumers) != 1):
                var = Var(self.new_id(), "inter", name, value, t, producer.scope)
                graph.vars.append(var)
            if var is not None:
                graph.edges.append(Edge(producer.id, var.id, value, None, key[1], tensor=t))
                for cop, pos in consumers:
                    graph.edges.append(Edge(var.id, cop.id, value, pos))
            else:
                cop, pos = consumers[0]
                graph.edges.append(Edge(producer.id, cop.id, value, pos, key[1], name))


def _place_vars(graph: Graph) -> None:
    """Put a leaf in the module box of its users when they all share one."""
    if not any(op.scope for op in graph.ops):
        return
    scope_of = {op.id: op.scope for op in graph.ops}
    users: dict = {}
    for e in graph.edges:
        if e.dst in scope_of:
            users.setdefault(e.src, set()).add(scope_of[e.dst])
    for v in graph.vars:
        if v.kind in ("leaf", "const") and len(users.get(v.id, ())) == 1:
            v.scope = next(iter(users[v.id]))


# ------------------------------------------------------------------ gradients
def _sum_to(arr: np.ndarray, shape: tuple) -> np.ndarray:
    if arr.shape == tuple(shape):
        return arr
    lead = arr.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and arr.shape[lead + i] != 1)
    return arr.sum(axis=axes).reshape(shape) if axes else arr.reshape(shape)


def with_grads(graph: Graph, record: dict | None, order: Sequence[Any] = ()) -> Graph:
    """A copy of ``graph`` with gradients from a backward ``record`` (or from ``.grad``).

    Args:
        record: recorded node -> ``(out_grads, in_grads)`` as arrays, as collected
            by :func:`record_backward`; None to use what ``.grad`` holds.
        order: the nodes in the order backward ran them.
    """
    with no_gc():
        return _with_grads(graph, record, order)


def _with_grads(graph: Graph, record: dict | None, order: Sequence[Any]) -> Graph:
    g = replace(graph, var_grad={}, var_parts={}, edge_grad={}, traced=record is not None,
                order=[])
    op_ids = {op.id: op for op in graph.ops}
    var_ids = {v.id: v for v in graph.vars}
    out_edges: dict = {}
    in_edges: dict = {}
    for idx, e in enumerate(graph.edges):
        out_edges.setdefault(e.src, []).append(idx)
        in_edges.setdefault(e.dst, []).append(idx)
    if record is not None:
        by_fn = _op_index(graph)
        g.order = [by_fn[fn].id for fn in order if fn in by_fn]
    for idx, e in enumerate(graph.edges):
        grad = None
        if record is not None:
            dst, src = op_ids.get(e.dst), op_ids.get(e.src)
            if dst is not None and dst.fn in record:
                ins = record[dst.fn][1]
                if e.pos is not None and e.pos < len(ins) and ins[e.pos] is not None:
                    grad = ins[e.pos]
                    if e.value is not None:
                        grad = _sum_to(grad, tuple(np.shape(e.value)))
            elif src is not None and e.dst in var_ids and src.fn in record:
                outs = record[src.fn][0]
                if e.out < len(outs):
                    grad = outs[e.out]
        elif isinstance(e.tensor, Tensor) and e.tensor.grad is not None:
            src_var = var_ids.get(e.src)
            if src_var is None or src_var.kind != "leaf" or len(out_edges[e.src]) == 1:
                grad = e.tensor.grad.array
        src_var = var_ids.get(e.src)
        if grad is not None and not (src_var is not None and src_var.kind == "const"):
            g.edge_grad[idx] = grad  # nothing flows into a constant
    for v in graph.vars:
        if record is None:
            if isinstance(v.tensor, Tensor) and v.tensor.grad is not None:
                g.var_grad[v.id] = v.tensor.grad.array
            continue
        outs = [g.edge_grad[i] for i in out_edges.get(v.id, ()) if i in g.edge_grad]
        if v.kind in ("leaf", "const"):
            if outs:
                g.var_grad[v.id] = sum(outs[1:], outs[0])
        else:
            into = [g.edge_grad[i] for i in in_edges.get(v.id, ()) if i in g.edge_grad]
            if into:
                g.var_grad[v.id] = into[0]
        if len(outs) > 1:
            g.var_parts[v.id] = outs
    if record is None and g.var_grad and any(
            i not in g.edge_grad for i, e in enumerate(graph.edges) if e.src in op_ids):
        g.notes = list(graph.notes) + [
            "gradients of intermediate values were not recorded: draw with backward=True "
            "(it runs backward) or draw viz.trace(root)"]
    return g


def _op_index(graph: Graph) -> dict:
    return {op.fn: op for op in graph.ops if op.fn is not None}
