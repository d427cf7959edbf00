"""Partitions: batch add, update, delete; locations and storage; reads, paging and counts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import glue_magics.catalog.store as store
from glue_magics.catalog import Catalog, Partition
from glue_magics.catalog.partitions import escape_path_name, partition_path
from glue_magics.errors import AlreadyExistsError, EntityNotFoundError, InvalidInputError

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
    # In the order of the values as strings: "10" comes before "2".
    months = sorted(str(m) for m in range(1, 26) if expression is None or m > 3)

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


def test_pages_follow_the_values_and_survive_changes_between_pages(
    catalog: Catalog, orders: None
) -> None:
    """Pages come in the order of the values, compared by code point on both stores, whatever
    order the partitions were added in; a token holds the last values, so partitions added or
    deleted between pages neither repeat nor skip the others."""
    years = ["b", "B", "a", "é", "A", "ab", "", "Z", "a b", "z"]
    catalog.batch_create_partitions("sales", "orders", [[y, "1"] for y in years])
    ordered = sorted(years)  # Python compares str by code point
    assert [p.values[0] for p in catalog.iter_partitions("sales", "orders")] == ordered

    first = catalog.get_partitions("sales", "orders", limit=4)
    assert [p.values[0] for p in first.partitions] == ordered[:4]
    catalog.batch_create_partitions("sales", "orders", [["0", "1"], ["zz", "1"]])
    catalog.batch_delete_partitions("sales", "orders", [[ordered[4], "1"]])
    rest, token = [], first.next_token
    while token is not None:
        page = catalog.get_partitions("sales", "orders", limit=4, next_token=token)
        rest += [p.values[0] for p in page.partitions]
        token = page.next_token

    assert rest == sorted([*ordered[5:], "zz"])  # "0" sorts before the token, "é" after "zz"


def test_a_token_belongs_to_a_table_with_as_many_keys(
    catalog: Catalog, orders: None, make_table: TableMaker
) -> None:
    make_table("daily", keys=("day string",), partitions=[["d1"], ["d2"]])
    catalog.batch_create_partitions("sales", "orders", [["2024", "1"], ["2024", "2"]])
    token = catalog.get_partitions("sales", "orders", limit=1).next_token
    assert token is not None

    with pytest.raises(InvalidInputError, match="next_token"):
        catalog.get_partitions("sales", "daily", next_token=token)
    daily = catalog.get_partitions("sales", "daily", limit=1)
    assert daily.next_token is not None
    with pytest.raises(InvalidInputError, match="next_token"):
        catalog.get_partitions("sales", "orders", next_token=daily.next_token)
    second = catalog.get_partitions("sales", "daily", next_token=daily.next_token)
    assert [p.values for p in second.partitions] == [("d2",)]


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


def _key_collations(catalog: Catalog) -> set[str | None]:
    with catalog.engine.connect() as conn:
        return set(
            conn.execute(
                sa.text(
                    "SELECT collation_name FROM information_schema.columns "
                    "WHERE table_name = 'partitions' AND column_name LIKE 'k_'"
                )
            ).scalars()
        )


def test_opening_a_0006_store_upgrades_its_partitions(
    catalog: Catalog, orders: None, catalog_url: str, glue_home: Path, backend: str
) -> None:
    """Migration 0007 gives the key columns code-point order on PostgreSQL (COLLATE "C"), on a store
    that has partitions, and keeps them as they are."""
    years = ["b", "B", "a", "é", "A", "2024"]
    catalog.batch_create_partitions("sales", "orders", [[y, m] for y in years for m in ("1", "2")])
    before = sorted(catalog.iter_partitions("sales", "orders"), key=lambda p: p.values)
    config = Config()
    config.set_main_option("script_location", str(Path(store.__file__).parent / "migrations"))
    with catalog.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0006")
    if backend == "postgresql":
        assert "C" not in _key_collations(catalog)
    catalog.close()

    with Catalog(catalog_url, home=glue_home) as reopened:
        with reopened.engine.connect() as conn:
            head = ScriptDirectory.from_config(config).get_current_head()
            assert MigrationContext.configure(conn).get_current_revision() == head
        if backend == "postgresql":
            assert _key_collations(reopened) == {"C"}
        assert list(reopened.iter_partitions("sales", "orders", page_size=5)) == before
        between = reopened.iter_partitions("sales", "orders", "year BETWEEN 'B' AND 'b'")
        assert [p.values for p in between] == [(y, m) for y in ("B", "a", "b") for m in ("1", "2")]


def test_sqlite_takes_statistics_when_a_large_batch_grows_the_table(
    catalog: Catalog, orders: None, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps its statistics")

    def sampled() -> int | None:
        with catalog.engine.connect() as conn:
            if not conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
            ).first():
                return None
            stat = conn.exec_driver_sql(
                "SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_partitions_table_k0_k1'"
            ).scalar()
            return int(stat.split()[0]) if stat else None

    catalog.batch_create_partitions("sales", "orders", [["2023", str(m)] for m in range(100)])
    assert sampled() is None  # small batches do not pay for it
    catalog.batch_create_partitions("sales", "orders", [["2024", str(m)] for m in range(1200)])
    first = sampled()
    assert first is not None and first > 1000
    catalog.batch_create_partitions("sales", "orders", [["2025", str(m)] for m in range(500)])
    assert sampled() == first  # grown by less than half
    catalog.batch_create_partitions("sales", "orders", [["2026", str(m)] for m in range(1000)])
    assert sampled() > first  # type: ignore[operator]
    assert catalog.count_partitions("sales", "orders", "month = 7") == 4


def test_a_large_batch_round_trips_and_fails_whole(catalog: Catalog, orders: None) -> None:
    """Batches of 1,000 or more take the bulk path (COPY on PostgreSQL): same rows, same errors."""
    batch: list[Any] = [["2024", str(m)] for m in range(1500)]
    batch[7] = {"values": ["2024", "7"], "location": "s3://x/7", "parameters": {"a": "ü"}}
    batch[8] = {"values": ["2024", "8"], "storage": {"serde_library": "csv.SerDe"}}
    assert catalog.batch_create_partitions("sales", "orders", batch) == 1500

    seventh = catalog.get_partition("sales", "orders", ["2024", "7"])
    assert (seventh.location, seventh.parameters, seventh.storage) == ("s3://x/7", {"a": "ü"}, None)
    eighth = catalog.get_partition("sales", "orders", ["2024", "8"])
    assert eighth.storage == {"serde_library": "csv.SerDe"}
    assert eighth.location == "s3://b/orders/year=2024/month=8"
    assert eighth.created_at == seventh.created_at == eighth.updated_at

    again = [["2025", str(m)] for m in range(1200)] + [["2024", "1234"]]
    with pytest.raises(AlreadyExistsError, match=r"\['2024', '1234'\]"):
        catalog.batch_create_partitions("sales", "orders", again)
    assert catalog.count_partitions("sales", "orders") == 1500
    assert catalog.batch_create_partitions("sales", "orders", again, if_not_exists=True) == 1200
    assert catalog.count_partitions("sales", "orders", "year = '2025'") == 1200
