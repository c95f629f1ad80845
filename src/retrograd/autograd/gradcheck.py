"""Gradient checking: analytical derivatives against central finite differences.

``gradcheck`` builds, for every input that requires grad and every differentiable output,
the Jacobian twice: numerically, by perturbing one input element at a time by ``eps`` and
taking float64 central differences, and analytically, by one reverse-mode ``grad`` per
output element (and, with ``check_forward_ad``, by one forward-mode pass per input
element). They must agree by ``allclose(analytical, numerical, rtol, atol)``.

Complex numbers follow PyTorch's convention. A complex input ``z = x + iy`` is perturbed
along ``x`` and along ``y``; the column ``ds/dx + i ds/dy`` is the conjugate Wirtinger
derivative that reverse mode returns for a real output ``s``. A complex output is checked
as two real functions, its real part and its imaginary part.

Jacobians are laid out as PyTorch's: rows index the input's elements, columns the
output's elements (both in row-major order).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

# Modules, not names: this file is imported while they are still initialising.
from .. import _tensor as _t
from .._prims import _core
from . import forward_ad as fwAD
from .engine import grad as _grad

if TYPE_CHECKING:
    from .._tensor import Tensor

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    """Raised by :func:`gradcheck` and :func:`gradgradcheck` when a check fails."""


# ----------------------------------------------------------------------------- helpers
def _as_tuple(x: Any) -> tuple[Any, ...]:
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _differentiable_outputs(x: Any) -> tuple[Tensor, ...]:
    return tuple(o for o in _as_tuple(x) if isinstance(o, _t.Tensor) and o.requires_grad)


def _is_float_or_complex(o: Any) -> bool:
    return isinstance(o, _t.Tensor) and (o.is_floating_point() or o.is_complex())


def _diff_inputs(inputs: Sequence[Any]) -> list[int]:
    return [i for i, x in enumerate(inputs) if isinstance(x, _t.Tensor) and x.requires_grad]


def _allclose(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    """``torch.allclose(a, b, rtol, atol)`` after promoting both to a common dtype."""
    dt = np.promote_types(a.dtype, b.dtype)
    return bool(np.allclose(a.astype(dt), b.astype(dt), rtol=rtol, atol=atol))


def _mismatch_msg(a: np.ndarray, n: np.ndarray, out_idx: int, in_idx: int,
                  complex_indices: Sequence[int] | None, test_imag: bool,
                  is_forward_ad: bool) -> str:  # fmt: skip
    """PyTorch's message for a Jacobian mismatch, word for word."""
    cplx = bool(complex_indices) and (in_idx if is_forward_ad else out_idx) in complex_indices
    part = "imaginary" if test_imag else "real"
    element = "inputs" if is_forward_ad else "outputs"
    prefix = f"While considering the {part} part of complex {element} only, " if cplx else ""
    mode = "computed with forward mode " if is_forward_ad else ""
    return (
        prefix + f"Jacobian {mode}mismatch for output {out_idx:d} with respect to input "
        f"{in_idx:d},\nnumerical:{_t.Tensor._wrap(n)}\nanalytical:{_t.Tensor._wrap(a)}\n"
    )


def _check_inputs(inputs: tuple[Any, ...]) -> None:
    """At least one input requires grad; warn about single precision; no stride-0 dims."""
    found = False
    for idx, inp in enumerate(inputs):
        if not (isinstance(inp, _t.Tensor) and inp.requires_grad):
            continue
        if inp._data.dtype not in (np.float64, np.complex128):
            warnings.warn(
                f"Input #{idx} requires gradient and is not a double precision floating point "
                "or complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. ",
                stacklevel=4,
            )
        arr = inp._data
        # (NumPy gives empty arrays zero strides; with no elements nothing can overlap)
        if arr.size and not all(st > 0 or sz <= 1 for st, sz in zip(arr.strides, arr.shape)):
            raise RuntimeError(
                f"The {idx}th input has a dimension with stride 0. gradcheck only supports "
                "inputs that are non-overlapping to be able to compute the numerical gradients "
                "correctly. You should call .contiguous on the input before passing it to "
                "gradcheck."
            )
        found = True
    if not found:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of "
            "them have requires_grad=True."
        )


# ----------------------------------------------------------------- numerical Jacobian
def _evaluate(fn: Callable[..., Any], inputs: Sequence[Any]) -> list[np.ndarray]:
    # copies: an output may be a view of the input that is being perturbed in place
    return [np.array(o._data) for o in _as_tuple(fn(*inputs))]


def _central_difference(fn: Callable[..., Any], inputs: Sequence[Any], arr: np.ndarray,
                        idx: Any, delta: Any, norm: float,
                        ref: list[np.ndarray]) -> list[np.ndarray]:  # fmt: skip
    """(f(x + delta) - f(x - delta)) / (2 norm) for every output, flattened, in float64
    (complex128 when the output or the perturbation is complex)."""
    orig = arr[idx].copy()
    arr[idx] = orig - delta
    outa = _evaluate(fn, inputs)
    arr[idx] = orig + delta
    outb = _evaluate(fn, inputs)
    arr[idx] = orig
    cols = []
    for a, b, r in zip(outa, outb, ref):
        if a.shape != r.shape or a.dtype != r.dtype:
            raise GradcheckError(
                f"Expected the output of the function perturbed by eps={norm} to have shape "
                f"{list(r.shape)} and dtype {r.dtype} as without perturbation, but got shape "
                f"{list(a.shape)} and dtype {a.dtype}"
            )
        wide = np.complex128 if a.dtype.kind == "c" else np.float64
        cols.append(((b.astype(wide) - a.astype(wide)) / (2 * norm)).reshape(-1))
    return cols


