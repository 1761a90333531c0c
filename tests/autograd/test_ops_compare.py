"""Comparisons, tests and bitwise ops, and Tensor's operators that reach them
(``== != < <= > >= & | ^ ~ << >> % //``): results never require grad, special values
and dtypes are PyTorch's, and the operators are the registered ops."""
from __future__ import annotations

import operator

import numpy as np
import pytest

import autograd as ag

SPECIAL = [0.0, -1.5, float("nan"), float("inf"), -float("inf"), 2.0]

BOOL_OPS = ["eq", "ne", "lt", "le", "gt", "ge", "isclose", "logical_and", "logical_or",
            "logical_xor"]
TESTS = ["isnan", "isinf", "isposinf", "isneginf", "isfinite", "logical_not"]


@pytest.mark.parametrize("op", BOOL_OPS)
def test_binary_results_are_bool_and_never_require_grad(op):
    a = ag.tensor(SPECIAL, requires_grad=True)
    b = ag.tensor(SPECIAL[::-1], requires_grad=True)
    y = ag.REGISTRY[op](a, b)
    assert y.dtype == np.bool_ and not y.requires_grad and y.grad_fn is None
    assert getattr(a, op)(b).tolist() == y.tolist()          # the method is the op


@pytest.mark.parametrize("op", TESTS)
def test_tests_on_special_values(op):
    x = ag.tensor(SPECIAL, requires_grad=True)
    y = ag.REGISTRY[op](x)
    assert y.dtype == np.bool_ and not y.requires_grad
    want = {"isnan": np.isnan, "isinf": np.isinf, "isposinf": np.isposinf,
            "isneginf": np.isneginf, "isfinite": np.isfinite,
            "logical_not": np.logical_not}[op](np.array(SPECIAL))
    assert y.tolist() == want.tolist()
    assert ag.REGISTRY[op](ag.tensor([1, 0])).tolist() == want_int(op)


def want_int(op):
    return {"isnan": [False, False], "isinf": [False, False], "isposinf": [False, False],
            "isneginf": [False, False], "isfinite": [True, True],
            "logical_not": [False, True]}[op]


@pytest.mark.parametrize("op", BOOL_OPS + TESTS)
def test_special_values_match_pytorch(op):
    torch = pytest.importorskip("torch")
    a, b = np.array(SPECIAL), np.array(SPECIAL[::-1])
    if op in TESTS:
        got, want = ag.REGISTRY[op](ag.tensor(a)), getattr(torch, op)(torch.tensor(a))
    else:
        got = ag.REGISTRY[op](ag.tensor(a), ag.tensor(b))
        want = getattr(torch, op)(torch.tensor(a), torch.tensor(b))
    assert got.tolist() == want.tolist()


def test_isclose_allclose_equal():
    a = ag.tensor([1.0, float("nan"), float("inf")])
    b = ag.tensor([1.0 + 1e-9, float("nan"), float("inf")])
    assert ag.isclose(a, b).tolist() == [True, False, True]
    assert ag.isclose(a, b, equal_nan=True).tolist() == [True, True, True]
    assert ag.allclose(a, b) is False and ag.allclose(a, b, equal_nan=True) is True
    assert a.allclose(b, equal_nan=True) is True
    assert ag.equal(ag.tensor([1, 2]), ag.tensor([1, 2])) is True
    assert ag.equal(ag.ones(2), ag.ones(3)) is False and ag.ones(2).equal(ag.ones(2)) is True
    with pytest.raises(ValueError, match="isclose.*rtol"):
        ag.isclose(a, b, rtol=-1.0)


# ------------------------------------------------------------------ bitwise
BITWISE = {"bitwise_and": operator.and_, "bitwise_or": operator.or_,
           "bitwise_xor": operator.xor, "bitwise_left_shift": operator.lshift,
           "bitwise_right_shift": operator.rshift}


