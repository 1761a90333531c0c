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

The backward runs on arrays only: it refuses to be recorded
(``create_graph=True``). Higher-order gradients go through the per-step path
of :mod:`nn.rnn` (``module.fused = False``), which is composed from
differentiable ops; the two paths are tested equal.
"""
from __future__ import annotations

import numpy as np

from autograd._threads import matmul as blas_matmul
from autograd.function import Function
from autograd.mode import is_grad_enabled

__all__ = ["LSTMLayer", "GRULayer"]


def _refuse_recording(name: str) -> None:
    if is_grad_enabled():
        raise RuntimeError(
            f"{name}: the fused layer's backward runs on arrays and cannot be recorded "
            "(create_graph=True). Set `fused = False` on the LSTM/GRU module before its "
            "forward: the per-step path gives higher-order gradients."
        )


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
    """An LSTM layer in one direction over ``(T, N, in)``: ``(output, h_T, c_T)``.

    Inputs: ``x`` ``(T, N, in)``, ``h0`` and ``c0`` ``(N, H)``, ``w_ih`` ``(4H, in)``,
    ``w_hh`` ``(4H, H)``, ``b_ih`` and ``b_hh`` ``(4H,)`` or None; keyword ``mask``
    ``(T, N, 1)`` booleans or None and ``reverse``.
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
        w_x = w_ih[perm] * scale  # (4H, in)
        w_h = w_hh[perm] * scale  # (4H, H)
        xp = blas_matmul(x.reshape(T * N, n_in), w_x.T)  # (T*N, 4H), every step at once
        if b_ih is not None:
            xp += (b_ih + b_hh)[perm] * scale[:, 0]
        xp = xp.reshape(T, N, 4 * H)
        acts = np.empty((T, N, 4 * H), dt)  # i, f, o, g after their nonlinearity
        hprev, cprev = np.empty((T, N, H), dt), np.empty((T, N, H), dt)
        tcs, out = np.empty((T, N, H), dt), np.empty((T, N, H), dt)
        h, c = h0.astype(dt, copy=False), c0.astype(dt, copy=False)
        for t in _order(T, reverse):
            hprev[t], cprev[t] = h, c
            a = acts[t]
            blas_matmul(h, w_h.T, out=a)
            a += xp[t]
            np.tanh(a, out=a)
            s = a[:, :3 * H]
            s *= 0.5
            s += 0.5
            c_new = a[:, H:2 * H] * c
            c_new += a[:, :H] * a[:, 3 * H:]
            np.tanh(c_new, out=tcs[t])
            h_new = np.multiply(a[:, 2 * H:3 * H], tcs[t], out=out[t])
            if mask is None:
                h, c = h_new, c_new
            else:
                c = np.where(mask[t], c_new, c)
                h = _carry(mask[t], h_new, h, out[t])
        ctx.save_for_backward(x, w_ih, w_hh)
        ctx.acts, ctx.hprev, ctx.cprev, ctx.tcs = acts, hprev, cprev, tcs
        ctx.mask, ctx.reverse = mask, reverse
        ctx.dtypes = (x.dtype, h0.dtype, c0.dtype, w_ih.dtype, w_hh.dtype, w_hh.dtype,
                      w_hh.dtype)
        return out, np.array(h), np.array(c)

    @staticmethod
    def backward(ctx, *grads):
        _refuse_recording("LSTMLayer")
        x, w_ih, w_hh = (t.array for t in ctx.saved_tensors)
        acts, cprev, tc = ctx.acts, ctx.cprev, ctx.tcs
        dt, mask = acts.dtype, ctx.mask
        gout = grads[0].array.astype(dt, copy=False)
        dh, dc = np.array(grads[1].array, dt), np.array(grads[2].array, dt)
        T, N, H = ctx.tcs.shape
        i, f, o, g = (acts[..., k * H:(k + 1) * H] for k in range(4))
        q = o * (1 - tc * tc)  # d h / d c, through tanh
        p_o = tc * o * (1 - o)  # d h / d (o's pre-activation)
        k3 = np.empty((T, N, 3, H), dt)  # d c / d (pre-activations of i, f, g)
        np.multiply(g, i * (1 - i), out=k3[:, :, 0])
        np.multiply(cprev, f * (1 - f), out=k3[:, :, 1])
        np.multiply(i, 1 - g * g, out=k3[:, :, 2])
        dgates = np.empty((T, N, 4, H), dt)  # PyTorch's order i, f, g, o
        for t in _order(T, not ctx.reverse):
            dhn = dh + gout[t]
            if mask is not None:
                m = mask[t]
                dhn *= m
                dcn = dc * m
                dcn += dhn * q[t]
            else:
                dcn = dhn * q[t]
                dcn += dc
            dg = dgates[t]
            np.multiply(dcn[:, None, :], k3[t], out=dg[:, :3])
            np.multiply(dhn, p_o[t], out=dg[:, 3])
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


