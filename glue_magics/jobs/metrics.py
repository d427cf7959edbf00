"""Prometheus metrics of the catalog's runs, read from the catalog store at scrape time.

:class:`CatalogCollector` keeps no state between scrapes: each ``collect()`` runs a few aggregate
queries (counts, sums and bucket counts are computed by the store, not by loading every run) and
turns the results into metric families. The Jupyter server extension serves them at
``/glue-magics/metrics``; :func:`render` gives the same text anywhere else::

    from glue_magics.jobs.metrics import render
    print(render(Catalog()).decode())

Metrics:

* ``glue_magics_runs{kind, state}``: runs recorded, by kind (``job``, ``etl``, ``crawl``, ``dq``)
  and state. A gauge: a run moves from RUNNING to SUCCEEDED, and deleting a job removes its runs.
* ``glue_magics_job_run_duration_seconds{job}``: a histogram of the durations of job runs that
  have ended (every attempt).
* ``glue_magics_job_rows_written_total{job}`` / ``glue_magics_job_bytes_written_total{job}``: rows
  and bytes the job's runs wrote (summed over their ``%%etl`` writes).
* ``glue_magics_etl_rows_written_total{target}``: rows written by ETL runs, per target table.
* ``glue_magics_dq_score{target, ruleset}``: the latest data-quality score (0 to 1) per target,
  and ``glue_magics_dq_evaluated_timestamp_seconds{target}`` when it was computed.
* ``glue_magics_job_next_run_timestamp_seconds{job}``, ``glue_magics_job_paused{job}``: the
  schedule of each job (no next run sample for an unscheduled or paused job).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector, CollectorRegistry
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from glue_magics.catalog import Catalog
from glue_magics.catalog.models import DQResultRow, JobRow, JobRunRow, RunRow

#: Bucket bounds of the job run duration histogram, in seconds (a minute to six hours, and more).
DURATION_BUCKETS = (
    1.0,
    5.0,
    15.0,
    30.0,
    60.0,
    120.0,
    300.0,
    600.0,
    1800.0,
    3600.0,
    7200.0,
    21600.0,
)


def _metric(column: Any, key: str) -> Any:
    """A number out of a run's JSON ``metrics`` (0 when absent), summed by the store."""
    return func.coalesce(func.sum(column[key].as_float()), 0.0)


