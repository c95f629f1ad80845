"""Op database entries for the reductions and scans of the full catalogue (see opinfo.py)."""

from __future__ import annotations

import numpy as np

from opinfo import Arg, Maker, OpInfo, S, Sample, _alias, _method, reduce_samples


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
        S(m.no_ties(3, 4), "nuc"),
        S(m.no_ties(2, 3, 4), "nuc", dim=(0, 2), keepdim=True),
        S(m.no_ties(2, 4, 3), 2),
        S(m.no_ties(3, 3), -2, keepdim=True),
    ]


def select_samples(m: Maker, *args: object) -> list[Sample]:
    """Distinct values, so each selection is differentiable; ``args`` lead each call."""
    return [
        S(m.no_ties(2, 3, 4), *args),
        S(m.no_ties(2, 3, 4), *args, dim=1),
        S(m.no_ties(5), *args, dim=0),
        S(m.no_ties(), *args, dim=0, desc="0-d")
        if not args or args[0] == 1
        else S(m.no_ties(3), *args),
        S(Arg(np.swapaxes(m.no_ties(3, 4).value, 0, 1), transposed=True), *args, dim=0),
    ]


def keepdim_samples(m: Maker, *args: object) -> list[Sample]:
    return select_samples(m, *args) + [S(m.no_ties(2, 3, 4), *args, dim=1, keepdim=True)]


def mode_samples(m: Maker) -> list[Sample]:
    """A mode is a repeated value: moving one copy changes the mode, so these are edges
    (compared with PyTorch, not finite differences)."""
    counts = [[1.0, 2.0, 2.0, 0.5, 2.0], [3.0, 1.0, 3.0, 1.0, 0.5]]
    return [
        S(m.of(counts), edge=True),
        S(m.of(counts), 1, keepdim=True, edge=True),
        S(m.of(np.transpose(counts)), 0, edge=True),
        S(m.of(1.5), desc="0-d"),
    ]


def nan_samples(m: Maker) -> list[Sample]:
    nans = [[1.5, np.nan, 2.0], [np.nan, np.nan, np.nan], [0.5, -1.0, 0.25]]
    return reduce_samples(m) + [
        S(m.of(nans), desc="NaNs (edges: no finite differences)", edge=True),
        S(m.of(nans), 1, desc="a row of NaNs", edge=True),
        S(m.of(nans), 0, keepdim=True, edge=True),
    ]


def logcumsumexp_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3, 4), 1),
        S(m(2, 3, 4), -1),
        S(m(), 0, desc="0-d"),
        S(m.T(3, 4), 0, desc="transposed view"),
        S(m(0, 3), 1, desc="empty"),
        S(
            m.of([[800.0, 0.0, -800.0], [1.0, 700.0, 2.0]]),
            1,
            desc="large magnitudes",
            differs={
                "test_forward_ad_matches_pytorch": "PyTorch's tangent of out[1, 0] underflows "
                "to 1e-290 where the exact value is the input tangent; ours is exact"
            },
        ),
    ]


