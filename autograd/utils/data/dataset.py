"""Datasets: map-style (index -> sample) and iterable, as torch.utils.data's.

Datasets that can fetch many samples with one numpy indexing call define
``get_batch(indices)``; with the default collate the DataLoader then fetches a
whole batch at once instead of sample by sample. :class:`TensorDataset` and a
:class:`Subset` of one do this.
"""
from __future__ import annotations

import math
import warnings
from itertools import accumulate
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from autograd.tensor import Tensor

from .sampler import rng_of, seeded_generator

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset",
           "ChainDataset", "random_split"]


class Dataset:
    """A map from indices ``0 .. len-1`` to samples; subclass it and write
    ``__getitem__`` and ``__len__``.

    Example:
        >>> from autograd.utils.data import DataLoader
        >>> class Squares(Dataset):
        ...     def __len__(self):
        ...         return 4
        ...     def __getitem__(self, i):
        ...         return float(i), float(i * i)
        >>> [b[1].tolist() for b in DataLoader(Squares(), batch_size=2)]
        [[0.0, 1.0], [4.0, 9.0]]
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    # no __len__ here, as PyTorch: an IterableDataset may not know its length

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A stream of samples; subclass it and write ``__iter__``.

    The DataLoader batches the stream in order; ``shuffle`` and samplers do
    not apply (as PyTorch).

    Example:
        >>> from autograd.utils.data import DataLoader
        >>> class Count(IterableDataset):
        ...     def __iter__(self):
        ...         return iter(range(5))
        >>> [b.tolist() for b in DataLoader(Count(), batch_size=2)]
        [[0, 1], [2, 3], [4]]
    """

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __add__(self, other: Any) -> ChainDataset:  # type: ignore[override]
        return ChainDataset([self, other])


class ChainDataset(IterableDataset):
    """Several iterable datasets one after the other.

    Example:
        >>> class R(IterableDataset):
        ...     def __init__(self, n): self.n = n
        ...     def __iter__(self): return iter(range(self.n))
        >>> list(R(2) + R(3))
        [0, 1, 0, 1, 2]
    """

    def __init__(self, datasets: Sequence[Any]) -> None:
        self.datasets = list(datasets)

    def __iter__(self) -> Iterator[Any]:
        for d in self.datasets:
            yield from d

    def __len__(self) -> int:
        return sum(len(d) for d in self.datasets)


def _as_array(x: Any) -> np.ndarray:
    return x.array if isinstance(x, Tensor) else np.asarray(x)


class TensorDataset(Dataset):
    """Samples are the ``i``-th rows of equally long tensors (features, labels, ...).

    Args:
        *tensors: Tensors or arrays with the same first dimension; they are
            held without copying and detached from any graph.

    Shape:
        - item ``i``: a tuple ``(t[i] for t in tensors)``.

    Example:
        >>> import autograd as ag
        >>> ds = TensorDataset(ag.tensor([[0, 1], [2, 3], [4, 5]]), ag.tensor([0, 1, 0]))
        >>> len(ds), ds[1][0].tolist(), ds[1][1].item()
        (3, [2, 3], 1)
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset: give at least one tensor")
        arrays = [_as_array(t) for t in tensors]
        for a in arrays:
            if a.ndim == 0:
                raise ValueError("TensorDataset: every tensor needs a first (sample) dimension, "
                                 "got a 0-d tensor")
        sizes = [a.shape[0] for a in arrays]
        if len(set(sizes)) != 1:
            raise ValueError(f"TensorDataset: size mismatch between tensors: first dimensions "
                             f"are {sizes}; they must all be equal")
        self.arrays = arrays

    @property
    def tensors(self) -> tuple:
        """The held data as Tensors (sharing memory)."""
        return tuple(Tensor._make(a) for a in self.arrays)

    def __getitem__(self, index: int) -> tuple:
        return tuple(Tensor._make(np.asarray(a[index])) for a in self.arrays)

    def __len__(self) -> int:
        return self.arrays[0].shape[0]

    def get_batch(self, indices: np.ndarray) -> tuple:
        """The samples at ``indices`` already stacked: one fancy index per tensor."""
        return tuple(Tensor._make(a[indices]) for a in self.arrays)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order.

    Example:
        >>> import autograd as ag
        >>> s = Subset(TensorDataset(ag.arange(5)), [4, 0])
        >>> len(s), s[0][0].item()
        (2, 4)
    """

    def __init__(self, dataset: Any, indices: Sequence[int] | np.ndarray) -> None:
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64).reshape(-1)
        n = len(dataset)
        if self.indices.size and (self.indices.min() < -n or self.indices.max() >= n):
            raise IndexError(f"Subset: indices must lie in [0, {n}) for a dataset of "
                             f"{n} samples, got min {self.indices.min()}, "
                             f"max {self.indices.max()}")

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, (list, np.ndarray)):
            return [self.dataset[int(i)] for i in self.indices[index]]
        return self.dataset[int(self.indices[index])]

    def __len__(self) -> int:
        return int(self.indices.size)

    @property
    def get_batch(self) -> Callable[[np.ndarray], Any]:
        """Batch fetch through the wrapped dataset's ``get_batch`` (only when it has one)."""
        inner = getattr(self.dataset, "get_batch", None)
        if inner is None:
            raise AttributeError(f"{type(self.dataset).__name__} has no get_batch")
        return lambda idx: inner(self.indices[idx])


