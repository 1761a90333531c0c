"""DOT text for the textbook picture, and rendering it with Graphviz's ``dot``.

Black arrows run forward with the value above them; after backward a red
arrow runs back along each of them with the gradient. DOT text needs no
Graphviz at all; ``render`` and ``to_svg`` run the ``dot`` program with an
argument list (never a shell).
"""
from __future__ import annotations

import html
import math
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from .graph import Graph, Op, Var
from .labels import fmt_sum, fmt_value, grad_magnitude, local_derivative, op_symbol
from .layout import auto_rankdir, module_label
from .prepare import SHOW, as_graph, check_options, clean_text, highlight_ids, prepare

__all__ = ["to_dot", "dot_source", "run_dot", "esc", "qesc", "as_graph", "SHOW",
           "GraphvizNotFoundError", "write_atomic", "find_dot"]

INK = "#222222"
GRAD = "#d62728"
DERIV = "#1f5fa8"
MUTED = "#8a8a8a"
INSTALL_HINT = (
    "Rendering needs the Graphviz program 'dot', which was not found on PATH. Install it:\n"
    "  Debian/Ubuntu:  sudo apt-get install graphviz\n"
    "  macOS:          brew install graphviz\n"
    "  conda:          conda install graphviz\n"
    "DOT text (to_dot(...).source) and to_mermaid(...) work without it."
)
FORMATS = ("svg", "png", "pdf", "jpg", "jpeg", "gif", "ps")


class GraphvizNotFoundError(RuntimeError):
    """Raised when rendering needs the ``dot`` program and it is not installed."""


def esc(text: Any) -> str:
    """Text made safe inside a DOT HTML label (also against quotes and braces in names).

    Example:
        >>> esc('"; rm -rf ~ <b>')
        '&quot;; rm -rf ~ &lt;b&gt;'
    """
    return html.escape(clean_text(text), quote=True).replace("\n", "<br/>")


def qesc(text: Any) -> str:
    """Text made safe inside a double-quoted DOT string (tooltips): no quote, no backslash.

    Example:
        >>> qesc('say "hi"')
        'say &quot;hi&quot;'
    """
    return html.escape(clean_text(text), quote=True).replace("\\", "&#92;").replace("\n", " ")


def dot_source(root: Any, *, show: str = "both", fmt: str = ".4g", max_elems: int = 6,
               derivatives: bool = False, grad_color: bool = False,
               cluster_modules: bool = False, cluster_depth: int = 2, highlight: Any = None,
               rankdir: str = "auto", max_nodes: int | None = 400, backward: bool = False,
               intermediates: bool = False, params: Any = None, legend: bool = True,
               title: str | None = None, collapse_modules: int | None = None,
               collapse: Any = None, active: str | None = None, fresh: Iterable[tuple] = (),
               placeholders: dict | None = None, scale_to: float | None = None) -> str:
    """The DOT text of the picture; :func:`to_dot` documents the options.

    ``active``, ``fresh`` and ``placeholders`` serve :func:`backward_steps`: the
    op being run, the edges it just sent gradients along, and the final
    gradients drawn invisibly where they are not known yet. ``scale_to`` (inches)
    shrinks the whole picture to that width (the size budget's last resort).
    """
    check_options(show, rankdir, max_nodes)
    g = prepare(root, backward=backward, intermediates=intermediates, params=params,
                collapse_modules=collapse_modules, collapse=collapse, max_nodes=max_nodes)
    if rankdir == "auto":
        rankdir = auto_rankdir(g, fmt, max_elems)
    marked = highlight_ids(g, highlight)
    o = _Opts(fmt, max_elems, show in ("both", "values"), show in ("both", "grads"),
              derivatives, grad_color, frozenset(fresh), placeholders)
    notes = list(g.notes)
    if marked:
        names = ", ".join(op.cls for op in g.ops if op.id in marked)
        notes.insert(0, f"red: the op whose backward produced the first NaN/inf ({names})")
    label = _graph_label(g, notes, title, legend and o.grads, grad_color, rankdir)
    graph_attr = (f'rankdir={rankdir} fontname="Helvetica" nodesep=0.3 ranksep=0.5 pad=0.25 '
                  'bgcolor="white" newrank=true')
    if label:
        graph_attr += f" label=<{label}> labelloc=b fontsize=11"
    if scale_to:
        graph_attr += f' size="{scale_to:.2f},1000"'
    lines = [f"\tgraph [{graph_attr}]\n", '\tnode [fontname="Helvetica" fontsize=12]\n',
             f'\tedge [fontname="Helvetica" fontsize=11 arrowsize=0.7 color="{INK}"]\n']
    node_lines: dict = {}
    for v in g.vars:
        node_lines[v.id] = _var_line(g, v, fmt, max_elems, o.grads)
    for op in g.ops:
        node_lines[op.id] = _op_line(op, op.id in marked, op.id == active)
    if cluster_modules:
        lines.extend(_clustered(g, node_lines, cluster_depth))
    else:
        lines.extend(node_lines[v.id] for v in g.vars)
        lines.extend(node_lines[op.id] for op in g.ops)
    lines.extend(_edge_lines(g, o))
    return "digraph scratchgrad {\n" + "".join(lines) + "}\n"


