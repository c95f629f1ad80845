"""The backward engine against PyTorch: accumulation, root checks, retain_graph,
create_graph, ``inputs=``, ``autograd.grad``, tensor autograd state, deep graphs and the
order nodes run in. Each test runs one program in retrograd and in PyTorch on the same values."""

from __future__ import annotations

import re
import warnings
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


def leaf(lib: Any, arr: np.ndarray) -> Any:
    return lib.tensor(arr, requires_grad=True)


def raises_both(fn: Callable[[Any], Any], exc: type[Exception], match: str) -> None:
    """Both libraries raise ``exc`` with a message matching ``match``."""
    for lib in LIBS:
        with pytest.raises(exc, match=match):
            fn(lib)


# ---------------------------------------------------------------- accumulation into .grad
def test_leaf_grad_accumulates_over_backward_calls(rng):
    a = rng.standard_normal((2, 3)).astype(np.float32)

    def program(lib):
        x = leaf(lib, a)
        seen = []
        for k in (1.0, 2.0, -3.0):
            (x.sin() * k).sum().backward()
            seen.append(x.grad.clone())
        return seen

    for ours, theirs in zip(*both(program)):
        assert_close(ours, theirs)


def test_second_backward_adds_into_the_same_grad_tensor(rng):
    a = rng.standard_normal(4)

    def program(lib):
        x = leaf(lib, a)
        (x * x).sum().backward()
        first = x.grad
        (x * 3).sum().backward()
        return first is x.grad, first

    (same_r, g_r), (same_t, g_t) = both(program)
    assert same_r == same_t
    assert_close(g_r, g_t)


def test_assigned_grad_is_accumulated_into_in_place(rng):
    a = rng.standard_normal(3)

    def program(lib):
        x = leaf(lib, a)
        g = lib.zeros(3, dtype=lib.float64)
        x.grad = g
        (x * x).sum().backward()
        same = x.grad is g
        del x.grad
        return same, g, x.grad

    (same_r, g_r, none_r), (same_t, g_t, none_t) = both(program)
    assert same_r is same_t is True
    assert none_r is None and none_t is None
    assert_close(g_r, g_t)


def test_assigning_a_grad_of_another_shape_or_dtype_is_refused():
    raises_both(
        lambda lib: setattr(lib.ones(3, requires_grad=True), "grad", lib.ones(2)),
        RuntimeError,
        re.escape("attempting to assign a gradient of size '[2]' to a tensor of size '[3]'"),
    )
    for lib in LIBS:
        with pytest.raises(RuntimeError):
            lib.ones(3, requires_grad=True).grad = lib.ones(3, dtype=lib.float64)


def test_backward_of_a_leaf_and_grad_of_a_tensor_wrt_itself(rng):
    a, g = rng.standard_normal(3), rng.standard_normal(3)

    def program(lib):
        x = leaf(lib, a)
        x.backward(lib.tensor(g))
        h = x * 2
        (gx,) = lib.autograd.grad(x, x, lib.tensor(g))
        (gh,) = lib.autograd.grad(h, h, lib.tensor(g))
        return x.grad, gx, gh

    for ours, theirs in zip(*both(program)):
        assert_close(ours, theirs)


def test_roots_sharing_a_graph_and_repeated_inputs(rng):
    a = rng.standard_normal(3)

    def program(lib):
        x = leaf(lib, a)
        y = (x * x).sum()
        z = x.sin().sum()
        lib.autograd.backward([y, y, z], [lib.tensor(1.0, dtype=lib.float64)] * 2 + [None])
        g1, g2 = lib.autograd.grad((x.exp() * x).sum(), [x, x])
        return x.grad, g1, g2

    for ours, theirs in zip(*both(program)):
        assert_close(ours, theirs)


def test_gradient_that_requires_grad_gives_a_plain_grad_without_create_graph(rng):
    a = rng.standard_normal(3)

    def program(lib):
        x = leaf(lib, a)
        (x * 2).sum().backward(lib.tensor(3.0, dtype=lib.float64, requires_grad=True))
        return x.grad.requires_grad, x.grad

    (flag_r, g_r), (flag_t, g_t) = both(program)
    assert flag_r is flag_t is False
    assert_close(g_r, g_t)


