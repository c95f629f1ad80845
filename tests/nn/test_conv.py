"""Convolutions, unfold/fold and F.pad's padding modes against PyTorch.

Values and gradients (input, weight, bias) with a random upstream gradient, second
derivatives, forward-mode tangents, finite-difference checks of the primitives, the layers
with weights copied from torch.nn, their reprs, and PyTorch's errors.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import retrograd as rg
import retrograd.nn.functional as F
from retrograd import nn
from retrograd.autograd import gradcheck, gradgradcheck

TF = torch.nn.functional
SAME_WARNING = "ignore:Using padding='same' with even kernel lengths:UserWarning"


def rand(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def close(ours: rg.Tensor, theirs: torch.Tensor, tol: float = 1e-10) -> None:
    assert tuple(ours.shape) == tuple(theirs.shape), (ours.shape, theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol,
                               atol=tol)  # fmt: skip


def run_both(name: str, arrays: list[np.ndarray | None], **kw: object) -> None:
    """F.<name>(*arrays, **kw) in both libraries: output, then every input's gradient for
    the same random upstream gradient."""
    ours = [None if a is None else rg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [None if a is None else torch.tensor(a, requires_grad=True) for a in arrays]
    out = getattr(F, name)(*ours, **kw)
    tout = getattr(TF, name)(*theirs, **kw)
    close(out, tout)
    g = rand(*tout.shape, seed=7)
    out.backward(rg.tensor(g))
    tout.backward(torch.tensor(g))
    for a, ta in zip(ours, theirs, strict=True):
        if a is not None:
            close(a.grad, ta.grad)


# ------------------------------------------------------------------------ conv grid
CONV_CASES = [
    # (stride, padding, dilation, groups)
    (1, 0, 1, 1), (2, 1, 1, 1), (1, 2, 2, 1), (3, 1, 1, 2), (2, 0, 2, 2), (1, 1, 1, 4),
]  # fmt: skip


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("stride,padding,dilation,groups", CONV_CASES)
@pytest.mark.parametrize("bias", [True, False])
def test_conv_values_and_grads_match_pytorch(nd: int, stride: int, padding: int, dilation: int,
                                             groups: int, bias: bool) -> None:  # fmt: skip
    size = (9, 8, 7)[:nd] if nd < 3 else (6, 5, 7)
    x = rand(2, 4, *size)
    w = rand(8, 4 // groups, *(3, 2, 3)[:nd], seed=1)
    b = rand(8, seed=2) if bias else None
    run_both(f"conv{nd}d", [x, w, b], stride=stride, padding=padding, dilation=dilation,
             groups=groups)  # fmt: skip


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("stride,padding,output_padding,dilation,groups", [
    (1, 0, 0, 1, 1), (2, 1, 1, 1, 1), (3, 2, 2, 1, 2), (1, 1, 1, 2, 2), (2, 0, 1, 2, 4),
])  # fmt: skip
def test_conv_transpose_values_and_grads_match_pytorch(nd: int, stride: int, padding: int,
                                                       output_padding: int, dilation: int,
                                                       groups: int) -> None:  # fmt: skip
    size = (5, 4, 3)[:nd]
    x = rand(2, 4, *size)
    w = rand(4, 6 // groups if groups != 4 else 2, *(3, 2, 3)[:nd], seed=1)
    b = rand(w.shape[1] * groups, seed=2)
    run_both(f"conv_transpose{nd}d", [x, w, b], stride=stride, padding=padding,
             output_padding=output_padding, groups=groups, dilation=dilation)  # fmt: skip


@pytest.mark.filterwarnings(SAME_WARNING)
@pytest.mark.parametrize("nd,kernel,dilation", [
    (1, (3,), 1), (1, (4,), 1), (1, (4,), 2), (2, (2, 3), 1), (2, (3, 2), 3), (3, (2, 3, 2), 1),
])  # fmt: skip
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_string_padding_matches_pytorch(nd: int, kernel: tuple[int, ...], dilation: int,
                                        padding: str) -> None:  # fmt: skip
    x = rand(2, 3, *(9, 8, 5)[:nd])
    w = rand(4, 3, *kernel, seed=1)
    run_both(f"conv{nd}d", [x, w, rand(4, seed=2)], padding=padding, dilation=dilation)


def test_same_padding_with_an_even_kernel_warns_once_like_pytorch() -> None:
    import retrograd.nn._conv as impl

    impl._same_warned = False
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        for _ in range(2):
            out = F.conv1d(rg.randn(1, 1, 6), rg.randn(1, 1, 2), padding="same")
    assert out.shape == (1, 1, 6)
    assert [str(r.message)[:40] for r in rec] == ["Using padding='same' with even kernel le"]
    assert rec[0].category is UserWarning


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_unbatched_input_matches_pytorch(nd: int) -> None:
    x = rand(3, *(6, 5, 4)[:nd])
    run_both(f"conv{nd}d", [x, rand(4, 3, *(2,) * nd, seed=1), None], padding=1)
    run_both(f"conv_transpose{nd}d", [x, rand(3, 2, *(2,) * nd, seed=1), None], stride=2)


def test_nodes_carry_pytorchs_names() -> None:
    x = rg.randn(1, 2, 5, 5, requires_grad=True)
    assert F.conv2d(x, rg.randn(3, 2, 3, 3)).grad_fn.name() == "ConvolutionBackward0"
    assert F.conv_transpose2d(x, rg.randn(2, 3, 3, 3)).grad_fn.name() == "ConvolutionBackward0"
    assert F.unfold(x, 2).grad_fn.name() == "Im2ColBackward0"
    assert F.fold(F.unfold(x, 2), (5, 5), 2).grad_fn.name() == "Col2ImBackward0"


def test_empty_batch_and_float32_match_pytorch() -> None:
    out = F.conv2d(rg.zeros(0, 3, 5, 5), rg.randn(4, 3, 3, 3))
    assert out.shape == (0, 4, 3, 3)
    assert F.conv_transpose2d(rg.zeros(0, 2, 4, 4), rg.zeros(2, 3, 2, 2)).shape == (0, 3, 5, 5)
    assert F.unfold(rg.zeros(0, 2, 4, 4), 2).shape == (0, 8, 9)
    assert F.fold(rg.zeros(0, 8, 9), 4, 2).shape == (0, 2, 4, 4)
    x, w = rand(2, 3, 6, 6).astype(np.float32), rand(5, 3, 3, 3, seed=1).astype(np.float32)
    out = F.conv2d(rg.tensor(x), rg.tensor(w), stride=2)
    assert out.dtype == rg.float32
    close(out, TF.conv2d(torch.tensor(x), torch.tensor(w), stride=2), tol=1e-5)


def random_config(rng: np.random.Generator) -> tuple[str, np.ndarray, np.ndarray, dict]:
    """A random convolution: rank, transposed or not, groups, kernel, stride, dilation,
    padding (sometimes 'same'), output_padding and input size, independently per dim."""
    nd, transposed = int(rng.integers(1, 4)), bool(rng.integers(0, 2))
    groups = int(rng.choice([1, 2, 3]))
    cin, cout = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
    k, s, d, p = ([int(v) for v in rng.integers(lo, hi, nd)]
                  for lo, hi in ((1, 4), (1, 4), (1, 3), (0, 3)))  # fmt: skip
    x = rng.standard_normal((int(rng.integers(1, 3)), cin, *rng.integers(1, 7 - nd, nd)))
    if transposed:
        op = [int(rng.integers(0, max(s[i], d[i]))) for i in range(nd)]
        kw = dict(stride=s, padding=p, output_padding=op, groups=groups, dilation=d)
        return f"conv_transpose{nd}d", x, rng.standard_normal((cin, cout // groups, *k)), kw
    kw = dict(stride=s, padding=p, dilation=d, groups=groups)
    if rng.integers(0, 4) == 0:
        kw = dict(padding="same", dilation=d, groups=groups)
    return f"conv{nd}d", x, rng.standard_normal((cout, cin // groups, *k)), kw


@pytest.mark.filterwarnings(SAME_WARNING)
def test_random_configurations_match_pytorch_or_fail_like_it() -> None:
    """Seeded random geometries: where PyTorch computes, values and all three gradients
    agree; where it raises (kernel past the padded input, output too small), so do we."""
    rng = np.random.default_rng(123)
    for _ in range(80):
        name, x, w, kw = random_config(rng)
        b = rand(w.shape[1] * kw["groups"] if "transpose" in name else w.shape[0])
        try:
            getattr(TF, name)(torch.tensor(x), torch.tensor(w), torch.tensor(b), **kw)
        except RuntimeError:
            with pytest.raises(RuntimeError):
                getattr(F, name)(rg.tensor(x), rg.tensor(w), rg.tensor(b), **kw)
            continue
        run_both(name, [x, w, b], **kw)


# ------------------------------------------------------------------------ higher order
@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize("groups", [1, 2])
def test_double_backward_matches_pytorch(transposed: bool, groups: int) -> None:
    """grad of <grad(conv), v> with respect to input, weight and the upstream gradient."""
    x = rand(2, 4, 6, 5)
    w = rand(4, 3, 3, 2, seed=1) if transposed else rand(6, 4 // groups, 3, 2, seed=1)
    kw = dict(stride=2, padding=1, dilation=(1, 2), groups=groups)
    if transposed:
        kw["output_padding"] = 1
    name = "conv_transpose2d" if transposed else "conv2d"
    results = []
    for lib, fn in ((rg, getattr(F, name)), (torch, getattr(TF, name))):
        xs, ws = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        bs = lib.tensor(rand(w.shape[1] * groups if transposed else 6, seed=2),
                        requires_grad=True)  # fmt: skip
        out = fn(xs, ws, bs, **kw)
        g = lib.tensor(rand(*out.shape, seed=3), requires_grad=True)
        gx, gw, gb = lib.autograd.grad(out, (xs, ws, bs), g, create_graph=True)
        s = ((gx * lib.tensor(rand(*x.shape, seed=4))).sum()
             + (gw * lib.tensor(rand(*w.shape, seed=5))).sum() + (gb * gb).sum())  # fmt: skip
        results.append(lib.autograd.grad(s, (xs, ws, g)))
    for a, b in zip(*results, strict=True):
        close(a, b)


@pytest.mark.parametrize("name,x_shape,w_shape,kw", [
    ("conv1d", (1, 2, 5), (2, 1, 2), dict(stride=2, padding=1, groups=2)),
    ("conv2d", (1, 2, 4, 3), (3, 2, 2, 2), dict(padding=(1, 0), dilation=(1, 2))),
    ("conv_transpose1d", (1, 2, 3), (2, 2, 2), dict(stride=2, output_padding=1)),
    ("conv_transpose2d", (1, 2, 3, 2), (2, 1, 2, 2), dict(stride=(2, 1), groups=2, padding=1)),
])  # fmt: skip
def test_gradcheck_and_gradgradcheck(name: str, x_shape: tuple[int, ...],
                                     w_shape: tuple[int, ...], kw: dict) -> None:  # fmt: skip
    n_out = w_shape[1] * kw.get("groups", 1) if "transpose" in name else w_shape[0]
    args = [rg.tensor(rand(*s, seed=i), requires_grad=True)
            for i, s in enumerate((x_shape, w_shape, (n_out,)))]  # fmt: skip

    def f(x: rg.Tensor, w: rg.Tensor, b: rg.Tensor) -> rg.Tensor:
        return getattr(F, name)(x, w, b, **kw)

    assert gradcheck(f, args, check_forward_ad=True)
    assert gradgradcheck(f, args)


def test_unfold_fold_gradcheck_and_gradgradcheck() -> None:
    kw = dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1))
    x = rg.tensor(rand(1, 2, 4, 5), requires_grad=True)
    assert gradcheck(lambda t: F.unfold(t, **kw), [x], check_forward_ad=True)
    assert gradgradcheck(lambda t: F.unfold(t, **kw) ** 2, [x])
    cols = rg.tensor(rand(*F.unfold(x, **kw).shape, seed=1), requires_grad=True)
    assert gradcheck(lambda t: F.fold(t, (4, 5), **kw), [cols], check_forward_ad=True)
    assert gradgradcheck(lambda t: F.fold(t, (4, 5), **kw) ** 2, [cols])


@pytest.mark.parametrize("transposed", [False, True])
def test_forward_mode_tangents_match_pytorch(transposed: bool) -> None:
    name = "conv_transpose2d" if transposed else "conv2d"
    x, w, b = rand(2, 4, 5, 6), rand(4, 3, 3, 3, seed=1), rand(3 if transposed else 4, seed=2)
    if not transposed:
        w = w.reshape(4, 3, 3, 3)[:, :2].copy()
    kw = dict(stride=2, padding=1, groups=2) if not transposed else dict(stride=2, padding=1)
    tangents = [rand(*a.shape, seed=10 + i) for i, a in enumerate((x, w, b))]

    def ours(*a: rg.Tensor) -> rg.Tensor:
        return getattr(F, name)(*a, **kw)

    def theirs(*a: torch.Tensor) -> torch.Tensor:
        return getattr(TF, name)(*a, **kw)

    out, tan = rg.func.jvp(ours, tuple(rg.tensor(a) for a in (x, w, b)),
                           tuple(rg.tensor(t) for t in tangents))  # fmt: skip
    tout, ttan = torch.func.jvp(theirs, tuple(torch.tensor(a) for a in (x, w, b)),
                                tuple(torch.tensor(t) for t in tangents))  # fmt: skip
    close(out, tout)
    close(tan, ttan)


# ------------------------------------------------------------------------ unfold / fold
@pytest.mark.parametrize("kw", [
    dict(kernel_size=2), dict(kernel_size=(2, 3), dilation=(2, 1), padding=(1, 2), stride=2),
    dict(kernel_size=3, padding=1, stride=(1, 2)),
])  # fmt: skip
@pytest.mark.parametrize("batched", [True, False])
def test_unfold_and_fold_match_pytorch(kw: dict, batched: bool) -> None:
    x = rand(2, 3, 6, 7) if batched else rand(3, 6, 7)
    run_both("unfold", [x], **kw)
    cols = TF.unfold(torch.tensor(x), **kw)
    run_both("fold", [rand(*cols.shape, seed=3)], output_size=(6, 7), **kw)


def test_fold_is_the_adjoint_of_unfold() -> None:
    kw = dict(kernel_size=(3, 2), dilation=(1, 2), padding=(1, 1), stride=(2, 1))
    x = rg.tensor(rand(2, 3, 7, 6))
    u = F.unfold(x, **kw)
    y = rg.tensor(rand(*u.shape, seed=1))
    lhs = (u * y).sum().item()
    rhs = (x * F.fold(y, (7, 6), **kw)).sum().item()
    assert abs(lhs - rhs) < 1e-9 * max(1.0, abs(lhs))


def test_fold_modules_match_pytorch_and_their_reprs() -> None:
    m, tm = nn.Unfold((2, 3), padding=1), torch.nn.Unfold((2, 3), padding=1)
    assert repr(m) == repr(tm)
    x = rand(2, 3, 4, 5)
    close(m(rg.tensor(x)), tm(torch.tensor(x)))
    f, tf = nn.Fold((4, 5), (2, 3), padding=1), torch.nn.Fold((4, 5), (2, 3), padding=1)
    assert repr(f) == repr(tf)
    cols = rand(*tm(torch.tensor(x)).shape, seed=1)
    close(f(rg.tensor(cols)), tf(torch.tensor(cols)))


# ------------------------------------------------------------------------ modules
def copy_weights(ours: nn.Module, theirs: torch.nn.Module) -> None:
    ours.load_state_dict({k: rg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})


def compare_module(ours: nn.Module, theirs: torch.nn.Module, x: np.ndarray,
                   **call: object) -> None:  # fmt: skip
    copy_weights(ours, theirs)
    for train in (True, False):
        ours.train(train)
        theirs.train(train)
        xs, tx = rg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out, tout = ours(xs, **call), theirs(tx, **call)
        close(out, tout)
        g = rand(*tout.shape, seed=5)
        out.backward(rg.tensor(g))
        tout.backward(torch.tensor(g))
        close(xs.grad, tx.grad)
        for (n, p), (tn, tp) in zip(ours.named_parameters(), theirs.named_parameters(),
                                    strict=True):  # fmt: skip
            assert n == tn
            close(p.grad, tp.grad)
            p.grad = tp.grad = None


@pytest.mark.filterwarnings(SAME_WARNING)
@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("kw", [
    dict(padding=1), dict(padding="same", dilation=2), dict(padding=2, stride=2, groups=2),
    dict(padding="same", bias=False), dict(padding="valid"),
])  # fmt: skip
def test_conv_modules_match_pytorch(nd: int, mode: str, kw: dict) -> None:
    kernel = (3, 2, 3)[:nd] if kw.get("padding") == "same" and "dilation" not in kw else 3
    args = (4, 6, kernel)
    ours = getattr(nn, f"Conv{nd}d")(*args, padding_mode=mode, dtype=rg.float64, **kw)
    theirs = getattr(torch.nn, f"Conv{nd}d")(*args, padding_mode=mode, dtype=torch.float64,
                                             **kw)  # fmt: skip
    assert repr(ours) == repr(theirs)
    size = (7, 6, 5)[:nd] if nd < 3 else (5, 4, 4)
    compare_module(ours, theirs, rand(2, 4, *size))
    if mode in ("zeros", "circular"):
        compare_module(ours, theirs, rand(4, *size))  # unbatched


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("kw", [
    dict(), dict(stride=2, padding=1, output_padding=1), dict(groups=2, dilation=2, bias=False),
    dict(stride=(3, 2, 2)[:1] * 1, padding=1),
])  # fmt: skip
def test_conv_transpose_modules_match_pytorch(nd: int, kw: dict) -> None:
    kw = {k: (v if not isinstance(v, tuple) else v * nd) for k, v in kw.items()}
    ours = getattr(nn, f"ConvTranspose{nd}d")(4, 6, 3, dtype=rg.float64, **kw)
    theirs = getattr(torch.nn, f"ConvTranspose{nd}d")(4, 6, 3, dtype=torch.float64, **kw)
    assert repr(ours) == repr(theirs)
    compare_module(ours, theirs, rand(2, 4, *(5, 4, 3)[:nd]))
    compare_module(ours, theirs, rand(4, *(5, 4, 3)[:nd]))


@pytest.mark.parametrize("output_size", [[10, 11], [1, 6, 9, 10], [9, 12]])
def test_conv_transpose_output_size_matches_pytorch(output_size: list[int]) -> None:
    ours = nn.ConvTranspose2d(6, 2, 3, stride=(2, 3), padding=1, dtype=rg.float64)
    theirs = torch.nn.ConvTranspose2d(6, 2, 3, stride=(2, 3), padding=1, dtype=torch.float64)
    compare_module(ours, theirs, rand(1, 6, 5, 4), output_size=output_size)


def test_conv_transpose_output_size_out_of_range_raises_like_pytorch() -> None:
    m = nn.ConvTranspose2d(6, 2, 3, stride=2, padding=1)
    tm = torch.nn.ConvTranspose2d(6, 2, 3, stride=2, padding=1)
    for size in ([12, 9], [9, 9, 9]):
        with pytest.raises(ValueError) as theirs:
            tm(torch.randn(1, 6, 5, 5), output_size=size)
        with pytest.raises(ValueError) as ours:
            m(rg.randn(1, 6, 5, 5), output_size=size)
        assert str(ours.value) == str(theirs.value).replace("torch.Size", "retrograd.Size")


@pytest.mark.parametrize("cls,args", [
    ("Conv1d", (3, 6, 5)), ("Conv2d", (4, 8, (3, 2), 1, 0, 1, 2)), ("Conv3d", (2, 4, 2)),
    ("ConvTranspose2d", (6, 4, 3)), ("ConvTranspose1d", (4, 6, 2, 1, 0, 0, 2)),
])  # fmt: skip
def test_default_init_has_pytorchs_bounds(cls: str, args: tuple) -> None:
    """kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the weight, and
    the bias shares that bound."""
    rg.manual_seed(0)
    m = getattr(nn, cls)(*args)
    tm = getattr(torch.nn, cls)(*args)
    assert m.weight.shape == tm.weight.shape and m.bias.shape == tm.bias.shape
    bound = 1 / np.sqrt(np.prod(m.weight.shape[1:]))
    for p in (m.weight, m.bias):
        a = p.detach().numpy()
        assert a.dtype == np.float32 and np.abs(a).max() <= bound
        assert np.abs(a).max() > 0.5 * bound  # spread over the interval, not squeezed to 0
    if m.weight.numel() > 100:
        assert abs(m.weight.detach().numpy().std() - bound / np.sqrt(3)) < 0.15 * bound


def test_conv_and_pool_training_step_matches_pytorch() -> None:
    """A small CNN's float32 forward and gradients, weights copied from torch.nn."""

    def make(lib: object) -> object:
        n = lib.nn
        return n.Sequential(n.Conv2d(1, 4, 3, padding=1), n.ReLU(), n.Conv2d(4, 6, 3, stride=2),
                            n.Flatten(), n.Linear(54, 3))  # fmt: skip

    torch.manual_seed(0)
    theirs, ours = make(torch), make(rg)
    copy_weights(ours, theirs)
    x = rand(5, 1, 8, 8).astype(np.float32)
    y = np.array([0, 2, 1, 1, 0])
    loss = F.cross_entropy(ours(rg.tensor(x)), rg.tensor(y))
    tloss = TF.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y))
    loss.backward()
    tloss.backward()
    close(loss, tloss, tol=1e-5)
    for p, tp in zip(ours.parameters(), theirs.parameters(), strict=True):
        close(p.grad, tp.grad, tol=1e-5)


