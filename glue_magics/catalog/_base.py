"""What every part of the Catalog API shares: the engine, transactions, and row lookups."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from glue_magics.catalog.models import CatalogState, DatabaseRow, TableRow
from glue_magics.catalog.names import normalize_name
from glue_magics.catalog.objects import Table, TableDefinition
from glue_magics.catalog.store import (
    is_connection_error,
    read_session,
    retry_busy,
    unavailable_error,
    write_session,
)
from glue_magics.config import Settings
from glue_magics.errors import EntityNotFoundError

T = TypeVar("T")
# The session of an open ``Catalog.transaction()``, with the catalog that opened it.
_active: ContextVar[tuple[object, Session] | None] = ContextVar("glue_magics_session", default=None)


class CatalogBase:
    settings: Settings
    engine: Engine

    def _open_transaction(self) -> Session | None:
        active = _active.get()
        return active[1] if active is not None and active[0] is self else None

    @contextmanager
    def _reachable(self) -> Iterator[None]:
        """Turn "the PostgreSQL server went away" into a one-line StoreUnavailableError."""
        try:
            yield
        except OperationalError as exc:
            if self.engine.dialect.name != "postgresql" or not is_connection_error(exc):
                raise
            raise unavailable_error(self.engine.url, exc) from None

    def _read(self, fn: Callable[[Session], T]) -> T:
        session = self._open_transaction()
        if session is not None:
            return fn(session)
        with self._reachable(), read_session(self.engine) as session:
            return fn(session)

    def _write(self, fn: Callable[[Session], T], *, visible: bool = True) -> T:
        """Run ``fn`` in one write transaction: all of it applies, or none of it. ``visible``:
        move the change counter front-ends watch (bookkeeping such as leases does not)."""

        def run(session: Session) -> T:
            result = fn(session)
            if visible:
                session.execute(
                    update(CatalogState)
                    .where(CatalogState.id == 1)
                    .values(change_seq=CatalogState.change_seq + 1)
                )
            return result

        session = self._open_transaction()
        if session is not None:
            return run(session)

        def attempt() -> T:
            with write_session(self.engine) as session:
                return run(session)

        with self._reachable():
            return retry_busy(attempt)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Make every catalog call inside the block one transaction: all of them apply, or none.

        Used by crawls and ETL commits. Nested blocks join the outer one.
        """
        if self._open_transaction() is not None:
            yield
            return
        with self._reachable(), write_session(self.engine) as session:
            token = _active.set((self, session))
            try:
                yield
            finally:
                _active.reset(token)

    def change_seq(self) -> int:
        """A number that grows with every change to the catalog (for front-ends to poll)."""
        return self._read(
            lambda s: s.execute(
                select(CatalogState.change_seq).where(CatalogState.id == 1)
            ).scalar_one()
        )

    # -- lookups shared by the mixins
    @staticmethod
    def _database_row(session: Session, name: str) -> DatabaseRow:
        name = normalize_name(name, "database name")
        row = session.execute(
            select(DatabaseRow).where(DatabaseRow.name == name)
        ).scalar_one_or_none()
        if row is None:
            raise EntityNotFoundError(f"database {name!r} not found")
        return row

    @staticmethod
    def _table_row(
        session: Session, database: str, table: str, *, for_update: bool = False
    ) -> TableRow:
        database = normalize_name(database, "database name")
        table = normalize_name(table, "table name")
        query = (
            select(TableRow)
            .join(DatabaseRow, DatabaseRow.id == TableRow.database_id)
            .where(DatabaseRow.name == database, TableRow.name == table)
        )
        if for_update:
            query = query.with_for_update(of=TableRow)
        row = session.execute(query).scalar_one_or_none()
        if row is None:
            exists = session.execute(
                select(DatabaseRow.id).where(DatabaseRow.name == database)
            ).first()
            if exists is None:
                raise EntityNotFoundError(f"database {database!r} not found")
            raise EntityNotFoundError(f"table {database}.{table} not found")
        return row

    @staticmethod
    def _to_table(database: str, row: TableRow) -> Table:
        return Table(
            database=database,
            name=row.name,
            definition=TableDefinition.from_json(row.definition),
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )
