"""The ``weights=`` argument of the model builders: only ``None`` works offline."""
from __future__ import annotations

from typing import Any

__all__ = ["check_no_weights"]


def check_no_weights(builder: str, weights: Any, kwargs: dict) -> None:
    """Refuse pretrained weights (and torchvision's old ``pretrained=True``) with a clear error.

    Example:
        >>> check_no_weights("resnet18", None, {})
        >>> check_no_weights("resnet18", "IMAGENET1K_V1", {})
        Traceback (most recent call last):
        ...
        RuntimeError: resnet18: pretrained weights ('IMAGENET1K_V1') are not available: ...
    """
    pretrained = kwargs.pop("pretrained", False)
    kwargs.pop("progress", None)
    if weights is None and not pretrained:
        return
    what = repr(weights) if weights is not None else "pretrained=True"
    raise RuntimeError(
        f"{builder}: pretrained weights ({what}) are not available: scratchgrad runs "
        "offline and ships no weight files. Build the model with weights=None and load a "
        "state dict you have, e.g. model.load_state_dict(nn.load('resnet18.safetensors')); "
        "the module names are torchvision's, so its keys match.")
