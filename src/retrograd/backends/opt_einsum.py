"""retrograd.backends.opt_einsum: contraction-order settings for ``einsum``.

retrograd's einsum lets NumPy choose the order; ``is_available`` reports, as PyTorch
does, whether the ``opt_einsum`` package is installed.
"""

from __future__ import annotations

import importlib.util

__all__ = ["enabled", "is_available", "strategy"]


def is_available() -> bool:
    return importlib.util.find_spec("opt_einsum") is not None


enabled = is_available()
strategy = "auto" if enabled else None
