"""Tables and their versions: every change archives the previous definition, as in Glue.

Updates take an optional ``expected_version`` (Glue's VersionId): when another process changed the
table since the caller read it, the update fails with ConcurrentModificationError instead of silently
overwriting that change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from glue_magics.catalog._base import CatalogBase
from glue_magics.catalog.models import (
    MAX_PARTITION_KEYS,
    DatabaseRow,
    PartitionRow,
    TableRow,
    TableVersionRow,
    utcnow,
)
from glue_magics.catalog.names import normalize_name
from glue_magics.catalog.objects import (
    DEFINITION_FIELDS,
    Column,
    FieldChange,
    Table,
    TableDefinition,
    TableVersion,
    VersionDiff,
)
from glue_magics.catalog.validation import check_limit, string_map
from glue_magics.catalog.validation import columns as validate_columns
from glue_magics.errors import (
    AlreadyExistsError,
    ConcurrentModificationError,
    EntityNotFoundError,
    InvalidInputError,
)

TABLE_TYPES = frozenset({"EXTERNAL_TABLE", "MANAGED_TABLE", "VIRTUAL_VIEW", "GOVERNED"})


def validate_definition(definition: TableDefinition) -> TableDefinition:
    """Normalize names and types and check the definition as a whole."""
    cols = validate_columns(definition.columns, "columns")
    keys = validate_columns(definition.partition_keys, "partition keys")
    seen: set[str] = set()
    for col in (*cols, *keys):
        if col.name in seen:
            raise InvalidInputError(f"column {col.name!r} is defined twice")
        seen.add(col.name)
    if len(keys) > MAX_PARTITION_KEYS:
        raise InvalidInputError(f"a table can have at most {MAX_PARTITION_KEYS} partition keys")
    table_type = (definition.table_type or "EXTERNAL_TABLE").upper()
    if table_type not in TABLE_TYPES:
        raise InvalidInputError(
            f"invalid table type {definition.table_type!r}: use one of {', '.join(sorted(TABLE_TYPES))}"
        )
    return replace(
        definition,
        columns=cols,
        partition_keys=keys,
        table_type=table_type,
        classification=definition.classification.lower() if definition.classification else None,
        serde_parameters=string_map(definition.serde_parameters, "SerDe parameters"),
        parameters=string_map(definition.parameters, "table parameters"),
    )


def search_text(database: str, definition: TableDefinition, name: str) -> str:
    """What search matches: names, classification, description, owner, columns with their comments,
    parameters. Not the location: every warehouse table would match the words of the home path."""
    words = [database, name, definition.classification or "", definition.description or ""]
    words.append(definition.owner or "")
    for col in (*definition.columns, *definition.partition_keys):
        words += col.name, col.comment or ""
    for key, value in definition.parameters.items():
        words += key, value
    return " ".join(w for w in words if w).lower()


def _check_expected_version(expected_version: object) -> None:
    if expected_version is not None and (
        isinstance(expected_version, bool) or not isinstance(expected_version, int)
    ):
        raise InvalidInputError(
            f"expected_version must be a table version number, got {expected_version!r}"
        )


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """Glue/Hive table-name patterns: a regex where a bare ``*`` means "anything", ``|`` separates
    alternatives, matched against the whole name, ignoring case."""
    if not isinstance(pattern, str):
        raise InvalidInputError(
            f"a table name pattern must be a string, not {type(pattern).__name__}"
        )
    translated = re.sub(r"(?<!\.)\*", ".*", pattern.strip())
    try:
        return re.compile(f"(?:{translated})", re.IGNORECASE)
    except re.error as exc:
        raise InvalidInputError(f"invalid table name pattern {pattern!r}: {exc}") from None


def _diff(old: TableVersion, new: TableVersion) -> VersionDiff:
    old_cols = {c.name: c for c in old.definition.columns}
    new_cols = {c.name: c for c in new.definition.columns}
    changed_fields = [
        FieldChange(f, getattr(old.definition, f), getattr(new.definition, f))
        for f in DEFINITION_FIELDS
        if f != "columns" and getattr(old.definition, f) != getattr(new.definition, f)
    ]
    return VersionDiff(
        database=old.database,
        table=old.table,
        old_version=old.version,
        new_version=new.version,
        added_columns=[c for n, c in new_cols.items() if n not in old_cols],
        removed_columns=[c for n, c in old_cols.items() if n not in new_cols],
        changed_columns=[
            (old_cols[n], c) for n, c in new_cols.items() if n in old_cols and old_cols[n] != c
        ],
        changed_fields=changed_fields,
    )


class TableOps(CatalogBase):
    def create_table(
        self,
        database: str,
        name: str,
        *,
        columns: Iterable[Column | Mapping[str, Any]] = (),
        partition_keys: Iterable[Column | Mapping[str, Any]] = (),
        location: str | None = None,
        classification: str | None = None,
        input_format: str | None = None,
        output_format: str | None = None,
        serde_library: str | None = None,
        serde_parameters: Mapping[str, str] | None = None,
        parameters: Mapping[str, str] | None = None,
        table_type: str = "EXTERNAL_TABLE",
        description: str | None = None,
        owner: str | None = None,
    ) -> Table:
        """Create a table (version 1). Without ``location`` it goes to the database's location,
        or to the warehouse: ``$GLUE_MAGICS_HOME/warehouse/<db>/<table>``."""
        name = normalize_name(name, "table name")
        definition = validate_definition(
            TableDefinition(
                columns=tuple(columns),  # type: ignore[arg-type]
                partition_keys=tuple(partition_keys),  # type: ignore[arg-type]
                location=location,
                classification=classification,
                input_format=input_format,
                output_format=output_format,
                serde_library=serde_library,
                serde_parameters=string_map(serde_parameters, "SerDe parameters"),
                parameters=string_map(parameters, "table parameters"),
                table_type=table_type,
                description=description,
                owner=owner,
            )
        )

        def run(session: Session) -> Table:
            db = self._database_row(session, database)
            exists = session.execute(
                select(TableRow.id).where(TableRow.database_id == db.id, TableRow.name == name)
            ).first()
            if exists:
                raise AlreadyExistsError(f"table {db.name}.{name} already exists")
            final = definition
            if final.location is None and final.table_type != "VIRTUAL_VIEW":
                final = replace(final, location=self._default_location(db, name))
            now = utcnow()
            row = TableRow(
                database_id=db.id,
                name=name,
                definition=final.to_json(),
                version=1,
                search_text=search_text(db.name, final, name),
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            session.add(
                TableVersionRow(
                    table_id=row.id, version=1, definition=row.definition, created_at=now
                )
            )
            return self._to_table(db.name, row)

        return self._write(run)

    def _default_location(self, db: DatabaseRow, table: str) -> str:
        base = db.location_uri or str(self.settings.warehouse / db.name)
        return f"{base.rstrip('/')}/{table}"

    def default_table_location(self, database: str, table: str) -> str:
        """Where a new table goes without an explicit location: under its database's location, or
        in the warehouse, ``$GLUE_MAGICS_HOME/warehouse/<db>/<table>``."""
        name = normalize_name(table, "table name")
        return self._read(lambda s: self._default_location(self._database_row(s, database), name))

    def get_table(self, database: str, name: str) -> Table:
        def run(session: Session) -> Table:
            row = self._table_row(session, database, name)
            return self._to_table(normalize_name(database), row)

        return self._read(run)

    def list_tables(self, database: str, pattern: str | None = None) -> list[Table]:
        """Tables of ``database`` in name order; ``pattern`` as in Glue's GetTables (``ord*``)."""
        regex = pattern_regex(pattern) if pattern else None

        def run(session: Session) -> list[Table]:
            db = self._database_row(session, database)
            rows = session.execute(
                select(TableRow).where(TableRow.database_id == db.id).order_by(TableRow.name)
            ).scalars()
            return [
                self._to_table(db.name, r) for r in rows if regex is None or regex.fullmatch(r.name)
            ]

        return self._read(run)

    def update_table(
        self, database: str, name: str, *, expected_version: int | None = None, **changes: Any
    ) -> Table:
        """Change fields of the table's definition (``columns=...``, ``location=...``, ...).

        The previous definition stays available as a version. With ``expected_version``, fail with
        ConcurrentModificationError if the table is no longer at that version.
        """
        _check_expected_version(expected_version)
        unknown = set(changes) - set(DEFINITION_FIELDS)
        if unknown:
            raise InvalidInputError(
                f"cannot update {', '.join(sorted(unknown))}; updatable: {', '.join(DEFINITION_FIELDS)}"
            )

        def run(session: Session) -> Table:
            row = self._table_row(session, database, name, for_update=True)
            current = TableDefinition.from_json(row.definition)
            return self._apply(
                session,
                database,
                row,
                validate_definition(replace(current, **changes)),
                expected_version,
            )

        return self._write(run)

    def _apply(
        self,
        session: Session,
        database: str,
        row: TableRow,
        definition: TableDefinition,
        expected_version: int | None,
    ) -> Table:
        _check_expected_version(expected_version)
        if expected_version is not None and row.version != expected_version:
            raise ConcurrentModificationError(
                f"table {database}.{row.name} is at version {row.version}, not {expected_version}; "
                "read it again and retry"
            )
        current = TableDefinition.from_json(row.definition)
        if current.partition_keys != definition.partition_keys:
            count = session.execute(
                select(func.count())
                .select_from(PartitionRow)
                .where(PartitionRow.table_id == row.id)
            ).scalar_one()
            if count:
                raise InvalidInputError(
                    f"table {database}.{row.name} has {count} partitions; delete them before "
                    "changing its partition keys"
                )
        if definition == current:
            return self._to_table(normalize_name(database), row)
        now = utcnow()
        row.version += 1
        row.definition = definition.to_json()
        row.search_text = search_text(normalize_name(database), definition, row.name)
        row.updated_at = now
        session.add(
            TableVersionRow(
                table_id=row.id, version=row.version, definition=row.definition, created_at=now
            )
        )
        session.flush()
        return self._to_table(normalize_name(database), row)

    def delete_table(self, database: str, name: str) -> None:
        """Delete a table with its versions, partitions and statistics."""

        def run(session: Session) -> None:
            row = self._table_row(session, database, name)
            session.execute(delete(TableRow).where(TableRow.id == row.id))

        self._write(run)

    # -- versions
    def list_table_versions(self, database: str, name: str) -> list[TableVersion]:
        """All versions, newest first (the first one is the current definition)."""

        def run(session: Session) -> list[TableVersion]:
            row = self._table_row(session, database, name)
            versions = session.execute(
                select(TableVersionRow)
                .where(TableVersionRow.table_id == row.id)
                .order_by(TableVersionRow.version.desc())
            ).scalars()
            return [self._to_version(database, row.name, v) for v in versions]

        return self._read(run)

    def get_table_version(self, database: str, name: str, version: int) -> TableVersion:
        def run(session: Session) -> TableVersion:
            return self._version(session, database, name, version)

        return self._read(run)

    def diff_table_versions(self, database: str, name: str, old: int, new: int) -> VersionDiff:
        """What changed from version ``old`` to version ``new``."""

        def run(session: Session) -> VersionDiff:
            return _diff(
                self._version(session, database, name, old),
                self._version(session, database, name, new),
            )

        return self._read(run)

    def restore_table_version(
        self, database: str, name: str, version: int, *, expected_version: int | None = None
    ) -> Table:
        """Make an old version's definition current again (as a new version)."""
        _check_expected_version(expected_version)

        def run(session: Session) -> Table:
            old = self._version(session, database, name, version)
            row = self._table_row(session, database, name, for_update=True)
            return self._apply(session, database, row, old.definition, expected_version)

        return self._write(run)

    def _version(self, session: Session, database: str, name: str, version: int) -> TableVersion:
        if not isinstance(version, int) or isinstance(version, bool):
            raise InvalidInputError(f"a table version is a number, got {version!r}")
        row = self._table_row(session, database, name)
        found = session.execute(
            select(TableVersionRow).where(
                TableVersionRow.table_id == row.id, TableVersionRow.version == version
            )
        ).scalar_one_or_none()
        if found is None:
            raise EntityNotFoundError(
                f"table {normalize_name(database)}.{row.name} has no version {version} "
                f"(versions 1-{row.version})"
            )
        return self._to_version(database, row.name, found)

    @staticmethod
    def _to_version(database: str, table: str, row: TableVersionRow) -> TableVersion:
        return TableVersion(
            database=normalize_name(database),
            table=table,
            version=row.version,
            definition=TableDefinition.from_json(row.definition),
            created_at=row.created_at,
        )

    # -- search
    def search_tables(self, text: str, *, limit: int = 100) -> list[Table]:
        """Tables whose names, columns (and comments), description, owner, classification or
        parameters contain every word of ``text`` (a quoted "phrase" counts as one word); locations
        are not searched. Best matches first: name matches rank highest. ``limit``: at most that
        many tables (a whole number from 1)."""
        if text is not None and not isinstance(text, str):
            raise InvalidInputError(f"search text must be a string, not {type(text).__name__}")
        words = [
            (phrase or word).lower() for phrase, word in re.findall(r'"([^"]+)"|(\S+)', text or "")
        ]
        if not words:
            raise InvalidInputError("search needs at least one word")
        check_limit(limit)

        def run(session: Session) -> list[Table]:
            conditions = [TableRow.search_text.contains(w, autoescape=True) for w in words]
            candidates = session.execute(
                select(TableRow.id, TableRow.name, DatabaseRow.name)
                .join(DatabaseRow, DatabaseRow.id == TableRow.database_id)
                .where(and_(*conditions))
            ).all()

            def score(item: Any) -> tuple[int, str, str]:
                _, table, db = item
                points = sum(
                    10 if w == table else 5 if w in table else 2 if w == db else 1 for w in words
                )
                return (-points, db, table)

            best = sorted(candidates, key=score)[:limit]
            if not best:
                return []
            ids = [table_id for table_id, _, _ in best]
            rows = {
                r.id: r
                for r in session.execute(select(TableRow).where(TableRow.id.in_(ids))).scalars()
            }
            return [self._to_table(db, rows[i]) for i, _, db in best]

        return self._read(run)
