"""The engine: backward order, graph lifetime, higher order, hooks, grad modes and errors."""
from __future__ import annotations

import gc
import time
import weakref

import numpy as np
import pytest

import autograd as ag
from autograd import hooks
from autograd.engine import topological_order
from tests.autograd.custom_ops import Cube


def t64(data, requires_grad=True, name=None):
    return ag.tensor(np.asarray(data, dtype=np.float64), requires_grad=requires_grad, name=name)


# ------------------------------------------------------------ textbook examples
def _apple_tax(v):
    return v["apple"] * v["apple_num"] * v["tax"]


def _apples_and_oranges(v):
    return (v["apple"] * v["apple_num"] + v["orange"] * v["orange_num"]) * v["tax"]


TEXTBOOK = [
    # (name, leaf values, expression, forward value, gradients)
    ("apple tax", {"apple": 10.0, "apple_num": 2.0, "tax": 1.1}, _apple_tax, 22.0,
     {"apple": 2.2, "apple_num": 11.0, "tax": 20.0}),
    ("apples and oranges",
     {"apple": 10.0, "apple_num": 2.0, "orange": 15.0, "orange_num": 3.0, "tax": 1.1},
     _apples_and_oranges, 71.5,
     {"apple": 2.2, "apple_num": 11.0, "orange": 3.3, "orange_num": 16.5, "tax": 65.0}),
]


@pytest.mark.parametrize("name,values,expr,value,grads", TEXTBOOK, ids=[t[0] for t in TEXTBOOK])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_textbook_graphs(name, values, expr, value, grads, dtype):
    leaves = {k: ag.tensor(v, dtype=dtype, requires_grad=True, name=k) for k, v in values.items()}
    out = expr(leaves)
    out.backward()
    # 10 * 2 * 1.1 is not exactly 22 in binary floating point: compare with a tolerance
    rel = 1e-6 if dtype == "float32" else 1e-12
    assert out.item() == pytest.approx(value, rel=rel)
    for k, g in grads.items():
        assert leaves[k].grad.item() == pytest.approx(g, rel=rel), k
        assert leaves[k].grad.dtype == np.dtype(dtype)


def test_apple_tax_graph_shape():
    apple, num, tax = (ag.tensor(v, requires_grad=True) for v in (100.0, 2.0, 1.1))
    price = apple * num * tax
    names = [type(n).__name__ for n in topological_order([price.grad_fn])]
    assert names == ["Mul", "Mul"]
    (edge_outer, edge_inner) = price.grad_fn._edges
    # a leaf input is kept as itself (its gradient accumulates there); an input
    # another op made is kept as that op and output index, not as a Tensor
    assert edge_inner[1] is None and edge_inner[2] is tax
    assert type(edge_outer[1]).__name__ == "Mul" and edge_outer[2] == 0


# ------------------------------------------------------------ graph structure
SHARED = [
    # (name, f, derivative) at x = 1.5
    ("x used twice", lambda x: x * x, lambda x: 2 * x),
    ("x*x + x", lambda x: x * x + x, lambda x: 2 * x + 1),
    ("diamond", lambda x: (lambda a: a * a + a * 3.0)(x * 2.0), lambda x: (4 * x + 3) * 2),
    ("deep reuse", lambda x: (lambda a: (lambda b: b * a * x)(a * a))(x + 1.0),
     lambda x: 3 * x * (x + 1) ** 2 + (x + 1) ** 3),
]


@pytest.mark.parametrize("name,f,df", SHARED, ids=[s[0] for s in SHARED])
def test_shared_subgraphs(name, f, df):
    x = t64(1.5)
    f(x).backward()
    assert x.grad.item() == pytest.approx(df(1.5), rel=1e-12)


def test_each_node_runs_once_after_all_its_consumers():
    x = t64([1.0, 2.0])
    a = x * 2.0
    b = a * a
    c = a + b
    out = (c * b).sum()
    seen = []

    def observer(node, out_grads, in_grads):
        seen.append(node)

    with hooks.node_ran(observer):
        out.backward()
    assert len(seen) == len(set(seen)) == len(topological_order([out.grad_fn]))
    position = {n: k for k, n in enumerate(seen)}
    for node in seen:  # every consumer of a node ran before it
        for _, producer, _, _, _ in node._edges:
            if producer is not None:
                assert position[producer] > position[node]


