"""The backward pass as a film: one frame per node, in the engine's real order.

Also the picture of a failed backward under ``detect_anomaly``.
"""
from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any, Callable

from ..engine import topological_order
from ..tensor import Tensor
from .dot import dot_source, run_dot, write_atomic
from .graph import Graph, snapshot, with_grads
from .labels import fmt_value, op_symbol
from .record import last_trace, record_backward
from .render import render


class Frame:
    """One step of backward: the node the engine ran and the picture after it ran.

    Attributes:
        index: 0-based step number; ``total`` the number of steps.
        op: the op's symbol (``"×"``); ``op_class`` its class name (``"Mul"``).
        node_id: the op's id in the drawing (highlighted in the frame).
        caption: what happened at this step, in words and numbers.
        source: the frame's DOT text (:meth:`svg` renders it); the caption is
            not drawn inside the picture (a page or notebook shows it once, above).
        graph: the drawing model with the gradients known after this step.

    ``caption``, ``source`` and ``graph`` are computed when first read, so
    making the frames of a long backward costs time linear in its length.
    """

    def __init__(self, index: int, total: int, op: str, op_class: str, node_id: str,
                 make: Callable[[], tuple]) -> None:
        self.index, self.total, self.op, self.op_class, self.node_id = (
            index, total, op, op_class, node_id)
        self._make = make
        self._made: tuple | None = None

    def _get(self) -> tuple:
        if self._made is None:
            self._made = self._make()
        return self._made

    @property
    def caption(self) -> str:
        return self._get()[0]

    @property
    def source(self) -> str:
        return self._get()[1]

    @property
    def graph(self) -> Graph:
        return self._get()[2]

    def svg(self) -> str:
        """The frame as SVG text (needs Graphviz's ``dot``)."""
        return run_dot(self.source, "svg").decode("utf-8")

    def __repr__(self) -> str:
        return f"Frame({self.index + 1}/{self.total}: {self.caption!r})"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        bundle = {"text/plain": repr(self)}
        try:
            svg = self.svg()
        except Exception:  # no `dot` program: the caption still says what happened
            return bundle
        bundle["image/svg+xml"] = svg
        bundle["text/html"] = f"<p>{html.escape(self.caption)}</p>{svg}"
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
    known = last_trace(root)  # a backward viz.trace already ran: draw that run
    if known is not None and gradient is None:
        graph, record, order = known
    else:
        graph = snapshot(root, intermediates, params)
        record, order = record_backward(root, gradient, retain_graph)
    by_fn = {op.fn: op for op in graph.ops}
    names = {v.id: v.name for v in graph.vars}
    for op in graph.ops:
        made = " ".join(fmt_value(op.outs.get(0), fmt, 1)) if op.outs else ""
        names[op.id] = f"the {op_symbol(op.cls, op.args)} node" + (
            f" that made {made}" if made else "")
    final = with_grads(graph, record, order).edge_grad
    into: dict = {}
    for e in graph.edges:
        into.setdefault(e.dst, []).append((e.src, e.dst))
    frames = []
    for i, fn in enumerate(order):
        op = by_fn.get(fn)
        if op is None:  # a node outside the drawing (cannot happen for a snapshot of root)
            continue

        def make(i: int = i, fn: Any = fn, op: Any = op) -> tuple:
            part = {n: record[n] for n in order[:i + 1]}
            g = with_grads(graph, part, order[:i + 1])
            caption = _caption(g, op, record[fn], i, len(order), names, fmt)
            src = dot_source(g, active=op.id, fresh=into.get(op.id, ()), placeholders=final,
                             **opts)
            return caption, src, g
        frames.append(Frame(i, len(order), op_symbol(op.cls, op.args), op.cls, op.id, make))
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


