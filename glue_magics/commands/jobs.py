"""``jobs`` commands: ``%promote``, ``%jobs SUBCOMMAND ...`` and ``glue-magics jobs SUBCOMMAND ...``;
``glue-magics scheduler``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from glue_magics.catalog import Catalog
from glue_magics.catalog.jobs import JOB_RUN_STATES, Job, JobRun
from glue_magics.catalog.triggers import Trigger
from glue_magics.display import DetailResult, MessageResult, Result, TableResult, to_json_text
from glue_magics.errors import GlueMagicsError, InvalidInputError
from glue_magics.jobs.airflow import CATCH_UP_POLICIES
from glue_magics.jobs.params import parse_assignments

Handler = Callable[[Catalog, argparse.Namespace], Result]
HANDLERS: dict[str, Handler] = {}


def command(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[name] = fn
        return fn

    return register


def add_promote_arguments(parser: argparse.ArgumentParser, *, notebook_required: bool) -> None:
    """The options of a promotion, shared by ``%promote`` and ``glue-magics jobs create``."""
    parser.add_argument("name", help="the job's name (letters, digits, _ - .)")
    parser.add_argument(
        "--notebook",
        required=notebook_required,
        metavar="PATH",
        help="the notebook to promote"
        + ("" if notebook_required else " (default: the notebook this kernel runs)"),
    )
    parser.add_argument(
        "--schedule",
        metavar="EXPR",
        help="cron(M H DOM MON DOW Y) as in Glue, 5-field cron, or @hourly/@daily/...",
    )
    parser.add_argument("--timezone", default="UTC", help="IANA time zone of the schedule")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a default argument, overriding the parameters cell (repeatable)",
    )
    parser.add_argument(
        "--fixed-param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a non-overridable argument: runs cannot change it (repeatable)",
    )
    parser.add_argument(
        "--allow-extra-params",
        action="store_true",
        help="accept run arguments the parameters cell does not define",
    )
    parser.add_argument(
        "--dq",
        action="append",
        default=[],
        metavar="DB.TABLE=RULESET",
        help="a data-quality gate: writes to DB.TABLE must pass RULESET (repeatable)",
    )
    parser.add_argument(
        "--timeout", type=float, metavar="MIN", help="minutes before a run is stopped (480)"
    )
    parser.add_argument(
        "--retries", type=int, default=0, metavar="N", help="retries of a failed run"
    )
    parser.add_argument(
        "--max-concurrency", type=int, default=1, metavar="N", help="runs at the same time (1)"
    )
    parser.add_argument(
        "--catch-up",
        choices=CATCH_UP_POLICIES,
        default="none",
        help="fire times missed while no scheduler ran: skip them, run the latest, or run all",
    )
    parser.add_argument(
        "--max-staleness",
        type=float,
        metavar="MIN",
        help="with --catch-up all: missed fire times older than this are skipped (1440)",
    )
    parser.add_argument(
        "--backend",
        default="local",
        metavar="local|URL",
        help="Spark: local, a spark:// master or an sc:// Spark Connect URL",
    )
    parser.add_argument("--tag", action="append", default=[], metavar="T", help="(repeatable)")
    parser.add_argument("--description")


def add_jobs_commands(
    subparsers: Any, parents: list[argparse.ArgumentParser] | None = None
) -> None:
    """Add every jobs subcommand to an argparse subparsers action."""
    parents = parents or []

    def sub(name: str, help: str, **kwargs: Any) -> argparse.ArgumentParser:
        return subparsers.add_parser(name, help=help, description=help, parents=parents, **kwargs)

    p = sub("create", "Promote a notebook to a job (again: a new version).")
    add_promote_arguments(p, notebook_required=True)
    p = sub("list", "List jobs: schedule in words, next run, last run.")
    p.add_argument("--tag", help="only jobs with this tag")
    p = sub("show", "Show a job: settings, parameters, recent runs.")
    p.add_argument("name")
    p = sub("versions", "List a job's versions, newest first.")
    p.add_argument("name")
    p = sub("diff", "Show the cells that changed between two versions of a job.")
    p.add_argument("name")
    p.add_argument("old", type=int, metavar="V1")
    p.add_argument("new", type=int, metavar="V2")
    p = sub("run", "Run a job now, in a fresh kernel.")
    p.add_argument("name")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--wait", action="store_true", help="return when the run (and retries) ended")
    p = sub("runs", "List job runs, newest first.")
    p.add_argument("name", nargs="?", help="only this job's runs")
    p.add_argument("--state", choices=JOB_RUN_STATES)
    p.add_argument("--limit", type=int, default=20)
    p = sub("logs", "Show a run: its state, error, the runs it made and its log.")
    p.add_argument("run_id", type=int, metavar="RUN_ID")
    p.add_argument("--tail", type=int, default=200, metavar="LINES", help="last lines (200)")
    p = sub("stop", "Stop a run (kills its kernel and Spark).")
    p.add_argument("run_id", type=int, metavar="RUN_ID")
    p = sub("pause", "Pause a job's schedule.")
    p.add_argument("name")
    p = sub("resume", "Resume a job's schedule (missed fire times are not run).")
    p.add_argument("name")
    p = sub("delete", "Delete a job with its versions and runs.")
    p.add_argument("name")
    p.add_argument("--yes", action="store_true", help="confirm")
    # --output FILE here; in %jobs, -o VAR still stores the result.
    p = sub("export", "Export a job to another scheduler.", conflict_handler="resolve")
    p.add_argument("name")
    p.add_argument("--airflow", action="store_true", required=True, help="as an Airflow DAG file")
    p.add_argument("--output", "--file", dest="file", metavar="FILE", help="write it here")
    p.add_argument(
        "--glue-magics-command",
        dest="launcher",
        default="glue-magics",
        metavar="CMD",
        help="how Airflow workers call glue-magics (default: glue-magics)",
    )
    add_trigger_commands(subparsers, parents)
    p = sub("workflow", "Show a trigger chain: its triggers, jobs, crawlers and latest runs.")
    p.add_argument("name", help="a trigger, or a job or crawler a trigger starts or watches")
    p.add_argument("--limit", type=int, default=10, help="latest workflow runs (10)")
    p.add_argument("--json", dest="as_json", action="store_true", help="print it as JSON")
    p = sub("graph", "Show the run graph of a job run's workflow run: runs linked by triggers.")
    p.add_argument("run_id", type=int, metavar="RUN_ID", help="a job run id")
    p.add_argument("--workflow-run", action="store_true", help="RUN_ID is a workflow run id")
    p.add_argument("--json", dest="as_json", action="store_true", help="print it as JSON")


class _StartAction(argparse.Action):
    """``--start JOB``: an action; the ``--param K=V`` after it are its arguments."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        starts = list(getattr(namespace, self.dest, None) or [])
        starts.append({"action": values, "params": []})
        setattr(namespace, self.dest, starts)


