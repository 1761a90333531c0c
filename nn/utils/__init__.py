"""``nn.utils``: gradient clipping, parameter vectors, packed sequences and weight norm,
as ``torch.nn.utils``; and ``save_image`` / ``make_grid``, as ``torchvision.utils``.

Example:
    >>> import autograd as ag, nn
    >>> w = ag.tensor([3.0, 4.0], requires_grad=True)
    >>> (w * w).sum().backward()
    >>> round(nn.utils.clip_grad_norm_([w], 1.0).item(), 4)
    10.0
"""
from ..image_utils import make_grid, save_image
from . import parametrizations, parametrize, rnn
from .clip_grad import (
    clip_grad_norm_,
    clip_grad_value_,
    parameters_to_vector,
    vector_to_parameters,
)
from .weight_norm import remove_weight_norm, weight_norm

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector",
           "vector_to_parameters", "rnn", "parametrize", "parametrizations", "weight_norm",
           "remove_weight_norm", "make_grid", "save_image"]