class CatalogCollector(Collector):
    """Reads the catalog on every scrape; register it on a ``CollectorRegistry``."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def describe(self) -> list[Metric]:
        return []  # no queries when registered; the families come with each scrape

    def collect(self) -> Iterator[Metric]:
        # One read transaction: the numbers of one scrape belong together.
        data = self.catalog._read(_gather)
        runs = GaugeMetricFamily(
            "glue_magics_runs",
            "Runs recorded in the catalog, by kind (job, etl, crawl, dq) and state.",
            labels=["kind", "state"],
        )
        for (kind, state), count in sorted(data["runs"].items()):
            runs.add_metric([kind, state], count)
        yield runs

        durations = HistogramMetricFamily(
            "glue_magics_job_run_duration_seconds",
            "Durations of ended job runs (each attempt), per job.",
            labels=["job"],
        )
        for job, (buckets, total) in sorted(data["durations"].items()):
            durations.add_metric([job], buckets=buckets, sum_value=total)
        yield durations

        rows = CounterMetricFamily(
            "glue_magics_job_rows_written",
            "Rows written by a job's runs (their %%etl writes, summed).",
            labels=["job"],
        )
        size = CounterMetricFamily(
            "glue_magics_job_bytes_written",
            "Bytes written by a job's runs (their %%etl writes, summed).",
            labels=["job"],
        )
        for job, (job_rows, job_bytes) in sorted(data["job_written"].items()):
            rows.add_metric([job], job_rows)
            size.add_metric([job], job_bytes)
        yield rows
        yield size

        etl = CounterMetricFamily(
            "glue_magics_etl_rows_written",
            "Rows written by ETL runs, per target table.",
            labels=["target"],
        )
        for target, value in sorted(data["etl_written"].items()):
            etl.add_metric([target], value)
        yield etl

        score = GaugeMetricFamily(
            "glue_magics_dq_score",
            "The latest data-quality score (0 to 1) per target.",
            labels=["target", "ruleset"],
        )
        evaluated = GaugeMetricFamily(
            "glue_magics_dq_evaluated_timestamp_seconds",
            "When the latest data-quality score of a target was computed (Unix time).",
            labels=["target"],
        )
        for target, (ruleset, value, when) in sorted(data["dq"].items()):
            score.add_metric([target, ruleset or ""], value)
            evaluated.add_metric([target], _timestamp(when))
        yield score
        yield evaluated

        yield from _schedule_families(self.catalog)


def _gather(session: Session) -> dict[str, Any]:
    runs: dict[tuple[str, str], int] = {}
    for kind, state, count in session.execute(
        select(RunRow.kind, RunRow.state, func.count(RunRow.id)).group_by(RunRow.kind, RunRow.state)
    ):
        runs[(kind, state)] = runs.get((kind, state), 0) + int(count)
    for state, count in session.execute(
        select(JobRunRow.state, func.count(JobRunRow.id)).group_by(JobRunRow.state)
    ):
        runs[("job", state)] = runs.get(("job", state), 0) + int(count)

    ended = JobRunRow.duration_seconds.is_not(None)
    bucket_columns = [
        func.sum(case((JobRunRow.duration_seconds <= bound, 1), else_=0))
        for bound in DURATION_BUCKETS
    ]
    durations: dict[str, tuple[list[tuple[str, float]], float]] = {}
    query = (
        select(
            JobRow.name,
            func.count(JobRunRow.id),
            func.coalesce(func.sum(JobRunRow.duration_seconds), 0.0),
            *bucket_columns,
        )
        .join(JobRow, JobRow.id == JobRunRow.job_id)
        .where(ended)
        .group_by(JobRow.name)
    )
    for name, count, total, *counts in session.execute(query):
        buckets = [
            (_bound(b), float(c or 0)) for b, c in zip(DURATION_BUCKETS, counts, strict=True)
        ]
        buckets.append(("+Inf", float(count)))
        durations[name] = (buckets, float(total))

    job_written = {
        name: (float(rows), float(size))
        for name, rows, size in session.execute(
            select(
                JobRow.name,
                _metric(JobRunRow.metrics, "rows_written"),
                _metric(JobRunRow.metrics, "bytes_written"),
            )
            .join(JobRow, JobRow.id == JobRunRow.job_id)
            .group_by(JobRow.name)
        )
    }
    etl_written = {
        target: float(rows)
        for target, rows in session.execute(
            select(RunRow.target, _metric(RunRow.metrics, "rows_written"))
            .where(RunRow.kind == "etl", RunRow.target.is_not(None))
            .group_by(RunRow.target)
        )
    }

    latest = select(func.max(DQResultRow.id).label("id")).group_by(DQResultRow.target).subquery()
    dq = {
        target: (ruleset, float(score), when)
        for target, ruleset, score, when in session.execute(
            select(
                DQResultRow.target,
                DQResultRow.ruleset,
                DQResultRow.score,
                DQResultRow.evaluated_at,
            ).join(latest, latest.c.id == DQResultRow.id)
        )
    }
    return {
        "runs": runs,
        "durations": durations,
        "job_written": job_written,
        "etl_written": etl_written,
        "dq": dq,
    }


def _schedule_families(catalog: Catalog) -> Iterator[Metric]:
    from glue_magics.jobs.scheduler import next_fire_time

    now = datetime.now(timezone.utc)
    nxt = GaugeMetricFamily(
        "glue_magics_job_next_run_timestamp_seconds",
        "When a scheduled job runs next (Unix time).",
        labels=["job"],
    )
    paused = GaugeMetricFamily(
        "glue_magics_job_paused", "1 when the job's schedule is paused.", labels=["job"]
    )
    for job in catalog.list_jobs():
        when = next_fire_time(job, now)
        if when is not None:
            nxt.add_metric([job.name], _timestamp(when))
        paused.add_metric([job.name], 1.0 if job.paused else 0.0)
    yield nxt
    yield paused


def _bound(value: float) -> str:
    return repr(float(value))


def _timestamp(when: datetime | None) -> float:
    if when is None:
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


def registry(catalog: Catalog) -> CollectorRegistry:
    """A registry holding only the catalog's collector (not the process's own metrics)."""
    found = CollectorRegistry(auto_describe=False)
    found.register(CatalogCollector(catalog))
    return found


def render(catalog: Catalog) -> bytes:
    """The metrics in Prometheus' text exposition format."""
    from prometheus_client import generate_latest

    return generate_latest(registry(catalog))
