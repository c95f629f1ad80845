"""Op database entries for the linear algebra of the full catalogue (see opinfo.py)."""

from __future__ import annotations

from opinfo import OpInfo

op_db_linalg: list[OpInfo] = []
