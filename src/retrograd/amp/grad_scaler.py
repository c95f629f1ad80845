"""``GradScaler``: loss scaling for mixed-precision training, as ``torch.amp.GradScaler``.

The scale multiplies the loss before ``backward``; ``step`` divides the gradients by it,
skips the optimizer step when any gradient is inf or NaN, and ``update`` shrinks the scale
after such a step or grows it after ``growth_interval`` clean ones. Without CUDA, a 'cuda'
scaler warns and disables itself as PyTorch's does; ``enabled=False`` passes through.
"""

from __future__ import annotations

import warnings
from enum import Enum
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import no_grad

__all__ = ["GradScaler", "OptState"]


class OptState(Enum):
    READY = 0
    UNSCALED = 1
    STEPPED = 2


def _fresh_state() -> dict[str, Any]:
    return {"stage": OptState.READY, "found_inf": None}


class GradScaler:
    """Scales the loss and unscales the gradients of mixed-precision training.

    Args:
        device: 'cpu' or 'cuda' (a 'cuda' scaler disables itself without CUDA).
        init_scale: the first scale factor.
        growth_factor: the scale is multiplied by this after ``growth_interval`` steps
            without inf/NaN gradients.
        backoff_factor: the scale is multiplied by this after a step with inf/NaN gradients.
        growth_interval: clean steps between two growths.
        enabled: False makes every method a pass-through (``scale`` returns its input).

    Example:
        >>> scaler = retrograd.amp.GradScaler("cpu")
        >>> scaler.scale(loss).backward()
        >>> scaler.step(optimizer)
        >>> scaler.update()
    """

    def __init__(self, device: str = "cuda", init_scale: float = 2.0**16,
                 growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:  # fmt: skip
        self._device = device
        self._enabled = enabled
        if device == "cuda" and enabled:
            warnings.warn(
                "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
                stacklevel=2,
            )
            self._enabled = False
        if self._enabled:
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
            self._init_scale = init_scale
            self._scale: np.ndarray | None = None
            self._growth_factor = growth_factor
            self._backoff_factor = backoff_factor
            self._growth_interval = growth_interval
            self._init_growth_tracker = 0
            self._growth_tracker = 0
            self._per_optimizer_states: dict[int, dict[str, Any]] = {}

    def _opt_state(self, optimizer: Any) -> dict[str, Any]:
        return self._per_optimizer_states.setdefault(id(optimizer), _fresh_state())

    def _check_scale(self, funcname: str) -> np.ndarray:
        if self._scale is None:
            raise AssertionError(
                f"Attempted {funcname} but _scale is None.  This may indicate your script "
                "did not use scaler.scale(loss or outputs) earlier in the iteration."
            )
        return self._scale

    def scale(self, outputs: Any) -> Any:
        """``outputs`` (a tensor or a nested list/tuple of tensors) times the scale."""
        if not self._enabled:
            return outputs
        if isinstance(outputs, Tensor):
            return outputs * self._scale_tensor()
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(o) for o in outputs)
        if hasattr(outputs, "__iter__"):
            return map(self.scale, outputs)
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    def _scale_tensor(self) -> Tensor:
        if self._scale is None:
            self._scale = np.array(self._init_scale, np.float32)
            self._growth_tracker = self._init_growth_tracker
        return Tensor._wrap(self._scale.copy())

    def _unscale_grads(self, optimizer: Any, inv_scale: np.ndarray, allow_fp16: bool) -> bool:
        """Multiply every gradient by ``inv_scale`` in place; True when one is inf/NaN."""
        found_inf = False
        with no_grad():
            for group in optimizer.param_groups:
                for param in group["params"]:
                    if param.grad is None:
                        continue
                    g = param.grad
                    if not allow_fp16 and g._data.dtype == np.float16:
                        raise ValueError("Attempting to unscale FP16 gradients.")
                    found_inf = found_inf or not bool(np.isfinite(g._data).all())
                    if inv_scale != 1.0:
                        g.mul_(Tensor._wrap(inv_scale.astype(g._data.dtype)))
        return found_inf

    def unscale_(self, optimizer: Any) -> None:
        """Divide ``optimizer``'s gradients by the scale now (e.g. before clipping them);
        at most once per optimizer between two ``update`` calls."""
        if not self._enabled:
            return
        scale = self._check_scale("unscale_")
        state = self._opt_state(optimizer)
        if state["stage"] is OptState.UNSCALED:
            raise RuntimeError(
                "unscale_() has already been called on this optimizer since the last update()."
            )
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        # the reciprocal in double, then rounded to float32, as PyTorch computes it
        inv_scale = np.array(1.0 / np.float64(scale), np.float32)
        state["found_inf"] = self._unscale_grads(optimizer, inv_scale, False)
        state["stage"] = OptState.UNSCALED

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        """Unscale the gradients (unless ``unscale_`` did) and run ``optimizer.step()``
        unless one of them is inf or NaN; returns what ``optimizer.step`` returned."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._check_scale("step")
        state = self._opt_state(optimizer)
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] is OptState.READY:
            self.unscale_(optimizer)
        retval = None if state["found_inf"] else optimizer.step(*args, **kwargs)
        state["stage"] = OptState.STEPPED
        return retval

    def update(self, new_scale: float | Tensor | None = None) -> None:
        """Back off after a skipped step, grow after ``growth_interval`` clean ones, or set
        ``new_scale``; then start a new iteration."""
        if not self._enabled:
            return
        scale = self._check_scale("update")
        if new_scale is not None:
            self._set_scale(new_scale)
        else:
            found = [s["found_inf"] for s in self._per_optimizer_states.values()]
            if not found:
                raise AssertionError("No inf checks were recorded prior to update.")
            self._update_scale(scale, any(found))
        self._per_optimizer_states = {}

    def _set_scale(self, new_scale: float | Tensor) -> None:
        if isinstance(new_scale, Tensor):
            if new_scale.numel() != 1 or new_scale.requires_grad:
                raise AssertionError(
                    "new_scale should be a float or a 1-element torch.cuda.FloatTensor or "
                    "torch.FloatTensor with requires_grad=False."
                )
            new_scale = float(new_scale.item())
        self._scale = np.array(new_scale, np.float32)

    def _update_scale(self, scale: np.ndarray, found_inf: bool) -> None:
        # PyTorch's _amp_update_scale_: float32 arithmetic, growth only to a finite scale
        if found_inf:
            self._scale = (scale * np.float32(self._backoff_factor)).astype(np.float32)
            self._growth_tracker = 0
            return
        successful = self._growth_tracker + 1
        if successful == self._growth_interval:
            grown = (scale * np.float32(self._growth_factor)).astype(np.float32)
            if np.isfinite(grown):
                self._scale = grown
            successful = 0
        self._growth_tracker = successful

    def get_scale(self) -> float:
        """The current scale (``init_scale`` before the first ``scale``; 1.0 disabled)."""
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else float(self._scale)

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        self._growth_factor = new_factor

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        self._backoff_factor = new_factor

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        self._growth_interval = new_interval

    def _get_growth_tracker(self) -> int:
        if not self._enabled:
            return 0
        return self._init_growth_tracker if self._scale is None else self._growth_tracker

    def is_enabled(self) -> bool:
        return self._enabled

    def state_dict(self) -> dict[str, Any]:
        """scale, growth_factor, backoff_factor, growth_interval, _growth_tracker (empty
        when disabled), PyTorch's keys."""
        if not self._enabled:
            return {}
        return {
            "scale": self.get_scale(),
            "growth_factor": self._growth_factor,
            "backoff_factor": self._backoff_factor,
            "growth_interval": self._growth_interval,
            "_growth_tracker": self._get_growth_tracker(),
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned."""
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError(
                "The source state dict is empty, possibly because it was saved "
                "from a disabled instance of GradScaler."
            )
        self._init_scale = state_dict["scale"]
        if self._scale is not None:
            self._scale = np.array(state_dict["scale"], np.float32)
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._init_growth_tracker = state_dict["_growth_tracker"]
        if self._scale is not None:
            self._growth_tracker = state_dict["_growth_tracker"]
