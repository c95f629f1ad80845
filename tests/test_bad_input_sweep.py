"""Bad input across the catalogue: the same misuse in retrograd and PyTorch must fail alike.

For every public function with an op-database entry, a float64 sample that PyTorch accepts
is called directly (``lib.name(*args, **kwargs)``, and as a method where PyTorch has one)
with one generic misuse at a time: a dim out of range (either side), a floating-point or
out-of-range index tensor, an int64 tensor as the first input, a second operand whose
shape matches nothing. Where PyTorch raises, retrograd must raise the same builtin
exception type (IndexError and RuntimeError are told apart), with a message, and the error
must not be NumPy's own or escape from inside NumPy. Where PyTorch accepts the misuse, the
case says nothing and is skipped.
"""

from __future__ import annotations

import inspect
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import retrograd
from opinfo import F64, Arg, Dtype, Sample, op_db

# Misuses PyTorch rejects that retrograd still lets through or answers with another
# error: "name-misuse" -> why. Strict xfails, so each goes once it is fixed.
KNOWN: dict[str, str] = {}


def _conv(lib: Any, a: Any) -> Any:
    if isinstance(a, Arg):
        return lib.from_numpy(np.array(a.value, copy=True))
    if isinstance(a, Dtype):
        return getattr(lib, a.name)
    if isinstance(a, (list, tuple)):
        return type(a)(_conv(lib, x) for x in a)
    return a


def _ndim(sample: Sample) -> int:
    """The number of dims of the sample's first tensor (first in a list, for cat)."""
    flat = [b for a in sample.args for b in (a if isinstance(a, (list, tuple)) else [a])]
    first = next((a for a in flat if isinstance(a, Arg)), None)
    return first.value.ndim if first is not None else 0


# parameters holding a dim (or dims), under their PyTorch names
DIM_PARAMS = ("dim", "dims", "dim0", "dim1", "start_dim", "end_dim", "source", "destination")


def _set_dim(p: inspect.BoundArguments, dim: int) -> bool:
    params = p.signature.parameters
    key = next((k for k in DIM_PARAMS if k in params), None)
    if key is None:
        return False
    old = p.arguments.get(key)
    if params[key].kind is inspect.Parameter.VAR_POSITIONAL:
        p.arguments[key] = ((dim,),)  # a tuple in PyTorch's functional form (no ``*dims``)
    elif key == "dims" or isinstance(old, (list, tuple)):
        p.arguments[key] = (dim,) * (len(old) if isinstance(old, (list, tuple)) else 1)
    else:
        p.arguments[key] = dim
    return True


def _bad_dim(p: inspect.BoundArguments, nd: int) -> bool:
    return _set_dim(p, nd + 3)


def _bad_neg_dim(p: inspect.BoundArguments, nd: int) -> bool:
    return _set_dim(p, -nd - 3)


def _with_index(p: inspect.BoundArguments, change: Callable[[np.ndarray], np.ndarray]) -> bool:
    """Replaces the (non-empty, integer) ``index``/``indices`` tensor by ``change(index)``."""
    for key in ("index", "indices"):
        idx = p.arguments.get(key)
        if isinstance(idx, Arg) and idx.value.dtype.kind in "iu" and idx.value.size:
            p.arguments[key] = Arg(change(idx.value), requires_grad=False)
            return True
    return False


def _float_index(p: inspect.BoundArguments, nd: int) -> bool:
    return _with_index(p, lambda i: i.astype(np.float64))


def _index_range(p: inspect.BoundArguments, nd: int) -> bool:
    return _with_index(p, lambda i: i + 100)


def _neg_index(p: inspect.BoundArguments, nd: int) -> bool:
    return _with_index(p, lambda i: i - 100)


def _int_input(p: inspect.BoundArguments, nd: int) -> bool:
    """The first tensor as int64: PyTorch rejects it where an op needs floating point."""
    first = next(iter(p.arguments.values()), None)
    if not isinstance(first, Arg) or first.value.dtype.kind != "f":
        return False
    key = next(iter(p.arguments))
    p.arguments[key] = Arg(np.round(first.value).astype(np.int64), requires_grad=False)
    return True


def _bad_other(p: inspect.BoundArguments, nd: int) -> bool:
    """The second tensor operand (``other``, ``mat2``, ``tensor2``...) with a last dim
    one more than the first operand's, and not 1, so it neither matches nor broadcasts."""
    tensors = [k for k, v in p.arguments.items() if isinstance(v, Arg)]
    first = p.arguments.get(tensors[0]) if tensors else None
    if len(tensors) < 2 or first is None or first.value.ndim < 1:
        return False
    n = first.value.shape[-1] + 1
    other = p.arguments[tensors[1]].value
    shape = other.shape[:-1] + (n + (n == 1),) if other.ndim else (n + (n == 1),)
    p.arguments[tensors[1]] = Arg(np.ones(shape, other.dtype), requires_grad=False)
    return True


MISUSES: dict[str, Callable[[inspect.BoundArguments, int], bool]] = {
    "dim": _bad_dim,
    "neg_dim": _bad_neg_dim,
    "float_index": _float_index,
    "index_range": _index_range,
    "neg_index": _neg_index,
    "int_input": _int_input,
    "shape": _bad_other,
}


