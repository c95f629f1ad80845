"""The normalization and embedding functionals of ``nn.functional``.

Layer, batch, instance and group norm run through the fused ``Normalize`` primitive of
``_prims/norm.py`` (one node, PyTorch's node names, every order of derivative); RMS and local
response norm are composites of differentiable ops; embedding and embedding_bag use that
file's row gather and scatter primitives.
"""

from __future__ import annotations

import math
from typing import Any

import ml_dtypes
import numpy as np

import retrograd as _rg

from .._ops.elementwise_ops import _not_implemented
from .._prims import norm as _p
from .._prims._core import apply
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad


def _as_shape(normalized_shape: Any) -> tuple[int, ...]:
    if isinstance(normalized_shape, int):
        return (normalized_shape,)
    return tuple(int(n) for n in normalized_shape)


_NOTHING = Tensor._wrap(np.zeros(()))  # stands in for a missing weight or bias


def _normalize(prim: type[_p.Normalize], input: Tensor, dims: tuple[int, ...], eps: float,
               weight: Tensor | None = None,
               bias: Tensor | None = None) -> tuple[Tensor, Tensor, Tensor]:  # fmt: skip
    """``(x - mean) / sqrt(var + eps) * weight + bias`` over ``dims`` (biased variance) in one
    fused primitive; also returns the mean and variance (kept dims, not differentiable)."""
    return apply(prim, input, _NOTHING if weight is None else weight,
                 _NOTHING if bias is None else bias, axes=dims, eps=eps,
                 has_w=weight is not None, has_b=bias is not None)  # fmt: skip


def _check_normalized_shape(input: Tensor, shape: tuple[int, ...], weight: Tensor | None,
                            bias: Tensor | None, sep: str = ", ") -> None:  # fmt: skip
    """PyTorch's checks of layer_norm/rms_norm arguments (``sep`` differs between the two
    messages in PyTorch itself)."""
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                f"shape {list(t.shape)} and normalized_shape = {list(shape)}"
            )
    n = len(shape)
    if not n or input.dim() < n or tuple(input.shape[input.dim() - n :]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*{sep}{', '.join(map(str, shape))}], but got input of size{list(input.shape)}"
        )


