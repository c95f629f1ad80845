"""Elementwise operations: argument handling and promotion around the primitives."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from .._prims import elementwise as P
from .._prims._core import _apply, apply, apply_promoted
from .._tensor import Tensor
from ._convert import check_tensor, float_dtype_of, promote, result_type, scalar_tensor

_T = Tensor


def _binary(prim: Any, a: Any, b: Any, **params: Any) -> Tensor:
    try:
        # fast path: two tensors of one dtype
        if type(a) is _T and type(b) is _T and a._data.dtype == b._data.dtype:
            return apply(prim, a, b, **params)
        (ta, tb), dt = promote(a, b)
        return apply_promoted(prim, dt, ta, tb, **params)
    except ValueError as e:
        raise broadcast_error(e, a, b) from None


def broadcast_error(e: ValueError, *operands: Any) -> Exception:
    """PyTorch's RuntimeError when NumPy's ``e`` came from operands that do not broadcast
    (checked only after NumPy failed, so the hot path pays nothing); else ``e`` itself."""
    from .shape_ops import infer_size

    try:
        infer_size(*(x._data.shape if isinstance(x, Tensor) else () for x in operands))
    except RuntimeError as err:
        return err
    return e


def _scalar_fast(a: Tensor, b: Any) -> Tensor | None:
    """``b`` as a constant of ``a``'s dtype when a Python number can't change the result
    type (a float tensor with a real number, an int tensor with an int)."""
    tb = type(b)
    k = a._data.dtype.kind
    if (tb is float or tb is int) and k in "fV":
        return Tensor._wrap(np.array(b, a._data.dtype))
    if tb is int and k in "iu":
        return scalar_tensor(b, a.dtype)  # wraps around, as PyTorch does
    return None


def add(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Tensor:
    """input + alpha * other, with broadcasting and type promotion."""
    if isinstance(input, Tensor) and not isinstance(other, Tensor):
        c = _scalar_fast(input, other)
        if c is not None:
            return apply(P.Add, input, c, alpha=alpha)
    return _binary(P.Add, input, other, alpha=alpha)


def sub(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Tensor:
    """input - alpha * other."""
    ba, bb = (x._data.dtype == np.bool_ if isinstance(x, Tensor) else type(x) is bool
              for x in (input, other))  # fmt: skip
    if ba or bb:  # PyTorch refuses any bool operand, a Python bool included
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
            "`^` or `logical_xor()` operator instead." if ba and bb else
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )  # fmt: skip
    if isinstance(input, Tensor) and not isinstance(other, Tensor):
        c = _scalar_fast(input, other)
        if c is not None:
            return apply(P.Sub, input, c, alpha=alpha)
    return _binary(P.Sub, input, other, alpha=alpha)


def _rsub_op(self: Tensor, other: Any) -> Tensor:
    """``other - self`` (the reflected operator)."""
    c = _scalar_fast(self, other) if not isinstance(other, Tensor) else None
    if c is not None:
        return apply(P.Rsub, c, self)
    return sub(other, self)


def _operator(prim: Any, general: Any, kinds: str) -> Any:
    """``Tensor.__mul__`` and friends: a tensor of the same dtype, or a Python number with
    a floating tensor, goes straight to the primitive; everything else to ``general``."""

    def op(self: Tensor, other: Any) -> Tensor:
        to = type(other)
        a = self._data
        if to is _T:
            if other._data.dtype == a.dtype and a.dtype.kind in kinds:
                try:
                    return apply(prim, self, other)
                except ValueError as e:
                    raise broadcast_error(e, self, other) from None
        elif (to is float or to is int) and a.dtype.kind in "fV":
            return apply(prim, self, _T._wrap(np.array(other, a.dtype)))
        return general(self, other)

    op.__name__ = general.__name__
    op.__doc__ = general.__doc__
    return op


def rsub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """other - alpha * input."""
    return sub(other, input, alpha=alpha)


def mul(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """input * other."""
    if type(other) is not _T and isinstance(input, Tensor) and not isinstance(other, Tensor):
        c = _scalar_fast(input, other)
        if c is not None:
            return apply(P.Mul, input, c)
    return _binary(P.Mul, input, other)


def div(input: Any, other: Any, *, rounding_mode: str | None = None, out: Any = None) -> Tensor:
    """input / other; integer inputs divide as floats (true division)."""
    if rounding_mode is not None:
        raise NotImplementedError("div(rounding_mode=...) arrives with the full catalogue")
    dt = result_type(input, other)
    if dt.category < _dtype.FLOAT:
        dt = _dtype.get_default_dtype()
    ta, tb = (scalar_tensor(x, dt) for x in (input, other))
    try:
        if ta._data.dtype == tb._data.dtype == dt.np:
            return apply(P.Div, ta, tb)
        return apply_promoted(P.Div, dt.np, ta, tb)
    except ValueError as e:
        raise broadcast_error(e, ta, tb) from None


true_divide = divide = div


def neg(input: Tensor) -> Tensor:
    """-input."""
    if input._data.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return apply(P.Neg, input)


negative = neg


def _floating_unary(prim: Any) -> Any:
    name = prim.name.lower()

    def op(input: Tensor, *, out: Any = None) -> Tensor:
        if type(input) is not _T:
            check_tensor(input, name)
        if input._data.dtype.kind in "fcV":
            return apply(prim, input)
        return apply_promoted(prim, float_dtype_of(input), input)

    op.__name__ = prim.name.lower()
    op.__doc__ = f"Elementwise {prim.name.lower()}; integer inputs compute in the default dtype."
    return op


exp = _floating_unary(P.Exp)
log = _floating_unary(P.Log)
sqrt = _floating_unary(P.Sqrt)
sin = _floating_unary(P.Sin)
cos = _floating_unary(P.Cos)
tanh = _floating_unary(P.Tanh)
sigmoid = _floating_unary(P.Sigmoid)


def relu(input: Tensor) -> Tensor:
    """max(input, 0); the gradient at 0 is 0."""
    if input._data.dtype == np.bool_:
        raise RuntimeError("\"clamp_min_scalar_cpu\" not implemented for 'Bool'")
    return apply(P.Relu, input)


def abs(input: Tensor) -> Tensor:
    """|input|; for complex input a real tensor of magnitudes."""
    if input._data.dtype == np.bool_:
        raise RuntimeError("abs is not supported for bool tensors")
    return apply(P.Abs, input)


absolute = abs


def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1 by sign; its gradient is zero."""
    if input.is_complex():
        raise RuntimeError("Unlike NumPy, torch.sign is not intended to support complex numbers. "
                           "Please use torch.sgn instead.")  # fmt: skip
    return apply(P.Sign, input)


