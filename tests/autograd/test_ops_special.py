"""The special functions and the further elementwise math: accuracy on many points, the
values at poles, zeros and infinities, dtypes, the gradients at the edges, PyTorch's alias
names and in-place forms. The generic walks over their rows are in test_ops_elementwise."""
import math

import numpy as np
import pytest

import autograd as ag
from autograd.ops import _special_math as sm

NAN, INF = math.nan, math.inf
EULER = 0.5772156649015329
ZETA3 = 1.2020569031595942
EDGES = [0.0, -0.0, -1.0, -2.0, -2.5, INF, -INF, NAN, 1.0, 2.0, 1e-300, 1e300]


def _f64(values):
    return ag.tensor(np.asarray(values, dtype=np.float64))


def _points():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-20, 20, 1500), rng.uniform(0, 3, 1500),
                        np.exp(rng.uniform(-30, 300, 300)), rng.uniform(-0.5, 0.5, 200)])
    return x[x != np.floor(x)]


# ------------------------------------------------------------------ accuracy
def test_lgamma_matches_math_lgamma_on_many_points():
    x = _points()
    want = np.array([math.lgamma(v) for v in x])
    got = ag.lgamma(_f64(x)).numpy()
    # math.lgamma itself loses relative accuracy next to the zeros at 1 and 2
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13)
    away = (np.abs(x - 1) > 0.1) & (np.abs(x - 2) > 0.1)
    np.testing.assert_allclose(got[away], want[away], rtol=1e-13, atol=0)


def test_gamma_family_against_high_precision():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    x = _points()[::7]
    lg = np.array([float(mpmath.log(abs(mpmath.gamma(v)))) if v < 170 else
                   float(mpmath.loggamma(v).real) for v in x])
    np.testing.assert_allclose(sm.lgamma(x), lg, rtol=2e-14)
    for n, rtol in ((0, 1e-12), (1, 1e-12), (2, 1e-13), (4, 1e-13)):
        want = np.array([float(mpmath.polygamma(n, v)) for v in x])
        np.testing.assert_allclose(sm.polygamma(n, x), want, rtol=rtol, atol=1e-300,
                                   err_msg=f"polygamma({n})")


def test_written_values():
    one_half = _f64([1.0, 0.5])
    np.testing.assert_allclose(ag.digamma(one_half).numpy(),
                               [-EULER, -EULER - 2 * math.log(2)], rtol=1e-15)
    np.testing.assert_allclose(ag.polygamma(1, one_half).numpy(),
                               [math.pi ** 2 / 6, math.pi ** 2 / 2], rtol=1e-15)
    np.testing.assert_allclose(ag.polygamma(2, _f64([1.0])).numpy(), [-2 * ZETA3], rtol=1e-15)
    np.testing.assert_allclose(ag.polygamma(3, _f64([1.0])).numpy(), [math.pi ** 4 / 15],
                               rtol=1e-15)
    # ψ(n + 1) = H_n − γ; Γ(n) = (n − 1)!
    harmonic = np.cumsum(1.0 / np.arange(1, 30))
    np.testing.assert_allclose(ag.digamma(_f64(np.arange(2, 31))).numpy(), harmonic - EULER,
                               rtol=1e-15)
    np.testing.assert_allclose(ag.lgamma(_f64(np.arange(1, 60))).numpy(),
                               [math.log(math.factorial(n - 1)) for n in range(1, 60)],
                               rtol=1e-15)
    np.testing.assert_allclose(ag.mvlgamma(_f64([2.5]), 2).numpy(),
                               [math.lgamma(2.5) + math.lgamma(2.0) + 0.5 * math.log(math.pi)])
    np.testing.assert_allclose(ag.i0(_f64([0.0, 1.0])).numpy(), [1.0, 1.2660658777520082],
                               rtol=1e-15)
    np.testing.assert_allclose(ag.sinc(_f64([0.0, 0.5, -1.5])).numpy(),
                               [1.0, 2 / math.pi, -2 / (3 * math.pi)], rtol=1e-15)


