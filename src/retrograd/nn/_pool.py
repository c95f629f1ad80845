"""Pooling functionals: max, average, adaptive and power-average pooling, and max unpooling.

Argument parsing, PyTorch's output-size formulas and its shape checks live here; the
windows themselves are described per axis (see ``_prims/pool.py``) and pooled by the
primitives there. The 1-d forms run the 2-d primitives on an unsqueezed input, as PyTorch's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import retrograd as _rg

from .._ops.elementwise_ops import _not_implemented
from .._prims import pool as P
from .._prims._core import apply
from .._tensor import Tensor

# ---------------------------------------------------------------------------- helpers


def _tuple(x: Any, d: int, name: str, what: str) -> tuple[int, ...]:
    """An int or a 1- or d-element sequence as a d-tuple of ints (PyTorch's _ntuple rule)."""
    if isinstance(x, Sequence) and not isinstance(x, str):
        vals = tuple(int(v) for v in x)
        if len(vals) == 1:
            return vals * d
        if len(vals) != d:
            ints = "two" if d == 2 else "three" if d == 3 else "one"
            raise RuntimeError(
                f"{name}: {what} must either be a single int, or a tuple of {ints} ints"
            )
        return vals
    return (int(x),) * d


def output_size(n: int, k: int, pad: int, stride: int, dilation: int, ceil_mode: bool) -> int:
    """PyTorch's ``pooling_output_shape``, its checks included."""
    if stride == 0:
        raise RuntimeError("stride should not be zero")
    if pad < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {pad}")
    if pad > ((k - 1) * dilation + 1) // 2:
        raise RuntimeError(
            f"pad should be at most half of effective kernel size, but got pad={pad}, "
            f"kernel_size={k} and dilation={dilation}"
        )
    num = n + 2 * pad - dilation * (k - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = num // stride + 1
    if ceil_mode and (out - 1) * stride >= n + pad:
        out -= 1  # the last window must start inside the input or its left padding
    return out


def window_plan(n: int, out: int, k: int, stride: int, pad: int, dilation: int) -> P.Plan:
    """Taps of regular windows along one axis: ``i * stride - pad + j * dilation``."""
    pos = (np.arange(out, dtype=np.int64) * stride - pad)[:, None] + np.arange(k) * dilation
    return pos, (pos >= 0) & (pos < n), stride


def adaptive_bins(n: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's adaptive bins: ``[floor(i * n / out), ceil((i + 1) * n / out))``."""
    i = np.arange(out, dtype=np.int64)
    return (i * n) // out, ((i + 1) * n + out - 1) // out


def adaptive_plan(n: int, out: int) -> P.Plan:
    start, end = adaptive_bins(n, out)
    k = int((end - start).max()) if out else 0
    pos = start[:, None] + np.arange(k)
    return pos, pos < end[:, None], (n // out if out and n % out == 0 else None)


def _spatial_check(input: Tensor, d: int) -> None:
    """PyTorch's pool shape check: a (batch of) non-empty (C, *spatial) input."""
    nd = input.dim()
    shape = input.shape
    ok = nd in (d + 1, d + 2) and all(shape[nd - d - 1 :]) and (nd == d + 2 or shape[0])
    if not ok:
        raise RuntimeError(
            f"Expected {d + 1}D or {d + 2}D (batch mode) tensor with optional 0 dim batch size "
            f"for input, but got:{list(shape)}"
        )


def _size_check(input: Tensor, d: int, k: tuple[int, ...], s: tuple[int, ...],
                p: tuple[int, ...], dil: tuple[int, ...], out: list[int]) -> None:  # fmt: skip
    """PyTorch's pool2d/pool3d shape checks, in its order and words."""
    if min(k) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got {_named('k', k)}")
    if min(s) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got {_named('d', s)}")
    if min(dil) <= 0:
        raise RuntimeError(
            f"dilation should be greater than zero, but got {_named('dilation', dil)}"
        )
    _spatial_check(input, d)
    if any(pi > ki // 2 for pi, ki in zip(p, k)):
        axes = "THW"[3 - d :]
        pads = ", ".join(f"pad{a} = {v}" for a, v in zip(axes[::-1], p[::-1]))
        ks = ", ".join(f"k{a} = {v}" for a, v in zip(axes[::-1], k[::-1]))
        raise RuntimeError(
            f"pad should be smaller than or equal to half of kernel size, but got {pads}, {ks}"
        )
    if min(out) < 1:
        c = input.shape[-d - 1]
        sp = input.shape[input.dim() - d :]
        raise RuntimeError(
            f"Given input size: ({'x'.join(map(str, (c, *sp)))}). Calculated output size: "
            f"({'x'.join(map(str, (c, *out)))}). Output size is too small"
        )


def _named(prefix: str, vals: tuple[int, ...]) -> str:
    """PyTorch's ``kH: 2 kW: 2`` layout."""
    return " ".join(f"{prefix}{a}: {v}" for a, v in zip("THW"[3 - len(vals) :], vals))


def _regular(
    input: Tensor,
    d: int,
    name: str,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: bool,
) -> tuple[tuple[P.Plan, ...], list[int], bool]:
    """Per-axis plans of a max/avg pooling, the output's pooled shape and whether windows
    overlap, after PyTorch's checks."""
    k = _tuple(kernel_size, d, name, "kernel_size")
    s = k if stride is None or (isinstance(stride, Sequence) and not stride) else None
    s = s or _tuple(stride, d, name, "stride")
    p = _tuple(padding, d, name, "padding")
    dil = _tuple(dilation, d, name, "dilation")
    sp = input.shape[input.dim() - d :] if input.dim() >= d else (0,) * d
    out = [output_size(n, *a, ceil_mode) for n, *a in zip(sp, k, p, s, dil)]
    _size_check(input, d, k, s, p, dil, out)
    plans = tuple(window_plan(*a) for a in zip(sp, out, k, s, p, dil))
    overlap = any(si < (ki - 1) * di + 1 for si, ki, di in zip(s, k, dil))
    return plans, out, overlap


def _kernel_dtype(input: Tensor, kernel: str, ints: str) -> None:
    """PyTorch's CPU pooling kernels take floating inputs and, per kernel, some integers
    (``ints``: NumPy kind letters and sizes, e.g. ``'i8'`` for int64 only)."""
    dt = input._data.dtype
    if dt.kind in "fV" or f"{dt.kind}{dt.itemsize}" in ints or (dt.kind in "iu" and ints == "*"):
        return
    raise _not_implemented(kernel, dt)


def _max_pool(
    input: Tensor,
    d: int,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: bool,
    prim: type[P.Primitive],
) -> tuple[Tensor, Tensor]:
    if input.dim() not in (d + 1, d + 2):
        raise RuntimeError(f"non-empty {d + 1}D or {d + 2}D (batch mode) tensor expected for input")
    name = f"max_pool{d}d"
    _kernel_dtype(input, f"max_pool{d}d", "*")
    plans, _, overlap = _regular(input, d, name, kernel_size, stride, padding, dilation,
                                 ceil_mode)  # fmt: skip
    return apply(prim, input, plans=plans, overlap=overlap)


def _unsqueezed_1d(input: Tensor, what: str) -> None:
    if (
        input.dim() not in (2, 3)
        or (input.dim() == 3 and 0 in input.shape[1:])
        or (input.dim() == 2 and 0 in input.shape)
    ):
        raise RuntimeError(
            f"{what}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
            f"input, but got:{list(input.shape)}"
        )


def max_pool1d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None,
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:  # fmt: skip
    """:func:`max_pool1d` returning ``(values, indices)``."""
    _unsqueezed_1d(input, "max_pool1d")
    k, s = _tuple(kernel_size, 1, "max_pool1d", "kernel_size"), stride
    s = None if s is None or (isinstance(s, Sequence) and not s) else _tuple(s, 1, "", "")
    out, idx = _max_pool(input.unsqueeze(-2), 2, (1, k[0]), None if s is None else (1, s[0]),
                         (0, _tuple(padding, 1, "", "")[0]), (1, _tuple(dilation, 1, "", "")[0]),
                         ceil_mode, P.MaxPool2DWithIndices)  # fmt: skip
    return out.squeeze(-2), idx.squeeze(-2)


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:  # fmt: skip
    """Max pooling over the last dim of a ``(N, C, L)`` or ``(C, L)`` input.

    Args:
        input: ``(N, C, L_in)`` or ``(C, L_in)``.
        kernel_size: window size.
        stride: step between windows (default: ``kernel_size``).
        padding: implicit ``-inf`` padding on both sides (at most half the kernel).
        dilation: spacing between the taps of a window.
        ceil_mode: round the output length up instead of down.
        return_indices: also return the argmax positions (for :func:`max_unpool1d`).

    Returns:
        ``(N, C, L_out)`` values, and the int64 indices with ``return_indices``.

    Example:
        >>> F.max_pool1d(retrograd.tensor([[[1., 3., 2., 5.]]]), 2)
        tensor([[[3., 5.]]])
    """
    out, idx = max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return (out, idx) if return_indices else out


def max_pool2d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None,
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:  # fmt: skip
    """:func:`max_pool2d` returning ``(values, indices)``."""
    return _max_pool(input, 2, kernel_size, stride, padding, dilation, ceil_mode,
                     P.MaxPool2DWithIndices)  # fmt: skip


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:  # fmt: skip
    """Max pooling over the last two dims of a ``(N, C, H, W)`` or ``(C, H, W)`` input.

    Ties pick the first element of a window in row-major order and a NaN always wins, as
    PyTorch's CPU kernel; the gradient flows to the chosen element only.

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size: window size, an int or ``(kH, kW)``.
        stride: step between windows (default: ``kernel_size``).
        padding: implicit ``-inf`` padding (at most half the kernel).
        dilation: spacing between the taps of a window.
        ceil_mode: round output sizes up instead of down.
        return_indices: also return each maximum's flat index within its ``H * W`` plane.

    Returns:
        ``(N, C, H_out, W_out)`` values, and the int64 indices with ``return_indices``.

    Example:
        >>> F.max_pool2d(retrograd.arange(16.).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    out, idx = max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return (out, idx) if return_indices else out


def max_pool3d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None,
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:  # fmt: skip
    """:func:`max_pool3d` returning ``(values, indices)``."""
    return _max_pool(input, 3, kernel_size, stride, padding, dilation, ceil_mode,
                     P.MaxPool3DWithIndices)  # fmt: skip


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:  # fmt: skip
    """Max pooling over the last three dims of a ``(N, C, D, H, W)`` or ``(C, D, H, W)``
    input; arguments as :func:`max_pool2d` with 3-tuples, indices flat within ``D * H * W``.

    Example:
        >>> F.max_pool3d(retrograd.arange(8.).reshape(1, 1, 2, 2, 2), 2)
        tensor([[[[[7.]]]]])
    """
    out, idx = max_pool3d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return (out, idx) if return_indices else out


# ---------------------------------------------------------------------------- average


def _avg_divisor(n: int, out: int, k: int, s: int, p: int, include_pad: bool) -> np.ndarray:
    """Each window's element count along one axis, as PyTorch's avg_pool kernel counts."""
    start = np.arange(out, dtype=np.int64) * s - p
    end = np.minimum(start + k, n + p)
    if include_pad:
        return end - start
    return np.minimum(end, n) - np.maximum(start, 0)


def _outer(parts: list[np.ndarray]) -> np.ndarray:
    out = parts[0]
    for q in parts[1:]:
        out = np.multiply.outer(out, q)
    return out


def _avg_pool(input: Tensor, d: int, kernel_size: Any, stride: Any, padding: Any,
              ceil_mode: bool, count_include_pad: bool, divisor_override: int | None,
              prim: type[P.Primitive]) -> Tensor:  # fmt: skip
    name = f"avg_pool{d}d"
    if input.dim() < d + 1:
        n = input.dim()
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-max(n, 1)}, "
            f"{max(n, 1) - 1}], but got {-d - 1})"
        )
    if input.dim() > d + 2:
        raise RuntimeError(f"non-empty {d + 1}D or {d + 2}D (batch mode) tensor expected for input")
    _kernel_dtype(input, name, "i8")
    plans, out, _ = _regular(input, d, name, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None:
        if divisor_override == 0:
            raise RuntimeError("divisor must be not zero")
        divisor: Any = int(divisor_override)
    else:
        sp = input.shape[input.dim() - d :]
        k = _tuple(kernel_size, d, name, "kernel_size")
        s = k if stride is None or (isinstance(stride, Sequence) and not stride) else None
        s = s or _tuple(stride, d, name, "stride")
        p = _tuple(padding, d, name, "padding")
        parts = [_avg_divisor(*a, count_include_pad) for a in zip(sp, out, k, s, p)]
        divisor = _outer(parts)
    return apply(prim, input, plans=plans, divisor=divisor)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:  # fmt: skip
    """Average pooling over the last dim of a ``(N, C, L)`` or ``(C, L)`` input.

    Args:
        input: ``(N, C, L_in)`` or ``(C, L_in)``.
        kernel_size: window size; stride: step (default ``kernel_size``).
        padding: implicit zero padding on both sides (at most half the kernel).
        ceil_mode: round the output length up instead of down.
        count_include_pad: count padding zeros in each window's divisor.

    Returns:
        ``(N, C, L_out)``.

    Example:
        >>> F.avg_pool1d(retrograd.tensor([[[1., 3., 2., 6.]]]), 2)
        tensor([[[2., 4.]]])
    """
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument "
            "#1 'self' (while checking arguments for avg_pool1d)"
        )
    k = _tuple(kernel_size, 1, "avg_pool1d", "kernel_size")[0]
    s = None if stride is None or (isinstance(stride, Sequence) and not stride) else (
        1, _tuple(stride, 1, "avg_pool1d", "stride")[0]
    )  # fmt: skip
    p = _tuple(padding, 1, "avg_pool1d", "padding")[0]
    out = _avg_pool(input.unsqueeze(-2), 2, (1, k), s, (0, p), ceil_mode, count_include_pad,
                    None, P.AvgPool2D)  # fmt: skip
    return out.squeeze(-2)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:  # fmt: skip
    """Average pooling over the last two dims of a ``(N, C, H, W)`` or ``(C, H, W)`` input.

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size: window size, an int or ``(kH, kW)``; stride: step (default kernel).
        padding: implicit zero padding (at most half the kernel).
        ceil_mode: round output sizes up instead of down.
        count_include_pad: count padding zeros in each window's divisor.
        divisor_override: divide every window's sum by this instead.

    Returns:
        ``(N, C, H_out, W_out)``.

    Example:
        >>> F.avg_pool2d(retrograd.arange(16.).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """
    return _avg_pool(input, 2, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, P.AvgPool2D)  # fmt: skip


def avg_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:  # fmt: skip
    """Average pooling over the last three dims of a ``(N, C, D, H, W)`` or ``(C, D, H, W)``
    input; arguments as :func:`avg_pool2d` with 3-tuples.

    Example:
        >>> F.avg_pool3d(retrograd.arange(8.).reshape(1, 1, 2, 2, 2), 2)
        tensor([[[[[3.5000]]]]])
    """
    return _avg_pool(input, 3, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, P.AvgPool3D)  # fmt: skip


# ---------------------------------------------------------------------------- adaptive


def _adaptive_sizes(input: Tensor, d: int, output_size: Any, name: str,
                    colon: str = "") -> list[int]:  # fmt: skip
    """The pooled output shape (None keeps an input size), after PyTorch's checks."""
    nd = input.dim()
    if nd not in (d + 1, d + 2):
        raise RuntimeError(
            f"{name}(): Expected {d + 1}D or {d + 2}D tensor, but got{colon} {list(input.shape)}"
        )
    for i in range(nd - d - 1 + (nd == d + 1), nd):
        if input.shape[i] == 0:
            raise RuntimeError(
                f"{name}(): Expected input to have non-zero size for non-batch dimensions, but "
                f"input has sizes {list(input.shape)} with dimension {i} being empty"
            )
    sizes = output_size if isinstance(output_size, Sequence) else (output_size,) * d
    if len(sizes) == 1:
        sizes = tuple(sizes) * d
    if len(sizes) != d:
        raise RuntimeError(f"{name}: output_size must be {d}")
    sp = input.shape[nd - d :]
    out = [n if o is None else int(o) for n, o in zip(sp, sizes)]
    if min(out) < 0:
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 "
                           f"but received {{{', '.join(map(str, out))}}}")  # fmt: skip
    return out


def _adaptive_avg(input: Tensor, d: int, output_size: Any, prim: type[P.Primitive]) -> Tensor:
    name = f"adaptive_avg_pool{d}d"
    out = _adaptive_sizes(input, d, output_size, name)
    _kernel_dtype(input, name, "")
    sp = input.shape[input.dim() - d :]
    plans = tuple(adaptive_plan(n, o) for n, o in zip(sp, out))
    divisor = _outer([e - s for s, e in (adaptive_bins(n, o) for n, o in zip(sp, out))])
    return apply(prim, input, plans=plans, divisor=divisor)


def _adaptive_max(input: Tensor, d: int, output_size: Any,
                  prim: type[P.Primitive]) -> tuple[Tensor, Tensor]:  # fmt: skip
    name = f"adaptive_max_pool{d}d"
    out = _adaptive_sizes(input, d, output_size, name, ":")
    _kernel_dtype(input, name, "")
    sp = input.shape[input.dim() - d :]
    plans = tuple(adaptive_plan(n, o) for n, o in zip(sp, out))
    overlap = any(o and n % o for n, o in zip(sp, out))
    return apply(prim, input, plans=plans, overlap=bool(overlap))


def _check_1d(input: Tensor, name: str) -> None:
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument "
            f"#1 'self' (while checking arguments for {name})"
        )


def _one(output_size: Any, name: str) -> int:
    if isinstance(output_size, Sequence):
        if len(output_size) != 1:
            raise RuntimeError(f"{name}: output_size must be 1")
        return output_size[0]
    return output_size


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling of ``(N, C, L)`` or ``(C, L)`` to length ``output_size``: output ``i``
    averages ``input[floor(i * L / out) : ceil((i + 1) * L / out)]``.

    Example:
        >>> F.adaptive_avg_pool1d(retrograd.tensor([[[1., 2., 3., 4., 5.]]]), 2)
        tensor([[[2.0000, 4.0000]]])
    """
    _check_1d(input, "adaptive_avg_pool1d")
    size = _one(output_size, "adaptive_avg_pool1d")
    return _adaptive_avg(input.unsqueeze(-2), 2, (1, size), P.AdaptiveAvgPool2D).squeeze(-2)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling of ``(N, C, H, W)`` or ``(C, H, W)`` to ``output_size`` (an int, or
    ``(H_out, W_out)`` where None keeps that input size), with PyTorch's bins
    ``[floor(i * in / out), ceil((i + 1) * in / out))``.

    Example:
        >>> F.adaptive_avg_pool2d(retrograd.ones(1, 2, 5, 7), 1).shape
        retrograd.Size([1, 2, 1, 1])
    """
    return _adaptive_avg(input, 2, output_size, P.AdaptiveAvgPool2D)


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    """:func:`adaptive_avg_pool2d` over the last three dims of ``(N, C, D, H, W)`` or
    ``(C, D, H, W)``.

    Example:
        >>> F.adaptive_avg_pool3d(retrograd.ones(1, 2, 3, 4, 5), (1, 2, None)).shape
        retrograd.Size([1, 2, 1, 2, 5])
    """
    return _adaptive_avg(input, 3, output_size, P.AdaptiveAvgPool3D)


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max pooling of ``(N, C, L)`` or ``(C, L)`` to length ``output_size`` over PyTorch's
    adaptive bins; with ``return_indices`` also the argmax positions.

    Example:
        >>> F.adaptive_max_pool1d(retrograd.tensor([[[1., 5., 3., 4., 2.]]]), 2)
        tensor([[[5., 4.]]])
    """
    _check_1d(input, "adaptive_max_pool1d")
    size = _one(output_size, "adaptive_max_pool1d")
    out, idx = _adaptive_max(input.unsqueeze(-2), 2, (1, size), P.AdaptiveMaxPool2D)
    out, idx = out.squeeze(-2), idx.squeeze(-2)
    return (out, idx) if return_indices else out


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max pooling of ``(N, C, H, W)`` or ``(C, H, W)`` to ``output_size`` over PyTorch's
    adaptive bins; with ``return_indices`` also the flat per-plane argmax indices.

    Example:
        >>> F.adaptive_max_pool2d(retrograd.arange(16.).reshape(1, 1, 4, 4), 1)
        tensor([[[[15.]]]])
    """
    out, idx = _adaptive_max(input, 2, output_size, P.AdaptiveMaxPool2D)
    return (out, idx) if return_indices else out


def adaptive_max_pool3d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """:func:`adaptive_max_pool2d` over the last three dims.

    Example:
        >>> F.adaptive_max_pool3d(retrograd.arange(8.).reshape(1, 1, 2, 2, 2), 1)
        tensor([[[[[7.]]]]])
    """
    out, idx = _adaptive_max(input, 3, output_size, P.AdaptiveMaxPool3D)
    return (out, idx) if return_indices else out


# ---------------------------------------------------------------------------- power-average


def _lp_pool(input: Tensor, d: int, norm_type: float, kernel_size: Any, stride: Any,
             ceil_mode: bool) -> Tensor:  # fmt: skip
    k = _tuple(kernel_size, d, f"lp_pool{d}d", "kernel_size")
    pool = (avg_pool1d, avg_pool2d, avg_pool3d)[d - 1]
    out = pool(input.pow(norm_type), k if d > 1 else k[0], stride, 0, ceil_mode)
    # PyTorch's formula: sign(out) * relu(|out|) keeps the gradient at 0 as its own
    return (_rg.sign(out) * _rg.relu(_rg.abs(out))).mul(int(np.prod(k))).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:  # fmt: skip
    """Power-average pooling: ``(sum over window of x^p)^(1/p)`` over the last dim.

    Example:
        >>> F.lp_pool1d(retrograd.tensor([[[3., 4.]]]), 2, 2)
        tensor([[[5.]]])
    """
    return _lp_pool(input, 1, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:  # fmt: skip
    """Power-average pooling: ``(sum over window of x^p)^(1/p)`` over the last two dims.

    Example:
        >>> F.lp_pool2d(retrograd.tensor([[[[3., 4.]]]]), 2, (1, 2))
        tensor([[[[5.]]]])
    """
    return _lp_pool(input, 2, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:  # fmt: skip
    """Power-average pooling over the last three dims."""
    return _lp_pool(input, 3, norm_type, kernel_size, stride, ceil_mode)
