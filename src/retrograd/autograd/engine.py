"""The backward engine: from root gradients to leaf ``.grad`` (or to captured gradients).

1. Validate the roots and their gradients (implicit ones only for single-element outputs).
2. Discover the graph iteratively and count each node's incoming edges.
3. With ``inputs=`` or ``grad()``, keep only the nodes on a path to a target.
4. Run ready nodes, most recently created first: take the node's gradient buffer, run
   tensor hooks and ``retain_grad``, capture targets, run pre-hooks, the node, post-hooks,
   release its saved tensors unless ``retain_graph``, and add its results into the buffers
   of the nodes it feeds, pushing each one whose count reaches zero.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._fpe import quiet_off as _quiet_off
from .._fpe import quiet_on as _quiet_on
from . import graph as _graph
from .grad_mode import state as _grad_state

if TYPE_CHECKING:
    from .._tensor import Tensor

_Node = _graph.Node
_AccumulateGrad = _graph.AccumulateGrad
_T: Any = None  # the Tensor class, set by _tensor.py (avoids an import cycle)
# per running pass (innermost last): whether it computes only some targets (grad(), inputs=)
_partial_passes: list[bool] = []


def _is_checkpoint_valid() -> bool:
    """False inside a pass that computes only some targets, where a backward run from a rule
    (reentrant checkpointing) could not know what to compute, as in PyTorch."""
    return not (_partial_passes and _partial_passes[-1])


def _as_tuple(x: Any) -> tuple[Any, ...]:
    if x is None:
        return ()
    if isinstance(x, _T):
        return (x,)
    return tuple(x)


def _make_grads(outputs: Sequence[Tensor], grads: Sequence[Any]) -> list[Tensor]:
    """Check or create the gradient of each root (PyTorch's ``_make_grads``)."""
    if len(grads) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")
    out = []
    for i, (t, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if t.requires_grad and t._data.size != 1:
                raise RuntimeError(
                    "grad can be implicitly created only for scalar outputs "
                    f"(output {i} has shape {list(t._data.shape)}; pass gradient= with that "
                    "shape)"
                )
            if t.requires_grad and not t.is_floating_point():
                raise RuntimeError(
                    f"grad can be implicitly created only for real scalar outputs but got {t.dtype}"
                )
            a = t._data
            g = _T._wrap(np.ones(a.shape, a.dtype) if a.ndim else np.array(1, a.dtype))
        elif isinstance(g, _T):
            if g._data.shape != t._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                    f"output[{i}] has a shape of {t.shape}."
                )
            if g.is_complex() != t.is_complex():
                raise RuntimeError(
                    "For complex Tensors, both grad_output and output are required to have "
                    f"the same dtype. Mismatch in dtype: grad_output[{i}] has a dtype of "
                    f"{g.dtype} and output[{i}] has a dtype of {t.dtype}."
                )
            if g._data.dtype != t._data.dtype:
                g = g.to(t.dtype)
        else:
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        out.append(g)
    return out


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, grad_variables: Any = None,
             inputs: Any = None) -> None:  # fmt: skip
    """Accumulate gradients of ``tensors`` into the ``.grad`` of the graph's leaves.

    Args:
        tensors: tensors whose gradients are computed.
        grad_tensors: the gradient w.r.t. each tensor (None for single-element ones).
        retain_graph: keep saved tensors for another backward (default: create_graph).
        create_graph: record the backward pass so gradients can be differentiated.
        inputs: only these tensors accumulate ``.grad`` (leaves or not).
    """
    if grad_variables is not None:
        grad_tensors = grad_variables
    if type(tensors) is _T and grad_tensors is None and inputs is None:
        # the everyday ``loss.backward()``: one real single-element root, implicit gradient
        a = tensors._data
        if a.size == 1 and a.dtype.kind in "fV":
            g = _T._wrap(np.ones(a.shape, a.dtype) if a.ndim else np.array(1, a.dtype))
            keep = create_graph if retain_graph is None else retain_graph
            _run((tensors,), [g], keep, create_graph, None, accumulate=True)
            return
    tensors = _as_tuple(tensors)
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if len(inputs) == 0:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    gt = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    grads = _make_grads(tensors, gt)
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None:
        for t in inputs:
            if t._grad_fn is not None:
                t.retain_grad()
    _run(tensors, grads, retain_graph, create_graph, inputs, accumulate=True)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False,
         materialize_grads: bool = False) -> tuple[Tensor | None, ...]:  # fmt: skip
    """Return the gradients of ``outputs`` w.r.t. ``inputs`` without touching ``.grad``.

    Args:
        outputs: tensors to differentiate.
        inputs: tensors to differentiate with respect to.
        grad_outputs: gradient w.r.t. each output (None for single-element outputs).
        retain_graph: keep saved tensors (default: create_graph).
        create_graph: record the backward pass, for higher-order derivatives.
        allow_unused: return None for inputs not reached instead of raising.
        is_grads_batched: the first dim of each grad_output is a batch of vectors.
        materialize_grads: return zeros instead of None for unused inputs.
    """
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, "
            "but got: allow_unused=False."
        )
    if allow_unused is None:
        allow_unused = materialize_grads
    single = isinstance(inputs, _T)
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    for i, t in enumerate(inputs):
        if not isinstance(t, _T):
            raise TypeError(f"inputs[{i}] must be a Tensor, got {type(t).__name__}")
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    go = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    if is_grads_batched:
        return _batched_grad(outputs, inputs, go, create_graph, allow_unused, materialize_grads)
    grads = _make_grads(outputs, go)
    result = _run(outputs, grads, retain_graph, create_graph, inputs, accumulate=False)
    out = []
    for i, (t, g) in enumerate(zip(inputs, result)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior."
                )
            if materialize_grads:
                import numpy as np

                g = _T._wrap(np.zeros_like(t._data))
        out.append(g)
    del single
    return tuple(out)


