"""``retrograd.linalg``: PyTorch's ``torch.linalg`` names."""

from __future__ import annotations

from .._ops.linalg_ops import linalg_cross as cross

__all__ = ["cross"]
