"""The loss functions of ``nn.functional`` (composites, with PyTorch's reductions)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

import retrograd as _rg

from .._tensor import Tensor
from ..amp import autocast_mode as _ac
from . import functional as F


def mse_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
             reduce: bool | None = None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:  # fmt: skip
    """Mean squared error ``(input - target) ** 2``, reduced by ``reduction``."""
    if _ac._enabled:  # PyTorch's CPU autocast computes losses in float32
        input, target = _ac._autocast_fp32(input, target)
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    F._same_size_warning(input, target)
    F._floating_only(input, "mse_cpu", target)
    loss = (input - target) ** 2
    return F._reduce(loss if weight is None else loss * weight, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
            reduce: bool | None = None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """Mean absolute error ``|input - target|`` (gradient 0 where they are equal)."""
    if _ac._enabled:  # PyTorch's CPU autocast computes losses in float32
        input, target = _ac._autocast_fp32(input, target)
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    F._same_size_warning(input, target)
    return F._reduce((input - target).abs(), reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                   reduce: bool | None = None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:  # fmt: skip
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``, for
    ``d = input - target``."""
    if _ac._enabled:  # PyTorch's CPU autocast computes losses in float32
        input, target = _ac._autocast_fp32(input, target)
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    F._same_size_warning(input, target)
    F._floating_only(input, "smooth_l1_cpu", target)
    d = input - target
    if beta == 0:
        return F._reduce(d.abs(), reduction)
    ad = d.abs()
    return F._reduce(_rg.where(ad < beta, 0.5 * d * d / beta, ad - 0.5 * beta), reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:  # fmt: skip
    """``0.5 d**2`` where ``|d| < delta``, else ``delta * (|d| - 0.5 delta)``."""
    if _ac._enabled:  # PyTorch's CPU autocast computes losses in float32
        input, target = _ac._autocast_fp32(input, target)
    F._check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    F._same_size_warning(input, target)
    F._floating_only(input, "huber_cpu", target)
    d = input - target
    ad = d.abs()
    loss = _rg.where(ad < delta, 0.5 * d * d, delta * (ad - 0.5 * delta))
    return F._reduce(loss if weight is None else loss * weight, reduction)


def _class_last(input: Tensor) -> Tensor:
    """Move the class dimension (1, or 0 for an unbatched input) to the end."""
    return input.movedim(1, -1) if input.dim() >= 2 else input


def _check_targets(input: Tensor, target: Tensor, ignore_index: int) -> int:
    """Validate shapes and class indices as PyTorch's nll_loss; returns the class count."""
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if target.dtype not in (_rg.int64, _rg.uint8, _rg.int32):
        raise RuntimeError(
            f"expected scalar type Long but found {str(target.dtype).split('.')[-1].title()}"
        )
    batched = input.dim() >= 2
    if batched and (target.dim() == 0 or input.shape[0] != target.shape[0]):
        got = target.shape[0] if target.dim() else 1
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({got})."
        )
    expected = (input.shape[:1] + input.shape[2:]) if batched else ()
    if tuple(target.shape) != tuple(expected):
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)}")
    n_classes = input.shape[1] if batched else input.shape[0]
    t = target.numpy()
    bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(t[bad].flat[0])} is out of bounds.")
    return n_classes


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             size_average: bool | None = None, ignore_index: int = -100,
             reduce: bool | None = None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """Negative log-likelihood: ``-weight[t] * input[..., t, ...]`` per element.

    Args:
        input: log-probabilities ``(N, C)``, ``(C)`` or ``(N, C, d1, ...)``.
        target: class indices ``(N)``, ``()`` or ``(N, d1, ...)``.
        weight: per-class weights ``(C)``.
        ignore_index: a target value that contributes nothing (nor to the mean's divisor).
        reduction: ``'mean'`` divides by the summed weights of the counted targets.
    """
    if _ac._enabled:  # PyTorch's CPU autocast computes losses in float32
        input, weight = _ac._autocast_fp32(input, weight)
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    n_classes = _check_targets(input, target, ignore_index)
    if weight is not None and weight.numel() != n_classes:
        raise RuntimeError(
            f"weight tensor should be defined either for all {n_classes} classes or no classes "
            f"but got weight tensor of shape: {list(weight.shape)}"
        )
    keep = target != ignore_index
    safe = _rg.where(keep, target.long(), 0)
    picked = _class_last(input).gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    w = keep.to(input.dtype)
    if weight is not None:
        w = weight.index_select(0, safe.reshape(-1)).reshape(safe.shape) * w
    # ignored entries get an exact zero gradient, even when the mean divides by zero
    loss = _rg.where(keep, -picked * w, 0.0)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / w.sum()


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average: bool | None = None, ignore_index: int = -100,
                  reduce: bool | None = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:  # fmt: skip
    """Cross entropy between logits and class indices or class probabilities.

    Args:
        input: unnormalised scores ``(N, C)``, ``(C)`` or ``(N, C, d1, ...)``.
        target: class indices (integers, shape without ``C``) or probabilities (floats, the
            shape of ``input``).
        weight: per-class weights ``(C)``.
        ignore_index: for class indices, a target value that is not counted.
        reduction: ``'none'``, ``'mean'`` or ``'sum'``.
        label_smoothing: mix ``label_smoothing`` of the uniform distribution into the target.
    """
    if _ac._enabled:  # PyTorch's CPU autocast computes losses in float32
        input, target, weight = _ac._autocast_fp32(input, target, weight)
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 1 if input.dim() >= 2 else 0
    logp = _rg.log_softmax(input, class_dim)
    n_classes = input.shape[class_dim]
    w = None
    if weight is not None:
        w = weight.reshape([-1] + [1] * (input.dim() - class_dim - 1))
    if target.is_floating_point():
        return _soft_cross_entropy(logp, target, w, reduction, label_smoothing, class_dim)
    nll = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    if label_smoothing == 0.0:
        return nll
    smooth = -(logp * w if w is not None else logp).sum(class_dim)
    ignored = target == ignore_index
    smooth = smooth.masked_fill(ignored, 0.0)
    if reduction == "mean":
        if weight is not None:
            kept = target.masked_select(~ignored).reshape(-1)
            smooth = smooth.sum() / weight.index_select(0, kept).sum()
        else:
            smooth = smooth.sum() / (~ignored).sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / n_classes)


