"""Shape, view, indexing and joining operations."""

from __future__ import annotations

import warnings
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


swapdims = transpose


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """``transpose`` under NumPy's name, with NumPy's argument names."""
    return transpose(input, axis0, axis1)


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
    return apply(P.Flip, input, idx=idx, basic=False)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    if input._data.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if not -size <= index < size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size "
            f"{list(input._data.shape)} at dimension {dim}"
        )
    # the trailing Ellipsis keeps a 0-d result a view (NumPy gives a scalar copy otherwise)
    return apply(P.Select, input, idx=(slice(None),) * d + (int(index), ...), basic=True)


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    if input._data.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input._data.ndim)
    return apply(P.Slice, input, idx=(slice(None),) * d + (slice(start, start + length),),
                 basic=True)  # fmt: skip


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    nz = np.nonzero(input._data) if input._data.ndim else np.nonzero(input._data.reshape(1))
    if as_tuple:
        return tuple(Tensor._wrap(a.astype(np.int64)) for a in nz)
    if input._data.ndim == 0:  # one row per non-zero, with no coordinates
        return Tensor._wrap(np.zeros((nz[0].size, 0), np.int64))
    return Tensor._wrap(np.stack(nz, axis=-1).astype(np.int64))


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """The values of ``input`` along ``dim`` at ``index``: ``out[i][j] = input[index[i][j]][j]``
    for dim 0, likewise along other dims.

    Args:
        input: the tensor.
        dim: the dim ``index`` runs along.
        index: an int64 or int32 tensor of ``input``'s number of dims, no larger than
            ``input`` off ``dim``.
        sparse_grad: accepted for PyTorch's signature; retrograd has no sparse tensors, so
            the gradient is always dense (the values of PyTorch's sparse one).

    Returns:
        A new tensor of ``index``'s shape.

    Example::

        >>> retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]).gather(1, retrograd.tensor([[1], [0]]))
        tensor([[2.],
                [3.]])
    """
    shape = input._data.shape
    d = _wrap_dim(dim, len(shape))
    check_tensor(index, "gather", "index")
    if index._data.dtype not in (np.int64, np.int32):
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    idx = index._data
    if idx.ndim != len(shape) and not (idx.ndim <= 1 and len(shape) <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for k, (i, n) in enumerate(zip(idx.shape, shape)):
        if k != d and i > n:
            raise RuntimeError(
                f"Size does not match at dimension {k} expected index {list(idx.shape)} to be no "
                f"larger than self {list(shape)} apart from dimension {d}"
            )
    n = shape[d] if shape else 1
    bad = idx[(idx < 0) | (idx >= n)]
    if bad.size:
        raise RuntimeError(f"index {bad.flat[0]} is out of bounds for dimension {d} with size {n}")
    if not shape or not idx.ndim:  # a 0-d input or index: gather as 1-d, then drop the dim
        out = apply(P.Gather, reshape(input, (-1,)), Tensor._wrap(idx.reshape(-1)), dim=0)
        return reshape(out, idx.shape)
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
    if input._data.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _wrap_dim(dim, input._data.ndim)
    lead = (slice(None),) * d
    # one view per index, all outputs of one op: PyTorch forbids changing them in place
    return tuple(apply(P.Unbind, input, idx=lead + (i, ...), basic=True, piece=i)
                 for i in range(input._data.shape[d]))  # fmt: skip


# ------------------------------------------------------------ reshaping and moving dims
def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dim ``dim`` into ``sizes`` (one of them may be -1), as a view.

    Args:
        input: the tensor.
        dim: the dim to split.
        sizes: the new sizes; their product must be the size of ``dim``.

    Returns:
        A view of ``input`` with ``dim`` replaced by ``sizes``.

    Example::

        >>> retrograd.arange(6.0).unflatten(0, (2, -1)).shape
        retrograd.Size([2, 3])
    """
    if input._data.ndim == 0:
        raise RuntimeError("unflatten: Dimension specified as 0 but tensor has no dimensions")
    shape = input._data.shape
    d = _wrap_dim(dim, len(shape))
    s = tuple(int(n) for n in sizes)
    if not s:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        s = _infer(s, shape[d], "unflatten", shape)
    except RuntimeError:
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
            f"{dim} ({shape[d]}) in the input tensor"
        ) from None
    return apply(P.Reshape, input, shape=shape[:d] + s + shape[d + 1 :])


def _dim_list(dims: Any) -> list[int]:
    return [int(dims)] if isinstance(dims, (int, np.integer)) else [int(d) for d in dims]


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """Move the dims ``source`` to the positions ``destination``; the others keep their
    order. A view.

    Args:
        input: the tensor.
        source: a dim or a sequence of dims to move.
        destination: where each goes.

    Returns:
        A view of ``input`` with permuted dims.

    Example::

        >>> retrograd.zeros(2, 3, 4).movedim(0, -1).shape
        retrograd.Size([3, 4, 2])
    """
    if input._data.ndim == 0:  # only dim 0 (or -1) names the one pseudo-dim of a scalar
        for d in _dim_list(source) + _dim_list(destination):
            _wrap_dim(d, 0)
        return apply(P.Alias, input)
    n = input._data.ndim
    src, dst = _dim_list(source), _dim_list(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({src} dims) should contain "
            f"the same number of dims as destination ({dst} dims)"
        )
    ws, wd = [_wrap_dim(d, n) for d in src], [_wrap_dim(d, n) for d in dst]
    for name, given, wrapped in (("source", src, ws), ("destination", dst, wd)):
        if len(set(wrapped)) != len(wrapped):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({given})")
    order = [-1] * n
    for s, d in zip(ws, wd):
        order[d] = s
    rest = iter(d for d in range(n) if d not in ws)
    perm = tuple(o if o >= 0 else next(rest) for o in order)
    return apply(P.Permute, input, dims=perm)


moveaxis = movedim


def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    """Expand the tensors to their common broadcast shape (views).

    Args:
        tensors: the tensors (or one list of them).

    Returns:
        A tuple of expanded views, one per input.

    Example::

        >>> a, b = retrograd.broadcast_tensors(retrograd.zeros(3, 1), retrograd.zeros(4))
        >>> a.shape, b.shape
        (retrograd.Size([3, 4]), retrograd.Size([3, 4]))
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    for i, x in enumerate(tensors):
        check_tensor(x, "broadcast_tensors", f"tensors[{i}]")
    shape = infer_size(*(x._data.shape for x in tensors))
    return tuple(expand(x, shape) for x in tensors)


def repeat(input: Tensor, *sizes: Any) -> Tensor:
    """Tile the tensor: ``sizes[i]`` copies along dim ``i`` (leading sizes add dims).

    Args:
        input: the tensor.
        *sizes: copies along each dim; at least ``input.dim()`` of them.

    Returns:
        A new tensor of shape ``sizes[i] * input.shape[i]`` (1 for added dims).

    Example::

        >>> retrograd.tensor([1.0, 2.0]).repeat(2, 2)
        tensor([[1., 2., 1., 2.],
                [1., 2., 1., 2.]])
    """
    reps = _shape_arg(sizes)
    if len(reps) < input._data.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            "of tensor"
        )
    if any(r < 0 for r in reps):
        raise RuntimeError(f"Trying to create tensor with negative dimension: {list(reps)}")
    return apply(P.Repeat, input, repeats=reps)


