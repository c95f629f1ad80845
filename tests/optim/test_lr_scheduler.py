"""Every learning-rate scheduler against ``torch.optim.lr_scheduler``: the lr (and momentum)
sequences over 30 steps for two parameter groups, state_dict keys, and state_dict round trips
that continue the schedule exactly."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import torch

import retrograd as rg

STEPS = 30


def _scale(x: float) -> float:
    return 0.5**x


SCHEDULES: dict[str, Callable[[Any, Any], Any]] = {
    "StepLR": lambda m, o: m.StepLR(o, step_size=4, gamma=0.5),
    "MultiStepLR": lambda m, o: m.MultiStepLR(o, milestones=[3, 7, 7, 20], gamma=0.3),
    "ExponentialLR": lambda m, o: m.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda m, o: m.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
    "WarmRestarts": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2, eta_min=0.01),
    "WarmRestarts-1": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=5),
    "LambdaLR": lambda m, o: m.LambdaLR(o, lr_lambda=lambda e: 1 / (1 + e)),
    "LambdaLR-list": lambda m, o: m.LambdaLR(o, [lambda e: 0.9**e, lambda e: e % 3 + 1]),
    "MultiplicativeLR": lambda m, o: m.MultiplicativeLR(o, lr_lambda=lambda e: 0.95),
    "LinearLR": lambda m, o: m.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=10),
    "ConstantLR": lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=6),
    "PolynomialLR": lambda m, o: m.PolynomialLR(o, total_iters=12, power=2.0),
    "OneCycleLR": lambda m, o: m.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=STEPS + 1),
    "OneCycleLR-3": lambda m, o: m.OneCycleLR(
        o, max_lr=0.3, epochs=4, steps_per_epoch=8, anneal_strategy="linear", three_phase=True
    ),
    "CyclicLR": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4),
    "CyclicLR-tri2": lambda m, o: m.CyclicLR(
        o, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=3, step_size_down=5, mode="triangular2"
    ),
    "CyclicLR-exp": lambda m, o: m.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=3, mode="exp_range", gamma=0.9
    ),
    "CyclicLR-fn": lambda m, o: m.CyclicLR(
        o, 0.01, 0.1, step_size_up=2, scale_fn=_scale, scale_mode="iterations"
    ),
    "SequentialLR": lambda m, o: m.SequentialLR(
        o,
        [m.LinearLR(o, start_factor=0.1, total_iters=5), m.CosineAnnealingLR(o, T_max=10)],
        milestones=[5],
    ),
    "ChainedScheduler": lambda m, o: m.ChainedScheduler(
        [m.ConstantLR(o, factor=0.5, total_iters=4), m.ExponentialLR(o, gamma=0.9)]
    ),
}


def _optimizers(adam: bool = False) -> tuple[Any, Any]:
    made = []
    for lib in (rg, torch):
        a, b = lib.zeros(2, requires_grad=True), lib.zeros(3, requires_grad=True)
        groups = [{"params": [a]}, {"params": [b], "lr": 0.05}]
        if adam:
            made.append(lib.optim.Adam(groups, lr=0.1))
        else:
            made.append(lib.optim.SGD(groups, lr=0.1, momentum=0.9))
    return made[0], made[1]


def _trace(opt: Any, sched: Any, steps: int, metrics: list[float] | None = None) -> list:
    out = []
    for i in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        out.append((sched.get_last_lr(), [(g["lr"], g.get("momentum"), g.get("betas"))
                                          for g in opt.param_groups]))  # fmt: skip
    return out


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_lr_sequence_matches_torch(name: str) -> None:
    opt, topt = _optimizers()
    sched = SCHEDULES[name](rg.optim.lr_scheduler, opt)
    tsched = SCHEDULES[name](torch.optim.lr_scheduler, topt)
    assert sched.get_last_lr() == tsched.get_last_lr()
    assert _trace(opt, sched, STEPS) == _trace(topt, tsched, STEPS)


@pytest.mark.parametrize("name", ["OneCycleLR", "CyclicLR"])
def test_cycled_adam_betas_match_torch(name: str) -> None:
    opt, topt = _optimizers(adam=True)
    sched = SCHEDULES[name](rg.optim.lr_scheduler, opt)
    tsched = SCHEDULES[name](torch.optim.lr_scheduler, topt)
    assert _trace(opt, sched, 20) == _trace(topt, tsched, 20)


PLATEAU_METRICS = [1.0, 0.9, 0.95, 0.96, 0.97, 0.5, 0.6, 0.6, 0.6, 0.6] * 3


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(patience=1),
        dict(mode="max", factor=0.5, patience=0, threshold=0.1, threshold_mode="abs"),
        dict(patience=1, cooldown=2, min_lr=[0.02, 0.001]),
        dict(patience=0, min_lr=0.03, eps=1e-3),
    ],
)
def test_reduce_on_plateau_matches_torch(kwargs: dict[str, Any]) -> None:
    opt, topt = _optimizers()
    sched = rg.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    tsched = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kwargs)
    ours = _trace(opt, sched, STEPS, PLATEAU_METRICS)
    assert ours == _trace(topt, tsched, STEPS, PLATEAU_METRICS)
    assert sched.state_dict() == tsched.state_dict()


@pytest.mark.parametrize(
    "name", ["StepLR", "MultiStepLR", "CosineAnnealingLR", "LinearLR", "OneCycleLR", "WarmRestarts"]
)
def test_state_dict_keys_and_values_match_torch(name: str) -> None:
    opt, topt = _optimizers()
    sched = SCHEDULES[name](rg.optim.lr_scheduler, opt)
    tsched = SCHEDULES[name](torch.optim.lr_scheduler, topt)
    _trace(opt, sched, 7)
    _trace(topt, tsched, 7)
    assert sched.state_dict() == tsched.state_dict()


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_state_dict_round_trip_resumes_the_schedule(name: str) -> None:
    opt, _ = _optimizers()
    sched = SCHEDULES[name](rg.optim.lr_scheduler, opt)
    _trace(opt, sched, 10)
    opt_state, sched_state = opt.state_dict(), sched.state_dict()
    expected = _trace(opt, sched, 10)

    opt2, _ = _optimizers()
    sched2 = SCHEDULES[name](rg.optim.lr_scheduler, opt2)
    opt2.load_state_dict(opt_state)
    sched2.load_state_dict(sched_state)
    assert _trace(opt2, sched2, 10) == expected


def test_scheduler_step_before_optimizer_step_warns() -> None:
    opt, _ = _optimizers()
    sched = rg.optim.lr_scheduler.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match=re.escape("before `optimizer.step()`")):
        sched.step()


def test_get_lr_outside_step_warns() -> None:
    opt, _ = _optimizers()
    sched = rg.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    with pytest.warns(UserWarning, match="get_last_lr"):
        sched.get_lr()


def test_bad_arguments_raise_like_torch() -> None:
    opt, topt = _optimizers()
    cases: list[tuple[Callable[[Any, Any], Any], type[Exception], str]] = [
        (lambda m, o: m.StepLR(object(), 3), TypeError, "is not an Optimizer"),
        (lambda m, o: m.StepLR(o, 3, last_epoch=4), KeyError, "initial_lr"),
        (lambda m, o: m.ConstantLR(o, factor=2.0), ValueError, "between 0 and 1"),
        (lambda m, o: m.LambdaLR(o, [lambda e: 1.0]), ValueError, "Expected 2 lr_lambdas"),
        (lambda m, o: m.OneCycleLR(o, 0.1), ValueError, "total_steps OR"),
        (lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "T_0"),
        (lambda m, o: m.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0"),
        (lambda m, o: m.CyclicLR(o, 0.1, [0.2], 2), ValueError, "max_lr must have the same"),
        (lambda m, o: m.SequentialLR(o, [m.StepLR(o, 2)], [3]), ValueError, "one more"),
    ]
    for make, exc, pattern in cases:
        with pytest.raises(exc, match=pattern):
            make(torch.optim.lr_scheduler, topt)
        with pytest.raises(exc, match=pattern):
            make(rg.optim.lr_scheduler, opt)


def test_one_cycle_past_total_steps_raises() -> None:
    opt, _ = _optimizers()
    sched = rg.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
    _trace(opt, sched, 3)
    with pytest.raises(ValueError, match="Tried to step 4 times"):
        sched.step()


@pytest.mark.parametrize("base", ["LRScheduler", "_LRScheduler"])
def test_user_scheduler_subclass_matches_torch(base: str) -> None:
    def make(module: Any, opt: Any) -> Any:
        class Halving(getattr(module, base)):
            def get_lr(self) -> list[float]:
                return [b * 0.5 ** (self.last_epoch // 3) for b in self.base_lrs]

        return Halving(opt)

    opt, topt = _optimizers()
    ours, theirs = make(rg.optim.lr_scheduler, opt), make(torch.optim.lr_scheduler, topt)
    assert _trace(opt, ours, 10) == _trace(topt, theirs, 10)
