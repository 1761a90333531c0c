"""``DataLoader``: iterate over a dataset in batches, with torch.utils.data's options."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

import numpy as np

from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler, seeded_generator

__all__ = ["DataLoader", "get_worker_info"]


def get_worker_info() -> None:
    """Information about the current loader worker: always None (loading runs in-process).

    Example:
        >>> get_worker_info() is None
        True
    """
    return None


def _check_options(dataset: Any, batch_size: Any, shuffle: Any, sampler: Any,
                   batch_sampler: Any, drop_last: bool, num_workers: Any, timeout: Any,
                   prefetch_factor: Any, persistent_workers: bool) -> None:
    """PyTorch's argument checks, with its messages."""
    if not isinstance(num_workers, (int, np.integer)) or isinstance(num_workers, bool) \
            or num_workers < 0:
        raise ValueError(f"DataLoader: num_workers option should be non-negative; use "
                         f"num_workers=0 to disable multiprocessing (got {num_workers!r})")
    if timeout < 0:
        raise ValueError(f"DataLoader: timeout option should be non-negative, got {timeout!r}")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError("DataLoader: prefetch_factor option could only be specified in "
                         "multiprocessing; let num_workers > 0 to enable multiprocessing, "
                         "otherwise set prefetch_factor to None")
    if persistent_workers and num_workers == 0:
        raise ValueError("DataLoader: persistent_workers option needs num_workers > 0")
    if isinstance(dataset, IterableDataset):
        if shuffle not in (None, False):
            raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle "
                             f"option, but got shuffle={shuffle}")
        if sampler is not None or batch_sampler is not None:
            raise ValueError("DataLoader with IterableDataset: expected unspecified sampler "
                             "and batch_sampler options")
    elif not hasattr(dataset, "__getitem__") or not hasattr(dataset, "__len__"):
        raise TypeError(f"DataLoader: dataset must define __getitem__ and __len__ (or be an "
                        f"IterableDataset), got {type(dataset).__name__}")
    if sampler is not None and shuffle:
        raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
    if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None
                                      or drop_last):
        raise ValueError("DataLoader: batch_sampler option is mutually exclusive with "
                         "batch_size, shuffle, sampler, and drop_last")
    if batch_size is None and drop_last:
        raise ValueError("DataLoader: batch_size=None option disables auto-batching and is "
                         "mutually exclusive with drop_last")
    if batch_size is not None and batch_sampler is None and (
            not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool)
            or batch_size < 1):
        raise ValueError(f"DataLoader: batch_size should be a positive integer value, but got "
                         f"batch_size={batch_size!r}")


class DataLoader:
    """Iterate over a dataset in (shuffled) mini-batches of collated Tensors.

    Args:
        dataset: a map-style dataset (``__getitem__`` and ``__len__``; a
            ``__getitems__(indices)`` returning a list of samples is used for
            whole batches, as PyTorch) or an :class:`IterableDataset`.
        batch_size: samples per batch; None turns batching off (each sample
            goes through ``collate_fn``, default :func:`default_convert`).
        shuffle: draw a new random order every epoch (a :class:`RandomSampler`).
        sampler: the order of indices (exclusive with ``shuffle``).
        batch_sampler: yields lists of indices, one list per batch (exclusive
            with batch_size, shuffle, sampler, drop_last).
        num_workers: accepted as in PyTorch (>= 0), but loading always runs in
            the calling process: in-memory datasets are one numpy fancy index
            per batch. ``worker_init_fn`` is therefore never called and
            :func:`get_worker_info` returns None.
        collate_fn: turns a list of samples into a batch (default
            :func:`default_collate`).
        pin_memory: accepted; there is no device memory to pin.
        drop_last: drop the last batch when it is shorter than ``batch_size``.
        timeout, worker_init_fn, multiprocessing_context, prefetch_factor,
            persistent_workers, pin_memory_device, in_order: accepted and
            checked as PyTorch does (``persistent_workers`` and
            ``prefetch_factor`` need ``num_workers > 0``); no effect in-process.
        generator: where ``shuffle`` draws its orders (an
            ``autograd.Generator`` or a ``numpy.random.Generator``); default:
            the generator seeded by ``autograd.manual_seed``.
        seed: (not in PyTorch) seeds a generator of the loader's own, so the
            sequence of epoch orders repeats whatever else draws random numbers.

    Example:
        >>> import autograd as ag
        >>> from autograd.utils.data import TensorDataset
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

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Iterable[int] | None = None,
                 batch_sampler: Iterable[list[int]] | None = None, num_workers: int = 0,
                 collate_fn: Callable[[Any], Any] | None = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable[[int], None] | None = None,
                 multiprocessing_context: Any = None, generator: Any = None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True,
                 seed: int | None = None) -> None:
        _check_options(dataset, batch_size, shuffle, sampler, batch_sampler, drop_last,
                       num_workers, timeout, prefetch_factor, persistent_workers)
        self.dataset = dataset
        self.num_workers, self.pin_memory, self.timeout = int(num_workers), pin_memory, timeout
        self.worker_init_fn, self.multiprocessing_context = worker_init_fn, multiprocessing_context
        self.prefetch_factor, self.persistent_workers = prefetch_factor, persistent_workers
        self.pin_memory_device, self.in_order = pin_memory_device, in_order
        self.generator = seeded_generator(seed, generator, "DataLoader")
        self._iterable = isinstance(dataset, IterableDataset)
        if batch_sampler is not None:
            batch_size, drop_last = None, False
        elif batch_size is not None and not self._iterable:
            batch_size = int(batch_size)
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=self.generator) if shuffle \
                else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, bool(drop_last))  # type: ignore
        self.batch_size, self.drop_last = batch_size, bool(drop_last)
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self._auto_collation = batch_sampler is not None or (self._iterable
                                                             and batch_size is not None)
        self._default_collate = collate_fn is None
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)  # type: ignore[arg-type]
        return len(self.sampler)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Any]:
        if self._iterable:
            yield from self._iter_stream()
        elif self.batch_sampler is None:
            for i in self.sampler:  # type: ignore[union-attr]
                yield self.collate_fn(self.dataset[i])
        else:
            yield from self._iter_batches()

    def _iter_batches(self) -> Iterator[Any]:
        fast = self._default_collate and hasattr(self.dataset, "get_batch")
        many = getattr(self.dataset, "__getitems__", None)  # PyTorch's batched fetch
        batches: Iterable[Any]
        if isinstance(self.batch_sampler, BatchSampler):
            batches = self.batch_sampler._batches()  # arrays, one slice each
        else:
            batches = self.batch_sampler  # type: ignore[assignment]
        for idx in batches:
            if fast:
                yield self.dataset.get_batch(np.asarray(idx, dtype=np.int64))
            elif many is not None:
                yield self.collate_fn(many([int(i) for i in idx]))
            else:
                yield self.collate_fn([self.dataset[int(i)] for i in idx])

    def _iter_stream(self) -> Iterator[Any]:
        if self.batch_size is None:
            for sample in self.dataset:
                yield self.collate_fn(sample)
            return
        batch: list[Any] = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)

    def __repr__(self) -> str:
        size = len(self.dataset) if hasattr(self.dataset, "__len__") else "?"
        return (f"DataLoader(dataset={type(self.dataset).__name__}({size}), "
                f"batch_size={self.batch_size}, sampler={type(self.sampler).__name__}, "
                f"drop_last={self.drop_last})")
