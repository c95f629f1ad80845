"""retrograd._malloc: glibc's malloc keeps training-step arrays mapped, unless told not to."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from retrograd import _malloc

GLIBC = hasattr(os, "confstr") and (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")


def _tune(env_value: str | None) -> int:
    env = {k: v for k, v in os.environ.items() if k != "RETROGRAD_MALLOC_TRIM"}
    if env_value is not None:
        env["RETROGRAD_MALLOC_TRIM"] = env_value
    code = "from retrograd._malloc import tune_malloc; print(tune_malloc())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)  # fmt: skip
    return int(out.stdout)


@pytest.mark.skipif(not GLIBC, reason="the tuning applies to glibc's malloc only")
def test_default_and_explicit_trim_thresholds_are_applied():
    assert _tune(None) == _malloc.DEFAULT_TRIM
    assert _tune(str(8 << 20)) == 8 << 20


@pytest.mark.parametrize("value", ["0", "-5", "lots"])
def test_zero_negative_or_garbage_leaves_malloc_alone(value):
    assert _tune(value) == 0
