"""Pooling primitives: max pooling (with PyTorch's flat per-plane indices) and average
pooling, regular or adaptive, over the trailing spatial dims of a ``(B, *spatial)`` array.

Every window is a box, so each pooling runs axis by axis. An axis is described by a *plan*
``(pos, valid, step)``: ``pos[i, j]`` is the input position of tap ``j`` of output ``i``,
``valid[i, j]`` says whether that tap is inside the input (padding and ceil-mode overhang are
not), and ``step`` is the stride when the taps of one column are evenly spaced (so a
strided slice, a view, reads them) or None (adaptive bins: the taps are gathered). Loops
run over the few taps of a window, never over batch or spatial positions.

Max pooling's backward scatters into the flat plane at the saved indices, and that scatter's
backward gathers there, so derivatives of every order are primitives of this file.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._fpe import quiet
from ._core import Ctx, Primitive, apply
from .shape import Linear

Plan = tuple[np.ndarray, np.ndarray, "int | None"]


def _taps(x: np.ndarray, axis: int, plan: Plan, j: int) -> tuple[np.ndarray, Any]:
    """Tap ``j`` of every window along ``axis`` (and the mask of valid ones, or True)."""
    pos, valid, step = plan
    col = valid[:, j]
    lead = (slice(None),) * axis
    if step is not None and col.all():
        p0 = int(pos[0, j])
        return x[lead + (slice(p0, p0 + (len(col) - 1) * step + 1, step),)], True
    vals = np.take(x, np.clip(pos[:, j], 0, x.shape[axis] - 1), axis=axis)
    return vals, col.reshape((-1,) + (1,) * (x.ndim - axis - 1))


def _lowest(dt: np.dtype) -> Any:
    return np.iinfo(dt).min if dt.kind in "iu" else -np.inf


def _padded(x: np.ndarray, axis: int, plan: Plan, fill: Any) -> tuple[np.ndarray, Plan]:
    """``x`` padded along ``axis`` with ``fill`` so every tap of a strided plan is inside."""
    pos, valid, step = plan
    if step is None or valid.all() or not pos.size:
        return x, plan
    left, right = max(0, -int(pos.min())), max(0, int(pos.max()) - x.shape[axis] + 1)
    widths = [(0, 0)] * x.ndim
    widths[axis] = (left, right)
    xp = np.pad(x, widths, constant_values=np.asarray(fill).astype(x.dtype))
    return xp, (pos + left, np.ones_like(valid), step)


def _axis_argmax(x: np.ndarray, axis: int, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Max over each window along ``axis`` and the position it came from.

    As PyTorch's CPU kernel scans a window, a later tap wins only if strictly greater or
    NaN: ties pick the first tap, NaNs the last one; a window of -inf keeps its first valid
    tap."""
    pos, valid, _ = plan
    if not len(pos):  # an output size of 0
        empty = np.take(x, np.zeros(0, np.int64), axis=axis)
        return empty, empty.astype(np.int64)
    shape = (-1,) + (1,) * (x.ndim - axis - 1)
    nan_aware = x.dtype.kind not in "iub" and bool(np.isnan(x).any())
    if pos.shape[1] >= 8 and not nan_aware and _tiles(x.shape[axis], plan):
        # long disjoint tiles: one reduction (np.argmax also keeps the first of ties)
        tiles = x.reshape(x.shape[:axis] + pos.shape + x.shape[axis + 1 :])
        tap_t = np.argmax(tiles, axis=axis + 1)
        best = np.take_along_axis(tiles, np.expand_dims(tap_t, axis + 1), axis + 1)
        return best.squeeze(axis + 1), pos[:, 0].reshape(shape) + tap_t
    first_tap = np.argmax(valid, axis=1)
    best = np.take(x, pos[np.arange(len(pos)), first_tap], axis=axis)
    # the winning tap number, small ints: cheaper to update than positions
    small = np.int16 if pos.shape[1] < 2**15 else np.int64
    tap = np.broadcast_to(first_tap.astype(small).reshape(shape), best.shape).copy()
    # padding of the lowest value never wins a strict comparison: pad once and read every
    # tap as a strided slice
    x, plan = _padded(x, axis, plan, _lowest(x.dtype))
    win = np.empty(best.shape, bool)
    step = np.empty(best.shape, small)
    for j in range(pos.shape[1]):
        vals, ok = _taps(x, axis, plan, j)
        with quiet():
            np.greater(vals, best, out=win)
            if nan_aware:
                win |= np.isnan(vals)
        if ok is not True:
            win &= ok
        if ok is True and not nan_aware:
            np.maximum(best, vals, out=best)  # no NaN here: the same values, unmasked
        else:
            np.copyto(best, vals, where=win)
        # taps come in increasing order, so max(tap, win * j) sets tap = j where j won
        np.multiply(win, small(j), out=step)
        np.maximum(tap, step, out=tap)
    # the taps of a window are evenly spaced: position = first + tap * spacing
    spacing = int(pos[0, 1] - pos[0, 0]) if pos.shape[1] > 1 else 0
    return best, pos[:, 0].reshape(shape) + tap.astype(np.int64) * spacing


