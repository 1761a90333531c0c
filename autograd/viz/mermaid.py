"""Mermaid flowchart text of the graph, for notes written in Markdown."""
from __future__ import annotations

from typing import Any

import numpy as np

from .graph import Graph
from .labels import fmt_sum, fmt_value, local_derivative, op_symbol
from .prepare import check_options, clean_text, highlight_ids, prepare

_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:+-=_/()[]'@")


def mesc(text: Any) -> str:
    """Text made safe inside a quoted Mermaid label: everything unusual becomes ``#code;``.

    Example:
        >>> mesc('"; rm -rf ~')
        '#34;#59; rm -rf #126;'
    """
    out = []
    for ch in clean_text(text):
        if ch == "\n":
            out.append("<br/>")
        elif ch in _SAFE or (ord(ch) > 127 and ch.isprintable()):
            out.append(ch)
        elif ch.isprintable():
            out.append(f"#{ord(ch)};")
    return "".join(out)


def to_mermaid(root: Any, *, show: str = "both", fmt: str = ".4g", max_elems: int = 6,
               derivatives: bool = False, cluster_modules: bool = False,
               cluster_depth: int = 2, highlight: Any = None, rankdir: str = "LR",
               max_nodes: int | None = 400, backward: bool = False,
               intermediates: bool = False, params: Any = None,
               collapse_modules: int | None = None, collapse: Any = None, **_: Any) -> str:
    """The computational graph as Mermaid ``flowchart`` text (paste it into Markdown).

    Each edge is labelled with the forward value and, once known, ``← gradient``
    under it. Options as :func:`~autograd.viz.to_dot` (those that only make sense
    in DOT, such as ``grad_color``, are accepted and ignored).

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor(3.0, requires_grad=True, name="x")
        >>> y = ag.tensor(4.0, requires_grad=True, name="y")
        >>> print(to_mermaid(x * y, backward=True))
        flowchart LR
          n0["out"]
          n2["x"]
          n3["y"]
          n1(("×"))
          n2 -->|"3<br/>← 4"| n1
          n3 -->|"4<br/>← 3"| n1
          n1 -->|"12<br/>← 1"| n0
          classDef op fill:#fff,stroke:#222,stroke-width:1.5px
          classDef var fill:#fff,stroke:#fff
          class n1 op
          class n0,n2,n3 var
    """
    check_options(show, rankdir, max_nodes)
    if rankdir == "auto":
        rankdir = "LR"
    g: Graph = prepare(root, backward=backward, intermediates=intermediates, params=params,
                       collapse_modules=collapse_modules, collapse=collapse,
                       max_nodes=max_nodes)
    marked = highlight_ids(g, highlight)
    vals, grads = show in ("both", "values"), show in ("both", "grads")
    node_txt = _node_texts(g, grads, fmt, max_elems)
    lines = [f"flowchart {rankdir}"]
    if cluster_modules:
        lines.extend(_subgraphs(g, node_txt, cluster_depth))
    else:
        lines.extend(f"  {node_txt[n.id]}" for n in list(g.vars) + list(g.ops))
    lines.extend(_edge_texts(g, vals, grads, derivatives, fmt, max_elems))
    lines.extend(_class_lines(g, marked))
    for note in g.notes:  # escaped like a label: a name cannot end the comment line
        lines.append(f"  %% {mesc(note)}")
    return "\n".join(lines) + "\n"


def _big(v: Any, max_elems: int) -> bool:
    """A leaf too big to print (a parameter): value and gradient summarised on its node."""
    return v.kind == "leaf" and v.value is not None and np.size(v.value) > max_elems


def _node_texts(g: Graph, grads: bool, fmt: str, max_elems: int) -> dict:
    """Node id -> its Mermaid node statement."""
    node_txt: dict = {}
    for v in g.vars:
        rows = [v.name] if v.name else []
        total = g.var_grad.get(v.id)
        if _big(v, max_elems):
            rows += fmt_value(v.value, fmt, max_elems)
            if grads and total is not None:
                rows.append("← " + " ".join(fmt_value(total, fmt, max_elems)[1:]))
        elif v.kind == "const" or (not v.name and v.kind in ("leaf", "inter")):
            rows += fmt_value(v.value, fmt, max_elems)
        if not rows:
            rows = ["out"] if v.kind == "root" else ["const"]
        parts = g.var_parts.get(v.id)
        if grads and total is not None and (parts or v.kind == "inter"):
            rows.append("← " + " ".join(fmt_sum(parts, total, fmt, max_elems)))
        text = "<br/>".join(mesc(r) for r in rows)
        node_txt[v.id] = f'{v.id}["{text}"]' if v.kind != "inter" else f'{v.id}("{text}")'
    for op in g.ops:
        if op.cls == "Module":
            n = len(op.chain or ())
            head = op.args["module"] + (f" · {op.args['klass']}" if op.args.get("klass") else "")
            text = f"{mesc(head)}<br/>{n:,} op{'' if n == 1 else 's'}"
            node_txt[op.id] = f'{op.id}["{text}"]'
        elif op.chain is not None:
            first, last = op.args["ends"]
            text = f"{mesc(first)} → … → {mesc(last)}<br/>{len(op.chain):,} ops"
            node_txt[op.id] = f'{op.id}["{text}"]'
        else:
            node_txt[op.id] = f'{op.id}(("{mesc(op_symbol(op.cls, op.args))}"))'
    return node_txt


