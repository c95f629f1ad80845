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


# ---------------------------------------------------------------------------- remaining losses


def check_some(fn, tfn, arrays: list, grads: tuple[bool, ...], tol: float = 1e-10) -> None:
    """Like ``check``, with ``grads`` saying which inputs require grad (targets of sign or
    index type never do)."""
    ours_in = [rg.tensor(a, requires_grad=g) for a, g in zip(arrays, grads, strict=True)]
    theirs_in = [torch.tensor(a, requires_grad=g) for a, g in zip(arrays, grads, strict=True)]
    ours, theirs = fn(*ours_in), tfn(*theirs_in)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)
    g = rng(7).standard_normal(tuple(theirs.shape))
    ours.backward(rg.tensor(g))
    theirs.backward(torch.tensor(g))
    for i, (a, b) in enumerate(zip(ours_in, theirs_in, strict=True)):
        if grads[i]:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=tol, atol=tol,
                                       err_msg=f"grad of input {i}")  # fmt: skip


def both_libs(name: str, **kw):
    """The functional ``name`` of each library with keyword options bound."""
    return (lambda *a: getattr(F, name)(*a, **kw)), (lambda *a: getattr(TF, name)(*a, **kw))


SIGNS = np.array([1.0, -1.0, -1.0, 1.0, 1.0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input", [True, False])
@pytest.mark.parametrize("full", [False, True])
def test_poisson_nll_loss(reduction: str, log_input: bool, full: bool) -> None:
    x = rng(1).uniform(0.05, 3, (4, 3)) if not log_input else rng(1).standard_normal((4, 3))
    x[0, 0] = 0.0 if not log_input else x[0, 0]  # a zero rate: eps keeps the log finite
    y = rng(2).integers(0, 5, (4, 3)).astype(np.float64)
    y[1] = [0.0, 1.0, 2.0]  # the Stirling term's bound
    fn, tfn = both_libs("poisson_nll_loss", log_input=log_input, full=full, reduction=reduction)
    # with full, PyTorch's target gradient is nan at a zero target (0 * log 0): not compared
    check_some(fn, tfn, [x, y], (True, not full))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("var_shape", [(4, 3), (4,), (4, 1), (1, 3)])
def test_gaussian_nll_loss_var_shapes(var_shape: tuple, full: bool, reduction: str) -> None:
    x, y = rng(1).standard_normal((4, 3)), rng(2).standard_normal((4, 3))
    var = rng(3).uniform(0.1, 2, var_shape)
    var.flat[0] = 1e-9  # below eps: clamped for the value, the gradient still flows
    fn, tfn = both_libs("gaussian_nll_loss", full=full, reduction=reduction)
    check_some(fn, tfn, [x, y, var], (True, True, True))


def test_gaussian_nll_loss_float_var_and_errors_match_torch() -> None:
    x, y = rng(1).standard_normal((4, 3)), rng(2).standard_normal((4, 3))
    fn, tfn = both_libs("gaussian_nll_loss")
    check_some(lambda a, b: fn(a, b, 0.5), lambda a, b: tfn(a, b, 0.5), [x, y], (True, True))
    for bad, msg in ((rg.ones(4, 2), "var is of incorrect size"),
                     (-rg.ones(4, 3), "var has negative entry/entries"),
                     (-1.0, "var has negative entry/entries")):  # fmt: skip
        with pytest.raises(ValueError, match=msg):
            F.gaussian_nll_loss(rg.tensor(x), rg.tensor(y), bad)
    with pytest.raises(ValueError, match="avg is not valid"):
        F.gaussian_nll_loss(rg.tensor(x), rg.tensor(y), rg.ones(4, 3), reduction="avg")


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.3])
def test_cosine_embedding_loss(margin: float, reduction: str) -> None:
    a, b = rng(1).standard_normal((5, 4)), rng(2).standard_normal((5, 4))
    fn, tfn = both_libs("cosine_embedding_loss", margin=margin, reduction=reduction)
    check_some(fn, tfn, [a, b, SIGNS], (True, True, False))
    check_some(fn, tfn, [a[0], b[0], np.array(-1.0)], (True, True, False))


