"""Recurrent layers and their cells against torch.nn: outputs, final states, input, state and
parameter gradients over a grid of options; packed input; errors; repr; initialisation."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
from retrograd import nn
from retrograd.autograd import gradcheck, gradgradcheck
from retrograd.func import functional_call
from retrograd.nn.utils import rnn as rnn_utils

tnn = torch.nn
TOL = dict(rtol=1e-10, atol=1e-10)


def copy_weights(ours: nn.Module, theirs: tnn.Module) -> None:
    ours.load_state_dict({k: rg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})


def pair(cls: str, *args: Any, **kwargs: Any) -> tuple[nn.Module, tnn.Module]:
    torch.manual_seed(0)
    theirs = getattr(tnn, cls)(*args, **kwargs).double()
    ours = getattr(nn, cls)(*args, **kwargs).double()
    copy_weights(ours, theirs)
    return ours, theirs


def flat(x: Any) -> list[Any]:
    """The tensors of a (nested) result, a PackedSequence contributing its data."""
    if isinstance(x, (rnn_utils.PackedSequence, tnn.utils.rnn.PackedSequence)):
        return [x.data]
    if isinstance(x, (tuple, list)):
        return [t for item in x for t in flat(item)]
    return [x]


def run_both(ours: nn.Module, theirs: tnn.Module, make_input: Any, states: list[np.ndarray],
             lstm: bool) -> None:  # fmt: skip
    """Feed the same input (and initial states) to both, compare every output, then backward
    a random weighted sum of all outputs and compare the gradients of input, states and
    parameters."""
    x, tx, leaves, tleaves = make_input()
    hs = [rg.tensor(s, requires_grad=True) for s in states]
    ths = [torch.tensor(s, requires_grad=True) for s in states]
    hx = (tuple(hs) if lstm else hs[0]) if hs else None
    thx = (tuple(ths) if lstm else ths[0]) if ths else None
    outs, touts = flat(ours(x, hx)), flat(theirs(tx, thx))
    rng = np.random.default_rng(5)
    loss, tloss = 0, 0
    for o, t in zip(outs, touts, strict=True):
        assert tuple(o.shape) == tuple(t.shape)
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), **TOL)
        w = rng.standard_normal(tuple(t.shape))
        loss = loss + (o * rg.tensor(w)).sum()
        tloss = tloss + (t * torch.tensor(w)).sum()
    loss.backward()
    tloss.backward()
    for a, b in zip(leaves + hs, tleaves + ths, strict=True):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **TOL)
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters(),
                                  strict=True):  # fmt: skip
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), err_msg=name, **TOL)


def dense_input(shape: tuple[int, ...]) -> Any:
    def make() -> tuple:
        v = np.random.default_rng(1).standard_normal(shape)
        x, tx = rg.tensor(v, requires_grad=True), torch.tensor(v, requires_grad=True)
        return x, tx, [x], [tx]

    return make


def packed_input(lengths: list[int], features: int, enforce_sorted: bool) -> Any:
    def make() -> tuple:
        r = np.random.default_rng(2)
        vs = [r.standard_normal((n, features)) for n in lengths]
        xs = [rg.tensor(v, requires_grad=True) for v in vs]
        txs = [torch.tensor(v, requires_grad=True) for v in vs]
        x = rnn_utils.pack_sequence(xs, enforce_sorted=enforce_sorted)
        tx = tnn.utils.rnn.pack_sequence(txs, enforce_sorted=enforce_sorted)
        return x, tx, xs, txs

    return make


GRID = [
    # (num_layers, bidirectional, batch_first, bias, initial state given)
    (1, False, False, True, False), (1, False, False, True, True), (2, False, True, True, True),
    (1, True, False, False, False), (2, True, True, True, False), (2, True, True, True, True),
    (3, True, False, True, True),
]  # fmt: skip
MODES = [("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("LSTM", {}), ("GRU", {}),
         ("LSTM", {"proj_size": 2})]  # fmt: skip
IDS = ["rnn_tanh", "rnn_relu", "lstm", "gru", "lstm_proj"]


def _states(cls: str, kw: dict, layers: int, bidi: bool, batch: int | None) -> list:
    """Random initial states of the shapes the layer expects (no batch dim if None)."""
    lead = layers * (2 if bidi else 1)
    real = kw.get("proj_size", 0) or 5
    r = np.random.default_rng(3)
    shape = (lead, batch) if batch is not None else (lead,)
    states = [r.standard_normal((*shape, real))]
    if cls == "LSTM":
        states.append(r.standard_normal((*shape, 5)))
    return states


@pytest.mark.parametrize(("cls", "kw"), MODES, ids=IDS)
@pytest.mark.parametrize(("layers", "bidi", "batch_first", "bias", "with_state"), GRID)
def test_layer_matches_torch(cls: str, kw: dict, layers: int, bidi: bool, batch_first: bool,
                             bias: bool, with_state: bool) -> None:  # fmt: skip
    ours, theirs = pair(cls, 3, 5, layers, bias=bias, batch_first=batch_first,
                        bidirectional=bidi, **kw)  # fmt: skip
    shape = (2, 4, 3) if batch_first else (4, 2, 3)
    states = _states(cls, kw, layers, bidi, 2) if with_state else []
    run_both(ours, theirs, dense_input(shape), states, cls == "LSTM")


@pytest.mark.parametrize(("cls", "kw"), MODES, ids=IDS)
@pytest.mark.parametrize("bidi", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
def test_unbatched_input_matches_torch(cls: str, kw: dict, bidi: bool, with_state: bool) -> None:
    ours, theirs = pair(cls, 3, 5, 2, bidirectional=bidi, batch_first=bidi, **kw)
    states = _states(cls, kw, 2, bidi, None) if with_state else []
    run_both(ours, theirs, dense_input((4, 3)), states, cls == "LSTM")


@pytest.mark.parametrize(("cls", "kw"), MODES, ids=IDS)
@pytest.mark.parametrize(("layers", "bidi"), [(1, False), (2, True)])
@pytest.mark.parametrize(("lengths", "enforce_sorted", "with_state"),
                         [([5, 3, 3, 1], True, False), ([2, 5, 1, 4], False, True)])  # fmt: skip
def test_packed_input_matches_torch(cls: str, kw: dict, layers: int, bidi: bool,
                                    lengths: list[int], enforce_sorted: bool,
                                    with_state: bool) -> None:  # fmt: skip
    ours, theirs = pair(cls, 3, 5, layers, bidirectional=bidi, **kw)
    states = _states(cls, kw, layers, bidi, len(lengths)) if with_state else []
    run_both(ours, theirs, packed_input(lengths, 3, enforce_sorted), states, cls == "LSTM")


def test_packed_output_is_packed_with_the_same_order() -> None:
    ours, theirs = pair("GRU", 3, 5)
    x, tx, _, _ = packed_input([2, 4, 1], 3, False)()
    out, _ = ours(x)
    tout, _ = theirs(tx)
    assert isinstance(out, rnn_utils.PackedSequence)
    np.testing.assert_array_equal(out.batch_sizes.numpy(), tout.batch_sizes.numpy())
    np.testing.assert_array_equal(out.sorted_indices.numpy(), tout.sorted_indices.numpy())
    np.testing.assert_array_equal(out.unsorted_indices.numpy(), tout.unsorted_indices.numpy())
    padded, lens = rnn_utils.pad_packed_sequence(out, batch_first=True)
    tpadded, tlens = tnn.utils.rnn.pad_packed_sequence(tout, batch_first=True)
    np.testing.assert_allclose(padded.detach().numpy(), tpadded.detach().numpy(), **TOL)
    np.testing.assert_array_equal(lens.numpy(), tlens.numpy())


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_float32_layer_matches_torch(cls: str) -> None:
    torch.manual_seed(0)
    theirs, ours = getattr(tnn, cls)(4, 6, 2), getattr(nn, cls)(4, 6, 2)
    copy_weights(ours, theirs)
    v = np.random.default_rng(0).standard_normal((7, 3, 4)).astype(np.float32)
    out, tout = ours(rg.tensor(v))[0], theirs(torch.tensor(v))[0]
    assert out.dtype == rg.float32
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------------------- dropout


def test_dropout_between_layers_in_training_only() -> None:
    ours = nn.LSTM(4, 200, num_layers=2, dropout=0.5).double()
    x = rg.tensor(np.random.default_rng(0).standard_normal((3, 2, 4)))
    rg.manual_seed(0)
    a = ours(x)[0]
    rg.manual_seed(1)
    b = ours(x)[0]
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())
    ours.eval()
    np.testing.assert_array_equal(ours(x)[0].detach().numpy(), ours(x)[0].detach().numpy())


def test_dropout_zeroes_about_p_of_the_second_layers_input() -> None:
    """With an identity-like second layer input weight the dropped units are visible: in
    train mode about half of the first layer's outputs feed nothing into layer 2."""
    rg.manual_seed(0)
    ours = nn.RNN(4, 400, num_layers=2, dropout=0.5, bias=False).double()
    with rg.no_grad():
        ours.weight_hh_l1.zero_()
        ours.weight_ih_l1.copy_(rg.eye(400, dtype=rg.float64))
    x = rg.tensor(np.random.default_rng(0).standard_normal((1, 1, 4)))
    first = nn.RNN(4, 400, bias=False).double()
    with rg.no_grad():
        first.weight_ih_l0.copy_(ours.weight_ih_l0)
    h1 = first(x)[0].detach().numpy().ravel()
    h2 = ours(x)[0].detach().numpy().ravel()
    dropped = np.isclose(h2, 0.0)
    assert 0.4 < dropped.mean() < 0.6
    np.testing.assert_allclose(h2[~dropped], np.tanh(2 * h1[~dropped]), rtol=1e-12)


