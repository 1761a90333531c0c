"""Hooks, create_graph gradients and threads: PyTorch's behaviour, or a clear error."""
from __future__ import annotations

import gc
import threading

import numpy as np
import pytest

import autograd as ag
import nn


def test_a_hook_that_removes_itself_does_not_skip_the_next():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    seen = []
    handles = []

    def first(g):
        seen.append("first")
        handles[0]()  # removes itself while backward runs the hook list

    def second(g):
        seen.append("second")

    handles.append(y.register_hook(first))
    y.register_hook(second)
    y.sum().backward()
    assert seen == ["first", "second"]


def test_a_hook_returning_the_wrong_shape_names_the_hook_and_the_tensor():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)

    def bad_shape(g):
        return ag.ones(5)

    x.register_hook(bad_shape)
    with pytest.raises(RuntimeError, match=r"bad_shape.*shape \(3,\).*\(5,\)|bad_shape.*\(5,\)"):
        (x * 2.0).sum().backward()
    assert x.grad is None  # nothing was stored

    y = x * 1.0
    y.register_hook(bad_shape)
    with pytest.raises(RuntimeError, match="bad_shape.*Mul"):
        y.sum().backward()


@pytest.mark.parametrize("value", [np.ones(3), 1.0, "grad"], ids=["array", "float", "str"])
def test_a_hook_returning_no_tensor_is_a_type_error_naming_the_hook(value):
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)

    def odd_hook(g):
        return value

    x.register_hook(odd_hook)
    with pytest.raises(TypeError, match="odd_hook"):
        (x * 2.0).sum().backward()


def test_create_graph_leaves_never_share_a_grad_buffer_nor_keep_the_callers_gradient():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([3.0, 4.0], requires_grad=True)
    seed = ag.tensor([1.0, 1.0])
    (a + b).backward(seed, create_graph=True)  # add hands the same gradient to both
    assert a.grad is not seed and b.grad is not seed
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    assert not np.shares_memory(a.grad.numpy(), seed.numpy())
    # what a training loop does next works, and touches each leaf once
    model = nn.Linear(2, 2)
    loss = model(ag.ones(1, 2)).sum()
    loss.backward(create_graph=True)
    norm = nn.utils.clip_grad_norm_(model.parameters(), 0.5)
    total = np.sqrt(sum(float((p.grad ** 2).sum()) for p in model.parameters()))
    assert total == pytest.approx(min(float(norm), 0.5), rel=1e-5)
    model.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0.0 for p in model.parameters())


def test_backward_from_many_threads_accumulates_every_gradient():
    w = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    calls = 200

    def work():
        for _ in range(calls):
            (w * 3.0).sum().backward()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    np.testing.assert_array_equal(w.grad.numpy(), [3.0 * 8 * calls] * 2)


def test_the_collector_is_never_left_disabled_by_concurrent_backward():
    assert gc.isenabled()
    w = ag.tensor(np.ones(64), requires_grad=True)
    barrier = threading.Barrier(4)

    def work():
        barrier.wait()
        for _ in range(100):
            y = w
            for _ in range(20):
                y = (y * 1.01).tanh()
            y.sum().backward()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert gc.isenabled()


def test_grad_mode_stays_per_thread():
    inside = []

    def other():
        inside.append(ag.is_grad_enabled())

    with ag.no_grad():
        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert not ag.is_grad_enabled()
    assert inside == [True]
