"""PyTorch's tensor printing: ``tensor([...], dtype=..., requires_grad=True)``.

This follows ``torch/_tensor_str.py`` step by step, on the tensor's NumPy array: one
formatter per tensor (two for complex: real and imaginary parts) decides fixed, integer or
scientific notation and a common column width from the values that will be shown, then the
array is laid out row by row with PyTorch's indentation, wrapping and ``...`` summarization.
Values are formatted as Python floats (``tolist``), exactly as PyTorch formats them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _dtype

if TYPE_CHECKING:
    from ._tensor import Tensor


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrinterOptions()


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set options for printing tensors (the same options as PyTorch's).

    Args:
        precision: Number of digits of precision for floating point output (default = 4).
        threshold: Total number of array elements which trigger summarization rather than
            full ``repr`` (default = 1000).
        edgeitems: Number of array items in summary at beginning and end of each dimension
            (default = 3).
        linewidth: The number of characters per line for the purpose of inserting line
            breaks (default = 80). Thresholded matrices will ignore this parameter.
        profile: Sane defaults for pretty printing. Can override with any of the above
            options. (any one of ``default``, ``short``, ``full``)
        sci_mode: Enable (True) or disable (False) scientific notation. If None (default)
            is specified, the notation is chosen from the values printed. Unlike the other
            options it is reset to None whenever it is not given.

    Returns:
        None

    Example::

        >>> retrograd.set_printoptions(precision=2)
        >>> retrograd.tensor([1.12345])
        tensor([1.12])
        >>> retrograd.set_printoptions(threshold=5)
        >>> retrograd.arange(10)
        tensor([0, 1, 2,  ..., 7, 8, 9])
        >>> retrograd.set_printoptions(profile='default')
        >>> retrograd.tensor([1.12345])
        tensor([1.1235])
    """
    profiles = {
        "default": (4, 1000, 3, 80),
        "short": (2, 1000, 2, 80),
        "full": (4, math.inf, 3, 80),
    }
    # PyTorch silently ignores an unknown profile name, so we do too.
    if profile in profiles:
        opts = profiles[profile]
        PRINT_OPTS.precision, PRINT_OPTS.threshold = opts[0], opts[1]
        PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = opts[2], opts[3]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options, as keyword arguments for :func:`set_printoptions`."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Temporarily change the print options (the arguments of :func:`set_printoptions`)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


def _is_floating(arr: np.ndarray) -> bool:
    # bfloat16 (from ml_dtypes) has NumPy kind 'V'
    return arr.dtype.kind in "fV"


def _to_list(arr: np.ndarray) -> Any:
    """Python numbers, the values PyTorch's ``tolist`` hands to the format strings."""
    return arr.astype(np.float64).tolist() if arr.dtype.kind == "V" else arr.tolist()


class _Formatter:
    """Chooses the notation and column width for all the values of one tensor."""

    def __init__(self, arr: np.ndarray) -> None:
        self.floating_dtype = _is_floating(arr)
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        if not self.floating_dtype:
            if arr.size:
                # the longest str() of an integer (or bool) is that of the min or the max
                ends = (arr.min().item(), arr.max().item())
                self.max_width = max(len(f"{v}") for v in ends)
            return
        vals = arr.astype(np.float64).ravel()
        nonzero_finite = vals[np.isfinite(vals) & (vals != 0)]
        if nonzero_finite.size == 0:
            return  # PyTorch keeps int mode, fixed notation and width 1 here
        abs_vals = np.abs(nonzero_finite)
        vmin, vmax = abs_vals.min(), abs_vals.max()
        self.int_mode = bool(np.all(nonzero_finite == np.ceil(nonzero_finite)))
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = bool(vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4)
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        # Zeros and non-finite values never widen the columns, as in PyTorch.
        values = np.unique(nonzero_finite).tolist()
        prec = PRINT_OPTS.precision
        if self.sci_mode:
            width = max(len(f"{v:.{prec}e}") for v in values)
        elif self.int_mode:
            width = max(len(f"{v:.0f}") for v in values) + 1  # room for the trailing "."
        else:
            width = max(len(f"{v:.{prec}f}") for v in values)
        self.max_width = max(self.max_width, width)

    def width(self) -> int:
        return self.max_width

    def format(self, value: Any) -> str:
        if self.floating_dtype:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{PRINT_OPTS.precision}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _complex_str(value: complex, real_fmt: _Formatter, imag_fmt: _Formatter) -> str:
    real_str = real_fmt.format(value.real)
    imag_str = (imag_fmt.format(value.imag) + "j").lstrip()
    # the imaginary part brings its own sign when negative (or "-0.", "nan", ...)
    if imag_str[0] in "+-":
        return real_str + imag_str
    return real_str + "+" + imag_str


def _val_str(value: Any, fmt1: _Formatter, fmt2: _Formatter | None) -> str:
    return fmt1.format(value) if fmt2 is None else _complex_str(value, fmt1, fmt2)


