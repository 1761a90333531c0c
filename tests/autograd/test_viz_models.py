"""Drawings of real models and hostile input: compact labels, names, size budget, escaping,
the step player's folder and page."""
from __future__ import annotations

import os
import re
import struct
import time
from pathlib import Path

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd import viz
from autograd.viz.render import fit_source

PIL = pytest.importorskip("PIL.Image")


def png_size(path) -> tuple[int, int]:
    head = open(path, "rb").read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def ink_fraction(path) -> float:
    """The share of pixels that are not (near) white: 0 for a blank picture."""
    img = np.asarray(PIL.open(path).convert("L"), dtype=np.float64)
    return float((img < 200).mean())


def mlp_loss():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    loss = F.cross_entropy(model(ag.randn(5, 4)), ag.tensor([0, 1, 2, 0, 1]))
    return model, loss


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        return self.fc3(F.relu(self.fc2(x)))


# ------------------------------------------------------------------ models
def test_model_parameters_are_named_and_summarised_once():
    model, loss = mlp_loss()
    g = viz.trace(loss, params=model)  # a model is accepted as params
    src = viz.dot_source(g)
    for name in ("0.weight", "0.bias", "2.weight", "2.bias"):
        assert f"<b>{name}</b>" in src
    w = model[0].weight.array.astype(np.float64)
    stats = f"mean {viz.fmt_value(w)[1].split()[1]}"
    assert src.count(stats) == 1  # on its node, not again on its edge
    gw = model[0].weight.grad.array
    grad_stats = viz.fmt_value(gw)[1]
    assert src.count(viz.dot.esc(grad_stats)) == 1 and f"∇ {viz.dot.esc(grad_stats)}" in src
    assert "(8, 4) float32" in src and src.count("(8, 4) float32") == 1


def test_mlp_picture_fits_the_budget(tmp_path):
    model, loss = mlp_loss()
    path = viz.render(loss, tmp_path / "mlp.png", backward=True, params=model)
    w, h = png_size(path)
    assert w <= 1600 and h <= 1600
    assert ink_fraction(path) > 0.01
    wide = viz.render(mlp_loss()[1], tmp_path / "wide.png", backward=True, max_width=None,
                      rankdir="LR")
    assert png_size(wide)[0] > 1600  # the same graph left to right, unbudgeted


def test_lenet_train_step_fits_1600_px_by_collapsing(tmp_path):
    ag.manual_seed(0)
    net = LeNet()
    loss = F.cross_entropy(net(ag.randn(8, 1, 28, 28)), ag.tensor(list(range(8))))
    path = viz.render(loss, tmp_path / "lenet.png", backward=True, params=net)
    w, _ = png_size(path)
    assert w <= 1600 and ink_fraction(path) > 0.005
    loss1 = F.cross_entropy(net(ag.randn(8, 1, 28, 28)), ag.tensor(list(range(8))))
    src = fit_source(loss1, 1600, backward=True)
    for layer, cls in (("conv1", "Conv2d"), ("conv2", "Conv2d"), ("fc1", "Linear"),
                       ("fc3", "Linear")):  # each layer one box, named, not the whole model
        assert f"<b>{layer}</b> · {cls}" in src
    assert "(8, 400) → (8, 120)" in src
    loss2 = F.cross_entropy(net(ag.randn(8, 1, 28, 28)), ag.tensor(list(range(8))))
    free = viz.render(loss2, tmp_path / "free.png", backward=True, max_width=None,
                      rankdir="LR")
    assert png_size(free)[0] > 1600


def test_collapse_linear_draws_one_box_with_shapes():
    model, loss = mlp_loss()
    src = viz.dot_source(loss, backward=True, params=model, collapse="Linear")
    assert "· Linear" in src
    assert "(5, 4) → (5, 8)" in src and "(5, 8) → (5, 3)" in src
    assert "0.weight, 0.bias" in src  # folded into its box, named
    assert "ReLU" in src  # other modules stay as ops
    with pytest.raises(TypeError, match="class names"):
        viz.dot_source(mlp_loss()[1], collapse=3)


