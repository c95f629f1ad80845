"""Custom differentiable operations, under PyTorch's ``torch.autograd.Function`` API.

A subclass states ``forward`` and ``backward`` (and optionally ``jvp``) as static methods.
``apply`` runs the forward without recording a graph, then attaches one node,
``<Name>Backward``, to the outputs. That node is also the ``ctx`` the methods receive, as in
PyTorch, so whatever forward keeps on ``ctx`` is what backward finds there and
``y.grad_fn.saved_tensors`` works. Saved tensors get the same version checks and freeing as
the primitives' (``_prims/_core.py``), and returned gradients the same shape and dtype fitting.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .._prims import _core
from . import forward_ad as _fw
from .grad_mode import no_grad
from .grad_mode import state as _grad_state
from .graph import Node, accumulator_of, edge_of

if TYPE_CHECKING:
    from .._tensor import Tensor

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable"]

_ONCE_MSG = "trying to differentiate twice a function that was marked with @once_differentiable"
_VIEW_DIRTY_MSG = (
    "If your Function modifies inplace an input that is a view of another Tensor, your Function "
    "cannot return more than one Tensor. This is not supported by the current autograd engine. "
    "You should either make sure the input is not a view (using .clone() for example) or make "
    "your Function only return one Tensor (potentially splitting it into two Functions: one "
    "doing the inplace that returns a single Tensor and a second one that does the other "
    "operations)."
)
_SAVED_AS_IS_MSG = (
    "An input that has been returned as-is as output is being saved for backward. This is not "
    "supported if you override setup_context. You should return and save a view of the input "
    "instead, e.g. with x.view_as(x) or setup ctx inside the forward function itself."
)


class FunctionCtx:
    """What ``forward`` (or ``setup_context``) records on ``ctx`` for ``backward``/``jvp``.

    Plain attributes may be set freely (``ctx.dim = dim``); tensors go through
    ``save_for_backward`` so they are version-checked and freed after backward.
    """

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep tensors for ``backward``, which reads them back from ``ctx.saved_tensors``.

        Reading them fails if one was modified in place after being saved, or after a
        backward without ``retain_graph`` freed them. Call it at most once.

        Args:
            *tensors: inputs, outputs or intermediates of ``forward``, or None.

        Example:
            >>> class Exp(retrograd.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         y = x.exp()
            ...         ctx.save_for_backward(y)
            ...         return y
            ...     @staticmethod
            ...     def backward(ctx, g):
            ...         (y,) = ctx.saved_tensors
            ...         return g * y
        """
        self.to_save = tensors

    def save_for_forward(self, *tensors: Tensor | None) -> None:
        """Keep tensors for ``jvp``, which reads them from ``ctx.saved_tensors``.

        Args:
            *tensors: tensors (or None) the tangent formula needs.
        """
        for t in tensors:
            if not (t is None or isinstance(t, _core._Tensor)):
                raise AssertionError(
                    "save_for_forward expects all arguments to be tensors; you should save "
                    "non-tensors as attributes on ctx."
                )
        self.saved_for_forward = tensors

    def mark_dirty(self, *args: Tensor) -> None:
        """Declare the inputs that ``forward`` modified in place; each must be returned.

        Their version counters are bumped and their history is rebased onto this node.
        """
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args: Tensor) -> None:
        """Declare outputs that carry no gradient (indices, masks): they do not require grad,
        and ``backward`` receives zeros for them (None without materialized grads)."""
        self.non_differentiable = args

    def set_materialize_grads(self, value: bool) -> None:
        """Whether missing output gradients reach ``backward`` (and missing input tangents
        reach ``jvp``) as zeros (the default) or as None."""
        self.materialize_grads = value


