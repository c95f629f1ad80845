"""Elementwise primitives and their derivative rules.

Most state only ``partials``: the local derivative of the output w.r.t. each input, as
tensors (or numbers, or None for zero). ``Elementwise`` turns them into the vjp
(``grad * conj(partial)``, PyTorch's convention for complex inputs) and the jvp
(``sum of tangent * partial``). Broadcast gradients are summed back to each input's shape
by ``apply()``, not here.
"""

from __future__ import annotations

import math
from typing import Any

import ml_dtypes
import numpy as np

from .._fpe import quiet
from ._core import Ctx, Primitive


def _conj(d: Any) -> Any:
    return d.conj() if hasattr(d, "conj") and d.is_complex() else d


class Elementwise(Primitive):
    """Shortcut: subclasses give ``partials(ctx, *inputs, out)`` -> one entry per input."""

    @classmethod
    def partials(cls, ctx: Ctx, *operands: Any) -> tuple[Any, ...]:
        raise NotImplementedError

    @classmethod
    def _operands(cls, ctx: Ctx, n_in: int) -> list[Any]:
        """The saved tensors in partials' order: every input (None if not saved), output."""
        ops: list[Any] = [None] * (n_in + 1)
        positions = cls.save_inputs + ((n_in,) if cls.save_output else ())
        for pos, t in zip(positions, ctx.saved_tensors):
            ops[pos] = t
        return ops

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> tuple[Any, ...]:
        need = ctx.needs_input_grad
        ds = cls.partials(ctx, *cls._operands(ctx, len(need)))
        return tuple(None if not n or d is None else g * _conj(d) for n, d in zip(need, ds))

    @classmethod
    def jvp(cls, ctx: Ctx, *tangents: Any) -> Any:
        ds = cls.partials(ctx, *ctx.inputs, ctx.out)
        out = None
        for t, d in zip(tangents, ds):
            if t is None or d is None:
                continue
            term = t * d
            out = term if out is None else out + term
        return out


# --------------------------------------------------------------------- linear: + - neg
def _fused(a: np.ndarray, b: np.ndarray, alpha: Any) -> np.ndarray:
    """``a + alpha * b`` rounded once, as PyTorch's CPU kernel (a fused multiply-add with
    alpha in the tensors' dtype) gives it: exact in float64 for float32 and narrower."""
    dt = a.dtype
    if dt.kind in "fV" and dt.itemsize <= 4 and b.dtype == dt:
        # one float64 temporary: b is widened by the multiply, a by the add
        wide = np.multiply(b, np.float64(np.asarray(alpha, dt)), dtype=np.float64)
        # the temporary can take the sum only if it is an array of the broadcast shape
        fits = type(wide) is np.ndarray and wide.shape == np.broadcast_shapes(wide.shape, a.shape)
        return np.add(wide, a, out=wide if fits else None).astype(dt)
    return a + b * alpha


class Add(Primitive):
    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray, alpha: Any = 1) -> np.ndarray:
        return a + b if alpha == 1 else _fused(a, b, alpha)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, Any]:
        alpha = ctx.params.get("alpha", 1)
        return g, (g if alpha == 1 else g * _conj_scalar(alpha))

    @staticmethod
    def jvp(ctx: Ctx, ta: Any, tb: Any) -> Any:
        alpha = ctx.params.get("alpha", 1)
        if tb is not None and alpha != 1:
            tb = tb * alpha
        if ta is None:
            return tb
        return ta if tb is None else ta + tb


class Sub(Primitive):
    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray, alpha: Any = 1) -> np.ndarray:
        return a - b if alpha == 1 else _fused(a, b, -alpha)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, Any]:
        alpha = ctx.params.get("alpha", 1)
        return g, (-g if alpha == 1 else g * -_conj_scalar(alpha))

    @staticmethod
    def jvp(ctx: Ctx, ta: Any, tb: Any) -> Any:
        alpha = ctx.params.get("alpha", 1)
        if tb is not None:
            tb = -tb if alpha == 1 else tb * -alpha
        if ta is None:
            return tb
        return ta if tb is None else ta + tb


def _conj_scalar(x: Any) -> Any:
    return x.conjugate() if isinstance(x, complex) else x


class Rsub(Sub):
    """number - tensor: Sub with the operands swapped, under PyTorch's node name."""

    node_name = "RsubBackward1"


class Neg(Primitive):
    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        return np.negative(a)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return -g

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return -t


# ------------------------------------------------------------------- bilinear: * /
class Mul(Elementwise):
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a * b

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> tuple[Any, Any]:
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        if a._data.dtype.kind == "c" or b._data.dtype.kind == "c":
            a, b = a.conj(), b.conj()
        return (g * b if na else None, g * a if nb else None)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
        return b, a


class Div(Elementwise):
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with quiet():
            return a / b

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> tuple[Any, Any]:
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        bc = _conj(b)
        return (g / bc if na else None, -g * _conj(a) / (bc * bc) if nb else None)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
        return 1 / b, -a / (b * b)


# ------------------------------------------------------------------------- unary
class Exp(Elementwise):
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        with quiet():  # overflow / inf input: inf or nan, no warning (as PyTorch)
            return np.exp(a)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, out: Any) -> tuple[Any]:
        return (out,)


class Log(Elementwise):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        with quiet():
            return np.log(a)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, out: Any) -> tuple[Any]:
        return (1 / a,)


class Sqrt(Elementwise):
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        with quiet():
            return np.sqrt(a)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, out: Any) -> tuple[Any]:
        return (1 / (2 * out),)


class Sin(Elementwise):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        with quiet():  # overflow / inf input: inf or nan, no warning (as PyTorch)
            return np.sin(a)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, out: Any) -> tuple[Any]:
        return (a.cos(),)


class Cos(Elementwise):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        with quiet():  # overflow / inf input: inf or nan, no warning (as PyTorch)
            return np.cos(a)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, out: Any) -> tuple[Any]:
        return (-a.sin(),)


