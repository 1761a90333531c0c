"""Keep big graphs legible: collapse chains of ops, then elide what is still too much.

Both steps say what they left out in ``Graph.notes`` (drawn under the picture).
"""
from __future__ import annotations

from collections import Counter, deque
from dataclasses import replace
from typing import Any

import numpy as np

from .graph import Edge, Graph, Op, Var, no_gc
from .labels import op_symbol
from .names import module_classes, module_of


def shrink(graph: Graph, max_nodes: int | None) -> Graph:
    """``graph`` itself when it has at most ``max_nodes`` nodes, else a smaller drawing of it.

    First every run of three or more ops that only feed each other is drawn as
    one node naming its length and op kinds (its single-use inputs folded in);
    then, if still too big, only the ``max_nodes`` nodes closest to the output
    are kept and one node stands for the rest.

    Example:
        >>> import autograd as ag
        >>> from autograd.viz.graph import snapshot
        >>> y = ag.tensor(1.0, requires_grad=True)
        >>> for _ in range(50):
        ...     y = y * 1.5
        >>> small = shrink(snapshot(y), 20)
        >>> len(small.ops), small.notes[0]
        (1, 'collapsed 1 chain of 50 ops (Mul 50)')
    """
    if max_nodes is None or len(graph.vars) + len(graph.ops) <= max_nodes:
        return graph
    with no_gc():
        g = _collapse_chains(graph)
        if len(g.vars) + len(g.ops) > max_nodes:
            g = _elide(g, max_nodes)
    return g


def _collapse_chains(graph: Graph) -> Graph:
    ops = {op.id: op for op in graph.ops}
    out_e: dict = {}
    in_e: dict = {}
    for i, e in enumerate(graph.edges):
        out_e.setdefault(e.src, []).append(i)
        in_e.setdefault(e.dst, []).append(i)

    n_op_in: dict = {}  # op id -> how many of its inputs come straight from an op
    for e in graph.edges:
        if e.src in ops:
            n_op_in[e.dst] = n_op_in.get(e.dst, 0) + 1

    def link(op_id: str) -> str | None:
        """The op this one feeds when it feeds exactly one op directly, and that op only it."""
        outs = out_e.get(op_id, ())
        if len(outs) != 1:
            return None
        nxt = graph.edges[outs[0]].dst
        if nxt not in ops or n_op_in.get(nxt) != 1:
            return None
        return nxt

    prev: dict = {}
    for op in graph.ops:
        nxt = link(op.id)
        if nxt is not None:
            prev[nxt] = op.id
    next_of = {p: n for n, p in prev.items()}
    runs = []
    for op in graph.ops:  # a run starts at an op with no chained predecessor
        if op.id in prev or op.id not in next_of:
            continue
        run = [op.id]
        while run[-1] in next_of:
            run.append(next_of[run[-1]])
        if len(run) >= 3:
            runs.append(run)
    if not runs:
        return graph

    member: dict = {}
    new_ops = []
    total = 0
    for run in runs:
        first, last = ops[run[0]], ops[run[-1]]
        kinds = Counter(ops[i].cls for i in run)
        chain = Op(first.id, "Chain", None, first.scope, chain=[ops[i].cls for i in run])
        chain.args = {"kinds": kinds, "ends": (op_symbol(first.cls, first.args),
                                               op_symbol(last.cls, last.args))}
        chain.built_in_backward = all(ops[i].built_in_backward for i in run)
        for i in run:
            member[i] = chain
        new_ops.append(chain)
        total += len(run)
    for chain in new_ops:
        chain.args["folded"] = 0
    for v in graph.vars:  # a constant used once, inside a chain, is folded into it
        outs = out_e.get(v.id, ())
        if v.kind == "const" and len(outs) == 1 and graph.edges[outs[0]].dst in member:
            c = member[v.id] = member[graph.edges[outs[0]].dst]
            c.args["folded"] += 1
    g = _rebuild(graph, member)
    n = len(runs)
    kinds = Counter(k for run in runs for k in (ops[i].cls for i in run))
    what = ", ".join(f"{k} {c:,}" for k, c in kinds.most_common(4))
    g.notes.append(f"collapsed {n:,} chain{'s' if n > 1 else ''} of {total:,} ops ({what})")
    return g


