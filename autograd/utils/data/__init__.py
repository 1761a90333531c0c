"""PyTorch's ``torch.utils.data``: datasets, samplers, ``DataLoader`` and collation.

Port a script by changing ``from torch.utils.data import X`` to
``from autograd.utils.data import X``; ``import autograd as torch`` then
also gives ``torch.utils.data``. Everything runs in the calling process on
numpy; the samplers draw from ``autograd.manual_seed``'s generator unless
given their own.

Example:
    >>> import autograd as ag
    >>> from autograd.utils.data import DataLoader, TensorDataset, random_split
    >>> ds = TensorDataset(ag.arange(10.0), ag.arange(10))
    >>> train, val = random_split(ds, [0.8, 0.2], seed=0)
    >>> loader = DataLoader(train, batch_size=4, shuffle=True, seed=0)
    >>> [len(y) for x, y in loader]
    [4, 4]
"""
from .collate import default_collate, default_convert
from .dataloader import DataLoader, get_worker_info
from .dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

__all__ = [
    "Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset", "ChainDataset",
    "random_split", "DataLoader", "get_worker_info", "default_collate", "default_convert",
    "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
    "WeightedRandomSampler", "BatchSampler",
]