class Tanh(Elementwise):
    save_output = True
    forward = staticmethod(lambda ctx, a: np.tanh(a))

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, out: Any) -> tuple[Any]:
        return (1 - out * out,)


class Sigmoid(Elementwise):
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        if a.dtype.kind == "c":
            return 1 / (1 + np.exp(-a))
        # 1/(1+exp(-x)) overflows for very negative x; exp(x)/(1+exp(x)) is stable there.
        with quiet():
            e = np.exp(-np.abs(a))
        return np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, out: Any) -> tuple[Any]:
        return (out * (1 - out),)


class Relu(Primitive):
    """max(x, 0); the gradient at 0 is 0, as in PyTorch (threshold_backward on the result)."""

    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        return np.maximum(a, 0).astype(a.dtype, copy=False)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return g * (out > 0)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return t * (ctx.out > 0)


class Abs(Primitive):
    """|x|; gradient ``grad * sgn(x)`` (0 at 0), also for complex x (PyTorch's rule)."""

    save_inputs = (0,)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        return np.abs(a)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g * a.sgn()

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        a = ctx.inputs[0]
        if a.is_complex():
            return (t.conj() * a.sgn()).real
        return t * a.sgn()


class Sign(Primitive):
    """Zero derivative: the output requires grad but its gradient is zero."""

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        return np.sign(a)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return g * 0

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return t * 0


class Sgn(Elementwise):
    """z/|z| for complex (0 at 0); sign for real. Gradient as PyTorch's sgn_backward."""

    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        if a.dtype.kind != "c":
            return np.sign(a)
        mag = np.abs(a)
        with quiet():
            return np.where(mag == 0, 0, a / np.where(mag == 0, 1, mag)).astype(a.dtype)

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> Any:
        a, out = ctx.saved_tensors
        if not a.is_complex():
            return g * 0
        mag = a.abs()
        # (g - Re(g * conj(sgn)) * sgn) / |z|, zero where z == 0
        r = (g - (g * out.conj()).real * out) / mag.masked_fill(mag == 0, 1)
        return r.masked_fill(mag == 0, 0)

    @classmethod
    def jvp(cls, ctx: Ctx, t: Any) -> Any:
        a, out = ctx.inputs[0], ctx.out
        if not a.is_complex():
            return t * 0
        mag = a.abs()
        r = (t - (t * out.conj()).real * out) / mag.masked_fill(mag == 0, 1)
        return r.masked_fill(mag == 0, 0)


class PowScalar(Elementwise):
    """x ** e for a Python number e; the gradient is 0 where e == 0 (PyTorch)."""

    name = "Pow"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, exponent: Any) -> np.ndarray:
        with quiet():
            return np.power(a, np.asarray(exponent, a.dtype)).astype(a.dtype, copy=False)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, out: Any) -> tuple[Any]:
        e = ctx.params["exponent"]
        if e == 0:
            return (None,) if out is not None else (a * 0,)
        return (e * a ** (e - 1),)

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        e = ctx.params["exponent"]
        if e == 0:
            return g * 0
        return g * _conj(e * a ** (e - 1))


class Pow(Elementwise):
    """x ** y for tensors (PyTorch's PowBackward1 edge cases at e == 0 and x == 0)."""

    node_name = "PowBackward1"
    save_inputs = (0, 1)
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with quiet():
            return np.power(a, b)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
        da = (b * a ** (b - 1)).masked_fill(b == 0, 0)
        zero_base = (a == 0) & (b.real >= 0) if b.is_complex() else (a == 0) & (b >= 0)
        db = (out * a.log()).masked_fill(zero_base, 0)
        return da, db


class RPowScalar(Elementwise):
    """s ** x for a Python number base s (PowBackward2)."""

    node_name = "PowBackward2"
    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, base: Any) -> np.ndarray:
        with quiet():
            return np.power(np.asarray(base, a.dtype), a).astype(a.dtype, copy=False)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, out: Any) -> tuple[Any]:
        base = ctx.params["base"]
        if base == 0:
            # 0 ** x: zero gradient where x >= 0, as PyTorch (log(0) would give nan there)
            return ((out * float("-inf")).masked_fill(a >= 0, 0),)
        return (out * np.log(complex(base) if isinstance(base, complex) else base),)


class Clamp(Primitive):
    """clamp with number bounds: the gradient passes where min <= x <= max (inclusive)."""

    save_inputs = (0,)
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, min: Any = None, max: Any = None) -> np.ndarray:
        out = a
        if min is not None:
            out = np.maximum(out, np.asarray(min, a.dtype))
        if max is not None:
            out = np.minimum(out, np.asarray(max, a.dtype))
        return out if out is not a else a.copy()

    @staticmethod
    def _mask(ctx: Ctx, a: Any) -> Any:
        lo, hi = ctx.params.get("min"), ctx.params.get("max")
        mask = None
        if lo is not None:
            mask = a >= lo
        if hi is not None:
            m2 = a <= hi
            mask = m2 if mask is None else mask & m2
        return mask

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        mask = cls._mask(ctx, a)
        return g if mask is None else g * mask

    @classmethod
    def jvp(cls, ctx: Ctx, t: Any) -> Any:
        mask = cls._mask(ctx, ctx.inputs[0])
        return t if mask is None else t * mask


class ClampTensor(Primitive):
    """clamp with tensor bounds (ClampBackward0): x's gradient where lo <= x <= hi, each
    bound's where x falls beyond it."""

    node_name = "ClampBackward0"
    save_inputs = (0, 1, 2)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        return np.minimum(np.maximum(a, lo), hi)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, Any, Any]:
        a, lo, hi = ctx.saved_tensors
        na, nlo, nhi = ctx.needs_input_grad
        return (
            g * ((a >= lo) & (a <= hi)) if na else None,
            g * ((a < lo) & (lo < hi)) if nlo else None,
            g * ((a > hi) | (lo > hi)) if nhi else None,
        )

    @staticmethod
    def jvp(ctx: Ctx, ta: Any, tlo: Any, thi: Any) -> Any:
        a, lo, hi = ctx.inputs
        out = None
        for t, m in ((ta, (a >= lo) & (a <= hi)), (tlo, (a < lo) & (lo < hi)),
                     (thi, (a > hi) | (lo > hi))):  # fmt: skip
            if t is not None:
                out = t * m if out is None else out + t * m
        return out


