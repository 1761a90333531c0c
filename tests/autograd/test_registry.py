"""The registry is the one list of ops: exports, Tensor methods, nn.functional and drawings
all follow it (and PyTorch's names, when torch is installed)."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from autograd import viz
from autograd.function import Function
from autograd.registry import ENTRIES, exports, functional_ops, tensor_methods
from autograd.tensor_methods import OpMethods

#: Tensor methods built from ops but named by no op (PyTorch has them, composed here)
COMPOSED_METHODS = {"clamp", "broadcast_to", "expand_as", "chunk", "masked_fill"}
#: ops whose name torch.Tensor uses for a different op (Tensor.unfold slides along one dim;
#: F.unfold is im2col)
OTHER_TENSOR_METHOD = {"unfold"}


def test_every_op_and_alias_is_exported_as_ag_name():
    for name, fn in exports().items():
        assert getattr(ag, name) is fn, name
        assert name in ag.__all__, name
    assert ag.clamp is ag.clip and ag.concatenate is ag.cat and ag.broadcast_to is ag.expand


def test_every_method_op_is_a_tensor_method_and_every_method_an_op():
    x = ag.tensor([[1.0, -2.0], [3.0, 0.5]])
    for method, op in tensor_methods().items():
        assert callable(getattr(ag.Tensor, method, None)), f"Tensor.{method} missing for op {op}"
    ours = {n for n, v in vars(OpMethods).items() if not n.startswith("_") and callable(v)}
    stray = ours - set(tensor_methods()) - COMPOSED_METHODS
    assert not stray, f"Tensor methods that belong to no registered op: {sorted(stray)}"
    # the plain forwards give what the op gives
    for method in ("exp", "neg", "erf", "relu", "sigmoid", "abs"):
        np.testing.assert_array_equal(getattr(x, method)().array,
                                      ag.REGISTRY[tensor_methods()[method]](x).array)


def test_functional_names_come_from_the_registry():
    for name, fn in functional_ops().items():
        assert name in F.__all__, name
        got = getattr(F, name)
        # either the op itself or an nn wrapper with PyTorch's extra arguments
        assert got is fn or got.__module__ in ("nn.functional", "nn.loss_functional"), name
    assert F.conv2d is ag.conv2d and F.max_pool2d is ag.max_pool2d


def test_entries_follow_pytorch_names():
    torch = pytest.importorskip("torch")
    tf = pytest.importorskip("torch.nn.functional")
    for e in ENTRIES.values():
        if e.method is not None:
            assert hasattr(torch.Tensor, e.method), f"{e.name}: torch.Tensor has no {e.method}"
        elif e.name not in OTHER_TENSOR_METHOD:
            assert not hasattr(torch.Tensor, e.name), f"{e.name}: torch.Tensor has it"
        assert (e.functional is not None) == hasattr(tf, e.name), e.name
        for alias in e.aliases:
            assert hasattr(torch, alias), alias


def _op_classes() -> list[type]:
    out, stack = [], list(Function.__subclasses__())
    while stack:
        c = stack.pop()
        stack.extend(c.__subclasses__())
        if c.__module__.startswith("autograd.ops.") and vars(c).get("pick", 1) is not None:
            out.append(c)  # not the abstract bases of max/min (pick = None)
    return sorted(set(out), key=lambda c: c.__name__)


@pytest.mark.parametrize("cls", _op_classes(), ids=lambda c: c.__name__)
def test_every_op_class_carries_its_drawing_symbol(cls):
    assert isinstance(vars(cls).get("symbol"), str) or callable(vars(cls).get("symbol")), \
        f"{cls.__name__} has no drawing symbol"
    assert viz.op_symbol(cls) != cls.__name__


def test_derivative_labels_are_callables_of_position_and_values():
    for cls in _op_classes():
        rule = getattr(cls, "derivative", None)
        if rule is None:
            continue
        sig = inspect.signature(rule)
        assert len(sig.parameters) == 3, cls.__name__


def _drawn(y: ag.Tensor) -> list[str]:
    return [viz.op_symbol(op.cls, op.args) for op in viz.snapshot(y).ops]


def test_drawings_name_ops_as_a_learner_reads_them():
    x = ag.tensor([[1.0, 5.0], [7.0, 2.0]], requires_grad=True)
    assert _drawn(x[0]) in (["[ ]"], ["[0]"])
    assert _drawn(x.max()) == ["max"] and _drawn(x.min()) == ["min"]
    assert _drawn(x @ x) == ["@"]
    assert _drawn(ag.sum(x * 2.0)) == ["Σ", "×"]
    assert _drawn(x.exp().sigmoid()) == ["σ", "exp"]


def test_custom_ops_draw_with_their_class_name():
    class Triple(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 3

        @staticmethod
        def backward(ctx, grad):
            return grad * 3

    y = Triple.apply(ag.tensor(1.0, requires_grad=True))
    assert _drawn(y) == ["Triple"]
    assert viz.local_derivative(Triple, 0, {0: 1.0}, {0: 3.0}) is None


@pytest.mark.parametrize("cls,pos,args,outs,want", [
    ("Mul", 0, {0: 100.0, 1: 2.0}, {0: 200.0}, "∂(a·b)/∂a = b = 2"),
    ("Div", 0, {0: 1.0, 1: 0.0}, {0: np.inf}, "∂(a/b)/∂a = 1/b"),
    ("Pow", 1, {0: -1.0, 1: 2.0}, {0: 1.0}, "∂aᵇ/∂b = aᵇ·ln a"),
    ("Pow", 0, {0: 3.0, 1: 2.0}, {0: 9.0}, "∂aᵇ/∂a = b·aᵇ⁻¹ = 6"),
    ("Maximum", 0, {0: 2.0, 1: 2.0}, {0: 2.0}, "∂max(a,b)/∂a = [a > b] = 0.5"),
    ("Clip", 0, {0: 0.5, 1: 0.0, 2: 1.0}, {0: 0.5}, "∂clip/∂x = [min ≤ x ≤ max] = 1"),
    ("Relu", 0, {0: -1.0}, {0: 0.0}, "∂ReLU/∂x = [x > 0] = 0"),
    ("Sum", 1, {0: 1.0}, {0: 1.0}, None),
    ("Cat", 1, {}, {}, "∂L/∂xₖ = the k-th slice of G"),
])
def test_derivative_labels(cls, pos, args, outs, want):
    assert viz.local_derivative(cls, pos, args, outs) == want


# ------------------------------------------------------------------ the op tables
def test_every_registered_op_has_a_row_and_every_row_a_registered_op():
    from tests.autograd.opspec import all_rows

    rows = all_rows()
    named = {row.name for row in rows}
    missing = sorted(set(ag.REGISTRY) - named)
    assert not missing, f"registered ops with no row in an op table: {missing}"
    unknown = sorted(named - set(ag.REGISTRY))
    assert not unknown, f"op table rows for ops that are not registered: {unknown}"
    nan_rows = [row.name for row in rows if row.nan is not None]
    assert sorted(nan_rows) == sorted(ag.REGISTRY), "each op needs exactly one NaN row"