def test_dropout_with_one_layer_warns_like_torch() -> None:
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        nn.GRU(3, 4, dropout=0.2)
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        nn.GRU(3, 4, dropout=1.5)


# ---------------------------------------------------------------------------- cells


CELLS = [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("LSTMCell", {}),
         ("GRUCell", {}), ("GRUCell", {"bias": False})]  # fmt: skip


@pytest.mark.parametrize(("cls", "kw"), CELLS)
@pytest.mark.parametrize(("batch", "with_state"), [(3, True), (3, False), (None, True),
                                                   (None, False)])  # fmt: skip
def test_cell_matches_torch(cls: str, kw: dict, batch: int | None, with_state: bool) -> None:
    ours, theirs = pair(cls, 4, 5, **kw)
    assert repr(ours) == repr(theirs)
    shape = (batch, 4) if batch else (4,)
    lstm = cls == "LSTMCell"
    states = []
    if with_state:
        r = np.random.default_rng(4)
        sshape = (batch, 5) if batch else (5,)
        states = [r.standard_normal(sshape) for _ in range(2 if lstm else 1)]
    run_both(ours, theirs, dense_input(shape), states, lstm)


@pytest.mark.parametrize("cls", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_gradcheck_and_gradgradcheck(cls: str) -> None:
    cell = getattr(nn, cls)(2, 3).double()
    r = np.random.default_rng(0)
    x = rg.tensor(r.standard_normal((2, 2)), requires_grad=True)
    hx = [rg.tensor(r.standard_normal((2, 3)), requires_grad=True)]
    if cls == "LSTMCell":
        hx.append(rg.tensor(r.standard_normal((2, 3)), requires_grad=True))
    params = [rg.tensor(p.detach().numpy(), requires_grad=True) for p in cell.parameters()]

    def f(x: rg.Tensor, *rest: rg.Tensor) -> Any:
        states, ws = rest[: len(hx)], rest[len(hx) :]
        names = [n for n, _ in cell.named_parameters()]
        hx_arg = tuple(states) if len(states) == 2 else states[0]
        return functional_call(cell, dict(zip(names, ws, strict=True)), (x, hx_arg))

    assert gradcheck(f, (x, *hx, *params))
    assert gradgradcheck(f, (x, *hx, *params))


def test_layer_gradcheck_bidirectional_packed() -> None:
    lstm = nn.LSTM(2, 3, bidirectional=True).double()
    r = np.random.default_rng(0)
    a = rg.tensor(r.standard_normal((3, 2)), requires_grad=True)
    b = rg.tensor(r.standard_normal((2, 2)), requires_grad=True)

    def f(a: rg.Tensor, b: rg.Tensor) -> Any:
        out, (h, c) = lstm(rnn_utils.pack_sequence([a, b]))
        return out.data, h, c

    assert gradcheck(f, (a, b))
    assert gradgradcheck(f, (a, b))


# ---------------------------------------------------------------------------- module API


@pytest.mark.parametrize(("cls", "args", "kw"), [
    ("RNN", (3, 4), {}), ("RNN", (3, 4, 2), {"nonlinearity": "relu", "bias": False}),
    ("LSTM", (3, 4), {"proj_size": 2, "batch_first": True, "dropout": 0.0}),
    ("GRU", (3, 4, 3), {"bidirectional": True, "dropout": 0.25}),
])  # fmt: skip
def test_parameters_repr_and_init_match_torch(cls: str, args: tuple, kw: dict) -> None:
    ours, theirs = getattr(nn, cls)(*args, **kw), getattr(tnn, cls)(*args, **kw)
    assert repr(ours) == repr(theirs)
    names = [(n, tuple(p.shape)) for n, p in ours.named_parameters()]
    assert names == [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    bound = 1 / np.sqrt(4)
    values = np.concatenate([p.detach().numpy().ravel() for p in ours.parameters()])
    assert values.min() >= -bound and values.max() <= bound and values.std() > bound / 3
    assert [[tuple(p.shape) for p in ws] for ws in ours.all_weights] == [
        [tuple(p.shape) for p in ws] for ws in theirs.all_weights
    ]
    ours.flatten_parameters()


def test_state_dict_round_trips_into_torch() -> None:
    ours = nn.GRU(3, 4, 2, bidirectional=True).double()
    theirs = tnn.GRU(3, 4, 2, bidirectional=True).double()
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    v = np.random.default_rng(0).standard_normal((5, 2, 3))
    np.testing.assert_allclose(ours(rg.tensor(v))[0].detach().numpy(),
                               theirs(torch.tensor(v))[0].detach().numpy(), **TOL)  # fmt: skip


# ---------------------------------------------------------------------------- errors


def expect_same_error(ours_call: Any, theirs_call: Any, *fragments: str) -> None:
    with pytest.raises(Exception) as theirs:
        theirs_call()
    with pytest.raises(type(theirs.value)) as ours:
        ours_call()
    for text in fragments:
        assert text in str(ours.value), (str(ours.value), str(theirs.value))


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_wrong_input_size_and_rank_raise_torch_errors(cls: str) -> None:
    ours, theirs = pair(cls, 10, 5)
    bad = np.zeros((3, 2, 7))
    text = "input.size(-1) must be equal to input_size. Expected 10, got 7"
    expect_same_error(lambda: ours(rg.tensor(bad)), lambda: theirs(torch.tensor(bad)), cls, text)
    four = np.zeros((3, 2, 10, 1))
    expect_same_error(lambda: ours(rg.tensor(four)), lambda: theirs(torch.tensor(four)),
                      "Expected input to be 2D or 3D, got 4D")  # fmt: skip
    f32 = np.zeros((3, 2, 10), np.float32)
    text = "RNN input dtype (retrograd.float32) does not match weight dtype"
    expect_same_error(lambda: ours(rg.tensor(f32)), lambda: theirs(torch.tensor(f32)), text)


def test_wrong_initial_state_shapes_raise_torch_errors() -> None:
    ours, theirs = pair("RNN", 10, 5)
    x = np.zeros((3, 2, 10))
    h = np.zeros((2, 2, 5))
    expect_same_error(lambda: ours(rg.tensor(x), rg.tensor(h)),
                      lambda: theirs(torch.tensor(x), torch.tensor(h)),
                      "RNN", "Expected hidden size (1, 2, 5), got [2, 2, 5]")  # fmt: skip
    text = "For batched 3-D input, hx should also be 3-D but got 2-D tensor"
    expect_same_error(lambda: ours(rg.tensor(x), rg.tensor(h[0])),
                      lambda: theirs(torch.tensor(x), torch.tensor(h[0])), text)  # fmt: skip
    ours, theirs = pair("LSTM", 10, 5, 2)
    h, c = np.zeros((2, 2, 4)), np.zeros((2, 2, 5))
    expect_same_error(lambda: ours(rg.tensor(x), (rg.tensor(h), rg.tensor(c))),
                      lambda: theirs(torch.tensor(x), (torch.tensor(h), torch.tensor(c))),
                      "LSTM", "Expected hidden[0] size (2, 2, 5), got [2, 2, 4]")  # fmt: skip
    expect_same_error(lambda: ours(rg.tensor(x), (rg.tensor(c), rg.tensor(c[:1]))),
                      lambda: theirs(torch.tensor(x), (torch.tensor(c), torch.tensor(c[:1]))),
                      "Expected hidden[1] size (2, 2, 5), got [1, 2, 5]")  # fmt: skip
    expect_same_error(lambda: ours(rg.tensor(x), (rg.tensor(c), rg.tensor(c[0]))),
                      lambda: theirs(torch.tensor(x), (torch.tensor(c), torch.tensor(c[0]))),
                      "hx and cx should also be 3-D but got (3-D, 2-D) tensors")  # fmt: skip


def test_cell_errors_match_torch() -> None:
    ours, theirs = pair("LSTMCell", 10, 5)
    cases = [
        ((3, 7), None, "input has inconsistent input_size: got 7 expected 10"),
        ((3, 10), [(2, 5), (2, 5)], "Input batch size 3 doesn't match hidden0 batch size 2"),
        ((3, 10), [(3, 4), (3, 5)], "hidden0 has inconsistent hidden_size: got 4, expected 5"),
        ((3, 10), [(3, 5), (3, 4)], "hidden1 has inconsistent hidden_size: got 4, expected 5"),
        ((3, 2, 10), None, "LSTMCell: Expected input to be 1D or 2D, got 3D instead"),
    ]
    for xshape, states, text in cases:
        x = np.zeros(xshape)
        hs = None if states is None else tuple(rg.tensor(np.zeros(s)) for s in states)
        ths = None if states is None else tuple(torch.tensor(np.zeros(s)) for s in states)
        expect_same_error(lambda x=x, hs=hs: ours(rg.tensor(x), hs),
                          lambda x=x, ths=ths: theirs(torch.tensor(x), ths), text)  # fmt: skip


def test_constructor_errors_match_torch() -> None:
    for kw in ({"nonlinearity": "sigmoid"}, {"bias": 1}, {"batch_first": None}):
        expect_same_error(lambda kw=kw: nn.RNN(3, 4, **kw), lambda kw=kw: tnn.RNN(3, 4, **kw))
    for args, kw in (((3, 4), {"proj_size": 4}), ((0, 4), {}), ((3, 0), {}), ((3, 4, 0), {})):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expect_same_error(lambda a=args, k=kw: nn.LSTM(*a, **k),
                              lambda a=args, k=kw: tnn.LSTM(*a, **k))  # fmt: skip


# ---------------------------------------------------------------------------- nn.utils.rnn

TR = tnn.utils.rnn


def seqs(lengths: list[int], seed: int = 0) -> tuple[list, list]:
    r = np.random.default_rng(seed)
    vs = [r.standard_normal((n, 2, 3)) for n in lengths]
    return ([rg.tensor(v, requires_grad=True) for v in vs],
            [torch.tensor(v, requires_grad=True) for v in vs])  # fmt: skip


def backward_both(out: rg.Tensor, tout: torch.Tensor) -> None:
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), **TOL)
    w = np.random.default_rng(9).standard_normal(tuple(tout.shape))
    out.backward(rg.tensor(w))
    tout.backward(torch.tensor(w))


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence_matches_torch(batch_first: bool, padding_side: str) -> None:
    xs, txs = seqs([2, 4, 1])
    out = rnn_utils.pad_sequence(xs, batch_first, -1.5, padding_side)
    tout = TR.pad_sequence(txs, batch_first, -1.5, padding_side)
    backward_both(out, tout)
    for x, tx in zip(xs, txs, strict=True):
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), **TOL)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize(("lengths", "enforce_sorted", "as_tensor"),
                         [([4, 2, 2], True, False), ([1, 4, 3], False, True)])  # fmt: skip
