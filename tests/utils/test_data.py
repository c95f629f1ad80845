"""``utils.data`` against ``torch.utils.data``: DataLoader batching and default collation of
the same samples, lengths, sampler and option errors; shuffling reproducible from a seeded
Generator; random_split sizes (counts and fractions); the samplers' guarantees."""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import retrograd as rg
import retrograd.utils.data as rdata
from _torch_compare import assert_close

Point = namedtuple("Point", ["x", "y"])


def assert_same_batch(ours: Any, theirs: Any) -> None:
    """Same structure (container types, keys, lengths), tensors equal with equal dtypes."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, rg.Tensor), f"{type(ours)} is not a Tensor"
        assert_close(ours, theirs, rtol=0, atol=0)
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs)
        for k in theirs:
            assert_same_batch(ours[k], theirs[k])
    elif isinstance(theirs, list | tuple):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same_batch(a, b)
    else:
        assert ours == theirs


def _xy(lib: Any) -> Any:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((10, 3)).astype(np.float32)
    y = np.arange(10)
    return lib.utils.data.TensorDataset(lib.tensor(x), lib.tensor(y))


@pytest.mark.parametrize(
    ("batch_size", "drop_last"), [(1, False), (4, False), (4, True), (10, True)]
)
def test_tensor_dataset_batches_match_torch(batch_size: int, drop_last: bool) -> None:
    ours = rdata.DataLoader(_xy(rg), batch_size=batch_size, drop_last=drop_last)
    theirs = tdata.DataLoader(_xy(torch), batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs)
    batches = list(ours)
    assert len(batches) == len(list(theirs))
    for a, b in zip(batches, theirs):
        assert_same_batch(a, b)


def _sample(lib: Any, i: int) -> dict[str, Any]:
    arr = np.arange(6, dtype=np.float32).reshape(2, 3) * i
    return {
        "array": arr,
        "float": 0.5 * i,
        "int": i,
        "bool": i % 2 == 0,
        "str": f"s{i}",
        "np_scalar": np.float32(i) / 3,
        "np_int": np.int32(i),
        "tensor": lib.full((2,), float(i)),
        "tuple": (lib.tensor(i), [i, i + 1.0]),
        "point": Point(x=i, y=np.array([i, -i])),
    }


class _Samples:
    """A map-style dataset defined by ``__getitem__``/``__len__`` only (no base class)."""

    def __init__(self, lib: Any) -> None:
        self.lib = lib

    def __len__(self) -> int:
        return 5

    def __getitem__(self, i: int) -> dict[str, Any]:
        return _sample(self.lib, i)


@pytest.mark.parametrize("batch_size", [2, None])
def test_default_collation_of_nested_samples_matches_torch(batch_size: int | None) -> None:
    ours = list(rdata.DataLoader(_Samples(rg), batch_size=batch_size))
    theirs = list(tdata.DataLoader(_Samples(torch), batch_size=batch_size))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert_same_batch(a, b)


def test_default_collate_errors_match_torch() -> None:
    for batch, exc, pattern in [
        ([np.array(["a"]), np.array(["b"])], TypeError, "default_collate: batch must contain"),
        ([object(), object()], TypeError, "default_collate: batch must contain"),
        ([[1, 2], [1]], RuntimeError, "each element in list of batch should be of equal size"),
    ]:
        with pytest.raises(exc, match=pattern):
            tdata.default_collate(batch)
        with pytest.raises(exc, match=pattern):
            rdata.default_collate(batch)


def test_custom_collate_fn_sampler_and_batch_sampler() -> None:
    ds = list(range(7))
    order = [6, 0, 5, 1, 4]
    ours = rdata.DataLoader(ds, batch_size=2, sampler=order, collate_fn=lambda b: sum(b))
    theirs = tdata.DataLoader(ds, batch_size=2, sampler=order, collate_fn=lambda b: sum(b))
    assert list(ours) == list(theirs) and len(ours) == len(theirs)
    batches = [[0, 3], [6], [1, 2, 4]]
    ours_b = list(rdata.DataLoader(ds, batch_sampler=batches))
    theirs_b = list(tdata.DataLoader(ds, batch_sampler=batches))
    for a, b in zip(ours_b, theirs_b, strict=True):
        assert_same_batch(a, b)


class _Stream(rdata.IterableDataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self) -> Iterator[tuple[int, float]]:
        return ((i, i / 2) for i in range(self.n))

    def __len__(self) -> int:
        return self.n


class _TorchStream(tdata.IterableDataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self) -> Iterator[tuple[int, float]]:
        return ((i, i / 2) for i in range(self.n))

    def __len__(self) -> int:
        return self.n


@pytest.mark.parametrize(("batch_size", "drop_last"), [(3, False), (3, True), (None, False)])
def test_iterable_dataset_batches_match_torch(batch_size: int | None, drop_last: bool) -> None:
    ours = rdata.DataLoader(_Stream(7), batch_size=batch_size, drop_last=drop_last)
    theirs = tdata.DataLoader(_TorchStream(7), batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        assert_same_batch(a, b)


def test_iterable_dataset_rejects_shuffle_and_samplers() -> None:
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        rdata.DataLoader(_Stream(3), shuffle=True)
    with pytest.raises(ValueError, match="expected unspecified sampler option"):
        rdata.DataLoader(_Stream(3), sampler=[0, 1])


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        (dict(sampler=[0, 1], shuffle=True), "sampler option is mutually exclusive with shuffle"),
        (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually exclusive"),
        (dict(batch_sampler=[[0]], drop_last=True), "batch_sampler option is mutually exclusive"),
        (dict(batch_size=None, drop_last=True), "batch_size=None option disables auto-batching"),
        (dict(num_workers=-1), "num_workers option should be non-negative"),
        (dict(prefetch_factor=2), "prefetch_factor option could only be specified"),
        (dict(persistent_workers=True), "persistent_workers option needs num_workers > 0"),
    ],
)
def test_dataloader_option_errors_match_torch(kwargs: dict[str, Any], pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        tdata.DataLoader(list(range(4)), **kwargs)
    with pytest.raises(ValueError, match=pattern):
        rdata.DataLoader(list(range(4)), **kwargs)


def _epoch_orders(seed: int | None, epochs: int = 2) -> list[list[int]]:
    generator = rg.Generator().manual_seed(seed) if seed is not None else None
    loader = rdata.DataLoader(list(range(20)), batch_size=6, shuffle=True, generator=generator)
    return [[int(i) for batch in loader for i in batch] for _ in range(epochs)]


def test_shuffle_with_a_seeded_generator_is_reproducible() -> None:
    first, second = _epoch_orders(seed=3), _epoch_orders(seed=3)
    assert first == second
    assert all(sorted(order) == list(range(20)) for order in first)
    assert first[0] != first[1]  # a new permutation every epoch
    assert _epoch_orders(seed=4)[0] != first[0]


def test_shuffle_without_generator_follows_manual_seed() -> None:
    rg.manual_seed(11)
    first = _epoch_orders(seed=None)
    rg.manual_seed(11)
    assert _epoch_orders(seed=None) == first


@pytest.mark.parametrize(
    "lengths", [[3, 7], [0.3, 0.3, 0.4], [0.5, 0.5], [1 / 3, 1 / 3, 1 / 3], [0.25, 0.75]]
)
def test_random_split_sizes_match_torch(lengths: list[float]) -> None:
    ours = rdata.random_split(list(range(10)), lengths, generator=rg.Generator().manual_seed(0))
    theirs = tdata.random_split(
        list(range(10)), lengths, generator=torch.Generator().manual_seed(0)
    )
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    items = sorted(x for subset in ours for x in subset)
    assert items == list(range(10))
    again = rdata.random_split(list(range(10)), lengths, generator=rg.Generator().manual_seed(0))
    assert [list(s) for s in again] == [list(s) for s in ours]


def test_random_split_errors_and_empty_split_warning() -> None:
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        rdata.random_split(list(range(10)), [3, 3])
    with pytest.warns(UserWarning, match=re.escape("Length of split at index 1 is 0")):
        rdata.random_split(list(range(2)), [0.9, 0.1])


def test_datasets_concat_subset_tensor_dataset() -> None:
    ours = rdata.ConcatDataset([list(range(3)), list(range(10, 14))])
    theirs = tdata.ConcatDataset([list(range(3)), list(range(10, 14))])
    assert len(ours) == len(theirs) == 7
    assert [ours[i] for i in range(-7, 7)] == [theirs[i] for i in range(-7, 7)]
    assert ours.cumulative_sizes == theirs.cumulative_sizes
    with pytest.raises(ValueError, match="should not exceed dataset length"):
        ours[-8]
    sub = rdata.Subset(list("abcdef"), [5, 0, 2])
    assert len(sub) == 3 and [sub[i] for i in range(3)] == ["f", "a", "c"]
    with pytest.raises(ValueError, match="Size mismatch between tensors"):
        rdata.TensorDataset(rg.ones(3), rg.ones(4))
    chained = _Stream(2) + _Stream(3)
    assert [i for i, _ in chained] == [0, 1, 0, 1, 2]


def test_sequential_and_batch_sampler_match_torch() -> None:
    for drop_last in (False, True):
        ours = rdata.BatchSampler(rdata.SequentialSampler(range(10)), 3, drop_last)
        theirs = tdata.BatchSampler(tdata.SequentialSampler(range(10)), 3, drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        rdata.BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value"):
        rdata.BatchSampler(range(3), 2, 1)  # type: ignore[arg-type]


def test_random_sampler_without_replacement_chains_permutations() -> None:
    gen = rg.Generator().manual_seed(0)
    drawn = list(rdata.RandomSampler(range(5), num_samples=12, generator=gen))
    assert len(drawn) == 12
    assert sorted(drawn[:5]) == sorted(drawn[5:10]) == list(range(5))
    assert len(set(drawn[10:])) == 2


def test_random_sampler_with_replacement() -> None:
    sampler = rdata.RandomSampler(range(4), replacement=True, num_samples=70,
                                  generator=rg.Generator().manual_seed(0))  # fmt: skip
    drawn = list(sampler)
    assert len(drawn) == len(sampler) == 70
    assert set(drawn) == {0, 1, 2, 3}
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        rdata.RandomSampler(range(4), num_samples=0)
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        rdata.RandomSampler(range(4), replacement=1)  # type: ignore[arg-type]


def test_subset_random_sampler_is_a_permutation_of_the_indices() -> None:
    indices = [10, 3, 7, 42]
    drawn = list(rdata.SubsetRandomSampler(indices, generator=rg.Generator().manual_seed(1)))
    assert sorted(drawn) == sorted(indices)


def test_weighted_random_sampler() -> None:
    gen = rg.Generator().manual_seed(0)
    weights = [0.0, 1.0, 3.0, 0.0]
    drawn = list(rdata.WeightedRandomSampler(weights, 400, generator=gen))
    assert set(drawn) == {1, 2}
    assert 0.6 < drawn.count(2) / 400 < 0.9  # expected 0.75
    unique = list(rdata.WeightedRandomSampler([1, 1, 1, 1, 1], 5, replacement=False, generator=gen))
    assert sorted(unique) == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="weights should be a 1d sequence"):
        rdata.WeightedRandomSampler([[1.0, 2.0]], 2)
    with pytest.raises(RuntimeError, match="without replacement"):
        list(rdata.WeightedRandomSampler([1.0, 0.0], 2, replacement=False))


def test_training_loop_consumes_a_shuffled_loader() -> None:
    ds = _xy(rg)
    w = rg.zeros(3, requires_grad=True)
    opt = rg.optim.SGD([w], lr=0.01)
    loader = rdata.DataLoader(
        ds, batch_size=4, shuffle=True, generator=rg.Generator().manual_seed(0)
    )
    seen = 0
    for xb, yb in loader:
        opt.zero_grad()
        ((xb @ w - yb.float()) ** 2).mean().backward()
        opt.step()
        seen += xb.shape[0]
    assert seen == 10 and w.grad is not None


def test_num_workers_loads_the_same_batches_in_process() -> None:
    ours = rdata.DataLoader(_xy(rg), batch_size=3, num_workers=2, persistent_workers=True)
    theirs = tdata.DataLoader(_xy(torch), batch_size=3)
    for a, b in zip(ours, theirs, strict=True):
        assert_same_batch(a, b)