@pytest.mark.parametrize("op", list(BITWISE))
def test_bitwise_ops_are_the_operators(op):
    a, b = ag.tensor([12, -7, 5]), ag.tensor([3, 1, 2])
    y = ag.REGISTRY[op](a, b)
    assert y.dtype == np.int64 and not y.requires_grad
    assert BITWISE[op](a, b).tolist() == y.tolist() == getattr(a, op)(b).tolist()
    want = BITWISE[op](np.array([12, -7, 5]), np.array([3, 1, 2]))
    assert y.tolist() == want.tolist()
    assert BITWISE[op](7, b).tolist() == BITWISE[op](np.int64(7), np.array([3, 1, 2])).tolist()


def test_bitwise_on_bools_floats_and_dtypes():
    t, f = ag.tensor([True, False]), ag.tensor([True, True])
    assert (t & f).tolist() == [True, False] and (t | f).dtype == np.bool_
    assert (~t).tolist() == [False, True] and (~ag.tensor([0, 5])).tolist() == [-1, -6]
    assert (t << 1).dtype == np.int64 and (t << 1).tolist() == [2, 0]
    assert (ag.tensor([1, 2], dtype="int32") & 3).dtype == np.int32
    for call in (lambda: ag.ones(2) & 1, lambda: ~ag.ones(2), lambda: 1 << ag.ones(2)):
        with pytest.raises(RuntimeError, match="bitwise.*float32"):
            call()


def test_bitwise_and_remainder_match_pytorch():
    torch = pytest.importorskip("torch")
    a, b = np.array([12, -7, 5, 0]), np.array([3, 2, -2, 1])
    for fn in (operator.and_, operator.or_, operator.xor, operator.mod, operator.floordiv):
        assert fn(ag.tensor(a), ag.tensor(b)).tolist() == fn(torch.tensor(a),
                                                              torch.tensor(b)).tolist()
        assert fn(9, ag.tensor(b)).tolist() == fn(9, torch.tensor(b)).tolist()
    x = np.array([-2.5, 3.5, 7.0])
    for fn in (operator.mod, operator.floordiv):
        np.testing.assert_array_equal(fn(ag.tensor(x), 2.0).data, fn(torch.tensor(x), 2.0))
        np.testing.assert_array_equal(fn(4.0, ag.tensor(x)).data, fn(4.0, torch.tensor(x)))
    assert (~ag.tensor(a)).tolist() == (~torch.tensor(a)).tolist()


# ------------------------------------------------------------------ comparison operators
def test_comparison_operators_are_the_ops():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for fn, op in ((operator.eq, "eq"), (operator.ne, "ne"), (operator.lt, "lt"),
                   (operator.le, "le"), (operator.gt, "gt"), (operator.ge, "ge")):
        y = fn(x, 2.0)
        assert y.tolist() == ag.REGISTRY[op](x, 2.0).tolist() and not y.requires_grad
    assert (2.0 < x).tolist() == [False, False, True]           # reflected: x > 2
    assert (np.float64(2.0) == x).tolist() == [False, True, False]


def test_comparison_with_a_non_number_is_python_s_answer():
    x = ag.tensor([1.0])
    assert (x == None) is False and (x != None) is True  # noqa: E711
    assert (x == "a") is False
    with pytest.raises(TypeError):
        _ = x < "a"
    with pytest.raises(TypeError, match="eq"):
        ag.eq(x, None)
    with pytest.raises(ValueError, match=r"lt.*\(2,\).*\(3,\)"):
        ag.lt(ag.ones(2), ag.ones(3))


def test_remainder_and_floor_divide_operators_have_gradients():
    a = ag.tensor([-2.5, 3.5], dtype="float64", requires_grad=True)
    b = ag.tensor([2.0, -1.5], dtype="float64", requires_grad=True)
    ((a % b) + (a // b)).sum().backward()
    assert a.grad.tolist() == [1.0, 1.0]                        # d(a % b)/da = 1, // flat
    assert b.grad.tolist() == [-np.floor(-2.5 / 2.0), -np.floor(3.5 / -1.5)]
