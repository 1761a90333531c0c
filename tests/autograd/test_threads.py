"""The BLAS thread policy: small products on one thread, the user's own settings untouched."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import autograd._threads as th

ROOT = Path(__file__).resolve().parents[2]


class FakeBlas:
    """A BLAS controller that records every thread count it was given."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.calls: list[int] = []

    def get_num_threads(self) -> int:
        return self.threads

    def set_num_threads(self, n: int) -> None:
        self.calls.append(n)
        self.threads = n


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeBlas:
    """A 4-thread BLAS the policy found at first look, on an idle machine; products record
    the thread count they ran at."""
    lib = FakeBlas(4)
    monkeypatch.setattr(th, "_libs", [(lib, 4)])
    monkeypatch.setattr(th, "busy", lambda: False)
    seen = lib.seen = []  # type: ignore[attr-defined]
    real = np.matmul

    def spy(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        seen.append(lib.threads)
        return real(a, b, out=out)

    monkeypatch.setattr(th.np, "matmul", spy)
    return lib


def medium() -> tuple[np.ndarray, np.ndarray]:
    return np.ones((64, 128)), np.ones((128, 64))  # 524,288 multiply-adds


def test_medium_product_runs_on_one_thread_and_restores(fake: FakeBlas) -> None:
    a, b = medium()
    np.testing.assert_array_equal(th.matmul(a, b), np.full((64, 64), 128.0))
    assert fake.seen == [1]  # type: ignore[attr-defined]
    assert fake.calls == [1, 4] and fake.threads == 4


@pytest.mark.parametrize("shapes", [
    ((4, 8), (8, 4)), ((8,), (8,)), ((32, 64), (64, 64)),  # OpenBLAS runs these on one thread
    ((2048, 2048), (2048, 16))])  # big enough for two
def test_small_and_big_products_keep_the_library_setting(fake: FakeBlas, shapes: tuple) -> None:
    a, b = (np.ones(s, np.float32) for s in shapes)
    th.matmul(a, b)
    assert fake.calls == [] and fake.seen == [4]  # type: ignore[attr-defined]


def test_big_products_run_on_one_thread_when_the_machine_is_busy(
        fake: FakeBlas, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(th, "busy", lambda: True)
    th.matmul(np.ones((2048, 2048), np.float32), np.ones((2048, 16), np.float32))
    assert fake.seen == [1] and fake.calls == [1, 4]  # type: ignore[attr-defined]


@pytest.mark.parametrize("load, is_busy", [(0.9, False), (1.49, False), (1.5, True), (7.0, True)])
def test_busy_reads_the_load_average_against_the_cores(
        monkeypatch: pytest.MonkeyPatch, load: float, is_busy: bool) -> None:
    monkeypatch.setattr(th, "_CORES", 2)
    monkeypatch.setattr(th, "_load", {"checked": -1e9, "busy": not is_busy})
    monkeypatch.setattr(th.os, "getloadavg", lambda: (load, load, load))
    assert th.busy() is is_busy
    monkeypatch.setattr(th.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert th.busy() is is_busy  # read at most once a second


def test_a_count_the_user_changed_is_left_alone(fake: FakeBlas) -> None:
    fake.threads = 2  # e.g. threadpool_limits(2) after the policy first looked
    th.matmul(*medium())
    assert fake.calls == [] and fake.seen == [2]  # type: ignore[attr-defined]


def test_a_matrix_vector_product_has_its_own_threshold(fake: FakeBlas) -> None:
    th.matmul(np.ones((128, 128)), np.ones(128))  # 16,384 multiply-adds: gemv threads them
    assert fake.seen == [1]  # type: ignore[attr-defined]


def test_batched_product_with_out_is_decided_per_matrix(fake: FakeBlas) -> None:
    a, b = np.ones((3, 64, 128)), np.ones((128, 64))
    out = np.empty((3, 64, 64))
    assert th.matmul(a, b, out=out) is out
    np.testing.assert_array_equal(out, np.full((3, 64, 64), 128.0))
    assert fake.seen == [1] and fake.threads == 4  # type: ignore[attr-defined]


def test_threads_are_restored_when_the_product_fails(fake: FakeBlas) -> None:
    with pytest.raises(ValueError):
        th.matmul(np.ones((2, 64, 128)), np.ones((3, 128, 64)))  # batch dims 2 vs 3
    assert fake.calls == [1, 4] and fake.threads == 4


@pytest.mark.parametrize("var", ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"])
def test_an_environment_setting_turns_the_policy_off(monkeypatch: pytest.MonkeyPatch,
                                                     var: str) -> None:
    monkeypatch.setenv(var, "2")
    assert th._find_libs() == []


def test_matmul_equals_numpy_for_numpy_shapes() -> None:
    rng = np.random.default_rng(0)
    for sa, sb in [((5,), (5,)), ((3, 5), (5,)), ((5,), (5, 2)), ((2, 3, 5), (5, 4)),
                   ((2, 1, 3, 5), (4, 5, 2))]:
        a, b = rng.standard_normal(sa), rng.standard_normal(sb)
        np.testing.assert_allclose(th.matmul(a, b), np.matmul(a, b), rtol=1e-12)


def _run(code: str, env: dict) -> str:
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


CHILD = """
import numpy as np
import autograd._threads as th
from threadpoolctl import threadpool_limits
print(th.active())
with threadpool_limits(limits=1, user_api="blas"):
    pass
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="a BLAS on one core has no threads to lower")
def test_a_fresh_process_without_settings_is_active_and_with_them_is_not() -> None:
    pytest.importorskip("threadpoolctl")
    clean = {k: v for k, v in os.environ.items() if k not in th.THREAD_VARS}
    assert _run(CHILD, clean) == "True"
    assert _run(CHILD, {**clean, "OPENBLAS_NUM_THREADS": "2"}) == "False"
