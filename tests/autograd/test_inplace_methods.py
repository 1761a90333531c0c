"""The in-place ``_`` forms of the elementwise ops and the in-place operators: each writes
the out-of-place result into the tensor, bumps its version, and records its history so
gradients flow as PyTorch's."""
from __future__ import annotations

import operator

import numpy as np
import pytest

import autograd as ag

X = np.array([[0.3, -0.7, 1.2], [-1.6, 0.45, 0.8]])
P = np.array([[0.2, 0.6, 0.9], [0.35, 0.5, 0.75]])      # inside (0, 1)

#: in-place method -> (out-of-place call, input array)
UNARY = {
    "exp_": (ag.exp, X), "log_": (ag.log, P), "sqrt_": (ag.sqrt, P), "abs_": (ag.abs, X),
    "neg_": (ag.neg, X), "sin_": (ag.sin, X), "cos_": (ag.cos, X), "tanh_": (ag.tanh, X),
    "sigmoid_": (ag.sigmoid, X), "relu_": (ag.relu, X), "erf_": (ag.erf, X),
    "tan_": (ag.tan, X), "asin_": (ag.asin, P), "acos_": (ag.acos, P), "atan_": (ag.atan, X),
    "sinh_": (ag.sinh, X), "cosh_": (ag.cosh, X), "asinh_": (ag.asinh, X),
    "acosh_": (ag.acosh, X + 3), "atanh_": (ag.atanh, P), "floor_": (ag.floor, X),
    "ceil_": (ag.ceil, X), "trunc_": (ag.trunc, X), "frac_": (ag.frac, X),
    "sign_": (ag.sign, X), "sgn_": (ag.sgn, X), "rsqrt_": (ag.rsqrt, P),
    "reciprocal_": (ag.reciprocal, X), "square_": (ag.square, X), "exp2_": (ag.exp2, X),
    "expm1_": (ag.expm1, X), "log2_": (ag.log2, P), "log10_": (ag.log10, P),
    "log1p_": (ag.log1p, P), "erfc_": (ag.erfc, X), "erfinv_": (ag.erfinv, P),
    "logit_": (ag.logit, P), "round_": (ag.round, X * 3), "nan_to_num_": (ag.nan_to_num, X),
    "arcsin_": (ag.asin, P), "fix_": (ag.trunc, X), "negative_": (ag.neg, X),
    "absolute_": (ag.abs, X),
}
#: in-place method -> out-of-place op, applied with Y as the second operand
Y = np.array([[0.5, 1.5, -0.9], [2.0, -0.3, 0.7]])
BINARY = {"pow_": ag.pow, "atan2_": ag.atan2, "xlogy_": ag.xlogy, "hypot_": ag.hypot,
          "copysign_": ag.copysign, "fmod_": ag.fmod, "remainder_": ag.remainder,
          "floor_divide_": ag.floor_divide, "clamp_min_": ag.clamp_min,
          "clamp_max_": ag.clamp_max, "arctan2_": ag.atan2}


@pytest.mark.parametrize("method", list(UNARY))
def test_unary_inplace_is_the_op_written_in(method):
    op, arr = UNARY[method]
    x = ag.tensor(arr.copy())
    before = x.array
    with np.errstate(all="ignore"):
        out = getattr(x, method)()
        want = op(ag.tensor(arr)).array
    assert out is x and x.array is before and x._version == 1
    np.testing.assert_array_equal(x.array, want)


@pytest.mark.parametrize("method", list(BINARY))
def test_binary_inplace_is_the_op_written_in(method):
    x = ag.tensor(np.abs(X))
    with np.errstate(all="ignore"):
        getattr(x, method)(ag.tensor(Y))
        want = BINARY[method](ag.tensor(np.abs(X)), ag.tensor(Y)).array
    np.testing.assert_array_equal(x.array, want)
    assert x._version == 1


@pytest.mark.parametrize("method", ["exp_", "tan_", "erfinv_", "logit_", "square_", "frac_"])
def test_gradient_through_inplace_on_a_non_leaf_is_the_out_of_place_one(method):
    op, arr = UNARY[method]
    a = ag.tensor(arr, requires_grad=True)
    y = a * 1.0
    getattr(y, method)()
    y.sum().backward()
    b = ag.tensor(arr, requires_grad=True)
    op(b * 1.0).sum().backward()
    np.testing.assert_allclose(a.grad.array, b.grad.array, rtol=1e-12)


