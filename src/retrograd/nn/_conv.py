"""Convolutions as functions: conv1d/2d/3d, conv_transpose1d/2d/3d, unfold and fold.

Argument checking (PyTorch's order and messages) happens here; the arithmetic and its
derivatives live in the ``Convolution``, ``Im2Col`` and ``Col2Im`` primitives.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._prims._core import apply
from .._prims.conv import Col2Im, Im2Col, conv
from .._tensor import Tensor
from ..amp import autocast_mode as _ac

_same_warned = False


def _tuple(name: str, value: Any, nd: int) -> tuple[int, ...]:
    """An int or a 1- or nd-element sequence, as the nd-tuple PyTorch expands it to."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * nd
    vals = tuple(int(v) for v in value)
    if len(vals) == 1:
        return vals * nd
    if len(vals) != nd:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {nd} values to match "
            f"the convolution dimensions, but got {name}={list(vals)}"
        )
    return vals


def _sizes(t: Any) -> str:
    return " x ".join(str(s) for s in t)


def _check_rank(name: str, nd: int, input: Tensor) -> bool:
    """Whether ``input`` has a batch dimension; PyTorch's error when its rank is wrong."""
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got "
            f"input of size: {list(input.shape)}"
        )
    return input.dim() == nd + 2


def _check_params(stride: tuple[int, ...], padding: tuple[int, ...], dilation: tuple[int, ...],
                  groups: int) -> None:  # fmt: skip
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")


def _check_operands(x: Tensor, weight: Tensor, bias: Tensor | None, groups: int,
                    transposed: bool) -> None:  # fmt: skip
    """Channels, groups, bias and dtypes, with PyTorch's messages (x is batched)."""
    w = list(weight.shape)
    if w[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [{w}] instead"
        )
    want = w[0] if transposed else w[1] * groups
    if x.shape[1] != want:
        head = "transposed=1" if transposed else f"groups={groups}"
        raise RuntimeError(
            f"Given {head}, weight of size {w}, expected input{list(x.shape)} to have {want} "
            f"channels, but got {x.shape[1]} channels instead"
        )
    if x.dtype != weight.dtype:
        raise RuntimeError(
            f"Input type ({_legacy_type(x.dtype)}) and weight type "
            f"({_legacy_type(weight.dtype)}) should be the same or input should be a MKLDNN "
            "tensor and weight is a dense tensor"
        )
    if bias is not None:
        n_out = w[1] * groups if transposed else w[0]
        if bias.dim() != 1 or bias.shape[0] != n_out:
            raise RuntimeError(
                f"Given weight of size {w}, expected bias to be 1-dimensional with {n_out} "
                f"elements, but got bias of size {list(bias.shape)} instead"
            )
        if bias.dtype != x.dtype:
            raise RuntimeError(
                f"Input type ({_scalar_name(x.dtype)}) and bias type "
                f"({_scalar_name(bias.dtype)}) should be the same"
            )


_LEGACY = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
           "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
           "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}  # fmt: skip


def _legacy_type(dtype: Any) -> str:
    """PyTorch's legacy tensor type name (``torch.FloatTensor``), as its conv errors use."""
    return f"torch.{_LEGACY.get(_short(dtype), _short(dtype))}Tensor"


_SCALAR = {"float32": "float", "float64": "double", "float16": "c10::Half",
           "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int"}  # fmt: skip


def _scalar_name(dtype: Any) -> str:
    """The C++ scalar type name PyTorch's bias-type error prints."""
    return _SCALAR.get(_short(dtype), _short(dtype))


def _short(dtype: Any) -> str:
    return str(dtype).split(".")[-1]


