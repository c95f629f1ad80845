"""retrograd.nn.functional: layers, activations and losses as functions.

Everything here is a composite of retrograd's differentiable ops (no derivative rules).
Where PyTorch's gradient differs from the naive composite at an edge (hardtanh at its
bounds, softplus past its threshold, log-sigmoid at 0), the composite is arranged so the
gradient matches, and the unselected side of each ``where`` is clamped so it cannot produce
inf * 0 = nan in the backward pass.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

import retrograd as _rg

from .._ops.elementwise_ops import _not_implemented
from .._tensor import Tensor
from ..amp import autocast_mode as _ac
from ..autograd.grad_mode import state as _grad_state


def _type_name(t: Tensor) -> str:
    """PyTorch's scalar-type name (Float, Double, Long...) of ``t``'s dtype."""
    return str(_rg.empty(0, dtype=t.dtype).type()).split(".")[-1].removesuffix("Tensor")


def _floating_only(input: Tensor, kernel: str, *others: Tensor) -> None:
    """PyTorch's CPU kernel ``kernel`` takes floating inputs only: when ``input`` (and every
    tensor of ``others``, which promote with it) is integer or bool, it raises its
    NotImplementedError instead of computing in floating point."""
    if input._data.dtype.kind in "iub" and all(o._data.dtype.kind in "iub" for o in others):
        raise _not_implemented(kernel, input._data.dtype)


# ---------------------------------------------------------------------------- helpers


def _inplace_result(input: Tensor, result: Tensor, inplace: bool) -> Tensor:
    """With ``inplace``, write ``result`` into ``input``. An input that requires grad keeps
    its values (its history is still needed by the composite's backward) and the result is
    returned on its own."""
    if inplace and not (_grad_state.enabled and input.requires_grad):
        return input.copy_(result)
    return result


def _legacy_reduction(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    if size_average is None and reduce is None:
        return reduction
    reduction = _legacy_string(size_average, reduce)
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{reduction}' "
        "instead.",
        stacklevel=3,
    )
    return reduction


def _legacy_string(size_average: bool | None, reduce: bool | None) -> str:
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _check_reduction(reduction: str) -> None:
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _same_size_warning(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            stacklevel=3,
        )


# ---------------------------------------------------------------------------- linear


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``.

    Args:
        input: ``(*, in_features)``.
        weight: ``(out_features, in_features)`` (or ``(in_features,)``).
        bias: ``(out_features,)`` or None.

    Returns:
        ``(*, out_features)``.
    """
    if _ac._enabled:
        input, weight, bias = _ac._autocast_args(input, weight, bias)
    if input.dim() == 0 or input.shape[-1] != weight.shape[-1]:
        rows = input.numel() // input.shape[-1] if input.dim() and input.shape[-1] else 1
        cols = input.shape[-1] if input.dim() else 1
        w = weight.shape
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{cols} and "
            f"{w[-1]}x{w[0] if len(w) == 2 else 1})"
        )
    out = _rg.matmul(input, weight.t() if weight.dim() == 2 else weight)
    return out if bias is None else out + bias


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y_o = x1^T W_o x2 + b_o`` for each output feature ``o``.

    Args:
        input1: ``(*, in1_features)``; input2: ``(*, in2_features)`` with the same ``*``.
        weight: ``(out_features, in1_features, in2_features)``.
        bias: ``(out_features,)`` or None.
    """
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(
            f"bilinear(): input batch dimensions do not match: got {list(input1.shape[:-1])} "
            f"and {list(input2.shape[:-1])}"
        )
    if input1.shape[-1] != weight.shape[1] or input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(
            f"bilinear(): input sizes {input1.shape[-1]} and {input2.shape[-1]} do not match "
            f"the weight's {list(weight.shape)}"
        )
    out = _rg.einsum("...i,oij,...j->...o", input1, weight, input2)
    return out if bias is None else out + bias


# ---------------------------------------------------------------------------- activations


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(input, 0) (gradient 0 at 0)."""
    return input.relu_() if inplace else _rg.relu(input)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:  # fmt: skip
    """``input`` clamped to [min_val, max_val]; as PyTorch, the gradient is 0 at the bounds."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    kind = input._data.dtype.kind
    if kind in "iu":  # PyTorch clamps integers to the limits cut to integers, keeping the dtype
        if kind == "u" and min_val < 0:
            raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
        return _inplace_result(input, input.clamp(int(min_val), int(max_val)), inplace)
    inside = (input > min_val) & (input < max_val)
    out = _rg.where(inside, input, input.clamp(min_val, max_val).detach())
    return _inplace_result(input, out, inplace)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(input, 0), 6)``."""
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``input`` where positive, ``negative_slope * input`` elsewhere."""
    _floating_only(input, "leaky_relu_cpu")
    return _inplace_result(input, _rg.where(input > 0, input, input * negative_slope), inplace)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``input`` where positive, ``alpha * (exp(input) - 1)`` elsewhere."""
    _floating_only(input, "elu_cpu")
    neg = alpha * _rg.expm1(input.clamp(max=0))
    return _inplace_result(input, _rg.where(input > 0, input, neg), inplace)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * elu(input, alpha)`` with SELU's fixed constants."""
    return _inplace_result(input, _SELU_SCALE * elu(input, _SELU_ALPHA), inplace)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    _floating_only(input, "elu_cpu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    neg = alpha * _rg.expm1(input.clamp(max=0) / alpha)
    return _inplace_result(input, _rg.where(input > 0, input, neg), inplace)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """``x * Phi(x)``; ``approximate='tanh'`` uses PyTorch's tanh approximation."""
    _floating_only(input, "GeluKernelImpl")
    if approximate == "none":
        return input * 0.5 * (1.0 + _rg.erf(input * (1.0 / math.sqrt(2.0))))
    if approximate == "tanh":
        inner = math.sqrt(2.0 / math.pi) * (input + 0.044715 * input * input * input)
        return 0.5 * input * (1.0 + _rg.tanh(inner))
    raise RuntimeError(f"approximate argument must be either none or tanh, got {approximate}")


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)``."""
    _floating_only(input, "silu_cpu")
    return _inplace_result(input, input * _rg.sigmoid(input), inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, and ``x`` where ``beta * x > threshold``."""
    _floating_only(input, "softplus_cpu")
    bx = input * beta
    soft = _rg.log1p(_rg.exp(bx.clamp(max=threshold))) / beta
    return _rg.where(bx > threshold, input, soft)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``."""
    _floating_only(input, "mish_cpu")
    return _inplace_result(input, input * _rg.tanh(softplus(input)), inplace)


def sigmoid(input: Tensor) -> Tensor:
    return _rg.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    return _rg.tanh(input)


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x))`` without overflow, with the gradient ``1 - sigmoid(x)``."""
    _floating_only(input, "log_sigmoid_cpu")
    neg = input.clamp(max=0)
    pos = input.clamp(min=0)
    return _rg.where(input < 0, neg - _rg.log1p(_rg.exp(neg)), _rg.log(_rg.sigmoid(pos)))


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``."""
    return input / (1 + input.abs())


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(x + 3) / 6``; the gradient is 1/6 strictly inside (-3, 3), else 0."""
    _floating_only(input, "hardsigmoid_cpu")
    inside = (input > -3) & (input < 3)
    flat = (input >= 3).to(input.dtype)
    return _inplace_result(input, _rg.where(inside, input / 6 + 0.5, flat), inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * relu6(x + 3) / 6`` with PyTorch's gradient (``x/3 + 1/2`` on (-3, 3), 0 at -3
    and below, 1 at 3 and above)."""
    _floating_only(input, "hardswish_cpu")
    mid = input * (input + 3) / 6
    out = _rg.where(input <= -3, input * 0, _rg.where(input < 3, mid, input))
    return _inplace_result(input, out, inplace)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``input`` where it is greater than ``threshold``, else ``value``."""
    out = _rg.where(input > threshold, input, _rg.full_like(input, value))
    return _inplace_result(input, out, inplace)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """``a * sigmoid(b)`` where ``a, b`` are the halves of ``input`` along ``dim``."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    n = input.shape[dim]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size {n}")
    a, b = _rg.chunk(input, 2, dim)
    return a * _rg.sigmoid(b)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``input`` where positive, ``weight * input`` elsewhere; ``weight`` runs along dim 1."""
    if _ac._enabled:
        input, weight = _ac._autocast_args(input, weight)
    if input.dtype != weight.dtype:
        raise RuntimeError(
            f"prelu: Type promoting not supported. Got {_type_name(input)} and {_type_name(weight)}"
        )
    if weight.numel() != 1:
        if input.dim() < 2 or input.shape[1] != weight.numel():
            got = input.shape[1] if input.dim() >= 2 else input.shape[0] if input.dim() else 1
            raise RuntimeError(
                f"Mismatch of parameter numbers and input channel size. Found parameter "
                f"numbers = {weight.numel()} and channel size = {got}."
            )
        weight = weight.reshape([-1] + [1] * (input.dim() - 2))
    return _rg.where(input > 0, input, weight * input)


