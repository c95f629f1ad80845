"""``torch.autograd.functional``: Jacobians, Hessians and their products with vectors for a
function of tensors, with PyTorch's arguments (``create_graph``, ``strict``, ``vectorize``,
``strategy``), output nesting and strict-mode errors.

Inputs are re-made as new tensors before the call, so tensors the function captures are
told apart from its inputs; without ``create_graph`` results are detached. ``vectorize``
computes the same products one at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

# Modules, not names: this file is imported while they are still initialising.
from .. import _tensor as _t
from . import forward_ad as fwAD
from .engine import grad as _grad
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

if TYPE_CHECKING:
    from .._tensor import Tensor

    Tensors = Tensor | tuple[Tensor, ...]

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]


def zeros_like(x: Tensor) -> Tensor:
    return x.new_zeros(x.shape)


def zeros(shape: Any, dtype: Any) -> Tensor:
    from .._ops.creation import zeros as _zeros

    return _zeros(shape, dtype=dtype)


def stack(tensors: list[Tensor], dim: int = 0) -> Tensor:
    from .._ops.shape_ops import stack as _stack

    return _stack(tensors, dim=dim)


# ---------------------------------------------------------------------- shared plumbing
def _as_tuple(inp: Any, arg_name: str, fn_name: str) -> tuple[bool, tuple[Tensor, ...]]:
    """Whether ``inp`` was a tuple, and it as a tuple of tensors."""
    is_tuple = isinstance(inp, tuple)
    tup = inp if is_tuple else (inp,)
    for i, el in enumerate(tup):
        if not isinstance(el, _t.Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {arg_name}"
            raise TypeError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors "
                f"but {where} has type {type(el)}."
            )
    return is_tuple, tup


def _unpack(res: Any, to_unpack: bool | tuple[bool, bool]) -> Any:
    """Undo ``_as_tuple`` on a result (both levels of nesting for Jacobians)."""
    if isinstance(to_unpack, tuple):
        if not to_unpack[1]:
            res = tuple(el[0] for el in res)
        if not to_unpack[0]:
            res = res[0]
        return res
    return res if to_unpack else res[0]


def _preprocess(inputs: tuple[Tensor, ...], create_graph: bool,
                need_graph: bool) -> tuple[Tensor, ...]:  # fmt: skip
    # Always a new tensor object, so the function's inputs differ from tensors it captures.
    return tuple(
        x.view_as(x) if create_graph and x.requires_grad
        else x.detach().requires_grad_(need_graph)
        for x in inputs
    )  # fmt: skip


def _postprocess(res: Any, create_graph: bool) -> Any:
    if isinstance(res, _t.Tensor):
        return res if create_graph else res.detach()
    return tuple(_postprocess(r, create_graph) for r in res)


def _validate_v(v: tuple[Tensor, ...], other: tuple[Tensor, ...], is_other_tuple: bool) -> None:
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(
                f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}."
            )
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, other)):
        if a.shape != b.shape:
            pre = f"Entry {i} in " if is_other_tuple else ""
            raise RuntimeError(f"{pre}v has invalid size: should be {b.shape} but got {a.shape}.")


_STRICT_MSG = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The "
    "outputs must be computed in a differentiable manner from the input when running in "
    "strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of "
    "the user-provided function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided "
    "function with respect to input {i} is independent of the input. This is not allowed in "
    "strict mode. You should ensure that your function is twice differentiable and that the "
    "jacobian depends on the inputs (this would be violated by a linear function for "
    "example).",
    "hessian": "The hessian of the user-provided function with respect to input {i} is "
    "independent of the input. This is not allowed in strict mode. You should ensure that "
    "your function is thrice differentiable and that the hessian depends on the inputs.",
}


def _check_requires_grad(tensors: tuple[Any, ...], kind: str, strict: bool) -> None:
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError(
                f"The output of the user-provided function is independent of input {i}. This "
                "is not allowed in strict mode."
            )
        if not t.requires_grad:
            raise RuntimeError(_STRICT_MSG[kind].format(i=i))


def _autograd_grad(outputs: tuple[Any, ...], inputs: tuple[Tensor, ...], grad_outputs: Any = None,
                   create_graph: bool = False,
                   retain_graph: bool | None = None) -> tuple[Tensor | None, ...]:  # fmt: skip
    """``autograd.grad`` that skips outputs not requiring grad (None for all if none do)."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return _grad([o for o, _ in pairs], inputs, [g for _, g in pairs], allow_unused=True,
                 create_graph=create_graph, retain_graph=retain_graph)  # fmt: skip


