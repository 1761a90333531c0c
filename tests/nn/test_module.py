"""Module, Parameter and the containers: registration, iteration, modes, state dicts, repr."""
from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest

import autograd as ag
import nn


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.register_buffer("running", ag.zeros(4))
        self.register_buffer("scratch", ag.ones(2), persistent=False)
        self.scale = nn.Parameter(ag.ones(1))

    def forward(self, x):
        return self.fc(x) * self.scale + self.running  # (N, 4)


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.block = Block()
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(4, 2, bias=False))

    def forward(self, x):
        return self.head(self.block(x))  # (N, 2)


def _snapshot(m: nn.Module) -> dict:
    return {k: v.numpy().copy() for k, v in m.state_dict().items()}


# ---------------------------------------------------------------- registration
def test_parameters_and_buffers_are_registered_in_insertion_order():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "block.scale", "block.fc.weight", "block.fc.bias", "head.1.weight"]
    assert [n for n, _ in net.named_buffers()] == ["block.running", "block.scratch"]
    assert list(net.state_dict()) == [
        "block.scale", "block.running", "block.fc.weight", "block.fc.bias", "head.1.weight"]
    assert [n for n, _ in net.named_modules()] == ["", "block", "block.fc", "head", "head.0",
                                                   "head.1"]
    assert [n for n, _ in net.named_children()] == ["block", "head"]
    assert all(isinstance(p, nn.Parameter) for p in net.parameters())


def test_state_dict_order_matches_torch():
    torch = pytest.importorskip("torch")

    class TBlock(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(3, 4)
            self.register_buffer("running", torch.zeros(4))
            self.register_buffer("scratch", torch.ones(2), persistent=False)
            self.scale = torch.nn.Parameter(torch.ones(1))

    class TNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.block = TBlock()
            self.head = torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(4, 2, bias=False))

    ours, theirs = Net(), TNet()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert repr(ours) == repr(theirs).replace("TNet", "Net").replace("TBlock", "Block")


def test_shared_parameter_is_listed_once():
    m = nn.Module()
    m.a = nn.Linear(2, 2)
    m.b = nn.Linear(2, 2)
    m.b.weight = m.a.weight
    assert len(list(m.parameters())) == 3
    assert "b.weight" in m.state_dict()  # state_dict keeps every name, as PyTorch


@pytest.mark.parametrize("action,exc,words", [
    (lambda m: setattr(m, "fc", ag.zeros(2)), TypeError, ["fc"]),  # shadow a module
    (lambda m: setattr(m, "w", ag.zeros(2)), TypeError, ["parameter", "'w'"]),
    (lambda m: m.register_buffer("a.b", ag.zeros(1)), KeyError, ["'.'"]),
    (lambda m: m.register_buffer("buf", 3.0), TypeError, ["buffer"]),
    (lambda m: m.register_parameter("p", ag.zeros(2)), TypeError, ["Parameter"]),
    (lambda m: m.add_module("x", 5), TypeError, ["not a Module"]),
])
def test_bad_assignments_raise(action, exc, words):
    m = nn.Module()
    m.fc = nn.Linear(2, 2)
    m.w = nn.Parameter(ag.zeros(2))
    with pytest.raises(exc) as info:
        action(m)
    assert all(w in str(info.value) for w in words)


