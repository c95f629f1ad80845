"""Normalization layers against torch.nn: outputs, input and parameter grads, running
statistics over several training steps, eval mode, repr, errors, and float64 gradchecks."""

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


def randn(*shape: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape) * 2 + 0.5


def copy_weights(ours: nn.Module, theirs: tnn.Module) -> None:
    """Theirs' state (with randomised affine parameters) into ours."""
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.randn(p.shape, dtype=p.dtype, generator=torch.Generator().manual_seed(3)))
    ours.load_state_dict({k: rg.tensor(v.numpy()) for k, v in theirs.state_dict().items()})


def step(ours: nn.Module, theirs: tnn.Module, x: np.ndarray, seed: int = 0,
         tol: float = 1e-10) -> None:  # fmt: skip
    """One forward/backward of both; compare output, input grad, parameter grads, buffers."""
    xs = rg.tensor(x, requires_grad=True)
    txs = torch.tensor(x, requires_grad=True)
    out, tout = ours(xs), theirs(txs)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=tol, atol=tol)
    g = np.random.default_rng(seed).standard_normal(tuple(tout.shape))
    out.backward(rg.tensor(g))
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(xs.grad.numpy(), txs.grad.numpy(), rtol=1e-8, atol=1e-9)
    named = dict(theirs.named_parameters())
    assert [n for n, _ in ours.named_parameters()] == list(named)
    for n, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), named[n].grad.numpy(), rtol=1e-8, atol=1e-9,
                                   err_msg=n)  # fmt: skip
        p.grad = None
        named[n].grad = None
    tbufs = dict(theirs.named_buffers())
    assert [n for n, _ in ours.named_buffers()] == list(tbufs)
    for n, b in ours.named_buffers():
        assert b.dtype == getattr(rg, str(tbufs[n].dtype).split(".")[-1]), n
        np.testing.assert_allclose(b.numpy(), tbufs[n].numpy(), rtol=1e-12, atol=1e-12, err_msg=n)


def run_both(ours: nn.Module, theirs: tnn.Module, shape: tuple[int, ...], steps: int = 3) -> None:
    """Several training steps then eval steps, with torch's weights, in float64."""
    theirs.double()
    ours.double()
    assert repr(ours) == repr(theirs)
    copy_weights(ours, theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for mode in (True, False):
        ours.train(mode)
        theirs.train(mode)
        for i in range(steps):
            step(ours, theirs, randn(*shape, seed=10 * i + mode), seed=i)


# ---------------------------------------------------------------------------- LayerNorm


@pytest.mark.parametrize(
    ("normalized_shape", "kw", "shape"),
    [(4, {}, (3, 4)), ((3, 4), {}, (2, 3, 4)), ([4], {"bias": False}, (2, 5, 4)),
     (5, {"elementwise_affine": False, "eps": 1e-3}, (2, 5)), ((5,), {}, (5,))],
)  # fmt: skip
def test_layernorm_matches_torch(normalized_shape, kw: dict, shape: tuple) -> None:
    run_both(nn.LayerNorm(normalized_shape, **kw), tnn.LayerNorm(normalized_shape, **kw), shape, 1)


def test_layer_norm_float32_matches_torch() -> None:
    x = randn(4, 8).astype(np.float32)
    w, b = randn(8, seed=2).astype(np.float32), randn(8, seed=3).astype(np.float32)
    ours = F.layer_norm(rg.tensor(x), (8,), rg.tensor(w), rg.tensor(b))
    theirs = TF.layer_norm(torch.tensor(x), (8,), torch.tensor(w), torch.tensor(b))
    assert ours.dtype == rg.float32
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-5)


def test_layer_norm_errors_match_torch() -> None:
    x = rg.randn(2, 3, 4)
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[5\], expected input with "
                       r"shape \[\*, 5\], but got input of size\[2, 3, 4\]"):  # fmt: skip
        F.layer_norm(x, (5,))
    with pytest.raises(RuntimeError, match=r"Expected weight to be of same shape as "
                       r"normalized_shape, but got weight of shape \[3\]"):  # fmt: skip
        F.layer_norm(x, (4,), rg.ones(3))
    msg = r"LayerNorm\(\(4,\), .*\) got input of shape \[4, 3\]: Given normalized_shape=\[4\]"
    with pytest.raises(RuntimeError, match=msg + r", expected input with shape \[\*, 4\]"):
        nn.LayerNorm(4)(rg.randn(4, 3))


# ---------------------------------------------------------------------------- RMSNorm


