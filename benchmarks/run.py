"""Run the workloads side by side: scratchgrad, PyTorch CPU eager and the numpy floor.

Usage:
    python -m benchmarks                      # everything; writes results/latest.{json,md}
    python -m benchmarks --only W1,W3 --repeat 30
    python -m benchmarks --quick              # fewer runs, W6 over 100 steps
    python -m benchmarks --profile W2         # cProfile of scratchgrad's step
    python -m benchmarks --threads 1 --clock cpu   # steadier on a shared machine

The timed workloads run all implementations in this one process on the same
data (float32) with the same thread count; W6 (memory, measured in memory.py) runs
each in a fresh child process, since resident memory depends on what the allocator
saw before. Each workload warms up, then times its implementations round-robin (so
drift on a busy machine hits all three alike) and reports medians and inter-quartile
ranges, and the ratios scratchgrad/PyTorch and scratchgrad/floor against the
targets of the performance issue.
"""
from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
IMPLS = ("scratchgrad", "torch", "floor")
LABEL = {"scratchgrad": "scratchgrad", "torch": "PyTorch", "floor": "floor"}
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--only", help="comma-separated workloads, e.g. W1,W3")
    p.add_argument("--repeat", type=int, help="timed runs per implementation (overrides defaults)")
    p.add_argument("--quick", action="store_true", help="fewer runs and W6 steps")
    p.add_argument("--threads", type=int, help="threads for BLAS and PyTorch (default: all cores)")
    p.add_argument("--steps", type=int, help="W6: training steps for the flatness check "
                   "(default 1000, 100 with --quick)")
    p.add_argument("--profile", metavar="W", help="cProfile scratchgrad's step of workload W")
    p.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                   help="wall time (default) or this process's CPU time, steadier on a busy "
                   "machine for single-threaded work (with several threads it adds them up)")
    p.add_argument("--no-freeze", action="store_true", help="leave objects alive before timing "
                   "(PyTorch's modules among them) in the garbage collector's full scans")
    p.add_argument("--no-save", action="store_true", help="do not write results/")
    p.add_argument("--memory-child", help=argparse.SUPPRESS)  # W6 for one implementation
    return p.parse_args(argv)


# ---------------------------------------------------------------- timing
def _stats(samples: list[float], scale: float) -> dict:
    import numpy as np

    a = np.asarray(samples) * scale
    q1, med, q3 = np.percentile(a, [25, 50, 75])
    return {"median": float(med), "q1": float(q1), "q3": float(q3), "iqr": float(q3 - q1),
            "min": float(a.min()), "n": len(samples)}


def time_round_robin(steps: dict[str, Callable], warmup: int, repeat: int,
                     errors: dict[str, str], clock: Callable[[], float] = time.perf_counter
                     ) -> dict[str, list[float]]:
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
    gc.collect()
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
    return {n: t for n, t in times.items() if n not in errors}


def build_impls(wl: Any, env: Any, names: tuple = IMPLS
                ) -> tuple[dict[str, Callable], dict[str, dict]]:
    """Set up each implementation; returns the steps and a status for every implementation."""
    from benchmarks.workloads import Missing

    steps, status = {}, {}
    for name, factory in wl.build(env).items():
        if name not in names:
            continue
        try:
            steps[name] = factory()
            status[name] = {"status": "ok"}
        except Missing as e:
            status[name] = {"status": "skipped", "note": str(e)}
        except Exception as e:
            status[name] = {"status": "failed", "note": f"{type(e).__name__}: {e}"}
    return steps, status


