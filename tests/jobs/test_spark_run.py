"""A job whose notebook uses Spark: the managed session starts in the job's kernel, %%etl writes
a cataloged table, and the job run sums what the notebook's ETL runs wrote."""

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
    nb = write_notebook(
        tmp_path / "spark_job.ipynb",
        "rows = 3",
        "%load_ext glue_magics",
        "%session conf spark.ui.enabled=false",
        "%catalog create-database job_db --if-not-exists",
        "%%etl --target job_db.numbers\nSELECT id, id * 10 AS tens FROM range(5)",
        "%%sql -o doubled\nSELECT {rows} * 2 AS n",
        "print('doubled', int(doubled['n'][0]))",
    )
    core.promote(cat, "spark_job", nb, backend="local[2]", timeout=10)
    run = core.start_run(cat, "spark_job", ["rows=21"], wait=True, poll=1.0)
    assert run.state == "SUCCEEDED", (run.error, Path(run.log_path or "").read_text()[-3000:])
    assert run.metrics["rows_written"] == 5 and run.metrics["etl_runs"] == 1
    assert run.metrics["bytes_written"] > 0
    [child] = cat.job_run_children(run.id)
    assert (child["kind"], child["target"], child["state"]) == (
        "etl",
        "job_db.numbers",
        "SUCCEEDED",
    )
    assert [c.name for c in cat.get_table("job_db", "numbers").columns] == ["id", "tens"]
    executed = nbformat.read(run.output_path or "", as_version=4)
    assert "doubled 42" in "".join(o.get("text", "") for o in executed.cells[-1].outputs)
    assert wait_until(lambda: gone(run.kernel_pid), 30)
