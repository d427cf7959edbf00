"""ApplyMapping, SelectFields, DropFields, RenameField, Unnest and DropNullFields on real Spark."""

from __future__ import annotations

import datetime
import decimal

import pytest
from pyspark.sql import DataFrame

from glue_magics.etl.transforms import (
    apply_mapping,
    drop_fields,
    drop_null_fields,
    rename_field,
    select_fields,
    unnest,
)

from .conftest import Frame, ddl, rows

PEOPLE_SCHEMA = (
    "id bigint, name struct<first:string,last:string>, age string,"
    " address struct<city:string,geo:struct<lat:double,lon:double>>,"
    " tags array<string>, orders array<struct<sku:string,qty:int>>"
)


@pytest.fixture(scope="module")
def people(frame: Frame) -> DataFrame:
    return frame(
        [
            {
                "id": 1,
                "name": {"first": "Ada", "last": "Lovelace"},
                "age": "36",
                "address": {"city": "London", "geo": {"lat": 51.5, "lon": -0.1}},
                "tags": ["math"],
                "orders": [{"sku": "a", "qty": 2}, {"sku": "b", "qty": 1}],
            },
            {"id": 2, "name": None, "age": "x", "address": None, "tags": None, "orders": []},
        ],
        PEOPLE_SCHEMA,
    )


# --- apply_mapping -----------------------------------------------------------------------------


def test_apply_mapping_renames_casts_nests_and_drops_the_rest(people: DataFrame) -> None:
    out = apply_mapping(
        people,
        [
            ("id", "long", "person_id", "string"),
            ("name.first", "string", "person.given", "string"),
            ("age", "string", "age", "int"),
            ("address.geo.lat", "double", "person.where.lat", "decimal(5,1)"),
            ("name.last", "string", "person.family", "string"),
        ],
    )
    assert ddl(out) == (
        "struct<person_id:string,person:struct<given:string,where:struct<lat:decimal(5,1)>,"
        "family:string>,age:int>"
    )
    assert rows(out, "person_id") == [
        {
            "person_id": "1",
            "person": {
                "given": "Ada",
                "where": {"lat": decimal.Decimal("51.5")},
                "family": "Lovelace",
            },
            "age": 36,
        },
        # "x" is not an int: null, not a failed job; null structs read as null fields
        {
            "person_id": "2",
            "person": {"given": None, "where": {"lat": None}, "family": None},
            "age": None,
        },
    ]


def test_apply_mapping_missing_source_gives_typed_nulls_and_warns(people: DataFrame) -> None:
    with pytest.warns(UserWarning, match=r"no source field 'agee'; did you mean 'age'"):
        out = apply_mapping(
            people, [("id", "bigint", "id", "bigint"), ("agee", "string", "years", "int")]
        )
    assert ddl(out) == "struct<id:bigint,years:int>"
    assert rows(out, "id") == [{"id": 1, "years": None}, {"id": 2, "years": None}]


def test_apply_mapping_backticks_dotted_names_and_dates(frame: Frame) -> None:
    df = frame([{"when.day": "2024-02-29", "n": "7"}], "`when.day` string, `n` string")
    out = apply_mapping(
        df,
        [("`when.day`", "string", "`day.of`", "date"), ("n", "string", "n", "tinyint")],
    )
    assert out.columns == ["day.of", "n"]
    assert rows(out) == [{"day.of": datetime.date(2024, 2, 29), "n": 7}]


def test_apply_mapping_same_source_twice_and_case_insensitive_match(people: DataFrame) -> None:
    out = apply_mapping(people, [("ID", "long", "a", "long"), ("id", "long", "b", "double")])
    assert ddl(out) == "struct<a:bigint,b:double>"
    assert rows(out, "a") == [{"a": 1, "b": 1.0}, {"a": 2, "b": 2.0}]


# --- select_fields / drop_fields ---------------------------------------------------------------


def test_select_fields_keeps_paths_in_the_given_order(people: DataFrame) -> None:
    out = select_fields(people, ["address.geo.lon", "id", "orders.qty", "name.last"])
    assert ddl(out) == (
        "struct<address:struct<geo:struct<lon:double>>,id:bigint,"
        "orders:array<struct<qty:int>>,name:struct<last:string>>"
    )
    assert rows(out, "id") == [
        {
            "address": {"geo": {"lon": -0.1}},
            "id": 1,
            "orders": [{"qty": 2}, {"qty": 1}],
            "name": {"last": "Lovelace"},
        },
        {"address": None, "id": 2, "orders": [], "name": None},
    ]


