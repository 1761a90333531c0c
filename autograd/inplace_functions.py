"""PyTorch's top-level in-place functions (``torch.exp_(x)``, ``torch.clamp_(x, 0, 1)`` ...):
each is ``x.<name>(...)``, the Tensor's in-place method of the same name.

``autograd/__init__.py`` exports :data:`INPLACE_FUNCTIONS` as ``ag.exp_`` and so on.

Example:
    >>> import autograd as ag
    >>> x = ag.tensor([0.0, 1.0])
    >>> ag.exp_(x) is x, x
    (True, tensor([1.0000, 2.7183]))
"""
from __future__ import annotations

from typing import Any, Callable

from .tensor import Tensor

#: the names PyTorch has both as ``torch.<name>`` and as an in-place Tensor method
NAMES = (
    "abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_",
    "arctan_", "arctanh_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_",
    "clamp_max_", "clamp_min_", "clip_", "cos_", "cosh_", "deg2rad_", "erf_", "erfc_", "exp2_",
    "exp_", "expm1_", "fix_", "floor_", "frac_", "gcd_", "i0_", "lcm_", "ldexp_", "log10_",
    "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_", "negative_", "rad2deg_",
    "reciprocal_", "relu_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_",
    "square_", "tan_", "tanh_", "trunc_", "xlogy_",
)


def _inplace_function(name: str) -> Callable[..., Tensor]:
    def fn(input: Any, *args: Any, **kwargs: Any) -> Tensor:  # noqa: A002
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' must be Tensor, not "
                            f"{type(input).__name__}")
        return getattr(input, name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"In-place ``input.{name}(...)``: writes the result into ``input`` and "
                  "returns it.")
    return fn


#: name -> function, for ``ag.<name>``
INPLACE_FUNCTIONS: dict[str, Callable[..., Tensor]] = {n: _inplace_function(n) for n in NAMES}