def _batched_grad(outputs: Sequence[Tensor], inputs: Sequence[Tensor], go: Sequence[Any],
                  create_graph: bool, allow_unused: bool,
                  materialize_grads: bool) -> tuple[Tensor | None, ...]:  # fmt: skip
    """``is_grads_batched``: one backward per slice of the grad_outputs, results stacked."""
    from .._ops.shape_ops import stack

    n = {g.shape[0] for g in go if g is not None}
    if len(n) != 1:
        raise RuntimeError("is_grads_batched needs grad_outputs with one common batch size")
    rows = [
        grad(outputs, inputs, [g[b] if g is not None else None for g in go], True,
             create_graph, allow_unused=allow_unused, materialize_grads=materialize_grads)
        for b in range(n.pop())
    ]  # fmt: skip
    return tuple(None if col[0] is None else stack(list(col)) for col in zip(*rows))


def _discover(roots: list[_Node]) -> dict[_Node, int]:
    """Count the incoming edges of every node reachable from the roots (iteratively)."""
    deps: dict[_Node, int] = dict.fromkeys(roots, 0)
    stack = list(deps)
    push = stack.append
    while stack:
        for e in stack.pop()._next:
            if e is not None:
                child = e[0]
                if child in deps:
                    deps[child] += 1
                else:
                    deps[child] = 1
                    if child._next:  # leaves (AccumulateGrad) have nothing to visit
                        push(child)
    return deps


def _needed(deps: dict[_Node, int], targets: set[_Node]) -> set[_Node]:
    """Nodes with a path to a target. Inputs are created before the nodes that use them,
    so one pass in creation order settles every node after its inputs."""
    needed = set(targets)
    for node in sorted(deps, key=lambda n: n._seq):
        if node not in needed:
            for e in node._next:
                if e is not None and e[0] in needed:
                    needed.add(node)
                    break
    return needed


def _check_hook_value(hook: Any, old: Any, new: Any) -> None:
    """PyTorch's checks on a gradient a hook returned in place of ``old``."""
    if new is None:
        return
    if old is None:
        raise RuntimeError("can't replace a None gradient with a non-None value")
    name = getattr(hook, "__name__", repr(hook))
    if not isinstance(new, _T):
        raise TypeError(f"expected Tensor, but hook '{name}' returned '{type(new).__name__}'")
    if new._data.dtype != old._data.dtype:
        raise RuntimeError(
            f"hook '{name}' has changed the type of value (was "
            f"{_T._type_name(old._data.dtype)} got {_T._type_name(new._data.dtype)})"
        )
    if new._data.shape != old._data.shape:
        raise RuntimeError(
            f"hook '{name}' has changed the size of value (was {list(old._data.shape)} got "
            f"{list(new._data.shape)})"
        )


def _check_hook_values(hook: Any, old: Sequence[Any], new: Any) -> list[Any]:
    """What a node hook returned: one gradient (or None) per entry of ``old``."""
    new = list(new)
    if len(new) != len(old):
        name = getattr(hook, "__name__", repr(hook))
        raise RuntimeError(
            f"hook '{name}' has returned an incorrect number of values (got {len(new)}, but "
            f"expected {len(old)})"
        )
    for o, n in zip(old, new):
        _check_hook_value(hook, o, n)
    return new


def _run_tensor_hooks(hooks: Any, grads: list[Any], nr: int) -> None:
    for hook in list(hooks.values()):
        if grads[nr] is None:
            break
        r = hook(grads[nr])
        if r is not None:
            _check_hook_value(hook, grads[nr], r)
            grads[nr] = r


