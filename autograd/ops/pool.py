"""Pooling: max_pool2d, avg_pool2d, adaptive_avg_pool2d.

A pooling window is a product of a row range and a column range, so both
pools run *separably*: first along the width (every window's columns, for
every input row), then along the height. Each step loops only over the kernel
offsets, each iteration one numpy operation on strided views of the whole
batch; nothing loops over output pixels.

* Max-pool keeps, per step, which offset won (``uint8``), so backward sends
  the gradient to exactly one input per window, the first maximum in
  row-major order (as PyTorch; a NaN wins, as PyTorch). Backward is a scatter
  op whose own backward is the matching gather, so double backward works.
* Avg-pool is a window sum divided by the window size; its backward is the
  adjoint sum, an op whose backward is avg-pool again.
* When ``stride == kernel`` without padding and the kernel divides the image
  (the usual 2x2 pool), the windows tile the image and a reshape replaces the
  strided views.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..errors import OpError
from ..function import Function
from ..registry import register
from ..tensor import Tensor
from ._common import as_tensor
from ._notation import Derivative
from .conv import Window, as_pair


# ------------------------------------------------------------------ geometry
def _pool_len(op: str, axis: str, size: int, k: int, s: int, p: int, d: int,
              ceil_mode: bool) -> int:
    span = size + 2 * p - d * (k - 1) - 1
    n = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and n > 0 and (n - 1) * s >= size + p:
        n -= 1  # the last window must start inside the input or its left padding
    if n < 1:
        a = axis[0].upper()
        rnd = "ceil" if ceil_mode else "floor"
        raise OpError(
            f"{op}: the kernel is larger than the padded input along the {axis}: the window "
            f"spans {d * (k - 1) + 1} but the padded {axis} is {size + 2 * p} ({size} + 2*{p}), "
            f"so the output would be empty: O{a} = {rnd}(({a} + 2P - D*(K-1) - 1) / S) + 1 = "
            f"{rnd}(({size} + 2*{p} - {d}*({k}-1) - 1) / {s}) + 1 = {n}")
    return n


class _Geom(NamedTuple):
    win: Window
    shape: tuple     # input (N, C, H, W)
    oh: int
    ow: int
    hn: int          # padded extent actually read (covers every window)
    wn: int
    fast: bool       # windows tile the image exactly: reshape path


def _geometry(op: str, x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
              ceil_mode: bool) -> _Geom:
    if x.ndim != 4:
        raise OpError(f"{op}: expected input of shape (N, C, H, W) or (C, H, W), got shape "
                      f"{tuple(x.shape)}")
    kh, kw = as_pair(kernel_size, "kernel_size", op)
    no_stride = stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0)
    sh, sw = (kh, kw) if no_stride else as_pair(stride, "stride", op)
    ph, pw = as_pair(padding, "padding", op, low=0)
    dh, dw = as_pair(dilation, "dilation", op)
    if ph > kh // 2 or pw > kw // 2:
        raise OpError(f"{op}: padding {(ph, pw)} must be at most half the kernel size "
                      f"{(kh, kw)}, so every window holds at least one input value")
    win = Window(kh, kw, sh, sw, ph, pw, dh, dw)
    n, c, h, w = x.shape
    oh = _pool_len(op, "height", h, kh, sh, ph, dh, ceil_mode)
    ow = _pool_len(op, "width", w, kw, sw, pw, dw, ceil_mode)
    hn = max((oh - 1) * sh + dh * (kh - 1) + 1, ph + h)
    wn = max((ow - 1) * sw + dw * (kw - 1) + 1, pw + w)
    fast = (sh, sw) == (kh, kw) and ph == pw == 0 and dh == dw == 1 and h % kh == 0 \
        and w % kw == 0
    return _Geom(win, tuple(x.shape), oh, ow, hn, wn, fast)


def _padded(x: np.ndarray, g: _Geom, fill: Any) -> np.ndarray:
    n, c, h, w = x.shape
    if (g.hn, g.wn) == (h, w) and g.win.ph == g.win.pw == 0:
        return x
    xp = np.full((n, c, g.hn, g.wn), fill, x.dtype)
    xp[:, :, g.win.ph:g.win.ph + h, g.win.pw:g.win.pw + w] = x
    return xp


def _crop(xp: np.ndarray, g: _Geom) -> np.ndarray:
    h, w = g.shape[2:]
    if xp.shape[2:] == (h, w):
        return xp
    return np.ascontiguousarray(xp[:, :, g.win.ph:g.win.ph + h, g.win.pw:g.win.pw + w])


def _col(a: np.ndarray, g: _Geom, j: int) -> np.ndarray:
    """Column ``j`` of every window, for every row: (..., Wn) -> (..., OW)."""
    c0 = j * g.win.dw
    return a[..., c0:c0 + g.win.sw * (g.ow - 1) + 1:g.win.sw]


def _row(a: np.ndarray, g: _Geom, i: int) -> np.ndarray:
    """Row ``i`` of every window: (N, C, Hn, OW) -> (N, C, OH, OW)."""
    r0 = i * g.win.dh
    return a[:, :, r0:r0 + g.win.sh * (g.oh - 1) + 1:g.win.sh]


def _w_planes(x: np.ndarray, g: _Geom) -> list:
    """The KW column planes of the windows, each (N, C, Hn, OW)."""
    if g.fast:  # de-interleave once: contiguous planes are faster than stride-KW views
        n, c, h, w = x.shape
        planes = np.ascontiguousarray(x.reshape(-1, g.win.kw).T)
        return list(planes.reshape(g.win.kw, n, c, h, g.ow))
    return [_col(x, g, j) for j in range(g.win.kw)]


def _h_planes(rows: np.ndarray, g: _Geom) -> list:
    """The KH row planes of the windows, each (N, C, OH, OW)."""
    if g.fast:
        n, c, h, ow = rows.shape
        r5 = rows.reshape(n, c, g.oh, g.win.kh, ow)
        return [r5[:, :, :, i] for i in range(g.win.kh)]
    return [_row(rows, g, i) for i in range(g.win.kh)]


# ------------------------------------------------------------------- max-pool
def _argmax(planes: list) -> tuple[np.ndarray, np.ndarray]:
    """Elementwise max over planes and the index of the first maximum (a NaN wins)."""
    idx_t = np.uint8 if len(planes) <= 256 else np.int32
    if len(planes) == 1:
        return np.array(planes[0]), np.zeros(planes[0].shape, idx_t)
    best = np.maximum(planes[0], planes[1])  # propagates NaN
    idx = planes[1] > planes[0]
    idx = idx.view(np.uint8) if idx_t is np.uint8 else idx.astype(idx_t)
    for k, p in enumerate(planes[2:], 2):
        # idx < k so far, so max(idx, k * won) sets k exactly where p won (a masked copy is slower)
        won = p > best
        np.maximum(idx, won.view(np.uint8) * idx.dtype.type(k), out=idx)
        np.maximum(best, p, out=best)
    if best.dtype.kind == "f" and np.isnan(best).any():  # rare: redo the indices NaN-aware
        run = np.array(planes[0])
        idx[...] = 0
        for k, p in enumerate(planes[1:], 1):
            m = (p > run) | np.isnan(p)
            np.copyto(run, p, where=m)
            np.copyto(idx, k, where=m)
    return best, idx


class _Argmax(NamedTuple):
    geom: _Geom
    jidx: np.ndarray  # winning column offset of each row of each window (N, C, Hn, OW)
    iidx: np.ndarray  # winning row offset of each window (N, C, OH, OW)


def _put(dst: np.ndarray, values: np.ndarray, mask: np.ndarray, add: bool, finite: bool,
         tmp: np.ndarray | None = None) -> None:
    """``dst (+)= values where mask else 0``; multiplying by the mask is several times faster
    than a masked copy, and exact unless ``values`` holds inf or NaN (which would leak)."""
    if finite:
        part = np.multiply(values, mask, out=tmp if add else dst)
    else:
        part = np.where(mask, values, np.zeros((), values.dtype))
        if not add:
            dst[...] = part
    if add:
        dst += part


def _max_scatter(grad: np.ndarray, a: _Argmax) -> np.ndarray:
    """Send each window's gradient to its argmax (summing where windows share it)."""
    g = a.geom
    n, c, h, w = g.shape
    kh, kw = g.win.kh, g.win.kw
    finite = bool(np.isfinite(grad).all())
    if g.fast:  # windows tile the image: every position is written exactly once
        rows = np.empty((n, c, g.oh, kh, g.ow), grad.dtype)
        for i in range(kh):
            _put(rows[:, :, :, i], grad, a.iidx == i, False, finite)
        rows = rows.reshape(n, c, h, g.ow)
        dx = np.empty(g.shape, grad.dtype)
        for j in range(kw):
            _put(dx[..., j::kw], rows, a.jidx == j, False, finite)
        return dx
    rows = np.zeros((n, c, g.hn, g.ow), grad.dtype)
    tmp = np.empty_like(grad)
    for i in range(kh):
        _put(_row(rows, g, i), grad, a.iidx == i, True, finite, tmp)
    dxp = np.zeros((n, c, g.hn, g.wn), grad.dtype)
    tmp = np.empty_like(rows)
    for j in range(kw):
        _put(_col(dxp, g, j), rows, a.jidx == j, True, finite, tmp)
    return _crop(dxp, g)


