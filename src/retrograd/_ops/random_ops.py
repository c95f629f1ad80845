"""Sampling beyond rand/randn: multinomial, bernoulli, poisson and the in-place fills
(``normal_``, ``uniform_``, ``exponential_``...), all drawn from retrograd's Generator.

The streams are NumPy's PCG64, not PyTorch's Mersenne Twister: a seed makes them
reproducible, but the numbers differ from PyTorch's for the same seed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._prims import random as P
from .._prims._core import apply
from .._tensor import Tensor
from . import inplace as I
from ._convert import check_tensor
from .creation import Generator, _rng, _unit_grid
from .elementwise_ops import _not_implemented, _type_name

__all__ = ["bernoulli", "multinomial", "poisson"]

_CPP_NAMES = {
    "Long": "long int", "Int": "int", "Short": "short int", "Char": "signed char",
    "Byte": "unsigned char", "Bool": "bool", "ComplexFloat": "c10::complex<float>",
    "ComplexDouble": "c10::complex<double>",
}  # fmt: skip


# ---------------------------------------------------------------------------- multinomial
def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None) -> Tensor:  # fmt: skip
    """Indices drawn from the categorical distributions in the rows of ``input``.

    Args:
        input: non-negative weights, 1-D (one distribution) or 2-D (one per row); they
            need not sum to 1.
        num_samples: how many indices to draw per row.
        replacement: draw with replacement; without it each row yields distinct indices
            (so ``num_samples`` may not exceed the number of categories).
        generator: the Generator to draw from (the default one when None).

    Returns:
        An int64 tensor of shape ``(num_samples,)`` or ``(rows, num_samples)``.

    Example:
        >>> retrograd.multinomial(retrograd.tensor([0.0, 10.0, 3.0]), 2)
        tensor([1, 2])
    """
    check_tensor(input, "multinomial")
    p = input._data
    if p.dtype.kind not in "fV":
        raise RuntimeError(
            f"multinomial only supports floating-point dtypes for input, got: {_type_name(p.dtype)}"
        )
    if p.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > p.shape[-1]:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    rows = p.astype(np.float64).reshape(p.shape[0] if p.ndim == 2 else 1, p.shape[-1])
    _check_distribution(rows, replacement)
    rng = _rng(generator)
    idx = (
        _with_replacement(rows, num_samples, rng)
        if replacement
        else _without(rows, num_samples, rng)
    )
    return Tensor._wrap(idx.reshape(p.shape[:-1] + (num_samples,)).astype(np.int64))


def _check_distribution(rows: np.ndarray, replacement: bool) -> None:
    # the two CPU kernels word their complaints differently; PyTorch's wording for each
    bad = ~(rows >= 0) | np.isinf(rows)
    if bad.any() and replacement:
        first = rows.ravel()[np.argmax(bad.ravel())]
        what = "= infinity or NaN" if first >= 0 else "< 0"  # nan fails ">= 0" first
        raise RuntimeError(
            f"invalid multinomial distribution (encountering probability entry {what})"
        )
    if bad.any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if rows.shape[-1] == 0 or (rows.sum(-1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")


def _with_replacement(rows: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Inverse-CDF sampling of every row at once: row ``r``'s CDF is shifted to [r, r+1],
    so one sorted search over the concatenated CDFs serves all rows."""
    r, k = rows.shape
    cdf = np.cumsum(rows, axis=-1)
    cdf /= cdf[:, -1:]
    cdf[:, -1] = 1.0  # rounding must not leave a gap above the last category
    offset = np.arange(r, dtype=np.float64)[:, None]
    u = rng.random((r, n)) + offset
    flat = np.searchsorted((cdf + offset).ravel(), u.ravel(), side="right")
    return np.minimum(flat.reshape(r, n) - np.arange(r)[:, None] * k, k - 1)


