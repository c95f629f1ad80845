"""Reductions and scans outside the op database: integer and bool results, edge values and
bad input, each against PyTorch."""

from __future__ import annotations

from typing import Any

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
