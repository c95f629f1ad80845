"""SummaryWriter against torch.utils.tensorboard: the same calls write the same events
(read back with tensorboard's own loader), the same run directories, and a clear
ImportError without the tensorboard package."""

from __future__ import annotations

import importlib
import os
import re
import sys

import numpy as np
import pytest

import retrograd as rg

tb = pytest.importorskip("tensorboard")
import torch  # noqa: E402
from tensorboard.backend.event_processing.event_accumulator import (  # noqa: E402
    EventAccumulator,
)
from tensorboard.backend.event_processing.event_file_loader import (  # noqa: E402
    LegacyEventFileLoader,
)
from torch.utils.tensorboard import SummaryWriter as TorchWriter  # noqa: E402

from retrograd.utils.tensorboard import SummaryWriter  # noqa: E402

WALL = 1_700_000_000.5


def _events(run_dir) -> list:
    """Every event in the run directory's event files, file-version records dropped (their
    wall time is the moment the file was opened)."""
    files = sorted(f for f in os.listdir(run_dir) if f.startswith("events.out.tfevents"))
    events = []
    for f in files:
        events += [e for e in LegacyEventFileLoader(os.path.join(run_dir, f)).Load()
                   if not e.HasField("file_version")]  # fmt: skip
    return events


def _log_everything(writer, lib, values):
    for step in range(3):
        writer.add_scalar("loss/train", lib.tensor(1.0 / (step + 1)), step, walltime=WALL)
        writer.add_scalar("lr", 0.1 * step, step, walltime=WALL)
    writer.add_scalar("new", 2.5, 7, walltime=WALL, new_style=True)
    writer.add_scalar("new64", 2.5, 7, walltime=WALL, new_style=True, double_precision=True)
    writer.add_histogram("weights", lib.tensor(values), 3, walltime=WALL)
    writer.add_histogram("coarse", lib.tensor(values), 3, bins=5, walltime=WALL, max_bins=3)
    writer.add_histogram("np", values, 4, bins="auto", walltime=WALL)
    writer.add_text("notes", "**step** one", 1, walltime=WALL)


def test_events_equal_torchs_for_the_same_calls(tmp_path):
    values = np.random.default_rng(0).standard_normal(200)
    with SummaryWriter(tmp_path / "ours") as ours:
        _log_everything(ours, rg, values)
    with TorchWriter(tmp_path / "theirs") as theirs:
        _log_everything(theirs, torch, values)
    mine, ref = _events(tmp_path / "ours"), _events(tmp_path / "theirs")
    assert len(mine) == len(ref) == 12
    for a, b in zip(mine, ref, strict=True):
        assert a == b


def test_scalars_read_back_with_event_accumulator(tmp_path):
    w = SummaryWriter(str(tmp_path))
    for step, v in enumerate([3.0, 2.0, 1.5]):
        w.add_scalar("loss", v, step)
    w.flush()
    acc = EventAccumulator(str(tmp_path))
    acc.Reload()
    assert acc.Tags()["scalars"] == ["loss"]
    got = [(e.step, e.value) for e in acc.Scalars("loss")]
    assert got == [(0, 3.0), (1, 2.0), (2, 1.5)]
    w.close()


def test_add_scalars_makes_torchs_run_directories(tmp_path):
    for lib_writer, name in ((SummaryWriter, "ours"), (TorchWriter, "theirs")):
        with lib_writer(tmp_path / name) as w:
            w.add_scalars("run/loss", {"train": 1.0, "val": 2.0}, 0, walltime=WALL)
            w.add_scalars("run/loss", {"train": 0.5, "val": 1.5}, 1, walltime=WALL)

    def runs(d):
        return sorted(f for f in os.listdir(d) if os.path.isdir(d / f))

    assert (
        runs(tmp_path / "ours") == runs(tmp_path / "theirs") == ["run_loss_train", "run_loss_val"]
    )
    for sub in ("run_loss_train", "run_loss_val"):
        assert _events(tmp_path / "ours" / sub) == _events(tmp_path / "theirs" / sub)


