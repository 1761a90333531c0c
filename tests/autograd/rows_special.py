"""Op-table rows of the special functions (lgamma, digamma, polygamma, mvlgamma, i0, sinc) and
the further elementwise math (signbit, heaviside, fmax, fmin, gcd, lcm, float_power, ldexp,
frexp, nextafter, deg2rad, rad2deg, positive).

``test_ops_elementwise.TABLE`` takes these rows in; the generic walks (forward against
the references here, gradcheck, gradgradcheck, PyTorch parity, bad input, NaN) run over
them there. The gamma-family rows keep away from the poles (where finite differences
cannot follow the function) with one row on each side of zero; the poles, zeros and
infinities are checked against written values in ``test_ops_special.py``.
"""
import math

import numpy as np

import autograd as ag
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec
from tests.robustness import bad_op_cases as bad
from tests.robustness.bad_input_helpers import t

_lgamma = np.vectorize(math.lgamma, otypes=[float])
_NOGRAD = Input(requires_grad=False)


def _unary(name, fn, ref, **kw):
    """A one-input elementwise op: refuses non-Tensors, NaN stays in place."""
    return OpSpec(name, fn, ref, torch=kw.pop("torch", name), bad=bad.UNARY_BAD + kw.pop("bad", ()),
                  nan=Nan(fn, in_place=True), non_tensor=(), **kw)


def _digamma_ref(x):
    """ψ(x) = ψ(x + 5) − Σ_{k<5} 1/(x + k), with ψ(x + 5) the Richardson-extrapolated
    central difference of math.lgamma (accurate to about 1e-12)."""
    def central(h):
        return (_lgamma(x + 5 + h) - _lgamma(x + 5 - h)) / (2 * h)

    shifted = (4 * central(5e-4) - central(1e-3)) / 3
    return shifted - sum(1.0 / (x + k) for k in range(5))


def _trigamma_ref(x):
    """ψ′(x) = Σ 1/(x + k)² by direct summation with the integral tail."""
    k = np.arange(200000.0)
    out = np.array([np.sum(1.0 / (v + k) ** 2) + 1.0 / (v + k[-1] + 0.5) for v in np.ravel(x)])
    return out.reshape(np.shape(x))


def _mvlgamma_ref(x, p):
    return sum(_lgamma(x - i / 2) for i in range(p)) + p * (p - 1) / 4 * math.log(math.pi)


def _case(op, call, *needles):
    """A fixed bad-input case: ``call()`` must raise naming ``op`` and ``needles``."""
    return bad.fixed(lambda data: (call, op, needles))


def _ints(x):
    return ag.tensor(np.round(x.array * 8).astype(np.int64))


def _np_ints(x):
    return np.round(x * 8).astype(np.int64)


def _tints(T, x):
    return T.round(x * 8).long()


def _halves(x):
    """Draws rounded to halves, so zeros occur (heaviside's ``values`` case)."""
    return ag.round(x * 2)


def _integer_op(name, np_fn):
    fn = ag.REGISTRY[name]
    return OpSpec(name, lambda a, b: fn(_ints(a), _ints(b)),
                  lambda a, b: np_fn(_np_ints(a), _np_ints(b)), inputs=(_NOGRAD, _NOGRAD),
                  torch=lambda T, a, b: getattr(T, name)(_tints(T, a), _tints(T, b)),
                  bad=(("float", _case(name, lambda: fn(t(2), t(2)), "Double")),
                       ("broadcast", _case(name, lambda: fn(ag.ones(2, 3).long(),
                                                            ag.ones(4, 3).long()), (2, 3), (4, 3))),
                       ("number", _case(name, lambda: fn(ag.tensor([4]), 6), "int"))),
                  nan=Nan(lambda x: x + fn(ag.isnan(x).long(), ag.isinf(x).long())))


def _nan_ignoring(name, np_fn):
    fn = ag.REGISTRY[name]
    # shifted so equal draws never tie (ties have their own test)
    return OpSpec(name, lambda a, b: fn(a, b + 0.05), lambda a, b: np_fn(a, b + 0.05),
                  inputs=(2,), torch=lambda T, a, b: getattr(T, name)(a, b + 0.05),
                  bad=bad.BINARY_BAD + (("number", _case(name, lambda: fn(t(2), 2.0),
                                                         "float")),),
                  # NaN against a number gives the number, so NaN meets NaN here
                  nan=Nan(lambda x: fn(x, x), in_place=True))


_POLY_BAD = (("negative-order", _case("polygamma", lambda: ag.polygamma(-1, t(2)), "-1")),
             ("order-type", _case("polygamma", lambda: ag.polygamma(1.5, t(2)), "float")))

