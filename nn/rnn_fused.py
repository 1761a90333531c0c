"""One LSTM or GRU layer over the whole sequence as a single graph node.

Fused for speed (STYLE principle 4): composed from primitives, a layer is a
dozen nodes per time step, and at the sizes of a course (hidden 32 to 256,
batch 32) the per-node cost dominates the arithmetic. Here the forward loops
over time in numpy, with the input projection of every step done as one
matmul before the loop; the backward is backpropagation through time on
arrays, with the weight gradients of all steps as one matmul each after the
loop. Per time step only the recurrent matmul and a handful of elementwise
calls remain in Python.

Both ops follow PyTorch's gate order and equations (LSTM: i, f, g, o; GRU:
r, z, n with ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``). ``mask``
(``(T, N, 1)`` booleans, packed input) freezes a sequence's state after its
last step and zeroes its outputs there; ``reverse`` runs the time loop from
the last step to the first (the backward direction of a bidirectional layer).

The backward runs on arrays. Under ``create_graph=True`` it becomes a node of
its own (:class:`_LayerGrad`) whose backward differentiates the per-step path
(:func:`nn.rnn_cells.run_steps`, composed from differentiable ops) twice: second
derivatives are exact and need nothing from the user; a third order is refused
with an error pointing at ``module.fused = False``, which runs the per-step path
throughout. The fused and per-step paths are tested equal.
"""
from __future__ import annotations

import sys
import threading
from typing import Any

import numpy as np

from autograd._threads import matmul as blas_matmul
from autograd.function import Function
from autograd.gradients import grad as _grad
from autograd.mode import enable_grad, is_grad_enabled
from autograd.tensor import Tensor

from .rnn_cells import run_steps

__all__ = ["LSTMLayer", "GRULayer"]


class _Workspace:
    """Big arrays kept from call to call, handed out again once nothing holds them.

    A training step allocates the same dozen arrays of a few MB each and frees them
    together at the end of backward; glibc then gives the pages back to the system
    and faults them in afresh on the next step, which cost as much as a third of an
    LSTM step. An array here is handed out only when its sole references are this
    pool's (no ctx, Tensor or view holds it), so reuse never aliases live data.
    At most :attr:`MAX_BYTES` are kept; past that, arrays are allocated as usual.
    """

    MAX_BYTES = 64 << 20
    PER_SHAPE = 4

    def __init__(self) -> None:
        self._pool: dict[tuple, list] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def empty(self, shape: tuple, dtype: np.dtype) -> np.ndarray:
        """An uninitialised array of ``shape`` and ``dtype``."""
        key = (shape, dtype)
        with self._lock:
            arrays = self._pool.setdefault(key, [])
            for arr in arrays:
                if sys.getrefcount(arr) == 3:  # the list, the loop, the call: unused
                    return arr
            arr = np.empty(shape, dtype)
            if len(arrays) < self.PER_SHAPE:
                if self._bytes + arr.nbytes > self.MAX_BYTES:
                    self._drop_unused()
                if self._bytes + arr.nbytes <= self.MAX_BYTES:
                    arrays.append(arr)
                    self._bytes += arr.nbytes
            return arr

    def _drop_unused(self) -> None:
        for key, arrays in list(self._pool.items()):
            keep = [a for a in arrays if sys.getrefcount(a) > 3]  # the list, loop, call
            self._bytes -= sum(a.nbytes for a in arrays) - sum(a.nbytes for a in keep)
            self._pool[key] = keep


_WS = _Workspace()
_empty = _WS.empty


def _recorded_backward(ctx: Any, grads: tuple, mode: str) -> tuple:
    """The fused backward under ``create_graph=True``: a :class:`_LayerGrad` node over
    the saved inputs and the output gradients, so the gradients can be differentiated."""
    ins = ctx.saved_tensors  # every input of the layer, None for an absent bias
    slots = tuple(k for k, t in enumerate(ins) if t is not None)
    res = _LayerGrad.apply(*(ins[k] for k in slots), *grads, mode=mode, slots=slots,
                           n_full=len(ins), mask=ctx.mask, reverse=ctx.reverse)
    res = res if isinstance(res, tuple) else (res,)
    full: list = [None] * len(ins)
    for k, r in zip(slots, res):
        full[k] = r
    return tuple(full)


def _steps_graph(mode: str, ins: list, slots: tuple, n_full: int, mask: Any,
                 reverse: bool) -> tuple:
    """The per-step path (:func:`nn.rnn_cells.run_steps`) on ``ins`` placed at ``slots``."""
    full: list = [None] * n_full
    for k, t in zip(slots, ins):
        full[k] = t
    if mode == "LSTM":
        x, h, c, *params = full
    else:
        (x, h, *params), c = full, None
    out, h, c = run_steps(mode, x, h, c, tuple(params), reverse, mask)
    return (out, h, c) if mode == "LSTM" else (out, h)


