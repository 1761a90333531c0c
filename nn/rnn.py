"""Recurrent layers: RNN, LSTM, GRU and their single-step cells, as PyTorch's.

Parameter names, shapes, gate order and init are PyTorch's, so state dicts
move both ways: ``weight_ih_l{k}`` is ``(G * hidden, in)``, ``weight_hh_l{k}``
``(G * hidden, hidden)`` with the ``G`` gates stacked (LSTM: i, f, g, o; GRU:
r, z, n), plus ``bias_ih_l{k}``, ``bias_hh_l{k}`` and a ``_reverse`` copy of
each for the backward direction. Every parameter starts U(-1/sqrt(hidden),
1/sqrt(hidden)).

Speed: each layer projects the whole input sequence with one matmul before
the time loop, and each step does one matmul for all gates together; the
loop is composed from differentiable ops, so gradients (and higher-order
ones) are the chain rule through gradient-checked primitives.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from autograd.function import Function
from autograd.mode import is_grad_enabled
from autograd.ops.arith import linear
from autograd.ops.shape import cat, stack
from autograd.tensor import Tensor

from . import init
from ._factory import check_device
from .functional import dropout as _dropout
from .module import Module, Parameter

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell", "LSTMGates"]

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
        act, tc, cd = ctx.act, ctx.tc, c.data
        H = cd.shape[-1]
        i, f, g, o = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H], act[:, 3 * H:]
        dh = gh.data
        dc = gc.data + dh * o * (1.0 - tc * tc)
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


# ------------------------------------------------------------------ sequence layers
class RNNBase(_Recurrent):
    """The shared machinery of :class:`RNN`, :class:`LSTM` and :class:`GRU`."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        who = type(self).__name__
        self.input_size = _check_size(input_size, "input_size", who)
        self.hidden_size = _check_size(hidden_size, "hidden_size", who)
        self.num_layers = _check_size(num_layers, "num_layers", who)
        if not isinstance(dropout, (int, float)) or isinstance(dropout, bool) \
                or not 0 <= dropout <= 1:
            raise ValueError(f"{who}: dropout must be a number in [0, 1], got {dropout!r}")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"{who}: dropout={dropout} acts between layers, so with "
                          "num_layers=1 it does nothing", UserWarning, stacklevel=2)
        self.bias, self.batch_first = bool(bias), bool(batch_first)
        self.dropout, self.bidirectional = float(dropout), bool(bidirectional)
        dt = _dt(dtype, who)
        D = 2 if bidirectional else 1
        for layer in range(num_layers):
            for d in range(D):
                self._register(f"_l{layer}" + ("_reverse" if d else ""),
                               input_size if layer == 0 else hidden_size * D, bias, dt)
        self.reset_parameters()

    def flatten_parameters(self) -> None:
        """Does nothing (kept so PyTorch scripts that call it run unchanged)."""

    def _layer_params(self, layer: int, d: int) -> tuple:
        sfx = f"_l{layer}" + ("_reverse" if d else "")
        p = self._parameters
        return (p["weight_ih" + sfx], p["weight_hh" + sfx], p.get("bias_ih" + sfx),
                p.get("bias_hh" + sfx))

    def _check_state(self, h: Any, shape: tuple, name: str) -> Tensor:
        if not isinstance(h, Tensor):
            raise TypeError(f"{type(self).__name__}: {name} must be a Tensor, got "
                            f"{type(h).__name__}")
        if tuple(h.shape) != shape:
            raise ValueError(f"{type(self).__name__}: expected {name} of shape {shape} "
                             f"(num_layers * num_directions, batch, hidden_size), got "
                             f"{tuple(h.shape)}")
        return h

    def forward(self, input: Tensor, hx: Any = None) -> tuple:  # noqa: A002
        """Run the whole sequence.

        Args:
            input: ``(T, N, input_size)`` (``(N, T, input_size)`` with
                ``batch_first``), or ``(T, input_size)`` unbatched.
            hx: initial hidden state ``(L * D, N, H)`` (LSTM: a pair ``(h0, c0)``);
                zeros by default.

        Returns:
            ``(output, h_n)`` (LSTM: ``(output, (h_n, c_n))``); ``output`` is
            ``(T, N, D * H)`` (batch first if ``batch_first``), the last layer's
            hidden state at every step; ``h_n`` is ``(L * D, N, H)``, each layer's
            and direction's final state.
        """
        who, lstm = type(self).__name__, self.mode == "LSTM"
        x = input
        if x.ndim not in (2, 3):
            raise ValueError(f"{who}: expected a 2-D (unbatched) or 3-D input, got shape "
                             f"{tuple(x.shape)}")
        if x.shape[-1] != self.input_size:
            raise ValueError(f"{who}: input.size(-1) must be equal to input_size. Expected "
                             f"{self.input_size}, got {x.shape[-1]}")
        unbatched = x.ndim == 2
        if unbatched:
            x = x.unsqueeze(1)  # (T, 1, in)
        elif self.batch_first:
            x = x.transpose(0, 1)  # (N, T, in) -> (T, N, in)
        T, N = x.shape[0], x.shape[1]
        L, D, H = self.num_layers, 2 if self.bidirectional else 1, self.hidden_size
        state_shape = (L * D, N, H)
        if hx is None:
            zeros = Tensor._make(np.zeros(state_shape, x.dtype))
            h0, c0 = zeros, zeros
        else:
            if lstm:
                if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                    raise TypeError(f"{who}: hx must be a pair (h0, c0)")
                h0, c0 = hx
            else:
                h0, c0 = hx, None
            if unbatched:
                h0 = h0.unsqueeze(1) if isinstance(h0, Tensor) and h0.ndim == 2 else h0
                c0 = c0.unsqueeze(1) if isinstance(c0, Tensor) and c0.ndim == 2 else c0
            h0 = self._check_state(h0, state_shape, "h0" if lstm else "hx")
            if lstm:
                c0 = self._check_state(c0, state_shape, "c0")
        assert h0 is not None and (c0 is not None or not lstm)
        h_init = h0.split(1, dim=0) if L * D > 1 else (h0,)  # each (1, N, H)
        c_init: Any = None
        if c0 is not None:
            c_init = c0.split(1, dim=0) if L * D > 1 else (c0,)

        layer_in, h_n, c_n = x, [], []
        for layer in range(L):
            outs = []
            for d in range(D):
                w_ih, w_hh, b_ih, b_hh = self._layer_params(layer, d)
                n_in = layer_in.shape[-1]
                # LSTM and RNN add b_hh outside any nonlinearity, so it folds into the
                # input projection once instead of a broadcast add per time step
                # (GRU's b_hn sits inside r * (...) and stays per step)
                fold = self.mode != "GRU" and b_hh is not None
                bias = b_ih if not fold else (b_hh if b_ih is None else b_ih + b_hh)
                step_bhh = None if fold else b_hh
                xp = linear(layer_in.reshape(T * N, n_in), w_ih, bias)  # (T*N, G*H), one op
                steps = xp.split(N, dim=0) if T > 1 else (xp,)  # T of (N, G*H)
                whh_t = w_hh.T  # (H, G*H)
                k = layer * D + d
                h = h_init[k].reshape(N, H)
                c: Any = c_init[k].reshape(N, H) if lstm else None
                hs: list[Any] = [None] * T
                for t in (range(T - 1, -1, -1) if d else range(T)):
                    if lstm:
                        h, c = _lstm_step(steps[t], h, c, whh_t, step_bhh)
                    elif self.mode == "GRU":
                        h = _gru_step(steps[t], h, whh_t, step_bhh)
                    else:
                        h = _rnn_step(steps[t], h, whh_t, step_bhh, self.mode == "RNN_RELU")
                    hs[t] = h
                outs.append(stack(hs, 0))  # (T, N, H)
                h_n.append(h)
                c_n.append(c)
            layer_in = outs[0] if D == 1 else cat(outs, 2)  # (T, N, D*H)
            if self.dropout and self.training and layer < L - 1:
                layer_in = _dropout(layer_in, self.dropout, True)
        output = layer_in
        hn = stack(h_n, 0)  # (L*D, N, H)
        cn = stack(c_n, 0) if lstm else None
        if unbatched:
            output, hn = output.squeeze(1), hn.squeeze(1)
            cn = cn.squeeze(1) if cn is not None else None
        elif self.batch_first:
            output = output.transpose(0, 1)  # (N, T, D*H)
        return (output, (hn, cn)) if lstm else (output, hn)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.mode == "RNN_RELU":
            s += ", nonlinearity='relu'"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or relu).

    Args:
        input_size: features per step.
        hidden_size: size of the hidden state ``H``.
        num_layers: stacked layers; each takes the previous one's outputs.
        nonlinearity: ``'tanh'`` or ``'relu'``.
        bias: learn ``b_ih`` and ``b_hh``.
        batch_first: input and output are ``(N, T, *)`` instead of ``(T, N, *)``.
        dropout: dropout on each layer's outputs except the last, in training.
        bidirectional: also run a reversed pass; outputs are concatenated (``D = 2``).
        dtype: parameter dtype (float32 by default).

    Shape:
        - Input: ``(T, N, input_size)``, or ``(N, T, input_size)`` with batch_first,
          or ``(T, input_size)``; hx: ``(L * D, N, H)``.
        - Output: ``(T, N, D * H)``; h_n: ``(L * D, N, H)``.

    Example:
        >>> import autograd as ag
        >>> rnn = RNN(10, 20, num_layers=2)
        >>> out, h = rnn(ag.randn(5, 3, 10))
        >>> out.shape, h.shape
        ((5, 3, 20), (2, 3, 20))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        self.__dict__["mode"] = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device, dtype)