def test_parameter_before_init_raises():
    class Bad(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(ag.zeros(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Bad()


def test_reassigning_and_deleting_attributes():
    m = nn.Module()
    m.x = nn.Parameter(ag.zeros(2))
    m.x = None  # a declared but absent parameter
    assert m.x is None and list(m.parameters()) == []
    m.register_buffer("b", ag.zeros(1))
    m.b = ag.ones(1)  # assigning a Tensor to a buffer name updates the buffer
    assert m.state_dict()["b"].item() == 1.0
    m.c = nn.Linear(1, 1)
    with pytest.raises(TypeError, match="child module 'c'"):
        m.c = 3  # a plain value cannot replace a registered submodule (as PyTorch)
    m.c = None
    assert m.c is None and "c" not in dict(m.named_children())
    del m.b
    assert "b" not in m.state_dict()
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = m.nope


def test_parameter_is_a_leaf_sharing_the_array():
    t = ag.randn(3)
    p = nn.Parameter(t)
    assert p.array is t.array and p.is_leaf and p.requires_grad
    y = (p * 2).sum()
    assert type(p * 2) is ag.Tensor and y.grad_fn is not None
    y.backward()
    np.testing.assert_allclose(p.grad.numpy(), 2.0)
    assert repr(p).startswith("Parameter containing:\ntensor(")
    with pytest.raises(TypeError, match="floating"):
        nn.Parameter(ag.tensor([1, 2]))
    assert not nn.Parameter(ag.tensor([1, 2]), requires_grad=False).requires_grad


# ---------------------------------------------------------------- modes and grads
def test_train_eval_propagate_and_return_self():
    net = Net()
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="bool"):
        net.train("yes")


def test_train_calls_each_childs_own_train():
    class FrozenStats(nn.Linear):
        def train(self, mode=True):
            return super().train(False)  # e.g. keep a pretrained part in eval mode

    net = nn.Sequential(FrozenStats(2, 2), nn.Dropout())
    net.train()
    assert net.training and not net[0].training and net[1].training


def test_zero_grad_and_requires_grad():
    net = Net()
    net(ag.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.block.requires_grad_(False)
    net(ag.randn(5, 3)).sum().backward()
    assert net.block.fc.weight.grad is None and net.head[1].weight.grad is not None


def test_apply_visits_children_first():
    seen = []
    Net().apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Block", "ReLU", "Linear", "Sequential", "Net"]


def test_to_double_keeps_parameter_identity():
    net = Net()
    params = list(net.parameters())
    net(ag.randn(2, 3)).sum().backward()
    assert net.double() is net
    assert [id(p) for p in net.parameters()] == [id(p) for p in params]
    assert all(p.dtype == np.float64 and p.grad.dtype == np.float64 for p in params)
    assert net.block.running.dtype == np.float64
    assert net(ag.randn(2, 3).double()).dtype == np.float64
    assert net.float().block.fc.weight.dtype == np.float32
    assert net.to("cpu") is net
    with pytest.raises(TypeError, match="floating"):
        net.to(np.int64)


def test_deepcopy_is_independent():
    net = Net()
    twin = copy.deepcopy(net)
    for (n1, a), (n2, b) in zip(net.state_dict().items(), twin.state_dict().items()):
        assert n1 == n2 and np.array_equal(a.numpy(), b.numpy())
        assert a.numpy() is not b.numpy()
    with ag.no_grad():
        twin.block.fc.weight.array[...] = 0
    assert net.block.fc.weight.numpy().any()


# ---------------------------------------------------------------- call, hooks, scope
def test_forward_runs_inside_named_module_scopes():
    net = Net()
    out = net(ag.randn(2, 3))
    assert out.grad_fn._scope == ("Net", "Net.head", "Net.head.1")
    scopes = set()
    stack = [out.grad_fn]
    while stack:
        node = stack.pop()
        scopes.add(node._scope)
        stack.extend(e[1] for e in node._edges if e[1] is not None)
    assert ("Net", "Net.block", "Net.block.fc") in scopes
    assert ("Net", "Net.block") in scopes  # the * scale and + running of Block itself
    from nn.scope import current_scope
    assert current_scope() is None


def test_scope_is_restored_when_forward_raises():
    from nn.scope import current_scope
    with pytest.raises(ValueError):
        nn.Linear(3, 2)(ag.randn(2, 5))
    assert current_scope() is None


def test_forward_hooks_can_replace_inputs_and_outputs():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out + 1)
    y = lin(ag.ones(1, 2))
    np.testing.assert_allclose(y.numpy(), lin.bias.numpy()[None] + 1, rtol=1e-6)
    assert calls == [(1, 2)]
    h1.remove()
    h2.remove()
    np.testing.assert_allclose(lin(ag.zeros(1, 2)).numpy(), lin.bias.numpy()[None])


def test_module_without_forward_says_so():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(ag.zeros(1))


# ---------------------------------------------------------------- state dict
def test_state_dict_values_are_detached_and_shared():
    lin = nn.Linear(3, 2)
    sd = lin.state_dict()
    assert type(sd) is OrderedDict
    assert not sd["weight"].requires_grad and type(sd["weight"]) is ag.Tensor
    assert sd["weight"].numpy() is lin.weight.numpy()  # shares memory, as PyTorch
    assert lin.state_dict(keep_vars=True)["weight"] is lin.weight


def test_load_state_dict_round_trip_keeps_identity():
    a, b = Net(), Net()
    params = list(b.parameters())
    result = b.load_state_dict(a.state_dict())
    assert result == ([], []) and result.missing_keys == []
    assert all(np.array_equal(x.numpy(), y.numpy())
               for x, y in zip(a.state_dict().values(), b.state_dict().values()))
    assert all(p is q for p, q in zip(params, b.parameters()))
    x = ag.randn(4, 3)
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())


def test_load_state_dict_accepts_arrays_and_casts_dtype():
    net = Net()
    src = {k: v.astype(np.float64) for k, v in _snapshot(Net()).items()}
    net.load_state_dict(src)
    assert net.block.fc.weight.dtype == np.float32
    np.testing.assert_allclose(net.block.fc.weight.numpy(), src["block.fc.weight"], rtol=1e-6)


def _bad(mutate):
    def make():
        sd = _snapshot(Net())
        mutate(sd)
        return sd
    return make


BAD = [  # name, state dict maker, strict, fragments every error must name
    ("missing", _bad(lambda sd: sd.pop("block.fc.bias")), True,
     ["Missing key(s)", '"block.fc.bias"']),
    ("unexpected", _bad(lambda sd: sd.update(extra=np.zeros(1))), True,
     ["Unexpected key(s)", '"extra"']),
    ("shape", _bad(lambda sd: sd.update({"head.1.weight": np.zeros((2, 5))})), True,
     ["size mismatch for head.1.weight", "(2, 5)", "(2, 4)"]),
    ("shape, not strict", _bad(lambda sd: sd.update({"block.scale": np.zeros(3)})), False,
     ["size mismatch for block.scale"]),
    ("object value", _bad(lambda sd: sd.update({"block.running": np.array(["a"] * 4)})), True,
     ["block.running", "not numeric"]),
    ("everything at once", _bad(lambda sd: (sd.pop("block.running"), sd.update(
        {"x.y": np.zeros(1), "block.fc.weight": np.zeros((3, 4))}))), True,
     ['"block.running"', '"x.y"', "size mismatch for block.fc.weight"]),
]


@pytest.mark.parametrize("name,make,strict,words", BAD, ids=[b[0] for b in BAD])
def test_failed_load_lists_every_problem_and_changes_nothing(name, make, strict, words):
    net = Net()
    before = _snapshot(net)
    versions = [p._version for p in net.parameters()]
    sd = make()
    # every *valid* entry differs from the module, so a partial write would show
    for k in sd:
        if k in before and np.shape(sd[k]) == before[k].shape and sd[k].dtype.kind == "f":
            sd[k] = sd[k] + 1.0
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(sd, strict=strict)
    msg = str(info.value)
    assert msg.startswith("Error(s) in loading state_dict for Net")
    for w in words:
        assert w in msg
    after = _snapshot(net)
    assert all(np.array_equal(before[k], after[k]) for k in before)
    assert versions == [p._version for p in net.parameters()]


def test_non_strict_load_reports_keys_and_loads_the_rest():
    net, src = Net(), Net()
    sd = dict(src.state_dict())
    del sd["head.1.weight"]
    sd["bogus"] = ag.zeros(1)
    missing, unexpected = net.load_state_dict(sd, strict=False)
    assert missing == ["head.1.weight"] and unexpected == ["bogus"]
    np.testing.assert_array_equal(net.block.fc.weight.numpy(), src.block.fc.weight.numpy())


def test_load_state_dict_into_torch_and_back():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3))
    theirs = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.Tanh(), torch.nn.Linear(7, 3))
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy())
                            for k, v in ours.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((4, 5)).astype(np.float32)
    np.testing.assert_allclose(ours(ag.tensor(x)).numpy(),
                               theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    back = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3))
    back.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    np.testing.assert_allclose(back(ag.tensor(x)).numpy(), ours(ag.tensor(x)).numpy())


