"""Triggers without kernels: bad input refused with one line and nothing saved, scheduled triggers
at injected times, and two scheduler processes evaluating one satisfied trigger: it fires once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from glue_magics import cli
from glue_magics.catalog import Catalog
from glue_magics.catalog.jobs import JobRun
from glue_magics.jobs import core, triggers
from glue_magics.jobs.scheduler import Scheduler
from tests.jobs.conftest import write_notebook
from tests.jobs.test_frontends import in_process, subcommand_options

T0 = datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc)


def finished(cat: Catalog, job: str, state: str) -> JobRun:
    """A run of ``job`` that went through Glue's states to ``state`` (no kernel)."""
    run = cat.create_job_run(job, trigger="ON_DEMAND", arguments={})
    for step in ("STARTING", "RUNNING", state):
        run = cat.update_job_run(run.id, state=step)
    return run


def jobs(cat: Catalog, tmp_path: Path, *names: str) -> None:
    for name in names:
        nb = write_notebook(tmp_path / f"{name}.ipynb", "rows = 10", "print(rows)")
        core.promote(cat, name, nb)


def test_magic_and_cli_share_the_trigger_grammar() -> None:
    from glue_magics.magics import jobs as jobs_magic

    groups = next(a for a in cli.build_parser()._actions if a.dest == "group")
    cli_jobs = groups.choices["jobs"]
    magic_jobs = jobs_magic.build_parser()

    def nested(parser):  # type: ignore[no-untyped-def]
        sub = next(a for a in parser._actions if a.dest == "command")
        trigger = sub.choices["trigger"]
        inner = next(a for a in trigger._actions if a.dest == "trigger_command")
        from tests.jobs.test_frontends import options

        return {name: options(p) for name, p in inner.choices.items()}

    assert nested(cli_jobs) == nested(magic_jobs)
    assert set(nested(cli_jobs)) == {
        "create", "list", "show", "delete", "enable", "disable", "start",
    }  # fmt: skip
    assert {"--type", "--when", "--logical", "--start", "--param", "--crawler"} <= nested(cli_jobs)[
        "create"
    ]
    assert subcommand_options(cli_jobs)["graph"] == subcommand_options(magic_jobs)["graph"]


