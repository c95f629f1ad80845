"""Matrix and tensor products, einsum, diagonals and triangles."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from typing import Any

import numpy as np

from .._prims import linalg as P
from .._prims._core import apply
from .._tensor import Tensor, _wrap_dim
from ..amp import autocast_mode as _ac
from ._convert import check_tensor
from .elementwise_ops import _c10_name, _type_name
from .shape_ops import infer_size
from .shape_ops import stack as stack_


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Matrix product with PyTorch's rules for every rank combination: 1-D operands are
    promoted to matrices and the added dim removed; batch dims broadcast."""
    if _ac._enabled:
        input, other = _ac._autocast_args(input, other)
    check_tensor(input, "matmul")
    check_tensor(other, "matmul", "other")
    na, nb = input._data.ndim, other._data.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D"
        )
    ka = input._data.shape[-1]
    kb = other._data.shape[-2] if nb > 1 else other._data.shape[0]
    if ka != kb:
        sa, sb = list(input._data.shape), list(other._data.shape)
        if na == 1 and nb == 1:
            msg = (
                f"inconsistent tensor size, expected tensor [{ka}] and src [{kb}] to have "
                "the same number of elements, but got {ka} and {kb} elements respectively"
            )
            raise RuntimeError(msg.format(ka=ka, kb=kb))
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({'x'.join(map(str, sa))} and "
            f"{'x'.join(map(str, sb))})"
        )
    if na == 1 and nb == 1:
        prim = P.Dot
    elif na == 2 and nb == 1:
        prim = P.Mv
    elif na == 2 and nb == 2:
        prim = P.Mm
    else:
        prim = P.MatMul
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {input.dtype} != {other.dtype}"
        )
    try:
        return apply(prim, input, other)
    except ValueError:
        # NumPy failed to broadcast the batch dims: PyTorch's message names them
        infer_size(input._data.shape[:-2], other._data.shape[:-2])
        raise


def _dims_str(t: Tensor) -> str:
    return f"{t._data.ndim}D"


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """Product of two matrices (2-D only; ``matmul`` broadcasts)."""
    if _ac._enabled:
        input, mat2 = _ac._autocast_args(input, mat2)
    check_tensor(input, "mm")
    check_tensor(mat2, "mm", "mat2")
    if input._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    return matmul(input, mat2)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched product of (b, n, m) and (b, m, p) tensors, without broadcasting."""
    if _ac._enabled:
        input, mat2 = _ac._autocast_args(input, mat2)
    check_tensor(input, "bmm")
    check_tensor(mat2, "bmm", "mat2")
    if input._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2._data.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    (b, _, m), (b2, m2, _) = input._data.shape, mat2._data.shape
    if (b, m) != (b2, m2):
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{b}, {m}] but got: [{b2}, {m2}]."
        )
    _same_dtype(input, mat2)
    return apply(P.Bmm, input, mat2)


def _same_dtype(a: Tensor, b: Tensor) -> None:
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {a.dtype} != {b.dtype}"
        )


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product."""
    check_tensor(input, "mv")
    check_tensor(vec, "mv", "vec")
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got 1, {input._data.ndim}, {vec._data.ndim}"
        )
    if input._data.shape[1] != vec._data.shape[0]:
        n, m = input._data.shape
        raise RuntimeError(
            f"size mismatch, got input ({n}), mat ({n}x{m}), vec ({vec._data.shape[0]})"
        )
    return matmul(input, vec)


def _vectors(op: str, a: Tensor, b: Tensor) -> None:
    check_tensor(a, op)
    check_tensor(b, op, "other")
    if a._data.ndim != 1 or b._data.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {_dims_str(a)} and {_dims_str(b)} tensors"
        )
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"{op} : expected both vectors to have same dtype, but found "
            f"{a.dtype._legacy[:-6]} and {b.dtype._legacy[:-6]}"
        )


def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """Inner product of two 1-D tensors (no conjugation)."""
    _vectors("dot", input, tensor)
    return matmul(input, tensor)


