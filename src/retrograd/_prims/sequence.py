"""Splitting a tensor into consecutive pieces as one node with several outputs, as
PyTorch's ``split_with_sizes`` does.

The recurrent layers cut a whole sequence's input projection into its time steps and each
step's gates into their parts. Cut one piece at a time, every piece's backward would scatter
into a zero tensor of the whole size (quadratic in the sequence length); as one node the
backward is a single concatenation of the pieces' gradients.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ._core import Ctx, apply
from .shape import Cat, Linear


class SplitWithSizes(Linear):
    """Pieces of ``sizes`` along ``dim``; the gradient is the pieces' gradients
    concatenated (a missing one counts as zeros). Outputs are copies, so changing one in
    place cannot reach the input behind autograd's back."""

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, sizes: tuple[int, ...], dim: int) -> tuple:
        cuts = np.cumsum(sizes)[:-1]
        return tuple(np.array(p) for p in np.split(a, cuts, axis=dim))

    @staticmethod
    def vjp(ctx: Ctx, *grads: Any) -> Any:
        return apply(Cat, *grads, dim=ctx.params["dim"])


@functools.cache
def _split_prim(pieces: int) -> type[SplitWithSizes]:
    # every piece carries a gradient; the count is a class attribute, so one class per count
    return type(
        "SplitWithSizes", (SplitWithSizes,), {"differentiable_outputs": tuple(range(pieces))}
    )


def split_with_sizes(a: Any, sizes: tuple[int, ...], dim: int = 0) -> tuple[Any, ...]:
    """``a`` cut into consecutive pieces of ``sizes`` along ``dim`` (one autograd node)."""
    if len(sizes) == 1:
        return (a,)
    return apply(_split_prim(len(sizes)), a, sizes=tuple(sizes), dim=dim)