@dataclass(frozen=True)
class _Opts:
    """The drawing options the edges need."""

    fmt: str
    max_elems: int
    vals: bool
    grads: bool
    derivatives: bool
    grad_color: bool
    fresh: frozenset
    placeholders: dict | None


def _graph_label(g: Graph, notes: list, title: str | None, legend: bool, grad_color: bool,
                 rankdir: str) -> str:
    """The caption under the picture: title, legend, and what the drawing left out."""
    rows = []
    if title:
        rows.append(f'<font point-size="14"><b>{esc(title)}</b></font>')
    if legend and g.edge_grad:
        fwd, back = {"LR": ("→", "←"), "RL": ("←", "→"), "TB": ("↓", "↑"),
                     "BT": ("↑", "↓")}[rankdir]
        rows.append(f'<font color="{INK}">{fwd} forward value</font>    '
                    f'<font color="{GRAD}">{back} gradient of the output</font>')
        if grad_color:
            rows.append(
                f'<font color="{MUTED}">gradient arrows by mean |grad|: </font>'
                f'<font color="{_magnitude_style(1e-4)[0]}">≤ 1e−4 thin blue</font>'
                f'<font color="{MUTED}"> · </font>'
                f'<font color="{_magnitude_style(1.0)[0]}">1 red</font>'
                f'<font color="{MUTED}"> · </font>'
                f'<font color="{_magnitude_style(1e4)[0]}">≥ 1e4 thick purple</font>')
    rows.extend(f'<font color="{MUTED}">{esc(n)}</font>' for n in notes)
    return "<br/>".join(rows)


def _edge_lines(g: Graph, o: _Opts) -> list:
    """Each edge's forward arrow (its value) and backward arrow (its gradient)."""
    ops = {op.id: op for op in g.ops}
    big = {v.id for v in g.vars if _big_leaf(v, o.max_elems)}  # value and gradient on the node
    on_node = {v.id for v in g.vars if _value_on_node(v)} | big  # drawn once, on the node
    shaped = {v.id for v in g.vars if v.name and v.kind in ("leaf", "const")}
    lines = []
    for i, e in enumerate(g.edges):
        vlines = [] if e.src in on_node or e.dst in on_node else fmt_value(e.value, o.fmt,
                                                                            o.max_elems)
        if len(vlines) > 1 and e.src in shaped:  # the shape is on the named node already
            vlines = vlines[1:]
        value_txt = "<br/>".join(esc(s) for s in vlines)
        if e.count > 1:
            value_txt += ("<br/>" if value_txt else "") + f"(×{e.count:,})"
        deriv = None
        if o.derivatives and e.dst in ops and e.pos is not None:
            d = ops[e.dst]
            deriv = local_derivative(d.cls, e.pos, d.args, d.outs, o.fmt)
        hot = (e.src, e.dst) in o.fresh
        if o.vals:
            lab = f"label=<{value_txt}>" if value_txt else ""
            if deriv and not o.grads:
                lab = f'label=<{value_txt}<br/><font color="{DERIV}" point-size="9">' \
                      f"{esc(deriv)}</font>>"
            attrs = f"{lab}{' penwidth=2.2' if hot else ''}".strip()
            lines.append(f"\t{e.src} -> {e.dst}" + (f" [{attrs}]\n" if attrs else "\n"))
        gval = g.edge_grad.get(i)
        ghost = gval is None and o.placeholders is not None and i in o.placeholders
        if ghost and o.placeholders is not None:  # not known yet: keep its place in the layout
            gval = o.placeholders[i]
        if o.grads and gval is not None:
            lines.append(_grad_edge(e.src, e.dst, gval, deriv, o, hot, ghost, e.src in big))
        elif not o.vals:
            lines.append(f'\t{e.src} -> {e.dst} [color="{MUTED}" style=dotted]\n')
    return lines


