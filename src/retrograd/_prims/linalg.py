"""Linear algebra primitives. ``matmul`` covers every rank combination (its subclasses only
set the node name PyTorch shows: DotBackward0, MvBackward0, MmBackward0, BmmBackward0);
``einsum`` covers general contractions; diagonals, triangles and the decompositions follow."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ._core import Ctx, Primitive, apply


class MatMul(Primitive):
    """a @ b with NumPy's (and PyTorch's) broadcasting and 1-D promotion rules."""

    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.matmul(a, b)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, Any]:
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        a1, b1 = a.ndim == 1, b.ndim == 1
        # promote 1-D operands to matrices, as the forward did, and the gradient with them
        a2 = a.unsqueeze(0) if a1 else a
        b2 = b.unsqueeze(-1) if b1 else b
        g2 = g.unsqueeze(-1) if b1 else g
        g2 = g2.unsqueeze(-2) if a1 else g2
        ga = gb = None
        if na:
            ga = g2 @ b2.mT.conj() if b2.is_complex() else g2 @ b2.mT
            ga = ga.squeeze(-2) if a1 else ga
        if nb:
            gb = a2.mT.conj() @ g2 if a2.is_complex() else a2.mT @ g2
            gb = gb.squeeze(-1) if b1 else gb
        return ga, gb

    @staticmethod
    def jvp(ctx: Ctx, ta: Any, tb: Any) -> Any:
        a, b = ctx.inputs
        out = None
        if ta is not None:
            out = ta @ b
        if tb is not None:
            out = a @ tb if out is None else out + a @ tb
        return out


class Dot(MatMul):
    pass


class Mv(MatMul):
    pass


class Mm(MatMul):
    pass


class Bmm(MatMul):
    pass


# ---------------------------------------------------------------------------- einsum
def einsum_vjp_equation(terms: list[str], out: str, i: int) -> str:
    """The equation giving operand ``i``'s gradient: the output's gradient contracted
    with every other operand. Valid because ``einsum`` hands the primitive terms in which
    each label of an operand also appears in the output or in another operand."""
    others = [t for j, t in enumerate(terms) if j != i]
    return ",".join([out] + others) + "->" + terms[i]


class Einsum(Primitive):
    """``np.einsum`` over a normalised equation: explicit output, no ellipsis, no label
    repeated within an operand, none appearing in one operand only and summed (the op
    layer takes diagonals and sums those first). Under those conditions each operand's
    gradient is itself an einsum of the output gradient with the other operands, so
    derivatives of every order stay einsums."""

    @staticmethod
    def forward(ctx: Ctx, *arrays: np.ndarray, equation: str) -> np.ndarray:
        out = np.einsum(equation, *arrays, optimize=len(arrays) > 1)
        # a permutation of one operand comes back as a view of it: the result owns its data
        return out.copy() if len(arrays) == 1 and np.may_share_memory(out, arrays[0]) else out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, ...]:
        xs = ctx.saved_tensors
        lhs, out = ctx.params["equation"].split("->")
        terms = lhs.split(",")
        grads = []
        for i, need in enumerate(ctx.needs_input_grad):
            if not need:
                grads.append(None)
                continue
            others = [x.conj() if x.is_complex() else x for j, x in enumerate(xs) if j != i]
            eq = einsum_vjp_equation(terms, out, i)
            grads.append(apply(einsum_primitive(len(xs)), g, *others, equation=eq))
        return tuple(grads)

    @staticmethod
    def jvp(ctx: Ctx, *tangents: Any) -> Any:
        xs, prim, out = ctx.inputs, einsum_primitive(len(ctx.inputs)), None
        for i, t in enumerate(tangents):
            if t is not None:
                args = [t if j == i else x for j, x in enumerate(xs)]
                term = apply(prim, *args, **ctx.params)
                out = term if out is None else out + term
        return out


@functools.cache
def einsum_primitive(n: int) -> type[Primitive]:
    """The einsum primitive for ``n`` operands (which inputs it saves depends on n)."""
    return type(f"Einsum{n}", (Einsum,), {"name": "Einsum", "save_inputs": tuple(range(n))})


# ----------------------------------------------------------- diagonals and triangles
def writable_diagonal(a: np.ndarray, offset: int, dim1: int, dim2: int) -> np.ndarray:
    """``np.diagonal`` as a writable view (NumPy hands out a read-only one), so in-place
    changes through ``diagonal()`` reach the base as in PyTorch."""
    d = np.diagonal(a, offset, dim1, dim2)
    if a.flags.writeable:
        d.flags.writeable = True
    return d


class Diagonal(Primitive):
    """A view of the diagonal of dims (dim1, dim2), placed last; the gradient writes the
    output's gradient onto the same diagonal of zeros."""

    view = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, offset: int, dim1: int, dim2: int) -> np.ndarray:
        ctx.in_shape = a.shape
        return writable_diagonal(a, offset, dim1, dim2)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return apply(DiagEmbed, g, shape=ctx.in_shape, **ctx.params)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return apply(Diagonal, t, **ctx.params)


class DiagEmbed(Primitive):
    """Zeros of ``shape`` with the input's last dim written onto the diagonal of dims
    (dim1, dim2): ``diag_embed``, and the gradient of ``diagonal``."""

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, shape: tuple[int, ...], offset: int, dim1: int,
                dim2: int) -> np.ndarray:  # fmt: skip
        out = np.zeros(shape, a.dtype)
        writable_diagonal(out, offset, dim1, dim2)[...] = a
        return out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        p = ctx.params
        return apply(Diagonal, g, offset=p["offset"], dim1=p["dim1"], dim2=p["dim2"])

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return apply(DiagEmbed, t, **ctx.params)


class Tril(Primitive):
    """The lower triangle (below diagonal ``k``) of the last two dims; linear."""

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, k: int) -> np.ndarray:
        return np.tril(a, k)

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> Any:
        return apply(cls, g, **ctx.params)

    @classmethod
    def jvp(cls, ctx: Ctx, t: Any) -> Any:
        return apply(cls, t, **ctx.params)


class Triu(Tril):
    """The upper triangle (above diagonal ``k``) of the last two dims; linear."""

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, k: int) -> np.ndarray:
        return np.triu(a, k)
