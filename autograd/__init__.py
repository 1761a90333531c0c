"""scratchgrad's engine: Tensor, Function, backward, grad modes, ops, gradcheck.

Example:
    >>> import autograd as ag
    >>> apple = ag.tensor(10.0, requires_grad=True, name="apple")
    >>> num = ag.tensor(2.0, requires_grad=True, name="apple_num")
    >>> tax = ag.tensor(1.1, requires_grad=True, name="tax")
    >>> price = apple * num * tax
    >>> price.backward()
    >>> price.item(), [f"{t.grad.item():.4g}" for t in (apple, num, tax)]
    (22.0, ['2.2', '11', '20'])
"""
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

import numpy as _np

# functional: torch.autograd.functional (ag.autograd.functional.jacobian, ...)
from . import amp, distributions, functional, linalg, ops, registry, utils, viz
from .amp import autocast
from .conversion import asarray, scalar_tensor
from .device import accelerator, backends, cuda, device, mps

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
from .factories import (
    BoolTensor,
    ByteTensor,
    DoubleTensor,
    FloatTensor,
    IntTensor,
    LongTensor,
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    ones,
    ones_like,
    rand,
    randn,
    tensor,
    tril_indices,
    triu_indices,
    zeros,
    zeros_like,
)
from .function import Function
from .gradcheck import GradcheckError, GradcheckWarning, gradcheck, gradgradcheck, numerical_grad
from .gradients import backward, grad
from .mode import (
    detect_anomaly,
    enable_grad,
    inference_mode,
    is_anomaly_enabled,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_detect_anomaly,
    set_grad_enabled,
)
from .ops.conv import col2im, im2col
from .random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from .registry import REGISTRY
from .registry import exports as _op_exports
from .sampling import (
    bernoulli,
    multinomial,
    normal,
    rand_like,
    randint,
    randint_like,
    randn_like,
    randperm,
)
from .serialization import load, save
from .strided import as_strided
from .tensor import Tensor
from .torch_names import (
    Size,
    are_deterministic_algorithms_enabled,
    broadcast_shapes,
    can_cast,
    channels_last,
    channels_last_3d,
    compile,  # noqa: A004  (PyTorch's name; returns the model unchanged)
    contiguous_format,
    finfo,
    get_default_device,
    get_float32_matmul_precision,
    get_num_interop_threads,
    get_num_threads,
    iinfo,
    is_floating_point,
    is_nonzero,
    is_same_size,
    is_signed,
    memory_format,
    numel,
    preserve_format,
    set_default_device,
    set_float32_matmul_precision,
    set_flush_denormal,
    set_num_interop_threads,
    set_num_threads,
    set_printoptions,
    use_deterministic_algorithms,
)
from .version import increment_version
from .windows import bartlett_window, blackman_window, hamming_window, hann_window, kaiser_window

# Every registered op as ``ag.name`` (and its aliases, ``ag.clamp``), from the registry the op
# files fill when ``ops`` is imported above: an op's own file is the one place that names it.
globals().update(_op_exports())
# and PyTorch's top-level in-place forms (ag.exp_(x) is x.exp_())
from .inplace_functions import INPLACE_FUNCTIONS as _INPLACE_FUNCTIONS  # noqa: E402

globals().update(_INPLACE_FUNCTIONS)

import sys as _sys  # noqa: E402

#: ``torch.autograd.grad`` / ``.backward`` / ``.Function`` under the porting alias
#: (``import autograd as torch``): the engine is its own ``autograd`` namespace
autograd = _sys.modules[__name__]


def is_tensor(obj: _Any) -> _Any:
    """True when ``obj`` is a Tensor (``torch.is_tensor``)."""
    return isinstance(obj, Tensor)


def __getattr__(name: str) -> _Any:
    """``torch.nn`` and ``torch.optim`` under the porting alias, loaded when first asked for.

    The packages built on the engine are reached by name at run time only (never imported
    here), so the engine itself depends on nothing above it.
    """
    if name in ("nn", "optim"):
        import importlib

        return importlib.import_module(name)
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")


# everything above that is public, the registered ops included (for ``from autograd import *``)
__all__ = sorted(name for name in globals() if not name.startswith("_"))
