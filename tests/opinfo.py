"""The op database: one entry per public differentiable op, with sample inputs.

An entry says how to call the op in either library (``op(lib, *args, **kwargs)`` with
``lib`` being ``retrograd`` or ``torch``, whose APIs are the same), which public names it
exercises, the dtypes it is tested in, the value range its samples are drawn from (its
domain), which derivative modes to check, tolerances and explained expected failures.

Samples are built from NumPy values so both libraries get identical inputs. A tensor
argument is an :class:`Arg`; ``transposed`` makes it the ``.mT`` view of a contiguous leaf,
so ops also see non-contiguous inputs. Gradients are always taken w.r.t. the leaves.
Samples at kinks (relu/abs at 0, clamp at its bounds, ties of max) are marked ``edge``:
they are compared with PyTorch but left out of finite-difference checks, where the
one-sided limits disagree.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

F32, F64, C64, C128 = (np.dtype(d) for d in ("float32", "float64", "complex64", "complex128"))
REAL = (F32, F64)


@dataclass(frozen=True)
class Arg:
    """A tensor argument: its (logical) value and how the leaf behind it is made."""

    value: np.ndarray
    requires_grad: bool = True
    transposed: bool = False  # the .mT view of a contiguous leaf holding value.mT


@dataclass(frozen=True)
class Dtype:
    """A dtype argument, resolved as ``getattr(lib, name)`` in either library."""

    name: str


@dataclass
class Sample:
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    desc: str = ""
    edge: bool = False  # at a non-differentiable point: no finite differences
    # test name -> why this sample's result knowingly differs from PyTorch's; the test
    # then requires the difference, so the note goes once the results agree
    differs: dict[str, str] = field(default_factory=dict)


def S(*args: Any, desc: str = "", edge: bool = False, differs: dict[str, str] | None = None,
      **kwargs: Any) -> Sample:  # noqa: N802  # fmt: skip
    return Sample(args, kwargs, desc, edge, differs or {})


class Maker:
    """Makes sample arguments of one dtype from one seeded generator."""

    def __init__(self, rng: np.random.Generator, dtype: np.dtype, low: float, high: float):
        self.rng, self.dtype, self.low, self.high = rng, dtype, low, high

    def _draw(self, shape: tuple[int, ...], low: float | None, high: float | None) -> np.ndarray:
        lo = self.low if low is None else low
        hi = self.high if high is None else high
        arr = self.rng.uniform(lo, hi, shape)
        if self.dtype.kind == "c":
            arr = arr + 1j * self.rng.uniform(lo, hi, shape)
        return arr.astype(self.dtype)

    def __call__(self, *shape: int, low: float | None = None, high: float | None = None,
                 rg: bool = True) -> Arg:  # fmt: skip
        return Arg(self._draw(shape, low, high), requires_grad=rg)

    def T(self, *shape: int, low: float | None = None, high: float | None = None) -> Arg:  # noqa: N802
        """A transposed (non-contiguous) view with logical shape ``shape``."""
        return Arg(self._draw(shape, low, high), transposed=True)

    def of(self, values: Any, rg: bool = True) -> Arg:
        """Fixed values (edges), in this maker's dtype."""
        return Arg(np.asarray(values).astype(self.dtype), requires_grad=rg)

    def no_ties(self, *shape: int) -> Arg:
        """Distinct values, so max/min and sorting are differentiable everywhere."""
        n = int(np.prod(shape))
        vals = (self.rng.permutation(n) - n / 2) / 2 + self.rng.uniform(0, 0.1, n)
        return Arg(vals.reshape(shape).astype(self.dtype))


def idx(values: Any) -> Arg:
    """An int64 index tensor."""
    return Arg(np.asarray(values, np.int64), requires_grad=False)


def mask(values: Any) -> Arg:
    """A bool tensor."""
    return Arg(np.asarray(values, bool), requires_grad=False)


