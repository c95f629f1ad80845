"""Reductions and scans outside the op database: integer and bool results, edge values and
bad input, each against PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
from _torch_compare import assert_close


def both(fn: Any, values: Any, dtype: str = "float64") -> tuple[Any, Any]:
    return fn(rg, rg.tensor(values, dtype=getattr(rg, dtype))), fn(
        torch, torch.tensor(values, dtype=getattr(torch, dtype))
    )


def raises_like_torch(fn: Any, values: Any, dtype: str = "float64") -> str:
    """fn raises the same exception type in both libraries; returns our message."""
    with pytest.raises(Exception) as theirs:
        fn(torch, torch.tensor(values, dtype=getattr(torch, dtype)))
    with pytest.raises(theirs.type) as ours:
        fn(rg, rg.tensor(values, dtype=getattr(rg, dtype)))
    return str(ours.value)


def test_softmax_of_integers_is_an_error_unless_a_dtype_is_given() -> None:
    msg = raises_like_torch(lambda lib, x: lib.softmax(x, 0), [1, 2], "int64")
    assert "softmax" in msg
    ours, theirs = both(lambda lib, x: lib.softmax(x, 0, dtype=lib.float32), [1, 2], "int64")
    assert_close(ours, theirs)


def test_softmax_dim_out_of_range_is_an_index_error() -> None:
    raises_like_torch(lambda lib, x: lib.log_softmax(x, 2), [[1.0, 2.0]])


def test_logsumexp_of_an_empty_dim_is_minus_infinity_and_integers_give_floats() -> None:
    for values, dtype in (([[], []], "float64"), ([[1, 2], [3, 4]], "int64")):
        ours, theirs = both(lambda lib, x: lib.logsumexp(x, 1), values, dtype)
        assert_close(ours, theirs)


def test_logsumexp_of_all_minus_infinity_is_minus_infinity() -> None:
    inf = float("inf")
    ours, theirs = both(lambda lib, x: lib.logsumexp(x, 1), [[-inf, -inf], [inf, 1.0]])
    assert_close(ours, theirs)


def test_var_and_std_of_integers_are_errors() -> None:
    for op in ("var", "std", "var_mean", "std_mean"):
        msg = raises_like_torch(lambda lib, x, op=op: getattr(lib, op)(x), [1, 2], "int64")
        assert "floating point" in msg


def test_var_takes_unbiased_or_correction_not_both() -> None:
    raises_like_torch(lambda lib, x: lib.var(x, 0, unbiased=True, correction=1), [1.0, 2.0])


def test_std_of_a_constant_row_has_zero_gradient_to_second_order() -> None:
    got = {}
    for lib in (rg, torch):
        x = lib.tensor([[1.0, 1.0], [2.0, 3.0]], dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(x.std(1).sum(), x, create_graph=True)
        got[lib] = (g, lib.autograd.grad((g * g).sum(), x)[0])
    for ours, theirs in zip(got[rg], got[torch]):
        assert_close(ours, theirs)
    assert not got[rg][0][0].detach().numpy().any()


@pytest.mark.parametrize(
    "values, expected",
    [([1.5, 0.0, 2.0], [0.0, 3.0, 0.0]), ([0.0, 1.5, 0.0], [0.0, 0.0, 0.0])],
    ids=["one zero", "two zeros"],
)
def test_prod_gradient_with_zeros_is_the_product_of_the_others(values: Any, expected: Any) -> None:
    x = rg.tensor(values, dtype=rg.float64, requires_grad=True)
    (g,) = rg.autograd.grad(x.prod(), x)
    np.testing.assert_array_equal(g.numpy(), expected)


def test_integer_products_and_running_sums_are_int64() -> None:
    for fn in (
        lambda lib, x: lib.prod(x),
        lambda lib, x: lib.prod(x, 1, keepdim=True),
        lambda lib, x: lib.cumsum(x, 0),
        lambda lib, x: lib.cumprod(x, 1),
    ):
        for dtype in ("int32", "bool"):
            ours, theirs = both(fn, [[1, 0, 3], [2, 2, 1]], dtype)
            assert_close(ours, theirs)


def test_vector_norm_bad_inputs_are_errors() -> None:
    msg = raises_like_torch(lambda lib, x: lib.linalg.vector_norm(x), [1, 2], "int64")
    assert "floating point" in msg
    msg = raises_like_torch(lambda lib, x: lib.linalg.vector_norm(x, float("inf")), [])
    assert "inf norm" in msg
    raises_like_torch(lambda lib, x: lib.linalg.matrix_norm(x), [1.0, 2.0])


@pytest.mark.parametrize("ord", [2, 1, float("inf"), -float("inf"), 0, 3, 0.5])
def test_vector_norm_gradient_at_zero_is_zero(ord: float) -> None:
    x = rg.zeros(3, dtype=rg.float64, requires_grad=True)
    (g,) = rg.autograd.grad(rg.linalg.vector_norm(x, ord), x, allow_unused=True)
    assert g is None or not g.numpy().any()


TIES = [[1.0, 3.0, 3.0, 2.0, 3.0], [2.0, 2.0, 1.0, 1.0, 5.0]]
NAN = float("nan")


@pytest.mark.parametrize(
    "fn",
    [
        lambda lib, x: lib.argsort(x),
        lambda lib, x: lib.argsort(x, 0, descending=True),
        lambda lib, x: lib.sort(x, 1, descending=True),
        lambda lib, x: lib.sort(x, 0),
        lambda lib, x: lib.median(x, 1),
        lambda lib, x: lib.median(x),
        lambda lib, x: lib.mode(x, 1),
        lambda lib, x: lib.cummax(x, 1),
        lambda lib, x: lib.cummin(x, 1),
        lambda lib, x: x.aminmax(dim=0),
    ],
)
def test_selection_indices_with_ties_match_pytorch(fn: Any) -> None:
    ours, theirs = both(fn, TIES)
    for o, t in zip(
        ours if isinstance(ours, tuple) else (ours,),
        theirs if isinstance(theirs, tuple) else (theirs,),
    ):
        assert_close(o, t)


def test_sorting_and_medians_with_nan_match_pytorch() -> None:
    values = [[1.0, NAN, 0.5, 2.0], [3.0, 1.0, 2.0, 0.0]]
    for fn in (
        lambda lib, x: lib.sort(x, 1),
        lambda lib, x: lib.sort(x, 1, descending=True),
        lambda lib, x: lib.median(x, 1),
        lambda lib, x: lib.median(x),
        lambda lib, x: lib.median(x[:, :0]),
    ):
        ours, theirs = both(fn, values)
        for o, t in zip(
            ours if isinstance(ours, tuple) else (ours,),
            theirs if isinstance(theirs, tuple) else (theirs,),
        ):
            assert_close(o, t)


def test_selection_bad_arguments_are_errors() -> None:
    raises_like_torch(lambda lib, x: lib.topk(x, 4), [1.0, 2.0])
    raises_like_torch(lambda lib, x: lib.kthvalue(x, 0), [1.0, 2.0])
    raises_like_torch(lambda lib, x: lib.mode(x, 1), [[]])
    raises_like_torch(lambda lib, x: lib.sort(x, 2), [1.0, 2.0])


def test_median_ties_share_the_gradient_and_median_dim_picks_one() -> None:
    for lib_fn in (lambda lib, x: lib.median(x), lambda lib, x: lib.median(x, 0).values):
        got = []
        for lib in (rg, torch):
            x = lib.tensor([1.0, 2.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
            got.append(lib.autograd.grad(lib_fn(lib, x), x)[0])
        assert_close(*got)


BOOLS = [[1, 0, 2], [0, 0, 3]]


@pytest.mark.parametrize("dtype", ["uint8", "int64", "bool", "float32"])
@pytest.mark.parametrize(
    "fn",
    [
        lambda lib, x: lib.all(x),
        lambda lib, x: lib.any(x, 1),
        lambda lib, x: x.all(0, keepdim=True),
        lambda lib, x: x.any((0, 1)),
        lambda lib, x: lib.count_nonzero(x),
        lambda lib, x: lib.count_nonzero(x, (0,)),
        lambda lib, x: x.count_nonzero(-1),
        lambda lib, x: lib.unique(x),
        lambda lib, x: lib.unique(x, return_inverse=True, return_counts=True),
        lambda lib, x: x.unique(dim=1, return_inverse=True),
    ],
)
def test_bool_and_integer_reductions_match_pytorch(fn: Any, dtype: str) -> None:
    ours, theirs = both(fn, BOOLS, dtype)
    for o, t in zip(
        ours if isinstance(ours, tuple) else (ours,),
        theirs if isinstance(theirs, tuple) else (theirs,),
    ):
        assert_close(o, t)


def test_bincount_and_histc_match_pytorch() -> None:
    cases = [
        (lambda lib, x: lib.bincount(x), [1, 1, 3], "int64"),
        (lambda lib, x: lib.bincount(x, minlength=6), [1, 1, 3], "int64"),
        (lambda lib, x: x.bincount(x.double() * 0.5), [1, 1, 3], "int64"),
        (lambda lib, x: lib.bincount(x, x.float()), [0, 2, 2], "uint8"),
        (lambda lib, x: lib.histc(x, bins=4), [1.0, 2.0, 1.0, 4.0], "float32"),
        (lambda lib, x: x.histc(4, 0, 3), [1.0, 2.0, 1.0, 4.0, -1.0], "float64"),
        (lambda lib, x: lib.histc(x, bins=3), [2.0, 2.0], "float64"),
    ]
    for fn, values, dtype in cases:
        ours, theirs = both(fn, values, dtype)
        assert_close(ours, theirs)


def test_bincount_and_histc_bad_inputs_are_errors() -> None:
    raises_like_torch(lambda lib, x: lib.bincount(x), [-1], "int64")
    raises_like_torch(lambda lib, x: lib.bincount(x), [[1]], "int64")
    raises_like_torch(lambda lib, x: lib.bincount(x), [1.0])
    raises_like_torch(lambda lib, x: lib.histc(x, bins=2), [1, 2], "int64")


def test_nan_reductions_of_integers() -> None:
    ours, theirs = both(lambda lib, x: lib.nansum(x, 1), BOOLS, "int32")
    assert_close(ours, theirs)
    raises_like_torch(lambda lib, x: lib.nanmean(x), BOOLS, "int64")


def test_quantile_and_logcumsumexp_bad_inputs_are_errors() -> None:
    raises_like_torch(lambda lib, x: lib.logcumsumexp(x, 0), [1, 2], "int64")
    assert "range [0, 1]" in raises_like_torch(lambda lib, x: lib.quantile(x, 1.5), [1.0, 2.0])
    raises_like_torch(lambda lib, x: lib.quantile(x, 0.5), [1, 2], "int64")
    raises_like_torch(lambda lib, x: lib.quantile(x, 0.5), [])
    raises_like_torch(lambda lib, x: lib.quantile(x, x.reshape(1, 2) * 0), [1.0, 2.0])
    raises_like_torch(lambda lib, x: lib.quantile(x, 0.5, interpolation="cubic"), [1.0, 2.0])
    raises_like_torch(lambda lib, x: lib.quantile(x, x[:1].float()), [1.0, 2.0])


def test_matrix_norm_of_an_unknown_order_is_an_error() -> None:
    assert "Order 3" in raises_like_torch(lambda lib, x: lib.linalg.matrix_norm(x, 3), [[1.0]])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_softmax_accumulates_in_float32_as_pytorch(dtype: str) -> None:
    ours, theirs = both(
        lambda lib, x: lib.softmax(x, 1), [[1.0, 0.0, 2.0], [3.0, -1.0, 0.5]], dtype
    )
    np.testing.assert_array_equal(ours.float().numpy(), theirs.float().numpy())


@pytest.mark.parametrize("shape, dim", [((30,), 0), ((3, 7), 1), ((4, 5, 6), 0), ((2, 20), -1)])
def test_kthvalue_picks_pytorchs_index_among_ties(shape: tuple[int, ...], dim: int) -> None:
    rng = np.random.default_rng(len(shape) * 10 + dim)
    for trial in range(8):
        v = rng.integers(0, 3, shape).astype(np.float64)  # many ties
        if trial % 3 == 0:
            v.flat[rng.integers(0, v.size)] = np.nan
        k = int(rng.integers(1, shape[dim] + 1))
        got = []
        for lib in (torch, rg):
            x = lib.from_numpy(v.copy()).requires_grad_()
            values, indices = lib.kthvalue(x, k, dim)
            (g,) = lib.autograd.grad(values.sum(), x)
            got.append((indices.numpy(), values.detach().numpy(), g.numpy()))
        np.testing.assert_array_equal(got[1][0], got[0][0])
        np.testing.assert_array_equal(got[1][1], got[0][1])
        np.testing.assert_array_equal(got[1][2], got[0][2])