def _chain(n):
    x = t64(0.5)
    y = x
    for _ in range(n):
        y = y + 1.0
    return x, y


def _chain_seconds(n):
    start = time.perf_counter()
    x, y = _chain(n)
    y.backward()
    return time.perf_counter() - start, x


class _CountingEdges(list):
    """A node's edge list that counts how often the engine walks it."""

    walks = 0

    def __iter__(self):
        _CountingEdges.walks += 1
        return super().__iter__()


def _count_walks(root):
    nodes = topological_order([root.grad_fn])
    for node in nodes:
        node._edges = _CountingEdges(node._edges)
    _CountingEdges.walks = 0
    return nodes


def test_100k_chain_backpropagates_walking_each_node_a_fixed_number_of_times(record_property):
    # linear time as a count, not a clock: the engine walks each node's edges a fixed
    # number of times (consumer count, topological release, gradient pass), so the
    # work is proportional to the graph whatever the machine's load
    seconds, x = _chain_seconds(100_000)
    assert x.grad.item() == 1.0
    record_property("chain_100k_seconds", round(seconds, 3))
    x = t64(0.5)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    nodes = _count_walks(y)
    y.backward()
    assert x.grad.item() == 1.0
    # consumer count, topological release, gradient pass (+1 where an op reads
    # needs_input_grad): a constant number of walks per node
    assert len(nodes) == 100_000 and _CountingEdges.walks <= 4 * len(nodes)


def _fan_out_seconds(n):
    x = t64([0.5, 1.0])
    start = time.perf_counter()
    total = x * 0.0
    for i in range(n):               # x feeds n nodes: n gradients accumulate into it
        total = total + x * float(i % 7)
    total.sum().backward()
    return time.perf_counter() - start, x.grad


def test_wide_fan_out_accumulates_in_linear_time():
    seconds, grad = _fan_out_seconds(10_000)
    np.testing.assert_allclose(grad.array, [sum(i % 7 for i in range(10_000))] * 2)
    x = t64([0.5, 1.0])
    total = x * 0.0
    for i in range(10_000):
        total = total + x * float(i % 7)
    out = total.sum()
    nodes = _count_walks(out)
    out.backward()
    assert _CountingEdges.walks <= 4 * len(nodes)


def test_deep_chain_double_backward():
    x = t64(0.5)
    y = x
    for _ in range(5_000):
        y = y * 1.0001
    c = 1.0001 ** 5_000
    (g,) = ag.grad(y * y, x, create_graph=True)    # 2 c^2 x
    (gg,) = ag.grad(g, x)                           # 2 c^2
    assert g.item() == pytest.approx(2 * c * c * 0.5, rel=1e-9)
    assert gg.item() == pytest.approx(2 * c * c, rel=1e-9)


def test_linear_function_gradient_is_a_constant():
    # as PyTorch: the derivative of a linear function does not depend on x
    x = t64(0.5)
    (g,) = ag.grad(x * 3.0, x, create_graph=True)
    assert g.item() == 3.0 and not g.requires_grad


# ------------------------------------------------------------ graph lifetime
def _build(x):
    a = x * 2.0
    b = a.exp()          # saves its output
    c = b.tanh() * a     # tanh saves its output too
    return c.sum()


@pytest.mark.parametrize("run_backward", [False, True], ids=["dropped", "after backward"])
def test_graph_is_freed_by_refcount_without_gc(run_backward):
    gc.collect()
    gc.disable()
    try:
        x = t64([0.1, 0.2, 0.3])
        out = _build(x)
        order = topological_order([out.grad_fn])
        nodes = [weakref.ref(n) for n in order]
        assert len(nodes) == 5
        del order
        if run_backward:
            out.backward()
            assert x.grad.grad_fn is None
        del out
        assert [r() for r in nodes] == [None] * 5
    finally:
        gc.enable()


