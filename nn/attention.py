"""Attention (Vaswani et al., 2017): ``scaled_dot_product_attention`` and MultiheadAttention.

``softmax(Q K^T * scale + mask) V`` composed from matmul, softmax and where,
so its gradients are those ops' (gradient-checked). Mask conventions are
PyTorch's, which differ between the two entry points: for
``scaled_dot_product_attention`` a boolean mask is True where attention is
*allowed*; for ``MultiheadAttention`` a boolean ``attn_mask`` or
``key_padding_mask`` is True where it is *not*. Float masks are added to
the scores in both.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd as ag
from autograd.errors import OpError
from autograd.tensor import Tensor

from . import init
from ._factory import check_device, float_dtype
from .channel_dropout import masked_dropout
from .linear import Linear
from .module import Module
from .parameter import Parameter

__all__ = ["scaled_dot_product_attention", "MultiheadAttention",
           "NonDynamicallyQuantizableLinear"]


class NonDynamicallyQuantizableLinear(Linear):
    """A :class:`Linear` under PyTorch's name for MultiheadAttention's ``out_proj``."""


def _mask_array(mask: Any, allowed_if_true: bool, dtype: np.dtype) -> Any:
    """A mask as something to add to the scores: a float array/Tensor, -inf where blocked."""
    if mask is None:
        return None
    if isinstance(mask, Tensor) and mask.dtype.kind == "f":
        return mask.to(dtype) if mask.dtype != dtype else mask
    arr = np.asarray(mask.array if isinstance(mask, Tensor) else mask)
    if arr.dtype == np.bool_:
        blocked = ~arr if allowed_if_true else arr
        return np.where(blocked, -np.inf, 0.0).astype(dtype)
    if arr.dtype.kind == "f":
        return arr.astype(dtype)
    raise TypeError(f"attention: a mask must be bool or float, got dtype {arr.dtype}")


def _add_mask(scores: Tensor, mask: Any) -> Tensor:
    if mask is None:
        return scores
    return scores + (mask if isinstance(mask, Tensor) else Tensor._make(mask))


def _safe_softmax(scores: Tensor) -> Tensor:
    """Softmax over the last dim that gives zeros (not NaN) for a row blocked entirely."""
    dead = np.isneginf(scores.array).all(axis=-1, keepdims=True)
    if not dead.any():
        return ag.softmax(scores, -1)
    probs = ag.softmax(ag.where(dead, 0.0, scores), -1)
    return probs * Tensor._make((~dead).astype(scores.dtype))


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Any = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """``softmax(query key^T * scale + mask) value`` over the last two dims.

    Args:
        query: ``(*, L, E)``; key: ``(*, S, E)``; value: ``(*, S, Ev)`` (leading dims broadcast).
        attn_mask: bool (True = may attend) or float (added), broadcastable to ``(*, L, S)``.
        dropout_p: dropout on the attention weights (applied whenever > 0, as PyTorch;
            pass ``dropout_p if self.training else 0.0``).
        is_causal: attend only to positions ``<= `` own (top-left aligned); giving attn_mask
            too raises, as PyTorch documents.
        scale: defaults to ``1 / sqrt(E)``.
        enable_gqa: grouped-query attention: with ``(*, Hq, L, E)`` queries and
            ``(*, Hk, S, E)`` keys/values, each key head serves ``Hq / Hk`` query heads.

    Returns:
        ``(*, L, Ev)``. A query row with every key blocked gives zeros.

    Example:
        >>> import autograd as ag
        >>> q = ag.tensor([[[1.0, 0.0], [0.0, 1.0]]])
        >>> v = ag.tensor([[[1.0, 2.0], [3.0, 4.0]]])
        >>> scaled_dot_product_attention(q, q, v, is_causal=True)[0, 0].tolist()
        [1.0, 2.0]
    """
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2 or query.shape[-1] != key.shape[-1] \
            or key.shape[-2] != value.shape[-2]:
        raise OpError(f"scaled_dot_product_attention: query {tuple(query.shape)}, key "
                      f"{tuple(key.shape)} and value {tuple(value.shape)} do not fit "
                      "(*, L, E), (*, S, E), (*, S, Ev)")
    if is_causal and attn_mask is not None:
        raise OpError("scaled_dot_product_attention: give either attn_mask or "
                      "is_causal=True, not both (fold the causal mask into attn_mask)")
    if not 0.0 <= dropout_p <= 1.0:
        raise OpError(f"scaled_dot_product_attention: dropout_p must be in [0, 1], got "
                      f"{dropout_p}")
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        hq, hk = query.shape[-3], key.shape[-3]
        if hk == 0 or hq % hk or value.shape[-3] != hk:
            raise OpError(f"scaled_dot_product_attention: with enable_gqa the query heads "
                          f"({hq}) must be a multiple of the key/value heads ({hk}, "
                          f"{value.shape[-3]})")
        heads = np.repeat(np.arange(hk), hq // hk)  # key head of each query head
        key, value = key[..., heads, :, :], value[..., heads, :, :]
    L, S = query.shape[-2], key.shape[-2]
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    if is_causal:
        attn_mask = np.tril(np.ones((L, S), dtype=bool))
    scores = (query @ key.transpose(-2, -1)) * factor  # (*, L, S)
    scores = _add_mask(scores, _mask_array(attn_mask, True, scores.dtype))
    weights = _safe_softmax(scores)
    if dropout_p > 0.0:
        weights = masked_dropout(weights, dropout_p, weights.shape)
    return weights @ value  # (*, L, Ev)


class MultiheadAttention(Module):
    """Multi-head attention with PyTorch's parameters, names and masks.

    ``out = concat(head_1..head_h) W_o^T + b_o`` with
    ``head_i = softmax(Q_i K_i^T / sqrt(d) + mask) V_i`` and ``Q = query W_q^T + b_q``
    etc., ``d = embed_dim / num_heads``.

    Args:
        embed_dim: model width ``E``.
        num_heads: heads; must divide ``embed_dim``.
        dropout: dropout on the attention weights (training only).
        bias: learn input and output projection biases.
        add_bias_kv: learn an extra key and value appended to the sequence.
        add_zero_attn: append a zero key and value.
        kdim, vdim: key and value widths (default ``E``); when they differ from ``E``
            the projections are ``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight``.
        batch_first: inputs and output are ``(N, L, E)`` rather than ``(L, N, E)``.
        device, dtype: factory keywords (CPU only).

    Shape:
        - query ``(L, N, E)``, key ``(S, N, kdim)``, value ``(S, N, vdim)``
          (batch first if ``batch_first``; or unbatched ``(L, E)``).
        - key_padding_mask ``(N, S)``: bool True (or -inf) marks keys to ignore.
        - attn_mask ``(L, S)`` or ``(N * num_heads, L, S)``: bool True blocks.
        - Output: ``(L, N, E)`` and the weights ``(N, L, S)`` averaged over heads
          (``(N, num_heads, L, S)`` with ``average_attn_weights=False``), or None.

    Example:
        >>> import autograd as ag, nn
        >>> mha = nn.MultiheadAttention(8, 2, batch_first=True)
        >>> out, w = mha(ag.randn(3, 5, 8), ag.randn(3, 7, 8), ag.randn(3, 7, 8))
        >>> out.shape, w.shape
        ((3, 5, 8), (3, 5, 7))
        >>> list(mha.state_dict())
        ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        who = "MultiheadAttention"
        check_device(device, who)
        dt = float_dtype(dtype, who)
        if embed_dim <= 0 or num_heads <= 0 or embed_dim % num_heads:
            raise ValueError(f"{who}: embed_dim ({embed_dim}) must be positive and divisible "
                             f"by num_heads ({num_heads})")
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, float(dropout)
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.head_dim, self.batch_first = embed_dim // num_heads, batch_first
        E = embed_dim
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.empty((3 * E, E), dt))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(np.empty((E, E), dt))
            self.k_proj_weight = Parameter(np.empty((E, self.kdim), dt))
            self.v_proj_weight = Parameter(np.empty((E, self.vdim), dt))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(np.empty(3 * E, dt))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(E, E, bias=bias, dtype=dt)
        if add_bias_kv:
            self.bias_k = Parameter(np.empty((1, 1, E), dt))
            self.bias_v = Parameter(np.empty((1, 1, E), dt))
        else:
            self.register_parameter("bias_k", None)
            self.register_parameter("bias_v", None)
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """PyTorch's init: xavier_uniform_ projections, zero biases, xavier_normal_ bias_k/v."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for p in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(p)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def _projections(self) -> tuple:
        E = self.embed_dim
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            ws = (w[:E], w[E:2 * E], w[2 * E:])
        else:
            ws = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        b = self.in_proj_bias
        bs = (None, None, None) if b is None else (b[:E], b[E:2 * E], b[2 * E:])
        return ws, bs

    def _check(self, query: Tensor, key: Tensor, value: Tensor) -> bool:
        batched = query.ndim == 3
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise ValueError(f"MultiheadAttention: query, key and value must all be 3-D "
                             f"(batched) or 2-D (unbatched), got {tuple(query.shape)}, "
                             f"{tuple(key.shape)}, {tuple(value.shape)}")
        if query.shape[-1] != self.embed_dim or key.shape[-1] != self.kdim \
                or value.shape[-1] != self.vdim:
            raise ValueError(f"MultiheadAttention: expected feature sizes (query {self.embed_dim}"
                             f", key {self.kdim}, value {self.vdim}), got {query.shape[-1]}, "
                             f"{key.shape[-1]}, {value.shape[-1]}")
        if key.shape[:-1] != value.shape[:-1]:
            raise ValueError(f"MultiheadAttention: key {tuple(key.shape)} and value "
                             f"{tuple(value.shape)} must agree except in the last dim")
        return batched

    def forward(self, query: Tensor, key: Tensor, value: Tensor,
                key_padding_mask: Any = None, need_weights: bool = True, attn_mask: Any = None,
                average_attn_weights: bool = True, is_causal: bool = False) -> tuple:
        """Attend from ``query`` to ``key``/``value``; returns ``(output, weights or None)``.

        ``is_causal`` is a hint, as in PyTorch: the causal ``attn_mask`` must still be given.
        """
        if is_causal and attn_mask is None:
            raise RuntimeError("MultiheadAttention: need attn_mask if specifying the "
                               "is_causal hint")
        batched = self._check(query, key, value)
        if not batched:  # (L, E) -> (1, L, E), batch first
            query, key, value = query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0)
            if key_padding_mask is not None:
                key_padding_mask = np.asarray(getattr(key_padding_mask, "array",
                                                      key_padding_mask))[None]
        elif not self.batch_first:  # (L, N, E) -> (N, L, E)
            query, key, value = query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)
        out, weights = self._attend(query, key, value, key_padding_mask, attn_mask)
        if not batched:
            out = out.squeeze(0)
            weights = weights.squeeze(0)
        elif not self.batch_first:
            out = out.transpose(0, 1)  # (L, N, E)
        if not need_weights:
            return out, None
        return out, (weights.mean(-3) if average_attn_weights else weights)

    def _attend(self, q_in: Tensor, k_in: Tensor, v_in: Tensor, key_padding_mask: Any,
                attn_mask: Any) -> tuple[Tensor, Tensor]:
        N, L, _ = q_in.shape
        H, d = self.num_heads, self.head_dim
        (wq, wk, wv), (bq, bk, bv) = self._projections()
        q, k, v = ag.linear(q_in, wq, bq), ag.linear(k_in, wk, bk), ag.linear(v_in, wv, bv)
        kpm = _mask_array(key_padding_mask, False, q.dtype)
        am = _mask_array(attn_mask, False, q.dtype)
        extra = 0
        if self.bias_k is not None:  # one learned key/value more: (N, S + 1, E)
            k = ag.cat([k, self.bias_k.expand(N, 1, self.embed_dim)], 1)
            v = ag.cat([v, self.bias_v.expand(N, 1, self.embed_dim)], 1)
            extra += 1
        if self.add_zero_attn:
            z = Tensor._make(np.zeros((N, 1, self.embed_dim), q.dtype))
            k, v = ag.cat([k, z], 1), ag.cat([v, z], 1)
            extra += 1
        S = k.shape[1]
        heads = lambda t, n: t.reshape(N, n, H, d).transpose(1, 2)  # noqa: E731  (N, H, n, d)
        q, k, v = heads(q, L), heads(k, S), heads(v, S)
        scores = (q * (1.0 / math.sqrt(d))) @ k.transpose(-2, -1)  # (N, H, L, S)
        if am is not None:
            am = _pad_keys(am, extra)
            if am.ndim == 3:  # (N * H, L, S) -> (N, H, L, S)
                am = am.reshape(N, H, L, S)
            scores = _add_mask(scores, am)
        if kpm is not None:
            kpm = _pad_keys(kpm, extra)
            if tuple(kpm.shape) != (N, S):
                raise ValueError(f"MultiheadAttention: key_padding_mask must be ({N}, "
                                 f"{S - extra}), got {tuple(kpm.shape)}")
            scores = _add_mask(scores, kpm.reshape(N, 1, 1, S))
        weights = ag.softmax(scores, -1)  # a row with every key masked is NaN, as PyTorch
        if self.training and self.dropout > 0.0:
            dropped = masked_dropout(weights, self.dropout, weights.shape)
        else:
            dropped = weights
        out = (dropped @ v).transpose(1, 2).reshape(N, L, self.embed_dim)  # (N, L, E)
        return self.out_proj(out), weights


def _pad_keys(mask: Any, extra: int) -> Any:
    """Append ``extra`` zero (unmasked) columns along the key dim for bias_k / zero_attn."""
    if not extra:
        return mask
    pad = [(0, 0)] * (mask.ndim - 1) + [(0, extra)]
    if isinstance(mask, Tensor):
        return ag.pad(mask, (0, extra))
    return np.pad(mask, pad)
