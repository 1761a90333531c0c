"""The command as a new user meets it: help, version, bad values, gradcheck's hints."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scratchgrad.cli import main, version

ROOT = Path(__file__).resolve().parents[2]


def test_bare_command_prints_help(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: scratchgrad")
    assert all(cmd in out for cmd in ("tour", "train", "gradcheck", "graph", "examples:"))


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        from scratchgrad.cli import build_parser

        build_parser().parse_args(["--version"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.strip() == f"scratchgrad {version()}"
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip().startswith("scratchgrad ")


@pytest.mark.parametrize("argv, needle", [
    (["train", "--weight-decay", "abc"], "argument --weight-decay: invalid float value: 'abc'"),
    (["train", "--epochs", "2.5"], "argument --epochs: invalid int value: '2.5'"),
    (["gradcheck", "m:f", "--shapes", "3", "--dtype", "int8"], "invalid choice: 'int8'"),
    (["train", "--no-such-flag"], "unrecognized arguments: --no-such-flag"),
    (["fly"], "invalid choice: 'fly'"),
])
def test_bad_option_values_are_one_line(capsys, argv, needle):
    assert main(argv) == 2
    captured = capsys.readouterr()
    err = captured.err
    assert len(err.strip().splitlines()) == 1, err
    assert needle in err and "usage:" not in err and "--help" in err


def test_python_dash_m_scratchgrad_help_and_version(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run([sys.executable, "-m", "scratchgrad"], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=60)
    assert res.returncode == 0 and "usage: scratchgrad" in res.stdout
    res = subprocess.run([sys.executable, "-m", "scratchgrad", "--version"], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=60)
    assert res.returncode == 0 and res.stdout.startswith("scratchgrad ")


def test_gradcheck_of_log_on_negative_inputs_suggests_positive(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run([sys.executable, "-m", "scratchgrad", "gradcheck", "autograd:log",
                          "--shapes", "3"], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=120)
    assert res.returncode == 2, res.stdout + res.stderr
    assert "RuntimeWarning" not in res.stderr and "invalid value" not in res.stderr
    assert "nondeterministic" not in res.stdout + res.stderr
    line = res.stderr.strip()
    assert len(line.splitlines()) == 1 and "NaN" in line and "--positive" in line
    res = subprocess.run([sys.executable, "-m", "scratchgrad", "gradcheck", "autograd:log",
                          "--shapes", "3", "--positive"], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=120)
    assert res.returncode == 0 and "passed" in res.stdout and not res.stderr


def test_gradcheck_prints_each_warning_once(capsys, recwarn):
    assert main(["gradcheck", "nn.functional:softmax", "--shapes", "3x4"]) == 0
    captured = capsys.readouterr()
    notes = [ln for ln in captured.out.splitlines() if "note:" in ln]
    assert len(notes) == 1 and "Implicit dimension choice for softmax" in notes[0]
    assert not captured.err
    assert not [w for w in recwarn if "softmax" in str(w.message)]   # none leaked out


def test_gradcheck_float32_note_once(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "two_in.py").write_text("def mul(a, b):\n    return a * b\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["gradcheck", "two_in:mul", "--shapes", "3,3", "--dtype", "float32"]) == 0
    out = capsys.readouterr().out
    assert out.count("note:") == 1 and "float64" in out
    sys.modules.pop("two_in", None)


def test_tour_refuses_bad_numbers_before_working(tmp_path, capsys):
    for module in ("matplotlib", "sklearn", "mlxtend"):
        pytest.importorskip(module)
    out = tmp_path / "tour-out"
    assert main(["tour", "--seed", "-1", "--no-progress", "--out", str(out)]) == 2
    assert main(["tour", "--epochs", "0", "--no-progress", "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "bad --seed -1" in err[0] and "bad --epochs 0" in err[1]
    assert not out.exists()


@pytest.mark.parametrize("argv, needle", [
    (["--eps", "0"], "bad --eps 0"),
    (["--eps", "nan"], "bad --eps nan"),
    (["--atol", "-1"], "bad --atol -1"),
    (["--rtol", "inf"], "bad --rtol inf"),
    (["--shapes", "300x300"], "90,000 elements, over the limit of 10,000"),
])
def test_gradcheck_refuses_meaningless_or_endless_checks(capsys, argv, needle):
    args = ["gradcheck", "autograd:exp", "--shapes", "3", *argv]
    assert main(args) == 2                      # before: eps=0 "passed", 300x300 ran for hours
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1


def test_console_entry_point_names_this_main():
    import importlib
    import re

    text = (ROOT / "pyproject.toml").read_text()
    scripts = text.split("[project.scripts]", 1)[1].split("\n[", 1)[0]
    target = re.search(r'^scratchgrad\s*=\s*"([\w.]+):(\w+)"', scripts, re.M)
    assert target, scripts
    assert getattr(importlib.import_module(target.group(1)), target.group(2)) is main
    packages = re.search(r"include = \[([^\]]*)\]", text).group(1)
    assert '"scratchgrad*"' in packages