def tile(input: Tensor, dims: Any) -> Tensor:
    """``repeat`` with missing leading counts taken as 1.

    Args:
        input: the tensor.
        dims: copies along each (trailing) dim.

    Returns:
        A new tensor, as from ``repeat``.

    Example::

        >>> retrograd.zeros(2, 3).tile((2,)).shape
        retrograd.Size([2, 6])
    """
    reps = _shape_arg((dims,))
    reps = (1,) * (input._data.ndim - len(reps)) + reps
    return repeat(input, reps)


def repeat_interleave(input: Tensor, repeats: Any = None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:  # fmt: skip
    """Repeat each element ``repeats`` times along ``dim`` (flattened when None).
    ``repeat_interleave(counts)`` alone gives the indices ``0..n-1`` repeated by counts.

    Args:
        input: the tensor (or, alone, the counts).
        repeats: an int, or an int tensor with one count per element along ``dim``.
        dim: the dim to repeat along; None flattens first.
        output_size: the total size along ``dim``, checked if given.

    Returns:
        A new tensor.

    Example::

        >>> retrograd.tensor([1.0, 2.0]).repeat_interleave(2)
        tensor([1., 1., 2., 2.])
    """
    if repeats is None:
        counts = _repeat_counts(input, 0, input._data.shape[0] if input._data.ndim else 1)
        return Tensor._wrap(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
    x = flatten(input) if dim is None else input
    d = 0 if dim is None else _wrap_dim(dim, x._data.ndim)
    n = x._data.shape[d] if x._data.ndim else 1
    counts = _repeat_counts(repeats, d, n)
    idx = np.repeat(np.arange(n, dtype=np.int64), counts)
    if output_size is not None and idx.size != output_size:
        raise RuntimeError(
            f"repeat_interleave: Invalid output_size, expected {idx.size} but got {output_size}"
        )
    if x._data.ndim == 0:
        x = x.reshape(1)
    return apply(P.IndexSelect, x, idx=(slice(None),) * d + (idx,), basic=False)


def _repeat_counts(repeats: Any, d: int, n: int) -> np.ndarray:
    if isinstance(repeats, Tensor):
        r = repeats._data
        if r.dtype.kind not in "iu":
            raise RuntimeError("repeat_interleave: repeats has to be Long or Int tensor")
        if r.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        counts = np.broadcast_to(r, (n,)) if r.size == 1 else r
    else:
        counts = np.full(n, int(repeats))
    if counts.shape != (n,):
        raise RuntimeError(
            f"repeats must have the same size as input along dim, but got "
            f"repeats.size(0) = {counts.size} and input.size({d}) = {n}"
        )
    if (counts < 0).any():
        raise RuntimeError("Repeats must be non-negative")
    return counts.astype(np.int64)


# -------------------------------------------------------------- joining and splitting
def _atleast(x: Tensor, n: int) -> Tensor:
    """PyTorch's atleast_1d/2d/3d: 0-d -> (1,)*n, (k,) -> (1, k[, 1]), (j, k) -> (j, k, 1)."""
    nd = x._data.ndim
    if nd >= n:
        return x
    shape = x._data.shape
    new = {0: (1,) * n, 1: (1,) + shape + (1,) * (n - 2), 2: shape + (1,)}[nd]
    return reshape(x, new)


def hstack(tensors: Any) -> Tensor:
    """Concatenate along dim 1 (dim 0 for 1-D tensors).

    Args:
        tensors: a non-empty sequence of tensors.

    Returns:
        A new tensor.

    Example::

        >>> retrograd.hstack([retrograd.zeros(2), retrograd.ones(3)]).shape
        retrograd.Size([5])
    """
    ts = _stack_list(tensors, "hstack", 1)
    return cat(ts, 0 if ts[0]._data.ndim == 1 else 1)


def vstack(tensors: Any) -> Tensor:
    """Concatenate along dim 0, 1-D tensors as rows.

    Args:
        tensors: a non-empty sequence of tensors.

    Returns:
        A new tensor.

    Example::

        >>> retrograd.vstack([retrograd.zeros(3), retrograd.ones(3)]).shape
        retrograd.Size([2, 3])
    """
    return cat(_stack_list(tensors, "vstack", 2), 0)


def dstack(tensors: Any) -> Tensor:
    """Concatenate along dim 2 (depth), lifting lower-dim tensors to 3-D.

    Args:
        tensors: a non-empty sequence of tensors.

    Returns:
        A new tensor.

    Example::

        >>> retrograd.dstack([retrograd.zeros(2), retrograd.ones(2)]).shape
        retrograd.Size([1, 2, 2])
    """
    return cat(_stack_list(tensors, "dstack", 3), 2)


def _stack_list(tensors: Any, op: str, n: int) -> list[Tensor]:
    if isinstance(tensors, (list, tuple)) and not tensors:
        raise RuntimeError(f"{op} expects a non-empty TensorList")
    return [_atleast(x, n) for x in _tensor_list(tensors, op)]


def _atleast_each(tensors: tuple[Any, ...], n: int) -> Any:
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(_atleast(check_tensor(x, f"atleast_{n}d"), n) for x in tensors[0])
    if len(tensors) == 1:
        return _atleast(check_tensor(tensors[0], f"atleast_{n}d"), n)
    return tuple(_atleast(check_tensor(x, f"atleast_{n}d"), n) for x in tensors)


def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least 1 dim (a 0-d one becomes shape (1,)).

    Args:
        *tensors: tensors, or one list of them.

    Returns:
        The tensor (itself when it has a dim already), or a tuple for several.

    Example::

        >>> retrograd.atleast_1d(retrograd.tensor(2.0))
        tensor([2.])
    """
    return _atleast_each(tensors, 1)


def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least 2 dims: () -> (1, 1), (k,) -> (1, k).

    Args:
        *tensors: tensors, or one list of them.

    Returns:
        The tensor (itself when it has 2 dims already), or a tuple for several.

    Example::

        >>> retrograd.atleast_2d(retrograd.zeros(3)).shape
        retrograd.Size([1, 3])
    """
    return _atleast_each(tensors, 2)


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least 3 dims: () -> (1, 1, 1), (k,) -> (1, k, 1),
    (j, k) -> (j, k, 1).

    Args:
        *tensors: tensors, or one list of them.

    Returns:
        The tensor (itself when it has 3 dims already), or a tuple for several.

    Example::

        >>> retrograd.atleast_3d(retrograd.zeros(2, 3)).shape
        retrograd.Size([2, 3, 1])
    """
    return _atleast_each(tensors, 3)


def column_stack(tensors: Any) -> Tensor:
    """Stack as columns: 0-d and 1-d tensors become (n, 1) columns, then ``hstack``.

    Args:
        tensors: a non-empty sequence of tensors.

    Returns:
        A new tensor.

    Example::

        >>> retrograd.column_stack([retrograd.zeros(3), retrograd.ones(3)]).shape
        retrograd.Size([3, 2])
    """
    ts = _tensor_list(tensors, "column_stack")
    return hstack([reshape(x, (x._data.size, 1)) if x._data.ndim <= 1 else x for x in ts])


row_stack = vstack


def _directional_split(op: str, input: Tensor, ios: Any, d: int, least: int) -> tuple[Tensor, ...]:
    if input._data.ndim < least:
        raise RuntimeError(
            f"torch.{op} requires a tensor with at least {least} dimension, but got a tensor "
            f"with {input._data.ndim} dimensions!"
        )
    if isinstance(ios, int):
        n = input._data.shape[d]
        if ios <= 0 or n % ios:
            raise RuntimeError(
                f"torch.{op} attempted to split along dimension {d}, but the size of the "
                f"dimension {n} is not divisible by the split_size {ios}!"
            )
    return tensor_split(input, ios, d)


def hsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``tensor_split`` along dim 1 (dim 0 for a 1-D tensor); sections must divide evenly.

    Args:
        input: a tensor of at least 1 dim.
        indices_or_sections: a number of equal sections, or the indices to split before.

    Returns:
        A tuple of views.

    Example::

        >>> [p.shape for p in retrograd.zeros(2, 4).hsplit(2)]
        [retrograd.Size([2, 2]), retrograd.Size([2, 2])]
    """
    d = 0 if input._data.ndim == 1 else 1
    return _directional_split("hsplit", input, indices_or_sections, d, 1)


def vsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``tensor_split`` along dim 0 of a tensor of at least 2 dims.

    Args:
        input: a tensor of at least 2 dims.
        indices_or_sections: a number of equal sections, or the indices to split before.

    Returns:
        A tuple of views.

    Example::

        >>> len(retrograd.zeros(4, 2).vsplit([1]))
        2
    """
    return _directional_split("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``tensor_split`` along dim 2 of a tensor of at least 3 dims.

    Args:
        input: a tensor of at least 3 dims.
        indices_or_sections: a number of equal sections, or the indices to split before.

    Returns:
        A tuple of views.

    Example::

        >>> retrograd.zeros(1, 2, 4).dsplit(2)[1].shape
        retrograd.Size([1, 2, 2])
    """
    return _directional_split("dsplit", input, indices_or_sections, 2, 3)


def broadcast_shapes(*shapes: Any) -> Size:
    """The shape tensors of the given shapes would broadcast to.

    Args:
        *shapes: shapes (sequences of ints) or single ints.

    Returns:
        A ``Size``.

    Example::

        >>> retrograd.broadcast_shapes((2, 1), (3,))
        retrograd.Size([2, 3])
    """
    ss = [(int(s),) if isinstance(s, (int, np.integer)) else tuple(int(v) for v in s)
          for s in shapes]  # fmt: skip
    n = max((len(s) for s in ss), default=0)
    out = [1] * n
    for k, s in enumerate(ss):
        for i in range(1, len(s) + 1):
            if s[-i] != 1 and out[-i] not in (1, s[-i]):
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {s[-i]} at {-i}! "
                    f"Mismatching argument at index {k} had {s}; but expected shape should be "
                    f"broadcastable to {out}"
                )
            if s[-i] != 1:
                out[-i] = s[-i]
    return Size(out)


def _pieces(input: Tensor, d: int, sizes: Sequence[int], prim: Any) -> tuple[Tensor, ...]:
    out, start = [], 0
    lead = (slice(None),) * d
    for k, s in enumerate(sizes):
        idx = lead + (slice(start, start + s),)
        out.append(apply(prim, input, idx=idx, basic=True, piece=k))
        start += s
    return tuple(out)


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Views of consecutive pieces along ``dim``: of ``split_size`` each (the last may be
    smaller), or of the listed sizes.

    Args:
        tensor: the tensor.
        split_size_or_sections: the size of each piece, or a list of sizes summing to the
            size of ``dim``.
        dim: the dim to split.

    Returns:
        A tuple of views.

    Example::

        >>> [p.shape[0] for p in retrograd.arange(5.0).split(2)]
        [2, 2, 1]
    """
    if tensor._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, tensor._data.ndim)
    n = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                f"size at dimension {d}), but got split_sizes={sizes}"
            )
    else:
        size = int(split_size_or_sections)
        if size < 0:
            raise RuntimeError(
                f"split expects split_size be non-negative, but got split_size={size}"
            )
        if size == 0 and n:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
            )
        count = max(-(-n // size), 1) if size else 1
        sizes = [min(size, n - i * size) for i in range(count)]
        return _pieces(tensor, d, sizes, P.Split)
    return _pieces(tensor, d, sizes, P.SplitWithSizes)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``split`` into pieces of ``ceil(size / chunks)`` (so maybe fewer than ``chunks``).

    Args:
        input: the tensor.
        chunks: the number of pieces wanted (> 0).
        dim: the dim to split.

    Returns:
        A tuple of views.

    Example::

        >>> len(retrograd.arange(6.0).chunk(4))
        3
    """
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _wrap_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if n == 0:
        return _pieces(input, d, [0] * chunks, P.Split)
    return split(input, -(-n // chunks), d)


def tensor_split(input: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Views split at the given indices, or into ``sections`` pieces whose sizes differ by
    at most one (the first ones larger).

    Args:
        input: the tensor.
        indices_or_sections: a number of sections, or the indices to split before (a
            list or an int tensor).
        dim: the dim to split.

    Returns:
        A tuple of views.

    Example::

        >>> [p.shape[0] for p in retrograd.arange(7.0).tensor_split(3)]
        [3, 2, 2]
    """
    if input._data.ndim == 0:
        raise RuntimeError(
            "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims"
        )
    d = _wrap_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        if ios._data.dtype.kind not in "iu" or ios._data.ndim > 1:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                f"one-dimensional tensor, but got a tensor with {ios._data.ndim} dims"
            )
        ios = int(ios._data) if ios._data.ndim == 0 else ios._data.tolist()
    if isinstance(ios, (list, tuple)):
        bounds = [0] + [min(max(int(i), 0), n) for i in ios] + [n]
        sizes = [max(b - a, 0) for a, b in zip(bounds, bounds[1:])]
        starts = bounds[:-1]
    else:
        k = int(ios)
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
        starts = [sum(sizes[:i]) for i in range(k)]
    lead = (slice(None),) * d
    return tuple(apply(P.Slice, input, idx=lead + (slice(s, s + z),), basic=True)
                 for s, z in zip(starts, sizes))  # fmt: skip


# ------------------------------------------------------------------ flips and rolls
def fliplr(input: Tensor) -> Tensor:
    """Reverse dim 1 (left/right).

    Args:
        input: a tensor of at least 2 dims.

    Returns:
        A new tensor.

    Example::

        >>> retrograd.tensor([[1.0, 2.0]]).fliplr()
        tensor([[2., 1.]])
    """
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input: Tensor) -> Tensor:
    """Reverse dim 0 (up/down).

    Args:
        input: a tensor of at least 1 dim.

    Returns:
        A new tensor.

    Example::

        >>> retrograd.tensor([1.0, 2.0]).flipud()
        tensor([2., 1.])
    """
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements cyclically by ``shifts`` along ``dims`` (the flattened tensor when
    ``dims`` is None).

    Args:
        input: the tensor.
        shifts: the shift, or one per dim in ``dims``.
        dims: the dims to roll; None rolls the flattened tensor.

    Returns:
        A new tensor of the same shape.

    Example::

        >>> retrograd.tensor([1.0, 2.0, 3.0]).roll(1)
        tensor([3., 1., 2.])
    """
    sh = _dim_list(shifts)
    if dims is None:
        if len(sh) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:0")
        return roll(flatten(input), sh, 0).view(input._data.shape)
    ds = _dim_list(dims)
    if input._data.ndim == 0 and ds:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if len(sh) != len(ds):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:{len(ds)}")
    shape = input._data.shape
    total = dict.fromkeys(range(len(shape)), 0)
    for s, d in zip(sh, ds):
        total[_wrap_dim(d, len(shape))] += s
    idx = tuple(
        ((np.arange(n) - total[d]) % n if n else np.arange(0)).reshape(
            (n,) + (1,) * (len(shape) - d - 1))
        for d, n in enumerate(shape)
    )  # fmt: skip
    return apply(P.Roll, input, idx=idx, basic=False)


def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times in the plane of ``dims`` (from the first dim
    towards the second).

    Args:
        input: a tensor of at least 2 dims.
        k: the number of quarter turns (negative turns the other way).
        dims: the two dims of the plane.

    Returns:
        A new tensor.

    Example::

        >>> retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]).rot90()
        tensor([[2., 4.],
                [1., 3.]])
    """
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    n = input._data.ndim
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    d0, d1 = _wrap_dim(dims[0], n), _wrap_dim(dims[1], n)
    if d0 == d1:
        raise RuntimeError(
            f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}"
        )
    k %= 4
    if k == 1:
        return transpose(flip(input, (d1,)), d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return transpose(flip(input, (d0,)), d0, d1)
    from .elementwise_ops import clone

    return clone(input)


# ------------------------------------------------------------ scattering and indexing
def _index_array(index: Any, op: str, kinds: str = "l") -> np.ndarray:
    """The index tensor's array, with PyTorch's dtype error (``kinds``: 'l' int64 only,
    'il' int32 or int64)."""
    check_tensor(index, op, "index")
    dt = index._data.dtype
    if dt == np.int64 or (kinds == "il" and dt == np.int32):
        return index._data.astype(np.int64, copy=False)
    want = "int32 or int64" if kinds == "il" else "int64"
    raise RuntimeError(f"{op}(): Expected dtype {want} for index, but got {index.dtype}")


def _scatter_check(op: str, input: Tensor, dim: int, index: Any,
                   src: Tensor | None) -> tuple[int, np.ndarray]:  # fmt: skip
    """PyTorch's scatter/gather checks: dtype, dims, sizes and the range of the index."""
    idx = _index_array(index, op, "il")
    shape = input._data.shape
    d = _wrap_dim(dim, len(shape))
    if idx.ndim != max(len(shape), 1) and idx.size:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if src is not None and src._data.ndim != idx.ndim and idx.size:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    ishape = idx.shape
    if idx.size and (
        any(ishape[k] > shape[k] for k in range(len(shape)) if k != d)
        or (src is not None and any(i > s for i, s in zip(ishape, src._data.shape)))
    ):
        extra = (
            f" and to be no larger size than src {list(src._data.shape)}" if src is not None else ""
        )
        raise RuntimeError(
            f"Expected index {list(ishape)} to be no larger than self {list(shape)} apart "
            f"from dimension {d}{extra}"
        )
    n = shape[d] if shape else 1
    bad = idx[(idx < 0) | (idx >= n)]
    if bad.size:
        raise RuntimeError(f"index {bad.flat[0]} is out of bounds for dimension {d} with size {n}")
    return d, idx


def _same_dtype(op: str, input: Tensor, src: Tensor) -> None:
    if src._data.dtype != input._data.dtype:
        raise RuntimeError(
            f"{op}(): Expected self.dtype to be equal to src.dtype (got {input.dtype} and "
            f"{src.dtype})"
        )


def _on_1d(fn: Any, input: Tensor, dim: int, index: Any, *rest: Any, **kw: Any) -> Tensor:
    """``fn`` on a 0-d ``input`` (and 0-d index and source) taken as 1-element 1-d tensors,
    as PyTorch does; the result is 0-d again."""
    _wrap_dim(dim, 0)
    r = [reshape(x, (1,)) if isinstance(x, Tensor) and x._data.ndim == 0 else x for x in rest]
    ix = reshape(index, (-1,)) if isinstance(index, Tensor) else index
    return reshape(fn(reshape(input, (1,)), dim, ix, *r, **kw), ())


def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
            reduce: str | None = None) -> Tensor:  # fmt: skip
    """``input`` with ``src[i][j]`` written at ``[index[i][j]][j]`` (for dim 0; likewise
    along other dims); a number ``value`` fills instead.

    Args:
        input: the tensor written into (out of place).
        dim: the dim ``index`` runs along.
        index: int64 positions, no larger than ``src`` (and than ``input`` off ``dim``).
        src: the values, or a number.
        reduce: 'add' or 'multiply' combine with the old values instead.

    Returns:
        A new tensor of ``input``'s shape.

    Example::

        >>> retrograd.zeros(3).scatter(0, retrograd.tensor([2, 0]), retrograd.tensor([5.0, 7.0]))
        tensor([7., 0., 5.])
    """
    if input._data.ndim == 0:
        return _on_1d(scatter, input, dim, index, src, value=value, reduce=reduce)
    if src is None:
        src = value
    if reduce is not None:
        names = {"add": "sum", "multiply": "prod"}
        if reduce not in names:
            raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce}")
        if isinstance(src, Tensor):
            warnings.warn(
                "The reduce argument of torch.scatter with Tensor src is deprecated and will be "
                "removed in a future PyTorch release. Use torch.scatter_reduce instead for more "
                "reduction options.",
                UserWarning,
                stacklevel=2,
            )
        else:
            src = expand(Tensor._wrap(np.array(src, input._data.dtype)), index._data.shape)
        return scatter_reduce(input, dim, index, src, names[reduce])
    if isinstance(src, Tensor):
        _same_dtype("scatter", input, src)
        d, idx = _scatter_check("scatter", input, dim, index, src)
        return apply(P.Scatter, input, src, idx=idx, dim=d)
    d, idx = _scatter_check("scatter", input, dim, index, None)
    fill = Tensor._wrap(np.array(src, input._data.dtype))
    return apply(P.Scatter, input, fill, idx=idx, dim=d)


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """``input`` with ``src`` added at ``index`` along ``dim`` (repeats add up).

    Args:
        input: the tensor added into (out of place).
        dim: the dim ``index`` runs along.
        index: int64 (or int32) positions, no larger than ``src``.
        src: the values added.

    Returns:
        A new tensor of ``input``'s shape.

    Example::

        >>> retrograd.zeros(3).scatter_add(0, retrograd.tensor([2, 2]), retrograd.ones(2))
        tensor([0., 0., 2.])
    """
    if input._data.ndim == 0:
        return _on_1d(scatter_add, input, dim, index, src)
    check_tensor(src, "scatter_add", "src")
    _same_dtype("scatter_add", input, src)
    d, idx = _scatter_check("scatter_add", input, dim, index, src)
    return apply(P.ScatterAdd, input, src, idx=idx, dim=d)


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:  # fmt: skip
    """Fold ``src`` into ``input`` at ``index`` along ``dim`` with ``reduce`` ('sum',
    'prod', 'mean', 'amax' or 'amin'); with ``include_self=False`` the old values of the
    positions written to take no part.

    Args:
        input: the tensor folded into (out of place).
        dim: the dim ``index`` runs along.
        index: int64 (or int32) positions, no larger than ``src``.
        src: the values.
        reduce: 'sum', 'prod', 'mean', 'amax' or 'amin'.
        include_self: whether ``input``'s values at the written positions take part.

    Returns:
        A new tensor of ``input``'s shape.

    Example::

        >>> x = retrograd.zeros(2)
        >>> x.scatter_reduce(0, retrograd.tensor([0, 0, 1]), retrograd.tensor([1.0, 3.0, 2.0]),
        ...                  "amax", include_self=False)
        tensor([3., 2.])
    """
    if input._data.ndim == 0:
        return _on_1d(scatter_reduce, input, dim, index, src, reduce, include_self=include_self)
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        )
    check_tensor(src, "scatter_reduce", "src")
    _same_dtype("scatter_reduce", input, src)
    d, idx = _scatter_check("scatter_reduce", input, dim, index, src)
    return apply(P.ScatterReduce, input, src, idx=idx, dim=d, reduce=reduce,
                 include_self=bool(include_self))  # fmt: skip


