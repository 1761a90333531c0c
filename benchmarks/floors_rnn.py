"""Hand-written numpy forward and backward of the recurrent workloads (LSTM, GRU).

As in :mod:`benchmarks.floors`: no graph, one matmul projects the whole input
sequence before the time loop, one matmul per step for all gates, the backward
in closed form, the weight gradients of the input projection as one matmul after
the loop. Every per-step value lives in one (T, ...) array of a
:class:`~benchmarks.floors.Workspace`, kept from step to step, and the gates are
computed in place. Parameters are named as PyTorch's ``rnn`` attribute of the model
(``rnn.weight_ih_l0``...) plus the ``fc`` head.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .floors import Params, Workspace, _linear_params, _uniform, cross_entropy, sgd_


def init_rnn(rng: np.random.Generator, n_in: int, hidden: int, n_out: int,
             dtype: Any = np.float32, gates: int = 4) -> Params:
    """Parameters of a one-layer recurrent net (``rnn.*``, ``gates`` stacked) and a Linear head.

    ``gates`` is 4 for an LSTM (PyTorch's order i, f, g, o), 3 for a GRU (r, z, n).
    """
    gh = gates * hidden
    params = {
        "rnn.weight_ih_l0": _uniform(rng, (gh, n_in), hidden, dtype),
        "rnn.weight_hh_l0": _uniform(rng, (gh, hidden), hidden, dtype),
        "rnn.bias_ih_l0": _uniform(rng, (gh,), hidden, dtype),
        "rnn.bias_hh_l0": _uniform(rng, (gh,), hidden, dtype),
    }
    _linear_params(rng, params, "fc", hidden, n_out, dtype)
    return params


def _sigmoid_(z: np.ndarray) -> np.ndarray:
    """The logistic function in place."""
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1
    return np.reciprocal(z, out=z)


def _project(ws: Workspace, x: np.ndarray, w_ih: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """``x W_ih^T + bias`` for every step at once: (T, N, G*H)."""
    t_len, n, n_in = x.shape
    xw = ws.empty("xw", (t_len * n, w_ih.shape[0]), x.dtype)
    np.matmul(x.reshape(t_len * n, n_in), w_ih.T, out=xw)
    xw += bias
    return xw.reshape(t_len, n, -1)


def _states(ws: Workspace, name: str, t_len: int, n: int, hid: int, dtype: Any) -> np.ndarray:
    """(T+1, N, H) states with the initial one zero."""
    out = ws.empty(name, (t_len + 1, n, hid), dtype)
    out[0] = 0
    return out


def _head(params: Params, h: np.ndarray, y: np.ndarray) -> tuple[float, Params, np.ndarray]:
    """The Linear head and cross-entropy on the last state: loss, its grads, d(loss)/dh."""
    loss, dz = cross_entropy(h @ params["fc.weight"].T + params["fc.bias"], y)
    return loss, {"fc.weight": dz.T @ h, "fc.bias": dz.sum(0)}, dz @ params["fc.weight"]


def _input_grads(grads: Params, dxw: np.ndarray, x: np.ndarray) -> None:
    t_len, n, n_in = x.shape
    dflat = dxw.reshape(t_len * n, -1)
    grads["rnn.weight_ih_l0"] = dflat.T @ x.reshape(t_len * n, n_in)
    grads["rnn.bias_ih_l0"] = dflat.sum(0)


def lstm_grads(params: Params, x: np.ndarray, y: np.ndarray, ws: Workspace | None = None
               ) -> tuple[float, Params]:
    """Loss and gradients of LSTM -> last output -> Linear -> cross-entropy.

    Shape:
        x (T, N, I), y (N,)
    """
    ws = ws or Workspace()
    w_hh = params["rnn.weight_hh_l0"]
    t_len, n, _ = x.shape
    hid = w_hh.shape[1]
    xw = _project(ws, x, params["rnn.weight_ih_l0"],
                  params["rnn.bias_ih_l0"] + params["rnn.bias_hh_l0"])
    acts = ws.empty("acts", xw.shape, x.dtype)  # (T, N, 4H): i, f, g, o after activation
    cs, hs = (_states(ws, k, t_len, n, hid, x.dtype) for k in ("cs", "hs"))
    tcs = ws.empty("tcs", (t_len, n, hid), x.dtype)
    for t in range(t_len):
        act = acts[t]
        np.matmul(hs[t], w_hh.T, out=act)
        act += xw[t]
        np.tanh(act[:, 2 * hid:3 * hid], out=act[:, 2 * hid:3 * hid])
        _sigmoid_(act[:, :2 * hid])
        _sigmoid_(act[:, 3 * hid:])
        i, f, g, o = (act[:, k * hid:(k + 1) * hid] for k in range(4))
        np.multiply(f, cs[t], out=cs[t + 1])
        cs[t + 1] += i * g
        np.tanh(cs[t + 1], out=tcs[t])
        np.multiply(o, tcs[t], out=hs[t + 1])
    loss, grads, dh = _head(params, hs[t_len], y)
    dc = np.zeros((n, hid), x.dtype)
    dgates = ws.empty("dgates", xw.shape, x.dtype)  # (T, N, 4H)
    dw_hh = np.zeros_like(w_hh)
    for t in range(t_len - 1, -1, -1):
        i, f, g, o = (acts[t, :, k * hid:(k + 1) * hid] for k in range(4))
        tc = tcs[t]
        dc += dh * o * (1 - tc * tc)
        dg = dgates[t]
        np.multiply(dc * g, i * (1 - i), out=dg[:, :hid])
        np.multiply(dc * cs[t], f * (1 - f), out=dg[:, hid:2 * hid])
        np.multiply(dc * i, 1 - g * g, out=dg[:, 2 * hid:3 * hid])
        np.multiply(dh * tc, o * (1 - o), out=dg[:, 3 * hid:])
        dc *= f
        dw_hh += dg.T @ hs[t]
        dh = dg @ w_hh
    _input_grads(grads, dgates, x)
    grads["rnn.weight_hh_l0"] = dw_hh
    grads["rnn.bias_hh_l0"] = grads["rnn.bias_ih_l0"].copy()
    return loss, grads


LSTM_WS = Workspace()


def lstm_step(params: Params, x: np.ndarray, y: np.ndarray, lr: float = 0.01,
              ws: Workspace = LSTM_WS) -> float:
    """One SGD training step of the LSTM model; its per-step values stay in ``ws``."""
    loss, grads = lstm_grads(params, x, y, ws)
    sgd_(params, grads, lr)
    return loss


def gru_grads(params: Params, x: np.ndarray, y: np.ndarray, ws: Workspace | None = None
              ) -> tuple[float, Params]:
    """Loss and gradients of GRU -> last output -> Linear -> cross-entropy (PyTorch's GRU).

    ``r = s(x W_ir + b_ir + h W_hr + b_hr)``, ``z`` likewise,
    ``n = tanh(x W_in + b_in + r * (h W_hn + b_hn))``, ``h' = n + z * (h - n)``.

    Shape:
        x (T, N, I), y (N,)
    """
    ws = ws or Workspace()
    w_hh, b_hh = params["rnn.weight_hh_l0"], params["rnn.bias_hh_l0"]
    t_len, n, _ = x.shape
    hid = w_hh.shape[1]
    xw = _project(ws, x, params["rnn.weight_ih_l0"], params["rnn.bias_ih_l0"])  # (T, N, 3H)
    hps = ws.empty("hps", xw.shape, x.dtype)  # h W_hh^T + b_hh; r, z replace its first 2H
    ns = ws.empty("ns", (t_len, n, hid), x.dtype)
    hs = _states(ws, "hs", t_len, n, hid, x.dtype)
    for t in range(t_len):
        hp = hps[t]
        np.matmul(hs[t], w_hh.T, out=hp)
        hp += b_hh
        rz = hp[:, :2 * hid]
        rz += xw[t, :, :2 * hid]
        _sigmoid_(rz)  # (N, 2H): r, z
        r, z = rz[:, :hid], rz[:, hid:]
        nt = ns[t]
        np.multiply(r, hp[:, 2 * hid:], out=nt)
        nt += xw[t, :, 2 * hid:]
        np.tanh(nt, out=nt)
        np.subtract(hs[t], nt, out=hs[t + 1])
        hs[t + 1] *= z
        hs[t + 1] += nt
    loss, grads, dh = _head(params, hs[t_len], y)
    dxw = ws.empty("dxw", xw.shape, x.dtype)  # (T, N, 3H)
    dhp = np.empty((n, 3 * hid), x.dtype)
    dw_hh = np.zeros_like(w_hh)
    db_hh = np.zeros_like(b_hh)
    for t in range(t_len - 1, -1, -1):
        r, z, hn = hps[t, :, :hid], hps[t, :, hid:2 * hid], hps[t, :, 2 * hid:]
        nt = ns[t]
        da_n = dh * (1 - z) * (1 - nt * nt)
        d = dxw[t]
        np.multiply(da_n * hn, r * (1 - r), out=d[:, :hid])
        np.multiply(dh * (hs[t] - nt), z * (1 - z), out=d[:, hid:2 * hid])
        d[:, 2 * hid:] = da_n
        dhp[:, :2 * hid] = d[:, :2 * hid]
        np.multiply(da_n, r, out=dhp[:, 2 * hid:])
        dw_hh += dhp.T @ hs[t]
        db_hh += dhp.sum(0)
        dh = dh * z + dhp @ w_hh
    _input_grads(grads, dxw, x)
    grads["rnn.weight_hh_l0"] = dw_hh
    grads["rnn.bias_hh_l0"] = db_hh
    return loss, grads


GRU_WS = Workspace()


def gru_step(params: Params, x: np.ndarray, y: np.ndarray, lr: float = 0.01,
             ws: Workspace = GRU_WS) -> float:
    """One SGD training step of the GRU model; its per-step values stay in ``ws``."""
    loss, grads = gru_grads(params, x, y, ws)
    sgd_(params, grads, lr)
    return loss