class _ParamAction(argparse.Action):
    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        starts = getattr(namespace, "start", None)
        if not starts:
            parser.error(f"--param {values}: put it after the --start JOB it is for")
        starts[-1]["params"].append(values)


def add_trigger_commands(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    """``jobs trigger create|list|show|delete|enable|disable|start``."""
    trigger = subparsers.add_parser(
        "trigger",
        help="Triggers: start jobs and crawlers together, on a schedule, after other runs, "
        "or when files arrive.",
        description="Triggers: start jobs and crawlers together, on a schedule, after other "
        "runs, or when files arrive.",
    )
    commands = trigger.add_subparsers(
        dest="trigger_command", metavar="SUBCOMMAND", required=True, parser_class=type(trigger)
    )

    def sub(name: str, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help, description=help, parents=parents)

    p = sub("create", "Create a trigger.")
    p.add_argument("name", help="the trigger's name (letters, digits, _ - .)")
    p.add_argument(
        "--type",
        required=True,
        type=str.lower,
        choices=["on_demand", "scheduled", "conditional", "file_arrival"],
        help="on_demand: start its actions together when started; scheduled: on a schedule; "
        "conditional: after other runs; file_arrival: when files arrive under a crawler's path",
    )
    p.add_argument(
        "--when",
        action="append",
        default=[],
        metavar="JOB:STATE|crawler:CRAWLER:STATE",
        help="conditional: a job run state (SUCCEEDED, FAILED, TIMEOUT, STOPPED) or crawl "
        "state (SUCCEEDED, FAILED, CANCELLED) (repeatable)",
    )
    p.add_argument(
        "--logical",
        type=str.lower,
        choices=["all", "any"],
        help="conditional: all (default) or any of the --when conditions",
    )
    p.add_argument(
        "--start",
        action=_StartAction,
        metavar="JOB|crawler:CRAWLER",
        help="a job or crawler to start (repeatable)",
    )
    p.add_argument(
        "--param",
        action=_ParamAction,
        metavar="KEY=VALUE",
        help="an argument of the job of the --start before it (repeatable)",
    )
    p.add_argument("--schedule", metavar="EXPR", help="scheduled: cron(...), cron or @daily...")
    p.add_argument("--timezone", default="UTC", help="scheduled: IANA time zone (UTC)")
    p.add_argument("--crawler", help="file_arrival: the saved crawler whose paths are watched")
    p.add_argument("--disabled", action="store_true", help="create it disabled")
    p.add_argument("--description")
    sub("list", "List triggers.")
    for name, help in (
        ("show", "Show a trigger and its latest firings."),
        ("delete", "Delete a trigger (the runs it started stay)."),
        ("enable", "Enable a trigger (runs that ended while disabled do not fire it)."),
        ("disable", "Disable a trigger."),
        ("start", "Fire an on-demand or scheduled trigger now."),
    ):
        sub(name, help).add_argument("name")


def add_scheduler_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true", help="one pass: start what is due, exit")
    parser.add_argument(
        "--poll", type=float, default=10.0, metavar="SECONDS", help="seconds between passes (10)"
    )


def run_jobs_command(catalog: Catalog, args: argparse.Namespace) -> Result:
    return HANDLERS[args.command](catalog, args)


def run_scheduler_command(catalog: Catalog, args: argparse.Namespace) -> Result:
    from glue_magics.jobs.scheduler import Scheduler

    scheduler = Scheduler(catalog, poll_seconds=args.poll)
    if args.once:
        tick = scheduler.run_once()
        return MessageResult(
            f"queued {len(tick.queued)} run(s), started {len(tick.started)}, "
            f"found {len(tick.lost)} lost, {len(tick.held)} held by max concurrency",
            data=asdict(tick),
        )
    import logging
    import sys

    # The foreground scheduler tells what it does on stderr.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger = logging.getLogger("glue_magics.jobs.scheduler")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.info(
        "scheduler %s on %s, every %gs (Ctrl-C stops it)",
        scheduler.owner,
        catalog.url,
        scheduler.poll,
    )
    try:
        scheduler.serve()
    finally:
        logger.removeHandler(handler)
    return MessageResult("scheduler stopped")