def _numerical_jacobian(fn: Callable[..., Any], inputs: Sequence[Any], eps: float,
                        is_forward_ad: bool = False) -> list[list[np.ndarray]]:  # fmt: skip
    """``J[k][i]``: the (input numel, output numel) Jacobian of output ``i`` w.r.t. the
    ``k``-th input that requires grad, over all outputs of ``fn``."""
    ref = _evaluate(fn, inputs)
    if not is_forward_ad and any(r.dtype.kind == "c" for r in ref):
        raise ValueError(
            "Expected output to be non-complex. get_numerical_jacobian no longer supports "
            "functions that return complex outputs."
        )
    result = []
    for k in _diff_inputs(inputs):
        arr = inputs[k]._data
        is_complex = arr.dtype.kind == "c"
        cplx_out = is_complex or any(r.dtype.kind == "c" for r in ref)
        jac = [np.zeros((arr.size, r.size), np.complex128 if cplx_out else np.float64)
               for r in ref]  # fmt: skip
        for lin, idx in enumerate(np.ndindex(arr.shape)):
            cols = _central_difference(fn, inputs, arr, idx, eps, eps, ref)
            if is_complex:
                dys = _central_difference(fn, inputs, arr, idx, eps * 1j, eps, ref)
                cols = [dx + 1j * dy for dx, dy in zip(cols, dys)]
            for j, c in zip(jac, cols):
                j[lin] = c
        result.append(jac)
    return result


# ---------------------------------------------------------------- analytical Jacobians
def _store(jac: np.ndarray, col: Any, g: Tensor) -> None:
    data = g._data.reshape(-1)
    jac[col] = data.real if data.dtype.kind == "c" and jac.dtype.kind != "c" else data


def _vjp_rows(inputs: list[Tensor], output: Tensor, rows: Sequence[np.ndarray],
              check: dict[str, bool]) -> list[np.ndarray]:  # fmt: skip
    """One ``grad`` per row vector ``v``: column ``j`` of each result is ``v_j^T J``."""
    jac = [np.zeros((x._data.size, len(rows)), x._data.dtype) for x in inputs]
    for j, v in enumerate(rows):
        g = _t.Tensor._wrap(np.asarray(v, output._data.dtype).reshape(output._data.shape))
        gi = _grad(output, inputs, g, retain_graph=True, allow_unused=True)
        for k, (d, x) in enumerate(zip(gi, inputs)):
            if d is None:
                continue
            if d._data.shape != x._data.shape:
                check["sizes"] = False
                continue
            if d._data.dtype != x._data.dtype:
                check["types"] = False
            _store(jac[k], (slice(None), j), d)
    return jac


def _reverse_jacobian(
    inputs: Sequence[Any],
    output: Tensor,
    nondet_tol: float,
    check_grad_dtypes: bool,
    v: np.ndarray | None = None,
) -> list[np.ndarray]:
    """The reverse-mode Jacobian (or, given ``v``, ``v^T J`` as one column) w.r.t. every
    input requiring grad. It is computed twice to catch a backward that is not reentrant
    (gives different results on a rerun)."""
    diff = [inputs[k] for k in _diff_inputs(inputs)]
    n = output._data.size
    rows = list(np.eye(n, dtype=output._data.dtype)) if v is None else [v]
    check = {"sizes": True, "types": True}
    jac1 = _vjp_rows(diff, output, rows, check)
    jac2 = _vjp_rows(diff, output, rows, check)
    if not check["types"] and check_grad_dtypes:
        raise GradcheckError("Gradient has dtype mismatch")
    if not check["sizes"]:
        raise GradcheckError("Analytical gradient has incorrect size")
    for a, b in zip(jac1, jac2):
        if a.size and np.abs(a - b).max() > nondet_tol:
            raise GradcheckError(
                "Backward is not reentrant, i.e., running backward with same input and "
                "grad_output multiple times gives different values, although analytical "
                "gradient matches numerical gradient."
                f"The tolerance for nondeterminism was {nondet_tol}."
            )
    return jac1


def _forward_outputs(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    tangents: dict[int, Any],
    check_grad_dtypes: bool = False,
    plain: int | None = None,
) -> list[tuple[Tensor, np.ndarray | None]]:
    """Run ``fn`` inside an open level on dual inputs: each input requiring grad gets its
    tangent from ``tangents`` (zeros if absent), except input ``plain``, passed as a
    plain tensor. Returns each float output with its tangent (None if it has none)."""
    with fwAD.dual_level():
        duals = []
        for k, x in enumerate(inputs):
            if isinstance(x, _t.Tensor) and x.requires_grad:
                t = tangents.get(k)
                t = np.zeros_like(x._data) if t is None else t
                x = x.detach() if k == plain else fwAD.make_dual(x.detach(), _t.Tensor._wrap(t))
            duals.append(x)
        result = []
        for o in _as_tuple(fn(*duals)):
            if not _is_float_or_complex(o):
                continue
            val, tan = fwAD.unpack_dual(o)
            if check_grad_dtypes and tan is not None and val.is_complex() != tan.is_complex():
                raise GradcheckError("Forward AD gradient has dtype mismatch.")
            result.append((val, None if tan is None else np.array(tan._data)))
    return result


