"""Op-table rows of the comparisons, tests and bitwise ops (boolean and integer results).

None of these is differentiable: the rows check the forward against numpy and
PyTorch with inputs that do not require grad, and their NaN rows route the
drawn tensor around the op (``where(op(x), x, x)``) so NaN and inf are shown
not to crash it. ``tests/autograd/test_ops_compare.py`` checks that the results
never require grad.
"""
import numpy as np
from hypothesis import strategies as st

import autograd as ag
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec
from tests.robustness import bad_op_cases as bad
from tests.robustness.bad_input_helpers import clashing, t

_PLAIN = (Input(requires_grad=False), Input(requires_grad=False))


def _r(x):
    """Draws rounded to halves, so equal pairs occur."""
    return ag.round(x * 2)


def _test1(name, fn, ref, bad_cases=None, torch=None):
    """A one-input boolean test (isnan, ...)."""
    return OpSpec(name, fn, ref, inputs=(Input(requires_grad=False),), torch=torch or name,
                  bad=bad.UNARY_BAD if bad_cases is None else bad_cases,
                  nan=Nan(lambda x: ag.where(fn(x), x, x)), non_tensor=())


def _compare(name, np_fn):
    fn = ag.REGISTRY[name]
    return OpSpec(name, lambda a, b: fn(_r(a), _r(b)), lambda a, b: np_fn(np.round(a * 2),
                                                                          np.round(b * 2)),
                  inputs=_PLAIN, torch=lambda T, a, b: getattr(T, name)(T.round(a * 2),
                                                                        T.round(b * 2)),
                  bad=bad.BINARY_BAD,
                  nan=Nan(lambda x: ag.where(fn(x, t(3, 4)), x, x),
                          empty=lambda x: ag.where(fn(x, t(0, 4)), x, x)))


def _ints(x):
    return ag.tensor(np.round(x.array * 8).astype(np.int64))


def _tints(T, x):
    return T.round(x * 8).long()


def _int_clash(op):
    def case(data):
        a, b = clashing(data)
        ia, ib = ag.tensor(np.ones(a, np.int64)), ag.tensor(np.ones(b, np.int64))
        return lambda: ag.REGISTRY[op](ia, ib), op, (a, b)
    return case


def _float_refused(op):
    def case(data):
        shape = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=2).map(tuple))
        args = (t(*shape),) if op == "bitwise_not" else (t(*shape), t(*shape))
        return lambda: ag.REGISTRY[op](*args), op, ("float64",)
    return case


def _bitwise(name, np_fn, shift=False):
    fn = ag.REGISTRY[name]
    if shift:  # shift by 0..3 bits
        call = lambda a, b: fn(_ints(a), _ints(b.abs() * 0.4))  # noqa: E731
        ref = lambda a, b: np_fn(np.round(a * 8).astype(np.int64),  # noqa: E731
                                 np.round(np.abs(b) * 3.2).astype(np.int64))
        tfn = lambda T, a, b: getattr(T, name)(_tints(T, a), _tints(T, b.abs() * 0.4))  # noqa: E731
    else:
        call = lambda a, b: fn(_ints(a), _ints(b))  # noqa: E731
        ref = lambda a, b: np_fn(np.round(a * 8).astype(np.int64),  # noqa: E731
                                 np.round(b * 8).astype(np.int64))
        tfn = lambda T, a, b: getattr(T, name)(_tints(T, a), _tints(T, b))  # noqa: E731
    return OpSpec(name, call, ref, inputs=_PLAIN, torch=tfn,
                  bad=(("broadcast", _int_clash), ("float", _float_refused)),
                  nan=Nan(lambda x: x + fn(ag.isnan(x).long(), ag.isinf(x).long())))


def _tolerance(op):
    def case(data):
        v = data.draw(st.sampled_from([-1.0, -1e-3]))
        return lambda: ag.REGISTRY[op](t(2), t(2), rtol=v), op, ("rtol", v)
    return case


ROWS = [
    _compare("eq", np.equal),
    _compare("ne", np.not_equal),
    _compare("lt", np.less),
    _compare("le", np.less_equal),
    _compare("gt", np.greater),
    _compare("ge", np.greater_equal),
    _test1("isnan", ag.isnan, np.isnan),
    _test1("isinf", ag.isinf, np.isinf),
    _test1("isposinf", ag.isposinf, np.isposinf),
    _test1("isneginf", ag.isneginf, np.isneginf),
    _test1("isfinite", ag.isfinite, np.isfinite),
    OpSpec("isclose", lambda a, b: ag.isclose(a, a + b * 1e-6, rtol=1e-5, atol=1e-7),
           lambda a, b: np.isclose(a, a + b * 1e-6, rtol=1e-5, atol=1e-7), inputs=_PLAIN,
           torch=lambda T, a, b: T.isclose(a, a + b * 1e-6, rtol=1e-5, atol=1e-7),
           bad=bad.BINARY_BAD + (("tolerance", _tolerance),),
           nan=Nan(lambda x: ag.where(ag.isclose(x, x), x, x))),
    OpSpec("allclose", lambda a, b: ag.tensor(ag.allclose(a, a + b * 1e-9)),
           lambda a, b: np.array(np.allclose(a, a + b * 1e-9)), inputs=_PLAIN,
           torch=lambda T, a, b: T.tensor(T.allclose(a, a + b * 1e-9)),
           bad=bad.BINARY_BAD + (("tolerance", _tolerance),),
           nan=Nan(lambda x: x * float(ag.allclose(x, x)))),
    OpSpec("equal", lambda a, b: ag.tensor(ag.equal(_r(a), _r(b))),
           lambda a, b: np.array(np.array_equal(np.round(a * 2), np.round(b * 2))),
           inputs=_PLAIN, torch=lambda T, a, b: T.tensor(T.equal(T.round(a * 2),
                                                                 T.round(b * 2))),
           nan=Nan(lambda x: x * float(ag.equal(x, x))), non_tensor=(t(2),)),
    _compare("logical_and", np.logical_and),
    _compare("logical_or", np.logical_or),
    _compare("logical_xor", np.logical_xor),
    _test1("logical_not", lambda x: ag.logical_not(_r(x)), lambda x: np.round(x * 2) == 0,
           torch=lambda T, x: T.logical_not(T.round(x * 2))),
    _bitwise("bitwise_and", np.bitwise_and),
    _bitwise("bitwise_or", np.bitwise_or),
    _bitwise("bitwise_xor", np.bitwise_xor),
    OpSpec("bitwise_not", lambda a: ag.bitwise_not(_ints(a)),
           lambda a: np.invert(np.round(a * 8).astype(np.int64)),
           inputs=(Input(requires_grad=False),),
           torch=lambda T, a: T.bitwise_not(_tints(T, a)),
           bad=bad.UNARY_BAD + (("float", _float_refused),),
           nan=Nan(lambda x: x + ag.bitwise_not(ag.isnan(x)).long()), non_tensor=()),
    _bitwise("bitwise_left_shift", np.left_shift, shift=True),
    _bitwise("bitwise_right_shift", np.right_shift, shift=True),
]