@pytest.mark.parametrize(
    ("normalized_shape", "kw", "shape"),
    [(4, {}, (3, 4)), ((3, 4), {"eps": 1e-3}, (2, 3, 4)),
     (5, {"elementwise_affine": False}, (2, 5))],
)  # fmt: skip
def test_rmsnorm_matches_torch(normalized_shape, kw: dict, shape: tuple) -> None:
    run_both(nn.RMSNorm(normalized_shape, **kw), tnn.RMSNorm(normalized_shape, **kw), shape, 1)


def test_rms_norm_default_eps_is_the_dtype_epsilon() -> None:
    x = np.full((2, 3), 1e-5, np.float32)
    x[1] = 0.0
    ours = F.rms_norm(rg.tensor(x), (3,))
    theirs = TF.rms_norm(torch.tensor(x), (3,))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5)
    with pytest.raises(RuntimeError, match=r"expected input with shape \[\*5\]"):
        F.rms_norm(rg.randn(2, 3, 4), (5,))


# ---------------------------------------------------------------------------- GroupNorm


@pytest.mark.parametrize(
    ("args", "kw", "shape"),
    [((2, 4), {}, (3, 4, 5)), ((1, 6), {"eps": 1e-3}, (2, 6, 2, 3)), ((3, 3), {}, (2, 3)),
     ((2, 4), {"affine": False}, (2, 4, 3)), ((4, 4), {"bias": False}, (2, 4, 3))],
)  # fmt: skip
def test_groupnorm_matches_torch(args: tuple, kw: dict, shape: tuple) -> None:
    run_both(nn.GroupNorm(*args, **kw), tnn.GroupNorm(*args, **kw), shape, 1)


def test_group_norm_errors_match_torch() -> None:
    with pytest.raises(ValueError, match=r"num_channels \(3\) must be divisible by num_groups"):
        nn.GroupNorm(2, 3)
    with pytest.raises(RuntimeError, match=r"divisible by num_groups, but got input of shape "
                       r"\[2, 3, 4\] and num_groups=2"):  # fmt: skip
        F.group_norm(rg.randn(2, 3, 4), 2)
    with pytest.raises(RuntimeError, match="Expected at least 2 dimensions"):
        F.group_norm(rg.randn(3), 1)
    with pytest.raises(RuntimeError, match=r"weight of shape \[2\] and input of shape"):
        F.group_norm(rg.randn(2, 3, 4), 3, rg.ones(2))


# ---------------------------------------------------------------------------- BatchNorm


BN_OPTIONS = [{}, {"momentum": None}, {"momentum": 0.3, "eps": 1e-3}, {"affine": False},
              {"track_running_stats": False}, {"bias": False}]  # fmt: skip


@pytest.mark.parametrize("kw", BN_OPTIONS)
@pytest.mark.parametrize(("cls", "shape"), [("BatchNorm1d", (5, 3)), ("BatchNorm1d", (4, 3, 2)),
                                            ("BatchNorm2d", (2, 3, 2, 3)),
                                            ("BatchNorm3d", (2, 3, 2, 1, 2))])  # fmt: skip
def test_batchnorm_matches_torch_over_steps(cls: str, shape: tuple, kw: dict) -> None:
    run_both(getattr(nn, cls)(3, **kw), getattr(tnn, cls)(3, **kw), shape)


def test_batchnorm_float32_running_stats_match_torch() -> None:
    ours, theirs = nn.BatchNorm1d(4), tnn.BatchNorm1d(4)
    for i in range(3):
        x = randn(6, 4, seed=i).astype(np.float32)
        ours(rg.tensor(x))
        theirs(torch.tensor(x))
    assert ours.running_var.dtype == rg.float32
    np.testing.assert_allclose(ours.running_mean.numpy(), theirs.running_mean.numpy(), rtol=1e-6)
    np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.numpy(), rtol=1e-6)
    assert int(ours.num_batches_tracked) == 3


