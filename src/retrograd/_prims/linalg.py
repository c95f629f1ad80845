"""Linear algebra primitives. ``matmul`` covers every rank combination (its subclasses only
set the node name PyTorch shows: DotBackward0, MvBackward0, MmBackward0, BmmBackward0);
``einsum`` covers general contractions; diagonals, triangles and the decompositions follow."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from . import _core
from ._core import Ctx, Primitive, apply


class MatMul(Primitive):
    """a @ b with NumPy's (and PyTorch's) broadcasting and 1-D promotion rules."""

    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = np.matmul(a, b)
        # NumPy computes bfloat16 products in float32 and returns that; PyTorch rounds back
        return out if out.dtype == a.dtype else out.astype(a.dtype)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, Any]:
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        a1, b1 = a.ndim == 1, b.ndim == 1
        # promote 1-D operands to matrices, as the forward did, and the gradient with them
        a2 = a.unsqueeze(0) if a1 else a
        b2 = b.unsqueeze(-1) if b1 else b
        g2 = g.unsqueeze(-1) if b1 else g
        g2 = g2.unsqueeze(-2) if a1 else g2
        ga = gb = None
        if na:
            ga = g2 @ b2.mT.conj() if b2.is_complex() else g2 @ b2.mT
            ga = ga.squeeze(-2) if a1 else ga
        if nb:
            gb = a2.mT.conj() @ g2 if a2.is_complex() else a2.mT @ g2
            gb = gb.squeeze(-1) if b1 else gb
        return ga, gb

    @staticmethod
    def jvp(ctx: Ctx, ta: Any, tb: Any) -> Any:
        a, b = ctx.inputs
        out = None
        if ta is not None:
            out = ta @ b
        if tb is not None:
            out = a @ tb if out is None else out + a @ tb
        return out


class Dot(MatMul):
    pass


class Mv(MatMul):
    pass


class Mm(MatMul):
    pass


class Bmm(MatMul):
    pass


# ---------------------------------------------------------------------------- einsum
def einsum_vjp_equation(terms: list[str], out: str, i: int) -> str:
    """The equation giving operand ``i``'s gradient: the output's gradient contracted
    with every other operand. Valid because ``einsum`` hands the primitive terms in which
    each label of an operand also appears in the output or in another operand."""
    others = [t for j, t in enumerate(terms) if j != i]
    return ",".join([out] + others) + "->" + terms[i]


class Einsum(Primitive):
    """``np.einsum`` over a normalised equation: explicit output, no ellipsis, no label
    repeated within an operand, none appearing in one operand only and summed (the op
    layer takes diagonals and sums those first). Under those conditions each operand's
    gradient is itself an einsum of the output gradient with the other operands, so
    derivatives of every order stay einsums."""

    @staticmethod
    def forward(ctx: Ctx, *arrays: np.ndarray, equation: str) -> np.ndarray:
        dt = arrays[0].dtype
        if dt.kind == "V":  # NumPy's C einsum has no bfloat16 loop: float32, rounded back
            arrays = tuple(a.astype(np.float32) for a in arrays)
        out = np.einsum(equation, *arrays, optimize=len(arrays) > 1)
        if out.dtype != dt and dt.kind == "V":
            out = out.astype(dt)
        # a permutation of one operand comes back as a view of it: the result owns its data
        return out.copy() if len(arrays) == 1 and np.may_share_memory(out, arrays[0]) else out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> tuple[Any, ...]:
        xs = ctx.saved_tensors
        lhs, out = ctx.params["equation"].split("->")
        terms = lhs.split(",")
        grads = []
        for i, need in enumerate(ctx.needs_input_grad):
            if not need:
                grads.append(None)
                continue
            others = [x.conj() if x.is_complex() else x for j, x in enumerate(xs) if j != i]
            eq = einsum_vjp_equation(terms, out, i)
            grads.append(apply(einsum_primitive(len(xs)), g, *others, equation=eq))
        return tuple(grads)

    @staticmethod
    def jvp(ctx: Ctx, *tangents: Any) -> Any:
        xs, prim, out = ctx.inputs, einsum_primitive(len(ctx.inputs)), None
        for i, t in enumerate(tangents):
            if t is not None:
                args = [t if j == i else x for j, x in enumerate(xs)]
                term = apply(prim, *args, **ctx.params)
                out = term if out is None else out + term
        return out


@functools.cache
def einsum_primitive(n: int) -> type[Primitive]:
    """The einsum primitive for ``n`` operands (which inputs it saves depends on n)."""
    return type(f"Einsum{n}", (Einsum,), {"name": "Einsum", "save_inputs": tuple(range(n))})


# ----------------------------------------------------------- diagonals and triangles
def writable_diagonal(a: np.ndarray, offset: int, dim1: int, dim2: int) -> np.ndarray:
    """``np.diagonal`` as a writable view (NumPy hands out a read-only one), so in-place
    changes through ``diagonal()`` reach the base as in PyTorch."""
    d = np.diagonal(a, offset, dim1, dim2)
    if a.flags.writeable:
        d.flags.writeable = True
    return d


class Diagonal(Primitive):
    """A view of the diagonal of dims (dim1, dim2), placed last; the gradient writes the
    output's gradient onto the same diagonal of zeros."""

    view = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, offset: int, dim1: int, dim2: int) -> np.ndarray:
        ctx.in_shape = a.shape
        return writable_diagonal(a, offset, dim1, dim2)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        return apply(DiagEmbed, g, shape=ctx.in_shape, **ctx.params)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return apply(Diagonal, t, **ctx.params)


