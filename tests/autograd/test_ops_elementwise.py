"""Elementwise ops (arith, unary math, selection): the table and its walks."""
import math

import numpy as np
import pytest

import autograd as ag
from autograd.errors import OpError
from autograd.testing import Input
from tests.autograd import rows_activation, rows_compare, rows_math, rows_special
from tests.autograd.opspec import Nan, OpSpec, torch_walk, walk
from tests.robustness import bad_op_cases as bad
from tests.robustness.bad_input_helpers import t

_erf = np.vectorize(math.erf, otypes=[float])


def _np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _np_gelu(x):
    return x * 0.5 * (1 + _erf(x / math.sqrt(2)))


def _F(T):
    return T.nn.functional


def _unary(name, fn, ref, **kw):
    """A one-input elementwise op: refuses non-Tensors, NaN stays in place."""
    return OpSpec(name, fn, ref, torch=kw.pop("torch", name), bad=bad.UNARY_BAD,
                  nan=Nan(fn, in_place=True), non_tensor=(), **kw)


def _binary(name, fn, ref, **kw):
    """A two-input broadcasting op: clashing shapes are refused, NaN stays in place."""
    nan = Nan(lambda x: fn(x, t(3, 4)), empty=lambda x: fn(x, t(0, 4)), in_place=True)
    return OpSpec(name, fn, ref, torch=kw.pop("torch", name), bad=bad.BINARY_BAD, nan=nan, **kw)


TABLE = [
    _binary("add", ag.add, np.add, inputs=(2,)),
    _binary("sub", ag.sub, np.subtract, inputs=(2,)),
    _binary("mul", ag.mul, np.multiply, inputs=(2,)),
    _binary("div", ag.div, np.divide, inputs=(Input(domain="any"), Input(domain="nonzero"))),
    _unary("neg", ag.neg, np.negative),
    _binary("pow", ag.pow, np.power, inputs=(Input(domain="positive"), Input(domain="any"))),
    OpSpec("pow", lambda x: x ** 3, lambda x: x ** 3, torch=lambda T, x: x ** 3),
    OpSpec("pow", lambda x: x ** 2.5, lambda x: x ** 2.5, domain="positive",
           torch=lambda T, x: x ** 2.5),
    _unary("exp", ag.exp, np.exp),
    _unary("log", ag.log, np.log, domain="positive"),
    _unary("sqrt", ag.sqrt, np.sqrt, domain="positive"),
    _unary("abs", ag.abs, np.abs, domain="nonzero"),
    _unary("sin", ag.sin, np.sin),
    _unary("cos", ag.cos, np.cos),
    _unary("tanh", ag.tanh, np.tanh),
    _unary("sigmoid", ag.sigmoid, _np_sigmoid),
    _unary("erf", ag.erf, _erf),
    OpSpec("cast", lambda x: ag.cast(x, np.float64) * 2, lambda x: x * 2,
           torch=lambda T, x: x.to(T.float64) * 2, bad=(("dtype", bad.fixed(bad.cast_dtype)),),
           nan=Nan(lambda x: ag.cast(x, "float32"), in_place=True), non_tensor=("float32",)),
    _unary("clone", ag.clone, np.copy),
    # shifted so equal draws never tie (ties have their own test)
    _binary("maximum", lambda a, b: ag.maximum(a, b + 0.05), lambda a, b: np.maximum(a, b + 0.05),
            inputs=(2,), torch=lambda T, a, b: T.maximum(a, b + 0.05)),
    _binary("minimum", lambda a, b: ag.minimum(a, b + 0.05), lambda a, b: np.minimum(a, b + 0.05),
            inputs=(2,), torch=lambda T, a, b: T.minimum(a, b + 0.05)),
    OpSpec("where", lambda a, b: ag.where(a.array > 0, a, b),
           lambda a, b: np.where(a > 0, a, b), (2,), domain="nonzero",
           torch=lambda T, a, b: T.where(a > 0, a, b),
           bad=(("broadcast", bad.fixed(bad.where_clash)),),
           nan=Nan(lambda x: ag.where(np.ones((3, 4), bool), x, t(3, 4)),
                   empty=lambda x: ag.where(np.ones((0, 4), bool), x, t(0, 4)))),
    OpSpec("clip", lambda x: ag.clip(x, -0.5, 0.7), lambda x: np.clip(x, -0.5, 0.7),
           domain=(-0.45, 0.65), torch=lambda T, x: T.clip(x, -0.5, 0.7),
           bad=(("bounds", bad.fixed(bad.clip_bounds)),),
           nan=Nan(lambda x: ag.clip(x, -0.5, 0.5), in_place=True)),
    OpSpec("clip", lambda x: ag.clip(x, min=0.9), lambda x: np.clip(x, 0.9, None),
           domain=(1.0, 2.0), torch=lambda T, x: T.clip(x, min=0.9)),
    _unary("relu", ag.relu, lambda x: np.maximum(x, 0), domain="nonzero"),
    OpSpec("leaky_relu", lambda x: ag.leaky_relu(x, 0.1), lambda x: np.where(x > 0, x, 0.1 * x),
           domain="nonzero", torch=lambda T, x: _F(T).leaky_relu(x, 0.1), bad=bad.UNARY_BAD,
           nan=Nan(ag.leaky_relu, in_place=True), non_tensor=()),
    OpSpec("elu", ag.elu, lambda x: np.where(x > 0, x, np.expm1(x)), domain="nonzero",
           torch=lambda T, x: _F(T).elu(x),
           bad=bad.UNARY_BAD + (("alpha-str", bad.fixed(bad.elu_alpha)),),
           nan=Nan(ag.elu, in_place=True), non_tensor=()),
    OpSpec("gelu", ag.gelu, _np_gelu, torch=lambda T, x: _F(T).gelu(x),
           bad=bad.UNARY_BAD + (("approximate", bad.fixed(bad.gelu_mode)),),
           nan=Nan(ag.gelu, in_place=True), non_tensor=()),
    OpSpec("gelu", lambda x: ag.gelu(x, approximate="tanh"),
           lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3))),
           torch=lambda T, x: _F(T).gelu(x, approximate="tanh")),
    OpSpec("softplus", ag.softplus, lambda x: np.log1p(np.exp(x)),
           torch=lambda T, x: _F(T).softplus(x), bad=bad.UNARY_BAD,
           nan=Nan(ag.softplus, in_place=True), non_tensor=()),
    OpSpec("softplus", lambda x: ag.softplus(x, beta=2.0, threshold=1.0),
           lambda x: np.where(2 * x > 1.0, x, np.log1p(np.exp(2 * x)) / 2), domain=(0.6, 2.0),
           torch=lambda T, x: _F(T).softplus(x, beta=2.0, threshold=1.0)),
]


