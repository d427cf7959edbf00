"""Jobs in the catalog store: promoted notebooks (versioned snapshots), their settings and runs.

The store knows nothing of notebooks or kernels: ``glue_magics.jobs`` reads the notebook, checks the
parameters and runs the kernel; this mixin keeps the rows and enforces what must hold whoever
writes them: names, the run state machine, one claim per scheduled fire time, leases, retries.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from glue_magics.catalog._base import CatalogBase
from glue_magics.catalog.models import JobRow, JobRunRow, JobVersionRow, RunRow, utcnow
from glue_magics.catalog.validation import check_id, check_limit, check_text
from glue_magics.errors import (
    AlreadyExistsError,
    ConcurrentModificationError,
    EntityNotFoundError,
    InvalidInputError,
)

#: Glue's job run states (WAITING: queued, e.g. behind the job's max concurrency or a retry delay).
JOB_RUN_STATES = (
    "WAITING",
    "STARTING",
    "RUNNING",
    "STOPPING",
    "STOPPED",
    "SUCCEEDED",
    "FAILED",
    "TIMEOUT",
    "ERROR",
)
JOB_FINAL_STATES = frozenset({"STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR"})
#: States of a run that holds one of the job's concurrency slots.
JOB_ACTIVE_STATES = frozenset({"STARTING", "RUNNING", "STOPPING"})
TRIGGERS = ("ON_DEMAND", "SCHEDULED", "CATCH_UP", "CONDITIONAL", "RETRY")
_ALLOWED = {
    "WAITING": {"STARTING", "STOPPED", "ERROR"},
    "STARTING": {"RUNNING", "STOPPING", "STOPPED", "FAILED", "TIMEOUT", "ERROR"},
    "RUNNING": {"STOPPING", "STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR"},
    # A run being stopped may still end on its own first.
    "STOPPING": {"STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR"},
}
_JOB_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,254}$")
#: The error recorded on a run whose worker stopped renewing its lease.
LOST = "lost: worker stopped heartbeating"


@dataclass(frozen=True)
class Job:
    name: str
    version: int
    schedule: str | None
    timezone: str
    paused: bool
    description: str | None
    #: Defaults of the newest version's parameters cell, with the job's default arguments applied.
    parameters: dict[str, Any]
    settings: dict[str, Any]
    scheduled_through: datetime | None = None
    skipped_runs: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def setting(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)


@dataclass(frozen=True)
class JobVersion:
    job: str
    version: int
    sha256: str
    source_path: str | None
    parameters: dict[str, Any]
    created_at: datetime
    notebook: str | None = None


@dataclass(frozen=True)
class JobRun:
    id: int
    job: str
    version: int
    trigger: str
    state: str
    attempt: int
    scheduled_for: datetime | None
    arguments: dict[str, Any]
    created_at: datetime
    first_run_id: int | None = None
    previous_run_id: int | None = None
    not_before: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    duration_seconds: float | None = None
    owner: str | None = None
    lease_expires_at: datetime | None = None
    pid: int | None = None
    kernel_pid: int | None = None
    output_path: str | None = None
    log_path: str | None = None
    error: str | None = None
    failed_cell: int | None = None
    note: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def final(self) -> bool:
        return self.state in JOB_FINAL_STATES


def check_job_name(name: object) -> str:
    if not isinstance(name, str) or not _JOB_NAME.match(name):
        raise InvalidInputError(
            f"invalid job name {name!r}: use 1-255 letters, digits, '_', '-' or '.', "
            "starting with a letter, digit or '_'"
        )
    return name


def _to_job(row: JobRow, parameters: Mapping[str, Any]) -> Job:
    settings = dict(row.settings)
    params = {**parameters, **settings.get("default_params", {})}
    return Job(
        name=row.name,
        version=row.current_version,
        schedule=row.schedule,
        timezone=row.timezone,
        paused=bool(row.paused),
        description=row.description,
        parameters=params,
        settings=settings,
        scheduled_through=row.scheduled_through,
        skipped_runs=row.skipped_runs,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _to_version(name: str, row: JobVersionRow, *, with_notebook: bool = False) -> JobVersion:
    return JobVersion(
        job=name,
        version=row.version,
        sha256=row.sha256,
        source_path=row.source_path,
        parameters=dict(row.parameters),
        created_at=row.created_at,
        notebook=row.notebook if with_notebook else None,
    )


def _to_run(row: JobRunRow, job: str) -> JobRun:
    return JobRun(
        id=row.id,
        job=job,
        version=row.version,
        trigger=row.trigger,
        state=row.state,
        attempt=row.attempt,
        scheduled_for=row.scheduled_for,
        arguments=dict(row.arguments),
        created_at=row.created_at,
        first_run_id=row.first_run_id,
        previous_run_id=row.previous_run_id,
        not_before=row.not_before,
        started_at=row.started_at,
        ended_at=row.ended_at,
        duration_seconds=row.duration_seconds,
        owner=row.owner,
        lease_expires_at=row.lease_expires_at,
        pid=row.pid,
        kernel_pid=row.kernel_pid,
        output_path=row.output_path,
        log_path=row.log_path,
        error=row.error,
        failed_cell=row.failed_cell,
        note=row.note,
        metrics=dict(row.metrics),
    )


def _check_state(state: object) -> str:
    if not isinstance(state, str) or state not in JOB_RUN_STATES:
        raise InvalidInputError(
            f"invalid job run state {state!r}: use one of {', '.join(JOB_RUN_STATES)}"
        )
    return state


def _check_seconds(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise InvalidInputError(f"{what} must be a positive number of seconds, got {value!r}")
    return float(value)


class JobOps(CatalogBase):
    # -- jobs and versions -----------------------------------------------------------------

    def promote_job(
        self,
        name: str,
        *,
        notebook: str,
        sha256: str,
        parameters: Mapping[str, Any],
        settings: Mapping[str, Any],
        schedule: str | None = None,
        timezone: str = "UTC",
        description: str | None = None,
        source_path: str | None = None,
        now: datetime | None = None,
    ) -> Job:
        """Create the job, or store a new version of it and replace its settings.

        ``notebook`` is the nbformat JSON of the snapshot; ``parameters`` the defaults of its
        parameters cell. The schedule mark restarts at ``now`` when the schedule changes.
        """
        check_job_name(name)
        check_text(notebook, "notebook", None)
        check_text(sha256, "notebook sha256", 64)
        check_text(description, "job description", 2048, optional=True)
        check_text(schedule, "schedule", 1024, optional=True)
        check_text(timezone, "timezone", 64)
        check_text(source_path, "notebook path", None, optional=True)
        when = now or utcnow()

        def run(session: Session) -> Job:
            row = session.execute(
                select(JobRow).where(JobRow.name == name).with_for_update()
            ).scalar_one_or_none()
            if row is None:
                row = JobRow(
                    name=name,
                    current_version=0,
                    created_at=when,
                    skipped_runs=0,
                    paused=False,
                    settings={},
                )
                session.add(row)
                session.flush()
            if (row.schedule, row.timezone) != (schedule, timezone) or row.current_version == 0:
                row.scheduled_through = when
            row.current_version += 1
            row.schedule, row.timezone, row.description = schedule, timezone, description
            row.settings = dict(settings)
            row.updated_at = when
            session.add(
                JobVersionRow(
                    job_id=row.id,
                    version=row.current_version,
                    notebook=notebook,
                    sha256=sha256,
                    source_path=source_path,
                    parameters=dict(parameters),
                    created_at=when,
                )
            )
            session.flush()
            return _to_job(row, parameters)

        return self._write(run)

    def _job_row(self, session: Session, name: str, *, for_update: bool = False) -> JobRow:
        check_job_name(name)
        query = select(JobRow).where(JobRow.name == name)
        if for_update:
            query = query.with_for_update()
        row = session.execute(query).scalar_one_or_none()
        if row is None:
            raise EntityNotFoundError(f"job {name!r} not found")
        return row

    @staticmethod
    def _version_row(session: Session, job: JobRow, version: int) -> JobVersionRow:
        row = session.execute(
            select(JobVersionRow).where(
                JobVersionRow.job_id == job.id, JobVersionRow.version == version
            )
        ).scalar_one_or_none()
        if row is None:
            raise EntityNotFoundError(f"job {job.name!r} has no version {version}")
        return row

    def _job(self, session: Session, row: JobRow) -> Job:
        params = session.execute(
            select(JobVersionRow.parameters).where(
                JobVersionRow.job_id == row.id, JobVersionRow.version == row.current_version
            )
        ).scalar_one()
        return _to_job(row, params)

    def get_job(self, name: str) -> Job:
        return self._read(lambda s: self._job(s, self._job_row(s, name)))

    def list_jobs(self, *, tag: str | None = None) -> list[Job]:
        """Every job by name (those tagged ``tag`` only, if given)."""

        def run(session: Session) -> list[Job]:
            rows = session.execute(select(JobRow).order_by(JobRow.name)).scalars()
            jobs = [self._job(session, r) for r in rows]
            return [j for j in jobs if tag is None or tag in j.settings.get("tags", [])]

        return self._read(run)

    def delete_job(self, name: str) -> None:
        """Delete a job with its versions and runs; refused while one of its runs is active."""

        def run(session: Session) -> None:
            row = self._job_row(session, name, for_update=True)
            active = session.execute(
                select(JobRunRow.id).where(
                    JobRunRow.job_id == row.id, JobRunRow.state.in_(JOB_ACTIVE_STATES)
                )
            ).first()
            if active is not None:
                raise ConcurrentModificationError(
                    f"job {name!r} has a run in progress (run {active[0]}); stop it first"
                )
            session.execute(delete(JobRunRow).where(JobRunRow.job_id == row.id))
            session.execute(delete(JobVersionRow).where(JobVersionRow.job_id == row.id))
            session.delete(row)

        self._write(run)

    def set_job_paused(self, name: str, paused: bool, *, now: datetime | None = None) -> Job:
        """Pause or resume a job's schedule. Resuming restarts the schedule at ``now``: fire times
        that passed while paused are not run."""
        if not isinstance(paused, bool):
            raise InvalidInputError("paused is True or False")

        def run(session: Session) -> Job:
            row = self._job_row(session, name, for_update=True)
            if row.paused and not paused:
                row.scheduled_through = now or utcnow()
            row.paused = paused
            row.updated_at = utcnow()
            session.flush()
            return self._job(session, row)

        return self._write(run)

    def advance_job_schedule(
        self, name: str, expected: datetime | None, through: datetime, *, skipped: int = 0
    ) -> bool:
        """Move the job's schedule mark from ``expected`` to ``through`` and count ``skipped``
        fire times, unless another scheduler moved it first (then False: nothing changed)."""
        if skipped < 0:
            raise InvalidInputError("skipped must not be negative")

        def run(session: Session) -> bool:
            row = self._job_row(session, name)
            mark = (
                JobRow.scheduled_through.is_(None)
                if expected is None
                else JobRow.scheduled_through == expected
            )
            result = session.execute(
                update(JobRow)
                .where(JobRow.id == row.id, mark)
                .values(scheduled_through=through, skipped_runs=JobRow.skipped_runs + skipped)
                .execution_options(synchronize_session=False)
            )
            return bool(getattr(result, "rowcount", 0))

        return self._write(run, visible=skipped > 0)  # a moved mark alone shows nowhere

    def list_job_versions(self, name: str) -> list[JobVersion]:
        """A job's versions, newest first (without the notebooks)."""

        def run(session: Session) -> list[JobVersion]:
            job = self._job_row(session, name)
            rows = session.execute(
                select(JobVersionRow)
                .where(JobVersionRow.job_id == job.id)
                .order_by(JobVersionRow.version.desc())
            ).scalars()
            return [_to_version(name, r) for r in rows]

        return self._read(run)

    def get_job_version(self, name: str, version: int | None = None) -> JobVersion:
        """One version with its notebook (nbformat JSON); the newest when ``version`` is None."""
        if version is not None:
            check_id(version, "job version")

        def run(session: Session) -> JobVersion:
            job = self._job_row(session, name)
            row = self._version_row(session, job, version or job.current_version)
            return _to_version(name, row, with_notebook=True)

        return self._read(run)

    # -- runs ----------------------------------------------------------------------------

    def _run_row(self, session: Session, run_id: int, *, for_update: bool = False) -> JobRunRow:
        check_id(run_id, "job run id")
        query = select(JobRunRow).where(JobRunRow.id == run_id)
        if for_update:
            query = query.with_for_update()
        row = session.execute(query).scalar_one_or_none()
        if row is None:
            raise EntityNotFoundError(f"job run {run_id} not found")
        return row

    @staticmethod
    def _job_name(session: Session, job_id: int) -> str:
        return str(session.execute(select(JobRow.name).where(JobRow.id == job_id)).scalar_one())

    def create_job_run(
        self,
        name: str,
        *,
        trigger: str,
        arguments: Mapping[str, Any],
        scheduled_for: datetime | None = None,
        version: int | None = None,
        note: str | None = None,
        max_active: int | None = None,
        owner: str | None = None,
        lease_seconds: float | None = None,
    ) -> JobRun:
        """Queue a run (state WAITING). For a scheduled fire time this is the claim: a second
        insert for the same job and ``scheduled_for`` raises AlreadyExistsError. ``max_active``:
        refuse (ConcurrentModificationError) if the job already has that many active runs.
        ``owner``: create it claimed (STARTING) by ``owner`` with a lease of ``lease_seconds``."""
        lease = None
        if owner is not None:
            check_text(owner, "owner", 255)
            lease = timedelta(seconds=_check_seconds(lease_seconds, "lease"))
        if trigger not in TRIGGERS:
            raise InvalidInputError(
                f"invalid trigger {trigger!r}: use one of {', '.join(TRIGGERS)}"
            )

        def run(session: Session) -> JobRun:
            job = self._job_row(session, name, for_update=True)
            if max_active is not None:
                active = self._active_count(session, job.id)
                if active >= max_active:
                    raise ConcurrentModificationError(
                        f"ConcurrentRunsExceeded: job {name!r} has {active} run(s) in progress "
                        f"and allows {max_active}"
                    )
            row = JobRunRow(
                job_id=job.id,
                version=version or job.current_version,
                trigger=trigger,
                scheduled_for=scheduled_for,
                state="WAITING",
                attempt=1,
                arguments=dict(arguments),
                created_at=utcnow(),
                note=note,
                metrics={},
            )
            if owner is not None and lease is not None:
                row.state, row.owner, row.lease_expires_at = "STARTING", owner, utcnow() + lease
            self._version_row(session, job, row.version)
            try:
                with session.begin_nested():
                    session.add(row)
                    session.flush()
            except IntegrityError:
                raise AlreadyExistsError(
                    f"job {name!r} already has a run for {scheduled_for}"
                ) from None
            row.first_run_id = row.id
            session.flush()
            return _to_run(row, name)

        return self._write(run)

    @staticmethod
    def _active_count(session: Session, job_id: int) -> int:
        return int(
            session.execute(
                select(func.count(JobRunRow.id)).where(
                    JobRunRow.job_id == job_id, JobRunRow.state.in_(JOB_ACTIVE_STATES)
                )
            ).scalar_one()
        )

    def claim_job_run(
        self,
        run_id: int,
        owner: str,
        *,
        lease_seconds: float,
        max_active: int | None = None,
        now: datetime | None = None,
    ) -> JobRun | None:
        """Take a WAITING run whose delay has passed: WAITING -> STARTING, with ``owner``'s lease.

        None when someone else took it, it is not due yet, or the job already has ``max_active``
        active runs (then the run keeps waiting, with a note saying why)."""
        check_text(owner, "owner", 255)
        lease = timedelta(seconds=_check_seconds(lease_seconds, "lease"))

        def run(session: Session) -> JobRun | None:
            row = self._run_row(session, run_id)
            # Lock the job first: claims of one job's runs are serialized (max concurrency).
            job = session.execute(
                select(JobRow).where(JobRow.id == row.job_id).with_for_update()
            ).scalar_one()
            session.refresh(row)
            when = now or utcnow()
            if row.state != "WAITING" or (row.not_before is not None and row.not_before > when):
                return None
            if max_active is not None:
                active = self._active_count(session, job.id)
                if active >= max_active:
                    note = (
                        f"ConcurrentRunsExceeded: waiting for one of {active} active run(s) "
                        f"to end (max concurrency {max_active})"
                    )
                    if row.note != note:
                        row.note = note
                    return None
            row.state, row.owner, row.lease_expires_at = "STARTING", owner, utcnow() + lease
            session.flush()
            return _to_run(row, job.name)

        return self._write(run)

    def update_job_run(
        self,
        run_id: int,
        *,
        state: str | None = None,
        expect: str | set[str] | frozenset[str] | None = None,
        **fields: Any,
    ) -> JobRun:
        """Change a run's state (checked against Glue's state machine) and/or other fields.

        ``expect``: the state(s) the run must be in, else ConcurrentModificationError.
        A final state sets ``ended_at`` and ``duration_seconds``.
        """
        allowed = {
            "owner",
            "lease_expires_at",
            "pid",
            "kernel_pid",
            "output_path",
            "log_path",
            "error",
            "failed_cell",
            "note",
            "metrics",
            "started_at",
            "arguments",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise InvalidInputError(f"cannot set {', '.join(sorted(unknown))} on a job run")
        if state is not None:
            _check_state(state)
        if isinstance(fields.get("error"), str):
            fields["error"] = fields["error"][:2000]

        def run(session: Session) -> JobRun:
            row = self._run_row(session, run_id, for_update=True)
            expected = {expect} if isinstance(expect, str) else expect
            if expected is not None and row.state not in expected:
                raise ConcurrentModificationError(
                    f"job run {run_id} is {row.state}, not {' or '.join(sorted(expected))}"
                )
            if state is not None and state != row.state:
                if state not in _ALLOWED.get(row.state, set()):
                    raise InvalidInputError(
                        f"job run {run_id} cannot go from {row.state} to {state}"
                    )
                row.state = state
                now = utcnow()
                if state == "RUNNING" and row.started_at is None:
                    row.started_at = now
                if state in JOB_FINAL_STATES:
                    row.ended_at = now
                    row.lease_expires_at = None
                    if row.started_at is not None:
                        row.duration_seconds = round((now - row.started_at).total_seconds(), 3)
            for key, value in fields.items():
                if key == "metrics":
                    value = {**row.metrics, **value}
                setattr(row, key, value)
            session.flush()
            return _to_run(row, self._job_name(session, row.job_id))

        return self._write(run)

    def heartbeat_job_run(self, run_id: int, owner: str, lease_seconds: float) -> str:
        """Renew ``owner``'s lease on an active run; returns the run's state (a worker seeing
        STOPPING stops). A run that is not ``owner``'s any more is left alone."""
        lease = timedelta(seconds=_check_seconds(lease_seconds, "lease"))

        def run(session: Session) -> str:
            row = self._run_row(session, run_id)
            if row.owner == owner and row.state in JOB_ACTIVE_STATES:
                row.lease_expires_at = utcnow() + lease
                session.flush()
            return row.state

        return self._write(run, visible=False)

    def retry_job_run(self, run_id: int, *, delay_seconds: float) -> JobRun | None:
        """After a FAILED attempt: queue the next one (same fire time, attempt + 1, WAITING until
        the delay has passed) if the job allows more retries. Idempotent: a second call returns
        None instead of another attempt."""

        def run(session: Session) -> JobRun | None:
            row = self._run_row(session, run_id, for_update=True)
            job = session.execute(
                select(JobRow).where(JobRow.id == row.job_id).with_for_update()
            ).scalar_one()
            if row.state != "FAILED":
                return None
            retries = int(job.settings.get("max_retries", 0))
            if row.attempt > retries:
                return None
            exists = session.execute(
                select(JobRunRow.id).where(JobRunRow.previous_run_id == row.id)
            ).first()
            if exists is not None:
                return None
            retry = JobRunRow(
                job_id=row.job_id,
                version=row.version,
                trigger=row.trigger,
                scheduled_for=row.scheduled_for,
                state="WAITING",
                attempt=row.attempt + 1,
                first_run_id=row.first_run_id or row.id,
                previous_run_id=row.id,
                arguments=dict(row.arguments),
                created_at=utcnow(),
                not_before=utcnow() + timedelta(seconds=max(0.0, delay_seconds)),
                note=f"retry {row.attempt} of {retries} after run {row.id} failed",
                metrics={},
            )
            try:
                with session.begin_nested():
                    session.add(retry)
                    session.flush()
            except IntegrityError:
                return None
            return _to_run(retry, job.name)

        return self._write(run)

    def next_job_attempt(self, run_id: int) -> JobRun | None:
        """The retry queued after a failed attempt, if any."""
        check_id(run_id, "job run id")

        def run(session: Session) -> JobRun | None:
            row = session.execute(
                select(JobRunRow).where(JobRunRow.previous_run_id == run_id)
            ).scalar_one_or_none()
            return None if row is None else _to_run(row, self._job_name(session, row.job_id))

        return self._read(run)

    def lost_job_runs(self, *, now: datetime | None = None) -> list[JobRun]:
        """Active runs whose lease has expired (their worker or claimer is gone)."""
        when = now or utcnow()
        query = (
            select(JobRunRow)
            .where(
                JobRunRow.state.in_(JOB_ACTIVE_STATES),
                JobRunRow.lease_expires_at.is_not(None),
                JobRunRow.lease_expires_at < when,
            )
            .order_by(JobRunRow.id)
        )

        def run(session: Session) -> list[JobRun]:
            return [
                _to_run(r, self._job_name(session, r.job_id))
                for r in session.execute(query).scalars()
            ]

        return self._read(run)

    def fail_lost_job_run(self, run_id: int, *, now: datetime | None = None) -> JobRun | None:
        """Mark an active run whose lease expired FAILED (``LOST``); None if it is not lost
        (any more): its worker came back, or another scheduler got there first."""
        when = now or utcnow()

        def run(session: Session) -> JobRun | None:
            row = self._run_row(session, run_id, for_update=True)
            if (
                row.state not in JOB_ACTIVE_STATES
                or row.lease_expires_at is None
                or row.lease_expires_at >= when
            ):
                return None
            row.state, row.error, row.ended_at = "FAILED", LOST, utcnow()
            row.lease_expires_at = None
            if row.started_at is not None:
                row.duration_seconds = round((row.ended_at - row.started_at).total_seconds(), 3)
            session.flush()
            return _to_run(row, self._job_name(session, row.job_id))

        return self._write(run)

    def get_job_run(self, run_id: int) -> JobRun:
        def run(session: Session) -> JobRun:
            row = self._run_row(session, run_id)
            return _to_run(row, self._job_name(session, row.job_id))

        return self._read(run)

    def list_job_runs(
        self,
        name: str | None = None,
        *,
        states: frozenset[str] | set[str] | None = None,
        limit: int = 50,
        oldest_first: bool = False,
    ) -> list[JobRun]:
        """Runs of one job (or all), newest first; only those in ``states`` if given."""
        check_limit(limit)
        for state in states or ():
            _check_state(state)

        def run(session: Session) -> list[JobRun]:
            order = JobRunRow.id.asc() if oldest_first else JobRunRow.id.desc()
            query = select(JobRunRow, JobRow.name).join(JobRow, JobRow.id == JobRunRow.job_id)
            if name is not None:
                query = query.where(JobRunRow.job_id == self._job_row(session, name).id)
            if states:
                query = query.where(JobRunRow.state.in_(set(states)))
            rows = session.execute(query.order_by(order).limit(limit)).all()
            return [_to_run(r, n) for r, n in rows]

        return self._read(run)

    def job_run_children(self, run_id: int) -> list[dict[str, Any]]:
        """The ETL and data-quality runs a job run's notebook made, oldest first."""
        check_id(run_id, "job run id")
        query = select(RunRow).where(RunRow.job_run_id == run_id).order_by(RunRow.id)
        return self._read(
            lambda s: [
                {
                    "id": r.id,
                    "kind": r.kind,
                    "name": r.name,
                    "target": r.target,
                    "state": r.state,
                    "metrics": dict(r.metrics),
                    "error": r.error,
                }
                for r in s.execute(query).scalars()
            ]
        )
