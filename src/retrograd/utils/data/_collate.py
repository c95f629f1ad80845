"""default_collate and default_convert: how a DataLoader turns samples into batches."""

from __future__ import annotations

import collections.abc
from typing import Any

import numpy as np

from ... import _dtype
from ..._ops.creation import as_tensor, tensor
from ..._ops.shape_ops import stack
from ..._tensor import Tensor

__all__ = ["default_collate", "default_convert"]

_BAD_TYPE = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def _is_namedtuple(obj: Any) -> bool:
    return isinstance(obj, tuple) and hasattr(obj, "_fields")


def _rebuild(elem: Any, items: Any) -> Any:
    """A container of ``elem``'s type holding ``items``; a plain list/dict when that type
    cannot be built from them (PyTorch's fallback)."""
    try:
        return type(elem)(items)
    except TypeError:
        return items


def default_convert(data: Any) -> Any:
    """Turn NumPy arrays (nested in lists, tuples, dicts) into tensors; leave the rest.

    Used by a DataLoader with ``batch_size=None`` (no batching).
    """
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray | np.generic) and data.dtype.kind not in "SaUO":
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuild(data, {k: default_convert(v) for k, v in data.items()})
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, str | bytes):
        return _rebuild(data, [default_convert(d) for d in data])
    return data


def default_collate(batch: list[Any]) -> Any:
    """Stack a list of samples into a batch, recursively, as ``torch``'s default_collate.

    Tensors and NumPy arrays are stacked along a new first dimension; Python floats become
    a float64 tensor, ints (and bools) an int64 (bool) tensor; strings stay a list; dicts
    are collated key by key; tuples and lists element by element (a tuple gives a list,
    a namedtuple stays a namedtuple).

    Args:
        batch (list): the samples.

    Returns:
        The batch, with the samples' structure.

    Example:
        >>> default_collate([(retrograd.ones(2), 0), (retrograd.zeros(2), 1)])
        [tensor([[1., 1.], [0., 0.]]), tensor([0, 1])]
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, np.ndarray | np.generic):
        if elem.dtype.kind in "SaUO":
            raise TypeError(_BAD_TYPE.format(elem.dtype))
        if isinstance(elem, np.ndarray) and elem.ndim > 0:
            return default_collate([as_tensor(b) for b in batch])
        return as_tensor(np.asarray(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=_dtype.float64)
    if isinstance(elem, int):
        return tensor(batch)
    if isinstance(elem, str | bytes):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild(elem, {key: default_collate([d[key] for d in batch]) for key in elem})
    if _is_namedtuple(elem):
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(b) != len(elem) for b in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = [default_collate(list(s)) for s in zip(*batch)]
        return transposed if isinstance(elem, tuple) else _rebuild(elem, transposed)
    raise TypeError(_BAD_TYPE.format(type(elem)))
