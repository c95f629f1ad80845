"""In-place operations against PyTorch: version counters (shared by a tensor and its views),
the check on saved tensors, the errors for leaves and views of leaves, rebasing the history
of non-leaves (directly and through views), and nothing half-changed after an error."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
from _torch_compare import assert_close

LIBS = (rg, torch)
A = np.array([0.5, -1.0, 2.0, 1.5], np.float32)
W = np.array([2.0, 0.25, -1.0, 3.0], np.float32)


def both(fn: Callable[[Any], Any]) -> tuple[Any, Any]:
    """``fn(lib)`` run with retrograd, then with PyTorch."""
    return fn(rg), fn(torch)


def assert_all_close(ours: Any, theirs: Any) -> None:
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        if o is None or t is None:
            assert o is None and t is None
        else:
            assert_close(o, t)


# ---------------------------------------------------------------- version counters
INPLACE = {
    "add_": lambda lib, t: t.add_(1),
    "mul_": lambda lib, t: t.mul_(2),
    "sub_": lambda lib, t: t.sub_(lib.ones(4)),
    "div_": lambda lib, t: t.div_(2),
    "zero_": lambda lib, t: t.zero_(),
    "fill_": lambda lib, t: t.fill_(3),
    "copy_": lambda lib, t: t.copy_(lib.ones(4)),
    "clamp_": lambda lib, t: t.clamp_(0, 1),
    "setitem-int": lambda lib, t: t.__setitem__(0, 5.0),
    "setitem-slice": lambda lib, t: t.__setitem__(slice(1, 3), lib.zeros(2)),
    "setitem-mask": lambda lib, t: t.__setitem__(t > 100, 5.0),
    "setitem-list": lambda lib, t: t.__setitem__([0, 2], 5.0),
    "+=": lambda lib, t: t.__iadd__(1),
    "*=": lambda lib, t: t.__imul__(2),
    "-=": lambda lib, t: t.__isub__(2),
    "/=": lambda lib, t: t.__itruediv__(2),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_each_inplace_op_bumps_the_version_once(name):
    def program(lib):
        t = lib.tensor(A)
        versions = [t._version]
        for _ in range(2):
            out = INPLACE[name](lib, t)
            versions.append(t._version)
        return versions, out is t, t.tolist()

    ours, theirs = both(program)
    assert ours == theirs
    assert ours[0] == [0, 1, 2]


def test_out_of_place_ops_do_not_bump_the_version():
    def program(lib):
        t = lib.tensor(A)
        _ = t + 1, t * t, t.exp(), t[1:], t.view(2, 2), t.clone()
        return t._version

    assert both(program) == (0, 0)


VIEWS = {
    "select": lambda x: x[0],
    "slice": lambda x: x[:, 1:],
    "view": lambda x: x.view(6),
    "transpose": lambda x: x.t(),
    "detach": lambda x: x.detach(),
    "select-of-transpose": lambda x: x.transpose(0, 1)[1],
    "unsqueeze": lambda x: x.unsqueeze(0),
    "ellipsis-none": lambda x: x[None, ..., 1],
    # copies: a counter of their own
    "advanced-index": lambda x: x[[0]],
    "reshape-of-transpose": lambda x: x.t().reshape(6),
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_views_share_the_version_counter_with_their_base(name):
    def program(lib):
        x = lib.zeros(2, 3)
        v = VIEWS[name](x)
        v0, x0 = v._version, x._version
        x.add_(1)
        seen_by_view = v._version - v0
        v.add_(1)
        seen_by_base = x._version - x0 - 1
        return seen_by_view, seen_by_base, x.tolist()

    ours, theirs = both(program)
    assert ours == theirs


def test_dot_data_changes_values_but_not_the_version():
    def program(lib):
        x = lib.tensor(A, requires_grad=True)
        x.data.mul_(2)
        x.data[0] = 7.0
        return x._version, x.tolist()

    ours, theirs = both(program)
    assert ours == theirs
    assert ours[0] == 0


# ---------------------------------------------------------------- saved tensors modified
def _version_error(lib: Any, shape: str, now: int) -> str:
    return (
        r"one of the variables needed for gradient computation has been modified by an "
        rf"inplace operation: \[{lib.__name__}\.FloatTensor \[{shape}\]\].* is at version "
        rf"{now}; expected version 0 instead"
    )


def test_modified_saved_output_is_detected():
    for lib in LIBS:
        x = lib.ones(2, 3, requires_grad=True)
        y = x.exp()  # exp saves its output
        y.add_(1)
        y.mul_(2)
        with pytest.raises(RuntimeError, match=_version_error(lib, "2, 3", 2)):
            y.sum().backward()


def test_modified_saved_input_is_detected():
    for lib in LIBS:
        x = lib.ones(4, requires_grad=True)
        y = x * 1
        z = y * y  # saves y
        y.add_(1)
        with pytest.raises(RuntimeError, match=_version_error(lib, "4", 1)):
            z.sum().backward()


def test_modified_saved_leaf_is_detected_after_a_no_grad_update():
    for lib in LIBS:
        x = lib.ones(4, requires_grad=True)
        y = (x * x).sum()
        with lib.no_grad():
            x.sub_(0.5)
        with pytest.raises(RuntimeError, match=_version_error(lib, "4", 1)):
            y.backward()


def test_modifying_a_tensor_no_rule_saved_is_fine():
    def program(lib):
        x = lib.tensor(A, requires_grad=True)
        y = x * 2
        z = y + 1  # add saves nothing
        y.add_(1)
        z.sum().backward()
        return x.grad

    assert_close(*both(program))


# ---------------------------------------------------------------- leaves and views of leaves
LEAF_MSG = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_MSG = "a view of a leaf Variable that requires grad is being used in an in-place operation."


@pytest.mark.parametrize("name", ["add_", "mul_", "zero_", "copy_", "+=", "setitem-list"])
def test_inplace_on_a_leaf_that_requires_grad_raises(name):
    for lib in LIBS:
        with pytest.raises(RuntimeError, match=re.escape(LEAF_MSG)):
            INPLACE[name](lib, lib.tensor(A, requires_grad=True))


@pytest.mark.parametrize(
    "change",
    [
        lambda x: x[0].mul_(2),
        lambda x: x.view(2, 2).add_(1),
        lambda x: x[1:].zero_(),
        lambda x: x.view(2, 2).t()[0].fill_(1),
    ],
    ids=["select", "view", "slice", "select-of-transpose"],
)
def test_inplace_on_a_view_of_a_leaf_raises(change):
    for lib in LIBS:
        with pytest.raises(RuntimeError, match=re.escape(VIEW_MSG)):
            change(lib.tensor(A, requires_grad=True))


def test_inplace_on_a_leaf_under_no_grad_works_like_an_optimizer_step():
    def program(lib):
        x = lib.tensor(A, requires_grad=True)
        for _ in range(3):
            x.grad = None
            (x * x * x).sum().backward()
            with lib.no_grad():
                x.sub_(0.1 * x.grad)
                x[0] = 1.0
                x.view(2, 2)[1].mul_(0.5)
        return x.detach(), x.grad, x._version, x.requires_grad, x.is_leaf

    (x_r, g_r, *flags_r), (x_t, g_t, *flags_t) = both(program)
    assert flags_r == flags_t == [9, True, True]
    assert_close(x_r, x_t)
    assert_close(g_r, g_t)


# ---------------------------------------------------------------- rebasing history
def _setitem_from_another_leaf(lib, x, w):
    z = (w * w).sum()
    y = x * 2
    y[0] = z
    return (y * y).sum()


def _inplace_on_a_slice(lib, x, w):
    y = x * 1
    v = y[1:]
    v.mul_(3)
    return (y * y).sum()


def _mul_by_a_tensor_requiring_grad(lib, x, w):
    y = x.sin()
    y.mul_(w)  # PyTorch saves the original y for w's gradient
    y.mul_(w)
    return (y * y).sum()


def _view_chain_then_base(lib, x, w):
    y = x * 1
    v = y.view(4, 1).t()
    v[0, 1:].exp_()
    return (y * w.detach()).sum()


def _view_with_operand_requiring_grad(lib, x, w):
    y = x * 1
    y[1:].mul_(w[1:])
    return (y * y).sum()


def _buffer_filled_from_graph(lib, x, w):
    b = lib.zeros(4)
    b.add_(x * 2)
    b[1] = w[0] * 3
    return (b * b).sum()


def _copy_into_nonleaf(lib, x, w):
    y = x.exp()
    y = y * 1
    y.copy_(w * 2)
    return (y + x).sum()


def _zero_and_fill(lib, x, w):
    y = x * 1
    y.zero_()
    y[2:].fill_(w[0])
    return (y + x * w).sum()


def _clamp_with_tensor_bounds(lib, x, w):
    y = x * 1
    y.clamp_(min=w * 0.5)
    return (y * y).sum()


def _augmented_assignment(lib, x, w):
    y = x * 2
    y += w
    y *= x
    y -= 1
    y /= w
    return y.sum()


def _stale_view_after_base_change(lib, x, w):
    y = x * 2
    v = y[:2]
    y.mul_(w)
    return (v * v).sum()


def _stale_view_after_sibling_change(lib, x, w):
    y = x * 2
    a = y[:3]
    b = y[1:]
    a.mul_(w[:3])
    return (b * b).sum() + a.sum()


def _modified_under_no_grad_keeps_history(lib, x, w):
    y = x * 1
    with lib.no_grad():
        y[0] = 10.0
    return (y * y).sum()


REBASE = [
    _setitem_from_another_leaf,
    _inplace_on_a_slice,
    _mul_by_a_tensor_requiring_grad,
    _view_chain_then_base,
    _view_with_operand_requiring_grad,
    _buffer_filled_from_graph,
    _copy_into_nonleaf,
    _zero_and_fill,
    _clamp_with_tensor_bounds,
    _augmented_assignment,
    _stale_view_after_base_change,
    _stale_view_after_sibling_change,
    _modified_under_no_grad_keeps_history,
]


@pytest.mark.parametrize("build", REBASE, ids=[f.__name__.strip("_") for f in REBASE])
def test_inplace_on_nonleaf_rebases_history(build):
    def program(lib):
        x, w = lib.tensor(A, requires_grad=True), lib.tensor(W, requires_grad=True)
        out = build(lib, x, w)
        value = out.detach().clone()
        out.backward()
        return value, x.grad, w.grad

    assert_all_close(*both(program))


def test_rebased_tensor_is_a_nonleaf_requiring_grad():
    def program(lib):
        b = lib.zeros(3)
        x = lib.ones(3, requires_grad=True)
        flags = [(b.requires_grad, b.is_leaf)]
        b[0] = x[0] * 2
        flags.append((b.requires_grad, b.is_leaf, b.grad_fn is not None))
        c = lib.zeros(3)
        c.add_(x)
        flags.append((c.requires_grad, c.is_leaf, c.grad_fn.name()))
        return flags

    assert both(program)[0] == both(program)[1]


# ---------------------------------------------------------------- nothing half-changed
def test_refused_inplace_on_a_leaf_changes_nothing():
    def program(lib):
        x = lib.tensor(A, requires_grad=True)
        (x * x).sum().backward()
        grad_before = x.grad.clone()
        for change in (
            lambda: x.add_(1),
            lambda: x.__setitem__(0, 1.0),
            lambda: x[0].mul_(2),
            lambda: x.__iadd__(1),
        ):
            with pytest.raises(RuntimeError):
                change()
        return x.tolist(), x._version, x.grad.tolist() == grad_before.tolist()

    ours, theirs = both(program)
    assert ours == theirs
    assert ours[1:] == (0, True)


def test_failed_inplace_on_a_nonleaf_changes_nothing():
    def program(lib):
        x = lib.tensor(A, requires_grad=True)
        y = x * 2
        fn = y.grad_fn
        errors = []
        for change in (
            lambda: y.add_(lib.ones(2, 4)),  # result has a bigger shape than y
            lambda: y.__setitem__(9, 1.0),  # index out of range
            lambda: y.__setitem__(0, lib.ones(2)),  # value does not fit
            lambda: y.mul_(lib.ones(3)),  # shapes do not broadcast
        ):
            with pytest.raises((RuntimeError, IndexError)) as info:
                change()
            errors.append(type(info.value).__name__)
        y.sum().backward()
        return y.tolist(), y._version, y.grad_fn is fn, errors, x.grad.tolist()

    ours, theirs = both(program)
    assert ours == theirs
    assert ours[1:3] == (0, True)


def test_failed_cast_in_place_changes_nothing():
    def program(lib):
        i = lib.tensor([1, 2])
        messages = []
        for change in (lambda: i.add_(1.5), lambda: i.__itruediv__(2), lambda: i.mul_(lib.ones(2))):
            with pytest.raises(RuntimeError) as info:
                change()
            messages.append(str(info.value))
        return i.tolist(), i._version, messages

    ours, theirs = both(program)
    assert ours == theirs
    assert ours[2][0] == "result type Float can't be cast to the desired output type Long"


# ---------------------------------------------------------------- retain_grad after in-place
def _retained_then_multiplied(lib, x):
    y = x * 2
    y.retain_grad()
    y.mul_(3)
    (y * y).sum().backward()
    return y.grad, x.grad


def _retained_then_changed_through_a_view(lib, x):
    y = x * 2
    y.retain_grad()
    y[1:].mul_(3)
    (y * y).sum().backward()
    return y.grad, x.grad


def _retained_view_then_changed(lib, x):
    y = x * 2
    v = y[1:]
    v.retain_grad()
    v.mul_(3)
    (y * y).sum().backward()
    return v.grad, x.grad  # v's new history is not on y's path: no gradient, as in PyTorch


def _retained_view_then_base_changed(lib, x):
    y = x * 2
    v = y[:2]
    v.retain_grad()
    y.mul_(3)
    (v * v).sum().backward()
    return v.grad, x.grad


def _input_changed_in_place(lib, x):
    y = x * 2
    y.mul_(3)
    (y * y).sum().backward(inputs=[y])
    return y.grad, x.grad


RETAINED = [
    _retained_then_multiplied,
    _retained_then_changed_through_a_view,
    _retained_view_then_changed,
    _retained_view_then_base_changed,
    _input_changed_in_place,
]


@pytest.mark.parametrize("program", RETAINED, ids=[f.__name__.strip("_") for f in RETAINED])
def test_retained_grad_follows_the_tensor_through_inplace_changes(program):
    assert_all_close(*both(lambda lib: program(lib, lib.tensor(A, requires_grad=True))))