class _LayerGrad(Function):
    """A fused layer's input gradients, as a node (recorded backward, ``create_graph``).

    Forward: the vector-Jacobian product of the per-step path at the layer's inputs
    for the output gradients. Backward: that product differentiated once more, by
    running the per-step path on copies and backpropagating twice. Exact second
    derivatives; a third order is refused.
    """

    @staticmethod
    def forward(ctx, *arrays, mode, slots, n_full, mask, reverse):
        n_in = len(slots)
        ctx.save_for_backward(*arrays)
        ctx.spec = (mode, slots, n_full, mask, reverse, n_in)
        with enable_grad():
            leaves = [Tensor(a, requires_grad=True) for a in arrays[:n_in]]
            outs = _steps_graph(mode, leaves, slots, n_full, mask, reverse)
            gins = _grad(outs, leaves, [Tensor(g) for g in arrays[n_in:]], allow_unused=True)
        return tuple(np.zeros_like(a) if g is None else g.array
                     for a, g in zip(arrays, gins))

    @staticmethod
    def backward(ctx, *ggs):
        mode, slots, n_full, mask, reverse, n_in = ctx.spec
        if is_grad_enabled():
            raise RuntimeError(
                f"{mode} (fused): third and higher derivatives are not supported; set "
                "`fused = False` on the module before its forward for the per-step path, "
                "composed from differentiable ops")
        arrays = [t.array for t in ctx.saved_tensors]
        with enable_grad():
            leaves = [Tensor(a, requires_grad=True) for a in arrays]
            outs = _steps_graph(mode, leaves[:n_in], slots, n_full, mask, reverse)
            gins = _grad(outs, leaves[:n_in], leaves[n_in:], create_graph=True,
                         allow_unused=True)
            pairs = [(g, gg) for g, gg in zip(gins, ggs) if g is not None and g.requires_grad]
            if not pairs:
                return (None,) * len(arrays)
            res = _grad([g for g, _ in pairs], leaves, [gg for _, gg in pairs],
                        allow_unused=True)
        return tuple(None if r is None else r.array for r in res)


def _order(T: int, reverse: bool) -> range:
    return range(T - 1, -1, -1) if reverse else range(T)


def _grads_as(grads: tuple, dtypes: tuple, need: tuple) -> tuple:
    """Each input's gradient in that input's dtype; None where it is not needed."""
    return tuple(g.astype(d, copy=False) if n and g is not None else None
                 for g, d, n in zip(grads, dtypes, need))


