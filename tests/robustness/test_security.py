"""Nothing a stranger hands us runs code: files, tensor names, command-line targets.

- No code path unpickles: the source tree never imports pickle-like modules and
  every ``np.load`` passes ``allow_pickle=False``; ``nn.load`` refuses object
  arrays and raw pickles, and a pickle payload inside an ``.npz`` never runs.
- Graphviz is called with an argument list and no shell: a tensor named
  ``"; rm -rf ~`` is drawn as a label by the real ``dot``, and nothing runs.
- ``scratchgrad gradcheck MODULE:FUNCTION`` imports the module named and no
  other module of the user's; ``scratchgrad graph EXPR`` evaluates arithmetic,
  not Python.
"""
from __future__ import annotations

import ast
import html
import io
import json
import os
import pickle
import shutil
import subprocess
import sys
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

import autograd as ag
import nn

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("autograd", "nn", "optim", "benchmarks")
UNPICKLERS = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "shelve",
              "marshal"}


def _sources() -> list[Path]:
    files = [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    assert len(files) > 20, files
    return files


def _kwarg(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def find_unpickling(tree: ast.AST) -> list[str]:
    """Lines that import an unpickler, call ``np.load`` without ``allow_pickle=False``,
    or pass ``allow_pickle=True`` anywhere."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names
                      if a.name.split(".")[0] in UNPICKLERS]
        elif isinstance(node, ast.ImportFrom) and node.module \
                and node.module.split(".")[0] in UNPICKLERS:
            found.append(f"{node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Call):
            func = ast.unparse(node.func)
            allow = _kwarg(node, "allow_pickle")
            if isinstance(allow, ast.Constant) and allow.value is True:
                found.append(f"{node.lineno}: {func}(allow_pickle=True)")
            elif func.endswith("load") and func.split(".")[0] in ("np", "numpy") and not (
                    isinstance(allow, ast.Constant) and allow.value is False):
                found.append(f"{node.lineno}: {func}(...) without allow_pickle=False")
            elif func in ("pickle.loads", "pickle.load", "loads", "Unpickler", "torch.load"):
                found.append(f"{node.lineno}: {func}(...)")
    return found


def test_the_scanner_finds_unpickling():
    bad = ("import pickle\nfrom joblib import load\nimport numpy as np\nnp.load(p)\n"
           "np.load(p, allow_pickle=True)\nnumpy.lib.format.read_array(f, allow_pickle=True)\n"
           "torch.load(p)\n")
    assert len(find_unpickling(ast.parse(bad))) == 6
    good = "import numpy as np\nnp.load(p, allow_pickle=False)\nnp.loadtxt(p)\n"
    assert find_unpickling(ast.parse(good)) == []


def test_no_code_path_unpickles():
    problems = []
    for path in _sources():
        for hit in find_unpickling(ast.parse(path.read_text(), str(path))):
            problems.append(f"{path.relative_to(ROOT)}:{hit}")
    assert not problems, "\n".join(problems)


class _Payload:
    """Unpickling this creates the file ``path``: the proof that a load ran code."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_pickle_payloads_never_run(tmp_path):
    canary = tmp_path / "ran"
    payload = _Payload(str(canary))
    np.savez(tmp_path / "objects.npz", w=np.array([payload, 1], dtype=object))
    (tmp_path / "raw.npz").write_bytes(pickle.dumps({"w": payload}))
    np.save(tmp_path / "single.npy", np.array([payload], dtype=object), allow_pickle=True)
    for name in ("objects.npz", "raw.npz", "single.npy"):
        with pytest.raises(nn.CheckpointError, match="pickle|npy"):
            nn.load(tmp_path / name)
    assert not canary.exists(), "a pickle payload ran while loading"
    # and the payload is live: unpickling it for real does create the file
    pickle.loads(pickle.dumps(payload)).close()
    assert canary.exists()


def test_save_refuses_what_would_need_pickle(tmp_path):
    for value in (np.array([object()], dtype=object), {"f": open}, {(1, 2): 3}):
        with pytest.raises(TypeError, match="save"):
            nn.save(value, tmp_path / "x.npz")
    assert not (tmp_path / "x.npz").exists()


# ----------------------------------------------------------------- Graphviz
EVIL_NAMES = ['"; rm -rf ~', "$(touch PWNED)", "`touch PWNED`", "x' ; touch PWNED ; '",
              "a|touch PWNED", "<b>&amp;</b>\\l\"\n}"]


@pytest.fixture
def sandbox_home(tmp_path, monkeypatch):
    """HOME and the working directory in a tmp dir with a canary file in it."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "canary").write_text("still here")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home)
    return home


@pytest.fixture
def recorded_subprocesses(monkeypatch):
    """Every subprocess started, as (args, shell)."""
    calls = []
    real = subprocess.Popen.__init__

    def init(self, args, *rest, **kw):
        calls.append((args, kw.get("shell", False)))
        return real(self, args, *rest, **kw)

    monkeypatch.setattr(subprocess.Popen, "__init__", init)
    return calls


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_tensor_names_are_labels_not_commands(sandbox_home, recorded_subprocesses):
    x = ag.tensor(2.0, requires_grad=True, name=EVIL_NAMES[0])
    y = x
    for k, name in enumerate(EVIL_NAMES[1:]):
        y = y * ag.tensor(float(k + 2), name=name)
    out = ag.viz.render(y, sandbox_home / "evil.svg", backward=True)
    svg = html.unescape(out.read_text())
    assert "rm -rf ~" in svg and "touch PWNED" in svg
    assert (sandbox_home / "canary").read_text() == "still here"
    assert not list(sandbox_home.rglob("PWNED")) and not list(Path.cwd().glob("PWNED"))
    dots = [(args, shell) for args, shell in recorded_subprocesses
            if os.path.basename(str(args[0] if isinstance(args, list) else args)) == "dot"]
    assert dots, recorded_subprocesses
    for args, shell in dots:
        assert isinstance(args, list) and shell is False, (args, shell)
        assert not any("rm -rf" in str(a) or "PWNED" in str(a) for a in args)


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_graphviz_package_render_of_evil_names(sandbox_home):
    pytest.importorskip("graphviz")
    x = ag.tensor([1.0, 2.0], requires_grad=True, name=EVIL_NAMES[0])
    svg = html.unescape(ag.viz.to_dot(x * 3).pipe(format="svg").decode())
    assert "rm -rf ~" in svg
    assert (sandbox_home / "canary").read_text() == "still here"


# ----------------------------------------------------------------- the CLI
TARGET = """
import os
with open(os.environ["IMPORT_LOG"], "a") as f:
    f.write(__name__ + "\\n")

def cube(x):
    return x * x * x
"""
SIBLING = """
import os
with open(os.environ["IMPORT_LOG"], "a") as f:
    f.write(__name__ + "\\n")
raise SystemExit("the sibling module was imported")
"""
DRIVER = ("import sys\nfrom scratchgrad.cli import main\nrc = main(sys.argv[1:])\n"
          "user = sorted(m for m in sys.modules if m.startswith(('target_mod', 'sibling_mod',"
          " 'pkg')))\nprint('MODULES', user)\nsys.exit(rc)\n")


def _cli(tmp_path, *argv: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), IMPORT_LOG=str(tmp_path / "imports.log"))
    return subprocess.run([sys.executable, "-c", DRIVER, *argv], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


# files beside the user's module named like modules the library might import lazily
SHADOWS = ("graphviz", "matplotlib", "tqdm", "scipy", "torch", "sklearn", "hypothesis", "pytest")


@pytest.fixture
def user_modules(tmp_path):
    (tmp_path / "target_mod.py").write_text(TARGET)
    (tmp_path / "sibling_mod.py").write_text(SIBLING)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text(SIBLING)
    for name in SHADOWS:
        (tmp_path / f"{name}.py").write_text(SIBLING)
    return tmp_path


def _imports(tmp_path) -> list[str]:
    log = tmp_path / "imports.log"
    return log.read_text().split() if log.exists() else []


def test_gradcheck_imports_only_the_named_module(user_modules):
    proc = _cli(user_modules, "gradcheck", "target_mod:cube", "--shapes", "3x2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "passed" in proc.stdout
    assert _imports(user_modules) == ["target_mod"]
    assert "MODULES ['target_mod']" in proc.stdout


def test_gradcheck_by_path_imports_only_that_file(user_modules):
    proc = _cli(user_modules, "gradcheck", "target_mod.py:cube", "--shapes", "4")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _imports(user_modules) == ["target_mod"]


@pytest.mark.parametrize("target", ["target_mod:nothing", "missing_mod:cube", "target_mod",
                                    "sibling_mod.py"])
def test_gradcheck_bad_targets_import_nothing_else(user_modules, target):
    proc = _cli(user_modules, "gradcheck", target, "--shapes", "3")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert not set(_imports(user_modules)) & {"sibling_mod", "pkg", *SHADOWS}
    assert "error" in proc.stderr


@pytest.mark.parametrize("expr", ["__import__('os').system('touch PWNED')",
                                  "open('PWNED', 'w')", "x.__class__.__init__",
                                  "(lambda: open('PWNED', 'w'))()"])
def test_graph_expressions_are_not_python(tmp_path, expr):
    proc = _cli(tmp_path, "graph", expr, "--let", "x=2")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert not (tmp_path / "PWNED").exists()


# ------------------------------------------------- hostile archives: checked before allocating
META = "__scratchgrad_meta__"


def _npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=False)
    return buf.getvalue()


def _npy_header(shape: tuple, descr: str = "<f8") -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False,
                                               "shape": shape})
    return buf.getvalue()


def _zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
            for name, data in members:
                zf.writestr(name, data)
    return path


def _members(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(n, zf.read(n)) for n in zf.namelist()]


def _with_meta(path: Path, edit) -> Path:
    """Rewrite the checkpoint at ``path`` with ``edit(meta_dict)`` applied to its metadata."""
    out = []
    for name, data in _members(path):
        if name == META + ".npy":
            meta = json.loads(np.load(io.BytesIO(data), allow_pickle=False).tobytes())
            edit(meta)
            data = _npy(np.frombuffer(json.dumps(meta).encode(), np.uint8))
        out.append((name, data))
    return _zip(path, out)


def _peak_bytes(fn) -> int:
    """Peak traced allocation (numpy's arrays included) while ``fn`` runs."""
    tracemalloc.start()
    try:
        fn()
    except nn.CheckpointError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_compressed_member_is_refused_without_inflating(tmp_path):
    """A 64 KB file inflating to 64 MB: refused before any inflation (nn.save never compresses)."""
    path = tmp_path / "bomb.npz"
    zeros = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("w.npy", "w", force_zip64=True) as member:
            member.write(_npy_header(((64 << 20) // 8,)))
            for _ in range(64):
                member.write(zeros)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(nn.CheckpointError, match=r"'w\.npy'.*compressed"):
        nn.load(path)
    assert _peak_bytes(lambda: nn.load(path)) < 4 << 20


@pytest.mark.parametrize("shape", [(10**13,), (10**7, 10**6), (2**62, 4)])
def test_header_declaring_more_than_the_member_holds_is_refused_before_allocating(tmp_path,
                                                                                  shape):
    path = _zip(tmp_path / "huge.npz", [("w.npy", _npy_header(shape) + bytes(64))])
    with pytest.raises(nn.CheckpointError, match=r"'w\.npy'.*declares"):
        nn.load(path)
    assert _peak_bytes(lambda: nn.load(path)) < 1 << 20


def test_duplicate_members_are_refused(tmp_path):
    path = tmp_path / "dup.npz"
    nn.save({"w": ag.ones(2)}, path)
    members = _members(path)
    _zip(path, members + [("w.npy", _npy(np.zeros(2, np.float32)))])
    with pytest.raises(nn.CheckpointError, match=r"'w\.npy' appears twice"):
        nn.load(path)


def test_a_member_that_is_not_npy_is_refused(tmp_path):
    path = _zip(tmp_path / "x.npz", [("w.npy", _npy(np.ones(2))), ("notes.txt", b"hello")])
    with pytest.raises(nn.CheckpointError, match=r"'notes\.txt' is not a \.npy"):
        nn.load(path)


@pytest.mark.parametrize("arr", [np.array(["ab", "c"]), np.array([b"ab"]),
                                 np.array(["2020-01-01"], "datetime64[D]"),
                                 np.array([5], "timedelta64[s]"),
                                 np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")])],
                         ids=["str", "bytes", "datetime", "timedelta", "structured"])
def test_dtypes_a_tensor_cannot_hold_are_refused_naming_the_member(tmp_path, arr):
    path = _zip(tmp_path / "x.npz", [("ok.npy", _npy(np.ones(2))), ("bad.npy", _npy(arr))])
    with pytest.raises(nn.CheckpointError, match=r"'bad\.npy'.*dtype"):
        nn.load(path)


def test_text_arrays_saved_as_numpy_arrays_still_round_trip(tmp_path):
    nn.save({"names": np.array(["a", "bc"]), "raw": np.array([b"x"])}, tmp_path / "t.npz")
    back = nn.load(tmp_path / "t.npz")
    assert back["names"].tolist() == ["a", "bc"] and back["raw"].tolist() == [b"x"]


def _scalar_and_matrix(tmp_path) -> Path:
    path = tmp_path / "s.npz"
    nn.save({"s": np.float32(2.0), "m": np.ones((2, 2))}, path)
    return path


def _swap_pointers(meta: dict, keep_records: bool) -> None:
    (_, s), (_, m) = meta["tree"]["items"]
    s["key"], m["key"] = m["key"], s["key"]
    if not keep_records:  # as files written before shapes were recorded
        for node in (s, m):
            node.pop("shape"), node.pop("dtype")


@pytest.mark.parametrize("keep_records", [True, False])
def test_metadata_pointing_at_the_wrong_member_is_refused(tmp_path, keep_records):
    path = _with_meta(_scalar_and_matrix(tmp_path),
                      lambda meta: _swap_pointers(meta, keep_records))
    with pytest.raises(nn.CheckpointError, match=r"member 'm\.npy'.*(scalar|shape)"):
        nn.load(path)


def test_metadata_pointing_twice_at_one_member_or_at_none(tmp_path):
    def twice(meta):
        meta["tree"]["items"][0][1]["key"] = "m"

    path = _with_meta(_scalar_and_matrix(tmp_path), twice)
    with pytest.raises(nn.CheckpointError, match="m.npy"):
        nn.load(path)

    def missing(meta):
        meta["tree"]["items"][1][1]["key"] = "nothing"

    path = _with_meta(_scalar_and_matrix(tmp_path), missing)
    with pytest.raises(nn.CheckpointError, match="nothing.npy"):
        nn.load(path)


@pytest.mark.parametrize("depth", [150, 100_000])
def test_deeply_nested_metadata_is_a_checkpoint_error(tmp_path, depth):
    tree = '{"t":"list","items":[' * depth + "]}" * depth
    text = '{"format":"scratchgrad-checkpoint","version":1,"tree":' + tree + "}"
    path = _zip(tmp_path / "deep.npz", [(META + ".npy", _npy(np.frombuffer(text.encode(),
                                                                          np.uint8)))])
    with pytest.raises(nn.CheckpointError, match="deep.npz.*nest"):
        nn.load(path)


def test_a_newer_format_version_says_so(tmp_path):
    path = tmp_path / "new.npz"
    nn.save({"w": ag.ones(1)}, path)
    _with_meta(path, lambda meta: meta.update(version=99))
    with pytest.raises(nn.CheckpointError, match="newer version"):
        nn.load(path)


def test_files_written_by_the_first_format_version_load_unambiguously(tmp_path):
    """The first writer used numpy's savez and recorded no shapes: keys x and x.npy were
    members x.npy and x.npy.npy, which numpy's reader confused (both gave x)."""
    meta = {"format": "scratchgrad-checkpoint", "version": 1, "tree": {"t": "dict", "items": [
        ["x", {"t": "tensor", "key": "x"}], ["x.npy", {"t": "tensor", "key": "x.npy"}],
        ["n", {"t": "value", "v": 3}]]}}
    path = tmp_path / "v1.npz"
    np.savez(path, **{"x": np.zeros(2, np.float32), "x.npy": np.ones(3, np.float32),
                      META: np.frombuffer(json.dumps(meta).encode(), np.uint8)})
    back = nn.load(path)
    assert back["x"].numpy().tolist() == [0, 0] and back["x.npy"].numpy().tolist() == [1, 1, 1]
    assert back["n"] == 3