class BackwardCFunction(Node, FunctionCtx):
    """The grad_fn of a custom Function's outputs, and the ``ctx`` its methods receive.

    Each ``Function`` subclass gets its own subclass of this, named ``<Name>Backward``.
    """

    _forward_cls: ClassVar[type[Function]]

    def __init__(self) -> None:
        super().__init__(())
        self.materialize_grads = True
        self.needs_input_grad: tuple[bool, ...] = ()
        self.in_meta: tuple[tuple[tuple[int, ...], np.dtype] | None, ...] = ()
        self._tensor_input: tuple[bool, ...] = ()
        self._out_meta: list[tuple[tuple[int, ...], np.dtype] | None] = []
        self._saved: list[tuple[Any, ...] | None] | None = None
        self._freed = False
        self._fw_saved: tuple[Tensor | None, ...] | None = None  # set while jvp runs

    @property
    def _node(self) -> BackwardCFunction:
        # what _core._unpack names in its errors and gives saved outputs as grad_fn
        return self

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        """The tensors given to ``save_for_backward`` (in ``jvp``: to ``save_for_forward``)."""
        if self._fw_saved is not None:
            return self._fw_saved
        if self._freed:
            raise RuntimeError(_core.FREED_MSG)
        if not self._saved:
            return ()
        return tuple(None if s is None else self._unpack(s) for s in self._saved)

    def _unpack(self, saved: tuple[Any, ...]) -> Tensor:
        t = _core._unpack(self, saved)
        if saved[0] == "out":
            # As PyTorch: a saved output comes back attached to this node whatever the grad
            # mode, and a Function may have saved any of its outputs, not only output 0.
            t._grad_fn = self
            t._output_nr = saved[4][1]
        return t

    def apply(self, grads: list[Tensor | None]) -> list[Tensor | None]:
        if self.materialize_grads:
            grads = [_zeros(m) if g is None and m is not None else g
                     for g, m in zip(grads, self._out_meta)]  # fmt: skip
        out = _user_backward(self._forward_cls)(self, *grads)
        return self._fit(out)

    def _fit(self, out: Any) -> list[Tensor | None]:
        """PyTorch's checks on what backward returned; one gradient per tensor input."""
        if not isinstance(out, tuple):
            out = (out,)
        n = len(self._tensor_input)
        if len(out) > n and all(g is None for g in out[n:]):
            out = out[:n]
        if len(out) != n:
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of gradients "
                f"(expected {n}, got {len(out)})"
            )
        grads = []
        for i, (g, is_tensor) in enumerate(zip(out, self._tensor_input)):
            if not is_tensor:
                if g is not None:
                    raise RuntimeError(
                        f"function {self.name()} returned a gradient different than None at "
                        f"position {i + 1}, but the corresponding forward input was not a "
                        "Variable"
                    )
                continue
            if g is not None and not isinstance(g, _core._Tensor):
                raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
            grads.append(g)
        return [
            None if g is None or meta is None else _core._fit_grad(self, k, g, meta)
            for k, (g, meta) in enumerate(zip(grads, self.in_meta))
        ]

    def release(self) -> None:
        """Free saved tensors; reading them again raises PyTorch's "second time" error."""
        self._saved = None
        self._freed = True


def _zeros(meta: tuple[tuple[int, ...], np.dtype]) -> Tensor:
    return _core._Tensor._wrap(np.zeros(*meta))


def _user_backward(cls: type[Function]) -> Callable[..., Any]:
    """The user's ``backward``, or ``vjp`` (its alias), whichever the class overrides."""
    bw, vjp = cls.backward, cls.vjp
    if bw is not Function.backward and vjp is not Function.vjp:
        raise RuntimeError(
            "Implementing both 'backward' and 'vjp' for a custom Function is not allowed. You "
            "should only implement one of them."
        )
    return vjp if vjp is not Function.vjp else bw


class Error(Node):
    """Stands where a gradient came from a ``once_differentiable`` backward: differentiating
    through it raises."""

    def __init__(self, msg: str, edges: tuple[tuple[Node, int] | None, ...]) -> None:
        super().__init__(edges)
        self.msg = msg
        self.num_outputs = len(edges)

    def apply(self, grads: list[Tensor | None]) -> list[Tensor | None]:
        raise RuntimeError(self.msg)


