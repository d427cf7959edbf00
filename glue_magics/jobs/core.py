"""Jobs: promote a notebook to a versioned, scheduled job; start, wait for and stop its runs.

Every front-end (``%promote``, ``%jobs``, ``glue-magics jobs``, the scheduler, the server) calls
these functions. Bad input is refused here, before anything is stored or any kernel starts.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from glue_magics.catalog import Catalog
from glue_magics.catalog.jobs import Job, JobRun, check_job_name
from glue_magics.catalog.names import split_table_name
from glue_magics.errors import ConcurrentModificationError, InvalidInputError
from glue_magics.jobs.airflow import CATCH_UP_POLICIES
from glue_magics.jobs.params import (
    parse_assignments,
    read_parameters,
    resolve_arguments,
    typed_arguments,
)
from glue_magics.jobs.schedule import Schedule, parse_schedule

#: Glue 5's default job timeout, and its maximum (7 days), in minutes.
DEFAULT_TIMEOUT_MINUTES = 480
MAX_TIMEOUT_MINUTES = 10080
MAX_RETRIES = 10
MAX_CONCURRENCY = 100
#: Catch-up "all" runs missed fire times at most this old unless --max-staleness says otherwise.
DEFAULT_MAX_STALENESS_MINUTES = 24 * 60
LEASE_ENV = "GLUE_MAGICS_JOBS_LEASE_SECONDS"
BACKOFF_ENV = "GLUE_MAGICS_JOBS_RETRY_BACKOFF"
KERNEL_ENV = "GLUE_MAGICS_JOBS_KERNEL"


# -- settings -----------------------------------------------------------------------------------


def _env_seconds(name: str, default: float) -> float:
    text = os.environ.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise InvalidInputError(f"${name} must be a number of seconds, got {text!r}") from None
    if not value > 0:
        raise InvalidInputError(f"${name} must be positive, got {text!r}")
    return value


def lease_seconds() -> float:
    """How long a run's claim holds without a heartbeat ($GLUE_MAGICS_JOBS_LEASE_SECONDS, 60)."""
    return _env_seconds(LEASE_ENV, 60.0)


def start_lease_seconds() -> float:
    """The lease of a claimed run until its worker is up and renews it: long enough for a slow
    start (at least a minute), so a starting run is not taken for a lost one."""
    return max(60.0, lease_seconds())


def retry_delay(attempt: int) -> float:
    """Seconds before retry ``attempt`` + 1: exponential backoff from
    $GLUE_MAGICS_JOBS_RETRY_BACKOFF (30 s), doubling per attempt, at most an hour."""
    return float(min(3600.0, _env_seconds(BACKOFF_ENV, 30.0) * 2 ** max(0, attempt - 1)))


def kernel_name() -> str:
    return os.environ.get(KERNEL_ENV) or "python3"


def run_dir(catalog: Catalog, run_id: int) -> Path:
    """Where a run keeps its executed notebook and its log: $GLUE_MAGICS_HOME/jobs/runs/<id>/."""
    return catalog.settings.home / "jobs" / "runs" / str(run_id)


def owner_id(role: str) -> str:
    return f"{role}:{socket.gethostname()}:{os.getpid()}"


# -- promotion ----------------------------------------------------------------------------------


def load_notebook(source: str | os.PathLike[str] | Mapping[str, Any]) -> tuple[Any, str | None]:
    """The notebook (nbformat v4) from a path or an nbformat dict, and its path if it has one."""
    import nbformat

    if isinstance(source, Mapping):
        return nbformat.from_dict(dict(source)), None
    path = Path(source).expanduser()
    if path.suffix != ".ipynb":
        raise InvalidInputError(f"{str(path)!r} is not a notebook (.ipynb)")
    try:
        nb = nbformat.read(str(path), as_version=4)
    except FileNotFoundError:
        raise InvalidInputError(f"notebook {str(path)!r} not found") from None
    except (OSError, ValueError) as exc:
        raise InvalidInputError(f"cannot read notebook {str(path)!r}: {exc}") from None
    return nb, str(path.resolve())


def snapshot(nb: Any) -> str:
    """The stored form of a notebook: nbformat JSON without outputs or execution counts."""
    import copy

    import nbformat

    clean = copy.deepcopy(nb)
    for cell in clean.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)
        cell.get("metadata", {}).pop("papermill", None)
    clean.metadata.pop("papermill", None)
    return str(nbformat.writes(clean))