# ------------------------------------------------------------------------ F.pad modes
@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape,pad", [
    ((2, 5), (2, 1)), ((2, 3, 5), (1, 3)), ((2, 4, 5), (2, 1, 0, 3)),
    ((1, 2, 4, 5), (1, 1, 2, 3)), ((2, 4, 5, 6), (1, 0, 2, 1, 3, 2)),
    ((1, 2, 5), (-1, 2)), ((1, 2, 6), (3, -2)),
])  # fmt: skip
def test_pad_modes_match_pytorch(mode: str, shape: tuple[int, ...], pad: tuple[int, ...]) -> None:
    run_both("pad", [rand(*shape)], pad=pad, mode=mode)


@pytest.mark.parametrize("call,err", [
    (lambda F, t: F.pad(t.randn(2, 3, 4, 5), (1, 1), mode="reflect"), NotImplementedError),
    (lambda F, t: F.pad(t.randn(4, 5), (1, 1, 1, 1), mode="replicate"), NotImplementedError),
    (lambda F, t: F.pad(t.randn(5), (1, 1), mode="circular"), NotImplementedError),
    (lambda F, t: F.pad(t.randn(1, 2, 3), (3, 1), mode="reflect"), RuntimeError),
    (lambda F, t: F.pad(t.randn(1, 2, 3), (4, 1), mode="circular"), RuntimeError),
    (lambda F, t: F.pad(t.randn(1, 2, 3), (1, 1), mode="reflect", value=1.0), RuntimeError),
])  # fmt: skip
def test_pad_mode_errors_match_pytorch(call: object, err: type) -> None:
    with pytest.raises(err) as theirs:
        call(TF, torch)
    with pytest.raises(err) as ours:
        call(F, rg)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("shape,pad", [((2, 5), (2, 1)), ((1, 2, 4, 5), (1, 1, 2, 3)),
                                       ((1, 1, 3, 4, 4), (1, 0, 2, 1, 1, 2))])  # fmt: skip
