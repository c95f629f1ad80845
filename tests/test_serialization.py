"""retrograd.save / retrograd.load against the real torch.save / torch.load, both ways."""

from __future__ import annotations

import collections
import io
import os
import pickle
import zipfile

import numpy as np
import pytest
import torch

import retrograd as rg
from _torch_compare import assert_close, to_torch
from retrograd import serialization

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
          "float32", "float64", "complex64", "complex128"]  # fmt: skip


def _torch_sample(name: str, shape: tuple[int, ...] = (3, 4)) -> torch.Tensor:
    g = torch.Generator().manual_seed(7)
    dt = getattr(torch, name)
    if dt is torch.bool:
        return torch.rand(shape, generator=g) > 0.5
    if dt.is_floating_point or dt.is_complex:
        return (torch.randn(shape, generator=g, dtype=torch.float64) * 100).to(dt)
    return torch.randint(0, 100, shape, generator=g, dtype=dt)


def _same_bits(ours: rg.Tensor, theirs: torch.Tensor) -> None:
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    assert tuple(ours.shape) == tuple(theirs.shape)
    a = ours.detach().numpy()
    t = theirs.detach()
    if t.dtype == torch.bfloat16:
        bits = t.view(torch.int16).numpy().view(np.uint16)
        np.testing.assert_array_equal(a.view(np.uint16), bits)
    else:
        np.testing.assert_array_equal(a, t.numpy())


def _buf(save_fn, obj) -> io.BytesIO:
    b = io.BytesIO()
    save_fn(obj, b)
    b.seek(0)
    return b


# ------------------------------------------------------------------ tensors, both ways
@pytest.mark.parametrize("name", DTYPES)
def test_torch_saved_tensor_loads_with_same_bits(name):
    t = _torch_sample(name)
    ours = rg.load(_buf(torch.save, {"x": t, "v": t[1:, ::2]}))
    _same_bits(ours["x"], t)
    _same_bits(ours["v"], t[1:, ::2])


@pytest.mark.parametrize("name", DTYPES)
def test_retrograd_saved_tensor_loads_in_torch_weights_only(name):
    t = _torch_sample(name)
    if name == "bfloat16":  # exact: every bfloat16 is a float32
        ours = rg.from_numpy(t.float().numpy()).to(rg.bfloat16)
    else:
        ours = rg.from_numpy(t.numpy())
    theirs = torch.load(_buf(rg.save, [ours, ours.t()]), weights_only=True)
    _same_bits(ours, theirs[0])
    _same_bits(ours.t(), theirs[1])
    assert theirs[1].stride() == ours.t().stride()


def test_views_share_one_storage_in_the_file_and_after_torch_load():
    base = rg.arange(12.0).reshape(3, 4)
    views = {
        "base": base,
        "t": base.t(),
        "row": base[1],
        "col": base[:, 2],
        "step": base[::2, 1::2],
    }
    buf = _buf(rg.save, views)
    names = zipfile.ZipFile(buf).namelist()
    assert [n for n in names if "/data/" in n] == ["archive/data/0"]
    buf.seek(0)
    theirs = torch.load(buf, weights_only=True)
    ptrs = {v.untyped_storage().data_ptr() for v in theirs.values()}
    assert len(ptrs) == 1
    for k, v in views.items():
        assert_close(v, theirs[k])
        assert theirs[k].stride() == v.stride()
    theirs["base"][1, 2] = -1.0  # shared memory: the write shows through every view
    assert theirs["row"][2] == -1 and theirs["col"][1] == -1


def test_torch_views_share_memory_after_retrograd_load():
    base = torch.arange(12.0).reshape(3, 4)
    ours = rg.load(_buf(torch.save, {"base": base, "t": base.t(), "row": base[2, 1:]}))
    assert np.shares_memory(ours["base"].numpy(), ours["t"].numpy())
    assert np.shares_memory(ours["base"].numpy(), ours["row"].numpy())
    assert_close(ours["row"], base[2, 1:])
    assert ours["t"].stride() == base.t().stride()


