"""The functionals that resample a grid: pooling (max, average, adaptive, fractional,
power-average; max unpooling), interpolation, pixel and channel shuffles, and the dropout
of whole channels.

Argument parsing, PyTorch's output-size and source-index formulas and its checks live here;
the windows and taps are described per axis and handed to the primitives of
``_prims/pool.py``. The 1-d pooling forms run the 2-d primitives on an unsqueezed input, as
PyTorch's do.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

import retrograd as _rg

from .._fpe import quiet
from .._ops.elementwise_ops import _not_implemented
from .._prims import pool as P
from .._prims._core import apply
from .._tensor import Tensor
from ..autograd import forward_ad as _fw
from ..autograd.grad_mode import state as _grad_state

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


def _values_only(input: Tensor, return_indices: bool) -> bool:
    """Whether max pooling may skip its indices: none returned and nothing to record."""
    if return_indices or _fw.active:
        return False
    return not (_grad_state.enabled and input.requires_grad)


def _max_pool_values(input: Tensor, d: int, kernel_size: Any, stride: Any, padding: Any,
                     dilation: Any, ceil_mode: bool) -> Tensor:  # fmt: skip
    """Max pooling's values alone (inference): the same checks, half the work."""
    if input.dim() not in (d + 1, d + 2):
        raise RuntimeError(f"non-empty {d + 1}D or {d + 2}D (batch mode) tensor expected for input")
    _kernel_dtype(input, f"max_pool{d}d", "*")
    plans, _, _ = _regular(input, d, f"max_pool{d}d", kernel_size, stride, padding, dilation,
                           ceil_mode)  # fmt: skip
    return Tensor._wrap(P.max_pool_values(input._data, plans))


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
    args = _as_2d(input, kernel_size, stride, padding, dilation)
    out, idx = _max_pool(input.unsqueeze(-2), 2, *args, ceil_mode, P.MaxPool2DWithIndices)
    return out.squeeze(-2), idx.squeeze(-2)


def _as_2d(input: Tensor, kernel_size: Any, stride: Any, padding: Any,
           dilation: Any) -> tuple[Any, ...]:  # fmt: skip
    """max_pool1d's arguments as those of a 2-d pooling over a height of 1."""
    _unsqueezed_1d(input, "max_pool1d")
    k, s = _tuple(kernel_size, 1, "max_pool1d", "kernel_size"), stride
    s = None if s is None or (isinstance(s, Sequence) and not s) else _tuple(s, 1, "", "")
    return ((1, k[0]), None if s is None else (1, s[0]), (0, _tuple(padding, 1, "", "")[0]),
            (1, _tuple(dilation, 1, "", "")[0]))  # fmt: skip


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
    if _values_only(input, return_indices):
        # PyTorch's values-only 1-d kernel takes floating inputs only (its 2-d/3-d kernels,
        # and the 1-d one with indices, take integers too)
        _kernel_dtype(input, "max_pool1d_impl", "")
        args = _as_2d(input, kernel_size, stride, padding, dilation)
        return _max_pool_values(input.unsqueeze(-2), 2, *args, ceil_mode).squeeze(-2)
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
    if _values_only(input, return_indices):
        return _max_pool_values(input, 2, kernel_size, stride, padding, dilation, ceil_mode)
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
    if _values_only(input, return_indices):
        return _max_pool_values(input, 3, kernel_size, stride, padding, dilation, ceil_mode)
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


