"""Run the workloads side by side: scratchgrad, PyTorch CPU eager and the numpy floor.

Usage:
    python -m benchmarks                      # everything; writes results/latest.{json,md}
    python -m benchmarks --only W1,W3 --repeat 30
    python -m benchmarks --quick              # fewer rounds, W6 over 100 steps; no files
    python -m benchmarks --threads 2          # every contender on 2 threads
    python -m benchmarks --profile W2         # cProfile of scratchgrad's step
    python -m benchmarks --clock cpu          # each worker's CPU time: for a busy machine
    python -m benchmarks --malloc tuned       # glibc malloc without heap trimming, for all

Method. Every contender runs under the same settings, applied before numpy or
PyTorch loads (:mod:`benchmarks.machine`): the same thread count for BLAS, OpenMP
and PyTorch (1 by default: steadiest on a shared machine), and with several
threads idle workers that sleep rather than spin. Each contender of a workload
runs in a worker process of its own (:mod:`benchmarks.alone`), built on the same
data and weights (float32), warmed up, garbage collected with the setup's objects
frozen out of the collector's scans; the parent then asks the workers for one
step each in rounds whose order rotates (drift hits all alike; a short step is
re-warmed before each timed call), and the table gives medians and inter-quartile
ranges. Then every contender's step is timed again alone in a fresh process,
back to back; a figure more than 20% away from its standalone time fails the run
(exit status 1). W6 (memory) runs each contender in a process of its own
(:mod:`benchmarks.memory`).
"""
from __future__ import annotations

import argparse
import datetime
import gc
import json
import sys
import time
from types import SimpleNamespace
from typing import Any, Callable

from .machine import ROOT, apply_settings

Steps = dict[str, Callable[[], Any]]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--only", help="comma-separated workloads, e.g. W1,W3,TINY")
    p.add_argument("--repeat", type=int, help="timed rounds (overrides each workload's)")
    p.add_argument("--warmup", type=int, help="untimed steps first (overrides each workload's)")
    p.add_argument("--quick", action="store_true", help="fewer rounds, W6 over 100 steps")
    p.add_argument("--threads", type=int, default=1, help="threads for every contender "
                   "(default 1)")
    p.add_argument("--steps", type=int, help="W6: training steps for the flatness check "
                   "(default 1000, 100 with --quick)")
    p.add_argument("--profile", metavar="W", help="cProfile scratchgrad's step of workload W")
    p.add_argument("--malloc", choices=("default", "tuned"), default="default",
                   help="glibc malloc as a user's script gets it (default), or without heap "
                   "trimming for every contender (see benchmarks/machine.py)")
    p.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                   help="wall time (default) or this process's CPU time")
    p.add_argument("--no-check", action="store_true", help="skip the standalone agreement check")
    p.add_argument("--no-save", action="store_true", help="do not write results/")
    p.add_argument("--memory-child", help=argparse.SUPPRESS)  # W6 for one implementation
    p.add_argument("--alone", help=argparse.SUPPRESS)  # time one workload's --impl alone
    p.add_argument("--serve", help=argparse.SUPPRESS)  # a worker: one --impl, steps on request
    p.add_argument("--impl", help=argparse.SUPPRESS)
    return p.parse_args(argv)


# ---------------------------------------------------------------- timing
def stats(samples: list[float], scale: float) -> dict:
    """Median, quartiles, IQR and minimum of ``samples`` times ``scale``."""
    import numpy as np

    a = np.asarray(samples) * scale
    q1, med, q3 = np.percentile(a, [25, 50, 75])
    return {"median": float(med), "q1": float(q1), "q3": float(q3), "iqr": float(q3 - q1),
            "min": float(a.min()), "n": len(samples)}


def repeated(step: Callable[[], Any], inner: int) -> Callable[[], Any]:
    if inner == 1:
        return step

    def many() -> None:
        for _ in range(inner):
            step()

    return many


def settle() -> None:
    """The same collector state before every timing: collected, setup objects frozen."""
    gc.collect()
    gc.freeze()