def test_cosine_embedding_loss_shape_errors_match_torch() -> None:
    with pytest.raises(RuntimeError, match="1D target tensor expects 2D input tensors"):
        F.cosine_embedding_loss(rg.randn(2, 3), rg.randn(3), rg.ones(2))
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected"):
        F.cosine_embedding_loss(rg.randn(2, 3), rg.randn(2, 3), rg.ones(2, 1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.5])
def test_margin_ranking_and_hinge_embedding_losses(margin: float, reduction: str) -> None:
    a, b = rng(1).standard_normal(5), rng(2).standard_normal(5)
    fn, tfn = both_libs("margin_ranking_loss", margin=margin, reduction=reduction)
    check_some(fn, tfn, [a, b, SIGNS], (True, True, False))
    fn, tfn = both_libs("hinge_embedding_loss", margin=margin + 0.5, reduction=reduction)
    check_some(fn, tfn, [a, SIGNS], (True, False))
    with pytest.raises(RuntimeError, match="All input tensors should have same dimension"):
        F.margin_ranking_loss(rg.randn(3), rg.randn(3), rg.ones(3, 1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("p", "swap"), [(2.0, False), (1.0, True), (3.0, False), (2.0, True)])
def test_triplet_margin_loss(p: float, swap: bool, reduction: str) -> None:
    a, pos, neg = (rng(i).standard_normal((5, 4)) for i in (1, 2, 3))
    fn, tfn = both_libs("triplet_margin_loss", margin=1.5, p=p, swap=swap, reduction=reduction)
    check_some(fn, tfn, [a, pos, neg], (True, True, True))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("custom", [False, True])
def test_triplet_margin_with_distance_loss(custom: bool, reduction: str) -> None:
    a, pos, neg = (rng(i).standard_normal((5, 4)) for i in (1, 2, 3))

    def dist(lib):
        return (lambda x, y: 1 - lib.cosine_similarity(x, y)) if custom else None

    kw = {"margin": 0.7, "swap": True, "reduction": reduction}
    check_some(lambda *t: F.triplet_margin_with_distance_loss(*t, distance_function=dist(F), **kw),
               lambda *t: TF.triplet_margin_with_distance_loss(*t, distance_function=dist(TF),
                                                               **kw),
               [a, pos, neg], (True, True, True))  # fmt: skip


def test_triplet_errors_match_torch() -> None:
    with pytest.raises(ValueError, match="margin must be greater than 0, got 0"):
        F.triplet_margin_loss(rg.randn(2, 3), rg.randn(2, 3), rg.randn(2, 3), margin=0)
    with pytest.raises(RuntimeError, match="anchor 2D, positive 2D, and negative 1D inputs"):
        F.triplet_margin_loss(rg.randn(2, 3), rg.randn(2, 3), rg.randn(3))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_margin_loss(reduction: str) -> None:
    fn, tfn = both_libs("soft_margin_loss", reduction=reduction)
    check_some(fn, tfn, [rng(1).standard_normal(5) * 3, SIGNS], (True, False))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_multilabel_soft_margin_loss(weighted: bool, reduction: str) -> None:
    x = rng(1).standard_normal((4, 3)) * 3
    y = rng(2).integers(0, 2, (4, 3)).astype(np.float64)
    w = rng(3).uniform(0.5, 2, 3) if weighted else None

    def call(lib, f):
        return lambda x, y: f(x, y, None if w is None else lib.tensor(w), reduction=reduction)

    check_some(call(rg, F.multilabel_soft_margin_loss),
               call(torch, TF.multilabel_soft_margin_loss), [x, y], (True, True))  # fmt: skip


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("p", "margin", "weighted"), [(1, 1.0, False), (2, 0.5, True)])
def test_multi_margin_loss(p: int, margin: float, weighted: bool, reduction: str) -> None:
    x = rng(1).standard_normal((5, 4))
    t = np.array([0, 3, 1, 1, 2])
    w = rng(3).uniform(0.5, 2, 4) if weighted else None

    def call(lib, f, target):
        weight = None if w is None else lib.tensor(w)
        return lambda x: f(x, lib.tensor(target), p=p, margin=margin, weight=weight,
                           reduction=reduction)  # fmt: skip

    check_some(call(rg, F.multi_margin_loss, t), call(torch, TF.multi_margin_loss, t), [x], (True,))
    check_some(call(rg, F.multi_margin_loss, np.array(2)),
               call(torch, TF.multi_margin_loss, np.array(2)), [x[0]], (True,))  # fmt: skip


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin_loss(reduction: str) -> None:
    x = rng(1).standard_normal((3, 4))
    t = np.array([[3, 0, -1, 1], [0, 1, 2, 3], [-1, 2, 0, 0]])  # a -1 ends each target list

    def call(lib, f, target):
        return lambda x: f(x, lib.tensor(target), reduction=reduction)

    check_some(call(rg, F.multilabel_margin_loss, t), call(torch, TF.multilabel_margin_loss, t),
               [x], (True,))  # fmt: skip
    check_some(call(rg, F.multilabel_margin_loss, t[0]),
               call(torch, TF.multilabel_margin_loss, t[0]), [x[0]], (True,))  # fmt: skip


