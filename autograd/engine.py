"""Reverse-mode backward: iterative topological order, one pass, linear time.

Nodes are :class:`autograd.function.Function` instances (the ``ctx`` of an
op). The engine never recurses, so a chain of 100,000 ops backpropagates; it
sums the gradient of a broadcast input back to the input's shape (the one
place that does so), checks every gradient's shape against its input, and
frees saved buffers once a node has run unless ``retain_graph`` is set.
"""
from __future__ import annotations

import gc
from typing import Any, Iterable, Sequence

import numpy as np

from .mode import STATE

_ARRAYISH = (np.ndarray, np.generic, float, int)


def count_consumers(roots: Iterable[Any]) -> dict:
    """For every node reachable from ``roots``: how many graph edges consume its outputs."""
    deps: dict = {}
    stack = []
    for r in roots:
        if r not in deps:
            deps[r] = 0
            stack.append(r)
    while stack:
        for _, t in stack.pop()._grad_input_slots:
            p = t.grad_fn
            if p is None:
                continue
            if p in deps:
                deps[p] += 1
            else:
                deps[p] = 1
                stack.append(p)
    return deps


def topological_order(roots: Iterable[Any]) -> list:
    """Nodes reachable from ``roots`` in the exact order backward processes them.

    Kahn's algorithm over consumer counts with a LIFO ready list: a node runs
    once every node consuming its outputs has run. O(nodes + edges), no
    recursion, so a 100,000-op chain is fine.
    """
    roots = list(dict.fromkeys(r for r in roots if r is not None))
    deps = count_consumers(roots)
    ready = [r for r in roots if deps[r] == 0]
    order = []
    while ready:
        node = ready.pop()
        order.append(node)
        for _, t in node._grad_input_slots:
            p = t.grad_fn
            if p is not None:
                deps[p] -= 1
                if deps[p] == 0:
                    ready.append(p)
    return order


def sum_to_shape(grad: Any, shape: tuple, node: Any, index: int) -> Any:
    """Sum a broadcast gradient back to ``shape`` (the input's), or raise.

    Only ops that broadcast their inputs (``Function.broadcasts``) get the sum;
    any other shape mismatch is a bug in that op's backward and is reported.
    """
    gshape = grad.shape
    if node.broadcasts and len(gshape) >= len(shape):
        lead = len(gshape) - len(shape)
        ok = all(s == 1 or s == g for s, g in zip(shape, gshape[lead:]))
        if ok:
            axes = tuple(range(lead)) + tuple(
                lead + i for i, s in enumerate(shape) if s == 1 and gshape[lead + i] != 1
            )
            if not axes:
                return grad.reshape(shape)
            return grad.sum(axes).reshape(shape)
    raise RuntimeError(
        f"{type(node).__name__}.backward returned {tuple(gshape)} for input {index} "
        f"of shape {tuple(shape)}"
    )


def _check_anomaly(node: Any, grad: Any, index: int, shape: tuple) -> None:
    arr = grad.data
    if arr.dtype.kind in "fc" and not np.isfinite(arr).all():
        what = "nan" if np.isnan(arr).any() else "inf"
        where = node._trace or "  (creation site not recorded: the op ran outside detect_anomaly)"
        err = RuntimeError(
            f"{type(node).__name__}.backward produced {what} in its gradient for input "
            f"{index} of shape {tuple(shape)}\nThe op was created at:\n{where}"
        )
        err.node = node  # type: ignore[attr-defined]  # lets the drawing mark the failing op
        raise err


def _own(grad: Any, handed: set) -> Any:
    """A gradient a leaf may keep: copy it if its buffer is shared with another."""
    arr = grad.data
    if arr.base is not None or id(arr) in handed:
        return type(grad)._make(arr.copy())
    handed.add(id(arr))
    return grad