def once_differentiable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a ``backward`` that is not differentiable itself (written with in-place or
    NumPy code, say): it runs without recording a graph, and a second-order backward through
    it raises instead of silently returning wrong gradients.

    Example:
        >>> class Exp(retrograd.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         y = x.exp()
        ...         ctx.save_for_backward(y)
        ...         return y
        ...     @staticmethod
        ...     @once_differentiable
        ...     def backward(ctx, g):
        ...         (y,) = ctx.saved_tensors
        ...         return g * y
    """

    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with no_grad():
            outputs = fn(ctx, *args)
        if not _grad_state.enabled:
            return outputs
        # As in PyTorch, whether the results would have required grad is judged from the
        # incoming gradients alone; if any does, the results point to an Error node.
        if not any(isinstance(a, _core._Tensor) and a.requires_grad for a in args):
            return outputs
        if not isinstance(outputs, tuple):
            outputs = (outputs,)
        return _behind_error(outputs)

    return wrapper


def _behind_error(outputs: tuple[Any, ...]) -> tuple[Any, ...]:
    """Aliases of ``outputs`` whose grad_fn raises when differentiated."""
    leaves = []
    for g in outputs:
        if g is not None:
            g = g.detach()
            g.requires_grad = True
        leaves.append(g)
    node = Error(_ONCE_MSG, tuple(None if v is None else (accumulator_of(v), 0) for v in leaves))
    results = []
    for k, v in enumerate(leaves):
        if v is not None:
            v = _core._Tensor._wrap(v._data)
            v._grad_fn = node
            v._output_nr = k
        results.append(v)
    return tuple(results)


class Function:
    """Base class of custom differentiable operations.

    Subclasses define static methods and are used through ``apply``:

    - ``forward(ctx, *args, **kwargs)``, or ``forward(*args, **kwargs)`` together with
      ``setup_context(ctx, inputs, output)``: the computation, run without recording a graph.
    - ``backward(ctx, *grad_outputs)`` (or ``vjp``): one gradient per forward input (None for
      non-tensor inputs and those not needing grad), given one gradient per output. Written
      in differentiable ops it also supports ``create_graph=True``.
    - ``jvp(ctx, *tangents)``: one tangent per output for forward-mode AD, given one per
      input.

    Example:
        >>> class MulConst(retrograd.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x, k):
        ...         ctx.k = k
        ...         return x * k
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         return g * ctx.k, None
        >>> x = retrograd.ones(2, requires_grad=True)
        >>> MulConst.apply(x, 3.0).sum().backward()
        >>> x.grad
        tensor([3., 3.])
    """

    _backward_cls: ClassVar[type[BackwardCFunction]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _make_backward_cls(cls)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use "
            "new-style autograd function with static forward method: define forward and "
            "backward as @staticmethod and call MyFunction.apply(...)."
        )

    @staticmethod
    def forward(*args: Any, **kwargs: Any) -> Any:
        """The computation; see the class docstring for its two signatures."""
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Any) -> Any:
        """Fill ``ctx`` from the inputs and output of a ``forward`` that takes no ctx."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        """Gradients of the inputs from the gradients of the outputs."""
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    vjp = backward  # PyTorch's alias: a subclass overrides one or the other

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        """Tangents of the outputs from the tangents of the inputs (forward-mode AD)."""
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it with "
            "forward mode AD."
        )

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run the Function on ``args``, recording one node when grad mode is on and some
        tensor argument requires grad. Returns what ``forward`` returned, its tensors
        attached to the graph (a tuple stays a tuple)."""
        setup = cls.setup_context is not Function.setup_context
        if setup:
            args, kwargs = _bind_defaults(cls.forward, args, kwargs)
        Tensor = _core._Tensor
        ctx = cls._backward_cls()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        executable = _grad_state.enabled and True in ctx.needs_input_grad
        if executable:
            _connect(ctx, args)
        with _untracked():
            if setup:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        outs, non_diff = _wrap_outputs(ctx, args, output, executable, setup)
        to_save = ctx.__dict__.pop("to_save", ())
        if executable:
            _save(ctx, to_save)
        fw_saved = ctx.__dict__.pop("saved_for_forward", None)
        if _fw.active and any(isinstance(a, Tensor) and a._fw for a in args):
            _forward_ad(ctx, args, outs, non_diff, fw_saved)
        return tuple(outs) if isinstance(output, tuple) else outs[0]


def _make_backward_cls(cls: type[Function]) -> None:
    attrs = {"_forward_cls": cls, "__module__": __name__}
    cls._backward_cls = type(cls.__name__ + "Backward", (BackwardCFunction,), attrs)


_make_backward_cls(Function)


@functools.lru_cache(maxsize=256)
def _signature(fn: Callable[..., Any]) -> inspect.Signature:
    return inspect.signature(fn)


def _bind_defaults(fn: Callable[..., Any], args: tuple[Any, ...],
                   kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:  # fmt: skip
    """With setup_context, ``inputs`` holds every positional parameter, defaults filled in."""
    bound = _signature(fn).bind(*args, **kwargs)
    bound.apply_defaults()
    return bound.args, bound.kwargs


@contextlib.contextmanager
def _fw_off() -> Iterator[None]:
    """Switch off every forward-AD level, as PyTorch does around a Function's own code."""
    hidden = set(_fw._levels) - _fw._suppressed
    _fw._suppressed.update(hidden)
    try:
        yield
    finally:
        _fw._suppressed.difference_update(hidden)


@contextlib.contextmanager
def _untracked() -> Iterator[None]:
    """No graph recording and no tangents: how forward and setup_context run."""
    prev = _grad_state.enabled
    _grad_state.enabled = False
    try:
        with _fw_off():
            yield
    finally:
        _grad_state.enabled = prev


def _connect(ctx: BackwardCFunction, args: tuple[Any, ...]) -> None:
    """One edge per tensor argument (taken before forward may rebase an input's history)."""
    Tensor = _core._Tensor
    ctx._tensor_input = tuple(isinstance(a, Tensor) for a in args)
    tensors = [a for a in args if isinstance(a, Tensor)]
    ctx._next = tuple(edge_of(t) for t in tensors)
    ctx.in_meta = tuple((t._data.shape, t._data.dtype) if t.requires_grad else None
                        for t in tensors)  # fmt: skip


def _wrap_outputs(ctx: BackwardCFunction, args: tuple[Any, ...], output: Any, executable: bool,
                  setup: bool) -> tuple[list[Any], set[int]]:  # fmt: skip
    """Attach forward's tensor outputs to the node; returns them and the positions of the
    non-differentiable ones."""
    Tensor = _core._Tensor
    raws = output if isinstance(output, tuple) else (output,)
    inputs = {id(a) for a in args if isinstance(a, Tensor)}
    dirty = _take_dirty(ctx, inputs)
    marked = {id(t) for t in _take_tensors(ctx, "non_differentiable")}
    saved = {id(t) for t in getattr(ctx, "to_save", ()) if t is not None} if setup else set()
    node = ctx if executable else None
    if node is not None:
        ctx.num_outputs = len(raws)  # type: ignore[misc]
        ctx._out_meta = [(o._data.shape, o._data.dtype) if isinstance(o, Tensor) else None
                         for o in raws]  # fmt: skip
    outs: list[Any] = []
    non_diff: set[int] = set()
    returned_dirty = 0
    for i, o in enumerate(raws):
        if isinstance(o, Tensor):
            key = id(o)
            returned_dirty += key in dirty
            if key in marked or o._data.dtype.kind not in "fcV":
                non_diff.add(i)
            diff = node is not None and i not in non_diff
            if key in inputs and key in saved and diff and key not in dirty:
                raise RuntimeError(_SAVED_AS_IS_MSG)
            o = _wrap_one(node if diff else None, o, i, len(raws), key in inputs, key in dirty)
        outs.append(o)
    if returned_dirty != len(dirty):
        raise RuntimeError(
            "Some elements marked as dirty during the forward method were not returned as "
            "output. The inputs that are modified inplace must all be outputs of the Function."
        )
    return outs, non_diff


def _take_tensors(ctx: BackwardCFunction, attr: str) -> tuple[Tensor, ...]:
    """Pop a ``mark_*`` list off ctx (so ctx holds no output: no tensor->node->tensor cycle)."""
    tensors = ctx.__dict__.pop(attr, ())
    for i, t in enumerate(tensors):
        if not isinstance(t, _core._Tensor):
            kind = type(t).__name__
            raise RuntimeError(
                f"mark_dirty can only accept variables, but argument {i} is of type {kind}"
                if attr == "dirty_tensors"
                else f"mark_non_differentiable only accepts variable arguments, but got {kind}"
            )
    return tensors


def _take_dirty(ctx: BackwardCFunction, inputs: set[int]) -> set[int]:
    """Bump the version of every tensor marked dirty (forward changed it in place)."""
    dirty = _take_tensors(ctx, "dirty_tensors")
    for t in dirty:
        t._vc[0] += 1
        if id(t) not in inputs:
            warnings.warn(
                "ctx.mark_dirty() received a tensor that was not an input. Only input Tensors "
                "that have been mutated should be passed to ctx.mark_dirty().",
                UserWarning,
                stacklevel=4,
            )
    return {id(t) for t in dirty}


def _wrap_one(node: BackwardCFunction | None, o: Tensor, i: int, n_out: int, is_input: bool,
              is_dirty: bool) -> Tensor:  # fmt: skip
    """PyTorch's ``set_history`` for output ``i``; ``node`` is None when it gets no gradient."""
    if node is None:
        if not o.requires_grad:
            # an input returned as-is comes back as a new alias, so the two stay distinct
            return _alias(o) if is_input and not is_dirty else o
        if is_input:
            return o.detach()
        if o._base is None:
            o.detach_()
        return o
    if is_dirty:
        _rebase_dirty(node, o, i, n_out)
        return o
    if is_input:
        o = _alias(o)
        # PyTorch forbids changing it in place (check_inplace): the view's rebased history
        # would bypass this Function's backward
        o._fn_view = (i, node._forward_cls.__name__)
    o._grad_fn = node
    o._output_nr = i
    return o


def _alias(t: Tensor) -> Tensor:
    from .._ops.shape_ops import alias

    with _untracked():
        return alias(t)


def _rebase_dirty(node: BackwardCFunction, t: Tensor, i: int, n_out: int) -> None:
    """An input forward changed in place now has this node as its history (through its
    base's history, if it is a view)."""
    from .._ops import inplace

    if t._grad_fn is None and t._requires_grad:
        raise RuntimeError(
            "a leaf Variable that requires grad has been used in an in-place operation."
        )
    inplace.check_inplace(t)  # a view of such a leaf
    if t._base is not None and n_out > 1:
        raise RuntimeError(_VIEW_DIRTY_MSG)
    result = _core._Tensor._wrap(t._data)
    result._grad_fn = node
    result._output_nr = i
    with _fw_off():
        inplace._rebase(t, result)


def _save(ctx: BackwardCFunction, to_save: tuple[Any, ...]) -> None:
    """Version snapshots of the saved tensors; outputs of this node are kept as arrays so no
    tensor -> node -> tensor cycle exists (``_core._unpack`` rebuilds them)."""
    saved: list[tuple[Any, ...] | None] = []
    for i, t in enumerate(to_save):
        if t is None:
            saved.append(None)
        elif not isinstance(t, _core._Tensor):
            raise TypeError(
                f"save_for_backward can only save variables, but argument {i} is of type "
                f"{type(t).__name__}"
            )
        elif t._grad_fn is ctx:
            # named after the Function, as PyTorch names a saved output's producer
            producer = (ctx._forward_cls.__name__, t._output_nr)
            saved.append(("out", t._data, t._vc[0], t._vc, producer))
        else:
            fn = t._grad_fn
            producer = (fn.name(), t._output_nr) if fn is not None else None
            saved.append(("in", t, t._vc[0], t._vc, producer))
    ctx._saved = saved


def _forward_ad(ctx: BackwardCFunction, args: tuple[Any, ...], outs: list[Any],
                non_diff: set[int], fw_saved: tuple[Any, ...] | None) -> None:  # fmt: skip
    """Run ``jvp`` once per open forward-AD level some input has a tangent at."""
    Tensor = _core._Tensor
    cls = ctx._forward_cls
    for level in list(_fw._levels):
        if level in _fw._suppressed:
            continue
        tangents = [_fw.tangent_of(a, level) if isinstance(a, Tensor) else None for a in args]
        if all(t is None for t in tangents):
            continue
        if ctx.materialize_grads:
            tangents = [
                _zeros((a._data.shape, a._data.dtype))
                if t is None and isinstance(a, Tensor) and a._data.dtype.kind in "fcV"
                else t
                for a, t in zip(args, tangents)
            ]
        ctx._fw_saved = fw_saved if fw_saved is not None else ()
        try:
            with _fw_off():
                touts = cls.jvp(ctx, *tangents)
        finally:
            ctx._fw_saved = None
        _set_tangents(outs, touts, non_diff, level)


def _set_tangents(outs: list[Any], touts: Any, non_diff: set[int], level: int) -> None:
    """Check what ``jvp`` returned and give each differentiable output its tangent."""
    if not isinstance(touts, tuple):
        touts = (touts,)
    if len(touts) != len(outs):
        raise RuntimeError(
            "Function's jvp returned an invalid number of forward gradients (expected "
            f"{len(outs)} but got {len(touts)})"
        )
    Tensor = _core._Tensor
    for i, (o, tg) in enumerate(zip(outs, touts)):
        if tg is None:
            continue
        if not isinstance(tg, Tensor):
            raise RuntimeError(
                f"expected Variable or None (got {type(tg).__name__}) for grad output {i}."
            )
        if not isinstance(o, Tensor) or i in non_diff:
            raise RuntimeError(
                f"Function's jvp returned a gradient at position {i}, but the corresponding "
                "forward output is not a differentiable Tensor. You should return None at "
                "that position instead."
            )
        if tg._data.shape != o._data.shape:
            raise RuntimeError(
                "Trying to set a forward gradient that has a different size than that of the "
                f"original Tensor, this is not supported. Tensor is of size {list(o.shape)} "
                f"while the given forward gradient is of size {list(tg.shape)}."
            )
        if tg._data.dtype != o._data.dtype:
            tg = tg.to(o.dtype)
        o._fw = {**(o._fw or {}), level: tg}
