"""torch.distributions' everyday subset: values, gradients, draws and errors."""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
from autograd.distributions import (
    Bernoulli,
    Beta,
    Categorical,
    Exponential,
    Independent,
    MultivariateNormal,
    Normal,
    OneHotCategorical,
    Uniform,
    kl_divergence,
    register_kl,
)


def t64(x, grad=False):
    return ag.tensor(np.asarray(x, dtype=np.float64), requires_grad=grad)


# ---- written expected values (always run) -------------------------------------------------

def test_normal_values():
    d = Normal(t64([0.0, 1.0]), t64([1.0, 2.0]))
    lp = d.log_prob(t64([0.0, 3.0])).numpy()
    half_log_2pi = 0.5 * math.log(2 * math.pi)
    assert np.allclose(lp, [-half_log_2pi, -half_log_2pi - math.log(2) - 0.5])
    assert np.allclose(d.entropy().numpy(), [0.5 + half_log_2pi, 0.5 + half_log_2pi + math.log(2)])
    assert np.allclose(d.variance.numpy(), [1.0, 4.0]) and np.allclose(d.stddev.numpy(), [1, 2])
    assert np.allclose(d.cdf(t64([0.0, 1.0])).numpy(), [0.5, 0.5])
    assert np.allclose(d.icdf(t64([0.5, 0.5])).numpy(), [0.0, 1.0])
    assert d.batch_shape == (2,) and d.event_shape == () and d.has_rsample


def test_log_prob_gradient_by_hand():
    loc, scale = t64(0.5, grad=True), t64(2.0, grad=True)
    Normal(loc, scale).log_prob(t64(1.5)).backward()
    # d/dmu = (x - mu) / s^2; d/ds = (x - mu)^2 / s^3 - 1 / s
    assert np.isclose(loc.grad.item(), 0.25) and np.isclose(scale.grad.item(), 0.125 - 0.5)


def test_uniform_exponential_values():
    u = Uniform(t64([0.0, -1.0]), t64([4.0, 1.0]))
    assert np.allclose(u.log_prob(t64([1.0, 0.0])).numpy(), [-math.log(4), -math.log(2)])
    assert np.allclose(u.entropy().numpy(), [math.log(4), math.log(2)])
    assert np.allclose(u.mean.numpy(), [2.0, 0.0])
    assert np.allclose(u.variance.numpy(), [16 / 12, 4 / 12])
    assert np.isnan(u.mode.numpy()).all()
    out = Uniform(0.0, 1.0, validate_args=False).log_prob(ag.tensor([1.5, 1.0]))
    assert np.isneginf(out.numpy()).all()  # outside [low, high) has zero density
    e = Exponential(t64(2.0))
    assert np.isclose(e.log_prob(t64(1.0)).item(), math.log(2) - 2)
    assert np.isclose(e.entropy().item(), 1 - math.log(2)) and e.mean.item() == 0.5


def test_bernoulli_categorical_values():
    b = Bernoulli(probs=t64([0.25, 0.5]))
    assert np.allclose(b.log_prob(t64([1.0, 0.0])).numpy(), [math.log(0.25), math.log(0.5)])
    assert np.allclose(b.entropy().numpy(), [-(0.25 * math.log(0.25) + 0.75 * math.log(0.75)),
                                             math.log(2)])
    assert np.allclose(Bernoulli(logits=t64(0.0)).probs.item(), 0.5)
    assert np.allclose(b.variance.numpy(), [0.1875, 0.25])
    c = Categorical(probs=t64([[1.0, 3.0], [1.0, 1.0]]))
    assert np.allclose(c.probs.numpy(), [[0.25, 0.75], [0.5, 0.5]])
    assert np.allclose(c.log_prob(ag.tensor([1, 0])).numpy(), [math.log(0.75), math.log(0.5)])
    assert c.mode.tolist() == [1, 0] and c.batch_shape == (2,)
    assert np.allclose(Categorical(logits=t64([0.0, 0.0])).entropy().item(), math.log(2))
    oh = OneHotCategorical(probs=t64([1.0, 3.0]))
    assert np.isclose(oh.log_prob(t64([0.0, 1.0])).item(), math.log(0.75))
    assert oh.event_shape == (2,) and oh.mode.tolist() == [0.0, 1.0]