class DiagEmbed(Primitive):
    """Zeros of ``shape`` with the input's last dim written onto the diagonal of dims
    (dim1, dim2): ``diag_embed``, and the gradient of ``diagonal``."""

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, shape: tuple[int, ...], offset: int, dim1: int,
                dim2: int) -> np.ndarray:  # fmt: skip
        out = np.zeros(shape, a.dtype)
        writable_diagonal(out, offset, dim1, dim2)[...] = a
        return out

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        p = ctx.params
        return apply(Diagonal, g, offset=p["offset"], dim1=p["dim1"], dim2=p["dim2"])

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        return apply(DiagEmbed, t, **ctx.params)


class Tril(Primitive):
    """The lower triangle (below diagonal ``k``) of the last two dims; linear."""

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, k: int) -> np.ndarray:
        return np.tril(a, k)

    @classmethod
    def vjp(cls, ctx: Ctx, g: Any) -> Any:
        return apply(cls, g, **ctx.params)

    @classmethod
    def jvp(cls, ctx: Ctx, t: Any) -> Any:
        return apply(cls, t, **ctx.params)


class Triu(Tril):
    """The upper triangle (above diagonal ``k``) of the last two dims; linear."""

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, k: int) -> np.ndarray:
        return np.triu(a, k)


# ------------------------------------------------------------------- decompositions
class LinAlgError(RuntimeError):
    """A matrix function failed on its input (singular, not positive-definite...)."""


def _mh(x: Any) -> Any:
    return x.mH if x.is_complex() else x.mT


def _diag_embed(x: Any) -> Any:
    n = x.shape[-1]
    return apply(DiagEmbed, x, shape=(*x.shape, n), offset=0, dim1=x.ndim - 1, dim2=x.ndim)


def _diagonal(x: Any) -> Any:
    return apply(Diagonal, x, offset=0, dim1=x.ndim - 2, dim2=x.ndim - 1)


def _numpy_call(op: str, fn: Any, *arrays: np.ndarray, why: str) -> Any:
    try:
        return fn(*arrays)
    except np.linalg.LinAlgError:
        raise LinAlgError(f"{op}: {why}") from None


_SINGULAR = "The input matrix is singular (not invertible), so the operation is undefined."


class LinalgInvEx(Primitive):
    """A⁻¹; the gradient is ``-A⁻ᴴ g A⁻ᴴ``."""

    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        return _numpy_call("linalg.inv", np.linalg.inv, a, why=_SINGULAR)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        xh = _mh(x)
        return -(xh @ g @ xh)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        x = ctx.out
        return -(x @ t @ x)


class LinalgDet(Primitive):
    """det(A): the gradient is ``g conj(det) A⁻ᴴ`` (zero at exactly singular A, as
    PyTorch's)."""

    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        return np.linalg.det(a)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        a, d = ctx.saved_tensors
        c = (g * d.conj() if d.is_complex() else g * d).unsqueeze(-1).unsqueeze(-1)
        singular = d._data == 0
        if singular.any():
            # PyTorch's gradient at an exactly singular matrix is zero (c is 0 there): such
            # matrices are swapped for the identity so the inverse exists
            eye = np.eye(a.shape[-1], dtype=a._data.dtype)
            keep = _core._Tensor._wrap(~singular[..., None, None] | np.zeros(a.shape, bool))
            a = a.where(keep, _core._Tensor._wrap(eye))
        return c * _mh(apply(LinalgInvEx, a))

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        a = ctx.inputs[0]
        return ctx.out * _diagonal(apply(LinalgSolve, a, t)).sum(-1)