def _without(rows: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Without replacement by exponential races (PyTorch's method): the ``n`` largest of
    ``p / E`` with ``E ~ Exp(1)`` are a weighted sample without replacement."""
    with np.errstate(divide="ignore"):
        keys = rows / rng.standard_exponential(rows.shape)
    if n < rows.shape[-1]:
        top = np.argpartition(-keys, n - 1, axis=-1)[:, :n]
        order = np.argsort(-np.take_along_axis(keys, top, -1), axis=-1, kind="stable")
        return np.take_along_axis(top, order, -1)
    return np.argsort(-keys, axis=-1, kind="stable")


# ------------------------------------------------------------------- bernoulli, poisson
def bernoulli(input: Tensor, p: float | None = None, *,
              generator: Generator | None = None) -> Tensor:  # fmt: skip
    """1 with probability ``input`` (or ``p`` when given), else 0, in ``input``'s dtype.

    Args:
        input: probabilities in [0, 1] (with ``p``, only its shape and dtype are used).
        p: one probability for every element.
        generator: the Generator to draw from.

    Returns:
        A tensor like ``input`` of zeros and ones; it stays in the graph with a zero
        gradient, as PyTorch's ``BernoulliBackward0``.
    """
    check_tensor(input, "bernoulli")
    if p is not None:
        return bernoulli_(input.detach().clone(), p, generator=generator)
    if input._data.dtype.kind not in "fV":
        raise _not_implemented("bernoulli_tensor_cpu_p_", input._data.dtype)
    probs = input._data.astype(np.float64)
    if not ((probs >= 0) & (probs <= 1)).all():
        raise RuntimeError(
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
            "message be improved?  If so, please report an enhancement request to PyTorch.)"
        )
    return apply(P.Bernoulli, input, rng=_rng(generator))


def poisson(input: Tensor, generator: Generator | None = None) -> Tensor:
    """Poisson counts with rates ``input``, in ``input``'s dtype (zero gradient)."""
    check_tensor(input, "poisson")
    if input._data.dtype.kind not in "fV":
        raise _not_implemented("poisson_cpu", input._data.dtype)
    if (input._data.astype(np.float64) < 0).any():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    return apply(P.Poisson, input, rng=_rng(generator))


# ---------------------------------------------------------------------- in-place fills
def _fill(self: Tensor, values: np.ndarray) -> Tensor:
    """Write sampled ``values`` into ``self`` through the in-place machinery (leaf checks,
    version counter; earlier history gets a zero gradient)."""
    return I.copy_(self, Tensor._wrap(np.asarray(values).astype(self._data.dtype)))


def _floating(self: Tensor, kernel: str) -> None:
    if self._data.dtype.kind not in "fVc":
        raise _not_implemented(kernel, self._data.dtype)


def _continuous(self: Tensor, dist: str) -> None:
    if self._data.dtype.kind not in "fV":
        name = _type_name(self._data.dtype)
        shown = _CPP_NAMES.get(name, name) if dist == "Cauchy" else name
        raise RuntimeError(
            f"{dist} distribution is a continuous probability distribution. dtype must be a "
            f"floating point but you specified {shown}"
        )


def _real_shape(self: Tensor) -> tuple[tuple[int, ...], bool]:
    return self._data.shape, self._data.dtype.kind == "c"


def _from_keyword(name: str, kwargs: dict[str, Any], default: Any) -> Any:
    """PyTorch's ``from=`` keyword (a Python keyword, so it arrives in ``kwargs``)."""
    value = kwargs.pop("from", default)
    if kwargs:
        raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kwargs))}'")
    return value


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *,
            generator: Generator | None = None) -> Tensor:  # fmt: skip
    """Fill with N(mean, std**2) samples (complex: each part of variance std**2 / 2)."""
    _floating(self, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    rng = _rng(generator)
    shape, cplx = _real_shape(self)
    z = rng.standard_normal(shape)
    if cplx:
        z = (z + 1j * rng.standard_normal(shape)) / np.sqrt(2)
    return _fill(self, z * std + mean)


def uniform_(self: Tensor, from_: float = 0.0, to: float = 1.0, *,
             generator: Generator | None = None, **kwargs: Any) -> Tensor:  # fmt: skip
    """Fill with samples from U[from, to)."""
    from_ = _from_keyword("uniform_", kwargs, from_)
    _floating(self, "check_uniform_bounds")
    if from_ > to:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={from_:g} > to={to:g}"
        )
    rng = _rng(generator)
    shape, cplx = _real_shape(self)
    real = np.empty(0, self._data.dtype).real.dtype
    u = _unit_grid(rng.random(shape), real)
    if cplx:
        u = u + 1j * _unit_grid(rng.random(shape), real)
    return _fill(self, from_ + (to - from_) * u)


