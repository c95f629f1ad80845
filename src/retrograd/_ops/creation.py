"""Tensor construction: from data, filled, ranges, and random with seedable generators.

Random numbers come from NumPy's PCG64, so a seed gives the same numbers in retrograd
every run, but not the numbers PyTorch's Mersenne Twister gives for that seed.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import ml_dtypes
import numpy as np

from .. import _device, _dtype
from .._tensor import Size, Tensor


def _check_device(device: Any) -> None:
    if device is None:
        return
    name = device if isinstance(device, str) else getattr(device, "type", str(device))
    if not str(name).startswith("cpu"):
        raise RuntimeError(f"retrograd runs on the CPU only; device {device!r} is not available")


def _finish(arr: np.ndarray, requires_grad: bool, device: Any = None) -> Tensor:
    _check_device(device)
    t = Tensor._wrap(arr)
    if requires_grad:
        if arr.dtype.kind in "fcV":
            t._requires_grad = True
        else:
            t.requires_grad_(True)  # raises PyTorch's error for integer and bool dtypes
    return t


def _infer_dtype(arr: np.ndarray, from_python: bool) -> np.dtype:
    """PyTorch's inference: Python floats -> default dtype, ints -> int64, complex ->
    default complex; NumPy data keeps its dtype."""
    k = arr.dtype.kind
    if not from_python:
        if k == "O":
            raise TypeError("can't convert np.ndarray of type numpy.object_.")
        return _dtype.from_numpy_dtype(arr.dtype).np  # uint16 etc.: a TypeError, not a KeyError
    if k == "b":
        return np.dtype(np.bool_)
    if k in "iu":
        return np.dtype(np.int64)
    if k == "c":
        return _dtype.default_complex_dtype().np
    return _dtype.get_default_dtype().np


def _to_array(data: Any) -> tuple[np.ndarray, bool]:
    if isinstance(data, Tensor):
        return data._data, False
    if isinstance(data, np.ndarray):
        return data, False
    if isinstance(data, np.generic):
        return np.asarray(data), False
    if type(data) is list and _python_numbers_only(data):
        # the everyday case, nested lists of Python numbers (a ragged one falls through to
        # the general path and its error)
        try:
            return np.asarray(data), True
        except ValueError:
            pass
    leaves = _flat(data) if isinstance(data, (list, tuple)) else [data]
    _check_int64(leaves)
    if any(isinstance(x, (Tensor, np.generic, np.ndarray)) for x in leaves):
        # PyTorch promotes the element types (a 0-d tensor or NumPy scalar keeps its dtype,
        # a Python float counts as the default dtype), unlike NumPy's value-based rules
        dt = functools.reduce(_dtype.promote_types, (_leaf_dtype(x) for x in leaves))
        return np.asarray(_rebuild_nested(data), dtype=dt.np), False
    try:
        arr = np.asarray(data)
    except ValueError as e:
        _check_not_ragged(data)
        raise ValueError(f"could not build a tensor from {type(data).__name__}: {e}") from None
    if arr.dtype == object:
        raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
    if arr.dtype.kind in "US":
        raise TypeError(f"new(): invalid data type '{arr.dtype.kind == 'U' and 'str'}'")
    return arr, True


def _check_not_ragged(data: Any) -> None:
    """PyTorch's error for nested sequences whose lengths differ along a dim."""
    lengths: list[int] = []  # the first length seen at each depth
    stack = [(data, 0)]
    while stack:
        seq, dim = stack.pop(0)
        if len(lengths) == dim:
            lengths.append(len(seq))
        elif lengths[dim] != len(seq):
            raise ValueError(
                f"expected sequence of length {lengths[dim]} at dim {dim} (got {len(seq)})"
            )
        stack[:0] = [(x, dim + 1) for x in seq if isinstance(x, (list, tuple))]


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _python_numbers_only(data: list[Any]) -> bool:
    """Whether ``data`` holds (nested lists/tuples of) Python numbers and ints in int64's
    range only; then NumPy's own conversion infers what PyTorch infers."""
    stack = [data]
    while stack:
        for v in stack.pop():
            t = type(v)
            if t is float or t is bool or t is complex:
                continue
            if t is int:
                if not _INT64_MIN <= v <= _INT64_MAX:
                    return False
            elif t is list or t is tuple:
                stack.append(v)
            else:
                return False
    return True


