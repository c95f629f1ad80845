"""In-place operations: one mechanism for ``add_``, ``mul_``, ``__setitem__``, ``copy_``...

Outside the graph an in-place op computes its result and writes it into the tensor's
memory. While recording, the tensor's old value becomes the input of the out-of-place
operation, the result is written into its memory, and its history is rebased onto the new
node; through a view, the base's history is rebased too (a ``CopySlices`` node), so the
gradients of everything that flowed into the base stay right. Every in-place change bumps
the version counter that the tensor shares with its views.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _dtype
from .._prims import shape as SP
from .._prims._core import apply
from .._tensor import Tensor
from ..autograd import forward_ad as _fw
from ..autograd.grad_mode import state as _grad_state

LEAF_MSG = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_LEAF_MSG = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)
MULTI_VIEW_MSG = (
    "Output {} of {} is a view and is being modified inplace. This view is the output of a "
    "function that returns multiple views. Such functions do not allow the output views to "
    "be modified inplace. You should replace the inplace operation by an out-of-place one."
)
FN_VIEW_MSG = (
    "Output {} of {} is a view and is being modified inplace. This view was created inside a "
    "custom Function (or because an input was returned as-is) and the autograd logic to "
    "handle view+inplace would override the custom backward associated with the custom "
    "Function, leading to incorrect gradients. This behavior is forbidden. You can fix this "
    "by cloning the output of the custom Function."
)
OVERLAP_MSG = (
    "unsupported operation: more than one element of the written-to tensor refers to a single "
    "memory location. Please clone() the tensor before performing the operation."
)


def check_inplace(self: Tensor) -> None:
    """PyTorch's errors for in-place changes a gradient could not survive."""
    if not _grad_state.enabled:
        return
    fn_view = self.__dict__.get("_fn_view")
    if fn_view is not None and self._grad_fn is not None:
        raise RuntimeError(FN_VIEW_MSG.format(*fn_view))
    if self._requires_grad and self._grad_fn is None:
        raise RuntimeError(LEAF_MSG)
    base = self._base
    if base is not None and base._requires_grad and base._grad_fn is None:
        raise RuntimeError(VIEW_LEAF_MSG)
    chain = self._view_chain
    if chain and self._grad_fn is not None:
        if any(getattr(prim, "multi_output_view", False) for prim, _ in chain):
            prim, params = chain[-1]
            raise RuntimeError(MULTI_VIEW_MSG.format(params.get("piece", 0), prim.name))


def _write(self: Tensor, values: np.ndarray) -> None:
    if not self._data.flags.writeable:
        raise RuntimeError(OVERLAP_MSG)
    np.copyto(self._data, values, casting="unsafe")


def apply_inplace(self: Tensor, op: Callable[[Tensor], Tensor], others: tuple[Any, ...] = (),
                  name: str = "") -> Tensor:  # fmt: skip
    """Change ``self`` to ``op(self)`` in place; ``others`` are the op's other operands
    (they decide whether the change is recorded)."""
    check_inplace(self)
    recording = _grad_state.enabled and (
        self.requires_grad or any(isinstance(o, Tensor) and o.requires_grad for o in others)
    )
    if not recording:
        result = op(self)
        _check_cast(result, self, name)
        _write(self, result._data)
        self._vc[0] += 1
        if _fw.active:
            _carry_tangents(self, result)
        return self

    # The op reads the old value; keep a private copy since the memory is overwritten.
    old = Tensor._wrap(self._data.copy())
    old._grad_fn = self.grad_fn
    old._output_nr = self._output_nr
    old._fw = self._fw
    result = op(old)
    _check_cast(result, self, name)
    if result._data.dtype != self._data.dtype:
        result = result.to(self.dtype)
    _write(self, result._data)
    self._vc[0] += 1
    _rebase(self, result)
    if _fw.active:
        _carry_tangents(self, result)
    return self