def exponential_(self: Tensor, lambd: float = 1.0, *,
                 generator: Generator | None = None) -> Tensor:  # fmt: skip
    """Fill with samples of density ``lambd * exp(-lambd * x)``."""
    _continuous(self, "Exponential")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    return _fill(self, _rng(generator).standard_exponential(self._data.shape) / lambd)


def geometric_(self: Tensor, p: float, *, generator: Generator | None = None) -> Tensor:
    """Fill with the number of Bernoulli(p) trials up to the first success (1, 2, ...)."""
    if self._data.dtype.kind in "bc":
        raise _not_implemented("geometric_cpu", self._data.dtype)
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    return _fill(self, _rng(generator).geometric(p, self._data.shape))


def cauchy_(self: Tensor, median: float = 0.0, sigma: float = 1.0, *,
            generator: Generator | None = None) -> Tensor:  # fmt: skip
    """Fill with Cauchy(median, sigma) samples."""
    _continuous(self, "Cauchy")
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
    return _fill(self, median + sigma * _rng(generator).standard_cauchy(self._data.shape))


def log_normal_(self: Tensor, mean: float = 1.0, std: float = 2.0, *,
                generator: Generator | None = None) -> Tensor:  # fmt: skip
    """Fill with exp(N(mean, std**2)) samples."""
    if self._data.dtype.kind not in "fV":
        raise _not_implemented("log_normal_cpu", self._data.dtype)
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    return _fill(self, np.exp(_rng(generator).normal(mean, std, self._data.shape)))


def _random_bound(dt: np.dtype) -> int:
    """random_()'s exclusive upper bound: every integer the dtype holds exactly."""
    if dt.kind == "b":
        return 2
    if dt.kind in "iu":
        return int(np.iinfo(dt).max) + 1
    from ml_dtypes import finfo

    return 2 ** (int(finfo(dt).nmant) + 1) + 1


_UNSET: Any = object()


def random_(self: Tensor, from_: int = 0, to: int | None = _UNSET, *,
            generator: Generator | None = None, **kwargs: Any) -> Tensor:  # fmt: skip
    """Fill with integers from [from, to): ``random_(to)`` is [0, to); ``random_()`` and
    ``random_(from, None)`` go up to the largest integer the dtype represents exactly
    (2**mantissa bits for floats)."""
    keyword = "from" in kwargs
    from_ = _from_keyword("random_", kwargs, from_)
    if self._data.dtype.kind == "c":
        raise _not_implemented("random_kernel_cpu", self._data.dtype)
    if to is _UNSET:  # random_() or random_(to), PyTorch's other overloads
        from_, to = (from_, None) if keyword or from_ == 0 else (0, from_)
    high = _random_bound(self._data.dtype) if to is None else to
    if from_ >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={high}"
        )
    return _fill(self, _rng(generator).integers(from_, high, self._data.shape))


def bernoulli_(self: Tensor, p: float | Tensor = 0.5, *,
               generator: Generator | None = None) -> Tensor:  # fmt: skip
    """Fill with 1 with probability ``p`` (a number or a broadcastable tensor), else 0."""
    probs = p._data.astype(np.float64) if isinstance(p, Tensor) else np.float64(p)
    if not isinstance(p, Tensor) and not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    if isinstance(p, Tensor) and not ((probs >= 0) & (probs <= 1)).all():
        raise RuntimeError(
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
            "message be improved?  If so, please report an enhancement request to PyTorch.)"
        )
    return _fill(self, _rng(generator).random(self._data.shape) < probs)


def _bernoulli_method(self: Tensor, p: float | None = None, *,
                      generator: Generator | None = None) -> Tensor:  # fmt: skip
    return bernoulli(self, p, generator=generator)


METHODS: dict[str, Any] = {
    "multinomial": multinomial, "bernoulli": _bernoulli_method, "bernoulli_": bernoulli_,
    "normal_": normal_, "uniform_": uniform_, "exponential_": exponential_,
    "geometric_": geometric_, "cauchy_": cauchy_, "log_normal_": log_normal_,
    "random_": random_,
}  # fmt: skip
