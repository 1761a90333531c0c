"""``ag.linalg``: PyTorch's ``torch.linalg`` names for the matrix functions.

The ops themselves (their Functions, gradients and registry entries) live in
``autograd/ops/linalg_ops.py`` and ``decompositions.py``; this namespace gives them
``torch.linalg``'s names and signatures.

Example:
    >>> import autograd as ag
    >>> a = ag.tensor([[4.0, 1.0], [1.0, 3.0]])
    >>> ag.linalg.det(a).item(), ag.linalg.inv(a).shape
    (11.0, (2, 2))
"""
from __future__ import annotations

from typing import Any, NamedTuple, Sequence

import numpy as np

from .ops._common import pair
from .ops.decompositions import linalg_eigh, linalg_pinv, linalg_qr, linalg_svd
from .ops.linalg_ops import LinAlgError, cholesky, det, linalg_solve, matrix_power, slogdet
from .ops.linalg_ops import inverse as inv
from .ops.norm import matrix_norm, vector_norm
from .ops.products import ShapeError
from .ops.stats import matrix_exp
from .registry import OPS
from .tensor import Tensor

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cross", "det", "eigh", "eigvalsh", "inv",
           "inv_ex", "lstsq", "matmul", "matrix_power", "matrix_rank", "multi_dot", "pinv", "qr",
           "slogdet", "solve", "svd", "svdvals", "vecdot", "matrix_exp",
           "vector_norm", "matrix_norm"]  # the norms' Functions are in ops/norm.py


def solve(A: Any, B: Any, *, left: bool = True) -> Tensor:  # noqa: N803
    """The solution X of ``A X = B`` (``X A = B`` when ``left=False``); batch dims broadcast.

    Shape:
        A (*, n, n), B (*, n, k) or (*, n) -> X of B's shape (broadcast batch)

    Example:
        >>> import autograd as ag
        >>> ag.linalg.solve(ag.tensor([[2.0, 0.0], [0.0, 4.0]]), ag.tensor([[2.0], [2.0]]))
        tensor([[1.0000],
                [0.5000]])
    """
    return linalg_solve(A, B, left=left)


def qr(A: Any, mode: str = "reduced") -> tuple[Tensor, Tensor]:  # noqa: N803
    """``(Q, R)`` with ``A = Q R``: Q with orthonormal columns, R upper triangular.

    Args:
        A: ``(*, m, n)`` matrices.
        mode: ``'reduced'`` (Q ``(*, m, k)``, R ``(*, k, n)``, k = min(m, n)),
            ``'complete'`` (Q ``(*, m, m)``) or ``'r'`` (R only; Q is empty).

    Gradients as PyTorch's: defined for ``'reduced'`` and for ``'complete'`` with m <= n.

    Example:
        >>> import autograd as ag
        >>> q, r = ag.linalg.qr(ag.ones(4, 2), mode="complete")
        >>> q.shape, r.shape
        ((4, 4), (4, 2))
    """
    return linalg_qr(A, mode)


def svd(A: Any, full_matrices: bool = True) -> tuple[Tensor, Tensor, Tensor]:  # noqa: N803
    """``(U, S, Vh)`` with ``A = U diag(S) Vh``, singular values in descending order.

    Args:
        A: ``(*, m, n)`` matrices.
        full_matrices: complete U ``(*, m, m)`` and Vh ``(*, n, n)``; False gives the
            reduced ones (k = min(m, n) columns).

    The gradient assumes distinct, non-zero singular values (as PyTorch's); with
    ``full_matrices=True`` the columns beyond k are not unique and get no gradient.

    Example:
        >>> import autograd as ag
        >>> u, s, vh = ag.linalg.svd(ag.ones(3, 2), full_matrices=False)
        >>> u.shape, s.shape, vh.shape
        ((3, 2), (2,), (2, 2))
    """
    return linalg_svd(A, full_matrices)


def svdvals(A: Any) -> Tensor:  # noqa: N803
    """The singular values of ``A`` in descending order (``svd(A)[1]``).

    Example:
        >>> import autograd as ag
        >>> ag.linalg.svdvals(ag.tensor([[3.0, 0.0], [0.0, -4.0]]))
        tensor([4., 3.])
    """
    return linalg_svd(A, full_matrices=False)[1]


def eigh(A: Any, UPLO: str = "L") -> tuple[Tensor, Tensor]:  # noqa: N803
    """Eigenvalues (ascending) and orthonormal eigenvectors of symmetric matrices.

    Only the ``UPLO`` (``'L'`` or ``'U'``) triangle of A is read. The gradient assumes
    distinct eigenvalues (as PyTorch's) and is symmetric.

    Shape:
        A (*, n, n) -> eigenvalues (*, n), eigenvectors (*, n, n)

    Example:
        >>> import autograd as ag
        >>> w, v = ag.linalg.eigh(ag.tensor([[2.0, 0.0], [0.0, 1.0]]))
        >>> w
        tensor([1., 2.])
    """
    return linalg_eigh(A, UPLO)