def _rebuild(graph: Graph, member: dict) -> Graph:
    """``graph`` with each node id in ``member`` replaced by its group's op node.

    Edges inside a group disappear; edges between the same two nodes merge
    (``Edge.count``) and keep the first one's value and gradient.
    """
    g = replace(graph, vars=[v for v in graph.vars if v.id not in member], ops=[], edges=[],
                edge_grad={}, notes=list(graph.notes))
    placed: set = set()
    for op in graph.ops:
        c = member.get(op.id)
        if c is None:
            g.ops.append(op)
        elif c.id not in placed:
            placed.add(c.id)
            g.ops.append(c)
    merged: dict = {}
    for i, e in enumerate(graph.edges):
        src = member[e.src].id if e.src in member else e.src
        dst = member[e.dst].id if e.dst in member else e.dst
        if src == dst:
            continue
        if src == e.src and dst == e.dst:  # untouched: keep the edge as is
            if i in graph.edge_grad:
                g.edge_grad[len(g.edges)] = graph.edge_grad[i]
            g.edges.append(e)
            continue
        key = (src, dst)
        if key in merged:
            merged[key].count += 1
            continue
        merged[key] = ne = replace(e, src=src, dst=dst)
        if i in graph.edge_grad:
            g.edge_grad[len(g.edges)] = graph.edge_grad[i]
        g.edges.append(ne)
    g.order = list(dict.fromkeys(member[i].id if i in member else i for i in graph.order))
    return g


def collapse_modules(graph: Graph, depth: int) -> Graph:
    """Draw each ``nn.Module`` call (module path cut at ``depth``) as one node.

    A module's parameters, scalar constants and inner values fold into its
    node, which names the module and counts its ops; the values passed
    between modules stay on the edges, with their gradients.

    Example:
        >>> import autograd as ag
        >>> from nn.scope import module_scope
        >>> from autograd.viz.graph import snapshot
        >>> x = ag.tensor([1.0, 2.0])
        >>> w = ag.tensor([0.5, 0.5], requires_grad=True)
        >>> with module_scope("net"):
        ...     y = (x * w).sum()
        >>> g = collapse_modules(snapshot(y * 2.0), 1)
        >>> [(op.cls, op.args.get("module")) for op in g.ops]
        [('Mul', None), ('Module', 'net')]
    """
    if depth < 1:
        raise ValueError(f"viz: collapse_modules must be at least 1, got {depth}")
    classes = module_classes()
    return _fold(graph, lambda scope: tuple(scope[:depth]), classes)


def collapse_classes(graph: Graph, classes: Any) -> Graph:
    """Draw each call of a module of the given class(es) as one box with its in/out shapes.

    Args:
        classes: a class name (``"Linear"``) or several (``("Linear", "Conv2d")``).

    Example:
        >>> import autograd as ag
        >>> from nn.scope import module_scope
        >>> from autograd.viz.graph import snapshot
        >>> w = ag.tensor([[0.5, 0.5]], requires_grad=True)
        >>> with module_scope("Net"), module_scope("Net.Linear"):
        ...     y = ag.tensor([[1.0, 2.0]]) @ w.T
        >>> g = collapse_classes(snapshot(y.sum()), "Linear")
        >>> [(op.cls, op.args.get("klass")) for op in g.ops]
        [('Sum', None), ('Module', 'Linear')]
    """
    wanted = {classes} if isinstance(classes, str) else (
        set(classes) if isinstance(classes, (list, tuple, set, frozenset)) else {classes})
    if not wanted or not all(isinstance(c, str) for c in wanted):
        raise TypeError(f"viz: collapse takes module class names such as 'Linear', got {classes!r}")
    known = module_classes()

    def key(scope: tuple) -> tuple | None:
        for k, qual in enumerate(scope):
            if module_of(qual, known) in wanted:
                return tuple(scope[:k + 1])
        return None
    return _fold(graph, key, known, by_name=True)


def _fold(graph: Graph, key_of: Any, classes: dict, by_name: bool = False) -> Graph:
    """Fold the ops whose scope ``key_of`` maps to a key into one Module node per call.

    Two calls of one module (a pooling layer used twice) share a scope; they are
    told apart as the separate connected pieces of that scope's ops.
    """
    with no_gc():
        groups: dict = {}
        member: dict = {}
        call = _calls(graph, key_of)
        for op in graph.ops:
            key = key_of(op.scope) if op.scope else None
            if not key:
                continue
            grp = groups.get((key, call(op.id)))
            if grp is None:
                grp = groups[(key, call(op.id))] = Op(op.id, "Module", None, key, chain=[], args={
                    "module": key[-1], "kinds": Counter(), "params": 0, "names": [],
                    "klass": module_of(key[-1], classes) if by_name else classes.get(key[-1])})
                grp.built_in_backward = True
            assert grp.chain is not None
            grp.chain.append(op.cls)
            grp.args["kinds"][op.cls] += 1
            grp.built_in_backward = grp.built_in_backward and op.built_in_backward
            member[op.id] = grp
        if not groups:
            return graph
        _fold_vars(graph, member, {grp.id: grp for grp in groups.values()})
        g = _rebuild(graph, member)
    for grp in groups.values():
        grp.args["in"] = [np.shape(e.value) for e in g.edges if e.dst == grp.id
                          and e.value is not None]
        grp.args["out"] = [np.shape(e.value) for e in g.edges if e.src == grp.id
                           and e.value is not None][:1]
    n_ops = sum(len(grp.chain or ()) for grp in groups.values())
    g.notes.append(f"{len(groups):,} module calls drawn as single nodes ({n_ops:,} ops inside)")
    return g


