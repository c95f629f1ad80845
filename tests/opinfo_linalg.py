"""Op database entries for the linear algebra of the full catalogue (see opinfo.py)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from opinfo import C64, F32, Arg, Maker, OpInfo, S, Sample, _alias, _method


def bmm_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 2, 3), m(2, 3, 4)),
        S(m(1, 3, 3), m.T(1, 3, 2), desc="transposed view"),
        S(m(2, 0, 3), m(2, 3, 2), desc="empty rows"),
    ]


def einsum_samples(m: Maker) -> list[Sample]:
    return [
        S("ij,jk->ik", m(2, 3), m(3, 4), desc="matrix product"),
        S("ij,jk", m(2, 3), m.T(3, 4), desc="implicit output, transposed view"),
        S("ii->i", m(3, 3), desc="diagonal"),
        S("ii", m(3, 3), desc="trace"),
        S("iij,jk->ik", m(2, 2, 3), m(3, 2), desc="diagonal of an operand in a product"),
        S("...ij,...jk", m(2, 1, 2, 3), m(3, 3, 4), desc="ellipsis broadcast"),
        S("bij,bjk->bik", m(2, 2, 3), m(1, 3, 4), desc="label of size 1 broadcasts"),
        S("i,j->ij", m(3), m(4), desc="outer"),
        S("ij->", m(2, 3), desc="full sum"),
        S("ij->ji", m(2, 3), desc="transpose"),
        S("ij,jk,kl->il", m(2, 3), m(3, 4), m(4, 2), desc="three operands"),
        S("i,i", m(3), m(3), desc="dot"),
        S("ba,ca->", m(2, 3), m(4, 3), desc="labels summed in one operand only"),
        S("ij,j->i", [m(2, 3), m(3)], desc="operands as a list"),
        S("", m(), desc="0-d"),
    ]


def tensordot_samples(m: Maker) -> list[Sample]:
    return [
        S(m(3, 4, 5), m(4, 5, 2)),
        S(m(3, 4, 5), m(5, 2), dims=1),
        S(m(3, 4), m(2, 3), dims=([0], [1])),
        S(m(3, 4, 2), m(2, 3, 4), dims=([0, 1], [1, 2])),
        S(m(3, 2), m(4), dims=0, desc="outer product"),
    ]


def addmm_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 4), m(2, 3), m(3, 4)),
        S(m(4), m(2, 3), m.T(3, 4), beta=0.5, alpha=-2.0, desc="broadcast input"),
        S(m(2, 4, rg=False), m(2, 3), m(3, 4), beta=0, desc="beta 0 ignores input"),
        S(m(), m(2, 3), m(3, 4), alpha=3, desc="0-d input"),
    ]


def diagonal_samples(m: Maker) -> list[Sample]:
    return [
        S(m(3, 4)),
        S(m(3, 4), 1),
        S(m(3, 4), -2),
        S(m(2, 3, 4), 0, 1, 2),
        S(m(2, 3, 4), -1, -1, 0),
        S(m.T(4, 3), 1, desc="transposed view"),
        S(m(3, 4), 5, desc="empty diagonal"),
    ]


def triangle_samples(m: Maker) -> list[Sample]:
    return [S(m(3, 4)), S(m(3, 4), 1), S(m(2, 3, 3), -1), S(m.T(4, 3)), S(m(0, 3))]


def cross_samples(m: Maker) -> list[Sample]:
    return [
        S(m(3), m(3)),
        S(m(2, 3, 2), m(1, 3, 2), dim=1, desc="broadcast"),
        S(m.T(2, 3), m(2, 3), dim=-1, desc="transposed view"),
    ]


op_db_linalg: list[OpInfo] = [
    # products ----------------------------------------------------------------------
    OpInfo(
        "mm_method",
        _method("mm"),
        lambda m: [S(m(2, 3), m(3, 4)), S(m.T(2, 3), m(3, 1))],
        covers=("mm",),
        complex=True,
    ),
    OpInfo("bmm", _alias("bmm"), bmm_samples, complex=True),
    OpInfo("bmm_method", _method("bmm"), bmm_samples, covers=("bmm",)),
    OpInfo(
        "mv",
        _alias("mv"),
        lambda m: [S(m(2, 3), m(3)), S(m.T(3, 2), m(2)), S(m(0, 3), m(3), desc="empty")],
        complex=True,
    ),
    OpInfo(
        "dot",
        _alias("dot"),
        lambda m: [S(m(3), m(3)), S(m(0), m(0), desc="empty")],
        complex=True,
    ),
    OpInfo("vdot", _alias("vdot"), lambda m: [S(m(3), m(3)), S(m(1), m(1))], complex=True),
    OpInfo(
        "outer",
        _alias("outer"),
        lambda m: [S(m(3), m(4)), S(m(0), m(2), desc="empty")],
        covers=("outer", "ger"),
        complex=True,
    ),
    OpInfo("ger", _alias("ger"), lambda m: [S(m(3), m(2))]),
    OpInfo(
        "inner",
        _alias("inner"),
        lambda m: [S(m(2, 3), m(4, 3)), S(m(3), m(3)), S(m(), m(2, 3), desc="0-d")],
        complex=True,
    ),
    OpInfo("addmm", _alias("addmm"), addmm_samples, complex=True),
    OpInfo(
        "addmv",
        _alias("addmv"),
        lambda m: [
            S(m(2), m(2, 3), m(3)),
            S(m(), m(2, 3), m(3), beta=2, alpha=0.5, desc="0-d input"),
        ],
        complex=True,
    ),
    OpInfo(
        "baddbmm",
        _alias("baddbmm"),
        lambda m: [
            S(m(2, 2, 4), m(2, 2, 3), m(2, 3, 4)),
            S(m(4), m(2, 2, 3), m(2, 3, 4), beta=0.5, alpha=2, desc="broadcast input"),
        ],
        complex=True,
    ),
    OpInfo(
        "addbmm",
        _alias("addbmm"),
        lambda m: [S(m(2, 4), m(3, 2, 3), m(3, 3, 4), beta=-1, alpha=0.5)],
        complex=True,
    ),
    OpInfo("addr", _alias("addr"), lambda m: [S(m(3, 2), m(3), m(2), alpha=2)], complex=True),
    OpInfo("einsum", _alias("einsum"), einsum_samples, complex=True),
    OpInfo("tensordot", _alias("tensordot"), tensordot_samples, complex=True),
    OpInfo(
        "kron",
        _alias("kron"),
        lambda m: [S(m(2, 3), m(2, 2)), S(m(3), m(2, 2), desc="ranks differ"), S(m(), m(2))],
        complex=True,
    ),
    # diagonals and triangles ---------------------------------------------------------
    OpInfo(
        "trace", _alias("trace"), lambda m: [S(m(3, 3)), S(m(2, 4)), S(m.T(3, 2))], complex=True
    ),  # fmt: skip
    OpInfo("diagonal", _alias("diagonal"), diagonal_samples, complex=True),
    OpInfo(
        "diag_embed",
        _alias("diag_embed"),
        lambda m: [S(m(3)), S(m(2, 3), 1), S(m(2, 3), -1, 0, 2), S(m(2, 3), 0, 2, 0)],
        complex=True,
    ),
    OpInfo(
        "diag",
        _alias("diag"),
        lambda m: [S(m(3)), S(m(3), 1), S(m(3, 4)), S(m(3, 4), -1), S(m.T(3, 3), 2)],
        complex=True,
    ),
    OpInfo("tril", _alias("tril"), triangle_samples, complex=True),
    OpInfo("triu", _alias("triu"), triangle_samples, complex=True),
    OpInfo("cross", _alias("cross"), lambda m: [S(m(2, 3), m(2, 3), dim=1)], complex=True),
    OpInfo(
        "linalg_cross",
        lambda lib, a, b, **k: lib.linalg.cross(a, b, **k),
        cross_samples,
        covers=("linalg.cross",),
        complex=True,
    ),
]

# methods of the same functions, one sample each: the method table points at them
_METHOD_SAMPLES = {
    "mv": lambda m: [S(m(2, 3), m(3))],
    "dot": lambda m: [S(m(3), m(3))],
    "vdot": lambda m: [S(m(3), m(3))],
    "outer": lambda m: [S(m(3), m(2))],
    "ger": lambda m: [S(m(3), m(2))],
    "inner": lambda m: [S(m(2, 3), m(3))],
    "addmm": lambda m: [S(m(2, 4), m(2, 3), m(3, 4), alpha=2)],
    "addmv": lambda m: [S(m(2), m(2, 3), m(3))],
    "baddbmm": lambda m: [S(m(2, 2, 4), m(2, 2, 3), m(2, 3, 4))],
    "addbmm": lambda m: [S(m(2, 4), m(3, 2, 3), m(3, 3, 4))],
    "addr": lambda m: [S(m(3, 2), m(3), m(2))],
    "kron": lambda m: [S(m(2, 2), m(2, 1))],
    "trace": lambda m: [S(m(3, 3))],
    "diagonal": lambda m: [S(m(3, 4), 1)],
    "diag_embed": lambda m: [S(m(2, 3))],
    "diag": lambda m: [S(m(3))],
    "tril": lambda m: [S(m(3, 3), -1)],
    "triu": lambda m: [S(m(3, 3), 1)],
    "cross": lambda m: [S(m(3), m(3), dim=0)],
}
op_db_linalg += [
    OpInfo(f"{name}_method", _method(name), samples, covers=(name,))
    for name, samples in _METHOD_SAMPLES.items()
]


# ------------------------------------------------------------------ matrix functions
def wc(m: Maker, *shape: int, sign: float = 1.0) -> Arg:
    """A well-conditioned square matrix (batch): random entries plus n on the diagonal."""
    a = m(*shape).value
    n = shape[-1]
    return Arg((sign * (a + n * np.eye(n))).astype(m.dtype))


def herm(m: Maker, n: int) -> Arg:
    """A well-conditioned Hermitian matrix."""
    a = m(n, n).value
    return Arg(((a + a.conj().T) / 2 + n * np.eye(n)).astype(m.dtype))


def square_samples(m: Maker) -> list[Sample]:
    return [S(wc(m, 3, 3)), S(wc(m, 2, 3, 3), desc="batched"), S(wc(m, 1, 1), desc="1x1")]


def det_samples(m: Maker) -> list[Sample]:
    # (no 1x1: PyTorch's det gradient there is a constant, ours det * A⁻¹ rounds to it)
    return square_samples(m)[:2] + [S(wc(m, 3, 3, sign=-1.0), desc="negative determinant")]


def solve_samples(m: Maker) -> list[Sample]:
    return [
        S(wc(m, 3, 3), m(3, 2)),
        S(wc(m, 3, 3), m(3), desc="vector B"),
        S(wc(m, 2, 3, 3), m(3, 1), desc="batch broadcast"),
        S(wc(m, 2, 3, 3), m(2, 3), desc="batch of vectors"),
        S(wc(m, 3, 3), m(2, 3), left=False, desc="X A = B"),
        S(wc(m, 3, 3), m(3, 2, rg=False), desc="constant B"),
    ]


def solve_triangular_samples(m: Maker) -> list[Sample]:
    return [
        S(wc(m, 3, 3), m(3, 2), upper=True),
        S(wc(m, 3, 3), m(3, 2), upper=False),
        S(wc(m, 2, 3, 3), m(3, 1), upper=False, desc="batch broadcast"),
        S(wc(m, 3, 3), m(2, 3), upper=True, left=False, desc="X A = B"),
        S(wc(m, 3, 3), m(3, 2), upper=False, unitriangular=True, desc="unit diagonal"),
    ]


def _pd(lib: Any, x: Any) -> Any:
    """A Hermitian positive-definite matrix from any square x (gradients reach x)."""
    n = x.shape[-1]
    return x @ x.mH + n * lib.eye(n, dtype=x.dtype)


def _hermitian(lib: Any, x: Any) -> Any:
    return x + x.mH


def _eigh(lib: Any, x: Any, **kw: Any) -> Any:
    """Eigenvalues and |Q|²: independent of the eigenvectors' signs (phases)."""
    w, q = lib.linalg.eigh(_hermitian(lib, x), **kw)
    return w, q * q.conj()


