"""Bad input to every public op gets a clear error naming the op and the bad values.

Each row of ``OP_CASES`` draws one kind of mistake with hypothesis (shapes,
dims, sizes) and says which op the message must name and which shapes or
values it must show; ``check_clear_error`` (in ``bad_input_helpers``) is the
oracle. Factories, dtypes and backward get the same check. NaN, inf and empty
tensors must not crash any registered op, and NaN must reach the output.
The layers and losses are in ``test_bad_input_layers.py``.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
from tests.robustness.bad_input_helpers import (
    SETTINGS,
    TRIED,
    bad_dim,
    check_clear_error,
    clashing,
    shapes,
    sizes,
    t,
)

BINARY = ["add", "sub", "mul", "div", "pow", "maximum", "minimum"]
DIM_OPS = ["sum", "mean", "var", "std", "max", "min", "logsumexp", "softmax", "log_softmax"]
UNARY = ["exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "erf", "clone", "relu",
         "leaky_relu", "elu", "gelu", "softplus", "neg"]


def _binary(op: str) -> Callable:
    def case(data):
        a, b = clashing(data)
        return lambda: ag.REGISTRY[op](t(*a), t(*b)), op, (a, b)
    return case


def _dim_oob(op: str) -> Callable:
    def case(data):
        shape = data.draw(shapes)
        dim = bad_dim(data, len(shape))
        return lambda: ag.REGISTRY[op](t(*shape), dim), op, (dim,)
    return case


def _where(data):
    a, b = clashing(data)
    return lambda: ag.where(np.ones(a, bool), t(*a), t(*b)), "where", (a, b)


def _matmul_inner(data):
    n, k, m = data.draw(sizes), data.draw(sizes), data.draw(sizes)
    k2 = data.draw(sizes.filter(lambda s: s != k))
    return lambda: ag.matmul(t(n, k), t(k2, m)), "matmul", ((n, k), (k2, m))


def _matmul_batch(data):
    b1, b2 = data.draw(sizes), data.draw(sizes)
    b2 = b2 if b2 != b1 else b1 + 1
    return lambda: ag.matmul(t(b1, 2, 3), t(b2, 3, 2)), "matmul", ((b1, 2, 3), (b2, 3, 2))


def _matmul_0d(data):
    n = data.draw(sizes)
    return lambda: ag.matmul(ag.tensor(2.0), t(n)), "matmul", ((), (n,))


def _linear(kind: str) -> Callable:
    def case(data):
        n, i, o = data.draw(sizes), data.draw(sizes), data.draw(sizes)
        if kind == "input":
            return lambda: ag.linear(t(n, i + 1), t(o, i)), "linear", ((n, i + 1), (o, i))
        if kind == "bias":
            return lambda: ag.linear(t(n, i), t(o, i), t(o + 1)), "linear", ((o + 1,), (o, i))
        return lambda: ag.linear(t(n, i), t(i)), "linear", ((i,),)  # a 1-D weight
    return case


def _reshape(op: str) -> Callable:
    def case(data):
        shape = data.draw(shapes)
        new = (int(np.prod(shape)) + data.draw(st.integers(1, 3)),)
        return lambda: ag.REGISTRY[op](t(*shape), new), op, (new, shape)
    return case


def _reshape_two_free(data):
    shape = data.draw(shapes)
    return lambda: ag.reshape(t(*shape), (-1, -1)), "reshape", ((-1, -1),)


def _permute_dup(data):
    shape = data.draw(st.lists(sizes, min_size=2, max_size=3).map(tuple))
    dims = (0,) * len(shape)
    return lambda: ag.permute(t(*shape), dims), "permute", (dims, shape)


def _permute_oob(data):
    shape = data.draw(shapes)
    dims = tuple(range(len(shape) + 1))
    return lambda: ag.permute(t(*shape), dims), "permute", (len(shape),)


def _transpose(data):
    shape = data.draw(shapes)
    dim = bad_dim(data, len(shape))
    return lambda: ag.transpose(t(*shape), 0, dim), "transpose", (dim,)


def _squeeze(data):
    shape = data.draw(shapes)
    dim = bad_dim(data, len(shape))
    return lambda: ag.squeeze(t(*shape), dim), "squeeze", (dim,)


def _unsqueeze(data):
    shape = data.draw(shapes)
    dim = bad_dim(data, len(shape) + 1)
    return lambda: ag.unsqueeze(t(*shape), dim), "unsqueeze", (dim,)


def _expand(data):
    shape = data.draw(shapes)
    d = data.draw(st.integers(0, len(shape) - 1))
    target = shape[:d] + (shape[d] + 1,) + shape[d + 1:]
    return lambda: ag.expand(t(*shape), target), "expand", (shape, target)


def _flatten(data):
    shape = data.draw(shapes)
    dim = bad_dim(data, len(shape))
    return lambda: ag.flatten(t(*shape), dim), "flatten", (dim,)


def _stacking(op: str) -> Callable:
    def case(data):
        a, b = clashing(data)
        if op == "cat":  # cat allows dim 0 to differ; make another dim clash
            a, b = (1,) + a, (1,) + b
        return lambda: ag.REGISTRY[op]([t(*a), t(*b)], 0), op, (b,)
    return case


def _empty_list(op: str) -> Callable:
    def case(data):
        return lambda: ag.REGISTRY[op]([]), op, ()
    return case


def _cat_dim(data):
    shape = data.draw(shapes)
    dim = bad_dim(data, len(shape))
    return lambda: ag.cat([t(*shape), t(*shape)], dim), "cat", (dim,)


def _split_size(data):
    size = data.draw(st.integers(-3, 0))
    return lambda: ag.split(t(4, 3), size, 0), "split", (size,)


def _split_sections(data):
    n = data.draw(sizes)
    sections = [1, n]
    return lambda: ag.split(t(n, 3), sections, 0), "split", (sections, n)


def _pad_odd(data):
    shape = data.draw(shapes)
    pad = (1,) * data.draw(st.sampled_from([1, 3, 2 * len(shape) + 2]))
    return lambda: ag.pad(t(*shape), pad), "pad", (pad,)


def _pad_mode(data):
    mode = data.draw(st.sampled_from(["bogus", "wrap", ""]))
    return lambda: ag.pad(t(2, 3), (1, 1), mode=mode), "pad", (repr(mode),)


def _getitem_oob(data):
    shape = data.draw(shapes)
    i = data.draw(st.one_of(st.integers(shape[0], shape[0] + 5),
                            st.integers(-shape[0] - 5, -shape[0] - 1)))
    return lambda: ag.getitem(t(*shape), i), "getitem", (i, shape)


def _getitem_array_oob(data):
    shape = data.draw(shapes)
    i = shape[0] + data.draw(st.integers(0, 5))
    return lambda: ag.getitem(t(*shape), np.array([0, i])), "getitem", (i, shape)


def _getitem_too_many(data):
    shape = data.draw(shapes)
    idx = (0,) * (len(shape) + 1)
    return lambda: ag.getitem(t(*shape), idx), "getitem", (shape,)


def _getitem_float(data):
    i = data.draw(st.floats(0.1, 1.9))
    return lambda: ag.getitem(t(3, 2), i), "getitem", (i,)


def _getitem_mask(data):
    n = data.draw(st.integers(3, 5))
    mask = np.arange(n - 1) % 2 == 0  # one element short
    return lambda: ag.getitem(t(n, 2), mask), "getitem", ((n, 2),)


def _index_put_oob(data):
    shape = data.draw(shapes)
    i = shape[0] + data.draw(st.integers(0, 3))
    return lambda: ag.index_put(t(*shape), i, 1.0), "index_put", (i, shape)


def _index_put_value(data):
    shape = data.draw(st.lists(sizes, min_size=2, max_size=3).map(tuple))
    v = (shape[-1] + 1,)
    return lambda: ag.index_put(t(*shape), 0, t(*v)), "index_put", (v, shape[1:])


def _sum_to(data):
    shape = data.draw(shapes)
    target = (shape[-1] + 1,)
    return lambda: ag.sum_to(t(*shape), target), "sum_to", (shape, target)


def _dim_float(op: str) -> Callable:
    def case(data):
        dim = data.draw(st.floats(0.1, 0.9))
        return lambda: ag.REGISTRY[op](t(2, 3), dim), op, (dim,)
    return case


def _dims_repeated(data):
    return lambda: ag.sum(t(2, 3), (0, 0)), "sum", ("0",)


def _clip_bounds(data):
    a, b = clashing(data)
    return lambda: ag.clip(t(*a), t(*b), None), "clip", (a, b)


def _cast(data):
    dtype = data.draw(st.sampled_from(["bogus", "float99", "tensor"]))
    return lambda: ag.cast(t(2), dtype), "cast", (dtype,)


def _gelu(data):
    mode = data.draw(st.sampled_from(["foo", "exact", "TANH"]))
    return lambda: ag.gelu(t(2), approximate=mode), "gelu", (mode,)


def _unknown_kwarg(op: str) -> Callable:
    def case(data):
        kw = data.draw(st.sampled_from(["slope", "bogus", "axes"]))
        return lambda: ag.REGISTRY[op](t(2, 3), **{kw: 1}), op, (kw,)
    return case


def _elu_alpha(data):
    return lambda: ag.elu(t(2, 3), alpha="one"), "elu", ("one",)


def _ce(kind: str) -> Callable:
    def case(data):
        n, c = data.draw(sizes), data.draw(sizes)
        x = t(n, c)
        if kind == "batch":
            y = ag.tensor(np.zeros(n + 1, np.int64))
            return lambda: ag.cross_entropy(x, y), "cross_entropy", ((n + 1,), (n, c))
        if kind == "class":
            bad = data.draw(st.one_of(st.integers(c, c + 5), st.integers(-5, -1)))
            y = ag.tensor(np.r_[np.zeros(n - 1, np.int64), bad])
            return lambda: ag.cross_entropy(x, y), "cross_entropy", (bad,)
        if kind == "prob":
            y = t(n, c + 1, grad=False)
            return lambda: ag.cross_entropy(x, y), "cross_entropy", ((n, c + 1), (n, c))
        if kind == "weight":
            w = t(c + 1, grad=False)
            y = ag.tensor(np.zeros(n, np.int64))
            return (lambda: ag.cross_entropy(x, y, weight=w), "cross_entropy", ((c,), (c + 1,)))
        if kind == "reduction":
            y = ag.tensor(np.zeros(n, np.int64))
            return lambda: ag.cross_entropy(x, y, reduction="avg"), "cross_entropy", ("avg",)
        if kind == "smoothing":
            s = data.draw(st.sampled_from([-0.5, 1.5, 3.0]))
            y = ag.tensor(np.zeros(n, np.int64))
            return lambda: ag.cross_entropy(x, y, label_smoothing=s), "cross_entropy", (s,)
        # "rank": an unbatched (C,) input with a batch of targets
        y = ag.tensor(np.zeros(n, np.int64))
        return lambda: ag.cross_entropy(t(c), y), "cross_entropy", ((c,), (n,))
    return case


def _conv(kind: str) -> Callable:
    def case(data):
        c, o, k = data.draw(sizes), data.draw(sizes), data.draw(st.integers(1, 3))
        x, w = t(1, c, 6, 6), t(o, c, k, k)
        if kind == "channels":
            w2 = t(o, c + 1, k, k)
            return lambda: ag.conv2d(x, w2), "conv2d", ((o, c + 1, k, k), c)
        if kind == "rank":
            return lambda: ag.conv2d(t(6, 6), w), "conv2d", ((6, 6),)
        if kind == "kernel":
            big = t(o, c, 7 + k, 7 + k)
            return lambda: ag.conv2d(x, big), "conv2d", (7 + k,)
        if kind == "bias":
            b = t(o + 1)
            return lambda: ag.conv2d(x, w, b), "conv2d", ((o + 1,),)
        if kind == "groups":
            g = data.draw(st.sampled_from([0, -1]))
            return lambda: ag.conv2d(x, w, groups=g), "conv2d", (g,)
        arg = kind
        v = data.draw(st.integers(-3, 0 if arg != "padding" else -1))
        return lambda: ag.conv2d(x, w, **{arg: v}), "conv2d", (arg, v)
    return case


def _conv_t(kind: str) -> Callable:
    def case(data):
        c, o = data.draw(sizes), data.draw(sizes)
        x = t(1, c, 5, 5)
        if kind == "channels":
            w = t(c + 1, o, 3, 3)
            return lambda: ag.conv_transpose2d(x, w), "conv_transpose2d", ((c + 1, o, 3, 3), c)
        if kind == "output_padding":
            w = t(c, o, 3, 3)
            return (lambda: ag.conv_transpose2d(x, w, stride=2, output_padding=2),
                    "conv_transpose2d", ("output_padding",))
        v = data.draw(st.integers(-3, 0))
        return (lambda: ag.conv_transpose2d(x, t(c, o, 3, 3), stride=v),
                "conv_transpose2d", ("stride", v))
    return case


def _pool(op: str, kind: str) -> Callable:
    def case(data):
        h = data.draw(st.integers(2, 5))
        x = t(1, 2, h, h)
        fn = ag.REGISTRY[op]
        if kind == "kernel":
            k = h + data.draw(st.integers(1, 3))
            return lambda: fn(x, k), op, (k, h)
        if kind == "size":
            k = data.draw(st.integers(-3, 0))
            return lambda: fn(x, k), op, (k,)
        if kind == "rank":
            return lambda: fn(t(h), 2), op, ((h,),)
        if kind == "padding":
            return lambda: fn(x, 2, padding=2), op, ("padding",)
        if kind == "stride":
            s = data.draw(st.integers(-3, -1))
            return lambda: fn(x, 2, stride=s), op, (s,)
        return lambda: fn(x, 2, divisor_override=0), op, ("divisor_override",)
    return case


def _adaptive(data):
    s = data.draw(st.integers(-3, 0))
    return lambda: ag.adaptive_avg_pool2d(t(1, 2, 4, 4), s), "adaptive_avg_pool2d", (s,)


def _adaptive_rank(data):
    return lambda: ag.adaptive_avg_pool2d(t(4), 2), "adaptive_avg_pool2d", ((4,),)


OP_CASES: list[tuple[str, Callable]] = (
    [(f"{op}-broadcast", _binary(op)) for op in BINARY]
    + [(f"{op}-dim-out-of-range", _dim_oob(op)) for op in DIM_OPS]
    + [(f"{op}-dim-not-int", _dim_float(op)) for op in ("sum", "mean", "max", "softmax")]
    + [(f"{op}-unknown-kwarg", _unknown_kwarg(op)) for op in UNARY]
    + [(f"{op}-bad-size", _reshape(op)) for op in ("reshape", "view")]
    + [(f"linear-{k}", _linear(k)) for k in ("input", "bias", "weight-rank")]
    + [(f"{op}-mismatch", _stacking(op)) for op in ("cat", "stack")]
    + [(f"{op}-empty-list", _empty_list(op)) for op in ("cat", "stack")]
    + [(f"cross_entropy-{k}", _ce(k))
       for k in ("batch", "class", "prob", "weight", "reduction", "smoothing")]
    + [(f"conv2d-{k}", _conv(k)) for k in ("channels", "rank", "kernel", "bias", "groups",
                                           "stride", "padding", "dilation")]
    + [(f"conv_transpose2d-{k}", _conv_t(k)) for k in ("channels", "output_padding", "stride")]
    + [(f"{op}-{k}", _pool(op, k)) for op in ("max_pool2d", "avg_pool2d")
       for k in ("kernel", "size", "rank", "padding", "stride")]
    + [
        ("where-broadcast", _where), ("matmul-inner", _matmul_inner),
        ("matmul-batch", _matmul_batch), ("matmul-0d", _matmul_0d),
        ("reshape-two-free-dims", _reshape_two_free), ("permute-repeated", _permute_dup),
        ("permute-out-of-range", _permute_oob), ("transpose-dim", _transpose),
        ("squeeze-dim", _squeeze), ("unsqueeze-dim", _unsqueeze), ("expand-size", _expand),
        ("flatten-dim", _flatten), ("cat-dim", _cat_dim), ("split-size", _split_size),
        ("split-sections", _split_sections), ("pad-length", _pad_odd), ("pad-mode", _pad_mode),
        ("getitem-out-of-range", _getitem_oob), ("getitem-array-out-of-range", _getitem_array_oob),
        ("getitem-too-many", _getitem_too_many), ("getitem-float", _getitem_float),
        ("index_put-out-of-range", _index_put_oob), ("index_put-value-shape", _index_put_value),
        ("sum_to-shape", _sum_to), ("gelu-approximate", _gelu),
        ("avg_pool2d-divisor", _pool("avg_pool2d", "divisor")),
        ("adaptive_avg_pool2d-size", _adaptive), ("adaptive_avg_pool2d-rank", _adaptive_rank),
    ]
)

# Cases that show a bug in the library; each reason says where and what.
OP_BUGS: dict = {}  # case name -> reason, for a case that shows a library bug
OP_CASES += [("getitem-mask", _getitem_mask), ("sum-repeated-dims", _dims_repeated),
             ("clip-bounds", _clip_bounds), ("cast-dtype", _cast), ("elu-alpha-str", _elu_alpha),
             ("cross_entropy-rank", _ce("rank"))]


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
    assert missing <= {"neg"} | set(UNARY), f"ops without a bad-input case: {sorted(missing)}"


# ------------------------------------------------- non-Tensor input to one-input ops
NOT_A_TENSOR_OPS = UNARY + DIM_OPS + ["cast", "squeeze", "flatten"]
@pytest.mark.parametrize("op", NOT_A_TENSOR_OPS)
def test_one_input_op_refuses_non_tensor(op):
    args = {"cast": ("float32",)}.get(op, ())
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
# op -> (call with the drawn tensor x, input shape); every registered op has a row
R = ag.REGISTRY
ONE = {op: (lambda x, op=op: R[op](x), (3, 4)) for op in UNARY + DIM_OPS}
VALUES: dict[str, tuple[Callable, tuple]] = {
    **ONE,
    **{op: (lambda x, op=op: R[op](x, t(3, 4)), (3, 4)) for op in BINARY},
    "cast": (lambda x: ag.cast(x, "float32"), (3, 4)),
    "cross_entropy": (lambda x: ag.cross_entropy(x, ag.tensor([0, 1, 2])), (3, 4)),
    "matmul": (lambda x: ag.matmul(x, t(4, 2)), (3, 4)),
    "linear": (lambda x: ag.linear(x, t(2, 4), t(2)), (3, 4)),
    "conv2d": (lambda x: ag.conv2d(x, t(2, 1, 2, 2)), (1, 1, 4, 4)),
    "conv_transpose2d": (lambda x: ag.conv_transpose2d(x, t(1, 2, 2, 2)), (1, 1, 4, 4)),
    "getitem": (lambda x: ag.getitem(x, (slice(None), slice(None))), (3, 4)),
    "index_put": (lambda x: ag.index_put(t(3, 4), (slice(None), slice(None)), x), (3, 4)),
    "max_pool2d": (lambda x: ag.max_pool2d(x, 2), (1, 1, 4, 4)),
    "avg_pool2d": (lambda x: ag.avg_pool2d(x, 2), (1, 1, 4, 4)),
    "adaptive_avg_pool2d": (lambda x: ag.adaptive_avg_pool2d(x, 1), (1, 1, 4, 4)),
    "sum_to": (lambda x: ag.sum_to(x, (4,)), (3, 4)),
    "where": (lambda x: ag.where(np.ones((3, 4), bool), x, t(3, 4)), (3, 4)),
    "clip": (lambda x: ag.clip(x, -0.5, 0.5), (3, 4)),
    "reshape": (lambda x: ag.reshape(x, (4, 3)), (3, 4)),
    "view": (lambda x: ag.view(x, (12,)), (3, 4)),
    "flatten": (lambda x: ag.flatten(x), (3, 4)),
    "permute": (lambda x: ag.permute(x, (1, 0)), (3, 4)),
    "transpose": (lambda x: ag.transpose(x, 0, 1), (3, 4)),
    "squeeze": (lambda x: ag.squeeze(x), (3, 1, 4)),
    "unsqueeze": (lambda x: ag.unsqueeze(x, 0), (3, 4)),
    "expand": (lambda x: ag.expand(x, (2, 3, 4)), (3, 4)),
    "cat": (lambda x: ag.cat([x, t(3, 4)], 1), (3, 4)),
    "stack": (lambda x: ag.stack([x, t(3, 4)]), (3, 4)),
    "split": (lambda x: ag.cat(list(ag.split(x, 2, 1)), 1), (3, 4)),
    "pad": (lambda x: ag.pad(x, (1, 1)), (3, 4)),
}


def test_every_registered_op_has_a_nan_row():
    assert set(ag.REGISTRY) <= set(VALUES), sorted(set(ag.REGISTRY) - set(VALUES))


def _first(out: Any) -> ag.Tensor:
    return out[0] if isinstance(out, tuple) else out


@pytest.mark.parametrize("op", sorted(VALUES))
@settings(max_examples=2, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_nan_and_inf_do_not_crash_and_nan_propagates(op, data):
    fn, shape = VALUES[op]
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


ELEMENTWISE = UNARY + BINARY + ["clip", "cast"]


@pytest.mark.parametrize("op", ELEMENTWISE)
def test_nan_stays_in_place_elementwise(op):
    fn, shape = VALUES[op]
    TRIED[op] += 1
    arr = np.random.default_rng(1).standard_normal(shape)
    arr[1, 2] = np.nan
    with np.errstate(all="ignore"):
        out = fn(ag.tensor(arr)).numpy()
    assert np.isnan(out[1, 2]), f"{op}(nan) gave {out[1, 2]}"


EMPTY_OK = [op for op in sorted(VALUES) if op not in
            ("max", "min", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "conv2d",
             "conv_transpose2d", "cross_entropy", "squeeze", "sum_to", "expand", "view",
             "reshape", "split")]


@pytest.mark.parametrize("op", EMPTY_OK)
def test_empty_tensors(op):
    """A zero-size batch flows forward and backward with the right shapes."""
    fn, shape = VALUES[op]
    TRIED[op] += 1
    empty = (0,) + shape[1:]
    if op in BINARY:
        def fn(x):
            return R[op](x, t(*empty))
    elif op in ("where", "index_put", "cat", "stack", "matmul", "linear"):
        other = {"matmul": t(4, 2), "linear": t(2, 4)}.get(op, t(*empty))
        fn = {"where": lambda x: ag.where(np.ones(empty, bool), x, other),
              "index_put": lambda x: ag.index_put(other, (slice(None), slice(None)), x),
              "cat": lambda x: ag.cat([x, other], 1),
              "stack": lambda x: ag.stack([x, other]),
              "matmul": lambda x: ag.matmul(x, other),
              "linear": lambda x: ag.linear(x, other)}[op]
    x = ag.tensor(np.zeros(empty), requires_grad=True)
    with np.errstate(all="ignore"):
        out = _first(fn(x))
        out.backward(ag.tensor(np.ones(out.shape)))
    assert x.grad.shape == empty


@pytest.mark.parametrize("op", ["max", "min"])
def test_empty_max_min_raise(op):
    check_clear_error(lambda: R[op](ag.tensor(np.zeros((0, 3)))), op, ((0, 3),))
