"""Every optimizer and option against ``torch.optim`` (single-tensor kernels): five steps with
identical gradients, then parameters, every state tensor and the state_dict compared; plus the
Optimizer base (groups, zero_grad, state_dict round trips, hooks, bad input)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
from _torch_compare import assert_close

SHAPES = [(3, 4), (5,)]
STEPS = 5

CASES: list[tuple[str, dict[str, Any]]] = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.5, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, maximize=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True, maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, weight_decay=0.1, eps=1e-4)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.5)),
    ("Adagrad", dict(lr=0.1, eps=1e-5, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1, maximize=True)),
    ("Adamax", dict(lr=0.01)),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1, maximize=True)),
    ("NAdam", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, momentum_decay=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict(lr=0.01)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1)),
    ("RAdam", dict(lr=0.01, betas=(0.9, 0.5), weight_decay=0.1, decoupled_weight_decay=True)),
]


def _pair(rng: np.random.Generator, dtype: Any = np.float32) -> tuple[list, list]:
    arrays = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    ours = [rg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    return ours, theirs


def _set_grads(rng: np.random.Generator, ours: list, theirs: list) -> None:
    for p, q in zip(ours, theirs):
        g = rng.standard_normal(p.shape).astype(p.detach().numpy().dtype)
        p.grad = rg.tensor(g)
        q.grad = torch.tensor(g)


def _assert_same_state(opt: Any, topt: Any, ours: list, theirs: list) -> None:
    for p, q in zip(ours, theirs):
        assert_close(p, q)
        assert set(opt.state[p]) == set(topt.state[q])
        for key, value in topt.state[q].items():
            assert_close(opt.state[p][key], value)
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert sd["param_groups"] == tsd["param_groups"]
    assert set(sd["state"]) == set(tsd["state"])


def _run(name: str, kwargs: dict[str, Any], dtype: Any = np.float32) -> tuple:
    rng = np.random.default_rng(0)
    ours, theirs = _pair(rng, dtype)
    opt = getattr(rg.optim, name)(ours, foreach=False, **kwargs)
    topt = getattr(torch.optim, name)(theirs, foreach=False, **kwargs)
    for _ in range(STEPS):
        _set_grads(rng, ours, theirs)
        opt.step()
        topt.step()
        _assert_same_state(opt, topt, ours, theirs)
    return opt, topt, ours, theirs


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_steps_match_torch(name: str, kwargs: dict[str, Any]) -> None:
    _run(name, kwargs)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "NAdam"])
def test_float64_parameters_match_torch(name: str) -> None:
    kwargs = dict(lr=0.01, momentum=0.9) if name in ("SGD", "RMSprop") else dict(lr=0.01)
    opt, _, ours, _ = _run(name, kwargs, dtype=np.float64)
    # the step counter stays float32 whatever the parameter dtype, as in PyTorch
    if "step" in opt.state[ours[0]]:
        assert opt.state[ours[0]]["step"].dtype == rg.float32


def test_two_param_groups_use_their_own_options() -> None:
    rng = np.random.default_rng(1)
    ours, theirs = _pair(rng)
    opt = rg.optim.SGD([{"params": [ours[0]]}, {"params": [ours[1]], "lr": 0.5}], lr=0.1,
                       momentum=0.9, foreach=False)  # fmt: skip
    topt = torch.optim.SGD([{"params": [theirs[0]]}, {"params": [theirs[1]], "lr": 0.5}],
                           lr=0.1, momentum=0.9, foreach=False)  # fmt: skip
    for _ in range(3):
        _set_grads(rng, ours, theirs)
        opt.step()
        topt.step()
    _assert_same_state(opt, topt, ours, theirs)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]


def test_parameters_without_grad_are_skipped() -> None:
    a = rg.ones(3, requires_grad=True)
    b = rg.ones(3, requires_grad=True)
    opt = rg.optim.Adam([a, b], lr=0.1)
    a.grad = rg.ones(3)
    opt.step()
    assert b.tolist() == [1.0, 1.0, 1.0]
    assert len(opt.state[b]) == 0 and "exp_avg" in opt.state[a]


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none: bool) -> None:
    p = rg.ones(2, requires_grad=True)
    (p * 3).sum().backward()
    opt = rg.optim.SGD([p], lr=0.1)
    opt.zero_grad(set_to_none=set_to_none)
    if set_to_none:
        assert p.grad is None
    else:
        assert p.grad.tolist() == [0.0, 0.0]


def test_step_with_closure_returns_loss_and_computes_grads() -> None:
    x = rg.tensor([1.0, -2.0], requires_grad=True)
    tx = torch.tensor([1.0, -2.0], requires_grad=True)
    opt = rg.optim.SGD([x], lr=0.1)
    topt = torch.optim.SGD([tx], lr=0.1)

    def closure() -> rg.Tensor:
        opt.zero_grad()
        loss = (x**2).sum()
        loss.backward()
        return loss

    def tclosure() -> torch.Tensor:
        topt.zero_grad()
        loss = (tx**2).sum()
        loss.backward()
        return loss

    with rg.no_grad():  # the closure must still be able to build a graph
        loss = opt.step(closure)
    tloss = topt.step(tclosure)
    assert loss.item() == tloss.item()
    assert_close(x, tx)


def test_state_dict_round_trip_continues_identically() -> None:
    opt, topt, ours, theirs = _run("Adam", dict(lr=0.01, amsgrad=True))
    sd = opt.state_dict()
    assert list(sd["state"]) == [0, 1]
    fresh = [rg.tensor(p.detach().numpy(), requires_grad=True) for p in ours]
    opt2 = rg.optim.Adam(fresh, lr=0.5)
    opt2.load_state_dict(sd)
    assert opt2.param_groups[0]["lr"] == 0.01
    assert opt2.param_groups[0]["params"][0] is fresh[0]
    rng = np.random.default_rng(5)
    _set_grads(rng, fresh, theirs)
    opt2.step()
    topt.step()
    _assert_same_state(opt2, topt, fresh, theirs)


def test_loads_torch_state_dict() -> None:
    _, topt, ours, theirs = _run("SGD", dict(lr=0.1, momentum=0.9))
    tsd = topt.state_dict()
    state = {k: {n: rg.tensor(v.numpy()) for n, v in s.items()} for k, s in tsd["state"].items()}
    converted = {"state": state, "param_groups": tsd["param_groups"]}
    opt = rg.optim.SGD(ours, lr=0.3)
    opt.load_state_dict(converted)
    _assert_same_state(opt, topt, ours, theirs)


def test_load_state_dict_casts_to_param_dtype_but_not_step() -> None:
    p = rg.zeros(2, dtype=rg.float64, requires_grad=True)
    opt = rg.optim.Adam([p])
    sd = {
        "state": {0: {"step": rg.tensor(3.0), "exp_avg": rg.ones(2), "exp_avg_sq": rg.ones(2)}},
        "param_groups": [dict(opt.state_dict()["param_groups"][0])],
    }
    opt.load_state_dict(sd)
    assert opt.state[p]["exp_avg"].dtype == rg.float64
    assert opt.state[p]["step"].dtype == rg.float32


def test_load_state_dict_mismatch_errors() -> None:
    a, b = rg.ones(2, requires_grad=True), rg.ones(2, requires_grad=True)
    opt = rg.optim.SGD([a, b], lr=0.1)
    one = rg.optim.SGD([a], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        opt.load_state_dict(one)
    two_groups = rg.optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict(two_groups)


def test_add_param_group_fills_defaults_and_checks() -> None:
    a, b = rg.ones(2, requires_grad=True), rg.ones(2, requires_grad=True)
    opt = rg.optim.Adam([a], lr=0.1)
    opt.add_param_group({"params": b, "eps": 1e-3})
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["eps"] == 1e-3
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(TypeError, match="ordered collections"):
        opt.add_param_group({"params": {rg.ones(1, requires_grad=True)}})
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([a])  # type: ignore[arg-type]


def test_named_parameters_are_accepted() -> None:
    a = rg.ones(2, requires_grad=True)
    opt = rg.optim.SGD([("w", a)], lr=0.1)
    topt = torch.optim.SGD([("w", torch.ones(2, requires_grad=True))], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["w"]
    assert opt.state_dict()["param_groups"] == topt.state_dict()["param_groups"]


def test_bad_parameters_are_rejected() -> None:
    leaf = rg.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        rg.optim.SGD([leaf * 2], lr=0.1)
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
        rg.optim.SGD(leaf, lr=0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        rg.optim.Adam([], lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        rg.optim.Adam([1.0])


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("SGD", dict(lr=-1.0), "Invalid learning rate: -1.0"),
        ("SGD", dict(lr=0.1, nesterov=True), "Nesterov momentum requires"),
        ("Adam", dict(betas=(1.0, 0.9)), "Invalid beta parameter at index 0: 1.0"),
        ("Adam", dict(eps=-1e-8), "Invalid epsilon value: -1e-08"),
        ("RMSprop", dict(alpha=-0.5), "Invalid alpha value: -0.5"),
        ("Adadelta", dict(rho=1.5), "Invalid rho value: 1.5"),
        ("Adagrad", dict(lr_decay=-1), "Invalid lr_decay value: -1"),
    ],
)
def test_invalid_hyper_parameters_match_torch(name: str, kwargs: dict, message: str) -> None:
    p = torch.ones(1, requires_grad=True)
    with pytest.raises(ValueError, match=re.escape(message)):
        getattr(torch.optim, name)([p], **kwargs)
    with pytest.raises(ValueError, match=re.escape(message)):
        getattr(rg.optim, name)([rg.ones(1, requires_grad=True)], **kwargs)


def test_step_hooks_run_in_order_and_can_be_removed() -> None:
    p = rg.ones(2, requires_grad=True)
    p.grad = rg.ones(2)
    opt = rg.optim.SGD([p], lr=0.1)
    calls: list[str] = []
    pre = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append("pre"))
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append("post"))
    opt.step()
    assert calls == ["pre", "post"]
    pre.remove()
    opt.step()
    assert calls == ["pre", "post", "post"]


def test_custom_optimizer_subclass_gets_hooks() -> None:
    class Halve(rg.optim.Optimizer):
        def __init__(self, params: Any) -> None:
            super().__init__(params, {"lr": 0.5})

        def step(self, closure: Any = None) -> None:
            with rg.no_grad():
                for group in self.param_groups:
                    for p in group["params"]:
                        p.mul_(group["lr"])

    p = rg.ones(2, requires_grad=True)
    opt = Halve([p])
    seen: list[int] = []
    opt.register_step_post_hook(lambda o, a, k: seen.append(1))
    opt.step()
    assert p.tolist() == [0.5, 0.5] and seen == [1]


def test_repr_matches_torch() -> None:
    def groups(lib: Any) -> list[dict[str, Any]]:
        return [{"params": [lib.ones(1, requires_grad=True)]},
                {"params": [lib.ones(1, requires_grad=True)], "lr": 0.5}]  # fmt: skip

    ours = rg.optim.SGD(groups(rg), lr=0.1, momentum=0.9)
    theirs = torch.optim.SGD(groups(torch), lr=0.1, momentum=0.9)
    assert repr(ours) == repr(theirs)


def _lbfgs_run(lib: Any, steps: int = 3, **kwargs: Any) -> tuple:
    x = lib.tensor(np.array([-1.5, 2.0, 0.5]), requires_grad=True)
    opt = lib.optim.LBFGS([x], **kwargs)

    def rosenbrock() -> Any:
        opt.zero_grad()
        loss = ((1 - x[:-1]) ** 2).sum() + 100 * ((x[1:] - x[:-1] ** 2) ** 2).sum()
        loss.backward()
        return loss

    losses = [opt.step(rosenbrock).item() for _ in range(steps)]
    return x, losses, opt.state[x]


# float64: float32 rounding differences grow along Rosenbrock's curved valley, so the paths
# are compared where both libraries' arithmetic is exact enough to stay together.
@pytest.mark.parametrize(
    "kwargs",
    [
        dict(),
        dict(history_size=3, max_iter=7),
        dict(line_search_fn="strong_wolfe"),
        dict(line_search_fn="strong_wolfe", history_size=3, max_iter=7, lr=0.5),
    ],
)
def test_lbfgs_matches_torch(kwargs: dict[str, Any]) -> None:
    x, losses, state = _lbfgs_run(rg, **kwargs)
    tx, tlosses, tstate = _lbfgs_run(torch, **kwargs)
    assert_close(x, tx, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(losses, tlosses, rtol=1e-6)
    assert (state["func_evals"], state["n_iter"]) == (tstate["func_evals"], tstate["n_iter"])
    assert set(state) == set(tstate)
    assert_close(state["d"], tstate["d"], rtol=1e-5, atol=1e-7)
    assert len(state["old_dirs"]) == len(tstate["old_dirs"])


def test_lbfgs_rejects_groups_and_unknown_line_search() -> None:
    a, b = rg.ones(1, requires_grad=True), rg.ones(1, requires_grad=True)
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        rg.optim.LBFGS([{"params": [a]}, {"params": [b]}])
    opt = rg.optim.LBFGS([a], line_search_fn="armijo")

    def closure() -> rg.Tensor:
        opt.zero_grad()
        loss = (a**2).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)


def test_differentiable_steps_are_refused_clearly() -> None:
    with pytest.raises(NotImplementedError, match="differentiable=True is not supported"):
        rg.optim.Adam([rg.ones(2, requires_grad=True)], differentiable=True)


def test_adagrad_state_exists_before_the_first_step_as_in_torch() -> None:
    p, q = rg.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    ours = rg.optim.Adagrad([p], initial_accumulator_value=0.5).state_dict()
    theirs = torch.optim.Adagrad([q], initial_accumulator_value=0.5).state_dict()
    assert set(ours["state"][0]) == set(theirs["state"][0]) == {"step", "sum"}
    assert_close(ours["state"][0]["sum"], theirs["state"][0]["sum"])


def test_state_dict_hooks_run_and_can_rewrite() -> None:
    p = rg.ones(2, requires_grad=True)
    opt = rg.optim.SGD([p], lr=0.1)
    calls: list[str] = []
    opt.register_state_dict_pre_hook(lambda o: calls.append("pre"))
    opt.register_state_dict_pre_hook(lambda o: calls.append("first"), prepend=True)
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
    sd = opt.state_dict()
    assert calls == ["first", "pre"] and sd["extra"] == 1

    def halve_lr(o: Any, sd: dict) -> dict:
        groups = [{**g, "lr": g["lr"] / 2} for g in sd["param_groups"]]
        return {"state": sd["state"], "param_groups": groups}

    opt.register_load_state_dict_pre_hook(halve_lr)
    handle = opt.register_load_state_dict_post_hook(lambda o: calls.append("loaded"))
    opt.load_state_dict(sd)
    assert opt.param_groups[0]["lr"] == 0.05 and calls[-1] == "loaded"
    handle.remove()
    opt.load_state_dict(opt.state_dict())
    assert calls.count("loaded") == 1
