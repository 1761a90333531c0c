"""Matrix functions: inverse, det, slogdet, solve, cholesky, matrix_power (the
decompositions qr, svd, eigh and pinverse are in ``decompositions.py``; the ``ag.linalg``
namespace is ``autograd/linalg.py``).

Every op works on batches (``(*, m, n)``) and each backward is written in Tensor ops
(matmul, solve, inverse of this file), so second derivatives work too. The gradients
are PyTorch's: the decompositions assume distinct singular values / eigenvalues (the
gradient is undefined otherwise), and a matrix with a NaN or inf gives NaN results
rather than a LAPACK failure.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..function import Function
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import float_arg, pair
from ._notation import Derivative
from .products import ShapeError


class LinAlgError(RuntimeError):
    """A matrix the operation is not defined for (singular, not positive-definite), as
    PyTorch's ``torch.linalg.LinAlgError`` (a RuntimeError)."""


def _square(op: str, a: Tensor | np.ndarray) -> None:
    if a.ndim < 2:
        raise ShapeError(f"{op}: the input tensor A must have at least 2 dimensions, got "
                         f"shape {tuple(a.shape)}")
    if a.shape[-1] != a.shape[-2]:
        raise ShapeError(f"{op}: A must be batches of square matrices, but they are "
                         f"{a.shape[-2]} by {a.shape[-1]} matrices (shape {tuple(a.shape)})")


def _matrix(op: str, a: Tensor) -> None:
    if a.ndim < 2:
        raise ShapeError(f"{op}: the input tensor A must have at least 2 dimensions, got "
                         f"shape {tuple(a.shape)}")


def _guarded(a: np.ndarray, fn: Callable, op: str) -> Any:
    """``fn(a)`` with each matrix holding a NaN or inf answered by NaN outputs."""
    bad = ~np.isfinite(a).all(axis=(-2, -1)) if a.size else np.zeros(a.shape[:-2], bool)
    if bad.any():
        a = a.copy()
        a[bad] = np.eye(a.shape[-2], a.shape[-1], dtype=a.dtype)
    try:
        out = fn(a)
    except np.linalg.LinAlgError as e:
        raise LinAlgError(f"{op}: {_reason(op, str(e))} (input of shape {a.shape})") from None
    if bad.any():  # one matrix gives numpy scalars: arrays, so NaN can be written in
        outs = tuple(np.array(o) for o in (out if isinstance(out, tuple) else (out,)))
        for o in outs:
            o[bad] = np.nan
        out = outs if isinstance(out, tuple) else outs[0]
    return out


def _reason(op: str, msg: str) -> str:
    if "positive definite" in msg:
        return "the factorization could not be completed because the input is not " \
               "positive-definite"
    if "Singular" in msg or "singular" in msg:
        return "the input matrix is singular, so the operation could not be completed"
    return msg


def _eye(n: int, dtype: Any) -> Tensor:
    return Tensor._make(np.eye(n, dtype=dtype))


def _tril_mask(n: int, dtype: Any, diag: float = 1.0, k: int = 0) -> Tensor:
    """Ones on and below diagonal ``k``, with ``diag`` on the main diagonal."""
    m = np.tril(np.ones((n, n), dtype), k)
    if k >= 0:
        np.fill_diagonal(m, diag)
    return Tensor._make(m)


def _diag_embed(v: Tensor) -> Tensor:
    return OPS.mul(OPS.unsqueeze(v, -1), _eye(v.shape[-1], v.dtype))


def _nonsingular(a: Tensor, singular: np.ndarray) -> Tensor:
    """``a`` with the matrices flagged singular replaced by I (so inverting it cannot fail)."""
    if not singular.any():
        return a
    return OPS.where(singular[..., None, None], _eye(a.shape[-1], a.dtype), a)


def _unsq2(t: Tensor) -> Tensor:
    return OPS.unsqueeze(OPS.unsqueeze(t, -1), -1)


# ---------------------------------------------------------------- inverse, det, slogdet
class Inverse(Function):
    symbol = "A⁻¹"
    derivative = Derivative("∂L/∂A = −A⁻ᵀ G A⁻ᵀ")

    @staticmethod
    def forward(ctx, a):
        out = _guarded(a, np.linalg.inv, "linalg.inv")
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (inv,) = ctx.saved_tensors
        inv_t = inv.mT
        return -(inv_t @ grad @ inv_t)