def _forward_jacobian(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    check_grad_dtypes: bool,
    all_u: Sequence[np.ndarray] | None = None,
) -> list[list[np.ndarray]]:
    """``J[k][i]`` by forward mode: one pass per element of each input requiring grad, or,
    given ``all_u``, ``J u_k`` (as a single row) from one pass per input."""
    diff = _diff_inputs(inputs)
    if any(inputs[k].is_complex() for k in diff):
        raise ValueError(
            "Expected inputs to be non-complex for _get_analytical_jacobian_forward_ad."
        )
    result = []
    for n, k in enumerate(diff):
        x = inputs[k]._data
        if all_u is not None:
            dirs = [np.asarray(all_u[n], x.dtype).reshape(x.shape)]
        else:
            dirs = list(np.eye(x.size, dtype=x.dtype).reshape((x.size,) + x.shape))
        jac: list[np.ndarray] = []
        for lin, t in enumerate(dirs or [None]):
            outs = _forward_outputs(fn, inputs, {} if t is None else {k: t}, check_grad_dtypes)
            if not jac:
                jac = [np.zeros((len(dirs), v._data.size), v._data.dtype) for v, _ in outs]
            if t is None:
                break  # an empty input: the pass only sized the Jacobians
            for j, (_, tan) in zip(jac, outs):
                if tan is not None:
                    _store(j, lin, _t.Tensor._wrap(tan))
        result.append(jac)
    return result


# ---------------------------------------------------------------------- slow mode
def _no_differentiable_outputs(func: Callable[..., Any], inputs: Sequence[Any], eps: float,
                               is_forward_ad: bool) -> bool:  # fmt: skip
    """Without differentiable outputs the numerical gradient must be zero."""
    for per_input in _numerical_jacobian(func, inputs, eps, is_forward_ad):
        for jac in per_input:
            if np.any(jac != 0):
                raise GradcheckError("Numerical gradient for function expected to be zero")
    return True


def _slow_gradcheck(func: Callable[..., Any], func_out: Any, inputs: Sequence[Any],
                    outputs: tuple[Tensor, ...], eps: float, rtol: float, atol: float,
                    check_grad_dtypes: bool, nondet_tol: float, *, use_forward_ad: bool = False,
                    complex_indices: Sequence[int] | None = None, test_imag: bool = False,
                    masked: bool | None = None) -> bool:  # fmt: skip
    """Compare full Jacobians, entry by entry."""
    func_out = _as_tuple(func_out)
    if not outputs:
        return _no_differentiable_outputs(func, inputs, eps, use_forward_ad)
    numerical = _numerical_jacobian(func, inputs, eps, use_forward_ad)
    diff_pos = [p for p, o in enumerate(func_out) if isinstance(o, _t.Tensor) and o.requires_grad]
    float_pos = [p for p, o in enumerate(func_out) if _is_float_or_complex(o)]
    if use_forward_ad:
        forward = _forward_jacobian(func, inputs, check_grad_dtypes)
    for i, p in enumerate(diff_pos):
        if use_forward_ad:
            analytical = [fwd[float_pos.index(p)] for fwd in forward]
        else:
            analytical = _reverse_jacobian(inputs, outputs[i], nondet_tol, check_grad_dtypes)
        for k, a in enumerate(analytical):
            n = numerical[k][p]
            if not _allclose(a, n, rtol, atol):
                raise GradcheckError(
                    _mismatch_msg(a, n, i, k, complex_indices, test_imag, use_forward_ad)
                )
    return True


# ---------------------------------------------------------------------- fast mode
def _unit_vector(rng: np.random.Generator, n: int, dtype: Any) -> np.ndarray:
    """A random vector of non-negative entries and norm 1 (PyTorch's ``_vec_from_tensor``)."""
    v = rng.random(n)
    norm = np.linalg.norm(v)
    return (v / norm if norm else v).astype(dtype)


def _make_vectors(inputs: Sequence[Tensor], outputs: Sequence[Tensor],
                  use_forward_ad: bool) -> tuple[list[Any] | None, list[Any]]:  # fmt: skip
    """Random directions: ``u`` per input (a real and an imaginary part for a complex
    input), ``v`` per output (none for forward mode, which compares ``J u`` directly)."""
    rng = np.random.default_rng(0)  # its own generator: the user's stream is left alone
    all_u: list[Any] = []
    for x in inputs:
        real = np.float32 if x._data.dtype == np.complex64 else x._data.real.dtype
        ur = _unit_vector(rng, x._data.size, real)
        all_u.append((ur, _unit_vector(rng, x._data.size, real)) if x.is_complex() else ur)
    all_v = None if use_forward_ad else [
        _unit_vector(rng, o._data.size, o._data.dtype) for o in outputs
    ]  # fmt: skip
    return all_v, all_u


