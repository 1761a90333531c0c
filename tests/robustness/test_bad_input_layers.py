"""Bad input to every nn layer and loss gets a clear error naming the layer and the bad values.

Each row of ``LAYER_CASES`` draws one kind of mistake with hypothesis (two
sizes) and says which layer the message must name (or its functional op, as
in PyTorch) and which shapes or values it must show; ``check_clear_error`` (in
``bad_input_helpers``) is the oracle. Unknown keyword arguments get Python's
own TypeError, and NaN and inf must pass through every layer without a crash.
The ops are in ``test_bad_input.py``.
"""
from __future__ import annotations

from collections import Counter
from typing import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from tests.robustness.bad_input_helpers import (
    FUNCTIONAL,
    SETTINGS,
    TRIED,
    _ids,
    _x,
    check_clear_error,
    sizes,
)


def _layer(name: str, build: Callable) -> tuple[str, Callable]:
    """A layer case: ``build(a, b)`` (two drawn sizes) returns (thunk, needles)."""
    def case(data):
        a, b = data.draw(sizes), data.draw(sizes)
        thunk, needles = build(a, b)
        return thunk, name, needles
    return name, case


LAYER_CASES = [
    _layer("Linear", lambda a, b: (lambda: nn.Linear(a, b)(_x(2, a + 1)), ((2, a + 1), (b, a)))),
    _layer("Linear", lambda a, b: (lambda: nn.Linear(-a, b), (-a,))),
    _layer("Linear", lambda a, b: (lambda: nn.Linear(a + 0.5, b), (a + 0.5,))),
    _layer("Bilinear", lambda a, b: (lambda: nn.Bilinear(a, b, 2)(_x(2, a), _x(2, b + 1)),
                                     ((2, b + 1),))),
    _layer("Conv2d", lambda a, b: (lambda: nn.Conv2d(a, b, 3)(_x(1, a + 1, 6, 6)), (a + 1,))),
    _layer("Conv2d", lambda a, b: (lambda: nn.Conv2d(a, b, 3)(_x(6, 6)), ((6, 6),))),
    _layer("Conv2d", lambda a, b: (lambda: nn.Conv2d(a, b, 7)(_x(1, a, b, b)), (7,))),
    _layer("Conv2d", lambda a, b: (lambda: nn.Conv2d(-a, b, 3), (-a,))),
    _layer("Conv2d", lambda a, b: (lambda: nn.Conv2d(a, b, 0), ("kernel_size",))),
    _layer("Conv2d", lambda a, b: (lambda: nn.Conv2d(a, b, 3, stride=1 - a), (1 - a,))),
    _layer("Conv2d", lambda a, b: (lambda: nn.Conv2d(a, b, 3, padding=-a), (-a,))),
    _layer("Conv2d", lambda a, b: (lambda: nn.Conv2d(a, a * b + 1, 3, groups=a), ("groups",))),
    _layer("Conv2d", lambda a, b: (lambda: nn.Conv2d(a, b, 3, padding_mode="mirror"),
                                   ("mirror",))),
    _layer("ConvTranspose2d", lambda a, b: (lambda: nn.ConvTranspose2d(a, b, 3)(
        _x(1, a + 1, 4, 4)), (a + 1,))),
    _layer("MaxPool2d", lambda a, b: (lambda: nn.MaxPool2d(5 + a)(_x(1, 1, 4, 4)), (5 + a,))),
    _layer("MaxPool2d", lambda a, b: (lambda: nn.MaxPool2d(1 - a)(_x(1, 1, 4, 4)), (1 - a,))),
    _layer("AvgPool2d", lambda a, b: (lambda: nn.AvgPool2d(-a)(_x(1, 1, 4, 4)), (-a,))),
    _layer("AvgPool2d", lambda a, b: (lambda: nn.AvgPool2d(2)(_x(a, b)), ((a, b),))),
    _layer("AdaptiveAvgPool2d", lambda a, b: (lambda: nn.AdaptiveAvgPool2d(1 - a)(
        _x(1, 1, 4, 4)), (1 - a,))),
    _layer("Flatten", lambda a, b: (lambda: nn.Flatten(a + 2)(_x(2, 3)), (a + 2,))),
    _layer("Unflatten", lambda a, b: (lambda: nn.Unflatten(1, (a, a))(_x(2, a * a + 1)),
                                      ((a, a),))),
    _layer("Dropout", lambda a, b: (lambda: nn.Dropout(1.0 + a / 10), (1.0 + a / 10,))),
    _layer("Dropout", lambda a, b: (lambda: nn.Dropout(-a / 10), (-a / 10,))),
    _layer("BatchNorm1d", lambda a, b: (lambda: nn.BatchNorm1d(a)(_x(4, a + 1)), ((4, a + 1),))),
    _layer("BatchNorm1d", lambda a, b: (lambda: nn.BatchNorm1d(a)(_x(2, a, 2, 2)),
                                        ((2, a, 2, 2),))),
    _layer("BatchNorm1d", lambda a, b: (lambda: nn.BatchNorm1d(-a), (-a,))),
    _layer("BatchNorm1d", lambda a, b: (lambda: nn.BatchNorm1d(a)(_x(1, a)), ((1, a),))),
    _layer("BatchNorm2d", lambda a, b: (lambda: nn.BatchNorm2d(a)(_x(2, a + 1, 2, 2)),
                                        ((2, a + 1, 2, 2),))),
    _layer("BatchNorm2d", lambda a, b: (lambda: nn.BatchNorm2d(a)(_x(2, a)), ((2, a),))),
    _layer("LayerNorm", lambda a, b: (lambda: nn.LayerNorm(a)(_x(2, a + 1)), ((2, a + 1),))),
    _layer("GroupNorm", lambda a, b: (lambda: nn.GroupNorm(a, a * b + 1), (a, a * b + 1))),
    _layer("GroupNorm", lambda a, b: (lambda: nn.GroupNorm(1, a)(_x(2, a + 1, 2)),
                                      ((2, a + 1, 2),))),
    _layer("Embedding", lambda a, b: (lambda: nn.Embedding(a, b)(_ids(0, a + b)), (a + b,))),
    _layer("Embedding", lambda a, b: (lambda: nn.Embedding(a, b)(_ids(0, -b)), (-b,))),
    _layer("Embedding", lambda a, b: (lambda: nn.Embedding(a, b)(_x(2)), ("float32",))),
    _layer("Embedding", lambda a, b: (lambda: nn.Embedding(-a, b), (-a,))),
    _layer("Embedding", lambda a, b: (lambda: nn.Embedding(a, b, padding_idx=a + b), (a + b,))),
    _layer("PReLU", lambda a, b: (lambda: nn.PReLU(a)(_x(2, a + 1, 3)), ((2, a + 1, 3),))),
    _layer("Softmax", lambda a, b: (lambda: nn.Softmax(dim=a)(_x(2, 3)), (a,))),
    _layer("LogSoftmax", lambda a, b: (lambda: nn.LogSoftmax(dim=-a - 3)(_x(2, 3)), (-a - 3,))),
] + [
    _layer(cls, lambda a, b, cls=cls: (lambda: getattr(nn, cls)(a, b)(_x(5, 2, a + 1)),
                                       (a, a + 1))) for cls in ("RNN", "LSTM", "GRU")
] + [
    _layer(cls, lambda a, b, cls=cls: (lambda: getattr(nn, cls)(a, b)(_x(a)), ((a,),)))
    for cls in ("RNN", "LSTM", "GRU")
] + [
    _layer(cls, lambda a, b, cls=cls: (lambda: getattr(nn, cls)(a, b, num_layers=1 - a),
                                       (1 - a,))) for cls in ("RNN", "LSTM", "GRU")
] + [
    _layer(cls, lambda a, b, cls=cls: (lambda: getattr(nn, cls)(a, b)(_x(2, a + 1)), ((2, a + 1),)))
    for cls in ("RNNCell", "LSTMCell", "GRUCell")
] + [
    _layer("RNN", lambda a, b: (lambda: nn.RNN(a, b)(_x(3, 2, a), _x(1, 2, b + 1)),
                                ((1, 2, b + 1),))),
    _layer("LSTM", lambda a, b: (lambda: nn.LSTM(a, b)(_x(3, 2, a), (_x(1, 2, b), _x(1, 2, b + 1))),
                                 ((1, 2, b + 1),))),
    _layer("LSTM", lambda a, b: (lambda: nn.LSTM(a, b)(_x(3, 2, a), _x(1, 2, b)), ("hx",))),
    _layer("RNN", lambda a, b: (lambda: nn.RNN(a, b, nonlinearity="sigmoid"), ("sigmoid",))),
] + [
    _layer(cls, lambda a, b, cls=cls: (lambda: getattr(nn, cls)()(_x(a, b), _x(b + 1, a)),
                                       ((a, b), (b + 1, a))))
    for cls in ("MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "BCEWithLogitsLoss",
                "KLDivLoss")
] + [
    _layer(cls, lambda a, b, cls=cls: (lambda: getattr(nn, cls)(reduction="avg"), ("avg",)))
    for cls in ("MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss")
] + [
    _layer("CrossEntropyLoss", lambda a, b: (lambda: nn.CrossEntropyLoss()(
        _x(a, b), _ids(*range(a + 1))), ((a + 1,), (a, b)))),
    _layer("NLLLoss", lambda a, b: (lambda: nn.NLLLoss()(_x(a, b), _ids(*range(a + 1))),
                                    ((a + 1,), (a, b)))),
    _layer("NLLLoss", lambda a, b: (lambda: nn.NLLLoss()(_x(2, b), _ids(0, b + a)), (b + a,))),
    _layer("BCELoss", lambda a, b: (lambda: nn.BCELoss()(ag.full((a, b), 0.5), _x(b + 1, a)),
                                    ((a, b), (b + 1, a)))),
    _layer("BCELoss", lambda a, b: (lambda: nn.BCELoss()(ag.full((a, b), 1.0 + a),
                                                         ag.ones(a, b)), ("between 0 and 1",))),
    _layer("HuberLoss", lambda a, b: (lambda: nn.HuberLoss(delta=-a)(_x(2), _x(2)), (-a,))),
    _layer("SmoothL1Loss", lambda a, b: (lambda: nn.SmoothL1Loss(beta=-a)(_x(2), _x(2)), (-a,))),
    _layer("GELU", lambda a, b: (lambda: nn.GELU("exact" * a), ("exact",))),
    _layer("Dropout", lambda a, b: (lambda: nn.Dropout("half"), ("half",))),
    _layer("Flatten", lambda a, b: (lambda: nn.Flatten("one")(_x(2, a)), ("one",))),
    _layer("Softmax", lambda a, b: (lambda: nn.Softmax(dim="last")(_x(2, a)), ("last",))),
    _layer("BatchNorm2d", lambda a, b: (lambda: nn.BatchNorm2d(a, momentum=1.0 + b), (1.0 + b,))),
    _layer("KLDivLoss", lambda a, b: (lambda: nn.KLDivLoss(reduction="avg"), ("avg",))),
    _layer("CrossEntropyLoss", lambda a, b: (lambda: nn.CrossEntropyLoss(label_smoothing=1.0 + a),
                                             (1.0 + a,))),
    _layer("CrossEntropyLoss", lambda a, b: (lambda: nn.CrossEntropyLoss(weight=ag.ones(a + 1))(
        _x(2, a), _ids(0, 1)), ((a,), (a + 1,)))),
    _layer("NLLLoss", lambda a, b: (lambda: nn.NLLLoss(weight=ag.ones(a + 1))(_x(2, a), _ids(0, 1)),
                                    ((a,), (a + 1,)))),
    _layer("GroupNorm", lambda a, b: (lambda: nn.GroupNorm(0, a), ("num_groups=0",))),
    _layer("Embedding", lambda a, b: (lambda: nn.Embedding(a, 1 - b), (1 - b,))),
    _layer("Linear", lambda a, b: (lambda: nn.Linear(a, -b), (-b,))),
    _layer("LSTM", lambda a, b: (lambda: nn.LSTM(a, b, bidirectional=True)(
        _x(3, 2, a), (_x(1, 2, b), _x(1, 2, b))), ((2, 2, b), (1, 2, b)))),
    _layer("GRU", lambda a, b: (lambda: nn.GRU(a, b, batch_first=True)(_x(2, 3, a + 1)),
                                (a, a + 1))),
    _layer("RNN", lambda a, b: (lambda: nn.RNN(a, b, dropout=1.0 + a), (1.0 + a,))),
    _layer("ConvTranspose2d", lambda a, b: (lambda: nn.ConvTranspose2d(a, -b, 3), (-b,))),
    _layer("Conv2d", lambda a, b: (lambda: nn.Conv2d(a, b, (3, 3, a)), ((3, 3, a),))),
    _layer("Conv2d", lambda a, b: (lambda: nn.Conv2d(a, b, 3, padding="same", stride=b),
                                   ("same",))),
    _layer("Conv2d", lambda a, b: (lambda: nn.Conv2d(a, b, 3, padding="full"), ("full",))),
    ("Sequential-non-module", lambda data: (lambda: nn.Sequential(nn.Linear(2, 2), 3), "Module",
                                            ("int",))),
]

