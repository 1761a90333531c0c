"""The order in which C++'s ``std::sort`` (the GNU library's introsort) leaves equal keys.

PyTorch's CPU ``mode`` sorts ``(value, index)`` pairs by value with ``std::sort`` and reports
the index of the last pair of the most frequent run, so which of several equal values it names
depends on that (unstable) sort: up to 16 elements it is an insertion sort (stable), beyond it
a median-of-three quicksort finished by insertion sort, with a heap sort where the recursion
gets too deep. This module follows those steps on a Python list so ``mode`` can report the same
index; ``torch.sort`` without ``stable=True`` sorts the same way (with NaN last), which decides
which of several equal elements a quantile's gradient reaches. Comparisons are ``a < b`` on
the keys, so NaN compares false both ways, as in C++.
"""
from __future__ import annotations

from typing import Any

import numpy as np

_THRESHOLD = 16  # below this many elements introsort leaves the range to insertion sort
#: rows longer than this keep numpy's stable order in :func:`torch_sort_order`
EXACT_LIMIT = 100_000


def std_sort(items: list) -> list:
    """``items`` (pairs ``(key, payload)``) in the order ``std::sort`` by key leaves them.

    Example:
        >>> [p for _, p in std_sort([(2.0, 0), (1.0, 1), (2.0, 2)])]
        [1, 0, 2]
    """
    a = list(items)
    n = len(a)
    if n > 1:
        _introsort_loop(a, 0, n, 2 * (n.bit_length() - 1))
        _final_insertion_sort(a, 0, n)
    return a


def _less(x: Any, y: Any) -> bool:
    return bool(x[0] < y[0])


def _introsort_loop(a: list, first: int, last: int, depth: int) -> None:
    while last - first > _THRESHOLD:
        if depth == 0:
            _heap_sort(a, first, last)
            return
        depth -= 1
        cut = _partition_pivot(a, first, last)
        _introsort_loop(a, cut, last, depth)
        last = cut


def _partition_pivot(a: list, first: int, last: int) -> int:
    mid = first + (last - first) // 2
    _median_to_first(a, first, first + 1, mid, last - 1)
    return _unguarded_partition(a, first + 1, last, first)


def _median_to_first(a: list, result: int, i: int, j: int, k: int) -> None:
    if _less(a[i], a[j]):
        pick = j if _less(a[j], a[k]) else k if _less(a[i], a[k]) else i
    else:
        pick = i if _less(a[i], a[k]) else k if _less(a[j], a[k]) else j
    a[result], a[pick] = a[pick], a[result]


def _unguarded_partition(a: list, first: int, last: int, pivot: int) -> int:
    while True:
        while _less(a[first], a[pivot]):
            first += 1
        last -= 1
        while _less(a[pivot], a[last]):
            last -= 1
        if not first < last:
            return first
        a[first], a[last] = a[last], a[first]
        first += 1


def _final_insertion_sort(a: list, first: int, last: int) -> None:
    if last - first > _THRESHOLD:
        _insertion_sort(a, first, first + _THRESHOLD)
        for i in range(first + _THRESHOLD, last):
            _linear_insert(a, i)
    else:
        _insertion_sort(a, first, last)


def _insertion_sort(a: list, first: int, last: int) -> None:
    for i in range(first + 1, last):
        if _less(a[i], a[first]):
            a[first:i + 1] = [a[i]] + a[first:i]
        else:
            _linear_insert(a, i)


def _linear_insert(a: list, last: int) -> None:
    val = a[last]
    nxt = last - 1
    while nxt >= 0 and _less(val, a[nxt]):  # (C++ reads past the front here: undefined)
        a[last] = a[nxt]
        last, nxt = nxt, nxt - 1
    a[last] = val


def _heap_sort(a: list, first: int, last: int) -> None:
    """``std::partial_sort`` over the whole range: make a max-heap, then pop it."""
    n = last - first
    if n >= 2:
        for parent in range((n - 2) // 2, -1, -1):
            _adjust_heap(a, first, parent, n, a[first + parent])
    while last - first > 1:
        last -= 1
        val = a[last]
        a[last] = a[first]
        _adjust_heap(a, first, 0, last - first, val)


def _adjust_heap(a: list, base: int, hole: int, n: int, val: Any) -> None:
    top = hole
    child = hole
    while child < (n - 1) // 2:
        child = 2 * (child + 1)
        if _less(a[base + child], a[base + child - 1]):
            child -= 1
        a[base + hole] = a[base + child]
        hole = child
    if n % 2 == 0 and child == (n - 2) // 2:
        child = 2 * (child + 1)
        a[base + hole] = a[base + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and _less(a[base + parent], val):
        a[base + hole] = a[base + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[base + hole] = val


def torch_sort_order(arr: np.ndarray) -> np.ndarray:
    """The order ``torch.sort`` (not stable, NaN last) puts each row of ``arr`` in, along the
    last axis: numpy's stable order where it is the same (no equal values, or at most 16
    elements), ``std::sort``'s for the other rows. Following ``std::sort`` is Python work
    (about 5 s for a million elements), so rows longer than ``EXACT_LIMIT`` keep the stable
    order: the same values, with equal ones possibly in another order than PyTorch's.

    Example:
        >>> torch_sort_order(np.array([[2.0, 1.0, 2.0]])).tolist()
        [[1, 0, 2]]
    """
    order = np.argsort(arr, axis=-1, kind="stable")
    n = arr.shape[-1]
    if n <= _THRESHOLD or n > EXACT_LIMIT or arr.size == 0:
        return order
    srt = np.take_along_axis(arr, order, -1)
    same = srt[..., 1:] == srt[..., :-1]
    if arr.dtype.kind == "f":
        same |= np.isnan(srt[..., 1:]) & np.isnan(srt[..., :-1])
    flat_order, flat_arr = order.reshape(-1, n), arr.reshape(-1, n)
    for r in np.flatnonzero(same.reshape(-1, n - 1).any(1)):
        row = flat_arr[r].tolist()
        keys = [((1, 0.0) if v != v else (0, v), i) for i, v in enumerate(row)]  # NaN last
        flat_order[r] = [i for _, i in std_sort(keys)]
    return flat_order.reshape(order.shape)
