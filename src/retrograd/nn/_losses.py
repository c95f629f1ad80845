"""The loss functions of ``nn.functional`` (composites, with PyTorch's reductions)."""

from __future__ import annotations

import warnings

import numpy as np

import retrograd as _rg

from .._tensor import Tensor
from . import functional as F


def mse_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
             reduce: bool | None = None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:  # fmt: skip
    """Mean squared error ``(input - target) ** 2``, reduced by ``reduction``."""
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    F._same_size_warning(input, target)
    loss = (input - target) ** 2
    return F._reduce(loss if weight is None else loss * weight, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
            reduce: bool | None = None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """Mean absolute error ``|input - target|`` (gradient 0 where they are equal)."""
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    F._same_size_warning(input, target)
    return F._reduce((input - target).abs(), reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                   reduce: bool | None = None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:  # fmt: skip
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``, for
    ``d = input - target``."""
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    F._same_size_warning(input, target)
    d = input - target
    if beta == 0:
        return F._reduce(d.abs(), reduction)
    ad = d.abs()
    return F._reduce(_rg.where(ad < beta, 0.5 * d * d / beta, ad - 0.5 * beta), reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:  # fmt: skip
    """``0.5 d**2`` where ``|d| < delta``, else ``delta * (|d| - 0.5 delta)``."""
    F._check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    F._same_size_warning(input, target)
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
    reduction = F._legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
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
