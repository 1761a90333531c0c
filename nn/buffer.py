"""``nn.Buffer``: a Tensor that a Module registers as a buffer when assigned to an attribute."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.tensor import Tensor

__all__ = ["Buffer"]


class Buffer(Tensor):
    """A Tensor marked as module state that is not learned (running statistics, masks).

    ``self.x = nn.Buffer(t)`` in a Module is ``self.register_buffer('x', t)``: it shows
    up in ``buffers()`` and, when ``persistent``, in ``state_dict()``. Assigning a plain
    Tensor to a new attribute registers nothing (as PyTorch). The Buffer shares ``data``'s
    array, keeps its ``requires_grad`` and none of its history. Ops on it give plain
    Tensors.

    Args:
        data: a Tensor (an empty float32 one when None), or anything ``ag.tensor`` takes.
        persistent: whether the buffer is saved in ``state_dict()``.

    Example:
        >>> import autograd as ag, nn
        >>> class Norm(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.mean = nn.Buffer(ag.zeros(3))
        ...         self.scratch = nn.Buffer(ag.ones(3), persistent=False)
        >>> m = Norm()
        >>> [n for n, _ in m.named_buffers()], list(m.state_dict())
        (['mean', 'scratch'], ['mean'])
    """

    __slots__ = ("persistent",)

    def __init__(self, data: Any = None, *, persistent: bool = True) -> None:
        if data is None:
            data = Tensor._make(np.empty((0,), np.float32))
        src = data if isinstance(data, Tensor) else Tensor(data)
        super().__init__(np.zeros((), src.dtype), requires_grad=src.requires_grad)
        self.array = src.array  # shared, as PyTorch's data.detach()
        self.persistent = bool(persistent)