def parse_gates(items: Iterable[str] | Mapping[str, str] | None) -> dict[str, str]:
    """``["sales.orders=orders_rules"]`` -> ``{"sales.orders": "orders_rules"}`` (names checked)."""
    pairs = (
        list(items.items())
        if isinstance(items, Mapping)
        else [_split_gate(item) for item in items or ()]
    )
    gates: dict[str, str] = {}
    for table, ruleset in pairs:
        database, name = split_table_name(table)
        if not isinstance(ruleset, str) or not ruleset.strip():
            raise InvalidInputError(f"--dq {table}: name the ruleset, DB.TABLE=RULESET")
        gates[f"{database}.{name}"] = ruleset.strip()
    return gates


def _split_gate(item: str) -> tuple[str, str]:
    table, sep, ruleset = item.partition("=")
    if not sep:
        raise InvalidInputError(f"--dq {item!r}: write DB.TABLE=RULESET")
    return table.strip(), ruleset


def check_backend(backend: str | None) -> str:
    """``local`` (the kernel's default Spark), or a Spark master / Spark Connect URL."""
    from glue_magics.spark.settings import parse_master, parse_remote

    if backend is None or backend == "local":
        return "local"
    if not isinstance(backend, str):
        raise InvalidInputError("--backend is local or a Spark URL")
    if backend.startswith("sc://"):
        return parse_remote(backend)
    return parse_master(backend)


def backend_environment(backend: str) -> dict[str, str]:
    from glue_magics.spark.settings import MASTER_ENV, REMOTE_ENV

    if backend == "local":
        return {}
    return {REMOTE_ENV if backend.startswith("sc://") else MASTER_ENV: backend}


def _whole(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInputError(
            f"{what} must be a whole number from {low} to {high}, got {value!r}"
        )
    return value


def _minutes(value: Any, what: str) -> float | int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= MAX_TIMEOUT_MINUTES
    ):
        raise InvalidInputError(
            f"{what} must be a number of minutes above 0 and at most {MAX_TIMEOUT_MINUTES}, "
            f"got {value!r}"
        )
    return value


def promote(
    catalog: Catalog,
    name: str,
    notebook: str | os.PathLike[str] | Mapping[str, Any],
    *,
    schedule: str | None = None,
    timezone: str = "UTC",
    params: Mapping[str, Any] | Iterable[str] | None = None,
    fixed_params: Mapping[str, Any] | Iterable[str] | None = None,
    allow_extra_params: bool = False,
    dq: Iterable[str] | Mapping[str, str] | None = None,
    timeout: float | None = None,
    retries: int = 0,
    max_concurrency: int = 1,
    catch_up: str = "none",
    max_staleness: float | None = None,
    backend: str | None = "local",
    tags: Iterable[str] = (),
    description: str | None = None,
    now: datetime | None = None,
) -> Job:
    """Store ``notebook`` as the next version of job ``name`` with these settings (all of them:
    promoting again replaces the job's settings). Everything is checked before anything is stored.

    ``params``: the job's default arguments, overriding the parameters cell's defaults (text is
    converted to the default's type). ``fixed_params``: non-overridable arguments.
    """
    check_job_name(name)
    nb, path = load_notebook(notebook)
    defaults = read_parameters(nb)
    if schedule is not None:
        parse_schedule(schedule, timezone)
    else:
        parse_schedule("@daily", timezone)  # the time zone alone
    if catch_up not in CATCH_UP_POLICIES:
        raise InvalidInputError(
            f"--catch-up {catch_up!r}: use one of {', '.join(CATCH_UP_POLICIES)}"
        )
    if not isinstance(allow_extra_params, bool):
        raise InvalidInputError("allow_extra_params is True or False")
    settings = {
        "default_params": _typed(params, defaults, allow_extra_params, "--param"),
        "fixed_params": _typed(fixed_params, defaults, allow_extra_params, "--fixed-param"),
        "allow_extra": allow_extra_params,
        "dq_gates": parse_gates(dq),
        "timeout_minutes": _minutes(
            DEFAULT_TIMEOUT_MINUTES if timeout is None else timeout, "--timeout"
        ),
        "max_retries": _whole(retries, "--retries", 0, MAX_RETRIES),
        "max_concurrency": _whole(max_concurrency, "--max-concurrency", 1, MAX_CONCURRENCY),
        "catch_up": catch_up,
        "max_staleness_minutes": None
        if max_staleness is None
        else _minutes(max_staleness, "--max-staleness"),
        "backend": check_backend(backend),
        "tags": _tags(tags),
    }
    text = snapshot(nb)
    return catalog.promote_job(
        name,
        notebook=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        parameters=defaults,
        settings=settings,
        schedule=None if schedule is None else " ".join(schedule.split()),
        timezone=timezone,
        description=description,
        source_path=path,
        now=now,
    )


