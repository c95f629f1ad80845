"""Shape and indexing primitives. All are linear: each states its vjp (the transpose), and
its jvp is the primitive applied to the tangent (``Linear``). Views (``view = True``) share
memory and the version counter with their input."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._core import Ctx, Primitive, apply


class Linear(Primitive):
    """Shortcut: the jvp applies the same primitive, with the same parameters, to the
    tangents (a missing tangent of a multi-input op counts as zeros)."""

    @classmethod
    def jvp(cls, ctx: Ctx, *tangents: Any) -> Any:
        ts = [t if t is not None else x.new_zeros(x.shape) for t, x in zip(tangents, ctx.inputs)]
        return apply(cls, *ts, **ctx.params)


class Alias(Linear):
    """The same values under a new tensor (used by forward AD's make_dual/unpack_dual)."""

    view = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        return a.view()

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return g


class Reshape(Linear):
    """view/reshape; a view when NumPy can reshape without copying."""

    name = "View"
    view = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        ctx.in_shape = a.shape
        out = a.reshape(shape)
        ctx.is_view = out.size == 0 or np.may_share_memory(out, a)
        return out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return g.reshape(ctx.in_shape)


class Squeeze(Reshape):
    name = "Squeeze"


class Unsqueeze(Reshape):
    name = "Unsqueeze"


class Permute(Linear):
    view = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dims: tuple[int, ...]) -> np.ndarray:
        return a.transpose(dims)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return g.permute(tuple(np.argsort(ctx.params["dims"]).tolist()))


class Transpose(Linear):
    view = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dim0: int, dim1: int) -> np.ndarray:
        return np.swapaxes(a, dim0, dim1)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return g.transpose(ctx.params["dim0"], ctx.params["dim1"])


class T(Transpose):
    """``t()``: a transpose of a matrix, under PyTorch's node name."""

    node_name = "TBackward0"


class Expand(Linear):
    """broadcast_to; the gradient is summed back to the input's shape by apply()."""

    view = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        return np.broadcast_to(a, shape)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return g


class Index(Linear):
    """``a[idx]`` with a NumPy-ready index; a view for basic indexing, a copy otherwise.
    The gradient scatters back, adding at repeated integer indices."""

    view = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, idx: Any, basic: bool) -> np.ndarray:
        ctx.in_shape = a.shape
        ctx.is_view = basic
        out = a[idx]
        return out if basic or type(out) is np.ndarray else np.asarray(out)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        p = ctx.params
        return apply(IndexScatter, g, shape=ctx.in_shape, idx=p["idx"], basic=p["basic"])


class Select(Index):
    pass


class Slice(Index):
    pass


class IndexScatter(Linear):
    """zeros(shape) with ``g`` added at ``idx``: the transpose of ``Index``."""

    name = "IndexBackward"
    node_name = "IndexBackwardBackward0"

    @staticmethod
    def forward(ctx: Ctx, g: np.ndarray, shape: tuple[int, ...], idx: Any,
                basic: bool) -> np.ndarray:  # fmt: skip
        out = np.zeros(shape, g.dtype)
        if basic:
            out[idx] = g
        else:
            np.add.at(out, idx, g)
        return out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        p = ctx.params
        return apply(Index, g, idx=p["idx"], basic=p["basic"])


class IndexPut(Primitive):
    """``a`` with ``a[idx] = v`` (out of place); used by ``__setitem__`` and index_put."""

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, v: np.ndarray, idx: Any, basic: bool) -> np.ndarray:
        out = a.copy()
        out[idx] = v
        return out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, Any]:
        p = ctx.params
        na, nv = ctx.needs_input_grad
        ga = apply(IndexPut, g, g.new_zeros(()), **p) if na else None
        gv = apply(Index, g, idx=p["idx"], basic=p["basic"]) if nv else None
        return ga, gv

    @staticmethod
    def jvp(ctx: Ctx, ta: Any, tv: Any) -> Any:
        a, v = ctx.inputs
        ta = ta if ta is not None else a.new_zeros(a.shape)
        tv = tv if tv is not None else v.new_zeros(())
        return apply(IndexPut, ta, tv, **ctx.params)


