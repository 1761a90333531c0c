"""Datasets and the DataLoader, under ``nn.data`` as well as ``autograd.utils.data``.

The classes live in :mod:`autograd.utils.data` (PyTorch's ``torch.utils.data``);
this module re-exports them, together with the offline datasets of
:mod:`nn.datasets` (``digits``, ``mnist5k``, ``mnist``, ``spiral``, ...), so
``nn.data.DataLoader`` and ``nn.data.digits()`` both work.

Example:
    >>> import autograd as ag
    >>> from nn.data import DataLoader, TensorDataset
    >>> [b[0].tolist() for b in DataLoader(TensorDataset(ag.arange(5)), batch_size=2)]
    [[0, 1], [2, 3], [4]]
"""
from __future__ import annotations

from autograd.utils.data import (
    BatchSampler,
    ChainDataset,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    default_convert,
    get_worker_info,
    random_split,
)

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
    "Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset", "ChainDataset",
    "DataLoader", "random_split", "default_collate", "default_convert", "get_worker_info",
    "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
    "WeightedRandomSampler", "BatchSampler",
    "digits", "mnist5k", "mnist5k_split", "mnist", "read_idx", "shuffle_split", "spiral", "xor",
    "sin_curve",
]
