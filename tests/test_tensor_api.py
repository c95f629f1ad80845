"""The Tensor's own surface against PyTorch: shape and size, device, T/mT, Python
conversions (item, tolist, numpy, float, int, index, bool, len, iter), clone, contiguous,
to(), hashing and equality, and copying by deepcopy and pickle."""

from __future__ import annotations

import copy
import pickle
import warnings
from typing import Any

import ml_dtypes
import numpy as np
import pytest
import torch

import retrograd as rg
from _torch_compare import assert_close, to_torch

NUMPY_GRAD_ERROR = (
    "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
)


def both(fn: Any) -> tuple[Any, Any]:
    return fn(rg), fn(torch)


def assert_same_error(fn: Any, match: str | None = None) -> None:
    """retrograd raises the exception type PyTorch raises for the same call."""
    with pytest.raises(Exception) as theirs:
        fn(torch)
    with pytest.raises(theirs.type, match=match):
        fn(rg)


# ------------------------------------------------------------------------ shape and size
def test_shape_is_a_size_printed_like_torch() -> None:
    x = rg.zeros(2, 3)
    assert isinstance(x.shape, rg.Size) and isinstance(x.shape, tuple)
    assert repr(x.shape) == "retrograd.Size([2, 3])"
    assert repr(torch.zeros(2, 3).shape) == "torch.Size([2, 3])"
    assert repr(rg.zeros(()).shape) == "retrograd.Size([])"
    assert x.shape == (2, 3) and x.size() == x.shape and x.shape == torch.Size([2, 3])
    assert hash(x.shape) == hash((2, 3))


@pytest.mark.parametrize("op", [
    lambda s: s[1:], lambda s: s[:0], lambda s: s + (4,), lambda s: (4,) + s,
    lambda s: s + s, lambda s: s * 2, lambda s: 2 * s,
])  # fmt: skip
def test_size_slicing_and_concatenation_give_sizes(op: Any) -> None:
    ours, theirs = op(rg.Size([2, 3])), op(torch.Size([2, 3]))
    assert type(theirs) is torch.Size
    assert type(ours) is rg.Size and tuple(ours) == tuple(theirs)
    assert repr(ours) == repr(theirs).replace("torch", "retrograd")


def test_size_indexing_and_numel() -> None:
    s, t = rg.Size([2, 3, 4]), torch.Size([2, 3, 4])
    assert s[0] == t[0] and s[-1] == t[-1] and type(s[0]) is int
    assert s.numel() == t.numel() == 24 and rg.Size([]).numel() == 1
    assert rg.Size([0, 5]).numel() == 0


@pytest.mark.parametrize("shape", [(), (5,), (2, 3), (2, 0, 4), (1, 1, 1, 1)])
def test_size_dim_ndim_numel_match_torch(shape: tuple[int, ...]) -> None:
    a, b = rg.zeros(shape), torch.zeros(shape)
    assert a.size() == b.size() and a.shape == b.shape
    assert a.dim() == b.dim() == a.ndim == b.ndim == a.ndimension()
    assert a.numel() == b.numel() == a.nelement() == rg.numel(a)
    for d in range(-len(shape), len(shape)):
        assert a.size(d) == b.size(d) and a.shape[d] == b.shape[d]


@pytest.mark.parametrize("shape, dim", [((2, 3), 2), ((2, 3), -3), ((), 0), ((), -1),
                                        ((4,), 1)])  # fmt: skip
def test_size_of_a_missing_dim_is_an_index_error(shape: tuple[int, ...], dim: int) -> None:
    assert_same_error(lambda m: m.zeros(shape).size(dim))
    assert_same_error(lambda m: m.zeros(shape).stride(dim))


def test_zero_dim_size_error_says_there_are_no_dims() -> None:
    with pytest.raises(IndexError, match="Dimension specified as 0 but tensor has no dimensions"):
        rg.tensor(1.0).size(0)