def test_node_does_not_keep_its_output_alive():
    gc.disable()
    try:
        x = t64([1.0, 2.0])
        y = x.exp()          # Exp saves its output
        node = y.grad_fn
        ref = weakref.ref(y)
        del y
        assert ref() is None
        # backward still works through the node (the saved output is rebuilt)
        z = ag.Tensor._make(np.ones(2))
        ag.engine.run_backward([ag.Tensor._make(np.ones(2), node, 0, True)], [z], False, False)
        np.testing.assert_allclose(x.grad.array, np.exp([1.0, 2.0]))
    finally:
        gc.enable()


class Buffered(ag.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        ctx.scratch = np.full(x.shape, 3.0)
        return x * 3.0

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * ag.Tensor._make(ctx.scratch)


def test_saved_buffers_freed_after_backward_and_second_backward_explains():
    x = t64([1.0, 2.0])
    y = Buffered.apply(x).sum()
    node = topological_order([y.grad_fn])[-1]
    assert type(node).__name__ == "Buffered" and hasattr(node, "scratch")
    y.backward()
    assert not hasattr(node, "scratch") and node._saved is None
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_second_backward_through_builtin_ops_explains():
    x = t64([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True") as info:
        y.backward()
    assert "Mul" in str(info.value) or "Sum" in str(info.value)


def test_retain_graph_allows_two_backwards_that_accumulate():
    x = t64([1.0, -2.0])
    y = (x * x * x).sum()
    y.backward(retain_graph=True)
    first = x.grad.array.copy()
    y.backward()
    np.testing.assert_allclose(x.grad.array, 2 * first)
    np.testing.assert_allclose(first, 3 * x.array ** 2)


def test_gradients_accumulate_across_calls_until_zeroed():
    x = t64([1.0, 2.0])
    for k in range(1, 4):
        (x * 5.0).sum().backward()
        np.testing.assert_allclose(x.grad.array, [5.0 * k] * 2)
    held = x.grad
    (x * 1.0).sum().backward()
    np.testing.assert_allclose(held.array, [15.0, 15.0])  # accumulation is out of place
    x.grad = None
    (x * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.array, [2.0, 2.0])


def test_leaf_gradients_never_alias_each_other_or_the_seed():
    a, b = t64(np.ones(3)), t64(np.ones(3))
    seed = ag.tensor(np.array([1.0, 2.0, 3.0]))
    (a + b).backward(seed)                       # Add hands the same gradient to both
    buffers = [a.grad.array, b.grad.array, seed.array]
    assert not any(np.shares_memory(p, q) for k, p in enumerate(buffers) for q in buffers[k + 1:])
    a.grad.array[0] = 100.0
    assert b.grad.array[0] == 1.0 and seed.array[0] == 1.0


# ------------------------------------------------------------ higher order
@pytest.mark.parametrize("cube", [lambda x: x ** 3, lambda x: x * x * x, Cube.apply],
                         ids=["pow", "products", "custom Function"])
def test_derivatives_of_cube_up_to_third_order(cube):
    x = t64([1.7, -0.4])
    (d1,) = ag.grad(cube(x).sum(), x, create_graph=True)
    (d2,) = ag.grad(d1.sum(), x, create_graph=True)
    (d3,) = ag.grad(d2.sum(), x, allow_unused=True)
    np.testing.assert_allclose(d1.array, 3 * x.array ** 2)
    np.testing.assert_allclose(d2.array, 6 * x.array)
    np.testing.assert_allclose(d3.array, [6.0, 6.0])


def test_backward_create_graph_gives_second_derivative_in_grad():
    x = t64(2.0)
    (x ** 3).backward(create_graph=True)
    g = x.grad
    assert g.requires_grad and g.item() == pytest.approx(12.0)
    x.grad = None
    g.backward()
    assert x.grad.item() == pytest.approx(12.0)  # d(3x^2)/dx = 6x = 12


def test_hessian_vector_product():
    rng = np.random.default_rng(0)
    m = rng.standard_normal((4, 4))
    a = ag.tensor(m + m.T)                      # symmetric: f = x^T A x / 2 + sum(x^3)
    x = t64(rng.standard_normal(4))
    v = rng.standard_normal(4)
    f = (x @ (a @ x)) * 0.5 + (x ** 3).sum()
    (g,) = ag.grad(f, x, create_graph=True)
    (hv,) = ag.grad((g * ag.tensor(v)).sum(), x)
    hessian = (m + m.T) + np.diag(6 * x.array)
    np.testing.assert_allclose(hv.array, hessian @ v, rtol=1e-10)


def test_gradient_penalty_reaches_parameters():
    w, x = t64([0.5, -1.0, 2.0]), t64([1.0, 2.0, 3.0])
    (gx,) = ag.grad((w * x * x).sum(), x, create_graph=True)     # 2 w x
    (gx * gx).sum().backward()                                    # d/dw of sum 4 w^2 x^2
    np.testing.assert_allclose(w.grad.array, 8 * w.array * x.array ** 2)


class Probe(ag.Function):
    """Records what backward sees of the ctx API."""

    seen: dict = {}

    @staticmethod
    def forward(ctx, a, b, k):
        out = a * b * k
        ctx.save_for_backward(a, out, np.full(a.shape, 2.0))
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out, const = ctx.saved_tensors
        Probe.seen.update(needs=ctx.needs_input_grad, a=a, out=out, const=const)
        return grad * out / a, None, None


def test_ctx_gives_back_inputs_outputs_and_constants():
    a, b = t64([1.0, 2.0]), t64([3.0, 4.0], requires_grad=False)
    y = Probe.apply(a, b, 5.0)
    y.sum().backward()
    seen = Probe.seen
    assert seen["needs"] == (True, False, False)
    assert seen["a"] is a                                   # an input comes back as itself
    assert seen["out"].grad_fn is y.grad_fn                 # an output keeps its node
    assert not seen["const"].requires_grad and seen["const"].array.tolist() == [2.0, 2.0]
    np.testing.assert_allclose(a.grad.array, b.array * 5.0)


# ------------------------------------------------------------ ag.grad
def test_grad_returns_without_touching_dot_grad():
    x, y = t64([1.0, 2.0]), t64([3.0, 4.0])
    gx, gy = ag.grad((x * y).sum(), [x, y])
    np.testing.assert_allclose(gx.array, y.array)
    np.testing.assert_allclose(gy.array, x.array)
    assert x.grad is None and y.grad is None


def test_grad_allow_unused_and_non_leaf_inputs():
    x, unused = t64([1.0, 2.0]), t64([2.0])
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        ag.grad((x * 2.0).sum(), [x, unused])
    gx, gu = ag.grad((x * 2.0).sum(), [x, unused], allow_unused=True)
    assert gu is None and gx.array.tolist() == [2.0, 2.0]
    h = x * 3.0
    gh, gx = ag.grad((h * h).sum(), [h, x])
    np.testing.assert_allclose(gh.array, 2 * h.array)
    np.testing.assert_allclose(gx.array, 18 * x.array)


def test_grad_outputs_for_non_scalar_and_several_outputs():
    x = t64([1.0, 2.0, 3.0])
    v = ag.tensor(np.array([0.5, -1.0, 2.0]))
    (g,) = ag.grad(x * x, x, grad_outputs=v)
    np.testing.assert_allclose(g.array, 2 * x.array * v.array)
    (g,) = ag.grad([x * 2.0, x * x], x, grad_outputs=[v, v])
    np.testing.assert_allclose(g.array, (2 + 2 * x.array) * v.array)
    with pytest.raises(RuntimeError, match="scalar"):
        ag.grad(x * x, x)


# ------------------------------------------------------------ errors and contracts
class Bad(ag.Function):
    """Does not broadcast, yet returns a broadcast-shaped gradient."""

    @staticmethod
    def forward(ctx, a, b):
        return a * b

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


def test_gradient_shape_contract_names_op_and_input():
    a, b = t64(np.ones((3, 2))), t64(np.ones((1, 2)))
    with pytest.raises(RuntimeError) as info:
        Bad.apply(a, b).sum().backward()
    assert "Bad.backward returned (3, 2) for input 1 of shape (1, 2)" in str(info.value)


def test_broadcast_inputs_get_summed_gradients():
    a, b = t64(np.ones((3, 2))), t64([[1.0, 2.0]])
    (a * b).sum().backward()
    assert b.grad.shape == (1, 2) and a.grad.shape == (3, 2)
    np.testing.assert_allclose(b.grad.array, [[3.0, 3.0]])


@pytest.mark.parametrize("call,match", [
    (lambda x: (x * 2.0).backward(), "scalar"),
    (lambda x: (x * 2.0).backward(gradient=ag.tensor(np.ones(3))), "shape"),
    (lambda x: ag.tensor([1.0]).backward(), "does not require grad"),
], ids=["non-scalar", "gradient shape", "no grad"])
def test_backward_errors(call, match):
    x = t64([1.0, 2.0])
    with pytest.raises(RuntimeError, match=match):
        call(x)


def test_backward_non_scalar_with_gradient():
    x = t64([1.0, 2.0])
    (x * x).backward(gradient=ag.tensor(np.array([1.0, -1.0])))
    np.testing.assert_allclose(x.grad.array, [2.0, -4.0])


def test_unused_outputs_of_multi_output_ops_get_zero_gradient():
    x = t64(np.arange(6.0))
    first, _second = ag.split(x, 3)
    (first * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.array, [2, 2, 2, 0, 0, 0])


def test_integer_outputs_do_not_require_grad():
    x = t64([[1.0, 5.0], [3.0, 2.0]])
    values, indices = x.max(dim=1)
    assert values.requires_grad and not indices.requires_grad
    assert indices.dtype.kind == "i"


def _leaf_backward():
    x = t64(2.0)
    x.backward()
    return x.grad.item()


def _float32_leaf_grad_dtype():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * t64([1.0, 1.0], requires_grad=False)).sum().backward()  # float64 graph
    return x.grad.dtype


def _root_hook():
    x = t64(2.0)
    y = x * 2.0
    y.register_hook(lambda g: g * 3.0)
    y.backward()
    return x.grad.item()


def _backward_inside_no_grad():
    x = t64([1.0, 2.0])
    out = (x * x).sum()
    with ag.no_grad():
        out.backward()
    return x.grad.tolist()


def _setitem_routes_gradients():
    x, v = t64([1.0, 2.0, 3.0]), t64(5.0)
    h = x * 1.0
    h[1] = v * 2.0
    (h * h).sum().backward()
    return x.grad.tolist(), v.grad.item()


SMALL = [
    # (name, run, expected)
    ("backward on a leaf", _leaf_backward, 1.0),
    ("hook on the root", _root_hook, 6.0),
    ("float32 leaf keeps float32 grad", _float32_leaf_grad_dtype, np.float32),
    ("backward inside no_grad", _backward_inside_no_grad, [2.0, 4.0]),
    ("setitem routes gradients", _setitem_routes_gradients, ([2.0, 0.0, 6.0], 40.0)),
]


@pytest.mark.parametrize("name,run,expected", SMALL, ids=[c[0] for c in SMALL])
def test_small_behaviours(name, run, expected):
    assert run() == expected


# ------------------------------------------------------------ PyTorch as a reference
def test_first_and_second_order_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    xa, wa, ba = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)

    def loss(lib, x, w, b):
        h = lib.tanh(x @ w + b)                      # (4, 2), b broadcast over rows
        return (h * h * x[:, :2]).sum() / (b * b + 1.0).sum()

    ours = [t64(a) for a in (xa, wa, ba)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (xa, wa, ba)]
    g_ours = ag.grad(loss(ag, *ours), ours, create_graph=True)
    g_theirs = torch.autograd.grad(loss(torch, *theirs), theirs, create_graph=True)
    for a, b in zip(g_ours, g_theirs):
        np.testing.assert_allclose(a.array, b.detach().numpy(), rtol=1e-10, atol=1e-12)
    # second order: gradient of the squared gradient norm of w
    h_ours = ag.grad((g_ours[1] * g_ours[1]).sum(), ours)
    h_theirs = torch.autograd.grad((g_theirs[1] * g_theirs[1]).sum(), theirs)
    for a, b in zip(h_ours, h_theirs):
        np.testing.assert_allclose(a.array, b.numpy(), rtol=1e-9, atol=1e-12)
