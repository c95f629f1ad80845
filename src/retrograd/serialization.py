"""Checkpoints on disk in PyTorch's own zip format: ``retrograd.save`` and ``retrograd.load``.

A checkpoint is a zip archive (stored, not compressed) whose records sit under one folder,
``<archive>/``: ``data.pkl`` (the object, pickled with protocol 2), ``data/<key>`` (each
storage's raw bytes), ``byteorder``, ``version`` and ``.data/serialization_id``, as
``torch.save`` writes them. Inside ``data.pkl`` a tensor is the call
``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
OrderedDict())`` whose storage is a persistent id ``('storage', torch.FloatStorage, key,
'cpu', numel)``, so PyTorch reads our files and we read PyTorch's without importing torch:
the pickler writes those globals by name, and the loader maps them to our own rebuilders.

Loading admits only an allow-list of globals (our rebuilders, ``collections.OrderedDict`` and
the few builtins containers need), so a file cannot run code unless ``weights_only=False``.
"""

from __future__ import annotations

import _compat_pickle
import collections
import contextlib
import io
import os
import pickle
import secrets
import struct
import sys
import zipfile
from typing import IO, Any

import numpy as np

from . import _dtype
from ._device import device
from ._tensor import Size, Tensor

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals",
           "safe_globals"]  # fmt: skip

_ALIGN = 64  # torch aligns each record's data to 64 bytes so it can be memory-mapped
_STORAGE_NAMES = {
    _dtype.bool_: "BoolStorage", _dtype.uint8: "ByteStorage", _dtype.int8: "CharStorage",
    _dtype.int16: "ShortStorage", _dtype.int32: "IntStorage", _dtype.int64: "LongStorage",
    _dtype.float16: "HalfStorage", _dtype.bfloat16: "BFloat16Storage",
    _dtype.float32: "FloatStorage", _dtype.float64: "DoubleStorage",
    _dtype.complex64: "ComplexFloatStorage", _dtype.complex128: "ComplexDoubleStorage",
}  # fmt: skip
_UNSAFE_MESSAGE = (
    "Re-running `retrograd.load` with `weights_only` set to `False` will likely succeed, but "
    "it can result in arbitrary code execution. Do it only if you got the file from a "
    "trusted source."
)

PathOrFile = str | os.PathLike | IO[bytes]


# ---------------------------------------------------------------------------------- saving
class _Global:
    """Stands in for a global of another package (``torch._utils._rebuild_tensor_v2``): the
    pickler writes its name as a GLOBAL opcode without importing that package."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args: Any) -> Any:  # pickle insists that a reduce function be callable
        raise TypeError(f"{self.module}.{self.name} is a stand-in for pickling only")


_GLOBALS: dict[tuple[str, str], _Global] = {}


def _global(module: str, name: str) -> _Global:
    # one object per name, so the pickle memo writes each global once
    g = _GLOBALS.get((module, name))
    if g is None:
        g = _GLOBALS[(module, name)] = _Global(module, name)
    return g


class _StorageRef:
    """A storage in the archive: pickled as its persistent id, its bytes go to ``data/key``."""

    __slots__ = ("key", "array", "pid")

    def __init__(self, key: str, array: np.ndarray) -> None:
        self.key, self.array = key, array
        name = _STORAGE_NAMES[_dtype._FROM_NP[array.dtype]]
        self.pid = ("storage", _global("torch", name), key, "cpu", array.size)


class _TensorData:
    """A Parameter's data: pickled as a plain tensor that does not require grad."""

    __slots__ = ("tensor",)

    def __init__(self, tensor: Tensor) -> None:
        self.tensor = tensor


