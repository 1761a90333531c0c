"""The mistakes a caller can make with each op, as builders the op tables name.

A builder takes the op's registered name and returns a case: a function of
hypothesis' ``data`` that returns ``(thunk, name, needles)``: calling ``thunk``
must raise a clear error naming ``name`` and showing each needle (the oracle
is ``check_clear_error`` in ``bad_input_helpers``). Builders made for one op
ignore the name (``fixed``). The rows in ``tests/autograd/test_ops_*.py``,
``test_conv.py`` and ``test_pool.py`` list them under ``bad``;
``test_bad_input.py`` walks every row.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from hypothesis import strategies as st

import autograd as ag
from tests.robustness.bad_input_helpers import bad_dim, clashing, shapes, sizes, t

Builder = Callable[[str], Callable]


def fixed(case: Callable) -> Builder:
    """The builder of a case written for one op (it names its op itself)."""
    return lambda op: case


def clash(op: str) -> Callable:
    def case(data):
        a, b = clashing(data)
        return lambda: ag.REGISTRY[op](t(*a), t(*b)), op, (a, b)
    return case


def dim_out_of_range(op: str) -> Callable:
    def case(data):
        shape = data.draw(shapes)
        dim = bad_dim(data, len(shape))
        return lambda: ag.REGISTRY[op](t(*shape), dim), op, (dim,)
    return case


def where_clash(data):
    a, b = clashing(data)
    return lambda: ag.where(np.ones(a, bool), t(*a), t(*b)), "where", (a, b)


def matmul_inner(data):
    n, k, m = data.draw(sizes), data.draw(sizes), data.draw(sizes)
    k2 = data.draw(sizes.filter(lambda s: s != k))
    return lambda: ag.matmul(t(n, k), t(k2, m)), "matmul", ((n, k), (k2, m))


def matmul_batch(data):
    b1, b2 = data.draw(sizes), data.draw(sizes)
    b2 = b2 if b2 != b1 else b1 + 1
    return lambda: ag.matmul(t(b1, 2, 3), t(b2, 3, 2)), "matmul", ((b1, 2, 3), (b2, 3, 2))


def matmul_0d(data):
    n = data.draw(sizes)
    return lambda: ag.matmul(ag.tensor(2.0), t(n)), "matmul", ((), (n,))


def linear(kind: str) -> Callable:
    def case(data):
        n, i, o = data.draw(sizes), data.draw(sizes), data.draw(sizes)
        if kind == "input":
            return lambda: ag.linear(t(n, i + 1), t(o, i)), "linear", ((n, i + 1), (o, i))
        if kind == "bias":
            return lambda: ag.linear(t(n, i), t(o, i), t(o + 1)), "linear", ((o + 1,), (o, i))
        return lambda: ag.linear(t(n, i), t(i)), "linear", ((i,),)  # a 1-D weight
    return case


def bad_size(op: str) -> Callable:
    def case(data):
        shape = data.draw(shapes)
        new = (int(np.prod(shape)) + data.draw(st.integers(1, 3)),)
        return lambda: ag.REGISTRY[op](t(*shape), new), op, (new, shape)
    return case


def reshape_two_free(data):
    shape = data.draw(shapes)
    return lambda: ag.reshape(t(*shape), (-1, -1)), "reshape", ((-1, -1),)


def permute_dup(data):
    shape = data.draw(st.lists(sizes, min_size=2, max_size=3).map(tuple))
    dims = (0,) * len(shape)
    return lambda: ag.permute(t(*shape), dims), "permute", (dims, shape)


def permute_oob(data):
    shape = data.draw(shapes)
    dims = tuple(range(len(shape) + 1))
    return lambda: ag.permute(t(*shape), dims), "permute", (len(shape),)


def transpose(data):
    shape = data.draw(shapes)
    dim = bad_dim(data, len(shape))
    return lambda: ag.transpose(t(*shape), 0, dim), "transpose", (dim,)


def squeeze(data):
    shape = data.draw(shapes)
    dim = bad_dim(data, len(shape))
    return lambda: ag.squeeze(t(*shape), dim), "squeeze", (dim,)


def unsqueeze(data):
    shape = data.draw(shapes)
    dim = bad_dim(data, len(shape) + 1)
    return lambda: ag.unsqueeze(t(*shape), dim), "unsqueeze", (dim,)


def expand(data):
    shape = data.draw(shapes)
    d = data.draw(st.integers(0, len(shape) - 1))
    target = shape[:d] + (shape[d] + 1,) + shape[d + 1:]
    return lambda: ag.expand(t(*shape), target), "expand", (shape, target)


def flatten(data):
    shape = data.draw(shapes)
    dim = bad_dim(data, len(shape))
    return lambda: ag.flatten(t(*shape), dim), "flatten", (dim,)


def mismatch(op: str) -> Callable:
    def case(data):
        a, b = clashing(data)
        if op == "cat":  # cat allows dim 0 to differ; make another dim clash
            a, b = (1,) + a, (1,) + b
        return lambda: ag.REGISTRY[op]([t(*a), t(*b)], 0), op, (b,)
    return case


def empty_list(op: str) -> Callable:
    def case(data):
        return lambda: ag.REGISTRY[op]([]), op, ()
    return case


def cat_dim(data):
    shape = data.draw(shapes)
    dim = bad_dim(data, len(shape))
    return lambda: ag.cat([t(*shape), t(*shape)], dim), "cat", (dim,)


def split_size(data):
    size = data.draw(st.integers(-3, 0))
    return lambda: ag.split(t(4, 3), size, 0), "split", (size,)


def split_sections(data):
    n = data.draw(sizes)
    sections = [1, n]
    return lambda: ag.split(t(n, 3), sections, 0), "split", (sections, n)


def pad_odd(data):
    shape = data.draw(shapes)
    pad = (1,) * data.draw(st.sampled_from([1, 3, 2 * len(shape) + 2]))
    return lambda: ag.pad(t(*shape), pad), "pad", (pad,)


def pad_mode(data):
    mode = data.draw(st.sampled_from(["bogus", "wrap", ""]))
    return lambda: ag.pad(t(2, 3), (1, 1), mode=mode), "pad", (repr(mode),)


def getitem_oob(data):
    shape = data.draw(shapes)
    i = data.draw(st.one_of(st.integers(shape[0], shape[0] + 5),
                            st.integers(-shape[0] - 5, -shape[0] - 1)))
    return lambda: ag.getitem(t(*shape), i), "getitem", (i, shape)


def getitem_array_oob(data):
    shape = data.draw(shapes)
    i = shape[0] + data.draw(st.integers(0, 5))
    return lambda: ag.getitem(t(*shape), np.array([0, i])), "getitem", (i, shape)


def getitem_too_many(data):
    shape = data.draw(shapes)
    idx = (0,) * (len(shape) + 1)
    return lambda: ag.getitem(t(*shape), idx), "getitem", (shape,)


def getitem_float(data):
    i = data.draw(st.floats(0.1, 1.9))
    return lambda: ag.getitem(t(3, 2), i), "getitem", (i,)


def getitem_mask(data):
    n = data.draw(st.integers(3, 5))
    mask = np.arange(n - 1) % 2 == 0  # one element short
    return lambda: ag.getitem(t(n, 2), mask), "getitem", ((n, 2),)


def index_put_oob(data):
    shape = data.draw(shapes)
    i = shape[0] + data.draw(st.integers(0, 3))
    return lambda: ag.index_put(t(*shape), i, 1.0), "index_put", (i, shape)


def index_put_value(data):
    shape = data.draw(st.lists(sizes, min_size=2, max_size=3).map(tuple))
    v = (shape[-1] + 1,)
    return lambda: ag.index_put(t(*shape), 0, t(*v)), "index_put", (v, shape[1:])


def sum_to_shape(data):
    shape = data.draw(shapes)
    target = (shape[-1] + 1,)
    return lambda: ag.sum_to(t(*shape), target), "sum_to", (shape, target)


def dim_not_int(op: str) -> Callable:
    def case(data):
        dim = data.draw(st.floats(0.1, 0.9))
        return lambda: ag.REGISTRY[op](t(2, 3), dim), op, (dim,)
    return case


def dims_repeated(data):
    return lambda: ag.sum(t(2, 3), (0, 0)), "sum", ("0",)


def clip_bounds(data):
    a, b = clashing(data)
    return lambda: ag.clip(t(*a), t(*b), None), "clip", (a, b)


def cast_dtype(data):
    dtype = data.draw(st.sampled_from(["bogus", "float99", "tensor"]))
    return lambda: ag.cast(t(2), dtype), "cast", (dtype,)


def gelu_mode(data):
    mode = data.draw(st.sampled_from(["foo", "exact", "TANH"]))
    return lambda: ag.gelu(t(2), approximate=mode), "gelu", (mode,)


def unknown_kwarg(op: str) -> Callable:
    def case(data):
        kw = data.draw(st.sampled_from(["slope", "bogus", "axes"]))
        return lambda: ag.REGISTRY[op](t(2, 3), **{kw: 1}), op, (kw,)
    return case


def elu_alpha(data):
    return lambda: ag.elu(t(2, 3), alpha="one"), "elu", ("one",)


def cross_entropy(kind: str) -> Callable:
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


def conv(kind: str) -> Callable:
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


def conv_transpose(kind: str) -> Callable:
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


def pool(kind: str) -> Builder:
    """One kind of mistake with a pooling op's window arguments."""
    return lambda op: _pool_case(op, kind)


def _pool_case(op: str, kind: str) -> Callable:
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


def adaptive(data):
    s = data.draw(st.integers(-3, 0))
    return lambda: ag.adaptive_avg_pool2d(t(1, 2, 4, 4), s), "adaptive_avg_pool2d", (s,)


def adaptive_rank(data):
    return lambda: ag.adaptive_avg_pool2d(t(4), 2), "adaptive_avg_pool2d", ((4,),)


#: the mistakes every op of a kind shares
UNARY_BAD = (("unknown-kwarg", unknown_kwarg),)
BINARY_BAD = (("broadcast", clash),)
DIM_BAD = (("dim-out-of-range", dim_out_of_range),)
