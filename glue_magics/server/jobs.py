"""What the jobs routes return: one ``glue_magics.jobs`` or ``Catalog`` call each, as JSON.

Like ``views``, every function takes the catalog first and arguments already read from the
request; the values themselves (job names, schedules, parameters, settings) are checked by
``glue_magics.jobs.core``, so the REST API refuses what ``%promote`` and ``glue-magics jobs``
refuse, with the same one-line message. Request bodies are checked here for their shape only.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from glue_magics.catalog import Catalog
from glue_magics.catalog.jobs import Job, JobRun
from glue_magics.errors import EntityNotFoundError, InvalidInputError
from glue_magics.jobs import core
from glue_magics.jobs.params import type_name
from glue_magics.jobs.scheduler import next_fire_time
from glue_magics.server.jsonify import plain
from glue_magics.server.views import offset_page

JSON = dict[str, Any]
#: Runs shown with each job in the list (its "last runs" badges).
LAST_RUNS = 5
#: The most of a log the log route returns: its end, where the failure is.
MAX_LOG_BYTES = 2 * 1024 * 1024

#: The promote body's keys: ``%promote``'s options (``--catch-up`` may be written ``catch_up``)
#: with the JSON types each accepts.
PROMOTE_OPTIONS: dict[str, tuple[type, ...]] = {
    "notebook": (str,),
    "name": (str,),
    "schedule": (str, type(None)),
    "timezone": (str,),
    "param": (list, dict),
    "fixed_param": (list, dict),
    "allow_extra_params": (bool,),
    "dq": (list, dict),
    "timeout": (int, float, type(None)),
    "retries": (int,),
    "max_concurrency": (int,),
    "catch_up": (str,),
    "max_staleness": (int, float, type(None)),
    "backend": (str,),
    "tag": (list, str),
    "description": (str, type(None)),
}
_JSON_TYPES = {
    str: "text",
    type(None): "null",
    list: "a list",
    dict: "an object",
    bool: "true or false",
    int: "a number",
    float: "a number",
}


# -- reading ------------------------------------------------------------------------------------


def schedule_words(job: Job) -> str | None:
    schedule = core.schedule_of(job)
    return None if schedule is None else schedule.describe()


def param_text(value: Any) -> str:
    """A parameter's value as the text a form or ``--param`` takes back unchanged."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def run_brief(run: JobRun) -> JSON:
    return {
        "id": run.id,
        "state": run.state,
        "attempt": run.attempt,
        "trigger": run.trigger,
        "created_at": plain(run.created_at),
        "started_at": plain(run.started_at),
        "ended_at": plain(run.ended_at),
        "duration_seconds": run.duration_seconds,
        "error": run.error,
    }


def job_summary(catalog: Catalog, job: Job, now: datetime | None = None) -> JSON:
    runs = catalog.list_job_runs(job.name, limit=LAST_RUNS)
    settings = job.settings
    return {
        "name": job.name,
        "version": job.version,
        "schedule": job.schedule,
        "schedule_words": schedule_words(job),
        "timezone": job.timezone,
        "paused": job.paused,
        "next_run": plain(next_fire_time(job, now)),
        "description": job.description,
        "tags": list(settings.get("tags", [])),
        "last_runs": [run_brief(r) for r in runs],
        "active_runs": sum(not r.final for r in runs),
        "updated_at": plain(job.updated_at),
    }


def jobs(catalog: Catalog) -> JSON:
    now = datetime.now(timezone.utc)
    return {"jobs": [job_summary(catalog, j, now) for j in catalog.list_jobs()]}


def job(catalog: Catalog, name: str) -> JSON:
    found = catalog.get_job(name)
    settings = dict(found.settings)
    fixed = dict(settings.pop("fixed_params", {}))
    defaults = dict(settings.pop("default_params", {}))
    versions = catalog.list_job_versions(name)
    data = job_summary(catalog, found)
    data.update(
        {
            "parameters": [
                {
                    "name": key,
                    "type": type_name(value),
                    "default": plain(value),
                    "text": param_text(value),
                    "job_default": key in defaults,
                }
                for key, value in found.parameters.items()
                if key not in fixed
            ],
            "fixed_parameters": [
                {"name": key, "type": type_name(value), "value": plain(value)}
                for key, value in fixed.items()
            ],
            "gates": [
                {"table": table, "ruleset": ruleset}
                for table, ruleset in settings.pop("dq_gates", {}).items()
            ],
            "settings": plain(settings),
            "skipped_runs": found.skipped_runs,
            "created_at": plain(found.created_at),
            "notebook": versions[0].source_path if versions else None,
            "versions": [
                {
                    "version": v.version,
                    "created_at": plain(v.created_at),
                    "sha256": v.sha256,
                    "source_path": v.source_path,
                    "parameters": list(v.parameters),
                }
                for v in versions
            ],
        }
    )
    return data


def job_runs(catalog: Catalog, name: str, limit: int, next_token: str | None) -> JSON:
    catalog.get_job(name)  # 404 for an unknown job, not an empty page
    found, token = offset_page(lambda n: catalog.list_job_runs(name, limit=n), limit, next_token)
    return {"runs": [run_brief(r) for r in found], "next_token": token}


def job_run(catalog: Catalog, run_id: int) -> JSON:
    run = catalog.get_job_run(run_id)
    data: JSON = plain(run)
    metrics = run.metrics
    output, log = _output_path(catalog, run), _log_path(catalog, run)
    data.update(
        {
            "rows_written": metrics.get("rows_written"),
            "bytes_written": metrics.get("bytes_written"),
            "children": plain(catalog.job_run_children(run_id)),
            "has_output": output.is_file(),
            "has_log": log.is_file(),
        }
    )
    return data