def max_pool_forward(x: np.ndarray, plans: tuple[Plan, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Max over boxes of the trailing ``len(plans)`` dims, with flat per-plane indices."""
    d = len(plans)
    sp = x.shape[x.ndim - d :]
    flat: np.ndarray | None = None
    vals = x
    for k in range(d - 1, -1, -1):  # last axis first: the flat index is built up from it
        axis = x.ndim - d + k
        vals, at = _axis_argmax(vals, axis, plans[k])
        if flat is not None:
            flat = at * int(np.prod(sp[k + 1 :])) + np.take_along_axis(flat, at, axis=axis)
        else:
            flat = at
    assert flat is not None
    return vals, flat.astype(np.int64, copy=False)


def max_pool_values(x: np.ndarray, plans: tuple[Plan, ...]) -> np.ndarray:
    """Only the maxima of max pooling (no indices: nothing will differentiate it). NaN wins
    a window as in PyTorch, since np.maximum propagates it."""
    d = len(plans)
    for k in range(d - 1, -1, -1):
        axis, plan = x.ndim - d + k, plans[k]
        pos = plan[0]
        if not len(pos) or not pos.shape[1]:
            x = np.take(x, np.zeros(0, np.int64), axis=axis)
            continue
        if pos.shape[1] >= 8 and _tiles(x.shape[axis], plan):
            x = x.reshape(x.shape[:axis] + pos.shape + x.shape[axis + 1 :]).max(axis + 1)
            continue
        low = _lowest(x.dtype)
        xp, plan = _padded(x, axis, plan, low)
        best: np.ndarray | None = None
        for j in range(pos.shape[1]):
            vals, ok = _taps(xp, axis, plan, j)
            if ok is not True:
                vals = np.where(ok, vals, np.asarray(low).astype(x.dtype))
            best = vals.copy() if best is None else np.maximum(best, vals, out=best)
        assert best is not None
        x = best
    return x


def _planes(shape: tuple[int, ...], d: int) -> tuple[int, int]:
    """(number of planes, elements per plane) of an array whose trailing ``d`` dims pool."""
    per = int(np.prod(shape[len(shape) - d :], dtype=np.int64))
    return int(np.prod(shape[: len(shape) - d], dtype=np.int64)), per


def _gather_planes(t: np.ndarray, idx: np.ndarray, d: int) -> np.ndarray:
    """Each plane of ``t`` (its trailing ``d`` dims, flattened) read at ``idx``'s flat
    indices."""
    b, per = _planes(t.shape, d)
    rows = t.reshape((b, per))
    out = np.take_along_axis(rows, idx.reshape((b, _planes(idx.shape, d)[1])), axis=1)
    return out.reshape(idx.shape)


def _scatter_planes(g: np.ndarray, idx: np.ndarray, in_shape: tuple[int, ...], d: int,
                    overlap: bool) -> np.ndarray:  # fmt: skip
    """zeros(in_shape) with ``g`` added into each plane at ``idx``'s flat indices."""
    b, per = _planes(in_shape, d)
    flat = (
        idx.reshape((b, _planes(idx.shape, d)[1])) + (np.arange(b, dtype=np.int64) * per)[:, None]
    )
    if not overlap:  # disjoint windows: every index is hit at most once
        out = np.zeros(b * per, g.dtype)
        out[flat.ravel()] = g.ravel()
        return out.reshape(in_shape)
    # bincount adds in float64 and is much faster than np.add.at
    summed = np.bincount(flat.ravel(), g.ravel().astype(np.float64), b * per)
    return summed.astype(g.dtype).reshape(in_shape)


def _tensor(a: np.ndarray) -> Any:
    from .._tensor import Tensor

    return Tensor._wrap(a)


class MaxPool2DWithIndices(Primitive):
    """Max pooling over boxes of the trailing ``len(plans)`` dims: the values and the flat
    per-plane int64 indices of the chosen elements. ``overlap``: whether windows can share
    elements (the backward then adds up several gradients at one index)."""

    @staticmethod
    def forward(ctx: Ctx, x: np.ndarray, plans: tuple[Plan, ...],
                overlap: bool) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        vals, idx = max_pool_forward(x, plans)
        ctx.in_shape, ctx.idx, ctx.d = x.shape, idx, len(plans)
        return vals, idx

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any, gi: Any) -> Any:
        return apply(_BACKWARD[cls], g, _tensor(ctx.idx), in_shape=ctx.in_shape, d=ctx.d,
                     overlap=ctx.params["overlap"])  # fmt: skip

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> tuple[Any, None]:
        return apply(PlaneGather, t, _tensor(ctx.idx), d=ctx.d), None


class MaxPool3DWithIndices(MaxPool2DWithIndices):
    pass


class AdaptiveMaxPool2D(MaxPool2DWithIndices):
    pass


class AdaptiveMaxPool3D(MaxPool2DWithIndices):
    pass


def _fractional_forward(x: np.ndarray, starts: tuple[np.ndarray, ...],
                        pool: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Max over boxes of size ``pool`` starting, per plane, at ``starts[k][plane, i]``
    (fractional max pooling), with PyTorch's first-tie and last-NaN picks."""
    d = len(pool)
    lead = x.shape[: x.ndim - d]
    sp = x.shape[x.ndim - d :]
    vals = x.reshape((-1,) + sp)
    nan_aware = x.dtype.kind not in "iub" and bool(np.isnan(x).any())
    flat: np.ndarray | None = None
    for k in range(d - 1, -1, -1):  # last axis first, as max_pool_forward
        axis = 1 + k
        st = starts[k].reshape((-1,) + (1,) * k + (starts[k].shape[-1],) + (1,) * (d - k - 1))
        shape = vals.shape[:axis] + (st.shape[axis],) + vals.shape[axis + 1 :]
        best = np.take_along_axis(vals, np.broadcast_to(st, shape), axis)
        tap = np.zeros(shape, np.int16)
        for j in range(1, pool[k]):
            v = np.take_along_axis(vals, np.broadcast_to(st + j, shape), axis)
            with quiet():
                win = v > best
                if nan_aware:
                    win |= np.isnan(v)
            np.copyto(best, v, where=win)
            np.maximum(tap, win * np.int16(j), out=tap)
        at = st + tap
        if flat is not None:
            flat = at * int(np.prod(sp[k + 1 :])) + np.take_along_axis(flat, at, axis=axis)
        else:
            flat = at
        vals = best
    assert flat is not None
    return vals.reshape(lead + vals.shape[1:]), flat.astype(np.int64).reshape(lead + vals.shape[1:])


class FractionalMaxPool2D(MaxPool2DWithIndices):
    """Fractional max pooling: boxes of size ``pool`` at pseudo-random, per-plane starts."""

    @staticmethod
    def forward(ctx: Ctx, x: np.ndarray, starts: tuple[np.ndarray, ...], pool: tuple[int, ...],
                overlap: bool) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        vals, idx = _fractional_forward(x, starts, pool)
        ctx.in_shape, ctx.idx, ctx.d = x.shape, idx, len(pool)
        return vals, idx


class FractionalMaxPool3D(FractionalMaxPool2D):
    pass


class PlaneGather(Linear):
    """Each plane of ``t`` read at flat indices: the tangent of max pooling and the
    transpose of ``PlaneScatter``."""

    save_inputs = (1,)

    @staticmethod
    def forward(ctx: Ctx, t: np.ndarray, idx: np.ndarray, d: int) -> np.ndarray:
        ctx.in_shape = t.shape
        return _gather_planes(t, idx, d)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, None]:
        (idx,) = ctx.saved_tensors
        return apply(PlaneScatter, g, idx, in_shape=ctx.in_shape, d=ctx.params["d"],
                     overlap=True), None  # fmt: skip

    @classmethod
    def jvp(cls, ctx: Ctx, t: Any, ti: Any) -> Any:
        return apply(cls, t, ctx.inputs[1], **ctx.params)


class PlaneScatter(Linear):
    """zeros(in_shape) with ``g`` added into each plane at the flat indices ``idx``: the
    backward of max pooling; its own backward gathers."""

    save_inputs = (1,)

    @staticmethod
    def forward(ctx: Ctx, g: np.ndarray, idx: np.ndarray, in_shape: tuple[int, ...], d: int,
                overlap: bool) -> np.ndarray:  # fmt: skip
        return _scatter_planes(g, idx, in_shape, d, overlap)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, None]:
        (idx,) = ctx.saved_tensors
        return apply(PlaneGather, g, idx, d=ctx.params["d"]), None

    @classmethod
    def jvp(cls, ctx: Ctx, t: Any, ti: Any) -> Any:
        return apply(cls, t, ctx.inputs[1], **ctx.params)