# ---------------------------------------------------------------- containers
def test_sequential_indexing_slicing_and_editing():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 4), nn.Tanh())
    assert isinstance(seq[0], nn.Linear) and isinstance(seq[-1], nn.Tanh)
    head = seq[2:]
    assert isinstance(head, nn.Sequential) and list(head.state_dict()) == ["2.weight", "2.bias"]
    assert head[0] is seq[2]
    x = ag.randn(5, 2)
    np.testing.assert_allclose(seq(x).numpy(), seq[2:](seq[:2](x)).numpy())
    with pytest.raises(IndexError, match="out of range"):
        seq[4]
    del seq[1]
    assert [type(m).__name__ for m in seq] == ["Linear", "Linear", "Tanh"]
    assert list(dict(seq.named_children())) == ["0", "1", "2"]
    seq.append(nn.Sigmoid()).insert(1, nn.ReLU())
    assert [type(m).__name__ for m in seq] == ["Linear", "ReLU", "Linear", "Tanh", "Sigmoid"]
    seq[0] = nn.Identity()
    assert isinstance(seq[0], nn.Identity) and len(seq) == 5


def test_sequential_from_ordered_dict_keeps_names():
    seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert list(seq.state_dict()) == ["fc.weight", "fc.bias"]
    assert repr(seq) == ("Sequential(\n  (fc): Linear(in_features=2, out_features=2, bias=True)\n"
                         "  (act): ReLU()\n)")


