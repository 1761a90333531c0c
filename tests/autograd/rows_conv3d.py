"""Op-table rows of the 3-D convolutions and pools, with their slow loop references.

``test_conv.TABLE`` takes the conv rows in and ``test_pool.TABLE`` the pool rows; the
drawn configurations, errors and PyTorch parity are in ``test_conv3d.py``. The
references are the definitions written out one output voxel at a time.
"""
from __future__ import annotations

import itertools

import numpy as np
from hypothesis import strategies as st

import autograd as ag
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec
from tests.robustness.bad_input_helpers import t


def _triple(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * 3


# --------------------------------------------------------------- references
def ref_conv3d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """conv3d by its definition: one output voxel at a time."""
    s, p, d = _triple(stride), _triple(padding), _triple(dilation)
    n, c = x.shape[:2]
    oc, cg = w.shape[:2]
    k = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0)) + tuple((q, q) for q in p))
    out_size = [(x.shape[2 + i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(3)]
    out = np.zeros((n, oc, *out_size))
    ocg = oc // groups
    for o in range(oc):
        g = o // ocg
        for pos in itertools.product(*(range(m) for m in out_size)):
            win = xp[(slice(None), slice(g * cg, (g + 1) * cg))
                     + tuple(slice(pos[i] * s[i], pos[i] * s[i] + d[i] * (k[i] - 1) + 1, d[i])
                             for i in range(3))]
            out[(slice(None), o) + pos] = np.sum(win * w[o], axis=(1, 2, 3, 4))
    return out if b is None else out + np.reshape(b, (1, -1, 1, 1, 1))


def ref_conv_transpose3d(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1,
                         dilation=1):
    """conv_transpose3d by its definition: each input voxel scatters a scaled filter."""
    s, p, op, d = _triple(stride), _triple(padding), _triple(output_padding), _triple(dilation)
    n, cin = x.shape[:2]
    coutg = w.shape[1]
    k = w.shape[2:]
    cing = cin // groups
    size = [(x.shape[2 + i] - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + op[i] + 1
            for i in range(3)]
    full = np.zeros((n, coutg * groups, *(size[i] + 2 * p[i] for i in range(3))))
    for ci in range(cin):
        g = ci // cing
        for pos in itertools.product(*(range(m) for m in x.shape[2:])):
            where = (slice(None), slice(g * coutg, (g + 1) * coutg)) + tuple(
                slice(pos[i] * s[i], pos[i] * s[i] + d[i] * (k[i] - 1) + 1, d[i])
                for i in range(3))
            full[where] += x[(slice(None), ci) + pos][:, None, None, None, None] * w[ci]
    out = full[(slice(None), slice(None)) + tuple(slice(p[i], p[i] + size[i])
                                                  for i in range(3))]
    return out if b is None else out + np.reshape(b, (1, -1, 1, 1, 1))


def ref_pool3d(x, kind, kernel, stride=None, padding=0, dilation=1, ceil_mode=False,
               count_include_pad=True):
    """max or avg pool by its definition: one output voxel at a time (PyTorch's sizes)."""
    k = _triple(kernel)
    s, p, d = _triple(stride or kernel), _triple(padding), _triple(dilation)
    size = x.shape[2:]
    out_size = []
    for i in range(3):
        span = size[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1
        o = (span + (s[i] - 1 if ceil_mode else 0)) // s[i] + 1
        if ceil_mode and (o - 1) * s[i] >= size[i] + p[i]:
            o -= 1
        out_size.append(o)
    out = np.zeros(x.shape[:2] + tuple(out_size))
    for pos in itertools.product(*(range(m) for m in out_size)):
        idx, count = [], 1
        for i in range(3):
            start = pos[i] * s[i] - p[i]
            taps = start + d[i] * np.arange(k[i])
            inside = taps[(taps >= 0) & (taps < size[i])]
            idx.append(inside)
            end = min(start + k[i], size[i] + p[i])
            count *= (end - start) if count_include_pad else len(inside)
        win = x[(slice(None), slice(None)) + np.ix_(*idx)]
        if kind == "max":
            out[(slice(None), slice(None)) + pos] = win.max(axis=(2, 3, 4))
        else:
            out[(slice(None), slice(None)) + pos] = win.sum(axis=(2, 3, 4)) / count
    return out


# ---------------------------------------------------------------- bad input
def _bad_conv(kind):
    def build(op):
        def case(data):
            c, o = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
            x = t(1, c, 4, 4, 4)
            fn = ag.REGISTRY[op]
            w = t(o, c, 2, 2, 2) if op == "conv3d" else t(c, o, 2, 2, 2)
            if kind == "channels":
                bad_w = t(o, c + 1, 2, 2, 2) if op == "conv3d" else t(c + 1, o, 2, 2, 2)
                return lambda: fn(x, bad_w), op, ((c + 1) if op == "conv3d" else c,)
            if kind == "rank":
                return lambda: fn(t(4, 4), w), op, ((4, 4),)
            if kind == "kernel" and op == "conv_transpose3d":
                return lambda: fn(x, w, output_padding=2), op, ("output_padding",)
            if kind == "kernel":
                big = t(o, c, 5 + c, 2, 2)
                return lambda: fn(x, big), op, (5 + c,)
            if kind == "tuple":
                return lambda: fn(x, w, stride=(1,) * (c + 3)), op, ((1,) * (c + 3),)
            v = data.draw(st.integers(-3, 0))
            return lambda: fn(x, w, stride=v), op, ("stride", v)
        return case
    return build


def _bad_pool(kind):
    def build(op):
        def case(data):
            h = data.draw(st.integers(2, 4))
            x = t(1, 2, h, h, h)
            fn = ag.REGISTRY[op]
            if kind == "kernel":
                k = h + data.draw(st.integers(1, 3))
                return lambda: fn(x, k), op, (k, h)
            if kind == "rank":
                return lambda: fn(t(h, h), 2), op, ((h, h),)
            if kind == "padding":
                return lambda: fn(x, 2, padding=(1, 1, 1, 1)), op, ((1, 1, 1, 1),)
            s = data.draw(st.integers(-3, 0))
            return lambda: fn(x, 2, stride=s), op, (s,)
        return case
    return build


# ------------------------------------------------------------------- the rows
_SMALL = dict(max_examples=2)
_CONV_BAD = tuple((k, _bad_conv(k)) for k in ("channels", "rank", "kernel", "tuple", "stride"))
_POOL_BAD = tuple((k, _bad_pool(k)) for k in ("kernel", "rank", "padding", "stride"))

CONV_ROWS = [
    OpSpec("conv3d", lambda x, w, b: ag.conv3d(x, w, b, 2, 1, 1, 2),
           lambda x, w, b: ref_conv3d(x, w, b, 2, 1, 1, 2),
           (Input((1, 2, 3, 4, 3)), Input((2, 1, 2, 2, 2)), Input((2,))), kw=_SMALL,
           torch=lambda T, x, w, b: T.nn.functional.conv3d(x, w, b, 2, 1, 1, 2), bad=_CONV_BAD,
           nan=Nan(lambda x: ag.conv3d(x, t(2, 1, 2, 2, 2)), (1, 1, 3, 3, 3))),
    OpSpec("conv_transpose3d", lambda x, w, b: ag.conv_transpose3d(x, w, b, 2, 1, 1),
           lambda x, w, b: ref_conv_transpose3d(x, w, b, 2, 1, 1),
           (Input((1, 2, 2, 3, 2)), Input((2, 1, 2, 2, 2)), Input((1,))), kw=_SMALL,
           torch=lambda T, x, w, b: T.nn.functional.conv_transpose3d(x, w, b, 2, 1, 1),
           bad=_CONV_BAD,
           nan=Nan(lambda x: ag.conv_transpose3d(x, t(1, 2, 2, 2, 2)), (1, 1, 2, 2, 2))),
]

POOL_ROWS = [
    OpSpec("max_pool3d", lambda a: ag.max_pool3d(a, 2, 1, 1),
           lambda a: ref_pool3d(a, "max", 2, 1, 1), (Input((1, 2, 3, 3, 2)),), kw=_SMALL,
           torch=lambda T, a: T.nn.functional.max_pool3d(a, 2, 1, 1), bad=_POOL_BAD,
           nan=Nan(lambda a: ag.max_pool3d(a, 2), (1, 1, 2, 4, 4))),
    OpSpec("avg_pool3d", lambda a: ag.avg_pool3d(a, 3, 2, 1, count_include_pad=False),
           lambda a: ref_pool3d(a, "avg", 3, 2, 1, count_include_pad=False),
           (Input((1, 2, 3, 4, 3)),), kw=_SMALL,
           torch=lambda T, a: T.nn.functional.avg_pool3d(a, 3, 2, 1, count_include_pad=False),
           bad=_POOL_BAD, nan=Nan(lambda a: ag.avg_pool3d(a, 2), (1, 1, 2, 4, 4))),
]