@dataclass
class OpInfo:
    name: str
    op: Callable[..., Any]
    samples: Callable[[Maker], list[Sample]]
    covers: tuple[str, ...] = ()  # public functions, methods and properties exercised
    complex: bool = False  # PyTorch supports complex inputs: also test complex128
    dtypes: tuple[np.dtype, ...] = REAL
    domain: tuple[float, float] = (-2.0, 2.0)
    grad: bool = True
    gradgrad: bool = True
    fwgrad: bool = True
    gradgradcheck: bool = True  # finite differences of the gradient (needs double outputs)
    gradcheck_kw: dict[str, float] = field(default_factory=dict)  # e.g. a larger eps
    tol: dict[np.dtype, tuple[float, float]] = field(default_factory=dict)  # (rtol, atol)
    # test name, or test name-dtype, -> why PyTorch's behaviour is not matched
    xfail: dict[str, str] = field(default_factory=dict)
    # "gradgrad" or "fwgrad" -> why PyTorch gives no usable reference in that mode (not
    # implemented, no tangent, or off its own finite differences): ours is compared with
    # central differences of PyTorch's lower-order results instead
    pytorch_lacks: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.covers = self.covers or (self.name,)
        if self.complex and C128 not in self.dtypes:
            self.dtypes = self.dtypes + (C128,)

    def make_samples(self, dtype: np.dtype) -> list[Sample]:
        rng = np.random.default_rng(zlib.crc32(f"{self.name}-{dtype}".encode()))
        return self.samples(Maker(rng, np.dtype(dtype), *self.domain))

    def tolerance(self, dtype: np.dtype) -> tuple[float, float]:
        default = {F32: (1e-4, 1e-5), C64: (1e-4, 1e-5)}.get(dtype, (1e-7, 1e-9))
        return self.tol.get(dtype, default)


# ------------------------------------------------------------------------- samples
def binary_samples(m: Maker, scalar: float = 1.5) -> list[Sample]:
    return [
        S(m(2, 3), m(2, 3)),
        S(m(2, 1, 3), m(4, 3), desc="broadcast both"),
        S(m(), m(2, 3), desc="0-d and 2-d"),
        S(m(2, 3), m(), desc="2-d and 0-d"),
        S(m(), m(), desc="0-d"),
        S(m.T(3, 2), m(3, 2), desc="transposed view"),
        S(m(0, 3), m(3), desc="empty"),
        S(m(2, 3), scalar, desc="python scalar"),
        S(m(2, 3), m(3, rg=False), desc="constant other"),
    ]


def unary_samples(m: Maker) -> list[Sample]:
    return [S(m(2, 3)), S(m()), S(m(0, 2), desc="empty"), S(m.T(3, 4), desc="transposed view")]


def reduce_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3, 4)),
        S(m(2, 3, 4), dim=1),
        S(m(2, 3, 4), dim=-1, keepdim=True),
        S(m(2, 3, 4), dim=(0, 2)),
        S(m(2, 3, 4), dim=(0, -1), keepdim=True),
        S(m(), desc="0-d"),
        S(m(), dim=0, desc="0-d with dim"),
        S(m.T(3, 4), dim=0, desc="transposed view"),
    ]


def extreme_samples(m: Maker) -> list[Sample]:
    """amax/amin: no ties except in the edge samples, which tie on purpose."""
    ties = [[1.0, 3.0, 3.0], [2.0, 2.0, -1.0]]
    return [
        S(m.no_ties(2, 3, 4)),
        S(m.no_ties(2, 3, 4), dim=1),
        S(m.no_ties(2, 3, 4), dim=(0, 2), keepdim=True),
        S(m.no_ties(2, 3, 4), dim=-1),
        S(m.no_ties(), desc="0-d"),
        S(m.no_ties(2, 0), dim=0, desc="empty, non-empty dim reduced"),
        S(m.of(ties), desc="ties, all", edge=True),
        S(m.of(ties), dim=1, desc="ties, dim", edge=True),
        S(m.of(ties), dim=0, keepdim=True, desc="ties, dim 0", edge=True),
    ]


def max_dim_samples(m: Maker) -> list[Sample]:
    ties = [[1.0, 3.0, 3.0], [2.0, 2.0, -1.0]]
    return [
        S(m.no_ties(2, 3, 4), dim=1),
        S(m.no_ties(2, 3, 4), dim=-1, keepdim=True),
        S(m.no_ties(), dim=0, desc="0-d"),
        S(m.no_ties(4), dim=0),
        S(m.of(ties), dim=1, desc="ties", edge=True),
    ]


def max_binary_samples(m: Maker) -> list[Sample]:
    return [
        S(m.no_ties(2, 3), m.no_ties(2, 3)),
        S(m.no_ties(2, 1, 3), m.no_ties(3), desc="broadcast"),
        S(m.of([1.0, 2.0, 3.0]), m.of([1.0, 0.0, 3.0]), desc="ties", edge=True),
        S(m.of([1.0, np.nan, 3.0]), m.of([1.0, 0.0, np.nan]), desc="NaN", edge=True),
    ]