@pytest.mark.parametrize("mode", ["reflect", "replicate"])
def test_pad_modes_name_their_nodes_and_pass_gradcheck(shape: tuple[int, ...],
                                                       pad: tuple[int, ...],
                                                       mode: str) -> None:  # fmt: skip
    x = rg.tensor(rand(*shape), requires_grad=True)
    tx = torch.tensor(rand(*shape), requires_grad=True)
    assert F.pad(x, pad, mode=mode).grad_fn.name() == TF.pad(tx, pad, mode=mode).grad_fn.name()
    assert gradcheck(lambda t: F.pad(t, pad, mode=mode), [x], check_forward_ad=True)
    assert gradgradcheck(lambda t: F.pad(t, pad, mode=mode) ** 2, [x])


def test_replicate_pad_may_exceed_the_input_like_pytorch() -> None:
    run_both("pad", [rand(1, 2, 3)], pad=(5, 1), mode="replicate")


# ------------------------------------------------------------------------ errors
def both_raise(make: object, err: type = RuntimeError, exact: bool = True) -> None:
    """The same call raises the same exception type (and message) in both libraries."""
    with pytest.raises(err) as theirs:
        make(TF, torch)
    with pytest.raises(err) as ours:
        make(F, rg)
    if exact:
        assert str(ours.value) == str(theirs.value).split("\n")[0]
    return ours.value


