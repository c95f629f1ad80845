"""Whole training runs, step by step against PyTorch: the same network written once for both
libraries, started from PyTorch's initial weights, fed the same batches, must report the same
loss at every step and end with the same weights, optimizer state and running statistics."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import retrograd

STEPS = 15


def _cnn(T):
    nn = T.nn
    return nn.Sequential(
        # no bias before BatchNorm: its exact gradient is 0, and Adam would amplify the
        # rounding noise of either library into full-size steps of random sign
        nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(), nn.Linear(8, 16), nn.GELU(), nn.LayerNorm(16), nn.Linear(16, 3),
    )  # fmt: skip


def _mlp(T):
    nn = T.nn
    return nn.Sequential(nn.Linear(6, 32), nn.Tanh(), nn.Linear(32, 32), nn.SiLU(),
                         nn.Linear(32, 3))  # fmt: skip


def _optimizers(T, params, name):
    if name == "sgd":
        opt = T.optim.SGD(params, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)
        return opt, T.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
    opt = T.optim.AdamW(params, lr=3e-3, weight_decay=1e-2)
    return opt, T.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-2, total_steps=STEPS)


def _batches(kind, rng):
    shape = (8, 1, 8, 8) if kind == "cnn" else (8, 6)
    return [(rng.standard_normal(shape).astype(np.float32), rng.integers(0, 3, 8))
            for _ in range(STEPS)]  # fmt: skip


@pytest.mark.parametrize("kind,opt_name", [("cnn", "sgd"), ("cnn", "adamw"), ("mlp", "adamw")])
def test_training_matches_pytorch_step_by_step(kind, opt_name):
    torch.manual_seed(0)
    build = _cnn if kind == "cnn" else _mlp
    theirs = build(torch)
    ours = build(retrograd)
    ours.load_state_dict({k: retrograd.from_numpy(v.numpy().copy())
                          for k, v in theirs.state_dict().items()})  # fmt: skip
    opt_t, sched_t = _optimizers(torch, theirs.parameters(), opt_name)
    opt_r, sched_r = _optimizers(retrograd, ours.parameters(), opt_name)
    loss_t_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    loss_r_fn = retrograd.nn.CrossEntropyLoss(label_smoothing=0.1)

    for step, (x, y) in enumerate(_batches(kind, np.random.default_rng(1))):
        losses = []
        runs = ((theirs, opt_t, sched_t, loss_t_fn, torch),
                (ours, opt_r, sched_r, loss_r_fn, retrograd))  # fmt: skip
        for model, opt, sched, loss_fn, T in runs:
            opt.zero_grad()
            loss = loss_fn(model(T.from_numpy(x)), T.from_numpy(y))
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
        assert losses[1] == pytest.approx(losses[0], rel=1e-4, abs=1e-5), f"step {step}"

    for (name, t), (name_r, r) in zip(theirs.state_dict().items(), ours.state_dict().items(),
                                      strict=True):  # fmt: skip
        assert name == name_r
        np.testing.assert_allclose(r.numpy(), t.numpy(), rtol=1e-3, atol=1e-4, err_msg=name)
    state_t, state_r = opt_t.state_dict()["state"], opt_r.state_dict()["state"]
    assert state_t.keys() == state_r.keys()
    for i in state_t:
        for key, value in state_t[i].items():
            np.testing.assert_allclose(np.asarray(state_r[i][key]), value.numpy(), rtol=1e-3,
                                       atol=1e-5, err_msg=f"state[{i}][{key}]")  # fmt: skip
    # eval mode uses the running statistics: both models must agree on new data
    theirs.eval(), ours.eval()
    x = np.random.default_rng(2).standard_normal(_batches(kind, np.random.default_rng(3))[0][0]
                                                 .shape).astype(np.float32)  # fmt: skip
    with torch.no_grad(), retrograd.no_grad():
        out_r, out_t = ours(retrograd.from_numpy(x)), theirs(torch.from_numpy(x))
    np.testing.assert_allclose(out_r.numpy(), out_t.numpy(), rtol=1e-3, atol=1e-4)
