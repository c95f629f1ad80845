"""nn.init against torch.nn.init: fans, gains, distributions, errors, no-grad filling."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import retrograd as rg
from retrograd import nn
from retrograd.nn import init

tinit = torch.nn.init


@pytest.mark.parametrize("shape", [(3, 5), (4, 2, 3), (6, 3, 2, 5)])
def test_fans_match_torch(shape: tuple) -> None:
    assert init._calculate_fan_in_and_fan_out(rg.empty(shape)) == (
        tinit._calculate_fan_in_and_fan_out(torch.empty(shape))
    )
    for mode in ("fan_in", "fan_out", "FAN_IN"):
        assert init._calculate_correct_fan(rg.empty(shape), mode) == (
            tinit._calculate_correct_fan(torch.empty(shape), mode)
        )


@pytest.mark.parametrize(
    ("nl", "param"),
    [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
     ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None)],
)  # fmt: skip
def test_calculate_gain_matches_torch(nl: str, param: float | None) -> None:
    assert init.calculate_gain(nl, param) == tinit.calculate_gain(nl, param)


@pytest.mark.parametrize(
    ("call", "tcall", "exc"),
    [(lambda: init.calculate_gain("swish"), lambda: tinit.calculate_gain("swish"), ValueError),
     (lambda: init.calculate_gain("leaky_relu", True),
      lambda: tinit.calculate_gain("leaky_relu", True), ValueError),
     (lambda: init.xavier_uniform_(rg.empty(3)), lambda: tinit.xavier_uniform_(torch.empty(3)),
      ValueError),
     (lambda: init.kaiming_normal_(rg.empty(3, 3), mode="fan"),
      lambda: tinit.kaiming_normal_(torch.empty(3, 3), mode="fan"), ValueError),
     (lambda: init.eye_(rg.empty(2, 2, 2)), lambda: tinit.eye_(torch.empty(2, 2, 2)), ValueError),
     (lambda: init.orthogonal_(rg.empty(4)), lambda: tinit.orthogonal_(torch.empty(4)),
      ValueError)],
)  # fmt: skip
def test_errors_match_torch(call, tcall, exc) -> None:
    with pytest.raises(exc) as ours:
        call()
    with pytest.raises(exc) as theirs:
        tcall()
    assert str(ours.value) == str(theirs.value)


SHAPE = (400, 250)


def _stats(fill, tfill, bounded: bool) -> None:
    """Our samples and PyTorch's have the same moments (and range, when bounded)."""
    rg.manual_seed(0)
    torch.manual_seed(0)
    ours = fill(rg.empty(SHAPE)).numpy()
    theirs = tfill(torch.empty(SHAPE)).numpy()
    assert ours.dtype == np.float32
    assert abs(ours.mean() - theirs.mean()) < 0.02 * theirs.std() + 1e-6
    assert abs(ours.std() - theirs.std()) < 0.02 * theirs.std() + 1e-6
    if bounded:
        assert ours.min() >= theirs.min() - 0.05 * theirs.std() - 1e-6
        assert ours.max() <= theirs.max() + 0.05 * theirs.std() + 1e-6


@pytest.mark.parametrize(
    "name_kw",
    [("uniform_", {"a": -2.0, "b": 5.0}), ("normal_", {"mean": 1.0, "std": 3.0}),
     ("xavier_uniform_", {"gain": 2.0}), ("xavier_normal_", {}), ("kaiming_uniform_", {}),
     ("kaiming_uniform_", {"a": math.sqrt(5)}),
     ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"}),
     ("trunc_normal_", {"mean": 0.5, "std": 2.0, "a": -1.0, "b": 3.0}), ("trunc_normal_", {})],
    ids=lambda nk: f"{nk[0]}{nk[1]}",
)  # fmt: skip
def test_random_fills_match_torch_distribution(name_kw) -> None:
    name, kw = name_kw
    bounded = "uniform" in name or "trunc" in name
    _stats(lambda t: getattr(init, name)(t, **kw), lambda t: getattr(tinit, name)(t, **kw), bounded)


def test_trunc_normal_stays_in_bounds() -> None:
    t = init.trunc_normal_(rg.empty(10000), std=3.0, a=-1.0, b=2.0).numpy()
    assert t.min() >= -1.0 and t.max() <= 2.0


@pytest.mark.parametrize("shape", [(6, 4), (3, 7), (4, 2, 3)])
def test_orthogonal_gives_orthonormal_rows_or_columns(shape: tuple) -> None:
    t = init.orthogonal_(rg.empty(shape, dtype=rg.float64), gain=2.0).numpy()
    m = t.reshape(shape[0], -1)
    small = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
    np.testing.assert_allclose(small, 4.0 * np.eye(small.shape[0]), atol=1e-10)


def test_deterministic_fills() -> None:
    for fill, tfill in [(lambda t: init.constant_(t, 0.3), lambda t: tinit.constant_(t, 0.3)),
                        (init.zeros_, tinit.zeros_), (init.ones_, tinit.ones_),
                        (init.eye_, tinit.eye_)]:  # fmt: skip
        np.testing.assert_array_equal(fill(rg.empty(3, 4)).numpy(), tfill(torch.empty(3, 4)))


def test_fills_parameters_without_recording() -> None:
    p = nn.Parameter(rg.zeros(3, 4))
    v = p._version
    out = init.kaiming_uniform_(p)
    assert out is p and p.grad_fn is None and p.is_leaf and p.requires_grad
    assert p._version > v
    assert np.any(p.detach().numpy() != 0)


def test_generator_makes_fills_reproducible() -> None:
    a = init.normal_(rg.empty(5), generator=rg.Generator().manual_seed(3))
    b = init.normal_(rg.empty(5), generator=rg.Generator().manual_seed(3))
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_float64_and_zero_element_tensors() -> None:
    assert init.xavier_normal_(rg.empty(3, 3, dtype=rg.float64)).dtype == rg.float64
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        init.kaiming_uniform_(rg.empty(0, 3))
