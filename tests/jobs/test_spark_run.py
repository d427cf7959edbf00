"""A job whose notebook uses Spark: the managed session starts in the job's kernel, %%etl writes
a cataloged table, the job's data-quality gate stops a write (and the run), and the job run sums
what the notebook's ETL runs wrote."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from glue_magics.catalog import Catalog
from glue_magics.jobs import core
from tests.jobs.conftest import write_notebook
from tests.jobs.test_runner import gone, wait_until
from tests.spark.conftest import java_or_skip


def test_a_spark_notebook_runs_as_a_job(
    sqlite_url: str, glue_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    java_or_skip()
    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")
    cat = Catalog(sqlite_url, home=glue_home)
    # A gated table: the job's writes to it must pass a ruleset they cannot pass.
    cat.create_database("job_db")
    columns = [{"name": "id", "type": "bigint"}, {"name": "tens", "type": "bigint"}]
    cat.create_table("job_db", "gated", columns=columns, classification="parquet")
    cat.save_ruleset("big_enough", "Rules = [ RowCount > 100 ]", target="job_db.gated")
    nb = write_notebook(
        tmp_path / "spark_job.ipynb",
        "rows = 3",
        "%load_ext glue_magics",
        "%session conf spark.ui.enabled=false",
        "%%etl --target job_db.numbers\nSELECT id, id * 10 AS tens FROM range(5)",
        "%%sql -o doubled\nSELECT {rows} * 2 AS n",
        "print('doubled', int(doubled['n'][0]))",
        "%%etl --target job_db.gated\nSELECT id, id * 10 AS tens FROM range(5)",
        "print('never reached')",
    )
    core.promote(
        cat, "spark_job", nb, backend="local[2]", timeout=10, dq=["job_db.gated=big_enough"]
    )
    run = core.start_run(cat, "spark_job", ["rows=21"], wait=True, poll=1.0)
    log = Path(run.log_path or "").read_text()[-3000:]
    # The gate stopped the write to job_db.gated: the cell failed, and with it the run.
    assert run.state == "FAILED", (run.error, log)
    assert run.failed_cell == 7, (run.error, log)
    assert (run.error or "").startswith(
        "DataQualityGateError: data quality gate 'big_enough' failed on job_db.gated"
    ), (run.error, log)
    assert run.metrics["rows_written"] == 5 and run.metrics["etl_runs"] == 2
    assert run.metrics["bytes_written"] > 0
    children = [(c["kind"], c["target"], c["state"]) for c in cat.job_run_children(run.id)]
    assert children[0] == ("etl", "job_db.numbers", "SUCCEEDED")
    assert ("etl", "job_db.gated", "FAILED") in children
    assert [c.name for c in cat.get_table("job_db", "numbers").columns] == ["id", "tens"]
    assert cat.get_table("job_db", "gated").version == 1  # nothing was written
    executed = nbformat.read(run.output_path or "", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert "doubled 42" in printed and "never reached" not in printed
    assert wait_until(lambda: gone(run.kernel_pid), 30)