def test_negative_stride_and_reinterpreted_views_are_saved_as_copies():
    a = np.arange(10.0)
    flipped = rg.from_numpy(a[::-1])
    as_int = rg.from_numpy(a.view(np.int64))
    theirs = torch.load(_buf(rg.save, (flipped, as_int)), weights_only=True)
    np.testing.assert_array_equal(theirs[0].numpy(), a[::-1])
    np.testing.assert_array_equal(theirs[1].numpy(), a.view(np.int64))


def test_same_tensor_twice_loads_as_one_object_both_ways():
    w = rg.nn.Parameter(rg.randn(3, 2))
    ours = rg.load(_buf(rg.save, {"a": w, "b": w}))
    assert ours["a"] is ours["b"]
    theirs = torch.load(_buf(rg.save, {"a": w, "b": w}), weights_only=True)
    assert theirs["a"] is theirs["b"]
    tw = torch.nn.Parameter(torch.randn(2))
    back = rg.load(_buf(torch.save, [tw, tw]))
    assert back[0] is back[1]


def test_parameters_and_requires_grad_survive_both_ways():
    tp = torch.nn.Parameter(torch.randn(2, 3))
    frozen = torch.nn.Parameter(torch.randn(2), requires_grad=False)
    leaf = torch.randn(3, requires_grad=True)
    ours = rg.load(_buf(torch.save, (tp, frozen, leaf, torch.ones(2))))
    assert isinstance(ours[0], rg.nn.Parameter) and ours[0].requires_grad
    assert isinstance(ours[1], rg.nn.Parameter) and not ours[1].requires_grad
    assert type(ours[2]) is rg.Tensor and ours[2].requires_grad and ours[2].is_leaf
    assert not ours[3].requires_grad
    assert_close(ours[0], tp)
    back = torch.load(_buf(rg.save, ours), weights_only=True)
    assert isinstance(back[0], torch.nn.Parameter) and back[0].requires_grad
    assert isinstance(back[1], torch.nn.Parameter) and not back[1].requires_grad
    assert type(back[2]) is torch.Tensor and back[2].requires_grad
    torch.testing.assert_close(back[0], tp)


def test_non_leaf_tensor_saves_as_a_leaf_requiring_grad_like_torch():
    x = rg.randn(3, requires_grad=True)
    y = x * 2
    ours = rg.load(_buf(rg.save, y))
    theirs = torch.load(_buf(torch.save, to_torch(x) * 2), weights_only=True)
    assert ours.is_leaf and ours.requires_grad == theirs.requires_grad


def test_nested_python_objects_round_trip_and_match_torch():
    obj = {
        "ints": [1, -2, 2**40], "floats": (0.5, float("inf")), "str": "héllo", "none": None,
        "flags": [True, False], "bytes": b"\x00\xff", "set": {1, 2}, "complex": 1 + 2j,
        "od": collections.OrderedDict([("b", 1), ("a", 2)]), "nested": {"deep": [[{}], ()]},
        "dtype": rg.float16, "size": rg.Size([2, 3]), "device": rg.device("cpu"),
    }  # fmt: skip
    ours = rg.load(_buf(rg.save, obj))
    assert ours == obj
    assert list(ours["od"]) == ["b", "a"] and type(ours["od"]) is collections.OrderedDict
    theirs = torch.load(_buf(rg.save, obj), weights_only=True)
    assert theirs["dtype"] is torch.float16 and theirs["size"] == torch.Size([2, 3])
    assert theirs["device"] == torch.device("cpu")
    plain = {k: v for k, v in obj.items() if k not in ("dtype", "size", "device")}
    assert {k: theirs[k] for k in plain} == plain
    back = rg.load(_buf(torch.save, {"dtype": torch.bfloat16, "size": torch.Size([4])}))
    assert back["dtype"] is rg.bfloat16 and isinstance(back["size"], rg.Size)


# ------------------------------------------------------------------ modules and optimizers
def _torch_net() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))


def _rg_net() -> rg.nn.Module:
    return rg.nn.Sequential(rg.nn.Linear(4, 8), rg.nn.ReLU(), rg.nn.Linear(8, 3))


