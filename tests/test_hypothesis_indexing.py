"""Property tests against PyTorch for ``__getitem__`` and ``__setitem__``: random shapes and
index keys mixing ints, slices, None, Ellipsis, integer lists/tensors and boolean masks.
Values, gradients under a random upstream gradient, errors, and the memory and version
counter that basic-indexing views share with their base."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import retrograd as rg
from _torch_compare import assert_close, to_torch
from strategies import (
    NUMPY,
    array_keys,
    has_repeats,
    index_keys,
    index_shapes,
    make_key,
    out_of_range_keys,
    random_array,
    seeds,
)

shapes = index_shapes()
nonempty_shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4)


def _torch_or_error(fn: Any) -> tuple[Any, Exception | None]:
    try:
        return fn(), None
    except (IndexError, RuntimeError, TypeError, ValueError) as e:
        return None, e


@settings(max_examples=250)
@given(data=st.data(), shape=shapes, seed=seeds)
def test_getitem_values_and_grad_like_torch(data, shape, seed):
    _check_getitem(shape, data.draw(index_keys(shape), label="key"), seed)


@settings(max_examples=100)
@given(data=st.data(), shape=hnp.array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=4),
       seed=seeds)  # fmt: skip
def test_getitem_with_several_index_arrays_like_torch(data, shape, seed):
    _check_getitem(shape, data.draw(array_keys(shape), label="key"), seed)


def _check_getitem(shape: tuple[int, ...], desc: Any, seed: int) -> None:
    """``x[key]`` and its gradient under a random upstream gradient agree with PyTorch, or
    both libraries raise the same exception type."""
    rng = np.random.default_rng(seed)
    x = rg.tensor(random_array(rng, shape), requires_grad=True)
    tx = to_torch(x)
    expected, err = _torch_or_error(lambda: tx[make_key(desc, torch)])
    # PyTorch miscounts dims after a multi-dim mask followed by None and Ellipsis
    assume(err is None or not str(err).startswith("Dimension out of range"))
    event(f"torch raised {type(err).__name__}" if err else "indexed")
    if err is not None:  # e.g. advanced indices that do not broadcast together
        with pytest.raises(type(err)):
            x[make_key(desc, rg)]
        return
    out = x[make_key(desc, rg)]
    assert_close(out, expected)
    g = random_array(rng, tuple(expected.shape))
    out.backward(rg.tensor(g))
    expected.backward(torch.from_numpy(g))
    # repeated indices add up their gradients
    assert_close(x.grad, tx.grad)


@settings(max_examples=100)
@given(data=st.data(), shape=shapes, seed=seeds)
def test_basic_index_is_a_view_sharing_memory_and_version_counter(data, shape, seed):
    desc = data.draw(index_keys(shape, advanced=False), label="key")
    rng = np.random.default_rng(seed)
    x = rg.tensor(random_array(rng, shape))
    tx = to_torch(x)
    y, ty = x[make_key(desc, rg)], tx[make_key(desc, torch)]
    assert (y._base is x) == (ty._base is tx)
    assert y._base is x
    x.add_(1)
    tx.add_(1)
    assert y._version == x._version == ty._version
    assert_close(y, ty)  # y sees the change made through x
    y.mul_(2)
    ty.mul_(2)
    assert y._version == x._version
    assert_close(x, tx)  # and x the one made through y


@settings(max_examples=80)
@given(data=st.data(), shape=nonempty_shapes)
def test_out_of_range_index_raises_torchs_index_error(data, shape):
    desc = data.draw(out_of_range_keys(shape), label="key")
    x = rg.zeros(shape, requires_grad=True)
    with pytest.raises(IndexError) as theirs:
        to_torch(x)[make_key(desc, torch)]
    with pytest.raises(IndexError) as ours:
        x[make_key(desc, rg)]
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(IndexError) as ours_set:
        (x * 1)[make_key(desc, rg)] = 1.0
    assert str(ours_set.value) == str(theirs.value)


@st.composite
def _value_shape(draw: st.DrawFn, target: tuple[int, ...]) -> tuple[int, ...]:
    """A shape that broadcasts to ``target`` without growing it (leading 1s allowed)."""
    lead = draw(st.integers(0, len(target)))
    ones = (1,) * draw(st.integers(0, 1))
    return ones + tuple(draw(st.sampled_from([s, 1])) for s in target[lead:])


@settings(max_examples=250)
@given(data=st.data(), shape=shapes, value_kind=st.sampled_from(["number", "tensor", "float32"]),
       seed=seeds)  # fmt: skip
def test_setitem_on_non_leaf_values_and_grads_like_torch(data, shape, value_kind, seed):
    desc = data.draw(index_keys(shape, unique=True), label="key")
    try:
        target = np.empty(shape)[make_key(desc, NUMPY)].shape
    except IndexError:
        assume(False)  # not a valid index; getitem's test covers the errors
    assume(not has_repeats(shape, desc))  # assignment through repeats is undefined in PyTorch
    rng = np.random.default_rng(seed)
    x = rg.tensor(random_array(rng, shape), requires_grad=True)
    tx = to_torch(x)
    if value_kind == "number":
        v = tv = float(rng.integers(-8, 9)) / 4
    else:
        vshape = data.draw(_value_shape(target), label="value shape")
        v = rg.tensor(random_array(rng, vshape, value_kind.replace("tensor", "float64")),
                      requires_grad=True)  # fmt: skip
        tv = to_torch(v)
    y, ty = x * 1, tx * 1

    def assign() -> None:
        ty[make_key(desc, torch)] = tv

    _, err = _torch_or_error(assign)
    event(f"torch raised {type(err).__name__}" if err else "assigned")
    if err is not None:  # e.g. a float32 value through an index array into float64
        with pytest.raises(type(err)):
            y[make_key(desc, rg)] = v
        return
    y[make_key(desc, rg)] = v
    assert_close(y, ty)
    g = random_array(rng, shape)
    (y * rg.tensor(g)).sum().backward()
    (ty * torch.from_numpy(g)).sum().backward()
    assert_close(x.grad, tx.grad)
    if value_kind != "number":
        assert_close(v.grad, tv.grad)
