"""dtypes against PyTorch: names and aliases, promotion over every pair, result_type with
0-d tensors and Python scalars, the default dtype, can_cast, and the casting methods."""

from __future__ import annotations

import copy
import itertools
import pickle
import warnings
from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
from _torch_compare import assert_close

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
         "float64", "complex64", "complex128"]  # fmt: skip
ALIASES = {"float": "float32", "double": "float64", "half": "float16", "cfloat": "complex64",
           "cdouble": "complex128", "long": "int64", "int": "int32", "short": "int16"}  # fmt: skip


def ours(name: str) -> rg.dtype:
    return getattr(rg, name)


def theirs(name: str) -> torch.dtype:
    return getattr(torch, name)


def name_of(d: Any) -> str:
    return str(d).split(".")[-1]


# ------------------------------------------------------------------------ dtype objects
@pytest.mark.parametrize("name", NAMES)
def test_dtype_objects_are_named_like_torch(name: str) -> None:
    d = ours(name)
    assert isinstance(d, rg.dtype)
    assert repr(d) == f"retrograd.{name}" and str(d) == repr(d)
    assert repr(theirs(name)) == f"torch.{name}"
    assert d.is_floating_point == theirs(name).is_floating_point
    assert d.is_complex == theirs(name).is_complex
    assert d.is_signed == theirs(name).is_signed
    assert d.itemsize == theirs(name).itemsize


@pytest.mark.parametrize("alias, name", sorted(ALIASES.items()))
def test_aliases_are_the_same_objects(alias: str, name: str) -> None:
    assert getattr(torch, alias) is theirs(name)
    assert getattr(rg, alias) is ours(name)
    assert getattr(rg, alias) == ours(name) and hash(getattr(rg, alias)) == hash(ours(name))


@pytest.mark.parametrize("name", NAMES)
def test_dtypes_survive_pickle_and_deepcopy_as_the_same_object(name: str) -> None:
    assert pickle.loads(pickle.dumps(ours(name))) is ours(name)
    assert copy.deepcopy(ours(name)) is ours(name)
    assert copy.copy(ours(name)) is ours(name)


def test_dtypes_are_hashable_and_distinct() -> None:
    table = {ours(n): n for n in NAMES}
    assert len(table) == 12
    assert table[rg.float] == "float32" and table[rg.long] == "int64"
    assert rg.float32 != rg.float64


@pytest.mark.parametrize("name", NAMES)
def test_tensor_dtype_predicates_and_element_size_match_torch(name: str) -> None:
    a, b = rg.zeros(2, dtype=ours(name)), torch.zeros(2, dtype=theirs(name))
    assert a.dtype is ours(name)
    assert a.is_floating_point() == b.is_floating_point()
    assert a.is_complex() == b.is_complex()
    assert rg.is_floating_point(a) == torch.is_floating_point(b)
    assert rg.is_complex(a) == torch.is_complex(b)
    assert a.element_size() == b.element_size()
    assert a.type() == b.type().replace("torch", "retrograd")


@pytest.mark.parametrize("fn", ["is_floating_point", "is_complex"])
def test_dtype_predicates_reject_non_tensors(fn: str) -> None:
    with pytest.raises(TypeError):
        getattr(torch, fn)(1.0)
    with pytest.raises(TypeError, match="must be Tensor, not float"):
        getattr(rg, fn)(1.0)


# ------------------------------------------------------------------------------ promotion
@pytest.mark.parametrize("a, b", list(itertools.product(NAMES, NAMES)))
def test_promote_types_matches_torch_for_every_pair(a: str, b: str) -> None:
    expected = name_of(torch.promote_types(theirs(a), theirs(b)))
    assert rg.promote_types(ours(a), ours(b)) is ours(expected)


@pytest.mark.parametrize("a, b", list(itertools.product(NAMES, NAMES)))
def test_can_cast_matches_torch_for_every_pair(a: str, b: str) -> None:
    assert rg.can_cast(ours(a), ours(b)) == torch.can_cast(theirs(a), theirs(b))


SCALARS = [True, 3, 2.5, 1j]
KINDS = ["dim", "0d"]


def operand(m: Any, spec: Any) -> Any:
    """A tensor for ("name", "dim"|"0d"), otherwise the Python scalar itself."""
    if isinstance(spec, tuple):
        name, kind = spec
        return m.ones((2,) if kind == "dim" else (), dtype=getattr(m, name))
    return spec


def _complex32(a: Any, b: Any) -> bool:
    """PyTorch gives complex32, a dtype retrograd leaves out, for float16 with complex
    operands of lower priority."""
    return torch.result_type(operand(torch, a), operand(torch, b)) == torch.complex32


