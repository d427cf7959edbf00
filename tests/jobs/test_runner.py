"""Job runs in real kernels (the venv's python3 kernelspec): parameters, failures, timeout, stop,
retries, and what is refused before a kernel starts."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from glue_magics.catalog import Catalog
from glue_magics.catalog.jobs import JobRun
from glue_magics.errors import ConcurrentModificationError, InvalidInputError
from glue_magics.jobs import core
from tests.jobs.conftest import write_notebook

PARAMS = "rows = 10\nratio = 0.5\ndry_run = False\nregion = 'eu'\ntables = ['a']"


@pytest.fixture
def cat(sqlite_url: str, glue_home: Path) -> Catalog:
    return Catalog(sqlite_url, home=glue_home)


def wait_until(predicate, timeout: float = 60.0, step: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def gone(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_a_run_gets_its_parameters_and_records_everything(cat: Catalog, tmp_path: Path) -> None:
    nb = write_notebook(
        tmp_path / "report.ipynb",
        PARAMS,
        "import glue_magics\n"
        "from glue_magics.jobs.context import job_args, job_run_id, dq_gates\n"
        "print(rows * 2, ratio, dry_run, region, tables)\n"
        "print(job_args() == glue_magics.args == {'rows': rows, 'ratio': ratio, "
        "'dry_run': dry_run, 'region': region, 'tables': tables}, job_run_id())",
    )
    core.promote(cat, "report", nb, params=["region=us"], fixed_params=["dry_run=true"])
    run = core.start_run(
        cat, "report", ["rows=21", "ratio=2", "tables=['x', 'y']", "dry_run=false"], wait=True
    )
    assert run.state == "SUCCEEDED", run.error
    assert run.arguments == {
        "rows": 21,
        "ratio": 2.0,
        "dry_run": True,  # non-overridable
        "region": "us",  # the job's default argument
        "tables": ["x", "y"],
    }
    assert (run.trigger, run.attempt, run.version) == ("ON_DEMAND", 1, 1)
    assert run.duration_seconds is not None and run.ended_at is not None
    assert run.output_path == str(
        cat.settings.home / "jobs" / "runs" / str(run.id) / "output.ipynb"
    )
    executed = nbformat.read(run.output_path, as_version=4)
    injected = executed.cells[1]
    assert injected.metadata.tags == ["injected-parameters"]
    assert "rows = 21" in injected.source and "tables = ['x', 'y']" in injected.source
    out = "".join(o.get("text", "") for o in executed.cells[2].outputs)
    assert out.split("\n")[:2] == ["42 2.0 True us ['x', 'y']", f"True {run.id}"]
    assert "Executing Cell" in Path(run.log_path or "").read_text()
    assert gone(run.kernel_pid)


def test_the_snapshot_runs_even_when_the_notebook_is_gone(cat: Catalog, tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "gone.ipynb", None, "print('from the snapshot')")
    core.promote(cat, "gone", nb)
    nb.unlink()
    assert core.start_run(cat, "gone", wait=True).state == "SUCCEEDED"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (["rows=ten"], "invalid value for parameter 'rows': 'ten' is not an int (default 10)"),
        (["ratio=fast"], "invalid value for parameter 'ratio': 'fast' is not a float"),
        (["dry_run=perhaps"], "'perhaps' is not a bool; use true or false"),
        (["tables=x,y"], "'x,y' is not a list"),
        (["colour=red"], "unknown parameter 'colour': the notebook's parameters are"),
        (["rows"], "--param 'rows': write KEY=VALUE"),
        (["1st=2"], "invalid parameter name '1st'"),
    ],
)
def test_bad_run_arguments_are_refused_before_a_kernel_starts(
    cat: Catalog, tmp_path: Path, params: list[str], message: str
) -> None:
    nb = write_notebook(tmp_path / "p.ipynb", PARAMS, "print(rows)")
    core.promote(cat, "p", nb)
    with pytest.raises(InvalidInputError) as err:
        core.start_run(cat, "p", params)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert cat.list_job_runs() == []
    assert not (cat.settings.home / "jobs" / "runs").exists()


def test_a_failing_cell_is_recorded(cat: Catalog, tmp_path: Path) -> None:
    nb = write_notebook(
        tmp_path / "fails.ipynb",
        "limit = 3",
        "#md A heading",
        "x = 1",
        "raise ValueError(f'limit {limit} is too low\\nsecond line')",
        "print('never')",
    )
    core.promote(cat, "fails", nb)
    run = core.start_run(cat, "fails", ["limit=2"], wait=True)
    assert run.state == "FAILED"
    assert run.failed_cell == 4  # counting the promoted notebook's cells from 1
    assert run.error == "ValueError: limit 2 is too low second line"
    assert cat.next_job_attempt(run.id) is None  # no retries configured


def test_a_timeout_kills_the_kernel_and_its_children(cat: Catalog, tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    nb = write_notebook(
        tmp_path / "slow.ipynb",
        None,
        "import subprocess, time\n"
        f"child = subprocess.Popen(['sleep', '300'])\nopen({str(marker)!r}, 'w').write(str(child.pid))",
        "time.sleep(300)",
    )
    core.promote(cat, "slow", nb, timeout=0.1, retries=2)
    started = time.monotonic()
    run = core.start_run(cat, "slow", wait=True)
    assert run.state == "TIMEOUT"
    assert run.error == "timed out after 0.1 minute(s); the kernel was killed"
    assert time.monotonic() - started < 60
    assert run.kernel_pid is not None and wait_until(lambda: gone(run.kernel_pid), 10)
    assert wait_until(lambda: gone(int(marker.read_text())), 10)  # like Spark's JVM
    assert cat.next_job_attempt(run.id) is None  # a timeout is not retried


def test_stop_kills_the_kernel(cat: Catalog, tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "long.ipynb", None, "import time\ntime.sleep(300)")
    core.promote(cat, "long", nb)
    run = core.start_run(cat, "long")
    running = wait_until(lambda: _running_with_kernel(cat, run.id))
    stopping = core.stop_run(cat, run.id)
    assert stopping.state in ("STOPPING", "STOPPED")
    done = core.wait_for_run(cat, run.id, timeout=60)
    assert done.state == "STOPPED" and done.error == "stopped"
    assert wait_until(lambda: gone(running.kernel_pid), 10)
    assert wait_until(lambda: gone(running.pid), 10)  # the worker exited
    with pytest.raises(InvalidInputError, match="has ended already"):
        core.stop_run(cat, run.id)


def _running_with_kernel(cat: Catalog, run_id: int) -> JobRun | None:
    run = cat.get_job_run(run_id)
    return run if run.state == "RUNNING" and run.kernel_pid else None


def test_an_on_demand_run_beyond_max_concurrency_is_refused(cat: Catalog, tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "one.ipynb", None, "import time\ntime.sleep(300)")
    core.promote(cat, "one", nb)
    first = core.start_run(cat, "one")
    with pytest.raises(ConcurrentModificationError, match="ConcurrentRunsExceeded"):
        core.start_run(cat, "one")
    assert [r.id for r in cat.list_job_runs("one")] == [first.id]
    core.stop_run(cat, first.id)
    assert core.wait_for_run(cat, first.id, timeout=60).state == "STOPPED"


def test_failed_runs_are_retried_with_backoff(
    cat: Catalog, tmp_path: Path, fast_jobs: None
) -> None:
    marker = tmp_path / "attempts"
    nb = write_notebook(
        tmp_path / "flaky.ipynb",
        "fail_times = 2",
        f"from pathlib import Path\nm = Path({str(marker)!r})\n"
        "n = int(m.read_text()) + 1 if m.exists() else 1\nm.write_text(str(n))\n"
        "assert n > fail_times, f'attempt {n} fails'",
    )
    core.promote(cat, "flaky", nb, retries=3)
    last = core.start_run(cat, "flaky", wait=True)
    assert last.state == "SUCCEEDED" and last.attempt == 3
    runs = cat.list_job_runs("flaky", oldest_first=True)
    assert [(r.attempt, r.state) for r in runs] == [(1, "FAILED"), (2, "FAILED"), (3, "SUCCEEDED")]
    assert runs[0].error == "AssertionError: attempt 1 fails"
    assert [r.previous_run_id for r in runs] == [None, runs[0].id, runs[1].id]
    assert {r.first_run_id for r in runs} == {runs[0].id}
    for before, after, delay in ((runs[0], runs[1], 0.5), (runs[1], runs[2], 1.0)):
        assert after.not_before is not None and before.ended_at is not None
        assert (after.not_before - before.ended_at).total_seconds() >= delay - 0.05
        assert after.started_at is not None and after.started_at >= after.not_before
    assert core.retry_delay(1) == 0.5 and core.retry_delay(3) == 2.0


def test_a_missing_gate_table_or_ruleset_is_an_error_before_a_kernel(
    cat: Catalog, tmp_path: Path
) -> None:
    nb = write_notebook(tmp_path / "gated.ipynb", None, "print('never runs')")
    core.promote(cat, "gated", nb, dq=["sales.orders=orders_rules"])
    run = core.start_run(cat, "gated", wait=True)
    assert run.state == "ERROR" and run.kernel_pid is None
    assert run.error == "data-quality gate sales.orders=orders_rules: database 'sales' not found"
    cat.create_database("sales")
    cat.create_table("sales", "orders", columns=[{"name": "id", "type": "bigint"}])
    run = core.start_run(cat, "gated", wait=True)
    assert (
        run.error == "data-quality gate sales.orders=orders_rules: ruleset 'orders_rules' not found"
    )
    cat.save_ruleset("orders_rules", 'Rules = [ IsComplete "id" ]', target="sales.orders")
    nb = write_notebook(
        tmp_path / "gated.ipynb",
        None,
        "from glue_magics.jobs.context import dq_gates, gate_for\n"
        "assert dq_gates() == {'sales.orders': 'orders_rules'}\n"
        "assert gate_for('Sales.Orders') == 'orders_rules'",
    )
    core.promote(cat, "gated", nb, dq=["sales.orders=orders_rules"])
    assert core.start_run(cat, "gated", wait=True).state == "SUCCEEDED"


def test_runs_made_by_the_notebook_are_summed_on_the_job_run(cat: Catalog, tmp_path: Path) -> None:
    nb = write_notebook(
        tmp_path / "etl.ipynb",
        None,
        "from glue_magics.catalog import Catalog\ncat = Catalog()\n"
        "for n in (3, 4):\n"
        "    r = cat.start_run('etl', 'load', target='sales.orders')\n"
        "    cat.finish_run(r.id, 'SUCCEEDED', metrics={'rows_written': n, 'bytes_written': 10 * n})",
    )
    core.promote(cat, "etl", nb)
    run = core.start_run(cat, "etl", wait=True)
    assert run.state == "SUCCEEDED", run.error
    assert run.metrics["rows_written"] == 7 and run.metrics["bytes_written"] == 70
    assert run.metrics["etl_runs"] == 2
    assert [c["kind"] for c in cat.job_run_children(run.id)] == ["etl", "etl"]
    assert os.environ.get("GLUE_MAGICS_JOB_RUN_ID") is None  # only the kernel had it
    assert json.loads(json.dumps(run.metrics))  # plain JSON