class LinalgSlogdet(Primitive):
    """(sign, log|det A|) for invertible A. log|det| has gradient ``Re(g) A⁻ᴴ``; for complex
    A the sign (a phase) moves with ``Im tr(A⁻¹ dA)``."""

    save_inputs = (0,)
    save_output = True
    differentiable_outputs = (0, 1)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sign, logabs = np.linalg.slogdet(a)
        return sign, logabs

    @staticmethod
    def vjp(ctx: Ctx, g_sign: Any, g_log: Any) -> Any:
        a, sign = ctx.saved_tensors
        c = g_log
        if a.is_complex():
            c = g_log - 1j * (g_sign.conj() * sign).imag
        return c.unsqueeze(-1).unsqueeze(-1) * _mh(apply(LinalgInvEx, a))

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        a = ctx.inputs[0]
        tr = _diagonal(apply(LinalgSolve, a, t)).sum(-1)
        if not a.is_complex():
            return tr.new_zeros(tr.shape), tr
        return 1j * tr.imag * ctx.out, tr.real


class LinalgSolve(Primitive):
    """X with ``A X = B`` (B of matrices, same batch shape as A): ``gB = A⁻ᴴ g``,
    ``gA = -gB Xᴴ``."""

    node_name = "LinalgSolveExBackward0"
    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return _numpy_call("linalg.solve", np.linalg.solve, a, b, why=_SINGULAR)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        a, x = ctx.saved_tensors
        gb = apply(LinalgSolve, _mh(a), g)
        ga = -(gb @ _mh(x)) if ctx.needs_input_grad[0] else None
        return ga, gb

    @staticmethod
    def jvp(ctx: Ctx, ta: Any, tb: Any) -> Any:
        a, x = ctx.inputs[0], ctx.out
        rhs = tb if ta is None else (-(ta @ x) if tb is None else tb - ta @ x)
        return apply(LinalgSolve, a, rhs)


def _triangle_of(a: np.ndarray, upper: bool, unit: bool) -> np.ndarray:
    t = np.triu(a) if upper else np.tril(a)
    if unit:
        writable_diagonal(t, 0, -2, -1)[...] = 1
    return t


class LinalgSolveTriangular(Primitive):
    """X with ``A X = B`` for triangular A (only its triangle is read). The gradient of A
    is the triangle of ``-gB Xᴴ`` (without the diagonal when it is taken as ones)."""

    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, b: np.ndarray, upper: bool,
                unitriangular: bool) -> np.ndarray:  # fmt: skip
        t = _triangle_of(a, upper, unitriangular)
        return _numpy_call("linalg.solve_triangular", np.linalg.solve, t, b, why=_SINGULAR)

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        a, x = ctx.saved_tensors
        p = ctx.params
        gb = apply(LinalgSolveTriangular, _mh(a), g, upper=not p["upper"],
                   unitriangular=p["unitriangular"])  # fmt: skip
        ga = None
        if ctx.needs_input_grad[0]:
            ga = -(gb @ _mh(x))
            k = -1 if p["unitriangular"] else 0
            ga = apply(Triu, ga, k=-k) if p["upper"] else apply(Tril, ga, k=k)
        return ga, gb

    @staticmethod
    def jvp(ctx: Ctx, ta: Any, tb: Any) -> Any:
        a, x, p = ctx.inputs[0], ctx.out, ctx.params
        if ta is not None:
            k = -1 if p["unitriangular"] else 0
            ta = apply(Triu, ta, k=-k) if p["upper"] else apply(Tril, ta, k=k)
        rhs = tb if ta is None else (-(ta @ x) if tb is None else tb - ta @ x)
        return apply(LinalgSolveTriangular, a, rhs, **p)


