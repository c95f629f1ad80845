"""``autograd.functional`` (jacobian, hessian, vjp, jvp, hvp, vhp) and nested forward-mode
levels against PyTorch: values, shapes, output nesting, requires_grad, strict-mode and
bad-input errors, and forward-over-reverse Hessian-vector products."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
import torch.autograd.forward_ad as tfw
import torch.autograd.functional as TF

import retrograd as rg
import retrograd.autograd.forward_ad as rfw
import retrograd.autograd.functional as RF
from _torch_compare import assert_close
from _tree_compare import assert_tree_close

RNG = np.random.default_rng(7)
A = RNG.standard_normal(3)
B = RNG.standard_normal((2, 3))
V = RNG.standard_normal(3)
W = RNG.standard_normal((2, 3))


def _tensors(lib: Any, arrays: tuple[np.ndarray, ...], requires_grad: bool = False) -> Any:
    ts = tuple(lib.tensor(a, requires_grad=requires_grad) for a in arrays)
    return ts[0] if len(ts) == 1 else ts


def scalar1(x: Any) -> Any:
    return (x.sin() * x).sum()


def scalar2(x: Any, y: Any) -> Any:
    return (x * y.exp()).sum() * x.cos().sum()


def vector1(x: Any) -> Any:
    return x.exp() * x.sum()


def vector2(x: Any, y: Any) -> Any:
    return x * y.exp(), (y**2).sum(0) * x


def single_tuple_out(x: Any) -> Any:
    return (x.sin(),)


JAC_CASES = [(vector1, (A,)), (vector2, (A, B)), (scalar1, (A,)), (single_tuple_out, (A,))]
JAC_MODES = [
    {},
    {"create_graph": True},
    {"vectorize": True},
    {"strategy": "forward-mode", "vectorize": True},
]


@pytest.mark.parametrize("kw", JAC_MODES, ids=lambda k: "-".join(f"{a}={b}" for a, b in k.items()))
@pytest.mark.parametrize("fn,arrays", JAC_CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_jacobian_matches_pytorch(fn: Callable, arrays: tuple, kw: dict) -> None:
    """Values, nesting (tuples, or PyTorch's lists in forward mode) and requires_grad."""
    ours = RF.jacobian(fn, _tensors(rg, arrays), **kw)
    theirs = TF.jacobian(fn, _tensors(torch, arrays), **kw)
    assert_tree_close(ours, theirs)


HESS_MODES = [
    {},
    {"create_graph": True},
    {"vectorize": True},
    {"outer_jacobian_strategy": "forward-mode", "vectorize": True},
]


@pytest.mark.parametrize("kw", HESS_MODES, ids=lambda k: "-".join(f"{a}={b}" for a, b in k.items()))
@pytest.mark.parametrize("fn,arrays", [(scalar1, (A,)), (scalar2, (A, B))], ids=["one", "two"])
def test_hessian_matches_pytorch(fn: Callable, arrays: tuple, kw: dict) -> None:
    ours = RF.hessian(fn, _tensors(rg, arrays), **kw)
    theirs = TF.hessian(fn, _tensors(torch, arrays), **kw)
    assert_tree_close(ours, theirs)


PRODUCT_CASES = [
    ("vjp", vector2, (A, B), (W, V)),
    ("vjp", scalar1, (A,), None),
    ("vjp", vector1, (A,), (V,)),
    ("jvp", vector2, (A, B), (V, W)),
    ("jvp", vector1, (A,), (V,)),
    ("hvp", scalar2, (A, B), (V, W)),
    ("hvp", scalar1, (A,), (V,)),
    ("vhp", scalar2, (A, B), (V, W)),
    ("vhp", scalar1, (A,), (V,)),
]


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name,fn,arrays,v", PRODUCT_CASES,
                         ids=[f"{c[0]}-{c[1].__name__}" for c in PRODUCT_CASES])  # fmt: skip
def test_products_match_pytorch(name: str, fn: Callable, arrays: tuple, v: tuple | None,
                                create_graph: bool) -> None:  # fmt: skip
    def run(lib: Any, mod: Any) -> Any:
        vv = None if v is None else _tensors(lib, v)
        return getattr(mod, name)(fn, _tensors(lib, arrays), vv, create_graph=create_graph)

    assert_tree_close(run(rg, RF), run(torch, TF))


def test_create_graph_results_differentiate_back_to_the_inputs() -> None:
    """With create_graph, the Jacobian's own gradient w.r.t. the inputs is PyTorch's."""

    def run(lib: Any, mod: Any) -> Any:
        x, y = _tensors(lib, (A, B), requires_grad=True)
        jac = mod.jacobian(vector2, (x, y), create_graph=True)
        total = sum((j * j).sum() for row in jac for j in row)
        return lib.autograd.grad(total, (x, y))

    assert_tree_close(run(rg, RF), run(torch, TF))


