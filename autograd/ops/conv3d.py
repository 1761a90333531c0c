"""3-D convolution over volumes and clips: conv3d and conv_transpose3d.

The same im2col picture as :mod:`.conv`, one dimension up: every window of the
padded volume is a strided view ``(N, C, KD, KH, KW, OD, OH, OW)`` of it, copied
once into columns ``(N, G, C/G*KD*KH*KW, OD*OH*OW)``, and one batched matrix
product with the flattened filters ``(G, OC/G, C/G*KD*KH*KW)`` is the layer.
The transposed convolution is the product the other way round followed by
*col2vol*: one slice-add per kernel offset (KD*KH*KW of them), each covering
every window at once. The weight gradient is ``grad @ cols.T`` summed over the
batch. As in 2-D, each of the three is an op whose backward uses the others
(:class:`Conv3d`, :class:`ConvTranspose3d`, :class:`Conv3dWeight`), so
``create_graph=True`` gives second derivatives. The columns are built a batch
chunk at a time (about ``COLS_BUDGET`` bytes) and dropped after its product; no
Winograd or row tricks here.
"""
from __future__ import annotations

import itertools
import math
from typing import Any, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..errors import OpError
from ..function import Function
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import as_tensor, tensor_arg
from ._conv_args import _check_operands, _transposed_len, as_tuple, out_len
from ._notation import Derivative

_AXES = ("depth", "height", "width")

#: bytes of columns per batch chunk: a whole batch's columns are K (27 for 3x3x3) times its input
COLS_BUDGET = 1 << 23


class Geom3(NamedTuple):
    """Kernel size, stride, padding and dilation, one (depth, height, width) triple each."""

    k: tuple
    s: tuple
    p: tuple
    d: tuple


def _geom(op: str, k: tuple, stride: Any, padding: Any, dilation: Any) -> Geom3:
    return Geom3(tuple(int(v) for v in k), as_tuple(stride, 3, "stride", op),
                 as_tuple(padding, 3, "padding", op, low=0), as_tuple(dilation, 3, "dilation", op))


def _out_size(op: str, size: tuple, g: Geom3) -> tuple:
    return tuple(out_len(op, a, n, k, s, p, d)
                 for a, n, k, s, p, d in zip(_AXES, size, g.k, g.s, g.p, g.d))