def test_batch_norm_functional_updates_buffers_in_place() -> None:
    x = randn(5, 3, 2)
    rm, rv = rg.zeros(3, dtype=rg.float64), rg.ones(3, dtype=rg.float64)
    trm, trv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    v0 = rm._version
    out = F.batch_norm(rg.tensor(x), rm, rv, training=True, momentum=0.2)
    tout = TF.batch_norm(torch.tensor(x), trm, trv, training=True, momentum=0.2)
    np.testing.assert_allclose(out.numpy(), tout.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(rm.numpy(), trm.numpy(), rtol=1e-12)
    np.testing.assert_allclose(rv.numpy(), trv.numpy(), rtol=1e-12)
    assert rm._version > v0


def test_batchnorm_errors_match_torch() -> None:
    with pytest.raises(ValueError, match=r"Expected more than 1 value per channel when "
                       r"training, got input size retrograd.Size\(\[1, 3\]\)"):  # fmt: skip
        nn.BatchNorm1d(3)(rg.randn(1, 3))
    nn.BatchNorm1d(3).eval()(rg.randn(1, 3))  # eval mode needs no batch statistics
    with pytest.raises(RuntimeError, match=r"BatchNorm1d\(4, .*\) got input of shape \[2, 3\]: "
                       "running_mean should contain 3 elements not 4"):  # fmt: skip
        nn.BatchNorm1d(4)(rg.randn(2, 3))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        nn.BatchNorm1d(3)(rg.randn(2, 3, 2, 2))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(rg.randn(2, 3, 2))
    with pytest.raises(ValueError, match=r"expected 5D input \(got 4D input\)"):
        nn.BatchNorm3d(3)(rg.randn(2, 3, 2, 2))


def test_batchnorm_state_dict_keys_and_dtypes_match_torch() -> None:
    ours, theirs = nn.BatchNorm2d(3), tnn.BatchNorm2d(3)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours.num_batches_tracked.dtype == rg.int64
    assert list(nn.BatchNorm2d(3, track_running_stats=False).state_dict()) == ["weight", "bias"]


# ---------------------------------------------------------------------------- InstanceNorm


IN_OPTIONS = [{}, {"affine": True}, {"track_running_stats": True, "momentum": 0.2},
              {"affine": True, "track_running_stats": True, "eps": 1e-3}]  # fmt: skip


@pytest.mark.parametrize("kw", IN_OPTIONS)
@pytest.mark.parametrize(("cls", "shape"), [("InstanceNorm1d", (2, 3, 4)),
                                            ("InstanceNorm1d", (3, 5)),
                                            ("InstanceNorm2d", (2, 3, 2, 3)),
                                            ("InstanceNorm3d", (2, 3, 2, 1, 2))])  # fmt: skip
def test_instancenorm_matches_torch_over_steps(cls: str, shape: tuple, kw: dict) -> None:
    run_both(getattr(nn, cls)(3, **kw), getattr(tnn, cls)(3, **kw), shape)


def test_instancenorm_errors_match_torch() -> None:
    with pytest.raises(ValueError, match=r"expected input's size at dim=1 to match "
                       r"num_features \(4\), but got: 3\."):  # fmt: skip
        nn.InstanceNorm1d(4, affine=True)(rg.randn(2, 3, 5))
    with pytest.warns(UserWarning, match="does not match num_features"):
        nn.InstanceNorm1d(4)(rg.randn(2, 3, 5))
    with pytest.raises(ValueError, match=r"Expected more than 1 spatial element when "
                       r"training, got input size retrograd.Size\(\[2, 3, 1\]\)"):  # fmt: skip
        nn.InstanceNorm1d(3)(rg.randn(2, 3, 1))
    with pytest.raises(ValueError, match=r"expected 3D or 4D input \(got 2D input\)"):
        nn.InstanceNorm2d(3)(rg.randn(2, 3))


# ---------------------------------------------------------------------------- LocalResponseNorm


@pytest.mark.parametrize(("args", "shape"), [((2,), (2, 5, 3)), ((3, 1e-2, 0.5, 2.0), (2, 4, 3, 2)),
                                             ((4,), (1, 6, 2, 2, 2))])  # fmt: skip
def test_local_response_norm_matches_torch(args: tuple, shape: tuple) -> None:
    run_both(nn.LocalResponseNorm(*args), tnn.LocalResponseNorm(*args), shape, 1)


# ---------------------------------------------------------------------------- gradcheck


def _t(*shape: int, seed: int = 0) -> rg.Tensor:
    return rg.tensor(randn(*shape, seed=seed), requires_grad=True)


GRADCHECK_CASES = [
    ("layer_norm", lambda x, w, b: F.layer_norm(x, (3,), w, b), (2, 3), (3,)),
    ("rms_norm", lambda x, w, b: F.rms_norm(x, (3,), w) + b, (2, 3), (3,)),
    ("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b), (2, 4, 2), (4,)),
    ("batch_norm", lambda x, w, b: F.batch_norm(x, None, None, w, b, True), (3, 2, 2), (2,)),
    ("instance_norm", lambda x, w, b: F.instance_norm(x, weight=w, bias=b), (2, 2, 3), (2,)),
    ("local_response_norm", lambda x, w, b: F.local_response_norm(x * w.sum() + b.sum(), 2),
     (1, 3, 2), (2,)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "fn", "xshape", "pshape"), GRADCHECK_CASES,
                         ids=[c[0] for c in GRADCHECK_CASES])  # fmt: skip
def test_normalization_gradcheck_and_gradgradcheck(name, fn, xshape, pshape) -> None:
    args = (_t(*xshape), _t(*pshape, seed=1), _t(*pshape, seed=2))
    assert gradcheck(fn, args)
    assert gradgradcheck(fn, args)


# ---------------------------------------------------------------------------- fused primitive


FUSED = [
    ("layer_norm", lambda lib, x, w, b: lib.layer_norm(x.transpose(1, 2), (4,), w, b),
     "NativeLayerNormBackward0"),
    ("batch_norm", lambda lib, x, w, b: lib.batch_norm(x, None, None, w, b, True),
     "NativeBatchNormBackward0"),
    ("instance_norm", lambda lib, x, w, b: lib.instance_norm(x, weight=w, bias=b), None),
    ("group_norm", lambda lib, x, w, b: lib.group_norm(x, 2, w, b), None),
]  # fmt: skip


@pytest.mark.parametrize(("name", "fn", "node"), FUSED, ids=[f[0] for f in FUSED])
def test_fused_normalization_forward_ad_and_double_backward_match_torch(name, fn, node) -> None:
    import retrograd.autograd.forward_ad as fwad

    x, w, b = randn(3, 4, 2), randn(4, seed=2), randn(4, seed=3)
    tx, tw, tb = randn(3, 4, 2, seed=4), randn(4, seed=5), randn(4, seed=6)
    prims = [rg.tensor(a) for a in (x, w, b)]
    tangents = [rg.tensor(a) for a in (tx, tw, tb)]
    with fwad.dual_level():
        out = fn(F, *[fwad.make_dual(p, t) for p, t in zip(prims, tangents, strict=True)])
        ours = fwad.unpack_dual(out).tangent.numpy()
    _, theirs = torch.func.jvp(lambda *a: fn(TF, *a), tuple(torch.tensor(a) for a in (x, w, b)),
                               tuple(torch.tensor(a) for a in (tx, tw, tb)))  # fmt: skip
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-9, atol=1e-10)
    # second derivatives through create_graph, against torch's
    ins = [rg.tensor(a, requires_grad=True) for a in (x, w, b)]
    tins = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    out, tout = fn(F, *ins), fn(TF, *tins)
    if node is not None:
        assert out.grad_fn.name() == node == tout.grad_fn.name()
    g = randn(*out.shape, seed=7)
    grads = rg.autograd.grad(out, ins, rg.tensor(g), create_graph=True)
    tgrads = torch.autograd.grad(tout, tins, torch.tensor(g), create_graph=True)
    v = [randn(*a.shape, seed=8 + i) for i, a in enumerate((x, w, b))]
    sum((gr * rg.tensor(vi)).sum() for gr, vi in zip(grads, v, strict=True)).backward()
    sum((gr * torch.tensor(vi)).sum() for gr, vi in zip(tgrads, v, strict=True)).backward()
    for a, ta in zip(ins, tins, strict=True):
        # no second-order path reaches the bias: None where torch may keep zeros
        ours_g = np.zeros(a.shape) if a.grad is None else a.grad.numpy()
        theirs_g = np.zeros(a.shape) if ta.grad is None else ta.grad.numpy()
        np.testing.assert_allclose(ours_g, theirs_g, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_layer_and_batch_norm_low_precision_match_torch(dtype: str) -> None:
    x = randn(4, 3, 5).astype(np.float32)
    ours_x = rg.tensor(x).to(getattr(rg, dtype)).requires_grad_()
    theirs_x = torch.tensor(x).to(getattr(torch, dtype)).requires_grad_()
    for fn in (lambda lib, t: lib.layer_norm(t, (5,)),
               lambda lib, t: lib.batch_norm(t, None, None, training=True)):  # fmt: skip
        out, tout = fn(F, ours_x), fn(TF, theirs_x)
        assert str(out.dtype).split(".")[-1] == dtype
        np.testing.assert_allclose(out.float().detach().numpy(), tout.float().detach().numpy(),
                                   rtol=2e-2, atol=2e-2)  # fmt: skip


def test_functional_norm_errors_match_torch() -> None:
    calls = [
        lambda lib, f: f.batch_norm(lib.ones(3, 2), None, None, training=False),
        lambda lib, f: f.batch_norm(lib.ones(3, 2), lib.zeros(2), None, training=False),
        lambda lib, f: f.batch_norm(lib.ones(3), None, None, training=True),
        lambda lib, f: f.batch_norm(lib.ones(1, 3), None, None, training=True),
        lambda lib, f: f.instance_norm(lib.ones(3, 2)),
        lambda lib, f: f.instance_norm(lib.ones(3, 2, 4), use_input_stats=False),
    ]
    for call in calls:
        with pytest.raises(Exception) as theirs:
            call(torch, TF)
        with pytest.raises(theirs.type) as ours:
            call(rg, F)
        assert str(ours.value) == str(theirs.value).replace("torch.Size", "retrograd.Size")
