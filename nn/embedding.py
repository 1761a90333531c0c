"""Embedding: a lookup table of learned vectors, indexed by integer ids."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.ops.select import where
from autograd.tensor import Tensor
from autograd.version import increment_version

from . import init
from ._factory import check_device
from .module import Module, Parameter

__all__ = ["embedding", "Embedding"]


def _ids(input: Any, num: int, who: str) -> np.ndarray:  # noqa: A002
    idx = np.asarray(input.array if isinstance(input, Tensor) else input)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{who}: indices must be integers (int64), got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        raise IndexError(f"{who}: index out of range: ids must lie in [0, {num}), got min "
                         f"{idx.min()} and max {idx.max()}")
    return idx


def _padding_idx(padding_idx: int | None, num: int, who: str) -> int | None:
    if padding_idx is None:
        return None
    if not -num <= padding_idx < num:
        raise ValueError(f"{who}: padding_idx must be within [-{num}, {num}), got {padding_idx}")
    return padding_idx % num


def _renorm(weight: Tensor, idx: np.ndarray, max_norm: float, p: float) -> None:
    rows = np.unique(idx)
    norms = np.linalg.norm(weight.array[rows], ord=p, axis=1)  # (R,)
    big = norms > max_norm
    if big.any():
        r = rows[big]
        scale = (max_norm / (norms[big] + 1e-7)).astype(weight.dtype)
        weight.array[r] *= scale[:, None]  # no gradient flows through the rescaling
        increment_version(weight)


def embedding(input: Any, weight: Tensor, padding_idx: int | None = None,  # noqa: A002
              max_norm: float | None = None, norm_type: float = 2.0) -> Tensor:
    """Rows of ``weight`` picked by integer ids: ``out[..., :] = weight[input[...], :]``.

    The gradient of each row is the sum of the output gradients where its id
    appears; the ``padding_idx`` row gets no gradient (its value is still returned).

    Args:
        input: integer ids, any shape ``(*)``.
        weight: ``(num_embeddings, embedding_dim)``.
        padding_idx: an id whose row is never updated.
        max_norm: rows looked up whose ``norm_type``-norm exceeds this are
            rescaled to it first, in place in ``weight`` (as PyTorch).
        norm_type: the p of the p-norm for ``max_norm``.

    Shape:
        ``(*)`` -> ``(*, embedding_dim)``.

    Example:
        >>> import autograd as ag
        >>> w = ag.tensor([[0.0, 0.0], [1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> out = embedding(ag.tensor([[1, 2, 1]]), w, padding_idx=2)
        >>> out.tolist()
        [[[1.0, 2.0], [3.0, 4.0], [1.0, 2.0]]]
        >>> out.sum().backward(); w.grad.tolist()
        [[0.0, 0.0], [2.0, 2.0], [0.0, 0.0]]
    """
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got "
                         f"shape {tuple(weight.shape)}")
    n = weight.shape[0]
    idx = _ids(input, n, "embedding")
    if max_norm is not None:
        _renorm(weight, idx, float(max_norm), float(norm_type))
    out = weight[idx]  # (*, embedding_dim); repeated ids add their gradients
    pad = _padding_idx(padding_idx, n, "embedding")
    if pad is not None and weight.requires_grad and (idx == pad).any():
        keep = Tensor._make(idx[..., None] != pad)  # (*, 1)
        out = where(keep, out, out.detach())  # the padding row's value, without its gradient
    return out


class Embedding(Module):
    """A table of ``num_embeddings`` learned vectors of size ``embedding_dim``.

    Args:
        num_embeddings: size of the vocabulary.
        embedding_dim: size of each vector.
        padding_idx: this id's row starts at zeros and gets no gradient.
        max_norm, norm_type: renormalise looked-up rows, see :func:`embedding`.
        dtype: parameter dtype (float32 by default).
        _weight: an initial ``(num_embeddings, embedding_dim)`` table instead of N(0, 1).

    Shape:
        - Input: integer ids ``(*)``.
        - Output: ``(*, embedding_dim)``.

    Attributes:
        weight: ``(num_embeddings, embedding_dim)``, init N(0, 1) (PyTorch's default).

    Example:
        >>> import autograd as ag
        >>> emb = Embedding(10, 3, padding_idx=0)
        >>> emb(ag.tensor([[1, 2, 0], [4, 0, 9]])).shape
        (2, 3, 3)
        >>> emb.weight[0].tolist()
        [0.0, 0.0, 0.0]
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, sparse: bool = False,
                 _weight: Any = None, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        if scale_grad_by_freq or sparse:
            raise NotImplementedError("Embedding: scale_grad_by_freq and sparse gradients are "
                                      "not supported; leave them False")
        self.max_norm, self.norm_type = max_norm, float(norm_type)
        for what, v in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
                raise ValueError(f"Embedding: {what} must be a positive int, got {v!r}")
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.padding_idx = _padding_idx(padding_idx, num_embeddings, "Embedding")
        dt = np.dtype(np.float32 if dtype is None else dtype)
        shape = (num_embeddings, embedding_dim)
        if _weight is None:
            self.weight = Parameter(np.empty(shape, dt))
            self.reset_parameters()
        else:
            w = np.asarray(_weight.array if isinstance(_weight, Tensor) else _weight, dtype=dt)
            if w.shape != shape:
                raise ValueError(f"Embedding: _weight has shape {w.shape}, expected {shape}")
            self.weight = Parameter(w.copy())

    def reset_parameters(self) -> None:
        """N(0, 1) entries, and zeros in the ``padding_idx`` row."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.array[self.padding_idx] = 0

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True,
                        padding_idx: int | None = None) -> Embedding:
        """An Embedding holding ``embeddings`` (2-D); frozen (no gradient) by default."""
        arr = np.asarray(embeddings.array if isinstance(embeddings, Tensor) else embeddings)
        if arr.ndim != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be 2-D, got shape "
                             f"{arr.shape}")
        m = cls(arr.shape[0], arr.shape[1], padding_idx, _weight=arr, dtype=arr.dtype)
        m.weight.requires_grad = not freeze
        return m

    def forward(self, input: Any) -> Tensor:  # noqa: A002
        # (*) -> (*, embedding_dim)
        return embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        return s
