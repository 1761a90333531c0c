"""im2col and col2im for stride-1 convolutions on whole padded rows.

With stride 1, the window at output ``(r, q)`` starts at flat position
``r * Wp + q`` of its padded image (Wp the padded width), and its kernel offset
``(i, j)`` is a fixed flat shift ``i*DH*Wp + j*DW``. So if the columns also cover
the ``Wp - OW`` positions past each output row (filler windows that wrap into the
next row), every row of the column matrix, for one channel and image, is one
contiguous run of ``OH * Wp`` values: the copy of im2col and the slice-adds of
col2im run over long runs instead of one output row (``OW`` values, 10 for LeNet's
second layer) at a time. The price is ``Wp / OW`` times the product's columns and
the filler outputs, which are dropped (forward) or made zero first (gradients).
Measured in ``benchmarks/CONV_NOTES.md``.

Filler windows read real values of the neighbouring row, so a non-finite operand
could turn a zero filler gradient into NaN in the weight gradient: callers take
this path only for finite operands.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .._threads import matmul as blas_matmul
from . import _scratch

#: whether stride-1 convolutions take this layout (off: the per-output-row im2col)
ENABLED = True


def unfold(x: np.ndarray, win: Any, oh: int) -> tuple[np.ndarray, int]:
    """Columns (C*KH*KW, m*OH*Wp) of x (m, C, H, W) on whole padded rows, and Wp.

    A scratch array: valid until the next call.
    """
    m, c, h, w = x.shape
    hp, wp = h + 2 * win.ph, w + 2 * win.pw
    size = m * c * hp * wp
    flat = _scratch.empty("pad", (size + (win.kw - 1) * win.dw,), x.dtype)
    xp = flat[:size].reshape(m, c, hp, wp)
    flat[size:] = 0                       # the filler windows of the last row read past it
    _scratch.zero_outside(xp, (win.ph, win.ph + h), (win.pw, win.pw + w))
    xp[:, :, win.ph:win.ph + h, win.pw:win.pw + w] = x
    it = x.itemsize
    view = as_strided(flat, (c, win.kh, win.kw, m, oh * wp),
                      (hp * wp * it, win.dh * wp * it, win.dw * it, c * hp * wp * it, it),
                      writeable=False)
    cols = _scratch.empty("cols", view.shape, x.dtype)
    np.copyto(cols, view)
    return cols.reshape(c * win.kh * win.kw, m * oh * wp), wp


def rows_first(g: np.ndarray, groups: int, wp: int) -> np.ndarray:
    """g (m, C, H, W) as (groups, C/groups, m*H*Wp), zero past column W of each row.

    A scratch array: valid until the next call.
    """
    m, c, h, w = g.shape
    out = _scratch.empty("chan", (c, m, h, wp), g.dtype)
    out[..., :w] = g.transpose(1, 0, 2, 3)
    out[..., w:] = 0
    return out.reshape(groups, c // groups, m * h * wp)


def fold(parts: Any, shape: tuple, win: Any, rows: int, dtype: Any) -> np.ndarray:
    """Add columns on whole padded rows back into a new image of ``shape`` (N, C, H, W).

    ``parts`` yields ``(s, cols)``: the columns (C*KH*KW, m*rows*Wp) of the m images
    from image ``s`` on, zero on the filler windows; ``rows`` windows per column.
    Padding is cut off.
    """
    n, c, h, w = shape
    hp, wp = h + 2 * win.ph, w + 2 * win.pw
    size = n * c * hp * wp
    flat = _scratch.zeros("fold", (size + (win.kw - 1) * win.dw,), dtype)
    it = flat.itemsize
    for s, cols in parts:
        m = cols.shape[1] // (rows * wp)
        c5 = cols.reshape(c, win.kh, win.kw, m, rows * wp)
        block = max(1, 600_000 // (m * hp * wp * it))  # the channels whose image fits in ~L2
        for c0 in range(0, c, block):
            cb = min(block, c - c0)
            for i in range(win.kh):
                for j in range(win.kw):
                    start = (s * c + c0) * hp * wp + i * win.dh * wp + j * win.dw
                    dst = as_strided(flat[start:], (cb, m, rows * wp),
                                     (hp * wp * it, c * hp * wp * it, it))
                    dst += c5[c0:c0 + cb, i, j]
    return flat[:size].reshape(n, c, hp, wp)[:, :, win.ph:win.ph + h, win.pw:win.pw + w].copy()


# ------------------------------------------------ 1x1 kernels: no columns at all
def pointwise(win: Any, in_hw: tuple, out_hw: tuple) -> bool:
    """Whether the window is a 1x1 kernel at stride 1 without padding (dilation is moot)
    between images of the same size (a transposed one's output_padding adds rows)."""
    return (win.kh == win.kw == 1 and win.sh == win.sw == 1 and not win.ph and not win.pw
            and tuple(in_hw) == tuple(out_hw) and ENABLED)


def pointwise_conv(x: np.ndarray, w: np.ndarray, groups: int, transposed: bool = False
                   ) -> np.ndarray:
    """A 1x1 conv2d (or conv_transpose2d) as one product per image: no copy of the input.

    x (N, C, H, W); w (OC, C/groups, 1, 1), or (C, OC/groups, 1, 1) when ``transposed``.
    Returns a new (N, OC, H, W) array.
    """
    n, c, h, wd = x.shape
    if transposed:
        wg = w.reshape(groups, c // groups, -1).transpose(0, 2, 1)     # (G, OC/G, C/G)
    else:
        wg = w.reshape(groups, -1, c // groups)                          # (G, OC/G, C/G)
    oc = wg.shape[0] * wg.shape[1]
    out = np.empty((n, oc, h, wd), np.result_type(x, w))
    blas_matmul(wg, x.reshape(n, groups, c // groups, h * wd),
                out=out.reshape(n, groups, oc // groups, h * wd))
    return out


def pointwise_weight_grad(x: np.ndarray, g: np.ndarray, groups: int) -> np.ndarray:
    """The weight gradient (OC, C/groups, 1, 1) of a 1x1 conv2d: the products summed over images."""
    n, c, h, wd = x.shape
    oc = g.shape[1]
    g4 = g.reshape(n, groups, oc // groups, h * wd)
    x4 = x.reshape(n, groups, c // groups, h * wd).transpose(0, 1, 3, 2)
    gw = blas_matmul(g4, x4).sum(0)                                      # (G, OC/G, C/G)
    return gw.reshape(oc, c // groups, 1, 1)