def _floating_norm(kernel: str, input: Tensor, *params: Tensor | None) -> None:
    """PyTorch's normalization kernels take floating inputs only; layer and group norm
    report a dtype mismatch with their parameters first."""
    if input._data.dtype.kind not in "iub":
        return
    mixed_first = kernel in ("LayerNormKernelImpl", "GroupNormKernelImpl")
    if mixed_first and any(p is not None and p.dtype != input.dtype for p in params):
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
    raise _not_implemented(kernel, input._data.dtype)


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalize the last ``len(normalized_shape)`` dimensions to mean 0 and variance 1 (the
    biased variance), then scale by ``weight`` and shift by ``bias``.

    Args:
        input: ``(*, *normalized_shape)``.
        normalized_shape: the trailing shape to normalize over.
        weight: ``normalized_shape``-shaped scale, or None.
        bias: ``normalized_shape``-shaped shift, or None.
        eps: added to the variance for stability.

    Returns:
        A tensor of ``input``'s shape.

    Example::

        >>> F.layer_norm(retrograd.randn(2, 3, 4), (4,)).shape
        retrograd.Size([2, 3, 4])
    """
    shape = _as_shape(normalized_shape)
    _check_normalized_shape(input, shape, weight, bias)
    _floating_norm("LayerNormKernelImpl", input, weight, bias)
    dims = tuple(range(input.dim() - len(shape), input.dim()))
    return _normalize(_p.NativeLayerNorm, input, dims, eps, weight, bias)[0]


def rms_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:  # fmt: skip
    """``x / sqrt(mean(x**2) + eps) * weight`` over the last ``len(normalized_shape)`` dims.

    Args:
        input: ``(*, *normalized_shape)``.
        normalized_shape: the trailing shape to normalize over.
        weight: ``normalized_shape``-shaped scale, or None.
        eps: added to the mean square; None means the machine epsilon of ``input``'s dtype.

    Returns:
        A tensor of ``input``'s shape.
    """
    shape = _as_shape(normalized_shape)
    _check_normalized_shape(input, shape, weight, None, sep="")
    _floating_norm("rms_norm", input, weight)
    if eps is None:
        eps = float(ml_dtypes.finfo(input._data.dtype).eps)
    dims = tuple(range(-len(shape), 0))
    out = input * _rg.rsqrt((input * input).mean(dims, keepdim=True) + eps)
    return out if weight is None else out * weight


def _channel_view(t: Tensor, ndim: int) -> Tensor:
    """A per-channel ``(C,)`` tensor shaped to broadcast along dim 1 of an ``ndim`` input."""
    return t.reshape([-1] + [1] * (ndim - 2))


def _affine(out: Tensor, weight: Tensor | None, bias: Tensor | None) -> Tensor:
    if weight is not None:
        out = out * _channel_view(weight, out.dim())
    return out if bias is None else out + _channel_view(bias, out.dim())


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalize each of ``num_groups`` groups of channels of each sample, then apply the
    per-channel ``weight`` and ``bias``.

    Args:
        input: ``(N, C, *)`` with ``C`` divisible by ``num_groups``.
        num_groups: how many groups the channels are split into.
        weight, bias: ``(C,)`` per-channel affine parameters, or None.
        eps: added to the variance for stability.

    Returns:
        A tensor of ``input``'s shape.
    """
    _floating_norm("GroupNormKernelImpl", input, weight, bias)
    if input.dim() < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {input.dim()}"
        )
    n, c = input.shape[0], input.shape[1]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got "
            f"input of shape {list(input.shape)} and num_groups={num_groups}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in "
                f"input, but got {name} of shape {list(t.shape)} and input of shape "
                f"{list(input.shape)}"
            )
    grouped = input.reshape(n, num_groups, -1)
    out = _normalize(_p.Normalize, grouped, (2,), eps)[0].reshape(input.shape)
    return _affine(out, weight, bias)


def _check_running(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
                   weight: Tensor | None = None, bias: Tensor | None = None) -> None:  # fmt: skip
    """One value per channel in each statistic and parameter, checked in PyTorch's order."""
    c = input.shape[1] if input.dim() > 1 else 1
    named = (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
             ("bias", bias))  # fmt: skip
    for name, t in named:
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")


def _update_running(running: Tensor | None, stat: Tensor, momentum: float) -> None:
    """``running = (1 - momentum) * running + momentum * stat``, in place, unrecorded."""
    if running is not None:
        with no_grad():
            running.mul_(1 - momentum).add_(stat.detach().to(running.dtype), alpha=momentum)


