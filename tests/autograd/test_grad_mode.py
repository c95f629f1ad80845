"""Grad modes against PyTorch: no_grad, enable_grad, set_grad_enabled and inference_mode as
context managers and decorators (on functions, methods and generators), nesting, restoring
after errors, what operations record under each mode, and thread-locality."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import torch

import retrograd as rg
from _torch_compare import assert_close


def both(fn: Callable[[Any], Any]) -> tuple[Any, Any]:
    """``fn(lib)`` run with retrograd, then with PyTorch."""
    return fn(rg), fn(torch)


def same(fn: Callable[[Any], Any]) -> Any:
    """Run ``fn`` with both libraries, check they agree, and return retrograd's result."""
    ours, theirs = both(fn)
    assert ours == theirs
    return ours


def modes(lib: Any) -> tuple[bool, bool]:
    return lib.is_grad_enabled(), lib.is_inference_mode_enabled()


# ---------------------------------------------------------------- context managers
def test_nested_context_managers():
    def program(lib):
        seen = [modes(lib)]
        with lib.no_grad():
            seen.append(modes(lib))
            with lib.enable_grad():
                seen.append(modes(lib))
                with lib.set_grad_enabled(False):
                    seen.append(modes(lib))
                    with lib.inference_mode():
                        seen.append(modes(lib))
                        with lib.inference_mode(False):
                            seen.append(modes(lib))
                        seen.append(modes(lib))
                    seen.append(modes(lib))
                seen.append(modes(lib))
            seen.append(modes(lib))
        seen.append(modes(lib))
        return seen

    seen = same(program)
    assert seen[0] == seen[-1] == (True, False)


def test_inference_mode_false_turns_grad_on_even_inside_no_grad():
    def program(lib):
        with lib.no_grad(), lib.inference_mode(False):
            return modes(lib)

    assert same(program) == (True, False)


def test_mode_is_restored_after_an_exception():
    def program(lib):
        seen = []
        # set_grad_enabled acts when constructed: make each manager just before its block
        for make in (lib.no_grad, lambda: lib.set_grad_enabled(False), lib.inference_mode):
            with pytest.raises(KeyError):
                with make():
                    raise KeyError("inside")
            seen.append(modes(lib))
        with lib.no_grad():
            with pytest.raises(KeyError), lib.enable_grad():
                raise KeyError("inside")
            seen.append(modes(lib))
        return seen

    assert same(program) == [(True, False)] * 3 + [(False, False)]


def test_set_grad_enabled_takes_effect_when_called():
    def program(lib):
        seen = []
        lib.set_grad_enabled(False)
        seen.append(lib.is_grad_enabled())
        lib.set_grad_enabled(True)
        seen.append(lib.is_grad_enabled())
        return seen

    assert same(program) == [False, True]


def test_what_operations_record_under_each_mode():
    def program(lib):
        x = lib.ones(2, requires_grad=True)
        out = []
        with lib.no_grad():
            y = x * 2
            leaf = lib.ones(2, requires_grad=True)  # factories still honour requires_grad
            with lib.enable_grad():
                z = x * 2
        with lib.inference_mode():
            w = x * 2
        with lib.set_grad_enabled(False):
            v = x.exp()
        for t in (y, leaf, z, w, v):
            out.append((t.requires_grad, t.is_leaf, t.grad_fn is None))
        return out

    assert same(program) == [
        (False, True, True),
        (True, True, True),
        (True, False, False),
        (False, True, True),
        (False, True, True),
    ]


def test_backward_called_under_no_grad_still_computes_gradients():
    def program(lib):
        x = lib.tensor([0.5, -1.5], requires_grad=True)
        y = (x**3).sum()
        with lib.no_grad():
            y.backward(create_graph=True)
            mode_after = lib.is_grad_enabled()
        first = x.grad
        flags = (mode_after, first.requires_grad)
        x.grad = None
        first.sum().backward()
        return flags, first.detach(), x.grad

    (flags_r, *grads_r), (flags_t, *grads_t) = both(program)
    assert flags_r == flags_t == (False, True)
    for ours, theirs in zip(grads_r, grads_t):
        assert_close(ours, theirs)


