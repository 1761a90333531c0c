"""Tensor factories: ``tensor``, ``zeros``, ``ones``, ``full``, ``arange``, ``eye``,
``rand``, ``randn`` and the ``*_like`` forms, with PyTorch's dtype defaults."""
from __future__ import annotations

from typing import Any

import numpy as np

from .device import check_device
from .dtypes import as_array, get_default_dtype
from .errors import OpNotImplementedError
from .random import Generator, default_generator
from .tensor import Tensor
from .tensor_methods import _shape_args


class FactoryError(RuntimeError, ValueError):
    """A bad size, bound or probability given to a factory: a RuntimeError as PyTorch's
    (and a ValueError, as the value is what is wrong)."""


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
            raise FactoryError(f"{op}: sizes must be non-negative integers, got {shape}")
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


def _number(v: Any, op: str, what: str) -> Any:
    """A scalar argument (a number or a one-element tensor) as a Python number."""
    if isinstance(v, Tensor):
        if v.numel() != 1:
            raise ValueError(f"{op}: {what} must be a number or a one-element tensor, got "
                             f"shape {tuple(v.shape)}")
        return v.item()
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.number)):
        raise TypeError(f"{op}: {what} must be a number, got {type(v).__name__}")
    return v.item() if isinstance(v, np.generic) else v


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False, device: Any = None) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) every ``step``, as ``torch.arange``.

    The length is PyTorch's, ``ceil((end - start) / step)``, and each value is
    ``start + i * step`` computed in float64 (so float steps give PyTorch's values).

    Args:
        start, end, step: numbers (``arange(n)`` is ``arange(0, n)``).
        dtype: int64 when all three are ints, else the default float dtype.

    Example:
        >>> import autograd as ag
        >>> ag.arange(4), ag.arange(1, 2.5, 0.5)
        (tensor([0, 1, 2, 3]), tensor([1.0000, 1.5000, 2.0000]))
    """
    if end is None:
        start, end = 0, start
    start, end, step = (_number(v, "arange", w) for v, w in ((start, "start"), (end, "end"),
                                                              (step, "step")))
    if step == 0:
        raise FactoryError(f"arange: step must be nonzero, got {step}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise FactoryError(f"arange: upper bound and lower bound inconsistent with step sign "
                         f"(start={start}, end={end}, step={step})")
    ints = all(isinstance(v, int) for v in (start, end, step))
    if dtype is None:
        dtype = np.int64 if ints else get_default_dtype()
    if ints:
        n = max(-((start - end) // step), 0)
        arr = np.arange(n, dtype=np.int64) * step + start
    else:
        n = max(int(np.ceil((float(end) - float(start)) / float(step))), 0)
        arr = float(start) + np.arange(n, dtype=np.float64) * float(step)
    return _factory(arr.astype(dtype), requires_grad, device=device)


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
    gen = _generator(kwargs, "randn")
    arr = gen.standard_normal(_size(shape, "randn")).astype(dtype, copy=False)
    return _factory(arr, requires_grad, device=device)


def rand(*shape: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None,
        **kwargs: Any) -> Tensor:
    """Uniform samples in [0, 1) from the global generator."""
    dtype = _float_default(dtype, kwargs, "rand")
    gen = _generator(kwargs, "rand")
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


def _generator(kwargs: dict, op: str) -> np.random.Generator:
    """The generator a random factory draws from: ``generator=`` or the global one."""
    return _gen(kwargs.pop("generator", None), op)


def _gen(generator: Any, op: str) -> np.random.Generator:
    """``generator`` (an ``ag.Generator``) as the numpy generator to draw from; None: the
    global one (``ag.manual_seed``)."""
    if generator is None:
        return default_generator()
    if isinstance(generator, Generator):
        return generator.numpy_generator
    if isinstance(generator, np.random.Generator):
        return generator
    raise TypeError(f"{op}: generator must be an ag.Generator, got {type(generator).__name__}")


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


# ---------------------------------------------------------------- empty, *_like, ranges
def empty(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None,
          **kwargs: Any) -> Tensor:
    """An uninitialized tensor (its values are whatever memory held), as ``torch.empty``.

    Example:
        >>> import autograd as ag
        >>> ag.empty(2, 3).shape, ag.empty((2,), dtype=ag.int64).dtype
        ((2, 3), dtype('int64'))
    """
    dtype = _float_default(dtype, kwargs, "empty")
    return _factory(np.empty(_size(size, "empty"), dtype), requires_grad, device=device)


def _like(t: Any, op: str) -> Tensor:
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: expected a Tensor as input, got {type(t).__name__}")
    return t


def empty_like(input: Tensor, dtype: Any = None, requires_grad: bool = False,  # noqa: A002
               device: Any = None, **kwargs: Any) -> Tensor:
    """An uninitialized tensor of ``input``'s shape (and dtype unless given).

    Example:
        >>> import autograd as ag
        >>> ag.empty_like(ag.ones(2, 2)).shape
        (2, 2)
    """
    t = _like(input, "empty_like")
    dtype = _float_default(t.dtype if dtype is None else dtype, kwargs, "empty_like")
    return _factory(np.empty(t.shape, dtype), requires_grad, device=device)


def full_like(input: Tensor, fill_value: Any, dtype: Any = None,  # noqa: A002
              requires_grad: bool = False, device: Any = None, **kwargs: Any) -> Tensor:
    """``fill_value`` in ``input``'s shape and dtype (a float into an int dtype truncates).

    Example:
        >>> import autograd as ag
        >>> ag.full_like(ag.zeros(2), 7.0), ag.full_like(ag.tensor([1, 2]), 2.7)
        (tensor([7., 7.]), tensor([2, 2]))
    """
    t = _like(input, "full_like")
    dtype = _float_default(t.dtype if dtype is None else dtype, kwargs, "full_like")
    return _factory(np.full(t.shape, _number(fill_value, "full_like", "fill_value"), dtype),
                    requires_grad, device=device)


def _steps(steps: Any, op: str) -> int:
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(f"{op}: steps must be an int, got {steps!r}")
    if steps < 0:
        raise FactoryError(f"{op}: number of steps must be non-negative, got {steps}")
    return int(steps)


def _no_bool(dtype: Any, op: str) -> Any:
    """``dtype``, refused as PyTorch refuses it when it is bool (spacing needs numbers)."""
    if np.dtype(dtype) == np.bool_:
        raise OpNotImplementedError(f"{op}: not implemented for dtype bool (as in PyTorch); "
                                    "give a float or integer dtype")
    return dtype


def _linspace64(start: float, end: float, steps: int) -> np.ndarray:
    """PyTorch's values: from ``start`` for the first half, back from ``end`` for the rest."""
    if steps == 1:
        return np.array([start], np.float64)
    step = (end - start) / (steps - 1)
    i = np.arange(steps, dtype=np.float64)
    return np.where(i < steps / 2, start + i * step, end - (steps - 1 - i) * step)


def linspace(start: Any, end: Any, steps: int, *, dtype: Any = None,
             requires_grad: bool = False, device: Any = None, **kwargs: Any) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive, as ``torch.linspace``.

    Example:
        >>> import autograd as ag
        >>> ag.linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    dtype = _no_bool(_float_default(dtype, kwargs, "linspace"), "linspace")
    a, b = _number(start, "linspace", "start"), _number(end, "linspace", "end")
    arr = _linspace64(float(a), float(b), _steps(steps, "linspace"))
    return _factory(arr.astype(dtype), requires_grad, device=device)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Any = None,
             requires_grad: bool = False, device: Any = None, **kwargs: Any) -> Tensor:
    """``base ** linspace(start, end, steps)``, as ``torch.logspace``.

    Example:
        >>> import autograd as ag
        >>> ag.logspace(0, 2, 3), ag.logspace(0, 3, 4, base=2)
        (tensor([  1.,  10., 100.]), tensor([1., 2., 4., 8.]))
    """
    dtype = _no_bool(_float_default(dtype, kwargs, "logspace"), "logspace")
    a, b = _number(start, "logspace", "start"), _number(end, "logspace", "end")
    with np.errstate(over="ignore"):  # overflow gives inf, as PyTorch
        arr = np.power(float(_number(base, "logspace", "base")),
                       _linspace64(float(a), float(b), _steps(steps, "logspace"))).astype(dtype)
    return _factory(arr, requires_grad, device=device)


