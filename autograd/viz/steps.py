"""The backward pass as a film: one frame per node, in the engine's real order.

Also the picture of a failed backward under ``detect_anomaly``.
"""
from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..tensor import Tensor
from .dot import dot_source, run_dot, write_atomic
from .graph import Graph, snapshot, with_grads
from .labels import fmt_value, op_symbol
from .record import record_backward
from .render import render


@dataclass(repr=False)
class Frame:
    """One step of backward: the node the engine ran and the picture after it ran.

    Attributes:
        index: 0-based step number; ``total`` the number of steps.
        op: the op's symbol (``"×"``); ``op_class`` its class name (``"Mul"``).
        node_id: the op's id in the drawing (highlighted in the frame).
        caption: what happened at this step, in words and numbers.
        source: the frame's DOT text (:meth:`svg` renders it).
        graph: the drawing model with the gradients known after this step.
    """

    index: int
    total: int
    op: str
    op_class: str
    node_id: str
    caption: str
    source: str
    graph: Graph

    def svg(self) -> str:
        """The frame as SVG text (needs Graphviz's ``dot``)."""
        return run_dot(self.source, "svg").decode("utf-8")

    def __repr__(self) -> str:
        return f"Frame({self.index + 1}/{self.total}: {self.caption!r})"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        bundle = {"text/plain": repr(self)}
        try:
            bundle["image/svg+xml"] = self.svg()
        except Exception:  # no `dot` program: the caption still says what happened
            pass
        return bundle


def backward_steps(root: Tensor, gradient: Any = None, retain_graph: bool = False,
                   intermediates: bool = False, params: dict | None = None,
                   **opts: Any) -> list[Frame]:
    """Run ``root.backward()`` and return one :class:`Frame` per node the engine processed.

    Each frame highlights the node being run, thickens the gradients it just
    sent back, and shows, where a value feeds several paths, the contributions
    added so far (``2.2 + 1.1 = 3.3``). Leaves' ``.grad`` accumulate as after
    a plain backward.

    Args:
        root: the output to backpropagate from.
        gradient, retain_graph: as ``Tensor.backward``.
        intermediates: draw every intermediate value as its own node.
        params: name -> tensor, to name unnamed leaves (``dict(model.named_parameters())``).
        **opts: drawing options of :func:`~autograd.viz.to_dot` (``fmt``, ``derivatives``, ...).

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor(2.0, requires_grad=True, name="x")
        >>> y = ag.tensor(3.0, requires_grad=True, name="y")
        >>> t = x + y
        >>> frames = backward_steps(t * t)
        >>> [f.op for f in frames]
        ['×', '+']
        >>> print(frames[-1].caption)
        Step 2 of 2: + (Add) gets gradient 10 and sends 10 to x, 10 to y. Its output feeds
        2 paths, so its gradient is the sum 5 + 5 = 10.
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"backward_steps: expected a Tensor, got {type(root).__name__}")
    if root.grad_fn is None:
        raise ValueError("backward_steps: the tensor has no graph (it is a leaf); "
                         "build it from tensors with requires_grad=True")
    opts["max_nodes"] = None  # every frame draws the whole graph, in one layout
    fmt = opts.get("fmt", ".4g")
    graph = snapshot(root, intermediates, params)
    record, order = record_backward(root, gradient, retain_graph)
    by_fn = {op.fn: op for op in graph.ops}
    names = {v.id: v.name for v in graph.vars}
    for op in graph.ops:
        made = " ".join(fmt_value(op.outs.get(0), fmt, 1)) if op.outs else ""
        names[op.id] = f"the {op_symbol(op.cls, op.args)} node" + (
            f" that made {made}" if made else "")
    final = with_grads(graph, record, order).edge_grad
    frames = []
    for i, fn in enumerate(order):
        part = {n: record[n] for n in order[:i + 1]}
        g = with_grads(graph, part, order[:i + 1])
        op = by_fn.get(fn)
        if op is None:  # a node outside the drawing (cannot happen for a snapshot of root)
            continue
        fresh = [(e.src, e.dst) for e in graph.edges if e.dst == op.id]
        caption = _caption(g, op, record[fn], i, len(order), names, fmt)
        src = dot_source(g, active=op.id, fresh=fresh, title=caption, placeholders=final,
                         **opts)
        frames.append(Frame(i, len(order), op_symbol(op.cls, op.args), op.cls, op.id, caption,
                            src, g))
    return frames


def _caption(g: Graph, op: Any, rec: tuple, i: int, n: int, names: dict, fmt: str) -> str:
    outs, ins = rec
    labels = {v.id: "a constant" for v in g.vars if v.kind == "const"}

    def short(a: Any) -> str:
        return " ".join(fmt_value(a, fmt, 4))
    got = ", ".join(short(x) for x in outs if x is not None) or "nothing"
    sends = []
    for e_idx, e in enumerate(g.edges):
        if e.dst == op.id and e.pos is not None and e_idx in g.edge_grad:
            who = names.get(e.src) or labels.get(e.src) or f"input {e.pos}"
            sends.append(f"{short(g.edge_grad[e_idx])} to {who}")
    text = (f"Step {i + 1} of {n}: {op_symbol(op.cls, op.args)} ({op.cls}) gets gradient "
            f"{got} and sends {', '.join(sends) if sends else 'nothing'}.")
    for e in g.edges:  # the value this op made, when it fed several paths
        if e.src == op.id and e.dst in g.var_parts:
            parts = g.var_parts[e.dst]
            text += (f" Its output feeds {len(parts)} paths, so its gradient is the sum "
                     + " + ".join(short(p) for p in parts) + f" = {short(g.var_grad[e.dst])}.")
    for e_idx, e in enumerate(g.edges):  # a leaf used several times: its sum so far
        if e.dst == op.id and e_idx in g.edge_grad and e.src in g.var_parts and names.get(e.src):
            parts = g.var_parts[e.src]
            total = g.var_grad[e.src]
            text += (f" {names[e.src]} has {len(parts)} contributions so far: "
                     + " + ".join(short(p) for p in parts) + f" = {short(total)}.")
            break
    return text


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #222; }}
#cap {{ font-size: 1.05em; min-height: 2.6em; }}
button {{ font-size: 1em; padding: .3em 1em; margin-right: .4em; }}
img {{ max-width: 100%; border: 1px solid #ddd; margin-top: .8em; }}
</style></head>
<body>
<h2>{title}</h2>
<div><button id="prev">&larr; previous</button><button id="next">next &rarr;</button>
<span id="count"></span></div>
<p id="cap"></p>
<img id="frame" alt="backward step">
<script>
const frames = {frames};
let i = 0;
function show(k) {{
  i = Math.max(0, Math.min(frames.length - 1, k));
  document.getElementById("frame").src = frames[i].file;
  document.getElementById("cap").textContent = frames[i].caption;
  document.getElementById("count").textContent = (i + 1) + " / " + frames.length;
  document.getElementById("prev").disabled = i === 0;
  document.getElementById("next").disabled = i === frames.length - 1;
}}
document.getElementById("prev").onclick = () => show(i - 1);
document.getElementById("next").onclick = () => show(i + 1);
document.addEventListener("keydown", (e) => {{
  if (e.key === "ArrowLeft") show(i - 1);
  if (e.key === "ArrowRight") show(i + 1);
}});
show(0);
</script>
</body></html>
"""


