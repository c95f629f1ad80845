"""Parameter and Buffer: the tensors a Module registers when they are assigned to it."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor


class Parameter(Tensor):
    """A tensor that is a module parameter: assigning it to a Module attribute registers it.

    Args:
        data: the values (shared, not copied); an empty float tensor when omitted.
        requires_grad: whether the parameter requires gradient (default ``True``).

    Example::

        >>> p = nn.Parameter(retrograd.zeros(2))
        >>> p.requires_grad, p.is_leaf
        (True, True)
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            data = Tensor._wrap(np.empty(0, np.float32))
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter data must be a Tensor, got {type(data).__name__}")
        p = object.__new__(cls)
        Tensor._init_fields(p, data._data)
        # as a detached alias of ``data``, in-place changes to either are seen by both
        p._vc = data._vc
        p._requires_grad = bool(requires_grad)
        return p

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass  # everything is done in __new__ (Tensor.__init__ would reinterpret ``data``)

    def __repr__(self, *, tensor_contents: str | None = None) -> str:
        return "Parameter containing:\n" + super().__repr__(tensor_contents=tensor_contents)

    def __reduce_ex__(self, proto: Any) -> Any:
        return (_rebuild_parameter, (self._data, self._requires_grad))


def _rebuild_parameter(data: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(Tensor._wrap(data), requires_grad)


class _BufferMeta(type):
    # ``Buffer(t)`` returns a marked plain tensor, so isinstance checks the mark
    def __instancecheck__(cls, instance: Any) -> bool:
        if cls is Buffer:
            return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)
        return super().__instancecheck__(instance)


class Buffer(metaclass=_BufferMeta):
    """Marks a tensor as a buffer: assigning it to a Module attribute registers it as one.

    Args:
        data: the buffer's values (shared).
        persistent: whether the buffer is part of the module's ``state_dict``.

    Example::

        >>> m = nn.Module()
        >>> m.running = nn.Buffer(retrograd.zeros(3))
        >>> list(dict(m.named_buffers()))
        ['running']
    """

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> Any:
        if data is None:
            data = Tensor._wrap(np.empty(0, np.float32))
        if not isinstance(data, Tensor):
            raise TypeError(f"Buffer data must be a Tensor, got {type(data).__name__}")
        t = data.detach().requires_grad_(data.requires_grad)
        t.persistent = persistent
        t._is_buffer = True
        return t