def test_digamma_reflection():
    x = np.linspace(-7.9, 7.9, 300)
    x = x[np.abs(x - np.round(x)) > 1e-3]
    lhs = ag.digamma(_f64(1 - x)).numpy() - ag.digamma(_f64(x)).numpy()
    np.testing.assert_allclose(lhs, math.pi / np.tan(math.pi * x), rtol=1e-11, atol=1e-11)


# ------------------------------------------------------------------ edges
def test_values_at_poles_zeros_and_infinities():
    x = _f64(EDGES)
    want_lgamma = [INF, INF, INF, INF, -0.05624371649767405, INF, INF, NAN, 0.0, 0.0,
                   690.7755278982137, 6.897755278982137e302]
    np.testing.assert_allclose(ag.lgamma(x).numpy(), want_lgamma, rtol=1e-14)
    d = ag.digamma(x).numpy()
    assert d[0] == -INF and d[1] == INF and np.isnan(d[[2, 3, 6, 7]]).all() and d[5] == INF
    assert d[10] == pytest.approx(-1e300, rel=1e-15)
    p2 = ag.polygamma(2, x).numpy()
    assert (p2[[0, 1, 2, 3, 6, 10]] == -INF).all() and np.isnan(p2[[5, 7]]).all()
    p3 = ag.polygamma(3, x).numpy()
    assert (p3[[0, 1, 2, 3, 6]] == INF).all() and np.isnan(p3[[5, 7]]).all()
    p1 = ag.polygamma(1, x).numpy()
    assert p1[0] == INF and p1[5] == 0.0 and np.isnan(p1[[6, 7]]).all()
    i0 = ag.i0(x).numpy()
    assert np.isnan(i0[[5, 6, 7]]).all() and i0[11] == INF and i0[0] == 1.0
    s = ag.sinc(x).numpy()
    assert s[0] == 1.0 and s[1] == 1.0 and np.isnan(s[[5, 6, 7]]).all()


def test_edges_match_pytorch():
    torch = pytest.importorskip("torch")
    x, tx = _f64(EDGES), torch.tensor(EDGES, dtype=torch.float64)
    pairs = [(ag.lgamma(x), torch.lgamma(tx)), (ag.digamma(x), torch.digamma(tx)),
             (ag.i0(x), torch.i0(tx)), (ag.sinc(x), torch.sinc(tx))]
    pairs += [(ag.polygamma(n, x), torch.polygamma(n, tx)) for n in (2, 3, 4)]
    pairs += [(ag.mvlgamma(x, 2), torch.mvlgamma(tx, 2))]
    for k, (got, want) in enumerate(pairs):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12, err_msg=str(k))
    # PyTorch's trigamma is accurate to about 5e-10 (the huge finite values at the negative
    # integers come from its reflection through sin(πx), as ours)
    np.testing.assert_allclose(ag.polygamma(1, x).numpy(), torch.polygamma(1, tx).numpy(),
                               rtol=1e-9)


def test_many_points_match_pytorch():
    torch = pytest.importorskip("torch")
    x = _points()[::3]
    tx = torch.tensor(x)
    for ours, theirs, rtol in [(ag.lgamma, torch.lgamma, 1e-12), (ag.digamma, torch.digamma, 1e-11),
                               (ag.i0, torch.i0, 1e-13), (ag.sinc, torch.sinc, 1e-12)]:
        np.testing.assert_allclose(ours(_f64(x)).numpy(), theirs(tx).numpy(), rtol=rtol,
                                   atol=1e-14, err_msg=ours.__name__)
    # PyTorch's trigamma stops its asymptotic series early (about 5e-10 relative)
    np.testing.assert_allclose(ag.polygamma(1, _f64(x)).numpy(),
                               torch.polygamma(1, tx).numpy(), rtol=1e-8)
    np.testing.assert_allclose(ag.polygamma(3, _f64(x)).numpy(),
                               torch.polygamma(3, tx).numpy(), rtol=1e-12)