def _max_gather(full: np.ndarray, a: _Argmax) -> np.ndarray:
    """Each window's value at its argmax: the adjoint of :func:`_max_scatter`."""
    g = a.geom
    n, c = g.shape[:2]
    xp = _padded(full, g, 0)
    rows = np.zeros((n, c, g.hn, g.ow), full.dtype)
    for j in range(g.win.kw):
        np.copyto(rows, _col(xp, g, j), where=a.jidx == j)
    out = np.zeros((n, c, g.oh, g.ow), full.dtype)
    for i in range(g.win.kh):
        np.copyto(out, _row(rows, g, i), where=a.iidx == i)
    return out


def _flat_indices(a: _Argmax) -> np.ndarray:
    """PyTorch's ``return_indices``: each argmax as a flat index into its (H, W) plane."""
    g = a.geom
    w = g.shape[3]
    oh = np.arange(g.oh).reshape(-1, 1)
    ow = np.arange(g.ow)
    row = oh * g.win.sh + a.iidx.astype(np.int64) * g.win.dh       # padded row, (N, C, OH, OW)
    j = np.take_along_axis(a.jidx, row, axis=2).astype(np.int64)
    col = ow * g.win.sw + j * g.win.dw
    return (row - g.win.ph) * w + (col - g.win.pw)


