"""Pooling against torch: max (values, indices, ties, NaN), average, adaptive and
power-average pooling; gradients, double backward, forward mode, modules, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
import retrograd.autograd.forward_ad as fwad
import retrograd.nn.functional as F
from retrograd import nn
from retrograd.autograd import gradcheck, gradgradcheck

TF = torch.nn.functional
tnn = torch.nn


def ints(*shape: int, seed: int = 0, high: int = 4) -> np.ndarray:
    """Small integer values as floats: many ties inside each window."""
    return np.random.default_rng(seed).integers(-high, high, shape).astype(np.float64)


def randn(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def run_both(fn: str, x: np.ndarray, *args: Any, **kw: Any) -> tuple[Any, Any, Any, Any]:
    """Run F.fn on both libraries; return (ours, theirs, our input, their input)."""
    a = rg.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    return getattr(F, fn)(a, *args, **kw), getattr(TF, fn)(t, *args, **kw), a, t


def check_grads(out: Any, tout: Any, a: Any, t: Any, tol: float = 1e-12) -> None:
    """Values and the input gradient for a random upstream gradient equal torch's."""
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=tol, atol=tol)
    g = np.random.default_rng(5).standard_normal(tuple(tout.shape)).astype(a.detach().numpy().dtype)
    (ga,) = rg.autograd.grad(out, a, rg.tensor(g))
    (gt,) = torch.autograd.grad(tout, t, torch.tensor(g))
    np.testing.assert_allclose(ga.numpy(), gt.numpy(), rtol=tol, atol=tol)


MAX_CASES = [
    ("max_pool1d", (2, 3, 9), dict(kernel_size=2)),
    ("max_pool1d", (3, 10), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("max_pool1d", (2, 2, 11), dict(kernel_size=3, stride=1, dilation=2, padding=1)),
    ("max_pool2d", (2, 3, 6, 7), dict(kernel_size=2)),
    ("max_pool2d", (2, 3, 7, 7), dict(kernel_size=3, stride=2, padding=1)),
    ("max_pool2d", (3, 8, 9), dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1),
                                  dilation=(2, 1), ceil_mode=True)),
    ("max_pool2d", (1, 2, 5, 5), dict(kernel_size=3, stride=3, ceil_mode=True)),
    ("max_pool2d", (1, 2, 6, 6), dict(kernel_size=4, stride=1, padding=2, dilation=1)),
    ("max_pool3d", (2, 2, 4, 5, 6), dict(kernel_size=2)),
    ("max_pool3d", (2, 5, 6, 7), dict(kernel_size=(3, 2, 3), stride=(2, 1, 2), padding=1,
                                     ceil_mode=True)),
]  # fmt: skip


@pytest.mark.parametrize("fn,shape,kw", MAX_CASES)
@pytest.mark.parametrize("values", ["ties", "random"])
def test_max_pool_values_indices_and_grad_match_torch(
    fn: str, shape: tuple[int, ...], kw: dict[str, Any], values: str
) -> None:
    x = ints(*shape) if values == "ties" else randn(*shape)
    (out, idx), (tout, tidx), a, t = run_both(fn, x, return_indices=True, **kw)
    assert idx.dtype == rg.int64
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    check_grads(out, tout, a, t)
    with rg.no_grad():  # values alone: the inference path
        np.testing.assert_array_equal(getattr(F, fn)(a, **kw).numpy(), tout.detach().numpy())


def test_max_pool_float32_and_node_names() -> None:
    x = randn(2, 3, 6, 6).astype(np.float32)
    out, tout, a, t = run_both("max_pool2d", x, 2)
    check_grads(out, tout, a, t, tol=1e-6)
    assert out.grad_fn.name() == tout.grad_fn.name() == "MaxPool2DWithIndicesBackward0"
    v = rg.ones(out.shape, requires_grad=True)
    g = rg.autograd.grad(out, a, v, create_graph=True)[0]
    assert g.grad_fn.name() == "MaxPool2DWithIndicesBackwardBackward0"
    out3 = F.max_pool3d(rg.tensor(randn(1, 2, 2, 2), requires_grad=True), 2)
    assert out3.grad_fn.name() == "MaxPool3DWithIndicesBackward0"


