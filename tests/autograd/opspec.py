"""The op-spec record the op tables use, and the generic walks over a table.

Each op family's test file holds one ``TABLE`` of :class:`OpSpec` rows
(``test_ops_elementwise``, ``test_ops_reduce``, ``test_ops_shape``,
``test_conv``, ``test_pool``). A row carries everything the generic tests
need to know about one op: the call, its numpy reference and input domain
(forward, gradcheck, gradgradcheck, broadcasting: :func:`walk`), the
PyTorch equivalent (:func:`torch_walk`), the mistakes a caller can make
(``bad``, walked by ``tests/robustness/test_bad_input.py``) and the call
that NaN, inf and empty tensors go through (``nan``, same file). An op may
have several rows (variants of its arguments); its ``bad`` cases and its
``nan`` row sit on one of them. ``tests/autograd/test_registry.py`` fails
when a registered op has no row, or a row names no registered op.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd.testing import arrays, broadcastable_shapes, check_op, input_specs, shapes

#: a bad-input builder: op name -> a case drawing ``(thunk, name the error must show, needles)``
Builder = Callable[[str], Callable[[Any], tuple]]


@dataclass(frozen=True)
class Nan:
    """How NaN, inf and empty tensors go through an op: ``call(x)`` on one drawn tensor.

    Args:
        call: the op applied to ``x`` (other operands fixed).
        shape: the shape of ``x``.
        empty: the call for a zero-size batch ``x`` of shape ``(0, *shape[1:])``:
            None to use ``call``, False where the op refuses empty input.
        in_place: elementwise: a NaN stays at its position.
    """

    call: Callable
    shape: tuple = (3, 4)
    empty: Callable | None | bool = None
    in_place: bool = False


@dataclass
class OpSpec:
    """One row of an op table.

    Args:
        name: the registered op name (``autograd.REGISTRY`` key) this row tests.
        fn: called with Tensors (and the constants in ``inputs``).
        ref: numpy reference with the same call signature, or None.
        inputs: ``check_op`` input specs (shapes, ``Input``s or constants);
            an int n draws n mutually broadcastable inputs.
        domain: value domain of drawn inputs.
        kw: extra ``check_op`` settings (shapes strategy, min_side, gradgrad, ...).
        torch: the PyTorch equivalent of ``fn``: a name in ``torch`` called with the same
            arguments, or ``f(torch, *args)``; None where PyTorch has none.
        bad: ``(kind, builder)`` pairs, one per mistake a caller can make; the case id is
            ``"{name}-{kind}"``.
        nan: the op's NaN / inf / empty-tensor row.
        non_tensor: the arguments after a non-Tensor first argument that the op must refuse
            with a clear error (None: not a one-input op).
    """

    name: str
    fn: Callable
    ref: Callable | None = None
    inputs: tuple = (1,)
    domain: Any = "any"
    kw: dict = field(default_factory=dict)
    torch: str | Callable | None = None
    bad: tuple = ()
    nan: Nan | None = None
    non_tensor: tuple | None = None

    def __str__(self) -> str:
        return self.name


def walk(spec: OpSpec) -> None:
    """Forward vs numpy, gradcheck, shape contract and gradgradcheck over drawn inputs."""
    check_op(spec.fn, *spec.inputs, ref=spec.ref, domain=spec.domain, **spec.kw)


def rows_of(*tables: list) -> list:
    """The rows of several tables, in order."""
    return [row for table in tables for row in table]


def all_rows() -> list:
    """Every row of every op table."""
    from tests.autograd import (
        test_conv,
        test_ops_distance,
        test_ops_elementwise,
        test_ops_linalg,
        test_ops_nn,
        test_ops_products_more,
        test_ops_reduce,
        test_ops_select_scatter,
        test_ops_shape,
        test_ops_stats,
        test_pool,
    )

    return rows_of(test_ops_elementwise.TABLE, test_ops_reduce.TABLE, test_ops_shape.TABLE,
                   test_conv.TABLE, test_pool.TABLE, test_ops_nn.TABLE,
                   test_ops_linalg.TABLE, test_ops_distance.TABLE,
                   test_ops_stats.TABLE, test_ops_products_more.TABLE,
                   test_ops_select_scatter.TABLE)


# ------------------------------------------------------------------ PyTorch parity
_SHAPE_KW = ("min_dims", "max_dims", "min_side", "max_side")


def _draw(spec: OpSpec, data: Any) -> list:
    """Arguments as ``check_op`` draws them: ``(array, requires_grad)`` or a constant."""
    specs = input_specs(spec.inputs)
    shape_kw = {k: v for k, v in spec.kw.items() if k in _SHAPE_KW}
    drawn = [k for k, s in enumerate(specs) if s.value is None and s.shape is None]
    if "shapes" in spec.kw:
        group = spec.kw["shapes"]
        drawn = [k for k, s in enumerate(specs) if s.value is None]
    elif len(drawn) > 1:
        group = broadcastable_shapes(len(drawn), **shape_kw)
    elif drawn:
        group = shapes(**shape_kw).map(lambda s: (s,))
    else:
        group = st.just(())
    got = dict(zip(drawn, data.draw(group, label="shapes")))
    args: list = []
    for k, s in enumerate(specs):
        if s.value is not None:
            args.append(s.value)
            continue
        shp = got.get(k, s.shape)
        if isinstance(shp, st.SearchStrategy):
            shp = data.draw(shp, label=f"shape of input {k}")
        arr = data.draw(arrays(shp, np.float64, s.domain or spec.domain), label=f"input {k}")
        args.append((arr, s.requires_grad))
    return args


def _outputs(out: Any) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def torch_walk(spec: OpSpec, max_examples: int = 2) -> None:
    """Forward values and every input gradient against PyTorch on drawn inputs.

    The upstream gradient is random (the same for both), so a backward that
    ignores it or transposes it is caught, as in gradcheck.
    """
    torch = pytest.importorskip("torch")
    tfn = spec.torch if callable(spec.torch) else (
        lambda T, *a: getattr(T, str(spec.torch))(*a))

    @settings(max_examples=max_examples, deadline=None, database=None)
    @given(data=st.data(), seed=st.integers(0, 2**16))
    def run(data: Any, seed: int) -> None:
        drawn = _draw(spec, data)
        ours = [ag.tensor(a[0], requires_grad=a[1]) if isinstance(a, tuple) else a
                for a in drawn]
        theirs = [torch.tensor(a[0], requires_grad=a[1]) if isinstance(a, tuple) else a
                  for a in drawn]
        try:
            want = _outputs(tfn(torch, *theirs))
        except (RuntimeError, ValueError, IndexError):
            return  # PyTorch refuses these inputs (an empty reduction, ...): nothing to compare
        got = _outputs(spec.fn(*ours))
        assert len(got) == len(want), f"{spec.name}: {len(got)} outputs, PyTorch {len(want)}"
        rng = np.random.default_rng(seed)
        loss_ours, loss_theirs = [], []
        for k, (g, w) in enumerate(zip(got, want)):
            w_np = w.detach().numpy()
            assert g.shape == w_np.shape, f"{spec.name} output {k}: {g.shape} vs {w_np.shape}"
            np.testing.assert_allclose(g.array, w_np, rtol=1e-7, atol=1e-10,
                                       err_msg=f"{spec.name} output {k} differs from PyTorch")
            if g.requires_grad and w.requires_grad:
                up = rng.normal(size=w_np.shape)
                loss_ours.append((g * ag.tensor(up)).sum())
                loss_theirs.append((w * torch.tensor(up)).sum())
        if not loss_ours:
            return
        sum(loss_ours).backward()
        sum(loss_theirs).backward()
        for k, (a, b) in enumerate(zip(ours, theirs)):
            if isinstance(a, ag.Tensor) and a.requires_grad:
                want_g = np.zeros(a.shape) if b.grad is None else b.grad.numpy()
                got_g = np.zeros(a.shape) if a.grad is None else a.grad.array
                np.testing.assert_allclose(got_g, want_g, rtol=1e-6, atol=1e-9,
                                           err_msg=f"{spec.name}: gradient of input {k}")

    run()
