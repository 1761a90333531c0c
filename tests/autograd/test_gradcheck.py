"""gradcheck, gradgradcheck and numerical_grad: they pass correct ops and catch wrong ones."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd.gradcheck import (
    GradcheckError,
    GradcheckWarning,
    gradcheck,
    gradgradcheck,
    numerical_grad,
)
from autograd.testing import broadcastable_shapes
from tests.autograd.custom_ops import Cube

RNG = np.random.default_rng(1234)


def t64(arr, requires_grad=True, name=None):
    return ag.tensor(np.asarray(arr, dtype=np.float64), requires_grad=requires_grad, name=name)


def rand(*shape, lo=0.5, hi=2.0):
    return RNG.uniform(lo, hi, shape)


# ------------------------------------------------------------ custom Functions
class CubeWrongConstant(Cube):
    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x ** 2  # should be 3


class CubeForgetsUpstream(Cube):
    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2  # never multiplies by grad


class CubeConstantBackward(Cube):
    """First derivative right, but computed on raw arrays: no second derivative."""

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * ag.Tensor._make(3 * x.array ** 2)


class CubeDetachedUpstream(Cube):
    """Right for x, but the recorded backward ignores how it depends on grad."""

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad.detach() * 3 * x ** 2


class MulNoBroadcast(ag.Function):
    """Forward broadcasts but backward does not sum back (and broadcasts is False)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * b, grad * a


class MulWrongSecond(MulNoBroadcast):
    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * b, grad * b  # input 1 should get grad * a


