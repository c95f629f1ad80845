"""Reductions: sum, mean, amax/amin, max/min (values and indices)."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from .. import _dtype
from .._prims import reduce as P
from .._prims._core import apply, apply_promoted
from .._tensor import Tensor, _wrap_dim, wrap_dims

return_types_max = namedtuple("max", ["values", "indices"])
return_types_min = namedtuple("min", ["values", "indices"])


def _dims(dim: Any, ndim: int) -> tuple[int, ...] | None:
    if dim is None:
        return None
    if isinstance(dim, (int, np.integer)):
        return (_wrap_dim(int(dim), ndim),) if ndim else ()
    d = tuple(dim)
    if not d:
        return None
    return wrap_dims(d, ndim) if ndim else ()


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Sum over ``dim`` (all dims by default); bool/int inputs sum to int64."""
    d = _dims(dim, input._data.ndim)
    if dtype is not None:
        out_dt = _dtype.as_dtype(dtype).np
    elif input._data.dtype.kind in "biu":
        out_dt = np.dtype(np.int64)
    else:
        out_dt = input._data.dtype
    prim = P.Sum if d is None else P.SumDim
    if out_dt != input._data.dtype:
        return apply_promoted(prim, out_dt, input, dim=d, keepdim=keepdim)
    return apply(prim, input, dim=d, keepdim=keepdim)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Mean over ``dim``; only floating and complex inputs (as in PyTorch)."""
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind not in "fcV":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {input.dtype.name.capitalize()}"
        )
    d = _dims(dim, input._data.ndim)
    return apply(P.Mean if d is None else P.MeanDim, input, dim=d, keepdim=keepdim)


def _check_nonempty(input: Tensor, op: str, d: tuple[int, ...] | None) -> None:
    shape = input._data.shape
    if input._data.size == 0 and (d is None or 0 in [shape[i] for i in d] or not shape):
        raise IndexError(
            f"{op}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument."
            if d is None else
            f"{op}(): Expected reduction dim {d[0]} to have non-zero size."
        )  # fmt: skip


def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """Maximum over ``dim`` (all dims when empty); ties share the gradient evenly."""
    d = _dims(dim, input._data.ndim)
    _check_nonempty(input, "amax", d)
    return apply(P.Amax, input, dim=d, keepdim=keepdim)


def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """Minimum over ``dim`` (all dims when empty); ties share the gradient evenly."""
    d = _dims(dim, input._data.ndim)
    _check_nonempty(input, "amin", d)
    return apply(P.Amin, input, dim=d, keepdim=keepdim)


def _max_min(input: Tensor, dim: Any, keepdim: bool, other: Any, is_max: bool) -> Any:
    name = "max" if is_max else "min"
    if isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        from .._prims.elementwise import Maximum, Minimum
        from .elementwise_ops import _binary

        # a primitive, not where(ge): PyTorch splits the gradient evenly at ties
        return _binary(Maximum if is_max else Minimum, input, other)
    if input.is_complex():
        raise RuntimeError(f"{name}(): does not support complex input")
    if dim is None:
        _check_nonempty(input, name, None)
        return apply(P.MaxAll if is_max else P.MinAll, input, dim=None, keepdim=False)
    d = _wrap_dim(dim, input._data.ndim)
    if input._data.ndim and input._data.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    vals, idx = apply(P.MaxDim if is_max else P.MinDim, input, dim=d, keepdim=keepdim)
    return (return_types_max if is_max else return_types_min)(vals, idx)


def max(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None) -> Any:
    """max(): the largest value; max(dim): (values, indices); max(other): elementwise."""
    return _max_min(input, dim, keepdim, other, True)


def min(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None) -> Any:
    """min(): the smallest value; min(dim): (values, indices); min(other): elementwise."""
    return _max_min(input, dim, keepdim, other, False)


def argmax(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return Tensor._wrap(np.asarray(np.argmax(input._data), np.int64))
    return max(input, dim, keepdim).indices


def argmin(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return Tensor._wrap(np.asarray(np.argmin(input._data), np.int64))
    return min(input, dim, keepdim).indices


# ------------------------------------------------------------------ softmax family
def _float_input(input: Tensor, dtype: Any, op: str) -> Tensor:
    """The input cast to ``dtype`` when given; integer inputs are an error (as in PyTorch)."""
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind not in "fV":
        raise NotImplementedError(
            f'"{op}" not implemented for {input.dtype}: pass a floating dtype (dtype=...)'
        )
    return input


def softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """Softmax along ``dim``: ``exp(x) / exp(x).sum(dim)``, computed without overflow.

    Args:
        input: the input tensor.
        dim: the dimension the outputs sum to 1 along.
        dtype: if given, the input is cast to it first.

    Returns:
        A tensor of the input's shape.

    Example:
        >>> retrograd.softmax(retrograd.tensor([0.0, 0.0]), 0)
        tensor([0.5000, 0.5000])
    """
    x = _float_input(input, dtype, "softmax")
    return apply(P.Softmax, x, dim=_wrap_dim(dim, x._data.ndim))


def log_softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """``log(softmax(input, dim))``, computed stably (no log of an underflowed 0).

    Args:
        input: the input tensor.
        dim: the dimension along which softmax is taken.
        dtype: if given, the input is cast to it first.

    Example:
        >>> retrograd.log_softmax(retrograd.tensor([0.0, 0.0]), 0)
        tensor([-0.6931, -0.6931])
    """
    x = _float_input(input, dtype, "log_softmax")
    return apply(P.LogSoftmax, x, dim=_wrap_dim(dim, x._data.ndim))


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """``log(exp(input).sum(dim))`` without overflow; integer inputs give floats.

    Args:
        input: the input tensor.
        dim: a dimension or tuple of dimensions to reduce.
        keepdim: keep the reduced dimensions with size 1.

    Example:
        >>> retrograd.logsumexp(retrograd.tensor([0.0, 0.0]), 0)
        tensor(0.6931)
    """
    if input._data.dtype.kind in "biu":
        input = input.to(_dtype.get_default_dtype())
    if input._data.dtype.kind == "c":
        raise RuntimeError("logsumexp(): complex inputs are not supported")
    d = _dims(dim, input._data.ndim)
    return apply(P.Logsumexp, input, dim=d, keepdim=keepdim)


# --------------------------------------------------------------------- var and std


def _var_args(input: Tensor, dim: Any, unbiased: Any, correction: Any,
              op: str) -> tuple[Any, float]:  # fmt: skip
    """(dims, correction) from either signature: ``(dim, unbiased, keepdim)`` or
    ``(dim, *, correction, keepdim)``; a bool in ``dim``'s place is ``unbiased``."""
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    if unbiased is not None and correction is not None:
        raise TypeError(f"{op}() takes either unbiased or correction, not both")
    if input._data.dtype.kind not in "fcV":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if correction is None:
        correction = 0 if unbiased is False else 1
    return _dims(dim, input._data.ndim), correction


