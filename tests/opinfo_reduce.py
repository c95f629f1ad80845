"""Op database entries for the reductions and scans of the full catalogue (see opinfo.py)."""

from __future__ import annotations

from opinfo import Maker, OpInfo, S, Sample, _alias, _method, reduce_samples


def softmax_samples(m: Maker) -> list[Sample]:
    big = [[1000.0, 0.0, -1000.0], [-1e4, -1e4, -1e4]]
    return [
        S(m(2, 3, 4), 1),
        S(m(2, 3, 4), -1),
        S(m(4), 0),
        S(m(), 0, desc="0-d"),
        S(m.T(3, 4), 0, desc="transposed view"),
        S(m(0, 3), 1, desc="empty"),
        S(m.of(big), 1, desc="large magnitudes: no overflow"),
    ]


def logsumexp_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3, 4), 1),
        S(m(2, 3, 4), (0, 2), keepdim=True),
        S(m(2, 3, 4), -1),
        S(m(), 0, desc="0-d"),
        S(m.T(3, 4), 0, desc="transposed view"),
        S(m.of([[800.0, 799.0], [-800.0, -801.0]]), 1, desc="large magnitudes"),
    ]


def var_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3, 4)),
        S(m(2, 3, 4), 1),
        S(m(2, 3, 4), (0, 2), keepdim=True),
        S(m(2, 3, 4), -1, correction=0),
        S(m(2, 3, 4), 1, correction=2.5),
        S(m(3, 4), 0, False, True, desc="legacy unbiased=False, keepdim"),
        S(m(3, 4), False, desc="legacy var(input, unbiased)"),
        S(m(5), unbiased=True),
        S(m.T(3, 4), 1, desc="transposed view"),
        S(m(), correction=0, desc="0-d: var is 0, std at its kink", edge=True),
        S(m.of([[1.0, 1.0, 1.0], [0.5, 2.0, 1.0]]), 1, desc="constant row", edge=True),
    ]


def prod_samples(m: Maker) -> list[Sample]:
    zeros = [[1.5, 0.0, 2.0], [0.0, 0.0, 3.0], [0.5, 2.0, -1.0]]
    return [
        S(m(2, 3)),
        S(m(2, 3, 4), 1),
        S(m(2, 3, 4), -1, keepdim=True),
        S(m(), desc="0-d"),
        S(m(), 0, desc="0-d with dim"),
        S(m.T(3, 4), 0, desc="transposed view"),
        S(m(0, 3), 1, desc="empty"),
        S(m.of([1.5, 0.0, 2.0]), desc="one zero"),
        S(m.of([0.0, 1.5, 0.0]), desc="two zeros"),
        S(m.of(zeros), 1, desc="rows with one and two zeros"),
        S(m.of(zeros), 0, keepdim=True, desc="columns with zeros"),
    ]


def scan_samples(m: Maker) -> list[Sample]:
    zeros = [[1.5, 0.0, 2.0, 0.5], [0.0, 0.0, 3.0, 1.0], [0.5, 2.0, -1.0, 0.0]]
    return [
        S(m(2, 3, 4), 1),
        S(m(2, 3, 4), -1),
        S(m(5), 0),
        S(m(), 0, desc="0-d"),
        S(m.T(3, 4), 0, desc="transposed view"),
        S(m(0, 3), 1, desc="empty"),
        S(m.of(zeros), 1, desc="zeros along the dim"),
        S(m.of(zeros), 0, desc="zeros across"),
    ]


INF = float("inf")
NAN_AT_0 = {
    "test_second_derivatives_match_pytorch": "d/d(grad) at a zero norm: PyTorch divides "
    "grad by 0 and then masks (nan), ours masks a finite quotient (0)"
}


def vector_norm_samples(m: Maker) -> list[Sample]:
    zero_row = [[0.0, 0.0, 0.0], [0.5, -2.0, 1.0]]
    orders = (1, INF, -INF, 0, 3, 1.5, 0.5, -1)
    return (
        [S(m(2, 3, 4))]
        + [S(m(2, 3, 4), o, dim=1, desc=f"ord {o}") for o in orders]
        + [
            S(m(2, 3, 4), 2, (0, 2), keepdim=True),
            S(m(), desc="0-d"),
            S(m.T(3, 4), 1, dim=0, desc="transposed view"),
            S(m(0, 3), dim=1, desc="empty"),
            S(m.of(zero_row), dim=1, desc="a zero row: gradient 0", edge=True),
            S(m.of(zero_row), 3, dim=1, desc="a zero row, ord 3", edge=True, differs=NAN_AT_0),
            S(m.of(zero_row), 1.5, dim=1, desc="a zero row, ord 1.5", edge=True, differs=NAN_AT_0),
            S(m.of(zero_row), INF, dim=1, desc="a zero row, ord inf", edge=True),
            S(m.of([[1.0, -2.0, 2.0]]), INF, dim=1, desc="inf-norm ties", edge=True),
        ]
    )


