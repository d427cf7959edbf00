"""Partitions: batch add, update, delete; locations and storage; reads, paging and counts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from glue_magics.catalog import Catalog, Partition
from glue_magics.catalog.partitions import escape_path_name, partition_path
from glue_magics.errors import AlreadyExistsError, EntityNotFoundError

from .helpers import TableMaker, refused

KEYS = ("year string", "month int")


@pytest.fixture
def orders(make_table: TableMaker) -> None:
    """sales.orders, partitioned by (year string, month int), at s3://b/orders/, no partitions."""
    make_table(
        "orders",
        keys=KEYS,
        location="s3://b/orders/",
        input_format="parquet.Input",
        serde_library="parquet.SerDe",
    )


def values_of(partitions: list[Partition]) -> list[tuple[str, ...]]:
    return [p.values for p in partitions]


def all_values(catalog: Catalog) -> list[tuple[str, ...]]:
    return values_of(list(catalog.iter_partitions("sales", "orders")))


def test_batch_create_accepts_lists_dicts_and_partition_objects(
    catalog: Catalog, orders: None
) -> None:
    added = catalog.batch_create_partitions(
        "SALES",
        "Orders",
        [
            ["2024", "1"],
            ("2024", 2),
            {"values": ["2024", "3"], "location": "s3://elsewhere/3", "parameters": {"a": "b"}},
            Partition(values=("2024", "4"), parameters={"c": "d"}),
        ],
    )

    assert added == 4
    assert all_values(catalog) == [("2024", "1"), ("2024", "2"), ("2024", "3"), ("2024", "4")]
    third = catalog.get_partition("sales", "orders", ["2024", "3"])
    assert (third.location, third.parameters, third.storage) == (
        "s3://elsewhere/3",
        {"a": "b"},
        None,
    )
    assert catalog.get_partition("sales", "orders", ("2024", 4)).parameters == {"c": "d"}
    assert third.created_at is not None and third.created_at.tzinfo is not None


def test_default_partition_location_is_under_the_table(catalog: Catalog, orders: None) -> None:
    catalog.batch_create_partitions("sales", "orders", [["2024", "7"]])

    partition = catalog.get_partition("sales", "orders", ["2024", "7"])

    assert partition.location == "s3://b/orders/year=2024/month=7"


ESCAPED: list[tuple[str, str]] = [
    ("a/b", "a%2Fb"),
    ("k=v", "k%3Dv"),
    ("100%", "100%25"),
    ("12:30", "12%3A30"),
    ("#1?", "%231%3F"),
    ("tab\there\n", "tab%09here%0A"),
    ("\x01\x1f\x7f", "%01%1F%7F"),
    ("a\\b*'\"{[]^", "a%5Cb%2A%27%22%7B%5B%5D%5E"),
    ("", "__HIVE_DEFAULT_PARTITION__"),
    ("caf\u00e9 & co+1 ~!$", "caf\u00e9 & co+1 ~!$"),
    ("2024-01-01", "2024-01-01"),
]


def test_default_partition_locations_are_escaped_like_hive(catalog: Catalog, orders: None) -> None:
    catalog.batch_create_partitions("sales", "orders", [[year, "7"] for year, _ in ESCAPED])

    for year, folder in ESCAPED:
        partition = catalog.get_partition("sales", "orders", [year, "7"])
        assert partition.location == f"s3://b/orders/year={folder}/month=7", year
        assert unquote(folder) == year or year == ""


def test_partition_keys_are_escaped_in_default_locations_too(
    catalog: Catalog, make_table: TableMaker
) -> None:
    make_table("odd", keys=("a=b string", "c/d int"), location="/data/odd")
    catalog.batch_create_partitions("sales", "odd", [["x/y", "1"]])

    (partition,) = catalog.iter_partitions("sales", "odd")

    assert partition.location == "/data/odd/a%3Db=x%2Fy/c%2Fd=1"


def test_partition_path() -> None:
    assert partition_path(["dt", "region"], ["2024-01-01", "eu/west"]) == (
        "dt=2024-01-01/region=eu%2Fwest"
    )
    assert escape_path_name("%") == "%25"


