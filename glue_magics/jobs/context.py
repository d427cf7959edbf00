"""What a notebook running as a job can ask about its run (light: no catalog, no Spark).

The job runner sets these variables in the kernel's environment:

``GLUE_MAGICS_JOB_RUN_ID``   the job run's id (``jobs runs``); ETL and data-quality runs started in
                             the kernel are linked to it (see ``Catalog.start_run``)
``GLUE_MAGICS_JOB_NAME``     the job's name
``GLUE_MAGICS_JOB_ARGS``     the run's resolved parameters, as JSON
``GLUE_MAGICS_DQ_GATES``     JSON ``{"db.table": "ruleset"}``: the job's data-quality gates; a write
                             to a gated table must pass the ruleset first
``GLUE_MAGICS_CATALOG_URL``  the catalog the job was run from

Outside a job all of them are absent, and the functions below return None or empty values.
"""

from __future__ import annotations

import json
import os
from typing import Any

from glue_magics.errors import InvalidInputError

JOB_RUN_ID_ENV = "GLUE_MAGICS_JOB_RUN_ID"
JOB_NAME_ENV = "GLUE_MAGICS_JOB_NAME"
JOB_ARGS_ENV = "GLUE_MAGICS_JOB_ARGS"
DQ_GATES_ENV = "GLUE_MAGICS_DQ_GATES"

__all__ = [
    "DQ_GATES_ENV",
    "JOB_ARGS_ENV",
    "JOB_NAME_ENV",
    "JOB_RUN_ID_ENV",
    "dq_gates",
    "gate_for",
    "job_args",
    "job_name",
    "job_run_id",
]


def job_run_id() -> int | None:
    """The id of the job run this kernel works for, or None outside a job."""
    text = os.environ.get(JOB_RUN_ID_ENV, "").strip()
    return int(text) if text.isdigit() else None


def job_name() -> str | None:
    return os.environ.get(JOB_NAME_ENV) or None


def job_args() -> dict[str, Any]:
    """The run's parameters (the same values the injected cell assigns); {} outside a job."""
    text = os.environ.get(JOB_ARGS_ENV)
    if not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def dq_gates() -> dict[str, str]:
    """The job's data-quality gates: ``{"db.table": "ruleset name"}`` ({} outside a job)."""
    text = os.environ.get(DQ_GATES_ENV)
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise InvalidInputError(
            f'{DQ_GATES_ENV} is not JSON: set it to {{"db.table": "ruleset"}}'
        ) from None
    if not isinstance(value, dict):
        raise InvalidInputError(f"{DQ_GATES_ENV} must map db.table to a ruleset name")
    return {str(k).lower(): str(v) for k, v in value.items()}


def gate_for(target: str) -> str | None:
    """The ruleset that must pass before ``target`` (``db.table``) is written, or None."""
    return dq_gates().get(target.strip().lower())