class ViewScatter(Primitive):
    """``base`` with the view reached by ``chain`` (a tuple of (primitive, params)) replaced
    by ``src``: how an in-place change through a view rewrites the base's history.
    With ``inplace`` the base array already holds the new values and is returned as is."""

    name = "CopySlices"
    node_name = "CopySlices"

    @staticmethod
    def forward(ctx: Ctx, base: np.ndarray, src: np.ndarray, chain: tuple[Any, ...],
                inplace: bool = False) -> np.ndarray:  # fmt: skip
        if inplace:
            return base
        out = base.copy()
        _view_of(out, chain)[...] = src
        return out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, Any]:
        chain = ctx.params["chain"]
        nb, ns = ctx.needs_input_grad
        gsrc = replay_view(g, chain) if ns else None
        gb = None
        if nb:
            view = replay_view(g, chain)
            gb = apply(ViewScatter, g, view.new_zeros(view.shape), chain=chain)
        return gb, gsrc

    @staticmethod
    def jvp(ctx: Ctx, tb: Any, ts: Any) -> Any:
        base, src = ctx.inputs
        tb = tb if tb is not None else base.new_zeros(base.shape)
        ts = ts if ts is not None else src.new_zeros(src.shape)
        return apply(ViewScatter, tb, ts, chain=ctx.params["chain"])


def _view_of(arr: np.ndarray, chain: tuple[Any, ...]) -> np.ndarray:
    """Replay a view chain on a raw array (forward only)."""
    for prim, params in chain:
        arr = prim.forward(Ctx(), arr, **params)
    return arr


def replay_view(t: Any, chain: tuple[Any, ...]) -> Any:
    """Replay a view chain on a tensor, recording the graph."""
    for prim, params in chain:
        t = apply(prim, t, **params)
    return t


class Cat(Linear):
    @staticmethod
    def forward(ctx: Ctx, *arrays: np.ndarray, dim: int) -> np.ndarray:
        # legacy empty 1-D tensors take no part, as in PyTorch; their gradient is empty
        ctx.skipped = [a.ndim == 1 and a.size == 0 for a in arrays]
        ctx.sizes = [0 if s else a.shape[dim] for a, s in zip(arrays, ctx.skipped)]
        kept = [a for a, s in zip(arrays, ctx.skipped) if not s]
        return np.concatenate(kept or arrays[:1], axis=dim)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, ...]:
        dim = ctx.params["dim"]
        out, start = [], 0
        lead = (slice(None),) * dim
        for n, size, skip in zip(ctx.needs_input_grad, ctx.sizes, ctx.skipped):
            out.append(None if not n else g.new_zeros((0,)) if skip else
                       g[lead + (slice(start, start + size),)])  # fmt: skip
            start += size
        return tuple(out)


class Stack(Linear):
    @staticmethod
    def forward(ctx: Ctx, *arrays: np.ndarray, dim: int) -> np.ndarray:
        return np.stack(arrays, axis=dim)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, ...]:
        dim = ctx.params["dim"]
        lead = (slice(None),) * dim
        return tuple(g[lead + (i,)] if n else None for i, n in enumerate(ctx.needs_input_grad))


class Gather(Linear):
    """take_along_dim(a, idx, dim); the transpose is ``ScatterAdd`` into zeros."""

    save_inputs = (1,)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, idx: np.ndarray, dim: int) -> np.ndarray:
        ctx.in_shape = a.shape
        return np.take_along_axis(a, idx, axis=dim)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, None]:
        (idx,) = ctx.saved_tensors
        return apply(ScatterAddZeros, g, idx, dim=ctx.params["dim"], shape=ctx.in_shape), None

    @classmethod
    def jvp(cls, ctx: Ctx, t: Any, ti: Any) -> Any:
        return apply(Gather, t, ctx.inputs[1], **ctx.params)


class ScatterAddZeros(Linear):
    """zeros(shape) with ``g`` added along ``dim`` at ``idx``: the transpose of Gather."""

    name = "ScatterAdd"
    save_inputs = (1,)

    @staticmethod
    def forward(ctx: Ctx, g: np.ndarray, idx: np.ndarray, dim: int,
                shape: tuple[int, ...]) -> np.ndarray:  # fmt: skip
        out = np.zeros(shape, g.dtype)
        np.put_along_axis(out, idx, 0, axis=dim)  # validates idx against shape
        full = np.indices(idx.shape, sparse=True)
        where = tuple(idx if d == dim else full[d] for d in range(idx.ndim))
        np.add.at(out, where, g)
        return out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, None]:
        (idx,) = ctx.saved_tensors
        return apply(Gather, g, idx, dim=ctx.params["dim"]), None

    @classmethod
    def jvp(cls, ctx: Ctx, t: Any, ti: Any) -> Any:
        return apply(ScatterAddZeros, t, ctx.inputs[1], **ctx.params)


