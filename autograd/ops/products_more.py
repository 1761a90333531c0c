"""More products and the tables built from them: inner, vdot, addmv, addr, addbmm,
chain_matmul, block_diag, cartesian_prod, combinations, diagflat, vander, trapezoid (trapz)
and cumulative_trapezoid.

Every one is a composite of matmul, the shape ops, indexing and cumprod/cumsum, with no
backward of its own; each checks its operands first, so a mistake names the op a caller wrote.
"""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from ..dtypes import result_type
from ..errors import OpError
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import norm_dim, pair, promoted, tensor_arg
from .products import ShapeError, _dims, _scaled_sum, bmm, mv, outer


@register(method=True)
def inner(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Sum over the last dims of the products: ``out[i.., j..] = Σₖ input[i.., k]·other[j.., k]``
    (a plain product when either is 0-d).

    Shape:
        input (*a, k), other (*b, k) -> (*a, *b)

    Example:
        >>> import autograd as ag
        >>> ag.inner(ag.ones(2, 3), ag.ones(4, 3)).shape
        (2, 4)
    """
    a, b = tensor_arg(input, "inner"), tensor_arg(other, "inner", "other")
    if a.array.dtype != b.array.dtype:
        raise OpError(f"inner: both inputs should have same dtype, got {a.array.dtype} and "
                      f"{b.array.dtype}")
    if a.ndim == 0 or b.ndim == 0:
        return OPS.mul(a, b)
    if a.shape[-1] != b.shape[-1]:
        raise ShapeError(f"inner() the last dimension must match on both input tensors but got "
                         f"shapes {a.shape} and {b.shape}")
    return OPS.tensordot(a, b, ([a.ndim - 1], [b.ndim - 1]))


@register(method=True)
def vdot(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Dot product of two 1-D tensors of one dtype (the first is conjugated; real here).

    Example:
        >>> import autograd as ag
        >>> ag.vdot(ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0]))
        tensor(11.)
    """
    a, b = tensor_arg(input, "vdot"), tensor_arg(other, "vdot", "other")
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError(f"vdot: 1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors "
                         f"(shapes {a.shape} and {b.shape})")
    if a.array.dtype != b.array.dtype:
        raise OpError(f"vdot: expected both vectors to have same dtype, but found "
                      f"{a.array.dtype} and {b.array.dtype}")
    if a.shape != b.shape:
        raise ShapeError(f"vdot: inconsistent tensor size, got shapes {a.shape} and {b.shape}")
    return OPS.matmul(a, b)


def _int_beta(op: str, inp: Tensor, beta: Any, alpha: Any) -> None:
    if inp.array.dtype.kind in "biu" and any(isinstance(v, float) for v in (beta, alpha)):
        raise OpError(f"{op}: for integral input tensors, argument beta and alpha must not be "
                      f"floating point numbers, got beta={beta}, alpha={alpha}")


@register(method=True)
def addmv(input: Any, mat: Any, vec: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:  # noqa: A002
    """``beta * input + alpha * (mat @ vec)``, as ``torch.addmv``.

    Args:
        input: added, scaled by ``beta`` (ignored when ``beta`` is 0, NaN and all).
        mat, vec: the matrix and the vector multiplied.
        beta, alpha: the scales (whole numbers for integer tensors).

    Shape:
        input broadcastable to (n,), mat (n, m), vec (m,) -> (n,)

    Example:
        >>> import autograd as ag
        >>> ag.addmv(ag.ones(2), ag.ones(2, 3), ag.ones(3), beta=0.5, alpha=2)
        tensor([6.5000, 6.5000])
    """
    inp = tensor_arg(input, "addmv")
    _int_beta("addmv", inp, beta, alpha)
    m, v = pair(mat, vec, "addmv")
    _dims("addmv", m, 2, "mat")
    _dims("addmv", v, 1, "vec")
    if m.shape[1] != v.shape[0]:
        raise ShapeError(f"addmv: size mismatch, got input {inp.shape}, mat {m.shape}, vec "
                         f"{v.shape}")
    return _scaled_sum("addmv", inp, mv(m, v), beta, alpha)


@register(method=True)
def addr(input: Any, vec1: Any, vec2: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:  # noqa: A002
    """``beta * input + alpha * outer(vec1, vec2)``, as ``torch.addr``.

    Args:
        input: added, scaled by ``beta`` (ignored when ``beta`` is 0).
        vec1, vec2: the 1-D tensors whose outer product is added (for bool tensors: "and",
            then "or" with ``input``).
        beta, alpha: the scales (whole numbers for integer tensors).

    Shape:
        input broadcastable to (n, m), vec1 (n,), vec2 (m,) -> (n, m)

    Example:
        >>> import autograd as ag
        >>> ag.addr(ag.zeros(2, 2), ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0]))
        tensor([[3., 4.],
                [6., 8.]])
    """
    inp = tensor_arg(input, "addr")
    _int_beta("addr", inp, beta, alpha)
    a, b = pair(vec1, vec2, "addr")
    _dims("addr", a, 1, "vec1")
    _dims("addr", b, 1, "vec2")
    prod = outer(a, b)
    if prod.array.dtype == np.bool_:  # boolean: "and" for the product, "or" for the sum
        return OPS.logical_or(inp if beta else False, prod if alpha else False)
    return _scaled_sum("addr", inp, prod, beta, alpha)


@register(method=True)
def addbmm(input: Any, batch1: Any, batch2: Any, *, beta: float = 1,  # noqa: A002
           alpha: float = 1) -> Tensor:
    """``beta * input + alpha * Σᵢ batch1[i] @ batch2[i]``, as ``torch.addbmm``.

    Args:
        input: added, scaled by ``beta`` (ignored when ``beta`` is 0).
        batch1, batch2: 3-D tensors with the same number of matrices.
        beta, alpha: the scales (whole numbers for integer tensors).

    Shape:
        input broadcastable to (n, m), batch1 (b, n, k), batch2 (b, k, m) -> (n, m)

    Example:
        >>> import autograd as ag
        >>> ag.addbmm(ag.zeros(2, 3), ag.ones(4, 2, 5), ag.ones(4, 5, 3))[0]
        tensor([20., 20., 20.])
    """
    inp = tensor_arg(input, "addbmm")
    _int_beta("addbmm", inp, beta, alpha)
    b1, b2 = pair(batch1, batch2, "addbmm")
    _dims("addbmm", b1, 3, "batch1")
    _dims("addbmm", b2, 3, "batch2")
    if b1.shape[0] != b2.shape[0]:
        raise ShapeError(f"addbmm: batch1 and batch2 must have same number of batches, got "
                         f"{b1.shape[0]} and {b2.shape[0]} (shapes {b1.shape} and {b2.shape})")
    return _scaled_sum("addbmm", inp, OPS.sum(bmm(b1, b2), 0), beta, alpha)


@register()
def chain_matmul(*matrices: Any) -> Tensor:
    """The product of 2-D matrices from left to right, as ``torch.chain_matmul`` (PyTorch
    deprecates it for ``torch.linalg.multi_dot``).

    Example:
        >>> import autograd as ag
        >>> ag.chain_matmul(ag.ones(2, 3), ag.ones(3, 4), ag.ones(4, 1)).flatten()
        tensor([12., 12.])
    """
    if not matrices:
        raise OpError("chain_matmul(): Expected one or more matrices")
    ms = [tensor_arg(m, "chain_matmul", f"matrices[{i}]") for i, m in enumerate(matrices)]
    for i, m in enumerate(ms):
        if m.ndim != 2:
            raise ShapeError(f"chain_matmul: tensor {i} has dimension {m.ndim}, expected 2 "
                             f"(shape {m.shape})")
    out = ms[0]
    for i, m in enumerate(ms[1:], 1):
        if out.shape[1] != m.shape[0]:
            raise ShapeError(f"chain_matmul: matrices {i - 1} and {i} cannot be multiplied "
                             f"(result so far {out.shape}, next {m.shape})")
        out = OPS.matmul(out, m)
    return out if len(ms) > 1 else OPS.mul(out, 1)


@register()
def block_diag(*tensors: Any) -> Tensor:
    """The matrices (0-d: 1x1, 1-D: one row) along the diagonal of one matrix, zeros elsewhere.

    Example:
        >>> import autograd as ag
        >>> ag.block_diag(ag.tensor([[1.0]]), ag.tensor([2.0, 3.0]))
        tensor([[1., 0., 0.],
                [0., 2., 3.]])
    """
    ts = [tensor_arg(t, "block_diag", f"tensors[{i}]") for i, t in enumerate(tensors)]
    for i, t in enumerate(ts):
        if t.ndim > 2:
            raise ShapeError(f"block_diag: Input tensors must have 2 or fewer dimensions. Input "
                             f"{i} has {t.ndim} dimensions (shape {t.shape})")
    if not ts:
        return Tensor._make(np.zeros((1, 0), np.float32))
    dt = result_type(*ts)
    mats = [promoted(OPS.reshape(t, (1, -1)) if t.ndim < 2 else t, dt) for t in ts]
    width = sum(m.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        r, c = m.shape
        rows.append(OPS.cat([Tensor._make(np.zeros((r, left), dt)), m,
                             Tensor._make(np.zeros((r, width - left - c), dt))], 1))
        left += c
    return OPS.cat(rows, 0)


@register()
def cartesian_prod(*tensors: Any) -> Tensor:
    """Every combination of one element from each 1-D tensor, one per row (itertools.product
    order); a single tensor comes back as it is.

    Shape:
        (n1,), (n2,), ... -> (n1·n2·..., number of tensors)

    Example:
        >>> import autograd as ag
        >>> ag.cartesian_prod(ag.tensor([1, 2]), ag.tensor([3, 4])).tolist()
        [[1, 3], [1, 4], [2, 3], [2, 4]]
    """
    ts = [tensor_arg(t, "cartesian_prod", f"tensors[{i}]") for i, t in enumerate(tensors)]
    if not ts:
        raise OpError("cartesian_prod: expects a non-empty TensorList")
    for t in ts:
        if t.ndim != 1:
            raise ShapeError(f"cartesian_prod: Expect a 1D vector, but got shape {t.shape}")
    if len(ts) == 1:
        return ts[0]
    if len({t.array.dtype for t in ts}) > 1:
        raise OpError(f"cartesian_prod: meshgrid expects all tensors to have the same dtype, "
                      f"got {[str(t.array.dtype) for t in ts]}")
    grids = OPS.meshgrid(*ts, indexing="ij")
    return OPS.stack([OPS.reshape(g, (-1,)) for g in grids], 1)


@register()
def combinations(input: Any, r: int = 2, with_replacement: bool = False) -> Tensor:  # noqa: A002
    """The length-``r`` combinations of a 1-D tensor's elements, one per row
    (itertools.combinations order, or combinations_with_replacement).

    Args:
        input: a 1-D tensor.
        r: the length of each combination, >= 0.
        with_replacement: allow an element more than once.

    Shape:
        (n,) -> (number of combinations, r); r = 0 gives an empty 1-D tensor

    Example:
        >>> import autograd as ag
        >>> ag.combinations(ag.tensor([1, 2, 3])).tolist()
        [[1, 2], [1, 3], [2, 3]]
    """
    x = tensor_arg(input, "combinations")
    if x.ndim != 1:
        raise ShapeError(f"combinations: Expect a 1D vector, but got shape {x.shape}")
    if not isinstance(r, (int, np.integer)) or r < 0:
        raise OpError(f"combinations: Expect a non-negative number, but got {r}")
    if r == 0:
        return Tensor._make(np.zeros(0, x.array.dtype))
    pick = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    idx = np.array(list(pick(range(x.shape[0]), int(r))), np.int64).reshape(-1, int(r))
    return OPS.getitem(x, idx)


@register(method=True)
def diagflat(input: Any, offset: int = 0) -> Tensor:  # noqa: A002
    """A square matrix with the flattened ``input`` on diagonal ``offset``.

    Example:
        >>> import autograd as ag
        >>> ag.diagflat(ag.tensor([[1.0, 2.0]])).tolist()
        [[1.0, 0.0], [0.0, 2.0]]
    """
    x = tensor_arg(input, "diagflat")
    return OPS.diag(OPS.reshape(x, (-1,)), int(offset))


@register()
def vander(x: Any, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803
    """The Vandermonde matrix: columns ``x^(N-1), ..., x, 1`` (or ascending with
    ``increasing``), built by a running product so its gradient is cumprod's.

    Args:
        x: a 1-D tensor (bool becomes int64).
        N: the number of columns (default: the length of ``x``).
        increasing: powers rising from left to right.

    Shape:
        x (n,) -> (n, N), N defaulting to n

    Example:
        >>> import autograd as ag
        >>> ag.vander(ag.tensor([1, 2, 3])).tolist()
        [[1, 1, 1], [4, 2, 1], [9, 3, 1]]
    """
    v = tensor_arg(x, "vander", "x")
    if v.ndim != 1:
        raise ShapeError(f"vander: x must be a one-dimensional tensor, got shape {v.shape}")
    n = v.shape[0] if N is None else N
    if n < 0:
        raise OpError(f"vander: N must be non-negative, got {N}")
    if v.array.dtype == np.bool_:
        v = promoted(v, np.dtype(np.int64))
    if n == 0:
        return OPS.getitem(OPS.unsqueeze(v, 1), (slice(None), slice(0, 0)))
    ones = Tensor._make(np.ones((v.shape[0], 1), v.array.dtype))
    cols = OPS.expand(OPS.unsqueeze(v, 1), (v.shape[0], n - 1))
    out = OPS.cumprod(OPS.cat([ones, cols], 1), 1)
    return out if increasing else OPS.flip(out, (1,))


def _trapz_args(y: Any, x: Any, dx: Any, dim: int, op: str) -> tuple[Tensor, int]:
    t = tensor_arg(y, op, "y")
    if x is not None and dx is not None:
        raise TypeError(f"{op}: give x or dx, not both")
    d = norm_dim(dim, t.ndim, op) if t.ndim else norm_dim(dim, 0, op)
    if t.array.dtype.kind in "biu":
        t = promoted(t, np.dtype(np.float32))
    return t, d


def _spacing(t: Tensor, x: Any, d: int, op: str) -> Tensor:
    """The widths between neighbouring sample points along ``d``, broadcast against ``y``."""
    xs = tensor_arg(x, op, "x")
    if xs.ndim == 1:
        if xs.shape[0] != t.shape[d]:
            raise ShapeError(f"{op}: There must be one `x` value for each sample point, got x "
                             f"of shape {xs.shape} and y of shape {t.shape} along dim {d}")
        shape = [1] * t.ndim
        shape[d] = -1
        return OPS.reshape(OPS.diff(xs), tuple(shape))
    dd = d - t.ndim + xs.ndim if xs.ndim < t.ndim else d
    return OPS.diff(xs, 1, dd)


def _pairs(t: Tensor, d: int) -> tuple[Tensor, Tensor]:
    n = t.shape[d]
    return OPS.narrow(t, d, 1, n - 1), OPS.narrow(t, d, 0, n - 1)


@register(aliases=("trapz",))
def trapezoid(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The trapezoidal rule along ``dim``: samples ``y`` at points ``x`` (or spaced ``dx``,
    default 1).

    Args:
        y: the sampled values (integers give float32).
        x: the sample points: 1-D with one per sample along ``dim``, or broadcastable to ``y``.
        dx: the spacing of evenly spaced samples (keyword only; not with ``x``).
        dim: the dim to integrate along.

    Shape:
        y (*), x (n,) or broadcastable to y -> y without dim ``dim``

    Example:
        >>> import autograd as ag
        >>> ag.trapezoid(ag.tensor([1.0, 2.0, 3.0]), ag.tensor([1.0, 2.0, 4.0]))
        tensor(6.5000)
    """
    t, d = _trapz_args(y, x, dx, dim, "trapezoid")
    if t.shape[d] == 0:
        return OPS.sum(t, d)
    right, left = _pairs(t, d)
    if x is None:
        step = 1 if dx is None else dx
        edges = OPS.add(OPS.select(t, d, 0), OPS.select(t, d, -1))
        return OPS.mul(OPS.sub(OPS.sum(t, d), OPS.mul(edges, 0.5)), step)
    widths = _spacing(t, x, d, "trapezoid")
    return OPS.div(OPS.sum(OPS.mul(widths, OPS.add(right, left)), d), 2)


@register()
def cumulative_trapezoid(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The running trapezoidal rule along ``dim`` (one value fewer than ``y`` has there).

    Args:
        y, x, dx, dim: as :func:`trapezoid`.

    Example:
        >>> import autograd as ag
        >>> ag.cumulative_trapezoid(ag.tensor([1.0, 2.0, 3.0]))
        tensor([1.5000, 4.0000])
    """
    t, d = _trapz_args(y, x, dx, dim, "cumulative_trapezoid")
    if t.shape[d] == 0:
        return t
    right, left = _pairs(t, d)
    area = OPS.add(right, left)
    if x is None:
        area = OPS.mul(area, (1 if dx is None else dx) / 2)
    else:
        area = OPS.div(OPS.mul(_spacing(t, x, d, "cumulative_trapezoid"), area), 2)
    return OPS.cumsum(area, d)