def _calls(graph: Graph, key_of: Any) -> Any:
    """Union-find over edges inside one scope key: ``call(node id)`` names its piece."""
    key = {n.id: key_of(n.scope) for n in graph.ops if n.scope}
    key.update({v.id: key_of(v.scope) for v in graph.vars if v.kind == "inter" and v.scope})
    parent: dict = {}

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:  # path compression
            parent[x], x = root, parent[x]
        return root
    for e in graph.edges:
        k = key.get(e.src)
        if k and k == key.get(e.dst):
            a, b = find(e.src), find(e.dst)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return find


def _fold_vars(graph: Graph, member: dict, by_id: dict) -> None:
    """Put a module's parameters, scalar constants and inner values into its node."""
    ends: dict = {}
    for e in graph.edges:
        ends.setdefault(e.src, set()).add(member[e.dst].id if e.dst in member else e.dst)
        ends.setdefault(e.dst, set()).add(member[e.src].id if e.src in member else e.src)
    for v in graph.vars:
        touching = ends.get(v.id, set())
        if v.kind == "root" or len(touching) != 1:
            continue
        grp = by_id.get(next(iter(touching)))
        small_const = v.kind == "const" and (v.value is None or np.size(v.value) == 1)
        if grp is not None and (v.kind in ("leaf", "inter") or small_const):
            member[v.id] = grp
            if v.kind == "leaf":
                grp.args["params"] += 1
                if v.name:
                    grp.args["names"].append(v.name)


def _elide(graph: Graph, max_nodes: int) -> Graph:
    """Keep the ``max_nodes`` nodes nearest the roots (walking back along edges)."""
    in_e: dict = {}
    for i, e in enumerate(graph.edges):
        in_e.setdefault(e.dst, []).append(i)
    roots = [v.id for v in graph.vars if v.kind == "root"] or [graph.ops[0].id]
    keep: dict = {}
    queue = deque(roots)
    for r in roots:
        keep[r] = True
    limit = max(max_nodes - 1, len(roots))
    while queue and len(keep) < limit:
        nid = queue.popleft()
        for i in in_e.get(nid, ()):
            src = graph.edges[i].src
            if src not in keep and len(keep) < limit:
                keep[src] = True
                queue.append(src)
    gone_ops = [op for op in graph.ops if op.id not in keep]
    gone_vars = [v for v in graph.vars if v.id not in keep]
    if not gone_ops and not gone_vars:
        return graph
    counts = Counter(op.cls for op in gone_ops)
    counts.update({"variable": len(gone_vars)} if gone_vars else {})
    what = ", ".join(f"{k} {c:,}" for k, c in counts.most_common(5))
    n_gone = len(gone_ops) + len(gone_vars)
    stub = Var("elided", "elided", f"… {n_gone:,} more nodes", None)
    g = replace(graph, vars=[v for v in graph.vars if v.id in keep] + [stub],
                ops=[op for op in graph.ops if op.id in keep], edges=[], edge_grad={},
                notes=list(graph.notes) + [f"elided {n_gone:,} nodes ({what}); "
                                           f"raise max_nodes to draw more"])
    stub_edges: dict = {}
    for i, e in enumerate(graph.edges):
        if e.dst not in keep:
            continue
        if e.src in keep:
            if i in graph.edge_grad:
                g.edge_grad[len(g.edges)] = graph.edge_grad[i]
            g.edges.append(e)
        elif e.dst not in stub_edges:
            stub_edges[e.dst] = Edge("elided", e.dst, e.value, e.pos, e.out, e.name)
            if i in graph.edge_grad:
                g.edge_grad[len(g.edges)] = graph.edge_grad[i]
            g.edges.append(stub_edges[e.dst])
    g.order = [i for i in graph.order if i in keep]
    return g