def _carry(m: np.ndarray, new: np.ndarray, old: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Mask one step (``m`` ``(N, 1)``): zero ``out`` (the step's output) where a sequence
    has ended and return the state carried on (``new`` where running, ``old`` where ended)."""
    out *= m
    return np.where(m, new, old)


def _input_grads(dpre: np.ndarray, x: np.ndarray, w_ih: np.ndarray, need_x: bool,
                 need_w: bool) -> tuple:
    """Gradients of ``x W_ih^T`` from the pre-activation gradients ``dpre`` ``(T*N, G*H)``."""
    dx = blas_matmul(dpre, w_ih).reshape(x.shape) if need_x else None
    dw_ih = blas_matmul(dpre.T, x.reshape(-1, x.shape[-1])) if need_w else None
    return dx, dw_ih


class LSTMLayer(Function):
    """An LSTM layer in one direction over a whole sequence, as one node.

    Args (of ``apply``):
        x, h0, c0: the input sequence and the initial states (Tensors).
        w_ih, w_hh, b_ih, b_hh: the layer's weights, gates stacked i, f, g, o
            (biases may be None).
        mask: ``(T, N, 1)`` booleans, False where a sequence has ended, or None.
        reverse: run from the last step to the first.

    Shape:
        x ``(T, N, in)``; h0, c0 ``(N, H)``; w_ih ``(4H, in)``; w_hh ``(4H, H)``;
        biases ``(4H,)``.

    Returns:
        ``(output (T, N, H), h_T (N, H), c_T (N, H))``.

    Example:
        >>> import autograd as ag
        >>> x, h = ag.randn(5, 2, 3), ag.zeros(2, 4)
        >>> out, hT, cT = LSTMLayer.apply(x, h, h, ag.randn(16, 3), ag.randn(16, 4), None,
        ...                               None)
        >>> out.shape, hT.shape
        ((5, 2, 4), (2, 4))
    """

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, mask=None, reverse=False):
        T, N, n_in = x.shape
        H = w_hh.shape[1]
        dt = np.result_type(x, h0, c0, w_ih, w_hh)
        # gates reordered to i, f, o, g and the sigmoid rows halved, so one tanh over
        # all four gives sigmoid(a) = 0.5 + 0.5 tanh(a / 2) and tanh(g) in one call
        perm = np.r_[0:2 * H, 3 * H:4 * H, 2 * H:3 * H]
        scale = np.full((4 * H, 1), 0.5, dt)
        scale[3 * H:] = 1.0
        w_h = w_hh[perm] * scale  # (4H, H)
        xp = blas_matmul(x.reshape(T * N, n_in), (w_ih[perm] * scale).T,
                         out=_empty((T * N, 4 * H), dt))  # (T*N, 4H), all steps at once
        if b_ih is not None:
            xp += (b_ih + b_hh)[perm] * scale[:, 0]
        xp = xp.reshape(T, N, 4 * H)
        keep = any(ctx.needs_input_grad)  # backward will run: keep its slopes
        acts = _empty((T, N, 4 * H), dt)  # i, f, o, g after their nonlinearity
        hprev, out = _empty((T, N, H), dt), _empty((T, N, H), dt)
        slopes = _empty((T, N, 4, H), dt) if keep else None
        dh_dc = _empty((T, N, H), dt) if keep else None
        d, tc = np.empty((N, 4 * H), dt), np.empty((N, H), dt)
        h, c = h0.astype(dt, copy=False), c0.astype(dt, copy=False)
        for t in _order(T, reverse):
            hprev[t] = h
            a = blas_matmul(h, w_h.T, out=acts[t])
            a += xp[t]
            np.tanh(a, out=a)
            if keep:  # 1 - tanh^2: tanh's slope, and 4 times the sigmoid's
                np.multiply(a, a, out=d)
                np.subtract(1, d, out=d)
                d[:, :3 * H] *= 0.25
            s = a[:, :3 * H]
            s *= 0.5
            s += 0.5
            c_new = a[:, H:2 * H] * c
            c_new += a[:, :H] * a[:, 3 * H:]
            np.tanh(c_new, out=tc)
            h_new = np.multiply(a[:, 2 * H:3 * H], tc, out=out[t])
            if keep:
                _lstm_slopes(a, d, c, tc, slopes[t], dh_dc[t], H)
            if mask is None:
                h, c = h_new, c_new
            else:
                c = np.where(mask[t], c_new, c)
                h = _carry(mask[t], h_new, h, out[t])
        ctx.save_for_backward(x, h0, c0, w_ih, w_hh, b_ih, b_hh)
        ctx.f, ctx.hprev, ctx.slopes, ctx.dh_dc = acts[..., H:2 * H], hprev, slopes, dh_dc
        ctx.mask, ctx.reverse = mask, reverse
        ctx.dtypes = (x.dtype, h0.dtype, c0.dtype, w_ih.dtype, w_hh.dtype, w_hh.dtype,
                      w_hh.dtype)
        return out, np.array(h), np.array(c)

    @staticmethod
    def backward(ctx, *grads):
        if is_grad_enabled():  # create_graph: a backward that can be differentiated
            return _recorded_backward(ctx, grads, "LSTM")
        saved = ctx.saved_tensors
        x, w_ih, w_hh = saved[0].array, saved[3].array, saved[4].array
        slopes, q, f = ctx.slopes, ctx.dh_dc, ctx.f
        dt, mask = q.dtype, ctx.mask
        gout = grads[0].array.astype(dt, copy=False)
        dh, dc = np.array(grads[1].array, dt), np.array(grads[2].array, dt)
        T, N, H = q.shape
        dgates = _empty((T, N, 4, H), dt)  # PyTorch's order i, f, g, o
        for t in _order(T, not ctx.reverse):
            dhn = dh + gout[t]  # d loss / d h_t
            if mask is not None:
                m = mask[t]
                dhn *= m
                dcn = dc * m
                dcn += dhn * q[t]
            else:
                dcn = dhn * q[t]
                dcn += dc  # d loss / d c_t
            dg = dgates[t]
            np.multiply(dcn[:, None, :], slopes[t, :, :3], out=dg[:, :3])
            np.multiply(dhn, slopes[t, :, 3], out=dg[:, 3])
            dh_new = blas_matmul(dg.reshape(N, 4 * H), w_hh)
            dc_new = dcn * f[t]
            if mask is not None:
                keep = ~m
                dh_new += dh * keep
                dc_new += dc * keep
            dh, dc = dh_new, dc_new
        dpre = dgates.reshape(T * N, 4 * H)
        need = ctx.needs_input_grad
        dx, dw_ih = _input_grads(dpre, x, w_ih, need[0], need[3])
        dw_hh = blas_matmul(dpre.T, ctx.hprev.reshape(T * N, H)) if need[4] else None
        db = dpre.sum(0) if need[5] or need[6] else None
        return _grads_as((dx, dh, dc, dw_ih, dw_hh, db, db), ctx.dtypes, need)


def _lstm_slopes(a: np.ndarray, d: np.ndarray, c: np.ndarray, tc: np.ndarray, k: np.ndarray,
                 q: np.ndarray, H: int) -> None:
    """One step's local derivatives, for backward.

    ``a`` holds i, f, o, g after their nonlinearity and ``d`` their slopes, ``(N, 4H)``;
    ``c`` is the cell state before the step and ``tc`` tanh of the one after. Fills
    ``k`` ``(N, 4, H)`` with d c_t / d (pre-activations of i, f, g) and d h_t / d (o's),
    in PyTorch's gate order, and ``q`` ``(N, H)`` with d h_t / d c_t.
    """
    np.multiply(a[:, 3 * H:], d[:, :H], out=k[:, 0])  # g * sigmoid'(i)
    np.multiply(c, d[:, H:2 * H], out=k[:, 1])  # c_{t-1} * sigmoid'(f)
    np.multiply(a[:, :H], d[:, 3 * H:], out=k[:, 2])  # i * tanh'(g)
    np.multiply(tc, d[:, 2 * H:3 * H], out=k[:, 3])  # tanh(c_t) * sigmoid'(o)
    np.multiply(tc, tc, out=q)
    np.subtract(1, q, out=q)
    q *= a[:, 2 * H:3 * H]  # o * tanh'(c_t)


class GRULayer(Function):
    """A GRU layer in one direction over a whole sequence, as one node.

    Args (of ``apply``):
        x, h0: the input sequence and the initial state (Tensors).
        w_ih, w_hh, b_ih, b_hh: the layer's weights, gates stacked r, z, n
            (biases may be None).
        mask: ``(T, N, 1)`` booleans, False where a sequence has ended, or None.
        reverse: run from the last step to the first.

    Shape:
        x ``(T, N, in)``; h0 ``(N, H)``; w_ih ``(3H, in)``; w_hh ``(3H, H)``;
        biases ``(3H,)``.

    Returns:
        ``(output (T, N, H), h_T (N, H))``.

    Example:
        >>> import autograd as ag
        >>> out, hT = GRULayer.apply(ag.randn(5, 2, 3), ag.zeros(2, 4), ag.randn(12, 3),
        ...                          ag.randn(12, 4), None, None, reverse=True)
        >>> out.shape, hT.shape
        ((5, 2, 4), (2, 4))
    """

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, mask=None, reverse=False):
        T, N, n_in = x.shape
        H = w_hh.shape[1]
        dt = np.result_type(x, h0, w_ih, w_hh)
        scale = np.full((3 * H, 1), 0.5, dt)  # r, z rows halved: sigmoid by one tanh
        scale[2 * H:] = 1.0
        w_h = w_hh * scale  # (3H, H)
        add = blas_matmul(x.reshape(T * N, n_in), (w_ih * scale).T,
                          out=_empty((T * N, 3 * H), dt)).reshape(T, N, 3 * H)
        if b_ih is not None:
            add += b_ih * scale[:, 0]
        xn = _empty((T, N, H), dt)
        xn[...] = add[:, :, 2 * H:]  # W_in x + b_in
        # what each step adds to h W_hh^T: the r, z inputs with both biases, and b_hn
        add[:, :, 2 * H:] = 0 if b_hh is None else b_hh[2 * H:]
        if b_hh is not None:
            add[:, :, :2 * H] += b_hh[:2 * H] * scale[:2 * H, 0]
        keep = any(ctx.needs_input_grad)  # backward will run: keep its slopes
        hps = _empty((T, N, 3 * H), dt)  # r, z after sigmoid, then W_hn h + b_hn
        hprev, out = _empty((T, N, H), dt), _empty((T, N, H), dt)
        slopes = _empty((T, N, 3, H), dt) if keep else None
        a_n = _empty((T, N, H), dt) if keep else None
        d, n, hmn = np.empty((N, 2 * H), dt), np.empty((N, H), dt), np.empty((N, H), dt)
        h = h0.astype(dt, copy=False)
        for t in _order(T, reverse):
            hprev[t] = h
            hp = blas_matmul(h, w_h.T, out=hps[t])
            hp += add[t]
            rz = hp[:, :2 * H]
            np.tanh(rz, out=rz)
            if keep:  # the sigmoids' slopes, from tanh
                np.multiply(rz, rz, out=d)
                np.subtract(0.25, d * 0.25, out=d)
            rz *= 0.5
            rz += 0.5
            np.multiply(hp[:, :H], hp[:, 2 * H:], out=n)
            n += xn[t]
            np.tanh(n, out=n)
            np.subtract(h, n, out=hmn)
            h_new = np.multiply(hmn, hp[:, H:2 * H], out=out[t])
            h_new += n  # (1 - z) * n + z * h
            if keep:
                _gru_slopes(hp, d, n, hmn, slopes[t], a_n[t], H)
            h = h_new if mask is None else _carry(mask[t], h_new, h, out[t])
        ctx.save_for_backward(x, h0, w_ih, w_hh, b_ih, b_hh)
        ctx.z, ctx.hprev, ctx.slopes, ctx.a_n = hps[..., H:2 * H], hprev, slopes, a_n
        ctx.mask, ctx.reverse = mask, reverse
        ctx.dtypes = (x.dtype, h0.dtype, w_ih.dtype, w_hh.dtype, w_hh.dtype, w_hh.dtype)
        return out, np.array(h)

    @staticmethod
    def backward(ctx, *grads):
        if is_grad_enabled():  # create_graph: a backward that can be differentiated
            return _recorded_backward(ctx, grads, "GRU")
        saved = ctx.saved_tensors
        x, w_ih, w_hh = saved[0].array, saved[2].array, saved[3].array
        kh, a, z, hprev = ctx.slopes, ctx.a_n, ctx.z, ctx.hprev
        dt, mask = a.dtype, ctx.mask
        gout = grads[0].array.astype(dt, copy=False)
        dh = np.array(grads[1].array, dt)
        T, N, H = a.shape
        dhns = _empty((T, N, H), dt)  # d loss / d h' at every step
        dhp = _empty((T, N, 3, H), dt)
        for t in _order(T, not ctx.reverse):
            dhn = np.add(dh, gout[t], out=dhns[t])
            if mask is not None:
                dhn *= mask[t]
            np.multiply(dhn[:, None, :], kh[t], out=dhp[t])
            dh_new = blas_matmul(dhp[t].reshape(N, 3 * H), w_hh)
            dh_new += dhn * z[t]
            if mask is not None:
                dh_new += dh * ~mask[t]
            dh = dh_new
        need = ctx.needs_input_grad
        dhp2 = dhp.reshape(T * N, 3 * H)
        dw_hh = blas_matmul(dhp2.T, hprev.reshape(T * N, H)) if need[3] else None
        db_hh = dhp2.sum(0) if need[5] else None
        dxp = np.multiply(dhns[:, :, None, :], kh, out=_empty((T, N, 3, H), dt))
        # r and z as dhp; n without the r factor
        np.multiply(dhns, a, out=dxp[:, :, 2])
        dpre = dxp.reshape(T * N, 3 * H)
        dx, dw_ih = _input_grads(dpre, x, w_ih, need[0], need[2])
        db_ih = dpre.sum(0) if need[4] else None
        return _grads_as((dx, dh, dw_ih, dw_hh, db_ih, db_hh), ctx.dtypes, need)


def _gru_slopes(hp: np.ndarray, d: np.ndarray, n: np.ndarray, hmn: np.ndarray, k: np.ndarray,
                a: np.ndarray, H: int) -> None:
    """One step's local derivatives, for backward.

    ``hp`` holds r, z after the sigmoid and ``W_hn h + b_hn``, ``(N, 3H)``; ``d`` the
    sigmoids' slopes ``(N, 2H)``; ``n`` the candidate and ``hmn`` ``h - n``. Fills
    ``k`` ``(N, 3, H)`` with d h' / d (h W_hh^T + b_hh) per gate and ``a`` ``(N, H)``
    with d h' / d (n's pre-activation).
    """
    np.multiply(n, n, out=a)
    np.subtract(1, a, out=a)
    a *= 1 - hp[:, H:2 * H]  # (1 - z) * tanh'
    np.multiply(a, hp[:, 2 * H:], out=k[:, 0])
    k[:, 0] *= d[:, :H]  # through r
    np.multiply(hmn, d[:, H:], out=k[:, 1])  # through z
    np.multiply(a, hp[:, :H], out=k[:, 2])  # through r * (W_hn h + b_hn)