def _numerical_ju(func: Callable[..., Any], inputs: Sequence[Any], k: int, u: Any,
                  eps: float) -> list[np.ndarray]:  # fmt: skip
    """``J u`` for every output by one central difference along ``u`` (two for a complex
    input, combined into the conjugate Wirtinger derivative)."""
    arr = inputs[k]._data
    ref = _evaluate(func, inputs)
    if isinstance(u, tuple):
        dx = _central_difference(func, inputs, arr, ..., u[0].reshape(arr.shape) * eps, eps, ref)
        dy = _central_difference(
            func, inputs, arr, ..., u[1].reshape(arr.shape) * (eps * 1j), eps, ref
        )
        return [x + 1j * y for x, y in zip(dx, dy)]
    return _central_difference(func, inputs, arr, ..., u.reshape(arr.shape) * eps, eps, ref)


def _adjusted_atol(atol: float, u: Any, v: np.ndarray | None) -> float:
    """Comparing ``v^T A u`` with ``v^T B u`` instead of A with B scales the entrywise
    ``atol`` by ``v^T (all ones) u = sum(u) * sum(v)``."""
    sum_v = 1.0 if v is None else float(v.sum().real)
    sum_u = float(u[0].sum() + u[1].sum()) if isinstance(u, tuple) else float(u.sum())
    return atol * sum_u * sum_v


def _reduce_vj(vj: np.ndarray, u: Any) -> Any:
    """``(v^T J) u``; for a complex input the real and imaginary parts meet their own u."""
    vj = vj.reshape(-1)
    if isinstance(u, tuple):
        return vj.real @ u[0] + 1j * (vj.imag @ u[1])
    return vj @ u


def _fast_gradcheck(func: Callable[..., Any], func_out: Any, inputs: Sequence[Any],
                    outputs: tuple[Tensor, ...], eps: float, rtol: float, atol: float,
                    check_grad_dtypes: bool, nondet_tol: float, *, use_forward_ad: bool = False,
                    complex_indices: Sequence[int] | None = None, test_imag: bool = False,
                    masked: bool | None = None) -> bool:  # fmt: skip
    """Compare ``v^T J u`` (reverse mode) or ``J u`` (forward mode) for random u, v instead
    of whole Jacobians: one numerical difference per input instead of one per element."""
    func_out = _as_tuple(func_out)
    diff = _diff_inputs(inputs)
    if not outputs:
        return _no_differentiable_outputs(func, inputs, eps, use_forward_ad)
    all_v, all_u = _make_vectors([inputs[k] for k in diff], outputs, use_forward_ad)
    diff_pos = [p for p, o in enumerate(func_out) if isinstance(o, _t.Tensor) and o.requires_grad]
    float_pos = [p for p, o in enumerate(func_out) if _is_float_or_complex(o)]
    if use_forward_ad:
        forward = _forward_jacobian(func, inputs, check_grad_dtypes, all_u)
    for k, (idx, u) in enumerate(zip(diff, all_u)):
        ju = _numerical_ju(func, inputs, idx, u, eps)
        for i, p in enumerate(diff_pos):
            if use_forward_ad:
                a, n, v = forward[k][float_pos.index(p)][0], ju[p], None
            else:
                v = all_v[i]  # type: ignore[index]
                vj = _reverse_jacobian(inputs, outputs[i], nondet_tol, check_grad_dtypes, v)[k]
                a, n = np.asarray(_reduce_vj(vj, u)), np.asarray(v @ ju[p])
            if not _allclose(a, n, rtol, _adjusted_atol(atol, u, v)):
                raise GradcheckError(
                    _mismatch_msg(a, n, i, k, complex_indices, test_imag, use_forward_ad)
                    + _slow_mode_report(
                        func,
                        inputs,
                        outputs,
                        k,
                        i,
                        p,
                        float_pos.index(p),
                        rtol,
                        atol,
                        eps,
                        use_forward_ad,
                    )  # fmt: skip
                )
    return True


def _slow_mode_report(func: Callable[..., Any], inputs: Sequence[Any],
                      outputs: tuple[Tensor, ...], k: int, i: int, p: int, q: int,
                      rtol: float, atol: float, eps: float,
                      is_forward_ad: bool) -> str:  # fmt: skip
    """After a fast-mode failure: the full Jacobians of the failing pair, for the message
    (input ``k``; output ``i`` among the differentiable outputs, ``p`` among all outputs,
    ``q`` among the floating ones)."""
    n = _numerical_jacobian(func, inputs, eps, is_forward_ad)[k][p]
    if is_forward_ad:
        a = _forward_jacobian(func, inputs, False)[k][q]
    else:
        a = _reverse_jacobian(inputs, outputs[i], float("inf"), False)[k]
    max_diff = np.abs(n - a).max() if n.size else 0.0
    msg = (
        "\nThe above quantities relating the numerical and analytical jacobians are computed "
        "\nin fast mode. Below, we recompute numerical and analytical jacobians in slow "
        f"mode:\n\nNumerical:\n {_t.Tensor._wrap(n)}\nAnalytical:\n{_t.Tensor._wrap(a)}\n\n"
        f"The max per-element difference (slow mode) is: {max_diff}.\n"
    )
    if _allclose(a, n, rtol, atol):
        msg += (
            "\nFast gradcheck failed but element-wise differences are small. This means that "
            "the test might've passed in slow_mode! Call gradcheck/gradgradcheck with "
            "`fast_mode=False` for this function."
        )
    return msg


