"""gradcheck and gradgradcheck: they pass for correct derivatives, and they catch wrong
ones (reverse, forward, second order, complex) with PyTorch's error messages. Each wrong
rule is written twice, as a retrograd primitive and as a torch.autograd.Function, so the
messages can be compared with PyTorch's word for word."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
from retrograd._prims import _core
from retrograd.autograd import gradcheck, gradgradcheck
from retrograd.autograd.gradcheck import GradcheckError


def custom(forward: Callable[[Any], Any], vjp: Callable[[Any, Any], Any],
           jvp: Callable[[Any, Any], Any] | None = None) -> tuple[Any, Any]:  # fmt: skip
    """The same one-input op as a retrograd primitive and as a torch Function.

    ``forward(x)``, ``vjp(x, g)`` and ``jvp(x, t)`` use only ops both libraries share, so
    one (possibly wrong) rule is stated once for both.
    """

    class Prim(_core.Primitive):
        name = "Custom"
        save_inputs = (0,)

        @staticmethod
        def forward(ctx: Any, a: np.ndarray) -> np.ndarray:
            return forward(rg.from_numpy(a))._data

        @staticmethod
        def vjp(ctx: Any, g: Any) -> Any:
            (a,) = ctx.saved_tensors
            return vjp(a, g)

        @staticmethod
        def jvp(ctx: Any, t: Any) -> Any:
            return (jvp or (lambda x, t: t * 0))(ctx.inputs[0], t)

    class Fn(torch.autograd.Function):
        @staticmethod
        def forward(a: torch.Tensor) -> torch.Tensor:
            return forward(a)

        @staticmethod
        def setup_context(ctx: Any, inputs: Any, output: Any) -> None:
            ctx.save_for_backward(inputs[0])
            ctx.save_for_forward(inputs[0])

        @staticmethod
        def backward(ctx: Any, g: torch.Tensor) -> torch.Tensor:
            return vjp(ctx.saved_tensors[0], g)

        @staticmethod
        def jvp(ctx: Any, t: torch.Tensor) -> torch.Tensor:
            return (jvp or (lambda x, t: t * 0))(ctx.saved_tensors[0], t)

    return (lambda x: _core.apply(Prim, x)), Fn.apply


def error_of(check: Callable[..., Any], fn: Any, *args: Any, **kw: Any) -> str:
    with pytest.raises(RuntimeError) as info:
        check(fn, args, **kw)
    return str(info.value)


def same_message(ours: str, theirs: str) -> None:
    assert ours == theirs.replace("torch.", "retrograd.")


def double(lib: Any, values: Any, requires_grad: bool = True) -> Any:
    return lib.tensor(values, dtype=lib.float64, requires_grad=requires_grad)


# -------------------------------------------------------------------- correct functions
CORRECT: dict[str, tuple[Callable[..., Any], Callable[[Any], tuple[Any, ...]]]] = {
    "matmul_sin": (
        lambda a, b: (a @ b).sin(),
        lambda lib: (double(lib, [[0.3, -1.2], [0.5, 2.0]]), double(lib, [[1.0], [-0.7]])),
    ),
    "two_outputs_and_a_number": (
        lambda a, k: (a * k, (a * a).sum(0)),
        lambda lib: (double(lib, [[0.3, -1.2, 0.1], [0.5, 2.0, -0.4]]), 3.0),
    ),
    "int_output_is_skipped": (
        lambda a: a.max(1),
        lambda lib: (double(lib, [[0.3, -1.2, 0.1], [0.5, 2.0, -0.4]]),),
    ),
    "input_not_requiring_grad": (
        lambda a, b: a * b.exp(),
        lambda lib: (double(lib, [0.3, -1.2]), double(lib, [0.5, 2.0], requires_grad=False)),
    ),
    "complex_in_complex_out": (
        lambda z: (z * z).exp() / (z + 2),
        lambda lib: (
            lib.tensor([0.3 - 0.2j, -1.0 + 0.5j], dtype=lib.complex128, requires_grad=True),
        ),  # fmt: skip
    ),
    "complex_in_real_out": (
        lambda z: (z * z.conj()).real + z.abs(),
        lambda lib: (
            lib.tensor([0.3 - 0.2j, -1.0 + 0.5j], dtype=lib.complex128, requires_grad=True),
        ),  # fmt: skip
    ),
    "real_in_complex_out": (
        lambda x, z: x * z,
        lambda lib: (
            double(lib, [0.3, -1.2]),
            lib.tensor([1.0 + 2.0j, 0.5j], dtype=lib.complex128),
        ),  # fmt: skip
    ),
    "identity": (lambda a: a, lambda lib: (double(lib, [1.0, 2.0]),)),
    "empty_input": (lambda a: a.sum() * 2, lambda lib: (double(lib, np.zeros(0)),)),
}


@pytest.mark.parametrize("fast_mode", [False, True])
@pytest.mark.parametrize("name", sorted(CORRECT))
def test_gradcheck_passes_for_correct_functions(name: str, fast_mode: bool) -> None:
    fn, make = CORRECT[name]
    # PyTorch agrees that these are checkable and correct
    assert torch.autograd.gradcheck(fn, make(torch), fast_mode=fast_mode, check_forward_ad=True)
    assert gradcheck(fn, make(rg), fast_mode=fast_mode, check_forward_ad=True)


@pytest.mark.parametrize("name", ["matmul_sin", "two_outputs_and_a_number",
                                  "complex_in_complex_out", "real_in_complex_out"])  # fmt: skip
def test_gradgradcheck_passes_for_correct_functions(name: str) -> None:
    fn, make = CORRECT[name]
    assert gradgradcheck(fn, make(rg), check_fwd_over_rev=True)
    assert gradgradcheck(fn, make(rg), gen_non_contig_grad_outputs=True, fast_mode=True)


def test_gradgradcheck_uses_the_given_grad_outputs() -> None:
    x = double(rg, [0.5, -1.0, 2.0])
    v = double(rg, [1.0, -2.0, 0.5])
    assert gradgradcheck(lambda a: a.pow(3), (x,), (v,))
    assert gradgradcheck(lambda a: a.pow(3), (x,), (v.detach(),))


def test_batched_grad_check_passes() -> None:
    x = double(rg, [[0.3, -1.2, 0.1], [0.5, 2.0, -0.4]])
    assert gradcheck(lambda a: (a.sin() @ a.mT, a.max(0).values), (x,), check_batched_grad=True)


# ---------------------------------------------------------------------- wrong rules
def square_half_grad() -> tuple[Any, Any]:
    """x**2 whose vjp forgets the factor 2."""
    return custom(lambda x: x * x, lambda x, g: g * x, lambda x, t: 2 * x * t)


def test_wrong_vjp_raises_pytorch_message() -> None:
    ours, theirs = square_half_grad()
    msg = error_of(gradcheck, ours, double(rg, [1.0, 2.0]))
    assert msg.startswith("Jacobian mismatch for output 0 with respect to input 0,\nnumerical:")
    assert "\nanalytical:" in msg
    same_message(msg, error_of(torch.autograd.gradcheck, theirs, double(torch, [1.0, 2.0])))


def test_wrong_vjp_returns_false_without_raising() -> None:
    ours, _ = square_half_grad()
    assert gradcheck(ours, (double(rg, [1.0, 2.0]),), raise_exception=False) is False
    assert (
        gradcheck(ours, (double(rg, [1.0, 2.0]),), raise_exception=False, fast_mode=True) is False
    )


def test_jacobian_layout_is_input_rows_by_output_columns() -> None:
    """A non-square Jacobian printed as PyTorch prints it: rows are input elements."""
    fwd = lambda x: x.reshape(2, 1) * x.reshape(1, 2)  # noqa: E731  (outer product)
    bad = lambda x, g: g.sum(1) * x  # noqa: E731  (only half of the product rule)
    ours, theirs = custom(fwd, bad)
    same_message(
        error_of(gradcheck, ours, double(rg, [1.0, -3.0])),
        error_of(torch.autograd.gradcheck, theirs, double(torch, [1.0, -3.0])),
    )


def test_wrong_vjp_is_caught_in_fast_mode() -> None:
    ours, _ = square_half_grad()
    msg = error_of(gradcheck, ours, double(rg, [1.0, 2.0]), fast_mode=True)
    assert msg.startswith("Jacobian mismatch for output 0 with respect to input 0,")
    assert "computed \nin fast mode" in msg and "The max per-element difference" in msg


def test_wrong_jvp_is_caught_by_forward_ad_check_only() -> None:
    ours, theirs = custom(lambda x: x * x, lambda x, g: 2 * g * x, lambda x, t: x * t)
    assert gradcheck(ours, (double(rg, [1.0, 2.0]),))
    msg = error_of(gradcheck, ours, double(rg, [1.0, 2.0]), check_forward_ad=True)
    assert msg.startswith("Jacobian computed with forward mode mismatch for output 0")
    same_message(
        msg,
        error_of(
            torch.autograd.gradcheck, theirs, double(torch, [1.0, 2.0]), check_forward_ad=True
        ),  # fmt: skip
    )


def test_missing_conjugate_is_caught_for_complex_input() -> None:
    """z**2 with vjp g * 2z instead of PyTorch's g * conj(2z)."""
    ours, theirs = custom(lambda z: z * z, lambda z, g: g * 2 * z)
    z = [0.5 + 1.0j, -1.0 - 0.25j]
    msg = error_of(gradcheck, ours, rg.tensor(z, dtype=rg.complex128, requires_grad=True))
    assert msg.startswith("While considering the imaginary part of complex outputs only, ")
    same_message(
        msg,
        error_of(
            torch.autograd.gradcheck,
            theirs,
            torch.tensor(z, dtype=torch.complex128, requires_grad=True),
        ),  # fmt: skip
    )
    good, _ = custom(lambda z: z * z, lambda z, g: g * (2 * z).conj())
    assert gradcheck(good, (rg.tensor(z, dtype=rg.complex128, requires_grad=True),))