def test_gradients_at_the_edges():
    x = ag.tensor([0.0, -0.0, 1.0], dtype=ag.float64, requires_grad=True)
    ag.sinc(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, -1.0]
    x = ag.tensor([0.0, 2.0], dtype=ag.float64, requires_grad=True)
    ag.i0(x).sum().backward()
    assert x.grad.tolist()[0] == 0.0
    np.testing.assert_allclose(x.grad.tolist()[1], 1.5906368546373291, rtol=1e-14)  # I₁(2)
    x = ag.tensor([0.0, -1.0, 2.0], dtype=ag.float64, requires_grad=True)
    ag.lgamma(x).sum().backward()
    g = x.grad.numpy()
    assert g[0] == -INF and np.isnan(g[1]) and g[2] == pytest.approx(1 - EULER, rel=1e-15)
    # the second derivative of i0 at 0 is I₁'(0) = 1/2
    x = ag.tensor([0.0], dtype=ag.float64, requires_grad=True)
    (g,) = ag.grad(ag.i0(x).sum(), x, create_graph=True)
    (gg,) = ag.grad(g.sum(), x)
    assert gg.tolist() == [0.5]


def test_gradients_at_the_edges_match_pytorch():
    torch = pytest.importorskip("torch")
    pts = [0.0, 1.0, 2.5, -2.5, 0.3]
    for name in ("lgamma", "digamma", "i0", "sinc"):
        x = ag.tensor(pts, dtype=ag.float64, requires_grad=True)
        tx = torch.tensor(pts, dtype=torch.float64, requires_grad=True)
        getattr(ag, name)(x).sum().backward()
        getattr(torch, name)(tx).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-8, err_msg=name)


# ------------------------------------------------------------------ dtypes and errors
@pytest.mark.parametrize("name", ["lgamma", "digamma", "i0", "sinc", "deg2rad", "rad2deg"])
def test_integer_input_gives_float32(name):
    assert getattr(ag, name)(ag.tensor([1, 2, 3])).dtype == ag.float32
    assert getattr(ag, name)(ag.tensor([1.5], dtype=ag.float64)).dtype == ag.float64
    assert ag.polygamma(1, ag.tensor([1, 2])).dtype == ag.float32
    assert ag.mvlgamma(ag.tensor([3]), 2).dtype == ag.float32


def test_order_and_dimension_errors():
    with pytest.raises(RuntimeError, match="polygamma.*negative n"):
        ag.polygamma(-1, ag.tensor([1.0]))
    with pytest.raises(TypeError, match="polygamma.*int"):
        ag.polygamma(1.5, ag.tensor([1.0]))
    with pytest.raises(RuntimeError, match="p has to be greater than or equal to 1"):
        ag.mvlgamma(ag.tensor([3.0]), 0)


def test_methods_and_in_place_forms():
    x = ag.tensor([1.5, 2.5], dtype=ag.float64)
    np.testing.assert_array_equal(x.polygamma(2).numpy(), ag.polygamma(2, x).numpy())
    np.testing.assert_array_equal(x.mvlgamma(2).numpy(), ag.mvlgamma(x, 2).numpy())
    for name in ("lgamma", "digamma", "i0", "sinc", "deg2rad", "rad2deg"):
        y = x.clone()
        before = y._version
        assert getattr(y, name + "_")() is y and y._version > before
        np.testing.assert_array_equal(y.numpy(), getattr(ag, name)(x).numpy())
    y = x.clone()
    y.polygamma_(1)
    np.testing.assert_array_equal(y.numpy(), ag.polygamma(1, x).numpy())
    with pytest.raises(RuntimeError, match="lgamma_"):
        ag.tensor([1, 2]).lgamma_()