def _spoiled(name: str, samples: list[Sample], spoil: Callable[..., bool]) -> Any:
    """The first sample with a tensor of at least one dim that binds to ``sig`` (the
    others belong to a wrapper lambda) and that ``spoil`` applies to, spoiled."""
    sig = inspect.signature(getattr(retrograd, name))
    for sample in samples:
        if _ndim(sample) == 0:
            continue
        try:
            p = sig.bind(*sample.args, **sample.kwargs)
        except TypeError:
            continue
        # the unspoiled call must work in PyTorch, or the error says nothing of the misuse
        if _raised(torch, name, p.args, p.kwargs) is None and spoil(p, _ndim(sample)):
            return p
    return None


def _cases() -> list[Any]:
    """(name, args, kwargs) of each misuse that applies to a public function with an
    entry, from the entry's float64 samples."""
    out, seen = [], set()
    for op in op_db:
        if F64 not in op.dtypes:
            continue
        samples = op.make_samples(F64)
        for name in op.covers:
            fn, tfn = getattr(retrograd, name, None), getattr(torch, name, None)
            if name in seen or not callable(fn) or not callable(tfn):
                continue
            seen.add(name)
            for misuse, spoil in MISUSES.items():
                p = _spoiled(name, samples, spoil)
                if p is None:
                    continue
                reason = KNOWN.get(f"{name}-{misuse}")
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                out.append(pytest.param(name, p.args, p.kwargs, id=f"{name}-{misuse}", marks=marks))
                if isinstance(p.args[0], Arg) and hasattr(torch.Tensor, name):
                    # the method form, as ``input.name(...)``, where PyTorch has it
                    out.append(pytest.param(f".{name}", p.args, p.kwargs, marks=marks,
                                            id=f".{name}-{misuse}"))  # fmt: skip
    return out


def _raised(lib: Any, name: str, args: tuple, kwargs: dict) -> BaseException | None:
    """The error of ``lib.name(*args, **kwargs)``, or of ``args[0].name(...)`` for a
    ``name`` starting with a dot; None when the call succeeds."""
    args, kwargs = _conv(lib, args), {k: _conv(lib, v) for k, v in kwargs.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if name.startswith("."):
                getattr(args[0], name[1:])(*args[1:], **kwargs)
            else:
                getattr(lib, name)(*args, **kwargs)
        except Exception as e:  # noqa: BLE001  # any error is compared, not swallowed
            return e
    return None


def _builtin_base(exc_type: type) -> type:
    """The nearest builtin class of PyTorch's exception (e.g. RuntimeError for its
    LinAlgError), which is what retrograd promises to match."""
    return next(c for c in exc_type.__mro__ if c.__module__ == "builtins")


CASES = _cases()


def test_the_sweep_covers_each_misuse() -> None:
    kinds = {c.id.split("-", 1)[1] for c in CASES}
    assert kinds == set(MISUSES), kinds
    assert len(CASES) > 80


@pytest.mark.parametrize("name,args,kwargs", CASES)
def test_bad_input_fails_as_in_torch(name: str, args: tuple, kwargs: dict) -> None:
    expected = _raised(torch, name, args, kwargs)
    if expected is None:
        pytest.skip("PyTorch accepts this call")
    got = _raised(retrograd, name, args, kwargs)
    assert got is not None, f"torch.{name} raised {expected!r}; retrograd.{name} did not"
    want = _builtin_base(type(expected))
    assert isinstance(got, want), f"{name}: want {want.__name__} like {expected!r}, got {got!r}"
    assert not type(got).__module__.startswith("numpy"), f"NumPy's own error leaked: {got!r}"
    last = traceback.extract_tb(got.__traceback__)[-1].filename
    assert "/numpy/" not in last, f"{name}: {got!r} was raised inside NumPy ({last})"
    assert str(got), f"{name}: {type(got).__name__} without a message"


# the fused products and cross promote nothing: PyTorch's own words for mixed dtypes
MIXED: dict[str, Callable[[Any], Any]] = {
    "addmm": lambda lib: lib.addmm(lib.ones(2, 2, dtype=lib.long), *[lib.ones(2, 2)] * 2),
    "addbmm": lambda lib: lib.addbmm(lib.ones(2, 2, dtype=lib.long), *[lib.ones(3, 2, 2)] * 2),
    "baddbmm": lambda lib: lib.baddbmm(lib.ones(2, 2, dtype=lib.long), *[lib.ones(3, 2, 2)] * 2),
    "addmv": lambda lib: lib.addmv(lib.ones(2, dtype=lib.long), lib.ones(2, 2), lib.ones(2)),
    "cross": lambda lib: lib.cross(lib.ones(3, dtype=lib.long), lib.ones(3), dim=0),
    "linalg.cross": lambda lib: lib.linalg.cross(lib.ones(3), lib.ones(3, dtype=lib.long)),
}


@pytest.mark.parametrize("dtype", ["long", "int32", "bool"])
def test_cholesky_of_integers_is_not_implemented(dtype: str) -> None:
    with pytest.raises(NotImplementedError) as theirs, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.cholesky's deprecation
        torch.cholesky(torch.ones(2, 2, dtype=getattr(torch, dtype)))
    with pytest.raises(NotImplementedError) as ours:
        retrograd.cholesky(retrograd.ones(2, 2, dtype=getattr(retrograd, dtype)))
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("name", MIXED)
def test_mixed_dtypes_raise_pytorchs_message(name: str) -> None:
    with pytest.raises(RuntimeError) as theirs:
        MIXED[name](torch)
    with pytest.raises(RuntimeError) as ours:
        MIXED[name](retrograd)
    assert str(ours.value) == str(theirs.value)