def _backward_named(fwd: type[Primitive]) -> type[PlaneScatter]:
    # PyTorch names the node of a max-pool backward after the forward
    # (MaxPool2DWithIndicesBackwardBackward0)
    return type(fwd.name + "Backward", (PlaneScatter,), {"__doc__": PlaneScatter.__doc__})


_BACKWARD: dict[type[Primitive], type[PlaneScatter]] = {
    c: _backward_named(c)
    for c in (
        MaxPool2DWithIndices,
        MaxPool3DWithIndices,
        AdaptiveMaxPool2D,
        AdaptiveMaxPool3D,
        FractionalMaxPool2D,
        FractionalMaxPool3D,
    )
}


# ------------------------------------------------------------------------ average pooling


def _tiles(n: int, plan: Plan) -> bool:
    """Whether the windows are consecutive, disjoint and cover all ``n`` positions."""
    pos, valid, step = plan
    return (
        step is not None
        and step == pos.shape[1] == n // max(len(pos), 1)
        and (len(pos) * step == n and int(pos[0, 0]) == 0 and bool(valid.all()))
    )


def _axis_sum(x: np.ndarray, axis: int, plan: Plan) -> np.ndarray:
    """Sum over each window along ``axis`` (invalid taps count as zeros)."""
    if plan[0].shape[1] >= 8 and _tiles(x.shape[axis], plan):  # long tiles: one reshaped sum
        out, k = plan[0].shape
        return x.reshape(x.shape[:axis] + (out, k) + x.shape[axis + 1 :]).sum(axis + 1)
    x, plan = _padded(x, axis, plan, 0)
    acc: np.ndarray | None = None
    for j in range(plan[0].shape[1]):
        vals, ok = _taps(x, axis, plan, j)
        if ok is not True:
            vals = np.where(ok, vals, 0)
        if acc is None:
            acc = vals.copy()
        else:
            acc += vals
    return np.take(x, np.zeros(0, np.int64), axis=axis) if acc is None else acc


