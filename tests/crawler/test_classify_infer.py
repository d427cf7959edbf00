"""Value typing, type trees, column names and storage formats."""

from __future__ import annotations

import pytest

from glue_magics.catalog.objects import Column
from glue_magics.catalog.types import normalize_type
from glue_magics.crawler.classify import storage_for
from glue_magics.crawler.classify.columns import clean_names
from glue_magics.crawler.classify.infer import json_type, text_type
from glue_magics.crawler.classify.typetree import VOID, parse, render


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", VOID),
        ("  ", VOID),
        ("42", "bigint"),
        ("-7", "bigint"),
        ("+7", "bigint"),
        ("007", "bigint"),
        ("9223372036854775807", "bigint"),
        ("9223372036854775808", "string"),
        ("1.5", "double"),
        (".5", "double"),
        ("1e10", "double"),
        ("-2.5E-3", "double"),
        ("NaN", "string"),
        ("1,234", "string"),
        ("true", "boolean"),
        ("FALSE", "boolean"),
        ("t", "string"),
        ("2024-02-29", "date"),
        ("2023-02-29", "string"),
        ("2024-01-01 10:00:00", "timestamp"),
        ("2024-01-01 10:00:00.123456", "timestamp"),
        ("2024-01-01T10:00:00", "string"),
        ("2024-01-01 25:00:00", "string"),
        ("١٢٣", "string"),  # Arabic-Indic digits are not Hive numbers
        ("hello", "string"),
    ],
)
def test_text_type(value: str, expected: str) -> None:
    assert text_type(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, VOID),
        (True, "boolean"),
        (2**31 - 1, "int"),
        (-(2**31), "int"),
        (2**31, "bigint"),
        (2**63 - 1, "bigint"),
        (2**63, "decimal(38,0)"),
        (10**40, "double"),
        (1.0, "double"),
        ("2024-01-01", "string"),
        ([], "array<void>"),
        ([1, 2.5, None], "array<double>"),
        ([[1], [2**40]], "array<array<bigint>>"),
        ({"B": 1, "b": 2.5, "c": None}, "struct<b:double,c:void>"),
        ([{"a": 1}, {"b": "x"}], "array<struct<a:int,b:string>>"),
    ],
)
def test_json_type(value: object, expected: str) -> None:
    assert render(json_type(value)) == expected


@pytest.mark.parametrize(
    "type_string",
    [
        "bigint",
        "decimal(10,2)",
        "array<struct<a:int,`b c`:string>>",
        "map<string,array<double>>",
        "struct<`select`:int,x:struct<y:varchar(10)>>",
        "uniontype<int,string>",
    ],
)
def test_type_trees_round_trip(type_string: str) -> None:
    rendered = render(parse(type_string))
    assert normalize_type(rendered) == rendered
    assert parse(rendered) == parse(normalize_type(type_string))


def test_clean_names() -> None:
    names, notes = clean_names([" Order Date ", "", "A", "a", "col1", "x\ty", "n" * 300])
    assert names == ["order date", "col1", "a", "a_1", "col1_1", "x_y", "n" * 255]
    assert notes == [
        "duplicate column names renamed: 'a' -> 'a_1', 'col1' -> 'col1_1'",
        "1 column name(s) cut to 255 characters",
    ]


def test_storage_for_binary_formats() -> None:
    parquet = storage_for("parquet")
    assert parquet.input_format == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    assert parquet.output_format == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    assert parquet.serde_library == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    assert storage_for("orc").serde_library == "org.apache.hadoop.hive.ql.io.orc.OrcSerde"
    avro = storage_for("avro", {"avro.schema.literal": "{}"})
    assert avro.input_format == "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat"
    assert avro.serde_parameters == {"avro.schema.literal": "{}"}


def test_storage_for_csv() -> None:
    plain = storage_for("csv", {"delimiter": "|", "areColumnsQuoted": "false"})
    assert plain.input_format == "org.apache.hadoop.mapred.TextInputFormat"
    assert plain.output_format == "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
    assert plain.serde_library == "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
    assert plain.serde_parameters == {"field.delim": "|"}
    quoted = storage_for("csv", {"delimiter": ",", "areColumnsQuoted": "true"})
    assert quoted.serde_library == "org.apache.hadoop.hive.serde2.OpenCSVSerde"
    assert quoted.serde_parameters == {"separatorChar": ",", "quoteChar": '"'}


def test_storage_for_json_and_xml() -> None:
    json_format = storage_for("json", {}, [Column("id", "int"), Column("user", "struct<a:int>")])
    assert json_format.serde_library == "org.openx.data.jsonserde.JsonSerDe"
    assert json_format.serde_parameters == {"paths": "id,user"}
    xml = storage_for(
        "xml",
        {"rowTag": "order"},
        [Column("_id", "bigint"), Column("total", "double"), Column("item", "array<string>")],
    )
    assert xml.serde_parameters == {
        "xmlinput.start": "<order",
        "xmlinput.end": "</order>",
        "column.xpath._id": "/order/@id",
        "column.xpath.total": "/order/total/text()",
        "column.xpath.item": "/order/item",
    }


def test_storage_for_unknown_has_no_formats() -> None:
    assert storage_for("UNKNOWN") == storage_for(None)
    assert storage_for("UNKNOWN").input_format is None
