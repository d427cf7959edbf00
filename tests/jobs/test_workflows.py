"""Triggers with real kernels and real crawls: conditional ALL and ANY, a chain of three jobs, new
files starting an incremental crawl and then a job, and an on-demand trigger from the magic; the
run graph that links them."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from glue_magics.catalog import Catalog
from glue_magics.crawler.run import crawl
from glue_magics.jobs import core, triggers
from glue_magics.jobs.scheduler import Scheduler, Tick
from tests.jobs.conftest import write_notebook
from tests.jobs.test_frontends import in_process


@pytest.fixture
def cat(sqlite_url: str, glue_home: Path) -> Catalog:
    return Catalog(sqlite_url, home=glue_home)


def passes_until(
    scheduler: Scheduler, done: Callable[[], Any], timeout: float = 120.0
) -> list[Tick]:
    """Scheduler passes every 0.3 s until ``done()`` is true."""
    ticks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ticks.append(scheduler.run_once())
        if done():
            return ticks
        time.sleep(0.3)
    raise AssertionError(f"timed out; passes: {ticks[-3:]}")


def ended(cat: Catalog, job: str) -> bool:
    runs = cat.list_job_runs(job)
    return bool(runs) and runs[0].final


def test_conditional_all_and_any(cat: Catalog, tmp_path: Path) -> None:
    for name in ("up1", "up2"):
        nb = write_notebook(tmp_path / f"{name}.ipynb", "ok = True", "assert ok")
        core.promote(cat, name, nb)
    for name in ("down_all", "down_any"):
        nb = write_notebook(tmp_path / f"{name}.ipynb", "who = 'nobody'", "print('by', who)")
        core.promote(cat, name, nb)
    triggers.create_trigger(
        cat,
        "all_up",
        "conditional",
        when=["up1:SUCCEEDED", "up2:SUCCEEDED"],
        logical="all",
        start=[{"kind": "job", "name": "down_all", "arguments": {"who": "all"}}],
    )
    triggers.create_trigger(
        cat,
        "any_up",
        "conditional",
        when=["up1:FAILED", "up2:SUCCEEDED"],
        logical="any",
        start=[{"kind": "job", "name": "down_any", "arguments": {"who": "any"}}],
    )
    first = core.start_run(cat, "up1", wait=True)
    assert first.state == "SUCCEEDED", first.error
    scheduler = Scheduler(cat, poll_seconds=1)
    assert scheduler.run_once().fired == []  # ALL waits for up2; ANY watches up1 failing
    second = core.start_run(cat, "up2", wait=True)
    assert second.state == "SUCCEEDED", second.error
    tick = scheduler.run_once()
    assert len(tick.fired) == 2 and len(tick.started) == 2
    for name, who in (("down_all", "all"), ("down_any", "any")):
        [run] = cat.list_job_runs(name)
        run = core.wait_for_run(cat, run.id, timeout=180)
        assert run.state == "SUCCEEDED", run.error
        assert (run.trigger, run.arguments) == ("CONDITIONAL", {"who": who})
        assert f"by {who}" in Path(run.log_path or "").read_text()
    origin = cat.run_origin("job", cat.list_job_runs("down_all")[0].id)
    assert origin is not None and origin["trigger"] == "all_up"
    assert sorted(u["id"] for u in origin["upstream"]) == [first.id, second.id]
    assert scheduler.run_once().fired == []  # each set of upstream runs fires once
    # up1 fails: ANY fires (up1:FAILED), ALL does not.
    failed = core.start_run(cat, "up1", ["ok=false"], wait=True)
    assert failed.state == "FAILED"
    tick = scheduler.run_once(dispatch=False)
    assert len(tick.fired) == 1
    [firing] = cat.trigger_firings("any_up")[-1:]
    assert [u["id"] for u in firing.upstream] == [failed.id]
    assert [r.state for r in cat.list_job_runs("down_all")] == ["SUCCEEDED"]
    assert [r.state for r in cat.list_job_runs("down_any")] == ["WAITING", "SUCCEEDED"]


def test_a_chain_of_three_is_one_workflow_run(
    cat: Catalog, sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_notebook(tmp_path / "a.ipynb", None, "print('a')")
    write_notebook(tmp_path / "b.ipynb", None, "raise ValueError('b breaks')")
    write_notebook(tmp_path / "c.ipynb", "day = ''", "print('c cleans up', day)")
    for name in "abc":
        core.promote(cat, name, tmp_path / f"{name}.ipynb")

    def cli(*args: str) -> str:
        proc = in_process(capsys, sqlite_url, *args)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    cli("jobs", "trigger", "create", "a_then_b", "--type", "conditional",
        "--when", "a:SUCCEEDED", "--start", "b")  # fmt: skip
    out = cli("jobs", "trigger", "create", "b_failed", "--type", "conditional",
              "--when", "b:FAILED", "--logical", "any", "--start", "c", "--param", "day=monday")  # fmt: skip
    assert "when b FAILED, starts c (day=monday)" in out
    root = core.start_run(cat, "a", wait=True)
    assert root.state == "SUCCEEDED", root.error
    passes_until(Scheduler(cat, poll_seconds=1), lambda: ended(cat, "c"), timeout=240)
    [b], [c] = cat.list_job_runs("b"), cat.list_job_runs("c")
    assert (b.state, b.trigger) == ("FAILED", "CONDITIONAL") and "b breaks" in (b.error or "")
    assert (c.state, c.arguments) == ("SUCCEEDED", {"day": "monday"}), c.error
    graph = json.loads(cli("jobs", "graph", str(c.id), "--json"))
    assert graph["root"] == f"job:{root.id}" and graph["state"] == "COMPLETED"
    assert [(n["name"], n["state"]) for n in graph["nodes"]] == [
        ("a", "SUCCEEDED"),
        ("b", "FAILED"),
        ("c", "SUCCEEDED"),
    ]
    assert [(e["source"], e["target"], e["trigger"]) for e in graph["edges"]] == [
        (f"job:{root.id}", f"job:{b.id}", "a_then_b"),
        (f"job:{b.id}", f"job:{c.id}", "b_failed"),
    ]
    workflow = graph["workflow_run_id"]
    assert {cat.workflow_run_of("job", r) for r in (root.id, b.id, c.id)} == {workflow}
    text = cli("jobs", "graph", str(root.id))
    assert f"workflow run {workflow}: COMPLETED" in text and "(b_failed)" in text
    logs = cli("jobs", "logs", str(c.id))
    assert "started by trigger  b_failed" in logs and f"job run {b.id} (FAILED)" in logs
    chain = json.loads(cli("--json", "jobs", "workflow", "b"))
    assert chain["triggers"] == ["a_then_b", "b_failed"]
    assert [w["workflow_run_id"] for w in chain["workflow_runs"]] == [workflow]


def test_new_files_start_an_incremental_crawl_then_the_job(cat: Catalog, tmp_path: Path) -> None:
    folder = tmp_path / "lake" / "sales"
    folder.mkdir(parents=True)
    (folder / "jan.csv").write_text("id,amount\n1,10\n2,20\n")
    crawl(cat, [str(folder)], "shop", name="sales_files")
    nb = write_notebook(
        tmp_path / "load.ipynb",
        None,
        "from glue_magics.catalog import Catalog\n"
        "print('partitions', len(Catalog().get_table('shop', 'sales').definition.columns))",
    )
    core.promote(cat, "load", nb)
    triggers.create_trigger(cat, "on_sales", "file_arrival", crawler="sales_files", start=["load"])
    scheduler = Scheduler(cat, poll_seconds=1)
    # Nothing new: no firing, no crawl.
    tick = scheduler.run_once()
    assert (tick.fired, tick.crawls_started, tick.errors) == ([], [], [])
    assert cat.trigger_crawls("on_sales") == [] and cat.list_job_runs() == []
    (folder / "feb.csv").write_text("id,amount\n3,30\n")
    tick = scheduler.run_once()
    assert len(tick.fired) == 1 and len(tick.crawls_started) == 1
    passes_until(scheduler, lambda: ended(cat, "load"), timeout=180)
    [(_member, crawl_run)] = cat.trigger_crawls("on_sales")
    assert crawl_run is not None and crawl_run["state"] == "SUCCEEDED"
    metrics = next(r for r in cat.list_runs(kind="crawl") if r.id == crawl_run["id"]).metrics
    assert (metrics["files_read"], metrics["files_unchanged"]) == (1, 1)  # incremental
    [load] = cat.list_job_runs("load")
    load = core.wait_for_run(cat, load.id, timeout=60)
    assert load.state == "SUCCEEDED", load.error
    graph = triggers.run_graph(cat, load.id)
    assert graph["trigger"] == "on_sales" and graph["root"] is None
    assert [(n["kind"], n["state"]) for n in graph["nodes"]] == [
        ("crawl", "SUCCEEDED"),
        ("job", "SUCCEEDED"),
    ]
    assert [(e["source"], e["target"]) for e in graph["edges"]] == [
        (f"crawl:{crawl_run['id']}", f"job:{load.id}")
    ]
    # The crawl recorded the new file: nothing more happens.
    tick = scheduler.run_once()
    assert (tick.fired, tick.crawls_started) == ([], [])
    assert len(cat.trigger_crawls("on_sales")) == 1 and len(cat.list_job_runs()) == 1


@pytest.fixture(scope="module")
def ipython() -> InteractiveShell:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "glue_magics")
    return shell


def test_an_on_demand_trigger_from_the_magic_starts_a_job_and_a_crawler_together(
    ipython: InteractiveShell, cat: Catalog, sqlite_url: str, tmp_path: Path
) -> None:
    magics = ipython.magics_manager.registry["JobsMagics"]
    magics.catalog_url = sqlite_url
    try:
        folder = tmp_path / "events"
        folder.mkdir()
        (folder / "e.json").write_text('{"id": 1}\n')
        crawl(cat, [str(folder)], "raw", name="events", dry_run=False)
        core.promote(cat, "report", write_notebook(tmp_path / "r.ipynb", None, "print('r')"))
        out = ipython.run_line_magic(
            "jobs", "trigger create both --type on_demand --start report --start crawler:events"
        )
        assert "starts report, crawler events" in str(out)
        ipython.run_line_magic("jobs", "trigger list -o listed")
        assert list(ipython.user_ns["listed"]["trigger"]) == ["both"]
        started = ipython.run_line_magic("jobs", "trigger start both")
        workflow = started.data["workflow_run_id"]

        def done() -> bool:
            graph = cat.workflow_run_graph(workflow)
            return len(graph["nodes"]) == 2 and all(n["final"] for n in graph["nodes"])

        deadline = time.monotonic() + 180
        while not done():
            assert time.monotonic() < deadline, cat.workflow_run_graph(workflow)
            time.sleep(0.3)
        graph = cat.workflow_run_graph(workflow)
        assert sorted((n["kind"], n["name"], n["state"]) for n in graph["nodes"]) == [
            ("crawl", "events", "SUCCEEDED"),
            ("job", "report", "SUCCEEDED"),
        ]
        shown = ipython.run_line_magic("jobs", f"graph {workflow} --workflow-run")
        assert "<table>" in shown._repr_html_()
        assert "on_demand" in str(ipython.run_line_magic("jobs", "trigger show both"))
        assert "deleted trigger both" in str(ipython.run_line_magic("jobs", "trigger delete both"))
        assert cat.list_triggers() == []
        assert cat.workflow_run_graph(workflow)["nodes"]  # the runs stay
    finally:
        magics.catalog_url = None
