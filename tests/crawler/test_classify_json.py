"""JSON lines and top-level arrays: nested types, widening, bounded sampling."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import fsspec

from glue_magics.catalog.names import normalize_column_name
from glue_magics.catalog.types import normalize_type
from glue_magics.crawler.classify import Sampling, classify
from glue_magics.crawler.model import UNKNOWN, FileSchema

FS = fsspec.filesystem("file")
DEFAULT = Sampling()


def run(tmp_path: Path, text: str, sampling: Sampling = DEFAULT) -> FileSchema:
    path = tmp_path / "f.json"
    path.write_bytes(text.encode("utf-8"))
    return classify(FS, str(path), path.stat().st_size, sampling)


def lines(*records: Any) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def types(schema: FileSchema) -> dict[str, str]:
    for col in schema.columns:
        assert normalize_type(col.type) == col.type
        assert normalize_column_name(col.name) == col.name
    return {c.name: c.type for c in schema.columns}


def test_json_lines_with_nested_values(tmp_path: Path) -> None:
    text = lines(
        {
            "Id": 1,
            "big": 3_000_000_000,
            "ratio": 0.5,
            "ok": True,
            "when": "2024-01-01T10:00:00Z",
            "day": "2024-01-01",
            "user": {"Name": "ana", "Tags": ["a", "b"]},
            "points": [{"x": 1}, {"x": 2, "y": 0.5}],
            "empty": [],
            "nothing": None,
        },
        {"Id": 2, "big": 1, "ratio": 1, "ok": False},
    )
    schema = run(tmp_path, text)
    assert schema.classification == "json" and schema.ok
    assert types(schema) == {
        "id": "int",
        "big": "bigint",
        "ratio": "double",
        "ok": "boolean",
        "when": "string",
        "day": "string",
        "user": "struct<name:string,tags:array<string>>",
        "points": "array<struct<x:int,y:double>>",
        "empty": "array<string>",
        "nothing": "string",
    }
    assert (schema.record_count, schema.record_count_exact) == (2, True)
    assert schema.parameters == {}


def test_types_widen_across_records(tmp_path: Path) -> None:
    text = lines(
        {"n": 1, "m": 1, "s": 1, "later": None, "st": {"a": 1}},
        {"n": 5_000_000_000, "m": 2.5, "s": "x", "later": 3, "st": {"b": "y"}},
        {"n": 2, "m": 3, "s": True, "later": None, "st": {"a": 2.5}},
    )
    schema = run(tmp_path, text)
    assert types(schema) == {
        "n": "bigint",
        "m": "double",
        "s": "string",
        "later": "int",
        "st": "struct<a:double,b:string>",
    }


def test_conflicting_value_types_are_noted(tmp_path: Path) -> None:
    schema = run(tmp_path, lines({"v": 1}, {"v": True}, {"v": {"a": 1}}))
    assert types(schema) == {"v": "string"}
    assert "column 'v': int and boolean values -> string" in schema.notes


def test_columns_appear_in_first_seen_order(tmp_path: Path) -> None:
    schema = run(tmp_path, lines({"b": 1, "a": 1}, {"c": 1, "a": 2}, {"d": 1}))
    assert [c.name for c in schema.columns] == ["b", "a", "c", "d"]


def test_keys_differing_in_case_are_one_column(tmp_path: Path) -> None:
    schema = run(tmp_path, lines({"Name": "a"}, {"name": "b"}))
    assert types(schema) == {"name": "string"}
    assert any("differing only in case" in note for note in schema.notes)


def test_odd_keys_are_kept_and_quoted_inside_types(tmp_path: Path) -> None:
    schema = run(tmp_path, lines({"": 1, "order date": {"día": 1, "2x": 2, "": 3}, "select": 1}))
    assert types(schema) == {
        "col0": "int",
        "order date": "struct<`día`:int,`2x`:int,col2:int>",
        "select": "int",
    }


def test_top_level_array_of_objects(tmp_path: Path) -> None:
    schema = run(tmp_path, json.dumps([{"a": 1}, {"a": 2, "b": "x"}], indent=2))
    assert schema.classification == "json"
    assert types(schema) == {"a": "int", "b": "string"}
    assert schema.record_count == 2
    assert any("top-level JSON array" in note for note in schema.notes)


def test_pretty_printed_objects_one_after_another(tmp_path: Path) -> None:
    text = json.dumps({"a": 1}, indent=2) + "\n" + json.dumps({"a": 2}, indent=2)
    schema = run(tmp_path, text)
    assert types(schema) == {"a": "int"}
    assert any("span several lines" in note for note in schema.notes)


def test_malformed_lines_are_skipped(tmp_path: Path) -> None:
    schema = run(tmp_path, '{"a": 1}\n{"a": oops}\n{"a": 2}\n')
    assert schema.ok and types(schema) == {"a": "int"}
    assert "1 malformed JSON line(s) skipped" in schema.notes


def test_scalars_are_not_records(tmp_path: Path) -> None:
    schema = run(tmp_path, "[1, 2, 3]")
    assert schema.classification == UNKNOWN
    assert schema.error == "JSON values are numbers, not objects"


def test_empty_array_is_unknown(tmp_path: Path) -> None:
    schema = run(tmp_path, "[ ]")
    assert schema.classification == UNKNOWN
    assert schema.error == "the JSON array holds no records"


def test_objects_without_keys_are_unknown(tmp_path: Path) -> None:
    schema = run(tmp_path, "{}\n{}\n")
    assert schema.classification == UNKNOWN
    assert schema.error == "the JSON records have no keys"


def test_only_max_records_are_read(tmp_path: Path) -> None:
    text = lines(*({"a": i} for i in range(30)), {"a": "text", "late": 1})
    schema = run(tmp_path, text, Sampling(max_records=10))
    assert types(schema) == {"a": "int"}


def test_first_value_larger_than_first_bytes_reads_more(tmp_path: Path) -> None:
    text = lines({"a": 1, "blob": "x" * 5_000}, {"a": 2, "blob": "y"})
    schema = run(tmp_path, text, Sampling(first_bytes=1_000, max_bytes=20_000))
    assert types(schema) == {"a": "int", "blob": "string"}


def test_first_value_larger_than_max_bytes_is_unknown(tmp_path: Path) -> None:
    text = lines({"a": 1, "blob": "x" * 50_000}, {"a": 2})
    schema = run(tmp_path, text, Sampling(first_bytes=1_000, max_bytes=10_000))
    assert schema.classification == UNKNOWN
    assert schema.error and schema.error.startswith("first JSON value does not end within")


def test_first_megabyte_is_one_huge_value(tmp_path: Path) -> None:
    huge = {"id": 1, "items": [{"k": i, "v": "x" * 20} for i in range(60_000)]}
    schema = run(tmp_path, lines(huge, {"id": 2, "items": []}))
    assert schema.ok
    assert types(schema) == {"id": "int", "items": "array<struct<k:int,v:string>>"}


def test_record_count_is_estimated(tmp_path: Path) -> None:
    text = lines(*({"id": i, "name": "n" * 10} for i in range(100_000, 150_000)))
    schema = run(tmp_path, text, Sampling(first_bytes=20_000))
    assert not schema.record_count_exact and schema.record_count is not None
    assert abs(schema.record_count - 50_000) < 2_500


def test_deeply_nested_json_does_not_raise(tmp_path: Path) -> None:
    schema = run(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert (schema.classification, schema.error) == (UNKNOWN, "JSON nested too deeply")
    schema = run(tmp_path, '{"a":' * 100_000 + "1" + "}" * 100_000)
    assert (schema.classification, schema.error) == (UNKNOWN, "JSON nested too deeply")