def var(input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False,
        *, correction: float | None = None) -> Tensor:  # fmt: skip
    """Variance over ``dim`` (all dims by default), divided by ``N - correction``.

    Args:
        input: a floating or complex tensor.
        dim: a dimension or tuple of dimensions to reduce (None: all).
        unbiased: legacy spelling of ``correction`` (True: 1, False: 0).
        keepdim: keep the reduced dimensions with size 1.
        correction: the difference between the sample size and the degrees of freedom
            (default 1, Bessel's correction).

    Example:
        >>> retrograd.var(retrograd.tensor([1.0, 2.0, 3.0]))
        tensor(1.)
    """
    d, c = _var_args(input, dim, unbiased, correction, "var")
    return apply(P.Var, input, dim=d, correction=c, keepdim=keepdim)


def std(input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False,
        *, correction: float | None = None) -> Tensor:  # fmt: skip
    """Standard deviation, ``sqrt(var(...))``, with :func:`var`'s arguments. Where it is 0
    the gradient is 0 (as in PyTorch).

    Example:
        >>> retrograd.std(retrograd.tensor([1.0, 2.0, 3.0]))
        tensor(1.)
    """
    d, c = _var_args(input, dim, unbiased, correction, "std")
    return apply(P.Std, input, dim=d, correction=c, keepdim=keepdim)


def var_mean(input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False,
             *, correction: float | None = None) -> tuple[Tensor, Tensor]:  # fmt: skip
    """``(var(input, ...), mean(input, dim, keepdim))`` with :func:`var`'s arguments."""
    v = var(input, dim, unbiased, keepdim, correction=correction)
    return v, mean(input, None if isinstance(dim, bool) else dim, keepdim)


def std_mean(input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False,
             *, correction: float | None = None) -> tuple[Tensor, Tensor]:  # fmt: skip
    """``(std(input, ...), mean(input, dim, keepdim))`` with :func:`var`'s arguments."""
    s = std(input, dim, unbiased, keepdim, correction=correction)
    return s, mean(input, None if isinstance(dim, bool) else dim, keepdim)