def time_round_robin(steps: Steps, warmup: int, repeat: int, errors: dict[str, str],
                     clock: Callable[[], float] = time.perf_counter) -> dict[str, list[float]]:
    """Seconds per call of each step; the order rotates every round. A step that raises is
    dropped and its error recorded in ``errors``."""
    steps = dict(steps)
    for name in list(steps):
        try:
            for _ in range(warmup):
                steps[name]()
        except Exception as e:  # a broken implementation must not stop the others
            errors[name] = f"{type(e).__name__}: {e}"
            del steps[name]
    times: dict[str, list[float]] = {n: [] for n in steps}
    names = list(steps)
    settle()
    try:
        for r in range(repeat):
            k = r % max(len(names), 1)
            for name in names[k:] + names[:k]:
                if name in errors:
                    continue
                try:
                    t0 = clock()
                    steps[name]()
                    times[name].append(clock() - t0)
                except Exception as e:
                    errors[name] = f"{type(e).__name__}: {e}"
    finally:
        gc.unfreeze()
    return {n: t for n, t in times.items() if n not in errors}


def build_impls(wl: Any, env: Any, names: tuple) -> tuple[Steps, dict[str, dict]]:
    """Set up each implementation; returns the steps and a status for every implementation."""
    from .workloads import Missing

    steps, status = {}, {}
    for name, factory in wl.build(env).items():
        if name not in names:
            continue
        try:
            steps[name] = repeated(factory(), wl.inner)
            status[name] = {"status": "ok"}
        except Missing as e:
            status[name] = {"status": "skipped", "note": str(e)}
        except Exception as e:
            status[name] = {"status": "failed", "note": f"{type(e).__name__}: {e}"}
    return steps, status


