"""Samplers: the orders in which a DataLoader visits a dataset's indices (torch.utils.data's).

A sampler is an iterable of indices; :class:`BatchSampler` groups another
sampler's indices into lists. Random samplers draw from their ``generator``
when given one (an ``autograd.Generator``, i.e. anything whose
``numpy_generator`` attribute is a ``numpy.random.Generator``; a numpy
Generator itself; or any object with its ``permutation``/``integers``/``choice``
methods), else from the generator that ``autograd.manual_seed`` seeds, read at
the start of each pass.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence, Sized

import numpy as np

from autograd.random import default_generator
from autograd.tensor import Tensor

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]

_DRAWS = ("permutation", "integers", "choice")


def check_generator(generator: Any, who: str) -> Any:
    """Return ``generator`` if it can draw random numbers; raise TypeError otherwise."""
    if generator is None or isinstance(generator, np.random.Generator):
        return generator
    if isinstance(getattr(generator, "numpy_generator", None), np.random.Generator):
        return generator  # autograd.Generator: drawn through at each use (reseeding replaces it)
    if all(callable(getattr(generator, m, None)) for m in _DRAWS):
        return generator
    raise TypeError(f"{who}: generator must be an autograd.Generator or a "
                    f"numpy.random.Generator, got {type(generator).__name__}")


def seeded_generator(seed: int | None, generator: Any, who: str) -> Any:
    """``generator`` checked, or a new numpy generator seeded with ``seed`` (not both)."""
    if seed is not None and generator is not None:
        raise ValueError(f"{who}: give seed= or generator=, not both")
    if seed is None:
        return check_generator(generator, who)
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"{who}: seed must be an int, got {seed!r}")
    return np.random.default_rng(int(seed))


def rng_of(generator: Any) -> Any:
    """The generator to draw from: the given one, else the global (``autograd.manual_seed``)."""
    if generator is None:
        return default_generator()
    inner = getattr(generator, "numpy_generator", None)
    return inner if isinstance(inner, np.random.Generator) else generator


def _positive_int(v: Any, who: str, what: str) -> int:
    if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v <= 0:
        raise ValueError(f"{who}: {what} should be a positive integer value, but got "
                         f"{what}={v!r}")
    return int(v)


class Sampler:
    """Base class: an iterable over dataset indices (subclasses define ``__iter__``).

    Example:
        >>> class Evens(Sampler):
        ...     def __init__(self, n): self.n = n
        ...     def __iter__(self): return iter(range(0, self.n, 2))
        ...     def __len__(self): return (self.n + 1) // 2
        >>> list(Evens(5))
        [0, 2, 4]
    """

    def __init__(self, data_source: Sized | None = None) -> None:
        pass

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def _index_array(self) -> np.ndarray | None:
        """This pass's indices as one array, when the sampler can draw them all at once."""
        return None


