"""Default BLAS threads vs the best setting, on plain user scripts, idle and with a core busy.

Usage:
    python -m benchmarks.threads                  # both scripts, idle and busy, 3 rounds
    python -m benchmarks.threads --rounds 1 --steps 10

A new user does not set ``OPENBLAS_NUM_THREADS``. Each script below is what such a
user writes (scratchgrad's ``nn`` and ``optim``, nothing about threads); it runs in a
fresh process under three environments: no thread variables at all (the default),
``OPENBLAS_NUM_THREADS=1`` and ``OPENBLAS_NUM_THREADS=<cores>``. The "busy" runs
start one bounded busy loop (one core's worth of other work, as on a shared
machine) for the whole busy phase, wait up to a minute for the load average to show it
(scratchgrad's thread policy reads the load average), and stop it afterwards. The
figure is the median step time; the check is default / best-of-the-settings, goal
<= 1.3. "idle" means no load of ours: on a shared machine other users' work counts.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "GOTO_NUM_THREADS")
GOAL = 1.3
SCRIPTS = ("digits_mlp", "mnist_mlp", "lenet")


# ---------------------------------------------------------------- the user scripts (child side)
def digits_mlp() -> Callable[[], Any]:
    """An MLP 64-256-256-10 trained on scikit-learn's digits, batch 64, Adam."""
    import autograd as ag
    import nn
    import nn.functional as F
    import optim

    X, y = nn.datasets.digits()  # (1797, 64), (1797,)
    model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                          nn.Linear(256, 10))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    batches = [(ag.tensor(X[s:s + 64]), ag.tensor(y[s:s + 64])) for s in range(0, 1792, 64)]
    state = {"k": 0}

    def step() -> None:
        xb, yb = batches[state["k"] % len(batches)]
        state["k"] += 1
        opt.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        opt.step()

    return step


def mnist_mlp() -> Callable[[], Any]:
    """An MLP 784-512-256-10 training step on a batch of 128 MNIST-sized rows, SGD."""
    import numpy as np

    import autograd as ag
    import nn
    import nn.functional as F
    import optim

    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal((128, 784)).astype(np.float32))  # (N, 784)
    y = ag.tensor(rng.integers(0, 10, 128))
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                          nn.Linear(256, 10))
    opt = optim.SGD(model.parameters(), lr=0.01)

    def step() -> None:
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    return step


def lenet() -> Callable[[], Any]:
    """A LeNet-5 training step on a batch of 64 MNIST-sized images, SGD."""
    import numpy as np

    import autograd as ag
    import nn
    import nn.functional as F
    import optim

    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal((64, 1, 28, 28)).astype(np.float32))  # (N, 1, 28, 28)
    y = ag.tensor(rng.integers(0, 10, 64))
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),  # (N, 6, 14, 14)
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),  # (N, 400)
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    opt = optim.SGD(model.parameters(), lr=0.01)

    def step() -> None:
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    return step


def child(name: str, steps: int) -> dict:
    step = {"digits_mlp": digits_mlp, "mnist_mlp": mnist_mlp, "lenet": lenet}[name]()
    for _ in range(3):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return {"median_ms": statistics.median(times) * 1e3}


# ---------------------------------------------------------------- the parent
def environment(setting: str) -> dict:
    """The child's environment: ``default`` has no thread variables; else all set to it."""
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
    if setting != "default":
        env["OPENBLAS_NUM_THREADS"] = setting
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_child(name: str, setting: str, steps: int) -> float:
    cmd = [sys.executable, "-m", "benchmarks.threads", "--child", name, "--steps", str(steps)]
    proc = subprocess.run(cmd, cwd=ROOT, env=environment(setting), capture_output=True,
                          text=True, timeout=600)
    if proc.returncode:
        raise RuntimeError(f"{name} under {setting}: {proc.stderr.strip()[-400:]}")
    return float(json.loads(proc.stdout.strip().splitlines()[-1])["median_ms"])


