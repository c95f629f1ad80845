"""Variable-length sequences for the recurrent layers: PackedSequence and the helpers that
pad, pack and unpack it, as ``torch.nn.utils.rnn``.

A packed sequence stores the batch time-major with the finished sequences dropped: the rows
of time step ``t`` are the first ``batch_sizes[t]`` sequences (sorted by decreasing length).
Every conversion here is one gather (advanced indexing) of the data, so gradients flow
through the data unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np

import retrograd as _rg

from ..._tensor import Tensor

__all__ = [
    "PackedSequence", "invert_permutation", "pack_padded_sequence", "pack_sequence",
    "pad_packed_sequence", "pad_sequence", "unpack_sequence", "unpad_sequence",
]  # fmt: skip


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(PackedSequence_):
    """The data and list of ``batch_sizes`` of a packed sequence.

    Made by :func:`pack_padded_sequence` or :func:`pack_sequence`, never by hand.

    Args:
        data: ``(sum(lengths), *)``, the time steps of all sequences, time-major.
        batch_sizes: int64, how many sequences are still running at each time step.
        sorted_indices: int64, the batch order the data uses (None if already sorted).
        unsorted_indices: the inverse of ``sorted_indices``.
    """

    def __new__(cls, data: Any, batch_sizes: Tensor | None = None,
                sorted_indices: Tensor | None = None,
                unsorted_indices: Tensor | None = None) -> PackedSequence:  # fmt: skip
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            # PyTorch also accepts PackedSequence((data, batch_sizes), ...)
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise ValueError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """The same sequence with ``data.to(*args, **kwargs)``."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cpu(self) -> PackedSequence:
        return self

    def double(self) -> PackedSequence:
        return self.to(dtype=_rg.float64)

    def float(self) -> PackedSequence:
        return self.to(dtype=_rg.float32)

    def half(self) -> PackedSequence:
        return self.to(dtype=_rg.float16)

    @property
    def is_cuda(self) -> bool:
        return False

    def is_pinned(self) -> bool:
        return False


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The permutation that undoes ``permutation`` (None stays None)."""
    if permutation is None:
        return None
    perm = np.asarray(permutation.numpy())
    inverse = np.empty_like(perm)
    inverse[perm] = np.arange(perm.size, dtype=perm.dtype)
    return _rg.tensor(inverse, dtype=_rg.int64)


def _lengths_array(lengths: Any) -> np.ndarray:
    if isinstance(lengths, Tensor):
        lengths = lengths.numpy()
    return np.asarray(lengths, dtype=np.int64).reshape(-1)


def pack_padded_sequence(input: Tensor, lengths: Any, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:  # fmt: skip
    """Pack a padded batch of variable-length sequences.

    Args:
        input: ``(T, B, *)`` (or ``(B, T, *)`` with ``batch_first``), padded.
        lengths: the length of each sequence (list or 1-D tensor).
        batch_first: whether ``input`` is batch-major.
        enforce_sorted: require ``lengths`` sorted in decreasing order; otherwise the
            batch is sorted here and the permutation kept in the result.

    Returns:
        a :class:`PackedSequence`.

    Example::

        >>> x = retrograd.randn(3, 2, 4)
        >>> pack_padded_sequence(x, [3, 1]).batch_sizes
        tensor([2, 1, 1])
    """
    lens = _lengths_array(lengths)
    batch = input.shape[0 if batch_first else 1]
    if lens.size != batch:
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got {lens.size} "
            f"(batch_size={batch})"
        )
    if enforce_sorted:
        if np.any(np.diff(lens) > 0):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability."
            )
        order = np.arange(batch)
        sorted_indices = None
    else:
        order = np.argsort(-lens, kind="stable")
        sorted_indices = _rg.tensor(order, dtype=_rg.int64)
    lens = lens[order]
    if lens.size and lens[-1] <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in "
            "'lengths' that is <= 0"
        )
    steps = input.shape[1 if batch_first else 0]
    if lens.size and lens[0] > steps:
        raise RuntimeError(
            f"pack_padded_sequence: a length of {lens[0]} is longer than the input's "
            f"{steps} time steps"
        )
    # row-major nonzero of the (time, batch) mask lists time step after time step
    t_idx, b_idx = np.nonzero(np.arange(lens[0] if lens.size else 0)[:, None] < lens[None, :])
    b_idx = order[b_idx]
    data = input[b_idx, t_idx] if batch_first else input[t_idx, b_idx]
    batch_sizes = np.bincount(t_idx, minlength=lens[0] if lens.size else 0)
    return PackedSequence(data, _rg.tensor(batch_sizes, dtype=_rg.int64), sorted_indices)


def _packed_lengths(batch_sizes: np.ndarray) -> np.ndarray:
    """Each sorted sequence's length from the per-step batch sizes."""
    batch = int(batch_sizes[0]) if batch_sizes.size else 0
    return (batch_sizes[:, None] > np.arange(batch)[None, :]).sum(0)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:  # fmt: skip
    """Undo :func:`pack_padded_sequence`: a padded batch and the lengths.

    Args:
        sequence: the :class:`PackedSequence`.
        batch_first: return ``(B, T, *)`` instead of ``(T, B, *)``.
        padding_value: the value of the padded positions.
        total_length: pad to this many time steps (at least the longest length).

    Returns:
        ``(padded, lengths)``, both in the batch's original order; ``lengths`` is int64.
    """
    batch_sizes = np.asarray(sequence.batch_sizes.numpy(), dtype=np.int64)
    steps = batch_sizes.size
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{steps}"
            )
        steps = total_length
    lens = _packed_lengths(batch_sizes)
    batch = lens.size
    offsets = np.concatenate([[0], np.cumsum(batch_sizes)[:-1]]).astype(np.int64)
    data = sequence.data
    pad_row = np.int64(data.shape[0])
    idx = np.full((steps, batch), pad_row, dtype=np.int64)
    t_idx, b_idx = np.nonzero(np.arange(steps)[:, None] < lens[None, :])
    idx[t_idx, b_idx] = offsets[t_idx] + b_idx
    if sequence.unsorted_indices is not None:
        unsorted = np.asarray(sequence.unsorted_indices.numpy())
        idx, lens = idx[:, unsorted], lens[unsorted]
    if batch_first:
        idx = idx.T
    fill = _rg.full((1, *data.shape[1:]), padding_value, dtype=data.dtype)
    padded = _rg.cat([data, fill])[_rg.tensor(idx)]
    return padded, _rg.tensor(lens, dtype=_rg.int64)


