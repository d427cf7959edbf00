"""ETL job bookmarks (Glue's job bookmarks), advanced in the transaction that commits a write."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from glue_magics.catalog._base import CatalogBase
from glue_magics.catalog.models import BookmarkRow, utcnow
from glue_magics.catalog.objects import Bookmark
from glue_magics.catalog.validation import check_id, check_text, column_length
from glue_magics.errors import EntityNotFoundError, InvalidInputError

_JOB = column_length(BookmarkRow.job)
_SOURCE = column_length(BookmarkRow.source)


def _to_bookmark(row: BookmarkRow) -> Bookmark:
    return Bookmark(row.job, row.source, dict(row.state), row.run_id, row.updated_at)


class BookmarkOps(CatalogBase):
    def get_bookmark(self, job: str, source: str) -> Bookmark | None:
        query = select(BookmarkRow).where(BookmarkRow.job == job, BookmarkRow.source == source)
        return self._read(
            lambda s: next((_to_bookmark(r) for r in s.execute(query).scalars()), None)
        )

    def list_bookmarks(self, job: str | None = None) -> list[Bookmark]:
        query = select(BookmarkRow).order_by(BookmarkRow.job, BookmarkRow.source)
        if job is not None:
            query = query.where(BookmarkRow.job == job)
        return self._read(lambda s: [_to_bookmark(r) for r in s.execute(query).scalars()])

    def set_bookmark(
        self, job: str, source: str, state: Mapping[str, Any], *, run_id: int | None = None
    ) -> Bookmark:
        check_text(job, "job name", _JOB)
        check_text(source, "bookmark source", _SOURCE)
        if not isinstance(state, Mapping):
            raise InvalidInputError(f"a bookmark state must be a mapping, got {state!r}")
        if run_id is not None:
            check_id(run_id, "run id")

        def run(session: Session) -> Bookmark:
            row = session.execute(
                select(BookmarkRow).where(BookmarkRow.job == job, BookmarkRow.source == source)
            ).scalar_one_or_none()
            if row is None:
                row = BookmarkRow(job=job, source=source, state=dict(state))
                session.add(row)
            row.state, row.run_id, row.updated_at = dict(state), run_id, utcnow()
            session.flush()
            return _to_bookmark(row)

        return self._write(run)

    def reset_bookmarks(self, job: str) -> int:
        """Forget how far ``job`` has read: its next run processes everything again."""

        def run(session: Session) -> int:
            result = session.execute(delete(BookmarkRow).where(BookmarkRow.job == job))
            count = int(result.rowcount)  # type: ignore[attr-defined]
            if count == 0:
                raise EntityNotFoundError(f"job {job!r} has no bookmarks")
            return count

        return self._write(run)