def _adaptive_max(input: Tensor, d: int, output_size: Any, prim: type[P.Primitive],
                  return_indices: bool) -> tuple[Tensor, Tensor | None]:  # fmt: skip
    """Values and indices (None when the values alone will do: see _values_only)."""
    name = f"adaptive_max_pool{d}d"
    out = _adaptive_sizes(input, d, output_size, name, ":")
    _kernel_dtype(input, name, "")
    sp = input.shape[input.dim() - d :]
    plans = tuple(adaptive_plan(n, o) for n, o in zip(sp, out))
    if _values_only(input, return_indices):
        return Tensor._wrap(P.max_pool_values(input._data, plans)), None
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
        tensor([[[2., 4.]]])
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
    out, idx = _adaptive_max(input.unsqueeze(-2), 2, (1, size), P.AdaptiveMaxPool2D,
                             return_indices)  # fmt: skip
    if return_indices:
        assert idx is not None
        return out.squeeze(-2), idx.squeeze(-2)
    return out.squeeze(-2)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max pooling of ``(N, C, H, W)`` or ``(C, H, W)`` to ``output_size`` over PyTorch's
    adaptive bins; with ``return_indices`` also the flat per-plane argmax indices.

    Example:
        >>> F.adaptive_max_pool2d(retrograd.arange(16.).reshape(1, 1, 4, 4), 1)
        tensor([[[[15.]]]])
    """
    out, idx = _adaptive_max(input, 2, output_size, P.AdaptiveMaxPool2D, return_indices)
    return (out, idx) if return_indices else out


def adaptive_max_pool3d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """:func:`adaptive_max_pool2d` over the last three dims.

    Example:
        >>> F.adaptive_max_pool3d(retrograd.arange(8.).reshape(1, 1, 2, 2, 2), 1)
        tensor([[[[[7.]]]]])
    """
    out, idx = _adaptive_max(input, 3, output_size, P.AdaptiveMaxPool3D, return_indices)
    return (out, idx) if return_indices else out


# ---------------------------------------------------------------------------- fractional


def _intervals(sample: np.ndarray, n: int, out: int, pool: int) -> np.ndarray:
    """PyTorch's generate_intervals: each plane's window starts along one axis, from its
    sample in [0, 1) (computed in the input's precision)."""
    dt = sample.dtype
    starts = np.empty(sample.shape + (out,), np.int64)
    if out > 1:
        alpha = dt.type(n - pool) / dt.type(out - 1)
        i = np.arange(out - 1).astype(dt)
        with quiet():
            a = ((i + sample[..., None]) * alpha).astype(np.int64)
            starts[..., :-1] = a - (sample * alpha).astype(np.int64)[..., None]
    if out > 0:
        starts[..., -1] = n - pool
    return starts


def _fractional(input: Tensor, d: int, kernel_size: Any, output_size: Any, output_ratio: Any,
                samples: Tensor | None) -> tuple[Tensor, Tensor]:  # fmt: skip
    name = f"fractional_max_pool{d}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    nd = input.dim()
    if nd not in (d + 1, d + 2):
        raise RuntimeError(f"{name}(): Expected {d + 1}D or {d + 2}D tensor, but got: "
                           f"{list(input.shape)}")  # fmt: skip
    sp = input.shape[nd - d :]
    if output_size is None:
        ratio = _ratio(output_ratio, d)
        out = [int(n * r) for n, r in zip(sp, ratio)]
    else:
        out = list(_tuple(output_size, d, name, "output_size"))
    pool = _tuple(kernel_size, d, name, "kernel_size")
    where = f"{name}()" if d == 2 else f"{name}_out()"
    for axis, n, o, k in zip(("time", "height", "width")[3 - d :], sp, out, pool):
        if o + k - 1 > n:
            raise RuntimeError(f"{where}: pool {axis} {k} too large relative to input {axis} {n}")
    planes = input.shape[0] if nd == d + 2 else 1
    c = input.shape[-d - 1]
    if samples is None:
        samples = _rg.rand((planes, c, d), dtype=input.dtype)
    elif samples.dim() != 3 or samples.shape[1] != c:
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    # PyTorch's samples list the axes W, H (2-d) or T, H, W (3-d)
    order = (1, 0) if d == 2 else (0, 1, 2)
    smp = samples._data.astype(_acc(input._data.dtype), copy=False)
    starts = tuple(
        _intervals(smp[..., order[k]], n, o, p).reshape((-1, o))
        for k, (n, o, p) in enumerate(zip(sp, out, pool))
    )
    if nd == d + 1:  # one plane per channel: the samples' batch of 1 goes
        starts = tuple(s.reshape((c, -1)) for s in starts)
    prim = P.FractionalMaxPool2D if d == 2 else P.FractionalMaxPool3D
    # the last window is pinned to the end, so even wide steps can overlap there
    return apply(prim, input, starts=starts, pool=pool, overlap=True)


def _acc(dt: np.dtype) -> type:
    return np.float64 if dt == np.float64 else np.float32


def _ratio(r: Any, d: int) -> tuple[float, ...]:
    vals = tuple(float(v) for v in r) if isinstance(r, Sequence) else (float(r),) * d
    return vals * d if len(vals) == 1 else vals


def fractional_max_pool2d(input: Tensor, kernel_size: Any, output_size: Any = None,
                          output_ratio: Any = None, return_indices: bool = False,
                          _random_samples: Tensor | None = None) -> Any:  # fmt: skip
    """Fractional max pooling over the last two dims (Graham, 2014): boxes of
    ``kernel_size`` at pseudo-random starts (one sample in [0, 1) per plane and axis) that
    shrink the input to ``output_size`` (or ``output_ratio`` of it).

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size: box size, an int or a pair.
        output_size: ``(H_out, W_out)``; or output_ratio: fractions of ``(H, W)``.
        return_indices: also return the flat per-plane argmax indices.
        _random_samples: ``(N, C, 2)`` samples (width, height), drawn when not given.

    Returns:
        ``(N, C, H_out, W_out)``, and the indices with ``return_indices``.
    """
    out, idx = _fractional(input, 2, kernel_size, output_size, output_ratio, _random_samples)
    return (out, idx) if return_indices else out


def fractional_max_pool3d(input: Tensor, kernel_size: Any, output_size: Any = None,
                          output_ratio: Any = None, return_indices: bool = False,
                          _random_samples: Tensor | None = None) -> Any:  # fmt: skip
    """Fractional max pooling over the last three dims; samples ``(N, C, 3)`` are
    ``(time, height, width)``; otherwise as :func:`fractional_max_pool2d`."""
    out, idx = _fractional(input, 3, kernel_size, output_size, output_ratio, _random_samples)
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


# ---------------------------------------------------------------------------- upsampling
# Interpolation runs axis by axis (every mode PyTorch has here is separable): each output
# position reads a few taps of the input axis weighted by PyTorch's CPU kernel's weights,
# computed in its "opmath" precision (float32 below float64) with its exact source-index
# formulas. The taps go to one primitive (named as PyTorch's node) whose backward is its
# transpose, so every order of derivative is exact.

_INTERP_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_CUBIC_A = -0.75


def _opmath(dt: np.dtype) -> type:
    return np.float64 if dt == np.float64 else np.float32


def _kernel_scale(n: int, out: int, align_corners: bool, scale: float | None, op: type) -> Any:
    """PyTorch's area_pixel_compute_scale: input step per output step."""
    if align_corners:
        return op(n - 1) / op(out - 1) if out > 1 else op(0)
    if scale is not None and scale > 0:
        return op(1.0 / scale)
    return op(n) / op(out)


def _source_index(scale: Any, out: int, align_corners: bool, cubic: bool, op: type) -> Any:
    """PyTorch's area_pixel_compute_source_index for every output position."""
    i = np.arange(out).astype(op)
    if align_corners:
        return scale * i
    src = scale * (i + op(0.5)) - op(0.5)
    return src if cubic else np.maximum(src, op(0))


def _nearest_taps(n: int, out: int, scale: float | None, exact: bool, op: type) -> np.ndarray:
    s = _kernel_scale(n, out, False, scale, op)
    if exact:
        src = np.floor(_source_index(s, out, False, False, op) + op(0.5))
    else:
        src = np.floor(s * np.arange(out).astype(op))
    return np.minimum(src.astype(np.int64), n - 1)


def _linear_taps(n: int, out: int, align_corners: bool, scale: float | None,
                 op: type) -> list[tuple[np.ndarray, np.ndarray | None]]:  # fmt: skip
    """Two taps (index, weight) per output position: PyTorch's linear interpolation."""
    if n == out:  # PyTorch copies the axis as is
        return [(np.arange(n), None)]
    real = _source_index(_kernel_scale(n, out, align_corners, scale, op), out, align_corners,
                         False, op)  # fmt: skip
    i0 = np.minimum(np.floor(real).astype(np.int64), n - 1)
    lam1 = np.clip(real - i0.astype(op), op(0), op(1)).astype(op)
    i1 = i0 + (i0 < n - 1)
    return [(i0, (op(1) - lam1).astype(op)), (i1, lam1)]


def _cubic_taps(n: int, out: int, align_corners: bool, scale: float | None,
                op: type) -> list[tuple[np.ndarray, np.ndarray | None]]:  # fmt: skip
    """Four taps per output position: PyTorch's bicubic convolution (A = -0.75), reading
    clamped positions at the edges."""
    real = _source_index(_kernel_scale(n, out, align_corners, scale, op), out, align_corners,
                         True, op)  # fmt: skip
    i0 = np.minimum(np.floor(real).astype(np.int64), n - 1)
    t = np.clip(real - i0.astype(op), op(0), op(1)).astype(op)
    a = op(_CUBIC_A)

    def near(x: Any) -> Any:  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x: Any) -> Any:  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    one = op(1)
    weights = [far(t + one), near(t), near(one - t), far(one - t + one)]
    return [(np.clip(i0 - 1 + j, 0, n - 1), w.astype(op)) for j, w in enumerate(weights)]