def test_strides_match_torch_for_views() -> None:
    for make in (lambda m: m.zeros(2, 3, 4), lambda m: m.zeros(2, 3, 4).transpose(0, 2),
                 lambda m: m.zeros(2, 3).t(), lambda m: m.zeros(4, 6)[::2, 1:]):  # fmt: skip
        a, b = both(make)
        assert a.stride() == b.stride()
        assert a.is_contiguous() == b.is_contiguous()
        assert [a.stride(d) for d in range(a.dim())] == [b.stride(d) for d in range(b.dim())]


# ---------------------------------------------------------------------------------- device
def test_device_is_the_cpu() -> None:
    x = rg.ones(2)
    assert repr(x.device) == repr(torch.ones(2).device) == "device(type='cpu')"
    assert str(x.device) == "cpu" and x.device.type == "cpu" and x.device.index is None
    assert x.device == rg.device("cpu") and x.is_cuda is False
    assert repr(rg.device("cpu", 0)) == repr(torch.device("cpu", 0))
    assert repr(rg.device("cpu:0")) == repr(torch.device("cpu:0"))
    assert rg.device(rg.device("cpu")) == rg.device("cpu")


def test_device_rejects_unknown_types_and_factories_other_devices() -> None:
    assert_same_error(lambda m: m.device("foo"))
    with pytest.raises(RuntimeError, match="cuda"):
        rg.zeros(2, device="cuda")
    assert rg.zeros(2, device="cpu").device == rg.device("cpu")
    assert rg.ones(2, device=rg.device("cpu")).shape == (2,)


# ------------------------------------------------------------------------------- T and mT
@pytest.mark.parametrize("shape", [(2, 3), (1, 4), (3, 3)])
def test_T_transposes_a_matrix(shape: tuple[int, ...]) -> None:
    a = rg.arange(float(np.prod(shape))).reshape(shape)
    assert_close(a.T, to_torch(a).T)
    assert a.T.stride() == to_torch(a).T.stride()
    assert np.shares_memory(a.T.numpy(), a.numpy())


@pytest.mark.parametrize("shape", [(2, 3), (4, 2, 3), (2, 1, 3, 5)])
def test_mT_transposes_the_last_two_dims(shape: tuple[int, ...]) -> None:
    a = rg.randn(*shape)
    assert_close(a.mT, to_torch(a).mT)


def test_T_and_mT_carry_gradients() -> None:
    g = np.arange(6.0).reshape(3, 2)
    x = rg.randn(2, 3, requires_grad=True)
    tx = to_torch(x)
    (x.T * rg.tensor(g, dtype=rg.float32)).sum().backward()
    (tx.T * torch.tensor(g, dtype=torch.float32)).sum().backward()
    assert_close(x.grad, tx.grad)
    y = rg.randn(4, 2, 3, requires_grad=True)
    ty = to_torch(y)
    (y.mT * 2.0).sum().backward()
    (ty.mT * 2.0).sum().backward()
    assert_close(y.grad, ty.grad)


def test_mT_of_a_vector_is_an_error() -> None:
    assert_same_error(lambda m: m.zeros(3).mT)


# ------------------------------------------------------------------- item, tolist, numpy
@pytest.mark.parametrize("value, dtype", [
    (2.5, "float32"), (7, "int64"), (True, "bool"), (1 + 2j, "complex64"), (1.1, "float16"),
    (1.1, "bfloat16"), (-3, "int8"), (200, "uint8"), (0.1, "float64"),
])  # fmt: skip
def test_item_matches_torch(value: Any, dtype: str) -> None:
    a, b = both(lambda m: m.tensor([[value]], dtype=getattr(m, dtype)))
    assert a.item() == b.item() and type(a.item()) is type(b.item())


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16", "int16", "bool",
                                   "complex128", "uint8"])  # fmt: skip