def vdot(input: Tensor, other: Tensor) -> Tensor:
    """Inner product of two 1-D tensors, conjugating the first."""
    _vectors("vdot", input, other)
    return matmul(input.conj() if input.is_complex() else input, other)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two 1-D tensors: ``out[i, j] = input[i] * vec2[j]``."""
    check_tensor(input, "outer")
    check_tensor(vec2, "outer", "vec2")
    for t, name in ((input, "self"), (vec2, "vec2")):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {_dims_str(t)}")
    return input.unsqueeze(1) * vec2


def _scaled(x: Tensor, c: Any) -> Tensor:
    return x if c == 1 else x * c


def _add_scaled(input: Tensor, prod: Tensor, beta: Any, alpha: Any) -> Tensor:
    """``beta * input + alpha * prod``; with beta 0 the input is ignored (nan and inf in it
    included), as in PyTorch."""
    out = _scaled(prod, alpha)
    if beta == 0:
        return out.expand(infer_size(input._data.shape, prod._data.shape))
    return _scaled(input, beta) + out


def _dtypes_agree(msg: str, *ts: Tensor, name: Callable[[np.dtype], str] = _type_name) -> None:
    """PyTorch's RuntimeError ``msg``, formatted with the dtypes' names, unless the
    tensors share one dtype (the fused ops promote nothing)."""
    if len({t._data.dtype for t in ts}) > 1:
        raise RuntimeError(msg.format(*(name(t._data.dtype) for t in ts)))


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)`` for matrices; input broadcasts."""
    if _ac._enabled:
        input, mat1, mat2 = _ac._autocast_args(input, mat1, mat2)
    check_tensor(input, "addmm")
    prod = mm(mat1, mat2)
    _dtypes_agree("self and mat2 must have the same dtype, but got {} and {}", input, mat2)
    return _add_scaled(input, prod, beta, alpha)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``; input broadcasts."""
    check_tensor(input, "addmv")
    prod = mv(mat, vec)
    msg = "addmv input tensors must have the same dtype, but got {}, {}, and {}"
    _dtypes_agree(msg, input, mat, vec)
    return _add_scaled(input, prod, beta, alpha)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
            alpha: Any = 1) -> Tensor:  # fmt: skip
    """``beta * input + alpha * bmm(batch1, batch2)``; input broadcasts."""
    if _ac._enabled:
        input, batch1, batch2 = _ac._autocast_args(input, batch1, batch2)
    check_tensor(input, "baddbmm")
    prod = bmm(batch1, batch2)
    msg = "Input dtypes must be the same, got: input {}, batch1: {}, batch2: {}"
    _dtypes_agree(msg, input, batch1, batch2, name=_c10_name)
    return _add_scaled(input, prod, beta, alpha)


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
           alpha: Any = 1) -> Tensor:  # fmt: skip
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])``; input broadcasts."""
    if _ac._enabled:
        input, batch1, batch2 = _ac._autocast_args(input, batch1, batch2)
    check_tensor(input, "addbmm")
    prod = bmm(batch1, batch2).sum(0)
    _dtypes_agree("self and mat2 must have the same dtype, but got {} and {}", input, batch2)
    return _add_scaled(input, prod, beta, alpha)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``; input broadcasts."""
    check_tensor(input, "addr")
    return _add_scaled(input, outer(vec1, vec2), beta, alpha)


# ---------------------------------------------------------------------------- einsum
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _parse_einsum(equation: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    """Terms and output with the ellipsis spelled out as fresh labels, and the implicit
    output made explicit (ellipsis dims, then labels seen once, in ASCII order)."""
    eq = equation.replace(" ", "")
    lhs, arrow, out = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        few = "fewer" if len(shapes) < len(terms) else "more"
        raise RuntimeError(f"einsum(): {few} operands were provided than specified in the equation")
    used = set(eq) - set(".,->")
    for c in used:
        if c not in _LETTERS:
            raise RuntimeError(f"einsum(): invalid subscript given at index {eq.index(c)} in "
                               "the equation string, subscripts must be in [a-zA-Z]")  # fmt: skip
    fresh = [c for c in _LETTERS if c not in used]
    n_ell = 0
    for i, (t, shp) in enumerate(zip(terms, shapes)):
        named = len(t.replace("...", ""))
        if ("..." in t and named > len(shp)) or ("..." not in t and named != len(shp)):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({named}) does not match "
                f"the number of dimensions ({len(shp)}) for operand {i}"
                + ("" if "..." in t else " and no ellipsis was given")
            )
        if "..." in t:
            n_ell = max(n_ell, len(shp) - named)
    ell = "".join(fresh[:n_ell])
    for i, (t, shp) in enumerate(zip(terms, shapes)):
        k = len(shp) - len(t.replace("...", ""))  # this operand's ellipsis dims, right-aligned
        terms[i] = t.replace("...", ell[n_ell - k :])
    if arrow:
        out = out.replace("...", ell)
    else:
        counts = "".join(terms)
        out = ell + "".join(sorted(c for c in set(counts) - set(ell) if counts.count(c) == 1))
    for c in out:
        if out.count(c) > 1:
            raise RuntimeError(
                f"einsum(): output subscript {c} appears more than once in the output"
            )
        if c not in "".join(terms):
            raise RuntimeError(
                f"einsum(): output subscript {c} does not appear in the "
                "equation for any input operand"
            )
    return terms, out


def _einsum_diagonals(t: str, x: Tensor) -> tuple[str, Tensor]:
    """Take the diagonal of each label repeated within one operand (``ii->i``)."""
    while len(set(t)) < len(t):
        c = next(c for c in t if t.count(c) > 1)
        i = t.index(c)
        j = t.index(c, i + 1)
        if x._data.shape[i] != x._data.shape[j]:
            raise RuntimeError(
                f"einsum(): subscript {c} is repeated for operand but the sizes don't match, "
                f"{x._data.shape[i]} != {x._data.shape[j]}"
            )
        x = diagonal(x, 0, i, j)
        t = t[:i] + t[i + 1 : j] + t[j + 1 :] + c
    return t, x


def einsum(equation: str, *operands: Any) -> Tensor:
    """Sums of products over the labelled dims of the operands, in Einstein notation.

    Args:
        equation: subscripts of each operand separated by commas, ``...`` for broadcast
            dims, and optionally ``->`` followed by the output's subscripts.
        operands: the tensors (or one list of them).

    Returns:
        The contraction; labels of size 1 broadcast against the same label elsewhere.

    Example::

        >>> a, b = retrograd.randn(2, 3), retrograd.randn(3, 4)
        >>> retrograd.einsum("ij,jk->ik", a, b).shape
        retrograd.Size([2, 4])
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    for i, x in enumerate(operands):
        check_tensor(x, "einsum", f"operands[{i}]")
    if len({x._data.dtype for x in operands}) > 1:
        raise RuntimeError(
            "einsum(): operands must have the same dtype, but got "
            + ", ".join(str(x.dtype) for x in operands)
        )
    terms, out = _parse_einsum(equation, [x._data.shape for x in operands])
    pairs = [_einsum_diagonals(t, x) for t, x in zip(terms, operands)]
    sizes: dict[str, int] = {}
    for k, (t, x) in enumerate(pairs):
        for c, n in zip(t, x._data.shape):
            if sizes.get(c, 1) != 1 and n not in (1, sizes[c]):
                raise RuntimeError(
                    f"einsum(): subscript {c} has size {n} for operand {k} which "
                    f"does not broadcast with previously seen size {sizes[c]}"
                )
            sizes[c] = n if sizes.get(c, 1) == 1 else sizes[c]
    terms2, xs = [], []
    for k, (t, x) in enumerate(pairs):
        elsewhere = out + "".join(u for j, (u, _) in enumerate(pairs) if j != k)
        alone = [i for i, c in enumerate(t) if c not in elsewhere]
        if alone:  # summed labels no other operand has: sum them first
            x = x.sum(tuple(alone))
            t = "".join(c for c in t if c in elsewhere)
        target = tuple(sizes[c] for c in t)
        if x._data.shape != target:
            x = x.expand(target)
        terms2.append(t)
        xs.append(x)
    eq = ",".join(terms2) + "->" + out
    return apply(P.einsum_primitive(len(xs)), *xs, equation=eq)


