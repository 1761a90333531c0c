"""Hand-written numpy forward and backward for each workload: the floor a numpy engine can reach.

Each floor does exactly the arithmetic of its workload with no graph, no Python
object per op and no bookkeeping: BLAS for every matmul, conv2d by im2col on a
strided view and one matmul, col2im by slice-adds (no ``np.add.at``), max-pool
by strided slices, the fused stable cross-entropy, and in-place SGD updates.
Parameters are dicts keyed by PyTorch's state-dict names, so the same arrays
load into the scratchgrad and PyTorch models and the gradients compare by name.

The recurrent floors (LSTM, GRU) are in :mod:`benchmarks.floors_rnn`. The floors
work in any float dtype; ``tests/benchmarks/test_floors.py`` checks
their gradients against scratchgrad's (and PyTorch's) in float64.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from autograd.ops import _winograd as winograd

Params = dict[str, np.ndarray]


# ---------------------------------------------------------------- init and update
def _uniform(rng: np.random.Generator, shape: tuple, fan_in: int, dtype: Any) -> np.ndarray:
    bound = 1.0 / np.sqrt(fan_in)  # PyTorch's default for Linear, Conv2d and LSTM
    return rng.uniform(-bound, bound, shape).astype(dtype)


def _linear_params(rng: np.random.Generator, params: Params, name: str, n_in: int, n_out: int,
                   dtype: Any) -> None:
    params[f"{name}.weight"] = _uniform(rng, (n_out, n_in), n_in, dtype)
    params[f"{name}.bias"] = _uniform(rng, (n_out,), n_in, dtype)


def sgd_(params: Params, grads: Params, lr: float) -> None:
    """``p -= lr * g`` in place for every parameter (the gradient buffer is reused)."""
    for name, g in grads.items():
        np.multiply(g, -lr, out=g)
        params[name] += g


def cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of ``logits`` (N, C) against class indices ``y`` and its gradient."""
    n = logits.shape[0]
    z = logits - logits.max(1, keepdims=True)  # (N, C)
    e = np.exp(z)
    s = e.sum(1, keepdims=True)  # (N, 1)
    rows = np.arange(n)
    loss = float(np.log(s[:, 0]).sum() - z[rows, y].sum()) / n
    e /= s  # softmax
    e[rows, y] -= 1
    e *= 1.0 / n
    return loss, e


def _dense_forward(layers: list, h: np.ndarray) -> list:
    """Linear layers with ReLU between them; returns every layer's input and the logits."""
    acts = [h]
    for k, (w, b) in enumerate(layers):
        z = h @ w.T  # (N, out)
        z += b
        if k < len(layers) - 1:
            np.maximum(z, 0, out=z)
        acts.append(z)
        h = z
    return acts


def _dense_backward(layers: list, names: list, acts: list, dz: np.ndarray, grads: Params,
                    need_dx: bool) -> np.ndarray | None:
    for k in range(len(layers) - 1, -1, -1):
        w, _ = layers[k]
        h_in = acts[k]
        grads[f"{names[k]}.weight"] = dz.T @ h_in
        grads[f"{names[k]}.bias"] = dz.sum(0)
        if k == 0 and not need_dx:
            return None
        dz = dz @ w
        if k > 0:
            dz *= h_in > 0  # ReLU backward through the previous layer's output
    return dz


# ---------------------------------------------------------------- W1: MLP
MLP_SIZES = (784, 512, 256, 10)


def init_mlp(rng: np.random.Generator, sizes: tuple = MLP_SIZES, dtype: Any = np.float32
             ) -> Params:
    """Parameters of ``Sequential(Linear, ReLU, Linear, ReLU, Linear)`` by state-dict name."""
    params: Params = {}
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        _linear_params(rng, params, str(2 * k), n_in, n_out, dtype)
    return params


def _mlp_layers(params: Params) -> tuple[list, list]:
    names = sorted({k.split(".")[0] for k in params}, key=int)
    return [(params[f"{n}.weight"], params[f"{n}.bias"]) for n in names], names


