"""Bad input across the catalogue: the same misuse in retrograd and PyTorch must fail alike.

For every public function with an op-database entry, the entry's first sample is called
directly (``lib.name(*args, **kwargs)``) with one generic misuse at a time: a ``dim`` out
of range, a floating-point tensor where an index tensor is required, an ``other`` operand
whose shape does not broadcast. Where PyTorch raises, retrograd must raise the same
builtin exception type (IndexError and RuntimeError are told apart), and the error must
not be NumPy's own, escaping from inside NumPy. Where PyTorch accepts the call, the case
says nothing and is skipped.
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
    first = next((a for a in sample.args if isinstance(a, Arg)), None)
    return first.value.ndim if first is not None else 0


def _set_dim(p: inspect.BoundArguments, dim: int) -> bool:
    if "dim" in p.signature.parameters:
        p.arguments["dim"] = dim
        return True
    if "dims" in p.signature.parameters:
        star = p.signature.parameters["dims"].kind is inspect.Parameter.VAR_POSITIONAL
        # a tuple in PyTorch's functional form, which has no ``*dims``
        p.arguments["dims"] = ((dim,),) if star else (dim,)
        return True
    return False


def _bad_dim(p: inspect.BoundArguments, nd: int) -> bool:
    return _set_dim(p, nd + 3)


def _bad_neg_dim(p: inspect.BoundArguments, nd: int) -> bool:
    return _set_dim(p, -nd - 3)


def _float_index(p: inspect.BoundArguments, nd: int) -> bool:
    for key in ("index", "indices"):
        idx = p.arguments.get(key)
        if isinstance(idx, Arg) and idx.value.dtype.kind in "iu":
            p.arguments[key] = Arg(idx.value.astype(np.float64), requires_grad=False)
            return True
    return False


def _index_range(p: inspect.BoundArguments, nd: int) -> bool:
    for key in ("index", "indices"):
        idx = p.arguments.get(key)
        if isinstance(idx, Arg) and idx.value.dtype.kind in "iu" and idx.value.size:
            p.arguments[key] = Arg(idx.value + 100, requires_grad=False)
            return True
    return False


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
    "shape": _bad_other,
}


def _first_binding(sig: inspect.Signature, samples: list[Sample]) -> tuple[Any, Any]:
    """The first sample with a tensor of at least one dim that binds to ``sig``."""
    for sample in samples:
        if _ndim(sample) == 0:
            continue
        try:
            return sample, sig.bind(*sample.args, **sample.kwargs)
        except TypeError:
            continue
    return None, None


def _cases() -> list[Any]:
    """(name, misuse, args, kwargs) for each public function whose first float64 sample
    binds to its signature and has something the misuse can spoil."""
    out, seen = [], set()
    for op in op_db:
        if F64 not in op.dtypes:
            continue
        samples = op.make_samples(F64)
        for name in op.covers:
            fn, tfn = getattr(retrograd, name, None), getattr(torch, name, None)
            if name in seen or not callable(fn) or not callable(tfn):
                continue
            sig = inspect.signature(fn)
            sample, bound = _first_binding(sig, samples)
            if bound is None:
                continue  # the samples belong to a wrapper lambda, not to this signature
            seen.add(name)
            for misuse, spoil in MISUSES.items():
                p = inspect.BoundArguments(sig, dict(bound.arguments))
                if not spoil(p, _ndim(sample)):
                    continue
                reason = KNOWN.get(f"{name}-{misuse}")
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                out.append(pytest.param(name, p.args, p.kwargs, id=f"{name}-{misuse}", marks=marks))
    return out


def _raised(lib: Any, name: str, args: tuple, kwargs: dict) -> BaseException | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            getattr(lib, name)(*_conv(lib, args), **{k: _conv(lib, v) for k, v in kwargs.items()})
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
