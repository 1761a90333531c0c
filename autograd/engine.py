"""Reverse-mode backward: iterative topological order, one pass, linear time.

Nodes are :class:`autograd.function.Function` instances (the ``ctx`` of an
op); a node's ``_edges`` name the node that made each input (or the leaf the
gradient accumulates into). The engine never recurses, so a chain of 100,000
ops backpropagates; it sums the gradient of a broadcast input back to the
input's shape (the one place that does so), checks every gradient's shape
against its input, and frees saved buffers once a node has run unless
``retain_graph`` is set.
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from ._quiet import QUIET as _QUIET
from ._quiet import RESET as _QUIET_RESET
from ._quiet import SET as _QUIET_SET
from .hooks import ACTIVE as _HOOKS
from .mode import STATE
from .registry import OPS

_ARRAYISH = (np.ndarray, np.generic, float, int)

#: ``id(leaf) -> (weakref to the leaf, [hook, ...])``: the hooks
#: ``Tensor.register_post_accumulate_grad_hook`` registered (empty, and free, when none)
POST_ACCUMULATE_HOOKS: dict = {}


# ------------------------------------------------------------------ order
def count_consumers(roots: Iterable[Any]) -> dict:
    """For every node reachable from ``roots``: how many graph edges consume its outputs."""
    deps: dict = {}
    stack = []
    for r in roots:
        if r not in deps:
            deps[r] = 0
            stack.append(r)
    while stack:
        for e in stack.pop()._edges:
            p = e[1]
            if p is None:
                continue
            if p in deps:
                deps[p] += 1
            else:
                deps[p] = 1
                stack.append(p)
    return deps


def iter_topological(roots: Iterable[Any]) -> Iterator[Any]:
    """Yield the nodes reachable from ``roots`` in the order backward runs them.

    Kahn's algorithm over consumer counts with a LIFO ready list: a node comes
    once every node consuming its outputs has come. O(nodes + edges), no
    recursion, so a 100,000-op chain is fine. A node's producers are released
    when the caller asks for the next node, so the caller may run it first.
    """
    roots = list(dict.fromkeys(r for r in roots if r is not None))
    deps = count_consumers(roots)
    ready = [r for r in roots if deps[r] == 0]
    while ready:
        node = ready.pop()
        yield node
        for e in node._edges:
            p = e[1]
            if p is not None:
                deps[p] -= 1
                if deps[p] == 0:
                    ready.append(p)


def topological_order(roots: Iterable[Any]) -> list:
    """Nodes reachable from ``roots`` in the exact order backward processes them."""
    return list(iter_topological(roots))


# ------------------------------------------------------------------ shapes
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
    arr = np.asarray(grad if not hasattr(grad, "grad_fn") else grad.array)
    if arr.dtype.kind in "fc" and not np.isfinite(arr).all():
        what = "nan" if np.isnan(arr).any() else "inf"
        where = node._trace or "  (creation site not recorded: the op ran outside detect_anomaly)"
        err = RuntimeError(
            f"{type(node).__name__}.backward produced {what} in its gradient for input "
            f"{index} of shape {tuple(shape)}\nThe op was created at:\n{where}"
        )
        err.node = node  # type: ignore[attr-defined]  # lets the drawing mark the failing op
        raise err


# ------------------------------------------------------------------ the pass
class _Pass:
    """One backward pass: where gradients go and what has been handed out."""

    __slots__ = ("pending", "handed", "captured", "wanted", "create_graph", "retain_graph",
                 "anomaly", "ran_hooks", "fast", "wrap", "post_hooked")

    def __init__(self, seeds: Sequence[Any], retain_graph: bool, create_graph: bool,
                 inputs: Sequence[Any] | None, tensor_cls: Any) -> None:
        self.wrap = tensor_cls._make  # the engine works on nodes and arrays; Tensors come in
        self.pending: dict = {}  # node -> list of output gradients
        self.handed: set = {id(g.array) for g in seeds}  # buffers a leaf must not keep
        self.captured: dict | None = None  # autograd.grad: id(input) -> gradient
        self.wanted: dict = {}             # autograd.grad: node -> its non-leaf inputs
        if inputs is not None:
            self.captured = {id(t): None for t in inputs}
            for t in inputs:
                if t.grad_fn is not None:
                    self.wanted.setdefault(t.grad_fn, []).append(t)
        self.create_graph = create_graph
        self.retain_graph = retain_graph
        self.anomaly = STATE.anomaly
        self.ran_hooks = _HOOKS.ran
        # without create_graph, ops that have backward_arrays run on plain numpy arrays:
        # no graph is recorded, so the per-op cost of Tensor dispatch buys nothing
        self.fast = not create_graph
        self.post_hooked: dict | None = None  # leaves with post-accumulate hooks, by id

    def add_pending(self, node: Any, idx: int, g: Any) -> None:
        """Accumulate ``g`` as the gradient of output ``idx`` of ``node``."""
        slot = self.pending.get(node)
        if slot is None:
            slot = self.pending[node] = [None] * len(node._outs)
        slot[idx] = g if slot[idx] is None else slot[idx] + g

    def run_node(self, node: Any) -> None:
        """Run one node's backward and pass each input's gradient on."""
        pending = self.pending
        out_grads = pending.pop(node, None)
        if out_grads is None:  # nothing flowed here
            return
        if len(out_grads) > 1 or node._hooks is not None or node._retain is not None:
            _prepare_out_grads(node, out_grads, self.tensor)
        if node in self.wanted:
            for t in self.wanted[node]:
                self.captured[id(t)] = out_grads[t._out_idx]  # type: ignore[index]
        if node._freed:
            _ = node.saved_tensors  # raises the retain_graph explanation
        cls = type(node)
        fast = self.fast and cls.backward_arrays is not None
        if fast:  # gradients as numpy arrays in and out
            in_grads = cls.backward_arrays(node, *[g.array if hasattr(g, "grad_fn") else g
                                                   for g in out_grads])
        else:
            in_grads = cls.backward(node, *[self.tensor(g) for g in out_grads])
        if type(in_grads) is not tuple:
            in_grads = (in_grads,)
        if self.ran_hooks:
            outs, ins = [self.tensor(g) for g in out_grads], [self.tensor(g) for g in in_grads]
            for hook in self.ran_hooks:
                hook(node, outs, ins)
        if not self.retain_graph:
            node._free()
        n_in = len(in_grads)
        for i, producer, key, shape, _ in node._edges:
            g = in_grads[i] if i < n_in else None
            if g is None:
                continue
            if not fast and isinstance(g, _ARRAYISH):  # backward may return arrays
                g = node._tensor_cls._make(np.asarray(g))
            if g.shape != shape:
                g = sum_to_shape(g, shape, node, i)
            if self.anomaly:
                _check_anomaly(node, g, i, shape)
            if producer is None:
                self.deliver_leaf(key, g)
                continue
            slot = pending.get(producer)  # add_pending, inlined on the hot path
            if slot is None:
                slot = pending[producer] = [None] * len(producer._outs)
            slot[key] = g if slot[key] is None else slot[key] + g

    def deliver_leaf(self, t: Any, g: Any) -> None:
        """Run a leaf's hooks, then accumulate into its ``.grad`` (or capture it)."""
        if t._hooks:
            g = _call_hooks(t._hooks, self.tensor(g), t)
        if self.captured is not None:
            key = id(t)
            if key in self.captured:
                prev = self.captured[key]
                self.captured[key] = g if prev is None else prev + g
            return
        if not t.requires_grad:
            return
        dtype = t.array.dtype
        owned = False
        if type(g) is np.ndarray or isinstance(g, np.generic):
            arr = np.asarray(g)
            g, owned = self.own_array(arr.astype(dtype) if arr.dtype != dtype else arr), True
        elif g.array.dtype != dtype:
            g = g.to(dtype)
        with _LEAF_LOCK:  # backward may run in several threads into one shared leaf
            if t.grad is None:
                t.grad = g if owned else self.own(g)
            else:
                # out of place: the old .grad buffer may be held by the user
                t.grad = t.grad + g
        if POST_ACCUMULATE_HOOKS and id(t) in POST_ACCUMULATE_HOOKS:
            if self.post_hooked is None:
                self.post_hooked = {}
            self.post_hooked[id(t)] = t  # its hooks run once its .grad is complete

    def own_array(self, arr: np.ndarray) -> Any:
        """A Tensor a leaf may keep for a gradient array: a copy when the array is shared."""
        if arr.base is not None or id(arr) in self.handed:
            arr = arr.copy()
        self.handed.add(id(arr))
        return self.wrap(arr)

    def tensor(self, g: Any) -> Any:
        """A gradient as a Tensor (the array path hands plain arrays around)."""
        if g is None or hasattr(g, "grad_fn"):
            return g
        return self.wrap(np.asarray(g))

    def own(self, g: Any) -> Any:
        """A gradient a leaf may keep: copied if its buffer is shared with another."""
        arr = g.array
        if arr.base is not None or id(arr) in self.handed:
            g = OPS.clone(g) if self.create_graph else type(g)._make(arr.copy())
        self.handed.add(id(g.array))
        return g


