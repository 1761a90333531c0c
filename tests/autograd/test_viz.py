"""Graph drawing: the textbook examples, snapshots, big graphs, escaping, the no-Graphviz path.

Set SCRATCHGRAD_UPDATE_SNAPSHOTS=1 to rewrite tests/autograd/snapshots/*.dot and *.mmd
after an intended change of the drawing (then read the diff before committing).
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import autograd as ag
from autograd import viz
from autograd.viz import dot as vdot
from nn.scope import module_scope

SNAPSHOTS = Path(__file__).parent / "snapshots"


def leaf(v, name=None, grad=True):
    return ag.tensor(np.asarray(v, dtype=np.float64), requires_grad=grad, name=name)


# ------------------------------------------------------------------ the course examples
def apple_tax():
    apple, num, tax = leaf(10.0, "apple"), leaf(2.0, "apple_num"), leaf(1.1, "tax")
    price = apple * num * tax
    price.name = "price"
    return price, {"apple": apple, "apple_num": num, "tax": tax}


def apples_oranges():
    a, an = leaf(10.0, "apple"), leaf(2.0, "apple_num")
    o, on, tax = leaf(15.0, "orange"), leaf(3.0, "orange_num"), leaf(1.1, "tax")
    price = (a * an + o * on) * tax
    price.name = "price"
    return price, {"apple": a, "apple_num": an, "orange": o, "orange_num": on, "tax": tax}


def chain_rule():
    x, y = leaf(2.0, "x"), leaf(3.0, "y")
    t = x + y
    t.name = "t"
    z = t ** 2
    z.name = "z"
    return z, {"x": x, "y": y}


def sigmoid_by_hand():
    x = leaf(0.5, "x")
    y = 1.0 / (1.0 + ag.exp(-x))
    y.name = "y"
    return y, {"x": x}


def affine_softmax_loss():
    x = ag.tensor(np.array([[0.6, 0.9]]), name="x")
    W = leaf([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], "W")
    b = leaf([0.1, 0.2, 0.3], "b")
    a = x @ W + b
    a.name = "a"
    loss = ag.cross_entropy(a, ag.tensor(np.array([2])))
    loss.name = "L"
    return loss, {"W": W, "b": b}


def _sig(x):
    return 1 / (1 + np.exp(-x))


# name, builder, forward values that must label an edge, leaf -> expected gradient,
# gradients that must label a backward edge
EXAMPLES = [
    ("apple_tax", apple_tax, ["10", "2", "1.1", "20", "22"],
     {"apple": 2.2, "apple_num": 11.0, "tax": 20.0}, ["2.2", "11", "20", "1.1", "1"]),
    ("apples_oranges", apples_oranges, ["10", "2", "15", "3", "20", "45", "65", "71.5"],
     {"apple": 2.2, "apple_num": 11.0, "orange": 3.3, "orange_num": 16.5, "tax": 65.0},
     ["2.2", "11", "3.3", "16.5", "65", "1.1", "1"]),
    ("chain_rule", chain_rule, ["2", "3", "5", "25"], {"x": 10.0, "y": 10.0}, ["10", "1"]),
    ("sigmoid", sigmoid_by_hand, ["0.5", "−0.5", "0.6065", "1.607", "0.6225"],
     {"x": _sig(0.5) * (1 - _sig(0.5))}, [format(_sig(0.5) * (1 - _sig(0.5)), ".4g")]),
]


def edge_labels(src: str, back: bool) -> list[str]:
    pat = r"-> n\d+ \[label=<([^>]*(?:<br/>[^>]*)*)>" + (" dir=back" if back else r"\]")
    return re.findall(pat, src)


@pytest.mark.parametrize("name,build,values,grads,edge_grads", EXAMPLES,
                         ids=[e[0] for e in EXAMPLES])
def test_examples_draw_values_forward_and_gradients_back(name, build, values, grads,
                                                         edge_grads):
    root, leaves = build()
    graph = viz.trace(root)
    for k, want in grads.items():  # the engine's real gradients...
        assert leaves[k].grad.item() == pytest.approx(want, rel=1e-12)
    src = viz.dot_source(graph)
    fwd, bwd = edge_labels(src, False), edge_labels(src, True)
    for v in values:  # ...and the picture shows them, cleanly formatted
        assert v in fwd, (v, fwd)
    for g in edge_grads:
        assert g in bwd, (g, bwd)
    assert "00000" not in src  # 110.00000000000001 and friends print as 110
    mer = viz.to_mermaid(graph)
    for g in edge_grads:
        assert f"← {g}" in mer
    for k in leaves:
        assert f"<b>{k}</b>" in src and f'["{k}' in mer


def test_affine_softmax_with_loss_draws_y_minus_t():
    loss, leaves = affine_softmax_loss()
    graph = viz.trace(loss)
    a = np.array([[0.6, 0.9]]) @ np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]) + [0.1, 0.2, 0.3]
    y = np.exp(a) / np.exp(a).sum()
    expected = (y - np.eye(3)[[2]])[0]
    ce = next(op for op in graph.ops if op.cls == "CrossEntropy")
    into = [graph.edge_grad[i] for i, e in enumerate(graph.edges) if e.dst == ce.id
            and e.pos == 0]
    np.testing.assert_allclose(into[0].ravel(), expected, rtol=1e-12)
    src = viz.dot_source(graph)
    shown = "[[" + ", ".join(format(v, ".4g").replace("-", "−") for v in expected) + "]]"
    assert shown in src
    assert "softmax-with-loss" in src and "@" in src


def test_rendered_svg_contains_values_and_gradients():
    root, _ = apples_oranges()
    svg = viz.to_svg(root, backward=True)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    texts = re.findall(r">([^<>]+)</text>", svg)
    for v in ["71.5", "2.2", "11", "3.3", "16.5", "65", "apple", "orange_num"]:
        assert v in texts, v


# ------------------------------------------------------------------ snapshots, determinism
SNAPSHOT_CASES = [
    ("apple_tax", lambda: viz.dot_source(apple_tax()[0], backward=True)),
    ("chain_rule_derivatives", lambda: viz.dot_source(chain_rule()[0], backward=True,
                                                      derivatives=True)),
    ("sigmoid_values_only", lambda: viz.dot_source(sigmoid_by_hand()[0], show="values")),
    ("apples_oranges_step_2", lambda: viz.backward_steps(apples_oranges()[0])[1].source),
]
MERMAID_CASES = [
    ("apples_oranges", lambda: viz.to_mermaid(apples_oranges()[0], backward=True)),
    ("chain_rule_derivatives", lambda: viz.to_mermaid(chain_rule()[0], backward=True,
                                                      derivatives=True)),
]


@pytest.mark.parametrize("name,make,ext",
                         [(n, m, "dot") for n, m in SNAPSHOT_CASES]
                         + [(n, m, "mmd") for n, m in MERMAID_CASES],
                         ids=[f"{c[0]}.dot" for c in SNAPSHOT_CASES]
                         + [f"{c[0]}.mmd" for c in MERMAID_CASES])
def test_snapshot(name, make, ext):
    path = SNAPSHOTS / f"{name}.{ext}"
    got = make()
    if os.environ.get("SCRATCHGRAD_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("build", [apple_tax, apples_oranges, sigmoid_by_hand, chain_rule])
def test_same_graph_same_dot(build):
    first = viz.dot_source(build()[0], backward=True)
    second = viz.dot_source(build()[0], backward=True)  # new tensors, new id()s
    assert first == second
    root, _ = build()
    assert viz.dot_source(root) == viz.dot_source(root)
    assert viz.to_mermaid(root) == viz.to_mermaid(root)


def test_to_dot_returns_a_digraph_with_the_same_source():
    graphviz = pytest.importorskip("graphviz")
    root, _ = apple_tax()
    dg = viz.to_dot(root)
    assert isinstance(dg, graphviz.Digraph)
    assert dg.source == viz.dot_source(root)


# ------------------------------------------------------------------ numbers
@pytest.mark.parametrize("value,fmt,want", [
    (110.00000000000001, ".4g", ["110"]),
    (2.2000000000000006, ".4g", ["2.2"]),
    (np.float32(1.1), ".4g", ["1.1"]),
    (-0.0, ".4g", ["0"]),
    (1 / 3, ".2f", ["0.33"]),
    (np.int64(7), ".4g", ["7"]),
    (np.array([1.0, 2.5, -3.0]), ".4g", ["[1, 2.5, −3]"]),
    (np.array(np.nan), ".4g", ["nan"]),
    (np.arange(12.0).reshape(3, 4), ".4g", ["(3, 4) float64", "mean 5.5 min 0 max 11"]),
    (np.array([1.0, np.inf] * 4), ".4g", ["(8,) float64", "4 non-finite of 8"]),
])
def test_fmt_value(value, fmt, want):
    assert viz.fmt_value(value, fmt) == want


def test_user_format_reaches_the_labels():
    src = viz.dot_source(apple_tax()[0], backward=True, fmt=".3f")
    assert "label=<22.000>" in src and "label=<2.200> dir=back" in src


def test_big_tensors_show_shape_dtype_and_summary():
    W = ag.tensor(np.arange(20.0).reshape(4, 5), requires_grad=True, name="W")
    src = viz.dot_source((W * 2.0).sum(), backward=True)
    assert "(4, 5) float64" in src and "mean 19 min 0 max 38" in src  # the product W * 2
    assert "mean 2 min 2 max 2" in src  # its gradient


# ------------------------------------------------------------------ options
def test_show_values_grads_or_both():
    root, _ = apple_tax()
    g = viz.trace(root)
    both, values, grads = (viz.dot_source(g, show=s) for s in ("both", "values", "grads"))
    assert "dir=back" in both and "label=<22>" in both
    assert "dir=back" not in values and "label=<22>" in values
    assert "dir=back" in grads and "label=<22>" not in grads
    with pytest.raises(ValueError, match="show must be one of"):
        viz.dot_source(g, show="everything")


@pytest.mark.parametrize("build,cls,pos,want", [
    (apple_tax, "Mul", 0, "∂(a·b)/∂a = b = 2"),
    (apple_tax, "Mul", 1, "∂(a·b)/∂b = a = 10"),
    (chain_rule, "PowScalar", 0, "∂x²/∂x = 2x = 10"),
    (chain_rule, "Add", 1, "∂(a+b)/∂b = 1"),
    (sigmoid_by_hand, "Exp", 0, "∂eˣ/∂x = eˣ = 0.6065"),
    (sigmoid_by_hand, "Div", 1, "∂(a/b)/∂b = −a/b² = −0.3875"),
])
def test_local_derivatives_with_numbers(build, cls, pos, want):
    src = viz.dot_source(build()[0], backward=True, derivatives=True)
    assert want in src
    graph = viz.snapshot(build()[0])
    op = next(o for o in reversed(graph.ops) if o.cls == cls)
    assert viz.local_derivative(op.cls, pos, op.args, op.outs) == want


def test_grad_colour_and_width_follow_magnitude():
    x = leaf([1.0], "x")
    small, big = x * 1e-6, x * 1e6
    src = viz.dot_source((small + big).sum(), backward=True, grad_color=True)
    widths = {lab: float(w) for lab, w in re.findall(
        r"label=<([^>]+)> dir=back color=\"[0-9. ]+\" fontcolor=\"#d62728\" penwidth=([0-9.]+)",
        src)}
    assert widths["1e−06"] < widths["1"] < widths["1e+06"]
    assert vdot._magnitude_style(1e-9)[0] != vdot._magnitude_style(1e9)[0]


def test_constants_are_drawn_and_get_no_gradient():
    x = leaf(3.0, "x")
    g = viz.trace(x * 2.0 + 1.0)
    consts = [v for v in g.vars if v.kind == "const"]
    assert sorted(float(v.value) for v in consts) == [1.0, 2.0]
    const_edges = [i for i, e in enumerate(g.edges) if e.src in {v.id for v in consts}]
    assert const_edges and not any(i in g.edge_grad for i in const_edges)


def test_params_name_unnamed_leaves_and_gradients_without_trace():
    w = ag.tensor(np.array([2.0]), requires_grad=True)
    y = (w * w).sum()
    y.backward()
    src = viz.dot_source(y, params={"weight": w})
    assert "<b>weight</b>" in src
    assert "4 + 0" not in src  # no trace: the leaf's own .grad, not made-up parts


def test_a_value_used_twice_sums_its_contributions():
    x = leaf(3.0, "x")
    g = viz.trace(x * x + x)
    src = viz.dot_source(g)
    assert "3 + 3 + 1 = 7" in src or "3 + 3 + 1 = 7".replace(" + 1", "") in src
    assert x.grad.item() == 7.0


@pytest.mark.parametrize("depth,clusters", [(1, 1), (2, 3), (3, 3)])
def test_cluster_modules_boxes_module_calls(depth, clusters):
    x = leaf([1.0, 2.0], "x")
    with module_scope("net"):
        with module_scope("net.fc1"):
            h = x * leaf(0.5, "w1")
        with module_scope("net.act"):
            h = ag.tanh(h)
    loss = h.sum()
    src = viz.dot_source(loss, backward=True, cluster_modules=True, cluster_depth=depth)
    assert src.count("subgraph cluster_") == clusters
    assert "label=<net>" in src
    if depth >= 2:
        assert "label=<net.fc1>" in src and "label=<net.act>" in src
        fc1 = src.index("label=<net.fc1>")  # the weight sits in the box of its layer
        assert fc1 < src.index("<b>w1</b>") < src.index("label=<net.act>")
    mer = viz.to_mermaid(loss, cluster_modules=True, cluster_depth=depth)
    assert mer.count("subgraph ") == clusters and mer.count("\n  end") + mer.count(
        "\n    end") >= 1


# ------------------------------------------------------------------ escaping, errors
NASTY = ['"; rm -rf ~', "<b>bold</b> & {braces} [x]", "a|b`c#d", "new\nline"]


@pytest.mark.parametrize("name", NASTY)
def test_names_are_labels_not_code(name, tmp_path):
    x = leaf(1.0, name)
    root = x * 2.0
    root.name = name
    src = viz.dot_source(root, backward=True)
    shown = vdot.esc(name)
    assert f"<b>{shown}</b>" in src
    for ch in '"<>\n':
        assert ch not in shown.replace("<br/>", "")
    plain = leaf(1.0, "x") * 2.0
    plain.name = "x"
    assert len(src.splitlines()) == len(viz.dot_source(plain, backward=True).splitlines())
    assert viz.render(root, tmp_path / "n.svg").read_text().count("<svg") == 1
    mer = viz.to_mermaid(root)
    for line in mer.splitlines():
        m = re.match(r'\s+n\d+\["(.*)"\]$', line)
        if m:
            assert '"' not in m.group(1) and "`" not in m.group(1) and "|" not in m.group(1)


def test_render_without_graphviz_says_how_to_install(monkeypatch, tmp_path):
    root, _ = apple_tax()
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `dot` on PATH
    with pytest.raises(viz.GraphvizNotFoundError) as info:
        viz.render(root, tmp_path / "g.svg")
    msg = str(info.value)
    for hint in ("apt-get install graphviz", "brew install graphviz", "conda install graphviz"):
        assert hint in msg
    assert not (tmp_path / "g.svg").exists()
    with pytest.raises(viz.GraphvizNotFoundError):
        viz.to_svg(root)
    # text formats need no binary
    assert "digraph" in viz.render(root, tmp_path / "g.dot").read_text()
    assert "flowchart" in viz.render(root, tmp_path / "g.mmd").read_text()
    assert "text/plain" in root._repr_mimebundle_()


def test_render_formats_by_extension(tmp_path):
    root, _ = apple_tax()
    assert viz.render(root, tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    assert viz.render(root, tmp_path / "a.pdf").read_bytes()[:4] == b"%PDF"
    assert "<svg" in viz.render(root, tmp_path / "a.svg").read_text()
    with pytest.raises(ValueError, match="unknown extension"):
        viz.render(root, tmp_path / "a.docx")
    assert "<svg" in root._repr_mimebundle_()["image/svg+xml"]


@pytest.mark.parametrize("cls,args,want", [
    ("Add", {}, "+"), ("Mul", {}, "×"), ("Sub", {}, "−"), ("Div", {}, "÷"),
    ("MatMul", {}, "@"), ("Exp", {}, "exp"), ("Sum", {}, "Σ"), ("PowScalar", {1: 2}, "x²"),
    ("PowScalar", {1: 0.5}, "√x"), ("PowScalar", {1: 1.5}, "**1.5"), ("Neg", {}, "−x"),
    ("SomethingNew", {}, "SomethingNew"),
])
def test_op_symbols(cls, args, want):
    assert viz.op_symbol(cls, args) == want


def test_multi_output_ops_and_several_roots_draw():
    x = leaf(np.arange(6.0).reshape(2, 3), "x")
    values, idx = x.max(dim=1)
    a, b = ag.split(x, [1, 2], dim=1)
    g = viz.trace((values.sum() + a.sum() * b.sum()))
    assert x.grad is not None and len(g.ops) > 4
    src = viz.dot_source([values, a])
    assert src.count("<b>out</b>") == 2
    assert viz.dot_source(leaf(5.0, "lonely")).count("lonely") == 1


def test_without_trace_leaf_gradients_show_and_a_note_says_what_is_missing():
    root, _ = apple_tax()
    root.backward()
    src = viz.dot_source(root)
    bwd = edge_labels(src, True)
    assert sorted(bwd) == sorted(["2.2", "11", "20"])
    assert "gradients of intermediate values were not recorded" in src


def test_intermediates_option_draws_every_value_as_a_node():
    root, _ = apple_tax()
    g = viz.trace(root, intermediates=True)
    inter = [v for v in g.vars if v.kind == "inter"]
    assert [float(v.value) for v in inter] == [20.0]
    assert float(g.var_grad[inter[0].id]) == pytest.approx(1.1)
    src = viz.dot_source(g, rankdir="TB")
    assert "rankdir=TB" in src and "↓ forward value" in src
    with pytest.raises(ValueError, match="rankdir"):
        viz.dot_source(g, rankdir="sideways")


def test_to_dot_without_the_graphviz_package_points_to_pip(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz now fails
    root, _ = apple_tax()
    with pytest.raises(ImportError, match="pip install graphviz"):
        viz.to_dot(root)
    assert viz.dot_source(root).startswith("digraph")  # the text needs no package


@pytest.mark.parametrize("depth,modules", [(1, ["net"]), (2, ["net.fc1", "net.act"])])
def test_collapse_modules_draws_each_module_call_as_one_node(depth, modules):
    x = ag.tensor(np.array([1.0, 2.0]), name="x")
    with module_scope("net"):
        with module_scope("net.fc1"):
            h = x * leaf([0.5, -1.0], "w1") + leaf([0.1, 0.1], "b1")
        with module_scope("net.act"):
            h = ag.tanh(h)
    loss = (h * h).sum()
    g = viz.trace(loss)
    src = viz.dot_source(g, collapse_modules=depth)
    for m in modules:
        assert f"<b>{m}</b>" in src
    assert "<b>w1</b>" not in src and "2 parameters" in src  # folded into its module
    assert f"{len(modules)} module call" in src
    h_val = np.tanh(np.array([0.6, -1.9]))
    shown = "[" + ", ".join(format(v, ".4g").replace("-", "−") for v in h_val) + "]"
    assert f"label=<{shown}>" in src  # the value leaving the module, on its edge
    mer = viz.to_mermaid(g, collapse_modules=depth)
    assert all(m in mer for m in modules) and "w1" not in mer


def test_dot_does_not_depend_on_the_hash_seed():
    import subprocess

    code = ("import sys; sys.path.insert(0, '.'); import autograd as ag; from autograd import viz\n"
            "t = lambda v, n: ag.tensor(v, dtype='float64', requires_grad=True, name=n)\n"
            "a, an, o = t(10., 'a'), t(2., 'an'), t(15., 'o')\n"
            "on, tax = t(3., 'on'), t(1.1, 't')\n"
            "p = (a * an + o * on) * tax\n"
            "print(viz.dot_source(p, backward=True) + viz.to_mermaid(p))")
    root = Path(__file__).resolve().parents[2]
    outs = [subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                           text=True, env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout
            for seed in ("1", "2")]
    assert outs[0] == outs[1] and "label=<71.5>" in outs[0]