def _carry_tangents(self: Tensor, result: Tensor) -> None:
    """Forward AD: ``self`` takes the result's tangents (zeros where it had one and the
    result has none, as after ``zero_``), and a base that ``self`` views gets them written
    into the viewed region of its own."""
    fw = result._fw
    if fw is None and self._fw is None:
        return
    shape = self._data.shape
    mine = {lvl: (t if t.shape == shape else t.expand(shape)).to(self.dtype)
            for lvl, t in (fw or {}).items() if lvl in _fw._levels}  # fmt: skip
    for lvl in self._fw or ():
        if lvl in _fw._levels and lvl not in mine:
            mine[lvl] = self.new_zeros(shape)
    self._fw = mine or None
    base = self._base
    if base is None:
        return
    new = dict(base._fw or {})
    for lvl in set(mine or ()) | set(new):
        bt = new.get(lvl)
        vt = (mine or {}).get(lvl)
        bt = bt if bt is not None else base.new_zeros(base.shape)
        vt = vt if vt is not None else self.new_zeros(shape)
        new[lvl] = apply(SP.ViewScatter, bt, vt, chain=self._view_chain)
    base._fw = new or None


def _check_cast(result: Tensor, self: Tensor, name: str) -> None:
    if result._data.shape != self._data.shape:
        try:
            np.broadcast_to(result._data, self._data.shape)
        except ValueError:
            raise RuntimeError(
                f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                f"{list(result._data.shape)}"
            ) from None
    if not _dtype.can_cast(result.dtype, self.dtype):
        # PyTorch names dtypes here by their ScalarType: Float, Long, ComplexDouble...
        raise RuntimeError(
            f"result type {result.dtype._legacy.removesuffix('Tensor')} can't be cast to the "
            f"desired output type {self.dtype._legacy.removesuffix('Tensor')}"
        )


def _rebase(self: Tensor, result: Tensor) -> None:
    """Make ``result``'s node the history of ``self`` (and of its base, for a view)."""
    if result._data.shape != self._data.shape:
        from .shape_ops import expand

        result = expand(result, self._data.shape)
    base = self._base
    if base is None:
        self._set_history(result._grad_fn, result._output_nr)
        return
    # The base's memory already holds the new values: ViewScatter(inplace=True) only records
    # that the viewed region of the base now comes from ``result``.
    new_base = apply(SP.ViewScatter, base, result, chain=self._view_chain, inplace=True)
    base._set_history(new_base._grad_fn, 0)
    view = SP.replay_view(base, self._view_chain)
    self._set_history(view._grad_fn, view._output_nr)


