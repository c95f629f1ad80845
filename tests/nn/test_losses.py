"""Losses against torch.nn: every reduction, values and gradients of input (and target)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import retrograd as rg
import retrograd.nn.functional as F
from retrograd import nn

tnn = torch.nn
TF = torch.nn.functional
REDUCTIONS = ["none", "mean", "sum"]


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def both(x: np.ndarray, grad: bool = True) -> tuple[rg.Tensor, torch.Tensor]:
    g = grad and x.dtype.kind == "f"
    return rg.tensor(x, requires_grad=g), torch.tensor(x, requires_grad=g)


def check(fn, tfn, arrays: list[np.ndarray], tol: float = 1e-10, **kw) -> None:
    """fn(*ours, **kw) vs tfn(*theirs, **kw): value and gradients of every float input."""
    pairs = [both(a) for a in arrays]
    ours = fn(*[p[0] for p in pairs], **kw)
    theirs = tfn(*[p[1] for p in pairs], **kw)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)
    g = rng(7).standard_normal(tuple(theirs.shape))
    ours.backward(rg.tensor(g))
    theirs.backward(torch.tensor(g))
    for i, (a, b) in enumerate(pairs):
        if b.grad is not None:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=tol, atol=tol,
                                       err_msg=f"grad of input {i}")  # fmt: skip


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    ("name", "kw"),
    [("mse_loss", {}), ("l1_loss", {}), ("smooth_l1_loss", {}), ("smooth_l1_loss", {"beta": 0.5}),
     ("smooth_l1_loss", {"beta": 0.0}), ("huber_loss", {}), ("huber_loss", {"delta": 0.3})],
)  # fmt: skip
def test_regression_losses(name: str, kw: dict, reduction: str) -> None:
    x = rng(1).standard_normal((4, 5))
    y = rng(2).standard_normal((4, 5))
    y[0, :3] = x[0, :3]  # equal points: the |d| kink
    y[1, 0], y[1, 1] = x[1, 0] + 1.0, x[1, 1] - 0.5  # at the beta / delta bound
    check(getattr(F, name), getattr(TF, name), [x, y], reduction=reduction, **kw)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "kw",
    [{}, {"weight": True}, {"ignore_index": 2}, {"label_smoothing": 0.2},
     {"weight": True, "ignore_index": 1, "label_smoothing": 0.1}],
)  # fmt: skip
@pytest.mark.parametrize("shape", [(6, 4), (4,), (3, 4, 2, 2)])
def test_cross_entropy_class_indices(shape: tuple, kw: dict, reduction: str) -> None:
    x = rng(3).standard_normal(shape) * 2
    c = shape[1] if len(shape) > 1 else shape[0]
    tshape = (shape[0], *shape[2:]) if len(shape) > 1 else ()
    t = rng(4).integers(0, c, tshape)
    if t.ndim:
        t.flat[0] = 2  # make sure ignore_index occurs
    kw = dict(kw)
    w = rng(5).uniform(0.5, 2, c) if kw.pop("weight", False) else None
    ours = F.cross_entropy(both(x)[0], rg.tensor(t), rg.tensor(w) if w is not None else None,
                           reduction=reduction, **kw)  # fmt: skip
    xs, txs = both(x)
    ours = F.cross_entropy(xs, rg.tensor(t), None if w is None else rg.tensor(w),
                           reduction=reduction, **kw)  # fmt: skip
    theirs = TF.cross_entropy(txs, torch.tensor(t), None if w is None else torch.tensor(w),
                              reduction=reduction, **kw)  # fmt: skip
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10)
    g = rng(6).standard_normal(tuple(theirs.shape))
    ours.backward(rg.tensor(g))
    theirs.backward(torch.tensor(g))
    np.testing.assert_allclose(xs.grad.numpy(), txs.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kw", [{}, {"label_smoothing": 0.3}, {"weight": True}])
def test_cross_entropy_probabilities(kw: dict, reduction: str) -> None:
    x = rng(3).standard_normal((5, 4, 3))
    p = rng(4).uniform(size=(5, 4, 3))
    p /= p.sum(1, keepdims=True)
    kw = dict(kw)
    if kw.pop("weight", False):
        kw["weight"] = rng(5).uniform(0.5, 2, 4)

    def wrap(lib):
        def fn(x, p):
            extra = {k: (lib.tensor(v) if k == "weight" else v) for k, v in kw.items()}
            f = F.cross_entropy if lib is rg else TF.cross_entropy
            return f(x, p, reduction=reduction, **extra)

        return fn

    check(wrap(rg), wrap(torch), [x, p])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_with_weight_and_ignore_index(reduction: str) -> None:
    x = rng(1).standard_normal((7, 5))
    t = np.array([0, 4, 2, -100, 1, 1, 3])
    w = rng(2).uniform(0.1, 3, 5)

    def fn(lib, f):
        return lambda x: f(x, lib.tensor(t), lib.tensor(w), reduction=reduction)

    check(fn(rg, F.nll_loss), fn(torch, TF.nll_loss), [x])


def test_cross_entropy_bad_targets_raise_like_torch() -> None:
    x = rg.randn(2, 3)
    for bad in ([0, 5], [0, -2]):
        with pytest.raises(IndexError) as ours:
            F.cross_entropy(x, rg.tensor(bad))
        with pytest.raises(IndexError) as theirs:
            TF.cross_entropy(torch.randn(2, 3), torch.tensor(bad))
        assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError) as ours:
        F.cross_entropy(x, rg.tensor([0, 1, 2]))
    with pytest.raises(ValueError) as theirs:
        TF.cross_entropy(torch.randn(2, 3), torch.tensor([0, 1, 2]))
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        F.cross_entropy(x, rg.tensor([0, 1]), reduction="avg")


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy(reduction: str, weighted: bool) -> None:
    p = rng(1).uniform(0.02, 0.98, (4, 3))
    y = rng(2).uniform(size=(4, 3))
    y[0] = [0.0, 1.0, 0.5]
    w = rng(3).uniform(0.5, 2, (4, 3))

    def fn(lib, f):
        return lambda p, y: f(p, y, lib.tensor(w) if weighted else None, reduction=reduction)

    check(fn(rg, F.binary_cross_entropy), fn(torch, TF.binary_cross_entropy), [p, y])


def test_binary_cross_entropy_clamps_log_like_torch() -> None:
    p, y = np.array([0.0, 1.0, 0.3]), np.array([1.0, 0.0, 1.0])
    out = F.binary_cross_entropy(rg.tensor(p), rg.tensor(y), reduction="none")
    ref = TF.binary_cross_entropy(torch.tensor(p), torch.tensor(y), reduction="none")
    np.testing.assert_allclose(out.numpy(), ref.numpy())
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(rg.tensor([1.5]), rg.tensor([1.0]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("opts", ["", "weight", "pos_weight", "weight+pos_weight"])
def test_binary_cross_entropy_with_logits(reduction: str, opts: str) -> None:
    x = rng(1).standard_normal((4, 3)) * 4
    x[0] = [0.0, 50.0, -50.0]
    y = rng(2).uniform(size=(4, 3))
    w, pw = rng(3).uniform(0.5, 2, (4, 3)), rng(4).uniform(0.5, 3, 3)

    def fn(lib, f):
        def call(x, y):
            return f(x, y, lib.tensor(w) if "weight" in opts.split("+") else None,
                     pos_weight=lib.tensor(pw) if "pos_weight" in opts else None,
                     reduction=reduction)  # fmt: skip

        return call

    check(fn(rg, F.binary_cross_entropy_with_logits),
          fn(torch, TF.binary_cross_entropy_with_logits), [x, y])  # fmt: skip


@pytest.mark.parametrize("reduction", ["none", "mean", "sum", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction: str, log_target: bool) -> None:
    x = np.log(rng(1).dirichlet(np.ones(4), 3))
    t = rng(2).dirichlet(np.ones(4), 3)
    t[0, 0] = 0.0  # 0 * log 0 = 0
    if log_target:
        t = np.log(t + 0.1)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "reduction: 'mean' divides", UserWarning)
        check(F.kl_div, TF.kl_div, [x, t], reduction=reduction, log_target=log_target)
    if reduction == "mean":
        with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
            F.kl_div(rg.tensor(x), rg.tensor(t))


def test_mse_broadcast_warns_like_torch() -> None:
    with pytest.warns(UserWarning, match="Using a target size"):
        F.mse_loss(rg.randn(3, 1), rg.randn(3))


MODULES = [
    ("MSELoss", {}), ("L1Loss", {"reduction": "sum"}), ("SmoothL1Loss", {"beta": 0.5}),
    ("HuberLoss", {"delta": 2.0}), ("BCEWithLogitsLoss", {}), ("CrossEntropyLoss", {}),
    ("NLLLoss", {"ignore_index": 1}), ("BCELoss", {}), ("KLDivLoss", {"reduction": "batchmean"}),
    ("CrossEntropyLoss", {"label_smoothing": 0.1, "reduction": "none"}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "kw"), MODULES, ids=[f"{n}{k}" for n, k in MODULES])
def test_loss_modules_match_functional(name: str, kw: dict) -> None:
    ours, theirs = getattr(nn, name)(**kw), getattr(tnn, name)(**kw)
    assert repr(ours) == repr(theirs)
    x = rng(1).uniform(0.1, 0.9, (4, 3))
    if name in ("CrossEntropyLoss", "NLLLoss"):
        y = np.array([0, 2, 1, 1])
    elif name == "KLDivLoss":
        x, y = np.log(x), x
    else:
        y = rng(2).uniform(size=(4, 3))
    check(ours, theirs, [x, y])


def test_weighted_loss_modules_keep_weight_as_buffer() -> None:
    w = np.array([1.0, 2.0, 0.5])
    ours, theirs = nn.CrossEntropyLoss(rg.tensor(w)), tnn.CrossEntropyLoss(torch.tensor(w))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    b, tb = (
        nn.BCEWithLogitsLoss(pos_weight=rg.ones(3)),
        tnn.BCEWithLogitsLoss(pos_weight=torch.ones(3)),
    )
    assert list(b.state_dict()) == list(tb.state_dict()) == ["pos_weight"]
    check(ours, theirs, [rng(1).standard_normal((5, 3)), np.array([0, 1, 2, 2, 1])])


def test_legacy_size_average_and_reduce() -> None:
    x, y = rng(1).standard_normal(4), rng(2).standard_normal(4)
    for kw in ({"size_average": False}, {"reduce": False}):
        with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
            ours = F.mse_loss(rg.tensor(x), rg.tensor(y), **kw)
        with pytest.warns(UserWarning):
            theirs = TF.mse_loss(torch.tensor(x), torch.tensor(y), **kw)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy())
