"""Saved crawlers, their run leases, and the per-file state that makes recrawls incremental."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from glue_magics.catalog._base import CatalogBase
from glue_magics.catalog.models import CrawlerFileRow, CrawlerRow, CrawlerSchemaRow, utcnow
from glue_magics.catalog.names import normalize_name
from glue_magics.catalog.objects import Crawler, StoredFile
from glue_magics.errors import ConcurrentModificationError, EntityNotFoundError, InvalidInputError

_CHUNK = 5000


def schema_hash(schema: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()


def _to_crawler(row: CrawlerRow) -> Crawler:
    return Crawler(
        name=row.name,
        database=row.database,
        targets=tuple(row.targets),
        options=dict(row.options),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class CrawlerOps(CatalogBase):
    def save_crawler(
        self, name: str, database: str, targets: Sequence[str], options: Mapping[str, Any]
    ) -> Crawler:
        """Create the crawler, or replace its targets and options."""
        name = normalize_name(name, "crawler name")
        database = normalize_name(database, "database name")
        if not targets or not all(isinstance(t, str) and t for t in targets):
            raise InvalidInputError("a crawler needs at least one target path or URL")

        def run(session: Session) -> Crawler:
            self._database_row(session, database)
            row = session.execute(
                select(CrawlerRow).where(CrawlerRow.name == name)
            ).scalar_one_or_none()
            if row is None:
                row = CrawlerRow(
                    name=name, database=database, targets=list(targets), options=dict(options)
                )
                session.add(row)
            else:
                row.database, row.targets, row.options = database, list(targets), dict(options)
                row.updated_at = utcnow()
            session.flush()
            return _to_crawler(row)

        return self._write(run)

    def _crawler_row(self, session: Session, name: str) -> CrawlerRow:
        name = normalize_name(name, "crawler name")
        row = session.execute(
            select(CrawlerRow).where(CrawlerRow.name == name)
        ).scalar_one_or_none()
        if row is None:
            raise EntityNotFoundError(f"crawler {name!r} not found")
        return row

    def get_crawler(self, name: str) -> Crawler:
        return self._read(lambda s: _to_crawler(self._crawler_row(s, name)))

    def list_crawlers(self) -> list[Crawler]:
        return self._read(
            lambda s: [
                _to_crawler(r)
                for r in s.execute(select(CrawlerRow).order_by(CrawlerRow.name)).scalars()
            ]
        )

    def delete_crawler(self, name: str) -> None:
        def run(session: Session) -> None:
            row = self._crawler_row(session, name)
            session.execute(delete(CrawlerRow).where(CrawlerRow.id == row.id))

        self._write(run)

    # -- leases: one run of a crawler at a time, across processes
    def acquire_crawler_lease(self, name: str, run_id: int, seconds: float) -> None:
        """Take the crawler for ``run_id``; refused while another run holds an unexpired lease."""

        def run(session: Session) -> None:
            row = self._crawler_row(session, name)
            now = utcnow()
            if row.lease_run_id is not None and row.lease_expires_at and row.lease_expires_at > now:
                raise ConcurrentModificationError(
                    f"crawler {row.name!r} is already running (run {row.lease_run_id}); "
                    "wait for it to finish"
                )
            row.lease_run_id = run_id
            row.lease_expires_at = now + timedelta(seconds=seconds)

        self._write(run)

    def renew_crawler_lease(self, name: str, run_id: int, seconds: float) -> None:
        self._set_lease(name, run_id, utcnow() + timedelta(seconds=seconds))

    def release_crawler_lease(self, name: str, run_id: int) -> None:
        self._set_lease(name, run_id, None)

    def _set_lease(self, name: str, run_id: int, expires: Any) -> None:
        def run(session: Session) -> None:
            row = self._crawler_row(session, name)
            session.execute(
                update(CrawlerRow)
                .where(CrawlerRow.id == row.id, CrawlerRow.lease_run_id == run_id)
                .values(
                    lease_expires_at=expires,
                    lease_run_id=run_id if expires is not None else None,
                )
            )

        self._write(run)

    # -- per-file state
    def crawler_files(self, name: str) -> dict[str, StoredFile]:
        """The files the crawler saw last time, by path, with their classifier results."""

        def run(session: Session) -> dict[str, StoredFile]:
            row = self._crawler_row(session, name)
            files = session.execute(
                select(
                    CrawlerFileRow.path,
                    CrawlerFileRow.size,
                    CrawlerFileRow.mtime,
                    CrawlerFileRow.etag,
                    CrawlerFileRow.schema_hash,
                ).where(CrawlerFileRow.crawler_id == row.id)
            ).all()
            # Few distinct results for many files: fetch each once, share it between files.
            hashes = list({f.schema_hash for f in files})
            schemas: dict[str, dict[str, Any]] = {}
            for start in range(0, len(hashes), _CHUNK):
                query = select(CrawlerSchemaRow.hash, CrawlerSchemaRow.schema).where(
                    CrawlerSchemaRow.hash.in_(hashes[start : start + _CHUNK])
                )
                schemas.update((h, schema) for h, schema in session.execute(query))
            return {
                f.path: StoredFile(f.path, f.size, f.mtime, f.etag, schemas[f.schema_hash])
                for f in files
            }

        return self._read(run)

    def update_crawler_files(
        self, name: str, upserts: Iterable[StoredFile], deletes: Iterable[str] = ()
    ) -> None:
        """Record files seen (new or changed) and forget files that are gone."""
        upserts, deletes = list(upserts), list(deletes)

        def run(session: Session) -> None:
            row = self._crawler_row(session, name)
            module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
            schemas = {schema_hash(f.schema): f.schema for f in upserts}
            if schemas:
                stmt = module.insert(CrawlerSchemaRow).on_conflict_do_nothing(
                    index_elements=["hash"]
                )
                session.execute(stmt, [{"hash": h, "schema": s} for h, s in schemas.items()])
            gone = deletes + [f.path for f in upserts]
            for start in range(0, len(gone), _CHUNK):
                session.execute(
                    delete(CrawlerFileRow).where(
                        CrawlerFileRow.crawler_id == row.id,
                        CrawlerFileRow.path.in_(gone[start : start + _CHUNK]),
                    )
                )
            rows = [
                {
                    "crawler_id": row.id,
                    "path": f.path,
                    "size": f.size,
                    "mtime": f.mtime,
                    "etag": f.etag,
                    "schema_hash": schema_hash(f.schema),
                }
                for f in upserts
            ]
            for start in range(0, len(rows), _CHUNK):
                session.execute(module.insert(CrawlerFileRow), rows[start : start + _CHUNK])

        self._write(run)