def _dim_index(op: str, input: Tensor, dim: int, index: Tensor, kinds: str,
               err: type[Exception] = IndexError) -> tuple[int, np.ndarray]:  # fmt: skip
    """The dim and the 1-D index of index_select/add/copy/fill, range-checked."""
    idx = _index_array(index, op, kinds)
    if idx.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector")
    idx = idx.reshape(-1)
    d = _wrap_dim(dim, input._data.ndim)
    n = input._data.shape[d] if input._data.ndim else 1
    bad = idx[(idx < -n) | (idx >= n)]
    if bad.size:
        if op == "index_select":
            raise IndexError("index out of range in self")
        raise err(f"{op}(): index {bad.flat[0]} is out of bounds for dimension {d} with size {n}")
    return d, idx


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices of ``input`` at positions ``index`` along ``dim``, in that order.

    Args:
        input: the tensor.
        dim: the dim to select along.
        index: a 1-D (or 0-d) int64 or int32 tensor of positions.

    Returns:
        A new tensor whose ``dim`` has ``index.numel()`` entries.

    Example::

        >>> retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]).index_select(0, retrograd.tensor([1, 1]))
        tensor([[3., 4.],
                [3., 4.]])
    """
    d, idx = _dim_index("index_select", input, dim, index, "il")
    if (idx < 0).any():
        raise IndexError("index out of range in self")
    if input._data.ndim == 0 and idx.size != 1:
        raise RuntimeError(
            f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)"
        )
    x = input if input._data.ndim else input.reshape(1)
    out = apply(P.IndexSelect, x, idx=(slice(None),) * d + (idx,), basic=False)
    return out if input._data.ndim else out.reshape(())


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *,
              alpha: Any = 1) -> Tensor:  # fmt: skip
    """``input`` with ``alpha * source`` added to the slices at ``index`` along ``dim``.

    Args:
        input: the tensor added into (out of place).
        dim: the dim ``index`` runs along.
        index: a 1-D int64 or int32 tensor.
        source: ``input``'s shape with ``dim`` of ``index``'s length.
        alpha: the factor of ``source``.

    Returns:
        A new tensor of ``input``'s shape.

    Example::

        >>> retrograd.zeros(3).index_add(0, retrograd.tensor([0, 0]), retrograd.ones(2))
        tensor([2., 0., 0.])
    """
    if input._data.ndim == 0:
        return _on_1d(index_add, input, dim, index, source, alpha=alpha)
    if input._data.ndim == 1:  # PyTorch's 1-D kernel reports a bad position its own way
        _wrap_dim(dim, 1)
        i, n = _index_array(index, "index_add", "il"), input._data.shape[0]
        if ((i < 0) | (i >= n)).any():
            raise IndexError("index out of range in self")
    d, idx = _dim_index("index_add", input, dim, index, "il", err=RuntimeError)
    if (idx < 0).any():  # unlike index_select, no negative positions
        n, i = input._data.shape[d], idx[idx < 0][0]
        raise RuntimeError(f"index {i} is out of bounds for dimension {d} with size {n}")
    _index_source_check("index_add", input, d, idx, source)
    return apply(P.IndexAdd, input, source, idx=idx, dim=d, alpha=alpha)


def _index_source_check(op: str, input: Tensor, d: int, idx: np.ndarray, source: Tensor) -> None:
    check_tensor(source, op, "source")
    want = input._data.shape[:d] + (idx.size,) + input._data.shape[d + 1 :]
    got = source._data.shape[d] if source._data.ndim > d else 1
    if got != idx.size:  # PyTorch's wording (and, for index_copy, exception type)
        if op == "index_copy":
            raise IndexError(f"index_copy_(): Number of indices ({idx.size}) should be equal to "
                             f"source.size(dim) ({got})")  # fmt: skip
        raise RuntimeError(f"{op}_(): Number of indices ({idx.size}) should be equal to "
                           f"source.size(dim): ({got}), for dim: {d}")  # fmt: skip
    if source._data.shape != want and not (source._data.ndim == 0 and idx.size == 1):
        raise RuntimeError(
            f"{op}(): source shape {list(source._data.shape)} must be the shape of self "
            f"{list(input._data.shape)} with dim {d} of the size of index ({idx.size})"
        )
    _same_dtype(op, input, source)


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """``input`` with the slices at ``index`` along ``dim`` replaced by those of ``source``.

    Args:
        input: the tensor copied into (out of place).
        dim: the dim ``index`` runs along.
        index: a 1-D int64 tensor.
        source: ``input``'s shape with ``dim`` of ``index``'s length.

    Returns:
        A new tensor of ``input``'s shape.

    Example::

        >>> retrograd.zeros(3).index_copy(0, retrograd.tensor([2]), retrograd.ones(1))
        tensor([0., 0., 1.])
    """
    if input._data.ndim == 0:
        return _on_1d(index_copy, input, dim, index, source)
    if index._data.dtype != np.int64:
        raise RuntimeError(
            f"index_copy_(): Expected a long tensor for index, but got {index.dtype}"
        )
    d, idx = _dim_index("index_copy_", input, dim, index, "l")
    if (idx < 0).any():
        n = input._data.shape[d] if input._data.ndim else 1
        raise IndexError(f"index_copy_(): index {idx[idx < 0][0]} is out of bounds for dimension "
                         f"{d} with size {n}")  # fmt: skip
    _index_source_check("index_copy", input, d, idx, source)
    return apply(P.IndexCopy, input, source, idx=(slice(None),) * d + (idx,), basic=False)


def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """``input`` with the slices at ``index`` along ``dim`` set to ``value`` (a number or
    a 0-d tensor, which then gets a gradient).

    Args:
        input: the tensor filled (out of place).
        dim: the dim ``index`` runs along.
        index: a 1-D int64 tensor.
        value: a number or a 0-d tensor.

    Returns:
        A new tensor of ``input``'s shape.

    Example::

        >>> retrograd.zeros(3).index_fill(0, retrograd.tensor([1]), 5.0)
        tensor([0., 5., 0.])
    """
    if input._data.ndim == 0:
        return _on_1d(index_fill, input, dim, index, value)
    if index._data.dtype != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    d, idx = _dim_index("index_fill_", input, dim, index, "l")
    # a fill writes each position once: a repeated index must not count twice in the
    # value's gradient
    n = input._data.shape[d] if input._data.ndim else 1
    idx = np.unique(idx % max(n, 1))
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(
                "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        v = value if value._data.dtype == input._data.dtype else value.to(input.dtype)
    else:
        v = Tensor._wrap(np.array(value, input._data.dtype))
    return apply(P.IndexFill, input, v, idx=(slice(None),) * d + (idx,), basic=False)


def index_put(input: Tensor, indices: Any, values: Tensor, accumulate: bool = False) -> Tensor:
    """``input`` with ``input[indices] = values`` (or ``+=`` with ``accumulate``, where
    repeated indices add up), out of place.

    Args:
        input: the tensor written into (out of place).
        indices: a tuple of index tensors (int64, int32 or bool), one per indexed dim.
        values: the values, broadcast to the indexed shape; ``input``'s dtype.
        accumulate: add instead of write.

    Returns:
        A new tensor of ``input``'s shape.

    Example::

        >>> i = (retrograd.tensor([0, 0]),)
        >>> retrograd.zeros(2).index_put(i, retrograd.ones(2), accumulate=True)
        tensor([2., 0.])
    """
    if not isinstance(indices, (tuple, list)):
        raise TypeError("index_put(): argument 'indices' must be tuple of Tensors")
    check_tensor(values, "index_put", "values")
    for i in indices:
        if isinstance(i, Tensor) and i._data.dtype.kind not in "biu":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    idx, _ = normalize_index(tuple(indices))
    if values._data.dtype != input._data.dtype:
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{input.dtype._legacy.removesuffix('Tensor')} for the destination and "
            f"{values.dtype._legacy.removesuffix('Tensor')} for the source."
        )
    prim = P.IndexPutAccumulate if accumulate else P.IndexPut
    kw = {} if accumulate else {"basic": False}
    try:
        return apply(prim, input, values, idx=idx, **kw)
    except IndexError as e:
        raise _index_error(e, input._data.shape, idx) from None
    except ValueError:
        # the indexed shape, from a stand-in without memory of its own
        target = np.broadcast_to(np.zeros((), np.int8), input._data.shape)[idx].shape
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(values._data.shape)} cannot be "
            f"broadcast to indexing result of shape {list(target)}"
        ) from None


def _bool_mask(op: str, mask: Any) -> Tensor:
    check_tensor(mask, op, "mask")
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"{op}: expected BoolTensor for mask")
    return mask


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements of ``input`` where ``mask`` holds (both broadcast), as a 1-D tensor.

    Args:
        input: the tensor.
        mask: a bool tensor broadcastable with ``input``.

    Returns:
        A new 1-D tensor.

    Example::

        >>> x = retrograd.tensor([1.0, 2.0, 3.0])
        >>> x.masked_select(x > 1)
        tensor([2., 3.])
    """
    _bool_mask("masked_select", mask)
    x, m = broadcast_tensors(input, mask)
    return apply(P.MaskedSelect, x, idx=(m._data,), basic=False)


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """``input`` with the positions where ``mask`` holds filled, in order, from the first
    elements of ``source``.

    Args:
        input: the tensor written into (out of place).
        mask: a bool tensor broadcastable with ``input``.
        source: at least as many elements as ``mask`` has True values.

    Returns:
        A new tensor of the broadcast shape.

    Example::

        >>> m = retrograd.tensor([True, False, True])
        >>> retrograd.zeros(3).masked_scatter(m, retrograd.tensor([1.0, 2.0]))
        tensor([1., 0., 2.])
    """
    _bool_mask("masked_scatter_", mask)
    check_tensor(source, "masked_scatter", "source")
    _same_dtype("masked_scatter", input, source)
    x, m = broadcast_tensors(input, mask)
    n = int(m._data.sum())
    if n > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    vals = apply(P.Slice, flatten(source), idx=(slice(0, n),), basic=True)
    return apply(P.MaskedScatter, x, vals, idx=(m._data,), basic=False)


