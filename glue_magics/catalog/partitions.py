"""Partitions: batch add/update/delete, and reads filtered by Glue partition expressions in SQL.

Each batch is one transaction: a duplicate, an unknown partition or a malformed value anywhere in it
fails the whole batch with a one-line error, and nothing is written.

Values are strings. Values of integer keys are an optional '-' and ASCII digits within the range of a
bigint (so SQL can compare them as numbers); values of date keys are ``YYYY-MM-DD`` (so they compare
correctly as strings). A partition without a location goes to ``<table location>/key=value/...``,
with keys and values escaped the way Hive and Spark name partition folders (``a/b`` -> ``a%2Fb``).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    Text,
    cast,
    delete,
    func,
    literal,
    select,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from glue_magics.catalog._base import CatalogBase
from glue_magics.catalog.expression import compile_expression
from glue_magics.catalog.models import PartitionRow, TableRow, utcnow
from glue_magics.catalog.objects import Column, Partition, PartitionPage, TableDefinition
from glue_magics.catalog.store import ANALYSIS_LIMIT
from glue_magics.catalog.types import INTEGER_TYPES, base_type, parse_bigint
from glue_magics.catalog.validation import check_limit, string_map
from glue_magics.errors import (
    AlreadyExistsError,
    EntityNotFoundError,
    ExpressionError,
    InvalidInputError,
)

PartitionInput = Partition | Sequence[str] | Mapping[str, Any]
_CHUNK = 5000
_KEY_COLUMNS = [getattr(PartitionRow, f"k{i}") for i in range(10)]


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: What Hive (FileUtils.escapePathName) and Spark (ExternalCatalogUtils) escape in partition folder
#: names: control characters, DEL and "#%'*/:=?\\{[]^.
_PATH_ESCAPES = frozenset(chr(c) for c in range(0x20)) | frozenset("\"#%'*/:=?\\\x7f{[]^")
#: Hive's folder name for a null or empty value.
DEFAULT_PARTITION_NAME = "__HIVE_DEFAULT_PARTITION__"


def values_key(values: Sequence[str]) -> str:
    return json.dumps(list(values), separators=(",", ":"), ensure_ascii=False)


def escape_path_name(text: str) -> str:
    """Escape a partition key or value for a folder name as Hive and Spark do: ``a/b`` -> ``a%2Fb``;
    an empty value becomes ``__HIVE_DEFAULT_PARTITION__``."""
    if not text:
        return DEFAULT_PARTITION_NAME
    return "".join(f"%{ord(c):02X}" if c in _PATH_ESCAPES else c for c in text)


def partition_path(keys: Sequence[str], values: Sequence[str]) -> str:
    """``key=value/...`` for a partition, escaped like Hive's and Spark's partition folders."""
    return "/".join(
        f"{escape_path_name(k)}={escape_path_name(v)}" for k, v in zip(keys, values, strict=True)
    )


def _as_partition(item: PartitionInput) -> Partition:
    if isinstance(item, Partition):
        return item
    if isinstance(item, Mapping):
        if "values" not in item:
            raise InvalidInputError(f"a partition needs 'values', got {dict(item)!r}")
        values = item["values"]
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
            raise InvalidInputError(f"partition values must be a list of strings, got {values!r}")
        return Partition(
            values=tuple(values),
            location=item.get("location"),
            parameters=string_map(item.get("parameters"), "partition parameters"),
            storage=item.get("storage"),
        )
    if isinstance(item, (str, bytes)) or not isinstance(item, Sequence):
        raise InvalidInputError(f"partition values must be a list of strings, got {item!r}")
    return Partition(values=tuple(item))


def _check_value(key: Column, value: Any, kind: str | None = None) -> str:
    """One partition value as stored: a string (an int is taken for string and integer keys).
    ``kind`` is ``base_type(key.type)``, when the caller has it already."""
    if kind is None:
        kind = base_type(key.type)
    integer = kind in INTEGER_TYPES
    if type(value) is str:
        text = value
    else:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise InvalidInputError(
                f"value {value!r} for partition key {key.name!r} must be a string"
            )
        if isinstance(value, int) and not (integer or kind in ("string", "char", "varchar")):
            raise InvalidInputError(
                f"value {value!r} for partition key {key.name!r} ({key.type}) must be a string"
            )
        text = str(value)
    if "\x00" in text:
        raise InvalidInputError(f"value {text!r} for partition key {key.name!r} contains NUL")
    if integer and parse_bigint(text) is None:
        raise InvalidInputError(
            f"value {text!r} for partition key {key.name!r} is not a valid {key.type}: "
            "use digits 0-9 with an optional '-', within the range of a bigint"
        )
    if kind == "date" and not _is_date(text):
        raise InvalidInputError(
            f"value {text!r} for partition key {key.name!r} is not a valid date: use YYYY-MM-DD"
        )
    return text


def _is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


class _TableContext:
    """What a batch needs to know about its table to check and place partitions."""

    def __init__(self, qualified: str, row: TableRow) -> None:
        self.qualified = qualified
        self.id = row.id
        self.definition = TableDefinition.from_json(row.definition)
        self.keys = self.definition.partition_keys
        if not self.keys:
            raise InvalidInputError(f"table {qualified} has no partition keys")
        # Resolved once per batch, not once per value.
        self._checks = [(key, base_type(key.type)) for key in self.keys]
        self._table_json: dict[str, Any] | None = None
        self._names = [k.name for k in self.keys]

    def check_values(self, values: Sequence[Any]) -> tuple[str, ...]:
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
            raise InvalidInputError(f"partition values must be a list, got {values!r}")
        if len(values) != len(self.keys):
            names = ", ".join(k.name for k in self.keys)
            raise InvalidInputError(
                f"{self.qualified} is partitioned by ({names}): expected {len(self.keys)} values, "
                f"got {len(values)}: {list(values)!r}"
            )
        return tuple(
            _check_value(key, value, kind)
            for (key, kind), value in zip(self._checks, values, strict=True)
        )

    def default_location(self, values: Sequence[str]) -> str | None:
        if not self.definition.location:
            return None
        parts = partition_path(self._names, values)
        return f"{self.definition.location.rstrip('/')}/{parts}"

    def own_storage(self, storage: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """Keep only what differs from the table (Glue partitions inherit the rest)."""
        if not storage:
            return None
        if self._table_json is None:
            self._table_json = self.definition.to_json()
        table = self._table_json
        own = {k: v for k, v in storage.items() if table.get(k) != v}
        return own or None

    def row(self, partition: Partition, now: Any) -> dict[str, Any]:
        values = self.check_values(partition.values)
        row: dict[str, Any] = {
            "table_id": self.id,
            "values_key": values_key(values),
            "location": partition.location or self.default_location(values),
            "storage": self.own_storage(partition.storage),
            "parameters": string_map(partition.parameters, "partition parameters"),
            "created_at": now,
            "updated_at": now,
        }
        for i, value in enumerate(values):
            row[f"k{i}"] = value
        return row

    def insert_columns(self) -> list[str]:
        """The columns of ``insert_row``'s tuples."""
        fixed = ["table_id", "values_key", "location", "storage", "parameters"]
        return [*fixed, "created_at", "updated_at", *(f"k{i}" for i in range(len(self.keys)))]

    def insert_row(self, partition: Partition, stamp: Any) -> tuple[Any, ...]:
        """A partition as the tuple the driver inserts: checked values, JSON already written,
        ``stamp`` the driver's form of the time of the batch."""
        values = self.check_values(partition.values)
        params = partition.parameters
        if params is None or (type(params) is dict and not params):
            params_json = "{}"
        else:
            params_json = json.dumps(string_map(params, "partition parameters"))
        storage = self.own_storage(partition.storage)
        return (
            self.id,
            values_key(values),
            partition.location or self.default_location(values),
            None if storage is None else json.dumps(storage),
            params_json,
            stamp,
            stamp,
            *values,
        )


