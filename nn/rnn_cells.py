"""Recurrent steps and cells: one time step of RNN, LSTM and GRU, and RNNCell/LSTMCell/GRUCell.

Parameter names, shapes, gate order and init are PyTorch's (see :mod:`nn.rnn`).
``_Recurrent`` registers them for both the cells and the sequence layers.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd.function import Function
from autograd.mode import is_grad_enabled
from autograd.ops.arith import linear
from autograd.ops.select import where
from autograd.ops.shape import cat, stack
from autograd.tensor import Tensor

from . import init
from ._factory import check_device
from .module import Module, Parameter

__all__ = ["RNNCell", "LSTMCell", "GRUCell", "LSTMGates"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# ------------------------------------------------------------------ one step
# ``xp`` is the input's projection x W_ih^T + b_ih for this step, (N, G*H);
# ``whh_t`` is W_hh^T, (H, G*H), transposed once per sequence.
def _rnn_step(xp: Tensor, h: Tensor, whh_t: Tensor, bhh: Tensor | None, relu: bool) -> Tensor:
    a = xp + h @ whh_t  # (N, H)
    if bhh is not None:
        a = a + bhh
    return a.relu() if relu else a.tanh()


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * a))  # no overflow for large |a|


class LSTMGates(Function):
    """The LSTM cell after its matmuls: ``(gates, c) -> (h', c')``, as one node.

    ``gates`` is ``(N, 4H)`` in PyTorch's order i, f, g, o;
    ``c' = sigmoid(f) * c + sigmoid(i) * tanh(g)``, ``h' = sigmoid(o) * tanh(c')``.

    Fused for speed: written with primitives this is about a dozen nodes per
    time step, and per-node overhead dominates at the sizes of a course
    (hidden 32 to 256). Unrecorded backward is the closed form on arrays;
    recorded backward (``create_graph=True``) recomputes the gates from the
    inputs with Tensor ops, so second derivatives are exact.
    """

    @staticmethod
    def forward(ctx, gates, c):
        H = c.shape[-1]
        act = np.empty_like(gates)
        act[:, :2 * H] = _sigmoid(gates[:, :2 * H])  # i, f
        act[:, 2 * H:3 * H] = np.tanh(gates[:, 2 * H:3 * H])  # g
        act[:, 3 * H:] = _sigmoid(gates[:, 3 * H:])  # o
        i, f, g, o = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H], act[:, 3 * H:]
        c_new = f * c + i * g
        tc = np.tanh(c_new)
        ctx.save_for_backward(gates, c)
        ctx.act, ctx.tc = act, tc
        return o * tc, c_new

    @staticmethod
    def backward(ctx, gh, gc):
        gates, c = ctx.saved_tensors
        if is_grad_enabled():
            return LSTMGates._backward_recorded(gates, c, gh, gc)
        act, tc, cd = ctx.act, ctx.tc, c.array
        H = cd.shape[-1]
        i, f, g, o = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H], act[:, 3 * H:]
        dh = gh.array
        dc = gc.array + dh * o * (1.0 - tc * tc)
        d = np.empty_like(act)  # (N, 4H)
        d[:, :H] = dc * g * i * (1.0 - i)
        d[:, H:2 * H] = dc * cd * f * (1.0 - f)
        d[:, 2 * H:3 * H] = dc * i * (1.0 - g * g)
        d[:, 3 * H:] = dh * tc * o * (1.0 - o)
        return Tensor._make(d), Tensor._make(dc * f)

    @staticmethod
    def _backward_recorded(gates, c, gh, gc):
        i, f, g, o = gates.split(c.shape[-1], dim=-1)
        i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
        tc = (f * c + i * g).tanh()
        dc = gc + gh * o * (1.0 - tc * tc)
        d = cat([dc * g * i * (1.0 - i), dc * c * f * (1.0 - f), dc * i * (1.0 - g * g),
                 gh * tc * o * (1.0 - o)], -1)
        return d, dc * f


def _lstm_step(xp: Tensor, h: Tensor, c: Tensor, whh_t: Tensor,
               bhh: Tensor | None) -> tuple[Tensor, Tensor]:
    gates = xp + h @ whh_t  # (N, 4H), one matmul for all four gates
    if bhh is not None:
        gates = gates + bhh
    return LSTMGates.apply(gates, c)  # h, c: (N, H) each


def _gru_step(xp: Tensor, h: Tensor, whh_t: Tensor, bhh: Tensor | None) -> Tensor:
    hp = h @ whh_t  # (N, 3H)
    if bhh is not None:
        hp = hp + bhh
    H = h.shape[-1]
    xr, xz, xn = xp.split(H, dim=-1)  # each (N, H)
    hr, hz, hn = hp.split(H, dim=-1)
    r = (xr + hr).sigmoid()
    z = (xz + hz).sigmoid()
    n = (xn + r * hn).tanh()  # the reset gate scales W_hn h + b_hn, as PyTorch
    return n + z * (h - n)  # (1 - z) * n + z * h


def run_steps(mode: str, x: Tensor, h: Tensor, c: Any, params: tuple,
              reverse: bool, masks: np.ndarray | None) -> tuple:
    """One layer in one direction over ``x`` ``(T, N, in)``, composed from differentiable
    ops one step at a time: ``(outputs (T, N, H), h_T, c_T)`` (``c_T`` None unless LSTM).

    ``params`` is ``(w_ih, w_hh, b_ih, b_hh)``; with ``masks`` ``(T, N, 1)`` (packed
    input) a sequence's state stops changing after its last step and its outputs
    there are zero; ``reverse`` runs from the last step to the first.
    """
    T, N = x.shape[0], x.shape[1]
    w_ih, w_hh, b_ih, b_hh = params
    # LSTM and RNN add b_hh outside any nonlinearity, so it folds into the
    # input projection once instead of a broadcast add per time step
    # (GRU's b_hn sits inside r * (...) and stays per step)
    fold = mode != "GRU" and b_hh is not None
    bias = b_ih if not fold else (b_hh if b_ih is None else b_ih + b_hh)
    step_bhh = None if fold else b_hh
    xp = linear(x.reshape(T * N, x.shape[-1]), w_ih, bias)  # (T*N, G*H)
    steps = xp.split(N, dim=0) if T > 1 else (xp,)  # T of (N, G*H)
    whh_t = w_hh.T  # (H, G*H)
    hs: list[Any] = [None] * T
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        if mode == "LSTM":
            h_new, c_new = _lstm_step(steps[t], h, c, whh_t, step_bhh)
        elif mode == "GRU":
            h_new, c_new = _gru_step(steps[t], h, whh_t, step_bhh), None
        else:
            h_new, c_new = _rnn_step(steps[t], h, whh_t, step_bhh, mode == "RNN_RELU"), None
        m = masks[t] if masks is not None else None
        if m is None or m.all():
            h, c, hs[t] = h_new, c_new, h_new
        else:
            h = where(m, h_new, h)
            c = where(m, c_new, c) if c_new is not None else None
            hs[t] = where(m, h_new, 0.0)
    return stack(hs, 0), h, c


def _check_size(v: Any, name: str, who: str, low: int = 1) -> int:
    if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < low:
        raise ValueError(f"{who}: {name} must be an int >= {low}, got {v!r}")
    return int(v)


def _dt(dtype: Any, who: str) -> np.dtype:
    dt = np.dtype(np.float32 if dtype is None else dtype)
    if dt.kind != "f":
        raise TypeError(f"{who}: dtype must be floating, got {dt}")
    return dt


class _Recurrent(Module):
    """Parameter registration and init shared by the layers and the cells."""

    mode = "RNN_TANH"
    hidden_size: int

    def _register(self, sfx: str, n_in: int, bias: bool, dt: np.dtype) -> None:
        GH = _GATES[self.mode] * self.hidden_size
        self.register_parameter("weight_ih" + sfx, Parameter(np.empty((GH, n_in), dt)))
        self.register_parameter("weight_hh" + sfx,
                                Parameter(np.empty((GH, self.hidden_size), dt)))
        for name in ("bias_ih", "bias_hh"):
            self.register_parameter(name + sfx, Parameter(np.empty(GH, dt)) if bias else None)

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        k = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -k, k)


# ------------------------------------------------------------------ cells
class _CellBase(_Recurrent):
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        who = type(self).__name__
        self.input_size = _check_size(input_size, "input_size", who)
        self.hidden_size = _check_size(hidden_size, "hidden_size", who)
        self.bias = bool(bias)
        self._register("", input_size, bias, _dt(dtype, who))
        self.reset_parameters()

    def _prep(self, x: Tensor, hx: Any) -> tuple:
        who = type(self).__name__
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(f"{who}: expected input of shape (N, {self.input_size}) or "
                             f"({self.input_size},), got {tuple(x.shape)}")
        unbatched = x.ndim == 1
        if unbatched:
            x = x.unsqueeze(0)
        xp = x @ self.weight_ih.T  # (N, G*H)
        if self.bias_ih is not None:
            xp = xp + self.bias_ih
        shape = (x.shape[0], self.hidden_size)
        states = hx if isinstance(hx, (tuple, list)) else (hx,)
        out = []
        for s in states:
            if s is None:
                s = Tensor._make(np.zeros(shape, x.dtype))
            elif unbatched:
                s = s.unsqueeze(0)
            if tuple(s.shape) != shape:
                raise ValueError(f"{who}: expected a hidden state of shape {shape}, got "
                                 f"{tuple(s.shape)}")
            out.append(s)
        return xp, out, unbatched

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        if self.mode == "RNN_RELU":
            s += ", nonlinearity='relu'"
        return s


class RNNCell(_CellBase):
    """One step of :class:`RNN`: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``.

    Args:
        input_size, hidden_size, bias, dtype: as :class:`RNN`.
        nonlinearity: ``'tanh'`` or ``'relu'``.

    Shape:
        - Input: ``(N, input_size)`` or ``(input_size,)``; hx: ``(N, H)`` (zeros if None).
        - Output: ``(N, H)``.

    Example:
        >>> import autograd as ag
        >>> RNNCell(4, 3)(ag.randn(2, 4)).shape
        (2, 3)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None, dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: nonlinearity must be 'tanh' or 'relu', got "
                             f"{nonlinearity!r}")
        self.__dict__["mode"] = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:  # noqa: A002
        xp, (h,), unbatched = self._prep(input, hx)
        h = _rnn_step(xp, h, self.weight_hh.T, self.bias_hh, self.mode == "RNN_RELU")
        return h.squeeze(0) if unbatched else h