def _triangle_indices(op: str, row: int, col: int, offset: int, dtype: Any, device: Any,
                      lower: bool) -> Tensor:
    for name, v in (("row", row), ("col", col), ("offset", offset)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
            raise TypeError(f"{op}: {name} must be an int, got {v!r}")
    for name, v in (("row", row), ("col", col)):
        if v < 0:
            raise FactoryError(f"{op}: {name} must be non-negative, got {v}")
    pick = np.tril_indices if lower else np.triu_indices
    rows, cols = pick(int(row), int(offset), int(col))
    return _factory(np.stack([rows, cols]).astype(dtype or np.int64), False, device=device)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None) -> Tensor:
    """The (row, col) indices of the lower triangle of a ``row x col`` matrix, row by row,
    as ``torch.tril_indices`` (``offset`` moves the diagonal up, negative down).

    Shape:
        (2, N)

    Example:
        >>> import autograd as ag
        >>> ag.tril_indices(3, 3)
        tensor([[0, 1, 1, 2, 2, 2],
                [0, 0, 1, 0, 1, 2]])
    """
    return _triangle_indices("tril_indices", row, col, offset, dtype, device, True)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None) -> Tensor:
    """The (row, col) indices of the upper triangle of a ``row x col`` matrix, as
    ``torch.triu_indices``.

    Example:
        >>> import autograd as ag
        >>> ag.triu_indices(2, 3, 1)
        tensor([[0, 0, 1],
                [1, 2, 2]])
    """
    return _triangle_indices("triu_indices", row, col, offset, dtype, device, False)
