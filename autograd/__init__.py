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
import numpy as _np

from . import ops, viz
from .autograd_api import grad
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
from .ops.activation import (
                        cross_entropy,
                        elu,
                        gelu,
                        leaky_relu,
                        log_softmax,
                        relu,
                        softmax,
                        softplus,
)
from .ops.arith import add, div, linear, matmul, mul, neg, pow, sub
from .ops.conv import col2im, conv2d, conv_transpose2d, im2col
from .ops.index import getitem, index_put
from .ops.pool import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from .ops.reduce import logsumexp, max, mean, min, std, sum, sum_to, var
from .ops.select import clamp, clip, maximum, minimum, where
from .ops.shape import (
                        broadcast_to,
                        cat,
                        concat,
                        concatenate,
                        expand,
                        flatten,
                        pad,
                        permute,
                        reshape,
                        split,
                        squeeze,
                        stack,
                        transpose,
                        unsqueeze,
                        view,
)
from .ops.unary import abs, cast, clone, cos, erf, exp, log, sigmoid, sin, sqrt, tanh
from .random import default_generator, get_rng_state, manual_seed, set_rng_state
from .registry import REGISTRY
from .serialization import load, save
from .tensor import Tensor

# dtypes under PyTorch's names (ag.tensor(x, dtype=ag.float64))
float32 = _np.float32
float64 = _np.float64
int64 = _np.int64