def test_addcmul_addcdiv_lerp_inplace_reach_their_other_operands():
    t1 = ag.tensor([1.0, 2.0], requires_grad=True)
    t2 = ag.tensor([3.0, 4.0], requires_grad=True)
    end = ag.tensor([10.0, 10.0], requires_grad=True)
    y = ag.zeros(2)                       # does not require grad: the operands do
    y.addcmul_(t1, t2, value=2).addcdiv_(t1, t2, value=3).lerp_(end, 0.5)
    np.testing.assert_allclose(y.array, 0.5 * (2 * np.array([3.0, 8.0]) + 3 * np.array(
        [1 / 3, 0.5])) + 5.0)
    assert y.requires_grad and y._version == 3
    y.sum().backward()
    np.testing.assert_allclose(t1.grad.array, 0.5 * (2 * np.array([3.0, 4.0]) + 3 / np.array(
        [3.0, 4.0])))
    np.testing.assert_allclose(end.grad.array, [0.5, 0.5])


def test_inplace_methods_match_pytorch():
    torch = pytest.importorskip("torch")
    for method, (_, arr) in UNARY.items():
        ours, theirs = ag.tensor(arr.copy()), torch.tensor(arr.copy())
        with np.errstate(all="ignore"):
            getattr(ours, method)()
        getattr(theirs, method)()
        np.testing.assert_allclose(ours.array, theirs.numpy(), rtol=1e-12, err_msg=method)
    a, b, c = (torch.tensor(v) for v in (X, Y, P))
    ours = ag.tensor(X.copy()).addcmul_(ag.tensor(Y), ag.tensor(P), value=0.5)
    np.testing.assert_allclose(ours.array, a.clone().addcmul_(b, c, value=0.5).numpy())
    ours = ag.tensor(X.copy()).addcdiv_(ag.tensor(Y), ag.tensor(P), value=-2)
    np.testing.assert_allclose(ours.array, a.clone().addcdiv_(b, c, value=-2).numpy())
    ours = ag.tensor(X.copy()).lerp_(ag.tensor(Y), ag.tensor(P))
    np.testing.assert_allclose(ours.array, a.clone().lerp_(b, c).numpy())
    for method in ("eq_", "lt_", "ge_", "logical_and_", "logical_xor_"):
        ours = getattr(ag.tensor(X.copy()), method)(ag.tensor(Y * 0 + 0.45))
        np.testing.assert_array_equal(ours.array, getattr(a.clone(), method)(b * 0 + 0.45))


def test_comparisons_in_place_write_ones_and_zeros_in_the_tensor_dtype():
    x = ag.tensor([1.0, 2.0, 3.0])
    x.gt_(1.5)
    assert x.dtype == np.float32 and x.tolist() == [0.0, 1.0, 1.0]


INT_OPS = [(operator.imod, operator.mod, 3), (operator.ifloordiv, operator.floordiv, 2),
           (operator.ipow, operator.pow, 2), (operator.iand, operator.and_, 6),
           (operator.ior, operator.or_, 9), (operator.ixor, operator.xor, 5),
           (operator.ilshift, operator.lshift, 2), (operator.irshift, operator.rshift, 1)]


@pytest.mark.parametrize("iop,op,other", INT_OPS, ids=[o[1].__name__ for o in INT_OPS])
def test_inplace_operators_keep_the_tensor_and_bump_its_version(iop, op, other):
    x = ag.tensor([7, -12, 5])
    same = x
    x = iop(x, other)
    assert x is same and x._version == 1 and x.dtype == np.int64
    assert x.tolist() == op(np.array([7, -12, 5]), other).tolist()


def test_inplace_refusals():
    leaf = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="tan_.*leaf"):
        leaf.tan_()
    with pytest.raises(RuntimeError, match="sqrt_.*int64"):
        ag.tensor([4, 9]).sqrt_()
    x = ag.tensor([4, 9])
    with pytest.raises(RuntimeError, match="remainder_.*int64"):
        x %= 2.5                       # a float result cannot be written into int64
    assert x.tolist() == [4, 9] and x._version == 0


def test_a_saved_tensor_modified_in_place_makes_backward_name_the_op():
    a = ag.tensor([0.3, 0.6], requires_grad=True)
    y = a * 1.0
    z = ag.tan(y)                       # saves y
    y.floor_()
    with pytest.raises(RuntimeError, match="modified by an in-place operation: Tan"):
        z.sum().backward()


def test_tensor_method_aliases():
    x = ag.tensor([[1.0, 2.0, 3.0]])
    assert x.t().shape == (3, 1) and ag.tensor([1.0, 2.0]).t().shape == (2,)
    with pytest.raises(RuntimeError, match=r"t: .*\(2, 2, 2\)"):
        ag.ones(2, 2, 2).t()
    assert x.add(1, alpha=2).tolist() == [[3.0, 4.0, 5.0]]
    assert x.sub(x, alpha=0.5).tolist() == [[0.5, 1.0, 1.5]]
    assert x.div(2, rounding_mode="floor").tolist() == [[0.0, 1.0, 1.0]]
    assert (x / 4).arcsin().tolist() == ag.asin(x / 4).tolist() and x.fix().tolist() == x.tolist()
