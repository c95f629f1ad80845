"""BatchNorm1d/2d/3d: per-channel normalization over the batch, with running statistics."""

from __future__ import annotations

from typing import Any

import retrograd as _rg

from ..._tensor import Tensor
from .. import functional as F
from .linear import _factory
from .module import Module
from .normalization import _affine_parameters, _reset_affine


class _NormBase(Module):
    """What batch and instance norm share: affine parameters and the running buffers
    ``running_mean``, ``running_var`` and ``num_batches_tracked`` (PyTorch's names, order and
    dtypes, so state_dicts move between the two libraries)."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:  # fmt: skip
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        _affine_parameters(self, num_features, affine, bias, device, dtype)
        fk = _factory(device, dtype)
        if track_running_stats:
            self.register_buffer("running_mean", _rg.zeros(num_features, **fk))
            self.register_buffer("running_var", _rg.ones(num_features, **fk))
            self.register_buffer("num_batches_tracked", _rg.tensor(0, dtype=_rg.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.running_mean: Tensor | None
        self.running_var: Tensor | None
        self.num_batches_tracked: Tensor | None
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        _reset_affine(self)

    def _check_input_dim(self, input: Tensor) -> None:
        raise NotImplementedError

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")  # fmt: skip


class _BatchNorm(_NormBase):
    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # a cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked)
        # batch statistics in training, and in eval mode when there are no buffers
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        track = not self.training or self.track_running_stats
        try:
            return F.batch_norm(input, self.running_mean if track else None,
                                self.running_var if track else None, self.weight, self.bias,
                                use_batch, factor, self.eps)  # fmt: skip
        except (RuntimeError, ValueError) as e:
            raise type(e)(f"{self!r} got input of shape {list(input.shape)}: {e}") from None


def _dim_checker(allowed: tuple[int, ...], text: str) -> Any:
    def check(self: Module, input: Tensor) -> None:
        if input.dim() not in allowed:
            raise ValueError(f"expected {text} input (got {input.dim()}D input) in {self!r}, "
                             f"input of shape {list(input.shape)}")  # fmt: skip

    return check


class BatchNorm1d(_BatchNorm):
    """Batch normalization of ``(N, C)`` or ``(N, C, L)`` inputs over N (and L).

    Args:
        num_features: ``C``.
        eps: added to the variance for stability.
        momentum: the running statistics' update factor; None for a cumulative average.
        affine: learn per-channel ``weight`` (ones) and ``bias`` (zeros).
        track_running_stats: keep ``running_mean``/``running_var`` buffers for eval mode.
        bias: learn the bias too (only with ``affine``).

    Example::

        >>> m = nn.BatchNorm1d(100)
        >>> m(retrograd.randn(20, 100)).shape
        retrograd.Size([20, 100])
    """

    _check_input_dim = _dim_checker((2, 3), "2D or 3D")


class BatchNorm2d(_BatchNorm):
    """Batch normalization of ``(N, C, H, W)`` inputs over N, H and W (options as
    :class:`BatchNorm1d`)."""

    _check_input_dim = _dim_checker((4,), "4D")


class BatchNorm3d(_BatchNorm):
    """Batch normalization of ``(N, C, D, H, W)`` inputs over N, D, H and W (options as
    :class:`BatchNorm1d`)."""

    _check_input_dim = _dim_checker((5,), "5D")