def test_module_list_registers_and_slices():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    m = nn.Module()
    m.layers = layers
    assert [n for n, _ in m.named_parameters()][:2] == ["layers.0.weight", "layers.0.bias"]
    assert len(layers) == 3 and isinstance(layers[1:], nn.ModuleList) and len(layers[1:]) == 2
    layers.append(nn.ReLU())
    layers += [nn.Tanh()]
    del layers[0]
    assert [type(x).__name__ for x in layers] == ["Linear", "Linear", "ReLU", "Tanh"]
    assert list(dict(layers.named_children())) == ["0", "1", "2", "3"]
    with pytest.raises(TypeError, match="iterable"):
        layers.extend(nn.ReLU())


def test_module_dict_keeps_order():
    d = nn.ModuleDict({"b": nn.Linear(1, 1), "a": nn.ReLU()})
    d["c"] = nn.Tanh()
    assert list(d) == ["b", "a", "c"] and "a" in d and len(d) == 3
    assert [k for k, _ in d.items()] == ["b", "a", "c"]
    assert isinstance(d.pop("a"), nn.ReLU) and list(d.keys()) == ["b", "c"]
    with pytest.raises(KeyError, match="no key 'zz'"):
        d["zz"]


def test_repr_nests_like_pytorch():
    expected = """Net(
  (block): Block(
    (fc): Linear(in_features=3, out_features=4, bias=True)
  )
  (head): Sequential(
    (0): ReLU()
    (1): Linear(in_features=4, out_features=2, bias=False)
  )
)"""
    assert repr(Net()) == expected


@pytest.mark.parametrize("register", [
    lambda m: m.register_buffer("w", ag.zeros(1)),
    lambda m: m.register_parameter("plain", nn.Parameter(ag.zeros(1))),
    lambda m: m.add_module("forward", nn.ReLU()),
    lambda m: m.register_buffer("child", ag.zeros(1)),
])
def test_registering_over_an_existing_attribute_raises(register):
    m = nn.Module()
    m.w = nn.Parameter(ag.zeros(1))
    m.plain = 3
    m.child = nn.ReLU()
    with pytest.raises(KeyError, match="already exists"):
        register(m)


def test_assignment_replaces_across_kinds():
    m = nn.Module()
    m.x = 3
    m.x = nn.Parameter(ag.zeros(1))  # assignment (unlike register_*) replaces what was there
    assert list(dict(m.named_parameters())) == ["x"]
    m.x = nn.ReLU()
    assert list(m.parameters()) == [] and list(dict(m.named_children())) == ["x"]
    m.register_buffer("b", ag.zeros(1), persistent=False)
    m.register_buffer("b", ag.ones(1))  # re-registering a buffer may change persistence
    assert "b" in m.state_dict()


def test_import_nn_pulls_in_no_optional_dependency():
    import subprocess
    import sys
    root = __file__.rsplit("/tests/", 1)[0]
    code = ("import sys, nn, nn.functional, nn.init, nn.utils\n"
            "bad = [m for m in ('torch', 'sklearn', 'matplotlib', 'mlxtend', 'tqdm', 'graphviz',"
            " 'hypothesis') if m in sys.modules]\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