# ------------------------------------------------------------------ products and scans
def _acc_dtype(input: Tensor, dtype: Any) -> np.dtype:
    """The accumulation dtype: ``dtype`` if given; bool and integers widen to int64."""
    if dtype is not None:
        return _dtype.as_dtype(dtype).np
    return np.dtype(np.int64) if input._data.dtype.kind in "biu" else input._data.dtype


def _apply_acc(prim: Any, input: Tensor, dtype: Any, **params: Any) -> Tensor:
    dt = _acc_dtype(input, dtype)
    if dt != input._data.dtype:
        return apply_promoted(prim, dt, input, **params)
    return apply(prim, input, **params)


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:  # fmt: skip
    """Product of all elements, or over one ``dim``; bool/int inputs give int64.

    The gradient is exact with zeros in the input: at a single zero it is the product of
    the other elements, with two or more zeros it is 0 (as in PyTorch).

    Example:
        >>> retrograd.prod(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]), 1)
        tensor([2., 12.])
    """
    if dim is None:
        return _apply_acc(P.Prod, input, dtype, dim=None, keepdim=False)
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    d = _wrap_dim(int(dim), input._data.ndim)
    return _apply_acc(P.ProdDim, input, dtype, dim=d, keepdim=keepdim)


def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running sum along ``dim``; bool/int inputs give int64.

    Example:
        >>> retrograd.cumsum(retrograd.tensor([1.0, 2.0, 3.0]), 0)
        tensor([1., 3., 6.])
    """
    return _apply_acc(P.Cumsum, input, dtype, dim=_wrap_dim(dim, input._data.ndim))


def cumprod(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running product along ``dim``; exact gradients with zeros in the input.

    Example:
        >>> retrograd.cumprod(retrograd.tensor([1.0, 2.0, 3.0]), 0)
        tensor([1., 2., 6.])
    """
    return _apply_acc(P.Cumprod, input, dtype, dim=_wrap_dim(dim, input._data.ndim))