def _aa_taps(n: int, out: int, align_corners: bool, scale: float | None, mode: str,
             op: type) -> list[tuple[np.ndarray, np.ndarray | None]]:  # fmt: skip
    """Anti-aliased taps (PyTorch's _compute_indices_min_size_weights_aa): when shrinking,
    the filter (triangle, Keys cubic with a = -0.5, or Lanczos-3) is stretched over
    ``in / out`` input pixels; each output's weights are normalised to sum to 1."""
    s = float(_kernel_scale(n, out, align_corners, scale, op))
    support = {"bilinear": 1.0, "bicubic": 2.0, "lanczos": 3.0}[mode] * max(s, 1.0)
    width = int(np.ceil(support)) * 2 + 1
    center = s * (np.arange(out) + 0.5)
    xmin = np.maximum((center - support + 0.5).astype(np.int64), 0)
    xsize = np.clip(np.minimum((center + support + 0.5).astype(np.int64), n) - xmin, 0, width)
    j = np.arange(width)
    x = np.abs((j + xmin[:, None] - center[:, None] + 0.5) * (1.0 / s if s >= 1.0 else 1.0))
    if mode == "bicubic":
        a = -0.5
        w = np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                     np.where(x < 2, ((a * x - 5 * a) * x + 8 * a) * x - 4 * a, 0.0))  # fmt: skip
    elif mode == "lanczos":
        w = np.where(x < 3, np.sinc(x) * np.sinc(x / 3), 0.0)
    else:
        w = np.maximum(1.0 - x, 0.0)
    w = np.where(j < xsize[:, None], w, 0.0)
    total = w.sum(1, keepdims=True)
    w = np.where(total != 0, w / np.where(total != 0, total, 1), w)
    return [(np.minimum(xmin + k, n - 1), w[:, k].astype(op)) for k in range(width)]


