"""``retrograd.func`` against ``torch.func``: grad, grad_and_value, vjp, jvp, jacrev, jacfwd,
hessian, vmap and functional_call on the same inputs (values, shapes, output structures,
requires_grad), compositions two and three deep, has_aux and argnums, composition with
ordinary autograd, and PyTorch's errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
import torch.func

import retrograd as rg
import retrograd.func
from _tree_compare import assert_tree_close

RNG = np.random.default_rng(3)
A = RNG.standard_normal(3)
B = RNG.standard_normal((2, 3))
C = RNG.standard_normal(())
LIBS = {"rg": (rg, retrograd.func), "torch": (torch, torch.func)}


def f1(x: Any) -> Any:
    return (x.sin() * x).sum()


def f2(x: Any, y: Any) -> Any:
    return (x * y.exp()).sum() * x.cos().sum()


def fv(x: Any, y: Any) -> Any:
    return x * y.exp(), (y**2).sum(0) * x


def fd(d: Any) -> Any:
    return (d["p"] * d["q"][0]).sum()


# Each case builds, from (lib, func-module), a function of tensors made from the arrays.
CASES: dict[str, tuple[Callable[[Any, Any], Callable], tuple[np.ndarray, ...]]] = {
    "grad": (lambda L, F: F.grad(f1), (A,)),
    "grad-argnums-tuple": (lambda L, F: F.grad(f2, argnums=(0, 1)), (A, B)),
    "grad-argnums-1": (lambda L, F: F.grad(f2, argnums=1), (A, B)),
    "grad-argnums-negative": (lambda L, F: F.grad(f2, argnums=-1), (A, B)),
    "grad-has-aux": (lambda L, F: F.grad(lambda x, y: (f2(x, y), {"s": x * 2}), has_aux=True),
                     (A, B)),
    "grad-dict-input": (lambda L, F: lambda x, y: F.grad(fd)({"p": x, "q": [y]}), (A, B)),
    "grad-unused-input": (lambda L, F: F.grad(lambda x, y: (x * 2).sum(), argnums=(0, 1)),
                          (A, B)),
    "grad-constant": (lambda L, F: F.grad(lambda x: L.tensor(1.0, dtype=L.float64)), (A,)),
    "grad-and-value": (lambda L, F: F.grad_and_value(f2, argnums=(1, 0)), (A, B)),
    "grad-and-value-aux": (lambda L, F: F.grad_and_value(lambda x, y: (f2(x, y), [x * 2]),
                                                         has_aux=True, argnums=-1), (A, B)),
    "vjp": (lambda L, F: lambda x, y: F.vjp(fv, x, y)[1]((y.cos(), y[0])), (A, B)),
    "vjp-output": (lambda L, F: lambda x, y: F.vjp(fv, x, y)[0], (A, B)),
    "vjp-aux": (lambda L, F: lambda x: F.vjp(lambda x: (x.sin(), x * 3), x, has_aux=True)[2],
                (A,)),
    "vjp-dict-output": (lambda L, F: lambda x: F.vjp(lambda x: {"a": x.sin()}, x)[1](
        {"a": x.cos()}), (A,)),
    "jvp": (lambda L, F: lambda x, v: F.jvp(f1, (x,), (v,)), (A, A)),
    "jvp-two-outputs": (lambda L, F: lambda x, y: F.jvp(fv, (x, y), (x.cos(), y.sin())),
                        (A, B)),
    "jvp-aux": (lambda L, F: lambda x, v: F.jvp(lambda x: (x * 2, {"a": x.sum()}), (x,), (v,),
                                                 has_aux=True), (A, A)),
    "jvp-constant-output": (lambda L, F: lambda x: F.jvp(lambda x: (x * 0 + 1, B.shape[0]
                                                                    * L.ones(2)), (x,), (x,)),
                            (A,)),
    "jacrev": (lambda L, F: F.jacrev(fv), (A, B)),
    "jacrev-argnums": (lambda L, F: F.jacrev(fv, argnums=(0, 1)), (A, B)),
    "jacrev-dict-output": (lambda L, F: F.jacrev(lambda x, y: ({"u": x * y}, x.sum())), (A, B)),
    "jacrev-aux": (lambda L, F: F.jacrev(lambda x, y: (x * y, y.sum()), has_aux=True), (A, B)),
    "jacrev-scalar-input": (lambda L, F: F.jacrev(lambda c: c * L.ones(2, dtype=L.float64)),
                            (C,)),
    "jacfwd": (lambda L, F: F.jacfwd(fv, argnums=1), (A, B)),
    "jacfwd-argnums": (lambda L, F: F.jacfwd(fv, argnums=(0, 1)), (A, B)),
    "jacfwd-aux": (lambda L, F: F.jacfwd(lambda x, y: (x * y, y.sum()), has_aux=True), (A, B)),
    "jacfwd-dict-input": (lambda L, F: lambda x, y: F.jacfwd(fd)({"p": x, "q": [y]}), (A, B)),
    "hessian": (lambda L, F: F.hessian(f2), (A, B)),
    "hessian-argnums": (lambda L, F: F.hessian(f2, argnums=(0, 1)), (A, B)),
    # compositions
    "grad-grad": (lambda L, F: F.grad(F.grad(lambda x: x.sin() * x)), (C,)),
    "grad-grad-grad": (lambda L, F: F.grad(F.grad(F.grad(lambda x: x.sin() * x.exp()))), (C,)),
    "grad-of-grad-closure": (lambda L, F: F.grad(lambda x: F.grad(
        lambda y: (y * x).sin().sum())(x).sum()), (A,)),
    "jacfwd-jacrev": (lambda L, F: F.jacfwd(F.jacrev(f1)), (A,)),
    "jacrev-jacfwd": (lambda L, F: F.jacrev(F.jacfwd(f1)), (A,)),
    "jacrev-jacrev": (lambda L, F: F.jacrev(F.jacrev(f1)), (A,)),
    "jacfwd-jacfwd-jacrev": (lambda L, F: F.jacfwd(F.jacfwd(F.jacrev(f1))), (A,)),
    "jacrev-jacfwd-jacrev": (lambda L, F: F.jacrev(F.jacfwd(F.jacrev(f1))), (A,)),
    "jvp-of-grad": (lambda L, F: lambda x, v: F.jvp(F.grad(f1), (x,), (v,)), (A, A)),
    "jvp-of-jvp": (lambda L, F: lambda x, v: F.jvp(
        lambda x: F.jvp(lambda y: y * x, (x,), (x,))[1], (x,), (v,)), (A, A)),
    "vjp-of-grad": (lambda L, F: lambda x: F.vjp(F.grad(f1), x)[1](x.exp()), (A,)),
    "vmap-grad": (lambda L, F: F.vmap(F.grad(f1)), (B,)),
    "grad-vmap": (lambda L, F: F.grad(lambda x: F.vmap(f1)(x).sum()), (B,)),
    "vmap-jacrev": (lambda L, F: F.vmap(F.jacrev(lambda x: x.sin())), (B,)),
    "vmap-hessian": (lambda L, F: F.vmap(F.hessian(f1)), (B,)),
    "vmap-jvp": (lambda L, F: F.vmap(lambda x: F.jvp(f1, (x,), (x.cos(),))), (B,)),
    "jacrev-vmap": (lambda L, F: F.jacrev(F.vmap(lambda x: x.sin() * x.sum())), (B,)),
    # vmap
    "vmap-vmap": (lambda L, F: F.vmap(F.vmap(lambda x, y: x * y), in_dims=(0, None)), (B, A)),
    "vmap-in-dim-1-out-dim-1": (lambda L, F: F.vmap(lambda x, y: x * y, in_dims=(1, None),
                                                    out_dims=1), (B, C)),
    "vmap-negative-dims": (lambda L, F: F.vmap(lambda x: x * 2, in_dims=-1, out_dims=-1), (B,)),
    "vmap-nested-in-dims": (lambda L, F: lambda x, p, q: F.vmap(
        lambda x, y: (x * y[0], y[1].sum()), in_dims=(0, (None, 1)), out_dims=(1, 0))(
        x, (p, q)), (A, B.T, B)),
    "vmap-dict-in-dims": (lambda L, F: lambda x, y: F.vmap(
        lambda d, y: {"r": d["k"] + y}, in_dims=({"k": 0}, None))({"k": x}, y), (B, A)),
    "vmap-out-dims-none": (lambda L, F: lambda x, y: F.vmap(
        lambda x: (x * 2, y), out_dims=(0, None))(x), (B, A)),
    "vmap-tuple-out-dims": (lambda L, F: F.vmap(lambda x: (x.sum(), x * 2), out_dims=(0, -1)),
                            (B,)),
    "vmap-kwargs-unbatched": (lambda L, F: lambda x, y: F.vmap(lambda x, s: x * s)(x, s=y),
                              (B, A)),
    "vmap-empty-batch": (lambda L, F: F.vmap(lambda x: x.sum(), in_dims=1), (np.zeros((0, 2)),)),
}  # fmt: skip


@pytest.mark.parametrize("build,arrays", CASES.values(), ids=CASES.keys())
def test_matches_torch_func(build: Callable, arrays: tuple[np.ndarray, ...]) -> None:
    """Values, shapes, dtypes, nesting and requires_grad of every result equal PyTorch's."""
    results = []
    for lib, mod in LIBS.values():
        fn = build(lib, mod)
        results.append(fn(*[lib.tensor(a) for a in arrays]))
    assert_tree_close(*results)