def _normalize_by(input: Tensor, mean: Tensor, var: Tensor, eps: float,
                  weight: Tensor | None, bias: Tensor | None) -> Tensor:  # fmt: skip
    """Normalize by given per-channel statistics (the running ones in eval mode), folded
    into one per-channel scale and shift as PyTorch's CPU kernel does: two passes over the
    input instead of four."""
    scale = _rg.rsqrt(var + eps)
    if weight is not None:
        scale = scale * weight
    shift = -mean * scale
    if bias is not None:
        shift = shift + bias
    nd = input.dim()
    return input * _channel_view(scale, nd) + _channel_view(shift, nd)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalize each channel (dim 1) over the batch and spatial dimensions.

    In training, the batch statistics normalize, and ``running_mean``/``running_var`` (when
    given) are updated in place: ``(1 - momentum) * running + momentum * batch_stat``, the
    variance being the unbiased one as in PyTorch. Otherwise the running statistics normalize.

    Args:
        input: ``(N, C)`` or ``(N, C, *)``.
        running_mean, running_var: ``(C,)`` buffers or None.
        weight, bias: ``(C,)`` affine parameters or None.
        training: use (and track) the batch statistics.
        momentum: the running update's factor.
        eps: added to the variance for stability.

    Returns:
        A tensor of ``input``'s shape.
    """
    if input.dim() < 2:  # PyTorch trips over the missing channel dim the same way
        raise IndexError(
            "Dimension out of range (expected to be in range of [-1, 0], but got 1)"
            if input.dim() == 1
            else "batch_norm: input must have at least 2 dimensions"
        )
    _check_running(input, running_mean, running_var, weight, bias)
    _floating_norm("batch_norm", input, weight, bias)
    size = input.size()
    count = size[0] * math.prod(size[2:])
    if not training:
        for name, t in (("running_mean", running_mean), ("running_var", running_var)):
            if t is None:
                raise RuntimeError(f"{name} must be defined in evaluation mode")
        return _normalize_by(input, running_mean, running_var, eps, weight, bias)
    if count == 1:
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size {size}"
        )
    nd = input.dim()
    w = None if weight is None else _channel_view(weight, nd)
    b = None if bias is None else _channel_view(bias, nd)
    out, mean, var = _normalize(_p.NativeBatchNorm, input, (0, *range(2, nd)), eps, w, b)
    _update_running(running_mean, mean.reshape(-1), momentum)
    if running_var is not None:
        _update_running(running_var, var.reshape(-1) * (count / max(count - 1, 1)), momentum)
    return out


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalize each channel of each sample over its spatial dimensions.

    With ``use_input_stats`` and running buffers, the buffers move towards the per-sample
    statistics averaged over the batch (unbiased variance), as PyTorch does.

    Args:
        input: ``(N, C, *)`` with at least one spatial dimension.
        running_mean, running_var: ``(C,)`` buffers or None.
        weight, bias: ``(C,)`` affine parameters or None.
        use_input_stats: normalize by each instance's statistics (else the running ones).
        momentum: the running update's factor.
        eps: added to the variance for stability.

    Returns:
        A tensor of ``input``'s shape.
    """
    _floating_norm("batch_norm", input, weight, bias)
    if input.dim() < 2:
        raise ValueError(f"Expected 2D or more input (got {input.dim()}D input)")
    # PyTorch runs batch norm on the input viewed as (1, N * C, ...) with every per-channel
    # tensor repeated N times, and counts elements that way in its errors
    n, c = input.shape[0], input.shape[1]
    named = (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
             ("bias", bias))  # fmt: skip
    for name, t in named:
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {n * c} elements not {t.numel() * n}")
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise RuntimeError("Expected running_mean and running_var to be defined when "
                               "use_input_stats is false")  # fmt: skip
        return _normalize_by(input, running_mean, running_var, eps, weight, bias)
    spatial = math.prod(input.shape[2:])
    if spatial == 1:
        raise ValueError(
            f"Expected more than 1 spatial element when training, got input size {input.size()}"
        )
    nd = input.dim()
    w = None if weight is None else _channel_view(weight, nd)
    b = None if bias is None else _channel_view(bias, nd)
    out, mean, var = _normalize(_p.Normalize, input, tuple(range(2, nd)), eps, w, b)
    _update_running(running_mean, mean.reshape(n, c).mean(0), momentum)
    unbiased = var.reshape(n, c) * (spatial / (spatial - 1))
    _update_running(running_var, unbiased.mean(0), momentum)
    return out


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:  # fmt: skip
    """Divide each element by ``(k + alpha * mean of squares over size neighbouring
    channels) ** beta``, the window centred as PyTorch's (zero-padded ``size // 2`` before
    and ``(size - 1) // 2`` after).

    Args:
        input: ``(N, C, *)``.
        size: how many neighbouring channels the window spans.
        alpha, beta, k: the constants of ``(k + alpha * avg) ** beta``.
    """
    if input.dim() < 3:
        raise ValueError(
            f"Expected 3D or higher dimensionality input (got {input.dim()} dimensions)"
        )
    if input.numel() == 0:
        return input
    sq = input * input
    c = input.shape[1]
    padded = _rg.cat([_rg.zeros((input.shape[0], size // 2, *input.shape[2:]), dtype=sq.dtype),
                      sq,
                      _rg.zeros((input.shape[0], (size - 1) // 2, *input.shape[2:]),
                                dtype=sq.dtype)], 1)  # fmt: skip
    # a sum of ``size`` shifted slices: a few whole-tensor adds, no loop over positions
    win = padded.narrow(1, 0, c)
    for s in range(1, size):
        win = win + padded.narrow(1, s, c)
    div = (win * (alpha / size) + k) ** beta
    return input / div


# ---------------------------------------------------------------------------- embeddings


def _index_array(input: Tensor, name: str) -> np.ndarray:
    if input.dtype not in (_rg.int64, _rg.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {input.type()} instead (while checking arguments for "
            f"{name})"
        )
    return input._data.astype(np.int64, copy=False)


def _padding_index(padding_idx: int | None, num: int) -> int:
    """PyTorch's normalisation of ``padding_idx``: negative counts from the end; -1 is none."""
    if padding_idx is None:
        return -1
    if padding_idx >= num or padding_idx < -num:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx + num if padding_idx < 0 else padding_idx


def _renorm_rows(weight: Tensor, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Scale the looked-up rows whose ``norm_type``-norm exceeds ``max_norm`` down to it, in
    place and unrecorded (PyTorch's ``embedding_renorm_``)."""
    rows = np.unique(idx)
    if not rows.size:
        return
    with no_grad():
        picked = weight.index_select(0, _rg.from_numpy(rows))
        norms = picked.norm(norm_type, 1, keepdim=True)
        # PyTorch adds 1e-7 to the norm so a renormed row ends just under max_norm
        scale = _rg.where(norms > max_norm, max_norm / (norms + 1e-7), _rg.ones_like(norms))
        weight.index_copy_(0, _rg.from_numpy(rows), picked * scale)


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:  # fmt: skip
    """Look up rows of ``weight``: ``weight[input]``.

    Args:
        input: integer indices of any shape.
        weight: ``(num_embeddings, embedding_dim)`` table.
        padding_idx: a row that receives no gradient.
        max_norm: rows looked up whose norm exceeds this are renormalised in place first.
        norm_type: the p of the norm for ``max_norm``.
        scale_grad_by_freq: divide each row's gradient by its count in ``input``.
        sparse: accepted for compatibility; gradients are dense.

    Returns:
        ``(*input.shape, embedding_dim)``.

    Example::

        >>> F.embedding(retrograd.tensor([[0, 2]]), retrograd.randn(3, 4)).shape
        retrograd.Size([1, 2, 4])
    """
    idx = _index_array(input, "embedding")
    num = weight.shape[0]
    pad = _padding_index(padding_idx, num)
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        raise IndexError("index out of range in self")
    if weight.dim() != 2:
        raise RuntimeError(f"'weight' must be 2-D, but got a {weight.dim()}-D tensor")
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    return apply(_p.Embedding, weight, index=idx, num=num, pad=pad, freq=scale_grad_by_freq)


def _bag_ids(offsets: np.ndarray, n: int, include_last_offset: bool) -> tuple[np.ndarray, int]:
    """Each input position's bag, and the bag count, from ``offsets``."""
    if offsets.size and offsets[0] != 0:
        raise RuntimeError(
            "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
            f"from position 0. However, got {int(offsets[0])}"
        )
    if offsets.size and offsets[-1] > n:
        raise RuntimeError(
            f"offsets[-1] can not be greater than input's length {n} but got offsets[-1] of "
            f"{int(offsets[-1])}"
        )
    if np.any(np.diff(offsets) < 0):
        raise RuntimeError(f"offsets must be non-decreasing, got {offsets.tolist()}")
    bags = len(offsets) - 1 if include_last_offset else len(offsets)
    bags = max(bags, 0)
    ids = np.searchsorted(offsets, np.arange(n), side="right") - 1
    # with include_last_offset, positions from the last offset on belong to no bag
    return np.where(ids < bags, ids, -1), bags


_Bags = tuple[np.ndarray, np.ndarray, int, Tensor | None]


def _bag_input(input: Tensor, offsets: Tensor | None, psw: Tensor | None,
               include_last_offset: bool) -> _Bags:  # fmt: skip
    """Flat indices, their bag ids, the bag count and flat per-sample weights."""
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError(
                "if input is 2D, then offsets has to be None, as input is treated is a "
                "mini-batch of fixed length sequences. However, found offsets of type "
                f"{type(offsets)}"
            )
        idx = _index_array(input, "embedding_bag").reshape(-1)
        bags, length = input.shape
        ids = np.repeat(np.arange(bags), length)
        return idx, ids, bags, None if psw is None else psw.reshape(-1)
    if input.dim() != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")  # fmt: skip
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.dim() != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    idx = _index_array(input, "embedding_bag")
    ids, bags = _bag_ids(offsets._data.astype(np.int64), idx.size, include_last_offset)
    return idx, ids, bags, psw


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,
                  max_norm: float | None = None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:  # fmt: skip
    """Sum, mean or max of bags of embedding rows, without materialising the lookups' graph
    per bag.

    Args:
        input: 1-D indices cut into bags by ``offsets``, or 2-D ``(B, L)`` (one bag per row).
        weight: ``(num_embeddings, embedding_dim)`` table.
        offsets: start of each bag in a 1-D ``input``.
        max_norm, norm_type, scale_grad_by_freq: as in :func:`embedding`.
        mode: ``'sum'``, ``'mean'`` or ``'max'``; an empty bag gives zeros.
        per_sample_weights: weights of the looked-up rows (``'sum'`` only), ``input``'s shape.
        include_last_offset: ``offsets`` has one more entry, the end of the last bag.
        padding_idx: entries equal to it are left out of their bag (and of its mean).

    Returns:
        ``(B, embedding_dim)``.
    """
    if per_sample_weights is not None and input.shape != per_sample_weights.shape:
        raise ValueError(
            f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, "
            f"then it must have the same shape as the input ({input.shape})"
        )
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                         f"{weight.dim()}")  # fmt: skip
    idx, ids, bags, psw = _bag_input(input, offsets, per_sample_weights, include_last_offset)
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    num = weight.shape[0]
    bad = (idx < 0) | (idx >= num)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise RuntimeError(
            f"Index {i} of input takes value {int(idx[i])} which is not in the valid range "
            f"[0, {num})"
        )
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    if psw is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
            "GitHub."
        )
    pad = -1 if padding_idx is None else _padding_index(padding_idx, num)
    ids = np.where(idx == pad, -1, ids)  # padding entries belong to no bag
    kept = ids >= 0
    rows = apply(_p.Embedding, weight, index=idx, num=num, pad=pad, freq=scale_grad_by_freq)
    if mode == "max":
        return _bag_max(rows, ids, kept, bags)
    if psw is not None:
        rows = rows * psw.unsqueeze(-1)
    scale = None
    if mode == "mean":
        counts = np.bincount(ids[kept], minlength=bags)
        scale = np.where(kept, 1.0 / np.maximum(counts[np.where(kept, ids, 0)], 1), 0.0)
    return apply(_p.ScatterRows, rows, index=ids, num=bags, scale=scale)


def _bag_max(rows: Tensor, ids: np.ndarray, kept: np.ndarray, bags: int) -> Tensor:
    """Per-bag elementwise max of ``rows``; empty bags are zeros, as PyTorch."""
    pos = np.flatnonzero(kept)
    picked = rows.index_select(0, _rg.from_numpy(pos))
    where = _rg.from_numpy(np.broadcast_to(ids[pos, None], picked.shape).copy())
    out = _rg.zeros((bags, rows.shape[1]), dtype=rows.dtype)
    return out.scatter_reduce(0, where, picked, "amax", include_self=False)


__all__ = [
    "batch_norm", "embedding", "embedding_bag", "group_norm", "instance_norm", "layer_norm",
    "local_response_norm", "rms_norm",
]  # fmt: skip
