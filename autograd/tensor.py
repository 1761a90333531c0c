"""``Tensor``: a numpy array that remembers how it was made.

The operators and methods here are written out one by one and dispatch to the
registered ops (:data:`autograd.registry.OPS`); the ops themselves live in
``autograd/ops``, one file per family, forward and backward side by side.
"""
from __future__ import annotations

import weakref
from typing import Any, Callable, Iterator

import numpy as np

from . import engine
from .dtypes import as_array, check_grad_dtype
from .hooks import DISPLAY
from .mode import STATE
from .printing import float_formatter
from .registry import OPS as _ops
from .tensor_convert import ConvertMethods
from .tensor_inplace import InplaceMethods
from .tensor_inplace_shape import ShapeInplaceMethods
from .tensor_introspection import IntrospectionMethods
from .tensor_math_methods import MathMethods
from .tensor_methods import OpMethods
from .tensor_operators import Operators
from .tensor_special_methods import SpecialMethods
from .version import VersionCounter, version_counter


class Tensor(Operators, OpMethods, MathMethods, SpecialMethods, InplaceMethods, ConvertMethods,
             ShapeInplaceMethods, IntrospectionMethods):
    """An n-dimensional array with reverse-mode automatic differentiation.

    Args:
        data: array-like; Python floats become float32, ints int64, and numpy
            arrays keep their dtype (as ``torch.tensor``).
        requires_grad: record operations on this tensor for backward.
        name: a label used by graph drawings.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([2., 4., 6.])
    """

    __slots__ = ("array", "grad", "requires_grad", "grad_fn", "_out_idx", "_version_counter",
                 "name", "_hooks", "_view", "__weakref__")
    _version_counter: VersionCounter | None
    _out_idx: int
    _view: list | None
    _hooks: list | None
    __array_ufunc__ = None  # numpy defers to our reflected operators (ndarray * Tensor)

    #: the numpy array holding the values (shared, not tracked by autograd); the engine and
    #: the packages on it work on this, PyTorch code reaches it as ``.numpy()``
    array: np.ndarray
    grad: Tensor | None
    requires_grad: bool
    grad_fn: Any

    def __init__(self, data: Any, requires_grad: bool = False, name: str | None = None,
                 dtype: Any = None) -> None:
        arr = as_array(data, dtype)
        if requires_grad:
            check_grad_dtype(arr, "Tensor")
        _init(self, arr, None, 0, bool(requires_grad))
        self.name = name

    @classmethod
    def _make(cls, arr: np.ndarray, grad_fn: Any = None, idx: int = 0,
              requires_grad: bool = False) -> Tensor:
        """Wrap an array without copying or checks (the engine's fast path)."""
        t = _new(cls)
        t.array = arr  # the same fields as _init, inlined: this runs for every op
        t.grad = None
        t.requires_grad = requires_grad
        t.grad_fn = grad_fn
        t._out_idx = idx
        t._version_counter = None
        t.name = None
        t._hooks = None
        t._view = None
        return t

    # ------------------------------------------------------------ attributes
    @property
    def data(self) -> Tensor:
        """This tensor's values as a tensor cut from the graph, sharing memory (PyTorch's
        ``.data``): writes through it (``p.data.add_(-lr * p.grad)``) change this tensor
        without being recorded or counted as in-place writes.

        Assigning ``t.data = other`` replaces the values (shape and dtype may change).

        Example:
            >>> import autograd as ag
            >>> w = ag.ones(2, requires_grad=True)
            >>> _ = w.data.mul_(3.0); w
            tensor([3., 3.], requires_grad=True)
        """
        return Tensor._make(self.array)

    @data.setter
    def data(self, value: Any) -> None:
        self.array = value.array if isinstance(value, Tensor) else np.asarray(value)

    @property
    def shape(self) -> tuple:
        return self.array.shape

    @property
    def ndim(self) -> int:
        return self.array.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.array.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors created by the user (not by a recorded op)."""
        return self.grad_fn is None

    @property
    def T(self) -> Tensor:
        """All dimensions reversed (for 2-D, the transpose)."""
        return _ops.permute(self, tuple(range(self.ndim - 1, -1, -1)))

    @property
    def mT(self) -> Tensor:
        """The last two dimensions swapped (batched matrix transpose)."""
        return _ops.transpose(self, -2, -1)

    @property
    def _version(self) -> int:
        """How many in-place writes this tensor's memory has seen (PyTorch's ``_version``)."""
        c = self._version_counter
        return 0 if c is None else c.value

    def size(self, dim: int | None = None) -> Any:
        return self.array.shape if dim is None else self.array.shape[dim]

    def dim(self) -> int:
        return self.array.ndim

    def numel(self) -> int:
        return int(self.array.size)

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, as PyTorch's ``.numpy()``)."""
        return self.array

    def item(self) -> Any:
        if self.array.size != 1:
            raise ValueError(
                f"item: only one-element tensors can be converted to a Python scalar, "
                f"got shape {tuple(self.shape)}"
            )
        return self.array.item()

    def tolist(self) -> Any:
        return self.array.tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.array if dtype is None else self.array.astype(dtype)

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.array.shape[0]))

    def __bool__(self) -> bool:
        if self.array.size != 1:
            raise RuntimeError(
                f"Boolean value of a tensor with {self.array.size} values is ambiguous; "
                "use .any() or .all()"
            )
        return bool(self.array)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.array.dtype.kind not in "iub" or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be used as an index")
        return int(self.array.item())

    __hash__ = object.__hash__

    def __deepcopy__(self, memo: dict) -> Tensor:
        """A copy with its own memory; only leaves can be copied, as in PyTorch."""
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol; detach() (or clone().detach()) the tensor first"
            )
        t = Tensor._make(self.array.copy(), None, 0, self.requires_grad)
        t.name = self.name
        memo[id(self)] = t
        if self.grad is not None:
            t.grad = self.grad.__deepcopy__(memo)
        return t

    def __repr__(self) -> str:
        body = np.array2string(self.array, separator=", ", prefix="tensor(",
                               formatter=float_formatter(self.array))  # type: ignore[arg-type]
        extra = []
        if self.array.dtype not in (np.float32, np.int64, np.bool_):
            extra.append(f"dtype={self.array.dtype}")
        if self.grad_fn is not None:
            extra.append(f"grad_fn=<{type(self.grad_fn).__name__}Backward>")
        elif self.requires_grad:
            extra.append("requires_grad=True")
        if self.name:
            extra.append(f"name={self.name!r}")
        return "tensor(" + ", ".join([body] + extra) + ")"

    # Jupyter shows a tensor that has a graph as that graph (autograd.viz registers
    # its drawing in hooks.DISPLAY; tensor.py does not import viz)
    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        bundle = {"text/plain": repr(self)}
        if self.grad_fn is not None or self.requires_grad:
            for draw in DISPLAY:
                try:
                    bundle.update(draw(self))
                except Exception:  # no Graphviz binary: the text form is still right
                    pass
        return bundle

    # ------------------------------------------------------------ autograd
    def backward(self, gradient: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into the ``.grad`` of every leaf that requires grad.

        Args:
            gradient: d(loss)/d(self); may be omitted only for one-element tensors.
            retain_graph: keep saved buffers so backward can run again
                (defaults to ``create_graph``).
            create_graph: record the backward pass, for higher-order derivatives.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward: this tensor does not require grad and has no grad_fn; "
                "create its inputs with requires_grad=True (and not under no_grad)"
            )
        g = _grad_for(self, gradient, "backward")
        keep = bool(create_graph if retain_graph is None else retain_graph)
        engine.run_backward([self], [g], keep, create_graph, tensor_cls=Tensor)

    def detach(self) -> Tensor:
        """A tensor sharing this data, cut from the graph."""
        t = Tensor._make(self.array)
        t._version_counter = version_counter(self)
        return t

    def detach_(self) -> Tensor:
        self.grad_fn = None
        self.requires_grad = False
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad:
            check_grad_dtype(self.array, "requires_grad_")
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError(
                "requires_grad_(False) on a non-leaf tensor; use .detach() instead"
            )
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if self.grad_fn is None:
            if not self.requires_grad:
                raise RuntimeError("retain_grad: tensor does not require grad")
            return
        node = self.grad_fn
        if node._retain is None:
            node._retain = {}
        node._retain[self._out_idx] = weakref.ref(self)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> Callable[[], None]:
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned
        tensor replaces the gradient. Returns a function that removes the hook."""
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that "
                               "doesn't require gradient")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            hooks: list = self._hooks
        else:
            node = self.grad_fn
            if node._hooks is None:
                node._hooks = {}
            hooks = node._hooks.setdefault(self._out_idx, [])
        hooks.append(hook)

        def remove() -> None:
            if hook in hooks:
                hooks.remove(hook)

        return remove

    # ------------------------------------------------------------ in place
    def __iadd__(self, other: Any) -> Tensor:
        return self._inplace(_ops.add, other, "add_")

    def __isub__(self, other: Any) -> Tensor:
        return self._inplace(_ops.sub, other, "sub_")

    def __imul__(self, other: Any) -> Tensor:
        return self._inplace(_ops.mul, other, "mul_")

    def __itruediv__(self, other: Any) -> Tensor:
        return self._inplace(_ops.div, other, "div_")

    def add_(self, other: Any, alpha: float = 1.0) -> Tensor:
        return self._inplace(_ops.add, other if alpha == 1 else other * alpha, "add_")

    def sub_(self, other: Any, alpha: float = 1.0) -> Tensor:
        return self._inplace(_ops.sub, other if alpha == 1 else other * alpha, "sub_")

    def mul_(self, other: Any) -> Tensor:
        return self._inplace(_ops.mul, other, "mul_")

    def div_(self, other: Any) -> Tensor:
        return self._inplace(_ops.div, other, "div_")

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        return self._inplace(lambda x, _: _ops.clip(x, min, max), None, "clamp_")

    def zero_(self) -> Tensor:
        return self.fill_(0)

    def fill_(self, value: Any) -> Tensor:
        return self.copy_(value)

    def copy_(self, src: Any) -> Tensor:
        src_t = src if isinstance(src, Tensor) else Tensor._make(np.asarray(src, self.dtype))
        try:
            np.broadcast_shapes(src_t.shape, self.shape)
        except ValueError:
            raise ValueError(f"copy_: source of shape {tuple(src_t.shape)} cannot be broadcast "
                             f"to destination of shape {tuple(self.shape)}") from None
        # the result depends on src only: the old value gets no gradient
        return self._inplace(lambda x, s: _ops.expand(_ops.cast(s, x.dtype), x.shape),
                             src_t, "copy_")

    def __setitem__(self, index: Any, value: Any) -> None:
        self._inplace(lambda x, v: _ops.index_put(x, index, v), value, "__setitem__")

    def _inplace(self, fn: Callable, other: Any, opname: str) -> Tensor:
        """Write ``fn(self, other)`` into this tensor's array and bump its version.

        When recording, the tensor takes the new op as its history (as
        PyTorch rebases it); a leaf that requires grad refuses, as PyTorch.
        Through a recorded view, the view's base takes the history instead.
        """
        if STATE.grad_enabled and (self.requires_grad or _requires(other)):
            if self._view is not None:
                self._inplace_through_view(fn, other, opname)
                return self
            if self.requires_grad and self.grad_fn is None:
                raise RuntimeError(
                    f"{opname}: a leaf tensor that requires grad is being used in an in-place "
                    "operation; do it under `with ag.no_grad():` or on a clone()"
                )
            # the op sees the old value as a tensor of its own, so what it saves survives the write
            old = Tensor._make(self.array.copy(), self.grad_fn, self._out_idx, self.requires_grad)
            _rebase(self, fn(old, other), opname)
        else:
            prev = STATE.grad_enabled
            STATE.grad_enabled = False
            try:
                res = fn(self, other)
            finally:
                STATE.grad_enabled = prev
            _write(self, res.array, opname)
        version_counter(self).value += 1
        return self

    def _inplace_through_view(self, fn: Callable, other: Any, opname: str) -> None:
        """An in-place op on a view: the base is rewritten and takes the history
        (PyTorch's CopySlices), then the view is taken again from the new base."""
        base, view_fn, put_back, _ = self._view  # type: ignore[misc]
        if base.grad_fn is None:
            raise RuntimeError(
                f"{opname}: a view of a leaf tensor that requires grad is being used in an "
                "in-place operation; do it under `with ag.no_grad():` or on a clone()"
            )
        if put_back is None:
            raise RuntimeError(
                f"{opname}: this view (e.g. of expand) has several elements in one memory "
                "location, so it cannot be written in place; clone() it first"
            )
        old = Tensor._make(base.array.copy(), base.grad_fn, base._out_idx, True)
        _rebase(base, put_back(old, fn(view_fn(old), other)), opname)
        version_counter(base).value += 1
        again = view_fn(base)  # the view's own history, from the base's new one
        self.grad_fn, self._out_idx = again.grad_fn, again._out_idx
        self._view[3] = base.grad_fn  # type: ignore[index]

    # ------------------------------------------------------------ methods
    # (the op-forwarding ones, sum/exp/reshape/..., are in tensor_methods.OpMethods)
    def clone(self) -> Tensor:
        return _ops.clone(self)

    def contiguous(self) -> Tensor:
        return self


_new = object.__new__


def _init(t: Tensor, arr: np.ndarray, grad_fn: Any, idx: int, requires_grad: bool) -> None:
    """Set every field of a new Tensor: the one place a Tensor's fields are initialised."""
    t.array = arr
    t.grad = None
    t.requires_grad = requires_grad
    t.grad_fn = grad_fn
    t._out_idx = idx
    t._version_counter = None
    t.name = None
    t._hooks = None
    t._view = None  # [base, view_fn, put_back, version] for a recorded view (share_version)


def _raw(x: Any) -> Any:
    return x.array if isinstance(x, Tensor) else x


def _requires(x: Any) -> bool:
    return isinstance(x, Tensor) and x.requires_grad


def _rebase(t: Tensor, res: Tensor, opname: str) -> None:
    """Write ``res`` into ``t``'s array and give ``t`` the history of ``res``."""
    _write(t, res.array, opname)
    t.grad_fn, t._out_idx, t.requires_grad = res.grad_fn, res._out_idx, res.requires_grad
    if res.grad_fn is not None and res.grad_fn._outputs is not None:
        res.grad_fn._outputs[res._out_idx] = weakref.ref(t)


def _write(t: Tensor, new: np.ndarray, opname: str) -> None:
    if new.shape != t.array.shape:
        raise RuntimeError(
            f"{opname}: result of shape {tuple(new.shape)} does not fit the in-place "
            f"target of shape {tuple(t.array.shape)}"
        )
    if not t.array.flags.writeable:  # expand / overlapping as_strided: one place, many elements
        raise RuntimeError(
            f"{opname}: unsupported operation: more than one element of the written-to tensor "
            "refers to a single memory location; clone() the tensor first"
        )
    np.copyto(t.array, new, casting="same_kind")


def _grad_for(t: Tensor, gradient: Any, what: str) -> Tensor:
    if gradient is None:
        if t.array.size != 1:
            raise RuntimeError(
                f"{what}: grad can be implicitly created only for scalar outputs, but this "
                f"tensor has shape {tuple(t.shape)}; pass gradient= a tensor of that shape "
                "(or call .sum() first)"
            )
        return Tensor._make(np.ones_like(t.array))
    g = gradient if isinstance(gradient, Tensor) else Tensor._make(np.asarray(gradient,
                                                                              t.array.dtype))
    if g.shape != t.shape:
        raise RuntimeError(
            f"{what}: gradient has shape {tuple(g.shape)} but the tensor has shape "
            f"{tuple(t.shape)}; they must match"
        )
    return g