def test_results_compose_with_ordinary_autograd() -> None:
    """An input or a captured tensor that requires grad stays connected through the
    transform; under no_grad, and for tensors not requiring grad, results carry no history."""

    def run(lib: Any, F: Any) -> tuple:
        x = lib.tensor(A[:2], requires_grad=True)
        w = lib.tensor(A[1:], requires_grad=True)
        y = lib.tensor(B[0, :2])
        g = F.grad(f1)(x)
        with lib.no_grad():
            g_off = F.grad(f1)(x)
        gw = F.grad(lambda y: (y * w).sin().sum())(y)
        o, t = F.jvp(lambda y: (y * w).sin(), (y,), (lib.ones(2, dtype=lib.float64),))
        return (g, lib.autograd.grad(g.sum(), x), g_off, lib.autograd.grad(gw.sum(), w),
                o, t, lib.autograd.grad(t.sum(), w))  # fmt: skip

    assert_tree_close(run(*LIBS["rg"]), run(*LIBS["torch"]))


def test_vjp_fn_can_be_called_many_times() -> None:
    out = {}
    for name, (lib, F) in LIBS.items():
        _, fn = F.vjp(lambda x: x.exp() * x, lib.tensor(A))
        out[name] = (fn(lib.tensor(A)), fn(lib.ones(3, dtype=lib.float64)))
    assert_tree_close(out["rg"], out["torch"])