def test_torch_state_dict_loads_into_retrograd_module(tmp_path):
    tnet = _torch_net()
    torch.save(tnet.state_dict(), tmp_path / "net.pt")
    net = _rg_net()
    sd = rg.load(tmp_path / "net.pt")
    assert type(sd) is collections.OrderedDict and list(sd) == list(tnet.state_dict())
    net.load_state_dict(sd)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    assert_close(net(rg.from_numpy(x)), tnet(torch.from_numpy(x)))


def test_retrograd_state_dict_loads_into_torch_module(tmp_path):
    net = _rg_net()
    rg.save(net.state_dict(), str(tmp_path / "net.pt"))
    tnet = _torch_net()
    tnet.load_state_dict(torch.load(tmp_path / "net.pt", weights_only=True))
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    assert_close(net(rg.from_numpy(x)), tnet(torch.from_numpy(x)))


def _train(net, opt, lib, x, y, steps):
    for _ in range(steps):
        opt.zero_grad()
        ((net(lib.from_numpy(x)) - lib.from_numpy(y)) ** 2).mean().backward()
        opt.step()


@pytest.mark.parametrize("direction", ["rg_to_torch", "torch_to_rg"])
def test_optimizer_state_dict_resumes_training_identically(direction):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, 4)).astype(np.float32)
    y = rng.standard_normal((6, 3)).astype(np.float32)
    tnet = _torch_net()
    net = _rg_net()
    net.load_state_dict(rg.load(_buf(torch.save, tnet.state_dict())))
    topt = torch.optim.Adam(tnet.parameters(), lr=0.01, amsgrad=True)
    opt = rg.optim.Adam(net.parameters(), lr=0.01, amsgrad=True)
    if direction == "rg_to_torch":  # ours trains two steps; torch resumes from our file
        _train(net, opt, rg, x, y, 2)
        tnet.load_state_dict(torch.load(_buf(rg.save, net.state_dict()), weights_only=True))
        topt.load_state_dict(torch.load(_buf(rg.save, opt.state_dict()), weights_only=True))
    else:
        _train(tnet, topt, torch, x, y, 2)
        net.load_state_dict(rg.load(_buf(torch.save, tnet.state_dict())))
        opt.load_state_dict(rg.load(_buf(torch.save, topt.state_dict())))
    _train(net, opt, rg, x, y, 2)
    _train(tnet, topt, torch, x, y, 2)
    for p, tp in zip(net.parameters(), tnet.parameters()):
        assert_close(p, tp)
    assert_close(opt.state_dict()["state"][0]["exp_avg"], topt.state_dict()["state"][0]["exp_avg"])


# ------------------------------------------------------------------ files and paths
def test_path_archive_is_named_after_the_file_like_torch(tmp_path):
    rg.save({"w": rg.ones(2)}, tmp_path / "model.ckpt.pt")
    torch.save({"w": torch.ones(2)}, tmp_path / "torch.ckpt.pt")
    ours = zipfile.ZipFile(tmp_path / "model.ckpt.pt").namelist()
    theirs = zipfile.ZipFile(tmp_path / "torch.ckpt.pt").namelist()
    assert ours[0] == "model.ckpt/data.pkl"
    assert [n.split("/", 1)[1] for n in ours] == [n.split("/", 1)[1] for n in theirs]


def test_storage_records_are_64_byte_aligned_so_torch_can_mmap(tmp_path):
    rg.save({"a": rg.ones(3), "b": rg.zeros(5, dtype=rg.float64)}, tmp_path / "m.pt")
    with open(tmp_path / "m.pt", "rb") as fh:
        zf = zipfile.ZipFile(fh)
        for info in zf.infolist():
            assert serialization._data_offset(zf, info) % 64 == 0
    theirs = torch.load(tmp_path / "m.pt", weights_only=True, mmap=True)
    assert theirs["b"].dtype == torch.float64 and theirs["b"].sum() == 0


def test_mmap_load_gives_the_same_values(tmp_path):
    t = torch.randn(4, 5)
    torch.save({"t": t}, tmp_path / "m.pt")
    ours = rg.load(tmp_path / "m.pt", mmap=True)
    assert_close(ours["t"], t)
    with pytest.raises(ValueError, match="file path"):
        rg.load(_buf(torch.save, t), mmap=True)


