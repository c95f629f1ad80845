"""Op database entries for the elementwise operations of the full catalogue (see opinfo.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

from opinfo import (
    C64,
    C128,
    NAN_IN_DISCARDED_BRANCH,
    POSITIVE,
    REAL,
    Maker,
    OpInfo,
    S,
    Sample,
    _alias,
    binary_samples,
    max_binary_samples,
    unary_samples,
)

NAN, INF = float("nan"), float("inf")


def _unary(name: str, domain: tuple[float, float] = (-2.0, 2.0), *, covers: tuple[str, ...] = (),
           complex: bool = True, **kw: Any) -> OpInfo:  # fmt: skip
    return OpInfo(name, _alias(name), unary_samples, covers=covers or (name,), complex=complex,
                  domain=domain, **kw)  # fmt: skip


def with_negatives(low: float, high: float) -> Any:
    """Unary samples plus one drawn from [-high, -low] (ops defined on both sides of 0)."""
    return lambda m: unary_samples(m) + [S(m(2, 3, low=-high, high=-low), desc="negative")]


def gamma_samples(m: Maker) -> list[Sample]:
    return unary_samples(m) + [S(m(2, 3, low=-2.9, high=-2.1), desc="negative, between poles")]


def logit_samples(m: Maker) -> list[Sample]:
    outside = m.of([-0.5, 0.05, 0.5, 0.97, 1.5])
    return unary_samples(m) + [
        S(m(2, 3), eps=0.2, desc="eps clamps some"),
        S(outside, desc="outside [0, 1]: nan gradient", edge=True),
        S(outside, eps=0.1, desc="beyond eps: zero gradient", edge=True),
    ]


def rounding_samples(m: Maker) -> list[Sample]:
    return unary_samples(m) + [S(m.of([-2.5, -0.5, 0.5, 1.5, 2.0]), desc="halves", edge=True)]


def round_decimals_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3, low=-50, high=50), decimals=1),
        S(m(2, 3, low=-500, high=500), decimals=-1),
        S(m(), decimals=2, desc="0-d"),
        S(m.T(3, 2), decimals=3, desc="transposed view"),
    ]


def divisor_samples(m: Maker, **kw: Any) -> list[Sample]:
    """Dividends of both signs over divisors of both signs away from 0 (no discontinuity
    of floor/trunc is within a finite-difference step of these random points)."""
    d = dict(low=0.5, high=2.0)
    return [
        S(m(2, 3, low=-5, high=5), m(2, 3, **d), **kw),
        S(m(2, 3, low=-5, high=5), m(2, 3, low=-2, high=-0.5), desc="negative divisor", **kw),
        S(m(2, 1, 3, low=-5, high=5), m(3, **d), desc="broadcast", **kw),
        S(m(low=-5, high=5), m(2, 3, **d), desc="0-d", **kw),
        S(m.T(3, 2, low=-5, high=5), m(3, 2, **d), desc="transposed view", **kw),
        S(m(0, 3), m(3, **d), desc="empty", **kw),
        S(m(2, 3, low=-5, high=5), 1.5, desc="python scalar", **kw),
        S(m(2, 3, low=-5, high=5), -0.75, desc="negative python scalar", **kw),
        S(m(2, 3, low=-5, high=5), m(3, rg=False, **d), desc="constant other", **kw),
    ]


def xlogy_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3), m(2, 3, low=0.2, high=2)),
        S(m(2, 1, 3), m(3, low=0.2, high=2), desc="broadcast"),
        S(m(), m(2, 3, low=0.2, high=2), desc="0-d"),
        S(m.T(3, 2), m(3, 2, low=0.2, high=2), desc="transposed view"),
        S(m(2, 3), 1.5, desc="python scalar other"),
        S(2.5, m(2, 3, low=0.2, high=2), desc="python scalar self"),
        S(m.of([0.0, 0.0, 1.0]), m.of([0.0, NAN, 2.0]), desc="x = 0", edge=True),
    ]


def lerp_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3), m(2, 3), 0.3),
        S(m(2, 3), m(2, 3), 0.8, desc="weight above 1/2"),
        S(m(2, 3), m(2, 3), m(2, 3, low=0, high=1), desc="tensor weight"),
        S(m(2, 1, 3), m(3), m(2, 1, 1, low=0, high=1), desc="broadcast"),
        S(m(), m(), m(), desc="0-d"),
        S(m.T(3, 2), m(3, 2), m(3, 2, rg=False), desc="transposed view, constant weight"),
    ]


def addc_samples(positive_t2: bool) -> Any:
    def samples(m: Maker) -> list[Sample]:
        d = dict(low=0.5, high=2.0) if positive_t2 else {}
        return [
            S(m(2, 3), m(2, 3), m(2, 3, **d)),
            S(m(2, 3), m(2, 3), m(2, 3, **d), value=-0.5),
            S(m(3), m(2, 1), m(1, 3, **d), value=2, desc="broadcast"),
            S(m(), m(), m(**d), desc="0-d"),
            S(m.T(3, 2), m(3, 2, rg=False), m(3, 2, **d), desc="transposed view, constant"),
        ]

    return samples


def nan_to_num_samples(m: Maker) -> list[Sample]:
    special = m.of([NAN, INF, -INF, 1.0, -2.0])
    return unary_samples(m) + [
        S(special, desc="nan and infinities", edge=True),
        S(special, nan=1.5, posinf=100.0, neginf=-100.0, desc="replacements", edge=True),
    ]


def angle_samples(m: Maker) -> list[Sample]:
    at_zero = NAN_IN_DISCARDED_BRANCH if m.dtype.kind == "c" else {}
    zero = [S(m.of([0.0, 1.0, -1.0]), desc="at 0", edge=True, differs=at_zero)]
    return unary_samples(m) + zero


def parts_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3), m(2, 3)),
        S(m(2, 1), m(3), desc="broadcast"),
        S(m(), m(), desc="0-d"),
        S(m.T(3, 2), m(3, 2, rg=False), desc="transposed view, constant"),
    ]


def nonempty_unary_samples(m: Maker) -> list[Sample]:
    return [s for s in unary_samples(m) if s.desc != "empty"]


def as_complex_samples(m: Maker) -> list[Sample]:
    return [S(m(3, 2)), S(m(2)), S(m(2, 4, 2))]


def extremum_binary_samples(m: Maker) -> list[Sample]:
    return max_binary_samples(m) + [S(m.of([[2.0, NAN]]), m.of([[NAN], [1.0]]), edge=True,
                                      desc="NaN, broadcast")]  # fmt: skip


def tensor_binary_samples(m: Maker) -> list[Sample]:
    """binary_samples without the Python number (PyTorch's atan2, hypot... take tensors)."""
    return [s for s in binary_samples(m) if s.desc != "python scalar"]


BINARY_REAL: dict[str, Any] = dict(dtypes=REAL)

op_db_elementwise: list[OpInfo] = [
    # powers, exponentials and logarithms --------------------------------------------
    _unary("reciprocal", (0.5, 2.0)),
    OpInfo("reciprocal_negative", _alias("reciprocal"), with_negatives(0.5, 2.0),
           covers=("reciprocal",), domain=(0.5, 2.0)),
    _unary("rsqrt", POSITIVE),
    _unary("exp2"),
    _unary("expm1"),
    _unary("log2", POSITIVE),
    _unary("log10", POSITIVE),
    _unary("log1p", (-0.5, 2.0)),
    # trigonometric and hyperbolic ---------------------------------------------------
    _unary("tan", (-1.2, 1.2)),
    _unary("asin", (-0.9, 0.9), covers=("asin", "arcsin")),
    _unary("acos", (-0.9, 0.9), covers=("acos", "arccos")),
    _unary("atan", (-0.9, 0.9), covers=("atan", "arctan")),
    _unary("sinh"),
    _unary("cosh"),
    _unary("asinh", (-0.9, 0.9), covers=("asinh", "arcsinh")),
    _unary("acosh", (1.2, 3.0), covers=("acosh", "arccosh")),
    _unary("atanh", (-0.9, 0.9), covers=("atanh", "arctanh")),
    OpInfo("atan2", _alias("atan2"), tensor_binary_samples, covers=("atan2", "arctan2"),
           **BINARY_REAL),
    # special functions --------------------------------------------------------------
    _unary("erf", complex=False),
    _unary("erfc", complex=False),
    _unary("erfinv", (-0.9, 0.9), complex=False),
    OpInfo("lgamma", _alias("lgamma"), gamma_samples, domain=(0.2, 3.0)),
    OpInfo("digamma", _alias("digamma"), gamma_samples, domain=(0.2, 3.0), tol={
        np.dtype("float64"): (1e-9, 1e-9)}),  # near the poles psi is ill-conditioned
    OpInfo("polygamma", lambda lib, x, n: lib.polygamma(n, x),
           lambda m: [S(m(2, 3), 1), S(m(2, 3), 2), S(m(), 3, desc="0-d"),
                      S(m(2, 3, low=-2.9, high=-2.1), 1, desc="negative"), S(m(2, 2), 0)],
           domain=(0.5, 3.0), tol={np.dtype("float64"): (1e-9, 1e-9)}),
    OpInfo("polygamma_method", lambda lib, x, n: x.polygamma(n),
           lambda m: [S(m(2, 3), 1)], covers=("polygamma",), domain=(0.5, 3.0)),
    OpInfo("logit", _alias("logit"), logit_samples, domain=(0.1, 0.9)),
    # rounding -----------------------------------------------------------------------
    OpInfo("floor", _alias("floor"), rounding_samples),
    OpInfo("ceil", _alias("ceil"), rounding_samples),
    OpInfo("trunc", _alias("trunc"), rounding_samples, covers=("trunc", "fix")),
    OpInfo("round", _alias("round"), rounding_samples),
    OpInfo("round_decimals", _alias("round"), round_decimals_samples, covers=("round",)),
    OpInfo("frac", _alias("frac"), rounding_samples),
    # division with rounding, remainders ---------------------------------------------
    OpInfo("div_floor", lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
           divisor_samples, covers=("div", "divide")),
    OpInfo("div_trunc", lambda lib, a, b: a.div(b, rounding_mode="trunc"),
           divisor_samples, covers=("div",)),
    OpInfo("floor_divide", _alias("floor_divide"), divisor_samples, grad=False,
           gradgrad=False, fwgrad=False),  # PyTorch defines no derivative for it
    OpInfo("floordiv_operator", lambda lib, a, b: a // b, divisor_samples,
           covers=("__floordiv__",), grad=False, gradgrad=False, fwgrad=False),
    OpInfo("rfloordiv_operator", lambda lib, a: 2.5 // a, unary_samples, domain=(0.5, 2.0),
           covers=("__rfloordiv__",), grad=False, gradgrad=False, fwgrad=False),
    OpInfo("remainder", _alias("remainder"), divisor_samples),
    OpInfo("mod_operator", lambda lib, a, b: a % b, divisor_samples,
           covers=("__mod__",)),
    OpInfo("rmod_operator", lambda lib, a: 2.5 % a, unary_samples, domain=(0.6, 2.0),
           covers=("__rmod__",), grad=False, gradgrad=False, fwgrad=False),
    OpInfo("fmod", _alias("fmod"), divisor_samples),
    # binary functions ---------------------------------------------------------------
    OpInfo("hypot", _alias("hypot"), tensor_binary_samples, **BINARY_REAL),
    OpInfo("xlogy", _alias("xlogy"), xlogy_samples, **BINARY_REAL),
    OpInfo("logaddexp", _alias("logaddexp"), tensor_binary_samples, complex=True),
    OpInfo("maximum", _alias("maximum"), extremum_binary_samples),
    OpInfo("minimum", _alias("minimum"), extremum_binary_samples),
    OpInfo("fmax", _alias("fmax"), extremum_binary_samples),
    OpInfo("fmin", _alias("fmin"), extremum_binary_samples),
    OpInfo("lerp", _alias("lerp"), lerp_samples, complex=True),
    OpInfo("addcmul", _alias("addcmul"), addc_samples(False), complex=True),
    OpInfo("addcdiv", _alias("addcdiv"), addc_samples(True), complex=True),
    OpInfo("nan_to_num", _alias("nan_to_num"), nan_to_num_samples),
    # complex numbers ----------------------------------------------------------------
    OpInfo("angle", _alias("angle"), angle_samples, complex=True),
    OpInfo("complex", _alias("complex"), parts_samples),
    OpInfo("polar", _alias("polar"), parts_samples, domain=(0.2, 3.0)),
    # (PyTorch's own backward fails for empty inputs: a stride-0 gradient can't be viewed)
    OpInfo("view_as_real", _alias("view_as_real"), nonempty_unary_samples, dtypes=(C64, C128)),
    OpInfo("view_as_complex", _alias("view_as_complex"), as_complex_samples),
    OpInfo("view_as_real_roundtrip",
           lambda lib, x: lib.view_as_complex(lib.view_as_real(x) * 2),
           nonempty_unary_samples, covers=("view_as_real", "view_as_complex"), dtypes=(C128,)),
    # more of torch.* --------------------------------------------------------------
    OpInfo("logaddexp2", _alias("logaddexp2"), tensor_binary_samples, **BINARY_REAL),
    OpInfo("sinc", _alias("sinc"), lambda m: unary_samples(m) + [
        S(m.of([0.0, 0.5, -1.5]), desc="at 0", edge=True,
          differs=NAN_IN_DISCARDED_BRANCH)]),
    OpInfo("copysign", _alias("copysign"), lambda m: binary_samples(m, -1.5) + [
        S(m.of([0.0, -1.0, 2.0]), m.of([1.0, 1.0, -1.0]), desc="zero magnitude", edge=True)]),
    OpInfo("deg2rad", _alias("deg2rad"), unary_samples, domain=(-180.0, 180.0)),
    OpInfo("rad2deg", _alias("rad2deg"), unary_samples),
    OpInfo("float_power", _alias("float_power"), lambda m: [
        S(m(2, 3), 2), S(m(2, 3), 0.5), S(m(2, 3), m(2, 3)), S(1.5, m(2, 3)),
        S(m.T(3, 2), m(2), desc="transposed view, broadcast")], domain=(0.2, 2.0), complex=True),
    OpInfo("positive", _alias("positive"), unary_samples, complex=True),
]  # fmt: skip
