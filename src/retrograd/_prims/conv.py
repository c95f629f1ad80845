"""Convolution (plain and transposed, 1-d to 3-d) and im2col / col2im as primitives.

Every rule is written with these same primitives, so double backward and forward-over-reverse
come for free: the input gradient of a convolution is a transposed convolution of the output
gradient with the weight, the weight gradient is a convolution of the input with the output
gradient (batch and channel axes swapped, stride and dilation exchanged), and im2col and col2im
are each other's adjoint.

The NumPy side works on strided windows (``as_strided``) contracted with one BLAS call per
group (``tensordot``), and scatters back (col2im) with one strided add per kernel offset:
no Python loop ever runs over batch or spatial positions.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import numpy as np

from ._core import Ctx, Primitive, apply

_HALF = ("float16", "bfloat16")


def _pad_zeros(x: np.ndarray, padding: tuple[int, ...]) -> np.ndarray:
    if not any(padding):
        return x
    out = np.zeros(x.shape[:2] + tuple(n + 2 * p for n, p in zip(x.shape[2:], padding)), x.dtype)
    out[(slice(None), slice(None)) + tuple(slice(p, p + n) for n, p in
                                           zip(x.shape[2:], padding))] = x  # fmt: skip
    return out


def _out_size(size: tuple[int, ...], k: tuple[int, ...], stride: tuple[int, ...],
              padding: tuple[int, ...], dilation: tuple[int, ...]) -> tuple[int, ...]:  # fmt: skip
    return tuple((size[i] + 2 * padding[i] - dilation[i] * (k[i] - 1) - 1) // stride[i] + 1
                 for i in range(len(k)))  # fmt: skip


@functools.lru_cache(maxsize=256)
def _slices(ksize: tuple[int, ...], n_l: tuple[int, ...], stride: tuple[int, ...],
            dilation: tuple[int, ...]) -> tuple[tuple[Any, Any], ...]:  # fmt: skip
    """Pairs (index into a ``(N, C, *K, *L)`` column array, slice of the padded image) that
    together cover every (kernel offset, window) pair: window ``l`` and offset ``k`` meet at
    ``l * stride + k * dilation``. The loop runs over whichever of kernel offsets and window
    positions is fewer (a weight gradient's "kernel" is a whole feature map), so each step
    moves a whole strided block over every batch and channel at once (cached: a training
    loop asks for the same few geometries every step)."""
    nd = len(ksize)
    all_ = (slice(None), slice(None))
    if int(np.prod(ksize)) <= int(np.prod(n_l)):
        return tuple(
            (all_ + kk, all_ + tuple(
                slice(kk[i] * dilation[i], kk[i] * dilation[i] + stride[i] * (n_l[i] - 1) + 1,
                      stride[i]) for i in range(nd)))
            for kk in itertools.product(*(range(k) for k in ksize))
        )  # fmt: skip
    return tuple(
        (all_ + (Ellipsis,) + ll, all_ + tuple(
            slice(ll[i] * stride[i], ll[i] * stride[i] + dilation[i] * (ksize[i] - 1) + 1,
                  dilation[i]) for i in range(nd)))
        for ll in itertools.product(*(range(n) for n in n_l))
    )  # fmt: skip


def _im2col(xp: np.ndarray, ksize: tuple[int, ...], stride: tuple[int, ...],
            dilation: tuple[int, ...], n_l: tuple[int, ...]) -> np.ndarray:  # fmt: skip
    """The windows of a padded ``(N, C, *S)`` image as a contiguous ``(N, C, *K, *L)``."""
    cols = np.empty(xp.shape[:2] + tuple(ksize) + tuple(n_l), xp.dtype)
    for dst, src in _slices(ksize, n_l, stride, dilation):
        cols[dst] = xp[src]
    return cols


def _col2im(cols: np.ndarray, full: tuple[int, ...], stride: tuple[int, ...],
            dilation: tuple[int, ...]) -> np.ndarray:  # fmt: skip
    """Sum columns ``(N, C, *K, *L)`` back into a ``(N, C, *full)`` image (im2col's adjoint)."""
    nd = len(full)
    ksize, n_l = cols.shape[2 : 2 + nd], cols.shape[2 + nd :]
    out = np.zeros(cols.shape[:2] + tuple(full), cols.dtype)
    for src, dst in _slices(ksize, n_l, stride, dilation):
        out[dst] += cols[src]
    return out


def _compute_dtype(a: np.ndarray) -> np.dtype:
    # NumPy's 16-bit matmuls are slow or missing; PyTorch's CPU kernels accumulate in float32
    return np.dtype(np.float32) if a.dtype.name in _HALF else a.dtype


def _conv_np(x: np.ndarray, w: np.ndarray, stride: tuple[int, ...], padding: tuple[int, ...],
             dilation: tuple[int, ...], groups: int) -> np.ndarray:  # fmt: skip
    n, c = x.shape[:2]
    o, ksize = w.shape[0], w.shape[2:]
    n_l = _out_size(x.shape[2:], ksize, stride, padding, dilation)
    cols = _im2col(_pad_zeros(x, padding), ksize, stride, dilation, n_l)
    # one batched BLAS product per sample and group: (Og, Cg*K) @ (Cg*K, L), landing
    # straight in the (N, O, *L) layout
    ck, n_cols = c // groups * int(np.prod(ksize)), int(np.prod(n_l))
    if groups == 1:
        out = np.matmul(w.reshape(o, ck), cols.reshape(n, ck, n_cols))
    else:
        w2 = w.reshape(groups, o // groups, ck)
        out = np.matmul(w2, cols.reshape(n, groups, ck, n_cols))
    return out.reshape((n, o) + n_l)


def _conv_transpose_np(x: np.ndarray, w: np.ndarray, stride: tuple[int, ...],
                       padding: tuple[int, ...], dilation: tuple[int, ...],
                       output_padding: tuple[int, ...], groups: int) -> np.ndarray:  # fmt: skip
    nd = x.ndim - 2
    n, c = x.shape[:2]
    ksize, n_in = w.shape[2:], x.shape[2:]
    cg, og = c // groups, w.shape[1]
    # columns (N, g, Og*K, L) = W_g^T @ x_g, then scattered back by col2im
    wt = w.reshape(groups, cg, og * int(np.prod(ksize))).transpose(0, 2, 1)
    cols = np.matmul(wt, x.reshape(n, groups, cg, int(np.prod(n_in))))
    cols = cols.reshape((n, groups * og) + ksize + n_in)
    out_sp = tuple((n_in[i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (ksize[i] - 1)
                   + 1 + output_padding[i] for i in range(nd))  # fmt: skip
    # the scatter's extent, widened when output_padding reaches past the last window
    full = tuple(max((n_in[i] - 1) * stride[i] + dilation[i] * (ksize[i] - 1) + 1,
                     padding[i] + out_sp[i]) for i in range(nd))  # fmt: skip
    img = _col2im(cols, full, stride, dilation)
    if full == out_sp:
        return img
    crop = tuple(slice(padding[i], padding[i] + out_sp[i]) for i in range(nd))
    return np.ascontiguousarray(img[(slice(None), slice(None)) + crop])


class Convolution(Primitive):
    """``convolution(input, weight[, bias])``: N-d convolution or transposed convolution.

    Params: ``stride``, ``padding``, ``dilation``, ``output_padding`` (tuples, one per spatial
    dim; padding symmetric), ``transposed`` and ``groups``. Shapes are checked by the caller.
    """

    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx: Ctx, x: np.ndarray, w: np.ndarray, *bias: np.ndarray, stride: Any,
                padding: Any, dilation: Any, transposed: bool, output_padding: Any,
                groups: int) -> np.ndarray:  # fmt: skip
        dt = x.dtype
        cdt = _compute_dtype(x)
        xc, wc = x.astype(cdt, copy=False), w.astype(cdt, copy=False)
        if transposed:
            out = _conv_transpose_np(xc, wc, stride, padding, dilation, output_padding, groups)
        else:
            out = _conv_np(xc, wc, stride, padding, dilation, groups)
        if bias:
            out += bias[0].astype(cdt, copy=False).reshape((1, -1) + (1,) * (x.ndim - 2))
        return out if out.dtype == dt else out.astype(dt)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, ...]:
        x, w = ctx.saved_tensors
        if x.is_complex():  # PyTorch's convention: the gradient pairs with conjugates
            x, w = x.conj(), w.conj()
        p = ctx.params
        needs = ctx.needs_input_grad
        gx = gw = None
        if p["transposed"]:
            if needs[0]:
                gx = _fit(conv(g, w, **{**p, "transposed": False}), x.shape)
            if needs[1]:
                gw = _weight_grad(g, x, w.shape, p)
        else:
            if needs[0]:
                gx = conv_transpose_to(g, w, x.shape, p)
            if needs[1]:
                gw = _weight_grad(x, g, w.shape, p)
        if len(needs) == 2:
            return gx, gw
        gb = g.sum([0, *range(2, g.dim())]) if needs[2] else None
        return gx, gw, gb

    @staticmethod
    def jvp(ctx: Ctx, tx: Any, tw: Any, *tb: Any) -> Any:
        x, w = ctx.inputs[:2]
        p = ctx.params
        out = None
        if tx is not None:
            out = conv(tx, w, **p)
        if tw is not None:
            o = conv(x, tw, **p)
            out = o if out is None else out + o
        if tb and tb[0] is not None:
            b = tb[0].reshape((1, -1) + (1,) * (x.dim() - 2))
            out = b.expand(ctx.out.shape) if out is None else out + b
        return out


def conv(x: Any, w: Any, b: Any = None, **params: Any) -> Any:
    """Apply the Convolution primitive (``params`` as in its docstring)."""
    return apply(Convolution, x, w, **params) if b is None else apply(Convolution, x, w, b,
                                                                         **params)  # fmt: skip


def conv_transpose_to(g: Any, w: Any, shape: tuple[int, ...], p: dict[str, Any]) -> Any:
    """The transposed convolution of ``g`` with ``w`` whose output has ``shape``: the input
    gradient of the plain convolution ``p`` describes (output_padding restores the rows the
    forward's floor division dropped)."""
    ksize = w.shape[2:]
    op = tuple(shape[2 + i] - ((g.shape[2 + i] - 1) * p["stride"][i] - 2 * p["padding"][i]
                               + p["dilation"][i] * (ksize[i] - 1) + 1)
               for i in range(len(ksize)))  # fmt: skip
    return conv(g, w, **{**p, "transposed": True, "output_padding": op})


def _fit(t: Any, shape: tuple[int, ...]) -> Any:
    """Crop spatial dims that came out longer than ``shape`` (windows past the last input)."""
    for i in range(2, len(shape)):
        if t.shape[i] != shape[i]:
            t = t.narrow(i, 0, shape[i])
    return t


def _weight_grad(inp: Any, gout: Any, wshape: tuple[int, ...], p: dict[str, Any]) -> Any:
    """``G[o, c, k] = sum_{n,l} pad(inp)[n, group(o)*Cg + c, l*stride + k*dilation] *
    gout[n, o, l]``, as a convolution of ``inp`` (channels as batch, batch as channels) with
    ``gout`` as the kernel, stride and dilation exchanged. Returns ``(O, Cg, *K)``."""
    groups = p["groups"]
    n, c = inp.shape[:2]
    o = gout.shape[1]
    sp_in, sp_out = list(inp.shape[2:]), list(gout.shape[2:])
    nd = len(sp_in)
    rest = list(range(3, 3 + nd))
    if groups == 1:
        a, k = inp.transpose(0, 1), gout.transpose(0, 1)
    else:
        cg, og = c // groups, o // groups
        a = inp.reshape([n, groups, cg, *sp_in]).permute([2, 1, 0, *rest])
        a = a.reshape([cg, groups * n, *sp_in])
        k = gout.reshape([n, groups, og, *sp_out]).permute([1, 2, 0, *rest])
        k = k.reshape([o, n, *sp_out])
    r = conv(a, k, stride=p["dilation"], padding=p["padding"], dilation=p["stride"],
             transposed=False, output_padding=(0,) * nd, groups=groups)  # fmt: skip
    return _fit(r, (r.shape[0], r.shape[1], *wshape[2:])).transpose(0, 1)


class Im2Col(Primitive):
    """``unfold``: ``(N, C, *S)`` -> ``(N, C * prod(K), L)``, each column one window."""

    @staticmethod
    def forward(ctx: Ctx, x: np.ndarray, kernel_size: Any, dilation: Any, padding: Any,
                stride: Any) -> np.ndarray:  # fmt: skip
        ctx.in_size = x.shape[2:]
        n_l = _out_size(x.shape[2:], kernel_size, stride, padding, dilation)
        cols = _im2col(_pad_zeros(x, padding), kernel_size, stride, dilation, n_l)
        n_rows = x.shape[1] * int(np.prod(kernel_size))  # explicit: the batch may be empty
        return cols.reshape(x.shape[0], n_rows, int(np.prod(n_l, dtype=np.int64)))

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return apply(Col2Im, g, output_size=ctx.in_size, **ctx.params)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return apply(Im2Col, t, **ctx.params)


class Col2Im(Primitive):
    """``fold``: ``(N, C * prod(K), L)`` -> ``(N, C, *output_size)``, overlaps summed."""

    @staticmethod
    def forward(ctx: Ctx, cols: np.ndarray, output_size: Any, kernel_size: Any, dilation: Any,
                padding: Any, stride: Any) -> np.ndarray:  # fmt: skip
        nd = len(kernel_size)
        n_l = _out_size(output_size, kernel_size, stride, padding, dilation)
        c = cols.shape[1] // int(np.prod(kernel_size, dtype=np.int64))
        blocks = cols.reshape((cols.shape[0], c) + tuple(kernel_size) + n_l)
        full = tuple(output_size[i] + 2 * padding[i] for i in range(nd))
        img = _col2im(blocks, full, stride, dilation)
        crop = tuple(slice(padding[i], padding[i] + output_size[i]) for i in range(nd))
        return np.ascontiguousarray(img[(slice(None), slice(None)) + crop])

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        p = {k: v for k, v in ctx.params.items() if k != "output_size"}
        return apply(Im2Col, g, **p)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return apply(Col2Im, t, **ctx.params)


class _IndexPad(Primitive):
    """Reflect or replicate padding: gather each padded dim through an index array
    (``params["plan"]``: ``(dim, indices)`` pairs); the vjp scatters the gradient back
    with ``index_add``, so the rule itself is differentiable."""

    @staticmethod
    def forward(ctx: Ctx, x: np.ndarray, plan: Any) -> np.ndarray:
        ctx.in_shape = x.shape
        for dim, idx in plan:
            x = np.take(x, idx, axis=dim)
        return x

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        from .._ops.creation import from_numpy, zeros

        shape = list(ctx.in_shape)
        sizes = []
        for dim, idx in ctx.params["plan"]:
            sizes.append(list(shape))
            shape[dim] = len(idx)
        for (dim, idx), size in zip(reversed(ctx.params["plan"]), reversed(sizes)):
            g = zeros(size, dtype=g.dtype).index_add(dim, from_numpy(idx), g)
        return g

    @classmethod
    def jvp(cls, ctx: Ctx, t: Any) -> Any:
        return apply(cls, t, **ctx.params)


# PyTorch names the node after the mode and the number of padded dims
PAD_PRIMS = {
    (mode, n): type(f"{kind}Pad{n}D", (_IndexPad,), {"node_name": f"{kind}Pad{n}DBackward0"})
    for mode, kind in (("reflect", "Reflection"), ("replicate", "Replication"))
    for n in (1, 2, 3)
}
