"""Elementwise operations: argument handling and promotion around the primitives."""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from .. import _dtype
from .._fpe import quiet as _quiet
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
    """input / other; integer inputs divide as floats (true division).

    Args:
        input: the dividend (a tensor or number).
        other: the divisor (a tensor or number).
        rounding_mode: None (true division), ``'trunc'`` (toward zero) or ``'floor'``
            (toward minus infinity); the rounded forms keep integer dtypes and have a zero
            gradient.

    Example:
        >>> retrograd.div(retrograd.tensor([7, -7]), 2, rounding_mode="trunc")
        tensor([ 3, -3])
    """
    if rounding_mode is not None:
        return _div_rounded(input, other, rounding_mode)
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
        raise NotImplementedError(
            "Unlike NumPy, torch.sign is not intended to support complex numbers. Please use "
            "torch.sgn instead."
        )
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
    if dt.np.kind in "iu":
        min, max = (_int_bound(b, dt.np) for b in (min, max))
    if dt.np == input._data.dtype:
        return apply(P.Clamp, input, min=min, max=max)
    return apply_promoted(P.Clamp, dt.np, input, min=min, max=max)


_C_INT_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
                "int64": "int64_t"}  # fmt: skip


def _int_bound(bound: Any, dt: np.dtype) -> Any:
    """A Python-number clamp bound in an integer dtype, by c10's rule: in range (unsigned
    types also take negatives down to -max, wrapping around), else PyTorch's error."""
    if bound is None or isinstance(bound, Tensor):
        return bound
    info = np.iinfo(dt)
    lo = -int(info.max) if dt.kind == "u" else int(info.min)
    if not lo <= bound <= int(info.max):
        raise RuntimeError(
            f"value cannot be converted to type {_C_INT_NAMES[dt.name]} without overflow"
        )
    return int(np.array(int(bound) & 0xFFFF_FFFF_FFFF_FFFF, np.uint64).astype(dt))


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


# ------------------------------------------------------------- the rest of the catalogue
def _type_name(dt: np.dtype) -> str:
    """PyTorch's ScalarType name of a NumPy dtype: Float, Long, ComplexDouble..."""
    return _dtype._FROM_NP[np.dtype(dt)]._legacy.removesuffix("Tensor")


def _c10_name(dt: np.dtype) -> str:
    """The dtype as PyTorch's C++ messages spell it: float, double, long int..."""
    name = _type_name(dt)
    return {"Float": "float", "Double": "double", "Long": "long int", "Int": "int"}.get(
        name, f"c10::{name}"
    )


def _not_implemented(kernel: str, dt: np.dtype) -> NotImplementedError:
    return NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(dt)}'")


def _real_floating_unary(prim: Any, kernel: str) -> Any:
    """A floating op PyTorch defines for real inputs only (erf, lgamma...)."""
    general = _floating_unary(prim)

    def op(input: Tensor, *, out: Any = None) -> Tensor:
        check_tensor(input, prim.name.lower())
        if input._data.dtype.kind == "c":
            raise _not_implemented(kernel, input._data.dtype)
        return general(input)

    op.__name__ = prim.name.lower()
    op.__doc__ = general.__doc__ + " Real inputs only."
    return op


reciprocal = _floating_unary(P.Reciprocal)
rsqrt = _floating_unary(P.Rsqrt)
exp2 = _floating_unary(P.Exp2)
expm1 = _floating_unary(P.Expm1)
log2 = _floating_unary(P.Log2)
log10 = _floating_unary(P.Log10)
log1p = _floating_unary(P.Log1p)
tan = _floating_unary(P.Tan)
asin = arcsin = _floating_unary(P.Asin)
acos = arccos = _floating_unary(P.Acos)
atan = arctan = _floating_unary(P.Atan)
sinh = _floating_unary(P.Sinh)
cosh = _floating_unary(P.Cosh)
asinh = arcsinh = _floating_unary(P.Asinh)
acosh = arccosh = _floating_unary(P.Acosh)
atanh = arctanh = _floating_unary(P.Atanh)
erf = _real_floating_unary(P.Erf, "erf_vml_cpu")
erfc = _real_floating_unary(P.Erfc, "erfc_vml_cpu")
erfinv = _real_floating_unary(P.Erfinv, "erfinv_vml_cpu")
lgamma = _real_floating_unary(P.Lgamma, "lgamma_vml_cpu")
digamma = _real_floating_unary(P.Digamma, "digamma")


