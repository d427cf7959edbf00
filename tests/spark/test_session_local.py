"""The default manager's local session, for real: defaults, refusals while running, the idle timeout,
a killed JVM, and start hooks. Tests that end the shared session run last (spark_session_late)."""

from __future__ import annotations

import os
import threading
import time
from typing import TYPE_CHECKING, Any

import psutil
import pytest
from IPython.core.interactiveshell import InteractiveShell

from glue_magics.spark import get_spark, manager, settings
from glue_magics.spark.errors import SessionRunningError, SparkSessionError

from .conftest import LOCAL_MASTER, START_TIMEOUT, free_port

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@pytest.fixture(scope="module")
def ipython() -> InteractiveShell:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "glue_magics")
    return shell


def driver_process() -> psutil.Process:
    pid = manager.status().driver_pid
    assert pid is not None
    return psutil.Process(pid)


def assert_started_with_planned_config(spark: SparkSession) -> None:
    """Every key glue_magics planned (its defaults and the user's) is what Spark runs with."""
    status = manager.status()
    planned = settings.default_conf(
        settings.Target(master=status.url), warehouse=None, environ=os.environ
    )
    planned.update(manager.conf)
    planned.pop("spark.sql.warehouse.dir", None)  # the default is $GLUE_MAGICS_HOME's, per test
    assert planned == {k: v for k, v in status.config.items() if k != "spark.sql.warehouse.dir"}
    for key, value in status.config.items():
        actual = spark.conf.get(key) or ""
        if key == "spark.sql.warehouse.dir":  # Spark qualifies it: file:/...
            actual = actual.removeprefix("file:")
        assert actual == value, key


def test_local_session_defaults(spark: SparkSession) -> None:
    status = manager.status()
    if status.adopted:
        pytest.skip("the shared session was started outside the manager: its config is not ours")
    assert (status.state, status.kind, status.url) == (
        "running",
        "local",
        spark.sparkContext.master,
    )
    assert status.spark_version == spark.version == "4.3.0"
    assert status.app_id == spark.sparkContext.applicationId
    assert status.uptime_seconds is not None and status.uptime_seconds > 0
    assert_started_with_planned_config(spark)
    conf = spark.sparkContext.getConf()
    assert conf.get("spark.sql.catalogImplementation") == "in-memory"
    assert conf.get("spark.driver.host") == "127.0.0.1"
    assert spark.conf.get("spark.sql.sources.partitionOverwriteMode") == "dynamic"
    if "spark.driver.memory" not in manager.conf:
        memory = settings.default_driver_memory(settings.machine_memory())
        assert conf.get("spark.driver.memory") == memory
    if "spark.sql.shuffle.partitions" not in manager.conf:
        cores = settings.local_cores(status.url)
        assert spark.conf.get("spark.sql.shuffle.partitions") == str(2 * cores)  # type: ignore[operator]
    # The driver JVM is our child and listens on loopback only.
    driver = driver_process()
    assert driver.name() == "java" and driver.ppid() == os.getpid()
    listening = {
        c.laddr.ip.removeprefix("::ffff:")  # IPv4-mapped IPv6
        for c in driver.net_connections("inet")
        if c.status == "LISTEN"
    }
    assert listening == {"127.0.0.1"}
    assert spark.sql("SELECT 1 + 1 AS two").collect()[0].two == 2


def test_python_workers_run_this_interpreter(spark: SparkSession) -> None:
    """Not whatever `python3` is first on PATH: the kernel's environment, with its packages."""
    import sys

    from pyspark.sql.functions import udf

    prefix_of = udf(lambda _: __import__("sys").prefix, "string")
    assert {r[0] for r in spark.range(2).select(prefix_of("id")).collect()} == {sys.prefix}


def test_session_is_reused_and_touched(spark: SparkSession) -> None:
    time.sleep(0.2)
    assert manager.status().idle_seconds >= 0.2  # type: ignore[operator]
    assert get_spark() is spark and manager.session() is spark
    assert manager.status().idle_seconds < 0.2  # type: ignore[operator]
    assert manager.is_active()


