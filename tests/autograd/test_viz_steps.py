"""Graph drawing of backward itself: step-by-step frames, create_graph styling, anomalies,
very big graphs, and random graphs checked against the engine's gradients."""
from __future__ import annotations

import re
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd import hooks, viz


def leaf(v, name=None, grad=True):
    return ag.tensor(np.asarray(v, dtype=np.float64), requires_grad=grad, name=name)


def apple_tax():
    apple, num, tax = leaf(100.0, "apple"), leaf(2.0, "apple_num"), leaf(1.1, "tax")
    price = apple * num * tax
    price.name = "price"
    return price, {"apple": apple, "apple_num": num, "tax": tax}


def test_create_graph_nodes_are_drawn_in_another_style():
    x = leaf(2.0, "x")
    viz.trace(x ** 3, create_graph=True)
    assert x.grad.item() == 12.0
    src = viz.dot_source(x.grad)
    assert 'style="filled,dashed" fillcolor="#fff4e0"' in src
    plain = viz.dot_source(leaf(2.0, "x") ** 3)
    assert "dashed\" fillcolor" not in plain
    z = leaf(3.0, "z")
    with viz.watch_backward():  # the same for autograd.grad run by the user
        (gz,) = ag.grad(z ** 3 * z, [z], create_graph=True)
    penalty = gz * gz
    g = viz.snapshot(penalty)
    assert gz.item() == 108.0  # d(z**4)/dz = 4 z**3
    # plain: the square taken afterwards and the forward z ** 3 that backward reused;
    # the engine's own sum of z's two contributions is marked as backward-built too
    plain = sorted(op.cls for op in g.ops if not op.built_in_backward)
    assert plain == ["Mul", "PowScalar"] and not g.ops[0].built_in_backward
    assert "Add" in [op.cls for op in g.ops if op.built_in_backward]


def test_anomaly_node_is_drawn_red(tmp_path):
    x = leaf([0.0, 1.0], "x")
    with ag.detect_anomaly(), np.errstate(divide="ignore"):
        y = ag.sqrt(x).sum()
        with pytest.raises(RuntimeError) as info:
            y.backward()
    err = info.value
    assert type(err.node).__name__ == "Sqrt"
    src = viz.dot_source(y, highlight=err)
    sqrt_line = next(line for line in src.splitlines() if "label=<√>" in line)
    assert 'fillcolor="#ffd9d9"' in sqrt_line and 'color="#d62728"' in sqrt_line
    assert "first NaN/inf (Sqrt)" in src
    out = viz.render_anomaly(err, tmp_path / "bad.dot")
    assert 'fillcolor="#ffd9d9"' in out.read_text()
    with pytest.raises(ValueError, match="detect_anomaly"):
        viz.render_anomaly(RuntimeError("plain"), tmp_path / "x.dot")


# ------------------------------------------------------------------ size
def test_100k_node_chain_draws_collapsed():
    x = leaf(1.0, "x")
    y = x
    for _ in range(100_000):
        y = y * 1.0
    src = viz.dot_source(y)
    assert "collapsed 1 chain of 100,000 ops (Mul 100,000)" in src
    assert "100,000 ops: Mul 100,000<br/>+ 100,000 constants" in src
    assert src.count("\n") < 30


def test_past_the_limit_the_drawing_elides_and_says_what():
    xs = [leaf(float(i), f"x{i}") for i in range(300)]
    total = xs[0] * xs[0]
    for x in xs[1:]:
        total = total + x * x
    src = viz.dot_source(total, max_nodes=60)
    n_nodes = len(re.findall(r"^\tn\d+ \[label", src, re.M))
    assert n_nodes <= 60
    assert re.search(r"elided [\d,]+ nodes \(", src) and "more nodes" in src
    mer = viz.to_mermaid(total, max_nodes=60)
    assert "%% elided" in mer and len(re.findall(r"^  n\d+[\[(]", mer, re.M)) <= 60
    full = viz.dot_source(total, max_nodes=None)
    assert "elided" not in full and len(re.findall(r"^\tn\d+ \[label", full, re.M)) > 600


def test_walk_needs_no_recursion():
    x = leaf(1.0, "x")
    y = x
    for _ in range(1500):
        y = ag.exp(y * 0.0)
    depth = _stack_depth()
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 120)
    try:
        g = viz.snapshot(y)
        src = viz.dot_source(g, max_nodes=None)
    finally:
        sys.setrecursionlimit(old)
    # 1500 x (const -> Mul, Mul -> Exp) + 1499 Exp -> Mul + x -> Mul + Exp -> root
    assert len(g.ops) == 3000 and src.count(" -> ") == 4501


def _stack_depth() -> int:
    f, n = sys._getframe(), 0
    while f is not None:
        f, n = f.f_back, n + 1
    return n