RESULT_CASES = (
    [((a, ka), (b, kb)) for a, b in itertools.product(NAMES, NAMES)
     for ka, kb in itertools.product(KINDS, KINDS)]
    + [((a, k), s) for a in NAMES for k in KINDS for s in SCALARS]
    + [(s, (a, "0d")) for a in NAMES for s in SCALARS]
)  # fmt: skip


@pytest.mark.parametrize("a, b", RESULT_CASES, ids=repr)
def test_result_type_matches_torch(a: Any, b: Any) -> None:
    if _complex32(a, b):
        pytest.skip("complex32 is not among retrograd's dtypes")
    expected = name_of(torch.result_type(operand(torch, a), operand(torch, b)))
    assert rg.result_type(operand(rg, a), operand(rg, b)) is ours(expected)


@pytest.mark.parametrize("a, b, c", [
    (("int8", "dim"), ("int64", "0d"), 2.5),
    (("uint8", "dim"), ("int8", "0d"), -1),
    (("bool", "dim"), ("float64", "0d"), 1j),
    (("float16", "dim"), ("float64", "0d"), ("int64", "dim")),
    (("int32", "0d"), ("float16", "0d"), True),
    (("bfloat16", "dim"), ("float16", "0d"), 1),
])  # fmt: skip
def test_result_type_of_mixed_operands_follows_torch_arithmetic(a: Any, b: Any, c: Any) -> None:
    # torch.result_type takes two operands; the three-way rule shows in an op's output
    expected = (operand(torch, a) + operand(torch, b) + operand(torch, c)).dtype
    got = (operand(rg, a) + operand(rg, b) + operand(rg, c)).dtype
    assert got is ours(name_of(expected))


@pytest.mark.parametrize("a, b", [
    (("int64", "dim"), 2.5), (("int32", "dim"), 3), (("uint8", "dim"), 1000),
    (("float16", "dim"), 1e3), (("bool", "dim"), 1), (("int8", "0d"), ("float32", "dim")),
    (("float64", "0d"), ("float16", "dim")), (("int64", "0d"), ("int8", "dim")),
    (("complex128", "0d"), ("float32", "dim")),
])  # fmt: skip
def test_binary_ops_produce_the_promoted_dtype(a: Any, b: Any) -> None:
    for op in (lambda x, y: x + y, lambda x, y: x * y, lambda x, y: y * x):
        expected = op(operand(torch, a), operand(torch, b))
        got = op(operand(rg, a), operand(rg, b))
        assert_close(got, expected)


# ------------------------------------------------------------------------- default dtype
def test_default_dtype_is_float32_for_floats_and_int64_for_ints() -> None:
    assert rg.get_default_dtype() is rg.float32
    assert rg.tensor(1.0).dtype is rg.float32
    assert rg.tensor(1).dtype is rg.int64
    assert rg.tensor(1j).dtype is rg.complex64
    assert rg.tensor(True).dtype is rg.bool
    assert rg.zeros(1).dtype is rg.float32


@pytest.mark.parametrize("default", ["float64", "float16", "bfloat16"])
def test_set_default_dtype_changes_float_results_like_torch(default: str) -> None:
    calls = {
        "tensor(1.0)": lambda m: m.tensor(1.0),
        "tensor([1, 2.5])": lambda m: m.tensor([1, 2.5]),
        "tensor(1)": lambda m: m.tensor(1),
        "arange(0.5)": lambda m: m.arange(0.5),
        "arange(3)": lambda m: m.arange(3),
        "zeros(2)": lambda m: m.zeros(2),
        "full float": lambda m: m.full((2,), 2.0),
        "linspace": lambda m: m.linspace(0, 1, 3),
        "int tensor * float": lambda m: m.tensor([1, 2]) * 1.5,
        "int tensor / int": lambda m: m.tensor([1, 2]) / 2,
    }
    before = rg.get_default_dtype()
    try:
        rg.set_default_dtype(ours(default))
        torch.set_default_dtype(theirs(default))
        assert rg.get_default_dtype() is ours(default)
        for what, call in calls.items():
            assert call(rg).dtype is ours(name_of(call(torch).dtype)), what
        if default == "float64":
            assert rg.tensor(1j).dtype is rg.complex128
    finally:
        rg.set_default_dtype(before)
        torch.set_default_dtype(torch.float32)
    assert rg.get_default_dtype() is rg.float32 and rg.tensor(1.0).dtype is rg.float32


@pytest.mark.parametrize("bad", [
    lambda m: m.int64, lambda m: m.int32, lambda m: m.bool, lambda m: m.complex64,
    lambda m: int, lambda m: float, lambda m: "float64",
])  # fmt: skip
def test_set_default_dtype_rejects_non_floating_types_with_type_error(bad: Any) -> None:
    with pytest.raises(TypeError):
        torch.set_default_dtype(bad(torch))
    with pytest.raises(TypeError, match="only floating-point types are supported"):
        rg.set_default_dtype(bad(rg))
    assert rg.get_default_dtype() is rg.float32


