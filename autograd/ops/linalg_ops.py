"""Matrix functions and decompositions: inverse, det, slogdet, solve, cholesky, qr, svd,
eigh, pinverse, matrix_power (the ``ag.linalg`` namespace is ``autograd/linalg.py``).

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
    if bad.any():
        for o in out if isinstance(out, tuple) else (out,):
            o[bad] = np.nan
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
        return _unsq2(grad * det) * inverse(a).mT


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
        ctx.save_for_backward(a)
        return np.asarray(sign), np.asarray(logabs)

    @staticmethod
    def backward(ctx, gsign, glog):
        (a,) = ctx.saved_tensors
        return _unsq2(glog) * inverse(a).mT


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


# ---------------------------------------------------------------- qr
class QR(Function):
    symbol = "qr"
    derivative = Derivative("∂L/∂A = (Ḡ_Q + Q copyltu(M)) R⁻ᵀ, M = R Ḡ_Rᵀ − Ḡ_Qᵀ Q")

    @staticmethod
    def forward(ctx, a, mode):
        q, r = _guarded(a, lambda m: tuple(np.linalg.qr(m, mode="complete" if mode ==
                                                        "complete" else "reduced")), "linalg.qr")
        ctx.mode = mode
        if mode == "r":
            q = np.zeros(0, a.dtype)
        ctx.save_for_backward(q, r)
        return q, r

    @staticmethod
    def backward(ctx, gq, gr):
        q, r = ctx.saved_tensors
        if ctx.mode == "r":
            raise RuntimeError("linalg.qr: the derivative depends on Q, which is not computed "
                               "with mode='r'; use mode='reduced' to differentiate")
        m, n = q.shape[-2], r.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError(f"linalg.qr: the QR decomposition is not differentiable when "
                               f"mode='complete' and rows > columns ({m} > {n})")
        if m >= n:
            return _qr_tall_grad(q, r, gq, gr), None
        # wide: A = [X | Y], R = [U | V] with X = Q U and Y = Q V
        u, v = r[..., :, :m], r[..., :, m:]
        y_part = q @ v
        gy = q @ gr[..., :, m:]
        gx = _qr_tall_grad(q, u, gq + y_part @ gr[..., :, m:].mT, gr[..., :, :m])
        return OPS.cat([gx, gy], -1), None


def _qr_tall_grad(q: Tensor, r: Tensor, gq: Tensor, gr: Tensor) -> Tensor:
    """The gradient of ``A = Q R`` with square triangular R: (G_Q + Q copyltu(M)) R⁻ᵀ."""
    m_ = r @ gr.mT - gq.mT @ q
    k = r.shape[-1]
    low = m_ * _tril_mask(k, m_.dtype)                       # tril(M)
    strict = (m_ * _tril_mask(k, m_.dtype, 0.0, -1)).mT      # tril(M, -1)ᵀ
    b = gq + q @ (low + strict)
    return linalg_solve(r, b.mT).mT                          # B R⁻ᵀ


def linalg_qr(a: Any, mode: str = "reduced") -> tuple[Tensor, Tensor]:
    """``torch.linalg.qr``: see :func:`autograd.linalg.qr`."""
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"linalg.qr: qr received unrecognized mode {mode!r} but expected "
                         "one of 'reduced' (default), 'r', or 'complete'")
    x = float_arg(a, "linalg.qr")
    _matrix("linalg.qr", x)
    return QR.apply(x, mode)


@register(method=True)
def qr(input: Any, some: bool = True) -> tuple[Tensor, Tensor]:  # noqa: A002
    """``(Q, R)`` with ``A = Q R``, Q orthonormal columns and R upper triangular, as
    ``torch.qr`` (``some=False`` gives the complete Q).

    Shape:
        input (*, m, n) -> Q (*, m, k), R (*, k, n) with k = min(m, n)

    Example:
        >>> import autograd as ag
        >>> q, r = ag.qr(ag.tensor([[3.0, 1.0], [4.0, 2.0]]))
        >>> q.shape, r.shape, bool(ag.tensor(abs((q @ r).numpy() - [[3, 1], [4, 2]]) < 1e-5).all())
        ((2, 2), (2, 2), True)
    """
    return linalg_qr(input, "reduced" if some else "complete")


# ---------------------------------------------------------------- svd
class SVD(Function):
    symbol = "svd"
    derivative = Derivative("∂L/∂A = U (skew terms / (σⱼ² − σᵢ²) + diag(Ḡ_S)) Vᵀ + …")

    @staticmethod
    def forward(ctx, a, full_matrices):
        u, s, vh = _guarded(a, lambda m: tuple(np.linalg.svd(m, full_matrices=full_matrices)),
                            "linalg.svd")
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        u, s, vh = ctx.saved_tensors
        m, n, k = u.shape[-2], vh.shape[-1], s.shape[-1]
        # with full_matrices, only the first k columns of U and rows of Vh are determined
        u, gu = u[..., :, :k], gu[..., :, :k]
        vh, gvh = vh[..., :k, :], gvh[..., :k, :]
        return _svd_grad(u, s, vh, gu, gs, gvh, m, n, k), None


def _svd_grad(u: Tensor, s: Tensor, vh: Tensor, gu: Tensor, gs: Tensor, gvh: Tensor,
              m: int, n: int, k: int) -> Tensor:
    v, gv = vh.mT, gvh.mT
    j = u.mT @ gu
    kk = v.mT @ gv
    s2 = s * s
    e = OPS.unsqueeze(s2, -2) - OPS.unsqueeze(s2, -1) + _eye(k, s.dtype)   # σⱼ² − σᵢ² (1 on diag)
    core = ((j - j.mT) * OPS.unsqueeze(s, -2) + OPS.unsqueeze(s, -1) * (kk - kk.mT)) / e
    core = core + _diag_embed(gs)
    ga = u @ core @ vh
    if m > k:   # the part of G_U outside span(U)
        gus = gu / OPS.unsqueeze(s, -2)
        ga = ga + (gus - u @ (u.mT @ gus)) @ vh
    if n > k:   # the part of G_V outside span(V)
        gvs = gv / OPS.unsqueeze(s, -2)
        ga = ga + u @ (gvs.mT - (gvs.mT @ v) @ vh)
    return ga


def linalg_svd(a: Any, full_matrices: bool = True) -> tuple[Tensor, Tensor, Tensor]:
    """``torch.linalg.svd``: see :func:`autograd.linalg.svd`."""
    x = float_arg(a, "linalg.svd")
    _matrix("linalg.svd", x)
    return SVD.apply(x, bool(full_matrices))


@register(method=True)
def svd(input: Any, some: bool = True, compute_uv: bool = True  # noqa: A002
        ) -> tuple[Tensor, Tensor, Tensor]:
    """``(U, S, V)`` with ``A = U diag(S) Vᵀ``, as ``torch.svd`` (V, not Vᵀ;
    ``ag.linalg.svd`` returns Vᵀ).

    Args:
        input: ``(*, m, n)`` matrices.
        some: reduced U and V (k = min(m, n) columns); False: complete ones.
        compute_uv: False gives zero-filled U and V, as PyTorch.

    Example:
        >>> import autograd as ag
        >>> u, s, v = ag.svd(ag.tensor([[3.0, 0.0], [0.0, -2.0]]))
        >>> s
        tensor([3., 2.])
    """
    u, s, vh = linalg_svd(input, full_matrices=not some)
    if not compute_uv:
        return (Tensor._make(np.zeros(u.shape, u.dtype)), s,
                Tensor._make(np.zeros(vh.shape, vh.dtype)))
    return u, s, vh.mT


# ---------------------------------------------------------------- eigh
class Eigh(Function):
    symbol = "eigh"
    derivative = Derivative("∂L/∂A = V (diag(Ḡ_λ) + ½ skew(Vᵀ Ḡ_V) / (λⱼ − λᵢ)) Vᵀ")

    @staticmethod
    def forward(ctx, a, uplo):
        w, v = _guarded(a, lambda m: tuple(np.linalg.eigh(m, UPLO=uplo)), "linalg.eigh")
        ctx.save_for_backward(w, v)
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        w, v = ctx.saved_tensors
        k = w.shape[-1]
        j = v.mT @ gv
        e = OPS.unsqueeze(w, -2) - OPS.unsqueeze(w, -1) + _eye(k, w.dtype)  # λⱼ − λᵢ
        inner = (j - j.mT) * 0.5 / e + _diag_embed(gw)
        return v @ inner @ v.mT, None


@register()
def linalg_eigh(A: Any, UPLO: str = "L") -> tuple[Tensor, Tensor]:  # noqa: N803
    """Eigenvalues (ascending) and orthonormal eigenvectors of symmetric matrices, as
    ``torch.linalg.eigh`` (only the ``UPLO`` triangle of A is read).

    Shape:
        A (*, n, n) -> eigenvalues (*, n), eigenvectors (*, n, n)

    Example:
        >>> import autograd as ag
        >>> w, v = ag.linalg.eigh(ag.tensor([[2.0, 1.0], [1.0, 2.0]]))
        >>> w
        tensor([1., 3.])
    """
    if UPLO not in ("L", "U"):
        raise ValueError(f"linalg.eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
    a = float_arg(A, "linalg.eigh")
    _square("linalg.eigh", a)
    return Eigh.apply(a, UPLO)


# ---------------------------------------------------------------- pinv
def _pinv_array(a: np.ndarray, atol: float, rtol: float) -> np.ndarray:
    if a.size == 0:
        return np.zeros(a.shape[:-2] + (a.shape[-1], a.shape[-2]), a.dtype)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    smax = s[..., :1] if s.shape[-1] else s
    cutoff = np.maximum(atol, rtol * smax)
    keep = s > cutoff
    s_inv = np.divide(1.0, s, out=np.zeros_like(s), where=keep)
    return np.swapaxes(vh, -1, -2) @ (s_inv[..., :, None] * np.swapaxes(u, -1, -2))


class Pinv(Function):
    symbol = "A⁺"
    derivative = Derivative("∂L/∂A = −A⁺ᵀ G A⁺ᵀ + (I − A A⁺) Gᵀ A⁺ A⁺ᵀ + A⁺ᵀ A⁺ Gᵀ (I − A⁺ A)")

    @staticmethod
    def forward(ctx, a, atol, rtol):
        out = _guarded(a, lambda m: _pinv_array(m, atol, rtol), "linalg.pinv")
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, p = ctx.saved_tensors
        pt, gt = p.mT, grad.mT
        ga = -(pt @ grad @ pt)
        ga = ga + (gt - a @ (p @ gt)) @ (p @ pt)
        ga = ga + (pt @ p) @ (gt - (gt @ p) @ a)
        return ga, None, None


def linalg_pinv(a: Any, *, atol: float | None = None, rtol: float | None = None,
                hermitian: bool = False) -> Tensor:
    """``torch.linalg.pinv``: see :func:`autograd.linalg.pinv`."""
    x = float_arg(a, "linalg.pinv")
    _matrix("linalg.pinv", x)
    if rtol is None:
        rtol = 0.0 if atol else max(x.shape[-2:]) * float(np.finfo(x.dtype).eps)
    if hermitian:
        x = (x + x.mT) * 0.5 if x.requires_grad else x
    return Pinv.apply(x, float(atol or 0.0), float(rtol))


@register(method=True)
def pinverse(input: Any, rcond: float = 1e-15) -> Tensor:  # noqa: A002
    """The Moore-Penrose pseudo-inverse, as ``torch.pinverse`` (singular values below
    ``rcond`` times the largest are treated as zero).

    Shape:
        input (*, m, n) -> (*, n, m)

    Example:
        >>> import autograd as ag
        >>> ag.pinverse(ag.tensor([[1.0, 0.0], [0.0, 0.0]]))
        tensor([[1., 0.],
                [0., 0.]])
    """
    return linalg_pinv(input, rtol=rcond)


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
