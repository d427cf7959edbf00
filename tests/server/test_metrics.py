"""/glue-magics/metrics: Prometheus' text format, parsed with prometheus_client's own parser, with
values that match the catalog (runs by kind and state, job run durations, rows written, the latest
data-quality score per target, schedules)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from glue_magics.catalog import Catalog
from glue_magics.catalog.models import utcnow
from glue_magics.jobs import core
from glue_magics.jobs.metrics import render
from tests.jobs.conftest import write_notebook


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict[Any, float], name: str, **labels: str) -> float:
    return found[(name, tuple(sorted(labels.items())))]


def ended_run(catalog: Catalog, job: str, state: str, metrics: dict[str, int]) -> int:
    run = catalog.create_job_run(job, trigger="ON_DEMAND", arguments={})
    catalog.claim_job_run(run.id, "test", lease_seconds=60)
    catalog.update_job_run(run.id, state="RUNNING")
    return catalog.update_job_run(run.id, state=state, metrics=metrics).id


def fill(catalog: Catalog, tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "nb.ipynb", "n = 1", "print(n)")
    core.promote(catalog, "daily", nb, schedule="@daily")
    core.promote(catalog, "adhoc", nb)
    ended_run(catalog, "daily", "SUCCEEDED", {"rows_written": 100, "bytes_written": 2048})
    ended_run(catalog, "daily", "SUCCEEDED", {"rows_written": 50, "bytes_written": 1024})
    ended_run(catalog, "daily", "FAILED", {})
    catalog.create_job_run("adhoc", trigger="ON_DEMAND", arguments={})  # WAITING
    etl = catalog.start_run("etl", "load", target="sales.orders")
    catalog.finish_run(etl.id, "SUCCEEDED", metrics={"rows_written": 7})
    etl = catalog.start_run("etl", "load", target="sales.orders")
    catalog.finish_run(etl.id, "FAILED", error="boom")
    crawl = catalog.start_run("crawl", "lake")
    catalog.finish_run(crawl.id, "SUCCEEDED")
    catalog.record_dq_result("sales.orders", 0.5, [], ruleset="old")
    catalog.record_dq_result("sales.orders", 0.75, [], ruleset="orders_rules")
    catalog.record_dq_result("sales.people", 1.0, [])
    catalog.set_job_paused("adhoc", True)


async def test_metrics_parse_and_match_the_catalog(
    jp_fetch: Any, store_ready: None, glue_home: Path, tmp_path: Path
) -> None:
    with Catalog(home=glue_home) as catalog:
        fill(catalog, tmp_path)
        runs = catalog.list_job_runs("daily")
        durations = sorted(r.duration_seconds or 0 for r in runs)
        daily = catalog.get_job("daily")
    response = await jp_fetch("glue-magics", "metrics")
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    found = samples(response.body.decode())

    assert value(found, "glue_magics_runs", kind="job", state="SUCCEEDED") == 2
    assert value(found, "glue_magics_runs", kind="job", state="FAILED") == 1
    assert value(found, "glue_magics_runs", kind="job", state="WAITING") == 1
    assert value(found, "glue_magics_runs", kind="etl", state="SUCCEEDED") == 1
    assert value(found, "glue_magics_runs", kind="etl", state="FAILED") == 1
    assert value(found, "glue_magics_runs", kind="crawl", state="SUCCEEDED") == 1

    name = "glue_magics_job_run_duration_seconds"
    assert value(found, f"{name}_count", job="daily") == 3
    assert abs(value(found, f"{name}_sum", job="daily") - sum(durations)) < 1e-6
    assert value(found, f"{name}_bucket", job="daily", le="+Inf") == 3
    assert value(found, f"{name}_bucket", job="daily", le="1.0") == sum(d <= 1 for d in durations)
    assert (f"{name}_count", (("job", "adhoc"),)) not in found  # no ended runs

    assert value(found, "glue_magics_job_rows_written_total", job="daily") == 150
    assert value(found, "glue_magics_job_bytes_written_total", job="daily") == 3072
    assert value(found, "glue_magics_job_rows_written_total", job="adhoc") == 0
    assert value(found, "glue_magics_etl_rows_written_total", target="sales.orders") == 7

    assert (
        value(found, "glue_magics_dq_score", target="sales.orders", ruleset="orders_rules") == 0.75
    )
    assert ("glue_magics_dq_score", (("ruleset", "old"), ("target", "sales.orders"))) not in found
    assert value(found, "glue_magics_dq_score", target="sales.people", ruleset="") == 1.0
    evaluated = value(found, "glue_magics_dq_evaluated_timestamp_seconds", target="sales.people")
    assert abs(evaluated - utcnow().timestamp()) < 600

    from glue_magics.jobs.scheduler import next_fire_time

    expected = next_fire_time(daily)
    assert expected is not None
    nxt = value(found, "glue_magics_job_next_run_timestamp_seconds", job="daily")
    assert nxt == expected.timestamp()
    assert ("glue_magics_job_next_run_timestamp_seconds", (("job", "adhoc"),)) not in found
    assert value(found, "glue_magics_job_paused", job="adhoc") == 1
    assert value(found, "glue_magics_job_paused", job="daily") == 0


def test_an_empty_catalog_has_only_help_and_type_lines(glue_home: Path) -> None:
    with Catalog(home=glue_home) as catalog:
        text = render(catalog).decode()
    families = list(text_string_to_metric_families(text))
    assert {f.name for f in families} >= {"glue_magics_runs", "glue_magics_dq_score"}
    assert all(not f.samples for f in families)