# ------------------------------------------------------------------ backward steps
def test_backward_steps_follow_the_engine():
    x, y = leaf(2.0, "x"), leaf(3.0, "y")
    t = x * y
    z = t * t + ag.exp(t) / x
    seen = []
    observer = hooks.node_ran(lambda node, outs, ins: seen.append(type(node).__name__))
    observer.__enter__()
    try:
        frames = viz.backward_steps(z)
    finally:
        observer.__exit__(None, None, None)
    assert len(frames) == len(seen) == 5  # Mul, Mul, Exp, Div, Add
    assert [f.op_class for f in frames] == seen
    assert all(f.total == len(frames) for f in frames)
    assert frames[0].node_id in frames[0].source and 'fillcolor="#fff3b0"' in frames[0].source
    # where t feeds several paths, the frame of its op shows the sum of contributions
    mul_t = next(f for f in frames if "feeds 3 paths" in f.caption)
    assert mul_t.op_class == "Mul"
    want = 2 * t.item() + np.exp(t.item()) / 2.0
    assert x.grad.item() == pytest.approx(3.0 * want - np.exp(6.0) / 4.0)


def test_render_steps_writes_frames_and_a_page(tmp_path):
    root, _ = apple_tax()
    index = viz.render_steps(root, tmp_path / "steps")
    files = sorted(p.name for p in (tmp_path / "steps").iterdir())
    assert files == ["index.html", "step_001.svg", "step_002.svg"]
    page = index.read_text()
    assert "previous" in page and "next" in page and "step_002.svg" in page
    assert "<svg" in (tmp_path / "steps" / "step_001.svg").read_text()


# ------------------------------------------------------------------ random graphs
UNARY = [("exp", lambda t: ag.exp(t * 0.1)), ("tanh", ag.tanh), ("sq", lambda t: t * t),
         ("neg", lambda t: -t)]
BINARY = [("add", lambda a, b: a + b), ("mul", lambda a, b: a * b),
          ("div", lambda a, b: a / (b * b + 1.0)), ("sub", lambda a, b: a - b)]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 3), st.integers(0, 10),
                          st.integers(0, 10)), min_size=1, max_size=12),
       st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_random_graphs_draw_the_engine_gradients(program, values):
    leaves = [leaf(v, f"x{i}") for i, v in enumerate(values)]
    pool = list(leaves)
    for is_binary, k, i, j in program:
        a, b = pool[i % len(pool)], pool[j % len(pool)]
        pool.append(BINARY[k][1](a, b) if is_binary else UNARY[k][1](a))
    out = sum(pool[len(leaves):], pool[-1]) if len(pool) > len(leaves) else pool[0] * 1.0
    g = viz.trace(out)
    for v in g.vars:
        if v.kind == "leaf" and v.id in g.var_grad:
            # the drawing adds contributions in its own order: equal up to rounding
            np.testing.assert_allclose(g.var_grad[v.id], v.tensor.grad.array, rtol=1e-12,
                                       atol=1e-15)
    # every recorded op input is one edge; the root gets one more
    n_inputs = sum(len(viz.graph.node_inputs(op.fn)) for op in g.ops)
    n_inter = sum(1 for v in g.vars if v.kind == "inter")
    assert len(g.edges) == n_inputs + 1 + n_inter
    assert viz.dot_source(g) == viz.dot_source(g)
    assert len(g.order) == len(g.ops)


def test_graphs_and_frames_show_themselves_in_jupyter():
    x = leaf(2.0, "x")
    g = viz.trace(x * x)
    assert repr(g) == "Graph(1 op, 2 variables, 3 edges; with gradients from backward)"
    bundle = g._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"] and ">4<" in bundle["image/svg+xml"]
    frame = viz.backward_steps(leaf(3.0, "y") * 2.0)[0]
    assert repr(frame).startswith("Frame(1/1: 'Step 1 of 1: × (Mul)")
    assert "<svg" in frame._repr_mimebundle_()["image/svg+xml"]


def test_anomaly_under_trace_draws_the_gradients_up_to_the_failure(tmp_path):
    x = leaf([0.0, 4.0], "x")
    with ag.detect_anomaly(), np.errstate(all="ignore"):
        y = (ag.sqrt(x) * 3.0).sum()
        with pytest.raises(RuntimeError, match="Sqrt.backward produced inf") as info:
            viz.trace(y)
    err = info.value
    assert err.graph.traced and len(err.graph.order) == 3  # Sum, Mul, then the failing Sqrt
    src = viz.render_anomaly(err, tmp_path / "bad.dot").read_text()
    assert "label=<[inf, 0.75]> dir=back" in src  # d sqrt(x)/dx * 3 at x = 0 and x = 4
    assert "label=<[3, 3]> dir=back" in src and 'fillcolor="#ffd9d9"' in src
