"""Tensor: a NumPy array plus what autograd needs to know about it.

A tensor holds its array (``_data``), whether it is a leaf that requires grad, the node that
produced it (``grad_fn``, with the output number), its accumulated ``.grad``, and a version
counter (a one-element list) shared with every view of the same memory and bumped by each
in-place change. Views also remember their base and the chain of view operations that led
from it, so an in-place change through a view can rewrite the base's history.

Most methods (``exp``, ``sum``, ``reshape``...) are attached from ``_ops`` by
``_ops/methods.py``; this file keeps the autograd-facing core.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, SupportsIndex

import numpy as np

from . import _dtype
from ._prims import _core
from .autograd import engine as _engine
from .autograd import graph as _graph
from .autograd.grad_mode import state as _grad_state

_NONLEAF_GRAD_MSG = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more information."
)


class Size(tuple):
    """A tensor's shape: a tuple of ints, printed as PyTorch prints ``torch.Size``."""

    def __repr__(self) -> str:
        return f"retrograd.Size({list(self)})"

    # slicing, concatenation and repetition give a Size, as they give a torch.Size
    def __getitem__(self, key: Any) -> Any:
        out = tuple.__getitem__(self, key)
        return Size(out) if isinstance(key, slice) else out

    def __add__(self, other: Any) -> Size:
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other: Any) -> Size:
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n: Any) -> Size:
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


_new = object.__new__
# autograd's own per-tensor state; everything else in a tensor's __dict__ is the user's
_INTERNAL = frozenset({"_data", "_vc", "_requires_grad", "_grad", "_grad_fn", "_output_nr",
                       "_base", "_view_chain", "_hooks", "_post_acc_hooks", "_retains_grad",
                       "_accumulator", "_fw"})  # fmt: skip


