"""Op-table rows of grid_sample, with a reference that samples one point at a time.

``test_ops_nn.TABLE`` takes these rows in; PyTorch parity over every mode, padding and
``align_corners``, the volumetric form and the errors are in ``test_grid_sample.py``.
The reference follows the documented definition with scalar arithmetic: unnormalise,
pad (clip or mirror), then weigh the neighbours.
"""
from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
from hypothesis import strategies as st

import autograd as ag
from tests.autograd.opspec import Nan, OpSpec
from tests.robustness.bad_input_helpers import t
from tests.robustness.bad_op_cases import fixed


# --------------------------------------------------------------- reference
def _unnorm(g, size, align):
    return (g + 1) / 2 * (size - 1) if align else ((g + 1) * size - 1) / 2


def _mirror(c, lo2, hi2):
    if lo2 == hi2:
        return 0.0
    lo, span = lo2 / 2, (hi2 - lo2) / 2
    d = abs(c - lo)
    flips, extra = math.floor(d / span), math.fmod(d, span)
    return extra + lo if flips % 2 == 0 else span - extra + lo


def _padded(c, size, padding, align):
    if padding == "reflection":
        c = _mirror(c, 0, 2 * (size - 1)) if align else _mirror(c, -1, 2 * size - 1)
    if padding in ("border", "reflection"):
        c = min(max(c, 0.0), size - 1.0)
    return c


def _cubic(t):
    a = -0.75
    w1 = lambda x: ((a + 2) * x - (a + 3)) * x * x + 1  # noqa: E731
    w2 = lambda x: ((a * x - 5 * a) * x + 8 * a) * x - 4 * a  # noqa: E731
    return [w2(t + 1), w1(t), w1(1 - t), w2(2 - t)]


def _point(img, coords, mode, padding, align):
    """One sample of img (C, *in) at normalised coords (x, y[, z])."""
    sizes = img.shape[1:][::-1]  # per coordinate: W, H, D
    cs = [_unnorm(g, s, align) for g, s in zip(coords, sizes)]
    taps = []  # per axis: [(index, weight)]
    for c, s in zip(cs, sizes):
        if mode == "bicubic":
            f = math.floor(c)
            taps.append([(int(_padded(f - 1 + k, s, padding, align)), w)
                         for k, w in enumerate(_cubic(c - f))])
            continue
        c = _padded(c, s, padding, align)
        if mode == "nearest":
            taps.append([(int(np.rint(c)), 1.0)])
        else:
            f = math.floor(c)
            taps.append([(f, 1 - (c - f)), (f + 1, c - f)])
    out = np.zeros(img.shape[0])
    for combo in itertools.product(*taps):
        idx = [i for i, _ in combo]
        if all(0 <= i < s for i, s in zip(idx, sizes)):
            out += img[(slice(None),) + tuple(idx[::-1])] * np.prod([w for _, w in combo])
    return out


def ref_grid_sample(x, grid, mode="bilinear", padding="zeros", align=False):
    """grid_sample by its definition, one output point at a time."""
    out = np.zeros(x.shape[:2] + grid.shape[1:-1])
    for n in range(x.shape[0]):
        for pos in itertools.product(*(range(s) for s in grid.shape[1:-1])):
            out[(n, slice(None)) + pos] = _point(x[n], grid[(n,) + pos], mode, padding, align)
    return out


# --------------------------------------------------------------- bad input
def bad_grid_last(data):
    k = data.draw(st.sampled_from([1, 3, 4]))
    return (lambda: ag.grid_sample(t(1, 2, 3, 3), t(1, 2, 2, k), align_corners=False),
            "grid_sample", ((1, 2, 2, k),))


def bad_grid_batch(data):
    n = data.draw(st.integers(2, 4))
    return (lambda: ag.grid_sample(t(1, 2, 3, 3), t(n, 2, 2, 2), align_corners=False),
            "grid_sample", ((1, 2, 3, 3), (n, 2, 2, 2)))


def bad_grid_mode(data):
    mode = data.draw(st.sampled_from(["linear", "cubic", "area"]))
    return (lambda: ag.grid_sample(t(1, 2, 3, 3), t(1, 2, 2, 2), mode, align_corners=False),
            "grid_sample", (mode,))


def bad_grid_rank(data):
    shape = data.draw(st.sampled_from([(2, 3, 3), (1, 1, 1, 1, 2, 2)]))
    return (lambda: ag.grid_sample(t(*shape), t(1, 2, 2, 2), align_corners=False),
            "grid_sample", (shape,))


# --------------------------------------------------------------- rows
@st.composite
def _image_and_grid(draw, d=2):
    n, c = draw(st.integers(0, 2)), draw(st.integers(1, 2))
    size = tuple(draw(st.integers(1, 3)) for _ in range(d))
    out = tuple(draw(st.integers(1, 2)) for _ in range(d))
    return (n, c) + size, (n,) + out + (d,)


def _sampler(mode, padding, align):
    def fn(x, g):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ag.grid_sample(x, g, mode, padding, align)
    return fn


def _row(mode, padding, align, d=2, **extra):
    kw = dict(shapes=_image_and_grid(d), max_examples=4, domain=(-1.4, 1.4))
    return OpSpec("grid_sample", _sampler(mode, padding, align),
                  lambda x, g: ref_grid_sample(x, g, mode, padding, align), (2,),
                  domain=kw.pop("domain"), kw=kw,
                  torch=lambda T, x, g: T.nn.functional.grid_sample(x, g, mode, padding, align),
                  **extra)


def _identity_grid(n, h, w):
    """Every pixel centre (align_corners=True), so a NaN anywhere is read."""
    ys, xs = np.meshgrid(np.linspace(-1, 1, h), np.linspace(-1, 1, w), indexing="ij")
    return ag.tensor(np.broadcast_to(np.stack([xs, ys], -1), (n, h, w, 2)).copy())


ROWS = [
    _row("bilinear", "zeros", False,
         bad=(("last", fixed(bad_grid_last)), ("batch", fixed(bad_grid_batch)),
              ("mode", fixed(bad_grid_mode)), ("rank", fixed(bad_grid_rank))),
         nan=Nan(lambda x: ag.grid_sample(x, _identity_grid(x.shape[0], 3, 4),
                                          align_corners=True), (1, 2, 3, 4))),
    _row("bilinear", "border", True),
    _row("bilinear", "reflection", False),
    _row("nearest", "reflection", True),
    _row("bicubic", "border", False),
    _row("bicubic", "zeros", True),
    _row("bilinear", "reflection", True, d=3),
]