class _Pickler(pickle._Pickler):  # the Python pickler, so a dispatch entry can write GLOBAL
    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file: IO[bytes], protocol: int) -> None:
        super().__init__(file, protocol=protocol)
        self.storages: dict[int, _StorageRef] = {}  # by id of the array owning the memory

    def _write_global(self, obj: _Global) -> None:
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    dispatch[_Global] = _write_global

    def persistent_id(self, obj: Any) -> Any:
        return obj.pid if type(obj) is _StorageRef else None

    def reducer_override(self, obj: Any) -> Any:
        from .nn.parameter import Parameter

        if isinstance(obj, Parameter):
            rg = obj.requires_grad
            return (_global("torch._utils", "_rebuild_parameter"),
                    (_TensorData(obj), rg, collections.OrderedDict()))  # fmt: skip
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj, obj.requires_grad)
        if type(obj) is _TensorData:
            return self._reduce_tensor(obj.tensor, False)
        if isinstance(obj, Size):
            return (_global("torch", "Size"), (tuple(obj),))
        if isinstance(obj, device):
            return (_global("torch", "device"), (str(obj),))
        return NotImplemented

    def save(self, obj: Any, save_persistent_id: bool = True) -> None:
        # a dtype is written as the bare global ``torch.float32``, as PyTorch writes it
        if isinstance(obj, _dtype.dtype):
            obj = _global("torch", obj.name)
        super().save(obj, save_persistent_id)

    def _reduce_tensor(self, t: Tensor, requires_grad: bool) -> Any:
        ref, offset, stride = self._storage_of(t._data)
        args = (ref, offset, tuple(t._data.shape), stride, requires_grad,
                collections.OrderedDict())  # fmt: skip
        return (_global("torch._utils", "_rebuild_tensor_v2"), args)

    def _storage_of(self, arr: np.ndarray) -> tuple[_StorageRef, int, tuple[int, ...]]:
        """The storage holding ``arr`` (shared with other views of the same memory, as torch
        saves one storage for all its views), the offset and the strides in elements."""
        root = arr
        while isinstance(root.base, np.ndarray):
            root = root.base
        item = arr.itemsize
        ptr = arr.__array_interface__["data"][0]
        start = root.__array_interface__["data"][0]
        # a dim of length 1 may carry any stride (NumPy leaves odd ones): it never matters
        steps = [(s, n) for s, n in zip(arr.strides, arr.shape) if n > 1]
        shareable = (
            arr.size > 0
            and root.dtype == arr.dtype
            and (root.flags.c_contiguous or root.flags.f_contiguous)
            and all(s >= 0 and s % item == 0 for s, _ in steps)
            and 0 <= ptr - start < root.nbytes
            and (ptr - start) % item == 0
        )
        if not shareable:  # a private compact copy (negative strides, reinterpreted dtype...)
            root = np.ascontiguousarray(arr)
            ptr = start = root.__array_interface__["data"][0]
        ref = self.storages.get(id(root))
        if ref is None:
            ref = self.storages[id(root)] = _StorageRef(str(len(self.storages)), root)
        stride = tuple(s // item if n > 1 and shareable else _contig_stride(arr.shape, d)
                       for d, (s, n) in enumerate(zip(arr.strides, arr.shape)))  # fmt: skip
        return ref, (ptr - start) // item, stride


def _contig_stride(shape: tuple[int, ...], d: int) -> int:
    n = 1
    for s in shape[d + 1 :]:
        n *= s
    return n


def save(obj: Any, f: PathOrFile, pickle_protocol: int = 2) -> None:
    """Save an object (tensors, state_dicts, nested containers...) in PyTorch's zip format.

    The file loads with ``torch.load(f, weights_only=True)`` as well as with
    :func:`retrograd.load`. Views of one memory are saved as one storage, as in PyTorch.
    Writing to a path is atomic: the archive goes to a temporary file in the same folder,
    which replaces ``f`` only once complete, so a failure leaves the old file intact.

    Args:
        obj: what to save: tensors, Parameters, dicts, lists, tuples, numbers, strings...
        f: a path (str or PathLike) or a writable binary file object.
        pickle_protocol: the pickle protocol of ``data.pkl`` (PyTorch's default is 2).

    Example:
        >>> buf = io.BytesIO()
        >>> retrograd.save({"w": retrograd.ones(2)}, buf)
        >>> _ = buf.seek(0)
        >>> retrograd.load(buf)
        {'w': tensor([1., 1.])}
    """
    data = io.BytesIO()
    pickler = _Pickler(data, pickle_protocol)
    pickler.dump(obj)  # before anything is written: an unpicklable object leaves f untouched
    storages = sorted(pickler.storages.values(), key=lambda r: int(r.key))
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        _write_atomic(path, _archive_name(path), data.getvalue(), storages)
    elif f.seekable():
        _write_archive(f, "archive", data.getvalue(), storages)
    else:  # zipfile needs to seek back over each record's header: build it in memory
        buf = io.BytesIO()
        _write_archive(buf, "archive", data.getvalue(), storages)
        f.write(buf.getvalue())


