"""PyTorch's ``torch.utils`` names: :mod:`autograd.utils.data` (datasets, samplers, DataLoader).

Example:
    >>> import autograd as torch
    >>> from autograd.utils.data import DataLoader, TensorDataset
    >>> [b[0].tolist() for b in DataLoader(TensorDataset(torch.arange(4)), batch_size=2)]
    [[0, 1], [2, 3]]
"""
from . import data

__all__ = ["data"]
