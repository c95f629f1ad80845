"""Op database entries for shape, indexing and construction ops (see opinfo.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

from opinfo import F64, Arg, Maker, OpInfo, S, Sample, _alias, _method, idx, mask

INF = float("inf")


def _fn(name: str, *a: Any, **k: Any) -> Any:
    """``lib.name(x, *a, **k)`` with the tensors first and fixed arguments after."""
    return lambda lib, *xs: getattr(lib, name)(*xs, *a, **k)


def _meth(name: str, *a: Any, **k: Any) -> Any:
    return lambda lib, x, *xs: getattr(x, name)(*xs, *a, **k)


def unflatten_samples(m: Maker) -> list[Sample]:
    return [
        S(m(6, 2), 0, (2, 3)),
        S(m(2, 6), -1, (3, -1)),
        S(m.T(4, 6), 0, (2, 2), desc="transposed view"),
        S(m(0, 4), 1, (2, 2), desc="empty"),
    ]


def movedim_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3, 4), 0, 2),
        S(m(2, 3, 4), (0, 1), (-1, 0)),
        S(m(2, 3, 4), [2], [0]),
        S(m.T(3, 2), 1, 0, desc="transposed view"),
        S(m(), (), (), desc="0-d"),
    ]


def repeat_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3), 2, 1),
        S(m(2, 3), 1, 2, 3, desc="new leading dim"),
        S(m(), 3, desc="0-d"),
        S(m.T(3, 2), 2, 2, desc="transposed view"),
        S(m(2, 3), 0, 2, desc="zero repeats"),
    ]


def tile_samples(m: Maker) -> list[Sample]:
    return [S(m(2, 3), (2,)), S(m(2, 3), (2, 1, 2)), S(m(), (3,)), S(m.T(2, 3), (1, 2))]


def repeat_interleave_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3), 2),
        S(m(2, 3), 2, dim=1),
        S(m(2, 3), idx([1, 0]), dim=0, desc="tensor repeats with a zero"),
        S(m(2, 3), idx([3, 1, 2]), dim=-1),
        S(m(3), idx(2), desc="0-d tensor repeats"),
        S(m(), 3, desc="0-d input"),
    ]


def split_samples(m: Maker) -> list[Sample]:
    return [
        S(m(5, 2), 2),
        S(m(5, 2), [1, 4]),
        S(m(2, 5), [2, 0, 3], dim=1, desc="a zero-size piece"),
        S(m.T(2, 4), 3, -1, desc="transposed view"),
    ]


def tensor_split_samples(m: Maker) -> list[Sample]:
    return [
        S(m(7, 2), 3),
        S(m(7, 2), [1, 5, 9], desc="indices past the end"),
        S(m(2, 7), (4, 2), dim=1, desc="decreasing indices"),
        S(m(6), idx(4), desc="0-d tensor sections"),
        S(m(6), idx([2, 3]), desc="1-d tensor indices"),
    ]


def chunk_samples(m: Maker) -> list[Sample]:
    return [S(m(6, 2), 4), S(m(6, 2), 3), S(m(2, 5), 2, dim=1), S(m(1, 3), 5, desc="more chunks")]


def stackish_samples(m: Maker) -> list[Sample]:
    return [
        S([m(2, 3), m(2, 3)]),
        S([m(3), m(3)], desc="1-d"),
        S([m(), m()], desc="0-d"),
        S([m(2, 3, 2), m.T(2, 3, 2)], desc="3-d, transposed view"),
    ]


def hstack_samples(m: Maker) -> list[Sample]:
    return stackish_samples(m) + [S([m(2, 1), m(2, 3, rg=False)], desc="different widths")]


def roll_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3), 1),
        S(m(2, 3), -4, desc="flattened, negative"),
        S(m(2, 3), 1, 1),
        S(m(2, 3, 4), (1, 5), (0, -1)),
        S(m(2, 3), (1, 1), (1, 1), desc="same dim twice"),
        S(m.T(3, 2), 2, 0, desc="transposed view"),
        S(m(0, 3), 1, 0, desc="empty"),
    ]


def rot90_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3)),
        S(m(2, 3), 2),
        S(m(2, 3), -1),
        S(m(2, 3), 4, desc="full turn"),
        S(m(2, 3, 4), 1, (2, 0)),
        S(m.T(3, 2), 3, (1, 0), desc="transposed view"),
    ]


def scatter_samples(m: Maker) -> list[Sample]:
    return [
        S(m(3, 4), 0, idx([[0, 1, 2, 0], [2, 0, 1, 1]]), m(2, 4)),
        S(
            m(3, 4),
            1,
            idx([[3, 1], [0, 2], [1, 1]]),
            m(3, 3, rg=False),
            desc="src larger than index",
        ),
        S(m(3, 4), -1, idx([[1], [2]]), m(2, 1, rg=False), desc="constant src"),
        S(m(4), 0, idx([3, 0]), m(2), desc="1-d"),
        S(m.T(4, 3), 0, idx([[1, 2, 3]]), m.T(1, 3), desc="transposed views"),
    ]


def scatter_value_samples(m: Maker) -> list[Sample]:
    return [
        S(m(3, 4), 0, idx([[0, 1, 2, 0]]), value=1.5),
        S(m(3, 4), 1, idx([[3], [0], [1]]), -2.0),
    ]


def scatter_add_samples(m: Maker) -> list[Sample]:
    return [
        S(m(3, 4), 0, idx([[0, 0, 2, 0], [2, 0, 0, 1]]), m(2, 4), desc="repeats add up"),
        S(
            m(3, 4),
            1,
            idx([[3, 3], [0, 2], [1, 1]]),
            m(3, 3, rg=False),
            desc="src larger than index",
        ),  # fmt: skip
        S(m(4), 0, idx([3, 3, 3]), m(3), desc="1-d"),
        S(m(2, 3), 0, idx(np.zeros((0, 3), np.int64)), m(0, 3), desc="empty index"),
    ]


def scatter_reduce_samples(reduce: str) -> Any:
    def samples(m: Maker) -> list[Sample]:
        i2 = idx([[0, 1, 0, 2], [0, 0, 1, 1]])
        out = []
        for inc in (True, False):
            out.append(S(m.no_ties(3, 4), 0, i2, m.no_ties(2, 4), reduce, include_self=inc))
            if reduce in ("sum", "mean"):  # PyTorch's other rules fail on a larger src
                big = Arg(m.no_ties(6).value, requires_grad=False)
                out.append(S(m.no_ties(4), 0, idx([0, 1, 0, 1, 0]), big, reduce,
                             include_self=inc, desc="src larger than index"))  # fmt: skip
        if reduce in ("amax", "amin"):
            ties = m.of([1.0, 2.0, 2.0, 1.0])
            out.append(S(m.of([2.0, 1.0]), 0, idx([0, 0, 1, 0]), ties, reduce,
                         edge=True, desc="ties between self and src"))  # fmt: skip
        if reduce == "prod":
            out += [
                S(
                    m.of([0.0, 2.0, 3.0]),
                    0,
                    idx([0, 1, 1]),
                    m.of([1.5, 0.0, 2.0]),
                    reduce,
                    edge=True,
                    desc="single zeros",
                ),  # fmt: skip
                S(
                    m.of([0.0, 2.0, 3.0]),
                    0,
                    idx([0, 1, 1]),
                    m.of([1.5, 0.0, 2.0]),
                    reduce,
                    include_self=False,
                    edge=True,
                    desc="single zeros, no self",
                ),  # fmt: skip
            ]
        return out

    return samples


def index_select_samples(m: Maker) -> list[Sample]:
    return [
        S(m(3, 4), 0, idx([2, 0, 2])),
        S(m(3, 4), -1, idx([1])),
        S(m.T(4, 3), 1, idx([0, 0]), desc="transposed view"),
        S(m(3), 0, idx(1), desc="0-d index"),
        S(m(), 0, idx([0]), desc="0-d input"),
        S(m(), 0, idx(0), desc="0-d input and index"),
        S(m(3, 2), 0, idx(np.zeros(0, np.int64)), desc="empty index"),
    ]


def index_add_samples(m: Maker) -> list[Sample]:
    return [
        S(m(3, 4), 0, idx([2, 0, 2]), m(3, 4), desc="repeats add up"),
        S(m(3, 4), 1, idx([1, 3]), m(3, 2)),
        S(m(3, 4), 1, idx([1, 3]), m(3, 2), alpha=-1.5),
        S(m(3), 0, idx([0]), m(1, rg=False), desc="constant source"),
    ]


def index_copy_samples(m: Maker) -> list[Sample]:
    return [
        S(m(3, 4), 0, idx([2, 0]), m(2, 4)),
        S(m(3, 4), -1, idx([3, 1, 0]), m(3, 3)),
        S(m.T(4, 3), 0, idx([1]), m(1, 3), desc="transposed view"),
    ]


def index_fill_samples(m: Maker) -> list[Sample]:
    return [
        S(m(3, 4), 0, idx([2, 0]), 1.5),
        S(m(3, 4), 1, idx([3, 3]), m(), desc="0-d value tensor"),
        S(m(3), 0, idx([-1]), -2.0, desc="negative index"),
    ]


def index_put_samples(m: Maker) -> list[Sample]:
    return [
        S(m(3, 4), (idx([0, 2]),), m(2, 4)),
        S(m(3, 4), (idx([0, 2]), idx([1, 3])), m(2)),
        S(m(3, 4), (idx([0, 2, 0]), idx([1, 3, 1])), m(3), accumulate=True, desc="repeats add"),
        S(m(3, 4), (idx([1]),), m(4), accumulate=True, desc="broadcast value"),
        S(m(2, 3), (mask([[True, False, True], [False, False, True]]),), m(), desc="mask"),
    ]


def masked_scatter_samples(m: Maker) -> list[Sample]:
    mk = mask([[True, False, True], [False, False, True]])
    return [
        S(m(2, 3), mk, m(2, 3)),
        S(m(2, 3), mask([True, False, True]), m(7), desc="broadcast mask, larger source"),
        S(m(3), mk, m(3, 2), desc="input broadcast"),
        S(m.T(2, 3), mk, m(4, rg=False), desc="transposed view"),
    ]


def masked_select_samples(m: Maker) -> list[Sample]:
    mk = mask([[True, False, True], [False, False, True]])
    return [
        S(m(2, 3), mk),
        S(m(2, 3), mask([False, True, True]), desc="broadcast mask"),
        S(m(3), mk, desc="input broadcast"),
        S(m(2, 3), mask(np.zeros((2, 3), bool)), desc="nothing selected"),
    ]


def take_samples(m: Maker) -> list[Sample]:
    return [
        S(m(3, 4), idx([[0, 11], [5, 5]])),
        S(m.T(3, 4), idx([-1, 0, 3]), desc="transposed view, negative"),
        S(m(), idx([0, 0]), desc="0-d input"),
    ]


def take_along_dim_samples(m: Maker) -> list[Sample]:
    return [
        S(m(3, 4), idx([[0, 3], [1, 1], [2, 0]]), 1),
        S(m(3, 4), idx([[0, 2, 1, 0]]), 0),
        S(m(3, 4), idx([[1, 3]]), -1, desc="broadcast index"),
        S(m(3, 1), idx([[0, 0, 0]]), 1, desc="broadcast input"),
        S(m(3, 4), idx([11, 0, 0]), desc="flattened"),
    ]


def meshgrid_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2), m(3), indexing="ij"),
        S(m(2), m(3), m(4), indexing="xy"),
        S(m(2), m(), indexing="ij", desc="0-d"),
        S(m(3), indexing="xy", desc="one tensor"),
    ]


def as_strided_samples(m: Maker) -> list[Sample]:
    return [
        S(m(6), (2, 2), (1, 2)),
        S(m(3, 4), (3, 3), (4, 1), 1, desc="offset"),
        S(m(6), (3, 2), (1, 1), desc="overlapping windows"),
        S(m(2, 3), (2, 2, 2), (0, 3, 1), desc="stride 0"),
        S(m.T(3, 2), (2,), (1,), desc="transposed view: strides of its memory"),
    ]


def unfold_samples(m: Maker) -> list[Sample]:
    return [
        S(m(7), 0, 3, 2),
        S(m(2, 5), 1, 2, 1, desc="overlapping"),
        S(m(4, 3), 0, 2, 3, desc="gaps"),
        S(m.T(5, 3), 0, 3, 1, desc="transposed view"),
        S(m(3, 3), -1, 0, 1, desc="empty windows"),
    ]


def diff_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 5)),
        S(m(2, 5), n=2, dim=0),
        S(m(2, 5), 3, 1, m(2, 1), m(2, 2), desc="prepend and append"),
        S(m(4), n=5, desc="n beyond the length"),
        S(m(3, 2), 0, desc="n = 0"),
        S(m.T(4, 3), dim=0, append=m(1, 3, rg=False), desc="transposed view"),
    ]


def cdist_samples(m: Maker) -> list[Sample]:
    coincide = np.array([[0.5, -1.0, 2.0], [1.0, 1.0, 0.0]])
    out = [
        S(m(3, 4), m(2, 4)),
        S(m(2, 3, 4), m(2, 5, 4), p=1.0, desc="batched"),
        S(m(2, 3, 2), m(4, 2), p=3.0, desc="broadcast batch"),
        S(m(3, 2), m(2, 2), p=0.5),
        S(m(3, 2), m(2, 2), p=1.5),
        S(m.T(3, 2), m(4, 2), p=INF, desc="transposed view"),
        S(m(3, 2), m(2, 2), p=0.0),
    ]
    for p in (2.0, 1.0, 3.0, 0.5):
        out.append(S(m.of(coincide), m.of(coincide[:1]), p=p, edge=True,
                     desc=f"zero distance, p={p}"))  # fmt: skip
    return out


def _entry(name: str, samples: Any, **kw: Any) -> OpInfo:
    return OpInfo(name, _alias(name), samples, complex=kw.pop("complex", True), **kw)


op_db_shape: list[OpInfo] = [
    _entry("unflatten", unflatten_samples),
    _entry("movedim", movedim_samples, covers=("movedim", "moveaxis")),
    _entry("moveaxis", lambda m: movedim_samples(m)[:2]),
    OpInfo(
        "broadcast_tensors",
        lambda lib, *xs: lib.broadcast_tensors(*xs),
        lambda m: [S(m(3, 1), m(4)), S(m(), m(2, 3), m(2, 1, rg=False))],
        complex=True,
    ),  # fmt: skip
    OpInfo("repeat", lambda lib, x, *r: x.repeat(*r), repeat_samples, complex=True),
    _entry("tile", tile_samples),
    _entry("repeat_interleave", repeat_interleave_samples),
    _entry("split", split_samples),
    _entry("tensor_split", tensor_split_samples),
    _entry("chunk", chunk_samples),
    _entry("hstack", hstack_samples),
    _entry("vstack", stackish_samples),
    _entry("dstack", stackish_samples),
    _entry("atleast_1d", lambda m: [S(m()), S(m(2, 3)), S(m(), m(3), desc="several")]),
    _entry("atleast_2d", lambda m: [S(m()), S(m(3)), S([m(3), m.T(2, 3)], desc="a list")]),
    _entry("atleast_3d", lambda m: [S(m()), S(m(3)), S(m.T(2, 3)), S(m(), m(2, 1, 3, 4))]),
    _entry("column_stack", lambda m: [S([m(3), m(3, 2)]), S([m(), m(1)], desc="0-d")]),
    _entry("row_stack", stackish_samples),
    _entry("hsplit", lambda m: [S(m(2, 4), 2), S(m(6), [1, 4]), S(m.T(2, 4), [3])]),
    _entry("vsplit", lambda m: [S(m(4, 2), 2), S(m(4, 2, 3), [1, 3])]),
    _entry("dsplit", lambda m: [S(m(1, 2, 4), 2), S(m(2, 1, 3), [2])]),
    _entry("fliplr", lambda m: [S(m(2, 3)), S(m.T(3, 4, 2))]),
    _entry("flipud", lambda m: [S(m(2, 3)), S(m(3)), S(m.T(3, 2))]),
    _entry("roll", roll_samples),
    _entry("rot90", rot90_samples),
    _entry("scatter", scatter_samples),
    OpInfo("scatter_value", _alias("scatter"), scatter_value_samples, covers=("scatter",)),
    _entry("scatter_add", scatter_add_samples),
    OpInfo(
        "scatter_reduce_sum",
        _alias("scatter_reduce"),
        scatter_reduce_samples("sum"),
        covers=("scatter_reduce",),
    ),  # fmt: skip
    OpInfo(
        "scatter_reduce_mean",
        _alias("scatter_reduce"),
        scatter_reduce_samples("mean"),
        covers=("scatter_reduce",),
    ),  # fmt: skip
    OpInfo(
        "scatter_reduce_amax",
        _alias("scatter_reduce"),
        scatter_reduce_samples("amax"),
        covers=("scatter_reduce",),
    ),  # fmt: skip
    OpInfo(
        "scatter_reduce_amin",
        _alias("scatter_reduce"),
        scatter_reduce_samples("amin"),
        covers=("scatter_reduce",),
    ),  # fmt: skip
    OpInfo(
        "scatter_reduce_prod",
        _alias("scatter_reduce"),
        scatter_reduce_samples("prod"),
        covers=("scatter_reduce",),
        pytorch_lacks={"fwgrad": "PyTorch gives prod no forward-mode rule (a None tangent)"},
    ),
    _entry("index_select", index_select_samples),
    _entry("index_add", index_add_samples),
    _entry("index_copy", index_copy_samples),
    _entry("index_fill", index_fill_samples),
    _entry("index_put", index_put_samples),
    _entry("masked_scatter", masked_scatter_samples),
    _entry("masked_select", masked_select_samples),
    _entry("take", take_samples),
    _entry("take_along_dim", take_along_dim_samples),
    OpInfo(
        "meshgrid", lambda lib, *xs, **k: lib.meshgrid(*xs, **k), meshgrid_samples, complex=True
    ),  # fmt: skip
    _entry("as_strided", as_strided_samples),
    OpInfo("unfold", _method("unfold"), unfold_samples, complex=True),
    _entry("diff", diff_samples),
    OpInfo(
        "cdist",
        _alias("cdist"),
        cdist_samples,
        dtypes=(np.dtype("float32"), F64),
        pytorch_lacks={
            "gradgrad": "PyTorch implements no derivative of _cdist_backward",
            "fwgrad": "PyTorch implements no forward-mode rule for _cdist_forward",
        },
    ),
]
