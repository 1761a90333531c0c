"""ag.distributions against torch.distributions on the same parameters: values and gradients."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag

PARAMS = {
    "loc": [[0.3, -1.2, 2.0], [0.0, 0.5, -0.5]],
    "scale": [[1.5, 0.4, 2.2], [0.9, 1.0, 3.0]],
    "low": [[-1.0, 0.0, 0.5], [-2.0, -0.5, 0.1]],
    "high": [[1.0, 2.0, 3.5], [0.0, 0.5, 0.2]],
    "rate": [[0.5, 2.0, 1.3], [0.1, 4.0, 1.0]],
    "probs": [[0.1, 0.5, 0.9], [0.3, 0.7, 0.25]],
    "logits": [[0.3, -1.2, 2.0], [0.0, 0.5, -0.5]],
    "weights": [[0.2, 1.0, 3.0], [1.0, 1.0, 0.5]],
    "mvn_loc": [0.5, -1.0, 0.2],
    "conc1": [[0.5, 2.0, 1.0], [3.0, 0.7, 1.5]],
    "conc0": [[0.5, 3.0, 2.5], [1.0, 0.4, 1.5]],
    "tril": [[1.5, 0.0, 0.0], [0.3, 0.7, 0.0], [-0.2, 0.4, 1.1]],
}

# name: (constructor over the library's distributions module, parameter names, value)
CASES = {
    "Normal": (lambda D, p: D.Normal(p["loc"], p["scale"]), ["loc", "scale"],
               [[0.0, 1.0, -2.0], [0.4, 0.5, 7.0]]),
    "Uniform": (lambda D, p: D.Uniform(p["low"], p["high"]), ["low", "high"],
                [[0.0, 1.0, 2.0], [-1.0, 0.0, 0.15]]),
    "Exponential": (lambda D, p: D.Exponential(p["rate"]), ["rate"],
                    [[0.0, 1.0, 2.0], [0.3, 0.1, 5.0]]),
    "Bernoulli(probs)": (lambda D, p: D.Bernoulli(probs=p["probs"]), ["probs"],
                         [[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]),
    "Bernoulli(logits)": (lambda D, p: D.Bernoulli(logits=p["logits"]), ["logits"],
                          [[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]),
    "Categorical(probs)": (lambda D, p: D.Categorical(probs=p["weights"]), ["weights"], [2, 0]),
    "Categorical(logits)": (lambda D, p: D.Categorical(logits=p["logits"]), ["logits"], [1, 2]),
    "OneHotCategorical": (lambda D, p: D.OneHotCategorical(logits=p["logits"]), ["logits"],
                          [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]),
    "Independent": (lambda D, p: D.Independent(D.Normal(p["loc"], p["scale"]), 1),
                    ["loc", "scale"], [[0.0, 1.0, -2.0], [0.4, 0.5, 7.0]]),
    "MultivariateNormal": (lambda D, p: D.MultivariateNormal(p["mvn_loc"], scale_tril=p["tril"]),
                           ["mvn_loc", "tril"], [[0.0, 1.0, -2.0], [0.4, 0.5, 7.0]]),
    "Beta": (lambda D, p: D.Beta(p["conc1"], p["conc0"]), ["conc1", "conc0"],
             [[0.3, 0.5, 0.9], [0.2, 0.6, 0.5]]),
    "MultivariateNormal(cov)": (
        lambda D, p: D.MultivariateNormal(p["mvn_loc"], covariance_matrix=p["tril"] @ p["tril"].mT),
        ["mvn_loc", "tril"], [[0.0, 1.0, -2.0], [0.4, 0.5, 7.0]]),
    "MultivariateNormal(precision)": (
        lambda D, p: D.MultivariateNormal(p["mvn_loc"], precision_matrix=p["tril"] @ p["tril"].mT),
        ["mvn_loc", "tril"], [[0.0, 1.0, -2.0], [0.4, 0.5, 7.0]]),
}

KL_PAIRS = {
    "Normal": (lambda D, p: D.Normal(p["loc"], p["scale"]), ["loc", "scale"]),
    "Uniform": (lambda D, p: D.Uniform(p["low"] - 1, p["high"] + 1), ["low", "high"]),
    "Exponential": (lambda D, p: D.Exponential(p["rate"]), ["rate"]),
    "Beta": (lambda D, p: D.Beta(p["conc1"], p["conc0"]), ["conc1", "conc0"]),
    "Bernoulli": (lambda D, p: D.Bernoulli(probs=p["probs"]), ["probs"]),
    "Categorical": (lambda D, p: D.Categorical(logits=p["logits"]), ["logits"]),
    "OneHotCategorical": (lambda D, p: D.OneHotCategorical(probs=p["weights"]), ["weights"]),
    "Independent": (lambda D, p: D.Independent(D.Normal(p["loc"], p["scale"]), 1),
                    ["loc", "scale"]),
    "MultivariateNormal": (lambda D, p: D.MultivariateNormal(p["mvn_loc"], scale_tril=p["tril"]),
                           ["mvn_loc", "tril"]),
}


def _both(names, shift=0.0):
    torch = pytest.importorskip("torch")
    arrays = {n: np.asarray(PARAMS[n], dtype=np.float64) for n in names}
    if shift:  # a second, different distribution of the same family (for KL)
        arrays = {n: a[::-1].copy() if a.ndim > 1 and n != "tril" else a * (1 + shift)
                  for n, a in arrays.items()}
    mine = {n: ag.tensor(a, requires_grad=True) for n, a in arrays.items()}
    theirs = {n: torch.tensor(a, requires_grad=True) for n, a in arrays.items()}
    return torch, mine, theirs


def _close(a, b, what):
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy()
    assert a.shape == b.shape, (what, a.shape, b.shape)
    assert np.allclose(a, b, rtol=1e-6, atol=1e-8, equal_nan=True), (what, a, b)


@pytest.mark.parametrize("case", list(CASES))
def test_values_and_gradients_match_torch(case):
    make, names, value = CASES[case]
    torch, mine, theirs = _both(names)
    d, t = make(ag.distributions, mine), make(torch.distributions, theirs)
    assert tuple(d.batch_shape) == tuple(t.batch_shape)
    assert tuple(d.event_shape) == tuple(t.event_shape)
    assert d.has_rsample == t.has_rsample or case == "Beta"  # Beta has no rsample here
    v = np.asarray(value, dtype=np.int64 if "Categorical(" in case else np.float64)
    lp, tlp = d.log_prob(ag.tensor(v)), t.log_prob(torch.tensor(v))
    _close(lp, tlp, "log_prob")
    _close(d.entropy(), t.entropy(), "entropy")
    for prop in ("mean", "mode", "variance", "stddev"):
        _close(getattr(d, prop), getattr(t, prop), prop)
    (lp.sum() + d.entropy().sum()).backward()
    (tlp.sum() + t.entropy().sum()).backward()
    for n in names:
        _close(mine[n].grad, theirs[n].grad, f"grad of {n}")


@pytest.mark.parametrize("family", list(KL_PAIRS))
def test_kl_divergence_matches_torch(family):
    make, names = KL_PAIRS[family]
    torch, p_mine, p_theirs = _both(names)
    _, q_mine, q_theirs = _both(names, shift=0.3)
    kl = ag.distributions.kl_divergence(make(ag.distributions, p_mine),
                                        make(ag.distributions, q_mine))
    tkl = torch.distributions.kl_divergence(make(torch.distributions, p_theirs),
                                            make(torch.distributions, q_theirs))
    _close(kl, tkl, "kl")
    kl.sum().backward()
    tkl.sum().backward()
    for n in names:
        _close(p_mine[n].grad, p_theirs[n].grad, f"grad of p.{n}")
        _close(q_mine[n].grad, q_theirs[n].grad, f"grad of q.{n}")


@pytest.mark.parametrize("family", ["Normal", "Uniform", "Exponential"])
def test_cdf_icdf_match_torch(family):
    make, names, value = CASES[family]
    torch, mine, theirs = _both(names)
    d, t = make(ag.distributions, mine), make(torch.distributions, theirs)
    v = np.asarray(value, dtype=np.float64)
    _close(d.cdf(ag.tensor(v)), t.cdf(torch.tensor(v)), "cdf")
    q = np.full((2, 3), 0.3)
    _close(d.icdf(ag.tensor(q)), t.icdf(torch.tensor(q)), "icdf")


def test_error_classes_and_messages_match_torch():
    torch = pytest.importorskip("torch")
    D, TD = ag.distributions, torch.distributions
    attempts = [
        lambda M, T: M.Normal(T.zeros(2), T.tensor([1.0, -1.0])),
        lambda M, T: M.Uniform(T.tensor(1.0), T.tensor(0.0)),
        lambda M, T: M.Bernoulli(probs=0.5, logits=0.0),
        lambda M, T: M.Bernoulli(probs=T.tensor(1.5)),
        lambda M, T: M.Bernoulli(probs=0.25).log_prob(T.tensor(0.5)),
        lambda M, T: M.Categorical(probs=T.tensor(0.5)),
        lambda M, T: M.Categorical(probs=T.tensor([0.5, 0.5])).log_prob(T.tensor(2)),
        lambda M, T: M.Independent(M.Normal(T.zeros(2), 1.0), 2),
        lambda M, T: M.Normal(0.0, 1.0).log_prob(T.tensor(float("nan"))),
        lambda M, T: M.MultivariateNormal(T.zeros(2)),
    ]
    for attempt in attempts:
        with pytest.raises(ValueError) as theirs:
            attempt(TD, torch)
        with pytest.raises(ValueError) as mine:
            attempt(D, ag)
        # same text up to the printed tensor, which the two libraries format differently
        assert str(mine.value).split("\n")[0] == str(theirs.value).split("\n")[0]


@pytest.mark.parametrize("case", [c for c in CASES if "MultivariateNormal(" not in c])
def test_expand_matches_torch(case):
    make, names, value = CASES[case]
    torch, mine, theirs = _both(names)
    d, t = make(ag.distributions, mine), make(torch.distributions, theirs)
    shape = (4,) + tuple(t.batch_shape) if t.batch_shape else (2,)  # values are (2, 3)
    kind = type(d)
    d, t = d.expand(shape), t.expand(torch.Size(shape))
    assert tuple(d.batch_shape) == tuple(t.batch_shape) and type(d) is kind
    v = np.asarray(value, dtype=np.int64 if "Categorical(" in case else np.float64)
    _close(d.log_prob(ag.tensor(v)), t.log_prob(torch.tensor(v)), "expanded log_prob")
    assert tuple(d.sample((2,)).shape) == tuple(t.sample((2,)).shape)


@pytest.mark.parametrize("case", ["Bernoulli(probs)", "Categorical(logits)", "OneHotCategorical"])
@pytest.mark.parametrize("expand", [True, False])
def test_enumerate_support_matches_torch(case, expand):
    make, names, _ = CASES[case]
    torch, mine, theirs = _both(names)
    d, t = make(ag.distributions, mine), make(torch.distributions, theirs)
    _close(d.enumerate_support(expand), t.enumerate_support(expand), "support")
