"""The settings every contender runs under, and a description of the machine for the report.

:func:`apply_settings` must run before numpy or PyTorch is imported: the BLAS and
OpenMP runtimes read their thread counts and wait policies when they load. Every
process of a benchmark run (the main one and each standalone child) applies the
same settings, so no contender runs with more threads or a different spin policy
than another.
"""
from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
# Idle worker threads sleep instead of spinning: OpenMP (PyTorch's pool) by its wait
# policy, OpenBLAS's pthreads by the shortest spin it allows (2^4 cycles).
WAIT_VARS = {"OMP_WAIT_POLICY": "PASSIVE", "OPENBLAS_THREAD_TIMEOUT": "4"}
# glibc's malloc without heap trimming and with blocks up to 256 MB from the heap: freed
# memory is reused instead of returned to the kernel and faulted in again (``--malloc
# tuned``; the default run keeps glibc's defaults, which is what a user's script gets).
MALLOC_VARS = {"MALLOC_TRIM_THRESHOLD_": str(1 << 30), "MALLOC_TOP_PAD_": str(1 << 26),
               "MALLOC_MMAP_THRESHOLD_": str(1 << 28)}


def apply_settings(threads: int, malloc: str = "default") -> dict[str, str]:
    """Set the thread count (with several threads, the passive wait policy; with
    ``malloc="tuned"``, :data:`MALLOC_VARS`) for this process's runtimes and its children;
    returns the variables set. The malloc variables take effect in the children."""
    env = {var: str(threads) for var in THREAD_VARS}
    if threads > 1:
        env.update(WAIT_VARS)
    if malloc == "tuned":
        env.update(MALLOC_VARS)
    os.environ.update(env)
    return env


def limit_torch(torch: Any, threads: int) -> None:
    """PyTorch's intra-op pool to ``threads``; its inter-op pool to one thread."""
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # only possible before PyTorch's first parallel work
        pass


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _blas() -> list[dict]:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        import numpy as np

        blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
        return [{"internal_api": blas.get("name"), "version": blas.get("version")}]
    return [{k: d.get(k) for k in ("internal_api", "version", "num_threads", "threading_layer",
                                   "architecture")} for d in threadpool_info()]


def _git() -> dict:
    """The commit benchmarked; an exported copy (no .git) names it in ``BENCH_COMMIT``."""
    if os.environ.get("BENCH_COMMIT"):
        return {"commit": os.environ["BENCH_COMMIT"], "engine_dirty": False}
    git = ["git", "-C", str(ROOT)]
    try:
        commit = subprocess.run(git + ["rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
        dirty = subprocess.run(git + ["status", "--porcelain", "--", "autograd", "nn", "optim"],
                               capture_output=True, text=True).stdout.strip()
    except OSError:
        return {}
    return {"commit": commit or "unknown", "engine_dirty": bool(dirty)}


def machine_info(torch: Any, threads: int, env: dict[str, str]) -> dict:
    """CPU, cores, libraries, thread settings, load average and commit, for the report."""
    import numpy as np

    info: dict = {"cpu": _cpu_model(), "cores": os.cpu_count(), "threads": threads,
                  "env": env, "platform": platform.platform(),
                  "python": platform.python_version(), "numpy": np.__version__,
                  "torch": getattr(torch, "__version__", None), "blas": _blas(), **_git(),
                  # variables of the environment (not the harness's) that steer the runtimes,
                  # e.g. OPENBLAS_CORETYPE pinning OpenBLAS to one CPU's kernels
                  "inherited": {k: v for k, v in os.environ.items() if k not in env and
                                k.startswith(("OPENBLAS_", "GOTO", "MKL_", "OMP_", "KMP_",
                                              "MALLOC_", "DNNL_", "ONEDNN_", "ATEN_"))}}
    if torch is not None:
        info["torch_threads"] = torch.get_num_threads()
    if hasattr(os, "getloadavg"):
        info["loadavg_start"] = os.getloadavg()
    return info


def machine_line(m: dict) -> str:
    """One line: CPU, cores, threads and wait policy, versions, BLAS, commit, load."""
    blas = ", ".join(f"{b.get('internal_api')} {b.get('version')} ({b.get('num_threads')} thr, "
                     f"{b.get('threading_layer')})" for b in m.get("blas", []))
    wait = ("idle threads sleep (" + ", ".join(f"{k}={v}" for k, v in WAIT_VARS.items()) + ")"
            if m["threads"] > 1 else "no worker threads")
    wait += ("; glibc malloc tuned (" + ", ".join(f"{k}={v}" for k, v in MALLOC_VARS.items())
             + ")" if "MALLOC_TOP_PAD_" in m.get("env", {}) else "; glibc malloc defaults")
    dirty = " + uncommitted engine changes" if m.get("engine_dirty") else ""
    load = m.get("loadavg_start")
    end = m.get("loadavg_end")
    loads = "" if load is None else (f"; load average {load[0]:.2f} at the start"
                                     + ("" if end is None else f", {end[0]:.2f} at the end"))
    inherited = "".join(f", {k}={v}" for k, v in sorted(m.get("inherited", {}).items()))
    inherited = f"; set in the environment{inherited[1:]}" if inherited else ""
    return (f"{m['cpu']}, {m['cores']} cores; {m['threads']} thread(s) for every contender "
            f"(BLAS, OpenMP, PyTorch intra-op), {wait}; Python {m['python']}, numpy "
            f"{m['numpy']}, PyTorch {m['torch'] or 'absent'}; BLAS: {blas}; commit "
            f"{m.get('commit', '?')}{dirty}{inherited}{loads}")