class GRULayer(Function):
    """A GRU layer in one direction over ``(T, N, in)``: ``(output, h_T)``.

    Inputs: ``x`` ``(T, N, in)``, ``h0`` ``(N, H)``, ``w_ih`` ``(3H, in)``,
    ``w_hh`` ``(3H, H)``, ``b_ih`` and ``b_hh`` ``(3H,)`` or None; keyword ``mask``
    ``(T, N, 1)`` booleans or None and ``reverse``.
    """

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, mask=None, reverse=False):
        T, N, n_in = x.shape
        H = w_hh.shape[1]
        dt = np.result_type(x, h0, w_ih, w_hh)
        scale = np.full((3 * H, 1), 0.5, dt)  # r, z rows halved: sigmoid by one tanh
        scale[2 * H:] = 1.0
        w_h = w_hh * scale  # (3H, H)
        add = blas_matmul(x.reshape(T * N, n_in), (w_ih * scale).T)  # (T*N, 3H)
        if b_ih is not None:
            add += b_ih * scale[:, 0]
        add = add.reshape(T, N, 3 * H)
        xn = add[:, :, 2 * H:].copy()  # W_in x + b_in, (T, N, H)
        # what each step adds to h W_hh^T: the r, z inputs with both biases, and b_hn
        if b_hh is not None:
            add[:, :, :2 * H] += b_hh[:2 * H] * scale[:2 * H, 0]
            add[:, :, 2 * H:] = b_hh[2 * H:]
        else:
            add[:, :, 2 * H:] = 0
        hps = np.empty((T, N, 3 * H), dt)  # r, z after sigmoid, then W_hn h + b_hn
        ns, hprev, out = (np.empty((T, N, H), dt) for _ in range(3))
        h = h0.astype(dt, copy=False)
        for t in _order(T, reverse):
            hprev[t] = h
            hp = hps[t]
            blas_matmul(h, w_h.T, out=hp)
            hp += add[t]
            rz = hp[:, :2 * H]
            np.tanh(rz, out=rz)
            rz *= 0.5
            rz += 0.5
            n = np.multiply(hp[:, :H], hp[:, 2 * H:], out=ns[t])
            n += xn[t]
            np.tanh(n, out=n)
            h_new = np.subtract(h, n, out=out[t])
            h_new *= hp[:, H:2 * H]
            h_new += n  # (1 - z) * n + z * h
            h = h_new if mask is None else _carry(mask[t], h_new, h, out[t])
        ctx.save_for_backward(x, w_ih, w_hh)
        ctx.hps, ctx.ns, ctx.hprev = hps, ns, hprev
        ctx.mask, ctx.reverse = mask, reverse
        ctx.dtypes = (x.dtype, h0.dtype, w_ih.dtype, w_hh.dtype, w_hh.dtype, w_hh.dtype)
        return out, np.array(h)

    @staticmethod
    def backward(ctx, *grads):
        _refuse_recording("GRULayer")
        x, w_ih, w_hh = (t.array for t in ctx.saved_tensors)
        hps, n, hprev = ctx.hps, ctx.ns, ctx.hprev
        dt, mask = hps.dtype, ctx.mask
        gout = grads[0].array.astype(dt, copy=False)
        dh = np.array(grads[1].array, dt)
        T, N, H = n.shape
        r, z, hn = hps[..., :H], hps[..., H:2 * H], hps[..., 2 * H:]
        a = (1 - z) * (1 - n * n)  # d h' / d (n's pre-activation)
        kh = np.empty((T, N, 3, H), dt)  # d h' / d (h W_hh^T + b_hh), per gate
        np.multiply(a * hn, r * (1 - r), out=kh[:, :, 0])
        np.multiply(hprev - n, z * (1 - z), out=kh[:, :, 1])
        np.multiply(a, r, out=kh[:, :, 2])
        dhns = np.empty((T, N, H), dt)  # d loss / d h' at every step
        dhp = np.empty((T, N, 3, H), dt)
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
        dxp = np.multiply(dhns[:, :, None, :], kh)  # r and z as dhp; n without the r factor
        np.multiply(dhns, a, out=dxp[:, :, 2])
        dpre = dxp.reshape(T * N, 3 * H)
        dx, dw_ih = _input_grads(dpre, x, w_ih, need[0], need[2])
        db_ih = dpre.sum(0) if need[4] else None
        return _grads_as((dx, dh, dw_ih, dw_hh, db_ih, db_hh), ctx.dtypes, need)
