"""Reduction primitives. ``dim`` is a tuple of non-negative dims (None: all dims)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._fpe import quiet
from . import _core
from ._core import Ctx, Primitive, apply
from .shape import Gather, Linear, ScatterAddZeros


def _restore(g: Any, in_shape: tuple[int, ...], dim: tuple[int, ...] | None,
             keepdim: bool) -> Any:  # fmt: skip
    """Bring a reduced gradient back to a shape that broadcasts against the input."""
    if keepdim or not in_shape:
        return g
    dims = range(len(in_shape)) if dim is None else dim
    kept = [1 if d in dims else s for d, s in enumerate(in_shape)]
    return g.reshape(tuple(kept))


class Sum(Linear):
    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dim: tuple[int, ...] | None, keepdim: bool,
                dtype: np.dtype | None = None) -> np.ndarray:  # fmt: skip
        ctx.in_shape = a.shape
        return np.sum(a, axis=dim, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        p = ctx.params
        return _restore(g, ctx.in_shape, p["dim"], p["keepdim"]).expand(ctx.in_shape)


class SumDim(Sum):
    name = "Sum"
    node_name = "SumBackward1"


class Mean(Linear):
    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dim: tuple[int, ...] | None,
                keepdim: bool) -> np.ndarray:  # fmt: skip
        ctx.in_shape = a.shape
        n = a.size if dim is None else int(np.prod([a.shape[d] for d in dim]))
        ctx.count = n
        with quiet():
            out = np.sum(a, axis=dim, keepdims=keepdim) / np.asarray(n, a.dtype)
        return out.astype(a.dtype, copy=False)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        p = ctx.params
        return _restore(g, ctx.in_shape, p["dim"], p["keepdim"]).expand(ctx.in_shape) / ctx.count


class MeanDim(Mean):
    name = "Mean"
    node_name = "MeanBackward1"


class Amax(Primitive):
    """amax/amin (and max()/min() over everything): ties share the gradient evenly."""

    save_inputs = (0,)
    save_output = True
    reducer = staticmethod(np.amax)

    @classmethod
    def forward(cls, ctx: Ctx, a: np.ndarray, dim: tuple[int, ...] | None,
                keepdim: bool) -> np.ndarray:  # fmt: skip
        return cls.reducer(a, axis=dim, keepdims=keepdim)

    @classmethod
    def _weights(cls, ctx: Ctx, a: Any, out: Any) -> Any:
        p = ctx.params
        mask = (a == _restore(out, a.shape, p["dim"], p["keepdim"])).to(a.dtype)
        dims = tuple(range(a.ndim)) if p["dim"] is None else p["dim"]
        return mask / mask.sum(dim=dims, keepdim=True)

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> Any:
        a, out = ctx.saved_tensors
        p = ctx.params
        return _restore(g, a.shape, p["dim"], p["keepdim"]) * cls._weights(ctx, a, out)

    @classmethod
    def jvp(cls, ctx: Ctx, t: Any) -> Any:
        a, out = ctx.inputs[0], ctx.out
        p = ctx.params
        dims = tuple(range(a.ndim)) if p["dim"] is None else p["dim"]
        return (t * cls._weights(ctx, a, out)).sum(dim=dims, keepdim=p["keepdim"])


class Amin(Amax):
    reducer = staticmethod(np.amin)


class MaxAll(Amax):
    name = "Max"
    node_name = "MaxBackward1"


class MinAll(Amin):
    name = "Min"
    node_name = "MinBackward1"


class MaxDim(Primitive):
    """max(dim) -> (values, indices): the gradient goes to the selected index only."""

    name = "Max"  # PyTorch's node: MaxBackward0 (MaxBackward1 is the full reduction)
    differentiable_outputs = (0,)
    arg = staticmethod(np.argmax)

    @classmethod
    def forward(cls, ctx: Ctx, a: np.ndarray, dim: int, keepdim: bool) -> tuple[Any, Any]:
        ctx.in_shape = a.shape
        if a.ndim == 0:
            return a.copy(), np.zeros((), np.int64)
        idx = np.expand_dims(cls.arg(a, axis=dim), dim)
        vals = np.take_along_axis(a, idx, axis=dim)
        if not keepdim:
            vals, idx = vals.squeeze(dim), idx.squeeze(dim)
        ctx.idx = idx
        return vals, idx.astype(np.int64, copy=False)

    @staticmethod
    def vjp(ctx: Ctx, g: Any, gi: Any) -> Any:
        from .._tensor import Tensor

        if not ctx.in_shape:
            return g
        dim, keepdim = ctx.params["dim"], ctx.params["keepdim"]
        idx = ctx.idx if keepdim else np.expand_dims(ctx.idx, dim)
        g = g if keepdim else g.unsqueeze(dim)
        return apply(ScatterAddZeros, g, Tensor._wrap(idx.astype(np.int64, copy=False)),
                     dim=dim, shape=ctx.in_shape)  # fmt: skip

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        from .._tensor import Tensor

        if not ctx.in_shape:
            return t
        dim, keepdim = ctx.params["dim"], ctx.params["keepdim"]
        idx = ctx.idx if keepdim else np.expand_dims(ctx.idx, dim)
        out = apply(Gather, t, Tensor._wrap(idx.astype(np.int64, copy=False)), dim=dim)
        return out if keepdim else out.squeeze(dim)


class MinDim(MaxDim):
    name = "Min"
    arg = staticmethod(np.argmin)


def _axis(a: np.ndarray, dim: int) -> int | None:
    return dim if a.ndim else None


# ------------------------------------------------------------------ softmax family
def _widened(a: np.ndarray) -> np.ndarray:
    """float16/bfloat16 computed in float32, as PyTorch's CPU kernels accumulate."""
    return a.astype(np.float32) if a.dtype.itemsize < 4 else a