class Where(Primitive):
    """where(cond, a, b): the gradient goes to the chosen side; cond is not differentiable."""

    save_inputs = (0,)

    @staticmethod
    def forward(ctx: Ctx, cond: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where(cond, a, b)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[None, Any, Any]:
        (cond,) = ctx.saved_tensors
        _, na, nb = ctx.needs_input_grad
        return (None, g.masked_fill(~cond, 0) if na else None,
                g.masked_fill(cond, 0) if nb else None)  # fmt: skip

    @staticmethod
    def jvp(ctx: Ctx, tc: Any, ta: Any, tb: Any) -> Any:
        cond, a, b = ctx.inputs
        ta = ta if ta is not None else a.new_zeros(())
        tb = tb if tb is not None else b.new_zeros(())
        return ta.where(cond, tb)


class MaskedFill(Primitive):
    """masked_fill(a, mask, value): the gradient is zero where the mask holds."""

    save_inputs = (1,)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, mask: np.ndarray, value: Any) -> np.ndarray:
        return np.where(mask, np.asarray(value, a.dtype), a)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, None]:
        (mask,) = ctx.saved_tensors
        return g.masked_fill(mask, 0), None

    @staticmethod
    def jvp(ctx: Ctx, t: Any, tm: Any) -> Any:
        return t.masked_fill(ctx.inputs[1], 0)


class ToCopy(Primitive):
    """A copy in another dtype; the gradient is cast back by apply()."""

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dtype: np.dtype) -> np.ndarray:
        if a.dtype.kind == "c" and dtype.kind not in "cb":
            a = a.real
        # out-of-range values (inf -> int, 1e5 -> float16) convert silently, as in PyTorch
        with quiet():
            return a.astype(dtype)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return g

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return (
            t.to(ctx.out.dtype)
            if not (t.is_complex() and not ctx.out.is_complex())
            else t.real.to(ctx.out.dtype)
        )


class Clone(Primitive):
    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        return a.copy()

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return g

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return t


class Conj(Primitive):
    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        return np.conj(a)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return g.conj()

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return t.conj()


class Real(Primitive):
    view = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        return a.real

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return g

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return t.real


class Imag(Primitive):
    view = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        return a.imag

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        # d imag(z): the gradient w.r.t. z is i * g (conjugate-Wirtinger convention)
        return g * 1j

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return t.imag


class Maximum(Elementwise):
    """maximum(a, b), PyTorch's MaximumBackward0: a tie splits the gradient evenly; where
    either side is NaN neither comparison holds and both get the whole gradient (while the
    tangent, by PyTorch's forward formula, is b's)."""

    save_inputs = (0, 1)
    forward = staticmethod(lambda ctx, a, b: _nan_quiet(np.maximum, a, b))
    picks_a = staticmethod(lambda a, b: a > b)
    picks_b = staticmethod(lambda a, b: a < b)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
        w = 1 - (a == b).to(a.dtype) * 0.5
        return w.masked_fill(cls.picks_b(a, b), 0), w.masked_fill(cls.picks_a(a, b), 0)

    @classmethod
    def jvp(cls, ctx: Ctx, ta: Any, tb: Any) -> Any:
        a, b = ctx.inputs
        w = ((a == b).to(a.dtype) * 0.5).masked_fill(cls.picks_a(a, b), 1)
        terms = [t * d for t, d in ((ta, w), (tb, 1 - w)) if t is not None]
        return terms[0] if len(terms) == 1 else terms[0] + terms[1]