# ------------------------------------------------------------ the rest of the catalogue
class Split(Index):
    """Piece ``piece`` of split()/chunk(): a slice, under PyTorch's node name. Like all
    outputs of one op returning several views, it may not be changed in place while it
    requires grad (``multi_output_view``)."""

    multi_output_view = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, idx: Any, basic: bool, piece: int = 0) -> np.ndarray:
        return Index.forward(ctx, a, idx, basic)


class SplitWithSizes(Split):
    pass


class Unbind(Split):
    pass


class Flip(Index):
    pass


class IndexSelect(Index):
    pass


class Roll(Index):
    pass


class Take(Index):
    pass


class MaskedSelect(Index):
    pass


class IndexCopy(IndexPut):
    pass


class IndexFill(IndexPut):
    pass


class MaskedScatter(IndexPut):
    pass


class Repeat(Linear):
    """np.tile with one repeat count per dim (at least as many counts as dims)."""

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, repeats: tuple[int, ...]) -> np.ndarray:
        ctx.in_shape = a.shape
        return np.tile(a, repeats)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        reps = ctx.params["repeats"]
        shape = (1,) * (len(reps) - len(ctx.in_shape)) + tuple(ctx.in_shape)
        # the copies of element i along a dim sit at r * size + i: sum over r
        split = tuple(x for r, s in zip(reps, shape) for x in (r, s))
        summed = g.reshape(split).sum(tuple(range(0, len(split), 2)))
        return summed.reshape(ctx.in_shape)


def _along(idx: np.ndarray, dim: int) -> tuple[Any, ...]:
    """The fancy index that addresses ``idx`` along ``dim`` (scatter/gather semantics)."""
    full = np.indices(idx.shape, sparse=True)
    return tuple(idx if d == dim else full[d] for d in range(idx.ndim))


def _fit_to(g: Any, shape: tuple[int, ...]) -> Any:
    """A gradient for a ``src`` larger than the index it was read through: zero-padded."""
    if tuple(g.shape) == tuple(shape):
        return g
    return apply(IndexScatter, g, shape=tuple(shape),
                 idx=tuple(slice(0, s) for s in g.shape), basic=True)  # fmt: skip


class Scatter(Linear):
    """``a`` with ``src`` written along ``dim`` at ``idx`` (``src`` 0-d: a fill value)."""

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, src: np.ndarray, idx: np.ndarray,
                dim: int) -> np.ndarray:  # fmt: skip
        ctx.src_shape = src.shape
        out = a.copy()
        part = src if src.ndim == 0 else src[tuple(slice(0, s) for s in idx.shape)]
        out[_along(idx, dim)] = part
        return out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, Any]:
        p = ctx.params
        na, ns = ctx.needs_input_grad
        ga = apply(Scatter, g, g.new_zeros(()), **p) if na else None
        gs = None
        if ns:
            gs = apply(Gather, g, _const(p["idx"]), dim=p["dim"])
            gs = _fit_to(gs, ctx.src_shape) if ctx.src_shape else gs
        return ga, gs


def _const(arr: np.ndarray) -> Any:
    """An array as a tensor outside the graph (indices, masks, weights)."""
    from .._tensor import Tensor

    return Tensor._wrap(arr)


class ScatterAdd(Linear):
    """``a`` with ``src`` added along ``dim`` at ``idx``."""

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, src: np.ndarray, idx: np.ndarray,
                dim: int) -> np.ndarray:  # fmt: skip
        ctx.src_shape = src.shape
        out = a.copy()
        np.add.at(out, _along(idx, dim), src[tuple(slice(0, s) for s in idx.shape)])
        return out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, Any]:
        p = ctx.params
        na, ns = ctx.needs_input_grad
        gs = apply(Gather, g, _const(p["idx"]), dim=p["dim"]) if ns else None
        return (g if na else None), (_fit_to(gs, ctx.src_shape) if ns else None)


_IDENTITY = {"sum": 0, "mean": 0, "prod": 1}
_REDUCER = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
            "amin": np.minimum}  # fmt: skip


