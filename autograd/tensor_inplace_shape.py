"""Tensor's in-place shape changes (``x.t_()``, ``x.unsqueeze_(0)``, ``x.resize_(4)``) and
in-place fills through indices (``x.index_put_``, ``x.put_``, ``x.fill_diagonal_``) and
along dims (``x.tril_()``, ``x.cumsum_(0)``): a mixin of ``Tensor``.

A shape change replaces the tensor's array by a numpy view of the same memory, bumps the
version counter and, when recording, makes the view op the tensor's history, as PyTorch
does: ``y.t_()`` on a non-leaf records a transpose, so backward is right; on a leaf that
requires grad it raises (outside ``no_grad``). ``resize_`` is never recorded and refuses a
tensor that requires grad, as PyTorch's.

Example:
    >>> import autograd as ag
    >>> x = ag.arange(6.0).reshape(2, 3)
    >>> x.t_().shape, x.stride(), x._version
    ((3, 2), (1, 3), 1)
"""
from __future__ import annotations

import math
import weakref
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from .mode import STATE
from .registry import OPS as _ops
from .version import version_counter

if TYPE_CHECKING:  # annotations only: tensor.py imports this module
    from .tensor import Tensor


def _sizes(sizes: tuple) -> tuple:
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    return tuple(int(s) for s in sizes)


