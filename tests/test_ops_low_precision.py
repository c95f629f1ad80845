"""Every op in the database (tests/opinfo.py) in float16 and bfloat16 against PyTorch:
forward values, dtypes and shapes, and first-order gradients for a random upstream gradient.

Samples are drawn in float32 and their floating tensors rounded to the low-precision dtype
in both libraries, so both get identical inputs. PyTorch on CPU computes most of these ops
in float32 and rounds the result once, so values agree to a few units in the last place
(scaled by the result's magnitude: sums and products of rounded inputs cancel). An op
PyTorch itself rejects in a dtype on CPU must be rejected by retrograd too; where retrograd
computes it anyway, the sample is skipped and the reason recorded."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
from _torch_compare import to_numpy
from opinfo import F32, OpInfo, Sample, op_db
from test_ops import build, flat, random_like, resolved

LOW = ("float16", "bfloat16")
# about 5 ulps of bfloat16 (8 significant bits) and 20 of float16 (11 bits)
TOL = {"float16": 1e-2, "bfloat16": 3e-2}

# PyTorch's errors for a dtype it does not implement on CPU
UNSUPPORTED = (RuntimeError, NotImplementedError, TypeError)

# (op, dtype) -> why retrograd knowingly cannot follow PyTorch (a strict expected failure)
NOT_SUPPORTED = {
    ("complex", "float16"): "NumPy has no complex32, so PyTorch's ComplexHalf results are "
    "rejected with a RuntimeError",
    ("view_as_complex", "float16"): "NumPy has no complex32, so PyTorch's ComplexHalf views "
    "are rejected with a RuntimeError",
}
# (op, sample description, dtype) -> why that sample's result knowingly differs: the
# comparison must fail there, so the note goes once the results agree
DIFFERS = {
    ("logcumsumexp", "large magnitudes", dt): "PyTorch's own half-precision "
    "LogcumsumexpBackward0 loses the result at |x| ~ 1000 (1.648 in float16, 1.0 in "
    "bfloat16 where its float32 gradient is 1.498); ours matches the float32 gradient"
    for dt in LOW
}

# (op, sample description) -> why retrograd rejects an empty float16/bfloat16 input that
# PyTorch lets through: the test requires retrograd's error there
_EMPTY = ("PyTorch's float16/bfloat16 rejection is in its kernel, which an empty input "
          "never reaches; retrograd checks the dtype first, whatever the size")  # fmt: skip
EMPTY_REJECTED = {
    (op, desc): _EMPTY
    for op, descs in {
        "linalg_det": ("empty batch", "0 x 0"), "det": ("empty batch",),
        "linalg_solve": ("empty batch",), "linalg_eigh": ("empty batch",),
        "linalg_eigvalsh": ("empty batch",), "linalg_svd": ("empty batch",),
        "linalg_svd_full": ("empty batch",), "linalg_svdvals": ("empty batch", "no columns"),
        "svd": ("empty batch",), "linalg_cholesky": ("empty batch",),
        "cholesky": ("empty batch",), "cdist": ("empty", "no features"),
    }.items()
    for desc in descs
}  # fmt: skip


def low_leaf(dtype: str) -> Any:
    def leaf(lib: Any, arr: np.ndarray, requires_grad: bool) -> Any:
        t = lib.from_numpy(np.array(arr, copy=True))
        if arr.dtype.kind == "f":
            t = t.to(getattr(lib, dtype))
        return t.requires_grad_(requires_grad)

    return leaf


def run(lib: Any, op: OpInfo, s: Sample, dtype: str, seed: int) -> tuple[list[Any], Any]:
    """Outputs (flattened) and the leaves' gradients for a random upstream gradient."""
    args, kwargs, leaves = build(lib, s, low_leaf(dtype))
    outs = [resolved(o) for o in flat(op.op(lib, *args, **kwargs))]
    diff = [o for o in outs if isinstance(o, (rg.Tensor, torch.Tensor)) and o.requires_grad]
    if not op.grad or not leaves or not diff:
        return outs, None
    rng = np.random.default_rng(seed)
    vs = [lib.from_numpy(random_like(rng, o)).to(o.dtype) for o in diff]
    return outs, lib.autograd.grad(diff, leaves, vs, allow_unused=True)


