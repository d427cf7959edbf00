"""Delimited text: delimiter detection, Glue's header heuristic, type inference."""

from __future__ import annotations

import time
from pathlib import Path

import fsspec
import pytest

from glue_magics.catalog.names import normalize_column_name
from glue_magics.catalog.types import normalize_type
from glue_magics.crawler.classify import Sampling, classify
from glue_magics.crawler.model import UNKNOWN, FileSchema

FS = fsspec.filesystem("file")
DEFAULT = Sampling()


def run(tmp_path: Path, text: str, sampling: Sampling = DEFAULT, name: str = "f.csv") -> FileSchema:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return classify(FS, str(path), path.stat().st_size, sampling)


def columns(schema: FileSchema) -> list[tuple[str, str]]:
    for col in schema.columns:
        assert normalize_type(col.type) == col.type
        assert normalize_column_name(col.name) == col.name
    return [(c.name, c.type) for c in schema.columns]


def test_header_is_detected_and_skipped(tmp_path: Path) -> None:
    schema = run(tmp_path, "id,name,price,since\n1,ana,1.5,2020-01-01\n2,bo,2,2021-05-06\n")
    assert schema.classification == "csv" and schema.ok and schema.compression is None
    assert columns(schema) == [
        ("id", "bigint"),
        ("name", "string"),
        ("price", "double"),
        ("since", "date"),
    ]
    assert schema.parameters == {
        "delimiter": ",",
        "areColumnsQuoted": "false",
        "columnsOrdered": "true",
        "skip.header.line.count": "1",
    }
    assert (schema.record_count, schema.record_count_exact) == (2, True)


def test_all_string_columns_mean_no_header(tmp_path: Path) -> None:
    schema = run(tmp_path, "name,city\nana,lisbon\nbo,porto\n")
    assert columns(schema) == [("col0", "string"), ("col1", "string")]
    assert "skip.header.line.count" not in schema.parameters
    assert schema.record_count == 3  # the first row is data
    assert any("cannot be told apart" in note for note in schema.notes)


def test_numeric_first_row_is_data(tmp_path: Path) -> None:
    schema = run(tmp_path, "1,2.5,true\n3,4,false\n")
    assert columns(schema) == [("col0", "bigint"), ("col1", "double"), ("col2", "boolean")]
    assert "skip.header.line.count" not in schema.parameters
    assert any("'1' reads as bigint" in note for note in schema.notes)


def test_date_in_first_row_means_no_header(tmp_path: Path) -> None:
    schema = run(tmp_path, "2024-01-01,a\n2024-01-02,7\n")
    assert columns(schema)[0] == ("col0", "date")


def test_long_header_field_means_no_header(tmp_path: Path) -> None:
    schema = run(tmp_path, f"id,{'x' * 150}\n1,a\n2,b\n")
    assert [c.name for c in schema.columns] == ["col0", "col1"]
    assert any("150 characters" in note for note in schema.notes)


def test_empty_header_field_means_no_header(tmp_path: Path) -> None:
    schema = run(tmp_path, ",a,b\n0,1,2\n1,3,4\n")
    assert [c.name for c in schema.columns] == ["col0", "col1", "col2"]
    assert any("field 1 is empty" in note for note in schema.notes)


def test_trailing_delimiter_leaves_an_empty_last_column(tmp_path: Path) -> None:
    schema = run(tmp_path, "a,b,\n1,2,\n3,4,\n")
    assert columns(schema) == [("a", "bigint"), ("b", "bigint"), ("col2", "string")]
    assert schema.parameters["skip.header.line.count"] == "1"


@pytest.mark.parametrize(
    "delimiter", [",", "\t", "|", ";", "\x01"], ids=["comma", "tab", "pipe", "semicolon", "ctrl-a"]
)
def test_delimiters(tmp_path: Path, delimiter: str) -> None:
    rows = [["id", "name", "score"], ["1", "ana", "0.5"], ["2", "bo", "0.7"]]
    schema = run(tmp_path, "".join(delimiter.join(r) + "\n" for r in rows))
    assert schema.parameters["delimiter"] == delimiter
    assert columns(schema) == [("id", "bigint"), ("name", "string"), ("score", "double")]


def test_delimiter_is_the_consistent_one(tmp_path: Path) -> None:
    # Commas occur in the text, but only the pipe splits every row the same way.
    text = "id|comment\n1|good, really\n2|fine\n3|ok, ok, ok\n"
    schema = run(tmp_path, text)
    assert schema.parameters["delimiter"] == "|"
    assert columns(schema) == [("id", "bigint"), ("comment", "string")]


def test_semicolon_file_with_decimal_commas(tmp_path: Path) -> None:
    schema = run(tmp_path, "n;v\n1;2,5\n2;3,25\n")
    assert schema.parameters["delimiter"] == ";"


def test_type_inference_and_widening(tmp_path: Path) -> None:
    text = (
        "i,mixed_num,flag,day,at,text,conflict,blank\n"
        "1,1,true,2024-01-01,2024-01-01 10:00:00,x,1,\n"
        "-20,2.5,FALSE,2024-02-29,2024-01-01 10:00:00.123,2024-01-01T10:00:00Z,true,\n"
        "9223372036854775807,3,True,2024-03-01,2024-01-02 00:00:00,y,2,\n"
    )
    schema = run(tmp_path, text)
    assert columns(schema) == [
        ("i", "bigint"),
        ("mixed_num", "double"),
        ("flag", "boolean"),
        ("day", "date"),
        ("at", "timestamp"),
        ("text", "string"),
        ("conflict", "string"),
        ("blank", "string"),
    ]
    assert "column 'conflict': bigint and boolean values -> string" in schema.notes


