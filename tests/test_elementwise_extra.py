"""Elementwise ops beyond the op database: non-differentiable results (tests of values, bit
shifts), integer dtype rules, special functions over wide ranges, in-place forms, views,
node names and bad input; each against PyTorch on the same inputs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
from _torch_compare import assert_close

NAN, INF = float("nan"), float("inf")


def both(values: Any, dtype: str = "float64", requires_grad: bool = False) -> tuple[Any, Any]:
    arr = np.asarray(values, dtype=dtype)
    return (rg.from_numpy(arr.copy()).requires_grad_(requires_grad),
            torch.from_numpy(arr.copy()).requires_grad_(requires_grad))  # fmt: skip


def same(fn: Callable[[Any, Any, Any], Any], *values: Any, dtype: str = "float64") -> None:
    """``fn(lib, *tensors)`` gives the same values and dtype in both libraries."""
    pairs = [both(v, dtype) for v in values]
    ours = fn(rg, *(p[0] for p in pairs))
    theirs = fn(torch, *(p[1] for p in pairs))
    if isinstance(theirs, bool):
        assert ours is theirs
        return
    assert_close(ours, theirs, rtol=0, atol=0)


# ----------------------------------------------------------- tests of values and bits
FLOATS = [0.0, -0.0, 1.0, -1.5, INF, -INF, NAN, 1e-300]


@pytest.mark.parametrize("name", ["isinf", "isfinite", "isposinf", "isneginf", "isnan"])
@pytest.mark.parametrize("dtype", ["float32", "int64", "complex128"])
def test_value_predicates_match_pytorch(name: str, dtype: str) -> None:
    if dtype == "complex128" and name in ("isposinf", "isneginf"):
        pytest.skip("PyTorch defines isposinf/isneginf for real inputs only")
    vals = [0, 3, -2] if dtype == "int64" else FLOATS
    if dtype == "complex128":
        vals = [complex(v, w) for v, w in zip(FLOATS, FLOATS[::-1])]
    same(lambda lib, x: getattr(lib, name)(x), vals, dtype=dtype)
    same(lambda lib, x: getattr(x, name)(), vals, dtype=dtype)


def test_signbit_matches_pytorch() -> None:
    same(lambda lib, x: lib.signbit(x), FLOATS)
    same(lambda lib, x: x.signbit(), [3, -2, 0], dtype="int64")


def test_isreal_matches_pytorch() -> None:
    same(lambda lib, x: lib.isreal(x), [1 + 0j, 1 + 1j, complex(NAN, 0)], dtype="complex128")
    same(lambda lib, x: x.isreal(), [1.0, NAN], dtype="float32")


@pytest.mark.parametrize("kw", [{}, dict(rtol=0.1), dict(atol=0.5), dict(equal_nan=True)])
def test_isclose_and_allclose_match_pytorch(kw: dict[str, Any]) -> None:
    a = [1.0, 1.0 + 1e-9, 2.0, INF, -INF, NAN, 0.0, 10.0]
    b = [1.0, 1.0, 2.3, INF, INF, NAN, 1e-9, 10.9]
    same(lambda lib, x, y: lib.isclose(x, y, **kw), a, b)
    same(lambda lib, x, y: x.isclose(y, **kw), a, b)
    same(lambda lib, x, y: lib.allclose(x, y, **kw), a, b)
    same(lambda lib, x, y: lib.allclose(x[:2], y[:2], **kw), a, b)
    same(lambda lib, x, y: lib.isclose(x, y, **kw), [1, 5], [1, 6], dtype="int64")


def test_equal_matches_pytorch() -> None:
    same(lambda lib, x, y: lib.equal(x, y), [1.0, 2.0], [1.0, 2.0])
    same(lambda lib, x, y: x.equal(y), [1.0, 2.0], [1.0, 2.5])
    same(lambda lib, x, y: lib.equal(x, y[:1]), [1.0, 2.0], [1.0, 2.0])
    same(lambda lib, x, y: lib.equal(x, y), [NAN], [NAN])


@pytest.mark.parametrize("dtype", ["int64", "int32", "int8", "uint8"])
def test_bit_shifts_match_pytorch_including_counts_beyond_the_width(dtype: str) -> None:
    vals = [5, 7, 1, 100, 3, 0] if dtype == "uint8" else [5, -7, 1, -100, 3, 0]
    counts = [0, 1, 3, 7, 8, 70]
    same(lambda lib, x, s: lib.bitwise_left_shift(x, s), vals, counts, dtype=dtype)
    same(lambda lib, x, s: lib.bitwise_right_shift(x, s), vals, counts, dtype=dtype)
    same(lambda lib, x, s: x << s, vals, counts, dtype=dtype)
    same(lambda lib, x, s: x >> 2, vals, counts, dtype=dtype)
    same(lambda lib, x, s: 1 << s, vals, counts[:4], dtype=dtype)


# ------------------------------------------------------------------ integer dtype rules
INTS = ([7, -7, 7, -7, 0, 9], [2, 2, -2, -2, 3, -4])


@pytest.mark.parametrize(
    "fn",
    [
        lambda lib, a, b: lib.floor_divide(a, b),
        lambda lib, a, b: a // b,
        lambda lib, a, b: lib.remainder(a, b),
        lambda lib, a, b: a % b,
        lambda lib, a, b: lib.fmod(a, b),
        lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"),
        lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
        lambda lib, a, b: lib.remainder(a, -3),
        lambda lib, a, b: lib.fmod(a, 1.5),
        lambda lib, a, b: lib.div(a, 2.5, rounding_mode="floor"),
    ],
)
def test_integer_division_family_keeps_pytorch_dtypes_and_signs(fn: Any) -> None:
    same(fn, *INTS, dtype="int64")
    same(fn, *INTS, dtype="int32")
    same(fn, *INTS, dtype="float32")


@pytest.mark.parametrize(
    "fn",
    [
        lambda lib, x: lib.exp2(x), lambda lib, x: lib.erf(x), lambda lib, x: lib.lgamma(x),
        lambda lib, x: lib.digamma(x), lambda lib, x: lib.polygamma(2, x),
        lambda lib, x: lib.atan2(x, x), lambda lib, x: lib.xlogy(x, 2),
        lambda lib, x: lib.angle(x), lambda lib, x: lib.reciprocal(x), lambda lib, x: x.log1p(),
        lambda lib, x: lib.logit(x), lambda lib, x: lib.floor(x), lambda lib, x: lib.round(x),
        lambda lib, x: lib.trunc(x), lambda lib, x: lib.nan_to_num(x),
        lambda lib, x: lib.maximum(x, x.flip(0)), lambda lib, x: lib.fmin(x, x.flip(0)),
    ],
)  # fmt: skip
def test_integer_inputs_compute_as_pytorch(fn: Any) -> None:
    ours, theirs = fn(rg, rg.tensor([3, -2, 5])), fn(torch, torch.tensor([3, -2, 5]))
    assert_close(ours, theirs, rtol=1e-6, atol=1e-6)


# ------------------------------------------------------------- special functions, wide
def _wide(name: str) -> np.ndarray:
    if name == "erfinv":
        t = np.linspace(-1, 1, 4001)
        return np.concatenate([t, [1 - 1e-15, -1 + 1e-12, 0.999999, 1.5, -2.0, NAN]])
    return np.concatenate([np.linspace(-30, 30, 6001), [1e-8, -1e-8, 1e3, 1e10, -INF, INF, NAN]])


@pytest.mark.parametrize("name", ["erf", "erfc", "erfinv", "lgamma"])
def test_special_functions_over_a_wide_range(name: str) -> None:
    x = _wide(name)
    ours = getattr(rg, name)(rg.from_numpy(x)).numpy()
    theirs = getattr(torch, name)(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-300, equal_nan=True)


def test_digamma_and_polygamma_over_a_wide_range() -> None:
    # away from the poles, where psi and its derivatives are well conditioned
    x = np.concatenate([np.linspace(0.01, 40, 3000), np.linspace(-5.95, -5.05, 50),
                        [1e-8, 1e6, 0.0, -0.0, -3.0]])  # fmt: skip
    ours = rg.digamma(rg.from_numpy(x)).numpy()
    theirs = torch.digamma(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-11, atol=1e-12, equal_nan=True)
    for n in (1, 2, 3, 4):
        ours = rg.polygamma(n, rg.from_numpy(x[:-3])).numpy()
        theirs = torch.polygamma(n, torch.from_numpy(x[:-3])).numpy()
        # PyTorch's own trigamma is good to ~1e-9 (mpmath agrees with ours to 1e-15)
        rtol = 2e-9 if n == 1 else 1e-10
        np.testing.assert_allclose(ours, theirs, rtol=rtol, err_msg=f"polygamma({n})")


# --------------------------------------------------------------------- in-place forms
INPLACE: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("reciprocal_", (), {}), ("rsqrt_", (), {}), ("exp2_", (), {}), ("expm1_", (), {}),
    ("log2_", (), {}), ("log10_", (), {}), ("log1p_", (), {}), ("tan_", (), {}),
    ("asin_", (), {}), ("arcsin_", (), {}), ("acos_", (), {}), ("arccos_", (), {}),
    ("atan_", (), {}), ("arctan_", (), {}), ("sinh_", (), {}), ("cosh_", (), {}),
    ("asinh_", (), {}), ("arcsinh_", (), {}), ("atanh_", (), {}), ("arctanh_", (), {}),
    ("erf_", (), {}), ("erfc_", (), {}), ("erfinv_", (), {}), ("lgamma_", (), {}),
    ("digamma_", (), {}), ("polygamma_", (1,), {}), ("logit_", (), {}),
    ("logit_", (0.2,), {}), ("floor_", (), {}), ("ceil_", (), {}), ("round_", (), {}),
    ("round_", (), dict(decimals=1)), ("trunc_", (), {}), ("fix_", (), {}),
    ("frac_", (), {}), ("square_", (), {}), ("sign_", (), {}), ("sgn_", (), {}),
    ("nan_to_num_", (), {}), ("remainder_", (0.3,), {}), ("fmod_", (0.3,), {}),
    ("div_", (0.3,), dict(rounding_mode="floor")), ("lerp_", ("other", 0.3), {}),
    ("atan2_", ("other",), {}), ("arctan2_", ("other",), {}), ("hypot_", ("other",), {}),
    ("xlogy_", ("other",), {}), ("addcmul_", ("other", "other"), dict(value=0.5)),
    ("addcdiv_", ("other", "other"), dict(value=0.5)),
    ("sinc_", (), {}), ("copysign_", ("other",), {}), ("deg2rad_", (), {}),
    ("rad2deg_", (), {}), ("float_power_", (2.5,), {}),
]  # fmt: skip


# PyTorch raises "the derivative for 'inplace version of asinh' is not implemented"
TORCH_HAS_NO_INPLACE_GRAD = {"asinh_", "arcsinh_", "atanh_", "arctanh_"}


@pytest.mark.parametrize(
    "name, args, kwargs", INPLACE, ids=[f"{n}{k or ''}" for n, _, k in INPLACE]
)
def test_inplace_forms_match_pytorch_values_and_gradients(
    name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    x_vals = np.array([0.15, 0.35, 0.6, 0.8])
    o_vals = np.array([0.5, 1.5, 0.7, 1.1])
    res = {}
    for lib in (rg, torch):
        x = lib.tensor(x_vals, requires_grad=True)
        other = lib.tensor(o_vals, requires_grad=True)
        y = x * 1.0  # a non-leaf: in place on it is allowed and recorded
        call = name
        if lib is torch and name in TORCH_HAS_NO_INPLACE_GRAD:
            call = name[:-1]  # compare with PyTorch's out-of-place form
        out = getattr(y, call)(*(other if a == "other" else a for a in args), **kwargs)
        assert out is y or call != name
        y = out
        (out * lib.tensor([1.0, -2.0, 0.5, 3.0], dtype=lib.float64)).sum().backward()
        res[lib] = (y.detach(), x.grad, other.grad)
    for ours, theirs in zip(res[rg], res[torch]):
        if theirs is None or theirs._is_zerotensor() or ours is None:
            for g in (ours, theirs):  # a missing gradient counts as zeros
                zero = g is None or (isinstance(g, torch.Tensor) and g._is_zerotensor())
                assert zero or not np.any(g.detach().numpy())
        else:  # (PyTorch's trigamma, in digamma's gradient, is good to ~1e-9)
            assert_close(ours, theirs, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("name, arg", [("floor_divide_", 2), ("remainder_", -3),
                                       ("bitwise_left_shift_", 2), ("bitwise_right_shift_", 1),
                                       ("fmod_", 3)])  # fmt: skip
def test_inplace_integer_forms_match_pytorch(name: str, arg: int) -> None:
    ours, theirs = rg.tensor([7, -7, 5]), torch.tensor([7, -7, 5])
    getattr(ours, name)(arg)
    getattr(theirs, name)(arg)
    assert_close(ours, theirs, rtol=0, atol=0)


def test_inplace_operators_floordiv_mod_and_shifts() -> None:
    a, b = rg.tensor([7, -7, 5]), torch.tensor([7, -7, 5])
    for t in (a, b):
        t //= 2
        t %= 3
        t <<= 2
        t >>= 1
    assert_close(a, b, rtol=0, atol=0)


def test_floating_inplace_on_an_integer_tensor_is_refused_as_in_pytorch() -> None:
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired "
                                           "output type Long"):  # fmt: skip
        rg.tensor([1, 2]).exp2_()
    with pytest.raises(RuntimeError, match="result type Float can't be cast"):
        torch.tensor([1, 2]).exp2_()


# -------------------------------------------------------------------------------- views
def test_view_as_real_and_complex_share_memory_and_version_with_the_base() -> None:
    z = rg.tensor([1 + 2j, 3 - 1j])
    r = rg.view_as_real(z)
    r[0, 1] = 5.0
    assert z[0].item() == 1 + 5j
    assert z._version == r._version == 1
    f = rg.tensor([[1.0, 2.0], [3.0, 4.0]])
    c = rg.view_as_complex(f)
    c.mul_(1j)
    assert f.tolist() == [[-2.0, 1.0], [-4.0, 3.0]]


def test_view_as_complex_of_a_non_leaf_gives_pytorchs_gradient_after_in_place() -> None:
    res = {}
    for lib in (rg, torch):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y = x * 2
        c = lib.view_as_complex(y)
        c.mul_(1j)
        (y * lib.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
        res[lib] = x.grad
    assert_close(res[rg], res[torch])


# --------------------------------------------------------------------------- node names
NODE_NAMES: list[Callable[[Any, Any], Any]] = [
    lambda lib, x: lib.div(x, x, rounding_mode="floor"), lambda lib, x: lib.remainder(x, 2.0),
    lambda lib, x: lib.remainder(x, x), lambda lib, x: lib.fmod(x, 2.0),
    lambda lib, x: lib.fmod(x, x), lambda lib, x: lib.round(x),
    lambda lib, x: lib.round(x, decimals=2), lambda lib, x: lib.xlogy(x, x),
    lambda lib, x: lib.xlogy(2.0, x), lambda lib, x: lib.xlogy(x, 2.0),
    lambda lib, x: lib.lerp(x, x, 0.5), lambda lib, x: lib.lerp(x, x, x),
    lambda lib, x: lib.polygamma(2, x), lambda lib, x: lib.erfinv(x),
    lambda lib, x: lib.polar(x, x), lambda lib, x: lib.complex(x, x),
    lambda lib, x: lib.view_as_real(lib.complex(x, x)), lambda lib, x: lib.angle(x),
    lambda lib, x: lib.nan_to_num(x), lambda lib, x: lib.fmax(x, x),
    lambda lib, x: lib.maximum(x, x), lambda lib, x: lib.frac(x), lambda lib, x: x.rsqrt(),
    lambda lib, x: lib.floor_divide(x, 2.0),
]  # fmt: skip


@pytest.mark.parametrize("fn", NODE_NAMES)
def test_node_names_are_pytorchs(fn: Callable[[Any, Any], Any]) -> None:
    names = [type(fn(torch, torch.tensor([0.5], requires_grad=True)).grad_fn).__name__]
    names.append(fn(rg, rg.tensor([0.5], requires_grad=True)).grad_fn.name())
    assert names[1] == names[0]


def test_floor_divide_requires_grad_but_has_no_derivative_as_in_pytorch() -> None:
    x = rg.tensor([1.5, 2.5], requires_grad=True)
    y = rg.floor_divide(x, 2)
    assert y.requires_grad
    with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not"):
        y.sum().backward()


@pytest.mark.parametrize("fn", [lambda lib, x: 2.5 % x, lambda lib, x: lib.remainder(2.5, x)])
def test_remainder_of_a_number_has_no_derivative_as_in_pytorch(fn: Any) -> None:
    errors = []
    for lib in (torch, rg):
        x = lib.tensor([1.3, 0.7], requires_grad=True)
        y = fn(lib, x)
        assert y.requires_grad and y.tolist() == pytest.approx([1.2, 0.4])
        with pytest.raises(RuntimeError) as e:
            y.sum().backward()
        errors.append(str(e.value))
        fw = lib.autograd.forward_ad
        with fw.dual_level(), pytest.raises(NotImplementedError):
            fn(lib, fw.make_dual(x.detach(), lib.ones(2)))
    assert errors[1] == errors[0]


def test_fmod_of_a_number_is_a_type_error_as_in_pytorch() -> None:
    for lib in (torch, rg):
        with pytest.raises(TypeError, match="fmod"):
            lib.fmod(2.5, lib.tensor([1.0]))


def test_rounding_ops_pass_zero_gradients_even_for_infinite_upstream() -> None:
    for lib in (rg, torch):
        x = lib.tensor([0.5, 1.5], requires_grad=True)
        (g,) = lib.autograd.grad(lib.floor(x), x, lib.tensor([INF, NAN]))
        assert g.tolist() == [0.0, 0.0]


# ---------------------------------------------------------------------------- bad input
def _f(vals: Any = (1.0, 2.0), dtype: str = "float32") -> tuple[Any, Any]:
    return both(list(vals), dtype)


BAD: dict[str, Callable[[Any, Any], Any]] = {
    "integer division by zero": lambda lib, x: lib.floor_divide(
        lib.tensor([1, 2]), lib.tensor([1, 0])),
    "integer remainder by zero": lambda lib, x: lib.remainder(lib.tensor([1, 2]), 0),
    "integer fmod by zero": lambda lib, x: lib.fmod(lib.tensor([1, 2]), 0),
    "integer trunc division by zero": lambda lib, x: lib.div(
        lib.tensor([1]), 0, rounding_mode="trunc"),
    "unknown rounding mode": lambda lib, x: lib.div(x, x, rounding_mode="round"),
    "erf of complex": lambda lib, x: lib.erf(x.to(lib.complex64)),
    "lgamma of complex": lambda lib, x: lib.lgamma(x.to(lib.complex64)),
    "frac of integers": lambda lib, x: lib.frac(lib.tensor([1, 2])),
    "round with decimals of integers": lambda lib, x: lib.round(lib.tensor([1]), decimals=1),
    "trunc of bool": lambda lib, x: lib.trunc(lib.tensor([True])),
    "floor of complex": lambda lib, x: lib.floor(x.to(lib.complex64)),
    "hypot of integers": lambda lib, x: lib.hypot(lib.tensor([1]), lib.tensor([2])),
    "logaddexp of integers": lambda lib, x: lib.logaddexp(lib.tensor([1]), lib.tensor([2])),
    "atan2 with a number": lambda lib, x: lib.atan2(x, 2.0),
    "atan2 shapes": lambda lib, x: lib.atan2(x, lib.ones(3)),
    "remainder shapes": lambda lib, x: lib.remainder(x, lib.ones(3)),
    "lerp dtypes": lambda lib, x: lib.lerp(x, x.double(), 0.5),
    "lerp weight dtype": lambda lib, x: lib.lerp(x, x, x.double()),
    "lerp of integers": lambda lib, x: lib.lerp(lib.tensor([1]), lib.tensor([2]), 0.5),
    "addcdiv of integers": lambda lib, x: lib.addcdiv(x, lib.tensor([1]), lib.tensor([2])),
    "complex of doubles and floats": lambda lib, x: lib.complex(x, x.double()),
    "complex of integers": lambda lib, x: lib.complex(lib.tensor([1]), lib.tensor([1])),
    "view_as_real of real": lambda lib, x: lib.view_as_real(x),
    "view_as_complex of last size 3": lambda lib, x: lib.view_as_complex(lib.ones(2, 3)),
    "view_as_complex of stride 2": lambda lib, x: lib.view_as_complex(lib.ones(2, 2).t()),
    "view_as_complex of 0-d": lambda lib, x: lib.view_as_complex(lib.tensor(1.0)),
    "view_as_complex of integers": lambda lib, x: lib.view_as_complex(lib.ones(2, 2).long()),
    "isclose dtypes": lambda lib, x: lib.isclose(x, x.double()),
    "polygamma negative order": lambda lib, x: lib.polygamma(-1, x),
    "shift of floats": lambda lib, x: lib.bitwise_left_shift(x, 1),
    "maximum of complex": lambda lib, x: lib.maximum(x.to(lib.complex64), x.to(lib.complex64)),
    "fmax of complex": lambda lib, x: lib.fmax(x.to(lib.complex64), x.to(lib.complex64)),
    "sign of complex": lambda lib, x: lib.sign(x.to(lib.complex64)),
    "floor_divide of complex": lambda lib, x: lib.floor_divide(x.to(lib.complex64), 2),
    "trunc division of complex": lambda lib, x: lib.div(
        x.to(lib.complex64), 2, rounding_mode="trunc"),
    "trigamma of complex": lambda lib, x: lib.polygamma(1, x.to(lib.complex64)),
    "hypot of complex": lambda lib, x: lib.hypot(x.to(lib.complex64), x.to(lib.complex64)),
    "float_power_ of float": lambda lib, x: x.float_power_(2),
    "float_power_ to complex": lambda lib, x: x.double().float_power_(1j),
    "positive of bool": lambda lib, x: lib.positive(x > 1),
    "logaddexp2 of integers": lambda lib, x: lib.logaddexp2(lib.tensor([1]), lib.tensor([2])),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_raises_pytorchs_exception(case: str) -> None:
    fn = BAD[case]
    ours_x, theirs_x = _f()
    with pytest.raises(Exception) as theirs:
        fn(torch, theirs_x)
    with pytest.raises(Exception) as ours:
        fn(rg, ours_x)
    assert type(ours.value) is type(theirs.value), (ours.value, theirs.value)
    if type(theirs.value) is not TypeError:  # argument-parsing messages are worded differently
        assert str(ours.value).split("\n")[0][:40] == str(theirs.value).split("\n")[0][:40], (
            ours.value, theirs.value)  # fmt: skip


# ------------------------------------------- in-place comparisons, logical and bit ops
COMPARISONS_INPLACE = ["eq_", "ne_", "not_equal_", "lt_", "less_", "le_", "less_equal_", "gt_",
                       "greater_", "ge_", "greater_equal_"]  # fmt: skip


@pytest.mark.parametrize("name", COMPARISONS_INPLACE)
@pytest.mark.parametrize("other", ["tensor", "number"])
def test_inplace_comparisons_write_the_left_dtype_with_a_zero_gradient(
    name: str, other: str
) -> None:
    res = {}
    for lib in (rg, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 1
        getattr(y, name)(lib.tensor([1.0, 0.0, 3.5]) if other == "tensor" else 2.0)
        (g,) = lib.autograd.grad(y.sum(), x)
        res[lib] = (y.detach(), g, type(y.grad_fn).__name__ if lib is torch else y.grad_fn.name())
    assert_close(res[rg][0], res[torch][0], rtol=0, atol=0)
    assert not np.any(res[rg][1].numpy()) and not torch.any(res[torch][1])
    assert res[rg][2] == res[torch][2]


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, o: t.logical_and_(o), lambda t, o: t.logical_or_(o),
        lambda t, o: t.logical_xor_(o), lambda t, o: t.logical_not_(),
        lambda t, o: t.bitwise_and_(o), lambda t, o: t.bitwise_or_(o),
        lambda t, o: t.bitwise_xor_(o), lambda t, o: t.bitwise_not_(),
        lambda t, o: t.__iand__(o), lambda t, o: t.__ior__(o), lambda t, o: t.__ixor__(o),
        lambda t, o: t.negative_(), lambda t, o: t.absolute_(), lambda t, o: t.multiply_(o),
        lambda t, o: t.subtract_(o), lambda t, o: t.clamp_min_(2), lambda t, o: t.clamp_max_(2),
    ],
)  # fmt: skip
def test_inplace_logical_bitwise_and_alias_forms_match_pytorch(fn: Any) -> None:
    ours, theirs = rg.tensor([5, 0, -3, 2]), torch.tensor([5, 0, -3, 2])
    fn(ours, rg.tensor([1, 1, 0, 3]))
    fn(theirs, torch.tensor([1, 1, 0, 3]))
    assert_close(ours, theirs, rtol=0, atol=0)


def test_inplace_division_aliases_match_pytorch() -> None:
    for name in ("divide_", "true_divide_"):
        ours, theirs = rg.tensor([5.0, -3.0]), torch.tensor([5.0, -3.0])
        getattr(ours, name)(2.0)
        getattr(theirs, name)(2.0)
        assert_close(ours, theirs, rtol=0, atol=0)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int32"])
@pytest.mark.parametrize(
    "bounds", [{"min": -3}, {"min": 3, "max": 150}, {"max": -1}, {"min": -3.5}, {"max": 300}]
)
def test_clamp_integer_tensors_with_number_bounds_as_pytorch(dtype, bounds):
    """Bounds wrap around or overflow by c10's rule instead of leaking NumPy's OverflowError."""
    values = [1, 100, 200 if dtype == "uint8" else 50]
    outcomes = []
    for lib in (rg, torch):
        try:
            outcomes.append(lib.clamp(lib.tensor(values, dtype=getattr(lib, dtype)), **bounds))
        except RuntimeError as e:
            outcomes.append(str(e))
    ours, theirs = outcomes
    if isinstance(theirs, str):
        assert ours == theirs
    else:
        assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
        assert ours.tolist() == theirs.tolist()