def _interp_sizes(input: Tensor, size: Any, scale_factor: Any, mode: str,
                  recompute_scale_factor: bool | None) -> tuple[list[int], list[Any]]:  # fmt: skip
    """Output sizes and the scales the kernel sees (None: from the sizes), by F.interpolate's
    rules."""
    dim = input.dim() - 2
    sp = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {sp} and output size of {size}. Please "
                    "provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                    "(o1, o2, ...,oK) format."
                )
            if not all(isinstance(s, (int, np.integer)) for s in size):
                raise TypeError(
                    "expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                    f"Tuple[int, int, int], but got size with types {[type(s) for s in size]}"
                )
            out = [int(s) for s in size]
        else:
            out = [int(size)] * dim
        if recompute_scale_factor:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
        return out, [None] * dim
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if isinstance(scale_factor, (list, tuple)):
        if len(scale_factor) != dim:
            raise ValueError(
                "Input and scale_factor must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {sp} and scale_factor of shape "
                f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                "and scale_factor in (s1, s2, ...,sK) format."
            )
        scales = [float(s) for s in scale_factor]
    else:
        scales = [float(scale_factor)] * dim
    out = [int(np.floor(float(n) * s)) for n, s in zip(sp, scales)]
    if recompute_scale_factor or mode == "area":  # area always works from sizes
        return out, [None] * dim
    return out, list(scales)