def test_first_order_only_rule_fails_gradgradcheck() -> None:
    """A vjp that detaches its saved input is right once and wrong when differentiated."""
    ours, _ = custom(lambda x: x * x * x, lambda x, g: g * 3 * x.detach() ** 2)
    x = double(rg, [0.5, -1.5])
    assert gradcheck(ours, (x,))
    assert gradgradcheck(ours, (x,), raise_exception=False) is False
    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect"):
        gradgradcheck(ours, (x,))


def test_backward_not_multiplied_by_grad_output() -> None:
    """A scalar rule that ignores g has the right Jacobian (g = 1) but fails g = 0."""
    ours, theirs = custom(lambda x: x * x, lambda x, g: 2 * x)
    same_message(
        error_of(gradcheck, ours, double(rg, 1.5)),
        error_of(torch.autograd.gradcheck, theirs, double(torch, 1.5)),
    )
    assert error_of(gradcheck, ours, double(rg, 1.5)) == "backward not multiplied by grad_output"


def test_nondeterministic_backward_needs_nondet_tol() -> None:
    rng = np.random.default_rng(0)
    noise = lambda x: rg.from_numpy(rng.normal(0, 1e-9, x.shape))  # noqa: E731
    ours, _ = custom(lambda x: x * 2, lambda x, g: g * 2 + g * noise(g))
    x = double(rg, [1.0, 2.0])
    with pytest.raises(GradcheckError, match="Backward is not reentrant"):
        gradcheck(ours, (x,))
    assert gradcheck(ours, (x,), nondet_tol=1e-6)


