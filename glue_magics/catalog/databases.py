"""Databases: create, read, update, delete (deleting a database deletes its tables, as in Glue)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from glue_magics.catalog._base import CatalogBase
from glue_magics.catalog.models import DatabaseRow
from glue_magics.catalog.names import normalize_name
from glue_magics.catalog.objects import Database
from glue_magics.catalog.validation import string_map
from glue_magics.errors import AlreadyExistsError

_UNSET: object = object()


def _to_database(row: DatabaseRow) -> Database:
    return Database(
        name=row.name,
        description=row.description,
        location_uri=row.location_uri,
        parameters=dict(row.parameters),
        created_at=row.created_at,
    )


class DatabaseOps(CatalogBase):
    def create_database(
        self,
        name: str,
        *,
        description: str | None = None,
        location_uri: str | None = None,
        parameters: Mapping[str, str] | None = None,
        if_not_exists: bool = False,
    ) -> Database:
        """Create a database. Its tables default to ``location_uri/<table>`` when it has one."""
        name = normalize_name(name, "database name")
        params = string_map(parameters, "database parameters")

        def run(session: Session) -> Database:
            existing = session.execute(
                select(DatabaseRow).where(DatabaseRow.name == name)
            ).scalar_one_or_none()
            if existing is not None:
                if if_not_exists:
                    return _to_database(existing)
                raise AlreadyExistsError(f"database {name!r} already exists")
            row = DatabaseRow(
                name=name, description=description, location_uri=location_uri, parameters=params
            )
            session.add(row)
            session.flush()
            return _to_database(row)

        return self._write(run)

    def get_database(self, name: str) -> Database:
        return self._read(lambda s: _to_database(self._database_row(s, name)))

    def list_databases(self) -> list[Database]:
        return self._read(
            lambda s: [
                _to_database(r)
                for r in s.execute(select(DatabaseRow).order_by(DatabaseRow.name)).scalars()
            ]
        )

    def update_database(
        self,
        name: str,
        *,
        description: str | object | None = _UNSET,
        location_uri: str | object | None = _UNSET,
        parameters: Mapping[str, str] | object | None = _UNSET,
    ) -> Database:
        """Change the given fields; fields not passed keep their value."""
        params = None if parameters is _UNSET else string_map(parameters, "database parameters")  # type: ignore[arg-type]

        def run(session: Session) -> Database:
            row = self._database_row(session, name)
            if description is not _UNSET:
                row.description = description  # type: ignore[assignment]
            if location_uri is not _UNSET:
                row.location_uri = location_uri  # type: ignore[assignment]
            if params is not None:
                row.parameters = params
            session.flush()
            return _to_database(row)

        return self._write(run)

    def delete_database(self, name: str) -> None:
        """Delete a database with all its tables, versions, partitions and statistics."""

        def run(session: Session) -> None:
            row = self._database_row(session, name)
            session.execute(delete(DatabaseRow).where(DatabaseRow.id == row.id))

        self._write(run)