def sgn(input: Tensor) -> Tensor:
    """z / |z| for complex input (0 at 0); sign for real input."""
    return apply(P.Sgn, input)


def pow(input: Any, exponent: Any) -> Tensor:
    """input ** exponent for tensors and numbers in either position."""
    if isinstance(input, Tensor) and isinstance(exponent, Tensor):
        return _binary(P.Pow, input, exponent)
    if isinstance(input, Tensor):
        dt = result_type(input, exponent)
        if dt.category == _dtype.INT and isinstance(exponent, int) and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if isinstance(exponent, np.generic):
            exponent = exponent.item()
        if dt.np == input._data.dtype:
            return apply(P.PowScalar, input, exponent=exponent)
        return apply_promoted(P.PowScalar, dt.np, input, exponent=exponent)
    dt = result_type(input, exponent)
    check_tensor(exponent, "pow", "exponent")
    if dt.np == exponent._data.dtype:
        return apply(P.RPowScalar, exponent, base=input)
    return apply_promoted(P.RPowScalar, dt.np, exponent, base=input)


def square(input: Tensor) -> Tensor:
    return pow(input, 2)


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """Limit values to [min, max]; the gradient passes where min <= input <= max."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        lo = min if min is not None else float("-inf")
        hi = max if max is not None else float("inf")
        (t, tlo, thi), dt = promote(input, lo, hi)
        try:
            return apply_promoted(P.ClampTensor, dt, t, tlo, thi)
        except ValueError as e:
            raise broadcast_error(e, t, tlo, thi) from None
    dt = result_type(input, min, max)
    if dt.np == input._data.dtype:
        return apply(P.Clamp, input, min=min, max=max)
    return apply_promoted(P.Clamp, dt.np, input, min=min, max=max)


clip = clamp


def clamp_min(input: Tensor, min: Any) -> Tensor:
    return clamp(input, min=min)


def clamp_max(input: Tensor, max: Any) -> Tensor:
    return clamp(input, max=max)


def where(condition: Tensor, input: Any = None, other: Any = None) -> Any:
    """Choose ``input`` where ``condition`` holds, ``other`` elsewhere (broadcasting)."""
    if input is None and other is None:
        from .shape_ops import nonzero

        return nonzero(condition, as_tuple=True)
    check_tensor(condition, "where", "condition")
    if condition._data.dtype != np.bool_:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{condition.dtype}"
        )
    (ta, tb), dt = promote(input, other)
    if ta._data.dtype == dt and tb._data.dtype == dt:
        try:
            return apply(P.Where, condition, ta, tb)
        except ValueError as e:
            raise broadcast_error(e, condition, ta, tb) from None
    # the condition stays bool: promote only the two value operands
    arrays = [condition._data, ta._data.astype(dt, copy=False), tb._data.astype(dt, copy=False)]
    try:
        return _apply(P.Where, (condition, ta, tb), arrays, {})
    except ValueError as e:
        raise broadcast_error(e, condition, ta, tb) from None


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """``input`` with ``value`` where ``mask`` is True."""
    if not isinstance(mask, Tensor) or mask._data.dtype != np.bool_:
        got = mask.dtype if isinstance(mask, Tensor) else type(mask).__name__
        raise RuntimeError(
            f"masked_fill_ only supports boolean masks, but got mask with dtype {got}"
        )
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor "
                f"with {value.ndim} dimension(s)."
            )
        if value.requires_grad or value._fw is not None:  # a gradient or a tangent to pass
            return where(mask, value.to(input.dtype), input)
        value = value.item()
    try:
        return apply(P.MaskedFill, input, mask, value=value)
    except ValueError as e:
        raise broadcast_error(e, mask, input) from None  # PyTorch names the mask first


def to_dtype(input: Tensor, dtype: _dtype.dtype, copy: bool = False) -> Tensor:
    """``input`` converted to ``dtype`` (the same tensor when already so, unless copy)."""
    dt = _dtype.as_dtype(dtype)
    if dt.np == input._data.dtype and not copy:
        return input
    return apply(P.ToCopy, input, dtype=dt.np)


def to_dtype_np(input: Tensor, dt: np.dtype) -> Tensor:
    return apply(P.ToCopy, input, dtype=dt)


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy that stays in the graph."""
    return apply(P.Clone, input)