@pytest.mark.parametrize("total_length", [None, 6])
def test_pack_then_pad_round_trip_matches_torch(batch_first: bool, lengths: list[int],
                                                enforce_sorted: bool, as_tensor: bool,
                                                total_length: int | None) -> None:  # fmt: skip
    v = np.random.default_rng(0).standard_normal((3, 4, 2) if batch_first else (4, 3, 2))
    x, tx = rg.tensor(v, requires_grad=True), torch.tensor(v, requires_grad=True)
    lens = rg.tensor(lengths) if as_tensor else lengths
    p = rnn_utils.pack_padded_sequence(x, lens, batch_first, enforce_sorted)
    tp = TR.pack_padded_sequence(tx, torch.tensor(lengths), batch_first, enforce_sorted)
    np.testing.assert_allclose(p.data.detach().numpy(), tp.data.detach().numpy(), **TOL)
    for field in ("batch_sizes", "sorted_indices", "unsorted_indices"):
        ours, theirs = getattr(p, field), getattr(tp, field)
        assert (ours is None) == (theirs is None)
        if ours is not None:
            assert ours.dtype == rg.int64
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    out, out_lens = rnn_utils.pad_packed_sequence(p, batch_first, 0.5, total_length)
    tout, tout_lens = TR.pad_packed_sequence(tp, batch_first, 0.5, total_length)
    np.testing.assert_array_equal(out_lens.numpy(), tout_lens.numpy())
    backward_both(out, tout)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), **TOL)