def rounds(wl: Any, args: argparse.Namespace) -> tuple[int, int]:
    warmup, repeat = wl.warmup, wl.repeat
    if args.quick:
        warmup, repeat = max(1, warmup // 2), max(3, repeat // 5)
    return (args.warmup if args.warmup is not None else warmup), (args.repeat or repeat)


def scale(wl: Any) -> float:
    return (1e6 / wl.n_ops if wl.unit == "us/op" else 1e3) / wl.inner


def run_table(key: str, wl: Any, args: argparse.Namespace, threads: int) -> dict:
    """The table's figures: every contender in a worker process, interleaved rounds."""
    from .alone import interleaved
    from .report import IMPLS

    warmup, repeat = rounds(wl, args)
    status, times = interleaved(key, IMPLS, threads, warmup, repeat, args.clock)
    for name, samples in times.items():
        status[name].update(stats(samples, scale(wl)))
    res: dict = {"impls": status}
    if wl.extras is not None:
        res["extras"] = wl.extras()
    return res


def worker(wl: Any, env: Any, name: str, args: argparse.Namespace) -> None:
    """``--serve``: build one contender, warm it up, then time steps on request."""
    from .alone import serve

    steps, status = build_impls(wl, env, (name,))
    step = steps.get(name)
    try:
        for _ in range(args.warmup or 0):
            if step is not None:
                step()
    except Exception as e:
        status[name] = {"status": "failed", "note": f"{type(e).__name__}: {e}"}
        step = None
    settle()
    serve(step, status[name], time.process_time if args.clock == "cpu" else time.perf_counter)


def run_timed(wl: Any, env: Any, args: argparse.Namespace, names: tuple) -> dict:
    steps, status = build_impls(wl, env, names)
    warmup, repeat = rounds(wl, args)
    errors: dict[str, str] = {}
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    times = time_round_robin(steps, warmup, repeat, errors, clock)
    for name, msg in errors.items():
        status[name] = {"status": "failed", "note": msg}
    for name, samples in times.items():
        status[name].update(stats(samples, scale(wl)))
    res: dict = {"impls": status}
    if wl.extras is not None and len(names) > 1:
        res["extras"] = wl.extras()
    return res


# ---------------------------------------------------------------- profile
def profile(key: str, env: Any, repeat: int, cpu: bool) -> None:
    import cProfile
    import pstats

    from .workloads import WORKLOADS

    step = WORKLOADS[key].build(env)["scratchgrad"]()
    for _ in range(3):
        step()
    prof = cProfile.Profile(time.process_time) if cpu else cProfile.Profile()
    prof.enable()
    for _ in range(repeat):
        step()
    prof.disable()
    print(f"cProfile of scratchgrad on {key}, {repeat} steps")
    st = pstats.Stats(prof).strip_dirs()
    st.sort_stats("tottime").print_stats(30)
    st.sort_stats("cumulative").print_stats(25)


# ---------------------------------------------------------------- main
def load_torch(threads: int, needed: bool) -> Any:
    if not needed:
        return None
    try:
        import torch
    except ImportError:
        print("note: PyTorch is not installed; its column is skipped (pip install torch==2.13.0)")
        return None
    from .machine import limit_torch

    limit_torch(torch, threads)
    return torch


def child(args: argparse.Namespace, threads: int) -> int:
    """``--serve``, ``--alone`` or ``--memory-child``: one contender of one workload in this
    fresh process, importing only what it needs; results as JSON on stdout."""
    from .workloads import WORKLOADS

    name = args.impl or args.memory_child
    torch = load_torch(threads, name == "torch")
    env = SimpleNamespace(torch=torch, seed=0, quick=args.quick)
    if args.serve:
        worker(WORKLOADS[args.serve], env, name, args)
        return 0
    if args.memory_child:
        from .memory import memory_child

        entry = memory_child(lambda: build_impls(WORKLOADS["W6"], env, (name,)), name,
                             args.steps)
    else:
        entry = run_timed(WORKLOADS[args.alone], env, args, (name,))["impls"][name]
    print(json.dumps(entry))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    threads = max(1, args.threads)
    env_set = apply_settings(threads, args.malloc)  # before numpy and PyTorch load
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if args.alone or args.memory_child or args.serve:
        return child(args, threads)
    torch = load_torch(threads, True)
    from .workloads import WORKLOADS

    env = SimpleNamespace(torch=torch, seed=0, quick=args.quick)
    if args.profile:
        profile(args.profile.upper(), env, args.repeat or 20, args.clock == "cpu")
        return 0
    keys = [k.strip().upper() for k in args.only.split(",")] if args.only else list(WORKLOADS)
    unknown = [k for k in keys if k not in WORKLOADS]
    if unknown:
        print(f"unknown workload(s) {unknown}; choose from {list(WORKLOADS)}", file=sys.stderr)
        return 2
    return run_all(args, keys, torch, threads, env, env_set)


def run_all(args: argparse.Namespace, keys: list[str], torch: Any, threads: int, env: Any,
            env_set: dict) -> int:
    import os

    from . import alone, report
    from .machine import machine_info, machine_line
    from .memory import run_memory
    from .workloads import WORKLOADS

    w6_steps = args.steps or (100 if args.quick else 1000)
    machine = machine_info(torch, threads, env_set)
    print(machine_line(machine), flush=True)
    results: dict = {}
    for key in keys:
        wl = WORKLOADS[key]
        t0 = time.perf_counter()
        res = (run_memory(report.IMPLS, threads, w6_steps) if wl.unit == "MB"
               else run_table(key, wl, args, threads))
        if res.get("status") == "failed":
            print(f"{key} failed: {res['note']}", flush=True)
        report.judge(wl, res)
        results[key] = res
        print(f"{key} done in {time.perf_counter() - t0:.1f} s: " + ", ".join(
            f"{report.LABEL[n]} {report._cell(e, wl.unit)}" for n, e in res["impls"].items()),
            flush=True)
    checks: list[dict] = []
    if not args.no_check:
        def run(key: str, name: str) -> dict:
            return alone.run_alone(key, name, threads, *rounds(WORKLOADS[key], args),
                                   args.clock)

        checks = alone.check_all(results, WORKLOADS, run)
    if hasattr(os, "getloadavg"):
        machine["loadavg_end"] = os.getloadavg()
    rows = report.table_rows(WORKLOADS, results)
    note_lines = report.notes(results)
    check_lines = alone.format_checks(checks, report.LABEL, {k: WORKLOADS[k].unit for k in keys})
    agree = all(c["ok"] for c in checks)
    print("\n" + report.format_text(rows))
    for n in note_lines:
        print("  " + n)
    print("\n" + machine_line(machine))
    if report.load_warning(machine):
        print(report.load_warning(machine))
    if checks:
        print(f"\nagreement check (alone in a fresh process, within {alone.TOLERANCE:.0%}):")
        print("\n".join("  " + c for c in check_lines))
        print("agreement: " + ("PASS" if agree else "FAIL: a figure in the table disagrees with "
                               "its standalone run; the table is not trustworthy"))
    if not (args.no_save or args.only or args.quick):
        rep = {"schema": 2, "when": datetime.datetime.now(datetime.timezone.utc).isoformat(),
               "machine": machine,
               "settings": {"quick": args.quick, "repeat": args.repeat, "clock": args.clock,
                            "threads": threads, "w6_steps": w6_steps, "agree": agree,
                            "tolerance": alone.TOLERANCE, "checked": bool(checks),
                            "command": "python -m benchmarks " + " ".join(sys.argv[1:])},
               "workloads": {k: {"title": WORKLOADS[k].title, "unit": WORKLOADS[k].unit, **r}
                             for k, r in results.items()},
               "agreement": checks}
        for p in report.save(rep, rows, note_lines, check_lines):
            print(f"wrote {p.relative_to(ROOT)}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