def conj(input: Tensor) -> Tensor:
    return apply(P.Conj, input) if input.is_complex() else input


def real(input: Tensor) -> Tensor:
    return apply(P.Real, input) if input.is_complex() else input


def imag(input: Tensor) -> Tensor:
    if not input.is_complex():
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return apply(P.Imag, input)


# ------------------------------------------------------------------ comparisons
def _compare(ufunc: Any, name: str) -> Any:
    ordered = name not in ("eq", "ne")  # complex numbers have no order (NumPy's is lexical)

    def op(input: Any, other: Any) -> Tensor:
        if isinstance(input, Tensor) and not isinstance(other, Tensor):
            tb = type(other)
            if (tb is float or tb is int or tb is bool) and not (
                ordered and input._data.dtype.kind == "c"
            ):
                if tb is int and input._data.dtype.kind in "iu":
                    other = scalar_tensor(other, input.dtype)._data  # wraps, as PyTorch does
                return Tensor._wrap(np.asarray(ufunc(input._data, other)))
        (ta, tb2), dt = promote(input, other)
        if ordered and dt.kind == "c":
            raise NotImplementedError(
                f'"{name}_cpu" not implemented for '
                f"'{_dtype._FROM_NP[dt]._legacy.removesuffix('Tensor')}'"
            )
        a, b = ta._data, tb2._data
        if a.dtype != dt:
            a = a.astype(dt)
        if b.dtype != dt:
            b = b.astype(dt)
        try:
            return Tensor._wrap(np.asarray(ufunc(a, b)))
        except ValueError as e:
            raise broadcast_error(e, ta, tb2) from None

    op.__name__ = name
    op.__doc__ = f"Elementwise ``{name}`` comparison; a bool tensor outside the graph."
    return op


eq = _compare(np.equal, "eq")
ne = _compare(np.not_equal, "ne")
lt = _compare(np.less, "lt")
le = _compare(np.less_equal, "le")
gt = _compare(np.greater, "gt")
ge = _compare(np.greater_equal, "ge")
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def _logical(ufunc: Any, name: str) -> Any:
    def op(input: Any, other: Any) -> Tensor:
        a = input._data if isinstance(input, Tensor) else input
        b = other._data if isinstance(other, Tensor) else other
        try:
            return Tensor._wrap(np.asarray(ufunc(a, b)))
        except ValueError as e:
            raise broadcast_error(e, input, other) from None

    op.__name__ = name
    return op


logical_and = _logical(np.logical_and, "logical_and")
logical_or = _logical(np.logical_or, "logical_or")
logical_xor = _logical(np.logical_xor, "logical_xor")


def logical_not(input: Tensor) -> Tensor:
    return Tensor._wrap(np.asarray(np.logical_not(input._data)))


def _bitwise(ufunc: Any, logical: Any, name: str) -> Any:
    def op(input: Any, other: Any) -> Tensor:
        (ta, tb), dt = promote(input, other)
        if dt.kind not in "biu":
            raise RuntimeError(f"\"{name}_cpu\" not implemented for '{_dtype._FROM_NP[dt].name}'")
        try:
            return Tensor._wrap(np.asarray(ufunc(ta._data.astype(dt, copy=False),
                                                 tb._data.astype(dt, copy=False))))  # fmt: skip
        except ValueError as e:
            raise broadcast_error(e, ta, tb) from None

    op.__name__ = name
    return op


bitwise_and = _bitwise(np.bitwise_and, logical_and, "bitwise_and")
bitwise_or = _bitwise(np.bitwise_or, logical_or, "bitwise_or")
bitwise_xor = _bitwise(np.bitwise_xor, logical_xor, "bitwise_xor")


def bitwise_not(input: Tensor) -> Tensor:
    if input._data.dtype.kind not in "biu":
        raise RuntimeError(f"bitwise_not is only supported for integer and bool tensors, got "
                           f"{input.dtype}")  # fmt: skip
    return Tensor._wrap(np.asarray(np.invert(input._data)))


def isnan(input: Tensor) -> Tensor:
    return Tensor._wrap(np.asarray(np.isnan(input._data)))


# the operators, fast for the common operand types (see _operator)
add_op = _operator(P.Add, add, "fcViu")
sub_op = _operator(P.Sub, sub, "fcViu")
mul_op = _operator(P.Mul, mul, "fcViub")
div_op = _operator(P.Div, div, "fcV")
