"""The op-spec record the op tables use, and the generic walk over a table."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from autograd.testing import check_op


@dataclass
class OpSpec:
    """One row of an op table.

    Args:
        name: the registered op name (``autograd.REGISTRY`` key) this row tests.
        fn: called with Tensors (and the constants in ``inputs``).
        ref: numpy reference with the same call signature, or None.
        inputs: ``check_op`` input specs (shapes, ``Input``s or constants);
            an int n draws n mutually broadcastable inputs.
        domain: value domain of drawn inputs.
        kw: extra ``check_op`` settings (shapes strategy, min_side, gradgrad, ...).
    """

    name: str
    fn: Callable
    ref: Callable | None = None
    inputs: tuple = (1,)
    domain: Any = "any"
    kw: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.name


def walk(spec: OpSpec) -> None:
    """Forward vs numpy, gradcheck, shape contract and gradgradcheck over drawn inputs."""
    check_op(spec.fn, *spec.inputs, ref=spec.ref, domain=spec.domain, **spec.kw)
