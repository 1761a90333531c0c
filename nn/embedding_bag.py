"""EmbeddingBag: the sum, mean or max of the embeddings of each bag of ids, in one call.

A bag is a row of a 2-D input, or a run of a 1-D input between consecutive
``offsets``. The rows of the table are picked by advanced indexing and
reduced with ``where`` / ``sum`` / ``max``, all differentiable registered ops,
so the gradient to the table (each row gets the output gradient of every
bag it is in, scaled by its per-sample weight, divided by the bag size for
``mean``, or routed to the arg-max for ``max``) is their chain rule and
needs no backward of its own. Bags of different lengths are laid out
padded to the longest, with a mask.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.errors import OpError
from autograd.ops.select import where
from autograd.tensor import Tensor

from . import init
from ._factory import check_device
from .embedding import _renorm
from .module import Module, Parameter

__all__ = ["embedding_bag", "EmbeddingBag"]

MODES = ("sum", "mean", "max")


def _array(x: Any) -> np.ndarray:
    return np.asarray(x.array if isinstance(x, Tensor) else x)


def _bounds(ids: np.ndarray, offsets: Any, include_last_offset: bool) -> tuple:
    """Flat ids ``(L,)`` and each bag's ``(start, end)`` positions in them."""
    if ids.ndim == 2:
        if offsets is not None:
            raise ValueError("embedding_bag: if input is 2D, then offsets has to be None, as "
                             "input is treated as a mini-batch of fixed length sequences; "
                             f"got offsets of type {type(offsets).__name__}")
        b, n = ids.shape
        starts = np.arange(b, dtype=np.int64) * n
        return ids.reshape(-1), starts, starts + n
    if ids.ndim != 1:
        raise ValueError(f"embedding_bag: input has to be 1D or 2D Tensor, but got Tensor of "
                         f"dimension {ids.ndim} (shape {ids.shape})")
    if offsets is None:
        raise ValueError("embedding_bag: offsets has to be a 1D Tensor but got None (a 1-D "
                         "input needs the start of each bag)")
    off = _array(offsets)
    if off.ndim != 1 or off.dtype.kind not in "iu":
        raise ValueError(f"embedding_bag: offsets has to be a 1D Tensor of integers, got shape "
                         f"{off.shape} and dtype {off.dtype}")
    off = off.astype(np.int64)
    if off.size and off[0] != 0:
        raise OpError(f"embedding_bag: offsets[0] has to be 0, i.e., the first bag has to "
                      f"start from position 0; got {off[0]}")
    if off.size and off[-1] > ids.size:
        raise OpError(f"embedding_bag: offsets[-1] can not be greater than input's length "
                      f"{ids.size} but got offsets[-1] of {off[-1]}")
    if np.any(np.diff(off) < 0):
        raise OpError(f"embedding_bag: offsets must be non-decreasing, got {off.tolist()}")
    if include_last_offset:
        return ids, off[:-1], off[1:]
    return ids, off, np.append(off[1:], ids.size)


def _check_ids(ids: np.ndarray, num: int) -> np.ndarray:
    if ids.dtype.kind not in "iu":
        raise OpError(f"embedding_bag: expected indices of an integer dtype (Long, Int), got "
                      f"{ids.dtype}")
    bad = np.flatnonzero((ids < 0) | (ids >= num))
    if bad.size:
        i = bad[0]
        raise OpError(f"embedding_bag: Index {i} of input takes value {ids.reshape(-1)[i]} "
                      f"which is not in the valid range [0, {num})")
    return ids.astype(np.int64, copy=False)


def _check_args(mode: str, per_sample_weights: Any, ids: np.ndarray,
                scale_grad_by_freq: bool, sparse: bool) -> None:
    if mode not in MODES:
        raise ValueError(f"embedding_bag: mode has to be one of sum, mean or max, got {mode!r}")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                      f"per_sample_weights is only supported for mode='sum' "
                                      f"(got mode={mode!r})")
        if tuple(np.shape(_array(per_sample_weights))) != ids.shape:
            raise ValueError(f"embedding_bag: If per_sample_weights "
                             f"({tuple(np.shape(_array(per_sample_weights)))}) is not None, "
                             f"then it must have the same shape as the input ({ids.shape})")
    if scale_grad_by_freq and mode == "max":
        raise ValueError("embedding_bag: max mode does not support scaling the gradient by "
                         "the frequency")
    if sparse:
        raise NotImplementedError("embedding_bag: sparse gradients do not exist here; use "
                                  "sparse=False (the gradient is a dense tensor)")