def _softmax_dim(name: str, ndim: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to "
        "include dim=X as an argument.",
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:  # fmt: skip
    """``exp(x) / exp(x).sum(dim)``."""
    if dim is None:
        dim = _softmax_dim("softmax", input.dim())
    return _rg.softmax(input, dim, dtype=dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:  # fmt: skip
    """``softmax(-x)``."""
    if dim is None:
        dim = _softmax_dim("softmin", input.dim())
    return _rg.softmax(-input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype: Any = None) -> Tensor:  # fmt: skip
    """``log(softmax(x, dim))``, computed stably."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim())
    return _rg.log_softmax(input, dim, dtype=dtype)


# ---------------------------------------------------------------------------- dropout


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``;
    the identity when not ``training``. Samples come from retrograd's global generator."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return _inplace_result(input, input * 0, inplace)
    keep = _rg.rand(input.shape, dtype=input.dtype) >= p
    out = input * keep.to(input.dtype) * (1.0 / (1.0 - p))
    return _inplace_result(input, out, inplace)


# ---------------------------------------------------------------------------- shape helpers


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Int64 one-hot encoding with a new last dimension of size ``num_classes``."""
    if tensor.dtype != _rg.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    idx = tensor.numpy()
    if idx.size and idx.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if idx.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(idx.max()) + 1
    elif idx.size and idx.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(idx.shape + (num_classes,), np.int64)
    np.put_along_axis(out, idx[..., None], 1, axis=-1)
    return _rg.from_numpy(out)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``input / max(||input||_p, eps)`` along ``dim``."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    result = input / denom
    return result if out is None else out.copy_(result)


def _pad_index(n: int, left: int, right: int, mode: str) -> np.ndarray:
    j = np.arange(-left, n + right)
    if mode == "replicate":
        return np.clip(j, 0, n - 1)
    if mode == "circular":
        return j % n
    period = 2 * (n - 1)  # reflect: mirror about the edges without repeating them
    j = np.abs(j) % period if period else np.zeros_like(j)
    return np.where(j >= n, period - j, j)


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dimensions: ``pad = (last_left, last_right,
    second_last_left, ...)``. Modes ``'constant'`` (negative pads crop), ``'reflect'``,
    ``'replicate'``, ``'circular'``."""
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.dim():
        raise RuntimeError("Padding length should be less than or equal to two times the input "
                           "dimension but got padding length " + f"{len(pad)} and input of "
                           f"dimension {input.dim()}")  # fmt: skip
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode != "constant":
        _check_pad_mode(input, len(pad), mode, value)
    out = input
    plan: list[Any] = []  # (dim, gather indices) of the reflect / replicate modes
    for i in range(len(pad) // 2):
        dim = input.dim() - 1 - i
        left, right = int(pad[2 * i]), int(pad[2 * i + 1])
        n = out.shape[dim]
        if mode == "constant":
            out = _pad_constant(out, dim, left, right, 0.0 if value is None else value)
            continue
        if mode == "circular" and (left > n or right > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "circular" and min(left, right) < 0:
            # PyTorch crops first, then wraps around what is left
            out = out.narrow(dim, max(-left, 0), n - max(-left, 0) - max(-right, 0))
            left, right, n = max(left, 0), max(right, 0), out.shape[dim]
        if mode == "reflect" and (left >= n or right >= n):
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({left}, {right}) at dimension {dim} of input "
                f"{list(input.shape)}"
            )
        idx = _pad_index(n, left, right, mode).astype(np.int64)
        if mode == "circular":
            out = out.index_select(dim, _rg.from_numpy(idx))
        else:
            plan.append((dim, idx))
    if plan:  # one node, named as PyTorch's (ReflectionPad2DBackward0, ...)
        from .._prims.conv import PAD_PRIMS, apply

        out = apply(PAD_PRIMS[mode, len(plan)], out, plan=tuple(plan))
    return out


def _check_pad_mode(input: Tensor, n_pad: int, mode: str, value: float | None) -> None:
    """PyTorch's rules for the non-constant modes: no fill value, and 1, 2 or 3 padded dims
    on an input with one or two leading (batch, channel) dims more."""
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if n_pad not in (2, 4, 6) or input.dim() not in (n_pad // 2 + 1, n_pad // 2 + 2):
        raise NotImplementedError(
            f"Padding size {n_pad} is not supported for {input.dim()}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )


def _pad_constant(x: Tensor, dim: int, left: int, right: int, value: float) -> Tensor:
    n = x.shape[dim]
    if left < 0 or right < 0:
        start, stop = max(-left, 0), n - max(-right, 0)
        if stop < start:
            raise RuntimeError(
                f"The input size {n}, plus negative padding {left} and {right} resulted in a "
                "negative output size, which is invalid. Check dimension "
                f"{dim} of your input."
            )
        x = x.narrow(dim, start, stop - start)
        left, right = max(left, 0), max(right, 0)
    parts = []
    for width in (left, right):
        shape = list(x.shape)
        shape[dim] = width
        parts.append(_rg.full(shape, value, dtype=x.dtype))
    return _rg.cat([parts[0], x, parts[1]], dim) if left or right else x


# ---------------------------------------------------------------------------- losses
from ._conv import (  # noqa: E402
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    fold,
    unfold,
)
from ._losses import (  # noqa: E402  (the losses use the activations above)
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cosine_embedding_loss,
    cosine_similarity,
    cross_entropy,
    gaussian_nll_loss,
    hinge_embedding_loss,
    huber_loss,
    kl_div,
    l1_loss,
    margin_ranking_loss,
    mse_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    nll_loss,
    pairwise_distance,
    poisson_nll_loss,
    smooth_l1_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from ._norm import (  # noqa: E402
    batch_norm,
    embedding,
    embedding_bag,
    group_norm,
    instance_norm,
    layer_norm,
    local_response_norm,
    rms_norm,
)

__all__ = [
    "bilinear", "binary_cross_entropy", "binary_cross_entropy_with_logits", "celu",
    "cross_entropy", "dropout", "elu", "gelu", "glu", "hardsigmoid", "hardswish", "hardtanh",
    "huber_loss", "kl_div", "l1_loss", "leaky_relu", "linear", "log_softmax", "logsigmoid",
    "mish", "mse_loss", "nll_loss", "normalize", "one_hot", "pad", "prelu", "relu", "relu6",
    "selu", "sigmoid", "silu", "smooth_l1_loss", "softmax", "softmin", "softplus", "softsign",
    "tanh", "threshold",
]  # fmt: skip
__all__ += [
    "batch_norm", "embedding", "embedding_bag", "group_norm", "instance_norm", "layer_norm",
    "local_response_norm", "rms_norm",
]  # fmt: skip
__all__ += ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
            "conv_transpose3d", "fold", "unfold"]  # fmt: skip
from ._pool import (  # noqa: E402
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    adaptive_max_pool3d,
    alpha_dropout,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    channel_shuffle,
    dropout1d,
    dropout2d,
    dropout3d,
    feature_alpha_dropout,
    fractional_max_pool2d,
    fractional_max_pool3d,
    interpolate,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
    max_pool1d,
    max_pool1d_with_indices,
    max_pool2d,
    max_pool2d_with_indices,
    max_pool3d,
    max_pool3d_with_indices,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
    pixel_shuffle,
    pixel_unshuffle,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)

__all__ += [
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
    "adaptive_max_pool2d", "adaptive_max_pool3d", "alpha_dropout", "avg_pool1d", "avg_pool2d",
    "avg_pool3d", "channel_shuffle", "dropout1d", "dropout2d", "dropout3d",
    "feature_alpha_dropout", "fractional_max_pool2d", "fractional_max_pool3d", "interpolate",
    "lp_pool1d", "lp_pool2d", "lp_pool3d", "max_pool1d", "max_pool1d_with_indices", "max_pool2d",
    "max_pool2d_with_indices", "max_pool3d", "max_pool3d_with_indices", "max_unpool1d",
    "max_unpool2d", "max_unpool3d", "pixel_shuffle", "pixel_unshuffle", "upsample",
    "upsample_bilinear", "upsample_nearest",
]  # fmt: skip
from ._attention import multi_head_attention_forward, scaled_dot_product_attention  # noqa: E402

__all__ += ["multi_head_attention_forward", "scaled_dot_product_attention"]
__all__ += [
    "cosine_embedding_loss", "cosine_similarity", "gaussian_nll_loss",
    "hinge_embedding_loss", "margin_ranking_loss", "multi_margin_loss",
    "multilabel_margin_loss", "multilabel_soft_margin_loss", "pairwise_distance",
    "poisson_nll_loss", "soft_margin_loss", "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]  # fmt: skip
