"""Property tests against PyTorch: broadcasting of elementwise ops and matmul batch dims
(values and the gradient of every input, summed back to its shape), broadcasting errors,
and type promotion over dtypes and operand kinds (tensor, 0-d tensor, Python number)."""

from __future__ import annotations

import operator
import warnings
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import retrograd as rg
from _torch_compare import assert_close, to_torch
from strategies import (
    DTYPE_NAMES,
    broadcastable_shapes,
    incompatible_shapes,
    random_array,
    seeds,
)


def _leaves(arrays: list[np.ndarray], grad: list[bool]) -> tuple[list[Any], list[Any]]:
    """The same arrays as retrograd and PyTorch leaves."""
    ours = [rg.tensor(a, requires_grad=g) for a, g in zip(arrays, grad)]
    return ours, [to_torch(t) for t in ours]


def _check_values_and_grads(fn: Any, arrays: list[np.ndarray], grad: list[bool],
                            rng: np.random.Generator) -> None:  # fmt: skip
    """``fn(lib, *tensors)`` agrees with PyTorch, and so does every input's gradient under a
    random upstream gradient (an all-ones one would hide a wrong sum or transpose)."""
    ours, theirs = _leaves(arrays, grad)
    out, tout = fn(rg, *ours), fn(torch, *theirs)
    assert_close(out, tout)
    g = random_array(rng, tuple(tout.shape), str(tout.dtype).split(".")[-1])
    out.backward(rg.tensor(g))
    tout.backward(torch.from_numpy(g))
    for x, tx in zip(ours, theirs):
        if tx.requires_grad:
            assert x.grad is not None and x.grad.shape == x.shape
            assert_close(x.grad, tx.grad)
        else:
            assert x.grad is None


BINARY = ("add", "sub", "mul", "div", "pow")


@settings(max_examples=100)
@given(
    name=st.sampled_from(BINARY),
    dtype=st.sampled_from(["float64", "complex128"]),
    shapes=broadcastable_shapes(2),
    seed=seeds,
)
def test_binary_op_broadcasts_values_and_grads_like_torch(name, dtype, shapes, seed):
    rng = np.random.default_rng(seed)
    if name == "pow":
        # a positive real base keeps pow real; exponents of both signs
        a = random_array(rng, shapes[0], "float64", grid=(0.5, 0.75, 1.0, 1.5, 2.0))
        b = random_array(rng, shapes[1], "float64")
    else:
        a, b = (random_array(rng, s, dtype) for s in shapes)
        if name == "div":
            b = np.where(b == 0, 1, b)
    grads = [True, bool(rng.integers(2))]  # also a constant operand that still broadcasts
    _check_values_and_grads(lambda lib, x, y: getattr(lib, name)(x, y), [a, b], grads, rng)


@settings(max_examples=60)
@given(shapes=broadcastable_shapes(3), seed=seeds)
def test_where_broadcasts_values_and_grads_like_torch(shapes, seed):
    rng = np.random.default_rng(seed)
    cond = random_array(rng, shapes[0], "bool")
    a, b = (random_array(rng, s) for s in shapes[1:])
    ours_c, theirs_c = rg.tensor(cond), torch.from_numpy(cond)
    _check_values_and_grads(
        lambda lib, x, y: lib.where(ours_c if lib is rg else theirs_c, x, y),
        [a, b], [True, True], rng,
    )  # fmt: skip


@settings(max_examples=80)
@given(shapes=broadcastable_shapes(3), bounds=st.sampled_from(["both", "min", "max"]),
       seed=seeds)  # fmt: skip
