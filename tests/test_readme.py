"""README's table of supported operations is the one the op database generates."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_op_table_in_readme_is_current() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "op_table.py")],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    assert out.stdout.strip() in (ROOT / "README.md").read_text(), (
        "README's op table is stale: run python tools/op_table.py --write"
    )