class Softmax(Primitive):
    """softmax along ``dim``, shifted by the max so large inputs don't overflow."""

    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dim: int) -> np.ndarray:
        if a.size == 0:
            return a.copy()
        ax = _axis(a, dim)
        x = _widened(a)
        with quiet():
            e = np.exp(x - np.max(x, axis=ax, keepdims=True))
            return (e / np.sum(e, axis=ax, keepdims=True)).astype(a.dtype, copy=False)

    @staticmethod
    def _jacobian_times(y: Any, v: Any, dim: int) -> Any:
        """``J v`` for softmax's Jacobian ``diag(y) - y y^T``, which is symmetric: the same
        product serves the vjp and the jvp."""
        return y * (v - (v * y).sum(dim, keepdim=True))

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        return Softmax._jacobian_times(y, g, ctx.params["dim"])

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return Softmax._jacobian_times(ctx.out, t, ctx.params["dim"])


class LogSoftmax(Primitive):
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dim: int) -> np.ndarray:
        if a.size == 0:
            return a.copy()
        ax = _axis(a, dim)
        x = _widened(a)
        with quiet():
            shifted = x - np.max(x, axis=ax, keepdims=True)
            out = shifted - np.log(np.sum(np.exp(shifted), axis=ax, keepdims=True))
        return out.astype(a.dtype, copy=False)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        return g - y.exp() * g.sum(ctx.params["dim"], keepdim=True)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return t - (t * ctx.out.exp()).sum(ctx.params["dim"], keepdim=True)


