"""The deprecated ``torch.cpu.amp`` / ``torch.cuda.amp`` spellings of autocast and GradScaler:
the same classes for a fixed device, warning with PyTorch's FutureWarning text."""

from __future__ import annotations

import warnings

from .. import _dtype
from .autocast_mode import autocast as _autocast
from .grad_scaler import GradScaler as _GradScaler


def _warn(device: str, name: str) -> None:
    warnings.warn(
        f"`torch.{device}.amp.{name}(args...)` is deprecated. Please use "
        f"`torch.amp.{name}('{device}', args...)` instead.",
        FutureWarning,
        stacklevel=3,
    )


def deprecated_autocast(device: str, default_dtype: _dtype.dtype) -> type[_autocast]:
    """``retrograd.<device>.amp.autocast``: ``retrograd.autocast(device, ...)`` with a
    warning (for 'cuda' it then switches itself off, as PyTorch without CUDA does)."""

    class autocast(_autocast):
        def __init__(self, enabled: bool = True, dtype: _dtype.dtype = default_dtype,
                     cache_enabled: bool = True) -> None:  # fmt: skip
            _warn(device, "autocast")
            super().__init__(device, enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)

    autocast.__doc__ = f"``retrograd.autocast('{device}', ...)`` under its deprecated name."
    return autocast


def deprecated_grad_scaler(device: str) -> type[_GradScaler]:
    """``retrograd.<device>.amp.GradScaler``: ``retrograd.amp.GradScaler(device, ...)`` with
    a warning."""

    class GradScaler(_GradScaler):
        def __init__(self, init_scale: float = 2.0**16, growth_factor: float = 2.0,
                     backoff_factor: float = 0.5, growth_interval: int = 2000,
                     enabled: bool = True) -> None:  # fmt: skip
            _warn(device, "GradScaler")
            super().__init__(device, init_scale, growth_factor, backoff_factor,
                             growth_interval, enabled)  # fmt: skip

    GradScaler.__doc__ = f"``retrograd.amp.GradScaler('{device}', ...)``, deprecated name."
    return GradScaler