LAYER_BUGS: dict = {}  # case name -> reason, for a case that shows a library bug
LAYER_CASES += [
    ("LayerNorm-negative", lambda data: (lambda: nn.LayerNorm(-5), "LayerNorm", ("-5",))),
    ("LeakyReLU-str", lambda data: (lambda: nn.LeakyReLU("x")(_x(2, 3)), "LeakyReLU", ("x",))),
    ("ELU-str", lambda data: (lambda: nn.ELU("x")(_x(2, 3)), "ELU", ("x",))),
    ("BCEWithLogitsLoss-pos_weight", lambda data: (
        lambda: nn.BCEWithLogitsLoss(pos_weight=_x(7))(_x(2, 3), _x(2, 3)),
        "BCEWithLogitsLoss", ((7,), (2, 3)))),
    ("Softplus-str", lambda data: (lambda: nn.Softplus(beta="a")(_x(2, 3)), "Softplus", ("a",))),
    ("PReLU-negative", lambda data: (lambda: nn.PReLU(-1), "PReLU", ("-1",))),
    ("Bilinear-negative", lambda data: (lambda: nn.Bilinear(3, -2, 4), "Bilinear", ("-2",))),
    ("BCELoss-weight", lambda data: (
        lambda: nn.BCELoss(weight=ag.ones(5))(ag.full((2, 3), 0.5), ag.ones(2, 3)), "BCELoss",
        ((5,), (2, 3)))),
    ("BatchNorm1d-running-stats", lambda data: (
        lambda: F.batch_norm(_x(4, 3), _x(5), _x(5), training=True), "BatchNorm1d", ((5,), 3))),
]

