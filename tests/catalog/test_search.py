"""Search over database and table names, columns and their comments, descriptions, parameters."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config

import glue_magics.catalog.store as store
from glue_magics.catalog import Catalog, Column
from glue_magics.errors import InvalidInputError

from .helpers import cols, refused, refused_by_each


@pytest.fixture
def shop(catalog: Catalog) -> None:
    # Explicit locations keep words of the test's temporary path out of the searched text.
    catalog.create_database("shop", location_uri="s3://bucket/shop")
    catalog.create_database("archive", location_uri="s3://bucket/archive")
    catalog.create_table(
        "shop",
        "orders",
        columns=[Column("order_id", "bigint"), Column("cust_ref", "bigint", "Buyer reference")],
        description="All purchases",
        parameters={"team": "finance"},
    )
    catalog.create_table(
        "shop",
        "customers",
        columns=cols("customer_id bigint", "full_name string"),
        description="People who buy things",
    )
    catalog.create_table(
        "shop",
        "events",
        columns=cols("event_time timestamp", "pct_done double"),
        partition_keys=cols("dt date"),
        description="Monthly revenue report",
        parameters={"orders_source": "kafka"},
    )
    catalog.create_table("archive", "old_orders", columns=cols("id bigint"))


def found(catalog: Catalog, text: str, **options: int) -> list[str]:
    return [t.qualified_name for t in catalog.search_tables(text, **options)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("customer_id", ["shop.customers"]),
        ("buyer", ["shop.orders"]),
        ("finance", ["shop.orders"]),
        ("team", ["shop.orders"]),
        ("kafka", ["shop.events"]),
        ("purchases", ["shop.orders"]),
        ("event_time", ["shop.events"]),
        ("dt", ["shop.events"]),
        ("archive", ["archive.old_orders"]),
        ("PEOPLE", ["shop.customers"]),
        ("nothing_like_this", []),
    ],
)
def test_search_matches_names_columns_comments_descriptions_and_parameters(
    catalog: Catalog, shop: None, text: str, expected: list[str]
) -> None:
    assert found(catalog, text) == expected


def test_a_database_name_finds_all_its_tables(catalog: Catalog, shop: None) -> None:
    assert sorted(found(catalog, "shop")) == ["shop.customers", "shop.events", "shop.orders"]


def test_every_word_must_match(catalog: Catalog, shop: None) -> None:
    assert found(catalog, "revenue kafka") == ["shop.events"]
    assert found(catalog, "revenue finance") == []
    assert found(catalog, "shop orders finance") == ["shop.orders"]


def test_a_quoted_phrase_is_one_word(catalog: Catalog, shop: None) -> None:
    assert found(catalog, '"revenue report"') == ["shop.events"]
    assert found(catalog, '"report revenue"') == []
    assert found(catalog, "report revenue") == ["shop.events"]


def test_name_matches_rank_first(catalog: Catalog, shop: None) -> None:
    # orders: the name itself; old_orders: in the name; events: only in a parameter key.
    assert found(catalog, "orders") == ["shop.orders", "archive.old_orders", "shop.events"]
    assert found(catalog, "customer")[0] == "shop.customers"


def test_limit_keeps_the_best_matches(catalog: Catalog, shop: None) -> None:
    assert found(catalog, "orders", limit=1) == ["shop.orders"]
    assert found(catalog, "orders", limit=2) == ["shop.orders", "archive.old_orders"]


def test_wildcard_characters_are_literal(catalog: Catalog, shop: None) -> None:
    assert found(catalog, "pct_done") == ["shop.events"]
    assert found(catalog, "pct%") == []
    assert found(catalog, "t_d") == ["shop.events"]
    assert found(catalog, "tXd") == []
    assert found(catalog, "order_i_") == []


def test_search_follows_updates_and_deletes(catalog: Catalog, shop: None) -> None:
    catalog.update_table("shop", "orders", description="Confirmed sales")

    assert found(catalog, "confirmed") == ["shop.orders"]
    assert found(catalog, "purchases") == []
    catalog.delete_table("shop", "orders")
    assert found(catalog, "confirmed") == []
    catalog.delete_database("archive")
    assert found(catalog, "old_orders") == []


def test_search_returns_full_tables(catalog: Catalog, shop: None) -> None:
    (result,) = catalog.search_tables("buyer")

    assert result == catalog.get_table("shop", "orders")


@pytest.mark.parametrize("text", ["", "   "])
def test_search_needs_a_word(catalog: Catalog, shop: None, text: str) -> None:
    with refused(catalog, InvalidInputError, match="word"):
        catalog.search_tables(text)


def test_a_negative_search_limit_is_refused(catalog: Catalog, shop: None) -> None:
    with refused(catalog, InvalidInputError):
        catalog.search_tables("orders", limit=-1)


def test_a_search_limit_that_is_not_a_positive_number_is_refused(
    catalog: Catalog, shop: None
) -> None:
    limits: list[Any] = [0, True, "5", 2.0, None, 2**63]
    calls = {repr(n): partial(catalog.search_tables, "orders", limit=n) for n in limits}
    refused_by_each(catalog, InvalidInputError, calls, match="limit")


def test_search_does_not_match_words_of_locations(catalog: Catalog, shop: None) -> None:
    catalog.create_table("shop", "zebra_facts", location="s3://warehouse-home/team/zoo")
    catalog.create_database("lake")
    stripes = catalog.create_table("lake", "stripes")  # in the warehouse, under the home folder
    home_words = [w for w in str(catalog.settings.warehouse).lower().split("/") if w]

    assert stripes.location.startswith(str(catalog.settings.warehouse))
    assert home_words and all(found(catalog, w) == [] for w in home_words)
    assert found(catalog, "zoo") == []
    assert found(catalog, "warehouse-home") == []
    assert found(catalog, "bucket") == []
    assert found(catalog, "s3") == []
    assert found(catalog, "zebra") == ["shop.zebra_facts"]
    assert found(catalog, "stripes") == ["lake.stripes"]
    catalog.update_table("lake", "stripes", location="s3://b/zoo")
    assert found(catalog, "zoo") == []


def test_opening_an_older_catalog_drops_locations_from_search(
    catalog: Catalog, shop: None, catalog_url: str, glue_home: Path
) -> None:
    """Migration 0004 recomputes the search text of tables stored before it (and its downgrade
    puts the location back)."""
    catalog.create_table("shop", "zebra_facts", location="s3://b/zoo", description="Stripes")
    before = {t.qualified_name: t for t in catalog.search_tables("shop")}
    config = Config()
    config.set_main_option("script_location", str(Path(store.__file__).parent / "migrations"))
    with catalog.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
    assert found(catalog, "zoo") == ["shop.zebra_facts"]
    catalog.close()

    with Catalog(catalog_url, home=glue_home) as reopened:
        assert found(reopened, "zoo") == []
        assert found(reopened, "stripes") == ["shop.zebra_facts"]
        assert {t.qualified_name: t for t in reopened.search_tables("shop")} == before
