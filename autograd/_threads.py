"""BLAS threads chosen per product: small and medium products run on one thread.

A multi-threaded BLAS wakes and synchronises its threads on every call. For the
products of small models (a LeNet step, an MLP on digits) that costs more than the
arithmetic, and on a machine whose other cores are busy a waiting thread can make a
step several times slower: measured on 2 cores, a LeNet step with OpenBLAS's default 2
threads took 1.4-6x as long as with one, an MLP step on MNIST-sized rows 10x as long
on a loaded machine (``python -m benchmarks.threads``). So :func:`matmul` runs a
product on one BLAS thread when its size per matrix multiply ``m * k * n`` is below
:data:`THREADED_WORK`, or when the machine is busy (the 1-minute load average, read
at most once a second, at or above the number of usable cores minus a half); only a
big product on an idle machine, where a second thread halves the time, keeps the
library's own setting.

It never overrides a choice the user made: when any of the usual thread variables
(``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ...) is set, or the thread count of
the BLAS differs from what it was when this module first looked (a
``threadpoolctl.threadpool_limits`` the user applied, before or after), products run
as numpy runs them. Without threadpoolctl installed it does nothing either.
"""
from __future__ import annotations

import os
import time
from typing import Any

import numpy as np

# Products of fewer multiply-adds run on one thread inside OpenBLAS anyway (its
# thresholds: 65536 * 4 for a matrix-matrix product, 2304 * 4 for a matrix-vector one):
# no call is made for them.
SINGLE_WORK = 65536 * 4
SINGLE_WORK_GEMV = 2304 * 4
# From about this many multiply-adds (~0.5 ms on one core) a second thread pays for
# its wake-up and synchronisation even when the other core is busy.
THREADED_WORK = 1 << 25
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "BLIS_NUM_THREADS", "GOTO_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")

BUSY_MARGIN = 0.5  # busy when the load average >= usable cores - BUSY_MARGIN

_libs: list | None = None  # [(controller, threads it had at first look)], set on first use
_load = {"checked": -1.0, "busy": False}
try:
    _CORES = len(os.sched_getaffinity(0))
except (AttributeError, OSError):  # not on Linux
    _CORES = os.cpu_count() or 1


def busy() -> bool:
    """Whether other work keeps this machine's cores occupied (re-read at most once a second).

    Example:
        >>> isinstance(busy(), bool)
        True
    """
    now = time.monotonic()
    if now - _load["checked"] >= 1.0:
        _load["checked"] = now
        try:
            _load["busy"] = os.getloadavg()[0] >= _CORES - BUSY_MARGIN
        except (AttributeError, OSError):
            _load["busy"] = False
    return bool(_load["busy"])


def _find_libs() -> list:
    """The BLAS libraries whose threads this module may lower, with their thread counts."""
    if any(os.environ.get(v) for v in THREAD_VARS):
        return []
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return []
    try:
        blas = ThreadpoolController().select(user_api="blas").lib_controllers
    except Exception:  # an unknown library layout: stay out of the way
        return []
    return [(lib, n) for lib in blas if (n := lib.get_num_threads()) and n > 1]


def active() -> bool:
    """Whether small products are being moved to one BLAS thread in this process.

    Example:
        >>> import autograd._threads as th
        >>> isinstance(th.active(), bool)
        True
    """
    global _libs
    if _libs is None:
        _libs = _find_libs()
    return bool(_libs)


def matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> Any:
    """``np.matmul(a, b, out=out)``, on one BLAS thread when the product is small or the
    machine busy.

    Args:
        a, b: arrays as for :func:`numpy.matmul`.
        out: optional output array, as for :func:`numpy.matmul`.

    Shape:
        a (..., m, k), b (..., k, n) -> (..., m, n); the size that decides is
        ``m * k * n`` of one matrix product (batched products are separate calls).

    Returns:
        The product, as :func:`numpy.matmul` returns it.

    Example:
        >>> import numpy as np
        >>> matmul(np.ones((2, 3)), np.ones((3, 4))).shape
        (2, 4)
    """
    m = a.shape[-2] if a.ndim > 1 else 1
    n = b.shape[-1] if b.ndim > 1 else 1
    work = m * a.shape[-1] * n
    if (work < (SINGLE_WORK if m > 1 and n > 1 else SINGLE_WORK_GEMV)
            or not (_libs or (_libs is None and active()))):
        return np.matmul(a, b, out=out)
    if work >= THREADED_WORK and not busy():
        return np.matmul(a, b, out=out)
    assert _libs is not None
    lowered = []
    try:
        for lib, n in _libs:
            if lib.get_num_threads() == n:  # a count the user changed is theirs
                lib.set_num_threads(1)
                lowered.append((lib, n))
        return np.matmul(a, b, out=out)
    finally:
        for lib, n in lowered:
            lib.set_num_threads(n)
