"""``retrograd.linalg``: PyTorch's ``torch.linalg`` names."""

from __future__ import annotations

from .._ops.linalg_ops import LinAlgError
from .._ops.linalg_ops import linalg_cholesky as cholesky
from .._ops.linalg_ops import linalg_cross as cross
from .._ops.linalg_ops import linalg_det as det
from .._ops.linalg_ops import linalg_diagonal as diagonal
from .._ops.linalg_ops import linalg_eigh as eigh
from .._ops.linalg_ops import linalg_eigvalsh as eigvalsh
from .._ops.linalg_ops import linalg_inv as inv
from .._ops.linalg_ops import linalg_lstsq as lstsq
from .._ops.linalg_ops import linalg_matmul as matmul
from .._ops.linalg_ops import linalg_matrix_power as matrix_power
from .._ops.linalg_ops import linalg_multi_dot as multi_dot
from .._ops.linalg_ops import linalg_pinv as pinv
from .._ops.linalg_ops import linalg_qr as qr
from .._ops.linalg_ops import linalg_slogdet as slogdet
from .._ops.linalg_ops import linalg_solve as solve
from .._ops.linalg_ops import linalg_solve_triangular as solve_triangular
from .._ops.linalg_ops import linalg_svd as svd
from .._ops.linalg_ops import linalg_svdvals as svdvals
from .._ops.linalg_ops import linalg_vecdot as vecdot
from .._ops.reduce_ops import linalg_norm as norm
from .._ops.reduce_ops import matrix_norm, vector_norm

__all__ = [
    "LinAlgError",
    "cholesky",
    "cross",
    "det",
    "diagonal",
    "eigh",
    "eigvalsh",
    "inv",
    "lstsq",
    "matmul",
    "matrix_norm",
    "matrix_power",
    "multi_dot",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "solve_triangular",
    "svd",
    "svdvals",
    "vecdot",
    "vector_norm",
]