def test_partitions_keep_only_the_storage_that_differs_from_the_table(
    catalog: Catalog, orders: None
) -> None:
    catalog.batch_create_partitions(
        "sales",
        "orders",
        [
            {"values": ["2024", "1"], "storage": {"input_format": "parquet.Input"}},
            {
                "values": ["2024", "2"],
                "storage": {"input_format": "parquet.Input", "serde_library": "csv.SerDe"},
            },
            {"values": ["2024", "3"]},
        ],
    )

    storages = [p.storage for p in catalog.iter_partitions("sales", "orders")]

    assert storages == [None, {"serde_library": "csv.SerDe"}, None]


def test_partitions_read_back_as_stored(catalog: Catalog, orders: None) -> None:
    """Reads build partitions from the stored columns: no storage is SQL NULL (the JSON text null
    of older stores reads the same), timestamps come back timezone-aware in UTC."""
    catalog.batch_create_partitions(
        "sales",
        "orders",
        [
            {"values": ["2024", "1"], "parameters": {"a": "é", "b": ""}},
            {"values": ["2024", "2"], "storage": {"serde_library": "csv.SerDe"}},
            ["2024", "3"],
        ],
    )
    with catalog.engine.begin() as conn:
        nulls = conn.execute(sa.text("SELECT count(*) FROM partitions WHERE storage IS NULL"))
        assert nulls.scalar_one() == 2
        # As an older store wrote "no storage".
        conn.execute(sa.text("UPDATE partitions SET storage = 'null' WHERE k1 = '3'"))

    first, second, third = catalog.iter_partitions("sales", "orders")

    assert (first.parameters, first.storage) == ({"a": "é", "b": ""}, None)
    assert (second.parameters, second.storage) == ({}, {"serde_library": "csv.SerDe"})
    assert (third.parameters, third.storage) == ({}, None)
    assert catalog.get_partition("sales", "orders", ["2024", "3"]) == third
    for partition in (first, second, third):
        assert partition.created_at is not None and partition.updated_at is not None
        assert partition.created_at.utcoffset() == timedelta(0)
        assert abs(datetime.now(timezone.utc) - partition.created_at) < timedelta(minutes=5)
        assert partition.updated_at == partition.created_at


def test_if_not_exists_adds_only_the_missing_partitions(catalog: Catalog, orders: None) -> None:
    catalog.batch_create_partitions(
        "sales", "orders", [{"values": ["2024", "1"], "location": "s3://kept"}]
    )

    added = catalog.batch_create_partitions(
        "sales",
        "orders",
        [
            {"values": ["2024", "1"], "location": "s3://ignored"},
            ["2024", "2"],
            ["2024", "2"],
            ["2024", "3"],
        ],
        if_not_exists=True,
    )

    assert added == 2
    assert all_values(catalog) == [("2024", "1"), ("2024", "2"), ("2024", "3")]
    assert catalog.get_partition("sales", "orders", ["2024", "1"]).location == "s3://kept"


@pytest.mark.parametrize(
    ("batch", "duplicate"),
    [
        ([["2024", "5"], ["2024", "1"], ["2024", "6"]], "already exists"),
        ([["2024", "5"], ["2024", "6"], ["2024", "5"]], "twice"),
    ],
    ids=["already-present", "twice-in-the-batch"],
)
def test_a_batch_with_one_duplicate_adds_none_of_its_partitions(
    catalog: Catalog, orders: None, batch: list[list[str]], duplicate: str
) -> None:
    catalog.batch_create_partitions("sales", "orders", [["2024", "1"]])

    with refused(catalog, AlreadyExistsError, match=duplicate):
        catalog.batch_create_partitions("sales", "orders", batch)

    assert all_values(catalog) == [("2024", "1")]