def mlp_grads(params: Params, x: np.ndarray, y: np.ndarray) -> tuple[float, Params]:
    """Loss and parameter gradients of the MLP on a batch: x (N, 784), y (N,)."""
    layers, names = _mlp_layers(params)
    acts = _dense_forward(layers, x)
    loss, dz = cross_entropy(acts[-1], y)
    grads: Params = {}
    _dense_backward(layers, names, acts, dz, grads, need_dx=False)
    return loss, grads


def mlp_step(params: Params, x: np.ndarray, y: np.ndarray, lr: float = 0.01) -> float:
    """One SGD training step of the MLP."""
    loss, grads = mlp_grads(params, x, y)
    sgd_(params, grads, lr)
    return loss


# ---------------------------------------------------------------- tiny MLP, mean squared error
TINY_SIZES = (2, 16, 16, 1)


def mse(out: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error of ``out`` against ``y`` (same shape) and its gradient."""
    d = out - y
    loss = float(np.vdot(d, d)) / d.size
    d *= 2.0 / d.size
    return loss, d


def tiny_grads(params: Params, x: np.ndarray, y: np.ndarray) -> tuple[float, Params]:
    """Loss and gradients of the small MLP (ReLU between layers) on x (N, 2), y (N, 1)."""
    layers, names = _mlp_layers(params)
    acts = _dense_forward(layers, x)
    loss, dz = mse(acts[-1], y)
    grads: Params = {}
    _dense_backward(layers, names, acts, dz, grads, need_dx=False)
    return loss, grads


def tiny_step(params: Params, x: np.ndarray, y: np.ndarray, lr: float = 0.01) -> float:
    """One SGD training step of the small MLP."""
    loss, grads = tiny_grads(params, x, y)
    sgd_(params, grads, lr)
    return loss


# ---------------------------------------------------------------- conv2d and pooling
COLS_BUDGET = 1 << 21  # bytes of im2col columns per batch chunk (about L2-sized)


class Workspace:
    """Arrays kept from one step to the next, by name and shape, as hand-written code keeps them.

    A numpy step that allocates its big temporaries afresh pays for the pages every
    step: glibc hands freed memory back to the kernel, which faults it in again
    (measured: about 2x on the LeNet step in a process of its own). Arrays taken from
    a workspace live until the next step that asks for the same name and shape.

    Example:
        >>> ws = Workspace()
        >>> ws.empty("a", (2, 3), np.float32) is ws.empty("a", (2, 3), np.float32)
        True
    """

    def __init__(self) -> None:
        self._arrays: dict[tuple, np.ndarray] = {}

    def empty(self, name: str, shape: tuple, dtype: Any, zeroed: bool = False) -> np.ndarray:
        """The array ``name`` of ``shape``; ``zeroed``: zeros when first made (borders
        that are never written stay zero)."""
        key = (name, tuple(shape), np.dtype(dtype).str)
        arr = self._arrays.get(key)
        if arr is None:
            arr = self._arrays[key] = (np.zeros if zeroed else np.empty)(shape, dtype)
        return arr


def _pad(x: np.ndarray, pad: int, ws: Workspace, name: str) -> np.ndarray:
    if not pad:
        return x
    n, c, h, w = x.shape
    xp = ws.empty(name + "xp", (n, c, h + 2 * pad, w + 2 * pad), x.dtype, zeroed=True)
    xp[:, :, pad:pad + h, pad:pad + w] = x
    return xp


def _unfold(xp: np.ndarray, kh: int, kw: int, out: np.ndarray | None = None) -> np.ndarray:
    """im2col of a padded batch: (C*kh*kw, N*Ho*Wo), one copy of a strided view."""
    n, c, hp, wp = xp.shape
    win = sliding_window_view(xp, (kh, kw), axis=(2, 3))  # (N, C, Ho, Wo, kh, kw), no copy
    # (C, kh, kw, N, Ho, Wo): the copy reads rows of Wo contiguous elements
    view = win.transpose(1, 4, 5, 0, 2, 3)
    if out is None:
        return view.reshape(c * kh * kw, -1)
    np.copyto(out.reshape(view.shape), view)
    return out


def _cols(ws: Workspace, name: str, xp: np.ndarray, kh: int, kw: int) -> np.ndarray:
    n, c, hp, wp = xp.shape
    shape = (c * kh * kw, n * (hp - kh + 1) * (wp - kw + 1))
    return _unfold(xp, kh, kw, ws.empty(name + "cols", shape, xp.dtype))


def _chunk(xp: np.ndarray, w: np.ndarray) -> int:
    """Images per batch chunk, so that one chunk's columns take about COLS_BUDGET bytes."""
    _, c, hp, wp = xp.shape
    kh, kw = w.shape[2:]
    per_image = c * kh * kw * (hp - kh + 1) * (wp - kw + 1) * xp.itemsize
    return max(1, COLS_BUDGET // per_image)


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, pad: int,
                   ws: Workspace | None = None, name: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Stride-1 conv2d by im2col in batch chunks; returns the output and the padded input.

    The columns of a chunk are dropped after its matmul and rebuilt in backward:
    that keeps memory at the activations and, measured here, is faster than keeping
    one full-batch column matrix (a cache-sized buffer, no fresh pages every step).

    With a workspace ``ws`` the output, padding and columns live in it (under ``name``).

    Shape:
        x (N, C, H, W), w (O, C, kh, kw) -> out (N, O, Ho, Wo) (a channel-major view)
    """
    ws = ws or Workspace()
    o, _, kh, kw = w.shape
    xp = _pad(x, pad, ws, name)
    n, ho, wo = xp.shape[0], xp.shape[2] - kh + 1, xp.shape[3] - kw + 1
    wm = w.reshape(o, -1)
    out = ws.empty(name + "out", (o, n, ho, wo), x.dtype)
    step = _chunk(xp, w)
    for s in range(0, n, step):
        cols = _cols(ws, name, xp[s:s + step], kh, kw)  # (C*kh*kw, m*Ho*Wo)
        m = cols.shape[1] // (ho * wo)
        np.matmul(wm, cols, out=out.reshape(o, -1)[:, s * ho * wo:(s + m) * ho * wo])
    if b is not None:
        out += b[:, None, None, None]
    return out.transpose(1, 0, 2, 3), xp


def conv2d_backward(dout: np.ndarray, x_shape: tuple, w: np.ndarray, xp: np.ndarray,
                    pad: int, need_dx: bool = True, need_db: bool = True,
                    ws: Workspace | None = None, name: str = ""
                    ) -> tuple[np.ndarray | None, np.ndarray, np.ndarray | None]:
    """Gradients of :func:`conv2d_forward` for x, w and b (col2im by slice-adds, per chunk).

    With a workspace ``ws`` the columns and the input gradient live in it."""
    ws = ws or Workspace()
    n, c, h, wd = x_shape
    o, _, kh, kw = w.shape
    ho, wo = dout.shape[2], dout.shape[3]
    wm = w.reshape(o, -1)
    d_all = dout.transpose(1, 0, 2, 3)  # (O, N, Ho, Wo)
    dw = np.zeros_like(wm)
    dxp = None
    if need_dx:
        dxp = ws.empty(name + "dxp", xp.shape, dout.dtype)
        dxp.fill(0)
    step = _chunk(xp, w)
    for s in range(0, n, step):
        cols = _cols(ws, name, xp[s:s + step], kh, kw)
        m = cols.shape[1] // (ho * wo)
        d = d_all[:, s:s + m].reshape(o, -1)  # (O, m*Ho*Wo)
        dw += (cols @ d.T).T  # the same product; OpenBLAS runs this form 15-50% faster
        if dxp is not None:
            dcols = np.matmul(wm.T, d, out=ws.empty(name + "dcols", (c * kh * kw, d.shape[1]),
                                                     d.dtype)).reshape(c, kh, kw, m, ho, wo)
            part = dxp[s:s + m]
            for i in range(kh):
                for j in range(kw):
                    part[:, :, i:i + ho, j:j + wo] += dcols[:, i, j].transpose(1, 0, 2, 3)
    db = d_all.sum((1, 2, 3)) if need_db else None
    dx = None
    if dxp is not None:
        dx = dxp[:, :, pad:pad + h, pad:pad + wd] if pad else dxp
    return dx, dw.reshape(w.shape), db



def maxpool2_forward(x: np.ndarray, ws: Workspace | None = None, name: str = ""
                     ) -> np.ndarray:
    """2x2 max-pool with stride 2 as the maximum of four strided slices (N, C, H, W)."""
    ws = ws or Workspace()
    shape = x[:, :, 0::2, 0::2].shape
    out, tmp = (ws.empty(name + k, shape, x.dtype) for k in ("pool", "pooltmp"))
    np.maximum(x[:, :, 0::2, 0::2], x[:, :, 0::2, 1::2], out=out)
    np.maximum(x[:, :, 1::2, 0::2], x[:, :, 1::2, 1::2], out=tmp)
    return np.maximum(out, tmp, out=out)


def maxpool2_backward(dout: np.ndarray, x: np.ndarray, out: np.ndarray,
                      ws: Workspace | None = None, name: str = "") -> np.ndarray:
    """Route each output gradient to the input(s) that held the maximum.

    One strided pass per window position; ``dx`` takes ``x``'s memory layout, so a
    channel-major activation (a conv output view) stays channel-major for the conv below.
    """
    if ws is None:
        dx = np.empty_like(x)
    else:  # (O, N, H, W) in memory, seen as (N, O, H, W), like x from conv2d_forward
        n, o, h, w = x.shape
        dx = ws.empty(name + "dpool", (o, n, h, w), x.dtype).transpose(1, 0, 2, 3)
    for a in (0, 1):
        for b in (0, 1):
            np.multiply(x[:, :, a::2, b::2] == out, dout, out=dx[:, :, a::2, b::2])
    return dx


# ---------------------------------------------------------------- W2: LeNet
LENET_CONVS = (("0", 1, 6, 2), ("3", 6, 16, 0))  # name, in, out, padding; 5x5 kernels
LENET_DENSE = (("7", 400, 120), ("9", 120, 84), ("11", 84, 10))


def init_lenet(rng: np.random.Generator, dtype: Any = np.float32) -> Params:
    """Parameters of the LeNet ``Sequential`` (conv, relu, pool, conv, relu, pool, flatten, fc)."""
    params: Params = {}
    for name, c_in, c_out, _ in LENET_CONVS:
        fan_in = c_in * 25
        params[f"{name}.weight"] = _uniform(rng, (c_out, c_in, 5, 5), fan_in, dtype)
        params[f"{name}.bias"] = _uniform(rng, (c_out,), fan_in, dtype)
    for name, n_in, n_out in LENET_DENSE:
        _linear_params(rng, params, name, n_in, n_out, dtype)
    return params


def lenet_grads(params: Params, x: np.ndarray, y: np.ndarray, ws: Workspace | None = None
                ) -> tuple[float, Params]:
    """Loss and gradients of LeNet on x (N, 1, 28, 28), y (N,); the activations live in
    ``ws`` when given (the gradients are fresh arrays)."""
    ws = ws or Workspace()
    grads: Params = {}
    saved = []
    h = x
    for name, _, _, pad in LENET_CONVS:
        c, xp = conv2d_forward(h, params[f"{name}.weight"], params[f"{name}.bias"], pad, ws, name)
        r = np.maximum(c, 0, out=c)  # (N, O, Ho, Wo), in place: the conv output is not kept
        p = maxpool2_forward(r, ws, name)  # (N, O, Ho/2, Wo/2)
        saved.append((h.shape, xp, r, p))
        h = p
    n = x.shape[0]
    layers = [(params[f"{m}.weight"], params[f"{m}.bias"]) for m, _, _ in LENET_DENSE]
    acts = _dense_forward(layers, h.reshape(n, -1))  # (N, 400) ...
    loss, dz = cross_entropy(acts[-1], y)
    names = [m for m, _, _ in LENET_DENSE]
    dh = _dense_backward(layers, names, acts, dz, grads, need_dx=True)
    assert dh is not None
    d: Any = dh.reshape(h.shape)
    for k in range(len(LENET_CONVS) - 1, -1, -1):
        name, _, _, pad = LENET_CONVS[k]
        x_shape, xp, r, p = saved[k]
        dr = maxpool2_backward(d, r, p, ws, name)
        dr *= r > 0
        d, grads[f"{name}.weight"], db = conv2d_backward(
            dr, x_shape, params[f"{name}.weight"], xp, pad, need_dx=k > 0, ws=ws, name=name)
        assert db is not None
        grads[f"{name}.bias"] = db
    return loss, grads


LENET_WS = Workspace()


def lenet_step(params: Params, x: np.ndarray, y: np.ndarray, lr: float = 0.01,
               ws: Workspace | None = LENET_WS) -> float:
    """One SGD training step of LeNet; its activations stay in ``ws`` between steps
    (``None``: fresh arrays every step)."""
    loss, grads = lenet_grads(params, x, y, ws)
    sgd_(params, grads, lr)
    return loss


# ---------------------------------------------------------------- W3: conv2d
def conv_fwd_bwd(x: np.ndarray, w: np.ndarray, g: np.ndarray, pad: int = 1
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """conv2d forward, then the gradients for x and w given the upstream gradient g;
    returns the output, dx and dw.

    A 3x3 stride-1 convolution with 16 or more channels each way takes Winograd's
    F(2x2, 3x3) (16 multiplications per 2x2 outputs where im2col spends 36), the fastest
    numpy formulation we have: the engine's own numpy kernels, called without a graph.
    """
    oc, c, kh, kw = w.shape
    if kh == kw == 3 and min(c, oc) >= winograd.MIN_CHANNELS:
        h, wd = x.shape[2] + 2 * pad - 2, x.shape[3] + 2 * pad - 2
        out = winograd.conv3x3(x, w, (pad, pad), (h, wd))
        flipped = np.ascontiguousarray(w.transpose(1, 0, 2, 3)[:, :, ::-1, ::-1])
        dx = winograd.conv3x3(g, flipped, (2 - pad, 2 - pad), x.shape[2:])
        dw = winograd.conv3x3_weight_grad(x, g, (pad, pad))
        return out, dx, dw
    out, xp = conv2d_forward(x, w, None, pad)
    dx, dw, _ = conv2d_backward(g, x.shape, w, xp, pad, need_db=False)
    assert dx is not None
    return out, dx, dw


# ---------------------------------------------------------------- W4, W5: op chains
def scalar_chain(x: np.ndarray, a: np.ndarray, b: np.ndarray, n_ops: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``x = tanh(x * a + b)`` repeated to ``n_ops`` ops; returns the result and its dx, da, db.

    The ops cycle mul, add, tanh; a trailing partial cycle does its first ops.
    """
    xs, ts = [], []
    for k in range(n_ops):
        op = k % 3
        if op == 0:
            xs.append(x)
            x = x * a
        elif op == 1:
            x = x + b
        else:
            x = np.tanh(x)
            ts.append(x)
    out = x
    g = np.ones_like(x)
    ga = np.zeros_like(a)
    gb = np.zeros_like(b)
    for k in range(n_ops - 1, -1, -1):
        op = k % 3
        if op == 2:
            t = ts.pop()
            g = g * (1 - t * t)
        elif op == 1:
            gb = gb + g
        else:
            ga = ga + g * xs.pop()
            g = g * a
    return out, g, ga, gb


def const_chain(x: np.ndarray, n_ops: int, a: float = 0.9, b: float = 0.1
                ) -> tuple[np.ndarray, np.ndarray]:
    """``x = tanh(x * a + b)`` with constants, to ``n_ops`` ops; returns the result and
    d(sum of result)/dx."""
    ts = []
    for k in range(n_ops):
        op = k % 3
        if op == 0:
            x = x * a
        elif op == 1:
            x = x + b
        else:
            x = np.tanh(x)
            ts.append(x)
    g = np.ones_like(x)
    for k in range(n_ops - 1, -1, -1):
        op = k % 3
        if op == 2:
            t = ts.pop()
            g = g * (1 - t * t)
        elif op == 0:
            g = g * a
    return x, g