def run_timed(wl: Any, env: Any, args: argparse.Namespace) -> dict:
    steps, status = build_impls(wl, env)
    warmup, repeat = wl.warmup, wl.repeat
    if args.quick:
        warmup, repeat = 1, max(3, repeat // 5)
    if args.repeat:
        repeat = args.repeat
    errors: dict[str, str] = {}
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    gc.collect()
    if not args.no_freeze:  # the imports' objects (torch's ~170k) leave the collector's scans,
        gc.freeze()  # so one implementation's imports do not slow another's garbage collection
    try:
        times = time_round_robin(steps, warmup, repeat, errors, clock)
    finally:
        gc.unfreeze()
    scale = (1e6 / wl.n_ops) if wl.unit == "us/op" else 1e3
    for name, msg in errors.items():
        status[name] = {"status": "failed", "note": msg}
    for name, samples in times.items():
        status[name].update(_stats(samples, scale))
    res = {"impls": status}
    if wl.extras is not None:
        res["extras"] = wl.extras()
    return res


# ---------------------------------------------------------------- ratios and the table
def judge(wl: Any, res: dict) -> None:
    impls = res["impls"]
    med = {n: impls[n].get("median") for n in IMPLS if n in impls}
    sg = med.get("scratchgrad")
    ratios = {}
    for other in ("torch", "floor"):
        if sg is not None and med.get(other):
            ratios[other] = sg / med[other]
    res["ratios"] = ratios
    against, limit = wl.target
    r = ratios.get(against)
    status = "n/a" if r is None else ("PASS" if r <= limit else "MISS")
    if wl.key == "W6" and r is not None and not impls["scratchgrad"].get("flat", False):
        status = "MISS"
    res["target"] = {"against": against, "max_ratio": limit, "status": status}


def _cell(entry: dict | None, unit: str) -> str:
    if entry is None:
        return "-"
    if entry.get("status") != "ok" or entry.get("median") is None:
        return entry.get("status", "-")
    digits = 1 if unit == "MB" else (2 if entry["median"] < 100 else 0)
    s = f"{entry['median']:.{digits}f}"
    if "iqr" in entry:
        s += f" ±{entry['iqr'] / 2:.{digits}f}"
    if unit == "MB":
        s += " flat" if entry.get("flat") else f" +{entry.get('growth', 0):.1f}"
    return s


def table_rows(workloads: dict, results: dict) -> list[list[str]]:
    rows = [["", "workload", "unit", "scratchgrad", "PyTorch", "floor", "sg/PyTorch",
             "sg/floor", "target", ""]]
    for key, res in results.items():
        wl = workloads[key]
        impls, ratios, tgt = res["impls"], res["ratios"], res["target"]
        rows.append([
            key, wl.title, wl.unit,
            *(_cell(impls.get(n), wl.unit) for n in IMPLS),
            *(f"{ratios[o]:.2f}x" if o in ratios else "-" for o in ("torch", "floor")),
            f"<= {tgt['max_ratio']:.2f}x {LABEL[tgt['against']]}", tgt["status"],
        ])
    return rows


def format_text(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def format_markdown(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def notes(results: dict) -> list[str]:
    out = []
    for key, res in results.items():
        for name, entry in res["impls"].items():
            if entry.get("status") != "ok":
                out.append(f"{key} {LABEL[name]}: {entry['status']}: {entry.get('note', '')}")
        for k, v in res.get("extras", {}).items():
            out.append(f"{key} {k}: {v:.3f}")
        if key == "W6":
            for name, entry in res["impls"].items():
                if entry.get("status") == "ok":
                    out.append(f"W6 {LABEL[name]}: peak {entry['median']:.1f} MB "
                               f"({entry['metric']}), RSS peak {entry['rss_peak']:.1f} MB, "
                               f"live memory +{entry['growth']:.2f} MB over {entry['steps']} steps")
    return out


# ---------------------------------------------------------------- machine and output
def machine_info(torch: Any, threads: int) -> dict:
    import numpy as np

    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")),
                       cpu)
    except OSError:
        pass
    info: dict = {"cpu": cpu, "cores": os.cpu_count(), "threads": threads,
                  "platform": platform.platform(), "python": platform.python_version(),
                  "numpy": np.__version__, "torch": getattr(torch, "__version__", None)}
    try:
        from threadpoolctl import threadpool_info

        info["blas"] = [{k: d.get(k) for k in ("internal_api", "version", "num_threads",
                                               "threading_layer", "architecture")}
                        for d in threadpool_info()]
    except ImportError:
        blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
        info["blas"] = [{"internal_api": blas.get("name"), "version": blas.get("version")}]
    if torch is not None:
        info["torch_threads"] = torch.get_num_threads()
    if hasattr(os, "getloadavg"):
        info["loadavg_start"] = os.getloadavg()[0]
    try:
        git = ["git", "-C", str(ROOT)]
        info["commit"] = subprocess.run(git + ["rev-parse", "--short", "HEAD"],
                                        capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(git + ["status", "--porcelain", "--", "autograd", "nn", "optim"],
                               capture_output=True, text=True).stdout.strip()
        info["engine_dirty"] = bool(dirty)
    except OSError:
        pass
    return info


def machine_line(m: dict) -> str:
    blas = ", ".join(f"{b.get('internal_api')} {b.get('version')} ({b.get('num_threads')} thr)"
                     for b in m.get("blas", []))
    return (f"{m['cpu']}, {m['cores']} cores, {m['threads']} threads; Python {m['python']}, "
            f"numpy {m['numpy']}, PyTorch {m['torch'] or 'absent'}; BLAS: {blas}; "
            f"commit {m.get('commit', '?')}"
            f"{' + uncommitted engine changes' if m.get('engine_dirty') else ''}; "
            f"load average {m.get('loadavg_start', 0):.1f}")


def save(report: dict, rows: list, note_lines: list, latest: bool) -> list[Path]:
    RESULTS.mkdir(exist_ok=True)
    stamp = report["when"].replace(":", "").replace("-", "")[:15]
    paths = [RESULTS / f"{stamp}.json"]
    text = json.dumps(report, indent=1)
    paths[0].write_text(text)
    if latest:
        (RESULTS / "latest.json").write_text(text)
        st = report["settings"]
        md = [f"# Benchmarks, {report['when'][:16]} UTC", "", machine_line(report["machine"]), "",
              f"Settings: {st['threads']} thread(s), {st['clock']} clock, W6 over "
              f"{st['w6_steps']} steps. Reproduce: `{st['command']}`", "",
              format_markdown(rows), "", "Medians ± half the inter-quartile range; W4 in "
              "microseconds per op; W6 in MB (tracemalloc for the numpy-based, RSS for PyTorch).",
              ""] + [f"- {n}" for n in note_lines]
        (RESULTS / "latest.md").write_text("\n".join(md) + "\n")
        paths += [RESULTS / "latest.json", RESULTS / "latest.md"]
    return paths


# ---------------------------------------------------------------- profile
def profile(key: str, env: Any, repeat: int, cpu: bool) -> None:
    import cProfile
    import pstats

    from benchmarks.workloads import WORKLOADS

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
def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    threads = args.threads or os.cpu_count() or 1
    if args.threads:  # must happen before numpy loads its BLAS
        for var in THREAD_VARS:
            os.environ[var] = str(args.threads)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import numpy  # noqa: F401  (loads BLAS under the thread settings above)

    try:
        import torch

        torch.set_num_threads(threads)
    except ImportError:
        torch = None
        print("note: PyTorch is not installed; its column is skipped "
              "(pip install torch==2.13.0)")
    try:
        from threadpoolctl import threadpool_limits

        limiter = threadpool_limits(threads)  # noqa: F841  (kept for the whole run)
    except ImportError:
        pass

    from benchmarks.memory import memory_child, run_memory
    from benchmarks.workloads import WORKLOADS

    env = SimpleNamespace(torch=torch, seed=0, quick=args.quick)
    if args.memory_child:
        name = args.memory_child
        entry = memory_child(lambda: build_impls(WORKLOADS["W6"], env, (name,)), name, args.steps)
        print(json.dumps(entry))
        return 0
    if args.profile:
        profile(args.profile.upper(), env, args.repeat or 20, args.clock == "cpu")
        return 0
    keys = [k.strip().upper() for k in args.only.split(",")] if args.only else list(WORKLOADS)
    unknown = [k for k in keys if k not in WORKLOADS]
    if unknown:
        print(f"unknown workload(s) {unknown}; choose from {list(WORKLOADS)}", file=sys.stderr)
        return 2
    w6_steps = args.steps or (100 if args.quick else 1000)
    machine = machine_info(torch, threads)
    print(machine_line(machine), flush=True)
    if machine.get("loadavg_start", 0) > (os.cpu_count() or 1) - 0.5:
        print(f"warning: load average {machine['loadavg_start']:.1f} on {os.cpu_count()} cores: "
              "other processes compete for the CPU and the times (multi-threaded BLAS above "
              "all) will be noisy; ratios in one run are less affected", flush=True)
    results: dict = {}
    for key in keys:
        wl = WORKLOADS[key]
        t0 = time.perf_counter()
        res = run_memory(IMPLS, threads, w6_steps) if key == "W6" else run_timed(wl, env, args)
        judge(wl, res)
        results[key] = res
        print(f"{key} done in {time.perf_counter() - t0:.1f} s: "
              + ", ".join(f"{LABEL[n]} {_cell(e, wl.unit)}" for n, e in res["impls"].items()),
              flush=True)
    if hasattr(os, "getloadavg"):
        machine["loadavg_end"] = os.getloadavg()[0]
    rows = table_rows(WORKLOADS, results)
    note_lines = notes(results)
    print()
    print(format_text(rows))
    for n in note_lines:
        print("  " + n)
    report = {"schema": 1, "when": datetime.datetime.now(datetime.timezone.utc).isoformat(),
              "machine": machine,
              "settings": {"quick": args.quick, "repeat": args.repeat, "clock": args.clock,
                           "gc_freeze": not args.no_freeze,
                           "only": args.only, "threads": threads,
                           "w6_steps": w6_steps,
                           "command": "python -m benchmarks " + " ".join(argv or sys.argv[1:])},
              "workloads": {k: {"title": WORKLOADS[k].title, "unit": WORKLOADS[k].unit, **r}
                            for k, r in results.items()}}
    if not args.no_save:
        latest = not args.only and not args.quick
        for p in save(report, rows, note_lines, latest):
            print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