def _nan_quiet(ufunc: Any, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A NaN-propagating comparison ufunc; bfloat16's loop flags NaN as invalid."""
    with quiet():
        return ufunc(a, b)


class Minimum(Maximum):
    """minimum(a, b), PyTorch's MinimumBackward0 (ties and NaN as ``Maximum``)."""

    forward = staticmethod(lambda ctx, a, b: _nan_quiet(np.minimum, a, b))
    picks_a = staticmethod(lambda a, b: a < b)
    picks_b = staticmethod(lambda a, b: a > b)


# ------------------------------------------------------- more unary functions, by rule
def _ufunc_prim(name: str, fn: Any, partial: Any, uses: str = "in", doc: str = "") -> Any:
    """An ``Elementwise`` primitive from a NumPy function of one array and its derivative
    ``partial(a, out)`` in Tensor ops; ``uses`` says which of input/output it reads."""

    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        with quiet():  # domain errors and overflow give nan / inf silently, as in PyTorch
            return np.asarray(fn(a)).astype(a.dtype, copy=False)

    def partials(cls: Any, ctx: Ctx, a: Any, out: Any) -> tuple[Any]:
        return (partial(a, out),)

    attrs = dict(
        forward=staticmethod(forward),
        partials=classmethod(partials),
        save_inputs=(0,) if "in" in uses else (),
        save_output="out" in uses,
        __doc__=doc or f"{name.lower()}(x); its derivative is stated in ``partial``.",
    )
    return type(name, (Elementwise,), attrs)


_LN2, _LN10 = float(np.log(2.0)), float(np.log(10.0))
_TWO_OVER_SQRT_PI = 2.0 / float(np.sqrt(np.pi))

Reciprocal = _ufunc_prim("Reciprocal", lambda a: 1 / a, lambda a, out: -out * out, "out")
Rsqrt = _ufunc_prim("Rsqrt", lambda a: 1 / np.sqrt(a), lambda a, out: -0.5 * out**3, "out")
Exp2 = _ufunc_prim("Exp2", np.exp2, lambda a, out: out * _LN2, "out")
Expm1 = _ufunc_prim("Expm1", np.expm1, lambda a, out: out + 1, "out")
Log2 = _ufunc_prim("Log2", np.log2, lambda a, out: 1 / (a * _LN2))
Log10 = _ufunc_prim("Log10", np.log10, lambda a, out: 1 / (a * _LN10))
Log1p = _ufunc_prim("Log1p", np.log1p, lambda a, out: 1 / (a + 1))
Tan = _ufunc_prim("Tan", np.tan, lambda a, out: 1 + out * out, "out")
Asin = _ufunc_prim("Asin", np.arcsin, lambda a, out: 1 / (1 - a * a).sqrt())
Acos = _ufunc_prim("Acos", np.arccos, lambda a, out: -1 / (1 - a * a).sqrt())
Atan = _ufunc_prim("Atan", np.arctan, lambda a, out: 1 / (a * a + 1))
Sinh = _ufunc_prim("Sinh", np.sinh, lambda a, out: a.cosh())
Cosh = _ufunc_prim("Cosh", np.cosh, lambda a, out: a.sinh())
# PyTorch's forms, (x^2 + 1).rsqrt() and (x^2 - 1).rsqrt(), which fix the complex branch
Asinh = _ufunc_prim("Asinh", np.arcsinh, lambda a, out: 1 / (a * a + 1).sqrt())
Acosh = _ufunc_prim("Acosh", np.arccosh, lambda a, out: 1 / (a * a - 1).sqrt())
Atanh = _ufunc_prim("Atanh", np.arctanh, lambda a, out: 1 / (1 - a * a))


# ------------------------------------------------- special functions (no SciPy at runtime)
def _vectorised(fn: Any) -> Any:
    """``fn`` of one Python float applied to an array, computed in float64. ``math``'s
    erf/erfc/lgamma are correctly rounded C code; the per-element call (~0.1 us) is the
    price of not depending on SciPy."""
    ufunc = np.frompyfunc(fn, 1, 1)

    def run(a: np.ndarray) -> np.ndarray:
        if a.size == 0:
            return np.empty(a.shape, np.float64)
        return np.asarray(ufunc(a.astype(np.float64)), np.float64)

    return run


def _lgamma1(x: float) -> float:
    try:
        return math.lgamma(x)
    except (ValueError, OverflowError):  # poles at 0, -1, -2...: +inf, as PyTorch
        return math.inf


_lgamma = _vectorised(_lgamma1)

# erf and erfc by fdlibm's method (s_erf.c): rational approximations on |x| < 0.84375, on
# [0.84375, 1.25) around erf(1), and for erfc(x) = exp(-x^2 - 0.5625 + R/S(1/x^2)) / x
# beyond, good to < 1 ulp. The coefficients are fdlibm's:
#   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at SunSoft,
#   a Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this
#   software is freely granted, provided that this notice is preserved.
_ERX = 8.45062911510467529297e-01
_PP = (
    1.28379167095512558561e-01,
    -3.25042107247001499370e-01,
    -2.84817495755985104766e-02,
    -5.77027029648944159157e-03,
    -2.37630166566501626084e-05,
)
_QQ = (
    1.0,
    3.97917223959155352819e-01,
    6.50222499887672944485e-02,
    5.08130628187576562776e-03,
    1.32494738004321644526e-04,
    -3.96022827877536812320e-06,
)
_PA = (
    -2.36211856075265944077e-03,
    4.14856118683748331666e-01,
    -3.72207876035701323847e-01,
    3.18346619901161753674e-01,
    -1.10894694282396677476e-01,
    3.54783043256182359371e-02,
    -2.16637559486879084300e-03,
)
_QA = (
    1.0,
    1.06420880400844228286e-01,
    5.40397917702171048937e-01,
    7.18286544141962662868e-02,
    1.26171219808761642112e-01,
    1.36370839120290507362e-02,
    1.19844998467991074170e-02,
)
_RA = (
    -9.86494403484714822705e-03,
    -6.93858572707181764372e-01,
    -1.05586262253232909814e01,
    -6.23753324503260060396e01,
    -1.62396669462573470355e02,
    -1.84605092906711035994e02,
    -8.12874355063065934246e01,
    -9.81432934416914548592e00,
)
_SA = (
    1.0,
    1.96512716674392571292e01,
    1.37657754143519042600e02,
    4.34565877475229228821e02,
    6.45387271733267880336e02,
    4.29008140027567833386e02,
    1.08635005541779435134e02,
    6.57024977031928170135e00,
    -6.04244152148580987438e-02,
)
_RB = (
    -9.86494292470009928597e-03,
    -7.99283237680523006574e-01,
    -1.77579549177547519889e01,
    -1.60636384855821916062e02,
    -6.37566443368389627722e02,
    -1.02509513161107724954e03,
    -4.83519191608651397019e02,
)
_SB = (1.0, 3.03380607434824582924e+01, 3.25792512996573918826e+02,
       1.53672958608443695994e+03, 3.19985821950859553908e+03, 2.55305040643316442583e+03,
       4.74528541206955367215e+02, -2.24409524465858183362e+01)  # fmt: skip


def _horner(coefs: tuple[float, ...], z: np.ndarray) -> np.ndarray:
    acc = np.full_like(z, coefs[-1])
    for c in coefs[-2::-1]:
        acc = acc * z + c
    return acc


def _erfc_tail(ax: np.ndarray) -> np.ndarray:
    """erfc(|x|) for 1.25 <= |x|: exp(-x^2 - 0.5625 + R/S(1/x^2)) / |x| (0 from 28 on)."""
    w = 1 / (ax * ax)
    near = ax < 1 / 0.35
    rs = np.where(near, _horner(_RA, w) / _horner(_SA, w), _horner(_RB, w) / _horner(_SB, w))
    # |x| with its low 32 bits cleared: hi * hi is exact, so exp(-x^2) loses nothing
    hi = (ax.view(np.uint64) & np.uint64(0xFFFFFFFF00000000)).view(np.float64)
    tail = np.exp(-hi * hi - 0.5625) * np.exp((hi - ax) * (hi + ax) + rs) / ax
    return np.where(ax >= 28, 0.0, tail)


def _erf_or_erfc(a: np.ndarray, complement: bool) -> np.ndarray:
    """Each of the three ranges is computed only on its own elements."""
    x = np.array(a, np.float64)  # a contiguous float64 copy, also the result's buffer
    ax = np.abs(x)
    small, mid = ax < 0.84375, (ax >= 0.84375) & (ax < 1.25)
    far = ax >= 1.25  # nan is in no range and passes through unchanged
    with quiet():
        if small.any():
            xs = x[small]
            z = xs * xs
            xy = xs * (_horner(_PP, z) / _horner(_QQ, z))
            if not complement:
                x[small] = xs + xy
            else:  # the two forms keep erfc's relative accuracy on both sides of 1/4
                x[small] = np.where(xs < 0.25, 1 - (xs + xy), 0.5 - (xs - 0.5 + xy))
        if mid.any():
            xm = x[mid]
            s = np.abs(xm) - 1
            pq = _horner(_PA, s) / _horner(_QA, s)
            if not complement:
                x[mid] = np.copysign(_ERX + pq, xm)
            else:
                x[mid] = np.where(xm > 0, 1 - _ERX - pq, 1 + _ERX + pq)
        if far.any():
            xf = x[far]
            tail = _erfc_tail(np.abs(xf))
            if not complement:
                x[far] = np.copysign(1 - tail, xf)
            else:
                x[far] = np.where(xf > 0, tail, 2 - tail)
    return x


def _erf(a: np.ndarray) -> np.ndarray:
    return _erf_or_erfc(a, False)


def _erfc(a: np.ndarray) -> np.ndarray:
    return _erf_or_erfc(a, True)


def _erfinv(y: np.ndarray) -> np.ndarray:
    """Inverse error function: Winitzki's closed form (error ~2e-3) refined by three
    Halley steps on erf (or on erfc in the tails, where 1 - |y| is exact), which converge
    cubically to float64 precision."""
    y = y.astype(np.float64)
    a = 0.147
    ln = np.log1p(-y * y)
    t = 2 / (np.pi * a) + ln / 2
    x = np.copysign(np.sqrt(np.sqrt(t * t - ln / a) - t), y)
    tail = np.abs(y) > 0.5
    for _ in range(3):
        r = np.where(tail, np.sign(y) * ((1 - np.abs(y)) - _erfc(np.abs(x))), _erf(x) - y)
        d = _TWO_OVER_SQRT_PI * np.exp(-x * x)  # erf'(x); erf''(x) = -2x erf'(x)
        x = x - r / (d + x * r)  # Halley: r / (d - r * erf'' / (2 erf')) with erf''/erf' = -2x
    x = np.where(np.abs(y) == 1, np.copysign(np.inf, y), x)
    return np.where(np.abs(y) > 1, np.nan, x)


# Bernoulli numbers B_2, B_4, ..., B_18 for the Euler-Maclaurin tails below
_B2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798)