def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Contract the last ``dims`` dims of ``a`` with the first ``dims`` of ``b``, or the
    dims listed in ``dims = (dims_a, dims_b)``."""
    check_tensor(a, "tensordot", "a")
    check_tensor(b, "tensordot", "b")
    na, nb = a._data.ndim, b._data.ndim
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(na, nb):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(na - dims, na)), list(range(dims))
    else:
        da, db = ([d] if isinstance(d, int) else list(d) for d in dims)
        if len(da) != len(db):
            raise RuntimeError("both dimension lists should have same length")
    da = [_wrap_dim(d, na) for d in da]
    db = [_wrap_dim(d, nb) for d in db]
    for i, j in zip(da, db):
        if a._data.shape[i] != b._data.shape[j]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a._data.shape[i]} "
                f"in dim {i} and second has size {b._data.shape[j]} in dim {j}"
            )
    la, lb = _LETTERS[:na], list(_LETTERS[na : na + nb])
    for i, j in zip(da, db):
        lb[j] = la[i]
    out = "".join(c for i, c in enumerate(la) if i not in da)
    out += "".join(c for j, c in enumerate(lb) if j not in db)
    return einsum(f"{la},{''.join(lb)}->{out}", a, b)


def inner(input: Tensor, other: Tensor) -> Tensor:
    """Sum of products over the last dims; a 0-d operand multiplies."""
    check_tensor(input, "inner")
    check_tensor(other, "inner", "other")
    if input._data.ndim == 0 or other._data.ndim == 0:
        return input * other
    if input._data.shape[-1] != other._data.shape[-1]:
        raise RuntimeError(
            f"inner() the last dimension must match on both input tensors but got shapes "
            f"{list(input._data.shape)} and {list(other._data.shape)}"
        )
    return tensordot(input, other, ([-1], [-1]))


def kron(input: Tensor, other: Tensor) -> Tensor:
    """Kronecker product: blocks ``input[i, j] * other`` (dims aligned at the right)."""
    check_tensor(input, "kron")
    check_tensor(other, "kron", "other")
    n = max(input._data.ndim, other._data.ndim)
    sa = (1,) * (n - input._data.ndim) + input._data.shape
    sb = (1,) * (n - other._data.ndim) + other._data.shape
    a = input.reshape(tuple(x for d in sa for x in (d, 1)))
    b = other.reshape(tuple(x for d in sb for x in (1, d)))
    return (a * b).reshape(tuple(x * y for x, y in zip(sa, sb)))


# ---------------------------------------------------------- diagonals and triangles
def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """A view of the diagonal of dims ``dim1`` and ``dim2`` (placed last); ``offset`` > 0
    is above the main diagonal."""
    check_tensor(input, "diagonal")
    n = input._data.ndim
    if n < 2:
        raise RuntimeError(f"diagonal dimensions requires ndim larger than 2, but got {n}")
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply(P.Diagonal, input, offset=int(offset), dim1=d1, dim2=d2)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices (in dims ``dim1``, ``dim2``) whose ``offset`` diagonal is the input's last
    dim; the inverse of ``diagonal``."""
    check_tensor(input, "diag_embed")
    shape = input._data.shape
    n = len(shape) + 1
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    k = (shape[-1] if shape else 1) + abs(int(offset))
    rest = list(shape[:-1])
    for d in sorted((d1, d2)):
        rest.insert(d, k)
    x = input if shape else input.reshape(1)
    return apply(P.DiagEmbed, x, shape=tuple(rest), offset=int(offset), dim1=d1, dim2=d2)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D input becomes the ``diagonal``-th diagonal of a square matrix; a matrix gives
    its ``diagonal``-th diagonal (a copy)."""
    check_tensor(input, "diag")
    n = input._data.ndim
    if n == 1:
        return diag_embed(input, diagonal, 0, 1)
    if n == 2:
        return apply(P.Diagonal, input, offset=int(diagonal), dim1=0, dim2=1).clone()
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {n}D")


def trace(input: Tensor) -> Tensor:
    """Sum of the main diagonal of a matrix."""
    check_tensor(input, "trace")
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    return apply(P.Diagonal, input, offset=0, dim1=0, dim2=1).sum()


def _triangle(prim: Any, name: str) -> Any:
    def op(input: Tensor, diagonal: int = 0) -> Tensor:
        check_tensor(input, name)
        if input._data.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return apply(prim, input, k=int(diagonal))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"""The {"lower" if name == "tril" else "upper"} triangle of the last two
    dims, on and {"below" if name == "tril" else "above"} diagonal ``diagonal``; the rest
    zeros."""
    return op


tril = _triangle(P.Tril, "tril")
triu = _triangle(P.Triu, "triu")


# -------------------------------------------------------------------------- cross
def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """Cross product of 3-vectors along ``dim``; the inputs broadcast."""
    check_tensor(input, "linalg.cross")
    check_tensor(other, "linalg.cross", "other")
    if input._data.ndim != other._data.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    _dtypes_agree("expected scalar type {} but found {}", input, other)
    d = _wrap_dim(dim, input._data.ndim)
    na, nb = input._data.shape[d], other._data.shape[d]
    if na != 3 or nb != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got {na} and {nb}"
        )
    shape = infer_size(input._data.shape, other._data.shape)
    a, b = input.expand(shape).unbind(d), other.expand(shape).unbind(d)
    return stack_([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
                   a[0] * b[1] - a[1] * b[0]], d)  # fmt: skip


def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """``linalg.cross``; without ``dim``, the first dim of size 3 (PyTorch's deprecated
    default, with its warning)."""
    if dim is None:
        import warnings

        warnings.warn(
            "Using torch.cross without specifying the dim arg is deprecated.\nPlease either "
            "pass the dim explicitly or simply use torch.linalg.cross.\nThe default value of "
            "dim will change to agree with that of linalg.cross in a future release.",
            UserWarning,
            stacklevel=2,
        )
        shape = infer_size(input._data.shape, other._data.shape)
        dim = next((i for i, n in enumerate(shape) if n == 3), -1)
    return linalg_cross(input, other, dim=dim)


# ------------------------------------------------------------------ matrix functions
LinAlgError = P.LinAlgError
return_types_slogdet = namedtuple("slogdet", ["sign", "logabsdet"])
return_types_eigh = namedtuple("eigh", ["eigenvalues", "eigenvectors"])
return_types_svd = namedtuple("svd", ["U", "S", "Vh"])
return_types_torch_svd = namedtuple("svd", ["U", "S", "V"])
return_types_qr = namedtuple("qr", ["Q", "R"])
return_types_lstsq = namedtuple("lstsq", ["solution", "residuals", "rank", "singular_values"])
return_types_triangular_solve = namedtuple("triangular_solve", ["solution", "cloned_coefficient"])


def _matrices(a: Tensor, op: str, name: str = "A", square: bool = True) -> None:
    """PyTorch's checks on a batch of matrices: rank, squareness, floating dtype."""
    check_tensor(a, op, name)
    if a._data.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor {name} must have at least 2 dimensions.")
    if square and a._data.shape[-1] != a._data.shape[-2]:
        m, n = a._data.shape[-2:]
        raise RuntimeError(
            f"{op}: {name} must be batches of square matrices, but they are {m} by {n} matrices"
        )
    dt = a._data.dtype
    if dt.itemsize == 2 and dt.kind in "fV":
        _low_precision(a, op)
    if dt.kind not in "fc":
        raise RuntimeError(
            f"{op}: Expected a floating point or complex tensor as input. Got "
            f"{a.dtype._legacy[:-6]}"
        )


