"""Row gather and row scatter-sum: the primitives behind embedding and embedding_bag.

``Gather`` picks rows of a table (``table[index] * scale``); ``ScatterRows`` is its
transpose, summing ``scale``-weighted rows into a ``(num, ...)`` table (rows whose index is
-1 are dropped). Each one's vjp is the other, so derivatives of every order work.

``Embedding`` is a gather whose vjp is not the true transpose, as in PyTorch: the padding
row gets no gradient and ``freq`` (``scale_grad_by_freq``) divides each row's gradient by
how often it was looked up. Its vjp, ``EmbeddingDenseBackward``, differentiates as
PyTorch's ``embedding_dense_double_backward``: a gather with the padding rows zeroed and no
frequency scaling.
"""

from __future__ import annotations

from typing import Any

import numpy as np

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
