"""Random factories beyond ``rand`` / ``randn``: randint, randperm, the ``*_like`` draws,
normal, bernoulli and multinomial, as PyTorch's.

Every draw comes from the global generator (``ag.manual_seed``) or the ``generator=``
given (an ``ag.Generator``), so a seed repeats it exactly. None of these is
differentiable: the samples never require grad unless asked with ``requires_grad=True``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .dtypes import get_default_dtype
from .factories import FactoryError, _factory, _float_default, _gen, _like, _number, _size
from .tensor import Tensor


def _shape(size: Any, op: str) -> tuple:
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        raise TypeError(f"{op}: argument 'size' must be a tuple of ints, not int "
                        f"(write ({size},))")
    return _size((size,), op)


def _bounds(op: str, low: Any, high: Any) -> tuple[int, int]:
    lo, hi = (_number(v, op, w) for v, w in ((low, "low"), (high, "high")))
    if lo >= hi:
        raise FactoryError(f"{op}: random_ expects 'from' to be less than 'to', but got "
                         f"from={lo} >= to={hi}")
    return int(lo), int(hi)


def randint(*args: Any, size: Any = None, generator: Any = None, dtype: Any = None,
            requires_grad: bool = False, device: Any = None) -> Tensor:
    """Integers drawn uniformly from ``[low, high)``, as ``torch.randint``.

    Call as ``randint(high, size)`` or ``randint(low, high, size)``.

    Args:
        low: the smallest value (default 0).
        high: one past the largest value.
        size: the shape (a tuple).
        generator: an ``ag.Generator`` (default: the global one).
        dtype: int64 unless given.

    Example:
        >>> import autograd as ag
        >>> _ = ag.manual_seed(0)
        >>> x = ag.randint(3, 10, (2, 4))
        >>> x.dtype, x.shape, bool(((x >= 3) & (x < 10)).all())
        (dtype('int64'), (2, 4), True)
    """
    if size is None and args:
        size, args = args[-1], args[:-1]
    if size is None or len(args) not in (1, 2):
        raise TypeError("randint: call as randint(high, size) or randint(low, high, size), "
                        f"got {len(args) + (size is not None)} arguments")
    low, high = (0, args[0]) if len(args) == 1 else args
    lo, hi = _bounds("randint", low, high)
    arr = _gen(generator, "randint").integers(lo, hi, _shape(size, "randint"))
    return _factory(arr.astype(dtype or np.int64), requires_grad, device=device)


def randperm(n: int, *, generator: Any = None, dtype: Any = None, requires_grad: bool = False,
             device: Any = None) -> Tensor:
    """A random permutation of ``0 .. n-1``, as ``torch.randperm`` (int64 unless given).

    Example:
        >>> import autograd as ag
        >>> sorted(ag.randperm(5).tolist())
        [0, 1, 2, 3, 4]
    """
    (n,) = _size((n,), "randperm")
    arr = _gen(generator, "randperm").permutation(n)
    return _factory(arr.astype(dtype or np.int64), requires_grad, device=device)


def _float_like(input: Any, dtype: Any, op: str) -> tuple[Tensor, np.dtype]:  # noqa: A002
    t = _like(input, op)
    dt = np.dtype(t.dtype if dtype is None else dtype)
    if dt.kind != "f":
        raise TypeError(f"{op}: needs a floating-point dtype, got {dt.name} (pass "
                        "dtype=ag.float32)")
    return t, dt


def rand_like(input: Tensor, *, dtype: Any = None, generator: Any = None,  # noqa: A002
              requires_grad: bool = False, device: Any = None) -> Tensor:
    """Uniform samples in [0, 1) in ``input``'s shape and (floating) dtype.

    Example:
        >>> import autograd as ag
        >>> ag.rand_like(ag.zeros(2, 3, dtype=ag.float64)).dtype
        dtype('float64')
    """
    t, dt = _float_like(input, dtype, "rand_like")
    arr = _gen(generator, "rand_like").random(t.shape)
    return _factory(arr.astype(dt), requires_grad, device=device)


def randn_like(input: Tensor, *, dtype: Any = None, generator: Any = None,  # noqa: A002
               requires_grad: bool = False, device: Any = None) -> Tensor:
    """Standard normal samples in ``input``'s shape and (floating) dtype.

    Example:
        >>> import autograd as ag
        >>> ag.randn_like(ag.zeros(4)).shape
        (4,)
    """
    t, dt = _float_like(input, dtype, "randn_like")
    arr = _gen(generator, "randn_like").standard_normal(t.shape)
    return _factory(arr.astype(dt), requires_grad, device=device)


def randint_like(input: Tensor, *args: Any, dtype: Any = None,  # noqa: A002
                 generator: Any = None, requires_grad: bool = False,
                 device: Any = None) -> Tensor:
    """Integers from ``[low, high)`` in ``input``'s shape and dtype, as
    ``torch.randint_like(input, high)`` / ``(input, low, high)``.

    Example:
        >>> import autograd as ag
        >>> x = ag.randint_like(ag.zeros(3), 5)
        >>> x.dtype, bool(((x >= 0) & (x < 5)).all())
        (dtype('float32'), True)
    """
    t = _like(input, "randint_like")
    if len(args) not in (1, 2):
        raise TypeError("randint_like: call as randint_like(input, high) or "
                        f"randint_like(input, low, high), got {len(args)} bounds")
    low, high = (0, args[0]) if len(args) == 1 else args
    lo, hi = _bounds("randint_like", low, high)
    arr = _gen(generator, "randint_like").integers(lo, hi, t.shape)
    return _factory(arr.astype(t.dtype if dtype is None else dtype), requires_grad,
                    device=device)


def normal(mean: Any, std: Any = 1.0, size: Any = None, *, generator: Any = None,
           dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Normal samples with the given means and standard deviations, as ``torch.normal``.

    Forms: ``normal(mean_tensor, std_tensor)`` (broadcast), ``normal(mean_tensor, std=1.0)``,
    ``normal(mean, std_tensor)`` and ``normal(mean, std, size)`` with numbers.

    Raises:
        FactoryError: a negative ``std`` (a RuntimeError and ValueError).

    Example:
        >>> import autograd as ag
        >>> ag.normal(2.0, 0.5, (3, 2)).shape, ag.normal(ag.zeros(4), ag.ones(4)).shape
        ((3, 2), (4,))
    """
    tensors = [v for v in (mean, std) if isinstance(v, Tensor)]
    if not tensors and size is None:
        raise TypeError("normal: with a number mean and std, give the size "
                        "(normal(mean, std, size))")
    if tensors and size is not None:
        raise TypeError("normal: size is only for number mean and std; the shape comes "
                        "from the tensor(s)")
    m = mean.array if isinstance(mean, Tensor) else _number(mean, "normal", "mean")
    s = std.array if isinstance(std, Tensor) else _number(std, "normal", "std")
    if np.any(np.asarray(s) < 0):
        raise FactoryError(f"normal: expects all elements of std >= 0.0, got min "
                         f"{float(np.min(s))}")
    if tensors:
        try:
            shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        except ValueError:
            raise FactoryError(f"normal: mean of shape {np.shape(m)} and std of shape "
                             f"{np.shape(s)} cannot be broadcast together") from None
        floats = [t.dtype for t in tensors if t.dtype.kind == "f"]
        dt = dtype or (floats[0] if floats else get_default_dtype())
    else:
        shape, dt = _shape(size, "normal"), _float_default(dtype, {}, "normal")
    arr = m + s * _gen(generator, "normal").standard_normal(shape)
    return _factory(np.asarray(arr).astype(dt), requires_grad, device=device)