class Tensor:
    """A multi-dimensional array that records the operations done on it for autograd."""

    # Instance attributes default to these class values, so making a tensor sets only its
    # array and version counter: the cost every operation pays. (No __slots__: as in
    # PyTorch, users may hang their own attributes on tensors.)
    _requires_grad = False
    _grad: Tensor | None = None
    _grad_fn: _graph.Node | None = None
    _output_nr = 0
    _base: Tensor | None = None
    _view_chain: tuple[Any, ...] = ()
    _hooks: _graph.HookDict | None = None
    _post_acc_hooks: _graph.HookDict | None = None
    _retains_grad = False
    _accumulator: _graph.AccumulateGrad | None = None
    _fw: dict[int, Tensor] | None = None
    _data: np.ndarray
    _vc: list[int]

    if TYPE_CHECKING:
        # The operations are attached from _ops/methods.py at import time; for the type
        # checker, any attribute, operator or index of a tensor is some Tensor operation.
        def __getattr__(self, name: str) -> Any: ...
        def __getitem__(self, key: Any) -> Tensor: ...
        def __add__(self, other: Any) -> Tensor: ...

    # ------------------------------------------------------------------ construction
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # ``retrograd.Tensor(2, 3)`` and ``retrograd.Tensor([1, 2])`` as in PyTorch's legacy
        # constructor: sizes give a zero-filled float tensor, data gives a float copy.
        if len(args) == 1 and not isinstance(args[0], int):
            arr = np.array(np.asarray(args[0]), dtype=_dtype.get_default_dtype().np)
        else:
            arr = np.zeros(tuple(args), _dtype.get_default_dtype().np)
        Tensor._init_fields(self, arr)

    @staticmethod
    def _init_fields(t: Tensor, arr: np.ndarray) -> None:
        t._data = arr
        t._vc = [0]

    @staticmethod
    def _wrap(arr: np.ndarray) -> Tensor:
        """A new tensor around ``arr`` (no copy), not requiring grad."""
        t = _new(Tensor)
        t._data = arr
        t._vc = [0]
        return t

    # ------------------------------------------------------------------ metadata
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Any:
        if dim is None:
            return Size(self._data.shape)
        _check_has_dims(dim, self._data.ndim)
        return self._data.shape[_wrap_dim(dim, self._data.ndim, "size")]

    def dim(self) -> int:
        return self._data.ndim

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def ndimension(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    @property
    def dtype(self) -> _dtype.dtype:
        return _dtype._FROM_NP[self._data.dtype]

    @property
    def device(self) -> Any:
        from ._device import cpu

        return cpu

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def is_floating_point_(self) -> bool:
        return self._data.dtype.kind in "fV"

    def is_floating_point(self) -> bool:
        return _dtype._FROM_NP[self._data.dtype].category == _dtype.FLOAT

    def is_complex(self) -> bool:
        return self._data.dtype.kind == "c"

    def element_size(self) -> int:
        return self._data.itemsize

    def stride(self, dim: int | None = None) -> Any:
        st = tuple(s // self._data.itemsize for s in self._data.strides)
        if dim is None:
            return st
        _check_has_dims(dim, self._data.ndim)
        return st[_wrap_dim(dim, self._data.ndim, "stride")]

    def is_contiguous(self) -> bool:
        return bool(self._data.flags.c_contiguous)

    def _is_view(self) -> bool:
        return self._base is not None

    @property
    def _version(self) -> int:
        return self._vc[0]

    def data_ptr(self) -> int:
        return int(self._data.__array_interface__["data"][0])

    # ------------------------------------------------------------------ autograd state
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad or self._grad_fn is not None

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self._grad_fn is not None:
            if not value:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want "
                    "to use a computed variable in a subgraph that doesn't require "
                    "differentiation use var_no_grad = var.detach()."
                )
            return
        if value and _dtype._FROM_NP[self._data.dtype].category < _dtype.FLOAT:
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients "
                f"(got {self.dtype})"
            )
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    @property
    def grad_fn(self) -> _graph.Node | None:
        if self._base is not None:
            return self._view_grad_fn()
        return self._grad_fn

    def _view_grad_fn(self) -> _graph.Node | None:
        """A view's grad_fn, taken again from its base when the base's history changed (an
        in-place op on the base or on another view of it) after the view's was recorded:
        PyTorch regenerates a view's grad_fn the same way."""
        fn = self._grad_fn
        base_fn = self._base._grad_fn  # type: ignore[union-attr]
        if fn is None or base_fn is None or base_fn._seq <= fn._seq:
            return fn
        from ._prims.shape import replay_view

        prev = _grad_state.enabled
        _grad_state.enabled = True
        try:
            fresh = replay_view(self._base, self._view_chain)
        finally:
            _grad_state.enabled = prev
        self._set_history(fresh._grad_fn, fresh._output_nr)
        return self._grad_fn

    def _set_history(self, fn: _graph.Node | None, output_nr: int) -> None:
        """Give this tensor a new grad_fn (after an in-place change). Hooks registered so far
        stay with the old node, but a retain_grad hook moves along, as in PyTorch."""
        old, old_nr = self._grad_fn, self._output_nr
        self._grad_fn = fn
        self._output_nr = output_nr
        if self._retains_grad and old is not None and old._retain_hooks:
            hook = old._retain_hooks.pop(old_nr, None)
            if hook is not None and fn is not None:
                if fn._retain_hooks is None:
                    fn._retain_hooks = {}
                fn._retain_hooks[output_nr] = hook
                fn._has_hooks = True

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def grad(self) -> Tensor | None:
        if self._grad is None and self._grad_fn is not None and not self._retains_grad:
            # PyTorch's warning: a non-leaf's .grad is never filled unless retain_grad().
            warnings.warn(_NONLEAF_GRAD_MSG, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a "
                    f"tensor of size '{list(self._data.shape)}'. Please ensure that the gradient "
                    "and the tensor are the same size"
                )
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"assigned grad has data of a different type: the tensor is {self.dtype} "
                    f"but the grad is {value.dtype}"
                )
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in ``.grad`` after backward."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is None or self._retains_grad:
            return
        ref = _weak(self)

        def retain(grad: Tensor) -> None:
            t = ref()
            if t is None:
                return
            if t._grad is None:
                t._grad = grad.clone() if _grad_state.enabled else grad.detach()._copy_data()
            else:
                t._grad = t._grad + grad

        fn = self._grad_fn
        if fn._retain_hooks is None:
            fn._retain_hooks = {}
        fn._retain_hooks[self._output_nr] = retain
        fn._has_hooks = True
        self._retains_grad = True

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> _graph.RemovableHandle:
        """Run ``hook(grad)`` when this tensor's gradient is computed; a returned tensor
        replaces the gradient. Returns a handle whose ``remove()`` unregisters it."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            return _graph.add_hook(self._grad_fn._tensor_hook_dict(self._output_nr), hook)
        if self._hooks is None:
            self._hooks = _graph.HookDict()
        if self._accumulator is not None:
            self._accumulator._has_hooks = True
        return _graph.add_hook(self._hooks, hook)

    def register_post_accumulate_grad_hook(
        self, hook: Callable[[Tensor], None]
    ) -> _graph.RemovableHandle:
        """Run ``hook(tensor)`` after a gradient is accumulated into this leaf's ``.grad``."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors"
            )
        if self._post_acc_hooks is None:
            self._post_acc_hooks = _graph.HookDict()
        return _graph.add_hook(self._post_acc_hooks, hook)

    def backward(self, gradient: Tensor | None = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Any = None) -> None:  # fmt: skip
        """Accumulate the gradient of this tensor w.r.t. the graph leaves into their ``.grad``.

        Args:
            gradient: the gradient w.r.t. this tensor; may be omitted for one element.
            retain_graph: keep saved tensors for another backward (default: create_graph).
            create_graph: record the backward pass, making gradients differentiable.
            inputs: accumulate only into these tensors' ``.grad``.
        """
        _engine.backward(self, gradient, retain_graph, create_graph, None, inputs)

    def detach(self) -> Tensor:
        """A tensor sharing memory and version counter with this one, outside the graph."""
        t = Tensor._wrap(self._data)
        t._vc = self._vc
        return t

    def detach_(self) -> Tensor:
        if self._base is not None and self._base.requires_grad:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is "
                "set as True, gradients are views of DDP buckets, and hence detach_() cannot "
                "be called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
            )
        self._grad_fn = None
        self._output_nr = 0
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        """This tensor's values as a tensor outside the graph, with its own version counter."""
        return Tensor._wrap(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(value).__name__}")
        self._data = value._data

    # ------------------------------------------------------------------ conversion
    def item(self) -> Any:
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        v = self._data.reshape(()).item()
        return float(v) if self._data.dtype.kind == "V" else v

    def tolist(self) -> Any:
        if self._data.dtype.kind == "V":
            return self._data.astype(np.float32).tolist()
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The underlying array (shared memory). Fails on a tensor that requires grad."""
        if self.requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._data

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if self.requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        a = self._data
        if dtype is not None:
            return a.astype(dtype)
        return a.copy() if copy else a

    def _copy_data(self) -> Tensor:
        """A fresh tensor holding a copy of this one's values (no graph)."""
        return Tensor._wrap(self._data.copy())

    def _inplace_add_raw(self, other: Tensor) -> None:
        """``self += other`` on the arrays, outside autograd (gradient accumulation)."""
        np.add(self._data, other._data, out=self._data, casting="unsafe")
        self._vc[0] += 1

    def __bool__(self) -> bool:
        if self._data.size != 1:
            what = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(
                f"Boolean value of Tensor with {what} is ambiguous (shape {list(self._data.shape)})"
            )
        return bool(self._data.reshape(()))

    def _python_scalar(self, to: str) -> Any:
        """The single value for float()/int()/complex(), with PyTorch's errors."""
        if self._data.size != 1:
            raise ValueError(
                f"only one element tensors can be converted to Python scalars (this one has "
                f"shape {list(self._data.shape)})"
            )
        v = self.item()
        if isinstance(v, complex) and to != "complex":
            raise RuntimeError(
                f"value cannot be converted to type {to} without overflow: {v} is complex"
            )
        return v

    def __float__(self) -> float:
        return float(self._python_scalar("double"))

    def __int__(self) -> int:
        return int(self._python_scalar("int64_t"))

    def __complex__(self) -> complex:
        return complex(self._python_scalar("complex"))

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()))

    def __hash__(self) -> int:
        return id(self)

    def __iter__(self) -> Any:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __reversed__(self) -> Any:
        from ._ops.shape_ops import flip

        return flip(self, 0) if self._data.ndim else self

    def __repr__(self, *, tensor_contents: str | None = None) -> str:
        from ._tensor_str import tensor_repr

        return tensor_repr(self, tensor_contents=tensor_contents)

    def __format__(self, spec: str) -> str:
        # PyTorch formats a plain 0-d tensor as its Python number, even with an empty spec
        if self._data.ndim == 0 and type(self) is Tensor:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor:
        if self._grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment."
            )
        new = type(self).__new__(type(self))
        Tensor._init_fields(new, self._data.copy())
        new._requires_grad = self._requires_grad
        if self._grad is not None:
            new._grad = self._grad._copy_data()
        memo[id(self)] = new
        user = {k: v for k, v in self.__dict__.items() if k not in _INTERNAL}
        if user:
            import copy

            new.__dict__.update(copy.deepcopy(user, memo))
        return new

    def __reduce_ex__(self, proto: SupportsIndex) -> Any:
        return (_rebuild, (self._data, self._requires_grad))

    @staticmethod
    def _type_name(np_dtype: np.dtype) -> str:
        return "retrograd." + _dtype._FROM_NP[np_dtype]._legacy

    def type(self, dtype: Any = None) -> Any:
        if dtype is None:
            return Tensor._type_name(self._data.dtype)
        return self.to(dtype)


def _rebuild(data: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._wrap(data)
    t._requires_grad = requires_grad
    return t


def _weak(t: Tensor) -> Callable[[], Tensor | None]:
    import weakref

    return weakref.ref(t)


def _check_has_dims(dim: int, ndim: int) -> None:
    """size(dim) and stride(dim) of a 0-d tensor: PyTorch's IndexError."""
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")


def _wrap_dim(dim: int, ndim: int, op: str = "") -> int:
    """Normalise a possibly negative dim; PyTorch's IndexError when out of range."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return dim + n if dim < 0 else dim


def wrap_dims(dims: Sequence[int], ndim: int) -> tuple[int, ...]:
    out = tuple(_wrap_dim(d, ndim) for d in dims)
    if len(set(out)) != len(out):
        raise RuntimeError(f"dim {out} appears multiple times in the list of dims")
    return out


_core._Tensor = Tensor
_engine._T = Tensor
