"""Tensor methods and operators, attached to ``Tensor`` from the functions in ``_ops``."""

from __future__ import annotations

from typing import Any

from .. import _dtype
from .._tensor import Tensor
from ..cuda import TENSOR_METHODS as CUDA_METHODS
from . import creation as C
from . import elementwise_ops as E
from . import inplace as I
from . import linalg_ops as L
from . import random_ops as RND
from . import reduce_ops as R
from . import shape_ops as S
from ._convert import is_scalar


def _to(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """``to(dtype)``, ``to(device)``, ``to(other)``, ``to(device, dtype)``; ``copy=True``
    forces a new tensor."""
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, _dtype.dtype) or (isinstance(a, type) and a in (float, int, bool)):
            dtype = a
        elif isinstance(a, str) or hasattr(a, "type"):
            device = a
        elif a is not None:
            raise TypeError(f"to() received an invalid combination of arguments: {a!r}")
    C._check_device(device)
    if dtype is None:
        return E.clone(self) if copy else self
    return E.to_dtype(self, dtype, copy=copy)


def _cast(dt: _dtype.dtype) -> Any:
    def method(self: Tensor, memory_format: Any = None) -> Tensor:
        return E.to_dtype(self, dt)

    method.__doc__ = f"``self.to({dt})``"
    return method


def _contiguous(self: Tensor, memory_format: Any = None) -> Tensor:
    return self if self._data.flags.c_contiguous else E.clone(self)


def _new(fill: Any) -> Any:
    def method(self: Tensor, *size: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:  # fmt: skip
        dt = dtype if dtype is not None else self.dtype
        return fill(*size, dtype=dt, device=device, requires_grad=requires_grad)

    return method


def _new_full(self: Tensor, size: Any, fill_value: Any, *, dtype: Any = None,
              device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    return C.full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)


def _new_tensor(self: Tensor, data: Any, *, dtype: Any = None, device: Any = None,
                requires_grad: bool = False) -> Tensor:  # fmt: skip
    return C.tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)


def _reflect(fn: Any) -> Any:
    def method(self: Tensor, other: Any) -> Any:
        return fn(other, self)

    return method


def _iop(method: Any) -> Any:
    def op(self: Tensor, other: Any) -> Tensor:
        return method(self, other)

    return op


def _where_method(self: Tensor, condition: Tensor, y: Any) -> Tensor:
    return E.where(condition, self, y)


def _rpow(self: Tensor, other: Any) -> Tensor:
    return E.pow(other, self)


def _comparable(other: Any) -> bool:
    # ``t == "a"`` or ``t == [1, 2]`` is plain False in PyTorch, not an error
    return isinstance(other, Tensor) or is_scalar(other)


def _eq_op(self: Tensor, other: Any) -> Any:
    if not _comparable(other):
        return NotImplemented
    return E.eq(self, other)


def _ne_op(self: Tensor, other: Any) -> Any:
    if not _comparable(other):
        return NotImplemented
    return E.ne(self, other)


def _matmul_r(self: Tensor, other: Any) -> Tensor:
    return L.matmul(other, self)