_NEEDS = {"linear": 3, "bilinear": 4, "bicubic": 4, "lanczos": 4, "trilinear": 5}


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:  # fmt: skip
    """Resize the spatial dims of ``(N, C, *spatial)`` by PyTorch's interpolation modes.

    Args:
        input: ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
        size: the output's spatial size (an int or one per spatial dim).
        scale_factor: multiplier of the spatial size (the output size is floored).
        mode: ``'nearest'``, ``'nearest-exact'``, ``'linear'`` (3-D input), ``'bilinear'``,
            ``'bicubic'``, ``'lanczos'`` (4-D), ``'trilinear'`` (5-D) or ``'area'`` (adaptive
            average).
        align_corners: for the linear and cubic modes, map the corner pixels' centres onto
            each other (default False).
        recompute_scale_factor: compute the scale from the output size instead of using
            ``scale_factor`` itself.
        antialias: for ``'bilinear'``, ``'bicubic'`` and ``'lanczos'`` (Lanczos-3, which
            requires it), widen the filter when shrinking so every input pixel contributes
            (PyTorch's anti-aliased kernels).

    Returns:
        ``(N, C, *size)``.

    Example:
        >>> F.interpolate(retrograd.tensor([[[1., 2.]]]), scale_factor=2, mode="linear")
        tensor([[[1.0000, 1.2500, 1.7500, 2.0000]]])
    """
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError(
                "align_corners option can only be set with the interpolating modes: "
                "linear | bilinear | bicubic | trilinear"
            )
    else:
        align_corners = bool(align_corners)
    out, scales = _interp_sizes(input, size, scale_factor, mode, recompute_scale_factor)
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.dim() == 4):
        raise ValueError(
            "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires "
            "a 4-D tensor as input"
        )
    if mode == "lanczos" and input.dim() == 4:
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
    nd = input.dim()
    valid_mode = mode in ("nearest", "nearest-exact", "area") or _NEEDS.get(mode) == nd
    if nd not in (3, 4, 5) or not valid_mode:
        if mode in _NEEDS and nd in (3, 4, 5) and mode not in ("bicubic", "lanczos"):
            raise NotImplementedError(f"Got {nd}D input, but {mode} mode needs {_NEEDS[mode]}D "
                                      "input")  # fmt: skip
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {nd}D) for the "
            f"modes: {_INTERP_MODES} (got {mode})"
        )
    if mode == "area":
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[nd - 3](input, out)
    return _resample(input, out, scales, mode, bool(align_corners), antialias)