# -- rendering helpers


def _schedule_words(job: Job) -> str:
    from glue_magics.jobs.core import schedule_of

    schedule = schedule_of(job)
    return "on demand" if schedule is None else schedule.describe()


def _when(moment: datetime | None) -> str | None:
    """A fire time in the schedule's own time zone, with the zone."""
    return None if moment is None else f"{moment:%Y-%m-%d %H:%M %Z}"


def _duration(run: JobRun) -> str | None:
    return None if run.duration_seconds is None else f"{run.duration_seconds:.1f}s"


def _runs_table(runs: list[JobRun], title: str | None = None) -> TableResult:
    return TableResult(
        title=title,
        columns=[
            "run",
            "job",
            "version",
            "attempt",
            "trigger",
            "state",
            "scheduled for",
            "started",
            "duration",
            "rows written",
            "error",
        ],
        rows=[
            [
                r.id,
                r.job,
                r.version,
                r.attempt,
                r.trigger,
                r.state,
                r.scheduled_for,
                r.started_at,
                _duration(r),
                r.metrics.get("rows_written"),
                r.error or r.note,
            ]
            for r in runs
        ],
        data=[asdict(r) for r in runs],
    )


def job_summary(catalog: Catalog, job: Job) -> dict[str, Any]:
    from glue_magics.jobs.scheduler import next_fire_time

    last = catalog.list_job_runs(job.name, limit=1)
    return {
        **asdict(job),
        "schedule_words": _schedule_words(job),
        "next_run": next_fire_time(job),
        "last_run": asdict(last[0]) if last else None,
    }