# the families beyond the core, kept in files of their own (each under 500 lines)
TABLE += rows_math.ROWS + rows_compare.ROWS + rows_activation.ROWS + rows_special.ROWS


@pytest.mark.parametrize("spec", TABLE, ids=str)
def test_op(spec):
    walk(spec)


@pytest.mark.parametrize("spec", [s for s in TABLE if s.torch], ids=str)
def test_pytorch_parity(spec):
    torch_walk(spec)


@pytest.mark.parametrize("op", [ag.add, ag.sub, ag.mul, ag.div, ag.maximum, ag.pow])
def test_binary_shape_mismatch_names_op_and_shapes(op):
    a, b = ag.ones(3, 2), ag.ones(4, 2)
    with pytest.raises(ValueError) as e:
        op(a, b)
    msg = str(e.value)
    assert op.__name__ in msg and "(3, 2)" in msg and "(4, 2)" in msg


def test_python_scalars_keep_float32():
    x = ag.ones(2)
    for y in (x + 1, 2.0 * x, x / 3, x ** 2, 1 - x, ag.maximum(x, 0.5), ag.where(x > 0, x, 0.0)):
        assert y.dtype == np.float32


def test_numpy_array_on_the_left_defers_to_tensor():
    y = np.ones(2) * ag.tensor([1.0, 2.0], requires_grad=True)
    assert isinstance(y, ag.Tensor) and y.requires_grad


def test_maximum_tie_splits_gradient():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([1.0, 3.0], requires_grad=True)
    ag.maximum(a, b).sum().backward()
    assert a.grad.tolist() == [0.5, 0.0] and b.grad.tolist() == [0.5, 1.0]


def test_sigmoid_and_softplus_stay_finite_at_extremes():
    x = ag.tensor([-1e4, -50.0, 0.0, 50.0, 1e4], requires_grad=True)
    y = ag.sigmoid(x) + ag.softplus(x) * 0
    y.sum().backward()
    assert np.isfinite(y.array).all() and np.isfinite(x.grad.array).all()


def test_relu_gradient_at_zero_is_zero():
    x = ag.tensor([0.0], requires_grad=True)
    ag.relu(x).sum().backward()
    assert x.grad.item() == 0.0


def test_integer_pow_negative_exponents():
    x = ag.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match=r"pow: Integers to negative integer powers .*int64"):
        x ** -2
    with pytest.raises(OpError, match="dtype bool, exponent -1"):
        ag.tensor([True, False]) ** -1
    # a tensor exponent computes, as PyTorch: 1 ** -n = 1, (-1) ** -n = +-1, other bases 0
    assert (ag.tensor([0, -1, -2, 1, 2]) ** ag.tensor(-1)).tolist() == [0, -1, 0, 1, 0]
    assert (ag.tensor([-1, -1]) ** ag.tensor([-2, -3])).tolist() == [1, -1]
    assert (2 ** ag.tensor([-1, 0, 1])).tolist() == [0, 1, 2]
    y = x ** -2.0  # a float exponent gives the default float dtype
    assert y.dtype == ag.float32 and y.tolist() == pytest.approx([1.0, 0.25, 1 / 9])
    assert (ag.tensor([True, False]) ** 2).dtype == ag.int64


def test_integer_pow_matches_pytorch():
    torch = pytest.importorskip("torch")
    base, exp = [0, -1, -2, 1, 2, 3], [-1, -2, -3, 2, 0, 1]
    mine = ag.tensor(base) ** ag.tensor(exp)
    assert mine.tolist() == (torch.tensor(base) ** torch.tensor(exp)).tolist()
    for e in (0.5, 2, True):
        mine, theirs = ag.tensor(base[3:]) ** e, torch.tensor(base[3:]) ** e
        assert mine.numpy().dtype == theirs.numpy().dtype
    with pytest.raises(RuntimeError) as theirs:
        torch.tensor(base) ** -2
    with pytest.raises(RuntimeError, match=str(theirs.value).rstrip(".")):
        ag.tensor(base) ** -2


def test_pow_gradient_wrt_exponent_at_zero_base():
    a = ag.tensor([0.0, 2.0], dtype="float64")
    b = ag.tensor([2.0, 3.0], dtype="float64", requires_grad=True)
    (a ** b).sum().backward()
    np.testing.assert_allclose(b.grad.array, [0.0, 8 * math.log(2)])
