"""Convolution: im2col / col2im, conv2d, conv_transpose2d (fused for speed).

The course's picture of a convolution is *im2col*: copy every window the filter
visits into a matrix, then one matrix product with the flattened filters is the
whole layer. It is also what is fast on numpy: the windows are a strided view of
the padded input, copied once, and the product is one BLAS call per group. The
engine keeps the windows as columns, ``cols (C*FH*FW, N*OH*OW)`` (the transpose
of the textbook's :func:`im2col`), so that all three products are contiguous.

The batch is unfolded a chunk of images at a time (about ``COLS_BUDGET`` bytes of
columns, a cache-sized buffer) and each chunk's columns are dropped after its
product: a full-batch column matrix would be KH*KW times the input (75 MB for a
(32, 64, 32, 32) batch and a 3x3 kernel). Backward saves only the input and
rebuilds the columns chunk by chunk, which measures faster than keeping them.
The weight gradient sums ``grad (OC, m*OH*OW) @ cols.T`` over the chunks
(:class:`Conv2dWeight`); the input gradient is ``W.T @ grad`` followed by
*col2im*, one slice-add per kernel offset, per chunk: a transposed convolution
(:class:`ConvTranspose2d`). Each is an op whose backward uses the others, so
``create_graph=True`` gives second derivatives.

3x3 stride-1 convolutions with 16 or more channels each way (the VGG/ResNet
layer) take Winograd's F(2x2, 3x3) instead (:mod:`._winograd`): 16 multiplications
per 2x2 outputs where im2col spends 36, for the forward, the input gradient (a
conv_transpose2d of stride 1) and the weight gradient alike: fwd + bwd on a
(32, 64, 32, 32) batch 84 -> 60 ms. Other stride-1 convolutions unfold on whole
padded rows (:mod:`._conv_rows`), 1x1 ones need no columns at all, and every
per-chunk temporary lives in a per-thread scratch buffer (:mod:`._scratch`). Each
choice and its figures: ``benchmarks/CONV_NOTES.md``.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .._threads import matmul as blas_matmul
from ..errors import OpError
from ..function import Function
from ..registry import OPS, register
from ..tensor import Tensor
from . import _conv_rows, _scratch
from . import _winograd as wino
from ._common import as_tensor, tensor_arg
from ._conv_args import Window, _check_operands, _out_hw, _transposed_len, _window, as_pair
from ._notation import Derivative

#: bytes of im2col columns per batch chunk (about a core's L2 cache)
COLS_BUDGET = 1 << 21


# ------------------------------------------------------- numpy im2col / col2im
def _unfold(x: np.ndarray, win: Window, oh: int, ow: int, scratch: bool = False) -> np.ndarray:
    """Windows of ``x`` (N, C, H, W) as the matrix (C*KH*KW, N*OH*OW), one column per window.

    A new array, or with ``scratch`` one in the scratch buffer (valid until the next call).
    """
    n, c, h, w = x.shape
    if win.ph or win.pw:
        xp = _scratch.empty("pad", (n, c, h + 2 * win.ph, w + 2 * win.pw), x.dtype)
        _scratch.zero_outside(xp, (win.ph, win.ph + h), (win.pw, win.pw + w))
        xp[:, :, win.ph:win.ph + h, win.pw:win.pw + w] = x
    else:
        xp = x
    s_n, s_c, s_h, s_w = xp.strides
    view = as_strided(xp, (c, win.kh, win.kw, n, oh, ow),  # (C, KH, KW, N, OH, OW)
                      (s_c, s_h * win.dh, s_w * win.dw, s_n, s_h * win.sh, s_w * win.sw),
                      writeable=False)
    cols = _scratch.empty("cols", view.shape, x.dtype) if scratch else np.empty(view.shape,
                                                                                  x.dtype)
    np.copyto(cols, view)  # reads each channel's image KH*KW times while it is in cache
    return cols.reshape(c * win.kh * win.kw, n * oh * ow)


def _channel_block(img: np.ndarray) -> int:
    """How many channels of an (N, C, H, W) image fit in about 600 kB (a core's L2 cache)."""
    n, _, h, w = img.shape
    return max(1, 600_000 // max(1, n * h * w * img.itemsize))


def _fold(parts: Any, shape: tuple, win: Window, oh: int, ow: int, dtype: Any) -> np.ndarray:
    """Add columns back into a new image of ``shape`` (N, C, H, W) (padding is cut off).

    ``parts`` yields ``(s, cols)``: the columns (C*KH*KW, m*OH*OW) of the m images
    from image ``s`` on. One slice-add per kernel offset (KH*KW of them), each
    covering all windows (of a block of channels).
    """
    n, c, h, w = shape
    padded = (n, c, h + 2 * win.ph, w + 2 * win.pw)
    out = _scratch.zeros("fold", padded, dtype) if win.ph or win.pw else np.zeros(padded, dtype)
    offsets = [(i, j, slice(i * win.dh, i * win.dh + win.sh * (oh - 1) + 1, win.sh),
                slice(j * win.dw, j * win.dw + win.sw * (ow - 1) + 1, win.sw))
               for i in range(win.kh) for j in range(win.kw)]
    for s, cols in parts:
        part = out[s:s + cols.shape[1] // (oh * ow)]
        into = part.transpose(1, 0, 2, 3)                             # (C, m, Hp, Wp) view
        c6 = cols.reshape((c, win.kh, win.kw) + into.shape[1:2] + (oh, ow))
        step = _channel_block(part)
        for c0 in range(0, c, step):  # a few channels at a time: their image stays in cache
            block, src = into[c0:c0 + step], c6[c0:c0 + step]
            for i, j, rows, cols_ in offsets:
                block[:, :, rows, cols_] += src[:, i, j]
    if win.ph or win.pw:
        out = out[:, :, win.ph:win.ph + h, win.pw:win.pw + w].copy()  # out of the scratch
    return out


def _batch_step(n: int, rows: int, pixels: int, itemsize: int) -> int:
    """Images per chunk so that a chunk's (rows, m*pixels) columns take about COLS_BUDGET."""
    return max(1, min(n, COLS_BUDGET // max(1, rows * pixels * itemsize)))


def _image(x: Any, op: str) -> np.ndarray:
    arr = np.asarray(x.array if isinstance(x, Tensor) else x)
    if arr.ndim != 4:
        raise ValueError(f"{op}: expected an array of shape (N, C, H, W), got shape {arr.shape}")
    return arr


def im2col(x: Any, kernel_size: Any, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1) -> np.ndarray:
    """Unroll every window of ``x`` into one row of a matrix (the textbook im2col).

    The window at output position ``(n, oh, ow)`` becomes row
    ``(n * OH + oh) * OW + ow``; within a row the values run over channel,
    then kernel row, then kernel column, matching ``weight.reshape(OC, -1)``.
    A convolution is then one matrix product: ``im2col(x, ...) @
    weight.reshape(OC, -1).T`` gives the output as (N*OH*OW, OC). The engine
    uses the transpose of this matrix (see the module docs).

    Args:
        x: array (or Tensor) of shape (N, C, H, W).
        kernel_size, stride, padding, dilation: int or (height, width) pair.

    Shape:
        x (N, C, H, W) -> (N*OH*OW, C*FH*FW), with
        ``OH = (H + 2P - D*(FH-1) - 1) // S + 1`` and likewise OW.

    Returns:
        A new numpy array (a copy; padding is zeros).

    Example (the course's 4x4 input and 3x3 filter):
        >>> import numpy as np
        >>> from autograd.ops.conv import im2col
        >>> x = np.array([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]], np.float32)
        >>> f = np.array([[2, 0, 1], [0, 1, 2], [1, 0, 2]], np.float32)
        >>> cols = im2col(x.reshape(1, 1, 4, 4), 3)
        >>> cols.shape                     # 2x2 windows, 9 values each
        (4, 9)
        >>> cols[1]                        # the window one step to the right
        array([2., 3., 0., 1., 2., 3., 0., 1., 2.], dtype=float32)
        >>> (cols @ f.reshape(9)).reshape(2, 2)
        array([[15., 16.],
               [ 6., 15.]], dtype=float32)
    """
    arr = _image(x, "im2col")
    win = _window("im2col", as_pair(kernel_size, "kernel_size", "im2col"), stride, padding,
                  dilation)
    oh, ow = _out_hw("im2col", arr.shape[2], arr.shape[3], win)
    return np.ascontiguousarray(_unfold(arr, win, oh, ow).T)


def col2im(cols: Any, input_shape: Any, kernel_size: Any, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1) -> np.ndarray:
    """Add the rows of an im2col matrix back into an image (the adjoint of :func:`im2col`).

    Values from overlapping windows are summed (this is the input gradient of
    a convolution); padding is cut off.

    Args:
        cols: array of shape (N*OH*OW, C*FH*FW), as :func:`im2col` returns.
        input_shape: (N, C, H, W) of the image to rebuild.
        kernel_size, stride, padding, dilation: as given to :func:`im2col`.

    Shape:
        cols (N*OH*OW, C*FH*FW) -> input_shape (N, C, H, W)

    Example (how many 3x3 windows cover each pixel of a 4x4 image):
        >>> import numpy as np
        >>> from autograd.ops.conv import col2im
        >>> col2im(np.ones((4, 9)), (1, 1, 4, 4), 3)[0, 0]
        array([[1., 2., 2., 1.],
               [2., 4., 4., 2.],
               [2., 4., 4., 2.],
               [1., 2., 2., 1.]])
    """
    shape = tuple(int(s) for s in input_shape)
    if len(shape) != 4:
        raise ValueError(f"col2im: input_shape must be (N, C, H, W), got {input_shape!r}")
    n, c, h, w = shape
    win = _window("col2im", as_pair(kernel_size, "kernel_size", "col2im"), stride, padding,
                  dilation)
    oh, ow = _out_hw("col2im", h, w, win)
    arr = np.asarray(cols.array if isinstance(cols, Tensor) else cols)
    want = (n * oh * ow, c * win.kh * win.kw)
    if arr.shape != want:
        raise ValueError(f"col2im: cols has shape {arr.shape}, but an image of shape {shape} "
                         f"with these windows needs {want} (N*OH*OW, C*FH*FW)")
    return _fold([(0, np.ascontiguousarray(arr.T))], shape, win, oh, ow, arr.dtype)


# ----------------------------------------------------------------- the ops
def _channels_first(g: np.ndarray, groups: int) -> np.ndarray:
    """(N, C, H, W) -> (groups, C/groups, N*H*W), contiguous for the matrix products
    (a scratch copy, valid until the next call)."""
    n, c, h, w = g.shape
    out = _scratch.empty("chan", (c, n, h, w), g.dtype)
    np.copyto(out, g.transpose(1, 0, 2, 3))
    return out.reshape(groups, c // groups, n * h * w)


def _winograd(win: Window, groups: int, c: int, oc: int, *arrays: np.ndarray) -> bool:
    """Whether Winograd's F(2x2, 3x3) computes this product (all operands finite: an inf
    would turn into inf - inf = NaN in its transforms where the direct sum gives inf)."""
    return (wino.applies(win, groups, c, oc, np.result_type(*arrays))
            and all(np.isfinite(a.sum()) for a in arrays))


def _im2col_conv(x: np.ndarray, w: np.ndarray, win: Window, groups: int, out_hw: tuple
                 ) -> np.ndarray:
    """conv2d by im2col, a batch chunk at a time: x (N, C, H, W) -> (N, OC, OH, OW)."""
    n, c = x.shape[:2]
    oc = w.shape[0]
    oh, ow = out_hw
    wg = w.reshape(groups, oc // groups, -1)                           # (G, OC/G, C/G*KH*KW)
    out = np.empty((n, oc, oh, ow), np.result_type(x, w))
    if win.sh == win.sw == 1 and _conv_rows.ENABLED:  # whole padded rows; fillers dropped
        wp = x.shape[3] + 2 * win.pw
        step = _batch_step(n, c * win.kh * win.kw, oh * wp, x.itemsize)
        for s in range(0, n, step):
            cols, _ = _conv_rows.unfold(x[s:s + step], win, oh)        # (C*KH*KW, m*OH*Wp)
            m = cols.shape[1] // (oh * wp)
            res = _scratch.empty("rows_out", (m, groups, oc // groups, oh * wp), out.dtype)
            blas_matmul(wg, cols.reshape(groups, -1, m, oh * wp).transpose(2, 0, 1, 3), out=res)
            out[s:s + m] = res.reshape(m, oc, oh, wp)[..., :ow]
        return out
    step = _batch_step(n, c * win.kh * win.kw, oh * ow, x.itemsize)
    for s in range(0, n, step):
        cols = _unfold(x[s:s + step], win, oh, ow, True)               # (C*KH*KW, m*OH*OW)
        m = cols.shape[1] // (oh * ow)
        # one product per image and group, written straight into the (N, OC, OH, OW) output
        blas_matmul(wg, cols.reshape(groups, -1, m, oh * ow).transpose(2, 0, 1, 3),
                    out=out[s:s + m].reshape(m, groups, oc // groups, oh * ow))
    return out


class Conv2d(Function):
    """Fused conv2d: im2col + one matrix product per group, per batch chunk (+ bias)."""

    symbol = "conv2d"
    derivative = Derivative("∂L/∂x = conv_transpose2d(G, W)", "∂L/∂W = x ⋆ G",
                            "∂L/∂b = Σ G")

    @staticmethod
    def forward(ctx, x, w, b, win, groups, out_hw):
        c, oc = x.shape[1], w.shape[0]
        if _conv_rows.pointwise(win, x.shape[2:], out_hw):
            out = _conv_rows.pointwise_conv(x, w, groups)
        elif _winograd(win, groups, c, oc, x, w):
            out = wino.conv3x3(x, w, (win.ph, win.pw), out_hw)
        else:
            out = _im2col_conv(x, w, win, groups, out_hw)
        if b is not None:
            out += b.reshape(1, oc, 1, 1)
        ctx.save_for_backward(x, w)
        ctx.win, ctx.groups = win, groups
        return out

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = gw = gb = None
        if need[0]:
            gx = ConvTranspose2d.apply(grad, w, None, ctx.win, ctx.groups, x.shape[2:])
        if need[1]:
            gw = Conv2dWeight.apply(x, grad, ctx.win, ctx.groups, w.shape[2:])
        if need[2]:
            gb = grad.sum((0, 2, 3))
        return gx, gw, gb


def _col2im_conv_transpose(x: np.ndarray, w: np.ndarray, win: Window, groups: int,
                           out_hw: tuple) -> np.ndarray:
    """conv_transpose2d by a product and col2im per batch chunk: -> (N, Cout, OH, OW)."""
    n, cin, h, wd = x.shape
    cout = w.shape[1] * groups
    wt = w.reshape(groups, cin // groups, -1).transpose(0, 2, 1)       # (G, Cout/G*KH*KW, Cin/G)
    shape = (n, cout) + tuple(out_hw)
    if win.sh == win.sw == 1 and _conv_rows.ENABLED and np.isfinite(w.sum()):  # zero fillers
        wp = out_hw[1] + 2 * win.pw
        step = _batch_step(n, cout * win.kh * win.kw, h * wp, x.itemsize)

        def rows():
            for s in range(0, n, step):
                x3 = _conv_rows.rows_first(x[s:s + step], groups, wp)  # (G, Cin/G, m*H*Wp)
                cols = _scratch.empty("dcols", (groups, wt.shape[1], x3.shape[2]), x3.dtype)
                yield s, blas_matmul(wt, x3, out=cols).reshape(-1, x3.shape[2])

        return _conv_rows.fold(rows(), shape, win, h, np.result_type(x, w))
    step = _batch_step(n, cout * win.kh * win.kw, h * wd, x.itemsize)

    def parts():
        for s in range(0, n, step):
            x3 = _channels_first(x[s:s + step], groups)                # (G, Cin/G, m*H*W)
            cols = _scratch.empty("dcols", (groups, wt.shape[1], x3.shape[2]), x3.dtype)
            blas_matmul(wt, x3, out=cols)
            yield s, cols.reshape(-1, x3.shape[2])                     # (Cout*KH*KW, m*H*W)

    return _fold(parts(), shape, win, h, wd, np.result_type(x, w))


class ConvTranspose2d(Function):
    """Fused transposed convolution: a matrix product per group, then col2im, per batch chunk."""

    symbol = "conv_transpose2d"
    derivative = Derivative("∂L/∂x = conv2d(G, W)", "∂L/∂W = G ⋆ x",
                            "∂L/∂b = Σ G")

    @staticmethod
    def forward(ctx, x, w, b, win, groups, out_hw):
        cin, cout = x.shape[1], w.shape[1] * groups
        if _conv_rows.pointwise(win, x.shape[2:], out_hw):
            out = _conv_rows.pointwise_conv(x, w, groups, transposed=True)
        elif win.ph <= 2 and win.pw <= 2 and _winograd(win, groups, cin, cout, x, w):
            # stride 1: the conv2d with the flipped, transposed kernel and padding 2 - P
            wf = w.transpose(1, 0, 2, 3)[:, :, ::-1, ::-1]
            out = wino.conv3x3(x, wf, (2 - win.ph, 2 - win.pw), out_hw)
        else:
            out = _col2im_conv_transpose(x, w, win, groups, out_hw)
        if b is not None:
            out += b.reshape(1, cout, 1, 1)
        ctx.save_for_backward(x, w)
        ctx.win, ctx.groups = win, groups
        return out

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        win, groups = ctx.win, ctx.groups
        gx = gw = gb = None
        if need[0]:
            gx = Conv2d.apply(grad, w, None, win, groups, x.shape[2:])
        if need[1]:
            gw = Conv2dWeight.apply(grad, x, win, groups, w.shape[2:])
        if need[2]:
            gb = grad.sum((0, 2, 3))
        return gx, gw, gb


class Conv2dWeight(Function):
    """The weight gradient of conv2d, ``grad @ cols.T`` over batch chunks, as an op of (x, grad)."""

    symbol = "conv2d′W"

    @staticmethod
    def forward(ctx, x, grad, win, groups, k_hw):
        n, c = x.shape[:2]
        oc, oh, ow = grad.shape[1:]
        ctx.save_for_backward(x, grad)
        ctx.win, ctx.groups = win, groups
        if _conv_rows.pointwise(win, x.shape[2:], grad.shape[2:]):
            return _conv_rows.pointwise_weight_grad(x, grad, groups)
        if _winograd(win, groups, c, oc, x, grad):
            return wino.conv3x3_weight_grad(x, grad, (win.ph, win.pw))
        gw = np.zeros((groups, oc // groups, c // groups * win.kh * win.kw),
                      np.result_type(x, grad))                         # (G, OC/G, C/G*KH*KW)
        # on whole padded rows: the filler columns times a zero gradient
        rows = win.sh == win.sw == 1 and _conv_rows.ENABLED and bool(np.isfinite(x.sum()))
        wp = x.shape[3] + 2 * win.pw if rows else ow
        step = _batch_step(n, c * win.kh * win.kw, oh * wp, x.itemsize)
        for s in range(0, n, step):
            if rows:
                cols, _ = _conv_rows.unfold(x[s:s + step], win, oh)    # (C*KH*KW, m*OH*Wp)
                g3 = _conv_rows.rows_first(grad[s:s + step], groups, wp)
            else:
                cols = _unfold(x[s:s + step], win, oh, ow, True)       # (C*KH*KW, m*OH*OW)
                g3 = _channels_first(grad[s:s + step], groups)         # (G, OC/G, m*OH*OW)
            # (cols @ g.T).T: the same product, but OpenBLAS runs it ~15% faster than g @ cols.T
            if groups == 1:
                gw[0] += blas_matmul(cols, g3[0].T).T                      # (OC, C*KH*KW)
            else:
                gw += blas_matmul(cols.reshape(groups, -1, cols.shape[1]),
                                  g3.transpose(0, 2, 1)).transpose(0, 2, 1)
        return gw.reshape((oc, c // groups) + tuple(k_hw))

    @staticmethod
    def backward(ctx, ggw):
        x, grad = ctx.saved_tensors
        need = ctx.needs_input_grad
        win, groups = ctx.win, ctx.groups
        gx = ggrad = None
        if need[0]:
            gx = ConvTranspose2d.apply(grad, ggw, None, win, groups, x.shape[2:])
        if need[1]:
            ggrad = Conv2d.apply(x, ggw, None, win, groups, grad.shape[2:])
        return gx, ggrad


def _same_padding(x: Tensor, k: tuple, dilation: Any, stride: Any) -> tuple[Tensor, tuple]:
    if as_pair(stride, "stride", "conv2d") != (1, 1):
        raise OpError("conv2d: padding='same' needs stride 1 (as PyTorch), got "
                      f"stride={stride!r}")
    dh, dw = as_pair(dilation, "dilation", "conv2d")
    th, tw = dh * (k[0] - 1), dw * (k[1] - 1)          # total padding per axis
    if th % 2 or tw % 2:                               # the odd extra goes bottom/right
        x = OPS.pad(x, (0, tw % 2, 0, th % 2))
    return x, (th // 2, tw // 2)


@register(functional=True)
def conv2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1,  # noqa: A002
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation, as PyTorch) over a batch of images.

    ``out[n, o] = bias[o] + sum_c sum_(i,j) weight[o, c, i, j] * x[n, c, S*oh + D*i - P,
    S*ow + D*j - P]``, with zero padding. With ``groups=g`` the channels split
    into g groups, each convolved with its own OC/g filters.

    Args:
        input: (N, C, H, W), or (C, H, W) for one image.
        weight: (OC, C/groups, FH, FW).
        bias: (OC,) or None.
        stride, dilation: int or (height, width) pair, positive.
        padding: int, pair, ``'valid'`` (0) or ``'same'`` (output size = input
            size; stride 1 only).
        groups: number of channel groups.

    Shape:
        (N, C, H, W) -> (N, OC, OH, OW) with ``OH = (H + 2P - D*(FH-1) - 1) // S + 1``
        (likewise OW).

    Example (the course's worked example, then with padding 1):
        >>> import autograd as ag
        >>> from autograd.ops.conv import conv2d
        >>> x = ag.tensor([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1.]]).reshape(
        ...     1, 1, 4, 4)
        >>> f = ag.tensor([[2, 0, 1], [0, 1, 2], [1, 0, 2.]]).reshape(1, 1, 3, 3)
        >>> conv2d(x, f)[0, 0]
        tensor([[15., 16.],
                [ 6., 15.]])
        >>> conv2d(x, f, padding=1).shape
        (1, 1, 4, 4)
    """
    op = "conv2d"
    x = as_tensor(input, "conv2d")
    weight = tensor_arg(weight, "conv2d", "weight")
    bias = None if bias is None else tensor_arg(bias, "conv2d", "bias")
    if x.ndim == 3:
        return conv2d(x.unsqueeze(0), weight, bias, stride, padding, dilation, groups)[0]
    _check_operands(op, x, weight, bias, groups, transposed=False)
    k = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            padding = 0
        elif padding == "same":
            x, padding = _same_padding(x, k, dilation, stride)
        else:
            raise OpError(f"{op}: padding must be an int, a pair, 'valid' or 'same', "
                          f"got {padding!r}")
    win = _window(op, k, stride, padding, dilation)
    out_hw = _out_hw(op, x.shape[2], x.shape[3], win)
    return Conv2d.apply(x, weight, bias, win, int(groups), out_hw)


@register(functional=True)
def conv_transpose2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1,  # noqa: A002
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Tensor:
    """Transposed 2-D convolution: the gradient of conv2d with respect to its input.

    Each input pixel scatters ``weight``-scaled copies of itself into the
    output (col2im), which upsamples by ``stride``; used in decoders and GANs.
    ``conv_transpose2d(conv2d(x, w, ...)-shaped g, w, ...)`` is exactly the
    input gradient of ``conv2d(x, w, ...)``.

    Args:
        input: (N, Cin, H, W), or (Cin, H, W) for one image.
        weight: (Cin, Cout/groups, FH, FW) (the layout of the conv2d it inverts).
        bias: (Cout,) or None.
        stride, padding, dilation: as the matching conv2d.
        output_padding: extra rows/columns added to one side of the output,
            to pick among the input sizes a strided conv2d maps to the same
            output size; smaller than stride or dilation.
        groups: number of channel groups.

    Shape:
        (N, Cin, H, W) -> (N, Cout, OH, OW) with
        ``OH = (H - 1)*S - 2P + D*(FH-1) + output_padding + 1`` (likewise OW).

    Example (stride 2 doubles the size):
        >>> import autograd as ag
        >>> from autograd.ops.conv import conv_transpose2d
        >>> conv_transpose2d(ag.ones(1, 1, 2, 2), ag.ones(1, 1, 2, 2), stride=2)[0, 0]
        tensor([[1., 1., 1., 1.],
                [1., 1., 1., 1.],
                [1., 1., 1., 1.],
                [1., 1., 1., 1.]])
    """
    op = "conv_transpose2d"
    x = as_tensor(input, "conv_transpose2d")
    weight = tensor_arg(weight, "conv_transpose2d", "weight")
    bias = None if bias is None else tensor_arg(bias, "conv_transpose2d", "bias")
    if x.ndim == 3:
        return conv_transpose2d(x.unsqueeze(0), weight, bias, stride, padding, output_padding,
                                groups, dilation)[0]
    _check_operands(op, x, weight, bias, groups, transposed=True)
    win = _window(op, tuple(weight.shape[2:]), stride, padding, dilation)
    oph, opw = as_pair(output_padding, "output_padding", op, low=0)
    if not (oph < max(win.sh, win.dh) and opw < max(win.sw, win.dw)):
        raise OpError(f"{op}: output_padding {(oph, opw)} must be smaller than stride "
                      f"{(win.sh, win.sw)} or dilation {(win.dh, win.dw)}")
    out_hw = (_transposed_len(op, "height", x.shape[2], win.kh, win.sh, win.ph, win.dh, oph),
              _transposed_len(op, "width", x.shape[3], win.kw, win.sw, win.pw, win.dw, opw))
    return ConvTranspose2d.apply(x, weight, bias, win, int(groups), out_hw)
