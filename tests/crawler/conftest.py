"""A small generated data lake: Hive-partitioned parquet, CSV and JSON tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.lake import write_csv, write_parquet


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    root = tmp_path / "lake"
    for day in ("2024-01-01", "2024-01-02", "2024-01-03"):
        for part in range(2):
            write_parquet(root / "orders" / f"dt={day}" / f"part-{part}.parquet")
    write_csv(
        root / "customers" / "customers.csv",
        ["id,name,since", "1,ana,2020-01-01", "2,bo,2021-05-06"],
    )
    events = root / "events"
    events.mkdir(parents=True)
    (events / "e1.json").write_text(
        "\n".join(json.dumps({"id": i, "kind": "click", "meta": {"x": i}}) for i in range(5))
    )
    (events / "_SUCCESS").write_text("")
    return root
