"""Hooks against PyTorch: tensor hooks on leaves and non-leaves, post-accumulate-grad hooks,
node pre- and post-hooks, their order relative to each other and to retain_grad, what each
receives and may replace, removal, hooks under ``autograd.grad`` and ``inputs=``, and
PyTorch's checks on what a hook returns."""

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


def both(fn: Callable[[Any], Any]) -> tuple[Any, Any]:
    """``fn(lib)`` run with retrograd, then with PyTorch."""
    return fn(rg), fn(torch)


def _plain(v: Any) -> Any:
    """Tensors (also inside tuples) as rounded nested lists, so two libraries' logs compare."""
    if isinstance(v, tuple):
        return tuple(_plain(t) for t in v)
    if v is None:
        return None
    return np.round(v.detach().numpy().astype(np.float64), 4).tolist()


class Recorder:
    """Makes hooks that log (tag, arguments) and optionally return a replacement."""

    def __init__(self) -> None:
        self.log: list[tuple[str, Any]] = []

    def __call__(self, tag: str, ret: Callable[..., Any] | None = None) -> Callable[..., Any]:
        def hook(*args: Any) -> Any:
            self.log.append((tag, _plain(args)))
            return ret(*args) if ret is not None else None

        return hook

    @property
    def tags(self) -> list[str]:
        return [t for t, _ in self.log]


A = np.array([0.5, -1.0, 2.0])


# ---------------------------------------------------------------- tensor hooks
def test_leaf_hook_replaces_the_accumulated_gradient():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        x.register_hook(rec("x", lambda g: g * 10))
        (x * x).sum().backward()
        return rec.log, x.grad

    (log_r, g_r), (log_t, g_t) = both(program)
    assert log_r == log_t
    assert_close(g_r, g_t)


def test_nonleaf_hook_replaces_the_gradient_flowing_on():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        y = x.sin()
        y.register_hook(rec("y", lambda g: g * g + 1))
        (y * x).sum().backward()
        return rec.log, x.grad

    (log_r, g_r), (log_t, g_t) = both(program)
    assert log_r == log_t
    assert_close(g_r, g_t)


def test_removed_hook_is_not_called():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        y = x * 2
        h1 = y.register_hook(rec("y1", lambda g: g * 3))
        y.register_hook(rec("y2"))
        h3 = x.register_hook(rec("x", lambda g: g * 0))
        h1.remove()
        h3.remove()
        h3.remove()  # removing twice is harmless
        y.sum().backward()
        return rec.log, x.grad

    (log_r, g_r), (log_t, g_t) = both(program)
    assert log_r == log_t and [t for t, _ in log_r] == ["y2"]
    assert_close(g_r, g_t)


def test_handle_as_context_manager_removes_the_hook():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        with x.register_hook(rec("inside")):
            (x * 2).sum().backward()
        (x * 2).sum().backward()
        return rec.tags

    assert both(program) == (["inside"], ["inside"])


def test_hooks_run_in_registration_order_and_chain():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        y = x.exp()
        y.register_hook(rec("first", lambda g: g + 1))
        y.register_hook(rec("second", lambda g: g * 2))
        y.register_hook(rec("third"))
        y.sum().backward()
        return rec.log, x.grad

    (log_r, g_r), (log_t, g_t) = both(program)
    assert log_r == log_t
    assert_close(g_r, g_t)


def test_hook_of_a_tensor_used_twice_sees_the_summed_gradient():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        y = x * 2
        y.register_hook(rec("y"))
        (y * y + y.exp()).sum().backward()
        return rec.log

    assert both(program)[0] == both(program)[1]


def test_hook_on_the_root_sees_the_initial_gradient():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        out = (x * x).sum()
        out.register_hook(rec("out", lambda g: g * 3))
        out.backward()
        return rec.log, x.grad

    (log_r, g_r), (log_t, g_t) = both(program)
    assert log_r == log_t
    assert_close(g_r, g_t)


def test_retained_grad_sees_the_hook_modified_value_whatever_the_order():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        y = x * 2
        y.register_hook(rec("before", lambda g: g + 1))
        y.retain_grad()
        y.register_hook(rec("after", lambda g: g * 10))  # registered after retain_grad
        (y * y).sum().backward()
        return rec.log, y.grad, x.grad

    (log_r, *grads_r), (log_t, *grads_t) = both(program)
    assert log_r == log_t
    for ours, theirs in zip(grads_r, grads_t):
        assert_close(ours, theirs)