_FILL_MSG = {
    "back": "The output of the user-provided function is independent of input {i}. This is "
    "not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
    "grad_outputs when using the double backward trick to compute forward mode gradients. "
    "This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
    "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry "
    "{i} in the grad_jacobian. This is not allowed in strict mode as it prevents from using "
    "the double backward trick to replace forward mode AD.",
}


def _fill_in_zeros(grads: tuple[Any, ...], refs: tuple[Tensor, ...], strict: bool,
                   create_graph: bool, stage: str) -> tuple[Tensor, ...]:  # fmt: skip
    """Zeros for the None gradients, or strict mode's error naming the stage."""
    res = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(_FILL_MSG[stage].format(i=i))
            g = zeros_like(ref)
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(
                f"The {what} of the user-provided function is independent of input {i}. This "
                "is not allowed in strict mode when create_graph=True."
            )
        res.append(g)
    return tuple(res)


def _prepare_v(v: Any, ref: tuple[Tensor, ...], is_ref_tuple: bool, fn: str, create_graph: bool,
               none_msg: str) -> tuple[Tensor, ...] | None:  # fmt: skip
    if v is None:
        if len(ref) != 1 or ref[0].numel() != 1:
            raise RuntimeError(none_msg)
        return None
    _, vt = _as_tuple(v, "v", fn)
    vt = _preprocess(vt, create_graph, need_graph=False)
    _validate_v(vt, ref, is_ref_tuple)
    return vt


_NONE_V_OUT = ("The vector v can only be None if the user-provided function returns a single "
               "Tensor with a single element.")  # fmt: skip
_NONE_V_IN = ("The vector v can only be None if the input to the user-provided function is a "
              "single Tensor with a single element.")  # fmt: skip


# ---------------------------------------------------------------------- products
def vjp(func: Callable[..., Any], inputs: Tensors, v: Tensors | None = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Any, Any]:  # fmt: skip
    """The vector-Jacobian product of ``func`` at ``inputs`` with ``v``.

    Args:
        func: a function of tensors returning a tensor or a tuple of tensors.
        inputs: the input(s) to ``func``.
        v: one vector per output (may be None for a single one-element output).
        create_graph: make the results differentiable.
        strict: raise when an output does not depend on an input.

    Returns:
        ``(func_output, vjp)``, ``vjp`` shaped like ``inputs``.

    Example:
        >>> vjp(lambda x: x ** 2, retrograd.tensor([1.0, 2.0]), retrograd.ones(2))[1]
        tensor([2., 4.])
    """
    with enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "vjp")
        ins = _preprocess(ins, create_graph, need_graph=True)
        is_out_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", "vjp")
        _check_requires_grad(outs, "outputs", strict)
        vt = _prepare_v(v, outs, is_out_tuple, "vjp", create_graph, _NONE_V_OUT)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        res = _autograd_grad(outs, ins, vt, create_graph=create_graph)
        res = _fill_in_zeros(res, ins, strict, create_graph, "back")
    return (_unpack(_postprocess(outs, create_graph), is_out_tuple),
            _unpack(_postprocess(res, create_graph), is_in_tuple))  # fmt: skip