class LSTMCell(_CellBase):
    """One step of :class:`LSTM`; returns ``(h', c')``.

    Shape:
        - Input: ``(N, input_size)`` or ``(input_size,)``; hx: a pair ``(h, c)`` of
          ``(N, H)`` (zeros if None).
        - Output: ``(h', c')``, each ``(N, H)``.

    Example:
        >>> import autograd as ag
        >>> h, c = LSTMCell(4, 3)(ag.randn(2, 4))
        >>> h.shape, c.shape
        ((2, 3), (2, 3))
    """

    mode = "LSTM"

    def forward(self, input: Tensor, hx: Any = None) -> tuple:  # noqa: A002
        xp, states, unbatched = self._prep(input, (None, None) if hx is None else hx)
        if len(states) != 2:
            raise TypeError("LSTMCell: hx must be a pair (h, c)")
        h, c = _lstm_step(xp, states[0], states[1], self.weight_hh.T, self.bias_hh)
        return (h.squeeze(0), c.squeeze(0)) if unbatched else (h, c)


class GRUCell(_CellBase):
    """One step of :class:`GRU`.

    Shape:
        - Input: ``(N, input_size)`` or ``(input_size,)``; hx: ``(N, H)`` (zeros if None).
        - Output: ``(N, H)``.

    Example:
        >>> import autograd as ag
        >>> GRUCell(4, 3)(ag.randn(2, 4)).shape
        (2, 3)
    """

    mode = "GRU"

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:  # noqa: A002
        xp, (h,), unbatched = self._prep(input, hx)
        h = _gru_step(xp, h, self.weight_hh.T, self.bias_hh)
        return h.squeeze(0) if unbatched else h
