"""``nn``: modules, layers, losses, initialisation, functional API and checkpoints.

PyTorch names and semantics, so a small PyTorch script ports by changing imports.
"""
from . import functional, init
from .linear import Bilinear, Flatten, Identity, Linear, Unflatten
from .module import Module
from .parameter import Parameter

__all__ = [
    "Module", "Parameter", "functional", "init",
    "Identity", "Linear", "Bilinear", "Flatten", "Unflatten",
]