LAYER_CASES += [  # pooling, distance and loss layers of issue 13's nn.functional
    _layer("MaxPool1d", lambda a, b: (lambda: nn.MaxPool1d(5 + a)(_x(1, 1, 4)), (5 + a,))),
    _layer("AvgPool1d", lambda a, b: (lambda: nn.AvgPool1d(2)(_x(a, b, 3, 3)), ((a, b, 3, 3),))),
    _layer("AdaptiveAvgPool1d", lambda a, b: (lambda: nn.AdaptiveAvgPool1d(-a)(_x(1, 2, 4)),
                                              (-a,))),
    _layer("AdaptiveMaxPool1d", lambda a, b: (lambda: nn.AdaptiveMaxPool1d(2)(_x(a)), ((a,),))),
    _layer("MaxUnpool2d", lambda a, b: (lambda: nn.MaxUnpool2d(2)(_x(1, 1, a, b), _ids(0)),
                                        ((1, 1, a, b),))),
    _layer("Fold", lambda a, b: (lambda: nn.Fold((4, 4), 2)(_x(1, 4 * a + 1, 9)),
                                 (4 * a + 1,))),
    _layer("Unfold", lambda a, b: (lambda: nn.Unfold(2)(_x(a, b)), ((a, b),))),
    _layer("CosineSimilarity", lambda a, b: (lambda: nn.CosineSimilarity()(
        _x(2, a), _x(2, a + b)), ((2, a), (2, a + b)))),
    _layer("PairwiseDistance", lambda a, b: (lambda: nn.PairwiseDistance()(
        _x(2, a), _x(2, a + b)), ((2, a), (2, a + b)))),
    _layer("CosineEmbeddingLoss", lambda a, b: (lambda: nn.CosineEmbeddingLoss()(
        _x(2, a), _x(2, a), _x(a + 1)), ((a + 1,),))),
    _layer("MarginRankingLoss", lambda a, b: (lambda: nn.MarginRankingLoss()(
        _x(a), _x(a + b), _x(a)), ((a + b,),))),
    _layer("TripletMarginLoss", lambda a, b: (lambda: nn.TripletMarginLoss()(
        _x(2, a), _x(2, a + b), _x(2, a)), ((2, a + b),))),
    _layer("HingeEmbeddingLoss", lambda a, b: (lambda: nn.HingeEmbeddingLoss()(
        _x(a), _x(a + b)), ((a + b,),))),
    _layer("SoftMarginLoss", lambda a, b: (lambda: nn.SoftMarginLoss()(_x(a), _x(a + b)),
                                           ((a + b,),))),
    _layer("MultiLabelSoftMarginLoss", lambda a, b: (lambda: nn.MultiLabelSoftMarginLoss()(
        _x(2, a), _x(2, a + b)), ((2, a + b),))),
    _layer("MultiMarginLoss", lambda a, b: (lambda: nn.MultiMarginLoss()(_x(2, a), _ids(0, a)),
                                            (f"[0, {a})",))),
    _layer("MultiLabelMarginLoss", lambda a, b: (lambda: nn.MultiLabelMarginLoss()(
        _x(2, a), _ids(0, 1)), ((2, a),))),
    _layer("PoissonNLLLoss", lambda a, b: (lambda: nn.PoissonNLLLoss()(_x(a), _x(a + b)),
                                           ((a + b,),))),
    _layer("GaussianNLLLoss", lambda a, b: (lambda: nn.GaussianNLLLoss()(
        _x(2, a), _x(2, a), _x(a + b, 2)), ((a + b, 2),))),
    _layer("CTCLoss", lambda a, b: (lambda: nn.CTCLoss()(_x(a, 1, 3), [[1]], [a + b], [1]),
                                    (a + b,))),
]

