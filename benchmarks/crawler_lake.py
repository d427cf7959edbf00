"""The synthetic data lake that ``crawler_bench.py`` crawls: Hive-partitioned Parquet tables plus a
CSV and a JSON-lines table, generated deterministically and reusable between runs.

Layout (``parquet_files`` = tables x partitions x files per partition)::

    ROOT/lake.json                                  what was generated (checked before reuse)
    ROOT/data/orders/dt=2024-01-01/hour=00/part-00000.parquet
    ROOT/data/{orders,clicks,sessions,payments}/... 4 Parquet tables, distinct schemas
    ROOT/data/logs_csv/dt=2024-01-01/part-00000.csv  CSV with a header row
    ROOT/data/events_json/dt=2024-01-01/part-00000.json  JSON lines

Each Parquet file holds 20 to 1,019 rows (the count varies from file to file, as in a real lake,
so footers and per-file record counts differ). A table has at most 1,000 distinct payloads, each
written with pyarrow once and copied byte for byte to the files that share its row count:
generating 100,000 files takes about a minute, and a crawler still has to open each file
and read its footer.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

PARQUET_TABLES = ("orders", "clicks", "sessions", "payments")
CSV_TABLE = "logs_csv"
JSON_TABLE = "events_json"
FILES_PER_PARTITION = 10
PARQUET_VARIANTS = 1000  # distinct payloads (row counts 20..1019) per Parquet table
TEXT_VARIANTS = 50  # distinct payloads per text table
ADDED_MARK = "bench-added"  # files the incremental step adds; removed afterwards
FIRST_DAY = date(2024, 1, 1)
NEW_DAY = date(2099, 1, 1)  # new partitions added by the incremental step start here
LAYOUT_VERSION = 2


@dataclass(frozen=True)
class LakeSpec:
    parquet_partitions: int  # per Parquet table
    text_partitions: int  # per text table (CSV, JSON)
    files_per_partition: int = FILES_PER_PARTITION
    version: int = LAYOUT_VERSION

    @classmethod
    def for_files(cls, parquet_files: int, text_files: int) -> LakeSpec:
        per_table = len(PARQUET_TABLES) * FILES_PER_PARTITION
        return cls(
            parquet_partitions=max(1, round(parquet_files / per_table)),
            text_partitions=max(1, round(text_files / 2 / FILES_PER_PARTITION)),
        )

    @property
    def parquet_files(self) -> int:
        return len(PARQUET_TABLES) * self.parquet_partitions * self.files_per_partition

    @property
    def text_files(self) -> int:
        return 2 * self.text_partitions * self.files_per_partition

    @property
    def total_files(self) -> int:
        return self.parquet_files + self.text_files

    @property
    def total_partitions(self) -> int:
        return len(PARQUET_TABLES) * self.parquet_partitions + 2 * self.text_partitions


def hour_partition(i: int, first: date = FIRST_DAY) -> tuple[str, str]:
    """The i-th (dt, hour) partition: 24 hours a day, days from ``first``."""
    day = first + timedelta(days=i // 24)
    return f"dt={day.isoformat()}", f"hour={i % 24:02d}"


def day_partition(i: int) -> str:
    return f"dt={(FIRST_DAY + timedelta(days=i)).isoformat()}"


# -- payloads


def _parquet_base(table: str) -> Any:
    """A table's rows; each payload is a slice of them."""
    import pyarrow as pa

    rng = random.Random(table)
    n = 27 + PARQUET_VARIANTS  # slices start at 0-6
    base = datetime(2024, 1, 1)
    if table == "orders":
        data = pa.table(
            {
                "order_id": pa.array([rng.randrange(10**12) for _ in range(n)], pa.int64()),
                "customer_id": pa.array([rng.randrange(10**6) for _ in range(n)], pa.int64()),
                "amount": pa.array([round(rng.uniform(1, 500), 2) for _ in range(n)]),
                "currency": pa.array([rng.choice(["EUR", "USD", "GBP"]) for _ in range(n)]),
                "status": pa.array([rng.choice(["new", "paid", "shipped"]) for _ in range(n)]),
                "created_at": pa.array(
                    [base + timedelta(seconds=rng.randrange(86400)) for _ in range(n)],
                    pa.timestamp("us"),
                ),
            }
        )
    elif table == "clicks":
        data = pa.table(
            {
                "click_id": pa.array([f"c{rng.randrange(10**9)}" for _ in range(n)]),
                "url": pa.array([f"/page/{rng.randrange(500)}" for _ in range(n)]),
                "referrer": pa.array([rng.choice(["", "google", "mail"]) for _ in range(n)]),
                "user_agent": pa.array([rng.choice(["firefox", "chrome"]) for _ in range(n)]),
                "x": pa.array([rng.randrange(1920) for _ in range(n)], pa.int32()),
                "y": pa.array([rng.randrange(1080) for _ in range(n)], pa.int32()),
                "clicked_at": pa.array(
                    [base + timedelta(seconds=rng.randrange(86400)) for _ in range(n)],
                    pa.timestamp("ms"),
                ),
            }
        )
    elif table == "sessions":
        data = pa.table(
            {
                "session_id": pa.array([f"s{rng.randrange(10**9)}" for _ in range(n)]),
                "user_id": pa.array([rng.randrange(10**6) for _ in range(n)], pa.int64()),
                "duration_s": pa.array([rng.uniform(0, 3600) for _ in range(n)], pa.float32()),
                "pages": pa.array([rng.randrange(1, 50) for _ in range(n)], pa.int32()),
                "device": pa.array(
                    [{"os": rng.choice(["ios", "android"]), "version": "1.2"} for _ in range(n)]
                ),
                "tags": pa.array([[rng.choice("abc")] * rng.randrange(3) for _ in range(n)]),
            }
        )
    else:
        data = pa.table(
            {
                "payment_id": pa.array([rng.randrange(10**12) for _ in range(n)], pa.int64()),
                "order_ref": pa.array([rng.randrange(10**12) for _ in range(n)], pa.int64()),
                "method": pa.array([rng.choice(["card", "sepa", "paypal"]) for _ in range(n)]),
                "card_last4": pa.array([f"{rng.randrange(10000):04d}" for _ in range(n)]),
                "amount_cents": pa.array([rng.randrange(100, 99999) for _ in range(n)], pa.int64()),
                "paid_on": pa.array(
                    [date(2024, 1, 1) + timedelta(days=rng.randrange(365)) for _ in range(n)]
                ),
                "fraud_score": pa.array(
                    [Decimal(rng.randrange(10**6)) / 10000 for _ in range(n)], pa.decimal128(9, 4)
                ),
            }
        )
    return data