# --------------------------------------------------------------- complex and dispatch
def _real_and_imag_output(fn: Callable[..., Any]) -> tuple[Callable[..., Any], ...]:
    """``fn`` with the imaginary part, and with the real part, taken of complex outputs."""

    def part(take: Callable[[Tensor], Tensor]) -> Callable[..., Any]:
        def wrapped(*inputs: Any) -> tuple[Any, ...]:
            return tuple(take(o) if o.is_complex() else o for o in _as_tuple(fn(*inputs)))

        return wrapped

    return part(lambda o: o.imag), part(lambda o: o.real)


def _real_and_imag_input(fn: Callable[..., Any], indices: Sequence[int],
                         inputs: Sequence[Any]) -> tuple[Callable[..., Any], ...]:  # fmt: skip
    """``fn`` as a function of the imaginary parts (real parts held at their values), and
    of the real parts (imaginary parts held), of the complex inputs at ``indices``."""

    def part(rebuild: Callable[[Tensor, Tensor], Tensor]) -> Callable[..., Any]:
        def wrapped(*args: Any) -> tuple[Any, ...]:
            new = list(args)
            for i in indices:
                new[i] = rebuild(new[i], inputs[i])
            return _as_tuple(fn(*new))

        return wrapped

    return (part(lambda y, orig: orig.real + y * 1j),
            part(lambda x, orig: x + orig.imag * 1j))  # fmt: skip


def _check_real_imag(check: Callable[..., bool], func: Callable[..., Any], func_out: Any,
                     inputs: tuple[Any, ...], outputs: tuple[Tensor, ...], eps: float,
                     rtol: float, atol: float, check_grad_dtypes: bool, check_forward_ad: bool,
                     check_backward_ad: bool, nondet_tol: float,
                     check_undefined_grad: bool) -> None:  # fmt: skip
    """Run ``check`` on real functions: complex outputs split for reverse mode, complex
    inputs split for forward mode."""
    tol = (eps, rtol, atol, check_grad_dtypes, nondet_tol)
    if check_backward_ad:
        if any(o.is_complex() for o in _as_tuple(func_out) if isinstance(o, _t.Tensor)):
            cidx = [i for i, o in enumerate(outputs) if o.is_complex()]
            for fn, imag in zip(_real_and_imag_output(func), (True, False)):
                out = fn(*inputs)
                check(fn, out, inputs, _differentiable_outputs(out), *tol,
                      complex_indices=cidx, test_imag=imag)  # fmt: skip
        else:
            check(func, func_out, inputs, outputs, *tol)
    if not check_forward_ad:
        return
    cidx = [i for i, x in enumerate(inputs) if isinstance(x, _t.Tensor) and x.is_complex()]
    if not cidx:
        check(func, func_out, inputs, outputs, *tol, use_forward_ad=True)
        if check_undefined_grad:
            _test_undefined_forward_mode(func, inputs)
        return
    for fn, imag in zip(_real_and_imag_input(func, cidx, inputs), (True, False)):
        args = tuple(
            (x.imag if imag else x.real) if isinstance(x, _t.Tensor) and x.is_complex() else x
            for x in inputs
        )
        out = fn(*args)
        check(fn, out, args, _differentiable_outputs(out), *tol, complex_indices=cidx,
              test_imag=imag, use_forward_ad=True)  # fmt: skip
        if check_undefined_grad:
            _test_undefined_forward_mode(fn, args)


# ------------------------------------------------------------------ further checks
def _test_backward_mul_by_grad_output(outputs: tuple[Tensor, ...], inputs: Sequence[Any],
                                      masked: bool | None) -> None:  # fmt: skip
    """A zero grad_output must give zero input gradients of the inputs' dtype and shape."""
    diff = [inputs[k] for k in _diff_inputs(inputs)]
    zeros = [_t.Tensor._wrap(np.zeros_like(o._data)) for o in outputs]
    for gi, di in zip(_grad(outputs, diff, zeros, allow_unused=True), diff):
        if gi is None:
            continue
        zero = np.allclose(gi._data, 0) if masked else not np.any(gi._data != 0)
        if not zero:
            raise GradcheckError("backward not multiplied by grad_output")
        if gi._data.dtype != di._data.dtype:
            raise GradcheckError("grad is incorrect type")
        if gi._data.shape != di._data.shape:
            raise GradcheckError("grad is incorrect size")


@cache
def _undefined_grad() -> type:
    """An identity primitive whose backward passes on an undefined (None) gradient, as
    PyTorch's ``torch._C._functions.UndefinedGrad``: every rule upstream must cope."""

    class UndefinedGrad(_core.Primitive):
        @staticmethod
        def forward(ctx: _core.Ctx, a: np.ndarray) -> np.ndarray:
            return a.copy()

        @staticmethod
        def vjp(ctx: _core.Ctx, g: Any) -> None:
            return None

        @staticmethod
        def jvp(ctx: _core.Ctx, t: Any) -> Any:
            return t

    return UndefinedGrad