#: frames of more than this many backward steps are refused (each frame draws the whole graph)
MAX_STEPS = 120
_FRAME = re.compile(r"step_\d+\.svg")
_GENERATOR = '<meta name="generator" content="scratchgrad render_steps">'

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
{generator}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #222; }}
#cap {{ font-size: 1.05em; min-height: 2.6em; }}
button {{ font-size: 1em; padding: .3em 1em; margin-right: .4em; }}
img {{ max-width: 100%; border: 1px solid #ddd; margin-top: .8em; }}
#frames li {{ margin-bottom: 2em; }}
</style></head>
<body>
<h2>{title}</h2>
<div id="player" hidden>
<div><button id="prev" type="button">&larr; previous</button>
<button id="next" type="button">next &rarr;</button>
<span id="count" aria-live="polite"></span>
<span style="color:#888">(arrow keys, Home, End)</span></div>
<p id="cap" aria-live="polite"></p>
<img id="frame" alt="">
</div>
<ol id="frames">
{items}
</ol>
<script>
(function () {{
  const items = Array.from(document.querySelectorAll("#frames > li"));
  const frames = items.map((li) => ({{
    file: li.querySelector("img").getAttribute("src"),
    caption: li.querySelector("figcaption").textContent}}));
  if (!frames.length) return;
  const $ = (id) => document.getElementById(id);
  document.getElementById("frames").hidden = true;
  $("player").hidden = false;
  let i = 0;
  function show(k) {{
    i = Math.max(0, Math.min(frames.length - 1, k));
    $("frame").src = frames[i].file;
    $("frame").alt = frames[i].caption;
    $("cap").textContent = frames[i].caption;
    $("count").textContent = (i + 1) + " / " + frames.length;
    $("prev").disabled = i === 0;
    $("next").disabled = i === frames.length - 1;
  }}
  $("prev").onclick = () => show(i - 1);
  $("next").onclick = () => show(i + 1);
  document.addEventListener("keydown", (e) => {{
    if (e.key === "ArrowLeft") show(i - 1);
    else if (e.key === "ArrowRight") show(i + 1);
    else if (e.key === "Home") show(0);
    else if (e.key === "End") show(frames.length - 1);
  }});
  show(0);
}})();
</script>
</body></html>
"""


def page_html(title: str, frames: list) -> str:
    """The player page: every frame listed with its caption; the script turns it into a player.

    Without JavaScript the page is that list of pictures and captions; with it,
    one frame at a time with previous/next buttons, the arrow keys, Home and End,
    and the caption shown once above the picture. Nothing is loaded from the network.
    """
    items = "\n".join(
        f'<li><figure><img src="{html.escape(name)}" alt="step {k + 1}" loading="lazy">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure></li>"
        for k, (name, caption) in enumerate(frames))
    return _PAGE.format(title=html.escape(title), items=items, generator=_GENERATOR)


class StepsPage(type(Path())):  # type: ignore[misc]
    """The path of ``index.html``; ``.frames`` lists the SVGs written, ``.removed`` the old ones."""

    frames: list
    removed: list


def _check_folder(out: Path) -> None:
    """Refuse a file, or a non-empty folder that render_steps did not write."""
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"render_steps: {str(out)!r} is a file, not a folder")
    if not out.exists():
        return
    entries = sorted(p.name for p in out.iterdir())
    index = out / "index.html"
    ours = index.is_file() and _GENERATOR in index.read_text("utf-8", errors="replace")[:2000]
    if entries and not ours:
        shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
        raise FileExistsError(
            f"render_steps: {str(out)!r} is not empty and was not written by render_steps "
            f"(it holds {shown}); give a new or empty folder")


def _clear_old(out: Path) -> list:
    """Remove the frames an earlier render_steps left in ``out``; return their paths."""
    if not out.is_dir():
        return []
    removed = sorted(p for p in out.iterdir() if _FRAME.fullmatch(p.name))
    for p in removed:
        p.unlink()
    return removed


def _count_steps(root: Any) -> int:
    """How many nodes backward from ``root`` runs (the frames render_steps would draw)."""
    known = last_trace(root) if isinstance(root, Tensor) else None
    if known is not None:
        return len(known[2])
    fn = getattr(root, "grad_fn", None)
    return len(topological_order([fn])) if fn is not None else 0


def render_steps(root: Tensor, directory: str | os.PathLike,
                 title: str = "Backward, step by step", max_steps: int | None = MAX_STEPS,
                 **opts: Any) -> Path:
    """Write the frames of :func:`backward_steps` as numbered SVGs plus an ``index.html``.

    The page has previous/next buttons (and the arrow keys) to walk through
    backward, and lists every frame when JavaScript is off. Frames left in
    ``directory`` by an earlier call are removed first; a non-empty folder that
    this function did not write is refused. Needs Graphviz's ``dot``.

    Args:
        root: the output to backpropagate from (after ``viz.render(root, ...,
            backward=True)`` or ``viz.trace(root)``, the backward that already ran).
        directory: the folder to write into (made if missing).
        title: the page's heading.
        max_steps: refuse graphs with more backward steps than this (each frame draws
            the whole graph, so time grows with the square of the size); None: no limit.
        **opts: as :func:`backward_steps`.

    Returns:
        the path of ``index.html``, with ``.frames`` (the SVG paths written, in
        order) and ``.removed`` (old frames deleted).
    """
    n_steps = _count_steps(root)
    if max_steps is not None and n_steps > max_steps:  # refused before backward runs
        raise ValueError(
            f"render_steps: this backward has {n_steps:,} steps, more than max_steps="
            f"{max_steps}; every frame draws the whole graph, so draw a subgraph instead: "
            "call render_steps on an intermediate tensor (one layer's output, computed from "
            "a detached input with requires_grad=True), or pass max_steps=None to wait")
    out = Path(directory)
    _check_folder(out)  # before backward runs, so a refusal leaves the graph usable
    frames = backward_steps(root, **opts)
    removed = _clear_old(out)
    out.mkdir(parents=True, exist_ok=True)
    width = max(3, len(str(len(frames))))
    written, listing = [], []
    for f in frames:
        name = f"step_{f.index + 1:0{width}d}.svg"
        write_atomic(out / name, run_dot(f.source, "svg"))
        written.append(out / name)
        listing.append((name, f.caption))
    index = StepsPage(out / "index.html")
    write_atomic(index, page_html(title, listing).encode("utf-8"))
    index.frames, index.removed = written, removed
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