def test_start_settings_are_refused_while_running(spark: SparkSession) -> None:
    before = (manager.conf, manager.status().url, spark.sparkContext.applicationId)
    with pytest.raises(SessionRunningError) as err:
        manager.configure(**{"spark.sql.shuffle.partitions": "9"})
    assert "`%session restart spark.sql.shuffle.partitions=9`" in str(err.value)
    with pytest.raises(SessionRunningError, match=r"`%session restart --master local\[1\]`"):
        manager.use_master("local[1]")
    with pytest.raises(SessionRunningError, match="restart --remote sc://h:1"):
        manager.use_remote("sc://h:1")
    with pytest.raises(SessionRunningError):
        manager.unconfigure("spark.ui.enabled")
    assert (manager.conf, manager.status().url, spark.sparkContext.applicationId) == before
    manager.configure()  # nothing to set: fine while running


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "conf spark.sql.shuffle.partitions=9",
            "`%session restart spark.sql.shuffle.partitions=9`",
        ),
        ("--master local[1]", "`%session restart --master local[1]`"),
        ("--remote sc://127.0.0.1:1", "`%session restart --remote sc://127.0.0.1:1`"),
        ("start spark.a=1", "takes no KEY=VALUE"),
    ],
)
def test_magic_refuses_start_settings_while_running(
    spark: SparkSession,
    ipython: InteractiveShell,
    capsys: pytest.CaptureFixture[str],
    line: str,
    message: str,
) -> None:
    before = (manager.conf, manager.status().url, manager.idle_timeout)
    capsys.readouterr()
    result = ipython.run_cell(f"%session {line}")
    assert result.error_in_exec is not None
    assert message in str(result.error_in_exec)
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert (manager.conf, manager.status().url, manager.idle_timeout) == before
    assert get_spark() is spark


def test_restart_to_an_unreachable_target_keeps_the_session(
    spark: SparkSession, ipython: InteractiveShell
) -> None:
    port = free_port()  # nothing listens there
    app = spark.sparkContext.applicationId
    with pytest.raises(SparkSessionError, match="cannot reach the Spark master"):
        manager.use_master(f"spark://127.0.0.1:{port}", restart=True)
    result = ipython.run_cell(f"%session restart --remote sc://127.0.0.1:{port}")
    assert "cannot reach the Spark Connect server" in str(result.error_in_exec)
    assert manager.is_active() and manager.status().url == LOCAL_MASTER
    assert get_spark().sparkContext.applicationId == app


def test_magic_status_of_running_session(spark: SparkSession, ipython: InteractiveShell) -> None:
    result = ipython.run_line_magic("session", "-o session_status")
    fields = dict(result.fields)
    assert fields["state"] == "running"
    assert fields["runs on"] == f"{LOCAL_MASTER} (local)"
    assert fields["Spark"] == "4.3.0"
    assert fields["application"] == spark.sparkContext.applicationId
    assert fields["Spark UI"] == "off"
    assert fields["driver pid"] == manager.status().driver_pid
    frame = ipython.user_ns["session_status"]
    assert list(frame.columns) == ["field", "value"] and "uptime" in set(frame["field"])
    assert "spark.sql.catalogImplementation" in str(result)
    started = ipython.run_line_magic("session", "start")  # already running: same session
    assert dict(started.fields)["application"] == spark.sparkContext.applicationId
    assert str(ipython.run_line_magic("session", "--verbose-errors on")) == "verbose errors: on"
    assert manager.verbose_errors is True
    ipython.run_line_magic("session", "--verbose-errors off")
    assert manager.verbose_errors is False


def test_status_links_the_spark_ui() -> None:
    from glue_magics.commands.session import status_result
    from glue_magics.spark.session import SessionStatus

    status = SessionStatus(
        state="running", kind="local", url="local[*]", ui_url="http://127.0.0.1:4040"
    )
    assert '<a href="http://127.0.0.1:4040"' in status_result(status)._repr_html_()


