"""Op-table rows of the elementwise math beyond the core: trigonometric and hyperbolic,
powers and logarithms, rounding and remainders, two-input math and the short compositions.

``test_ops_elementwise.TABLE`` takes these rows in; the generic walks (forward
against numpy, gradcheck, gradgradcheck, PyTorch parity, bad input, NaN) run
over them there.
"""
import math

import numpy as np
from hypothesis import strategies as st

import autograd as ag
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec
from tests.robustness import bad_op_cases as bad
from tests.robustness.bad_input_helpers import clashing, t

_erf = np.vectorize(math.erf, otypes=[float])
_erfc = np.vectorize(math.erfc, otypes=[float])


def _unary(name, fn, ref, **kw):
    """A one-input elementwise op: refuses non-Tensors, NaN stays in place."""
    return OpSpec(name, fn, ref, torch=kw.pop("torch", name), bad=bad.UNARY_BAD + kw.pop("bad", ()),
                  nan=Nan(fn, in_place=True), non_tensor=(), **kw)


def _binary(name, fn, ref, **kw):
    """A two-input broadcasting op: clashing shapes are refused, NaN stays in place."""
    nan = Nan(lambda x: fn(x, t(3, 4)), empty=lambda x: fn(x, t(0, 4)), in_place=True)
    return OpSpec(name, fn, ref, torch=kw.pop("torch", name), bad=bad.BINARY_BAD, nan=nan,
                  inputs=kw.pop("inputs", (2,)), **kw)


def _np_erfinv(x):
    """Reference erf⁻¹ by bisection on math.erf (slow, exact to float64)."""
    lo, hi = np.full(x.shape, -6.0), np.full(x.shape, 6.0)
    for _ in range(80):
        mid = (lo + hi) / 2
        below = _erf(mid) < x
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


def _np_xlogy(x, y):
    with np.errstate(all="ignore"):
        return np.where(x == 0, 0.0, x * np.log(y))


def _np_trunc_div(a, b):
    return np.trunc(a / b)



# ------------------------------------------------------------------ bad-input builders
def _ternary_clash(op):
    def case(data):
        a, b = clashing(data)
        return lambda: ag.REGISTRY[op](t(*a), t(*b), t(*a)), op, (a, b)
    return case


def _fixed_arg(op, call, value):
    """A case: ``call(value)`` must raise an error naming ``op`` and showing ``value``."""
    return bad.fixed(lambda data: (lambda: call(value), op, (value,)))


def _t_rank(data):
    shape = data.draw(st.lists(st.integers(1, 3), min_size=3, max_size=4).map(tuple))
    return lambda: ag.t(t(*shape)), "t", (shape,)


def _div_mode(data):
    mode = data.draw(st.sampled_from(["round", "FLOOR", "true"]))
    return lambda: ag.div(t(2), t(2), rounding_mode=mode), "div", (repr(mode),)


_CLAMP_NAN = Nan(lambda x: ag.clamp_min(x, 0.0), in_place=True)