def _csv_payload(variant: int) -> bytes:
    rng = random.Random(f"csv-{variant}")
    lines = ["ts,level,service,latency_ms,message"]
    for _ in range(100 + 9 * variant):
        lines.append(
            f"2024-01-01 {rng.randrange(24):02d}:{rng.randrange(60):02d}:00,"
            f"{rng.choice(['INFO', 'WARN', 'ERROR'])},svc{rng.randrange(20)},"
            f"{rng.randrange(2000)},request {rng.randrange(10**6)} handled"
        )
    return ("\n".join(lines) + "\n").encode()


def _json_payload(variant: int) -> bytes:
    rng = random.Random(f"json-{variant}")
    lines = []
    for _ in range(60 + 5 * variant):
        record = {
            "event": rng.choice(["view", "add_to_cart", "purchase"]),
            "user": rng.randrange(10**6),
            "value": round(rng.uniform(0, 100), 2),
            "props": {"campaign": f"cmp{rng.randrange(9)}", "mobile": rng.random() < 0.5},
        }
        lines.append(json.dumps(record))
    return ("\n".join(lines) + "\n").encode()


class Payloads:
    """File contents by (table, file number): the number picks a row count, spread evenly."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], bytes] = {}
        self._bases: dict[str, Any] = {}

    def get(self, table: str, number: int) -> bytes:
        text = table in (CSV_TABLE, JSON_TABLE)
        variants = TEXT_VARIANTS if text else PARQUET_VARIANTS
        key = (table, (number * 7919 + len(table) * 104729) % variants)
        if key not in self._cache:
            if table == CSV_TABLE:
                self._cache[key] = _csv_payload(key[1])
            elif table == JSON_TABLE:
                self._cache[key] = _json_payload(key[1])
            else:
                import pyarrow.parquet as pq

                if table not in self._bases:
                    self._bases[table] = _parquet_base(table)
                sink = io.BytesIO()
                pq.write_table(self._bases[table].slice(key[1] % 7, 20 + key[1]), sink)
                self._cache[key] = sink.getvalue()
        return self._cache[key]


def extension(table: str) -> str:
    return {CSV_TABLE: "csv", JSON_TABLE: "json"}.get(table, "parquet")


# -- the lake


@dataclass(frozen=True)
class Lake:
    root: Path  # the folder holding lake.json and data/
    spec: LakeSpec

    @property
    def data(self) -> Path:
        return self.root / "data"

    def table_root(self, table: str) -> Path:
        return self.data / table

    @property
    def parquet_roots(self) -> list[Path]:
        return [self.table_root(t) for t in PARQUET_TABLES]


def _write_partition(folder: Path, table: str, first: int, count: int, payloads: Payloads) -> None:
    """``count`` files, numbered from ``first`` within their table."""
    folder.mkdir(parents=True, exist_ok=True)
    ext = extension(table)
    for j in range(count):
        (folder / f"part-{j:05d}.{ext}").write_bytes(payloads.get(table, first + j))


def ensure_lake(
    root: Path, spec: LakeSpec, log: Callable[[str], None] = print
) -> tuple[Lake, bool]:
    """The lake at ``root``: reused if ``lake.json`` says it has ``spec``, else (re)generated.
    Returns the lake and whether it was generated now."""
    manifest = root / "lake.json"
    lake = Lake(root, spec)
    if manifest.exists():
        try:
            complete = json.loads(manifest.read_text()) == asdict(spec)
        except ValueError:
            complete = False
        if complete:
            remove_added(lake)
            return lake, False
    if lake.data.exists():
        shutil.rmtree(lake.data)
    manifest.unlink(missing_ok=True)
    root.mkdir(parents=True, exist_ok=True)
    log(f"generating a lake of {spec.total_files:,} files in {root}")
    payloads = Payloads()
    n = spec.files_per_partition
    for table in PARQUET_TABLES:
        for i in range(spec.parquet_partitions):
            dt, hour = hour_partition(i)
            _write_partition(lake.table_root(table) / dt / hour, table, i * n, n, payloads)
    for table in (CSV_TABLE, JSON_TABLE):
        for i in range(spec.text_partitions):
            _write_partition(lake.table_root(table) / day_partition(i), table, i * n, n, payloads)
    (lake.data / "_SUCCESS").write_bytes(b"")  # a marker file, skipped by every side
    manifest.write_text(json.dumps(asdict(spec)))  # written last: a half-made lake is redone
    return lake, True


@dataclass
class Added:
    files: int = 0
    into_existing: int = 0  # files added to partitions that already had files
    new_partitions: int = 0


def add_files(lake: Lake, round_no: int, fraction: float = 0.01) -> Added:
    """Add ``fraction`` of the lake's file count as new Parquet files: half in existing partitions,
    half in new partitions (of ``files_per_partition`` files each). Different files each round."""
    spec = lake.spec
    total = max(2 * len(PARQUET_TABLES), round(spec.total_files * fraction))
    per_partition = spec.files_per_partition
    new_partitions = max(len(PARQUET_TABLES), round(total / 2 / per_partition))
    into_existing = max(len(PARQUET_TABLES), total - new_partitions * per_partition)
    payloads = Payloads()
    rng = random.Random(f"add-{round_no}")
    added = Added()
    for k in range(into_existing):
        table = PARQUET_TABLES[k % len(PARQUET_TABLES)]
        dt, hour = hour_partition(rng.randrange(spec.parquet_partitions))
        folder = lake.table_root(table) / dt / hour
        path = folder / f"part-{ADDED_MARK}-{round_no:03d}-{k:05d}.parquet"
        path.write_bytes(payloads.get(table, round_no * 100_003 + k))
        added.files += 1
        added.into_existing += 1
    for k in range(new_partitions):
        table = PARQUET_TABLES[k % len(PARQUET_TABLES)]
        index = round_no * 10_000 + k // len(PARQUET_TABLES)
        dt, hour = hour_partition(index, NEW_DAY)
        folder = lake.table_root(table) / dt / hour
        folder.mkdir(parents=True, exist_ok=True)
        for j in range(per_partition):
            path = folder / f"part-{ADDED_MARK}-{round_no:03d}-{j:05d}.parquet"
            path.write_bytes(
                payloads.get(table, round_no * 100_003 + 50_000 + k * per_partition + j)
            )
            added.files += 1
        added.new_partitions += 1
    return added


def remove_added(lake: Lake) -> int:
    """Remove what ``add_files`` added (and folders left empty): the lake is as generated."""
    removed = 0
    for table in PARQUET_TABLES:
        top = lake.table_root(table)
        if not top.exists():
            continue
        for dirpath, _dirs, files in os.walk(top, topdown=False):
            for name in files:
                if ADDED_MARK in name:
                    os.unlink(os.path.join(dirpath, name))
                    removed += 1
            if dirpath != str(top):
                with contextlib.suppress(OSError):
                    os.rmdir(dirpath)  # only succeeds when empty
    return removed


def iter_parquet_files(root: Path) -> Iterator[str]:
    """Every Parquet data file under ``root``, the way the floor walks: os.scandir, no hidden."""
    stack = [str(root)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.name.startswith((".", "_")):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.name.endswith(".parquet"):
                    yield entry.path