def test_select_fields_whole_struct_wins_and_single_string(people: DataFrame) -> None:
    out = select_fields(people, ["name.first", "name"])
    assert ddl(out) == "struct<name:struct<first:string,last:string>>"
    assert select_fields(people, "tags").columns == ["tags"]


def test_drop_fields_nested_in_structs_and_arrays(people: DataFrame) -> None:
    out = drop_fields(people, ["address.geo", "orders[].sku", "name.first", "name.last", "age"])
    # name lost all its fields, so it goes; address keeps city
    assert ddl(out) == (
        "struct<id:bigint,address:struct<city:string>,tags:array<string>,orders:array<struct<qty:int>>>"
    )
    assert rows(out, "id") == [
        {
            "id": 1,
            "address": {"city": "London"},
            "tags": ["math"],
            "orders": [{"qty": 2}, {"qty": 1}],
        },
        {"id": 2, "address": None, "tags": None, "orders": []},
    ]


# --- rename_field ------------------------------------------------------------------------------


def test_rename_field_in_place_keeps_position(people: DataFrame) -> None:
    out = rename_field(people, "address.geo.lat", "address.geo.latitude")
    assert ddl(out.select("address")) == (
        "struct<address:struct<city:string,geo:struct<latitude:double,lon:double>>>"
    )
    out = rename_field(out, "orders.qty", "orders.quantity")
    assert ddl(out.select("orders")) == "struct<orders:array<struct<sku:string,quantity:int>>>"
    assert rows(out.select("id", "orders"), "id")[0]["orders"] == [
        {"sku": "a", "quantity": 2},
        {"sku": "b", "quantity": 1},
    ]
    assert rename_field(people, "age", "years").columns == [
        "id",
        "name",
        "years",
        "address",
        "tags",
        "orders",
    ]


def test_rename_field_full_path_moves_and_creates_structs(people: DataFrame) -> None:
    out = rename_field(people, "name.first", "first_name")
    assert out.columns == ["id", "name", "age", "address", "tags", "orders", "first_name"]
    assert ddl(out.select("name")) == "struct<name:struct<last:string>>"
    assert rows(out.select("id", "first_name"), "id") == [
        {"id": 1, "first_name": "Ada"},
        {"id": 2, "first_name": None},
    ]
    out = rename_field(people, "age", "details.raw.age")
    assert ddl(out.select("details")) == "struct<details:struct<raw:struct<age:string>>>"
    assert rows(out.select("id", "details"), "id")[1] == {"id": 2, "details": {"raw": {"age": "x"}}}


def test_rename_field_backticked_dotted_name(frame: Frame) -> None:
    df = frame([{"this.old.name": 1}], "`this.old.name` int")
    assert rename_field(df, "`this.old.name`", "thisNewName").columns == ["thisNewName"]


# --- unnest ------------------------------------------------------------------------------------


def test_unnest_flattens_structs_and_leaves_arrays(people: DataFrame) -> None:
    out = unnest(people)
    assert out.columns == [
        "id",
        "name.first",
        "name.last",
        "age",
        "address.city",
        "address.geo.lat",
        "address.geo.lon",
        "tags",
        "orders",
    ]
    got = rows(out.select("id", "`address.geo.lat`", "`name.first`", "orders"), "id")
    assert got == [
        {
            "id": 1,
            "address.geo.lat": 51.5,
            "name.first": "Ada",
            "orders": [{"sku": "a", "qty": 2}, {"sku": "b", "qty": 1}],
        },
        {"id": 2, "address.geo.lat": None, "name.first": None, "orders": []},
    ]


# --- drop_null_fields --------------------------------------------------------------------------


def test_drop_null_fields_top_level_nested_and_void(frame: Frame) -> None:
    df = frame(
        [
            {"id": 1, "empty": None, "s": {"a": None, "b": "x", "c": None}, "arr": None, "e": []},
            {"id": 2},
        ],
        "id int, empty string, s struct<a:int,b:string,c:struct<d:int>>, arr array<int>, e array<int>",
    ).selectExpr("*", "NULL AS v")
    out = drop_null_fields(df)
    assert ddl(out) == "struct<id:int,s:struct<b:string>,e:array<int>>"
    assert rows(out, "id") == [{"id": 1, "s": {"b": "x"}, "e": []}, {"id": 2, "s": None, "e": None}]


def test_drop_null_fields_no_rows_keeps_schema_and_nothing_to_drop(frame: Frame) -> None:
    empty = frame([], "a int, b string").selectExpr("*", "NULL AS v")
    assert ddl(drop_null_fields(empty)) == "struct<a:int,b:string>"
    full = frame([{"a": 1}], "a int")
    assert drop_null_fields(full) is full
