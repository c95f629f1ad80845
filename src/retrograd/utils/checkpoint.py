"""Activation checkpointing: keep a region's inputs, recompute its insides during backward.

``checkpoint(fn, *args)`` gives the gradients of ``fn(*args)`` while holding only the
region's inputs and outputs between the forward and the backward pass; what the region's
operations saved for their derivatives is dropped and rebuilt by running ``fn`` again when
backward first needs it, with the random number generator put back in the state it had in
the forward pass so dropout draws the same masks.

Two variants, as in PyTorch:

- ``use_reentrant=True`` runs ``fn`` under ``no_grad`` inside one custom Function; its
  backward reruns ``fn`` with grad enabled and calls ``backward`` on the result (a backward
  inside the backward). Only ``backward()`` without ``inputs=`` is supported.
- ``use_reentrant=False`` records the region's graph as usual, then strips what each of its
  operations saved; the first node of the region that backward reaches recomputes the
  region and hands the recomputed saved values to the recorded nodes, matched in creation
  order. It works with ``autograd.grad`` and ``inputs=``, keyword arguments and tensors
  nested in containers.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from .._ops.creation import get_rng_state, set_rng_state
from .._prims._core import PrimNode
from .._tensor import Tensor
from ..autograd import backward as _backward
from ..autograd.engine import _is_checkpoint_valid
from ..autograd.function import Function
from ..autograd.grad_mode import enable_grad, is_grad_enabled, no_grad
from ..autograd.graph import Node, _seq

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction"]

_DETERMINISM_MODES = ("default", "none")
# What a recorded node needs to stay in the graph; everything else on it is what the
# operation's forward saved for the rule, which non-reentrant checkpointing drops.
_STRUCTURE = frozenset({"_next", "_seq", "prim", "in_meta", "needs_input_grad", "params",
                        "num_outputs", "_out_meta", "_pre_hooks", "_post_hooks",
                        "_tensor_hooks", "_retain_hooks", "_has_hooks", "_freed"})  # fmt: skip


class CheckpointError(RuntimeError):
    """The recomputation did not save what the original forward saved."""


def _noop_context_fn() -> tuple[
    contextlib.AbstractContextManager, contextlib.AbstractContextManager
]:
    return contextlib.nullcontext(), contextlib.nullcontext()


def checkpoint(function: Callable[..., Any], *args: Any, use_reentrant: bool | None = None,
               context_fn: Callable[[], Any] = _noop_context_fn,
               determinism_check: str = "default", **kwargs: Any) -> Any:  # fmt: skip
    """Run ``function(*args, **kwargs)`` without keeping its intermediate values for
    backward; backward recomputes them.

    The gradients are those of the plain call (parameters the function uses from outside
    included), at the cost of running the forward twice.

    Args:
        function: the region to checkpoint (a module or any callable).
        *args: its inputs.
        use_reentrant: which variant (see the module notes). Pass it explicitly: None warns,
            as in PyTorch, and means True. False is recommended.
        context_fn: returns two context managers, for the forward and the recomputation
            (``use_reentrant=False`` only).
        determinism_check: ``"default"`` checks that the recomputation saves tensors of the
            same shapes and dtypes as the forward did; ``"none"`` skips the check.
        preserve_rng_state: keyword; restore the RNG state of the forward for the
            recomputation (default True).
        **kwargs: keyword arguments of ``function`` (``use_reentrant=False`` only).

    Returns:
        What ``function`` returns.

    Example:
        >>> y = checkpoint(block, x, use_reentrant=False)
        >>> y.sum().backward()  # block's forward runs again here
    """
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. "
            "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an "
            "exception. use_reentrant=False is recommended, but if you need to preserve the "
            "current default behavior, you can pass use_reentrant=True. Refer to docs for "
            "more details on the differences between the two variants.",
            stacklevel=2,
        )
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if determinism_check not in _DETERMINISM_MODES:
        raise ValueError(
            f"determinism_check should be one of {list(_DETERMINISM_MODES)}, but got "
            f"{determinism_check}"
        )
    if use_reentrant:
        if context_fn is not _noop_context_fn:
            raise ValueError(
                "Passing `context_fn` or `debug` is only supported when use_reentrant=False."
            )
        return CheckpointFunction.apply(function, preserve, *args)
    return _checkpoint_without_reentrant(
        function, preserve, context_fn, determinism_check, args, kwargs
    )


# ------------------------------------------------------------------ use_reentrant=True
class CheckpointFunction(Function):
    """The reentrant variant: one node whose backward reruns the region and backpropagates
    through the rerun."""

    @staticmethod
    def forward(ctx: Any, run_function: Callable[..., Any], preserve_rng_state: bool,
                *args: Any) -> Any:  # fmt: skip
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            warnings.warn(
                "None of the inputs have requires_grad=True. Gradients will be None",
                stacklevel=2,
            )
        ctx.run_function = run_function
        ctx.rng_state = get_rng_state() if preserve_rng_state else None
        ctx.inputs = [None if isinstance(a, Tensor) else a for a in args]
        ctx.tensor_indices = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        with no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        if not _is_checkpoint_valid():
            raise RuntimeError(
                "When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() "
                "or passing an `inputs` parameter to .backward(). To resolve this error, you "
                "can either set use_reentrant=False, or call .backward() without passing the "
                "`inputs` argument."
            )
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_indices, ctx.saved_tensors):
            inputs[i] = t
        detached = [_detached(a) for a in inputs]
        with _rng_state(ctx.rng_state), enable_grad():
            outputs = ctx.run_function(*detached)
        if isinstance(outputs, Tensor):
            outputs = (outputs,)
        with_grad = [(o, g) for o, g in zip(outputs, grads)
                     if isinstance(o, Tensor) and o.requires_grad]  # fmt: skip
        if not with_grad:
            raise RuntimeError(
                "none of output has requires_grad=True, this checkpoint() is not necessary"
            )
        _backward([o for o, _ in with_grad], [g for _, g in with_grad])
        grads_in = tuple(a.grad if isinstance(a, Tensor) else None for a in detached)
        return (None, None) + grads_in


def _detached(a: Any) -> Any:
    if not isinstance(a, Tensor):
        return a
    x = a.detach()
    x.requires_grad = a.requires_grad
    return x


@contextlib.contextmanager
def _rng_state(state: Tensor | None) -> Iterator[None]:
    """Run with the default generator in ``state``, then put back the state it had."""
    if state is None:
        yield
        return
    outer = get_rng_state()
    set_rng_state(state)
    try:
        yield
    finally:
        set_rng_state(outer)


# ------------------------------------------------------------------ use_reentrant=False
def _checkpoint_without_reentrant(
    function: Callable[..., Any],
    preserve: bool,
    context_fn: Callable[[], Any],
    determinism_check: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    forward_ctx, recompute_ctx = context_fn()
    if not is_grad_enabled():  # no graph, nothing saved: nothing to drop
        with forward_ctx:
            return function(*args, **kwargs)
    rng = get_rng_state() if preserve else None
    start = next(_seq)
    with forward_ctx:
        out = function(*args, **kwargs)
    nodes = _region_prims(out, start, next(_seq))
    if nodes:
        region = _Region(function, args, kwargs, rng, recompute_ctx, determinism_check, nodes)
        region.strip()
    return out


def _tensors_in(obj: Any) -> Iterator[Tensor]:
    if isinstance(obj, Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            yield from _tensors_in(o)
    elif isinstance(obj, dict):
        for o in obj.values():
            yield from _tensors_in(o)


def _region_prims(out: Any, start: int, end: int) -> list[PrimNode]:
    """The primitive nodes recorded between ``start`` and ``end`` that ``out`` depends on,
    in creation order (the order the recomputation records them in again)."""
    seen: set[Node] = set()
    stack = [t.grad_fn for t in _tensors_in(out) if t.grad_fn is not None]
    found = []
    while stack:
        node = stack.pop()
        if node in seen or not (start < node._seq < end):
            continue
        seen.add(node)
        if isinstance(node, PrimNode):
            found.append(node)
        stack.extend(e[0] for e in node._next if e is not None)
    return sorted(found, key=lambda n: n._seq)


def _saved_meta(node: PrimNode) -> list[tuple[Any, ...]]:
    meta = []
    for kind, obj, *_ in node.__dict__.get("_saved") or ():
        arr = obj._data if kind == "in" else obj
        meta.append((tuple(arr.shape), arr.dtype))
    return meta


class _Region:
    """One checkpointed call: its recorded nodes and what it takes to rebuild their saves."""

    def __init__(self, function: Callable[..., Any], args: tuple[Any, ...],
                 kwargs: dict[str, Any], rng: Tensor | None, recompute_ctx: Any,
                 determinism_check: str, nodes: list[PrimNode]) -> None:  # fmt: skip
        self.function, self.args, self.kwargs = function, args, kwargs
        self.rng, self.recompute_ctx, self.check = rng, recompute_ctx, determinism_check
        self.nodes = nodes
        self.meta = [_saved_meta(n) for n in nodes]
        self.versions = [(t, t._vc[0]) for t in _tensors_in((args, kwargs))]
        self.handles: list[Any] = []
        self.done = False

    def strip(self) -> None:
        """Drop what the region's nodes saved; each will ask for it back before it runs."""
        for node in self.nodes:
            notes = [k for k in node.__dict__ if k not in _STRUCTURE]
            for k in notes:
                del node.__dict__[k]
            if notes:
                self.handles.append(node.register_prehook(self._prehook))

    def _prehook(self, grads: Any) -> None:
        if not self.done:
            self.recompute()

    def recompute(self) -> None:
        for t, version in self.versions:
            if t._vc[0] != version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified "
                    f"by an inplace operation: [{t.type()} {list(t.shape)}], an input of a "
                    f"checkpointed region, is at version {t._vc[0]}; expected version "
                    f"{version} instead. Hint: clone() it before modifying it."
                )
        # On the inputs themselves, so the recomputed saved values keep their history: a
        # backward with create_graph=True differentiates through them to the inputs.
        with _rng_state(self.rng), enable_grad(), self.recompute_ctx:
            start = next(_seq)
            out = self.function(*self.args, **self.kwargs)
            fresh = _region_prims(out, start, next(_seq))
        self._check(fresh)
        for old, new in zip(self.nodes, fresh):
            for k, v in new.__dict__.items():
                if k not in _STRUCTURE:
                    old.__dict__[k] = v
        self.done = True
        for h in self.handles:
            h.remove()
        # the inputs are held by the saved values where the rules need them, no longer here
        del self.args, self.kwargs, self.versions

    def _check(self, fresh: list[PrimNode]) -> None:
        before = sum(len(m) for m in self.meta)
        after = sum(len(_saved_meta(n)) for n in fresh)
        same_ops = len(fresh) == len(self.nodes) and all(
            a.prim is b.prim for a, b in zip(self.nodes, fresh)
        )
        if not same_ops or before != after:
            raise CheckpointError(
                "torch.utils.checkpoint: A different number of tensors was saved during the "
                "original forward and recomputation.\n"
                f"Number of tensors saved during forward: {before}\n"
                f"Number of tensors saved during recomputation: {after}"
            )
        if self.check == "none":
            return
        for node, meta, new in zip(self.nodes, self.meta, fresh):
            got = _saved_meta(new)
            if got != meta:
                raise CheckpointError(
                    "torch.utils.checkpoint: Recomputed values for the following tensors have "
                    f"different metadata than during the forward pass.\nsaved by "
                    f"{node.name()}: {_describe(meta)} before, {_describe(got)} recomputed"
                )


