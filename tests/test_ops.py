"""Every op in the database (tests/opinfo.py) against PyTorch: forward values, dtypes and
shapes; gradients for a random upstream gradient; second derivatives; forward-mode
tangents; float64 gradcheck and gradgradcheck; and pinned gradients at edge values.
A completeness test fails when a public differentiable function has no entry."""

from __future__ import annotations

import contextlib
import inspect
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
import pytest
import torch
import torch.autograd.forward_ad as tfw

import retrograd as rg
import retrograd.autograd.forward_ad as rfw
from _torch_compare import assert_close, to_numpy
from opinfo import C128, F64, Arg, Dtype, OpInfo, Sample, op_db
from retrograd._ops import methods as _methods
from retrograd.autograd import gradcheck, gradgradcheck


# ------------------------------------------------------------------------ harness
def cases(test: str, dtypes: Callable[[OpInfo], tuple[np.dtype, ...]] | None = None,
          keep: Callable[[OpInfo], bool] = lambda op: True) -> list[Any]:  # fmt: skip
    """(op, dtype) parameters, with the op's explained expected failures for ``test``."""
    out = []
    for op in op_db:
        if not keep(op):
            continue
        for dt in dtypes(op) if dtypes else op.dtypes:
            reason = op.xfail.get(f"{test}-{dt}", op.xfail.get(test))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(op, dt, id=f"{op.name}-{dt}", marks=marks))
    return out


def as_tensor(lib: Any, arr: np.ndarray) -> Any:
    return lib.from_numpy(np.array(arr, copy=True))


def build(lib: Any, sample: Sample, leaf: Callable[[Any, np.ndarray, bool], Any]) -> tuple[
        tuple[Any, ...], dict[str, Any], list[Any]]:  # fmt: skip
    """The sample's arguments in ``lib``; ``leaf(lib, array, requires_grad)`` makes each
    tensor behind an :class:`Arg`. Returns args, kwargs and the leaves requiring grad."""
    leaves: list[Any] = []

    def conv(a: Any) -> Any:
        if isinstance(a, Arg):
            arr = np.ascontiguousarray(np.swapaxes(a.value, -1, -2)) if a.transposed else a.value
            t = leaf(lib, arr, a.requires_grad)
            if a.requires_grad:
                leaves.append(t)
            return t.mT if a.transposed else t
        if isinstance(a, Dtype):
            return a
        if isinstance(a, (list, tuple)):
            return type(a)(conv(x) for x in a)
        return a

    args = tuple(conv(a) for a in sample.args)
    return args, {k: conv(v) for k, v in sample.kwargs.items()}, leaves


def plain_leaf(lib: Any, arr: np.ndarray, requires_grad: bool) -> Any:
    return as_tensor(lib, arr).requires_grad_(requires_grad)


def flat(out: Any) -> list[Any]:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def run(lib: Any, op: OpInfo, sample: Sample) -> tuple[list[Any], list[Any]]:
    """The op's outputs (flattened) and the leaves requiring grad."""
    args, kwargs, leaves = build(lib, sample, plain_leaf)
    return [resolved(o) for o in flat(op.op(lib, *args, **kwargs))], leaves


def resolved(t: Any) -> Any:
    """PyTorch's lazy conjugate, negative and zero tensors, materialised for NumPy."""
    if not isinstance(t, torch.Tensor):
        return t
    if t._is_zerotensor():
        return torch.zeros(t.shape, dtype=t.dtype)
    return t.resolve_conj().resolve_neg()


@contextlib.contextmanager
def about(op: OpInfo, sample: Sample, test: str = "") -> Iterator[None]:
    """Name the sample in any failure inside. A sample whose result knowingly differs
    from PyTorch's in ``test`` must fail the comparison (a strict expected failure)."""
    reason = sample.differs.get(test)
    try:
        yield
    except AssertionError as e:
        if reason is not None:
            return
        e.add_note(f"op {op.name}, sample {sample.desc or sample.args!r}")
        raise
    if reason is not None:
        pytest.fail(f"op {op.name}, sample {sample.desc!r} now agrees with PyTorch in {test}; "
                    f"remove its note: {reason}")  # fmt: skip


