"""Layout choices made before Graphviz runs: the direction, and the label of a module box."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .graph import Graph, Op
from .labels import fmt_value, op_symbol

#: pixels per character at the edge-label font size, and between two ranks
_CHAR_PX = 6.5
_RANK_PX = 48
#: a left-to-right picture estimated wider than this is laid out top to bottom
WIDE_PX = 1600


def _text_px(lines: list) -> float:
    return max((len(s) for s in lines), default=0) * _CHAR_PX


def estimate_lr_width(g: Graph, fmt: str = ".4g", max_elems: int = 6) -> float:
    """A rough width in pixels of ``g`` drawn left to right (ranks by longest path).

    Example:
        >>> import autograd as ag
        >>> from autograd.viz.graph import snapshot
        >>> x = ag.tensor(2.0, requires_grad=True, name="x")
        >>> estimate_lr_width(snapshot(x * x)) < 400
        True
    """
    ins: dict = {}
    for e in g.edges:
        ins.setdefault(e.dst, []).append(e)
    node_px: dict = {}
    for v in g.vars:
        node_px[v.id] = _text_px([v.name or ""] + fmt_value(v.value, fmt, max_elems)) + 20
    for op in g.ops:
        node_px[op.id] = max(40.0, len(op_symbol(op.cls, op.args)) * 9.0 + 20)
    rank: dict = {}
    edge_px: dict = {}
    order = _topo(g, ins)
    for nid in order:
        r = 0
        for e in ins.get(nid, ()):
            r = max(r, rank.get(e.src, 0) + 1)
            w = _text_px(fmt_value(e.value, fmt, max_elems))
            edge_px[rank.get(e.src, 0)] = max(edge_px.get(rank.get(e.src, 0), 0.0), w)
        rank[nid] = r
    widths: dict = {}
    for nid, r in rank.items():
        widths[r] = max(widths.get(r, 0.0), node_px.get(nid, 40.0))
    return sum(widths.values()) + sum(edge_px.values()) + _RANK_PX * len(widths)


def _topo(g: Graph, ins: dict) -> list:
    """Node ids, every edge's source before its destination (iteratively, Kahn)."""
    ids = [v.id for v in g.vars] + [op.id for op in g.ops]
    n_in = {i: 0 for i in ids}
    outs: dict = {}
    for dst, es in ins.items():
        for e in es:
            n_in[dst] = n_in.get(dst, 0) + 1
            outs.setdefault(e.src, []).append(dst)
    ready = [i for i in ids if n_in.get(i, 0) == 0]
    order = []
    while ready:
        n = ready.pop()
        order.append(n)
        for d in outs.get(n, ()):
            n_in[d] -= 1
            if n_in[d] == 0:
                ready.append(d)
    return order


def auto_rankdir(g: Graph, fmt: str = ".4g", max_elems: int = 6) -> str:
    """``"LR"`` for pictures that fit across a page, ``"TB"`` for long ones."""
    return "TB" if estimate_lr_width(g, fmt, max_elems) > WIDE_PX else "LR"


def _shape(s: Any) -> str:
    return "(" + ", ".join(str(d) for d in s) + (",)" if len(s) == 1 else ")")


def module_label(op: Op, esc: Callable[[Any], str]) -> str:
    """The HTML label of a folded module call: its name, class, shapes and parameters."""
    a = op.args
    name = a["module"]
    n_par = a["params"]
    if a.get("klass"):
        short = name.split(".", 1)[1] if "." in name else name
        head = f"<b>{esc(short)}</b> · {esc(a['klass'])}" if short != a["klass"] \
            else f"<b>{esc(short)}</b>"
        rows = [head]
        if a.get("in") or a.get("out"):
            ins = ", ".join(_shape(s) for s in a.get("in", ()) if np.prod(s) > 1) or "·"
            outs = ", ".join(_shape(s) for s in a.get("out", ())) or "·"
            rows.append(f'<font point-size="10">{esc(ins)} → {esc(outs)}</font>')
        if a["names"]:
            names = a["names"][:4] + ([f"+{len(a['names']) - 4} more"]
                                      if len(a["names"]) > 4 else [])
            rows.append(f'<font point-size="9" color="#555555">{esc(", ".join(names))}'
                        "</font>")
        elif n_par:
            rows.append(f'<font point-size="9">{n_par} parameter{"s" if n_par != 1 else ""}'
                        "</font>")
        return "<br/>".join(rows)
    desc = ", ".join(f"{k} {c:,}" for k, c in a["kinds"].most_common(4))
    n_ops = len(op.chain or ())
    extra = f"<br/>{n_par} parameter{'s' if n_par != 1 else ''}" if n_par else ""
    return (f"<b>{esc(name)}</b><br/>"
            f'<font point-size="10">{n_ops:,} op{"" if n_ops == 1 else "s"}: {esc(desc)}'
            f"{extra}</font>")
