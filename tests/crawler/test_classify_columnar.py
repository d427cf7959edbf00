"""Parquet, ORC and Avro: recognised by magic bytes, schema from footers/headers only."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastavro
import fsspec
import numpy as np
import pyarrow as pa
import pyarrow.orc as orc
import pyarrow.parquet as pq
import pytest

from glue_magics.catalog.names import normalize_column_name
from glue_magics.catalog.types import normalize_type
from glue_magics.crawler.classify import classify
from glue_magics.crawler.model import FileSchema

FS = fsspec.filesystem("file")


def run(path: Path) -> FileSchema:
    return classify(FS, str(path), path.stat().st_size)


def types(schema: FileSchema) -> dict[str, str]:
    for col in schema.columns:
        assert normalize_type(col.type) == col.type
        assert normalize_column_name(col.name) == col.name
    return {c.name: c.type for c in schema.columns}


class CountingFile(io.RawIOBase):
    """Wraps an fsspec file and counts the bytes read through it."""

    def __init__(self, f: Any) -> None:
        self.f = f
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.f.read(size)
        self.bytes_read += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return int(self.f.seek(offset, whence))

    def tell(self) -> int:
        return int(self.f.tell())

    def close(self) -> None:
        self.f.close()
        super().close()


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> list[CountingFile]:
    opened: list[CountingFile] = []
    real_open: Callable[..., Any] = FS.open

    def counting_open(path: str, mode: str = "rb", **kwargs: Any) -> CountingFile:
        wrapper = CountingFile(real_open(path, mode, **kwargs))
        opened.append(wrapper)
        return wrapper

    monkeypatch.setattr(FS, "open", counting_open)
    return opened


def big_table(rows: int) -> pa.Table:
    rng = np.random.default_rng(0)
    return pa.table(
        {
            "x": rng.random(rows),
            "n": rng.integers(0, 1 << 40, rows),
            "s": [f"value-{i}" for i in range(rows)],
        }
    )


def test_parquet_types_map_to_hive(tmp_path: Path) -> None:
    table = pa.table(
        {
            "I8": pa.array([1], pa.int8()),
            "i16": pa.array([1], pa.int16()),
            "i32": pa.array([1], pa.int32()),
            "i64": pa.array([1], pa.int64()),
            "u64": pa.array([1], pa.uint64()),
            "f32": pa.array([1.5], pa.float32()),
            "f64": pa.array([1.5], pa.float64()),
            "flag": [True],
            "s": ["a"],
            "b": pa.array([b"x"], pa.binary()),
            "price": pa.array([decimal.Decimal("1.25")], pa.decimal128(10, 2)),
            "day": pa.array([dt.date(2024, 1, 1)], pa.date32()),
            "ts": pa.array([dt.datetime(2024, 1, 1)], pa.timestamp("us", tz="UTC")),
            "tags": [["a", "b"]],
            "attrs": pa.array([[("k", 1)]], pa.map_(pa.string(), pa.int32())),
            "nested": [{"Inner": 1, "odd name": "x"}],
            "cat": pa.array(["a"]).dictionary_encode(),
            "nothing": pa.array([None], pa.null()),
        }
    )
    path = tmp_path / "t.parquet"
    pq.write_table(table, path)
    schema = run(path)
    assert schema.ok and schema.classification == "parquet" and schema.compression is None
    assert types(schema) == {
        "i8": "tinyint",
        "i16": "smallint",
        "i32": "int",
        "i64": "bigint",
        "u64": "decimal(20,0)",
        "f32": "float",
        "f64": "double",
        "flag": "boolean",
        "s": "string",
        "b": "binary",
        "price": "decimal(10,2)",
        "day": "date",
        "ts": "timestamp",
        "tags": "array<string>",
        "attrs": "map<string,int>",
        "nested": "struct<inner:bigint,`odd name`:string>",
        "cat": "string",
        "nothing": "string",
    }
    assert (schema.record_count, schema.record_count_exact) == (1, True)


def test_parquet_time_of_day_is_noted(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"t": pa.array([dt.time(1, 2)], pa.time64("us"))}), path)
    schema = run(path)
    assert types(schema) == {"t": "bigint"}
    assert any("time of day" in note for note in schema.notes)


def test_parquet_reads_only_the_footer(tmp_path: Path, counting: list[CountingFile]) -> None:
    path = tmp_path / "big.parquet"
    pq.write_table(big_table(400_000), path, row_group_size=50_000)
    size = path.stat().st_size
    assert size > 5_000_000
    schema = run(path)
    assert schema.ok and schema.record_count == 400_000 and schema.record_count_exact
    assert counting[-1].bytes_read < 200_000  # the footer, never the row groups


def test_orc_schema_and_count_from_the_tail(tmp_path: Path, counting: list[CountingFile]) -> None:
    path = tmp_path / "big.orc"
    orc.write_table(big_table(400_000), path)
    assert path.stat().st_size > 3_000_000
    schema = run(path)
    assert schema.classification == "orc" and schema.ok
    assert types(schema) == {"x": "double", "n": "bigint", "s": "string"}
    assert (schema.record_count, schema.record_count_exact) == (400_000, True)
    assert counting[-1].bytes_read < 200_000


def test_orc_nested_types(tmp_path: Path) -> None:
    path = tmp_path / "n.orc"
    orc.write_table(pa.table({"l": [[1, 2]], "st": [{"a": "x"}]}), path)
    assert types(run(path)) == {"l": "array<bigint>", "st": "struct<a:string>"}


AVRO_SCHEMA: dict[str, Any] = {
    "type": "record",
    "name": "Order",
    "namespace": "shop",
    "fields": [
        {"name": "ID", "type": "long", "doc": "the order id"},
        {"name": "note", "type": ["null", "string"], "default": None},
        {"name": "either", "type": ["null", "int", "string"], "default": None},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {
            "name": "price",
            "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2},
        },
        {
            "name": "address",
            "type": {
                "type": "record",
                "name": "Address",
                "fields": [{"name": "City", "type": "string"}],
            },
        },
        {"name": "billing", "type": "Address"},
        {"name": "state", "type": {"type": "enum", "name": "State", "symbols": ["NEW", "OLD"]}},
        {"name": "lines", "type": {"type": "array", "items": "double"}},
        {"name": "attrs", "type": {"type": "map", "values": "int"}},
        {"name": "raw", "type": {"type": "fixed", "name": "Raw", "size": 2}},
    ],
}


def avro_record(i: int) -> dict[str, Any]:
    return {
        "ID": i,
        "note": None,
        "either": i,
        "day": dt.date(2024, 1, 1),
        "at": dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
        "price": decimal.Decimal("1.50"),
        "address": {"City": "x"},
        "billing": {"City": "y"},
        "state": "NEW",
        "lines": [1.0],
        "attrs": {"a": 1},
        "raw": b"ab",
    }


def test_avro_schema_from_the_header(tmp_path: Path) -> None:
    path = tmp_path / "orders.avro"
    with path.open("wb") as f:
        fastavro.writer(f, AVRO_SCHEMA, [avro_record(i) for i in range(25)])
    schema = run(path)
    assert schema.classification == "avro" and schema.ok
    assert types(schema) == {
        "id": "bigint",
        "note": "string",
        "either": "uniontype<int,string>",
        "day": "date",
        "at": "timestamp",
        "price": "decimal(9,2)",
        "address": "struct<city:string>",
        "billing": "struct<city:string>",
        "state": "string",
        "lines": "array<double>",
        "attrs": "map<string,int>",
        "raw": "binary",
    }
    assert schema.columns[0].comment == "the order id"
    assert (schema.record_count, schema.record_count_exact) == (25, True)
    assert json.loads(schema.parameters["avro.schema.literal"])["name"] == "Order"


def test_avro_recursive_type_becomes_string(tmp_path: Path) -> None:
    node = {
        "type": "record",
        "name": "Node",
        "fields": [
            {"name": "value", "type": "int"},
            {"name": "next", "type": ["null", "Node"], "default": None},
        ],
    }
    path = tmp_path / "list.avro"
    with path.open("wb") as f:
        fastavro.writer(f, node, [{"value": 1, "next": {"value": 2, "next": None}}])
    schema = run(path)
    assert types(schema) == {"value": "int", "next": "string"}
    assert any("recursive" in note for note in schema.notes)


def test_avro_reads_only_block_headers(tmp_path: Path, counting: list[CountingFile]) -> None:
    path = tmp_path / "big.avro"
    records = ({"x": float(i), "s": f"value-{i}"} for i in range(300_000))
    schema_def = {
        "type": "record",
        "name": "R",
        "fields": [{"name": "x", "type": "double"}, {"name": "s", "type": "string"}],
    }
    with path.open("wb") as f:
        fastavro.writer(f, schema_def, records, sync_interval=200_000)
    assert path.stat().st_size > 4_000_000
    schema = run(path)
    assert schema.ok and (schema.record_count, schema.record_count_exact) == (300_000, True)
    assert counting[-1].bytes_read < 20_000


def test_avro_with_many_blocks_gets_an_estimate(tmp_path: Path) -> None:
    path = tmp_path / "blocks.avro"
    schema_def = {"type": "record", "name": "R", "fields": [{"name": "s", "type": "string"}]}
    with path.open("wb") as f:
        fastavro.writer(
            f, schema_def, ({"s": f"v{i:06d}"} for i in range(100_000)), sync_interval=500
        )
    schema = run(path)
    assert schema.ok and not schema.record_count_exact
    assert schema.record_count is not None
    assert abs(schema.record_count - 100_000) < 5_000


def test_format_comes_from_magic_bytes_not_the_extension(tmp_path: Path) -> None:
    parquet_named_csv = tmp_path / "data.csv"
    pq.write_table(pa.table({"a": [1]}), parquet_named_csv)
    assert run(parquet_named_csv).classification == "parquet"
    csv_named_parquet = tmp_path / "data.parquet"
    csv_named_parquet.write_text("a,b\n1,2\n3,4\n")
    assert run(csv_named_parquet).classification == "csv"
    text_starting_with_orc = tmp_path / "ids.csv"
    text_starting_with_orc.write_text("ORCID,name\n0000-1,ana\n0000-2,bo\n")
    assert run(text_starting_with_orc).classification == "csv"


def test_corrupt_parquet_footer_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 this is not parquet PAR1")
    schema = run(path)
    assert schema.classification == "parquet" and not schema.ok
    assert schema.error and schema.error.startswith("corrupt Parquet footer")


def test_truncated_parquet_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.parquet"
    pq.write_table(big_table(10_000), path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    schema = run(path)
    assert schema.classification == "parquet"
    assert schema.error and "truncated" in schema.error


def test_corrupt_orc_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.orc"
    path.write_bytes(b"ORC\x00\x01\x02" + bytes(range(256)) * 4)
    schema = run(path)
    assert schema.classification == "orc"
    assert schema.error and schema.error.startswith("corrupt ORC file")


def test_truncated_avro_header_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.avro"
    with path.open("wb") as f:
        fastavro.writer(f, AVRO_SCHEMA, [avro_record(1)])
    path.write_bytes(path.read_bytes()[:40])
    schema = run(path)
    assert schema.classification == "avro"
    assert schema.error and "corrupt Avro header" in schema.error


def test_ten_thousand_parquet_columns(tmp_path: Path) -> None:
    path = tmp_path / "wide.parquet"
    pq.write_table(pa.table({f"c{i}": [i] for i in range(10_000)}), path)
    schema = run(path)
    assert len(schema.columns) == 10_000 and schema.columns[-1].name == "c9999"


def test_parquet_names_are_lower_cased_and_deduplicated(tmp_path: Path) -> None:
    path = tmp_path / "odd.parquet"
    table = pa.Table.from_arrays(
        [pa.array([1]), pa.array([2]), pa.array(["x"]), pa.array([3])],
        names=["Id", "ID", "Order Date", "select"],
    )
    pq.write_table(table, path)
    schema = run(path)
    assert [c.name for c in schema.columns] == ["id", "id_1", "order date", "select"]
    assert any("'id' -> 'id_1'" in note for note in schema.notes)