def test_max_pool_nan_and_minus_inf_windows_pick_as_torch() -> None:
    x = ints(1, 1, 4, 6)
    x[0, 0, 0, 0] = x[0, 0, 1, 1] = np.nan  # two NaNs in a window: PyTorch keeps the last
    x[0, 0, 2:, 4:] = -np.inf  # a window of -inf keeps its first element
    x[0, 0, 0:2, 2] = np.nan
    for kw in (dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1)):
        (out, idx), (tout, tidx), a, t = run_both("max_pool2d", x, return_indices=True, **kw)
        np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
        np.testing.assert_array_equal(out.detach().numpy(), tout.detach().numpy())
        values = F.max_pool2d(rg.tensor(x), **kw)
        np.testing.assert_array_equal(values.numpy(), tout.detach().numpy())


@pytest.mark.parametrize("dt", ["float16", "bfloat16", "int64", "int32"])
def test_max_pool_low_precision_and_integer_inputs(dt: str) -> None:
    x = ints(2, 2, 5, 5, high=50)
    ours = rg.tensor(x).to(getattr(rg, dt))
    theirs = torch.tensor(x).to(getattr(torch, dt))
    out, idx = F.max_pool2d(ours, 2, 1, return_indices=True)
    tout, tidx = TF.max_pool2d(theirs, 2, 1, return_indices=True)
    np.testing.assert_array_equal(F.max_pool2d(ours, 3, 2, 1).float().numpy(),
                                  TF.max_pool2d(theirs, 3, 2, 1).float().numpy())  # fmt: skip
    assert str(out.dtype) == str(tout.dtype).replace("torch", "retrograd")
    np.testing.assert_array_equal(out.float().numpy(), tout.float().numpy())
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())


AVG_CASES = [
    ("avg_pool1d", (2, 3, 9), dict(kernel_size=2)),
    ("avg_pool1d", (3, 10), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                                 count_include_pad=False)),
    ("avg_pool2d", (2, 3, 6, 7), dict(kernel_size=2)),
    ("avg_pool2d", (2, 3, 7, 7), dict(kernel_size=3, stride=2, padding=1)),
    ("avg_pool2d", (2, 3, 7, 7), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                                     count_include_pad=False)),
    ("avg_pool2d", (3, 8, 9), dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1),
                                  ceil_mode=True)),
    ("avg_pool2d", (1, 2, 6, 5), dict(kernel_size=3, padding=1, divisor_override=4)),
    ("avg_pool2d", (1, 2, 16, 16), dict(kernel_size=8)),
    ("avg_pool3d", (2, 2, 4, 5, 6), dict(kernel_size=2)),
    ("avg_pool3d", (2, 5, 6, 7), dict(kernel_size=(3, 2, 3), stride=(2, 1, 2), padding=1,
                                     ceil_mode=True, count_include_pad=False)),
    ("avg_pool3d", (1, 1, 4, 4, 4), dict(kernel_size=2, divisor_override=3)),
]  # fmt: skip


@pytest.mark.parametrize("fn,shape,kw", AVG_CASES)
def test_avg_pool_values_and_grad_match_torch(fn: str, shape: tuple[int, ...],
                                              kw: dict[str, Any]) -> None:  # fmt: skip
    out, tout, a, t = run_both(fn, randn(*shape), **kw)
    check_grads(out, tout, a, t)


def test_avg_pool_dtypes_match_torch() -> None:
    x = ints(1, 2, 5, 5, high=9)
    for dt, tol in (("float32", 1e-6), ("float16", 1e-3), ("bfloat16", 1e-2), ("int64", 0)):
        out = F.avg_pool2d(rg.tensor(x).to(getattr(rg, dt)), 3, 2, 1)
        tout = TF.avg_pool2d(torch.tensor(x).to(getattr(torch, dt)), 3, 2, 1)
        assert str(out.dtype) == str(tout.dtype).replace("torch", "retrograd")
        np.testing.assert_allclose(out.float().numpy(), tout.float().numpy(), rtol=tol)
    assert F.avg_pool2d(rg.tensor(x), 2).grad_fn is None
    with pytest.raises(NotImplementedError, match="\"avg_pool2d\" not implemented for 'Int'"):
        F.avg_pool2d(rg.tensor(x).int(), 2)