@pytest.mark.parametrize("shape", [(), (3,), (2, 2), (2, 0)])
def test_tolist_matches_torch(dtype: str, shape: tuple[int, ...]) -> None:
    data = np.arange(1, 1 + int(np.prod(shape))).reshape(shape) * 1.1
    a, b = both(lambda m: m.tensor(data).to(getattr(m, dtype)))
    assert a.tolist() == b.tolist()
    flat_a, flat_b = np.ravel(a.tolist()).tolist(), np.ravel(b.tolist()).tolist()
    assert [type(v) for v in flat_a] == [type(v) for v in flat_b]


@pytest.mark.parametrize("shape", [(2,), (0,), (2, 2), (1, 0)])
def test_item_of_multiple_or_no_elements_is_an_error(shape: tuple[int, ...]) -> None:
    assert_same_error(lambda m: m.ones(shape).item())


def test_item_error_says_how_many_elements() -> None:
    with pytest.raises(RuntimeError, match="a Tensor with 3 elements cannot be converted"):
        rg.ones(3).item()


def test_numpy_shares_memory_and_keeps_the_dtype() -> None:
    x = rg.zeros(3, dtype=rg.int16)
    arr = x.numpy()
    assert arr.dtype == np.int16 and arr.dtype == torch.zeros(3, dtype=torch.int16).numpy().dtype
    arr[1] = 5
    assert x.tolist() == [0, 5, 0]
    x.add_(1)
    assert arr.tolist() == [1, 6, 1]
    assert rg.ones(2, dtype=rg.bfloat16).numpy().dtype == ml_dtypes.bfloat16


@pytest.mark.parametrize("make", [
    lambda m: m.ones(2, requires_grad=True),
    lambda m: m.ones(2, requires_grad=True) * 2,
    lambda m: m.ones(2, requires_grad=True)[0],
])  # fmt: skip
def test_numpy_on_a_tensor_that_requires_grad_raises_torch_error(make: Any) -> None:
    with pytest.raises(RuntimeError) as theirs:
        make(torch).numpy()
    assert str(theirs.value) == NUMPY_GRAD_ERROR
    with pytest.raises(RuntimeError) as ours:
        make(rg).numpy()
    assert str(ours.value) == NUMPY_GRAD_ERROR
    assert make(rg).detach().numpy().tolist() == make(torch).detach().numpy().tolist()
    assert make(rg).numpy(force=True).tolist() == make(torch).numpy(force=True).tolist()


def test_array_protocol() -> None:
    x = rg.arange(6).reshape(2, 3)
    arr = np.asarray(x)
    assert arr.dtype == np.int64 and arr.shape == (2, 3)
    assert np.shares_memory(arr, x.numpy())
    as_float = np.asarray(x, dtype=np.float32)
    assert as_float.dtype == np.float32 and as_float.tolist() == arr.tolist()
    copied = np.array(x)
    copied[0, 0] = 100
    assert x[0, 0].item() == 0
    assert np.asarray(torch.arange(6).reshape(2, 3)).tolist() == arr.tolist()
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(rg.ones(2, requires_grad=True))
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(torch.ones(2, requires_grad=True))


# --------------------------------------------------------------- Python conversions
@pytest.mark.parametrize("convert", [float, int, complex, bool])
@pytest.mark.parametrize("make", [
    lambda m: m.tensor(2.7), lambda m: m.tensor([[-2.7]]), lambda m: m.tensor([3]),
    lambda m: m.tensor(0.0), lambda m: m.tensor([True]), lambda m: m.tensor(5, dtype=m.uint8),
    lambda m: m.tensor(1.5, dtype=m.bfloat16), lambda m: m.tensor(2.5, requires_grad=True),
])  # fmt: skip
def test_python_number_conversions_match_torch(convert: Any, make: Any) -> None:
    with warnings.catch_warnings():
        # torch warns once per process on float() of a tensor that requires grad
        warnings.simplefilter("ignore", UserWarning)
        b = convert(make(torch))
    a = convert(make(rg))
    assert a == b and type(a) is type(b)


