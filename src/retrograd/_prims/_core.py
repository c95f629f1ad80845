"""The primitive machinery: how a derivative rule is stated, and what ``apply`` does for all.

A primitive states, side by side, its NumPy ``forward``, what it saves, its ``vjp`` in
retrograd's own differentiable ops and its ``jvp``. Everything generic lives here and only
here: recording a node when grad mode is on and some input requires grad, version snapshots
of saved tensors, freeing them after backward, summing broadcast gradients back to each
input's shape, casting gradients to each input's dtype, checking what a rule returned, and
forward-mode tangents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..autograd import forward_ad as _fw
from ..autograd.grad_mode import state as _grad_state
from ..autograd.graph import Node, _seq, accumulator_of

if TYPE_CHECKING:
    from .._tensor import Tensor

_Tensor: Any = None  # the Tensor class, set by _tensor.py (avoids an import cycle)

FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


class Ctx:
    """Per-call state of a primitive: saved tensors (with version snapshots), flags and any
    plain attributes ``forward`` chooses to keep (shapes, index arrays, masks...)."""

    needs_input_grad: tuple[bool, ...]
    params: dict[str, Any]
    _saved: list[tuple[Any, ...]] | None = None
    _freed = False
    _out_meta: list[tuple[tuple[int, ...], np.dtype]]  # shapes/dtypes of several outputs
    _out_fw: dict[int, Tensor] | None = None  # the saved output's forward tangents

    @property
    def saved_tensors(self) -> tuple[Tensor, ...]:
        if self._freed:
            raise RuntimeError(FREED_MSG)
        if not self._saved:
            return ()
        # fast path: a saved input whose version is unchanged is returned as is
        return tuple(s[1] if s[0] == "in" and s[3][0] == s[2] else _unpack(self, s)
                     for s in self._saved)  # fmt: skip


def _unpack(ctx: Ctx, saved: tuple[Any, ...]) -> Tensor:
    """Rebuild a saved tensor, failing if it was modified in place since it was saved."""
    kind, obj, version, vc, producer = saved
    if vc[0] != version:
        node = getattr(ctx, "_node", None)
        arr = obj if kind == "out" else obj._data
        who = ""
        if kind == "in":  # named by its history now, as PyTorch does
            fn = obj._grad_fn
            if fn is not None:
                who = f", which is output {obj._output_nr} of {fn.name()},"
        elif producer:
            who = f", which is output {producer[1]} of {producer[0]},"
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [{_Tensor._type_name(arr.dtype)} {list(arr.shape)}]{who} is "
            f"at version {vc[0]}; expected version {version} instead"
            + (f" (it was saved by {node.name()})" if node is not None else "")
            + ". Hint: the in-place change came after the tensor was used; clone() it before "
            "modifying it, or do the in-place change out of place."
        )
    if kind == "in":
        return obj
    # A saved output is kept as its array so no tensor -> node -> tensor cycle exists;
    # it comes back as a fresh tensor whose grad_fn is this node.
    t = _Tensor._wrap(obj)
    t._vc = vc
    fw = getattr(ctx, "_out_fw", None)
    if fw is not None:
        t._fw = fw
    node = getattr(ctx, "_node", None)
    if node is not None and _grad_state.enabled:
        t._grad_fn = node
        t._output_nr = 0
    return t


class Primitive:
    """Base of all derivative rules. Subclasses set the class attributes and methods.

    - ``forward(ctx, *arrays, **params)``: NumPy in, NumPy out (a tuple for several outputs).
    - ``save_inputs``: indices of inputs ``vjp`` needs; ``save_output``: whether it needs
      output 0. ``ctx.saved_tensors`` returns them in that order (inputs, then output).
    - ``vjp(ctx, *grad_outputs)``: one gradient or None per input, in Tensor ops, consulting
      ``ctx.needs_input_grad``. Gradients may have a broadcast shape; apply() sums them back.
    - ``jvp(ctx, *tangents)``: tangent of each output; ``ctx.inputs``/``ctx.out`` are the
      primal tensors; a missing tangent is None (a symbolic zero).
    - ``differentiable_outputs``: which outputs carry gradients (indices are not).
    - ``view``: output 0 is a view of input 0 (shares memory and version counter).
    """

    name: ClassVar[str] = ""
    node_name: ClassVar[str] = ""
    save_inputs: ClassVar[tuple[int, ...]] = ()
    save_output: ClassVar[bool] = False
    differentiable_outputs: ClassVar[tuple[int, ...]] = (0,)
    view: ClassVar[bool] = False

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if "name" not in cls.__dict__:
            cls.name = cls.__name__
        if "node_name" not in cls.__dict__:
            cls.node_name = cls.name + "Backward0"

    @staticmethod
    def forward(ctx: Ctx, *arrays: Any, **params: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def vjp(ctx: Ctx, *grads: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def jvp(ctx: Ctx, *tangents: Tensor | None) -> Any:
        raise NotImplementedError


class PrimNode(Node, Ctx):
    """The grad_fn of a primitive's outputs, and the context its rule reads: saved tensors,
    ``needs_input_grad``, ``params`` and whatever ``forward`` noted. One object per recorded
    operation, as in PyTorch, where the node is the context."""

    def __init__(self, prim: type[Primitive], edges: list[Any], in_meta: list[Any],
                 needs: tuple[bool, ...]) -> None:  # fmt: skip
        self._next = edges  # Node.__init__, inlined: one node is made per recorded op
        self._seq = next(_seq)
        self.prim = prim
        self.in_meta = in_meta
        self.needs_input_grad = needs

    @property
    def _node(self) -> PrimNode:
        # what _unpack names in its errors and gives saved outputs as their grad_fn
        return self

    def name(self) -> str:
        return self.prim.node_name

    def apply(self, grads: list[Tensor | None]) -> list[Tensor | None]:
        prim = self.prim
        if len(grads) == 1:
            if grads[0] is None:
                return [None] * len(self._next)
        elif all(g is None for g in grads):
            return [None] * len(self._next)
        else:
            diff = prim.differentiable_outputs
            grads = [g if g is not None or i not in diff else _zeros_for(self, i)
                     for i, g in enumerate(grads)]  # fmt: skip
        out = prim.vjp(self, *grads)
        if not isinstance(out, (tuple, list)):
            out = (out,)
        if len(out) != len(self._next):
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of gradients "
                f"(expected {len(self._next)}, got {len(out)})"
            )
        res: list[Tensor | None] = []
        for g, meta in zip(out, self.in_meta):
            if g is None or meta is None:
                res.append(None)
            else:
                a = g._data
                if a.shape == meta[0] and a.dtype == meta[1]:
                    res.append(g)
                else:
                    res.append(_fit_grad(self, len(res), g, meta))
        return res

    def release(self) -> None:
        """Free saved tensors; a later backward through this node raises."""
        if self._saved is not None:
            self._saved = None
            self._freed = True
            self._out_fw = None  # the saved output's tangent goes with it


def _zeros_for(ctx: Ctx, i: int) -> Tensor:
    shape, dt = ctx._out_meta[i]
    return _Tensor._wrap(np.zeros(shape, dt))


def _fit_grad(node: Node, i: int, g: Tensor, meta: tuple[Any, ...]) -> Tensor:
    """Sum a broadcast gradient back to the input's shape and cast it to the input's dtype."""
    shape, dt = meta
    gshape = g._data.shape
    if gshape != shape:
        from .._ops.shape_ops import sum_to

        try:
            g = sum_to(g, shape)
        except ValueError:
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {i} - got "
                f"{list(gshape)} but expected shape compatible with {list(shape)}"
            ) from None
    gdt = g._data.dtype
    if gdt != dt:
        if gdt.kind == "c" and dt.kind != "c":
            g = g.real
        from .._ops.elementwise_ops import to_dtype_np

        g = to_dtype_np(g, dt)
    return g


def apply(prim: type[Primitive], *inputs: Tensor, **params: Any) -> Any:
    """Run ``prim`` on tensors; record a node when grad mode is on and an input needs grad.

    Returns one tensor, or a tuple when the forward returns several arrays.
    """
    if not (_grad_state.enabled or _fw.active or prim.view):
        # nothing to record (e.g. rules running in a plain backward): no context to keep
        n = len(inputs)
        if n == 2:
            out = prim.forward(_SCRATCH, inputs[0]._data, inputs[1]._data, **params)
        elif n == 1:
            out = prim.forward(_SCRATCH, inputs[0]._data, **params)
        else:
            out = prim.forward(_SCRATCH, *[t._data for t in inputs], **params)
        if type(out) is np.ndarray:
            return _Tensor._wrap(out)
        if type(out) is tuple:
            return tuple(_Tensor._wrap(np.asarray(o)) for o in out)
        return _Tensor._wrap(np.asarray(out))
    if len(inputs) == 1:
        return _apply(prim, inputs, [inputs[0]._data], params)
    return _apply(prim, inputs, [t._data for t in inputs], params)


_SCRATCH = Ctx()  # a context no one reads back: forward's notes go here when not recording


def apply_promoted(prim: type[Primitive], dt: np.dtype, *inputs: Tensor, **params: Any) -> Any:
    """``apply`` on inputs computed in the promoted dtype ``dt``; gradients are cast back to
    each input's own dtype, so no conversion node enters the graph (as in PyTorch)."""
    arrays = [t._data if t._data.dtype == dt else t._data.astype(dt) for t in inputs]
    return _apply(prim, inputs, arrays, params)


