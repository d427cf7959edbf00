"""Run records (crawls, ETL, data quality, jobs), lineage edges and data-quality results.

The foundation stores and lists them; the crawler, ETL, quality and jobs packages fill them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from glue_magics.catalog._base import CatalogBase
from glue_magics.catalog.models import DQResultRow, LineageEdgeRow, RunRow, utcnow
from glue_magics.catalog.objects import DQResult, LineageEdge, Run
from glue_magics.catalog.validation import check_id, check_limit, check_text, column_length
from glue_magics.errors import EntityNotFoundError, InvalidInputError

#: Set by the job runner in a job run's kernel: the id of the job run (job_runs.id).
RUN_KINDS = frozenset({"crawl", "etl", "dq", "job"})
#: Glue's job run states; crawls use the same vocabulary.
RUN_STATES = frozenset(
    {"STARTING", "RUNNING", "STOPPING", "STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR"}
)
FINAL_STATES = frozenset({"STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR"})
# Free text kept in sized columns: checked up front, so SQLite and PostgreSQL behave alike.
_RUN_NAME = column_length(RunRow.name)
_RUN_TARGET = column_length(RunRow.target)
_LINEAGE_NAME = column_length(LineageEdgeRow.source)
_CODE_HASH = column_length(LineageEdgeRow.code_hash)
_DQ_TARGET = column_length(DQResultRow.target)
_RULESET = column_length(DQResultRow.ruleset)


def _run_row(session: Session, run_id: int) -> RunRow:
    row = session.get(RunRow, check_id(run_id, "run id"))
    if row is None:
        raise EntityNotFoundError(f"run {run_id} not found")
    return row


def _check_run_ref(session: Session, run_id: int | None) -> None:
    """An optional run id given with a lineage edge or a result: the run must exist."""
    if run_id is not None:
        _run_row(session, run_id)


def _current_job_run(session: Session) -> int | None:
    """The job run this process works for ($GLUE_MAGICS_JOB_RUN_ID), if it is in this catalog."""
    from glue_magics.catalog.models import JobRunRow
    from glue_magics.jobs.context import job_run_id

    current = job_run_id()
    if current is None:
        return None
    found = session.get(JobRunRow, current)
    return found.id if found is not None else None


def _to_run(row: RunRow) -> Run:
    return Run(
        id=row.id,
        kind=row.kind,
        name=row.name,
        state=row.state,
        target=row.target,
        started_at=row.started_at,
        ended_at=row.ended_at,
        metrics=dict(row.metrics),
        error=row.error,
    )


def _edge(row: LineageEdgeRow) -> LineageEdge:
    return LineageEdge(row.source, row.target, row.run_id, row.code_hash, row.created_at)


class RunOps(CatalogBase):
    def start_run(self, kind: str, name: str, *, target: str | None = None) -> Run:
        """Record the start of a run (state RUNNING).

        Inside a job run's kernel (``$GLUE_MAGICS_JOB_RUN_ID`` set by the job runner) the run is
        linked to that job run, which sums the rows and bytes its runs wrote.
        """
        if not isinstance(kind, str) or kind not in RUN_KINDS:
            raise InvalidInputError(
                f"invalid run kind {kind!r}: use one of {', '.join(sorted(RUN_KINDS))}"
            )
        check_text(name, "run name", _RUN_NAME)
        check_text(target, "run target", _RUN_TARGET, optional=True)

        def run(session: Session) -> Run:
            row = RunRow(kind=kind, name=name, state="RUNNING", target=target, metrics={})
            row.job_run_id = _current_job_run(session)
            session.add(row)
            session.flush()
            return _to_run(row)

        return self._write(run)

    def finish_run(
        self,
        run_id: int,
        state: str,
        *,
        metrics: Mapping[str, Any] | None = None,
        error: str | None = None,
        log: str | None = None,
    ) -> Run:
        if not isinstance(state, str) or state not in FINAL_STATES:
            raise InvalidInputError(
                f"invalid final state {state!r}: use one of {', '.join(sorted(FINAL_STATES))}"
            )
        if metrics is not None and not isinstance(metrics, Mapping):
            raise InvalidInputError(f"run metrics must be a mapping, got {metrics!r}")
        check_id(run_id, "run id")

        def run(session: Session) -> Run:
            row = _run_row(session, run_id)
            row.state = state
            row.ended_at = utcnow()
            row.metrics = {**row.metrics, **(metrics or {})}
            row.error = error
            row.log = log
            session.flush()
            return _to_run(row)

        return self._write(run)

    def list_runs(
        self,
        kind: str | None = None,
        *,
        name: str | None = None,
        target: str | None = None,
        limit: int = 50,
    ) -> list[Run]:
        """Newest first; at most ``limit`` runs (a whole number from 1)."""
        check_limit(limit)
        query = select(RunRow).order_by(RunRow.started_at.desc(), RunRow.id.desc()).limit(limit)
        if kind is not None:
            query = query.where(RunRow.kind == kind)
        if name is not None:
            query = query.where(RunRow.name == name)
        if target is not None:
            query = query.where(RunRow.target == target)
        return self._read(lambda s: [_to_run(r) for r in s.execute(query).scalars()])

    def run_log(self, run_id: int) -> str | None:
        check_id(run_id, "run id")

        def run(session: Session) -> str | None:
            return _run_row(session, run_id).log

        return self._read(run)

    def add_lineage(
        self, source: str, target: str, *, run_id: int | None = None, code_hash: str | None = None
    ) -> LineageEdge:
        """Record that ``target`` (``db.table`` or a path) was written from ``source``."""
        check_text(source, "lineage source", _LINEAGE_NAME)
        check_text(target, "lineage target", _LINEAGE_NAME)
        check_text(code_hash, "code hash", _CODE_HASH, optional=True)
        if run_id is not None:
            check_id(run_id, "run id")

        def run(session: Session) -> LineageEdge:
            _check_run_ref(session, run_id)
            row = LineageEdgeRow(
                source=source,
                target=target,
                run_id=run_id,
                code_hash=code_hash,
                created_at=utcnow(),
            )
            session.add(row)
            session.flush()
            return _edge(row)

        return self._write(run)

    def get_lineage(self, name: str) -> dict[str, list[LineageEdge]]:
        """Edges into (``upstream``) and out of (``downstream``) a table or path."""
        query = select(LineageEdgeRow).where(
            or_(LineageEdgeRow.source == name, LineageEdgeRow.target == name)
        )

        def run(session: Session) -> dict[str, list[LineageEdge]]:
            edges = [_edge(r) for r in session.execute(query.order_by(LineageEdgeRow.id)).scalars()]
            return {
                "upstream": [e for e in edges if e.target == name],
                "downstream": [e for e in edges if e.source == name],
            }

        return self._read(run)

    def record_dq_result(
        self,
        target: str,
        score: float,
        rules: list[dict[str, Any]],
        *,
        ruleset: str | None = None,
        run_id: int | None = None,
    ) -> DQResult:
        if (
            isinstance(score, bool)
            or not isinstance(score, (int, float))
            or not math.isfinite(score)
            or not 0.0 <= score <= 1.0
        ):
            raise InvalidInputError(f"a data-quality score is a number from 0 to 1, got {score!r}")
        check_text(target, "data-quality target", _DQ_TARGET)
        check_text(ruleset, "ruleset name", _RULESET, optional=True)
        if not isinstance(rules, list):
            raise InvalidInputError(f"data-quality rules must be a list, got {rules!r}")
        if run_id is not None:
            check_id(run_id, "run id")

        def run(session: Session) -> DQResult:
            _check_run_ref(session, run_id)
            row = DQResultRow(
                target=target,
                score=score,
                rules=rules,
                ruleset=ruleset,
                run_id=run_id,
                evaluated_at=utcnow(),
            )
            session.add(row)
            session.flush()
            return DQResult(
                row.target, row.ruleset, row.score, row.rules, row.run_id, row.evaluated_at
            )

        return self._write(run)

    def list_dq_results(self, target: str, *, limit: int = 50) -> list[DQResult]:
        """Newest first; at most ``limit`` results (a whole number from 1)."""
        check_limit(limit)
        query = (
            select(DQResultRow)
            .where(DQResultRow.target == target)
            .order_by(DQResultRow.evaluated_at.desc(), DQResultRow.id.desc())
            .limit(limit)
        )
        return self._read(
            lambda s: [
                DQResult(r.target, r.ruleset, r.score, r.rules, r.run_id, r.evaluated_at)
                for r in s.execute(query).scalars()
            ]
        )
