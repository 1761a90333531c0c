"""The step both renderers share: from what the user passed to the Graph that is drawn.

DOT and Mermaid output both start here: a Tensor (traced when ``backward``),
a recorded node or a :class:`Graph` becomes a Graph; module calls are folded
when asked; big graphs shrink; parameter names are filled in; and every text
that will reach a renderer can be made printable by :func:`clean_text`.
"""
from __future__ import annotations

import re
from typing import Any

from ..tensor import Tensor
from .graph import Graph, snapshot, with_grads
from .record import trace
from .shrink import collapse_classes, shrink
from .shrink import collapse_modules as fold_modules

SHOW = ("both", "values", "grads")
RANKDIRS = ("LR", "RL", "TB", "BT", "auto")
# C0/C1 controls except newline, lone surrogates, and Unicode noncharacters (U+FDD0-FDEF and
# the last two code points of every plane): Graphviz refuses them, UTF-8 cannot encode surrogates
_BAD = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                  + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}"
                            for p in range(17)) + "]")


def clean_text(text: Any) -> str:
    """Any Python value as printable text: controls dropped, unencodable characters as U+FFFD.

    Example:
        >>> clean_text("a\\ud800b\\uffff\\x00c\\r\\nd")
        'a\\ufffdb\\ufffdc\\nd'
    """
    s = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _BAD.sub(lambda m: "" if m.group() < "\x7f" or "\x80" <= m.group() <= "\x9f"
                    else "\ufffd", s)


def check_options(show: str, rankdir: str, max_nodes: int | None) -> None:
    """Refuse drawing options that are not one of the known values."""
    if show not in SHOW:
        raise ValueError(f"viz: show must be one of {SHOW}, got {show!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"viz: rankdir must be LR, RL, TB, BT or auto, got {rankdir!r}")
    if max_nodes is not None and max_nodes < 2:
        raise ValueError(f"viz: max_nodes must be at least 2 (or None), got {max_nodes}")


def as_graph(root: Any, backward: bool = False, intermediates: bool = False,
             params: Any = None) -> Graph:
    """A :class:`Graph` from a Tensor (traced when ``backward``), a node, or a Graph.

    ``params`` is a name -> tensor dict or anything with ``named_parameters()``
    (a model); without it, names come from the models that built the graph.
    """
    if isinstance(root, Graph):
        return root
    if backward:
        if not isinstance(root, Tensor):
            raise TypeError("backward=True needs a Tensor to call backward() on")
        return trace(root, intermediates=intermediates, params=params)
    return with_grads(snapshot(root, intermediates, params), None)


def prepare(root: Any, *, backward: bool = False, intermediates: bool = False,
            params: Any = None, collapse_modules: int | None = None,
            collapse: Any = None, max_nodes: int | None = 400) -> Graph:
    """The Graph a renderer draws: built, folded by module, shrunk to ``max_nodes``.

    Args:
        root: a Tensor, a sequence of them, a recorded node, or a Graph.
        backward, intermediates, params: as :func:`~autograd.viz.to_dot`.
        collapse_modules: draw each module call, its path cut at this depth, as one node.
        collapse: a module class name (or several) whose calls draw as one box.
        max_nodes: past this many nodes, collapse chains and elide (None: keep all).

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor(2.0, requires_grad=True, name="x")
        >>> g = prepare(x * x, backward=True)
        >>> g.traced, [op.cls for op in g.ops]
        (True, ['Mul'])
    """
    g = as_graph(root, backward, intermediates, params)
    if collapse is not None:
        g = collapse_classes(g, collapse)
    if collapse_modules is not None:
        g = fold_modules(g, collapse_modules)
    return shrink(g, max_nodes)


def highlight_ids(g: Graph, highlight: Any) -> set:
    """Ids of the drawn ops named by ``highlight`` (ids, nodes, or errors carrying ``.node``)."""
    if highlight is None:
        return set()
    items = highlight if isinstance(highlight, (list, tuple, set)) else [highlight]
    ids = set()
    for h in items:
        if isinstance(h, str):
            ids.add(h)
            continue
        h = getattr(h, "node", h)  # an anomaly error carries the failing node
        op = g.op_of(h)
        if op is not None:
            ids.add(op.id)
    return ids
