"""Checkpoints for models: ``nn.save(state, path)`` and ``nn.load(path)``, never pickle.

These are :func:`autograd.serialization.save` and :func:`autograd.serialization.load`
(also ``torch.save``/``torch.load`` under ``import autograd as torch``): the
format lives beside the engine so the engine's front can offer it without
importing ``nn``. See that module for the file layout and the round trip.

Example:
    >>> import os, tempfile, nn
    >>> model = nn.Linear(3, 2)
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
    >>> nn.save({"model": model.state_dict(), "epoch": 3}, path)
    >>> ckpt = nn.load(path)
    >>> ckpt["epoch"], list(ckpt["model"]), type(ckpt["model"]["weight"]).__name__
    (3, ['weight', 'bias'], 'Tensor')
"""
from __future__ import annotations

from autograd.serialization import CheckpointError, load, save

__all__ = ["save", "load", "CheckpointError"]
