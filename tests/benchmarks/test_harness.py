"""The benchmark harness flags a figure that disagrees with its standalone run (fake timings).

No timing is asserted here: the tests feed the check made-up figures and look at
its verdict, the lines it prints and the exit status of a whole run.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root holds benchmarks/

from benchmarks import alone, report, run  # noqa: E402
from benchmarks.workloads import WORKLOADS  # noqa: E402


@pytest.mark.parametrize("table, alone_ms, ok", [
    (10.0, 10.0, True), (10.0, 11.9, True), (11.9, 10.0, True),
    (10.0, 12.1, False), (12.1, 10.0, False), (5.0, 15.0, False)])
def test_agreement_within_twenty_percent(table: float, alone_ms: float, ok: bool) -> None:
    got = alone.agreement(table, alone_ms)
    assert got["ok"] is ok
    assert got["ratio"] == pytest.approx(table / alone_ms)


def test_agreement_rejects_a_missing_time() -> None:
    with pytest.raises(ValueError, match="agreement"):
        alone.agreement(0.0, 3.0)


def fake_results() -> dict:
    impls = {n: {"status": "ok", "median": m} for n, m in
             (("scratchgrad", 6.0), ("torch", 5.0), ("floor", 4.0))}
    return {"W1": {"impls": impls}}


def test_check_all_flags_the_contender_whose_alone_time_differs() -> None:
    alone_times = {"scratchgrad": 6.3, "torch": 9.0, "floor": 4.1}  # PyTorch: 5 vs 9 ms

    def fake_run(key: str, name: str) -> dict:
        return {"status": "ok", "median": alone_times[name]}

    rows = alone.check_all(fake_results(), WORKLOADS, fake_run)
    verdict = {r["impl"]: r["ok"] for r in rows}
    assert verdict == {"scratchgrad": True, "torch": False, "floor": True}
    lines = alone.format_checks(rows, report.LABEL, {"W1": "ms"})
    assert [ln.split()[0] for ln in lines] == ["ok", "FAIL", "ok"]
    assert "PyTorch" in lines[1] and "ratio 0.56" in lines[1]


def test_a_failed_standalone_run_fails_the_check() -> None:
    rows = alone.check_all(fake_results(), WORKLOADS,
                           lambda key, name: {"status": "failed", "note": "boom"})
    assert rows and not any(r["ok"] for r in rows)
    assert all(ln.startswith("FAIL") for ln in
               alone.format_checks(rows, report.LABEL, {"W1": "ms"}))


@pytest.mark.parametrize("torch_alone, status", [(5.2, 0), (9.0, 1)])
def test_a_run_exits_non_zero_when_a_figure_disagrees(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture,
        torch_alone: float, status: int) -> None:
    monkeypatch.setattr(run, "run_table", lambda key, wl, args, threads: fake_results()["W1"])
    alone_times = {"scratchgrad": 6.1, "torch": torch_alone, "floor": 4.0}
    monkeypatch.setattr(alone, "run_alone", lambda key, name, *a: {
        "status": "ok", "median": alone_times[name]})
    args = run.parse_args(["--only", "W1", "--no-save"])
    assert run.run_all(args, ["W1"], None, 1, None, {}) == status
    out = capsys.readouterr().out
    assert ("agreement: FAIL" in out) is bool(status)
    assert "W1" in out and "goal" in out


def test_the_table_marks_each_goal() -> None:
    res = fake_results()["W1"]
    report.judge(WORKLOADS["W2"], res)  # goals: <= 1.2x floor and <= 1.5x PyTorch
    # 6/4 = 1.5 against the floor misses, 6/5 = 1.2 against PyTorch passes
    assert [g["status"] for g in res["goals"]] == ["MISS", "PASS"]
    row = report.table_rows({"W1": WORKLOADS["W2"]}, {"W1": res})[1]
    assert row[-1] == "MISS, PASS" and row[6] == "1.20x" and row[7] == "1.50x"