def _not_pd(a: np.ndarray) -> str:
    """PyTorch's message: which leading minor (of which batch element) is not positive."""
    flat = a.reshape(-1, *a.shape[-2:])
    for b, m in enumerate(flat):
        for k in range(1, m.shape[-1] + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                where = f"(Batch element {b}): " if a.ndim > 2 else ""
                return (f"{where}The factorization could not be completed because the input is "
                        f"not positive-definite (the leading minor of order {k} is not "
                        "positive-definite).")  # fmt: skip
    return "The factorization could not be completed."


class LinalgCholeskyEx(Primitive):
    """L with ``A = L Lᴴ`` (the lower triangle of A is read). The gradient is PyTorch's
    symmetrised ``L⁻ᴴ Φ(Lᴴ gL) L⁻¹``, Φ taking the lower triangle with half the diagonal."""

    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray) -> np.ndarray:
        try:
            return np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise LinAlgError(f"linalg.cholesky: {_not_pd(a)}") from None

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        (lo,) = ctx.saved_tensors
        p = _mh(lo) @ g
        phi = apply(Tril, p, k=0) - 0.5 * _diag_embed(_diagonal(p))
        left = apply(LinalgSolveTriangular, _mh(lo), phi, upper=True, unitriangular=False)
        ga = _mh(apply(LinalgSolveTriangular, _mh(lo), _mh(left), upper=True,
                       unitriangular=False))  # fmt: skip
        return 0.5 * (ga + _mh(ga))

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        lo = ctx.out
        # dL = L Φ(L⁻¹ dA L⁻ᴴ) for the Hermitian part of dA (the part the output sees)
        t = 0.5 * (t + _mh(t))
        y = apply(LinalgSolveTriangular, lo, t, upper=False, unitriangular=False)
        m = _mh(apply(LinalgSolveTriangular, lo, _mh(y), upper=False, unitriangular=False))
        return lo @ (apply(Tril, m, k=0) - 0.5 * _diag_embed(_diagonal(m)))


def _skew_over_gaps(j: Any, w: Any, squared: bool = False) -> Any:
    """``F ∘ (J - Jᴴ)`` with ``F_ij = 1 / (w_j - w_i)`` off the diagonal and 0 on it (w
    squared first for singular values): the part of a gradient that rotates a basis."""
    if squared:
        w = w * w
    gaps = w.unsqueeze(-2) - w.unsqueeze(-1)
    return (j - _mh(j)) * _inverse_gaps(gaps)


def _inverse_gaps(gaps: Any) -> Any:
    """1 / gaps off the diagonal, 0 on it (a 1 added there keeps the division finite)."""
    eye = _core._Tensor._wrap(np.eye(gaps.shape[-1], dtype=gaps._data.dtype))
    return (1 - eye) / (gaps + eye)


class LinalgEigh(Primitive):
    """Eigenvalues (ascending) and eigenvectors of a Hermitian matrix, read from one
    triangle. The gradient is PyTorch's ``Q (diag(gL) + F ∘ skew(Qᴴ gQ) / 2) Qᴴ``,
    a Hermitian matrix. The rules recompute the decomposition from the saved input, so
    the gradient is itself differentiable."""

    save_inputs = (0,)
    differentiable_outputs = (0, 1)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, UPLO: str) -> tuple[np.ndarray, np.ndarray]:  # noqa: N803
        w, v = _numpy_call("linalg.eigh", np.linalg.eigh, a, UPLO, why="did not converge")
        return w, v

    @staticmethod
    def vjp(ctx: Ctx, gw: Any, gv: Any) -> Any:
        (a,) = ctx.saved_tensors
        w, v = apply(LinalgEigh, a, **ctx.params)
        inner = 0.5 * _skew_over_gaps(_mh(v) @ gv, w) + _diag_embed(gw.to(v.dtype))
        return v @ inner @ _mh(v)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        a = ctx.inputs[0]
        w, v = apply(LinalgEigh, a, **ctx.params)
        m = _mh(v) @ (0.5 * (t + _mh(t))) @ v
        dw = _diagonal(m)
        dw = dw.real if dw.is_complex() else dw
        return dw, v @ (m * _inverse_gaps(w.unsqueeze(-2) - w.unsqueeze(-1)))


def _mat_cols(x: Any, s: Any) -> Any:
    """x with column j divided by s_j."""
    return x / s.unsqueeze(-2)