class BusyCore:
    """One busy loop in a child process, bounded by ``limit`` seconds, stopped on exit."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "BusyCore":
        code = f"import time\nend = time.time() + {self.limit}\nwhile time.time() < end: pass\n"
        self.proc = subprocess.Popen([sys.executable, "-c", code])
        time.sleep(0.2)
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()


def wait_for_load(level: float, limit: float = 60.0) -> None:
    end = time.monotonic() + limit
    while os.getloadavg()[0] < level and time.monotonic() < end:
        time.sleep(1.0)


def measure(scripts: tuple, settings: list[str], rounds: int, steps: int
            ) -> dict[str, dict[str, float]]:
    """Median over ``rounds`` of each script's median step time under each setting; the
    settings alternate within a round so drift hits them alike."""
    out: dict[str, dict[str, list[float]]] = {s: {k: [] for k in settings} for s in scripts}
    for r in range(rounds):
        for name in scripts:
            order = settings[r % len(settings):] + settings[:r % len(settings)]
            for setting in order:
                out[name][setting].append(run_child(name, setting, steps))
    return {n: {k: statistics.median(v) for k, v in d.items()} for n, d in out.items()}


def report(results: dict, settings: list[str]) -> tuple[list[str], bool]:
    lines = [f"{'script':12s} {'machine':6s} " + " ".join(f"{s:>10s}" for s in settings)
             + "  default/best"]
    ok = True
    for (name, load), res in results.items():
        best = min(v for k, v in res.items() if k != "default")
        ratio = res["default"] / best
        ok &= ratio <= GOAL
        lines.append(f"{name:12s} {load:6s} " + " ".join(f"{res[s]:8.2f}ms" for s in settings)
                     + f"  {ratio:5.2f}x {'PASS' if ratio <= GOAL else 'MISS'}")
    return lines, ok


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.threads",
                                description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", type=int, default=30, help="timed steps per child")
    p.add_argument("--only", help="comma-separated scripts: " + ",".join(SCRIPTS))
    p.add_argument("--load", choices=("idle", "busy", "both"), default="both")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.steps)))
        return 0
    scripts = tuple(args.only.split(",")) if args.only else SCRIPTS
    cores = os.cpu_count() or 1
    settings = ["default", "1"] + ([str(cores)] if cores > 1 else [])
    loads = ["idle", "busy"] if args.load == "both" else [args.load]
    header = [f"{cores} cores; load average {os.getloadavg()[0]:.1f}; settings: no variables "
              f"(default), OPENBLAS_NUM_THREADS={', '.join(settings[1:])}"]
    print(header[0], flush=True)
    results = {}
    for load in loads:
        if load == "busy":
            with BusyCore(limit=1200):
                wait_for_load(cores - 0.5)
                header.append(f"busy phase: load average {os.getloadavg()[0]:.1f}")
                print(header[-1], flush=True)
                res = measure(scripts, settings, args.rounds, args.steps)
        else:
            header.append(f"idle phase: load average {os.getloadavg()[0]:.1f}")
            print(header[-1], flush=True)
            res = measure(scripts, settings, args.rounds, args.steps)
        for name, r in res.items():
            results[(name, load)] = r
    lines, ok = report(results, settings)
    lines.append(f"load average at the end {os.getloadavg()[0]:.1f}; goal default/best <= "
                 f"{GOAL}: " + ("PASS" if ok else "MISS"))
    print("\n".join(lines))
    if not args.only and args.load == "both":
        out = Path(__file__).resolve().parent / "results" / "threads.md"
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        out.write_text(f"# BLAS threads: default vs best setting, {when}\n\n"
                       f"`python -m benchmarks.threads --rounds {args.rounds} --steps "
                       f"{args.steps}`; median step times. \"idle\" is without a busy loop of "
                       "ours; the "
                       "load averages say what else ran.\n\n```\n" + "\n".join(header + lines)
                       + "\n```\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
