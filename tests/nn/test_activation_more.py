"""The activation modules SELU ... RReLU: forward and gradients as their ops and as PyTorch's
modules, PyTorch's reprs, gradients at the corners, RReLU's seeded draw, constructor checks."""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

X = np.array([[-4.0, -3.0, -1.0, -0.5, -0.25], [0.0, 0.25, 0.5, 1.0, 3.0]])

#: (our module, PyTorch's constructor call as text, our functional form)
MODULES = [
    (lambda: nn.SELU(), "SELU()", F.selu),
    (lambda: nn.CELU(2.0), "CELU(2.0)", lambda x: F.celu(x, 2.0)),
    (lambda: nn.Mish(), "Mish()", F.mish),
    (lambda: nn.Hardswish(), "Hardswish()", F.hardswish),
    (lambda: nn.Hardsigmoid(), "Hardsigmoid()", F.hardsigmoid),
    (lambda: nn.Hardtanh(-2.0, 0.5), "Hardtanh(-2.0, 0.5)", lambda x: F.hardtanh(x, -2.0, 0.5)),
    (lambda: nn.ReLU6(), "ReLU6()", F.relu6),
    (lambda: nn.SiLU(), "SiLU()", F.silu),
    (lambda: nn.Softsign(), "Softsign()", F.softsign),
    (lambda: nn.Softmin(dim=1), "Softmin(dim=1)", lambda x: F.softmin(x, dim=1)),
    (lambda: nn.LogSigmoid(), "LogSigmoid()", F.logsigmoid),
    (lambda: nn.Tanhshrink(), "Tanhshrink()", F.tanhshrink),
    (lambda: nn.Softshrink(0.5), "Softshrink(0.5)", F.softshrink),
    (lambda: nn.Hardshrink(0.5), "Hardshrink(0.5)", F.hardshrink),
    (lambda: nn.Threshold(-0.5, 7.0), "Threshold(-0.5, 7.0)", lambda x: F.threshold(x, -0.5, 7.0)),
    (lambda: nn.GLU(dim=0), "GLU(dim=0)", lambda x: F.glu(x, 0)),
    (lambda: nn.RReLU(0.1, 0.3).eval(), "RReLU(0.1, 0.3).eval()",
     lambda x: F.rrelu(x, 0.1, 0.3)),
]
IDS = [m[1].split("(")[0] for m in MODULES]


@pytest.mark.parametrize("make,torch_text,functional", MODULES, ids=IDS)
def test_module_is_its_functional_op(make, torch_text, functional):
    x = ag.tensor(X)
    np.testing.assert_array_equal(make()(x).array, functional(x).array)


# written values (PyTorch's): each activation at a few points, the kinks included
@pytest.mark.parametrize("fn,x,want", [
    (F.selu, [-1.0, 0.0, 2.0], [-1.1113307, 0.0, 2.101402]),
    (lambda x: F.celu(x, 2.0), [-2.0, 1.0], [-1.2642411, 1.0]),
    (F.mish, [-1.0, 1.0], [-0.3034014, 0.8650984]),
    (F.hardswish, [-3.0, -1.0, 3.0], [0.0, -0.3333333, 3.0]),
    (F.hardsigmoid, [-3.0, 1.5, 3.0], [0.0, 0.75, 1.0]),
    (F.softsign, [-3.0], [-0.75]),
    (F.tanhshrink, [1.0], [1 - math.tanh(1.0)]),
    (lambda x: F.threshold(x, 1.0, -9.0), [1.0, 1.5], [-9.0, 1.5]),
])
def test_written_values(fn, x, want):
    np.testing.assert_allclose(fn(ag.tensor(x, dtype="float64")).array, want, rtol=1e-6)


# gradients where the pieces meet: PyTorch's are 0 at hardtanh's, relu6's and hardsigmoid's
# corners (clamp's would be 1), hardswish's are those of its outer pieces at ±3
@pytest.mark.parametrize("fn,x,want", [
    (F.hardtanh, [-1.0, 1.0, 0.0], [0.0, 0.0, 1.0]),
    (F.relu6, [0.0, 6.0, 3.0], [0.0, 0.0, 1.0]),
    (F.hardsigmoid, [-3.0, 3.0, 0.0], [0.0, 0.0, 1 / 6]),
    (F.hardswish, [-3.0, 3.0, -4.0, 4.0, 0.0], [0.0, 1.0, 0.0, 1.0, 0.5]),
    (F.softshrink, [-0.5, 0.5, 0.7], [0.0, 0.0, 1.0]),
    (F.hardshrink, [-0.5, 0.5, 0.7], [0.0, 0.0, 1.0]),
    (lambda x: F.threshold(x, 0.5, 0.0), [0.5, 0.7], [0.0, 1.0]),
])
def test_gradients_at_the_corners(fn, x, want):
    t = ag.tensor(x, dtype="float64", requires_grad=True)
    fn(t).sum().backward()
    np.testing.assert_allclose(t.grad.array, want, rtol=1e-12)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("make,torch_text,functional", MODULES, ids=IDS)
