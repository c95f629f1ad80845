"""hypothesis strategies shared by the property tests: shapes, arrays, dtypes and indices.

Arrays are drawn as a seed for NumPy's generator rather than element by element: hypothesis
then spends its budget on the shapes and indices, which is where the bugs live. Index keys
are drawn in a library-neutral form (``IndexArray`` for tensor indices) and turned into a
retrograd or a PyTorch key by ``make_key``, so both libraries see the same index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ml_dtypes
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

DTYPE_NAMES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
               "float32", "float64", "complex64", "complex128")  # fmt: skip
NP_DTYPES = {name: np.dtype(ml_dtypes.bfloat16 if name == "bfloat16" else name)
             for name in DTYPE_NAMES}  # fmt: skip


# ------------------------------------------------------------------------------ shapes
def broadcastable_shapes(
    num_shapes: int, max_dims: int = 4, max_side: int = 3
) -> st.SearchStrategy[tuple[tuple[int, ...], ...]]:
    """``num_shapes`` shapes that broadcast together: 0-d, size-1, empty dims, mixed ranks."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=0, max_dims=max_dims, min_side=0, max_side=max_side
    ).map(lambda b: tuple(b.input_shapes))


@st.composite
def incompatible_shapes(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Two shapes that do not broadcast: at one dim both sizes differ and neither is 1."""
    a = list(draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=3)))
    d = draw(st.integers(0, len(a) - 1))
    sa, sb = draw(st.lists(st.sampled_from([0, 2, 3, 4]), min_size=2, max_size=2, unique=True))
    b = [draw(st.sampled_from([s, 1])) for s in a]
    a[d], b[d] = sa, sb
    drop = draw(st.integers(0, d))  # b may have fewer leading dims
    return tuple(a), tuple(b[drop:])


# ------------------------------------------------------------------------------ arrays
def random_array(rng: np.random.Generator, shape: tuple[int, ...], dtype: str = "float64",
                 grid: tuple[float, ...] | None = None) -> np.ndarray:  # fmt: skip
    """Values that are exact in every dtype: small integers for integer dtypes, quarter steps
    in [-4, 4] for floats (or values from ``grid``, to make ties)."""
    dt = NP_DTYPES[dtype]
    if dt.kind == "b":
        return np.asarray(rng.random(shape) < 0.5)
    if dt.kind in "iu":
        return np.asarray(rng.integers(0 if dt.kind == "u" else -8, 9, size=shape), dt)
    if grid is not None:
        real = rng.choice(np.asarray(grid), size=shape)
    else:
        real = rng.integers(-16, 17, size=shape) / 4.0
    if dt.kind == "c":
        real = real + 1j * rng.integers(-16, 17, size=shape) / 4.0
    return np.asarray(real, dt)


seeds = st.integers(0, 2**32 - 1)


# ------------------------------------------------------------------------------ indices
@dataclass(frozen=True)
class IndexArray:
    """An integer or boolean index given as a tensor (``as_tensor``) or a nested list."""

    values: np.ndarray
    as_tensor: bool

    def key(self, lib: Any) -> Any:
        return lib.tensor(self.values) if self.as_tensor else self.values.tolist()


class _NumpyLib:
    """NumPy seen as a library with ``tensor``, for ``make_key``."""

    @staticmethod
    def tensor(values: np.ndarray) -> np.ndarray:
        return values.copy()


NUMPY = _NumpyLib()


def make_key(desc: Any, lib: Any) -> Any:
    """The index ``desc`` with its ``IndexArray`` entries as ``lib``'s tensors or lists."""
    if isinstance(desc, tuple):
        return tuple(make_key(d, lib) for d in desc)
    return desc.key(lib) if isinstance(desc, IndexArray) else desc


def has_repeats(shape: tuple[int, ...], desc: Any) -> bool:
    """Whether the index ``desc`` selects some element of a tensor of ``shape`` twice
    (assigning through such an index is undefined in PyTorch)."""
    where = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)[make_key(desc, NUMPY)]
    return np.unique(where).size != where.size


_adv_shapes = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4)
_rarely = st.sampled_from([False] * 5 + [True])  # one time in six


def _slice(draw: st.DrawFn, size: int) -> slice:
    bound = st.none() | st.integers(-size - 2, size + 2)  # out-of-range bounds are clipped
    return slice(draw(bound), draw(bound), draw(st.sampled_from([None, 1, 2, 3])))


def _int_array(draw: st.DrawFn, size: int, adv_shape: tuple[int, ...],
               unique: bool) -> IndexArray:  # fmt: skip
    # a shape that broadcasts to adv_shape: a suffix of it, some dims set to 1
    lead = 0 if draw(st.booleans()) else draw(st.integers(0, len(adv_shape)))
    shape = tuple(draw(st.sampled_from([s, s, 1])) for s in adv_shape[lead:])
    n = int(np.prod(shape))
    if unique and n <= size:
        vals = np.array(draw(st.permutations(range(size))), dtype=np.int64)[:n]
    else:
        vals = np.array(draw(st.lists(st.integers(0, size - 1), min_size=n, max_size=n)),
                        dtype=np.int64)  # fmt: skip
    neg = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    vals = np.where(neg, vals - size, vals)  # negative indices count from the end
    as_tensor = draw(st.booleans())
    dtype = draw(st.sampled_from([np.int64, np.int32])) if as_tensor else np.int64
    return IndexArray(vals.reshape(shape).astype(dtype), as_tensor)


