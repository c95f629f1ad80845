"""The neural-network functions PyTorch also exposes at top level (``torch.conv2d``,
``torch.max_pool2d``, ``torch.pixel_shuffle``...): the ``nn.functional`` implementations,
under the top-level signatures where those differ."""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from ..nn import functional as F
from ..nn._conv import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from ..nn._pool import (
    adaptive_avg_pool1d,
    avg_pool1d,
    channel_shuffle,
    max_pool1d,
    max_pool1d_with_indices,
    max_pool2d,
    max_pool3d,
    pixel_shuffle,
    pixel_unshuffle,
)
from ..nn._pool import adaptive_max_pool1d as _adaptive_max_pool1d
from .shape_ops import infer_size

__all__ = [
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "alpha_dropout", "avg_pool1d", "batch_norm",
    "bilinear", "binary_cross_entropy_with_logits", "celu", "channel_shuffle", "conv1d", "conv2d",
    "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "cosine_embedding_loss",
    "cosine_similarity", "dropout", "embedding", "feature_alpha_dropout", "group_norm",
    "hinge_embedding_loss", "instance_norm", "kl_div", "layer_norm", "margin_ranking_loss",
    "max_pool1d", "max_pool1d_with_indices", "max_pool2d", "max_pool3d", "pairwise_distance",
    "pixel_shuffle", "pixel_unshuffle", "poisson_nll_loss", "prelu", "rms_norm", "selu",
    "threshold", "triplet_margin_loss",
]  # fmt: skip


def adaptive_max_pool1d(input: Tensor, output_size: Any) -> tuple[Tensor, Tensor]:
    """``torch.adaptive_max_pool1d``: the values and the indices (``F.adaptive_max_pool1d``
    returns the indices only with ``return_indices=True``)."""
    return _adaptive_max_pool1d(input, output_size, return_indices=True)


# ---------------------------------------------------------------- same signature as F
threshold = F.threshold
celu = F.celu
selu = F.selu
prelu = F.prelu
bilinear = F.bilinear
rms_norm = F.rms_norm
cosine_similarity = F.cosine_similarity
pairwise_distance = F.pairwise_distance


# ------------------------------------------------- top-level signatures that differ from F
def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.dropout``: :func:`nn.functional.dropout` with ``train`` for ``training``."""
    return F.dropout(input, p, train)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.alpha_dropout``: :func:`nn.functional.alpha_dropout` (``train`` named so)."""
    return F.alpha_dropout(input, p, train)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.feature_alpha_dropout``: :func:`nn.functional.feature_alpha_dropout`."""
    return F.feature_alpha_dropout(input, p, train)


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5,
               cudnn_enable: bool = True) -> Tensor:  # fmt: skip
    """``torch.layer_norm``: :func:`nn.functional.layer_norm` (``cudnn_enable`` is ignored)."""
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5,
               cudnn_enabled: bool = True) -> Tensor:  # fmt: skip
    """``torch.group_norm``: :func:`nn.functional.group_norm` (``cudnn_enabled`` ignored)."""
    return F.group_norm(input, num_groups, weight, bias, eps)


def batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
               running_mean: Tensor | None, running_var: Tensor | None, training: bool,
               momentum: float, eps: float, cudnn_enabled: bool) -> Tensor:  # fmt: skip
    """``torch.batch_norm``: :func:`nn.functional.batch_norm` with the affine parameters
    first, as ATen orders them."""
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
                  running_mean: Tensor | None, running_var: Tensor | None,
                  use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool) -> Tensor:  # fmt: skip
    """``torch.instance_norm``: :func:`nn.functional.instance_norm`, ATen's argument order."""
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
                           momentum, eps)  # fmt: skip


def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:  # fmt: skip
    """``torch.embedding``: :func:`nn.functional.embedding` with the weight first and
    ``padding_idx=-1`` meaning none, as ATen has it."""
    pad = None if padding_idx == -1 else padding_idx
    return F.embedding(indices, weight, pad, scale_grad_by_freq=scale_grad_by_freq,
                       sparse=sparse)  # fmt: skip


# Losses at top level take ATen's reduction enum instead of a string, and (as torch 2.13's
# bindings do, whatever the schema says) default to 0: no reduction.
_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _reduction(reduction: int) -> str:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _REDUCTIONS[reduction]


def kl_div(input: Tensor, target: Tensor, reduction: int = 0, *,
           log_target: bool = False) -> Tensor:  # fmt: skip
    """``torch.kl_div``: :func:`nn.functional.kl_div`, reduction 0/1/2 (default 0: none)."""
    # reduced here: F.kl_div warns about 'mean', ATen's kl_div does not
    pointwise = F.kl_div(input, target, reduction="none", log_target=log_target)
    how = _reduction(reduction)
    return pointwise if how == "none" else getattr(pointwise, how)()


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     pos_weight: Tensor | None = None,
                                     reduction: int = 0) -> Tensor:  # fmt: skip
    """``torch.binary_cross_entropy_with_logits`` (reduction 0/1/2; default 0: none); unlike
    the ``nn.functional`` form, input and target broadcast."""
    shape = infer_size(tuple(input.shape), tuple(target.shape))
    input, target = input.expand(shape), target.expand(shape)
    return F.binary_cross_entropy_with_logits(input, target, weight, pos_weight=pos_weight,
                                              reduction=_reduction(reduction))  # fmt: skip


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          reduction: int = 0) -> Tensor:  # fmt: skip
    """``torch.cosine_embedding_loss`` (reduction 0/1/2: none/mean/sum; default none)."""
    return F.cosine_embedding_loss(input1, input2, target, margin,
                                   reduction=_reduction(reduction))  # fmt: skip


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         reduction: int = 0) -> Tensor:  # fmt: skip
    """``torch.hinge_embedding_loss`` (reduction 0/1/2: none/mean/sum; default none)."""
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction: int = 0) -> Tensor:  # fmt: skip
    """``torch.margin_ranking_loss`` (reduction 0/1/2: none/mean/sum; default none)."""
    return F.margin_ranking_loss(input1, input2, target, margin,
                                 reduction=_reduction(reduction))  # fmt: skip


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool, full: bool, eps: float,
                     reduction: int) -> Tensor:  # fmt: skip
    """``torch.poisson_nll_loss``: every argument required, reduction 0/1/2."""
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps,
                              reduction=_reduction(reduction))  # fmt: skip


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                        reduction: int = 0) -> Tensor:  # fmt: skip
    """``torch.triplet_margin_loss`` (reduction 0/1/2: none/mean/sum; default none)."""
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                 reduction=_reduction(reduction))  # fmt: skip


# PyTorch has ``Tensor.prelu`` too; methods.py attaches the other methods, but runs before
# retrograd.nn can be imported.
Tensor.prelu = prelu  # type: ignore[attr-defined]