def _digamma(x: np.ndarray) -> np.ndarray:
    """psi(x): reflection for x < 0, the recurrence up to x + 10, then the asymptotic
    series ln x - 1/(2x) - sum B_2k / (2k x^2k). PyTorch's values at the poles: -inf at 0
    (+inf at -0), nan at the negative integers."""
    x = x.astype(np.float64)
    neg = x < 0
    z = np.where(neg, 1 - x, x)
    acc = np.zeros_like(z)
    for k in range(10):
        acc -= 1 / (z + k)
    w = z + 10
    inv2 = 1 / (w * w)
    series = 0.0
    for k in range(len(_B2K) - 1, -1, -1):
        series = series * inv2 + _B2K[k] / (2 * (k + 1))
    res = acc + np.log(w) - 0.5 / w - series * inv2
    refl = res - np.pi / np.tan(np.pi * x)
    res = np.where(neg, refl, res)
    res = np.where(x == 0, np.copysign(np.inf, -x), res)
    return np.where(neg & (x == np.floor(x)), np.nan, res)


def _polygamma(n: int, x: np.ndarray) -> np.ndarray:
    """psi^(n)(x) = (-1)^(n+1) n! zeta(n+1, x) for n >= 1, with the Hurwitz zeta by
    Euler-Maclaurin summation after shifting x up by N terms (N covers negative x too)."""
    x = x.astype(np.float64)
    s = n + 1
    finite = x[np.isfinite(x)]
    shift = 12 + (int(np.ceil(-finite.min())) if finite.size and finite.min() < 0 else 0)
    total = np.zeros_like(x)
    for k in range(shift):
        total += (x + k) ** -s
    w = x + shift
    total += w ** (1 - s) / (s - 1) + 0.5 * w**-s
    term = s * w ** (-s - 1)  # s (s+1) ... (s+2j-2) w^(-s-2j+1) for j = 1, 2, ...
    for j, b in enumerate(_B2K):
        total += b / math.factorial(2 * j + 2) * term
        term = term * (s + 2 * j + 1) * (s + 2 * j + 2) / (w * w)
    res = (-1) ** (n + 1) * math.factorial(n) * total
    pole = (x <= 0) & (x == np.floor(x))
    return np.where(pole, np.inf if n % 2 else -np.inf, res)


Erf = _ufunc_prim("Erf", _erf, lambda a, out: _TWO_OVER_SQRT_PI * (-a * a).exp())
Erfc = _ufunc_prim("Erfc", _erfc, lambda a, out: -_TWO_OVER_SQRT_PI * (-a * a).exp())
Erfinv = _ufunc_prim("Erfinv", _erfinv, lambda a, out: (out * out).exp() / _TWO_OVER_SQRT_PI,
                     "out")  # fmt: skip
Lgamma = _ufunc_prim("Lgamma", _lgamma, lambda a, out: a.digamma())
Digamma = _ufunc_prim("Digamma", _digamma, lambda a, out: a.polygamma(1))