# PyTorch's CPU kernels have no float16/bfloat16 linear algebra: the check (a message
# naming the op) or the kernel (a NotImplementedError naming the kernel) rejects them
_LOW_PRECISION_KERNEL = {
    "linalg.det": "lu_cpu", "linalg.solve": "lu_cpu", "linalg.eigh": "linalg_eigh_cpu",
    "linalg.svd": "linalg_svd_cpu", "linalg.svdvals": "linalg_svd_cpu",
    "linalg.cholesky": "cholesky_cpu", "linalg.qr": "geqrf_cpu",
    "linalg.solve_triangular": "triangular_solve_cpu", "cholesky_solve": "cholesky_solve_cpu",
}  # fmt: skip


def _low_precision(a: Tensor, op: str) -> None:
    """Reject a float16/bfloat16 input as PyTorch does. (Where only PyTorch's kernel
    rejects it, PyTorch lets an empty input through; retrograd rejects it all the same.)"""
    name = _type_name(a._data.dtype)
    if op in ("linalg.inv", "linalg.slogdet", "logdet"):
        raise RuntimeError(f"{op}: Low precision dtypes not supported. Got {name}")
    if op == "linalg.pinv":
        raise RuntimeError(
            f"linalg.pinv({name}{{{list(a.shape)}}}): expected a tensor with 2 or more "
            "dimensions of float, double, cfloat or cdouble types"
        )
    if op == "linalg.lstsq":
        raise RuntimeError("This function doesn't handle types other than float and double")
    if op in _LOW_PRECISION_KERNEL:
        kernel = _LOW_PRECISION_KERNEL[op]
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{name}'")