@pytest.mark.parametrize("make", [
    lambda F, t: F.conv2d(t.randn(5, 5), t.randn(4, 3, 3, 3)),
    lambda F, t: F.conv1d(t.randn(2, 3, 4, 5), t.randn(4, 3, 3)),
    lambda F, t: F.conv3d(t.randn(2, 3, 4), t.randn(4, 3, 3, 3, 3)),
    lambda F, t: F.conv_transpose1d(t.randn(2, 3, 4, 5), t.randn(3, 3, 3)),
    lambda F, t: F.conv2d(t.randn(2, 3, 5, 5), t.randn(4, 2, 3, 3)),
    lambda F, t: F.conv2d(t.randn(2, 4, 5, 5), t.randn(4, 1, 3, 3), groups=2),
    lambda F, t: F.conv2d(t.randn(2, 4, 5, 5), t.randn(3, 2, 3, 3), groups=2),
    lambda F, t: F.conv_transpose2d(t.randn(2, 3, 5, 5), t.randn(4, 2, 3, 3)),
    lambda F, t: F.conv_transpose2d(t.randn(2, 3, 5, 5), t.randn(3, 2, 3, 3), groups=2),
    lambda F, t: F.conv2d(t.randn(2, 3, 5, 5), t.randn(4, 3, 7, 7)),
    lambda F, t: F.conv2d(t.randn(2, 3, 5, 5), t.randn(4, 3, 3, 3), dilation=3),
    lambda F, t: F.conv2d(t.randn(2, 3, 5, 5), t.randn(4, 3, 3, 3), padding="same", stride=2),
    lambda F, t: F.conv2d(t.randn(2, 3, 5, 5), t.randn(4, 3, 3, 3), padding="foo"),
    lambda F, t: F.conv2d(t.randn(2, 3, 5, 5), t.randn(4, 3, 3, 3), padding=-1),
    lambda F, t: F.conv2d(t.randn(2, 3, 5, 5), t.randn(4, 3, 3, 3), stride=0),
    lambda F, t: F.conv2d(t.randn(2, 3, 5, 5), t.randn(4, 3, 3, 3), dilation=0),
    lambda F, t: F.conv2d(t.randn(2, 3, 5, 5), t.randn(4, 3, 3, 3), groups=0),
    lambda F, t: F.conv2d(t.randn(2, 3, 5, 5), t.randn(4, 3, 3, 3), stride=(1, 1, 1)),
    lambda F, t: F.conv2d(t.randn(2, 3, 5, 5), t.randn(4, 3, 3, 3), t.randn(3)),
    lambda F, t: F.conv2d(t.randn(2, 3, 5, 5), t.randn(4, 3, 3, 3, dtype=t.float64)),
    lambda F, t: F.conv2d(t.randn(2, 3, 5, 5), t.randn(4, 3, 3, 3), t.randn(4, dtype=t.float64)),
    lambda F, t: F.conv_transpose2d(t.randn(1, 3, 1, 1), t.randn(3, 2, 1, 1), padding=1),
    lambda F, t: F.unfold(t.randn(1, 2, 3, 4, 5), 2),
    lambda F, t: F.unfold(t.randn(1, 2, 3, 4), 5),
    lambda F, t: F.unfold(t.randn(1, 2, 3, 4), (2, 2, 2)),
    lambda F, t: F.unfold(t.randn(1, 2, 3, 4), 2, padding=-1),
    lambda F, t: F.unfold(t.randn(1, 2, 3, 4), 2, stride=0),
    lambda F, t: F.fold(t.randn(1, 7, 9), (4, 4), 2),
    lambda F, t: F.fold(t.randn(1, 8, 8), (4, 4), 2),
    lambda F, t: F.fold(t.randn(8), (4, 4), 2),
])  # fmt: skip
def test_bad_arguments_raise_pytorchs_errors(make: object) -> None:
    both_raise(make)


