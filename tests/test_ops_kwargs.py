"""PyTorch's keyword arguments on the catalogue's ops (dtype=, keepdim, correction and
unbiased, stable=, return_inverse/return_counts, weights/minlength, interpolation=,
indexing=, p/compute_mode, decimals, output_size, include_self, accumulate, reduce, alpha,
value, rounding_mode...) and ``out=`` on every function whose PyTorch form takes it: each
call is made in both libraries on the same inputs and the results compared."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
from _torch_compare import assert_close

X = np.random.default_rng(0).standard_normal((3, 4))
IDX = np.array([[0, 1, 2, 0], [2, 0, 1, 1]])


def _sq(lib: Any, x: Any) -> Any:
    """A well-conditioned square matrix."""
    return x[:, :3] + 3 * lib.eye(3, dtype=x.dtype)


def _spd(lib: Any, x: Any) -> Any:
    """A symmetric positive-definite matrix."""
    a = x[:, :3]
    return a @ a.mT + 3 * lib.eye(3, dtype=x.dtype)


def _i(lib: Any, v: Any) -> Any:
    return lib.tensor(v)


# name -> fn(lib, x): one call with the keyword arguments under test
KWARG_CASES: dict[str, Any] = {
    "sum dtype": lambda lib, x: lib.sum(x, dtype=lib.float64),
    "sum dim dtype": lambda lib, x: x.sum(1, dtype=lib.float64),
    "sum int dtype": lambda lib, x: lib.sum(x, 0, True, dtype=lib.float32),
    "nansum dtype": lambda lib, x: lib.nansum(x, dtype=lib.float64),
    "mean dtype": lambda lib, x: lib.mean(x, dtype=lib.float64),
    "mean dim dtype": lambda lib, x: x.mean(dim=0, keepdim=True, dtype=lib.float64),
    "nanmean dtype": lambda lib, x: lib.nanmean(x, dim=1, dtype=lib.float64),
    "prod dtype": lambda lib, x: lib.prod(x, dtype=lib.float64),
    "prod dim dtype": lambda lib, x: lib.prod(x, 1, keepdim=True, dtype=lib.float64),
    "cumsum dtype": lambda lib, x: lib.cumsum(x, 1, dtype=lib.float64),
    "cumsum method dtype": lambda lib, x: x.cumsum(dim=0, dtype=lib.float64),
    "cumprod dtype": lambda lib, x: lib.cumprod(x, 1, dtype=lib.float64),
    "softmax dtype": lambda lib, x: lib.softmax(x, 1, dtype=lib.float64),
    "softmax method dtype": lambda lib, x: x.softmax(1, dtype=lib.float64),
    "log_softmax dtype": lambda lib, x: lib.log_softmax(x, 1, dtype=lib.float64),
    "log_softmax method dtype": lambda lib, x: x.log_softmax(dim=1, dtype=lib.float64),
    "nn.functional.softmax dtype": lambda lib, x: lib.nn.functional.softmax(
        x, 1, dtype=lib.float64
    ),
    "norm dtype": lambda lib, x: lib.norm(x, dtype=lib.float64),
    "norm p dim keepdim dtype": lambda lib, x: lib.norm(
        x, 1, dim=1, keepdim=True, dtype=lib.float64
    ),
    "vector_norm dtype": lambda lib, x: lib.linalg.vector_norm(
        x, 3, dim=(0, 1), keepdim=True, dtype=lib.float64
    ),
    "matrix_norm dtype": lambda lib, x: lib.linalg.matrix_norm(x, "fro", dtype=lib.float64),
    "logsumexp keepdim": lambda lib, x: lib.logsumexp(x, dim=1, keepdim=True),
    "amax keepdim": lambda lib, x: lib.amax(x, dim=(0, 1), keepdim=True),
    "var correction": lambda lib, x: lib.var(x, 1, correction=0),
    "var unbiased": lambda lib, x: lib.var(x, 1, unbiased=False),
    "var unbiased pos": lambda lib, x: lib.var(x, False),
    "var dim unbiased keepdim pos": lambda lib, x: lib.var(x, 1, False, True),
    "var correction 2": lambda lib, x: x.var(dim=0, correction=2, keepdim=True),
    "std correction": lambda lib, x: lib.std(x, dim=None, correction=0),
    "std unbiased": lambda lib, x: x.std(unbiased=False),
    "var_mean correction": lambda lib, x: lib.var_mean(x, 1, correction=0, keepdim=True),
    "std_mean unbiased": lambda lib, x: lib.std_mean(x, 1, unbiased=False),
    "std_mean pos": lambda lib, x: lib.std_mean(x, False),
    "sort stable": lambda lib, x: lib.sort(x, stable=True, dim=1, descending=True),
    "sort method stable": lambda lib, x: x.sort(dim=0, stable=True),
    "argsort stable": lambda lib, x: lib.argsort(x, dim=1, descending=True, stable=True),
    "argsort method stable": lambda lib, x: x.argsort(stable=True),
    "topk sorted": lambda lib, x: lib.topk(x, 2, dim=0, largest=False, sorted=True),
    "kthvalue keepdim": lambda lib, x: lib.kthvalue(x, 2, 1, True),
    "median dim keepdim": lambda lib, x: lib.median(x, 1, keepdim=True),
    "mode keepdim": lambda lib, x: lib.mode(x, 0, keepdim=True),
    "quantile interpolation": lambda lib, x: lib.quantile(
        x, 0.3, dim=1, keepdim=True, interpolation="lower"
    ),
    "quantile higher": lambda lib, x: lib.quantile(
        x, lib.tensor([0.2, 0.7], dtype=lib.float64), interpolation="higher"
    ),
    "quantile midpoint": lambda lib, x: x.quantile(0.5, 0, interpolation="midpoint"),
    "quantile nearest": lambda lib, x: lib.quantile(x, 0.4, interpolation="nearest"),
    "cummax": lambda lib, x: lib.cummax(x, dim=1),
    "logcumsumexp": lambda lib, x: lib.logcumsumexp(x, dim=0),
    "aminmax": lambda lib, x: lib.aminmax(x, dim=0, keepdim=True),
    "max dim keepdim": lambda lib, x: lib.max(x, 1, keepdim=True),
    "all dim keepdim": lambda lib, x: lib.all(x > 0, dim=1, keepdim=True),
    "any dims": lambda lib, x: lib.any(x > 0, dim=(0, 1)),
    "count_nonzero dims": lambda lib, x: lib.count_nonzero(x > 0, dim=(0, 1)),
    "unique all": lambda lib, x: lib.unique(
        lib.round(x), sorted=True, return_inverse=True, return_counts=True
    ),
    "unique dim": lambda lib, x: lib.unique(
        lib.round(x) > 0, dim=1, return_inverse=True, return_counts=True
    ),
    "unique method": lambda lib, x: lib.round(x).unique(return_counts=True),
    "bincount weights": lambda lib, x: lib.bincount(
        lib.tensor([0, 1, 1, 3]), weights=x[0], minlength=6
    ),
    "bincount minlength": lambda lib, x: lib.tensor([0, 1, 1, 3]).bincount(minlength=2),
    "histc": lambda lib, x: lib.histc(x, bins=5, min=-1, max=1),
    "meshgrid indexing": lambda lib, x: lib.meshgrid(x[0], x[1, :2], indexing="xy"),
    "meshgrid ij": lambda lib, x: lib.meshgrid(x[0], x[1, :2], indexing="ij"),
    "round decimals": lambda lib, x: lib.round(x * 100, decimals=1),
    "round method decimals": lambda lib, x: (x * 100).round(decimals=-1),
    "repeat_interleave output_size": lambda lib, x: lib.repeat_interleave(
        x, lib.tensor([1, 2, 0]), dim=0, output_size=3
    ),
    "repeat_interleave int": lambda lib, x: x.repeat_interleave(2, dim=1, output_size=8),
    "repeat_interleave tensor only": lambda lib, x: lib.repeat_interleave(lib.tensor([1, 2, 0])),
    "scatter_reduce include_self": lambda lib, x: lib.scatter_reduce(
        x, 0, lib.tensor(IDX), x[:2], "amax", include_self=False
    ),
    "scatter_reduce mean": lambda lib, x: x.scatter_reduce(
        0, lib.tensor(IDX), x[:2], reduce="mean", include_self=False
    ),
    "index_put accumulate": lambda lib, x: lib.index_put(
        x, (lib.tensor([0, 0]),), x[:2], accumulate=True
    ),
    "index_put method": lambda lib, x: x.index_put(
        (lib.tensor([0, 2]), lib.tensor([1, 1])),
        lib.tensor(5.0, dtype=lib.float64),
        accumulate=True,
    ),
    # (a tensor src with reduce= warns once per process in PyTorch: test_shape_extra.py)
    "scatter reduce add": lambda lib, x: lib.scatter(x, 0, lib.tensor(IDX), 1.5, reduce="add"),
    "scatter reduce multiply": lambda lib, x: x.scatter(
        0, lib.tensor(IDX), value=-2.0, reduce="multiply"
    ),
    "scatter value reduce": lambda lib, x: x.scatter(0, lib.tensor(IDX), 2.0, reduce="add"),
    "add alpha": lambda lib, x: lib.add(x, x, alpha=2),
    "add scalar alpha": lambda lib, x: lib.add(x, 3, alpha=2),
    "sub alpha": lambda lib, x: lib.sub(x, x[0], alpha=0.5),
    "rsub alpha": lambda lib, x: lib.rsub(x, x[0], alpha=0.5),
    "method add alpha": lambda lib, x: x.add(x, alpha=-1.5),
    "index_add alpha": lambda lib, x: lib.index_add(x, 0, lib.tensor([0, 2]), x[:2], alpha=3),
    "index_add method alpha": lambda lib, x: x.index_add(1, lib.tensor([0, 2]), x[:, :2], alpha=3),
    "addcmul value": lambda lib, x: lib.addcmul(x, x, x, value=0.5),
    "addcdiv value": lambda lib, x: lib.addcdiv(x, x, x + 5, value=-2),
    "div rounding floor": lambda lib, x: lib.div(x, 0.3, rounding_mode="floor"),
    "div rounding trunc": lambda lib, x: x.div(x[0] + 0.1, rounding_mode="trunc"),
    "div rounding None": lambda lib, x: lib.divide(x, 2, rounding_mode=None),
    "true_divide": lambda lib, x: lib.true_divide(x, 2),
    "floor_divide": lambda lib, x: lib.floor_divide(x, 0.3),
    "clamp tensors": lambda lib, x: lib.clamp(x, min=x[0], max=x[1] + 1),
    "clip": lambda lib, x: lib.clip(x, max=0.5),
    "lerp weight tensor": lambda lib, x: lib.lerp(x, x * 2, x.abs() / 5),
    "nan_to_num": lambda lib, x: lib.nan_to_num(x / 0, nan=1.0, posinf=2.0, neginf=-2.0),
    "pow scalar base": lambda lib, x: lib.pow(2, x),
    "logit eps": lambda lib, x: lib.logit(x.sigmoid(), eps=1e-3),
    "isclose": lambda lib, x: lib.isclose(x, x + 1e-9, rtol=0, atol=1e-8, equal_nan=True),
    "allclose": lambda lib, x: lib.allclose(x, x + 1e-9, rtol=0, atol=1e-8, equal_nan=True),
    "polygamma": lambda lib, x: lib.polygamma(1, x.abs() + 1),
    "gather sparse_grad": lambda lib, x: lib.gather(x, 0, lib.tensor(IDX), sparse_grad=False),
    "take_along_dim none": lambda lib, x: lib.take_along_dim(x, lib.tensor([0, 5])),
    "diff prepend": lambda lib, x: lib.diff(x, n=2, dim=0, prepend=x[:1], append=x[:1]),
    "tensor_split indices": lambda lib, x: lib.tensor_split(x, lib.tensor([1, 3]), dim=1),
    "split sizes": lambda lib, x: lib.split(x, [1, 3], dim=1),
    "chunk": lambda lib, x: x.chunk(3, dim=1),
    "flatten": lambda lib, x: lib.flatten(x, start_dim=0, end_dim=-1),
    "unflatten": lambda lib, x: lib.unflatten(x, dim=1, sizes=(2, 2)),
    "squeeze dims": lambda lib, x: lib.squeeze(x[None, :, None], dim=(0, 2)),
    "roll dims": lambda lib, x: lib.roll(x, shifts=(1, -1), dims=(0, 1)),
    "rot90 dims": lambda lib, x: lib.rot90(x, k=3, dims=[1, 0]),
    "narrow tensor start": lambda lib, x: lib.narrow(x, 1, lib.tensor(1), 2),
    "movedim": lambda lib, x: lib.movedim(x, source=0, destination=1),
    "transpose kw": lambda lib, x: lib.transpose(x, dim0=0, dim1=1),
    "stack dim": lambda lib, x: lib.stack([x, x], dim=-1),
    "cat dim kw": lambda lib, x: lib.cat(tensors=[x, x], dim=1),
    "swapaxes": lambda lib, x: lib.swapaxes(x, axis0=0, axis1=1),
    "argmax keepdim": lambda lib, x: lib.argmax(x, dim=1, keepdim=True),
    "einsum list": lambda lib, x: lib.einsum("ij,kj->ik", [x, x]),
    "tensordot dims": lambda lib, x: lib.tensordot(x, x, dims=([1], [1])),
    "tensordot int": lambda lib, x: lib.tensordot(x, x.T, dims=1),
    "diagonal kw": lambda lib, x: lib.diagonal(x, offset=1, dim1=1, dim2=0),
    "diag_embed": lambda lib, x: lib.diag_embed(x, offset=-1, dim1=0, dim2=2),
    "tril diagonal": lambda lib, x: lib.tril(x, diagonal=-1),
    "triu diagonal": lambda lib, x: x.triu(diagonal=1),
    "cross dim": lambda lib, x: lib.cross(x[:, :3], x[:, 1:], dim=1),
    "linalg.cross": lambda lib, x: lib.linalg.cross(x[:, :3], x[:, 1:], dim=-1),
    "trace": lambda lib, x: lib.trace(x),
    "kron": lambda lib, x: lib.kron(x[:2, :2], x[:1]),
    "vdot": lambda lib, x: lib.vdot(x[0], x[1]),
    "baddbmm": lambda lib, x: lib.baddbmm(
        x[None], x[None], lib.eye(4, dtype=lib.float64)[None], beta=0.5, alpha=2
    ),
    "addmv": lambda lib, x: lib.addmv(x[:, 0], x, x[0], beta=2, alpha=0.5),
    "addr": lambda lib, x: lib.addr(x, x[:, 0], x[0], beta=2, alpha=0.5),
    "matrix_power": lambda lib, x: lib.linalg.matrix_power(x[:, :3], n=-2),
    "solve left": lambda lib, x: lib.linalg.solve(x[:, :3], x, left=True),
    "solve right": lambda lib, x: lib.linalg.solve(x[:, :3], x[:, :3], left=False),
    "solve_triangular left": lambda lib, x: lib.linalg.solve_triangular(
        x[:, :3] + 3 * lib.eye(3, dtype=lib.float64),
        x[:, :3],
        upper=False,
        left=False,
        unitriangular=True,
    ),
    "qr mode": lambda lib, x: lib.linalg.qr(x, mode="complete"),
    "qr some": lambda lib, x: lib.qr(x, some=False),
    "eigh UPLO": lambda lib, x: lib.linalg.eigvalsh(x[:, :3] + x[:, :3].T, UPLO="U"),
    "svd driver": lambda lib, x: lib.linalg.svdvals(x, driver=None),
    "svd some": lambda lib, x: lib.svd(x, some=True, compute_uv=True)[1],
    "svd compute_uv False": lambda lib, x: lib.svd(x, compute_uv=False)[1],
    "pinv hermitian": lambda lib, x: lib.linalg.pinv(x, rtol=1e-3, hermitian=False),
    "pinv atol": lambda lib, x: lib.linalg.pinv(x, atol=1e-3),
    "det": lambda lib, x: lib.linalg.det(x[:, :3]),
    "slogdet": lambda lib, x: lib.linalg.slogdet(x[:, :3]),
    "vecdot dim": lambda lib, x: lib.linalg.vecdot(x, x, dim=0),
    "multi_dot": lambda lib, x: lib.linalg.multi_dot([x, x.T, x]),
    "linalg.norm ord dim": lambda lib, x: lib.linalg.norm(x, ord=2, dim=1, keepdim=True),
    "linalg.norm matrix": lambda lib, x: lib.linalg.norm(x, ord="fro"),
    "linalg.norm dtype": lambda lib, x: lib.linalg.norm(x, dtype=lib.float64),
    "linalg.diagonal": lambda lib, x: lib.linalg.diagonal(x, offset=1),
    "logdet": lambda lib, x: lib.logdet(x[:, :3] @ x[:, :3].T),
    "std dims list": lambda lib, x: lib.std(x, [0, 1], correction=1, keepdim=True),
    "nansum dim": lambda lib, x: lib.nansum(x, dim=1, keepdim=True),
    "amin method": lambda lib, x: x.amin(dim=1, keepdim=True),
    "full_like dtype": lambda lib, x: lib.full_like(x, 3, dtype=lib.float32),
    "arange dtype": lambda lib, x: lib.arange(0, 5, 2, dtype=lib.float64),
    "linspace dtype": lambda lib, x: lib.linspace(0, 1, steps=5, dtype=lib.float64),
    "eye m": lambda lib, x: lib.eye(2, 3, dtype=lib.int64),
    "zeros size kw": lambda lib, x: lib.zeros(size=(2, 3)),
    "tensor requires_grad": lambda lib, x: lib.tensor(
        [1.0, 2.0], dtype=lib.float64, requires_grad=True
    ),
    "flip dims": lambda lib, x: lib.flip(x, dims=(0,)),
    "masked_fill value tensor": lambda lib, x: x.masked_fill(
        x > 0, lib.tensor(2.0, dtype=lib.float64)
    ),
    "where scalar": lambda lib, x: lib.where(x > 0, 1.0, x),
    "nonzero as_tuple": lambda lib, x: lib.nonzero(x > 0, as_tuple=True),
    "argwhere": lambda lib, x: lib.argwhere(x > 0),
    "expand -1": lambda lib, x: x[None].expand(2, -1, -1),
    "view dtype": lambda lib, x: x.view(lib.int64),
    "to kw": lambda lib, x: x.to(dtype=lib.float32, copy=True),
    "type": lambda lib, x: x.type(lib.float32),
    "new_full": lambda lib, x: x.new_full((2,), 3.0),
    "xlogy scalar": lambda lib, x: lib.xlogy(2.0, x.abs()),
    "float_power": lambda lib, x: lib.float_power(x, 2),
    "std_mean dims": lambda lib, x: lib.std_mean(x, dim=(0, 1), correction=0),
    "sgn": lambda lib, x: lib.sgn(x),
    "clamp_ min only": lambda lib, x: x.clone().clamp_(min=0),
    "addmm beta alpha": lambda lib, x: lib.addmm(
        x, x, lib.eye(4, dtype=lib.float64), beta=0.5, alpha=2
    ),
    "linalg.norm nuc": lambda lib, x: lib.linalg.norm(x, ord="nuc"),
    "linalg.norm 3-d": lambda lib, x: lib.linalg.norm(x[None].float(), dtype=lib.float64),
    "swapaxes axis": lambda lib, x: lib.swapaxes(x, axis0=0, axis1=1),
    "swapaxes method axis": lambda lib, x: x.swapaxes(axis0=1, axis1=0),
    "swapdims dim": lambda lib, x: lib.swapdims(x, dim0=0, dim1=1),
}


def _flat(out: Any) -> list[Any]:
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return [out]


def _same(ours: Any, theirs: Any) -> None:
    if isinstance(theirs, bool):
        assert ours is theirs
        return
    a, b = _flat(ours), _flat(theirs)
    assert len(a) == len(b)
    for o, t in zip(a, b):
        assert isinstance(o, rg.Tensor)
        assert_close(o, t.resolve_conj().resolve_neg(), rtol=1e-7, atol=1e-9)


def _call(fn: Any, lib: Any, *args: Any, **kw: Any) -> Any:
    with warnings.catch_warnings():  # deprecated spellings (qr, svd, ...) warn in PyTorch
        warnings.simplefilter("ignore", UserWarning)
        return fn(lib, *args, **kw)


@pytest.mark.parametrize("name", list(KWARG_CASES))
def test_keyword_arguments_match_pytorch(name: str) -> None:
    fn = KWARG_CASES[name]
    theirs = _call(fn, torch, torch.from_numpy(X.copy()))
    ours = _call(fn, rg, rg.from_numpy(X.copy()))
    _same(ours, theirs)


# name -> fn(lib, x, **kw) calling the op with ``kw`` (out=...) added
OUT_CASES: dict[str, Any] = {
    # elementwise
    "abs": lambda lib, x, **k: lib.abs(x, **k),
    "absolute": lambda lib, x, **k: lib.absolute(x, **k),
    "clamp": lambda lib, x, **k: lib.clamp(x, -0.5, 0.5, **k),
    "clamp_max": lambda lib, x, **k: lib.clamp_max(x, 0.5, **k),
    "clamp_min": lambda lib, x, **k: lib.clamp_min(x, 0.5, **k),
    "clip": lambda lib, x, **k: lib.clip(x, max=0.5, **k),
    "eq": lambda lib, x, **k: lib.eq(x, x[0], **k),
    "ne": lambda lib, x, **k: lib.ne(x, 0.5, **k),
    "not_equal": lambda lib, x, **k: lib.not_equal(x, x[0], **k),
    "lt": lambda lib, x, **k: lib.lt(x, 0.0, **k),
    "less": lambda lib, x, **k: lib.less(x, 0.0, **k),
    "le": lambda lib, x, **k: lib.le(x, 0.0, **k),
    "less_equal": lambda lib, x, **k: lib.less_equal(x, 0.0, **k),
    "gt": lambda lib, x, **k: lib.gt(x, 0.0, **k),
    "greater": lambda lib, x, **k: lib.greater(x, 0.0, **k),
    "ge": lambda lib, x, **k: lib.ge(x, 0.0, **k),
    "greater_equal": lambda lib, x, **k: lib.greater_equal(x, 0.0, **k),
    "isnan": lambda lib, x, **k: lib.isnan(x, **k),
    "isinf": lambda lib, x, **k: lib.isinf(x, **k),
    "isposinf": lambda lib, x, **k: lib.isposinf(x / 0, **k),
    "isneginf": lambda lib, x, **k: lib.isneginf(x / 0, **k),
    "logical_and": lambda lib, x, **k: lib.logical_and(x > 0, x < 1, **k),
    "logical_or": lambda lib, x, **k: lib.logical_or(x > 0, x < -1, **k),
    "logical_xor": lambda lib, x, **k: lib.logical_xor(x > 0, x < 1, **k),
    "logical_not": lambda lib, x, **k: lib.logical_not(x > 0, **k),
    "bitwise_and": lambda lib, x, **k: lib.bitwise_and(_i(lib, [5, 6]), 3, **k),
    "bitwise_or": lambda lib, x, **k: lib.bitwise_or(_i(lib, [5, 6]), 3, **k),
    "bitwise_xor": lambda lib, x, **k: lib.bitwise_xor(_i(lib, [5, 6]), 3, **k),
    "bitwise_not": lambda lib, x, **k: lib.bitwise_not(_i(lib, [5, 6]), **k),
    "logit": lambda lib, x, **k: lib.logit(x.sigmoid(), 1e-3, **k),
    "polygamma": lambda lib, x, **k: lib.polygamma(1, x.abs() + 1, **k),
    "pow": lambda lib, x, **k: lib.pow(x, 2, **k),
    "pow scalar base": lambda lib, x, **k: lib.pow(2, x, **k),
    "neg": lambda lib, x, **k: lib.neg(x, **k),
    "negative": lambda lib, x, **k: lib.negative(x, **k),
    "sgn": lambda lib, x, **k: lib.sgn(x, **k),
    "sign": lambda lib, x, **k: lib.sign(x, **k),
    "signbit": lambda lib, x, **k: lib.signbit(x, **k),
    "square": lambda lib, x, **k: lib.square(x, **k),
    "rsub": lambda lib, x, **k: lib.rsub(x, 2.0, **k),
    "where": lambda lib, x, **k: lib.where(x > 0, x, 0.0, **k),
    "masked_fill": lambda lib, x, **k: lib.masked_fill(x, x > 0, 1.0, **k),
    "clone": lambda lib, x, **k: lib.clone(x, **k),
    "relu": lambda lib, x, **k: lib.relu(x, **k),
    # reductions and scans
    "sum": lambda lib, x, **k: lib.sum(x, 1, **k),
    "nansum": lambda lib, x, **k: lib.nansum(x, 1, **k),
    "mean": lambda lib, x, **k: lib.mean(x, 1, True, **k),
    "nanmean": lambda lib, x, **k: lib.nanmean(x, 0, **k),
    "prod": lambda lib, x, **k: lib.prod(x, 1, **k),
    "amax": lambda lib, x, **k: lib.amax(x, 1, **k),
    "amin": lambda lib, x, **k: lib.amin(x, (0, 1), **k),
    "aminmax": lambda lib, x, **k: lib.aminmax(x, dim=1, **k),
    "max dim": lambda lib, x, **k: lib.max(x, 1, **k),
    "min dim": lambda lib, x, **k: lib.min(x, 0, keepdim=True, **k),
    "max other": lambda lib, x, **k: lib.max(x, x.flip(0), **k),
    "argmax": lambda lib, x, **k: lib.argmax(x, 1, **k),
    "argmin": lambda lib, x, **k: lib.argmin(x, 0, **k),
    "all": lambda lib, x, **k: lib.all(x > 0, 1, **k),
    "any": lambda lib, x, **k: lib.any(x > 0, **k),
    "count_nonzero": lambda lib, x, **k: lib.count_nonzero(x > 0, 1, **k),
    "var": lambda lib, x, **k: lib.var(x, 1, correction=0, **k),
    "std": lambda lib, x, **k: lib.std(x, 1, **k),
    "var_mean": lambda lib, x, **k: lib.var_mean(x, 1, **k),
    "std_mean": lambda lib, x, **k: lib.std_mean(x, 1, **k),
    "norm": lambda lib, x, **k: lib.norm(x, 2, 1, **k),
    "linalg.vector_norm": lambda lib, x, **k: lib.linalg.vector_norm(x, 3, 1, **k),
    "linalg.matrix_norm": lambda lib, x, **k: lib.linalg.matrix_norm(x, **k),
    "logsumexp": lambda lib, x, **k: lib.logsumexp(x, 1, **k),
    "softmax": lambda lib, x, **k: lib.softmax(x, 1, **k),
    "log_softmax": lambda lib, x, **k: lib.log_softmax(x, 1, **k),
    "cumsum": lambda lib, x, **k: lib.cumsum(x, 1, **k),
    "cumprod": lambda lib, x, **k: lib.cumprod(x, 0, **k),
    "cummax": lambda lib, x, **k: lib.cummax(x, 1, **k),
    "cummin": lambda lib, x, **k: lib.cummin(x, 1, **k),
    "logcumsumexp": lambda lib, x, **k: lib.logcumsumexp(x, 1, **k),
    "median": lambda lib, x, **k: lib.median(x, 1, **k),
    "mode": lambda lib, x, **k: lib.mode(x.round(), 1, **k),
    "kthvalue": lambda lib, x, **k: lib.kthvalue(x, 2, 1, **k),
    "quantile": lambda lib, x, **k: lib.quantile(x, 0.3, 1, **k),
    "sort": lambda lib, x, **k: lib.sort(x, 1, **k),
    "argsort": lambda lib, x, **k: lib.argsort(x, 1, **k),
    "topk": lambda lib, x, **k: lib.topk(x, 2, **k),
    "unique": lambda lib, x, **k: lib.unique(x.round(), **k),
    "bincount": lambda lib, x, **k: lib.bincount(_i(lib, [0, 2, 2]), **k),
    "histc": lambda lib, x, **k: lib.histc(x, 4, -1, 1, **k),
    # linear algebra
    "matmul": lambda lib, x, **k: lib.matmul(x, x.mT, **k),
    "mm": lambda lib, x, **k: lib.mm(x, x.mT, **k),
    "bmm": lambda lib, x, **k: lib.bmm(x[None], x.mT[None], **k),
    "mv": lambda lib, x, **k: lib.mv(x, x[0], **k),
    "dot": lambda lib, x, **k: lib.dot(x[0], x[1], **k),
    "vdot": lambda lib, x, **k: lib.vdot(x[0], x[1], **k),
    "inner": lambda lib, x, **k: lib.inner(x, x, **k),
    "outer": lambda lib, x, **k: lib.outer(x[0], x[1], **k),
    "ger": lambda lib, x, **k: lib.ger(x[0], x[1], **k),
    "addmm": lambda lib, x, **k: lib.addmm(x, x, lib.eye(4, dtype=x.dtype), beta=0.5, **k),
    "addmv": lambda lib, x, **k: lib.addmv(x[:, 0], x, x[0], **k),
    "addr": lambda lib, x, **k: lib.addr(x, x[:, 0], x[0], **k),
    "baddbmm": lambda lib, x, **k: lib.baddbmm(
        x[None], x[None], lib.eye(4, dtype=x.dtype)[None], **k
    ),
    "addbmm": lambda lib, x, **k: lib.addbmm(x, x[None], lib.eye(4, dtype=x.dtype)[None], **k),
    "chain_matmul": lambda lib, x, **k: lib.chain_matmul(x, x.mT, x, **k),
    "einsum": lambda lib, x, **k: lib.einsum("ij,kj->ik", x, x, **k),
    "tensordot": lambda lib, x, **k: lib.tensordot(x, x, ([1], [1]), **k),
    "kron": lambda lib, x, **k: lib.kron(x[:2], x[:1], **k),
    "trace": lambda lib, x, **k: lib.trace(x, **k),
    "diag": lambda lib, x, **k: lib.diag(x, 1, **k),
    "diagonal": lambda lib, x, **k: lib.diagonal(x, **k),
    "diag_embed": lambda lib, x, **k: lib.diag_embed(x, **k),
    "tril": lambda lib, x, **k: lib.tril(x, **k),
    "triu": lambda lib, x, **k: lib.triu(x, 1, **k),
    "cross": lambda lib, x, **k: lib.cross(x[:, :3], x[:, 1:], dim=1, **k),
    "linalg.cross": lambda lib, x, **k: lib.linalg.cross(x[:, :3], x[:, 1:], **k),
    "inverse": lambda lib, x, **k: lib.inverse(_sq(lib, x), **k),
    "linalg.inv": lambda lib, x, **k: lib.linalg.inv(_sq(lib, x), **k),
    "linalg.det": lambda lib, x, **k: lib.linalg.det(_sq(lib, x), **k),
    "det": lambda lib, x, **k: lib.det(_sq(lib, x), **k),
    "slogdet": lambda lib, x, **k: lib.slogdet(_sq(lib, x), **k),
    "linalg.slogdet": lambda lib, x, **k: lib.linalg.slogdet(_sq(lib, x), **k),
    "logdet": lambda lib, x, **k: lib.logdet(_spd(lib, x), **k),
    "linalg.solve": lambda lib, x, **k: lib.linalg.solve(_sq(lib, x), x, **k),
    "linalg.solve_triangular": lambda lib, x, **k: lib.linalg.solve_triangular(
        _sq(lib, x), x, upper=True, **k
    ),
    "triangular_solve": lambda lib, x, **k: lib.triangular_solve(x, _sq(lib, x), **k),
    "linalg.cholesky": lambda lib, x, **k: lib.linalg.cholesky(_spd(lib, x), **k),
    "cholesky": lambda lib, x, **k: lib.cholesky(_spd(lib, x), **k),
    "cholesky_solve": lambda lib, x, **k: lib.cholesky_solve(
        x, lib.linalg.cholesky(_spd(lib, x)), **k
    ),
    "linalg.qr": lambda lib, x, **k: lib.linalg.qr(x, **k),
    "qr": lambda lib, x, **k: lib.qr(x, **k),
    "linalg.eigh": lambda lib, x, **k: lib.linalg.eigh(_spd(lib, x), **k),
    "linalg.eigvalsh": lambda lib, x, **k: lib.linalg.eigvalsh(_spd(lib, x), **k),
    "linalg.svd": lambda lib, x, **k: lib.linalg.svd(x, full_matrices=False, **k),
    "svd": lambda lib, x, **k: lib.svd(x, **k),
    "linalg.svdvals": lambda lib, x, **k: lib.linalg.svdvals(x, **k),
    "linalg.pinv": lambda lib, x, **k: lib.linalg.pinv(x, **k),
    "pinverse": lambda lib, x, **k: lib.pinverse(x, **k),
    "linalg.matrix_power": lambda lib, x, **k: lib.linalg.matrix_power(_sq(lib, x), 3, **k),
    "matrix_power": lambda lib, x, **k: lib.matrix_power(_sq(lib, x), 2, **k),
    "linalg.lstsq": lambda lib, x, **k: lib.linalg.lstsq(x, x, **k),
    "linalg.multi_dot": lambda lib, x, **k: lib.linalg.multi_dot([x, x.mT, x], **k),
    "linalg.matmul": lambda lib, x, **k: lib.linalg.matmul(x, x.mT, **k),
    "linalg.vecdot": lambda lib, x, **k: lib.linalg.vecdot(x, x, **k),
    "linalg.diagonal": lambda lib, x, **k: lib.linalg.diagonal(x, **k),
    # shape, indexing and construction
    "cat": lambda lib, x, **k: lib.cat([x, x], 1, **k),
    "concat": lambda lib, x, **k: lib.concat([x, x], **k),
    "concatenate": lambda lib, x, **k: lib.concatenate([x, x], **k),
    "stack": lambda lib, x, **k: lib.stack([x, x], **k),
    "hstack": lambda lib, x, **k: lib.hstack([x, x], **k),
    "vstack": lambda lib, x, **k: lib.vstack([x, x], **k),
    "row_stack": lambda lib, x, **k: lib.row_stack([x, x], **k),
    "dstack": lambda lib, x, **k: lib.dstack([x, x], **k),
    "column_stack": lambda lib, x, **k: lib.column_stack([x, x], **k),
    "gather": lambda lib, x, **k: lib.gather(x, 1, _i(lib, [[0], [3], [1]]), **k),
    "index_select": lambda lib, x, **k: lib.index_select(x, 0, _i(lib, [2, 0]), **k),
    "index_add": lambda lib, x, **k: lib.index_add(x, 0, _i(lib, [2, 0]), x[:2], alpha=2, **k),
    "index_copy": lambda lib, x, **k: lib.index_copy(x, 0, _i(lib, [2, 0]), x[:2], **k),
    "index_fill": lambda lib, x, **k: lib.index_fill(x, 0, _i(lib, [2, 0]), 1.5, **k),
    "index_put": lambda lib, x, **k: lib.index_put(x, (_i(lib, [2, 0]),), x[0], **k),
    "masked_scatter": lambda lib, x, **k: lib.masked_scatter(x, x > 0, x * 2, **k),
    "masked_select": lambda lib, x, **k: lib.masked_select(x, x > 0, **k),
    "nonzero": lambda lib, x, **k: lib.nonzero(x > 0, **k),
    "scatter": lambda lib, x, **k: lib.scatter(x, 0, _i(lib, [[1, 2]]), x, **k),
    "scatter_add": lambda lib, x, **k: lib.scatter_add(x, 0, _i(lib, [[1, 2]]), x, **k),
    "scatter_reduce": lambda lib, x, **k: lib.scatter_reduce(
        x, 0, _i(lib, [[1, 2]]), x, "amax", **k
    ),
    "take": lambda lib, x, **k: lib.take(x, _i(lib, [0, 5]), **k),
    "take_along_dim": lambda lib, x, **k: lib.take_along_dim(x, _i(lib, [[0], [3], [1]]), 1, **k),
    "diff": lambda lib, x, **k: lib.diff(x, **k),
    "flip": lambda lib, x, **k: lib.flip(x, (0,), **k),
    "roll": lambda lib, x, **k: lib.roll(x, 1, 0, **k),
    "rot90": lambda lib, x, **k: lib.rot90(x, **k),
    "repeat_interleave": lambda lib, x, **k: lib.repeat_interleave(x, 2, 0, **k),
    "tile": lambda lib, x, **k: lib.tile(x, (2,), **k),
    "narrow": lambda lib, x, **k: lib.narrow(x, 0, 1, 2, **k),
    "cdist": lambda lib, x, **k: lib.cdist(x, x, **k),
    # creation
    "arange": lambda lib, x, **k: lib.arange(0, 5, 2, **k),
    "linspace": lambda lib, x, **k: lib.linspace(0, 1, 5, **k),
    "eye": lambda lib, x, **k: lib.eye(2, 3, **k),
    "full": lambda lib, x, **k: lib.full((2, 3), 1.5, **k),
    "zeros": lambda lib, x, **k: lib.zeros(2, 3, **k),
    "ones": lambda lib, x, **k: lib.ones(2, 3, **k),
    "scalar_tensor": lambda lib, x, **k: lib.scalar_tensor(2.0, **k),
}


def _empty_like(lib: Any, result: Any) -> Any:
    """Empty tensors of the result's dtypes, in its structure (a tuple for several)."""
    if isinstance(result, (tuple, list)):
        return tuple(_empty_like(lib, r) for r in result)
    return lib.empty(0, dtype=getattr(lib, str(result.dtype).split(".")[-1]))