def _grad_edge(src: str, dst: str, gval: Any, deriv: str | None, o: _Opts, hot: bool,
               ghost: bool, bare: bool) -> str:
    """The dashed arrow running back with a gradient (no label when its node shows it)."""
    color, width = GRAD, 1.0
    if o.grad_color:
        color, width = _magnitude_style(grad_magnitude(gval))
    style = "invis" if ghost else "dashed"
    if bare:
        return f'\t{src} -> {dst} [dir=back color="{color}" penwidth={width:.2f} style={style}]\n'
    glines = fmt_value(gval, o.fmt, o.max_elems)
    if len(glines) > 1:  # summarised: the shape is on the value arrow already
        glines = glines[1:]
    gtxt = "<br/>".join(esc(s) for s in glines)
    if deriv:
        gtxt += f'<br/><font color="{DERIV}" point-size="9">{esc(deriv)}</font>'
    width = max(width, 2.2) if hot else width
    return (f'\t{src} -> {dst} [label=<{gtxt}> dir=back color="{color}" fontcolor="{GRAD}" '
            f"penwidth={width:.2f} style={style}]\n")


def _big_leaf(v: Var, max_elems: int) -> bool:
    """A leaf too big to print (a model's parameter): its summary goes on its node."""
    return v.kind == "leaf" and v.value is not None and np.size(v.value) > max_elems


def _value_on_node(v: Var) -> bool:
    """A constant, or an unnamed leaf or shared value: its node shows the value itself."""
    return v.kind == "const" or (not v.name and v.kind in ("leaf", "inter"))


def _magnitude_style(mag: float) -> tuple[str, float]:
    """Blue for vanishing (|g| ≤ 1e-4), red around 1, purple for exploding (≥ 1e4)."""
    x = 0.0 if mag <= 0 else min(max((math.log10(mag) + 4) / 8, 0.0), 1.0)
    hue = 0.62 * (1 - 2 * x) if x <= 0.5 else 1.0 - 0.2 * (2 * x - 1)
    return f"{hue % 1.0:.3f} 0.85 0.80", 0.6 + 4.4 * x


