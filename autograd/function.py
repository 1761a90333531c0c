"""``Function``: one differentiable op, its forward and backward side by side.

A subclass writes ``forward(ctx, *arrays, **kwargs)`` on numpy arrays and
``backward(ctx, *grads)`` with Tensor ops, so recording the backward pass
(``create_graph=True``) gives higher-order derivatives of every op, custom
ones included. The ``ctx`` is the graph node itself.
"""
from __future__ import annotations

import os
import traceback
import weakref
from typing import Any

import numpy as np

from .mode import STATE
from .tensor import Tensor

_OUT = object()  # marks a saved output in ctx._saved
_ENGINE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class Function:
    """Base class of every op; subclass it to write a custom op.

    Example:
        >>> import autograd as ag
        >>> class Cube(ag.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x ** 3
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return grad * 3 * x ** 2
        >>> x = ag.tensor(2.0, requires_grad=True)
        >>> Cube.apply(x).backward()
        >>> x.grad.item()
        12.0
    """

    #: set True on ops whose forward broadcasts its inputs; the engine then sums
    #: each input's gradient back to that input's shape.
    broadcasts = False

    # The fields every recorded node sets live in slots, so an op that stores
    # nothing else on ctx never allocates an instance dict (one object fewer
    # per op for the garbage collector to track). The rarer ones below are
    # class defaults, shadowed in the instance dict when set.
    __slots__ = ("_grad_input_slots", "_inputs", "_n_args", "_saved", "__dict__",
                 "__weakref__")
    _grad_input_slots: list
    _inputs: tuple
    _n_args: int
    _n_out: int = 1
    _out_meta: list | None = None
    _hooks: dict | None = None
    _retain: dict | None = None
    _saved: list | None
    _outputs: list | None = None
    _freed: bool = False
    _trace: str | None = None
    _scope: tuple | None = None  # module call path, e.g. ("net", "net.0"), when inside nn
    _backward_built = False  # recorded during a create_graph backward
    _tensor_cls = Tensor

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        """Compute the op on numpy arrays; return an array or a tuple of arrays."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        """Given the gradient of each output (Tensors), return one per input (or None)."""
        raise NotImplementedError

    # ----------------------------------------------------------------- ctx API
    def save_for_backward(self, *items: Any) -> None:
        """Keep inputs or outputs (arrays from forward) for backward.

        An input array comes back from :attr:`saved_tensors` as that input
        Tensor, an output as the output Tensor; anything else as a constant.
        """
        self._saved = list(items)

    @property
    def saved_tensors(self) -> tuple:
        """The objects given to :meth:`save_for_backward`, as Tensors."""
        if self._freed:
            raise RuntimeError(
                f"Trying to backward through the graph a second time: {type(self).__name__}'s "
                "saved tensors were freed after the first backward. Pass retain_graph=True "
                "to the first backward() (or autograd.grad) if you need to backward twice."
            )
        if self._saved is None:
            return ()
        out = []
        for entry in self._saved:
            if type(entry) is tuple and entry and entry[0] is _OUT:
                out.append(self._saved_output(*entry[1:]))
            elif type(entry) is tuple:
                t, version = entry
                if t._vbox[0] != version:
                    raise RuntimeError(
                        "one of the variables needed for gradient computation has been modified "
                        f"by an in-place operation: {type(self).__name__} saved a tensor of shape "
                        f"{tuple(t.shape)} at version {version}; it is now at version "
                        f"{t._vbox[0]}. Use an out-of-place op (x = x * 2, not x *= 2) or clone() "
                        "the tensor before modifying it."
                    )
                out.append(t)
            else:
                out.append(entry)
        return tuple(out)

    @property
    def needs_input_grad(self) -> tuple:
        """For each input of apply(): does backward need to produce its gradient?"""
        flags = [False] * self._n_args
        for i, _ in self._grad_input_slots:
            flags[i] = True
        return tuple(flags)

    def mark_non_differentiable(self, *arrays: Any) -> None:
        """Accepted for PyTorch compatibility; integer outputs never require grad."""

    def _saved_output(self, idx: int, arr: np.ndarray, vbox: list, version: int) -> Tensor:
        if vbox[0] != version:
            raise RuntimeError(
                f"one of the variables needed for gradient computation has been modified by an "
                f"in-place operation: the output of {type(self).__name__} (shape "
                f"{arr.shape}) is at version {vbox[0]}, expected {version}"
            )
        ref = self._outputs[idx] if self._outputs is not None else None
        t = ref() if ref is not None else None
        if t is None or t.data is not arr:
            # the output Tensor is gone: rebuild one that still points at this node,
            # so double backward through it stays correct
            t = Tensor._make(arr, self, idx, True)
            t._vbox = vbox
        return t

    def _free(self) -> None:
        # Drop saved buffers and every attribute forward stored on ctx (engine fields
        # start with "_" and stay, so a second backward reaches this node and explains).
        d = self.__dict__
        user = [k for k in d if k[0] != "_"]
        if user or self._saved is not None:
            for k in user:
                del d[k]
            self._saved = None
            self._freed = True

    # ------------------------------------------------------------------- apply
    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run the op on Tensors (and plain values), recording it when grad is on."""
        # hot path: one pass over args, no comprehensions, Tensors built inline
        arrays = []
        slots = None
        for i, a in enumerate(args):
            if isinstance(a, Tensor):
                arrays.append(a.data)
                if a.requires_grad:
                    if slots is None:
                        slots = [(i, a)]
                    else:
                        slots.append((i, a))
            else:
                arrays.append(a)
        ctx = _new(cls)
        ctx._saved = None
        out = cls.forward(ctx, *arrays, **kwargs)
        if slots is None or not STATE.grad_enabled:
            if type(out) is tuple:
                return tuple(_plain(o) for o in out)
            return _plain(out)

        ctx._n_args = len(args)
        ctx._inputs = args  # every argument, constants included (graph drawings show them)
        ctx._grad_input_slots = slots
        if STATE.scope is not None:
            ctx._scope = STATE.scope
        if STATE.anomaly:
            ctx._trace = _creation_site()
        if STATE.recording_backward:
            ctx._backward_built = True  # made by a create_graph backward
        if type(out) is not tuple:
            o = out if type(out) is np.ndarray else np.asarray(out)
            result = _new(Tensor)
            result.data = o
            result.grad = None
            if o.dtype.kind in "fc":
                result.requires_grad = True
                result.grad_fn = ctx
            else:  # integer results (argmax-like) never carry gradients
                result.requires_grad = False
                result.grad_fn = None
            result._out_idx = 0
            result._vbox = [0]
            result.name = None
            result._hooks = None
            if ctx._saved is not None:
                ctx._resolve_saved(args, arrays, (out,), [o], [result])
            return result
        outs = [_arr(o) for o in out]
        results = []
        for i, o in enumerate(outs):
            diff = o.dtype.kind in "fc"
            results.append(Tensor._make(o, ctx if diff else None, i, diff))
        ctx._n_out = len(outs)
        ctx._out_meta = [(o.shape, o.dtype) for o in outs]
        if ctx._saved is not None:
            ctx._resolve_saved(args, arrays, out, outs, results)
        return tuple(results)

    def _resolve_saved(self, args: tuple, arrays: list, raw_outs: tuple, outs: list,
                       results: list) -> None:
        saved: list = []
        for item in self._saved:  # type: ignore[union-attr]
            if isinstance(item, Tensor):
                saved.append((item, item._vbox[0]))
                continue
            entry: Any = None
            for a, arr in zip(args, arrays):
                if arr is item and isinstance(a, Tensor):
                    entry = (a, a._vbox[0])
                    break
            if entry is None:
                for k, o in enumerate(outs):
                    # forward may return a numpy scalar for 0-d results; match either form
                    if o is item or raw_outs[k] is item:
                        if self._outputs is None:
                            self._outputs = [weakref.ref(r) for r in results]
                        entry = (_OUT, k, o, results[k]._vbox, 0)
                        break
            if entry is None:
                entry = Tensor._make(np.asarray(item)) if item is not None else None
            saved.append(entry)
        self._saved = saved


def _creation_site() -> str:
    """The last few stack frames outside the engine: where the user created the op."""
    frames = [f for f in traceback.extract_stack()[:-2] if not f.filename.startswith(_ENGINE_DIR)]
    return "".join(traceback.format_list(frames[-5:]))


def _arr(o: Any) -> np.ndarray:
    return o if type(o) is np.ndarray else np.asarray(o)


_new = object.__new__


def _plain(o: Any) -> Tensor:
    """An unrecorded result (Tensor._make inlined: this runs for every op under no_grad)."""
    t = _new(Tensor)
    t.data = o if type(o) is np.ndarray else np.asarray(o)
    t.grad = None
    t.requires_grad = False
    t.grad_fn = None
    t._out_idx = 0
    t._vbox = [0]
    t.name = None
    t._hooks = None
    return t


def share_version(view: Tensor, base: Tensor) -> Tensor:
    """Make ``view`` share ``base``'s version counter when it aliases its memory."""
    if view.data.base is not None:
        view._vbox = base._vbox
    return view