def matmul_samples(m: Maker) -> list[Sample]:
    return [
        S(m(3), m(3), desc="1x1 dot"),
        S(m(2, 3), m(3), desc="2x1 mv"),
        S(m(3), m(3, 2), desc="1x2"),
        S(m(2, 3), m(3, 4), desc="2x2 mm"),
        S(m(2, 2, 3), m(2, 3, 4), desc="3x3 batched"),
        S(m(2, 2, 3), m(3, 4), desc="3x2 broadcast"),
        S(m(2, 3), m(2, 3, 4), desc="2x3 broadcast"),
        S(m(2, 1, 2, 3), m(3, 3, 2), desc="4x3 broadcast"),
        S(m(3), m(2, 3, 2), desc="1x3"),
        S(m(2, 2, 3), m(3), desc="3x1"),
        S(m.T(2, 3), m.T(3, 2), desc="transposed views"),
        S(m(0, 3), m(3, 2), desc="empty rows"),
        S(m(2, 0), m(0, 3), desc="empty inner dim"),
    ]


def pow_scalar_samples(m: Maker) -> list[Sample]:
    pos = dict(low=0.2, high=2.0)
    return [
        S(m(2, 3), 2, desc="square"),
        S(m(2, 3), 3),
        S(m(2, 3, **pos), 0.5, desc="sqrt"),
        S(m(2, 3, **pos), -1.5),
        S(m(2, 3), 1),
        S(m(2, 3), 0, desc="x ** 0"),
        S(m(**pos), 2.5 if m.dtype.kind != "c" else 2, desc="0-d"),
        S(m.T(3, 2), 2, desc="transposed view"),
        S(m.of([0.0, 1.0, -1.0]), 2, desc="zero base, exponent 2", edge=True),
        S(m.of([0.0, 1.0]), 0, desc="zero base, exponent 0", edge=True),
        S(m.of([0.0, 1.0]), 0.5, desc="zero base, exponent 0.5", edge=True),
        S(m.of([0.0, 2.0]), 1, desc="zero base, exponent 1", edge=True),
    ]


def rpow_samples(m: Maker) -> list[Sample]:
    samples = [
        S(2.0, m(2, 3)),
        S(0.5, m(2, 3)),
        S(3, m(), desc="0-d"),
        S(2.0, m.T(3, 2), desc="transposed view"),
    ]
    if m.dtype.kind == "c":  # PyTorch's complex 0 ** 0 is nan (exp(0 * log 0)), NumPy's 1
        return samples
    return samples + [S(0.0, m.of([0.0, 1.0, 2.0]), desc="zero base", edge=True)]


# PyTorch's rules for these edges divide by zero in a branch that where() then discards;
# the discarded inf still meets a zero in the next backward and makes nan. retrograd's
# rules mask before dividing, so their second derivatives there are finite.
NAN_IN_DISCARDED_BRANCH = {
    "test_second_derivatives_match_pytorch": "PyTorch's second derivative is nan here: its "
    "rule computes inf in the branch that where() discards; retrograd masks first",
}


def sgn_samples(m: Maker) -> list[Sample]:
    at_zero = NAN_IN_DISCARDED_BRANCH if m.dtype.kind == "c" else {}
    return unary_samples(m) + [
        S(m.of([-1.0, 0.0, 2.0]), edge=True, desc="at 0", differs=at_zero),
    ]


def pow_tensor_samples(m: Maker) -> list[Sample]:
    pos = dict(low=0.2, high=2.0)
    return [
        S(m(2, 3, **pos), m(2, 3)),
        S(m(2, 1, 3, **pos), m(3), desc="broadcast"),
        S(m(**pos), m(2, 3), desc="0-d base"),
        S(m.T(3, 2, **pos), m(3, 2), desc="transposed view"),
    ] + (
        []
        if m.dtype.kind == "c"
        else [  # PyTorch's complex 0 ** 0 is nan, NumPy's 1
            S(
                m.of([0.0, 0.0, 0.0, 2.0]),
                m.of([0.0, 1.0, 2.0, 0.0]),
                desc="zero base",
                edge=True,
                differs=NAN_IN_DISCARDED_BRANCH,
            ),
        ]
    )