# ---------------------------------------------------------------------------- norms
def vector_norm(x: Tensor, ord: float = 2, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:  # fmt: skip
    """The vector ``ord``-norm of ``x`` over ``dim`` (all elements by default).

    Args:
        x: a floating or complex tensor.
        ord: 2 (default), 1, inf, -inf, 0 (number of non-zeros) or any real p.
        dim: a dimension or tuple of dimensions (None: all, as one vector).
        keepdim: keep the reduced dimensions with size 1.
        dtype: if given, ``x`` is cast to it first.

    Returns:
        A real tensor. Where the norm is 0 its gradient is 0 (PyTorch's subgradient).

    Example:
        >>> retrograd.linalg.vector_norm(retrograd.tensor([3.0, 4.0]))
        tensor(5.)
    """
    x = _norm_input(x, dtype, "linalg.vector_norm")
    d = _dims(dim, x._data.ndim)
    o = float(ord)
    if abs(o) == np.inf and x._data.size == 0:
        raise RuntimeError(
            "linalg.vector_norm cannot compute the inf norm on an empty tensor because the "
            "operation does not have an identity"
        )
    return apply(P.LinalgVectorNorm, x, ord=o, dim=d, keepdim=keepdim)


def _norm_input(x: Tensor, dtype: Any, name: str) -> Tensor:
    """``x`` cast to a norm's ``dtype=``, which PyTorch allows only of the input's kind (real
    or complex) and without narrowing; the input itself must be floating or complex."""
    from .elementwise_ops import _type_name

    src = x._data.dtype
    if src.kind not in "fcV":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {_type_name(src)}")  # fmt: skip
    if dtype is None:
        return x
    dt = _dtype.as_dtype(dtype)
    want = "complex" if src.kind == "c" else "real"
    if dt.is_complex != (src.kind == "c"):
        raise RuntimeError(f"{name}: dtype should be {want} for {want} inputs, but got "
                           f"{_type_name(dt.np)}")  # fmt: skip
    if _dtype.promote_types(x.dtype, dt) != dt:
        raise RuntimeError(
            f"{name}: the dtype of the input ({_type_name(src)}) should be convertible "
            f"without narrowing to the specified dtype ({_type_name(dt.np)})"
        )
    return x.to(dt)


def matrix_norm(A: Tensor, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:  # fmt: skip
    """The matrix norm of ``A`` over the two dims ``dim``: 'fro' (Frobenius), 'nuc' (sum
    of singular values), 2 / -2 (largest / smallest singular value), 1 / -1 (max / min
    column sum of |A|), inf / -inf (max / min row sum of |A|).

    Example:
        >>> retrograd.linalg.matrix_norm(retrograd.tensor([[3.0, 0.0], [0.0, 4.0]]))
        tensor(5.)
    """
    if A._data.ndim < 2:
        raise RuntimeError(
            f"linalg.matrix_norm: The input tensor A must have at least 2 dimensions, "
            f"got a tensor of shape {list(A.shape)}"
        )
    d0, d1 = wrap_dims(tuple(dim), A._data.ndim)
    if ord in ("nuc", 2, -2) and A._data.dtype.itemsize == 2:  # svdvals has no half kernel
        from .elementwise_ops import _type_name

        raise RuntimeError("linalg.matrix_norm: Low precision dtypes not supported. Got "
                           f"{_type_name(A._data.dtype)}")  # fmt: skip
    A = _norm_input(A, dtype, "linalg.matrix_norm")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord in (1, -1, np.inf, -np.inf):
        rows, cols = (d0, d1) if abs(ord) == 1 else (d1, d0)
        sums = A.abs().sum(rows, keepdim=True)
        out = (amax if ord > 0 else amin)(sums, cols, keepdim=True)
        return out if keepdim else out.squeeze((d0, d1))
    if ord in ("nuc", 2, -2):
        from .linalg_ops import linalg_svdvals

        # the two dims last, then the singular values (as PyTorch, composed from svdvals)
        rest = [i for i in range(A._data.ndim) if i not in (d0, d1)]
        sv = linalg_svdvals(A.permute(rest + [d0, d1]))
        out = sv.sum(-1) if ord == "nuc" else (amax if ord == 2 else amin)(sv, -1)
        if keepdim:
            lo, hi = sorted((d0, d1))  # (min and max are this module's reductions)
            out = out.unsqueeze(lo).unsqueeze(hi)
        return out
    raise RuntimeError(
        f"linalg.matrix_norm: Order {ord} not supported (use 'fro', 'nuc', 1, -1, 2, -2, inf "
        "or -inf)"
    )


def linalg_norm(A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *,  # noqa: N803
                dtype: Any = None) -> Tensor:  # fmt: skip
    """A vector or matrix norm, as ``dim`` (one dim or two) or, without it, ``A``'s rank
    says: ``vector_norm`` for one dim, ``matrix_norm`` for two; with neither ``dim`` nor
    ``ord``, the 2-norm of all elements as one vector.

    Example:
        >>> retrograd.linalg.norm(retrograd.tensor([[3.0, 0.0], [0.0, 4.0]]), ord=2)
        tensor(4.)
    """
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) == 1:
            return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        if len(dims) != 2:
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                               f"Got {list(dims)}")  # fmt: skip
        return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    ndim = A._data.ndim
    if ndim == 1 or ndim == 2:
        fn = vector_norm if ndim == 1 else matrix_norm
        return fn(A, ord, tuple(range(ndim)), keepdim, dtype=dtype)
    raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D "
                       f"or 2D. Got {ndim}D.")  # fmt: skip


def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False,
         dtype: Any = None) -> Tensor:  # fmt: skip
    """The vector p-norm over ``dim`` (all elements by default); 'fro' is the 2-norm.

    Example:
        >>> retrograd.norm(retrograd.tensor([3.0, 4.0]))
        tensor(5.)
    """
    if p == "fro":
        p = 2
    elif p == "nuc":
        dims = (-2, -1) if dim is None else dim
        return matrix_norm(input, "nuc", dims, keepdim, dtype=dtype)
    elif isinstance(p, str):
        raise RuntimeError(f"norm(): p {p!r} is not supported (use a number, 'fro' or 'nuc')")
    return vector_norm(input, p, dim, keepdim, dtype=dtype)


# ------------------------------------------------------- selections: sort, topk, median
return_types_sort = namedtuple("sort", ["values", "indices"])
return_types_topk = namedtuple("topk", ["values", "indices"])
return_types_kthvalue = namedtuple("kthvalue", ["values", "indices"])
return_types_median = namedtuple("median", ["values", "indices"])
return_types_mode = namedtuple("mode", ["values", "indices"])
return_types_cummax = namedtuple("cummax", ["values", "indices"])
return_types_cummin = namedtuple("cummin", ["values", "indices"])
return_types_aminmax = namedtuple("aminmax", ["min", "max"])


def _select(prim: Any, input: Tensor, idx: np.ndarray, dim: int, keepdim: bool = True) -> Any:
    """(values, indices) of ``input`` at ``idx`` (keepdim-shaped) along ``dim``."""
    it = Tensor._wrap(np.asarray(idx, np.int64))
    vals = apply(prim, input, it, dim=dim, keepdim=keepdim)
    if not keepdim and input._data.ndim:
        it = Tensor._wrap(it._data.squeeze(dim))
    return vals, it


