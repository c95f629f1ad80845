"""nn.utils: gradient clipping and parameter vectors, against torch.nn.utils."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import retrograd as rg
from retrograd import nn


def _params_with_grads(seed: int = 0) -> tuple[list, list]:
    r = np.random.default_rng(seed)
    shapes = [(3, 4), (4,), (2, 2, 2)]
    ours, theirs = [], []
    for s in shapes:
        v, g = r.standard_normal(s), r.standard_normal(s) * 3
        p, tp = nn.Parameter(rg.tensor(v)), torch.nn.Parameter(torch.tensor(v))
        p.grad, tp.grad = rg.tensor(g), torch.tensor(g)
        ours.append(p)
        theirs.append(tp)
    return ours, theirs


@pytest.mark.parametrize(("max_norm", "norm_type"), [(1.0, 2.0), (100.0, 2.0), (0.5, 1),
                                                     (2.0, float("inf")), (1.5, 3.0)])  # fmt: skip
def test_clip_grad_norm_matches_torch(max_norm: float, norm_type: float) -> None:
    ours, theirs = _params_with_grads()
    total = nn.utils.clip_grad_norm_(ours, max_norm, norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    np.testing.assert_allclose(total.numpy(), ttotal.numpy(), rtol=1e-12)
    for p, tp in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-12)


def test_clip_grad_norm_nonfinite_and_empty() -> None:
    ours, _ = _params_with_grads()
    ours[0].grad[0, 0] = float("nan")
    with pytest.raises(RuntimeError, match="non-finite, so it cannot be clipped"):
        nn.utils.clip_grad_norm_(ours, 1.0, error_if_nonfinite=True)
    assert float(nn.utils.clip_grad_norm_([nn.Parameter(rg.zeros(2))], 1.0)) == 0.0


def test_clip_grad_value_matches_torch() -> None:
    ours, theirs = _params_with_grads()
    nn.utils.clip_grad_value_(ours, 0.7)
    torch.nn.utils.clip_grad_value_(theirs, 0.7)
    for p, tp in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(p.grad.numpy(), tp.grad.numpy())


def test_parameters_vector_round_trip() -> None:
    ours, theirs = _params_with_grads()
    vec = nn.utils.parameters_to_vector(ours)
    tvec = torch.nn.utils.parameters_to_vector(theirs)
    np.testing.assert_array_equal(vec.detach().numpy(), tvec.detach().numpy())
    for p in ours:
        p.grad = None
    (vec * rg.arange(vec.numel(), dtype=rg.float64)).sum().backward()  # differentiable
    np.testing.assert_array_equal(rg.cat([p.grad.reshape(-1) for p in ours]).numpy(),
                                  np.arange(vec.numel()))  # fmt: skip
    new = rg.arange(vec.numel(), dtype=rg.float64)
    nn.utils.vector_to_parameters(new, ours)
    torch.nn.utils.vector_to_parameters(torch.arange(tvec.numel(), dtype=torch.float64), theirs)
    for p, tp in zip(ours, theirs, strict=True):
        assert isinstance(p, nn.Parameter)
        np.testing.assert_array_equal(p.detach().numpy(), tp.detach().numpy())
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        nn.utils.vector_to_parameters([1.0], ours)