def embedding_bag(input: Any, weight: Tensor, offsets: Any = None,  # noqa: A002
                  max_norm: float | None = None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """Reduce the embeddings of each bag of ids: their sum, mean or elementwise max.

    Args:
        input: integer ids, ``(B, N)`` (each row a bag) or ``(L,)`` with ``offsets``.
        weight: the table, ``(num_embeddings, embedding_dim)``.
        offsets: ``(B,)`` start of each bag in a 1-D input (``offsets[0] == 0``),
            or ``(B + 1,)`` with ``include_last_offset`` (the last is the end).
        max_norm, norm_type: renormalise looked-up rows in place first, as
            :func:`nn.functional.embedding`.
        scale_grad_by_freq: divide each row's gradient by its count in ``input``.
        mode: ``'sum'``, ``'mean'`` or ``'max'``.
        sparse: must be False (no sparse gradients here).
        per_sample_weights: a weight per id (the shape of ``input``), ``'sum'`` only.
        include_last_offset: ``offsets`` carries the end of the last bag too.
        padding_idx: this id is left out of every bag (and of the mean's count).

    Shape:
        ``(B, embedding_dim)``; an empty bag gives zeros.

    Example:
        >>> import autograd as ag
        >>> w = ag.tensor([[1.0, 0.0], [0.0, 2.0], [3.0, 3.0]], requires_grad=True)
        >>> out = embedding_bag(ag.tensor([0, 1, 2, 2]), w, ag.tensor([0, 2]), mode="sum")
        >>> out.tolist()
        [[1.0, 2.0], [6.0, 6.0]]
        >>> out.sum().backward(); w.grad.tolist()
        [[1.0, 1.0], [1.0, 1.0], [2.0, 2.0]]
    """
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        raise ValueError(f"embedding_bag: weight must be a 2-D Tensor (num_embeddings, "
                         f"embedding_dim), got shape {tuple(np.shape(_array(weight)))}")
    raw = _array(input)
    ids, starts, ends = _bounds(raw, offsets, include_last_offset)
    ids = _check_ids(ids, weight.shape[0])
    _check_args(mode, per_sample_weights, raw, scale_grad_by_freq, sparse)
    if max_norm is not None:
        _renorm(weight, ids, float(max_norm), float(norm_type))
    lengths = ends - starts  # (B,)
    width = int(lengths.max()) if lengths.size else 0
    pos = starts[:, None] + np.arange(width)  # (B, M) positions into ids
    valid = np.arange(width) < lengths[:, None]  # (B, M)
    pos = np.where(valid, pos, 0)
    picked = ids[pos] if ids.size else np.zeros(pos.shape, np.int64)
    if padding_idx is not None:
        valid &= picked != padding_idx % weight.shape[0]
    rows = weight[np.where(valid, picked, 0)]  # (B, M, D)
    if scale_grad_by_freq and rows.requires_grad:
        counts = np.bincount(ids, minlength=weight.shape[0])[picked]  # (B, M)
        scale = Tensor._make((1.0 / np.maximum(counts, 1))[..., None].astype(weight.dtype))
        rows.register_hook(lambda g: g * scale)
    keep = Tensor._make(valid[..., None])  # (B, M, 1)
    if mode == "max":
        floor = Tensor._make(np.array(-np.inf, weight.dtype))
        best = where(keep, rows, floor).max(dim=1).values  # (B, D)
        return where(Tensor._make(valid.any(axis=1)[:, None]), best,
                     Tensor._make(np.zeros((), weight.dtype)))
    if per_sample_weights is not None and ids.size:
        psw = per_sample_weights if isinstance(per_sample_weights, Tensor) else \
            Tensor._make(np.asarray(per_sample_weights, weight.dtype))
        rows = rows * psw.reshape(-1)[pos].unsqueeze(-1)  # (B, M, D) scaled per id
    zero = Tensor._make(np.zeros((), weight.dtype))
    total = where(keep, rows, zero).sum(dim=1)  # (B, D)
    if mode == "sum":
        return total
    count = np.maximum(valid.sum(axis=1), 1).astype(weight.dtype)  # empty bags stay 0
    return total / Tensor._make(count[:, None])


class EmbeddingBag(Module):
    """A table of embeddings reduced per bag of ids (sum, mean or max), without the ``(B, N, D)``.

    Args:
        num_embeddings: size of the vocabulary.
        embedding_dim: size of each vector.
        max_norm, norm_type: renormalise looked-up rows, see :func:`embedding_bag`.
        scale_grad_by_freq: scale each row's gradient by 1 / its count in the input.
        mode: ``'sum'``, ``'mean'`` (default) or ``'max'``.
        sparse: must be False.
        _weight: an initial ``(num_embeddings, embedding_dim)`` table instead of N(0, 1).
        include_last_offset: ``offsets`` has ``B + 1`` entries, the last the input's end.
        padding_idx: this id is left out of every bag; its row starts at zeros.

    Shape:
        - Input: ``(B, N)``, or ``(L,)`` with ``offsets`` ``(B,)``; optional
          ``per_sample_weights`` of the input's shape (``'sum'`` only).
        - Output: ``(B, embedding_dim)``.

    Attributes:
        weight: ``(num_embeddings, embedding_dim)``, init N(0, 1).

    Example:
        >>> import autograd as ag
        >>> bag = EmbeddingBag(10, 3, mode="sum")
        >>> bag(ag.tensor([1, 2, 4, 5, 4, 3, 2, 9]), ag.tensor([0, 4])).shape
        (2, 3)
        >>> bag
        EmbeddingBag(10, 3, mode='sum')
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                 sparse: bool = False, _weight: Any = None, include_last_offset: bool = False,
                 padding_idx: int | None = None, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, "EmbeddingBag")
        for what, v in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
                raise ValueError(f"EmbeddingBag: {what} must be a positive int, got {v!r}")
        if mode not in MODES:
            raise ValueError(f"EmbeddingBag: mode has to be one of sum, mean or max, got {mode!r}")
        if sparse:
            raise NotImplementedError("EmbeddingBag: sparse gradients do not exist here; use "
                                      "sparse=False")
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        if padding_idx is not None:
            if not -self.num_embeddings <= padding_idx < self.num_embeddings:
                raise AssertionError(f"EmbeddingBag: padding_idx must be within "
                                     f"num_embeddings ({num_embeddings}), got {padding_idx}")
            padding_idx %= self.num_embeddings
        self.padding_idx = padding_idx
        dt = np.dtype(np.float32 if dtype is None else dtype)
        shape = (self.num_embeddings, self.embedding_dim)
        if _weight is None:
            self.weight = Parameter(np.empty(shape, dt))
            self.reset_parameters()
        else:
            w = _array(_weight)
            if w.shape != shape:
                raise AssertionError(f"EmbeddingBag: shape of _weight {w.shape} does not match "
                                     f"num_embeddings and embedding_dim {shape}")
            self.weight = Parameter(_weight if isinstance(_weight, Tensor) else w.astype(dt))
        self.mode, self.sparse, self.include_last_offset = mode, sparse, include_last_offset

    def reset_parameters(self) -> None:
        """N(0, 1) entries, and zeros in the ``padding_idx`` row."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.array[self.padding_idx] = 0

    def forward(self, input: Any, offsets: Any = None,  # noqa: A002
                per_sample_weights: Tensor | None = None) -> Tensor:
        # (B, N) or (L,) + offsets (B,) -> (B, embedding_dim)
        return embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                             self.scale_grad_by_freq, self.mode, self.sparse,
                             per_sample_weights, self.include_last_offset, self.padding_idx)

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        mode: str = "mean", sparse: bool = False,
                        include_last_offset: bool = False,
                        padding_idx: int | None = None) -> EmbeddingBag:
        """An EmbeddingBag holding the 2-D ``embeddings``; frozen (no gradient) by default."""
        arr = _array(embeddings)
        if arr.ndim != 2:
            raise ValueError(f"EmbeddingBag.from_pretrained: embeddings must be 2-D, got shape "
                             f"{arr.shape}")
        m = cls(arr.shape[0], arr.shape[1], max_norm, norm_type, scale_grad_by_freq, mode,
                sparse, embeddings, include_last_offset, padding_idx, dtype=arr.dtype)
        m.weight.requires_grad = not freeze
        return m

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm!r}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type!r}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq!r}"
        s += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx!r}"
        return s