def test_beta_values():
    d = Beta(t64([2.0, 1.0]), t64([3.0, 1.0]))
    # B(2, 3) = 1/12; density at 0.5 is 12 * 0.5 * 0.25 = 1.5; Beta(1, 1) is uniform
    assert np.allclose(d.log_prob(t64([0.5, 0.3])).numpy(), [math.log(1.5), 0.0])
    assert np.allclose(d.mean.numpy(), [0.4, 0.5]) and np.allclose(d.variance.numpy()[0], 0.04)
    assert np.isclose(d.entropy().numpy()[1], 0.0) and np.isclose(d.mode.numpy()[0], 1 / 3)
    assert np.isclose(kl_divergence(Beta(1.0, 1.0), Beta(2.0, 1.0)).item(), 1 - math.log(2))
    with pytest.raises(ValueError, match="concentration1"):
        Beta(-1.0, 1.0)


def test_independent_and_mvn_values():
    d = Independent(Normal(ag.zeros(2, 3, dtype=ag.float64), 1.0), 1)
    assert d.batch_shape == (2,) and d.event_shape == (3,)
    assert np.allclose(d.log_prob(ag.zeros(2, 3, dtype=ag.float64)).numpy(),
                       -1.5 * math.log(2 * math.pi))
    m = MultivariateNormal(t64([1.0, -1.0]), covariance_matrix=t64([[4.0, 0.0], [0.0, 1.0]]))
    expected = -math.log(2 * math.pi) - 0.5 * math.log(4) - 0.5 * (4 / 4)
    assert np.isclose(m.log_prob(t64([3.0, -1.0])).item(), expected)
    assert np.allclose(m.variance.numpy(), [4.0, 1.0])
    assert np.isclose(m.entropy().item(), 1 + math.log(2 * math.pi) + 0.5 * math.log(4))
    assert np.allclose(m.precision_matrix.numpy(), [[0.25, 0], [0, 1]])


def test_kl_written_values():
    kl = kl_divergence(Normal(t64(0.0), t64(1.0)), Normal(t64(1.0), t64(2.0)))
    assert np.isclose(kl.item(), math.log(2) + (1 + 1) / 8 - 0.5)
    kl = kl_divergence(Bernoulli(t64(0.5)), Bernoulli(t64(0.25)))
    assert np.isclose(kl.item(), 0.5 * math.log(0.5 / 0.25) + 0.5 * math.log(0.5 / 0.75))
    assert np.isclose(kl_divergence(Uniform(0.0, 1.0), Uniform(0.0, 2.0)).item(), math.log(2))
    assert kl_divergence(Uniform(0.0, 3.0), Uniform(0.0, 2.0)).item() == math.inf
    p = Categorical(probs=t64([0.5, 0.5, 0.0]))
    q = Categorical(probs=t64([0.25, 0.25, 0.5]))
    assert np.isclose(kl_divergence(p, q).item(), math.log(2))
    p, q = Categorical(probs=t64([0.5, 0.5])), Categorical(probs=t64([1.0, 0.0]))
    assert kl_divergence(p, q).item() == math.inf
    ind = kl_divergence(Independent(Normal(ag.zeros(3), 1.0), 1),
                        Independent(Normal(ag.ones(3), 1.0), 1))
    assert ind.shape == () and np.isclose(ind.item(), 1.5)
    mvn = kl_divergence(MultivariateNormal(ag.zeros(2), scale_tril=ag.eye(2)),
                        MultivariateNormal(ag.ones(2), scale_tril=ag.eye(2) * 2))
    assert np.isclose(mvn.item(), 2 * math.log(2) + 0.5 * (0.5 + 0.5 - 2), atol=1e-6)


def test_register_kl_dispatch_and_missing_pair():
    class MyNormal(Normal):
        pass

    # a subclass falls back to its parent's pair until it registers its own
    assert np.isclose(kl_divergence(MyNormal(0.0, 1.0), Normal(0.0, 1.0)).item(), 0.0)

    @register_kl(MyNormal, Normal)
    def _kl(p, q):
        return ag.full(p.batch_shape, 7.0)

    assert kl_divergence(MyNormal(0.0, 1.0), Normal(0.0, 1.0)).item() == 7.0
    with pytest.raises(NotImplementedError, match="Normal.*Bernoulli"):
        kl_divergence(Normal(0.0, 1.0), Bernoulli(0.5))
    with pytest.raises(TypeError):
        register_kl(int, Normal)


# ---- draws --------------------------------------------------------------------------------