def _archive_name(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0] or "archive"


def _write_atomic(path: str, name: str, pkl: bytes, storages: list[_StorageRef]) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        tmp = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
        try:  # O_EXCL: never clobber a file; mode 0o666 lets the umask apply, as open() does
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o666)  # fmt: skip
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as fh:
            _write_archive(fh, name, pkl, storages)
            fh.flush()
            os.fsync(fh.fileno())
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where we can
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _write_archive(fh: IO[bytes], name: str, pkl: bytes, storages: list[_StorageRef]) -> None:
    base = fh.tell()
    records: list[tuple[str, Any]] = [
        ("data.pkl", pkl),
        (".format_version", b"1"),
        (".storage_alignment", str(_ALIGN).encode()),
        ("byteorder", sys.byteorder.encode()),
    ]
    for ref in storages:
        flat = ref.array.ravel(order="K").view(np.uint8)  # memory order, no copy
        records.append((f"data/{ref.key}", flat))
    records.append(("version", b"3\n"))
    serial_id = f"{secrets.randbelow(10**20):020d}{secrets.randbelow(10**20):020d}"
    records.append((".data/serialization_id", serial_id.encode()))
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for rec, payload in records:
            info = zipfile.ZipInfo(f"{name}/{rec}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            full = len(info.filename.encode()) + 30 + 4
            pad = (-(fh.tell() - base + full)) % _ALIGN
            info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
            with zf.open(info, "w", force_zip64=len(payload) > 0xFFFF0000) as w:
                w.write(memoryview(payload))


# ---------------------------------------------------------------------------------- loading
class _StorageType:
    """What ``torch.FloatStorage`` and its kin load as: the dtype of a storage."""

    __slots__ = ("dtype",)

    def __init__(self, dt: _dtype.dtype) -> None:
        self.dtype = dt


class _Storage:
    __slots__ = ("array",)

    def __init__(self, array: np.ndarray) -> None:
        self.array = array


def _rebuild_tensor_v2(storage: Any, storage_offset: Any, size: Any, stride: Any,
                       requires_grad: Any, backward_hooks: Any = None,
                       metadata: Any = None) -> Tensor:  # fmt: skip
    """A tensor viewing ``storage``; every argument is checked, as the file is untrusted."""
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError(f"expected a storage, got {type(storage).__name__}")
    shape, strides, offset = _ints(size, "size"), _ints(stride, "stride"), storage_offset
    if len(shape) != len(strides) or type(offset) is not int or offset < 0:
        raise pickle.UnpicklingError(
            f"invalid tensor geometry: size {list(shape)}, stride {list(strides)}, "
            f"offset {offset!r}"
        )
    src = storage.array
    if 0 in shape:
        arr = np.empty(shape, src.dtype)
    else:
        last = offset + sum((n - 1) * s for n, s in zip(shape, strides))
        if last >= src.size:
            raise pickle.UnpicklingError(
                f"tensor of size {list(shape)}, stride {list(strides)} and offset {offset} "
                f"reaches element {last} of a storage of {src.size} elements"
            )
        arr = np.lib.stride_tricks.as_strided(
            src[offset:], shape, tuple(s * src.itemsize for s in strides)
        )
    t = Tensor._wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _ints(v: Any, what: str) -> tuple[int, ...]:
    if not isinstance(v, tuple) or not all(type(n) is int and n >= 0 for n in v):
        raise pickle.UnpicklingError(f"invalid tensor {what}: {v!r}")
    return v


def _rebuild_parameter(data: Any, requires_grad: Any, backward_hooks: Any = None) -> Any:
    from .nn.parameter import Parameter

    if not isinstance(data, Tensor):
        raise pickle.UnpicklingError(f"expected a tensor, got {type(data).__name__}")
    return Parameter(data, bool(requires_grad))


def _rebuild_parameter_with_state(data: Any, requires_grad: Any, backward_hooks: Any,
                                  state: Any) -> Any:  # fmt: skip
    p = _rebuild_parameter(data, requires_grad)
    if isinstance(state, dict):
        for k, v in state.items():
            if isinstance(k, str) and not k.startswith("__"):
                setattr(p, k, v)
    return p


def _safe_globals() -> dict[str, Any]:
    import _codecs

    from .nn.parameter import Parameter

    rc: dict[str, Any] = {
        "collections.OrderedDict": collections.OrderedDict,
        "collections.Counter": collections.Counter,
        "builtins.set": set,
        "builtins.frozenset": frozenset,
        "builtins.complex": complex,
        "builtins.bytearray": bytearray,
        "_codecs.encode": _codecs.encode,  # how protocol 2 writes bytes
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
        "torch.nn.parameter.Parameter": Parameter,
        "torch.Size": Size,
        "torch.device": device,
    }
    for dt, name in _STORAGE_NAMES.items():
        rc[f"torch.{name}"] = _StorageType(dt)
        rc[f"torch.{dt.name}"] = dt
    return rc


_SAFE: dict[str, Any] = {}
_USER_SAFE: dict[str, Any] = {}  # what add_safe_globals admitted, by "module.qualname"


def add_safe_globals(safe_globals: list[Any]) -> None:
    """Let ``load(weights_only=True)`` admit these globals (classes or functions) too.

    Loading may then call them (an allowed class is instantiated and its state set), so
    admit only what you trust, as with PyTorch's ``add_safe_globals``.

    Args:
        safe_globals: objects, or ``(object, "module.name")`` pairs where the name in the
            file differs from the object's own.

    Example:
        >>> retrograd.serialization.add_safe_globals([MyConfig])
        >>> cfg = retrograd.load("run.pt")["config"]
    """
    for g in safe_globals:
        obj, name = g if isinstance(g, tuple) else (g, f"{g.__module__}.{g.__qualname__}")
        _USER_SAFE[name] = obj


def get_safe_globals() -> list[Any]:
    """The globals admitted by :func:`add_safe_globals`."""
    return list(_USER_SAFE.values())


def clear_safe_globals() -> None:
    """Forget every global admitted by :func:`add_safe_globals`."""
    _USER_SAFE.clear()


class safe_globals:
    """Context manager: :func:`add_safe_globals` for the duration of a ``with`` block.

    Example:
        >>> with retrograd.serialization.safe_globals([MyConfig]):
        ...     state = retrograd.load("run.pt")
    """

    def __init__(self, safe_globals: list[Any]) -> None:
        self.safe_globals = safe_globals

    def __enter__(self) -> None:
        self.saved = dict(_USER_SAFE)
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc: object) -> None:
        _USER_SAFE.clear()
        _USER_SAFE.update(self.saved)


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: IO[bytes], archive: _Archive, weights_only: bool,
                 **kw: Any) -> None:  # fmt: skip
        super().__init__(file, **kw)
        self.archive = archive
        self.weights_only = weights_only

    def find_class(self, module: str, name: str) -> Any:
        if not _SAFE:
            _SAFE.update(_safe_globals())
        # protocol 2 names Python 2 modules (``__builtin__.set``): read them as Python 3's
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        else:
            module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        full = f"{module}.{name}"
        if full in _SAFE:
            return _SAFE[full]
        if full in _USER_SAFE:
            return _USER_SAFE[full]
        if self.weights_only:
            raise pickle.UnpicklingError(
                f"Unsupported global: GLOBAL {full} was not an allowed global by default. "
                "Only tensors, Parameters, dtypes, sizes, devices and builtin containers load "
                "with weights_only=True; use `retrograd.serialization.add_safe_globals"
                f"([{full}])` or the `retrograd.serialization.safe_globals([{full}])` context "
                "manager to allowlist this global if you trust this class/function."
            )
        if module == "torch" or module.startswith("torch."):
            raise pickle.UnpicklingError(f"retrograd cannot load the PyTorch object {full}")
        return super().find_class(module, name)

    def persistent_load(self, pid: Any) -> Any:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unsupported persistent id encountered: {pid!r}")
        _, kind, key, location, numel = pid
        if not isinstance(kind, _StorageType):
            raise pickle.UnpicklingError(f"unsupported storage type {kind!r}")
        if not isinstance(key, str) or type(numel) is not int or numel < 0:
            raise pickle.UnpicklingError(f"invalid storage record {pid!r}")
        return self.archive.storage(key, kind.dtype, numel, location)