def _edge_texts(g: Graph, vals: bool, grads: bool, derivatives: bool, fmt: str,
                max_elems: int) -> list:
    """One Mermaid edge per graph edge: its value and, once known, ``← gradient``."""
    ops = {op.id: op for op in g.ops}
    big = {v.id for v in g.vars if _big(v, max_elems)}  # summarised on the node instead
    on_node = big | {v.id for v in g.vars if v.kind == "const" or (
        not v.name and v.kind in ("leaf", "inter"))}  # their value is on the node
    lines = []
    for i, e in enumerate(g.edges):
        rows = fmt_value(e.value, fmt, max_elems) if vals and e.src not in on_node \
            and e.dst not in on_node else []
        gval = g.edge_grad.get(i)
        if grads and gval is not None and e.src not in big:
            rows.append("← " + " ".join(fmt_value(gval, fmt, max_elems)))
        if derivatives and e.dst in ops and e.pos is not None:
            d = ops[e.dst]
            deriv = local_derivative(d.cls, e.pos, d.args, d.outs, fmt)
            if deriv:
                rows.append(deriv)
        label = "<br/>".join(mesc(r) for r in rows)
        arrow = "-->" if vals else "-.->"
        lines.append(f'  {e.src} {arrow}|"{label}"| {e.dst}' if label
                     else f"  {e.src} {arrow} {e.dst}")
    return lines


def _class_lines(g: Graph, marked: set) -> list:
    """Mermaid styles: ops in circles, variables plain, shared values boxed, the culprit red."""
    lines = ["  classDef op fill:#fff,stroke:#222,stroke-width:1.5px",
             "  classDef var fill:#fff,stroke:#fff"]
    plain_ops = [op.id for op in g.ops if op.id not in marked]
    if plain_ops:
        lines.append(f"  class {','.join(plain_ops)} op")
    plain_vars = [v.id for v in g.vars if v.kind != "inter"]
    if plain_vars:
        lines.append(f"  class {','.join(plain_vars)} var")
    inter = [v.id for v in g.vars if v.kind == "inter"]
    if inter:
        lines.append("  classDef inter fill:#fff,stroke:#222,stroke-width:1px")
        lines.append(f"  class {','.join(inter)} inter")
    if marked:
        lines.append("  classDef anomaly fill:#ffd9d9,stroke:#d62728,stroke-width:3px")
        lines.append(f"  class {','.join(sorted(marked))} anomaly")
    return lines


def _subgraphs(g: Graph, node_txt: dict, depth: int) -> list:
    """Node lines grouped into nested ``subgraph ... end`` blocks by module path."""
    if depth < 1:
        raise ValueError(f"viz: cluster_depth must be at least 1, got {depth}")
    members: dict = {(): []}
    children: dict = {(): []}
    for n in list(g.vars) + list(g.ops):
        scope = tuple(n.scope or ())[:depth]
        for k in range(1, len(scope) + 1):
            if scope[:k] not in members:
                members[scope[:k]] = []
                children[scope[:k]] = []
                children[scope[:k - 1]].append(scope[:k])
        members[scope].append(node_txt[n.id])
    out: list = []
    ids: dict = {}
    stack: list = [((), False)]
    while stack:
        pre, closing = stack.pop()
        ind = "  " * (len(pre) + 1)
        if closing:
            out.append("  " * len(pre) + "end")
            continue
        if pre:
            ids[pre] = f"cluster{len(ids)}"
            out.append(f'{"  " * len(pre)}subgraph {ids[pre]} ["{mesc(pre[-1])}"]')
            stack.append((pre, True))
        out.extend(ind + line for line in members[pre])
        stack.extend((c, False) for c in reversed(children[pre]))
    return out