def jvp(func: Callable[..., Any], inputs: Tensors, v: Tensors | None = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Any, Any]:  # fmt: skip
    """The Jacobian-vector product of ``func`` at ``inputs`` with ``v``, by the double
    backward trick as in PyTorch.

    Args:
        func: a function of tensors returning a tensor or a tuple of tensors.
        inputs: the input(s) to ``func``.
        v: one vector per input (may be None for a single one-element input).
        create_graph: make the results differentiable.
        strict: raise when an output does not depend on an input.

    Returns:
        ``(func_output, jvp)``, ``jvp`` shaped like the outputs.

    Example:
        >>> jvp(lambda x: x ** 2, retrograd.tensor([1.0, 2.0]), retrograd.ones(2))[1]
        tensor([2., 4.])
    """
    with enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "jvp")
        ins = _preprocess(ins, create_graph, need_graph=True)
        vt = _prepare_v(v, ins, is_in_tuple, "jvp", create_graph, _NONE_V_IN)
        is_out_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", "jvp")
        _check_requires_grad(outs, "outputs", strict)
        # the backward is linear in these, so their value never shows in the result
        gouts = tuple(zeros_like(o).requires_grad_(True) for o in outs)
        gins = _autograd_grad(outs, ins, gouts, create_graph=True)
        _check_requires_grad(gins, "grad_inputs", strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        res = _autograd_grad(gins, gouts, vt, create_graph=create_graph)
        res = _fill_in_zeros(res, outs, strict, create_graph, "back_trick")
    return (_unpack(_postprocess(outs, create_graph), is_out_tuple),
            _unpack(_postprocess(res, create_graph), is_out_tuple))  # fmt: skip


def _scalar_output(outs: tuple[Tensor, ...], is_tuple: bool, fn: str) -> None:
    if is_tuple:
        raise RuntimeError(f"The function given to {fn} should return a single Tensor")
    if outs[0].numel() != 1:
        raise RuntimeError(
            f"The Tensor returned by the function given to {fn} should contain a single element"
        )


def vhp(func: Callable[..., Any], inputs: Tensors, v: Tensors | None = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Any, Any]:  # fmt: skip
    """The product ``v^T H`` of a vector with the Hessian of a scalar function.

    Args:
        func: a function of tensors returning a one-element tensor.
        inputs: the input(s) to ``func``.
        v: one vector per input (may be None for a single one-element input).
        create_graph: make the results differentiable.
        strict: raise when the Hessian does not depend on an input.

    Returns:
        ``(func_output, vhp)``, ``vhp`` shaped like ``inputs``.

    Example:
        >>> vhp(lambda x: (x ** 3).sum(), retrograd.tensor([1.0, 2.0]), retrograd.ones(2))[1]
        tensor([ 6., 12.])
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func: Callable[..., Any], inputs: Tensors, v: Tensors | None = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Any, Any]:  # fmt: skip
    """The product ``H v`` of the Hessian of a scalar function with a vector (by the double
    backward trick, as in PyTorch).

    Args:
        func: a function of tensors returning a one-element tensor.
        inputs: the input(s) to ``func``.
        v: one vector per input (may be None for a single one-element input).
        create_graph: make the results differentiable.
        strict: raise when the Hessian does not depend on an input.

    Returns:
        ``(func_output, hvp)``, ``hvp`` shaped like ``inputs``.

    Example:
        >>> hvp(lambda x: (x ** 3).sum(), retrograd.tensor([1.0, 2.0]), retrograd.ones(2))[1]
        tensor([ 6., 12.])
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func: Callable[..., Any], inputs: Tensors, v: Tensors | None,
                     create_graph: bool, strict: bool, fn: str) -> tuple[Any, Any]:  # fmt: skip
    with enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", fn)
        ins = _preprocess(ins, create_graph, need_graph=True)
        vt = _prepare_v(v, ins, is_in_tuple, fn, create_graph, _NONE_V_IN)
        is_out_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", fn)
        _check_requires_grad(outs, "outputs", strict)
        _scalar_output(outs, is_out_tuple, fn)
        jac = _autograd_grad(outs, ins, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        if fn == "hvp":
            # the double backward trick: u -> u^T H is linear, so differentiating it with
            # respect to the dummy u gives H v without forward mode
            gjac = tuple(zeros_like(x).requires_grad_(True) for x in ins)
            double_back = _autograd_grad(jac, ins, gjac, create_graph=True)
            _check_requires_grad(jac, "hessian", strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        if fn == "vhp":
            res = _autograd_grad(jac, ins, vt, create_graph=create_graph)
            res = _fill_in_zeros(res, ins, strict, create_graph, "double_back")
        else:
            res = _autograd_grad(double_back, gjac, vt, create_graph=create_graph)
            res = _fill_in_zeros(res, ins, strict, create_graph, "double_back_trick")
    return (_unpack(_postprocess(outs, create_graph), is_out_tuple),
            _unpack(_postprocess(res, create_graph), is_in_tuple))  # fmt: skip


# ---------------------------------------------------------------------- Jacobian and Hessian
def _jacobian_reverse(func: Callable[..., Any], inputs: Tensors, create_graph: bool,
                      strict: bool, vectorize: bool) -> Any:  # fmt: skip
    """One backward per output element; rows stacked into ``out.shape + in.shape``."""
    with enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "jacobian")
        ins = _preprocess(ins, create_graph, need_graph=True)
        is_out_tuple, outs = _as_tuple(
            func(*ins), "outputs of the user-provided function", "jacobian"
        )
        _check_requires_grad(outs, "outputs", strict)
        if vectorize and strict:
            raise RuntimeError(
                "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are "
                "not supported together. Please either set `strict=False` or "
                "`vectorize=False`."
            )
        jac = []
        for i, out in enumerate(outs):
            rows: list[list[Tensor]] = [[] for _ in ins]
            flat = out.reshape(-1)
            for k in range(out.numel()):
                vj = _autograd_grad((flat[k],), ins, retain_graph=True, create_graph=create_graph)
                for j, (g, x) in enumerate(zip(vj, ins)):
                    if g is None:
                        if strict:
                            raise RuntimeError(
                                f"Output {i} of the user-provided function is independent of "
                                f"input {j}. This is not allowed in strict mode."
                            )
                        g = zeros_like(x)
                    elif strict and create_graph and not g.requires_grad:
                        raise RuntimeError(
                            "The jacobian of the user-provided function is independent of "
                            f"input {i}. This is not allowed in strict mode when "
                            "create_graph=True."
                        )
                    rows[j].append(g)
            jac.append(tuple(_stack_rows(r, tuple(out.shape) + tuple(x.shape), x)
                             for r, x in zip(rows, ins)))  # fmt: skip
        return _unpack(_postprocess(tuple(jac), create_graph), (is_out_tuple, is_in_tuple))


def _stack_rows(rows: list[Tensor], shape: tuple[int, ...], ref: Tensor) -> Tensor:
    if not rows:  # an empty output: no rows to stack
        return zeros(shape, dtype=ref.dtype)
    return stack(rows).reshape(shape)


def _jacobian_forward(func: Callable[..., Any], inputs: Tensors, strict: bool,
                      vectorize: bool) -> Any:  # fmt: skip
    """One forward-mode pass per input element; columns stacked last."""
    if strict:
        raise RuntimeError(
            'torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` '
            "are not supported together (yet). Please either set `strict=False` or "
            '`strategy="reverse-mode"`.'
        )
    is_in_tuple, ins = _as_tuple(inputs, "inputs", "jacobian")
    if not vectorize:
        raise NotImplementedError(
            "Computing Jacobian using forward-AD or forward-over-reverse Hessian is only "
            "implemented for `vectorize=True`."
        )
    cols: list[list[Tensor]] = [[] for _ in ins]
    outs: tuple[Tensor, ...] = ()
    is_out_tuple = False
    for j, x in enumerate(ins):
        for k in range(x.numel()):
            with fwAD.dual_level():
                duals = []
                for m, y in enumerate(ins):
                    t = zeros(y.numel(), dtype=y.dtype)
                    if m == j:
                        t[k] = 1
                    duals.append(fwAD.make_dual(y, t.reshape(y.shape)))
                is_out_tuple, douts = _as_tuple(func(*duals), "outputs", "jacobian")
                unpacked = [fwAD.unpack_dual(o) for o in douts]
            outs = tuple(u.primal for u in unpacked)
            cols[j].append(tuple(zeros_like(u.primal) if u.tangent is None else u.tangent
                                 for u in unpacked))  # fmt: skip
    # lists, not tuples: PyTorch's forward-mode path nests its results so
    jac = [
        [_stack_cols([c[i] for c in cols[j]], o, x) for j, x in enumerate(ins)]
        for i, o in enumerate(outs)
    ]
    return _unpack(jac, (is_out_tuple, is_in_tuple))


def _stack_cols(cs: list[Tensor], out: Tensor, x: Tensor) -> Tensor:
    shape = tuple(out.shape) + tuple(x.shape)
    if not cs:
        return zeros(shape, dtype=out.dtype)
    return stack(cs, dim=out.dim()).reshape(shape)


def jacobian(func: Callable[..., Any], inputs: Tensors, create_graph: bool = False,
             strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode") -> Any:  # fmt: skip
    """The Jacobian of ``func`` at ``inputs``.

    Args:
        func: a function of tensors returning a tensor or a tuple of tensors.
        inputs: the input(s) to ``func``.
        create_graph: make the Jacobian differentiable.
        strict: raise when an output does not depend on an input.
        vectorize: accepted; the products are computed one at a time either way.
        strategy: ``"reverse-mode"`` (one backward per output element) or
            ``"forward-mode"`` (one forward-mode pass per input element; needs
            ``vectorize=True``, as in PyTorch).

    Returns:
        A tensor of shape ``output.shape + input.shape``; a tuple over inputs and/or outputs
        (outputs outermost) when either is a tuple.

    Example:
        >>> jacobian(lambda x: x ** 2, retrograd.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more performant. '
            'Otherwise, prefer to use "reverse-mode".'
        )
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError(
                "torch.autograd.functional.jacobian: `create_graph=True` and "
                '`strategy="forward-mode"` are not supported together (yet). Please either set '
                '`create_graph=False` or `strategy="reverse-mode"`.'
            )
        return _jacobian_forward(func, inputs, strict, vectorize)
    return _jacobian_reverse(func, inputs, create_graph, strict, vectorize)


def hessian(func: Callable[..., Any], inputs: Tensors, create_graph: bool = False,
            strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:  # fmt: skip
    """The Hessian of a scalar function at ``inputs``: the Jacobian of its gradient.

    Args:
        func: a function of tensors returning a one-element tensor.
        inputs: the input(s) to ``func``.
        create_graph: make the Hessian differentiable.
        strict: raise when the Jacobian or Hessian does not depend on an input.
        vectorize: accepted; the products are computed one at a time either way.
        outer_jacobian_strategy: the outer Jacobian's ``strategy`` (see :func:`jacobian`).

    Returns:
        A tensor of shape ``input.shape + input.shape``, or a tuple of tuples of blocks
        ``H[i][j]`` for tuple inputs.

    Example:
        >>> hessian(lambda x: (x ** 3).sum(), retrograd.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    is_in_tuple, ins = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def single_output(*inp: Tensor) -> Tensor:
        is_tuple, outs = _as_tuple(func(*inp), "outputs of the user-provided function",
                                   "hessian")  # fmt: skip
        _check_requires_grad(outs, "outputs", strict)
        _scalar_output(outs, is_tuple, "hessian")
        return outs[0].squeeze()

    def jac_func(*inp: Tensor) -> Any:
        if outer_jacobian_strategy == "forward-mode":
            # the inner jacobian detaches inputs that do not require grad
            inp = tuple(t.requires_grad_(True) for t in inp)
        jac = jacobian(single_output, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    res = jacobian(jac_func, ins, create_graph=create_graph, strict=strict,
                   vectorize=vectorize, strategy=outer_jacobian_strategy)  # fmt: skip
    return _unpack(res, (is_in_tuple, is_in_tuple))
