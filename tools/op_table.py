"""Generate README's table of supported differentiable operations from the op database.

    python tools/op_table.py          # print the table
    python tools/op_table.py --write  # replace the table in README.md

tests/test_readme.py fails when README's table is not what this prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

START, END = "<!-- op-table:start -->", "<!-- op-table:end -->"
AREAS = {  # op database file -> README row title
    "opinfo": "Foundation (arithmetic, activations, reductions, shapes, indexing)",
    "opinfo_elementwise": "Elementwise",
    "opinfo_reduce": "Reductions and scans",
    "opinfo_linalg": "Linear algebra",
    "opinfo_shape": "Shape, indexing and construction",
    "opinfo_nn": "Neural-network functions at top level (as `torch.conv2d`...)",
}


def table() -> str:
    import opinfo  # noqa: PLC0415  (tests/ is on the path only here)

    by_area: dict[str, list[opinfo.OpInfo]] = {a: [] for a in AREAS}
    sources = {id(op): "opinfo" for op in opinfo.op_db}
    for area in list(AREAS)[1:]:
        for op in getattr(__import__(area), f"op_db_{area.removeprefix('opinfo_')}"):
            sources[id(op)] = area
    for op in opinfo.op_db:
        by_area[sources[id(op)]].append(op)
    rows = [
        "| area | operations (functions, methods, operators) | tested dtypes "
        "| not compared with PyTorch |",
        "|---|---|---|---|",
    ]
    for area, ops in by_area.items():
        names = sorted({c for op in ops for c in op.covers})
        dtypes = sorted({str(d) for op in ops for d in op.dtypes})
        gaps = []
        nograd = sorted(op.name for op in ops if not op.grad)
        if nograd:  # PyTorch defines no derivative for these either
            gaps.append(f"no derivative (as PyTorch): {', '.join(nograd)}")
        for label, flag in (("2nd order", "gradgrad"), ("forward mode", "fwgrad")):
            missing = sorted(op.name for op in ops if op.grad and not getattr(op, flag))
            if missing:
                gaps.append(f"{label}: {', '.join(missing)}")
            by_fd = sorted(op.name for op in ops if flag in op.pytorch_lacks)
            if by_fd:
                gaps.append(
                    f"{label} vs finite differences only (PyTorch has none usable): "
                    f"{', '.join(by_fd)}"
                )
        rows.append(
            f"| {AREAS[area]} ({len(names)}) | {', '.join(f'`{n}`' for n in names)} | "
            f"{', '.join(dtypes)} | {'; '.join(gaps) or '-'} |"
        )
    return "\n".join(rows)


def block() -> str:
    return f"{START}\n{table()}\n{END}"


def main() -> None:
    if "--write" in sys.argv:
        readme = ROOT / "README.md"
        text = readme.read_text()
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        readme.write_text(head + block() + tail)
    else:
        print(block())


if __name__ == "__main__":
    main()