def random_like(rng: np.random.Generator, t: Any) -> np.ndarray:
    shape = tuple(t.shape)
    arr = rng.standard_normal(shape)
    if t.is_complex():
        arr = arr + 1j * rng.standard_normal(shape)
    return arr


def cotangent(lib: Any, arr: np.ndarray, like: Any) -> Any:
    return as_tensor(lib, arr).to(like.dtype)


def close_or_zero(ours: Any, theirs: Any, tol: tuple[float, float], what: str) -> None:
    """Gradients agree; a missing one (None) counts as zeros."""
    theirs = None if theirs is None else resolved(theirs)
    if ours is None and theirs is None:
        return
    if ours is None or theirs is None:
        arr = to_numpy(ours if ours is not None else theirs)
        assert not np.any(arr != 0), f"{what}: one library gives None, the other non-zeros"
        return
    assert_close(ours.detach(), theirs.detach(), rtol=tol[0], atol=tol[1])


# ------------------------------------------------------------------- (a) forward values
@pytest.mark.parametrize("op, dtype", cases("test_forward_matches_pytorch"))
def test_forward_matches_pytorch(op: OpInfo, dtype: np.dtype) -> None:
    for s in op.make_samples(dtype):
        with about(op, s, "test_forward_matches_pytorch"):
            ours, _ = run(rg, op, s)
            theirs, _ = run(torch, op, s)
            assert len(ours) == len(theirs)
            for o, t in zip(ours, theirs):
                assert isinstance(o, rg.Tensor)
                assert tuple(o.shape) == tuple(t.shape)
                rtol, atol = op.tolerance(dtype)
                assert_close(o.detach(), t.detach(), rtol=rtol, atol=atol)
                assert o.requires_grad == t.requires_grad, "which outputs are differentiable"


# -------------------------------------------------------------------- (b) gradients
def grads(lib: Any, op: OpInfo, s: Sample, seed: int) -> tuple[Any, ...] | None:
    """Gradients of the leaves for a random upstream gradient (None: nothing to check)."""
    outs, leaves = run(lib, op, s)
    diff = [o for o in outs if o.requires_grad]
    if not leaves or not diff:
        return None
    rng = np.random.default_rng(seed)
    vs = [cotangent(lib, random_like(rng, o), o) for o in diff]
    return lib.autograd.grad(diff, leaves, vs, allow_unused=True)


@pytest.mark.parametrize("op, dtype", cases("test_grad_matches_pytorch", keep=lambda o: o.grad))
def test_grad_matches_pytorch(op: OpInfo, dtype: np.dtype) -> None:
    for s in op.make_samples(dtype):
        with about(op, s, "test_grad_matches_pytorch"):
            ours, theirs = grads(rg, op, s, 1), grads(torch, op, s, 1)
            assert (ours is None) == (theirs is None)
            for k, (a, b) in enumerate(zip(ours or (), theirs or ())):
                close_or_zero(a, b, op.tolerance(dtype), f"grad of leaf {k}")


# ------------------------------------------------------------- (c) second derivatives
def second_order(lib: Any, op: OpInfo, s: Sample) -> tuple[Any, ...] | None:
    """Derivatives of <grad(outputs; v), w> w.r.t. the leaves and v (random v, w)."""
    outs, leaves = run(lib, op, s)
    diff = [o for o in outs if o.requires_grad]
    if not leaves or not diff:
        return None
    rng = np.random.default_rng(2)
    vs = [cotangent(lib, random_like(rng, o), o).requires_grad_() for o in diff]
    gs = lib.autograd.grad(diff, leaves, vs, create_graph=True, allow_unused=True)
    total = None
    for g, x in zip(gs, leaves):
        if g is not None and g.requires_grad:
            term = (g * cotangent(lib, random_like(rng, x), x)).sum()
            term = term.real if term.is_complex() else term
            total = term if total is None else total + term
    if total is None:
        return (None,) * (len(leaves) + len(vs))
    return lib.autograd.grad(total, leaves + vs, allow_unused=True)