_ENC = "TransformerEncoderLayer"
LAYER_CASES += [  # the layers of issue 14
    _layer("Conv1d", lambda a, b: (lambda: nn.Conv1d(a, b, (3, a)), ((3, a),))),
    _layer("Conv1d", lambda a, b: (lambda: nn.Conv1d(a, b, 3, padding=-a), (-a,))),
    _layer("ConvTranspose1d", lambda a, b: (lambda: nn.ConvTranspose1d(
        a, b, 3, stride=2, output_padding=2 + a), (2 + a,))),
    _layer("Dropout1d", lambda a, b: (lambda: nn.Dropout1d()(_x(2, a, b, 2)), ((2, a, b, 2),))),
    _layer("Dropout2d", lambda a, b: (lambda: nn.Dropout2d(1.0 + a / 10), (1.0 + a / 10,))),
    _layer("Dropout3d", lambda a, b: (lambda: nn.Dropout3d()(_x(a, b)), ((a, b),))),
    _layer("InstanceNorm1d", lambda a, b: (lambda: nn.InstanceNorm1d(-a), (-a,))),
    _layer("InstanceNorm2d", lambda a, b: (lambda: nn.InstanceNorm2d(a)(_x(2, a)), ((2, a),))),
    _layer("InstanceNorm3d", lambda a, b: (lambda: nn.InstanceNorm3d(a, affine=True)(
        _x(1, a + 1, 2, 2, 2)), ((1, a + 1, 2, 2, 2),))),
    _layer("AdaptiveMaxPool2d", lambda a, b: (lambda: nn.AdaptiveMaxPool2d(1 - a), (1 - a,))),
    _layer("LocalResponseNorm", lambda a, b: (lambda: nn.LocalResponseNorm(-a), (-a,))),
    _layer("Upsample", lambda a, b: (lambda: nn.Upsample(), ("size", "scale_factor"))),
    _layer("Upsample", lambda a, b: (lambda: nn.Upsample(scale_factor=a, mode="cubic"),
                                     ("cubic",))),
    _layer("UpsamplingNearest2d", lambda a, b: (lambda: nn.UpsamplingNearest2d(), ("size",))),
    _layer("UpsamplingBilinear2d", lambda a, b: (lambda: nn.UpsamplingBilinear2d(), ("size",))),
    _layer("PixelShuffle", lambda a, b: (lambda: nn.PixelShuffle(-a), (-a,))),
    _layer("PixelUnshuffle", lambda a, b: (lambda: nn.PixelUnshuffle(1 - a), (1 - a,))),
    _layer("ParameterList", lambda a, b: (lambda: nn.ParameterList(a), ("int",))),
    _layer("ParameterDict", lambda a, b: (lambda: nn.ParameterDict(a), ("int",))),
    _layer("DataParallel", lambda a, b: (lambda: nn.DataParallel(a), ("int",))),
    _layer("MultiheadAttention", lambda a, b: (lambda: nn.MultiheadAttention(2 * a + 1, 2),
                                               (2 * a + 1,))),
    _layer("MultiheadAttention", lambda a, b: (lambda: nn.MultiheadAttention(2 * a, 2)(
        _x(3, 1, 2 * a), _x(4, 1, 2 * a + b), _x(4, 1, 2 * a)), (2 * a + b,))),
    _layer(_ENC, lambda a, b: (lambda: nn.TransformerEncoderLayer(4, 2, activation="tanh"),
                               ("tanh",))),
    _layer("TransformerDecoderLayer", lambda a, b: (lambda: nn.TransformerDecoderLayer(
        4, 2, activation="elu"), ("elu",))),
    _layer("TransformerEncoder", lambda a, b: (lambda: nn.TransformerEncoder(
        nn.TransformerEncoderLayer(4, 2, 8), 1 - a), (1 - a,))),
    _layer("TransformerDecoder", lambda a, b: (lambda: nn.TransformerDecoder(
        nn.TransformerDecoderLayer(4, 2, 8), -a), (-a,))),
    _layer("Transformer", lambda a, b: (lambda: nn.Transformer(4, 2, 1, 1, 8)(
        _x(3, 1, 4), _x(2, 1, 4 + a)), ((2, 1, 4 + a),))),
]