def _resample(input: Tensor, out: list[int], scales: list[Any], mode: str,
              align_corners: bool, antialias: bool = False) -> Tensor:  # fmt: skip
    dt = input._data.dtype
    d = input.dim() - 2
    kind = {"nearest": "nearest", "nearest-exact": "nearest_exact"}.get(mode, mode)
    if dt.kind not in "fV":
        raise _not_implemented(f"upsample_{kind}{d}d", dt)
    if min(out) <= 0:
        names = "DHW"[3 - d :]
        size_in = ", ".join(f"{a}: {n}" for a, n in zip(names, input.shape[2:]))
        size_out = ", ".join(f"{a}: {n}" for a, n in zip(names, out))
        raise RuntimeError(
            f"Input and output sizes should be greater than 0, but got input ({size_in})"
            f"{' and' if d == 1 else ''} output ({size_out})"
        )
    op = _opmath(dt)
    taps = []
    for n, o, s in zip(input.shape[2:], out, scales):
        if antialias:
            axis_taps = _aa_taps(n, o, align_corners, s, mode, op)
        elif mode.startswith("nearest"):
            axis_taps = [(_nearest_taps(n, o, s, mode == "nearest-exact", op), None)]
        elif mode == "bicubic":
            axis_taps = _cubic_taps(n, o, align_corners, s, op)
        else:
            axis_taps = _linear_taps(n, o, align_corners, s, op)
        taps.append(tuple((np.ascontiguousarray(i, np.int64), w) for i, w in axis_taps))
    name = "Upsample" + "".join(p.capitalize() for p in kind.split("_")) + f"{d}D"
    prim = P.UPSAMPLE[name + ("Aa" if antialias else "")]
    # float16/bfloat16 interpolate in float32 and round once, as PyTorch's kernels
    x = input.float() if dt.itemsize < 4 and not mode.startswith("nearest") else input
    return apply(prim, x, taps=tuple(taps)).to(input.dtype)


def _deprecated(name: str) -> None:
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=3)  # fmt: skip


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:  # fmt: skip
    """Deprecated alias of :func:`interpolate` (warns, as PyTorch)."""
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: :func:`interpolate` with ``mode='nearest'`` (warns, as PyTorch)."""
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: :func:`interpolate` with ``mode='bilinear', align_corners=True``."""
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---------------------------------------------------------------------------- max unpooling


def _unpool_output_size(input: Tensor, k: tuple[int, ...], s: tuple[int, ...],
                        p: tuple[int, ...], output_size: Any) -> list[int]:  # fmt: skip
    """F.max_unpool's output size: the inverse of pooling's, or a checked ``output_size``."""
    d = len(k)
    default = [(input.shape[-d + i] - 1) * s[i] + k[i] - 2 * p[i] for i in range(d)]
    if output_size is None:
        return default
    size = list(output_size)
    if len(size) == d + 2:
        size = size[2:]
    if len(size) != d:
        raise ValueError(
            f"output_size should be a sequence containing {d} or {d + 2} elements, but it has a "
            f"length of '{len(size)}'"
        )
    for i in range(d):
        lo, hi = default[i] - s[i], default[i] + s[i]
        if not lo < size[i] < hi:
            raise ValueError(
                f'invalid output_size "{output_size}" (dim {i} must be between {lo} and {hi})'
            )
    return [int(v) for v in size]


def _max_unpool(input: Tensor, indices: Tensor, d: int, kernel_size: Any, stride: Any,
                padding: Any, output_size: Any) -> Tensor:  # fmt: skip
    name = f"max_unpool{d}d"
    k = _tuple(kernel_size, d, name, "kernel_size")
    s = k if stride is None else _tuple(stride, d, name, "stride")
    p = _tuple(padding, d, name, "padding")
    out = _unpool_output_size(input, k, s, p, output_size)
    if indices.dtype != _rg.int64:
        raise RuntimeError(f"elements in indices should be type int64 but got: {indices.dtype}")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(
            f"Expected shape of indices to be same as that of the input tensor "
            f"({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}"
        )
    if input.dim() not in (d + 1, d + 2):
        raise RuntimeError(f"Input to max_unpooling{d}d should be a {d + 1}d or {d + 2}d Tensor, "
                           f"but got a tensor with {input.dim()} dimensions.")  # fmt: skip
    per = int(np.prod(out))
    idx = indices._data
    if idx.size and (idx.min() < 0 or idx.max() >= per):
        bad = int(idx.max() if idx.max() >= per else idx.min())
        raise RuntimeError(
            f"Found an invalid max index: {bad} (output volumes are of size "
            f"{'x'.join(map(str, out))}"
        )
    in_shape = tuple(input.shape[: input.dim() - d]) + tuple(out)
    prim = P.MaxUnpool2D if d <= 2 else P.MaxUnpool3D
    return apply(prim, input, indices, in_shape=in_shape, d=d, overlap=False)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> Tensor:  # fmt: skip
    """The partial inverse of :func:`max_pool1d`: each value goes back to its index, every
    other position is zero.

    Example:
        >>> out, idx = F.max_pool1d(retrograd.tensor([[[1., 3., 2., 5.]]]), 2,
        ...                         return_indices=True)
        >>> F.max_unpool1d(out, idx, 2)
        tensor([[[0., 3., 0., 5.]]])
    """
    return _max_unpool(input, indices, 1, kernel_size, stride, padding, output_size)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> Tensor:  # fmt: skip
    """The partial inverse of :func:`max_pool2d` (indices flat within each ``H * W`` plane).

    Args:
        input: pooled values ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        indices: the indices :func:`max_pool2d` returned with them.
        kernel_size, stride, padding: the pooling's (to infer the output size).
        output_size: the size to restore, when pooling's rounding left it ambiguous.

    Returns:
        ``(N, C, H_out, W_out)`` zeros with the values at their indices.
    """
    return _max_unpool(input, indices, 2, kernel_size, stride, padding, output_size)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> Tensor:  # fmt: skip
    """The partial inverse of :func:`max_pool3d` (indices flat within each ``D * H * W``)."""
    return _max_unpool(input, indices, 3, kernel_size, stride, padding, output_size)


