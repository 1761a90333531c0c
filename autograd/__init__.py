"""scratchgrad's engine: Tensor, Function, backward, grad modes, ops, gradcheck.

Example:
    >>> import autograd as ag
    >>> apple = ag.tensor(10.0, requires_grad=True, name="apple")
    >>> num = ag.tensor(2.0, requires_grad=True, name="apple_num")
    >>> tax = ag.tensor(1.1, requires_grad=True, name="tax")
    >>> price = apple * num * tax
    >>> price.backward()
    >>> [round(t.grad.item(), 4) for t in (apple, num, tax)]
    [2.2, 11.0, 20.0]
"""
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

import numpy as _np

from . import ops, registry, viz
from .autograd_api import grad

# dtypes under PyTorch's names (ag.tensor(x, dtype=ag.float64)) and PyTorch's promotion
from .dtype_names import (  # noqa: E402
    bool,
    cdouble,
    cfloat,
    complex64,
    complex128,
    double,
    float,
    float16,
    float32,
    float64,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    short,
    uint8,
)
from .dtypes import get_default_dtype, promote_types, result_type, set_default_dtype  # noqa: E402
from .factories import arange, eye, full, ones, ones_like, rand, randn, tensor, zeros, zeros_like
from .function import Function
from .gradcheck import GradcheckError, GradcheckWarning, gradcheck, gradgradcheck, numerical_grad
from .mode import (
    detect_anomaly,
    enable_grad,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .ops.conv import col2im, im2col
from .random import default_generator, get_rng_state, manual_seed, set_rng_state
from .registry import REGISTRY
from .registry import exports as _op_exports
from .serialization import load, save
from .tensor import Tensor, increment_version

# Every registered op as ``ag.name`` (and its aliases, ``ag.clamp``), from the registry the op
# files fill when ``ops`` is imported above: an op's own file is the one place that names it.
globals().update(_op_exports())
__all__ = sorted(name for name in globals() if not name.startswith("_"))

if _TYPE_CHECKING:
    # type checkers cannot follow the loop above; to them ``ag.<op>`` has an unknown signature
    def __getattr__(name: str) -> _Any: ...
