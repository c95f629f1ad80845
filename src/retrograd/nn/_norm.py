"""The normalization functionals of ``nn.functional``: layer, RMS, group, batch and instance
norm, composed from retrograd's differentiable ops (so every order of derivative works)."""

from __future__ import annotations

import math
from typing import Any

import ml_dtypes

import retrograd as _rg

from .._tensor import Tensor
from ..autograd.grad_mode import no_grad


def _as_shape(normalized_shape: Any) -> tuple[int, ...]:
    if isinstance(normalized_shape, int):
        return (normalized_shape,)
    return tuple(int(n) for n in normalized_shape)


def _standardize(input: Tensor, dims: tuple[int, ...], eps: float) -> Tensor:
    """``(x - mean) / sqrt(var + eps)`` over ``dims`` with the biased variance."""
    var, mean = _rg.var_mean(input, dims, correction=0, keepdim=True)
    return (input - mean) * _rg.rsqrt(var + eps)


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
    out = _standardize(input, tuple(range(-len(shape), 0)), eps)
    if weight is not None:
        out = out * weight
    return out if bias is None else out + bias


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
    out = _standardize(grouped, (2,), eps).reshape(input.shape)
    return _affine(out, weight, bias)


def _check_running(input: Tensor, running_mean: Tensor | None,
                   running_var: Tensor | None) -> None:  # fmt: skip
    c = input.shape[1] if input.dim() > 1 else 1
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")


def _update_running(running: Tensor | None, stat: Tensor, momentum: float) -> None:
    """``running = (1 - momentum) * running + momentum * stat``, in place, unrecorded."""
    if running is not None:
        with no_grad():
            running.mul_(1 - momentum).add_(stat.detach().to(running.dtype), alpha=momentum)


def _normalize_by(input: Tensor, mean: Tensor, var: Tensor, eps: float) -> Tensor:
    """Normalize by given per-channel statistics (the running ones in eval mode)."""
    nd = input.dim()
    return (input - _channel_view(mean, nd)) * _rg.rsqrt(_channel_view(var, nd) + eps)


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
    if input.dim() < 2:
        raise ValueError(f"Expected 2D or more input (got {input.dim()}D input)")
    _check_running(input, running_mean, running_var)
    size = tuple(input.shape)
    count = size[0] * math.prod(size[2:])
    if not training:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
        return _affine(_normalize_by(input, running_mean, running_var, eps), weight, bias)
    if count == 1:
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size {list(size)}"
        )
    dims = (0, *range(2, input.dim()))
    var, mean = _rg.var_mean(input, dims, correction=0, keepdim=True)
    out = (input - mean) * _rg.rsqrt(var + eps)
    _update_running(running_mean, mean.reshape(-1), momentum)
    if running_var is not None:
        _update_running(running_var, var.reshape(-1) * (count / max(count - 1, 1)), momentum)
    return _affine(out, weight, bias)


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
    if input.dim() < 3:
        raise ValueError(f"Expected 3D or more input (got {input.dim()}D input)")
    _check_running(input, running_mean, running_var)
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise RuntimeError("Expected running_mean and running_var to be defined when "
                               "use_input_stats is false")  # fmt: skip
        return _affine(_normalize_by(input, running_mean, running_var, eps), weight, bias)
    spatial = math.prod(input.shape[2:])
    if spatial == 1:
        raise ValueError(
            "Expected more than 1 spatial element when training, got input size "
            f"{list(input.shape)}"
        )
    dims = tuple(range(2, input.dim()))
    var, mean = _rg.var_mean(input, dims, correction=0, keepdim=True)
    out = (input - mean) * _rg.rsqrt(var + eps)
    n, c = input.shape[0], input.shape[1]
    _update_running(running_mean, mean.reshape(n, c).mean(0), momentum)
    unbiased = var.reshape(n, c) * (spatial / (spatial - 1))
    _update_running(running_var, unbiased.mean(0), momentum)
    return _affine(out, weight, bias)


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


__all__ = [
    "batch_norm", "group_norm", "instance_norm", "layer_norm", "local_response_norm",
    "rms_norm",
]  # fmt: skip