def test_wide_graphs_go_top_to_bottom_and_small_ones_stay_left_to_right():
    _, loss = mlp_loss()
    assert "rankdir=TB" in viz.dot_source(viz.trace(loss))
    x = ag.tensor(2.0, requires_grad=True, name="x")
    assert "rankdir=LR" in viz.dot_source(x * x)


# ------------------------------------------------------------------ hostile text
def _evil_op(name):
    def forward(ctx, x):
        return x * 2.0

    def backward(ctx, g):
        return g * 2.0
    return type(name, (ag.Function,), {"forward": staticmethod(forward),
                                       "backward": staticmethod(backward)})


EVIL = 'Evil\n  click n0 href "javascript:alert(1)"\n%%{init: {"theme": "dark"}}%%'


def test_a_class_name_with_newlines_cannot_inject_mermaid_or_dot():
    Evil = _evil_op(EVIL)
    y = ag.tensor(1.0, requires_grad=True, name="y")
    for _ in range(5):
        y = Evil.apply(y)
    for opts in ({}, {"max_nodes": 3}):  # collapsed: the class name reaches the notes too
        mer = viz.to_mermaid(y, **opts)
        for line in mer.splitlines()[1:]:
            assert re.match(r"\s+(n\d+|elided|classDef|class |%% |subgraph|end)", line), line
            assert not line.strip().startswith("click")
        assert "%%{" not in mer
        src = viz.dot_source(y, **opts)
        assert "javascript" not in src or "&quot;javascript" in src
        svg = viz.to_svg(y, **opts)
        assert svg.count("<svg") == 1


@pytest.mark.parametrize("name", ["bad\ufffe", "bad\uffff", "lone\ud800", "lone\udfff x",
                                  "back\\slash\\N", "tab\tand\x00nul\x85"])
def test_any_python_string_renders(name, tmp_path):
    x = ag.tensor(1.0, requires_grad=True, name=name)
    try:
        op = _evil_op(name)
    except (ValueError, UnicodeEncodeError):  # Python refuses this as a class name
        op = _evil_op("Op")
    y = op.apply(x)
    y.name = name
    assert viz.render(y, tmp_path / "a.svg", backward=True).read_text().count("<svg") == 1
    viz.render(y, tmp_path / "a.mmd").read_text(encoding="utf-8")
    src = viz.dot_source(y)
    src.encode("utf-8")  # no lone surrogate left
    assert "\ufffe" not in src and "\uffff" not in src


# ------------------------------------------------------------------ steps
def test_render_steps_refuses_a_long_backward_quickly(tmp_path):
    x = ag.tensor(1.0, requires_grad=True, name="x")
    y = x
    for _ in range(300):
        y = y * 1.0001
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="subgraph") as info:
        viz.render_steps(y, tmp_path / "s")
    assert "300 steps" in str(info.value) and "max_steps" in str(info.value)
    assert time.perf_counter() - t0 < 20
    assert not (tmp_path / "s").exists()
    assert x.grad is None  # refused before backward ran: the graph is still there
    y.backward()
    assert x.grad.item() == pytest.approx(1.0001 ** 300, rel=1e-4)  # float32


def test_backward_steps_frames_are_made_when_read():
    x = ag.tensor(1.0, requires_grad=True, name="x")
    y = x
    for _ in range(2000):
        y = y * 1.0
    frames = viz.backward_steps(y)
    assert len(frames) == 2000 and all(f._made is None for f in frames)
    assert frames[-1].caption.startswith("Step 2000 of 2000")