def _apply(prim: type[Primitive], inputs: tuple[Tensor, ...], arrays: list[np.ndarray],
           params: dict[str, Any]) -> Any:  # fmt: skip
    node = _new_node(prim, inputs) if _grad_state.enabled else None
    ctx = Ctx() if node is None else node
    ctx.params = params
    out = prim.forward(ctx, *arrays, **params)
    if type(out) is tuple:
        results = [_Tensor._wrap(o if type(o) is np.ndarray else np.asarray(o)) for o in out]
    else:
        results = [_Tensor._wrap(out if type(out) is np.ndarray else np.asarray(out))]
    if prim.view and getattr(ctx, "is_view", True):
        base = inputs[0]
        r = results[0]
        r._vc = base._vc
        r._base = base._base if base._base is not None else base
        r._view_chain = base._view_chain + ((prim, params),)
    if node is not None:
        _record(node, prim, inputs, results)
    if _fw.active and any(t._fw is not None for t in inputs):
        _fw.propagate(prim, ctx, inputs, results)
        if prim.save_output and results[0]._fw is not None:
            # the saved output keeps its tangent: forward-over-reverse through the rule
            ctx._out_fw = results[0]._fw
    return results[0] if type(out) is not tuple else tuple(results)


def _new_node(prim: type[Primitive], inputs: tuple[Tensor, ...]) -> PrimNode | None:
    """The node for this call when some input requires grad (None otherwise)."""
    edges: list[Any] = []
    meta: list[Any] = []
    needs: list[bool] = []
    for t in inputs:
        fn = t._grad_fn
        if fn is not None:
            base = t._base
            if base is not None and base._grad_fn is not None and base._grad_fn._seq > fn._seq:
                fn = t._view_grad_fn()  # the base changed in place since: regenerate
            edges.append((fn, t._output_nr))
        elif t._requires_grad:
            edges.append((accumulator_of(t), 0))
        else:
            edges.append(None)
            meta.append(None)
            needs.append(False)
            continue
        needs.append(True)
        a = t._data
        meta.append((a.shape, a.dtype))
    if True not in needs:
        return None
    return PrimNode(prim, edges, meta, tuple(needs))


def _record(node: PrimNode, prim: type[Primitive], inputs: tuple[Tensor, ...],
            results: list[Tensor]) -> None:  # fmt: skip
    """Save what the rule needs (with version snapshots) and make the node the outputs'
    grad_fn."""
    if len(results) > 1:
        node.num_outputs = len(results)
        node._out_meta = [(r._data.shape, r._data.dtype) for r in results]
    saved: list[tuple[Any, ...]] = []
    for i in prim.save_inputs:
        t = inputs[i]
        saved.append(("in", t, t._vc[0], t._vc, None))
    if prim.save_output:
        r0 = results[0]
        # the name, not the node itself: a node holding itself would be a reference cycle
        saved.append(("out", r0._data, r0._vc[0], r0._vc, (prim.node_name, 0)))
    node._saved = saved
    for k in prim.differentiable_outputs:
        r = results[k]
        if r._data.dtype.kind in "fcV":  # V: bfloat16
            r._grad_fn = node
            r._output_nr = k