def test_conv_transpose_output_padding_too_large_raises() -> None:
    err = both_raise(lambda F, t: F.conv_transpose2d(t.randn(1, 3, 4, 4), t.randn(3, 2, 3, 3),
                                                     stride=2, output_padding=2),
                     exact=False)  # fmt: skip
    assert "output padding must be smaller than either stride or dilation" in str(err)
    assert "stride=[2, 2]" in str(err)


def test_padding_string_to_conv_transpose_is_a_type_error() -> None:
    both_raise(lambda F, t: F.conv_transpose2d(t.randn(1, 3, 4, 4), t.randn(3, 2, 3, 3),
                                               padding="same"), TypeError)  # fmt: skip


@pytest.mark.parametrize("kw,msg", [
    (dict(groups=0), "groups must be a positive integer"),
    (dict(groups=4), "in_channels must be divisible by groups"),
    (dict(groups=3), "out_channels must be divisible by groups"),
    (dict(padding="full"), "Invalid padding string 'full', should be one of"),
    (dict(padding="same", stride=2), "padding='same' is not supported for strided"),
    (dict(padding_mode="mirror"), "padding_mode must be one of"),
])  # fmt: skip
def test_module_constructor_errors_match_pytorch(kw: dict, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        torch.nn.Conv2d(6, 8, 3, **kw)
    with pytest.raises(ValueError, match=msg):
        nn.Conv2d(6, 8, 3, **kw)


def test_conv_transpose_rejects_padding_modes_like_pytorch() -> None:
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for '
                                         "ConvTranspose2d"):  # fmt: skip
        nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect")


