"""``scratchgrad graph -o/--steps``: Graphviz missing, bad folders, reused frame folders."""
from __future__ import annotations

import shutil

import pytest

from scratchgrad.cli import main

APPLE = ["apple * num * tax", "--let", "apple=10", "num=2", "tax=1.1"]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")


@pytest.fixture
def no_graphviz(monkeypatch, tmp_path):
    """A PATH without Graphviz's dot."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None


@pytest.mark.parametrize("ext", [".svg", ".png", ".pdf"])
def test_without_graphviz_the_one_line_carries_the_install_command(no_graphviz, tmp_path,
                                                                     capsys, ext):
    assert main(["graph", *APPLE, "-o", str(tmp_path / f"x{ext}")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "sudo apt-get install graphviz" in err and "brew install graphviz" in err
    assert ".dot or .mmd" in err and not (tmp_path / f"x{ext}").exists()


def test_without_graphviz_text_formats_still_work(no_graphviz, tmp_path, capsys):
    assert main(["graph", *APPLE, "-o", str(tmp_path / "x.dot")]) == 0
    assert main(["graph", *APPLE, "-o", str(tmp_path / "x.mmd")]) == 0
    assert (tmp_path / "x.dot").read_text().startswith("digraph")


def test_steps_without_graphviz_is_one_line(no_graphviz, tmp_path, capsys):
    assert main(["graph", *APPLE, "--steps", str(tmp_path / "frames")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "apt-get install graphviz" in err
    assert not (tmp_path / "frames").exists()


@pytest.mark.parametrize("name", ["out.dot", "out.svg"])
def test_output_into_a_missing_folder_is_refused(tmp_path, capsys, name):
    target = tmp_path / "no" / "such" / "dir" / name
    assert main(["graph", *APPLE, "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "mkdir -p" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "no").exists()           # no folders were created silently
    assert main(["graph", *APPLE, "--steps", str(tmp_path / "nope" / "frames")]) == 2
    assert not (tmp_path / "nope").exists()


def test_write_errors_name_the_file_not_a_temporary_one(tmp_path, capsys):
    (tmp_path / "taken").mkdir()
    assert main(["graph", *APPLE, "-o", str(tmp_path / "taken")]) == 2     # no extension
    assert main(["graph", *APPLE, "-o", "/proc/foo.dot"]) == 2             # not writable
    err = capsys.readouterr().err
    assert "/proc/foo.dot" in err and ".tmp" not in err
    assert all(len(line) < 400 for line in err.splitlines())


@needs_dot
def test_steps_reused_folder_replaces_old_frames_and_counts_right(tmp_path, capsys):
    frames = tmp_path / "frames"
    assert main(["graph", "(x @ W).tanh().sum()", "--let", "x=2x3", "W=3x4",
                 "--steps", str(frames)]) == 0
    first = sorted(p.name for p in frames.glob("step_*.svg"))
    assert len(first) >= 3
    assert f"wrote {len(first)} backward-step frames" in capsys.readouterr().out
    assert main(["graph", "a * 2", "--let", "a=3", "--steps", str(frames)]) == 0
    out = capsys.readouterr().out
    second = sorted(p.name for p in frames.glob("step_*.svg"))
    assert len(second) < len(first)                 # the stale frames are gone
    assert f"wrote {len(second)} backward-step frames" in out
    assert f"replacing {len(first)} frames of an earlier run" in out
    index = (frames / "index.html").read_text()
    assert all(name in index for name in second)


def test_steps_refuses_a_folder_with_other_files(tmp_path, capsys):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "thesis.tex").write_text("keep me")
    assert main(["graph", *APPLE, "--steps", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "holds other files (thesis.tex)" in err and len(err.strip().splitlines()) == 1
    assert (folder / "thesis.tex").read_text() == "keep me"


def test_output_under_a_file_is_refused(tmp_path, capsys):
    (tmp_path / "plain").write_text("x")
    assert main(["graph", *APPLE, "-o", str(tmp_path / "plain" / "g.dot")]) == 2
    assert main(["graph", *APPLE, "-o", ""]) == 2                 # not silently ignored
    err = capsys.readouterr().err.splitlines()
    assert "is not a folder; choose another place" in err[0] and "mkdir" not in err[0]
    assert "unknown extension ''" in err[1]


@needs_dot
@pytest.mark.parametrize("leftover", ["index.html", "step_001.svg"])
def test_steps_refuses_a_folder_render_steps_did_not_write_in_one_line(tmp_path, capsys,
                                                                       leftover):
    folder = tmp_path / "frames"
    folder.mkdir()
    (folder / leftover).write_text("someone else's")   # a name our frames use, not our file
    assert main(["graph", *APPLE, "--steps", str(folder)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "is not empty and holds no frames of an earlier run" in err
    assert "give an empty or new folder" in err and "Traceback" not in err
    assert [p.name for p in folder.iterdir()] == [leftover]
    assert (folder / leftover).read_text() == "someone else's"


@needs_dot
def test_steps_prints_the_frames_render_steps_wrote(tmp_path, capsys):
    folder = tmp_path / "frames"
    assert main(["graph", *APPLE, "--steps", str(folder)]) == 0
    out = capsys.readouterr().out
    frames = sorted(p.name for p in folder.glob("step_*.svg"))
    assert frames == ["step_001.svg", "step_002.svg"]          # two multiplies
    assert f"wrote 2 backward-step frames into {folder}; open {folder / 'index.html'}" in out
    assert "replacing" not in out


@needs_dot
def test_steps_refuses_a_backward_too_long_to_film_in_one_line(tmp_path, capsys):
    from autograd.viz.steps import MAX_STEPS

    expr = "x"
    for _ in range(7):                                   # a balanced sum: 127 additions
        expr = f"({expr} + {expr})"
    assert 2 ** 7 - 1 > MAX_STEPS
    assert main(["graph", expr, "--let", "x=1", "--steps", str(tmp_path / "f")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert f"more than {MAX_STEPS} steps" in err and "drop --steps" in err
    assert not (tmp_path / "f").exists()
