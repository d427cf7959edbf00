"""The relational-database crawler source, against real SQLite files and the test PostgreSQL server."""

from __future__ import annotations

import importlib.util
import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

from glue_magics.catalog.names import normalize_name
from glue_magics.catalog.tables import validate_definition
from glue_magics.crawler.globs import glob_regex
from glue_magics.crawler.jdbc import (
    SourceDatabaseError,
    default_include_path,
    discover_tables,
    like_regex,
)
from glue_magics.crawler.jdbc_types import hive_type
from glue_magics.crawler.model import DiscoveredTable
from glue_magics.errors import GlueMagicsError, InvalidInputError


def by_name(tables: list[DiscoveredTable]) -> dict[str, DiscoveredTable]:
    return {t.name: t for t in tables}


def types_of(table: DiscoveredTable) -> dict[str, str]:
    return {c.name: c.type for c in table.definition.columns}


def assert_catalog_accepts(tables: list[DiscoveredTable]) -> None:
    """What the crawler hands on must pass the catalog's own checks unchanged."""
    for table in tables:
        assert normalize_name(table.name, "table name") == table.name
        checked = validate_definition(table.definition)
        assert checked.columns == table.definition.columns


# ---------------------------------------------------------------------------------------------
# SQLite


@pytest.fixture
def shop_db(tmp_path: Path) -> str:
    path = tmp_path / "shop.db"
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE TABLE "Orders" (
            id INTEGER PRIMARY KEY, "Total Amount" NUMERIC(10,2), price REAL, qty SMALLINT,
            note TEXT, code VARCHAR(8), raw BLOB, day DATE, at TIMESTAMP, untyped, flag BOOLEAN,
            big BIGINT, ratio DOUBLE, bare NUMERIC
        );
        CREATE TABLE order_items (order_id INTEGER, line INTEGER, sku TEXT,
                                  PRIMARY KEY (line, order_id));
        CREATE TABLE orders_old (id INTEGER);
        CREATE TABLE "my items" (a INTEGER, " a" TEXT, "a " TEXT);
        CREATE TABLE "select" ("from" INTEGER);
        CREATE TABLE customers (id INTEGER);
        CREATE VIEW big_orders AS SELECT id, "Total Amount" FROM "Orders" WHERE "Total Amount" > 100;
        """
    )
    con.close()
    return f"sqlite:///{path}"


def test_sqlite_tables_and_views_become_glue_style_definitions(shop_db: str) -> None:
    tables = discover_tables(shop_db, ["main/%"], connection_name="shop")

    # Sorted by table name ignoring case; one entry per table and view.
    assert [t.name for t in tables] == [
        "main_big_orders",
        "main_customers",
        "main_my_items",
        "main_order_items",
        "main_orders",
        "main_orders_old",
        "main_select",
    ]
    orders = by_name(tables)["main_orders"]
    assert orders.source == "main.Orders"
    d = orders.definition
    assert (d.location, d.classification, d.table_type) == (
        "main.Orders",
        "sqlite",
        "EXTERNAL_TABLE",
    )
    assert (d.input_format, d.output_format, d.serde_library) == (None, None, None)
    assert d.parameters == {
        "classification": "sqlite",
        "connectionName": "shop",
        "primaryKey": "id",
        "typeOfData": "table",
    }
    # SQLite keeps 64-bit integers and doubles whatever the declaration says.
    assert types_of(orders) == {
        "id": "bigint",
        "total amount": "decimal(10,2)",
        "price": "double",
        "qty": "bigint",
        "note": "string",
        "code": "string",
        "raw": "binary",
        "day": "date",
        "at": "timestamp",
        "untyped": "string",
        "flag": "boolean",
        "big": "bigint",
        "ratio": "double",
        "bare": "decimal(38,18)",
    }
    assert any("'untyped'" in n and "string" in n for n in orders.notes)
    assert any("'bare'" in n and "decimal(38,18)" in n for n in orders.notes)

    view = by_name(tables)["main_big_orders"]
    assert view.definition.parameters["typeOfData"] == "view"
    assert "primaryKey" not in view.definition.parameters
    assert [c.name for c in view.definition.columns] == ["id", "total amount"]
    # Primary keys keep key order, not column order.
    assert (
        by_name(tables)["main_order_items"].definition.parameters["primaryKey"] == "line,order_id"
    )
    assert_catalog_accepts(tables)


def test_sqlite_awkward_names_are_made_catalog_safe_with_notes(shop_db: str) -> None:
    tables = by_name(discover_tables(shop_db, ["main/my items", "main/select"]))

    items = tables["main_my_items"]
    assert items.source == "main.my items"
    assert items.definition.location == "main.my items"
    assert any("named 'main_my_items'" in n for n in items.notes)
    # "a", " a" and "a " are one name in the catalog: the later ones get suffixes.
    assert [c.name for c in items.definition.columns] == ["a", "a_2", "a_3"]
    assert sum("like another column" in n for n in items.notes) == 2
    keyword = tables["main_select"]
    assert [c.name for c in keyword.definition.columns] == ["from"]
    assert keyword.notes == ()
    assert_catalog_accepts(list(tables.values()))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("main/orders", ["main_orders"]),  # case-insensitive
        ("main/order%", ["main_order_items", "main_orders", "main_orders_old"]),
        ("main/%_old", ["main_orders_old"]),
        ("%/customers", ["main_customers"]),  # the database part may be a wildcard
        ("ma_n/cust_mers", ["main_customers"]),  # '_' is LIKE's one-character wildcard
        ("main/order\\_items", ["main_order_items"]),
        ("main/orders\\_", []),
        ("main/%big%", ["main_big_orders"]),
    ],
)
def test_sqlite_include_path_patterns(shop_db: str, path: str, expected: list[str]) -> None:
    assert [t.name for t in discover_tables(shop_db, [path])] == expected


def test_sqlite_several_include_paths_list_each_table_once(shop_db: str) -> None:
    tables = discover_tables(shop_db, ["main/orders%", "main/%orders", "main/customers"])
    assert [t.name for t in tables] == [
        "main_big_orders",
        "main_customers",
        "main_orders",
        "main_orders_old",
    ]


@pytest.mark.parametrize(
    ("exclude", "expected"),
    [
        (["*_old"], ["main_customers", "main_order_items", "main_orders"]),
        (["ORDERS*"], ["main_customers", "main_order_items"]),
        (["{customers,orders_old}"], ["main_order_items", "main_orders"]),
        (["order?items", "*old"], ["main_customers", "main_orders"]),
        (["[!o]*"], ["main_order_items", "main_orders", "main_orders_old"]),
        # Without schemas the glob sees only the table: a schema part never matches.
        (["main/*"], ["main_customers", "main_order_items", "main_orders", "main_orders_old"]),
    ],
)
def test_sqlite_exclude_globs_match_the_table_name(
    shop_db: str, exclude: list[str], expected: list[str]
) -> None:
    tables = discover_tables(shop_db, ["main/%o%s%"], exclude=exclude)
    assert [t.name for t in tables if t.name != "main_big_orders"] == expected


def test_include_path_must_name_the_urls_database(shop_db: str) -> None:
    with pytest.raises(InvalidInputError, match=r"does not match the database 'main'") as err:
        discover_tables(shop_db, ["main/%", "shop/%"])
    assert "\n" not in str(err.value)
    assert "'shop/%'" in str(err.value)


@pytest.mark.parametrize("path", ["main", "main/x/y", "main//", "/orders"])
def test_sqlite_include_path_needs_database_and_table(shop_db: str, path: str) -> None:
    with pytest.raises(InvalidInputError, match=r"needs database/table"):
        discover_tables(shop_db, [path])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///some/shop.db", "main/%"),
        ("postgresql+psycopg://etl@db.example.com:5432/dw", "dw/%/%"),
        ("mysql+pymysql://etl@db.example.com/shop", "shop/%"),
    ],
)
def test_default_include_path_fits_the_dialect(url: str, expected: str) -> None:
    assert default_include_path(url) == expected


def test_default_include_path_selects_every_table(shop_db: str) -> None:
    assert len(discover_tables(shop_db, [default_include_path(shop_db)])) == 7
    with pytest.raises(InvalidInputError, match=r"names no database"):
        default_include_path("postgresql+psycopg://etl@db.example.com")


def test_no_include_path_is_an_error(shop_db: str) -> None:
    with pytest.raises(InvalidInputError, match=r"at least one include path"):
        discover_tables(shop_db, [])


def test_a_single_string_is_one_include_path(shop_db: str) -> None:
    tables = discover_tables(shop_db, "main/customers")  # type: ignore[arg-type]
    assert [t.name for t in tables] == ["main_customers"]


def test_no_matching_table_gives_an_empty_list(shop_db: str, tmp_path: Path) -> None:
    assert discover_tables(shop_db, ["main/nothing%"]) == []
    assert discover_tables(shop_db, ["main/%"], exclude=["*"]) == []
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert discover_tables(f"sqlite:///{empty}", ["main/%"]) == []


def test_missing_sqlite_file_is_reported_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    with pytest.raises(SourceDatabaseError, match=r"^cannot connect to sqlite:///.*no such file"):
        discover_tables(f"sqlite:///{missing}", ["main/%"])
    assert not missing.exists()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://etl:hunter2@db.example.com/dw",
        "postgresql+psycopg://etl@db.example.com/dw?password=hunter2",
        "mysql+pymysql://etl:hunter2@db.example.com/dw?PWD=x",
    ],
)
def test_url_with_a_password_is_refused_without_echoing_it(url: str) -> None:
    with pytest.raises(InvalidInputError, match=r"secret reference") as err:
        discover_tables(url, ["dw/public/%"])
    assert "hunter2" not in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", r"invalid database URL 'not a url'"),
        ("jdbc:postgresql://db.example.com:5432/dw", r"not a JDBC one"),
        ("nosuchdialect://db.example.com/dw", r"no SQLAlchemy dialect 'nosuchdialect'"),
        ("", r"a database URL is needed"),
    ],
)
def test_bad_urls_are_one_line_input_errors(url: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as err:
        discover_tables(url, ["dw/public/%"])
    assert "\n" not in str(err.value)
    assert err.value.__cause__ is None


def test_missing_driver_says_what_to_install() -> None:
    if importlib.util.find_spec("pymysql") is not None:
        pytest.skip("pymysql is installed here")
    with pytest.raises(InvalidInputError, match=r"driver 'pymysql' .* pip install pymysql"):
        discover_tables("mysql+pymysql://etl@db.example.com/dw", ["dw/%"])


def test_exclude_pattern_errors_are_reported(shop_db: str) -> None:
    with pytest.raises(InvalidInputError, match=r"unclosed '\['"):
        discover_tables(shop_db, ["main/%"], exclude=["[abc"])
    with pytest.raises(InvalidInputError, match=r"unclosed '\{'"):
        discover_tables(shop_db, ["main/%"], exclude=["{a,b"])


def test_glob_and_like_translation() -> None:
    assert glob_regex("sales/*").fullmatch("sales/orders")
    assert not glob_regex("*").fullmatch("sales/orders")  # '*' stays within one part
    assert glob_regex("**").fullmatch("sales/orders")
    assert glob_regex("s?les/{a,b}*", ignore_case=True).fullmatch("SALES/b_items")
    assert not glob_regex("s?les/{a,b}*").fullmatch("SALES/b_items")
    assert glob_regex("**/_tmp/**").fullmatch("_tmp/x") and glob_regex("**/_tmp/**").fullmatch(
        "a/_tmp/x"
    )
    assert glob_regex("[!a]*").fullmatch("b1") and not glob_regex("[!a]*").fullmatch("a1")
    assert not glob_regex("s?les/{a,b}*").fullmatch("sales/c")
    assert glob_regex("a.b").fullmatch("a.b") and not glob_regex("a.b").fullmatch("axb")
    assert glob_regex("\\*").fullmatch("*") and not glob_regex("\\*").fullmatch("x")
    assert like_regex("a%b_").fullmatch("aXYZbQ")
    assert not like_regex("a\\%").fullmatch("aX")
    assert like_regex("a\\%").fullmatch("a%")
    assert like_regex("(x)+").fullmatch("(X)+")  # regex characters are literal


# ---------------------------------------------------------------------------------------------
# Type mapping for dialects without a test server (the types come from SQLAlchemy, not a driver)


@pytest.mark.parametrize(
    ("type_", "expected"),
    [
        (mysql.TINYINT(), "tinyint"),
        (mysql.TINYINT(display_width=1), "boolean"),
        (mysql.TINYINT(unsigned=True), "smallint"),
        (mysql.SMALLINT(unsigned=True), "int"),
        (mysql.MEDIUMINT(unsigned=True), "int"),
        (mysql.INTEGER(unsigned=True), "bigint"),
        (mysql.BIGINT(), "bigint"),
        (mysql.BIGINT(unsigned=True), "decimal(20,0)"),
        (mysql.FLOAT(), "float"),
        (mysql.DOUBLE(), "double"),
        (mysql.DECIMAL(12, 4), "decimal(12,4)"),
        (mysql.YEAR(), "int"),
        (mysql.BIT(1), "boolean"),
        (mysql.DATETIME(), "timestamp"),
        (mysql.ENUM("a", "b"), "string"),
        (mysql.SET("a", "b"), "string"),
        (mysql.JSON(), "string"),
        (mysql.LONGBLOB(), "binary"),
        (mysql.VARBINARY(16), "binary"),
        (mysql.TIME(), "string"),
    ],
)
def test_mysql_types(type_: Any, expected: str) -> None:
    hive, note = hive_type(type_, mysql.dialect())
    assert (hive, note) == (expected, None)


def test_types_without_a_hive_equivalent_become_string_with_a_note() -> None:
    hive, note = hive_type(mysql.BIT(8), mysql.dialect())
    assert hive == "string" and note is not None and "BIT(8)" in note
    hive, note = hive_type(postgresql.ARRAY(postgresql.INET()), postgresql.dialect())
    assert hive == "array<string>" and note is not None and "INET" in note
    hive, note = hive_type(postgresql.HSTORE(), postgresql.dialect())
    assert (hive, note) == ("map<string,string>", None)
    hive, note = hive_type(sa.Numeric(10, -2), postgresql.dialect())
    assert hive == "string" and note is not None


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def pg_execute(url: str, *statements: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


def db_of(url: str) -> str:
    name = sa.make_url(url).database
    assert name
    return name


@pytest.fixture
def pg_shop(pg_url: str) -> str:
    pg_execute(
        pg_url,
        "CREATE SCHEMA sales",
        'CREATE SCHEMA "Archive"',
        "CREATE TYPE sales.mood AS ENUM ('happy', 'sad')",
        "CREATE DOMAIN sales.positive AS integer CHECK (VALUE > 0)",
        """
        CREATE TABLE sales."Orders" (
            id bigserial PRIMARY KEY, "Select" integer, small smallint, amount numeric(12,3),
            unbounded numeric, huge numeric(50,2), r real, dp double precision, f float,
            b boolean, vc varchar(10), t text, ch char(2), u uuid, j json, jb jsonb,
            m sales.mood, d date, ts timestamp, tstz timestamptz, tm time, bin bytea,
            ints integer[], texts text[], iv interval, ip inet, pos sales.positive,
            "Ünïcode Col" text, "Mixed Case" text
        )
        """,
        "COMMENT ON TABLE sales.\"Orders\" IS 'every order'",
        "COMMENT ON COLUMN sales.\"Orders\".amount IS 'in euros'",
        'COMMENT ON COLUMN sales."Orders"."Ünïcode Col" IS \'ünïcode comment\'',
        "CREATE TABLE sales.order_items (order_id bigint, line int, PRIMARY KEY (order_id, line))",
        "CREATE TABLE sales.tmp_load (x int)",
        "CREATE TABLE sales.hr_people (x int)",
        'CREATE TABLE sales."Order Lines Café" (x int)',
        'CREATE TABLE sales."user" ("group" int)',
        'CREATE VIEW sales.big_orders AS SELECT id, amount FROM sales."Orders" WHERE amount > 100',
        'CREATE MATERIALIZED VIEW sales.order_counts AS SELECT count(*) AS n FROM sales."Orders"',
        'CREATE TABLE "Archive"."Orders_2020" (id int PRIMARY KEY)',
        'CREATE TABLE "Archive".hr_old (id int)',
        "CREATE TABLE public.settings (k text PRIMARY KEY, v text)",
    )
    return pg_url


@pytest.mark.postgres
def test_postgres_every_type_comment_key_and_view(pg_shop: str) -> None:
    db = db_of(pg_shop)
    tables = discover_tables(pg_shop, [f"{db}/sales/%"], connection_name="warehouse")
    named = by_name(tables)
    assert [t.name for t in tables] == [
        f"{db}_sales_big_orders",
        f"{db}_sales_hr_people",
        f"{db}_sales_order_lines_caf_",  # sorted by source name: "order lines café"
        f"{db}_sales_order_counts",
        f"{db}_sales_order_items",
        f"{db}_sales_orders",
        f"{db}_sales_tmp_load",
        f"{db}_sales_user",
    ]
    orders = named[f"{db}_sales_orders"]
    assert orders.source == "sales.Orders"
    d = orders.definition
    assert d.location == f"{db}.sales.Orders"
    assert d.classification == "postgresql"
    assert d.description == "every order"
    assert d.parameters == {
        "classification": "postgresql",
        "connectionName": "warehouse",
        "primaryKey": "id",
        "typeOfData": "table",
    }
    assert types_of(orders) == {
        "id": "bigint",
        "select": "int",
        "small": "smallint",
        "amount": "decimal(12,3)",
        "unbounded": "decimal(38,18)",
        "huge": "string",
        "r": "float",
        "dp": "double",
        "f": "double",
        "b": "boolean",
        "vc": "string",
        "t": "string",
        "ch": "string",
        "u": "string",
        "j": "string",
        "jb": "string",
        "m": "string",
        "d": "date",
        "ts": "timestamp",
        "tstz": "timestamp",
        "tm": "string",
        "bin": "binary",
        "ints": "array<int>",
        "texts": "array<string>",
        "iv": "string",
        "ip": "string",
        "pos": "int",
        "ünïcode col": "string",
        "mixed case": "string",
    }
    comments = {c.name: c.comment for c in d.columns if c.comment}
    assert comments == {"amount": "in euros", "ünïcode col": "ünïcode comment"}
    noted = {n.split("'")[1] for n in orders.notes}
    assert noted == {"unbounded", "huge", "iv", "ip"}

    view = named[f"{db}_sales_big_orders"]
    assert view.definition.parameters["typeOfData"] == "view"
    assert types_of(view) == {"id": "bigint", "amount": "decimal(12,3)"}
    assert named[f"{db}_sales_order_counts"].definition.parameters["typeOfData"] == "view"
    assert named[f"{db}_sales_order_items"].definition.parameters["primaryKey"] == "order_id,line"
    cafe = named[f"{db}_sales_order_lines_caf_"]
    assert cafe.source == "sales.Order Lines Café"
    assert cafe.notes and "cannot hold" in cafe.notes[0]
    assert types_of(named[f"{db}_sales_user"]) == {"group": "int"}
    assert_catalog_accepts(tables)


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("{db}/%/orders%", ["archive_orders_2020", "sales_orders"]),
        (
            "{db}/sa%/order%",
            ["sales_order_lines_caf_", "sales_order_counts", "sales_order_items", "sales_orders"],
        ),
        ("%/archive/%", ["archive_hr_old", "archive_orders_2020"]),
        ("{db}/public/%", ["public_settings"]),
        ("{db}/%/hr\\_%", ["archive_hr_old", "sales_hr_people"]),
        ("{db}/%/hr_old", ["archive_hr_old"]),
        ("{db}/sales/order_items", ["sales_order_items"]),
        ("{db}/sales/ORDER LINES CAF_", ["sales_order_lines_caf_"]),
        ("{db}/nosuchschema/%", []),
        ("{db}/sales/nosuchtable", []),
    ],
)
def test_postgres_include_paths_with_wildcards_in_each_part(
    pg_shop: str, pattern: str, expected: list[str]
) -> None:
    db = db_of(pg_shop)
    tables = discover_tables(pg_shop, [pattern.format(db=db)])
    assert [t.name.removeprefix(f"{db}_") for t in tables] == expected


@pytest.mark.postgres
def test_postgres_wildcard_schemas_skip_system_schemas_unless_named(pg_shop: str) -> None:
    db = db_of(pg_shop)
    everything = discover_tables(pg_shop, [default_include_path(pg_shop)])
    schemas = {t.source.split(".")[0] for t in everything}
    assert schemas == {"sales", "Archive", "public"}
    system = discover_tables(pg_shop, [f"{db}/information_schema/tables"])
    assert [t.source for t in system] == ["information_schema.tables"]
    assert system[0].definition.parameters["typeOfData"] == "view"


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("exclude", "left_out"),
    [
        (["sales/tmp_*"], {"sales.tmp_load"}),
        (["hr_*"], {"sales.hr_people", "Archive.hr_old"}),  # bare table name, as in Glue
        (["archive/**"], {"Archive.Orders_2020", "Archive.hr_old"}),
        (["*/{hr,tmp}_*"], {"sales.hr_people", "Archive.hr_old", "sales.tmp_load"}),
        (["public/*", "sales/*orders*"], {"public.settings", "sales.Orders", "sales.big_orders"}),
        (["orders"], {"sales.Orders"}),
        (["sales"], set()),  # a schema name alone excludes nothing
    ],
)
def test_postgres_exclude_globs_over_schema_and_table(
    pg_shop: str, exclude: list[str], left_out: set[str]
) -> None:
    db = db_of(pg_shop)
    every = {t.source for t in discover_tables(pg_shop, [f"{db}/%/%"])}
    kept = {t.source for t in discover_tables(pg_shop, [f"{db}/%/%"], exclude=exclude)}
    assert every - kept == left_out


@pytest.mark.postgres
def test_postgres_database_part_mismatch_and_path_shape(pg_shop: str) -> None:
    db = db_of(pg_shop)
    with pytest.raises(InvalidInputError, match=rf"does not match the database '{db}'"):
        discover_tables(pg_shop, ["otherdb/public/%"])
    with pytest.raises(InvalidInputError, match=r"needs database/schema/table"):
        discover_tables(pg_shop, [f"{db}/%"])


@pytest.mark.postgres
def test_postgres_url_without_database_uses_the_servers_default(pg_shop: str) -> None:
    # Without a database in the URL PostgreSQL connects to the one named like the user.
    url = pg_shop.rsplit("/", 1)[0]
    assert sa.make_url(url).database is None
    with pytest.raises(InvalidInputError, match=r"the database 'postgres'"):
        discover_tables(url, [f"{db_of(pg_shop)}/sales/%"])


@pytest.mark.postgres
def test_postgres_case_collisions_get_unique_names(pg_url: str) -> None:
    pg_execute(
        pg_url,
        'CREATE TABLE public."Events" (id int, "ID" int, "Id" text)',
        "CREATE TABLE public.events (id int)",
    )
    db = db_of(pg_url)
    tables = discover_tables(pg_url, [f"{db}/public/%"])
    names = [t.name for t in tables]
    assert len(set(names)) == 2
    assert names[0] == f"{db}_public_events"
    assert names[1].startswith(f"{db}_public_events_") and len(names[1]) == len(names[0]) + 9
    assert any("like another table" in n for n in tables[1].notes)
    upper = next(t for t in tables if t.source == "public.Events")
    assert [c.name for c in upper.definition.columns] == ["id", "id_2", "id_3"]
    assert_catalog_accepts(tables)


@pytest.mark.postgres
def test_postgres_password_is_injected_only_into_the_engine(
    pg_shop: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[sa.URL] = []
    real = sa.create_engine

    def spy(url: sa.URL, **kwargs: Any) -> sa.Engine:
        seen.append(url)
        return real(url, **kwargs)

    monkeypatch.setattr(sa, "create_engine", spy)
    db = db_of(pg_shop)
    tables = discover_tables(pg_shop, [f"{db}/public/%"], password="s3cret pw")
    assert [t.name for t in tables] == [f"{db}_public_settings"]
    assert [u.password for u in seen] == ["s3cret pw"]
    assert all("s3cret" not in str(v) for t in tables for v in t.definition.to_json().values())


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_server_is_a_one_line_error() -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/x"
    started = time.monotonic()
    with pytest.raises(SourceDatabaseError) as err:
        discover_tables(url, ["x/public/%"], password="s3cret")
    message = str(err.value)
    assert message == f"cannot connect to {url}: connection refused"
    assert isinstance(err.value, GlueMagicsError)
    # No driver exception chained for a traceback to show.
    assert err.value.__cause__ is None and err.value.__suppress_context__
    assert time.monotonic() - started < 10


@pytest.mark.postgres
def test_unknown_database_on_a_live_server(pg_admin_url: str) -> None:
    url = sa.make_url(pg_admin_url).set(database="glue_no_such_db").render_as_string()
    with pytest.raises(SourceDatabaseError, match=r'database "glue_no_such_db" does not exist$'):
        discover_tables(url, ["glue_no_such_db/public/%"])


@pytest.fixture
def statement_counter() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(sa.Engine, "before_cursor_execute", count)
    yield statements
    sa.event.remove(sa.Engine, "before_cursor_execute", count)


@pytest.mark.postgres
def test_postgres_thousand_tables_in_few_round_trips(
    pg_url: str, statement_counter: list[str]
) -> None:
    pg_execute(
        pg_url,
        "CREATE SCHEMA wide",
        """
        DO $$ BEGIN
          FOR i IN 1..1000 LOOP
            EXECUTE format(
              'CREATE TABLE wide.t%%s (id bigint PRIMARY KEY, name text, amount numeric(10,2))', i);
            EXECUTE format('COMMENT ON COLUMN wide.t%%s.name IS %%L', i, 'name ' || i);
          END LOOP;
        END $$
        """,
    )
    db = db_of(pg_url)
    statement_counter.clear()
    started = time.monotonic()
    tables = discover_tables(pg_url, [f"{db}/wide/%"], exclude=["wide/t1000"])
    elapsed = time.monotonic() - started

    assert len(tables) == 999
    assert len(statement_counter) < 30, statement_counter  # not one query per table
    assert elapsed < 20
    t7 = by_name(tables)[f"{db}_wide_t7"]
    assert [(c.name, c.type, c.comment) for c in t7.definition.columns] == [
        ("id", "bigint", None),
        ("name", "string", "name 7"),
        ("amount", "decimal(10,2)", None),
    ]
    assert t7.definition.parameters["primaryKey"] == "id"