def test_module_matches_pytorch(torch, make, torch_text, functional):
    ours_mod = make()
    theirs_mod = eval("torch.nn." + torch_text, {"torch": torch})
    assert repr(ours_mod) == repr(theirs_mod)
    up = np.random.default_rng(0).normal(size=ours_mod(ag.tensor(X)).shape)
    x = ag.tensor(X, requires_grad=True)
    xt = torch.tensor(X, requires_grad=True)
    y, yt = ours_mod(x), theirs_mod(xt)
    np.testing.assert_allclose(y.array, yt.detach().numpy(), rtol=1e-7, atol=1e-12)
    (y * ag.tensor(up)).sum().backward()
    (yt * torch.tensor(up)).sum().backward()
    np.testing.assert_allclose(x.grad.array, xt.grad.numpy(), rtol=1e-7, atol=1e-12)


def test_reprs_with_inplace_match_pytorch(torch):
    pairs = [(nn.CELU(2.0, inplace=True), torch.nn.CELU(2.0, inplace=True)),
             (nn.Threshold(0.1, 20, True), torch.nn.Threshold(0.1, 20, True)),
             (nn.Mish(True), torch.nn.Mish(True)), (nn.RReLU(), torch.nn.RReLU()),
             (nn.Hardtanh(inplace=True), torch.nn.Hardtanh(inplace=True)),
             (nn.Softmin(), torch.nn.Softmin())]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)


# ------------------------------------------------------------------ RReLU
def test_rrelu_training_draws_a_seeded_slope_per_element():
    x = ag.tensor(-np.ones((4, 50)), requires_grad=True)
    ag.manual_seed(3)
    a = F.rrelu(x, 0.1, 0.3, training=True)
    ag.manual_seed(3)
    b = F.rrelu(x, 0.1, 0.3, training=True)
    np.testing.assert_array_equal(a.array, b.array)              # same seed, same slopes
    slopes = -a.array
    assert (slopes >= 0.1).all() and (slopes <= 0.3).all()
    assert len(np.unique(slopes)) > 100                         # one draw per element
    a.sum().backward()
    np.testing.assert_allclose(x.grad.array, slopes)             # d(a x)/dx = a
    pos = F.rrelu(ag.tensor([2.0, 3.0]), training=True)
    assert pos.tolist() == [2.0, 3.0]                           # positive inputs pass


def test_rrelu_generator_and_module_modes():
    x = ag.tensor(-np.ones(20))
    g1, g2 = ag.Generator().manual_seed(5), ag.Generator().manual_seed(5)
    np.testing.assert_array_equal(ag.rrelu(x, training=True, generator=g1).array,
                                  ag.rrelu(x, training=True, generator=g2).array)
    m = nn.RReLU(0.2, 0.4)
    assert m.training and len(np.unique(m(x).array)) > 1
    np.testing.assert_allclose(m.eval()(x).array, -0.3 * np.ones(20), rtol=1e-6)


# ------------------------------------------------------------------ constructor checks
@pytest.mark.parametrize("make,needle", [
    (lambda: nn.CELU(0.0), "alpha"),
    (lambda: nn.Hardtanh(2.0, 1.0), "min_val"),
    (lambda: nn.RReLU(0.5, 0.1), "lower"),
    (lambda: nn.Softshrink(-1.0), "lambd"),
    (lambda: nn.Hardshrink("big"), "lambd"),
    (lambda: nn.Threshold("low", 0.0), "threshold"),
])
def test_bad_constructor_arguments_name_the_layer(make, needle):
    with pytest.raises((ValueError, TypeError)) as e:
        make()
    assert needle in str(e.value)


def test_glu_refuses_an_odd_dim_and_softmin_warns_without_dim():
    with pytest.raises(ValueError, match="glu.*3"):
        nn.GLU()(ag.ones(2, 3))
    with pytest.warns(UserWarning, match="softmin"):
        y = nn.Softmin()(ag.ones(2, 3))
    np.testing.assert_allclose(y.array, np.full((2, 3), 1 / 3), rtol=1e-6)  # dim 1 for 2-D