def test_margin_loss_errors_match_torch() -> None:
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        F.multi_margin_loss(rg.randn(2, 3), rg.tensor([0, 1]), p=3)
    with pytest.raises(RuntimeError, match="target out of range"):
        F.multi_margin_loss(rg.randn(2, 3), rg.tensor([0, 3]))
    with pytest.raises(RuntimeError, match=r"Expected target size \[2\], but got \[3\]"):
        F.multi_margin_loss(rg.randn(2, 3), rg.tensor([0, 1, 1]))
    with pytest.raises(RuntimeError, match="'target' is out of range"):
        F.multilabel_margin_loss(rg.randn(2, 3), rg.tensor([[0, 3, -1], [1, -1, 0]]))
    with pytest.raises(RuntimeError, match=r"inconsistent target size: \[2, 2\]"):
        F.multilabel_margin_loss(rg.randn(2, 3), rg.tensor([[0, 1], [1, -1]]))
    for shape in ((2, 3, 4), (2, 0)):
        msg = rf"optional 0-dim batch size, but got: \[{shape[0]}, {shape[1]}"
        with pytest.raises(RuntimeError, match="Expected non-empty vector or matrix with " + msg):
            F.multi_margin_loss(rg.randn(*shape), rg.tensor([0, 1]))


@pytest.mark.parametrize(("p", "keepdim"), [(2.0, False), (1.0, True), (3.0, False)])
def test_pairwise_distance_and_cosine_similarity(p: float, keepdim: bool) -> None:
    a, b = rng(1).standard_normal((5, 4)), rng(2).standard_normal((5, 4))
    b[0] = a[0]  # equal points: eps keeps the gradient finite
    ours, theirs = nn.PairwiseDistance(p, keepdim=keepdim), tnn.PairwiseDistance(p, keepdim=keepdim)
    assert repr(ours) == repr(theirs)
    check_some(ours, theirs, [a, b], (True, True))
    for dim in (0, 1, -1):
        ours, theirs = nn.CosineSimilarity(dim), tnn.CosineSimilarity(dim)
        check_some(ours, theirs, [a, b], (True, True))
    check_some(F.cosine_similarity, TF.cosine_similarity, [a[:, None], b[None]], (True, True))


NEW_MODULES = [
    ("PoissonNLLLoss", {"log_input": False, "full": True}, "pos"),
    ("GaussianNLLLoss", {"full": True, "eps": 1e-3}, "var"),
    ("CosineEmbeddingLoss", {"margin": 0.2}, "pair"),
    ("MarginRankingLoss", {"margin": 0.1, "reduction": "sum"}, "pair"),
    ("HingeEmbeddingLoss", {"margin": 2.0}, "sign"),
    ("TripletMarginLoss", {"margin": 0.5, "p": 1.0, "swap": True}, "triplet"),
    ("TripletMarginWithDistanceLoss", {"swap": True}, "triplet"),
    ("SoftMarginLoss", {"reduction": "none"}, "sign"),
    ("MultiLabelSoftMarginLoss", {}, "multihot"),
    ("MultiMarginLoss", {"p": 2, "margin": 0.5}, "index"),
    ("MultiLabelMarginLoss", {}, "lists"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "kw", "kind"), NEW_MODULES, ids=[m[0] for m in NEW_MODULES])