def test_reused_steps_folder_keeps_only_this_run(tmp_path):
    a = ag.tensor(2.0, requires_grad=True, name="a")
    out = tmp_path / "steps"
    first = viz.render_steps((a * a + a) * 3.0, out)
    assert len(first.frames) == 3 and first.removed == []
    second = viz.render_steps(a * 5.0, out)
    assert [p.name for p in second.frames] == ["step_001.svg"]
    assert sorted(p.name for p in second.removed) == ["step_001.svg", "step_002.svg",
                                                      "step_003.svg"]
    assert sorted(os.listdir(out)) == ["index.html", "step_001.svg"]
    assert second.read_text().count("<li>") == 1
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not written by render_steps"):
        viz.render_steps(a * 5.0, foreign)
    assert os.listdir(foreign) == ["notes.txt"]
    root = a * 7.0
    with pytest.raises(FileExistsError):
        viz.render_steps(root, foreign)
    root.backward()  # the refusal came before backward: the graph is still there
    assert a.grad is not None


def test_player_page_works_offline_and_without_javascript(tmp_path):
    a = ag.tensor(2.0, requires_grad=True, name="a")
    index = viz.render_steps((a * a) * 3.0, tmp_path / "p")
    page = index.read_text()
    assert "http://" not in page and "https://" not in page and "src=\"//" not in page
    assert page.count("<figcaption>") == 2 and 'id="player" hidden' in page
    for f in viz.backward_steps((a * a) * 3.0):
        assert f.caption not in f.source  # the caption is on the page, not in the picture
        assert "Step" not in f.source


def test_readme_drawing_snippet_runs_top_to_bottom(tmp_path):
    model, loss = mlp_loss()
    viz.render(loss, tmp_path / "graph.svg", backward=True)
    grads = [p.grad.array.copy() for p in model.parameters()]
    assert "flowchart" in viz.to_mermaid(loss)
    index = viz.render_steps(loss, tmp_path / "frames")
    assert len(index.frames) == len(viz.trace(mlp_loss()[1]).ops)
    assert viz.to_dot(loss, cluster_modules=True).source.count("subgraph cluster_") >= 3
    for p, g in zip(model.parameters(), grads):  # the backward ran once, not twice
        np.testing.assert_array_equal(p.grad.array, g)


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(tmp_path):
    x = ag.tensor(2.0, requires_grad=True, name="x")
    old = os.umask(0o022)
    try:
        p = viz.render(x * x, tmp_path / "a.svg")
        assert p.stat().st_mode & 0o777 == 0o644
        os.chmod(p, 0o600)
        viz.render(x * x, p)
        assert p.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)


# ------------------------------------------------------------------ gradient flow
def deep_sigmoid(depth=12, width=32):
    layers = [nn.Linear(16, width), nn.Sigmoid()]
    for _ in range(depth - 1):
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(width, 4))


class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.fc = nn.Linear(width, width)

    def forward(self, x):
        return x + F.relu(self.fc(x))


class ResNetLike(nn.Module):
    def __init__(self, depth=12, width=32):
        super().__init__()
        self.inp = nn.Linear(16, width)
        self.blocks = nn.Sequential(*[Block(width) for _ in range(depth)])
        self.out = nn.Linear(width, 4)

    def forward(self, x):
        return self.out(self.blocks(self.inp(x)))


def test_grad_flow_shows_vanishing_in_sigmoid_but_not_in_a_resnet(tmp_path):
    ag.manual_seed(0)
    x, y = ag.randn(64, 16), ag.tensor([i % 4 for i in range(64)])
    spread = {}
    for model in (deep_sigmoid(), ResNetLike()):
        F.cross_entropy(model(x), y).backward()
        flow = viz.grad_flow(model, title=type(model).__name__)
        assert len(flow.rows) == 13 + (type(model) is ResNetLike)  # weights only
        hidden = [m for _, m in flow.rows[:-1]]  # the output layer left out
        spread[type(model).__name__] = min(hidden) / max(hidden)
        widths = [int(w) for w in re.findall(r'bgcolor="#[0-9a-f]{6}" width="(\d+)"',
                                             flow.source)]
        assert len(widths) == len(flow.rows)
        if type(model) is not ResNetLike:  # bars grow from the input side to the output
            assert widths == sorted(widths) and widths[0] < widths[-1] / 4
        path = flow.render(tmp_path / f"{type(model).__name__}.png")
        assert png_size(path)[0] <= 1600 and ink_fraction(path) > 0.02
    assert spread["Sequential"] < 1e-6  # sigmoid: the first layers learn nothing
    assert spread["ResNetLike"] > 0.1  # skip connections keep the gradient
    with pytest.raises(ValueError, match="backward"):
        viz.grad_flow(nn.Linear(2, 2))