def _check_int64(leaves: list[Any]) -> None:
    """Python ints must fit int64 (NumPy would silently pick uint64, float64 or object)."""
    for x in leaves:
        if type(x) is int and not -(2**63) <= x < 2**63:
            raise ValueError(f"Overflow when unpacking long long: {x} does not fit in int64")


def _leaf_dtype(x: Any) -> _dtype.dtype:
    if isinstance(x, Tensor):
        return _dtype._FROM_NP[x._data.dtype]
    if isinstance(x, (np.generic, np.ndarray)):
        return _dtype.from_numpy_dtype(x.dtype)
    return _dtype.scalar_dtype(x)


def _flat(data: Any) -> list[Any]:
    out, stack = [], [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        else:
            out.append(x)
    return out


def _scalar_of(x: Any) -> Any:
    if isinstance(x, Tensor):
        if x._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return x._data.reshape(())
    return x


def _rebuild_nested(data: Any) -> Any:
    if isinstance(data, (list, tuple)):
        return [_rebuild_nested(x) for x in data]
    return _scalar_of(data)


def tensor(data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:  # fmt: skip
    """A new leaf tensor holding a copy of ``data`` (a number, nested lists, an array).

    Example:
        >>> retrograd.tensor([[1., 2.], [3., 4.]], requires_grad=True)
        tensor([[1., 2.],
                [3., 4.]], requires_grad=True)
    """
    arr, from_python = _to_array(data)
    if dtype is None:
        dt = _infer_dtype(arr, from_python)
    else:
        dt = _dtype.as_dtype(dtype).np
        if from_python and arr.dtype.kind == "c" and dt.kind != "c":
            raise TypeError("must be real number, not complex")
    return _finish(_cast(arr, dt, checked=from_python), requires_grad, device)


def _cast(arr: np.ndarray, dt: np.dtype, checked: bool) -> np.ndarray:
    """A copy of ``arr`` as ``dt``. ``checked`` (Python numbers) applies PyTorch's range
    check; arrays are cast as PyTorch casts them, without NumPy's overflow warnings."""
    if checked and not _fits(arr, dt):
        name = _dtype._FROM_NP[dt].name
        raise RuntimeError(f"value cannot be converted to type {name} without overflow")
    if arr.dtype == dt or arr.dtype.kind in "biu" and dt.kind in "fc" and dt.itemsize >= 4:
        return np.array(arr, dtype=dt, copy=True)  # nothing to overflow: no errstate needed
    with np.errstate(over="ignore", invalid="ignore"):
        return np.array(arr, dtype=dt, copy=True)


def _fits(arr: np.ndarray, dt: np.dtype) -> bool:
    if arr.dtype.kind == "c" and dt.kind != "c" and dt.kind != "b":
        return False
    if dt.kind not in "iu" or arr.size == 0 or arr.dtype.kind not in "iuf":
        return True
    info = np.iinfo(dt)
    # unsigned types take negatives down to -max, wrapping as two's complement (c10's rule)
    lo = -int(info.max) if dt.kind == "u" else int(info.min)
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all():
            return False
        arr = np.trunc(arr)
    return bool(lo <= arr.min() and arr.max() <= int(info.max))


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like ``tensor`` but shares memory with ``data`` when it already fits."""
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or _dtype.as_dtype(dtype).np == data.dtype):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray``."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return Tensor._wrap(ndarray)


def _size_arg(args: tuple[Any, ...], size: Any, name: str) -> tuple[int, ...]:
    """The size given positionally (``zeros(2, 3)``, ``zeros((2, 3))``) or as ``size=``."""
    if size is not None:
        if args:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        args = (size,)
    if not args:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    return _size(args)


def _size(size: tuple[Any, ...]) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(
                f"size must be a tuple of ints, but got an element of type {type(s).__name__}"
            )
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(int(s) for s in size)


def _dt(dtype: Any, default: _dtype.dtype | None = None) -> np.dtype:
    if dtype is None:
        return (default or _dtype.get_default_dtype()).np
    return _dtype.as_dtype(dtype).np


def _filled(fill: Any, name: str) -> Any:
    def make(*args: Any, size: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False, out: Any = None, layout: Any = None,
             pin_memory: bool = False) -> Tensor:  # fmt: skip
        return _finish(fill(_size_arg(args, size, name), _dt(dtype)), requires_grad, device)

    return make


zeros = _filled(np.zeros, "zeros")
ones = _filled(np.ones, "ones")
empty = _filled(np.zeros, "empty")  # deterministic contents: zeros
zeros.__doc__ = "A tensor of zeros of the given size."
ones.__doc__ = "A tensor of ones of the given size."
empty.__doc__ = "A tensor of the given size (filled with zeros in retrograd)."


def full(size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:  # fmt: skip
    """A tensor of the given size filled with ``fill_value`` (dtype inferred from it)."""
    if dtype is None:
        dt = _dtype.scalar_dtype(fill_value.item() if isinstance(fill_value, Tensor)
                                 else fill_value).np  # fmt: skip
    else:
        dt = _dt(dtype)
    return _finish(_full_array(_size((size,)), fill_value, dt), requires_grad, device)


def _full_array(shape: tuple[int, ...], fill_value: Any, dt: np.dtype) -> np.ndarray:
    if isinstance(fill_value, Tensor):
        v = _cast(fill_value._data, dt, checked=False)
    else:
        v = _cast(np.asarray(fill_value), dt, checked=True)
    return np.full(shape, v, dt)


def _like(fill: Any) -> Any:
    def make(input: Tensor, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False, memory_format: Any = None) -> Tensor:  # fmt: skip
        dt = _dt(dtype) if dtype is not None else input._data.dtype
        return _finish(fill(input._data.shape, dt), requires_grad, device)

    return make


zeros_like = _like(np.zeros)
ones_like = _like(np.ones)
empty_like = _like(np.zeros)


def full_like(input: Tensor, fill_value: Any, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:  # fmt: skip
    dt = _dt(dtype) if dtype is not None else input._data.dtype
    return _finish(_full_array(input._data.shape, fill_value, dt), requires_grad, device)


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: Any = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Values from ``start`` (inclusive) to ``end`` (exclusive) by ``step``.

    Args:
        start: the first value (or ``end``, with start 0, when it is the only argument).
        end: the bound, excluded.
        step: the gap between values; negative counts down.
        dtype: int64 when all arguments are integers, the default float dtype otherwise.
        requires_grad: make the result a leaf that requires grad.

    Returns:
        A 1-D tensor of ``ceil((end - start) / step)`` values.

    Example:
        >>> retrograd.arange(1, 2.5, 0.5)
        tensor([1.0000, 1.5000, 2.0000])
    """
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if vals[2] == 0:
        raise RuntimeError("step must be nonzero")
    if not all(math.isfinite(v) for v in vals):
        raise RuntimeError(f"unsupported range: {vals[0]} -> {vals[1]}")
    if (vals[1] - vals[0]) * vals[2] < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        all_int = all(isinstance(v, (int, np.integer)) for v in vals)
        dt = np.dtype(np.int64) if all_int else _dtype.get_default_dtype().np
    else:
        dt = _dt(dtype)
    if dt.kind in "bc":
        raise NotImplementedError(f'"arange_cpu" not implemented for {_dtype._FROM_NP[dt]}')
    n = max(0, math.ceil((vals[1] - vals[0]) / vals[2]))
    if dt.kind in "iu":
        # PyTorch truncates start and step to integers before stepping (for int64 it also
        # counts the values with the truncated bounds)
        lo, hi, st = (int(v) for v in vals)
        if st == 0:
            raise RuntimeError("step must be nonzero")
        if dt == np.int64:
            n = max(0, (hi - lo + st - (1 if st > 0 else -1)) // st)
        arr = lo + st * np.arange(n, dtype=np.int64)
    else:
        arr = vals[0] + vals[2] * np.arange(n, dtype=np.float64)
    return _finish(_cast(arr, dt, checked=False), requires_grad, device)


def linspace(start: Any, end: Any, steps: int, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    lo, hi = (v.item() if isinstance(v, Tensor) else v for v in (start, end))
    if dtype is None and (isinstance(lo, complex) or isinstance(hi, complex)):
        dtype = _dtype.default_complex_dtype()
    dt = _dt(dtype)
    if dt.kind in "iu":
        lo, hi = int(lo), int(hi)  # PyTorch truncates the bounds first for integer results
    arr = np.linspace(lo, hi, int(steps))
    return _finish(_cast(arr, dt, checked=False), requires_grad, device)


def eye(n: int, m: int | None = None, *, dtype: Any = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:  # fmt: skip
    """An identity matrix of n rows (and m columns)."""
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    return _finish(np.eye(n, m, dtype=_dt(dtype)), requires_grad, device)


def scalar_tensor(s: Any, *, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:  # fmt: skip
    return _finish(np.array(s, _dt(dtype)), requires_grad, device)


# -------------------------------------------------------------------------- random
class Generator:
    """A random-number generator; ``manual_seed`` makes its stream reproducible."""

    def __init__(self, device: Any = "cpu") -> None:
        _check_device(device)
        self._seed = 67280421310721
        self._rng = np.random.Generator(np.random.PCG64(self._seed))
        self.device = _device.device(device)

    def manual_seed(self, seed: int) -> Generator:
        seed = int(seed)
        self._seed = seed
        self._rng = np.random.Generator(np.random.PCG64(seed & (2**64 - 1)))
        return self

    def seed(self) -> int:
        s = int(np.random.SeedSequence().entropy) & (2**63 - 1)
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Tensor:
        import pickle

        blob = pickle.dumps(self._rng.bit_generator.state)
        return Tensor._wrap(np.frombuffer(blob, np.uint8).copy())

    def set_state(self, state: Tensor) -> Generator:
        import pickle

        self._rng.bit_generator.state = pickle.loads(state._data.tobytes())  # noqa: S301
        return self


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (every retrograd random function without generator=)."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    return default_generator.get_state()


def set_rng_state(state: Tensor) -> None:
    default_generator.set_state(state)


def _rng(generator: Generator | None) -> np.random.Generator:
    return (generator or default_generator)._rng


def _random_dt(dtype: Any, op: str) -> np.dtype:
    """The dtype of a sampled tensor: only floating and complex ones, as in PyTorch."""
    dt = _dt(dtype)
    if dt.kind not in "fcV":
        raise NotImplementedError(
            f"{op}() samples floating point values and is not implemented for "
            f"{_dtype._FROM_NP[dt]}; use randint() for integers"
        )
    return dt


def rand(*args: Any, size: Any = None, generator: Generator | None = None, dtype: Any = None,
         device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Uniform samples in [0, 1)."""
    dt = _random_dt(dtype, "rand")
    arr = _unit_grid(_rng(generator).random(_size_arg(args, size, "rand")), dt)
    if dt.kind == "c":
        arr = arr + 1j * _unit_grid(_rng(generator).random(arr.shape), dt)
    return _finish(arr.astype(dt), requires_grad, device)


def _unit_grid(u: np.ndarray, dt: np.dtype) -> np.ndarray:
    """Round [0, 1) samples down to multiples of 2**-digits of ``dt``'s significand, as
    PyTorch draws them: rounding to nearest could give 1.0 in float32, float16, bfloat16."""
    real = np.empty(0, dt).real.dtype
    scale = 2.0 ** (int(ml_dtypes.finfo(real).nmant) + 1)
    return np.floor(u * scale) / scale


def randn(*args: Any, size: Any = None, generator: Generator | None = None, dtype: Any = None,
          device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Standard normal samples (complex: real and imaginary parts each of variance 1/2)."""
    dt = _random_dt(dtype, "randn")
    rng = _rng(generator)
    arr = rng.standard_normal(_size_arg(args, size, "randn"))
    if dt.kind == "c":
        arr = (arr + 1j * rng.standard_normal(arr.shape)) / np.sqrt(2)
    return _finish(arr.astype(dt), requires_grad, device)


def randint(low: int, high: int | None = None, size: Any = None, *,
            generator: Generator | None = None, dtype: Any = None, device: Any = None,
            requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Integers drawn uniformly from [low, high); int64 by default."""
    if size is None:
        if high is None or not isinstance(high, (tuple, list, Size)):
            raise TypeError("randint() missing required argument 'size'")
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if high <= low:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    arr = _rng(generator).integers(low, high, _size((size,)))
    return _finish(arr.astype(_dt(dtype, _dtype.int64)), requires_grad, device)


def randint_like(input: Tensor, low: int, high: int | None = None, *,
                 dtype: Any = None) -> Tensor:  # fmt: skip
    if high is None:
        low, high = 0, low
    arr = _rng(None).integers(low, high, input._data.shape)
    return _finish(arr.astype(_dt(dtype) if dtype else input._data.dtype), False)


def rand_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return rand(input._data.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return randn(input._data.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *,
           generator: Generator | None = None, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Normal samples; ``mean`` and ``std`` may be tensors (broadcast) or numbers."""
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    if isinstance(std, Tensor) and np.any(s < 0):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if np.any(np.asarray(s) < 0):
        raise RuntimeError(f"normal expects std >= 0.0, but found std {s}")
    if size is not None:
        shape = _size((size,))
    elif not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        raise TypeError("normal() with a float mean and a float std needs a size")
    else:
        try:
            shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        except ValueError:
            raise RuntimeError(
                f"normal: mean of shape {list(np.shape(m))} and std of shape "
                f"{list(np.shape(s))} cannot be broadcast together"
            ) from None
    if dtype is None and isinstance(mean, Tensor):
        dtype = mean.dtype
    elif dtype is None and isinstance(std, Tensor):
        dtype = std.dtype
    dt = _random_dt(dtype, "normal")
    arr = _rng(generator).normal(m, s, shape)
    return _finish(np.asarray(arr).astype(dt), requires_grad)


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None,
             requires_grad: bool = False) -> Tensor:  # fmt: skip
    return _finish(_rng(generator).permutation(n).astype(_dt(dtype, _dtype.int64)), False)


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    """Whether ``input``'s dtype is a floating point one (float16/bfloat16/float32/float64)."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"is_floating_point(): argument 'input' (position 1) must be Tensor, "
            f"not {type(input).__name__}"
        )
    return input.is_floating_point()


def is_complex(input: Tensor) -> bool:
    """Whether ``input``'s dtype is complex64 or complex128."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"is_complex(): argument 'input' (position 1) must be Tensor, "
            f"not {type(input).__name__}"
        )
    return input.is_complex()


def numel(input: Tensor) -> int:
    return input._data.size


def is_nonzero(input: Tensor) -> bool:
    return bool(input)


# functions whose PyTorch form takes out= (they declare no ``out`` themselves; _out.py
# wraps them), checked against PyTorch in tests/test_ops_kwargs.py
_TAKES_OUT = (
    "arange", "linspace", "eye", "full",
)  # fmt: skip
