"""Probability distributions with PyTorch's names and semantics (``torch.distributions``).

Parameters are Tensors, so ``log_prob``, ``entropy``, ``kl_divergence`` and reparameterized
draws (``rsample``) are differentiable in them through the engine's ops; every draw comes
from the global generator (``ag.manual_seed``).

Example:
    >>> import autograd as ag
    >>> loc = ag.tensor(0.0, requires_grad=True)
    >>> d = ag.distributions.Normal(loc, 1.0)
    >>> d.log_prob(ag.tensor(1.0)).backward()
    >>> loc.grad.item()
    1.0
"""
from . import constraints
from .beta import Beta
from .continuous import Exponential, Normal, Uniform
from .discrete import Bernoulli, Categorical, OneHotCategorical
from .distribution import Distribution
from .independent import Independent
from .kl import kl_divergence, register_kl
from .multivariate_normal import MultivariateNormal

__all__ = [
    "Bernoulli",
    "Beta",
    "Categorical",
    "Distribution",
    "Exponential",
    "Independent",
    "MultivariateNormal",
    "Normal",
    "OneHotCategorical",
    "Uniform",
    "constraints",
    "kl_divergence",
    "register_kl",
]
