"""Pictures in files and in Jupyter, kept within a width a reader takes in without zooming.

:func:`render` and :func:`to_svg` lay a drawing out with Graphviz and check its
width against a budget (1,600 px by default). A picture too wide is drawn
again top to bottom, then with each module call folded into one box (inner
modules first), and only as a last resort scaled down.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .dot import FORMATS, dot_source, run_dot, write_atomic
from .graph import register_display
from .layout import WIDE_PX
from .mermaid import to_mermaid
from .names import module_classes, module_of
from .prepare import as_graph

__all__ = ["render", "to_svg", "fit_source", "layout_size", "PX_PER_INCH"]

#: Graphviz draws PNGs at 96 dpi; browsers show SVG points at the same scale
PX_PER_INCH = 96


def layout_size(source: str) -> tuple[float, float]:
    """Width and height in pixels (96 per inch) of a DOT picture, from ``dot -Tplain``."""
    head = run_dot(source, "plain").split(b"\n", 1)[0].split()
    return float(head[2]) * PX_PER_INCH, float(head[3]) * PX_PER_INCH


def fit_source(root: Any, max_width: float | None = WIDE_PX, **opts: Any) -> str:
    """DOT text of ``root``'s picture no wider than ``max_width`` pixels (needs ``dot``).

    Tries, in order: the options as given; top to bottom; each layer (innermost
    module call) as one box; module calls folded by depth, outer ones last; and
    finally the last try scaled down.
    Backward runs at most once (``backward=True``).

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor(2.0, requires_grad=True, name="x")
        >>> layout_size(fit_source(x * x, 1600))[0] <= 1600
        True
    """
    if max_width is None:
        return dot_source(root, **opts)
    if max_width < 100:
        raise ValueError(f"viz: max_width must be at least 100 pixels (or None), got {max_width}")
    g = as_graph(root, opts.pop("backward", False), opts.pop("intermediates", False),
                 opts.pop("params", None))
    tries = [opts]
    if opts.get("rankdir", "auto") == "auto":
        tries.append({**opts, "rankdir": "TB"})
    folded = opts.get("collapse_modules") is not None or opts.get("collapse") is not None
    depth = max((len(op.scope) for op in g.ops if op.scope), default=0)
    if not folded:
        layers = _leaf_classes(g)
        if layers:
            tries.append({**tries[-1], "collapse": sorted(layers)})
        base = {k: v for k, v in tries[-1].items() if k != "collapse"}
        tries += [{**base, "collapse_modules": d} for d in range(depth, 0, -1)]
    for t in tries:
        src = dot_source(g, **t)
        if layout_size(src)[0] <= max_width:
            return src
    return dot_source(g, **tries[-1], scale_to=max_width / PX_PER_INCH)


def _leaf_classes(g: Any) -> set:
    """Class names of the innermost module calls in ``g`` (the layers: Linear, Conv2d, ...)."""
    scopes = {tuple(op.scope) for op in g.ops if op.scope}
    inner = {s for s in scopes if not any(len(t) > len(s) and t[:len(s)] == s for t in scopes)}
    known = module_classes()
    return {module_of(s[-1], known) for s in inner if len(s) > 1}


def to_svg(root: Any, max_width: float | None = WIDE_PX, **opts: Any) -> str:
    """The picture as SVG text (needs ``dot``); takes :func:`~autograd.viz.to_dot`'s options.

    ``max_width`` (pixels, default 1,600; None for no limit) is the size budget
    :func:`fit_source` keeps the picture within.
    """
    return run_dot(fit_source(root, max_width, **opts), "svg").decode("utf-8")


def render(root: Any, path: str | os.PathLike, max_width: float | None = WIDE_PX,
           **opts: Any) -> Path:
    """Draw ``root``'s graph to ``path``; the extension picks the format.

    ``.svg``, ``.png``, ``.pdf`` (and ``.jpg``, ``.gif``, ``.ps``) need ``dot``
    and stay within ``max_width`` pixels (see :func:`fit_source`); ``.dot``/``.gv``
    write DOT text and ``.mmd`` Mermaid text, which need nothing. Takes
    :func:`~autograd.viz.to_dot`'s options.

    Example (the textbook picture in two lines):
        >>> import autograd as ag, tempfile, os
        >>> x = ag.tensor(3.0, requires_grad=True, name="x")
        >>> p = render(x * x, os.path.join(tempfile.mkdtemp(), "sq.dot"), backward=True)
        >>> "label=<9>" in p.read_text()
        True
    """
    path = Path(path)
    ext = path.suffix.lower().lstrip(".")
    if ext in ("dot", "gv"):
        data = dot_source(root, **opts).encode("utf-8")
    elif ext in ("mmd", "mermaid"):
        data = to_mermaid(root, **opts).encode("utf-8")
    elif ext in FORMATS:
        data = run_dot(fit_source(root, max_width, **opts), ext)
    else:
        raise ValueError(f"viz.render: unknown extension {path.suffix!r} for {str(path)!r}; "
                         f"use .svg, .png, .pdf, .dot or .mmd")
    write_atomic(path, data)
    return path


register_display(to_svg)