def test_module_names_the_layer_shapes_in_its_error() -> None:
    m = nn.Conv2d(3, 8, 3)
    with pytest.raises(
        RuntimeError,
        match=r"Expected 3D \(unbatched\) or 4D \(batched\) input "
        r"to conv2d, but got input of size: \[3, 5\]",
    ):
        m(rg.randn(3, 5))  # fmt: skip
    with pytest.raises(
        RuntimeError,
        match=r"weight of size \[8, 3, 3, 3\], expected input"
        r"\[2, 4, 5, 5\] to have 3 channels",
    ):
        m(rg.randn(2, 4, 5, 5))  # fmt: skip


@pytest.mark.parametrize("name", ["conv2d", "conv_transpose2d"])
def test_cpu_autocast_runs_convolutions_in_bfloat16_like_pytorch(name: str) -> None:
    x = rand(2, 3, 6, 6).astype(np.float32)
    w = rand(*((3, 4) if "transpose" in name else (4, 3)), 3, 3, seed=1).astype(np.float32)
    g = rand(*getattr(TF, name)(torch.tensor(x), torch.tensor(w)).shape, seed=2)
    xs, ws = rg.tensor(x, requires_grad=True), rg.tensor(w, requires_grad=True)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    with rg.autocast("cpu", dtype=rg.bfloat16):
        out = getattr(F, name)(xs, ws)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        tout = getattr(TF, name)(tx, tw)
    assert out.dtype == rg.bfloat16
    out.backward(rg.tensor(g).to(rg.bfloat16))
    tout.backward(torch.tensor(g).to(torch.bfloat16))
    assert xs.grad.dtype == rg.float32 and ws.grad.dtype == rg.float32
    close(out.float(), tout.float(), tol=1e-2)
    close(xs.grad, tx.grad, tol=1e-2)
    close(ws.grad, tw.grad, tol=1e-2)


