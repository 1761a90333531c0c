"""W6: a training step's peak memory, and whether live memory stays flat over many steps.

The numpy-based implementations are measured with tracemalloc (numpy reports its
allocations to it), PyTorch with resident memory (RSS), since tracemalloc does not
see PyTorch's. Each implementation runs in a child process of its own
(``python -m benchmarks --memory-child NAME``), started by :func:`run_memory`.
"""
from __future__ import annotations

import gc
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]  # holds benchmarks/: the children's working dir
MB = 1024 * 1024


def _proc_status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)
        return True
    except OSError:
        return False


def _libc() -> Any:
    import ctypes

    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def fix_malloc_for_rss() -> None:
    """Make RSS track live memory: big blocks are mmapped and returned at free (glibc).

    By default glibc raises its mmap threshold after the first large free and keeps
    freed memory in the heap, so RSS would stop moving after one step. This is
    process-wide, which is why W6 runs in processes of its own.
    """
    libc = _libc()
    if libc is not None:
        m_trim_threshold, m_mmap_threshold = -1, -3
        libc.mallopt(m_mmap_threshold, 128 * 1024)
        libc.mallopt(m_trim_threshold, 128 * 1024)


def _trim() -> None:
    gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def rss_peak_mb(step: Callable, times: int = 5) -> float | None:
    """Peak resident-memory growth during one call of ``step`` (the median of ``times``)."""
    step()
    step()
    peaks = []
    for _ in range(times):
        _trim()
        base = _proc_status_kb("VmRSS")
        if not _reset_peak_rss():
            return None
        step()
        peaks.append((_proc_status_kb("VmHWM") - base) / 1024)
    return sorted(peaks)[len(peaks) // 2]


def _curve(step: Callable, n_steps: int, read: Callable[[], float]) -> list[tuple[int, float]]:
    marks = sorted({min(10, n_steps)} | {n_steps * k // 10 for k in range(1, 11)})
    curve = []
    for k in range(1, n_steps + 1):
        step()
        if k in marks:
            curve.append((k, read()))
    return curve


def traced_memory(step: Callable, n_steps: int) -> dict:
    """tracemalloc's peak for one step above the steady state, and the live memory curve."""
    step()
    gc.collect()
    tracemalloc.start()
    try:
        step()  # the first traced step's survivors (grads) become the baseline
        gc.collect()
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        step()
        peak = (tracemalloc.get_traced_memory()[1] - base) / MB
        curve = _curve(step, n_steps, lambda: (tracemalloc.get_traced_memory()[0] - base) / MB)
    finally:
        tracemalloc.stop()
    return {"peak": peak, "curve": curve}


def rss_memory(step: Callable, n_steps: int) -> dict:
    peak = rss_peak_mb(step)
    base = _proc_status_kb("VmRSS")
    curve = _curve(step, n_steps, lambda: (_proc_status_kb("VmRSS") - base) / 1024)
    return {"peak": peak, "curve": curve}


def is_flat(curve: list, peak: float | None) -> tuple[bool, float]:
    """Flat when live memory after the last step is within max(0.5 MB, 5% of the peak) of
    what it was after the first sampled step."""
    growth = curve[-1][1] - curve[0][1]
    return growth <= max(0.5, 0.05 * (peak or 0.0)), growth


def memory_child(build: Callable[[], tuple[dict, dict]], name: str, n_steps: int) -> dict:
    """W6 for one implementation, run in a fresh process (see :func:`run_memory`).

    ``build()`` sets up the implementations (after the malloc settings, so that the step's
    memory is allocated under them) and returns their steps and statuses.
    """
    fix_malloc_for_rss()
    steps, status = build()
    entry = status[name]
    if name in steps:
        step = steps[name]
        rss = rss_memory(step, n_steps if name == "torch" else 2)
        entry.update(rss_peak=rss["peak"], steps=n_steps)
        if name == "torch":
            entry.update(metric="RSS", median=rss["peak"], curve=rss["curve"])
        else:
            tr = traced_memory(step, n_steps)
            entry.update(metric="tracemalloc", median=tr["peak"], curve=tr["curve"])
        entry["flat"], entry["growth"] = is_flat(entry["curve"], entry["median"])
    return entry


def run_memory(names: tuple, threads: int, n_steps: int) -> dict:
    """Each implementation's W6 in a process of its own: resident memory depends on what the
    allocator went through before (PyTorch's step peak measured 4.5 MB alone, 11 MB after
    W3 in the same process), and the malloc settings RSS needs stay out of the timings."""
    status = {}
    for name in names:
        cmd = [sys.executable, "-m", "benchmarks", "--threads", str(threads), "--steps",
               str(n_steps), "--memory-child", name]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        try:
            status[name] = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            status[name] = {"status": "failed", "note": f"memory child: {err}"}
    return {"impls": status, "steps": n_steps}
