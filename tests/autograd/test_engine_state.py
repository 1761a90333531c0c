"""Engine state around backward: hooks, retain_grad, detach, version counters and
in-place ops, anomaly mode, grad mode (thread-local)."""
from __future__ import annotations

import inspect
import threading

import numpy as np
import pytest

import autograd as ag


def t64(data, requires_grad=True, name=None):
    return ag.tensor(np.asarray(data, dtype=np.float64), requires_grad=requires_grad, name=name)


# ------------------------------------------------------------ hooks, retain_grad, detach
def test_leaf_hook_replaces_gradient_and_can_be_removed():
    x = t64([1.0, 2.0])
    remove = x.register_hook(lambda g: g * 10.0)
    (x * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.array, [20.0, 20.0])
    (g,) = ag.grad((x * 2.0).sum(), x)        # hooks run for ag.grad too
    np.testing.assert_allclose(g.array, [20.0, 20.0])
    remove()
    x.grad = None
    (x * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.array, [2.0, 2.0])


def test_non_leaf_hook_sees_and_changes_the_gradient_flowing_on():
    x = t64([1.0, 2.0])
    h = x * 3.0
    seen = []
    h.register_hook(lambda g: seen.append(g.array.copy()))    # observes only
    h.register_hook(lambda g: g * 0.5)                        # then halves
    (h * h).sum().backward()
    np.testing.assert_allclose(seen[0], 2 * h.array)
    np.testing.assert_allclose(x.grad.array, 0.5 * 2 * h.array * 3.0)
    with pytest.raises(RuntimeError, match="require"):
        ag.tensor([1.0]).register_hook(lambda g: g)


def test_retain_grad_keeps_non_leaf_gradient():
    x = t64([1.0, 2.0])
    h, k = x * 3.0, x * 4.0
    h.retain_grad()
    out = (h * k).sum()
    out.retain_grad()
    out.backward()
    np.testing.assert_allclose(h.grad.array, k.array)
    assert k.grad is None and out.grad.item() == 1.0


def test_detach_cuts_the_graph_and_shares_data():
    x = t64([1.0, 2.0])
    d = (x * 2.0).detach()
    assert d.grad_fn is None and not d.requires_grad
    (x * d).sum().backward()
    np.testing.assert_allclose(x.grad.array, d.data)  # no gradient through d
    base = t64([1.0, 2.0], requires_grad=False)
    base.detach().array[0] = 9.0
    assert base.array[0] == 9.0


@pytest.mark.parametrize("make", [
    lambda: ag.tensor([1, 2]).requires_grad_(),
    lambda: ag.tensor([1, 2], requires_grad=True),
    lambda: ag.arange(3).requires_grad_(),
    lambda: ag.tensor([True]).requires_grad_(),
], ids=["requires_grad_", "constructor", "arange", "bool"])
def test_integer_tensors_cannot_require_grad(make):
    with pytest.raises(TypeError, match="floating point"):
        make()


# ------------------------------------------------------------ version counter, in-place
def _saved_input_modified():
    h = t64([1.0, 2.0]) * 2.0
    out = (h * h).sum()        # Mul saves h
    h += 1.0
    return out


def _saved_output_modified():
    e = t64([1.0, 2.0]).exp()  # Exp saves its output
    out = e.sum()
    e.mul_(2.0)
    return out


def _modified_under_no_grad(alias):
    x = t64([1.0, 2.0])
    h = x * 2.0
    out = (h * h).sum()
    with ag.no_grad():
        alias(x, h).mul_(3.0)
    return out


IN_PLACE_AFTER_SAVE = [
    # (name, build the graph and then modify a saved tensor, op named in the error)
    ("saved input", _saved_input_modified, "Mul"),
    ("saved output", _saved_output_modified, "Exp"),
    ("under no_grad", lambda: _modified_under_no_grad(lambda x, h: h), "Mul"),
    ("through a view", lambda: _modified_under_no_grad(lambda x, h: h[:1]), "Mul"),
    ("through detach()", lambda: _modified_under_no_grad(lambda x, h: h.detach()), "Mul"),
    ("leaf under no_grad", lambda: _leaf_modified_under_no_grad(), "Mul"),
]


def _leaf_modified_under_no_grad():
    x = t64([1.0, 2.0])
    w = t64([3.0, 4.0])
    out = (x * w).sum()  # Mul keeps x for w's gradient
    with ag.no_grad():
        x.mul_(3.0)
    return out


def test_an_op_saves_only_what_its_gradients_need():
    # PyTorch-legal code: x / 2.0 and x * 2.0 keep nothing of x, so writing into the
    # result (or into x) afterwards is fine, as it is in PyTorch
    x = t64([1.0, 2.0])
    y = x / 2.0
    y += 1
    y.sum().backward()
    np.testing.assert_allclose(x.grad.array, [0.5, 0.5])
    f = t64([2.0, 4.0])
    g = f / 2.0
    g += 10.0 / f  # micrograd's example
    g.sum().backward()
    np.testing.assert_allclose(f.grad.array, [0.5 - 10.0 / 4.0, 0.5 - 10.0 / 16.0])
    z = t64([1.0, 2.0])
    h = z * 2.0
    out = (h * 3.0).sum()
    with ag.no_grad():
        z.mul_(5.0)  # z was not saved by z * 2.0
    out.backward()
    np.testing.assert_allclose(z.grad.array, [6.0, 6.0])


