"""``Parameter``: a leaf Tensor that a Module registers as learnable."""
from __future__ import annotations

from typing import Any

import numpy as np

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
