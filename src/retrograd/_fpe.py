"""Silencing NumPy's floating-point warnings, cheaply.

PyTorch never reports overflow, division by zero or invalid operations: it returns inf or
nan. NumPy warns unless told otherwise, and ``np.errstate`` costs about a microsecond, a
noticeable share of a small operation. What ``np.errstate`` does is set a context variable,
so where NumPy exposes it we set it directly (falling back to the public context manager).
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj

    _IGNORE = _make_extobj(all="ignore")

    def quiet_on() -> Any:
        """Turn NumPy's floating-point warnings off; returns a token for ``quiet_off``."""
        return _extobj_contextvar.set(_IGNORE)

    def quiet_off(token: Any) -> None:
        """Restore the warnings state from before the matching ``quiet_on``."""
        _extobj_contextvar.reset(token)

except ImportError:  # a NumPy without these internals

    def quiet_on() -> Any:
        q = np.errstate(all="ignore")
        q.__enter__()
        return q

    def quiet_off(token: Any) -> None:
        token.__exit__(None, None, None)


class quiet:
    """``with quiet():`` runs NumPy code without floating-point warnings (inf/nan results)."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = quiet_on()

    def __exit__(self, *exc: object) -> None:
        quiet_off(self._token)