def polygamma(n: int, input: Tensor) -> Tensor:
    """The n-th derivative of the digamma function (``polygamma(0, x)`` is ``digamma``).

    Args:
        n: the order, a non-negative int.
        input: the tensor.

    Example:
        >>> retrograd.polygamma(1, retrograd.tensor([1.0]))  # pi^2 / 6
        tensor([1.6449])
    """
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"polygamma(): argument 'n' must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if n == 0:
        return digamma(input)
    check_tensor(input, "polygamma")
    if input._data.dtype.kind == "c":
        raise _not_implemented("trigamma" if n == 1 else "polygamma", input._data.dtype)
    if input._data.dtype.kind in "fV":
        return apply(P.Polygamma, input, n=n)
    return apply_promoted(P.Polygamma, float_dtype_of(input), input, n=n)


def _polygamma_method(input: Tensor, n: int) -> Tensor:
    """``Tensor.polygamma(n)``: the tensor comes first."""
    return polygamma(n, input)


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when ``eps`` is given.

    Args:
        input: probabilities.
        eps: the clamp; None (default) leaves the input as is (nan outside [0, 1]).

    Example:
        >>> retrograd.logit(retrograd.tensor([0.5, 0.75]))
        tensor([0.0000, 1.0986])
    """
    check_tensor(input, "logit")
    if input._data.dtype.kind == "c":
        raise _not_implemented("logit_cpu", input._data.dtype)
    if input._data.dtype.kind in "fV":
        return apply(P.Logit, input, eps=eps)
    return apply_promoted(P.Logit, float_dtype_of(input), input, eps=eps)


# -------------------------------------------------------------------------- rounding
def _rounding(prim: Any, name: str) -> Any:
    def op(input: Tensor, *, out: Any = None) -> Tensor:
        check_tensor(input, name)
        k = input._data.dtype.kind
        if k == "c":
            if name == "round":
                raise _not_implemented("round_vml_cpu", input._data.dtype)
            raise NotImplementedError(f"{name} is not supported for complex inputs")
        if k == "b":
            raise _not_implemented(f"{name}_vml_cpu", input._data.dtype)
        if k in "iu":  # integers are already whole: a copy, as PyTorch
            return Tensor._wrap(input._data.copy())
        return apply(prim, input)

    op.__name__ = name
    op.__doc__ = f"Elementwise {name}; its gradient is zero. Integer inputs are copied."
    return op


floor = _rounding(P.Floor, "floor")
ceil = _rounding(P.Ceil, "ceil")
trunc = fix = _rounding(P.Trunc, "trunc")
_round0 = _rounding(P.Round, "round")


def round(input: Tensor, *, decimals: int = 0, out: Any = None) -> Tensor:  # noqa: A001
    """Round half to even, to ``decimals`` decimal places (negative: to tens, hundreds...).

    Args:
        input: the tensor.
        decimals: the number of decimal places.

    Example:
        >>> retrograd.round(retrograd.tensor([0.5, 1.5, 1.234]), decimals=1)
        tensor([0.5000, 1.5000, 1.2000])
    """
    if decimals == 0:
        return _round0(input)
    check_tensor(input, "round")
    if input._data.dtype.kind not in "fV":
        raise _not_implemented("round_cpu", input._data.dtype)
    return apply(P.RoundDecimals, input, decimals=decimals)


def frac(input: Tensor, *, out: Any = None) -> Tensor:
    """input - trunc(input); the gradient passes unchanged."""
    check_tensor(input, "frac")
    if input._data.dtype.kind not in "fV":
        raise _not_implemented("frac_cpu", input._data.dtype)
    return apply(P.Frac, input)


# ----------------------------------------------------- integer-preserving division family
_ROUNDING_MODES = (None, "trunc", "floor")


def _div_rounded(input: Any, other: Any, rounding_mode: str) -> Tensor:
    if rounding_mode not in _ROUNDING_MODES:
        raise RuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )
    (ta, tb), dt = promote(input, other)
    if dt.kind == "c":
        raise _not_implemented(f"div_{rounding_mode}_cpu", dt)
    try:
        return apply_promoted(P.DivMode, dt, ta, tb, rounding_mode=rounding_mode)
    except ValueError as e:
        raise broadcast_error(e, ta, tb) from None


def floor_divide(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """input / other rounded down; integer inputs stay integers. PyTorch defines no
    derivative: backward through it raises.

    Example:
        >>> retrograd.floor_divide(retrograd.tensor([7, -7]), 2)
        tensor([ 3, -4])
    """
    (ta, tb), dt = promote(input, other)
    if dt.kind == "c":
        raise _not_implemented("div_floor_cpu", dt)
    try:
        return apply_promoted(P.FloorDivide, dt, ta, tb)
    except ValueError as e:
        raise broadcast_error(e, ta, tb) from None


def _mod_op(prim: Any, scalar_prim: Any, name: str) -> Any:
    def op(input: Any, other: Any, *, out: Any = None) -> Tensor:
        p = prim if isinstance(other, Tensor) else scalar_prim
        if not isinstance(input, Tensor):
            if name == "fmod":  # PyTorch has no fmod(Number, Tensor) overload
                raise TypeError(
                    f"fmod() received an invalid combination of arguments - got "
                    f"({type(input).__name__}, {type(other).__name__}), but expected "
                    "(Tensor input, Tensor other) or (Tensor input, Number other)"
                )
            p = P.RemainderOfScalar  # remainder(Number, Tensor): no derivative in PyTorch
        (ta, tb), dt = promote(input, other)
        if dt.kind == "c":
            raise _not_implemented(f"{name}_cpu", dt)
        try:
            return apply_promoted(p, dt, ta, tb)
        except ValueError as e:
            raise broadcast_error(e, ta, tb) from None

    op.__name__ = name
    return op


remainder = _mod_op(P.Remainder, P.RemainderScalar, "remainder")
remainder.__doc__ = """input - floor(input / other) * other: the result has the sign of
    ``other`` (Python's %). Integer inputs stay integers.

    Example:
        >>> retrograd.remainder(retrograd.tensor([-3.0, 3.0]), 2)
        tensor([1., 1.])
    """
fmod = _mod_op(P.Fmod, P.FmodScalar, "fmod")
fmod.__doc__ = """C's fmod: the remainder of truncated division, with the sign of ``input``.

    Example:
        >>> retrograd.fmod(retrograd.tensor([-3.0, 3.0]), 2)
        tensor([-1.,  1.])
    """


# ------------------------------------------------------------------ binary functions
def _float_binary(prim: Any, name: str, input: Any, other: Any, *, ints: bool = True,
                  complex_ok: bool = False,
                  scalar_prims: tuple[Any, Any] | None = None) -> Tensor:  # fmt: skip
    """A real floating binary op: integer operands compute in the default dtype (or are
    refused, ``ints=False``, as PyTorch refuses them for hypot and logaddexp)."""
    if scalar_prims is None:  # PyTorch takes only tensors here
        check_tensor(input, name)
        check_tensor(other, name, "other")
    dt = result_type(input, other)
    if dt.category == _dtype.COMPLEX and not complex_ok:
        raise _not_implemented(f"{name}_cpu", dt.np)
    if dt.category < _dtype.FLOAT:
        if not ints:
            raise _not_implemented(f"{name}_cpu", dt.np)
        dt = _dtype.get_default_dtype()
    if scalar_prims is not None and not isinstance(input, Tensor):
        prim = scalar_prims[0]
    elif scalar_prims is not None and not isinstance(other, Tensor):
        prim = scalar_prims[1]
    ta, tb = (scalar_tensor(x, dt) for x in (input, other))
    try:
        return apply_promoted(prim, dt.np, ta, tb)
    except ValueError as e:
        raise broadcast_error(e, ta, tb) from None


def atan2(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """The angle of the point (other, input): atan(input / other) in the right quadrant.

    Example:
        >>> retrograd.atan2(retrograd.tensor([1.0, -1.0]), retrograd.tensor([-1.0, -1.0]))
        tensor([ 2.3562, -2.3562])
    """
    return _float_binary(P.Atan2, "atan2", input, other)


arctan2 = atan2


def hypot(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """sqrt(input^2 + other^2) without overflow in the squares (floating inputs only)."""
    return _float_binary(P.Hypot, "hypot", input, other, ints=False)


def xlogy(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """input * log(other), and 0 where input is 0 (unless other is nan).

    Example:
        >>> retrograd.xlogy(retrograd.tensor([0.0, 2.0]), retrograd.tensor([0.0, 1.0]))
        tensor([0., 0.])
    """
    scal = (P.XlogyScalarSelf, P.XlogyScalarOther)
    return _float_binary(P.Xlogy, "xlogy", input, other, scalar_prims=scal)


def logaddexp(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """log(exp(input) + exp(other)) without overflow (floating inputs only)."""
    return _float_binary(P.Logaddexp, "logaddexp", input, other, ints=False, complex_ok=True)


def _extremum(prim: Any, name: str, nan_message: str) -> Any:
    def op(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
        check_tensor(input, name)
        check_tensor(other, name, "other")
        if input.is_complex() or other.is_complex():
            raise RuntimeError(f"{name} not implemented for complex tensors.")
        return _binary(prim, input, other)

    op.__name__ = name
    op.__doc__ = f"Elementwise {name} of two tensors; {nan_message}"
    return op


maximum = _extremum(P.Maximum, "maximum", "NaN wins; ties split the gradient evenly.")
minimum = _extremum(P.Minimum, "minimum", "NaN wins; ties split the gradient evenly.")
fmax = _extremum(P.Fmax, "fmax", "NaN loses (the other value is taken).")
fmin = _extremum(P.Fmin, "fmin", "NaN loses (the other value is taken).")


def lerp(input: Tensor, end: Tensor, weight: Any, *, out: Any = None) -> Tensor:
    """input + weight * (end - input).

    Args:
        input: the start.
        end: the end, of input's dtype.
        weight: a number or a tensor of input's dtype.

    Example:
        >>> retrograd.lerp(retrograd.tensor([0.0, 2.0]), retrograd.tensor([1.0, 4.0]), 0.5)
        tensor([0.5000, 3.0000])
    """
    check_tensor(input, "lerp")
    check_tensor(end, "lerp", "end")
    dt = input._data.dtype
    for arg, x in (("end", end), ("weight", weight)):
        if isinstance(x, Tensor) and x._data.dtype != dt:
            raise RuntimeError(f"expected dtype {_c10_name(dt)} for `{arg}` but got dtype "
                               f"{_c10_name(x._data.dtype)}")  # fmt: skip
    if dt.kind not in "fcV":
        raise _not_implemented("lerp_kernel_scalar", dt)
    try:
        if isinstance(weight, Tensor):
            return apply(P.Lerp, input, end, weight)
        return apply(P.LerpScalar, input, end, weight=weight)
    except ValueError as e:
        raise broadcast_error(e, input, end, weight) from None


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1,
            out: Any = None) -> Tensor:  # fmt: skip
    """input + value * tensor1 * tensor2.

    Example:
        >>> t = retrograd.tensor([1.0, 2.0])
        >>> retrograd.addcmul(t, t, t, value=0.5)
        tensor([1.5000, 4.0000])
    """
    return add(input, mul(tensor1, tensor2), alpha=value)


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1,
            out: Any = None) -> Tensor:  # fmt: skip
    """input + value * tensor1 / tensor2 (floating tensor1 and tensor2).

    Example:
        >>> t = retrograd.tensor([1.0, 2.0])
        >>> retrograd.addcdiv(t, t, t + 1, value=2)
        tensor([2.0000, 3.3333])
    """
    if all(isinstance(x, Tensor) and x._data.dtype.kind in "biu" for x in (tensor1, tensor2)):
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic "
            "addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / "
            "tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / "
            "tensor2) for float inputs. The future addcdiv behavior is just the latter "
            "implementation: (input + value * tensor1 / tensor2), for all dtypes."
        )
    return add(input, div(tensor1, tensor2), alpha=value)


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None, *, out: Any = None) -> Tensor:  # fmt: skip
    """nan, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (by default the
    dtype's largest and lowest values); the gradient passes where the input was finite.

    Example:
        >>> retrograd.nan_to_num(retrograd.tensor([float("nan"), 1.0]), nan=-1.0)
        tensor([-1.,  1.])
    """
    check_tensor(input, "nan_to_num")
    if input._data.dtype.kind in "biu":
        return Tensor._wrap(input._data.copy())
    return apply(P.NanToNum, input, nan=nan, posinf=posinf, neginf=neginf)


# --------------------------------------------------------------------------- complex
def angle(input: Tensor, *, out: Any = None) -> Tensor:
    """The argument of each complex number (0 or pi for real inputs, nan kept).

    Example:
        >>> retrograd.angle(retrograd.tensor([1j, -1.0 + 0j]))
        tensor([1.5708, 3.1416])
    """
    check_tensor(input, "angle")
    if input._data.dtype.kind in "fcV":
        return apply(P.Angle, input)
    return apply_promoted(P.Angle, float_dtype_of(input), input)


def _check_parts(name: str, a: Any, b: Any) -> None:
    check_tensor(a, name, "real" if name == "complex" else "abs")
    check_tensor(b, name, "imag" if name == "complex" else "angle")
    da, db = a._data.dtype, b._data.dtype
    if da.kind != "f" or db.kind != "f":
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{_type_name(da)} and {_type_name(db)}")  # fmt: skip
    if da == np.float16:
        raise RuntimeError(f"{name}(): complex32 (ComplexHalf) results are not supported")
    if da != db:
        raise RuntimeError(f"Expected object of scalar type {_type_name(da)} but got scalar "
                           f"type {_type_name(db)} for second argument")  # fmt: skip


def complex(real: Tensor, imag: Tensor, *, out: Any = None) -> Tensor:
    """The complex tensor real + i imag (float32 parts make complex64, float64 complex128).

    Example:
        >>> retrograd.complex(retrograd.tensor([1.0]), retrograd.tensor([2.0]))
        tensor([1.+2.j])
    """
    _check_parts("complex", real, imag)
    try:
        return apply(P.Complex, real, imag)
    except ValueError as e:
        raise broadcast_error(e, real, imag) from None


def polar(abs: Tensor, angle: Tensor, *, out: Any = None) -> Tensor:
    """The complex tensor abs * (cos(angle) + i sin(angle))."""
    _check_parts("polar", abs, angle)
    try:
        return apply(P.Polar, abs, angle)
    except ValueError as e:
        raise broadcast_error(e, abs, angle) from None


def view_as_real(input: Tensor) -> Tensor:
    """A real view of a complex tensor, with a last dimension of size 2 (real, imaginary).

    Example:
        >>> retrograd.view_as_real(retrograd.tensor([1 + 2j]))
        tensor([[1., 2.]])
    """
    check_tensor(input, "view_as_real")
    if not input.is_complex():
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return apply(P.ViewAsReal, input)


def view_as_complex(input: Tensor) -> Tensor:
    """A complex view of a float or double tensor whose last dimension, of size 2 and
    stride 1, holds the real and imaginary parts.

    Example:
        >>> retrograd.view_as_complex(retrograd.tensor([[1.0, 2.0]]))
        tensor([1.+2.j])
    """
    check_tensor(input, "view_as_complex")
    a = input._data
    if a.dtype not in (np.float32, np.float64):
        raise RuntimeError("view_as_complex is only supported for half, float and double tensors, "
                           f"but got a tensor of scalar type: {_type_name(a.dtype)}")  # fmt: skip
    if a.ndim == 0:
        raise RuntimeError("Input tensor must have one or more dimensions")
    if a.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if a.size and a.strides[-1] != a.itemsize:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if a.size and any(
        st % (2 * a.itemsize) for st, n in zip(a.strides[:-1], a.shape[:-1]) if n > 1
    ):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    return apply(P.ViewAsComplex, input)


# ----------------------------------------------------- tests of values (not differentiable)
def _same_dtype(name: str, a: Tensor, b: Tensor) -> None:
    check_tensor(a, name)
    check_tensor(b, name, "other")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"{_type_name(a._data.dtype)} did not match "
                           f"{_type_name(b._data.dtype)}")  # fmt: skip


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:  # fmt: skip
    """|input - other| <= atol + rtol * |other|, elementwise (equal infinities are close).

    Example:
        >>> retrograd.isclose(retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0 + 1e-9, 2.1]))
        tensor([ True, False])
    """
    _same_dtype("isclose", input, other)
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    a, b = input._data, other._data
    if a.dtype.kind == "V":
        a, b = a.astype(np.float32), b.astype(np.float32)
    try:
        with _quiet():
            return Tensor._wrap(np.asarray(np.isclose(a, b, rtol, atol, equal_nan)))
    except ValueError as e:
        raise broadcast_error(e, input, other) from None


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:  # fmt: skip
    """Whether every element of ``input`` is close to ``other``'s (see ``isclose``)."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both tensors have the same shape and the same elements."""
    check_tensor(input, "equal")
    check_tensor(other, "equal", "other")
    a, b = input._data, other._data
    return a.shape == b.shape and bool(np.array_equal(a, b))