def _argsort(a: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """Stable order along ``dim``; NaN sorts as the largest value, as in PyTorch."""
    if not a.ndim:
        return np.zeros((), np.int64)
    if a.dtype == bool:
        a = a.astype(np.int8)
    if not descending:
        return np.argsort(a, axis=dim, kind="stable")
    # sort the reversed array and reverse the order: ties keep their original order
    n = a.shape[dim]
    rev = np.flip(np.argsort(np.flip(a, dim), axis=dim, kind="stable"), dim)
    return n - 1 - rev


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    """Sort along ``dim``: ``(values, indices)``; equal values keep their order.

    Example:
        >>> retrograd.sort(retrograd.tensor([3.0, 1.0, 2.0]))
        torch.return_types.sort(values=tensor([1., 2., 3.]), indices=tensor([1, 2, 0]))
    """
    d = _wrap_dim(dim, input._data.ndim)
    idx = _argsort(input._data, d, descending)
    return return_types_sort(*_select(P.Sort, input, idx, d))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim`` (see :func:`sort`)."""
    d = _wrap_dim(dim, input._data.ndim)
    return Tensor._wrap(_argsort(input._data, d, descending).astype(np.int64, copy=False))


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
    """The ``k`` largest (or smallest) elements along ``dim``: ``(values, indices)``.

    Example:
        >>> retrograd.topk(retrograd.tensor([3.0, 1.0, 2.0]), 2)
        torch.return_types.topk(values=tensor([3., 2.]), indices=tensor([0, 2]))
    """
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"selected index k out of range (k = {k}, size along dim {d} = {n})")
    idx = _argsort(a, d, largest)
    idx = idx[(slice(None),) * d + (slice(0, k),)] if a.ndim else idx
    return return_types_topk(*_select(P.Topk, input, idx, d))


def _kth_index(a: np.ndarray, k: int, dim: int) -> np.ndarray:
    """Index of the k-th smallest (1-based) along ``dim``, keepdim-shaped."""
    if not a.ndim:
        return np.zeros((), np.int64)
    order = _argsort(a, dim, False)
    return order[(slice(None),) * dim + (slice(k - 1, k),)]


def _gt_or_nan(x: float, y: float) -> bool:
    return (x != x and y == y) or x > y  # NaN sorts last


def _quickselect(row: list[Any], k: int) -> int:
    """Position in ``row`` of its ``k``-th smallest (0-based) as PyTorch's CPU kthvalue finds
    it: Hoare partitioning around a median-of-three pivot. Among equal values this fixes
    which index comes back."""
    a, ix = list(row), list(range(len(row)))

    def swap(p: int, q: int) -> None:
        a[p], a[q] = a[q], a[p]
        ix[p], ix[q] = ix[q], ix[p]

    lo, hi = 0, len(a) - 1
    while hi > lo:
        if hi == lo + 1:
            if _gt_or_nan(a[lo], a[hi]):
                swap(lo, hi)
            break
        swap((lo + hi) >> 1, lo + 1)
        for p, q in ((lo + 1, hi), (lo, hi), (lo + 1, lo)):
            if _gt_or_nan(a[p], a[q]):
                swap(p, q)
        i, j, pivot = lo + 1, hi, a[lo]
        while True:
            i += 1
            while _gt_or_nan(pivot, a[i]):
                i += 1
            j -= 1
            while _gt_or_nan(a[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
    return ix[k]


def _kth_index_as_pytorch(a: np.ndarray, k: int, dim: int) -> np.ndarray:
    """``_kth_index``, with the index PyTorch picks where the k-th value is tied (or a NaN
    is about): only those slices are selected again, one by one."""
    idx = _kth_index(a, k, dim)
    if not a.ndim or a.dtype.kind == "c":
        return idx
    kth = np.take_along_axis(a, idx, dim)
    tied = ((a == kth).sum(axis=dim, keepdims=True) > 1) | np.isnan(a).any(axis=dim, keepdims=True)
    if tied.any():
        rows = np.moveaxis(a, dim, -1).reshape(-1, a.shape[dim])
        flat = np.moveaxis(idx, dim, -1).reshape(-1).copy()
        for r in np.flatnonzero(np.moveaxis(tied, dim, -1).reshape(-1)):
            flat[r] = _quickselect(rows[r].tolist(), k - 1)
        idx = np.moveaxis(flat.reshape(np.moveaxis(idx, dim, -1).shape), -1, dim)
    return idx


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> Any:
    """The ``k``-th smallest element along ``dim``: ``(values, indices)``.

    Example:
        >>> retrograd.kthvalue(retrograd.tensor([3.0, 1.0, 2.0]), 2)
        torch.return_types.kthvalue(values=tensor(2.), indices=tensor(2))
    """
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    idx = _kth_index_as_pytorch(a, k, d)
    return return_types_kthvalue(*_select(P.Kthvalue, input, idx, d, keepdim))


def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """median(): the lower of the two middle values of all elements (ties share the
    gradient); median(dim): ``(values, indices)`` along ``dim``. NaN propagates.

    Example:
        >>> retrograd.median(retrograd.tensor([1.0, 4.0, 2.0, 3.0]))
        tensor(2.)
    """
    a = input._data
    if dim is None:
        return apply(P.MedianAll, input, dim=None, keepdim=False)
    d = _wrap_dim(dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    if n == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    idx = _kth_index(a, (n + 1) // 2, d)
    if a.ndim and a.dtype.kind in "fc":
        # a NaN in the slice is the median, at its first position
        nan = np.isnan(a)
        first = np.expand_dims(np.argmax(nan, axis=d), d)
        idx = np.where(nan.any(axis=d, keepdims=True), first, idx)
    return return_types_median(*_select(P.MedianDim, input, idx, d, keepdim))


def _mode_index(a: np.ndarray, dim: int) -> np.ndarray:
    """Most frequent value's last position along ``dim`` (smallest value among equals)."""
    moved = np.moveaxis(a, dim, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    out = np.empty(rows.shape[0], np.int64)
    for r, row in enumerate(rows):
        values, counts = np.unique(row, return_counts=True)
        value = values[np.argmax(counts)]
        out[r] = np.flatnonzero(row == value)[-1]
    return np.expand_dims(out.reshape(moved.shape[:-1]), dim)


def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> Any:
    """The most frequent value along ``dim`` (the smallest among equally frequent ones)
    and its last index: ``(values, indices)``.

    Example:
        >>> retrograd.mode(retrograd.tensor([1.0, 2.0, 2.0, 1.0, 2.0]))
        torch.return_types.mode(values=tensor(2.), indices=tensor(4))
    """
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    if a.ndim and a.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    idx = _mode_index(a, d) if a.ndim else np.zeros((), np.int64)
    return return_types_mode(*_select(P.Mode, input, idx, d, keepdim))


def _cum_index(a: np.ndarray, dim: int, better: Any) -> np.ndarray:
    """Running arg-extreme along ``dim``; a tie moves the index to the later element."""
    moved = np.moveaxis(a, dim, -1)
    idx = np.zeros(moved.shape, np.int64)
    best = moved[..., 0].copy() if moved.shape[-1] else moved[..., :0]
    cur = np.zeros(moved.shape[:-1], np.int64)
    for i in range(moved.shape[-1]):
        x = moved[..., i]
        take = better(x, best) | np.isnan(x) if a.dtype.kind == "f" else better(x, best)
        take &= ~np.isnan(best) if a.dtype.kind == "f" else True
        cur = np.where(take, i, cur)
        best = np.where(take, x, best)
        idx[..., i] = cur
    return np.moveaxis(idx, -1, dim)


def _cum_extreme(input: Tensor, dim: int, is_max: bool) -> Any:
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    if not a.ndim:
        idx = np.zeros((), np.int64)
    else:
        idx = _cum_index(a, d, np.greater_equal if is_max else np.less_equal)
    prim, rt = (P.Cummax, return_types_cummax) if is_max else (P.Cummin, return_types_cummin)
    return rt(*_select(prim, input, idx, d))


def cummax(input: Tensor, dim: int) -> Any:
    """Running maximum along ``dim`` and where it was found: ``(values, indices)``.

    Example:
        >>> retrograd.cummax(retrograd.tensor([1.0, 3.0, 2.0]), 0).values
        tensor([1., 3., 3.])
    """
    return _cum_extreme(input, dim, True)


def cummin(input: Tensor, dim: int) -> Any:
    """Running minimum along ``dim`` and where it was found: ``(values, indices)``."""
    return _cum_extreme(input, dim, False)


def aminmax(input: Tensor, *, dim: int | None = None, keepdim: bool = False) -> Any:
    """``(amin(input, dim), amax(input, dim))`` in one call.

    Example:
        >>> retrograd.aminmax(retrograd.tensor([1.0, 3.0, 2.0]))
        torch.return_types.aminmax(min=tensor(1.), max=tensor(3.))
    """
    d = () if dim is None else dim
    return return_types_aminmax(amin(input, d, keepdim), amax(input, d, keepdim))


# ------------------------------------------------------------- NaN-ignoring reductions
def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """:func:`sum` with NaNs counted as zero (their gradient is 0).

    Example:
        >>> retrograd.nansum(retrograd.tensor([1.0, float("nan"), 2.0]))
        tensor(3.)
    """
    if input._data.dtype.kind not in "fcV":
        return sum(input, dim, keepdim, dtype=dtype)
    d = _dims(dim, input._data.ndim)
    return _apply_acc(P.Nansum, input, dtype, dim=d, keepdim=keepdim)


def nanmean(input: Tensor, dim: Any = None, keepdim: bool = False, *,
            dtype: Any = None) -> Tensor:  # fmt: skip
    """:func:`mean` of the non-NaN elements (NaN where all are NaN).

    Example:
        >>> retrograd.nanmean(retrograd.tensor([1.0, float("nan"), 2.0]))
        tensor(1.5000)
    """
    from .elementwise_ops import isnan, logical_not

    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind not in "fcV":
        raise RuntimeError(
            "nanmean(): expected input to have floating point or complex dtype but got "
            f"{input.dtype.name.capitalize()}"
        )
    count = sum(logical_not(isnan(input)), dim, keepdim)
    return nansum(input, dim, keepdim) / count


# ---------------------------------------------------------- bool and integer results
def _bool_reduce(fn: Any, input: Tensor, dim: Any, keepdim: bool) -> Tensor:
    a = input._data
    d = _dims(dim, a.ndim)
    out = fn(a != 0, axis=d, keepdims=keepdim)
    # as in PyTorch, uint8 inputs give uint8 results (a legacy of masks)
    return Tensor._wrap(np.asarray(out, np.uint8 if a.dtype == np.uint8 else bool))


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether every element (over ``dim``) is non-zero.

    Example:
        >>> retrograd.all(retrograd.tensor([True, False]))
        tensor(False)
    """
    return _bool_reduce(np.all, input, dim, keepdim)


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether some element (over ``dim``) is non-zero.

    Example:
        >>> retrograd.any(retrograd.tensor([True, False]))
        tensor(True)
    """
    return _bool_reduce(np.any, input, dim, keepdim)


def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """The number of non-zero elements (over ``dim``), as int64.

    Example:
        >>> retrograd.count_nonzero(retrograd.tensor([0.0, 1.0, 2.0]))
        tensor(2)
    """
    a = input._data
    return Tensor._wrap(np.asarray(np.count_nonzero(a, axis=_dims(dim, a.ndim)), np.int64))


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """Counts of each value of a 1-D non-negative integer tensor (or sums of ``weights``).

    Example:
        >>> retrograd.bincount(retrograd.tensor([1, 1, 3]))
        tensor([0, 2, 0, 1])
    """
    a = input._data
    if a.dtype.kind not in "biu":
        raise NotImplementedError(
            f'"bincount_cpu" not implemented for {input.dtype.name.capitalize()}'
        )
    if a.ndim != 1 or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return Tensor._wrap(np.bincount(a, minlength=minlength).astype(np.int64))
    w = weights._data
    if w.shape != a.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    out_dt = w.dtype if w.dtype.kind == "f" else np.dtype(np.float64)
    return Tensor._wrap(np.bincount(a, w, minlength=minlength).astype(out_dt))


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """Histogram of ``bins`` equal bins over [min, max] (the data's range when both are 0);
    elements outside are ignored.

    Example:
        >>> retrograd.histc(retrograd.tensor([1.0, 2.0, 1.0]), bins=4, min=0, max=3)
        tensor([0., 2., 1., 0.])
    """
    a = input._data
    if a.dtype.kind not in "fV":
        raise NotImplementedError(
            f'"histogram_cpu" not implemented for {input.dtype.name.capitalize()}'
        )
    if bins <= 0:
        raise RuntimeError(f"torch.histc: bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError(f"torch.histc: max must be larger than min: min={lo}, max={hi}")
    counts, _ = np.histogram(a[~np.isnan(a)], bins=bins, range=(lo, hi))
    return Tensor._wrap(counts.astype(a.dtype))


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: int | None = None) -> Any:  # fmt: skip
    """The distinct values (sorted), optionally with each element's index into them and
    their counts; with ``dim``, the distinct slices along it.

    Example:
        >>> retrograd.unique(retrograd.tensor([3, 1, 3]))
        tensor([1, 3])
    """
    a = input._data
    axis = None if dim is None else _wrap_dim(dim, a.ndim)
    vals, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=axis)
    out = [Tensor._wrap(vals)]
    if return_inverse:
        shape = a.shape if axis is None else (a.shape[axis],)
        out.append(Tensor._wrap(inverse.reshape(shape).astype(np.int64)))
    if return_counts:
        out.append(Tensor._wrap(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """Running ``log(cumsum(exp(input)))`` along ``dim``, without overflow.

    Example:
        >>> retrograd.logcumsumexp(retrograd.tensor([0.0, 0.0]), 0)
        tensor([0.0000, 0.6931])
    """
    if input._data.dtype.kind not in "fcV":
        raise NotImplementedError(
            f'"logcumsumexp" not implemented for {input.dtype.name.capitalize()}: use a '
            "floating dtype"
        )
    return apply(P.Logcumsumexp, input, dim=_wrap_dim(dim, input._data.ndim))


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile_positions(q: np.ndarray, n: int, interpolation: str) -> tuple[Any, Any, Any]:
    """Indices below and above each quantile's rank among ``n`` sorted values, and the
    weight of the one above."""
    rank = q * (n - 1)
    lo, hi = np.floor(rank), np.ceil(rank)
    if interpolation == "lower":
        hi = lo
    elif interpolation == "higher":
        lo = hi
    elif interpolation == "nearest":
        lo = hi = np.round(rank)  # half to even, as torch.round
    weight = {"linear": rank - lo, "midpoint": np.where(hi > lo, 0.5, 0.0)}.get(interpolation)
    return lo.astype(np.int64), hi.astype(np.int64), weight


def quantile(input: Tensor, q: Any, dim: int | None = None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Tensor:  # fmt: skip
    """The ``q``-quantiles of ``input`` (all elements, or along ``dim``); a 1-D ``q`` puts
    its dimension first. A NaN in a slice makes its quantiles NaN.

    Example:
        >>> retrograd.quantile(retrograd.tensor([1.0, 2.0, 3.0, 4.0]), 0.5)
        tensor(2.5000)
    """
    if input._data.dtype not in (np.float32, np.float64):  # PyTorch: no half precision
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if isinstance(q, Tensor) and q._data.dtype != input._data.dtype:
        raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
    qa = np.asarray(q._data if isinstance(q, Tensor) else q, np.float64)
    if qa.ndim > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if qa.size and (np.isnan(qa).any() or qa.min() < 0 or qa.max() > 1):
        raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q}")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(
            "quantile() interpolation must be one of linear, lower, higher, midpoint or "
            f"nearest, but got {interpolation}"
        )
    x = input.reshape(-1) if dim is None else input
    d = 0 if dim is None else _wrap_dim(dim, x._data.ndim)
    if x._data.ndim == 0:
        x, d = x.reshape(1), 0
    if x._data.shape[d] == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    nd = x._data.ndim
    s = sort(x, d).values.permute([i for i in range(nd) if i != d] + [d])
    n = s._data.shape[-1]
    lo, hi, w = _quantile_positions(qa.reshape(-1), n, interpolation)
    rows = s._data.shape[:-1] + (lo.size,)
    has_nan = np.isnan(s._data).any(-1, keepdims=True)  # a NaN (sorted last) is the answer
    lo_i = Tensor._wrap(np.where(has_nan, n - 1, np.broadcast_to(lo, rows)))
    hi_i = Tensor._wrap(np.where(has_nan, n - 1, np.broadcast_to(hi, rows)))
    from .shape_ops import gather

    out = gather(s, -1, lo_i)
    if w is not None:
        out = out + (gather(s, -1, hi_i) - out) * Tensor._wrap(w.astype(s._data.dtype))
    if keepdim:
        out = out.reshape((1,) * input._data.ndim + (lo.size,)) if dim is None else out.unsqueeze(d)
    out = out.permute([out._data.ndim - 1] + list(range(out._data.ndim - 1)))
    return out.squeeze(0) if qa.ndim == 0 else out


# functions whose PyTorch form takes out= (they declare no ``out`` themselves; _out.py
# wraps them), checked against PyTorch in tests/test_ops_kwargs.py
_TAKES_OUT = (
    "sum", "nansum", "mean", "nanmean", "prod", "amax", "amin", "aminmax", "max", "min",
    "argmax", "argmin", "all", "any", "var", "std", "norm", "vector_norm", "matrix_norm",
    "linalg_norm",
    "logsumexp", "softmax", "log_softmax", "cumsum", "cumprod", "cummax", "cummin",
    "logcumsumexp", "median", "mode", "kthvalue", "quantile", "sort", "topk", "histc",
)  # fmt: skip