def clamp_scalar_samples(m: Maker) -> list[Sample]:
    at = [[-1.0, -0.5, 0.5], [1.0, 0.0, 2.0]]
    return [
        S(m(2, 3), min=-0.5, max=0.7),
        S(m(2, 3), min=-0.5),
        S(m(2, 3), max=0.5),
        S(m(), min=-1.0, max=1.0, desc="0-d"),
        S(m.T(3, 2), min=0.0, max=0.5, desc="transposed view"),
        S(m.of(at), min=-0.5, max=1.0, desc="exactly at the bounds", edge=True),
        S(m.of(at), min=1.0, max=-0.5, desc="min above max", edge=True),
    ]


def clamp_tensor_samples(m: Maker) -> list[Sample]:
    at = [[-1.0, -0.5, 0.5], [1.0, 0.0, 2.0]]
    return [
        S(m(2, 3), m(2, 3, low=-2, high=-0.5), m(2, 3, low=0.5, high=2)),
        S(m(2, 3), m(3, low=-2, high=-0.5), m(2, 1, low=0.5, high=2), desc="broadcast"),
        S(m(2, 3), m(2, 3), None, desc="min only"),
        S(m(2, 3), None, m(2, 3), desc="max only"),
        S(m.of(at), m.of(-0.5), m.of(1.0), desc="exactly at the bounds", edge=True),
        S(m(2, 3), m.of(1.0), m.of(-0.5), desc="min above max", edge=True),
    ]


def where_samples(m: Maker) -> list[Sample]:
    cond = mask([[True, False, True], [False, False, True]])
    return [
        S(cond, m(2, 3), m(2, 3)),
        S(cond, m(3), m(2, 1), desc="broadcast"),
        S(mask(True), m(), m(2, 3), desc="0-d"),
        S(cond, m(2, 3), 0.0, desc="python scalar other"),
        S(cond, m.T(2, 3), m(2, 3, rg=False), desc="transposed view"),
    ]


def masked_fill_samples(m: Maker) -> list[Sample]:
    mk = mask([[True, False, True], [False, False, True]])
    return [
        S(m(2, 3), mk, 0.5),
        S(m(2, 2, 3), mask([False, True, True]), -1.0, desc="broadcast mask"),
        S(m(2, 3), mk, m(), desc="0-d tensor value requiring grad"),
        S(m.T(2, 3), mk, 2.0, desc="transposed view"),
    ]


def getitem_samples(m: Maker) -> list[Sample]:
    return [
        S(m(4, 3), 1, desc="int"),
        S(m(4, 3), -1, desc="negative int"),
        S(m(4, 3), slice(1, 3), desc="slice"),
        S(m(5, 3), (slice(None, None, 2), 1), desc="step and int"),
        S(m(4, 3), (None, Ellipsis, 0), desc="None and Ellipsis"),
        S(m(4, 3), [0, 2, 0, 0], desc="list with repeated indices"),
        S(m(4, 3), idx([[1, 1], [3, 0]]), desc="int tensor with repeats"),
        S(m(4, 3), (idx([0, 0, 3]), idx([2, 2, 1])), desc="two int tensors"),
        S(m(4, 3), (slice(None), idx([2, 0, 2])), desc="slice and int tensor"),
        S(m(2, 3), mask([[True, False, True], [False, False, True]]), desc="bool mask"),
        S(m(2, 3), mask([False, True]), desc="bool mask on rows"),
        S(m.T(4, 3), (slice(1, None), idx([0, 0])), desc="transposed view"),
        S(m(4, 3), slice(2, 2), desc="empty slice"),
        S(m(4, 3), idx(np.zeros(0, np.int64)), desc="empty int tensor"),
        S(m(), (), desc="0-d, empty tuple"),
        S(m(), None, desc="0-d, None"),
    ]


def cat_samples(m: Maker) -> list[Sample]:
    return [
        S([m(2, 3), m(1, 3)]),
        S([m(2, 3), m(2, 2), m(2, 1)], dim=-1),
        S([m(2, 3), m(0)], desc="legacy empty 1-D skipped"),
        S([m(3), m(3, rg=False), m(2)], desc="constant member"),
        S([m.T(2, 3), m(2, 3)], dim=1, desc="transposed view"),
    ]


