"""PyTorch's namespace around training scripts: new_* tensors, random fills, small names."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as torch
import nn


def test_new_tensors_take_the_dtype_of_the_tensor_they_come_from():
    x = torch.ones(2, 3, dtype=torch.float64)
    assert x.new_zeros(4).dtype == np.float64 and x.new_zeros(4).tolist() == [0.0] * 4
    assert x.new_ones((2, 2)).shape == (2, 2)
    assert x.new_full((3,), 7.0).tolist() == [7.0, 7.0, 7.0]
    assert x.new_empty(0, 5).shape == (0, 5)
    assert x.new_tensor([1, 2]).dtype == np.float64
    assert x.new_zeros(2, dtype=torch.long).dtype == np.int64
    w = nn.Parameter(np.ones(3, np.float32))
    h = w.new_zeros(2, 3)  # an RNN's init_hidden: a plain Tensor, not a Parameter
    assert type(h) is torch.Tensor and not h.requires_grad
    assert w.new_zeros(2, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match="new_zeros"):
        x.new_zeros(-1)


def test_random_fills_through_data_leave_the_parameter_a_leaf():
    torch.manual_seed(0)
    lin = nn.Linear(100, 50)
    lin.weight.data.normal_(0.0, 0.02)
    lin.bias.data.uniform_(-0.1, 0.1)
    assert lin.weight.is_leaf and lin.weight.requires_grad
    assert abs(float(lin.weight.std()) - 0.02) < 0.003
    assert float(lin.bias.abs().max()) <= 0.1
    ints = torch.zeros(1000).random_(5)
    assert set(np.unique(ints.numpy())) <= {0.0, 1.0, 2.0, 3.0, 4.0}
    ones = torch.zeros(1000).bernoulli_(0.3)
    assert 0.2 < float(ones.mean()) < 0.4
    assert float(torch.zeros(2000).exponential_(2.0).mean()) == pytest.approx(0.5, rel=0.15)


def test_random_fills_repeat_under_a_seed_and_a_generator():
    torch.manual_seed(3)
    a = torch.empty(5).normal_()
    torch.manual_seed(3)
    b = torch.empty(5).normal_()
    assert a.tolist() == b.tolist()
    g1, g2 = torch.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    assert torch.empty(4).uniform_(generator=g1).tolist() == \
        torch.empty(4).uniform_(generator=g2).tolist()


def test_a_random_fill_of_a_leaf_that_requires_grad_is_refused():
    w = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="normal_"):
        w.normal_()
    with torch.no_grad():
        w.normal_()  # allowed, as in PyTorch


def test_small_names():
    assert torch.finfo(torch.float32).eps == np.finfo(np.float32).eps
    assert torch.iinfo(torch.int8).max == 127
    assert torch.Size([2, 3]) == (2, 3) and repr(torch.Size([2, 3])) == "torch.Size([2, 3])"
    assert torch.numel(torch.ones(4, 5)) == 20
    torch.use_deterministic_algorithms(True)
    assert torch.are_deterministic_algorithms_enabled()
    torch.set_detect_anomaly(True)
    try:
        assert torch.is_anomaly_enabled()
    finally:
        torch.set_detect_anomaly(False)
    assert not torch.is_anomaly_enabled()


def test_names_match_torch():
    real = pytest.importorskip("torch")
    x = real.ones(2, 3, dtype=real.float64)
    ours = torch.ones(2, 3, dtype=torch.float64)
    assert str(x.new_zeros(2).dtype).endswith(str(ours.new_zeros(2).dtype))
    assert real.finfo(real.float32).eps == torch.finfo(torch.float32).eps
    assert real.iinfo(real.int16).min == torch.iinfo(torch.int16).min
