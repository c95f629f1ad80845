"""The primitives of the norm layers and embeddings: row gather and scatter-sum, and the
fused normalization.

``Gather`` picks rows of a table (``table[index] * scale``); ``ScatterRows`` is its
transpose, summing ``scale``-weighted rows into a ``(num, ...)`` table (rows whose index is
-1 are dropped). Each one's vjp is the other, so derivatives of every order work.

``Embedding`` is a gather whose vjp is not the true transpose, as in PyTorch: the padding
row gets no gradient and ``freq`` (``scale_grad_by_freq``) divides each row's gradient by
how often it was looked up. Its vjp, ``EmbeddingDenseBackward``, differentiates as
PyTorch's ``embedding_dense_double_backward``: a gather with the padding rows zeroed and no
frequency scaling.

``Normalize`` standardizes over some axes and applies an optional affine in one pass: the
forward of layer, batch, instance and group norm (``NativeLayerNorm``/``NativeBatchNorm``
carry PyTorch's node names).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.grad_mode import state as _grad_state
from ._core import Ctx, Primitive, apply


class _SelfJvp(Primitive):
    """Linear in its one input: the jvp is the primitive applied to the tangent."""

    @classmethod
    def jvp(cls, ctx: Ctx, t: Any) -> Any:
        return apply(cls, t, **ctx.params)


def _gather(table: np.ndarray, index: np.ndarray, scale: np.ndarray | None) -> np.ndarray:
    out = np.take(table, index, axis=0)
    if scale is not None:
        out = out * scale.reshape(scale.shape + (1,) * (out.ndim - scale.ndim))
    return out.astype(table.dtype, copy=False)


def _scatter(g: np.ndarray, index: np.ndarray, num: int, scale: np.ndarray | None) -> np.ndarray:
    rows = g.reshape(index.size, *g.shape[index.ndim :])
    idx = index.reshape(-1)
    if scale is not None:
        w = scale.reshape((-1,) + (1,) * (rows.ndim - 1))
        rows = (rows * w).astype(g.dtype, copy=False)
    out = np.zeros((num, *rows.shape[1:]), g.dtype)
    if idx.size:
        # sort, then one reduceat: vectorised, and far faster than np.add.at
        order = np.argsort(idx, kind="stable")
        sidx = idx[order]
        starts = np.concatenate(([0], np.flatnonzero(sidx[1:] != sidx[:-1]) + 1))
        sums = np.add.reduceat(rows[order], starts, axis=0)
        uniq = sidx[starts]
        keep = uniq >= 0
        out[uniq[keep]] = sums[keep]
    return out


def _kept(index: np.ndarray, scale: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Dropped (-1) positions gathered from row 0 with weight 0."""
    if not (index < 0).any():
        return index, scale
    mask = (index >= 0).astype(np.float64)
    return np.where(index >= 0, index, 0), mask if scale is None else mask * scale