# ---------------------------------------------------------------------------- pixel shuffle


def _shuffle_check(input: Tensor, r: int, name: str, what: str) -> None:
    if input.dim() < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input "
                           f"with {input.dim()} dimension(s)")  # fmt: skip
    if r <= 0:
        raise RuntimeError(f"{name} expects a positive {what}, but got {r}")


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """Rearrange ``(*, C * r^2, H, W)`` into ``(*, C, H * r, W * r)``.

    Example:
        >>> F.pixel_shuffle(retrograd.arange(4.).reshape(1, 4, 1, 1), 2)
        tensor([[[[0., 1.],
                  [2., 3.]]]])
    """
    r = int(upscale_factor)
    _shuffle_check(input, r, "pixel_shuffle", "upscale_factor")
    c = input.shape[-3]
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
            f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
        )
    return apply(P.PixelShuffle, input, r=r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """Rearrange ``(*, C, H * r, W * r)`` into ``(*, C * r^2, H, W)``.

    Example:
        >>> F.pixel_unshuffle(retrograd.arange(4.).reshape(1, 1, 2, 2), 2).flatten()
        tensor([0., 1., 2., 3.])
    """
    r = int(downscale_factor)
    _shuffle_check(input, r, "pixel_unshuffle", "downscale_factor")
    for dim, name in ((-2, "height"), (-1, "width")):
        if input.shape[dim] % r:
            raise RuntimeError(
                f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                f"input.size({dim})={input.shape[dim]} is not divisible by {r}"
            )
    return apply(P.PixelUnshuffle, input, r=r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """Interleave the channels of ``(N, C, *)``: read as a ``(groups, C / groups)`` grid,
    they are transposed (ShuffleNet's channel shuffle).

    Example:
        >>> F.channel_shuffle(retrograd.arange(4.).reshape(1, 4, 1), 2).flatten()
        tensor([0., 2., 1., 3.])
    """
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {list(input.shape)}")  # fmt: skip
    g = int(groups)
    if g <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{g}")  # fmt: skip
    c = input.shape[1]
    if c % g:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {g} groups.")  # fmt: skip
    return apply(P.ChannelShuffle, input, groups=g)


# ---------------------------------------------------------------------------- channel dropout

_SELU_ALPHA_PRIME = 1.7580993408473766  # -scale * alpha of SELU: the value dropped units take


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _noise_dropout(input: Tensor, p: float, training: bool, inplace: bool, feature: bool,
                   alpha: bool) -> Tensor:  # fmt: skip
    """PyTorch's _dropout_impl: Bernoulli(1 - p) noise per element or, with ``feature``, per
    channel (the first two dims), scaled to keep the mean (and with ``alpha``, the SELU
    fixed point's mean and variance)."""
    from .functional import _inplace_result

    if p == 0 or not training or input.numel() == 0:
        return input
    if feature and input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    if p == 1:
        return _inplace_result(input, input * 0, inplace)
    shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2) if feature else input.shape
    keep = (_rg.rand(shape, dtype=input.dtype) >= p).to(input.dtype)
    if not alpha:
        out = input * (keep * (1.0 / (1.0 - p)))
    else:
        a = 1.0 / np.sqrt((_SELU_ALPHA_PRIME**2 * p + 1) * (1 - p))
        b = (keep - 1) * (_SELU_ALPHA_PRIME * a) + _SELU_ALPHA_PRIME * a * p
        out = input * (keep * a) + b
    return _inplace_result(input, out, inplace)


def _batched_feature_dropout(input: Tensor, p: float, training: bool, inplace: bool,
                             batched: bool) -> Tensor:  # fmt: skip
    x = input if batched else input.unsqueeze(0)
    out = _noise_dropout(x, p, training, False, True, False)
    out = out if batched else out.squeeze(0)
    if inplace and out is not input:
        from .functional import _inplace_result

        return _inplace_result(input, out, True)
    return out


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:  # fmt: skip
    """Zero whole channels of ``(N, C, L)`` or ``(C, L)`` with probability ``p`` (scaling the
    rest by ``1 / (1 - p)``); the identity when not ``training``.

    Example:
        >>> F.dropout1d(retrograd.ones(2, 3, 4), 0.5, training=False).sum()
        tensor(24.)
    """
    _check_p(p)
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
            "dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D "
            "inputs)."
        )
    return _batched_feature_dropout(input, p, training, inplace, input.dim() == 3)