# -- handlers


@command("create")
def _create(catalog: Catalog, args: argparse.Namespace) -> Result:
    return promote_from_args(catalog, args, args.notebook)


def promote_from_args(catalog: Catalog, args: argparse.Namespace, notebook: str) -> Result:
    from glue_magics.jobs.core import promote

    job = promote(
        catalog,
        args.name,
        notebook,
        schedule=args.schedule,
        timezone=args.timezone,
        params=args.param,
        fixed_params=args.fixed_param,
        allow_extra_params=args.allow_extra_params,
        dq=args.dq,
        timeout=args.timeout,
        retries=args.retries,
        max_concurrency=args.max_concurrency,
        catch_up=args.catch_up,
        max_staleness=args.max_staleness,
        backend=args.backend,
        tags=args.tag,
        description=args.description,
    )
    summary = job_summary(catalog, job)
    when = summary["next_run"]
    text = f"promoted {Path(notebook).name} as job {job.name}, version {job.version}; "
    text += (
        f"schedule: {summary['schedule_words']}, next run {when:%Y-%m-%d %H:%M %Z}"
        if when is not None
        else "runs on demand (glue-magics jobs run " + job.name + ")"
    )
    return MessageResult(text, data=summary)


@command("list")
def _list(catalog: Catalog, args: argparse.Namespace) -> Result:
    jobs = [job_summary(catalog, j) for j in catalog.list_jobs(tag=args.tag)]
    rows = []
    for j in jobs:
        last = j["last_run"]
        rows.append(
            [
                j["name"],
                j["version"],
                j["schedule_words"] + (" (paused)" if j["paused"] else ""),
                _when(j["next_run"]),
                f"{last['state']} {last['created_at']:%Y-%m-%d %H:%M}" if last else None,
                j["settings"].get("tags", []),
            ]
        )
    return TableResult(
        columns=["job", "version", "schedule", "next run", "last run", "tags"], rows=rows, data=jobs
    )


@command("show")
def _show(catalog: Catalog, args: argparse.Namespace) -> Result:
    job = catalog.get_job(args.name)
    summary = job_summary(catalog, job)
    settings = job.settings
    version = catalog.get_job_version(job.name)
    fields: list[tuple[str, Any]] = [
        ("version", job.version),
        ("notebook", version.source_path),
        (
            "schedule",
            f"{job.schedule} ({summary['schedule_words']})" if job.schedule else "on demand",
        ),
        ("paused", "yes" if job.paused else None),
        ("next run", _when(summary["next_run"])),
        ("catch-up", settings.get("catch_up")),
        ("skipped fire times", job.skipped_runs or None),
        ("timeout (min)", settings.get("timeout_minutes")),
        ("retries", settings.get("max_retries")),
        ("max concurrency", settings.get("max_concurrency")),
        ("backend", settings.get("backend")),
        ("data-quality gates", settings.get("dq_gates") or None),
        ("fixed parameters", settings.get("fixed_params") or None),
        ("tags", settings.get("tags") or None),
        ("description", job.description),
        ("created", job.created_at),
        ("updated", job.updated_at),
    ]
    params = TableResult(
        title="Parameters",
        columns=["parameter", "type", "default"],
        rows=[
            [k, type(v).__name__ if v is not None else "any", repr(v)]
            for k, v in job.parameters.items()
        ],
    )
    runs = _runs_table(catalog.list_job_runs(job.name, limit=10), "Recent runs")
    return DetailResult(
        title=f"job {job.name}",
        fields=[(k, v) for k, v in fields if v is not None],
        sections=[params, runs],
        data=summary,
    )


