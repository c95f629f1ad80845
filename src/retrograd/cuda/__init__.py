"""retrograd.cuda: the answers PyTorch's CUDA module gives on a machine without CUDA.

Scripts written for GPUs ask ``torch.cuda.is_available()`` and pick the CPU; seeding and
cache calls are accepted as no-ops, and calls that need a device raise PyTorch's
AssertionError ("Torch not compiled with CUDA enabled").
"""

from __future__ import annotations

from typing import Any

from . import amp

__all__ = [
    "amp", "current_device", "device_count", "empty_cache", "get_device_name", "init",
    "initial_seed", "is_available", "is_bf16_supported", "is_initialized",
    "is_tf32_supported", "manual_seed", "manual_seed_all", "max_memory_allocated",
    "max_memory_reserved", "memory_allocated", "memory_reserved", "seed", "seed_all",
    "set_device", "synchronize",
]  # fmt: skip

_NOT_COMPILED = "Torch not compiled with CUDA enabled"


def _no_cuda(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError(_NOT_COMPILED)


def is_available() -> bool:
    """False: retrograd runs on the CPU only."""
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return False


def is_tf32_supported() -> bool:
    return False


def manual_seed(seed: int) -> None:
    """Accepted and ignored: there is no CUDA generator to seed (as in PyTorch)."""
    int(seed)


def manual_seed_all(seed: int) -> None:
    int(seed)


def seed() -> None:
    return None


def seed_all() -> None:
    return None


def empty_cache() -> None:
    """Nothing to free."""
    return None


def memory_allocated(device: Any = None) -> int:
    return 0


def max_memory_allocated(device: Any = None) -> int:
    return 0


def memory_reserved(device: Any = None) -> int:
    return 0


def max_memory_reserved(device: Any = None) -> int:
    return 0


def _tensor_cuda(self: Any, device: Any = None, non_blocking: bool = False,
                 memory_format: Any = None) -> Any:  # fmt: skip
    raise AssertionError(_NOT_COMPILED)


def _pin_memory(self: Any, device: Any = None) -> Any:
    raise RuntimeError("Cannot access accelerator device when none is available.")


def _is_pinned(self: Any, device: Any = None) -> bool:
    return False


# Tensor methods about CUDA memory, as PyTorch's CPU build answers them
TENSOR_METHODS = {"cuda": _tensor_cuda, "pin_memory": _pin_memory, "is_pinned": _is_pinned}

# these need a CUDA device: PyTorch's CPU build raises the same AssertionError
current_device = _no_cuda
synchronize = _no_cuda
get_device_name = _no_cuda
initial_seed = _no_cuda
init = _no_cuda
set_device = _no_cuda