def _predicate(ufunc: Any, name: str, doc: str) -> Any:
    def op(input: Tensor) -> Tensor:
        check_tensor(input, name)
        a = input._data
        if a.dtype.kind == "V":
            a = a.astype(np.float32)
        return Tensor._wrap(np.asarray(ufunc(a)))

    op.__name__ = name
    op.__doc__ = doc + " A bool tensor outside the graph."
    return op


isinf = _predicate(np.isinf, "isinf", "Whether each element is +inf or -inf.")
isfinite = _predicate(np.isfinite, "isfinite", "Whether each element is neither inf nor nan.")
isposinf = _predicate(np.isposinf, "isposinf", "Whether each element is +inf.")
isneginf = _predicate(np.isneginf, "isneginf", "Whether each element is -inf.")
isreal = _predicate(np.isreal, "isreal", "Whether each element has a zero imaginary part.")


# ---------------------------------------------------------------------- bit shifts
def _shift(left: bool) -> Any:
    name = "bitwise_left_shift" if left else "bitwise_right_shift"

    def op(input: Any, other: Any, *, out: Any = None) -> Tensor:
        (ta, tb), dt = promote(input, other)
        if dt.kind not in "iu":
            raise _not_implemented("lshift_cpu" if left else "rshift_cpu", dt)
        a, s = ta._data.astype(dt, copy=False), tb._data.astype(dt, copy=False)
        bits = dt.itemsize * 8
        try:
            # C leaves shifts by the width or more undefined; PyTorch gives 0 (or -1 for a
            # negative value shifted right), so the count is capped and the rest filled in
            capped = np.clip(s, 0, bits - 1).astype(dt)
            if left:
                res = np.where(s >= bits, 0, np.left_shift(a, capped))
            else:
                res = np.where(s >= bits, np.where(a < 0, -1, 0), np.right_shift(a, capped))
        except ValueError as e:
            raise broadcast_error(e, ta, tb) from None
        return Tensor._wrap(np.asarray(res, dt))

    op.__name__ = name
    op.__doc__ = f"Elementwise {'<<' if left else '>>'} of integer tensors."
    return op


