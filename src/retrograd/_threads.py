"""``set_num_threads`` / ``get_num_threads``: the BLAS threads NumPy's matrix products use.

threadpoolctl finds the BLAS library NumPy loaded (OpenBLAS, MKL, BLIS) and sets its thread
count at run time; it is imported on first use so ``import retrograd`` stays fast.
"""

from __future__ import annotations

from typing import Any

_controller: Any = None
_requested: int | None = None


def _blas() -> Any:
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller


def set_num_threads(n: int) -> None:
    """Use ``n`` threads in BLAS-backed operations (matmul and friends)."""
    global _requested
    if not isinstance(n, int) or isinstance(n, bool):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n < 1:
        raise RuntimeError(f"set_num_threads expects a positive integer, got {n}")
    _blas().limit(limits=n, user_api="blas")
    _requested = n


def get_num_threads() -> int:
    """The number of BLAS threads in use (the CPU count when BLAS reports none)."""
    # read BLAS's live setting: a threadpoolctl limit set elsewhere is what matmul obeys
    infos = [i for i in _blas().info() if i.get("user_api") == "blas"]
    if infos:
        return int(infos[0]["num_threads"])
    if _requested is not None:
        return _requested
    import os

    return os.cpu_count() or 1