class LSTM(RNNBase):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997), PyTorch's formulation.

    With ``gates = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh`` split into
    ``i, f, g, o``: ``c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g)``,
    ``h_t = sigmoid(o) * tanh(c_t)``.

    Args: as :class:`RNN` (no nonlinearity).

    Shape:
        - Input: as :class:`RNN`; hx: a pair ``(h0, c0)``, each ``(L * D, N, H)``.
        - Output: ``(output, (h_n, c_n))``.

    Example:
        >>> import autograd as ag
        >>> lstm = LSTM(8, 16, batch_first=True, bidirectional=True)
        >>> out, (h, c) = lstm(ag.randn(4, 7, 8))
        >>> out.shape, h.shape, lstm.weight_ih_l0.shape
        ((4, 7, 32), (2, 4, 16), (64, 8))
    """

    mode = "LSTM"


class GRU(RNNBase):
    """Gated recurrent unit (Cho et al., 2014), PyTorch's formulation.

    ``r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)``, ``z`` likewise,
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h' = (1 - z) * n + z * h``.

    Args: as :class:`RNN` (no nonlinearity).

    Example:
        >>> import autograd as ag
        >>> out, h = GRU(8, 16, num_layers=2)(ag.randn(6, 2, 8))
        >>> out.shape, h.shape
        ((6, 2, 16), (2, 2, 16))
    """

    mode = "GRU"


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
