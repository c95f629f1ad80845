"""Op database entries for the reductions and scans of the full catalogue (see opinfo.py)."""

from __future__ import annotations

from opinfo import OpInfo

op_db_reduce: list[OpInfo] = []