def test_sample_shapes_and_no_grad():
    loc = ag.zeros(3, requires_grad=True)
    d = Normal(loc, 1.0)
    assert d.sample((4, 2)).shape == (4, 2, 3) and not d.sample().requires_grad
    assert d.rsample((5,)).requires_grad
    assert Bernoulli(ag.full((2,), 0.3)).sample((6,)).shape == (6, 2)
    assert Categorical(logits=ag.zeros(2, 5)).sample((3, 4)).shape == (3, 4, 2)
    assert OneHotCategorical(logits=ag.zeros(2, 5)).sample((3,)).shape == (3, 2, 5)
    assert Independent(Normal(ag.zeros(2, 3), 1.0), 1).rsample((4,)).shape == (4, 2, 3)
    assert MultivariateNormal(ag.zeros(2, 3), ag.eye(3)).sample((4,)).shape == (4, 2, 3)
    assert Uniform(0.0, 1.0).sample((0,)).shape == (0,)
    with pytest.raises(NotImplementedError):
        Bernoulli(0.5).rsample()


def test_draws_follow_the_global_seed():
    ag.manual_seed(3)
    a = Normal(ag.zeros(4), 1.0).sample(), Categorical(logits=ag.zeros(6)).sample((5,))
    ag.manual_seed(3)
    b = Normal(ag.zeros(4), 1.0).sample(), Categorical(logits=ag.zeros(6)).sample((5,))
    assert all(bool((x == y).all()) for x, y in zip(a, b))


@pytest.mark.parametrize("make,mean,var", [
    (lambda: Normal(t64(2.0), t64(3.0)), 2.0, 9.0),
    (lambda: Uniform(t64(-1.0), t64(3.0)), 1.0, 16 / 12),
    (lambda: Exponential(t64(2.0)), 0.5, 0.25),
    (lambda: Bernoulli(t64(0.3)), 0.3, 0.21),
    (lambda: Beta(t64(2.0), t64(3.0)), 0.4, 0.04),
])
def test_moments_of_seeded_draws(make, mean, var):
    ag.manual_seed(0)
    x = make().sample((20000,)).numpy()
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / 20000)
    assert abs(x.var() - var) < 0.05 * var


def test_categorical_and_mvn_frequencies():
    ag.manual_seed(1)
    x = Categorical(probs=ag.tensor([0.2, 0.3, 0.5])).sample((20000,)).numpy()
    assert np.allclose(np.bincount(x, minlength=3) / 20000, [0.2, 0.3, 0.5], atol=0.015)
    cov = np.array([[2.0, 0.6], [0.6, 1.0]])
    y = MultivariateNormal(t64([1.0, -1.0]), t64(cov)).sample((20000,)).numpy()
    assert np.allclose(y.mean(0), [1, -1], atol=0.05) and np.allclose(np.cov(y.T), cov, atol=0.08)


def test_draws_ignore_numpy_global_state():
    draws = []
    for numpy_seed in (1, 2):
        np.random.seed(numpy_seed)
        ag.manual_seed(5)
        draws.append(np.concatenate([Normal(0.0, 1.0).sample((3,)).numpy(),
                                     Beta(2.0, 2.0).sample((3,)).numpy(),
                                     Bernoulli(0.5).sample((8,)).numpy()]))
    assert np.array_equal(draws[0], draws[1])


def test_default_validation_can_be_switched_off():
    ag.distributions.Distribution.set_default_validate_args(False)
    try:
        assert np.isnan(Normal(0.0, -1.0).log_prob(ag.tensor(0.0)).item())
    finally:
        ag.distributions.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        Normal(0.0, -1.0)


def _seeded_rsample(make):
    def f(*params):
        ag.manual_seed(0)
        return make(*params).rsample((3,))
    return f


@pytest.mark.parametrize("make,params", [
    (lambda loc, scale: Normal(loc, scale), ([0.5, -1.0], [1.5, 0.7])),
    (lambda low, high: Uniform(low, high), ([0.0, -1.0], [1.0, 2.0])),
    (lambda rate: Exponential(rate), ([0.5, 2.0],)),
    (lambda loc, scale: Independent(Normal(loc, scale), 1), ([0.5, -1.0], [1.5, 0.7])),
    (lambda loc, tril: MultivariateNormal(loc, scale_tril=tril, validate_args=False),
     ([0.5, -1.0], [[1.5, 0.0], [0.3, 0.7]])),
])
def test_rsample_gradcheck(make, params):
    inputs = tuple(t64(p, grad=True) for p in params)
    assert ag.gradcheck(_seeded_rsample(make), inputs)


