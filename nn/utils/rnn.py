"""Batches of sequences of different lengths: padding and packing, as ``torch.nn.utils.rnn``.

A :class:`PackedSequence` stores the steps of a length-sorted batch time step
by time step, ``data`` ``(sum of lengths, *)`` with ``batch_sizes[t]`` the number
of sequences still running at step ``t``; RNN, LSTM and GRU accept it and run
each sequence only for its own length.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Sequence

import numpy as np

import autograd as ag
from autograd.tensor import Tensor

__all__ = ["PackedSequence", "pad_sequence", "pack_padded_sequence", "pad_packed_sequence",
           "pack_sequence", "unpad_sequence", "unpack_sequence", "invert_permutation"]

_Fields = namedtuple("_Fields", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


def _ints(x: Any) -> np.ndarray:
    return np.asarray(x.array if isinstance(x, Tensor) else x, dtype=np.int64)


def invert_permutation(permutation: Any) -> Tensor | None:
    """The permutation that undoes ``permutation`` (None stays None)."""
    if permutation is None:
        return None
    p = _ints(permutation)
    out = np.empty_like(p)
    out[p] = np.arange(p.size)
    return Tensor._make(out)


class PackedSequence(_Fields):
    """A packed batch: ``(data, batch_sizes, sorted_indices, unsorted_indices)``.

    Build it with :func:`pack_padded_sequence` or :func:`pack_sequence`, not by hand.

    Attributes:
        data: ``(sum of lengths, *)``, step 0 of every sequence, then step 1, ...
        batch_sizes: int64 ``(T,)``, sequences still running at each step.
        sorted_indices: the batch order used inside (longest first), or None.
        unsorted_indices: its inverse, to restore the caller's order, or None.
    """

    def __new__(cls, data: Tensor, batch_sizes: Any = None, sorted_indices: Any = None,
                unsorted_indices: Any = None) -> PackedSequence:
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            raise ValueError("PackedSequence: batch_sizes is required (use "
                             "pack_padded_sequence or pack_sequence to build one)")
        if not isinstance(batch_sizes, Tensor):
            batch_sizes = Tensor._make(_ints(batch_sizes))
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """The same sequence with ``data`` converted by ``Tensor.to``."""
        return type(self)(self.data.to(*args, **kwargs), self.batch_sizes, self.sorted_indices,
                          self.unsorted_indices)

    def cpu(self) -> PackedSequence:
        return self

    @property
    def is_cuda(self) -> bool:
        return False


def pad_sequence(sequences: Sequence[Tensor], batch_first: bool = False,
                 padding_value: float = 0.0, padding_side: str = "right") -> Tensor:
    """Stack sequences ``(L_i, *)`` into ``(T, B, *)`` (``(B, T, *)`` batch first), padded.

    Example:
        >>> import autograd as ag
        >>> pad_sequence([ag.ones(3), ag.ones(1)], batch_first=True).tolist()
        [[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]]
    """
    seqs = list(sequences)
    if not seqs:
        raise ValueError("pad_sequence: received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise ValueError(f"pad_sequence: padding_side must be 'left' or 'right', got "
                         f"{padding_side!r}")
    trailing = tuple(seqs[0].shape[1:])
    for s in seqs:
        if s.ndim < 1 or tuple(s.shape[1:]) != trailing:
            raise ValueError(f"pad_sequence: every sequence must be (L, {trailing}), got shapes "
                             f"{[tuple(t.shape) for t in seqs]}")
    T = max(s.shape[0] for s in seqs)
    padded = []
    for s in seqs:
        extra = T - s.shape[0]
        spec = [0, 0] * len(trailing) + ([0, extra] if padding_side == "right" else [extra, 0])
        padded.append(ag.pad(s, tuple(spec), value=padding_value) if extra else s)
    return ag.stack(padded, 0 if batch_first else 1)


def pack_padded_sequence(input: Tensor, lengths: Any, batch_first: bool = False,  # noqa: A002
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch ``(T, B, *)`` whose sequence ``b`` has ``lengths[b]`` real steps.

    Args:
        input: ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``).
        lengths: ``B`` positive lengths (list, array or int Tensor).
        enforce_sorted: lengths must already be non-increasing (as for ONNX
            export); with False the batch is sorted here and the order
            remembered so outputs come back in the caller's order.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 0.0]])   # (B=2, T=3)
        >>> p = pack_padded_sequence(x, [3, 2], batch_first=True)
        >>> p.data.tolist(), p.batch_sizes.tolist()
        ([1.0, 4.0, 2.0, 5.0, 3.0], [2, 2, 1])
    """
    lens = _ints(lengths).reshape(-1)
    x = input.transpose(0, 1) if batch_first else input  # (T, B, *)
    if lens.size != x.shape[1]:
        raise ValueError(f"pack_padded_sequence: got {lens.size} lengths for a batch of "
                         f"{x.shape[1]} (input shape {tuple(input.shape)})")
    if lens.size and lens.min() <= 0:
        raise RuntimeError("pack_padded_sequence: length of all samples has to be greater "
                           f"than 0, got lengths {lens.tolist()}")
    if lens.size and lens.max() > x.shape[0]:
        raise RuntimeError(f"pack_padded_sequence: a length {int(lens.max())} is longer than "
                           f"the padded sequence ({x.shape[0]} steps)")
    sorted_indices = None
    if enforce_sorted:
        if np.any(np.diff(lens) > 0):
            raise RuntimeError("pack_padded_sequence: `lengths` array must be sorted in "
                               "decreasing order when `enforce_sorted` is True. You can pass "
                               "`enforce_sorted=False` to pack_padded_sequence and/or "
                               "pack_sequence to sidestep this requirement if you do not "
                               "need ONNX exportability.")
    else:
        order = np.argsort(-lens, kind="stable")
        sorted_indices = Tensor._make(order.astype(np.int64))
        lens = lens[order]
        x = x[:, order]
    T, B = int(lens[0]), x.shape[1]
    batch_sizes = (lens[None, :] > np.arange(T)[:, None]).sum(1).astype(np.int64)  # (T,)
    valid = np.arange(B)[None, :] < batch_sizes[:, None]  # (T, B), row-major = packed order
    flat = x[:T].reshape((T * B,) + tuple(x.shape[2:]))
    data = flat[np.flatnonzero(valid.ravel())]
    return PackedSequence(data, Tensor._make(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """Unpack to a padded batch; the inverse of :func:`pack_padded_sequence`.

    Returns:
        ``(padded, lengths)``: ``(T, B, *)`` (batch first if asked) in the
        caller's original batch order, and the int64 lengths.

    Example:
        >>> import autograd as ag
        >>> p = pack_sequence([ag.tensor([1.0, 2.0]), ag.tensor([3.0])])
        >>> padded, lengths = pad_packed_sequence(p, batch_first=True, padding_value=-1.0)
        >>> padded.tolist(), lengths.tolist()
        ([[1.0, 2.0], [3.0, -1.0]], [2, 1])
    """
    data = sequence.data
    sizes = _ints(sequence.batch_sizes)
    T, B = len(sizes), int(sizes[0])
    if total_length is not None:
        if total_length < T:
            raise ValueError(f"pad_packed_sequence: expected total_length to be at least the "
                             f"length of the longest sequence ({T}), got {total_length}")
        T_out = int(total_length)
    else:
        T_out = T
    valid = np.arange(B)[None, :] < sizes[:, None]  # (T, B)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rows = np.full((T_out, B), data.shape[0], dtype=np.int64)  # the padding row
    rows[:T] = np.where(valid, offsets[:, None] + np.arange(B)[None, :], data.shape[0])
    pad_row = Tensor._make(np.full((1,) + tuple(data.shape[1:]), padding_value, data.dtype))
    padded = ag.cat([data, pad_row], 0)[rows]  # (T_out, B, *)
    lengths = valid.sum(0).astype(np.int64)
    back = sequence.unsorted_indices
    if back is not None:
        idx = _ints(back)
        padded = padded[:, idx]
        lengths = lengths[idx]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, Tensor._make(lengths)


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences ``(L_i, *)`` (longest first unless ``enforce_sorted=False``).

    Example:
        >>> import autograd as ag
        >>> p = pack_sequence([ag.tensor([1.0]), ag.tensor([2.0, 3.0])], enforce_sorted=False)
        >>> p.data.tolist(), p.batch_sizes.tolist()
        ([2.0, 1.0, 3.0], [2, 1])
    """
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences: Tensor, lengths: Any,
                   batch_first: bool = False) -> list[Tensor]:
    """Split a padded batch back into its sequences ``(L_i, *)``.

    Example:
        >>> import autograd as ag
        >>> [s.tolist() for s in unpad_sequence(ag.tensor([[1.0, 2.0], [3.0, 0.0]]), [2, 1],
        ...                                     batch_first=True)]
        [[1.0, 2.0], [3.0]]
    """
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)  # (B, T, *)
    return [x[i, :int(n)] for i, n in enumerate(_ints(lengths).reshape(-1))]


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The list of sequences ``(L_i, *)`` in a packed batch, in the caller's order.

    Example:
        >>> import autograd as ag
        >>> p = pack_sequence([ag.tensor([1.0]), ag.tensor([2.0, 3.0])], enforce_sorted=False)
        >>> [s.tolist() for s in unpack_sequence(p)]
        [[1.0], [2.0, 3.0]]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