@pytest.mark.parametrize("name,build,op", IN_PLACE_AFTER_SAVE,
                         ids=[c[0] for c in IN_PLACE_AFTER_SAVE])
def test_tensor_modified_after_save_makes_backward_raise_naming_the_op(name, build, op):
    out = build()
    with pytest.raises(RuntimeError, match=f"in-place operation: (the output of )?{op}"):
        out.backward()


def test_in_place_bumps_the_version():
    x = t64([1.0, 2.0])
    with ag.no_grad():
        x.mul_(2.0)
        x[0] = 1.0
    assert x._version == 2


@pytest.mark.parametrize("op", [
    lambda t: t.add_(1.0), lambda t: t.mul_(2.0), lambda t: t.zero_(),
    lambda t: t.fill_(3.0), lambda t: t.__iadd__(1.0),
], ids=["add_", "mul_", "zero_", "fill_", "+="])
def test_in_place_on_leaf_that_requires_grad_raises(op):
    x = t64([1.0, 2.0])
    with pytest.raises(RuntimeError, match="leaf"):
        op(x)
    with ag.no_grad():
        op(x)  # allowed where nothing is recorded (optimizer updates)
    assert x._version >= 1


def test_in_place_on_non_leaf_is_differentiable():
    x = t64([1.0, 2.0])
    h = x * 3.0
    h *= 2.0
    h.sum().backward()
    np.testing.assert_allclose(x.grad.array, [6.0, 6.0])


# ------------------------------------------------------------ anomaly mode
class NaNBackward(ag.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 1.0

    @staticmethod
    def backward(ctx, grad):
        return grad * ag.Tensor._make(np.full(grad.shape, np.nan))


def test_anomaly_names_custom_op_and_creation_line():
    x = t64([1.0, 2.0])
    with ag.detect_anomaly():
        line = inspect.currentframe().f_lineno + 1
        y = NaNBackward.apply(x)
        out = (y * 2.0).sum()
        with pytest.raises(RuntimeError) as info:
            out.backward()
    msg = str(info.value)
    assert "NaNBackward.backward produced nan" in msg
    assert f"test_engine_state.py\", line {line}" in msg
    assert info.value.node is y.grad_fn


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
@pytest.mark.parametrize("make", [lambda x: x.sqrt(), lambda x: ag.sqrt(x)],
                         ids=["method", "function"])
def test_anomaly_names_builtin_op_and_creation_line(make):
    x = t64([0.0, 4.0])
    with ag.detect_anomaly():
        line = inspect.currentframe().f_lineno + 1
        out = make(x).sum()
        with pytest.raises(RuntimeError, match="Sqrt.backward produced inf") as info:
            out.backward()
    assert f"test_engine_state.py\", line {line}" in str(info.value)
    assert type(info.value.node).__name__ == "Sqrt"


def test_without_anomaly_mode_nan_flows_silently():
    x = t64([1.0, 2.0])
    NaNBackward.apply(x).sum().backward()
    assert np.isnan(x.grad.array).all()


# ------------------------------------------------------------ grad mode
def test_no_grad_records_nothing_and_enable_grad_inside():
    x = t64([1.0])
    with ag.no_grad():
        y = x * 2.0
        with ag.enable_grad():
            z = x * 2.0
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None
    with ag.set_grad_enabled(False):
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()

    @ag.no_grad()
    def f(t):
        return t * 2.0

    assert not f(x).requires_grad


def test_grad_mode_is_thread_local():
    x = t64([1.0, 2.0])
    inside = threading.Barrier(2)
    results = {}

    def quiet():
        with ag.no_grad():
            inside.wait(timeout=10)      # the other thread computes while we are in no_grad
            results["quiet"] = (x * 2.0).requires_grad
            inside.wait(timeout=10)

    def busy():
        inside.wait(timeout=10)
        results["busy"] = (x * 2.0).requires_grad
        inside.wait(timeout=10)

    threads = [threading.Thread(target=quiet), threading.Thread(target=busy)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert results == {"quiet": False, "busy": True}
    assert ag.is_grad_enabled()


def test_deepcopy_copies_leaves_and_refuses_non_leaves():
    import copy

    x = t64([1.0, 2.0])
    (x * x).sum().backward()
    y = copy.deepcopy(x)
    assert y.requires_grad and y.is_leaf and y.array is not x.array
    np.testing.assert_array_equal(y.grad.array, x.grad.array)
    y.array[0] = 5.0
    assert x.array[0] == 1.0
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(x * 2.0)


def test_both_tensor_constructors_set_every_field():
    # Tensor._make inlines the field setting of _init (it runs for every op): keep them equal
    from autograd.tensor import Tensor, _init

    made = Tensor._make(np.zeros(2))
    init = object.__new__(Tensor)
    _init(init, np.zeros(2), None, 0, False)
    for slot in Tensor.__slots__:
        if slot == "__weakref__":
            continue
        assert hasattr(made, slot) and hasattr(init, slot), slot
        if slot != "array":
            assert getattr(made, slot) == getattr(init, slot), slot