def _duplicate_error(
    session: Session, ctx: _TableContext, rows: list[tuple[Any, ...]]
) -> AlreadyExistsError:
    for start in range(0, len(rows), _CHUNK):
        keys = [r[1] for r in rows[start : start + _CHUNK]]
        found = session.execute(
            select(PartitionRow.values_key)
            .where(PartitionRow.table_id == ctx.id, PartitionRow.values_key.in_(keys))
            .limit(1)
        ).scalar_one_or_none()
        if found:
            return AlreadyExistsError(
                f"partition {json.loads(found)} of {ctx.qualified} already exists"
            )
    return AlreadyExistsError(f"a partition of the batch already exists in {ctx.qualified}")


_ROWS = PartitionRow.__table__.c
_UTC = timezone.utc


def _partition_select(key_count: int) -> Select[Any]:
    """The columns a ``Partition`` is built from, read as they are stored: JSON as text (so an empty
    map or no storage is not decoded), timestamps as the driver returns them, values from the key
    columns. ``_PartitionReader`` turns such rows into ``Partition``s."""
    return select(
        _ROWS.location,
        cast(_ROWS.parameters, Text),
        cast(_ROWS.storage, Text),
        type_coerce(_ROWS.created_at, Text),
        type_coerce(_ROWS.updated_at, Text),
        *(_ROWS[f"k{i}"] for i in range(key_count)),
    )