@command("versions")
def _versions(catalog: Catalog, args: argparse.Namespace) -> Result:
    versions = catalog.list_job_versions(args.name)
    return TableResult(
        columns=["version", "created", "sha256", "parameters", "notebook"],
        rows=[
            [v.version, v.created_at, v.sha256[:12], list(v.parameters), v.source_path]
            for v in versions
        ],
        data=[asdict(v) for v in versions],
    )


@command("diff")
def _diff(catalog: Catalog, args: argparse.Namespace) -> Result:
    from glue_magics.jobs.core import diff_versions

    changes = diff_versions(catalog, args.name, args.old, args.new)
    return TableResult(
        title=f"job {args.name}: version {args.old} -> {args.new}",
        columns=["change", "old cell", "new cell", "kind", "diff"],
        rows=[[c["change"], c["old_cell"], c["new_cell"], c["kind"], c["diff"]] for c in changes],
        data=changes,
        footer=None if changes else "no differences",
    )


@command("run")
def _run(catalog: Catalog, args: argparse.Namespace) -> Result:
    from glue_magics.jobs.core import start_run

    run = start_run(catalog, args.name, args.param, wait=args.wait)
    if not args.wait:
        return MessageResult(
            f"started run {run.id} of job {run.job} (glue-magics jobs logs {run.id})",
            data=asdict(run),
        )
    if run.state != "SUCCEEDED":
        # A failed run fails the command (exit status 1), so other schedulers see it.
        where = f" in cell {run.failed_cell}" if run.failed_cell else ""
        raise JobRunFailedError(
            f"job run {run.id} of {run.job} ended {run.state}{where}: {run.error or run.note} "
            f"(glue-magics jobs logs {run.id})"
        )
    return run_report(catalog, run)


class JobRunFailedError(GlueMagicsError):
    """``jobs run --wait``: the run did not succeed."""


def run_report(catalog: Catalog, run: JobRun, log_tail: int = 0) -> DetailResult:
    children = catalog.job_run_children(run.id)
    origin = catalog.run_origin("job", run.id) or {}
    fields: list[tuple[str, Any]] = [
        ("state", run.state),
        ("job", f"{run.job} (version {run.version})"),
        ("attempt", run.attempt),
        ("trigger", run.trigger),
        ("scheduled for", run.scheduled_for),
        ("arguments", run.arguments or None),
        ("started", run.started_at),
        ("duration", _duration(run)),
        ("error", run.error),
        ("failed cell", run.failed_cell),
        ("note", run.note),
        ("started by trigger", origin.get("trigger")),
        (
            "after",
            ", ".join(f"{u['kind']} run {u['id']} ({u['state']})" for u in origin["upstream"])
            if origin.get("upstream")
            else None,
        ),
        ("workflow run", origin.get("workflow_run_id")),
        ("rows written", run.metrics.get("rows_written") if children else None),
        ("bytes written", run.metrics.get("bytes_written") if children else None),
        ("executed notebook", run.output_path),
        ("log", run.log_path),
    ]
    sections = []
    if children:
        sections.append(
            TableResult(
                title="Runs made by the notebook",
                columns=["run", "kind", "name", "target", "state", "rows written", "error"],
                rows=[
                    [
                        c["id"],
                        c["kind"],
                        c["name"],
                        c["target"],
                        c["state"],
                        c["metrics"].get("rows_written"),
                        c["error"],
                    ]
                    for c in children
                ],
            )
        )
    data: dict[str, Any] = {**asdict(run), "child_runs": children, "origin": origin or None}
    if log_tail:
        text = _tail(run.log_path, log_tail)
        data["log"] = text
        sections.append(
            TableResult(title="Log", columns=["line"], rows=[[line] for line in text.splitlines()])
        )
    return DetailResult(
        title=f"job run {run.id}",
        fields=[(k, v) for k, v in fields if v not in (None, {})],
        sections=sections,
        data=data,
    )