@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_unpack_and_unpad_sequence_match_torch(enforce_sorted: bool) -> None:
    lengths = [4, 3, 1] if enforce_sorted else [3, 4, 1]
    xs, txs = seqs(lengths)
    p, tp = rnn_utils.pack_sequence(xs, enforce_sorted), TR.pack_sequence(txs, enforce_sorted)
    parts, tparts = rnn_utils.unpack_sequence(p), TR.unpack_sequence(tp)
    assert [tuple(a.shape) for a in parts] == [tuple(b.shape) for b in tparts]
    backward_both(rg.cat(parts), torch.cat(tparts))
    for x, tx in zip(xs, txs, strict=True):
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), **TOL)
    padded = rnn_utils.pad_sequence(xs, batch_first=True)
    back = rnn_utils.unpad_sequence(padded, rg.tensor(lengths), batch_first=True)
    for a, x in zip(back, xs, strict=True):
        np.testing.assert_array_equal(a.detach().numpy(), x.detach().numpy())


def test_packed_sequence_is_a_named_tuple_with_torch_fields() -> None:
    p = rnn_utils.pack_sequence([rg.ones(2, 3), rg.ones(1, 3)])
    data, batch_sizes, sorted_indices, unsorted_indices = p
    assert p._fields == TR.PackedSequence._fields
    assert sorted_indices is None and unsorted_indices is None
    assert p.double().data.dtype == rg.float64 and p.to(rg.float64).batch_sizes is batch_sizes
    same = rnn_utils.PackedSequence((data, batch_sizes))
    assert same.data is data
    perm = rg.tensor([2, 0, 1])
    theirs = TR.invert_permutation(torch.tensor([2, 0, 1])).numpy()
    np.testing.assert_array_equal(rnn_utils.invert_permutation(perm).numpy(), theirs)