def _soft_cross_entropy(logp: Tensor, target: Tensor, w: Tensor | None, reduction: str,
                        label_smoothing: float, class_dim: int) -> Tensor:  # fmt: skip
    if target.shape != logp.shape:
        raise RuntimeError(f"Expected target size {list(logp.shape)}, got {list(target.shape)}")
    n_classes = logp.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    prod = logp * target if w is None else logp * target * w
    loss = -prod.sum(class_dim)
    if reduction == "mean":
        return loss.sum() / (logp.numel() / n_classes) if logp.numel() else loss.sum() / 0.0
    return F._reduce(loss, reduction)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:  # fmt: skip
    """``-(t log x + (1 - t) log(1 - x))`` with each log clamped at -100, as PyTorch."""
    if _ac._enabled:  # PyTorch's CPU autocast computes losses in float32
        input, target, weight = _ac._autocast_fp32(input, target, weight)
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}) is deprecated. Please ensure they have the same size."
        )
    x = input.detach().numpy()
    if x.size and (np.any(x < 0) or np.any(x > 1) or np.any(np.isnan(x))):
        raise RuntimeError("all elements of input should be between 0 and 1")
    loss = -(target * _rg.log(input).clamp(min=-100)
             + (1 - target) * _rg.log1p(-input).clamp(min=-100))  # fmt: skip
    return F._reduce(loss if weight is None else loss * weight, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None,
                                     size_average: bool | None = None,
                                     reduce: bool | None = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:  # fmt: skip
    """``binary_cross_entropy(sigmoid(input), target)`` computed stably from the logits;
    ``pos_weight`` scales the positive term (per class, broadcast over the last dim)."""
    if _ac._enabled:  # PyTorch's CPU autocast computes losses in float32
        input, target, weight, pos_weight = _ac._autocast_fp32(input, target, weight, pos_weight)
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.size()}) must be the same as input size ({input.size()})"
        )
    log_sig = F.logsigmoid(input)
    if pos_weight is not None:
        log_sig = log_sig * ((pos_weight - 1) * target + 1)
    loss = (1 - target) * input - log_sig
    return F._reduce(loss if weight is None else loss * weight, reduction)


