"""retrograd.cuda.amp: PyTorch's deprecated CUDA spellings of autocast and GradScaler."""

from __future__ import annotations

from .. import _dtype
from ..amp._deprecated import deprecated_autocast, deprecated_grad_scaler

__all__ = ["GradScaler", "autocast"]

autocast = deprecated_autocast("cuda", _dtype.float16)
GradScaler = deprecated_grad_scaler("cuda")
autocast.__module__ = GradScaler.__module__ = __name__
autocast.__qualname__, GradScaler.__qualname__ = "autocast", "GradScaler"
