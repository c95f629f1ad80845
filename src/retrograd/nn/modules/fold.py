"""Fold and Unfold: sliding local blocks to columns and back (col2im / im2col)."""

from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from .. import functional as F
from .module import Module


class Fold(Module):
    """Combine an array of sliding local blocks into an image, summing where blocks overlap.

    Args:
        output_size: the image's spatial size ``(H, W)``.
        kernel_size, dilation, padding, stride: an int or a pair, as given to Unfold.

    Input ``(N, C * prod(kernel_size), L)``, output ``(N, C, H, W)``.

    Example::

        >>> nn.Fold(output_size=(4, 5), kernel_size=(2, 2))(retrograd.randn(1, 12, 12)).shape
        retrograd.Size([1, 3, 4, 5])
    """

    def __init__(self, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:  # fmt: skip
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input: Tensor) -> Tensor:
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
            f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}"
        )


class Unfold(Module):
    """Extract sliding local blocks of a batched image as columns.

    Args:
        kernel_size, dilation, padding, stride: an int or a pair.

    Input ``(N, C, H, W)``, output ``(N, C * prod(kernel_size), L)``.

    Example::

        >>> nn.Unfold(kernel_size=(2, 3))(retrograd.randn(2, 5, 3, 4)).shape
        retrograd.Size([2, 30, 4])
    """

    def __init__(self, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input: Tensor) -> Tensor:
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")  # fmt: skip