def linalg_inv(A: Tensor) -> Tensor:  # noqa: N803
    """Inverse of each square matrix in ``A``; :class:`LinAlgError` when one is singular."""
    _matrices(A, "linalg.inv")
    return apply(P.LinalgInvEx, A)


def inverse(input: Tensor) -> Tensor:
    """``linalg.inv``."""
    _matrices(input, "linalg.inv")
    return apply(P.LinalgInvEx, input)


def linalg_det(A: Tensor) -> Tensor:  # noqa: N803
    """Determinant of each square matrix in ``A`` (gradients for invertible matrices)."""
    _matrices(A, "linalg.det")
    return apply(P.LinalgDet, A)


def linalg_slogdet(A: Tensor) -> Any:  # noqa: N803
    """``(sign, logabsdet)`` with ``det A = sign * exp(logabsdet)``; the sign is a unit
    complex number for complex A."""
    _matrices(A, "linalg.slogdet")
    return return_types_slogdet(*apply(P.LinalgSlogdet, A))


def logdet(input: Tensor) -> Tensor:
    """log det A: nan for a negative real determinant, -inf for a zero one."""
    _matrices(input, "logdet")
    sign, logabs = apply(P.LinalgSlogdet, input)
    if input.is_complex():
        return logabs + sign.log()
    nan = Tensor._wrap(np.array(np.nan, logabs._data.dtype))
    return logabs.where(sign.detach() >= 0, nan)


def _as_batches(a: Tensor, b: Tensor, op: str) -> tuple[Tensor, Tensor, bool]:
    """A and B broadcast to the same batch shape; a vector B becomes a column (PyTorch
    takes B as a vector when it is 1-D or A's shape without the last dim)."""
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"{op}: Expected A and B to have the same dtype, but found A of type "
            f"{a.dtype._legacy[:-6]} and B of type {b.dtype._legacy[:-6]} instead"
        )
    sa, sb = a._data.shape, b._data.shape
    vector = b._data.ndim == 1 or (b._data.ndim == a._data.ndim - 1 and sb == sa[:-1])
    if vector:
        b = b.unsqueeze(-1)
        sb = b._data.shape
    if sb[-2] != sa[-1]:
        what = f"({sb[-2]}x{sb[-1]})" if not vector else f"({sb[-2]})"
        raise RuntimeError(
            f"{op}: Incompatible shapes of A and B for the equation AX = B "
            f"({sa[-2]}x{sa[-1]} and {what.strip('()')})"
        )
    batch = infer_size(sa[:-2], sb[:-2])
    if sa[:-2] != batch:
        a = a.expand((*batch, *sa[-2:]))
    if sb[:-2] != batch:
        b = b.expand((*batch, *sb[-2:]))
    return a, b, vector


