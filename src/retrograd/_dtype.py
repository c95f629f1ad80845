"""dtype objects, PyTorch's names for them, and PyTorch's type-promotion rules.

Each retrograd dtype wraps exactly one NumPy dtype (bfloat16 comes from ml_dtypes), so a
tensor's dtype is read off its array. Promotion follows c10's ``promoteTypes`` and
``result_type``: categories bool < integer < floating < complex, with Python scalars and
0-d tensors only able to raise the category, never the width, of dimensioned tensors.
"""

from __future__ import annotations

import threading
from typing import Any

import ml_dtypes
import numpy as np

# category codes used by the promotion rules
BOOL, INT, FLOAT, COMPLEX = 0, 1, 2, 3


class dtype:
    """A tensor element type, named as in PyTorch (``retrograd.float32`` ...)."""

    __slots__ = ("name", "np", "itemsize", "category", "is_signed", "_legacy")

    def __init__(self, name: str, np_dtype: np.dtype, category: int, legacy: str) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self.category = category
        self.is_signed = name not in ("bool", "uint8")
        self._legacy = legacy

    @property
    def is_floating_point(self) -> bool:
        return self.category == FLOAT

    @property
    def is_complex(self) -> bool:
        return self.category == COMPLEX

    def to_real(self) -> dtype:
        return {complex64: float32, complex128: float64}.get(self, self)

    def to_complex(self) -> dtype:
        return {float16: complex64, bfloat16: complex64, float32: complex64}.get(
            self, complex128 if self is float64 else self
        )

    def __repr__(self) -> str:
        return f"retrograd.{self.name}"

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # by name, so unpickling gives back the one dtype object (``bool`` is ``bool_`` here)
        return _dtype_named, (self.name,)


def _dtype_named(name: str) -> dtype:
    return ALIASES[name]


bool_ = dtype("bool", np.bool_, BOOL, "BoolTensor")
uint8 = dtype("uint8", np.uint8, INT, "ByteTensor")
int8 = dtype("int8", np.int8, INT, "CharTensor")
int16 = dtype("int16", np.int16, INT, "ShortTensor")
int32 = dtype("int32", np.int32, INT, "IntTensor")
int64 = dtype("int64", np.int64, INT, "LongTensor")
float16 = dtype("float16", np.float16, FLOAT, "HalfTensor")
bfloat16 = dtype("bfloat16", ml_dtypes.bfloat16, FLOAT, "BFloat16Tensor")
float32 = dtype("float32", np.float32, FLOAT, "FloatTensor")
float64 = dtype("float64", np.float64, FLOAT, "DoubleTensor")
complex64 = dtype("complex64", np.complex64, COMPLEX, "ComplexFloatTensor")
complex128 = dtype("complex128", np.complex128, COMPLEX, "ComplexDoubleTensor")

ALL = (bool_, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64,
       complex64, complex128)  # fmt: skip
ALIASES = {
    "bool": bool_, "uint8": uint8, "int8": int8, "int16": int16, "short": int16,
    "int32": int32, "int": int32, "int64": int64, "long": int64, "float16": float16,
    "half": float16, "bfloat16": bfloat16, "float32": float32, "float": float32,
    "float64": float64, "double": float64, "complex64": complex64, "cfloat": complex64,
    "complex128": complex128, "cdouble": complex128,
}  # fmt: skip

# NumPy dtype -> retrograd dtype; the hot path of every tensor's ``dtype``.
_FROM_NP: dict[np.dtype, dtype] = {d.np: d for d in ALL}


def from_numpy_dtype(np_dtype: np.dtype) -> dtype:
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type {np_dtype}. The only supported types are: "
            "float64, float32, float16, bfloat16, complex64, complex128, int64, int32, "
            "int16, int8, uint8, and bool."
        ) from None


def as_dtype(d: object) -> dtype:
    """Accept a retrograd dtype, a NumPy dtype/type or Python's float/int/bool/complex."""
    if isinstance(d, dtype):
        return d
    py = {float: float64, int: int64, bool: bool_, complex: complex128}.get(d)  # type: ignore[call-overload]
    if py is not None:
        return py
    try:
        return from_numpy_dtype(np.dtype(d))  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"{d!r} is not a dtype") from None


class _DefaultDtype(threading.local):
    value: dtype = float32


_default = _DefaultDtype()


def get_default_dtype() -> dtype:
    """The dtype of tensors built from Python floats (float32 unless changed)."""
    return _default.value


def set_default_dtype(d: dtype) -> None:
    """Set the floating dtype used for Python floats; only float32/float64 (and half
    precisions) are accepted, as in PyTorch."""
    if not isinstance(d, dtype):
        # PyTorch takes only its dtype objects here, not Python's float or NumPy dtypes
        raise TypeError(
            "invalid dtype object: only floating-point types are supported as the default "
            f"type, got {d!r}"
        )
    if d.category != FLOAT:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default.value = d


def default_complex_dtype() -> dtype:
    return complex128 if _default.value is float64 else complex64


_INTS_BY_ORDER = (uint8, int8, int16, int32, int64)


def promote_types(a: dtype, b: dtype) -> dtype:
    """PyTorch's ``promote_types``: the smallest dtype both ``a`` and ``b`` convert to."""
    if a is b:
        return a
    ca, cb = a.category, b.category
    if ca < cb:
        a, b, ca, cb = b, a, cb, ca
    # now a has the higher (or equal) category
    if ca != cb:
        if ca == COMPLEX and cb == FLOAT:
            return complex128 if b is float64 or a is complex128 else complex64
        return a  # float/complex beats int/bool; int beats bool
    if ca == FLOAT:
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a.itemsize >= b.itemsize else b
    if ca == COMPLEX:
        return complex128
    # two integer types: NumPy's rules agree with PyTorch's for uint8..int64
    return _FROM_NP[np.promote_types(a.np, b.np)]


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    """c10's combine_categories: a lower-priority operand only raises the category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == COMPLEX:
        return higher
    if lower.category == COMPLEX:
        return higher.to_complex() if higher.category == FLOAT else lower
    if higher.category == FLOAT:
        return higher
    if higher is bool_ or lower.category == FLOAT:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(x: object) -> dtype:
    """The dtype a Python scalar takes in an operation with tensors."""
    if isinstance(x, bool):
        return bool_
    if isinstance(x, int):
        return int64
    if isinstance(x, float):
        return _default.value
    if isinstance(x, complex):
        return default_complex_dtype()
    raise TypeError(f"expected a Python number, got {type(x).__name__}")


def result_type_of(dim_dtypes: list[dtype], zero_dim_dtypes: list[dtype],
                   scalar_dtypes: list[dtype]) -> dtype:  # fmt: skip
    """PyTorch's ``result_type`` over three priority classes of operands."""

    def fold(ds: list[dtype]) -> dtype | None:
        out = None
        for d in ds:
            out = d if out is None else promote_types(out, d)
        return out

    res = _combine(fold(dim_dtypes), _combine(fold(zero_dim_dtypes), fold(scalar_dtypes)))
    assert res is not None
    return res


def can_cast(frm: dtype, to: dtype) -> bool:
    """PyTorch's ``can_cast`` (same-kind casting: no lowering of category)."""
    if frm.category == COMPLEX and to.category != COMPLEX:
        return False
    if frm.category == FLOAT and to.category < FLOAT:
        return False
    if frm.category == INT and to is bool_:
        return False
    return True
