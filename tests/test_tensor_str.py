"""``repr``/``str`` of tensors print exactly what PyTorch prints for the same values."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import ml_dtypes
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tests._torch_compare import to_torch

import retrograd as rg
from retrograd.autograd import forward_ad as rg_fwad

FLOATS = [np.float16, ml_dtypes.bfloat16, np.float32, np.float64]


def torch_repr(t: torch.Tensor) -> str:
    return repr(t).replace("torch.", "retrograd.")


def assert_same_repr(arr: np.ndarray, requires_grad: bool = False) -> None:
    ours = rg.from_numpy(np.array(arr)).requires_grad_(requires_grad)
    theirs = to_torch(ours)
    assert repr(ours) == torch_repr(theirs)
    assert str(ours) == str(theirs).replace("torch.", "retrograd.")


@pytest.fixture(autouse=True)
def _restore_print_state() -> Iterator[None]:
    yield
    for lib in (rg, torch):
        lib.set_printoptions(profile="default")
        lib.set_default_dtype(lib.float32)


def _rand(shape: tuple[int, ...], scale: float = 1.0, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape) * scale


FLOAT_CASES: dict[str, Callable[[], np.ndarray]] = {
    "unit_normal": lambda: _rand((7,)),
    "tens": lambda: _rand((5,), 37.0),
    "thousands_fixed": lambda: np.array([1234.5678, -999.25, 2.5]),
    "ratio_just_over_1000": lambda: np.array([1.0, 1000.5]),
    "ratio_1000_exactly": lambda: np.array([0.5, 500.0]),
    "tiny": lambda: _rand((4,), 1e-6),
    "min_just_below_1e-4": lambda: np.array([9.9e-5, 0.05]),
    "huge": lambda: _rand((3,), 1e9),
    "above_1e8_int": lambda: np.array([1.0e8, 3.0e8]),
    "mixed_magnitudes": lambda: np.array([1e-8, 1.0, 1e8, -3.5]),
    "integer_valued": lambda: np.array([1.0, -20.0, 300.0, 0.0]),
    "integer_valued_2d": lambda: np.array([[2.0, 4, 6], [2, 7, 9], [2, 4, 5]]),
    "integer_valued_sci": lambda: np.array([1.0, 2.0e5]),
    "rounds_up_to_next_width": lambda: np.array([9.99996, 1.5]),
    "all_zero": lambda: np.zeros((2, 3)),
    "negative_zero": lambda: np.array([-0.0, 0.0, 1.0]),
    "negative_zero_fraction": lambda: np.array([-0.0, 0.5, 1.25]),
    "negative_zero_sci": lambda: np.array([-0.0, 1e-7, 3.0]),
    "only_negative_zero": lambda: np.array([-0.0]),
    "nan_inf_int": lambda: np.array([np.nan, np.inf, -np.inf, 1.0, 2.0]),
    "nan_inf_fraction": lambda: np.array([np.nan, 1.5, -np.inf]),
    "nan_inf_sci": lambda: np.array([np.nan, 1e-9, np.inf, 5.0]),
    "only_nonfinite": lambda: np.array([np.nan, np.inf, -np.inf]),
    "scalar": lambda: np.array(3.14159),
    "scalar_int_valued": lambda: np.array(8.0),
    "scalar_tiny": lambda: np.array(-2.5e-7),
    "scalar_nan": lambda: np.array(np.nan),
    "3d": lambda: _rand((2, 3, 4)),
    "4d": lambda: _rand((2, 2, 1, 3), 100.0),
    "column": lambda: _rand((4, 1)),
    "long_row_wraps": lambda: _rand((40,)),
    "long_rows_wrap_2d": lambda: _rand((2, 25), 1e3),
    "long_sci_row_wraps": lambda: _rand((20,), 1e-6),
    "summarized_vector": lambda: _rand((1500,)),
    "summarized_matrix": lambda: _rand((50, 40), 10.0),
    "summarized_3d": lambda: _rand((10, 12, 11)),
    "summarized_short_dims": lambda: _rand((2, 3, 200)),
    "summarized_sci_hidden_middle": lambda: np.concatenate(
        [np.ones(3), np.full(995, 1e-9), np.ones(3)]
    ),
}


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("case", list(FLOAT_CASES))
def test_float_repr_matches_torch(case: str, dtype: type) -> None:
    with np.errstate(over="ignore"):  # values beyond float16's range become inf in both
        arr = FLOAT_CASES[case]().astype(dtype)
    assert_same_repr(arr)


@pytest.mark.parametrize(
    "arr",
    [
        np.array([1, -2, 300]),
        np.array([[10, 2], [-30000, 4]]),
        np.array(7),
        np.arange(2000).reshape(40, 50),
        np.array([np.iinfo(np.int64).min, 0]),
        np.array([0, 255], dtype=np.uint8),
        np.array([-128, 5], dtype=np.int8),
        np.array([1, 2], dtype=np.int16),
        np.array([[1, 2], [3, 4]], dtype=np.int32),
        np.arange(60, dtype=np.int32),
    ],
    ids=lambda a: f"{a.dtype}-{a.shape}",
)
def test_integer_repr_matches_torch(arr: np.ndarray) -> None:
    assert_same_repr(arr)


@pytest.mark.parametrize(
    "arr",
    [np.array([True, False]), np.array(True), np.array([[False], [True]]), np.ones(1200, bool)],
    ids=lambda a: f"{a.shape}",
)
def test_bool_repr_matches_torch(arr: np.ndarray) -> None:
    assert_same_repr(arr)


COMPLEX_CASES = [
    np.array([1 + 2j, -3.5 - 0.25j]),
    np.array([1 + 2j, 3 - 4j]),
    np.array([1e-6 + 1j, 2 + 1e5j]),
    np.array([complex(0.0, -0.0), complex(-0.0, 0.0), 1 + 1j]),
    np.array([complex(np.nan, 1.0), complex(1.0, np.inf), complex(2.0, -np.inf)]),
    np.array(2.5 - 1j),
    np.array(complex(1.0, -0.0)),
    _rand((3, 4)) + 1j * _rand((3, 4), 1e3, seed=1),
    _rand((30,)) + 1j * _rand((30,), seed=1),
    _rand((1100,)) + 1j * _rand((1100,), seed=1),
]


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("index", range(len(COMPLEX_CASES)))
def test_complex_repr_matches_torch(index: int, dtype: type) -> None:
    assert_same_repr(COMPLEX_CASES[index].astype(dtype))


@pytest.mark.parametrize(
    "dtype", FLOATS + [np.complex64, np.complex128, np.int64, np.int32, np.bool_]
)
@pytest.mark.parametrize("shape", [(0,), (0, 3), (2, 0, 1)])
def test_empty_repr_shows_size_and_dtype_like_torch(shape: tuple[int, ...], dtype: type) -> None:
    assert_same_repr(np.zeros(shape, dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
def test_default_dtype_float64_changes_which_dtypes_are_shown(dtype: type) -> None:
    rg.set_default_dtype(rg.float64)
    torch.set_default_dtype(torch.float64)
    assert_same_repr(np.array([1.5, 2.0]).astype(dtype))
    assert_same_repr(np.zeros((0,), dtype))


@pytest.mark.parametrize(
    "arr",
    [np.array(2.0), np.array([1.5, -2.0]), _rand((3, 3)), np.zeros((0, 2)), _rand((1200,))],
    ids=lambda a: f"{a.shape}",
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_requires_grad_leaf_repr_matches_torch(arr: np.ndarray, dtype: type) -> None:
    assert_same_repr(arr.astype(dtype), requires_grad=True)


@pytest.mark.parametrize(
    ("op", "node"),
    [(lambda x: x * 2, "MulBackward0"), (lambda x: x + 1, "AddBackward0")],
    ids=["mul", "add"],
)
@pytest.mark.parametrize(
    "arr",
    # the last two end near column 80, so the suffixes wrap onto their own lines
    [np.array(2.0), _rand((2, 3)), _rand((6,), 1e3), _rand((2, 8)).astype(np.float64)],
    ids=lambda a: f"{a.shape}",
)
def test_grad_fn_repr_matches_torch(arr: np.ndarray, op: Callable, node: str) -> None:
    x = rg.from_numpy(arr.copy()).requires_grad_()
    y, ty = op(x), op(to_torch(x))
    assert y.grad_fn.name() == node
    assert repr(y) == torch_repr(ty)


def test_forward_ad_tangent_is_printed_like_torch() -> None:
    primal, tangent = _rand((3,)), _rand((3,), seed=1)
    with rg_fwad.dual_level():
        ours = rg_fwad.make_dual(rg.from_numpy(primal.copy()), rg.from_numpy(tangent.copy()))
        ours_repr = repr(ours)
    with torch.autograd.forward_ad.dual_level():
        theirs = torch.autograd.forward_ad.make_dual(
            torch.from_numpy(primal.copy()), torch.from_numpy(tangent.copy())
        )
        theirs_repr = torch_repr(theirs)
    assert ours_repr == theirs_repr


def test_tensor_contents_replaces_values_but_keeps_suffixes() -> None:
    x = rg.from_numpy(np.ones((2, 2), np.float64)).requires_grad_()
    expected = to_torch(x).__repr__(tensor_contents="[...]")
    assert x.__repr__(tensor_contents="[...]") == expected.replace("torch.", "retrograd.")


PRINT_OPTIONS = [
    dict(precision=2),
    dict(precision=8),
    dict(precision=0),
    dict(threshold=5),
    dict(edgeitems=1, threshold=10),
    dict(edgeitems=0, threshold=10),
    dict(linewidth=30),
    dict(linewidth=200),
    dict(sci_mode=True),
    dict(sci_mode=False),
    dict(profile="short"),
    dict(profile="full"),
    dict(profile="short", precision=6),
]
OPTION_ARRAYS = [
    _rand((20,), 10.0),
    _rand((4, 5, 6)),
    np.array([1e-9, 1.0, 1e9]),
    np.array([1.0, 2.0, -3.0]),
    _rand((1500,)) * 1e-3,
    _rand((1, 2000)),
    np.arange(12).reshape(3, 4),
    _rand((5,)) + 1j * _rand((5,), seed=1),
]


@pytest.mark.parametrize(
    "opts", PRINT_OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items())
)
@pytest.mark.parametrize("index", range(len(OPTION_ARRAYS)))
def test_set_printoptions_matches_torch(opts: dict, index: int) -> None:
    rg.set_printoptions(**opts)
    torch.set_printoptions(**opts)
    assert_same_repr(OPTION_ARRAYS[index])


def test_printoptions_persist_and_sci_mode_resets_when_omitted() -> None:
    arr = np.array([1.0e-9, 1.0])
    for lib in (rg, torch):
        lib.set_printoptions(precision=2, sci_mode=False)
        lib.set_printoptions(linewidth=100)
    assert_same_repr(arr)  # precision 2 kept, sci_mode back to automatic


def test_format_of_0d_tensor_is_its_number_like_torch() -> None:
    x = rg.tensor(2.5, requires_grad=True)
    tx = torch.tensor(2.5, requires_grad=True)
    assert f"{x}" == f"{tx}"
    assert f"{x:.3f}" == f"{tx:.3f}"
    assert f"{rg.tensor([1, 2])}" == f"{torch.tensor([1, 2])}"
    with pytest.raises(TypeError, match="unsupported format string"):
        f"{rg.tensor([1.0]):.2f}"


@given(
    arr=hnp.arrays(
        dtype=st.sampled_from([np.float32, np.float64]),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
        elements=st.floats(width=32),
    )
)
def test_random_float_arrays_print_like_torch(arr: np.ndarray) -> None:
    assert_same_repr(arr)


def test_subclass_prints_its_class_name_as_prefix_like_torch() -> None:
    arr = _rand((3, 3)).astype(np.float32)

    class Sub(rg.Tensor):
        pass

    ours = repr(Sub(arr))

    class Sub(torch.Tensor):  # noqa: F811  (same name, so the prefixes can match)
        pass

    assert ours == torch_repr(torch.Tensor._make_subclass(Sub, torch.from_numpy(arr)))