def test_rnn_utils_errors_match_torch() -> None:
    x, tx = rg.zeros(4, 3, 2), torch.zeros(4, 3, 2)
    for lengths, text in (([2, 3, 1], "must be sorted in decreasing order"),
                          ([3, 2], "Expected `len(lengths)` to be equal to batch_size, but got 2 "
                                   "(batch_size=3)")):  # fmt: skip
        expect_same_error(lambda le=lengths: rnn_utils.pack_padded_sequence(x, le),
                          lambda le=lengths: TR.pack_padded_sequence(tx, le), text)  # fmt: skip
    with pytest.raises(RuntimeError, match="has to be greater than 0"):
        rnn_utils.pack_padded_sequence(x, [3, 1, 0])
    p, tp = rnn_utils.pack_padded_sequence(x, [3, 2, 1]), TR.pack_padded_sequence(tx, [3, 2, 1])
    expect_same_error(lambda: rnn_utils.pad_packed_sequence(p, total_length=2),
                      lambda: TR.pad_packed_sequence(tp, total_length=2),
                      "total_length=2 and max sequence length being 3")  # fmt: skip
    expect_same_error(lambda: rnn_utils.pad_sequence([x], padding_side="up"),
                      lambda: TR.pad_sequence([tx], padding_side="up"),
                      "Expected padding_side to be one of left or right, but got up.")  # fmt: skip
    expect_same_error(lambda: rnn_utils.pad_sequence([]), lambda: TR.pad_sequence([]),
                      "received an empty list of sequences")  # fmt: skip


