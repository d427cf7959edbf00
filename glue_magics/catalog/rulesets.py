"""Data-quality rulesets (Glue's DataQualityRuleset): named DQDL, optionally with its Great
Expectations suite (JSON), attached to a catalog table."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from glue_magics.catalog._base import CatalogBase
from glue_magics.catalog.models import DQRulesetRow, utcnow
from glue_magics.catalog.names import split_table_name
from glue_magics.catalog.validation import check_text, column_length
from glue_magics.errors import AlreadyExistsError, EntityNotFoundError, InvalidInputError

_NAME = column_length(DQRulesetRow.name)
_TARGET = column_length(DQRulesetRow.target)
#: Large enough for any hand-written ruleset, small enough to refuse a pasted data file.
MAX_RULESET_CHARS = 1_000_000


@dataclass(frozen=True)
class DQRuleset:
    name: str
    target: str | None  # "database.table"
    dqdl: str | None
    gx_suite: dict[str, Any] | None = None
    description: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


def _to_ruleset(row: DQRulesetRow) -> DQRuleset:
    return DQRuleset(
        row.name,
        row.target,
        row.dqdl,
        dict(row.gx_suite) if row.gx_suite is not None else None,
        row.description,
        row.created_at,
        row.updated_at,
    )


def _check_name(name: object) -> str:
    check_text(name, "ruleset name", _NAME)
    assert isinstance(name, str)
    if name != name.strip() or any(ch in name for ch in "\r\n\t"):
        raise InvalidInputError(f"ruleset name {name!r} must be one line without outer spaces")
    return name


def _check_suite(suite: object) -> dict[str, Any] | None:
    if suite is None:
        return None
    if not isinstance(suite, Mapping) or not isinstance(suite.get("expectations"), list):
        raise InvalidInputError('a GX suite is a JSON object with an "expectations" list')
    try:
        text = json.dumps(suite, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"the GX suite is not plain JSON: {exc}") from None
    if len(text) > MAX_RULESET_CHARS or "\x00" in text:
        raise InvalidInputError("the GX suite is too large or contains NUL characters")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


class RulesetOps(CatalogBase):
    def save_ruleset(
        self,
        name: str,
        dqdl: str | None = None,
        *,
        target: str | None = None,
        gx_suite: Mapping[str, Any] | None = None,
        description: str | None = None,
        overwrite: bool = False,
    ) -> DQRuleset:
        """Create (or, with ``overwrite``, replace) a ruleset. ``dqdl`` must be valid DQDL;
        ``target`` is the table it checks, ``database.table``, which must exist."""
        _check_name(name)
        if dqdl is None and gx_suite is None:
            raise InvalidInputError("a ruleset needs DQDL text or a GX suite")
        if dqdl is not None:
            check_text(dqdl, "ruleset", MAX_RULESET_CHARS)
            from glue_magics.quality.dqdl import parse

            parse(dqdl)
        suite = _check_suite(gx_suite)
        check_text(description, "ruleset description", 2048, optional=True)
        check_text(target, "ruleset target", _TARGET, optional=True)
        database = table = None
        if target is not None:
            database, table = split_table_name(target)

        def run(session: Session) -> DQRuleset:
            full = None
            if database is not None and table is not None:
                self._table_row(session, database, table)
                full = f"{database}.{table}"
            row = session.execute(
                select(DQRulesetRow).where(DQRulesetRow.name == name)
            ).scalar_one_or_none()
            now = utcnow()
            if row is None:
                row = DQRulesetRow(name=name, created_at=now)
                session.add(row)
            elif not overwrite:
                raise AlreadyExistsError(f"ruleset {name!r} exists already")
            row.target, row.dqdl, row.gx_suite = full, dqdl, suite
            row.description, row.updated_at = description, now
            session.flush()
            return _to_ruleset(row)

        return self._write(run)

    def get_ruleset(self, name: str) -> DQRuleset:
        _check_name(name)

        def run(session: Session) -> DQRuleset:
            row = session.execute(
                select(DQRulesetRow).where(DQRulesetRow.name == name)
            ).scalar_one_or_none()
            if row is None:
                raise EntityNotFoundError(f"ruleset {name!r} not found")
            return _to_ruleset(row)

        return self._read(run)

    def list_rulesets(self, target: str | None = None) -> list[DQRuleset]:
        """All rulesets by name, or those attached to ``target`` (database.table)."""
        query = select(DQRulesetRow).order_by(DQRulesetRow.name)
        if target is not None:
            database, table = split_table_name(target)
            query = query.where(DQRulesetRow.target == f"{database}.{table}")
        return self._read(lambda s: [_to_ruleset(r) for r in s.execute(query).scalars()])

    def delete_ruleset(self, name: str) -> None:
        _check_name(name)

        def run(session: Session) -> None:
            row = session.execute(
                select(DQRulesetRow).where(DQRulesetRow.name == name)
            ).scalar_one_or_none()
            if row is None:
                raise EntityNotFoundError(f"ruleset {name!r} not found")
            session.delete(row)

        self._write(run)
