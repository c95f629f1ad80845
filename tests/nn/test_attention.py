"""scaled_dot_product_attention and MultiheadAttention against PyTorch: outputs, attention
weights and the gradients of queries, keys, values, float masks and parameters."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
import retrograd.nn.functional as F
from retrograd import nn
from retrograd.autograd import gradcheck, gradgradcheck

TF = torch.nn.functional
TOL = dict(rtol=1e-10, atol=1e-10)


def randn(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def leaves(*arrays: np.ndarray | None) -> tuple[list, list]:
    ours = [None if a is None else rg.tensor(a, requires_grad=a.dtype.kind == "f")
            for a in arrays]  # fmt: skip
    theirs = [None if a is None else torch.tensor(a, requires_grad=a.dtype.kind == "f")
              for a in arrays]  # fmt: skip
    return ours, theirs


def compare_backward(outs: list, touts: list, ins: list, tins: list) -> None:
    """Outputs equal; a random weighting of them back-propagates to equal gradients."""
    loss, tloss = 0, 0
    rng = np.random.default_rng(7)
    for o, t in zip(outs, touts, strict=True):
        if t is None:
            assert o is None
            continue
        assert tuple(o.shape) == tuple(t.shape)
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), **TOL)
        w = rng.standard_normal(tuple(t.shape))
        loss = loss + (o * rg.tensor(w)).sum()
        tloss = tloss + (t * torch.tensor(w)).sum()
    loss.backward()
    tloss.backward()
    for a, b in zip(ins, tins, strict=True):
        if b is not None and b.requires_grad:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **TOL)


# ---------------------------------------------------------------------------- SDPA


def _mask(kind: str, shape: tuple[int, ...]) -> np.ndarray | None:
    r = np.random.default_rng(3)
    if kind == "none":
        return None
    if kind == "bool":
        m = r.random(shape) > 0.3
        m[..., 0] = True  # every query may attend somewhere
        return m
    if kind == "bool_dead_row":
        m = r.random(shape) > 0.3
        m[..., 0, :] = False
        return m
    return r.standard_normal(shape)


SDPA_CASES = [
    # (q shape, k shape, v shape, mask kind, mask shape, kwargs)
    ((2, 3, 4), (2, 5, 4), (2, 5, 6), "none", None, {}),
    ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 4), "bool", (3, 5), {}),
    ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 4), "bool", (2, 1, 3, 5), {"scale": 0.3}),
    ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 4), "float", (2, 2, 3, 5), {}),
    ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 4), "bool_dead_row", (3, 5), {}),
    ((3, 4), (5, 4), (5, 2), "float", (3, 5), {}),
    ((2, 4, 4), (2, 4, 4), (2, 4, 3), "none", None, {"is_causal": True}),
    ((2, 3, 4), (2, 5, 4), (2, 5, 3), "none", None, {"is_causal": True, "scale": 2.0}),
    ((1, 4, 3, 2), (1, 2, 5, 2), (1, 2, 5, 3), "bool", (3, 5), {"enable_gqa": True}),
    ((2, 1, 3, 4), (1, 2, 5, 4), (1, 2, 5, 4), "none", None, {}),
]  # fmt: skip


@pytest.mark.parametrize(("qs", "ks", "vs", "kind", "ms", "kw"), SDPA_CASES)
def test_sdpa_matches_torch(qs: tuple, ks: tuple, vs: tuple, kind: str, ms: tuple | None,
                            kw: dict) -> None:  # fmt: skip
    m = _mask(kind, ms) if ms else None
    ins, tins = leaves(randn(*qs, seed=1), randn(*ks, seed=2), randn(*vs, seed=3), m)
    out = F.scaled_dot_product_attention(*ins, **kw)
    tout = TF.scaled_dot_product_attention(*tins, **kw)
    compare_backward([out], [tout], ins, tins)


def test_sdpa_float32_matches_torch() -> None:
    q, k, v = (randn(2, 3, 5, 8, seed=s).astype(np.float32) for s in range(3))
    out = F.scaled_dot_product_attention(rg.tensor(q), rg.tensor(k), rg.tensor(v), is_causal=True)
    tout = TF.scaled_dot_product_attention(torch.tensor(q), torch.tensor(k), torch.tensor(v),
                                           is_causal=True)  # fmt: skip
    assert out.dtype == rg.float32
    np.testing.assert_allclose(out.numpy(), tout.numpy(), rtol=1e-5, atol=1e-5)


def test_sdpa_gradcheck_and_gradgradcheck() -> None:
    q, k, v = (rg.tensor(randn(2, 3, 2, seed=s), requires_grad=True) for s in range(3))
    mask = rg.tensor(randn(3, 3, seed=4), requires_grad=True)

    def f(q: rg.Tensor, k: rg.Tensor, v: rg.Tensor, mask: rg.Tensor) -> rg.Tensor:
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=0.7)

    def causal(q: rg.Tensor, k: rg.Tensor, v: rg.Tensor) -> rg.Tensor:
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)

    assert gradcheck(f, (q, k, v, mask)) and gradgradcheck(f, (q, k, v, mask))
    assert gradcheck(causal, (q, k, v)) and gradgradcheck(causal, (q, k, v))


def test_sdpa_dropout_zeroes_about_p_of_the_weights_and_rescales_the_rest() -> None:
    """With equal scores every weight is 1/S; an identity value exposes the weights."""
    s, p = 40, 0.25
    q, k = rg.zeros(8, 50, 4), rg.zeros(8, s, 4)
    v = rg.eye(s).expand(8, s, s)
    rg.manual_seed(0)
    w = F.scaled_dot_product_attention(q, k, v, dropout_p=p).numpy()
    kept = w != 0
    assert abs(1 - kept.mean() - p) < 0.02
    np.testing.assert_allclose(w[kept], 1 / s / (1 - p), rtol=1e-6)


def expect_same_error(ours: Any, theirs: Any, *fragments: str) -> None:
    with pytest.raises(Exception) as t:
        theirs()
    with pytest.raises(type(t.value)) as o:
        ours()
    for text in fragments:
        assert text in str(o.value), (str(o.value), str(t.value))


def test_sdpa_errors_match_torch() -> None:
    q, k, v = randn(2, 3, 4), randn(2, 5, 4), randn(2, 5, 6)

    def both(fn_kwargs: dict, *arrays: np.ndarray, fragment: str) -> None:
        expect_same_error(
            lambda: F.scaled_dot_product_attention(*map(rg.tensor, arrays), **fn_kwargs),
            lambda: TF.scaled_dot_product_attention(*map(torch.tensor, arrays), **fn_kwargs),
            fragment,
        )

    both({"is_causal": True}, q, k, v, np.ones((3, 5), bool),
         fragment="Explicit attn_mask should not be set when is_causal=True")  # fmt: skip
    both({}, q, k, v, np.zeros((3, 5), np.int64),
         fragment="Expected attn_mask dtype to be bool or float")  # fmt: skip
    both({}, q.astype(np.float32), k, v, fragment="Expected query, key, and value to have the "
         "same dtype")  # fmt: skip
    both({}, q[0, 0], k[0], v[0], fragment="at least 2 dimensional")
    q4, k4 = randn(1, 3, 3, 2), randn(1, 2, 5, 2)
    text = "Number of heads in key and value must divide the number of heads in"
    both({"enable_gqa": True}, q4, k4, k4, fragment=text)


# ---------------------------------------------------------------------------- MHA


def mha_pair(*args: Any, **kwargs: Any) -> tuple[nn.Module, torch.nn.Module]:
    torch.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(*args, **kwargs).double()
    ours = nn.MultiheadAttention(*args, **kwargs).double()
    ours.load_state_dict({k: rg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    return ours, theirs


def run_mha(ours: nn.Module, theirs: torch.nn.Module, arrays: list, self_attn: bool,
            **kw: Any) -> None:  # fmt: skip
    """Run both on the same inputs (optionally one tensor as query, key and value) and
    compare outputs, weights and all gradients, in training and in eval mode."""
    for train in (True, False):
        ours.train(train)
        theirs.train(train)
        ins, tins = leaves(*arrays)
        if self_attn:
            ins, tins = [ins[0]] * 3, [tins[0]] * 3
        masks, tmasks = leaves(kw.pop("attn_mask", None), kw.pop("key_padding_mask", None))
        args = dict(attn_mask=masks[0], key_padding_mask=masks[1], **kw)
        targs = dict(attn_mask=tmasks[0], key_padding_mask=tmasks[1], **kw)
        out = ours(*ins, **args)
        tout = theirs(*tins, **targs)
        params = [p for _, p in ours.named_parameters()]
        tparams = [p for _, p in theirs.named_parameters()]
        compare_backward(list(out), list(tout), ins + params, tins + tparams)
        for p, tp in zip(params, tparams, strict=True):
            p.grad, tp.grad = None, None
        numpy = [None if m is None else m.detach().numpy() for m in masks]
        kw.update(attn_mask=numpy[0], key_padding_mask=numpy[1])


MHA_OPTIONS = [
    {}, {"bias": False}, {"add_bias_kv": True}, {"add_zero_attn": True},
    {"kdim": 3, "vdim": 5}, {"batch_first": True}, {"add_bias_kv": True, "add_zero_attn": True},
]  # fmt: skip


@pytest.mark.parametrize("options", MHA_OPTIONS)
@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("average", [True, False])
def test_mha_matches_torch(options: dict, need_weights: bool, average: bool) -> None:
    ours, theirs = mha_pair(8, 2, **options)
    assert repr(ours) == repr(theirs)
    kdim, vdim = options.get("kdim", 8), options.get("vdim", 8)
    n, length, src = 2, 3, 4
    lead = (n, length) if options.get("batch_first") else (length, n)
    klead = (n, src) if options.get("batch_first") else (src, n)
    arrays = [randn(*lead, 8, seed=1), randn(*klead, kdim, seed=2), randn(*klead, vdim, seed=3)]
    run_mha(ours, theirs, arrays, False, need_weights=need_weights, average_attn_weights=average)


MASKS = [
    # (attn_mask kind and shape, key_padding_mask kind)
    ("bool", (3, 3), None), ("float", (4, 3, 3), None), (None, None, "bool"),
    ("bool", (3, 3), "bool"), ("float", (3, 3), "float"), ("causal", (3, 3), None),
]  # fmt: skip


@pytest.mark.parametrize(("mkind", "mshape", "kpm"), MASKS)
@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("batch_first", [False, True])
def test_mha_masks_match_torch(mkind: str | None, mshape: tuple | None, kpm: str | None,
                               need_weights: bool, batch_first: bool) -> None:  # fmt: skip
    ours, theirs = mha_pair(6, 2, batch_first=batch_first)
    x = randn(2, 3, 6, seed=1) if batch_first else randn(3, 2, 6, seed=1)
    kw: dict[str, Any] = {"need_weights": need_weights}
    if mkind == "causal":
        kw["attn_mask"] = np.triu(np.ones((3, 3), bool), 1)
        kw["is_causal"] = True
    elif mkind is not None:
        kw["attn_mask"] = _mask(mkind, mshape)
        if mkind == "bool":
            kw["attn_mask"] = ~kw["attn_mask"]  # MHA masks where True
    if kpm is not None:
        pad = np.zeros((2, 3), bool)
        pad[1, 2] = True
        kw["key_padding_mask"] = pad if kpm == "bool" else np.where(pad, -np.inf, 0.0)
    run_mha(ours, theirs, [x], True, **kw)


@pytest.mark.parametrize("self_attn", [True, False])
def test_mha_unbatched_matches_torch(self_attn: bool) -> None:
    ours, theirs = mha_pair(4, 2)
    mask = np.zeros((2, 3, 3))
    mask[:, 0, 1] = -1.5
    run_mha(ours, theirs, [randn(3, 4, seed=1), randn(3, 4, seed=2), randn(3, 4, seed=3)],
            self_attn, attn_mask=mask, key_padding_mask=np.array([0.0, 0.0, -np.inf]))  # fmt: skip


def test_mha_dropout_only_in_training() -> None:
    ours = nn.MultiheadAttention(8, 2, dropout=0.5).double()
    x = rg.tensor(randn(4, 2, 8))
    rg.manual_seed(0)
    a = ours(x, x, x, average_attn_weights=False)[1].detach().numpy()
    assert 0.4 < (a == 0).mean() < 0.6
    ours.eval()
    w = ours(x, x, x)[1].detach().numpy()
    assert (w > 0).all()
    np.testing.assert_allclose(w.sum(-1), 1.0, rtol=1e-12)


def test_mha_parameters_and_init_match_torch() -> None:
    for kw in ({}, {"kdim": 3, "vdim": 5, "bias": False, "add_bias_kv": True}):
        ours, theirs = nn.MultiheadAttention(8, 4, **kw), torch.nn.MultiheadAttention(8, 4, **kw)
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
            (n, tuple(p.shape)) for n, p in theirs.named_parameters()
        ]
        assert repr(ours) == repr(theirs)
    ours = nn.MultiheadAttention(8, 4)
    bound = np.sqrt(6 / (8 + 24))  # xavier_uniform_ on the (24, 8) packed weight
    w = ours.in_proj_weight.detach().numpy()
    assert np.abs(w).max() <= bound and w.std() > bound / 3
    assert not ours.in_proj_bias.detach().numpy().any()
    assert not ours.out_proj.bias.detach().numpy().any()


def test_mha_errors_match_torch() -> None:
    for args, text in (((6, 4), "divisible by num_heads"), ((0, 4), "must be greater than 0")):
        expect_same_error(lambda a=args: nn.MultiheadAttention(*a),
                          lambda a=args: torch.nn.MultiheadAttention(*a), text)  # fmt: skip
    ours, theirs = mha_pair(4, 2)
    x, tx = rg.tensor(randn(3, 2, 4)), torch.tensor(randn(3, 2, 4))
    cases = [
        ((rg.tensor(randn(3, 2, 5)),) * 3, (torch.tensor(randn(3, 2, 5)),) * 3, {},
         "was expecting embedding dimension of 4, but got 5"),
        ((x, x, rg.tensor(randn(3, 4))), (tx, tx, torch.tensor(randn(3, 4))), {},
         "expected `key` and `value` to be 3-D but found 3-D and 2-D"),
        ((x, x, x), (tx, tx, tx), {"attn_mask": np.zeros((2, 3), bool)},
         "The shape of the 2D attn_mask is"),
        ((x, x, x), (tx, tx, tx), {"key_padding_mask": np.zeros((3, 3), bool)},
         "Expected key_padded_mask.shape[0] to be 2, but got 3"),
        ((x, x, x), (tx, tx, tx), {"attn_mask": np.zeros((3, 3), np.int64)},
         "only bool and floating types of attn_mask are supported"),
    ]  # fmt: skip
    for ins, tins, kw, text in cases:
        okw = {k: rg.tensor(v) for k, v in kw.items()}
        tkw = {k: torch.tensor(v) for k, v in kw.items()}
        expect_same_error(lambda i=ins, k=okw: ours(*i, **k),
                          lambda i=tins, k=tkw: theirs(*i, **k), text)  # fmt: skip


def test_mismatched_mask_types_warn_like_torch() -> None:
    ours, _ = mha_pair(4, 2)
    x = rg.tensor(randn(3, 2, 4))
    with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and attn_mask"):
        ours(x, x, x, key_padding_mask=rg.zeros(2, 3, dtype=rg.bool), attn_mask=rg.zeros(3, 3))


MERGE_CASES = [(None, True), ((3, 3), False), ((3, 3), True), ((4, 3, 3), True)]


@pytest.mark.parametrize(("attn_shape", "with_padding"), MERGE_CASES)
def test_merge_masks_matches_torch(attn_shape: tuple | None, with_padding: bool) -> None:
    ours, theirs = mha_pair(4, 2, batch_first=True)
    q = randn(2, 3, 4)
    a = None if attn_shape is None else randn(*attn_shape, seed=1)
    kpm = np.where(_mask("bool", (2, 3)), 0.0, -np.inf) if with_padding else None

    def wrap(lib: Any, v: np.ndarray | None) -> Any:
        return None if v is None else lib.tensor(v)

    m, kind = ours.merge_masks(wrap(rg, a), wrap(rg, kpm), rg.tensor(q))
    tm, tkind = theirs.merge_masks(wrap(torch, a), wrap(torch, kpm), torch.tensor(q))
    assert kind == tkind
    np.testing.assert_array_equal(m.numpy(), tm.numpy())
    assert ours.merge_masks(None, None, rg.tensor(q)) == (None, None)