def test_hooks_fire_on_every_backward():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        x.register_hook(rec("x"))
        for k in (1.0, 2.0):
            (x * k).sum().backward()
        return rec.log

    assert both(program)[0] == both(program)[1]


def test_hook_registered_before_an_inplace_change_sees_the_old_value_gradient():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        y = x * 2
        y.register_hook(rec("before"))
        y.mul_(3)
        y.register_hook(rec("after"))
        (y * y).sum().backward()
        return rec.log, x.grad

    (log_r, g_r), (log_t, g_t) = both(program)
    assert log_r == log_t
    assert_close(g_r, g_t)


# ---------------------------------------------------------------- post-accumulate-grad hooks
def test_post_accumulate_grad_hook_sees_the_leaf_after_accumulation():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        seen = []
        x.register_post_accumulate_grad_hook(lambda t: seen.append((t is x, _plain(t.grad))))
        x.register_hook(rec("pre", lambda g: g * 2))
        (x * 3).sum().backward()
        (x * x).sum().backward()
        return seen, rec.log

    ours, theirs = both(program)
    assert ours == theirs
    assert all(is_x for is_x, _ in ours[0])


def test_post_accumulate_grad_hook_errors():
    for lib in LIBS:
        with pytest.raises(RuntimeError, match="cannot be registered on non-leaf tensors"):
            (lib.ones(2, requires_grad=True) * 2).register_post_accumulate_grad_hook(print)
        with pytest.raises(RuntimeError, match="doesn't require gradient"):
            lib.ones(2).register_post_accumulate_grad_hook(print)
        with pytest.raises(RuntimeError, match="doesn't require gradient"):
            lib.ones(2).register_hook(print)


def test_post_accumulate_grad_hook_can_update_the_leaf_like_an_optimizer():
    def program(lib):
        x = lib.tensor(A, requires_grad=True)

        def step(t):
            with lib.no_grad():
                t.sub_(0.1 * t.grad)
            t.grad = None

        x.register_post_accumulate_grad_hook(step)
        for _ in range(3):
            (x * x).sum().backward()
        return x.detach(), x.grad

    (x_r, g_r), (x_t, g_t) = both(program)
    assert g_r is None and g_t is None
    assert_close(x_r, x_t)


# ---------------------------------------------------------------- node hooks
def test_node_post_hook_receives_grad_inputs_and_grad_outputs_and_may_replace():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        w = lib.tensor(A[::-1].copy(), requires_grad=True)
        y = x * w
        y.grad_fn.register_hook(rec("post", lambda gi, go: (gi[0] * 2, None)))
        (y * y).sum().backward()
        return rec.log, x.grad, w.grad

    (log_r, gx_r, gw_r), (log_t, gx_t, gw_t) = both(program)
    assert log_r == log_t
    assert_close(gx_r, gx_t)
    assert gw_r is None and gw_t is None  # None in the returned tuple drops that gradient


def test_node_prehook_receives_grad_outputs_and_may_replace():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        y = x.sin()
        y.grad_fn.register_prehook(rec("pre", lambda go: (go[0] * 5,)))
        y.grad_fn.register_hook(rec("post"))
        (y * 2).sum().backward()
        return rec.log, x.grad

    (log_r, g_r), (log_t, g_t) = both(program)
    assert log_r == log_t
    assert_close(g_r, g_t)


def test_order_of_every_kind_of_hook():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        x.register_hook(rec("x1", lambda g: g * 10))
        x.register_post_accumulate_grad_hook(rec("x-post-acc"))
        x.register_hook(rec("x2"))
        y = x * 2
        y.register_hook(rec("y1", lambda g: g + 1))
        y.retain_grad()
        y.register_hook(rec("y2"))
        y.grad_fn.register_prehook(rec("y-pre"))
        y.grad_fn.register_hook(rec("y-post", lambda gi, go: (gi[0] * 3, gi[1])))
        acc = y.grad_fn.next_functions[0][0]
        acc.register_prehook(rec("acc-pre"))
        acc.register_hook(rec("acc-post"))
        z = y.sin()
        z.register_hook(rec("z"))
        z.grad_fn.register_prehook(rec("z-pre", lambda go: (go[0] * 2,)))
        z.grad_fn.register_hook(rec("z-post"))
        z.sum().backward()
        return rec.log, y.grad, x.grad

    (log_r, *grads_r), (log_t, *grads_t) = both(program)
    assert [t for t, _ in log_r] == [t for t, _ in log_t]
    assert log_r == log_t
    for ours, theirs in zip(grads_r, grads_t):
        assert_close(ours, theirs)