def test_clamp_with_tensor_bounds_broadcasts_like_torch(shapes, bounds, seed):
    rng = np.random.default_rng(seed)
    # values on a coarse grid so that ties (x == min, x == max, min == max) happen
    grid = (-1.0, 0.0, 1.0)
    arrays = [random_array(rng, s, grid=grid) for s in shapes]

    used = [True, bounds != "max", bounds != "min"]
    full = np.broadcast_shapes(*(s for s, u in zip(shapes, used) if u))

    def fn(lib: Any, x: Any, lo: Any, hi: Any) -> Any:
        if lib is torch:
            # PyTorch's own clamp backward fails unless x has the broadcast shape; expanding
            # first gives the same function, and expand's backward sums the gradients back
            x, lo, hi = (t.expand(full) if u else t for t, u in zip((x, lo, hi), used))
        if bounds == "min":
            return lib.clamp(x, min=lo)
        if bounds == "max":
            return lib.clamp(x, max=hi)
        return lib.clamp(x, lo, hi)

    _check_values_and_grads(fn, arrays, used, rng)


@st.composite
def matmul_shapes(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Operand shapes for matmul: broadcasting batch dims, 1-D operands, empty sizes."""
    batch_a, batch_b = draw(broadcastable_shapes(2, max_dims=3))
    m, k, n = (draw(st.integers(0, 3)) for _ in range(3))
    a = (k,) if draw(st.integers(0, 4)) == 0 else batch_a + (m, k)
    b = (k,) if draw(st.integers(0, 4)) == 0 else batch_b + (k, n)
    return a, b


@settings(max_examples=80)
@given(shapes=matmul_shapes(), seed=seeds)
def test_matmul_broadcasts_batch_dims_values_and_grads_like_torch(shapes, seed):
    rng = np.random.default_rng(seed)
    arrays = [random_array(rng, s) for s in shapes]
    _check_values_and_grads(lambda lib, x, y: lib.matmul(x, y), arrays, [True, True], rng)


# ------------------------------------------------------------------- broadcasting errors
ERROR_OPS = {
    "add": lambda lib, a, b: a + b,
    "sub": lambda lib, a, b: lib.sub(a, b),
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / b,
    "pow": lambda lib, a, b: a**b,
    "where": lambda lib, a, b: lib.where(a > 0, a, b),
    "clamp": lambda lib, a, b: lib.clamp(a, b, b + 1),
    "lt": lambda lib, a, b: a < b,
    "eq": lambda lib, a, b: lib.eq(a, b),
    "logical_and": lambda lib, a, b: lib.logical_and(a, b),
    "bitwise_and": lambda lib, a, b: (a > 0) & (b > 0),
    "masked_fill": lambda lib, a, b: a.masked_fill(b > 0, 0.0),
    "matmul": lambda lib, a, b: lib.matmul(a[..., None, None], b[..., None, None]),
}  # fmt: skip


@settings(max_examples=80)
@given(name=st.sampled_from(sorted(ERROR_OPS)), shapes=incompatible_shapes(),
       requires_grad=st.booleans())  # fmt: skip
def test_shapes_that_do_not_broadcast_raise_torchs_runtime_error(name, shapes, requires_grad):
    sa, sb = shapes
    a = rg.ones(sa, dtype=rg.float64, requires_grad=requires_grad)
    b = rg.ones(sb, dtype=rg.float64)
    with pytest.raises(RuntimeError) as theirs:
        ERROR_OPS[name](torch, to_torch(a), to_torch(b))
    with pytest.raises(RuntimeError) as ours:
        ERROR_OPS[name](rg, a, b)
    # PyTorch's words first (they name the two clashing sizes), then both operand shapes
    assert str(ours.value).startswith(str(theirs.value))
    if name != "matmul":
        assert str(list(sa)) in str(ours.value) and str(list(sb)) in str(ours.value)


# ---------------------------------------------------------------------- type promotion
PROMOTION_OPS = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
    "gt": operator.gt, "ge": operator.ge,
}  # fmt: skip
_PY_TYPE = {"b": bool, "u": int, "i": int, "f": float, "V": float, "c": complex}


@st.composite
def operands(draw: st.DrawFn) -> tuple[str, str]:
    """(kind, dtype name): a dimensioned tensor, a 0-d tensor, or a Python number (whose
    Python type follows the dtype's category)."""
    return draw(st.sampled_from(["tensor", "0d", "scalar"])), draw(st.sampled_from(DTYPE_NAMES))


def _operand(kind: str, dtype: str, rng: np.random.Generator) -> tuple[Any, Any]:
    if kind == "scalar":
        arr = random_array(rng, (), dtype)
        py = _PY_TYPE[arr.dtype.kind]
        value = py(arr.astype(np.float32) if arr.dtype.kind == "V" else arr)
        return value, value
    t = rg.tensor(random_array(rng, (4,) if kind == "tensor" else (), dtype))
    return t, to_torch(t)


def _run(fn: Any, *args: Any) -> tuple[Any, BaseException | None]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyTorch warns that complex32 is experimental
            return fn(*args), None
    except Exception as e:  # noqa: BLE001  (any exception PyTorch raises, we must raise too)
        return None, e


def _check_promotion(fn: Any, ours_args: list[Any], theirs_args: list[Any]) -> None:
    a, b = theirs_args[-2:]
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        # float16 with complex is complex32 in PyTorch, a dtype retrograd does not have
        assume(torch.result_type(a, b) != torch.complex32)
    expected, err = _run(fn, *theirs_args)
    if err is not None:
        with pytest.raises(type(err)):
            fn(*ours_args)
        return
    out = fn(*ours_args)
    # PyTorch computes ``number / tensor`` as ``tensor.reciprocal() * number``, rounding the
    # reciprocal to a half-precision operand's dtype even when the result is wider
    low = {torch.float16, torch.bfloat16}
    low_in = any(isinstance(x, torch.Tensor) and x.dtype in low for x in theirs_args)
    tol = 1e-2 if expected.dtype in low or low_in else None
    assert_close(out, expected, rtol=tol, atol=tol)


@settings(max_examples=200)
@given(name=st.sampled_from(sorted(PROMOTION_OPS)), a=operands(), b=operands(), seed=seeds)
def test_binary_op_result_dtype_and_values_follow_torch_promotion(name, a, b, seed):
    assume(a[0] != "scalar" or b[0] != "scalar")
    rng = np.random.default_rng(seed)
    (oa, ta), (ob, tb) = _operand(*a, rng), _operand(*b, rng)
    _check_promotion(PROMOTION_OPS[name], [oa, ob], [ta, tb])


@settings(max_examples=100)
@given(a=operands(), b=operands(), seed=seeds)
def test_where_result_dtype_and_values_follow_torch_promotion(a, b, seed):
    rng = np.random.default_rng(seed)
    cond = random_array(rng, (4,), "bool")
    (oa, ta), (ob, tb) = _operand(*a, rng), _operand(*b, rng)
    _check_promotion(
        lambda c, x, y: (rg if isinstance(c, rg.Tensor) else torch).where(c, x, y),
        [rg.tensor(cond), oa, ob], [torch.from_numpy(cond), ta, tb],
    )  # fmt: skip


@pytest.mark.parametrize("da", DTYPE_NAMES)
def test_result_type_matches_torch_for_every_dtype_pair(da):
    for db in DTYPE_NAMES:
        for kinds in (("tensor", "tensor"), ("tensor", "0d"), ("0d", "tensor"), ("0d", "0d")):
            ta, tb = (torch.zeros((2,) if k == "tensor" else (), dtype=getattr(torch, d))
                      for k, d in zip(kinds, (da, db)))  # fmt: skip
            expected = torch.result_type(ta, tb)
            if expected == torch.complex32:  # float16 with complex: no complex32 in retrograd
                continue
            assert rg.result_type(rg.zeros(ta.shape, dtype=getattr(rg, da)),
                                  rg.zeros(tb.shape, dtype=getattr(rg, db))) == getattr(
                rg, str(expected).split(".")[-1]
            ), (kinds, da, db)  # fmt: skip