def _var_line(g: Graph, v: Var, fmt: str, max_elems: int, grads: bool) -> str:
    rows = []
    shape_txt = None
    if v.value is not None and getattr(v.value, "ndim", 0) > 0:
        shape_txt = f"{tuple(v.value.shape)} {v.value.dtype}"
    if v.kind == "elided":
        return f'\t{v.id} [label=<{esc(v.name)}> shape=box style="rounded,dashed" ' \
               f'color="{MUTED}" fontcolor="{MUTED}"]\n'
    if v.name:
        rows.append(f"<b>{esc(v.name)}</b>")
        if shape_txt and v.kind in ("leaf", "const"):
            rows.append(f'<font point-size="9" color="{MUTED}">{esc(shape_txt)}</font>')
    if _big_leaf(v, max_elems):  # a parameter: its value and gradient once, on its node
        lines = fmt_value(v.value, fmt, max_elems)
        rows.extend(esc(s) for s in (lines[1:] if v.name else lines))
        total = g.var_grad.get(v.id)
        if grads and total is not None:
            rows.extend(f'<font color="{GRAD}">∇ {esc(s)}</font>'
                        for s in fmt_value(total, fmt, max_elems)[1:])
        return f"\t{v.id} [label=<{'<br/>'.join(rows)}> shape=plaintext]\n"
    if _value_on_node(v) or (v.kind == "root" and v.tensor is not None
                             and v.tensor.grad_fn is None):
        rows.extend(esc(s) for s in fmt_value(v.value, fmt, max_elems))
    if not rows:
        rows.append("<b>out</b>" if v.kind == "root" else "const")
    parts = g.var_parts.get(v.id)
    total = g.var_grad.get(v.id)
    if grads and total is not None and (parts or v.kind == "inter"):
        rows.extend(f'<font color="{GRAD}">{esc(s)}</font>'
                    for s in fmt_sum(parts, total, fmt, max_elems))
    label = "<br/>".join(rows)
    if v.kind == "inter":
        style = 'shape=box style="rounded" margin="0.08,0.04"'
    elif v.kind == "const":
        style = f'shape=plaintext fontcolor="{MUTED}"'
    else:
        style = "shape=plaintext"
    return f"\t{v.id} [label=<{label}> {style}]\n"


def _op_line(op: Op, marked: bool, active: bool) -> str:
    if op.cls == "Module":
        label = module_label(op, esc)
        fill = "#fff4e0" if op.built_in_backward else "#eef4fb"
        style = f'shape=box style="rounded,filled" fillcolor="{fill}" color="#4a6fa5"'
    elif op.chain is not None:
        kinds = op.args["kinds"]
        first, last = op.args["ends"]
        desc = ", ".join(f"{k} {c:,}" for k, c in kinds.most_common(3))
        extra = f"<br/>+ {op.args['folded']:,} constants" if op.args.get("folded") else ""
        label = (f"{esc(first)} → … → {esc(last)}<br/>"
                 f'<font point-size="10">{len(op.chain):,} ops: {esc(desc)}{extra}</font>')
        style = 'shape=box style="rounded,filled" fillcolor="#f2f2f2"'
    else:
        sym = op_symbol(op.cls, op.args)
        label = esc(sym)
        if len(sym) <= 2:
            shape, styles = "shape=circle width=0.5 fixedsize=true fontsize=17", ["filled"]
        elif len(sym) <= 4:
            shape, styles = "shape=circle width=0.62 fixedsize=true fontsize=13", ["filled"]
        else:
            shape, styles = "shape=box fontsize=13", ["rounded", "filled"]
        fill = "#ffffff"
        if op.built_in_backward:  # made by a backward pass run with create_graph=True
            styles.append("dashed")
            fill = "#fff4e0"
        color, width, font = INK, 1.2, INK
        if marked:
            color, fill, width, font = GRAD, "#ffd9d9", 2.5, GRAD
        elif active:
            color, fill, width = "#e6a100", "#fff3b0", 2.5
        style = (f'{shape} style="{",".join(styles)}" fillcolor="{fill}" color="{color}" '
                 f'fontcolor="{font}" penwidth={width}')
    if op.cls != op_symbol(op.cls, op.args) and op.chain is None:
        style += f' tooltip="{qesc(op.cls)}"'
    return f"\t{op.id} [label=<{label}> {style}]\n"


def _clustered(g: Graph, node_lines: dict, depth: int) -> list:
    """Node statements grouped into nested ``cluster`` subgraphs by module path."""
    if depth < 1:
        raise ValueError(f"viz: cluster_depth must be at least 1, got {depth}")
    members: dict = {(): []}
    children: dict = {(): []}
    for n in list(g.vars) + list(g.ops):
        scope = tuple(n.scope or ())[:depth]
        for k in range(1, len(scope) + 1):
            pre = scope[:k]
            if pre not in members:
                members[pre] = []
                children[pre] = []
                children[scope[:k - 1]].append(pre)
        members[scope].append(node_lines[n.id])
    out: list = []
    n_clusters = 0
    stack: list = [((), 1, False)]
    while stack:  # iterative, depth-first; a closing marker ends each subgraph
        pre, level, closing = stack.pop()
        ind = "\t" * level
        if closing:
            out.append("\t" * (level - 1) + "}\n")
            continue
        if pre:
            name = pre[-1]
            out.append(f"{ind[:-1]}subgraph cluster_{n_clusters} {{\n")
            n_clusters += 1
            out.append(f'{ind}graph [label=<{esc(name)}> style="rounded,dashed" '
                       f'color="#7a7a7a" fontcolor="#555555" fontsize=11 labeljust=l]\n')
            stack.append((pre, level, True))
        out.extend(ind + line.lstrip("\t") for line in members[pre])
        for child in reversed(children[pre]):
            stack.append((child, level + 1, False))
    return out