class Logsumexp(Primitive):
    """log(sum(exp(a))) over ``dim``; infinite maxima are not subtracted (as in PyTorch)."""

    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dim: tuple[int, ...] | None,
                keepdim: bool) -> np.ndarray:  # fmt: skip
        with quiet():
            if a.size:
                m = np.max(a, axis=dim, keepdims=True)
                m = np.where(np.isinf(m), 0, m).astype(a.dtype, copy=False)
            else:
                m = np.zeros((1,) * a.ndim, a.dtype)
            s = np.log(np.sum(np.exp(a - m), axis=dim, keepdims=True)) + m
        return s if keepdim else s.reshape(np.sum(a, axis=dim).shape)

    @staticmethod
    def _weights(ctx: Ctx, a: Any, out: Any) -> Any:
        p = ctx.params
        return (a - _restore(out, a.shape, p["dim"], p["keepdim"])).exp()

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        a, out = ctx.saved_tensors
        p = ctx.params
        return _restore(g, a.shape, p["dim"], p["keepdim"]) * Logsumexp._weights(ctx, a, out)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        a, p = ctx.inputs[0], ctx.params
        if a._data.size == 0:  # PyTorch's rule divides by the empty sum of exponentials
            return _core._Tensor._wrap(np.full(ctx.out.shape, np.nan, ctx.out._data.dtype))
        dims = tuple(range(a.ndim)) if p["dim"] is None else p["dim"]
        return (t * Logsumexp._weights(ctx, a, ctx.out)).sum(dims, keepdim=p["keepdim"])


# --------------------------------------------------------------------- var and std
def _dims_of(ndim: int, dim: tuple[int, ...] | None) -> tuple[int, ...]:
    return tuple(range(ndim)) if dim is None else dim


class Var(Primitive):
    """Variance with ``correction`` (Bessel's is 1); the gradient is PyTorch's
    ``2 / (N - correction) * grad * (x - mean)``."""

    save_inputs = (0,)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dim: tuple[int, ...] | None, correction: float,
                keepdim: bool) -> np.ndarray:  # fmt: skip
        with quiet(), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # N <= correction: inf or nan
            out = np.var(a, axis=dim, ddof=correction, keepdims=keepdim)
        return out.astype(a.real.dtype, copy=False)

    @staticmethod
    def _weights(ctx: Ctx, a: Any) -> Any:
        """d var / d a, as a tensor shaped like ``a``."""
        dims = _dims_of(a.ndim, ctx.params["dim"])
        n = int(np.prod([a.shape[d] for d in dims]))
        with quiet():
            scale = float(np.float64(2.0) / np.float64(n - ctx.params["correction"]))
        return (a - a.mean(dims, keepdim=True)) * scale

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        p = ctx.params
        return _restore(g, a.shape, p["dim"], p["keepdim"]) * Var._weights(ctx, a)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        a, p = ctx.inputs[0], ctx.params
        w = Var._weights(ctx, a)
        tw = t * w.conj() if w.is_complex() else t * w
        tw = tw.real if tw.is_complex() else tw
        return tw.sum(_dims_of(a.ndim, p["dim"]), keepdim=p["keepdim"])


class Std(Var):
    """sqrt(var); where the result is 0 the gradient is 0, as in PyTorch (not inf * 0)."""

    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dim: tuple[int, ...] | None, correction: float,
                keepdim: bool) -> np.ndarray:  # fmt: skip
        return np.sqrt(Var.forward(ctx, a, dim, correction, keepdim))

    @staticmethod
    def _outer(g: Any, out: Any) -> Any:
        return (g / (out * 2)).masked_fill(out == 0, 0)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        a, out = ctx.saved_tensors
        p = ctx.params
        g = _restore(Std._outer(g, out), a.shape, p["dim"], p["keepdim"])
        return g * Var._weights(ctx, a)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return Std._outer(Var.jvp(ctx, t), ctx.out)


# ------------------------------------------------------------------ products and scans
def _no_zeros(x: Any) -> bool:
    return not (x._data == 0).any()


def _rev_cumsum(t: Any, dim: int) -> Any:
    return apply(Cumsum, t.flip(dim), dim=dim).flip(dim)


def _exclusive_products(x: Any, dim: int) -> Any:
    """prod of all other elements along ``dim``, without dividing (x may hold zeros):
    the product of everything before times everything after, as PyTorch's
    prod_safe_zeros_backward does."""
    from .._ops.shape_ops import cat

    n = x.shape[dim]
    one = x.narrow(dim, 0, 1) * 0 + 1
    before = apply(Cumprod, cat([one, x.narrow(dim, 0, n - 1)], dim), dim=dim)
    after = apply(Cumprod, cat([x.narrow(dim, 1, n - 1), one], dim).flip(dim), dim=dim)
    return before * after.flip(dim)


