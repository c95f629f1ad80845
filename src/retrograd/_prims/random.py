"""Sampling primitives whose output stays in the graph with a zero gradient, as PyTorch's
BernoulliBackward0 and PoissonBackward0 (the sample does not move when the rate does)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._core import Ctx
from .elementwise import _ZeroDerivative


class Bernoulli(_ZeroDerivative):
    """1 with probability ``p``, else 0, in ``p``'s dtype."""

    @staticmethod
    def forward(ctx: Ctx, p: np.ndarray, rng: Any) -> np.ndarray:
        return (rng.random(p.shape) < p).astype(p.dtype)


class Poisson(_ZeroDerivative):
    """Poisson counts with rate ``rate``, in ``rate``'s dtype."""

    @staticmethod
    def forward(ctx: Ctx, rate: np.ndarray, rng: Any) -> np.ndarray:
        return rng.poisson(rate.astype(np.float64)).astype(rate.dtype)