@pytest.fixture
def setup(sqlite_url: str, glue_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    cat = Catalog(sqlite_url, home=glue_home)
    jobs(cat, tmp_path, "a", "b")
    (tmp_path / "lake").mkdir()
    cat.create_database("lake")
    cat.save_crawler("lake_files", "lake", [str(tmp_path / "lake")], {})
    cat.save_crawler("lake_db", "lake", ["sqlite:///nowhere.db"], {})
    triggers.create_trigger(cat, "a_to_b", "conditional", when=["a:SUCCEEDED"], start=["b"])
    triggers.create_trigger(cat, "od", "on_demand", start=["a"])
    capsys.readouterr()
    return cat


WHEN = ["jobs", "trigger", "create", "t", "--type", "conditional"]


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        ([*WHEN, "--when", "nope:SUCCEEDED", "--start", "b"], 1, "job 'nope' not found"),
        ([*WHEN, "--when", "a:SUCCEEDED", "--start", "nope"], 1, "job 'nope' not found"),
        (
            [*WHEN, "--when", "crawler:nope:SUCCEEDED", "--start", "b"],
            1,
            "crawler 'nope' not found",
        ),
        ([*WHEN, "--when", "a:DONE", "--start", "b"], 1, "a job state is one of SUCCEEDED"),
        (
            [*WHEN, "--when", "crawler:lake_files:TIMEOUT", "--start", "b"],
            1,
            "a crawl state is one of SUCCEEDED, FAILED, CANCELLED",
        ),
        ([*WHEN, "--when", "a", "--start", "b"], 1, "write JOB:STATE"),
        (
            [*WHEN, "--when", "a:SUCCEEDED", "--logical", "most", "--start", "b"],
            2,
            "invalid choice",
        ),
        ([*WHEN, "--start", "b"], 1, "needs at least one --when"),
        ([*WHEN, "--when", "a:SUCCEEDED"], 1, "needs at least one --start"),
        ([*WHEN, "--when", "b:SUCCEEDED", "--start", "a"], 1, "cycle: job a -> job b -> job a"),
        ([*WHEN, "--when", "a:FAILED", "--start", "a"], 1, "cycle: job a -> job a"),
        ([*WHEN, "--when", "a:SUCCEEDED", "--param", "rows=1", "--start", "b"], 2, "put it after"),
        (
            [*WHEN, "--when", "a:SUCCEEDED", "--start", "b", "--param", "rows=many"],
            1,
            "--start b: invalid value for parameter 'rows'",
        ),
        (
            [*WHEN, "--when", "a:SUCCEEDED", "--start", "b", "--param", "other=1"],
            1,
            "unknown parameter 'other'",
        ),
        ([*WHEN, "--when", "a:FAILED", "--start", "b", "--start", "b"], 1, "given twice"),
        (
            [*WHEN, "--when", "a:FAILED", "--start", "crawler:lake_files", "--param", "x=1"],
            1,
            "takes no parameters",
        ),
        ([*WHEN, "--when", "a:FAILED", "--start", "crawler:nope"], 1, "crawler 'nope' not found"),
        ([*WHEN, "--when", "a:FAILED", "--start", "b", "--crawler", "lake_files"], 1, "--crawler"),
        (
            ["jobs", "trigger", "create", "t", "--type", "scheduled", "--start", "a"],
            1,
            "needs --schedule",
        ),
        (
            [
                "jobs",
                "trigger",
                "create",
                "t",
                "--type",
                "scheduled",
                "--start",
                "a",
                "--schedule",
                "cron(0 12 * *)",
            ],
            1,
            "invalid schedule",
        ),
        (
            [
                "jobs",
                "trigger",
                "create",
                "t",
                "--type",
                "on_demand",
                "--start",
                "a",
                "--when",
                "b:SUCCEEDED",
            ],
            1,
            "--when and --logical are for conditional triggers",
        ),
        (
            ["jobs", "trigger", "create", "t", "--type", "file_arrival", "--start", "a"],
            1,
            "needs --crawler",
        ),
        (
            ["jobs", "trigger", "create", "t", "--type", "file_arrival", "--crawler", "nope"],
            1,
            "crawler 'nope' not found",
        ),
        (
            ["jobs", "trigger", "create", "t", "--type", "file_arrival", "--crawler", "lake_db"],
            1,
            "crawls databases only",
        ),
        (
            [
                "jobs",
                "trigger",
                "create",
                "t",
                "--type",
                "file_arrival",
                "--crawler",
                "lake_files",
                "--start",
                "crawler:lake_files",
            ],
            1,
            "--start names jobs only",
        ),
        (
            ["jobs", "trigger", "create", "a_to_b", "--type", "on_demand", "--start", "a"],
            1,
            "trigger 'a_to_b' already exists",
        ),
        (
            ["jobs", "trigger", "create", "bad name", "--type", "on_demand", "--start", "a"],
            1,
            "invalid trigger name",
        ),
        (
            ["jobs", "trigger", "create", "t", "--type", "event", "--start", "a"],
            2,
            "invalid choice",
        ),
        (["jobs", "trigger", "start", "a_to_b"], 1, "only on-demand and scheduled"),
        (["jobs", "trigger", "disable", "od"], 1, "is on demand"),
        (["jobs", "trigger", "show", "nope"], 1, "trigger 'nope' not found"),
        (["jobs", "trigger", "delete", "nope"], 1, "trigger 'nope' not found"),
        (["jobs", "graph", "77"], 1, "job run 77 not found"),
        (["jobs", "graph", "77", "--workflow-run"], 1, "workflow run 77 not found"),
        (["jobs", "workflow", "nope"], 1, "no trigger named 'nope'"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    setup: Catalog,
    sqlite_url: str,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    status: int,
    message: str,
) -> None:
    cat = setup
    before = cat.list_triggers()
    proc = in_process(capsys, sqlite_url, *args)
    assert proc.returncode == status, proc.stderr
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert cat.list_triggers() == before
    assert cat.list_job_runs() == [] and cat.list_workflow_runs() == []


def test_scheduled_trigger_starts_its_jobs_together_once(catalog: Catalog, tmp_path: Path) -> None:
    cat = catalog
    jobs(cat, tmp_path, "a", "b")
    triggers.create_trigger(
        cat,
        "nightly",
        "scheduled",
        schedule="@hourly",
        start=["a", {"kind": "job", "name": "b", "arguments": {"rows": "3"}}],
        now=T0,
    )
    assert Scheduler(cat).run_once(T0 + timedelta(minutes=30), dispatch=False).fired == []
    tick = Scheduler(cat).run_once(T0 + timedelta(hours=1, seconds=5), dispatch=False)
    again = Scheduler(cat).run_once(T0 + timedelta(hours=1, seconds=9), dispatch=False)
    assert len(tick.fired) == 1 and again.fired == []
    runs = cat.list_job_runs(oldest_first=True)
    assert [(r.job, r.trigger, r.state, r.arguments) for r in runs] == [
        ("a", "SCHEDULED", "WAITING", {"rows": 10}),
        ("b", "SCHEDULED", "WAITING", {"rows": 3}),
    ]
    graph = cat.workflow_run_graph(cat.workflow_run_of("job", runs[0].id) or 0)
    assert graph["trigger"] == "nightly" and graph["root"] is None
    assert {n["name"] for n in graph["nodes"]} == {"a", "b"} and graph["edges"] == []
    origin = cat.run_origin("job", runs[1].id)
    assert origin is not None and origin["trigger"] == "nightly" and origin["upstream"] == []
    # Disabled: its fire times pass; enabled again: it starts from then.
    triggers.set_enabled(cat, "nightly", False)
    Scheduler(cat).run_once(T0 + timedelta(hours=2, seconds=5), dispatch=False)
    cat.set_trigger_enabled("nightly", True, now=T0 + timedelta(hours=2, seconds=10))
    Scheduler(cat).run_once(T0 + timedelta(hours=2, minutes=30), dispatch=False)
    assert len(cat.list_job_runs()) == 2
    Scheduler(cat).run_once(T0 + timedelta(hours=3, seconds=1), dispatch=False)
    assert len(cat.list_job_runs()) == 4


def test_upstream_runs_from_before_the_trigger_and_retried_failures_do_not_fire(
    sqlite_url: str, glue_home: Path, tmp_path: Path
) -> None:
    cat = Catalog(sqlite_url, home=glue_home)
    jobs(cat, tmp_path, "a", "b")
    nb = write_notebook(tmp_path / "r.ipynb", None, "1")
    core.promote(cat, "r", nb, retries=1)
    finished(cat, "a", "SUCCEEDED")  # before the trigger exists
    triggers.create_trigger(cat, "after_a", "conditional", when=["a:SUCCEEDED"], start=["b"])
    triggers.create_trigger(cat, "after_r", "conditional", when=["r:FAILED"], start=["b"])
    failed = finished(cat, "r", "FAILED")
    retry = cat.retry_job_run(failed.id, delay_seconds=0)
    assert retry is not None
    assert Scheduler(cat).run_once(dispatch=False).fired == []
    # The retry fails too: now the run has ended FAILED, once.
    for step in ("STARTING", "RUNNING", "FAILED"):
        cat.update_job_run(retry.id, state=step)
    tick = Scheduler(cat).run_once(dispatch=False)
    assert len(tick.fired) == 1
    [firing] = cat.trigger_firings("after_r")
    assert [u["id"] for u in firing.upstream] == [retry.id]
    graph = triggers.run_graph(cat, failed.id)
    node = next(n for n in graph["nodes"] if n["name"] == "r")
    assert (node["run_id"], node["last_attempt_id"], node["attempt"]) == (failed.id, retry.id, 2)


SCHEDULER_PASSES = """
import sys, time
from glue_magics.catalog import Catalog
from glue_magics.jobs.scheduler import Scheduler
start = float(sys.argv[2])
cat = Catalog(sys.argv[1])
scheduler = Scheduler(cat)
while time.time() < start:
    time.sleep(0.005)
fired = []
for _ in range(20):
    fired += scheduler.run_once(dispatch=False).fired
print(len(fired))
"""


def test_two_schedulers_fire_a_satisfied_trigger_exactly_once(
    catalog: Catalog, catalog_url: str, tmp_path: Path
) -> None:
    cat = catalog
    jobs(cat, tmp_path, "up", "other", "down", "down_any")
    triggers.create_trigger(
        cat, "both", "conditional", when=["up:SUCCEEDED", "other:FAILED"], start=["down"]
    )
    triggers.create_trigger(
        cat,
        "either",
        "conditional",
        when=["up:SUCCEEDED", "other:FAILED"],
        logical="any",
        start=["down_any"],
    )
    up = finished(cat, "up", "SUCCEEDED")
    other = finished(cat, "other", "FAILED")
    start = time.time() + 4
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SCHEDULER_PASSES, catalog_url, str(start)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in results]
    # "both" fires once for (up, other); "either" once for their workflow run, not once per run.
    assert sum(int(out) for out, _ in results) == 2, results
    assert [r.job for r in cat.list_job_runs(states={"WAITING"}, oldest_first=True)] == [
        "down",
        "down_any",
    ]
    [both] = cat.trigger_firings("both")
    assert sorted(u["id"] for u in both.upstream) == [up.id, other.id]
    [either] = cat.trigger_firings("either")
    assert either.workflow_run_id == both.workflow_run_id
    graph = cat.workflow_run_graph(both.workflow_run_id)
    assert {(n["name"], n["state"]) for n in graph["nodes"]} == {
        ("up", "SUCCEEDED"),
        ("other", "FAILED"),
        ("down", "WAITING"),
        ("down_any", "WAITING"),
    }
    assert len(graph["edges"]) == 3