def linalg_solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:  # noqa: N803
    """X with ``A X = B`` (``X A = B`` when ``left=False``); batches broadcast and a vector
    B gives a vector X."""
    _matrices(A, "linalg.solve")
    check_tensor(B, "linalg.solve", "B")
    if not left:
        return linalg_solve(A.mT, B.mT).mT
    a, b, vector = _as_batches(A, B, "linalg.solve")
    x = apply(P.LinalgSolve, a, b)
    return x.squeeze(-1) if vector else x


def linalg_solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True,  # noqa: N803
                            unitriangular: bool = False) -> Tensor:  # fmt: skip
    """X with ``A X = B`` for triangular A (``X A = B`` when ``left=False``); only A's
    ``upper`` or lower triangle is read, and its diagonal is taken as ones when
    ``unitriangular``."""
    _matrices(A, "linalg.solve_triangular")
    _matrices(B, "linalg.solve_triangular", "B", square=False)
    if not left:
        x = linalg_solve_triangular(A.mT, B.mT, upper=not upper, unitriangular=unitriangular)
        return x.mT
    a, b, _ = _as_batches(A, B, "linalg.solve_triangular")
    return apply(P.LinalgSolveTriangular, a, b, upper=bool(upper),
                 unitriangular=bool(unitriangular))  # fmt: skip


def triangular_solve(b: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,  # noqa: N803
                     unitriangular: bool = False) -> Any:  # fmt: skip
    """Deprecated PyTorch form: ``(X, A.clone())`` with ``op(A) X = b``, op transposing A
    when ``transpose``."""
    a = A.mT if transpose else A
    x = linalg_solve_triangular(a, b, upper=upper != transpose, unitriangular=unitriangular)
    return return_types_triangular_solve(x, A.clone())


def linalg_cholesky(A: Tensor, *, upper: bool = False) -> Tensor:  # noqa: N803
    """L lower-triangular with ``A = L Lᴴ`` (``U = Lᴴ`` when ``upper``), reading A's lower
    triangle; :class:`LinAlgError` if A is not positive-definite."""
    _matrices(A, "linalg.cholesky")
    lo = apply(P.LinalgCholeskyEx, A)
    return lo.mH if upper and lo.is_complex() else (lo.mT if upper else lo)


def cholesky(input: Tensor, upper: bool = False) -> Tensor:
    """``linalg.cholesky`` under its older name."""
    # its kernel, unlike linalg.cholesky's check, rejects integers as not implemented
    if isinstance(input, Tensor) and input._data.ndim >= 2 and input._data.dtype.kind in "biu":
        name = _type_name(input._data.dtype)
        raise NotImplementedError(f"\"cholesky_cpu\" not implemented for '{name}'")
    return linalg_cholesky(input, upper=upper)


def cholesky_solve(B: Tensor, L: Tensor, upper: bool = False) -> Tensor:  # noqa: N803
    """X with ``(L Lᴴ) X = B`` for a Cholesky factor L (``Uᴴ U`` when ``upper``). The
    gradient treats L as the full matrix in ``L Lᴴ``, as PyTorch's does."""
    _matrices(L, "cholesky_solve", "L")
    a = L.mH @ L if upper else L @ L.mH
    return linalg_solve(a, B)


def linalg_eigh(A: Tensor, UPLO: str = "L") -> Any:  # noqa: N803
    """Eigenvalues (ascending) and orthonormal eigenvectors of Hermitian matrices, read
    from the ``UPLO`` triangle. Eigenvectors are fixed only up to sign (phase): make what
    you differentiate independent of it."""
    _matrices(A, "linalg.eigh")
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return return_types_eigh(*apply(P.LinalgEigh, A, UPLO=UPLO))


def linalg_eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803
    """Eigenvalues (ascending) of Hermitian matrices."""
    return linalg_eigh(A, UPLO).eigenvalues


def linalg_svd(A: Tensor, full_matrices: bool = True, *, driver: Any = None) -> Any:  # noqa: N803
    """``U, S, Vh`` with ``A = U diag(S) Vh``; singular values descending. Singular vectors
    are fixed only up to sign (phase): differentiate something independent of it."""
    _matrices(A, "linalg.svd", square=False)
    return return_types_svd(*apply(P.LinalgSvd, A, full_matrices=bool(full_matrices)))


def linalg_svdvals(A: Tensor, *, driver: Any = None) -> Tensor:  # noqa: N803
    """Singular values, descending."""
    _matrices(A, "linalg.svdvals", square=False)
    return apply(P.LinalgSvd, A, full_matrices=False)[1]


