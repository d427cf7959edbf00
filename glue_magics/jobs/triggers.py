"""Triggers and workflows: start jobs and crawlers together, on a schedule, after other runs, or
when new files arrive; the runs a chain of triggers started form a workflow run.

Trigger types (Glue's, with EVENT made concrete for local files):

* ``ON_DEMAND``: ``start_trigger`` starts its actions together.
* ``SCHEDULED``: its schedule starts its actions together (a job's own schedule starts one job).
* ``CONDITIONAL``: a predicate over job run states (SUCCEEDED, FAILED, TIMEOUT, STOPPED) and crawl
  states (SUCCEEDED, FAILED, CANCELLED), with ALL or ANY, fires its actions once per satisfying set
  of upstream runs. Each upstream run counts once per trigger; runs that ended before the trigger
  was created or enabled never fire it.
* ``FILE_ARRIVAL``: new or changed files under a saved crawler's targets (found by listing them
  against the crawler's per-file state, no crawl when nothing changed) start that crawler, which
  reads only those files; when the crawl succeeds, the trigger's jobs start.

Every front-end calls these functions; bad input is refused here with one line, before anything is
stored. The scheduler calls :func:`evaluate` for each enabled trigger on each pass.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from glue_magics.catalog import Catalog
from glue_magics.catalog.models import utcnow
from glue_magics.catalog.objects import Run
from glue_magics.catalog.triggers import (
    TRIGGER_TYPES,
    CrawlMember,
    Firing,
    Trigger,
    check_trigger_name,
)
from glue_magics.errors import (
    AlreadyExistsError,
    EntityNotFoundError,
    GlueMagicsError,
    InvalidInputError,
)
from glue_magics.jobs import core
from glue_magics.jobs.params import parse_assignments
from glue_magics.jobs.schedule import parse_schedule

log = logging.getLogger("glue_magics.jobs.scheduler")

#: The states a condition may watch, as in Glue.
JOB_CONDITION_STATES = ("SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED")
CRAWL_CONDITION_STATES = ("SUCCEEDED", "FAILED", "CANCELLED")
#: A cancelled crawl is recorded as STOPPED.
_CRAWL_RUN_STATE = {"SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED", "CANCELLED": "STOPPED"}
LOGICALS = ("ALL", "ANY")
#: How a run started by a trigger of each type is recorded (job run trigger).
_RUN_TRIGGER = {
    "ON_DEMAND": "ON_DEMAND",
    "SCHEDULED": "SCHEDULED",
    "CONDITIONAL": "CONDITIONAL",
    "FILE_ARRIVAL": "CONDITIONAL",
}
#: At most this many firings per trigger and pass (the rest wait for the next pass).
MAX_FIRINGS_PER_PASS = 100
#: A queued crawl claimed this long ago that never became a crawl run is taken for dead.
STALE_CRAWL_START = timedelta(minutes=10)


# -- parsing and checking ------------------------------------------------------------------------


def trigger_type(text: str) -> str:
    """``conditional``, ``file-arrival``, ``ON_DEMAND`` ... -> the stored type."""
    value = str(text).strip().upper().replace("-", "_")
    if value not in TRIGGER_TYPES:
        choices = ", ".join(t.lower() for t in TRIGGER_TYPES)
        raise InvalidInputError(f"invalid trigger type {text!r}: use one of {choices}")
    return value


def parse_condition(text: str) -> dict[str, str]:
    """``JOB:STATE``, ``job:JOB:STATE`` or ``crawler:CRAWLER:STATE``."""
    if not isinstance(text, str):
        raise InvalidInputError(f"invalid condition {text!r}: write JOB:STATE")
    parts = text.split(":")
    if len(parts) == 2:
        kind, name, state = "job", parts[0], parts[1]
    elif len(parts) == 3 and parts[0].lower() in ("job", "crawler"):
        kind, name, state = parts[0].lower(), parts[1], parts[2]
    else:
        raise InvalidInputError(
            f"invalid condition {text!r}: write JOB:STATE or crawler:CRAWLER:STATE"
        )
    state = state.strip().upper()
    allowed = JOB_CONDITION_STATES if kind == "job" else CRAWL_CONDITION_STATES
    if state not in allowed:
        raise InvalidInputError(
            f"invalid condition {text!r}: a {'job' if kind == 'job' else 'crawl'} state is one "
            f"of {', '.join(allowed)}"
        )
    return {"kind": kind, "name": name.strip(), "state": state}


def parse_action(text: str) -> dict[str, Any]:
    """``JOB``, ``job:JOB`` or ``crawler:CRAWLER``."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInputError(f"invalid action {text!r}: write JOB or crawler:CRAWLER")
    kind, sep, name = text.partition(":")
    if not sep:
        return {"kind": "job", "name": text.strip(), "arguments": {}}
    if kind.lower() not in ("job", "crawler") or not name.strip() or ":" in name:
        raise InvalidInputError(f"invalid action {text!r}: write JOB or crawler:CRAWLER")
    return {"kind": kind.lower(), "name": name.strip(), "arguments": {}}


