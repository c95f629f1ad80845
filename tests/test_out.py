"""``out=`` writes the result into the given tensor, as in PyTorch, instead of being ignored."""

import numpy as np
import pytest
import torch

import retrograd as rg

CALLS = {
    "exp": lambda lib, x, out: lib.exp(x, out=out),
    "add": lambda lib, x, out: lib.add(x, x, alpha=2, out=out),
    "mul": lambda lib, x, out: lib.mul(x, 3.0, out=out),
    "div_floor": lambda lib, x, out: lib.div(x, 0.7, rounding_mode="floor", out=out),
    "atan2": lambda lib, x, out: lib.atan2(x, x + 1, out=out),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_result_lands_in_out_and_out_is_returned(name):
    values = np.array([0.5, -1.5, 2.0], np.float32)
    results = []
    for lib in (rg, torch):
        out = lib.zeros(3)
        version = out._version
        ret = CALLS[name](lib, lib.tensor(values), out)
        assert ret is out and out._version > version
        results.append(out.numpy().copy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)


def test_out_of_another_shape_is_resized_with_pytorchs_warning():
    for lib in (rg, torch):
        out = lib.zeros(2)
        with pytest.warns(UserWarning, match="An output with one or more elements was resized"):
            lib.exp(lib.ones(3), out=out)
        assert tuple(out.shape) == (3,)
        empty = lib.zeros(0)
        lib.exp(lib.ones(2, 2), out=empty)  # no warning for an empty out
        assert tuple(empty.shape) == (2, 2)


def test_out_errors_match_pytorch():
    for lib in (rg, torch):
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
            lib.exp(lib.ones(2), out=lib.zeros(2, dtype=lib.long))
        with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
            lib.exp(lib.ones(2, requires_grad=True), out=lib.zeros(2))