@st.composite
def _items(draw: st.DrawFn, sizes: tuple[int, ...], adv_shape: tuple[int, ...],
           advanced: bool, unique: bool) -> list[Any]:  # fmt: skip
    """Index items that consume exactly the dims ``sizes``, with ``None`` sprinkled in."""
    kinds = ["int", "slice", "slice"] + (["array"] * 3 + ["mask", "int0d"] if advanced else [])
    out: list[Any] = []
    d = 0
    while d < len(sizes):
        if draw(_rarely):
            out.append(None)
        size = sizes[d]
        kind = draw(st.sampled_from(kinds))
        if kind == "int" and size > 0:
            out.append(draw(st.integers(-size, size - 1)))
        elif kind == "int0d" and size > 0:  # a 0-d integer tensor selects, as an int does
            out.append(IndexArray(np.array(draw(st.integers(-size, size - 1))), True))
        elif kind == "array" and size > 0:
            out.append(_int_array(draw, size, adv_shape, unique))
        elif kind == "mask":
            k = draw(st.integers(1, len(sizes) - d))
            mask = np.random.default_rng(draw(seeds)).random(sizes[d : d + k]) < 0.5
            out.append(IndexArray(mask, draw(st.booleans())))
            d += k
            continue
        else:
            out.append(_slice(draw, size))
        d += 1
    if draw(_rarely):
        out.append(None)
    return out


def index_shapes() -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes to index: mostly 2-4 non-empty dims (room for several index arrays), now and
    then 0-d or with empty dims."""
    return hnp.array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=4) | hnp.array_shapes(
        min_dims=0, max_dims=4, min_side=0, max_side=3
    )


@st.composite
def index_keys(draw: st.DrawFn, shape: tuple[int, ...], advanced: bool = True,
               unique: bool = False) -> Any:  # fmt: skip
    """An index for a tensor of ``shape``: ints (negative too), slices with steps and
    out-of-range bounds, None, Ellipsis and, with ``advanced``, 0-d integer tensors, integer
    lists/tensors (repeating entries unless ``unique``) and boolean masks (tensors or lists),
    possibly separated by slices."""
    nd = len(shape)
    # the shape all index arrays broadcast to; now and then 0-d or empty
    adv_shape = draw(_adv_shapes | hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
    if draw(st.booleans()):  # with an Ellipsis: items before it from the left, after from the right
        pre = draw(st.integers(0, nd))
        post = nd - pre - draw(st.integers(0, nd - pre))
        items = (draw(_items(shape[:pre], adv_shape, advanced, unique)) + [Ellipsis]
                 + draw(_items(shape[nd - post :], adv_shape, advanced, unique)))  # fmt: skip
        # PyTorch counts a nested list mask as one dim when it sizes the Ellipsis (a quirk we
        # do not copy): with an Ellipsis, masks of several dims come as tensors
        items = [IndexArray(i.values, True) if isinstance(i, IndexArray) and i.values.ndim > 1
                 and i.values.dtype == np.bool_ else i for i in items]  # fmt: skip
    else:
        used = nd if draw(st.booleans()) else draw(st.integers(0, nd))
        items = draw(_items(shape[:used], adv_shape, advanced, unique))
    if len(items) == 1 and draw(st.booleans()):
        only = items[0]
        # a bare nested list is PyTorch's deprecated "sequence as tuple" case: keep it wrapped
        if not (isinstance(only, IndexArray) and not only.as_tensor and only.values.ndim > 1):
            return only
    return tuple(items)


@st.composite
def array_keys(draw: st.DrawFn, shape: tuple[int, ...]) -> tuple[Any, ...]:
    """A key with two or more integer index arrays (entries likely repeated), between them
    slices or ints: the transposition rule and gradient accumulation. ``shape`` has at least
    two dims, none empty."""
    nd = len(shape)
    dims = set(draw(st.permutations(range(nd)))[: draw(st.integers(2, nd))])
    adv_shape = draw(_adv_shapes)
    items: list[Any] = []
    for d in range(max(dims) + 1):
        if d in dims:
            items.append(_int_array(draw, shape[d], adv_shape, unique=False))
        elif draw(st.booleans()):
            items.append(_slice(draw, shape[d]))
        else:
            items.append(draw(st.integers(-shape[d], shape[d] - 1)))
    return tuple(items)


@st.composite
def out_of_range_keys(draw: st.DrawFn, shape: tuple[int, ...]) -> Any:
    """An index whose one integer (or one entry of an integer array) at dim ``d`` lies
    outside it; the dims before ``d`` take slices, in-range ints or one-entry index arrays,
    with ``None`` between."""
    d = draw(st.integers(0, len(shape) - 1))
    size = shape[d]
    bad = draw(st.sampled_from([size, size + 2, -size - 1, -size - 3]))
    items: list[Any] = []
    for s in shape[:d]:
        if draw(st.integers(0, 3)) == 0:
            items.append(None)
        kind = draw(st.sampled_from(["int", "array", "slice"]))
        if kind == "int":
            items.append(draw(st.integers(-s, s - 1)))
        elif kind == "array":  # one entry, so it broadcasts with the bad index array
            items.append(IndexArray(np.array([draw(st.integers(-s, s - 1))]), draw(st.booleans())))
        else:
            items.append(slice(None))
    if draw(st.booleans()):
        items.append(bad)
    else:
        vals = np.array([bad] if size == 0 else [size - 1, bad], dtype=np.int64)
        items.append(IndexArray(vals, draw(st.booleans())))
    return tuple(items)
