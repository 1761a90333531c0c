"""Run backward while watching it: every node's gradients, in the engine's order.

:func:`trace` is the usual entry point: it snapshots the graph, runs backward
with an observer (see ``nodes.observing``) and returns a
:class:`~autograd.viz.graph.Graph` whose every edge carries its gradient.
Which nodes a ``create_graph=True`` backward built is recorded by the engine
itself (:func:`watch_backward` stays, for older code, as a block that does nothing).

A small traced graph is remembered with its root (while the root lives), so
drawing the steps of a backward that ``trace`` already ran shows that run
instead of failing with "backward through the graph a second time".
"""
from __future__ import annotations

import weakref
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import numpy as np

from ..tensor import Tensor
from .graph import Graph, snapshot, with_grads
from .nodes import observing

#: root -> (forward snapshot, record, order) of the last trace that freed its graph
_TRACED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: traces at most this big (ops, gradient elements) are remembered for render_steps
_REMEMBER_OPS = 500
_REMEMBER_ELEMS = 1_000_000


def last_trace(root: Tensor) -> tuple | None:
    """``(graph, record, order)`` of the backward ``trace`` ran from ``root``, if remembered."""
    return _TRACED.get(root)


def record_backward(root: Tensor, gradient: Any = None, retain_graph: bool = False,
                    create_graph: bool = False) -> tuple[dict, list]:
    """Run ``root.backward(...)`` and keep what every node received and produced.

    Returns:
        ``(record, order)``: node -> ``(out_grads, in_grads)`` as numpy arrays
        (None where absent), and the nodes in the order the engine ran them.
    """
    record: dict = {}
    order: list = []

    def observe(node: Any, out_grads: Sequence[Any], in_grads: Sequence[Any]) -> None:
        order.append(node)
        record[node] = ([None if x is None else x.array for x in out_grads],
                        [None if x is None else x.array for x in in_grads])

    try:
        with observing(observe):
            root.backward(gradient, retain_graph=retain_graph, create_graph=create_graph)
    except RuntimeError as err:
        if getattr(err, "node", None) is not None:  # detect_anomaly: keep what ran so far
            err.record = (record, order)  # type: ignore[attr-defined]
        raise
    return record, order


@contextmanager
def watch_backward() -> Iterator[None]:
    """Kept for code written against earlier versions: drawings now always show the nodes a
    ``create_graph=True`` backward made (the engine marks them as it records them), dashed on
    an orange fill, so a gradient penalty or a Hessian-vector product shows which part of
    its graph came from differentiating.

    Example:
        >>> import autograd as ag
        >>> from autograd import viz
        >>> x = ag.tensor(2.0, requires_grad=True)
        >>> with viz.watch_backward():
        ...     (gx,) = ag.grad(x ** 3, [x], create_graph=True)
        >>> [op.built_in_backward for op in viz.snapshot(gx).ops]
        [True, True]
    """
    yield


def trace(root: Tensor, gradient: Any = None, retain_graph: bool = False,
          create_graph: bool = False, intermediates: bool = False,
          params: Any = None) -> Graph:
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
    if not retain_graph and _small(record, order):
        _TRACED[root] = (graph, record, order)
    return with_grads(graph, record, order)


def _small(record: dict, order: list) -> bool:
    if len(order) > _REMEMBER_OPS:
        return False
    elems = sum(np.size(a) for outs, ins in record.values() for a in outs + ins if a is not None)
    return elems <= _REMEMBER_ELEMS
