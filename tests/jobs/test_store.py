"""Jobs in the catalog store (SQLite and PostgreSQL): versions, run claims, states, leases, retries."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from glue_magics.catalog import Catalog
from glue_magics.catalog.jobs import LOST
from glue_magics.errors import (
    AlreadyExistsError,
    ConcurrentModificationError,
    EntityNotFoundError,
    InvalidInputError,
)
from glue_magics.jobs import core
from tests.jobs.conftest import write_notebook

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def job(catalog: Catalog, tmp_path: Path) -> str:
    nb = write_notebook(tmp_path / "daily.ipynb", "rows = 10\nregion = 'eu'", "print(rows)")
    core.promote(catalog, "daily", nb, schedule="cron(0 * * * ? *)", retries=2, now=T0)
    return "daily"


def test_each_promotion_is_a_new_version(catalog: Catalog, tmp_path: Path, job: str) -> None:
    nb = write_notebook(tmp_path / "daily.ipynb", "rows = 20", "print(rows * 2)")
    promoted = core.promote(catalog, "daily", nb, params=["rows=7"], tags=["sales"])
    assert promoted.version == 2 and promoted.parameters == {"rows": 7}
    versions = catalog.list_job_versions("daily")
    assert [v.version for v in versions] == [2, 1]
    assert versions[0].sha256 != versions[1].sha256 and len(versions[0].sha256) == 64
    assert catalog.get_job_version("daily", 1).parameters == {"rows": 10, "region": "eu"}
    assert '"print(rows * 2)"' in (catalog.get_job_version("daily").notebook or "")
    assert [j.name for j in catalog.list_jobs(tag="sales")] == ["daily"]
    assert catalog.list_jobs(tag="other") == []
    changes = core.diff_versions(catalog, "daily", 1, 2)
    assert [c["change"] for c in changes] == ["changed", "changed"]
    assert "-rows = 10" in changes[0]["diff"] and "+rows = 20" in changes[0]["diff"]


def test_a_fire_time_is_claimed_once(catalog: Catalog, job: str) -> None:
    first = catalog.create_job_run("daily", trigger="SCHEDULED", arguments={}, scheduled_for=T0)
    with pytest.raises(AlreadyExistsError):
        catalog.create_job_run("daily", trigger="SCHEDULED", arguments={}, scheduled_for=T0)
    assert [r.id for r in catalog.list_job_runs("daily")] == [first.id]
    # on-demand runs have no fire time and never collide
    catalog.create_job_run("daily", trigger="ON_DEMAND", arguments={})
    catalog.create_job_run("daily", trigger="ON_DEMAND", arguments={})
    assert len(catalog.list_job_runs("daily")) == 3


def test_the_state_machine_is_enforced(catalog: Catalog, job: str) -> None:
    run = catalog.create_job_run("daily", trigger="ON_DEMAND", arguments={"rows": 1})
    assert run.state == "WAITING" and run.attempt == 1 and run.first_run_id == run.id
    with pytest.raises(InvalidInputError, match="cannot go from WAITING to SUCCEEDED"):
        catalog.update_job_run(run.id, state="SUCCEEDED")
    claimed = catalog.claim_job_run(run.id, "me", lease_seconds=30)
    assert claimed is not None and claimed.state == "STARTING"
    assert catalog.claim_job_run(run.id, "you", lease_seconds=30) is None
    running = catalog.update_job_run(run.id, state="RUNNING", expect="STARTING")
    assert running.started_at is not None
    with pytest.raises(ConcurrentModificationError, match="is RUNNING, not STARTING"):
        catalog.update_job_run(run.id, state="RUNNING", expect="STARTING")
    done = catalog.update_job_run(run.id, state="SUCCEEDED", metrics={"rows_written": 3})
    assert done.ended_at is not None and done.duration_seconds is not None
    with pytest.raises(InvalidInputError, match="cannot go from SUCCEEDED to FAILED"):
        catalog.update_job_run(run.id, state="FAILED")
    with pytest.raises(InvalidInputError, match="invalid job run state"):
        catalog.update_job_run(run.id, state="DONE")
    with pytest.raises(EntityNotFoundError, match="job run 999 not found"):
        catalog.get_job_run(999)


def test_max_concurrency_holds_a_run_back_with_a_note(catalog: Catalog, job: str) -> None:
    a = catalog.create_job_run("daily", trigger="SCHEDULED", arguments={}, scheduled_for=T0)
    b = catalog.create_job_run(
        "daily", trigger="SCHEDULED", arguments={}, scheduled_for=T0 + timedelta(hours=1)
    )
    assert catalog.claim_job_run(a.id, "s1", lease_seconds=30, max_active=1) is not None
    assert catalog.claim_job_run(b.id, "s1", lease_seconds=30, max_active=1) is None
    waiting = catalog.get_job_run(b.id)
    assert waiting.state == "WAITING" and "ConcurrentRunsExceeded" in (waiting.note or "")
    with pytest.raises(ConcurrentModificationError, match="ConcurrentRunsExceeded"):
        catalog.create_job_run("daily", trigger="ON_DEMAND", arguments={}, max_active=1)
    catalog.update_job_run(a.id, state="STOPPED")
    assert catalog.claim_job_run(b.id, "s1", lease_seconds=30, max_active=1) is not None


def test_a_lost_run_fails_once_and_is_retried_once(catalog: Catalog, job: str) -> None:
    run = catalog.create_job_run(
        "daily", trigger="SCHEDULED", arguments={}, scheduled_for=T0, owner="w", lease_seconds=1
    )
    catalog.update_job_run(run.id, state="RUNNING")
    assert catalog.heartbeat_job_run(run.id, "w", 30) == "RUNNING"
    assert catalog.lost_job_runs() == []
    later = datetime.now(timezone.utc) + timedelta(seconds=60)
    assert [r.id for r in catalog.lost_job_runs(now=later)] == [run.id]
    failed = catalog.fail_lost_job_run(run.id, now=later)
    assert failed is not None and failed.state == "FAILED" and failed.error == LOST
    assert catalog.fail_lost_job_run(run.id, now=later) is None
    retry = catalog.retry_job_run(run.id, delay_seconds=0)
    assert retry is not None and retry.attempt == 2 and retry.previous_run_id == run.id
    assert retry.first_run_id == run.id and retry.scheduled_for == T0
    assert catalog.retry_job_run(run.id, delay_seconds=0) is None
    assert catalog.next_job_attempt(run.id) == retry


def test_retries_stop_at_the_job_limit(catalog: Catalog, job: str) -> None:
    run = catalog.create_job_run(
        "daily", trigger="ON_DEMAND", arguments={}, owner="w", lease_seconds=9
    )
    attempts = [run.id]
    for _ in range(5):
        catalog.update_job_run(attempts[-1], state="RUNNING")
        catalog.update_job_run(attempts[-1], state="FAILED", error="boom")
        retry = catalog.retry_job_run(attempts[-1], delay_seconds=0)
        if retry is None:
            break
        assert catalog.claim_job_run(retry.id, "w", lease_seconds=9) is not None
        attempts.append(retry.id)
    assert len(attempts) == 3  # --retries 2: attempts 1, 2 and 3
    assert [r.attempt for r in catalog.list_job_runs("daily", oldest_first=True)] == [1, 2, 3]


def test_etl_and_dq_runs_inside_a_job_run_are_linked(
    catalog: Catalog, job: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = catalog.create_job_run("daily", trigger="ON_DEMAND", arguments={})
    monkeypatch.setenv("GLUE_MAGICS_JOB_RUN_ID", str(run.id))
    etl = catalog.start_run("etl", "load", target="sales.orders")
    catalog.finish_run(etl.id, "SUCCEEDED", metrics={"rows_written": 5, "bytes_written": 100})
    monkeypatch.setenv("GLUE_MAGICS_JOB_RUN_ID", "424242")  # not a run of this catalog
    catalog.start_run("dq", "rules")
    children = catalog.job_run_children(run.id)
    assert [(c["kind"], c["metrics"].get("rows_written")) for c in children] == [("etl", 5)]


def test_schedule_mark_moves_once(catalog: Catalog, job: str) -> None:
    assert catalog.get_job("daily").scheduled_through == T0
    later = T0 + timedelta(hours=3)
    assert catalog.advance_job_schedule("daily", T0, later, skipped=2)
    assert not catalog.advance_job_schedule("daily", T0, later, skipped=2)
    moved = catalog.get_job("daily")
    assert moved.scheduled_through == later and moved.skipped_runs == 2


def test_delete_refuses_while_a_run_is_active(catalog: Catalog, job: str) -> None:
    run = catalog.create_job_run(
        "daily", trigger="ON_DEMAND", arguments={}, owner="w", lease_seconds=9
    )
    with pytest.raises(ConcurrentModificationError, match="has a run in progress"):
        catalog.delete_job("daily")
    catalog.update_job_run(run.id, state="STOPPED")
    catalog.delete_job("daily")
    with pytest.raises(EntityNotFoundError, match="job 'daily' not found"):
        catalog.get_job("daily")
    assert catalog.list_job_runs() == []


@pytest.mark.parametrize("name", ["", "a b", "-x", "x" * 256, "a/b", None])
def test_invalid_job_names_are_refused(catalog: Catalog, name: object) -> None:
    with pytest.raises(InvalidInputError, match="invalid job name"):
        catalog.get_job(name)  # type: ignore[arg-type]


def test_leases_and_schedule_marks_do_not_move_the_change_counter(
    catalog: Catalog, job: str
) -> None:
    """Front-ends refresh on the change counter; bookkeeping every few seconds must not
    make them reload, a new run or skipped fire times must."""
    run = catalog.create_job_run("daily", trigger="ON_DEMAND", arguments={})
    assert catalog.claim_job_run(run.id, "me", lease_seconds=30) is not None
    before = catalog.change_seq()
    assert catalog.heartbeat_job_run(run.id, "me", 30) == "STARTING"
    assert catalog.advance_job_schedule("daily", T0, T0 + timedelta(hours=1))
    assert catalog.change_seq() == before
    assert catalog.advance_job_schedule(
        "daily", T0 + timedelta(hours=1), T0 + timedelta(hours=3), skipped=1
    )
    assert catalog.change_seq() == before + 1
