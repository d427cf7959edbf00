"""Tables a database crawl found, read by Spark over JDBC, with key-based job bookmarks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from glue_magics.catalog import Catalog
from glue_magics.crawler.run import crawl
from glue_magics.errors import InvalidInputError
from glue_magics.etl.jdbc_target import JARS
from glue_magics.spark.catalog_bridge import CatalogBridge
from tests.spark.test_etl import etl, read


@pytest.fixture
def shop(spark, cat: Catalog, pg_url: str) -> Iterator[tuple[Catalog, object, str]]:  # type: ignore[no-untyped-def]
    """A PostgreSQL table of orders with a serial key and a timestamp, crawled into `shop`."""
    import sqlalchemy as sa

    if JARS["postgresql"] not in spark.conf.get("spark.jars", ""):
        pytest.skip("the Spark session has no PostgreSQL JDBC driver (./dev test installs it)")
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE orders (id serial PRIMARY KEY, amount numeric(8,2), "
                "placed timestamp NOT NULL)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO orders (amount, placed) VALUES (1.5, '2024-01-01 10:00'), "
                "(2.5, '2024-01-01 11:00'), (3.5, '2024-01-02 09:00')"
            )
        )
    crawl(cat, [pg_url], "shop", name="shop_db")
    [table] = cat.list_tables("shop")
    yield cat, engine, f"shop.{table.name}"
    engine.dispose()


def add_orders(engine, *amounts: float, placed: str = "2024-01-03 08:00") -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    with engine.begin() as conn:
        for amount in amounts:
            conn.execute(
                sa.text("INSERT INTO orders (amount, placed) VALUES (:a, :p)"),
                {"a": amount, "p": placed},
            )


def test_sql_reads_a_crawled_database_table(spark, shop) -> None:  # type: ignore[no-untyped-def]
    cat, engine, name = shop
    CatalogBridge(cat).ensure(spark, [name])
    assert spark.sql(f"SELECT count(*), sum(amount) FROM {name}").first() == (3, 7.5)
    add_orders(engine, 10.0)
    assert spark.sql(f"SELECT max(amount) FROM {name}").first()[0] == 10  # live, not a copy


@pytest.mark.parametrize("key", ["id", "placed", None])
def test_bookmark_reads_only_new_rows(spark, shop, key: str | None) -> None:  # type: ignore[no-untyped-def]
    cat, engine, name = shop
    options = dict(sources=[f"o={name}"], target="analytics.copy", mode="append", bookmark=True)
    if key:
        options["bookmark_key"] = key
    body = "SELECT id, amount FROM o"
    assert etl(spark, cat, body, **options).rows_written == 3
    assert etl(spark, cat, body, **options).rows_written == 0  # nothing new
    add_orders(engine, 4.5, 5.5)
    assert etl(spark, cat, body, **options).rows_written == 2
    assert sorted(r[0] for r in read(spark, cat, "analytics.copy")) == [1, 2, 3, 4, 5]
    state = cat.get_bookmark("analytics.copy", name).state
    assert state["key"] == (key or "id")
    assert state["last"] == (5 if key != "placed" else "2024-01-03 08:00:00")


def test_failed_run_keeps_the_bookmark(spark, shop) -> None:  # type: ignore[no-untyped-def]
    cat, engine, name = shop
    options = dict(sources=[f"o={name}"], target="analytics.copy", mode="append", bookmark=True)
    etl(spark, cat, "SELECT id, amount FROM o", **options)
    add_orders(engine, 4.5)
    with pytest.raises(Exception, match="is not true"):
        etl(
            spark,
            cat,
            "SELECT id, CAST(assert_true(amount < 0) AS DECIMAL(8,2)) AS amount FROM o",
            **options,
        )
    assert cat.get_bookmark("analytics.copy", name).state["last"] == 3
    assert etl(spark, cat, "SELECT id, amount FROM o", **options).rows_written == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"bookmark_key": "nope"}, "--bookmark-key 'nope' is not a column"),
        ({"sources": ["o=raw.orders"], "bookmark_key": "order_id"}, "is for database sources"),
    ],
)
def test_bad_bookmark_keys(spark, shop, options: dict, message: str) -> None:  # type: ignore[no-untyped-def]
    cat, _engine, name = shop
    options = {"sources": [f"o={name}"], "target": "analytics.copy", "bookmark": True, **options}
    with pytest.raises(InvalidInputError, match=message):
        etl(spark, cat, "SELECT * FROM o", **options)
    assert cat.list_tables("analytics") == []


def test_changing_the_key_asks_for_a_reset(spark, shop) -> None:  # type: ignore[no-untyped-def]
    cat, _engine, name = shop
    options = dict(sources=[f"o={name}"], target="analytics.copy", mode="append", bookmark=True)
    etl(spark, cat, "SELECT id, amount FROM o", **options)
    with pytest.raises(InvalidInputError, match="follows 'id'; reset it"):
        etl(spark, cat, "SELECT id, amount FROM o", bookmark_key="placed", **options)
