"""Contenders in processes of their own: the interleaved table, and the agreement check.

A figure measured with other implementations in the same process can be far off:
PyTorch's imports slow the garbage collector's scans for everyone, an OpenMP pool
left spinning steals a core, and the allocator's state is shared: measured here,
glibc's heap trimming costs the numpy-based LeNet step about 2x in page faults in a
process of its own, while in a process that also runs PyTorch's step the freed
memory is reused and the cost disappears. So the table is measured with one
worker process per contender (:func:`interleaved`): each imports only what its
contender needs, builds it, warms it up and then runs one step whenever the parent
asks, rounds rotating over the workers, the others idle meanwhile. The check then
times every contender once more in a fresh process, steps back to back as a user's
script runs them (``python -m benchmarks --alone KEY --impl NAME``); the table's
median must be within :data:`TOLERANCE` of that one, or the run fails.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 0.20  # |table / alone - 1| allowed
TAG = "@@ "  # protocol lines of a worker start with this (anything else it prints is ignored)


def agreement(in_table: float, alone: float, tolerance: float = TOLERANCE) -> dict:
    """Compare a contender's median in the table with its median timed alone.

    Args:
        in_table: median step time measured next to the other contenders.
        alone: median step time of the same step in a process of its own.
        tolerance: the allowed relative difference, 0.2 for 20%.

    Returns:
        ``{"table", "alone", "ratio", "ok"}`` where ``ratio = in_table / alone`` and ``ok``
        holds when it lies within ``[1 / (1 + tolerance), 1 + tolerance]``.

    Example:
        >>> agreement(10.0, 11.0)["ok"], agreement(10.0, 15.0)["ok"]
        (True, False)
    """
    if not (in_table > 0 and alone > 0):
        raise ValueError(f"agreement: times must be positive, got {in_table} and {alone}")
    ratio = in_table / alone
    ok = 1 / (1 + tolerance) <= ratio <= 1 + tolerance
    return {"table": in_table, "alone": alone, "ratio": ratio, "ok": ok}


def run_alone(key: str, name: str, threads: int, warmup: int, repeat: int, clock: str
              ) -> dict:
    """One contender's step timed back to back in a fresh process; its stats or a note."""
    cmd = [sys.executable, "-m", "benchmarks", "--alone", key, "--impl", name,
           *_settings(threads, warmup, clock), "--repeat", str(repeat)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    try:
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        out = {"status": "failed", "note": f"alone: {err}"}
    out["seconds"] = time.perf_counter() - t0
    return out


def _settings(threads: int, warmup: int, clock: str) -> list[str]:
    return ["--threads", str(threads), "--warmup", str(warmup), "--clock", clock]


REWARM_BELOW = 0.25  # seconds: a step shorter than this is run once untimed first on each turn


def serve(step: Callable[[], Any] | None, status: dict, clock: Callable[[], float]) -> None:
    """Worker side: report ``status``, then time one call of ``step`` per line on stdin.

    While the other workers ran, this one's code and data left the caches; a user's
    script runs its steps back to back, so a short step (under :data:`REWARM_BELOW`)
    runs once untimed before the timed call. Measured: without it, PyTorch's tiny-MLP
    and LSTM steps timed 1.3-1.45x their back-to-back time, its conv2d step 1.2-1.35x.
    """
    print(TAG + json.dumps(status), flush=True)
    last = 0.0
    for line in sys.stdin:
        if line.strip() != "step" or step is None:
            break
        if last < REWARM_BELOW:
            step()
        t0 = clock()
        step()
        last = clock() - t0
        print(f"{TAG}{last!r}", flush=True)


def _read(proc: subprocess.Popen) -> str:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(TAG):
            return line[len(TAG):]
    raise RuntimeError("worker ended: " + (proc.stderr.read() if proc.stderr else "")[-400:])


def interleaved(key: str, names: tuple, threads: int, warmup: int, repeat: int, clock: str
                ) -> tuple[dict[str, dict], dict[str, list[float]]]:
    """Each contender in a worker process of its own, timed in rotating rounds.

    Returns each contender's status (``ok``, ``skipped`` or ``failed`` with a note) and
    its step times in seconds.
    """
    workers, status = {}, {}
    for name in names:
        cmd = [sys.executable, "-m", "benchmarks", "--serve", key, "--impl", name,
               *_settings(threads, warmup, clock)]
        workers[name] = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         text=True)
    times: dict[str, list[float]] = {}
    try:
        for name, proc in workers.items():
            status[name] = json.loads(_read(proc))
            if status[name]["status"] == "ok":
                times[name] = []
        live = list(times)
        for r in range(repeat):
            k = r % max(len(live), 1)
            for name in live[k:] + live[:k]:
                proc = workers[name]
                assert proc.stdin is not None
                proc.stdin.write("step\n")
                proc.stdin.flush()
                times[name].append(float(_read(proc)))
    finally:
        for proc in workers.values():
            try:
                proc.communicate("quit\n", timeout=60)
            except (subprocess.TimeoutExpired, OSError, ValueError):
                proc.kill()
                proc.wait()
    return status, times


def check_all(results: dict, workloads: dict, run: Any) -> list[dict]:
    """Time every contender of every timed workload alone with ``run(key, name)`` and
    compare; returns one row per (workload, contender), with ``ok`` False when a figure
    disagrees or the standalone run failed."""
    rows = []
    for key, res in results.items():
        if workloads[key].unit == "MB":  # W6 runs each contender in a process of its own
            continue
        for name, entry in res["impls"].items():
            if entry.get("status") != "ok":
                continue
            alone = run(key, name)
            row = {"key": key, "impl": name}
            if alone.get("status") != "ok":
                row.update(ok=False, table=entry["median"], alone=None, ratio=None,
                           note=alone.get("note", "failed"))
            else:
                row.update(agreement(entry["median"], alone["median"]))
            entry["alone"] = row.get("alone")
            rows.append(row)
    return rows


def format_checks(rows: list[dict], labels: dict, units: dict) -> list[str]:
    """Lines of the check: table vs alone, the ratio, ok or FAIL."""
    out = []
    for r in rows:
        unit = units[r["key"]]
        if r["alone"] is None:
            out.append(f"FAIL {r['key']} {labels[r['impl']]}: {r.get('note')}")
            continue
        verdict = "ok" if r["ok"] else "FAIL"
        out.append(f"{verdict:4s} {r['key']:4s} {labels[r['impl']]:11s} table {r['table']:9.3f} "
                   f"{unit}, alone {r['alone']:9.3f} {unit}, ratio {r['ratio']:.2f}")
    return out