def test_batch_update_replaces_location_parameters_and_storage(
    catalog: Catalog, orders: None
) -> None:
    catalog.batch_create_partitions(
        "sales",
        "orders",
        [
            {"values": ["2024", "1"], "location": "s3://old/1", "parameters": {"old": "1"}},
            {"values": ["2024", "2"], "storage": {"serde_library": "csv.SerDe"}},
            ["2024", "3"],
        ],
    )

    updated = catalog.batch_update_partitions(
        "sales",
        "orders",
        [
            {"values": ["2024", "1"], "location": "s3://new/1", "parameters": {"new": "1"}},
            {"values": ["2024", 2]},
        ],
    )

    assert updated == 2
    first, second, third = catalog.iter_partitions("sales", "orders")
    assert (first.location, first.parameters) == ("s3://new/1", {"new": "1"})
    assert (second.location, second.storage) == ("s3://b/orders/year=2024/month=2", None)
    assert (third.location, third.parameters) == ("s3://b/orders/year=2024/month=3", {})


def test_a_batch_update_with_an_unknown_partition_updates_none(
    catalog: Catalog, orders: None
) -> None:
    catalog.batch_create_partitions("sales", "orders", [["2024", "1"]])

    with refused(catalog, EntityNotFoundError, match="not found"):
        catalog.batch_update_partitions(
            "sales",
            "orders",
            [{"values": ["2024", "1"], "location": "s3://new"}, ["2024", "9"]],
        )

    assert catalog.get_partition("sales", "orders", ["2024", "1"]).location == (
        "s3://b/orders/year=2024/month=1"
    )


def test_batch_delete(catalog: Catalog, orders: None) -> None:
    catalog.batch_create_partitions("sales", "orders", [["2024", str(m)] for m in range(1, 6)])

    deleted = catalog.batch_delete_partitions("sales", "orders", [["2024", "2"], ("2024", 4)])

    assert deleted == 2
    assert all_values(catalog) == [("2024", "1"), ("2024", "3"), ("2024", "5")]
    with refused(catalog, EntityNotFoundError, match="not found"):
        catalog.batch_delete_partitions("sales", "orders", [["2024", "1"], ["2024", "2"]])
    with pytest.raises(EntityNotFoundError):
        catalog.get_partition("sales", "orders", ["2024", "2"])


@pytest.mark.parametrize("limit", [1, 7, 25, 26, 1000])
@pytest.mark.parametrize("expression", [None, "month > 3"])
def test_paging_returns_every_partition_exactly_once(
    catalog: Catalog, orders: None, limit: int, expression: str | None
) -> None:
    catalog.batch_create_partitions("sales", "orders", [["2024", str(m)] for m in range(1, 26)])
    months = [str(m) for m in range(1, 26) if expression is None or m > 3]

    pages, token = [], None
    while True:
        page = catalog.get_partitions("sales", "orders", expression, limit=limit, next_token=token)
        pages.append(values_of(page.partitions))
        token = page.next_token
        if token is None:
            break

    assert all(0 < len(p) <= limit for p in pages)
    assert [v for p in pages for v in p] == [("2024", m) for m in months]
    assert len(pages) == -(-len(months) // limit)


def test_count_and_iterate_partitions(catalog: Catalog, orders: None) -> None:
    catalog.batch_create_partitions(
        "sales", "orders", [[y, str(m)] for y in ("2023", "2024") for m in range(1, 13)]
    )

    assert catalog.count_partitions("sales", "orders") == 24
    assert catalog.count_partitions("sales", "orders", "year = '2024' AND month <= 6") == 6
    assert catalog.count_partitions("sales", "orders", "year = '2025'") == 0
    iterated = values_of(
        list(catalog.iter_partitions("sales", "orders", "month = 12", page_size=1))
    )
    assert iterated == [("2023", "12"), ("2024", "12")]
    assert len(list(catalog.iter_partitions("sales", "orders", page_size=5))) == 24


def test_an_empty_page(catalog: Catalog, orders: None) -> None:
    page = catalog.get_partitions("sales", "orders")

    assert (page.partitions, page.next_token) == ([], None)
    assert list(catalog.iter_partitions("sales", "orders")) == []