def bernoulli(input: Tensor, p: float | None = None, *, generator: Any = None  # noqa: A002
              ) -> Tensor:
    """0/1 samples, 1 with probability ``input`` (elementwise) or ``p``, in ``input``'s
    shape and dtype, as ``torch.bernoulli``.

    Example:
        >>> import autograd as ag
        >>> ag.bernoulli(ag.tensor([0.0, 1.0, 1.0]))
        tensor([0., 1., 1.])
    """
    t = _like(input, "bernoulli")
    if t.dtype.kind != "f":
        raise TypeError(f"bernoulli: needs a floating-point input, got {t.dtype.name}")
    prob = t.array if p is None else np.asarray(_number(p, "bernoulli", "p"))
    if prob.size and not ((prob >= 0) & (prob <= 1)).all():
        raise FactoryError(f"bernoulli: expects all probabilities in [0, 1], got values in "
                         f"[{np.nanmin(prob)}, {np.nanmax(prob)}]"
                         + (" and NaN" if np.isnan(prob).any() else ""))
    arr = _gen(generator, "bernoulli").random(t.shape) < prob
    return _factory(arr.astype(t.dtype), False)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False,  # noqa: A002
                *, generator: Any = None) -> Tensor:
    """Category indices drawn with probabilities proportional to each row of ``input``, as
    ``torch.multinomial`` (without replacement: each category at most once per row).

    Shape:
        input (C,) or (N, C) -> (num_samples,) or (N, num_samples), int64

    Example:
        >>> import autograd as ag
        >>> ag.multinomial(ag.tensor([0.0, 1.0, 0.0]), 2, replacement=True)
        tensor([1, 1])
    """
    t = _like(input, "multinomial")
    w = t.array.astype(np.float64)
    if t.ndim not in (1, 2):
        raise FactoryError(f"multinomial: prob_dist must be 1 or 2 dim, got shape {t.shape}")
    if not isinstance(num_samples, (int, np.integer)) or num_samples <= 0:
        raise FactoryError(f"multinomial: cannot sample n_sample <= 0 samples, got {num_samples}")
    if not replacement and num_samples > w.shape[-1]:
        raise FactoryError(f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples "
                         f"without replacement ({num_samples} > {w.shape[-1]})")
    if not np.isfinite(w).all() or (w < 0).any():
        raise FactoryError("multinomial: probability tensor contains either inf, nan or "
                         "element < 0")
    rows = w.reshape(-1, w.shape[-1])                              # (N, C)
    if (rows.sum(-1) <= 0).any():
        raise FactoryError("multinomial: invalid multinomial distribution (sum of "
                         "probabilities <= 0)")
    gen = _gen(generator, "multinomial")
    if replacement:
        cdf = np.cumsum(rows, -1) / rows.sum(-1, keepdims=True)
        u = gen.random((rows.shape[0], int(num_samples)))
        idx = np.stack([np.searchsorted(c, r, side="right") for c, r in zip(cdf, u)])
        last = rows.shape[-1] - 1 - np.argmax(rows[:, ::-1] > 0, axis=-1)
        idx = np.minimum(idx, last[:, None])                       # rounding at the top
    else:
        # exponential race: the k smallest E/w are a draw of k without replacement
        with np.errstate(divide="ignore"):
            keys = gen.exponential(size=rows.shape) / rows
        idx = np.argsort(keys, axis=-1, kind="stable")[:, :int(num_samples)]
    return _factory(idx.reshape(w.shape[:-1] + (int(num_samples),)).astype(np.int64), False)
