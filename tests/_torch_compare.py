"""Helpers to run the same computation in retrograd and PyTorch and compare the numbers."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

import retrograd as rg

TOL = {
    np.dtype(np.float16): dict(rtol=1e-2, atol=1e-2),
    np.dtype(np.float32): dict(rtol=1e-5, atol=1e-5),
    np.dtype(np.float64): dict(rtol=1e-10, atol=1e-10),
    np.dtype(np.complex64): dict(rtol=1e-5, atol=1e-5),
    np.dtype(np.complex128): dict(rtol=1e-10, atol=1e-10),
}


def to_torch(x: Any, requires_grad: bool | None = None) -> torch.Tensor:
    """A PyTorch leaf with the same values (and requires_grad) as a retrograd tensor."""
    arr = np.array(x.detach().numpy()) if isinstance(x, rg.Tensor) else np.asarray(x)
    if arr.dtype.kind == "V":  # bfloat16
        t = torch.from_numpy(arr.astype(np.float32)).to(torch.bfloat16)
    else:
        t = torch.from_numpy(arr.copy())
    rq = x.requires_grad if requires_grad is None and isinstance(x, rg.Tensor) else requires_grad
    return t.requires_grad_(bool(rq))


def to_numpy(t: Any) -> np.ndarray:
    if isinstance(t, rg.Tensor):
        a = t.detach().numpy()
        return a.astype(np.float32) if a.dtype.kind == "V" else a
    if t.dtype == torch.bfloat16:
        t = t.float()
    return t.detach().numpy()


def assert_close(ours: Any, theirs: Any, rtol: float | None = None, atol: float | None = None,
                 check_dtype: bool = True) -> None:  # fmt: skip
    """Values (and dtypes) of a retrograd tensor equal PyTorch's within tolerance."""
    a, b = to_numpy(ours), to_numpy(theirs)
    assert a.shape == b.shape, f"shape {a.shape} != torch's {b.shape}"
    if check_dtype and isinstance(ours, rg.Tensor):
        assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1], (
            f"dtype {ours.dtype} != torch's {theirs.dtype}"
        )
    tol = TOL.get(a.dtype, dict(rtol=1e-5, atol=1e-5))
    np.testing.assert_allclose(
        a, b, rtol=rtol if rtol is not None else tol["rtol"],
        atol=atol if atol is not None else tol["atol"], equal_nan=True,
    )  # fmt: skip