class _Archive:
    """The records of one checkpoint archive; storages are read once and shared by key."""

    def __init__(self, zf: zipfile.ZipFile, path: str | None, mmap: bool,
                 map_location: Any) -> None:  # fmt: skip
        self.zf, self.path, self.mmap, self.map_location = zf, path, mmap, map_location
        names = zf.namelist()
        if not names or "/" not in names[0]:
            raise RuntimeError("the zip archive holds no checkpoint records")
        self.prefix = names[0].split("/", 1)[0] + "/"
        self.names = set(names)
        self.storages: dict[str, _Storage] = {}
        order = self.read("byteorder").decode() if self.has("byteorder") else "little"
        if order not in ("little", "big"):
            raise RuntimeError(f"unknown byteorder record {order!r}")
        self.swap = order != sys.byteorder

    def has(self, rec: str) -> bool:
        return self.prefix + rec in self.names

    def read(self, rec: str) -> bytes:
        if not self.has(rec):
            raise RuntimeError(f"missing record {self.prefix + rec}")
        return self.zf.read(self.prefix + rec)

    def storage(self, key: str, dt: _dtype.dtype, numel: int, location: Any) -> _Storage:
        _check_location(location, self.map_location)
        st = self.storages.get(key)
        if st is not None:
            if st.array.dtype != dt.np or st.array.size != numel:
                raise RuntimeError(f"storage {key} is used with two different types")
            return st
        rec = f"data/{key}"
        if not self.has(rec):
            raise RuntimeError(f"missing record {self.prefix + rec}")
        info = self.zf.getinfo(self.prefix + rec)
        nbytes = numel * dt.itemsize
        if info.file_size != nbytes:
            raise RuntimeError(
                f"record {info.filename} holds {info.file_size} bytes; a {dt.name} storage of "
                f"{numel} elements needs {nbytes}"
            )
        if self.mmap and info.compress_type == zipfile.ZIP_STORED and numel:
            arr = np.memmap(self.path, dt.np, "c", _data_offset(self.zf, info), (numel,))
        else:
            arr = np.empty(numel, dt.np)
            with self.zf.open(info) as r:
                got = r.readinto(memoryview(arr.view(np.uint8)))
            if got != nbytes:
                raise RuntimeError(f"record {info.filename} is truncated")
        if self.swap:
            arr = arr.byteswap()
        st = self.storages[key] = _Storage(arr)
        return st


