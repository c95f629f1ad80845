"""Transformer layers, stacks and the full model against torch.nn with copied weights:
outputs, input grads and every parameter grad, with masks, in train (dropout 0) and eval."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
from retrograd import nn

tnn = torch.nn
TOL = dict(rtol=1e-9, atol=1e-9)


def randn(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def build(factory: Callable[[Any], Any]) -> tuple[nn.Module, tnn.Module]:
    """The same architecture from both libraries (factory gets the nn namespace), with
    PyTorch's weights copied into ours. Construction warnings are PyTorch's own."""
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = factory(tnn).double()
        ours = factory(nn).double()
    ours.load_state_dict({k: rg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    return ours, theirs


def compare(ours: nn.Module, theirs: tnn.Module, arrays: list[np.ndarray],
            masks: dict[str, np.ndarray | None] | None = None, **kw: Any) -> None:  # fmt: skip
    """Same output, input grads and parameter grads, in train and in eval mode."""
    masks = masks or {}
    for train in (True, False):
        ours.train(train)
        theirs.train(train)
        xs = [rg.tensor(a, requires_grad=True) for a in arrays]
        txs = [torch.tensor(a, requires_grad=True) for a in arrays]
        m = {k: None if v is None else rg.tensor(v) for k, v in masks.items()}
        tm = {k: None if v is None else torch.tensor(v) for k, v in masks.items()}
        out, tout = ours(*xs, **m, **kw), theirs(*txs, **tm, **kw)
        np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), **TOL)
        g = randn(*tout.shape, seed=9)
        out.backward(rg.tensor(g))
        tout.backward(torch.tensor(g))
        for x, tx in zip(xs, txs, strict=True):
            np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), **TOL)
        for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters(),
                                      strict=True):  # fmt: skip
            np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), err_msg=name, **TOL)
            p.grad, tp.grad = None, None


def _tanh(x: Any) -> Any:
    return x.tanh()


def _padding(batch: int, length: int, kind: str = "bool") -> np.ndarray:
    pad = np.zeros((batch, length), bool)
    pad[1, length - 2 :] = True
    return pad if kind == "bool" else np.where(pad, -np.inf, 0.0)


ENCODER_CASES = [
    # (activation, norm_first, batch_first, masks)
    ("relu", False, False, "none"), ("gelu", True, False, "causal"),
    (_tanh, False, True, "padding"), ("relu", True, True, "both"), ("gelu", False, True, "both"),
    (_tanh, True, False, "causal"), ("relu", False, False, "padding"),
]  # fmt: skip


@pytest.mark.parametrize(("activation", "norm_first", "batch_first", "masks"), ENCODER_CASES)
def test_encoder_layer_matches_torch(activation: Any, norm_first: bool, batch_first: bool,
                                     masks: str) -> None:  # fmt: skip
    ours, theirs = build(lambda m: m.TransformerEncoderLayer(
        8, 2, 12, dropout=0.0, activation=activation, norm_first=norm_first,
        batch_first=batch_first))  # fmt: skip
    assert repr(ours) == repr(theirs)
    x = randn(2, 5, 8) if batch_first else randn(5, 2, 8)
    m: dict[str, Any] = {}
    if masks in ("causal", "both"):
        m["src_mask"] = tnn.Transformer.generate_square_subsequent_mask(5).double().numpy()
    if masks in ("padding", "both"):
        m["src_key_padding_mask"] = _padding(2, 5, "float" if masks == "both" else "bool")
    compare(ours, theirs, [x], m)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_decoder_layer_matches_torch(norm_first: bool, batch_first: bool, bias: bool) -> None:
    ours, theirs = build(lambda m: m.TransformerDecoderLayer(
        8, 2, 12, dropout=0.0, activation="gelu", norm_first=norm_first,
        batch_first=batch_first, bias=bias))  # fmt: skip
    assert repr(ours) == repr(theirs)
    tgt = randn(2, 4, 8, seed=1) if batch_first else randn(4, 2, 8, seed=1)
    mem = randn(2, 5, 8, seed=2) if batch_first else randn(5, 2, 8, seed=2)
    m = {"tgt_mask": tnn.Transformer.generate_square_subsequent_mask(4).double().numpy(),
         "memory_key_padding_mask": _padding(2, 5, "float"),
         "tgt_key_padding_mask": _padding(2, 4, "float")}  # fmt: skip
    compare(ours, theirs, [tgt, mem], m, tgt_is_causal=True)


def test_unbatched_encoder_and_decoder_layers_match_torch() -> None:
    ours, theirs = build(lambda m: m.TransformerEncoderLayer(8, 2, 12, dropout=0.0))
    compare(ours, theirs, [randn(5, 8)], {"src_key_padding_mask": np.array([0, 0, 0, 1, 1]) > 0})
    ours, theirs = build(lambda m: m.TransformerDecoderLayer(8, 2, 12, dropout=0.0))
    compare(ours, theirs, [randn(4, 8, seed=1), randn(5, 8, seed=2)])


@pytest.mark.parametrize("with_norm", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_encoder_and_decoder_stacks_match_torch(with_norm: bool, batch_first: bool) -> None:
    def encoder(m: Any) -> Any:
        layer = m.TransformerEncoderLayer(8, 2, 12, dropout=0.0, batch_first=batch_first)
        return m.TransformerEncoder(layer, 2, m.LayerNorm(8) if with_norm else None)

    def decoder(m: Any) -> Any:
        layer = m.TransformerDecoderLayer(8, 2, 12, dropout=0.0, batch_first=batch_first)
        return m.TransformerDecoder(layer, 2, m.LayerNorm(8) if with_norm else None)

    x = randn(2, 5, 8) if batch_first else randn(5, 2, 8)
    causal = tnn.Transformer.generate_square_subsequent_mask(5).double().numpy()
    ours, theirs = build(encoder)
    assert repr(ours) == repr(theirs)
    compare(ours, theirs, [x], {"mask": causal, "src_key_padding_mask": _padding(2, 5, "float")})
    ours, theirs = build(decoder)
    compare(ours, theirs, [x, randn(*x.shape, seed=3)], {"tgt_mask": causal})


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_transformer_matches_torch(norm_first: bool, batch_first: bool) -> None:
    ours, theirs = build(lambda m: m.Transformer(
        8, 2, 2, 1, 12, dropout=0.0, norm_first=norm_first, batch_first=batch_first))  # fmt: skip
    assert repr(ours) == repr(theirs)
    src = randn(2, 5, 8, seed=1) if batch_first else randn(5, 2, 8, seed=1)
    tgt = randn(2, 4, 8, seed=2) if batch_first else randn(4, 2, 8, seed=2)
    m = {
        "tgt_mask": nn.Transformer.generate_square_subsequent_mask(4).double().numpy(),
        "src_key_padding_mask": _padding(2, 5),
        "memory_key_padding_mask": _padding(2, 5),
    }
    compare(ours, theirs, [src, tgt], m)


@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors")
def test_encoder_nested_tensor_path_zeroes_padding_like_torch() -> None:
    """In eval mode without autograd PyTorch skips padded tokens and returns zeros there."""
    ours, theirs = build(lambda m: m.TransformerEncoder(
        m.TransformerEncoderLayer(8, 2, 12, batch_first=True), 2, m.LayerNorm(8)))  # fmt: skip
    ours.eval()
    theirs.eval()
    x, pad = randn(3, 5, 8), _padding(3, 5)
    with torch.no_grad(), rg.no_grad():
        out = ours(rg.tensor(x), src_key_padding_mask=rg.tensor(pad))
        tout = theirs(torch.tensor(x), src_key_padding_mask=torch.tensor(pad))
    np.testing.assert_allclose(out.numpy(), tout.numpy(), **TOL)


def test_square_subsequent_mask_and_causal_detection() -> None:
    ours = nn.Transformer.generate_square_subsequent_mask(4)
    theirs = tnn.Transformer.generate_square_subsequent_mask(4)
    assert ours.dtype == rg.float32
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    from retrograd.nn.modules.transformer import _detect_is_causal_mask

    assert _detect_is_causal_mask(ours, None, 4)
    assert not _detect_is_causal_mask(ours.t(), None, 4)
    assert not _detect_is_causal_mask(ours, False, 4)


def test_parameter_names_and_init_match_torch() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = nn.Transformer(8, 2, 1, 1, 12), tnn.Transformer(8, 2, 1, 1, 12)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in theirs.named_parameters()
    ]
    w = ours.encoder.layers[0].linear1.weight.detach().numpy()
    bound = np.sqrt(6 / (8 + 12))  # xavier_uniform_ on every matrix
    assert np.abs(w).max() <= bound and w.std() > bound / 3


def test_layers_are_independent_copies() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 12), 3)
    ws = [layer.linear1.weight for layer in enc.layers]
    assert len({id(w) for w in ws}) == 3
    np.testing.assert_array_equal(ws[0].detach().numpy(), ws[2].detach().numpy())


def test_dropout_active_in_training_only() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = nn.TransformerEncoderLayer(8, 2, 12, dropout=0.3).double()
    x = rg.tensor(randn(5, 2, 8))
    rg.manual_seed(0)
    a = model(x).detach().numpy()
    rg.manual_seed(1)
    b = model(x).detach().numpy()
    assert not np.allclose(a, b)
    model.eval()
    np.testing.assert_array_equal(model(x).detach().numpy(), model(x).detach().numpy())


def test_nested_tensor_warning_matches_torch() -> None:
    with pytest.warns(UserWarning) as theirs:
        tnn.TransformerEncoder(tnn.TransformerEncoderLayer(8, 2, 12), 1)
    with pytest.warns(UserWarning) as ours:
        nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 12), 1)
    assert str(ours[0].message) == str(theirs[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 12), 1, enable_nested_tensor=False)


def test_errors_match_torch() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = nn.Transformer(8, 2, 1, 1, 12), tnn.Transformer(8, 2, 1, 1, 12)
    cases = [
        ((5, 2, 8), (4, 3, 8), "the batch number of src and tgt must be equal"),
        ((5, 2, 8), (4, 2, 6), "the feature number of src and tgt must be equal to d_model"),
    ]
    for s, t, text in cases:
        with pytest.raises(RuntimeError, match=text):
            theirs(torch.zeros(s), torch.zeros(t))
        with pytest.raises(RuntimeError, match=text):
            ours(rg.zeros(s), rg.zeros(t))
    for cls in ("TransformerEncoderLayer", "TransformerDecoderLayer"):
        with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
            getattr(tnn, cls)(8, 2, activation="tanh")
        with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
            getattr(nn, cls)(8, 2, activation="tanh")
