"""Matrix products."""

from __future__ import annotations

from .._prims import linalg as P
from .._prims._core import apply
from .._tensor import Tensor
from ._convert import check_tensor
from .shape_ops import infer_size


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Matrix product with PyTorch's rules for every rank combination: 1-D operands are
    promoted to matrices and the added dim removed; batch dims broadcast."""
    check_tensor(input, "matmul")
    check_tensor(other, "matmul", "other")
    na, nb = input._data.ndim, other._data.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D"
        )
    ka = input._data.shape[-1]
    kb = other._data.shape[-2] if nb > 1 else other._data.shape[0]
    if ka != kb:
        sa, sb = list(input._data.shape), list(other._data.shape)
        if na == 1 and nb == 1:
            msg = (
                f"inconsistent tensor size, expected tensor [{ka}] and src [{kb}] to have "
                "the same number of elements, but got {ka} and {kb} elements respectively"
            )
            raise RuntimeError(msg.format(ka=ka, kb=kb))
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({'x'.join(map(str, sa))} and "
            f"{'x'.join(map(str, sb))})"
        )
    if na == 1 and nb == 1:
        prim = P.Dot
    elif na == 2 and nb == 1:
        prim = P.Mv
    elif na == 2 and nb == 2:
        prim = P.Mm
    else:
        prim = P.MatMul
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {input.dtype} != {other.dtype}"
        )
    try:
        return apply(prim, input, other)
    except ValueError:
        # NumPy failed to broadcast the batch dims: PyTorch's message names them
        infer_size(input._data.shape[:-2], other._data.shape[:-2])
        raise


mm = matmul
