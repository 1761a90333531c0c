"""Ratios against the goals, the table (text and Markdown) and results/latest.{md,json}."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .machine import machine_line

RESULTS = Path(__file__).resolve().parent / "results"
IMPLS = ("scratchgrad", "torch", "floor")
LABEL = {"scratchgrad": "scratchgrad", "torch": "PyTorch", "floor": "floor"}


def judge(wl: Any, res: dict) -> None:
    """Add scratchgrad's ratios to PyTorch and the floor, and PASS/MISS for each goal."""
    impls = res["impls"]
    med = {n: impls[n].get("median") for n in IMPLS if n in impls}
    sg = med.get("scratchgrad")
    ratios = {o: sg / med[o] for o in ("torch", "floor") if sg is not None and med.get(o)}
    res["ratios"] = ratios
    goals = []
    for against, limit in wl.targets:
        r = ratios.get(against)
        status = "n/a" if r is None else ("PASS" if r <= limit else "MISS")
        if wl.unit == "MB" and r is not None and not impls["scratchgrad"].get("flat", False):
            status = "MISS"  # memory that grows over the steps misses whatever the peak
        goals.append({"against": against, "max_ratio": limit, "status": status})
    res["goals"] = goals


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
             "sg/floor", "goal", ""]]
    for key, res in results.items():
        wl = workloads[key]
        impls, ratios = res["impls"], res["ratios"]
        goals = res["goals"]
        rows.append([
            key, wl.title, wl.unit,
            *(_cell(impls.get(n), wl.unit) for n in IMPLS),
            *(f"{ratios[o]:.2f}x" if o in ratios else "-" for o in ("torch", "floor")),
            ", ".join(f"<= {g['max_ratio']:.2f}x {LABEL[g['against']]}" for g in goals),
            ", ".join(g["status"] for g in goals),
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
                               f"live memory {entry['growth']:+.2f} MB over {entry['steps']} steps")
    return out


def slower(results: dict, units: dict) -> list[str]:
    """Plain sentences: where scratchgrad is slower (or uses more memory) than PyTorch or
    the floor, by more than 2%."""
    out = []
    for key, res in results.items():
        what = "memory" if units[key] == "MB" else "time"
        for other in ("torch", "floor"):
            r = res["ratios"].get(other)
            if r is not None and r > 1.02:
                out.append(f"{key}: scratchgrad takes {r:.2f}x the {what} of {LABEL[other]}")
    return out


def load_warning(machine: dict) -> str | None:
    """A warning when other work kept the machine's cores busy during the run."""
    loads = [m[0] for m in (machine.get("loadavg_start"), machine.get("loadavg_end")) if m]
    cores = machine.get("cores") or 1
    if loads and max(loads) >= cores - 0.5:
        return (f"Warning: load average up to {max(loads):.1f} on {cores} cores: other work "
                "competed for the CPU and caches during this run; regenerate the table on a "
                "quiet machine before quoting it.")
    return None


def save(report: dict, rows: list, note_lines: list, check_lines: list) -> list[Path]:
    """Write results/latest.json and results/latest.md; returns the paths."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=1))
    st = report["settings"]
    warning = load_warning(report["machine"])
    md = [f"# Benchmarks, {report['when'][:16]} UTC", "", machine_line(report["machine"]), "",
          *([f"**{warning}**", ""] if warning else []),
          f"Settings: {st['clock']} clock; garbage collector enabled, setup objects frozen "
          f"out of its scans in every process; W6 over {st['w6_steps']} steps. "
          f"Reproduce: `{st['command']}`", "",
          format_markdown(rows), "",
          "Medians ± half the inter-quartile range over interleaved rounds; W4 in "
          "microseconds per op; W6 in MB (tracemalloc for the numpy-based, RSS for PyTorch).",
          "", "Where scratchgrad is slower:", ""]
    units = {k: w["unit"] for k, w in report["workloads"].items()}
    md += [f"- {s}" for s in slower(report["workloads"], units)]
    md += ["", "Notes:", ""] + [f"- {n}" for n in note_lines]
    md += ["", f"Agreement check (each contender's step alone in a fresh process, within "
           f"{st['tolerance']:.0%}): {'PASS' if st['agree'] else 'FAIL'}", "", "```"]
    md += check_lines + ["```", ""]
    (RESULTS / "latest.md").write_text("\n".join(md))
    return [RESULTS / "latest.json", RESULTS / "latest.md"]