@pytest.mark.parametrize("convert", [float, int, bool])
@pytest.mark.parametrize("make", [lambda m: m.ones(2), lambda m: m.zeros(0),
                                  lambda m: m.tensor(1 + 2j)])  # fmt: skip
def test_python_conversion_errors_match_torch(convert: Any, make: Any) -> None:
    if convert is bool and make(torch).numel() == 1:
        assert bool(make(rg)) == bool(make(torch))
        return
    assert_same_error(lambda m: convert(make(m)))


def test_conversion_error_messages() -> None:
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value"):
        bool(rg.ones(2))
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with no values"):
        bool(rg.zeros(0))
    with pytest.raises(ValueError, match="only one element tensors can be converted"):
        float(rg.ones(2))


@pytest.mark.parametrize("make", [
    lambda m: m.tensor(1), lambda m: m.tensor([2]), lambda m: m.tensor(True),
    lambda m: m.tensor(1, dtype=m.uint8), lambda m: m.tensor(1.0), lambda m: m.tensor([1, 2]),
])  # fmt: skip
def test_index_conversion_matches_torch(make: Any) -> None:
    seq = [10, 20, 30]
    try:
        expected = seq[make(torch)]
    except TypeError:
        with pytest.raises(TypeError):
            seq[make(rg)]
        return
    assert seq[make(rg)] == expected
    assert list(range(make(rg))) == list(range(make(torch)))
    assert hex(make(rg)) == hex(make(torch))


def test_len_and_iteration_match_torch() -> None:
    a, b = both(lambda m: m.arange(6.0).reshape(3, 2))
    assert len(a) == len(b) == 3
    rows = list(a)
    assert len(rows) == 3 and all(isinstance(r, rg.Tensor) for r in rows)
    assert [r.tolist() for r in rows] == [r.tolist() for r in b]
    assert [r.tolist() for r in reversed(a)] == [r.tolist() for r in reversed(b)]
    assert len(rg.zeros(0, 2)) == 0 and list(rg.zeros(0, 2)) == []
    assert_same_error(lambda m: len(m.tensor(1.0)))
    assert_same_error(lambda m: iter(m.tensor(1.0)))


def test_iteration_keeps_the_graph() -> None:
    x = rg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    total = sum(v * v for v in x)
    total.backward()
    assert x.grad.tolist() == [2.0, 4.0, 6.0]


# ------------------------------------------------------------------- hashing and equality
def test_tensors_hash_by_identity() -> None:
    a, b = rg.ones(2), rg.ones(2)
    assert hash(a) == hash(a) and len({a: 1, b: 2}) == 2
    assert len({a, a, b}) == 2
    assert a in [a] and a in {a}


def test_eq_is_elementwise_and_other_objects_compare_false() -> None:
    a, b = both(lambda m: m.tensor([1.0, 2.0]))
    assert (a == rg.tensor([1.0, 0.0])).tolist() == (b == torch.tensor([1.0, 0.0])).tolist()
    assert (a == 2).tolist() == (b == 2).tolist() and (a != 2).tolist() == (b != 2).tolist()
    for other in (None, "a", [1.0, 2.0], (1, 2), object()):
        assert (a == other) is (b == other) is False
        assert (a != other) is (b != other) is True


# --------------------------------------------------------------------- clone, contiguous
def test_clone_copies_memory_and_stays_in_the_graph() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    y = x.clone()
    assert y.data_ptr() != x.data_ptr() and not np.shares_memory(y.detach().numpy(), x._data)
    assert y.requires_grad and not y.is_leaf and y.grad_fn.name() == "CloneBackward0"
    (y * rg.tensor([3.0, 4.0])).sum().backward()
    assert x.grad.tolist() == [3.0, 4.0]
    z = rg.ones(3).clone()
    assert z.is_leaf and not z.requires_grad
    w = rg.ones(3)
    c = w.clone()
    c.add_(1)
    assert w.tolist() == [1.0, 1.0, 1.0]


