"""``Function``: one differentiable op, its forward and backward side by side.

A subclass writes ``forward(ctx, *arrays, **kwargs)`` on numpy arrays and
``backward(ctx, *grads)`` with Tensor ops, so recording the backward pass
(``create_graph=True``) gives higher-order derivatives of every op, custom
ones included. The ``ctx`` is the graph node itself.

What a node keeps (and so what a live output keeps alive):

- ``_edges``: one ``(position, producer, key, shape, name)`` per input that
  requires grad. ``producer`` is the node that made the input and ``key`` its
  output index; for a leaf, ``producer`` is None and ``key`` is the leaf Tensor
  (its gradient accumulates there). Input Tensors are not kept, so an
  intermediate array lives only as long as something else needs it.
- ``_saved``: what ``save_for_backward`` kept, freed after backward unless
  ``retain_graph``.
- ``_outs``: each output's ``(shape, dtype, value)``, the value only for
  small outputs (drawings print them after backward).
- ``_consts``: the inputs that do not require grad, for drawings: Python
  values, small tensors, and an :class:`InputStub` for big ones.
"""
from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from ._quiet import QUIET as _QUIET
from ._quiet import RESET as _QUIET_RESET
from ._quiet import SET as _QUIET_SET
from .hooks import ACTIVE as _HOOKS
from .mode import STATE
from .tensor import Tensor, version_counter

#: arrays with at most this many elements are kept on the graph for drawings
DRAW_KEEP = 32

_NONE_NEEDED = [(False,) * n for n in range(8)]


class InputStub:
    """What a node remembers of a big input that does not require grad.

    Drawings show its name, shape and dtype; ``tensor()`` gives the Tensor back
    while something else keeps it alive.
    """

    __slots__ = ("name", "shape", "dtype", "_ref")

    def __init__(self, t: Any) -> None:
        if isinstance(t, Tensor):
            self.name, self.shape, self.dtype = t.name, t.array.shape, t.array.dtype
            self._ref: Any = weakref.ref(t)
        else:
            arr = np.asarray(t)
            self.name, self.shape, self.dtype, self._ref = None, arr.shape, arr.dtype, None

    @classmethod
    def of(cls, shape: tuple, dtype: Any, name: str | None = None) -> InputStub:
        """A stub for a value known only by its shape and dtype."""
        stub = cls.__new__(cls)
        stub.name, stub.shape, stub.dtype, stub._ref = name, shape, np.dtype(dtype), None
        return stub

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def tensor(self) -> Tensor | None:
        """The Tensor this stands for, while something else keeps it alive."""
        return self._ref() if self._ref is not None else None

    def __repr__(self) -> str:
        return f"InputStub({self.shape}, {self.dtype})"


class SavedInput:
    """An input saved for backward: the Tensor itself and its version at save time."""

    __slots__ = ("tensor", "version")

    def __init__(self, tensor: Tensor) -> None:
        self.tensor = tensor
        self.version = tensor._version