def kl_div(input: Tensor, target: Tensor, size_average: bool | None = None,
           reduce: bool | None = None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:  # fmt: skip
    """Kullback-Leibler divergence ``target * (log(target) - input)`` (``input`` holds
    log-probabilities; ``target`` too with ``log_target``). ``'batchmean'`` divides the sum
    by the batch size, which is the mathematical KL divergence."""
    if _ac._enabled:  # PyTorch's CPU autocast computes losses in float32
        input, target = _ac._autocast_fp32(input, target)
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if input._data.dtype.kind in "iub" or target._data.dtype.kind in "iub":
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.",
            stacklevel=2,
        )
    if log_target:
        loss = _rg.exp(target) * (target - input)
    else:
        loss = _rg.xlogy(target, target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.dim() else loss.sum()
    return F._reduce(loss, reduction)


# ---------------------------------------------------------------------------- likelihoods


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: bool | None = None, eps: float = 1e-8,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """Negative log-likelihood of ``target`` under a Poisson distribution of rate ``input``.

    Args:
        input: the rate's log (``log_input``) or the rate itself.
        target: observed counts, ``input``'s shape.
        log_input: ``exp(input) - target * input`` rather than
            ``input - target * log(input + eps)``.
        full: add Stirling's approximation of ``log(target!)`` where ``target > 1``.
        eps: keeps ``log`` finite at a zero rate (without ``log_input``).
        reduction: ``'none'``, ``'mean'`` or ``'sum'``.
    """
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    if log_input:
        loss = _rg.exp(input) - target * input
    else:
        loss = input - target * _rg.log(input + eps)
    if full:
        big = target > 1
        # computed at a safe target where masked, so log(0) leaves no nan (PyTorch's own
        # formula gives a target that requires grad a nan gradient at 0)
        safe = _rg.where(big, target, _rg.full_like(target, 2.0))
        stirling = safe * _rg.log(safe) - safe + 0.5 * _rg.log(2 * math.pi * safe)
        loss = loss + _rg.where(big, stirling, _rg.zeros_like(stirling))
    return F._reduce(loss, reduction)


def _gaussian_var(input: Tensor, var: Tensor | float) -> Tensor:
    """``var`` shaped against ``input`` by PyTorch's rules (one value per sample may drop
    the last dim; exactly one other dim may be 1), or ValueError."""
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        return _rg.full_like(input, float(var))
    if bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.shape == input.shape:
        return var
    if tuple(input.shape[:-1]) == tuple(var.shape):
        return var.unsqueeze(-1)
    if input.dim() == var.dim() and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1:
        return var  # heteroscedastic: one shared variance along the one differing dim
    raise ValueError("var is of incorrect size")


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:  # fmt: skip
    """Negative log-likelihood of ``target`` under N(``input``, ``var``):
    ``0.5 * (log(var) + (input - target)**2 / var)`` (+ ``0.5 log(2 pi)`` with ``full``).

    Args:
        input: predicted means.
        target: observations.
        var: predicted variances (``input``'s shape, one per sample without the last dim,
            one dim of size 1, or a float); clamped below at ``eps`` for the value only.
        full: include the constant term.
        reduction: ``'none'``, ``'mean'`` or ``'sum'``.
    """
    var = _gaussian_var(input, var)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    # PyTorch clamps a clone under no_grad: the value is clamped, the gradient passes as is
    var = var + (var.clamp(min=eps) - var).detach()
    loss = 0.5 * (_rg.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return F._reduce(loss, reduction)


# ---------------------------------------------------------------------------- distances


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:  # fmt: skip
    """``||x1 - x2 + eps||_p`` over the last dimension (PyTorch adds ``eps`` to the
    difference so the norm's gradient stays finite at equal points)."""
    dim = max(x1.dim(), x2.dim()) - 1
    if dim < 0:
        return (x1 - x2 + eps).abs()
    return (x1 - x2 + eps).norm(p, dim, keepdim=keepdim)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps))`` along ``dim``, each input
    normalised first as PyTorch does (better precision than dividing the dot product)."""
    if x1.shape != x2.shape:
        x1, x2 = _rg.broadcast_tensors(x1, x2)
    n1 = x1.norm(2, dim, keepdim=True)
    n2 = x2.norm(2, dim, keepdim=True)
    # PyTorch clamps the norms in place under no_grad: clamped value, unclamped gradient
    n1 = n1 + (n1.clamp_min(eps) - n1).detach()
    n2 = n2 + (n2.clamp_min(eps) - n2).detach()
    return ((x1 / n1) * (x2 / n2)).sum(dim)


# ---------------------------------------------------------------------------- margins


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average: bool | None = None, reduce: bool | None = None,
                          reduction: str = "mean") -> Tensor:  # fmt: skip
    """``1 - cos(x1, x2)`` where ``target == 1``, ``max(0, cos(x1, x2) - margin)`` where
    ``target == -1`` (cosine along dim 1 of 2-D inputs, or of 1-D inputs with a 0-D
    target)."""
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    d = target.dim()
    if d not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    want = 2 if d == 1 else 1
    if input1.dim() != want or input2.dim() != want:
        raise RuntimeError(
            f"{d}D target tensor expects {want}D input tensors, but found inputs with sizes "
            f"{list(input1.shape)} and {list(input2.shape)}."
        )
    eps = 1e-12  # ATen's EPSILON: the squared magnitudes never vanish
    prod = (input1 * input2).sum(d)
    mag = ((input1 * input1).sum(d) + eps) * ((input2 * input2).sum(d) + eps)
    cos = prod / mag.sqrt()
    zeros = _rg.zeros_like(cos)
    loss = _rg.where(target == 1, 1 - cos, zeros) + _rg.where(
        target == -1, (cos - margin).clamp_min(0), zeros
    )
    return F._reduce(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:  # fmt: skip
    """``max(0, -target * (input1 - input2) + margin)``: ``target`` (1 or -1) says which
    input should rank higher."""
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} "
        )
    return F._reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:  # fmt: skip
    """``input`` where ``target == 1``, ``max(0, margin - input)`` where ``target == -1``
    (as ATen: the first where ``target != -1``, the second where ``target != 1``)."""
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    zeros = _rg.zeros_like(input)
    loss = _rg.where(target != 1, (margin - input).clamp_min(0), zeros) + _rg.where(
        target != -1, input, zeros
    )
    return F._reduce(loss, reduction)


def _check_triplet_dims(anchor: Tensor, positive: Tensor, negative: Tensor) -> None:
    a, p, n = anchor.dim(), positive.dim(), negative.dim()
    if not a == p == n:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {a}D, positive {p}D, and negative {n}D inputs"
        )


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2, eps: float = 1e-6, swap: bool = False,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:  # fmt: skip
    """``max(0, margin + d(a, p) - d(a, n))`` with ``d`` the ``p``-norm pairwise distance;
    ``swap`` uses ``min(d(a, n), d(p, n))`` as the negative distance."""
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = _rg.minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return F._reduce((margin + d_pos - d_neg).clamp_min(0), reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function: Callable[[Tensor, Tensor], Tensor]
                                      | None = None, margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> Tensor:  # fmt: skip
    """:func:`triplet_margin_loss` with any ``distance_function`` (default
    :func:`pairwise_distance`)."""
    F._check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    dist = pairwise_distance if distance_function is None else distance_function
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = _rg.minimum(d_neg, dist(positive, negative))
    return F._reduce((margin + d_pos - d_neg).clamp_min(0), reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """``log(1 + exp(-target * input))`` (target 1 or -1)."""
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    return F._reduce(_rg.log1p(_rg.exp(-input * target)), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average: bool | None = None, reduce: bool | None = None,
                                reduction: str = "mean") -> Tensor:  # fmt: skip
    """Per-class binary cross entropy of logits, averaged over the classes (last dim):
    one value per sample before ``reduction``."""
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    loss = -(target * F.logsigmoid(input) + (1 - target) * F.logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    return F._reduce(loss, reduction)


def _margin_targets(input: Tensor, target: Tensor) -> tuple[Tensor, Tensor]:
    """``input`` as ``(N, C)`` and ``target`` as ``(N, ...)`` for the multi-class margins."""
    empty = input.numel() == 0 if input.dim() <= 1 else input.shape[-1] == 0
    if input.dim() > 2 or empty:  # an empty batch (N = 0) is fine, empty classes are not
        raise RuntimeError(
            "Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
            f"{list(input.shape)}"
        )
    return (input.reshape(1, -1), target.reshape(1, -1)) if input.dim() <= 1 else (input, target)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average: bool | None = None,
                      reduce: bool | None = None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """Multi-class hinge loss: ``sum_{i != y} max(0, margin - x[y] + x[i]) ** p / C`` per
    sample (times ``weight[y]``), for class indices ``target``."""
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    batched = input.dim() == 2
    x, t = _margin_targets(input, target)
    n, c = x.shape
    idx = t.reshape(-1)._data.astype(np.int64)
    if idx.shape[0] != n:
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of "
            f"input samples (batch size). Expected target size [{n}], but got "
            f"{list(target.shape)}. Input has shape {list(input.shape)}."
        )
    if idx.size and (idx.min() < 0 or idx.max() >= c):
        raise RuntimeError("target out of range")
    tt = _rg.from_numpy(idx)
    xy = x.gather(1, tt.unsqueeze(1))
    z = (margin - xy + x).clamp_min(0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight.index_select(0, tt).unsqueeze(1)
    not_y = _rg.from_numpy(np.arange(c)[None, :] != idx[:, None])
    loss = _rg.where(not_y, z, _rg.zeros_like(z)).sum(1) / c
    return F._reduce(loss if batched else loss.reshape(()), reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                           reduce: bool | None = None,
                           reduction: str = "mean") -> Tensor:  # fmt: skip
    """``sum_{j in targets} sum_{i not in targets} max(0, 1 - (x[j] - x[i])) / C`` per
    sample; each target row lists class indices up to its first -1."""
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    batched = input.dim() == 2
    x, t = _margin_targets(input, target)
    if tuple(t.shape) != tuple(x.shape):
        raise RuntimeError(
            f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}"
        )
    n, c = x.shape
    tg = t._data.astype(np.int64)
    # a target row counts up to its first -1
    valid = np.cumprod(tg >= 0, axis=1).astype(bool)
    if (tg[valid] >= c).any():
        raise RuntimeError("argument #2 'target' is out of range")
    safe = np.where(valid, tg, 0)
    is_target = np.zeros((n, c), bool)
    rows, cols = np.nonzero(valid)
    is_target[rows, tg[rows, cols]] = True
    xj = x.gather(1, _rg.from_numpy(safe))
    hinge = (1 - (xj.unsqueeze(2) - x.unsqueeze(1))).clamp_min(0)
    pairs = valid[:, :, None] & ~is_target[:, None, :]
    loss = _rg.where(_rg.from_numpy(pairs), hinge, _rg.zeros_like(hinge)).sum((1, 2)) / c
    return F._reduce(loss if batched else loss.reshape(()), reduction)