def eigvalsh(A: Any, UPLO: str = "L") -> Tensor:  # noqa: N803
    """The eigenvalues of symmetric matrices, ascending (``eigh(A)[0]``).

    Example:
        >>> import autograd as ag
        >>> ag.linalg.eigvalsh(ag.tensor([[2.0, 1.0], [1.0, 2.0]]))
        tensor([1., 3.])
    """
    return linalg_eigh(A, UPLO)[0]


def pinv(A: Any, *, atol: float | None = None, rtol: float | None = None,  # noqa: N803
         hermitian: bool = False) -> Tensor:
    """The Moore-Penrose pseudo-inverse, from the SVD.

    Args:
        A: ``(*, m, n)`` matrices.
        atol, rtol: singular values at or below ``max(atol, rtol * σ_max)`` count as zero
            (PyTorch's defaults: atol 0, rtol ``max(m, n) * eps`` when neither is given).
        hermitian: A is symmetric (the result is the same; kept for PyTorch's signature).

    The gradient is PyTorch's (constant rank assumed).

    Shape:
        A (*, m, n) -> (*, n, m)

    Example:
        >>> import autograd as ag
        >>> ag.linalg.pinv(ag.tensor([[2.0, 0.0], [0.0, 0.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.0000]])
    """
    return linalg_pinv(A, atol=atol, rtol=rtol, hermitian=hermitian)


