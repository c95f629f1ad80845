"""Layers and activations against torch.nn: outputs, input grads and parameter grads."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import retrograd as rg
import retrograd.nn.functional as F
from retrograd import nn

tnn = torch.nn
TF = torch.nn.functional


def compare(ours: nn.Module, theirs: tnn.Module, *inputs: np.ndarray, tol: float = 1e-10,
            seed: int = 0) -> None:  # fmt: skip
    """Copy theirs' weights into ours, run both (train and eval), compare output and grads."""
    ours.load_state_dict({k: rg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    for train in (True, False):
        ours.train(train)
        theirs.train(train)
        xs = [rg.tensor(x, requires_grad=x.dtype.kind == "f") for x in inputs]
        txs = [torch.tensor(x, requires_grad=x.dtype.kind == "f") for x in inputs]
        out, tout = ours(*xs), theirs(*txs)
        np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=tol,
                                   atol=tol)  # fmt: skip
        g = np.random.default_rng(seed).standard_normal(tuple(tout.shape))
        out.backward(rg.tensor(g.astype(inputs[0].dtype)))
        tout.backward(torch.tensor(g.astype(inputs[0].dtype)))
        for x, tx in zip(xs, txs, strict=True):
            if tx.grad is not None:
                np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=tol, atol=tol)
        for (n, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters(),
                                   strict=True):  # fmt: skip
            np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=tol, atol=tol,
                                       err_msg=n)  # fmt: skip
            p.grad = None
            tp.grad = None