def take(input: Tensor, index: Tensor) -> Tensor:
    """The elements of the flattened ``input`` at ``index`` (negative counts from the end),
    shaped as ``index``.

    Args:
        input: the tensor, read as if flattened.
        index: an int64 tensor of flat positions.

    Returns:
        A new tensor of ``index``'s shape.

    Example::

        >>> retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]).take(retrograd.tensor([0, -1]))
        tensor([1., 4.])
    """
    check_tensor(index, "take", "index")
    if index._data.dtype != np.int64:
        raise RuntimeError(
            f"take(): Expected a long tensor for index, but got {_scalar_name(index)}"
        )
    n = input._data.size
    idx = index._data
    bad = idx[(idx < -n) | (idx >= n)]
    if bad.size:
        raise IndexError(f"out of range: tried to access index {bad.flat[0]} on a tensor of {n} "
                         "elements.")  # fmt: skip
    return apply(P.Take, reshape(input, (-1,)), idx=(idx,), basic=False)


def _scalar_name(t: Tensor) -> str:
    return t.dtype._legacy.removesuffix("Tensor")


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """``gather`` with ``input`` and ``indices`` broadcast against each other off ``dim``
    (over the flattened input when ``dim`` is None).

    Args:
        input: the tensor.
        indices: an int tensor of ``input``'s number of dims.
        dim: the dim to take along; None flattens both.

    Returns:
        A new tensor.

    Example::

        >>> x = retrograd.tensor([[10.0, 30.0], [20.0, 5.0]])
        >>> x.take_along_dim(x.argmax(1, keepdim=True), 1)
        tensor([[30.],
                [20.]])
    """
    check_tensor(indices, "take_along_dim", "indices")
    if indices._data.dtype.kind not in "iu":
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{_scalar_name(indices)}")  # fmt: skip
    if dim is None:
        flat = reshape(indices, (-1,))
        return gather(reshape(input, (-1,)), 0, flat if flat._data.dtype == np.int64 else
                      _as_int64(flat))  # fmt: skip
    if input._data.ndim != indices._data.ndim:
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of "
            f"dimensions, but got {input._data.ndim} dimensions for input, and "
            f"{indices._data.ndim} dimensions for indices"
        )
    if input._data.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _wrap_dim(dim, input._data.ndim)
    ishape, jshape = list(input._data.shape), list(indices._data.shape)
    ishape[d] = jshape[d] = 1
    common = infer_size(tuple(ishape), tuple(jshape))
    x = expand(input, common[:d] + (input._data.shape[d],) + common[d + 1 :])
    i = expand(indices, common[:d] + (indices._data.shape[d],) + common[d + 1 :])
    return gather(x, d, i if i._data.dtype == np.int64 else _as_int64(i))


