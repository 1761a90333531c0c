"""How tensors print: PyTorch's style, so doctests and notebooks read like torch."""
from __future__ import annotations

import numpy as np


def float_formatter(arr: np.ndarray) -> dict | None:
    """PyTorch's print style: ``1.`` for whole numbers, else 4 decimals or scientific,
    right-aligned to a common width."""
    if arr.dtype.kind != "f" or arr.size == 0:
        return None
    finite = np.abs(arr[np.isfinite(arr)])
    spec = ".4f"
    if finite.size == 0 or np.all(finite == np.round(finite)) and finite.max() < 1e8:
        spec = ".0f"
    else:
        nonzero = finite[finite > 0]
        big, small = finite.max(), (nonzero.min() if nonzero.size else 1.0)
        if big >= 1e8 or small < 1e-4 or big / small > 1e3 and small < 1e-2:
            spec = ".4e"

    def one(v: float) -> str:
        if not np.isfinite(v):
            return str(v)
        text = format(v, spec)
        return text + "." if spec == ".0f" else text

    width = max(len(one(v)) for v in arr.flat)
    return {"float_kind": lambda v: one(v).rjust(width)}
