"""Edge-value samples for the areas added late (linear algebra, shape and indexing,
reductions and scans): empty tensors, 0-d tensors and non-contiguous inputs, where PyTorch
accepts them. ``add_edge_samples`` appends them to the entries' own samples, after those
(so the seeded draws of the existing samples are unchanged), and gives every entry without
a non-contiguous sample a copy of its first sample whose matrices are transposed views.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from opinfo import Arg, Maker, OpInfo, S, Sample, idx, mask

NO_INDEX = np.zeros(0, np.int64)


def _sq0(m: Maker, *batch: int) -> Arg:
    """An empty batch of 3 x 3 matrices."""
    return m(*batch, 3, 3)


EDGES: dict[str, Callable[[Maker], list[Sample]]] = {
    # linear algebra ---------------------------------------------------------------
    "mm_method": lambda m: [S(m(2, 0), m(0, 3), desc="empty inner dim")],
    "bmm": lambda m: [S(m(0, 2, 3), m(0, 3, 4), desc="empty batch")],
    "vdot": lambda m: [S(m(0), m(0), desc="empty")],
    "ger": lambda m: [S(m(0), m(2), desc="empty")],
    "inner": lambda m: [S(m(2, 0), m(3, 0), desc="empty inner dim")],
    "addmm": lambda m: [S(m(2, 4), m(2, 0), m(0, 4), desc="empty inner dim")],
    "addmv": lambda m: [S(m(2), m(2, 0), m(0), desc="empty inner dim")],
    "baddbmm": lambda m: [S(m(0, 2, 4), m(0, 2, 3), m(0, 3, 4), desc="empty batch"),
                          S(m(), m(1, 2, 3), m(1, 3, 4), desc="0-d input")],
    "addbmm": lambda m: [S(m(2, 4), m(0, 2, 3), m(0, 3, 4), desc="empty batch"),
                         S(m(), m(2, 2, 3), m(2, 3, 4), desc="0-d input")],
    "addr": lambda m: [S(m(0, 2), m(0), m(2), desc="empty"),
                       S(m(), m(3), m(2), desc="0-d input")],
    "einsum": lambda m: [S("ij,jk->ik", m(2, 0), m(0, 3), desc="empty contraction")],
    "tensordot": lambda m: [S(m(3, 0), m(0, 2), dims=1, desc="empty contraction"),
                            S(m(), m(2, 3), dims=0, desc="0-d")],
    "kron": lambda m: [S(m(0, 2), m(2, 3), desc="empty"), S(m(), m(2), desc="0-d")],
    "trace": lambda m: [S(m(2, 0), desc="empty")],
    "diagonal": lambda m: [S(m(0, 3), desc="empty"), S(m(2, 0, 3), 0, 0, 2)],
    "diag_embed": lambda m: [S(m(0), desc="empty"), S(m(2, 0))],
    "diag": lambda m: [S(m(0), desc="empty vector"), S(m(0, 3), desc="empty matrix")],
    "cross": lambda m: [S(m(0, 3), m(0, 3), dim=1, desc="empty")],
    "linalg_cross": lambda m: [S(m(0, 3), m(0, 3), desc="empty")],
    "linalg_inv": lambda m: [S(_sq0(m, 0), desc="empty batch"), S(m(0, 0), desc="0 x 0")],
    "inverse": lambda m: [S(_sq0(m, 0), desc="empty batch")],
    "linalg_det": lambda m: [S(_sq0(m, 0), desc="empty batch"), S(m(0, 0), desc="0 x 0")],
    "det": lambda m: [S(_sq0(m, 0), desc="empty batch")],
    "linalg_slogdet": lambda m: [S(_sq0(m, 0), desc="empty batch")],
    "slogdet": lambda m: [S(_sq0(m, 0), desc="empty batch")],
    "logdet": lambda m: [S(_sq0(m, 0), desc="empty batch")],
    "linalg_solve": lambda m: [S(_sq0(m, 0), m(0, 3, 2), desc="empty batch"),
                               S(m(3, 3), m(3, 0), desc="no right-hand sides")],
    "linalg_solve_triangular": lambda m: [
        S(_sq0(m, 0), m(0, 3, 2), upper=True, desc="empty batch")],
    "triangular_solve": lambda m: [S(m(0, 3, 2), _sq0(m, 0), desc="empty batch")],
    "linalg_cholesky": lambda m: [S(_sq0(m, 0), desc="empty batch")],
    "cholesky": lambda m: [S(_sq0(m, 0), desc="empty batch")],
    "cholesky_solve": lambda m: [S(m(0, 3, 2), _sq0(m, 0), desc="empty batch")],
    "linalg_eigh": lambda m: [S(_sq0(m, 0), desc="empty batch")],
    "linalg_eigvalsh": lambda m: [S(_sq0(m, 0), desc="empty batch")],
    "linalg_svd": lambda m: [S(m(0, 3, 2), desc="empty batch")],
    "linalg_svd_full": lambda m: [S(m(0, 3, 2), desc="empty batch")],
    "linalg_svdvals": lambda m: [S(m(0, 3, 2), desc="empty batch"),
                                 S(m(3, 0), desc="no columns")],
    "svd": lambda m: [S(m(0, 3, 2), desc="empty batch")],
    "linalg_qr": lambda m: [S(m(0, 3, 2), desc="empty batch")],
    "qr": lambda m: [S(m(0, 3, 2), desc="empty batch")],
    "linalg_pinv": lambda m: [S(m(0, 3, 2), desc="empty batch"), S(m(3, 0), desc="no columns")],
    "pinverse": lambda m: [S(m(0, 3, 2), desc="empty batch")],
    "linalg_matrix_power": lambda m: [S(_sq0(m, 0), 2, desc="empty batch"),
                                      S(m(0, 0), 3, desc="0 x 0")],
    "matrix_power": lambda m: [S(_sq0(m, 0), 2, desc="empty batch")],
    "linalg_lstsq": lambda m: [S(m(0, 3, 2), m(0, 3, 1), desc="empty batch")],
    "linalg_multi_dot": lambda m: [S(m(2, 0), m(0, 3), desc="empty inner dim")],
    "chain_matmul": lambda m: [S(m(2, 0), m(0, 3), desc="empty inner dim")],
    "linalg_vecdot": lambda m: [S(m(0, 3), m(0, 3), desc="empty"),
                                S(m(3), m(2, 3), desc="broadcast")],
    "linalg_diagonal": lambda m: [S(_sq0(m, 0), desc="empty batch")],
    "linalg_matmul": lambda m: [S(m(2, 0), m(0, 3), desc="empty inner dim"),
                                S(m(0, 2, 3), m(3), desc="empty batch, vector")],
    # shape, indexing and construction -----------------------------------------------
    "movedim": lambda m: [S(m(0, 3, 2), 0, 2, desc="empty")],
    "repeat": lambda m: [S(m(0, 2), 2, 3, desc="empty"), S(m(), 2, desc="0-d")],
    "tile": lambda m: [S(m(0, 2), (2,), desc="empty")],
    "repeat_interleave": lambda m: [S(m(0, 2), 2, dim=0, desc="empty")],
    "split": lambda m: [S(m(0, 4), 2, 1, desc="empty")],
    "tensor_split": lambda m: [S(m(0, 4), 2, dim=1, desc="empty")],
    "chunk": lambda m: [S(m(0, 4), 2, 1, desc="empty")],
    "hstack": lambda m: [S([m(0, 2), m(0, 3)], desc="empty")],
    "vstack": lambda m: [S([m(0, 3), m(2, 3)], desc="empty")],
    "dstack": lambda m: [S([m(0, 2), m(0, 2)], desc="empty")],
    "atleast_1d": lambda m: [S(m(0), desc="empty")],
    "atleast_2d": lambda m: [S(m(0), desc="empty")],
    "atleast_3d": lambda m: [S(m(0), desc="empty")],
    "column_stack": lambda m: [S([m(0), m(0, 2)], desc="empty")],
    "row_stack": lambda m: [S([m(0, 3), m(1, 3)], desc="empty")],
    "hsplit": lambda m: [S(m(0, 4), 2, desc="empty")],
    "vsplit": lambda m: [S(m(4, 0), 2, desc="empty")],
    "dsplit": lambda m: [S(m(1, 0, 4), 2, desc="empty")],
    "fliplr": lambda m: [S(m(0, 3), desc="empty")],
    "flipud": lambda m: [S(m(0, 3), desc="empty")],
    "rot90": lambda m: [S(m(0, 3), desc="empty")],
    "scatter": lambda m: [S(m(2, 3), 0, idx(np.zeros((0, 3), np.int64)), m(0, 3),
                            desc="empty index")],
    "scatter_add": lambda m: [S(m(2, 3), 0, idx(np.zeros((0, 3), np.int64)), m(0, 3),
                                desc="empty index"), S(m(), 0, idx(0), m(), desc="0-d")],
    "index_select": lambda m: [S(m(3, 4), 0, idx(NO_INDEX), desc="empty index")],
    "index_add": lambda m: [S(m(3, 4), 0, idx(NO_INDEX), m(0, 4), desc="empty index")],
    "index_copy": lambda m: [S(m(3, 4), 0, idx(NO_INDEX), m(0, 4), desc="empty index")],
    "index_fill": lambda m: [S(m(3, 4), 1, idx(NO_INDEX), 2.0, desc="empty index")],
    "index_put": lambda m: [S(m(3, 4), (idx(NO_INDEX),), m(0, 4), desc="empty index")],
    "masked_scatter": lambda m: [S(m(0, 3), mask(np.zeros((0, 3), bool)), m(2),
                                   desc="empty")],
    "masked_select": lambda m: [S(m(0, 3), mask(np.zeros((0, 3), bool)), desc="empty")],
    "take": lambda m: [S(m(3, 4), idx(NO_INDEX), desc="empty index")],
    "take_along_dim": lambda m: [S(m(3, 4), idx(np.zeros((3, 0), np.int64)), 1,
                                   desc="empty index")],
    "meshgrid": lambda m: [S(m(0), m(2), indexing="ij", desc="empty")],
    "as_strided": lambda m: [S(m(4), (0, 2), (1, 1), desc="empty")],
    "unfold": lambda m: [S(m(0, 4), 1, 2, 1, desc="empty")],
    "diff": lambda m: [S(m(0, 3), dim=1, desc="empty")],
    "cdist": lambda m: [S(m(0, 3), m(2, 3), desc="empty"),
                        S(m(2, 0), m(3, 0), desc="no features")],
    # reductions and scans ---------------------------------------------------------
    "logsumexp": lambda m: [S(m(0, 3), dim=1, desc="empty"),
                            S(m(0, 3), dim=0, desc="empty reduced dim")],
    "sort": lambda m: [S(m(0, 3), dim=1, desc="empty")],
    "sort_descending": lambda m: [S(m(0, 3), dim=0, desc="empty")],
    "topk": lambda m: [S(m(0, 3), 2, dim=1, desc="empty"), S(m(), 1, desc="0-d")],
    "topk_smallest": lambda m: [S(m(0, 3), 0, desc="empty, k = 0")],
    "kthvalue": lambda m: [S(m(0, 3), 1, 1, desc="empty"), S(m(), 1, desc="0-d")],
    "median": lambda m: [S(m(0, 3), 1, desc="empty")],
    "mode": lambda m: [S(m(0, 3), 1, desc="empty")],
    "cummax": lambda m: [S(m(0, 3), 1, desc="empty")],
    "cummin": lambda m: [S(m(0, 3), 0, desc="empty")],
    "aminmax": lambda m: [S(m(0, 3), dim=1, desc="empty"), S(m(), desc="0-d")],
    "nansum": lambda m: [S(m(0, 3), desc="empty"), S(m(0, 3), dim=0, desc="empty reduced")],
    "nanmean": lambda m: [S(m(0, 3), dim=1, desc="empty")],
    "linalg.matrix_norm": lambda m: [S(m(0, 3, 3), desc="empty batch")],
    "norm": lambda m: [S(m(0, 3), desc="empty"), S(m(), desc="0-d")],
}  # fmt: skip


def _transposed(a: Any) -> tuple[Any, bool]:
    """``a`` with every matrix argument made a transposed view; whether any was."""
    if isinstance(a, Arg):
        if a.value.ndim >= 2 and a.value.dtype.kind in "fc" and not a.transposed:
            return dataclasses.replace(a, transposed=True), True
        return a, False
    if isinstance(a, (list, tuple)):
        items = [_transposed(x) for x in a]
        return type(a)(x for x, _ in items), any(c for _, c in items)
    return a, False


def _has_transposed(samples: list[Sample]) -> bool:
    return any(_transposed_in(a) for s in samples for a in (*s.args, *s.kwargs.values()))


def _transposed_in(a: Any) -> bool:
    if isinstance(a, Arg):
        return a.transposed
    return isinstance(a, (list, tuple)) and any(_transposed_in(x) for x in a)


def non_contiguous_copy(samples: list[Sample]) -> list[Sample]:
    """The first sample with a matrix argument, its matrices given as transposed views (the
    same values: only the memory layout differs)."""
    for s in samples:
        if s.edge:
            continue
        args = [_transposed(a) for a in s.args]
        kwargs = {k: _transposed(v) for k, v in s.kwargs.items()}
        if any(c for _, c in args) or any(c for _, c in kwargs.values()):
            return [
                Sample(
                    tuple(a for a, _ in args),
                    {k: v for k, (v, _) in kwargs.items()},
                    desc=f"{s.desc or 'first sample'}, non-contiguous",
                    edge=s.edge,
                )
            ]
    return []  # fmt: skip


def _extended(op: OpInfo) -> Callable[[Maker], list[Sample]]:
    base, extra = op.samples, EDGES.get(op.name)

    def samples(m: Maker) -> list[Sample]:
        out = base(m)
        if not _has_transposed(out):
            out += non_contiguous_copy(out)
        return out + (extra(m) if extra else [])

    return samples


def add_edge_samples(*dbs: list[OpInfo]) -> None:
    """Extend the entries of ``dbs`` (method spellings excepted: they share the function's
    code) with the edge samples above and a non-contiguous copy."""
    for db in dbs:
        for op in db:
            if not op.name.endswith("_method"):
                op.samples = _extended(op)
