"""Tensor construction: from data, filled, ranges, and random with seedable generators.

Random numbers come from NumPy's PCG64, so a seed gives the same numbers in retrograd
every run, but not the numbers PyTorch's Mersenne Twister gives for that seed.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _dtype
from .._tensor import Size, Tensor


def _check_device(device: Any) -> None:
    if device is None:
        return
    name = device if isinstance(device, str) else getattr(device, "type", str(device))
    if not str(name).startswith("cpu"):
        raise RuntimeError(
            f"retrograd runs on the CPU only; device {device!r} is not available"
        )


def _finish(arr: np.ndarray, requires_grad: bool, device: Any = None) -> Tensor:
    _check_device(device)
    t = Tensor._wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer_dtype(arr: np.ndarray, from_python: bool) -> np.dtype:
    """PyTorch's inference: Python floats -> default dtype, ints -> int64, complex ->
    default complex; NumPy data keeps its dtype."""
    k = arr.dtype.kind
    if not from_python:
        if k == "O":
            raise TypeError("can't convert np.ndarray of type numpy.object_.")
        return arr.dtype
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
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data)):
        # one-element tensors inside lists keep their dtype, as in PyTorch
        return np.asarray(_rebuild_nested(data)), False
    try:
        arr = np.asarray(data)
    except ValueError as e:
        raise ValueError(f"could not build a tensor from {type(data).__name__}: {e}") from None
    if arr.dtype == object:
        raise TypeError(f"could not infer dtype of {type(data).__name__}")
    if arr.dtype.kind in "US":
        raise TypeError(f"new(): invalid data type '{arr.dtype.kind == 'U' and 'str'}'")
    return arr, True


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
    dt = _dtype.as_dtype(dtype).np if dtype is not None else _infer_dtype(arr, from_python)
    return _finish(np.array(arr, dtype=dt, copy=True), requires_grad, device)


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


def _size(size: tuple[Any, ...]) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(
                f"size must be a tuple of ints, but got an element of type {type(s).__name__}"
            )
        if s < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {s}: {list(size)}"
            )
    return tuple(int(s) for s in size)


def _dt(dtype: Any, default: _dtype.dtype | None = None) -> np.dtype:
    if dtype is None:
        return (default or _dtype.get_default_dtype()).np
    return _dtype.as_dtype(dtype).np


def _filled(fill: Any) -> Any:
    def make(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
             out: Any = None, layout: Any = None, pin_memory: bool = False) -> Tensor:  # fmt: skip
        return _finish(fill(_size(size), _dt(dtype)), requires_grad, device)

    return make


zeros = _filled(np.zeros)
ones = _filled(np.ones)
empty = _filled(np.zeros)  # deterministic contents: zeros
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
    v = fill_value._data if isinstance(fill_value, Tensor) else fill_value
    return _finish(np.full(_size((size,)), v, dt), requires_grad, device)


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
    return _finish(np.full(input._data.shape, fill_value, dt), requires_grad, device)


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: Any = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Values from ``start`` (inclusive) to ``end`` (exclusive) by ``step``; int64 when all
    arguments are integers, the default float dtype otherwise."""
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if vals[2] == 0:
        raise RuntimeError("step must be nonzero")
    if (vals[1] - vals[0]) * vals[2] < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        all_int = all(isinstance(v, (int, np.integer)) for v in vals)
        dt = np.dtype(np.int64) if all_int else _dtype.get_default_dtype().np
    else:
        dt = _dt(dtype)
    n = max(0, math.ceil((vals[1] - vals[0]) / vals[2]))
    arr = (vals[0] + vals[2] * np.arange(n, dtype=np.float64 if dt.kind != "i" else np.int64))
    return _finish(arr.astype(dt), requires_grad, device)


def linspace(start: Any, end: Any, steps: int, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    arr = np.linspace(float(start), float(end), int(steps))
    return _finish(arr.astype(_dt(dtype)), requires_grad, device)


def eye(n: int, m: int | None = None, *, dtype: Any = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:  # fmt: skip
    """An identity matrix of n rows (and m columns)."""
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
        self.device = device

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


def rand(*size: Any, generator: Generator | None = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Uniform samples in [0, 1)."""
    dt = _dt(dtype)
    arr = _rng(generator).random(_size(size))
    if dt.kind == "c":
        arr = arr + 1j * _rng(generator).random(arr.shape)
    return _finish(arr.astype(dt), requires_grad, device)


def randn(*size: Any, generator: Generator | None = None, dtype: Any = None,
          device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Standard normal samples (complex: real and imaginary parts each of variance 1/2)."""
    dt = _dt(dtype)
    rng = _rng(generator)
    arr = rng.standard_normal(_size(size))
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
    if np.any(np.asarray(s) < 0):
        raise RuntimeError(f"normal expects std >= 0.0, but found std {np.min(s)}")
    if size is not None:
        shape = _size((size,))
    else:
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    arr = _rng(generator).normal(m, s, shape)
    if dtype is not None:
        dt = _dt(dtype)
    elif isinstance(mean, Tensor):
        dt = mean._data.dtype
    elif isinstance(std, Tensor):
        dt = std._data.dtype
    else:
        dt = _dt(None)
    return _finish(np.asarray(arr).astype(dt), requires_grad)


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None,
             requires_grad: bool = False) -> Tensor:  # fmt: skip
    return _finish(_rng(generator).permutation(n).astype(_dt(dtype, _dtype.int64)), False)


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input._data.size


def is_nonzero(input: Tensor) -> bool:
    return bool(input)

