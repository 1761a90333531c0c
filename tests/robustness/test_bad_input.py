"""Bad input to every public op gets a clear error naming the op and the bad values.

The cases come from the op tables (``tests/autograd/opspec.py``): each row's
``bad`` entries draw one kind of mistake with hypothesis (shapes, dims, sizes)
and say which op the message must name and which shapes or values it must
show; ``check_clear_error`` (in ``bad_input_helpers``) is the oracle.
Factories, dtypes and backward get the same check. NaN, inf and empty
tensors must not crash any registered op (each row's ``nan`` entry says how
to call it), and NaN must reach the output. The layers and losses are in
``test_bad_input_layers.py``.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
from tests.autograd.opspec import Nan, all_rows
from tests.robustness.bad_input_helpers import SETTINGS, TRIED, check_clear_error, shapes, t

ROWS = all_rows()
OP_CASES: list[tuple[str, Callable]] = [(f"{row.name}-{kind}", build(row.name))
                                        for row in ROWS for kind, build in row.bad]

# Cases that show a bug in the library; each reason says where and what.
OP_BUGS: dict = {}  # case name -> reason, for a case that shows a library bug


def _params(cases: list, bugs: dict) -> list:
    return [pytest.param(case, id=name, marks=[pytest.mark.xfail(strict=True, reason=bugs[name])]
                         if name in bugs else []) for name, case in cases]


@pytest.mark.parametrize("case", _params(OP_CASES, OP_BUGS))
@SETTINGS
@given(data=st.data())
def test_op_bad_input_raises_clear_error(case, data):
    thunk, name, needles = case(data)
    check_clear_error(thunk, name, needles)


def test_every_registered_op_has_a_bad_input_case():
    covered = {name.split("-")[0] for name, _ in OP_CASES}
    missing = set(ag.REGISTRY) - covered
    # no caller-fixable argument beyond the input itself: covered by the non-Tensor test below
    assert missing <= set(NOT_A_TENSOR), f"ops without a bad-input case: {sorted(missing)}"


# ------------------------------------------------- non-Tensor input to one-input ops
NOT_A_TENSOR = {row.name: row.non_tensor for row in ROWS if row.non_tensor is not None}


@pytest.mark.parametrize("op", list(NOT_A_TENSOR))
def test_one_input_op_refuses_non_tensor(op):
    args = NOT_A_TENSOR[op]
    for value in (None, "abc", object()):
        check_clear_error(lambda: ag.REGISTRY[op](value, *args), op,  # noqa: B023
                          (type(value).__name__,))


# ------------------------------------------------- dtypes, factories and backward
@SETTINGS
@given(dtype=st.sampled_from([np.int8, np.int32, np.int64, np.uint8, np.bool_]),
       shape=st.lists(st.integers(0, 3), max_size=3).map(tuple))
def test_integer_and_bool_tensors_cannot_require_grad(dtype, shape):
    data = np.zeros(shape, dtype)
    check_clear_error(lambda: ag.tensor(data, requires_grad=True), "Tensor",
                      (np.dtype(dtype).name,))
    check_clear_error(lambda: ag.tensor(data).requires_grad_(), "requires_grad_",
                      (np.dtype(dtype).name,))
    check_clear_error(lambda: nn.Parameter(ag.tensor(data)), "Tensor", (np.dtype(dtype).name,))


def test_object_arrays_do_not_become_tensors():
    check_clear_error(lambda: ag.tensor("abc"), "tensor", ("str",))


def test_object_dtype_array_is_refused():
    check_clear_error(lambda: ag.tensor(np.array([object()])), "tensor", ("object",))


FACTORIES = {"zeros": ag.zeros, "ones": ag.ones, "randn": ag.randn, "rand": ag.rand,
             "full": lambda *s: ag.full(s, 1.0)}


@pytest.mark.parametrize("op", list(FACTORIES))
@SETTINGS
@given(data=st.data())
def test_factory_negative_size(op, data):
    shape = data.draw(shapes)
    bad = shape + (data.draw(st.integers(-5, -1)),)
    check_clear_error(lambda: FACTORIES[op](*bad), op, (bad[-1],))


def test_eye_negative_size():
    check_clear_error(lambda: ag.eye(-1), "eye", ("-1",))


def test_arange_zero_step():
    check_clear_error(lambda: ag.arange(0, 5, 0), "arange", ("step",))


@SETTINGS
@given(shape=shapes)
def test_backward_errors(shape):
    x = t(*shape)
    check_clear_error(lambda: (x * 2).backward(), "backward", (shape,))
    wrong = shape + (1,)
    check_clear_error(lambda: (x * 2).backward(ag.ones(*wrong)), "backward", (wrong, shape))
    y = (x * x).sum()
    y.backward()
    check_clear_error(y.backward, "retain_graph")


# ------------------------------------------------- NaN, inf and empty tensors
# op -> its row's NaN entry (the call with the drawn tensor x, the input shape)
VALUES: dict[str, Nan] = {row.name: row.nan for row in ROWS if row.nan is not None}


def test_every_registered_op_has_a_nan_row():
    assert set(ag.REGISTRY) <= set(VALUES), sorted(set(ag.REGISTRY) - set(VALUES))


def _first(out: Any) -> ag.Tensor:
    return out[0] if isinstance(out, tuple) else out


@pytest.mark.parametrize("op", sorted(VALUES))
@settings(max_examples=2, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_nan_and_inf_do_not_crash_and_nan_propagates(op, data):
    fn, shape = VALUES[op].call, VALUES[op].shape
    for special in (np.nan, np.inf, -np.inf):
        TRIED[op] += 1
        arr = np.random.default_rng(0).standard_normal(shape)
        pos = tuple(data.draw(st.integers(0, s - 1)) for s in shape)
        arr[pos] = special
        x = ag.tensor(arr, requires_grad=True)
        with np.errstate(all="ignore"):
            out = _first(fn(x))
            if special is np.nan:
                assert np.isnan(out.numpy()).any(), f"{op}: NaN input gave {out.numpy()}"
            out.backward(ag.tensor(np.ones(out.shape)))
        assert x.grad is not None and x.grad.shape == x.shape


ELEMENTWISE = [op for op, row in VALUES.items() if row.in_place]


@pytest.mark.parametrize("op", ELEMENTWISE)
def test_nan_stays_in_place_elementwise(op):
    fn, shape = VALUES[op].call, VALUES[op].shape
    TRIED[op] += 1
    arr = np.random.default_rng(1).standard_normal(shape)
    arr[1, 2] = np.nan
    with np.errstate(all="ignore"):
        out = fn(ag.tensor(arr)).numpy()
    assert np.isnan(out[1, 2]), f"{op}(nan) gave {out[1, 2]}"


EMPTY_OK = [op for op in sorted(VALUES) if VALUES[op].empty is not False]


@pytest.mark.parametrize("op", EMPTY_OK)
def test_empty_tensors(op):
    """A zero-size batch flows forward and backward with the right shapes."""
    row = VALUES[op]
    fn = row.empty if callable(row.empty) else row.call
    TRIED[op] += 1
    empty = (0,) + row.shape[1:]
    x = ag.tensor(np.zeros(empty), requires_grad=True)
    with np.errstate(all="ignore"):
        out = _first(fn(x))
        out.backward(ag.tensor(np.ones(out.shape)))
    assert x.grad.shape == empty


@pytest.mark.parametrize("op", ["max", "min"])
def test_empty_max_min_raise(op):
    check_clear_error(lambda: ag.REGISTRY[op](ag.tensor(np.zeros((0, 3)))), op, ((0, 3),))