def _svd(lib: Any, x: Any, **kw: Any) -> Any:
    """S, U Vh and |U|²: independent of the singular vectors' signs (phases)."""
    u, s, vh = lib.linalg.svd(x, **kw)
    k = s.shape[-1]
    u, vh = u[..., :k], vh[..., :k, :]
    return s, u @ vh, u * u.conj()


def matrix_samples(m: Maker) -> list[Sample]:
    """General matrices with distinct singular values (random ones, seeded)."""
    return [S(m(3, 3)), S(m(4, 2), desc="tall"), S(m(2, 4), desc="wide"),
            S(m(2, 3, 2), desc="batched")]  # fmt: skip


def _quiet(name: str) -> Any:
    """PyTorch's deprecated spellings (triangular_solve, cholesky, qr...), their warning
    silenced: the values are what is compared."""

    def op(lib: Any, *a: Any, **k: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return getattr(lib, name)(*a, **k)

    return op


DECOMP_TOL = {F32: (1e-3, 1e-4), C64: (1e-3, 1e-4)}

op_db_linalg += [
    OpInfo(
        "linalg_inv",
        lambda lib, a: lib.linalg.inv(a),
        square_samples,
        covers=("linalg.inv",),
        complex=True,
    ),  # fmt: skip
    OpInfo("inverse", _alias("inverse"), lambda m: [S(wc(m, 3, 3))], complex=True),
    OpInfo(
        "linalg_det",
        lambda lib, a: lib.linalg.det(a),
        det_samples,
        covers=("linalg.det",),
        complex=True,
        tol=DECOMP_TOL,
    ),  # fmt: skip
    OpInfo("det", _alias("det"), lambda m: det_samples(m)[-1:], complex=True, tol=DECOMP_TOL),
    OpInfo(
        "linalg_slogdet",
        lambda lib, a: lib.linalg.slogdet(a),
        det_samples,
        covers=("linalg.slogdet",),
        complex=True,
        tol=DECOMP_TOL,
    ),  # fmt: skip
    OpInfo(
        "slogdet", _alias("slogdet"), lambda m: det_samples(m)[-1:], complex=True, tol=DECOMP_TOL
    ),
    OpInfo("logdet", _alias("logdet"), square_samples, complex=True, tol=DECOMP_TOL),
    OpInfo(
        "linalg_solve",
        lambda lib, a, b, **k: lib.linalg.solve(a, b, **k),
        solve_samples,
        covers=("linalg.solve",),
        complex=True,
        tol=DECOMP_TOL,
    ),  # fmt: skip
    OpInfo(
        "linalg_solve_triangular",
        lambda lib, a, b, **k: lib.linalg.solve_triangular(a, b, **k),
        solve_triangular_samples,
        covers=("linalg.solve_triangular",),
        complex=True,
        tol=DECOMP_TOL,
    ),
    OpInfo(
        "triangular_solve",
        _quiet("triangular_solve"),
        lambda m: [
            S(m(3, 2), wc(m, 3, 3)),
            S(m(3, 2), wc(m, 3, 3), upper=False, transpose=True),
            S(m(3, 1), wc(m, 3, 3), unitriangular=True),
        ],
        complex=True,
        tol=DECOMP_TOL,
        pytorch_lacks={
            "fwgrad": "PyTorch's tangent uses the whole of A's tangent as if the "
            "op read it untransposed, ignoring transpose, unitriangular and the "
            "triangle that is not read: it is off finite differences"
        },
    ),
    OpInfo(
        "linalg_cholesky",
        lambda lib, x, **k: lib.linalg.cholesky(_pd(lib, x), **k),
        lambda m: [S(m(3, 3)), S(m(2, 3, 3), desc="batched"), S(m(3, 3), upper=True)],
        covers=("linalg.cholesky",),
        complex=True,
        tol=DECOMP_TOL,
    ),
    OpInfo(
        "cholesky",
        lambda lib, x, **k: _quiet("cholesky")(lib, _pd(lib, x), **k),
        lambda m: [S(m(3, 3)), S(m(3, 3), upper=True)],
        complex=True,
        tol=DECOMP_TOL,
        pytorch_lacks={
            "fwgrad": "PyTorch implements no forward-mode rule for the "
            "deprecated cholesky (linalg.cholesky has one)"
        },
    ),
    OpInfo(
        "cholesky_solve",
        lambda lib, b, x, **k: lib.cholesky_solve(b, lib.linalg.cholesky(_pd(lib, x)), **k),
        lambda m: [S(m(3, 2), m(3, 3)), S(m(3, 1), m(3, 3), upper=False)],
        complex=True,
        tol=DECOMP_TOL,
    ),
    OpInfo(
        "linalg_eigh",
        _eigh,
        lambda m: [S(m(3, 3)), S(m(2, 3, 3), desc="batched"), S(m(3, 3), UPLO="U")],
        covers=("linalg.eigh",),
        complex=True,
        tol=DECOMP_TOL,
    ),
    OpInfo(
        "linalg_eigvalsh",
        lambda lib, x: lib.linalg.eigvalsh(_hermitian(lib, x)),
        lambda m: [S(m(3, 3)), S(m(2, 2, 2))],
        covers=("linalg.eigvalsh",),
        complex=True,
        tol=DECOMP_TOL,
    ),
    OpInfo(
        "linalg_svd",
        lambda lib, x: _svd(lib, x, full_matrices=False),
        lambda m: matrix_samples(m)[:3],
        covers=("linalg.svd",),
        complex=True,
        tol=DECOMP_TOL,
    ),
    OpInfo(
        "linalg_svd_full",
        lambda lib, x: _svd(lib, x),
        lambda m: matrix_samples(m)[1:3],
        covers=("linalg.svd",),
        complex=True,
        tol=DECOMP_TOL,
    ),
    OpInfo(
        "linalg_svdvals",
        lambda lib, x: lib.linalg.svdvals(x),
        lambda m: matrix_samples(m)[::3],
        covers=("linalg.svdvals",),
        complex=True,
        tol=DECOMP_TOL,
    ),
    OpInfo(
        "svd",
        lambda lib, x: (lambda u, s, v: (s, u @ v.mH))(*_quiet("svd")(lib, x)),
        lambda m: [S(m(3, 2))],
        complex=True,
        tol=DECOMP_TOL,
    ),
    OpInfo(
        "linalg_qr",
        lambda lib, x, **k: lib.linalg.qr(x, **k),
        lambda m: matrix_samples(m)[:3] + [S(m(2, 3), mode="complete", desc="complete, wide")],
        covers=("linalg.qr",),
        complex=True,
        tol=DECOMP_TOL,
    ),
    OpInfo("qr", _quiet("qr"), lambda m: [S(m(3, 2))], complex=True, tol=DECOMP_TOL),
    OpInfo(
        "linalg_pinv",
        lambda lib, x, **k: lib.linalg.pinv(x, **k),
        lambda m: matrix_samples(m) + [S(herm(m, 3), hermitian=True, desc="hermitian")],
        covers=("linalg.pinv",),
        complex=True,
        tol=DECOMP_TOL,
    ),
    OpInfo(
        "pinverse", _alias("pinverse"), lambda m: [S(m(3, 2))], complex=True, tol=DECOMP_TOL
    ),  # fmt: skip
    OpInfo(
        "linalg_matrix_power",
        lambda lib, x, n: lib.linalg.matrix_power(x, n),
        lambda m: [S(m(3, 3), 3), S(m(2, 3, 3), 1), S(wc(m, 3, 3), -2), S(m(3, 3), 0)],
        covers=("linalg.matrix_power",),
        complex=True,
        tol=DECOMP_TOL,
    ),
    OpInfo("matrix_power", _alias("matrix_power"), lambda m: [S(m(3, 3), 2)], complex=True),
    OpInfo(
        "linalg_lstsq",
        lambda lib, a, b: lib.linalg.lstsq(a, b),
        lambda m: [S(m(4, 2), m(4, 3)), S(m(2, 4, 3), m(2, 4, 1), desc="batched")],
        covers=("linalg.lstsq",),
        tol=DECOMP_TOL,
    ),
]

op_db_linalg += [
    OpInfo(
        "linalg_multi_dot",
        lambda lib, *ts: lib.linalg.multi_dot(ts),
        lambda m: [
            S(m(3), m(3, 5), m(5, 2), m(2, 4), m(4), desc="vector ends"),
            S(m(2, 3), m(3, 4), desc="two matrices"),
            S(m(4, 2), m(2, 5), m.T(5, 1), desc="transposed view"),
        ],
        covers=("linalg.multi_dot",),
        complex=True,
    ),
    OpInfo(
        "chain_matmul",
        lambda lib, *ts: _quiet("chain_matmul")(lib, *ts),
        lambda m: [S(m(2, 3), m(3, 4), m(4, 2)), S(m(2, 3), desc="one matrix")],
        complex=True,
    ),
    OpInfo(
        "linalg_vecdot",
        lambda lib, x, y, **k: lib.linalg.vecdot(x, y, **k),
        lambda m: [S(m(2, 3), m(3)), S(m(3, 2), m(3, 2), dim=0)],
        covers=("linalg.vecdot",),
        complex=True,
    ),
    OpInfo(
        "linalg_diagonal",
        lambda lib, x, **k: lib.linalg.diagonal(x, **k),
        lambda m: [S(m(2, 3, 4)), S(m(3, 4), offset=1)],
        covers=("linalg.diagonal",),
        complex=True,
    ),
    OpInfo(
        "linalg_matmul",
        lambda lib, a, b: lib.linalg.matmul(a, b),
        lambda m: [S(m(2, 3), m(3)), S(m(2, 2, 3), m(3, 2))],
        covers=("linalg.matmul",),
        complex=True,
    ),
]