bitwise_left_shift = _shift(True)
bitwise_right_shift = _shift(False)


# ------------------------------------------------------- comparisons written in place
def _compare_into(name: str) -> Any:
    """``input.eq_(other)`` and friends, as out-of-place ops for the in-place factory: the
    comparison in the promoted dtype, its result in ``input``'s dtype."""

    def op(input: Tensor, other: Any) -> Tensor:
        (ta, tb), dt = promote(input, other)
        if name not in ("eq", "ne") and dt.kind == "c":
            raise _not_implemented(f"{name}_cpu", dt)
        prim = P.COMPARE_INTO[name][0 if isinstance(other, Tensor) else 1]
        try:
            return apply_promoted(prim, dt, ta, tb, dtype=input._data.dtype)
        except ValueError as e:
            raise broadcast_error(e, ta, tb) from None

    op.__name__ = f"_{name}_into"
    return op


_eq_into, _ne_into = _compare_into("eq"), _compare_into("ne")
_lt_into, _le_into = _compare_into("lt"), _compare_into("le")
_gt_into, _ge_into = _compare_into("gt"), _compare_into("ge")


# ------------------------------------------------------------- a few more of torch.*
def logaddexp2(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """log2(2^input + 2^other) without overflow (floating inputs only)."""
    return _float_binary(P.Logaddexp2, "logaddexp2", input, other, ints=False)


def copysign(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """|input| with the sign of ``other`` (integers compute in the default dtype).

    Example:
        >>> retrograd.copysign(retrograd.tensor([1.0, -2.0]), -1.0)
        tensor([-1., -2.])
    """
    scal = (P.Copysign, P.CopysignScalar)
    return _float_binary(P.Copysign, "copysign", input, other, scalar_prims=scal)


sinc = _real_floating_unary(P.Sinc, "sinc")
sinc.__doc__ = "sin(pi x) / (pi x), 1 at 0; integer inputs compute in the default dtype."


def _as_floating(input: Tensor) -> Tensor:
    dt = float_dtype_of(input)
    return input if input._data.dtype == dt else to_dtype_np(input, dt)


def deg2rad(input: Tensor, *, out: Any = None) -> Tensor:
    """Degrees to radians (integer inputs compute in the default dtype)."""
    check_tensor(input, "deg2rad")
    return mul(_as_floating(input), math.pi / 180)


def rad2deg(input: Tensor, *, out: Any = None) -> Tensor:
    """Radians to degrees (integer inputs compute in the default dtype)."""
    check_tensor(input, "rad2deg")
    return mul(_as_floating(input), 180 / math.pi)


def float_power(input: Any, exponent: Any, *, out: Any = None) -> Tensor:
    """input ** exponent computed in double precision (complex128 for complex operands)."""
    # (``complex`` is this module's function: the built-in type is spelled out)
    cplx = any(isinstance(x, Tensor) and x.is_complex() or isinstance(x, builtins.complex)
               for x in (input, exponent))  # fmt: skip
    dt = _dtype.complex128 if cplx else _dtype.float64
    cast = [x.to(dt) if isinstance(x, Tensor) else x for x in (input, exponent)]
    return pow(cast[0], cast[1])


def positive(input: Tensor) -> Tensor:
    """``input`` itself (``+input``); refused for bool tensors, as in PyTorch."""
    check_tensor(input, "positive")
    if input._data.dtype == np.bool_:
        raise RuntimeError(
            "The `+` operator, on a bool tensor is not supported. If you are trying to invert "
            "a mask, use the `~` or `logical_not()` operator instead."
        )
    return input


signbit = _predicate(np.signbit, "signbit", "Whether each element's sign bit is set.")

# functions whose PyTorch form takes out= (they declare no ``out`` themselves; _out.py
# wraps them), checked against PyTorch in tests/test_ops_kwargs.py
_TAKES_OUT = (
    "abs", "absolute", "clamp", "clamp_max", "clamp_min", "clip", "eq", "ne", "not_equal",
    "lt", "less", "le", "less_equal", "gt", "greater", "ge", "greater_equal", "isposinf",
    "isneginf", "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and",
    "bitwise_or", "bitwise_xor", "bitwise_not", "logit", "polygamma", "pow", "neg", "negative",
    "sgn", "sign", "signbit", "square",
)  # fmt: skip
