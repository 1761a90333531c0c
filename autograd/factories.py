"""Tensor factories: ``tensor``, ``zeros``, ``ones``, ``full``, ``arange``, ``eye``,
``rand``, ``randn`` and the ``*_like`` forms, with PyTorch's dtype defaults."""
from __future__ import annotations

from typing import Any

import numpy as np

from .device import check_device
from .dtypes import as_array, get_default_dtype
from .random import default_generator
from .tensor import Tensor
from .tensor_methods import _shape_args


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False,
           name: str | None = None, device: Any = None, pin_memory: bool = False) -> Tensor:
    """Make a tensor from data (copied). Python floats -> float32, ints -> int64.

    Example:
        >>> import autograd as ag
        >>> ag.tensor([1, 2]).dtype, ag.tensor([1.0]).dtype
        (dtype('int64'), dtype('float32'))
    """
    check_device(device, "tensor")
    return Tensor(data, requires_grad=requires_grad, name=name, dtype=dtype)


def _factory(arr: np.ndarray, requires_grad: bool, name: str | None = None,
             device: Any = None) -> Tensor:
    check_device(device, "factory")
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


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None,
        **kwargs: Any) -> Tensor:
    """A tensor of zeros (float32 by default)."""
    dtype = _float_default(dtype, kwargs, "zeros")
    return _factory(np.zeros(_size(shape, "zeros"), dtype), requires_grad, device=device)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None,
        **kwargs: Any) -> Tensor:
    """A tensor of ones (float32 by default)."""
    dtype = _float_default(dtype, kwargs, "ones")
    return _factory(np.ones(_size(shape, "ones"), dtype), requires_grad, device=device)


def full(shape: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False,
         device: Any = None) -> Tensor:
    """A tensor filled with ``fill_value``."""
    if dtype is None:
        dtype = as_array(fill_value).dtype
    return _factory(np.full(_size((shape,), "full"), fill_value, dtype), requires_grad,
                    device=device)


def zeros_like(t: Tensor, dtype: Any = None, requires_grad: bool = False,
               device: Any = None) -> Tensor:
    """Zeros of ``t``'s shape (and dtype unless given)."""
    return _factory(np.zeros(t.shape, dtype or t.dtype), requires_grad, device=device)


def ones_like(t: Tensor, dtype: Any = None, requires_grad: bool = False,
              device: Any = None) -> Tensor:
    """Ones of ``t``'s shape (and dtype unless given)."""
    return _factory(np.ones(t.shape, dtype or t.dtype), requires_grad, device=device)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False, device: Any = None) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive); int64 for ints, float32 otherwise."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError(f"arange: step must be non-zero, got {step}")
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if ints else get_default_dtype()
    return _factory(np.arange(start, end, step, dtype=dtype), requires_grad, device=device)


def eye(n: int, m: int | None = None, dtype: Any = None,
        requires_grad: bool = False, device: Any = None) -> Tensor:
    """The identity matrix (n rows, m columns, default n)."""
    _size((n,) if m is None else (n, m), "eye")
    return _factory(np.eye(n, m, dtype=dtype or get_default_dtype()), requires_grad,
                    device=device)


def randn(*shape: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None,
        **kwargs: Any) -> Tensor:
    """Standard normal samples from the global generator (see ``manual_seed``)."""
    dtype = _float_default(dtype, kwargs, "randn")
    gen = _generator(kwargs)
    arr = gen.standard_normal(_size(shape, "randn")).astype(dtype, copy=False)
    return _factory(arr, requires_grad, device=device)


def rand(*shape: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None,
        **kwargs: Any) -> Tensor:
    """Uniform samples in [0, 1) from the global generator."""
    dtype = _float_default(dtype, kwargs, "rand")
    gen = _generator(kwargs)
    arr = gen.random(_size(shape, "rand")).astype(dtype, copy=False)
    return _factory(arr, requires_grad, device=device)


def _float_default(dtype: Any, kwargs: dict, op: str) -> Any:
    """The dtype a float factory makes (the default float dtype unless given)."""
    kwargs.pop("layout", None)
    kwargs.pop("pin_memory", None)
    out = kwargs.pop("out", None)
    if out is not None:
        raise TypeError(f"{op}: out= is not supported; assign the result instead")
    if set(kwargs) - {"generator"}:
        raise TypeError(f"{op}: unexpected keyword argument {next(iter(kwargs))!r}")
    return get_default_dtype() if dtype is None else dtype


def _generator(kwargs: dict) -> np.random.Generator:
    """The generator a random factory draws from: ``generator=`` or the global one."""
    gen = kwargs.pop("generator", None)
    if gen is None:
        return default_generator()
    return getattr(gen, "numpy_generator", gen)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing ``array``'s memory (writes to one show in the other), as PyTorch.

    Example:
        >>> import numpy as np, autograd as ag
        >>> a = np.zeros(2); t = ag.from_numpy(a); a[0] = 5
        >>> t
        tensor([5., 0.], dtype=float64)
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(array).__name__})")
    if array.dtype.kind not in "biufc":
        raise TypeError(f"from_numpy: can't convert np.ndarray of type {array.dtype}; the only "
                        "supported types are numeric and bool")
    return Tensor._make(array)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a tensor, sharing memory when it already is one (or a numpy array) of
    ``dtype``, as PyTorch's ``as_tensor``.

    Example:
        >>> import autograd as ag
        >>> t = ag.ones(2); ag.as_tensor(t) is t, ag.as_tensor([1, 2]).dtype
        (True, dtype('int64'))
    """
    check_device(device, "as_tensor")
    if isinstance(data, Tensor):
        return data if dtype is None or np.dtype(dtype) == data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or np.dtype(dtype) == data.dtype):
        return from_numpy(data)
    return Tensor(data, dtype=dtype)


def _legacy(dtype: Any, name: str) -> Any:
    def make(*args: Any) -> Tensor:
        if len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray, Tensor)):
            return Tensor(args[0], dtype=dtype)
        return _factory(np.zeros(_size(args, name), dtype), False)

    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"PyTorch's legacy ``{name}(data)`` / ``{name}(*sizes)`` constructor."
    return make


FloatTensor = _legacy(np.float32, "FloatTensor")
DoubleTensor = _legacy(np.float64, "DoubleTensor")
LongTensor = _legacy(np.int64, "LongTensor")
IntTensor = _legacy(np.int32, "IntTensor")
BoolTensor = _legacy(np.bool_, "BoolTensor")
ByteTensor = _legacy(np.uint8, "ByteTensor")