class ReLU(ag.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.mask = (x > 0).astype(x.dtype)
        return x * ctx.mask

    @staticmethod
    def backward(ctx, grad):
        return grad * ag.Tensor._make(ctx.mask)


class ReLUWrong(ReLU):
    @staticmethod
    def backward(ctx, grad):
        return grad * ag.Tensor._make(2 * ctx.mask)


class SplitHalves(ag.Function):
    """Two outputs; the second one's gradient is routed with the wrong sign."""

    @staticmethod
    def forward(ctx, x):
        return x[:2] * 1.0, x[2:] * 1.0

    @staticmethod
    def backward(ctx, g1, g2):
        return ag.tensor(np.concatenate([g1.array, -g2.array]))


# ------------------------------------------------------------ correct ops pass
PASSING = [
    # (name, f, input arrays)
    ("add", lambda a, b: a + b, [rand(3, 2), rand(1, 2)]),
    ("sub", lambda a, b: a - b, [rand(3, 2), rand(2)]),
    ("mul", lambda a, b: a * b, [rand(3, 2), rand(3, 1)]),
    ("div", lambda a, b: a / b, [rand(4), rand(4)]),
    ("pow", lambda a, b: a ** b, [rand(3), rand(3)]),
    ("pow scalar", lambda a: a ** 2.5, [rand(2, 3)]),
    ("neg", lambda a: -a, [rand(5)]),
    ("matmul", lambda a, b: a @ b, [rand(2, 3), rand(3, 4)]),
    ("batched matmul", lambda a, b: a @ b, [rand(2, 1, 3, 2), rand(3, 2, 2)]),
    ("matmul vec", lambda a, b: a @ b, [rand(3), rand(3, 2)]),
    ("custom cube", Cube.apply, [rand(2, 2)]),
    ("expression", lambda a, b: (a * b - a / b) ** 2, [rand(3), rand(3)]),
    ("scalar output", lambda a: a * a * a, [np.array(1.3)]),
    ("empty input", lambda a: a * 2.0, [np.zeros((0, 3))]),
    ("two outputs", lambda a, b: (a * b, a - b), [rand(2), rand(2)]),
    ("identity", lambda a: a, [rand(2, 2)]),
    ("unused input", lambda a, b: a * 2.0, [rand(2), rand(3)]),
    ("integer output skipped", lambda a: (a * a, ag.tensor([1, 2])), [rand(2)]),
]


@pytest.mark.parametrize("name,f,arrays", PASSING)
def test_correct_ops_pass(name, f, arrays):
    inputs = tuple(t64(a) for a in arrays)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no kink or dtype warnings on smooth float64 inputs
        assert gradcheck(f, inputs) is True
        assert gradgradcheck(f, inputs) is True


def test_inputs_are_left_untouched():
    x = t64(rand(3), name="x")
    before = x.array.copy()
    gradcheck(lambda t: t * t, x)
    gradgradcheck(lambda t: t * t, x)
    assert x.grad is None
    np.testing.assert_array_equal(x.array, before)
    assert x.dtype == np.float64 and x.requires_grad


def test_only_inputs_that_require_grad_are_checked():
    # input 1 does not require grad: its (wrong) gradient is not looked at
    a, b = t64(rand(2, 2)), t64(rand(2, 2), requires_grad=False)
    assert gradcheck(MulWrongSecond.apply, (a, b))
    with pytest.raises(GradcheckError):
        gradcheck(MulWrongSecond.apply, (a, b.requires_grad_()))


def test_non_tensor_arguments_pass_through():
    x = t64(rand(3))
    assert gradcheck(lambda t, p, scale: scale * t ** p, (x, 3, 0.5))


# ------------------------------------------------------------ wrong ops fail
def _fail(f, inputs, **kw) -> GradcheckError:
    with pytest.raises(GradcheckError) as info:
        gradcheck(f, inputs, **kw)
    return info.value


def test_wrong_constant_is_rejected_with_a_precise_message():
    x = t64(rand(3, 2), name="x")
    err = _fail(CubeWrongConstant.apply, x)
    msg = str(err)
    assert err.input_index == 0
    assert "input 0 ('x') of shape (3, 2)" in msg
    assert f"index {err.index}" in msg and len(err.index) == 2
    assert 0 <= err.index[0] < 3 and 0 <= err.index[1] < 2
    assert "analytic" in msg and "numeric" in msg and "error" in msg
    # the wrong backward is 2/3 of the true derivative at every element
    assert err.analytic == pytest.approx(err.numeric * 2 / 3, rel=1e-4)
    assert "6 of 6 elements differ" in msg


def test_worst_element_is_reported():
    # only one element is wrong: the error must point at it
    class OneWrong(Cube):
        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            bump = np.zeros(x.shape)
            bump[1, 2] = 5.0
            return grad * 3 * x ** 2 + grad * ag.Tensor._make(bump)

    err = _fail(OneWrong.apply, t64(rand(2, 4)))
    assert err.index == (1, 2)
    assert "1 of 8 elements differ" in str(err)


@pytest.mark.parametrize("wrap", [lambda y: y, lambda y: y * 3.0, lambda y: (y * y).sum()],
                         ids=["output", "scaled", "summed square"])
def test_forgetting_the_upstream_gradient_is_rejected(wrap):
    x = t64(rand(4), name="x")
    err = _fail(lambda t: wrap(CubeForgetsUpstream.apply(t)), x)
    assert err.input_index == 0
    assert "upstream" in str(err)


def test_forgetting_upstream_message_says_what_to_fix():
    err = _fail(CubeForgetsUpstream.apply, t64(rand(3)))
    assert "does not scale with the upstream gradient" in str(err)
    assert "multiply by the incoming gradient" in str(err)


def test_wrong_shape_is_rejected_naming_op_and_input():
    a, b = t64(rand(3, 2)), t64(rand(1, 2))
    err = _fail(MulNoBroadcast.apply, (a, b))
    assert "MulNoBroadcast.backward returned (3, 2) for input 1 of shape (1, 2)" in str(err)
    assert isinstance(err.__cause__, RuntimeError)


def test_gradient_in_another_dtype_is_rejected():
    class Downcast(Cube):
        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return (grad * 3 * x ** 2).float()

    err = _fail(Downcast.apply, t64(rand(3)))
    assert "float32 gradient for input 0 of shape (3,) of dtype float64" in str(err)


def test_wrong_second_input_is_named():
    err = _fail(MulWrongSecond.apply, (t64(rand(2, 2)), t64(rand(2, 2), name="w")))
    assert err.input_index == 1
    assert "input 1 ('w')" in str(err)


def test_wrong_second_output_gradient_is_rejected():
    x = t64(rand(5))
    err = _fail(SplitHalves.apply, x)
    assert err.index[0] >= 2  # only the elements feeding the second output are wrong


def test_raise_exception_false_returns_false():
    x = t64(rand(3))
    assert gradcheck(CubeWrongConstant.apply, x, raise_exception=False) is False
    assert gradcheck(Cube.apply, x, raise_exception=False) is True
    assert gradgradcheck(CubeConstantBackward.apply, x, raise_exception=False) is False


def test_random_f_is_reported():
    gen = np.random.default_rng(0)
    noisy = lambda t: t * ag.tensor(gen.uniform(0.5, 1.5, t.shape))  # noqa: E731
    with pytest.raises(GradcheckError, match="deterministic"):
        gradcheck(noisy, t64(rand(3)))


def test_f_writing_into_its_input_is_reported():
    class Scribbles(ag.Function):
        @staticmethod
        def forward(ctx, x):
            np.add(x, 1.0, out=x)
            return x.copy()

        @staticmethod
        def backward(ctx, grad):
            return grad

    with pytest.raises(GradcheckError, match="modified input 0 of shape"):
        gradcheck(Scribbles.apply, t64(rand(3)))


def test_gradcheck_error_is_a_runtime_error():
    assert issubclass(GradcheckError, RuntimeError)


def test_tolerances_are_applied():
    # a gradient off by 0.05% passes rtol=1e-3 and fails rtol=1e-5
    class Slightly(Cube):
        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3.0015 * x ** 2

    x = t64(rand(3))
    assert gradcheck(Slightly.apply, x, rtol=1e-3)
    with pytest.raises(GradcheckError):
        gradcheck(Slightly.apply, x, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("bad,error", [
    (lambda: gradcheck(lambda t: t * 2, t64(rand(2), requires_grad=False)), ValueError),
    (lambda: gradcheck(lambda t: t.array, t64(rand(2))), TypeError),
    (lambda: gradcheck(lambda t: t * 2, t64(rand(2)), grad_outputs=[np.ones(3)]), ValueError),
])
def test_bad_calls(bad, error):
    with pytest.raises(error):
        bad()


# ------------------------------------------------------------ kinks and dtypes
def test_kink_warns_instead_of_failing():
    x = t64([0.0, 1.5, -0.7])
    with pytest.warns(GradcheckWarning, match=r"kink at index \(0,\)"):
        assert gradcheck(ReLU.apply, x)


def test_kink_does_not_hide_a_wrong_gradient_elsewhere():
    x = t64([0.0, 1.5, -0.7])
    with pytest.warns(GradcheckWarning, match="kink"), pytest.raises(GradcheckError) as info:
        gradcheck(ReLUWrong.apply, x)
    assert info.value.index == (1,)


@pytest.mark.parametrize("name,f,arr", [
    ("relu at 0", lambda t: ag.relu(t), [0.0, 1.0]),
    ("abs at 0", lambda t: ag.abs(t), [0.0, -1.0]),
    ("max tie", lambda t: t.max(), [2.0, 2.0, 1.0]),
    ("maximum tie", lambda t: ag.maximum(t, t64([1.0, 0.0], requires_grad=False)), [1.0, 3.0]),
    ("clip bound", lambda t: ag.clip(t, -1.0, 1.0), [1.0, 0.5]),
    ("relu within eps", lambda t: ag.relu(t), [3e-7, 1.0]),
])
def test_library_kinks_warn(name, f, arr):
    with pytest.warns(GradcheckWarning, match="kink"):
        assert gradcheck(f, t64(arr))


def test_kink_in_the_first_derivative_warns_in_gradgradcheck():
    x = t64([0.0, 1.0, -1.0])
    with pytest.warns(GradcheckWarning, match=r"gradgradcheck: input 0 .* kink at index \(0,\)"):
        assert gradgradcheck(lambda t: ag.relu(t) * t, x)


def test_steep_smooth_functions_are_not_mistaken_for_kinks():
    x = t64([0.05, 0.1, 3.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gradcheck(lambda t: 1.0 / t, x)
        assert gradcheck(lambda t: t ** 6, t64([4.0, -3.0]))


def test_float32_inputs_are_checked_in_float64_with_a_note():
    x = ag.tensor([0.3, 1.2, -0.8], requires_grad=True)  # float32
    with pytest.warns(GradcheckWarning, match=r"input\(s\) 0 \(float32\) checked in float64"):
        assert gradcheck(lambda t: t * t * t, x)
    assert x.dtype == np.float32 and x.grad is None


def test_float32_promotion_still_catches_bugs():
    x = ag.tensor([0.3, 1.2, -0.8], requires_grad=True)
    with pytest.warns(GradcheckWarning), pytest.raises(GradcheckError):
        gradcheck(CubeWrongConstant.apply, x)


# ------------------------------------------------------------ numerical_grad
NUMERIC = [
    # (name, f, inputs, expected gradients)
    ("cube", lambda x: x ** 3, [[1.0, -2.0]], lambda x: [3 * x ** 2]),
    ("product", lambda x, y: x * y, [[1.0, 2.0], [3.0, 4.0]], lambda x, y: [y, x]),
    ("quotient", lambda x, y: x / y, [[1.0], [4.0]], lambda x, y: [1 / y, -x / y ** 2]),
    ("exp", lambda x: ag.exp(x), [[0.0, 1.0]], lambda x: [np.exp(x)]),
    ("sin", lambda x: ag.sin(x), [[0.3, 2.0]], lambda x: [np.cos(x)]),
    ("log", lambda x: ag.log(x), [[0.5, 3.0]], lambda x: [1 / x]),
    ("sum of squares", lambda x: (x * x).sum(), [[1.0, -3.0, 2.0]], lambda x: [2 * x]),
]


@pytest.mark.parametrize("name,f,inputs,expected", NUMERIC, ids=[n[0] for n in NUMERIC])
def test_numerical_grad_known_derivatives(name, f, inputs, expected):
    arrays = [np.asarray(a, dtype=np.float64) for a in inputs]
    got = numerical_grad(f, *[ag.tensor(a) for a in arrays])
    for g, want in zip(got, expected(*arrays)):
        np.testing.assert_allclose(g, want, rtol=1e-7, atol=1e-8)


def test_numerical_grad_vjp_and_multiple_outputs():
    x = ag.tensor(np.array([1.0, 2.0, 3.0]))
    v = np.array([0.5, -1.0, 2.0])
    (g,) = numerical_grad(lambda t: t * t, x, grad_outputs=[v])
    np.testing.assert_allclose(g, 2 * x.array * v, rtol=1e-7)
    (g,) = numerical_grad(lambda t: (t * 2.0, t * t), x)  # ones: d(sum of all outputs)
    np.testing.assert_allclose(g, 2 + 2 * x.array, rtol=1e-7)


def test_numerical_grad_promotes_float32_and_skips_constants():
    x = ag.tensor([0.1, 0.7])  # float32
    g, none = numerical_grad(lambda t, k: t ** k, x, 3)
    assert none is None and g.dtype == np.float64
    np.testing.assert_allclose(g, 3 * x.array.astype(np.float64) ** 2, rtol=1e-7)
    assert x.dtype == np.float32


# ------------------------------------------------------------ second order
def test_gradgradcheck_rejects_backward_on_raw_arrays():
    x = t64(rand(3), name="x")
    assert gradcheck(CubeConstantBackward.apply, x)  # first order is right ...
    with pytest.raises(GradcheckError) as info:     # ... second order is not
        gradgradcheck(CubeConstantBackward.apply, x)
    err = info.value
    assert "second derivative" in str(err) and "input 0 ('x')" in str(err)
    assert err.analytic == 0.0 and err.numeric != 0.0


def test_gradgradcheck_checks_dependence_on_the_upstream_gradient():
    x = t64(rand(3))
    assert gradcheck(CubeDetachedUpstream.apply, x)
    with pytest.raises(GradcheckError, match=r"grad_outputs\[0\]") as info:
        gradgradcheck(CubeDetachedUpstream.apply, x)
    assert info.value.input_index == 1


def test_gradgradcheck_wrong_second_derivative_custom():
    class CubeBadDouble(Cube):
        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            # same value as 3x^2 at run time, but its derivative in x is 0.5 * 6x
            c = ag.Tensor._make(1.5 * x.array ** 2)
            return grad * (1.5 * x ** 2 + c)

    x = t64(rand(2, 2))
    assert gradcheck(CubeBadDouble.apply, x)
    with pytest.raises(GradcheckError) as info:
        gradgradcheck(CubeBadDouble.apply, x)
    assert info.value.analytic == pytest.approx(info.value.numeric / 2, rel=1e-4)


# ------------------------------------------------------------ random graphs
UNARY = [ag.tanh, ag.sin, ag.sigmoid, lambda a: a.mean(dim=-1, keepdim=True),
         lambda a: ag.exp(ag.tanh(a)), lambda a: a * a]
BINARY = [ag.add, ag.sub, ag.mul, lambda a, b: a / (1.0 + b * b)]


@settings(max_examples=12, deadline=None, database=None)
@given(shapes=broadcastable_shapes(2, min_dims=1, max_dims=2, min_side=1, max_side=3),
       seed=st.integers(0, 2**31),
       program=st.lists(st.tuples(st.booleans(), st.integers(0, 5), st.integers(0, 99),
                                  st.integers(0, 99)), min_size=1, max_size=6))
def test_random_graphs_pass_gradcheck_and_gradgradcheck(shapes, seed, program):
    """Random programs over shared values: broadcasting, reuse and reductions mixed."""
    def f(x, y):
        values = [x, y]
        for binary, op, i, j in program:
            a, b = values[i % len(values)], values[j % len(values)]
            values.append(BINARY[op % len(BINARY)](a, b) if binary else UNARY[op](a))
        return values[-1] + values[0] * 0.5   # every program depends on x

    rng = np.random.default_rng(seed)
    inputs = tuple(t64(rng.uniform(-1.5, 1.5, s)) for s in shapes)
    assert gradcheck(f, inputs)
    assert gradgradcheck(f, inputs)