class MaxPool2d(Function):
    """Max over each window; remembers the winner of each window for backward."""

    symbol = "maxpool"
    derivative = Derivative("∂L/∂x = G at each window's max, 0 elsewhere")

    @staticmethod
    def forward(ctx, x, geom, return_indices):
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        xp = x if geom.fast else _padded(x, geom, fill)
        rows, jidx = _argmax(_w_planes(xp, geom))                 # (N, C, Hn, OW)
        out, iidx = _argmax(_h_planes(rows, geom))                # (N, C, OH, OW)
        ctx.argmax = _Argmax(geom, jidx, iidx)
        if return_indices:
            return out, _flat_indices(ctx.argmax)
        return out

    @staticmethod
    def backward(ctx, grad, *_):
        return _MaxScatter.apply(grad, ctx.argmax)


class _MaxScatter(Function):
    symbol = "maxpool′"

    @staticmethod
    def forward(ctx, grad, argmax):
        ctx.argmax = argmax
        return _max_scatter(grad, argmax)

    @staticmethod
    def backward(ctx, grad):
        return _MaxGather.apply(grad, ctx.argmax)


class _MaxGather(Function):
    symbol = "gather"

    @staticmethod
    def forward(ctx, full, argmax):
        ctx.argmax = argmax
        return _max_gather(full, argmax)

    @staticmethod
    def backward(ctx, grad):
        return _MaxScatter.apply(grad, ctx.argmax)


def _batched(fn: Any, x: Any, *args: Any) -> Any:
    """Run a pool on (C, H, W) input as a batch of one."""
    out = fn(as_tensor(x).unsqueeze(0), *args)
    return tuple(o[0] for o in out) if isinstance(out, tuple) else out[0]