# ---------------------------------------------------------------------------- split primitive


def test_split_with_sizes_is_one_node_with_torch_name_and_gradients() -> None:
    from retrograd._prims.sequence import split_with_sizes

    v = np.random.default_rng(0).standard_normal((6, 4))
    x, tx = rg.tensor(v, requires_grad=True), torch.tensor(v, requires_grad=True)
    parts, tparts = split_with_sizes(x, (3, 2, 1)), torch.split(tx, [3, 2, 1])
    assert {p.grad_fn for p in parts} == {parts[0].grad_fn}
    assert parts[0].grad_fn.name() == tparts[0].grad_fn.name() == "SplitWithSizesBackward0"
    # the middle piece unused: its gradient counts as zeros
    w = [np.random.default_rng(i).standard_normal(tuple(p.shape)) for i, p in enumerate(tparts)]
    (parts[0] * rg.tensor(w[0])).sum().add((parts[2] * rg.tensor(w[2])).sum()).backward()
    (tparts[0] * torch.tensor(w[0])).sum().add((tparts[2] * torch.tensor(w[2])).sum()).backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    cols = split_with_sizes(x, (1, 3), 1)
    np.testing.assert_array_equal(cols[1].detach().numpy(), v[:, 1:])


def test_split_with_sizes_gradcheck_gradgradcheck_and_forward_mode() -> None:
    from retrograd._prims.sequence import split_with_sizes

    x = rg.tensor(np.random.default_rng(0).standard_normal((5, 3)), requires_grad=True)

    def f(x: rg.Tensor) -> Any:
        a, b = split_with_sizes(x, (2, 1), 1)
        return a.sin(), b * b

    assert gradcheck(f, (x,), check_forward_ad=True)
    assert gradgradcheck(f, (x,))
