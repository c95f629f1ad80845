"""retrograd.cpu.amp: PyTorch's deprecated CPU spellings of autocast and GradScaler."""

from __future__ import annotations

from .. import _dtype
from ..amp._deprecated import deprecated_autocast, deprecated_grad_scaler

__all__ = ["GradScaler", "autocast"]

autocast = deprecated_autocast("cpu", _dtype.bfloat16)
GradScaler = deprecated_grad_scaler("cpu")
autocast.__module__ = GradScaler.__module__ = __name__
autocast.__qualname__, GradScaler.__qualname__ = "autocast", "GradScaler"