def test_function_without_differentiable_outputs() -> None:
    """Only an output that does not depend on the input: its numerical Jacobian must be 0."""
    x = double(rg, [1.0, 2.0])
    assert gradcheck(lambda a: (a > 1.5,), (x,))
    with pytest.raises(GradcheckError, match="Numerical gradient for function expected to be"):
        gradcheck(lambda a: (rg.tensor(a.detach().numpy().copy()) * 2,), (x,))


# ------------------------------------------------------------------ input validation
def test_single_precision_input_warns_like_pytorch() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Input #0 requires gradient and is not a double"):
        gradcheck(lambda a: a * 2, (x,), eps=1e-2, atol=1e-3)
    with pytest.warns(UserWarning) as theirs:
        torch.autograd.gradcheck(lambda a: a * 2, (torch.tensor([1.0, 2.0], requires_grad=True),),
                                 eps=1e-2, atol=1e-3)  # fmt: skip
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        gradcheck(lambda a: a * 2, (x,), eps=1e-2, atol=1e-3)
    assert str(ours[0].message) == str(theirs[0].message)


def test_no_input_requiring_grad_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="none of them have requires_grad=True"):
        gradcheck(lambda a: a * 2, (double(rg, [1.0], requires_grad=False),))


def test_stride_zero_input_is_refused() -> None:
    x = double(rg, [1.0], requires_grad=False).expand(3).requires_grad_()
    with pytest.raises(RuntimeError, match="The 0th input has a dimension with stride 0"):
        gradcheck(lambda a: a * 2, (x,))


def test_flag_combinations_are_validated() -> None:
    x = (double(rg, [1.0]),)
    with pytest.raises(AssertionError, match="at least one of check_forward_ad"):
        gradcheck(lambda a: a, x, check_backward_ad=False)
    with pytest.raises(AssertionError, match="check_batched_grad=True requires"):
        gradcheck(lambda a: a, x, check_backward_ad=False, check_forward_ad=True,
                  check_batched_grad=True)  # fmt: skip
    with pytest.raises(AssertionError, match="check_undefined_grad=True requires"):
        gradgradcheck(lambda a: a, x, check_rev_over_rev=False, check_fwd_over_rev=True)


def test_inputs_are_left_unchanged() -> None:
    x = double(rg, [[0.3, -1.2], [0.5, 2.0]])
    before = x.detach().numpy().copy()
    gradcheck(lambda a: a.exp(), (x,), check_forward_ad=True)
    gradgradcheck(lambda a: a.exp(), (x,))
    np.testing.assert_array_equal(x.detach().numpy(), before)
    assert x.grad is None


def test_empty_input_of_any_shape_is_accepted() -> None:
    """NumPy gives empty arrays zero strides; they overlap nothing and are checkable, as
    PyTorch's contiguous empty tensors are."""
    for lib, check in ((torch, torch.autograd.gradcheck), (rg, gradcheck)):
        x = lib.zeros(0, 3, dtype=lib.float64, requires_grad=True)
        assert check(lambda a: a.sum(1) * 2, (x,), check_forward_ad=True)


def test_batched_forward_grad_check_needs_vmap() -> None:
    x = double(rg, [0.5, -1.0])
    try:
        from retrograd.func import vmap  # noqa: F401
    except ImportError:
        with pytest.raises(NotImplementedError, match="needs retrograd.func.vmap"):
            gradcheck(lambda a: a.sin(), (x,), check_forward_ad=True,
                      check_batched_forward_grad=True)  # fmt: skip
    else:
        assert gradcheck(lambda a: a.sin(), (x,), check_forward_ad=True,
                         check_batched_forward_grad=True)  # fmt: skip
