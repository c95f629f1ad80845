"""PyTorch's ``out=`` argument, for every public function that takes one.

The result is computed as usual and written into ``out``, which is returned. As in
PyTorch: ``out`` is resized when its shape differs (with PyTorch's warning when it had
elements), the result must be castable to ``out``'s dtype, and functions called with
``out=`` don't support automatic differentiation.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.grad_mode import state as _grad_state


def write_out(out: Any, result: Any, name: str) -> Any:
    """Write ``result`` (a tensor or a tuple of tensors) into ``out`` and return ``out``."""
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"{name}(): argument 'out' must be a tuple of {len(result)} Tensors")
        items = [write_out(o, r, name) for o, r in zip(out, result)]
        # named tuples (values, indices) take their items as arguments
        return type(result)(*items) if hasattr(result, "_fields") else type(result)(items)
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if _grad_state.enabled and (result.requires_grad or out.requires_grad):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    if not _dtype.can_cast(result.dtype, out.dtype):
        # PyTorch names dtypes here by their ScalarType: Float, Long, ComplexDouble...
        raise RuntimeError(
            f"result type {result.dtype._legacy.removesuffix('Tensor')} can't be cast to the "
            f"desired output type {out.dtype._legacy.removesuffix('Tensor')}"
        )
    src = result._data
    if out._data.shape != src.shape:
        if out._data.size:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out._data.shape)}, which does not match the required output shape "
                f"{list(src.shape)}. This behavior is deprecated, and in a future PyTorch "
                "release outputs will not be resized unless they have zero elements. You can "
                "explicitly reuse an out tensor t by resizing it, inplace, to zero elements "
                "with t.resize_(0).",
                UserWarning,
                stacklevel=3,
            )
        out._data = np.empty(src.shape, out._data.dtype)
    np.copyto(out._data, src, casting="unsafe")
    out._vc[0] += 1
    return out


def _with_out(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        result = fn(*args, **kwargs)
        return result if out is None else write_out(out, result, fn.__name__)

    return wrapper


def install(*modules: ModuleType) -> None:
    """Give every public function of ``modules`` that declares ``out``, or that the module
    lists in ``_TAKES_OUT``, PyTorch's meaning of it (Tensor methods and operators keep the
    unwrapped functions: they take no ``out``)."""
    for mod in modules:
        listed = set(getattr(mod, "_TAKES_OUT", ()))
        for name, fn in list(vars(mod).items()):
            if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != mod.__name__:
                continue
            if name in listed or "out" in inspect.signature(fn).parameters:
                setattr(mod, name, _with_out(fn))