class ConcatDataset(Dataset):
    """Several map-style datasets one after the other.

    Example:
        >>> import autograd as ag
        >>> c = TensorDataset(ag.arange(2)) + TensorDataset(ag.arange(3))
        >>> len(c), c[3][0].item()
        (5, 1)
    """

    def __init__(self, datasets: Sequence[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset does not support IterableDataset; use "
                                "ChainDataset")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(f"ConcatDataset: index {index} out of range for {n} samples")
        k = int(np.searchsorted(self.cumulative_sizes, index, side="right"))
        start = self.cumulative_sizes[k - 1] if k else 0
        return self.datasets[k][index - start]


def _split_lengths(n: int, lengths: list[Any]) -> list[int]:
    """Counts from ``lengths``: ints summing to ``n``, or fractions summing to 1 (as PyTorch)."""
    total = sum(lengths) if lengths else 0
    if lengths and math.isclose(total, 1) and total <= 1 and \
            any(isinstance(x, (float, np.floating)) for x in lengths):
        if any(not 0 <= f <= 1 for f in lengths):
            raise ValueError(f"random_split: fraction at each index should be between 0 and 1, "
                             f"got {lengths}")
        counts = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):  # the remainder goes round-robin, as PyTorch
            counts[i % len(counts)] += 1
        for i, c in enumerate(counts):
            if c == 0:
                warnings.warn(f"random_split: length of split at index {i} is 0; this might "
                              "result in an empty dataset", stacklevel=3)
        return counts
    if any(not isinstance(x, (int, np.integer)) or isinstance(x, bool) or x < 0
           for x in lengths) or total != n:
        raise ValueError(f"random_split: sum of input lengths does not equal the length of the "
                         f"input dataset: lengths {lengths} must be non-negative ints summing to "
                         f"{n}, or fractions summing to 1")
    return [int(x) for x in lengths]


def random_split(dataset: Any, lengths: Sequence[int | float], generator: Any = None, *,
                 seed: int | None = None) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random subsets of the given lengths.

    Args:
        dataset: the dataset to split.
        lengths: sample counts summing to ``len(dataset)``, or fractions summing
            to 1 (each part gets ``floor(n * fraction)`` and the remainder goes
            round-robin to the first parts, as PyTorch).
        generator: an ``autograd.Generator`` or a ``numpy.random.Generator``
            for the permutation; default: the global generator.
        seed: (not in PyTorch) seeds a generator of its own, so the split repeats.

    Returns:
        One :class:`Subset` per length.

    Example:
        >>> import autograd as ag
        >>> ds = TensorDataset(ag.arange(10))
        >>> train, test = random_split(ds, [0.8, 0.2], seed=0)
        >>> len(train), len(test)
        (8, 2)
        >>> sorted(train.indices.tolist() + test.indices.tolist()) == list(range(10))
        True
    """
    counts = _split_lengths(len(dataset), list(lengths))
    gen = seeded_generator(seed, generator, "random_split")
    perm = np.asarray(rng_of(gen).permutation(sum(counts)), dtype=np.int64)
    return [Subset(dataset, perm[end - k:end]) for k, end in zip(counts, accumulate(counts))]

