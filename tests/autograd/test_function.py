"""Custom ``autograd.Function``s against PyTorch: each test defines the same Function once
per library (``make(lib)``) and runs the same program on the same values in both."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
from _torch_compare import assert_close

LIBS = (rg, torch)
ONCE_MSG = "trying to differentiate twice a function that was marked with @once_differentiable"
FREED = "Trying to backward through the graph a second time"


def both(fn: Callable[[Any], Any]) -> tuple[Any, Any]:
    """``fn(lib)`` run with retrograd, then with PyTorch."""
    return fn(rg), fn(torch)


def leaf(lib: Any, arr: np.ndarray, requires_grad: bool = True) -> Any:
    return lib.tensor(arr, requires_grad=requires_grad)


def raises_both(fn: Callable[[Any], Any], exc: type[Exception], match: str) -> None:
    """Both libraries raise ``exc`` with a message matching ``match``."""
    for lib in LIBS:
        with pytest.raises(exc, match=match):
            fn(lib)


# ---------------------------------------------------------------- the Functions under test
def make_exp(lib: Any, once: bool = False) -> Any:
    """exp, saving its output (the saved-output path: no tensor->node->tensor cycle)."""

    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        ctx.grad_mode_in_backward = lib.is_grad_enabled()
        return g * y

    class MyExp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.grad_mode_in_forward = lib.is_grad_enabled()
            y = x.exp()
            ctx.save_for_backward(y)
            return y

    once_differentiable = lib.autograd.function.once_differentiable
    MyExp.backward = staticmethod(once_differentiable(backward) if once else backward)
    return MyExp


def make_scaled_mul(lib: Any) -> Any:
    """a * b * k for tensors a, b and a number k, consulting needs_input_grad."""

    class ScaledMul(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a, b, k):
            ctx.save_for_backward(a, b)
            ctx.k = k
            ctx.seen_needs = ctx.needs_input_grad
            return a * b * k

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            ga = g * b * ctx.k if ctx.needs_input_grad[0] else None
            gb = g * a * ctx.k if ctx.needs_input_grad[1] else None
            return ga, gb, None

    return ScaledMul


def make_max_with_index(lib: Any, received: list[Any]) -> Any:
    """Row maxima and their (non-differentiable) indices, like ``max(dim=-1)``."""

    class MaxWithIndex(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            idx = x.argmax(-1)
            values = x.gather(-1, idx.unsqueeze(-1)).squeeze(-1)
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            ctx.n = x.shape[-1]
            return values, idx

        @staticmethod
        def backward(ctx, g_values, g_idx):
            received.append(g_idx)
            (idx,) = ctx.saved_tensors
            hit = lib.arange(ctx.n) == idx.unsqueeze(-1)
            return lib.where(hit, g_values.unsqueeze(-1), 0.0)

    return MaxWithIndex


def make_cube(lib: Any) -> Any:
    """x**3 with a backward in differentiable ops: supports double backward."""

    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x**2 * g

    return Cube


def make_mul_(lib: Any) -> Any:
    """In-place x *= k, declared with mark_dirty; saves the modified input."""

    class MulInplace(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            x.mul_(k)
            ctx.mark_dirty(x)
            ctx.save_for_backward(x)
            ctx.k = k
            return x

        @staticmethod
        def backward(ctx, g):
            (out,) = ctx.saved_tensors
            ctx.saved_grad_fn_name = out.grad_fn.name()
            return g * ctx.k, None

    return MulInplace


def make_backward_returning(lib: Any, grads: Callable[[Any, Any], Any]) -> Any:
    """y = 2 * x (extra inputs ignored) whose backward returns ``grads(lib, g)``."""

    class Bad(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, *rest):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return grads(lib, g)

    return Bad


# ---------------------------------------------------------------- basics: values, grads, node
def test_exp_with_saved_output_matches_torch(rng):
    a = rng.standard_normal((3, 4)).astype(np.float32)
    up = rng.standard_normal((3, 4)).astype(np.float32)

    def program(lib):
        x = leaf(lib, a)
        fn = make_exp(lib)
        y = fn.apply(x)
        y.backward(lib.tensor(up))
        node = y.grad_fn
        return y, x.grad, node.name(), type(node).__name__, node.grad_mode_in_forward

    ours, theirs = both(program)
    assert_close(ours[0], theirs[0])
    assert_close(ours[1], theirs[1])
    assert ours[2:] == theirs[2:] == ("MyExpBackward", "MyExpBackward", False)


def test_ctx_is_the_grad_fn_and_a_function_ctx(rng):
    a = rng.standard_normal(3)

    def program(lib):
        y = make_exp(lib).apply(leaf(lib, a))
        ctx = y.grad_fn
        (saved,) = ctx.saved_tensors
        return (
            isinstance(ctx, lib.autograd.function.FunctionCtx),
            saved.grad_fn is ctx,
            saved is y,
            [type(n).__name__ for n, _ in ctx.next_functions],
        )

    ours, theirs = both(program)
    assert ours == theirs == (True, True, False, ["AccumulateGrad"])


def test_saved_output_makes_no_reference_cycle(rng):
    a = rng.standard_normal(3)

    def program(lib):
        y = make_exp(lib).apply(leaf(lib, a))
        ref = weakref.ref(y.grad_fn)
        del y
        return ref() is None  # freed by reference counting alone: no cycle

    assert both(program) == (True, True)


def test_two_inputs_and_needs_input_grad(rng):
    a, b = rng.standard_normal((2, 5))
    up = rng.standard_normal(5)

    def program(lib):
        x, w = leaf(lib, a), leaf(lib, b, requires_grad=False)
        y = make_scaled_mul(lib).apply(x, w, 1.5)
        y.backward(lib.tensor(up))
        nexts = [None if n is None else type(n).__name__ for n, _ in y.grad_fn.next_functions]
        return y, x.grad, w.grad, y.grad_fn.seen_needs, nexts

    ours, theirs = both(program)
    assert_close(ours[0], theirs[0])
    assert_close(ours[1], theirs[1])
    assert ours[2] is None and theirs[2] is None
    assert ours[3] == theirs[3] == (True, False, False)
    assert ours[4] == theirs[4] == ["AccumulateGrad", None]


def test_same_tensor_as_both_inputs_sums_its_gradients(rng):
    a = rng.standard_normal(4)

    def program(lib):
        x = leaf(lib, a)
        make_scaled_mul(lib).apply(x, x, -2.0).sum().backward()
        return x.grad

    assert_close(*both(program))


def test_no_node_without_grad_mode_but_needs_input_grad_still_reported(rng):
    a = rng.standard_normal(3)

    def program(lib):
        x = leaf(lib, a)
        with lib.no_grad():
            y = make_scaled_mul(lib).apply(x, x, 2.0)
        return y.requires_grad, y.grad_fn is None

    assert both(program) == ((False, True), (False, True))


def test_non_tensor_outputs_pass_through_and_get_no_gradient(rng):
    a = rng.standard_normal(3)

    def program(lib):
        received = []

        class WithExtras(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 3, "label", [x]

            @staticmethod
            def backward(ctx, g, g_label, g_list):
                received.append((g_label, g_list))
                return g * 3

        x = leaf(lib, a)
        y, label, lst = WithExtras.apply(x)
        y.sum().backward()
        return label, type(lst).__name__, lst[0] is x, received, x.grad

    ours, theirs = both(program)
    assert ours[:4] == theirs[:4] == ("label", "list", True, [(None, None)])
    assert_close(ours[4], theirs[4])


def test_input_returned_as_is_gets_the_custom_grad_fn(rng):
    a = rng.standard_normal(3)

    def program(lib):
        class TripleGrad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return g * 3

        x = leaf(lib, a)
        y = TripleGrad.apply(x)
        y.sum().backward()
        plain = lib.tensor(a)
        z = TripleGrad.apply(plain)
        return (y is x, y.grad_fn.name(), y._version == x._version, y.data_ptr() == x.data_ptr(),
                z is plain, z.requires_grad, x.grad)  # fmt: skip

    ours, theirs = both(program)
    assert ours[:6] == theirs[:6] == (False, "TripleGradBackward", True, True, False, False)
    assert_close(ours[6], theirs[6])


# ---------------------------------------------------------------- ctx features
def test_mark_non_differentiable_indices(rng):
    a = rng.standard_normal((3, 5)).astype(np.float32)
    up = rng.standard_normal(3).astype(np.float32)

    def program(lib):
        received: list[Any] = []
        x = leaf(lib, a)
        values, idx = make_max_with_index(lib, received).apply(x)
        flags = (values.requires_grad, idx.requires_grad, idx.grad_fn is None)
        values.backward(lib.tensor(up))
        return values, idx, x.grad, flags, received[0]

    ours, theirs = both(program)
    for k in range(3):
        assert_close(ours[k], theirs[k])
    assert ours[3] == theirs[3] == (True, False, True)
    # the indices' gradient is materialized as zeros of their (integer) dtype
    assert_close(ours[4], theirs[4])


def test_non_differentiable_float_output_does_not_require_grad(rng):
    a = rng.standard_normal(3)

    def program(lib):
        received = []

        class Pair(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                twice, thrice = x * 2, x * 3
                ctx.mark_non_differentiable(thrice)
                return twice, thrice

            @staticmethod
            def backward(ctx, g2, g3):
                received.append(g3)
                return g2 * 2

        x = leaf(lib, a)
        twice, thrice = Pair.apply(x)
        twice.sum().backward()
        return thrice.requires_grad, received[0], x.grad

    ours, theirs = both(program)
    assert ours[0] is theirs[0] is False
    assert_close(ours[1], theirs[1])
    assert_close(ours[2], theirs[2])


@pytest.mark.parametrize("materialize", [True, False])
def test_set_materialize_grads(rng, materialize):
    a = rng.standard_normal(4)

    def program(lib):
        received = []

        class TwoOutputs(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(materialize)
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, g1, g2):
                received.append((g1, g2))
                parts = [g * k for g, k in ((g1, 2), (g2, 3)) if g is not None]
                return sum(parts[1:], parts[0])

        x = leaf(lib, a)
        _, second = TwoOutputs.apply(x)
        second.sum().backward()
        return received[0], x.grad

    (ours_g, ours_x), (theirs_g, theirs_x) = both(program)
    if materialize:
        assert_close(ours_g[0], theirs_g[0])  # zeros
    else:
        assert ours_g[0] is None and theirs_g[0] is None
    assert_close(ours_g[1], theirs_g[1])
    assert_close(ours_x, theirs_x)


def test_save_for_backward_accepts_none_and_rejects_numbers(rng):
    a = rng.standard_normal(3)

    def saves(lib, *extra):
        class Saver(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, *extra)
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2 if ctx.saved_tensors[1] is None else None

        x = leaf(lib, a)
        Saver.apply(x).sum().backward()
        return x.grad

    assert_close(*both(lambda lib: saves(lib, None)))
    raises_both(
        lambda lib: saves(lib, 3),
        TypeError,
        "save_for_backward can only save variables, but argument 1 is of type int",
    )


# ---------------------------------------------------------------- mark_dirty (in-place forward)
def test_mark_dirty_rebases_the_input_and_bumps_its_version(rng):
    a = rng.standard_normal(4).astype(np.float32)
    up = rng.standard_normal(4).astype(np.float32)

    def program(lib):
        w = leaf(lib, a)
        x = w * 1.0
        before = x._version
        fn = make_mul_(lib)
        y = fn.apply(x, 3.0)
        info = (y is x, x._version - before, x.grad_fn.name(),
                x.grad_fn.next_functions[0][0].name())  # fmt: skip
        y.backward(lib.tensor(up))
        return info, y.grad_fn.saved_grad_fn_name, w.grad, y

    ours, theirs = both(program)
    assert ours[0] == theirs[0] == (True, 2, "MulInplaceBackward", "MulBackward0")
    assert ours[1] == theirs[1] == "MulInplaceBackward"
    assert_close(ours[2], theirs[2])
    assert_close(ours[3], theirs[3])


def test_mark_dirty_on_a_view_rewrites_the_base_history(rng):
    a = rng.standard_normal(5).astype(np.float32)
    up = rng.standard_normal(5).astype(np.float32)

    def program(lib):
        w = leaf(lib, a)
        base = w * 1.0
        make_mul_(lib).apply(base[1:3], -4.0)
        base.backward(lib.tensor(up))
        return base, w.grad

    ours, theirs = both(program)
    assert_close(ours[0], theirs[0])
    assert_close(ours[1], theirs[1])


def test_mark_dirty_errors(rng):
    a = rng.standard_normal(4).astype(np.float32)
    raises_both(
        lambda lib: make_mul_(lib).apply(leaf(lib, a), 2.0),
        RuntimeError,
        "a leaf Variable that requires grad has been used in an in-place operation",
    )

    def dirty_not_returned(lib):
        class Sneaky(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                x.add_(1)
                ctx.mark_dirty(x)
                return y * 2

            @staticmethod
            def backward(ctx, g):
                return None, g * 2

        w = leaf(lib, a)
        Sneaky.apply(w * 1.0, w * 1.0)

    raises_both(
        dirty_not_returned,
        RuntimeError,
        "Some elements marked as dirty during the forward method were not returned",
    )


def test_mark_dirty_under_no_grad_still_bumps_the_version(rng):
    a = rng.standard_normal(3)

    def program(lib):
        x = leaf(lib, a)
        with lib.no_grad():
            y = make_mul_(lib).apply(x, 2.0)
        return y is x, x._version, y.requires_grad, x.detach()

    ours, theirs = both(program)
    assert ours[:3] == theirs[:3] == (False, 2, False)
    assert_close(ours[3], theirs[3])


# ---------------------------------------------------------------- higher order
def test_once_differentiable_first_order_matches_torch(rng):
    a = rng.standard_normal(4)

    def program(lib):
        x = leaf(lib, a)
        y = make_exp(lib, once=True).apply(x)
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        # the incoming gradient needs no grad: the result is plain, as in PyTorch
        return g, g.requires_grad, y.grad_fn.grad_mode_in_backward

    ours, theirs = both(program)
    assert_close(ours[0], theirs[0])
    assert ours[1:] == theirs[1:] == (False, False)


def test_once_differentiable_refuses_second_order(rng):
    a = rng.standard_normal(4)

    def program(lib):
        x = leaf(lib, a)
        y = make_exp(lib, once=True).apply(x)
        (g,) = lib.autograd.grad((y * y).sum(), x, create_graph=True)
        assert g.requires_grad
        g.sum().backward()

    raises_both(program, RuntimeError, ONCE_MSG)


def test_double_backward_through_custom_backward(rng):
    a = rng.standard_normal((2, 3))
    up = rng.standard_normal((2, 3))
    up2 = rng.standard_normal((2, 3))

    def program(lib, make):
        x = leaf(lib, a)
        y = make(lib).apply(x)
        (g,) = lib.autograd.grad(y, x, lib.tensor(up), create_graph=True)
        (gg,) = lib.autograd.grad(g, x, lib.tensor(up2))
        return g, gg

    for make in (make_cube, make_exp):  # a saved input, then a saved output
        ours, theirs = program(rg, make), program(torch, make)
        assert_close(ours[0], theirs[0])
        assert_close(ours[1], theirs[1])


def test_double_backward_through_a_saved_second_output(rng):
    a, up, up2 = rng.standard_normal((3, 4))

    def program(lib):
        class TwiceAndExp(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                e = x.exp()
                ctx.save_for_backward(e)
                return x * 2, e

            @staticmethod
            def backward(ctx, g_twice, g_exp):
                (e,) = ctx.saved_tensors
                ctx.saved_output_nr = e.output_nr
                return g_twice * 2 + g_exp * e

        x = leaf(lib, a)
        twice, e = TwiceAndExp.apply(x)
        (g,) = lib.autograd.grad(twice.sum() + (e * lib.tensor(up)).sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g, x, lib.tensor(up2))
        return g, gg, e.grad_fn.saved_output_nr

    ours, theirs = both(program)
    assert_close(ours[0], theirs[0])
    assert_close(ours[1], theirs[1])
    assert ours[2] == theirs[2] == 1


# ---------------------------------------------------------------- setup_context style
def make_setup_context_scale(lib: Any) -> Any:
    class Scale(lib.autograd.Function):
        @staticmethod
        def forward(x, k=2.0):
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.seen = (len(inputs), inputs[1], lib.is_grad_enabled())
            ctx.k = inputs[1]
            ctx.save_for_backward(inputs[0], output)

        @staticmethod
        def backward(ctx, g):
            x, out = ctx.saved_tensors
            return g * ctx.k, None

    return Scale


@pytest.mark.parametrize("call", ["default", "positional", "keyword"])
def test_setup_context_style(rng, call):
    a = rng.standard_normal(3)
    up = rng.standard_normal(3)

    def program(lib):
        x = leaf(lib, a)
        fn = make_setup_context_scale(lib)
        y = {"default": lambda: fn.apply(x), "positional": lambda: fn.apply(x, -3.0),
             "keyword": lambda: fn.apply(x, k=0.5)}[call]()  # fmt: skip
        y.backward(lib.tensor(up))
        return y, x.grad, y.grad_fn.seen, len(y.grad_fn.next_functions)

    ours, theirs = both(program)
    assert_close(ours[0], theirs[0])
    assert_close(ours[1], theirs[1])
    assert ours[2:] == theirs[2:]


def test_setup_context_may_not_save_an_input_returned_as_is(rng):
    a = rng.standard_normal(3)

    def program(lib):
        class Identity(lib.autograd.Function):
            @staticmethod
            def forward(x):
                return x

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.save_for_backward(inputs[0])

            @staticmethod
            def backward(ctx, g):
                return g

        Identity.apply(leaf(lib, a))

    raises_both(program, RuntimeError, "An input that has been returned as-is as output is being")


# ---------------------------------------------------------------- hooks
def test_hooks_on_outputs_and_on_the_node(rng):
    a = rng.standard_normal(4).astype(np.float32)

    def program(lib):
        log = []
        x = leaf(lib, a)
        y = make_cube(lib).apply(x)
        y.register_hook(lambda g: g * 10)
        y.retain_grad()
        y.grad_fn.register_prehook(lambda go: log.append(("pre", go[0])))
        y.grad_fn.register_hook(lambda gi, go: log.append(("post", gi[0], go[0])))
        (y * 2).sum().backward()
        return log, y.grad, x.grad

    ours, theirs = both(program)
    assert [e[0] for e in ours[0]] == [e[0] for e in theirs[0]] == ["pre", "post"]
    for e_ours, e_theirs in zip(ours[0], theirs[0]):
        for o, t in zip(e_ours[1:], e_theirs[1:]):
            assert_close(o, t)
    assert_close(ours[1], theirs[1])
    assert_close(ours[2], theirs[2])


# ---------------------------------------------------------------- saved-tensor errors
def test_saved_input_modified_in_place_is_an_error(rng):
    a, b = rng.standard_normal((2, 3)).astype(np.float32)

    def program(lib):
        x, w = leaf(lib, a), leaf(lib, b, requires_grad=False)
        y = make_scaled_mul(lib).apply(x, w, 1.0)
        w.add_(1)
        y.sum().backward()

    raises_both(program, RuntimeError,
                r"modified by an inplace operation: \[\w+\.FloatTensor \[3\]\] is at version 1; "
                r"expected version 0 instead")  # fmt: skip


def test_saved_output_modified_in_place_names_the_function(rng):
    a = rng.standard_normal(3).astype(np.float32)

    def program(lib):
        y = make_exp(lib).apply(leaf(lib, a))
        y.add_(1)
        y.sum().backward()

    raises_both(program, RuntimeError,
                r"\[\w+\.FloatTensor \[3\]\], which is output 0 of MyExp, is at version 1; "
                r"expected version 0 instead")  # fmt: skip


def test_second_backward_needs_retain_graph(rng):
    a = rng.standard_normal(3)

    def twice(lib, retain):
        x = leaf(lib, a)
        y = make_exp(lib).apply(x)
        y.sum().backward(retain_graph=retain)
        y.sum().backward()
        return x.grad

    assert_close(*both(lambda lib: twice(lib, True)))
    raises_both(lambda lib: twice(lib, False), RuntimeError, FREED)

    def saved_after_backward(lib):
        y = make_exp(lib).apply(leaf(lib, a))
        y.sum().backward()
        return y.grad_fn.saved_tensors

    raises_both(saved_after_backward, RuntimeError, FREED)


# ---------------------------------------------------------------- what backward may return
def test_backward_returning_the_wrong_number_of_gradients_messages(rng):
    a = rng.standard_normal(2)

    def program(lib, grads, n_extra):
        x = leaf(lib, a)
        extra = [lib.tensor(a) for _ in range(n_extra)]
        make_backward_returning(lib, grads).apply(x, *extra).sum().backward()
        return x.grad

    raises_both(lambda lib: program(lib, lambda lib, g: g, 1), RuntimeError,
                r"function BadBackward returned an incorrect number of gradients "
                r"\(expected 2, got 1\)")  # fmt: skip
    raises_both(lambda lib: program(lib, lambda lib, g: (g, g), 0), RuntimeError,
                r"\(expected 1, got 2\)")  # fmt: skip
    # trailing Nones beyond the inputs are allowed
    assert_close(*both(lambda lib: program(lib, lambda lib, g: (g, None, None), 0)))


def test_backward_returning_bad_gradients(rng):
    a = rng.standard_normal((2, 3)).astype(np.float32)

    def program(lib, grads, *extra):
        x = leaf(lib, a)
        make_backward_returning(lib, grads).apply(x, *extra).sum().backward()
        return x.grad

    raises_both(lambda lib: program(lib, lambda lib, g: lib.ones(3, 2)), RuntimeError,
                r"Function BadBackward returned an invalid gradient at index 0 - got \[3, 2\] "
                r"but expected shape compatible with \[2, 3\]")  # fmt: skip
    raises_both(lambda lib: program(lib, lambda lib, g: (g, 1.0), 7), RuntimeError,
                "returned a gradient different than None at position 2, but the corresponding "
                "forward input was not a Variable")  # fmt: skip
    raises_both(lambda lib: program(lib, lambda lib, g: 1.0), RuntimeError,
                r"expected Variable or None \(got float\)")  # fmt: skip
    # a broadcast float64 gradient is summed back to the input's shape and dtype
    ours, theirs = both(lambda lib: program(lib, lambda lib, g: lib.ones(4, 2, 3).double()))
    assert_close(ours, theirs)
    # a gradient for a tensor input that needs none is dropped whatever its shape
    ours, theirs = both(lambda lib: program(lib, lambda lib, g: (g, lib.ones(7)), lib.tensor(a)))
    assert_close(ours, theirs)


def test_backward_and_vjp_both_defined_is_an_error(rng):
    a = rng.standard_normal(2)

    def program(lib):
        class Both(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g

            @staticmethod
            def vjp(ctx, g):
                return g

        Both.apply(leaf(lib, a)).sum().backward()

    raises_both(program, RuntimeError, "Implementing both 'backward' and 'vjp'")


# ---------------------------------------------------------------- forward mode
def make_jvp_exp(lib: Any, received: list[Any]) -> Any:
    """k * exp(x) * y with a jvp using save_for_forward, and a non-tensor output."""

    class ExpMul(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, y, k):
            r = x.exp() * y * k
            ctx.save_for_forward(r, y)
            ctx.save_for_backward(x, y)
            ctx.k = k
            return r, "meta"

        @staticmethod
        def jvp(ctx, tx, ty, tk):
            received.append((tx, ty, tk))
            r, y = ctx.saved_tensors
            return tx * r + ty * r / y, None

        @staticmethod
        def backward(ctx, g, g_meta):
            x, y = ctx.saved_tensors
            return g * x.exp() * y * ctx.k, g * x.exp() * ctx.k, None

    return ExpMul


def test_forward_mode_jvp(rng):
    a, b, ta = rng.standard_normal((3, 4))
    b = np.abs(b) + 0.5

    def program(lib):
        fwAD = lib.autograd.forward_ad
        received: list[Any] = []
        with fwAD.dual_level():
            x = fwAD.make_dual(lib.tensor(a), lib.tensor(ta))
            out, meta = make_jvp_exp(lib, received).apply(x, lib.tensor(b), 1.5)
            tangent = fwAD.unpack_dual(out).tangent
        # a tensor input without a tangent gets materialized zeros; a number gets None
        return fwAD.unpack_dual(out).primal, tangent, meta, received[0]

    ours, theirs = both(program)
    assert_close(ours[0], theirs[0])
    assert_close(ours[1], theirs[1])
    assert ours[2] == theirs[2] == "meta"
    assert_close(ours[3][1], theirs[3][1])
    assert ours[3][2] is None and theirs[3][2] is None


def test_forward_mode_errors(rng):
    a = rng.standard_normal(3)

    def program(lib, jvp):
        class Twice(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2, x * 3

        if jvp is not None:
            Twice.jvp = staticmethod(jvp)
        fwAD = lib.autograd.forward_ad
        with fwAD.dual_level():
            Twice.apply(fwAD.make_dual(lib.tensor(a), lib.tensor(a)))

    raises_both(lambda lib: program(lib, None), NotImplementedError,
                "You must implement the jvp function")  # fmt: skip
    raises_both(
        lambda lib: program(lib, lambda ctx, t: t * 2),
        RuntimeError,
        r"jvp returned an invalid number of forward gradients \(expected 2 but got 1\)",
    )


def test_forward_mode_and_reverse_mode_together(rng):
    a, b, ta = rng.standard_normal((3, 4))
    b = np.abs(b) + 0.5

    def program(lib):
        fwAD = lib.autograd.forward_ad
        x = leaf(lib, a)
        with fwAD.dual_level():
            xd = fwAD.make_dual(x, lib.tensor(ta))
            out, _ = make_jvp_exp(lib, []).apply(xd, lib.tensor(b), 2.0)
            tangent = fwAD.unpack_dual(out).tangent
        out.sum().backward()
        return tangent, x.grad

    ours, theirs = both(program)
    assert_close(ours[0], theirs[0])
    assert_close(ours[1], theirs[1])