def _entity(kind: str, name: str) -> str:
    return f"{'job' if kind == 'job' else 'crawler'} {name}"


def _check_job_action(catalog: Catalog, action: Mapping[str, Any]) -> dict[str, Any]:
    job = catalog.get_job(action["name"])
    arguments = action.get("arguments") or {}
    if not isinstance(arguments, Mapping):
        arguments = parse_assignments(list(arguments))
    try:
        core.run_arguments(job, arguments)
    except InvalidInputError as exc:
        raise InvalidInputError(f"--start {job.name}: {exc}") from None
    return {"kind": "job", "name": job.name, "arguments": dict(arguments)}


def _edges(
    type: str,
    conditions: Sequence[Mapping[str, Any]],
    actions: Sequence[Mapping[str, Any]],
    crawler: str | None,
) -> list[tuple[str, str]]:
    """What starts what: (upstream entity, downstream entity)."""
    sources = [_entity(c["kind"], c["name"]) for c in conditions]
    if type == "FILE_ARRIVAL" and crawler is not None:
        sources = [_entity("crawler", crawler)]
    return [(s, _entity(a["kind"], a["name"])) for s in sources for a in actions]


def _find_cycle(edges: Iterable[tuple[str, str]]) -> list[str] | None:
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in on_path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        on_path.add(node)
        for nxt in graph.get(node, []):
            found = visit(nxt)
            if found:
                return found
        path.pop()
        on_path.discard(node)
        done.add(node)
        return None

    for start in list(graph):
        found = visit(start)
        if found:
            return found
    return None


