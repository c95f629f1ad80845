"""The neural-network functions PyTorch also exposes at top level (``torch.conv2d``,
``torch.max_pool2d``, ``torch.pixel_shuffle``...): the ``nn.functional`` implementations,
under the top-level signatures where those differ."""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from ..nn._conv import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from ..nn._pool import (
    adaptive_avg_pool1d,
    avg_pool1d,
    channel_shuffle,
    max_pool1d,
    max_pool1d_with_indices,
    max_pool2d,
    max_pool3d,
    pixel_shuffle,
    pixel_unshuffle,
)
from ..nn._pool import adaptive_max_pool1d as _adaptive_max_pool1d

__all__ = [
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "avg_pool1d", "channel_shuffle", "conv1d",
    "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "max_pool1d", "max_pool1d_with_indices", "max_pool2d", "max_pool3d", "pixel_shuffle",
    "pixel_unshuffle",
]  # fmt: skip


def adaptive_max_pool1d(input: Tensor, output_size: Any) -> tuple[Tensor, Tensor]:
    """``torch.adaptive_max_pool1d``: the values and the indices (``F.adaptive_max_pool1d``
    returns the indices only with ``return_indices=True``)."""
    return _adaptive_max_pool1d(input, output_size, return_indices=True)