class Cumsum(Linear):
    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dim: int, dtype: np.dtype | None = None) -> np.ndarray:
        return np.cumsum(a, axis=_axis(a, dim), dtype=dtype).reshape(a.shape)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return _rev_cumsum(g, ctx.params["dim"]) if g.ndim else g


class Cumprod(Primitive):
    """Running product. With zeros in the input there is no dividing by it: each
    derivative d out_i / d x_k is the running product with x_k left out."""

    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dim: int, dtype: np.dtype | None = None) -> np.ndarray:
        return np.cumprod(a, axis=_axis(a, dim), dtype=dtype).reshape(a.shape)

    @staticmethod
    def _leave_one_out(x: Any, dim: int) -> Any:
        """M[..., k, i] = prod_{j <= i, j != k} x_j for i >= k, else 0 (dim moved last)."""
        from .._tensor import Tensor

        xs = x.transpose(dim, -1)
        n = xs.shape[-1]
        eye = Tensor._wrap(np.eye(n, dtype=x._data.dtype))
        m = apply(Cumprod, xs.unsqueeze(-2) * (1 - eye) + eye, dim=xs.ndim)
        return m * Tensor._wrap(np.triu(np.ones((n, n), x._data.dtype)))

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        x, out = ctx.saved_tensors
        dim = ctx.params["dim"]
        if not x.ndim:
            return g
        if _no_zeros(x):
            return _rev_cumsum(g * out, dim) / x
        m = Cumprod._leave_one_out(x, dim)
        return (m * g.transpose(dim, -1).unsqueeze(-2)).sum(-1).transpose(dim, -1)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        x, dim = ctx.inputs[0], ctx.params["dim"]
        if not x.ndim:
            return t
        if _no_zeros(x):
            return apply(Cumsum, t / x, dim=dim) * ctx.out
        m = Cumprod._leave_one_out(x, dim)
        return (m * t.transpose(dim, -1).unsqueeze(-1)).sum(-2).transpose(dim, -1)


