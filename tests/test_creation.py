"""Tensor creation against PyTorch: tensor()/as_tensor/from_numpy, the filled and range
factories with their ``_like`` forms, and the random functions with seeds and generators."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
from _torch_compare import assert_close

GRAD_ERROR = re.compile(
    "only Tensors of floating point and complex dtype can require gradients", re.IGNORECASE
)
# torch's requires_grad_() says "floating point dtype" though complex tensors may require grad
TORCH_GRAD_ERROR = re.compile("only Tensors of floating point .*can require gradients", re.I)


def both(fn: Any) -> tuple[Any, Any]:
    """``fn`` run once with retrograd as the module and once with torch."""
    return fn(rg), fn(torch)


def assert_same(ours: rg.Tensor, theirs: torch.Tensor, exact: bool = True) -> None:
    """Same shape, dtype and values (bit-exact unless ``exact`` is False)."""
    assert_close(ours, theirs)
    assert ours.shape == tuple(theirs.shape)
    if exact:
        a = ours.numpy() if ours.dtype is not rg.bfloat16 else ours.float().numpy()
        b = theirs.numpy() if theirs.dtype is not torch.bfloat16 else theirs.float().numpy()
        np.testing.assert_array_equal(a, b)


def assert_same_error(fn: Any) -> None:
    """retrograd raises the exception type PyTorch raises for the same call."""
    with pytest.raises(Exception) as theirs:
        fn(torch)
    with pytest.raises(theirs.type):
        fn(rg)


# ----------------------------------------------------------------------------- tensor()
PYTHON_DATA = [
    True, 3, -2.5, 1 + 2j, [True, False], [1, 2, 3], [1, 2.0], [True, 2], [True, 2.5],
    [1, 2j], [[1, 2], [3, 4]], [], [[]], [[1.0], [2]], (1, 2), [(1, 2), (3, 4)], 2**40,
    [2**62, -(2**63)], -0.0, float("inf"), [float("nan"), 1.0], [[[1, 2]], [[3, 4]]],
    [np.float32(1.5), 2.0], [np.int8(1), np.int8(2)], [np.int8(1), 300],
    [np.float64(1.0), 2j], [np.float16(1.0), np.int32(3)], np.float32(2.5), np.int32(3),
    np.bool_(True), np.float64(1.0), np.complex64(1j),
]  # fmt: skip


@pytest.mark.parametrize("data", PYTHON_DATA, ids=repr)
def test_tensor_infers_dtype_shape_and_values_like_torch(data: Any) -> None:
    ours, theirs = both(lambda m: m.tensor(data))
    assert_same(ours, theirs)


@pytest.mark.parametrize("make_list", [
    lambda m: [m.tensor(1.0), m.tensor(2.0)],
    lambda m: [m.tensor(1), m.tensor(2)],
    lambda m: [m.tensor(1, dtype=m.int8), 2],
    lambda m: [m.tensor(1.0, dtype=m.float64), 2.0],
    lambda m: [m.tensor(1), 2.5],
    lambda m: [m.tensor(True), m.tensor(3, dtype=m.uint8)],
    lambda m: [[m.tensor(1.0, dtype=m.float16)], [m.tensor(2.0, dtype=m.float16)]],
    lambda m: [m.tensor([1.0]), m.tensor([2.0])],
])  # fmt: skip
def test_tensor_of_zero_dim_tensors_promotes_their_dtypes(make_list: Any) -> None:
    ours, theirs = both(lambda m: m.tensor(make_list(m)))
    assert_same(ours, theirs)


@pytest.mark.parametrize("np_dtype", [np.bool_, np.uint8, np.int8, np.int16, np.int32,
                                      np.int64, np.float16, np.float32, np.float64,
                                      np.complex64, np.complex128])  # fmt: skip
def test_tensor_from_numpy_array_keeps_its_dtype(np_dtype: Any) -> None:
    arr = (np.arange(6).reshape(2, 3) - 2).astype(np_dtype)
    assert_same(rg.tensor(arr), torch.tensor(arr))
    assert_same(rg.tensor(arr[:, ::2]), torch.tensor(arr[:, ::2]))


@pytest.mark.parametrize("data, dtype", [
    ([1.7, -1.7, 0.5], "int64"), ([1, 2], "float64"), ([0, 2, 0], "bool"), (3.5, "float16"),
    ([1.1, 2.2], "bfloat16"), ([1, 2], "complex128"), ([-1, 200], "uint8"), ([True], "int8"),
    ([1 + 2j], "complex64"), (np.array([1.5, -2.5]), "int32"),
])  # fmt: skip
def test_tensor_with_dtype_converts_like_torch(data: Any, dtype: str) -> None:
    ours, theirs = both(lambda m: m.tensor(data, dtype=getattr(m, dtype)))
    assert_same(ours, theirs)


@pytest.mark.parametrize("call", [
    lambda m: m.tensor([300], dtype=m.int8),
    lambda m: m.tensor([1e20], dtype=m.int64),
    lambda m: m.tensor([float("nan")], dtype=m.int32),
    lambda m: m.tensor(2**63),
    lambda m: m.tensor([1, -(2**63) - 1]),
    lambda m: m.tensor(None),
    lambda m: m.tensor({1: 2}),
    lambda m: m.tensor("a"),
    lambda m: m.tensor([[1, 2], [3]]),
    lambda m: m.tensor([1j], dtype=m.float32),
    lambda m: m.tensor([1, 2], requires_grad=True),
])  # fmt: skip
def test_tensor_rejects_what_torch_rejects(call: Any) -> None:
    assert_same_error(call)


def test_tensor_overflow_message_names_the_dtype() -> None:
    with pytest.raises(RuntimeError, match="value cannot be converted to type int8 without"):
        rg.tensor([1, 300], dtype=rg.int8)


def test_tensor_copies_numpy_data_and_tensors() -> None:
    arr = np.zeros(3, np.float32)
    t = rg.tensor(arr)
    arr[0] = 5.0
    assert t.tolist() == [0.0, 0.0, 0.0]
    src = rg.ones(2, requires_grad=True)
    copy = rg.tensor(src.detach())
    copy.add_(1.0)
    assert src.tolist() == [1.0, 1.0]
    assert copy.is_leaf and not copy.requires_grad


def test_tensor_requires_grad_makes_a_leaf() -> None:
    t = rg.tensor([1.0, 2.0], requires_grad=True)
    assert t.requires_grad and t.is_leaf and t.grad_fn is None
    c = rg.tensor([1j], requires_grad=True)
    assert c.requires_grad


# ------------------------------------------------------------------ as_tensor / from_numpy
def test_from_numpy_shares_memory_both_ways() -> None:
    arr = np.arange(6.0).reshape(2, 3)
    t = rg.from_numpy(arr)
    assert t.dtype is rg.float64 and t.shape == (2, 3)
    arr[0, 0] = 100.0
    assert t[0, 0].item() == 100.0
    t[1, 2] = -7.0
    assert arr[1, 2] == -7.0
    assert np.shares_memory(t.numpy(), arr)


@pytest.mark.parametrize("bad", [[1.0, 2.0], np.array(["a"]), np.zeros(2, dtype=object)])
def test_from_numpy_rejects_non_arrays_and_unsupported_dtypes(bad: Any) -> None:
    with pytest.raises(TypeError):
        torch.from_numpy(bad)
    with pytest.raises(TypeError):
        rg.from_numpy(bad)


def test_as_tensor_shares_numpy_memory_when_the_dtype_fits() -> None:
    arr = np.array([1, 2, 3], dtype=np.int32)
    t = rg.as_tensor(arr)
    arr[0] = 9
    assert t.tolist() == [9, 2, 3] and t.dtype is rg.int32
    t.mul_(2)
    assert arr.tolist() == [18, 4, 6]
    converted = rg.as_tensor(arr, dtype=rg.float32)
    arr[1] = 0
    assert converted.tolist() == [18.0, 4.0, 6.0]


def test_as_tensor_returns_the_same_tensor_without_a_dtype_change() -> None:
    x = rg.ones(3, requires_grad=True)
    assert rg.as_tensor(x) is x
    y = rg.as_tensor(x, dtype=rg.float64)
    assert y.dtype is rg.float64 and y.grad_fn is not None


@pytest.mark.parametrize("data", [[1, 2], [1.5, 2], 3.0, (True, False), [[1j]]])
def test_as_tensor_of_python_data_matches_torch(data: Any) -> None:
    ours, theirs = both(lambda m: m.as_tensor(data))
    assert_same(ours, theirs)


# ----------------------------------------------------------------------- filled factories
SIZES = [(2, 3), ((2, 3),), ([4],), ((),), (0,), (1, 0, 2)]
DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
          "float32", "float64", "complex64", "complex128"]  # fmt: skip


@pytest.mark.parametrize("name", ["zeros", "ones"])
@pytest.mark.parametrize("size", SIZES, ids=repr)
def test_zeros_ones_match_torch(name: str, size: tuple[Any, ...]) -> None:
    ours, theirs = both(lambda m: getattr(m, name)(*size))
    assert_same(ours, theirs)


@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_filled_factories_take_every_dtype(name: str, dtype: str) -> None:
    ours, theirs = both(lambda m: getattr(m, name)(2, 3, dtype=getattr(m, dtype)))
    assert ours.dtype.name == dtype and ours.shape == (2, 3)
    if name != "empty":
        assert_same(ours, theirs)


@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "rand", "randn"])
def test_size_keyword_and_size_objects(name: str) -> None:
    assert getattr(rg, name)(size=(2, 3)).shape == (2, 3)
    assert getattr(rg, name)(rg.Size([4, 1])).shape == (4, 1)
    assert getattr(rg, name)([]).shape == ()


@pytest.mark.parametrize("call", [
    lambda m: m.zeros(2, -3), lambda m: m.ones(-1), lambda m: m.empty(-2),
    lambda m: m.full((-1,), 2.0), lambda m: m.rand(-1), lambda m: m.zeros(),
    lambda m: m.ones(2.0), lambda m: m.eye(-1), lambda m: m.eye(2, -1),
    lambda m: m.linspace(0, 1, -1),
])  # fmt: skip
def test_bad_sizes_raise_like_torch(call: Any) -> None:
    assert_same_error(call)


def test_negative_dimension_message_names_the_size() -> None:
    with pytest.raises(RuntimeError, match=r"negative dimension -3"):
        rg.zeros(2, -3)


@pytest.mark.parametrize("fill", [3, 2.5, True, 1j, -0.0, 2**40])
@pytest.mark.parametrize("dtype", [None, "int64", "float64", "bool", "complex64", "float16"])
def test_full_infers_dtype_from_fill_value_like_torch(fill: Any, dtype: str | None) -> None:
    if isinstance(fill, complex) and dtype not in (None, "complex64", "bool"):
        assert_same_error(lambda m: m.full((2,), fill, dtype=getattr(m, dtype)))
        return
    if fill == 2**40 and dtype == "float16":
        pytest.skip("2**40 overflows float16: PyTorch gives inf, a C++ cast detail")
    ours, theirs = both(
        lambda m: m.full((2, 2), fill, dtype=None if dtype is None else getattr(m, dtype))
    )
    assert_same(ours, theirs)


@pytest.mark.parametrize("fill", [3.0, 3, True, 2.5j])
def test_full_with_zero_dim_tensor_fill(fill: Any) -> None:
    ours, theirs = both(lambda m: m.full((2,), m.tensor(fill)))
    assert_same(ours, theirs)


@pytest.mark.parametrize("fill, dtype", [
    (300, "int8"), (-129, "int8"), (256, "uint8"), (1e20, "int64"), (float("nan"), "int64"),
    (float("inf"), "int32"), (2.5e10, "int32"),
])  # fmt: skip
def test_full_fill_out_of_range_raises_like_torch(fill: Any, dtype: str) -> None:
    assert_same_error(lambda m: m.full((1,), fill, dtype=getattr(m, dtype)))
    with pytest.raises(RuntimeError, match=f"cannot be converted to type {dtype}"):
        rg.full_like(rg.zeros(1, dtype=getattr(rg, dtype)), fill)


@pytest.mark.parametrize(
    "fill, dtype",
    [(-1, "uint8"), (-128, "uint8"), (-255, "uint8"), (1.9, "int64"), (-1.9, "int8"), (7, "bool")],
)
def test_full_wraps_and_truncates_like_torch(fill: Any, dtype: str) -> None:
    ours, theirs = both(lambda m: m.full((2,), fill, dtype=getattr(m, dtype)))
    assert_same(ours, theirs)


@pytest.mark.parametrize("n, m", [(3, None), (2, 4), (4, 2), (0, None), (1, 1)])
@pytest.mark.parametrize("dtype", [None, "int64", "bool", "float64"])
def test_eye_matches_torch(n: int, m: int | None, dtype: str | None) -> None:
    def make(mod: Any) -> Any:
        kw = {} if dtype is None else {"dtype": getattr(mod, dtype)}
        return mod.eye(n, **kw) if m is None else mod.eye(n, m, **kw)

    ours, theirs = both(make)
    assert_same(ours, theirs)


# ---------------------------------------------------------------------------- _like forms
LIKE_SOURCES = ["float32", "float64", "int64", "int8", "bool", "float16", "complex64"]


@pytest.mark.parametrize("src", LIKE_SOURCES)
@pytest.mark.parametrize("name", ["zeros_like", "ones_like", "empty_like"])
def test_like_forms_keep_shape_and_dtype(src: str, name: str) -> None:
    def make(m: Any) -> Any:
        x = m.tensor([[1, 2, 3], [4, 5, 6]]).to(getattr(m, src)).t()
        return getattr(m, name)(x)

    ours, theirs = both(make)
    assert ours.shape == theirs.shape and ours.dtype.name == src
    if name != "empty_like":
        assert_same(ours, theirs)


@pytest.mark.parametrize("src", LIKE_SOURCES)
@pytest.mark.parametrize("fill", [7, 2.5, True])
def test_full_like_casts_fill_to_the_input_dtype(src: str, fill: Any) -> None:
    ours, theirs = both(lambda m: m.full_like(m.zeros(2, 3, dtype=getattr(m, src)), fill))
    assert_same(ours, theirs)


@pytest.mark.parametrize("name", ["zeros_like", "ones_like", "empty_like", "rand_like",
                                  "randn_like"])  # fmt: skip
def test_like_forms_take_a_dtype(name: str) -> None:
    out = getattr(rg, name)(rg.zeros(2, 3, dtype=rg.float16), dtype=rg.float64)
    assert out.dtype is rg.float64 and out.shape == (2, 3)


def test_full_like_and_randint_like_take_a_dtype() -> None:
    ours, theirs = both(lambda m: m.full_like(m.zeros(2, dtype=m.int32), 3, dtype=m.float64))
    assert_same(ours, theirs)
    r = rg.randint_like(rg.zeros(2, 3), 2, 5)
    assert r.dtype is rg.float32 and r.shape == (2, 3)
    assert set(r.flatten().tolist()) <= {2.0, 3.0, 4.0}
    assert rg.randint_like(rg.zeros(4, dtype=rg.int32), 5, dtype=rg.int64).dtype is rg.int64


# ------------------------------------------------------------------------ requires_grad
FACTORIES = {
    "tensor": lambda m, **kw: m.tensor([1.0, 2.0], **kw),
    "zeros": lambda m, **kw: m.zeros(2, 3, **kw),
    "ones": lambda m, **kw: m.ones(2, **kw),
    "empty": lambda m, **kw: m.empty(2, **kw),
    "full": lambda m, **kw: m.full((2,), 1.5, **kw),
    "arange": lambda m, **kw: m.arange(0.0, 3.0, **kw),
    "linspace": lambda m, **kw: m.linspace(0, 1, 4, **kw),
    "eye": lambda m, **kw: m.eye(3, **kw),
    "zeros_like": lambda m, **kw: m.zeros_like(m.ones(2), **kw),
    "ones_like": lambda m, **kw: m.ones_like(m.ones(2), **kw),
    "empty_like": lambda m, **kw: m.empty_like(m.ones(2), **kw),
    "full_like": lambda m, **kw: m.full_like(m.ones(2), 3.0, **kw),
    "rand": lambda m, **kw: m.rand(2, **kw),
    "randn": lambda m, **kw: m.randn(2, **kw),
    "rand_like": lambda m, **kw: m.rand_like(m.ones(2), **kw),
    "randn_like": lambda m, **kw: m.randn_like(m.ones(2), **kw),
    "normal": lambda m, **kw: m.normal(0.0, 1.0, (2,), **kw),
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_factories_make_leaves_that_require_grad(name: str) -> None:
    t = FACTORIES[name](rg, requires_grad=True)
    assert t.requires_grad and t.is_leaf and t.grad_fn is None
    t.sum().backward()
    assert t.grad is not None and t.grad.tolist() == np.ones(t.shape).tolist()


INT_FACTORIES = {
    "tensor": lambda m: m.tensor([1, 2], requires_grad=True),
    "zeros": lambda m: m.zeros(2, dtype=m.int64, requires_grad=True),
    "ones": lambda m: m.ones(2, dtype=m.bool, requires_grad=True),
    "full": lambda m: m.full((2,), 3, requires_grad=True),
    "arange": lambda m: m.arange(3, requires_grad=True),
    "eye": lambda m: m.eye(2, dtype=m.int32, requires_grad=True),
    "zeros_like": lambda m: m.zeros_like(m.ones(2, dtype=m.int8), requires_grad=True),
    "full_like": lambda m: m.full_like(m.ones(2, dtype=m.uint8), 1, requires_grad=True),
    "randint": lambda m: m.randint(0, 5, (3,), requires_grad=True),
    "setter": lambda m: setattr(m.arange(3), "requires_grad", True),
    "requires_grad_": lambda m: m.arange(3).requires_grad_(),
}


@pytest.mark.parametrize("name", sorted(INT_FACTORIES))
def test_integer_and_bool_tensors_cannot_require_grad(name: str) -> None:
    with pytest.raises(RuntimeError, match=TORCH_GRAD_ERROR):
        INT_FACTORIES[name](torch)
    with pytest.raises(RuntimeError, match=GRAD_ERROR):
        INT_FACTORIES[name](rg)


# -------------------------------------------------------------------------------- arange
ARANGE_ARGS = [
    (5,), (0,), (2.5,), (0.5,), (1, 5), (-3, 4), (1, 5, 2), (5, 1, -1),
    (5, 1, -2), (0, 10, 3), (0, 1, 0.1), (-1, 1, 0.25), (1, -5, -0.3), (0.5, 5), (1.0, 4),
    (0, 4.5, 1.5), (2, 2), (2, 2, -1), (3, 3.9), (-2.5, 0.3, 0.1), (2**40, 2**40 + 3),
    (10, 0, -3), (0, 5, 7), (1.5, 1.6, 0.01),
]  # fmt: skip


@pytest.mark.parametrize("args", ARANGE_ARGS, ids=repr)
def test_arange_matches_torch(args: tuple[Any, ...]) -> None:
    ours, theirs = both(lambda m: m.arange(*args))
    # float steps: PyTorch's vectorised float32 arithmetic may round the last bit differently
    assert_same(ours, theirs, exact=ours.dtype is rg.int64)


@pytest.mark.parametrize(
    "args",
    [
        (0.5, 5),
        (0.5, 5, 1.5),
        (-0.5, 5, 1.5),
        (0, 10, 2.9),
        (0, 10, 1.5),
        (7,),
        (-3, 3, 2),
        (10, 0, -2.5),
    ],
    ids=repr,
)
@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "uint8", "float64", "float16",
                                   "bfloat16"])  # fmt: skip
def test_arange_with_dtype_matches_torch(args: tuple[Any, ...], dtype: str) -> None:
    if dtype == "uint8" and min(args) < 0:
        pytest.skip("negative values in uint8 are a C++ wrap-around detail")
    ours, theirs = both(lambda m: m.arange(*args, dtype=getattr(m, dtype)))
    assert_same(ours, theirs, exact=dtype.startswith(("int", "uint")))


@pytest.mark.parametrize("args", [
    lambda m: (m.tensor(5),), lambda m: (m.tensor(1.0), m.tensor(3)),
    lambda m: (np.int32(3),), lambda m: (np.float64(2.0), 4),
])  # fmt: skip
def test_arange_accepts_tensor_and_numpy_bounds(args: Any) -> None:
    assert_same(*both(lambda m: m.arange(*args(m))))


def test_arange_takes_step_by_keyword() -> None:
    assert_same(*both(lambda m: m.arange(0, 10, step=3)))


@pytest.mark.parametrize("call", [
    lambda m: m.arange(0, 5, 0), lambda m: m.arange(0, 5, -1), lambda m: m.arange(5, 0),
    lambda m: m.arange(0, float("inf")), lambda m: m.arange(0, float("nan")),
    lambda m: m.arange(3, dtype=m.bool), lambda m: m.arange(3, dtype=m.complex64),
])  # fmt: skip
def test_arange_errors_match_torch(call: Any) -> None:
    assert_same_error(call)


def test_arange_sign_error_message() -> None:
    with pytest.raises(RuntimeError, match="upper bound and lower bound inconsistent"):
        rg.arange(0, 5, -1)


# ------------------------------------------------------------------------------ linspace
@pytest.mark.parametrize(
    "args",
    [(0, 1, 5), (3, 10, 1), (3, 10, 0), (10, -3, 7), (-1.5, 2.5, 9), (0, 1 + 1j, 3), (2, 2, 4)],
    ids=repr,
)
@pytest.mark.parametrize("dtype", [None, "float64", "int64", "float16"])
def test_linspace_matches_torch(args: tuple[Any, ...], dtype: str | None) -> None:
    if isinstance(args[1], complex) and dtype is not None:
        pytest.skip("complex bounds need a complex dtype")
    ours, theirs = both(
        lambda m: m.linspace(*args, dtype=None if dtype is None else getattr(m, dtype))
    )
    assert_same(ours, theirs, exact=dtype == "int64")


def test_linspace_accepts_zero_dim_tensor_bounds() -> None:
    assert_same(*both(lambda m: m.linspace(m.tensor(0.0), m.tensor(1.0), 3)))


# -------------------------------------------------------------------------------- random
RANDOM_CALLS = {
    "rand": lambda g=None: rg.rand(4, 3, generator=g),
    "randn": lambda g=None: rg.randn(4, 3, generator=g),
    "randint": lambda g=None: rg.randint(0, 1000, (12,), generator=g),
    "normal": lambda g=None: rg.normal(2.0, 3.0, (12,), generator=g),
    "randperm": lambda g=None: rg.randperm(12, generator=g),
}


@pytest.mark.parametrize("name", sorted(RANDOM_CALLS))
def test_manual_seed_reproduces_the_stream(name: str) -> None:
    call = RANDOM_CALLS[name]
    rg.manual_seed(1234)
    first = [call().tolist(), call().tolist()]
    rg.manual_seed(1234)
    again = [call().tolist(), call().tolist()]
    assert first == again
    assert first[0] != first[1]
    rg.manual_seed(4321)
    assert call().tolist() != first[0]


def test_rand_like_and_randn_like_follow_the_global_seed() -> None:
    x = rg.zeros(5, dtype=rg.float64)
    rg.manual_seed(7)
    a = (rg.rand_like(x).tolist(), rg.randn_like(x).tolist())
    rg.manual_seed(7)
    assert (rg.rand_like(x).tolist(), rg.randn_like(x).tolist()) == a


@pytest.mark.parametrize("name", sorted(RANDOM_CALLS))
def test_generator_is_independent_of_the_global_stream(name: str) -> None:
    call = RANDOM_CALLS[name]
    g = rg.Generator().manual_seed(99)
    ours = call(g).tolist()
    rg.manual_seed(0)
    g2 = rg.Generator().manual_seed(99)
    call()  # draws from the global generator must not move g2
    assert call(g2).tolist() == ours
    rg.manual_seed(99)
    # and drawing from g2 did not move the global generator either
    assert call().tolist() == ours


def test_generator_metadata() -> None:
    g = rg.Generator()
    assert g.manual_seed(42) is g
    assert g.initial_seed() == 42
    assert g.device == rg.device("cpu") and g.device.type == "cpu"
    assert isinstance(rg.manual_seed(3), rg.Generator)
    assert rg.initial_seed() == 3
    assert rg.default_generator.initial_seed() == 3
    s = rg.seed()
    assert isinstance(s, int) and rg.initial_seed() == s


def test_rng_state_round_trips() -> None:
    rg.manual_seed(5)
    state = rg.get_rng_state()
    assert isinstance(state, rg.Tensor) and state.dtype is rg.uint8 and state.dim() == 1
    a = rg.randn(6).tolist()
    rg.set_rng_state(state)
    assert rg.randn(6).tolist() == a
    g = rg.Generator().manual_seed(8)
    gs = g.get_state()
    b = rg.rand(4, generator=g).tolist()
    rg.rand(4, generator=g)
    assert g.set_state(gs) is g
    assert rg.rand(4, generator=g).tolist() == b


def test_rand_is_in_the_unit_interval() -> None:
    rg.manual_seed(0)
    # 100k draws: rounding to nearest instead of down would reach 1.0 in every low precision
    for dtype in (rg.float32, rg.float64, rg.float16, rg.bfloat16, rg.complex64):
        x = rg.rand(100_000, dtype=dtype)
        assert x.dtype is dtype
        arr = x.numpy()
        arr = arr.view(arr.real.dtype) if dtype.is_complex else arr.astype(np.float64)
        assert arr.min() >= 0.0 and arr.max() < 1.0
        assert abs(arr.mean() - 0.5) < 0.01


def test_randn_moments_over_100k_samples() -> None:
    rg.manual_seed(0)
    x = rg.randn(100_000, dtype=rg.float64).numpy()
    assert abs(x.mean()) < 0.02 and abs(x.std() - 1.0) < 0.02
    c = rg.randn(100_000, dtype=rg.complex128).numpy()
    # PyTorch's complex randn: real and imaginary parts each of variance 1/2
    assert abs(c.real.var() - 0.5) < 0.02 and abs(c.imag.var() - 0.5) < 0.02


def test_randint_range_and_dtype() -> None:
    rg.manual_seed(0)
    x = rg.randint(3, 10, (10_000,))
    assert x.dtype is rg.int64 and x.shape == (10_000,)
    assert set(x.tolist()) == set(range(3, 10))
    y = rg.randint(4, (2, 3))
    assert y.shape == (2, 3) and 0 <= y.numpy().min() and y.numpy().max() < 4
    assert rg.randint(0, 5, (3,), dtype=rg.int8).dtype is rg.int8
    assert rg.randint(low=0, high=5, size=(3,)).shape == (3,)
    assert rg.randint(0, 5, size=(3,), dtype=rg.float32).dtype is rg.float32


@pytest.mark.parametrize("call", [
    lambda m: m.randint(5, 2, (3,)), lambda m: m.randint(5), lambda m: m.rand(2, dtype=m.int64),
    lambda m: m.randn(2, dtype=m.int32), lambda m: m.rand_like(m.zeros(2, dtype=m.int64)),
    lambda m: m.normal(m.zeros(3, dtype=m.int64), 1.0), lambda m: m.normal(0.0, 1.0),
    lambda m: m.normal(m.zeros(3), -1.0), lambda m: m.normal(0.0, -m.ones(3)),
    lambda m: m.normal(m.zeros(3), m.ones(2)),
])  # fmt: skip
def test_random_errors_match_torch(call: Any) -> None:
    assert_same_error(call)


@pytest.mark.parametrize("mean, std, shape", [
    (lambda m: m.zeros(3, 1), lambda m: m.ones(4), (3, 4)),
    (lambda m: m.arange(4.0), lambda m: 2.0, (4,)),
    (lambda m: 1.0, lambda m: m.full((2, 2), 0.5), (2, 2)),
    (lambda m: m.zeros(2, dtype=m.float64), lambda m: m.ones(2, dtype=m.float64), (2,)),
])  # fmt: skip
def test_normal_with_tensor_mean_and_std_broadcasts(mean: Any, std: Any, shape: Any) -> None:
    ours, theirs = both(lambda m: m.normal(mean(m), std(m)))
    assert ours.shape == tuple(theirs.shape) == shape
    assert ours.dtype.name == str(theirs.dtype).split(".")[-1]


def test_normal_statistics_follow_mean_and_std() -> None:
    rg.manual_seed(0)
    mean = rg.tensor([-5.0, 0.0, 10.0]).unsqueeze(1).expand(3, 50_000)
    x = rg.normal(mean, rg.tensor([0.5, 1.0, 2.0]).unsqueeze(1)).numpy()
    np.testing.assert_allclose(x.mean(axis=1), [-5.0, 0.0, 10.0], atol=0.05)
    np.testing.assert_allclose(x.std(axis=1), [0.5, 1.0, 2.0], rtol=0.03)
    y = rg.normal(3.0, 2.0, (100_000,), dtype=rg.float64)
    assert y.dtype is rg.float64
    assert abs(y.numpy().mean() - 3.0) < 0.05 and abs(y.numpy().std() - 2.0) < 0.05


def test_randperm_is_a_permutation() -> None:
    rg.manual_seed(0)
    p = rg.randperm(50)
    assert p.dtype is rg.int64 and sorted(p.tolist()) == list(range(50))
    assert rg.randperm(5, dtype=rg.int32).dtype is rg.int32


def test_random_dtypes_follow_the_default_dtype() -> None:
    previous = rg.get_default_dtype()
    try:
        rg.set_default_dtype(rg.float64)
        assert rg.rand(2).dtype is rg.float64
        assert rg.randn(2).dtype is rg.float64
        assert rg.normal(0.0, 1.0, (2,)).dtype is rg.float64
    finally:
        rg.set_default_dtype(previous)
    assert rg.rand(2).dtype is rg.float32


@pytest.mark.parametrize(
    "data", [[[1, 2], [3]], [[1, 2, 3], [4, 5]], [[[1, 2], [3, 4]], [[5, 6], [7]]]]
)
def test_ragged_nested_lists_raise_pytorchs_error(data):
    with pytest.raises(ValueError) as theirs:
        torch.tensor(data)
    with pytest.raises(ValueError) as ours:
        rg.tensor(data)
    assert str(ours.value) == str(theirs.value)
