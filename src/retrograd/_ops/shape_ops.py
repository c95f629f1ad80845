"""Shape, view, indexing and joining operations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._prims import shape as P
from .._prims._core import apply, apply_promoted
from .._prims.reduce import SumDim
from .._tensor import Size, Tensor, _wrap_dim, wrap_dims
from ._convert import check_tensor, promote


def _shape_arg(shape: tuple[Any, ...]) -> tuple[int, ...]:
    """Accept ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` and ``f(Size)``."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = tuple(shape[0])
    try:
        return tuple(int(s) for s in shape)
    except TypeError:
        raise TypeError(f"shape must be a sequence of ints, got {shape!r}") from None


def _infer(
    shape: tuple[int, ...], numel: int, op: str, in_shape: tuple[int, ...]
) -> tuple[int, ...]:
    """Resolve one -1 in ``shape``; PyTorch's error when the sizes don't match."""
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def reshape(input: Tensor, *shape: Any) -> Tensor:
    """The same values in a new shape: a view when possible, else a copy."""
    s = _infer(_shape_arg(shape), input._data.size, "reshape", input._data.shape)
    if s == input._data.shape:
        return apply(P.Alias, input)
    return apply(P.Reshape, input, shape=s)


def view(input: Tensor, *shape: Any) -> Tensor:
    """A view with a new shape; fails (as PyTorch) when the memory layout does not allow it."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, Size, int)):
        return _view_dtype(input, shape[0])
    s = _infer(_shape_arg(shape), input._data.size, "view", input._data.shape)
    try:
        np.reshape(input._data, s, copy=False)
    except ValueError:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        ) from None
    return apply(P.Reshape, input, shape=s)


def _view_dtype(input: Tensor, dtype: Any) -> Tensor:
    """Reinterpret the bits as another dtype of the same size (outside the graph)."""
    from .. import _dtype

    dt = _dtype.as_dtype(dtype)
    if dt.itemsize != input._data.itemsize:
        raise RuntimeError(
            f"view(dtype) needs dtypes of one element size: {input.dtype} has "
            f"{input._data.itemsize} bytes, {dt} has {dt.itemsize}"
        )
    if input.requires_grad:
        raise RuntimeError("view(dtype) is not differentiable; detach() the tensor first")
    out = Tensor._wrap(input._data.view(dt.np))
    out._vc = input._vc
    return out


def view_as(input: Tensor, other: Tensor) -> Tensor:
    return view(input, other._data.shape)


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, other._data.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one."""
    shape = input._data.shape
    if not shape:
        return reshape(input, (1,))
    s = _wrap_dim(start_dim, len(shape))
    e = _wrap_dim(end_dim, len(shape))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for d in shape[s : e + 1]:
        n *= d
    return reshape(input, shape[:s] + (n,) + shape[e + 1 :])


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """Drop dims of size 1 (all, or those in ``dim``)."""
    shape = input._data.shape
    if dim is None:
        dims: Sequence[int] = range(len(shape))
    else:
        dims = wrap_dims((dim,) if isinstance(dim, int) else tuple(dim), len(shape))
    new = tuple(s for d, s in enumerate(shape) if not (d in dims and s == 1))
    if new == shape:
        return apply(P.Alias, input)
    return apply(P.Squeeze, input, shape=new)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a dim of size 1 at ``dim``."""
    shape = input._data.shape
    d = _wrap_dim(dim, len(shape) + 1)
    return apply(P.Unsqueeze, input, shape=shape[:d] + (1,) + shape[d:])


def permute(input: Tensor, *dims: Any) -> Tensor:
    """Reorder the dims (a view)."""
    d = _shape_arg(dims)
    if len(d) != input._data.ndim:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match "
            f"the length of the desired ordering of dimensions i.e. input.dim() = "
            f"{input._data.ndim} is not equal to len(dims) = {len(d)}"
        )
    return apply(P.Permute, input, dims=wrap_dims(d, input._data.ndim))


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims (a view)."""
    n = input._data.ndim
    return apply(P.Transpose, input, dim0=_wrap_dim(dim0, n), dim1=_wrap_dim(dim1, n))


swapaxes = swapdims = transpose


def t(input: Tensor) -> Tensor:
    """Transpose a tensor of at most 2 dims."""
    if input._data.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D"
        )
    if input._data.ndim < 2:
        return apply(P.Alias, input)
    return apply(P.T, input, dim0=0, dim1=1)


def numpy_T(input: Tensor) -> Tensor:
    return permute(input, tuple(range(input._data.ndim - 1, -1, -1)))


def mT(input: Tensor) -> Tensor:
    if input._data.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {input._data.ndim}-D tensor.")  # fmt: skip
    return transpose(input, -2, -1)


def expand(input: Tensor, *sizes: Any) -> Tensor:
    """Broadcast size-1 dims to ``sizes`` (-1 keeps a dim) without copying."""
    s = _shape_arg(sizes)
    shape = input._data.shape
    if len(s) < len(shape):
        raise RuntimeError(
            f"expand(torch.FloatTensor{{{list(shape)}}}, size=[{len(s)}]): the number of sizes "
            f"provided ({len(s)}) must be greater or equal to the number of dimensions in the "
            f"tensor ({len(shape)})"
        )
    lead = len(s) - len(shape)
    target = []
    for i, n in enumerate(s):
        if i < lead:
            if n < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({n}) isn't allowed in a leading, "
                    "non-existing dimension 0"
                )
            target.append(n)
            continue
        cur = shape[i - lead]
        if n == -1:
            n = cur
        if cur != n and cur != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({n}) must match the existing size ({cur}) "
                f"at non-singleton dimension {i}.  Target sizes: {list(s)}.  Tensor sizes: "
                f"{list(shape)}"
            )
        target.append(n)
    tt = tuple(target)
    if tt == shape:
        return apply(P.Alias, input)
    return apply(P.Expand, input, shape=tt)


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, other._data.shape)


def broadcast_to(input: Tensor, size: Any) -> Tensor:
    return expand(input, size)


def infer_size(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape operands of ``shapes`` broadcast to, folded left to right as PyTorch's
    TensorIterator does; its RuntimeError (naming the first clashing sizes) otherwise."""
    out: tuple[int, ...] = ()
    for shape in shapes:
        n = max(len(out), len(shape))
        a, b = (1,) * (n - len(out)) + out, (1,) * (n - len(shape)) + tuple(shape)
        for i in range(n - 1, -1, -1):  # PyTorch reports the last clashing dim
            if a[i] != b[i] and a[i] != 1 and b[i] != 1:
                raise RuntimeError(
                    f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) "
                    f"at non-singleton dimension {i} (operand shapes: "
                    f"{', '.join(str(list(s)) for s in shapes)})"
                )
        out = tuple(y if x == 1 else x for x, y in zip(a, b))
    return out


def sum_to(g: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum a broadcast gradient back to ``shape`` (ValueError when it does not broadcast)."""
    gshape = g._data.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    if lead < 0:
        raise ValueError(f"cannot sum {gshape} to {shape}")
    dims = list(range(lead))
    for i, s in enumerate(shape):
        gs = gshape[lead + i]
        if s == 1 and gs != 1:
            dims.append(lead + i)
        elif s != gs:
            raise ValueError(f"cannot sum {gshape} to {shape}")
    out = apply(SumDim, g, dim=tuple(dims), keepdim=True) if dims else g
    return out if out._data.shape == shape else apply(P.Reshape, out, shape=shape)


def alias(input: Tensor) -> Tensor:
    return apply(P.Alias, input)


# ---------------------------------------------------------------------- indexing
def _index_item(x: Any) -> tuple[Any, bool]:
    """One entry of an index as NumPy takes it, and whether it is a basic one."""
    if x is None or x is Ellipsis:
        return x, True
    if isinstance(x, slice):
        if x.step is not None and int(x.step) <= 0:
            raise ValueError("step must be greater than zero")
        return slice(*(None if v is None else int(v) for v in (x.start, x.stop, x.step))), True
    if isinstance(x, bool):
        return x, False
    if isinstance(x, (int, np.integer)):
        return int(x), True
    if isinstance(x, Tensor):
        a = x._data
        if a.ndim == 0 and a.dtype.kind in "iu" and a.dtype != np.uint8:
            return int(a), True  # PyTorch selects with a 0-d integer tensor: a view
    else:
        try:
            a = np.asarray(x)
        except ValueError:
            raise IndexError(f"could not convert {x!r} to an index") from None
        if a.dtype == object:
            raise IndexError(f"could not convert {x!r} to an index")
        if a.size == 0 and a.dtype.kind == "f":
            a = a.astype(np.int64)
    if a.dtype.kind not in "biu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if a.dtype == np.uint8 and isinstance(x, Tensor):
        a = a.astype(bool)
    return a, False


def normalize_index(key: Any) -> tuple[tuple[Any, ...], bool]:
    """A tuple NumPy can index with, and whether it is basic (a view)."""
    items = key if isinstance(key, tuple) else (key,)
    out = []
    basic = True
    for k in items:
        v, b = _index_item(k)
        out.append(v)
        basic = basic and b
    return tuple(out), basic


def _consumed(idx: tuple[Any, ...]) -> int:
    """How many dims of the indexed tensor the items of ``idx`` other than Ellipsis use."""
    return sum(
        i.ndim if isinstance(i, np.ndarray) and i.dtype == np.bool_ else 1
        for i in idx
        if i is not None and i is not Ellipsis and type(i) is not bool
    )


def split_index(idx: tuple[Any, ...],
                ndim: int) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:  # fmt: skip
    """An advanced index as a basic index and the advanced rest, to apply one after the
    other the way PyTorch does (None when NumPy's single step already agrees).

    PyTorch applies ints, slices and None first and the index arrays to what results, so a
    slice between an int and an array does not move the indexed dims to the front as NumPy
    (counting the int as an advanced index) would; and an Ellipsis spanning no dims does not
    part two arrays, as it does in NumPy, so the rest spells it out as slices. A Python bool
    is a new dim indexed by ``[0]`` (True) or ``[]`` (False), an index array like any other.
    """
    if not any(type(i) is int or type(i) is bool or i is Ellipsis for i in idx):
        return None
    first: list[Any] = []
    rest: list[Any] = []
    for i in idx:
        if type(i) is int:
            first.append(i)
        elif type(i) is bool:
            first.append(None)
            rest.append(np.arange(int(i)))
        elif isinstance(i, np.ndarray):
            first.extend([slice(None)] * (i.ndim if i.dtype == np.bool_ else 1))
            rest.append(i)
        elif i is Ellipsis:
            first.append(i)
            rest.extend([slice(None)] * max(ndim - _consumed(idx), 0))
        else:  # None or a slice
            first.append(i)
            rest.append(slice(None))
    return tuple(first), tuple(rest)


def _out_of_bounds(idx: tuple[Any, ...], shape: tuple[int, ...]) -> str | None:
    """PyTorch's message for the first out-of-range index. Ints go first, numbered by their
    position in the index; then index arrays, numbered among the dims the arrays index."""
    spec = _consumed(idx)
    src = 0
    arrays: list[tuple[np.ndarray, int] | None] = []
    for pos, i in enumerate(idx):
        if i is None or type(i) is bool:
            arrays += [None] if type(i) is bool else []
        elif i is Ellipsis or isinstance(i, slice):
            src += len(shape) - spec if i is Ellipsis else 1
        elif isinstance(i, np.ndarray) and i.dtype == np.bool_:
            arrays += [None] * i.ndim
            src += i.ndim
        elif src < len(shape):
            size = shape[src]
            if np.ndim(i) == 0:
                if not -size <= int(i) < size:
                    return f"index {int(i)} is out of bounds for dimension {pos} with size {size}"
            else:
                arrays.append((np.asarray(i), size))
            src += 1
    for k, entry in enumerate(arrays):
        if entry is not None:
            a, size = entry
            bad = a[(a < -size) | (a >= size)]
            if bad.size:
                return f"index {bad.flat[0]} is out of bounds for dimension {k} with size {size}"
    return None


def _index_error(e: Exception, shape: tuple[int, ...], idx: tuple[Any, ...] = ()) -> Exception:
    msg = str(e)
    if "out of bounds" in msg:
        msg = _out_of_bounds(idx, shape) or msg
    if "too many indices" in msg:
        return IndexError(f"too many indices for tensor of dimension {len(shape)}")
    if "boolean index did not match" in msg:
        return IndexError(msg.replace("indexed array", "indexed tensor")
                          .replace("axis", "dimension"))  # fmt: skip
    if "shape mismatch" in msg:
        return IndexError(msg)
    return IndexError(msg.replace("axis", "dimension"))


def _all_ints(key: Any) -> bool:
    if type(key) is int:
        return True
    if type(key) is not tuple:
        return False
    for k in key:
        if type(k) is not int:
            return False
    return True


def getitem(input: Tensor, key: Any) -> Tensor:
    """``input[key]``: basic indexing gives a view; integer-array and boolean indexing a copy
    whose gradient adds up at repeated indices."""
    if _all_ints(key):
        # the common x[i] / x[i, j]; the trailing Ellipsis makes NumPy return a 0-d view
        # rather than a scalar copy, so the result shares memory as in PyTorch
        idx, basic, prim = (key, ...) if type(key) is int else key + (...,), True, P.Select
        split = None
    else:
        idx, basic = normalize_index(key)
        prim = P.Slice if basic else P.Index
        split = None if basic else split_index(idx, input._data.ndim)
    try:
        if split is not None:
            view = apply(P.Slice, input, idx=split[0], basic=True)
            return apply(prim, view, idx=split[1], basic=False)
        return apply(prim, input, idx=idx, basic=basic)
    except IndexError as e:
        raise _index_error(e, input._data.shape, idx) from None


def flip(input: Tensor, dims: Any) -> Tensor:
    """Reverse the order of elements along ``dims`` (a copy)."""
    n = input._data.ndim
    ds = wrap_dims((dims,) if isinstance(dims, int) else tuple(dims), n)
    idx = tuple(slice(None, None, -1) if d in ds else slice(None) for d in range(n))
    out = apply(P.Index, input, idx=idx, basic=False)
    return out


def select(input: Tensor, dim: int, index: int) -> Tensor:
    d = _wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if not -size <= index < size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size "
            f"{list(input._data.shape)} at dimension {dim}"
        )
    return apply(P.Select, input, idx=(slice(None),) * d + (int(index),), basic=True)


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    d = _wrap_dim(dim, input._data.ndim)
    return apply(P.Slice, input, idx=(slice(None),) * d + (slice(start, start + length),),
                 basic=True)  # fmt: skip


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    nz = np.nonzero(input._data) if input._data.ndim else np.nonzero(input._data.reshape(1))
    if as_tuple:
        return tuple(Tensor._wrap(a.astype(np.int64)) for a in nz)
    return Tensor._wrap(np.stack(nz, axis=-1).astype(np.int64))


def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    d = _wrap_dim(dim, input._data.ndim)
    if index._data.dtype != np.int64:
        raise RuntimeError("gather(): Expected dtype int64 for index")
    return apply(P.Gather, input, index, dim=d)


# ----------------------------------------------------------------------- joining
def _tensor_list(tensors: Any, op: str) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{op}(): argument 'tensors' must be tuple of Tensors, not {type(tensors).__name__}"
        )
    if not tensors:
        raise RuntimeError(f"{op}(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        check_tensor(x, op, f"tensors[{i}]")
    return list(tensors)


def cat(tensors: Any, dim: int = 0) -> Tensor:
    """Concatenate along an existing dim (1-D empty tensors are skipped, as in PyTorch)."""
    ts = _tensor_list(tensors, "cat")
    real = [x for x in ts if not (x._data.ndim == 1 and x._data.size == 0)]
    ref = real[0] if real else ts[0]
    if ref._data.ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = _wrap_dim(dim, ref._data.ndim)
    for i, x in enumerate(ts):
        if x._data.ndim == 1 and x._data.size == 0:
            continue
        if x._data.ndim != ref._data.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref._data.ndim} and "
                f"{x._data.ndim}"
            )
        for k, (a, b) in enumerate(zip(ref._data.shape, x._data.shape)):
            if k != d and a != b:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {a} "
                    f"but got size {b} for tensor number {i} in the list."
                )
    promoted, dt = promote(*ts)
    return apply_promoted(P.Cat, dt, *promoted, dim=d)


concat = concatenate = cat


def stack(tensors: Any, dim: int = 0) -> Tensor:
    """Join along a new dim; all tensors must have one shape."""
    ts = _tensor_list(tensors, "stack")
    s0 = ts[0]._data.shape
    for i, x in enumerate(ts):
        if x._data.shape != s0:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(s0)} at entry 0 "
                f"and {list(x._data.shape)} at entry {i}"
            )
    d = _wrap_dim(dim, len(s0) + 1)
    promoted, dt = promote(*ts)
    return apply_promoted(P.Stack, dt, *promoted, dim=d)


def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    d = _wrap_dim(dim, input._data.ndim)
    return tuple(select(input, d, i) for i in range(input._data.shape[d]))