# ------------------------------------------------------------------ the further elementwise math
def test_fmax_fmin_nan_and_ties_send_the_gradient_as_pytorch():
    a = ag.tensor([1.0, NAN, 2.0, NAN, 3.0], dtype=ag.float64, requires_grad=True)
    b = ag.tensor([1.0, 2.0, NAN, NAN, 1.0], dtype=ag.float64, requires_grad=True)
    y = ag.fmax(a, b)
    np.testing.assert_array_equal(y.numpy(), [1.0, 2.0, 2.0, NAN, 3.0])
    y.sum().backward()
    assert a.grad.tolist() == [1, 0, 1, 1, 1] and b.grad.tolist() == [0, 1, 0, 0, 0]
    a.grad = b.grad = None
    y = ag.fmin(a, b)
    np.testing.assert_array_equal(y.numpy(), [1.0, 2.0, 2.0, NAN, 1.0])
    y.sum().backward()
    assert a.grad.tolist() == [1, 0, 1, 1, 0] and b.grad.tolist() == [0, 1, 0, 0, 1]
    assert ag.fmax(ag.tensor([1]), ag.tensor([2.5])).dtype == ag.float32


def test_integer_ops():
    assert ag.gcd(ag.tensor([-4, 0, 0, 7]), ag.tensor([6, 0, -5, 0])).tolist() == [2, 0, 5, 7]
    assert ag.lcm(ag.tensor([-4, 0, 3, 7]), ag.tensor([6, 0, -5, 0])).tolist() == [12, 0, 15, 0]
    assert ag.gcd(ag.tensor([4], dtype=ag.int32), ag.tensor([6])).dtype == ag.int64
    with pytest.raises(NotImplementedError, match="gcd.*Float"):
        ag.gcd(ag.tensor([4.0]), ag.tensor([6.0]))
    with pytest.raises(TypeError, match="gcd"):
        ag.gcd(ag.tensor([4]), 6)
    x = ag.tensor([4, 9])
    assert x.gcd_(ag.tensor([6, 6])) is x and x.tolist() == [2, 3]


def test_float_power_is_float64_and_its_gradient_keeps_the_input_dtype():
    x = ag.tensor([1.5, 2.0], requires_grad=True)
    y = ag.float_power(x, 2)
    assert y.dtype == ag.float64
    y.sum().backward()
    assert x.grad.dtype == ag.float32 and x.grad.tolist() == [3.0, 4.0]
    assert ag.float_power(2, ag.tensor([3])).tolist() == [8.0]
    assert np.isnan(ag.float_power(ag.tensor([-8.0]), 1 / 3).item())
    with pytest.raises(RuntimeError, match="float_power_.*float64"):
        ag.tensor([2.0]).float_power_(2)
    z = ag.tensor([2.0], dtype=ag.float64)
    assert z.float_power_(3) is z and z.tolist() == [8.0]


def test_ldexp_frexp_nextafter_heaviside_signbit():
    assert ag.ldexp(ag.tensor([1, 2]), ag.tensor([3, -1])).tolist() == [8.0, 1.0]
    assert ag.ldexp(ag.tensor([1.0], dtype=ag.float64), ag.tensor([3])).dtype == ag.float64
    m, e = ag.frexp(ag.tensor([8.0, 0.0, -3.0, INF]))
    assert m.tolist()[:3] == [0.5, 0.0, -0.75] and e.dtype == ag.int32
    assert e.tolist() == [4, 0, 2, 0]
    with pytest.raises(RuntimeError, match="frexp"):
        ag.frexp(ag.tensor([1]))
    step = ag.nextafter(ag.tensor([1.0]), ag.tensor([2.0])) - 1
    assert step.item() == 2.0 ** -23  # a float32 step
    with pytest.raises(NotImplementedError, match="nextafter"):
        ag.nextafter(ag.tensor([1]), ag.tensor([2]))
    h = ag.heaviside(ag.tensor([-1.0, 0.0, -0.0, 2.0, NAN]), ag.tensor([0.5]))
    assert h.tolist() == [0.0, 0.5, 0.5, 1.0, 0.0]
    with pytest.raises(RuntimeError, match="heaviside.*different dtypes"):
        ag.heaviside(ag.tensor([1.0]), ag.tensor([1.0], dtype=ag.float64))
    x = ag.tensor([1.0, -2.0], requires_grad=True)
    y = ag.heaviside(x, ag.tensor([0.5]))
    with pytest.raises(RuntimeError, match="heaviside.*not implemented"):
        y.sum().backward()
    s = ag.signbit(ag.tensor([-0.0, 0.0, -NAN, NAN, -1.0]))
    assert s.tolist() == [True, False, True, False, True] and not s.requires_grad
    assert ag.signbit(ag.tensor([True])).tolist() == [False]


