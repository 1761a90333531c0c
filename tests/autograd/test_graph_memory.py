"""What a graph keeps alive: the memory promises of the engine, measured with tracemalloc.

numpy reports its array buffers to tracemalloc, so these figures are the arrays
a graph holds, measured the same way on every machine.
"""
from __future__ import annotations

import tracemalloc

import numpy as np

import autograd as ag
import nn
import optim

MB = 1e6
N = 1_000_000  # a 4 MB float32 input


class _Traced:
    """Bytes allocated since entering (current and peak), by tracemalloc."""

    def __enter__(self) -> _Traced:
        tracemalloc.start()
        tracemalloc.reset_peak()
        self.base = tracemalloc.get_traced_memory()[0]
        return self

    def now(self) -> float:
        return tracemalloc.get_traced_memory()[0] - self.base

    def peak(self) -> float:
        return tracemalloc.get_traced_memory()[1] - self.base

    def __exit__(self, *exc) -> None:
        tracemalloc.stop()


def _input() -> ag.Tensor:
    return ag.tensor(np.random.default_rng(0).standard_normal(N, dtype=np.float32),
                     requires_grad=True)


def test_a_live_loss_keeps_no_intermediate_arrays_after_backward():
    # 20 layers of (mul, tanh) on 4 MB: once backward has run, only the input, its
    # gradient and the final output (still referenced here) may remain.
    with _Traced() as mem:
        x = _input()
        y = x
        for _ in range(20):
            y = (y * 1.01).tanh()
        loss = y.sum()
        during = mem.now()
        loss.backward()
        kept = mem.now()
    assert loss.grad_fn is not None  # the graph itself is still alive
    assert during > 80 * MB          # forward keeps tanh's outputs for backward...
    assert kept <= 16 * MB, f"{kept / MB:.1f} MB kept after backward"  # ...and lets them go


def test_a_long_chain_of_adds_saves_nothing():
    # y + 1.0 needs nothing for backward; the engine must not hold 200 copies of 4 MB
    with _Traced() as mem:
        x = _input()
        y = x
        for _ in range(200):
            y = y + 1.0
        y.sum().backward()
        peak = mem.peak()
    assert peak <= 20 * MB, f"peak {peak / MB:.1f} MB"


def test_a_training_loop_peaks_at_no_more_than_two_graphs():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(256, 512), nn.Tanh(), nn.Linear(512, 512), nn.Tanh(),
                          nn.Linear(512, 10))
    opt = optim.SGD(model.parameters(), lr=0.01)
    x = ag.randn(512, 256)
    target = ag.tensor(np.arange(512) % 10)

    def step() -> ag.Tensor:
        loss = nn.functional.cross_entropy(model(x), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    step()  # parameters' .grad buffers exist from here on
    with _Traced() as mem:
        loss = step()
        one = mem.peak()
        tracemalloc.reset_peak()
        for _ in range(10):
            loss = step()  # the previous loss (and its graph) stays alive until reassigned
        loop = mem.peak()
    assert loss.item() > 0
    assert loop <= 2 * one, f"loop peak {loop / MB:.1f} MB vs one step {one / MB:.1f} MB"


def test_drawings_still_show_small_values_after_backward():
    apple = ag.tensor(10.0, requires_grad=True, name="apple")
    num = ag.tensor(2.0, requires_grad=True, name="apple_num")
    tax = ag.tensor(1.1, requires_grad=True, name="tax")
    price = apple * num * tax
    price.backward()
    src = ag.viz.to_dot(price).source
    assert "20" in src and "22" in src  # apple * num = 20 on the inner edge, price 22


def test_big_values_draw_as_shape_and_dtype_after_they_are_gone():
    x = ag.tensor(np.ones((64, 64), np.float32), requires_grad=True, name="x")
    y = (x * 2.0).tanh().sum()
    y.backward()
    src = ag.viz.to_dot(y).source
    assert "(64, 64) float32" in src
