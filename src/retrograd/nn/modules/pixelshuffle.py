"""PixelShuffle and PixelUnshuffle (trade channels for spatial resolution) and ChannelShuffle."""

from __future__ import annotations

from ..._tensor import Tensor
from .. import _pool as F
from .module import Module


class PixelShuffle(Module):
    """``(*, C * r^2, H, W) -> (*, C, H * r, W * r)`` (see
    :func:`retrograd.nn.functional.pixel_shuffle`).

    Args:
        upscale_factor: ``r``.

    Example:
        >>> nn.PixelShuffle(2)(retrograd.arange(4.).reshape(1, 4, 1, 1))
        tensor([[[[0., 1.],
                  [2., 3.]]]])
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """``(*, C, H * r, W * r) -> (*, C * r^2, H, W)``, the inverse of :class:`PixelShuffle`.

    Args:
        downscale_factor: ``r``.

    Example:
        >>> nn.PixelUnshuffle(2)(retrograd.arange(4.).reshape(1, 1, 2, 2)).flatten()
        tensor([0., 1., 2., 3.])
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    """Interleave the channels of ``(N, C, *)`` in ``groups`` (see
    :func:`retrograd.nn.functional.channel_shuffle`).

    Args:
        groups: number of groups the channels are split into.

    Example:
        >>> nn.ChannelShuffle(2)(retrograd.arange(4.).reshape(1, 4, 1)).flatten()
        tensor([0., 2., 1., 3.])
    """

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, input: Tensor) -> Tensor:
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"
