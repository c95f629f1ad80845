"""Op database entries for the elementwise operations of the full catalogue (see opinfo.py)."""

from __future__ import annotations

from opinfo import OpInfo

op_db_elementwise: list[OpInfo] = []