@register(functional=True)
def max_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               dilation: Any = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:
    """Max over each window, per channel; the gradient goes to one position per window.

    Args:
        input: (N, C, H, W), or (C, H, W) for one image.
        kernel_size: int or (height, width).
        stride: defaults to ``kernel_size``.
        padding: implicit ``-inf`` on both sides, at most half the kernel.
        dilation: spacing between window elements.
        ceil_mode: round the output size up (a last, partial window).
        return_indices: also return the argmax of each window as a flat index
            into its (H, W) plane (int64), as PyTorch.

    Shape:
        (N, C, H, W) -> (N, C, OH, OW), ``OH = floor((H + 2P - D*(K-1) - 1) / S) + 1``
        (``ceil`` with ceil_mode).

    Example:
        >>> import autograd as ag
        >>> from autograd.ops.pool import max_pool2d
        >>> x = ag.tensor([[1., 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]],
        ...               requires_grad=True)
        >>> y = max_pool2d(x.reshape(1, 1, 4, 4), 2)
        >>> y.detach()[0, 0]
        tensor([[2., 3.],
                [3., 2.]])
        >>> y.sum().backward()
        >>> x.grad                    # one winner per window (the first of equals)
        tensor([[0., 1., 1., 0.],
                [0., 0., 0., 0.],
                [1., 0., 0., 1.],
                [0., 0., 0., 0.]])
    """
    x = as_tensor(input, "max_pool2d")
    if x.ndim == 3:
        return _batched(max_pool2d, x, kernel_size, stride, padding, dilation, ceil_mode,
                        return_indices)
    geom = _geometry("max_pool2d", x, kernel_size, stride, padding, dilation, ceil_mode)
    return MaxPool2d.apply(x, geom, bool(return_indices))


# ------------------------------------------------------------------- avg-pool
def _window_sum(x: np.ndarray, g: _Geom) -> np.ndarray:
    """Sum over each window, separably: (N, C, H, W) -> (N, C, OH, OW)."""
    xp = x if g.fast else _padded(x, g, 0)
    rows = np.array(_col(xp, g, 0))
    for j in range(1, g.win.kw):
        rows += _col(xp, g, j)                                    # (N, C, Hn, OW)
    planes = _h_planes(rows, g)
    out = np.array(planes[0])
    for p in planes[1:]:
        out += p                                                  # (N, C, OH, OW)
    return out


def _window_sum_adjoint(grad: np.ndarray, g: _Geom) -> np.ndarray:
    """Spread each window's value over the window (adding where windows overlap)."""
    n, c = g.shape[:2]
    if g.fast:
        rows = np.broadcast_to(grad[:, :, :, None], (n, c, g.oh, g.win.kh, g.ow))
        rows = rows.reshape(n, c, g.shape[2], g.ow)
        dx = np.empty(g.shape, grad.dtype)
        for j in range(g.win.kw):
            dx[..., j::g.win.kw] = rows
        return dx
    rows = np.zeros((n, c, g.hn, g.ow), grad.dtype)
    for i in range(g.win.kh):
        _row(rows, g, i)[...] += grad
    dxp = np.zeros((n, c, g.hn, g.wn), grad.dtype)
    for j in range(g.win.kw):
        _col(dxp, g, j)[...] += rows
    return _crop(dxp, g)


def _divisor(g: _Geom, count_include_pad: bool, divisor_override: Any) -> Any:
    """The number each window's sum is divided by: a scalar or an (OH, OW) array, as PyTorch."""
    if divisor_override is not None:
        return float(divisor_override)
    sizes = []
    for o, size, k, s, p in ((g.oh, g.shape[2], g.win.kh, g.win.sh, g.win.ph),
                             (g.ow, g.shape[3], g.win.kw, g.win.sw, g.win.pw)):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, size + p)        # windows stop at the padding's end
        if count_include_pad:
            sizes.append(end - start)
        else:
            sizes.append(np.minimum(end, size) - np.maximum(start, 0))
    div = np.outer(sizes[0], sizes[1])
    return float(div.flat[0]) if (div == div.flat[0]).all() else div


class AvgPool2d(Function):
    """Window sum divided by the window size; backward is :class:`_AvgPoolAdjoint`."""

    symbol = "avgpool"
    derivative = Derivative("∂L/∂x = G / window size, to each element of its window")

    @staticmethod
    def forward(ctx, x, geom, divisor):
        ctx.geom, ctx.divisor = geom, divisor
        out = _window_sum(x, geom)
        out /= np.asarray(divisor, out.dtype)
        return out

    @staticmethod
    def backward(ctx, grad):
        return _AvgPoolAdjoint.apply(grad, ctx.geom, ctx.divisor)


class _AvgPoolAdjoint(Function):
    symbol = "avgpool′"

    @staticmethod
    def forward(ctx, grad, geom, divisor):
        ctx.geom, ctx.divisor = geom, divisor
        return _window_sum_adjoint(grad / np.asarray(divisor, grad.dtype), geom)

    @staticmethod
    def backward(ctx, grad):
        return AvgPool2d.apply(grad, ctx.geom, ctx.divisor)


