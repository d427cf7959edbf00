"""%session on a real standalone master + worker and a real Spark Connect server.

These replace the default manager's session, so they run after every other test; at the end the
manager is set back to the shared local configuration (it starts again on the next use).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import psutil
import pytest
from IPython.core.interactiveshell import InteractiveShell

from glue_magics.catalog import Catalog
from glue_magics.spark import get_spark, manager
from glue_magics.spark.errors import SessionRunningError, SparkSessionError

from .conftest import LOCAL_MASTER, master_json, port_open, stop_pid

pytestmark = pytest.mark.spark_session_late(order=2)

CLUSTER_CONF = {"spark.executor.memory": "512m", "spark.cores.max": "1"}


@pytest.fixture(scope="module")
def ipython() -> Iterator[InteractiveShell]:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "glue_magics")
    before = manager.conf
    yield shell
    # Back to the shared local configuration, stopped: the next get_spark() starts it.
    manager.stop()
    manager.use_master(LOCAL_MASTER)
    manager.unconfigure(*(set(manager.conf) - set(before)))
    manager.configure(**before)
    assert "SPARK_CONNECT_MODE_ENABLED" not in os.environ


def fields(result: Any) -> dict[str, Any]:
    return dict(result.fields)


def test_standalone_cluster(ipython: InteractiveShell, standalone_master: dict[str, Any]) -> None:
    url = standalone_master["url"]
    settings = " ".join(f"{k}={v}" for k, v in CLUSTER_CONF.items())
    # restart: stops whatever runs (the shared local session), switches, starts
    status = fields(ipython.run_line_magic("session", f"restart --master {url} {settings}"))
    assert status["state"] == "running"
    assert status["runs on"] == f"{url} (standalone cluster)"
    spark = get_spark()
    assert spark.sparkContext.master == url
    assert spark.sparkContext.getConf().get("spark.executor.memory") == "512m"
    assert spark.range(100_000).selectExpr("sum(id) AS s").collect()[0].s == 4_999_950_000
    # Python runs on the worker's executor too
    from pyspark.sql.functions import udf

    double = udf(lambda v: v * 2, "long")
    assert [r[0] for r in spark.range(3).select(double("id")).collect()] == [0, 2, 4]
    apps = master_json(standalone_master["ui_port"])["activeapps"]
    assert [a["id"] for a in apps] == [spark.sparkContext.applicationId]
    assert apps[0]["name"] == "glue_magics"

    # Someone calls spark.stop() directly: the manager notices and ends the driver JVM.
    driver = psutil.Process(manager.status().driver_pid)  # type: ignore[arg-type]
    spark.stop()
    assert not manager.is_active()
    assert manager.status().stop_reason == "outside glue_magics"
    assert not driver.is_running() or driver.status() == psutil.STATUS_ZOMBIE


def test_connect_server(
    ipython: InteractiveShell, connect_server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from pyspark.sql import functions as F
    from pyspark.sql.connect.session import SparkSession as RemoteSparkSession

    capsys.readouterr()
    line = f"restart --remote {connect_server_url} spark.executor.memory=768m"
    status = fields(ipython.run_line_magic("session", line))
    # Static settings are the server's; the session says so in one line and runs.
    notice = capsys.readouterr().err.splitlines()
    assert len(notice) == 1 and notice[0].startswith("the Spark Connect server kept its own ")
    assert "spark.executor.memory" in notice[0]
    assert notice[0].endswith(" (fixed when the server started)")
    assert status["runs on"] == f"{connect_server_url} (Spark Connect)"
    assert status["Spark"] == "4.3.0"
    assert status["Spark UI"] == "on the server"
    spark = get_spark()
    assert isinstance(spark, RemoteSparkSession)
    assert manager.status().kind == "connect" and manager.status().driver_pid is None
    assert spark.range(100).count() == 100
    assert spark.range(5).where(F.col("id") > 2).count() == 2  # Connect-mode functions
    assert spark.sql("SELECT 40 + 2 AS answer").toPandas()["answer"].tolist() == [42]
    assert spark.conf.get("spark.sql.sources.partitionOverwriteMode") == "dynamic"
    assert get_spark() is spark

    # %%etl over Connect: the write, and the statistics observed during it, land in the catalog.
    ipython.run_line_magic("catalog", "create-database analytics")
    report = ipython.run_cell_magic(
        "etl",
        "--target analytics.squares --partition-by p",
        "SELECT id, id * id AS sq, id % 2 AS p FROM range(10)",
    )
    assert report.data["state"] == "SUCCEEDED" and report.data["rows_written"] == 10
    with Catalog() as catalog:
        stats = {
            s.column_name: s.data for s in catalog.get_column_statistics("analytics", "squares")
        }
    assert stats["sq"]["LongColumnStatisticsData"]["MaximumValue"] == 81

    with pytest.raises(SessionRunningError, match=r"restart spark\.sql\.shuffle\.partitions=3"):
        manager.configure(**{"spark.sql.shuffle.partitions": "3"})

    assert str(ipython.run_line_magic("session", "stop")) == "stopped the Spark session"
    assert spark.is_stopped
    assert "SPARK_CONNECT_MODE_ENABLED" not in os.environ
    assert fields(ipython.run_line_magic("session", ""))["state"] == "stopped (by request)"


def test_connect_server_going_away(
    ipython: InteractiveShell, connect_server: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """The next use says so in one line within seconds (pyspark alone retries for minutes)."""
    manager.stop()
    manager.use_remote(connect_server["url"])
    spark = get_spark()  # a new server-side session on the same server
    assert spark.range(3).count() == 3
    stop_pid(connect_server["pid"])  # the last use of the server in this run
    assert not port_open(int(connect_server["url"].rsplit(":", 1)[1]))
    started = time.monotonic()
    with pytest.raises(SparkSessionError) as err:
        get_spark()
    assert time.monotonic() - started < 30
    assert str(err.value) == (
        f"cannot reach the Spark Connect server at {connect_server['url']} "
        "(connection refused): is it running?"
    )
    status = manager.status()
    assert status.state == "stopped"
    assert status.stop_reason == "server unreachable: connection refused"
    assert "SPARK_CONNECT_MODE_ENABLED" not in os.environ