def _tail(path: str | None, lines: int) -> str:
    if not path or not Path(path).is_file():
        return ""
    text = Path(path).read_text(errors="replace").splitlines()
    return "\n".join(text[-lines:])


@command("runs")
def _runs(catalog: Catalog, args: argparse.Namespace) -> Result:
    states = {args.state} if args.state else None
    return _runs_table(catalog.list_job_runs(args.name, states=states, limit=args.limit))


@command("logs")
def _logs(catalog: Catalog, args: argparse.Namespace) -> Result:
    if args.tail < 1:
        raise InvalidInputError(f"--tail must be at least 1, got {args.tail}")
    return run_report(catalog, catalog.get_job_run(args.run_id), log_tail=args.tail)


@command("stop")
def _stop(catalog: Catalog, args: argparse.Namespace) -> Result:
    from glue_magics.jobs.core import stop_run

    run = stop_run(catalog, args.run_id)
    return MessageResult(f"job run {run.id} is {run.state}", data=asdict(run))


@command("pause")
def _pause(catalog: Catalog, args: argparse.Namespace) -> Result:
    job = catalog.set_job_paused(args.name, True)
    return MessageResult(f"paused job {job.name}", data=asdict(job))


@command("resume")
def _resume(catalog: Catalog, args: argparse.Namespace) -> Result:
    job = catalog.set_job_paused(args.name, False)
    return MessageResult(f"resumed job {job.name}", data=asdict(job))


@command("delete")
def _delete(catalog: Catalog, args: argparse.Namespace) -> Result:
    job = catalog.get_job(args.name)
    if not args.yes:
        runs = len(catalog.list_job_runs(job.name, limit=10_000))
        raise InvalidInputError(
            f"add --yes to delete job {job.name}, its {job.version} version(s) and {runs} run(s)"
        )
    catalog.delete_job(job.name)
    return MessageResult(f"deleted job {job.name}")


@command("export")
def _export(catalog: Catalog, args: argparse.Namespace) -> Result:
    from glue_magics.jobs.airflow import airflow_dag
    from glue_magics.jobs.core import schedule_of

    job = catalog.get_job(args.name)
    url = catalog.settings.catalog_url
    source = airflow_dag(
        job.name,
        schedule_of(job),
        catalog_url=None if url == _default_url(catalog) else url,
        params={},
        command=args.launcher,
        catch_up=str(job.setting("catch_up", "none")),
        max_concurrent_runs=int(job.setting("max_concurrency", 1)),
        start_date=datetime.now(timezone.utc).date(),
    )
    if args.file:
        try:
            Path(args.file).write_text(source)
        except OSError as exc:
            raise InvalidInputError(f"cannot write {args.file}: {exc.strerror or exc}") from None
        return MessageResult(f"wrote the Airflow DAG of job {job.name} to {args.file}")
    return MessageResult(source, data={"job": job.name, "dag": source})


def _default_url(catalog: Catalog) -> str:
    return f"sqlite:///{catalog.settings.home / 'catalog.db'}"


# -- triggers and workflows