@register(functional=True)
def avg_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """Mean over each window, per channel.

    Args:
        input: (N, C, H, W), or (C, H, W) for one image.
        kernel_size: int or (height, width).
        stride: defaults to ``kernel_size``.
        padding: implicit zeros on both sides, at most half the kernel.
        ceil_mode: round the output size up (a last, partial window).
        count_include_pad: count the zero padding in the window size (PyTorch's default).
        divisor_override: divide every window's sum by this instead.

    Shape:
        (N, C, H, W) -> (N, C, OH, OW), ``OH = floor((H + 2P - K) / S) + 1``.

    Example:
        >>> import autograd as ag
        >>> from autograd.ops.pool import avg_pool2d
        >>> x = ag.tensor([[1., 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]])
        >>> avg_pool2d(x.reshape(1, 1, 4, 4), 2)[0, 0]
        tensor([[1., 2.],
                [2., 1.]])
    """
    x = as_tensor(input, "avg_pool2d")
    if x.ndim == 3:
        return _batched(avg_pool2d, x, kernel_size, stride, padding, ceil_mode,
                        count_include_pad, divisor_override)
    if x.dtype.kind != "f":
        raise TypeError(f"avg_pool2d: needs a floating point input, got dtype {x.dtype}; "
                        "convert first, e.g. x.float()")
    geom = _geometry("avg_pool2d", x, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None and divisor_override == 0:
        raise ValueError("avg_pool2d: divisor_override must be non-zero")
    return AvgPool2d.apply(x, geom, _divisor(geom, count_include_pad, divisor_override))


def _bins(size: int, out: int, dtype: Any) -> np.ndarray:
    """(out, size) averaging matrix of PyTorch's adaptive bins [floor(i*size/out), ceil(...))."""
    m = np.zeros((out, size), dtype)
    for i in range(out):
        start, end = (i * size) // out, -(-((i + 1) * size) // out)
        m[i, start:end] = 1.0 / (end - start)
    return m


@register(functional=True)
def adaptive_avg_pool2d(input: Any, output_size: Any) -> Tensor:  # noqa: A002
    """Average pooling to a fixed output size, whatever the input size.

    Output cell ``i`` averages input rows ``floor(i*H/OH)`` to ``ceil((i+1)*H/OH)``
    (the same for columns), as PyTorch. When the sizes divide this is
    :func:`avg_pool2d` with kernel = stride = H/OH; otherwise it is two small
    averaging matrices, ``A_h @ x @ A_w.T``.

    Args:
        input: (N, C, H, W), or (C, H, W) for one image.
        output_size: int or (OH, OW); None in the pair keeps that input size.

    Shape:
        (N, C, H, W) -> (N, C, OH, OW)

    Example:
        >>> import autograd as ag
        >>> from autograd.ops.pool import adaptive_avg_pool2d
        >>> adaptive_avg_pool2d(ag.arange(25.0).reshape(1, 1, 5, 5), 1).item()   # global mean
        12.0
    """
    x = as_tensor(input, "adaptive_avg_pool2d")
    if x.ndim == 3:
        return _batched(adaptive_avg_pool2d, x, output_size)
    if x.ndim != 4:
        raise ValueError(f"adaptive_avg_pool2d: expected input of shape (N, C, H, W) or "
                         f"(C, H, W), got shape {tuple(x.shape)}")
    h, w = x.shape[2:]
    sizes = list(output_size) if isinstance(output_size, (tuple, list)) else [output_size] * 2
    if len(sizes) != 2:
        raise OpError(f"adaptive_avg_pool2d: output_size must be an int or a pair, got "
                      f"{output_size!r}")
    oh, ow = as_pair((h if sizes[0] is None else sizes[0], w if sizes[1] is None else sizes[1]),
                     "output_size", "adaptive_avg_pool2d")
    if h == 0 or w == 0:
        raise ValueError(f"adaptive_avg_pool2d: input of shape {tuple(x.shape)} has no pixels")
    if h % oh == 0 and w % ow == 0:
        return avg_pool2d(x, (h // oh, w // ow))
    a_h = Tensor._make(_bins(h, oh, x.dtype))                     # (OH, H)
    a_w = Tensor._make(_bins(w, ow, x.dtype).T.copy())            # (W, OW)
    return (a_h @ x) @ a_w                                        # (N, C, OH, OW)