# ---------------------------------------------------------------- composites
def matmul(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``torch.linalg.matmul``: the same as ``ag.matmul``.

    Example:
        >>> import autograd as ag
        >>> ag.linalg.matmul(ag.ones(2, 3), ag.ones(3)).tolist()
        [3.0, 3.0]
    """
    return OPS.matmul(input, other)


def cross(input: Any, other: Any, *, dim: int = -1) -> Tensor:  # noqa: A002
    """Cross product of 3-vectors along ``dim`` (default the last), as ``torch.linalg.cross``.

    Example:
        >>> import autograd as ag
        >>> ag.linalg.cross(ag.tensor([[0.0, 0.0, 1.0]]), ag.tensor([[1.0, 0.0, 0.0]])).tolist()
        [[0.0, 1.0, 0.0]]
    """
    return OPS.cross(input, other, dim)


def vecdot(x: Any, y: Any, *, dim: int = -1) -> Tensor:
    """The dot product of vectors along ``dim`` (broadcasting), as ``torch.linalg.vecdot``.

    Example:
        >>> import autograd as ag
        >>> ag.linalg.vecdot(ag.ones(2, 3), ag.tensor([1.0, 2.0, 3.0])).tolist()
        [6.0, 6.0]
    """
    return OPS.sum(OPS.mul(x, y), dim)


def multi_dot(tensors: Sequence[Any]) -> Tensor:
    """The product of a chain of matrices; the first and last may be vectors (a row and a
    column), as ``torch.linalg.multi_dot``.

    Example:
        >>> import autograd as ag
        >>> ag.linalg.multi_dot([ag.ones(3), ag.ones(3, 2), ag.ones(2)]).item()
        6.0
    """
    ts = list(tensors)
    if len(ts) < 2:
        raise ValueError(f"linalg.multi_dot: expected at least 2 tensors, got {len(ts)}")
    for k, t in enumerate(ts):
        ok = t.ndim == 2 or (t.ndim == 1 and k in (0, len(ts) - 1))
        if not ok:
            raise ShapeError(f"linalg.multi_dot: tensor {k} must be 2-D (only the first and "
                             f"last may be 1-D), got shape {tuple(t.shape)}")
    out = ts[0]
    for t in ts[1:]:
        out = OPS.matmul(out, t)
    return out


def matrix_rank(A: Any, *, atol: float | None = None, rtol: float | None = None,  # noqa: N803
                hermitian: bool = False) -> Tensor:
    """The number of singular values above ``max(atol, rtol * σ_max)`` (int64), as
    ``torch.linalg.matrix_rank`` (rtol defaults to ``max(m, n) * eps``).

    Example:
        >>> import autograd as ag
        >>> ag.linalg.matrix_rank(ag.ones(3, 3)).item()
        1
    """
    s = svdvals(A).numpy()
    m, n = A.shape[-2:]
    if rtol is None:
        rtol = 0.0 if atol else max(m, n) * float(np.finfo(s.dtype).eps)
    smax = s.max(-1, keepdims=True, initial=0.0)
    cutoff = np.maximum(atol or 0.0, rtol * smax)
    return Tensor._make((s > cutoff).sum(-1).astype(np.int64))


class LstsqResult(NamedTuple):
    """``torch.linalg.lstsq``'s result (residuals and singular values are empty, as with
    PyTorch's default CPU driver ``gelsy``)."""

    solution: Tensor
    residuals: Tensor
    rank: Tensor
    singular_values: Tensor


def lstsq(A: Any, B: Any, rcond: float | None = None, *,  # noqa: N803
          driver: str | None = None) -> LstsqResult:
    """The least-squares (minimum-norm) solution X of ``A X ≈ B``, as ``torch.linalg.lstsq``
    (computed as ``pinv(A) @ B``, so it is differentiable).

    Shape:
        A (*, m, n), B (*, m, k) -> solution (*, n, k)

    Example:
        >>> import autograd as ag
        >>> A = ag.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        >>> ag.linalg.lstsq(A, ag.tensor([[1.0], [1.0], [2.0]])).solution.tolist()
        [[1.0], [1.0]]
    """
    if driver not in (None, "gelsy", "gelsd", "gelss", "gels"):
        raise ValueError(f"linalg.lstsq: driver must be one of gels, gelsy, gelsd, gelss, "
                         f"got {driver!r}")
    a, b = pair(A, B, "linalg.lstsq")
    if b.ndim < 2 or a.ndim < 2 or a.shape[-2] != b.shape[-2]:
        raise ShapeError(f"linalg.lstsq: input.size(-2) should match other.size(-2), got "
                         f"shapes {tuple(a.shape)} and {tuple(b.shape)}")
    x = OPS.matmul(pinv(a, rtol=rcond), b)
    empty = Tensor._make(np.zeros(0, x.dtype))
    return LstsqResult(x, empty, matrix_rank(a, rtol=rcond), empty)


class InvExResult(NamedTuple):
    """``torch.linalg.inv_ex``'s result: the inverse and a per-matrix status (0 = ok)."""

    inverse: Tensor
    info: Tensor


def inv_ex(A: Any, *, check_errors: bool = False) -> InvExResult:  # noqa: N803
    """The inverse without raising for singular matrices: ``info`` is non-zero for those
    (and their inverse is NaN), as ``torch.linalg.inv_ex``.

    Example:
        >>> import autograd as ag
        >>> ag.linalg.inv_ex(ag.zeros(2, 2)).info.item()
        1
    """
    a = A if isinstance(A, Tensor) else Tensor(A)
    if check_errors:
        return InvExResult(inv(a), Tensor._make(np.zeros(a.shape[:-2], np.int32)))
    sign = slogdet(a.detach())[0].numpy()
    bad = sign == 0
    safe = OPS.where(bad[..., None, None], np.eye(a.shape[-1], dtype=a.dtype), a) \
        if bad.any() else a
    out = inv(safe)
    if bad.any():
        out = OPS.where(bad[..., None, None], np.nan, out)
    return InvExResult(out, Tensor._make(np.asarray(bad, np.int32)))


class CholeskyExResult(NamedTuple):
    """``torch.linalg.cholesky_ex``'s result: L and per matrix the order of the first leading
    minor that is not positive-definite (0 = ok)."""

    L: Tensor
    info: Tensor


def cholesky_ex(A: Any, *, upper: bool = False,  # noqa: N803
                check_errors: bool = False) -> CholeskyExResult:
    """The Cholesky factor without raising for matrices that are not positive-definite:
    their ``info`` is the order of the failing leading minor (and L is NaN), as
    ``torch.linalg.cholesky_ex``.

    Example:
        >>> import autograd as ag
        >>> ag.linalg.cholesky_ex(-ag.eye(2)).info.item()
        1
    """
    a = A if isinstance(A, Tensor) else Tensor(A)
    if check_errors:
        ok = Tensor._make(np.zeros(a.shape[:-2], np.int32))
        return CholeskyExResult(cholesky(a, upper), ok)
    arr = a.numpy().reshape((-1,) + a.shape[-2:])
    info = np.array([_first_failing_minor(m) for m in arr], np.int32).reshape(a.shape[:-2])
    bad = info > 0
    safe = OPS.where(bad[..., None, None], np.eye(a.shape[-1], dtype=a.dtype), a) \
        if bad.any() else a
    low = cholesky(safe, upper)
    if bad.any():
        low = OPS.where(bad[..., None, None], np.nan, low)
    return CholeskyExResult(low, Tensor._make(info))


def _first_failing_minor(m: np.ndarray) -> int:
    try:
        np.linalg.cholesky(m)
        return 0
    except np.linalg.LinAlgError:
        pass
    for k in range(1, m.shape[-1] + 1):
        try:
            np.linalg.cholesky(m[:k, :k])
        except np.linalg.LinAlgError:
            return k
    return m.shape[-1]