def test_a_model_call_names_its_parameters_without_params():
    ag.manual_seed(1)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    loss = F.cross_entropy(model(ag.randn(5, 4)), ag.tensor([0, 1, 2, 0, 1]))
    src = viz.dot_source(loss, backward=True, collapse="Linear")
    assert "<b>0</b> · Linear" in src and "2.weight, 2.bias" in src
    other = nn.Linear(3, 3)  # another model's names do not leak into this drawing
    other(ag.randn(1, 3))
    assert "<b>weight</b>" not in viz.dot_source(loss)


def test_two_models_with_the_same_parameter_names_each_keep_theirs():
    a = nn.Sequential(nn.Linear(2, 2))
    b = nn.Sequential(nn.Linear(2, 2))
    x = ag.randn(1, 2)
    out = (a(x) + b(x)).sum()
    g = viz.snapshot(out)
    leaves = [v for v in g.vars if v.kind == "leaf"]
    assert len(leaves) == 4 and all(v.name in ("0.weight", "0.bias") for v in leaves)


def test_readme_drawing_section_runs_as_written(tmp_path, monkeypatch):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Drawing graphs", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)
    assert png_size(viz.render(scope["loss"], tmp_path / "check.png"))[0] <= 1600
    assert "0.weight" in (tmp_path / "graph.svg").read_text()
    assert len(os.listdir(tmp_path / "frames")) > 3
    assert "<svg" in (tmp_path / "grad_flow.svg").read_text()


def test_doc_figures_are_within_budget_and_not_blank(tmp_path):
    import importlib.util

    script = Path(__file__).resolve().parents[2] / "docs" / "make_figures.py"
    spec = importlib.util.spec_from_file_location("make_figures", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.main(tmp_path, fmt="png")
    assert {p.name for p in written} >= {"mlp_step.png", "lenet_step.png",
                                         "grad_flow_sigmoid.png", "grad_flow_resnet.png"}
    for p in written:
        w, h = png_size(p)
        assert 100 < w <= 1600 and 50 < h <= 2400, (p.name, w, h)
        assert ink_fraction(p) > 0.005, p.name


def test_viz_modules_import_each_other_without_cycles():
    import ast

    folder = Path(viz.__file__).parent
    edges: dict = {}
    for path in folder.glob("*.py"):
        mod = path.stem
        edges[mod] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                names = [node.module] if node.module else [a.name for a in node.names]
                edges[mod].update(n.split(".")[0] for n in names)
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                full = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                assert (full or "").split(".")[0] not in ("nn", "optim", "scratchgrad"), mod
    edges.pop("__init__")
    state: dict = {}

    def visit(m, path):
        assert state.get(m) != "open", f"import cycle: {' -> '.join(path + [m])}"
        if state.get(m) == "done":
            return
        state[m] = "open"
        for d in sorted(edges.get(m, ())):
            visit(d, path + [m])
        state[m] = "done"
    for m in sorted(edges):
        visit(m, [])
    assert "dot" not in edges["mermaid"] and "dot" not in edges["graph"]
    assert {"prepare"} <= edges["dot"] and {"prepare"} <= edges["mermaid"]


def test_a_module_called_twice_draws_two_boxes():
    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.act = nn.Tanh()
            self.fc = nn.Linear(3, 3)

        def forward(self, x):
            return self.act(self.fc(self.act(x)))

    model = Twice()
    x = ag.randn(2, 3, requires_grad=True)
    src = viz.dot_source(model(x).sum(), backward=True, collapse=["Tanh", "Linear"])
    assert src.count("<b>act</b> · Tanh") == 2 and src.count("<b>fc</b> · Linear") == 1
    assert "3 module calls" in src
