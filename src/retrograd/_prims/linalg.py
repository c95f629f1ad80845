"""Matrix products. ``matmul`` covers every rank combination; the class only sets the node
name PyTorch shows (DotBackward0, MvBackward0, MmBackward0)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._core import Ctx, Primitive


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