def test_map_location_cpu_accepted_cuda_refused():
    b = _buf(rg.save, rg.ones(2))
    assert_close(rg.load(b, map_location="cpu"), torch.ones(2))
    b.seek(0)
    assert_close(rg.load(b, map_location={"cpu": "cpu"}), torch.ones(2))
    b.seek(0)
    with pytest.raises(RuntimeError, match="CPU only"):
        rg.load(b, map_location="cuda:0")


# ------------------------------------------------------------------ hostile and corrupt files
def _archive_with(pkl: bytes, extra: dict[str, bytes] | None = None) -> io.BytesIO:
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as zf:
        zf.writestr("archive/data.pkl", pkl)
        for k, v in (extra or {}).items():
            zf.writestr(f"archive/{k}", v)
    b.seek(0)
    return b


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


@pytest.mark.parametrize(
    "pkl, rejected",
    [
        (b"cos\nsystem\n(S'touch {marker}'\ntR.", "os.system"),
        (b'cbuiltins\neval\n(S\'open("{marker}", "w")\'\ntR.', "builtins.eval"),
        (b"csubprocess\ncall\n((S'touch'\nS'{marker}'\nltR.", "subprocess.call"),
    ],
)
def test_hostile_pickle_is_rejected_without_running(tmp_path, pkl, rejected):
    marker = tmp_path / "pwned"
    b = _archive_with(pkl.replace(b"{marker}", str(marker).encode()))
    with pytest.raises(pickle.UnpicklingError, match=f"Unsupported global: GLOBAL {rejected}"):
        rg.load(b)
    assert not marker.exists()


def test_hostile_object_pickled_normally_is_rejected_and_named():
    b = _archive_with(pickle.dumps({"w": _Evil()}, protocol=2))
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL (posix|os|nt)\.system"):
        rg.load(b)


def test_weights_only_false_loads_plain_python_objects():
    b = _archive_with(pickle.dumps({"w": collections.deque([1, 2])}, protocol=2))
    with pytest.raises(pickle.UnpicklingError, match="collections.deque"):
        rg.load(b)
    b.seek(0)
    assert rg.load(b, weights_only=False) == {"w": collections.deque([1, 2])}