# ---------------------------------------------------------------- the in-place surface
def _inplace(fn_name: str) -> Callable[..., Tensor]:
    """The in-place form of an elementwise op: its operands (``other``, bounds...) decide,
    with ``self``, whether the change is recorded."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        from . import elementwise_ops as E
        from . import shape_ops as S

        fn = getattr(E, fn_name, None) or getattr(S, fn_name)
        others = args + tuple(kwargs.values())
        return apply_inplace(self, lambda t: fn(t, *args, **kwargs), others, fn_name)

    method.__name__ = fn_name + "_"
    method.__doc__ = f"In-place ``{fn_name}``; returns self."
    return method


add_ = _inplace("add")
sub_ = _inplace("sub")
mul_ = _inplace("mul")
div_ = _inplace("div")
pow_ = _inplace("pow")
masked_fill_ = _inplace("masked_fill")

neg_ = _inplace("neg")
exp_ = _inplace("exp")
log_ = _inplace("log")
sqrt_ = _inplace("sqrt")
sin_ = _inplace("sin")
cos_ = _inplace("cos")
tanh_ = _inplace("tanh")
sigmoid_ = _inplace("sigmoid")
relu_ = _inplace("relu")
abs_ = _inplace("abs")
clamp_ = _inplace("clamp")
clip_ = clamp_

# the rest of the elementwise catalogue
floor_divide_ = _inplace("floor_divide")
remainder_ = _inplace("remainder")
fmod_ = _inplace("fmod")
atan2_ = arctan2_ = _inplace("atan2")
hypot_ = _inplace("hypot")
xlogy_ = _inplace("xlogy")
lerp_ = _inplace("lerp")
addcmul_ = _inplace("addcmul")
addcdiv_ = _inplace("addcdiv")
polygamma_ = _inplace("_polygamma_method")
logit_ = _inplace("logit")
nan_to_num_ = _inplace("nan_to_num")
square_ = _inplace("square")
sign_ = _inplace("sign")
sgn_ = _inplace("sgn")
reciprocal_ = _inplace("reciprocal")
rsqrt_ = _inplace("rsqrt")
exp2_ = _inplace("exp2")
expm1_ = _inplace("expm1")
log2_ = _inplace("log2")
log10_ = _inplace("log10")
log1p_ = _inplace("log1p")
tan_ = _inplace("tan")
asin_ = arcsin_ = _inplace("asin")
acos_ = arccos_ = _inplace("acos")
atan_ = arctan_ = _inplace("atan")
sinh_ = _inplace("sinh")
cosh_ = _inplace("cosh")
asinh_ = arcsinh_ = _inplace("asinh")
acosh_ = arccosh_ = _inplace("acosh")
atanh_ = arctanh_ = _inplace("atanh")
erf_ = _inplace("erf")
erfc_ = _inplace("erfc")
erfinv_ = _inplace("erfinv")
lgamma_ = _inplace("lgamma")
digamma_ = _inplace("digamma")
floor_ = _inplace("floor")
ceil_ = _inplace("ceil")
round_ = _inplace("round")
trunc_ = fix_ = _inplace("trunc")
frac_ = _inplace("frac")
bitwise_left_shift_ = _inplace("bitwise_left_shift")
bitwise_right_shift_ = _inplace("bitwise_right_shift")
negative_ = neg_
absolute_ = abs_
divide_ = true_divide_ = div_
multiply_ = mul_
subtract_ = sub_
clamp_min_ = _inplace("clamp_min")
clamp_max_ = _inplace("clamp_max")
logical_and_ = _inplace("logical_and")
logical_or_ = _inplace("logical_or")
logical_xor_ = _inplace("logical_xor")
logical_not_ = _inplace("logical_not")
bitwise_and_ = _inplace("bitwise_and")
bitwise_or_ = _inplace("bitwise_or")
bitwise_xor_ = _inplace("bitwise_xor")
bitwise_not_ = _inplace("bitwise_not")
eq_ = _inplace("_eq_into")
ne_ = not_equal_ = _inplace("_ne_into")
lt_ = less_ = _inplace("_lt_into")
le_ = less_equal_ = _inplace("_le_into")
gt_ = greater_ = _inplace("_gt_into")
ge_ = greater_equal_ = _inplace("_ge_into")
sinc_ = _inplace("sinc")
copysign_ = _inplace("copysign")
deg2rad_ = _inplace("deg2rad")
rad2deg_ = _inplace("rad2deg")
_float_power_any = _inplace("float_power")


def float_power_(self: Tensor, exponent: Any) -> Tensor:
    """In-place ``float_power``: the result is double (complex double), so only such a
    tensor can hold it, as in PyTorch."""
    cplx = (
        self.is_complex()
        or isinstance(exponent, complex)
        or (isinstance(exponent, Tensor) and exponent.is_complex())
    )
    want = _dtype.complex128 if cplx else _dtype.float64
    if self.dtype != want:
        raise RuntimeError(
            f"the base given to float_power_ has dtype {self.dtype._legacy.removesuffix('Tensor')}"
            f" but the operation's result requires dtype {want._legacy.removesuffix('Tensor')}"
        )
    return _float_power_any(self, exponent)


def fill_(self: Tensor, value: Any) -> Tensor:
    """Set every element to ``value``; earlier values get a zero gradient."""
    if isinstance(value, Tensor) and value._data.ndim != 0:
        raise RuntimeError(
            f"fill_ only supports 0-dimension value tensor but got tensor with "
            f"{value._data.ndim} dimensions."
        )
    return copy_(self, value)


def zero_(self: Tensor) -> Tensor:
    """Set every element to zero."""
    return fill_(self, 0)


def copy_(self: Tensor, src: Any, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` (broadcast, cast to this dtype) into this tensor."""
    from .elementwise_ops import where

    if isinstance(src, Tensor):
        try:
            np.broadcast_to(src._data, self._data.shape)
        except ValueError:
            raise RuntimeError(
                f"The size of tensor a ({list(self._data.shape)}) must match the size of "
                f"tensor b ({list(src._data.shape)}) that it is copied from"
            ) from None

    def op(old: Tensor) -> Tensor:
        s = src if isinstance(src, Tensor) else Tensor._wrap(np.array(src, old._data.dtype))
        if s._data.dtype != old._data.dtype:
            s = s.to(old.dtype)
        if not (_grad_state.enabled and (old.requires_grad or s.requires_grad)):
            out = Tensor._wrap(np.broadcast_to(s._data, old._data.shape))
            out._fw = s._fw  # forward AD: the copy has the source's tangent
            return out
        # every element now comes from src: the old values get a zero gradient
        keep_src = Tensor._wrap(np.ones((), np.bool_))
        return where(keep_src, s, old)

    return apply_inplace(self, op, (src,), "copy_")