def _higher_dtypes(op: OpInfo) -> tuple[np.dtype, ...]:
    """Second order and finite differences: double precision only."""
    return tuple(d for d in op.dtypes if d in (F64, C128))


@pytest.mark.parametrize("op, dtype", cases("test_second_derivatives_match_pytorch",
                                            _higher_dtypes, lambda o: o.gradgrad))  # fmt: skip
def test_second_derivatives_match_pytorch(op: OpInfo, dtype: np.dtype) -> None:
    if "gradgrad" in op.pytorch_lacks:
        check_by_differences(op, dtype, "gradgrad")
        return
    for s in op.make_samples(dtype):
        with about(op, s, "test_second_derivatives_match_pytorch"):
            ours, theirs = second_order(rg, op, s), second_order(torch, op, s)
            assert (ours is None) == (theirs is None)
            for k, (a, b) in enumerate(zip(ours or (), theirs or ())):
                close_or_zero(a, b, op.tolerance(dtype), f"second derivative {k}")


# ---------------------------------------------------- (d) gradcheck and gradgradcheck
def as_function(op: OpInfo, s: Sample) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    """The op as a function of its leaves requiring grad, and those leaves."""
    _, _, leaves = build(rg, s, plain_leaf)

    def fn(*xs: Any) -> Any:
        it = iter(xs)
        args, kwargs, _ = build(
            rg, s, lambda lib, a, rq: next(it) if rq else plain_leaf(lib, a, rq)
        )
        return op.op(rg, *args, **kwargs)

    return fn, tuple(leaves)


@pytest.mark.parametrize("op, dtype", cases("test_gradcheck", _higher_dtypes,
                                            lambda o: o.grad))  # fmt: skip
def test_gradcheck(op: OpInfo, dtype: np.dtype) -> None:
    for s in op.make_samples(dtype):
        fn, inputs = as_function(op, s)
        if s.edge or not inputs:
            continue
        with about(op, s, "test_gradcheck"):
            assert gradcheck(fn, inputs, check_forward_ad=op.fwgrad, check_batched_grad=True,
                             **op.gradcheck_kw)  # fmt: skip


@pytest.mark.parametrize("op, dtype", cases("test_gradgradcheck", _higher_dtypes,
                                            lambda o: o.gradgrad and o.gradgradcheck))  # fmt: skip
def test_gradgradcheck(op: OpInfo, dtype: np.dtype) -> None:
    for s in op.make_samples(dtype):
        fn, inputs = as_function(op, s)
        if s.edge or not inputs or not any(o.requires_grad for o in flat(fn(*inputs))):
            continue
        with about(op, s, "test_gradgradcheck"):
            assert gradgradcheck(fn, inputs, check_fwd_over_rev=op.fwgrad)


# ---------------------------------------------------------------- (e) forward mode
def tangents(lib: Any, fw: Any, op: OpInfo, s: Sample) -> list[Any] | None:
    """Output tangents for a random tangent on every leaf that requires grad."""
    rng = np.random.default_rng(3)
    count = [0]

    def dual(lib: Any, arr: np.ndarray, requires_grad: bool) -> Any:
        x = as_tensor(lib, arr)
        if not requires_grad:
            return x
        count[0] += 1
        return fw.make_dual(x, cotangent(lib, random_like(rng, x), x))

    with fw.dual_level():
        args, kwargs, _ = build(lib, s, dual)
        if not count[0]:
            return None
        outs = flat(op.op(lib, *args, **kwargs))
        return [fw.unpack_dual(o).tangent if o.is_floating_point() or o.is_complex() else None
                for o in outs]  # fmt: skip


@pytest.mark.parametrize("op, dtype", cases("test_forward_ad_matches_pytorch",
                                            keep=lambda o: o.fwgrad))  # fmt: skip
def test_forward_ad_matches_pytorch(op: OpInfo, dtype: np.dtype) -> None:
    if "fwgrad" in op.pytorch_lacks:
        check_by_differences(op, dtype, "fwgrad")
        return
    for s in op.make_samples(dtype):
        with about(op, s, "test_forward_ad_matches_pytorch"):
            ours, theirs = tangents(rg, rfw, op, s), tangents(torch, tfw, op, s)
            assert (ours is None) == (theirs is None)
            for k, (a, b) in enumerate(zip(ours or (), theirs or ())):
                close_or_zero(a, b, op.tolerance(dtype), f"tangent of output {k}")