def stack_samples(m: Maker) -> list[Sample]:
    return [
        S([m(2, 3), m(2, 3)]),
        S([m(2, 3), m.T(2, 3), m(2, 3)], dim=-1),
        S([m(), m()], desc="0-d"),
        S([m(0, 2), m(0, 2)], dim=1, desc="empty"),
    ]


# ----------------------------------------------------------------------- the database
def _alias(name: str, **kw: Any) -> Callable[..., Any]:
    return lambda lib, *a, **k: getattr(lib, name)(*a, **{**kw, **k})


def _method(name: str) -> Callable[..., Any]:
    return lambda lib, x, *a, **k: getattr(x, name)(*a, **k)


def _prop(name: str) -> Callable[..., Any]:
    return lambda lib, x: getattr(x, name)


def _unary(name: str, *, covers: tuple[str, ...] = (), **kw: Any) -> OpInfo:
    return OpInfo(name, _alias(name), unary_samples, covers=covers, **kw)


def _binary(name: str, *, covers: tuple[str, ...] = (), **kw: Any) -> OpInfo:
    return OpInfo(name, _alias(name), binary_samples, covers=covers, **kw)


POSITIVE = (0.2, 2.0)
# Casts to half, bfloat16 or float32 round a 1e-6 perturbation away: the identity they
# compute is checked with a perturbation of 0.1 instead. Their gradient functions take
# low-precision grad_outputs, which finite differences can't resolve: no gradgradcheck
# (their second derivatives, all zero, are still compared with PyTorch's).
LOW_PRECISION: dict[str, Any] = dict(
    gradcheck_kw=dict(eps=0.1, atol=0.05, rtol=0.05), gradgradcheck=False
)