def _test_undefined_backward_mode(func: Callable[..., Any], inputs: Sequence[Any]) -> None:
    """Backward copes when all output gradients, or any one of them, are undefined."""
    diff = [inputs[k] for k in _diff_inputs(inputs)]
    outs = _differentiable_outputs(func(*inputs))
    cases = [[_core.apply(_undefined_grad(), o) for o in outs]]
    if len(outs) > 1:
        for u in range(len(outs)):
            outs = _differentiable_outputs(func(*inputs))
            cases.append(
                [_core.apply(_undefined_grad(), o) if i == u else o for i, o in enumerate(outs)]
            )
    for case in cases:
        zeros = [_t.Tensor._wrap(np.zeros_like(o._data)) for o in case]
        try:
            grads = _grad(case, diff, zeros, allow_unused=True)
        except RuntimeError as e:
            raise GradcheckError(
                "Expected backward function to handle undefined output grads. A rule must "
                "accept None for the gradient of an output it does not use."
            ) from e
        if any(g is not None and np.any(g._data != 0) for g in grads):
            raise GradcheckError(
                "Expected all input grads to be undefined or zero when all output grads are "
                "undefined or zero."
            )


def _test_undefined_forward_mode(func: Callable[..., Any], inputs: Sequence[Any]) -> None:
    """A zero tangent and no tangent at all must give the same output tangents."""
    diff = _diff_inputs(inputs)
    _, all_u = _make_vectors([inputs[k] for k in diff], [], True)
    tangents = {k: u.reshape(inputs[k]._data.shape) for k, u in zip(diff, all_u)}
    for k in diff:
        zero = _forward_outputs(func, inputs, {**tangents, k: np.zeros_like(inputs[k]._data)})
        none = _forward_outputs(func, inputs, tangents, plain=k)
        for j, ((_, t1), (_, t2)) in enumerate(zip(zero, none)):
            if t1 is not None and t2 is not None and not _allclose(t1, t2, 1e-5, 1e-8):
                raise GradcheckError(
                    f"Mismatch in tangent values for output with index: {j} when input: "
                    f"{k} has an undefined tangent value. Got: {_t.Tensor._wrap(t1)} but "
                    f"expected: {_t.Tensor._wrap(t2)}"
                )


def _test_batched_grad(inputs: Sequence[Any], output: Tensor, output_idx: int) -> None:
    """``grad(..., is_grads_batched=True)`` on a batch of grad_outputs equals one ``grad``
    per grad_output."""
    from .._ops.shape_ops import stack

    diff = [inputs[k] for k in _diff_inputs(inputs)]
    rng = np.random.default_rng(0)
    gs = [_t.Tensor._wrap(np.asarray(rng.standard_normal(output._data.shape), output._data.dtype))
          for _ in range(2)]  # fmt: skip
    batched = _grad(output, diff, stack(gs), retain_graph=True, allow_unused=True,
                    is_grads_batched=True)  # fmt: skip
    for k, res in enumerate(batched):
        expected = [_grad(output, diff, g, retain_graph=True, allow_unused=True)[k] for g in gs]
        exp = np.stack([np.zeros_like(diff[k]._data) if e is None else e._data for e in expected])
        got = np.zeros_like(exp) if res is None else res._data
        if got.shape != exp.shape or not _allclose(got, exp, 1e-5, 1e-8):
            raise GradcheckError(
                f"For output {output_idx} and input {k}:\n\ngradcheck or gradgradcheck failed "
                "while testing batched gradient computation (autograd.grad with "
                f"is_grads_batched=True).\n\nGot:\n{_t.Tensor._wrap(got)}\n\nExpected:\n"
                f"{_t.Tensor._wrap(exp)}"
            )


def _test_batched_forward_grad(func: Callable[..., Any], inputs: Sequence[Any]) -> None:
    """``vmap`` of ``jvp`` over a batch of tangents equals one ``jvp`` per tangent."""
    try:
        from ..func import jvp, vmap  # type: ignore[attr-defined]
    except ImportError:
        raise NotImplementedError(
            "check_batched_forward_grad=True needs retrograd.func.vmap and retrograd.func.jvp"
        ) from None
    from .._ops.shape_ops import stack

    diff = _diff_inputs(inputs)
    rng = np.random.default_rng(0)
    for k in diff:
        x = inputs[k]

        def at(t: Tensor, k: int = k, x: Tensor = x) -> Any:
            primals = [a.detach() if isinstance(a, _t.Tensor) else a for a in inputs]
            return jvp(lambda y: func(*primals[:k], y, *primals[k + 1 :]), (x.detach(),),
                       (t,))[1]  # fmt: skip

        ts = [_t.Tensor._wrap(np.asarray(rng.standard_normal(x._data.shape), x._data.dtype))
              for _ in range(2)]  # fmt: skip
        got = _as_tuple(vmap(at)(stack(ts)))
        for j, res in enumerate(got):
            exp = np.stack([_as_tuple(at(t))[j]._data for t in ts])
            if not _allclose(res._data, exp, 1e-5, 1e-8):
                raise GradcheckError(
                    f"For output {j} and input {k}:\n\ngradcheck failed while testing "
                    "batched gradient computation with forward-mode AD.\n\nGot:\n"
                    f"{res}\n\nExpected:\n{_t.Tensor._wrap(exp)}"
                )