def test_log_prob_gradcheck_categorical_and_mvn():
    value = ag.tensor([2, 0])
    assert ag.gradcheck(lambda lg: Categorical(logits=lg).log_prob(value),
                        (t64([[0.1, -0.4, 0.3], [1.0, 0.0, -1.0]], grad=True),))
    x = t64([[0.3, 1.0], [-0.5, 0.2]])
    assert ag.gradcheck(
        lambda loc, c: MultivariateNormal(loc, covariance_matrix=c @ c.mT + ag.eye(2)).log_prob(x),
        (t64([0.5, -1.0], grad=True), t64([[1.0, 0.2], [0.1, 0.5]], grad=True)))


# ---- validation ---------------------------------------------------------------------------

def test_bad_parameters_raise_pytorch_messages():
    with pytest.raises(ValueError, match=(
            r"Expected parameter scale \(Tensor of shape \(2,\)\) of distribution "
            r"Normal\(loc: torch.Size\(\[2\]\), scale: torch.Size\(\[2\]\)\) "
            r"to satisfy the constraint GreaterThan\(lower_bound=0.0\)")):
        Normal(ag.zeros(2), ag.tensor([1.0, -1.0]))
    with pytest.raises(ValueError, match=(
            r"constraint LessThan\(upper_bound=0.0\), but found invalid values:\n1.0")):
        Uniform(ag.tensor(1.0), ag.tensor(0.0))
    with pytest.raises(ValueError,
                       match="Either `probs` or `logits` must be specified, but not both."):
        Bernoulli(probs=0.5, logits=0.0)
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        Categorical()
    with pytest.raises(ValueError, match=r"Interval\(lower_bound=0.0, upper_bound=1.0\)"):
        Bernoulli(probs=ag.tensor(1.5))
    with pytest.raises(ValueError, match="Simplex"):
        Categorical(probs=ag.tensor([0.5, -0.5]))
    with pytest.raises(ValueError, match="`probs` parameter must be at least one-dimensional."):
        Categorical(probs=ag.tensor(0.5))
    with pytest.raises(ValueError, match=r"actual 2 vs 1"):
        Independent(Normal(ag.zeros(2), 1.0), 2)
    with pytest.raises(ValueError, match="Exactly one of covariance_matrix"):
        MultivariateNormal(ag.zeros(2))
    with pytest.raises(ValueError, match="PositiveDefinite"):
        MultivariateNormal(ag.zeros(2), ag.tensor([[1.0, 2.0], [2.0, 1.0]]))
    Normal(ag.zeros(2), ag.tensor([1.0, -1.0]), validate_args=False)  # checks can be turned off


def test_values_outside_the_support_raise():
    with pytest.raises(ValueError, match=(
            r"Expected value argument \(Tensor of shape \(\)\) to be within "
            r"the support \(Boolean\(\)\) of the distribution Bernoulli")):
        Bernoulli(probs=0.3).log_prob(ag.tensor(0.5))
    with pytest.raises(ValueError, match=r"IntegerInterval\(lower_bound=0, upper_bound=1\)"):
        Categorical(probs=ag.tensor([0.5, 0.5])).log_prob(ag.tensor(2))
    with pytest.raises(ValueError, match="GreaterThanEq"):
        Exponential(1.0).log_prob(ag.tensor(-1.0))
    with pytest.raises(ValueError, match="Value is not broadcastable"):
        Normal(ag.zeros(2), 1.0).log_prob(ag.zeros(3))
    with pytest.raises(ValueError, match="The right-most size of value must match event_shape"):
        MultivariateNormal(ag.zeros(2), ag.eye(2)).log_prob(ag.zeros(3))


def test_expand_and_repr():
    d = Normal(0.0, 1.0).expand((3,))
    assert d.batch_shape == (3,) and d.sample().shape == (3,)
    c = Categorical(logits=ag.zeros(4)).expand((2, 3))
    assert c.batch_shape == (2, 3) and c.log_prob(ag.tensor(1)).shape == (2, 3)
    assert repr(Normal(ag.zeros(2), 1.0)) == "Normal(loc: torch.Size([2]), scale: torch.Size([2]))"
    assert repr(Bernoulli(0.5)) == "Bernoulli(probs: 0.5)"
    assert repr(Independent(Normal(0.0, ag.ones(2)), 1)).startswith("Independent(Normal(")
    import autograd as torch
    assert torch.distributions.Normal is Normal
