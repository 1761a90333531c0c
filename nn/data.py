"""Datasets and the DataLoader that batches them, with PyTorch's names and semantics.

A :class:`Dataset` maps an index to a sample; a :class:`DataLoader` draws
indices (shuffled by its own seeded generator, so a run repeats exactly),
fetches the samples and collates them into batched Tensors.

Datasets that can fetch many samples with one numpy indexing call define
``get_batch(indices)``; with the default collate the loader then fetches a
whole batch at once instead of sample by sample (no Python work per sample).
:class:`TensorDataset` and :class:`Subset` of one do this.

The offline datasets (``digits``, ``mnist5k``, ``mnist``, ``spiral``, ...)
live in :mod:`nn.datasets` and are re-exported here, so ``nn.data.digits()``
works as well.
"""
from __future__ import annotations

import math
from numbers import Number
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from autograd.random import default_generator
from autograd.tensor import Tensor

from .datasets import (
    digits,
    mnist,
    mnist5k,
    mnist5k_split,
    read_idx,
    shuffle_split,
    sin_curve,
    spiral,
    xor,
)

__all__ = [
    "Dataset", "TensorDataset", "Subset", "ConcatDataset", "DataLoader", "random_split",
    "default_collate",
    "digits", "mnist5k", "mnist5k_split", "mnist", "read_idx", "shuffle_split", "spiral", "xor",
    "sin_curve",
]


