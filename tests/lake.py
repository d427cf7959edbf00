"""Small data files for tests: Parquet and CSV written with pyarrow and plain text."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def write_parquet(path: Path, rows: int = 3, extra: dict[str, list[object]] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, list[object]] = {
        "order_id": list(range(rows)),
        "amount": [1.5 * i for i in range(rows)],
    }
    data.update(extra or {})
    pq.write_table(pa.table(data), path)


def write_csv(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
