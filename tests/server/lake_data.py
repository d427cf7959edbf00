"""Small data sets for the server and browser tests: files to crawl and a database to crawl."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

DAYS = ["2024-01-01", "2024-01-02", "2024-01-03"]


def write_lake(root: Path) -> Path:
    """Parquet orders partitioned by day, people as CSV with a header, events as JSON lines."""
    for i, day in enumerate(DAYS):
        folder = root / "orders" / f"dt={day}"
        folder.mkdir(parents=True)
        table = pa.table(
            {
                "order_id": [10 * i + 1, 10 * i + 2],
                "customer": ["ana", "bo"],
                "amount": [9.5 + i, 20.0],
            }
        )
        pq.write_table(table, folder / "part-0.parquet")
    people = root / "people"
    people.mkdir()
    (people / "people.csv").write_text("name,age\nana,31\nbo,42\ncy,25\n")
    events = root / "events"
    events.mkdir()
    lines = [json.dumps({"id": i, "kind": "click", "tags": ["a"]}) for i in range(4)]
    (events / "events.json").write_text("\n".join(lines) + "\n")
    return root


def write_source_database(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, city TEXT)")
        conn.executemany(
            "INSERT INTO customers VALUES (?, ?, ?)",
            [(1, "ana", "Lisbon"), (2, "bo", "Oslo"), (3, "cy", "Rome")],
        )
    return f"sqlite:///{path}"