class ScatterReduce(Primitive):
    """scatter_reduce: ``src`` folded into ``a`` along ``dim`` at ``idx`` by ``reduce``.
    Its derivative is linear in the tangents: ``ta * A + scatter_add(ts * B)``, with the
    weights A (per element of ``a``) and B (per scattered element) of PyTorch's
    scatter_reduce_backward, so both modes share one formula."""

    save_inputs = (0, 1)
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, src: np.ndarray, idx: np.ndarray, dim: int,
                reduce: str, include_self: bool) -> np.ndarray:  # fmt: skip
        ctx.src_shape = src.shape
        where = _along(idx, dim)
        part = src[tuple(slice(0, s) for s in idx.shape)]
        out = a.copy()
        if not include_self:
            out[where] = _identity(reduce, a.dtype)
        _REDUCER[reduce].at(out, where, part)
        if reduce == "mean":
            n = _counts(a.shape, idx, dim, include_self)
            out = out // n if a.dtype.kind in "iu" else (out / n).astype(a.dtype)
        return out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, Any]:
        na, ns = ctx.needs_input_grad
        A, B = _scatter_reduce_weights(ctx.params, *ctx.saved_tensors)
        p = ctx.params
        ga = (g if A is None else g * A) if na else None
        gs = None
        if ns:
            gs = apply(Gather, g, _const(p["idx"]), dim=p["dim"])
            gs = _fit_to(gs if B is None else gs * B, ctx.src_shape)
        return ga, gs

    @staticmethod
    def jvp(ctx: Ctx, ta: Any, ts: Any) -> Any:
        p = ctx.params
        A, B = _scatter_reduce_weights(p, ctx.inputs[0], ctx.inputs[1], ctx.out)
        out = ctx.out.new_zeros(ctx.out.shape)
        if ta is not None:
            out = out + (ta if A is None else ta * A)
        if ts is not None:
            part = ts[tuple(slice(0, s) for s in p["idx"].shape)]
            part = part if B is None else part * B
            out = apply(ScatterAdd, out, part, idx=p["idx"], dim=p["dim"])
        return out


def _identity(reduce: str, dt: np.dtype) -> Any:
    if reduce in _IDENTITY:
        return _IDENTITY[reduce]
    big = np.inf if dt.kind in "fcV" else np.iinfo(dt).max
    return -big if reduce == "amax" else big


def _counts(shape: tuple[int, ...], idx: np.ndarray, dim: int, include_self: bool) -> np.ndarray:
    """How many values meet at each position (at least 1, so unscattered ones divide by 1)."""
    n = np.full(shape, int(include_self), np.int64)
    np.add.at(n, _along(idx, dim), 1)
    return np.maximum(n, 1)


def _scatter_reduce_weights(p: dict[str, Any], a: Any, src: Any, out: Any) -> tuple[Any, Any]:
    """(A, B) of ScatterReduce's derivative at ``a``, ``src`` and the result ``out``; None
    stands for ones."""
    reduce, idx, dim = p["reduce"], p["idx"], p["dim"]
    part = src[tuple(slice(0, s) for s in idx.shape)]
    A = B = None
    if reduce == "mean":
        n = _counts(a.shape, idx, dim, p["include_self"])
        inv = _const((1 / n).astype(a._data.dtype))
        A, B = inv, apply(Gather, inv, _const(idx), dim=dim)
    elif reduce in ("amax", "amin"):
        value = np.take_along_axis(out._data, idx, axis=dim)
        self_is = (a._data == out._data).astype(a._data.dtype)
        src_is = (part._data == value).astype(a._data.dtype)
        n = self_is.copy()
        np.add.at(n, _along(idx, dim), src_is)
        with np.errstate(divide="ignore", invalid="ignore"):
            A = _const(self_is / n)
            B = _const(src_is * np.take_along_axis(1 / n, idx, axis=dim))
    elif reduce == "prod":
        A, B = _prod_weights(a, part, out, p)
    if not p["include_self"]:
        A = apply(Scatter, A if A is not None else a.new_ones(a.shape), a.new_zeros(()),
                  idx=idx, dim=dim)  # fmt: skip
    return A, B


