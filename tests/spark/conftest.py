"""Real Spark for the tests: one shared local session, and on demand a standalone master + worker and a
Spark Connect server, all started from the pyspark install on 127.0.0.1 with free ports.

Tests that stop or replace the shared session are marked ``spark_session_late`` and run after every
other test of the run (``order`` sorts them among themselves), so one local JVM serves the rest.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from glue_magics.catalog import Catalog
from glue_magics.crawler.run import crawl
from glue_magics.spark.errors import JavaNotFoundError
from glue_magics.spark.java import require_java
from tests.lake import write_csv, write_parquet

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

START_TIMEOUT = 240.0  # seconds; a loaded 2-core machine can take minutes to start a JVM
STOP_TIMEOUT = 30.0
LOCAL_MASTER = "local[2]"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "spark_session_late(order): stops or replaces the shared Spark session; runs after the "
        "other tests, sorted by order",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def order(item: pytest.Item) -> int:
        marker = item.get_closest_marker("spark_session_late")
        if marker is None:
            return 0
        return int(marker.kwargs.get("order", marker.args[0] if marker.args else 1))

    items[:] = sorted(items, key=order)  # stable: the others keep their order, first


# -- helpers


def java_or_skip() -> None:
    try:
        require_java()
    except JavaNotFoundError as err:
        pytest.skip(f"Spark tests need Java 17+: {err}")


def spark_home() -> str:
    import pyspark

    return os.path.dirname(pyspark.__file__)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(
    ready: Callable[[], bool], what: str, alive: Callable[[], bool], log: Path | None
) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except (OSError, ValueError):  # not answering yet (or slowly, on a busy machine)
            pass
        if not alive():
            raise RuntimeError(f"{what} exited while starting:\n{tail(log)}")
        time.sleep(0.5)
    raise RuntimeError(f"{what} not ready after {START_TIMEOUT:.0f} s:\n{tail(log)}")


def tail(log: Path | None, lines: int = 30) -> str:
    if log is None or not log.exists():
        return "(no log)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def pid_alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def stop_pid(pid: int) -> None:
    """SIGTERM, then SIGKILL after a while; its child processes (executors) too."""
    import psutil

    try:
        process = psutil.Process(pid)
        children = process.children(recursive=True)
    except psutil.NoSuchProcess:
        return
    for proc in [process, *children]:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.send_signal(signal.SIGTERM)
    _, alive = psutil.wait_procs([process, *children], timeout=STOP_TIMEOUT)
    for proc in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(alive, timeout=STOP_TIMEOUT)


def daemon_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SPARK_CONNECT_MODE_ENABLED", None)
    env.update(
        SPARK_HOME=spark_home(),
        SPARK_LOCAL_IP="127.0.0.1",
        SPARK_LOG_DIR=str(root / "logs"),
        SPARK_PID_DIR=str(root / "pids"),
        SPARK_IDENT_STRING="glue-magics-test",
    )
    return env


def master_json(ui_port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/json/", timeout=5) as response:
        data: dict[str, Any] = json.load(response)
        return data


# -- fixtures


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    """The shared local session of the default manager: local[2], UI off."""
    java_or_skip()
    from glue_magics.spark.session import manager

    if not manager.is_active():
        manager.use_master(LOCAL_MASTER)
        manager.configure(
            **{
                "spark.ui.enabled": "false",
                "spark.sql.warehouse.dir": str(tmp_path_factory.mktemp("spark-warehouse")),
            }
        )
    yield manager.session()
    manager.stop()


@pytest.fixture(scope="session")
def standalone_master(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A standalone master and one worker (1 core, 1g): {'url', 'ui_port'}."""
    java_or_skip()
    root = tmp_path_factory.mktemp("standalone")
    env = daemon_env(root)
    port, ui_port, worker_ui_port = free_port(), free_port(), free_port()
    spark_class = os.path.join(spark_home(), "bin", "spark-class")
    master_log, worker_log = root / "master.log", root / "worker.log"
    started: list[subprocess.Popen[bytes]] = []
    try:
        with master_log.open("wb") as out:
            master = subprocess.Popen(
                [spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                 "--port", str(port), "--webui-port", str(ui_port)],
                env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        started.append(master)
        wait_until(
            lambda: port_open(port) and port_open(ui_port),
            "standalone master",
            lambda: master.poll() is None,
            master_log,
        )
        with worker_log.open("wb") as out:
            worker = subprocess.Popen(
                [spark_class, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                 "--cores", "1", "--memory", "1g", "--webui-port", str(worker_ui_port),
                 "--work-dir", str(root / "work"), f"spark://127.0.0.1:{port}"],
                env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        started.append(worker)
        wait_until(
            lambda: master_json(ui_port).get("aliveworkers", 0) >= 1,
            "standalone worker",
            lambda: worker.poll() is None,
            worker_log,
        )
        yield {"url": f"spark://127.0.0.1:{port}", "ui_port": ui_port}
    finally:
        for process in reversed(started):  # the worker first
            stop_pid(process.pid)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="session")
def standalone_master_url(standalone_master: dict[str, Any]) -> str:
    """spark://127.0.0.1:PORT of a running standalone master with one registered worker."""
    return str(standalone_master["url"])


@pytest.fixture(scope="session")
def connect_server_url(connect_server: dict[str, Any]) -> str:
    """sc://127.0.0.1:PORT of a Spark Connect server (local[2]) started with sbin/start-connect-server.sh."""
    return str(connect_server["url"])


@pytest.fixture(scope="session")
def connect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A Spark Connect server on local[2]: {'url', 'pid'} (a test may kill it: it runs last)."""
    java_or_skip()
    root = tmp_path_factory.mktemp("connect")
    env = daemon_env(root)
    port = free_port()
    script = os.path.join(spark_home(), "sbin", "start-connect-server.sh")
    subprocess.run(
        ["bash", script, "--master", "local[2]", "--driver-memory", "1g",
         "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
         "--conf", f"spark.connect.grpc.binding.port={port}",
         "--conf", "spark.ui.enabled=false",
         "--conf", "spark.sql.catalogImplementation=in-memory"],
        env=env, check=True, capture_output=True, timeout=START_TIMEOUT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    pid_files = list((root / "pids").glob("*.pid"))
    assert pid_files, "start-connect-server.sh wrote no pid file"
    pid = int(pid_files[0].read_text().strip())
    logs = sorted((root / "logs").glob("*.out"))
    try:
        wait_until(
            lambda: port_open(port),
            "Spark Connect server",
            lambda: pid_alive(pid),
            logs[0] if logs else None,
        )
        yield {"url": f"sc://127.0.0.1:{port}", "pid": pid}
    finally:
        stop_pid(pid)


DAYS = ("2024-01-01", "2024-01-02", "2024-01-03")


@pytest.fixture
def cat(tmp_path: Path, glue_home: Path) -> Iterator[Catalog]:
    """raw.orders (partitioned by dt: 3 days x 4 rows) and raw.customers, crawled from a small
    lake, and an empty analytics database."""
    lake = tmp_path / "lake"
    for day in DAYS:
        write_parquet(
            lake / "orders" / f"dt={day}" / "p.parquet", rows=4, extra={"customer": [0, 1, 1, 2]}
        )
    write_csv(lake / "customers" / "c.csv", ["id,region", "0,eu", "1,us", "2,eu"])
    with Catalog(home=glue_home) as catalog:
        crawl(catalog, [str(lake)], "raw", name="lake")
        catalog.create_database("analytics")
        catalog.lake = lake  # type: ignore[attr-defined]
        yield catalog
