"""Result dtypes as PyTorch promotes them: written cases always, every pairing against torch."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import autograd as ag

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
BINARY = ["add", "sub", "mul", "div", "maximum", "minimum"]


def _operand(kind: str, dtype: str):
    """One operand of the given kind: a tensor with dims, a 0-d tensor, or a Python number."""
    if kind == "tensor":
        return ag.tensor(np.array([1, 1], dtype=dtype))
    if kind == "0-d":
        return ag.tensor(np.array(1, dtype=dtype))
    return {"bool": True, "int": 2, "float": 2.5}[kind]


# (left, right, op, expected dtype): a left/right is (kind, dtype) or a Python number kind
WRITTEN = [
    (("tensor", "int64"), "float", "add", "float32"),        # ag.tensor([1, 2]) * 2.5
    (("0-d", "int64"), "float", "add", "float32"),           # ag.tensor(1) + 0.5
    (("tensor", "int64"), ("tensor", "int64"), "div", "float32"),
    (("tensor", "int32"), ("tensor", "int32"), "div", "float32"),
    (("tensor", "bool"), ("tensor", "bool"), "div", "float32"),
    (("tensor", "float16"), "float", "mul", "float16"),      # a scalar never widens
    (("tensor", "float16"), ("0-d", "float64"), "add", "float16"),
    (("tensor", "float32"), ("0-d", "float64"), "add", "float32"),
    (("tensor", "int32"), ("0-d", "int64"), "add", "int32"),
    (("tensor", "uint8"), "int", "add", "uint8"),
    (("tensor", "int8"), ("tensor", "uint8"), "add", "int16"),
    (("tensor", "int16"), ("tensor", "float16"), "add", "float16"),
    (("tensor", "int64"), ("tensor", "float32"), "add", "float32"),
    (("tensor", "int64"), ("tensor", "float16"), "mul", "float16"),
    (("tensor", "bool"), "int", "add", "int64"),
    (("tensor", "bool"), "bool", "add", "bool"),
    (("tensor", "bool"), "float", "mul", "float32"),
    (("tensor", "bool"), ("0-d", "uint8"), "add", "uint8"),
    (("tensor", "uint8"), ("0-d", "float64"), "add", "float64"),  # a higher category: its width
    (("tensor", "float32"), ("0-d", "int64"), "add", "float32"),  # a lower category: no effect
    (("0-d", "float64"), ("0-d", "int64"), "add", "float64"),
    (("0-d", "float16"), "float", "add", "float16"),
    (("tensor", "float64"), ("tensor", "float32"), "maximum", "float64"),
    (("tensor", "int8"), "int", "minimum", "int8"),
]


def _build(side):
    return _operand(side[0], side[1]) if isinstance(side, tuple) else _operand(side, "")


@pytest.mark.parametrize("left,right,op,expected", WRITTEN,
                         ids=[f"{w[0]}-{w[1]}-{w[2]}" for w in WRITTEN])
def test_written_promotion_cases(left, right, op, expected):
    a, b = _build(left), _build(right)
    assert getattr(ag, op)(a, b).dtype == np.dtype(expected)
    assert getattr(ag, op)(b, a).dtype == np.dtype(expected)  # symmetric


def test_floating_functions_of_integers_give_the_default_dtype():
    i = ag.tensor([1, 2])
    for f in (ag.exp, ag.log, ag.sqrt, ag.sin, ag.sigmoid, ag.tanh):
        assert f(i).dtype == np.float32, f.__name__
    assert ag.softmax(i, 0).dtype == np.float32
    ag.set_default_dtype(ag.float64)
    try:
        assert ag.exp(i).dtype == np.float64 and (i / i).dtype == np.float64
        assert ag.tensor(1.5).dtype == np.float64
    finally:
        ag.set_default_dtype(ag.float32)


def test_promote_types_and_result_type():
    assert ag.promote_types(ag.int64, ag.float16) == np.float16
    assert ag.promote_types(ag.uint8, ag.int8) == np.int16
    assert ag.promote_types(ag.bool, ag.uint8) == np.uint8
    assert ag.result_type(ag.tensor([1, 2]), 1.0) == np.float32
    assert ag.result_type(ag.tensor([1.0], dtype=ag.float16), ag.tensor(1.0, dtype=ag.float64)) \
        == np.float16
    with pytest.raises(TypeError):
        ag.set_default_dtype(ag.int64)


def test_gradients_flow_through_a_promoting_cast():
    x = ag.tensor([1.0, 2.0], dtype=ag.float16, requires_grad=True)
    w = ag.tensor([3.0, 4.0], dtype=ag.float32, requires_grad=True)
    (x * w).sum().backward()
    assert x.grad.dtype == np.float16 and w.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.array, [3.0, 4.0])
    np.testing.assert_allclose(w.grad.array, [1.0, 2.0])


KINDS = ["tensor", "0-d", "bool", "int", "float"]


@pytest.mark.parametrize("op", BINARY)
def test_every_pairing_matches_torch(op):
    torch = pytest.importorskip("torch")
    mismatches = []
    sides = [(k, d) for k in ("tensor", "0-d") for d in DTYPES] + [(k, "") for k in KINDS[2:]]
    for (ka, da), (kb, db) in itertools.product(sides, sides):
        if ka not in ("tensor", "0-d") and kb not in ("tensor", "0-d"):
            continue  # two Python numbers: not a tensor op
        a, b = _operand(ka, da), _operand(kb, db)
        ta, tb = (torch.from_numpy(np.asarray(x.data)) if isinstance(x, ag.Tensor) else x
                  for x in (a, b))
        try:
            expected = getattr(torch, op)(ta, tb).dtype
        except (RuntimeError, TypeError):
            continue  # torch refuses this pairing (e.g. sub of bools)
        want = str(expected).replace("torch.", "")
        try:
            got = str(getattr(ag, op)(a, b).dtype)
        except (RuntimeError, TypeError, ValueError) as e:
            got = f"error {type(e).__name__}"
        if got != want:
            mismatches.append(f"{ka}:{da} {op} {kb}:{db}: ours {got}, torch {want}")
    assert not mismatches, "\n".join(mismatches[:30])


def test_op_errors_are_runtime_errors_and_value_errors():
    # PyTorch raises RuntimeError where numpy-minded callers catch ValueError: both work
    for bad in (lambda: ag.ones(2, 3) @ ag.ones(2, 3), lambda: ag.ones(6).reshape(4, 2),
                lambda: ag.ones(3, 2) + ag.ones(4, 2), lambda: ag.ones(2, 3).permute(0, 0)):
        with pytest.raises(RuntimeError):
            bad()
        with pytest.raises(ValueError):
            bad()
