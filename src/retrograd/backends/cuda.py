"""retrograd.backends.cuda: cuBLAS and attention switches (values only, no CUDA here)."""

from __future__ import annotations

from typing import Any

__all__ = [
    "enable_flash_sdp", "enable_math_sdp", "enable_mem_efficient_sdp", "flash_sdp_enabled",
    "is_built", "math_sdp_enabled", "matmul", "mem_efficient_sdp_enabled",
]  # fmt: skip


class cuBLASModule:
    """``matmul.allow_tf32`` and the reduced-precision reduction flags, with PyTorch's
    defaults; any other attribute is an AttributeError, as in PyTorch."""

    _FLAGS = ("allow_tf32", "allow_fp16_reduced_precision_reduction",
              "allow_bf16_reduced_precision_reduction", "allow_fp16_accumulation")  # fmt: skip

    def __init__(self) -> None:
        defaults = (False, True, True, False)
        object.__setattr__(self, "_values", dict(zip(self._FLAGS, defaults, strict=True)))

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        raise AttributeError("Unknown attribute " + name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._values:
            raise AttributeError("Unknown attribute " + name)
        self._values[name] = value


matmul = cuBLASModule()
_sdp = {"flash": True, "mem_efficient": True, "math": True}


def is_built() -> bool:
    """False: retrograd has no CUDA build."""
    return False


def flash_sdp_enabled() -> bool:
    return _sdp["flash"]


def enable_flash_sdp(enabled: bool) -> None:
    _sdp["flash"] = bool(enabled)


def mem_efficient_sdp_enabled() -> bool:
    return _sdp["mem_efficient"]


def enable_mem_efficient_sdp(enabled: bool) -> None:
    _sdp["mem_efficient"] = bool(enabled)


def math_sdp_enabled() -> bool:
    return _sdp["math"]


def enable_math_sdp(enabled: bool) -> None:
    _sdp["math"] = bool(enabled)