def _axis_sum_t(g: np.ndarray, axis: int, n: int, plan: Plan) -> np.ndarray:
    """The transpose of ``_axis_sum``: each window's gradient added to its taps."""
    pos, valid, step = plan
    shape = g.shape[:axis] + (n,) + g.shape[axis + 1 :]
    if _tiles(n, plan):
        tiled = np.broadcast_to(np.expand_dims(g, axis + 1), g.shape[: axis + 1] + (pos.shape[1],)
                                + g.shape[axis + 1 :])  # fmt: skip
        return tiled.reshape(shape)
    out = np.zeros(shape, g.dtype)
    lead = (slice(None),) * axis
    unique = len(pos) <= n  # then the taps of one column are distinct positions
    for j in range(pos.shape[1]):
        col = valid[:, j]
        if step is not None and col.all():
            p0 = int(pos[0, j])
            out[lead + (slice(p0, p0 + (len(col) - 1) * step + 1, step),)] += g
            continue
        sel = np.flatnonzero(col)
        part = np.take(g, sel, axis=axis)
        if unique:
            out[lead + (pos[sel, j],)] += part
        else:
            np.add.at(out, lead + (pos[sel, j],), part)
    return out


def _acc(a: np.ndarray) -> np.ndarray:
    """float16/bfloat16 accumulate in float32, as PyTorch's CPU kernels."""
    return a.astype(np.float32) if a.dtype.kind in "fV" and a.dtype.itemsize < 4 else a