def matrix_norm_samples(m: Maker) -> list[Sample]:
    return [
        S(m.no_ties(3, 4)),
        S(m.no_ties(2, 3, 4), 1),
        S(m.no_ties(2, 3, 4), -1, keepdim=True),
        S(m.no_ties(2, 3, 4), INF, dim=(0, 2)),
        S(m.no_ties(3, 4), -INF),
        S(m.no_ties(2, 3, 4), "fro", dim=(-1, 0), keepdim=True),
    ]


op_db_reduce: list[OpInfo] = [
    OpInfo("softmax", _alias("softmax"), softmax_samples),
    OpInfo("softmax_method", _method("softmax"), softmax_samples, covers=("softmax",)),
    OpInfo(
        "softmax_dtype",
        lambda lib, x: lib.softmax(x, -1, dtype=lib.float64),
        lambda m: [S(m(2, 3))],
        covers=("softmax",),
    ),
    OpInfo("log_softmax", _alias("log_softmax"), softmax_samples),
    OpInfo("log_softmax_method", _method("log_softmax"), softmax_samples, covers=("log_softmax",)),
    OpInfo("logsumexp", _alias("logsumexp"), logsumexp_samples),
    OpInfo(
        "logsumexp_method",
        _method("logsumexp"),
        lambda m: reduce_samples(m)[1:5],
        covers=("logsumexp",),
    ),
    OpInfo("var", _alias("var"), var_samples, complex=True),
    OpInfo("var_method", _method("var"), lambda m: var_samples(m)[1:4], covers=("var",)),
    OpInfo("std", _alias("std"), var_samples, complex=True),
    OpInfo("std_method", _method("std"), lambda m: var_samples(m)[1:4], covers=("std",)),
    OpInfo("var_mean", _alias("var_mean"), var_samples),
    OpInfo("std_mean", _alias("std_mean"), var_samples),
    OpInfo("prod", _alias("prod"), prod_samples),
    OpInfo("prod_method", _method("prod"), lambda m: prod_samples(m)[1:3], covers=("prod",)),
    OpInfo(
        "prod_dtype",
        lambda lib, x: lib.prod(x, 0, dtype=lib.float64),
        lambda m: [S(m(3, 2))],
        covers=("prod",),
    ),
    OpInfo("cumsum", _alias("cumsum"), scan_samples),
    OpInfo("cumsum_method", _method("cumsum"), lambda m: scan_samples(m)[:2], covers=("cumsum",)),
    OpInfo(
        "cumsum_dtype",
        lambda lib, x: lib.cumsum(x, 0, dtype=lib.float64),
        lambda m: [S(m(3, 2))],
        covers=("cumsum",),
    ),
    OpInfo("cumprod", _alias("cumprod"), scan_samples),
    OpInfo(
        "cumprod_method", _method("cumprod"), lambda m: scan_samples(m)[:2], covers=("cumprod",)
    ),
    OpInfo(
        "linalg.vector_norm",
        lambda lib, *a, **k: lib.linalg.vector_norm(*a, **k),
        vector_norm_samples,
        covers=("linalg.vector_norm",),
        complex=True,
    ),
    OpInfo(
        "linalg.matrix_norm",
        lambda lib, *a, **k: lib.linalg.matrix_norm(*a, **k),
        matrix_norm_samples,
        covers=("linalg.matrix_norm",),
    ),
    OpInfo("norm", _alias("norm"), lambda m: vector_norm_samples(m)[:4] + [S(m(3, 4), "fro")]),
    OpInfo(
        "norm_method",
        _method("norm"),
        lambda m: [S(m(3, 4)), S(m(3, 4), 1, 1, True), S(m(3, 4), dim=(0, 1))],
        covers=("norm",),
    ),
]
