"""``Parameter``: a leaf Tensor that a Module registers as learnable."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.errors import OpError
from autograd.tensor import Tensor


class Parameter(Tensor):
    """A Tensor that is a learnable parameter of a :class:`nn.Module`.

    Assigning a Parameter to a Module attribute registers it, so it shows up in
    ``parameters()`` and ``state_dict()``. A Parameter is always a leaf: built
    from a Tensor it shares that tensor's array but none of its history. Ops on
    a Parameter return plain Tensors.

    Args:
        data: a Tensor (its array is shared, as PyTorch), a numpy array (used
            as is, no copy) or array-like (converted with ``ag.tensor``'s rules).
        requires_grad: whether gradients are accumulated into ``.grad``.

    Example:
        >>> import numpy as np
        >>> from nn import Parameter
        >>> w = Parameter(np.ones((2, 3), dtype=np.float32))
        >>> w.requires_grad, w.is_leaf, w.shape
        (True, True, (2, 3))
        >>> type(w * 2).__name__
        'Tensor'
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            arr = np.empty((0,), dtype=np.float32)
        elif isinstance(data, Tensor):
            arr = data.array
        elif isinstance(data, np.ndarray):
            arr = data
        else:
            arr = Tensor(data).array
        super().__init__(np.zeros((), dtype=arr.dtype), requires_grad=requires_grad)
        self.array = arr

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol: Any) -> Any:
        # copy.deepcopy / pickle: rebuild from a copy of the array
        return (Parameter, (self.array.copy(), self.requires_grad))

    def __deepcopy__(self, memo: dict) -> Parameter:
        p = Parameter(self.array.copy(), self.requires_grad)
        p.name = self.name
        if self.grad is not None:
            p.grad = Tensor._make(self.grad.array.copy())
        memo[id(self)] = p
        return p


_ARRAY: Any = vars(Tensor)["array"]  # the slot that holds a tensor's data
_UNINIT = ("Attempted to use an uninitialized parameter in {}. This happens with a lazy module "
           "(nn.LazyLinear ...) before its first forward: call forward with a dummy batch to "
           "initialize the parameters first")


class UninitializedParameter(Parameter):
    """A parameter of a lazy module whose shape is not known yet.

    It holds no data: asking for its shape raises RuntimeError (an OpError, also a
    ValueError), and any op, its size or its value raise ValueError, as PyTorch's do.
    :meth:`materialize` gives it a shape (uninitialised memory) and turns this very
    object into a plain :class:`Parameter`, so an optimizer that already holds it
    keeps working (as PyTorch).

    Args:
        requires_grad: as :class:`Parameter`.
        device: CPU only.
        dtype: the dtype it will have (float32 by default).

    Example:
        >>> p = UninitializedParameter()
        >>> p
        <UninitializedParameter>
        >>> p.materialize((2, 3)); type(p).__name__, p.shape
        ('Parameter', (2, 3))
    """

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(np.empty((0,), np.dtype(np.float32 if dtype is None else dtype)),
                         requires_grad)

    @property  # type: ignore[override]
    def array(self) -> np.ndarray:
        """Refused: every op reaches a tensor's data here, and there is none yet (as PyTorch,
        which raises ValueError for any use but materializing)."""
        raise ValueError(_UNINIT.format("an op"))

    @array.setter
    def array(self, value: np.ndarray) -> None:
        _ARRAY.__set__(self, value)

    @property
    def _placeholder(self) -> np.ndarray:
        """The empty array that records the dtype the parameter will have."""
        return _ARRAY.__get__(self)

    @property
    def dtype(self) -> Any:  # type: ignore[override]
        return self._placeholder.dtype

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Give this parameter ``shape`` (values uninitialised) and make it a plain Parameter."""
        dt = self._placeholder.dtype if dtype is None else np.dtype(dtype)
        dims = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        _ARRAY.__set__(self, np.empty(tuple(int(d) for d in dims), dt))
        self.__class__ = self.cls_to_become  # type: ignore[assignment]

    @property
    def shape(self) -> tuple:
        raise OpError("Can't access the shape of an uninitialized parameter. Call "
                           "`forward` of its lazy module first to initialize it (or "
                           "load_state_dict into the module)")

    def size(self, dim: int | None = None) -> Any:
        raise ValueError(_UNINIT.format("size"))

    def numel(self) -> int:
        raise ValueError(_UNINIT.format("numel"))

    def numpy(self) -> np.ndarray:
        raise ValueError(_UNINIT.format("numpy"))

    def detach(self) -> Tensor:
        """Itself: there is no data to share (``state_dict`` shows it as it is)."""
        return self

    def __repr__(self) -> str:
        return "<UninitializedParameter>"

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (UninitializedParameter, (self.requires_grad, None, self._placeholder.dtype))

    def __deepcopy__(self, memo: dict) -> UninitializedParameter:  # type: ignore[override]
        p = UninitializedParameter(self.requires_grad, dtype=self._placeholder.dtype)
        memo[id(self)] = p
        return p