class Prod(Primitive):
    """Product over all elements (``dim`` None) or one dim. The gradient is out / x where
    x has no zeros, else the product of the other elements (PyTorch's prod_backward)."""

    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dim: int | None, keepdim: bool,
                dtype: np.dtype | None = None) -> np.ndarray:  # fmt: skip
        return np.prod(a, axis=dim if a.ndim else None, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def _weights(ctx: Ctx, x: Any, out: Any) -> Any:
        """d out / d x, shaped like x."""
        dim, keepdim = ctx.params["dim"], ctx.params["keepdim"]
        if not x.ndim:
            return x * 0 + 1
        if _no_zeros(x):
            dims = None if dim is None else (dim,)
            return _restore(out, x.shape, dims, keepdim) / x
        if dim is None:
            return _exclusive_products(x.reshape(-1), 0).reshape(x.shape)
        return _exclusive_products(x, dim)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        x, out = ctx.saved_tensors
        dim = ctx.params["dim"]
        g = _restore(g, x.shape, None if dim is None else (dim,), ctx.params["keepdim"])
        return g * Prod._weights(ctx, x, out)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        x, dim, keepdim = ctx.inputs[0], ctx.params["dim"], ctx.params["keepdim"]
        tw = t * Prod._weights(ctx, x, ctx.out)
        if dim is None:
            return tw.sum()
        return tw.sum(dim, keepdim=keepdim)


class ProdDim(Prod):
    name = "Prod"
    node_name = "ProdBackward1"


# ---------------------------------------------------------------------------- norms
def _nonzero(t: Any) -> Any:
    """``t`` with its zeros replaced by 1: a divisor whose masked-out entries stay finite,
    so higher derivatives through the mask are 0 rather than 0 * inf = nan."""
    from .._ops.elementwise_ops import where

    return where(t == 0, 1.0, t)


class LinalgVectorNorm(Primitive):
    """``sum(|x| ** ord) ** (1 / ord)`` over ``dim``, with ord 0 (count of non-zeros), inf
    (max |x|) and -inf (min |x|). The rule is PyTorch's norm_backward: where the norm is 0
    the gradient is 0 (the subgradient), not nan; inf-norm ties share it evenly."""

    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, ord: float, dim: tuple[int, ...] | None,
                keepdim: bool) -> np.ndarray:  # fmt: skip
        x = np.abs(a)
        with quiet():
            if ord == np.inf:
                out = np.amax(x, axis=dim, keepdims=keepdim)
            elif ord == -np.inf:
                out = np.amin(x, axis=dim, keepdims=keepdim)
            elif ord == 0:
                out = np.sum(x != 0, axis=dim, keepdims=keepdim, dtype=x.dtype)
            elif ord == 1:
                out = np.sum(x, axis=dim, keepdims=keepdim)
            elif ord == 2:
                out = np.sqrt(np.sum(x * x, axis=dim, keepdims=keepdim))
            else:
                s = np.sum(x**ord, axis=dim, keepdims=keepdim)
                out = s ** np.asarray(1.0 / ord, x.dtype)
        return np.asarray(out, x.dtype)

    @staticmethod
    def _weights(ctx: Ctx, x: Any, norm: Any) -> Any:
        """d norm / d x (conjugated for complex x), shaped like x; None for ord 0."""
        p = ctx.params
        p_ord = p["ord"]
        norm = _restore(norm, x.shape, p["dim"], p["keepdim"])
        if p_ord == 0:
            return None
        if p_ord == 1:
            return x.sgn()
        if p_ord == 2:
            return (x / norm).masked_fill(norm == 0, 0)
        if abs(p_ord) == np.inf:
            mask = ((x.abs() == norm) | x.abs().isnan()).to(norm.dtype)
            dims = _dims_of(x.ndim, p["dim"])
            return x.sgn() * mask / mask.sum(dims, keepdim=True)
        if p_ord < 1:
            scaled = (_nonzero(x.abs()) ** (p_ord - 1)).masked_fill(x == 0, 0)
            return x.sgn() * scaled * norm ** (1 - p_ord)
        scale = (1 / _nonzero(norm) ** (p_ord - 1)).masked_fill(norm == 0, 0)
        if p_ord < 2:
            return x.sgn() * x.abs() ** (p_ord - 1) * scale
        return x * x.abs() ** (p_ord - 2) * scale

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        x, norm = ctx.saved_tensors
        w = LinalgVectorNorm._weights(ctx, x, norm)
        p = ctx.params
        return None if w is None else _restore(g, x.shape, p["dim"], p["keepdim"]) * w

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        x, p = ctx.inputs[0], ctx.params
        w = LinalgVectorNorm._weights(ctx, x, ctx.out)
        if w is None:
            return ctx.out * 0
        tw = (t * w.conj()).real if w.is_complex() else t * w
        return tw.sum(_dims_of(x.ndim, p["dim"]), keepdim=p["keepdim"])


# ------------------------------------------------------- selections: sort, topk, median
class SelectAlong(Primitive):
    """Values of ``a`` at ``idx`` along ``dim`` (indices chosen by sort, topk, kthvalue,
    median, mode, cummax...): the gradient goes to the selected elements only."""

    save_inputs = (1,)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, idx: np.ndarray, dim: int,
                keepdim: bool = True) -> np.ndarray:  # fmt: skip
        ctx.in_shape = a.shape
        if not a.ndim:
            return a.copy()
        out = np.take_along_axis(a, idx, axis=dim)
        return out if keepdim else out.squeeze(dim)

    @staticmethod
    def vjp(ctx: Ctx, g: Any, *_: Any) -> tuple[Any, None]:
        (idx,) = ctx.saved_tensors
        if not ctx.in_shape:
            return g, None
        dim = ctx.params["dim"]
        g = g if ctx.params.get("keepdim", True) else g.unsqueeze(dim)
        return apply(ScatterAddZeros, g, idx, dim=dim, shape=ctx.in_shape), None

    @classmethod
    def jvp(cls, ctx: Ctx, t: Any, ti: Any) -> Any:
        return apply(cls, t, ctx.inputs[1], **ctx.params)


