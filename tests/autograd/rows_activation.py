"""Op-table rows of the activations beyond the core (selu ... rrelu).

``test_ops_elementwise.TABLE`` takes these rows in. Inputs are drawn away from
the kinks (``nonzero`` keeps |x| >= 0.1, shifted domains keep away from the
corners of hardtanh and friends), where the numerical derivative is undefined;
the corners themselves are checked against PyTorch in ``tests/nn/test_activation_more.py``.
"""

import numpy as np
from hypothesis import strategies as st

import autograd as ag
from tests.autograd.opspec import Nan, OpSpec
from tests.robustness import bad_op_cases as bad
from tests.robustness.bad_input_helpers import t

_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


def _F(T):
    return T.nn.functional


def _act(name, fn, ref, extra_bad=(), **kw):
    """A one-input activation: refuses non-Tensors, NaN stays in place."""
    torch = kw.pop("torch", None) or (lambda T, x: getattr(_F(T), name)(x))
    return OpSpec(name, fn, ref, torch=torch, bad=bad.UNARY_BAD + extra_bad,
                  nan=kw.pop("nan", Nan(fn, in_place=True)), non_tensor=kw.pop("non_tensor", ()),
                  **kw)


def _case(op, call, needles):
    return bad.fixed(lambda data: (call, op, needles))


def _glu_odd(data):
    n = data.draw(st.sampled_from([1, 3, 5]))
    return lambda: ag.glu(t(2, n), dim=1), "glu", ((2, n), n)


def _softplus(x):
    return np.log1p(np.exp(x))


def _np_hardsigmoid(x):
    return np.clip(x + 3, 0, 6) / 6


def _np_glu(x):
    a, b = np.split(x, 2, axis=-1)
    return a / (1 + np.exp(-b))


def _np_softmin(x, dim):
    e = np.exp(-x - (np.max(-x, axis=dim, keepdims=True) if x.size else 0))
    return e / e.sum(axis=dim, keepdims=True)


_EVEN_LAST = st.tuples(st.integers(0, 3), st.integers(0, 2)).map(lambda s: (s[0], 2 * s[1]))

ROWS = [
    _act("selu", ag.selu, lambda x: _SCALE * np.where(x > 0, x, _ALPHA * np.expm1(x)),
         domain="nonzero"),
    _act("celu", lambda x: ag.celu(x, alpha=1.5),
         lambda x: np.where(x > 0, x, 1.5 * np.expm1(x / 1.5)), domain="nonzero",
         torch=lambda T, x: _F(T).celu(x, alpha=1.5),
         extra_bad=(("alpha", _case("celu", lambda: ag.celu(t(2), alpha=0.0), ("alpha",))),),
         nan=Nan(ag.celu, in_place=True)),
    _act("silu", ag.silu, lambda x: x / (1 + np.exp(-x))),
    _act("mish", ag.mish, lambda x: x * np.tanh(_softplus(x))),
    _act("hardswish", ag.hardswish, lambda x: x * np.clip(x + 3, 0, 6) / 6, domain=(-4.0, 4.0),
         kw={"max_examples": 10}),
    _act("hardsigmoid", ag.hardsigmoid, _np_hardsigmoid, domain=(-4.0, 4.0)),
    _act("hardtanh", ag.hardtanh, lambda x: np.clip(x, -1, 1),
         extra_bad=(("bounds", _case("hardtanh", lambda: ag.hardtanh(t(2), 1.0, -1.0),
                                     ("min_val", "max_val"))),)),
    _act("relu6", lambda x: ag.relu6(x * 4), lambda x: np.clip(x * 4, 0, 6),
         torch=lambda T, x: _F(T).relu6(x * 4), nan=Nan(ag.relu6, in_place=True)),
    _act("softsign", ag.softsign, lambda x: x / (1 + np.abs(x)), domain="nonzero"),
    OpSpec("softmin", lambda x: ag.softmin(x, dim=-1), lambda x: _np_softmin(x, -1),
           kw={"min_dims": 1}, torch=lambda T, x: _F(T).softmin(x, dim=-1),
           bad=bad.UNARY_BAD + bad.DIM_BAD, nan=Nan(lambda x: ag.softmin(x, dim=1)),
           non_tensor=()),
    _act("logsigmoid", ag.logsigmoid, lambda x: -_softplus(-x)),
    _act("tanhshrink", ag.tanhshrink, lambda x: x - np.tanh(x)),
    _act("softshrink", ag.softshrink,
         lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0.0)),
         domain="any", kw={"max_examples": 10},
         extra_bad=(("lambd", _case("softshrink", lambda: ag.softshrink(t(2), -1.0),
                                    ("lambd", "-1.0"))),)),
    _act("hardshrink", ag.hardshrink, lambda x: np.where(np.abs(x) > 0.5, x, 0.0),
         torch=lambda T, x: _F(T).hardshrink(x),
         extra_bad=(("lambd", _case("hardshrink", lambda: ag.hardshrink(t(2), -0.5),
                                    ("lambd", "-0.5"))),)),
    _act("threshold", lambda x: ag.threshold(x, 0.3, -2.0), lambda x: np.where(x > 0.3, x, -2.0),
         torch=lambda T, x: _F(T).threshold(x, 0.3, -2.0),
         extra_bad=(("value", _case("threshold", lambda: ag.threshold(t(2), 0.0, "low"),
                                    ("value", "low"))),),
         nan=Nan(lambda x: ag.threshold(x, 0.0, -1.0), in_place=True), non_tensor=(0.0, -1.0)),
    OpSpec("glu", ag.glu, _np_glu, inputs=(_EVEN_LAST,), torch=lambda T, x: _F(T).glu(x),
           bad=bad.UNARY_BAD + (("odd", bad.fixed(_glu_odd)),), nan=Nan(ag.glu),
           non_tensor=()),
    _act("rrelu", ag.rrelu, lambda x: np.where(x > 0, x, x * (1 / 8 + 1 / 3) / 2),
         domain="nonzero",
         extra_bad=(("bounds", _case("rrelu", lambda: ag.rrelu(t(2), 0.5, 0.1),
                                     ("lower", "upper"))),)),
]