class SavedOutput:
    """An output saved for backward, held by its array so the node does not keep
    the output Tensor alive (that would be a reference cycle)."""

    __slots__ = ("index", "array", "counter", "version")

    def __init__(self, index: int, result: Tensor) -> None:
        self.index = index
        self.array = result.array
        self.counter = version_counter(result)
        self.version = self.counter.value


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
    # nothing else on ctx never allocates an instance dict. The rarer ones are
    # class defaults, shadowed in the instance dict when set.
    __slots__ = ("_edges", "_consts", "_outs", "_n_args", "_saved", "__dict__", "__weakref__")
    _edges: list | tuple
    _consts: tuple
    _outs: tuple
    _n_args: int
    _saved: list | None
    _hooks: dict | None = None    # output index -> gradient hooks (Tensor.register_hook)
    _retain: dict | None = None   # output index -> weakref of a retain_grad() tensor
    _outputs: list | None = None  # weakrefs to the outputs, when one is saved for backward
    _freed: bool = False
    _trace: str | None = None     # creation site, under detect_anomaly
    _backward_built = False       # recorded while a create_graph backward ran
    _tensor_cls = Tensor

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        """Compute the op on numpy arrays; return an array or a tuple of arrays."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        """Given the gradient of each output (Tensors), return one per input (or None)."""
        raise NotImplementedError

    #: optionally, the same gradients on numpy arrays (``ctx.saved_arrays`` in, arrays out):
    #: the engine uses it when no graph of the backward pass is recorded (no create_graph),
    #: skipping the per-op cost of Tensor dispatch; ``backward`` stays the definition that
    #: double backward records, and the op tests check the two agree
    backward_arrays: Any = None

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
        return tuple(self._unpack(entry) for entry in self._saved)

    @property
    def saved_arrays(self) -> tuple:
        """What :meth:`save_for_backward` kept, as numpy arrays (for ``backward_arrays``)."""
        if self._freed or self._saved is None:
            return tuple(t.array if t is not None else None for t in self.saved_tensors)
        out: list = []
        for entry in self._saved:
            if type(entry) is SavedOutput:
                if entry.counter.value != entry.version:
                    self._saved_output(entry)  # raises the in-place explanation
                out.append(entry.array)
            elif entry is None:
                out.append(None)
            else:
                out.append(self._unpack(entry).array)
        return tuple(out)

    def _unpack(self, entry: Any) -> Any:
        if type(entry) is SavedInput:
            t = entry.tensor
            if t._version != entry.version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified "
                    f"by an in-place operation: {type(self).__name__} saved a tensor of shape "
                    f"{tuple(t.shape)} at version {entry.version}; it is now at version "
                    f"{t._version}. Use an out-of-place op (x = x * 2, not x *= 2) or clone() "
                    "the tensor before modifying it."
                )
            return t
        if type(entry) is SavedOutput:
            return self._saved_output(entry)
        return entry  # a constant (already a Tensor) or None

    @property
    def needs_input_grad(self) -> tuple:
        """For each input of apply(): does backward need to produce its gradient?

        Available in forward too, so an op saves only what the gradients it will
        be asked for need (``x / 2.0`` keeps nothing of ``x``).
        """
        edges = self._edges
        if not edges:
            return _NONE_NEEDED[self._n_args] if self._n_args < 8 else (False,) * self._n_args
        flags = [False] * self._n_args
        for e in edges:
            flags[e[0]] = True
        return tuple(flags)

    def mark_non_differentiable(self, *arrays: Any) -> None:
        """Accepted for PyTorch compatibility; integer outputs never require grad."""

    def _saved_output(self, s: SavedOutput) -> Tensor:
        if s.counter.value != s.version:
            raise RuntimeError(
                f"one of the variables needed for gradient computation has been modified by an "
                f"in-place operation: the output of {type(self).__name__} (shape "
                f"{s.array.shape}) is at version {s.counter.value}, expected {s.version}"
            )
        ref = self._outputs[s.index] if self._outputs is not None else None
        t = ref() if ref is not None else None
        if t is None or t.array is not s.array:
            # the output Tensor is gone: rebuild one that still points at this node,
            # so double backward through it stays correct
            t = Tensor._make(s.array, self, s.index, True)
            t._version_counter = s.counter
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
        # hot path: one pass over args, no comprehensions
        arrays = []
        edges = None
        i = 0
        for a in args:
            if isinstance(a, Tensor):
                arr = a.array
                arrays.append(arr)
                if a.requires_grad:
                    if (a._view is not None and a._view[0].grad_fn is not a._view[3]
                            and STATE.grad_enabled):
                        _retake_view(a)
                    fn = a.grad_fn
                    edge = (i, fn, a._out_idx if fn is not None else a, arr.shape, a.name)
                    if edges is None:
                        edges = [edge]
                    else:
                        edges.append(edge)
            else:
                arrays.append(a)
            i += 1
        ctx = _new(cls)
        ctx._saved = None
        ctx._n_args = i
        if edges is None or not STATE.grad_enabled:
            ctx._edges = ()
            quiet = _QUIET_SET(_QUIET)  # inf and NaN without numpy's warnings, as PyTorch
            try:
                out = cls.forward(ctx, *arrays, **kwargs)
            finally:
                _QUIET_RESET(quiet)
            if type(out) is tuple:
                return tuple(Tensor._make(_arr(o)) for o in out)
            return Tensor._make(out if type(out) is np.ndarray else np.asarray(out))

        ctx._edges = edges  # forward reads ctx.needs_input_grad
        quiet = _QUIET_SET(_QUIET)
        try:
            out = cls.forward(ctx, *arrays, **kwargs)
        finally:
            _QUIET_RESET(quiet)
        ctx._consts = _constants(args, edges) if len(edges) < i else ()
        if type(out) is not tuple:  # one output: no lists
            o = out if type(out) is np.ndarray else np.asarray(out)
            diff = o.dtype.kind in "fc"  # integer results (argmax-like) never carry gradients
            result = Tensor._make(o, ctx if diff else None, 0, diff)
            ctx._outs = ((o.shape, o.dtype, o if o.size <= DRAW_KEEP else None),)
            if ctx._saved is not None:
                ctx._resolve_saved(args, arrays, (out,), [o], [result])
        else:
            outs = [_arr(o) for o in out]
            results = []
            for k, o in enumerate(outs):
                diff = o.dtype.kind in "fc"
                results.append(Tensor._make(o, ctx if diff else None, k, diff))
            ctx._outs = tuple((o.shape, o.dtype, o if o.size <= DRAW_KEEP else None)
                              for o in outs)
            if ctx._saved is not None:
                ctx._resolve_saved(args, arrays, out, outs, results)
        if _HOOKS.created:
            for hook in _HOOKS.created:
                hook(ctx)
        return result if type(out) is not tuple else tuple(results)

    def _resolve_saved(self, args: tuple, arrays: list, raw_outs: tuple, outs: list,
                       results: list) -> None:
        saved: list = []
        for item in self._saved:  # type: ignore[union-attr]
            if isinstance(item, Tensor):
                saved.append(SavedInput(item))
                continue
            entry: Any = None
            for a, arr in zip(args, arrays):
                if arr is item and isinstance(a, Tensor):
                    entry = SavedInput(a)
                    break
            if entry is None:
                for k, o in enumerate(outs):
                    # forward may return a numpy scalar for 0-d results; match either form
                    if o is item or raw_outs[k] is item:
                        if self._outputs is None:
                            self._outputs = [weakref.ref(r) for r in results]
                        entry = SavedOutput(k, results[k])
                        break
            if entry is None and item is not None:
                entry = Tensor._make(np.asarray(item))
            saved.append(entry)
        self._saved = saved


def _retake_view(t: Tensor) -> None:
    """A view whose base took a new history in place: take the view again from the base,
    so gradients flow through the base's new history (as PyTorch regenerates it)."""
    base, view_fn, _, _ = t._view  # type: ignore[misc]
    again = view_fn(base)
    t.grad_fn, t._out_idx = again.grad_fn, again._out_idx
    t._view[3] = base.grad_fn  # type: ignore[index]


