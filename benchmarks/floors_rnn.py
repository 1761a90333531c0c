"""Hand-written numpy forward and backward of the recurrent workloads (LSTM, GRU).

As in :mod:`benchmarks.floors`: no graph, one matmul projects the whole input
sequence before the time loop, one matmul per step for all gates, the backward
in closed form, the weight gradients of the input projection as one matmul after
the loop. Parameters are named as PyTorch's ``rnn`` attribute of the model
(``rnn.weight_ih_l0``...) plus the ``fc`` head.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .floors import Params, _linear_params, _uniform, cross_entropy, sgd_


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


def _sigmoid(z: np.ndarray) -> np.ndarray:
    out = np.negative(z)
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)
    return out


def lstm_grads(params: Params, x: np.ndarray, y: np.ndarray) -> tuple[float, Params]:
    """Loss and gradients of LSTM -> last output -> Linear -> cross-entropy.

    Shape:
        x (T, N, I), y (N,)
    """
    w_ih, w_hh = params["rnn.weight_ih_l0"], params["rnn.weight_hh_l0"]
    w_fc, b_fc = params["fc.weight"], params["fc.bias"]
    t_len, n, n_in = x.shape
    hid = w_hh.shape[1]
    xw = x.reshape(t_len * n, n_in) @ w_ih.T  # (T*N, 4H), one matmul for every step
    xw += params["rnn.bias_ih_l0"] + params["rnn.bias_hh_l0"]
    xw = xw.reshape(t_len, n, 4 * hid)
    h = np.zeros((n, hid), x.dtype)
    c = np.zeros((n, hid), x.dtype)
    saved = []
    for t in range(t_len):
        gates = xw[t] + h @ w_hh.T  # (N, 4H)
        act = _sigmoid(gates)
        act[:, 2 * hid:3 * hid] = np.tanh(gates[:, 2 * hid:3 * hid])
        i, f, g, o = (act[:, k * hid:(k + 1) * hid] for k in range(4))
        c_prev, h_prev = c, h
        c = f * c_prev + i * g
        tc = np.tanh(c)
        h = o * tc
        saved.append((act, c_prev, h_prev, tc))
    logits = h @ w_fc.T + b_fc  # (N, C)
    loss, dz = cross_entropy(logits, y)
    grads: Params = {"fc.weight": dz.T @ h, "fc.bias": dz.sum(0)}
    dh = dz @ w_fc
    dc = np.zeros_like(c)
    dgates_all = np.empty_like(xw)  # (T, N, 4H)
    dw_hh = np.zeros_like(w_hh)
    for t in range(t_len - 1, -1, -1):
        act, c_prev, h_prev, tc = saved[t]
        i, f, g, o = (act[:, k * hid:(k + 1) * hid] for k in range(4))
        dc += dh * o * (1 - tc * tc)
        dg = dgates_all[t]
        dg[:, 0 * hid:1 * hid] = dc * g * i * (1 - i)
        dg[:, 1 * hid:2 * hid] = dc * c_prev * f * (1 - f)
        dg[:, 2 * hid:3 * hid] = dc * i * (1 - g * g)
        dg[:, 3 * hid:4 * hid] = dh * tc * o * (1 - o)
        dc *= f
        dw_hh += dg.T @ h_prev
        dh = dg @ w_hh
    dflat = dgates_all.reshape(t_len * n, 4 * hid)
    grads["rnn.weight_ih_l0"] = dflat.T @ x.reshape(t_len * n, n_in)
    grads["rnn.weight_hh_l0"] = dw_hh
    db = dflat.sum(0)
    grads["rnn.bias_ih_l0"] = db
    grads["rnn.bias_hh_l0"] = db.copy()
    return loss, grads


def lstm_step(params: Params, x: np.ndarray, y: np.ndarray, lr: float = 0.01) -> float:
    """One SGD training step of the LSTM model."""
    loss, grads = lstm_grads(params, x, y)
    sgd_(params, grads, lr)
    return loss


def gru_grads(params: Params, x: np.ndarray, y: np.ndarray) -> tuple[float, Params]:
    """Loss and gradients of GRU -> last output -> Linear -> cross-entropy (PyTorch's GRU).

    ``r = s(x W_ir + b_ir + h W_hr + b_hr)``, ``z`` likewise,
    ``n = tanh(x W_in + b_in + r * (h W_hn + b_hn))``, ``h' = n + z * (h - n)``.

    Shape:
        x (T, N, I), y (N,)
    """
    w_ih, w_hh = params["rnn.weight_ih_l0"], params["rnn.weight_hh_l0"]
    b_hh = params["rnn.bias_hh_l0"]
    t_len, n, n_in = x.shape
    hid = w_hh.shape[1]
    xw = x.reshape(t_len * n, n_in) @ w_ih.T  # (T*N, 3H), one matmul for every step
    xw += params["rnn.bias_ih_l0"]
    xw = xw.reshape(t_len, n, 3 * hid)
    w_hh_t = np.ascontiguousarray(w_hh.T)  # (H, 3H)
    h = np.zeros((n, hid), x.dtype)
    saved = []
    for t in range(t_len):
        hp = h @ w_hh_t  # (N, 3H)
        hp += b_hh
        rz = _sigmoid(xw[t, :, :2 * hid] + hp[:, :2 * hid])  # (N, 2H): r, z
        r, z = rz[:, :hid], rz[:, hid:]
        hn = hp[:, 2 * hid:]
        nn_ = np.tanh(xw[t, :, 2 * hid:] + r * hn)
        h_prev = h
        h = nn_ + z * (h_prev - nn_)
        saved.append((rz, nn_, hn, h_prev))
    loss, dz = cross_entropy(h @ params["fc.weight"].T + params["fc.bias"], y)
    grads: Params = {"fc.weight": dz.T @ h, "fc.bias": dz.sum(0)}
    dh = dz @ params["fc.weight"]
    dxw = np.empty_like(xw)  # (T, N, 3H)
    dhp = np.empty((n, 3 * hid), x.dtype)
    dw_hh = np.zeros_like(w_hh)
    db_hh = np.zeros_like(b_hh)
    for t in range(t_len - 1, -1, -1):
        rz, nn_, hn, h_prev = saved[t]
        r, z = rz[:, :hid], rz[:, hid:]
        da_n = dh * (1 - z) * (1 - nn_ * nn_)
        d = dxw[t]
        d[:, :hid] = da_n * hn * r * (1 - r)
        d[:, hid:2 * hid] = dh * (h_prev - nn_) * z * (1 - z)
        d[:, 2 * hid:] = da_n
        dhp[:, :2 * hid] = d[:, :2 * hid]
        dhp[:, 2 * hid:] = da_n * r
        dw_hh += dhp.T @ h_prev
        db_hh += dhp.sum(0)
        dh = dh * z + dhp @ w_hh
    dflat = dxw.reshape(t_len * n, 3 * hid)
    grads["rnn.weight_ih_l0"] = dflat.T @ x.reshape(t_len * n, n_in)
    grads["rnn.bias_ih_l0"] = dflat.sum(0)
    grads["rnn.weight_hh_l0"] = dw_hh
    grads["rnn.bias_hh_l0"] = db_hh
    return loss, grads


def gru_step(params: Params, x: np.ndarray, y: np.ndarray, lr: float = 0.01) -> float:
    """One SGD training step of the GRU model."""
    loss, grads = gru_grads(params, x, y)
    sgd_(params, grads, lr)
    return loss