def test_per_sample_gradients_and_hessians() -> None:
    """The torch.func idiom: vmap over grad / hessian of a loss of a parameter dict."""
    w, b = RNG.standard_normal((2, 3)), RNG.standard_normal(2)
    xs, ys = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 2))

    def run(lib: Any, F: Any) -> tuple:
        params = {"w": lib.tensor(w), "b": lib.tensor(b)}

        def loss(p: Any, x: Any, y: Any) -> Any:
            pred = (x.unsqueeze(0) @ p["w"].T).squeeze(0) + p["b"]
            return ((pred - y) ** 2).mean()

        x, y = lib.tensor(xs), lib.tensor(ys)
        per_sample = F.vmap(F.grad(loss), in_dims=(None, 0, 0))(params, x, y)
        hess = F.vmap(F.hessian(loss, argnums=1), in_dims=(None, 0, 0))(params, x, y)
        jac = F.jacfwd(F.vmap(lambda x: F.grad(loss, argnums=1)(params, x, y[0])))(x)
        return per_sample, hess, jac

    assert_tree_close(run(*LIBS["rg"]), run(*LIBS["torch"]))


def test_vjp_result_differentiates_back_to_a_cotangent_requiring_grad() -> None:
    def run(lib: Any, F: Any) -> tuple:
        ct = lib.tensor(A, requires_grad=True)
        _, fn = F.vjp(lambda x: x.sin() * x, lib.tensor(A[::-1].copy()))
        (g,) = fn(ct)
        return g, lib.autograd.grad((g * g).sum(), ct)

    assert_tree_close(run(*LIBS["rg"]), run(*LIBS["torch"]))


# ---------------------------------------------------------------------- functional_call
class RgLinear:
    """A stand-in module: parameters and a buffer reached by attribute, a submodule."""

    def __init__(self) -> None:
        self.weight = rg.tensor(B, requires_grad=True)
        self.inner = type("Inner", (), {})()
        self.inner.bias = rg.tensor(B[:, 0], requires_grad=True)
        self.scale = rg.tensor(2.0, dtype=rg.float64)

    def named_parameters(self) -> Any:
        return iter([("weight", self.weight), ("inner.bias", self.inner.bias)])

    def named_buffers(self) -> Any:
        return iter([("scale", self.scale)])

    def __call__(self, x: Any) -> Any:
        return (x @ self.weight.T + self.inner.bias) * self.scale


class TorchLinear(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.tensor(B))
        self.inner = torch.nn.Module()
        self.inner.bias = torch.nn.Parameter(torch.tensor(B[:, 0]))
        self.register_buffer("scale", torch.tensor(2.0, dtype=torch.float64))

    def forward(self, x: Any) -> Any:
        return (x @ self.weight.T + self.inner.bias) * self.scale


