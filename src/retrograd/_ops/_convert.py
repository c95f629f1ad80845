"""Turning user arguments into tensors of the right dtype: Python scalars, promotion."""

from __future__ import annotations

from numbers import Number
from typing import Any

import numpy as np

from .. import _dtype
from .._tensor import Tensor

_NUMBER = (bool, int, float, complex, np.generic)


def is_scalar(x: object) -> bool:
    return isinstance(x, _NUMBER) or (isinstance(x, Number) and not isinstance(x, Tensor))


def _operand_class(x: Any) -> tuple[int, _dtype.dtype]:
    """(priority class, dtype): 2 dimensioned tensor, 1 zero-dim tensor, 0 Python scalar."""
    if isinstance(x, Tensor):
        return (2 if x._data.ndim else 1), _dtype._FROM_NP[x._data.dtype]
    if isinstance(x, np.generic):
        x = x.item()
    return 0, _dtype.scalar_dtype(x)


def result_type(*operands: Any) -> _dtype.dtype:
    """PyTorch's ``result_type`` over tensors and Python numbers."""
    groups: tuple[list[_dtype.dtype], ...] = ([], [], [])
    for x in operands:
        if x is None:
            continue
        cls, dt = _operand_class(x)
        groups[cls].append(dt)
    return _dtype.result_type_of(groups[2], groups[1], groups[0])


def scalar_tensor(x: Any, dt: _dtype.dtype) -> Tensor:
    """A 0-d constant tensor of dtype ``dt`` holding the Python number ``x``."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, complex) and dt.category != _dtype.COMPLEX:
        raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow")
    if type(x) is int and dt.np.kind in "iu":
        # PyTorch wraps an integer around to the result's width (uint8 + -3 adds 253)
        if not -(2**63) <= x < 2**64:
            raise OverflowError("int too big to convert")
        return Tensor._wrap(np.array(x & 0xFFFF_FFFF_FFFF_FFFF, np.uint64).astype(dt.np))
    try:
        with np.errstate(over="raise"):
            arr = np.array(x, dtype=dt.np)
    except (OverflowError, FloatingPointError):
        raise RuntimeError(
            f"value cannot be converted to type {dt.name} without overflow"
        ) from None
    return Tensor._wrap(arr)


def promote(*operands: Any) -> tuple[list[Tensor], np.dtype]:
    """Tensors for every operand (numbers become 0-d constants) and the common dtype."""
    dt = result_type(*operands)
    return [scalar_tensor(x, dt) if not isinstance(x, Tensor) else x for x in operands], dt.np


def check_tensor(x: Any, op: str, arg: str = "input") -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{arg}' must be Tensor, not {type(x).__name__}")
    return x


def float_dtype_of(t: Tensor) -> np.dtype:
    """The dtype a floating op computes in: the input's, or the default for int/bool."""
    k = t._data.dtype.kind
    if k in "fcV":
        return t._data.dtype
    return _dtype.get_default_dtype().np
