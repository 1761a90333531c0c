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

from typing import Any

from .ops.decompositions import linalg_eigh, linalg_pinv, linalg_qr, linalg_svd
from .ops.linalg_ops import LinAlgError, cholesky, det, linalg_solve, matrix_power, slogdet
from .ops.linalg_ops import inverse as inv
from .ops.norm import matrix_norm, vector_norm
from .tensor import Tensor

__all__ = ["LinAlgError", "cholesky", "det", "eigh", "eigvalsh", "inv", "matrix_power",
           "pinv", "qr", "slogdet", "solve", "svd", "svdvals",
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