def check_close(ours: Any, theirs: Any, dtype: str, what: str) -> None:
    """Same dtype and shape; values within a few ulps of the result's magnitude."""
    if not isinstance(theirs, torch.Tensor):
        assert ours == theirs, what
        return
    assert isinstance(ours, rg.Tensor), what
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1], (
        f"{what}: dtype {ours.dtype} != torch's {theirs.dtype}"
    )
    a, b = to_numpy(ours.detach()), to_numpy(resolved(theirs.detach()))
    assert a.shape == b.shape, f"{what}: shape {a.shape} != torch's {b.shape}"
    if a.dtype.kind not in "fc":
        np.testing.assert_array_equal(a, b, err_msg=what)
        return
    wide = np.complex128 if a.dtype.kind == "c" else np.float64
    a, b = a.astype(wide), b.astype(wide)
    finite = np.isfinite(b)
    scale = float(np.max(np.abs(b[finite]), initial=1.0))
    tol = TOL[dtype]
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol * scale, equal_nan=True, err_msg=what)


def check_grads(ours: Any, theirs: Any, dtype: str) -> None:
    assert (ours is None) == (theirs is None), "which samples have gradients"
    for k, (a, b) in enumerate(zip(ours or (), theirs or ())):
        if a is None or b is None:
            other = a if b is None else b
            assert other is None or not np.any(to_numpy(other.detach()) != 0), f"grad {k}"
            continue
        check_close(a, b, dtype, f"grad of leaf {k}")


def cases() -> list[Any]:
    out = []
    for op in op_db:
        for dt in LOW if F32 in op.dtypes else ():
            reason = NOT_SUPPORTED.get((op.name, dt))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(op, dt, id=f"{op.name}-{dt}", marks=marks))
    return out


@pytest.mark.filterwarnings("ignore:ComplexHalf support is experimental:UserWarning")
@pytest.mark.parametrize("op, dtype", cases())
def test_low_precision_matches_pytorch(op: OpInfo, dtype: str) -> None:
    skipped: list[str] = []
    for s in op.make_samples(F32):
        name = s.desc or "first"
        try:
            theirs = run(torch, op, s, dtype, 1)
        except UNSUPPORTED as e:
            try:
                run(rg, op, s, dtype, 1)
            except UNSUPPORTED:
                continue
            skipped.append(f"{name}: PyTorch raises {type(e).__name__}: {e}")
            continue
        if (op.name, s.desc) in EMPTY_REJECTED:
            with pytest.raises(UNSUPPORTED):
                run(rg, op, s, dtype, 1)
            continue
        reason = DIFFERS.get((op.name, s.desc, dtype))
        try:
            check_close_all(run(rg, op, s, dtype, 1), theirs, dtype)
        except AssertionError as e:
            if reason is not None:
                continue
            e.add_note(f"op {op.name}, {dtype}, sample {name}")
            raise
        if reason is not None:
            pytest.fail(f"op {op.name}, {dtype}, sample {name!r} now agrees with PyTorch; "
                        f"remove its note: {reason}")  # fmt: skip
    if skipped:
        pytest.skip("; ".join(skipped))


def check_close_all(ours: tuple[list[Any], Any], theirs: tuple[list[Any], Any],
                    dtype: str) -> None:  # fmt: skip
    assert len(ours[0]) == len(theirs[0]), "number of outputs"
    for k, (o, t) in enumerate(zip(ours[0], theirs[0])):
        check_close(o, t, dtype, f"output {k}")
    check_grads(ours[1], theirs[1], dtype)