def describe_trigger(trigger: Trigger) -> dict[str, str]:
    """A trigger in words: what fires it and what it starts."""
    if trigger.type == "CONDITIONAL":
        joined = f" {trigger.logical or 'ALL'} ".lower().join(
            f"{'' if c['kind'] == 'job' else 'crawler '}{c['name']} {c['state']}"
            for c in trigger.conditions
        )
        fires = f"when {joined}"
    elif trigger.type == "SCHEDULED":
        from glue_magics.jobs.schedule import parse_schedule

        assert trigger.schedule is not None
        fires = parse_schedule(trigger.schedule, trigger.timezone).describe()
    elif trigger.type == "FILE_ARRIVAL":
        fires = f"new files for crawler {trigger.crawler} (then it crawls them)"
    else:
        fires = "when started"
    starts = ", ".join(
        a["name"]
        + (
            " (" + ", ".join(f"{k}={v}" for k, v in a["arguments"].items()) + ")"
            if a.get("arguments")
            else ""
        )
        if a["kind"] == "job"
        else f"crawler {a['name']}"
        for a in trigger.actions
    )
    return {"fires": fires, "starts": starts or "nothing"}


def _trigger_data(trigger: Trigger) -> dict[str, Any]:
    return {**asdict(trigger), **describe_trigger(trigger)}


def _outcome_text(outcome: list[dict[str, Any]]) -> str:
    parts = []
    for o in outcome:
        what = o["name"] if o["kind"] == "job" else f"crawler {o['name']}"
        if o.get("error"):
            parts.append(f"{what} not started ({o['error']})")
        elif o.get("run_id"):
            parts.append(f"{what} run {o['run_id']}")
        else:
            parts.append(f"{what} (crawl queued)")
    return ", ".join(parts) or "nothing"


@command("trigger")
def _trigger(catalog: Catalog, args: argparse.Namespace) -> Result:
    from glue_magics.jobs import triggers

    action = args.trigger_command
    if action == "create":
        starts = []
        for item in args.start or []:
            start = triggers.parse_action(item["action"])
            start["arguments"] = parse_assignments(item["params"])
            starts.append(start)
        trigger = triggers.create_trigger(
            catalog,
            args.name,
            args.type,
            when=args.when,
            logical=args.logical,
            start=starts,
            schedule=args.schedule,
            timezone=args.timezone,
            crawler=args.crawler,
            description=args.description,
            enabled=not args.disabled,
        )
        words = describe_trigger(trigger)
        return MessageResult(
            f"created trigger {trigger.name} ({trigger.type.lower()}): {words['fires']}, "
            f"starts {words['starts']}" + ("" if trigger.enabled else " (disabled)"),
            data=_trigger_data(trigger),
        )
    if action == "list":
        listed = catalog.list_triggers()
        rows = []
        for t in listed:
            words = describe_trigger(t)
            last = catalog.trigger_firings(t.name)[-1:]
            rows.append(
                [
                    t.name,
                    t.type.lower(),
                    "yes" if t.enabled else "no",
                    words["fires"],
                    words["starts"],
                    last[0].fired_at if last else None,
                ]
            )
        return TableResult(
            columns=["trigger", "type", "enabled", "fires", "starts", "last fired"],
            rows=rows,
            data=[_trigger_data(t) for t in listed],
        )
    if action == "show":
        trigger = catalog.get_trigger(args.name)
        words = describe_trigger(trigger)
        firings = catalog.trigger_firings(trigger.name)[-10:][::-1]
        fields: list[tuple[str, Any]] = [
            ("type", trigger.type.lower()),
            ("enabled", "yes" if trigger.enabled else "no"),
            ("fires", words["fires"]),
            ("starts", words["starts"]),
            ("schedule", trigger.schedule),
            ("crawler", trigger.crawler),
            ("description", trigger.description),
            ("active since", trigger.active_since),
            ("created", trigger.created_at),
        ]
        section = TableResult(
            title="Latest firings",
            columns=["firing", "fired", "after", "started", "workflow run"],
            rows=[
                [
                    f.id,
                    f.fired_at,
                    ", ".join(f"{u['kind']} run {u['id']} ({u['state']})" for u in f.upstream)
                    or None,
                    _outcome_text(f.outcome),
                    f.workflow_run_id,
                ]
                for f in firings
            ],
        )
        data = {**_trigger_data(trigger), "firings": [asdict(f) for f in firings]}
        return DetailResult(
            title=f"trigger {trigger.name}",
            fields=[(k, v) for k, v in fields if v is not None],
            sections=[section],
            data=data,
        )
    if action == "delete":
        catalog.delete_trigger(args.name)
        return MessageResult(f"deleted trigger {args.name}")
    if action in ("enable", "disable"):
        trigger = triggers.set_enabled(catalog, args.name, action == "enable")
        return MessageResult(f"{action}d trigger {trigger.name}", data=_trigger_data(trigger))
    firing = triggers.start_trigger(catalog, args.name)
    return MessageResult(
        f"started trigger {args.name}: {_outcome_text(firing.outcome)} "
        f"(workflow run {firing.workflow_run_id})",
        data=asdict(firing),
    )