# ------------------------------------- (f) modes where PyTorch gives no usable reference
FD_STEP = 1e-6


def _wide(arr: np.ndarray) -> np.ndarray:
    """Floating arrays in double precision; indices and masks as they are."""
    if arr.dtype.kind not in "fc":
        return arr
    return arr.astype(np.complex128 if arr.dtype.kind == "c" else np.float64)


def torch_moved(op: OpInfo, s: Sample, moves: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    """PyTorch's outputs in double precision with leaf k moved by ``moves[k]`` (None:
    unmoved), and those leaves."""
    it = iter(moves)

    def leaf(lib: Any, arr: np.ndarray, rq: bool) -> Any:
        x = _wide(arr)
        move = next(it) if rq else None
        return as_tensor(torch, x if move is None else x + move).requires_grad_(rq)

    args, kwargs, leaves = build(torch, s, leaf)
    return [resolved(o) for o in flat(op.op(torch, *args, **kwargs))], leaves


def tangent_directions(s: Sample) -> list[np.ndarray]:
    """The tangents tangents() puts on the leaves (same generator, same order)."""
    rng, dirs = np.random.default_rng(3), []

    def leaf(lib: Any, arr: np.ndarray, rq: bool) -> Any:
        x = as_tensor(rg, arr)
        if rq:
            dirs.append(_wide(cotangent(rg, random_like(rng, x), x).numpy()))
        return x

    build(rg, s, leaf)
    return dirs


def fd_tangents(op: OpInfo, s: Sample) -> list[np.ndarray | None]:
    """Central differences of PyTorch's forward along tangent_directions()."""
    dirs = tangent_directions(s)
    hi, _ = torch_moved(op, s, [FD_STEP * d for d in dirs])
    lo, _ = torch_moved(op, s, [-FD_STEP * d for d in dirs])
    return [(h.detach().numpy() - lw.detach().numpy()) / (2 * FD_STEP)
            if h.is_floating_point() or h.is_complex() else None
            for h, lw in zip(hi, lo)]  # fmt: skip


def fd_second_order(op: OpInfo, s: Sample) -> list[np.ndarray]:
    """What second_order() computes, by central differences of PyTorch's first-order
    gradient: d<grad(outputs; v), w> w.r.t. each leaf and each v."""
    outs, leaves = torch_moved(op, s, itertools.repeat(None))
    diff = [o for o in outs if o.requires_grad]
    rng = np.random.default_rng(2)
    vs = [_wide(cotangent(torch, random_like(rng, o), o).numpy()) for o in diff]
    gs = torch.autograd.grad(diff, leaves, [torch.from_numpy(v) for v in vs],
                             allow_unused=True)  # fmt: skip
    ws = [None if g is None else cotangent(torch, random_like(rng, x), x).numpy()
          for g, x in zip(gs, leaves)]  # fmt: skip

    def phi(moves: list[np.ndarray], vs: list[np.ndarray]) -> float:
        outs, leaves = torch_moved(op, s, moves)
        diff = [o for o in outs if o.requires_grad]
        gs = torch.autograd.grad(diff, leaves, [torch.from_numpy(v) for v in vs],
                                 allow_unused=True)  # fmt: skip
        return sum(float((resolved(g).detach().numpy() * w).sum().real)
                   for g, w in zip(gs, ws) if g is not None)  # fmt: skip

    point = [np.zeros_like(_wide(x.detach().numpy())) for x in leaves] + vs
    n = len(leaves)
    out = []
    for k, base in enumerate(point):
        grad = np.zeros_like(base)
        for i in np.ndindex(base.shape):
            for unit in (1, 1j) if base.dtype.kind == "c" else (1,):
                vals = []
                for sign in (1, -1):
                    p = [a.copy() for a in point]
                    p[k][i] += sign * FD_STEP * unit
                    vals.append(phi(p[:n], p[n:]))
                grad[i] += unit * (vals[0] - vals[1]) / (2 * FD_STEP)
        out.append(grad)
    return out


def _ours_and_reference(op: OpInfo, s: Sample, mode: str) -> tuple[list[Any], list[Any]]:
    if mode == "fwgrad":
        return tangents(rg, rfw, op, s) or [], fd_tangents(op, s)
    return list(second_order(rg, op, s) or ()), fd_second_order(op, s)


def _pytorch_result(op: OpInfo, s: Sample, mode: str) -> list[Any] | None:
    """PyTorch's own tangents or second derivatives; None where it raises."""
    try:
        if mode == "fwgrad":
            return tangents(torch, tfw, op, s)
        return list(second_order(torch, op, s) or ())
    except (RuntimeError, NotImplementedError):
        return None


def _agree(a: Any, b: np.ndarray | None, tol: tuple[float, float]) -> bool:
    if b is None or a is None:
        return a is None and (b is None or not np.any(b != 0))
    return bool(np.allclose(to_numpy(resolved(a)), b, rtol=tol[0], atol=tol[1]))


def check_by_differences(op: OpInfo, dtype: np.dtype, mode: str) -> None:
    """Ours against central differences of PyTorch's lower-order results; and PyTorch's own
    answer is still unusable (else its note in ``pytorch_lacks`` must go)."""
    rtol, atol = op.tolerance(dtype)
    tol = (max(rtol, 1e-5), max(atol, 1e-6))
    pytorch_usable = checked = 0
    for s in op.make_samples(dtype):
        if s.edge:  # one-sided limits disagree: only run ours
            tangents(rg, rfw, op, s) if mode == "fwgrad" else second_order(rg, op, s)
            continue
        with about(op, s, f"by differences ({mode})"):
            ours, ref = _ours_and_reference(op, s, mode)
            for k, (a, b) in enumerate(zip(ours, ref)):
                assert _agree(a, b, tol), f"{mode} result {k} is off finite differences"
            theirs = _pytorch_result(op, s, mode)
            checked += 1
            pytorch_usable += (
                theirs is not None
                and len(theirs) == len(ref)
                and all(_agree(a, b, tol) for a, b in zip(theirs, ref))
            )
    assert checked, "no sample to check"
    assert pytorch_usable < checked, (
        f"PyTorch's {mode} for {op.name} now agrees with finite differences: compare with it "
        f"directly (remove the pytorch_lacks note: {op.pytorch_lacks[mode]})"
    )


# ---------------------------------------------------------------- (g) edge values
INF = float("inf")
EDGES: dict[str, tuple[Callable[[Any, Any], Any], list[float], list[float]]] = {
    # name: (function of the input, input values, the gradient PyTorch documents/gives)
    "relu at 0 passes nothing": (lambda lib, x: lib.relu(x), [-1.0, 0.0, 2.0], [0, 0, 1]),
    "abs at 0 passes nothing": (lambda lib, x: x.abs(), [-1.0, 0.0, 2.0], [-1, 0, 1]),
    "clamp passes at both bounds": (
        lambda lib, x: x.clamp(-0.5, 1.0), [-0.5, 1.0, 2.0, -1.0], [1, 1, 0, 0]),
    "clamp with min above max passes nothing": (
        lambda lib, x: x.clamp(1.0, -0.5), [-1.0, 0.0, 2.0], [0, 0, 0]),
    "clamp_min passes at the bound": (lambda lib, x: x.clamp_min(0.0), [0.0, -1.0], [1, 0]),
    "amax ties share evenly": (lambda lib, x: x.amax(), [1.0, 3.0, 3.0], [0, 0.5, 0.5]),
    "amin ties share evenly over a dim": (
        lambda lib, x: x.reshape(2, 2).amin(1).sum(), [1.0, 1.0, 0.0, 2.0], [0.5, 0.5, 1, 0]),
    "max() ties share evenly": (lambda lib, x: x.max(), [3.0, 1.0, 3.0], [0.5, 0, 0.5]),
    "max(dim) ties go to one index": (
        lambda lib, x: x.max(0).values, [3.0, 1.0, 3.0], [1, 0, 0]),
    "max(other) ties split in half": (
        lambda lib, x: lib.max(x[:2], x[2:]).sum(), [1.0, 2.0, 1.0, 0.0], [0.5, 1, 0.5, 0]),
    "x ** 2 at 0": (lambda lib, x: x**2, [0.0], [0]),
    "x ** 0 at 0": (lambda lib, x: x**0, [0.0], [0]),
    "x ** 0.5 at 0": (lambda lib, x: x**0.5, [0.0], [INF]),
    "x ** 1 at 0": (lambda lib, x: x**1, [0.0], [1]),
    "0 ** x, d/dx where x >= 0": (lambda lib, x: 0.0**x, [0.0, 1.0, 2.5], [0, 0, 0]),
    "pow(0, y), d/dy where y >= 0": (
        lambda lib, x: lib.pow(x[:2] * 0, x[2:]).sum(), [1.0, 1.0, 0.0, 2.0], [0, 0, 0, 0]),
    "pow(x, 0) at x = 0, d/dx": (
        lambda lib, x: lib.pow(x[:1], x[1:]).sum(), [0.0, 0.0], [0, 0]),
    "sqrt at 0": (lambda lib, x: x.sqrt(), [0.0, 4.0], [INF, 0.25]),
    "sign at 0": (lambda lib, x: x.sign(), [-1.0, 0.0], [0, 0]),
}  # fmt: skip


@pytest.mark.parametrize("name", list(EDGES))
def test_edge_value_gradients_are_pinned_to_pytorch(name: str) -> None:
    fn, values, expected = EDGES[name]
    got = {}
    for lib in (rg, torch):
        x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
        out = fn(lib, x)
        (g,) = lib.autograd.grad(out, x, lib.ones_like(out))
        got[lib] = g
    # the convention holds in PyTorch, and retrograd gives the same numbers
    np.testing.assert_array_equal(resolved(got[torch]).numpy(), np.array(expected, float))
    assert_close(got[rg], got[torch])


@pytest.mark.parametrize("name", list(EDGES))
def test_edge_value_tangents_match_pytorch(name: str) -> None:
    fn, values, _ = EDGES[name]
    out = {}
    for lib, fw in ((rg, rfw), (torch, tfw)):
        with fw.dual_level():
            x = fw.make_dual(lib.tensor(values, dtype=lib.float64),
                             lib.tensor(np.linspace(0.5, 1.5, len(values))))  # fmt: skip
            out[lib] = fw.unpack_dual(fn(lib, x)).tangent
    close_or_zero(out[rg], out[torch], (1e-12, 1e-12), name)


# ---------------------------------------------------------------- completeness
# Public names of retrograd that are not differentiable ops, so they need no entry.
NOT_DIFFERENTIABLE = {
    # creation and random sampling: outputs are new leaves
    "arange", "as_tensor", "empty", "empty_like", "eye", "from_numpy", "full", "full_like",
    "linspace", "normal", "ones", "ones_like", "rand", "rand_like", "randint",
    "randint_like", "randn", "randn_like", "randperm", "scalar_tensor", "tensor", "zeros",
    "zeros_like",
    # samples with a zero gradient, and autocast/compile/global switches (test_surface.py,
    # test_amp.py)
    "multinomial", "bernoulli", "poisson", "compile", "get_autocast_dtype",
    "is_autocast_available", "is_autocast_cache_enabled", "is_autocast_enabled",
    "are_deterministic_algorithms_enabled", "get_deterministic_debug_mode",
    "get_float32_matmul_precision", "is_deterministic_algorithms_warn_only_enabled",
    "set_deterministic_debug_mode", "set_float32_matmul_precision",
    "use_deterministic_algorithms", "get_default_device", "set_default_device",
    "get_num_interop_threads", "set_num_interop_threads",
    # comparisons, logical and bitwise ops: bool or integer results
    "eq", "ne", "not_equal", "lt", "less", "le", "less_equal", "gt", "greater", "ge",
    "greater_equal", "isnan", "logical_and", "logical_or", "logical_xor", "logical_not",
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
    "bitwise_left_shift", "bitwise_right_shift", "isclose", "allclose", "equal", "isinf",
    "isfinite", "isposinf", "isneginf", "isreal",
    "signbit",
    # integer results: indices
    "argmax", "argmin", "nonzero", "argwhere", "broadcast_shapes",
    # reductions and scans with integer or bool results (tests/test_reduce_extra.py)
    "argsort", "all", "any", "count_nonzero", "bincount", "histc", "unique",
    # dtype, RNG, threading, printing and mode utilities
    "can_cast", "promote_types", "result_type", "get_default_dtype", "set_default_dtype",
    "manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state",
    "get_num_threads", "set_num_threads", "set_printoptions", "is_grad_enabled",
    "is_inference_mode_enabled", "is_tensor", "is_complex", "is_floating_point",
    "is_nonzero", "numel",
    "save", "load",  # checkpoints on disk (tests/test_serialization.py)
}  # fmt: skip

# Tensor methods outside this database, by kind.
NOT_DIFFERENTIABLE_METHODS = NOT_DIFFERENTIABLE | {
    # casts to integer and bool dtypes, device moves, constructors
    "long", "int", "short", "char", "byte", "bool", "cpu", "new_zeros", "new_ones",
    "cuda", "pin_memory", "is_pinned",  # CUDA answers of a CPU build (test_surface.py)
    "new_empty", "new_full", "new_tensor",
    # comparison, bitwise and in-place operators (in-place ops are tested with the in-place
    # machinery, not in this out-of-place database)
    "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__and__", "__or__",
    "__xor__", "__invert__", "__rand__", "__ror__", "__rxor__", "__iadd__", "__isub__",
    "__imul__", "__itruediv__", "__ipow__", "__setitem__",
    "__lshift__", "__rshift__", "__rlshift__", "__rrshift__", "__ifloordiv__", "__imod__",
    "__ilshift__", "__irshift__",
    "__iand__", "__ior__", "__ixor__",
    # only reached when the left operand is not a tensor and defers to us
    "__rmatmul__",
}  # fmt: skip


def public_functions() -> set[str]:
    return {
        n for n in dir(rg)
        if not n.startswith("_") and callable(getattr(rg, n))
        and not inspect.isclass(getattr(rg, n)) and not isinstance(getattr(rg, n), rg.dtype)
    } | {f"linalg.{n}" for n in dir(rg.linalg) if not n.startswith("_")
         and callable(getattr(rg.linalg, n)) and not inspect.isclass(getattr(rg.linalg, n))
    }  # fmt: skip


def tensor_methods() -> set[str]:
    names = set(_methods._METHODS) | set(_methods._PROPERTIES)
    return {n for n in names if not (n.endswith("_") and not n.endswith("__"))}


COVERED = {name for op in op_db for name in op.covers}


def test_every_public_differentiable_function_has_an_entry() -> None:
    missing = sorted(public_functions() - COVERED - NOT_DIFFERENTIABLE)
    assert not missing, (
        f"add an OpInfo to tests/opinfo.py (or list as non-differentiable): {missing}"
    )


def test_every_differentiable_tensor_method_has_an_entry() -> None:
    missing = sorted(tensor_methods() - COVERED - NOT_DIFFERENTIABLE_METHODS)
    assert not missing, (
        f"add an OpInfo to tests/opinfo.py (or list as non-differentiable): {missing}"
    )


def test_exclusion_lists_name_only_existing_uncovered_names() -> None:
    """The lists can't rot: every excluded name exists and has no entry."""
    stale = NOT_DIFFERENTIABLE - public_functions()
    stale |= NOT_DIFFERENTIABLE_METHODS - NOT_DIFFERENTIABLE - tensor_methods()
    assert not stale, f"no longer public: {sorted(stale)}"
    assert not (NOT_DIFFERENTIABLE_METHODS & COVERED)
    unknown = COVERED - public_functions() - tensor_methods()
    assert not unknown, f"entries cover names retrograd does not have: {sorted(unknown)}"
