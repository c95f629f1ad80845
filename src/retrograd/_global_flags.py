"""Process-wide switches PyTorch scripts set: float32 matmul precision, deterministic
algorithms and the default device. retrograd's NumPy kernels are deterministic and always
run full float32 on the CPU, so the values are recorded and reported, never consulted."""

from __future__ import annotations

import warnings
from typing import Any

from ._device import device as _device

__all__ = [
    "are_deterministic_algorithms_enabled", "get_default_device", "get_deterministic_debug_mode",
    "get_num_interop_threads", "set_num_interop_threads",
    "get_float32_matmul_precision", "is_deterministic_algorithms_warn_only_enabled",
    "set_default_device", "set_deterministic_debug_mode", "set_float32_matmul_precision",
    "use_deterministic_algorithms",
]  # fmt: skip

_precision = "highest"
_deterministic = False
_warn_only = False


def set_float32_matmul_precision(precision: str) -> None:
    """Record 'highest', 'high' or 'medium'; another value warns and changes nothing, as in
    PyTorch. (retrograd's float32 products are always computed in full float32.)"""
    global _precision
    if precision not in ("highest", "high", "medium"):
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
            "setFloat32MatmulPrecision call has no effect.",
            stacklevel=2,
        )
        return
    _precision = precision


def get_float32_matmul_precision() -> str:
    """The value last set by ``set_float32_matmul_precision`` ('highest' by default)."""
    return _precision


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Record the request; every retrograd kernel is deterministic already."""
    global _deterministic, _warn_only
    if not isinstance(mode, bool):
        raise TypeError(
            "_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, "
            f"not {type(mode).__name__}"
        )
    _deterministic, _warn_only = mode, bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    return _deterministic


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _warn_only


def set_deterministic_debug_mode(debug_mode: str | int) -> None:
    """'default'/0 turns deterministic mode off, 'warn'/1 on with warnings, 'error'/2 on."""
    names = {"default": 0, "warn": 1, "error": 2}
    if isinstance(debug_mode, str) and debug_mode not in names:
        raise RuntimeError(
            "invalid value of debug_mode, expected one of `default`, `warn`, `error`, but "
            f"got {debug_mode}"
        )
    level = names[debug_mode] if isinstance(debug_mode, str) else debug_mode
    if level not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {level}")
    use_deterministic_algorithms(level != 0, warn_only=level == 1)


def get_deterministic_debug_mode() -> int:
    if not _deterministic:
        return 0
    return 1 if _warn_only else 2


def set_default_device(device: Any) -> None:
    """Accept the CPU (or None); a CUDA device raises PyTorch's AssertionError now (PyTorch's
    CPU build raises it at the first tensor made), any other device a RuntimeError."""
    if device is None:
        return
    name = str(getattr(device, "type", device)).split(":")[0]
    if name == "cuda":
        raise AssertionError("Torch not compiled with CUDA enabled")
    if name != "cpu":
        raise RuntimeError(f"retrograd runs on the CPU only; device {device!r} is not available")


def get_default_device() -> _device:
    """Where new tensors go: always the CPU."""
    return _device("cpu")


_interop_threads: int | None = None


def set_num_interop_threads(n: int) -> None:
    """Record the inter-op thread count (retrograd runs ops one after another, on the
    calling thread)."""
    global _interop_threads
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise RuntimeError("set_num_interop_threads expects a positive integer")
    _interop_threads = n


def get_num_interop_threads() -> int:
    """The value set, else the CPU count (PyTorch's default)."""
    import os

    return _interop_threads or os.cpu_count() or 1