class Dataset:
    """A map from indices ``0 .. len-1`` to samples; subclass it and write
    ``__getitem__`` and ``__len__``.

    Example:
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

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


def _as_array(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


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

    def __init__(self, dataset: Dataset, indices: Sequence[int] | np.ndarray) -> None:
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64).reshape(-1)
        n = len(dataset)
        if self.indices.size and (self.indices.min() < -n or self.indices.max() >= n):
            raise IndexError(f"Subset: indices must lie in [0, {n}) for a dataset of "
                             f"{n} samples, got min {self.indices.min()}, "
                             f"max {self.indices.max()}")

    def __getitem__(self, index: int) -> Any:
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
    """Several datasets one after the other.

    Example:
        >>> import autograd as ag
        >>> c = TensorDataset(ag.arange(2)) + TensorDataset(ag.arange(3))
        >>> len(c), c[3][0].item()
        (5, 1)
    """

    def __init__(self, datasets: Sequence[Dataset]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: give at least one dataset")
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


def default_collate(batch: list) -> Any:
    """Stack a list of samples into batched Tensors, keeping the sample's structure.

    Tensors and arrays are stacked along a new first dimension; Python ints
    become an int64 Tensor and floats a float32 one (as PyTorch); tuples,
    lists and dicts are collated field by field; strings stay lists.

    Example:
        >>> import autograd as ag
        >>> x, y = default_collate([(ag.tensor([1.0, 2.0]), 0), (ag.tensor([3.0, 4.0]), 1)])
        >>> x.shape, y.tolist()
        ((2, 2), [0, 1])
    """
    if not batch:
        raise ValueError("default_collate: the batch is empty")
    first = batch[0]
    if isinstance(first, (Tensor, np.ndarray)):
        shapes = {np.shape(_as_array(b)) for b in batch}
        if len(shapes) != 1:
            raise ValueError(f"default_collate: cannot stack samples of different shapes "
                             f"{sorted(shapes)}; pass a collate_fn that pads them")
        return Tensor._make(np.stack([_as_array(b) for b in batch]))
    if isinstance(first, (bool, np.bool_)):
        return Tensor._make(np.asarray(batch, dtype=np.bool_))
    if isinstance(first, (int, np.integer)):
        return Tensor._make(np.asarray(batch, dtype=np.int64))
    if isinstance(first, float):
        return Tensor._make(np.asarray(batch, dtype=np.float32))
    if isinstance(first, Number):
        return Tensor._make(np.asarray(batch))
    if isinstance(first, str):
        return list(batch)
    if isinstance(first, dict):
        return {k: default_collate([b[k] for b in batch]) for k in first}
    if isinstance(first, (tuple, list)):
        if any(len(b) != len(first) for b in batch):
            raise ValueError("default_collate: samples have different numbers of fields")
        return type(first)(default_collate(list(f)) for f in zip(*batch)) \
            if isinstance(first, tuple) else [default_collate(list(f)) for f in zip(*batch)]
    raise TypeError(f"default_collate: don't know how to batch samples of type "
                    f"{type(first).__name__}; pass collate_fn=")


def _make_generator(seed: int | None, generator: np.random.Generator | None,
                    who: str) -> np.random.Generator | None:
    if seed is not None and generator is not None:
        raise ValueError(f"{who}: give seed= or generator=, not both")
    if generator is not None:
        if not isinstance(generator, np.random.Generator):
            raise TypeError(f"{who}: generator must be a numpy.random.Generator, "
                            f"got {type(generator).__name__}")
        return generator
    if seed is not None:
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise TypeError(f"{who}: seed must be an int, got {seed!r}")
        return np.random.default_rng(int(seed))
    return None


class DataLoader:
    """Iterate over a dataset in (shuffled) mini-batches of collated Tensors.

    Args:
        dataset: a :class:`Dataset` (anything with ``__getitem__`` and ``__len__``).
        batch_size: samples per batch.
        shuffle: draw a new random order at the start of every epoch.
        drop_last: drop the last batch when it has fewer than ``batch_size`` samples.
        collate_fn: turns a list of samples into a batch (default: :func:`default_collate`).
        seed: seeds the loader's own generator, so the sequence of epoch orders
            repeats from run to run whatever else draws random numbers.
        generator: a ``numpy.random.Generator`` to draw the orders from instead.
            With neither, orders come from ``autograd.manual_seed``'s generator.
        num_workers, pin_memory: accepted so PyTorch scripts run unchanged;
            loading always happens in the calling process (it is one numpy
            fancy index per batch for in-memory datasets).

    Example:
        >>> import autograd as ag
        >>> ds = TensorDataset(ag.arange(10))
        >>> [b[0].tolist() for b in DataLoader(ds, batch_size=4)]
        [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
        >>> len(DataLoader(ds, batch_size=4, drop_last=True))
        2
        >>> a = [b[0].tolist() for b in DataLoader(ds, batch_size=5, shuffle=True, seed=0)]
        >>> b = [b[0].tolist() for b in DataLoader(ds, batch_size=5, shuffle=True, seed=0)]
        >>> a == b, sorted(a[0] + a[1]) == list(range(10))
        (True, True)
    """

    def __init__(self, dataset: Any, batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False, collate_fn: Callable[[list], Any] | None = None,
                 seed: int | None = None, generator: np.random.Generator | None = None,
                 num_workers: int = 0, pin_memory: bool = False) -> None:
        if not isinstance(num_workers, (int, np.integer)) or num_workers < 0:
            raise ValueError(f"DataLoader: num_workers must be a non-negative int, got "
                             f"{num_workers!r}")
        if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) \
                or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        if not hasattr(dataset, "__getitem__") or not hasattr(dataset, "__len__"):
            raise TypeError(f"DataLoader: dataset must define __getitem__ and __len__, got "
                            f"{type(dataset).__name__}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.collate_fn = collate_fn
        self.generator = _make_generator(seed, generator, "DataLoader")

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _order(self) -> np.ndarray:
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        rng = self.generator if self.generator is not None else default_generator()
        return rng.permutation(n)

    def __iter__(self) -> Iterator[Any]:
        order = self._order()
        bs = self.batch_size
        stop = len(self) * bs
        fast = self.collate_fn is None and hasattr(self.dataset, "get_batch")
        collate = self.collate_fn or default_collate
        for start in range(0, min(stop, order.size), bs):
            idx = order[start:start + bs]
            if fast:
                yield self.dataset.get_batch(idx)
            else:
                yield collate([self.dataset[int(i)] for i in idx])

    def __repr__(self) -> str:
        return (f"DataLoader(dataset={type(self.dataset).__name__}({len(self.dataset)}), "
                f"batch_size={self.batch_size}, shuffle={self.shuffle}, "
                f"drop_last={self.drop_last})")


def random_split(dataset: Dataset, lengths: Sequence[int | float], seed: int | None = None,
                 generator: np.random.Generator | None = None) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random subsets of the given lengths.

    Args:
        dataset: the dataset to split.
        lengths: sample counts summing to ``len(dataset)``, or fractions summing
            to 1 (the remainder of the rounding goes round-robin to the first parts,
            as PyTorch).
        seed: seeds the permutation, so the split repeats.
        generator: a ``numpy.random.Generator`` to use instead.

    Example:
        >>> import autograd as ag
        >>> ds = TensorDataset(ag.arange(10))
        >>> train, test = random_split(ds, [0.8, 0.2], seed=0)
        >>> len(train), len(test)
        (8, 2)
        >>> sorted(train.indices.tolist() + test.indices.tolist()) == list(range(10))
        True
    """
    n = len(dataset)
    lengths = list(lengths)
    if any(isinstance(x, float) for x in lengths) and math.isclose(sum(lengths), 1.0) \
            and sum(lengths) <= 1 + 1e-9:
        if any(not 0 <= f <= 1 for f in lengths):
            raise ValueError(f"random_split: fractions must lie in [0, 1], got {lengths}")
        counts = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if any(not isinstance(x, (int, np.integer)) or x < 0 for x in lengths) or sum(lengths) != n:
        raise ValueError(f"random_split: lengths {lengths} must be non-negative ints summing to "
                         f"the dataset's size {n}, or fractions summing to 1")
    rng = _make_generator(seed, generator, "random_split") or default_generator()
    perm = rng.permutation(n)
    out, start = [], 0
    for k in lengths:
        out.append(Subset(dataset, perm[start:start + int(k)]))
        start += int(k)
    return out
