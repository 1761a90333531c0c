"""Statistics: quantile, nanquantile, cov, corrcoef, histogram, dist, renorm, logdet and
matrix_exp.

All but two are composites of existing ops with no backward of their own: quantile sorts and
interpolates between the one or two order statistics it needs (so the gradient goes to exactly
those elements, as PyTorch's), cov and corrcoef are PyTorch's formulas in matmul and sums,
renorm scales by ``maxnorm / (norm + 1e-7)`` as PyTorch does, logdet is slogdet's log|det|
with NaN where the determinant is negative. ``histogram`` counts (not differentiable), and
``matrix_exp`` is one Function: a scaled Taylor series forward, and the block-matrix identity
``exp([[Aᵀ, G], [0, Aᵀ]])`` (PyTorch's) for its backward, which is differentiable again.
"""
from __future__ import annotations

import warnings
from collections import namedtuple
from typing import Any

import numpy as np

from ..errors import OpError, OpNotImplementedError
from ..function import Function
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import norm_dim, tensor_arg
from ._notation import Derivative
from ._std_sort import torch_sort_order

#: ``(hist, bin_edges)``, as ``torch.return_types.histogram``
Histogram = namedtuple("Histogram", ["hist", "bin_edges"])

_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


# ---------------------------------------------------------------- quantile
def _quantile_q(q: Any, x: Tensor, op: str) -> tuple[np.ndarray, bool]:
    """``q`` as a 1-D array in ``x``'s dtype, and whether it was a scalar."""
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise OpError(f"{op}() q must be a scalar or 1D tensor, got shape {q.shape}")
        if q.array.dtype != x.array.dtype:
            raise OpError(f"{op}() q tensor must be same dtype as the input tensor, got "
                          f"{q.array.dtype} and {x.array.dtype}")
        arr, scalar = q.array.reshape(-1), q.ndim == 0
    elif isinstance(q, (int, float, np.floating, np.integer)) and not isinstance(q, bool):
        arr, scalar = np.asarray([q], x.array.dtype), True
    else:
        raise TypeError(f"{op}(): q must be a float or a Tensor, got {type(q).__name__}")
    bad = arr[~((arr >= 0) & (arr <= 1))]
    if bad.size:
        raise OpError(f"{op}() q must be in the range [0, 1] but got {bad[0]}")
    return arr, scalar


def _ranks(srt: np.ndarray, qa: np.ndarray, ignore_nan: bool, how: str) -> tuple:
    """The fractional position of each quantile in each sorted slice, ``(*batch, k)``; the
    factor that multiplies ``q`` there, and where the position does not depend on ``q``."""
    nan = np.isnan(srt)
    if ignore_nan:
        scale = ((~nan).sum(-1, keepdims=True) - 1).astype(qa.dtype)
        ranks = qa * scale
        fixed = ranks < 0
        ranks = np.where(fixed, 0, ranks).astype(qa.dtype)
    else:
        last = qa.dtype.type(srt.shape[-1] - 1)
        scale = np.full(srt.shape[:-1] + (1,), last, qa.dtype)
        ranks = np.broadcast_to(qa * last, srt.shape[:-1] + qa.shape)
        fixed = np.broadcast_to(nan.any(-1, keepdims=True), ranks.shape)
        ranks = np.where(fixed, last, ranks)
    if how == "lower":
        ranks = np.floor(ranks)
    elif how == "higher":
        ranks = np.ceil(ranks)
    elif how == "nearest":
        ranks = np.round(ranks)  # half to even, as PyTorch's round
    return ranks, scale, fixed


def _weight(q: Any, ranks: np.ndarray, scale: np.ndarray, fixed: np.ndarray,
            below: np.ndarray) -> Tensor:
    """Linear interpolation's weight ``q·scale - below``; a tensor ``q`` that requires grad
    gets its gradient through it, as PyTorch's does."""
    dt = ranks.dtype
    if not (isinstance(q, Tensor) and q.requires_grad):
        return Tensor._make((ranks - below).astype(dt))
    pos = OPS.mul(OPS.reshape(q, (-1,)), Tensor._make(scale))
    pos = OPS.where(fixed, Tensor._make(ranks), pos)
    return OPS.sub(pos, Tensor._make(below.astype(dt)))