def test_functional_call_replaces_and_restores_parameters_and_buffers() -> None:
    def run(lib: Any, F: Any, module: Any) -> tuple:
        x = lib.tensor(A)
        new = {"weight": lib.tensor(B * 3), "scale": lib.tensor(0.5, dtype=lib.float64)}
        y = F.functional_call(module, new, (x,))
        two = ({"inner.bias": lib.zeros(2, dtype=lib.float64)},
               {"scale": lib.tensor(1.0, dtype=lib.float64)})  # fmt: skip
        y_two_dicts = F.functional_call(module, two, x)
        restored = module(x)
        # gradients w.r.t. the dict of parameters: functional_call inside grad
        params = {"weight": lib.tensor(B), "inner.bias": lib.tensor(B[:, 0])}
        g = F.grad(lambda p: F.functional_call(module, p, (x,)).sum())(params)
        return y, y_two_dicts, restored, g

    ours = run(rg, retrograd.func, RgLinear())
    assert_tree_close(ours, run(torch, torch.func, TorchLinear()))


def test_functional_call_restores_after_an_error() -> None:
    module = RgLinear()
    weight = module.weight
    with pytest.raises(RuntimeError):
        retrograd.func.functional_call(module, {"weight": rg.zeros(5, 5)}, (rg.tensor(A),))
    assert module.weight is weight


def test_functional_call_strict_and_duplicates() -> None:
    module = RgLinear()
    with pytest.raises(RuntimeError, match=re.escape("Missing key(s): 'inner.bias', 'scale'")):
        retrograd.func.functional_call(module, {"weight": rg.tensor(B)}, (rg.tensor(A),),
                                       strict=True)  # fmt: skip
    with pytest.raises(ValueError, match=re.escape("['scale'] appeared in multiple")):
        twice = ({"scale": rg.tensor(1.0)}, {"scale": rg.tensor(1.0)})
        retrograd.func.functional_call(module, twice, rg.tensor(A))


# ---------------------------------------------------------------------- errors
def _errors(call: Callable[[Any, Any], Any]) -> tuple[BaseException, BaseException]:
    with pytest.raises(Exception) as theirs:
        call(torch, torch.func)
    with pytest.raises(type(theirs.value)) as ours:
        call(rg, retrograd.func)
    return ours.value, theirs.value


def _vec(L: Any) -> Any:
    return L.tensor(A)


