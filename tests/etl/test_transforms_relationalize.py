"""Relationalize on real Spark: Glue's table and column names, and keys that join."""

from __future__ import annotations

from typing import Any

import pytest
from pyspark.sql import DataFrame

from glue_magics.etl.transforms import relationalize

from .conftest import Frame, ddl, rows

SCHEMA = (
    "pid string, name struct<first:string>,"
    " contact_details array<struct<type:string,value:string>>, tags array<string>,"
    " orders array<struct<sku:string,items:array<int>>>, addr struct<phones:array<string>>"
)


@pytest.fixture(scope="module")
def tables(frame: Frame) -> dict[str, DataFrame]:
    df = frame(
        [
            {
                "pid": "p1",
                "name": {"first": "Ada"},
                "contact_details": [{"type": "fax", "value": "1"}, {"type": "phone", "value": "2"}],
                "tags": ["a", None],
                "orders": [{"sku": "x", "items": [1, 2]}, {"sku": "y", "items": []}],
                "addr": {"phones": ["555"]},
            },
            {"pid": "p2", "name": None, "contact_details": [], "tags": None, "orders": None},
        ],
        SCHEMA,
    )
    return relationalize(df, "root")


def by_key(table: list[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    out: dict[Any, list[dict[str, Any]]] = {}
    for row in table:
        out.setdefault(row[key], []).append(row)
    return out


def test_table_names_and_schemas_follow_glue(tables: dict[str, DataFrame]) -> None:
    assert list(tables) == [
        "root",
        "root_contact_details",
        "root_tags",
        "root_orders",
        "root_orders.val.items",
        "root_addr.phones",
    ]
    assert ddl(tables["root"]) == (
        "struct<pid:string,name.first:string,contact_details:bigint,tags:bigint,"
        "orders:bigint,addr.phones:bigint>"
    )
    assert ddl(tables["root_contact_details"]) == (
        "struct<id:bigint,index:int,contact_details.val.type:string,contact_details.val.value:string>"
    )
    assert ddl(tables["root_tags"]) == "struct<id:bigint,index:int,tags.val:string>"
    assert ddl(tables["root_orders"]) == (
        "struct<id:bigint,index:int,orders.val.sku:string,orders.val.items:bigint>"
    )
    assert ddl(tables["root_orders.val.items"]) == (
        "struct<id:bigint,index:int,orders.val.items.val:int>"
    )
    assert ddl(tables["root_addr.phones"]) == "struct<id:bigint,index:int,addr.phones.val:string>"


def test_keys_join_children_to_parents(tables: dict[str, DataFrame]) -> None:
    root = {r["pid"]: r for r in rows(tables["root"])}
    p1, p2 = root["p1"], root["p2"]
    assert p1["name.first"] == "Ada"
    assert p2["name.first"] is None
    # an empty array keeps its key (no rows), a null array or struct has none
    assert p2["contact_details"] is not None
    assert p2["tags"] is None and p2["orders"] is None and p2["addr.phones"] is None

    contacts = by_key(rows(tables["root_contact_details"], "id", "index"), "id")
    assert contacts == {
        p1["contact_details"]: [
            {
                "id": p1["contact_details"],
                "index": 0,
                "contact_details.val.type": "fax",
                "contact_details.val.value": "1",
            },
            {
                "id": p1["contact_details"],
                "index": 1,
                "contact_details.val.type": "phone",
                "contact_details.val.value": "2",
            },
        ]
    }
    tags = rows(tables["root_tags"], "index")
    assert tags == [
        {"id": p1["tags"], "index": 0, "tags.val": "a"},
        {"id": p1["tags"], "index": 1, "tags.val": None},
    ]
    assert rows(tables["root_addr.phones"]) == [
        {"id": p1["addr.phones"], "index": 0, "addr.phones.val": "555"}
    ]

    orders = rows(tables["root_orders"], "index")
    assert [(o["id"], o["index"], o["orders.val.sku"]) for o in orders] == [
        (p1["orders"], 0, "x"),
        (p1["orders"], 1, "y"),
    ]
    x_key, y_key = orders[0]["orders.val.items"], orders[1]["orders.val.items"]
    assert x_key != y_key
    items = rows(tables["root_orders.val.items"], "index")
    assert items == [
        {"id": x_key, "index": 0, "orders.val.items.val": 1},
        {"id": x_key, "index": 1, "orders.val.items.val": 2},
    ]


def test_no_arrays_is_one_flat_table_and_separator(frame: Frame) -> None:
    df = frame(
        [{"a": 1, "s": {"b": "x", "t": {"c": 2.5}}}], "a int, s struct<b:string,t:struct<c:double>>"
    )
    out = relationalize(df, "flat", separator="_")
    assert list(out) == ["flat"]
    assert rows(out["flat"]) == [{"a": 1, "s_b": "x", "s_t_c": 2.5}]


def test_array_of_arrays_pivots_twice(frame: Frame) -> None:
    df = frame([{"m": [[1], [2, 3]]}], "m array<array<int>>")
    out = relationalize(df, "r")
    assert list(out) == ["r", "r_m", "r_m.val"]
    (root,) = rows(out["r"])
    mid = rows(out["r_m"], "index")
    assert [(m["id"], m["index"]) for m in mid] == [(root["m"], 0), (root["m"], 1)]
    inner = rows(out["r_m.val"], "id", "index")
    assert sorted((r["id"] == mid[1]["m.val"], r["index"], r["m.val.val"]) for r in inner) == [
        (False, 0, 1),
        (True, 0, 2),
        (True, 1, 3),
    ]
