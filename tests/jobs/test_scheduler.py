"""The scheduler: catch-up policies at injected times, max concurrency, a killed scheduler's lost
run retried exactly once, and two scheduler processes running each fire time exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from glue_magics.catalog import Catalog
from glue_magics.catalog.jobs import LOST
from glue_magics.jobs import core
from glue_magics.jobs.scheduler import Scheduler
from tests.jobs.conftest import write_notebook
from tests.jobs.test_runner import gone, wait_until

GLUE_MAGICS = str(Path(sys.executable).parent / "glue-magics")
T0 = datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc)  # a Monday


@pytest.fixture
def cat(catalog: Catalog) -> Catalog:
    return catalog


def hourly(cat: Catalog, tmp_path: Path, name: str, **options: object) -> None:
    nb = write_notebook(tmp_path / f"{name}.ipynb", "n = 1", "print(n)")
    core.promote(cat, name, nb, schedule="@hourly", now=T0, **options)  # type: ignore[arg-type]


def queued(cat: Catalog, name: str) -> list[tuple[str, str]]:
    return [
        (f"{r.scheduled_for:%H:%M}", r.trigger) for r in cat.list_job_runs(name, oldest_first=True)
    ]


def test_on_time_fire_times_are_queued_once(cat: Catalog, tmp_path: Path) -> None:
    hourly(cat, tmp_path, "ontime")
    scheduler = Scheduler(cat, poll_seconds=10)
    assert scheduler.run_once(T0 + timedelta(minutes=30), dispatch=False).queued == []
    tick = scheduler.run_once(T0 + timedelta(hours=1, seconds=5), dispatch=False)
    assert len(tick.queued) == 1
    again = Scheduler(cat).run_once(T0 + timedelta(hours=1, seconds=8), dispatch=False)
    assert again.queued == []
    assert queued(cat, "ontime") == [("01:00", "SCHEDULED")]
    [run] = cat.list_job_runs("ontime")
    assert run.state == "WAITING" and run.arguments == {"n": 1}


@pytest.mark.parametrize(
    ("policy", "expected", "skipped"),
    [
        ("none", [], 5),
        ("latest", [("05:00", "CATCH_UP")], 4),
        ("all", [(f"0{h}:00", "CATCH_UP") for h in range(1, 6)], 0),
    ],
)
def test_catch_up_after_downtime(
    cat: Catalog, tmp_path: Path, policy: str, expected: list[tuple[str, str]], skipped: int
) -> None:
    hourly(cat, tmp_path, "daily", catch_up=policy)
    tick = Scheduler(cat).run_once(T0 + timedelta(hours=5, minutes=20), dispatch=False)
    assert queued(cat, "daily") == expected
    assert cat.get_job("daily").skipped_runs == skipped
    assert tick.skipped.get("daily", 0) == skipped
    # nothing more is due until 06:00, which is on time
    Scheduler(cat).run_once(T0 + timedelta(hours=5, minutes=50), dispatch=False)
    Scheduler(cat).run_once(T0 + timedelta(hours=6, seconds=1), dispatch=False)
    assert queued(cat, "daily") == [*expected, ("06:00", "SCHEDULED")]


def test_catch_up_all_stops_at_max_staleness(cat: Catalog, tmp_path: Path) -> None:
    hourly(cat, tmp_path, "stale", catch_up="all", max_staleness=150)
    Scheduler(cat).run_once(T0 + timedelta(hours=5, minutes=20), dispatch=False)
    assert queued(cat, "stale") == [
        ("03:00", "CATCH_UP"),
        ("04:00", "CATCH_UP"),
        ("05:00", "CATCH_UP"),
    ]
    assert cat.get_job("stale").skipped_runs == 2


def test_latest_with_an_on_time_run_skips_the_missed_ones(cat: Catalog, tmp_path: Path) -> None:
    hourly(cat, tmp_path, "late", catch_up="latest")
    Scheduler(cat).run_once(T0 + timedelta(hours=3, seconds=20), dispatch=False)
    assert queued(cat, "late") == [("03:00", "SCHEDULED")]
    assert cat.get_job("late").skipped_runs == 2


def test_paused_jobs_do_not_fire_and_resume_from_now(cat: Catalog, tmp_path: Path) -> None:
    hourly(cat, tmp_path, "paused", catch_up="all")
    cat.set_job_paused("paused", True)
    Scheduler(cat).run_once(T0 + timedelta(hours=3, minutes=1), dispatch=False)
    assert queued(cat, "paused") == []
    cat.set_job_paused("paused", False, now=T0 + timedelta(hours=3, minutes=1))
    Scheduler(cat).run_once(T0 + timedelta(hours=4, seconds=1), dispatch=False)
    assert queued(cat, "paused") == [("04:00", "SCHEDULED")]


def test_the_scheduler_respects_max_concurrency(
    sqlite_url: str, glue_home: Path, tmp_path: Path
) -> None:
    cat = Catalog(sqlite_url, home=glue_home)
    nb = write_notebook(tmp_path / "busy.ipynb", None, "import time\ntime.sleep(2)")
    now = datetime.now(timezone.utc)
    minute = now.replace(second=0, microsecond=0)  # two fire times due: minute - 1 and minute
    core.promote(
        cat,
        "busy",
        nb,
        schedule="* * * * *",
        catch_up="all",
        now=minute - timedelta(seconds=90),
    )
    scheduler = Scheduler(cat, poll_seconds=1)
    tick = scheduler.run_once(now)
    assert len(tick.queued) == 2 and len(tick.started) == 1 and len(tick.held) == 1
    held = cat.get_job_run(tick.held[0])
    assert held.state == "WAITING" and "ConcurrentRunsExceeded" in (held.note or "")
    first = core.wait_for_run(cat, tick.started[0], timeout=120)
    assert first.state == "SUCCEEDED", first.error
    tick = scheduler.run_once()
    assert tick.started == [held.id]
    assert core.wait_for_run(cat, held.id, timeout=120).state == "SUCCEEDED"


def test_a_killed_scheduler_s_run_is_found_lost_and_retried_once(
    sqlite_url: str, glue_home: Path, tmp_path: Path, fast_jobs: None
) -> None:
    cat = Catalog(sqlite_url, home=glue_home)
    marker = tmp_path / "attempted"
    nb = write_notebook(
        tmp_path / "crash.ipynb",
        None,
        f"import time\nfrom pathlib import Path\nfirst = not Path({str(marker)!r}).exists()\n"
        f"Path({str(marker)!r}).touch()\nif first:\n    time.sleep(300)",
    )
    core.promote(cat, "crash", nb, retries=1)
    fire = datetime.now(timezone.utc).replace(microsecond=0)
    run = cat.create_job_run("crash", trigger="SCHEDULED", arguments={}, scheduled_for=fire)
    env = {**os.environ, "GLUE_MAGICS_CATALOG_URL": sqlite_url}
    scheduler = subprocess.Popen(
        [GLUE_MAGICS, "scheduler", "--poll", "0.5"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        running = wait_until(
            lambda: (r := cat.get_job_run(run.id)).kernel_pid and r.state == "RUNNING" and r, 90
        )
        wait_until(marker.exists, 60)  # the notebook is in its long cell
    finally:
        # The machine "crashes": the scheduler, the worker and the kernel die at once.
        for pid in (scheduler.pid, running.pid, running.kernel_pid):
            if pid:
                os.killpg(pid, signal.SIGKILL)
        scheduler.wait(10)
    assert wait_until(lambda: gone(running.kernel_pid) and gone(running.pid), 10)
    assert cat.get_job_run(run.id).state == "RUNNING"  # nobody knows yet
    time.sleep(3.5)  # the lease (3 s) runs out
    # Two schedulers look at once; the run is failed and retried exactly once.
    once = [
        subprocess.Popen(
            [GLUE_MAGICS, "scheduler", "--once"], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for proc in once:
        assert proc.wait(120) == 0
    lost = cat.get_job_run(run.id)
    assert lost.state == "FAILED" and lost.error == LOST
    retry = wait_until(lambda: cat.next_job_attempt(run.id), 30)
    final = core.wait_for_run(cat, retry.id, timeout=180)
    assert final.state == "SUCCEEDED", final.error
    Scheduler(cat).run_once()
    attempts = [(r.attempt, r.state) for r in cat.list_job_runs("crash", oldest_first=True)]
    assert attempts == [(1, "FAILED"), (2, "SUCCEEDED")]
    assert {r.scheduled_for for r in cat.list_job_runs("crash")} == {fire}


def test_two_schedulers_run_each_fire_time_exactly_once(
    sqlite_url: str, glue_home: Path, tmp_path: Path
) -> None:
    """Two scheduler processes on one SQLite catalog for about 65 s, two jobs due every minute."""
    cat = Catalog(sqlite_url, home=glue_home)
    started = datetime.now(timezone.utc)
    for name in ("alpha", "beta"):
        nb = write_notebook(tmp_path / f"{name}.ipynb", None, f"print('{name}')")
        core.promote(cat, name, nb, schedule="* * * * *", max_concurrency=2)
    env = {**os.environ, "GLUE_MAGICS_CATALOG_URL": sqlite_url}
    schedulers = [
        subprocess.Popen(
            [GLUE_MAGICS, "scheduler", "--poll", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for _ in range(2)
    ]
    try:
        time.sleep(65)
    finally:
        for proc in schedulers:
            proc.send_signal(signal.SIGTERM)
        errors = [proc.communicate(timeout=30)[1] for proc in schedulers]
    stopped = datetime.now(timezone.utc)
    assert [proc.returncode for proc in schedulers] == [0, 0], errors
    runs = cat.list_job_runs(limit=1000)
    for run in runs:
        core.wait_for_run(cat, run.id, timeout=120)
    runs = cat.list_job_runs(limit=1000)

    def fire_times(end: datetime) -> set[tuple[str, datetime]]:
        schedule = core.schedule_of(cat.get_job("alpha"))
        assert schedule is not None
        return {(n, t) for n in ("alpha", "beta") for t in schedule.fire_times(started, end)}

    got = Counter((r.job, r.scheduled_for) for r in runs)
    # Every fire time the schedulers had time to see ran; none ran that was not due.
    assert fire_times(stopped - timedelta(seconds=3)) <= set(got) <= fire_times(stopped)
    assert len(got) >= 2
    assert all(count == 1 for count in got.values()), got
    assert {r.state for r in runs} == {"SUCCEEDED"}, [(r.id, r.state, r.error) for r in runs]
    assert {r.trigger for r in runs} == {"SCHEDULED"}


def test_sleeps_until_the_next_fire_time_when_it_comes_before_the_poll(
    cat: Catalog, tmp_path: Path
) -> None:
    scheduler = Scheduler(cat, poll_seconds=600)
    assert scheduler._until_next_pass() == 600  # no jobs: the poll interval
    nb = write_notebook(tmp_path / "minutely.ipynb", "n = 1", "print(n)")
    core.promote(cat, "minutely", nb, schedule="* * * * *")
    now = datetime.now(timezone.utc)
    to_next_minute = 60 - now.second - now.microsecond / 1e6
    assert 0 <= scheduler._until_next_pass() <= to_next_minute + 0.05
    cat.set_job_paused("minutely", True)
    assert scheduler._until_next_pass() == 600