def create_trigger(
    catalog: Catalog,
    name: str,
    type: str,
    *,
    when: Iterable[str | Mapping[str, Any]] = (),
    logical: str | None = None,
    start: Iterable[str | Mapping[str, Any]] = (),
    schedule: str | None = None,
    timezone: str = "UTC",
    crawler: str | None = None,
    description: str | None = None,
    enabled: bool = True,
    now: datetime | None = None,
) -> Trigger:
    """Check and store a trigger. ``when``: conditions (``"JOB:STATE"``,
    ``"crawler:NAME:STATE"`` or dicts); ``start``: actions (``"JOB"``, ``"crawler:NAME"``, or
    ``{"kind", "name", "arguments"}`` where arguments override the job's defaults, never its
    fixed parameters). Everything is checked first (names, states, arguments, cycles through
    other triggers); on any problem nothing is stored."""
    check_trigger_name(name)
    kind = trigger_type(type)
    try:
        catalog.get_trigger(name)
    except EntityNotFoundError:
        pass
    else:
        raise AlreadyExistsError(f"trigger {name!r} already exists")
    conditions = [dict(c) if isinstance(c, Mapping) else parse_condition(c) for c in when]
    actions = [dict(a) if isinstance(a, Mapping) else parse_action(a) for a in start]
    if kind == "CONDITIONAL":
        if not conditions:
            raise InvalidInputError("a conditional trigger needs at least one --when")
        logical = (logical or "ALL").strip().upper()
        if logical == "AND":
            logical = "ALL"
        if logical not in LOGICALS:
            raise InvalidInputError(f"invalid --logical {logical!r}: use all or any")
    elif conditions or logical:
        raise InvalidInputError(
            f"--when and --logical are for conditional triggers, not {kind.lower()}"
        )
    if kind == "SCHEDULED":
        if not schedule:
            raise InvalidInputError("a scheduled trigger needs --schedule")
        parse_schedule(schedule, timezone)
        schedule = " ".join(schedule.split())
    elif schedule:
        raise InvalidInputError(f"--schedule is for scheduled triggers, not {kind.lower()}")
    else:
        parse_schedule("@daily", timezone)  # the time zone alone
    if kind == "FILE_ARRIVAL":
        if not crawler:
            raise InvalidInputError("a file-arrival trigger needs --crawler CRAWLER")
        saved = catalog.get_crawler(crawler)
        crawler = saved.name
        from glue_magics.crawler.run import is_database_url

        if all(is_database_url(t) for t in saved.targets):
            raise InvalidInputError(
                f"crawler {crawler!r} crawls databases only: no files can arrive"
            )
        if any(a["kind"] != "job" for a in actions):
            raise InvalidInputError(
                "a file-arrival trigger starts its crawler, then jobs: --start names jobs only"
            )
    elif crawler:
        raise InvalidInputError(f"--crawler is for file-arrival triggers, not {kind.lower()}")
    elif not actions:
        raise InvalidInputError("a trigger needs at least one --start JOB or crawler:CRAWLER")
    seen: set[tuple[str, str, str]] = set()
    named: list[dict[str, str]] = []
    for given in conditions:
        if given.get("kind") not in ("job", "crawler"):
            raise InvalidInputError(f"invalid condition {given!r}")
        condition = parse_condition(f"{given['kind']}:{given['name']}:{given['state']}")
        if condition["kind"] == "job":
            condition["name"] = catalog.get_job(condition["name"]).name
        else:
            condition["name"] = catalog.get_crawler(condition["name"]).name
        key = (condition["kind"], condition["name"], condition["state"])
        if key in seen:
            raise InvalidInputError(f"--when {':'.join(key)} is given twice")
        seen.add(key)
        named.append(condition)
    conditions = named
    checked: list[dict[str, Any]] = []
    for action in actions:
        if action.get("kind") == "job":
            checked.append(_check_job_action(catalog, action))
        elif action.get("kind") == "crawler":
            if action.get("arguments"):
                raise InvalidInputError(f"--param: crawler {action['name']!r} takes no parameters")
            checked.append({"kind": "crawler", "name": catalog.get_crawler(action["name"]).name})
        else:
            raise InvalidInputError(f"invalid action {action!r}")
    names = [(a["kind"], a["name"]) for a in checked]
    if len(set(names)) != len(names):
        raise InvalidInputError("an action is given twice: start each job or crawler once")
    edges = [
        e
        for t in catalog.list_triggers()
        for e in _edges(t.type, t.conditions, t.actions, t.crawler)
    ]
    cycle = _find_cycle([*edges, *_edges(kind, conditions, checked, crawler)])
    if cycle is not None:
        raise InvalidInputError(
            f"trigger {name!r} would make a cycle: {' -> '.join(cycle)}; nothing was saved"
        )
    return catalog.create_trigger(
        name,
        kind,
        actions=checked,
        conditions=conditions,
        logical=logical if kind == "CONDITIONAL" else None,
        schedule=schedule,
        timezone=timezone,
        crawler=crawler,
        description=description,
        enabled=enabled,
        now=now,
    )


def set_enabled(catalog: Catalog, name: str, enabled: bool) -> Trigger:
    trigger = catalog.get_trigger(name)
    if trigger.type == "ON_DEMAND" and not enabled:
        raise InvalidInputError(
            f"trigger {name!r} is on demand: it fires only when started, there is nothing to "
            "disable"
        )
    return catalog.set_trigger_enabled(name, enabled)


# -- firing --------------------------------------------------------------------------------------


def _describe(upstream: Sequence[Mapping[str, Any]]) -> str:
    return ", ".join(
        f"{'job' if u['kind'] == 'job' else 'crawl'} run {u['id']} of {u['name']} ({u['state']})"
        for u in upstream
    )