op_db: list[OpInfo] = [
    # arithmetic ---------------------------------------------------------------
    _binary("add", covers=("add",), complex=True),
    OpInfo(
        "add_alpha",
        lambda lib, a, b: lib.add(a, b, alpha=-2.5),
        binary_samples,
        covers=("add",),
        complex=True,
    ),
    OpInfo(
        "add_operator", lambda lib, a, b: a + b, binary_samples, covers=("__add__",), complex=True
    ),
    OpInfo("radd", lambda lib, a: 2.5 + a, unary_samples, covers=("__radd__",), complex=True),
    _binary("sub", covers=("sub", "subtract", "__sub__"), complex=True),
    OpInfo(
        "sub_alpha",
        lambda lib, a, b: lib.sub(a, b, alpha=0.5),
        binary_samples,
        covers=("sub",),
        complex=True,
    ),
    OpInfo("rsub", lambda lib, a, b: lib.rsub(a, b), binary_samples, complex=True),
    OpInfo(
        "rsub_operator", lambda lib, a: 2.5 - a, unary_samples, covers=("__rsub__",), complex=True
    ),
    _binary("mul", covers=("mul", "multiply", "__mul__"), complex=True),
    OpInfo("rmul", lambda lib, a: 1.5 * a, unary_samples, covers=("__rmul__",), complex=True),
    OpInfo(
        "div",
        _alias("div"),
        lambda m: binary_samples(m, 2.5),
        covers=("div", "divide", "true_divide", "__truediv__"),
        complex=True,
        domain=POSITIVE,
    ),
    OpInfo(
        "rdiv",
        lambda lib, a: 2.5 / a,
        unary_samples,
        covers=("__rtruediv__",),
        complex=True,
        domain=POSITIVE,
    ),
    _unary("neg", covers=("neg", "negative", "__neg__"), complex=True),
    OpInfo("pos", lambda lib, a: +a, unary_samples, covers=("__pos__",), complex=True),
    OpInfo(
        "pow_scalar", _alias("pow"), pow_scalar_samples, covers=("pow", "__pow__"), complex=True
    ),
    OpInfo("pow_operator", lambda lib, a, e: a**e, pow_scalar_samples, covers=("__pow__",)),
    OpInfo("rpow", lambda lib, b, e: b**e, rpow_samples, covers=("__rpow__", "pow"), complex=True),
    OpInfo("pow_tensor", _alias("pow"), pow_tensor_samples, covers=("pow",), complex=True),
    _unary("square", complex=True),
    # elementwise functions ----------------------------------------------------
    _unary("exp", complex=True),
    _unary("log", complex=True, domain=POSITIVE),
    _unary("sqrt", complex=True, domain=POSITIVE),
    OpInfo(
        "sqrt_at_zero", _alias("sqrt"), lambda m: [S(m.of([0.0, 1.0]), edge=True)], covers=("sqrt",)
    ),
    _unary("sin", complex=True),
    _unary("cos", complex=True),
    _unary("tanh", complex=True),
    _unary("sigmoid", complex=True),
    OpInfo(
        "relu",
        _alias("relu"),
        lambda m: unary_samples(m) + [S(m.of([-1.0, 0.0, 2.0]), edge=True, desc="at 0")],
    ),
    OpInfo(
        "abs",
        _alias("abs"),
        lambda m: unary_samples(m) + [S(m.of([-1.0, 0.0, 2.0]), edge=True, desc="at 0")],
        covers=("abs", "absolute", "__abs__"),
        complex=True,
    ),
    OpInfo(
        "sign",
        _alias("sign"),
        lambda m: unary_samples(m) + [S(m.of([-1.0, 0.0, 2.0]), edge=True, desc="at 0")],
    ),
    OpInfo("sgn", _alias("sgn"), sgn_samples, complex=True),
    OpInfo("clamp_scalar", _alias("clamp"), clamp_scalar_samples, covers=("clamp", "clip")),
    OpInfo(
        "clamp_min",
        lambda lib, x: lib.clamp_min(x, -0.5),
        lambda m: unary_samples(m) + [S(m.of([-0.5, 1.0]), edge=True, desc="at min")],
    ),
    OpInfo(
        "clamp_max",
        lambda lib, x: lib.clamp_max(x, 0.5),
        lambda m: unary_samples(m) + [S(m.of([0.5, -1.0]), edge=True, desc="at max")],
    ),
    OpInfo(
        "clamp_tensor",
        lambda lib, x, lo, hi: lib.clamp(x, lo, hi),
        clamp_tensor_samples,
        covers=("clamp", "clip"),
    ),
    OpInfo("where", _alias("where"), where_samples, complex=True),
    OpInfo("where_method", lambda lib, c, a, b: a.where(c, b), where_samples, covers=("where",)),
    OpInfo("masked_fill", _alias("masked_fill"), masked_fill_samples, complex=True),
    OpInfo("clone", _alias("clone"), unary_samples, complex=True),
    OpInfo("contiguous", _method("contiguous"), unary_samples, complex=True),
    OpInfo(
        "to",
        lambda lib, x, dt: x.to(getattr(lib, dt.name)),
        lambda m: [
            S(m(2, 3), Dtype("float64")),
            S(m(2, 3), Dtype("float32")),
            S(m.T(3, 2), Dtype("complex128"), desc="real to complex"),
            S(m(), Dtype("float16"), desc="to half"),
        ],
        tol={F32: (1e-3, 1e-3), F64: (1e-3, 1e-3)},
        **LOW_PRECISION,
    ),
    OpInfo(
        "casts",
        lambda lib, x: (x.double(), x.float(), x.half(), x.bfloat16(), x.cdouble(), x.cfloat()),
        unary_samples,
        covers=("double", "float", "half", "bfloat16", "cdouble", "cfloat"),
        tol={F32: (1e-2, 1e-2), F64: (1e-2, 1e-2)},
        **LOW_PRECISION,
    ),
    # complex views ------------------------------------------------------------
    OpInfo("conj", _alias("conj"), unary_samples, complex=True),
    OpInfo("real", _alias("real"), unary_samples, complex=True),
    OpInfo("real_property", _prop("real"), unary_samples, covers=("real",), complex=True),
    OpInfo("imag", _alias("imag"), unary_samples, dtypes=(C64, C128)),
    OpInfo("imag_property", _prop("imag"), unary_samples, covers=("imag",), dtypes=(C64, C128)),
    # reductions ---------------------------------------------------------------
    OpInfo(
        "sum",
        _alias("sum"),
        lambda m: (
            reduce_samples(m) + [S(m(0, 3), desc="empty"), S(m(0, 3), dim=0, desc="empty, dim")]
        ),
        complex=True,
    ),
    OpInfo(
        "sum_dtype", lambda lib, x: lib.sum(x, dtype=lib.float64), unary_samples, covers=("sum",)
    ),
    OpInfo(
        "mean",
        _alias("mean"),
        lambda m: (
            reduce_samples(m)
            + [S(m(0, 3), desc="empty: nan"), S(m(0, 3), dim=1, desc="empty, non-empty dim")]
        ),
        complex=True,
    ),
    OpInfo("amax", _alias("amax"), extreme_samples),
    OpInfo("amin", _alias("amin"), extreme_samples),
    OpInfo(
        "max_reduce",
        _alias("max"),
        lambda m: (
            extreme_samples(m)[:1]
            + [
                S(m.no_ties(), desc="0-d"),
                S(m.of([[1.0, 3.0], [3.0, 0.0]]), desc="ties", edge=True),
            ]
        ),
        covers=("max",),
    ),
    OpInfo(
        "min_reduce",
        _alias("min"),
        lambda m: (
            extreme_samples(m)[:1]
            + [
                S(m.no_ties(), desc="0-d"),
                S(m.of([[1.0, -3.0], [-3.0, 0.0]]), desc="ties", edge=True),
            ]
        ),
        covers=("min",),
    ),
    OpInfo("max_dim", _alias("max"), max_dim_samples, covers=("max",)),
    OpInfo("min_dim", _alias("min"), max_dim_samples, covers=("min",)),
    OpInfo("max_binary", _alias("max"), max_binary_samples, covers=("max",)),
    OpInfo("min_binary", _alias("min"), max_binary_samples, covers=("min",)),
    # products -----------------------------------------------------------------
    OpInfo("matmul", _alias("matmul"), matmul_samples, complex=True),
    OpInfo(
        "matmul_operator",
        lambda lib, a, b: a @ b,
        matmul_samples,
        covers=("__matmul__",),
        complex=True,
    ),
    OpInfo(
        "mm",
        _alias("mm"),
        lambda m: [
            s
            for s in matmul_samples(m)
            if "2x2" in s.desc or "transposed" in s.desc or "empty" in s.desc
        ],
        complex=True,
    ),
    # shapes and views ----------------------------------------------------------
    OpInfo(
        "reshape",
        lambda lib, x, *s: lib.reshape(x, s),
        lambda m: [
            S(m(2, 3), 3, 2),
            S(m(2, 3), -1),
            S(m(1), desc="to 0-d"),
            S(m(), 1, 1, desc="from 0-d"),
            S(m.T(2, 3), 6, desc="of a view (copy)"),
            S(m(0, 3), 3, 0, desc="empty"),
        ],
        complex=True,
    ),
    OpInfo(
        "reshape_method",
        lambda lib, x, *s: x.reshape(*s),
        lambda m: [S(m(2, 3), 3, -1), S(m(4), 2, 2)],
        covers=("reshape",),
    ),
    OpInfo(
        "view",
        lambda lib, x, *s: x.view(*s),
        lambda m: [S(m(2, 3), 3, 2), S(m(2, 3), -1), S(m(1), ()), S(m(), 1)],
        complex=True,
    ),
    OpInfo("view_as", lambda lib, x, y: x.view_as(y), lambda m: [S(m(2, 3), m(3, 2, rg=False))]),
    OpInfo(
        "reshape_as", lambda lib, x, y: x.reshape_as(y), lambda m: [S(m.T(2, 3), m(6, rg=False))]
    ),
    OpInfo(
        "transpose",
        _alias("transpose"),
        lambda m: [S(m(2, 3, 4), 0, 2), S(m(2, 3), -1, 0), S(m(3), 0, 0)],
        covers=("transpose", "swapaxes", "swapdims"),
        complex=True,
    ),
    OpInfo("swapaxes", _alias("swapaxes"), lambda m: [S(m(2, 3, 4), 1, 2)]),
    OpInfo("swapdims", _alias("swapdims"), lambda m: [S(m.T(2, 3), 0, 1)]),
    OpInfo(
        "permute",
        lambda lib, x, d: lib.permute(x, d),
        lambda m: [S(m(2, 3, 4), (2, 0, 1)), S(m(2, 3), (-1, 0)), S(m(), ())],
        complex=True,
    ),
    OpInfo(
        "permute_method",
        lambda lib, x, *d: x.permute(*d),
        lambda m: [S(m(2, 3, 4), 1, 2, 0)],
        covers=("permute",),
    ),
    OpInfo(
        "squeeze",
        _alias("squeeze"),
        lambda m: [
            S(m(1, 3, 1)),
            S(m(1, 3, 1), dim=0),
            S(m(1, 3, 1), dim=-1),
            S(m(2, 3), dim=0, desc="dim not of size 1"),
            S(m(1, 3, 1), dim=(0, 2)),
            S(m()),
        ],
        complex=True,
    ),
    OpInfo(
        "unsqueeze",
        _alias("unsqueeze"),
        lambda m: [S(m(2, 3), 0), S(m(2, 3), -1), S(m(), 0), S(m.T(2, 3), 1)],
        complex=True,
    ),
    OpInfo(
        "expand",
        lambda lib, x, *s: x.expand(*s),
        lambda m: [S(m(3, 1), 3, 4), S(m(3, 1), 2, -1, 4), S(m(), 2, 3), S(m(1, 3), 0, 3)],
        complex=True,
    ),
    OpInfo(
        "expand_as", lambda lib, x, y: x.expand_as(y), lambda m: [S(m(3, 1), m(2, 3, 4, rg=False))]
    ),
    OpInfo("broadcast_to", _alias("broadcast_to"), lambda m: [S(m(3, 1), (2, 3, 4))]),
    OpInfo(
        "flatten",
        _alias("flatten"),
        lambda m: [
            S(m(2, 3, 4)),
            S(m(2, 3, 4), start_dim=1),
            S(m(2, 3, 4), 0, 1),
            S(m()),
            S(m.T(3, 2)),
        ],
        complex=True,
    ),
    OpInfo("T", _prop("T"), lambda m: [S(m(2, 3)), S(m(3)), S(m(2, 3, 4))], complex=True),
    OpInfo("mT", _prop("mT"), lambda m: [S(m(2, 3)), S(m(2, 3, 4))], complex=True),
    OpInfo("H", _prop("H"), lambda m: [S(m(2, 3)), S(m.T(3, 2))], complex=True),
    OpInfo("mH", _prop("mH"), lambda m: [S(m(2, 3)), S(m(2, 3, 4))], complex=True),
    OpInfo("t", _alias("t"), lambda m: [S(m(2, 3)), S(m(3)), S(m())], complex=True),
    OpInfo(
        "getitem", lambda lib, x, i: x[i], getitem_samples, covers=("__getitem__",), complex=True
    ),
    OpInfo(
        "cat", _alias("cat"), cat_samples, covers=("cat", "concat", "concatenate"), complex=True
    ),
    OpInfo("stack", _alias("stack"), stack_samples, complex=True),
    OpInfo(
        "gather",
        _alias("gather"),
        lambda m: [
            S(m(3, 4), 1, idx([[0, 0, 3], [1, 2, 1], [3, 3, 3]])),
            S(m(3, 4), 0, idx([[2, 2, 0, 1]])),
            S(m.T(4, 3), -1, idx([[1], [1], [0], [2]])),
        ],
        complex=True,
    ),
    OpInfo(
        "flip",
        _alias("flip"),
        lambda m: [S(m(2, 3), (0,)), S(m(2, 3, 4), (0, 2)), S(m(2, 3), [-1]), S(m(0, 3), (1,))],
        complex=True,
    ),
    OpInfo(
        "select",
        _alias("select"),
        lambda m: [S(m(3, 4), 0, 1), S(m(3, 4), -1, -2), S(m.T(3, 4), 1, 0)],
        complex=True,
    ),
    OpInfo(
        "narrow",
        _alias("narrow"),
        lambda m: [S(m(4, 3), 0, 1, 2), S(m(4, 3), -1, 0, 3), S(m(4, 3), 1, 2, 0)],
        complex=True,
    ),
    OpInfo(
        "unbind",
        _alias("unbind"),
        lambda m: [S(m(3, 2)), S(m(3, 2), 1), S(m.T(2, 3), -1)],
        complex=True,
    ),
]

# The rest of the catalogue: one file per area, each a list of entries built with the
# helpers above (imported here last, so those helpers exist when the area files load).
from opinfo_edges import add_edge_samples  # noqa: E402
from opinfo_elementwise import op_db_elementwise  # noqa: E402
from opinfo_linalg import op_db_linalg  # noqa: E402
from opinfo_nn import op_db_nn  # noqa: E402
from opinfo_reduce import op_db_reduce  # noqa: E402
from opinfo_shape import op_db_shape  # noqa: E402

add_edge_samples(op_db_reduce, op_db_linalg, op_db_shape)
op_db += op_db_elementwise + op_db_reduce + op_db_linalg + op_db_shape + op_db_nn

op_by_name = {op.name: op for op in op_db}
assert len(op_by_name) == len(op_db), "op names must be unique"
