"""The main job, examples/train_digits.py: it trains both models past 97% test accuracy, its
checkpoints reload into fresh models (ours and PyTorch's) that score the same, and it runs
unchanged on PyTorch."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import retrograd

pytest.importorskip("sklearn", reason="the digits example needs scikit-learn (the test extra)")

SCRIPT = Path(__file__).parent.parent / "examples" / "train_digits.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("train_digits", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_digits"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script():
    return _load_script()


@pytest.fixture(scope="module")
def full_run(script, tmp_path_factory):
    out = tmp_path_factory.mktemp("digits")
    return out, script.main(["--out", str(out), "--no-progress"])


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_reaches_97_percent_and_reloads(full_run, kind):
    _, histories = full_run
    history = histories[kind]
    assert history["test_acc"][-1] >= 0.97
    assert history["reloaded_acc"] == history["test_acc"][-1]
    assert history["train_loss"][-1] < history["train_loss"][0] / 10


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_checkpoint_loads_into_pytorch(script, full_run, kind):
    """torch.load(weights_only=True) reads our checkpoint, and PyTorch's copy of the model
    computes the same logits as ours on the test images."""
    out, histories = full_run
    saved = torch.load(out / f"digits_{kind}.pt", weights_only=True)
    assert saved["epochs"] == 20 and saved["test_acc"] == histories[kind]["test_acc"][-1]
    ours = script.build_model(retrograd, kind)
    ours.load_state_dict(retrograd.load(out / f"digits_{kind}.pt")["model"])
    theirs = script.build_model(torch, kind)
    theirs.load_state_dict(saved["model"])
    ours.eval(), theirs.eval()
    _, x_test, _, _ = script.load_digits_split(0)
    images = x_test.reshape(-1, *((1,) if kind == "cnn" else ()), 8, 8)
    with retrograd.no_grad(), torch.no_grad():
        np.testing.assert_allclose(ours(retrograd.from_numpy(images)).numpy(),
                                   theirs(torch.from_numpy(images)).numpy(),
                                   rtol=1e-5, atol=1e-5)  # fmt: skip
    assert set(saved["optimizer"]["state"]) == set(range(len(list(theirs.parameters()))))


def test_same_script_runs_on_pytorch(script, tmp_path, capsys):
    histories = script.main(["--library", "torch", "--epochs", "2", "--out", str(tmp_path),
                             "--no-progress"])  # fmt: skip
    assert set(histories) == {"mlp", "cnn"}
    assert "cnn epoch  2" in capsys.readouterr().out