def _json_result(data: Any) -> MessageResult:
    return MessageResult(to_json_text(MessageResult("", data=data)), data=data)


@command("graph")
def _graph(catalog: Catalog, args: argparse.Namespace) -> Result:
    from glue_magics.jobs.triggers import run_graph

    graph = (
        catalog.workflow_run_graph(args.run_id)
        if args.workflow_run
        else run_graph(catalog, args.run_id)
    )
    if args.as_json:
        return _json_result(graph)
    after: dict[str, list[str]] = {}
    for edge in graph["edges"]:
        after.setdefault(edge["target"], []).append(f"{edge['source']} ({edge['trigger']})")
    title = (
        f"workflow run {graph['workflow_run_id']}: {graph['state']}"
        if graph["workflow_run_id"] is not None
        else f"job run {args.run_id}: no trigger started it or was fired by it"
    )
    return TableResult(
        title=title,
        columns=[
            "run",
            "name",
            "state",
            "attempt",
            "trigger",
            "after",
            "started",
            "ended",
            "error",
        ],
        rows=[
            [
                n["id"],
                n["name"],
                n["state"],
                n.get("attempt"),
                n.get("trigger"),
                ", ".join(after.get(n["id"], [])) or None,
                n.get("started_at"),
                n.get("ended_at"),
                n.get("error"),
            ]
            for n in graph["nodes"]
        ],
        data=graph,
    )


@command("workflow")
def _workflow(catalog: Catalog, args: argparse.Namespace) -> Result:
    from glue_magics.jobs.triggers import chain

    check_limit_arg(args.limit)
    graph = chain(catalog, args.name, runs=args.limit)
    if args.as_json:
        return _json_result(graph)
    edges = TableResult(
        title="Edges",
        columns=["from", "on", "to"],
        rows=[[e["source"], e["label"], e["target"]] for e in graph["edges"]],
    )
    runs = TableResult(
        title="Latest workflow runs",
        columns=["workflow run", "root", "created", "state", "runs", "states"],
        rows=[
            [
                w["workflow_run_id"],
                w["root"] or f"trigger {w['trigger']}",
                w["created_at"],
                w["state"],
                w["runs"],
                ", ".join(f"{k} {v}" for k, v in sorted(w["statistics"].items())),
            ]
            for w in graph["workflow_runs"]
        ],
    )
    return DetailResult(
        title=f"workflow of {args.name}",
        fields=[("triggers", ", ".join(graph["triggers"]))],
        sections=[edges, runs],
        data=graph,
    )


def check_limit_arg(limit: int) -> None:
    if not 1 <= limit <= 1000:
        raise InvalidInputError(f"--limit must be from 1 to 1000, got {limit}")
