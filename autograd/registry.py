"""The one list of differentiable ops.

Every public op registers itself here with :func:`register`. Tensor's dunders
dispatch through :data:`OPS` (so ``tensor.py`` does not import the op modules),
and the property tests walk :data:`REGISTRY`, so an op that exists is an op
that is gradient-checked.
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)

#: name -> public function, in registration order.
REGISTRY: dict[str, Callable] = {}
#: attribute access to the same functions (``OPS.add``), used by Tensor's dunders.
OPS = SimpleNamespace()


def register(name: str | None = None) -> Callable[[F], F]:
    """Record a public op function under ``name`` (default: its ``__name__``)."""

    def deco(fn: F) -> F:
        key = name or fn.__name__
        if key in REGISTRY:
            raise RuntimeError(f"op {key!r} registered twice")
        REGISTRY[key] = fn
        setattr(OPS, key, fn)
        return fn

    return deco
