"""Run backward while watching it: every node's gradients, in the engine's order.

:func:`trace` is the usual entry point: it snapshots the graph, runs backward
with an observer (``autograd.mode.STATE.backward_observer``) and returns a
:class:`~autograd.viz.graph.Graph` whose every edge carries its gradient.
:func:`watch_backward` remembers which nodes a ``create_graph=True`` backward
built, so drawings can set them apart.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from ..engine import topological_order
from ..mode import STATE
from ..tensor import Tensor
from .graph import GRAD_BUILT, Graph, snapshot, with_grads


def record_backward(root: Tensor, gradient: Any = None, retain_graph: bool = False,
                    create_graph: bool = False) -> tuple[dict, list]:
    """Run ``root.backward(...)`` and keep what every node received and produced.

    Returns:
        ``(record, order)``: node -> ``(out_grads, in_grads)`` as numpy arrays
        (None where absent), and the nodes in the order the engine ran them.
    """
    record: dict = {}
    order: list = []
    made: list = []
    prev = STATE.backward_observer

    def observe(node: Any, out_grads: Sequence[Any], in_grads: Sequence[Any]) -> None:
        order.append(node)
        record[node] = ([None if x is None else x.data for x in out_grads],
                        [None if x is None else x.data for x in in_grads])
        if create_graph:
            for grads in (out_grads, in_grads):
                made.extend(x for x in grads if x is not None and x.grad_fn is not None)
        if prev is not None:
            prev(node, out_grads, in_grads)

    forward = set(topological_order([root.grad_fn])) if create_graph else set()
    STATE.backward_observer = observe
    try:
        root.backward(gradient, retain_graph=retain_graph, create_graph=create_graph)
    except RuntimeError as err:
        if getattr(err, "node", None) is not None:  # detect_anomaly: keep what ran so far
            err.record = (record, order)  # type: ignore[attr-defined]
        raise
    finally:
        STATE.backward_observer = prev
    if made:
        leaves = [t for fn in order for _, t in fn._grad_input_slots
                  if t.grad_fn is None and t.grad is not None and t.grad.grad_fn is not None]
        _mark_built(made + [t.grad for t in leaves], forward)  # with the sums into leaves
    return record, order


@contextmanager
def watch_backward() -> Iterator[None]:
    """Remember the nodes that backward passes with ``create_graph=True`` make in this block.

    Drawings then show those gradient-built nodes dashed on an orange fill, so
    a gradient penalty or a Hessian-vector product shows which part of its
    graph came from differentiating (``trace(..., create_graph=True)`` does
    this by itself).

    Example:
        >>> import autograd as ag
        >>> from autograd import viz
        >>> x = ag.tensor(2.0, requires_grad=True)
        >>> with viz.watch_backward():
        ...     (gx,) = ag.grad(x ** 3, [x], create_graph=True)
        >>> [op.built_in_backward for op in viz.snapshot(gx).ops]
        [True, True]
    """
    made: list = []
    seen: list = []
    prev = STATE.backward_observer

    def observe(node: Any, out_grads: Sequence[Any], in_grads: Sequence[Any]) -> None:
        seen.append(node)
        for grads in (out_grads, in_grads):  # out_grads: sums of several contributions
            made.extend(x for x in grads if x is not None and x.grad_fn is not None)
        if prev is not None:
            prev(node, out_grads, in_grads)

    STATE.backward_observer = observe
    try:
        yield
    finally:
        STATE.backward_observer = prev
        if made:
            _mark_built(made, set(topological_order(seen)))


def _mark_built(made: list, forward: set) -> None:
    """Remember nodes made by a create_graph backward: gradient ancestors not in forward."""
    stack = [t.grad_fn for t in made]
    while stack:
        fn = stack.pop()
        if fn is None or fn in forward or fn in GRAD_BUILT:
            continue
        GRAD_BUILT.add(fn)
        stack.extend(t.grad_fn for _, t in fn._grad_input_slots)


def trace(root: Tensor, gradient: Any = None, retain_graph: bool = False,
          create_graph: bool = False, intermediates: bool = False,
          params: dict | None = None) -> Graph:
    """Snapshot the graph behind ``root``, run backward, and keep every edge's gradient.

    This calls ``root.backward(gradient, ...)``, so leaves' ``.grad`` accumulate
    exactly as after a plain backward. If backward fails under ``detect_anomaly``,
    the error carries ``.graph``, the drawing with the gradients computed up to
    the failing op (:func:`~autograd.viz.render_anomaly` draws it).

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor(3.0, requires_grad=True, name="x")
        >>> g = trace(x * x)
        >>> [float(g.var_grad[v.id]) for v in g.vars]   # d(out)/d(out), d(out)/dx
        [1.0, 6.0]
        >>> x.grad.item()
        6.0
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"trace: expected a Tensor, got {type(root).__name__}")
    graph = snapshot(root, intermediates, params)
    if root.grad_fn is None:
        root.backward(gradient)
        return with_grads(graph, None)
    try:
        record, order = record_backward(root, gradient, retain_graph, create_graph)
    except RuntimeError as err:
        if hasattr(err, "record"):  # render_anomaly draws the gradients up to the failure
            err.graph = with_grads(graph, *err.record)  # type: ignore[attr-defined]
        raise
    return with_grads(graph, record, order)
