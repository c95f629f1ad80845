"""``retrograd.compile``: accepted and answered with a callable that runs eagerly.

retrograd has no graph compiler; ``compile`` checks its arguments as PyTorch does and
hands back the function itself, or for a module an ``OptimizedModule`` wrapper holding it
as ``_orig_mod`` (so ``state_dict`` keys carry PyTorch's ``_orig_mod.`` prefix).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .nn.modules.module import Module

__all__ = ["OptimizedModule", "compile"]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
_BACKENDS = ("inductor", "eager", "aot_eager", "cudagraphs")


class OptimizedModule(Module):
    """What ``compile(module)`` returns: runs ``_orig_mod`` and reaches its attributes."""

    def __init__(self, mod: Module) -> None:
        super().__init__()
        self._orig_mod = mod

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self._orig_mod(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self._modules["_orig_mod"], name)


def _check(mode: str | None, options: dict[str, Any] | None, backend: Any) -> None:
    if mode is not None and options is not None:
        raise RuntimeError(
            "Either mode or options can be specified, but both can't be specified at the same time."
        )
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if isinstance(backend, str) and backend not in _BACKENDS:
        raise RuntimeError(
            f"Invalid backend: {backend!r}, see `torch._dynamo.list_backends()` for "
            "available backends."
        )


def compile(model: Callable[..., Any] | None = None, *, fullgraph: bool = False,
            dynamic: bool | None = None, backend: str | Callable[..., Any] = "inductor",
            mode: str | None = None, options: dict[str, Any] | None = None,
            disable: bool = False) -> Any:  # fmt: skip
    """Return ``model`` ready to call: retrograd runs it eagerly, unchanged.

    Args:
        model: a function or ``nn.Module``; None makes this a decorator taking the options.
        fullgraph, dynamic, backend, mode, options, disable: PyTorch's options, checked
            (an unknown mode or backend, or both mode and options, is PyTorch's error).

    Returns:
        The function itself, or an ``OptimizedModule`` wrapping the module (the module
        itself when ``disable``).

    Example:
        >>> model = retrograd.compile(model)
        >>> @retrograd.compile(mode="max-autotune")
        ... def step(x): ...
    """
    _check(mode, options, backend)
    if model is None:

        def fn(model: Callable[..., Any]) -> Any:  # fmt: skip
            return compile(model, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                           mode=mode, options=options, disable=disable)  # fmt: skip

        return fn
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    if isinstance(model, Module) and not disable:
        return OptimizedModule(model)
    return model