def _prepare_out_grads(node: Any, out_grads: list, tensor: Any) -> None:
    """Zeros for unused outputs of a multi-output op, then the outputs' hooks and retain_grad."""
    if len(out_grads) > 1:
        for i, (shape, dtype, _) in enumerate(node._outs):
            if out_grads[i] is None:
                out_grads[i] = node._tensor_cls._make(np.zeros(shape, dtype))
    if node._hooks is not None:
        for i, hooks in node._hooks.items():
            if out_grads[i] is not None:
                out_grads[i] = _call_hooks(hooks, tensor(out_grads[i]), None, node, i)
    if node._retain is not None:
        for i, ref in node._retain.items():
            t = ref()
            if t is not None and out_grads[i] is not None:
                g = tensor(out_grads[i])
                t.grad = g if t.grad is None else t.grad + g


def _call_hooks(hooks: list, g: Any, leaf: Any, node: Any = None, idx: int = 0) -> Any:
    """Run gradient hooks in order; a returned Tensor replaces the gradient.

    The list is copied first, so a hook that removes itself (or another)
    does not make the next one be skipped.
    """
    for hook in tuple(hooks):
        new = hook(g)
        if new is None:
            continue
        what = (f"the leaf tensor of shape {tuple(leaf.shape)}" if leaf is not None
                else f"output {idx} of {type(node).__name__}")
        name = getattr(hook, "__qualname__", repr(hook))
        if not (hasattr(new, "grad_fn") and hasattr(new, "array")):  # not a Tensor
            raise TypeError(f"hook {name} registered on {what} returned a "
                            f"{type(new).__name__}; a gradient hook must return a Tensor or None")
        if new.shape != g.shape:
            raise RuntimeError(f"hook {name} registered on {what} returned a gradient of shape "
                               f"{tuple(new.shape)}; expected {tuple(g.shape)}")
        g = new
    return g


