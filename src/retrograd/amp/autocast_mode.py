"""``autocast``: run matrix products in bfloat16 (or float16) inside a region, as PyTorch's
CPU autocast does.

The hooked ops (matmul, mm, bmm, addmm, baddbmm, addbmm, ``F.linear`` and friends) start
with ``if _enabled: args = _autocast_args(*args)``: one global check when autocast is off,
so ordinary code pays nothing. Inside a region the floating inputs other than float64 are
cast with a differentiable copy, so gradients reach each leaf in its own dtype.

The state is global rather than per thread (PyTorch keeps it per thread): retrograd runs
its ops on the calling thread only.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np

from .. import _dtype
from .._tensor import Tensor

# the flag the hooked ops read: CPU autocast is on (CUDA autocast never is, without CUDA)
_enabled = False
_fast_np: np.dtype = _dtype.bfloat16.np
# per device type: [enabled, dtype]; PyTorch keeps a state for CUDA even on CPU builds
_state: dict[str, list[Any]] = {
    "cpu": [False, _dtype.bfloat16],
    "cuda": [False, _dtype.float16],
}
_cache_enabled = True
# floating dtypes CPU autocast casts; float64 is left alone, as in PyTorch
_ELIGIBLE = frozenset(d.np for d in (_dtype.float32, _dtype.float16, _dtype.bfloat16))
_KNOWN_DEVICES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
    "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)  # fmt: skip


def _autocast_args(*args: Any) -> tuple[Any, ...]:
    """``args`` with every eligible floating tensor cast to the autocast dtype."""
    from .._ops.elementwise_ops import to_dtype_np

    dt = _fast_np
    return tuple(
        to_dtype_np(a, dt)
        if isinstance(a, Tensor) and a._data.dtype != dt and a._data.dtype in _ELIGIBLE
        else a
        for a in args
    )


_F32 = _dtype.float32.np
_HALVES = frozenset(d.np for d in (_dtype.float16, _dtype.bfloat16))


def _autocast_fp32(*args: Any) -> tuple[Any, ...]:
    """``args`` with every float16/bfloat16 tensor cast to float32: the ops PyTorch's CPU
    autocast runs in float32 (the losses), whatever precision their inputs arrive in."""
    from .._ops.elementwise_ops import to_dtype_np

    return tuple(
        to_dtype_np(a, _F32) if isinstance(a, Tensor) and a._data.dtype in _HALVES else a
        for a in args
    )


def _device_type(device_type: str) -> str:
    kind = device_type.split(":")[0]
    if kind not in _KNOWN_DEVICES:
        raise RuntimeError(
            f"Expected one of {', '.join(_KNOWN_DEVICES)} device type at start of device "
            f"string: {device_type}"
        )
    return kind


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast can be used on ``device_type`` ('cpu' and 'cuda' here)."""
    return _device_type(device_type) in _state


def is_autocast_enabled(device_type: str = "cuda") -> bool:
    """Whether autocast is on for ``device_type`` (CUDA when not given, as in PyTorch)."""
    entry = _state.get(_device_type(device_type))
    return bool(entry and entry[0])


def get_autocast_dtype(device_type: str) -> _dtype.dtype:
    """The dtype autocast casts to on ``device_type`` (bfloat16 on CPU by default)."""
    entry = _state.get(_device_type(device_type))
    if entry is None:
        raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
    return entry[1]


def is_autocast_cache_enabled() -> bool:
    return _cache_enabled


def _set(device: str, enabled: bool, dtype: _dtype.dtype, cache: bool) -> None:
    global _enabled, _fast_np, _cache_enabled
    _state[device] = [enabled, dtype]
    _cache_enabled = cache
    if device == "cpu":
        _enabled = enabled
        _fast_np = dtype.np


class autocast:
    """Context manager and decorator: inside it, matrix products run in ``dtype``.

    Args:
        device_type: 'cpu' or 'cuda' (CUDA autocast warns and stays off without CUDA).
        dtype: the lower precision, bfloat16 (CPU default) or float16.
        enabled: False makes the region a no-op (and switches autocast off inside an
            enclosing region).
        cache_enabled: accepted for compatibility; casts are not cached.

    Example:
        >>> with retrograd.autocast("cpu"):
        ...     y = model(x)  # y.dtype is retrograd.bfloat16
        >>> y.float().sum().backward()  # parameter grads stay float32
    """

    def __init__(self, device_type: str, dtype: _dtype.dtype | None = None,
                 enabled: bool = True, cache_enabled: bool | None = None) -> None:  # fmt: skip
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self.device = device_type
        if not is_autocast_available(device_type):
            raise RuntimeError(
                f"User specified an unsupported autocast device_type '{device_type}'"
            )
        self._cache_enabled = _cache_enabled if cache_enabled is None else cache_enabled
        self._enabled = self._check_enabled(bool(enabled))

    def _check_enabled(self, enabled: bool) -> bool:
        if not enabled:
            return False
        if self.device == "cuda":
            # no CUDA in retrograd: PyTorch warns and disables in the same situation
            warnings.warn(
                "CUDA is not available or torch_xla is imported. Disabling autocast.",
                stacklevel=3,
            )
            return False
        supported = (_dtype.bfloat16, _dtype.float16)
        if self.fast_dtype not in supported:
            name = self.device.upper()
            warnings.warn(
                f"In {name} autocast, but the target dtype is not supported. Disabling "
                f"autocast.\n{name} Autocast only supports dtypes of "
                f"{', '.join(map(str, supported))} currently.",
                stacklevel=3,
            )
            return False
        return True

    def __enter__(self) -> autocast:
        self.prev = _state[self.device][:]
        self.prev_cache_enabled = _cache_enabled
        _set(self.device, self._enabled, self.fast_dtype, self._cache_enabled)
        return self

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> bool:
        _set(self.device, self.prev[0], self.prev[1], self.prev_cache_enabled)
        return False

    def __call__(self, func: Any) -> Any:
        @functools.wraps(func)
        def decorate_autocast(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return decorate_autocast
