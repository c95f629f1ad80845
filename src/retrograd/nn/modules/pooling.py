"""Pooling layers: max, average, adaptive, power-average pooling and max unpooling."""

from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from .. import _pool as F
from .module import Module


def _single(x: Any) -> tuple[int, ...]:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


class _MaxPoolNd(Module):
    """Shared arguments and repr of MaxPool1d/2d/3d."""

    _fn: Any = None

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Any:
        fn = type(self)._fn
        return fn(input, self.kernel_size, self.stride, self.padding, self.dilation,
                  ceil_mode=self.ceil_mode, return_indices=self.return_indices)  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool1d(_MaxPoolNd):
    """Max pooling over the last dim of ``(N, C, L)`` or ``(C, L)`` (see
    :func:`retrograd.nn.functional.max_pool1d`).

    Args:
        kernel_size: window size; stride: step (default ``kernel_size``).
        padding: implicit ``-inf`` padding; dilation: spacing between taps.
        return_indices: also return the argmax indices (for :class:`MaxUnpool1d`).
        ceil_mode: round the output size up.

    Example:
        >>> nn.MaxPool1d(2)(retrograd.tensor([[[1., 3., 2., 5.]]]))
        tensor([[[3., 5.]]])
    """

    _fn = staticmethod(F.max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """Max pooling over the last two dims of ``(N, C, H, W)`` or ``(C, H, W)`` (see
    :func:`retrograd.nn.functional.max_pool2d`); arguments as :class:`MaxPool1d`, each an int
    or a pair.

    Example:
        >>> nn.MaxPool2d(2)(retrograd.arange(16.).reshape(1, 1, 4, 4))
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """

    _fn = staticmethod(F.max_pool2d)


class MaxPool3d(_MaxPoolNd):
    """Max pooling over the last three dims of ``(N, C, D, H, W)`` or ``(C, D, H, W)``;
    arguments as :class:`MaxPool1d`, each an int or a triple."""

    _fn = staticmethod(F.max_pool3d)


class _AvgPoolNd(Module):
    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """Average pooling over the last dim of ``(N, C, L)`` or ``(C, L)`` (see
    :func:`retrograd.nn.functional.avg_pool1d`).

    Args:
        kernel_size: window size; stride: step (default ``kernel_size``).
        padding: implicit zero padding.
        ceil_mode: round the output size up.
        count_include_pad: count padding zeros in each window's divisor.

    Example:
        >>> nn.AvgPool1d(2)(retrograd.tensor([[[1., 3., 2., 6.]]]))
        tensor([[[2., 4.]]])
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)  # fmt: skip


class AvgPool2d(_AvgPoolNd):
    """Average pooling over the last two dims of ``(N, C, H, W)`` or ``(C, H, W)`` (see
    :func:`retrograd.nn.functional.avg_pool2d`); arguments as :class:`AvgPool1d` plus
    ``divisor_override`` (divide every window's sum by it).

    Example:
        >>> nn.AvgPool2d(2)(retrograd.arange(16.).reshape(1, 1, 4, 4))
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """

    _fn: Any = staticmethod(F.avg_pool2d)

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input, self.kernel_size, self.stride, self.padding,
                              self.ceil_mode, self.count_include_pad,
                              self.divisor_override)  # fmt: skip


class AvgPool3d(AvgPool2d):
    """Average pooling over the last three dims of ``(N, C, D, H, W)`` or ``(C, D, H, W)``;
    arguments as :class:`AvgPool2d`, each an int or a triple."""

    _fn = staticmethod(F.avg_pool3d)


class _AdaptiveAvgPoolNd(Module):
    _fn: Any = None

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Average pooling of ``(N, C, L)`` or ``(C, L)`` to length ``output_size`` (see
    :func:`retrograd.nn.functional.adaptive_avg_pool1d`).

    Example:
        >>> nn.AdaptiveAvgPool1d(2)(retrograd.tensor([[[1., 2., 3., 4., 5.]]]))
        tensor([[[2., 4.]]])
    """

    _fn = staticmethod(F.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Average pooling of ``(N, C, H, W)`` or ``(C, H, W)`` to ``output_size`` (an int or a
    pair; None keeps that input size). ``AdaptiveAvgPool2d(1)`` is global average pooling.

    Example:
        >>> nn.AdaptiveAvgPool2d(1)(retrograd.ones(2, 3, 5, 5)).shape
        retrograd.Size([2, 3, 1, 1])
    """

    _fn = staticmethod(F.adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """Average pooling of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` to ``output_size``."""

    _fn = staticmethod(F.adaptive_avg_pool3d)


class _AdaptiveMaxPoolNd(_AdaptiveAvgPoolNd):
    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        return type(self)._fn(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max pooling of ``(N, C, L)`` or ``(C, L)`` to length ``output_size``; with
    ``return_indices`` also the argmax positions.

    Example:
        >>> nn.AdaptiveMaxPool1d(2)(retrograd.tensor([[[1., 5., 3., 4., 2.]]]))
        tensor([[[5., 4.]]])
    """

    _fn = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max pooling of ``(N, C, H, W)`` or ``(C, H, W)`` to ``output_size`` (an int or a
    pair; None keeps that input size); with ``return_indices`` also the flat indices."""

    _fn = staticmethod(F.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max pooling of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` to ``output_size``."""

    _fn = staticmethod(F.adaptive_max_pool3d)


class _LPPoolNd(Module):
    _fn: Any = None

    def __init__(self, norm_type: float, kernel_size: Any, stride: Any = None,
                 ceil_mode: bool = False) -> None:  # fmt: skip
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input, float(self.norm_type), self.kernel_size, self.stride,
                              self.ceil_mode)  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, ceil_mode={self.ceil_mode}"
        )


class LPPool1d(_LPPoolNd):
    """Power-average pooling ``(sum x^p)^(1/p)`` over windows of the last dim.

    Example:
        >>> nn.LPPool1d(2, 2)(retrograd.tensor([[[3., 4.]]]))
        tensor([[[5.]]])
    """

    _fn = staticmethod(F.lp_pool1d)


class LPPool2d(_LPPoolNd):
    """Power-average pooling ``(sum x^p)^(1/p)`` over windows of the last two dims."""

    _fn = staticmethod(F.lp_pool2d)


class LPPool3d(_LPPoolNd):
    """Power-average pooling ``(sum x^p)^(1/p)`` over windows of the last three dims."""

    _fn = staticmethod(F.lp_pool3d)


class _MaxUnpoolNd(Module):
    _fn: Any = None
    _d = 1

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        d = type(self)._d
        self.kernel_size = _ntuple(kernel_size, d)
        self.stride = _ntuple(stride if stride is not None else kernel_size, d)
        self.padding = _ntuple(padding, d)

    def forward(self, input: Tensor, indices: Tensor, output_size: Any = None) -> Tensor:
        return type(self)._fn(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


def _ntuple(x: Any, d: int) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,) * d


class MaxUnpool1d(_MaxUnpoolNd):
    """The partial inverse of :class:`MaxPool1d`: values back at their indices, zeros
    elsewhere (see :func:`retrograd.nn.functional.max_unpool1d`).

    Example:
        >>> pool, unpool = nn.MaxPool1d(2, return_indices=True), nn.MaxUnpool1d(2)
        >>> unpool(*pool(retrograd.tensor([[[1., 3., 2., 5.]]])))
        tensor([[[0., 3., 0., 5.]]])
    """

    _fn = staticmethod(F.max_unpool1d)
    _d = 1


class MaxUnpool2d(_MaxUnpoolNd):
    """The partial inverse of :class:`MaxPool2d`; ``forward(input, indices, output_size)``."""

    _fn = staticmethod(F.max_unpool2d)
    _d = 2


class MaxUnpool3d(_MaxUnpoolNd):
    """The partial inverse of :class:`MaxPool3d`; ``forward(input, indices, output_size)``."""

    _fn = staticmethod(F.max_unpool3d)
    _d = 3


class _FractionalMaxPoolNd(Module):
    _fn: Any = None
    _d = 2

    def __init__(
        self, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
        return_indices: bool = False, _random_samples: Tensor | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        d, name = type(self)._d, type(self).__name__
        self.kernel_size = _ntuple(kernel_size, d)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _ntuple(output_size, d) if output_size is not None else None
        self.output_ratio = _ntuple(output_ratio, d) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(
                f"{name} requires specifying either an output size, or a pooling ratio"
            )
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input: Tensor) -> Any:
        fn = type(self)._fn
        return fn(input, self.kernel_size, self.output_size, self.output_ratio,
                  self.return_indices, _random_samples=self._random_samples)  # fmt: skip


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Fractional max pooling over the last two dims: ``kernel_size`` boxes at
    pseudo-random starts shrinking the input to ``output_size`` (or ``output_ratio``) (see
    :func:`retrograd.nn.functional.fractional_max_pool2d`).

    Example:
        >>> nn.FractionalMaxPool2d(2, output_ratio=0.5)(retrograd.ones(1, 2, 8, 8)).shape
        retrograd.Size([1, 2, 4, 4])
    """

    _fn = staticmethod(F.fractional_max_pool2d)
    _d = 2


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling over the last three dims (see :class:`FractionalMaxPool2d`)."""

    _fn = staticmethod(F.fractional_max_pool3d)
    _d = 3