def test_captured_tensors_are_not_inputs() -> None:
    """The function's inputs are new tensors: a captured input tensor is a constant."""

    def run(lib: Any, mod: Any) -> Any:
        x = lib.tensor(A)
        return mod.jacobian(lambda z: z * x, x)

    assert_tree_close(run(rg, RF), run(torch, TF))


def _same_error(call: Callable[[Any, Any], Any]) -> None:
    """retrograd raises PyTorch's exception type with PyTorch's message (Size names aside)."""
    with pytest.raises(Exception) as theirs:
        call(torch, TF)
    with pytest.raises(type(theirs.value)) as ours:
        call(rg, RF)
    # "isonly": a missing space in one of PyTorch's messages, not copied
    norm = str(theirs.value).replace("torch.Size", "Size").replace("isonly", "is only")
    assert str(ours.value).replace("retrograd.Size", "Size") == norm


ERROR_CASES: dict[str, Callable[[Any, Any], Any]] = {
    "strict-independent-output": lambda lib, m: m.jacobian(
        lambda x, y: x * 2, _tensors(lib, (A, B)), strict=True),
    "strict-constant-output": lambda lib, m: m.vjp(
        lambda x: lib.ones(3), lib.tensor(A), lib.tensor(V), strict=True),
    "strict-linear-hessian": lambda lib, m: m.hessian(
        lambda x: x.sum(), lib.tensor(A), strict=True),
    "strict-hvp-linear": lambda lib, m: m.hvp(
        lambda x: x.sum(), lib.tensor(A), lib.tensor(V), strict=True),
    "strict-jvp-unused": lambda lib, m: m.jvp(
        lambda x, y: x.sin(), _tensors(lib, (A, B)), _tensors(lib, (V, W)), strict=True),
    "strict-and-vectorize": lambda lib, m: m.jacobian(
        vector1, lib.tensor(A), strict=True, vectorize=True),
    "strict-and-forward": lambda lib, m: m.jacobian(
        vector1, lib.tensor(A), strict=True, vectorize=True, strategy="forward-mode"),
    "forward-without-vectorize": lambda lib, m: m.jacobian(
        vector1, lib.tensor(A), strategy="forward-mode"),
    "forward-create-graph": lambda lib, m: m.jacobian(
        vector1, lib.tensor(A), create_graph=True, strategy="forward-mode"),
    "bad-strategy": lambda lib, m: m.jacobian(vector1, lib.tensor(A), strategy="sideways"),
    "non-tensor-input": lambda lib, m: m.jacobian(vector1, (lib.tensor(A), 3.0)),
    "non-tensor-single-input": lambda lib, m: m.vjp(vector1, [1.0]),
    "non-tensor-output": lambda lib, m: m.jacobian(lambda x: 2.0, lib.tensor(A)),
    "v-wrong-size": lambda lib, m: m.vjp(vector1, lib.tensor(A), lib.tensor(B)),
    "v-wrong-entry-size": lambda lib, m: m.jvp(
        vector2, _tensors(lib, (A, B)), _tensors(lib, (V, V))),
    "v-wrong-length": lambda lib, m: m.hvp(
        scalar2, _tensors(lib, (A, B)), (lib.tensor(V),)),
    "v-two-for-one": lambda lib, m: m.vjp(
        vector1, lib.tensor(A), (lib.tensor(V), lib.tensor(V))),
    "v-none-needs-scalar": lambda lib, m: m.vjp(vector1, lib.tensor(A)),
    "v-none-needs-one-input": lambda lib, m: m.jvp(vector1, lib.tensor(A)),
    "hvp-vector-output": lambda lib, m: m.hvp(vector1, lib.tensor(A), lib.tensor(V)),
    "vhp-tuple-output": lambda lib, m: m.vhp(single_tuple_out, lib.tensor(A), lib.tensor(V)),
    "hessian-vector-output": lambda lib, m: m.hessian(vector1, lib.tensor(A)),
}  # fmt: skip


@pytest.mark.parametrize("call", ERROR_CASES.values(), ids=ERROR_CASES.keys())
def test_errors_match_pytorch(call: Callable[[Any, Any], Any]) -> None:
    _same_error(call)