def _same_padding(x: Tensor, ksize: tuple[int, ...], stride: tuple[int, ...],
                  dilation: tuple[int, ...]) -> tuple[Tensor, tuple[int, ...]]:  # fmt: skip
    """PyTorch's padding='same': total ``dilation * (k - 1)``, the odd one out on the right
    (padded explicitly, with PyTorch's one-time warning), the rest symmetric."""
    global _same_warned
    if any(s != 1 for s in stride):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    total = [d * (k - 1) for k, d in zip(ksize, dilation)]
    extra = [t % 2 for t in total]
    if any(extra):
        if not _same_warned:
            _same_warned = True
            warnings.warn(
                "Using padding='same' with even kernel lengths and odd dilation may require a "
                "zero-padded copy of the input be created",
                UserWarning,
                stacklevel=4,
            )
        from .functional import pad

        widths: list[int] = []
        for e in reversed(extra):
            widths += [0, e]
        x = pad(x, widths)
    return x, tuple(t // 2 for t in total)


def _conv(name: str, nd: int, input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any,
          padding: Any, dilation: Any, groups: int) -> Tensor:  # fmt: skip
    if _ac._enabled:  # CPU autocast runs convolutions in its lower precision, as PyTorch
        input, weight, bias = _ac._autocast_args(input, weight, bias)
    batched = _check_rank(name, nd, input)
    x = input if batched else input.unsqueeze(0)
    wd = weight.dim() - 2
    stride_t, dilation_t = _tuple("stride", stride, wd), _tuple("dilation", dilation, wd)
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        pad_t = (0,) * wd
    else:
        pad_t = _tuple("padding", padding, wd)
    if wd != nd:
        raise RuntimeError(
            f"Expected {wd + 1}D (unbatched) or {wd + 2}D (batched) input to {name}, but got "
            f"input of size: {list(input.shape)} (weight of size {list(weight.shape)})"
        )
    _check_params(stride_t, pad_t, dilation_t, groups)
    _check_operands(x, weight, bias, groups, transposed=False)
    ksize = tuple(weight.shape[2:])
    if padding == "same":
        x, pad_t = _same_padding(x, ksize, stride_t, dilation_t)
    padded = [x.shape[2 + i] + 2 * pad_t[i] for i in range(nd)]
    dil_k = [dilation_t[i] * (ksize[i] - 1) + 1 for i in range(nd)]
    if any(p < k for p, k in zip(padded, dil_k)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({_sizes(padded)}). Kernel size: "
            f"({_sizes(dil_k)}). Kernel size can't be greater than actual input size"
        )
    out = conv(x, weight, bias, stride=stride_t, padding=pad_t, dilation=dilation_t,
               transposed=False, output_padding=(0,) * nd, groups=groups)  # fmt: skip
    return out if batched else out.squeeze(0)


def _conv_transpose(name: str, nd: int, input: Tensor, weight: Tensor, bias: Tensor | None,
                    stride: Any, padding: Any, output_padding: Any, groups: int,
                    dilation: Any) -> Tensor:  # fmt: skip
    if _ac._enabled:
        input, weight, bias = _ac._autocast_args(input, weight, bias)
    batched = _check_rank(name, nd, input)
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    x = input if batched else input.unsqueeze(0)
    wd = weight.dim() - 2
    stride_t, pad_t = _tuple("stride", stride, wd), _tuple("padding", padding, wd)
    dilation_t = _tuple("dilation", dilation, wd)
    op_t = _tuple("output_padding", output_padding, wd)
    if wd != nd:
        raise RuntimeError(
            f"Expected {wd + 1}D (unbatched) or {wd + 2}D (batched) input to {name}, but got "
            f"input of size: {list(input.shape)} (weight of size {list(weight.shape)})"
        )
    _check_params(stride_t, pad_t, dilation_t, groups)
    if any(o < 0 for o in op_t):
        raise RuntimeError("negative output_padding is not supported")
    _check_operands(x, weight, bias, groups, transposed=True)
    if any(op_t[i] >= stride_t[i] and op_t[i] >= dilation_t[i] for i in range(nd)):
        raise RuntimeError(
            f"output padding must be smaller than either stride or dilation, but got "
            f"output_padding={list(op_t)}, stride={list(stride_t)}, "
            f"dilation={list(dilation_t)}"
        )
    ksize = weight.shape[2:]
    out_sp = [(x.shape[2 + i] - 1) * stride_t[i] - 2 * pad_t[i]
              + dilation_t[i] * (ksize[i] - 1) + 1 + op_t[i] for i in range(nd)]  # fmt: skip
    if any(o <= 0 for o in out_sp):
        raise RuntimeError(
            f"Given input size per channel: ({_sizes(x.shape[2:])}). Calculated output size "
            f"per channel: ({_sizes(out_sp)}). Output size is too small"
        )
    out = conv(x, weight, bias, stride=stride_t, padding=pad_t, dilation=dilation_t,
               transposed=True, output_padding=op_t, groups=groups)  # fmt: skip
    return out if batched else out.squeeze(0)


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:  # fmt: skip
    """1-D convolution (cross-correlation) over ``(N, C_in, L)`` or unbatched ``(C_in, L)``.

    Args:
        input: ``(N, C_in, L)`` or ``(C_in, L)``.
        weight: ``(C_out, C_in / groups, kL)``.
        bias: ``(C_out,)`` or None.
        stride, dilation: an int or a 1-tuple.
        padding: an int, a 1-tuple, ``'valid'`` (none) or ``'same'`` (output as long as
            the input; stride 1 only).
        groups: split the channels into this many independent groups.

    Returns:
        ``(N, C_out, L_out)`` with ``L_out = (L + 2p - d(kL - 1) - 1) // s + 1``.

    Example::

        >>> F.conv1d(retrograd.randn(2, 4, 10), retrograd.randn(8, 4, 3)).shape
        retrograd.Size([2, 8, 8])
    """
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:  # fmt: skip
    """2-D convolution (cross-correlation) over ``(N, C_in, H, W)`` or ``(C_in, H, W)``.

    Args:
        input: ``(N, C_in, H, W)`` or ``(C_in, H, W)``.
        weight: ``(C_out, C_in / groups, kH, kW)``.
        bias: ``(C_out,)`` or None.
        stride, dilation: an int or a pair.
        padding: an int, a pair, ``'valid'`` or ``'same'`` (stride 1 only; an even kernel
            pads one more on the bottom/right, as PyTorch).
        groups: split the channels into this many independent groups.

    Returns:
        ``(N, C_out, H_out, W_out)``.

    Example::

        >>> F.conv2d(retrograd.randn(1, 3, 8, 8), retrograd.randn(4, 3, 3, 3), padding=1).shape
        retrograd.Size([1, 4, 8, 8])
    """
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:  # fmt: skip
    """3-D convolution over ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``.

    Args:
        input: ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``.
        weight: ``(C_out, C_in / groups, kD, kH, kW)``.
        bias: ``(C_out,)`` or None.
        stride, dilation: an int or a triple.
        padding: an int, a triple, ``'valid'`` or ``'same'`` (stride 1 only).
        groups: split the channels into this many independent groups.

    Returns:
        ``(N, C_out, D_out, H_out, W_out)``.

    Example::

        >>> F.conv3d(retrograd.randn(1, 2, 4, 4, 4), retrograd.randn(3, 2, 2, 2, 2)).shape
        retrograd.Size([1, 3, 3, 3, 3])
    """
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Tensor:  # fmt: skip
    """1-D transposed convolution (the input gradient of conv1d), over ``(N, C_in, L)``.

    Args:
        input: ``(N, C_in, L)`` or ``(C_in, L)``.
        weight: ``(C_in, C_out / groups, kL)``.
        bias: ``(C_out,)`` or None.
        stride, padding, dilation: an int or a 1-tuple (padding trims both ends).
        output_padding: extra length added to one end, smaller than stride or dilation.
        groups: split the channels into this many independent groups.

    Returns:
        ``(N, C_out, L_out)`` with ``L_out = (L - 1)s - 2p + d(kL - 1) + output_padding + 1``.

    Example::

        >>> F.conv_transpose1d(retrograd.randn(2, 4, 5), retrograd.randn(4, 3, 3),
        ...                    stride=2).shape
        retrograd.Size([2, 3, 11])
    """
    return _conv_transpose("conv_transpose1d", 1, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)  # fmt: skip


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Tensor:  # fmt: skip
    """2-D transposed convolution ("deconvolution") over ``(N, C_in, H, W)``.

    Args:
        input: ``(N, C_in, H, W)`` or ``(C_in, H, W)``.
        weight: ``(C_in, C_out / groups, kH, kW)``.
        bias: ``(C_out,)`` or None.
        stride, padding, dilation, output_padding: an int or a pair.
        groups: split the channels into this many independent groups.

    Returns:
        ``(N, C_out, H_out, W_out)``.

    Example::

        >>> F.conv_transpose2d(retrograd.randn(1, 4, 3, 3), retrograd.randn(4, 2, 3, 3),
        ...                    stride=2, output_padding=1).shape
        retrograd.Size([1, 2, 8, 8])
    """
    return _conv_transpose("conv_transpose2d", 2, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)  # fmt: skip


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Tensor:  # fmt: skip
    """3-D transposed convolution over ``(N, C_in, D, H, W)``.

    Args:
        input: ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``.
        weight: ``(C_in, C_out / groups, kD, kH, kW)``.
        bias: ``(C_out,)`` or None.
        stride, padding, dilation, output_padding: an int or a triple.
        groups: split the channels into this many independent groups.

    Returns:
        ``(N, C_out, D_out, H_out, W_out)``.

    Example::

        >>> F.conv_transpose3d(retrograd.randn(1, 2, 2, 2, 2),
        ...                    retrograd.randn(2, 3, 2, 2, 2)).shape
        retrograd.Size([1, 3, 3, 3, 3])
    """
    return _conv_transpose("conv_transpose3d", 3, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)  # fmt: skip


def _pair_checks(kernel_size: Any, dilation: Any, padding: Any, stride: Any) -> tuple[Any, ...]:
    out = []
    for name, v in (("kernel_size", kernel_size), ("dilation", dilation),
                    ("padding", padding), ("stride", stride)):  # fmt: skip
        t = (int(v), int(v)) if isinstance(v, (int, np.integer)) else tuple(int(i) for i in v)
        if len(t) != 2:
            raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(t)}")
        out.append(t)
    k, d, p, s = out
    if min(k) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: "
                           f"{k[0]} kernel_width: {k[1]}")  # fmt: skip
    if min(d) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: "
                           f"{d[0]} dilation_width: {d[1]}")  # fmt: skip
    if min(p) < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {p[0]} "
                           f"pad_width: {p[1]}")  # fmt: skip
    if min(s) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {s[0]} "
                           f"stride_width: {s[1]}")  # fmt: skip
    return k, d, p, s