class Polygamma(Elementwise):
    """psi^(n)(x) for n >= 1; its derivative is psi^(n+1)(x)."""

    save_inputs = (0,)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, n: int) -> np.ndarray:
        with quiet():
            return _polygamma(n, a).astype(a.dtype, copy=False)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, out: Any) -> tuple[Any]:
        return (a.polygamma(ctx.params["n"] + 1),)


class Logit(Primitive):
    """log(x / (1 - x)) of x clamped to [eps, 1 - eps]; PyTorch's logit_backward: the
    gradient is 0 outside [eps, 1 - eps] (nan outside [0, 1] when eps is None)."""

    save_inputs = (0,)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, eps: float | None = None) -> np.ndarray:
        if eps is not None:
            lo, hi = np.asarray(eps, a.dtype), np.asarray(1 - eps, a.dtype)
            a = np.clip(a, lo, hi).astype(a.dtype, copy=False)  # bfloat16 clips in float32
        with quiet():
            return np.log(a / (1 - a))

    @staticmethod
    def _scale(ctx: Ctx, a: Any, g: Any) -> Any:
        eps = ctx.params.get("eps")
        r = g / (a * (1 - a))
        if eps is None:
            return r.masked_fill((a < 0) | (a > 1), float("nan"))
        return r.masked_fill((a < eps) | (a > 1 - eps), 0)

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return cls._scale(ctx, a, g)

    @classmethod
    def jvp(cls, ctx: Ctx, t: Any) -> Any:
        return cls._scale(ctx, ctx.inputs[0], t)


# ------------------------------------------------- rounding: zero derivative, or identity
class _ZeroDerivative(Primitive):
    """Piecewise-constant ops (floor, round...): the output requires grad, its gradient is
    zero (PyTorch's zeros_like(grad), so an inf or nan upstream gives 0, not nan)."""

    @staticmethod
    def vjp(ctx: Ctx, *grads: Any) -> Any:
        n = len(ctx.needs_input_grad)
        zero = grads[0].new_zeros(grads[0].shape)
        return zero if n == 1 else tuple(zero if k else None for k in ctx.needs_input_grad)

    @staticmethod
    def jvp(ctx: Ctx, *tangents: Any) -> Any:
        return ctx.out.new_zeros(ctx.out.shape)


class Floor(_ZeroDerivative):
    forward = staticmethod(lambda ctx, a: np.floor(a))


class Ceil(_ZeroDerivative):
    forward = staticmethod(lambda ctx, a: np.ceil(a))


class Trunc(_ZeroDerivative):
    forward = staticmethod(lambda ctx, a: np.trunc(a))


class Round(_ZeroDerivative):
    """Half to even, as PyTorch; with ``decimals`` it is RoundBackward1 (same scaling:
    rint(x * 10^d) / 10^d, or rint(x / 10^-d) * 10^-d for negative d)."""

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, decimals: int = 0) -> np.ndarray:
        with quiet():
            return np.round(a, decimals)


class RoundDecimals(Round):
    name = "Round"
    node_name = "RoundBackward1"


class Frac(Primitive):
    """x - trunc(x); the gradient passes unchanged."""

    forward = staticmethod(lambda ctx, a: a - np.trunc(a))
    vjp = staticmethod(lambda ctx, g: g)
    jvp = staticmethod(lambda ctx, t: t)


def _int_div_check(b: np.ndarray) -> None:
    if b.dtype.kind in "iub" and not np.all(b):
        raise RuntimeError("ZeroDivisionError")


def _floor_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # NumPy's float floor division is PyTorch's div_floor_floating (fmod-based, then
    # rounded), not floor(a / b), so results at the rounding boundary agree
    _int_div_check(b)
    with quiet():
        return np.floor_divide(a, b)


def _trunc_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind not in "iub":
        with quiet():
            return np.trunc(a / b)
    _int_div_check(b)
    q = np.floor_divide(a, b)
    # floor and truncation differ by one where the division is inexact and signs differ
    return q + ((a - q * b != 0) & ((a < 0) != (b < 0))).astype(q.dtype)


class _CompareInto(_ZeroDerivative):
    """A comparison written into a tensor of the left operand's dtype (``eq_``, ``lt_``...):
    the result stays in the graph with a zero gradient, as PyTorch's EqBackward."""

    ufunc: Any = None

    @classmethod
    def forward(cls, ctx: Ctx, a: np.ndarray, b: np.ndarray, dtype: np.dtype) -> np.ndarray:
        return np.asarray(cls.ufunc(a, b)).astype(dtype)


# per comparison: (tensor other, number other), named as PyTorch's EqBackward1 / EqBackward0
COMPARE_INTO = {
    name: tuple(
        type(name.capitalize(), (_CompareInto,),
             {"ufunc": staticmethod(uf), "node_name": f"{name.capitalize()}Backward{k}"})
        for k in (1, 0)
    )
    for name, uf in (("eq", np.equal), ("ne", np.not_equal), ("lt", np.less),
                     ("le", np.less_equal), ("gt", np.greater), ("ge", np.greater_equal))
}  # fmt: skip


class DivMode(_ZeroDerivative):
    """div with rounding_mode 'trunc' or 'floor' (DivBackward2): a zero gradient."""

    name = "Div"
    node_name = "DivBackward2"

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray, rounding_mode: str) -> np.ndarray:
        return _floor_div(a, b) if rounding_mode == "floor" else _trunc_div(a, b)


class _NoDerivative(Primitive):
    """An op PyTorch defines no derivative for: backward and forward AD raise its errors.
    Subclasses set ``node_name = "NotImplemented"`` (PyTorch's) themselves: Primitive names
    a class's node after the class unless its own body says otherwise."""

    aten = ""  # the op's ATen name, for the messages

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> Any:
        raise RuntimeError(f"derivative for aten::{cls.aten} is not implemented")

    @classmethod
    def jvp(cls, ctx: Ctx, *tangents: Any) -> Any:
        raise NotImplementedError(
            f"Trying to use forward AD with aten::{cls.aten} that does not support it."
        )