def test_prehooks_on_every_node_fire_in_pytorchs_order_with_several_roots():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        a = x.exp()
        b = (a * x).sin()
        c = a.cos() + x
        for t, name in ((a, "a"), (b, "b"), (c, "c")):
            t.grad_fn.register_prehook(rec(name))
        b.grad_fn.next_functions[0][0].register_prehook(rec("mul"))
        lib.autograd.backward([b.sum(), c.sum()])
        return rec.tags, x.grad

    (tags_r, g_r), (tags_t, g_t) = both(program)
    assert tags_r == tags_t
    assert_close(g_r, g_t)


# ---------------------------------------------------------------- hooks with grad and inputs
def test_hooks_under_autograd_grad():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        x.register_hook(rec("x", lambda g: g * 10))
        x.register_post_accumulate_grad_hook(rec("x-post-acc"))  # grad() accumulates nothing
        h = x * 3
        h.register_hook(rec("h", lambda g: g + 1))
        gx, gh = lib.autograd.grad((h * h).sum(), [x, h])
        return rec.log, gx, gh, x.grad

    (log_r, gx_r, gh_r, xg_r), (log_t, gx_t, gh_t, xg_t) = both(program)
    assert log_r == log_t
    assert_close(gx_r, gx_t)
    assert_close(gh_r, gh_t)  # captured before h's own hook, as in PyTorch
    assert xg_r is None and xg_t is None


def test_hooks_beyond_a_nonleaf_target_do_not_run():
    def program(lib):
        rec = Recorder()
        x = lib.tensor(A, requires_grad=True)
        x.register_hook(rec("x"))
        h = x * 3
        h.register_hook(rec("h", lambda g: g + 1))
        h.grad_fn.register_prehook(rec("h-pre"))
        (h * h).sum().backward(inputs=[h])
        return rec.log, h.grad, x.grad

    (log_r, hg_r, xg_r), (log_t, hg_t, xg_t) = both(program)
    assert log_r == log_t
    assert_close(hg_r, hg_t)
    assert xg_r is None and xg_t is None


# ---------------------------------------------------------------- what a hook may return
def _leaf_size_hook(lib):
    x = lib.ones(2, requires_grad=True)
    x.register_hook(lambda g: lib.ones(3))
    (x * 2).sum().backward()


def _nonleaf_size_hook(lib):
    y = lib.ones(2, requires_grad=True) * 2
    y.register_hook(lambda g: lib.ones(3))
    y.sum().backward()


def _dtype_hook(lib):
    y = lib.ones(2, requires_grad=True) * 2
    y.register_hook(lambda g: g.double())
    y.sum().backward()


def _post_hook_count(lib):
    y = lib.ones(2, requires_grad=True) * 2
    y.grad_fn.register_hook(lambda gi, go: (gi[0],))
    y.sum().backward()


def _prehook_count(lib):
    y = lib.ones(2, requires_grad=True) * 2
    y.grad_fn.register_prehook(lambda go: (go[0], go[0]))
    y.sum().backward()


def _post_hook_fills_none(lib):
    y = lib.ones(2, requires_grad=True) * 2
    y.grad_fn.register_hook(lambda gi, go: (gi[0], gi[0]))
    y.sum().backward()


@pytest.mark.parametrize(
    "program, message",
    [
        (_leaf_size_hook, "hook '<lambda>' has changed the size of value"),
        (_nonleaf_size_hook, "hook '<lambda>' has changed the size of value"),
        (_dtype_hook, r"hook '<lambda>' has changed the type of value \(was \w+\.FloatTensor "),
        (_post_hook_count, re.escape("incorrect number of values (got 1, but expected 2)")),
        (_prehook_count, re.escape("incorrect number of values (got 2, but expected 1)")),
        (_post_hook_fills_none, "can't replace a None gradient with a non-None value"),
    ],
    ids=["leaf-size", "size", "dtype", "post-count", "pre-count", "fill-none"],
)
def test_hook_results_are_checked(program, message):
    for lib in LIBS:
        with pytest.raises(RuntimeError, match=message):
            program(lib)