# ------------------------------------------------------------------------ public API
def gradcheck(func: Callable[..., Any], inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, nondet_tol: float = 0.0,
              check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
              check_batched_grad: bool = False, check_batched_forward_grad: bool = False,
              check_forward_ad: bool = False, check_backward_ad: bool = True,
              fast_mode: bool = False, masked: bool | None = None) -> bool:  # fmt: skip
    r"""Check gradients computed by small finite differences against analytical gradients
    w.r.t. the tensors in ``inputs`` that are floating point or complex and require grad.

    The numerical Jacobian comes from float64 central differences; the analytical one from
    one reverse-mode ``grad`` per output element (and, with ``check_forward_ad``, from
    forward mode). They are compared with ``allclose(analytical, numerical, rtol, atol)``.
    A complex output is checked as its real part and its imaginary part; a complex input
    is perturbed along its real and imaginary parts, which gives the conjugate Wirtinger
    derivative reverse mode computes.

    Args:
        func: a function that takes tensor inputs and returns a tensor or a tuple of them.
        inputs: a tensor or a tuple of inputs to the function.
        eps: perturbation for finite differences.
        atol: absolute tolerance.
        rtol: relative tolerance.
        raise_exception: raise :class:`GradcheckError` on failure (else return False).
        nondet_tol: tolerance for non-determinism: two backward passes with identical
            inputs and grad_outputs must agree to within it.
        check_undefined_grad: check that undefined (None) output gradients are treated as
            zeros.
        check_grad_dtypes: check that gradients have their input's dtype.
        check_batched_grad: check ``grad(..., is_grads_batched=True)`` against a loop.
        check_batched_forward_grad: check ``vmap`` of forward-mode AD against a loop.
        check_forward_ad: check forward-mode Jacobians against the numerical ones.
        check_backward_ad: check reverse-mode Jacobians (and the checks that need them).
        fast_mode: compare ``v^T J u`` for random vectors instead of whole Jacobians.
        masked: only meaningful for sparse tensors, which retrograd does not have; it
            makes the zero-grad_output check tolerant (``allclose``) instead of exact.

    Returns:
        True if all differences satisfy the allclose condition.

    Example::

        >>> x = retrograd.randn(3, dtype=retrograd.double, requires_grad=True)
        >>> retrograd.autograd.gradcheck(lambda t: (t * t).sin(), (x,))
        True
    """
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError(
            "Expected at least one of check_forward_ad or check_backward_ad to be True"
        )
    if check_batched_grad and not check_backward_ad:
        raise AssertionError(
            "Setting check_batched_grad=True requires check_backward_ad to be True"
        )
    if check_batched_forward_grad and not check_forward_ad:
        raise AssertionError(
            "Setting check_batched_forward_grad=True requires check_forward_ad to be True"
        )
    args = dict(locals())
    args.pop("raise_exception")
    try:
        return _gradcheck_helper(**args)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def _gradcheck_helper(func: Callable[..., Any], inputs: Any, eps: float, atol: float,
                      rtol: float, nondet_tol: float, check_undefined_grad: bool,
                      check_grad_dtypes: bool, check_batched_grad: bool,
                      check_batched_forward_grad: bool, check_forward_ad: bool,
                      check_backward_ad: bool, fast_mode: bool,
                      masked: bool | None) -> bool:  # fmt: skip
    tupled = _as_tuple(inputs)
    _check_inputs(tupled)
    func_out = func(*tupled)
    outputs = _differentiable_outputs(func_out)
    base = _fast_gradcheck if fast_mode else _slow_gradcheck

    def check(*a: Any, **kw: Any) -> bool:
        return base(*a, masked=masked, **kw)

    _check_real_imag(check, func, func_out, tupled, outputs, eps, rtol, atol,
                     check_grad_dtypes, check_forward_ad, check_backward_ad, nondet_tol,
                     check_undefined_grad)  # fmt: skip
    if check_batched_forward_grad:
        _test_batched_forward_grad(func, tupled)
    if not check_backward_ad:
        return True
    if check_batched_grad:
        for i, o in enumerate(outputs):
            _test_batched_grad(tupled, o, i)
    if not _diff_inputs(tupled):
        raise GradcheckError("no Tensors requiring grad found in input")
    _test_backward_mul_by_grad_output(outputs, tupled, masked)
    if check_undefined_grad:
        _test_undefined_backward_mode(func, tupled)
    return True


