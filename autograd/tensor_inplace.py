"""Tensor's in-place elementwise methods (``x.exp_()``, ``x.addcmul_(a, b)``, ``x %= 3``
...): a mixin of ``Tensor``, each written out and built on ``Tensor._inplace``, which
writes the result into the tensor's array, bumps its version counter and, when
recording, makes the op the tensor's history (as PyTorch rebases it).

An in-place op whose result cannot be stored in the tensor's dtype (``sqrt_`` on an
integer tensor) raises a RuntimeError naming the op, as PyTorch's does.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from .random import default_generator
from .registry import OPS as _ops

if TYPE_CHECKING:  # annotations only: tensor.py imports this module
    from .tensor import Tensor


def _grad_flag(*operands: Any) -> Any:
    """The operand ``_inplace`` checks for ``requires_grad``: the first one that requires it."""
    for x in operands:
        if getattr(x, "requires_grad", False):
            return x
    return None


class InplaceMethods:
    """The in-place ``_`` forms of the elementwise ops, and the in-place operators."""

    __slots__ = ()

    def _apply_(self, fn: Callable, other: Any, name: str) -> Tensor:
        try:
            return self._inplace(fn, other, name)  # type: ignore[attr-defined]
        except TypeError as e:
            if "Cannot cast" not in str(e):  # numpy's copyto refusing the result's dtype
                raise
            dtype = self.dtype  # type: ignore[attr-defined]
            raise RuntimeError(f"{name}: the result cannot be written into a tensor of dtype "
                               f"{dtype} (its type cannot be cast to it); use the out-of-place "
                               "form or convert first, e.g. x.float()") from None

    def exp_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.exp(x), None, "exp_")

    def log_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.log(x), None, "log_")

    def sqrt_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.sqrt(x), None, "sqrt_")

    def abs_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.abs(x), None, "abs_")

    def neg_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.neg(x), None, "neg_")

    def sin_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.sin(x), None, "sin_")

    def cos_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.cos(x), None, "cos_")

    def tanh_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.tanh(x), None, "tanh_")

    def sigmoid_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.sigmoid(x), None, "sigmoid_")

    def relu_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.relu(x), None, "relu_")

    def erf_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.erf(x), None, "erf_")

    def tan_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.tan(x), None, "tan_")

    def asin_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.asin(x), None, "asin_")

    def acos_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.acos(x), None, "acos_")

    def atan_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.atan(x), None, "atan_")

    def sinh_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.sinh(x), None, "sinh_")

    def cosh_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.cosh(x), None, "cosh_")

    def asinh_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.asinh(x), None, "asinh_")

    def acosh_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.acosh(x), None, "acosh_")

    def atanh_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.atanh(x), None, "atanh_")

    def floor_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.floor(x), None, "floor_")

    def ceil_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.ceil(x), None, "ceil_")

    def trunc_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.trunc(x), None, "trunc_")

    def frac_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.frac(x), None, "frac_")

    def sign_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.sign(x), None, "sign_")

    def sgn_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.sgn(x), None, "sgn_")

    def rsqrt_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.rsqrt(x), None, "rsqrt_")

    def reciprocal_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.reciprocal(x), None, "reciprocal_")

    def square_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.square(x), None, "square_")

    def exp2_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.exp2(x), None, "exp2_")

    def expm1_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.expm1(x), None, "expm1_")

    def log2_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.log2(x), None, "log2_")

    def log10_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.log10(x), None, "log10_")

    def log1p_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.log1p(x), None, "log1p_")

    def erfc_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.erfc(x), None, "erfc_")

    def erfinv_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.erfinv(x), None, "erfinv_")

    def logical_not_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.logical_not(x), None, "logical_not_")

    def bitwise_not_(self) -> Tensor:
        return self._apply_(lambda x, _: _ops.bitwise_not(x), None, "bitwise_not_")

    def pow_(self, exponent: Any) -> Tensor:
        return self._apply_(_ops.pow, exponent, "pow_")

    def atan2_(self, other: Any) -> Tensor:
        return self._apply_(_ops.atan2, other, "atan2_")

    def xlogy_(self, other: Any) -> Tensor:
        return self._apply_(_ops.xlogy, other, "xlogy_")

    def hypot_(self, other: Any) -> Tensor:
        return self._apply_(_ops.hypot, other, "hypot_")

    def copysign_(self, other: Any) -> Tensor:
        return self._apply_(_ops.copysign, other, "copysign_")

    def fmod_(self, other: Any) -> Tensor:
        return self._apply_(_ops.fmod, other, "fmod_")

    def remainder_(self, other: Any) -> Tensor:
        return self._apply_(_ops.remainder, other, "remainder_")

    def floor_divide_(self, other: Any) -> Tensor:
        return self._apply_(_ops.floor_divide, other, "floor_divide_")

    def logical_and_(self, other: Any) -> Tensor:
        return self._apply_(_ops.logical_and, other, "logical_and_")

    def logical_or_(self, other: Any) -> Tensor:
        return self._apply_(_ops.logical_or, other, "logical_or_")

    def logical_xor_(self, other: Any) -> Tensor:
        return self._apply_(_ops.logical_xor, other, "logical_xor_")

    def bitwise_and_(self, other: Any) -> Tensor:
        return self._apply_(_ops.bitwise_and, other, "bitwise_and_")

    def bitwise_or_(self, other: Any) -> Tensor:
        return self._apply_(_ops.bitwise_or, other, "bitwise_or_")

    def bitwise_xor_(self, other: Any) -> Tensor:
        return self._apply_(_ops.bitwise_xor, other, "bitwise_xor_")

    def bitwise_left_shift_(self, other: Any) -> Tensor:
        return self._apply_(_ops.bitwise_left_shift, other, "bitwise_left_shift_")

    def bitwise_right_shift_(self, other: Any) -> Tensor:
        return self._apply_(_ops.bitwise_right_shift, other, "bitwise_right_shift_")

    def eq_(self, other: Any) -> Tensor:
        return self._apply_(_ops.eq, other, "eq_")

    def ne_(self, other: Any) -> Tensor:
        return self._apply_(_ops.ne, other, "ne_")

    def lt_(self, other: Any) -> Tensor:
        return self._apply_(_ops.lt, other, "lt_")

    def le_(self, other: Any) -> Tensor:
        return self._apply_(_ops.le, other, "le_")

    def gt_(self, other: Any) -> Tensor:
        return self._apply_(_ops.gt, other, "gt_")

    def ge_(self, other: Any) -> Tensor:
        return self._apply_(_ops.ge, other, "ge_")

    def __imod__(self, other: Any) -> Tensor:
        return self._apply_(_ops.remainder, other, "remainder_")

    def __ifloordiv__(self, other: Any) -> Tensor:
        return self._apply_(_ops.floor_divide, other, "floor_divide_")

    def __ipow__(self, other: Any) -> Tensor:
        return self._apply_(_ops.pow, other, "pow_")

    def __iand__(self, other: Any) -> Tensor:
        return self._apply_(_ops.bitwise_and, other, "bitwise_and_")

    def __ior__(self, other: Any) -> Tensor:
        return self._apply_(_ops.bitwise_or, other, "bitwise_or_")

    def __ixor__(self, other: Any) -> Tensor:
        return self._apply_(_ops.bitwise_xor, other, "bitwise_xor_")

    def __ilshift__(self, other: Any) -> Tensor:
        return self._apply_(_ops.bitwise_left_shift, other, "bitwise_left_shift_")

    def __irshift__(self, other: Any) -> Tensor:
        return self._apply_(_ops.bitwise_right_shift, other, "bitwise_right_shift_")

    def round_(self, decimals: int = 0) -> Tensor:
        return self._apply_(lambda x, _: _ops.round(x, decimals), None, "round_")

    def logit_(self, eps: float | None = None) -> Tensor:
        return self._apply_(lambda x, _: _ops.logit(x, eps), None, "logit_")

    def nan_to_num_(self, nan: float = 0.0, posinf: float | None = None,
                    neginf: float | None = None) -> Tensor:
        return self._apply_(lambda x, _: _ops.nan_to_num(x, nan, posinf, neginf), None,
                            "nan_to_num_")

    def clamp_min_(self, min: Any) -> Tensor:  # noqa: A002
        return self._apply_(_ops.clamp_min, min, "clamp_min_")

    def clamp_max_(self, max: Any) -> Tensor:  # noqa: A002
        return self._apply_(_ops.clamp_max, max, "clamp_max_")

    def lerp_(self, end: Any, weight: Any) -> Tensor:
        return self._apply_(lambda x, _: _ops.lerp(x, end, weight), _grad_flag(end, weight),
                            "lerp_")

    def addcmul_(self, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:
        return self._apply_(lambda x, _: _ops.addcmul(x, tensor1, tensor2, value=value),
                            _grad_flag(tensor1, tensor2), "addcmul_")

    def addcdiv_(self, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:
        return self._apply_(lambda x, _: _ops.addcdiv(x, tensor1, tensor2, value=value),
                            _grad_flag(tensor1, tensor2), "addcdiv_")

    def addmm_(self, mat1: Any, mat2: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:
        return self._apply_(lambda x, _: _ops.addmm(x, mat1, mat2, beta=beta, alpha=alpha),
                            _grad_flag(mat1, mat2), "addmm_")

    def baddbmm_(self, batch1: Any, batch2: Any, *, beta: float = 1,
                 alpha: float = 1) -> Tensor:
        return self._apply_(lambda x, _: _ops.baddbmm(x, batch1, batch2, beta=beta, alpha=alpha),
                            _grad_flag(batch1, batch2), "baddbmm_")

    def addmv_(self, mat: Any, vec: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:
        return self._apply_(lambda x, _: _ops.addmv(x, mat, vec, beta=beta, alpha=alpha),
                            _grad_flag(mat, vec), "addmv_")

    def addr_(self, vec1: Any, vec2: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:
        return self._apply_(lambda x, _: _ops.addr(x, vec1, vec2, beta=beta, alpha=alpha),
                            _grad_flag(vec1, vec2), "addr_")

    def addbmm_(self, batch1: Any, batch2: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:
        return self._apply_(lambda x, _: _ops.addbmm(x, batch1, batch2, beta=beta, alpha=alpha),
                            _grad_flag(batch1, batch2), "addbmm_")

    def clip_(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        return self.clamp_(min, max)  # type: ignore[attr-defined]

    arcsin_ = asin_

    arccos_ = acos_

    arctan_ = atan_

    arcsinh_ = asinh_

    arccosh_ = acosh_

    arctanh_ = atanh_

    fix_ = trunc_

    arctan2_ = atan2_

    negative_ = neg_

    absolute_ = abs_

    greater_ = gt_

    greater_equal_ = ge_

    less_ = lt_

    less_equal_ = le_

    not_equal_ = ne_

    # ---------------------------------------------------------------- random fills
    # (nn.init's style, as PyTorch scripts write them: w.data.normal_(0, 0.02))
    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with samples of N(mean, std²) from the global generator (or ``generator``)."""
        return self._fill_random(lambda g, shape: g.normal(mean, std, shape), "normal_",
                                 generator)

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with samples of U(a, b)."""
        return self._fill_random(lambda g, shape: g.uniform(a, b, shape), "uniform_", generator)

    def bernoulli_(self, p: float = 0.5, *, generator: Any = None) -> Tensor:
        """Fill with 1 (probability ``p``) or 0."""
        return self._fill_random(lambda g, shape: g.random(shape) < p, "bernoulli_", generator)

    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with samples of the exponential distribution of rate ``lambd``."""
        return self._fill_random(lambda g, shape: g.exponential(1.0 / lambd, shape),
                                 "exponential_", generator)

    def random_(self, low: int = 0, high: int | None = None, *, generator: Any = None) -> Tensor:
        """Fill with integers in [low, high) (``random_(high)`` means [0, high))."""
        if high is None:
            low, high = 0, low
        return self._fill_random(lambda g, shape: g.integers(low, high, shape), "random_",
                                 generator)

    def geometric_(self, p: float, *, generator: Any = None) -> Tensor:
        """Fill with trials until the first success, success probability ``p`` (1, 2, ...)."""
        return self._fill_random(lambda g, shape: g.geometric(p, shape), "geometric_", generator)

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *, generator: Any = None
                    ) -> Tensor:
        """Fill with exp(N(mean, std²)) samples (``mean``/``std`` of the underlying normal)."""
        return self._fill_random(lambda g, shape: g.lognormal(mean, std, shape), "log_normal_",
                                 generator)

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator: Any = None
                ) -> Tensor:
        """Fill with samples of the Cauchy distribution at ``median`` with scale ``sigma``."""
        return self._fill_random(lambda g, shape: median + sigma * g.standard_cauchy(shape),
                                 "cauchy_", generator)

    def _fill_random(self, draw: Callable, name: str, generator: Any) -> Tensor:
        gen = getattr(generator, "numpy_generator", generator) or default_generator()
        values = np.asarray(draw(gen, self.shape)).astype(self.dtype)  # type: ignore[attr-defined]
        # the new values do not depend on the old ones: written as copy_ writes
        src = type(self.detach())._make(values)  # type: ignore[attr-defined]
        return self._apply_(lambda x, s: _ops.expand(s, x.shape), src, name)