_METHODS: dict[str, Any] = {
    # arithmetic
    "add": E.add, "sub": E.sub, "subtract": E.sub, "mul": E.mul, "multiply": E.mul,
    "div": E.div, "divide": E.div, "true_divide": E.div, "neg": E.neg, "negative": E.neg,
    "pow": E.pow, "square": E.square, "exp": E.exp, "log": E.log, "sqrt": E.sqrt,
    "sin": E.sin, "cos": E.cos, "tanh": E.tanh, "sigmoid": E.sigmoid, "relu": E.relu,
    "abs": E.abs, "absolute": E.abs, "sign": E.sign, "sgn": E.sgn, "clamp": E.clamp,
    "clip": E.clamp, "clamp_min": E.clamp_min, "clamp_max": E.clamp_max,
    "masked_fill": E.masked_fill, "where": _where_method, "clone": E.clone, "conj": E.conj,
    "eq": E.eq, "ne": E.ne, "lt": E.lt, "le": E.le, "gt": E.gt, "ge": E.ge,
    "greater": E.gt, "less": E.lt, "greater_equal": E.ge, "less_equal": E.le,
    "not_equal": E.ne, "logical_and": E.logical_and, "logical_or": E.logical_or,
    "logical_xor": E.logical_xor, "logical_not": E.logical_not, "isnan": E.isnan,
    "bitwise_and": E.bitwise_and, "bitwise_or": E.bitwise_or, "bitwise_xor": E.bitwise_xor,
    "bitwise_not": E.bitwise_not,
    "floor_divide": E.floor_divide, "remainder": E.remainder, "fmod": E.fmod,
    "reciprocal": E.reciprocal, "rsqrt": E.rsqrt, "exp2": E.exp2, "expm1": E.expm1,
    "log2": E.log2, "log10": E.log10, "log1p": E.log1p, "tan": E.tan, "asin": E.asin,
    "arcsin": E.asin, "acos": E.acos, "arccos": E.acos, "atan": E.atan, "arctan": E.atan,
    "atan2": E.atan2, "arctan2": E.atan2, "sinh": E.sinh, "cosh": E.cosh, "asinh": E.asinh,
    "arcsinh": E.asinh, "acosh": E.acosh, "arccosh": E.acosh, "atanh": E.atanh,
    "arctanh": E.atanh, "logit": E.logit, "erf": E.erf, "erfc": E.erfc, "erfinv": E.erfinv,
    "lgamma": E.lgamma, "digamma": E.digamma, "polygamma": E._polygamma_method,
    "floor": E.floor, "ceil": E.ceil, "round": E.round, "trunc": E.trunc, "fix": E.trunc,
    "frac": E.frac, "maximum": E.maximum, "minimum": E.minimum, "fmax": E.fmax,
    "fmin": E.fmin, "lerp": E.lerp, "addcmul": E.addcmul, "addcdiv": E.addcdiv,
    "hypot": E.hypot, "xlogy": E.xlogy, "logaddexp": E.logaddexp,
    "nan_to_num": E.nan_to_num, "angle": E.angle, "isclose": E.isclose,
    "allclose": E.allclose, "equal": E.equal, "isinf": E.isinf, "isfinite": E.isfinite,
    "isposinf": E.isposinf, "isneginf": E.isneginf, "isreal": E.isreal,
    "bitwise_left_shift": E.bitwise_left_shift, "bitwise_right_shift": E.bitwise_right_shift,
    "logaddexp2": E.logaddexp2, "copysign": E.copysign, "sinc": E.sinc,
    "deg2rad": E.deg2rad, "rad2deg": E.rad2deg, "float_power": E.float_power,
    "positive": E.positive, "signbit": E.signbit,
    # reductions
    "sum": R.sum, "mean": R.mean, "amax": R.amax, "amin": R.amin, "max": R.max, "min": R.min,
    "argmax": R.argmax, "argmin": R.argmin,
    "softmax": R.softmax, "log_softmax": R.log_softmax, "logsumexp": R.logsumexp,
    "nansum": R.nansum, "nanmean": R.nanmean, "all": R.all, "any": R.any,
    "count_nonzero": R.count_nonzero, "bincount": R.bincount, "histc": R.histc,
    "unique": R.unique,
    "logcumsumexp": R.logcumsumexp, "quantile": R.quantile,
    "sort": R.sort, "argsort": R.argsort, "topk": R.topk, "kthvalue": R.kthvalue,
    "median": R.median, "mode": R.mode, "cummax": R.cummax, "cummin": R.cummin,
    "aminmax": R.aminmax,
    "norm": R.norm,
    "prod": R.prod, "cumsum": R.cumsum, "cumprod": R.cumprod,
    "var": R.var, "std": R.std,
    # products
    "matmul": L.matmul, "mm": L.mm, "bmm": L.bmm, "mv": L.mv, "dot": L.dot, "vdot": L.vdot,
    "outer": L.outer, "ger": L.outer, "inner": L.inner, "addmm": L.addmm, "addmv": L.addmv,
    "baddbmm": L.baddbmm, "addbmm": L.addbmm, "addr": L.addr, "kron": L.kron,
    "trace": L.trace, "diagonal": L.diagonal, "diag_embed": L.diag_embed, "diag": L.diag,
    "tril": L.tril, "triu": L.triu, "cross": L.cross, "inverse": L.inverse, "det": L.det,
    "slogdet": L.slogdet, "logdet": L.logdet, "cholesky": L.cholesky,
    "cholesky_solve": L.cholesky_solve, "triangular_solve": L.triangular_solve, "svd": L.svd,
    "qr": L.qr, "pinverse": L.pinverse, "matrix_power": L.matrix_power,
    "tril_": L.tril_, "triu_": L.triu_, "addmm_": L.addmm_, "addmv_": L.addmv_,
    "addbmm_": L.addbmm_, "baddbmm_": L.baddbmm_, "addr_": L.addr_,
    # shapes and indexing
    "reshape": S.reshape, "view": S.view, "view_as": S.view_as, "reshape_as": S.reshape_as,
    "flatten": S.flatten, "squeeze": S.squeeze, "unsqueeze": S.unsqueeze,
    "permute": S.permute, "transpose": S.transpose, "swapaxes": S.swapaxes,
    "swapdims": S.transpose, "t": S.t, "expand": S.expand, "expand_as": S.expand_as,
    "broadcast_to": S.broadcast_to, "select": S.select, "narrow": S.narrow,
    "unbind": S.unbind, "flip": S.flip, "gather": S.gather, "nonzero": S.nonzero,
    "unflatten": S.unflatten, "movedim": S.movedim, "moveaxis": S.movedim,
    "repeat": S.repeat, "repeat_interleave": S.repeat_interleave, "tile": S.tile,
    "split": S.split, "tensor_split": S.tensor_split, "chunk": S.chunk, "fliplr": S.fliplr,
    "flipud": S.flipud, "roll": S.roll, "rot90": S.rot90, "scatter": S.scatter,
    "scatter_add": S.scatter_add, "scatter_reduce": S.scatter_reduce,
    "index_select": S.index_select, "index_add": S.index_add, "index_copy": S.index_copy,
    "index_fill": S.index_fill, "index_put": S.index_put, "masked_scatter": S.masked_scatter,
    "masked_select": S.masked_select, "take": S.take, "take_along_dim": S.take_along_dim,
    "argwhere": S.argwhere, "as_strided": S.as_strided, "unfold": S.unfold, "diff": S.diff,
    "scatter_": S.scatter_, "scatter_add_": S.scatter_add_, "scatter_reduce_": S.scatter_reduce_,
    "index_add_": S.index_add_, "index_copy_": S.index_copy_, "index_fill_": S.index_fill_,
    "index_put_": S.index_put_, "masked_scatter_": S.masked_scatter_,
    "hsplit": S.hsplit, "vsplit": S.vsplit, "dsplit": S.dsplit,
    # conversion and construction
    "to": _to, "contiguous": _contiguous, "cpu": lambda self, memory_format=None: self,
    "float": _cast(_dtype.float32), "double": _cast(_dtype.float64),
    "half": _cast(_dtype.float16), "bfloat16": _cast(_dtype.bfloat16),
    "long": _cast(_dtype.int64), "int": _cast(_dtype.int32), "short": _cast(_dtype.int16),
    "char": _cast(_dtype.int8), "byte": _cast(_dtype.uint8), "bool": _cast(_dtype.bool_),
    "cfloat": _cast(_dtype.complex64), "cdouble": _cast(_dtype.complex128),
    "new_zeros": _new(C.zeros), "new_ones": _new(C.ones), "new_empty": _new(C.empty),
    "new_full": _new_full, "new_tensor": _new_tensor,
    # sampling
    **RND.METHODS,
    # CUDA memory, answered as by PyTorch's CPU build
    **CUDA_METHODS,
    # in place
    "add_": I.add_, "sub_": I.sub_, "mul_": I.mul_, "div_": I.div_, "pow_": I.pow_,
    "neg_": I.neg_, "exp_": I.exp_, "log_": I.log_, "sqrt_": I.sqrt_, "sin_": I.sin_,
    "cos_": I.cos_, "tanh_": I.tanh_, "sigmoid_": I.sigmoid_, "relu_": I.relu_,
    "abs_": I.abs_, "clamp_": I.clamp_, "clip_": I.clip_, "fill_": I.fill_,
    "zero_": I.zero_, "copy_": I.copy_, "masked_fill_": I.masked_fill_,
    "floor_divide_": I.floor_divide_, "remainder_": I.remainder_, "fmod_": I.fmod_,
    "atan2_": I.atan2_, "arctan2_": I.arctan2_, "hypot_": I.hypot_, "xlogy_": I.xlogy_,
    "lerp_": I.lerp_, "addcmul_": I.addcmul_, "addcdiv_": I.addcdiv_,
    "polygamma_": I.polygamma_, "logit_": I.logit_, "nan_to_num_": I.nan_to_num_,
    "square_": I.square_, "sign_": I.sign_, "sgn_": I.sgn_, "reciprocal_": I.reciprocal_,
    "rsqrt_": I.rsqrt_, "exp2_": I.exp2_, "expm1_": I.expm1_, "log2_": I.log2_,
    "log10_": I.log10_, "log1p_": I.log1p_, "tan_": I.tan_, "asin_": I.asin_,
    "arcsin_": I.arcsin_, "acos_": I.acos_, "arccos_": I.arccos_, "atan_": I.atan_,
    "arctan_": I.arctan_, "sinh_": I.sinh_, "cosh_": I.cosh_, "asinh_": I.asinh_,
    "arcsinh_": I.arcsinh_, "acosh_": I.acosh_, "arccosh_": I.arccosh_, "atanh_": I.atanh_,
    "arctanh_": I.arctanh_, "erf_": I.erf_, "erfc_": I.erfc_, "erfinv_": I.erfinv_,
    "lgamma_": I.lgamma_, "digamma_": I.digamma_, "floor_": I.floor_, "ceil_": I.ceil_,
    "round_": I.round_, "trunc_": I.trunc_, "fix_": I.fix_, "frac_": I.frac_,
    "bitwise_left_shift_": I.bitwise_left_shift_,
    "bitwise_right_shift_": I.bitwise_right_shift_,
    "negative_": I.negative_, "absolute_": I.absolute_, "divide_": I.divide_,
    "true_divide_": I.true_divide_, "multiply_": I.multiply_, "subtract_": I.subtract_,
    "clamp_min_": I.clamp_min_, "clamp_max_": I.clamp_max_, "logical_and_": I.logical_and_,
    "logical_or_": I.logical_or_, "logical_xor_": I.logical_xor_,
    "logical_not_": I.logical_not_, "bitwise_and_": I.bitwise_and_,
    "bitwise_or_": I.bitwise_or_, "bitwise_xor_": I.bitwise_xor_,
    "bitwise_not_": I.bitwise_not_, "eq_": I.eq_, "ne_": I.ne_, "not_equal_": I.not_equal_,
    "lt_": I.lt_, "less_": I.less_, "le_": I.le_, "less_equal_": I.less_equal_,
    "gt_": I.gt_, "greater_": I.greater_, "ge_": I.ge_, "greater_equal_": I.greater_equal_,
    "sinc_": I.sinc_, "copysign_": I.copysign_, "deg2rad_": I.deg2rad_,
    "rad2deg_": I.rad2deg_, "float_power_": I.float_power_,
    # operators
    "__add__": E.add_op, "__radd__": E.add_op, "__sub__": E.sub_op, "__rsub__": E._rsub_op,
    "__mul__": E.mul_op, "__rmul__": E.mul_op, "__truediv__": E.div_op,
    "__rtruediv__": _reflect(E.div), "__neg__": E.neg, "__pos__": lambda self: self,
    "__abs__": E.abs, "__pow__": E.pow, "__rpow__": _rpow, "__matmul__": L.matmul,
    "__rmatmul__": _matmul_r, "__eq__": _eq_op, "__ne__": _ne_op, "__lt__": E.lt,
    "__le__": E.le, "__gt__": E.gt, "__ge__": E.ge, "__and__": E.bitwise_and,
    "__or__": E.bitwise_or, "__xor__": E.bitwise_xor, "__invert__": E.bitwise_not,
    "__rand__": E.bitwise_and, "__ror__": E.bitwise_or, "__rxor__": E.bitwise_xor,
    "__iadd__": _iop(I.add_), "__isub__": _iop(I.sub_), "__imul__": _iop(I.mul_),
    "__itruediv__": _iop(I.div_), "__ipow__": _iop(I.pow_),
    "__floordiv__": E.floor_divide, "__rfloordiv__": _reflect(E.floor_divide),
    "__mod__": E.remainder, "__rmod__": _reflect(E.remainder),
    "__lshift__": E.bitwise_left_shift, "__rshift__": E.bitwise_right_shift,
    "__rlshift__": _reflect(E.bitwise_left_shift),
    "__rrshift__": _reflect(E.bitwise_right_shift),
    "__ifloordiv__": _iop(I.floor_divide_), "__imod__": _iop(I.remainder_),
    "__ilshift__": _iop(I.bitwise_left_shift_), "__irshift__": _iop(I.bitwise_right_shift_),
    "__iand__": _iop(I.bitwise_and_), "__ior__": _iop(I.bitwise_or_),
    "__ixor__": _iop(I.bitwise_xor_),
    "__getitem__": S.getitem, "__setitem__": I.setitem,
}  # fmt: skip

_PROPERTIES: dict[str, Any] = {
    "T": S.numpy_T, "mT": S.mT, "real": E.real, "imag": E.imag,
    "H": lambda self: E.conj(S.numpy_T(self)), "mH": lambda self: E.conj(S.mT(self)),
}  # fmt: skip


def install() -> None:
    for name, fn in _METHODS.items():
        setattr(Tensor, name, fn)
    for name, fn in _PROPERTIES.items():
        setattr(Tensor, name, property(fn))
    Tensor.is_nonzero = lambda self: bool(self)  # type: ignore[attr-defined]


install()