def setitem(self: Tensor, key: Any, value: Any) -> None:
    """``self[key] = value``; recorded as an index_put on the old value when needed."""
    from .shape_ops import _index_error, getitem, normalize_index, split_index

    idx, basic = normalize_index(key)
    check_inplace(self)
    arrays = [i for i in idx if isinstance(i, np.ndarray) or type(i) is bool]
    masked_fill = len(arrays) == 1 and getattr(arrays[0], "dtype", None) == np.bool_
    if (
        not basic
        and isinstance(value, Tensor)
        and value._data.dtype != self._data.dtype
        and not (value._data.size == 1 and masked_fill)
    ):  # PyTorch casts only a one-element value through a lone mask (its masked_fill path)
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{self.dtype._legacy.removesuffix('Tensor')} for the destination and "
            f"{value.dtype._legacy.removesuffix('Tensor')} for the source."
        )
    split = None if basic else split_index(idx, self._data.ndim)
    if split is not None:  # PyTorch's order: the ints select a view, the arrays index into it
        try:
            view = getitem(self, split[0])
        except IndexError as e:
            raise _index_error(e, self._data.shape, idx) from None
        return setitem(view, split[1], value)
    val_grad = isinstance(value, Tensor) and value.requires_grad
    tangents = _fw.active and (self._fw is not None or isinstance(value, Tensor)
                               and value._fw is not None)  # fmt: skip
    if not (_grad_state.enabled and (self.requires_grad or val_grad)) and not tangents:
        v = value._data if isinstance(value, Tensor) else value
        if not self._data.flags.writeable:
            raise RuntimeError(OVERLAP_MSG)
        try:
            self._data[idx] = v
        except IndexError as e:
            raise _index_error(e, self._data.shape, idx) from None
        except ValueError as e:
            raise RuntimeError(f"cannot assign a value of shape {np.shape(v)} to "
                               f"{list(self._data.shape)}[{key!r}]: {e}") from None  # fmt: skip
        self._vc[0] += 1
        return
    if isinstance(value, Tensor):
        v = value if value._data.dtype == self._data.dtype else value.to(self.dtype)
    else:
        v = Tensor._wrap(np.array(value, self._data.dtype))
    lead = next((i for i, s in enumerate(v._data.shape) if s != 1), v._data.ndim)
    if lead:  # PyTorch drops the value's leading size-1 dims, so they get no gradient dims
        v = v.reshape(v._data.shape[lead:])
    try:
        apply_inplace(self, lambda old: apply(SP.IndexPut, old, v, idx=idx, basic=basic),
                      (v,), "setitem")  # fmt: skip
    except IndexError as e:
        raise _index_error(e, self._data.shape, idx) from None
    except ValueError as e:  # NumPy's broadcast failure, as in the unrecorded branch above
        raise RuntimeError(f"cannot assign a value of shape {list(v._data.shape)} to "
                           f"{list(self._data.shape)}[{key!r}]: {e}") from None  # fmt: skip
