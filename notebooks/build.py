"""Execute the course notebooks top to bottom and save them with their outputs.

Usage::

    python notebooks/build.py                 # run every notebook, write outputs in place
    python notebooks/build.py 02 05           # only the notebooks whose names contain 02 or 05
    python notebooks/build.py --check         # run, report times, write nothing

Each notebook runs in a fresh ``python3`` kernel started in ``notebooks/``,
with the repository on ``PYTHONPATH`` (so it works before ``pip install -e .``),
matplotlib's inline backend and a single-threaded BLAS. Needs the ``notebooks`` extra:
``pip install -e ".[notebooks]"``.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def notebooks(patterns: list[str] | None = None) -> list[Path]:
    """The course notebooks in chapter order, optionally only those matching a pattern."""
    found = sorted(HERE.glob("[0-9][0-9]_*.ipynb"))
    if patterns:
        found = [p for p in found if any(s in p.name for s in patterns)]
    return found


def kernel_env() -> None:
    """Let the kernel import the repository and draw inline (it inherits os.environ).

    BLAS runs on one thread unless the caller chose otherwise: the notebooks multiply
    small matrices, where a multi-threaded BLAS is slower (much slower on a busy machine).
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    paths = [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    if os.environ.get("MPLBACKEND", "").lower() == "agg":
        del os.environ["MPLBACKEND"]


def execute(path: Path, timeout: int = 300, write: bool = True) -> float:
    """Run one notebook in a fresh kernel; save it with outputs; return the seconds it took."""
    import nbformat
    from nbclient import NotebookClient

    kernel_env()
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    if write:
        for cell in nb.cells:      # stable files: no per-run execution metadata
            cell.get("metadata", {}).pop("execution", None)
        nbformat.write(nb, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    """Run the selected notebooks, print each one's time; exit 1 if one fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patterns", nargs="*", help="run only notebooks whose names contain these")
    parser.add_argument("--check", action="store_true", help="run but do not write outputs")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    args = parser.parse_args(argv)
    failed = 0
    for path in notebooks(args.patterns):
        try:
            seconds = execute(path, args.timeout, write=not args.check)
            print(f"{path.name:<40} {seconds:6.1f} s")
        except Exception as exc:  # report every notebook, then fail
            failed += 1
            print(f"{path.name:<40} FAILED: {str(exc).strip().splitlines()[-1][:200]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