# ------------------------------------------------------- numpy vol2col / col2vol
def _unfold3(x: np.ndarray, g: Geom3, out: tuple, groups: int) -> np.ndarray:
    """Windows of ``x`` (N, C, D, H, W) as columns (N, G, C/G*KD*KH*KW, OD*OH*OW) (a copy)."""
    n, c = x.shape[:2]
    xp = np.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in g.p)) if any(g.p) else x
    st = xp.strides
    view = as_strided(xp, (n, c) + g.k + tuple(out),                 # (N, C, K..., O...)
                      st[:2] + tuple(st[2 + i] * g.d[i] for i in range(3))
                      + tuple(st[2 + i] * g.s[i] for i in range(3)), writeable=False)
    return view.reshape(n, groups, c // groups * math.prod(g.k), math.prod(out))


def _fold3(cols: np.ndarray, g: Geom3, size: tuple, out: tuple) -> np.ndarray:
    """Add columns (N, C, KD, KH, KW, OD, OH, OW) back into a new (N, C, *size) volume.

    The adjoint of :func:`_unfold3`: one slice-add per kernel offset; padding is cut off.
    """
    n, c = cols.shape[:2]
    full = np.zeros((n, c) + tuple(sz + 2 * p for sz, p in zip(size, g.p)), cols.dtype)
    for off in itertools.product(*(range(k) for k in g.k)):
        where = tuple(slice(i * d, i * d + s * (o - 1) + 1, s)
                      for i, d, s, o in zip(off, g.d, g.s, out))
        full[(slice(None), slice(None)) + where] += cols[(slice(None), slice(None)) + off]
    inner = tuple(slice(p, p + sz) for p, sz in zip(g.p, size))
    return np.ascontiguousarray(full[(slice(None), slice(None)) + inner])


def _step(n: int, per_image: int) -> int:
    """Images per batch chunk so that a chunk's columns take about COLS_BUDGET bytes."""
    return max(1, min(n, COLS_BUDGET // max(1, per_image)))


def _conv(x: np.ndarray, w: np.ndarray, g: Geom3, groups: int, out: tuple) -> np.ndarray:
    """conv3d of arrays: x (N, C, D, H, W), w (OC, C/G, KD, KH, KW) -> (N, OC, *out)."""
    n, c = x.shape[:2]
    oc = w.shape[0]
    wg = w.reshape(groups, oc // groups, -1)                          # (G, OC/G, C/G*K)
    res = np.empty((n, oc) + tuple(out), np.result_type(x, w))
    step = _step(n, c * math.prod(g.k) * math.prod(out) * x.itemsize)
    for s in range(0, n, step):
        cols = _unfold3(x[s:s + step], g, out, groups)               # (m, G, C/G*K, O)
        res[s:s + step] = np.matmul(wg, cols).reshape((-1, oc) + tuple(out))
    return res


def _conv_t(x: np.ndarray, w: np.ndarray, g: Geom3, groups: int, out: tuple) -> np.ndarray:
    """conv_transpose3d of arrays: x (N, Cin, D, H, W), w (Cin, Cout/G, K...) -> (N, Cout, *out)."""
    n, cin = x.shape[:2]
    cout = w.shape[1] * groups
    wt = w.reshape(groups, cin // groups, -1).transpose(0, 2, 1)      # (G, Cout/G*K, Cin/G)
    x4 = x.reshape(n, groups, cin // groups, math.prod(x.shape[2:]))  # (N, G, Cin/G, D*H*W)
    res = np.empty((n, cout) + tuple(out), np.result_type(x, w))
    step = _step(n, cout * math.prod(g.k) * x4.shape[3] * x.itemsize)
    for s in range(0, n, step):
        cols = np.matmul(wt, x4[s:s + step])                          # (m, G, Cout/G*K, DHW)
        res[s:s + step] = _fold3(cols.reshape((-1, cout) + g.k + x.shape[2:]), g, out,
                                 x.shape[2:])
    return res


def _weight_grad(x: np.ndarray, grad: np.ndarray, g: Geom3, groups: int) -> np.ndarray:
    """conv3d's weight gradient: sum over the batch of grad @ cols.T -> (OC, C/G, KD, KH, KW)."""
    n, c = x.shape[:2]
    oc = grad.shape[1]
    o = math.prod(grad.shape[2:])
    gw = np.zeros((groups, oc // groups, c // groups * math.prod(g.k)), np.result_type(x, grad))
    step = _step(n, c * math.prod(g.k) * o * x.itemsize)
    for s in range(0, n, step):
        cols = _unfold3(x[s:s + step], g, grad.shape[2:], groups)    # (m, G, C/G*K, O)
        g4 = grad[s:s + step].reshape(-1, groups, oc // groups, o)    # (m, G, OC/G, O)
        gw += np.matmul(g4, cols.transpose(0, 1, 3, 2)).sum(axis=0)  # (G, OC/G, C/G*K)
    return gw.reshape((oc, c // groups) + g.k)


# ----------------------------------------------------------------- the ops
class Conv3d(Function):
    """Fused conv3d: vol2col + one batched matrix product over the groups (+ bias)."""

    symbol = "conv3d"
    derivative = Derivative("∂L/∂x = conv_transpose3d(G, W)", "∂L/∂W = x ⋆ G",
                            "∂L/∂b = Σ G")

    @staticmethod
    def forward(ctx, x, w, b, geom, groups, out_size):
        out = _conv(x, w, geom, groups, out_size)
        if b is not None:
            out += b.reshape(1, -1, 1, 1, 1)
        ctx.save_for_backward(x, w)
        ctx.geom, ctx.groups = geom, groups
        return out

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = gw = gb = None
        if need[0]:
            gx = ConvTranspose3d.apply(grad, w, None, ctx.geom, ctx.groups, x.shape[2:])
        if need[1]:
            gw = Conv3dWeight.apply(x, grad, ctx.geom, ctx.groups)
        if need[2]:
            gb = grad.sum((0, 2, 3, 4))
        return gx, gw, gb


class ConvTranspose3d(Function):
    """Fused transposed 3-D convolution: a batched product, then col2vol."""

    symbol = "conv_transpose3d"
    derivative = Derivative("∂L/∂x = conv3d(G, W)", "∂L/∂W = G ⋆ x", "∂L/∂b = Σ G")

    @staticmethod
    def forward(ctx, x, w, b, geom, groups, out_size):
        out = _conv_t(x, w, geom, groups, out_size)
        if b is not None:
            out += b.reshape(1, -1, 1, 1, 1)
        ctx.save_for_backward(x, w)
        ctx.geom, ctx.groups = geom, groups
        return out

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = gw = gb = None
        if need[0]:
            gx = Conv3d.apply(grad, w, None, ctx.geom, ctx.groups, x.shape[2:])
        if need[1]:
            gw = Conv3dWeight.apply(grad, x, ctx.geom, ctx.groups)
        if need[2]:
            gb = grad.sum((0, 2, 3, 4))
        return gx, gw, gb


class Conv3dWeight(Function):
    """The weight gradient of conv3d as an op of (x, grad), so it has a backward too."""

    symbol = "conv3d′W"

    @staticmethod
    def forward(ctx, x, grad, geom, groups):
        ctx.save_for_backward(x, grad)
        ctx.geom, ctx.groups = geom, groups
        return _weight_grad(x, grad, geom, groups)

    @staticmethod
    def backward(ctx, ggw):
        x, grad = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = ggrad = None
        if need[0]:
            gx = ConvTranspose3d.apply(grad, ggw, None, ctx.geom, ctx.groups, x.shape[2:])
        if need[1]:
            ggrad = Conv3d.apply(x, ggw, None, ctx.geom, ctx.groups, grad.shape[2:])
        return gx, ggrad


def _string_padding(op: str, x: Tensor, padding: str, k: tuple, stride: Any,
                    dilation: Any) -> tuple[Tensor, Any]:
    """``'valid'`` is no padding; ``'same'`` pads D*(K-1) per axis, the odd one at the end."""
    if padding == "valid":
        return x, 0
    if padding != "same":
        raise OpError(f"{op}: padding must be an int, a tuple of 3, 'valid' or 'same', "
                      f"got {padding!r}")
    if as_tuple(stride, 3, "stride", op) != (1, 1, 1):
        raise OpError(f"{op}: padding='same' needs stride 1 (as PyTorch), got "
                      f"stride={stride!r}")
    totals = [d * (kk - 1) for d, kk in zip(as_tuple(dilation, 3, "dilation", op), k)]
    if any(t % 2 for t in totals):                     # (W, H, D) order for pad
        x = OPS.pad(x, (0, totals[2] % 2, 0, totals[1] % 2, 0, totals[0] % 2))
    return x, tuple(t // 2 for t in totals)


@register(functional=True)
def conv3d(input: Any, weight: Any, bias: Any = None, stride: Any = 1,  # noqa: A002
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """3-D convolution (cross-correlation, as PyTorch) over a batch of volumes or clips.

    ``out[n, o] = bias[o] + sum_c sum_(i,j,l) weight[o, c, i, j, l] * x[n, c, S*od + D*i - P,
    S*oh + D*j - P, S*ow + D*l - P]`` with zero padding, per axis; with ``groups=g``
    the channels split into g groups, each with its own OC/g filters.

    Args:
        input: (N, C, D, H, W), or (C, D, H, W) for one volume.
        weight: (OC, C/groups, KD, KH, KW).
        bias: (OC,) or None.
        stride, dilation: int or (depth, height, width) triple, positive.
        padding: int, triple, ``'valid'`` (0) or ``'same'`` (output size = input
            size; stride 1 only).
        groups: number of channel groups.

    Shape:
        (N, C, D, H, W) -> (N, OC, OD, OH, OW) with ``OD = (D + 2P - Dil*(KD-1) - 1) // S + 1``
        (likewise OH, OW).

    Returns:
        The convolved Tensor, dtype of ``input``.

    Example:
        >>> import autograd as ag
        >>> from autograd.ops.conv3d import conv3d
        >>> conv3d(ag.ones(1, 1, 3, 4, 5), ag.ones(1, 1, 2, 2, 2)).shape
        (1, 1, 2, 3, 4)
        >>> conv3d(ag.ones(1, 1, 3, 3, 3), ag.ones(1, 1, 3, 3, 3), padding=1)[0, 0, 0, 0]
        tensor([ 8., 12.,  8.])
    """
    op = "conv3d"
    x = as_tensor(input, op)
    weight = tensor_arg(weight, op, "weight")
    bias = None if bias is None else tensor_arg(bias, op, "bias")
    if x.ndim == 4:
        return conv3d(x.unsqueeze(0), weight, bias, stride, padding, dilation, groups)[0]
    _check_operands(op, x, weight, bias, groups, transposed=False, nd=3)
    k = tuple(weight.shape[2:])
    if isinstance(padding, str):
        x, padding = _string_padding(op, x, padding, k, stride, dilation)
    geom = _geom(op, k, stride, padding, dilation)
    return Conv3d.apply(x, weight, bias, geom, int(groups), _out_size(op, x.shape[2:], geom))


@register(functional=True)
def conv_transpose3d(input: Any, weight: Any, bias: Any = None, stride: Any = 1,  # noqa: A002
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Tensor:
    """Transposed 3-D convolution: the gradient of conv3d with respect to its input.

    Each input voxel scatters a ``weight``-scaled copy of the filter into the
    output, which upsamples by ``stride`` (3-D decoders, video generators).

    Args:
        input: (N, Cin, D, H, W), or (Cin, D, H, W) for one volume.
        weight: (Cin, Cout/groups, KD, KH, KW) (the layout of the conv3d it inverts).
        bias: (Cout,) or None.
        stride, padding, dilation: as the matching conv3d (ints or triples).
        output_padding: extra planes added to one side of each axis of the
            output; smaller than stride or dilation.
        groups: number of channel groups.

    Shape:
        (N, Cin, D, H, W) -> (N, Cout, OD, OH, OW) with
        ``OD = (D - 1)*S - 2P + Dil*(KD-1) + output_padding + 1`` (likewise OH, OW).

    Returns:
        The output Tensor, dtype of ``input``.

    Example (stride 2 doubles every side):
        >>> import autograd as ag
        >>> from autograd.ops.conv3d import conv_transpose3d
        >>> y = conv_transpose3d(ag.ones(1, 1, 2, 2, 2), ag.ones(1, 1, 2, 2, 2), stride=2)
        >>> y.shape, y.sum().item()
        ((1, 1, 4, 4, 4), 64.0)
    """
    op = "conv_transpose3d"
    x = as_tensor(input, op)
    weight = tensor_arg(weight, op, "weight")
    bias = None if bias is None else tensor_arg(bias, op, "bias")
    if x.ndim == 4:
        return conv_transpose3d(x.unsqueeze(0), weight, bias, stride, padding, output_padding,
                                groups, dilation)[0]
    _check_operands(op, x, weight, bias, groups, transposed=True, nd=3)
    geom = _geom(op, tuple(weight.shape[2:]), stride, padding, dilation)
    extra = as_tuple(output_padding, 3, "output_padding", op, low=0)
    if any(e >= max(s, d) for e, s, d in zip(extra, geom.s, geom.d)):
        raise OpError(f"{op}: output_padding {extra} must be smaller than stride {geom.s} "
                      f"or dilation {geom.d}")
    out = tuple(_transposed_len(op, a, n, k, s, p, d, e) for a, n, k, s, p, d, e
                in zip(_AXES, x.shape[2:], geom.k, geom.s, geom.p, geom.d, extra))
    return ConvTranspose3d.apply(x, weight, bias, geom, int(groups), out)