def test_new_loss_modules_match_torch(name: str, kw: dict, kind: str) -> None:
    ours, theirs = getattr(nn, name)(**kw), getattr(tnn, name)(**kw)
    assert repr(ours) == repr(theirs)
    x = rng(1).standard_normal((5, 4))
    inputs, grads = {
        "pos": ([np.abs(x) + 0.1, rng(2).integers(0, 4, (5, 4)) * 1.0], (True, False)),
        "var": ([x, rng(2).standard_normal((5, 4)), np.abs(x[:, 0])], (True, False, True)),
        "pair": ([x, rng(2).standard_normal((5, 4)), SIGNS], (True, True, False)),
        "sign": ([x[:, 0], SIGNS], (True, False)),
        "triplet": ([x, rng(2).standard_normal((5, 4)), rng(3).standard_normal((5, 4))],
                    (True, True, True)),
        "multihot": ([x, rng(2).integers(0, 2, (5, 4)) * 1.0], (True, False)),
        "index": ([x, np.array([0, 3, 1, 2, 2])], (True, False)),
        "lists": ([x, np.array([[1, -1, 0, 0]] * 5)], (True, False)),
    }[kind]  # fmt: skip
    if name == "MarginRankingLoss":
        inputs = [x[:, 0], x[:, 1], SIGNS]
    check_some(ours, theirs, inputs, grads)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_every_option_combination(reduction: str) -> None:
    """Class indices and probabilities x weight x ignore_index x label_smoothing, all shapes."""
    for shape in [(6, 4), (4,), (3, 4, 2)]:
        c = shape[1] if len(shape) > 1 else shape[0]
        x = rng(3).standard_normal(shape) * 2
        t = rng(4).integers(0, c, (shape[0], *shape[2:]) if len(shape) > 1 else ())
        if t.ndim:
            t.flat[0] = 1
        probs = rng(5).uniform(size=shape)
        probs /= probs.sum(1 if len(shape) > 1 else 0, keepdims=True)
        w = rng(6).uniform(0.5, 2, c)
        for target, ii, ls, weighted in [(t, -100, 0.0, True), (t, 1, 0.3, True),
                                         (t, 1, 0.3, False), (probs, -100, 0.3, True),
                                         (probs, -100, 0.0, False)]:  # fmt: skip

            def call(lib, f, target=target, weighted=weighted, ii=ii, ls=ls, w=w):
                weight = lib.tensor(w) if weighted else None
                return lambda inp: f(inp, lib.tensor(target), weight, ignore_index=ii,
                                     label_smoothing=ls, reduction=reduction)  # fmt: skip

            check_some(call(rg, F.cross_entropy), call(torch, TF.cross_entropy), [x], (True,))


LOSS_GRADCHECKS = [
    ("poisson_nll_loss", lambda x, y: F.poisson_nll_loss(x, y.abs(), full=True)),
    ("poisson_nll_loss_rate", lambda x, y: F.poisson_nll_loss(x.abs() + 1, y, log_input=False)),
    ("gaussian_nll_loss", lambda x, y: F.gaussian_nll_loss(x, y, y * y + 0.5, full=True)),
    ("cosine_embedding_loss",
     lambda x, y: F.cosine_embedding_loss(x, y, rg.tensor([1.0, -1.0]), margin=-0.9)),
    ("margin_ranking_loss",
     lambda x, y: F.margin_ranking_loss(x[0], y[0], rg.tensor([1.0, -1.0, 1.0]), margin=9.0)),
    ("triplet_margin_loss", lambda x, y: F.triplet_margin_loss(x, y, x * 2 + y, margin=50.0)),
    ("soft_margin_loss", lambda x, y: F.soft_margin_loss(x, y.sign())),
    ("multilabel_soft_margin_loss", lambda x, y: F.multilabel_soft_margin_loss(x, y.sigmoid())),
    ("multi_margin_loss", lambda x, y: F.multi_margin_loss(x + y, rg.tensor([0, 2]), p=2,
                                                           margin=20.0)),
    ("pairwise_distance", lambda x, y: F.pairwise_distance(x, y)),
    ("cosine_similarity", lambda x, y: F.cosine_similarity(x, y)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "fn"), LOSS_GRADCHECKS, ids=[c[0] for c in LOSS_GRADCHECKS])
def test_loss_gradcheck_and_gradgradcheck(name: str, fn) -> None:
    args = tuple(rg.tensor(rng(i).standard_normal((2, 3)), requires_grad=True) for i in (1, 2))
    assert rg.autograd.gradcheck(fn, args)
    assert rg.autograd.gradgradcheck(fn, args)