def svd(input: Tensor, some: bool = True, compute_uv: bool = True) -> Any:
    """Older form of ``linalg.svd``: returns ``V`` rather than ``Vh``."""
    u, s, vh = linalg_svd(input, full_matrices=not some)
    if not compute_uv:
        return return_types_torch_svd(u.new_zeros(u.shape).detach(), s,
                                      vh.new_zeros(vh.shape).detach())  # fmt: skip
    return return_types_torch_svd(u, s, vh.mH)


def linalg_qr(A: Tensor, mode: str = "reduced") -> Any:  # noqa: N803
    """``Q, R`` with ``A = QR``: Q with orthonormal columns, R upper-triangular.
    ``mode`` is 'reduced', 'complete' or 'r' (Q empty)."""
    _matrices(A, "linalg.qr", square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' "
            "(default), 'r', or 'complete'"
        )
    return return_types_qr(*apply(P.LinalgQr, A, mode=mode))


def qr(input: Tensor, some: bool = True) -> Any:
    """Older form of ``linalg.qr``."""
    return linalg_qr(input, "reduced" if some else "complete")


def linalg_pinv(A: Tensor, *, atol: Any = None, rtol: Any = None,  # noqa: N803
                hermitian: bool = False) -> Tensor:  # fmt: skip
    """Moore-Penrose pseudo-inverse; singular values at or below
    ``max(atol, rtol * s_max)`` count as zero (rtol defaults to ``max(m, n) * eps`` when
    atol is not given, else to 0). ``hermitian`` says A is Hermitian (the full matrix is
    used, as PyTorch's gradient does)."""
    _matrices(A, "linalg.pinv", square=False)
    eps = float(np.finfo(A._data.dtype).eps)
    if rtol is None:
        rtol = max(A._data.shape[-2:]) * eps if atol is None or atol == 0 else 0.0
    return apply(P.LinalgPinv, A, atol=float(atol or 0.0), rtol=float(rtol))


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """``linalg.pinv`` with a relative cutoff ``rcond``."""
    return linalg_pinv(input, rtol=rcond)


def linalg_matrix_power(A: Tensor, n: int) -> Tensor:  # noqa: N803
    """A multiplied by itself n times (by squaring); the identity for n = 0, powers of the
    inverse for n < 0."""
    # matrix products (n >= 0) exist for bfloat16 too, as in PyTorch
    _matrices(A.detach().float() if A._data.dtype.kind == "V" else A, "linalg.matrix_power")
    if not isinstance(n, (int, np.integer)):
        raise TypeError(f"matrix_power(): argument 'n' must be int, not {type(n).__name__}")
    if n == 0:
        eye = np.broadcast_to(np.eye(A._data.shape[-1], dtype=A._data.dtype), A._data.shape)
        # the identity, but (as in PyTorch) an output of A with a zero gradient
        keep = Tensor._wrap(np.ones(A._data.shape, bool))
        return Tensor._wrap(eye.copy()).where(keep, A)
    x = linalg_inv(A) if n < 0 else A
    result, n = None, abs(int(n))
    while n:
        if n & 1:
            result = x if result is None else result @ x
        n >>= 1
        if n:
            x = x @ x
    return result if result is not A else A.clone()


def linalg_lstsq(A: Tensor, B: Tensor, rcond: Any = None, *, driver: Any = None) -> Any:  # noqa: N803
    """Least-squares solution of ``A X = B`` (PyTorch's CPU default driver 'gelsy': rank
    computed, residuals and singular values empty)."""
    _matrices(A, "linalg.lstsq", square=False)
    check_tensor(B, "linalg.lstsq", "B")
    vector = B._data.ndim == A._data.ndim - 1
    b = B.unsqueeze(-1) if vector else B
    if b._data.shape[-2] != A._data.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    eps = float(np.finfo(A._data.dtype).eps)
    rtol = max(A._data.shape[-2:]) * eps if rcond is None else float(rcond)
    x = linalg_pinv(A, rtol=rtol) @ b
    x = x.squeeze(-1) if vector else x
    s = np.linalg.svd(A._data, compute_uv=False)
    smax = s.max(-1, keepdims=True) if s.shape[-1] else s
    rank = Tensor._wrap((s > rtol * smax).sum(-1).astype(np.int64))
    empty = Tensor._wrap(np.zeros((0,), A._data.real.dtype))
    # PyTorch's residuals (empty for its default driver) are still an output of the op
    residuals = x.reshape(-1)[:0]
    return return_types_lstsq(x, residuals, rank, empty)


def det(input: Tensor) -> Tensor:
    """``linalg.det``."""
    return linalg_det(input)


def slogdet(input: Tensor) -> Any:
    """``linalg.slogdet``."""
    return linalg_slogdet(input)


def matrix_power(input: Tensor, n: int) -> Tensor:
    """``linalg.matrix_power``."""
    return linalg_matrix_power(input, n)


