"""Flatten parameters into one vector and write a vector back into parameters."""

from __future__ import annotations

from collections.abc import Iterable

import retrograd as _rg

from ..._tensor import Tensor
from ..modules.module import typename


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters flattened and concatenated into one 1-D tensor (differentiable)."""
    return _rg.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Set the parameters' values from consecutive slices of ``vec`` (no graph recorded)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {typename(vec)}")
    params = list(parameters)
    total = sum(p.numel() for p in params)
    # as PyTorch, a longer vector is fine (its tail is unused); a shorter one is not
    if vec.dim() != 1 or vec.numel() < total:
        raise RuntimeError(
            f"vector_to_parameters: expected a 1-D vector of at least {total} elements (the "
            f"parameters' total size), got shape {list(vec.shape)}"
        )
    start = 0
    for p in params:
        n = p.numel()
        p.data = vec[start : start + n].reshape(p.shape).data
        start += n