ADAPTIVE_CASES = [
    ("1d", (2, 3, 10), 4), ("1d", (3, 7), 7), ("1d", (2, 2, 5), 8),
    ("2d", (2, 3, 7, 9), 1), ("2d", (2, 3, 7, 9), (3, 4)), ("2d", (3, 6, 6), (None, 4)),
    ("2d", (1, 2, 5, 3), (7, 6)), ("2d", (1, 2, 16, 16), 2),
    ("3d", (1, 2, 5, 6, 7), (2, 3, 4)), ("3d", (2, 4, 4, 4), 1),
]  # fmt: skip


@pytest.mark.parametrize("d,shape,size", ADAPTIVE_CASES)
def test_adaptive_avg_pool_matches_torch(d: str, shape: tuple[int, ...], size: Any) -> None:
    out, tout, a, t = run_both(f"adaptive_avg_pool{d}", randn(*shape), size)
    check_grads(out, tout, a, t)


@pytest.mark.parametrize("d,shape,size", ADAPTIVE_CASES)
@pytest.mark.parametrize("values", ["ties", "random"])
def test_adaptive_max_pool_matches_torch(d: str, shape: tuple[int, ...], size: Any,
                                         values: str) -> None:  # fmt: skip
    x = ints(*shape) if values == "ties" else randn(*shape)
    (out, idx), (tout, tidx), a, t = run_both(f"adaptive_max_pool{d}", x, size, True)
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    check_grads(out, tout, a, t)
    with rg.no_grad():  # values alone: the inference path
        values = getattr(F, f"adaptive_max_pool{d}")(a, size)
    np.testing.assert_array_equal(values.numpy(), tout.detach().numpy())


def test_adaptive_pool_node_names_and_empty_output_size() -> None:
    x = rg.tensor(randn(1, 2, 5, 5), requires_grad=True)
    assert F.adaptive_avg_pool2d(x, 2).grad_fn.name() == "AdaptiveAvgPool2DBackward0"
    assert F.adaptive_max_pool2d(x, 2).grad_fn.name() == "AdaptiveMaxPool2DBackward0"
    assert F.avg_pool2d(x, 2).grad_fn.name() == "AvgPool2DBackward0"
    assert tuple(F.adaptive_max_pool2d(x, 0).shape) == (1, 2, 0, 0)
    assert tuple(F.adaptive_avg_pool2d(x, (0, 3)).shape) == (1, 2, 0, 3)


@pytest.mark.parametrize("fn,shape,args,kw", [
    ("lp_pool1d", (2, 3, 8), (2.0, 3), dict(stride=2)),
    ("lp_pool2d", (2, 2, 6, 7), (3.0, 2), dict(ceil_mode=True)),
    ("lp_pool2d", (2, 5, 6), (1.5, (2, 3)), dict(stride=(1, 2))),
    ("lp_pool3d", (1, 2, 4, 4, 5), (2.0, 2), {}),
])  # fmt: skip
def test_lp_pool_matches_torch(fn: str, shape: tuple[int, ...], args: tuple[Any, ...],
                               kw: dict[str, Any]) -> None:  # fmt: skip
    x = np.abs(randn(*shape)) + 0.1  # fractional powers of negatives are NaN in both
    out, tout, a, t = run_both(fn, x, *args, **kw)
    check_grads(out, tout, a, t, tol=1e-10)