def _random_grad_output(x: Tensor, noncontiguous: bool) -> Tensor:
    """Uniform in [-1, 1) (both parts for complex), from retrograd's default generator."""
    from .._ops.creation import _rng

    dt = x._data.dtype if x._data.dtype.kind in "fcV" else np.dtype(np.float64)
    shape = x._data.shape
    rng = _rng(None)
    # a non-contiguous layout: every other element of a tensor twice as wide in the last dim
    wide = shape[:-1] + (2 * shape[-1],) if noncontiguous and shape else shape
    arr = rng.uniform(-1, 1, wide)
    if dt.kind == "c":
        arr = arr + 1j * rng.uniform(-1, 1, wide)
    arr = np.asarray(arr, dt)  # (a 0-d draw is a NumPy scalar, not an array)
    if wide != shape:
        arr = arr[..., ::2]
    t = _t.Tensor._wrap(arr)
    t.requires_grad = True
    return t


def gradgradcheck(func: Callable[..., Any], inputs: Any, grad_outputs: Any = None, *,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  gen_non_contig_grad_outputs: bool = False, raise_exception: bool = True,
                  nondet_tol: float = 0.0, check_undefined_grad: bool = True,
                  check_grad_dtypes: bool = False, check_batched_grad: bool = False,
                  check_fwd_over_rev: bool = False, check_rev_over_rev: bool = True,
                  fast_mode: bool = False, masked: bool = False) -> bool:  # fmt: skip
    r"""Check second derivatives: :func:`gradcheck` of the function
    ``(inputs, grad_outputs) -> autograd.grad(func(inputs), inputs, grad_outputs,
    create_graph=True)`` w.r.t. the inputs and grad_outputs that require grad.

    Args:
        func: a function that takes tensor inputs and returns a tensor or a tuple of them.
        inputs: a tensor or a tuple of inputs to the function.
        grad_outputs: the gradients w.r.t. the function's outputs; random (uniform in
            [-1, 1), requiring grad) when None.
        eps: perturbation for finite differences.
        atol: absolute tolerance.
        rtol: relative tolerance.
        gen_non_contig_grad_outputs: make the random grad_outputs non-contiguous.
        raise_exception: raise :class:`GradcheckError` on failure (else return False).
        nondet_tol: tolerance for non-determinism of the gradients.
        check_undefined_grad: check that undefined output gradients are treated as zeros.
        check_grad_dtypes: check that gradients have their input's dtype.
        check_batched_grad: check batched gradients (``is_grads_batched``) against a loop.
        check_fwd_over_rev: check forward-over-reverse (forward mode on the gradients).
        check_rev_over_rev: check reverse-over-reverse.
        fast_mode: compare ``v^T J u`` for random vectors instead of whole Jacobians.
        masked: only meaningful for sparse tensors (see :func:`gradcheck`).

    Returns:
        True if all differences satisfy the allclose condition.

    Example::

        >>> x = retrograd.randn(3, dtype=retrograd.double, requires_grad=True)
        >>> retrograd.autograd.gradgradcheck(lambda t: t.pow(3), (x,))
        True
    """
    if not (check_fwd_over_rev or check_rev_over_rev):
        raise AssertionError(
            "Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True"
        )
    if check_undefined_grad and not check_rev_over_rev:
        raise AssertionError(
            "Setting check_undefined_grad=True requires check_rev_over_rev to be True"
        )
    if check_batched_grad and not check_rev_over_rev:
        raise AssertionError(
            "Setting check_batched_grad=True requires check_rev_over_rev to be True"
        )
    tupled = _as_tuple(inputs)
    if grad_outputs is None:
        outs = _differentiable_outputs(func(*tupled))
        tupled_go = tuple(_random_grad_output(o, gen_non_contig_grad_outputs) for o in outs)
    else:
        tupled_go = _as_tuple(grad_outputs)
    new_func = _grad_of(func, tupled, tupled_go)
    return gradcheck(
        new_func, tupled + tupled_go, eps=eps, atol=atol, rtol=rtol,
        raise_exception=raise_exception, nondet_tol=nondet_tol,
        check_undefined_grad=check_undefined_grad, check_grad_dtypes=check_grad_dtypes,
        check_batched_grad=check_batched_grad, fast_mode=fast_mode,
        check_forward_ad=check_fwd_over_rev, check_backward_ad=check_rev_over_rev,
        masked=masked,
    )  # fmt: skip


def _grad_of(func: Callable[..., Any], inputs: tuple[Any, ...],
             grad_outputs: tuple[Any, ...]) -> Callable[..., tuple[Tensor, ...]]:  # fmt: skip
    """``(*inputs, *grad_outputs) -> grad(func(*inputs), inputs, grad_outputs)``, with a
    graph, for the inputs that require grad now."""
    n = len(grad_outputs)
    # gradcheck detaches inputs for forward AD: remember which ones require grad
    diff_in = {i for i, x in enumerate(inputs) if isinstance(x, _t.Tensor) and x.requires_grad}
    diff_go = {
        i for i, x in enumerate(grad_outputs) if isinstance(x, _t.Tensor) and x.requires_grad
    }

    def new_func(*args: Any) -> tuple[Tensor, ...]:
        ins = tuple(x.requires_grad_() if i in diff_in else x for i, x in enumerate(args[:-n]))
        outs = _differentiable_outputs(func(*ins))
        gos = tuple(x.requires_grad_() if i in diff_go else x
                    for i, x in enumerate(args[-n:]))  # fmt: skip
        diff = tuple(x for i, x in enumerate(ins) if i in diff_in)
        gi = _grad(outs, diff, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gi if g is not None)

    return new_func
