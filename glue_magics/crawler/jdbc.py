"""Discover the tables of a relational database the way Glue's JDBC crawler does, via SQLAlchemy.

Include paths
    ``database/schema/table`` for databases with schemas (PostgreSQL and others), ``database/table``
    for those without (MySQL/MariaDB, where a MySQL "database" is the schema, and SQLite, whose
    database is always ``main``). Each part is a SQL LIKE pattern, as in Glue, which hands the parts
    to the driver's metadata calls: ``%`` matches any run of characters and ``_`` any single
    character; ``\\%``, ``\\_`` and ``\\\\`` match those characters literally. Matching ignores
    case. The database part must match the database the URL connects to (Glue cannot switch
    databases either). A schema part with a wildcard never matches system schemas
    (``information_schema``, ``pg_catalog``, ...); spell one out, without ``%``, to crawl it.

Exclude patterns
    Globs matched, ignoring case, against the path *below the database*: ``schema/table`` for
    databases with schemas, ``table`` for the others. ``*`` and ``?`` stay within one part, ``**``
    crosses ``/``, ``[abc]``/``[!abc]`` are character classes and ``{a,b}`` alternatives. On
    databases with schemas a pattern without ``/`` is also tried against the bare table name, so
    Glue's example (include ``mydb/myschema/%``, exclude ``hr_*``) works as there.

Results
    One ``DiscoveredTable`` per table or view, sorted by schema and table:

    - ``name``: the include-path parts joined by ``_`` and lower-cased, Glue style:
      ``mydb_public_orders``, ``shop_orders`` (MySQL), ``main_orders`` (SQLite). Characters a
      catalog name cannot hold become ``_``; if two tables still end up with one name, the later
      ones get ``_`` and 8 hex digits of a hash of their source (with a note).
    - ``source``: ``schema.table`` as the database spells it (``main.orders`` for SQLite).
    - ``location``: ``database.schema.table`` (``database.table`` without schemas), Glue's JDBC
      location; ``classification``: the SQLAlchemy dialect name (``postgresql``, ``mysql``,
      ``sqlite``).
    - parameters: ``classification``, ``connectionName``, ``typeOfData`` (``table`` or ``view``;
      materialized views count as views) and, when the table has one, ``primaryKey`` (its columns,
      comma-separated, in key order).
    - columns: lower-cased names (collisions get ``_2``, ``_3``, ... with a note), Hive types from
      :mod:`glue_magics.crawler.jdbc_types`, comments kept; the table comment becomes the
      description. Input/output formats and SerDe are left empty.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, Inspector, make_url
from sqlalchemy.engine.reflection import ObjectKind
from sqlalchemy.pool import NullPool

from glue_magics.catalog.objects import Column, TableDefinition
from glue_magics.crawler.globs import glob_regex
from glue_magics.crawler.jdbc_types import hive_type
from glue_magics.crawler.model import DiscoveredTable
from glue_magics.errors import GlueMagicsError, InvalidInputError

#: Dialects whose include paths have no schema part: database/table.
SCHEMALESS_DIALECTS = frozenset({"sqlite", "mysql", "mariadb"})
SYSTEM_SCHEMAS = frozenset(
    {"information_schema", "pg_catalog", "pg_toast", "performance_schema", "mysql", "sys"}
)
CONNECT_TIMEOUT_SECONDS = 15
_PASSWORD_QUERY_KEYS = frozenset({"password", "passwd", "pwd"})
_MAX_NAME = 255
_NAME_CHARS = re.compile(r"[^a-z0-9_\-]")


class SourceDatabaseError(GlueMagicsError):
    """The database to crawl could not be reached or read."""


@dataclass(frozen=True)
class IncludePath:
    text: str
    database: re.Pattern[str]
    schema: re.Pattern[str] | None  # None where the dialect has no schema part
    schema_literal: str | None  # the schema part as a plain name; None if it has a '%'
    table: re.Pattern[str]


#: An exclude pattern as given and as a regex.
_Exclude = tuple[str, re.Pattern[str]]


@dataclass(frozen=True)
class _Found:
    schema: str
    table: str
    kind: str  # "table" or "view"


def discover_tables(
    url: str,
    include_paths: Sequence[str],
    *,
    exclude: Sequence[str] = (),
    password: str | None = None,
    connection_name: str = "",
) -> list[DiscoveredTable]:
    """The tables and views of the database at ``url`` that the include paths select.

    ``url`` is a SQLAlchemy URL without a password; ``password`` (read by the caller from the
    connection's secret reference) is added to it only to connect. ``connection_name`` is recorded
    in each table's ``connectionName`` parameter. See the module docstring for the path rules.
    """
    parsed = _parse_url(url)
    paths = _string_list(include_paths, "include path")
    if not paths:
        raise InvalidInputError("give at least one include path, e.g. mydb/public/%")
    excludes = [
        (p, glob_regex(p, ignore_case=True)) for p in _string_list(exclude, "exclude pattern")
    ]
    engine = _create_engine(parsed, password)
    try:
        dialect = engine.dialect.name
        schemaless = dialect in SCHEMALESS_DIALECTS
        includes = [parse_include_path(p, schemaless=schemaless) for p in paths]
        shown = parsed.render_as_string(hide_password=True)
        known_database = _database_from_url(parsed, dialect)
        if known_database is not None:
            _check_database(includes, known_database)
        with _connect(engine, shown, parsed) as conn:
            try:
                with warnings.catch_warnings():
                    # Unknown column types come back as NullType; the notes say so instead.
                    warnings.filterwarnings("ignore", category=sa.exc.SAWarning)
                    return _discover(
                        conn, dialect, includes, excludes, known_database, connection_name
                    )
            except sa.exc.DBAPIError as exc:
                raise SourceDatabaseError(
                    f"cannot read tables from {shown}: {_reason(exc)}"
                ) from None
    finally:
        engine.dispose()


def default_include_path(url: str) -> str:
    """The include path that selects every table of the URL's database: ``mydb/%/%``,
    ``mydb/%`` (MySQL) or ``main/%`` (SQLite)."""
    parsed = _parse_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return "main/%"
    if not parsed.database:
        raise InvalidInputError("the URL names no database; add it, e.g. .../mydb")
    # A name read as a LIKE pattern matches itself ('%' and '_' included); only '\\' escapes.
    database = parsed.database.replace("\\", "\\\\")
    return f"{database}/%" if backend in SCHEMALESS_DIALECTS else f"{database}/%/%"


# ---------------------------------------------------------------------------------------------
# URL, engine, connection


def _parse_url(url: str) -> URL:
    if not isinstance(url, str) or not url.strip():
        raise InvalidInputError("a database URL is needed, e.g. postgresql+psycopg://user@host/db")
    if url.strip().lower().startswith("jdbc:"):
        raise InvalidInputError(
            "the crawler needs a SQLAlchemy URL, not a JDBC one: e.g. "
            "postgresql+psycopg://user@host:5432/db"
        )
    try:
        parsed = make_url(url.strip())
    except sa.exc.ArgumentError:
        raise InvalidInputError(
            f"invalid database URL {_redact(url)!r}: use a SQLAlchemy URL such as "
            "postgresql+psycopg://user@host:5432/db or sqlite:///path/to/file.db"
        ) from None
    if parsed.password is not None or _PASSWORD_QUERY_KEYS & {k.lower() for k in parsed.query}:
        # Never echo the URL here: it holds the password.
        raise InvalidInputError(
            "the database URL contains a password; pass it through a connection secret "
            "reference (secret_ref='env:VAR' or 'keyring:SERVICE/USER') instead"
        )
    return parsed


def _redact(text: str) -> str:
    return re.sub(r"(://[^/:@]*:)[^@/]*@", r"\1***@", text)


def _create_engine(parsed: URL, password: str | None) -> Engine:
    target = parsed.set(password=password) if password is not None else parsed
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() in ("postgresql", "mysql", "mariadb") and (
        "connect_timeout" not in parsed.query
    ):
        # Without it an unreachable host can hang a crawl for minutes.
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    try:
        return sa.create_engine(target, poolclass=NullPool, connect_args=connect_args)
    except sa.exc.NoSuchModuleError:
        raise InvalidInputError(
            f"no SQLAlchemy dialect {parsed.drivername!r}: use postgresql+psycopg, mysql+pymysql, "
            "sqlite or another installed dialect"
        ) from None
    except ImportError as exc:
        module = exc.name or parsed.get_driver_name()
        raise InvalidInputError(
            f"the database driver {module!r} for {parsed.drivername} is not installed: "
            f"pip install {module}"
        ) from None


@contextmanager
def _connect(engine: Engine, shown: str, parsed: URL) -> Iterator[Connection]:
    database = parsed.database
    if (
        engine.dialect.name == "sqlite"
        and database
        and database != ":memory:"
        and "uri" not in parsed.query
        and not Path(database).is_file()
    ):
        # sqlite3 would create an empty file and find no tables; say what is wrong instead.
        raise SourceDatabaseError(f"cannot connect to {shown}: no such file {database}")
    try:
        conn = engine.connect()
    except sa.exc.DBAPIError as exc:
        raise SourceDatabaseError(f"cannot connect to {shown}: {_reason(exc)}") from None
    with conn:
        yield conn


def _reason(exc: sa.exc.DBAPIError) -> str:
    """The driver's message, one line, without libpq's 'connection to server at ... failed:'."""
    orig = exc.orig if exc.orig is not None else exc
    lines = str(orig).strip().splitlines()
    text = lines[0] if lines else ""
    if "failed:" in text:
        text = text.rsplit("failed:", 1)[1]
    text = " ".join(re.sub(r"^\s*(FATAL|ERROR):", "", text).split())
    if not text:
        return type(orig).__name__
    return text[0].lower() + text[1:]


# ---------------------------------------------------------------------------------------------
# Include paths and exclude patterns


def _string_list(value: Sequence[str] | str, what: str) -> list[str]:
    items = [value] if isinstance(value, str) else list(value)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise InvalidInputError(f"each {what} must be a non-empty string, got {item!r}")
    return [item.strip() for item in items]


def like_regex(pattern: str) -> re.Pattern[str]:
    """A SQL LIKE pattern (``%``, ``_``, backslash escapes) as a case-insensitive regex."""
    out = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "\\":
            out.append(re.escape(next(chars, "\\")))
        elif ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _like_literal(pattern: str) -> str | None:
    """The pattern read as a plain name (``_`` as itself), or None when it has a ``%``."""
    out = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "%":
            return None
        out.append(next(chars, "\\") if ch == "\\" else ch)
    return "".join(out)


def parse_include_path(path: str, *, schemaless: bool) -> IncludePath:
    parts = _split_path(path)
    expected = 2 if schemaless else 3
    if len(parts) != expected or not all(parts):
        shape = "database/table" if schemaless else "database/schema/table"
        raise InvalidInputError(
            f"invalid include path {path!r}: this database needs {shape}, with % as a wildcard"
        )
    if schemaless:
        return IncludePath(path, like_regex(parts[0]), None, None, like_regex(parts[1]))
    return IncludePath(
        path,
        like_regex(parts[0]),
        like_regex(parts[1]),
        _like_literal(parts[1]),
        like_regex(parts[2]),
    )


def _split_path(path: str) -> list[str]:
    """Split on '/' but not on an escaped '\\/' (kept escaped for the LIKE translation)."""
    parts, current = [], []
    chars = iter(path)
    for ch in chars:
        if ch == "\\":
            current += [ch, next(chars, "\\")]
        elif ch == "/":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _excluded(excludes: list[_Exclude], schema: str, table: str, schemaless: bool) -> bool:
    relative = table if schemaless else f"{schema}/{table}"
    for text, regex in excludes:
        if regex.fullmatch(relative):
            return True
        if not schemaless and "/" not in text and regex.fullmatch(table):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Discovery


def _database_from_url(parsed: URL, dialect: str) -> str | None:
    """The database the include paths must name, when the URL alone tells it."""
    if dialect == "sqlite":
        return "main"
    return parsed.database or None


def _check_database(includes: list[IncludePath], database: str) -> None:
    for include in includes:
        if not include.database.fullmatch(database):
            raise InvalidInputError(
                f"include path {include.text!r} does not match the database {database!r} the "
                f"URL connects to; start it with {database}/"
            )


def _database_from_server(conn: Connection, inspector: Inspector, dialect: str) -> str:
    if dialect == "postgresql":
        name = conn.exec_driver_sql("SELECT current_database()").scalar()
    else:
        name = inspector.default_schema_name
    if not name:
        raise InvalidInputError("the URL names no database; add it, e.g. .../mydb")
    return str(name)


def _discover(
    conn: Connection,
    dialect: str,
    includes: list[IncludePath],
    excludes: list[_Exclude],
    known_database: str | None,
    connection_name: str,
) -> list[DiscoveredTable]:
    inspector = sa.inspect(conn)
    database = known_database or _database_from_server(conn, inspector, dialect)
    if known_database is None:
        _check_database(includes, database)
    found = _select(inspector, dialect, database, includes, excludes)
    names_by_schema: dict[str, list[str]] = {}
    for item in found:
        names_by_schema.setdefault(item.schema, []).append(item.table)

    columns: dict[tuple[str | None, str], Any] = {}
    keys: dict[tuple[str | None, str], Any] = {}
    comments: dict[tuple[str | None, str], Any] = {}
    for schema, names in names_by_schema.items():
        # One query per kind of metadata and schema, not one round trip per table.
        multi: dict[str, Any] = {"schema": schema, "filter_names": names, "kind": ObjectKind.ANY}
        columns.update(_keyed(inspector.get_multi_columns(**multi), schema))
        keys.update(_keyed(inspector.get_multi_pk_constraint(**multi), schema))
        if conn.dialect.supports_comments:
            comments.update(_keyed(inspector.get_multi_table_comment(**multi), schema))

    taken: set[str] = set()
    return [
        _build(
            item,
            database=database,
            dialect=conn.dialect,
            schemaless=dialect in SCHEMALESS_DIALECTS,
            columns=columns.get((item.schema, item.table)) or [],
            primary_key=(keys.get((item.schema, item.table)) or {}).get("constrained_columns")
            or [],
            comment=(comments.get((item.schema, item.table)) or {}).get("text"),
            connection_name=connection_name,
            taken=taken,
        )
        for item in found
    ]


def _keyed(reflected: dict[tuple[str | None, str], Any], schema: str) -> dict[Any, Any]:
    # Some dialects key the default schema as None rather than by name.
    return {(schema, table): value for (_, table), value in reflected.items()}


def _select(
    inspector: Inspector,
    dialect: str,
    database: str,
    includes: list[IncludePath],
    excludes: list[_Exclude],
) -> list[_Found]:
    schemaless = dialect in SCHEMALESS_DIALECTS
    all_schemas = [database] if schemaless else list(inspector.get_schema_names())
    listed: dict[str, dict[str, str]] = {}
    chosen: dict[tuple[str, str], _Found] = {}
    for include in includes:
        for schema in all_schemas:
            if include.schema is not None:
                if not include.schema.fullmatch(schema):
                    continue
                literal = include.schema_literal
                if _is_system_schema(schema) and (
                    literal is None or literal.lower() != schema.lower()
                ):
                    continue
            if schema not in listed:
                listed[schema] = _list_relations(inspector, schema)
            for table, kind in listed[schema].items():
                if (schema, table) in chosen or not include.table.fullmatch(table):
                    continue
                if _excluded(excludes, schema, table, schemaless):
                    continue
                chosen[(schema, table)] = _Found(schema, table, kind)
    return [chosen[key] for key in sorted(chosen, key=lambda k: (k[0].lower(), k[1].lower(), k))]


def _is_system_schema(schema: str) -> bool:
    lowered = schema.lower()
    return lowered in SYSTEM_SCHEMAS or lowered.startswith(("pg_temp", "pg_toast"))


def _list_relations(inspector: Inspector, schema: str) -> dict[str, str]:
    relations = dict.fromkeys(inspector.get_table_names(schema=schema), "table")
    views = list(inspector.get_view_names(schema=schema))
    with suppress(NotImplementedError):  # only some dialects have materialized views
        views += inspector.get_materialized_view_names(schema=schema)
    relations.update(dict.fromkeys(views, "view"))
    return relations


def _build(
    item: _Found,
    *,
    database: str,
    dialect: sa.engine.Dialect,
    schemaless: bool,
    columns: list[dict[str, Any]],
    primary_key: list[str],
    comment: str | None,
    connection_name: str,
    taken: set[str],
) -> DiscoveredTable:
    notes: list[str] = []
    parts = [database, item.table] if schemaless else [database, item.schema, item.table]
    source = f"{item.schema}.{item.table}"
    name = _catalog_name(parts, source, taken, notes)

    out_columns: list[Column] = []
    renamed: dict[str, str] = {}
    used: set[str] = set()
    for column in columns:
        raw = str(column["name"])
        col_name = _column_name(raw, len(out_columns), used, notes)
        renamed[raw] = col_name
        hive, why = hive_type(column["type"], dialect)
        if why:
            notes.append(f"column {col_name!r}: {why}")
        out_columns.append(Column(col_name, hive, column.get("comment") or None))

    parameters = {
        "classification": dialect.name,
        "connectionName": connection_name,
        "typeOfData": item.kind,
    }
    if primary_key:
        parameters["primaryKey"] = ",".join(renamed.get(c, c.lower()) for c in primary_key)
    definition = TableDefinition(
        columns=tuple(out_columns),
        location=".".join(parts),
        classification=dialect.name,
        parameters=parameters,
        table_type="EXTERNAL_TABLE",
        description=comment or None,
    )
    return DiscoveredTable(name=name, source=source, definition=definition, notes=tuple(notes))


def _catalog_name(parts: list[str], source: str, taken: set[str], notes: list[str]) -> str:
    plain = "_".join(parts).lower()
    name = _NAME_CHARS.sub("_", plain)
    if name.startswith("-"):
        name = "_" + name
    if name != plain:
        notes.append(f"{source!r} has characters a catalog name cannot hold; named {name!r}")
    digest = hashlib.sha1(source.encode()).hexdigest()[:8]
    if len(name) > _MAX_NAME:
        name = f"{name[: _MAX_NAME - 9]}_{digest}"
        notes.append(f"{source!r} gives a name over {_MAX_NAME} characters; shortened to {name!r}")
    if name in taken:
        unique = f"{name[: _MAX_NAME - 9]}_{digest}"
        notes.append(f"{source!r} would be named {name!r} like another table; named {unique!r}")
        name = unique
    taken.add(name)
    return name


def _column_name(raw: str, index: int, used: set[str], notes: list[str]) -> str:
    # The catalog strips and lower-cases column names and wants printable text; do it here so
    # that two names that only differ in case or spacing are caught before the catalog refuses them.
    name = "".join(ch if ch.isprintable() else "_" for ch in raw.strip().lower())[:_MAX_NAME]
    if not name:
        name = f"col_{index}"
    if name in used:
        base, n = name[: _MAX_NAME - 6], 2
        while f"{base}_{n}" in used:
            n += 1
        unique = f"{base}_{n}"
        notes.append(
            f"column {raw!r} would be named {name!r} like another column; named {unique!r}"
        )
        name = unique
    used.add(name)
    return name