def test_out_of_range_and_invalid_values_are_strings(tmp_path: Path) -> None:
    text = "big,bad_date,n\n123456789012345678901234,2024-02-30,1\n1,2024-01-01,2\n"
    assert columns(run(tmp_path, text))[:2] == [("big", "string"), ("bad_date", "string")]


def test_values_are_trimmed_before_typing(tmp_path: Path) -> None:
    assert columns(run(tmp_path, "a, b\n 1 , x\n2 ,y\n"))[0] == ("a", "bigint")


def test_quoted_fields(tmp_path: Path) -> None:
    text = 'id,name,city\n1,"Smith, Ana","Lisbon"\n2,"Bo ""B"" Li",Porto\n'
    schema = run(tmp_path, text)
    assert columns(schema) == [("id", "bigint"), ("name", "string"), ("city", "string")]
    assert schema.parameters["areColumnsQuoted"] == "true"


def test_quoted_field_with_line_break(tmp_path: Path) -> None:
    schema = run(tmp_path, 'id,text\n1,"two\nlines"\n2,x\n')
    assert columns(schema) == [("id", "bigint"), ("text", "string")]
    assert schema.record_count == 2


def test_ragged_rows_use_the_usual_width(tmp_path: Path) -> None:
    text = "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n"
    schema = run(tmp_path, text)
    assert columns(schema) == [("a", "bigint"), ("b", "bigint"), ("c", "bigint")]
    assert any(
        note.startswith("2 of 5 rows do not have the usual 3 fields") for note in schema.notes
    )


def test_one_column_is_unknown(tmp_path: Path) -> None:
    schema = run(tmp_path, "name\nana\nbo\n")
    assert schema.classification == UNKNOWN
    assert schema.error and "one column only" in schema.error


def test_one_row_is_unknown(tmp_path: Path) -> None:
    schema = run(tmp_path, "a,b,c\n")
    assert schema.classification == UNKNOWN
    assert schema.error == "only one row; CSV needs at least two"


def test_prose_is_unknown(tmp_path: Path) -> None:
    text = (
        "Dear all, hi\nthis, that, and more\nso, we, think, that, it\nwell, no, maybe\nbye, all\n"
    )
    schema = run(tmp_path, text)
    assert schema.classification == UNKNOWN
    assert schema.error and "no consistent delimiter" in schema.error


def test_header_names_are_cleaned_like_glue(tmp_path: Path) -> None:
    text = " Order Date ,Prénom,SELECT,Id,ID,id_1\n2024-01-01,a,1,1,2,3\n2024-01-02,b,2,4,5,6\n"
    schema = run(tmp_path, text)
    assert [c.name for c in schema.columns] == [
        "order date",
        "prénom",
        "select",
        "id",
        "id_2",
        "id_1",
    ]
    assert any("'id' -> 'id_2'" in note for note in schema.notes)


def test_crlf_line_endings(tmp_path: Path) -> None:
    schema = run(tmp_path, "a,b\r\n1,x\r\n2,y\r\n")
    assert columns(schema) == [("a", "bigint"), ("b", "string")]


def test_ten_thousand_columns(tmp_path: Path) -> None:
    header = ",".join(f"c{i}" for i in range(10_000)) + "\n"
    rows = "".join(",".join(str(i + j) for j in range(10_000)) + "\n" for i in range(60))
    started = time.monotonic()
    schema = run(tmp_path, header + rows)
    assert time.monotonic() - started < 10
    assert len(schema.columns) == 10_000
    assert schema.columns[9999] == schema.columns[9999].__class__("c9999", "bigint")


def test_only_max_records_rows_are_typed(tmp_path: Path) -> None:
    text = "id,v\n" + "".join(f"{i},{i}\n" for i in range(50)) + "x,y\n"
    assert columns(run(tmp_path, text, Sampling(max_records=20))) == [
        ("id", "bigint"),
        ("v", "bigint"),
    ]
    # All 52 rows: the last one makes every column text, so there is no header either.
    assert columns(run(tmp_path, text)) == [("col0", "string"), ("col1", "string")]


def test_record_count_is_estimated_from_the_sample(tmp_path: Path) -> None:
    text = "id,name\n" + "".join(f"{i:06d},name-{i % 7}\n" for i in range(100_000))
    schema = run(tmp_path, text, Sampling(first_bytes=50_000))
    assert not schema.record_count_exact and schema.record_count is not None
    assert abs(schema.record_count - 100_000) < 10_000


def test_first_line_longer_than_the_sample_reads_more(tmp_path: Path) -> None:
    long_value = "x" * 5_000
    text = f"id,text\n1,{long_value}\n2,y\n"
    schema = run(tmp_path, text, Sampling(first_bytes=1_000, max_bytes=100_000))
    assert columns(schema) == [("id", "bigint"), ("text", "string")]


def test_no_line_break_within_max_bytes_is_unknown(tmp_path: Path) -> None:
    schema = run(tmp_path, "a," * 10_000 + "\n1,2\n", Sampling(first_bytes=1_000, max_bytes=3_000))
    assert schema.classification == UNKNOWN
    assert schema.error and "no line break" in schema.error
