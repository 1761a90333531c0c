"""scratchgrad's engine: Tensor, Function, backward, grad modes, ops, gradcheck.

Example:
    >>> import autograd as ag
    >>> apple = ag.tensor(100.0, requires_grad=True, name="apple")
    >>> num = ag.tensor(2.0, requires_grad=True, name="apple_num")
    >>> tax = ag.tensor(1.1, requires_grad=True, name="tax")
    >>> price = apple * num * tax
    >>> price.backward()
    >>> [round(t.grad.item(), 4) for t in (apple, num, tax)]
    [2.2, 110.0, 200.0]
"""
from . import ops
from .function import Function
from .mode import detect_anomaly, enable_grad, is_anomaly_enabled, is_grad_enabled, no_grad, set_grad_enabled
from .ops.arith import add, div, matmul, mul, neg, pow, sub
from .random import default_generator, get_rng_state, manual_seed, set_rng_state
from .registry import REGISTRY
from .tensor import (Tensor, arange, eye, full, ones, ones_like, rand, randn, tensor, zeros,
                     zeros_like)

__all__ = [
    "Tensor", "Function", "tensor", "zeros", "ones", "full", "arange", "eye", "rand", "randn",
    "zeros_like", "ones_like", "manual_seed", "default_generator", "get_rng_state",
    "set_rng_state", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
    "detect_anomaly", "is_anomaly_enabled", "REGISTRY", "ops",
    "add", "sub", "mul", "div", "neg", "pow", "matmul",
]