# ---------------------------------------------------------------------- forward_ad levels
def test_forward_over_reverse_hessian_vector_product() -> None:
    """``jvp`` of a gradient, through a dual level, is PyTorch's H v (and carries no
    tangent once the level closes)."""

    def run(lib: Any, fw: Any) -> Any:
        x = lib.tensor(A, requires_grad=True)
        with fw.dual_level():
            xd = fw.make_dual(x, lib.tensor(V))
            y = (xd.sin() * xd).sum() + (xd**3).sum() * xd.exp().sum()
            (g,) = lib.autograd.grad(y, xd, create_graph=True)
            primal, tangent = fw.unpack_dual(g)
        return primal, tangent

    (p, t), (tp, tt) = run(rg, rfw), run(torch, tfw)
    assert_close(p, tp)
    assert_close(t, tt)
    assert rfw.unpack_dual(t).tangent is None


def test_nested_levels_give_second_derivatives_without_confusion() -> None:
    """Two open levels: the inner tangent carries the outer one, so d2/dx2 (x sin x) comes
    out exactly; each level's tangent is its own."""
    x0 = 0.7
    with rfw.dual_level() as outer, rfw.dual_level() as inner:
        a = rfw.make_dual(rg.tensor(x0, dtype=rg.float64), rg.tensor(1.0, dtype=rg.float64),
                          level=outer)  # fmt: skip
        b = rfw.make_dual(a, rg.tensor(1.0, dtype=rg.float64), level=inner)
        y = b.sin() * b
        d_inner = rfw.unpack_dual(y, level=inner).tangent
        d_outer = rfw.unpack_dual(y, level=outer).tangent
        d2 = rfw.unpack_dual(d_inner, level=outer).tangent
    first = np.sin(x0) + x0 * np.cos(x0)
    np.testing.assert_allclose(d_inner.item(), first, rtol=1e-14)
    np.testing.assert_allclose(d_outer.item(), first, rtol=1e-14)
    np.testing.assert_allclose(d2.item(), 2 * np.cos(x0) - x0 * np.sin(x0), rtol=1e-14)


def test_inner_level_tangent_of_an_outer_only_function_is_none() -> None:
    """A value that depends only on the outer level's dual has no inner tangent."""
    with rfw.dual_level() as outer, rfw.dual_level() as inner:
        a = rfw.make_dual(rg.tensor(A), rg.tensor(V), level=outer)
        y = a.exp()
        assert rfw.unpack_dual(y, level=inner).tangent is None
        assert_close(rfw.unpack_dual(y, level=outer).tangent,
                     torch.tensor(A).exp() * torch.tensor(V))  # fmt: skip


def test_make_dual_outside_a_level_raises_as_pytorch() -> None:
    with pytest.raises(RuntimeError) as theirs:
        tfw.make_dual(torch.tensor(A), torch.tensor(V))
    with pytest.raises(RuntimeError, match=re.escape(str(theirs.value))):
        rfw.make_dual(rg.tensor(A), rg.tensor(V))


def test_exit_without_an_open_level_raises() -> None:
    with pytest.raises(RuntimeError, match="no level is currently active"):
        rfw.exit_dual_level()
    level = rfw.enter_dual_level()
    rfw.exit_dual_level(level=level)
    with pytest.raises(RuntimeError, match=f"level {level}, which is not open"):
        rfw.exit_dual_level(level=level)


def _inplace_programs(lib: Any, fw: Any) -> list[Any]:
    """In-place changes of and with dual tensors, through views, setitem, copy_ and fill_."""
    x = lib.tensor(A)
    v = lib.tensor(V)
    out = []
    with fw.dual_level():
        xd = fw.make_dual(x, v)
        z = xd.clone()
        z[1:].mul_(2)
        out.append(z)
        z = xd.clone()
        z[:2].exp_()
        out.append(z)
        w = lib.zeros(3, dtype=lib.float64)
        w[1:] = xd[:2]
        out.append(w)
        w = lib.zeros(3, dtype=lib.float64)
        w.copy_(xd)
        out.append(w)
        with lib.no_grad():
            w = lib.ones(3, dtype=lib.float64)
            w.mul_(xd)
        out.append(w)
        z = xd.clone()
        z.zero_()
        out.append(z)
        z = xd.clone()
        z[0] = 5.0
        out.append(z)
        z = xd.clone()
        z.add_(xd.sin())
        return [fw.unpack_dual(t).tangent for t in [*out, z]]


def test_inplace_changes_carry_tangents_as_pytorch() -> None:
    ours, theirs = _inplace_programs(rg, rfw), _inplace_programs(torch, tfw)
    for i, (o, t) in enumerate(zip(ours, theirs)):
        assert o is not None, f"program {i}: no tangent"
        assert_close(o, t)