def test_docstring_examples_run() -> None:
    import doctest

    import retrograd.nn._conv as functional_conv
    import retrograd.nn.modules.conv as module_conv
    import retrograd.nn.modules.fold as module_fold

    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    finder = doctest.DocTestFinder()
    for mod in (functional_conv, module_conv, module_fold):
        for test in finder.find(mod, globs={"retrograd": rg, "F": F, "nn": nn}):
            runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 17 and result.failed == 0


@pytest.mark.parametrize("name", ["conv2d", "conv_transpose1d"])
def test_complex_convolutions_match_pytorch_to_second_order(name: str) -> None:
    """Gradients pair with conjugates (PyTorch's convention), in both orders."""
    rng = np.random.default_rng(3)

    def c(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)

    nd = 1 if name.endswith("1d") else 2
    w = c(4, 2, *(3, 2)[:nd]) if name == "conv2d" else c(2, 3, *(3, 2)[:nd])
    arrays = [c(2, 2, *(5, 4)[:nd]), w, c(4 if name == "conv2d" else 3)]
    g = c(*getattr(TF, name)(*map(torch.tensor, arrays), stride=2, padding=1).shape)
    v = [c(*a.shape) for a in arrays]
    results = []
    for lib, fn in ((rg, getattr(F, name)), (torch, getattr(TF, name))):
        leaves = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = fn(*leaves, stride=2, padding=1)
        grads = lib.autograd.grad(out, leaves, lib.tensor(g), create_graph=True)
        s = sum((a * lib.tensor(b)).real.sum() for a, b in zip(grads, v, strict=True))
        results.append([out, *grads, *lib.autograd.grad(s, leaves[:2])])
    for a, b in zip(*results, strict=True):
        close(a, b)
    leaves = [rg.tensor(a, requires_grad=True) for a in arrays]
    assert gradcheck(lambda *t: getattr(F, name)(*t, stride=2, padding=1), leaves)


def test_numpy_integer_arguments_act_as_ints() -> None:
    x, w = rand(1, 2, 5, 5), rand(3, 2, 3, 3, seed=1)
    run_both("conv2d", [x, w, None], stride=np.int64(2), padding=np.int32(1))
    run_both("unfold", [x], kernel_size=np.int64(2), stride=np.int64(2))
    run_both("fold", [rand(1, 8, 9)], output_size=np.int64(4), kernel_size=2)