def test_hparams_events_equal_torchs(tmp_path):
    hp = {"lr": 0.01, "opt": "adam", "bn": True, "layers": 3, "skip": None}
    metrics = {"hparam/accuracy": 0.9}
    discrete = {"opt": ["adam", "sgd"], "layers": [2, 3]}
    for lib_writer, name in ((SummaryWriter, "ours"), (TorchWriter, "theirs")):
        with lib_writer(tmp_path / name) as w:
            w.add_hparams(hp, metrics, discrete, run_name="trial", global_step=5)
    mine, ref = _events(tmp_path / "ours" / "trial"), _events(tmp_path / "theirs" / "trial")
    assert len(mine) == len(ref) == 4
    for a, b in zip(mine, ref, strict=True):
        a.wall_time = b.wall_time = 0.0
        assert a == b


def test_image_events_equal_torchs(tmp_path):
    pytest.importorskip("PIL")
    img = np.random.default_rng(1).random((3, 6, 5)).astype(np.float32)
    grid = np.random.default_rng(2).random((3, 1, 4, 4)).astype(np.float32)
    u8 = (img * 255).astype(np.uint8).transpose(1, 2, 0)
    for lib, lib_writer, name in ((rg, SummaryWriter, "ours"), (torch, TorchWriter, "theirs")):
        with lib_writer(tmp_path / name) as w:
            w.add_image("chw", lib.tensor(img), 0, walltime=WALL)
            w.add_image("grid", lib.tensor(grid), 0, walltime=WALL, dataformats="NCHW")
            w.add_image("hwc", u8, 0, walltime=WALL, dataformats="HWC")
            w.add_image("hw", lib.tensor(img[0]), 0, walltime=WALL, dataformats="HW")
    assert _events(tmp_path / "ours") == _events(tmp_path / "theirs")


def test_purge_step_writes_torchs_restart_events(tmp_path):
    for lib_writer, name in ((SummaryWriter, "ours"), (TorchWriter, "theirs")):
        with lib_writer(tmp_path / name, purge_step=4) as w:
            w.add_scalar("x", 1.0, 4, walltime=WALL)
    mine, ref = _events(tmp_path / "ours"), _events(tmp_path / "theirs")
    assert [e.step for e in mine] == [e.step for e in ref] == [4, 4]
    assert mine[0].session_log == ref[0].session_log and mine[1] == ref[1]


def test_default_log_dir_follows_torchs_pattern(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ours = SummaryWriter(comment="_lr0.1")
    theirs = TorchWriter(comment="_lr0.1")
    ours.close()
    theirs.close()
    pattern = r"runs[/\\][A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}_.+_lr0\.1"
    assert re.fullmatch(pattern, ours.log_dir) and re.fullmatch(pattern, theirs.log_dir)
    assert ours.log_dir.split("_", 2)[2] == theirs.log_dir.split("_", 2)[2]  # host + comment
    assert ours.get_logdir() == ours.log_dir and os.path.isdir(ours.log_dir)


def test_writing_after_close_opens_a_new_event_file(tmp_path):
    w = SummaryWriter(tmp_path, filename_suffix=".rg")
    w.add_scalar("a", 1.0, 0)
    w.close()
    w.add_scalar("a", 2.0, 1)
    w.close()
    files = [f for f in os.listdir(tmp_path) if f.endswith(".rg")]
    assert len(files) == 2
    assert [e.summary.value[0].simple_value for e in _events(tmp_path)] == [1.0, 2.0]


def test_bad_values_raise_like_torch(tmp_path):
    with SummaryWriter(tmp_path / "o") as ours, TorchWriter(tmp_path / "t") as theirs:
        for w, lib in ((ours, rg), (theirs, torch)):
            with pytest.raises(AssertionError, match="Tensor should contain one element"):
                w.add_scalar("bad", lib.ones(3))
            with pytest.raises(ValueError, match="The input has no element."):
                w.add_histogram("empty", lib.ones(0))
            with pytest.raises(TypeError, match="should be dictionary"):
                w.add_hparams([1], {})
            with pytest.raises(ValueError, match="value should be one of int, float, str"):
                w.add_hparams({"a": [1]}, {})


def test_missing_tensorboard_is_a_clear_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboard", None)
    for name in [m for m in sys.modules if m.startswith("retrograd.utils.tensorboard")]:
        monkeypatch.delitem(sys.modules, name)
    with pytest.raises(ImportError, match="pip install tensorboard"):
        importlib.import_module("retrograd.utils.tensorboard")
