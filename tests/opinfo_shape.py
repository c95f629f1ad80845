"""Op database entries for shape, indexing and construction ops (see opinfo.py)."""

from __future__ import annotations

from opinfo import OpInfo

op_db_shape: list[OpInfo] = []