class FloorDivide(_NoDerivative):
    """floor_divide: PyTorch has no derivative for it; backward or a tangent raises."""

    node_name = "NotImplemented"
    aten = "floor_divide"
    forward = staticmethod(lambda ctx, a, b: _floor_div(a, b))


class Remainder(Elementwise):
    """a - floor(a / b) * b (the sign of b); d/db = -floor(a / b) (RemainderBackward1)."""

    node_name = "RemainderBackward1"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        _int_div_check(b)
        with quiet():
            return np.remainder(a, b)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
        return 1, -a.div(b, rounding_mode="floor")


class RemainderScalar(Remainder):
    node_name = "RemainderBackward0"


class RemainderOfScalar(_NoDerivative):
    """remainder(number, tensor): PyTorch has no derivative for this overload."""

    node_name = "NotImplemented"
    aten = "remainder"
    forward = staticmethod(Remainder.forward)


class Fmod(Elementwise):
    """C's fmod (the sign of a); d/db = -trunc(a / b) (FmodBackward1)."""

    node_name = "FmodBackward1"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        _int_div_check(b)
        with quiet():
            return np.fmod(a, b)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
        return 1, -a.div(b, rounding_mode="trunc")


class FmodScalar(Fmod):
    node_name = "FmodBackward0"


# ------------------------------------------------------------------ binary functions
class Atan2(Elementwise):
    save_inputs = (0, 1)
    forward = staticmethod(lambda ctx, a, b: np.arctan2(a, b))

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
        r2 = a * a + b * b
        return b / r2, -a / r2


class Hypot(Elementwise):
    save_inputs = (0, 1)
    save_output = True
    forward = staticmethod(lambda ctx, a, b: np.hypot(a, b))

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
        return a / out, b / out


class Xlogy(Elementwise):
    """x * log(y), 0 where x == 0 unless y is nan; d/dx is xlogy(x != 0, y)."""

    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with quiet():
            out = np.where(a == 0, 0, a * np.log(b))
        return np.where(np.isnan(b), b, out).astype(np.result_type(a, b), copy=False)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
        return b.log().masked_fill((a == 0) & ~b.isnan(), 0), a / b


class XlogyScalarSelf(Xlogy):
    node_name = "XlogyBackward1"


class XlogyScalarOther(Xlogy):
    node_name = "XlogyBackward2"


class Logaddexp(Elementwise):
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if a.dtype.kind != "c":
            return np.logaddexp(a, b)
        # PyTorch's complex form: the operand with the larger real part factored out
        first = a.real >= b.real
        mx, mn = np.where(first, a, b), np.where(first, b, a)
        with quiet():
            return mx + np.log1p(np.exp(mn - mx))

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
        return 1 / (1 + (b - a).exp()), 1 / (1 + (a - b).exp())


class Fmax(Primitive):
    """fmax: NaN loses. PyTorch's rules: backward gives ties to a; forward takes a's
    tangent only where a > b (b's at ties), both where b is NaN."""

    save_inputs = (0, 1)
    forward = staticmethod(lambda ctx, a, b: _nan_quiet(np.fmax, a, b))
    to_a_backward = staticmethod(lambda a, b: (a >= b) | b.isnan())
    to_a_forward = staticmethod(lambda a, b: (a > b) | b.isnan())

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> tuple[Any, Any]:
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        m = cls.to_a_backward(a, b)
        return (g.masked_fill(~m, 0) if na else None, g.masked_fill(m, 0) if nb else None)

    @classmethod
    def jvp(cls, ctx: Ctx, ta: Any, tb: Any) -> Any:
        a, b = ctx.inputs
        m = cls.to_a_forward(a, b)
        ta = ta if ta is not None else a.new_zeros(())
        tb = tb if tb is not None else b.new_zeros(())
        return ta.where(m, tb)


class Fmin(Fmax):
    """fmin: as ``Fmax`` with the comparison reversed (here ties go to a both ways)."""

    forward = staticmethod(lambda ctx, a, b: _nan_quiet(np.fmin, a, b))
    to_a_backward = staticmethod(lambda a, b: (a <= b) | b.isnan())
    to_a_forward = staticmethod(lambda a, b: (a <= b) | b.isnan())


def _lerp(a: np.ndarray, b: np.ndarray, w: Any) -> np.ndarray:
    # PyTorch's two-sided form: exact at w == 0 and w == 1
    with quiet():
        small = np.abs(w) < 0.5
        return np.where(small, a + w * (b - a), b - (b - a) * (1 - w))


class Lerp(Elementwise):
    """start + weight * (end - start) for a tensor weight (LerpBackward1)."""

    node_name = "LerpBackward1"
    save_inputs = (0, 1, 2)
    forward = staticmethod(lambda ctx, a, b, w: _lerp(a, b, w))

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, b: Any, w: Any, out: Any) -> tuple[Any, Any, Any]:
        return 1 - w, w, b - a


class LerpScalar(Elementwise):
    """lerp with a Python number weight (LerpBackward0)."""

    name = "Lerp"

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray, weight: Any) -> np.ndarray:
        return _lerp(a, b, np.asarray(weight, a.dtype)).astype(a.dtype, copy=False)

    @classmethod
    def partials(cls, ctx: Ctx, *operands: Any) -> tuple[Any, Any]:
        w = ctx.params["weight"]
        return 1 - w, w


