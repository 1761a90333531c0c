"""nn.utils: gradient clipping by norm and by value, flat parameter vectors."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
from nn.utils import clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters


def _params_with_grads(seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    ps = [ag.tensor(rng.standard_normal(s), requires_grad=True) for s in [(3, 4), (4,), (2,)]]
    for p in ps:
        p.grad = ag.tensor(scale * rng.standard_normal(p.shape))
    return ps


@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.0, float("inf")])
@pytest.mark.parametrize("max_norm,scale", [(1.0, 10.0), (100.0, 1.0)])
def test_clip_grad_norm(norm_type, max_norm, scale):
    ps = _params_with_grads(scale=scale)
    before = [p.grad.numpy().copy() for p in ps]
    flat = np.concatenate([g.ravel() for g in before])
    want = np.abs(flat).max() if np.isinf(norm_type) else np.linalg.norm(flat, ord=norm_type)
    total = clip_grad_norm_(ps, max_norm, norm_type)
    assert isinstance(total, ag.Tensor) and total.item() == pytest.approx(want)
    coef = min(1.0, max_norm / (want + 1e-6))
    for p, g in zip(ps, before):
        np.testing.assert_allclose(p.grad.numpy(), g * coef, rtol=1e-12)
    after = np.concatenate([p.grad.numpy().ravel() for p in ps])
    new = np.abs(after).max() if np.isinf(norm_type) else np.linalg.norm(after, ord=norm_type)
    assert new <= max_norm * (1 + 1e-9)


def test_clip_grad_norm_matches_torch():
    torch = pytest.importorskip("torch")
    ps = _params_with_grads(scale=5.0)
    tps = [torch.tensor(p.numpy().copy(), requires_grad=True) for p in ps]
    for p, tp in zip(ps, tps):
        tp.grad = torch.tensor(p.grad.numpy().copy())
    total = clip_grad_norm_(ps, 2.0)
    ttotal = torch.nn.utils.clip_grad_norm_(tps, 2.0)
    assert total.item() == pytest.approx(ttotal.item(), rel=1e-12)
    for p, tp in zip(ps, tps):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-12)


def test_clip_grad_norm_skips_missing_grads_and_checks_finiteness():
    a, b = ag.zeros(2, requires_grad=True), ag.zeros(2, requires_grad=True)
    a.grad = ag.tensor([3.0, 4.0])
    assert clip_grad_norm_([a, b], 1.0).item() == pytest.approx(5.0)
    assert b.grad is None
    assert clip_grad_norm_([b], 1.0).item() == 0.0
    a.grad = ag.tensor([np.inf, 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_(a, 1.0, error_if_nonfinite=True)


def test_clip_grad_value():
    ps = _params_with_grads(scale=3.0)
    before = [p.grad.numpy().copy() for p in ps]
    clip_grad_value_(ps, 0.5)
    for p, g in zip(ps, before):
        np.testing.assert_array_equal(p.grad.numpy(), np.clip(g, -0.5, 0.5))


def test_parameter_vector_round_trip():
    net = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    vec = parameters_to_vector(net.parameters())
    assert vec.shape == (3 * 4 + 4 + 4 * 2 + 2,)
    np.testing.assert_array_equal(vec.numpy()[:12], net[0].weight.numpy().ravel())
    ids = [id(p) for p in net.parameters()]
    vector_to_parameters(vec * 0 + 1, net.parameters())
    assert all(p.numpy().min() == 1.0 for p in net.parameters())
    assert ids == [id(p) for p in net.parameters()]
    # differentiable: the gradient of a function of the vector reaches the parameters
    (parameters_to_vector(net.parameters()) ** 2).sum().backward()
    np.testing.assert_allclose(net[1].bias.grad.numpy(), 2.0)
    with pytest.raises(ValueError, match="does not match"):
        vector_to_parameters(ag.zeros(5), net.parameters())
