"""The array path of backward (no create_graph) agrees with the Tensor path (create_graph)."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
from autograd.function import Function

rng = np.random.default_rng(0)


def t(*shape, positive=False):
    a = rng.standard_normal(shape)
    return ag.tensor(np.abs(a) + 0.5 if positive else a, requires_grad=True)


CASES = {
    "Add": lambda a, b: a + b,
    "Sub": lambda a, b: a - b,
    "Mul": lambda a, b: a * b,
    "Div": lambda a, b: a / (b * b + 1.0),
    "Neg": lambda a, b: -a * b,
    "PowScalar": lambda a, b: a ** 3 + b ** 2 + a ** 0,
    "MatMul": lambda a, b: a @ b.mT,
    "Linear": lambda a, b: ag.linear(a, b, b[0, :3] * 1.0),
    "Tanh": lambda a, b: (a * b).tanh(),
    "Sigmoid": lambda a, b: (a - b).sigmoid(),
    "Exp": lambda a, b: (a * 0.3).exp() * b,
    "Log": lambda a, b: (a * a + 1.0).log() + b,
    "Relu": lambda a, b: (a + b).relu(),
    "Sum": lambda a, b: a.sum(1, keepdim=True) * b,
    "Mean": lambda a, b: a.mean(0) * b,
    "Reshape": lambda a, b: a.reshape(12) * b.reshape(12),
    "Permute": lambda a, b: a.T * b.T,
    "Expand": lambda a, b: a[:1].expand(3, 4) * b,
}


def test_every_op_with_an_array_path_is_in_the_table():
    def subclasses(c):
        for s in c.__subclasses__():
            yield s
            yield from subclasses(s)

    with_path = {c.__name__ for c in subclasses(Function) if c.backward_arrays is not None}
    assert with_path == set(CASES), sorted(with_path ^ set(CASES))


@pytest.mark.parametrize("name", sorted(CASES))
def test_both_paths_give_the_same_gradients(name):
    a, b = t(3, 4), t(3, 4)
    out = CASES[name](a, b)
    v = ag.tensor(rng.standard_normal(out.shape))
    fast = ag.grad(out, [a, b], grad_outputs=v, retain_graph=True, allow_unused=True)
    slow = ag.grad(out, [a, b], grad_outputs=v, create_graph=True, allow_unused=True)
    for f, s in zip(fast, slow):
        assert (f is None) == (s is None)
        if f is not None:
            assert f.dtype == s.dtype and f.shape == s.shape
            np.testing.assert_allclose(f.numpy(), s.numpy(), rtol=1e-12, atol=1e-12)