def _tags(tags: Iterable[str]) -> list[str]:
    result = []
    for tag in tags:
        if not isinstance(tag, str) or not tag.strip() or len(tag) > 128 or "," in tag:
            raise InvalidInputError(f"invalid tag {tag!r}: 1-128 characters without commas")
        if tag.strip() not in result:
            result.append(tag.strip())
    return result


def _typed(
    values: Mapping[str, Any] | Iterable[str] | None,
    defaults: Mapping[str, Any],
    allow_extra: bool,
    option: str,
) -> dict[str, Any]:
    given: Mapping[str, Any] = (
        values if isinstance(values, Mapping) else parse_assignments(list(values or ()), option)
    )
    return typed_arguments(
        given,
        defaults,
        allow_extra=allow_extra,
        unknown=f"{option} {{key}}: the notebook has no such parameter (its parameters: "
        "{known}); add --allow-extra-params to accept others",
    )


# -- runs ---------------------------------------------------------------------------------------


def run_arguments(job: Job, params: Mapping[str, Any] | Iterable[str] | None) -> dict[str, Any]:
    """The arguments a run of ``job`` gets (checked: InvalidInputError before anything runs)."""
    given = params if isinstance(params, Mapping) else parse_assignments(list(params or ()))
    return resolve_arguments(
        job.parameters,
        given,
        job.setting("fixed_params", {}),
        allow_extra=bool(job.setting("allow_extra", False)),
    )


def start_run(
    catalog: Catalog,
    name: str,
    params: Mapping[str, Any] | Iterable[str] | None = None,
    *,
    trigger: str = "ON_DEMAND",
    wait: bool = False,
    poll: float = 0.1,
) -> JobRun:
    """Start a run of the job's newest version in a worker process; with ``wait``, return when
    it (and its retries) ended. A job at its max concurrency refuses an on-demand run
    (ConcurrentRunsExceeded), as Glue does."""
    job = catalog.get_job(name)
    arguments = run_arguments(job, params)
    try:
        run = catalog.create_job_run(
            name,
            trigger=trigger,
            arguments=arguments,
            max_active=int(job.setting("max_concurrency", 1)),
            owner=owner_id("client"),
            lease_seconds=start_lease_seconds(),
        )
    except ConcurrentModificationError as exc:
        raise ConcurrentModificationError(str(exc)) from None
    launch_worker(catalog, run.id)
    if wait:
        # The row, not the worker's exit: the worker still shuts its kernel down after the end.
        return wait_for_run(catalog, run.id, poll=poll)
    return catalog.get_job_run(run.id)


def launch_worker(catalog: Catalog, run_id: int) -> subprocess.Popen[bytes]:
    """Run ``python -m glue_magics.jobs.worker RUN_ID`` in its own session (process group), its
    output appended to the run's log. The caller must have claimed the run (STARTING)."""
    folder = run_dir(catalog, run_id)
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "log.txt"
    env = {
        **os.environ,
        "GLUE_MAGICS_CATALOG_URL": catalog.settings.catalog_url,
        "GLUE_MAGICS_HOME": str(catalog.settings.home),
        "PYTHONUNBUFFERED": "1",
    }
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "glue_magics.jobs.worker", str(run_id)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
            close_fds=True,
        )


def wait_for_run(
    catalog: Catalog, run_id: int, *, poll: float = 0.1, timeout: float | None = None
) -> JobRun:
    """Wait until the run has ended; a FAILED run that is retried is followed to its last
    attempt. A due retry nobody started (its worker is gone) is started from here."""
    deadline = None if timeout is None else time.monotonic() + timeout
    current = run_id
    while True:
        run = catalog.get_job_run(current)
        if run.final:
            follow = catalog.next_job_attempt(current) if run.state == "FAILED" else None
            if follow is None:
                return run
            current = follow.id
            continue
        if run.state == "WAITING" and run.not_before is not None:
            _start_if_abandoned(catalog, run)
        if deadline is not None and time.monotonic() > deadline:
            return run
        time.sleep(poll)