def randn(*shape: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


# edge points (0, +-1, +-3, +-6, the thresholds) and a spread including large magnitudes
EDGES = np.array([0.0, 1.0, -1.0, 3.0, -3.0, 6.0, -6.0, 0.5, 20.0, -20.0, 30.0, -100.0, 100.0])
X = np.concatenate([EDGES, randn(3, 17).ravel() * 3]).reshape(4, 16)

ACTIVATIONS = [
    ("ReLU", (), {}), ("ReLU6", (), {}), ("LeakyReLU", (0.2,), {}), ("ELU", (), {"alpha": 0.75}),
    ("SELU", (), {}), ("CELU", (), {"alpha": 0.5}), ("GELU", (), {}),
    ("GELU", (), {"approximate": "tanh"}), ("SiLU", (), {}), ("Mish", (), {}),
    ("Sigmoid", (), {}), ("Tanh", (), {}), ("Softmax", (1,), {}), ("LogSoftmax", (0,), {}),
    ("Softmin", (1,), {}), ("Softplus", (), {}), ("Softplus", (), {"beta": 2, "threshold": 3}),
    ("Softsign", (), {}), ("Hardtanh", (-0.5, 3.0), {}), ("Hardsigmoid", (), {}),
    ("Hardswish", (), {}), ("Threshold", (0.5, -2.0), {}), ("GLU", (), {}), ("GLU", (0,), {}),
    ("LogSigmoid", (), {}), ("Identity", (), {}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "args", "kwargs"), ACTIVATIONS,
                         ids=[f"{n}{a}{k}" for n, a, k in ACTIVATIONS])  # fmt: skip
def test_activation_matches_torch(name: str, args: tuple, kwargs: dict) -> None:
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(tnn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    # PyTorch's CPU kernels use float32 constants (1/6, 1/3) for these even in float64
    compare(ours, theirs, X, tol=1e-7 if name.startswith("Hards") else 1e-10)


def test_activation_float32_and_extremes_stay_finite() -> None:
    x = np.array([-1e4, -100.0, -50.0, 0.0, 50.0, 100.0, 1e4], np.float32)
    for name in ("ELU", "SELU", "CELU", "Softplus", "Mish", "SiLU", "LogSigmoid"):
        compare(getattr(nn, name)(), getattr(tnn, name)(), x, tol=1e-5)


@pytest.mark.parametrize("num", [1, 3])
def test_prelu_matches_torch(num: int) -> None:
    theirs = tnn.PReLU(num, init=0.3).double()
    ours = nn.PReLU(num, init=0.3).double()
    assert repr(ours) == repr(theirs)
    compare(ours, theirs, randn(2, 3, 4))
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers"):
        nn.PReLU(3)(rg.randn(2, 5))


def test_inplace_activations_write_into_the_input() -> None:
    for name in ("ReLU", "ReLU6", "LeakyReLU", "ELU", "SiLU", "Hardtanh"):
        x = rg.tensor(X)
        tx = torch.tensor(X)
        out = getattr(nn, name)(inplace=True)(x)
        getattr(tnn, name)(inplace=True)(tx)
        assert out is x, name
        np.testing.assert_allclose(x.numpy(), tx.numpy(), rtol=1e-12)
        assert out is x
    y = rg.tensor(X, requires_grad=True) * 1
    z = nn.ReLU(inplace=True)(y)
    z.sum().backward()  # relu_ on a non-leaf keeps autograd working


def test_linear_matches_torch() -> None:
    theirs = tnn.Linear(5, 3).double()
    ours = nn.Linear(5, 3)
    assert repr(ours) == repr(theirs)
    compare(ours.double(), theirs, randn(4, 5))
    compare(ours, theirs, randn(2, 3, 5))
    compare(ours, theirs, randn(5))
    nb, tnb = nn.Linear(4, 2, bias=False), tnn.Linear(4, 2, bias=False)
    assert nb.bias is None and repr(nb) == repr(tnb)
    compare(nb, tnb, randn(3, 4).astype(np.float32), tol=1e-5)
    assert nn.Linear(2, 2, dtype=rg.float64, device="cpu").weight.dtype == rg.float64
    with pytest.raises(RuntimeError, match="CPU only"):
        nn.Linear(2, 2, device="cuda")


def test_linear_wrong_feature_size_names_the_layer() -> None:
    with pytest.raises(RuntimeError) as err:
        nn.Linear(3, 4)(rg.randn(2, 5))
    msg = str(err.value)
    assert "Linear(in_features=3, out_features=4, bias=True)" in msg
    assert "[2, 5]" in msg and "(2x5 and 3x4)" in msg
    with pytest.raises(RuntimeError, match=r"\(2x5 and 3x4\)"):
        F.linear(rg.randn(2, 5), rg.randn(4, 3))


def test_linear_default_init_distribution() -> None:
    rg.manual_seed(0)
    m = nn.Linear(400, 300)
    bound = 1 / np.sqrt(400)  # kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(fan_in), ...)
    w = m.weight.detach().numpy()
    assert w.dtype == np.float32 and np.abs(w).max() <= bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.01 * bound
    assert np.abs(m.bias.detach().numpy()).max() <= bound
    assert abs(m.bias.detach().numpy().std() - bound / np.sqrt(3)) < 0.1 * bound


def test_bilinear_matches_torch() -> None:
    theirs = tnn.Bilinear(3, 4, 2).double()
    ours = nn.Bilinear(3, 4, 2)
    assert repr(ours) == repr(theirs)
    compare(ours.double(), theirs, randn(5, 3), randn(5, 4, seed=2))
    with pytest.raises(RuntimeError, match="batch dimensions do not match"):
        ours(rg.randn(5, 3, dtype=rg.float64), rg.randn(4, 4, dtype=rg.float64))


def test_flatten_unflatten_match_torch() -> None:
    x = randn(2, 3, 4, 5)
    for args in ((), (0, 2), (2,), (-3, -2)):
        ours, theirs = nn.Flatten(*args), tnn.Flatten(*args)
        assert repr(ours) == repr(theirs)
        compare(ours, theirs, x)
    ours, theirs = nn.Unflatten(1, (2, 6)), tnn.Unflatten(1, (2, 6))
    assert repr(ours) == repr(theirs)
    compare(ours, theirs, randn(3, 12))


def test_dropout_train_and_eval() -> None:
    d = nn.Dropout(0.3)
    assert repr(d) == repr(tnn.Dropout(0.3))
    x = rg.ones(200, 100, requires_grad=True)
    rg.manual_seed(0)
    y = d(x)
    vals = y.detach().numpy()
    kept = vals != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(vals[kept], 1 / 0.7, rtol=1e-6)
    y.backward(rg.ones(200, 100))
    np.testing.assert_allclose(x.grad.numpy(), vals)  # the gradient is the same mask and scale
    d.eval()
    assert d(x) is x
    assert not np.any(nn.Dropout(1.0)(x).detach().numpy())
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        nn.Dropout(1.5)


def test_dropout_reproducible_with_manual_seed() -> None:
    rg.manual_seed(5)
    a = F.dropout(rg.ones(50))
    rg.manual_seed(5)
    b = F.dropout(rg.ones(50))
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_glu_odd_size_raises() -> None:
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        F.glu(rg.randn(2, 3))


def test_functional_helpers_match_torch() -> None:
    t = rg.tensor([[0, 2], [1, 3]])
    np.testing.assert_array_equal(F.one_hot(t).numpy(), TF.one_hot(torch.tensor(t.numpy())))
    np.testing.assert_array_equal(F.one_hot(t, 5).numpy(), TF.one_hot(torch.tensor(t.numpy()), 5))
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes"):
        F.one_hot(t, 3)
    x = randn(3, 4)
    xs, txs = rg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    for kw in ({}, {"p": 1.0, "dim": 0}):
        out, tout = F.normalize(xs, **kw), TF.normalize(txs, **kw)
        np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-12)
    F.normalize(xs).sum().backward()
    TF.normalize(txs).sum().backward()
    np.testing.assert_allclose(xs.grad.numpy(), txs.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    ("pad", "mode", "value"),
    [((1, 2), "constant", 0.0), ((1, 1, 2, 0), "constant", 1.5), ((-1, 2), "constant", 0.0),
     ((2, 1), "reflect", None), ((2, 3, 1, 1), "replicate", None), ((1, 2), "circular", None)],
)  # fmt: skip
def test_pad_matches_torch(pad: tuple, mode: str, value: float | None) -> None:
    x = randn(2, 3, 4)
    xs, txs = rg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, tout = F.pad(xs, pad, mode, value), TF.pad(txs, pad, mode, value)
    np.testing.assert_array_equal(out.detach().numpy(), tout.detach().numpy())
    g = randn(*tout.shape, seed=3)
    out.backward(rg.tensor(g))
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(xs.grad.numpy(), txs.grad.numpy(), rtol=1e-12, atol=1e-12)