def _vector_str(
    arr: np.ndarray, indent: int, summarize: bool, fmt1: _Formatter, fmt2: _Formatter | None
) -> str:
    # an element takes its width plus ", "; a complex one also its imaginary part and "j"
    element_length = fmt1.width() + 2
    if fmt2 is not None:
        element_length += fmt2.width() + 1
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        data = ["..."]
    elif summarize and arr.shape[0] > 2 * edge:
        data = (
            [_val_str(v, fmt1, fmt2) for v in _to_list(arr[:edge])]
            + [" ..."]
            + [_val_str(v, fmt1, fmt2) for v in _to_list(arr[-edge:])]
        )
    else:
        data = [_val_str(v, fmt1, fmt2) for v in _to_list(arr)]
    lines = [", ".join(data[i : i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _str_with_formatter(
    arr: np.ndarray, indent: int, summarize: bool, fmt1: _Formatter, fmt2: _Formatter | None
) -> str:
    ndim = arr.ndim
    if ndim == 0:
        return _val_str(_to_list(arr), fmt1, fmt2)
    if ndim == 1:
        return _vector_str(arr, indent, summarize, fmt1, fmt2)
    edge = PRINT_OPTS.edgeitems
    n = arr.shape[0]
    if summarize and n > 2 * edge:
        slices = (
            [_str_with_formatter(arr[i], indent + 1, summarize, fmt1, fmt2) for i in range(edge)]
            + ["..."]
            + [
                _str_with_formatter(arr[i], indent + 1, summarize, fmt1, fmt2)
                for i in range(n - edge, n)
            ]
        )
    else:
        slices = [_str_with_formatter(arr[i], indent + 1, summarize, fmt1, fmt2) for i in range(n)]
    # one blank line between 2-d blocks, two between 3-d blocks, ...
    return "[" + ("," + "\n" * (ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized_data(arr: np.ndarray) -> np.ndarray:
    """The elements a summarized print shows, which alone decide the formatting."""
    edge = PRINT_OPTS.edgeitems
    if arr.ndim == 0:
        return arr
    if arr.ndim == 1:
        # with edgeitems=0, ``arr[-0:]`` is the whole vector, as in PyTorch
        return np.concatenate((arr[:edge], arr[-edge:])) if arr.shape[0] > 2 * edge else arr
    if not edge:
        return np.empty((0,) * arr.ndim, arr.dtype)
    n = arr.shape[0]
    rows = list(range(edge)) + list(range(n - edge, n)) if n > 2 * edge else range(n)
    return np.stack([_summarized_data(arr[i]) for i in rows])


def _tensor_str(arr: np.ndarray, indent: int) -> str:
    if arr.size == 0:
        return "[]"
    summarize = arr.size > PRINT_OPTS.threshold
    shown = _summarized_data(arr) if summarize else arr
    if arr.dtype.kind == "c":
        real_fmt, imag_fmt = _Formatter(shown.real), _Formatter(shown.imag)
        return _str_with_formatter(arr, indent, summarize, real_fmt, imag_fmt)
    return _str_with_formatter(arr, indent, summarize, _Formatter(shown), None)


def _add_suffixes(tensor_str: str, suffixes: list[str], indent: int) -> str:
    parts = [tensor_str]
    # PyTorch's own (off-by-some) measure of the last line, kept so wrapping agrees
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        # Measured as PyTorch spells it ("torch.float64"), so a repr breaks its lines
        # exactly where PyTorch's does and differs only in the module name.
        suffix_len = len(suffix.replace("retrograd.", "torch."))
        if last_line_len + suffix_len + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + suffix_len
        else:
            parts.append(", " + suffix)
            last_line_len += suffix_len + 2
    parts.append(")")
    return "".join(parts)


def _parameter_class() -> type | None:
    # A Parameter instance implies its module is loaded; looking it up avoids an import cycle.
    return getattr(sys.modules.get("retrograd.nn.parameter"), "Parameter", None)


def tensor_repr(t: Tensor, *, tensor_contents: str | None = None) -> str:
    """``repr(t)`` exactly as PyTorch prints a CPU tensor with the same values.

    Args:
        t: the tensor to print.
        tensor_contents: text to print in place of the values (PyTorch's hook for
            subclasses); the suffixes are still added.

    Returns:
        ``tensor(<values>[, size=...][, dtype=...][, grad_fn=<...> | requires_grad=True]
        [, tangent=...])``.
    """
    from ._tensor import Tensor
    from .autograd import forward_ad

    param_cls = _parameter_class()
    is_plain = type(t) is Tensor or (param_cls is not None and type(t) is param_cls)
    prefix = "tensor(" if is_plain else f"{type(t).__name__}("
    indent = len(prefix)
    arr = t._data
    dt = t.dtype
    default = _dtype.get_default_dtype()
    has_default_dtype = dt in (default, _dtype.default_complex_dtype(), _dtype.int64, _dtype.bool_)
    suffixes = []
    body = tensor_contents
    if arr.size == 0:
        # NumPy-style: the shape is shown unless it is (0,); the dtype cannot be guessed
        # from the values, so it is shown whenever it is not the default float dtype.
        if arr.ndim != 1:
            suffixes.append(f"size={tuple(arr.shape)}")
        if dt is not default:
            suffixes.append(f"dtype={dt!r}")
        if body is None:
            body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(arr.shape)}")
        if not has_default_dtype:
            suffixes.append(f"dtype={dt!r}")
        if body is None:
            body = _tensor_str(arr, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    if forward_ad._levels:
        tangent = forward_ad.tangent_of(t, forward_ad._levels[-1])
        if tangent is not None:
            suffixes.append(f"tangent={tangent}")
    out = _add_suffixes(prefix + body, suffixes, indent)
    if param_cls is not None and isinstance(t, param_cls) and not is_plain:
        out = f"Parameter({out})"
    return out
