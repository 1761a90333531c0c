"""Hypothesis strategies and ``check_op``: test a new op in three lines.

This module needs ``hypothesis`` (a test dependency); ``import autograd``
does not import it.

Example (an op author's whole test)::

    from autograd.testing import check_op

    def test_my_softplus():
        check_op(my_softplus, ref=lambda x: np.log1p(np.exp(x)))

``check_op`` draws shapes (including size-1 and empty dims) and values in the
op's domain, then checks the forward against the numpy reference, the
gradient with :func:`autograd.gradcheck.gradcheck` (random upstream
gradient, shape contract) and the second derivative with
:func:`autograd.gradcheck.gradgradcheck`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .gradcheck import gradcheck, gradgradcheck
from .tensor import Tensor

__all__ = ["DOMAINS", "Input", "shapes", "broadcastable_shapes", "broadcastable_pairs",
           "arrays", "check_op"]

#: named input domains: (low, high) of a uniform draw; "nonzero" also flips signs.
DOMAINS: dict[str, tuple[float, float]] = {
    "any": (-2.0, 2.0),
    "positive": (0.1, 3.0),
    "nonzero": (0.1, 2.0),     # |x| in [0.1, 2], either sign: away from 0 (relu, abs, 1/x)
    "unit": (-0.9, 0.9),       # inside (-1, 1)
    "probability": (0.05, 0.95),
}


def _bounds(domain: Any) -> tuple[float, float, bool]:
    """(low, high, random_sign) for a domain name or a (low, high) pair."""
    if isinstance(domain, str):
        if domain not in DOMAINS:
            raise ValueError(f"unknown domain {domain!r}; use one of {sorted(DOMAINS)} "
                             "or a (low, high) pair")
        lo, hi = DOMAINS[domain]
        return lo, hi, domain == "nonzero"
    lo, hi = domain
    if not lo < hi:
        raise ValueError(f"domain ({lo}, {hi}): low must be below high")
    return float(lo), float(hi), False


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 0,
           max_side: int = 4) -> st.SearchStrategy:
    """Array shapes, by default 0-d to 3-d with sides 0..4 (so size-1 and empty dims).

    Example:
        >>> from hypothesis import given
        >>> @given(shapes(min_dims=1, max_dims=2, max_side=3))
        ... def test(s):
        ...     assert 1 <= len(s) <= 2 and all(0 <= n <= 3 for n in s)
        >>> test()
    """
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


_array_shapes = shapes  # check_op's ``shapes`` argument shadows the name


def broadcastable_shapes(n: int = 2, min_dims: int = 0, max_dims: int = 3, min_side: int = 0,
                         max_side: int = 4) -> st.SearchStrategy:
    """Tuples of ``n`` shapes that broadcast together (numpy's rules), e.g. ((3, 1), (2, 1, 4)).

    Example:
        >>> import numpy as np
        >>> from hypothesis import given
        >>> @given(broadcastable_shapes(3))
        ... def test(ss):
        ...     assert len(ss) == 3
        ...     np.broadcast_shapes(*ss)     # never raises
        >>> test()
    """
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
        max_side=max_side).map(lambda b: tuple(b.input_shapes))


def broadcastable_pairs(**kwargs: Any) -> st.SearchStrategy:
    """Pairs of shapes that broadcast together (``broadcastable_shapes(2, ...)``)."""
    return broadcastable_shapes(2, **kwargs)


def arrays(shape: Any, dtype: Any = np.float64, domain: Any = "any") -> st.SearchStrategy:
    """Arrays of ``shape`` (a tuple or a shape strategy) with values in ``domain``.

    Values are drawn uniformly from a seeded generator, so they are distinct
    (no ties for max/min) and never exactly on a kink; hypothesis chooses the
    seed and the shape. ``domain`` is a name in :data:`DOMAINS` ("any",
    "positive", "nonzero", "unit", "probability") or a ``(low, high)`` pair.

    Example:
        >>> from hypothesis import given
        >>> @given(arrays((2, 3), domain="positive"))
        ... def test(a):
        ...     assert a.shape == (2, 3) and a.dtype == np.float64 and (a > 0).all()
        >>> test()
    """
    lo, hi, signed = _bounds(domain)
    shape_st = shape if isinstance(shape, st.SearchStrategy) else st.just(tuple(shape))

    def build(shape_seed: tuple) -> np.ndarray:
        shp, seed = shape_seed
        rng = np.random.default_rng(seed)
        a = rng.uniform(lo, hi, shp)
        if signed:
            a = np.where(rng.random(shp) < 0.5, -a, a)
        return np.asarray(a, dtype=dtype)

    return st.tuples(shape_st, st.integers(0, 2**32 - 1)).map(build)


@dataclass
class Input:
    """One argument of the op under test, for :func:`check_op`.

    Args:
        shape: a fixed shape, a strategy drawing one, or None (draw with the
            ``check_op`` shape settings).
        domain: overrides ``check_op``'s domain for this argument.
        requires_grad: False for an argument that is not differentiated
            (it is still a float64 Tensor).
        value: a constant passed as is (an int, an index array, ...);
            ``shape`` and ``domain`` are then ignored.
    """

    shape: Any = None
    domain: Any = None
    requires_grad: bool = True
    value: Any = None


def input_specs(specs: Sequence) -> list:
    """``check_op``'s input specs as :class:`Input` records: an int n is n drawn inputs, a
    shape tuple or strategy a drawn input of that shape, anything else a constant."""
    if len(specs) == 1 and isinstance(specs[0], int) and not isinstance(specs[0], bool):
        return [Input() for _ in range(specs[0])]
    out = []
    for s in specs or (Input(),):
        if isinstance(s, Input):
            out.append(s)
        elif isinstance(s, st.SearchStrategy) or (isinstance(s, tuple) and
                                                 all(isinstance(n, int) for n in s)):
            out.append(Input(shape=s))
        else:
            out.append(Input(value=s))
    return out


def check_op(fn: Callable, *inputs: Any, ref: Callable | None = None, domain: Any = "any",
             shapes: st.SearchStrategy | None = None, gradgrad: bool = True,
             min_dims: int = 0, max_dims: int = 3, min_side: int = 0, max_side: int = 4,
             max_examples: int = 15, shrink: bool = True, eps: float = 1e-6, atol: float = 1e-5,
             rtol: float = 1e-3, ref_rtol: float = 1e-7, ref_atol: float = 1e-10) -> None:
    """Test an op on drawn inputs: forward vs ``ref``, gradcheck, shape contract, gradgradcheck.

    Args:
        fn: the op, called with Tensors (and the constants given).
        *inputs: what to pass to ``fn``. Nothing: one drawn float64 input. A
            single int ``n``: ``n`` inputs with mutually broadcastable drawn
            shapes. Otherwise one entry per argument: a shape tuple, a
            strategy drawing a shape, an :class:`Input`, or a constant
            (anything else, passed unchanged).
        ref: numpy reference called with the same arguments as numpy arrays;
            if it raises, ``fn`` must raise too (the example then ends there).
        domain: value domain of the drawn inputs (see :func:`arrays`).
        shapes: a strategy drawing one shape per drawn input (for ops whose
            inputs must fit together, e.g. matmul); overrides the others.
        gradgrad: also check second derivatives.
        min_dims, max_dims, min_side, max_side: for drawn shapes.
        max_examples: hypothesis examples (kept small so suites stay fast).
        shrink: let hypothesis shrink a failing example to a minimal one
            (clearer report, slower failure).
        eps, atol, rtol: passed to gradcheck and gradgradcheck.
        ref_rtol, ref_atol: forward tolerance against ``ref``.

    Raises:
        AssertionError: forward differs from ``ref`` in value, shape or dtype.
        autograd.gradcheck.GradcheckError: a gradient is wrong.

    Example:
        >>> import autograd as ag
        >>> check_op(ag.mul, 2, ref=np.multiply, max_examples=5)
        >>> check_op(ag.matmul, (2, 3), (3, 4), ref=np.matmul, max_examples=3)
    """
    specs = input_specs(inputs)
    drawn = [k for k, s in enumerate(specs) if s.value is None and s.shape is None]
    shape_kw = dict(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)
    if shapes is not None:
        group = shapes
        drawn = [k for k, s in enumerate(specs) if s.value is None]
    elif len(drawn) > 1:
        group = broadcastable_shapes(len(drawn), **shape_kw)
    elif drawn:
        group = _array_shapes(**shape_kw).map(lambda s: (s,))
    else:
        group = st.just(())

    phases = list(Phase) if shrink else [Phase.explicit, Phase.reuse, Phase.generate]

    @settings(max_examples=max_examples, deadline=None, database=None, phases=phases)
    @given(data=st.data())
    def run(data: Any) -> None:
        drawn_shapes = dict(zip(drawn, data.draw(group, label="shapes")))
        args: list = []
        for k, s in enumerate(specs):
            if s.value is not None:
                args.append(s.value)
                continue
            shp = drawn_shapes.get(k, s.shape)
            if isinstance(shp, st.SearchStrategy):
                shp = data.draw(shp, label=f"shape of input {k}")
            arr = data.draw(arrays(shp, np.float64, s.domain or domain), label=f"input {k}")
            t = Tensor._make(arr)
            t.requires_grad = s.requires_grad
            args.append(t)
        _check_one(fn, ref, args, gradgrad, eps, atol, rtol, ref_rtol, ref_atol)

    run()


def _check_one(fn: Callable, ref: Callable | None, args: list, gradgrad: bool, eps: float,
               atol: float, rtol: float, ref_rtol: float, ref_atol: float) -> None:
    raw = [a.array.copy() if isinstance(a, Tensor) else a for a in args]
    if ref is not None:
        try:
            want = ref(*[r.copy() if isinstance(r, np.ndarray) else r for r in raw])
        except Exception as e:
            try:
                fn(*args)
            except Exception:
                return
            raise AssertionError(f"the reference raised {type(e).__name__}: {e}, but the op "
                                 "returned a result") from None
    got = fn(*args)
    for k, (a, r) in enumerate(zip(args, raw)):
        if isinstance(a, Tensor):
            assert np.array_equal(a.array, r, equal_nan=True), \
                f"the op modified its input {k} in place (forward must not write to its inputs)"
    if ref is not None:
        _compare(got, want, ref_rtol, ref_atol)
    if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
        return
    gradcheck(fn, tuple(args), eps=eps, atol=atol, rtol=rtol)
    if gradgrad:
        gradgradcheck(fn, tuple(args), eps=eps, atol=atol, rtol=rtol)


def _compare(got: Any, want: Any, rtol: float, atol: float) -> None:
    got_t = got if isinstance(got, (tuple, list)) else (got,)
    want_t = want if isinstance(want, (tuple, list)) else (want,)
    assert len(got_t) == len(want_t), f"op returned {len(got_t)} outputs, reference {len(want_t)}"
    for k, (g, w) in enumerate(zip(got_t, want_t)):
        assert isinstance(g, Tensor), f"output {k} is a {type(g).__name__}, not a Tensor"
        w = np.asarray(w)
        assert g.shape == w.shape, f"output {k}: shape {tuple(g.shape)}, reference shape {w.shape}"
        if w.dtype.kind == "f":
            assert g.dtype == np.float64, \
                f"output {k}: dtype {g.dtype} from float64 inputs (expected float64)"
        np.testing.assert_allclose(g.array, w, rtol=rtol, atol=atol,
                                   err_msg=f"output {k} differs from the reference")