def _describe(meta: list[tuple[Any, ...]]) -> str:
    return ", ".join(f"{list(shape)} {dt}" for shape, dt in meta)


# ------------------------------------------------------------------ sequential models
def checkpoint_sequential(functions: Any, segments: int, input: Tensor,
                          use_reentrant: bool | None = None, **kwargs: Any) -> Any:  # fmt: skip
    """Run a sequence of modules or functions, checkpointing all but the last segment.

    Args:
        functions: an ``nn.Sequential`` or a list of modules/functions, run in order.
        segments: how many chunks to split them into; each but the last is checkpointed.
        input: the tensor fed to the first function.
        use_reentrant: as in :func:`checkpoint` (None warns and means True).
        preserve_rng_state: keyword; as in :func:`checkpoint`.

    Returns:
        The last function's output.

    Example:
        >>> model = nn.Sequential(*[nn.Linear(8, 8) for _ in range(6)])
        >>> y = checkpoint_sequential(model, 3, x, use_reentrant=False)
    """
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should "
            "be passed explicitly. In version 2.9 we will raise an exception if use_reentrant "
            "is not passed. use_reentrant=False is recommended, but if you need to preserve "
            "the current default behavior, you can pass use_reentrant=True. Refer to docs for "
            "more details on the differences between the two variants.",
            stacklevel=2,
        )
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    from ..nn.modules.container import Sequential

    if isinstance(functions, Sequential):
        functions = list(functions.children())

    def run(start: int, end: int) -> Callable[[Any], Any]:
        def forward(x: Any) -> Any:
            for j in range(start, end + 1):
                x = functions[j](x)
            return x

        return forward

    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)  # fmt: skip
    return run(end + 1, len(functions) - 1)(input)
