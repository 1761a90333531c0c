"""The generator behind every random draw (init, dropout, randn, shuffling)."""
from __future__ import annotations

import numpy as np

_initial_seed = int(np.random.SeedSequence().entropy % (2 ** 63))  # type: ignore[operator]
_generator = np.random.default_rng(_initial_seed)


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the global generator so init, dropout and ``randn`` repeat exactly.

    Example:
        >>> import autograd as ag
        >>> _ = ag.manual_seed(0); a = ag.randn(3)
        >>> _ = ag.manual_seed(0); b = ag.randn(3)
        >>> bool((a == b).all())
        True
    """
    global _generator, _initial_seed
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}")
    _initial_seed = int(seed)
    _generator = np.random.default_rng(_initial_seed)
    return _generator


def initial_seed() -> int:
    """The seed the global generator started from (the last :func:`manual_seed`)."""
    return _initial_seed


def seed() -> int:
    """Seed the global generator from fresh entropy; returns the new seed."""
    new = int(np.random.SeedSequence().entropy % (2 ** 63))  # type: ignore[operator]
    manual_seed(new)
    return new


def default_generator() -> np.random.Generator:
    """The current global generator (replaced by :func:`manual_seed`)."""
    return _generator


def get_rng_state() -> dict:
    """The global generator's state, as a plain dict (for checkpoints)."""
    return dict(_generator.bit_generator.state)


def set_rng_state(state: dict) -> None:
    """Restore a state returned by :func:`get_rng_state`."""
    _generator.bit_generator.state = state


class Generator:
    """A random number generator of its own, as ``torch.Generator`` (for ``generator=``).

    Example:
        >>> import autograd as ag
        >>> a = ag.randn(3, generator=ag.Generator().manual_seed(0))
        >>> b = ag.randn(3, generator=ag.Generator().manual_seed(0))
        >>> bool((a == b).all())
        True
    """

    def __init__(self, device: object = "cpu") -> None:
        self._seed = int(np.random.SeedSequence().entropy % (2 ** 63))  # type: ignore[operator]
        self.numpy_generator = np.random.default_rng(self._seed)
        self.device = device

    def manual_seed(self, seed: int) -> Generator:
        """Reseed; returns the generator (``torch.Generator().manual_seed(0)``)."""
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}")
        self._seed = int(seed)
        self.numpy_generator = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        """Reseed from fresh entropy; returns the new seed."""
        self.manual_seed(int(np.random.SeedSequence().entropy % (2 ** 63)))  # type: ignore[operator]
        return self._seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> dict:
        return dict(self.numpy_generator.bit_generator.state)

    def set_state(self, state: dict) -> Generator:
        self.numpy_generator.bit_generator.state = state
        return self