LAYER_CASES += [  # the activations of issue 13: bad constructor values, a non-Tensor input
    _layer("CELU", lambda a, b: (lambda: nn.CELU(0.0), ("alpha",))),
    _layer("GLU", lambda a, b: (lambda: nn.GLU(dim=1)(_x(2, 2 * a + 1)), (2 * a + 1,))),
    _layer("Hardshrink", lambda a, b: (lambda: nn.Hardshrink(-a), (-a,))),
    _layer("Softshrink", lambda a, b: (lambda: nn.Softshrink(-a), (-a,))),
    _layer("Hardtanh", lambda a, b: (lambda: nn.Hardtanh(a, -b), (a, -b))),
    _layer("RReLU", lambda a, b: (lambda: nn.RReLU(0.5 + a, 0.1), (0.5 + a,))),
    _layer("Threshold", lambda a, b: (lambda: nn.Threshold("low", b), ("low",))),
    _layer("Softmin", lambda a, b: (lambda: nn.Softmin(dim=a + 1)(_x(2, b)), (a + 1,))),
    *[_layer(name, lambda a, b, name=name: (lambda: getattr(nn, name)()("abc"), ("str",)))
      for name in ("SELU", "Mish", "Hardswish", "Hardsigmoid", "Softsign", "LogSigmoid",
                   "Tanhshrink")],
]


LAYER_CASES += [  # the 3-D convolution and pooling layers
    _layer("Conv3d", lambda a, b: (lambda: nn.Conv3d(a, b, (3, a)), ((3, a),))),
    _layer("Conv3d", lambda a, b: (lambda: nn.Conv3d(a, b, 2)(_x(1, a + 1, 3, 3, 3)),
                                   (f"input has {a + 1} channels", (b, a, 2, 2, 2)))),
    _layer("ConvTranspose3d", lambda a, b: (lambda: nn.ConvTranspose3d(
        a, b, 3, stride=2, output_padding=2 + a), (2 + a,))),
    _layer("MaxPool3d", lambda a, b: (lambda: nn.MaxPool3d(5 + a)(_x(1, 1, 4, 4, 4)), (5 + a,))),
    _layer("AvgPool3d", lambda a, b: (lambda: nn.AvgPool3d(2)(_x(a, b)), ((a, b),))),
]

LAYER_CASES += [  # padding, BatchNorm3d, EmbeddingBag and the lazy layers
    _layer("ZeroPad1d", lambda a, b: (lambda: nn.ZeroPad1d((a, b, 1))(_x(2, 3)), ((a, b, 1),))),
    _layer("ZeroPad2d", lambda a, b: (lambda: nn.ZeroPad2d(a)(_x(b)), ((a, a, a, a),))),
    _layer("ZeroPad3d", lambda a, b: (lambda: nn.ZeroPad3d(a)(_x(b, 2)), ((b, 2),))),
    *[_layer(f"ConstantPad{d}d", lambda a, b, d=d: (
        lambda: getattr(nn, f"ConstantPad{d}d")(-(a + 2), 1.0)(_x(*(2,) * (d + 1))),
        ((2,) * (d + 1),))) for d in (1, 2, 3)],
    *[_layer(f"{kind}Pad{d}d", lambda a, b, kind=kind, d=d: (
        lambda: getattr(nn, f"{kind}Pad{d}d")(a)(_x(*(4,) * (d + 3))), ((4,) * (d + 3),)))
      for kind in ("Reflection", "Replication", "Circular") for d in (1, 2, 3)],
    _layer("ReflectionPad1d", lambda a, b: (lambda: nn.ReflectionPad1d(a + 3)(_x(1, 2, 3)),
                                            (a + 3,))),
    _layer("CircularPad1d", lambda a, b: (lambda: nn.CircularPad1d(a + 3)(_x(1, 2, 3)),
                                          (a + 3,))),
    _layer("BatchNorm3d", lambda a, b: (lambda: nn.BatchNorm3d(a)(_x(2, a + 1, 2, 2, 2)),
                                        (a + 1,))),
    _layer("BatchNorm3d", lambda a, b: (lambda: nn.BatchNorm3d(a)(_x(2, a, 2, 2)),
                                        ((2, a, 2, 2),))),
    _layer("EmbeddingBag", lambda a, b: (lambda: nn.EmbeddingBag(a, 2)(
        ag.tensor([0, a + b]), ag.tensor([0])), (a + b, f"[0, {a})"))),
    _layer("EmbeddingBag", lambda a, b: (lambda: nn.EmbeddingBag(a, 2)(
        ag.tensor([0, 0]), ag.tensor([0, b + 2])), (b + 2,))),
    _layer("LazyLinear", lambda a, b: (lambda: nn.LazyLinear(-a), (-a,))),
    _layer("LazyConv1d", lambda a, b: (lambda: nn.LazyConv1d(-a, 3), (-a,))),
    _layer("LazyConv2d", lambda a, b: (lambda: nn.LazyConv2d(a, 3)(_x(b, 5)), ((b, 5),))),
    _layer("LazyConv3d", lambda a, b: (lambda: nn.LazyConv3d(a, 3)(_x(b, 5)), ((b, 5),))),
]
FUNCTIONAL.update({"BatchNorm3d": "batch_norm", "EmbeddingBag": "embedding_bag",
                   **{f"{kind}Pad{d}d": "pad" for d in (1, 2, 3)
                      for kind in ("Zero", "Constant", "Reflection", "Replication")},
                   "CircularPad1d": "pad"})