def _divide(s: np.ndarray, divisor: Any) -> np.ndarray:
    if s.dtype.kind in "iu":  # integer pooling divides as C++ does: toward zero
        div = np.asarray(divisor, np.int64)
        return (np.sign(s) * (np.abs(s) // div)).astype(s.dtype)
    return s / np.asarray(divisor, s.dtype)


class AvgPool2D(Linear):
    """Mean over boxes of the trailing ``len(plans)`` dims: the window sums divided by
    ``divisor`` (a number, or an array over the output's pooled dims)."""

    @staticmethod
    def forward(ctx: Ctx, x: np.ndarray, plans: tuple[Plan, ...], divisor: Any) -> np.ndarray:
        ctx.in_shape = x.shape
        s = _acc(x)
        for k in range(len(plans) - 1, -1, -1):
            s = _axis_sum(s, x.ndim - len(plans) + k, plans[k])
        with quiet():
            return _divide(s, divisor).astype(x.dtype, copy=False)

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> Any:
        return apply(_AVG_BACKWARD[cls], g, in_shape=ctx.in_shape, **ctx.params)


class AvgPool3D(AvgPool2D):
    pass


class AdaptiveAvgPool2D(AvgPool2D):
    pass


class AdaptiveAvgPool3D(AvgPool2D):
    pass


class AvgPoolBackward(Linear):
    """The transpose of average pooling: each output's gradient over ``divisor`` spread
    over its window."""

    forward_prim: type[AvgPool2D] = AvgPool2D

    @staticmethod
    def forward(ctx: Ctx, g: np.ndarray, in_shape: tuple[int, ...], plans: tuple[Plan, ...],
                divisor: Any) -> np.ndarray:  # fmt: skip
        with quiet():
            s = _divide(_acc(g), divisor)
        d = len(plans)
        for k in range(d):
            axis = g.ndim - d + k
            s = _axis_sum_t(s, axis, in_shape[axis], plans[k])
        return s.astype(g.dtype, copy=False)

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> Any:
        p = ctx.params
        return apply(cls.forward_prim, g, plans=p["plans"], divisor=p["divisor"])


_AVG_BACKWARD: dict[type[Primitive], type[AvgPoolBackward]] = {
    c: type(c.name + "Backward", (AvgPoolBackward,), {"forward_prim": c})
    for c in (AvgPool2D, AvgPool3D, AdaptiveAvgPool2D, AdaptiveAvgPool3D)
}


class MaxUnpool2D(PlaneScatter):
    """Max unpooling: zeros of ``in_shape`` with ``g`` written into each plane at ``idx``
    (a repeated index keeps one of its values, as PyTorch's CPU kernel); the gradient reads
    each plane back at ``idx``."""

    name = "MaxUnpool2D"

    @staticmethod
    def forward(ctx: Ctx, g: np.ndarray, idx: np.ndarray, in_shape: tuple[int, ...], d: int,
                overlap: bool) -> np.ndarray:  # fmt: skip
        return _scatter_planes(g, idx, in_shape, d, False)


class MaxUnpool3D(MaxUnpool2D):
    name = "MaxUnpool3D"


# ------------------------------------------------------------------------ pixel shuffle


class PixelShuffle(Linear):
    """``(*, C r^2, H, W) -> (*, C, H r, W r)``: channel ``c r^2 + i r + j`` becomes the
    sub-pixel ``(i, j)`` of channel ``c``."""

    @staticmethod
    def forward(ctx: Ctx, x: np.ndarray, r: int) -> np.ndarray:
        *lead, c, h, w = x.shape
        y = x.reshape((*lead, c // (r * r), r, r, h, w))
        n = len(lead)
        y = y.transpose((*range(n), n, n + 3, n + 1, n + 4, n + 2))
        return y.reshape((*lead, c // (r * r), h * r, w * r))

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return apply(PixelUnshuffle, g, r=ctx.params["r"])


class PixelUnshuffle(Linear):
    """``(*, C, H r, W r) -> (*, C r^2, H, W)``, the inverse of :class:`PixelShuffle`."""

    @staticmethod
    def forward(ctx: Ctx, x: np.ndarray, r: int) -> np.ndarray:
        *lead, c, h, w = x.shape
        y = x.reshape((*lead, c, h // r, r, w // r, r))
        n = len(lead)
        y = y.transpose((*range(n), n, n + 2, n + 4, n + 1, n + 3))
        return y.reshape((*lead, c * r * r, h // r, w // r))

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return apply(PixelShuffle, g, r=ctx.params["r"])


# ------------------------------------------------------------------------ interpolation
# ``taps`` gives, per trailing spatial axis, a list of (index, weight) pairs: output i of the
# axis is sum_k weight_k[i] * x[index_k[i]] (weight None: 1). Every index_k is nondecreasing
# in i (source positions move forward with the output), so the transpose adds runs of equal
# indices with np.add.reduceat instead of the slow np.add.at.

Taps = tuple[tuple[tuple[np.ndarray, "np.ndarray | None"], ...], ...]


_DENSE = 1 << 16  # axes with n_in * n_out up to this interpolate by one BLAS matmul


def _matrix(axis_taps: Any, n: int, out: int, dt: np.dtype) -> np.ndarray:
    """The axis's interpolation as a dense (out, n) matrix."""
    m = np.zeros((out, n), dt)
    rows = np.arange(out)
    for idx, w in axis_taps:
        np.add.at(m, (rows, idx), 1 if w is None else w.astype(dt, copy=False))
    return m


def _matmul_axis(x: np.ndarray, axis: int, m: np.ndarray) -> np.ndarray:
    """``m`` applied along ``axis`` of ``x`` (BLAS; no per-tap passes)."""
    lead, n, trail = x.shape[:axis], x.shape[axis], x.shape[axis + 1 :]
    if not trail:
        return (x.reshape((-1, n)) @ m.T).reshape(lead + (m.shape[0],))
    t = int(np.prod(trail))
    return np.matmul(m, x.reshape((-1, n, t))).reshape(lead + (m.shape[0],) + trail)


def _dense(x: np.ndarray, n: int, out: int) -> bool:
    # 0 * inf would spread NaN across a row: non-finite values take the tap path
    return n * out <= _DENSE and x.dtype.itemsize >= 4 and bool(np.isfinite(x).all())


def _interp(x: np.ndarray, taps: Taps) -> np.ndarray:
    d = len(taps)
    for k, axis_taps in enumerate(taps):
        axis = x.ndim - d + k
        shape = (-1,) + (1,) * (d - k - 1)
        n, o = x.shape[axis], len(axis_taps[0][0])
        if _dense(x, n, o):
            x = _matmul_axis(x, axis, _matrix(axis_taps, n, o, x.dtype))
            continue
        out: np.ndarray | None = None
        for idx, w in axis_taps:
            part = np.take(x, idx, axis=axis)
            if w is not None:
                part *= w.astype(x.dtype, copy=False).reshape(shape)
            if out is None:
                out = part
            else:
                out += part
        assert out is not None
        x = out
    return x


def _interp_t(g: np.ndarray, in_shape: tuple[int, ...], taps: Taps) -> np.ndarray:
    d = len(taps)
    for k in range(d - 1, -1, -1):
        axis = g.ndim - d + k
        shape = (-1,) + (1,) * (d - k - 1)
        n, o = in_shape[axis], g.shape[axis]
        if _dense(g, n, o):
            g = _matmul_axis(g, axis, _matrix(taps[k], n, o, g.dtype).T)
            continue
        out = np.zeros(g.shape[:axis] + (n,) + g.shape[axis + 1 :], g.dtype)
        lead = (slice(None),) * axis
        for idx, w in taps[k]:
            part = g if w is None else g * w.astype(g.dtype, copy=False).reshape(shape)
            if not len(idx):
                continue
            starts = np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])
            if len(starts) == len(idx):  # every index once: no run to add up
                out[lead + (idx,)] += part
            elif np.all(idx[1:] >= idx[:-1]):
                out[lead + (idx[starts],)] += np.add.reduceat(part, starts, axis=axis)
            else:
                np.add.at(out, lead + (idx,), part)
        g = out
    return g


class UpsampleNearest2D(Linear):
    """Separable interpolation of the trailing spatial dims by fixed taps (see above); the
    mode only names the node, as PyTorch's."""

    @staticmethod
    def forward(ctx: Ctx, x: np.ndarray, taps: Taps) -> np.ndarray:
        ctx.in_shape = x.shape
        return _interp(x, taps)

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> Any:
        return apply(_UPSAMPLE_BACKWARD[cls], g, in_shape=ctx.in_shape, **ctx.params)


class UpsampleBackward(Linear):
    """The transpose of an interpolation: each output's gradient spread over its taps."""

    forward_prim: type[UpsampleNearest2D] = UpsampleNearest2D

    @staticmethod
    def forward(ctx: Ctx, g: np.ndarray, in_shape: tuple[int, ...], taps: Taps) -> np.ndarray:
        return _interp_t(g, in_shape, taps)

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> Any:
        return apply(cls.forward_prim, g, taps=ctx.params["taps"])


_UPSAMPLE_NAMES = (
    "UpsampleNearest1D", "UpsampleNearest3D", "UpsampleNearestExact1D",
    "UpsampleNearestExact2D", "UpsampleNearestExact3D", "UpsampleLinear1D", "UpsampleBilinear2D",
    "UpsampleBicubic2D", "UpsampleTrilinear3D", "UpsampleBilinear2DAa", "UpsampleBicubic2DAa",
    "UpsampleLanczos2DAa",
)  # fmt: skip
UPSAMPLE: dict[str, type[UpsampleNearest2D]] = {"UpsampleNearest2D": UpsampleNearest2D}
UPSAMPLE.update({n: type(n, (UpsampleNearest2D,), {"name": n}) for n in _UPSAMPLE_NAMES})
_UPSAMPLE_BACKWARD: dict[type[Primitive], type[UpsampleBackward]] = {
    c: type(c.name + "Backward", (UpsampleBackward,), {"forward_prim": c})
    for c in UPSAMPLE.values()
}


class ChannelShuffle(Linear):
    """``(N, C, *) -> (N, C, *)``: the channels, read as a ``(groups, C / groups)`` grid, are
    transposed; the transpose is the shuffle with ``C / groups`` groups."""

    @staticmethod
    def forward(ctx: Ctx, x: np.ndarray, groups: int) -> np.ndarray:
        n, c, *rest = x.shape
        y = x.reshape((n, groups, c // groups, *rest)).swapaxes(1, 2)
        return y.reshape(x.shape)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return apply(ChannelShuffle, g, groups=g.shape[1] // ctx.params["groups"])
