"""nn.Buffer: assigning one to a Module attribute registers a buffer, as PyTorch 2.5+."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn


class _Stats(nn.Module):
    def __init__(self):
        super().__init__()
        self.mean = nn.Buffer(ag.zeros(3))
        self.scratch = nn.Buffer(ag.ones(2), persistent=False)
        self.plain = ag.ones(1)  # a plain Tensor attribute registers nothing


def test_assignment_registers_with_its_persistence():
    m = _Stats()
    assert [n for n, _ in m.named_buffers()] == ["mean", "scratch"]
    assert list(m.state_dict()) == ["mean"]
    assert "plain" not in dict(m.named_buffers())
    assert isinstance(m.mean, nn.Buffer) and not isinstance(ag.ones(1), nn.Buffer)
    assert m.mean.persistent and not m.scratch.persistent


def test_shares_memory_keeps_requires_grad_and_no_history():
    t = ag.ones(3, requires_grad=True)
    b = nn.Buffer(t)
    assert b.requires_grad and b.is_leaf and b.grad_fn is None
    b.array[0] = 5.0
    assert t.tolist()[0] == 5.0
    y = (ag.ones(2, requires_grad=True) * 2)
    assert nn.Buffer(y).grad_fn is None
    assert nn.Buffer().shape == (0,) and nn.Buffer().dtype == np.float32
    assert type(b * 2) is ag.Tensor


def test_reassignment_keeps_or_changes_persistence_as_pytorch():
    m = _Stats()
    m.scratch = ag.zeros(2)  # a plain Tensor into a buffer slot keeps it non-persistent
    assert "scratch" not in m.state_dict() and m.scratch.tolist() == [0.0, 0.0]
    m.scratch = nn.Buffer(ag.zeros(2))  # a persistent Buffer makes it persistent
    assert list(m.state_dict()) == ["mean", "scratch"]
    m.mean = nn.Buffer(ag.ones(3), persistent=False)
    assert list(m.state_dict()) == ["scratch"]


def test_state_dict_round_trip_and_to_dtype():
    m, other = _Stats(), _Stats()
    with ag.no_grad():
        m.mean.fill_(2.0)
    other.load_state_dict(m.state_dict())
    assert other.mean.tolist() == [2.0, 2.0, 2.0]
    assert m.double().mean.dtype == np.float64


def test_errors_as_pytorch():
    bare = nn.Module.__new__(nn.Module)
    with pytest.raises(AttributeError, match="before Module.__init__"):
        bare.x = nn.Buffer(ag.ones(1))
    m = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="'weight'"):
        m.weight = nn.Buffer(ag.ones(2, 2))
    m.taken = 5
    with pytest.raises(KeyError, match="taken"):
        m.taken = nn.Buffer(ag.ones(1))


def test_matches_pytorch_registration():
    torch = pytest.importorskip("torch")
    tm = torch.nn.Module()
    tm.a = torch.nn.Buffer(torch.ones(2))
    tm.b = torch.nn.Buffer(torch.ones(2), persistent=False)
    tm.c = torch.ones(2)
    m = nn.Module()
    m.a = nn.Buffer(ag.ones(2))
    m.b = nn.Buffer(ag.ones(2), persistent=False)
    m.c = ag.ones(2)
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert list(m.state_dict()) == list(tm.state_dict())