class Gather(_SelfJvp):
    """``table[index] * scale`` (``scale`` per looked-up row, or None)."""

    @staticmethod
    def forward(ctx: Ctx, table: np.ndarray, index: np.ndarray, num: int,
                scale: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
        return _gather(table, index, scale)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return apply(ScatterRows, g, **ctx.params)


class ScatterRows(_SelfJvp):
    """A ``(num, ...)`` table whose row ``v`` sums ``scale[i] * rows[i]`` over
    ``index[i] == v``: the transpose of ``Gather``, and embedding_bag's bag sum."""

    @staticmethod
    def forward(ctx: Ctx, g: np.ndarray, index: np.ndarray, num: int,
                scale: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
        return _scatter(g, index, num, scale)

    @staticmethod
    def vjp(ctx: Ctx, gg: Any) -> Any:
        p = ctx.params
        index, scale = _kept(p["index"], p["scale"])
        return apply(Gather, gg, index=index, num=p["num"], scale=scale)


def _embedding_scale(index: np.ndarray, num: int, pad: int, freq: bool) -> np.ndarray | None:
    """Each looked-up row's gradient weight: 0 at the padding row, 1 / count with freq."""
    if pad < 0 and not freq:
        return None
    scale = (index != pad).astype(np.float64)
    if freq:
        scale = scale / np.bincount(index.reshape(-1), minlength=num)[index]
    return scale


class Embedding(_SelfJvp):
    """``weight[index]``; ``pad`` (-1 for none) and ``freq`` shape only its gradient."""

    @staticmethod
    def forward(ctx: Ctx, weight: np.ndarray, index: np.ndarray, num: int, pad: int,
                freq: bool) -> np.ndarray:  # fmt: skip
        return np.take(weight, index, axis=0)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return apply(EmbeddingDenseBackward, g, **ctx.params)


class EmbeddingDenseBackward(_SelfJvp):
    """The weight gradient of ``Embedding``: rows of ``g`` summed per looked-up index."""

    @staticmethod
    def forward(ctx: Ctx, g: np.ndarray, index: np.ndarray, num: int, pad: int,
                freq: bool) -> np.ndarray:  # fmt: skip
        return _scatter(g, index, num, _embedding_scale(index, num, pad, freq))

    @staticmethod
    def vjp(ctx: Ctx, gg: Any) -> Any:
        p = ctx.params
        index, pad = p["index"], p["pad"]
        mask = None if pad < 0 else (index != pad).astype(np.float64)
        return apply(Gather, gg, index=index, num=p["num"], scale=mask)


# ---------------------------------------------------------------------------- normalization


def _center(x: np.ndarray, axes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``x - mean``, the mean and the biased variance over ``axes`` (kept as size-1 dims)."""
    mean = x.mean(axes, keepdims=True)
    xc = x - mean
    return xc, mean, np.mean(xc * xc, axes, keepdims=True)


class Normalize(Primitive):
    """``(x - mean) / sqrt(var + eps) * weight + bias``, the statistics over ``axes`` (the
    biased variance). ``weight`` and ``bias`` are shaped to broadcast against ``x``; where
    the caller has none it passes a 0-d placeholder and ``has_w``/``has_b`` False. Outputs
    ``(out, mean, var)``; only ``out`` is differentiable.

    Low-precision inputs are computed in float32 and rounded once, as PyTorch's CPU kernels.
    The vjp runs in NumPy from the saved statistics unless the backward is itself recorded
    (``create_graph``): then it is the same formula in Tensor ops, so every order works.
    """

    save_inputs = (0, 1)
    differentiable_outputs = (0,)

    @staticmethod
    def forward(ctx: Ctx, x: np.ndarray, w: np.ndarray, b: np.ndarray, axes: tuple[int, ...],
                eps: float, has_w: bool, has_b: bool) -> tuple[np.ndarray, ...]:  # fmt: skip
        xf = x if x.dtype.itemsize >= 4 else x.astype(np.float32)
        out, mean, var = _center(xf, axes)
        rstd = 1.0 / np.sqrt(var + eps)
        out *= rstd  # in place: every full-size temporary costs a pass over memory
        if has_w:
            out *= w
        if has_b:
            out += b
        ctx.mean, ctx.rstd = mean, rstd
        return out.astype(x.dtype, copy=False), mean.astype(x.dtype), var.astype(x.dtype)

    @staticmethod
    def vjp(ctx: Ctx, g: Any, *_: Any) -> Any:
        x, w = ctx.saved_tensors
        if not ctx.params["has_w"]:
            w = None
        if _grad_state.enabled:
            return _normalize_vjp_graph(ctx, g, x, w)
        return _normalize_vjp_numpy(ctx, g, x, w)

    @staticmethod
    def jvp(ctx: Ctx, tx: Any, tw: Any, tb: Any) -> Any:
        p = ctx.params
        x, w = ctx.inputs[0], ctx.inputs[1]
        axes, eps = p["axes"], p["eps"]
        mean = x.mean(axes, keepdim=True)
        rstd = (x.var(axes, correction=0, keepdim=True) + eps).rsqrt()
        xhat = (x - mean) * rstd
        terms = []
        if tx is not None:
            t = _normalize_transpose(tx, xhat, rstd, axes)
            terms.append(t * w if p["has_w"] else t)
        if tw is not None and p["has_w"]:
            terms.append(xhat * tw)
        if tb is not None and p["has_b"]:
            terms.append(tb.expand(x.shape))
        out = terms[0] if terms else x.new_zeros(x.shape)
        for t in terms[1:]:
            out = out + t
        return out, None, None


def _normalize_transpose(gxhat: Any, xhat: Any, rstd: Any, axes: tuple[int, ...]) -> Any:
    """``rstd * (u - mean(u) - xhat * mean(u * xhat))``: the Jacobian of the standardization
    (it is symmetric, so this is both its vjp and its jvp)."""
    return rstd * (gxhat - gxhat.mean(axes, keepdim=True)
                   - xhat * (gxhat * xhat).mean(axes, keepdim=True))  # fmt: skip


def _normalize_vjp_graph(ctx: Ctx, g: Any, x: Any, w: Any) -> tuple[Any, Any, Any]:
    """The vjp in Tensor ops (recorded under create_graph), statistics recomputed from x."""
    axes, eps = ctx.params["axes"], ctx.params["eps"]
    mean = x.mean(axes, keepdim=True)
    rstd = (x.var(axes, correction=0, keepdim=True) + eps).rsqrt()
    xhat = (x - mean) * rstd
    need = ctx.needs_input_grad
    gx = _normalize_transpose(g if w is None else g * w, xhat, rstd, axes) if need[0] else None
    gw = g * xhat if w is not None and need[1] else None
    return gx, gw, g if need[2] else None


def _normalize_vjp_numpy(ctx: Ctx, g: Any, x: Any, w: Any) -> tuple[Any, Any, Any]:
    """The vjp on arrays from the saved statistics: nothing recorded, no recomputation."""
    axes = ctx.params["axes"]
    ga, xa = g._data, x._data
    if xa.dtype.itemsize < 4:
        ga, xa = ga.astype(np.float32), xa.astype(np.float32)
    xhat = xa - ctx.mean
    xhat *= ctx.rstd
    need = ctx.needs_input_grad
    wrap = g._wrap
    gx = gw = gb = None
    if need[0]:
        u = ga if w is None else ga * w._data
        gx = xhat * np.mean(u * xhat, axes, keepdims=True)
        gx += u.mean(axes, keepdims=True)
        np.subtract(u, gx, out=gx)
        gx *= ctx.rstd
        gx = wrap(gx.astype(x._data.dtype, copy=False))
    if w is not None and need[1]:
        gw = wrap(_sum_like(ga * xhat, w._data.shape).astype(w._data.dtype, copy=False))
    if need[2]:
        gb = wrap(_sum_like(ga, ctx.in_meta[2][0]).astype(ctx.in_meta[2][1], copy=False))
    return gx, gw, gb


def _sum_like(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``a`` down to the broadcastable ``shape`` in one NumPy call."""
    if a.shape == shape:
        return a
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1)
    return a.sum(axes).reshape(shape)


class NativeLayerNorm(Normalize):
    """``Normalize`` over the trailing dims; PyTorch's ``NativeLayerNormBackward0``."""


class NativeBatchNorm(Normalize):
    """``Normalize`` over batch and spatial dims; PyTorch's ``NativeBatchNormBackward0``."""
