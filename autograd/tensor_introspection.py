"""Tensor's introspection and storage methods (``x.stride()``, ``x.storage_offset()``,
``x.is_contiguous()``, ``x.data_ptr()`` ...), its CPU no-ops (``pin_memory``,
``share_memory_``), ``as_strided`` and the Python-callable fills (``apply_``, ``map_``): a
mixin of ``Tensor``.

Strides and offsets are numpy's, counted in elements as PyTorch counts them (see
:mod:`autograd.strided`).

Example:
    >>> import autograd as ag
    >>> x = ag.ones(2, 3)
    >>> x.stride(), x.t().is_contiguous(), x.get_device(), x.is_signed()
    ((3, 1), False, -1, True)
"""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from .dtypes import check_grad_dtype
from .engine import POST_ACCUMULATE_HOOKS
from .mode import STATE
from .version import version_counter

if TYPE_CHECKING:  # annotations only: tensor.py imports this module
    from .tensor import Tensor


class RemovableHandle:
    """What ``register_post_accumulate_grad_hook`` returns: ``handle.remove()`` unregisters."""

    def __init__(self, hooks: list, hook: Callable) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def _forget(key: int) -> Callable[[Any], None]:
    return lambda _ref: POST_ACCUMULATE_HOOKS.pop(key, None)