def test_frexp_and_nextafter_gradients_as_pytorch():
    x = ag.tensor([8.0, 3.0], requires_grad=True)
    m, e = ag.frexp(x)
    assert not e.requires_grad
    m.sum().backward()
    assert x.grad.tolist() == [0.0625, 0.25]
    a = ag.tensor([0.5, 0.2], requires_grad=True)
    b = ag.tensor([0.5, 0.3], requires_grad=True)
    (ag.nextafter(a, b) * 0.7).sum().backward()
    assert a.grad.tolist() == pytest.approx([0.0, 0.7]) and b.grad.tolist() == [0.0, 0.0]


# ------------------------------------------------------------------ alias names
ALIASES = {"divide": "div", "true_divide": "div", "multiply": "mul", "subtract": "sub",
           "negative": "neg", "absolute": "abs", "greater": "gt", "greater_equal": "ge",
           "less": "lt", "less_equal": "le", "not_equal": "ne"}


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_alias_names(alias):
    op = ALIASES[alias]
    assert getattr(ag, alias) is getattr(ag, op)
    a, b = ag.tensor([3.0, -1.0]), ag.tensor([2.0, -1.0])
    args = () if op in ("neg", "abs") else (b,)
    np.testing.assert_array_equal(getattr(a, alias)(*args).numpy(),
                                  getattr(a, op)(*args).numpy())
    if hasattr(a, alias + "_"):
        x, y = a.clone(), a.clone()
        assert getattr(x, alias + "_")(*args) is x
        getattr(y, op + "_")(*args)
        np.testing.assert_array_equal(x.numpy(), y.numpy())


def test_alias_keywords_and_positive():
    a = ag.tensor([7.0, -7.0])
    assert a.divide(2, rounding_mode="floor").tolist() == [3.0, -4.0]
    assert a.subtract(ag.tensor([1.0, 1.0]), alpha=2).tolist() == [5.0, -9.0]
    assert ag.positive(a) is a and a.positive() is a
    with pytest.raises(RuntimeError, match="bool"):
        ag.positive(ag.tensor([True]))


def test_alias_and_in_place_names_follow_pytorch():
    torch = pytest.importorskip("torch")
    from autograd.inplace_functions import INPLACE_FUNCTIONS

    for name in list(ALIASES) + ["positive"]:
        assert hasattr(torch, name) and hasattr(torch.Tensor, name), name
    for name in INPLACE_FUNCTIONS:
        assert hasattr(torch, name) and hasattr(torch.Tensor, name), name
    for name in ("divide_", "true_divide_", "multiply_", "subtract_", "greater_",
                 "greater_equal_", "less_", "less_equal_", "not_equal_"):
        assert hasattr(torch.Tensor, name) and hasattr(ag.Tensor, name), name


def test_top_level_in_place_functions():
    x = ag.tensor([0.0, 1.0])
    assert ag.exp_(x) is x and x.tolist() == pytest.approx([1.0, math.e])
    y = ag.tensor([-2.0, 0.5, 3.0])
    assert ag.clamp_(y, 0, 1) is y and y.tolist() == [0.0, 0.5, 1.0]
    z = ag.tensor([180.0])
    ag.deg2rad_(z)
    assert z.item() == pytest.approx(math.pi)
    with pytest.raises(TypeError, match="sqrt_.*Tensor"):
        ag.sqrt_([1.0])
    w = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        ag.exp_(w)  # a leaf that requires grad, as PyTorch


def test_polygamma_takes_its_order_first_and_draws_it():
    from autograd import viz

    with pytest.raises(TypeError, match="polygamma.*'n'.*Tensor"):
        ag.polygamma(ag.tensor([1.0]), 1)
    y = ag.polygamma(12, ag.tensor([1.0, 2.0], requires_grad=True))
    assert [viz.op_symbol(op.cls, op.args) for op in viz.snapshot(y).ops] == ["ψ⁽¹²⁾"]