def test_not_a_checkpoint_names_the_file(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_bytes(b"just some text, not a checkpoint at all")
    with pytest.raises(RuntimeError, match="notes.txt is not a PyTorch/retrograd zip"):
        rg.load(p)
    legacy = tmp_path / "old.pt"
    legacy.write_bytes(pickle.dumps({"a": 1}, protocol=2))
    with pytest.raises(RuntimeError, match="legacy"):
        rg.load(legacy)


def test_truncated_file_is_refused(tmp_path):
    p = tmp_path / "t.pt"
    rg.save({"w": rg.randn(50)}, p)
    data = p.read_bytes()
    for cut in (len(data) // 2, len(data) - 10):
        p.write_bytes(data[:cut])
        with pytest.raises(RuntimeError, match="t.pt"):
            rg.load(p)


def test_flipped_byte_in_a_storage_is_caught_by_the_crc():
    b = _buf(rg.save, rg.zeros(64))
    data = bytearray(b.getvalue())
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    off = serialization._data_offset(zf, zf.getinfo("archive/data/0"))
    data[off + 5] ^= 0xFF
    with pytest.raises(RuntimeError, match="corrupt"):
        rg.load(io.BytesIO(bytes(data)))


def test_missing_storage_record_and_wrong_storage_size():
    pkl = zipfile.ZipFile(_buf(rg.save, rg.ones(4))).read("archive/data.pkl")
    with pytest.raises(RuntimeError, match="missing record archive/data/0"):
        rg.load(_archive_with(pkl))
    with pytest.raises(RuntimeError, match="holds 8 bytes"):
        rg.load(_archive_with(pkl, {"data/0": b"\0" * 8}))


def test_geometry_outside_the_storage_is_refused():
    # a tensor of 4 elements claiming 100: must not read memory past the storage
    pkl = zipfile.ZipFile(_buf(rg.save, rg.ones(4))).read("archive/data.pkl")
    bad = pkl.replace(b"K\x04\x85", b"Kd\x85")  # size (4,) -> (100,)
    assert bad != pkl
    with pytest.raises(pickle.UnpicklingError, match="reaches element"):
        rg.load(_archive_with(bad, {"data/0": np.ones(4, np.float32).tobytes()}))


# ------------------------------------------------------------------ atomic writes
def test_failure_mid_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    p = tmp_path / "ckpt.pt"
    rg.save({"v": rg.ones(3)}, p)
    before = p.read_bytes()

    def crash(fh, *args):
        fh.write(b"PK partial garbage")
        raise OSError("disk full")

    monkeypatch.setattr(serialization, "_write_archive", crash)
    with pytest.raises(OSError, match="disk full"):
        rg.save({"v": rg.zeros(3)}, p)
    assert p.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["ckpt.pt"]
    monkeypatch.undo()
    assert_close(rg.load(p)["v"], torch.ones(3))


def test_failure_in_the_final_rename_leaves_the_old_file(tmp_path, monkeypatch):
    p = tmp_path / "ckpt.pt"
    rg.save([1, 2], p)

    def no_replace(src, dst):
        raise OSError("rename failed")

    monkeypatch.setattr(serialization.os, "replace", no_replace)
    with pytest.raises(OSError, match="rename failed"):
        rg.save([3, 4], p)
    monkeypatch.undo()
    assert rg.load(p) == [1, 2]
    assert sorted(os.listdir(tmp_path)) == ["ckpt.pt"]


def test_unpicklable_object_writes_nothing(tmp_path):
    p = tmp_path / "ckpt.pt"
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        rg.save({"f": lambda: 1}, p)
    assert not p.exists() and os.listdir(tmp_path) == []


def test_save_to_an_unseekable_stream():
    class Sink(io.RawIOBase):
        def __init__(self):
            self.parts: list[bytes] = []

        def writable(self):
            return True

        def write(self, b):
            self.parts.append(bytes(b))
            return len(b)

    sink = Sink()
    rg.save({"w": rg.arange(3.0)}, sink)
    theirs = torch.load(io.BytesIO(b"".join(sink.parts)), weights_only=True)
    torch.testing.assert_close(theirs["w"], torch.arange(3.0))


class RunConfig:  # a plain user class, pickled by reference to this module
    def __init__(self, lr: float, layers: list[int]) -> None:
        self.lr, self.layers = lr, layers

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RunConfig) and vars(self) == vars(other)


def test_user_class_needs_safe_globals_both_ways():
    cfg = RunConfig(0.1, [3, 4])
    name = f"{RunConfig.__module__}.RunConfig"
    for save_fn in (rg.save, torch.save):
        b = _buf(save_fn, {"config": cfg, "w": rg.ones(2) if save_fn is rg.save else torch.ones(2)})
        with pytest.raises(pickle.UnpicklingError, match=f"GLOBAL {name} was not an allowed"):
            rg.load(b)
        b.seek(0)
        with serialization.safe_globals([RunConfig]):
            assert serialization.get_safe_globals() == [RunConfig]
            assert rg.load(b)["config"] == cfg
        assert serialization.get_safe_globals() == []
        b.seek(0)
        with pytest.raises(pickle.UnpicklingError, match="add_safe_globals"):
            rg.load(b)
    with torch.serialization.safe_globals([RunConfig]):
        assert torch.load(_buf(rg.save, {"config": cfg}), weights_only=True)["config"] == cfg


def test_add_and_clear_safe_globals_by_explicit_name():
    b = _archive_with(b"cfake.module\nThing\n)R.")  # Thing() from a module that is not there
    serialization.add_safe_globals([(collections.Counter, "fake.module.Thing")])
    try:
        assert rg.load(b) == collections.Counter()
    finally:
        serialization.clear_safe_globals()
    b.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL fake.module.Thing"):
        rg.load(b)