@pytest.mark.parametrize("fn,args", [
    ("max_pool2d", (2,)), ("max_pool2d", (3, 1, 1)), ("avg_pool2d", (3, 2, 1)),
    ("adaptive_avg_pool2d", ((3, 2),)), ("adaptive_max_pool2d", ((3, 2),)),
    ("max_pool3d", (2, 1)), ("avg_pool3d", (2, 1, 1)),
])  # fmt: skip
def test_double_backward_matches_torch(fn: str, args: tuple[Any, ...]) -> None:
    x = randn(1, 2, 4, 5) if "3d" not in fn else randn(1, 2, 3, 4, 4)
    a, t = rg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, tout = getattr(F, fn)(a, *args), getattr(TF, fn)(t, *args)
    v = randn(*tout.shape, seed=3)
    va, vt = rg.tensor(v, requires_grad=True), torch.tensor(v, requires_grad=True)
    (ga,) = rg.autograd.grad(out, a, va, create_graph=True)
    (gt,) = torch.autograd.grad(tout, t, vt, create_graph=True)
    w = randn(*x.shape, seed=4)
    (gva,) = rg.autograd.grad((ga * rg.tensor(w)).sum(), va)
    (gvt,) = torch.autograd.grad((gt * torch.tensor(w)).sum(), vt)
    np.testing.assert_allclose(gva.numpy(), gvt.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("fn,shape,args", [
    ("max_pool2d", (1, 2, 5, 5), (3, 2, 1)), ("max_pool3d", (1, 3, 4, 3), (2, 1)),
    ("max_pool1d", (2, 7), (3, 2, 1, 2)),
    ("avg_pool2d", (1, 2, 5, 5), (3, 2, 1, True, False)), ("avg_pool3d", (1, 3, 3, 3), (2, 1)),
    ("adaptive_avg_pool2d", (1, 2, 5, 4), ((3, 3),)), ("adaptive_avg_pool3d", (1, 3, 4, 3), (2,)),
    ("adaptive_max_pool2d", (1, 2, 5, 4), ((3, 3),)), ("adaptive_max_pool3d", (1, 3, 4, 3), (2,)),
    ("lp_pool2d", (1, 2, 4, 4), (2.0, 2)),
])  # fmt: skip
def test_gradcheck_and_gradgradcheck(fn: str, shape: tuple[int, ...],
                                     args: tuple[Any, ...]) -> None:  # fmt: skip
    x = rg.tensor(np.abs(randn(*shape)) + 0.5, requires_grad=True)  # distinct values: no ties

    def f(t: Any) -> Any:
        return getattr(F, fn)(t, *args)

    assert gradcheck(f, [x], check_forward_ad=True)
    assert gradgradcheck(f, [x])


@pytest.mark.parametrize("fn,args", [
    ("max_pool2d", (3, 2, 1)), ("avg_pool2d", (3, 2, 1)), ("adaptive_avg_pool2d", (3,)),
    ("adaptive_max_pool2d", (3,)),
])  # fmt: skip
def test_forward_mode_matches_torch(fn: str, args: tuple[Any, ...]) -> None:
    x, v = randn(2, 2, 5, 6), randn(2, 2, 5, 6, seed=1)
    with fwad.dual_level():
        out = getattr(F, fn)(fwad.make_dual(rg.tensor(x), rg.tensor(v)), *args)
        tangent = fwad.unpack_dual(out).tangent
    with torch.autograd.forward_ad.dual_level():
        dual = torch.autograd.forward_ad.make_dual(torch.tensor(x), torch.tensor(v))
        tout = getattr(TF, fn)(dual, *args)
        ttangent = torch.autograd.forward_ad.unpack_dual(tout).tangent
    np.testing.assert_allclose(tangent.numpy(), ttangent.numpy(), rtol=1e-12, atol=1e-12)


MODULES = [
    ("MaxPool1d", (3,), dict(stride=2, padding=1), (2, 3, 9)),
    ("MaxPool2d", (2,), {}, (2, 3, 6, 6)),
    ("MaxPool2d", ((2, 3),), dict(stride=1, dilation=(1, 2), ceil_mode=True), (1, 2, 6, 7)),
    ("MaxPool3d", (2,), dict(padding=1), (1, 2, 4, 4, 4)),
    ("AvgPool1d", (3,), dict(stride=2, padding=1, count_include_pad=False), (2, 3, 9)),
    ("AvgPool2d", (3,), dict(stride=2, padding=1, ceil_mode=True), (2, 3, 7, 7)),
    ("AvgPool2d", (2,), dict(divisor_override=3), (2, 6, 6)),
    ("AvgPool3d", (2,), {}, (1, 2, 4, 4, 4)),
    ("AdaptiveAvgPool1d", (3,), {}, (2, 3, 8)),
    ("AdaptiveAvgPool2d", ((None, 3),), {}, (2, 3, 7, 7)),
    ("AdaptiveAvgPool3d", (1,), {}, (1, 2, 3, 4, 5)),
    ("AdaptiveMaxPool1d", (3,), {}, (2, 3, 8)),
    ("AdaptiveMaxPool2d", ((2, 3),), {}, (2, 3, 7, 7)),
    ("AdaptiveMaxPool3d", (2,), {}, (1, 2, 3, 4, 5)),
    ("LPPool1d", (2, 3), dict(stride=2), (2, 3, 9)),
    ("LPPool2d", (3, 2), dict(ceil_mode=True), (2, 3, 7, 7)),
    ("LPPool3d", (2, 2), {}, (1, 2, 4, 4, 4)),
]  # fmt: skip


@pytest.mark.parametrize("name,args,kw,shape", MODULES)
def test_modules_match_torch_with_its_repr(name: str, args: tuple[Any, ...], kw: dict[str, Any],
                                           shape: tuple[int, ...]) -> None:  # fmt: skip
    ours, theirs = getattr(nn, name)(*args, **kw), getattr(tnn, name)(*args, **kw)
    assert repr(ours) == repr(theirs)
    x = np.abs(randn(*shape)) + 0.1
    for train in (True, False):
        ours.train(train)
        theirs.train(train)
        a, t = rg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        check_grads(ours(a), theirs(t), a, t, tol=1e-10)


def test_modules_return_indices() -> None:
    x = ints(2, 3, 6, 6)
    for name, args in (("MaxPool2d", (2,)), ("AdaptiveMaxPool2d", (4,)), ("MaxPool1d", (3,))):
        xx = x[0] if name == "MaxPool1d" else x
        out, idx = getattr(nn, name)(*args, return_indices=True)(rg.tensor(xx))
        tout, tidx = getattr(tnn, name)(*args, return_indices=True)(torch.tensor(xx))
        np.testing.assert_array_equal(idx.numpy(), tidx.numpy())


BAD = [
    ("max_pool2d", (2, 3, 8, 8), (3,), dict(padding=2)),
    ("max_pool2d", (2, 3, 8, 8), (3, 3), dict(dilation=2, padding=2)),
    ("max_pool2d", (1, 1, 2, 2), (3,), {}),
    ("max_pool2d", (2, 2), (1,), {}),
    ("max_pool2d", (1, 0, 4, 4), (2,), {}),
    ("max_pool2d", (2, 3, 8, 8), (0,), {}),
    ("max_pool2d", (2, 3, 8, 8), (2, 0), {}),
    ("max_pool2d", (2, 3, 8, 8), (2,), dict(dilation=0)),
    ("max_pool1d", (2, 2, 2, 2), (1,), {}),
    ("max_pool3d", (1, 1, 2, 2, 2), (3,), {}),
    ("avg_pool2d", (1, 1, 2, 2), (3,), {}),
    ("avg_pool2d", (2, 3, 8, 8), (3,), dict(padding=2)),
    ("avg_pool2d", (2, 2), (1,), {}),
    ("avg_pool1d", (2, 2, 2, 2), (1,), {}),
    ("adaptive_avg_pool2d", (3,), (2,), {}),
    ("adaptive_max_pool2d", (3,), (2,), {}),
    ("adaptive_avg_pool1d", (1, 2, 3, 4), (2,), {}),
    ("adaptive_avg_pool2d", (1, 1, 0, 3), (2,), {}),
    ("adaptive_max_pool3d", (1, 1, 2, 0, 3), (2,), {}),
]  # fmt: skip


@pytest.mark.parametrize("fn,shape,args,kw", BAD)
def test_bad_input_raises_torchs_error(fn: str, shape: tuple[int, ...], args: tuple[Any, ...],
                                       kw: dict[str, Any]) -> None:  # fmt: skip
    x = np.ones(shape)
    with pytest.raises(Exception) as theirs:
        getattr(TF, fn)(torch.tensor(x), *args, **kw)
    with pytest.raises(theirs.type) as ours:
        getattr(F, fn)(rg.tensor(x), *args, **kw)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("d,shape,kw,output_size", [
    (1, (2, 3, 9), dict(kernel_size=2), None),
    (1, (3, 9), dict(kernel_size=3, stride=2, padding=1), [9]),
    (2, (2, 3, 7, 7), dict(kernel_size=2), [7, 7]),
    (2, (3, 6, 5), dict(kernel_size=3, stride=2, padding=1), [6, 5]),
    (3, (1, 2, 4, 5, 4), dict(kernel_size=2), (1, 2, 5, 5, 4)),
])  # fmt: skip
def test_max_unpool_matches_torch(d: int, shape: tuple[int, ...], kw: dict[str, Any],
                                  output_size: Any) -> None:  # fmt: skip
    x = randn(*shape)
    out, idx = getattr(F, f"max_pool{d}d")(rg.tensor(x), return_indices=True, **kw)
    tout, tidx = getattr(TF, f"max_pool{d}d")(torch.tensor(x), return_indices=True, **kw)
    a = rg.tensor(out.numpy(), requires_grad=True)
    t = torch.tensor(tout.numpy(), requires_grad=True)
    up = getattr(F, f"max_unpool{d}d")(a, idx, output_size=output_size, **kw)
    tup = getattr(TF, f"max_unpool{d}d")(t, tidx, output_size=output_size, **kw)
    if d > 1:
        assert up.grad_fn.name() == tup.grad_fn.name()
    check_grads(up, tup, a, t)
    assert gradgradcheck(lambda u: getattr(F, f"max_unpool{d}d")(u, idx, output_size=output_size,
                                                                 **kw), [a])  # fmt: skip


def test_max_unpool_errors_and_module() -> None:
    x = rg.tensor(randn(1, 1, 2, 2))
    idx = rg.tensor(np.array([[[[0, 3], [8, 16]]]]))
    with pytest.raises(RuntimeError, match="Found an invalid max index: 16 .*4x4"):
        F.max_unpool2d(x, idx, 2)
    with pytest.raises(ValueError) as theirs:
        TF.max_unpool2d(torch.tensor(x.numpy()), torch.tensor(idx.numpy()), 2, output_size=[9, 9])
    with pytest.raises(ValueError) as ours:
        F.max_unpool2d(x, idx, 2, output_size=[9, 9])
    assert str(ours.value) == str(theirs.value)
    for d in (1, 2, 3):
        ours_m, theirs_m = getattr(nn, f"MaxUnpool{d}d")(3, 2), getattr(tnn, f"MaxUnpool{d}d")(3, 2)
        assert repr(ours_m) == repr(theirs_m)
    pool, unpool = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
    y = unpool(*pool(rg.tensor(randn(1, 2, 4, 4))), output_size=(1, 2, 5, 5))
    assert tuple(y.shape) == (1, 2, 5, 5)


@pytest.mark.parametrize("fn,args", [
    ("max_pool2d", (2,)), ("avg_pool2d", (2,)), ("adaptive_avg_pool2d", (3,)),
    ("adaptive_max_pool2d", (3,)), ("max_pool3d", (2,)),
])  # fmt: skip
def test_empty_batch_pools_to_an_empty_batch_as_torch(fn: str, args: tuple[Any, ...]) -> None:
    shape = (0, 3, 4, 4, 4) if "3d" in fn else (0, 3, 4, 4)
    out, tout, a, t = run_both(fn, np.zeros(shape), *args)
    assert tuple(out.shape) == tuple(tout.shape)
    out.sum().backward()
    assert tuple(a.grad.shape) == shape


@pytest.mark.parametrize("d,shape,k,kw", [
    (2, (2, 3, 9, 10), 3, dict(output_size=(4, 5))),
    (2, (3, 9, 10), 2, dict(output_ratio=(0.5, 0.5))),
    (2, (2, 3, 7, 7), (2, 3), dict(output_size=(6, 3))),
    (2, (2, 3, 9, 10), 2, dict(output_size=(1, 1))),
    (3, (1, 2, 5, 6, 7), 2, dict(output_ratio=(0.5, 0.5, 0.5))),
    (3, (2, 5, 6, 7), (2, 3, 2), dict(output_size=(3, 3, 4))),
])  # fmt: skip
@pytest.mark.parametrize("values", ["ties", "random"])
def test_fractional_max_pool_matches_torch_for_the_same_samples(
    d: int, shape: tuple[int, ...], k: Any, kw: dict[str, Any], values: str
) -> None:
    x = ints(*shape) if values == "ties" else randn(*shape)
    batch = 1 if len(shape) == d + 1 else shape[0]
    samples = np.random.default_rng(7).random((batch, shape[-d - 1], d))
    fn = f"fractional_max_pool{d}d"
    a, t = rg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, idx = getattr(F, fn)(a, k, return_indices=True, _random_samples=rg.tensor(samples), **kw)
    tout, tidx = getattr(TF, fn)(t, k, return_indices=True,
                                 _random_samples=torch.tensor(samples), **kw)  # fmt: skip
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    assert out.grad_fn.name() == tout.grad_fn.name()
    check_grads(out, tout, a, t)


def test_fractional_max_pool_module_draws_samples_and_checks_arguments() -> None:
    for d in (2, 3):
        name = f"FractionalMaxPool{d}d"
        ours = getattr(nn, name)(2, output_ratio=0.5)
        assert repr(ours) == repr(getattr(tnn, name)(2, output_ratio=0.5))
        x = rg.tensor(randn(2, 3, *(8,) * d), requires_grad=True)
        out = ours(x)
        assert tuple(out.shape) == (2, 3, *(4,) * d)
        out.sum().backward()
        assert x.grad.numpy().sum() == 2 * 3 * 4**d  # each output's gradient lands once
        with pytest.raises(ValueError, match="output_ratio must be between 0 and 1"):
            getattr(nn, name)(2, output_ratio=1.5)
        with pytest.raises(ValueError, match="requires specifying either an output size"):
            getattr(nn, name)(2)
    with pytest.raises(RuntimeError, match="pool width 3 too large relative to input width 10"):
        F.fractional_max_pool2d(rg.ones(2, 3, 9, 10), 3, output_size=(4, 9))
    samples = rg.tensor([[[0.3, 0.6]]])
    small = rg.tensor(randn(1, 1, 4, 5), requires_grad=True)

    def f(u: Any) -> Any:
        return F.fractional_max_pool2d(u, 2, (2, 2), _random_samples=samples)

    assert gradcheck(f, [small], check_forward_ad=True)
    assert gradgradcheck(f, [small])


def test_docstring_examples_of_the_pooling_family_run() -> None:
    import doctest

    import retrograd.nn._pool as functionals
    from retrograd.nn.modules import dropout, pixelshuffle, pooling, upsampling

    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    finder = doctest.DocTestFinder()
    for mod in (functionals, pooling, upsampling, pixelshuffle, dropout):
        for test in finder.find(mod, mod.__name__, globs={"retrograd": rg, "F": F, "nn": nn}):
            runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_pooling_layers_inside_a_small_cnn_give_torchs_gradients() -> None:
    def net(lib: Any) -> Any:
        m = lib.nn
        return m.Sequential(
            m.Conv2d(1, 4, 3, padding=1), m.ReLU(), m.MaxPool2d(2), m.Conv2d(4, 4, 3),
            m.AvgPool2d(2, ceil_mode=True), m.Upsample(scale_factor=2, mode="bilinear"),
            m.AdaptiveMaxPool2d((2, 3)), m.Flatten(), m.Linear(24, 3),
        )  # fmt: skip

    torch.manual_seed(0)
    theirs = net(torch).double()
    ours = net(rg).double()
    ours.load_state_dict({k: rg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    x, y = randn(5, 1, 12, 12), np.array([0, 2, 1, 1, 0])
    loss = F.cross_entropy(ours(rg.tensor(x)), rg.tensor(y))
    tloss = TF.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y))
    loss.backward()
    tloss.backward()
    np.testing.assert_allclose(loss.item(), tloss.item(), rtol=1e-12)
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters(), strict=True):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=name)  # fmt: skip
