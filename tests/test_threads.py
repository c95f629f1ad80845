"""set_num_threads / get_num_threads govern the BLAS pool NumPy's matrix products run on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_info, threadpool_limits

import retrograd as rg


def blas_threads() -> list[int]:
    """The thread counts threadpoolctl reports for every BLAS library loaded."""
    return [int(i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"]


@pytest.fixture(autouse=True)
def restore_threads() -> Iterator[None]:
    before = rg.get_num_threads()
    try:
        yield
    finally:
        rg.set_num_threads(before)


def test_get_num_threads_reports_the_blas_pool() -> None:
    n = rg.get_num_threads()
    assert isinstance(n, int) and n >= 1
    if blas_threads():
        assert n == blas_threads()[0]


def test_set_num_threads_limits_numpys_blas() -> None:
    if not blas_threads():
        pytest.skip("threadpoolctl finds no BLAS library in this NumPy")
    rg.set_num_threads(1)
    assert rg.get_num_threads() == 1
    assert blas_threads() == [1] * len(blas_threads())
    rg.set_num_threads(2)
    assert rg.get_num_threads() == 2
    assert blas_threads() == [2] * len(blas_threads())


def test_matmul_gives_the_same_numbers_on_one_thread() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((64, 32)), rng.standard_normal((32, 16))
    rg.set_num_threads(1)
    one = (rg.tensor(a) @ rg.tensor(b)).numpy()
    np.testing.assert_allclose(one, torch.tensor(a) @ torch.tensor(b), rtol=1e-12, atol=1e-12)


def test_restoring_the_previous_count() -> None:
    before = rg.get_num_threads()
    rg.set_num_threads(1)
    rg.set_num_threads(before)
    assert rg.get_num_threads() == before
    if blas_threads():
        assert blas_threads()[0] == before


def test_get_num_threads_sees_a_limit_set_through_threadpoolctl() -> None:
    if not blas_threads():
        pytest.skip("threadpoolctl finds no BLAS library in this NumPy")
    rg.set_num_threads(2)
    with threadpool_limits(limits=1, user_api="blas"):
        assert rg.get_num_threads() == 1
    assert rg.get_num_threads() == 2


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2", None])
def test_bad_thread_counts_raise_runtime_error_like_torch(bad: Any) -> None:
    before = rg.get_num_threads()
    with pytest.raises(RuntimeError, match="set_num_threads expects"):
        torch.set_num_threads(bad)
    with pytest.raises(RuntimeError, match="set_num_threads expects"):
        rg.set_num_threads(bad)
    assert rg.get_num_threads() == before


def test_bad_thread_count_messages() -> None:
    with pytest.raises(RuntimeError, match="expects a positive integer, got 0"):
        rg.set_num_threads(0)
    with pytest.raises(RuntimeError, match="expects an int, but got float"):
        rg.set_num_threads(2.0)