# ---------------------------------------------------------------- decorators
def test_decorators_on_functions():
    def program(lib):
        @lib.no_grad()
        def f_no_grad(a):
            """Docstring kept."""
            return modes(lib), a

        @lib.no_grad
        def f_bare_no_grad():
            return modes(lib)

        @lib.enable_grad
        def f_bare_enable():
            return modes(lib)

        @lib.enable_grad()
        def f_enable():
            return modes(lib)

        @lib.inference_mode
        def f_bare_inference():
            return modes(lib)

        @lib.inference_mode(False)
        def f_not_inference():
            return modes(lib)

        @lib.set_grad_enabled(False)
        def f_set_false():
            return modes(lib)

        decorated_mode = modes(lib)  # decorating with set_grad_enabled changes nothing
        seen = [f_no_grad(3), f_bare_no_grad(), f_bare_inference(), f_set_false(), decorated_mode]
        with lib.no_grad():
            seen += [f_bare_enable(), f_enable(), f_not_inference(), modes(lib)]
        seen += [modes(lib), f_no_grad.__name__, f_no_grad.__doc__]
        return seen

    assert same(program) == [
        ((False, False), 3),
        (False, False),
        (False, True),
        (False, False),
        (True, False),
        (True, False),
        (True, False),
        (True, False),
        (False, False),
        (True, False),
        "f_no_grad",
        "Docstring kept.",
    ]


def test_decorator_on_a_method():
    def program(lib):
        class Model:
            @lib.no_grad()
            def forward(self, x):
                return lib.is_grad_enabled(), (x * 2).requires_grad

        return Model().forward(lib.ones(2, requires_grad=True)), lib.is_grad_enabled()

    assert same(program) == ((False, False), True)


def test_decorated_generator_runs_in_the_mode_and_its_consumer_does_not():
    def program(lib):
        seen = []

        @lib.no_grad()
        def gen():
            for i in range(3):
                seen.append(("gen", lib.is_grad_enabled()))
                got = yield i
                seen.append(("got", got))

        g = gen()
        seen.append(next(g))
        seen.append(("consumer", lib.is_grad_enabled()))
        seen.append(g.send("a"))
        with lib.no_grad():
            seen.append(g.send("b"))
        seen.append(("consumer", lib.is_grad_enabled()))
        return seen

    same(program)


def test_decorated_generator_return_value_throw_and_close():
    def program(lib):
        seen = []

        @lib.enable_grad()
        def gen():
            try:
                seen.append(("start", lib.is_grad_enabled()))
                yield 1
                seen.append(("resume", lib.is_grad_enabled()))
                yield 2
            except ValueError:
                seen.append(("caught", lib.is_grad_enabled()))
                yield 3
            return "done"

        def delegate():
            result = yield from gen()
            seen.append(("returned", result))

        with lib.no_grad():
            seen.append(list(delegate()))
            g = gen()
            seen.append(next(g))
            seen.append(g.throw(ValueError("x")))
            seen.append(next(g, "exhausted"))
            g2 = gen()
            next(g2)
            g2.close()
            seen.append(("after close", lib.is_grad_enabled()))
        return seen

    seen = same(program)
    assert ("returned", "done") in seen


# ---------------------------------------------------------------- threads
def test_grad_mode_is_thread_local():
    def program(lib):
        seen = []

        def worker():
            seen.append(("thread starts with", lib.is_grad_enabled()))
            lib.set_grad_enabled(False)
            seen.append(("thread set", lib.is_grad_enabled()))

        with lib.no_grad():
            t = threading.Thread(target=worker)
            t.start()
            t.join()
            seen.append(("main inside no_grad", lib.is_grad_enabled()))
        seen.append(("main after", lib.is_grad_enabled()))
        return seen

    assert same(program) == [
        ("thread starts with", True),
        ("thread set", False),
        ("main inside no_grad", False),
        ("main after", True),
    ]


def test_thread_records_a_graph_while_main_thread_is_in_no_grad():
    def program(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        out = {}

        def worker():
            y = (x * x).sum()
            y.backward()
            out["requires_grad"] = y.requires_grad

        with lib.no_grad():
            t = threading.Thread(target=worker)
            t.start()
            t.join()
        return out["requires_grad"], x.grad

    (flag_r, g_r), (flag_t, g_t) = both(program)
    assert flag_r is flag_t is True
    assert_close(g_r, g_t)