class ShapeInplaceMethods:
    """In-place shape changes, ``resize_``, and in-place index and dim-wise fills."""

    __slots__ = ()

    # ---------------------------------------------------------------- shape changes
    def squeeze_(self, dim: Any = None) -> Tensor:
        """Remove size-1 dims in place (all, or those in ``dim``)."""
        return self._reshape_in_place(lambda x: _ops.squeeze(x, dim), "squeeze_")

    def unsqueeze_(self, dim: int) -> Tensor:
        """Insert a size-1 dim at ``dim`` in place."""
        return self._reshape_in_place(lambda x: _ops.unsqueeze(x, dim), "unsqueeze_")

    def transpose_(self, dim0: int, dim1: int) -> Tensor:
        """Swap two dims in place (the memory stays; the strides swap)."""
        return self._reshape_in_place(lambda x: _ops.transpose(x, dim0, dim1), "transpose_")

    def swapaxes_(self, axis0: int, axis1: int) -> Tensor:
        return self.transpose_(axis0, axis1)

    def swapdims_(self, dim0: int, dim1: int) -> Tensor:
        return self.transpose_(dim0, dim1)

    def t_(self) -> Tensor:
        """Transpose a tensor of at most 2 dims in place."""
        nd = self.array.ndim  # type: ignore[attr-defined]
        if nd > 2:
            raise RuntimeError(f"t_: t_() expects a tensor with <= 2 dimensions, but self is "
                               f"{nd}D")
        return self._reshape_in_place(lambda x: _ops.t(x), "t_")

    def _reshape_in_place(self, view: Callable[[Any], Any], name: str) -> Tensor:
        """Make this tensor ``view(self)``: same memory, new shape and strides."""
        t: Any = self
        recording = STATE.grad_enabled and t.requires_grad
        if recording and t.grad_fn is None:
            raise RuntimeError(f"{name}: a leaf tensor that requires grad is being used in an "
                               "in-place operation; do it under `with ag.no_grad():` or on a "
                               "clone()")
        alias = type(t)._make(t.array, t.grad_fn, t._out_idx, t.requires_grad)
        alias._version_counter = version_counter(t)
        alias._view = t._view
        res = view(alias)
        if not np.shares_memory(res.array, t.array) and res.array.size:
            raise AssertionError(f"{name}: the view op copied")  # squeeze/transpose never do
        t.array = res.array
        if recording:
            t.grad_fn, t._out_idx = res.grad_fn, res._out_idx
            # a view of another tensor stays one (writes reach that base); otherwise the
            # tensor is a plain non-leaf with the view op as its last step
            t._view = res._view if t._view is not None else None
            outs = res.grad_fn._outputs
            if outs is not None:
                outs[res._out_idx] = weakref.ref(t)
        version_counter(t).value += 1
        return self  # type: ignore[return-value]

    def resize_(self, *sizes: Any, memory_format: Any = None) -> Tensor:
        """Give the tensor ``sizes`` over its storage, read contiguously from its offset;
        the storage grows (old values kept, new ones zero here, uninitialised in PyTorch)
        when too small. Never recorded: a tensor that requires grad refuses, as PyTorch.

        Example:
            >>> import autograd as ag
            >>> ag.arange(6).resize_(2, 2)
            tensor([[0, 1],
                    [2, 3]])
        """
        from .strided import resized

        t: Any = self
        shape = _sizes(sizes)
        if any(s < 0 for s in shape):
            raise RuntimeError(f"resize_: Trying to create tensor with negative dimension: "
                               f"{list(shape)}")
        if t.requires_grad:
            raise RuntimeError("resize_: cannot resize variables that require grad")
        if shape != t.array.shape:
            t.array = resized(t.array, shape)
        version_counter(t).value += 1
        return self  # type: ignore[return-value]

    def resize_as_(self, the_template: Any, memory_format: Any = None) -> Tensor:
        """``resize_`` to the shape of ``the_template``."""
        return self.resize_(tuple(the_template.shape))

    # ---------------------------------------------------------------- along dims
    def tril_(self, diagonal: int = 0) -> Tensor:
        return self._apply_(lambda x, _: _ops.tril(x, diagonal), None, "tril_")  # type: ignore

    def triu_(self, diagonal: int = 0) -> Tensor:
        return self._apply_(lambda x, _: _ops.triu(x, diagonal), None, "triu_")  # type: ignore

    def cumsum_(self, dim: int, *, dtype: Any = None) -> Tensor:
        return self._apply_(lambda x, _: _ops.cumsum(x, dim), None, "cumsum_")  # type: ignore

    def cumprod_(self, dim: int, *, dtype: Any = None) -> Tensor:
        return self._apply_(lambda x, _: _ops.cumprod(x, dim), None, "cumprod_")  # type: ignore

    # ---------------------------------------------------------------- through indices
    def fill_diagonal_(self, fill_value: Any, wrap: bool = False) -> Tensor:
        """Write ``fill_value`` on the main diagonal (all dims equal past 2-D); with ``wrap``
        a tall matrix's diagonal starts again below, as numpy's ``fill_diagonal``.

        Example:
            >>> import autograd as ag
            >>> ag.zeros(2, 3).fill_diagonal_(5.0)
            tensor([[5., 0., 0.],
                    [0., 5., 0.]])
        """
        shape = self.array.shape  # type: ignore[attr-defined]
        if len(shape) < 2:
            raise RuntimeError(f"fill_diagonal_: dimensions must larger than 1, got a tensor "
                               f"of shape {tuple(shape)}")
        if len(shape) > 2 and len(set(shape)) != 1:
            raise RuntimeError(f"fill_diagonal_: all dimensions of input must be of equal "
                               f"length, got shape {tuple(shape)}")
        mask = np.zeros(shape, np.bool_)
        np.fill_diagonal(mask, True, wrap=wrap)
        where = type(self)._make(mask)  # type: ignore[attr-defined]
        return self._apply_(lambda x, _: _ops.masked_fill(x, where, fill_value),  # type: ignore
                            None, "fill_diagonal_")

    def index_put_(self, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
        """``self[indices] = values`` in place; with ``accumulate`` repeated indices add up.

        Example:
            >>> import autograd as ag
            >>> i = ag.tensor([0, 0, 2])
            >>> ag.zeros(3).index_put_((i,), ag.tensor(1.0), accumulate=True)
            tensor([2., 0., 1.])
        """
        return self._apply_(lambda x, v: x._index_put(indices, v, accumulate),  # type: ignore
                            values, "index_put_")

    def _index_put(self, indices: Any, values: Any, accumulate: bool) -> Tensor:
        """Out of place: ``self`` with ``[indices] = values`` (``+=`` when accumulating)."""
        if not accumulate:
            return _ops.index_put(self, indices, values)
        if not isinstance(indices, (tuple, list)):
            indices = (indices,)
        idx = tuple(getattr(i, "array", i) for i in indices)
        shape = self.array.shape  # type: ignore[attr-defined]
        try:
            pos = np.arange(math.prod(shape), dtype=np.int64).reshape(shape)[idx]
        except IndexError as e:
            raise IndexError(f"index_put: {e} (tensor of shape {tuple(shape)})") from None
        v = self._operand(values, "index_put")
        v = _ops.expand(v, pos.shape).reshape(-1)
        flat = _ops.index_add(_ops.reshape(self, (-1,)), 0, self._operand(pos.reshape(-1)), v)
        return _ops.reshape(flat, shape)

    def put_(self, index: Any, source: Any, accumulate: bool = False) -> Tensor:
        """Write ``source`` at flat positions ``index`` (as if the tensor were 1-D); with
        ``accumulate`` repeated positions add up.

        Example:
            >>> import autograd as ag
            >>> ag.zeros(2, 2).put_(ag.tensor([0, 3]), ag.tensor([1.0, 2.0]))
            tensor([[1., 0.],
                    [0., 2.]])
        """
        return self._apply_(lambda x, s: x.put(index, s, accumulate), source,  # type: ignore
                            "put_")

    def put(self, index: Any, source: Any, accumulate: bool = False) -> Tensor:
        """Out of place ``put_``: a copy with ``source`` written at flat positions ``index``."""
        shape = self.array.shape  # type: ignore[attr-defined]
        n = math.prod(shape)
        pos = np.asarray(getattr(index, "array", index))
        if pos.dtype.kind not in "iu":
            raise RuntimeError(f"put: expected an int64 (long) index, got dtype {pos.dtype}")
        src = self._operand(source, "put")
        if src.array.size != pos.size:
            raise RuntimeError(f"put: Expected source and index to have the same number of "
                               f"elements, but got {src.array.size} and {pos.size}")
        bad = pos[(pos < -n) | (pos >= n)]
        if bad.size:
            raise IndexError(f"put: out of range: tried to access index {int(bad[0])} on a "
                             f"tensor of {n} elements.")
        where = self._operand((pos.reshape(-1) % max(n, 1)).astype(np.int64))
        flat = _ops.reshape(self, (-1,))
        vals = _ops.reshape(src, (-1,))
        out = (_ops.index_add(flat, 0, where, vals) if accumulate
               else _ops.index_put(flat, where, vals))
        return _ops.reshape(out, shape)

    def _operand(self, value: Any, op: str = "") -> Any:
        """``value`` as a Tensor of this tensor's dtype (index arrays stay int64)."""
        cls: Any = type(self)
        dtype = self.array.dtype  # type: ignore[attr-defined]
        if isinstance(value, np.ndarray) and value.dtype == np.int64 and not op:
            return cls._make(value)
        if not isinstance(value, cls):
            return cls._make(np.asarray(value, dtype))
        if value.array.dtype != dtype:
            raise RuntimeError(f"{op}: self and source expected to have the same dtype, but "
                               f"got {dtype} and {value.array.dtype}")
        return value
