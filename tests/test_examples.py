"""Every script in examples/ runs, and prints the numbers the same script prints with
``import torch`` in place of ``import retrograd as torch``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

# train_digits.py draws random weights, dropout masks and shuffles, whose streams differ from
# PyTorch's: tests/test_train_digits.py checks it on its own terms.
EXAMPLES = sorted(p for p in (Path(__file__).parent.parent / "examples").glob("*.py")
                  if p.name != "train_digits.py")  # fmt: skip
NUMBER = re.compile(r"-?\d+\.\d*(?:e[-+]?\d+)?|-?\d+(?:e[-+]?\d+)?")


def _run(source: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", source], capture_output=True, text=True, timeout=300, check=False
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def _numbers(text: str) -> list[float]:
    # drop dtype names (float64...) and node names (AddBackward0...) before reading numbers
    text = re.sub(r"(retrograd|torch)\.\w+|\w+Backward\d*", "", text)
    return [float(x) for x in NUMBER.findall(text)]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_prints_pytorchs_numbers(path: Path) -> None:
    source = path.read_text()
    assert "import retrograd as torch" in source
    ours = _numbers(_run(source))
    theirs = _numbers(_run(source.replace("import retrograd as torch", "import torch")
                           .replace("retrograd.autograd", "torch.autograd")))  # fmt: skip
    assert ours, "the example printed no numbers"
    assert ours == pytest.approx(theirs, rel=1e-4, abs=1e-4)
