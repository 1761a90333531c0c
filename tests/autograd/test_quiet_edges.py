"""Ops at the edges of their domain give inf and NaN without numpy's warnings, as PyTorch."""
from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest

import autograd as ag

EDGES = [0.0, -1.0, 1.0, np.inf, -np.inf, np.nan]
CALLS = {
    "div": lambda x: x / ag.zeros_like(x),
    "rdiv": lambda x: 1.0 / x,
    "log": ag.log,
    "sqrt": ag.sqrt,
    "pow": lambda x: x ** -1.0,
    "pow_half": lambda x: x ** 0.5,
    "exp": lambda x: ag.exp(x * 1000),
    "mul_inf": lambda x: x * ag.full_like(x, np.inf),
    "sub_self": lambda x: x - x,
    "logit": ag.logit,
    "xlogy": lambda x: ag.xlogy(x, x),
    "std_one": lambda x: x[:1].std(),
    "norm_zero": lambda x: (x * 0).norm(),
    "fmod_zero": lambda x: ag.fmod(x, 0.0),
    "lgamma": ag.lgamma,
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_forward_and_backward_are_silent(name):
    x = ag.tensor(EDGES, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any numpy RuntimeWarning fails the test
        y = CALLS[name](x)
        y.sum().backward()
    assert x.grad is not None


def test_the_values_are_pytorchs():
    x = ag.tensor([0.0, -1.0, 4.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(ag.log(x).numpy(), np.float32([-np.inf, np.nan, np.log(4.0)]))
        np.testing.assert_array_equal((x / 0.0).numpy(), [np.nan, -np.inf, np.inf])
    torch = pytest.importorskip("torch")
    t = torch.tensor([0.0, -1.0, 4.0])
    np.testing.assert_array_equal(ag.log(x).numpy(), torch.log(t).numpy())
    np.testing.assert_array_equal((x / 0.0).numpy(), (t / 0.0).numpy())


def test_the_callers_own_numpy_keeps_its_settings():
    ag.log(ag.tensor([0.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning, match="divide by zero"):
            np.log(np.array([0.0]))
    with np.errstate(divide="raise"):
        ag.log(ag.tensor([0.0]))  # the op: silent
        with pytest.raises(FloatingPointError):
            np.log(np.array([0.0]))  # the caller's numpy: as the caller set it


def test_silent_in_threads_too():
    errors: list = []

    def work() -> None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                x = ag.tensor([0.0, 1.0], requires_grad=True)
                ag.log(x).sum().backward()
        except Exception as e:  # pragma: no cover - the failure is reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
