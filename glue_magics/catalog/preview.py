"""What front-ends show at a glance: pages of a database's tables, and the first rows of a table.

Browsing: ``list_table_page`` reads one page of a database's tables in name order, and only that
page's definitions, so a database of 10,000 tables lists as fast as one of 200 (``list_tables`` reads
every definition); ``list_partition_page`` pages through a million partitions in index order;
``table_counts`` counts the tables of every database in one query.

Preview: the first rows of a catalog table, read straight from its files or its database, without Spark.

File tables (parquet, csv, json, avro, orc) are read with pyarrow (fastavro for Avro) through fsspec,
file by file and partition by partition, until enough rows are in: a preview never scans a table.
Partitioned tables read only the partitions a Glue partition expression selects, in the order of
their values, and show the partition keys as the last columns, as Spark and Athena do. Tables a JDBC
crawl found are read through SQLAlchemy with a ``LIMIT``, using the crawler's (or the connection's)
URL and secret reference.

Values come back JSON-ready: dates and times as ISO text, decimals and integers beyond 2**53 as text
(JavaScript would round them), binary as hex, long text cut.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from datetime import time as time_of_day
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from glue_magics.catalog.objects import Column, Partition, PartitionPage, Table, TableDefinition
from glue_magics.catalog.sources import database_source, is_database_table
from glue_magics.errors import GlueMagicsError, InvalidInputError

if TYPE_CHECKING:
    from glue_magics.catalog.api import Catalog

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
#: Stop looking for rows after this many partitions or files (a filter that matches nothing in
#: the first ones must not turn a preview into a scan).
MAX_PARTITIONS = 200
MAX_FILES = 500
#: ... or after this many seconds, with whatever rows were found.
TIME_BUDGET_S = 5.0
MAX_TEXT = 1000
_JS_SAFE_INT = 2**53
_JSON_CHUNK = 1 << 20
_JSON_MAX = 64 << 20  # bytes one JSON value may take
FILE_FORMATS = ("parquet", "csv", "json", "avro", "orc")


class PreviewError(GlueMagicsError):
    """The table exists and the request is fine, but its data could not be read."""


@dataclass(frozen=True)
class Preview:
    database: str
    table: str
    #: data columns, then the partition keys
    columns: list[Column]
    partition_keys: list[str]
    rows: list[list[Any]]
    #: True when the table (or the partitions the expression selects) may hold more rows
    more: bool
    #: the format read (parquet, csv, ...) or the SQLAlchemy dialect of a JDBC table
    source: str
    files_read: int = 0
    partitions_read: int = 0
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def check_preview_limit(limit: object) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError(
            f"limit must be a whole number from 1 to {MAX_LIMIT}, got {limit!r}"
        )
    return limit


def preview_table(
    catalog: Catalog,
    database: str,
    table: str,
    *,
    limit: int = DEFAULT_LIMIT,
    expression: str | None = None,
) -> Preview:
    """The first ``limit`` rows of ``database.table`` (partitions filtered by ``expression``)."""
    check_preview_limit(limit)
    started = time.monotonic()
    found = catalog.get_table(database, table)
    definition = found.definition
    if expression is not None and not isinstance(expression, str):
        raise InvalidInputError("a partition expression must be a string")
    if expression and expression.strip() and not definition.partition_keys:
        raise InvalidInputError(
            f"table {found.qualified_name} has no partition keys to filter with an expression"
        )
    if is_database_table(found):
        result = _preview_jdbc(catalog, found, limit)
    else:
        result = _preview_files(catalog, found, limit, expression)
    return _finish(result, time.monotonic() - started)


def _finish(result: Preview, seconds: float) -> Preview:
    rows = [[json_value(v) for v in row] for row in result.rows]
    return replace(result, rows=rows, seconds=round(seconds, 4))


# ---------------------------------------------------------------------------------------------
# browsing


@dataclass(frozen=True)
class TablePage:
    tables: list[Table]
    #: pass it back for the next page; None on the last one
    next_token: str | None
    #: how many tables (matching the pattern) the database has in all
    total: int


def list_table_page(
    catalog: Catalog,
    database: str,
    *,
    pattern: str | None = None,
    limit: int = 200,
    next_token: str | None = None,
) -> TablePage:
    """One page of the tables of ``database`` in name order; ``pattern`` as in ``list_tables``
    (Glue's ``ord*``). ``next_token`` is the ``next_token`` of the previous page."""
    from sqlalchemy import func, select

    from glue_magics.catalog.models import TableRow
    from glue_magics.catalog.tables import pattern_regex
    from glue_magics.catalog.validation import check_limit

    check_limit(limit)
    regex = pattern_regex(pattern) if pattern else None
    after = ""
    if next_token is not None:
        if not isinstance(next_token, str) or not next_token:
            raise InvalidInputError(
                f"invalid next_token {next_token!r}: pass the next_token of the previous page"
            )
        after = next_token

    def run(session: Any) -> TablePage:
        db = catalog._database_row(session, database)
        in_db = TableRow.database_id == db.id
        prefix = _plain_prefix(pattern)
        if regex is None or prefix is not None:
            # No pattern, or a plain prefix (`ord*`): the (database, name) index serves it.
            where = [in_db]
            if prefix is not None:
                where.append(TableRow.name.startswith(prefix, autoescape=True))
            total = session.execute(select(func.count()).where(*where)).scalar_one()
            page = session.execute(
                select(TableRow.id, TableRow.name)
                .where(*where, TableRow.name > after)
                .order_by(TableRow.name)
                .limit(limit + 1)
            ).all()
        else:
            # Names only: matching 10,000 of them in Python costs milliseconds.
            names = session.execute(
                select(TableRow.id, TableRow.name).where(in_db).order_by(TableRow.name)
            ).all()
            matching = [r for r in names if regex.fullmatch(r.name)]
            total = len(matching)
            page = [r for r in matching if r.name > after][: limit + 1]
        ids = [r.id for r in page[:limit]]
        rows = session.execute(
            select(
                TableRow.name,
                TableRow.definition,
                TableRow.version,
                TableRow.created_at,
                TableRow.updated_at,
            )
            .where(TableRow.id.in_(ids))
            .order_by(TableRow.name)
        ).all()
        tables = [
            Table(
                db.name,
                r.name,
                TableDefinition.from_json(r.definition),
                r.version,
                r.created_at,
                r.updated_at,
            )
            for r in rows
        ]
        more = len(page) > limit
        return TablePage(tables, tables[-1].name if more and tables else None, total)

    return catalog._read(run)


_PLAIN_PREFIX = re.compile(r"([a-z0-9_-]*)\*")


def _plain_prefix(pattern: str | None) -> str | None:
    """``ord*`` -> ``ord``: a pattern that is a literal name start (names are lower-case)."""
    if not pattern:
        return None
    found = _PLAIN_PREFIX.fullmatch(pattern.strip().lower())
    return found.group(1) if found else None


def list_partition_page(
    catalog: Catalog,
    database: str,
    table: str,
    expression: str | None = None,
    *,
    limit: int = 100,
    next_token: str | None = None,
) -> PartitionPage:
    """One page of a table's partitions, for browsing: ``get_partitions``, which pages in the
    order of the values along the store's (table, k0, k1) index, in milliseconds even for a
    million partitions, with or without an expression."""
    return catalog.get_partitions(database, table, expression, limit=limit, next_token=next_token)


def table_counts(catalog: Catalog) -> dict[str, int]:
    """Database name -> how many tables it has (0 included), in one query."""
    from sqlalchemy import func, select

    from glue_magics.catalog.models import DatabaseRow, TableRow

    query = (
        select(DatabaseRow.name, func.count(TableRow.id))
        .outerjoin(TableRow, TableRow.database_id == DatabaseRow.id)
        .group_by(DatabaseRow.name)
    )
    return catalog._read(lambda s: {name: count for name, count in s.execute(query).all()})


# ---------------------------------------------------------------------------------------------
# files


@dataclass
class _Reading:
    """Rows gathered so far, across files and partitions."""

    limit: int
    deadline: float
    rows: list[list[Any]] = field(default_factory=list)
    files: int = 0
    partitions: int = 0
    notes: list[str] = field(default_factory=list)
    more: bool = False

    @property
    def wanted(self) -> int:
        # One row beyond the limit tells whether there is more.
        return self.limit + 1 - len(self.rows)

    def done(self) -> bool:
        return self.wanted <= 0 or self.files >= MAX_FILES or time.monotonic() > self.deadline


def _preview_files(catalog: Catalog, table: Table, limit: int, expression: str | None) -> Preview:
    definition = table.definition
    if not definition.location:
        raise PreviewError(f"table {table.qualified_name} has no location to read from")
    reading = _Reading(limit, time.monotonic() + TIME_BUDGET_S)
    keys = [k.name for k in definition.partition_keys]
    source = (definition.classification or "").lower()
    if keys:
        for partition in _partitions(catalog, table, expression, reading):
            part_def = _partition_definition(definition, partition)
            source = (part_def.classification or source).lower()
            location = partition.location or _default_location(definition.location, keys, partition)
            before = len(reading.rows)
            _read_location(location, part_def, list(partition.values), reading)
            if len(reading.rows) > before:
                reading.partitions += 1
            if reading.done():
                break
    else:
        _read_location(definition.location, definition, [], reading)
    more = reading.more or len(reading.rows) > limit
    if reading.files == 0:
        where = "the partitions selected" if expression else "the table's location"
        reading.notes.append(f"no data files under {where}")
    if reading.files >= MAX_FILES and len(reading.rows) < limit:
        reading.notes.append(f"stopped after {MAX_FILES} files")
    return Preview(
        database=table.database,
        table=table.name,
        columns=[*definition.columns, *definition.partition_keys],
        partition_keys=keys,
        rows=reading.rows[:limit],
        more=more,
        source=source or "unknown",
        files_read=reading.files,
        partitions_read=reading.partitions,
        notes=reading.notes,
    )


def _partitions(
    catalog: Catalog, table: Table, expression: str | None, reading: _Reading
) -> Iterator[Partition]:
    token: str | None = None
    seen = 0
    while True:
        page = list_partition_page(
            catalog, table.database, table.name, expression or None, limit=20, next_token=token
        )
        for partition in page.partitions:
            seen += 1
            yield partition
            if reading.done():
                # More partitions may hold more rows.
                reading.more = reading.more or seen < MAX_PARTITIONS
                return
            if seen >= MAX_PARTITIONS:
                reading.notes.append(f"looked at the first {MAX_PARTITIONS} partitions only")
                reading.more = True
                return
        token = page.next_token
        if token is None:
            return


def _partition_definition(table: TableDefinition, partition: Partition) -> TableDefinition:
    """A partition reads with its own storage (format, SerDe, columns) where it has one."""
    if not partition.storage:
        return table
    return TableDefinition.from_json({**table.to_json(), **partition.storage})


def _default_location(location: str, keys: Sequence[str], partition: Partition) -> str:
    from glue_magics.catalog.partitions import partition_path

    return f"{location.rstrip('/')}/{partition_path(keys, partition.values)}"


def _read_location(
    location: str, definition: TableDefinition, extra: list[Any], reading: _Reading
) -> None:
    import fsspec

    try:
        fs, root = fsspec.core.url_to_fs(location)
    except (ImportError, ValueError) as exc:
        raise PreviewError(f"cannot open {location!r}: {exc}") from None
    kind = (definition.classification or "").lower()
    if kind not in FILE_FORMATS:
        raise PreviewError(
            f"preview reads {', '.join(FILE_FORMATS)} files and JDBC tables, not "
            f"{kind or 'tables without a classification'!r}"
        )
    for path in _data_files(fs, root):
        reading.files += 1
        try:
            rows = _READERS[kind](fs, path, definition, reading.wanted)
        except GlueMagicsError:
            raise
        except Exception as exc:  # a broken file: say which one, keep the rows read so far
            reading.notes.append(f"could not read {path}: {type(exc).__name__}: {exc}"[:300])
            if reading.done():
                return
            continue
        reading.rows.extend(row + extra for row in rows)
        if reading.done():
            return


def _data_files(fs: Any, root: str) -> Iterator[str]:
    """Data files under ``root`` in name order, skipping what Spark and Hive skip (_SUCCESS, .crc,
    _temporary/), lazily: the walk stops as soon as the reader has enough rows."""
    try:
        info = fs.info(root)
    except FileNotFoundError:
        return
    if info.get("type") != "directory":
        yield root
        return
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(fs.ls(folder, detail=True), key=lambda e: e["name"])
        except (FileNotFoundError, PermissionError):
            continue
        folders = []
        for entry in entries:
            name = entry["name"].rstrip("/").rsplit("/", 1)[-1]
            if name.startswith((".", "_")):
                continue
            if entry.get("type") == "directory":
                folders.append(entry["name"])
            else:
                yield entry["name"]
        stack.extend(reversed(folders))


def _table_columns(definition: TableDefinition) -> list[str]:
    return [c.name for c in definition.columns]


def _by_clean_name(raw: Sequence[str]) -> dict[str, str]:
    """Table column name -> the file's own spelling (the crawler lower-cases and de-duplicates)."""
    from glue_magics.crawler.classify.columns import clean_names

    cleaned, _ = clean_names(list(raw))
    return dict(zip(cleaned, raw, strict=True))


def _read_parquet(fs: Any, path: str, definition: TableDefinition, wanted: int) -> list[list[Any]]:
    import pyarrow.parquet as pq

    with fs.open(path, "rb") as handle:
        parquet = pq.ParquetFile(handle)
        spelled = _by_clean_name(parquet.schema_arrow.names)
        names = _table_columns(definition)
        present = [spelled[n] for n in names if n in spelled]
        for batch in parquet.iter_batches(batch_size=wanted, columns=present):
            return _arrow_rows(batch.to_pydict(), [spelled.get(n) for n in names], batch.num_rows)
    return []


def _read_orc(fs: Any, path: str, definition: TableDefinition, wanted: int) -> list[list[Any]]:
    import pyarrow.orc as orc

    with fs.open(path, "rb") as handle:
        reader = orc.ORCFile(handle)
        spelled = _by_clean_name(reader.schema.names)
        names = _table_columns(definition)
        present = [spelled[n] for n in names if n in spelled]
        rows: list[list[Any]] = []
        for stripe in range(reader.nstripes):
            batch = reader.read_stripe(stripe, columns=present).slice(0, wanted - len(rows))
            rows += _arrow_rows(batch.to_pydict(), [spelled.get(n) for n in names], batch.num_rows)
            if len(rows) >= wanted:
                break
        return rows[:wanted]


def _arrow_rows(
    data: dict[str, list[Any]], sources: list[str | None], count: int
) -> list[list[Any]]:
    return [[data[s][i] if s is not None else None for s in sources] for i in range(count)]


@contextmanager
def _open_text(fs: Any, path: str) -> Iterator[Any]:
    """A binary stream of the file's content, gzip and bzip2 undone (recognised by magic bytes)."""
    from glue_magics.crawler.classify.compression import decompressing, detect, unsupported

    with fs.open(path, "rb") as handle:
        head = handle.read(16)
        handle.seek(0)
        other = unsupported(head)
        if other:
            raise PreviewError(f"{path} is {other}-compressed; preview reads gzip and bzip2 only")
        yield decompressing(handle, detect(head))


def _read_csv(fs: Any, path: str, definition: TableDefinition, wanted: int) -> list[list[Any]]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    serde = definition.serde_parameters
    params = definition.parameters
    delimiter = (
        serde.get("separatorChar") or serde.get("field.delim") or params.get("delimiter") or ","
    )
    quote = serde.get("quoteChar")
    if len(delimiter) != 1:
        raise PreviewError(f"preview reads one-character CSV delimiters, not {delimiter!r}")
    skip = params.get("skip.header.line.count") or serde.get("skip.header.line.count") or "0"
    width = len(definition.columns)
    with _open_text(fs, path) as stream:
        reader = pacsv.open_csv(
            pa.PythonFile(stream, mode="r"),
            read_options=pacsv.ReadOptions(
                skip_rows=int(skip) if skip.isdigit() else 0,
                autogenerate_column_names=True,
                block_size=1 << 18,  # the first rows, not the first megabyte
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char=quote if quote else False,
                newlines_in_values=bool(quote),
                invalid_row_handler=lambda _row: "skip",
            ),
            convert_options=pacsv.ConvertOptions(strings_can_be_null=True),
        )
        rows: list[list[Any]] = []
        for batch in reader:
            # A block holds thousands of lines: convert only the ones still wanted.
            data = batch.slice(0, wanted - len(rows)).to_pydict()
            sources = list(data)
            # Columns are positional: a short line leaves the last ones empty.
            picked: list[str | None] = [
                sources[i] if i < len(sources) else None for i in range(width)
            ]
            rows += _arrow_rows(data, picked, len(next(iter(data.values()), [])))
            if len(rows) >= wanted:
                break
        return rows[:wanted]


def _read_json(fs: Any, path: str, definition: TableDefinition, wanted: int) -> list[list[Any]]:
    """JSON lines, objects one after another, or one array of objects: decoded value by value,
    so only the first records of a big file are read."""
    names = _table_columns(definition)
    decoder = json.JSONDecoder()
    rows: list[list[Any]] = []
    with _open_text(fs, path) as stream:
        text, pos = "", 0
        in_array: bool | None = None
        exhausted = False

        def read_more() -> bool:
            nonlocal text, pos, exhausted
            chunk = b"" if exhausted else stream.read(_JSON_CHUNK)
            exhausted = not chunk
            text, pos = text[pos:] + chunk.decode("utf-8", errors="replace"), 0
            return bool(chunk)

        while len(rows) < wanted:
            while pos < len(text) and (text[pos] in " \t\r\n" or (in_array and text[pos] == ",")):
                pos += 1
            if pos >= len(text):
                if not read_more():
                    break
                continue
            if in_array is None:
                in_array = text[pos] == "["
                pos += 1 if in_array else 0
                continue
            if in_array and text[pos] == "]":
                break
            try:
                value, pos = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                line_end = text.find("\n", exc.pos)
                if not in_array and line_end >= 0:
                    pos = line_end  # a malformed line: skip it, as Spark's PERMISSIVE mode would
                    continue
                if len(text) - pos >= _JSON_MAX or not read_more():
                    raise PreviewError(f"{path}: malformed JSON: {exc.msg}") from None
                continue
            if isinstance(value, dict):
                lowered = {str(k).strip().lower(): v for k, v in value.items()}
                rows.append([lowered.get(n) for n in names])
    return rows


def _read_avro(fs: Any, path: str, definition: TableDefinition, wanted: int) -> list[list[Any]]:
    import fastavro

    names = _table_columns(definition)
    rows: list[list[Any]] = []
    with fs.open(path, "rb") as handle:
        for record in fastavro.reader(handle):
            if isinstance(record, dict):
                lowered = {str(k).lower(): v for k, v in record.items()}
                rows.append([lowered.get(n) for n in names])
            if len(rows) >= wanted:
                break
    return rows


_READERS = {
    "parquet": _read_parquet,
    "orc": _read_orc,
    "csv": _read_csv,
    "json": _read_json,
    "avro": _read_avro,
}


# ---------------------------------------------------------------------------------------------
# JDBC


def _preview_jdbc(catalog: Catalog, table: Table, limit: int) -> Preview:
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    definition = table.definition
    try:
        source = database_source(catalog, table)
    except InvalidInputError as exc:
        raise PreviewError(str(exc)) from None
    schema, name, password = source.schema, source.name, source.password
    parsed = sa.engine.make_url(source.url)
    if parsed.get_backend_name() == "sqlite":
        from pathlib import Path

        if (
            parsed.database
            and parsed.database != ":memory:"
            and not Path(parsed.database).is_file()
        ):
            raise PreviewError(
                f"cannot read {table.qualified_name}: no such file {parsed.database}"
            )
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() in ("postgresql", "mysql", "mariadb"):
        connect_args["connect_timeout"] = 10
    engine = sa.create_engine(
        parsed.set(password=password) if password is not None else parsed,
        poolclass=NullPool,
        connect_args=connect_args,
    )
    query = sa.select(sa.text("*")).select_from(sa.table(name, schema=schema)).limit(limit + 1)
    try:
        with engine.connect() as conn:
            fetched = [list(r) for r in conn.execute(query)]
    except sa.exc.DBAPIError as exc:
        reason = str(exc.orig if exc.orig is not None else exc).strip().splitlines()
        raise PreviewError(
            f"cannot read {schema}.{name} from {parsed.render_as_string(hide_password=True)}: "
            f"{reason[0] if reason else type(exc).__name__}"
        ) from None
    finally:
        engine.dispose()
    columns = list(definition.columns)
    notes = []
    if fetched and len(fetched[0]) != len(columns):
        notes.append(
            f"the source has {len(fetched[0])} columns, the catalog {len(columns)}: recrawl it"
        )
    width = len(columns)
    rows = [(r + [None] * width)[:width] for r in fetched[:limit]]
    return Preview(
        database=table.database,
        table=table.name,
        columns=columns,
        partition_keys=[],
        rows=rows,
        more=len(fetched) > limit,
        source=parsed.get_backend_name(),
        notes=notes,
    )


# ---------------------------------------------------------------------------------------------
# values


def json_value(value: Any) -> Any:
    """One cell as JSON: what JavaScript can show without losing precision."""
    if value is None or isinstance(value, (bool, str)):
        return (
            value
            if not isinstance(value, str) or len(value) <= MAX_TEXT
            else value[:MAX_TEXT] + "…"
        )
    if isinstance(value, int):
        return value if -_JS_SAFE_INT <= value <= _JS_SAFE_INT else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date, time_of_day)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        shown = raw[:64].hex()
        return f"0x{shown}…" if len(raw) > 64 else f"0x{shown}"
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        # pyarrow gives maps as lists of (key, value) pairs
        return [json_value(v) for v in value]
    return str(value)