@pytest.mark.parametrize("name", list(OUT_CASES))
def test_out_is_accepted_exactly_where_pytorch_accepts_it(name: str) -> None:
    fn = OUT_CASES[name]
    theirs = _call(fn, torch, torch.from_numpy(X.copy()))
    x = rg.from_numpy(X.copy())
    try:
        _call(fn, torch, torch.from_numpy(X.copy()), out=_empty_like(torch, theirs))
    except TypeError:  # PyTorch has no out= here: neither do we
        with pytest.raises(TypeError):
            _call(fn, rg, x, out=_empty_like(rg, _call(fn, rg, x)))
        return
    out = _empty_like(rg, _call(fn, rg, x))
    ret = _call(fn, rg, x, out=out)
    for r, o in zip(_flat(ret), _flat(out)):
        assert r is o, "the result is written into out, which is returned"
    _same(ret, theirs)
    if isinstance(theirs, tuple) and hasattr(theirs, "_fields"):
        assert ret._fields == theirs._fields


NORM_DTYPES = [("float32", "float64"), ("float32", "float16"), ("complex64", "float64"),
               ("complex64", "complex128"), ("float32", "complex64"), ("int64", "float32"),
               ("float16", "bfloat16"), ("bfloat16", "float32")]  # fmt: skip
