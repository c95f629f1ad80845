"""PyTorch's tensor printing: ``tensor([...], dtype=..., requires_grad=True)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ._tensor import Tensor


def tensor_repr(t: Tensor) -> str:
    arr = t._data
    if arr.dtype.kind == "V":
        arr = arr.astype(np.float32)
    body = np.array2string(arr, separator=", ", prefix="tensor(", precision=4)
    return "tensor(" + body + ")"