def _call_tensor_hooks(node: _Node, grads: list[Any]) -> None:
    """Hooks registered on the tensors this node produced, then retain_grad's updates."""
    th = node._tensor_hooks
    if th is not None:
        for nr, hooks in th.items():
            _run_tensor_hooks(hooks, grads, nr)
    if type(node) is _AccumulateGrad and node.variable._hooks:
        _run_tensor_hooks(node.variable._hooks, grads, 0)
    rh = node._retain_hooks
    if rh is not None:
        for nr, fn in rh.items():
            if grads[nr] is not None:
                fn(grads[nr])


def _plan(
    deps: dict[_Node, int], targets: Sequence[Tensor], accumulate: bool
) -> tuple[dict[_Node, list[tuple[int, int]]], set[_Node], set[_Node]]:
    """For ``inputs=``/``grad()``: where to capture each target's gradient, which nodes lie
    on a path to a target, and which of those must run."""
    captures: dict[_Node, list[tuple[int, int]]] = {}
    target_nodes = set()
    for k, t in enumerate(targets):
        e = _graph.edge_of(t)
        if e is None:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        target_nodes.add(e[0])
        if not accumulate:
            captures.setdefault(e[0], []).append((e[1], k))
    needed = _needed(deps, target_nodes)
    executes = {n for n in needed if n not in target_nodes or accumulate or
                any(e is not None and e[0] in needed for e in n._next)}  # fmt: skip
    return captures, needed, executes


def _run(roots: Sequence[Tensor], root_grads: list[Tensor], retain_graph: bool,
         create_graph: bool, targets: Sequence[Tensor] | None,
         accumulate: bool) -> list[Any]:  # fmt: skip
    root_edges = []
    for i, t in enumerate(roots):
        e = _graph.edge_of(t)
        if e is None:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        root_edges.append(e)
    deps = _discover([e[0] for e in root_edges])
    if targets is None:
        captures: dict[_Node, list[tuple[int, int]]] = {}
        needed = executes = None
        captured: list[Any] = []
    else:
        captures, needed, executes = _plan(deps, targets, accumulate)
        captured = [None] * len(targets)

    buffers: dict[_Node, list[Any]] = {}
    for (node, nr), g in zip(root_edges, root_grads):
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node.num_outputs
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    tie = 0
    heap = []
    for node in buffers:
        if deps[node] == 0:
            heap.append((-node._seq, tie, node))
            tie += 1
    heapq.heapify(heap)
    pop, push = heapq.heappop, heapq.heappush

    prev_mode = _grad_state.enabled
    _grad_state.enabled = create_graph
    # Rules meet inf * 0 and the like at edges (pow at a zero base...), where PyTorch is
    # silent: NumPy's floating-point warnings are off for the pass (one switch per pass).
    quiet = _quiet_on()
    _partial_passes.append(targets is not None)
    try:
        while heap:
            node = pop(heap)[2]
            grads = buffers.pop(node)
            if executes is not None:
                runs = node in executes
                # As in PyTorch: a node that will run is captured before its tensor hooks
                # (they run as part of the node); one that won't run is captured after them.
                if not runs:
                    _call_tensor_hooks(node, grads)
                cap = captures.get(node)
                if cap is not None:
                    for nr, k in cap:
                        captured[k] = grads[nr]
                if not runs:
                    continue
            if node._has_hooks:
                _call_tensor_hooks(node, grads)
                out = _call_node(node, grads)
            else:
                out = node.apply(grads)
            if not retain_graph:
                node.release()
            for e, g in zip(node._next, out):
                if e is None:
                    continue
                child = e[0]
                if needed is not None and child not in needed:
                    continue
                buf = buffers.get(child)
                if buf is None:
                    buf = buffers[child] = [None] * child.num_outputs
                if g is not None:
                    old = buf[e[1]]
                    buf[e[1]] = g if old is None else old + g
                d = deps[child] - 1
                deps[child] = d
                if d == 0:
                    push(heap, (-child._seq, tie, child))
                    tie += 1
    finally:
        _grad_state.enabled = prev_mode
        _quiet_off(quiet)
        _partial_passes.pop()
    return captured


def _call_node(node: _Node, grads: list[Any]) -> list[Any]:
    """Pre-hooks, the node itself, post-hooks."""
    if node._pre_hooks:
        for hook in list(node._pre_hooks.values()):
            r = hook(tuple(grads))
            if r is not None:
                grads = _check_hook_values(hook, grads, r)
    out = node.apply(grads)
    if node._post_hooks:
        for hook in list(node._post_hooks.values()):
            r = hook(tuple(out), tuple(grads))
            if r is not None:
                out = _check_hook_values(hook, out, r)
    return out