NORMS = {
    "vector_norm": lambda lib, x, **k: lib.linalg.vector_norm(x, **k),
    "matrix_norm": lambda lib, x, **k: lib.linalg.matrix_norm(x, **k),
    "matrix_norm 1": lambda lib, x, **k: lib.linalg.matrix_norm(x, 1, **k),
    "matrix_norm nuc": lambda lib, x, **k: lib.linalg.matrix_norm(x, "nuc", **k),
    "norm": lambda lib, x, **k: lib.norm(x, **k),
    "linalg.norm": lambda lib, x, **k: lib.linalg.norm(x, **k),
}


@pytest.mark.parametrize("src, dt", NORM_DTYPES)
@pytest.mark.parametrize("name", list(NORMS))
def test_norm_dtype_allows_no_narrowing_nor_change_of_kind_as_in_pytorch(
    name: str, src: str, dt: str
) -> None:
    fn = NORMS[name]
    try:
        theirs = fn(torch, torch.ones(2, 2, dtype=getattr(torch, src)), dtype=getattr(torch, dt))
    except RuntimeError as e:
        with pytest.raises(RuntimeError) as ours:
            fn(rg, rg.ones(2, 2, dtype=getattr(rg, src)), dtype=getattr(rg, dt))
        assert str(ours.value) == str(e)
        return
    ours = fn(rg, rg.ones(2, 2, dtype=getattr(rg, src)), dtype=getattr(rg, dt))
    assert_close(ours, theirs)