def _quantile(x: Any, q: Any, dim: Any, keepdim: bool, how: str, op: str) -> Tensor:
    x = tensor_arg(x, op)
    if x.array.dtype not in (np.float32, np.float64):
        raise OpError(f"{op}() input tensor must be either float or double dtype, got "
                      f"{x.array.dtype}")
    if x.array.size == 0:
        raise OpError(f"{op}() input tensor must be non-empty, got shape {x.shape}")
    if how not in _MODES:
        raise OpError(f"{op}() interpolation must be one of linear, lower, higher, midpoint "
                      f"or nearest, but got {how}")
    qa, scalar = _quantile_q(q, x, op)
    if dim is None:
        flat, out_keep = OPS.reshape(x, (-1,)), (1,) * x.ndim
    else:
        d = norm_dim(dim, max(x.ndim, 1), op)
        flat = OPS.movedim(x.reshape(-1) if x.ndim == 0 else x, d, -1)
        out_keep = None
    # torch.sort's order (NaN last); its unstable order among equal values decides which of
    # them the gradient reaches, so it is followed when that matters
    order = (torch_sort_order(flat.array) if flat.requires_grad
             else np.argsort(flat.array, -1, kind="stable"))
    srt = OPS.gather(flat, -1, order)
    ranks, scale, fixed = _ranks(srt.array, qa, op == "nanquantile", how)
    below = np.floor(ranks).astype(np.int64)
    out = OPS.gather(srt, -1, below)
    if how in ("linear", "midpoint"):
        above = OPS.gather(srt, -1, np.ceil(ranks).astype(np.int64))
        w = (Tensor._make(np.full_like(ranks, 0.5)) if how == "midpoint"
             else _weight(q, ranks, scale, fixed, below))
        out = OPS.lerp(out, above, w)
    out = OPS.movedim(out, -1, 0)  # (k, *batch)
    if keepdim:
        out = (OPS.reshape(out, (len(qa),) + out_keep) if out_keep is not None
               else OPS.unsqueeze(out, d + 1) if x.ndim else out)
    return OPS.squeeze(out, 0) if scalar else out


@register(method=True)
def quantile(input: Any, q: Any, dim: int | None = None, keepdim: bool = False, *,  # noqa: A002
             interpolation: str = "linear") -> Tensor:
    """The ``q``-quantiles of ``input`` along ``dim`` (of all elements when None).

    A quantile between two order statistics interpolates them as ``interpolation`` says
    ('linear', 'lower', 'higher', 'midpoint', 'nearest'); the gradient goes to those one or
    two elements (among equal values, to the one PyTorch's sort puts there, for slices of up
    to 100,000 elements). A slice holding a NaN gives NaN.

    Args:
        input: a float32 or float64 tensor, not empty.
        q: a number or a 1-D tensor (same dtype as ``input``) of values in [0, 1].
        dim: the dim to reduce, or None for all elements.
        keepdim: keep the reduced dim as size 1.
        interpolation: how to pick a value between two order statistics.

    Shape:
        a 1-D ``q`` of k values puts a leading dim of size k before the reduced shape.

    Example:
        >>> import autograd as ag
        >>> ag.quantile(ag.tensor([1.0, 2.0, 4.0, 8.0]), 0.5)
        tensor(3.)
    """
    return _quantile(input, q, dim, keepdim, interpolation, "quantile")


@register(method=True)
def nanquantile(input: Any, q: Any, dim: int | None = None, keepdim: bool = False, *,  # noqa: A002
                interpolation: str = "linear") -> Tensor:
    """:func:`quantile` ignoring NaN (a slice of NaN only gives NaN).

    Example:
        >>> import autograd as ag
        >>> ag.nanquantile(ag.tensor([1.0, float("nan"), 3.0]), 0.5)
        tensor(2.)
    """
    return _quantile(input, q, dim, keepdim, interpolation, "nanquantile")


# ---------------------------------------------------------------- cov, corrcoef
def _weights(w: Any, name: str, n: int, integral: bool) -> Tensor:
    w = tensor_arg(w, "cov", name)
    if w.ndim > 1:
        raise OpError(f"cov(): expected {name} to have one or fewer dimensions but got {name} "
                      f"with {w.ndim} dimensions")
    kind_ok = w.array.dtype.kind in "iu" if integral else w.array.dtype.kind == "f"
    if not kind_ok:
        want = "integral" if integral else "floating point"
        raise OpError(f"cov(): expected {name} to have {want} dtype but got {name} with "
                      f"dtype {w.array.dtype}")
    if w.array.size != n:
        raise OpError(f"cov(): expected {name} to have the same numel as there are "
                      f"observations in the input but got {w.array.size} != {n}")
    if w.array.size and w.array.min() < 0:
        raise OpError(f"cov(): {name} cannot be negative")
    return w