def _as_int64(t: Tensor) -> Tensor:
    return Tensor._wrap(t._data.astype(np.int64))


def argwhere(input: Tensor) -> Tensor:
    """The indices of the non-zero elements, one row each (as ``nonzero``).

    Args:
        input: the tensor.

    Returns:
        An int64 tensor of shape (number of non-zeros, input.dim()).

    Example::

        >>> retrograd.tensor([0.0, 1.0, 2.0]).argwhere()
        tensor([[1],
                [2]])
    """
    return nonzero(input)


# ------------------------------------------------------------ grids, strides, windows
def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D tensors: output ``i`` varies along dim ``i`` ('ij'); with
    'xy' the first two inputs index dims 1 and 0 (Cartesian order). Outputs are expanded
    views.

    Args:
        *tensors: 0-d or 1-d tensors (or one list of them).
        indexing: 'ij' (matrix) or 'xy' (Cartesian).

    Returns:
        A tuple of expanded views, one per input.

    Example::

        >>> a, b = retrograd.meshgrid(retrograd.arange(2.0), retrograd.arange(3.0), indexing="ij")
        >>> a.shape
        retrograd.Size([2, 3])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    for i, x in enumerate(tensors):
        check_tensor(x, "meshgrid", f"tensors[{i}]")
        if x._data.ndim > 1:
            raise RuntimeError(
                f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a "
                f"{x._data.ndim}-D tensor of shape {list(x._data.shape)}"
            )
    ts = list(tensors)
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(x._data.size for x in ts)
    outs = []
    for i, x in enumerate(ts):
        view = (1,) * i + (-1,) + (1,) * (len(ts) - i - 1)
        outs.append(expand(reshape(x, view), shape))
    if swap:
        outs[0], outs[1] = outs[1], outs[0]
    return tuple(outs)