class LinalgSvd(Primitive):
    """U, S, Vh with ``A = U diag(S) Vh``. PyTorch's gradient (distinct, non-zero singular
    values), rotations of U and V weighted by ``1 / (s_j² - s_i²)``; with full matrices
    only the first k = min(m, n) singular vectors carry gradient, as in PyTorch."""

    save_inputs = (0,)
    differentiable_outputs = (0, 1, 2)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, full_matrices: bool) -> tuple[np.ndarray, ...]:
        u, s, vh = _numpy_call("linalg.svd", np.linalg.svd, a, full_matrices,
                               why="The algorithm failed to converge.")  # fmt: skip
        return u, s, vh

    @staticmethod
    def vjp(ctx: Ctx, gu: Any, gs: Any, gvh: Any) -> Any:
        (a,) = ctx.saved_tensors
        u, s, vh = apply(LinalgSvd, a, full_matrices=False)
        m, n = a.shape[-2:]
        k = s.shape[-1]
        gu, gvh = gu[..., :k], gvh[..., :k, :]
        v, gv = _mh(vh), _mh(gvh)
        j, kk = _mh(u) @ gu, _mh(v) @ gv
        sc = s.to(u.dtype)
        inner = _skew_over_gaps(j, s, squared=True) * sc.unsqueeze(-2)
        inner = inner + sc.unsqueeze(-1) * _skew_over_gaps(kk, s, squared=True)
        inner = inner + _diag_embed(gs.to(u.dtype))
        if u.is_complex():
            inner = inner + _diag_embed(1j * _diagonal(j).imag / s)
        ga = u @ inner @ vh
        if m > k:
            ga = ga + _mat_cols(gu - u @ j, sc) @ vh
        if n > k:
            ga = ga + u @ _mh(_mat_cols(gv - v @ kk, sc))
        return ga

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        full = ctx.params["full_matrices"]
        a = ctx.inputs[0]
        u, s, vh = apply(LinalgSvd, a, full_matrices=full)
        k = s.shape[-1]
        if full:  # as PyTorch: the extra singular vectors get a zero tangent
            u, vh = u[..., :k], vh[..., :k, :]
        v, sc = _mh(vh), s.to(u.dtype)
        dp = _mh(u) @ t @ v
        dpd = _diagonal(dp)
        ds = dpd.real if dp.is_complex() else dpd
        s2 = s * s
        f = _inverse_gaps(s2.unsqueeze(-2) - s2.unsqueeze(-1))
        om_u = f * (dp * sc.unsqueeze(-2) + sc.unsqueeze(-1) * _mh(dp))
        om_v = f * (sc.unsqueeze(-1) * dp + _mh(dp) * sc.unsqueeze(-2))
        if dp.is_complex():
            om_u = om_u + _diag_embed(1j * dpd.imag / s)
        du = u @ om_u + _mat_cols(t @ v - u @ dp, sc)
        dvh = _mh(v @ om_v + _mat_cols(_mh(t) @ u - v @ _mh(dp), sc))
        if full:
            m, n = a.shape[-2:]
            du = _pad_last(du, m - k, -1)
            dvh = _pad_last(dvh, n - k, -2)
        return du, ds, dvh


def _pad_last(x: Any, extra: int, dim: int) -> Any:
    """``x`` followed by ``extra`` zero slices along ``dim`` (-1 or -2)."""
    if extra == 0:
        return x
    from .._ops.shape_ops import cat

    shape = list(x.shape)
    shape[dim] = extra
    return cat([x, _core._Tensor._wrap(np.zeros(shape, x._data.dtype))], dim)


def _right_solve_upper(z: Any, r: Any) -> Any:
    """``Z R⁻¹`` for upper-triangular R."""
    y = apply(LinalgSolveTriangular, _mh(r), _mh(z), upper=False, unitriangular=False)
    return _mh(y)


def _qr_square_vjp(q: Any, r: Any, gq: Any, gr: Any) -> Any:
    """Gradient of A = QR for m >= n (R square with a real diagonal, LAPACK's gauge)."""
    qhgq = _mh(q) @ gq
    nn = qhgq - gr @ _mh(r)
    gx = gr @ _mh(r) + apply(Tril, nn - _mh(nn), k=-1)
    if q.is_complex():
        gx = gx + _diag_embed(1j * _diagonal(nn).imag)
    z = q @ gx + gq - q @ qhgq  # times R⁻ᴴ:
    return _mh(apply(LinalgSolveTriangular, r, _mh(z), upper=True, unitriangular=False))


