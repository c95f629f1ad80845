"""Shape and indexing ops beyond the op database: views sharing memory and version counter
with their base, the in-place ``_`` forms, integer-valued ops, PyTorch's errors for bad
input, node names, and the derivatives PyTorch lacks (cdist's second order and forward
mode, scatter_reduce prod's forward mode) checked by finite differences."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import retrograd as rg
from _torch_compare import assert_close
from retrograd.autograd import gradcheck, gradgradcheck

LIBS = (rg, torch)


def pair(values: Any, dtype: str = "float64") -> tuple[Any, Any]:
    arr = np.asarray(values)
    return rg.tensor(arr.tolist(), dtype=getattr(rg, dtype)), torch.tensor(
        arr.tolist(), dtype=getattr(torch, dtype)
    )


# ------------------------------------------------------------------------- views
VIEWS: dict[str, Callable[[Any], Any]] = {
    "unflatten": lambda x: x.unflatten(1, (2, 2)),
    "movedim": lambda x: x.movedim(0, 1),
    "moveaxis": lambda x: x.moveaxis(1, 0),
    "split piece": lambda x: x.split(1)[1],
    "split_with_sizes piece": lambda x: x.split([1, 2], 0)[1],
    "chunk piece": lambda x: x.chunk(2, 1)[1],
    "tensor_split piece": lambda x: x.tensor_split(2, 1)[0],
    "unfold": lambda x: x.unfold(1, 2, 2),
    "as_strided": lambda x: x.as_strided((2, 2), (1, 4), 1),
    "broadcast_tensors": lambda x: (
        rg.broadcast_tensors(x, rg.zeros(2, 3, 4))[0]
        if isinstance(x, rg.Tensor)
        else torch.broadcast_tensors(x, torch.zeros(2, 3, 4))[0]
    ),
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_views_share_memory_and_version_with_their_base(name: str) -> None:
    base = rg.arange(12.0).reshape(3, 4)
    tbase = torch.arange(12.0).reshape(3, 4)
    view, tview = VIEWS[name](base), VIEWS[name](tbase)
    assert view._is_view() and tview._is_view()
    assert_close(view, tview)
    before = view._version
    base.add_(100.0)
    tbase.add_(100.0)
    assert view._version == before + 1
    assert_close(view, tview)  # the view sees the base's new values


def test_select_and_unbind_of_a_vector_give_0d_views() -> None:
    x = rg.arange(3.0)
    pieces = [x.select(0, 1), *x.unbind()]
    x.mul_(10)
    assert [p.item() for p in pieces] == [10.0, 0.0, 10.0, 20.0]
    assert all(p._version == x._version for p in pieces)


def test_writing_through_a_non_overlapping_unfold_reaches_the_base() -> None:
    for lib in LIBS:
        x = lib.zeros(6)
        x.unfold(0, 2, 3).mul_(0).add_(1.0)
        assert x.tolist() == [1.0, 1.0, 0.0, 1.0, 1.0, 0.0]


def test_writing_into_overlapping_windows_is_refused() -> None:
    # PyTorch's add_ here applies once per window element, a result of its kernel's loop;
    # retrograd refuses rather than give a different number
    x = rg.zeros(6)
    with pytest.raises(RuntimeError, match="more than one element"):
        x.unfold(0, 3, 1).add_(1.0)
    assert x.tolist() == [0.0] * 6


def test_split_pieces_may_not_change_in_place_while_they_require_grad() -> None:
    msgs = []
    for lib in LIBS:
        x = lib.arange(6.0, requires_grad=True) * 1
        pieces = (x.split(3)[1], x.split([2, 4])[0], x.chunk(2)[1][1:], x.reshape(2, 3).unbind()[1])
        for piece in pieces:
            with pytest.raises(RuntimeError, match="returns multiple views") as e:
                piece.mul_(2)
            msgs.append(str(e.value).split(" is a view")[0])
        with lib.no_grad():
            x.split(3)[1].mul_(2)  # outside the graph it is allowed
        assert x.tolist() == [0.0, 1.0, 2.0, 6.0, 8.0, 10.0]
    assert msgs[:4] == msgs[4:]  # "Output 1 of Split", "Output 0 of SplitWithSizes", ...


# ---------------------------------------------------------------------- in place
INPLACE: dict[str, Callable[[Any, Any, Any], Any]] = {
    # (lib, target, source) -> the in-place call on target
    "scatter_": lambda lib, t, s: t.scatter_(0, lib.tensor([[2, 0, 1], [0, 2, 2]]), s),
    "scatter_ value": lambda lib, t, s: t.scatter_(1, lib.tensor([[2], [0], [1]]), 1.5),
    "scatter_add_": lambda lib, t, s: t.scatter_add_(0, lib.tensor([[2, 0, 0], [2, 2, 1]]), s),
    "scatter_reduce_": lambda lib, t, s: t.scatter_reduce_(
        0, lib.tensor([[2, 0, 0], [2, 2, 1]]), s, "amax", include_self=False
    ),
    "index_add_": lambda lib, t, s: t.index_add_(0, lib.tensor([2, 2]), s, alpha=2.0),
    "index_copy_": lambda lib, t, s: t.index_copy_(0, lib.tensor([2, 0]), s),
    "index_fill_": lambda lib, t, s: t.index_fill_(1, lib.tensor([0, 2]), -1.0),
    "index_put_": lambda lib, t, s: t.index_put_(
        (lib.tensor([0, 0, 1]), lib.tensor([1, 1, 2])), s[0], accumulate=True
    ),
    "masked_scatter_": lambda lib, t, s: t.masked_scatter_(
        lib.tensor([[True, False, True], [False, True, False], [True, True, True]]), s
    ),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_forms_match_pytorch_in_values_and_gradients(name: str) -> None:
    rng = np.random.default_rng(0)
    tv, sv, gv = (
        rng.standard_normal((3, 3)),
        rng.standard_normal((2, 3)),
        rng.standard_normal((3, 3)),
    )
    out = {}
    for lib in LIBS:
        t = lib.tensor(tv.tolist(), dtype=lib.float64, requires_grad=True)
        s = lib.tensor(sv.tolist(), dtype=lib.float64, requires_grad=True)
        y = t * 1.0  # a non-leaf may change in place
        ret = INPLACE[name](lib, y, s)
        assert ret is y
        grads = lib.autograd.grad(y, (t, s), lib.tensor(gv.tolist(), dtype=lib.float64),
                                  allow_unused=True)  # fmt: skip
        out[lib] = (y, grads, y._version)
    (y, g, v), (ty, tg, tv_) = out[rg], out[torch]
    assert_close(y, ty)
    assert v == tv_
    for a, b in zip(g, tg):
        if b is None:
            assert a is None or not a.detach().numpy().any()
        else:
            assert_close(a, b)


def test_inplace_on_a_leaf_that_requires_grad_is_refused() -> None:
    x = rg.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x.index_fill_(0, rg.tensor([1]), 2.0)


def test_inplace_scatter_without_grad_bumps_the_version() -> None:
    x = rg.zeros(3)
    x.scatter_(0, rg.tensor([1]), rg.tensor([5.0]))
    assert x.tolist() == [0.0, 5.0, 0.0] and x._version == 1


# ---------------------------------------------------------------- integer results
INTEGER_OPS: dict[str, Callable[[Any], Any]] = {
    "argwhere": lambda lib: lib.argwhere(lib.tensor([[0.0, 1.0], [2.0, 0.0]])),
    "argwhere method, 0-d": lambda lib: lib.tensor(3.0).argwhere(),
    "repeat_interleave counts": lambda lib: lib.repeat_interleave(lib.tensor([2, 0, 3])),
    "repeat_interleave on ints": lambda lib: lib.tensor([[1, 2], [3, 4]]).repeat_interleave(
        lib.tensor([1, 2]), dim=0
    ),
    "take on ints": lambda lib: lib.take(lib.tensor([[1, 2], [3, 4]]), lib.tensor([3, -4])),
    "scatter_reduce mean on ints floors": lambda lib: lib.tensor([1, 10]).scatter_reduce(
        0, lib.tensor([0, 0, 1]), lib.tensor([2, 4, -3]), "mean"
    ),
    "scatter_reduce amax on ints, no self": lambda lib: lib.tensor([1, 10]).scatter_reduce(
        0, lib.tensor([0, 0]), lib.tensor([-2, -4]), "amax", include_self=False
    ),
    "meshgrid of ints": lambda lib: lib.meshgrid(
        lib.tensor([1, 2]), lib.tensor([3, 4, 5]), indexing="xy"
    )[0],  # fmt: skip
    "diff of bools": lambda lib: lib.diff(lib.tensor([True, False, False, True])),
    "roll of ints": lambda lib: lib.tensor([[1, 2, 3]]).roll(-1, 1),
    "broadcast_shapes": lambda lib: lib.tensor(lib.broadcast_shapes((2, 1), 3, (1, 1, 3))),
    "movedim of a 0-d tensor": lambda lib: lib.tensor(1.5).movedim(0, -1),
    "scatter into a 0-d tensor": lambda lib: lib.tensor(1.0).scatter(0, lib.tensor(0), 2.0),
    "scatter_add into a 0-d tensor": lambda lib: lib.tensor(1.0).scatter_add(
        0, lib.tensor(0), lib.tensor(2.0)
    ),
    "scatter_reduce into a 0-d tensor": lambda lib: lib.tensor(3.0).scatter_reduce(
        0, lib.tensor(0), lib.tensor(2.0), "prod"
    ),
    "index_add into a 0-d tensor": lambda lib: lib.tensor(1.0).index_add(
        0, lib.tensor(0), lib.tensor(2.0)
    ),
    "index_copy into a 0-d tensor": lambda lib: lib.tensor(1.0).index_copy(
        0, lib.tensor([0]), lib.tensor(2.0)
    ),
    "index_fill of a 0-d tensor": lambda lib: lib.tensor(1.0).index_fill(0, lib.tensor(0), 2.0),
    "gather from a 0-d tensor": lambda lib: lib.tensor(2.5).gather(0, lib.tensor(0)),
    "gather from a 1-d tensor with a 0-d index": lambda lib: lib.tensor([2.5, 1.0]).gather(
        0, lib.tensor(1)
    ),
    "gather with an int32 index": lambda lib: lib.tensor([[1, 2], [3, 4]]).gather(
        1, lib.tensor([[1], [0]], dtype=lib.int32)
    ),
    "scatter reduce='multiply', value": lambda lib: lib.full((2, 2), 2.0).scatter(
        1, lib.tensor([[0, 0], [1, 0]]), 3.0, reduce="multiply"
    ),
}


@pytest.mark.parametrize("name", list(INTEGER_OPS))
def test_integer_valued_ops_match_pytorch(name: str) -> None:
    ours, theirs = INTEGER_OPS[name](rg), INTEGER_OPS[name](torch)
    assert not ours.requires_grad
    assert_close(ours, theirs)


def test_scatter_with_reduce_and_a_tensor_src_warns_it_is_deprecated() -> None:
    out = []
    for lib in LIBS:
        with pytest.warns(UserWarning, match="reduce argument of torch.scatter"):
            out.append(lib.ones(3).scatter(0, lib.tensor([0, 0, 2]), lib.tensor([2.0, 3.0, 4.0]),
                                           reduce="add"))  # fmt: skip
    assert_close(*out)


# ------------------------------------------------------------------------ errors


ERRORS: dict[str, tuple[Callable[[Any], Any], str]] = {
    # name: (the bad call, a piece of PyTorch's message that ours repeats)
    "unflatten sizes": (lambda lib: lib.arange(6.0).unflatten(0, (4, -1)), "multiply up"),
    "movedim counts": (lambda lib: lib.zeros(2, 3).movedim((0, 1), (0,)), "same number"),
    "movedim repeated": (lambda lib: lib.zeros(2, 3).movedim((0, 0), (0, 1)), "repeated dim"),
    "movedim out of range": (lambda lib: lib.zeros(2, 3).movedim(2, 0), "Dimension out"),
    "repeat too few": (lambda lib: lib.zeros(2, 3).repeat(2), "can not be smaller"),
    "repeat_interleave sizes": (
        lambda lib: lib.zeros(3).repeat_interleave(lib.tensor([1, 2])), "same size"),
    "repeat_interleave negative": (lambda lib: lib.zeros(3).repeat_interleave(-1),
                                   "non-negative"),
    "split sizes": (lambda lib: lib.zeros(6).split([2, 3]), "sum exactly to 6"),
    "split zero": (lambda lib: lib.zeros(6).split(0), "split_size can only be 0"),
    "hstack empty": (lambda lib: lib.hstack([]), "non-empty"),
    "fliplr 1-d": (lambda lib: lib.zeros(2).fliplr(), ">= 2-d"),
    "flipud 0-d": (lambda lib: lib.zeros(()).flipud(), ">= 1-d"),
    "roll mismatch": (lambda lib: lib.zeros(3).roll((1, 2), (0,)), "must align"),
    "rot90 one dim": (lambda lib: lib.zeros(2, 3).rot90(1, (0,)), "rotation dims == 2"),
    "rot90 same dims": (lambda lib: lib.zeros(2, 3).rot90(1, (0, 0)), "to be different"),
    "scatter float index": (
        lambda lib: lib.zeros(3).scatter(0, lib.tensor([1.0]), 1.0), "Expected dtype int"),
    "scatter index dims": (
        lambda lib: lib.zeros(3, 2).scatter(0, lib.tensor([1]), lib.ones(1)), "same number"),
    "scatter index too large": (
        lambda lib: lib.zeros(3, 2).scatter(0, lib.tensor([[1, 1, 1]]), lib.ones(3, 3)),
        "no larger than self"),
    "scatter out of range": (
        lambda lib: lib.zeros(6).scatter(0, lib.tensor([7]), 1.0), "out of bounds"),
    "scatter_add out of range": (
        lambda lib: lib.zeros(6).scatter_add(0, lib.tensor([6]), lib.ones(1)), "out of bounds"),
    "scatter_reduce bad reduce": (
        lambda lib: lib.zeros(3).scatter_reduce(0, lib.tensor([0]), lib.ones(1), "median"),
        "reduce argument must be"),
    "index_select out of range": (
        lambda lib: lib.zeros(3).index_select(0, lib.tensor([3])), "index out of range"),
    "index_select float index": (
        lambda lib: lib.zeros(3).index_select(0, lib.tensor([1.0])), "Expected dtype int"),
    "index_fill int32 index": (
        lambda lib: lib.zeros(3).index_fill(0, lib.tensor([1], dtype=lib.int32), 1.0),
        "Expected dtype int64"),
    "index_fill out of range": (
        lambda lib: lib.zeros(3).index_fill(0, lib.tensor([5]), 1.0), "out of bounds"),
    "index_copy out of range": (
        lambda lib: lib.zeros(3).index_copy(0, lib.tensor([5]), lib.ones(1)), "out of bounds"),
    "index_copy int32 index": (
        lambda lib: lib.zeros(3).index_copy(0, lib.tensor([1], dtype=lib.int32), lib.ones(1)),
        "long tensor"),
    "index_add float index": (
        lambda lib: lib.zeros(3).index_add(0, lib.tensor([1.0]), lib.ones(1)), "int32"),
    "index_put value shape": (
        lambda lib: lib.zeros(2, 3).index_put((lib.tensor([1]),), lib.ones(2)),
        "cannot be broadcast to indexing result of shape [1, 3]"),
    "index_put accumulate value shape": (
        lambda lib: lib.zeros(2, 3).index_put((lib.tensor([1]),), lib.ones(2), True),
        "cannot be broadcast to indexing result of shape [1, 3]"),
    "index_add source size": (
        lambda lib: lib.zeros(4).index_add(0, lib.tensor([1]), lib.ones(2)),
        "Number of indices (1) should be equal to source.size(dim): (2), for dim: 0"),
    "index_copy source size": (
        lambda lib: lib.zeros(4).index_copy(0, lib.tensor([1]), lib.ones(2)),
        "Number of indices (1) should be equal to source.size(dim) (2)"),
    "repeat_interleave output_size": (
        lambda lib: lib.arange(6.0).repeat_interleave(2, output_size=5),
        "Invalid output_size, expected 12 but got 5"),
    "index_put float index": (
        lambda lib: lib.zeros(3).index_put((lib.tensor([1.0]),), lib.ones(1)),
        "must be long, int, byte or bool"),
    "index_put out of range": (
        lambda lib: lib.zeros(3).index_put((lib.tensor([4]),), lib.ones(1), accumulate=True),
        "out of bounds"),
    "masked_scatter short source": (
        lambda lib: lib.zeros(3).masked_scatter(lib.tensor([True, True, False]), lib.ones(1)),
        "Number of elements of source"),
    "masked_select int mask": (
        lambda lib: lib.zeros(3).masked_select(lib.tensor([1, 0, 1])), "BoolTensor"),
    "take out of range": (lambda lib: lib.zeros(6).take(lib.tensor([6])), "out of range"),
    "take int32 index": (
        lambda lib: lib.zeros(6).take(lib.tensor([1], dtype=lib.int32)), "long tensor"),
    "take_along_dim dims": (
        lambda lib: lib.zeros(2, 3).take_along_dim(lib.tensor([0, 1]), dim=1),
        "same number of dimensions"),
    "meshgrid 2-d": (
        lambda lib: lib.meshgrid(lib.zeros(2, 2), indexing="ij"), "Expected 0D or 1D"),
    "meshgrid indexing": (
        lambda lib: lib.meshgrid(lib.zeros(2), indexing="ab"), "indexing must be one of"),
    "broadcast_shapes mismatch": (
        lambda lib: lib.broadcast_shapes((2, 1), (3, 2)),
        "Attempting to broadcast a dimension of length 3 at -2! Mismatching argument at index 1 "
        "had (3, 2); but expected shape should be broadcastable to [2, 2]"),
    "hsplit uneven": (lambda lib: lib.zeros(2, 3).hsplit(2), "is not divisible by the split_size"),
    "vsplit 1-d": (lambda lib: lib.zeros(3).vsplit(1), "at least 2 dimension"),
    "dsplit 2-d": (lambda lib: lib.zeros(2, 3).dsplit(1), "at least 3 dimension"),
    "gather out of range": (
        lambda lib: lib.zeros(3).gather(0, lib.tensor([5])),
        "index 5 is out of bounds for dimension 0 with size 3"),
    "gather negative": (
        lambda lib: lib.zeros(3).gather(0, lib.tensor([-1])),
        "index -1 is out of bounds for dimension 0 with size 3"),
    "gather dims": (
        lambda lib: lib.zeros(3, 2).gather(0, lib.tensor([1])),
        "Index tensor must have the same number of dimensions as input tensor"),
    "gather size": (
        lambda lib: lib.zeros(2, 2).gather(0, lib.tensor([[1, 1, 1]])),
        "Size does not match at dimension 1 expected index [1, 3] to be no larger than self "
        "[2, 2] apart from dimension 0"),
    "take_along_dim negative": (
        lambda lib: lib.zeros(3).take_along_dim(lib.tensor([-1])), "out of bounds"),
    "index_add negative": (
        lambda lib: lib.zeros(3).index_add(0, lib.tensor([-1]), lib.ones(1)),
        "index out of range in self"),
    "index_copy negative": (
        lambda lib: lib.zeros(3).index_copy(0, lib.tensor([-1]), lib.ones(1)),
        "index_copy_(): index -1 is out of bounds for dimension 0 with size 3"),
    "unbind 0-d": (lambda lib: lib.tensor(1.0).unbind(), "tensor has no dimensions"),
    "split 0-d": (lambda lib: lib.tensor(1.0).split(1), "at least a 1-dimensional tensor"),
    "chunk 0-d": (lambda lib: lib.tensor(1.0).chunk(1), "at least a 1-dimensional tensor"),
    "tensor_split 0-d": (
        lambda lib: lib.tensor(1.0).tensor_split(1), "at least a 1-dimensional tensor"),
    "roll 0-d with dims": (lambda lib: lib.tensor(1.0).roll(1, 0), "tensor has no dimensions"),
    "narrow 0-d": (lambda lib: lib.tensor(1.0).narrow(0, 0, 1), "cannot be applied to a 0-dim"),
    "select 0-d": (lambda lib: lib.tensor(1.0).select(0, 0), "cannot be applied to a 0-dim"),
    "unflatten 0-d": (lambda lib: lib.tensor(1.0).unflatten(0, (1,)), "has no dimensions"),
    "take_along_dim 0-d with dim": (
        lambda lib: lib.tensor(1.0).take_along_dim(lib.tensor(0), 0), "has no dimensions"),
    "unfold size": (lambda lib: lib.zeros(5).unfold(0, 6, 1), "maximum size"),
    "unfold step": (lambda lib: lib.zeros(5).unfold(0, 2, 0), "must be > 0"),
    "as_strided out of bounds": (
        lambda lib: lib.zeros(5).as_strided((3,), (2,), 1), "out of bounds for storage"),
    "diff 0-d": (lambda lib: lib.diff(lib.zeros(())), "at least one-dimensional"),
    "diff negative order": (lambda lib: lib.diff(lib.zeros(3), n=-1), "non-negative"),
    "cdist 1-d": (lambda lib: lib.cdist(lib.zeros(3), lib.zeros(2, 3)), "at least 2D"),
    "cdist columns": (lambda lib: lib.cdist(lib.zeros(2, 3), lib.zeros(2, 4)), "columns"),
    "cdist negative p": (
        lambda lib: lib.cdist(lib.zeros(2, 3), lib.zeros(2, 3), p=-1), "non-negative p"),
    "cdist integers": (
        lambda lib: lib.cdist(lib.zeros(2, 3, dtype=lib.int64), lib.zeros(2, 3, dtype=lib.int64)),
        "floating-point"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(ERRORS))
def test_bad_input_raises_pytorchs_error(name: str) -> None:
    call, words = ERRORS[name]
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value), match=re.escape(words)) as ours:
        call(rg)
    assert words in str(theirs.value), "the expected words come from PyTorch's message"
    assert type(ours.value) is type(theirs.value)


# -------------------------------------------------------------------- node names
NAMED: dict[str, Callable[[Any, Any], Any]] = {
    "unflatten": lambda lib, x: x.unflatten(0, (2, 3)),
    "movedim": lambda lib, x: x.reshape(2, 3).movedim(0, 1),
    "split": lambda lib, x: x.split(2)[1],
    "chunk": lambda lib, x: x.chunk(2)[0],
    "tensor_split": lambda lib, x: x.tensor_split(2)[1],
    "repeat": lambda lib, x: x.repeat(2),
    "roll": lambda lib, x: x.roll(1, 0),
    "index_select": lambda lib, x: x.index_select(0, lib.tensor([1])),
    "take": lambda lib, x: x.take(lib.tensor([1])),
    "masked_select": lambda lib, x: x.masked_select(x > 2),
    "scatter": lambda lib, x: x.scatter(0, lib.tensor([1]), x),
    "scatter_add": lambda lib, x: x.scatter_add(0, lib.tensor([1]), x),
    "scatter_reduce": lambda lib, x: x.scatter_reduce(0, lib.tensor([1]), x, "prod"),
    "index_add": lambda lib, x: x.index_add(0, lib.tensor([1]), x[:1]),
    "index_copy": lambda lib, x: x.index_copy(0, lib.tensor([1]), x[:1]),
    "index_fill": lambda lib, x: x.index_fill(0, lib.tensor([1]), 2.0),
    "index_put": lambda lib, x: x.index_put((lib.tensor([1]),), x[:1]),
    "index_put accumulate": lambda lib, x: x.index_put((lib.tensor([1]),), x[:1], True),
    "masked_scatter": lambda lib, x: x.masked_scatter(x > 2, x),
    "take_along_dim": lambda lib, x: x.take_along_dim(lib.tensor([1])),
    "unfold": lambda lib, x: x.unfold(0, 3, 1),
    "as_strided": lambda lib, x: x.as_strided((2,), (2,)),
    "cdist": lambda lib, x: lib.cdist(x.reshape(2, 3), x.reshape(2, 3)),
    "flip": lambda lib, x: x.flip(0),
    "unbind": lambda lib, x: x.reshape(2, 3).unbind(1)[2],
    "split_with_sizes": lambda lib, x: x.split([2, 4])[1],
    "hsplit": lambda lib, x: x.hsplit(2)[1],
}


@pytest.mark.parametrize("name", list(NAMED))
def test_node_names_are_pytorchs(name: str) -> None:
    names = []
    for lib in LIBS:
        x = lib.arange(6.0).requires_grad_() * 1
        names.append(NAMED[name](lib, x).grad_fn.name())
    assert names[0] == names[1]


def test_unfold_backward_is_itself_differentiable_under_its_pytorch_name() -> None:
    names = []
    for lib in LIBS:
        x = lib.arange(6.0, dtype=lib.float64).requires_grad_()
        v = lib.ones(4, 3, dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(x.unfold(0, 3, 1), x, v, create_graph=True)
        names.append(g.grad_fn.name())
    assert names[0] == names[1]


# ------------------------------------------ derivatives PyTorch does not implement
@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 1.5, 0.7, float("inf")])
def test_cdist_second_order_and_forward_mode_by_finite_differences(p: float) -> None:
    rng = np.random.default_rng(4)
    a = rg.tensor(rng.standard_normal((2, 3, 2)).tolist(), dtype=rg.float64, requires_grad=True)
    b = rg.tensor(rng.standard_normal((4, 2)).tolist(), dtype=rg.float64, requires_grad=True)

    def fn(x: Any, y: Any) -> Any:
        return rg.cdist(x, y, p=p)

    assert gradcheck(fn, (a, b), check_forward_ad=True)
    assert gradgradcheck(fn, (a, b), check_fwd_over_rev=True)


def test_cdist_gradient_at_zero_distance_is_zero_as_in_pytorch() -> None:
    for p in (2.0, 1.0, 3.0, 0.5, float("inf")):
        got = []
        for lib in LIBS:
            x = lib.tensor([[1.0, 2.0], [0.0, 0.0]], dtype=lib.float64, requires_grad=True)
            y = lib.tensor([[1.0, 2.0]], dtype=lib.float64)
            (g,) = lib.autograd.grad(lib.cdist(x, y, p=p).sum(), x)
            got.append(g)
        assert got[0][0].tolist() == [0.0, 0.0]
        assert_close(*got)


@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_prod_forward_mode_by_finite_differences(include_self: bool) -> None:
    rng = np.random.default_rng(5)
    x = rg.tensor(rng.uniform(0.5, 2, (3, 4)).tolist(), dtype=rg.float64, requires_grad=True)
    s = rg.tensor(rng.uniform(0.5, 2, (2, 4)).tolist(), dtype=rg.float64, requires_grad=True)
    i = rg.tensor([[0, 1, 0, 2], [0, 0, 1, 1]])

    def fn(a: Any, b: Any) -> Any:
        return a.scatter_reduce(0, i, b, "prod", include_self=include_self)

    assert gradcheck(fn, (x, s), check_forward_ad=True)
    assert gradgradcheck(fn, (x, s), check_fwd_over_rev=True)


# ------------------------------------------------------------------ documentation
DOCUMENTED = (
    "unflatten movedim broadcast_tensors repeat tile repeat_interleave hstack vstack dstack "
    "split chunk tensor_split fliplr flipud roll rot90 scatter scatter_add scatter_reduce "
    "index_select index_add index_copy index_fill index_put masked_select masked_scatter take "
    "take_along_dim argwhere meshgrid as_strided unfold diff cdist atleast_1d atleast_2d "
    "atleast_3d column_stack hsplit vsplit dsplit broadcast_shapes gather"
).split()


@pytest.mark.parametrize("name", DOCUMENTED)
def test_docstring_examples_print_what_they_show(name: str) -> None:
    import doctest

    from retrograd._ops import shape_ops

    fn = getattr(shape_ops, name)
    assert "Args:" in fn.__doc__ and "Returns:" in fn.__doc__
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in doctest.DocTestFinder().find(fn, name, globs={"retrograd": rg}):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted and not result.failed


# ------------------------------------------------------------------ property tests
@st.composite
def shape_calls(draw: st.DrawFn) -> tuple[tuple[int, ...], str, Callable[[Any, Any], Any]]:
    """A shape and a random splitting, moving, rolling, repeating or windowing call on it."""
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=1, max_size=4)))
    nd = len(shape)
    d = draw(st.integers(-nd, nd - 1))
    n = shape[d]
    kind = draw(st.sampled_from(["split", "split_sizes", "chunk", "tensor_split",
                                 "tensor_split_indices", "movedim", "roll", "repeat",
                                 "unfold", "diff", "rot90"]))  # fmt: skip
    if kind == "split":
        size = draw(st.integers(1, 5))
        return shape, kind, lambda lib, x: x.split(size, d)
    if kind == "split_sizes":
        cuts = sorted(draw(st.lists(st.integers(0, n), max_size=3)))
        sizes = [b - a for a, b in zip([0, *cuts], [*cuts, n])]
        return shape, kind, lambda lib, x: x.split(sizes, d)
    if kind == "chunk":
        k = draw(st.integers(1, 5))
        return shape, kind, lambda lib, x: x.chunk(k, d)
    if kind == "tensor_split":
        k = draw(st.integers(1, 5))
        return shape, kind, lambda lib, x: x.tensor_split(k, d)
    if kind == "tensor_split_indices":
        idx = draw(st.lists(st.integers(0, 6), max_size=3))
        return shape, kind, lambda lib, x: x.tensor_split(idx, d)
    if kind == "movedim":
        src = draw(st.permutations(range(nd)))[: draw(st.integers(0, nd))]
        dst = draw(st.permutations(range(nd)))[: len(src)]
        return shape, kind, lambda lib, x: x.movedim(tuple(src), tuple(dst))
    if kind == "roll":
        s = draw(st.integers(-7, 7))
        dims = draw(st.sampled_from([None, d]))
        return shape, kind, lambda lib, x: x.roll(s, dims)
    if kind == "repeat":
        reps = draw(st.lists(st.integers(0, 3), min_size=nd, max_size=nd + 2))
        return shape, kind, lambda lib, x: x.repeat(*reps)
    if kind == "unfold":
        size = draw(st.integers(0, n))
        step = draw(st.integers(1, 3))
        return shape, kind, lambda lib, x: x.unfold(d, size, step)
    if kind == "diff":
        k = draw(st.integers(0, 3))
        return shape, kind, lambda lib, x: x.diff(k, d)
    assume(nd >= 2)
    k = draw(st.integers(-5, 5))
    dims = draw(st.permutations(range(nd)))[:2]
    return shape, kind, lambda lib, x: x.rot90(k, dims)


@given(call=shape_calls(), seed=st.integers(0, 2**16))
@settings(deadline=None)
def test_random_shape_calls_match_pytorch_in_values_and_gradients(call: Any, seed: int) -> None:
    shape, kind, fn = call
    rng = np.random.default_rng(seed)
    arr = rng.standard_normal(shape)
    res = {}
    for lib in LIBS:
        x = lib.from_numpy(arr.copy()).requires_grad_()
        outs = fn(lib, x)
        outs = list(outs) if isinstance(outs, tuple) else [outs]
        weights = [lib.from_numpy(np.cos(np.arange(o.numel())).reshape(tuple(o.shape)))
                   for o in outs]  # fmt: skip
        total = sum((o * w).sum() for o, w in zip(outs, weights))
        (g,) = lib.autograd.grad(total, x, allow_unused=True) if outs else (None,)
        res[lib] = (outs, g)
    (ours, g), (theirs, tg) = res[rg], res[torch]
    assert len(ours) == len(theirs), kind
    for o, t in zip(ours, theirs):
        assert_close(o, t)
    if tg is not None:
        assert_close(g, tg)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_cdist_refuses_half_precision_like_pytorch(dtype):
    messages = []
    for lib in (rg, torch):
        x = lib.ones(2, 3, dtype=getattr(lib, dtype))
        with pytest.raises(NotImplementedError) as err:
            lib.cdist(x, x)
        messages.append(str(err.value))
    assert messages[0] == messages[1]