def quantile_samples(m: Maker) -> list[Sample]:
    qs = Arg(np.array([0.0, 0.3, 0.5, 1.0], m.dtype), requires_grad=False)
    return [
        S(m.no_ties(2, 3, 4), 0.4),
        S(m.no_ties(2, 3, 4), qs, dim=1),
        S(m.no_ties(3, 4), 0.25, dim=0, keepdim=True),
        S(m.no_ties(3, 4), qs, keepdim=True),
        S(m.no_ties(5), 0.6, interpolation="lower"),
        S(m.no_ties(5), 0.6, interpolation="higher"),
        S(m.no_ties(3, 5), qs, dim=-1, interpolation="midpoint"),
        S(m.no_ties(3, 4), qs, dim=-1, interpolation="nearest"),
        S(m.no_ties(), 0.5, desc="0-d"),
        S(m.of([[1.0, np.nan, 2.0], [0.5, 2.0, 1.0]]), qs, dim=1, desc="NaN", edge=True),
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
    OpInfo(
        "linalg.norm",
        lambda lib, *a, **k: lib.linalg.norm(*a, **k),
        lambda m: [
            S(m(2, 3, 4), desc="all elements"),
            S(m(3), 1),
            S(m.no_ties(3, 4), 2, desc="2-d: a matrix norm"),
            S(m(3, 4), "fro", keepdim=True),
            S(m(2, 3, 4), 3, dim=1, desc="one dim: a vector norm"),
            S(m.no_ties(2, 3, 4), "nuc", dim=(2, 0), desc="two dims: a matrix norm"),
            S(m.T(4, 3), INF, desc="transposed view"),
            S(m(0, 3), desc="empty"),
            S(m(), desc="0-d"),
        ],
        covers=("linalg.norm",),
        complex=True,
    ),
    OpInfo(
        "norm",
        _alias("norm"),
        lambda m: (
            vector_norm_samples(m)[:4]
            + [S(m(3, 4), "fro"), S(m.no_ties(2, 3, 4), "nuc", dim=(1, 2))]
        ),
    ),
    OpInfo(
        "norm_method",
        _method("norm"),
        lambda m: [S(m(3, 4)), S(m(3, 4), 1, 1, True), S(m(3, 4), dim=(0, 1))],
        covers=("norm",),
    ),
    OpInfo("sort", _alias("sort"), select_samples),
    OpInfo(
        "sort_descending",
        lambda lib, x, **k: lib.sort(x, descending=True, **k),
        select_samples,
        covers=("sort",),
    ),
    OpInfo("sort_method", _method("sort"), lambda m: select_samples(m)[:2], covers=("sort",)),
    OpInfo("topk", _alias("topk"), lambda m: select_samples(m, 2)),
    OpInfo(
        "topk_smallest",
        lambda lib, x, k, **kw: lib.topk(x, k, largest=False, **kw),
        lambda m: select_samples(m, 1),
        covers=("topk",),
    ),
    OpInfo("topk_method", _method("topk"), lambda m: select_samples(m, 3)[:2], covers=("topk",)),
    OpInfo("kthvalue", _alias("kthvalue"), lambda m: keepdim_samples(m, 2)),
    OpInfo(
        "kthvalue_method",
        _method("kthvalue"),
        lambda m: keepdim_samples(m, 1)[:2],
        covers=("kthvalue",),
    ),
    OpInfo(
        "median",
        _alias("median"),
        lambda m: (
            keepdim_samples(m)
            + [
                S(m.no_ties(2, 3)),
                S(m.no_ties(4), desc="even count: the lower middle"),
                S(m.of([1.0, 2.0, 2.0, 3.0]), desc="ties share the gradient", edge=True),
            ]
        ),
    ),
    OpInfo(
        "median_method", _method("median"), lambda m: [S(m.no_ties(3, 4), 0)], covers=("median",)
    ),
    OpInfo("mode", _alias("mode"), mode_samples, covers=("mode",)),
    OpInfo("mode_method", _method("mode"), lambda m: mode_samples(m)[:1], covers=("mode",)),
    OpInfo("cummax", _alias("cummax"), lambda m: select_samples(m)[1:]),
    OpInfo(
        "cummax_method", _method("cummax"), lambda m: [S(m.no_ties(3, 4), 1)], covers=("cummax",)
    ),
    OpInfo("cummin", _alias("cummin"), lambda m: select_samples(m)[1:]),
    OpInfo(
        "cummin_method", _method("cummin"), lambda m: [S(m.no_ties(3, 4), 0)], covers=("cummin",)
    ),
    OpInfo(
        "aminmax",
        _alias("aminmax"),
        lambda m: [
            S(m.no_ties(2, 3)),
            S(m.no_ties(2, 3, 4), dim=1),
            S(m.no_ties(2, 3), dim=-1, keepdim=True),
        ],
    ),
    OpInfo(
        "aminmax_method", _method("aminmax"), lambda m: [S(m.no_ties(3, 4))], covers=("aminmax",)
    ),
    OpInfo("nansum", _alias("nansum"), nan_samples),
    OpInfo("nansum_method", _method("nansum"), lambda m: nan_samples(m)[-2:], covers=("nansum",)),
    OpInfo("nanmean", _alias("nanmean"), nan_samples),
    OpInfo(
        "nanmean_method", _method("nanmean"), lambda m: nan_samples(m)[-2:], covers=("nanmean",)
    ),
    OpInfo("logcumsumexp", _alias("logcumsumexp"), logcumsumexp_samples),
    OpInfo(
        "logcumsumexp_method",
        _method("logcumsumexp"),
        lambda m: logcumsumexp_samples(m)[:2],
        covers=("logcumsumexp",),
    ),
    OpInfo("quantile", _alias("quantile"), quantile_samples),
    OpInfo(
        "quantile_method",
        _method("quantile"),
        lambda m: quantile_samples(m)[:2],
        covers=("quantile",),
    ),
]
