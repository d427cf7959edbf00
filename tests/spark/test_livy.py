"""%session --livy: sparkmagic's Livy client against a Livy-REST stand-in (no real Livy here).

The stand-in runs statements on the suite's shared local session; the kernel's session manager
keeps that session while Livy is active (nothing here stops it).
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from glue_magics.display import TableResult
from glue_magics.errors import InvalidInputError
from glue_magics.spark import livy as livy_module
from glue_magics.spark.errors import SessionRunningError
from glue_magics.spark.livy import (
    MISSING_SPARKMAGIC,
    NEEDS_SPARK_HERE,
    LivyError,
    NeedsSparkHereError,
    parse_livy_conf,
    parse_livy_url,
    redact_url,
)
from glue_magics.spark.session import manager
from glue_magics.spark.sql import SparkQueryError
from tests.spark.livy_standin import LivyStandIn

try:
    import sparkmagic  # noqa: F401

    HAVE_SPARKMAGIC = True
except ImportError:
    HAVE_SPARKMAGIC = False

needs_sparkmagic = pytest.mark.skipif(
    not HAVE_SPARKMAGIC,
    reason="sparkmagic is not installed: pip install --no-deps sparkmagic==0.23.0 "
    "hdijupyterutils==0.23.0 autovizwidget==0.23.0 requests-kerberos pyspnego (./dev does)",
)


@pytest.fixture(autouse=True)
def sparkmagic_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sparkmagic reads ~/.sparkmagic/config.json: point it at an empty folder."""
    if HAVE_SPARKMAGIC:
        import sparkmagic.utils.configuration as conf

        monkeypatch.setattr(conf, "path", str(tmp_path_factory.getbasetemp() / "sparkmagic.json"))


@pytest.fixture(scope="module")
def ipython() -> InteractiveShell:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "glue_magics")
    return shell


@pytest.fixture(scope="module")
def standin(spark: Any) -> Iterator[LivyStandIn]:
    with LivyStandIn(spark, start_seconds=0.3) as server:
        yield server


@pytest.fixture
def shell(ipython: InteractiveShell) -> Iterator[InteractiveShell]:
    """The shell; any Livy session left by a test is deleted after it."""
    yield ipython
    if manager.livy is not None:
        manager.livy.stop()
        manager.livy = None
    manager.verbose_errors = False


@pytest.fixture
def livy_shell(shell: InteractiveShell, standin: LivyStandIn) -> InteractiveShell:
    shell.run_line_magic("session", f"--livy {standin.url}")
    assert manager.livy is not None
    return shell


def failing(
    shell: InteractiveShell, cell: str, capsys: pytest.CaptureFixture[str]
) -> tuple[BaseException, str]:
    capsys.readouterr()
    result = shell.run_cell(cell)
    assert result.error_in_exec is not None, f"{cell!r} should fail"
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, f"not one line: {err!r}"
    return result.error_in_exec, err


# -- without a server


def test_urls_and_settings_are_checked() -> None:
    assert parse_livy_url(" http://emr-master:8998/ ") == "http://emr-master:8998"
    assert (
        parse_livy_url("https://h/gateway/default/livy/v1") == "https://h/gateway/default/livy/v1"
    )
    for bad in ("emr-master:8998", "sc://h:15002", "http://", "http://h:99999"):
        with pytest.raises(InvalidInputError, match="Livy URL"):
            parse_livy_url(bad)
    assert redact_url("https://admin:s3cret@h:443/livy") == "https://admin:***@h:443/livy"
    assert parse_livy_conf(
        ["spark.executor.memory=2g", "numExecutors=3", "queue=etl", "jars=a.jar, b.jar"]
    ) == {
        "numExecutors": 3,
        "queue": "etl",
        "jars": ["a.jar", "b.jar"],
        "conf": {"spark.executor.memory": "2g"},
    }
    with pytest.raises(InvalidInputError, match="not a Livy session setting"):
        parse_livy_conf(["kind=spark"])
    with pytest.raises(InvalidInputError, match="whole number"):
        parse_livy_conf(["driverCores=many"])