class _PartitionReader:
    """Builds ``Partition``s from rows of ``_partition_select``; a batch of partitions shares its
    timestamps, so each distinct one is parsed once."""

    def __init__(self) -> None:
        self._times: dict[Any, datetime] = {}

    def _time(self, raw: Any) -> datetime:
        found = self._times.get(raw)
        if found is None:
            # SQLite returns the stored text (UTC, without a zone); PostgreSQL a datetime.
            value = datetime.fromisoformat(raw) if isinstance(raw, str) else raw
            if value.tzinfo is None:
                value = value.replace(tzinfo=_UTC)
            elif value.utcoffset():
                value = value.astimezone(_UTC)
            found = self._times[raw] = value
        return found

    def partition(self, row: Sequence[Any]) -> Partition:
        parameters, storage = row[1], row[2]
        return Partition(
            values=tuple(row[5:]),
            location=row[0],
            parameters={} if parameters == "{}" else json.loads(parameters),
            # Stored as SQL NULL; partitions written before as the JSON text null.
            storage=None if storage is None or storage == "null" else json.loads(storage),
            created_at=self._time(row[3]),
            updated_at=self._time(row[4]),
        )


#: Batches of at least this many partitions go to PostgreSQL with COPY.
_COPY_BATCH = 1000


class _Duplicate(Exception):
    """COPY hit the unique (table_id, values_key) constraint."""


_DUPLICATE = (IntegrityError, _Duplicate)


