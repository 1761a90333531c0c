"""Argument checks shared by the layers' constructors: bad values fail at
construction, naming the layer and the value, not later inside numpy."""
from __future__ import annotations

from typing import Any

import numpy as np


def check_size(layer: str, what: str, value: Any) -> int:
    """A non-negative int size (``in_features``, ``num_parameters`` ...)."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{layer}: {what} must be a non-negative int, got {value!r}")
    return int(value)


def check_number(layer: str, what: str, value: Any) -> float:
    """A real number (a slope, alpha, beta, threshold ...)."""
    if not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(value, bool):
        raise TypeError(f"{layer}: {what} must be a number, got {type(value).__name__} "
                        f"{value!r}")
    return float(value)