# ------------------------------------------------------------------ public API
def to_dot(root: Any, **opts: Any) -> Any:
    """The textbook computational graph of ``root`` as a ``graphviz.Digraph``.

    Args:
        root: the output Tensor (or a sequence of them, a recorded node such as
            ``err.node``, or a :class:`~autograd.viz.graph.Graph` from ``trace``).
        backward: run ``root.backward()`` first and draw the gradient on every edge
            (without it, gradients already in leaves' ``.grad`` are drawn).
        show: ``"both"`` (default), ``"values"`` or ``"grads"``.
        fmt: format spec for numbers (default ``".4g"``: 110.00000000000001 shows as 110).
        max_elems: arrays with more elements show shape, dtype, mean, min and max.
        derivatives: write each local derivative with numbers substituted.
        grad_color: colour and thicken gradient arrows by mean |grad|.
        cluster_modules: box the ops of each ``nn.Module`` call, ``cluster_depth`` levels deep.
        collapse_modules: draw each module call (its path cut at this depth) as one node.
        highlight: a node (or an error with ``.node``) to draw in red.
        max_nodes: past this many nodes, collapse chains and elide (None: draw all).
        intermediates: draw every intermediate value as its own node.
        params: name -> tensor (``dict(model.named_parameters())``) to name unnamed leaves.
        rankdir: ``"LR"`` (default) or ``"TB"``, ...; title: a caption.

    Returns:
        a ``graphviz.Digraph`` (``.source`` is the DOT text; no binary needed).

    Example:
        >>> import autograd as ag
        >>> a = ag.tensor(100.0, requires_grad=True, name="apple")
        >>> n = ag.tensor(2.0, requires_grad=True, name="apple_num")
        >>> src = to_dot(a * n, backward=True).source
        >>> "apple_num" in src and "label=<200>" in src and "label=<2>" in src
        True
    """
    try:
        import graphviz
    except ImportError as e:  # pragma: no cover - graphviz is a declared dependency
        raise ImportError("to_dot needs the graphviz Python package: pip install graphviz "
                          "(dot_source(...) gives the same text without it)") from e
    src = dot_source(root, **opts)
    body = src.split("\n")[1:-2]
    dg = graphviz.Digraph("scratchgrad")
    dg.body = [line + "\n" for line in body]
    return dg


def find_dot() -> str:
    """The path of Graphviz's ``dot`` program, or raise :class:`GraphvizNotFoundError`."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizNotFoundError(INSTALL_HINT)
    return exe


def run_dot(source: str, fmt: str = "svg") -> bytes:
    """Lay out DOT text with ``dot -T<fmt>`` (an argument list, no shell) and return the bytes."""
    if fmt not in FORMATS + ("plain",):
        raise ValueError(f"viz: cannot render format {fmt!r}; use one of {FORMATS}")
    exe = find_dot()
    try:
        proc = subprocess.run([exe, f"-T{fmt}"], input=source.encode("utf-8"),
                              capture_output=True, timeout=300, check=False)
    except FileNotFoundError:
        raise GraphvizNotFoundError(INSTALL_HINT) from None
    if proc.returncode != 0:
        raise RuntimeError(f"dot failed (exit {proc.returncode}): "
                           f"{proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout


def _mode_for(path: Path) -> int:
    """A replaced file keeps its mode; a new one gets the umask's (mkstemp would give 0600)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a crash leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