@register(method=True)
def cov(input: Any, *, correction: int = 1, fweights: Any = None,  # noqa: A002
        aweights: Any = None) -> Tensor:
    """Covariance of the variables in the rows of ``input`` (observations in columns).

    Args:
        input: (n_vars, n_obs), or a 1-D tensor of observations of one variable.
        correction: subtracted from the number (or weight) of observations; 1 is Bessel's.
        fweights: integer frequency weights, one per observation.
        aweights: float observation weights, one per observation.

    Shape:
        (v, n) -> (v, v); (n,) or (1, n) -> ()

    Example:
        >>> import autograd as ag
        >>> ag.cov(ag.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    x = tensor_arg(input, "cov")
    if x.ndim > 2:
        raise OpError(f"cov(): expected input to have two or fewer dimensions but got an input "
                      f"with {x.ndim} dimensions (shape {x.shape})")
    x = OPS.reshape(x, (1, -1)) if x.ndim < 2 else x
    n = x.shape[1]
    w = None if fweights is None else _weights(fweights, "fweights", n, True)
    aw = None if aweights is None else _weights(aweights, "aweights", n, False)
    if aw is not None:
        w = aw if w is None else OPS.mul(w, aw)
    w_sum: Any = n if w is None else OPS.sum(w)
    avg = OPS.div(OPS.sum(x if w is None else OPS.mul(x, w), 1), w_sum)
    if w is None or correction == 0:
        norm = OPS.sub(w_sum, correction) if w is not None else n - correction
    elif aw is None:
        norm = OPS.sub(w_sum, correction)
    else:
        norm = OPS.sub(w_sum, OPS.div(OPS.mul(OPS.sum(OPS.mul(w, aw)), correction), w_sum))
    if float(np.asarray(getattr(norm, "array", norm))) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)
        norm = 0
    xm = OPS.sub(x, OPS.unsqueeze(avg, 1))
    c = OPS.matmul(xm, OPS.transpose(xm if w is None else OPS.mul(xm, w), 0, 1))
    return OPS.squeeze(OPS.div(c, norm))


@register(method=True)
def corrcoef(input: Any) -> Tensor:  # noqa: A002
    """Pearson correlation coefficients of the variables in the rows of ``input``.

    ``cov(input)`` divided by the outer product of the standard deviations, clipped to
    [-1, 1] as PyTorch does.

    Example:
        >>> import autograd as ag
        >>> ag.corrcoef(ag.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    x = tensor_arg(input, "corrcoef")
    if x.ndim > 2:
        raise OpError(f"corrcoef(): expected input to have two or fewer dimensions but got an "
                      f"input with {x.ndim} dimensions (shape {x.shape})")
    c = cov(x)
    if c.ndim == 0:
        return OPS.div(c, c)
    sd = OPS.sqrt(OPS.diagonal(c))
    c = OPS.div(OPS.div(c, OPS.unsqueeze(sd, 1)), OPS.unsqueeze(sd, 0))
    return OPS.clip(c, -1, 1)


# ---------------------------------------------------------------- histogram
def _linspace(lo: float, hi: float, n: int, dtype: Any) -> np.ndarray:
    """``n`` evenly spaced values as PyTorch's linspace computes them (from both ends)."""
    step = (dtype.type(hi) - dtype.type(lo)) / dtype.type(max(n - 1, 1))
    i = np.arange(n)
    half = n // 2
    return np.where(i < half, dtype.type(lo) + step * i,
                    dtype.type(hi) - step * (n - 1 - i)).astype(dtype)


def _hist_edges(x: np.ndarray, bins: Any, rng: Any) -> np.ndarray:
    if isinstance(bins, Tensor):
        if bins.ndim != 1:
            raise OpError(f"histogram: bins tensor should have one dimension, but got "
                          f"{bins.ndim} dimensions in the bins tensor (shape {bins.shape})")
        return bins.array.astype(x.dtype)
    if not isinstance(bins, (int, np.integer)) or isinstance(bins, bool) or bins <= 0:
        raise OpError(f"histogram: bins must be > 0, but got {bins}")
    if rng is not None:
        lo, hi = (float(v) for v in rng)
        if lo > hi:
            raise OpError(f"histogram: min should not exceed max, but got min {lo} max {hi}")
    elif x.size:
        lo, hi = float(x.min()), float(x.max())
    else:
        lo, hi = 0.0, 1.0
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise OpError(f"histogram: the range [{lo}, {hi}] is not finite")
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    return _linspace(lo, hi, int(bins) + 1, x.dtype)


@register(method=True)
def histogram(input: Any, bins: Any = 100, *, range: Any = None, weight: Any = None,  # noqa: A002
              density: bool = False) -> Histogram:
    """A histogram of ``input``'s values: counts (or summed weights) and the bin edges.

    Args:
        input: a floating point tensor (flattened).
        bins: the number of equal bins, or a 1-D tensor of increasing bin edges.
        range: ``(min, max)`` of the equal bins (default: the data's range, widened by 0.5
            on each side when it is a single value).
        weight: a tensor like ``input`` whose values are summed instead of counted.
        density: divide by the total and by each bin's width.

    Returns:
        ``(hist, bin_edges)``: each bin holds ``[edge_i, edge_i+1)``, the last also its right
        edge; values outside the edges are left out. Not differentiable, as PyTorch's.

    Example:
        >>> import autograd as ag
        >>> ag.histogram(ag.tensor([1.0, 2.0, 1.0]), 2, range=(0.0, 2.0)).hist
        tensor([0., 3.])
    """
    x = tensor_arg(input, "histogram")
    if x.array.dtype.kind != "f":
        raise OpNotImplementedError(f"histogram: not implemented for dtype {x.array.dtype}; "
                                    "convert the input with .float()")
    flat = x.array.reshape(-1)
    edges = _hist_edges(flat, bins, range)
    w = None
    if weight is not None:
        w = tensor_arg(weight, "histogram", "weight").array
        if w.shape != x.shape:
            raise OpError(f"histogram: weight of shape {w.shape} must have the input's shape "
                          f"{x.shape}")
        w = w.reshape(-1)
    nb = edges.size - 1
    hist = np.zeros(max(nb, 0), x.array.dtype)
    if nb > 0:
        keep = (flat >= edges[0]) & (flat <= edges[-1])
        pos = np.minimum(np.searchsorted(edges, flat[keep], "right") - 1, nb - 1)
        np.add.at(hist, pos, 1 if w is None else w[keep])
        if density:
            hist = hist / (hist.sum() * np.diff(edges))
    return Histogram(Tensor._make(hist.astype(x.array.dtype)), Tensor._make(edges))


# ---------------------------------------------------------------- dist, renorm
@register(method=True)
def dist(input: Any, other: Any, p: float = 2) -> Tensor:  # noqa: A002
    """The ``p``-norm of ``input - other`` (broadcast), as ``torch.dist``.

    Args:
        input, other: floating point tensors that broadcast together.
        p: the norm's order (0 counts nonzeros, ``inf`` takes the largest).

    Example:
        >>> import autograd as ag
        >>> ag.dist(ag.tensor([0.0, 0.0]), ag.tensor([3.0, 4.0]))
        tensor(5.)
    """
    a, b = tensor_arg(input, "dist"), tensor_arg(other, "dist", "other")
    for t in (a, b):
        if t.array.dtype.kind not in "fc":
            raise OpError(f"dist: input dtype should be floating point, got {t.array.dtype}")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise OpError(f"dist: shapes {a.shape} and {b.shape} cannot be broadcast together") \
            from None
    return OPS.linalg_vector_norm(OPS.sub(a, b), p)


@register(method=True)
def renorm(input: Any, p: float, dim: int, maxnorm: float) -> Tensor:  # noqa: A002
    """Each slice ``input.select(dim, i)`` whose ``p``-norm exceeds ``maxnorm`` scaled down to
    norm ``maxnorm`` (by ``maxnorm / (norm + 1e-7)``, as PyTorch); the others unchanged.

    Args:
        input: a floating point tensor of at least 2 dims.
        p: the norm's order, > 0.
        dim: the dim whose slices are measured one by one.
        maxnorm: the largest norm a slice keeps, >= 0.

    Example:
        >>> import autograd as ag
        >>> ag.renorm(ag.tensor([[3.0, 4.0], [0.3, 0.4]]), 2, 0, 1.0)
        tensor([[0.6000, 0.8000],
                [0.3000, 0.4000]])
    """
    x = tensor_arg(input, "renorm")
    if not p > 0:
        raise OpError(f"renorm: non-positive-norm not supported, got p={p}")
    if not maxnorm >= 0:
        raise OpError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if x.ndim < 2:
        raise OpError(f"renorm: input needs at least 2 dimensions, got {x.ndim} dimensions "
                      f"(shape {x.shape})")
    if x.array.dtype.kind != "f":
        raise OpError(f"renorm: expected a floating point tensor, got {x.array.dtype}")
    d = norm_dim(dim, x.ndim, "renorm")
    others = tuple(i for i in range(x.ndim) if i != d)
    norm = OPS.linalg_vector_norm(x, p, others, True)
    big = norm.array > maxnorm
    factor = OPS.where(big, OPS.div(maxnorm, OPS.add(norm, 1e-7)), 1.0)
    return OPS.mul(x, factor)


# ---------------------------------------------------------------- logdet, matrix_exp
def _square_float(op: str, a: Tensor) -> None:
    if a.array.dtype.kind not in "fc":
        raise OpError(f"{op}: Expected a floating point tensor as input, got {a.array.dtype}")
    if a.ndim < 2:
        raise OpError(f"{op}: The input tensor A must have at least 2 dimensions, got shape "
                      f"{a.shape}")
    if a.shape[-1] != a.shape[-2]:
        raise OpError(f"{op}: A must be batches of square matrices, but they are "
                      f"{a.shape[-2]} by {a.shape[-1]} matrices (shape {a.shape})")


@register(method=True)
def logdet(input: Any) -> Tensor:  # noqa: A002
    """``log(det A)`` of each square matrix: NaN where the determinant is negative, -inf where
    it is 0; the gradient is slogdet's (``A⁻ᵀ``), 0 where the result is NaN.

    Example:
        >>> import autograd as ag
        >>> ag.logdet(ag.tensor([[2.0, 0.0], [0.0, 3.0]])).exp()
        tensor(6.)
    """
    a = tensor_arg(input, "logdet")
    _square_float("logdet", a)
    sign, logabs = OPS.slogdet(a)
    return OPS.where(sign.array == -1, np.nan, logabs)


def _expm(a: np.ndarray) -> np.ndarray:
    """exp of each matrix: a degree-18 Taylor series of A / 2ˢ (‖A / 2ˢ‖₁ ≤ 1/2), squared s
    times."""
    a64 = a.astype(np.float64)
    n = a.shape[-1]
    if a.size == 0:
        return np.zeros_like(a)
    norm = np.abs(a64).sum(-2).max(-1)  # the 1-norm of each matrix
    with np.errstate(divide="ignore"):
        s = np.where(np.isfinite(norm), np.maximum(0, np.ceil(np.log2(norm / 0.5))), 0)
    s = s.astype(np.int64)
    scaled = a64 / np.exp2(s)[..., None, None]
    eye = np.eye(n)
    out = np.broadcast_to(eye, a.shape).copy()
    for k in range(18, 0, -1):
        out = eye + scaled @ out / k
    for j in range(int(s.max(initial=0))):
        out = np.where((j < s)[..., None, None], out @ out, out)
    return out.astype(a.dtype)


class MatrixExp(Function):
    symbol = "expm"
    derivative = Derivative("∂L/∂A = the top-right block of exp([[Aᵀ, G], [0, Aᵀ]])")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(all="ignore"):
            return _expm(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        n = a.shape[-1]
        at = OPS.transpose(a, -2, -1)
        top = OPS.cat([at, grad], -1)
        bottom = OPS.cat([Tensor._make(np.zeros_like(at.array)), at], -1)
        big = MatrixExp.apply(OPS.cat([top, bottom], -2))
        return big[..., :n, n:]


@register(method=True)
def matrix_exp(input: Any) -> Tensor:  # noqa: A002
    """The matrix exponential ``Σ Aᵏ / k!`` of each square matrix, as ``torch.matrix_exp``.

    Shape:
        input (*, n, n) -> (*, n, n)

    Example:
        >>> import autograd as ag
        >>> ag.matrix_exp(ag.tensor([[0.0, 1.0], [0.0, 0.0]]))
        tensor([[1., 1.],
                [0., 1.]])
    """
    a = tensor_arg(input, "linalg.matrix_exp")
    _square_float("linalg.matrix_exp", a)
    return MatrixExp.apply(a)
