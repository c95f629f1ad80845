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