# ------------------------------------------------------------ complex numbers and views
class Complex(Primitive):
    """real + i imag; the gradient of each part is that part of the gradient."""

    @staticmethod
    def forward(ctx: Ctx, re: np.ndarray, im: np.ndarray) -> np.ndarray:
        out = np.empty(np.broadcast_shapes(re.shape, im.shape),
                       np.result_type(re.dtype, np.complex64))  # fmt: skip
        out.real, out.imag = re, im
        return out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, Any]:
        nr, ni = ctx.needs_input_grad
        return (g.real if nr else None, g.imag if ni else None)

    @staticmethod
    def jvp(ctx: Ctx, tr: Any, ti: Any) -> Any:
        from .._ops.elementwise_ops import complex as make

        re, im = ctx.inputs
        return make(tr if tr is not None else re.new_zeros(()),
                    ti if ti is not None else im.new_zeros(()))  # fmt: skip


class Angle(Primitive):
    """The argument of z (0 or pi for real x); PyTorch's angle_backward: zero for real
    input and at z == 0."""

    save_inputs = (0,)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        if a.dtype.kind == "c":
            return np.angle(a)
        # -0.0 has angle 0 (x < 0 is false), where atan2 would give pi
        return np.where(np.isnan(a), a, np.where(a < 0, np.pi, 0)).astype(a.dtype)

    @staticmethod
    def _rule(a: Any, g: Any, forward: bool) -> Any:
        if not a.is_complex():
            return g.new_zeros(g.shape) if g.shape == a.shape else (g * a).real * 0
        mag2 = a.abs() ** 2
        safe = mag2.masked_fill(mag2 == 0, 1)
        if forward:  # d angle = Im(conj(z) dz) / |z|^2
            r = (g * a.conj()).imag / safe
        else:
            r = g * a / safe * 1j
        return r.masked_fill(mag2 == 0, 0)

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return cls._rule(a, g, False)

    @classmethod
    def jvp(cls, ctx: Ctx, t: Any) -> Any:
        return cls._rule(ctx.inputs[0], t, True)


class NanToNum(Primitive):
    """nan, +inf and -inf replaced; the gradient passes only where the input was finite."""

    save_inputs = (0,)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, nan: float, posinf: float | None,
                neginf: float | None) -> np.ndarray:  # fmt: skip
        if a.dtype.kind == "V":  # bfloat16: NumPy leaves non-inexact dtypes alone
            big = float(ml_dtypes.finfo(a.dtype).max)
            posinf, neginf = big if posinf is None else posinf, -big if neginf is None else neginf
            a32 = np.nan_to_num(a.astype(np.float32), nan=nan, posinf=posinf, neginf=neginf)
            return a32.astype(a.dtype)
        with quiet():
            return np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g.masked_fill(~a.isfinite(), 0)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return t.masked_fill(~ctx.inputs[0].isfinite(), 0)


class ViewAsReal(Primitive):
    """A float view (..., 2) of a complex tensor's memory."""

    view = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        re = a.real  # a view with a's strides
        return np.lib.stride_tricks.as_strided(
            re, a.shape + (2,), re.strides + (re.itemsize,), writeable=a.flags.writeable
        )

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        from .._ops.elementwise_ops import view_as_complex

        return view_as_complex(g.contiguous())

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        from .._ops.elementwise_ops import view_as_real

        return view_as_real(t)


class ViewAsComplex(Primitive):
    """A complex view of a float tensor whose last dimension (size 2, stride 1) holds the
    real and imaginary parts."""

    view = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        cdt = np.complex64 if a.dtype == np.float32 else np.complex128
        if a.size == 0:
            return np.empty(a.shape[:-1], cdt)
        head = a[(0,) * (a.ndim - 1)].view(cdt)  # the first element, as a complex number
        return np.lib.stride_tricks.as_strided(
            head, a.shape[:-1], a.strides[:-1], writeable=a.flags.writeable
        )

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        from .._ops.elementwise_ops import view_as_real

        return view_as_real(g)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        from .._ops.elementwise_ops import view_as_complex

        return view_as_complex(t.contiguous())


class Polar(Primitive):
    """abs * (cos(angle) + i sin(angle)); PyTorch's polar_backward, which reads the result:
    d abs = Re(conj(g) sgn(out)), d angle = Re(conj(g) i out)."""

    save_output = True

    @staticmethod
    def forward(ctx: Ctx, r: np.ndarray, theta: np.ndarray) -> np.ndarray:
        return Complex.forward(ctx, r * np.cos(theta), r * np.sin(theta))

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, Any]:
        (out,) = ctx.saved_tensors
        nr, nt = ctx.needs_input_grad
        gc = g.conj()
        return ((gc * out.sgn()).real if nr else None, (gc * out * 1j).real if nt else None)

    @staticmethod
    def jvp(ctx: Ctx, tr: Any, tt: Any) -> Any:
        out = ctx.out
        terms = []
        if tr is not None:
            terms.append(tr * out.sgn())
        if tt is not None:
            terms.append(tt * out * 1j)
        return terms[0] if len(terms) == 1 else terms[0] + terms[1]


class Logaddexp2(Elementwise):
    save_inputs = (0, 1)
    forward = staticmethod(lambda ctx, a, b: np.logaddexp2(a, b))

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
        return 1 / (1 + 2 ** (b - a)), 1 / (1 + 2 ** (a - b))


class Sinc(Elementwise):
    """sin(pi x) / (pi x), 1 at 0; the derivative there is 0 (PyTorch's masked form)."""

    save_inputs = (0,)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        with quiet():
            px = a * np.pi
            return np.where(a == 0, 1, np.sin(px) / px).astype(a.dtype, copy=False)

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, out: Any) -> tuple[Any]:
        px = a * math.pi
        d = (px * px.cos() - px.sin()) / (px * a)
        return (d.masked_fill(a == 0, 0),)


class Copysign(Elementwise):
    """|a| with b's sign; d/da = out / a (+-1, 0 at a == 0), b gets none (CopysignBackward0)."""

    node_name = "CopysignBackward0"
    save_inputs = (0,)
    save_output = True
    forward = staticmethod(lambda ctx, a, b: np.copysign(a, b))

    @classmethod
    def partials(cls, ctx: Ctx, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
        return (out / a).masked_fill(a == 0, 0), None


class CopysignScalar(Copysign):
    node_name = "CopysignBackward1"