def _wrong_rank(name: str, nd: int, spatial: int) -> None:
    warnings.warn(
        f"{name}: Received a {nd}-D input to {name}, which is deprecated and will result in an "
        "error in a future release. To retain the behavior and silence this warning, please "
        f"use dropout instead. Note that {name} exists to provide channel-wise dropout on "
        f"inputs with {spatial} spatial dimensions, a channel dimension, and an optional batch "
        f"dimension (i.e. {spatial + 1}D or {spatial + 2}D inputs).",
        stacklevel=3,
    )


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:  # fmt: skip
    """Zero whole channels of ``(N, C, H, W)`` with probability ``p`` (scaling the rest by
    ``1 / (1 - p)``). As PyTorch, a 3-D input is read as ``(N, C, L)`` (with a warning).

    Example:
        >>> F.dropout2d(retrograd.ones(2, 3, 4, 4), training=False).shape
        retrograd.Size([2, 3, 4, 4])
    """
    _check_p(p)
    nd = input.dim()
    if nd not in (3, 4):
        _wrong_rank("dropout2d", nd, 2)
    if nd == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
    return _noise_dropout(input, p, training, inplace, True, False)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:  # fmt: skip
    """Zero whole channels of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` with probability ``p``
    (scaling the rest by ``1 / (1 - p)``).

    Example:
        >>> F.dropout3d(retrograd.ones(2, 3, 2, 2, 2), training=False).shape
        retrograd.Size([2, 3, 2, 2, 2])
    """
    _check_p(p)
    nd = input.dim()
    if nd not in (4, 5):
        _wrong_rank("dropout3d", nd, 3)
    return _batched_feature_dropout(input, p, training, inplace, nd == 5)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:  # fmt: skip
    """Dropout for SELU networks: dropped elements take SELU's negative saturation value and
    an affine map keeps the mean and variance of a unit normal input.

    Example:
        >>> F.alpha_dropout(retrograd.ones(3), 0.5, training=False)
        tensor([1., 1., 1.])
    """
    _check_p(p)
    return _noise_dropout(input, p, training, inplace, False, True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:  # fmt: skip
    """:func:`alpha_dropout` of whole channels (the first two dims pick a channel)."""
    _check_p(p)
    return _noise_dropout(input, p, training, inplace, True, True)
