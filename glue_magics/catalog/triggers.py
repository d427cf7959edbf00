"""Triggers and workflow runs in the catalog store.

A trigger's firing is claimed by inserting its row: ``(trigger, fire_key)`` is unique, and the key
names what fired it (the upstream runs, a fire time, the new files), so however many schedulers
evaluate a trigger, it fires once per satisfying set. The firing, the job runs it starts and the
crawls it queues are one transaction. Runs started by triggers, and the runs that fired them, are
members of a workflow run: the graph of a trigger chain.

``glue_magics.jobs.triggers`` checks what users give and decides when a trigger fires; this mixin
keeps the rows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from glue_magics.catalog._base import CatalogBase
from glue_magics.catalog.models import (
    CrawlerFileRow,
    CrawlerRow,
    JobRow,
    JobRunRow,
    RunRow,
    TriggerFiringRow,
    TriggerRow,
    WorkflowMemberRow,
    WorkflowRunRow,
    utcnow,
)
from glue_magics.catalog.validation import check_id, check_limit, check_text
from glue_magics.errors import (
    AlreadyExistsError,
    EntityNotFoundError,
    GlueMagicsError,
    InvalidInputError,
)

TRIGGER_TYPES = ("ON_DEMAND", "SCHEDULED", "CONDITIONAL", "FILE_ARRIVAL")
_TRIGGER_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,254}$")
#: Crawl members: queued by a firing, claimed by a scheduler, linked to the crawl run it made.
CRAWL_MEMBER_STATES = ("WAITING", "STARTED", "LINKED", "ERROR")
_JOB_FINAL = frozenset({"STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR"})
_CRAWL_FINAL = frozenset({"STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR"})


@dataclass(frozen=True)
class Trigger:
    name: str
    type: str
    enabled: bool
    actions: list[dict[str, Any]]
    conditions: list[dict[str, Any]] = field(default_factory=list)
    logical: str | None = None
    schedule: str | None = None
    timezone: str = "UTC"
    crawler: str | None = None
    description: str | None = None
    active_since: datetime | None = None
    scheduled_through: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Firing:
    id: int
    trigger: str
    fire_key: str
    workflow_run_id: int
    upstream: list[dict[str, Any]]
    outcome: list[dict[str, Any]]
    fired_at: datetime


@dataclass(frozen=True)
class CrawlMember:
    """A crawl a firing queued: ``run_id`` is the crawl run once its worker started it."""

    id: int
    crawler: str
    workflow_run_id: int
    firing_id: int | None
    state: str
    run_id: int | None
    created_at: datetime


def check_trigger_name(name: object) -> str:
    if not isinstance(name, str) or not _TRIGGER_NAME.match(name):
        raise InvalidInputError(
            f"invalid trigger name {name!r}: use 1-255 letters, digits, '_', '-' or '.', "
            "starting with a letter, digit or '_'"
        )
    return name


def _to_trigger(row: TriggerRow) -> Trigger:
    return Trigger(
        name=row.name,
        type=row.type,
        enabled=bool(row.enabled),
        actions=[dict(a) for a in row.actions],
        conditions=[dict(c) for c in row.conditions],
        logical=row.logical,
        schedule=row.schedule,
        timezone=row.timezone,
        crawler=row.crawler,
        description=row.description,
        active_since=row.active_since,
        scheduled_through=row.scheduled_through,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _to_firing(row: TriggerFiringRow, trigger: str) -> Firing:
    return Firing(
        id=row.id,
        trigger=trigger,
        fire_key=row.fire_key,
        workflow_run_id=row.workflow_run_id,
        upstream=[dict(u) for u in row.upstream],
        outcome=[dict(o) for o in row.outcome],
        fired_at=row.fired_at,
    )


def _to_member(row: WorkflowMemberRow) -> CrawlMember:
    return CrawlMember(
        id=row.id,
        crawler=row.name,
        workflow_run_id=row.workflow_run_id,
        firing_id=row.firing_id,
        state=row.state,
        run_id=row.run_id,
        created_at=row.created_at,
    )


def fire_key_text(key: str) -> str:
    """Keys longer than the column (many upstream runs) are stored as their SHA-256."""
    return key if len(key) <= 255 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


class TriggerOps(CatalogBase):
    # -- triggers ----------------------------------------------------------------------------

    def _trigger_row(self, session: Session, name: str, *, for_update: bool = False) -> TriggerRow:
        check_trigger_name(name)
        query = select(TriggerRow).where(TriggerRow.name == name)
        if for_update:
            query = query.with_for_update()
        row = session.execute(query).scalar_one_or_none()
        if row is None:
            raise EntityNotFoundError(f"trigger {name!r} not found")
        return row

    def create_trigger(
        self,
        name: str,
        type: str,
        *,
        actions: Sequence[Mapping[str, Any]],
        conditions: Sequence[Mapping[str, Any]] = (),
        logical: str | None = None,
        schedule: str | None = None,
        timezone: str = "UTC",
        crawler: str | None = None,
        description: str | None = None,
        enabled: bool = True,
        now: datetime | None = None,
    ) -> Trigger:
        """Store a trigger checked by ``glue_magics.jobs.triggers.create_trigger``."""
        check_trigger_name(name)
        if type not in TRIGGER_TYPES:
            raise InvalidInputError(
                f"invalid trigger type {type!r}: use one of {', '.join(TRIGGER_TYPES)}"
            )
        check_text(description, "trigger description", 2048, optional=True)
        check_text(schedule, "schedule", 1024, optional=True)
        check_text(timezone, "timezone", 64)
        when = now or utcnow()

        def run(session: Session) -> Trigger:
            row = TriggerRow(
                name=name,
                type=type,
                enabled=enabled,
                description=description,
                schedule=schedule,
                timezone=timezone,
                scheduled_through=when if schedule else None,
                crawler=crawler,
                logical=logical,
                conditions=[dict(c) for c in conditions],
                actions=[dict(a) for a in actions],
                active_since=when,
                created_at=when,
                updated_at=when,
            )
            try:
                with session.begin_nested():
                    session.add(row)
                    session.flush()
            except IntegrityError:
                raise AlreadyExistsError(f"trigger {name!r} already exists") from None
            return _to_trigger(row)

        return self._write(run)

    def get_trigger(self, name: str) -> Trigger:
        return self._read(lambda s: _to_trigger(self._trigger_row(s, name)))

    def list_triggers(self) -> list[Trigger]:
        return self._read(
            lambda s: [
                _to_trigger(r)
                for r in s.execute(select(TriggerRow).order_by(TriggerRow.name)).scalars()
            ]
        )

    def delete_trigger(self, name: str) -> None:
        """Delete a trigger and its firings; the runs it started stay, in their workflow runs."""

        def run(session: Session) -> None:
            row = self._trigger_row(session, name, for_update=True)
            firings = select(TriggerFiringRow.id).where(TriggerFiringRow.trigger_id == row.id)
            session.execute(
                update(WorkflowMemberRow)
                .where(WorkflowMemberRow.firing_id.in_(firings))
                .values(firing_id=None)
                .execution_options(synchronize_session=False)
            )
            session.execute(delete(TriggerFiringRow).where(TriggerFiringRow.trigger_id == row.id))
            session.delete(row)

        self._write(run)

    def set_trigger_enabled(
        self, name: str, enabled: bool, *, now: datetime | None = None
    ) -> Trigger:
        """Enable or disable a trigger. Enabling starts afresh at ``now``: runs that ended and
        fire times that passed while it was disabled do not fire it."""
        if not isinstance(enabled, bool):
            raise InvalidInputError("enabled is True or False")
        when = now or utcnow()

        def run(session: Session) -> Trigger:
            row = self._trigger_row(session, name, for_update=True)
            if enabled and not row.enabled:
                row.active_since = when
                if row.schedule:
                    row.scheduled_through = when
            row.enabled = enabled
            row.updated_at = when
            session.flush()
            return _to_trigger(row)

        return self._write(run)

    def advance_trigger_schedule(
        self, name: str, expected: datetime | None, through: datetime
    ) -> bool:
        """Move a scheduled trigger's mark from ``expected`` to ``through`` (compare-and-set)."""

        def run(session: Session) -> bool:
            row = self._trigger_row(session, name)
            mark = (
                TriggerRow.scheduled_through.is_(None)
                if expected is None
                else TriggerRow.scheduled_through == expected
            )
            result = session.execute(
                update(TriggerRow)
                .where(TriggerRow.id == row.id, mark)
                .values(scheduled_through=through)
                .execution_options(synchronize_session=False)
            )
            return bool(getattr(result, "rowcount", 0))

        return self._write(run)

    # -- what conditions look at -------------------------------------------------------------

    def ended_job_runs(
        self, names: Iterable[str], states: Iterable[str], since: datetime
    ) -> list[dict[str, Any]]:
        """The last attempts of runs of jobs ``names`` that ended in one of ``states`` at or
        after ``since`` (a FAILED attempt followed by a retry has not ended yet), oldest first."""
        names, states = sorted(set(names)), sorted(set(states))
        if not names or not states:
            return []
        retried = select(JobRunRow.previous_run_id).where(JobRunRow.previous_run_id.is_not(None))
        query = (
            select(JobRunRow, JobRow.name)
            .join(JobRow, JobRow.id == JobRunRow.job_id)
            .where(
                JobRow.name.in_(names),
                JobRunRow.state.in_(states),
                JobRunRow.ended_at.is_not(None),
                JobRunRow.ended_at >= since,
                JobRunRow.id.not_in(retried),
            )
            .order_by(JobRunRow.ended_at, JobRunRow.id)
        )
        return self._read(
            lambda s: [
                {
                    "kind": "job",
                    "id": r.id,
                    "first": r.first_run_id or r.id,
                    "name": n,
                    "state": r.state,
                }
                for r, n in s.execute(query).all()
            ]
        )

    def ended_crawl_runs(
        self, names: Iterable[str], states: Iterable[str], since: datetime
    ) -> list[dict[str, Any]]:
        """Crawl runs of crawlers ``names`` that ended in one of ``states`` (run states: a
        cancelled crawl is STOPPED) at or after ``since``, oldest first."""
        names, states = sorted(set(names)), sorted(set(states))
        if not names or not states:
            return []
        query = (
            select(RunRow)
            .where(
                RunRow.kind == "crawl",
                RunRow.name.in_(names),
                RunRow.state.in_(states),
                RunRow.ended_at.is_not(None),
                RunRow.ended_at >= since,
            )
            .order_by(RunRow.ended_at, RunRow.id)
        )
        return self._read(
            lambda s: [
                {"kind": "crawl", "id": r.id, "first": r.id, "name": r.name, "state": r.state}
                for r in s.execute(query).scalars()
            ]
        )

    def trigger_firings(self, name: str, *, since: datetime | None = None) -> list[Firing]:
        """A trigger's firings, oldest first (those at or after ``since`` if given)."""

        def run(session: Session) -> list[Firing]:
            row = self._trigger_row(session, name)
            query = select(TriggerFiringRow).where(TriggerFiringRow.trigger_id == row.id)
            if since is not None:
                query = query.where(TriggerFiringRow.fired_at >= since)
            rows = session.execute(query.order_by(TriggerFiringRow.id)).scalars()
            return [_to_firing(f, name) for f in rows]

        return self._read(run)

    def crawler_file_stamps(self, name: str) -> dict[str, tuple[int, float | None, str | None]]:
        """What the crawler last saw of each file (size, mtime, etag), without the schemas:
        enough to tell new or changed files from a listing."""

        def run(session: Session) -> dict[str, tuple[int, float | None, str | None]]:
            crawler = self._crawler_id(session, name)
            rows = session.execute(
                select(
                    CrawlerFileRow.path,
                    CrawlerFileRow.size,
                    CrawlerFileRow.mtime,
                    CrawlerFileRow.etag,
                ).where(CrawlerFileRow.crawler_id == crawler)
            ).all()
            return {r.path: (r.size, r.mtime, r.etag) for r in rows}

        return self._read(run)

    @staticmethod
    def _crawler_id(session: Session, name: str) -> int:
        found = session.execute(select(CrawlerRow.id).where(CrawlerRow.name == name)).first()
        if found is None:
            raise EntityNotFoundError(f"crawler {name!r} not found")
        return int(found[0])

    def crawler_busy(self, name: str, *, now: datetime | None = None) -> bool:
        """Whether a crawl of the crawler holds its lease."""
        when = now or utcnow()

        def run(session: Session) -> bool:
            row = session.execute(
                select(CrawlerRow.lease_run_id, CrawlerRow.lease_expires_at).where(
                    CrawlerRow.name == name
                )
            ).first()
            return bool(row and row[0] is not None and row[1] is not None and row[1] > when)

        return self._read(run)

    def trigger_crawls(self, name: str) -> list[tuple[CrawlMember, dict[str, Any] | None]]:
        """The crawls a trigger's firings queued, oldest first, with their crawl runs."""

        def run(session: Session) -> list[tuple[CrawlMember, dict[str, Any] | None]]:
            row = self._trigger_row(session, name)
            query = (
                select(WorkflowMemberRow, RunRow)
                .join(TriggerFiringRow, TriggerFiringRow.id == WorkflowMemberRow.firing_id)
                .outerjoin(RunRow, RunRow.id == WorkflowMemberRow.run_id)
                .where(TriggerFiringRow.trigger_id == row.id, WorkflowMemberRow.kind == "crawl")
                .order_by(WorkflowMemberRow.id)
            )
            return [
                (
                    _to_member(m),
                    None
                    if r is None
                    else {
                        "kind": "crawl",
                        "id": r.id,
                        "first": r.id,
                        "name": r.name,
                        "state": r.state,
                        "ended_at": r.ended_at,
                    },
                )
                for m, r in session.execute(query).all()
            ]

        return self._read(run)

    # -- firing ------------------------------------------------------------------------------

    def fire_trigger(
        self,
        name: str,
        *,
        fire_key: str,
        upstream: Sequence[Mapping[str, Any]] = (),
        jobs: Sequence[Mapping[str, Any]] = (),
        crawlers: Sequence[str] = (),
        run_trigger: str = "CONDITIONAL",
        now: datetime | None = None,
    ) -> Firing | None:
        """Fire trigger ``name`` once for ``fire_key``: None if it has fired for that key already
        (another scheduler claimed it). In one transaction: the firing, its workflow run (the one
        of the first upstream run that has one, else a new one rooted at the first upstream run
        or, with none, at this firing), the job runs (WAITING, trigger ``run_trigger``) and the
        queued crawls.

        ``upstream``: ``[{"kind": "job"|"crawl", "id", "first", "name", "state"}]`` (``first``:
        the first attempt of a job run). ``jobs``: ``[{"name", "arguments", "note"}]``, or
        ``{"name", "error"}`` for an action that cannot start (recorded, nothing started).
        """
        key = fire_key_text(fire_key)
        when = now or utcnow()
        ups = [dict(u) for u in upstream]
        with self.transaction():

            def claim(session: Session) -> TriggerFiringRow | None:
                trigger = self._trigger_row(session, name)
                row = TriggerFiringRow(
                    trigger_id=trigger.id,
                    fire_key=key,
                    workflow_run_id=0,
                    upstream=ups,
                    outcome=[],
                    fired_at=when,
                )
                try:
                    with session.begin_nested():
                        session.add(row)
                        session.flush()
                except IntegrityError:
                    return None
                row.workflow_run_id = self._workflow_for(session, name, ups, when)
                session.flush()
                return row

            firing = self._write(claim)
            if firing is None:
                return None
            outcome: list[dict[str, Any]] = []
            for job in jobs:
                if job.get("error"):
                    outcome.append({"kind": "job", "name": job["name"], "error": job["error"]})
                    continue
                try:
                    run = self.create_job_run(  # type: ignore[attr-defined]
                        job["name"],
                        trigger=run_trigger,
                        arguments=dict(job.get("arguments") or {}),
                        note=job.get("note"),
                    )
                except GlueMagicsError as exc:
                    outcome.append({"kind": "job", "name": job["name"], "error": str(exc)})
                    continue
                self._add_member(firing, "job", job["name"], run.id, "LINKED", when)
                outcome.append({"kind": "job", "name": job["name"], "run_id": run.id})
            for crawler in crawlers:
                member = self._add_member(firing, "crawl", crawler, None, "WAITING", when)
                outcome.append({"kind": "crawler", "name": crawler, "member_id": member})

            def record(session: Session) -> Firing:
                assert firing is not None
                firing.outcome = outcome
                session.flush()
                return _to_firing(firing, name)

            return self._write(record)

    def _add_member(
        self,
        firing: TriggerFiringRow,
        kind: str,
        name: str,
        run_id: int | None,
        state: str,
        when: datetime,
    ) -> int:
        def run(session: Session) -> int:
            row = WorkflowMemberRow(
                workflow_run_id=firing.workflow_run_id,
                firing_id=firing.id,
                kind=kind,
                name=name,
                run_id=run_id,
                state=state,
                created_at=when,
            )
            session.add(row)
            session.flush()
            return row.id

        return self._write(run)

    @staticmethod
    def _member_row(session: Session, kind: str, run_id: int) -> WorkflowMemberRow | None:
        return session.execute(
            select(WorkflowMemberRow).where(
                WorkflowMemberRow.kind == kind, WorkflowMemberRow.run_id == run_id
            )
        ).scalar_one_or_none()

    def _workflow_for(
        self, session: Session, trigger: str, upstream: list[dict[str, Any]], when: datetime
    ) -> int:
        """The workflow run of a firing: the one of its first upstream run that has one, else a
        new one rooted at its first upstream run (or at the firing itself, with none). Upstream
        runs in no workflow run join it, so the runs that fired a trigger show in its graph."""
        workflow = next(
            (
                member.workflow_run_id
                for up in upstream
                if (member := self._member_row(session, up["kind"], up["first"])) is not None
            ),
            None,
        )
        created = workflow is None
        if workflow is None:
            root = upstream[0] if upstream else None
            row = WorkflowRunRow(
                trigger=None if root else trigger,
                root_kind=root["kind"] if root else None,
                root_run_id=root["first"] if root else None,
                created_at=when,
            )
            session.add(row)
            session.flush()
            workflow = row.id
        for up in upstream:
            if self._member_row(session, up["kind"], up["first"]) is not None:
                continue
            try:
                with session.begin_nested():
                    session.add(
                        WorkflowMemberRow(
                            workflow_run_id=workflow,
                            kind=up["kind"],
                            name=up["name"],
                            run_id=up["first"],
                            state="LINKED",
                            created_at=when,
                        )
                    )
                    session.flush()
            except IntegrityError:
                # Another scheduler linked the same run just now (to its own workflow run).
                # The run is the root of ours: join theirs instead.
                if created and up is upstream[0]:
                    member = self._member_row(session, up["kind"], up["first"])
                    assert member is not None
                    session.execute(delete(WorkflowRunRow).where(WorkflowRunRow.id == workflow))
                    workflow = member.workflow_run_id
        return workflow

    # -- queued crawls -----------------------------------------------------------------------

    def waiting_crawls(self) -> list[CrawlMember]:
        query = (
            select(WorkflowMemberRow)
            .where(WorkflowMemberRow.kind == "crawl", WorkflowMemberRow.state == "WAITING")
            .order_by(WorkflowMemberRow.id)
        )
        return self._read(lambda s: [_to_member(r) for r in s.execute(query).scalars()])

    def claim_crawl(self, member_id: int, owner: str) -> CrawlMember | None:
        """WAITING -> STARTED for ``owner`` (a conditional update: one scheduler starts it)."""
        check_id(member_id, "crawl member id")
        check_text(owner, "owner", 255)

        def run(session: Session) -> CrawlMember | None:
            result = session.execute(
                update(WorkflowMemberRow)
                .where(WorkflowMemberRow.id == member_id, WorkflowMemberRow.state == "WAITING")
                .values(state="STARTED", owner=owner)
                .execution_options(synchronize_session=False)
            )
            if not getattr(result, "rowcount", 0):
                return None
            row = session.get(WorkflowMemberRow, member_id)
            assert row is not None
            session.refresh(row)
            return _to_member(row)

        return self._write(run)

    def link_crawl(self, member_id: int, run_id: int | None, *, state: str = "LINKED") -> None:
        """Record the crawl run a queued crawl became (or ERROR: it could not start)."""
        if state not in CRAWL_MEMBER_STATES:
            raise InvalidInputError(f"invalid crawl member state {state!r}")

        def run(session: Session) -> None:
            row = session.get(WorkflowMemberRow, check_id(member_id, "crawl member id"))
            if row is None:
                raise EntityNotFoundError(f"queued crawl {member_id} not found")
            row.run_id, row.state = run_id, state
            session.flush()

        self._write(run)

    def get_crawl_member(self, member_id: int) -> CrawlMember:
        def run(session: Session) -> CrawlMember:
            row = session.get(WorkflowMemberRow, check_id(member_id, "crawl member id"))
            if row is None or row.kind != "crawl":
                raise EntityNotFoundError(f"queued crawl {member_id} not found")
            return _to_member(row)

        return self._read(run)

    # -- workflow runs -----------------------------------------------------------------------

    def workflow_run_of(self, kind: str, run_id: int) -> int | None:
        """The workflow run a job run (any attempt) or crawl run belongs to, if any."""
        check_id(run_id, "run id")
        if kind not in ("job", "crawl"):
            raise InvalidInputError(f"invalid run kind {kind!r}: job or crawl")

        def run(session: Session) -> int | None:
            first = run_id
            if kind == "job":
                row = session.get(JobRunRow, run_id)
                if row is None:
                    raise EntityNotFoundError(f"job run {run_id} not found")
                first = row.first_run_id or row.id
            member = self._member_row(session, kind, first)
            return None if member is None else member.workflow_run_id

        return self._read(run)

    def run_origin(self, kind: str, run_id: int) -> dict[str, Any] | None:
        """For a run a trigger started: the trigger, the firing, the upstream runs that fired it
        and the workflow run; None for a run no trigger started."""
        check_id(run_id, "run id")

        def run(session: Session) -> dict[str, Any] | None:
            first = run_id
            if kind == "job":
                row = session.get(JobRunRow, run_id)
                first = (row.first_run_id or row.id) if row is not None else run_id
            member = self._member_row(session, kind, first)
            if member is None:
                return None
            origin: dict[str, Any] = {"workflow_run_id": member.workflow_run_id}
            if member.firing_id is not None:
                found = session.execute(
                    select(TriggerFiringRow, TriggerRow.name)
                    .join(TriggerRow, TriggerRow.id == TriggerFiringRow.trigger_id)
                    .where(TriggerFiringRow.id == member.firing_id)
                ).first()
                if found is not None:
                    firing, trigger = found
                    origin.update(
                        trigger=trigger, firing_id=firing.id, upstream=list(firing.upstream)
                    )
            return origin

        return self._read(run)

    def list_workflow_runs(
        self, *, triggers: Iterable[str] | None = None, limit: int = 20
    ) -> list[int]:
        """Workflow run ids, newest first: those in which one of ``triggers`` fired, if given."""
        check_limit(limit)

        def run(session: Session) -> list[int]:
            query = select(WorkflowRunRow.id)
            if triggers is not None:
                names = sorted(set(triggers))
                fired = (
                    select(TriggerFiringRow.workflow_run_id)
                    .join(TriggerRow, TriggerRow.id == TriggerFiringRow.trigger_id)
                    .where(TriggerRow.name.in_(names))
                )
                query = query.where(WorkflowRunRow.id.in_(fired))
            rows = session.execute(query.order_by(WorkflowRunRow.id.desc()).limit(limit))
            return [int(r[0]) for r in rows]

        return self._read(run)

    def workflow_run_graph(self, workflow_run_id: int) -> dict[str, Any]:
        """The run graph of a workflow run: its job and crawl runs with their states (a job run
        shows its last attempt), and edges from the runs that fired a trigger to the runs the
        firing started.

        ``{"workflow_run_id", "trigger", "root", "created_at", "state", "statistics",
        "nodes": [{"id": "job:12", "kind", "name", "run_id", "state", ...}],
        "edges": [{"source", "target", "trigger", "firing_id"}], "firings": [...]}``
        """
        check_id(workflow_run_id, "workflow run id")

        def run(session: Session) -> dict[str, Any]:
            workflow = session.get(WorkflowRunRow, workflow_run_id)
            if workflow is None:
                raise EntityNotFoundError(f"workflow run {workflow_run_id} not found")
            members = list(
                session.execute(
                    select(WorkflowMemberRow)
                    .where(WorkflowMemberRow.workflow_run_id == workflow_run_id)
                    .order_by(WorkflowMemberRow.id)
                ).scalars()
            )
            firings = {
                f.id: (f, t)
                for f, t in session.execute(
                    select(TriggerFiringRow, TriggerRow.name)
                    .join(TriggerRow, TriggerRow.id == TriggerFiringRow.trigger_id)
                    .where(TriggerFiringRow.workflow_run_id == workflow_run_id)
                    .order_by(TriggerFiringRow.id)
                ).all()
            }
            nodes = [self._node(session, m) for m in members]
            edges = []
            for member, node in zip(members, nodes, strict=True):
                if member.firing_id is None or member.firing_id not in firings:
                    continue
                firing, trigger = firings[member.firing_id]
                for up in firing.upstream:
                    edges.append(
                        {
                            "source": f"{up['kind']}:{up['first']}",
                            "target": node["id"],
                            "trigger": trigger,
                            "firing_id": firing.id,
                        }
                    )
            statistics: dict[str, int] = {}
            for node in nodes:
                statistics[node["state"]] = statistics.get(node["state"], 0) + 1
            running = any(not node["final"] for node in nodes)
            root = (
                f"{workflow.root_kind}:{workflow.root_run_id}"
                if workflow.root_kind is not None
                else None
            )
            return {
                "workflow_run_id": workflow.id,
                "trigger": workflow.trigger,
                "root": root,
                "created_at": workflow.created_at,
                "state": "RUNNING" if running else "COMPLETED",
                "statistics": statistics,
                "nodes": nodes,
                "edges": edges,
                "firings": [
                    {
                        "id": f.id,
                        "trigger": t,
                        "fired_at": f.fired_at,
                        "upstream": [f"{u['kind']}:{u['first']}" for u in f.upstream],
                        "outcome": list(f.outcome),
                    }
                    for f, t in firings.values()
                ],
            }

        return self._read(run)

    @staticmethod
    def _node(session: Session, member: WorkflowMemberRow) -> dict[str, Any]:
        node: dict[str, Any] = {
            "kind": member.kind,
            "name": member.name,
            "run_id": member.run_id,
            "root": member.firing_id is None,
        }
        if member.kind == "job" and member.run_id is not None:
            last = session.execute(
                select(JobRunRow)
                .where((JobRunRow.first_run_id == member.run_id) | (JobRunRow.id == member.run_id))
                .order_by(JobRunRow.attempt.desc(), JobRunRow.id.desc())
                .limit(1)
            ).scalar_one_or_none()
            node["id"] = f"job:{member.run_id}"
            if last is None:
                node.update(state="DELETED", final=True)
                return node
            node.update(
                state=last.state,
                final=last.state in _JOB_FINAL,
                attempt=last.attempt,
                last_attempt_id=last.id,
                trigger=last.trigger,
                started_at=last.started_at,
                ended_at=last.ended_at,
                error=last.error,
            )
            return node
        if member.run_id is not None:
            crawl = session.get(RunRow, member.run_id)
            node["id"] = f"crawl:{member.run_id}"
            if crawl is None:
                node.update(state="DELETED", final=True)
                return node
            node.update(
                state=crawl.state,
                final=crawl.state in _CRAWL_FINAL,
                started_at=crawl.started_at,
                ended_at=crawl.ended_at,
                error=crawl.error,
            )
            return node
        # A crawl queued by a firing that has not become a crawl run (yet).
        node["id"] = f"crawl-queued:{member.id}"
        state = {"WAITING": "WAITING", "STARTED": "STARTING"}.get(member.state, member.state)
        stale = member.state == "STARTED" and utcnow() - member.created_at > timedelta(hours=1)
        node.update(state="ERROR" if stale else state, final=state == "ERROR" or stale)
        return node
