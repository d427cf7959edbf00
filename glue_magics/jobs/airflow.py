"""Export a scheduled job as an Airflow DAG file (Airflow 2.6+ and 3).

The DAG runs ``glue-magics [--catalog-url URL] jobs run NAME --wait --param K=V ...`` with a
BashOperator on the job's schedule. Every value written into the file is a Python string literal
(``repr``) and every shell word is quoted with :func:`shlex.quote`; the operator in the file turns off
Jinja rendering, so parameter values reach the job exactly as given.

Airflow schedules with standard 5-field cron read in the ``start_date``'s time zone, so a job schedule
is exported only when :meth:`Schedule.as_five_field` has an equivalent; Glue-only parts (``L``,
``W``, ``#``, a restricted year) are refused rather than approximated.
"""

from __future__ import annotations

import json
import re
import shlex
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from glue_magics.errors import InvalidInputError
from glue_magics.jobs.schedule import Schedule

__all__ = ["CATCH_UP_POLICIES", "airflow_dag", "dag_id_for"]

CATCH_UP_POLICIES = ("none", "latest", "all")
TASK_ID = "run_job"
_DAG_ID_BAD = re.compile(r"[^A-Za-z0-9_.\-]")
_MAX_DAG_ID = 250


def dag_id_for(job_name: str) -> str:
    """The DAG id for a job: Airflow allows ASCII letters, digits, '-', '.' and '_' only."""
    return _DAG_ID_BAD.sub("_", job_name)[:_MAX_DAG_ID]


def _param_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, sort_keys=True)


def job_command(
    job_name: str,
    *,
    catalog_url: str | None,
    params: dict[str, object],
    command: str = "glue-magics",
) -> list[str]:
    """The argument list the DAG runs (``command`` may hold several words, e.g. ``python -m ...``)."""
    argv = shlex.split(command)
    if not argv:
        raise InvalidInputError("airflow export: command must not be empty")
    if catalog_url:
        if urlsplit(catalog_url).password:
            raise InvalidInputError(
                "airflow export: the catalog URL holds a password, which would be written into the "
                "DAG file; set GLUE_MAGICS_CATALOG_URL on the Airflow workers and export without it"
            )
        argv += ["--catalog-url", catalog_url]
    argv += ["jobs", "run", job_name, "--wait"]
    for key, value in params.items():
        if not isinstance(key, str) or not key or "=" in key:
            raise InvalidInputError(
                f"airflow export: parameter name {key!r} must be non-empty text without '='"
            )
        argv += ["--param", f"{key}={_param_text(value)}"]
    return argv


def airflow_dag(
    job_name: str,
    schedule: Schedule | None,
    *,
    catalog_url: str | None,
    params: dict[str, object],
    command: str = "glue-magics",
    catch_up: str = "none",
    max_concurrent_runs: int = 1,
    start_date: date | None = None,
) -> str:
    """Source of an Airflow DAG file that runs the job on its schedule.

    ``catch_up`` maps the job's policy for missed runs: ``'all'`` -> ``catchup=True``;
    ``'latest'`` and ``'none'`` -> ``catchup=False`` (Airflow then runs only the most recent missed
    interval; it has no setting that skips that one too). ``max_concurrent_runs`` becomes
    ``max_active_runs``. ``start_date`` (default: today in the schedule's time zone) is where
    Airflow starts counting intervals.
    """
    if not isinstance(job_name, str) or not job_name.strip() or not job_name.isprintable():
        raise InvalidInputError(f"airflow export: invalid job name {job_name!r}")
    if catch_up not in CATCH_UP_POLICIES:
        raise InvalidInputError(
            f"airflow export: catch-up policy {catch_up!r} is unknown; allowed {', '.join(CATCH_UP_POLICIES)}"
        )
    if isinstance(max_concurrent_runs, bool) or not isinstance(max_concurrent_runs, int):
        raise InvalidInputError("airflow export: max concurrent runs must be a whole number")
    if max_concurrent_runs < 1:
        raise InvalidInputError(
            f"airflow export: max concurrent runs must be at least 1, got {max_concurrent_runs}"
        )

    tz = "UTC"
    cron: str | None = None
    summary = "manual runs only (no schedule)"
    if schedule is not None:
        tz = schedule.timezone
        cron = schedule.as_five_field()
        if cron is None:
            raise InvalidInputError(
                f"airflow export: schedule {schedule.expression!r} has no standard 5-field cron "
                f"equivalent: {schedule.five_field_obstacle()}; Airflow cannot run it as is"
            )
        summary = f"{schedule.expression} ({schedule.describe()})"
    if start_date is None:
        start_date = datetime.now(ZoneInfo(tz)).date()

    argv = job_command(job_name, catalog_url=catalog_url, params=params, command=command)
    bash_command = shlex.join(argv)
    docstring = (
        f"Airflow DAG for the glue-magics job {job_name!r} (generated by glue-magics).\n\n"
        f"Schedule: {summary}; catch-up policy: {catch_up}.\n"
    )
    catchup = catch_up == "all"
    lines = [
        repr(docstring),
        "",
        "from __future__ import annotations",
        "",
        "import pendulum",
        "",
        "try:  # Airflow 3",
        "    from airflow.providers.standard.operators.bash import BashOperator",
        "    from airflow.sdk import DAG",
        "except ImportError:  # Airflow 2",
        "    from airflow import DAG",
        "    from airflow.operators.bash import BashOperator",
        "",
        "",
        "class GlueMagicsJobRun(BashOperator):",
        '    """Runs the command exactly as written: no Jinja rendering, no template files."""',
        "",
        "    template_fields = ()",
        "    template_ext = ()",
        "",
        "",
        "with DAG(",
        f"    dag_id={dag_id_for(job_name)!r},",
        f"    description={f'glue-magics job {job_name}'!r},",
        f"    schedule={cron!r},",
        f"    start_date=pendulum.datetime({start_date.year}, {start_date.month}, "
        f"{start_date.day}, tz={tz!r}),",
        f"    catchup={catchup!r},",
    ]
    if catch_up == "none":
        lines.append("    # Missed runs: Airflow still runs the most recent missed interval.")
    lines += [
        f"    max_active_runs={max_concurrent_runs!r},",
        "    tags=['glue-magics'],",
        ") as dag:",
        "    GlueMagicsJobRun(",
        f"        task_id={TASK_ID!r},",
        f"        bash_command={bash_command!r},",
        "        skip_on_exit_code=None,",
        "    )",
        "",
    ]
    return "\n".join(lines)