LAYER_CASES += [  # RMSNorm, the 3-D adaptive, power-average, fractional pools and unpools
    _layer("RMSNorm", lambda a, b: (lambda: nn.RMSNorm(a)(_x(2, a + b)), ((2, a + b),))),
    _layer("RMSNorm", lambda a, b: (lambda: nn.RMSNorm(-a), (-a,))),
    _layer("AdaptiveAvgPool3d", lambda a, b: (lambda: nn.AdaptiveAvgPool3d(-a)(
        _x(1, 1, 3, 3, 3)), (-a,))),
    _layer("AdaptiveAvgPool3d", lambda a, b: (lambda: nn.AdaptiveAvgPool3d(2)(_x(a, b)),
                                              ((a, b),))),
    _layer("AdaptiveMaxPool3d", lambda a, b: (lambda: nn.AdaptiveMaxPool3d(2)(_x(a, b, 3)),
                                              ((a, b, 3),))),
    _layer("AdaptiveMaxPool3d", lambda a, b: (lambda: nn.AdaptiveMaxPool3d((a, b))(
        _x(1, 1, 3, 3, 3)), ((a, b),))),
    *[_layer(f"LPPool{d}d", lambda a, b, d=d: (lambda: getattr(nn, f"LPPool{d}d")(2, 4 + a)(
        _x(*(1, 2) + (3,) * d)), (4 + a,))) for d in (1, 2, 3)],
    *[_layer(f"LPPool{d}d", lambda a, b, d=d: (lambda: getattr(nn, f"LPPool{d}d")("two", 2),
                                                ("two",))) for d in (1, 2, 3)],
    _layer("MaxUnpool1d", lambda a, b: (lambda: nn.MaxUnpool1d(2)(_x(1, a, b), _ids(0)),
                                        ((1, a, b),))),
    _layer("MaxUnpool1d", lambda a, b: (lambda: nn.MaxUnpool1d(2)(
        _x(1, 1, 2), _ids(0, 3 + a).reshape(1, 1, 2)), (3 + a,))),
    _layer("MaxUnpool3d", lambda a, b: (lambda: nn.MaxUnpool3d(2)(_x(a, b), _ids(0)),
                                        ((a, b),))),
    _layer("MaxUnpool3d", lambda a, b: (lambda: nn.MaxUnpool3d(2)(
        _x(1, 1, 1, 1, 1), _ids(0).reshape(1, 1, 1, 1, 1), output_size=(a + 3,) * 3),
        ((a + 3,) * 3,))),
    _layer("FractionalMaxPool2d", lambda a, b: (lambda: nn.FractionalMaxPool2d(
        2, output_ratio=1.0 + a), (1.0 + a,))),
    _layer("FractionalMaxPool2d", lambda a, b: (lambda: nn.FractionalMaxPool2d(
        a + 3, output_size=2)(_x(1, 1, 4, 4)), (a + 3,))),
    _layer("FractionalMaxPool2d", lambda a, b: (lambda: nn.FractionalMaxPool2d(
        2, output_size=2, _random_samples=ag.rand(1, a + 1, 2))(_x(1, a, 5, 5)), (a + 1,))),
    _layer("FractionalMaxPool3d", lambda a, b: (lambda: nn.FractionalMaxPool3d(2),
                                                ("output size",))),
    _layer("FractionalMaxPool3d", lambda a, b: (lambda: nn.FractionalMaxPool3d(
        2, output_size=a + 3)(_x(1, 1, 4, 4, 4)), (a + 3,))),
]

LAYER_CASES += [  # alpha dropout, channel shuffle, Softmax2d, the distance triplet loss, Buffer
    _layer("AlphaDropout", lambda a, b: (lambda: nn.AlphaDropout(1.0 + a), (1.0 + a,))),
    _layer("AlphaDropout", lambda a, b: (lambda: nn.AlphaDropout(0.5)(
        ag.ones(a, b, dtype=ag.int64)), ("int64",))),
    _layer("FeatureAlphaDropout", lambda a, b: (lambda: nn.FeatureAlphaDropout(0.5)(_x(a + b)),
                                                ((a + b,),))),
    _layer("ChannelShuffle", lambda a, b: (lambda: nn.ChannelShuffle(a)(_x(1, a * b + 1, 2)),
                                           (f"{a * b + 1} channels and {a} groups",))),
    _layer("ChannelShuffle", lambda a, b: (lambda: nn.ChannelShuffle(2)(_x(a, b)), ((a, b),))),
    _layer("Softmax2d", lambda a, b: (lambda: nn.Softmax2d()(_x(a, b)), ("2D", (a, b)))),
    _layer("TripletMarginWithDistanceLoss", lambda a, b: (
        lambda: nn.TripletMarginWithDistanceLoss()(_x(a, b), _x(a, b), _x(b)),
        ("negative 1D",))),
    _layer("TripletMarginWithDistanceLoss", lambda a, b: (
        lambda: nn.TripletMarginWithDistanceLoss(margin=-a), (-a,))),
    _layer("Buffer", lambda a, b: (lambda: setattr(nn.Linear(a, b), "weight",
                                                   nn.Buffer(_x(b, a))), ("weight",))),
]
FUNCTIONAL.update({"AlphaDropout": "alpha_dropout", "FeatureAlphaDropout": "feature_alpha_dropout",
                   "ChannelShuffle": "channel_shuffle",
                   "TripletMarginWithDistanceLoss": "triplet_margin_with_distance_loss"})


def _layer_params() -> list:
    seen: Counter = Counter()
    out = []
    for name, case in LAYER_CASES:
        seen[name] += 1
        case_id = name if name in LAYER_BUGS else f"{name}-{seen[name]}"
        marks = ([pytest.mark.xfail(strict=True, reason=LAYER_BUGS[name])]
                 if name in LAYER_BUGS else [])
        out.append(pytest.param(case, id=case_id, marks=marks))
    return out


@pytest.mark.parametrize("case", _layer_params())
@SETTINGS
@given(data=st.data())
def test_layer_bad_input_raises_clear_error(case, data):
    thunk, name, needles = case(data)
    check_clear_error(thunk, name, needles)


