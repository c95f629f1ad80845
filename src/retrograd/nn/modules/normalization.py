"""LayerNorm, RMSNorm, GroupNorm and LocalResponseNorm: normalization within each sample."""

from __future__ import annotations

from typing import Any

import retrograd as _rg

from ..._tensor import Tensor
from .. import functional as F
from .. import init
from .._norm import _as_shape
from ..parameter import Parameter
from .linear import _factory
from .module import Module


def _affine_parameters(layer: Module, shape: Any, affine: bool, bias: bool, device: Any,
                       dtype: Any) -> None:  # fmt: skip
    """Register the ``weight`` and ``bias`` of a normalization layer (``None`` where the layer
    has none), in PyTorch's order; ``_reset_affine`` gives them their initial values."""
    if affine:
        layer.weight = Parameter(_rg.empty(shape, **_factory(device, dtype)))
        if bias:
            layer.bias = Parameter(_rg.empty(shape, **_factory(device, dtype)))
        else:
            layer.register_parameter("bias", None)
    else:
        layer.register_parameter("weight", None)
        layer.register_parameter("bias", None)


def _reset_affine(layer: Module) -> None:
    """PyTorch's initial affine parameters: the identity transform."""
    if layer.weight is not None:
        init.ones_(layer.weight)
    if layer.bias is not None:
        init.zeros_(layer.bias)


def _shape_error(layer: Module, input: Tensor, err: Exception) -> Exception:
    """PyTorch's error, prefixed with the layer and the input's shape."""
    return type(err)(f"{layer!r} got input of shape {list(input.shape)}: {err}")


class LayerNorm(Module):
    """Normalize the trailing ``normalized_shape`` of each input to mean 0, variance 1.

    Args:
        normalized_shape: the trailing shape to normalize over (an int means one dimension).
        eps: added to the variance for stability.
        elementwise_affine: learn a ``weight`` (ones at start) and ``bias`` (zeros).
        bias: learn the bias too (only with ``elementwise_affine``).

    Example::

        >>> m = nn.LayerNorm(10)
        >>> m(retrograd.randn(20, 5, 10)).shape
        retrograd.Size([20, 5, 10])
    """

    def __init__(self, normalized_shape: Any, eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, self.normalized_shape, elementwise_affine, bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        try:
            return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)
        except RuntimeError as e:
            raise _shape_error(self, input, e) from None

    def extra_repr(self) -> str:
        affine = self.elementwise_affine
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={affine}, "
                f"bias={self.bias is not None}")  # fmt: skip


class RMSNorm(Module):
    """Scale the trailing ``normalized_shape`` of each input by its inverse root mean square.

    Args:
        normalized_shape: the trailing shape to normalize over.
        eps: added to the mean square; None means the input dtype's machine epsilon.
        elementwise_affine: learn a ``weight`` (ones at start).
    """

    def __init__(self, normalized_shape: Any, eps: float | None = None,
                 elementwise_affine: bool = True, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(_rg.empty(self.normalized_shape, **_factory(device, dtype)))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x: Tensor) -> Tensor:
        try:
            return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)
        except RuntimeError as e:
            raise _shape_error(self, x, e) from None

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")  # fmt: skip


class GroupNorm(Module):
    """Normalize each group of channels of each sample; per-channel affine.

    Args:
        num_groups: how many groups the channels are split into.
        num_channels: the channel count ``C`` of ``(N, C, *)`` inputs.
        eps: added to the variance for stability.
        affine: learn per-channel ``weight`` (ones) and ``bias`` (zeros).
        bias: learn the bias too (only with ``affine``).
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:  # fmt: skip
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(
                f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})"
            )
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, num_channels, affine, bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        try:
            return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)
        except RuntimeError as e:
            raise _shape_error(self, input, e) from None

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")  # fmt: skip


class LocalResponseNorm(Module):
    """Divide each element by a power of the mean square over neighbouring channels.

    Args:
        size: how many neighbouring channels the window spans.
        alpha, beta, k: the constants of ``(k + alpha * avg) ** beta``.
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75,
                 k: float = 1.0) -> None:  # fmt: skip
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input: Tensor) -> Tensor:
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
