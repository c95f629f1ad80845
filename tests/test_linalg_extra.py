"""Linear algebra behaviour the generic op tests don't reach: PyTorch's errors for bad
shapes and dtypes, views that write through, edge values, node names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
from _torch_compare import assert_close


def pair(*shape: int, seed: int = 0) -> tuple[rg.Tensor, torch.Tensor]:
    arr = np.random.default_rng(seed).standard_normal(shape)
    return rg.from_numpy(arr.copy()), torch.from_numpy(arr.copy())


def raises_like_pytorch(fn: Callable[[Any], Any], *shapes: tuple[int, ...]) -> str:
    """``fn(lib)`` raises the same exception type in both libraries; returns our message."""
    args = [pair(*s, seed=i) for i, s in enumerate(shapes)]
    with pytest.raises(Exception) as theirs:
        fn(torch, *[a[1] for a in args])
    with pytest.raises(type(theirs.value)) as ours:
        fn(rg, *[a[0] for a in args])
    return str(ours.value)


@pytest.mark.parametrize(
    "fn, shapes, words",
    [
        (lambda lib, a, b: lib.mm(a, b), [(2, 3, 3), (3, 3)], "self must be a matrix"),
        (lambda lib, a, b: lib.mm(a, b), [(3, 3), (3,)], "mat2 must be a matrix"),
        (lambda lib, a, b: lib.mm(a, b), [(2, 3), (4, 3)], "2x3 and 4x3"),
        (lambda lib, a, b: lib.bmm(a, b), [(2, 3), (2, 3, 3)], "batch1 must be a 3D"),
        (lambda lib, a, b: lib.bmm(a, b), [(2, 3, 4), (3, 4, 3)], "[2, 4] but got: [3, 4]"),
        (lambda lib, a, b: lib.mv(a, b), [(2, 3, 3), (3,)], "got 1, 3, 1"),
        (lambda lib, a, b: lib.mv(a, b), [(3, 3), (4,)], "vec (4)"),
        (lambda lib, a, b: lib.dot(a, b), [(3, 3), (3,)], "got 2D and 1D"),
        (lambda lib, a, b: lib.dot(a, b), [(3,), (4,)], "[3] and src [4]"),
        (lambda lib, a, b: lib.outer(a, b), [(3, 3), (3,)], "Expected 1-D argument self"),
        (lambda lib, a, b: lib.einsum("ij,jk", a, b), [(2, 3), (4, 5)], "subscript j"),
        (lambda lib, a: lib.einsum("ij,jk", a), [(2, 3)], "fewer operands"),
        (lambda lib, a: lib.einsum("ijk", a), [(2, 3)], "number of subscripts"),
        (lambda lib, a: lib.einsum("i2", a), [(2, 3)], "subscripts must be in [a-zA-Z]"),
        (lambda lib, a: lib.trace(a), [(3,)], "expected a matrix"),
        (lambda lib, a: lib.diagonal(a, 0, 1, 1), [(3, 3)], "cannot be identical"),
        (lambda lib, a: lib.tril(a), [(3,)], "at least 2 dimensions"),
        (lambda lib, a, b: lib.linalg.cross(a, b), [(3,), (4,)], "must have length 3"),
        (lambda lib, a, b: lib.tensordot(a, b, 1), [(2, 3), (4, 3)], "size 3 in dim 1"),
        (lambda lib, a, b: lib.inner(a, b), [(2, 3), (2,)], "last dimension must match"),
        (lambda lib, a: lib.diag(a), [(2, 2, 2)], "1D or 2D"),
        (lambda lib, a: lib.linalg.multi_dot([a]), [(3,)], "at least 2 tensors"),
        (lambda lib, a, b: lib.linalg.multi_dot([a, b]), [(2, 3, 3), (3, 3)], "first tensor"),
        (lambda lib, a, b: lib.linalg.multi_dot([a, b]), [(3, 4), (3, 4)], "[3, 4] and [3, 4]"),
    ],
)
def test_bad_shapes_raise_pytorchs_error(fn: Any, shapes: Any, words: str) -> None:
    assert words in raises_like_pytorch(fn, *shapes)


def test_mixed_dtypes_are_rejected() -> None:
    a, b = rg.ones(3), rg.ones(3, dtype=rg.float64)
    with pytest.raises(RuntimeError, match="same dtype, but found Float and Double"):
        rg.dot(a, b)
    with pytest.raises(RuntimeError, match="same dtype"):
        rg.mm(a.reshape(3, 1), b.reshape(1, 3))
    with pytest.raises(RuntimeError, match="same dtype"):
        rg.einsum("i,i", a, b)
    with pytest.raises(TypeError, match="argument 'input' must be Tensor"):
        rg.mm([[1.0]], a.reshape(1, 3))


def test_addmm_with_beta_zero_ignores_nan_in_input() -> None:
    inp = np.full((2, 2), np.nan)
    m1, t1 = pair(2, 3)
    m2, t2 = pair(3, 2, seed=1)
    ours = rg.addmm(rg.from_numpy(inp.copy()), m1, m2, beta=0)
    theirs = torch.addmm(torch.from_numpy(inp), t1, t2, beta=0)
    assert not np.isnan(ours.numpy()).any()
    assert_close(ours, theirs)


def test_diagonal_is_a_view_that_writes_through() -> None:
    x, tx = pair(3, 4)
    d, td = x.diagonal(1), tx.diagonal(1)
    with rg.no_grad():
        d.mul_(2)
    with torch.no_grad():
        td.mul_(2)
    assert_close(x, tx)
    assert d._base is x
    assert x._vc is d._vc


def test_gradient_through_an_in_place_change_of_a_diagonal() -> None:
    grads = []
    for lib, (x, _) in ((rg, pair(3, 3)), (torch, (None, pair(3, 3)[1]))):
        x = _ if lib is torch else x
        leaf = x.clone().requires_grad_()
        y = leaf * 1.0
        y.diagonal().mul_(3)
        (y * y).sum().backward()
        grads.append(leaf.grad)
    assert_close(grads[0], grads[1])


def test_cross_without_dim_warns_and_takes_the_first_dim_of_size_3() -> None:
    a, ta = pair(3, 3)
    b, tb = pair(3, 3, seed=1)
    with pytest.warns(UserWarning, match="without specifying the dim"):
        ours = rg.cross(a, b)
    with pytest.warns(UserWarning):
        theirs = torch.cross(ta, tb)
    assert_close(ours, theirs)


def test_einsum_node_names_and_list_operands() -> None:
    a = rg.ones(2, 3, requires_grad=True)
    assert rg.bmm(a.unsqueeze(0), a.mT.unsqueeze(0)).grad_fn.name() == "BmmBackward0"
    assert rg.mm(a, a.mT).grad_fn.name() == "MmBackward0"
    assert rg.mv(a, a[0]).grad_fn.name() == "MvBackward0"
    assert rg.dot(a[0], a[1]).grad_fn.name() == "DotBackward0"
    assert rg.tril(a).grad_fn.name() == "TrilBackward0"
    out = rg.einsum("ij,kj->ik", [a, a])
    assert out.shape == (2, 2)


def test_einsum_permutation_of_one_operand_is_a_copy() -> None:
    x = rg.zeros(2, 3)
    y = rg.einsum("ij->ji", x)
    y.add_(1)
    assert float(x.sum()) == 0.0


# ---------------------------------------------------------------- matrix functions
def test_singular_and_indefinite_matrices_raise_linalg_errors() -> None:
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(torch.linalg.LinAlgError):
        torch.linalg.inv(torch.from_numpy(singular))
    with pytest.raises(rg.linalg.LinAlgError, match="linalg.inv: .*singular"):
        rg.linalg.inv(rg.from_numpy(singular))
    with pytest.raises(rg.linalg.LinAlgError, match="linalg.solve"):
        rg.linalg.solve(rg.from_numpy(singular), rg.ones(2, dtype=rg.float64))
    assert issubclass(rg.linalg.LinAlgError, RuntimeError)
    indefinite = np.array([[[4.0, 0.0], [0.0, 1.0]], [[1.0, 2.0], [2.0, 1.0]]])
    with pytest.raises(torch.linalg.LinAlgError) as theirs:
        torch.linalg.cholesky(torch.from_numpy(indefinite))
    with pytest.raises(rg.linalg.LinAlgError) as ours:
        rg.linalg.cholesky(rg.from_numpy(indefinite))
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "fn, shapes, words",
    [
        (lambda lib, a: lib.linalg.inv(a), [(3, 4)], "3 by 4 matrices"),
        (lambda lib, a: lib.linalg.det(a), [(3,)], "at least 2 dimensions"),
        (lambda lib, a, b: lib.linalg.solve(a, b), [(3, 3), (4, 2)], "Incompatible shapes"),
        (lambda lib, a: lib.linalg.eigh(a, UPLO="X"), [(3, 3)], "UPLO"),
        (lambda lib, a: lib.linalg.qr(a, mode="full"), [(3, 3)], "unrecognized mode"),
    ],
)
def test_bad_matrix_arguments_raise_pytorchs_error(fn: Any, shapes: Any, words: str) -> None:
    assert words in raises_like_pytorch(fn, *shapes)


def test_integer_matrices_are_rejected() -> None:
    with pytest.raises(RuntimeError, match="floating point or complex tensor as input. Got Long"):
        rg.linalg.inv(rg.ones(2, 2, dtype=rg.int64))


def test_matrix_function_node_names() -> None:
    a = (rg.eye(3, dtype=rg.float64) * 2).requires_grad_()
    assert rg.linalg.inv(a).grad_fn.name() == "LinalgInvExBackward0"
    assert rg.linalg.det(a).grad_fn.name() == "LinalgDetBackward0"
    assert rg.linalg.slogdet(a).logabsdet.grad_fn.name() == "LinalgSlogdetBackward0"
    assert rg.linalg.solve(a, a).grad_fn.name() == "LinalgSolveExBackward0"
    assert rg.linalg.cholesky(a).grad_fn.name() == "LinalgCholeskyExBackward0"
    assert rg.linalg.eigh(a).eigenvalues.grad_fn.name() == "LinalgEighBackward0"
    assert rg.linalg.svd(a).S.grad_fn.name() == "LinalgSvdBackward0"
    assert rg.linalg.qr(a).R.grad_fn.name() == "LinalgQrBackward0"


def test_qr_mode_r_has_no_gradient_as_in_pytorch() -> None:
    for lib in (rg, torch):
        x = lib.from_numpy(np.random.default_rng(0).standard_normal((3, 2))).requires_grad_()
        q, r = lib.linalg.qr(x, mode="r")
        assert tuple(q.shape) == (0,)
        with pytest.raises(RuntimeError, match="mode='r'"):
            r.sum().backward()


def test_logdet_of_a_negative_determinant_is_nan() -> None:
    a = -np.eye(3)
    assert np.isnan(float(rg.logdet(rg.from_numpy(a))))
    assert np.isnan(float(torch.logdet(torch.from_numpy(a))))


def test_lstsq_rank_and_solution_of_a_rank_deficient_matrix() -> None:
    a = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    b = np.array([[1.0], [2.0], [3.5]])
    ours = rg.linalg.lstsq(rg.from_numpy(a), rg.from_numpy(b), driver="gelsd")
    theirs = torch.linalg.lstsq(torch.from_numpy(a), torch.from_numpy(b), driver="gelsd")
    assert_close(ours.solution, theirs.solution)
    assert int(ours.rank) == int(theirs.rank) == 1


def test_det_gradient_at_singular_and_nearly_singular_matrices() -> None:
    rank2 = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 1.0, 1.0]])
    a = np.stack([np.eye(3) * 2, rank2, rank2 + 1e-9, np.zeros((3, 3))])
    grads = []
    for lib in (rg, torch):
        x = lib.from_numpy(a.copy()).requires_grad_()
        (g,) = lib.autograd.grad(lib.linalg.det(x).sum(), x)
        grads.append(g)
    assert_close(grads[0], grads[1])


@pytest.mark.parametrize(
    "name, shapes, kwargs",
    [
        ("tril_", [(3, 4)], dict(diagonal=-1)),
        ("triu_", [(2, 3, 3)], dict(diagonal=1)),
        ("addmm_", [(2, 4), (2, 3), (3, 4)], dict(beta=0.5, alpha=2)),
        ("addmv_", [(2,), (2, 3), (3,)], {}),
        ("addbmm_", [(2, 4), (3, 2, 3), (3, 3, 4)], {}),
        ("baddbmm_", [(2, 2, 4), (2, 2, 3), (2, 3, 4)], dict(alpha=-1)),
        ("addr_", [(3, 2), (3,), (2,)], {}),
    ],
)
def test_in_place_forms_match_pytorch(name: str, shapes: Any, kwargs: Any) -> None:
    results = []
    for lib in (rg, torch):
        leaves = [
            (torch.from_numpy if lib is torch else rg.from_numpy)(
                np.random.default_rng(i).standard_normal(s)
            ).requires_grad_()
            for i, s in enumerate(shapes)
        ]
        self = leaves[0] * 1.0
        out = getattr(self, name)(*leaves[1:], **kwargs)
        assert out is self
        weights = lib.from_numpy(np.random.default_rng(9).standard_normal(shapes[0]))
        grads = lib.autograd.grad((self * weights).sum(), leaves)
        results.append((self.detach(), grads))
    assert_close(results[0][0], results[1][0])
    for a, b in zip(results[0][1], results[1][1]):
        assert_close(a, b)


def test_bfloat16_matmul_stays_bfloat16_like_pytorch():
    a = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    b = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    x = rg.tensor(a).bfloat16().requires_grad_()
    xt = torch.tensor(a).bfloat16().requires_grad_()
    out, out_t = x @ rg.tensor(b).bfloat16(), xt @ torch.tensor(b).bfloat16()
    out.sum().backward()
    out_t.sum().backward()
    assert out.dtype == rg.bfloat16 and x.grad.dtype == rg.bfloat16
    np.testing.assert_allclose(out.detach().float().numpy(), out_t.detach().float().numpy())
    np.testing.assert_allclose(x.grad.float().numpy(), xt.grad.float().numpy())


@pytest.mark.parametrize("shape", [(4, 2), (2, 4), (2, 3, 2), (3, 3)])
def test_full_svd_tangents_of_the_extra_singular_vectors_are_zero_as_in_pytorch(
    shape: tuple[int, ...],
) -> None:
    a, t = pair(*shape, seed=1)[0], pair(*shape, seed=2)[0]
    k = min(shape[-2:])
    fw = rg.autograd.forward_ad
    with fw.dual_level():
        full = [fw.unpack_dual(o).tangent for o in rg.linalg.svd(fw.make_dual(a, t))]
        thin = [fw.unpack_dual(o).tangent for o in rg.linalg.svd(fw.make_dual(a, t), False)]
    # the first k singular vectors move as in the reduced decomposition (which the op
    # database compares with PyTorch); the others, arbitrary bases, get zero tangents
    assert_close(full[0][..., :k], thin[0])
    assert_close(full[2][..., :k, :], thin[2])
    assert_close(full[1], thin[1])
    assert not full[0][..., k:].numpy().any() and not full[2][..., k:, :].numpy().any()
    tfw = torch.autograd.forward_ad
    with tfw.dual_level():
        u, _, vh = torch.linalg.svd(tfw.make_dual(*(torch.from_numpy(x.numpy()) for x in (a, t))))
        assert tfw.unpack_dual(u).tangent.shape == full[0].shape
        assert not tfw.unpack_dual(u).tangent[..., k:].any()
        assert not tfw.unpack_dual(vh).tangent[..., k:, :].any()


LOW_PRECISION_CALLS = {
    "linalg.inv": lambda lib, x: lib.linalg.inv(x),
    "inverse": lambda lib, x: lib.inverse(x),
    "linalg.det": lambda lib, x: lib.linalg.det(x),
    "linalg.slogdet": lambda lib, x: lib.linalg.slogdet(x),
    "logdet": lambda lib, x: lib.logdet(x),
    "linalg.solve": lambda lib, x: lib.linalg.solve(x, x),
    "linalg.eigh": lambda lib, x: lib.linalg.eigh(x),
    "linalg.eigvalsh": lambda lib, x: lib.linalg.eigvalsh(x),
    "linalg.svd": lambda lib, x: lib.linalg.svd(x),
    "linalg.svdvals": lambda lib, x: lib.linalg.svdvals(x),
    "linalg.cholesky": lambda lib, x: lib.linalg.cholesky(x),
    "linalg.qr": lambda lib, x: lib.linalg.qr(x),
    "linalg.pinv": lambda lib, x: lib.linalg.pinv(x),
    "linalg.lstsq": lambda lib, x: lib.linalg.lstsq(x, x),
    "linalg.solve_triangular": lambda lib, x: lib.linalg.solve_triangular(x, x, upper=True),
    "cholesky_solve": lambda lib, x: lib.cholesky_solve(x, x),
    "linalg.matrix_power(-1)": lambda lib, x: lib.linalg.matrix_power(x, -1),
}


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name", list(LOW_PRECISION_CALLS))
def test_low_precision_linear_algebra_is_rejected_with_pytorchs_error(
    name: str, dtype: str
) -> None:
    fn = LOW_PRECISION_CALLS[name]
    with pytest.raises(Exception) as theirs:
        fn(torch, torch.eye(2, dtype=getattr(torch, dtype)) + 1)
    with pytest.raises(type(theirs.value)) as ours:
        fn(rg, rg.eye(2, dtype=getattr(rg, dtype)) + 1)
    assert str(ours.value) == str(theirs.value)
