"""autograd.testing: strategies draw what they promise; check_op passes good ops, fails bad ones."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd.gradcheck import GradcheckError
from autograd.testing import (
    DOMAINS,
    Input,
    arrays,
    broadcastable_pairs,
    broadcastable_shapes,
    check_op,
    shapes,
)
from tests.autograd.custom_ops import Cube

FAST = settings(max_examples=30, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------ strategies
@FAST
@given(shapes(min_dims=1, max_dims=3, min_side=0, max_side=4))
def test_shapes_respect_bounds(shape):
    assert 1 <= len(shape) <= 3 and all(0 <= s <= 4 for s in shape)


@pytest.mark.parametrize("name,condition", [
    ("empty dim", lambda s: 0 in s),
    ("size-1 dim", lambda s: 1 in s and len(s) >= 2),
    ("0-d", lambda s: s == ()),
    ("3-d", lambda s: len(s) == 3 and min(s) >= 2),
])
def test_shapes_reach_edge_cases(name, condition):
    find(shapes(), condition, settings=settings(database=None, max_examples=2000))


@FAST
@given(broadcastable_shapes(3, max_dims=3))
def test_broadcastable_shapes_broadcast(ss):
    assert len(ss) == 3
    out = np.broadcast_shapes(*ss)
    assert len(out) == max(len(s) for s in ss)


def test_broadcastable_pairs_really_broadcast():
    # some drawn pair stretches a size-1 dim and has different ranks
    def stretches(pair):
        a, b = pair
        return len(a) != len(b) and any(x == 1 and y > 1 for x, y in zip(a[::-1], b[::-1]))

    a, b = find(broadcastable_pairs(min_side=1), stretches,
                settings=settings(database=None, max_examples=2000))
    np.broadcast_shapes(a, b)


@pytest.mark.parametrize("domain", sorted(DOMAINS) + [(-5.0, -4.0)])
def test_arrays_stay_in_their_domain(domain):
    lo, hi = DOMAINS[domain] if isinstance(domain, str) else domain

    @FAST
    @given(arrays(shapes(max_side=5), domain=domain))
    def check(a):
        assert a.dtype == np.float64
        values = np.abs(a) if domain == "nonzero" else a
        assert ((values >= lo) & (values <= hi)).all()

    check()


def test_nonzero_domain_has_both_signs_and_values_are_distinct():
    a = find(arrays((6,), domain="nonzero"), lambda a: (a > 0).any() and (a < 0).any(),
             settings=settings(database=None))
    assert (np.abs(a) >= 0.1).all()

    @FAST
    @given(arrays((3, 4), dtype=np.float32))
    def no_ties(a):
        assert a.dtype == np.float32 and len(np.unique(a)) == a.size  # no ties for max/min

    no_ties()


@pytest.mark.parametrize("domain,error", [("complex", ValueError), ((1.0, 1.0), ValueError)])
def test_bad_domains(domain, error):
    with pytest.raises(error):
        arrays((2,), domain=domain)


# ------------------------------------------------------------ check_op on correct ops
def _matmul_shapes():
    dim = st.integers(1, 3)
    return st.tuples(dim, dim, dim).map(lambda nkm: ((nkm[0], nkm[1]), (nkm[1], nkm[2])))


GOOD = [
    # (name, fn, inputs, keyword arguments)
    ("neg, one drawn input", ag.neg, (), dict(ref=np.negative)),
    ("add, broadcast pair", ag.add, (2,), dict(ref=np.add)),
    ("mul, three-way", lambda a, b, c: a * b * c, (3,), dict(ref=lambda a, b, c: a * b * c)),
    ("div, nonzero", ag.div, (Input(), Input(domain="nonzero")), dict(ref=np.divide)),
    ("log, positive", ag.log, (), dict(ref=np.log, domain="positive")),
    ("matmul, fixed shapes", ag.matmul, ((2, 3), (3, 4)), dict(ref=np.matmul)),
    ("matmul, drawn shapes", ag.matmul, (), dict(ref=np.matmul, shapes=_matmul_shapes())),
    ("matmul, mismatch raises", ag.matmul, ((2, 3), (4, 2)), dict(ref=np.matmul)),
    ("power with int constant", lambda x, p: x ** p, (Input(), 3), dict(ref=np.power)),
    ("constant operand", ag.mul, (Input(), Input(requires_grad=False)), dict(ref=np.multiply)),
    ("sum over dim", lambda x: x.sum(dim=-1), (Input(shape=shapes(min_dims=1)),),
     dict(ref=lambda a: a.sum(axis=-1))),
    ("two outputs", lambda a: (a * 2.0, a * a), (), dict(ref=lambda a: (a * 2.0, a * a))),
]


@pytest.mark.parametrize("name,fn,inputs,kw", GOOD, ids=[g[0] for g in GOOD])
def test_check_op_passes_correct_ops(name, fn, inputs, kw):
    check_op(fn, *inputs, max_examples=6, **kw)


def test_check_op_hands_the_right_things_to_the_op():
    seen = []

    def op(x, k, y):
        seen.append((x.shape, x.requires_grad, k, y.requires_grad, x.dtype))
        return x * k + y

    check_op(op, (2, 2), 4, Input(shape=(1, 2), requires_grad=False, domain="positive"),
             max_examples=3, gradgrad=False)
    assert seen and all(s == ((2, 2), s[1], 4, False, np.float64) for s in seen)


# ------------------------------------------------------------ check_op on wrong ops
class CubeWrong(Cube):
    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x ** 2


class CubeNoDouble(CubeWrong):
    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * ag.Tensor._make(3 * x.array ** 2)


class _WritesInput(ag.Function):
    @staticmethod
    def forward(ctx, x):
        np.multiply(x, 2.0, out=x)  # the bug: forward scribbles on its input array
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad * 2.0


def _writes_input(x):
    return _WritesInput.apply(x)


def _float32_out(x):
    return (x * 2.0).float()


BAD = [
    # (name, fn, inputs, kwargs, expected exception, message fragment)
    ("wrong forward", lambda x: x * 2.0, (), dict(ref=lambda a: a * 2.001),
     AssertionError, "reference"),
    ("wrong shape", lambda x: x.sum(), ((2, 3),), dict(ref=lambda a: a.sum(axis=0)),
     AssertionError, "shape"),
    ("float32 result", _float32_out, ((3,),), dict(ref=lambda a: a * 2.0),
     AssertionError, "float64"),
    ("accepts what numpy rejects", lambda a, b: a * b.sum(), ((2, 3), (4,)),
     dict(ref=np.multiply), AssertionError, "reference raised"),
    ("writes into its input", _writes_input, ((3,),), dict(ref=lambda a: a * 2.0),
     AssertionError, "modified its input 0 in place"),
    ("wrong backward", CubeWrong.apply, ((2, 2),), dict(ref=lambda a: a ** 3),
     GradcheckError, "gradcheck"),
    ("wrong double backward", CubeNoDouble.apply, ((2, 2),), dict(ref=lambda a: a ** 3),
     GradcheckError, "gradgradcheck"),
]


@pytest.mark.parametrize("name,fn,inputs,kw,error,fragment", BAD, ids=[b[0] for b in BAD])
def test_check_op_rejects_bad_ops(name, fn, inputs, kw, error, fragment):
    with pytest.raises(error, match=fragment):
        check_op(fn, *inputs, max_examples=5, shrink=False, **kw)


def test_gradgrad_can_be_turned_off():
    check_op(CubeNoDouble.apply, (2, 2), ref=lambda a: a ** 3, gradgrad=False, max_examples=3)


def test_check_op_finds_a_bug_only_on_some_shapes():
    # right except when the input has more than 3 elements: drawn shapes must find it
    def sometimes_wrong(x):
        return x * (2.0 if x.array.size <= 3 else 2.5)

    with pytest.raises(AssertionError):
        check_op(sometimes_wrong, ref=lambda a: a * 2.0, gradgrad=False, max_examples=40,
                 shrink=False)


def test_importing_autograd_does_not_need_hypothesis():
    root = Path(__file__).resolve().parents[2]
    code = ("import sys, autograd; "
            "print('hypothesis' in sys.modules, 'autograd.testing' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]