def as_strided(input: Tensor, size: Any, stride: Any,
               storage_offset: int | None = None) -> Tensor:  # fmt: skip
    """A view of ``input``'s memory with the given sizes and strides (in elements),
    starting ``storage_offset`` elements into the memory (default: where ``input`` starts).

    Args:
        input: the tensor whose memory is viewed.
        size: the shape of the view.
        stride: the stride of each dim, in elements.
        storage_offset: the first element's position in the memory.

    Returns:
        A view sharing memory and version counter with ``input``.

    Example::

        >>> retrograd.arange(6.0).as_strided((2, 2), (1, 2))
        tensor([[0., 2.],
                [1., 3.]])
    """
    sz, st = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(sz) != len(st):
        raise RuntimeError(
            f"mismatch in length of strides and shape: {len(sz)} sizes and {len(st)} strides"
        )
    if any(s < 0 for s in sz) or any(s < 0 for s in st):
        raise RuntimeError(f"as_strided: negative size or stride (size {list(sz)}, stride "
                           f"{list(st)})")  # fmt: skip
    if storage_offset is not None and storage_offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {storage_offset}")
    return apply(P.AsStrided, input, size=sz, stride=st, storage_offset=storage_offset)


def unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """Tensor.unfold: every window of ``size`` elements, ``step`` apart, along
    ``dimension``, as a new last dim (a view).

    Args:
        input: the tensor.
        dimension: the dim to slide along.
        size: the window length.
        step: the distance between window starts (> 0).

    Returns:
        A view with ``dimension`` of the number of windows and a last dim of ``size``.

    Example::

        >>> retrograd.arange(5.0).unfold(0, 2, 2)
        tensor([[0., 1.],
                [2., 3.]])
    """
    if input._data.ndim == 0:
        return unfold(reshape(input, (1,)), 0, size, step).reshape((size,))
    d = _wrap_dim(dimension, input._data.ndim)
    n = input._data.shape[d]
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return apply(P.Unfold, input, dim=d, size=int(size), step=int(step))


