"""Shared pieces of the bad-input tests: the one oracle, its case counter and the strategies.

``check_clear_error`` is the one oracle: the exception is a ValueError,
TypeError, IndexError or RuntimeError raised by us, not a numpy exception
leaking from inside, and its message names the op and the offending shapes or
values. The op cases are the ``bad`` entries of the op tables' rows (built by
``bad_op_cases.py``). Every case tried, by ``test_bad_input.py`` and
``test_bad_input_layers.py`` alike, is counted in ``TRIED``;
``test_zz_case_count.py`` runs last and prints the total.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

import autograd as ag

TRIED: Counter = Counter()
ALLOWED = (ValueError, TypeError, IndexError, RuntimeError)
# no shrinking: a failing case is reported as drawn (the xfailed ones would spend seconds shrinking)
SETTINGS = settings(max_examples=4, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow])


def check_clear_error(thunk: Callable[[], Any], name: str, needles: tuple = ()) -> None:
    """``thunk()`` must raise one of ALLOWED, from our code, naming ``name`` and ``needles``.

    For a layer, ``name`` is its class name; the message may name the layer
    or its functional op (``Linear`` or ``linear``), as PyTorch's do.
    """
    TRIED[name] += 1
    with pytest.raises(Exception) as info:
        thunk()
    err = info.value
    shown = f"{type(err).__module__}.{type(err).__name__}: {err}"
    assert isinstance(err, ALLOWED), f"{name}: wrong exception kind {shown}"
    assert not type(err).__module__.startswith("numpy"), f"{name}: numpy error leaked: {shown}"
    msg = str(err)
    names = (name, name.lower(), FUNCTIONAL.get(name, name))
    assert any(n in msg for n in names), f"message does not name {name!r}: {shown}"
    for needle in needles:
        assert str(needle) in msg, f"{name}: message does not show {needle!r}: {shown}"


# a layer's functional op, named in its errors as in PyTorch's
FUNCTIONAL = {"MSELoss": "mse_loss", "L1Loss": "l1_loss", "HuberLoss": "huber_loss",
              "SmoothL1Loss": "smooth_l1_loss", "BCEWithLogitsLoss": "binary_cross_entropy",
              "BCELoss": "binary_cross_entropy", "KLDivLoss": "kl_div", "NLLLoss": "nll_loss",
              "CrossEntropyLoss": "cross_entropy", "BatchNorm1d": "batch_norm",
              "BatchNorm2d": "batch_norm", "LayerNorm": "layer_norm", "GroupNorm": "group_norm",
              "MaxPool2d": "max_pool2d", "AvgPool2d": "avg_pool2d",
              "AdaptiveAvgPool2d": "adaptive_avg_pool2d", "ConvTranspose2d": "conv_transpose2d",
              "LogSoftmax": "log_softmax"}
FUNCTIONAL.update({
    "MaxPool1d": "max_pool1d", "AvgPool1d": "avg_pool1d",
    "MaxPool3d": "max_pool3d", "AvgPool3d": "avg_pool3d", "ConvTranspose3d": "conv_transpose3d",
    "AdaptiveAvgPool1d": "adaptive_avg_pool1d", "AdaptiveMaxPool1d": "adaptive_max_pool1d",
    "MaxUnpool2d": "max_unpool2d", "CosineSimilarity": "cosine_similarity",
    "PairwiseDistance": "pairwise_distance",
    "CosineEmbeddingLoss": "cosine_embedding_loss", "MarginRankingLoss": "margin_ranking_loss",
    "TripletMarginLoss": "triplet_margin_loss", "HingeEmbeddingLoss": "hinge_embedding_loss",
    "SoftMarginLoss": "soft_margin_loss", "MultiLabelSoftMarginLoss": "multilabel_soft_margin_loss",
    "MultiMarginLoss": "multi_margin_loss", "MultiLabelMarginLoss": "multilabel_margin_loss",
    "PoissonNLLLoss": "poisson_nll_loss", "GaussianNLLLoss": "gaussian_nll_loss",
    "CTCLoss": "ctc_loss"})
FUNCTIONAL.update({
    "RMSNorm": "rms_norm", "AdaptiveAvgPool3d": "adaptive_avg_pool3d",
    "AdaptiveMaxPool3d": "adaptive_max_pool3d", "LPPool1d": "lp_pool1d", "LPPool2d": "lp_pool2d",
    "LPPool3d": "lp_pool3d", "MaxUnpool1d": "max_unpool1d", "MaxUnpool3d": "max_unpool3d",
    "FractionalMaxPool2d": "fractional_max_pool2d",
    "FractionalMaxPool3d": "fractional_max_pool3d"})


def t(*shape: int, dtype: Any = np.float64, grad: bool = True) -> ag.Tensor:
    data = np.random.default_rng(len(shape)).standard_normal(shape).astype(dtype)
    return ag.tensor(data, requires_grad=grad and np.dtype(dtype).kind == "f")


# ----------------------------------------------------------------- strategies
sizes = st.integers(2, 4)
shapes = st.lists(sizes, min_size=1, max_size=3).map(tuple)


def clashing(data: Any) -> tuple[tuple, tuple]:
    """Two shapes that cannot broadcast: one dim differs and neither side is 1."""
    a = data.draw(shapes)
    d = data.draw(st.integers(0, len(a) - 1))
    other = data.draw(sizes.filter(lambda s: s != a[d]))
    return a, a[:d] + (other,) + a[d + 1:]


def bad_dim(data: Any, ndim: int) -> int:
    """A dim outside ``[-ndim, ndim)``."""
    return data.draw(st.one_of(st.integers(ndim, ndim + 3), st.integers(-ndim - 4, -ndim - 1)))


def _x(*shape):
    return t(*shape, dtype=np.float32, grad=False)


def _ids(*values):
    return ag.tensor(np.array(values, np.int64))