def _output_path(catalog: Catalog, run: JobRun) -> Path:
    return Path(run.output_path or core.run_dir(catalog, run.id) / "output.ipynb")


def _log_path(catalog: Catalog, run: JobRun) -> Path:
    return Path(run.log_path or core.run_dir(catalog, run.id) / "log.txt")


def job_run_log(catalog: Catalog, run_id: int) -> str:
    run = catalog.get_job_run(run_id)
    path = _log_path(catalog, run)
    try:
        with open(path, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - MAX_LOG_BYTES))
            data = handle.read()
    except FileNotFoundError:
        raise EntityNotFoundError(f"job run {run_id} has no log yet ({run.state})") from None
    text = data.decode("utf-8", errors="replace")
    if size > MAX_LOG_BYTES:
        text = f"[... the first {size - MAX_LOG_BYTES} bytes are left out ...]\n" + text
    return text


def job_run_notebook(catalog: Catalog, run_id: int, fmt: str) -> str:
    """The executed notebook: rendered to HTML with nbconvert, or its .ipynb text."""
    if fmt not in ("html", "ipynb"):
        raise InvalidInputError(f"invalid format {fmt!r}: use html or ipynb")
    run = catalog.get_job_run(run_id)
    path = _output_path(catalog, run)
    if not path.is_file():
        raise EntityNotFoundError(f"job run {run_id} has no executed notebook ({run.state})")
    text = path.read_text(encoding="utf-8")
    if fmt == "ipynb":
        return text
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.reads(text, as_version=4)
    nb.metadata["title"] = f"{run.job} - run {run.id} ({run.state})"
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    return str(body)


# -- changing -----------------------------------------------------------------------------------


def read_body(raw: bytes) -> JSON:
    """A request body: a JSON object (an empty body is an empty object)."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInputError("the request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise InvalidInputError("the request body must be a JSON object")
    return data


def promote_options(body: Mapping[str, Any]) -> JSON:
    """The body's options under their ``promote`` names, each of a type it may have."""
    options: JSON = {}
    for raw_key, value in body.items():
        key = raw_key.lstrip("-").replace("-", "_")
        types = PROMOTE_OPTIONS.get(key)
        if types is None:
            raise InvalidInputError(f"unknown option {raw_key!r}: use {', '.join(PROMOTE_OPTIONS)}")
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            wanted = " or ".join(dict.fromkeys(_JSON_TYPES[t] for t in types))
            raise InvalidInputError(f"option {raw_key!r} must be {wanted}, got {value!r}")
        options[key] = value
    for required in ("name", "notebook"):
        if not options.get(required):
            raise InvalidInputError(f"give the job's {required}")
    for key in ("param", "fixed_param", "dq"):
        value = options.get(key)
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise InvalidInputError(f"option {key!r} is a list of KEY=VALUE texts or an object")
    if isinstance(options.get("tag"), str):
        options["tag"] = [options["tag"]]
    if options.get("schedule") is not None and not options["schedule"].strip():
        options["schedule"] = None
    return options


def notebook_path(root: str, relative: str) -> Path:
    """A notebook path relative to the server's root folder, which it must not leave."""
    base = Path(root).expanduser().resolve()
    if Path(relative).is_absolute() or "\\" in relative:
        raise InvalidInputError(
            f"notebook {relative!r}: give its path relative to the server's root folder"
        )
    path = (base / relative).resolve()
    if not path.is_relative_to(base):
        raise InvalidInputError(f"notebook {relative!r} is outside the server's root folder")
    if path.suffix != ".ipynb":
        raise InvalidInputError(f"{relative!r} is not a notebook (.ipynb)")
    if not path.is_file():
        raise InvalidInputError(f"notebook {relative!r} not found")
    return path


def promote(catalog: Catalog, root: str, body: Mapping[str, Any]) -> JSON:
    options = promote_options(body)
    path = notebook_path(root, options.pop("notebook"))
    job = core.promote(
        catalog,
        options.pop("name"),
        path,
        schedule=options.get("schedule"),
        timezone=options.get("timezone", "UTC"),
        params=options.get("param"),
        fixed_params=options.get("fixed_param"),
        allow_extra_params=options.get("allow_extra_params", False),
        dq=options.get("dq"),
        timeout=options.get("timeout"),
        retries=options.get("retries", 0),
        max_concurrency=options.get("max_concurrency", 1),
        catch_up=options.get("catch_up", "none"),
        max_staleness=options.get("max_staleness"),
        backend=options.get("backend", "local"),
        tags=options.get("tag", []),
        description=options.get("description"),
    )
    return job_summary(catalog, job)


def run_params(body: Mapping[str, Any]) -> dict[str, Any] | list[str] | None:
    unknown = set(body) - {"params"}
    if unknown:
        raise InvalidInputError(f"unknown option {sorted(unknown)[0]!r}: a run takes only params")
    params = body.get("params")
    if params is None:
        return None
    if isinstance(params, list) and all(isinstance(p, str) for p in params):
        return params
    if isinstance(params, dict):
        return params
    raise InvalidInputError("params is an object {name: value} or a list of KEY=VALUE texts")


def start_run(catalog: Catalog, name: str, body: Mapping[str, Any]) -> JSON:
    return job_run(catalog, core.start_run(catalog, name, run_params(body)).id)


def stop_run(catalog: Catalog, run_id: int) -> JSON:
    return run_brief(core.stop_run(catalog, run_id))


def set_paused(catalog: Catalog, name: str, paused: bool) -> JSON:
    return job_summary(catalog, catalog.set_job_paused(name, paused))
