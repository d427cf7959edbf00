"""The job scheduler: turns schedules into runs, exactly once, however many schedulers share a catalog.

Each pass (:meth:`Scheduler.run_once`) does three things:

1. **Lost runs.** An active run whose lease expired (its worker, or the scheduler that claimed it,
   was killed) is marked FAILED ("lost: worker stopped heartbeating") and, if the job allows
   retries, a new attempt is queued. The state change is conditional, so with several schedulers
   only one of them does it, and a run is never retried twice.
2. **Fire times.** For every active scheduled job, the fire times since the job's mark are due. A
   due fire time is claimed by inserting its run row: ``(job, scheduled_for, attempt)`` is unique,
   so when two schedulers insert the same one, the second gets an integrity error and moves on.
   Missed fire times (older than the grace period, e.g. after downtime) follow the job's catch-up
   policy: ``none`` skips them (counted on the job), ``latest`` runs the newest once, ``all`` runs
   each one up to the job's max staleness; these runs have the trigger CATCH_UP.
3. **Triggers.** Each enabled trigger is evaluated (see :mod:`glue_magics.jobs.triggers`): a
   scheduled one at its fire times, a conditional one once per satisfying set of upstream runs, a
   file-arrival one when its crawler's targets hold new files. A firing is claimed by inserting its
   row (``(trigger, fire key)`` is unique), with the job runs it starts and the crawls it queues.
4. **Dispatch.** Waiting runs whose delay has passed are claimed (WAITING -> STARTING, with a lease)
   while the job has fewer active runs than its max concurrency, and a worker process is started for
   each. A run held back by the max concurrency stays WAITING with a note saying why. Queued crawls
   are claimed the same way and each runs in a worker process of its own.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import islice
from typing import Any

from glue_magics.catalog import Catalog
from glue_magics.catalog.jobs import Job
from glue_magics.catalog.models import utcnow
from glue_magics.errors import AlreadyExistsError, GlueMagicsError
from glue_magics.jobs import core

log = logging.getLogger("glue_magics.jobs.scheduler")
#: At most this many fire times are looked at per job and pass (a long outage of a minutely job).
MAX_FIRE_TIMES = 10_000
DEFAULT_POLL_SECONDS = 10.0


@dataclass
class Tick:
    """What one pass did."""

    now: datetime
    lost: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)
    claimed_elsewhere: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    started: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    #: Trigger firings made by this pass, and the queued crawls it started.
    fired: list[int] = field(default_factory=list)
    crawls_started: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Scheduler:
    """``Scheduler(catalog).serve()`` in the foreground (``glue-magics scheduler``), or
    ``start_in_thread()`` / ``stop()`` inside another process (the Jupyter server extension).

    ``grace_seconds``: how late a fire time may be seen and still count as on time (default: the
    larger of 60 s and three polls); older ones are missed and follow the catch-up policy.
    """

    def __init__(
        self,
        catalog: Catalog | None = None,
        *,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
        grace_seconds: float | None = None,
    ) -> None:
        if isinstance(poll_seconds, bool) or not isinstance(poll_seconds, int | float):
            raise GlueMagicsError("poll seconds must be a number")
        if not poll_seconds > 0:
            raise GlueMagicsError(f"--poll must be above 0 seconds, got {poll_seconds}")
        self.catalog = catalog if catalog is not None else Catalog()
        self.poll = float(poll_seconds)
        self.grace = timedelta(
            seconds=grace_seconds if grace_seconds is not None else max(60.0, 3 * self.poll)
        )
        self.owner = core.owner_id("scheduler")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._workers: list[subprocess.Popen[bytes]] = []

    # -- running it

    def serve(self, *, once: bool = False) -> None:
        """Pass after pass, every ``poll_seconds`` (sooner when a job is due sooner), until
        :meth:`stop` (or SIGTERM/SIGINT when in the main thread); ``once``: one pass."""
        in_main = threading.current_thread() is threading.main_thread()
        previous: dict[int, Any] = {}
        if in_main and not once:
            for sig in (signal.SIGTERM, signal.SIGINT):
                previous[sig] = signal.signal(sig, lambda *_: self._stop.set())
        try:
            while True:
                self._pass()
                if once or self._stop.wait(self._until_next_pass()):
                    break
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def _until_next_pass(self) -> float:
        """Seconds to sleep: the poll interval, or less when a job's next fire time comes sooner,
        so a scheduled run starts on time rather than up to one poll late."""
        now = utcnow()
        wait = self.poll
        try:
            for job in self.catalog.list_jobs():
                upcoming = next_fire_time(job, now)
                if upcoming is not None:
                    wait = min(wait, (upcoming - now).total_seconds() + 0.01)
        except Exception:  # the pass logs store trouble; here, fall back to the poll interval
            return self.poll
        return max(wait, 0.0)

    def _pass(self) -> Tick | None:
        try:
            return self.run_once()
        except Exception:  # e.g. the store is briefly unreachable: log it, try again next poll
            log.exception("scheduler pass failed")
            return None

    def start_in_thread(self) -> threading.Thread:
        """Run :meth:`serve` in a daemon thread; :meth:`stop` ends it."""
        if self._thread is not None and self._thread.is_alive():
            return self._thread
        self._stop.clear()
        self._thread = threading.Thread(
            target=self.serve, name="glue-magics-scheduler", daemon=True
        )
        self._thread.start()
        return self._thread

    def stop(self, timeout: float | None = 30.0) -> None:
        """Stop passing (runs already started go on in their own worker processes)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- one pass

    def run_once(self, now: datetime | None = None, *, dispatch: bool = True) -> Tick:
        """One pass at ``now`` (default: the clock). ``dispatch=False`` queues runs without
        starting them (a dry look at what is due)."""
        now = now or utcnow()
        if now.tzinfo is None:
            raise GlueMagicsError("run_once needs a timezone-aware time")
        tick = Tick(now=now)
        self._reap_workers()
        self._recover_lost(tick)
        for job in self.catalog.list_jobs():
            if job.schedule is None or job.paused:
                continue
            try:
                self._fire(job, now, tick)
            except GlueMagicsError as exc:
                tick.errors.append(f"job {job.name}: {exc}")
                log.warning("job %s: %s", job.name, exc)
        self._triggers(now, tick)
        if dispatch:
            self._dispatch(tick)
            self._dispatch_crawls(tick)
        return tick

    def _triggers(self, now: datetime, tick: Tick) -> None:
        from glue_magics.jobs import triggers

        for trigger in self.catalog.list_triggers():
            if not trigger.enabled or trigger.type == "ON_DEMAND":
                continue
            try:
                fired = triggers.evaluate(self.catalog, trigger, now, grace=self.grace)
            except GlueMagicsError as exc:
                tick.errors.append(f"trigger {trigger.name}: {exc}")
                log.warning("trigger %s: %s", trigger.name, exc)
                continue
            tick.fired += [f.id for f in fired]

    def _dispatch_crawls(self, tick: Tick) -> None:
        from glue_magics.jobs.triggers import dispatch_crawls

        for member_id, worker in dispatch_crawls(self.catalog, self.owner):
            self._workers.append(worker)
            tick.crawls_started.append(member_id)

    def _recover_lost(self, tick: Tick) -> None:
        catalog = self.catalog
        for run in catalog.lost_job_runs():
            with catalog.transaction():
                failed = catalog.fail_lost_job_run(run.id)
                retry = (
                    catalog.retry_job_run(run.id, delay_seconds=core.retry_delay(run.attempt))
                    if failed is not None
                    else None
                )
            if failed is not None:
                tick.lost.append(run.id)
                log.warning("job %s: run %s was lost (no heartbeat)", run.job, run.id)
            if retry is not None:
                tick.retried.append(retry.id)

    def _fire(self, job: Job, now: datetime, tick: Tick) -> None:
        schedule = core.schedule_of(job)
        assert schedule is not None
        mark = job.scheduled_through or job.updated_at or now
        if now <= mark:
            return
        on_time_from = max(mark, now - self.grace)
        policy = str(job.setting("catch_up", "none"))
        runs: list[tuple[datetime, str]] = []
        if policy == "all":
            minutes = job.setting("max_staleness_minutes") or core.DEFAULT_MAX_STALENESS_MINUTES
            window = max(mark, now - timedelta(minutes=float(minutes)))
            skipped = _count(schedule.fire_times(mark, window))
            for when in islice(schedule.fire_times(window, now), MAX_FIRE_TIMES):
                runs.append((when, "SCHEDULED" if when > on_time_from else "CATCH_UP"))
        else:
            on_time = list(islice(schedule.fire_times(on_time_from, now), MAX_FIRE_TIMES))
            missed = _count(schedule.fire_times(mark, on_time_from))
            runs = [(when, "SCHEDULED") for when in on_time]
            skipped = missed
            if policy == "latest" and missed and not on_time:
                latest = schedule.previous_before(on_time_from + timedelta(microseconds=1))
                if latest is not None and latest > mark:
                    runs = [(latest, "CATCH_UP")]
                    skipped = missed - 1
        for when, trigger in runs:
            try:
                run = self.catalog.create_job_run(
                    job.name,
                    trigger=trigger,
                    arguments=core.run_arguments(job, None),
                    scheduled_for=when,
                )
            except AlreadyExistsError:
                tick.claimed_elsewhere += 1
                continue
            tick.queued.append(run.id)
            log.info("job %s: queued run %s for %s (%s)", job.name, run.id, when, trigger)
        moved = self.catalog.advance_job_schedule(
            job.name, job.scheduled_through, now, skipped=skipped
        )
        if moved and skipped:
            tick.skipped[job.name] = skipped
            log.info("job %s: skipped %d missed fire time(s) (%s)", job.name, skipped, policy)

    def _dispatch(self, tick: Tick) -> None:
        catalog = self.catalog
        jobs: dict[str, Job] = {}
        for run in catalog.list_job_runs(states={"WAITING"}, oldest_first=True, limit=1000):
            if run.not_before is not None and run.not_before > utcnow():
                continue
            job = jobs.get(run.job) or catalog.get_job(run.job)
            jobs[run.job] = job
            claimed = catalog.claim_job_run(
                run.id,
                self.owner,
                lease_seconds=core.start_lease_seconds(),
                max_active=int(job.setting("max_concurrency", 1)),
            )
            if claimed is None:
                if catalog.get_job_run(run.id).state == "WAITING":
                    tick.held.append(run.id)
                continue
            try:
                self._workers.append(core.launch_worker(catalog, claimed.id))
            except OSError as exc:
                catalog.update_job_run(
                    claimed.id, state="ERROR", error=f"cannot start the worker: {exc}"
                )
                continue
            tick.started.append(claimed.id)

    def _reap_workers(self) -> None:
        self._workers = [w for w in self._workers if w.poll() is None]

    def close(self) -> None:
        self.stop()
        with contextlib.suppress(Exception):
            self._reap_workers()


def _count(times: Any) -> int:
    return sum(1 for _ in islice(times, MAX_FIRE_TIMES))


def next_fire_time(job: Job, now: datetime | None = None) -> datetime | None:
    """When the job runs next on its schedule (None: no schedule, paused, or never again)."""
    schedule = core.schedule_of(job)
    if schedule is None or job.paused:
        return None
    return schedule.next_after(now or datetime.now(timezone.utc))