def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,
         append: Tensor | None = None) -> Tensor:  # fmt: skip
    """The ``n``-th forward difference along ``dim``, after joining ``prepend`` and
    ``append`` to ``input`` there.

    Args:
        input: a tensor of at least 1 dim.
        n: how many times to difference.
        dim: the dim to difference along.
        prepend: values joined before ``input`` along ``dim``.
        append: values joined after.

    Returns:
        A new tensor, ``n`` shorter along ``dim`` (but not below 0).

    Example::

        >>> retrograd.tensor([1.0, 4.0, 9.0]).diff()
        tensor([3., 5.])
    """
    if input._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = _wrap_dim(dim, input._data.ndim)
    parts = [x for x in (prepend, input, append) if x is not None]
    x = cat(parts, d) if len(parts) > 1 else input
    lead = (slice(None),) * d
    for _ in range(n):
        if x._data.shape[d] == 0:
            break
        hi = apply(P.Slice, x, idx=lead + (slice(1, None),), basic=True)
        lo = apply(P.Slice, x, idx=lead + (slice(None, -1),), basic=True)
        x = hi.logical_xor(lo) if x._data.dtype == np.bool_ else hi - lo
    return x


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str | None = None) -> Tensor:
    """Pairwise ``p``-norm distances between the rows of ``x1`` (B..., P, M) and ``x2``
    (B..., R, M), batch dims broadcast: shape (B..., P, R). At a zero distance the gradient
    is zero, as in PyTorch.

    Args:
        x1: (B..., P, M) points.
        x2: (B..., R, M) points, same dtype.
        p: the norm's order, >= 0 (inf allowed).
        compute_mode: accepted for compatibility; distances are computed directly.

    Returns:
        A new (B..., P, R) tensor.

    Example::

        >>> retrograd.cdist(retrograd.zeros(1, 2), retrograd.tensor([[3.0, 4.0]]))
        tensor([[5.]])
    """
    check_tensor(x1, "cdist", "x1")
    check_tensor(x2, "cdist", "x2")
    for name, x in (("X1", x1), ("X2", x2)):
        if x._data.ndim < 2:
            raise RuntimeError(
                f"cdist only supports at least 2D tensors, {name} got: {x._data.ndim}D"
            )
        if x._data.dtype.kind not in "fV":
            raise RuntimeError(
                f"cdist only supports floating-point dtypes, {name} got: {_scalar_name(x)}"
            )
    if x1._data.shape[-1] != x2._data.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1._data.shape[-1]} X2: "
            f"{x2._data.shape[-1]}"
        )
    if not p >= 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if x1._data.dtype != x2._data.dtype:
        raise RuntimeError(
            f"cdist: X1 and X2 must have the same dtype, got {x1.dtype} and {x2.dtype}"
        )
    if x1._data.itemsize == 2:  # PyTorch's CPU kernel has no half-precision version
        half = "Half" if x1._data.dtype == np.float16 else "BFloat16"
        raise NotImplementedError(f"\"cdist\" not implemented for '{half}'")
    infer_size(x1._data.shape[:-2], x2._data.shape[:-2])
    return apply(P.Cdist, x1, x2, p=float(p))


# ----------------------------------------------------------------------- in place
from .inplace import _inplace  # noqa: E402  (inplace.py imports this module lazily)

scatter_ = _inplace("scatter")
scatter_add_ = _inplace("scatter_add")
scatter_reduce_ = _inplace("scatter_reduce")
index_add_ = _inplace("index_add")
index_copy_ = _inplace("index_copy")
index_fill_ = _inplace("index_fill")
index_put_ = _inplace("index_put")
masked_scatter_ = _inplace("masked_scatter")

# functions whose PyTorch form takes out= (they declare no ``out`` themselves; _out.py
# wraps them), checked against PyTorch in tests/test_ops_kwargs.py
_TAKES_OUT = (
    "cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack",
    "column_stack", "gather", "index_select", "index_add", "index_copy", "masked_select",
    "nonzero", "scatter", "scatter_add", "scatter_reduce", "take", "take_along_dim", "diff",
)  # fmt: skip
