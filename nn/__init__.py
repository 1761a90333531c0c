"""``nn``: modules, layers, losses, initialisation, functional API and checkpoints.

PyTorch names and semantics, so a small PyTorch script ports by changing imports.

Example:
    >>> import autograd as ag, nn
    >>> _ = ag.manual_seed(0)
    >>> model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    >>> loss = nn.CrossEntropyLoss()(model(ag.randn(8, 4)), ag.tensor([0, 1, 2, 0, 1, 2, 0, 1]))
    >>> loss.backward()
    >>> model[0].weight.grad.shape
    (16, 4)
"""
from . import data, datasets, functional, init, models, parallel, transforms, utils
from .activation import (
    ELU,
    GELU,
    LeakyReLU,
    LogSoftmax,
    PReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
)
from .activation_more import (
    CELU,
    GLU,
    SELU,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LogSigmoid,
    Mish,
    RReLU,
    Softmin,
    Softshrink,
    Softsign,
    Tanhshrink,
    Threshold,
)
from .attention import MultiheadAttention
from .buffer import Buffer
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .conv import Conv2d, ConvTranspose2d
from .conv1d import Conv1d, ConvTranspose1d
from .conv3d import Conv3d, ConvTranspose3d
from .distance import CosineSimilarity, Fold, PairwiseDistance, Unfold
from .dropout import Dropout, Dropout1d, Dropout2d, Dropout3d
from .dropout_more import AlphaDropout, FeatureAlphaDropout
from .embedding import Embedding
from .embedding_bag import EmbeddingBag
from .fractional_pool import FractionalMaxPool2d, FractionalMaxPool3d
from .instance_norm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .lazy import LazyConv1d, LazyConv2d, LazyConv3d, LazyLinear
from .linear import Bilinear, Flatten, Identity, Linear, Unflatten
from .local_response_norm import LocalResponseNorm
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .loss_more import (
    CosineEmbeddingLoss,
    CTCLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    MarginRankingLoss,
    MultiLabelMarginLoss,
    MultiLabelSoftMarginLoss,
    MultiMarginLoss,
    PoissonNLLLoss,
    SoftMarginLoss,
    TripletMarginLoss,
)
from .misc_layers import ChannelShuffle, Softmax2d, TripletMarginWithDistanceLoss
from .module import IncompatibleKeys, Module, RemovableHandle
from .norm import BatchNorm1d, BatchNorm2d, BatchNorm3d, GroupNorm, LayerNorm
from .padding import (
    CircularPad1d,
    CircularPad2d,
    CircularPad3d,
    ConstantPad1d,
    ConstantPad2d,
    ConstantPad3d,
    ReflectionPad1d,
    ReflectionPad2d,
    ReflectionPad3d,
    ReplicationPad1d,
    ReplicationPad2d,
    ReplicationPad3d,
    ZeroPad1d,
    ZeroPad2d,
    ZeroPad3d,
)
from .parallel import DataParallel
from .parameter import Parameter, UninitializedParameter
from .pooling import AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, MaxPool2d
from .pooling1d import AdaptiveAvgPool1d, AdaptiveMaxPool1d, AvgPool1d, MaxPool1d, MaxUnpool2d
from .pooling3d import AvgPool3d, MaxPool3d
from .pooling_lp import LPPool1d, LPPool2d, LPPool3d
from .pooling_more import AdaptiveAvgPool3d, AdaptiveMaxPool3d, MaxUnpool1d, MaxUnpool3d
from .rms_norm import RMSNorm
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell
from .serialization import CheckpointError, load, save
from .transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)
from .upsample import (
    PixelShuffle,
    PixelUnshuffle,
    Upsample,
    UpsamplingBilinear2d,
    UpsamplingNearest2d,
)

__all__ = [
    "Module", "Parameter", "IncompatibleKeys", "RemovableHandle",
    "Buffer", "AlphaDropout", "FeatureAlphaDropout", "ChannelShuffle", "Softmax2d",
    "TripletMarginWithDistanceLoss",
    "data", "datasets", "functional", "init", "transforms", "utils", "save", "load",
    "CheckpointError",
    "Sequential", "ModuleList", "ModuleDict",
    "Identity", "Linear", "Bilinear", "Flatten", "Unflatten", "Dropout",
    "Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d",
    "BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "Embedding",
    "RNNBase", "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell",
    "ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "Sigmoid", "Tanh", "GELU", "SiLU", "Softplus",
    "Softmax", "LogSoftmax",
    "SELU", "CELU", "Mish", "Hardswish", "Hardsigmoid", "Hardtanh", "Softsign", "Softmin",
    "LogSigmoid", "Tanhshrink", "Softshrink", "Hardshrink", "Threshold", "GLU", "RReLU",
    "MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
    "BCEWithLogitsLoss", "KLDivLoss",
    "parallel", "DataParallel", "ParameterList", "ParameterDict",
    "Conv1d", "ConvTranspose1d", "Dropout1d", "Dropout2d", "Dropout3d",
    "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "AdaptiveMaxPool2d",
    "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d", "PixelShuffle", "PixelUnshuffle",
    "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool1d", "AdaptiveMaxPool1d", "MaxUnpool2d",
    "Fold", "Unfold", "CosineSimilarity", "PairwiseDistance",
    "Conv3d", "ConvTranspose3d", "MaxPool3d", "AvgPool3d",
    "CosineEmbeddingLoss", "MarginRankingLoss", "TripletMarginLoss", "HingeEmbeddingLoss",
    "SoftMarginLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss", "MultiLabelMarginLoss",
    "PoissonNLLLoss", "GaussianNLLLoss", "CTCLoss",
    "MultiheadAttention", "TransformerEncoderLayer", "TransformerDecoderLayer",
    "TransformerEncoder", "TransformerDecoder", "Transformer", "LocalResponseNorm", "models",
    "ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d",
    "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d",
    "BatchNorm3d", "EmbeddingBag", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d",
    "UninitializedParameter",
    "RMSNorm", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d", "LPPool1d", "LPPool2d", "LPPool3d",
    "MaxUnpool1d", "MaxUnpool3d", "FractionalMaxPool2d", "FractionalMaxPool3d",
]