# ------------------------------------------------------------------------ in place
def _inplace(fn: Any, name: str) -> Any:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        from .inplace import apply_inplace

        others = tuple(args) + tuple(kwargs.values())
        return apply_inplace(self, lambda t: fn(t, *args, **kwargs), others, name)

    method.__name__ = name + "_"
    method.__doc__ = f"In-place ``{name}``; returns self."
    return method


tril_ = _inplace(tril, "tril")
triu_ = _inplace(triu, "triu")
addmm_ = _inplace(addmm, "addmm")
addmv_ = _inplace(addmv, "addmv")
addbmm_ = _inplace(addbmm, "addbmm")
baddbmm_ = _inplace(baddbmm, "baddbmm")
addr_ = _inplace(addr, "addr")


# ------------------------------------------------------------ products of several
def linalg_multi_dot(tensors: Any) -> Tensor:
    """Product of a chain of matrices (the first may be a row vector, the last a column
    vector), multiplied in the cheapest order."""
    ts = list(tensors)
    if len(ts) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(ts)}")
    for i, t in enumerate(ts):
        check_tensor(t, "multi_dot", f"tensors[{i}]")
        allowed = (1, 2) if i in (0, len(ts) - 1) else (2,)
        if t._data.ndim not in allowed:
            which = "first" if i == 0 else ("last" if i == len(ts) - 1 else None)
            raise RuntimeError(
                f"multi_dot(): the {which} tensor must be 1D or 2D but got {t._data.ndim}D"
                if which
                else f"multi_dot(): tensor {i} must be 2D but got {t._data.ndim}D"
            )
    first, last = ts[0]._data.ndim == 1, ts[-1]._data.ndim == 1
    mats = [ts[0].unsqueeze(0) if first else ts[0], *ts[1:-1]]
    mats.append(ts[-1].unsqueeze(-1) if last else ts[-1])
    for i in range(len(mats) - 1):
        if mats[i]._data.shape[1] != mats[i + 1]._data.shape[0]:
            raise RuntimeError(
                f"multi_dot(): tensors {i} and {i + 1} with shapes "
                f"{list(ts[i]._data.shape)} and {list(ts[i + 1]._data.shape)} cannot be "
                "multiplied"
            )
    out = _chain(mats, _chain_order([m._data.shape[0] for m in mats] + [mats[-1]._data.shape[1]]),
                 0, len(mats) - 1)  # fmt: skip
    if first:
        out = out.squeeze(0)
    return out.squeeze(-1) if last else out


def _chain_order(dims: list[int]) -> list[list[int]]:
    """Where to split each sub-chain: the classic dynamic programme on multiplication
    counts (dims[i] x dims[i + 1] is matrix i)."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j], split[i][j] = min(
                (cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1], k)
                for k in range(i, j)
            )
    return split


def _chain(mats: list[Tensor], split: list[list[int]], i: int, j: int) -> Tensor:
    if i == j:
        return mats[i]
    k = split[i][j]
    return mm(_chain(mats, split, i, k), _chain(mats, split, k + 1, j))


def chain_matmul(*matrices: Tensor) -> Tensor:
    """Deprecated PyTorch form of ``linalg.multi_dot`` (matrices only)."""
    if len(matrices) == 1:
        return matrices[0].clone()
    return linalg_multi_dot(matrices)


def linalg_vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """Dot product ``sum(conj(x) * y)`` along ``dim``; the inputs broadcast."""
    check_tensor(x, "linalg.vecdot", "x")
    check_tensor(y, "linalg.vecdot", "y")
    return ((x.conj() if x.is_complex() else x) * y).sum(dim)


def linalg_diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:  # noqa: N803
    """``diagonal`` with the matrix dims last by default."""
    return diagonal(A, offset, dim1, dim2)


def linalg_matmul(input: Tensor, other: Tensor) -> Tensor:
    """``matmul``."""
    return matmul(input, other)


# functions whose PyTorch form takes out= (they declare no ``out`` themselves; _out.py
# wraps them), checked against PyTorch in tests/test_ops_kwargs.py
_TAKES_OUT = (
    "matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "addmm", "addmv", "addr",
    "baddbmm", "addbmm", "chain_matmul", "tensordot", "kron", "diag", "tril", "triu", "cross",
    "linalg_cross", "inverse", "linalg_inv", "linalg_det", "slogdet", "linalg_slogdet",
    "linalg_solve", "linalg_solve_triangular", "triangular_solve", "linalg_cholesky",
    "cholesky", "cholesky_solve", "linalg_qr", "qr", "linalg_eigh", "linalg_eigvalsh",
    "linalg_svd", "svd", "linalg_svdvals", "linalg_pinv", "linalg_matrix_power",
    "matrix_power", "linalg_lstsq", "linalg_multi_dot", "linalg_matmul", "linalg_vecdot",
)  # fmt: skip