def _nonleaf_warning(lib: Any, access: Callable[[Any], Any]) -> list[str]:
    x = lib.ones(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = access(x)
    assert result is None or isinstance(result, lib.Tensor)
    return [str(w.message) for w in caught if w.category is UserWarning]


def test_nonleaf_grad_is_none_with_pytorchs_warning():
    def access(x):
        y = x * 2
        y.sum().backward()
        return y.grad

    ours, theirs = both(lambda lib: _nonleaf_warning(lib, access))
    assert len(ours) == len(theirs) == 1
    # PyTorch appends where in its C++ sources the warning came from
    assert ours[0] == re.sub(r" \(Triggered internally at .*\)$", "", theirs[0])
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert (rg.ones(2, requires_grad=True) * 2).grad is None


@pytest.mark.parametrize(
    "access",
    [
        lambda x: x.grad,  # a leaf
        lambda x: (x.detach() * 2).grad,  # outside the graph: a leaf too
        lambda x: (lambda y: (y.retain_grad(), y.grad)[1])(x * 2),  # retains grad
    ],
    ids=["leaf", "no-grad-result", "retained"],
)
def test_no_warning_where_pytorch_gives_none(access):
    ours, theirs = both(lambda lib: _nonleaf_warning(lib, access))
    assert ours == theirs == []


# ---------------------------------------------------------------- roots and their gradients
@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
def test_implicit_gradient_for_single_element_outputs(shape, rng):
    a = rng.standard_normal(shape)

    def program(lib):
        x = leaf(lib, a)
        (x.exp() * 2).backward()
        return x.grad

    assert_close(*both(program))


def test_implicit_gradient_refused_for_several_elements():
    raises_both(
        lambda lib: (lib.ones(2, requires_grad=True) * 2).backward(),
        RuntimeError,
        "grad can be implicitly created only for scalar outputs",
    )
    raises_both(
        lambda lib: (lambda x: lib.autograd.grad(x * 2, x))(lib.ones(2, requires_grad=True)),
        RuntimeError,
        "grad can be implicitly created only for scalar outputs",
    )


def test_gradient_shape_mismatch_names_both_shapes():
    for lib in LIBS:
        y = lib.ones(2, requires_grad=True) * 2
        name = lib.__name__
        msg = (
            f"Mismatch in shape: grad_output[0] has a shape of {name}.Size([3]) and output[0] "
            f"has a shape of {name}.Size([2])."
        )
        with pytest.raises(RuntimeError, match=re.escape(msg)):
            y.backward(lib.ones(3))


def test_real_gradient_of_another_dtype_is_cast_to_the_output_dtype(rng):
    a = rng.standard_normal(3).astype(np.float32)
    g = rng.standard_normal(3)

    def program(lib):
        x = leaf(lib, a)
        (x * x).backward(lib.tensor(g, dtype=lib.float64))
        return x.grad

    ours, theirs = both(program)
    assert ours.dtype == rg.float32
    assert_close(ours, theirs)


def test_complex_gradient_for_real_output_is_refused():
    raises_both(
        lambda lib: (lib.ones(2, requires_grad=True) * 2).backward(
            lib.ones(2, dtype=lib.complex64)
        ),
        RuntimeError,
        "For complex Tensors, both grad_output and output are required to have the same dtype",
    )


def test_backward_of_a_tensor_without_grad_fn():
    msg = "element 0 of tensors does not require grad and does not have a grad_fn"
    raises_both(lambda lib: lib.ones(2).sum().backward(), RuntimeError, msg)
    raises_both(
        lambda lib: lib.autograd.grad(lib.ones(2).sum(), lib.ones(2, requires_grad=True)),
        RuntimeError,
        msg,
    )
    raises_both(
        lambda lib: lib.autograd.backward([lib.ones((), requires_grad=True) * 2, lib.ones(())]),
        RuntimeError,
        "element 1 of tensors does not require grad and does not have a grad_fn",
    )


# ---------------------------------------------------------------- retain_graph
FREED = "Trying to backward through the graph a second time"
# programs whose nodes save tensors (their second backward fails once the graph is freed)
SAVING = {
    "mul": lambda lib, x: (x * x).sum(),
    "pow": lambda lib, x: (x**3).sum(),
    "exp": lambda lib, x: x.exp().sum(),
    "mul-by-number": lambda lib, x: (x * 2).sum(),  # PyTorch saves the wrapped number
}
# programs whose nodes save no tensors: PyTorch can backpropagate through them again
NOT_SAVING = {
    "add": lambda lib, x: (x + 1).sum(),
    "mean": lambda lib, x: (x - 1).mean(),
    "cat": lambda lib, x: lib.cat([x, -x]).sum(),
    "view": lambda lib, x: x.reshape(2, 2).t().sum(),
}


@pytest.mark.parametrize("name", list(SAVING))
def test_second_backward_through_freed_buffers_raises(name):
    def program(lib):
        y = SAVING[name](lib, lib.ones(4, requires_grad=True))
        y.backward()
        y.backward()

    raises_both(program, RuntimeError, FREED)


@pytest.mark.parametrize("name", list(NOT_SAVING))
def test_second_backward_without_saved_tensors_works(name, rng):
    a = rng.standard_normal(4)

    def program(lib):
        x = leaf(lib, a)
        y = NOT_SAVING[name](lib, x)
        y.backward()
        y.backward()
        return x.grad

    assert_close(*both(program))


@pytest.mark.parametrize("how", ["retain_graph", "create_graph"])
@pytest.mark.parametrize("name", list(SAVING))
def test_retained_graph_can_be_backpropagated_again(name, how, rng):
    a = rng.standard_normal(4)

    def program(lib):
        x = leaf(lib, a)
        y = SAVING[name](lib, x)
        y.backward(**{how: True})
        y.backward()
        return x.grad.detach()

    assert_close(*both(program))


def test_explicit_retain_graph_false_overrides_create_graph():
    def program(lib):
        x = lib.ones(3, requires_grad=True)
        y = (x * x).sum()
        y.backward(create_graph=True, retain_graph=False)
        y.backward()

    raises_both(program, RuntimeError, FREED)


def test_autograd_grad_frees_the_graph_unless_retained(rng):
    a = rng.standard_normal(3)

    def program(lib):
        x = leaf(lib, a)
        y = (x.sin() * x).sum()
        (g1,) = lib.autograd.grad(y, x, retain_graph=True)
        (g2,) = lib.autograd.grad(y, x)
        with pytest.raises(RuntimeError, match=FREED):
            lib.autograd.grad(y, x)
        return g1, g2

    (r1, r2), (t1, t2) = both(program)
    assert_close(r1, t1)
    assert_close(r2, t2)


# ---------------------------------------------------------------- create_graph
THIRD_ORDER = {
    "cube": lambda x: x**3,
    "sin": lambda x: x.sin(),
    "exp-times-x": lambda x: x.exp() * x,
    "x-sin-x": lambda x: x * x.sin() + x.tanh(),
}


@pytest.mark.parametrize("name", list(THIRD_ORDER))
def test_derivatives_to_third_order(name, rng):
    a = rng.uniform(-1.5, 1.5, 5)

    def program(lib):
        x = leaf(lib, a)
        (d1,) = lib.autograd.grad(THIRD_ORDER[name](x).sum(), x, create_graph=True)
        (d2,) = lib.autograd.grad(d1.sum(), x, create_graph=True)
        (d3,) = lib.autograd.grad(d2.sum(), x)
        assert d1.grad_fn is not None and d2.grad_fn is not None
        assert d3.grad_fn is None and not d3.requires_grad
        return d1, d2, d3

    for ours, theirs in zip(*both(program)):
        assert_close(ours, theirs)


def test_grad_with_create_graph_and_a_random_upstream_gradient(rng):
    a = rng.standard_normal((2, 3))
    w = rng.standard_normal((3, 2))
    g = rng.standard_normal((2, 2))

    def program(lib):
        x, m = leaf(lib, a), leaf(lib, w)
        y = (x @ m).tanh()
        gx, gm = lib.autograd.grad(y, (x, m), lib.tensor(g), create_graph=True)
        (gx * gx).sum().backward()
        return gx, gm, x.grad, m.grad

    for ours, theirs in zip(*both(program)):
        assert_close(ours, theirs)


def test_backward_with_create_graph_makes_grad_differentiable(rng):
    a = rng.standard_normal(4)

    def program(lib):
        x = leaf(lib, a)
        (x**3).sum().backward(create_graph=True)
        first = x.grad
        assert first.requires_grad and first.grad_fn is not None
        x.grad = None
        first.sum().backward()
        return first.detach(), x.grad

    for ours, theirs in zip(*both(program)):
        assert_close(ours, theirs)


def test_create_graph_accumulation_into_existing_grad(rng):
    a = rng.standard_normal(3)

    def program(lib):
        x = leaf(lib, a)
        x.sin().sum().backward()
        (x**2).sum().backward(create_graph=True)
        assert x.grad.requires_grad
        (d2,) = lib.autograd.grad(x.grad.sum(), x)
        return x.grad.detach(), d2

    for ours, theirs in zip(*both(program)):
        assert_close(ours, theirs)


# ---------------------------------------------------------------- backward(inputs=...)
def test_inputs_limits_accumulation_to_the_given_leaves(rng):
    a, b = rng.standard_normal(3), rng.standard_normal(3)

    def program(lib):
        x, w = leaf(lib, a), leaf(lib, b)
        (x * w).sin().sum().backward(inputs=[x])
        assert w.grad is None
        (x * w).sum().backward(inputs=w)  # a single tensor is accepted too
        return x.grad, w.grad

    for ours, theirs in zip(*both(program)):
        assert_close(ours, theirs)


def test_input_outside_the_graph_gets_no_grad(rng):
    a = rng.standard_normal(3)

    def program(lib):
        x, u = leaf(lib, a), leaf(lib, a)
        (x * 2).sum().backward(inputs=[u])
        return x.grad, u.grad

    assert both(program) == ((None, None), (None, None))


def test_nonleaf_input_gets_grad_and_retains_grad(rng):
    a, b = rng.standard_normal(3), rng.standard_normal(3)

    def program(lib):
        x, w = leaf(lib, a), leaf(lib, b)
        h = x.exp()
        assert not h.retains_grad
        (h * w).sum().backward(inputs=[h, w])
        assert h.retains_grad
        assert x.grad is None
        return h.grad, w.grad

    for ours, theirs in zip(*both(program)):
        assert_close(ours, theirs)


def test_empty_inputs_is_an_error():
    raises_both(
        lambda lib: (lib.ones(2, requires_grad=True) * 2).sum().backward(inputs=[]),
        RuntimeError,
        re.escape("`inputs` argument to `backward()` cannot be empty."),
    )
    raises_both(
        lambda lib: lib.autograd.grad((lib.ones(2, requires_grad=True) * 2).sum(), []),
        RuntimeError,
        re.escape("`inputs` argument to `grad()` cannot be empty."),
    )


# ---------------------------------------------------------------- autograd.grad
def test_grad_leaves_dot_grad_untouched(rng):
    a = rng.standard_normal(3)

    def program(lib):
        x = leaf(lib, a)
        (g,) = lib.autograd.grad((x * x).sum(), x)
        assert x.grad is None
        return g

    assert_close(*both(program))


def test_grad_of_unused_input(rng):
    a, b = rng.standard_normal(3), rng.standard_normal(2)
    unused_msg = (
        "The differentiated Tensor at index 1 appears to not have been used in the graph. "
        "Set allow_unused=True if this is the desired behavior."
    )

    def program(lib):
        x, u = leaf(lib, a), leaf(lib, b)
        with pytest.raises(RuntimeError, match=re.escape(unused_msg)):
            lib.autograd.grad(x.exp().sum(), [x, u])
        gx, gu = lib.autograd.grad(x.exp().sum(), [x, u], allow_unused=True)
        assert gu is None
        mx, mu = lib.autograd.grad(x.exp().sum(), [x, u], materialize_grads=True)
        return gx, mx, mu

    for ours, theirs in zip(*both(program)):
        assert_close(ours, theirs)


def test_grad_wrt_input_not_requiring_grad():
    raises_both(
        lambda lib: lib.autograd.grad((lib.ones(2, requires_grad=True) * 2).sum(), lib.ones(2)),
        RuntimeError,
        "One of the differentiated Tensors does not require grad",
    )


def test_grad_with_several_outputs_and_grad_outputs(rng):
    a = rng.standard_normal((2, 3))
    g1, g2 = rng.standard_normal((2, 3)), rng.standard_normal(3)

    def program(lib):
        x = leaf(lib, a)
        y1, y2 = x.sin(), (x * x).sum(0)
        return lib.autograd.grad([y1, y2], x, grad_outputs=[lib.tensor(g1), lib.tensor(g2)])

    for ours, theirs in zip(*both(program)):
        assert_close(ours, theirs)


def test_grad_wrt_an_intermediate_tensor(rng):
    a = rng.standard_normal(4)

    def program(lib):
        x = leaf(lib, a)
        h = x * 3
        y = (h.exp() * x).sum()
        return lib.autograd.grad(y, [h, x])

    for ours, theirs in zip(*both(program)):
        assert_close(ours, theirs)


def test_grads_batched_gives_jacobian_rows(rng):
    a = rng.standard_normal(3)
    w = rng.standard_normal((4, 3))

    def program(lib):
        x = leaf(lib, a)
        y = lib.tensor(w) @ x.sin()
        (jac,) = lib.autograd.grad(y, x, lib.eye(4, dtype=lib.float64), is_grads_batched=True)
        return jac

    ours, theirs = both(program)
    assert tuple(ours.shape) == (4, 3)
    assert_close(ours, theirs)


# ---------------------------------------------------------------- tensor autograd state
def test_retain_grad_keeps_nonleaf_gradient(rng):
    a = rng.standard_normal(3)

    def program(lib):
        x = leaf(lib, a)
        y = x.sin()
        y.retain_grad()
        y.retain_grad()  # twice is harmless
        (y * y).sum().backward(retain_graph=True)
        (y * 2).sum().backward()  # accumulates
        return y.retains_grad, x.retains_grad, y.grad, x.grad

    (r_ret, r_xret, *r_grads), (t_ret, t_xret, *t_grads) = both(program)
    assert (r_ret, r_xret) == (t_ret, t_xret) == (True, False)
    for ours, theirs in zip(r_grads, t_grads):
        assert_close(ours, theirs)


def test_retain_grad_on_tensor_not_requiring_grad():
    raises_both(
        lambda lib: lib.ones(2).retain_grad(),
        RuntimeError,
        "can't retain_grad on Tensor that has requires_grad=False",
    )


def test_detach_shares_memory_and_version_counter():
    def program(lib):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        d = y.detach()
        flags = (d.requires_grad, d.is_leaf, d.grad_fn is None)
        v0 = y._version
        d[0] = 5.0
        return flags, y._version - v0, d._version, y.tolist()

    assert both(program)[0] == both(program)[1]
    assert both(program)[0][1] == 1


def test_dot_data_has_its_own_version_counter():
    def program(lib):
        x = lib.ones(3, requires_grad=True)
        d = x.data
        d.add_(1)
        return d.requires_grad, d._version, x._version, x.tolist()

    ours, theirs = both(program)
    assert ours == theirs == (False, 1, 0, [2.0, 2.0, 2.0])


def test_detach_in_place_turns_a_result_into_a_leaf():
    def program(lib):
        y = lib.ones(3, requires_grad=True) * 2
        y.detach_()
        return y.requires_grad, y.is_leaf, y.grad_fn

    assert both(program) == ((False, True, None), (False, True, None))
    raises_both(
        lambda lib: (lib.ones(3, requires_grad=True) * 2)[1:].detach_(),
        RuntimeError,
        re.escape("Can't detach views in-place. Use detach() instead."),
    )


def test_requires_grad_flags():
    nonleaf_msg = "you can only change requires_grad flags of leaf variables."
    raises_both(
        lambda lib: (lib.ones(2, requires_grad=True) * 2).requires_grad_(False),
        RuntimeError,
        re.escape(nonleaf_msg),
    )
    int_msg = "(?i)only Tensors of floating point .*can require gradients"
    raises_both(lambda lib: lib.ones(2, dtype=lib.int64).requires_grad_(), RuntimeError, int_msg)
    raises_both(lambda lib: lib.tensor([1, 2], requires_grad=True), RuntimeError, int_msg)

    def fine(lib):
        y = lib.ones(2, requires_grad=True) * 2
        y.requires_grad_(True)  # already requires grad: allowed on a non-leaf
        i = lib.ones(2, dtype=lib.int64).requires_grad_(False)
        return y.requires_grad, i.requires_grad

    assert both(fine) == ((True, False), (True, False))


def test_is_leaf():
    def program(lib):
        x = lib.ones(2, requires_grad=True)
        c = lib.ones(2)
        with lib.no_grad():
            n = x * 2
        return x.is_leaf, c.is_leaf, (x * 2).is_leaf, (c * 2).is_leaf, n.is_leaf

    ours, theirs = both(program)
    assert ours == theirs == (True, True, False, True, True)


def _structure(fn: Any, depth: int = 6) -> Any:
    """A grad_fn's name and its next_functions, recursively ((name, output_nr, children))."""
    if fn is None:
        return None
    name = fn.name().split("::")[-1]  # PyTorch names it torch::autograd::AccumulateGrad
    if depth == 0:
        return name
    return (name, tuple((_structure(f, depth - 1), nr) for f, nr in fn.next_functions))


def test_grad_fn_names_and_next_functions():
    def program(lib):
        x = lib.ones(2, 3, requires_grad=True)
        w = lib.ones(3, requires_grad=True)
        y = ((x * w + x.exp()) ** 2).mean() - x.sin().max(dim=1)[0].sum() * 2
        return _structure(y.grad_fn)

    ours, theirs = both(program)
    assert ours == theirs


NODE_NAME_PROGRAMS = {
    "rsub": lambda lib, x: 1 - x,
    "t": lambda lib, x: x.t(),
    "T": lambda lib, x: x.T,
    "mT": lambda lib, x: x.mT,
    "select": lambda lib, x: x[0, 1],
    "slice": lambda lib, x: x[:, 1:],
    "index": lambda lib, x: x[[0, 1, 1]],
    "view": lambda lib, x: x.view(6),
    "sum": lambda lib, x: x.sum(),
    "sum_dim": lambda lib, x: x.sum(0),
    "mean": lambda lib, x: x.mean(),
    "max": lambda lib, x: x.max(),
    "max_dim": lambda lib, x: x.max(1)[0],
    "pow_scalar": lambda lib, x: x**2,
    "rpow": lambda lib, x: 2**x,
    "pow_tensor": lambda lib, x: x**x,
    "mm": lambda lib, x: x @ x.t(),
    "dot": lambda lib, x: x[0] @ x[0],
    "mv": lambda lib, x: x @ x[0],
    "clamp": lambda lib, x: x.clamp(0, 1),
    "to": lambda lib, x: x.to(lib.float64),
    "cat": lambda lib, x: lib.cat([x, x]),
    "stack": lambda lib, x: lib.stack([x, x]),
    "where": lambda lib, x: lib.where(x > 0, x, 0.0),
}


@pytest.mark.parametrize("name", sorted(NODE_NAME_PROGRAMS))
def test_node_names_match_pytorch(name):
    def program(lib):
        return NODE_NAME_PROGRAMS[name](lib, lib.ones(2, 3, requires_grad=True)).grad_fn.name()

    ours, theirs = both(program)
    assert ours == theirs


def test_accumulate_grad_node_holds_the_leaf():
    for lib in LIBS:
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        acc, nr = y.grad_fn.next_functions[0]
        assert type(acc).__name__ == "AccumulateGrad"
        assert acc.variable is x and nr == 0
        assert (x * 3).grad_fn.next_functions[0][0] is acc  # one accumulator per leaf
        assert y.grad_fn.next_functions[1] == (None, 0)  # the constant operand
        assert re.fullmatch(r"<MulBackward0 object at 0x[0-9a-f]+>", repr(y.grad_fn))


# ---------------------------------------------------------------- deep graphs and order
def test_deep_chain_backpropagates_iteratively_and_quickly():
    n = 50_000
    x = rg.ones((), dtype=rg.float64, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0 + 0.5  # every step adds two nodes
    y.backward()  # speed is the benchmarks' business (bench/), not a test's
    assert x.grad.item() == 1.0
    assert y.item() == 1.0 + 0.5 * n


def _prehook_order(lib: Any, build: Callable[[Any, Any], Any]) -> list[str]:
    """Register a pre-hook on every node of the graph and record the order they fire in."""
    x = lib.ones(3, requires_grad=True)
    out = build(lib, x)
    fired: list[str] = []
    seen = set()
    stack = [out.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        label = fn.name().split("::")[-1]
        fn.register_prehook(lambda g, label=label: fired.append(label))
        stack.extend(f for f, _ in fn.next_functions)
    out.backward()
    return fired


def _diamond(lib: Any, x: Any) -> Any:
    y = x.sin()
    a = y * 2
    b = y.exp()
    return (a * b).sum()


def _created_out_of_order(lib: Any, x: Any) -> Any:
    a = x * 2
    b = x * 3
    c = b.exp()
    d = a.sin()
    e = (c + d).tanh()
    return (e + a.cos()).sum()


@pytest.mark.parametrize("build", [_diamond, _created_out_of_order])
def test_nodes_run_most_recent_first_as_in_pytorch(build):
    ours, theirs = both(lambda lib: _prehook_order(lib, build))
    assert ours == theirs
