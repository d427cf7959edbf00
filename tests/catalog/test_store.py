"""The SQL store: opening and reopening, SQLite settings, migrations against models, change_seq."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import glue_magics.catalog.store as store
from glue_magics.catalog import Catalog, ColumnStatistics
from glue_magics.catalog.models import Base
from glue_magics.errors import GlueMagicsError, InvalidInputError, StoreUnavailableError

from .helpers import TableMaker, snapshot


def head_revision() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(Path(store.__file__).parent / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def test_reopening_a_catalog_keeps_its_data(
    catalog: Catalog, catalog_url: str, glue_home: Path, make_table: TableMaker
) -> None:
    make_table("orders", partitions=[["2023"], ["2024"]])
    catalog.update_table("sales", "orders", description="v2")
    catalog.create_connection("dw", "jdbc:postgresql://h/dw")
    before = snapshot(catalog)
    table = catalog.get_table("sales", "orders")

    with Catalog(catalog_url, home=glue_home) as second:
        assert snapshot(second) == before
        second.batch_create_partitions("sales", "orders", [["2025"]])
    catalog.close()

    with Catalog(catalog_url, home=glue_home) as reopened:
        assert reopened.get_table("sales", "orders") == table
        assert reopened.count_partitions("sales", "orders") == 3
        assert reopened.change_seq() == before["change_seq"] + 1
        with reopened.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head_revision()


def test_the_default_catalog_is_sqlite_in_the_home_folder(glue_home: Path) -> None:
    with Catalog() as default:
        default.create_database("sales")
        table = default.create_table("sales", "orders")

    assert (glue_home / "catalog.db").is_file()
    assert table.location == str(glue_home / "warehouse" / "sales" / "orders")


def test_the_catalog_url_and_warehouse_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLUE_MAGICS_CATALOG_URL", f"sqlite:///{tmp_path / 'elsewhere' / 'c.db'}")
    monkeypatch.setenv("GLUE_MAGICS_WAREHOUSE", str(tmp_path / "wh"))

    with Catalog() as cat:
        cat.create_database("sales")
        table = cat.create_table("sales", "orders")

    assert (tmp_path / "elsewhere" / "c.db").is_file()
    assert table.location == str(tmp_path / "wh" / "sales" / "orders")


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url: str, glue_home: Path) -> None:
    with Catalog(sqlite_url, home=glue_home) as cat, cat.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000

    raw = sqlite3.connect(glue_home / "catalog.db")
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


def test_migrations_and_models_agree(catalog: Catalog) -> None:
    with catalog.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_the_password_of_the_url_is_hidden(pg_url: str, glue_home: Path) -> None:
    # The throwaway server trusts local connections, so any password is accepted.
    url = sa.make_url(pg_url).set(password="hunter2").render_as_string(hide_password=False)

    with Catalog(url, home=glue_home) as cat:
        assert "hunter2" not in cat.url
        assert "hunter2" not in repr(cat)
        assert cat.url.startswith("postgresql+psycopg://")


@pytest.mark.parametrize("url", ["not a url", "://nothing", "sqlite//missing-colon"])
def test_an_invalid_catalog_url_is_refused(url: str) -> None:
    with pytest.raises(InvalidInputError, match="catalog URL") as info:
        Catalog(url)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("url", "match"),
    [
        ("foo://bar", "SQLite or PostgreSQL"),
        ("mysql://u@h/db", "SQLite or PostgreSQL"),
        ("postgresql+nosuchdriver://h/db", "unknown driver"),
        ("postgresql+psycopg://h:notaport/db", "port"),
        ("postgresql+psycopg://etl:s3cret@h:notaport/db", "port"),
        ("postgresql+nosuchdriver://etl:s3cret@h/db", "unknown driver"),
        ("foo://etl:s3cret@h/db", "SQLite or PostgreSQL"),
    ],
)
def test_an_unknown_dialect_or_a_bad_port_is_refused(url: str, match: str) -> None:
    with pytest.raises(InvalidInputError, match=match) as info:
        Catalog(url)
    assert "\n" not in str(info.value)
    assert "s3cret" not in str(info.value)
    assert "sqlite:///PATH or postgresql+psycopg://" in str(info.value)


@pytest.fixture
def closed_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_server_gives_a_one_line_error(closed_port: int) -> None:
    with pytest.raises(StoreUnavailableError) as info:
        Catalog(f"postgresql+psycopg://postgres:s3cret@127.0.0.1:{closed_port}/none")

    message = str(info.value)
    assert "\n" not in message
    assert f"127.0.0.1:{closed_port}" in message
    assert "s3cret" not in message
    assert isinstance(info.value, GlueMagicsError)


def test_a_server_that_goes_away_gives_a_one_line_error(catalog: Catalog, closed_port: int) -> None:
    catalog.create_database("sales")
    catalog.engine.dispose()
    # As if the server had stopped after the catalog was opened.
    catalog.engine = sa.create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{closed_port}/c")
    calls = {
        "read": lambda: catalog.list_databases(),
        "write": lambda: catalog.create_database("other"),
        "change-seq": lambda: catalog.change_seq(),
    }

    for label, call in calls.items():
        with pytest.raises(StoreUnavailableError, match=f"127.0.0.1:{closed_port}") as info:
            call()
        assert "\n" not in str(info.value), label
    with pytest.raises(StoreUnavailableError), catalog.transaction():
        catalog.create_database("other")


@pytest.mark.parametrize("kind", ["a-folder", "not-a-database"])
def test_a_sqlite_store_that_cannot_be_opened_gives_a_one_line_error(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / kind
    if kind == "a-folder":
        path.mkdir()
    else:
        path.write_text("just some text, " * 100)

    with pytest.raises(StoreUnavailableError, match=kind) as info:
        Catalog(f"sqlite:///{path}")
    assert "\n" not in str(info.value)


# -- change_seq: one step per write, none for reads or refused writes

LONG_STATS = {
    "Type": "LONG",
    "LongColumnStatisticsData": {"NumberOfNulls": 0, "NumberOfDistinctValues": 1},
}
WRITES: list[tuple[str, Callable[[Catalog], Any]]] = [
    ("create-database", lambda c: c.create_database("other")),
    ("update-database", lambda c: c.update_database("sales", description="d")),
    ("create-table", lambda c: c.create_table("sales", "new")),
    ("update-table", lambda c: c.update_table("sales", "orders", description="d")),
    ("restore-version", lambda c: c.restore_table_version("sales", "orders", 1)),
    ("add-partitions", lambda c: c.batch_create_partitions("sales", "orders", [["2025"]])),
    ("update-partitions", lambda c: c.batch_update_partitions("sales", "orders", [["2024"]])),
    ("delete-partitions", lambda c: c.batch_delete_partitions("sales", "orders", [["2024"]])),
    (
        "statistics",
        lambda c: c.update_column_statistics(
            "sales", "orders", [ColumnStatistics("id", "bigint", LONG_STATS)]
        ),
    ),
    ("delete-statistics", lambda c: c.delete_column_statistics("sales", "orders", "ID")),
    ("create-connection", lambda c: c.create_connection("dw", "jdbc:postgresql://h/dw")),
    ("delete-connection", lambda c: c.delete_connection("existing")),
    ("start-run", lambda c: c.start_run("etl", "x")),
    ("finish-run", lambda c: c.finish_run(c.list_runs()[0].id, "SUCCEEDED")),
    ("lineage", lambda c: c.add_lineage("a", "b")),
    ("dq-result", lambda c: c.record_dq_result("sales.orders", 1.0, [])),
    ("delete-table", lambda c: c.delete_table("sales", "orders")),
    ("delete-database", lambda c: c.delete_database("sales")),
]
READS: list[tuple[str, Callable[[Catalog], Any]]] = [
    ("get-database", lambda c: c.get_database("sales")),
    ("list-databases", lambda c: c.list_databases()),
    ("get-table", lambda c: c.get_table("sales", "orders")),
    ("list-tables", lambda c: c.list_tables("sales", "ord*")),
    ("search", lambda c: c.search_tables("orders")),
    ("versions", lambda c: c.list_table_versions("sales", "orders")),
    ("diff", lambda c: c.diff_table_versions("sales", "orders", 1, 1)),
    ("get-partitions", lambda c: c.get_partitions("sales", "orders", "year > '2000'")),
    ("get-partition", lambda c: c.get_partition("sales", "orders", ["2024"])),
    ("count-partitions", lambda c: c.count_partitions("sales", "orders")),
    ("iter-partitions", lambda c: list(c.iter_partitions("sales", "orders", page_size=1))),
    ("statistics", lambda c: c.get_column_statistics("sales", "orders")),
    ("connections", lambda c: c.list_connections()),
    ("connection", lambda c: c.get_connection("existing")),
    ("runs", lambda c: c.list_runs()),
    ("run-log", lambda c: c.run_log(c.list_runs()[0].id)),
    ("lineage", lambda c: c.get_lineage("a")),
    ("dq-results", lambda c: c.list_dq_results("sales.orders")),
]


@pytest.fixture
def busy(catalog: Catalog, make_table: TableMaker) -> None:
    make_table("orders", partitions=[["2024"]])
    catalog.create_connection("existing", "jdbc:postgresql://h/db")
    catalog.start_run("etl", "first")


@pytest.mark.usefixtures("busy")
def test_change_seq_grows_with_every_write(catalog: Catalog) -> None:
    seen = [catalog.change_seq()]
    for label, write in WRITES:
        write(catalog)
        seen.append(catalog.change_seq())
        assert seen[-1] > seen[-2], label


@pytest.mark.usefixtures("busy")
def test_change_seq_does_not_move_on_reads(catalog: Catalog) -> None:
    before = snapshot(catalog)

    for _, read in READS:
        read(catalog)

    assert snapshot(catalog) == before


@pytest.mark.usefixtures("busy")
def test_another_catalog_object_sees_the_change(
    catalog: Catalog, catalog_url: str, glue_home: Path
) -> None:
    with Catalog(catalog_url, home=glue_home) as watcher:
        seq = watcher.change_seq()
        catalog.create_database("other")
        assert watcher.change_seq() > seq
        assert [d.name for d in watcher.list_databases()] == ["other", "sales"]


def test_new_stores_opened_at_once_in_threads(tmp_path: Path) -> None:
    """Schema upgrades of catalogs opened by several threads of one process (a server's API and
    its scheduler) do not trip over each other."""
    from concurrent.futures import ThreadPoolExecutor

    def open_one(i: int) -> list[str]:
        with Catalog(f"sqlite:///{tmp_path / f'c{i}.db'}") as catalog:
            return [d.name for d in catalog.list_databases()]

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(open_one, range(8))) == [[]] * 8
