"""Elementwise primitives and their derivative rules.

Most state only ``partials``: the local derivative of the output w.r.t. each input, as
tensors (or numbers, or None for zero). ``Elementwise`` turns them into the vjp
(``grad * conj(partial)``, PyTorch's convention for complex inputs) and the jvp
(``sum of tangent * partial``). Broadcast gradients are summed back to each input's shape
by ``apply()``, not here.
"""

from __future__ import annotations

from typing import Any

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
class Add(Primitive):
    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray, alpha: Any = 1) -> np.ndarray:
        return a + b if alpha == 1 else a + b * alpha

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
        return a - b if alpha == 1 else a - b * alpha

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
    forward = staticmethod(lambda ctx, a, b: np.maximum(a, b))
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


class Minimum(Maximum):
    """minimum(a, b), PyTorch's MinimumBackward0 (ties and NaN as ``Maximum``)."""

    forward = staticmethod(lambda ctx, a, b: np.minimum(a, b))
    picks_a = staticmethod(lambda a, b: a < b)
    picks_b = staticmethod(lambda a, b: a > b)
