"""Automatic mixed precision against PyTorch: CPU autocast (which ops cast, dtypes, values,
gradients in each leaf's dtype, nesting, warnings) and GradScaler (scale, unscale, skipped
steps, growth and backoff, state_dict, disabled pass-through, errors)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import retrograd as rg
import retrograd.nn.functional as F
from _torch_compare import assert_close, to_torch

BF16_TOL = dict(rtol=2e-2, atol=2e-2)


def _leaves(*shapes: tuple[int, ...], seed: int = 0) -> list[rg.Tensor]:
    r = np.random.default_rng(seed)
    return [rg.tensor(r.standard_normal(s).astype(np.float32), requires_grad=True)
            for s in shapes]  # fmt: skip


# each case: (name, input shapes, how to call the op given its module T and the functional F)
AUTOCAST_OPS = [
    ("matmul", [(2, 3, 4), (4, 5)], lambda T, F, a, b: T.matmul(a, b)),
    ("matmul_op", [(3, 4), (4,)], lambda T, F, a, b: a @ b),
    ("mm", [(3, 4), (4, 5)], lambda T, F, a, b: T.mm(a, b)),
    ("bmm", [(2, 3, 4), (2, 4, 5)], lambda T, F, a, b: T.bmm(a, b)),
    ("addmm", [(5,), (3, 4), (4, 5)], lambda T, F, c, a, b: T.addmm(c, a, b)),
    ("baddbmm", [(3, 5), (2, 3, 4), (2, 4, 5)],
     lambda T, F, c, a, b: T.baddbmm(c, a, b, beta=0.5, alpha=2.0)),
    ("addbmm", [(3, 5), (2, 3, 4), (2, 4, 5)], lambda T, F, c, a, b: T.addbmm(c, a, b)),
    ("linear", [(2, 3, 4), (5, 4), (5,)], lambda T, F, x, w, b: F.linear(x, w, b)),
    ("linear_nobias", [(3, 4), (5, 4)], lambda T, F, x, w: F.linear(x, w)),
    ("prelu", [(2, 3, 4), (3,)], lambda T, F, x, w: F.prelu(x, w)),
    ("method_mm", [(3, 4), (4, 5)], lambda T, F, a, b: a.mm(b)),
    ("conv1d", [(2, 3, 7), (4, 3, 3), (4,)], lambda T, F, x, w, b: F.conv1d(x, w, b, padding=1)),
    ("conv2d", [(2, 3, 6, 5), (4, 3, 3, 3), (4,)],
     lambda T, F, x, w, b: F.conv2d(x, w, b, stride=2)),
    ("conv_transpose2d", [(2, 3, 4, 4), (3, 2, 3, 3), (2,)],
     lambda T, F, x, w, b: F.conv_transpose2d(x, w, b)),
    ("sdpa_causal", [(2, 3, 4, 5)] * 3,
     lambda T, F, q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True)),
    ("sdpa_float_mask", [(2, 3, 4, 5)] * 3 + [(4, 4)],
     lambda T, F, q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m)),
]  # fmt: skip


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("name,shapes,call", AUTOCAST_OPS, ids=[c[0] for c in AUTOCAST_OPS])
def test_autocast_op_runs_in_low_precision_with_grads_in_leaf_dtype(name, shapes, call, dtype):
    ours = _leaves(*shapes)
    theirs = [to_torch(x) for x in ours]
    with rg.autocast("cpu", dtype=getattr(rg, dtype)):
        y = call(rg, F, *ours)
    with torch.autocast("cpu", dtype=getattr(torch, dtype)):
        ty = call(torch, torch.nn.functional, *theirs)
    assert_close(y, ty, **BF16_TOL)
    g = np.random.default_rng(1).standard_normal(tuple(y.shape)).astype(np.float32)
    y.float().backward(rg.tensor(g))
    ty.float().backward(torch.from_numpy(g))
    for a, b in zip(ours, theirs, strict=True):
        assert_close(a.grad, b.grad, rtol=5e-2, atol=5e-2)  # float32, like the leaf


def test_autocast_leaves_float64_elementwise_and_integer_inputs_alone():
    a, b = _leaves((3, 4), (4, 2))
    with rg.autocast("cpu"):
        assert rg.mm(a.double(), b.double()).dtype == rg.float64
        assert (a + a).dtype == rg.float32
        assert rg.tanh(a).dtype == rg.float32
        ints = rg.ones(2, 2, dtype=rg.int64)
        assert rg.mm(ints, ints).dtype == rg.int64
        # a half input is cast to bfloat16 too, as in PyTorch
        assert rg.mm(a.half(), b).dtype == rg.bfloat16
    with torch.autocast("cpu"):
        ta, tb = to_torch(a), to_torch(b)
        assert torch.mm(ta.half(), tb).dtype == torch.bfloat16
        assert torch.mm(ta.double(), tb.double()).dtype == torch.float64


def test_autocast_cast_nodes_are_differentiable_copies():
    a, b = _leaves((3, 4), (4, 2))
    with rg.autocast("cpu"):
        y = rg.mm(a, b)
    assert y.grad_fn.name() == "MmBackward0"
    assert [n.name() for n, _ in y.grad_fn.next_functions] == ["ToCopyBackward0"] * 2


def test_autocast_state_nesting_and_restore():
    assert not rg.is_autocast_enabled("cpu")
    assert rg.get_autocast_dtype("cpu") == rg.bfloat16
    assert rg.get_autocast_dtype("cuda") == rg.float16
    a, b = _leaves((2, 2), (2, 2))
    with rg.autocast("cpu"):
        assert rg.is_autocast_enabled("cpu") and not rg.is_autocast_enabled()
        with rg.autocast("cpu", enabled=False):
            assert not rg.is_autocast_enabled("cpu")
            assert (a @ b).dtype == rg.float32
        with rg.autocast("cpu", dtype=rg.float16):
            assert rg.get_autocast_dtype("cpu") == rg.float16
            assert (a @ b).dtype == rg.float16
        assert (a @ b).dtype == rg.bfloat16
    assert not rg.is_autocast_enabled("cpu") and (a @ b).dtype == rg.float32
    with pytest.raises(ZeroDivisionError), rg.autocast("cpu"):
        1 / 0  # noqa: B018
    assert not rg.is_autocast_enabled("cpu")  # restored on an exception too


def test_autocast_as_decorator_and_amp_spelling():
    a, b = _leaves((2, 3), (3, 2))

    @rg.autocast("cpu")
    def product(x, y):
        """doc kept"""
        return x @ y

    assert product(a, b).dtype == rg.bfloat16 and product.__doc__ == "doc kept"
    with rg.amp.autocast(device_type="cpu"):
        assert (a @ b).dtype == rg.bfloat16
    assert rg.amp.is_autocast_available("cpu") == torch.amp.is_autocast_available("cpu")
    assert rg.amp.is_autocast_available("cuda") == torch.amp.is_autocast_available("cuda")


def test_autocast_cuda_warns_and_disables_like_torch():
    with pytest.warns(UserWarning, match="CUDA is not available") as ours:
        with rg.autocast("cuda"):
            assert not rg.is_autocast_enabled("cuda")
    with pytest.warns(UserWarning, match="CUDA is not available") as theirs:
        with torch.autocast("cuda"):
            assert not torch.is_autocast_enabled("cuda")
    assert str(ours[0].message) == str(theirs[0].message)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_autocast_unsupported_dtype_warns_and_disables_like_torch(dtype):
    a, b = _leaves((2, 2), (2, 2))
    with pytest.warns(UserWarning) as ours, rg.autocast("cpu", dtype=getattr(rg, dtype)):
        assert (a @ b).dtype == rg.float32 and not rg.is_autocast_enabled("cpu")
    with pytest.warns(UserWarning) as theirs, torch.autocast("cpu", dtype=getattr(torch, dtype)):
        pass
    assert str(ours[0].message).replace("retrograd", "torch") == str(theirs[0].message)


def test_autocast_bad_device_errors_match_torch():
    for bad, exc in (("xyz", RuntimeError), (3, ValueError)):
        with pytest.raises(exc) as theirs:
            torch.autocast(bad)
        with pytest.raises(exc) as ours:
            rg.autocast(bad)
        assert str(ours.value) == str(theirs.value)


def test_deprecated_cpu_and_cuda_autocast_spellings_warn():
    a, b = _leaves((2, 2), (2, 2))
    with pytest.warns(FutureWarning, match=r"torch.cpu.amp.autocast\(args...\)` is deprecated"):
        ctx = rg.cpu.amp.autocast()
    with ctx:
        assert (a @ b).dtype == rg.bfloat16
    with pytest.warns(FutureWarning, match="deprecated"), pytest.warns(UserWarning, match="CUDA"):
        rg.cuda.amp.autocast()


def test_autocast_training_step_matches_torch():
    r = np.random.default_rng(3)
    x = r.standard_normal((8, 6)).astype(np.float32)
    y = r.integers(0, 3, 8)
    tnet = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    net = rg.nn.Sequential(rg.nn.Linear(6, 5), rg.nn.ReLU(), rg.nn.Linear(5, 3))
    net.load_state_dict({k: rg.tensor(v.numpy()) for k, v in tnet.state_dict().items()})
    with rg.autocast("cpu"):
        logits = net(rg.tensor(x))
    with torch.autocast("cpu"):
        tlogits = tnet(torch.from_numpy(x))
    assert logits.dtype == rg.bfloat16 and tlogits.dtype == torch.bfloat16
    loss = F.cross_entropy(logits.float(), rg.tensor(y))
    tloss = torch.nn.functional.cross_entropy(tlogits.float(), torch.from_numpy(y))
    loss.backward()
    tloss.backward()
    assert_close(loss, tloss, rtol=2e-2, atol=2e-2)
    for p, tp in zip(net.parameters(), tnet.parameters(), strict=True):
        assert p.grad.dtype == rg.float32
        assert_close(p.grad, tp.grad, rtol=5e-2, atol=3e-2)


# ------------------------------------------------------------------------------ GradScaler
def _pair(seed: int = 0):
    tnet = torch.nn.Linear(4, 3)
    with torch.no_grad():
        g = torch.Generator().manual_seed(seed)
        for p in tnet.parameters():
            p.copy_(torch.randn(p.shape, generator=g))
    net = rg.nn.Linear(4, 3)
    net.load_state_dict({k: rg.tensor(v.numpy()) for k, v in tnet.state_dict().items()})
    return net, tnet


def _run_scaled_steps(lib, net, opt, scaler, xs, poison):
    """Several scaled steps; on the steps in ``poison`` one gradient becomes inf."""
    scales, losses = [], []
    for i, x in enumerate(xs):
        opt.zero_grad()
        loss = (net(lib.tensor(x)) ** 2).mean()
        scaler.scale(loss).backward()
        if i in poison:
            with lib.no_grad():
                net.weight.grad[0, 0] = float("inf")
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
        losses.append(loss.item())
    return scales, losses


@pytest.mark.parametrize("poison", [(), (1,), (0, 3)])
def test_grad_scaler_steps_match_torch(poison):
    net, tnet = _pair()
    r = np.random.default_rng(0)
    xs = [r.standard_normal((5, 4)).astype(np.float32) for _ in range(5)]
    kw = dict(init_scale=2.0**10, growth_interval=2, growth_factor=4.0, backoff_factor=0.25)
    ours = _run_scaled_steps(rg, net, rg.optim.SGD(net.parameters(), lr=0.1),
                             rg.amp.GradScaler("cpu", **kw), xs, poison)  # fmt: skip
    tscaler = torch.amp.GradScaler("cpu", **kw)
    theirs = _run_scaled_steps(torch, tnet, torch.optim.SGD(tnet.parameters(), lr=0.1),
                               tscaler, xs, poison)  # fmt: skip
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5)
    for p, tp in zip(net.parameters(), tnet.parameters(), strict=True):
        assert_close(p, tp)


def test_grad_scaler_state_dict_round_trip_matches_torch():
    scaler = rg.amp.GradScaler("cpu", init_scale=8.0, growth_interval=3)
    tscaler = torch.amp.GradScaler("cpu", init_scale=8.0, growth_interval=3)
    net, tnet = _pair()
    for lib, n, s in ((rg, net, scaler), (torch, tnet, tscaler)):
        opt = lib.optim.SGD(n.parameters(), lr=0.1)
        s.scale(n(lib.ones(2, 4)).sum()).backward()
        s.step(opt)
        s.update()
    assert scaler.state_dict() == tscaler.state_dict()
    fresh = rg.amp.GradScaler("cpu")
    fresh.load_state_dict(scaler.state_dict())
    assert fresh.state_dict() == scaler.state_dict() and fresh.get_scale() == 8.0
    with pytest.raises(RuntimeError, match="source state dict is empty"):
        fresh.load_state_dict({})


def test_grad_scaler_unscale_before_clipping_matches_torch():
    net, tnet = _pair(1)
    grads = []
    for lib, n in ((rg, net), (torch, tnet)):
        s = lib.amp.GradScaler("cpu", init_scale=64.0)
        s.scale(n(lib.ones(2, 4)).pow(2).sum()).backward()
        s.unscale_(optim := lib.optim.SGD(n.parameters(), lr=0.1))
        lib.nn.utils.clip_grad_norm_(n.parameters(), 1.0)
        grads.append([p.grad for p in n.parameters()])
        s.step(optim)
        with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
            s.step(optim)
    for a, b in zip(*grads, strict=True):
        assert_close(a, b)


def test_grad_scaler_disabled_is_a_pass_through():
    net, _ = _pair()
    opt = rg.optim.SGD(net.parameters(), lr=0.1)
    scaler = rg.amp.GradScaler("cpu", enabled=False)
    loss = net(rg.ones(1, 4)).sum()
    assert scaler.scale(loss) is loss
    loss.backward()
    before = net.weight.detach().clone()
    scaler.unscale_(opt)
    scaler.step(opt)
    scaler.update()
    assert not rg.equal(before, net.weight)
    tscaler = torch.amp.GradScaler("cpu", enabled=False)
    assert scaler.get_scale() == tscaler.get_scale() == 1.0
    assert scaler.state_dict() == tscaler.state_dict() == {}
    assert not scaler.is_enabled()


def test_grad_scaler_on_cuda_warns_and_disables_like_torch():
    with pytest.warns(UserWarning, match="CUDA is not available.  Disabling") as ours:
        scaler = rg.amp.GradScaler()
    with pytest.warns(UserWarning) as theirs:
        torch.amp.GradScaler()
    assert str(ours[0].message) == str(theirs[0].message)
    assert not scaler.is_enabled()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.warns(FutureWarning, match=r"torch.cuda.amp.GradScaler\(args...\)"):
            old = rg.cuda.amp.GradScaler(enabled=False)
    assert not old.is_enabled()


def test_grad_scaler_errors_match_torch():
    for lib in (rg, torch):
        with pytest.raises(AssertionError, match="growth factor must be > 1.0"):
            lib.amp.GradScaler("cpu", growth_factor=1.0)
        with pytest.raises(AssertionError, match="backoff factor must be < 1.0"):
            lib.amp.GradScaler("cpu", backoff_factor=1.0)
        s = lib.amp.GradScaler("cpu")
        with pytest.raises(AssertionError, match="Attempted update but _scale is None"):
            s.update()
        w = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.SGD([w], lr=0.1)
        s.scale(w.sum()).backward()
        s.unscale_(opt)
        with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called"):
            s.unscale_(opt)
        with pytest.raises(ValueError, match="outputs must be a Tensor"):
            s.scale(3.0)


def test_grad_scaler_scales_lists_and_tuples():
    s = rg.amp.GradScaler("cpu", init_scale=4.0)
    a, b = rg.ones(2), rg.full((1,), 2.0)
    out = s.scale([a, (b,)])
    assert isinstance(out, list) and isinstance(out[1], tuple)
    assert out[0].tolist() == [4.0, 4.0] and out[1][0].tolist() == [8.0]


# the losses PyTorch's CPU autocast runs in float32, fed bfloat16 activations
FP32_LOSSES = {
    "cross_entropy": lambda F, x, y, t: F.cross_entropy(x, y),
    "cross_entropy_probs": lambda F, x, y, t: F.cross_entropy(x, t.softmax(-1)),
    "nll_loss": lambda F, x, y, t: F.nll_loss(x, y),
    "mse_loss": lambda F, x, y, t: F.mse_loss(x, t),
    "l1_loss": lambda F, x, y, t: F.l1_loss(x, t),
    "smooth_l1_loss": lambda F, x, y, t: F.smooth_l1_loss(x, t),
    "huber_loss": lambda F, x, y, t: F.huber_loss(x, t),
    "kl_div": lambda F, x, y, t: F.kl_div(x, t, reduction="batchmean"),
    "bce_with_logits": lambda F, x, y, t: F.binary_cross_entropy_with_logits(x, t),
    "bce": lambda F, x, y, t: F.binary_cross_entropy(x.float().sigmoid().bfloat16(), t),
}


@pytest.mark.parametrize("name", list(FP32_LOSSES))
def test_autocast_losses_run_in_float32_like_torch(name):
    r = np.random.default_rng(4)
    x = r.standard_normal((4, 5)).astype(np.float32)
    y, t = r.integers(0, 5, 4), r.random((4, 5)).astype(np.float32)
    ours = rg.tensor(x, requires_grad=True)
    theirs = to_torch(ours)
    with rg.autocast("cpu"):
        loss = FP32_LOSSES[name](F, ours.bfloat16(), rg.tensor(y), rg.tensor(t).bfloat16())
    with torch.autocast("cpu"):
        tx, tt = theirs.bfloat16(), torch.from_numpy(t).bfloat16()
        tloss = FP32_LOSSES[name](torch.nn.functional, tx, torch.from_numpy(y), tt)
    assert loss.dtype == rg.float32 and tloss.dtype == torch.float32
    loss.backward()
    tloss.backward()
    assert_close(loss, tloss, rtol=1e-6, atol=1e-6)
    assert_close(ours.grad, theirs.grad, rtol=1e-6, atol=1e-6)