def render_steps(root: Tensor, directory: str | os.PathLike, title: str = "Backward, step by step",
                 **opts: Any) -> Path:
    """Write the frames of :func:`backward_steps` as numbered SVGs plus an ``index.html``.

    The page has previous/next buttons (and the arrow keys) to walk through
    backward. Needs Graphviz's ``dot``. Returns the path of ``index.html``.
    """
    frames = backward_steps(root, **opts)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    width = max(3, len(str(len(frames))))
    listing = []
    for f in frames:
        name = f"step_{f.index + 1:0{width}d}.svg"
        write_atomic(out / name, run_dot(f.source, "svg"))
        listing.append({"file": name, "caption": f.caption})
    data = json.dumps(listing, ensure_ascii=False).replace("<", "\\u003c")
    page = _PAGE.format(title=html.escape(title), frames=data)
    index = out / "index.html"
    write_atomic(index, page.encode("utf-8"))
    return index


def render_anomaly(err: BaseException, path: str | os.PathLike, root: Any = None,
                   **opts: Any) -> Path:
    """Draw the graph of a backward that failed under ``detect_anomaly``, the culprit in red.

    Args:
        err: the error raised by backward inside ``ag.detect_anomaly()`` (it carries ``.node``).
        path: where to write (extension picks the format, as :func:`~autograd.viz.render`).
        root: the tensor backward was called on; without it the graph is drawn
            from the failing op down to the leaves. When the error came from
            ``viz.trace`` (or ``backward=True``), the drawing also shows every
            gradient computed before the failure, the first NaN/inf among them.
    """
    node = getattr(err, "node", None)
    if node is None:
        raise ValueError("render_anomaly: this error carries no graph node; run the backward "
                         "inside `with ag.detect_anomaly():` so a NaN/inf error names its op")
    graph = getattr(err, "graph", None)  # set when backward ran inside viz.trace
    if graph is not None and (root is None or root is graph):
        return render(graph, path, highlight=node, **opts)
    return render(root if root is not None else node, path, highlight=node, **opts)