def _data_offset(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    # the local header's name and extra lengths may differ from the central directory's
    fp = zf.fp
    assert fp is not None
    fp.seek(info.header_offset)
    head = fp.read(30)
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    return info.header_offset + 30 + name_len + extra_len


def _check_location(location: Any, map_location: Any) -> None:
    if isinstance(map_location, dict):
        location = map_location.get(location, location)
    elif map_location is not None:
        location = map_location
    where = str(location)
    if not (where == "cpu" or where.startswith("cpu:")):
        raise RuntimeError(
            f"Attempting to deserialize object on device '{where}', but retrograd computes "
            "on the CPU only. Use map_location='cpu' to load it there."
        )


def load(
    f: PathOrFile,
    map_location: Any = None,
    pickle_module: Any = None,
    *,
    weights_only: bool = True,
    mmap: bool | None = None,
    **pickle_load_args: Any,
) -> Any:
    """Load an object saved by :func:`retrograd.save` or by ``torch.save``.

    With ``weights_only=True`` (the default) only tensors, Parameters, dtypes, sizes, devices
    and builtin containers (dict, OrderedDict, list, tuple, set, numbers, strings) can be
    loaded, plus what :func:`add_safe_globals` admitted; any other global in the file raises
    ``pickle.UnpicklingError`` before it is looked up, so loading never runs code from the
    file. ``weights_only=False`` unpickles
    arbitrary Python objects, which can execute arbitrary code: use it only on files you
    trust. Nothing is returned from a file that fails to load in any part.

    Args:
        f: a path (str or PathLike) or a readable, seekable binary file object.
        map_location: where to put the storages: None, ``'cpu'``, a device, or a dict
            mapping saved locations to ``'cpu'`` (retrograd has only the CPU).
        pickle_module: must be None or the standard ``pickle`` module.
        weights_only: restrict unpickling to the allow-list above.
        mmap: memory-map the storages from ``f`` (a path) instead of reading them
            (copy-on-write, as PyTorch's ``mmap=True``).
        **pickle_load_args: passed to the unpickler (e.g. ``encoding``).

    Returns:
        The saved object, its tensors as retrograd tensors.

    Example:
        >>> retrograd.save(model.state_dict(), "model.pt")
        >>> model.load_state_dict(retrograd.load("model.pt"))
    """
    if pickle_module not in (None, pickle):
        raise ValueError("retrograd.load supports only the standard pickle module")
    is_path = isinstance(f, (str, os.PathLike))
    if mmap and not is_path:
        raise ValueError("f must be a file path in order to use the mmap argument")
    name = os.fspath(f) if is_path else getattr(f, "name", None) or f"<{type(f).__name__}>"
    with contextlib.ExitStack() as stack:
        fh = stack.enter_context(open(f, "rb")) if is_path else f  # type: ignore[arg-type]
        zf = _open_zip(fh, name)
        stack.enter_context(zf)
        try:
            archive = _Archive(zf, name if is_path else None, bool(mmap), map_location)
            pkl = archive.read("data.pkl")
            unpickler = _Unpickler(io.BytesIO(pkl), archive, weights_only, **pickle_load_args)
            return unpickler.load()
        except RuntimeError as e:  # a missing record, a storage on another device...
            raise RuntimeError(f"{name}: {e}") from None
        except pickle.UnpicklingError as e:
            prefix = "Weights only load failed" if weights_only else "Load failed"
            msg = f"{prefix} for {name}. {e}"
            if weights_only and "Unsupported global" in str(e):
                msg += f"\n{_UNSAFE_MESSAGE}"
            raise pickle.UnpicklingError(msg) from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
                struct.error, KeyError, IndexError, TypeError) as e:  # fmt: skip
            raise RuntimeError(f"{name} is a corrupt checkpoint: {e}") from e


def _open_zip(fh: IO[bytes], name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, EOFError, OSError) as e:
        fh.seek(0)
        head = fh.read(2)
        if head[:1] == pickle.PROTO:  # a pre-1.6 PyTorch file (bare pickle or tar)
            raise RuntimeError(
                f"{name} is in PyTorch's legacy (pre-1.6) format, which retrograd cannot "
                "read; re-save it with a recent torch.save"
            ) from None
        raise RuntimeError(
            f"{name} is not a PyTorch/retrograd zip checkpoint, or it is truncated or corrupt ({e})"
        ) from None
