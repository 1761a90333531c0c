"""Tensor factories: ``tensor``, ``zeros``, ``ones``, ``full``, ``arange``, ``eye``,
``rand``, ``randn`` and the ``*_like`` forms, with PyTorch's dtype defaults."""
from __future__ import annotations

from typing import Any

import numpy as np

from .random import default_generator
from .tensor import Tensor, _to_array
from .tensor_methods import _shape_args


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False,
           name: str | None = None) -> Tensor:
    """Make a tensor from data (copied). Python floats -> float32, ints -> int64.

    Example:
        >>> import autograd as ag
        >>> ag.tensor([1, 2]).dtype, ag.tensor([1.0]).dtype
        (dtype('int64'), dtype('float32'))
    """
    return Tensor(data, requires_grad=requires_grad, name=name, dtype=dtype)


def _factory(arr: np.ndarray, requires_grad: bool, name: str | None = None) -> Tensor:
    t = Tensor._make(arr)
    if requires_grad:
        t.requires_grad_()
    t.name = name
    return t


def _size(shape: tuple, op: str) -> tuple:
    shape = _shape_args(shape)
    for s in shape:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool) or s < 0:
            raise ValueError(f"{op}: sizes must be non-negative integers, got {shape}")
    return tuple(int(s) for s in shape)


def zeros(*shape: Any, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros (float32 by default)."""
    return _factory(np.zeros(_size(shape, "zeros"), dtype), requires_grad)


def ones(*shape: Any, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    """A tensor of ones (float32 by default)."""
    return _factory(np.ones(_size(shape, "ones"), dtype), requires_grad)


def full(shape: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``."""
    if dtype is None:
        dtype = np.float32 if isinstance(fill_value, float) else _to_array(fill_value).dtype
    return _factory(np.full(_size((shape,), "full"), fill_value, dtype), requires_grad)


def zeros_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _factory(np.zeros(t.shape, dtype or t.dtype), requires_grad)


def ones_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _factory(np.ones(t.shape, dtype or t.dtype), requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive); int64 for ints, float32 otherwise."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError(f"arange: step must be non-zero, got {step}")
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if ints else np.float32
    return _factory(np.arange(start, end, step, dtype=dtype), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = np.float32,
        requires_grad: bool = False) -> Tensor:
    """The identity matrix (n rows, m columns, default n)."""
    _size((n,) if m is None else (n, m), "eye")
    return _factory(np.eye(n, m, dtype=dtype), requires_grad)


def randn(*shape: Any, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    """Standard normal samples from the global generator (see ``manual_seed``)."""
    arr = default_generator().standard_normal(_size(shape, "randn")).astype(dtype, copy=False)
    return _factory(arr, requires_grad)


def rand(*shape: Any, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) from the global generator."""
    arr = default_generator().random(_size(shape, "rand")).astype(dtype, copy=False)
    return _factory(arr, requires_grad)