def _start_if_abandoned(catalog: Catalog, run: JobRun) -> None:
    from glue_magics.catalog.models import utcnow

    assert run.not_before is not None
    if (utcnow() - run.not_before).total_seconds() < 5:
        return  # its worker starts it itself
    job = catalog.get_job(run.job)
    claimed = catalog.claim_job_run(
        run.id,
        owner_id("client"),
        lease_seconds=start_lease_seconds(),
        max_active=int(job.setting("max_concurrency", 1)),
    )
    if claimed is not None:
        launch_worker(catalog, claimed.id)


def stop_run(catalog: Catalog, run_id: int) -> JobRun:
    """Stop a run: a waiting one ends STOPPED at once; a running one goes STOPPING, its worker
    kills the kernel (and its Spark JVM) and records STOPPED."""
    run = catalog.get_job_run(run_id)
    if run.final:
        raise InvalidInputError(f"job run {run_id} has ended already ({run.state})")
    if run.state == "WAITING":
        try:
            return catalog.update_job_run(
                run_id, state="STOPPED", expect="WAITING", note="stopped before it started"
            )
        except ConcurrentModificationError:
            run = catalog.get_job_run(run_id)
    if run.state in ("STARTING", "RUNNING"):
        run = catalog.update_job_run(run_id, state="STOPPING", expect={"STARTING", "RUNNING"})
    if run.pid and _is_our_worker(run):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(run.pid, signal.SIGTERM)
    return catalog.get_job_run(run_id)


def _is_our_worker(run: JobRun) -> bool:
    """Whether ``run.pid`` on this machine is still the run's worker (not a reused pid)."""
    if not run.owner or run.owner.split(":")[1:2] != [socket.gethostname()]:
        return False
    try:
        import psutil

        cmdline = psutil.Process(run.pid).cmdline()
    except Exception:
        return False
    return "glue_magics.jobs.worker" in cmdline and str(run.id) in cmdline


# -- versions -----------------------------------------------------------------------------------


def _cells(notebook_json: str) -> list[tuple[str, str]]:
    data = json.loads(notebook_json)
    result = []
    for cell in data.get("cells", []):
        source = cell.get("source", "")
        result.append(
            (cell.get("cell_type", "code"), "".join(source) if isinstance(source, list) else source)
        )
    return result


def diff_versions(catalog: Catalog, name: str, old: int, new: int) -> list[dict[str, Any]]:
    """The cells that changed between two versions: added, removed or changed, with cell numbers
    (from 1) and a unified diff of each changed cell's source."""
    before = _cells(catalog.get_job_version(name, old).notebook or "{}")
    after = _cells(catalog.get_job_version(name, new).notebook or "{}")
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    changes: list[dict[str, Any]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            (old_kind, old_src), (new_kind, new_src) = before[i1 + k], after[j1 + k]
            diff = difflib.unified_diff(
                old_src.splitlines(), new_src.splitlines(), lineterm="", n=0
            )
            changes.append(
                {
                    "change": "changed",
                    "old_cell": i1 + k + 1,
                    "new_cell": j1 + k + 1,
                    "kind": new_kind if new_kind == old_kind else f"{old_kind} -> {new_kind}",
                    "diff": "\n".join(
                        line for line in diff if not line.startswith(("---", "+++", "@@"))
                    ),
                }
            )
        for k in range(i1 + pairs, i2):
            changes.append(
                {
                    "change": "removed",
                    "old_cell": k + 1,
                    "new_cell": None,
                    "kind": before[k][0],
                    "diff": "\n".join("-" + line for line in before[k][1].splitlines()),
                }
            )
        for k in range(j1 + pairs, j2):
            changes.append(
                {
                    "change": "added",
                    "old_cell": None,
                    "new_cell": k + 1,
                    "kind": after[k][0],
                    "diff": "\n".join("+" + line for line in after[k][1].splitlines()),
                }
            )
    return changes


def schedule_of(job: Job) -> Schedule | None:
    return None if job.schedule is None else parse_schedule(job.schedule, job.timezone)