def _job_starts(
    catalog: Catalog, trigger: Trigger, upstream: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The job actions, with their arguments resolved now (the job may have changed)."""
    note = f"started by trigger {trigger.name}"
    if upstream:
        note += f" after {_describe(upstream)}"
    starts = []
    for action in trigger.actions:
        if action["kind"] != "job":
            continue
        try:
            job = catalog.get_job(action["name"])
            arguments = core.run_arguments(job, action.get("arguments") or {})
        except GlueMagicsError as exc:
            starts.append({"name": action["name"], "error": str(exc)})
            log.warning("trigger %s: cannot start job %s: %s", trigger.name, action["name"], exc)
            continue
        starts.append({"name": job.name, "arguments": arguments, "note": note})
    return starts


def _fire(
    catalog: Catalog,
    trigger: Trigger,
    key: str,
    upstream: Sequence[Mapping[str, Any]],
    now: datetime,
    *,
    crawlers: Sequence[str] | None = None,
    jobs: bool = True,
) -> Firing | None:
    firing = catalog.fire_trigger(
        trigger.name,
        fire_key=key,
        upstream=upstream,
        jobs=_job_starts(catalog, trigger, upstream) if jobs else [],
        crawlers=[a["name"] for a in trigger.actions if a["kind"] == "crawler"]
        if crawlers is None
        else crawlers,
        run_trigger=_RUN_TRIGGER[trigger.type],
        now=now,
    )
    if firing is not None:
        log.info(
            "trigger %s fired (%s): %s",
            trigger.name,
            key,
            ", ".join(
                f"{o['kind']} {o['name']}"
                + (f" run {o['run_id']}" if o.get("run_id") else "")
                + (f" not started: {o['error']}" if o.get("error") else "")
                for o in firing.outcome
            )
            or "nothing to start",
        )
    return firing


def evaluate(
    catalog: Catalog, trigger: Trigger, now: datetime, *, grace: timedelta | None = None
) -> list[Firing]:
    """One scheduler pass over one enabled trigger: the firings it made (none when another
    scheduler claimed them first)."""
    if not trigger.enabled or trigger.type == "ON_DEMAND":
        return []
    if trigger.type == "SCHEDULED":
        return _scheduled(catalog, trigger, now, grace or timedelta(seconds=60))
    if trigger.type == "CONDITIONAL":
        return _conditional(catalog, trigger, now)
    return _file_arrival(catalog, trigger, now)


def _scheduled(catalog: Catalog, trigger: Trigger, now: datetime, grace: timedelta) -> list[Firing]:
    assert trigger.schedule is not None
    schedule = parse_schedule(trigger.schedule, trigger.timezone)
    mark = trigger.scheduled_through or trigger.active_since or now
    if now <= mark:
        return []
    fired = []
    # Fire times missed while no scheduler ran are skipped (a job's --catch-up is per job).
    for when in islice(schedule.fire_times(max(mark, now - grace), now), MAX_FIRINGS_PER_PASS):
        firing = _fire(catalog, trigger, f"at:{when.isoformat()}", [], now)
        if firing is not None:
            fired.append(firing)
    catalog.advance_trigger_schedule(trigger.name, trigger.scheduled_through, now)
    return fired


def _ended_runs(
    catalog: Catalog, conditions: Sequence[Mapping[str, Any]], since: datetime
) -> list[list[dict[str, Any]]]:
    """For each condition, the runs that satisfy it, oldest first."""
    jobs = catalog.ended_job_runs(
        [c["name"] for c in conditions if c["kind"] == "job"],
        [c["state"] for c in conditions if c["kind"] == "job"],
        since,
    )
    crawls = catalog.ended_crawl_runs(
        [c["name"] for c in conditions if c["kind"] == "crawler"],
        [_CRAWL_RUN_STATE[c["state"]] for c in conditions if c["kind"] == "crawler"],
        since,
    )
    result = []
    for c in conditions:
        if c["kind"] == "job":
            result.append([r for r in jobs if r["name"] == c["name"] and r["state"] == c["state"]])
        else:
            state = _CRAWL_RUN_STATE[c["state"]]
            result.append([r for r in crawls if r["name"] == c["name"] and r["state"] == state])
    return result


def _run_key(run: Mapping[str, Any]) -> str:
    return f"{run['kind']}:{run['id']}"


def _conditional(catalog: Catalog, trigger: Trigger, now: datetime) -> list[Firing]:
    since = trigger.active_since or now
    firings = catalog.trigger_firings(trigger.name, since=since)
    keys = {f.fire_key for f in firings}
    consumed = {_run_key(u) for f in firings for u in f.upstream}
    candidates = [
        [r for r in runs if _run_key(r) not in consumed]
        for runs in _ended_runs(catalog, trigger.conditions, since)
    ]
    fired: list[Firing] = []
    if trigger.logical == "ANY":
        # Each run fires it once; runs of one workflow run fire it once together.
        pending = sorted(
            {_run_key(r): r for runs in candidates for r in runs}.values(),
            key=lambda r: (r["kind"], r["id"]),
        )
        for run in pending:
            workflow = catalog.workflow_run_of(run["kind"], run["id"])
            key = f"workflow:{workflow}" if workflow is not None else _run_key(run)
            if key in keys or len(fired) >= MAX_FIRINGS_PER_PASS:
                continue
            keys.add(key)
            firing = _fire(catalog, trigger, key, [run], now)
            if firing is not None:
                fired.append(firing)
        return fired
    # ALL: the oldest unused run of each condition, as long as every condition has one.
    while all(candidates) and len(fired) < MAX_FIRINGS_PER_PASS:
        chosen: list[dict[str, Any]] = []
        for runs in candidates:
            found = [r for r in runs if r not in chosen]
            if not found:
                return fired
            chosen.append(found[0])
        for runs in candidates:
            for run in chosen:
                if run in runs:
                    runs.remove(run)
        key = "+".join(sorted(_run_key(r) for r in chosen))
        if key in keys:
            continue
        keys.add(key)
        firing = _fire(catalog, trigger, key, chosen, now)
        if firing is not None:
            fired.append(firing)
    return fired


def arrived_files(
    catalog: Catalog, crawler: str
) -> list[tuple[str, int, float | None, str | None]]:
    """Files under the crawler's targets that are new or changed since it last read them:
    one listing compared with its per-file state (no file is read)."""
    from glue_magics.crawler.discover import list_target
    from glue_magics.crawler.options import CrawlOptions
    from glue_magics.crawler.run import is_database_url

    saved = catalog.get_crawler(crawler)
    options = dict(saved.options)
    options.pop("include", None)
    exclude = CrawlOptions.from_json(options).exclude
    stamps = catalog.crawler_file_stamps(saved.name)
    arrived = []
    for target in saved.targets:
        if is_database_url(target):
            continue
        for file in list_target(target, exclude).files:
            stamp = (file.size, file.mtime, file.etag)
            if stamps.get(file.path) != stamp:
                arrived.append((file.path, *stamp))
    return sorted(arrived)


def _file_arrival(catalog: Catalog, trigger: Trigger, now: datetime) -> list[Firing]:
    assert trigger.crawler is not None
    since = trigger.active_since or now
    keys = {f.fire_key for f in catalog.trigger_firings(trigger.name)}
    fired = []
    crawls = catalog.trigger_crawls(trigger.name)
    # The crawls this trigger started that succeeded start its jobs, once each.
    for _member, run in crawls:
        if run is None or run["state"] != "SUCCEEDED" or run["ended_at"] < since:
            continue
        key = f"after:{_run_key(run)}"
        if key in keys or not trigger.actions:
            continue
        upstream = {k: v for k, v in run.items() if k != "ended_at"}
        firing = _fire(catalog, trigger, key, [upstream], now, crawlers=[])
        if firing is not None:
            fired.append(firing)
    # A crawl of this crawler queued or running: its files are being read; look again later.
    busy = catalog.crawler_busy(trigger.crawler) or any(
        member.state == "WAITING"
        or (member.state == "STARTED" and now - member.created_at < STALE_CRAWL_START)
        or (run is not None and run["state"] == "RUNNING")
        for member, run in crawls
    )
    if busy:
        return fired
    arrived = arrived_files(catalog, trigger.crawler)
    if not arrived:
        return fired
    digest = hashlib.sha256(repr(arrived).encode()).hexdigest()
    key = f"files:{digest}"
    if key not in keys:
        firing = _fire(catalog, trigger, key, [], now, crawlers=[trigger.crawler], jobs=False)
        if firing is not None:
            log.info("trigger %s: %d new or changed file(s)", trigger.name, len(arrived))
            fired.append(firing)
    return fired


def start_trigger(catalog: Catalog, name: str, *, dispatch: bool = True) -> Firing:
    """Fire an on-demand (or scheduled) trigger now: its jobs and crawlers start together."""
    trigger = catalog.get_trigger(name)
    if trigger.type not in ("ON_DEMAND", "SCHEDULED"):
        raise InvalidInputError(
            f"trigger {name!r} is {trigger.type.lower()}: it fires on its own; "
            "only on-demand and scheduled triggers can be started"
        )
    if not trigger.enabled:
        raise InvalidInputError(f"trigger {name!r} is disabled; enable it first")
    firing = _fire(catalog, trigger, f"start:{uuid.uuid4().hex}", [], utcnow())
    assert firing is not None
    if dispatch:
        owner = core.owner_id("client")
        for outcome in firing.outcome:
            if outcome.get("run_id"):
                job = catalog.get_job(outcome["name"])
                claimed = catalog.claim_job_run(
                    outcome["run_id"],
                    owner,
                    lease_seconds=core.start_lease_seconds(),
                    max_active=int(job.setting("max_concurrency", 1)),
                )
                if claimed is not None:
                    core.launch_worker(catalog, claimed.id)
            elif (
                outcome.get("member_id")
                and catalog.claim_crawl(outcome["member_id"], owner) is not None
            ):
                launch_crawl_worker(catalog, outcome["member_id"])
    return firing


# -- crawls started by triggers ------------------------------------------------------------------


def crawl_dir(catalog: Catalog, member_id: int) -> Any:
    return catalog.settings.home / "jobs" / "crawls" / str(member_id)


def launch_crawl_worker(catalog: Catalog, member_id: int) -> subprocess.Popen[bytes]:
    """``python -m glue_magics.jobs.triggers crawl MEMBER_ID`` in its own process group, its
    output in ``$GLUE_MAGICS_HOME/jobs/crawls/<id>/log.txt``: the scheduler loop never waits for
    a crawl. The caller must have claimed the queued crawl."""
    folder = crawl_dir(catalog, member_id)
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "GLUE_MAGICS_CATALOG_URL": catalog.settings.catalog_url,
        "GLUE_MAGICS_HOME": str(catalog.settings.home),
        "PYTHONUNBUFFERED": "1",
    }
    with open(folder / "log.txt", "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "glue_magics.jobs.triggers", "crawl", str(member_id)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
            close_fds=True,
        )


def dispatch_crawls(catalog: Catalog, owner: str) -> list[tuple[int, subprocess.Popen[bytes]]]:
    """Claim each queued crawl (one scheduler gets each) and start its worker."""
    started = []
    for member in catalog.waiting_crawls():
        if catalog.claim_crawl(member.id, owner) is None:
            continue
        try:
            started.append((member.id, launch_crawl_worker(catalog, member.id)))
        except OSError as exc:
            log.warning("crawl %s: cannot start the worker: %s", member.crawler, exc)
            catalog.link_crawl(member.id, None, state="ERROR")
    return started


class _LinkingCatalog(Catalog):
    """The crawl worker's catalog: links the queued crawl to its crawl run as soon as the crawl
    records its start, so the run graph shows it running."""

    member_id: int | None = None

    def start_run(self, kind: str, name: str, *, target: str | None = None) -> Run:
        run = super().start_run(kind, name, target=target)
        if kind == "crawl" and self.member_id is not None:
            self.link_crawl(self.member_id, run.id)
            self.member_id = None
        return run


def run_crawl(member_id: int) -> int:
    """Run a queued crawl (the crawler's saved settings, incrementally). 0 if it succeeded."""
    from glue_magics.crawler.run import recrawl

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", force=True
    )
    catalog = _LinkingCatalog()
    member: CrawlMember = catalog.get_crawl_member(member_id)
    catalog.member_id = member.id
    try:
        result = recrawl(catalog, member.crawler)
    except Exception as exc:
        message = str(exc) if isinstance(exc, GlueMagicsError) else f"{type(exc).__name__}: {exc}"
        log.error("crawl of %s failed: %s", member.crawler, message)
        if catalog.member_id is not None:  # it never became a crawl run
            catalog.link_crawl(member.id, None, state="ERROR")
        return 1
    log.info(
        "crawl of %s (run %s) %s: %d file(s) read, %d unchanged",
        member.crawler,
        result.run_id,
        result.state,
        result.files_read,
        result.files_unchanged,
    )
    return 0


# -- workflows -----------------------------------------------------------------------------------


def run_graph(catalog: Catalog, job_run_id: int) -> dict[str, Any]:
    """The run graph of the workflow run a job run belongs to (see
    ``Catalog.workflow_run_graph``); a run no trigger touched is a graph of one node."""
    workflow = catalog.workflow_run_of("job", job_run_id)
    if workflow is not None:
        return catalog.workflow_run_graph(workflow)
    run = catalog.get_job_run(job_run_id)
    first = run.first_run_id or run.id
    last = run
    while (follow := catalog.next_job_attempt(last.id)) is not None:
        last = follow
    return {
        "workflow_run_id": None,
        "trigger": None,
        "root": f"job:{first}",
        "created_at": run.created_at,
        "state": "COMPLETED" if last.final else "RUNNING",
        "statistics": {last.state: 1},
        "nodes": [
            {
                "id": f"job:{first}",
                "kind": "job",
                "name": run.job,
                "run_id": first,
                "root": True,
                "state": last.state,
                "final": last.final,
                "attempt": last.attempt,
                "last_attempt_id": last.id,
                "trigger": last.trigger,
                "started_at": last.started_at,
                "ended_at": last.ended_at,
                "error": last.error,
            }
        ],
        "edges": [],
        "firings": [],
    }


def chain(catalog: Catalog, name: str, *, runs: int = 10) -> dict[str, Any]:
    """The trigger chain (a small workflow) that trigger, job or crawler ``name`` is part of:
    its triggers, jobs and crawlers, the edges between them, and its latest workflow runs."""
    triggers = catalog.list_triggers()
    by_name = {t.name: t for t in triggers}

    def entities(t: Trigger) -> set[str]:
        found = {_entity(c["kind"], c["name"]) for c in t.conditions}
        found |= {_entity(a["kind"], a["name"]) for a in t.actions}
        if t.crawler:
            found.add(_entity("crawler", t.crawler))
        return found

    if name in by_name:
        todo = [by_name[name]]
    else:
        todo = [
            t for t in triggers if {_entity("job", name), _entity("crawler", name)} & entities(t)
        ]
    if not todo:
        raise EntityNotFoundError(f"no trigger named {name!r}, or starting or watching {name!r}")
    members: dict[str, Trigger] = {}
    while todo:
        t = todo.pop()
        if t.name in members:
            continue
        members[t.name] = t
        todo += [o for o in triggers if o.name not in members and entities(o) & entities(t)]
    nodes: dict[str, dict[str, Any]] = {}
    edges = []
    for t in sorted(members.values(), key=lambda t: t.name):
        node = f"trigger {t.name}"
        nodes[node] = {
            "id": node,
            "kind": "trigger",
            "name": t.name,
            "type": t.type,
            "enabled": t.enabled,
            "logical": t.logical,
            "schedule": t.schedule,
        }
        for c in t.conditions:
            source = _entity(c["kind"], c["name"])
            edges.append({"source": source, "target": node, "label": c["state"]})
        if t.crawler:
            crawler = _entity("crawler", t.crawler)
            edges.append({"source": crawler, "target": node, "label": "new files"})
            edges.append({"source": node, "target": crawler, "label": "crawl"})
        for a in t.actions:
            target = _entity(a["kind"], a["name"])
            label = "after the crawl succeeded" if t.crawler else "start"
            edges.append({"source": node, "target": target, "label": label})
    for edge in edges:
        for end in (edge["source"], edge["target"]):
            if end not in nodes:
                kind, _, entity = end.partition(" ")
                nodes[end] = {"id": end, "kind": kind, "name": entity}
    summaries = []
    for workflow in catalog.list_workflow_runs(triggers=list(members), limit=runs):
        graph = catalog.workflow_run_graph(workflow)
        summaries.append(
            {
                key: graph[key]
                for key in ("workflow_run_id", "root", "trigger", "created_at", "state")
            }
            | {"statistics": graph["statistics"], "runs": len(graph["nodes"])}
        )
    return {
        "name": name,
        "triggers": sorted(members),
        "nodes": list(nodes.values()),
        "edges": edges,
        "workflow_runs": summaries,
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "crawl" or not args[1].isdigit():
        print("usage: python -m glue_magics.jobs.triggers crawl MEMBER_ID", file=sys.stderr)
        return 2
    try:
        return run_crawl(int(args[1]))
    except GlueMagicsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