def pad_sequence(sequences: Tensor | Iterable[Tensor], batch_first: bool = False,
                 padding_value: float = 0.0, padding_side: str = "right") -> Tensor:  # fmt: skip
    """Stack variable-length sequences ``(L_i, *)`` into one padded tensor.

    Args:
        sequences: the sequences (all with the same trailing dimensions).
        batch_first: return ``(B, T, *)`` instead of ``(T, B, *)``.
        padding_value: the value of the padded positions.
        padding_side: ``'right'`` (pad after each sequence) or ``'left'``.

    Returns:
        ``(T, B, *)`` or ``(B, T, *)`` where ``T`` is the longest length.

    Example::

        >>> pad_sequence([retrograd.ones(3, 5), retrograd.ones(2, 5)]).shape
        retrograd.Size([3, 2, 5])
    """
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    elif not isinstance(sequences, Iterable):
        raise RuntimeError(
            "pad_sequence: Expected iterable for input sequences, but got arg of type: "
            f"{type(sequences)}"
        )
    seqs = list(sequences)
    if padding_side not in ("left", "right"):
        raise RuntimeError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    trailing = seqs[0].shape[1:]
    for i, s in enumerate(seqs):
        if s.dim() == 0 or s.shape[1:] != trailing:
            raise RuntimeError(
                f"pad_sequence: sequence {i} has shape {list(s.shape)}, expected trailing "
                f"dimensions {list(trailing)} like sequence 0"
            )
    lens = np.array([s.shape[0] for s in seqs], dtype=np.int64)
    steps = int(lens.max())
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64)
    idx = np.full((steps, lens.size), lens.sum(), dtype=np.int64)
    pos = np.arange(steps)[:, None]
    shift = steps - lens[None, :] if padding_side == "left" else np.zeros((1, lens.size), int)
    valid = (pos >= shift) & (pos < shift + lens[None, :])
    idx[valid] = (starts[None, :] + pos - shift)[valid]
    if batch_first:
        idx = idx.T
    dtype = seqs[0].dtype
    fill = _rg.full((1, *trailing), padding_value, dtype=dtype)
    return _rg.cat([*seqs, fill])[_rg.tensor(idx)]


def unpad_sequence(padded_sequences: Tensor, lengths: Any,
                   batch_first: bool = False) -> list[Tensor]:  # fmt: skip
    """Split a padded batch back into its sequences (the inverse of :func:`pad_sequence`).

    Args:
        padded_sequences: ``(T, B, *)`` or ``(B, T, *)`` with ``batch_first``.
        lengths: the length of each sequence.
        batch_first: whether the batch is batch-major.

    Returns:
        a list of ``B`` tensors ``(L_i, *)``.
    """
    batch_major = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [batch_major[i, : int(n)] for i, n in enumerate(_lengths_array(lengths))]


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of variable-length sequences ``(L_i, *)``.

    Args:
        sequences: the sequences, longest first unless ``enforce_sorted`` is False.
        enforce_sorted: see :func:`pack_padded_sequence`.

    Returns:
        a :class:`PackedSequence`.
    """
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """Split a :class:`PackedSequence` back into its list of sequences (original order)."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