# PyTorch's exception type and message; where the message prints a tree structure (whose
# repr differs) the part before it is compared.
ERRORS: dict[str, Callable[[Any, Any], Any]] = {
    "grad-non-scalar": lambda L, F: F.grad(lambda x: x)(_vec(L)),
    "grad-aux-not-tuple": lambda L, F: F.grad(lambda x: x.sum(), has_aux=True)(_vec(L)),
    "grad-aux-one-tuple": lambda L, F: F.grad(lambda x: (x.sum(),), has_aux=True)(_vec(L)),
    "grad-argnum-range": lambda L, F: F.grad(f1, argnums=2)(_vec(L)),
    "grad-argnums-empty": lambda L, F: F.grad(f1, argnums=())(_vec(L)),
    "grad-argnums-float": lambda L, F: F.grad(f1, argnums=1.0)(_vec(L)),
    "grad-non-tensor": lambda L, F: F.grad(f1)(1.0),
    "grad-no-args": lambda L, F: F.grad(f1)(),
    "grad-int-input": lambda L, F: F.grad(lambda x: x.sum())(L.tensor([1, 2])),
    "jvp-primals-not-tuple": lambda L, F: F.jvp(f1, _vec(L), _vec(L)),
    "jvp-structure": lambda L, F: F.jvp(f1, (_vec(L),), (_vec(L), _vec(L))),
    "jvp-tangent-shape": lambda L, F: F.jvp(f1, (_vec(L),), (L.ones(2, 2),)),
    "jvp-non-tensor-output": lambda L, F: F.jvp(lambda x: 2, (_vec(L),), (_vec(L),)),
    "jvp-non-tensor-primal": lambda L, F: F.jvp(f1, (1.0,), (_vec(L),)),
    "jvp-non-tensor-tangent": lambda L, F: F.jvp(f1, (_vec(L),), (1.0,)),
    "jvp-int-tangent": lambda L, F: F.jvp(f1, (_vec(L),), (L.tensor([1, 2, 3]),)),
    "jvp-int-primal": lambda L, F: F.jvp(f1, (L.tensor([1, 2, 3]),), (L.tensor([1, 2, 3]),)),
    "vjp-non-tensor-output": lambda L, F: F.vjp(lambda x: 2, _vec(L)),
    "vjp-cotangent-structure": lambda L, F: F.vjp(lambda x: (x, x), _vec(L))[1](_vec(L)),
    "vjp-cotangent-shape": lambda L, F: F.vjp(lambda x: x, _vec(L))[1](L.ones(2, 2)),
    "vmap-size-mismatch": lambda L, F: F.vmap(L.add)(L.ones(2, 3), L.ones(3, 3)),
    "vmap-in-dims-structure": lambda L, F: F.vmap(L.add, in_dims=(0,))(L.ones(2), L.ones(2)),
    "vmap-in-dim-range": lambda L, F: F.vmap(L.add, in_dims=(2, 0))(L.ones(2, 3), L.ones(2)),
    "vmap-nothing-batched": lambda L, F: F.vmap(L.add, in_dims=(None, None))(L.ones(2),
                                                                             L.ones(2)),
    "vmap-non-tensor": lambda L, F: F.vmap(lambda a: a, in_dims=0)(1.0),
    "vmap-0d": lambda L, F: F.vmap(lambda a: a)(L.tensor(1.0)),
    "vmap-batched-out-none": lambda L, F: F.vmap(lambda a: a.sum(), out_dims=None)(_vec(L)),
    "vmap-non-tensor-output": lambda L, F: F.vmap(lambda a: 3.0)(_vec(L)),
    "vmap-out-dims-structure": lambda L, F: F.vmap(lambda a: (a, a), out_dims=(0,))(_vec(L)),
    "vmap-out-dim-range": lambda L, F: F.vmap(lambda a: a, out_dims=5)(L.ones(2, 3)),
    "vmap-in-dims-type": lambda L, F: F.vmap(lambda a: a, in_dims="a")(_vec(L)),
    "vmap-no-inputs": lambda L, F: F.vmap(lambda: 1)(),
    "vmap-randomness": lambda L, F: F.vmap(lambda a: a, randomness="sometimes")(_vec(L)),
    "jacfwd-randomness": lambda L, F: F.jacfwd(f1, randomness="sometimes")(_vec(L)),
    "vmap-chunk-size": lambda L, F: F.vmap(lambda a: a, chunk_size=0)(_vec(L)),
    "jacrev-chunk-size": lambda L, F: F.jacrev(f1, chunk_size=0)(_vec(L)),
    "vmap-in-dim-float": lambda L, F: F.vmap(lambda a: a, in_dims=(1.5,))(_vec(L)),
    "vmap-in-dims-list": lambda L, F: F.vmap(lambda a: a, in_dims=[0])(_vec(L)),
    "jacrev-complex-input": lambda L, F: F.jacrev(lambda a: a.abs())(_vec(L) * 1j),
    "jacrev-complex-output": lambda L, F: F.jacrev(lambda a: a * 1j)(_vec(L)),
    "jacfwd-complex-input": lambda L, F: F.jacfwd(lambda a: a.abs())(_vec(L) * 1j),
    "jacfwd-complex-output": lambda L, F: F.jacfwd(lambda a: (a, a * 1j))(_vec(L)),
}  # fmt: skip


@pytest.mark.parametrize("call", ERRORS.values(), ids=ERRORS.keys())
def test_errors_match_torch_func(call: Callable[[Any, Any], Any]) -> None:
    ours, theirs = _errors(call)
    norm = [str(e).replace("torch.", "").replace("retrograd.", "") for e in (ours, theirs)]
    cut = norm[1].find("TreeSpec")
    if cut >= 0:
        norm = [m[:cut] for m in norm]
    assert norm[0] == norm[1]


VMAP_UNBATCHED_OUTPUTS = {
    "a constant": (lambda L: lambda x: L.tensor(1.0), None, None),
    "per output": (lambda L: lambda x: (x * 2, L.tensor(5.0)), None, (0, None)),
    "an unbatched input": (lambda L: lambda x, y: y * 3, (0, None), None),
    "a dict": (lambda L: lambda x, y: {"a": x, "b": y}, (0, None), {"a": 1, "b": None}),
}


@pytest.mark.parametrize("name", list(VMAP_UNBATCHED_OUTPUTS))
def test_vmap_out_dims_none_returns_unbatched_outputs_as_torch(name: str) -> None:
    make, in_dims, out_dims = VMAP_UNBATCHED_OUTPUTS[name]
    got = []
    for lib, vmap in ((torch, torch.func.vmap), (rg, rg.func.vmap)):
        args = (lib.arange(6.0).reshape(2, 3), lib.ones(3))
        fn = make(lib)
        nargs = 1 if in_dims is None else 2
        kw = {} if in_dims is None else {"in_dims": in_dims}
        got.append(vmap(fn, out_dims=out_dims, **kw)(*args[:nargs]))
    assert_tree_close(got[1], got[0])
