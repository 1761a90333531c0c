"""Port a PyTorch script by its import lines only, run it, and compare its losses with PyTorch's.

The substitution is the README's import table, applied line by line to import statements
(at any indentation) and nowhere else; every other line of the script runs unchanged.

    python examples/run_ported.py mnist_cnn -- --epochs 1 --limit 500
    python examples/run_ported.py polynomial_regression --compare -- --steps 200
    python examples/run_ported.py sine_lstm --show     # print the ported source

Losses are read from the script's output: every line holding ``loss <number>``.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# (PyTorch import line, scratchgrad import line): the README's table, as regexes over one
# statement without its indentation. Order matters: the longest module paths come first.
TABLE: list[tuple[str, str]] = [
    (r"import torch\.nn\.functional as (\w+)", r"import nn.functional as \1"),
    (r"import torch\.nn as (\w+)", r"import nn as \1"),
    (r"from torch import nn", "import nn"),
    # not a row of its own in the table: both rows at once
    (r"from torch import (nn, optim|optim, nn)", r"import \1"),
    (r"import torch\.optim as (\w+)", r"import optim as \1"),
    (r"from torch import optim", "import optim"),
    (r"from torch\.optim\.lr_scheduler import (.+)", r"from optim.lr_scheduler import \1"),
    (r"from torch\.utils\.data import (.+)", r"from autograd.utils.data import \1"),
    (r"from torch\.(distributions|amp) import (.+)", r"from autograd.\1 import \2"),
    (r"from torch\.autograd\.functional import (.+)", r"from autograd.functional import \1"),
    (r"from torchvision import (.+)", r"from nn import \1"),
    (r"from torchvision\.utils import (.+)", r"from nn.utils import \1"),
    # the same module mapping written as `import ... as`: torchvision.X is nn.X
    (r"import torchvision\.(datasets|transforms|utils) as (\w+)", r"import nn.\1 as \2"),
    (r"import torch", "import autograd as torch"),
]
_LOSS = re.compile(r"\bloss[:=]?\s+(-?[0-9.]+(?:[eE][-+]?\d+)?|nan|inf)\b")
_VALUE = re.compile(r"^(\w+)\s+(-?[0-9.]+(?:[eE][-+]?\d+)?)\s*$")


def port_line(line: str) -> str:
    """Rewrite one source line if it is an import in the table; return it unchanged otherwise.

    Args:
        line: one line of a script, with its indentation and newline.

    Returns:
        The scratchgrad line (same indentation and newline), or ``line`` itself.

    Example:
        >>> port_line("    import torch.nn.functional as F\\n")
        '    import nn.functional as F\\n'
        >>> port_line("x = torch.zeros(3)  # import torch")
        'x = torch.zeros(3)  # import torch'
    """
    body = line.lstrip()
    indent = line[: len(line) - len(body)]
    stripped = body.rstrip("\n")
    newline = body[len(stripped):]
    for pattern, repl in TABLE:
        if re.fullmatch(pattern, stripped.rstrip()):
            new = re.sub(pattern, repl, stripped.rstrip())
            # `import nn as nn` is `import nn`; a dotted `import a.b as b` must keep its alias
            new = re.sub(r"^import (\w+) as \1$", r"import \1", new)
            return indent + new + newline
    return line


_LEFT = re.compile(r"^\s*(import|from)\s+(torch|torchvision)\b")


def port_source(source: str) -> str:
    """Apply the import table to every line of a script's source.

    Args:
        source: the script's text.

    Returns:
        The ported text: the same number of lines, only import lines changed.

    Example:
        >>> print(port_source("import torch\\nfrom torch import nn, optim\\n"), end="")
        import autograd as torch
        import nn, optim

    Raises:
        ValueError: an import of torch or torchvision is left that the table does not cover
            (it would import the real package, so the run would not test this engine).
    """
    ported = [port_line(line) for line in source.splitlines(keepends=True)]
    left = [line.strip() for line in ported if _LEFT.match(line)]
    if left:
        raise ValueError(f"import lines outside the porting table: {left}")
    return "".join(ported)


def changed_lines(source: str) -> list[tuple[str, str]]:
    """The (before, after) pairs the port changes: only import lines, by construction.

    Example:
        >>> changed_lines("import torch\\nx = 1\\n")
        [('import torch', 'import autograd as torch')]
    """
    return [(a.rstrip(), b.rstrip()) for a, b in
            zip(source.splitlines(True), port_source(source).splitlines(True)) if a != b]


@dataclass
class Run:
    """One script run: its command, exit code, output, and the numbers read from it."""

    engine: str
    returncode: int
    stdout: str
    stderr: str
    losses: list[float] = field(default_factory=list)
    values: dict[str, float] = field(default_factory=dict)

    def check(self) -> Run:
        if self.returncode != 0:
            raise RuntimeError(f"{self.engine} run failed (exit {self.returncode}):\n"
                               f"{self.stderr[-3000:]}")
        return self


def parse(stdout: str) -> tuple[list[float], dict[str, float]]:
    """Losses (every ``loss <x>`` in order) and the last ``name <x>`` line per name.

    Args:
        stdout: a script's printed output.

    Returns:
        ``(losses, values)``: the losses in order, and a dict of the one-number lines.

    Example:
        >>> parse("step 0 loss 2.5\\nstep 1 loss 1.5 lr 0.1\\naccuracy 0.9\\n")
        ([2.5, 1.5], {'accuracy': 0.9})
    """
    losses = [float(m.group(1)) for line in stdout.splitlines() for m in [_LOSS.search(line)]
              if m]
    values = {}
    for line in stdout.splitlines():
        m = _VALUE.match(line.strip())
        if m:
            values[m.group(1)] = float(m.group(2))
    return losses, values


def script_path(name: str) -> str:
    return os.path.join(HERE, name if name.endswith(".py") else name + ".py")


def run(name: str, args: list[str], engine: str = "scratchgrad", timeout: float = 1200,
        cwd: str | None = None) -> Run:
    """Run an example as PyTorch code (``engine="torch"``) or ported to scratchgrad.

    Args:
        name: the example's file name, with or without ``.py``.
        args: its command-line flags.
        engine: ``"scratchgrad"`` (ported copy in a temporary folder) or ``"torch"``.
        timeout: seconds before the subprocess is stopped.
        cwd: working folder of the run (default: the temporary folder).

    Returns:
        A :class:`Run` with the exit code, the output, and the losses read from it.
    """
    path = script_path(name)
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.setdefault("MKL_NUM_THREADS", "1")
    with tempfile.TemporaryDirectory() as tmp:
        if engine == "torch":
            target = path
        else:
            with open(path, encoding="utf-8") as f:
                ported = port_source(f.read())
            target = os.path.join(tmp, os.path.basename(path))
            with open(target, "w", encoding="utf-8") as f:
                f.write(ported)
            env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
        proc = subprocess.run([sys.executable, target, *args], capture_output=True, text=True,
                              timeout=timeout, env=env, cwd=cwd or tmp)
    losses, values = parse(proc.stdout)
    return Run(engine, proc.returncode, proc.stdout, proc.stderr, losses, values)


def side_by_side(ours: list[float], theirs: list[float], every: int = 1) -> str:
    """A two-column markdown table of loss curves, every ``every``-th step and the last.

    Example:
        >>> print(side_by_side([2.0, 1.0], [2.1, 0.9]))
        | step | scratchgrad | PyTorch |
        |---:|---:|---:|
        | 0 | 2 | 2.1 |
        | 1 | 1 | 0.9 |
    """
    rows = ["| step | scratchgrad | PyTorch |", "|---:|---:|---:|"]
    n = max(len(ours), len(theirs))
    picks = sorted(set(range(0, n, max(every, 1))) | {n - 1}) if n else []
    for i in picks:
        a = f"{ours[i]:.6g}" if i < len(ours) else ""
        b = f"{theirs[i]:.6g}" if i < len(theirs) else ""
        rows.append(f"| {i} | {a} | {b} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("script", help="an example's name, e.g. mnist_cnn")
    parser.add_argument("--compare", action="store_true", help="also run it with PyTorch")
    parser.add_argument("--show", action="store_true", help="print the ported import lines")
    parser.add_argument("--every", type=int, default=1, help="table row stride")
    opts = parser.parse_args(argv)
    if opts.show:
        with open(script_path(opts.script), encoding="utf-8") as f:
            for before, after in changed_lines(f.read()):
                print(f"{before}\n  -> {after}")
        return 0
    ours = run(opts.script, extra)
    if not opts.compare:
        sys.stdout.write(ours.stdout)
    if ours.returncode:
        sys.stderr.write(ours.stderr)
        return ours.returncode
    if opts.compare:
        theirs = run(opts.script, extra, engine="torch").check()
        print(side_by_side(ours.losses, theirs.losses, opts.every))
        for key in sorted(set(ours.values) & set(theirs.values)):
            print(f"{key}: scratchgrad {ours.values[key]:.6g}  PyTorch {theirs.values[key]:.6g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