def _prod_weights(a: Any, part: Any, out: Any, p: dict[str, Any]) -> tuple[Any, Any]:
    """PyTorch's product weights: a zero factor is left out of its own partial product
    (computed again with it replaced by 1), so a single zero gets the right gradient."""
    from .._ops.elementwise_ops import where

    idx, dim = p["idx"], p["dim"]
    masked_self = a.masked_fill(a == 0, 1)
    A = apply(ScatterReduce, masked_self, part, **p) / masked_self
    src_zero = part == 0
    nz = np.zeros(a.shape, np.int64)
    np.add.at(nz, _along(idx, dim), src_zero._data)
    single = src_zero & _const(np.take_along_axis(nz, idx, axis=dim) == 1)
    masked_src_result = apply(ScatterReduce, a, part.masked_fill(single, 1), **p)
    it = _const(idx)
    B = where(single, apply(Gather, masked_src_result, it, dim=dim),
              apply(Gather, out, it, dim=dim) / part.masked_fill(src_zero, 1))  # fmt: skip
    return A, B


class IndexAdd(Linear):
    """``a`` with ``alpha * src`` added at ``idx`` along ``dim``."""

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, src: np.ndarray, idx: np.ndarray, dim: int,
                alpha: Any) -> np.ndarray:  # fmt: skip
        out = a.copy()
        np.add.at(out, (slice(None),) * dim + (idx,), src if alpha == 1 else src * alpha)
        return out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, Any]:
        p = ctx.params
        na, ns = ctx.needs_input_grad
        gs = None
        if ns:
            gs = apply(IndexSelect, g, idx=(slice(None),) * p["dim"] + (p["idx"],), basic=False)
            gs = gs if p["alpha"] == 1 else gs * p["alpha"]
        return (g if na else None), gs


class IndexPutAccumulate(Linear):
    """index_put(..., accumulate=True): ``a`` with ``v`` added at ``idx``."""

    name = "IndexPut"

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, v: np.ndarray, idx: Any) -> np.ndarray:
        out = a.copy()
        np.add.at(out, idx, v)
        return out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, Any]:
        na, nv = ctx.needs_input_grad
        gv = apply(Index, g, idx=ctx.params["idx"], basic=False) if nv else None
        return (g if na else None), gv


def _storage(a: np.ndarray) -> tuple[np.ndarray, int]:
    """The flat memory ``a`` lives in and the element offset of ``a`` within it."""
    root = a
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not root.flags.c_contiguous:
        root = a if a.flags.c_contiguous else np.ascontiguousarray(a)
    flat = root.reshape(-1).view(a.dtype)
    off = a.__array_interface__["data"][0] - flat.__array_interface__["data"][0]
    return flat, off // a.itemsize if flat.size else 0


def _positions(shape: tuple[int, ...], strides: tuple[int, ...], offset: int) -> np.ndarray:
    """The storage position of every element of a strided layout."""
    pos = np.full(shape, offset, np.int64)
    for d, (n, st) in enumerate(zip(shape, strides)):
        pos += (np.arange(n, dtype=np.int64) * st).reshape((n,) + (1,) * (len(shape) - d - 1))
    return pos


class AsStrided(Primitive):
    """A view with the given sizes and strides (in elements) over the input's memory. The
    gradient goes through the memory: output gradients add up at each position, and each
    input element reads its position (shared by the inputs that overlap there)."""

    view = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, size: tuple[int, ...], stride: tuple[int, ...],
                storage_offset: int | None) -> np.ndarray:  # fmt: skip
        flat, off = _storage(a)
        start = off if storage_offset is None else storage_offset
        need = start + sum((n - 1) * s for n, s in zip(size, stride)) + 1 if all(size) else 0
        if need > flat.size:
            raise RuntimeError(
                f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                f"{start}, and itemsize {a.itemsize} requiring a storage size of "
                f"{need * a.itemsize} are out of bounds for storage of size "
                f"{flat.size * a.itemsize}"
            )
        in_strides = tuple(s // a.itemsize for s in a.strides)
        ctx.geometry = (flat.size, a.shape, in_strides, off, start)
        return np.lib.stride_tricks.as_strided(
            flat[start:], size, tuple(s * a.itemsize for s in stride)
        )

    @staticmethod
    def _maps(ctx: Ctx) -> tuple[int, np.ndarray, np.ndarray, np.ndarray | None]:
        n, shape, strides, off, start = ctx.geometry
        p = ctx.params
        in_pos = _positions(shape, strides, off)
        out_pos = _positions(p["size"], p["stride"], start)
        count = np.bincount(in_pos.ravel(), minlength=n)
        shared = count[in_pos] if count.max(initial=0) > 1 else None
        return n, in_pos, out_pos, shared

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        n, in_pos, out_pos, shared = AsStrided._maps(ctx)
        mem = apply(IndexScatter, g, shape=(n,), idx=(out_pos,), basic=False)
        ga = apply(Index, mem, idx=(in_pos,), basic=False)
        return ga if shared is None else ga / _const(shared.astype(ga._data.dtype))

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        n, in_pos, out_pos, shared = AsStrided._maps(ctx)
        if shared is not None:
            t = t / _const(shared.astype(t._data.dtype))
        mem = apply(IndexScatter, t, shape=(n,), idx=(in_pos,), basic=False)
        return apply(Index, mem, idx=(out_pos,), basic=False)


class Unfold(Linear):
    """Tensor.unfold: windows of ``size`` every ``step`` along ``dim``, as a new last dim
    (a view; read-only when windows overlap, as PyTorch refuses writes there)."""

    view = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, dim: int, size: int, step: int) -> np.ndarray:
        ctx.in_shape = a.shape
        w = np.lib.stride_tricks.sliding_window_view(a, size, axis=dim, writeable=step >= size)
        return w[(slice(None),) * dim + (slice(None, None, step),)]

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return apply(UnfoldBackward, g, in_shape=ctx.in_shape, **ctx.params)