def _qr_square_jvp(q: Any, r: Any, t: Any) -> tuple[Any, Any]:
    tr = _right_solve_upper(t, r)
    x = _mh(q) @ tr
    low = apply(Tril, x, k=-1)
    c = low - _mh(low)
    if x.is_complex():
        c = c + _diag_embed(1j * _diagonal(x).imag)
    return q @ c + tr - q @ x, (x - c) @ r


class LinalgQr(Primitive):
    """Q, R with ``A = QR`` (Householder: R's diagonal is real). Differentiable in the
    reduced mode and in the complete mode when m <= n, as in PyTorch; a wide A is split
    into its leading square block and the rest."""

    save_inputs = (0,)
    differentiable_outputs = (0, 1)

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, mode: str) -> tuple[np.ndarray, np.ndarray]:
        if mode == "r":
            r = np.linalg.qr(a, mode="r")
            return np.zeros((0,), a.dtype), r
        q, r = np.linalg.qr(a, mode=mode)
        return q, r

    @staticmethod
    def vjp(ctx: Ctx, gq: Any, gr: Any) -> Any:
        (a,) = ctx.saved_tensors
        m, n = a.shape[-2:]
        mode = ctx.params["mode"]
        if mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not "
                               "computed when mode='r'. Please use linalg.qr(A, mode='reduced') "
                               "if you are going to differentiate through linalg.qr.")  # fmt: skip
        if mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when "
                               "mode='complete' and nrows > ncols.")  # fmt: skip
        q, r = apply(LinalgQr, a, mode="reduced")
        if m >= n:
            return _qr_square_vjp(q, r, gq, gr)
        from .._ops.shape_ops import cat

        y = a[..., m:]
        gx = _qr_square_vjp(q, r[..., :m], gq + y @ _mh(gr[..., m:]), gr[..., :m])
        return cat([gx, q @ gr[..., m:]], -1)

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        a = ctx.inputs[0]
        m, n = a.shape[-2:]
        if ctx.params["mode"] == "r" or (ctx.params["mode"] == "complete" and m > n):
            raise RuntimeError("linalg.qr: forward AD needs Q, and mode='reduced' or m <= n")
        q, r = apply(LinalgQr, a, mode="reduced")
        if m >= n:
            return _qr_square_jvp(q, r, t)
        from .._ops.shape_ops import cat

        dq, drx = _qr_square_jvp(q, r[..., :m], t[..., :m])
        dry = _mh(dq) @ a[..., m:] + _mh(q) @ t[..., m:]
        return dq, cat([drx, dry], -1)


class LinalgPinv(Primitive):
    """The pseudo-inverse X = A⁺ from the SVD, singular values at or below
    ``max(atol, rtol * s_max)`` dropped. The gradient (Golub and Pereyra; constant rank)
    is ``-Xᴴ G Xᴴ + (I - A X) Gᴴ X Xᴴ + Xᴴ X Gᴴ (I - X A)``."""

    node_name = "PinvBackward0"
    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx: Ctx, a: np.ndarray, atol: float, rtol: float) -> np.ndarray:
        u, s, vh = _numpy_call("linalg.pinv", np.linalg.svd, a, False,
                               why="The algorithm failed to converge.")  # fmt: skip
        smax = s.max(-1, keepdims=True) if s.shape[-1] else s
        keep = s > np.maximum(atol, rtol * smax)
        s_inv = np.where(keep, 1 / np.where(keep, s, 1), 0).astype(s.dtype)
        return np.swapaxes(vh, -1, -2).conj() @ (s_inv[..., None] * np.swapaxes(u, -1, -2).conj())

    @staticmethod
    def vjp(ctx: Ctx, g: Any) -> Any:
        a, x = ctx.saved_tensors
        xh, gh = _mh(x), _mh(g)
        ghx = gh @ x @ xh
        xhxgh = xh @ x @ gh
        return -(xh @ g @ xh) + ghx - a @ (x @ ghx) + xhxgh - (xhxgh @ x) @ a

    @staticmethod
    def jvp(ctx: Ctx, t: Any) -> Any:
        a, x = ctx.inputs[0], ctx.out
        xh, th = _mh(x), _mh(t)
        xxh_th = x @ xh @ th
        th_xhx = th @ xh @ x
        return -(x @ t @ x) + xxh_th - (xxh_th @ a) @ x + th_xhx - x @ (a @ th_xhx)