def _driver_time(dialect: str, now: datetime) -> Any:
    """The time of a batch as the driver takes it, written once: SQLite stores text, UTC without a
    zone, in the format SQLAlchemy's DateTime writes (so reads and comparisons agree)."""
    if dialect == "sqlite":
        return now.astimezone(_UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    return now


def _insert_sql(conn: Connection, columns: list[str]) -> str:
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    return (
        f"INSERT INTO partitions ({', '.join(columns)}) VALUES ({', '.join(mark for _ in columns)})"
    )


def _insert(conn: Connection, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert rows of ``_TableContext.insert_row``: straight to the driver (no per-row binding in
    SQLAlchemy), with COPY for large batches on PostgreSQL (psycopg 3)."""
    copy_ok = conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"
    if copy_ok and len(rows) >= _COPY_BATCH:
        import psycopg

        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            with cursor.copy(f"COPY partitions ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.errors.UniqueViolation:
            raise _Duplicate from None
        finally:
            cursor.close()
        return
    sql = _insert_sql(conn, columns)
    for start in range(0, len(rows), _CHUNK):
        conn.exec_driver_sql(sql, rows[start : start + _CHUNK])


#: Batches of at least this many partitions check SQLite's statistics after they are added.
_ANALYZE_BATCH = 1000
#: ... and refresh them once the table has grown by this factor since they were taken.
_ANALYZE_GROWTH = 1.5


def _refresh_statistics(session: Session) -> None:
    """Keep SQLite's query-planner statistics (``sqlite_stat1``) in step with a growing partitions
    table; PostgreSQL's autovacuum keeps its own. SQLite has none until ANALYZE runs and then
    guesses how selective each index is (before pages followed the index, that guess made it walk
    a million partitions for every page of a filter on later keys). The statistics are sampled
    (``analysis_limit``), so a refresh costs about the same at any size (~15 ms at a million), and
    it runs only when the table has grown by half since the last one (about log n times during
    a load of n partitions)."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return
    sampled = None
    if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        stat = conn.exec_driver_sql(
            "SELECT stat FROM sqlite_stat1 WHERE tbl = 'partitions' "
            "AND idx = 'ix_partitions_table_k0_k1'"
        ).scalar()
        sampled = int(stat.split()[0]) if stat else None
    newest = conn.execute(select(func.max(PartitionRow.id))).scalar() or 0
    if sampled is None or newest >= sampled * _ANALYZE_GROWTH:
        conn.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        conn.exec_driver_sql("ANALYZE partitions")


def _encode_token(values: Sequence[str]) -> str:
    """A page token: the values of the page's last partition, as URL-safe base64 of a JSON list."""
    return base64.urlsafe_b64encode(values_key(values).encode()).decode().rstrip("=")


def _bad_token(token: object) -> InvalidInputError:
    return InvalidInputError(
        f"invalid next_token {token!r}: pass the next_token of the previous page"
    )


def _decode_token(token: object) -> list[str]:
    if not isinstance(token, str) or not token or not token.isascii():
        raise _bad_token(token)
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except ValueError:  # not base64, not UTF-8 or not JSON
        raise _bad_token(token) from None
    if (
        not (isinstance(values, list) and values and all(isinstance(v, str) for v in values))
        or _encode_token(values) != token
    ):
        raise _bad_token(token)
    return values


class PartitionOps(CatalogBase):
    def _context(self, session: Session, database: str, table: str) -> _TableContext:
        row = self._table_row(session, database, table)
        return _TableContext(f"{database}.{row.name}".lower(), row)

    def batch_create_partitions(
        self,
        database: str,
        table: str,
        partitions: Iterable[PartitionInput],
        *,
        if_not_exists: bool = False,
    ) -> int:
        """Add partitions in one transaction; returns how many were added.

        Each item is a Partition, a list of values, or ``{"values": [...], "location": ...}``;
        without a location a partition goes to ``<table location>/key=value/...``. A duplicate fails
        the batch unless ``if_not_exists`` (then existing partitions are left as they are).
        """
        items = [_as_partition(p) for p in partitions]

        def run(session: Session) -> int:
            ctx = self._context(session, database, table)
            conn = session.connection()
            stamp = _driver_time(conn.dialect.name, utcnow())
            rows = [ctx.insert_row(p, stamp) for p in items]
            seen: set[str] = set()
            for row in rows:
                if row[1] in seen and not if_not_exists:
                    raise AlreadyExistsError(
                        f"partition {json.loads(row[1])} of {ctx.qualified} is in the batch twice"
                    )
                seen.add(row[1])
            columns = ctx.insert_columns()
            if if_not_exists:
                return self._insert_missing(session, columns, rows)
            try:
                # A savepoint, so the store can still be asked which partition was the duplicate.
                with session.begin_nested():
                    # The session's connection inside the block: that is what issues SAVEPOINT.
                    _insert(session.connection(), columns, rows)
            except _DUPLICATE:
                raise _duplicate_error(session, ctx, rows) from None
            if len(rows) >= _ANALYZE_BATCH:
                _refresh_statistics(session)
            return len(rows)

        return self._write(run)

    def _insert_missing(
        self, session: Session, columns: list[str], rows: list[tuple[Any, ...]]
    ) -> int:
        conn = session.connection()
        sql = _insert_sql(conn, columns) + " ON CONFLICT (table_id, values_key) DO NOTHING"
        added = 0
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            before = self._count_keys(session, chunk)
            conn.exec_driver_sql(sql, chunk)
            added += self._count_keys(session, chunk) - before
        return added

    @staticmethod
    def _count_keys(session: Session, chunk: list[tuple[Any, ...]]) -> int:
        keys = list({r[1] for r in chunk})
        return session.execute(
            select(func.count())
            .select_from(PartitionRow)
            .where(PartitionRow.table_id == chunk[0][0], PartitionRow.values_key.in_(keys))
        ).scalar_one()

    def batch_update_partitions(
        self, database: str, table: str, partitions: Iterable[PartitionInput]
    ) -> int:
        """Replace location, parameters and storage of existing partitions (matched by values)."""
        items = [_as_partition(p) for p in partitions]

        def run(session: Session) -> int:
            ctx = self._context(session, database, table)
            now = utcnow()
            for item in items:
                row = ctx.row(item, now)
                result = session.execute(
                    update(PartitionRow)
                    .where(
                        PartitionRow.table_id == ctx.id,
                        PartitionRow.values_key == row["values_key"],
                    )
                    .values(
                        location=row["location"],
                        storage=row["storage"],
                        parameters=row["parameters"],
                        updated_at=now,
                    )
                )
                if result.rowcount == 0:  # type: ignore[attr-defined]
                    raise EntityNotFoundError(
                        f"partition {list(item.values)} of {ctx.qualified} not found"
                    )
            return len(items)

        return self._write(run)

    def batch_delete_partitions(
        self, database: str, table: str, values: Iterable[Sequence[str]]
    ) -> int:
        """Delete partitions by their values; every one of them must exist."""
        wanted = list(values)

        def run(session: Session) -> int:
            ctx = self._context(session, database, table)
            keys = [values_key(ctx.check_values(v)) for v in wanted]
            deleted = 0
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                present = set(
                    session.execute(
                        select(PartitionRow.values_key).where(
                            PartitionRow.table_id == ctx.id, PartitionRow.values_key.in_(chunk)
                        )
                    ).scalars()
                )
                missing = [k for k in chunk if k not in present]
                if missing:
                    raise EntityNotFoundError(
                        f"partition {json.loads(missing[0])} of {ctx.qualified} not found"
                    )
                session.execute(
                    delete(PartitionRow).where(
                        PartitionRow.table_id == ctx.id, PartitionRow.values_key.in_(chunk)
                    )
                )
                deleted += len(present)
            return deleted

        return self._write(run)

    def get_partition(self, database: str, table: str, values: Sequence[str]) -> Partition:
        def run(session: Session) -> Partition:
            ctx = self._context(session, database, table)
            key = values_key(ctx.check_values(values))
            row = (
                session.connection()
                .execute(
                    _partition_select(len(ctx.keys)).where(
                        _ROWS.table_id == ctx.id, _ROWS.values_key == key
                    )
                )
                .one_or_none()
            )
            if row is None:
                raise EntityNotFoundError(f"partition {list(values)} of {ctx.qualified} not found")
            return _PartitionReader().partition(row)

        return self._read(run)

    def _filter(self, ctx: _TableContext, expression: str | None) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [PartitionRow.table_id == ctx.id]
        if expression is not None and not isinstance(expression, str):
            raise ExpressionError(
                f"a partition expression must be a string, not {type(expression).__name__}"
            )
        if expression is not None and expression.strip():
            conditions.append(compile_expression(expression, ctx.keys, lambda i: _KEY_COLUMNS[i]))
        return conditions

    def get_partitions(
        self,
        database: str,
        table: str,
        expression: str | None = None,
        *,
        limit: int = 1000,
        next_token: str | None = None,
    ) -> PartitionPage:
        """One page of partitions in the order of their values (the first key, then the second, ...;
        values compare as strings, by code point), filtered by a Glue partition expression
        (``year = '2024' AND month IN ('01','02')``). Pass the returned ``next_token`` to get the
        next page; it is None on the last page.

        Pages follow the store's (table, k0, k1) index: the token holds the values of the page's
        last partition, and the next page starts after them, so every page costs the same however
        deep it is, and partitions added or removed between pages never shift the others."""
        check_limit(limit)
        after = _decode_token(next_token) if next_token is not None else None

        def run(session: Session) -> PartitionPage:
            ctx = self._context(session, database, table)
            keys = [_ROWS[f"k{i}"] for i in range(len(ctx.keys))]
            query = (
                _partition_select(len(keys))
                .where(*self._filter(ctx, expression))
                .order_by(*keys)
                .limit(limit + 1)
            )
            if after is not None:
                if len(after) != len(keys):
                    raise _bad_token(next_token)
                query = query.where(
                    tuple_(*keys) > tuple_(*(literal(v, Text()) for v in after))
                    if len(keys) > 1
                    else keys[0] > literal(after[0], Text())
                )
            rows = session.connection().execute(query).all()
            more = len(rows) > limit
            rows = rows[:limit]
            reader = _PartitionReader()
            partitions = [reader.partition(r) for r in rows]
            return PartitionPage(partitions, _encode_token(partitions[-1].values) if more else None)

        return self._read(run)

    def iter_partitions(
        self, database: str, table: str, expression: str | None = None, *, page_size: int = 5000
    ) -> Iterator[Partition]:
        """Every matching partition, page by page."""
        token: str | None = None
        while True:
            page = self.get_partitions(
                database, table, expression, limit=page_size, next_token=token
            )
            yield from page.partitions
            token = page.next_token
            if token is None:
                return

    def partition_signature(self, database: str, table: str) -> tuple[int, int, str]:
        """(count, newest id, latest update): changes whenever partitions are added, removed or
        updated, so a cache of the partitions (Spark's session catalog) knows when to refresh."""

        def run(session: Session) -> tuple[int, int, str]:
            ctx = self._table_row(session, database, table)
            count, last_id, last_update = session.execute(
                select(
                    func.count(), func.max(PartitionRow.id), func.max(PartitionRow.updated_at)
                ).where(PartitionRow.table_id == ctx.id)
            ).one()
            return int(count), int(last_id or 0), str(last_update)

        return self._read(run)

    def count_partitions(self, database: str, table: str, expression: str | None = None) -> int:
        def run(session: Session) -> int:
            ctx = self._context(session, database, table)
            return session.execute(
                select(func.count()).select_from(PartitionRow).where(*self._filter(ctx, expression))
            ).scalar_one()

        return self._read(run)