class IntrospectionMethods:
    """Strides, storage, device and memory queries, and the CPU-only callable fills."""

    __slots__ = ()
    array: np.ndarray

    # ---------------------------------------------------------------- geometry
    def stride(self, dim: int | None = None) -> Any:
        """Steps in elements between neighbours along each dim (``stride(dim)``: one dim).

        Example:
            >>> import autograd as ag
            >>> ag.ones(2, 3).expand(4, 2, 3).stride()
            (0, 3, 1)
        """
        from .strided import element_strides

        strides = element_strides(self.array)
        if dim is None:
            return strides
        return strides[_dim(dim, self.array.ndim, "stride")]

    def storage_offset(self) -> int:
        """Where the first element sits in the storage, in elements (``x[1:]`` of a 1-D x: 1)."""
        from .strided import storage_of

        return storage_of(self.array)[1]

    def is_contiguous(self, memory_format: Any = None) -> bool:
        """True when the elements are laid out row-major without gaps (the default), or as
        ``channels_last`` (4-D) / ``channels_last_3d`` (5-D) ask."""
        from .torch_names import channels_last, channels_last_3d

        arr = self.array
        if memory_format is channels_last or memory_format is channels_last_3d:
            nd = 4 if memory_format is channels_last else 5
            if arr.ndim != nd:
                return False
            order = (0,) + tuple(range(2, nd)) + (1,)
            return bool(np.transpose(arr, order).flags.c_contiguous)
        return bool(arr.flags.c_contiguous)

    def data_ptr(self) -> int:
        """The address of the first element (numpy's data pointer)."""
        return int(self.array.__array_interface__["data"][0])

    def ndimension(self) -> int:
        """The number of dims (``dim()``)."""
        return self.array.ndim

    def nelement(self) -> int:
        """The number of elements (``numel()``)."""
        return int(self.array.size)

    # ---------------------------------------------------------------- device and memory
    @property
    def is_cpu(self) -> bool:
        """Always True: tensors live in CPU memory here."""
        return True

    def get_device(self) -> int:
        """-1, PyTorch's answer for a CPU tensor."""
        return -1

    def pin_memory(self, device: Any = None) -> Tensor:
        """The tensor itself: pinned (page-locked) memory only speeds copies to a GPU, and
        there is none here (PyTorch raises when no accelerator is present)."""
        return self  # type: ignore[return-value]

    def is_pinned(self, device: Any = None) -> bool:
        """False: no memory is pinned here."""
        return False

    def share_memory_(self) -> Tensor:
        """The tensor itself: there are no worker processes to share it with here."""
        return self  # type: ignore[return-value]

    def is_shared(self) -> bool:
        """False: no tensor is in shared memory here."""
        return False

    def is_inference(self) -> bool:
        """False: ``inference_mode`` here is ``no_grad`` and makes ordinary tensors."""
        return False

    # ---------------------------------------------------------------- dtype and value
    def is_signed(self) -> bool:
        """True for signed integer, floating and complex dtypes; False for uint8 and bool."""
        return self.array.dtype.kind in "ifc"

    def is_nonzero(self) -> bool:
        """The single value as a bool; RuntimeError for zero or several elements, as PyTorch.

        Example:
            >>> import autograd as ag
            >>> ag.tensor([1.5]).is_nonzero(), ag.tensor(0).is_nonzero()
            (True, False)
        """
        n = self.array.size
        if n != 1:
            what = "no values" if n == 0 else "more than one value"
            raise RuntimeError(f"is_nonzero: Boolean value of Tensor with {what} is ambiguous")
        return bool(self.array.reshape(()))

    def char(self) -> Tensor:
        """A copy as int8 (PyTorch's ``char``)."""
        return self.to(np.int8)  # type: ignore[attr-defined, no-any-return]

    # ---------------------------------------------------------------- autograd
    @property
    def retains_grad(self) -> bool:
        """True for a non-leaf tensor whose ``retain_grad()`` was called."""
        node = getattr(self, "grad_fn", None)
        if node is None or node._retain is None:
            return False
        ref = node._retain.get(self._out_idx)  # type: ignore[attr-defined]
        return ref is not None and ref() is self

    def register_post_accumulate_grad_hook(self, hook: Callable[[Any], None]
                                           ) -> RemovableHandle:
        """Call ``hook(tensor)`` after backward has accumulated into this leaf's ``.grad``.

        Args:
            hook: a function of the tensor; its return value is ignored. Hooks run in the
                order registered, once per backward that reaches this leaf (not for
                ``autograd.grad``, which leaves ``.grad`` alone).

        Returns:
            a handle whose ``remove()`` unregisters the hook.

        Example:
            >>> import autograd as ag
            >>> w = ag.ones(2, requires_grad=True)
            >>> h = w.register_post_accumulate_grad_hook(lambda t: t.grad.mul_(10))
            >>> (w * 3).sum().backward(); w.grad
            tensor([30., 30.])
        """
        if not getattr(self, "requires_grad", False):
            raise RuntimeError("register_post_accumulate_grad_hook: cannot register a hook on "
                               "a tensor that doesn't require gradient")
        if getattr(self, "grad_fn", None) is not None:
            raise RuntimeError("register_post_accumulate_grad_hook: post accumulate grad hooks "
                               "cannot be registered on non-leaf tensors")
        key = id(self)
        entry = POST_ACCUMULATE_HOOKS.get(key)
        if entry is None or entry[0]() is not self:
            hooks: list = []
            entry = POST_ACCUMULATE_HOOKS[key] = (weakref.ref(self, _forget(key)), hooks)
        entry[1].append(hook)
        return RemovableHandle(entry[1], hook)

    # ---------------------------------------------------------------- strided views
    def as_strided(self, size: Sequence[int], stride: Sequence[int],
                   storage_offset: int | None = None) -> Tensor:
        """A view of this tensor's storage (see :func:`autograd.strided.as_strided`)."""
        from .strided import as_strided

        return as_strided(self, size, stride, storage_offset)  # type: ignore[arg-type]

    def new_empty_strided(self, size: Sequence[int], stride: Sequence[int], *,
                          dtype: Any = None, device: Any = None, requires_grad: bool = False,
                          **kwargs: Any) -> Tensor:
        """A new tensor with the given size and strides (this tensor's dtype by default);
        its values are zeros here (PyTorch leaves them uninitialised)."""
        from .device import check_device
        from .strided import empty_strided_array

        check_device(device, "new_empty_strided")
        arr = empty_strided_array(size, stride, self.array.dtype if dtype is None else dtype)
        if requires_grad:
            check_grad_dtype(arr, "new_empty_strided")
        return type(self)._make(arr, None, 0, bool(requires_grad))  # type: ignore[attr-defined]

    # ---------------------------------------------------------------- sampling with self
    def bernoulli(self, p: float | None = None, *, generator: Any = None) -> Tensor:
        """0/1 draws: 1 with probability given by this tensor's values (or ``p``)."""
        from .sampling import bernoulli

        return bernoulli(self, p, generator=generator)  # type: ignore[arg-type]

    def multinomial(self, num_samples: int, replacement: bool = False, *,
                    generator: Any = None) -> Tensor:
        """Category indices drawn with probabilities proportional to each row."""
        from .sampling import multinomial

        return multinomial(self, num_samples, replacement,  # type: ignore[arg-type]
                           generator=generator)

    # ---------------------------------------------------------------- Python callables
    def apply_(self, callable: Callable[[Any], Any]) -> Tensor:  # noqa: A002
        """Replace each element ``v`` by ``callable(v)`` (a Python function; slow, CPU only,
        never recorded: a tensor that requires grad refuses, as in PyTorch).

        Example:
            >>> import autograd as ag
            >>> ag.tensor([1, 2, 3]).apply_(lambda v: v * v)
            tensor([1, 4, 9])
        """
        self._check_callable_fill("apply_")
        values = [callable(v) for v in self.array.reshape(-1).tolist()]
        return self._write_values(values, "apply_")

    def map_(self, tensor: Any, callable: Callable[[Any, Any], Any]) -> Tensor:  # noqa: A002
        """Replace each element ``v`` by ``callable(v, w)``, ``w`` the matching element of
        ``tensor`` (broadcast to this shape); never recorded, as ``apply_``."""
        self._check_callable_fill("map_")
        other = np.broadcast_to(getattr(tensor, "array", np.asarray(tensor)), self.array.shape)
        values = [callable(v, w) for v, w in zip(self.array.reshape(-1).tolist(),
                                                 other.reshape(-1).tolist())]
        return self._write_values(values, "map_")

    def _check_callable_fill(self, name: str) -> None:
        if getattr(self, "requires_grad", False) and STATE.grad_enabled:
            raise RuntimeError(f"{name}: Can't call {name}() on Variable that requires grad. "
                               f"Use var.detach().{name}() instead.")

    def _write_values(self, values: list, name: str) -> Tensor:
        arr = self.array
        try:
            new = np.asarray(values).astype(arr.dtype).reshape(arr.shape)
        except (TypeError, ValueError) as e:
            raise TypeError(f"{name}: the callable must return numbers, got {e}") from None
        np.copyto(arr, new)
        version_counter(self).value += 1
        return self  # type: ignore[return-value]


def _dim(dim: int, ndim: int, op: str) -> int:
    if ndim == 0:
        raise IndexError(f"{op}: Dimension specified as {dim} but tensor has no dimensions")
    lo, hi = -max(ndim, 1), max(ndim, 1) - 1
    if not isinstance(dim, (int, np.integer)) or not lo <= dim <= hi:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of "
                         f"[{lo}, {hi}], but got {dim})")
    return int(dim) % max(ndim, 1)
