"""``vmap``: map a function over a batch dimension of its inputs.

Correctness first: the function runs once per batch element, on slices of the batched
inputs, and the results are stacked along ``out_dims``. Slicing and stacking are ordinary
differentiable ops, so ``vmap`` composes with every other transform and with autograd.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._ops.creation import zeros
from .._ops.shape_ops import stack
from .._tensor import Tensor
from ._pytree import broadcast_prefix, tree_flatten, tree_unflatten


def _name(func: Any) -> str:
    return getattr(func, "__name__", repr(func))


def _check_randomness(randomness: str) -> None:
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(
            "Only allowed values for randomness are 'error', 'different', or 'same'. "
            f"Got {randomness}"
        )


def _batch_size(func: Any, in_dims: Any, leaves: list[Any], dims: list[Any]) -> int:
    """The common size of the mapped dimensions, after checking each in_dim."""
    sizes = []
    for x, d in zip(leaves, dims):
        if d is None:
            continue
        pre = f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>)"
        if not isinstance(d, int) or isinstance(d, bool):
            raise ValueError(
                f"{pre}: Got in_dim={d} for an input but in_dim must be either an integer "
                "dimension or None."
            )
        if not isinstance(x, Tensor):
            raise ValueError(
                f"{pre}: Got in_dim={d} for an input but the input is of type {type(x)}. We "
                "cannot vmap over non-Tensor arguments, please use None as the respective in_dim"
            )
        if not -x.dim() <= d < x.dim():
            raise ValueError(
                f"{pre}: Got in_dim={d} for some input, but that input is a Tensor of "
                f"dimensionality {x.dim()} so expected in_dim to satisfy "
                f"-{x.dim()} <= in_dim < {x.dim()}."
            )
        sizes.append(x.shape[d])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if len(set(sizes)) > 1:
        raise ValueError(
            "vmap: Expected all tensors to have the same size in the mapped dimension, got "
            f"sizes {sizes} for the mapped dimension"
        )
    return sizes[0]


def _slice(x: Any, d: Any, b: int | None) -> Any:
    if d is None:
        return x
    d = d % x.dim()
    if b is None:  # an empty batch: a zero-filled stand-in element, to learn the outputs
        return zeros(tuple(s for i, s in enumerate(x.shape) if i != d), dtype=x.dtype)
    return x.select(d, b)


def _combine(func: Any, per_batch: list[Any], od: Any, n: int) -> Any:
    """Stack one output's per-element results along ``od`` (None: an unbatched output)."""
    first = per_batch[0]
    if od is None:
        # Without tracing which values depend on the batch, an output is taken as
        # unbatched when every element produced the same value.
        same = all(
            r is first or (isinstance(r, Tensor) and isinstance(first, Tensor)
                           and r.shape == first.shape and np.array_equal(r._data, first._data))
            or (not isinstance(r, Tensor) and r == first)
            for r in per_batch
        )  # fmt: skip
        if not same:
            raise ValueError(
                f"vmap({_name(func)}, ...): `{_name(func)}` can not return a BatchedTensor when "
                "out_dim is None"
            )
        return first
    if not isinstance(first, Tensor):
        raise ValueError(
            f"vmap({_name(func)}, ...): `{_name(func)}` must only return Tensors, got type "
            f"{type(first)}. Did you mean to set out_dims= to None for output?"
        )
    rank = first.dim() + 1
    if not -rank <= od < rank:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but "
            f"got {od})"
        )
    if n == 0:
        shape = list(first.shape)
        shape.insert(od % rank, 0)
        return zeros(tuple(shape), dtype=first.dtype)
    return stack(per_batch, dim=od)


def vmap(func: Callable[..., Any], in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error",
         *, chunk_size: int | None = None) -> Callable[..., Any]:  # fmt: skip
    """Vectorize ``func`` over a dimension of its inputs.

    Args:
        func: a function of tensors (pytrees of tensors) returning tensors.
        in_dims: the batched dimension of each input (None: not batched), an int for all or
            a tree matching the positional arguments.
        out_dims: where the batch dimension goes in each output (None: not batched).
        randomness: ``'error'``, ``'different'`` or ``'same'``; accepted (each element runs
            on its own, so random draws differ).
        chunk_size: accepted for PyTorch compatibility.

    Returns:
        A function that takes batched inputs and returns batched outputs.

    Example:
        >>> vmap(retrograd.dot)(retrograd.ones(4, 3), retrograd.ones(4, 3))
        tensor([3., 3., 3., 3.])
    """
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")
    _check_randomness(randomness)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        name = _name(func)
        if not args:
            raise ValueError(
                f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you "
                "are trying to vmap over a function with no inputs. The latter is unsupported."
            )
        if not (in_dims is None or isinstance(in_dims, (int, tuple))):
            raise ValueError(
                f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int "
                "or a (potentially nested) tuple matching the structure of inputs, got: "
                f"{type(in_dims)}."
            )
        leaves, spec = tree_flatten(args)
        dims = broadcast_prefix(in_dims, spec)
        if dims is None:
            raise ValueError(
                f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible "
                f"with the structure of `inputs`. in_dims has structure "
                f"{tree_flatten(in_dims)[1]} but inputs has structure {spec}."
            )
        n = _batch_size(func, in_dims, leaves, dims)
        results = []
        for b in range(n) if n else [None]:
            sliced = [_slice(x, d, b) for x, d in zip(leaves, dims)]
            results.append(func(*tree_unflatten(sliced, spec), **kwargs))
        outs = [tree_flatten(r)[0] for r in results]
        out_spec = tree_flatten(results[0])[1]
        ods = broadcast_prefix(out_dims, out_spec)
        if ods is None:
            raise ValueError(
                f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible "
                f"with the structure of `outputs`. out_dims has structure "
                f"{tree_flatten(out_dims)[1]} but outputs has structure {out_spec}."
            )
        combined = [_combine(func, [o[i] for o in outs], od, n) for i, od in enumerate(ods)]
        return tree_unflatten(combined, out_spec)

    return wrapped
