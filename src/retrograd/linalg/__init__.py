"""``retrograd.linalg``: PyTorch's ``torch.linalg`` names."""

from __future__ import annotations

from .._ops.linalg_ops import linalg_cross as cross
from .._ops.reduce_ops import matrix_norm, vector_norm

__all__ = ["cross", "matrix_norm", "vector_norm"]
