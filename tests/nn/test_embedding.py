"""Embedding and EmbeddingBag against torch.nn: lookups, weight gradients (padding row,
frequency scaling), max_norm renormalisation, bag modes, repr, errors, and gradchecks."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import retrograd as rg
import retrograd.nn.functional as F
from retrograd import nn
from retrograd.autograd import gradcheck, gradgradcheck

tnn = torch.nn
TF = torch.nn.functional

IDX = np.array([[1, 2, 2, 0], [5, 0, 1, 2]])


def table(rows: int = 6, cols: int = 3, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((rows, cols)) * 2


def run_pair(ours: nn.Module, theirs: tnn.Module, *args: np.ndarray | None, seed: int = 1,
             **kw) -> None:  # fmt: skip
    """Same weights, same inputs: output, weight grad and weight afterwards must match."""
    theirs.double()
    ours.double()
    ours.load_state_dict({k: rg.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    assert repr(ours) == repr(theirs)
    out = ours(*[None if a is None else rg.tensor(a) for a in args], **kw)
    tout = theirs(*[None if a is None else torch.tensor(a) for a in args], **kw)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-12,
                               atol=1e-12)  # fmt: skip
    g = np.random.default_rng(seed).standard_normal(tuple(tout.shape))
    out.backward(rg.tensor(g))
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-12,
                               atol=1e-12)  # fmt: skip
    np.testing.assert_allclose(ours.weight.detach().numpy(), theirs.weight.detach().numpy(),
                               rtol=1e-12, atol=1e-12)  # fmt: skip


@pytest.mark.parametrize(
    "kw",
    [{}, {"padding_idx": 2}, {"padding_idx": -1}, {"scale_grad_by_freq": True},
     {"padding_idx": 0, "scale_grad_by_freq": True}, {"max_norm": 1.0},
     {"max_norm": 1.5, "norm_type": 1.0, "padding_idx": 1}],
)  # fmt: skip
def test_embedding_matches_torch(kw: dict) -> None:
    run_pair(nn.Embedding(6, 3, **kw), tnn.Embedding(6, 3, **kw), IDX)


def test_embedding_padding_row_starts_at_zero_and_gets_no_gradient() -> None:
    emb = nn.Embedding(5, 4, padding_idx=3)
    assert not emb.weight[3].detach().numpy().any()
    emb(rg.tensor([3, 3, 1])).sum().backward()
    assert not emb.weight.grad[3].numpy().any()
    np.testing.assert_array_equal(emb.weight.grad[1].numpy(), np.ones(4))


def test_embedding_max_norm_renormalises_the_weight_in_place() -> None:
    w = table()
    ours = rg.tensor(w)
    theirs = torch.tensor(w)
    v0 = ours._version
    F.embedding(rg.tensor(IDX), ours, max_norm=1.0)
    TF.embedding(torch.tensor(IDX), theirs, max_norm=1.0)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    assert ours._version > v0
    assert np.allclose(ours.numpy()[3], w[3])  # rows not looked up are untouched


def test_embedding_from_pretrained_freezes_by_default() -> None:
    w = rg.tensor(table())
    frozen = nn.Embedding.from_pretrained(w)
    assert not frozen.weight.requires_grad
    tuned = nn.Embedding.from_pretrained(w, freeze=False, padding_idx=1)
    assert tuned.weight.requires_grad and tuned.padding_idx == 1
    assert repr(tuned) == repr(tnn.Embedding.from_pretrained(torch.tensor(table()), padding_idx=1))
    np.testing.assert_array_equal(frozen(rg.tensor([4])).numpy(), table()[[4]])


def test_embedding_errors_match_torch() -> None:
    emb = nn.Embedding(4, 2)
    with pytest.raises(IndexError, match="index out of range in self"):
        emb(rg.tensor([4]))
    with pytest.raises(IndexError, match="index out of range in self"):
        emb(rg.tensor([-1]))
    with pytest.raises(RuntimeError, match="scalar types: Long, Int; but got "
                       r"retrograd\.FloatTensor"):  # fmt: skip
        emb(rg.tensor([1.0]))
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(4, 2, padding_idx=4)
    with pytest.raises(AssertionError, match="Shape of weight does not match"):
        nn.Embedding(4, 2, _weight=rg.zeros(3, 2))


def test_embedding_node_name_and_forward_ad() -> None:
    w = rg.tensor(table(), requires_grad=True)
    assert F.embedding(rg.tensor(IDX), w).grad_fn.name() == "EmbeddingBackward0"
    import retrograd.autograd.forward_ad as fwad

    t = table(seed=5)
    with fwad.dual_level():
        out = F.embedding(rg.tensor(IDX), fwad.make_dual(rg.tensor(table()), rg.tensor(t)))
        np.testing.assert_array_equal(fwad.unpack_dual(out).tangent.numpy(), t[IDX])


# ---------------------------------------------------------------------------- EmbeddingBag

FLAT = np.array([1, 2, 2, 5, 0, 1, 3, 4])
OFFSETS = np.array([0, 2, 2, 5])


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize(
    "kw",
    [{}, {"padding_idx": 2}, {"include_last_offset": True}, {"max_norm": 1.0}],
)  # fmt: skip
def test_embedding_bag_with_offsets_matches_torch(mode: str, kw: dict) -> None:
    offsets = np.append(OFFSETS, len(FLAT)) if kw.get("include_last_offset") else OFFSETS
    run_pair(nn.EmbeddingBag(6, 3, mode=mode, **kw), tnn.EmbeddingBag(6, 3, mode=mode, **kw),
             FLAT, offsets)  # fmt: skip


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_scale_grad_by_freq_matches_torch_embedding(mode: str) -> None:
    """PyTorch's embedding_bag CPU kernel miscounts frequencies (``[1, 1, 3]`` halves row 3's
    gradient), so the reference is the documented rule: torch's embedding with
    scale_grad_by_freq, reduced per bag."""
    w = table()
    ours, theirs = rg.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    out = F.embedding_bag(rg.tensor(FLAT), ours, rg.tensor(OFFSETS), mode=mode,
                          scale_grad_by_freq=True)  # fmt: skip
    rows = TF.embedding(torch.tensor(FLAT), theirs, scale_grad_by_freq=True)
    bounds = [*OFFSETS.tolist(), len(FLAT)]
    red = [rows[a:b].sum(0) if mode == "sum" or b == a else rows[a:b].mean(0)
           for a, b in zip(bounds[:-1], bounds[1:], strict=True)]  # fmt: skip
    tout = torch.stack(red)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-12)
    g = np.random.default_rng(2).standard_normal(tuple(tout.shape))
    out.backward(rg.tensor(g))
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_2d_input_matches_torch(mode: str) -> None:
    run_pair(nn.EmbeddingBag(6, 3, mode=mode), tnn.EmbeddingBag(6, 3, mode=mode), IDX)


def test_embedding_bag_per_sample_weights_match_torch() -> None:
    psw = np.random.default_rng(4).standard_normal(len(FLAT))
    w = table()
    ours, theirs = rg.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    ps, tps = rg.tensor(psw, requires_grad=True), torch.tensor(psw, requires_grad=True)
    out = F.embedding_bag(rg.tensor(FLAT), ours, rg.tensor(OFFSETS), mode="sum",
                          per_sample_weights=ps, padding_idx=5)  # fmt: skip
    tout = TF.embedding_bag(torch.tensor(FLAT), theirs, torch.tensor(OFFSETS), mode="sum",
                            per_sample_weights=tps, padding_idx=5)  # fmt: skip
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-12)
    g = np.random.default_rng(2).standard_normal(tuple(tout.shape))
    out.backward(rg.tensor(g))
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ps.grad.numpy(), tps.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_embedding_bag_repr_and_from_pretrained_match_torch() -> None:
    for kw in ({}, {"mode": "max", "padding_idx": 0}, {"max_norm": 2.0, "norm_type": 1.0}):
        assert repr(nn.EmbeddingBag(3, 4, **kw)) == repr(tnn.EmbeddingBag(3, 4, **kw))
    bag = nn.EmbeddingBag.from_pretrained(rg.tensor(table()), mode="sum")
    assert not bag.weight.requires_grad
    np.testing.assert_allclose(bag(rg.tensor([[1, 2]])).numpy(), table()[[1, 2]].sum(0)[None])


def test_embedding_bag_errors_match_torch() -> None:
    w = rg.randn(6, 3)
    with pytest.raises(ValueError, match="offsets has to be a 1D Tensor but got None"):
        F.embedding_bag(rg.tensor(FLAT), w)
    with pytest.raises(ValueError, match="if input is 2D, then offsets has to be None"):
        F.embedding_bag(rg.tensor(IDX), w, rg.tensor([0]))
    with pytest.raises(RuntimeError, match="offsets\\[0\\] has to be 0"):
        F.embedding_bag(rg.tensor(FLAT), w, rg.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="not in the valid range \\[0, 6\\)"):
        F.embedding_bag(rg.tensor([1, 7]), w, rg.tensor([0]))
    with pytest.raises(NotImplementedError, match="only supported for mode='sum'"):
        F.embedding_bag(rg.tensor(IDX), w, per_sample_weights=rg.ones(2, 4))
    with pytest.raises(ValueError, match="max mode does not support scaling"):
        F.embedding_bag(rg.tensor(IDX), w, mode="max", scale_grad_by_freq=True)
    with pytest.raises(ValueError, match="mode has to be one of sum, mean or max"):
        F.embedding_bag(rg.tensor(IDX), w, mode="min")


# ---------------------------------------------------------------------------- gradcheck


@pytest.mark.parametrize(
    "fn",
    [lambda w: F.embedding(rg.tensor(IDX), w, padding_idx=None),
     lambda w: F.embedding_bag(rg.tensor(FLAT), w, rg.tensor(OFFSETS), mode="mean"),
     lambda w: F.embedding_bag(rg.tensor(FLAT), w, rg.tensor(OFFSETS), mode="sum",
                               per_sample_weights=w[:, 0].repeat(2)[: len(FLAT)] * 1.0)],
    ids=["embedding", "bag_mean", "bag_sum_weighted"],
)  # fmt: skip
def test_embedding_gradcheck_and_gradgradcheck(fn) -> None:
    w = rg.tensor(table(), requires_grad=True)
    assert gradcheck(fn, (w,))
    assert gradgradcheck(fn, (w,))


def test_embedding_double_backward_keeps_the_padding_rule() -> None:
    """The gradient of the (linear) weight gradient with respect to the upstream gradient
    still leaves out the padding row, as PyTorch's embedding_dense_backward."""
    w = rg.tensor(table(), requires_grad=True)
    tw = torch.tensor(table(), requires_grad=True)
    g = np.random.default_rng(3).standard_normal((2, 4, 3))
    gs, tgs = rg.tensor(g, requires_grad=True), torch.tensor(g, requires_grad=True)
    kw = {"padding_idx": 2, "scale_grad_by_freq": True}
    out = F.embedding(rg.tensor(IDX), w, **kw)
    (gw,) = rg.autograd.grad(out, w, gs, create_graph=True)
    tout = TF.embedding(torch.tensor(IDX), tw, **kw)
    (tgw,) = torch.autograd.grad(tout, tw, tgs, create_graph=True)
    v = np.random.default_rng(4).standard_normal((6, 3))
    (gw * rg.tensor(v)).sum().backward()
    (tgw * torch.tensor(v)).sum().backward()
    np.testing.assert_allclose(gs.grad.numpy(), tgs.grad.numpy(), rtol=1e-12)
