"""Graph nodes: what a tensor's ``grad_fn`` is, and where leaves accumulate gradients.

A node maps the gradients of its outputs to the gradients of its inputs. ``_next`` holds one
edge per input: ``(node, output_nr)`` of the node that produced that input, or ``None`` for
an input that needs no gradient. Nodes are numbered by creation (``_seq``) so the engine can
run them in a deterministic order: most recently created first, as PyTorch does.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .grad_mode import state as _grad_state

if TYPE_CHECKING:
    from .._tensor import Tensor

_seq = itertools.count()
_hook_ids = itertools.count()


class RemovableHandle:
    """Returned by every ``register_*hook``; ``remove()`` unregisters the hook."""

    __slots__ = ("_dict_ref", "id")

    def __init__(self, hooks: dict[int, Any]) -> None:
        self._dict_ref = weakref.ref(hooks) if hasattr(hooks, "__weakref__") else lambda: hooks
        self.id = next(_hook_ids)

    def remove(self) -> None:
        hooks = self._dict_ref()
        if hooks is not None:
            hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


class HookDict(dict):  # a dict that a handle can reference weakly
    __slots__ = ("__weakref__",)


def add_hook(hooks: HookDict, fn: Callable[..., Any]) -> RemovableHandle:
    if not callable(fn):
        raise TypeError(f"hook must be callable, got {type(fn).__name__}")
    handle = RemovableHandle(hooks)
    hooks[handle.id] = fn
    return handle


class Node:
    """A backward function. Subclasses implement ``apply(grads) -> list of input grads``."""

    # Hook tables default to these class values (no hooks); a node made per operation
    # sets only its edges and sequence number.
    _pre_hooks: HookDict | None = None
    _post_hooks: HookDict | None = None
    # hooks registered on the tensors this node produced, keyed by output number
    _tensor_hooks: dict[int, HookDict] | None = None
    _retain_hooks: dict[int, Callable[[Tensor], None]] | None = None
    # whether any of the above (or, for a leaf's AccumulateGrad, its tensor's hooks) was
    # ever set: one check in the engine's loop instead of five
    _has_hooks = False

    def __init__(self, next_edges: Sequence[tuple[Node, int] | None]) -> None:
        self._next = next_edges
        self._seq = next(_seq)

    num_outputs = 1

    def name(self) -> str:
        return type(self).__name__

    def apply(self, grads: list[Tensor | None]) -> list[Tensor | None]:
        raise NotImplementedError

    def release(self) -> None:
        """Free what the node saved for backward (nothing, unless a subclass saves)."""

    @property
    def next_functions(self) -> tuple[tuple[Node | None, int], ...]:
        return tuple(e if e is not None else (None, 0) for e in self._next)

    @property
    def metadata(self) -> dict[str, Any]:
        return {}

    def register_hook(self, fn: Callable[..., Any]) -> RemovableHandle:
        """``fn(grad_inputs, grad_outputs)`` runs after this node; may return new grad_inputs."""
        if self._post_hooks is None:
            self._post_hooks = HookDict()
        self._has_hooks = True
        return add_hook(self._post_hooks, fn)

    def register_prehook(self, fn: Callable[..., Any]) -> RemovableHandle:
        """``fn(grad_outputs)`` runs before this node; may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = HookDict()
        self._has_hooks = True
        return add_hook(self._pre_hooks, fn)

    def _tensor_hook_dict(self, output_nr: int) -> HookDict:
        if self._tensor_hooks is None:
            self._tensor_hooks = {}
        self._has_hooks = True
        return self._tensor_hooks.setdefault(output_nr, HookDict())

    def __call__(self, *grads: Tensor | None) -> Any:
        out = self.apply(list(grads))
        return out[0] if len(out) == 1 else tuple(out)

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"


class AccumulateGrad(Node):
    """The node of a leaf that requires grad: adds incoming gradients into ``.grad``."""

    def __init__(self, variable: Tensor) -> None:
        super().__init__(())
        self.variable = variable
        self._has_hooks = variable._hooks is not None  # its tensor's hooks run here
        self._seq = float("inf")  # type: ignore[assignment]  # leaves run as soon as ready

    def apply(self, grads: list[Tensor | None]) -> list[Tensor | None]:
        g = grads[0]
        if g is None:
            return []
        var = self.variable
        old = var._grad
        if old is None:
            # A fresh copy: the incoming gradient may alias another tensor's gradient.
            var._grad = g.clone() if _grad_state.enabled else g._copy_data()
        elif _grad_state.enabled:
            var._grad = old + g
        else:
            old._inplace_add_raw(g)
        if var._post_acc_hooks:
            for hook in list(var._post_acc_hooks.values()):
                hook(var)
        return []


def accumulator_of(t: Tensor) -> AccumulateGrad:
    """The (cached) AccumulateGrad node of a leaf tensor that requires grad."""
    acc = t._accumulator
    if acc is None:
        acc = t._accumulator = AccumulateGrad(t)
    return acc


def edge_of(t: Tensor) -> tuple[Node, int] | None:
    """Where the gradient of ``t`` flows: its grad_fn, its accumulator, or nowhere."""
    fn = t._grad_fn if t._base is None else t._view_grad_fn()
    if fn is not None:
        return (fn, t._output_nr)
    if t._requires_grad:
        return (accumulator_of(t), 0)
    return None


def increment_version(t: Tensor) -> None:
    t._vc[0] += 1