def _selector(name: str, node: str = "") -> type[SelectAlong]:
    attrs = {"name": name, "node_name": node or name + "Backward0"}
    return type(name, (SelectAlong,), attrs)


Sort = _selector("Sort")
Topk = _selector("Topk")
Kthvalue = _selector("Kthvalue")
MedianDim = _selector("Median", "MedianBackward1")
Mode = _selector("Mode")
Cummax = _selector("Cummax")
Cummin = _selector("Cummin")


def _lower_median(a: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    flat = np.sort(a, axis=None)
    if not flat.size:  # PyTorch: nan, not an error
        out = np.asarray(np.nan, a.dtype)
    else:
        out = flat[(flat.size - 1) // 2] if not np.isnan(flat[-1]) else flat[-1]
    return np.asarray(out).reshape((1,) * a.ndim if keepdims else ())


class MedianAll(Amax):
    """median() of all elements (the lower of the two middle values): ties share the
    gradient evenly, as PyTorch's evenly_distribute_backward."""

    name = "Median"
    reducer = staticmethod(_lower_median)


class Nansum(Primitive):
    """sum with NaNs as zeros; the gradient is ``grad * (x == x)`` as in PyTorch (so a
    non-finite incoming gradient stays visible at NaN positions: 0 * inf is nan)."""

    save_inputs = (0,)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dim: tuple[int, ...] | None, keepdim: bool,
                dtype: np.dtype | None = None) -> np.ndarray:  # fmt: skip
        # bfloat16 summed in float32: NumPy's nan functions skip non-inexact dtypes
        out = np.nansum(
            _widened(a) if a.dtype.kind == "V" else a, axis=dim, keepdims=keepdim, dtype=dtype
        )
        return np.asarray(out).astype(dtype or a.dtype, copy=False)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        p = ctx.params
        return _restore(g, a.shape, p["dim"], p["keepdim"]) * (a == a).to(g.dtype)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        a, p = ctx.inputs[0], ctx.params
        dims = _dims_of(a.ndim, p["dim"])
        return (t * (a == a).to(t.dtype)).sum(dims, keepdim=p["keepdim"])


class Logcumsumexp(Primitive):
    """Running log-sum-exp (``np.logaddexp.accumulate``: no overflow). Each derivative
    d out_i / d x_k = exp(x_k - out_i) for k <= i, formed as a matrix along ``dim``."""

    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dim: int) -> np.ndarray:
        if not a.ndim:
            return a.copy()
        with quiet():
            return np.logaddexp.accumulate(a, axis=dim)

    @staticmethod
    def _jacobian(x: Any, out: Any, dim: int) -> Any:
        """J[..., k, i] = d out_i / d x_k, with ``dim`` moved last."""
        from .._ops.elementwise_ops import where
        from .._tensor import Tensor

        xs, outs = x.transpose(dim, -1), out.transpose(dim, -1)
        n = xs.shape[-1]
        upper = Tensor._wrap(np.triu(np.ones((n, n), bool)))
        # masked before exp: x_k - out_i for k > i may overflow exp
        return where(upper, xs.unsqueeze(-1) - outs.unsqueeze(-2), -np.inf).exp()

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        x, out = ctx.saved_tensors
        dim = ctx.params["dim"]
        if not x.ndim:
            return g
        jac = Logcumsumexp._jacobian(x, out, dim)
        return (jac * g.transpose(dim, -1).unsqueeze(-2)).sum(-1).transpose(dim, -1)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        x, dim = ctx.inputs[0], ctx.params["dim"]
        if not x.ndim:
            return t
        jac = Logcumsumexp._jacobian(x, ctx.out, dim)
        return (jac * t.transpose(dim, -1).unsqueeze(-1)).sum(-2).transpose(dim, -1)