def run_backward(
    roots: Sequence[Any],
    grads: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[Any] | None = None,
    allow_unused: bool = False,
) -> list | None:
    """Backpropagate ``grads`` from ``roots``.

    With ``inputs=None`` gradients accumulate into the ``.grad`` of leaves
    (``Tensor.backward``); otherwise they are returned for ``inputs`` and no
    ``.grad`` is touched (``autograd.grad``).
    """
    pending: dict = {}  # node -> list of output gradients
    handed: set = set(id(g.data) for g in grads)
    captured: dict | None = None
    wanted_nonleaf: dict = {}
    if inputs is not None:
        captured = {id(t): None for t in inputs}
        for t in inputs:
            if t.grad_fn is not None:
                wanted_nonleaf.setdefault(t.grad_fn, []).append(t)

    root_nodes = []
    for t, g in zip(roots, grads):
        if t.grad_fn is None:
            _deliver_leaf(t, g, captured, handed, create_graph)
        else:
            _add_pending(pending, t.grad_fn, t._out_idx, g)
            root_nodes.append(t.grad_fn)

    prev_mode = STATE.grad_enabled
    anomaly = STATE.anomaly
    observer = STATE.backward_observer
    root_nodes = list(dict.fromkeys(root_nodes))
    deps = count_consumers(root_nodes)
    ready = [r for r in root_nodes if deps[r] == 0]
    # the same walk as topological_order(), fused with the gradient pass. The
    # collector is paused: backward makes no reference cycles, and full scans of
    # a large live graph would otherwise cost more than the pass itself.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    STATE.grad_enabled = create_graph
    prev_recording = STATE.recording_backward
    STATE.recording_backward = create_graph
    try:
        while ready:
            node = ready.pop()
            out_grads = pending.pop(node, None)
            if out_grads is None:  # nothing flowed here; still release its inputs
                for _, inp in node._grad_input_slots:
                    p = inp.grad_fn
                    if p is not None:
                        deps[p] -= 1
                        if deps[p] == 0:
                            ready.append(p)
                continue
            if node._out_meta is not None:
                _fill_missing(node, out_grads)
            if node._hooks is not None:
                _run_output_hooks(node, out_grads)
            if node._retain is not None:
                for i, ref in node._retain.items():
                    t = ref()
                    if t is not None and out_grads[i] is not None:
                        t.grad = out_grads[i] if t.grad is None else t.grad + out_grads[i]
            if node in wanted_nonleaf:
                for t in wanted_nonleaf[node]:
                    captured[id(t)] = out_grads[t._out_idx]  # type: ignore[index]

            if node._freed:
                _ = node.saved_tensors  # raises the retain_graph explanation
            in_grads = type(node).backward(node, *out_grads)
            if type(in_grads) is not tuple:
                in_grads = (in_grads,)
            if observer is not None:
                observer(node, out_grads, in_grads)
            if not retain_graph:
                node._free()

            n_in = len(in_grads)
            for i, inp in node._grad_input_slots:
                p = inp.grad_fn
                g = in_grads[i] if i < n_in else None
                if g is not None:
                    if isinstance(g, _ARRAYISH):  # backward may return arrays
                        g = node._tensor_cls._make(np.asarray(g))
                    if g.data.shape != inp.data.shape:
                        g = sum_to_shape(g, inp.data.shape, node, i)
                    if anomaly:
                        _check_anomaly(node, g, i, inp.data.shape)
                    if p is None:
                        _deliver_leaf(inp, g, captured, handed, create_graph)
                    else:
                        _add_pending(pending, p, inp._out_idx, g)
                if p is not None:
                    deps[p] -= 1
                    if deps[p] == 0:
                        ready.append(p)
    finally:
        STATE.grad_enabled = prev_mode
        STATE.recording_backward = prev_recording
        if gc_was_enabled:
            gc.enable()

    if captured is None:
        return None
    result = [captured[id(t)] for t in inputs]  # type: ignore[union-attr]
    if not allow_unused:
        for k, (t, g) in enumerate(zip(inputs, result)):  # type: ignore[arg-type]
            if g is None:
                raise RuntimeError(
                    f"grad: input {k} of shape {tuple(t.shape)} was not used to compute the "
                    "outputs (or does not require grad); pass allow_unused=True to get None"
                )
    return result


def _add_pending(pending: dict, node: Any, idx: int, g: Any) -> None:
    """Accumulate ``g`` as the gradient of output ``idx`` of ``node``."""
    slot = pending.get(node)
    if slot is None:
        slot = pending[node] = [None] * node._n_out
    slot[idx] = g if slot[idx] is None else slot[idx] + g


def _fill_missing(node: Any, out_grads: list) -> None:
    for i, (shape, dtype) in enumerate(node._out_meta):
        if out_grads[i] is None:
            out_grads[i] = node._tensor_cls._make(np.zeros(shape, dtype))


def _run_output_hooks(node: Any, out_grads: list) -> None:
    for i, hooks in node._hooks.items():
        if out_grads[i] is None:
            continue
        for hook in hooks:
            new = hook(out_grads[i])
            if new is not None:
                out_grads[i] = new


def _deliver_leaf(t: Any, g: Any, captured: dict | None, handed: set, create_graph: bool) -> None:
    if t._hooks:
        for hook in t._hooks:
            new = hook(g)
            if new is not None:
                g = new
    if captured is not None:
        key = id(t)
        if key in captured:
            captured[key] = g if captured[key] is None else captured[key] + g
        return
    if not t.requires_grad:
        return
    if g.data.dtype != t.data.dtype:
        g = g.to(t.data.dtype)
    if t.grad is None:
        t.grad = g if create_graph else _own(g, handed)
    else:
        # out of place: the old .grad buffer may be held by the user
        t.grad = t.grad + g