ROWS = [
    # trigonometric and hyperbolic
    _unary("tan", ag.tan, np.tan, domain=(-1.2, 1.2)),
    _unary("asin", ag.asin, np.arcsin, domain="unit"),
    _unary("acos", ag.acos, np.arccos, domain="unit"),
    _unary("atan", ag.atan, np.arctan),
    _unary("sinh", ag.sinh, np.sinh),
    _unary("cosh", ag.cosh, np.cosh),
    _unary("asinh", ag.asinh, np.arcsinh),
    _unary("acosh", ag.acosh, np.arccosh, domain=(1.1, 3.0)),
    _unary("atanh", ag.atanh, np.arctanh, domain="unit"),
    _binary("atan2", ag.atan2, np.arctan2, domain="nonzero"),
    # powers, exponentials, logarithms
    _unary("rsqrt", ag.rsqrt, lambda x: 1 / np.sqrt(x), domain="positive"),
    _unary("reciprocal", ag.reciprocal, lambda x: 1 / x, domain="nonzero"),
    _unary("square", ag.square, np.square),
    _unary("exp2", ag.exp2, np.exp2),
    _unary("expm1", ag.expm1, np.expm1),
    _unary("log2", ag.log2, np.log2, domain="positive"),
    _unary("log10", ag.log10, np.log10, domain="positive"),
    _unary("log1p", ag.log1p, np.log1p, domain=(-0.9, 2.0)),
    _unary("erfc", ag.erfc, _erfc),
    _unary("erfinv", ag.erfinv, _np_erfinv, domain="unit", kw={"ref_rtol": 1e-9}),
    _unary("logit", ag.logit, lambda p: np.log(p / (1 - p)), domain="probability",
           bad=(("eps", _fixed_arg("logit", lambda v: ag.logit(t(2), eps=v), 2.0)),)),
    OpSpec("logit", lambda p: ag.logit(p, eps=0.2), lambda p: np.log(
        np.clip(p, 0.2, 0.8) / (1 - np.clip(p, 0.2, 0.8))), domain="probability",
        torch=lambda T, p: T.logit(p, eps=0.2)),
    _binary("xlogy", ag.xlogy, _np_xlogy, inputs=(Input(), Input(domain="positive"))),
    _binary("hypot", ag.hypot, np.hypot),
    _binary("copysign", ag.copysign, np.copysign, domain="nonzero"),
    _binary("logaddexp", ag.logaddexp, np.logaddexp),
    _binary("logaddexp2", ag.logaddexp2, np.logaddexp2),
    # rounding
    _unary("floor", ag.floor, np.floor),
    _unary("ceil", ag.ceil, np.ceil),
    _unary("trunc", ag.trunc, np.trunc),
    _unary("round", ag.round, np.round,
           bad=(("decimals", _fixed_arg("round", lambda v: ag.round(t(2), decimals=v), 1.5)),)),
    OpSpec("round", lambda x: ag.round(x, decimals=1), lambda x: np.round(x, 1),
           torch=lambda T, x: T.round(x, decimals=1)),
    OpSpec("round", lambda x: ag.round(x * 100, decimals=-1), lambda x: np.round(x * 100, -1),
           torch=lambda T, x: T.round(x * 100, decimals=-1)),
    _unary("frac", ag.frac, lambda x: x - np.trunc(x)),
    _unary("sign", ag.sign, np.sign, domain="nonzero"),
    # PyTorch's sgn gradient is a lazy ZeroTensor numpy cannot read; for real input sgn is sign
    _unary("sgn", ag.sgn, np.sign, domain="nonzero", torch=lambda T, x: T.sign(x)),
    # division with remainders
    _binary("fmod", ag.fmod, np.fmod, inputs=(Input(), Input(domain="nonzero"))),
    _binary("remainder", ag.remainder, np.remainder, inputs=(Input(), Input(domain="nonzero"))),
    _binary("floor_divide", ag.floor_divide, np.floor_divide,
            inputs=(Input(), Input(domain="nonzero")),
            # PyTorch defines no derivative for floor_divide; its div(rounding_mode="floor")
            # is the same function with gradient 0
            torch=lambda T, a, b: T.div(a, b, rounding_mode="floor")),
    OpSpec("div", lambda a, b: ag.div(a, b, rounding_mode="floor"), np.floor_divide,
           inputs=(Input(), Input(domain="nonzero")),
           torch=lambda T, a, b: T.div(a, b, rounding_mode="floor"),
           bad=(("rounding-mode", bad.fixed(_div_mode)),)),
    OpSpec("div", lambda a, b: ag.div(a, b, rounding_mode="trunc"), _np_trunc_div,
           inputs=(Input(), Input(domain="nonzero")),
           torch=lambda T, a, b: T.div(a, b, rounding_mode="trunc")),
    # clean-up and compositions
    OpSpec("nan_to_num", ag.nan_to_num, np.nan_to_num, torch="nan_to_num",
           bad=(("value", _fixed_arg("nan_to_num", lambda v: ag.nan_to_num(t(2), nan=v),
                                     "zero")),),
           nan=Nan(lambda x: ag.nan_to_num(x, nan=float("nan")), in_place=True), non_tensor=()),
    OpSpec("clamp_min", lambda x: ag.clamp_min(x, 0.05), lambda x: np.maximum(x, 0.05),
           torch=lambda T, x: T.clamp_min(x, 0.05),
           bad=(("bound", _fixed_arg("clamp_min", lambda v: ag.clamp_min(t(2), v), "low")),),
           nan=_CLAMP_NAN, non_tensor=(0.0,)),
    OpSpec("clamp_max", lambda x: ag.clamp_max(x, 0.05), lambda x: np.minimum(x, 0.05),
           torch=lambda T, x: T.clamp_max(x, 0.05),
           bad=(("bound", _fixed_arg("clamp_max", lambda v: ag.clamp_max(t(2), v), "high")),),
           nan=Nan(lambda x: ag.clamp_max(x, 0.0), in_place=True), non_tensor=(0.0,)),
    OpSpec("lerp", ag.lerp, lambda a, b, w: a + w * (b - a), inputs=(3,), torch="lerp",
           bad=(("broadcast", _ternary_clash),),
           nan=Nan(lambda x: ag.lerp(x, t(3, 4), 0.3), empty=lambda x: ag.lerp(x, t(0, 4), 0.3),
                   in_place=True)),
    OpSpec("lerp", lambda a, b: ag.lerp(a, b, 0.75), lambda a, b: a + 0.75 * (b - a),
           inputs=(2,), torch=lambda T, a, b: T.lerp(a, b, 0.75)),
    OpSpec("addcmul", lambda a, b, c: ag.addcmul(a, b, c, value=0.5),
           lambda a, b, c: a + 0.5 * b * c, inputs=(3,),
           torch=lambda T, a, b, c: T.addcmul(a, b, c, value=0.5),
           bad=(("broadcast", _ternary_clash),),
           nan=Nan(lambda x: ag.addcmul(x, t(3, 4), t(4)),
                   empty=lambda x: ag.addcmul(x, t(0, 4), t(4)), in_place=True)),
    OpSpec("addcdiv", lambda a, b, c: ag.addcdiv(a, b, c, value=-2),
           lambda a, b, c: a - 2 * b / c,
           inputs=(Input(), Input(), Input(domain="nonzero")),
           torch=lambda T, a, b, c: T.addcdiv(a, b, c, value=-2),
           bad=(("broadcast", _ternary_clash),),
           nan=Nan(lambda x: ag.addcdiv(x, t(3, 4), t(4)),
                   empty=lambda x: ag.addcdiv(x, t(0, 4), t(4)), in_place=True)),
    OpSpec("t", ag.t, np.transpose, kw={"max_dims": 2}, torch="t",
           bad=(("rank", bad.fixed(_t_rank)),), nan=Nan(ag.t), non_tensor=()),
]