def _constants(args: tuple, edges: list) -> tuple:
    """``(position, value)`` of the inputs that need no gradient, as drawings need them:
    Python values, small tensors and arrays as they are, big ones as an :class:`InputStub`."""
    grad_pos = [e[0] for e in edges]
    out = []
    for i, a in enumerate(args):
        if i in grad_pos:
            continue
        size = a.array.size if isinstance(a, Tensor) else a.size if type(a) is np.ndarray else 0
        out.append((i, InputStub(a) if size > DRAW_KEEP else a))
    return tuple(out)


def _arr(o: Any) -> np.ndarray:
    return o if type(o) is np.ndarray else np.asarray(o)


_new = object.__new__


def share_version(view: Tensor, base: Tensor, view_fn: Any = None, put_back: Any = None) -> Tensor:
    """Make ``view`` share ``base``'s version counter when it aliases its memory.

    When the view is recorded for backward, it also remembers how it was taken:
    ``view_fn(base)`` takes it again and ``put_back(base, value)`` gives the base
    with the view's part replaced by ``value`` (None: writing through this view
    is refused, as for an expanded view). An in-place op on the view then gives
    the base the history PyTorch gives it, and a view used after its base took
    a new history in place is taken again from it, as PyTorch does.
    """
    if view.array.base is None:
        return view
    counter = version_counter(base)
    view._version_counter = counter
    if view.requires_grad and view_fn is not None:
        if base._view is not None:  # a view of a view: describe it from the root base
            root, fn0, put0, _ = base._view
            fn1, put1 = view_fn, put_back

            def view_fn(b: Any) -> Any:
                return fn1(fn0(b))

            def put(b: Any, v: Any) -> Any:
                return None if put0 is None or put1 is None else put0(b, put1(fn0(b), v))

            view._view = [root, view_fn, put if put_back is not None else None, root.grad_fn]
        else:
            view._view = [base, view_fn, put_back, base.grad_fn]
    return view
