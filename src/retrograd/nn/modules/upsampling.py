"""Upsampling layers: Upsample and its fixed-mode forms."""

from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from .. import _pool as F
from .module import Module


class Upsample(Module):
    """Resize the spatial dims of ``(N, C, *spatial)`` (see
    :func:`retrograd.nn.functional.interpolate`).

    Args:
        size: output spatial size; scale_factor: multiplier of the spatial size (one of them).
        mode: ``'nearest'``, ``'nearest-exact'``, ``'linear'``, ``'bilinear'``,
            ``'bicubic'``, ``'trilinear'`` or ``'area'``.
        align_corners: for the linear and cubic modes.
        recompute_scale_factor: derive the scale from the output size.

    Example:
        >>> nn.Upsample(scale_factor=2)(retrograd.tensor([[[1., 2.]]]))
        tensor([[[1., 1., 2., 2.]]])
    """

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: bool | None = None,
                 recompute_scale_factor: bool | None = None) -> None:  # fmt: skip
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor: Any = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)  # fmt: skip

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of ``(N, C, H, W)``.

    Example:
        >>> nn.UpsamplingNearest2d(scale_factor=2)(retrograd.ones(1, 1, 2, 2)).shape
        retrograd.Size([1, 1, 4, 4])
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling of ``(N, C, H, W)`` with ``align_corners=True``.

    Example:
        >>> nn.UpsamplingBilinear2d(scale_factor=2)(retrograd.ones(1, 1, 2, 2)).shape
        retrograd.Size([1, 1, 4, 4])
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