NO_ARGS_TO_CHECK = {"Module", "Parameter", "IncompatibleKeys", "RemovableHandle", "Identity",
                    "ModuleList", "ModuleDict", "RNNBase", "ReLU", "ReLU6", "Sigmoid", "Tanh",
                    "GELU", "SiLU", "Softplus", "CheckpointError", "UninitializedParameter"}


def test_every_layer_has_a_bad_input_case():
    layers = {n for n in nn.__all__ if isinstance(getattr(nn, n), type)}
    covered = {name.split("-")[0] for name, _ in LAYER_CASES}
    missing = layers - covered - NO_ARGS_TO_CHECK
    assert not missing, f"layers without a bad-input case: {sorted(missing)}"


# the fewest constructor arguments each layer needs
LAYER_ARGS = {"Linear": (2, 3), "Bilinear": (2, 2, 3), "Unflatten": (1, (2, 2)),
              "Conv2d": (1, 2, 3), "ConvTranspose2d": (1, 2, 3), "MaxPool2d": (2,),
              "AvgPool2d": (2,), "AdaptiveAvgPool2d": (2,), "BatchNorm1d": (2,),
              "BatchNorm2d": (2,), "LayerNorm": (2,), "GroupNorm": (1, 2), "Embedding": (4, 2),
              "RNN": (2, 3), "LSTM": (2, 3), "GRU": (2, 3), "RNNCell": (2, 3),
              "LSTMCell": (2, 3), "GRUCell": (2, 3), "Conv1d": (1, 2, 3),
              "ConvTranspose1d": (1, 2, 3), "InstanceNorm1d": (2,), "InstanceNorm2d": (2,),
              "InstanceNorm3d": (2,), "AdaptiveMaxPool2d": (2,), "LocalResponseNorm": (2,),
              "PixelShuffle": (2,), "PixelUnshuffle": (2,), "MultiheadAttention": (4, 2),
              "TransformerEncoderLayer": (4, 2), "TransformerDecoderLayer": (4, 2),
              "DataParallel": (nn.Identity(),), "Conv3d": (1, 2, 3), "ConvTranspose3d": (1, 2, 3),
              "MaxPool3d": (2,), "AvgPool3d": (2,), "BatchNorm3d": (2,), "EmbeddingBag": (4, 2),
              "LazyLinear": (2,), "LazyConv1d": (2, 3), "LazyConv2d": (2, 3), "LazyConv3d": (2, 3),
              **{f"{kind}Pad{d}d": (1,) for d in (1, 2, 3)
                 for kind in ("Zero", "Reflection", "Replication", "Circular")},
              **{f"ConstantPad{d}d": (1, 0.0) for d in (1, 2, 3)}}
KWARG_LAYERS = sorted(n for n in nn.__all__ if isinstance(getattr(nn, n), type)
                      and issubclass(getattr(nn, n), nn.Module)
                      and n not in {"Module", "Identity", "RNNBase", "Sequential"})


@pytest.mark.parametrize("layer", KWARG_LAYERS)
@pytest.mark.parametrize("kwarg", ["in_feature", "kernal_size", "bogus"])
def test_layer_unknown_kwarg(layer, kwarg):
    """Python's own TypeError, which names the class whose ``__init__`` refused (a base
    class for layers that inherit it, as in PyTorch) and the keyword."""
    cls = getattr(nn, layer)
    TRIED[layer] += 1
    with pytest.raises(TypeError, match=kwarg) as info:
        cls(*LAYER_ARGS.get(layer, ()), **{kwarg: 1})
    assert any(f"{base.__name__}.__init__" in str(info.value) for base in cls.__mro__), info.value


