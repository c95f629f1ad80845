"""Dropout layers: element-wise, channel-wise (1d/2d/3d) and alpha dropout."""

from __future__ import annotations

from ..._tensor import Tensor
from .. import _pool
from .. import functional as F
from .module import Module


class _DropoutNd(Module):
    """Shared arguments and repr of the dropout layers."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero elements with probability ``p`` in training (scaling the rest by ``1/(1-p)``);
    the identity in eval mode.

    Args:
        p: probability of zeroing an element.
        inplace: write the result into the input where autograd allows.
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zero whole channels of ``(N, C, L)`` or ``(C, L)`` with probability ``p`` in training
    (scaling the rest by ``1/(1-p)``); the identity in eval mode.

    Example:
        >>> nn.Dropout1d(0.5).eval()(retrograd.ones(2, 3, 4)).sum()
        tensor(24.)
    """

    def forward(self, input: Tensor) -> Tensor:
        return _pool.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zero whole channels of ``(N, C, H, W)`` with probability ``p`` in training (a 3-D
    input is read as ``(N, C, L)``, with PyTorch's warning); the identity in eval mode."""

    def forward(self, input: Tensor) -> Tensor:
        return _pool.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Zero whole channels of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` with probability
    ``p`` in training; the identity in eval mode."""

    def forward(self, input: Tensor) -> Tensor:
        return _pool.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Dropout for SELU networks: keeps a unit normal input's mean and variance (see
    :func:`retrograd.nn.functional.alpha_dropout`); the identity in eval mode."""

    def forward(self, input: Tensor) -> Tensor:
        return _pool.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """:class:`AlphaDropout` of whole channels; the identity in eval mode."""

    def forward(self, input: Tensor) -> Tensor:
        return _pool.feature_alpha_dropout(input, self.p, self.training)
