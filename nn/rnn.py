"""Recurrent layers: RNN, LSTM, GRU and their single-step cells, as PyTorch's.

Parameter names, shapes, gate order and init are PyTorch's, so state dicts
move both ways: ``weight_ih_l{k}`` is ``(G * hidden, in)``, ``weight_hh_l{k}``
``(G * hidden, hidden)`` with the ``G`` gates stacked (LSTM: i, f, g, o; GRU:
r, z, n), plus ``bias_ih_l{k}``, ``bias_hh_l{k}`` and a ``_reverse`` copy of
each for the backward direction. Every parameter starts U(-1/sqrt(hidden),
1/sqrt(hidden)).

Speed: each layer projects the whole input sequence with one matmul before
the time loop, and each step does one matmul for all gates together. LSTM
and GRU layers run as one graph node per layer and direction
(:mod:`nn.rnn_fused`, backward on arrays); RNN, and LSTM/GRU with
``fused = False``, compose the loop from differentiable ops, so gradients
(and higher-order ones) are the chain rule through gradient-checked
primitives.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from autograd.ops.shape import cat, stack
from autograd.tensor import Tensor

from ._factory import check_device
from .functional import dropout as _dropout
from .rnn_cells import (
    GRUCell,
    LSTMCell,
    LSTMGates,
    RNNCell,
    _check_size,
    _dt,
    _Recurrent,
    run_steps,
)
from .rnn_fused import GRULayer, LSTMLayer
from .utils.rnn import PackedSequence

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell", "LSTMGates"]


# ------------------------------------------------------------------ sequence layers
class RNNBase(_Recurrent):
    """The shared machinery of :class:`RNN`, :class:`LSTM` and :class:`GRU`.

    ``fused`` (True by default): run each LSTM/GRU layer and direction as one
    graph node with its backward on arrays (fast; second derivatives through
    ``create_graph=True`` work too); set it False on a module to compose the
    layer from differentiable ops step by step, which gives derivatives of any
    order at a few times the cost.
    """

    fused = True

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

    def forward(self, input: Any, hx: Any = None) -> tuple:  # noqa: A002
        """Run the whole sequence.

        Args:
            input: ``(T, N, input_size)`` (``(N, T, input_size)`` with
                ``batch_first``), ``(T, input_size)`` unbatched, or a
                :class:`nn.utils.rnn.PackedSequence` of sequences of different lengths.
            hx: initial hidden state ``(L * D, N, H)`` (LSTM: a pair ``(h0, c0)``);
                zeros by default.

        Returns:
            ``(output, h_n)`` (LSTM: ``(output, (h_n, c_n))``); ``output`` is
            ``(T, N, D * H)`` (batch first if ``batch_first``), the last layer's
            hidden state at every step; ``h_n`` is ``(L * D, N, H)``, each layer's
            and direction's final state. For packed input ``output`` is packed
            too, and each sequence's results are those of running it alone at
            its own length.
        """
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        who = type(self).__name__
        x = input
        if x.ndim not in (2, 3):
            raise ValueError(f"{who}: expected a 2-D (unbatched) or 3-D input, got shape "
                             f"{tuple(x.shape)}")
        self._check_input_size(x)
        unbatched = x.ndim == 2
        if unbatched:
            x = x.unsqueeze(1)  # (T, 1, in)
        elif self.batch_first:
            x = x.transpose(0, 1)  # (N, T, in) -> (T, N, in)
        h0, c0 = self._initial_state(hx, x.shape[1], x.dtype, unbatched, None)
        output, hn, cn = self._run(x, h0, c0, None)
        if unbatched:
            output, hn = output.squeeze(1), hn.squeeze(1)
            cn = cn.squeeze(1) if cn is not None else None
        elif self.batch_first:
            output = output.transpose(0, 1)  # (N, T, D*H)
        return (output, (hn, cn)) if self.mode == "LSTM" else (output, hn)

    def _check_input_size(self, x: Tensor) -> None:
        if x.shape[-1] != self.input_size:
            raise ValueError(f"{type(self).__name__}: input.size(-1) must be equal to "
                             f"input_size. Expected {self.input_size}, got {x.shape[-1]}")

    def _initial_state(self, hx: Any, N: int, dtype: Any, unbatched: bool,
                       order: np.ndarray | None) -> tuple:
        """``(h0, c0)`` of shape ``(L * D, N, H)`` (c0 None unless LSTM), rows in ``order``."""
        who, lstm = type(self).__name__, self.mode == "LSTM"
        state_shape = (self.num_layers * (2 if self.bidirectional else 1), N, self.hidden_size)
        if hx is None:
            zeros = Tensor._make(np.zeros(state_shape, dtype))
            return zeros, (zeros if lstm else None)
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
        if order is not None:  # packed input: the batch was sorted by length
            h0 = h0[:, order]
            c0 = c0[:, order] if c0 is not None else None
        return h0, c0

    def _run(self, x: Tensor, h0: Tensor, c0: Tensor | None,
             lengths: np.ndarray | None) -> tuple:
        """All layers and directions over ``x`` ``(T, N, in)``; ``(output, h_n, c_n)``."""
        T, N = x.shape[0], x.shape[1]
        L, D, H = self.num_layers, 2 if self.bidirectional else 1, self.hidden_size
        h_init = h0.split(1, dim=0) if L * D > 1 else (h0,)  # each (1, N, H)
        c_init = (c0.split(1, dim=0) if L * D > 1 else (c0,)) if c0 is not None else None
        masks = None
        if lengths is not None and (lengths < T).any():  # (T, N, 1): still running?
            masks = (np.arange(T)[:, None] < lengths[None, :])[:, :, None]
        layer_in, h_n, c_n = x, [], []
        for layer in range(L):
            outs = []
            for d in range(D):
                k = layer * D + d
                c = c_init[k].reshape(N, H) if c_init is not None else None
                out, h, c = self._direction(layer_in, layer, d, h_init[k].reshape(N, H), c,
                                            masks)
                outs.append(out)
                h_n.append(h)
                c_n.append(c)
            layer_in = outs[0] if D == 1 else cat(outs, 2)  # (T, N, D*H)
            if self.dropout and self.training and layer < L - 1:
                layer_in = _dropout(layer_in, self.dropout, True)
        cn = stack(c_n, 0) if c0 is not None else None
        return layer_in, stack(h_n, 0), cn  # (T, N, D*H), (L*D, N, H)

    def _direction(self, layer_in: Tensor, layer: int, d: int, h: Tensor, c: Any,
                   masks: np.ndarray | None) -> tuple:
        """One layer in one direction: ``(outputs (T, N, H), h_T, c_T)``.

        With ``masks`` (packed input, ``(T, N, 1)``), a sequence's state stops
        changing after its last step and its outputs there are zero; the reverse
        direction then starts at each sequence's own last step. LSTM and GRU run
        as one node per layer and direction (:mod:`nn.rnn_fused`) unless
        ``self.fused`` is False.
        """
        w_ih, w_hh, b_ih, b_hh = self._layer_params(layer, d)
        if self.fused and self.mode == "LSTM":
            return LSTMLayer.apply(layer_in, h, c, w_ih, w_hh, b_ih, b_hh, mask=masks,
                                   reverse=bool(d))
        if self.fused and self.mode == "GRU":
            out, h = GRULayer.apply(layer_in, h, w_ih, w_hh, b_ih, b_hh, mask=masks,
                                    reverse=bool(d))
            return out, h, None
        return run_steps(self.mode, layer_in, h, c, (w_ih, w_hh, b_ih, b_hh), bool(d), masks)

    def _forward_packed(self, packed: PackedSequence, hx: Any) -> tuple:
        data = packed.data  # (sum of lengths, in)
        if data.ndim != 2:
            raise ValueError(f"{type(self).__name__}: packed data must be 2-D, got shape "
                             f"{tuple(data.shape)}")
        self._check_input_size(data)
        sizes = np.asarray(packed.batch_sizes.array if isinstance(packed.batch_sizes, Tensor)
                           else packed.batch_sizes, dtype=np.int64)
        T, N = len(sizes), int(sizes[0])
        valid = np.arange(N)[None, :] < sizes[:, None]  # (T, N)
        lengths = valid.sum(0)  # (N,), longest first
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        rows = np.where(valid, offsets[:, None] + np.arange(N)[None, :], data.shape[0])
        zero_row = Tensor._make(np.zeros((1, data.shape[1]), data.dtype))
        x = cat([data, zero_row], 0)[rows]  # (T, N, in), padding read from the zero row
        order = _index_array(packed.sorted_indices)
        h0, c0 = self._initial_state(hx, N, data.dtype, False, order)
        output, hn, cn = self._run(x, h0, c0, lengths)
        out_data = output.reshape(T * N, output.shape[-1])[np.flatnonzero(valid.ravel())]
        back = _index_array(packed.unsorted_indices)
        if back is not None:
            hn = hn[:, back]
            cn = cn[:, back] if cn is not None else None
        out = PackedSequence(out_data, packed.batch_sizes, packed.sorted_indices,
                             packed.unsorted_indices)
        return (out, (hn, cn)) if self.mode == "LSTM" else (out, hn)

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


def _index_array(idx: Any) -> np.ndarray | None:
    if idx is None:
        return None
    return np.asarray(idx.array if isinstance(idx, Tensor) else idx, dtype=np.int64)