# layer -> (module, input shape); the input gets one NaN, inf or -inf
LAYER_VALUES = {
    "Linear": (lambda: nn.Linear(4, 3), (2, 4)),
    "Bilinear": (lambda: nn.Bilinear(4, 4, 2), (2, 4)),
    "Conv2d": (lambda: nn.Conv2d(2, 3, 3, padding=1), (1, 2, 5, 5)),
    "ConvTranspose2d": (lambda: nn.ConvTranspose2d(2, 3, 3, stride=2), (1, 2, 3, 3)),
    "MaxPool2d": (lambda: nn.MaxPool2d(2), (1, 2, 4, 4)),
    "AvgPool2d": (lambda: nn.AvgPool2d(2), (1, 2, 4, 4)),
    "AdaptiveAvgPool2d": (lambda: nn.AdaptiveAvgPool2d(1), (1, 2, 4, 4)),
    "BatchNorm1d": (lambda: nn.BatchNorm1d(3), (4, 3)),
    "BatchNorm2d": (lambda: nn.BatchNorm2d(2), (2, 2, 3, 3)),
    "LayerNorm": (lambda: nn.LayerNorm(4), (2, 4)),
    "GroupNorm": (lambda: nn.GroupNorm(2, 4), (2, 4, 3)),
    "Dropout": (lambda: nn.Dropout(0.2), (4, 5)),
    "Flatten": (lambda: nn.Flatten(), (2, 3, 2)),
    "Unflatten": (lambda: nn.Unflatten(1, (2, 2)), (3, 4)),
    "RNN": (lambda: nn.RNN(3, 4), (5, 2, 3)),
    "LSTM": (lambda: nn.LSTM(3, 4), (5, 2, 3)),
    "GRU": (lambda: nn.GRU(3, 4), (5, 2, 3)),
    "RNNCell": (lambda: nn.RNNCell(3, 4), (2, 3)),
    "LSTMCell": (lambda: nn.LSTMCell(3, 4), (2, 3)),
    "GRUCell": (lambda: nn.GRUCell(3, 4), (2, 3)),
    **{name: (lambda name=name: getattr(nn, name)(), (3, 4))
       for name in ("ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "Sigmoid", "Tanh", "GELU",
                    "SiLU", "Softplus", "Identity")},
    "Softmax": (lambda: nn.Softmax(dim=-1), (3, 4)),
    "LogSoftmax": (lambda: nn.LogSoftmax(dim=-1), (3, 4)),
    "Conv1d": (lambda: nn.Conv1d(2, 3, 3, padding=1), (1, 2, 5)),
    "ConvTranspose1d": (lambda: nn.ConvTranspose1d(2, 3, 3, stride=2), (1, 2, 3)),
    "Dropout2d": (lambda: nn.Dropout2d(0.2), (2, 3, 2, 2)),
    "InstanceNorm1d": (lambda: nn.InstanceNorm1d(2, affine=True), (2, 2, 4)),
    "AdaptiveMaxPool2d": (lambda: nn.AdaptiveMaxPool2d((2, 3)), (1, 2, 4, 5)),
    "Upsample": (lambda: nn.Upsample(scale_factor=2, mode="bilinear"), (1, 2, 3, 3)),
    "PixelShuffle": (lambda: nn.PixelShuffle(2), (1, 4, 2, 2)),
    "LocalResponseNorm": (lambda: nn.LocalResponseNorm(3), (1, 4, 2, 2)),
    "MaxPool1d": (lambda: nn.MaxPool1d(2), (1, 2, 4)),
    "AvgPool1d": (lambda: nn.AvgPool1d(2), (1, 2, 4)),
    "AdaptiveAvgPool1d": (lambda: nn.AdaptiveAvgPool1d(1), (1, 2, 4)),
    "AdaptiveMaxPool1d": (lambda: nn.AdaptiveMaxPool1d(1), (1, 2, 4)),
    "Unfold": (lambda: nn.Unfold(2), (1, 2, 3, 3)),
    "Conv3d": (lambda: nn.Conv3d(2, 3, 2, padding=1), (1, 2, 3, 3, 3)),
    "ConvTranspose3d": (lambda: nn.ConvTranspose3d(2, 3, 2, stride=2), (1, 2, 2, 2, 2)),
    "MaxPool3d": (lambda: nn.MaxPool3d(2), (1, 2, 2, 4, 4)),
    "AvgPool3d": (lambda: nn.AvgPool3d(2), (1, 2, 2, 4, 4)),
    "Fold": (lambda: nn.Fold((3, 3), 2), (1, 8, 4)),
    "TransformerEncoderLayer": (lambda: nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0),
                                (3, 2, 4)),
}

LAYER_VALUES.update({  # the activations of issue 13
    **{name: (lambda name=name: getattr(nn, name)(), (3, 4))
       for name in ("SELU", "CELU", "Mish", "Hardswish", "Hardsigmoid", "Hardtanh", "Softsign",
                    "LogSigmoid", "Tanhshrink", "Softshrink", "Hardshrink", "GLU", "RReLU")},
    "Softmin": (lambda: nn.Softmin(dim=-1), (3, 4)),
    "Threshold": (lambda: nn.Threshold(0.1, 20.0), (3, 4)),
})

LAYER_VALUES.update({  # RMSNorm, the 3-D adaptive, power-average and fractional pools
    "RMSNorm": (lambda: nn.RMSNorm(4), (3, 4)),
    "AdaptiveAvgPool3d": (lambda: nn.AdaptiveAvgPool3d((1, 2, 3)), (1, 2, 2, 3, 4)),
    "AdaptiveMaxPool3d": (lambda: nn.AdaptiveMaxPool3d((1, 2, 3)), (1, 2, 2, 3, 4)),
    "LPPool1d": (lambda: nn.LPPool1d(2, 2), (1, 2, 4)),
    "LPPool2d": (lambda: nn.LPPool2d(2, 2), (1, 2, 4, 4)),
    "LPPool3d": (lambda: nn.LPPool3d(2, 2), (1, 2, 2, 4, 4)),
    "FractionalMaxPool2d": (lambda: nn.FractionalMaxPool2d(2, output_size=3), (1, 2, 5, 5)),
    "FractionalMaxPool3d": (lambda: nn.FractionalMaxPool3d(2, output_size=2), (1, 2, 4, 4, 4)),
})

LAYER_VALUES.update({  # alpha dropout, channel shuffle, Softmax2d
    "AlphaDropout": (lambda: nn.AlphaDropout(0.2), (4, 5)),
    "FeatureAlphaDropout": (lambda: nn.FeatureAlphaDropout(0.2), (2, 3, 2, 2)),
    "ChannelShuffle": (lambda: nn.ChannelShuffle(2), (1, 4, 2, 2)),
    "Softmax2d": (lambda: nn.Softmax2d(), (1, 3, 2, 2)),
})


@pytest.mark.parametrize("layer", sorted(LAYER_VALUES))
def test_nan_and_inf_through_layers(layer):
    """No layer crashes on NaN or inf, NaN reaches the output, backward runs."""
    make, shape = LAYER_VALUES[layer]
    for special in (np.nan, np.inf, -np.inf):
        TRIED[layer] += 1
        ag.manual_seed(0)
        module = make()
        arr = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
        arr.flat[arr.size // 2] = special
        x = ag.tensor(arr, requires_grad=True)
        with np.errstate(all="ignore"):
            out = module(x, x) if layer == "Bilinear" else module(x)
            out = out[0] if isinstance(out, tuple) else out
            if special is np.nan:
                assert np.isnan(out.numpy()).any(), f"{layer}: NaN input gave {out.numpy()}"
            out.backward(ag.ones(*out.shape))
        assert x.grad is not None and x.grad.shape == x.shape