# ------------------------------------------------------------------------------- casting
CAST_METHODS = {"float": "float32", "double": "float64", "half": "float16",
                "bfloat16": "bfloat16", "long": "int64", "int": "int32", "short": "int16",
                "char": "int8", "byte": "uint8", "bool": "bool"}  # fmt: skip
# values every dtype holds exactly or rounds to the nearest (no C++ undefined behaviour):
# float -> int truncates toward zero
FLOAT_VALUES = [-3.7, -1.5, -0.5, -0.0, 0.0, 0.4, 0.5, 1.5, 2.7, 100.9, 127.0]
INT_VALUES = [-3, -1, 0, 1, 2, 100, 127]


def source(m: Any, name: str) -> Any:
    if name == "bool":
        return m.tensor([True, False, True])
    values = INT_VALUES if name in ("int8", "int16", "int32", "int64") else FLOAT_VALUES
    if name == "uint8":
        values = [0, 1, 2, 100, 127, 200, 255]
    return m.tensor(values, dtype=getattr(m, name))


@pytest.mark.parametrize("method", sorted(CAST_METHODS))
@pytest.mark.parametrize("src", NAMES)
def test_casting_methods_match_torch(method: str, src: str) -> None:
    if method in ("byte", "char") and src not in ("bool", "uint8"):
        # negatives into uint8 and 200-255 into int8 are out of range in PyTorch too
        a, b = source(rg, src).abs(), source(torch, src).abs()
    else:
        a, b = source(rg, src), source(torch, src)
    if method == "char" and src == "uint8":
        a, b = a.clamp(0, 127), b.clamp(0, 127)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch: complex -> real drops imag
        expected = getattr(b, method)()
    got = getattr(a, method)()
    assert got.dtype is ours(CAST_METHODS[method])
    assert_close(got, expected, rtol=0, atol=0)


@pytest.mark.parametrize("dst", NAMES)
@pytest.mark.parametrize("src", NAMES)
def test_to_dtype_matches_torch(src: str, dst: str) -> None:
    a, b = source(rg, src), source(torch, src)
    if not ours(dst).is_signed and ours(src).is_signed:
        a, b = a.abs(), b.abs()
    if dst == "int8" and src == "uint8":
        a, b = a.clamp(0, 127), b.clamp(0, 127)
    with warnings.catch_warnings():
        # torch warns (once per process) that complex -> real discards the imaginary part
        warnings.simplefilter("ignore", UserWarning)
        expected = b.to(theirs(dst))
    got = a.to(ours(dst))
    assert got.dtype is ours(dst)
    assert_close(got, expected, rtol=0, atol=0)


def test_casting_complex_to_bool_looks_at_both_parts() -> None:
    assert rg.tensor([1j, 0j, 1 + 0j]).bool().tolist() == [True, False, True]
    assert torch.tensor([1j, 0j, 1 + 0j]).bool().tolist() == [True, False, True]


@pytest.mark.parametrize("method", ["long", "int", "short", "char", "byte", "half"])
def test_out_of_range_casts_do_not_warn_or_raise(method: str) -> None:
    # PyTorch casts inf, nan and huge values silently; NumPy's RuntimeWarning must not leak
    x = rg.tensor([float("inf"), float("nan"), -1e30, 1e30])
    assert getattr(x, method)().shape == (4,)


def test_casts_stay_in_the_graph_for_float_targets() -> None:
    x = rg.tensor([1.5, -2.5], requires_grad=True)
    for method in ("double", "half", "bfloat16", "float"):
        y = getattr(x, method)()
        assert y.requires_grad
    assert not x.long().requires_grad and not x.bool().requires_grad
    y = x.double() * 3
    y.sum().backward()
    assert x.grad.dtype is rg.float32 and x.grad.tolist() == [3.0, 3.0]


def test_casting_to_the_same_dtype_returns_self() -> None:
    x, t = rg.ones(2), torch.ones(2)
    assert t.float() is t and t.to(torch.float32) is t
    assert x.float() is x and x.to(rg.float32) is x
    assert x.to(rg.float32, copy=True) is not x


def test_numpy_dtypes_of_tensors() -> None:
    expected = {"bool": np.bool_, "uint8": np.uint8, "int8": np.int8, "int16": np.int16,
                "int32": np.int32, "int64": np.int64, "float16": np.float16,
                "float32": np.float32, "float64": np.float64, "complex64": np.complex64,
                "complex128": np.complex128}  # fmt: skip
    for name, np_dtype in expected.items():
        assert rg.zeros(1, dtype=ours(name)).numpy().dtype == np_dtype
        assert torch.zeros(1, dtype=theirs(name)).numpy().dtype == np_dtype
    assert rg.zeros(1, dtype=rg.bfloat16).numpy().dtype.name == "bfloat16"