def test_contiguous_copies_only_non_contiguous_tensors() -> None:
    a, b = both(lambda m: m.arange(6).reshape(2, 3).t())
    assert a.is_contiguous() == b.is_contiguous() is False
    ca, cb = a.contiguous(), b.contiguous()
    assert ca.is_contiguous() and ca.stride() == cb.stride() == (2, 1)
    assert ca.tolist() == cb.tolist()
    x = rg.arange(6)
    assert x.contiguous() is x
    t = rg.randn(2, 3, requires_grad=True)
    tt = to_torch(t)
    out, tout = t.T.contiguous(), tt.T.contiguous()
    assert out.grad_fn is not None and tout.grad_fn is not None
    g = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    out.backward(rg.tensor(g))
    tout.backward(torch.tensor(g))
    assert_close(t.grad, tt.grad)


# ------------------------------------------------------------------------------------ to()
def test_to_dtype_device_other_and_copy() -> None:
    x = rg.tensor([1.5, -2.5])
    assert x.to(rg.float64).dtype is rg.float64
    assert x.to(dtype=rg.float16).dtype is rg.float16
    assert x.to("cpu") is x and x.to(rg.device("cpu")) is x and x.cpu() is x
    assert (
        x.to("cpu", rg.int32).tolist() == torch.tensor([1.5, -2.5]).to("cpu", torch.int32).tolist()
    )
    assert x.to(rg.zeros(1, dtype=rg.int8)).dtype is rg.int8
    assert x.to(rg.float32) is x
    copied = x.to(rg.float32, copy=True)
    assert copied is not x and copied.data_ptr() != x.data_ptr()
    assert x.to("cpu", copy=True) is not x
    assert x.to(device="cpu", dtype=rg.float64).dtype is rg.float64


def test_to_keeps_the_graph_for_float_targets() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    y = x.to(rg.float64)
    assert y.grad_fn is not None and y.grad_fn.name() == "ToCopyBackward0"
    (y * y).sum().backward()
    assert x.grad.dtype is rg.float32 and x.grad.tolist() == [2.0, 4.0]
    assert x.to(rg.int64).requires_grad is False


def test_to_rejects_other_devices() -> None:
    with pytest.raises(RuntimeError, match="cuda"):
        rg.ones(2).to("cuda")


# ----------------------------------------------------------------- deepcopy and pickle
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool", "bfloat16",
                                   "complex64"])  # fmt: skip
def test_pickle_round_trips_a_leaf(dtype: str) -> None:
    x = rg.tensor([[1, 2], [3, 4]]).to(getattr(rg, dtype))
    y = pickle.loads(pickle.dumps(x))
    assert y.dtype is x.dtype and y.shape == x.shape and y.tolist() == x.tolist()
    assert not y.requires_grad and y.is_leaf
    y.zero_()
    assert x.tolist() == rg.tensor([[1, 2], [3, 4]]).to(getattr(rg, dtype)).tolist()


def test_pickle_keeps_requires_grad() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    y = pickle.loads(pickle.dumps(x))
    assert y.requires_grad and y.is_leaf and y.grad is None
    t = pickle.loads(pickle.dumps(torch.tensor([1.0, 2.0], requires_grad=True)))
    assert t.requires_grad == y.requires_grad


def test_deepcopy_of_a_leaf_copies_values_grad_and_flag() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    y = copy.deepcopy(x)
    assert y is not x and y.requires_grad and y.is_leaf
    assert y.tolist() == x.tolist() and y.grad.tolist() == [3.0, 3.0]
    assert y.data_ptr() != x.data_ptr() and y.grad.data_ptr() != x.grad.data_ptr()
    y.detach().add_(1)
    assert x.tolist() == [1.0, 2.0]
    shared = [x, x]
    copied = copy.deepcopy(shared)
    assert copied[0] is copied[1]


def test_deepcopy_of_a_non_leaf_is_an_error() -> None:
    assert_same_error(
        lambda m: copy.deepcopy(m.ones(2, requires_grad=True) * 2),
        match="Only Tensors created explicitly by the user",
    )