# ------------------------------------------------------------------ entry point
_LEAF_LOCK = threading.Lock()
_GC_LOCK = threading.Lock()
_gc_pauses = [0, False]  # [backward passes running, was the collector enabled before them]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic collector while any thread runs backward.

    Backward makes no reference cycles, and full scans of a large live graph
    would otherwise cost more than the pass itself. Counted across threads,
    so the collector comes back on when the last concurrent pass ends.
    """
    with _GC_LOCK:
        if _gc_pauses[0] == 0:
            _gc_pauses[1] = gc.isenabled()
            gc.disable()
        _gc_pauses[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_pauses[0] -= 1
            if _gc_pauses[0] == 0 and _gc_pauses[1]:
                gc.enable()


def _mark_backward_built(node: Any) -> None:
    node._backward_built = True


@contextmanager
def _grad_mode_for(create_graph: bool) -> Iterator[None]:
    """Record backward's own ops only for create_graph, marking the nodes it builds."""
    prev_mode, prev_hooks = STATE.grad_enabled, _HOOKS.created
    STATE.grad_enabled = create_graph
    if create_graph:
        _HOOKS.created = prev_hooks + (_mark_backward_built,)
    try:
        yield
    finally:
        STATE.grad_enabled = prev_mode
        _HOOKS.created = prev_hooks


def run_backward(
    roots: Sequence[Any],
    grads: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[Any] | None = None,
    allow_unused: bool = False,
    tensor_cls: Any = None,
) -> list | None:
    """Backpropagate ``grads`` from ``roots``.

    With ``inputs=None`` gradients accumulate into the ``.grad`` of leaves
    (``Tensor.backward``); otherwise they are returned for ``inputs`` and no
    ``.grad`` is touched (``autograd.grad``).
    """
    run = _Pass(grads, retain_graph, create_graph, inputs,
                tensor_cls if tensor_cls is not None else type(grads[0]))
    root_nodes = []
    quiet = _QUIET_SET(_QUIET)  # inf and NaN gradients without numpy's warnings, as PyTorch
    try:
        with _collector_paused(), _grad_mode_for(create_graph):
            for t, g in zip(roots, grads):
                if t.grad_fn is None:
                    run.deliver_leaf(t, g)
                else:
                    run.add_pending(t.grad_fn, t._out_idx, g)
                    root_nodes.append(t.grad_fn)
            for node in iter_topological(root_nodes):
                run.run_node(node)
            for t in (run.post_hooked or {}).values():
                entry = POST_ACCUMULATE_HOOKS.get(id(t))
                for hook in tuple(entry[1]) if entry is not None and entry[0]() is t else ():
                    hook(t)
    finally:
        _QUIET_RESET(quiet)
    if run.captured is None:
        return None
    return _captured_grads(run.captured, inputs, allow_unused,  # type: ignore[arg-type]
                           run.tensor)


def _captured_grads(captured: dict, inputs: Sequence[Any], allow_unused: bool,
                    tensor: Any) -> list:
    result = [tensor(captured[id(t)]) for t in inputs]
    if not allow_unused:
        for k, (t, g) in enumerate(zip(inputs, result)):
            if g is None:
                raise RuntimeError(
                    f"grad: input {k} of shape {tuple(t.shape)} was not used to compute the "
                    "outputs (or does not require grad); pass allow_unused=True to get None"
                )
    return result