# -- these end the shared session; they run after every other test


def wait_for(condition: Any, seconds: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.mark.spark_session_late(order=1)
def test_idle_timeout_spares_running_jobs_then_stops(
    spark: SparkSession, capsys: pytest.CaptureFixture[str]
) -> None:
    current = manager.session()
    old_app = current.sparkContext.applicationId
    started: list[Any] = []
    manager.add_start_hook(started.append)  # runs at once on the running session
    assert started == [current]

    def broken_hook(_: Any) -> None:
        raise RuntimeError("could not replay the catalog\n\tat some.java.Frame")

    manager.add_start_hook(broken_hook, run_now=False)
    try:
        # A job longer than the timeout runs to its end: the timer sees it and waits.
        errors: list[BaseException] = []

        def long_job() -> None:
            try:
                # one job, one stage: no gaps between jobs
                current.sparkContext.parallelize(range(2), 2).foreach(lambda _: time.sleep(5))
            except BaseException as err:
                errors.append(err)

        job = threading.Thread(target=long_job)
        job.start()
        tracker = current.sparkContext.statusTracker()
        wait_for(lambda: bool(tracker.getActiveJobsIds()) or not job.is_alive())
        manager.set_idle_timeout(0.02)  # 1.2 s
        job.join(START_TIMEOUT)
        assert not errors, errors
        wait_for(lambda: manager.status().state == "stopped", 60)
        status = manager.status()
        assert status.stop_reason == "idle for 0.02 min"
        assert not manager.is_active()
        # Stopped, so start-time settings are accepted again.
        manager.set_idle_timeout(None)
        manager.configure(**{"spark.sql.shuffle.partitions": "3"})
        capsys.readouterr()
        fresh = manager.session()
        out, err = capsys.readouterr()
        assert err.splitlines() == [
            "the Spark session had stopped (idle for 0.02 min); started a new one",
            "glue_magics: start hook test_idle_timeout_spares_running_jobs_then_stops.<locals>."
            "broken_hook failed: could not replay the catalog",
        ]
        assert out.startswith(f"Spark 4.3.0 session on {LOCAL_MASTER}, app local-")
        assert fresh.sparkContext.applicationId != old_app
        assert fresh.conf.get("spark.sql.shuffle.partitions") == "3"
        assert not manager.status().adopted
        assert_started_with_planned_config(fresh)
        assert fresh.range(5).count() == 5
        assert started == [current, fresh]
    finally:
        manager.remove_start_hook(started.append)
        manager.remove_start_hook(broken_hook)
        manager.set_idle_timeout(None)


@pytest.mark.spark_session_late(order=1)
def test_killed_jvm_is_replaced_with_a_one_line_notice(
    spark: SparkSession, capsys: pytest.CaptureFixture[str]
) -> None:
    old = manager.session()
    driver = driver_process()
    assert driver.name() == "java" and driver.ppid() == os.getpid()
    driver.kill()

    def gone() -> bool:
        try:
            return driver.status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    wait_for(gone, 30)
    time.sleep(0.5)  # let pyspark's accumulator thread notice the closed socket
    status = manager.status()
    assert (status.state, status.stop_reason) == ("stopped", "JVM exited")
    assert "Traceback" not in capsys.readouterr().err
    fresh = manager.session()
    out, err = capsys.readouterr()
    assert err.splitlines() == ["the Spark session had stopped (JVM exited); started a new one"]
    assert out.startswith(f"Spark 4.3.0 session on {LOCAL_MASTER}")
    assert fresh is not old
    assert fresh.sql("SELECT count(*) AS n FROM range(10)").collect()[0].n == 10
    assert manager.status().driver_pid not in (None, driver.pid)
    # the configuration survived the restart (the shared fixture's, and the idle test's)
    assert fresh.sparkContext.getConf().get("spark.ui.enabled") == "false"
    expected = manager.conf.get("spark.sql.shuffle.partitions", "4")
    assert fresh.conf.get("spark.sql.shuffle.partitions") == expected