def _blocks(size: Any, k: Any, d: Any, p: Any, s: Any) -> tuple[int, int]:
    return tuple((size[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2))


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> Tensor:  # fmt: skip
    """Extract sliding local blocks (im2col): ``(N, C, H, W)`` -> ``(N, C * kH * kW, L)``.

    Args:
        input: ``(N, C, H, W)`` or unbatched ``(C, H, W)``.
        kernel_size, dilation, padding, stride: an int or a pair.

    Returns:
        ``(N, C * kH * kW, L)``, one column per block, ``L`` the number of blocks.

    Example::

        >>> F.unfold(retrograd.randn(2, 3, 4, 5), kernel_size=2).shape
        retrograd.Size([2, 12, 12])
    """
    if input.dim() not in (3, 4) or any(s == 0 for s in input.shape[1:]):
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other "
            f"non-zero dimensions for input, but got: {list(input.shape)}"
        )
    k, d, p, s = _pair_checks(kernel_size, dilation, padding, stride)
    batched = input.dim() == 4
    x = input if batched else input.unsqueeze(0)
    n_l = _blocks(x.shape[2:], k, d, p, s)
    if min(n_l) < 1:
        raise RuntimeError(
            f"Given input with spatial size ({x.shape[2]}, {x.shape[3]}), kernel_size={k}, "
            f"dilation={d}, padding={p}, calculated shape of the array of sliding blocks as "
            f"{n_l}, but its components must be at least one."
        )
    out = apply(Im2Col, x, kernel_size=k, dilation=d, padding=p, stride=s)
    return out if batched else out.squeeze(0)


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Tensor:  # fmt: skip
    """Combine sliding local blocks into an image (col2im), summing overlaps: the adjoint of
    :func:`unfold`.

    Args:
        input: ``(N, C * kH * kW, L)`` or unbatched ``(C * kH * kW, L)``.
        output_size: the image's ``(H, W)`` (an int or a pair).
        kernel_size, dilation, padding, stride: an int or a pair, as given to unfold.

    Returns:
        ``(N, C, H, W)``.

    Example::

        >>> F.fold(retrograd.ones(1, 4, 9), (4, 4), kernel_size=2).shape
        retrograd.Size([1, 1, 4, 4])
    """
    if input.dim() not in (2, 3) or any(s == 0 for s in input.shape[1:]):
        raise RuntimeError(
            "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
            f"non-zero dimensions for input, but got: {list(input.shape)}"
        )
    size = (
        _tuple("output_size", output_size, 2)
        if isinstance(output_size, (int, np.integer))
        else tuple(int(v) for v in output_size)
    )
    if len(size) != 2:
        raise RuntimeError(f"It is expected output_size equals to 2, but got size {len(size)}")
    k, d, p, s = _pair_checks(kernel_size, dilation, padding, stride)
    batched = input.dim() == 3
    x = input if batched else input.unsqueeze(0)
    if x.shape[1] % (k[0] * k[1]):
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={x.shape[1]} and kernel_size={k}."
        )
    n_l = _blocks(size, k, d, p, s)
    if min(n_l) < 1 or n_l[0] * n_l[1] != x.shape[2]:
        raise RuntimeError(
            f"Given output_size={size}, kernel_size={k}, dilation={d}, padding={p}, "
            f"stride={s}, expected size of input's dimension 2 to match the calculated number "
            f"of sliding blocks {n_l[0]} * {n_l[1]} = {n_l[0] * n_l[1]}, but got "
            f"input.size(2)={x.shape[2]}."
        )
    out = apply(Col2Im, x, output_size=size, kernel_size=k, dilation=d, padding=p, stride=s)
    return out if batched else out.squeeze(0)


__all__ = [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "fold", "unfold",
]  # fmt: skip