ROWS = [
    # the gamma family: one row on each side of 0, clear of the poles
    _unary("lgamma", ag.lgamma, _lgamma, domain=(0.05, 6.0), kw={"ref_rtol": 1e-12}),
    OpSpec("lgamma", ag.lgamma, _lgamma, domain=(-2.9, -2.1), torch="lgamma",
           kw={"ref_rtol": 1e-12}),
    _unary("digamma", ag.digamma, _digamma_ref, domain=(0.2, 6.0), kw={"ref_rtol": 1e-10}),
    OpSpec("digamma", ag.digamma, _digamma_ref, domain=(-0.9, -0.1), torch="digamma",
           kw={"ref_rtol": 1e-10}),
    OpSpec("polygamma", lambda x: ag.polygamma(1, x), _trigamma_ref, domain=(0.2, 5.0),
           torch=lambda T, x: T.polygamma(1, x), kw={"ref_rtol": 1e-9, "max_side": 3},
           bad=bad.UNARY_BAD + _POLY_BAD, nan=Nan(lambda x: ag.polygamma(2, x), in_place=True)),
    OpSpec("polygamma", lambda x: ag.polygamma(2, x), None, domain=(0.2, 5.0),
           torch=lambda T, x: T.polygamma(2, x)),
    OpSpec("polygamma", lambda x: ag.polygamma(3, x), None, domain=(-1.9, -1.1),
           torch=lambda T, x: T.polygamma(3, x)),
    OpSpec("polygamma", lambda x: ag.polygamma(0, x), _digamma_ref, domain=(0.2, 6.0),
           torch=lambda T, x: T.polygamma(0, x), kw={"ref_rtol": 1e-10}),
    OpSpec("mvlgamma", lambda x: ag.mvlgamma(x, 3), lambda x: _mvlgamma_ref(x, 3),
           domain=(1.1, 5.0), torch=lambda T, x: T.mvlgamma(x, 3), kw={"ref_rtol": 1e-12},
           bad=bad.UNARY_BAD + (("p", _case("mvlgamma", lambda: ag.mvlgamma(t(2), 0), "p")),),
           nan=Nan(lambda x: ag.mvlgamma(x, 2), in_place=True), non_tensor=(2,)),
    _unary("i0", ag.i0, np.i0, domain=(-4.0, 4.0)),
    _unary("sinc", ag.sinc, np.sinc),
    # signs, steps, NaN-ignoring extrema
    OpSpec("signbit", ag.signbit, np.signbit, inputs=(_NOGRAD,), torch="signbit",
           bad=bad.UNARY_BAD, nan=Nan(lambda x: ag.where(ag.signbit(x), x, x)), non_tensor=()),
    OpSpec("heaviside", lambda a, b: ag.heaviside(_halves(a), b),
           lambda a, b: np.heaviside(np.round(a * 2), b), inputs=(_NOGRAD, _NOGRAD),
           torch=lambda T, a, b: T.heaviside(T.round(a * 2), b),
           bad=bad.BINARY_BAD + (
               ("dtype", _case("heaviside", lambda: ag.heaviside(t(2), t(2).float()),
                               "float64", "float32")),
               ("number", _case("heaviside", lambda: ag.heaviside(t(2), 0.5), "float"))),
           nan=Nan(lambda x: x * ag.heaviside(x.detach(), t(3, 4).detach()),
                   empty=lambda x: x * ag.heaviside(x.detach(), t(0, 4).detach()),
                   in_place=True)),
    _nan_ignoring("fmax", np.fmax),
    _nan_ignoring("fmin", np.fmin),
    # integers
    _integer_op("gcd", np.gcd),
    _integer_op("lcm", np.lcm),
    # powers of two and float64 powers
    OpSpec("float_power", ag.float_power, np.power,
           inputs=(Input(domain="positive"), Input(domain="any")), torch="float_power",
           bad=(("numbers", _case("float_power", lambda: ag.float_power(2, 3), "int")),),
           nan=Nan(lambda x: ag.float_power(x, t(3, 4)), empty=lambda x: ag.float_power(x, 2),
                   in_place=True)),
    OpSpec("float_power", lambda x: ag.float_power(x, 3), lambda x: x ** 3,
           torch=lambda T, x: T.float_power(x, 3)),
    OpSpec("ldexp", ag.ldexp, lambda a, b: a * 2.0 ** b, inputs=(2,), torch="ldexp",
           bad=bad.BINARY_BAD + (("number", _case("ldexp", lambda: ag.ldexp(t(2), 3), "int")),),
           nan=Nan(lambda x: ag.ldexp(x, t(3, 4)), empty=lambda x: ag.ldexp(x, t(0, 4)),
                   in_place=True)),
    OpSpec("frexp", ag.frexp, lambda x: tuple(np.frexp(x)), domain=(-40.0, 40.0),
           torch=lambda T, x: tuple(T.frexp(x)),
           bad=bad.UNARY_BAD + (("integer", _case("frexp", lambda: ag.frexp(ag.tensor([1])),
                                                  "int64")),),
           nan=Nan(lambda x: ag.frexp(x).mantissa, in_place=True), non_tensor=()),
    # shifted so equal draws never tie (where a == b the gradient is 0, as PyTorch's)
    OpSpec("nextafter", lambda a, b: ag.nextafter(a, b + 0.05),
           lambda a, b: np.nextafter(a, b + 0.05), inputs=(2,),
           torch=lambda T, a, b: T.nextafter(a, b + 0.05),
           bad=bad.BINARY_BAD + (("integer", _case(
               "nextafter", lambda: ag.nextafter(ag.tensor([1]), ag.tensor([2])), "int64")),),
           nan=Nan(lambda x: ag.nextafter(x, t(3, 4)), empty=lambda x: ag.nextafter(x, t(0, 4)),
                   in_place=True)),
    _unary("deg2rad", ag.deg2rad, np.deg2rad),
    _unary("rad2deg", ag.rad2deg, np.rad2deg),
    _unary("positive", ag.positive, np.positive,
           bad=(("bool", _case("positive", lambda: ag.positive(ag.tensor([True])), "bool")),)),
]
