"""Graph drawing: the textbook computational graph, drawn from a real run.

The textbook picture in two lines (values forward, gradients backward on every edge)::

    price = apple * num * tax
    ag.viz.render(price, "apple_tax.svg", backward=True)   # runs price.backward() too

Without ``backward=True`` the drawing shows the forward values and the
gradients already in the leaves' ``.grad``. :func:`trace` keeps a traced graph
to draw several ways; :func:`backward_steps` and :func:`render_steps` show the
backward pass one node at a time; :func:`render_anomaly` draws the op where a
NaN/inf first appeared under ``detect_anomaly``; :func:`watch_backward` marks
what a ``create_graph=True`` backward built. Big graphs: ``cluster_modules``
boxes each ``nn.Module`` call, ``collapse_modules`` draws each as one node,
and past ``max_nodes`` chains collapse and the rest is elided (with a note).
Models: parameters are named as in ``model.named_parameters()`` (pass
``params=model``, or let the model note itself with :func:`note_model`), each
summarised once on its node; ``collapse="Linear"`` draws each Linear call as one
box with its in/out shapes; ``render``/``to_svg`` keep pictures within
``max_width`` (1,600 px) by going top to bottom, then folding module calls.
:func:`grad_flow` draws mean |grad| per layer (vanishing vs exploding).
DOT and Mermaid text need no Graphviz; SVG/PNG/PDF need its ``dot`` program.

Example:
    >>> import autograd as ag
    >>> apple = ag.tensor(100.0, requires_grad=True, name="apple")
    >>> num = ag.tensor(2.0, requires_grad=True, name="apple_num")
    >>> tax = ag.tensor(1.1, requires_grad=True, name="tax")
    >>> src = to_dot(apple * num * tax, backward=True).source
    >>> all(f"label=<{s}>" in src for s in ("220", "2.2", "110", "200"))
    True
"""
from .. import hooks as _hooks
from .dot import GraphvizNotFoundError, dot_source, run_dot, to_dot
from .flow import GradFlow, grad_flow
from .graph import Graph, snapshot
from .labels import fmt_value, local_derivative, op_symbol
from .mermaid import to_mermaid
from .names import note_model
from .record import trace, watch_backward
from .render import render, to_svg
from .steps import Frame, backward_steps, render_anomaly, render_steps

__all__ = [
    "to_dot", "dot_source", "render", "to_svg", "to_mermaid", "run_dot", "trace", "snapshot",
    "Graph", "backward_steps", "render_steps", "render_anomaly", "Frame",
    "GraphvizNotFoundError", "fmt_value", "op_symbol", "local_derivative", "watch_backward",
    "note_model", "grad_flow", "GradFlow",
]


def _jupyter_svg(t: object) -> dict:
    return {"image/svg+xml": to_svg(t)}


_hooks.DISPLAY.append(_jupyter_svg)  # a tensor with a graph displays as its picture in Jupyter
