"""Decompositions: qr, svd, eigh and the pseudo-inverse built on the SVD.

Each backward is written in Tensor ops (matmul, solve), so second derivatives work.
The gradients are PyTorch's and assume distinct singular values / eigenvalues; a
matrix holding NaN or inf gives NaN results (see ``linalg_ops._guarded``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import OpError
from ..function import Function
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import float_arg
from ._notation import Derivative
from .linalg_ops import _diag_embed, _eye, _guarded, _matrix, _square, _tril_mask, linalg_solve


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
        raise OpError(f"linalg.qr: qr received unrecognized mode {mode!r} but expected "
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
        raise OpError(f"linalg.eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
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