def test_missing_sparkmagic_is_one_line(
    ipython: InteractiveShell, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [m for m in sys.modules if m == "sparkmagic" or m.startswith("sparkmagic.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "sparkmagic", None)  # import sparkmagic -> ImportError
    error, _ = failing(ipython, "%session --livy http://127.0.0.1:8998", capsys)
    assert isinstance(error, LivyError)
    assert str(error) == MISSING_SPARKMAGIC
    assert manager.livy is None


def test_livy_options_need_livy(
    ipython: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    error, _ = failing(ipython, "%session --livy-kind sql", capsys)
    assert "go with --livy" in str(error)
    error, _ = failing(ipython, "%session --livy ftp://h:1", capsys)
    assert isinstance(error, InvalidInputError)


@needs_sparkmagic
def test_unreachable_livy_fails_fast(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    began = time.monotonic()
    error, _ = failing(shell, f"%session --livy http://127.0.0.1:{port}", capsys)
    assert time.monotonic() - began < 10
    assert isinstance(error, LivyError)
    assert f"cannot reach Livy at http://127.0.0.1:{port}" in str(error)
    assert manager.livy is None


@needs_sparkmagic
def test_server_that_is_not_livy(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class NotLivy(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/slow"):
                time.sleep(3)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), NotLivy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        error, _ = failing(shell, f"%session --livy {url}", capsys)
        assert "is not a Livy server" in str(error) and "404" in str(error)
        monkeypatch.setattr(livy_module, "PROBE_TIMEOUT", 0.5)
        began = time.monotonic()
        error, _ = failing(shell, f"%session --livy {url}/slow", capsys)
        assert "no answer within 0.5 s" in str(error)
        assert time.monotonic() - began < 3
    finally:
        server.shutdown()
        server.server_close()


# -- through the stand-in


@needs_sparkmagic
def test_session_create_status_and_stop(
    shell: InteractiveShell, standin: LivyStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    result = shell.run_line_magic(
        "session",
        f"--livy {standin.url} --livy-conf spark.sql.shuffle.partitions=4 "
        "--livy-conf numExecutors=2 --livy-conf name=nightly",
    )
    assert manager.livy is not None
    session_id = manager.livy.session_id
    fields = dict(result.fields)
    assert fields["state"] == "idle"
    assert fields["Livy session"] == session_id
    assert fields["runs on"] == f"{standin.url} (Apache Livy)"
    body = standin.created[-1]
    assert body["kind"] == "pyspark"
    assert body["numExecutors"] == 2 and body["name"] == "nightly"
    assert body["conf"] == {"spark.sql.shuffle.partitions": "4"}
    assert ("GET", f"/sessions/{session_id}") in standin.requests  # polled until idle
    # sparkmagic's HTTP client got the adapter that puts a timeout on every request.
    http = manager.livy._session().http_client._http_client._session
    assert type(http.get_adapter(standin.url)).__name__ == "TimeoutAdapter"

    status = shell.run_line_magic("session", "")
    assert dict(status.fields)["Livy session"] == session_id
    conf = shell.run_line_magic("session", "conf")
    assert ["spark.sql.shuffle.partitions", "4"] in conf.rows

    error, _ = failing(shell, f"%session --livy {standin.url}", capsys)
    assert isinstance(error, SessionRunningError) and "`%session stop`" in str(error)
    error, _ = failing(shell, "%session --master local[2]", capsys)
    assert isinstance(error, SessionRunningError)

    stopped = shell.run_line_magic("session", "stop")
    assert stopped.text == f"deleted Livy session {session_id} on {standin.url}"
    assert session_id in standin.deleted
    assert ("DELETE", f"/sessions/{session_id}") in standin.requests
    assert manager.livy is None


@needs_sparkmagic
def test_sql_rows_limit_and_output_variable(
    livy_shell: InteractiveShell, standin: LivyStandIn, spark: Any
) -> None:
    shell = livy_shell
    query = "SELECT id, concat('row ', id) AS name, id * 1.5 AS x FROM range(5) ORDER BY id"
    result = shell.run_cell_magic("sql", "-o rows", query)
    assert isinstance(result, TableResult)
    assert result.columns == ["id", "name", "x"]
    assert result.rows[1] == [1, "row 1", 1.5]
    assert result.footer == "5 row(s)"
    frame = shell.user_ns["rows"]
    assert isinstance(frame, pd.DataFrame) and len(frame) == 5
    assert frame["name"].tolist() == [f"row {i}" for i in range(5)]

    limited = shell.run_cell_magic("sql", "--limit 2", query)
    assert len(limited.rows) == 2 and limited.footer == "first 2 rows; more with --limit"

    # Quotes and backslashes reach Spark as written (sparkmagic puts the query in a literal).
    tricky = 'SELECT \'say "hi"\' AS q, \'a\\\\b\' AS b, """x""" AS t'
    expected = spark.sql(tricky).toPandas().to_dict("records")
    assert shell.run_cell_magic("sql", "-o t", tricky).rows == [list(expected[0].values())]
    # The statements went to Livy, as PySpark code.
    assert manager.livy is not None
    codes = [st["code"] for st in standin.sessions[manager.livy.session_id].statements]
    assert any("toJSON" in code for code in codes)


@needs_sparkmagic
def test_sql_kind_sends_sql_statements(shell: InteractiveShell, standin: LivyStandIn) -> None:
    shell.run_line_magic("session", f"--livy {standin.url} --livy-kind sql")
    assert manager.livy is not None and manager.livy.kind == "sql"
    result = shell.run_cell_magic(
        "sql", "-o out --limit 3", "SELECT id, id % 2 = 0 AS even FROM range(10)"
    )
    assert result.columns == ["id", "even"]
    assert result.rows == [[0, True], [1, False], [2, True]]
    assert result.footer == "first 3 rows; more with --limit"
    assert len(shell.user_ns["out"]) == 3
    session = standin.sessions[manager.livy.session_id]
    assert session.statements[-1]["kind"] == "sql"
    assert session.statements[-1]["code"].startswith("SELECT id")
    assert shell.run_cell_magic("sql", "", "CREATE TEMPORARY VIEW livy_v AS SELECT 1 AS a") is None


@needs_sparkmagic
def test_spark_error_comes_back_as_one_line(
    livy_shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    error, err = failing(livy_shell, "%%sql\nSELECT * FROM no_such_table_here", capsys)
    assert isinstance(error, SparkQueryError)
    assert "TABLE_OR_VIEW_NOT_FOUND" in err and "no_such_table_here" in err
    error, _ = failing(livy_shell, "%%sql\nSELECT * FROM t WHERE a = {nope_var}", capsys)
    assert isinstance(error, InvalidInputError)
    livy_shell.user_ns["some_var"] = 1
    error, _ = failing(livy_shell, "%%sql\nSELECT :some_var", capsys)
    assert "not bound over Livy" in str(error)


@needs_sparkmagic
def test_etl_and_catalog_bridge_are_refused(
    livy_shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    import glue_magics

    livy_shell.run_line_magic("catalog", "create-database analytics")
    error, err = failing(livy_shell, "%%etl --target analytics.out\nSELECT 1 AS a", capsys)
    assert isinstance(error, NeedsSparkHereError)
    assert str(error) == NEEDS_SPARK_HERE
    assert "catalog writes" in err
    with pytest.raises(NeedsSparkHereError):
        glue_magics.table("analytics.out")


@needs_sparkmagic
def test_dead_session_is_one_line_and_stop_forgets_it(
    livy_shell: InteractiveShell, standin: LivyStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    assert manager.livy is not None
    session_id = manager.livy.session_id
    assert session_id is not None
    standin.kill(session_id)
    error, _ = failing(livy_shell, "%%sql\nSELECT 1", capsys)
    assert isinstance(error, LivyError) and "dead" in str(error)
    assert livy_shell.run_line_magic("session", "")  # status still answers
    livy_shell.run_line_magic("session", "stop")
    assert manager.livy is None


@needs_sparkmagic
def test_after_stop_sql_runs_in_the_kernel_again(livy_shell: InteractiveShell, spark: Any) -> None:
    livy_shell.run_line_magic("session", "stop")
    result = livy_shell.run_cell_magic("sql", "", "SELECT 41 + 1 AS answer")
    assert result.rows == [[42]]
