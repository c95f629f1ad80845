"""Op database entries for the linear algebra of the full catalogue (see opinfo.py)."""

from __future__ import annotations

from opinfo import Maker, OpInfo, S, Sample, _alias, _method


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
        S(m(4, 3), m(4, 3)),
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
