"""Winograd's F(2x2, 3x3): 3x3 stride-1 convolutions with 16 multiplications per 2x2 outputs.

im2col spends 36 multiply-adds per channel pair on a 2x2 block of outputs; the
minimal filtering algorithm F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for
Convolutional Neural Networks", 2015) spends 16. Cut the padded input into 4x4
tiles ``d`` at stride 2, and each 2x2 output tile is

    Y = Aᵀ [ (G w Gᵀ) ⊙ (Bᵀ d B) ] A

with the small constant matrices ``BT``, ``G``, ``AT`` below (entries 0, ±1, ±½,
so the transforms are additions). Summed over input channels, the elementwise
product becomes 16 matrix products, one per position ξ of the 4x4 tile:
``M[ξ] = U[ξ] (OC, C) @ V[ξ] (C, tiles)``. The weight gradient is the adjoint:
``dU[ξ] = dM[ξ] @ V[ξ]ᵀ`` with ``dM = A dY Aᵀ`` per tile, then ``dW = Gᵀ dU G``.
The results equal the direct convolution in exact arithmetic; in floating point
they differ by a few units in the last place (relative to the sums' magnitude).

The transforms run channel-major, ``(C, N, rows, cols)``, so each of the 16
products is one contiguous (OC, C) @ (C, m*tiles) call, a batch chunk of m images
at a time (about :data:`BUDGET` bytes of transformed tiles). The temporaries take
turns in three scratch buffers (``w_a``, ``w_b``, ``w_c``), each reused as soon as the
previous holder is dead, so a chunk works in little more than its tiles' bytes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._threads import matmul as blas_matmul
from . import _scratch

#: bytes of transformed input and output tiles per batch chunk
BUDGET = 1 << 22

G = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]])
# Bᵀ's rows as (i, j, sign): row a of Bᵀ d is d[i] + sign * d[j]
# (Bᵀ = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]])
_BT_ROWS = ((0, 2, -1), (1, 2, 1), (2, 1, -1), (1, 3, -1))


def _combine(a: np.ndarray, b: np.ndarray, sign: int, out: np.ndarray) -> None:
    (np.add if sign > 0 else np.subtract)(a, b, out=out)


def tiles(oh: int, ow: int) -> tuple[int, int]:
    """Tiles per column and row covering an (OH, OW) output, 2x2 outputs each."""
    return (oh + 1) // 2, (ow + 1) // 2


def _input_tf(x: np.ndarray, ph: int, pw: int, ht: int, wt: int) -> np.ndarray:
    """``Bᵀ d B`` of every 4x4 tile at stride 2 of x (m, C, H, W) zero-padded by (ph, pw).

    The padded input is split into its four phases (even/odd rows and columns), each
    channel-major (C, m, ht+1, wt+1) and flat: tile (i, j) then reads its rows k and
    columns l at a fixed flat offset ``(k//2)*(wt+1) + l//2`` of phase ``(k%2, l%2)``, so
    every transform step is one operation on long contiguous runs. The last tile row and
    column of each image are filler (they mix neighbouring images) and are never used.

    Returns V (16, C, m*(ht+1)*(wt+1)), contiguous.
    """
    m, c, h, w = x.shape
    h2, w2 = ht + 1, wt + 1
    size = c * m * h2 * w2
    # phases, flat, + a tail
    ph4 = _scratch.empty("w_a", (2, 2, size + w2 + 1), x.dtype)
    ph4[:, :, size:] = 0
    for pr in (0, 1):
        r0 = (pr - ph) % 2                                           # first x row in phase pr
        i0 = (r0 + ph) // 2
        for pc in (0, 1):
            c0 = (pc - pw) % 2
            j0 = (c0 + pw) // 2
            src = x[:, :, r0::2, c0::2]
            nr, nc = max(0, min(src.shape[2], h2 - i0)), max(0, min(src.shape[3], w2 - j0))
            dst = ph4[pr, pc, :size].reshape(c, m, h2, w2)
            _scratch.zero_outside(dst, (i0, i0 + nr), (j0, j0 + nc))
            dst[:, :, i0:i0 + nr, j0:j0 + nc] = src[:, :, :nr, :nc].transpose(1, 0, 2, 3)
    rows = [ph4[k % 2, :, (k // 2) * w2:(k // 2) * w2 + size + 1] for k in range(4)]
    # Bᵀ d, by column phase
    e = _scratch.empty("w_b", (4, 2, size + 1), x.dtype)
    for a, (i, j, sign) in enumerate(_BT_ROWS):
        _combine(rows[i], rows[j], sign, e[a])
    v = _scratch.empty("w_a", (4, 4, size), x.dtype)
    cols = [e[:, k % 2, k // 2:k // 2 + size] for k in range(4)]     # (4, size)
    for b, (i, j, sign) in enumerate(_BT_ROWS):
        _combine(cols[i], cols[j], sign, v[:, b])
    return v.reshape(16, c, m * h2 * w2)


def _output_tf(mm: np.ndarray, out: np.ndarray, ht: int, wt: int) -> None:
    """``Aᵀ M A`` of every tile, written into ``out`` (m, OC, OH, OW).

    ``mm`` is (16, OC, m*(ht+1)*(wt+1)) (the layout of :func:`_input_tf`);
    ``Aᵀ = [[1, 1, 1, 0], [0, 1, -1, -1]]``.
    """
    m, oc, oh, ow = out.shape
    m3 = mm.reshape(4, 4, -1)
    # Aᵀ M, rows r = 0, 1
    t = _scratch.empty("w_a", (2,) + m3.shape[1:], mm.dtype)
    np.add(m3[0], m3[1], out=t[0])
    t[0] += m3[2]
    np.subtract(m3[1], m3[2], out=t[1])
    t[1] -= m3[3]
    # (s, r, OC*m*(ht+1)*(wt+1))
    y = _scratch.empty("w_b", (2, 2) + t.shape[2:], mm.dtype)
    np.add(t[:, 0], t[:, 1], out=y[0])
    y[0] += t[:, 2]
    np.subtract(t[:, 1], t[:, 2], out=y[1])
    y[1] -= t[:, 3]
    y7 = y.reshape(2, 2, oc, m, ht + 1, wt + 1)[..., :ht, :wt]
    full = out if (oh, ow) == (2 * ht, 2 * wt) else _scratch.empty(
        "w_full", (m, oc, 2 * ht, 2 * wt), out.dtype)
    f6 = full.reshape(m, oc, ht, 2, wt, 2)
    for r in (0, 1):
        for s_ in (0, 1):
            f6[:, :, :, r, :, s_] = y7[s_, r].transpose(1, 0, 2, 3)
    if full is not out:
        out[...] = full[:, :, :oh, :ow]


def _grad_tf(g: np.ndarray, ht: int, wt: int) -> np.ndarray:
    """``A dY Aᵀ`` of every 2x2 tile of g (m, OC, OH, OW), in the layout of :func:`_input_tf`
    (zero on the filler tiles and beyond OH, OW).

    Returns dM (16, OC, m*(ht+1)*(wt+1)), contiguous.
    """
    m, oc, oh, ow = g.shape
    h2, w2 = ht + 1, wt + 1
    size = oc * m * h2 * w2
    # (r, s, OC, m, tile i, j)
    gp = _scratch.empty("w_b", (2, 2, oc, m, h2, w2), g.dtype)
    for r in (0, 1):
        for s_ in (0, 1):
            src = g[:, :, r::2, s_::2]
            _scratch.zero_outside(gp[r, s_], (0, src.shape[2]), (0, src.shape[3]))
            gp[r, s_, :, :, :src.shape[2], :src.shape[3]] = src.transpose(1, 0, 2, 3)
    g3 = gp.reshape(2, 2, size)
    # A dY, a = 0..3
    e = _scratch.empty("w_c", (4, 2, size), g.dtype)
    e[0] = g3[0]
    np.add(g3[0], g3[1], out=e[1])
    np.subtract(g3[0], g3[1], out=e[2])
    np.negative(g3[1], out=e[3])
    dm = _scratch.empty("w_b", (4, 4, size), g.dtype)
    dm[:, 0] = e[:, 0]
    np.add(e[:, 0], e[:, 1], out=dm[:, 1])
    np.subtract(e[:, 0], e[:, 1], out=dm[:, 2])
    np.negative(e[:, 1], out=dm[:, 3])
    return dm.reshape(16, oc, m * h2 * w2)


def _step(n: int, per_image: int) -> int:
    return max(1, min(n, BUDGET // max(1, per_image)))


def conv3x3(x: np.ndarray, w: np.ndarray, pad: tuple[int, int], out_hw: tuple[int, int]
            ) -> np.ndarray:
    """conv2d of x (N, C, H, W) with w (OC, C, 3, 3), stride 1, zero padding ``pad``.

    Returns a new (N, OC, OH, OW) array.
    """
    n, c = x.shape[:2]
    oc = w.shape[0]
    oh, ow = out_hw
    ht, wt = tiles(oh, ow)
    dtype = np.result_type(x, w)
    u = np.einsum("ai,ocij,bj->aboc", G.astype(dtype), w, G.astype(dtype))
    u = np.ascontiguousarray(u.reshape(16, oc, c))                   # G w Gᵀ per ξ
    out = np.empty((n, oc, oh, ow), dtype)
    step = _step(n, 16 * (c + oc) * (ht + 1) * (wt + 1) * x.itemsize)
    for s in range(0, n, step):
        v = _input_tf(x[s:s + step], pad[0], pad[1], ht, wt)         # (16, C, m*tiles)
        mm = _scratch.empty("w_b", (16, oc, v.shape[2]), dtype)
        _output_tf(blas_matmul(u, v, out=mm), out[s:s + step], ht, wt)  # (16, OC, m*tiles)
    return out


def conv3x3_weight_grad(x: np.ndarray, g: np.ndarray, pad: tuple[int, int]) -> np.ndarray:
    """The weight gradient of :func:`conv3x3`: x (N, C, H, W), g (N, OC, OH, OW) -> (OC, C, 3, 3).

    ``dU[ξ] = dM[ξ] @ V[ξ]ᵀ`` summed over the batch chunks, then ``dW = Gᵀ dU G``.
    """
    n, c = x.shape[:2]
    oc, oh, ow = g.shape[1:]
    ht, wt = tiles(oh, ow)
    dtype = np.result_type(x, g)
    du = np.zeros((16, oc, c), dtype)
    step = _step(n, 16 * (c + oc) * (ht + 1) * (wt + 1) * x.itemsize)
    for s in range(0, n, step):
        v = _input_tf(x[s:s + step], pad[0], pad[1], ht, wt)         # (16, C, m*tiles)
        dm = _grad_tf(g[s:s + step], ht, wt)                         # (16, OC, m*tiles)
        du += blas_matmul(dm, v.transpose(0, 2, 1))
    gd = G.astype(dtype)
    return np.einsum("ai,aboc,bj->ocij", gd, du.reshape(4, 4, oc, c), gd)


def applies(win: Any, groups: int, c: int, oc: int, dtype: Any) -> bool:
    """Whether :func:`conv3x3` computes this convolution, and faster than im2col."""
    return (win.kh == win.kw == 3 and win.sh == win.sw == 1 and win.dh == win.dw == 1
            and groups == 1 and np.dtype(dtype) in _FLOATS and min(c, oc) >= MIN_CHANNELS)


#: fewest input and output channels for which the transforms pay for themselves
MIN_CHANNELS = 16
# float16 would lose too much in the transforms' sums: it keeps the direct sum
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