@register(method=True)
def inverse(input: Any) -> Tensor:  # noqa: A002
    """The inverse of each square matrix, as ``torch.inverse`` / ``torch.linalg.inv``.

    Shape:
        input (*, n, n) -> (*, n, n)

    Raises:
        LinAlgError: a matrix is singular (a RuntimeError, as PyTorch's).

    Example:
        >>> import autograd as ag
        >>> ag.inverse(ag.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    a = float_arg(input, "linalg.inv")
    _square("linalg.inv", a)
    return Inverse.apply(a)


class Det(Function):
    symbol = "det"
    derivative = Derivative("∂det A/∂A = det A · A⁻ᵀ")

    @staticmethod
    def forward(ctx, a):
        out = np.asarray(_guarded(a, np.linalg.det, "linalg.det"))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, det = ctx.saved_tensors
        # an exactly singular matrix gets a zero gradient, as PyTorch's
        return _unsq2(grad * det) * inverse(_nonsingular(a, det.array == 0)).mT


@register(method=True)
def det(input: Any) -> Tensor:  # noqa: A002
    """The determinant of each square matrix, as ``torch.det`` / ``torch.linalg.det``.

    Its gradient ``det(A) A⁻ᵀ`` needs an invertible A.

    Shape:
        input (*, n, n) -> (*)

    Example:
        >>> import autograd as ag
        >>> ag.det(ag.tensor([[2.0, 1.0], [1.0, 3.0]]))
        tensor(5.)
    """
    a = float_arg(input, "linalg.det")
    _square("linalg.det", a)
    return Det.apply(a)


class Slogdet(Function):
    symbol = "slogdet"
    derivative = Derivative("∂log|det A|/∂A = A⁻ᵀ")

    @staticmethod
    def forward(ctx, a):
        sign, logabs = _guarded(a, lambda m: tuple(np.linalg.slogdet(m)), "linalg.slogdet")
        sign = np.asarray(sign)
        ctx.save_for_backward(a, sign)
        return sign, np.asarray(logabs)

    @staticmethod
    def backward(ctx, gsign, glog):
        a, sign = ctx.saved_tensors
        singular = sign.array == 0
        g = _unsq2(glog) * inverse(_nonsingular(a, singular)).mT
        if singular.any():  # log|det| = -inf there: no finite gradient
            g = OPS.where(singular[..., None, None], np.nan, g)
        return g


@register(method=True)
def slogdet(input: Any) -> tuple[Tensor, Tensor]:  # noqa: A002
    """``(sign, log|det|)`` of each square matrix, as ``torch.linalg.slogdet``.

    Only ``log|det|`` carries a gradient (``A⁻ᵀ``); the sign is piecewise constant.

    Shape:
        input (*, n, n) -> sign (*), logabsdet (*)

    Example:
        >>> import autograd as ag
        >>> sign, logabs = ag.slogdet(ag.tensor([[-2.0, 0.0], [0.0, 3.0]]))
        >>> sign.item(), round(logabs.item(), 4)
        (-1.0, 1.7918)
    """
    a = float_arg(input, "linalg.slogdet")
    _square("linalg.slogdet", a)
    return Slogdet.apply(a)


# ---------------------------------------------------------------- solve
class Solve(Function):
    symbol = "solve"
    derivative = Derivative("∂L/∂A = −A⁻ᵀ G Xᵀ", "∂L/∂B = A⁻ᵀ G")
    broadcasts = True  # batch dims broadcast; the engine sums each gradient back

    @staticmethod
    def forward(ctx, a, b):
        out = _guarded(a, lambda m: np.linalg.solve(m, b), "linalg.solve")
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        gb = linalg_solve(a.mT, grad)
        ga = -(gb @ x.mT) if ctx.needs_input_grad[0] else None
        return ga, gb


@register()
def linalg_solve(A: Any, B: Any, *, left: bool = True) -> Tensor:  # noqa: N803
    """The solution X of ``A X = B`` (``X A = B`` when ``left=False``), as
    ``torch.linalg.solve``.

    Args:
        A: square matrices ``(*, n, n)``.
        B: right-hand sides ``(*, n, k)``, or vectors ``(*, n)`` (when ``B`` is 1-D or has
            exactly A's batch shape); batch dims broadcast.
        left: solve ``A X = B`` (True) or ``X A = B``.

    Example:
        >>> import autograd as ag
        >>> ag.linalg.solve(ag.tensor([[2.0, 0.0], [0.0, 4.0]]), ag.tensor([2.0, 2.0]))
        tensor([1.0000, 0.5000])
    """
    a, b = pair(A, B, "linalg.solve")
    a, b = float_arg(a, "linalg.solve"), float_arg(b, "linalg.solve")
    _square("linalg.solve", a)
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    if vector:
        b = OPS.unsqueeze(b, -1) if left else OPS.unsqueeze(b, -2)
    if not left:
        a, b = a.mT, b.mT
    n = a.shape[-1]
    if b.ndim < 2 or b.shape[-2] != n:
        raise ShapeError(f"linalg.solve: incompatible shapes of A and B for the equation "
                         f"{'AX' if left else 'XA'} = B: A {tuple(A.shape)}, B "
                         f"{tuple(B.shape)}")
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ShapeError(f"linalg.solve: batch dims of A {tuple(a.shape)} and B "
                         f"{tuple(b.shape)} cannot be broadcast together") from None
    x = Solve.apply(a, b)
    if not left:
        x = x.mT
    return OPS.squeeze(x, -1 if left else -2) if vector else x


# ---------------------------------------------------------------- cholesky
class Cholesky(Function):
    symbol = "cholesky"
    derivative = Derivative("∂L/∂A = ½ sym(L⁻ᵀ Φ(Lᵀ Ḡ) L⁻¹)")

    @staticmethod
    def forward(ctx, a):
        out = _guarded(a, np.linalg.cholesky, "linalg.cholesky")
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (low,) = ctx.saved_tensors
        # Φ: the lower triangle of Lᵀ G with its diagonal halved
        phi = (low.mT @ grad) * _tril_mask(low.shape[-1], low.dtype, 0.5)
        s = linalg_solve(low.mT, phi)                # L⁻ᵀ Φ
        s = linalg_solve(low.mT, s.mT).mT            # L⁻ᵀ Φ L⁻¹
        return (s + s.mT) * 0.5                      # A is symmetric: symmetrize


@register(method=True)
def cholesky(input: Any, upper: bool = False) -> Tensor:  # noqa: A002
    """The Cholesky factor L (``A = L Lᵀ``) of symmetric positive-definite matrices, as
    ``torch.linalg.cholesky`` (only the lower triangle of A is read).

    Args:
        input: ``(*, n, n)`` symmetric positive-definite matrices.
        upper: return ``U = Lᵀ`` instead (``A = Uᵀ U``).

    Raises:
        LinAlgError: a matrix is not positive-definite.

    Example:
        >>> import autograd as ag
        >>> ag.cholesky(ag.tensor([[4.0, 2.0], [2.0, 5.0]]))
        tensor([[2., 0.],
                [1., 2.]])
    """
    a = float_arg(input, "linalg.cholesky")
    _square("linalg.cholesky", a)
    low = Cholesky.apply(a)
    return low.mT if upper else low


# ---------------------------------------------------------------- matrix_power
@register(method=True)
def matrix_power(input: Any, n: int) -> Tensor:  # noqa: A002
    """``A`` multiplied by itself ``n`` times (``A⁻¹`` for negative n, I for 0), as
    ``torch.linalg.matrix_power``; a composite of matmul and inverse (repeated squaring).

    Example:
        >>> import autograd as ag
        >>> ag.matrix_power(ag.tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
        tensor([[1., 3.],
                [0., 1.]])
    """
    a = float_arg(input, "linalg.matrix_power") if not isinstance(input, Tensor) else input
    _square("linalg.matrix_power", a)
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"linalg.matrix_power: n must be an int, got {n!r}")
    if n == 0:
        eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        return Tensor._make(eye.copy())
    if n < 0:
        a = inverse(a)
        n = -n
    result, base = None, a
    while n:
        if n & 1:
            result = base if result is None else OPS.matmul(result, base)
        n >>= 1
        if n:
            base = OPS.matmul(base, base)
    return result  # type: ignore[return-value]