class SequentialSampler(Sampler):
    """Indices ``0, 1, ..., len(data_source) - 1`` in order.

    Example:
        >>> list(SequentialSampler(range(3)))
        [0, 1, 2]
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def _index_array(self) -> np.ndarray:
        return np.arange(len(self.data_source))

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """Indices in a random order: a new permutation each pass, or draws with replacement.

    Args:
        data_source: the dataset (only its length is used).
        replacement: draw ``num_samples`` indices independently (with replacement).
        num_samples: how many indices per pass (default ``len(data_source)``);
            without replacement, more than that chains several permutations.
        generator: where the draws come from (default: the global generator).

    Example:
        >>> import numpy as np
        >>> sorted(RandomSampler(range(5), generator=np.random.default_rng(0)))
        [0, 1, 2, 3, 4]
    """

    def __init__(self, data_source: Sized, replacement: bool = False,
                 num_samples: int | None = None, generator: Any = None) -> None:
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler: replacement should be a boolean value, but got "
                            f"replacement={replacement!r}")
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = check_generator(generator, "RandomSampler")
        _positive_int(self.num_samples, "RandomSampler", "num_samples")

    @property
    def num_samples(self) -> int:
        """Indices per pass."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _index_array(self) -> np.ndarray:
        n, k = len(self.data_source), self.num_samples
        rng = rng_of(self.generator)
        if self.replacement:
            return np.asarray(rng.integers(0, n, size=k), dtype=np.int64)
        if k == n:
            return np.asarray(rng.permutation(n), dtype=np.int64)
        parts = [np.asarray(rng.permutation(n)) for _ in range(-(-k // n))]
        return np.concatenate(parts)[:k].astype(np.int64)

    def __iter__(self) -> Iterator[int]:
        return iter(self._index_array().tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices, in a new random order each pass.

    Example:
        >>> import numpy as np
        >>> sorted(SubsetRandomSampler([7, 3, 5], generator=np.random.default_rng(0)))
        [3, 5, 7]
    """

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices = indices
        self.generator = check_generator(generator, "SubsetRandomSampler")

    def _index_array(self) -> np.ndarray:
        idx = np.asarray(self.indices, dtype=np.int64).reshape(-1)
        return idx[np.asarray(rng_of(self.generator).permutation(idx.size), dtype=np.int64)]

    def __iter__(self) -> Iterator[int]:
        return iter(self._index_array().tolist())

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """Indices ``0 .. len(weights) - 1`` drawn with probabilities proportional to ``weights``.

    Args:
        weights: one non-negative weight per index (need not sum to 1).
        num_samples: indices per pass.
        replacement: draw with replacement (default); without it, ``num_samples``
            may not exceed the number of non-zero weights.
        generator: where the draws come from (default: the global generator).

    Example:
        >>> import numpy as np
        >>> s = WeightedRandomSampler([0.0, 1.0, 0.0], 4, generator=np.random.default_rng(0))
        >>> list(s)
        [1, 1, 1, 1]
    """

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: Any = None) -> None:
        who = "WeightedRandomSampler"
        num_samples = _positive_int(num_samples, who, "num_samples")
        if not isinstance(replacement, bool):
            raise ValueError(f"{who}: replacement should be a boolean value, but got "
                             f"replacement={replacement!r}")
        w = np.asarray(weights.numpy() if isinstance(weights, Tensor) else weights,
                       dtype=np.float64)
        if w.ndim != 1 or w.size == 0:
            raise ValueError(f"{who}: weights should be a non-empty 1-D sequence, got shape "
                             f"{w.shape}")
        if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            raise ValueError(f"{who}: weights must be finite, non-negative and not all zero, "
                             f"got {w.tolist()[:8]}{' ...' if w.size > 8 else ''}")
        if not replacement and num_samples > int((w > 0).sum()):
            raise ValueError(f"{who}: cannot draw {num_samples} samples without replacement "
                             f"from {int((w > 0).sum())} indices with non-zero weight")
        self.weights, self.num_samples, self.replacement = w, num_samples, replacement
        self.generator = check_generator(generator, who)

    def _index_array(self) -> np.ndarray:
        p = self.weights / self.weights.sum()
        rng = rng_of(self.generator)
        return np.asarray(rng.choice(p.size, size=self.num_samples, replace=self.replacement,
                                     p=p), dtype=np.int64)

    def __iter__(self) -> Iterator[int]:
        return iter(self._index_array().tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Group another sampler's indices into lists of ``batch_size``.

    Args:
        sampler: any iterable of indices (a Sampler, a range, a list).
        batch_size: indices per batch.
        drop_last: drop the last batch when it is shorter than ``batch_size``.

    Example:
        >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
        >>> list(BatchSampler(range(5), batch_size=2, drop_last=True))
        [[0, 1], [2, 3]]
    """

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        self.batch_size = _positive_int(batch_size, "BatchSampler", "batch_size")
        if not isinstance(drop_last, bool):
            raise ValueError(f"BatchSampler: drop_last should be a boolean value, but got "
                             f"drop_last={drop_last!r}")
        self.sampler, self.drop_last = sampler, drop_last

    def _batches(self) -> Iterator[np.ndarray]:
        """Each batch's indices as an array (one slice each when the sampler draws at once)."""
        arr = self.sampler._index_array() if isinstance(self.sampler, Sampler) else None
        bs = self.batch_size
        if arr is not None:
            stop = arr.size - arr.size % bs if self.drop_last else arr.size
            for start in range(0, stop, bs):
                yield arr[start:start + bs]
            return
        batch: list[int] = []
        for i in self.sampler:
            batch.append(int(i))
            if len(batch) == bs:
                yield np.asarray(batch, dtype=np.int64)
                batch = []
        if batch and not self.drop_last:
            yield np.asarray(batch, dtype=np.int64)

    def __iter__(self) -> Iterator[list[int]]:
        for b in self._batches():
            yield b.tolist()

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
