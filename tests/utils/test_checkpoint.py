"""utils.checkpoint against torch.utils.checkpoint and against our own plain runs: the same
gradients (inputs, parameters, closures, non-tensor and keyword arguments), dropout masks
replayed from the forward's RNG state, intermediates not kept, and PyTorch's warnings and
errors."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
import torch
import torch.utils.checkpoint as tcp

import retrograd as rg
import retrograd.utils.checkpoint as rcp
from _torch_compare import assert_close

VARIANTS = [False, True]  # use_reentrant


def _nets() -> tuple[rg.nn.Module, torch.nn.Module]:
    torch.manual_seed(0)
    tnet = torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8), torch.nn.ReLU(),
        torch.nn.Linear(8, 8), torch.nn.Sigmoid(), torch.nn.Linear(8, 3),
    )  # fmt: skip
    net = rg.nn.Sequential(
        rg.nn.Linear(4, 8), rg.nn.Tanh(), rg.nn.Linear(8, 8), rg.nn.ReLU(),
        rg.nn.Linear(8, 8), rg.nn.Sigmoid(), rg.nn.Linear(8, 3),
    )  # fmt: skip
    net.load_state_dict({k: rg.from_numpy(v.numpy().copy()) for k, v in tnet.state_dict().items()})
    return net, tnet


def _x() -> np.ndarray:
    return np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)


def _grads(net, x) -> list:
    return [x.grad] + [p.grad for p in net.parameters()]


@pytest.mark.parametrize("use_reentrant", VARIANTS)
def test_gradients_match_torch_checkpoint(use_reentrant):
    net, tnet = _nets()
    x = rg.from_numpy(_x()).requires_grad_()
    tx = torch.from_numpy(_x()).requires_grad_()
    g = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    y = rcp.checkpoint(net, x, use_reentrant=use_reentrant)
    ty = tcp.checkpoint(tnet, tx, use_reentrant=use_reentrant)
    assert_close(y, ty)
    y.backward(rg.from_numpy(g))
    ty.backward(torch.from_numpy(g))
    for a, b in zip(_grads(net, x), _grads(tnet, tx)):
        assert_close(a, b)


@pytest.mark.parametrize("use_reentrant", VARIANTS)
def test_gradients_equal_our_plain_run_bit_for_bit(use_reentrant):
    net, _ = _nets()
    x = rg.from_numpy(_x()).requires_grad_()
    net(x).pow(2).sum().backward()
    plain = [t.clone() for t in _grads(net, x)]
    net.zero_grad()
    x.grad = None
    rcp.checkpoint(net, x, use_reentrant=use_reentrant).pow(2).sum().backward()
    for a, b in zip(_grads(net, x), plain):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_sequential_matches_torch_checkpoint_sequential():
    net, tnet = _nets()
    x = rg.from_numpy(_x()).requires_grad_()
    tx = torch.from_numpy(_x()).requires_grad_()
    for use_reentrant in VARIANTS:
        y = rcp.checkpoint_sequential(net, 3, x, use_reentrant=use_reentrant)
        ty = tcp.checkpoint_sequential(tnet, 3, tx, use_reentrant=use_reentrant)
        assert_close(y, ty)
        y.sum().backward()
        ty.sum().backward()
    for a, b in zip(_grads(net, x), _grads(tnet, tx)):
        assert_close(a, b)


@pytest.mark.parametrize("use_reentrant", VARIANTS)
def test_closure_parameters_and_non_tensor_arguments(use_reentrant):
    w = np.random.default_rng(2).standard_normal((4, 4)).astype(np.float32)
    results = []
    for lib, cp in ((rg, rcp), (torch, tcp)):
        W = lib.from_numpy(w.copy()).requires_grad_()
        x = lib.from_numpy(_x()).requires_grad_()

        def f(x, scale, mode, W=W, lib=lib):
            h = (x @ W).sin() * scale
            return h.exp() if mode == "exp" else h.cos()

        y = cp.checkpoint(f, x, 0.5, "exp", use_reentrant=use_reentrant)
        (y * y).sum().backward()
        results.append((y, x.grad, W.grad))
    for a, b in zip(*results):
        assert_close(a, b)


def test_non_reentrant_with_keywords_nested_inputs_grad_and_inputs():
    w = np.random.default_rng(3).standard_normal((4, 2)).astype(np.float32)
    results = []
    for lib, cp in ((rg, rcp), (torch, tcp)):
        W = lib.from_numpy(w.copy()).requires_grad_()
        x = lib.from_numpy(_x()).requires_grad_()

        def f(d, *, shift, W=W):
            h = (d["x"] @ W).tanh()
            return h + shift, {"sq": h * h}

        y, extra = cp.checkpoint(f, {"x": x}, shift=1.0, use_reentrant=False)
        loss = y.sum() + extra["sq"].sum()
        gx, gw = lib.autograd.grad(loss, (x, W), retain_graph=True)
        loss.backward(inputs=[W])
        results.append((gx, gw, W.grad, x.grad))
    ours, theirs = results
    assert ours[3] is None and theirs[3] is None  # inputs=[W]: x.grad untouched
    for a, b in zip(ours[:3], theirs[:3]):
        assert_close(a, b)


@pytest.mark.parametrize("use_reentrant", VARIANTS)
def test_dropout_masks_replayed_from_the_forward_rng_state(use_reentrant):
    net = rg.nn.Sequential(rg.nn.Linear(6, 32), rg.nn.Dropout(0.5), rg.nn.Linear(32, 1))
    x = rg.randn(8, 6, requires_grad=True)

    def run(wrap, **kw):
        net.zero_grad()
        x.grad = None
        rg.manual_seed(5)
        (wrap(net, x, **kw) if wrap else net(x)).sum().backward()
        after = rg.rand(3)  # the generator continues as if no recomputation happened
        return [t.clone() for t in _grads(net, x)], after

    plain, after_plain = run(None)
    same, after_cp = run(rcp.checkpoint, use_reentrant=use_reentrant)
    for a, b in zip(same, plain):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(after_cp.numpy(), after_plain.numpy())
    other, _ = run(rcp.checkpoint, use_reentrant=use_reentrant, preserve_rng_state=False)
    assert not np.allclose(other[0].numpy(), plain[0].numpy())


@pytest.mark.parametrize("use_reentrant", VARIANTS)
def test_intermediates_are_not_kept_between_forward_and_backward(use_reentrant):
    x = rg.randn(4, 4, requires_grad=True)
    kept: list[weakref.ref] = []

    def f(x):
        h = x @ x.t()
        kept.append(weakref.ref(h))
        return h.sin().sum(0)  # sin saves h for its derivative

    y_plain = f(x)
    gc.collect()
    assert kept[0]() is not None  # held by SinBackward0
    y = rcp.checkpoint(f, x, use_reentrant=use_reentrant)
    gc.collect()
    assert kept[1]() is None
    y.sum().backward()
    g = x.grad.clone()
    x.grad = None
    y_plain.sum().backward()
    np.testing.assert_array_equal(g.numpy(), x.grad.numpy())


def test_non_reentrant_second_backward_needs_retain_graph():
    net, _ = _nets()
    x = rg.from_numpy(_x()).requires_grad_()
    y = rcp.checkpoint(net, x, use_reentrant=False).sum()
    y.backward(retain_graph=True)
    first = x.grad.clone()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first.numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_use_reentrant_unset_warns_like_torch_and_means_reentrant():
    net, _ = _nets()
    x = rg.from_numpy(_x()).requires_grad_()
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
        y = rcp.checkpoint(net, x)
    assert y.grad_fn.name() == "CheckpointFunctionBackward"
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
        rcp.checkpoint_sequential(net, 2, x)


def test_errors_and_warnings_as_torch():
    net, _ = _nets()
    x = rg.from_numpy(_x())
    with pytest.raises(ValueError, match="Unexpected keyword arguments: scale"):
        rcp.checkpoint(lambda x, scale: x, x, scale=2, use_reentrant=True)
    with pytest.raises(ValueError, match="Unexpected keyword arguments: scale"):
        rcp.checkpoint_sequential(net, 2, x, use_reentrant=False, scale=2)
    with pytest.raises(ValueError, match="determinism_check should be one of"):
        rcp.checkpoint(net, x, use_reentrant=False, determinism_check="strict")
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        rcp.checkpoint(net, x, use_reentrant=True)


def test_recomputation_that_differs_raises_checkpoint_error():
    w = rg.randn(4, 4, requires_grad=True)
    calls = []

    def f(x):
        calls.append(1)
        h = x @ w
        return h.sin() if len(calls) == 1 else h.sin().exp()

    y = rcp.checkpoint(f, rg.randn(2, 4), use_reentrant=False)
    with pytest.raises(rcp.CheckpointError, match="different number of tensors"):
        y.sum().backward()

    def g(x, shape=[(2, 4)]):  # noqa: B006  (state shared between the two runs)
        out = (x[: shape[0][0]] @ w).sin()
        shape[0] = (1, 4)
        return out.sum()

    with pytest.raises(rcp.CheckpointError, match="different metadata"):
        rcp.checkpoint(g, rg.randn(2, 4), use_reentrant=False).backward()


def test_non_reentrant_double_backward_matches_torch():
    results = []
    for lib, cp in ((rg, rcp), (torch, tcp)):
        x = lib.tensor([0.3, 0.7, -1.2], requires_grad=True)
        w = lib.tensor([1.5, -0.5, 2.0], requires_grad=True)
        y = cp.checkpoint(lambda x, w=w: (x * w).sin() * x, x, use_reentrant=False)
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        g.pow(2).sum().backward()
        results.append((g, x.grad, w.grad))
    for a, b in zip(*results):
        assert_close(a, b)


@pytest.mark.parametrize("lib, cp", [(rg, rcp), (torch, tcp)], ids=["retrograd", "torch"])
def test_reentrant_refuses_grad_and_inputs_like_torch(lib, cp):
    x = lib.ones(3, requires_grad=True)
    msg = "When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad()"
    with pytest.raises(RuntimeError, match=msg):
        lib.autograd.grad(cp.checkpoint(lib.sin, x, use_reentrant=True).sum(), x)
    with pytest.raises(RuntimeError, match=msg):
        cp.checkpoint(lib.sin, x, use_reentrant=True).sum().backward(inputs=[x])


def test_input_changed_in_place_before_backward_is_an_error():
    x = rg.randn(3, requires_grad=True)
    h = x * 1
    y = rcp.checkpoint(lambda h: h.sin(), h, use_reentrant=False)
    with rg.no_grad():
        h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