class UnfoldBackward(Linear):
    """Windows added back into a tensor of ``in_shape``: the transpose of Unfold."""

    @staticmethod
    def forward(ctx: Ctx, g: np.ndarray, in_shape: tuple[int, ...], dim: int, size: int,
                step: int) -> np.ndarray:  # fmt: skip
        out = np.zeros(in_shape, g.dtype)
        where = (np.arange(g.shape[dim]) * step)[:, None] + np.arange(size)
        np.add.at(out, (slice(None),) * dim + (where,), np.moveaxis(g, -1, dim + 1))
        return out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        p = ctx.params
        return apply(Unfold, g, dim=p["dim"], size=p["size"], step=p["step"])


class Cdist(Primitive):
    """Pairwise p-norm distances between the rows of ``x1`` (..., P, M) and ``x2``
    (..., R, M). The rule is PyTorch's _cdist_backward: a zero distance passes no
    gradient, and for p < 1 neither does a zero coordinate difference."""

    save_inputs = (0, 1)
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, x1: np.ndarray, x2: np.ndarray, p: float) -> np.ndarray:
        diff = np.abs(x1[..., :, None, :] - x2[..., None, :, :])
        if p == 0:
            out = (diff != 0).sum(-1)
        elif p == 1:
            out = diff.sum(-1)
        elif p == 2:
            out = np.sqrt((diff * diff).sum(-1))
        elif p == np.inf:
            out = diff.max(-1, initial=0)
        else:
            out = (diff**p).sum(-1) ** (1 / p)
        return np.asarray(out, x1.dtype)

    @staticmethod
    def _weights(p: float, x1: Any, x2: Any, dist: Any) -> Any:
        """d dist[..., i, j] / d x1[..., i, k], shaped (..., P, R, M)."""
        from .._ops.elementwise_ops import where

        diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
        d = dist.unsqueeze(-1)
        zero = d == 0
        if p == 0:
            return diff.new_zeros(diff.shape)
        if p == 1:
            return diff.sign()
        if p == np.inf:
            return diff.sign() * (diff.abs() == d).to(diff.dtype)
        safe_d = where(zero, 1.0, d)  # no inf in the branch where() drops
        if p == 2:
            return where(zero, 0.0, diff / safe_d)
        if p < 2:
            flat = diff == 0
            skip = zero | flat if p < 1 else zero
            mag = where(flat, 1.0, diff.abs()) ** (p - 1)
            return where(skip, 0.0, diff.sign() * mag / safe_d ** (p - 1))
        return where(zero, 0.0, diff * diff.abs() ** (p - 2) / safe_d ** (p - 1))

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, Any]:
        x1, x2, dist = ctx.saved_tensors
        n1, n2 = ctx.needs_input_grad
        w = g.unsqueeze(-1) * Cdist._weights(ctx.params["p"], x1, x2, dist)
        return (w.sum(-2) if n1 else None), (-w.sum(-3) if n2 else None)

    @staticmethod
    def jvp(ctx: Ctx, t1: Any, t2: Any) -> Any:
        x1, x2 = ctx.inputs
        w = Cdist._weights(ctx.params["p"], x1, x2, ctx.out)
        t1 = x1.new_zeros(()) if t1 is None else t1.unsqueeze(-2)
        t2 = x2.new_zeros(()) if t2 is None else t2.unsqueeze(-3)
        return (w * (t1 - t2)).sum(-1)
