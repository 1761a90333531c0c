"""Version counters: how PyTorch tells that a tensor saved for backward was changed.

Every in-place write bumps its tensor's counter (views share their base's); a
node records the version of each tensor it saves, and backward refuses to use
a saved tensor whose version moved on. Counters are made on first use, so the
many tensors never written in place never allocate one.
"""
from __future__ import annotations

from typing import Any


class VersionCounter:
    """How many times a tensor's memory was written in place; views share their base's."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


def version_counter(t: Any) -> VersionCounter:
    """``t``'s version counter, made on first use (most tensors never need one)."""
    c = t._version_counter
    if c is None:
        c = t._version_counter = VersionCounter()
    return c


def increment_version(*tensors: Any) -> None:
    """Record that ``tensors`` were written in place, as PyTorch's in-place ops do.

    Code that writes into ``t.array`` directly (optimizers, initialisers,
    running statistics) calls this, so backward still detects a saved tensor
    that changed under it.

    Example:
        >>> import autograd as ag
        >>> t = ag.zeros(2)
        >>> t.array += 1
        >>> ag.increment_version(t); t._version
        1
    """
    for t in tensors:
        version_counter(t).value += 1
