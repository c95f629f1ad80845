"""``torch.func``'s differentiation transforms (grad, vjp, jvp, jacrev, jacfwd, hessian) on
retrograd's eager autograd.

Reverse transforms run the function on fresh inputs and call ``autograd.grad``, recording
the backward pass whenever grad mode is on so an enclosing transform (or plain autograd) can
differentiate the result again. Forward transforms open their own ``forward_ad`` level, so
nested ``jvp``s never confuse their tangents. A result whose graph leads only back to this
transform's own fresh inputs is detached, so at top level results carry no history, as in
PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import autograd
from .._ops.creation import zeros, zeros_like
from .._ops.shape_ops import alias, stack
from .._tensor import Tensor
from ..autograd import forward_ad as fwAD
from ..autograd.grad_mode import enable_grad, is_grad_enabled
from ._pytree import TreeSpec, tree_flatten, tree_unflatten
from ._vmap import _check_randomness

Argnums = int | tuple[int, ...]


# ---------------------------------------------------------------------- argument handling
def _check_argnums(argnums: Any, nargs: int) -> tuple[int, ...]:
    """The positions ``argnums`` names, each checked against the number of arguments."""
    if isinstance(argnums, tuple):
        if not argnums:
            raise RuntimeError("argnums must be non-empty")
        nums = argnums
    elif isinstance(argnums, int) and not isinstance(argnums, bool):
        nums = (argnums,)
    else:
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    out = []
    for n in nums:
        if not isinstance(n, int) or isinstance(n, bool):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
        if not -nargs <= n < nargs:
            raise RuntimeError(f"Got argnum={n}, but only {nargs} positional inputs")
        out.append(n % nargs)
    if len(set(out)) != len(out):
        raise RuntimeError(f"argnums must be unique, got {argnums}")
    return tuple(out)


def _select(args: tuple[Any, ...], argnums: Any, nums: tuple[int, ...]) -> Any:
    return args[nums[0]] if isinstance(argnums, int) else tuple(args[i] for i in nums)


def _replace(args: tuple[Any, ...], argnums: Any, nums: tuple[int, ...], new: Any) -> tuple:
    out = list(args)
    for k, i in enumerate(nums):
        out[i] = new if isinstance(argnums, int) else new[k]
    return tuple(out)


def _check_tensors(leaves: list[Any]) -> None:
    for x in leaves:
        if not isinstance(x, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")


def _error_if_complex(api: str, tree: Any, is_input: bool) -> None:
    """jacrev and jacfwd take and give real tensors only, as in PyTorch."""
    for idx, x in enumerate(tree_flatten(tree)[0]):
        if isinstance(x, Tensor) and x.is_complex():
            what = "inputs" if is_input else "outputs"
            raise RuntimeError(
                f"{api}: Expected all {what} to be real but received complex tensor at "
                f"flattened input idx: {idx}"
            )


def _split_aux(out: Any, has_aux: bool, api: str) -> tuple[Any, Any]:
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(
            f"{api}: output of function f should be a tuple: (output, aux) if has_aux is True"
        )
    return out


# ---------------------------------------------------------------------- reverse-mode helpers
def _keep_tangent(src: Tensor, dst: Tensor) -> Tensor:
    if src._fw:
        dst._fw = dict(src._fw)
    return dst


def _wrap_inputs(leaves: list[Tensor], record: bool) -> tuple[list[Tensor], set[int]]:
    """Tensors to differentiate with respect to: a differentiable alias of an input that
    requires grad (its history continues outward), a fresh leaf otherwise. Both keep their
    forward-mode tangents. Also returns the ids of the fresh leaves."""
    out, fresh = [], set()
    for x in leaves:
        if not (x.is_floating_point() or x.is_complex()):
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if record and x.requires_grad:
            out.append(alias(x))
        else:
            y = _keep_tangent(x, x.detach()).requires_grad_(True)
            fresh.add(id(y))
            out.append(y)
    return out, fresh


def _reaches_outside(t: Tensor, fresh: set[int]) -> bool:
    """Whether ``t``'s history leads to a leaf other than this transform's fresh inputs."""
    fn = t.grad_fn
    if fn is None:
        return t.requires_grad and id(t) not in fresh
    seen, todo = {id(fn)}, [fn]
    while todo:
        node = todo.pop()
        var = getattr(node, "variable", None)
        if var is not None and id(var) not in fresh:
            return True
        for edge in node.next_functions:
            nxt = edge[0] if edge else None
            if nxt is not None and id(nxt) not in seen:
                seen.add(id(nxt))
                todo.append(nxt)
    return False


def _unwrap(x: Any, fresh: set[int]) -> Any:
    """Detach a result whose history is only this transform's; its tangents likewise (a
    tangent computed by rules that used the fresh inputs has their history too)."""
    if not isinstance(x, Tensor):
        return x
    fw = x._fw
    if x.requires_grad and not _reaches_outside(x, fresh):
        x = x.detach()
    if fw:
        x._fw = {lvl: _unwrap(t, fresh) for lvl, t in fw.items()}
    return x


def _unwrap_tree(tree: Any, fresh: set[int]) -> Any:
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([_unwrap(x, fresh) for x in leaves], spec)


def _grads(outs: list[Tensor], ins: list[Tensor], cts: list[Tensor | None],
           create_graph: bool) -> list[Tensor]:  # fmt: skip
    """Gradients of ``outs`` (weighted by ``cts``) w.r.t. ``ins``, zeros where unused."""
    pairs = [(o, c) for o, c in zip(outs, cts) if o.requires_grad]
    if not pairs:
        return [zeros_like(x) for x in ins]
    with enable_grad():
        res = autograd.grad([o for o, _ in pairs], ins, [c for _, c in pairs],
                            retain_graph=True, create_graph=create_graph,
                            allow_unused=True)  # fmt: skip
    return [zeros_like(x) if g is None else g for g, x in zip(res, ins)]


# ---------------------------------------------------------------------- grad and vjp
def grad_and_value(func: Callable[..., Any], argnums: Argnums = 0,
                   has_aux: bool = False) -> Callable[..., Any]:  # fmt: skip
    """Like :func:`grad`, but the returned function gives ``(gradient, value)`` (and with
    ``has_aux``, ``((gradient, (value, aux))``).

    Args:
        func: a function of tensors returning a one-element scalar tensor (and aux).
        argnums: the positional argument(s) to differentiate with respect to.
        has_aux: ``func`` returns ``(output, aux)``; aux is passed through.

    Example:
        >>> g, v = grad_and_value(lambda x: (x ** 2).sum())(retrograd.tensor([1.0, 2.0]))
    """

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nums = _check_argnums(argnums, len(args))
        record = is_grad_enabled()
        leaves, spec = tree_flatten(_select(args, argnums, nums))
        _check_tensors(leaves)
        with enable_grad():
            ins, fresh = _wrap_inputs(leaves, record)
            out = func(*_replace(args, argnums, nums, tree_unflatten(ins, spec)), **kwargs)
            out, aux = _split_aux(out, has_aux, "grad_and_value(f)(*args)")
            if not isinstance(out, Tensor):
                raise RuntimeError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                    f"{type(out)}"
                )
            if out.dim() != 0:
                raise RuntimeError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, "
                    f"got tensor with {out.dim()} dims. Maybe you wanted to use the vjp or "
                    "jacrev APIs instead?"
                )
            # the backward needs recording only if something outside can differentiate it
            gs = _grads([out], ins, [None], create_graph=record and _reaches_outside(out, fresh))
        g = tree_unflatten([_unwrap(x, fresh) for x in gs], spec)
        value = _unwrap(out, fresh)
        if has_aux:
            return g, (value, _unwrap_tree(aux, fresh))
        return g, value

    return wrapper


def grad(func: Callable[..., Any], argnums: Argnums = 0,
         has_aux: bool = False) -> Callable[..., Any]:  # fmt: skip
    """The gradient of a scalar function, as a function of the same arguments.

    Args:
        func: a function of tensors returning a one-element scalar tensor (and aux).
        argnums: the positional argument(s) to differentiate with respect to; a tuple gives
            a tuple of gradients.
        has_aux: ``func`` returns ``(output, aux)``; the new function returns
            ``(gradient, aux)``.

    Returns:
        A function returning gradients shaped like the chosen arguments. Composes with every
        other transform: ``grad(grad(f))`` is the second derivative.

    Example:
        >>> grad(lambda x: x.sin().sum())(retrograd.tensor([0.0, 1.0]))
        tensor([1.0000, 0.5403])
    """
    inner = grad_and_value(func, argnums, has_aux)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g, value = inner(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


def _check_outputs(leaves: list[Any], api: str) -> None:
    for x in leaves:
        if not isinstance(x, Tensor):
            raise RuntimeError(
                f"{api}: expected f(*primals) to return only tensors, got unsupported type "
                f"{type(x)}"
            )


def vjp(func: Callable[..., Any], *primals: Any, has_aux: bool = False) -> Any:
    """Run ``func`` at ``primals`` and return ``(output, vjp_fn)``; ``vjp_fn(cotangents)``
    gives the vector-Jacobian product, one entry per primal.

    Args:
        func: a function of tensors (pytrees of tensors) returning tensors.
        primals: the arguments.
        has_aux: ``func`` returns ``(output, aux)``; aux is returned third.

    Example:
        >>> out, fn = vjp(lambda x: x.sin(), retrograd.tensor([0.0, 1.0]))
        >>> fn(retrograd.ones(2))
        (tensor([1.0000, 0.5403]),)
    """
    record = is_grad_enabled()
    leaves, spec = tree_flatten(primals)
    _check_tensors(leaves)
    with enable_grad():
        ins, fresh = _wrap_inputs(leaves, record)
        out = func(*tree_unflatten(ins, spec))
        out, aux = _split_aux(out, has_aux, "vjp(f, *primals)")
    outs, out_spec = tree_flatten(out)
    _check_outputs(outs, "vjp(f, *primals)")
    # the backward needs recording only if something outside can differentiate it
    outside = record and any(_reaches_outside(o, fresh) for o in outs)

    def vjp_fn(cotangents: Any, retain_graph: bool = True,
               create_graph: bool | None = None) -> tuple[Any, ...]:  # fmt: skip
        cts, ct_spec = tree_flatten(cotangents)
        if ct_spec != out_spec:
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree structure of "
                f"outputs to the function. cotangents: {ct_spec.pprint()}, primal output: "
                f"{out_spec.pprint()}"
            )
        if create_graph is None:
            create_graph = is_grad_enabled() and (
                outside or any(isinstance(c, Tensor) and c.requires_grad for c in cts)
            )
        gs = _grads(outs, ins, cts, create_graph=create_graph)
        return tree_unflatten([_unwrap(g, fresh) for g in gs], spec)

    res = (_unwrap_tree(out, fresh), vjp_fn)
    return (*res, _unwrap_tree(aux, fresh)) if has_aux else res


# ---------------------------------------------------------------------- jvp
def jvp(func: Callable[..., Any], primals: Any, tangents: Any, *, strict: bool = False,
        has_aux: bool = False) -> Any:  # fmt: skip
    """Run ``func`` at ``primals`` and push ``tangents`` forward: ``(output, jvp_out)``.

    Args:
        func: a function of tensors returning tensors.
        primals: a tuple of the arguments (pytrees of tensors).
        tangents: tangents with the same structure and shapes as ``primals``.
        strict: accepted for PyTorch compatibility.
        has_aux: ``func`` returns ``(output, aux)``; aux is returned third.

    Example:
        >>> jvp(lambda x: x * x, (retrograd.tensor(3.0),), (retrograd.tensor(1.0),))
        (tensor(9.), tensor(6.))
    """
    api = "jvp(f, primals, tangents)"
    if not isinstance(primals, tuple):
        raise RuntimeError(
            f"{api}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals)."
        )
    ps, spec = tree_flatten(primals)
    ts, tspec = tree_flatten(tangents)
    if spec != tspec:
        raise RuntimeError(
            f"{api}: Expected primals and tangents to have the same python structure. For "
            "example, if primals is a tuple of 3 tensors, tangents also must be. Got primals "
            f"with structure {spec} and tangents with structure {tspec}"
        )
    for what, leaves in (("primals", ps), ("tangents", ts)):
        for x in leaves:
            if not isinstance(x, Tensor):
                raise RuntimeError(f"{api}: Expected {what} to only contain Tensors, got {type(x)}")
    with fwAD.dual_level() as level:
        duals = [fwAD.make_dual(p, t, level=level) for p, t in zip(ps, ts)]
        out = func(*tree_unflatten(duals, spec))
        out, aux = _split_aux(out, has_aux, api)
        outs, out_spec = tree_flatten(out)
        _check_outputs(outs, api)
        prim, tan = [], []
        for o in outs:
            p, t = fwAD.unpack_dual(o, level=level)
            prim.append(p)
            tan.append(zeros_like(p) if t is None else t)
        if has_aux:
            aux_leaves, aux_spec = tree_flatten(aux)
            aux = tree_unflatten(
                [fwAD.unpack_dual(a, level=level).primal if isinstance(a, Tensor) else a
                 for a in aux_leaves], aux_spec)  # fmt: skip
    res = (tree_unflatten(prim, out_spec), tree_unflatten(tan, out_spec))
    return (*res, aux) if has_aux else res


# ---------------------------------------------------------------------- Jacobians
def _jac_tree(rows: list[list[Tensor]], outs: list[Tensor], prims: list[Tensor],
              by_input: bool) -> list[list[Tensor]]:  # fmt: skip
    """Assemble ``J[i][j]`` of shape ``out_i.shape + prim_j.shape`` from per-basis results:
    ``rows[k][j]`` (reverse: basis over outputs) or ``rows[k][i]`` (forward: over inputs)."""
    jac = []
    sizes = [p.numel() for p in prims] if by_input else [o.numel() for o in outs]
    offsets = [sum(sizes[:k]) for k in range(len(sizes))]
    for i, o in enumerate(outs):
        row = []
        for j, p in enumerate(prims):
            shape = tuple(o.shape) + tuple(p.shape)
            if by_input:
                cols = [rows[offsets[j] + k][i] for k in range(sizes[j])]
                t = stack(cols, dim=o.dim()) if cols else zeros(shape, dtype=o.dtype)
            else:
                rs = [rows[offsets[i] + k][j] for k in range(sizes[i])]
                t = stack(rs) if rs else zeros(shape, dtype=p.dtype)
            row.append(t.reshape(shape))
        jac.append(row)
    return jac


def _one_hot(ref: Tensor, k: int) -> Tensor:
    e = zeros(ref.numel(), dtype=ref.dtype)
    e[k] = 1
    return e.reshape(ref.shape)


def _assemble(jac: list[list[Tensor]], out_spec: TreeSpec, arg_spec: TreeSpec) -> Any:
    return tree_unflatten([tree_unflatten(row, arg_spec) for row in jac], out_spec)


def jacrev(func: Callable[..., Any], argnums: Argnums = 0, *, has_aux: bool = False,
           chunk_size: int | None = None,
           _preallocate_and_copy: bool = False) -> Callable[..., Any]:  # fmt: skip
    """The Jacobian of ``func`` by reverse mode, one vector-Jacobian product per output
    element.

    Args:
        func: a function of tensors returning tensors (pytrees allowed).
        argnums: the positional argument(s) to differentiate with respect to.
        has_aux: ``func`` returns ``(output, aux)``; the new function returns
            ``(jacobian, aux)``.
        chunk_size: accepted for PyTorch compatibility (the products run one at a time).

    Returns:
        A function giving, for each output, a Jacobian of shape ``output.shape +
        input.shape`` per chosen input, nested as the outputs and the inputs are.

    Example:
        >>> jacrev(lambda x: x.sin())(retrograd.tensor([0.0, 1.0]))
        tensor([[1.0000, 0.0000],
                [0.0000, 0.5403]])
    """

    if chunk_size is not None and chunk_size <= 0:
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _error_if_complex("jacrev", args, is_input=True)
        nums = _check_argnums(argnums, len(args))
        sel = _select(args, argnums, nums)
        primals = (sel,) if isinstance(argnums, int) else sel
        prims, arg_spec = tree_flatten(sel)

        def f(*ps: Any) -> Any:
            chosen = ps[0] if isinstance(argnums, int) else ps
            return func(*_replace(args, argnums, nums, chosen), **kwargs)

        res = vjp(f, *primals, has_aux=has_aux)
        outs, out_spec = tree_flatten(res[0])
        _error_if_complex("jacrev", outs, is_input=False)
        rows = []
        for i, o in enumerate(outs):
            for k in range(o.numel()):
                cts = [_one_hot(o, k) if m == i else zeros_like(q) for m, q in enumerate(outs)]
                rows.append(tree_flatten(res[1](tree_unflatten(cts, out_spec)))[0])
        jac = _assemble(_jac_tree(rows, outs, prims, False), out_spec, arg_spec)
        return (jac, res[2]) if has_aux else jac

    return wrapper


def jacfwd(func: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable[..., Any]:  # fmt: skip
    """The Jacobian of ``func`` by forward mode, one Jacobian-vector product per input
    element.

    Args:
        func: a function of tensors returning tensors (pytrees allowed).
        argnums: the positional argument(s) to differentiate with respect to.
        has_aux: ``func`` returns ``(output, aux)``; the new function returns
            ``(jacobian, aux)``.
        randomness: accepted for PyTorch compatibility.

    Returns:
        A function giving Jacobians laid out as :func:`jacrev`'s.

    Example:
        >>> jacfwd(lambda x: x ** 2)(retrograd.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
    """

    _check_randomness(randomness)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _error_if_complex("jacfwd", args, is_input=True)
        nums = _check_argnums(argnums, len(args))
        sel = _select(args, argnums, nums)
        prims, arg_spec = tree_flatten(sel)
        _check_tensors(prims)

        def f(*ps: Any) -> Any:
            chosen = tree_unflatten(list(ps), arg_spec)
            return func(*_replace(args, argnums, nums, chosen), **kwargs)

        basis = [(j, k) for j, p in enumerate(prims) for k in range(p.numel())]
        calls = []
        # a function of empty inputs still runs once, for the outputs' structure
        for j, k in basis or [(-1, -1)]:
            tans = tuple(_one_hot(p, k) if m == j else zeros_like(p) for m, p in enumerate(prims))
            calls.append(jvp(f, tuple(prims), tans, has_aux=has_aux))
            _error_if_complex("jacfwd", calls[-1][0], is_input=False)
        outs, out_spec = tree_flatten(calls[0][0])
        rows = [tree_flatten(c[1])[0] for c in calls] if basis else []
        jac = _assemble(_jac_tree(rows, outs, prims, True), out_spec, arg_spec)
        return (jac, calls[0][2]) if has_aux else jac

    return wrapper


def hessian(func: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """The Hessian of a scalar function: ``jacfwd(jacrev(func, argnums), argnums)``.

    Example:
        >>> hessian(lambda x: (x ** 3).sum())(retrograd.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)
