"""Interpolation (every mode, size or scale, align_corners), pixel shuffle and channel and
alpha dropout against torch: values, gradients, second order, modules, errors."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
import retrograd.nn.functional as F
from retrograd import nn
from retrograd.autograd import gradcheck, gradgradcheck

TF = torch.nn.functional
tnn = torch.nn


def randn(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


MODES = [
    ("nearest", (2, 2, 5)), ("nearest", (1, 2, 5, 7)), ("nearest", (1, 1, 3, 4, 5)),
    ("nearest-exact", (2, 2, 5)), ("nearest-exact", (1, 2, 5, 7)), ("linear", (2, 2, 5)),
    ("bilinear", (1, 2, 5, 7)), ("bicubic", (1, 2, 5, 7)), ("trilinear", (1, 1, 3, 4, 5)),
    ("area", (2, 2, 9)), ("area", (1, 2, 9, 7)),
]  # fmt: skip
SIZES = [
    dict(scale_factor=2), dict(scale_factor=1.7), dict(scale_factor=0.6), dict(size=3),
    dict(size=11), dict(scale_factor=2.3, recompute_scale_factor=True),
    dict(scale_factor=1 / 3),
]  # fmt: skip


@pytest.mark.parametrize("mode,shape", MODES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_interpolate_matches_torch(mode: str, shape: tuple[int, ...], dtype: str) -> None:
    tol = 1e-5 if dtype == "float32" else 1e-12
    corners = [None] if mode in ("nearest", "nearest-exact", "area") else [False, True]
    for kw in SIZES:
        for align_corners in corners:
            x = randn(*shape).astype(dtype)
            a, t = rg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
            out = F.interpolate(a, mode=mode, align_corners=align_corners, **kw)
            tout = TF.interpolate(t, mode=mode, align_corners=align_corners, **kw)
            np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=tol,
                                       atol=tol, err_msg=str(kw))  # fmt: skip
            g = randn(*tout.shape, seed=2).astype(dtype)
            (ga,) = rg.autograd.grad(out, a, rg.tensor(g))
            (gt,) = torch.autograd.grad(tout, t, torch.tensor(g))
            np.testing.assert_allclose(ga.numpy(), gt.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("dense", [True, False])
def test_interpolate_both_kernels_keep_inf_and_nan_in_place_as_torch(
    dense: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retrograd._prims import pool

    # large axes (or non-finite values) take the per-tap kernel instead of one matmul
    monkeypatch.setattr(pool, "_DENSE", pool._DENSE if dense else 0)
    x = randn(1, 2, 6, 7)
    if not dense:
        x[0, 0, 2, 3], x[0, 1, 4, 0] = np.inf, np.nan
    for mode in ("nearest", "nearest-exact", "bilinear", "bicubic"):
        for kw in (dict(scale_factor=1.5), dict(size=(4, 3))):
            a, t = rg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
            out, tout = F.interpolate(a, mode=mode, **kw), TF.interpolate(t, mode=mode, **kw)
            np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-12,
                                       atol=1e-12)  # fmt: skip
            g = randn(*tout.shape, seed=2)
            (ga,) = rg.autograd.grad(out, a, rg.tensor(g))
            (gt,) = torch.autograd.grad(tout, t, torch.tensor(g))
            np.testing.assert_allclose(ga.numpy(), gt.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "lanczos"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_antialiased_interpolate_matches_torch(mode: str, dtype: str) -> None:
    tol = 1e-5 if dtype == "float32" else 1e-12
    sizes = [dict(size=(3, 4)), dict(scale_factor=0.4), dict(scale_factor=1.7),
             dict(size=(9, 2)), dict(scale_factor=0.33, recompute_scale_factor=True)]  # fmt: skip
    for kw in sizes:
        for align_corners in (False, True) if mode != "lanczos" else (False,):
            x = randn(2, 3, 9, 11).astype(dtype)
            a, t = rg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
            out = F.interpolate(a, mode=mode, antialias=True, align_corners=align_corners, **kw)
            tout = TF.interpolate(t, mode=mode, antialias=True, align_corners=align_corners,
                                  **kw)  # fmt: skip
            np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=tol,
                                       atol=tol, err_msg=str(kw))  # fmt: skip
            g = randn(*tout.shape, seed=2).astype(dtype)
            (ga,) = rg.autograd.grad(out, a, rg.tensor(g))
            (gt,) = torch.autograd.grad(tout, t, torch.tensor(g))
            np.testing.assert_allclose(ga.numpy(), gt.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("dt", ["float16", "bfloat16"])
def test_interpolate_low_precision_rounds_once_as_torch(dt: str) -> None:
    x = randn(1, 2, 5, 6)
    for mode in ("nearest", "bilinear", "bicubic"):
        out = F.interpolate(rg.tensor(x).to(getattr(rg, dt)), scale_factor=1.5, mode=mode)
        tout = TF.interpolate(torch.tensor(x).to(getattr(torch, dt)), scale_factor=1.5, mode=mode)
        assert str(out.dtype) == str(tout.dtype).replace("torch", "retrograd")
        np.testing.assert_allclose(out.float().numpy(), tout.float().numpy(), rtol=1e-2,
                                   atol=1e-2)  # fmt: skip


@pytest.mark.parametrize("mode,shape", [
    ("nearest", (1, 2, 3, 4)), ("linear", (1, 2, 4)), ("bilinear", (1, 1, 3, 4)),
    ("bicubic", (1, 1, 3, 4)), ("trilinear", (1, 1, 2, 3, 3)), ("area", (1, 2, 5, 4)),
])  # fmt: skip
def test_interpolate_gradcheck_and_gradgradcheck(mode: str, shape: tuple[int, ...]) -> None:
    x = rg.tensor(randn(*shape), requires_grad=True)
    kw: dict[str, Any] = {"size": 3} if mode == "area" else {"scale_factor": 1.5}

    def f(t: Any) -> Any:
        return F.interpolate(t, mode=mode, **kw)

    assert gradcheck(f, [x], check_forward_ad=True)
    assert gradgradcheck(f, [x])


@pytest.mark.parametrize("args,kw", [
    ((), dict(scale_factor=2, mode="linear")),
    ((), dict(scale_factor=2, mode="trilinear")),
    ((), dict(size=3, scale_factor=2)),
    ((), {}),
    ((), dict(scale_factor=2, align_corners=True)),
    ((), dict(size=(2, 2, 2))),
    ((), dict(scale_factor=(2, 2, 2))),
    ((), dict(scale_factor=2, mode="foo")),
    ((), dict(size=(2.5, 3))),
    ((), dict(size=3, recompute_scale_factor=True)),
    ((), dict(size=3, mode="nearest", antialias=True)),
    ((), dict(size=3, mode="lanczos")),
    ((), dict(size=3, mode="lanczos", antialias=True, align_corners=True)),
])  # fmt: skip
def test_interpolate_errors_as_torch(args: tuple[Any, ...], kw: dict[str, Any]) -> None:
    x = randn(1, 2, 4, 4)
    with pytest.raises(Exception) as theirs:
        TF.interpolate(torch.tensor(x), *args, **kw)
    with pytest.raises(theirs.type) as ours:
        F.interpolate(rg.tensor(x), *args, **kw)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("fn,kw", [
    ("upsample", dict(scale_factor=2, mode="bilinear")), ("upsample_nearest", dict(size=3)),
    ("upsample_bilinear", dict(scale_factor=1.5)),
])  # fmt: skip
def test_deprecated_upsample_functions_warn_and_interpolate_as_torch(
    fn: str, kw: dict[str, Any]
) -> None:
    x = randn(1, 2, 4, 5)
    with pytest.warns(UserWarning) as theirs:
        tout = getattr(TF, fn)(torch.tensor(x), **kw)
    with pytest.warns(UserWarning) as ours:
        out = getattr(F, fn)(rg.tensor(x), **kw)
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
    np.testing.assert_allclose(out.numpy(), tout.numpy(), rtol=1e-12, atol=1e-12)


def test_interpolate_node_names_are_torchs() -> None:
    cases = [((1, 2, 4), "nearest", False), ((1, 2, 4, 4), "nearest", False),
             ((1, 1, 3, 3, 3), "nearest", False), ((1, 2, 4, 4), "nearest-exact", False),
             ((1, 2, 4), "linear", False), ((1, 2, 4, 4), "bilinear", False),
             ((1, 2, 4, 4), "bicubic", False), ((1, 1, 3, 3, 3), "trilinear", False),
             ((1, 2, 4, 4), "bilinear", True), ((1, 2, 4, 4), "lanczos", True)]  # fmt: skip
    for shape, mode, aa in cases:
        out = F.interpolate(rg.ones(shape, requires_grad=True), scale_factor=2, mode=mode,
                            antialias=aa)  # fmt: skip
        tout = TF.interpolate(torch.ones(shape, requires_grad=True), scale_factor=2, mode=mode,
                              antialias=aa)  # fmt: skip
        assert out.grad_fn.name() == tout.grad_fn.name()


@pytest.mark.parametrize("shape,kw", [
    ((1, 1, 4, 4), dict(scale_factor=0.1)), ((1, 1, 4), dict(scale_factor=0.1, mode="linear")),
    ((1, 1, 2, 4, 4), dict(size=(0, 2, 2))), ((1, 1, 4, 4), dict(size=(3, 0), mode="bicubic")),
])  # fmt: skip
def test_interpolate_to_an_empty_size_raises_torchs_error(shape: tuple[int, ...],
                                                          kw: dict[str, Any]) -> None:  # fmt: skip
    with pytest.raises(RuntimeError) as theirs:
        TF.interpolate(torch.ones(shape), **kw)
    with pytest.raises(RuntimeError) as ours:
        F.interpolate(rg.ones(shape), **kw)
    assert str(ours.value) == str(theirs.value)


def test_interpolate_bilinear_on_3d_input_names_the_needed_rank() -> None:
    with pytest.raises(NotImplementedError, match="Got 3D input, but bilinear mode needs 4D"):
        F.interpolate(rg.ones(1, 2, 3), scale_factor=2, mode="bilinear")


@pytest.mark.parametrize("name,args,kw,shape", [
    ("Upsample", (), dict(scale_factor=2), (1, 2, 3, 4)),
    ("Upsample", (), dict(size=(5, 6), mode="bilinear"), (1, 2, 3, 4)),
    ("Upsample", (), dict(scale_factor=(1.5, 2.0), mode="bicubic", align_corners=True),
     (1, 2, 3, 4)),
    ("Upsample", (), dict(size=7, mode="linear"), (2, 2, 4)),
    ("UpsamplingNearest2d", (), dict(scale_factor=3), (1, 2, 3, 4)),
    ("UpsamplingBilinear2d", (), dict(size=(4, 7)), (1, 2, 3, 4)),
    ("PixelShuffle", (2,), {}, (2, 8, 3, 4)),
    ("PixelUnshuffle", (2,), {}, (2, 3, 4, 6)),
])  # fmt: skip
def test_modules_match_torch_with_its_repr(name: str, args: tuple[Any, ...], kw: dict[str, Any],
                                           shape: tuple[int, ...]) -> None:  # fmt: skip
    ours, theirs = getattr(nn, name)(*args, **kw), getattr(tnn, name)(*args, **kw)
    assert repr(ours) == repr(theirs)
    x = randn(*shape)
    a, t = rg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, tout = ours(a), theirs(t)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-12)
    g = randn(*tout.shape, seed=1)
    out.backward(rg.tensor(g))
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape,r", [((1, 4, 2, 3), 2), ((9, 2, 2), 3), ((2, 3, 8, 1, 2), 2)])
def test_pixel_shuffle_roundtrip_grads_and_node_names(shape: tuple[int, ...], r: int) -> None:
    x = randn(*shape)
    a, t = rg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, tout = F.pixel_shuffle(a, r), TF.pixel_shuffle(t, r)
    np.testing.assert_array_equal(out.detach().numpy(), tout.detach().numpy())
    assert out.grad_fn.name() == tout.grad_fn.name() == "PixelShuffleBackward0"
    back = F.pixel_unshuffle(out, r)
    assert back.grad_fn.name() == "PixelUnshuffleBackward0"
    np.testing.assert_array_equal(back.detach().numpy(), x)
    g = randn(*tout.shape, seed=3)
    (ga,) = rg.autograd.grad(out, a, rg.tensor(g))
    (gt,) = torch.autograd.grad(tout, t, torch.tensor(g))
    np.testing.assert_array_equal(ga.numpy(), gt.numpy())
    small = rg.tensor(randn(1, 4, 2, 2), requires_grad=True)
    assert gradcheck(lambda u: F.pixel_shuffle(u, 2), [small], check_forward_ad=True)
    assert gradgradcheck(lambda u: F.pixel_unshuffle(u, 2), [small])


@pytest.mark.parametrize("fn,shape,r", [
    ("pixel_shuffle", (2, 2), 2), ("pixel_shuffle", (1, 5, 2, 2), 2),
    ("pixel_shuffle", (1, 4, 2, 2), 0), ("pixel_unshuffle", (1, 4, 3, 2), 2),
    ("pixel_unshuffle", (1, 4, 4, 3), 2), ("pixel_unshuffle", (2, 2), 2),
    ("pixel_unshuffle", (1, 4, 4, 4), -1),
])  # fmt: skip
def test_pixel_shuffle_errors_as_torch(fn: str, shape: tuple[int, ...], r: int) -> None:
    x = np.ones(shape)
    with pytest.raises(RuntimeError) as theirs:
        getattr(TF, fn)(torch.tensor(x), r)
    with pytest.raises(RuntimeError) as ours:
        getattr(F, fn)(rg.tensor(x), r)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("shape,groups", [((2, 6, 3, 2), 3), ((1, 8, 5), 2), ((2, 4, 1, 2, 2), 4)])
def test_channel_shuffle_matches_torch(shape: tuple[int, ...], groups: int) -> None:
    x = randn(*shape)
    ours, theirs = nn.ChannelShuffle(groups), tnn.ChannelShuffle(groups)
    assert repr(ours) == repr(theirs)
    a, t = rg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, tout = ours(a), theirs(t)
    np.testing.assert_array_equal(out.detach().numpy(), tout.detach().numpy())
    assert out.grad_fn.name() == tout.grad_fn.name() == "ChannelShuffleBackward0"
    g = randn(*shape, seed=1)
    (ga,) = rg.autograd.grad(out, a, rg.tensor(g))
    (gt,) = torch.autograd.grad(tout, t, torch.tensor(g))
    np.testing.assert_array_equal(ga.numpy(), gt.numpy())
    small = rg.tensor(randn(1, 4, 2), requires_grad=True)
    assert gradcheck(lambda u: F.channel_shuffle(u, 2), [small], check_forward_ad=True)
    assert gradgradcheck(lambda u: F.channel_shuffle(u, 2), [small])


@pytest.mark.parametrize("shape,groups", [((2, 5, 3), 2), ((5,), 1), ((2, 4, 3), 0), ((2, 4), 2)])
def test_channel_shuffle_errors_as_torch(shape: tuple[int, ...], groups: int) -> None:
    with pytest.raises(RuntimeError) as theirs:
        TF.channel_shuffle(torch.ones(shape), groups)
    with pytest.raises(RuntimeError) as ours:
        F.channel_shuffle(rg.ones(shape), groups)
    assert str(ours.value) == str(theirs.value)


# ---------------------------------------------------------------------------- dropout


@pytest.mark.parametrize("fn,shape,channel_dims", [
    ("dropout1d", (40, 50, 3), 2), ("dropout1d", (400, 3), 1),
    ("dropout2d", (40, 50, 2, 2), 2), ("dropout3d", (40, 50, 2, 1, 2), 2),
    ("dropout3d", (400, 2, 1, 2), 1),
])  # fmt: skip
def test_channel_dropout_zeros_whole_channels_at_rate_p(fn: str, shape: tuple[int, ...],
                                                        channel_dims: int) -> None:  # fmt: skip
    rg.manual_seed(0)
    x = rg.tensor(np.abs(randn(*shape)) + 1.0, requires_grad=True)
    p = 0.3
    out = getattr(F, fn)(x, p)
    ratio = (out / x).detach().numpy().reshape(shape[:channel_dims] + (-1,))
    # each channel is all dropped or all kept and scaled by 1 / (1 - p)
    assert np.allclose(ratio, ratio[..., :1])
    assert set(np.round(np.unique(ratio), 6)) <= {0.0, round(1 / (1 - p), 6)}
    assert abs((ratio[..., 0] == 0).mean() - p) < 0.05
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (out / x).detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("fn,shape", [
    ("dropout1d", (2, 3, 4)), ("dropout2d", (2, 3, 4, 4)), ("dropout3d", (2, 3, 2, 2, 2)),
    ("alpha_dropout", (5, 6)), ("feature_alpha_dropout", (2, 3, 4)),
])  # fmt: skip
def test_dropout_is_the_identity_in_eval_and_at_p0(fn: str, shape: tuple[int, ...]) -> None:
    x = rg.tensor(randn(*shape))
    assert getattr(F, fn)(x, 0.5, training=False) is x
    assert getattr(F, fn)(x, 0.0, training=True) is x
    zero = getattr(F, fn)(x, 1.0, training=True)
    assert zero.shape == x.shape and not zero.numpy().any() or fn.endswith("alpha_dropout")


def test_dropout2d_warns_as_torch_on_3d_and_2d_inputs() -> None:
    for shape in ((2, 3, 4), (2, 3)):
        with warnings.catch_warnings(record=True) as theirs:
            warnings.simplefilter("always")
            TF.dropout2d(torch.ones(shape), 0.5)
        with warnings.catch_warnings(record=True) as ours:
            warnings.simplefilter("always")
            out = F.dropout2d(rg.ones(shape), 0.5)
        assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
        assert out.shape == shape
    with pytest.warns(UserWarning, match="Received a 3-D input to dropout3d"):
        F.dropout3d(rg.ones(2, 3, 4), 0.5)


def test_dropout1d_rejects_4d_input_with_torchs_error() -> None:
    with pytest.raises(RuntimeError) as theirs:
        TF.dropout1d(torch.ones(2, 2, 2, 2))
    with pytest.raises(RuntimeError) as ours:
        F.dropout1d(rg.ones(2, 2, 2, 2))
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError, match="between 0 and 1, but got 1.5"):
        F.dropout2d(rg.ones(2, 2, 2, 2), 1.5)
    with pytest.raises(ValueError, match="between 0 and 1, but got -0.1"):
        nn.Dropout3d(-0.1)


@pytest.mark.parametrize("fn", ["alpha_dropout", "feature_alpha_dropout"])
def test_alpha_dropout_takes_torchs_two_values_and_keeps_mean_and_variance(fn: str) -> None:
    p = 0.2
    ours = getattr(F, fn)(rg.ones(300, 400), p, True).numpy()
    theirs = getattr(TF, fn)(torch.ones(300, 400), p, True).numpy()
    np.testing.assert_allclose(np.unique(ours), np.unique(theirs), rtol=1e-6)
    rg.manual_seed(1)
    x = rg.tensor(randn(1000, 200).astype(np.float32))
    out = getattr(F, fn)(x, p, True).numpy()
    assert abs(out.mean()) < 0.05 and abs(out.var() - 1.0) < 0.05
    assert abs((np.isclose(out, theirs.min())).mean() - p) < 0.05


@pytest.mark.parametrize("name,args,shape", [
    ("Dropout1d", (0.2,), (2, 3, 4)), ("Dropout2d", (0.5, True), (2, 3, 2, 2)),
    ("Dropout3d", (), (2, 3, 2, 2, 2)), ("AlphaDropout", (), (2, 3)),
    ("FeatureAlphaDropout", (0.3,), (2, 3, 2)), ("Dropout", (0.1,), (2, 3)),
])  # fmt: skip
def test_dropout_modules_repr_and_eval_identity(name: str, args: tuple[Any, ...],
                                                shape: tuple[int, ...]) -> None:  # fmt: skip
    ours, theirs = getattr(nn, name)(*args), getattr(tnn, name)(*args)
    assert repr(ours) == repr(theirs)
    x = rg.tensor(randn(*shape))
    np.testing.assert_array_equal(ours.eval()(x).numpy(), x.numpy())
    rg.manual_seed(0)
    assert ours.train()(x).shape == x.shape
