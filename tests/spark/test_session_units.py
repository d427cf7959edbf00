"""The session manager's rules without a JVM: Java detection, URLs, defaults, and %session's bad input."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

import glue_magics.spark.session as session_module
from glue_magics.commands import CommandLineError
from glue_magics.errors import InvalidInputError
from glue_magics.spark import settings
from glue_magics.spark.errors import JavaNotFoundError, SparkSessionError
from glue_magics.spark.java import (
    check_java_output,
    find_java_executable,
    parse_java_version,
    require_java,
)
from glue_magics.spark.session import SessionManager

from .conftest import free_port, java_or_skip

# Real `java -version` outputs (stderr).
JAVA_8 = """openjdk version "1.8.0_392"
OpenJDK Runtime Environment (build 1.8.0_392-8u392-ga-1~deb11u1-b08)
OpenJDK 64-Bit Server VM (build 25.392-b08, mixed mode)"""
JAVA_8_ORACLE = """java version "1.8.0_301"
Java(TM) SE Runtime Environment (build 1.8.0_301-b09)
Java HotSpot(TM) 64-Bit Server VM (build 25.301-b09, mixed mode)"""
JAVA_11 = """openjdk version "11.0.21" 2023-10-17
OpenJDK Runtime Environment (build 11.0.21+9-post-Debian-1deb11u1)
OpenJDK 64-Bit Server VM (build 11.0.21+9-post-Debian-1deb11u1, mixed mode, sharing)"""
JAVA_17 = """openjdk version "17.0.15" 2025-04-15
OpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)
OpenJDK 64-Bit Server VM (build 17.0.15+6-Debian-1deb12u1, mixed mode, sharing)"""
JAVA_21 = """openjdk version "21.0.1" 2023-10-17 LTS
OpenJDK Runtime Environment Temurin-21.0.1+12 (build 21.0.1+12-LTS)
OpenJDK 64-Bit Server VM Temurin-21.0.1+12 (build 21.0.1+12-LTS, mixed mode, sharing)"""
JAVA_21_ORACLE = """java version "21" 2023-09-19
Java(TM) SE Runtime Environment (build 21+35-2513)"""
JAVA_EA = """openjdk version "25-ea" 2025-09-16
OpenJDK Runtime Environment (build 25-ea+3-188)"""
JAVA_21_LONG_FLAG = "openjdk 21.0.1 2023-10-17 LTS\nOpenJDK Runtime Environment"


# -- Java


@pytest.mark.parametrize(
    ("output", "major", "version"),
    [
        (JAVA_8, 8, "1.8.0_392"),
        (JAVA_8_ORACLE, 8, "1.8.0_301"),
        (JAVA_11, 11, "11.0.21"),
        (JAVA_17, 17, "17.0.15"),
        (JAVA_21, 21, "21.0.1"),
        (JAVA_21_ORACLE, 21, "21"),
        (JAVA_EA, 25, "25-ea"),
        (JAVA_21_LONG_FLAG, 21, "21.0.1"),
    ],
)
def test_java_version_parsing(output: str, major: int, version: str) -> None:
    assert parse_java_version(output) == (major, version)


def test_unreadable_java_version() -> None:
    assert parse_java_version("bash: java: command not found") is None
    with pytest.raises(JavaNotFoundError, match="could not read the version"):
        check_java_output("/opt/java", "Error: could not find libjava.so")


@pytest.mark.parametrize(("output", "major"), [(JAVA_8, 8), (JAVA_11, 11)])
def test_old_java_says_what_to_install(output: str, major: int) -> None:
    with pytest.raises(JavaNotFoundError) as err:
        check_java_output("/usr/bin/java", output)
    message = str(err.value)
    assert "\n" not in message
    assert f"found Java {major}" in message
    assert "apt-get install openjdk-17-jre-headless" in message
    assert "JAVA_HOME" in message


@pytest.mark.parametrize("output", [JAVA_17, JAVA_21, JAVA_EA])
def test_java_17_and_newer_are_accepted(output: str) -> None:
    assert check_java_output("/usr/bin/java", output).major >= 17


def test_missing_java() -> None:
    with pytest.raises(JavaNotFoundError, match=r"none was found.*apt-get install openjdk-17"):
        find_java_executable({"PATH": "/nonexistent"})
    with pytest.raises(JavaNotFoundError, match="JAVA_HOME=/nope has no bin/java"):
        find_java_executable({"JAVA_HOME": "/nope", "PATH": os.environ["PATH"]})


def fake_java_home(root: Path, stderr: str) -> Path:
    """A JAVA_HOME whose bin/java prints ``stderr`` like `java -version` does."""
    java = root / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text("#!/bin/sh\ncat >&2 <<'EOF'\n" + stderr + "\nEOF\n")
    java.chmod(java.stat().st_mode | stat.S_IXUSR)
    return root


def test_java_home_is_preferred_and_checked(tmp_path: Path) -> None:
    home = fake_java_home(tmp_path / "jdk11", JAVA_11)
    with pytest.raises(JavaNotFoundError, match="found Java 11"):
        require_java({"JAVA_HOME": str(home), "PATH": os.environ["PATH"]})
    home21 = fake_java_home(tmp_path / "jdk21", JAVA_21)
    info = require_java({"JAVA_HOME": str(home21)})
    assert (info.major, info.executable) == (21, str(home21 / "bin" / "java"))


def test_session_start_with_old_java_is_one_line_and_starts_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAVA_HOME", str(fake_java_home(tmp_path / "jdk8", JAVA_8)))
    manager = SessionManager()
    manager.use_master("local[1]")
    with pytest.raises(JavaNotFoundError) as err:
        manager.session()
    assert "\n" not in str(err.value) and "openjdk-17-jre-headless" in str(err.value)
    assert manager.status().state == "not started"


# -- URLs and settings


@pytest.mark.parametrize(
    "url", ["local", "local[1]", "local[*]", "local[4,2]", "spark://127.0.0.1:7077",
            "spark://a.example.com:7077,b.example.com:7078", "spark://[::1]:7077"],
)  # fmt: skip
def test_valid_masters(url: str) -> None:
    assert settings.parse_master(f"  {url} ") == url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("yarn", "unsupported Spark master 'yarn'"),
        ("local[0]", "unsupported Spark master"),
        ("local[x]", "unsupported Spark master"),
        ("spark://", "needs HOST:PORT"),
        ("spark://host", "needs a port"),
        ("spark://host:99999", "bad port"),
        ("spark://host:", "bad port"),
        ("http://host:7077", "unsupported Spark master"),
        ("sc://host:15002", "is a Spark Connect URL: use --remote"),
        ("", "unsupported Spark master"),
    ],
)
def test_bad_masters(url: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message.replace("[", r"\[")):
        settings.parse_master(url)


@pytest.mark.parametrize(
    "url",
    ["sc://localhost", "sc://127.0.0.1:15002", "sc://h:1/;token=abc;use_ssl=true", "sc://[::1]:1"],
)
def test_valid_remotes(url: str) -> None:
    assert settings.parse_remote(url) == url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("spark://h:7077", "starts with sc://.*goes to --master"),
        ("grpc://h:1", "starts with sc://"),
        ("sc://", "bad host"),
        ("sc://h:0", "bad port"),
        ("sc://h:1/token=x", "parameters go after '/;'"),
        ("sc://h:1/;token", "is not KEY=VALUE"),
    ],
)
def test_bad_remotes(url: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        settings.parse_remote(url)


def test_tokens_are_hidden() -> None:
    assert settings.redact_url("sc://h:1/;token=s3cret;x=1") == "sc://h:1/;token=***;x=1"
    assert settings.remote_address("sc://h/;token=s") == ("h", 15002)


def test_driver_memory_rule() -> None:
    gib = settings.GIB
    assert settings.default_driver_memory(None) == "1g"
    assert settings.default_driver_memory(2 * gib) == "1g"  # floor of 1g
    assert settings.default_driver_memory(24 * gib) == "6g"  # a quarter
    assert settings.default_driver_memory(23 * gib + 512 * 1024**2) == "5g"  # whole GiB, down
    assert settings.default_driver_memory(256 * gib) == "8g"  # cap


def test_defaults_for_local_cluster_and_connect(tmp_path: Path) -> None:
    local = settings.default_conf(
        settings.Target(master="local[*]"), warehouse=tmp_path, environ={}, cpu_count=2,
        memory_bytes=16 * settings.GIB,
    )  # fmt: skip
    jars = local.pop("spark.jars", None)  # the system's JDBC drivers, where installed
    assert jars == (",".join(j for j in settings.JDBC_JARS if Path(j).is_file()) or None)
    assert local == {
        "spark.app.name": "glue_magics",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.memory": "4g",
        "spark.sql.catalogImplementation": "in-memory",
        "spark.sql.shuffle.partitions": "4",
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
        "spark.sql.warehouse.dir": str(tmp_path),
        "spark.ui.showConsoleProgress": "false",
    }
    remote_cluster = settings.default_conf(
        settings.Target(master="spark://10.0.0.5:7077"), warehouse=None,
        environ={"PYSPARK_SUBMIT_ARGS": "--driver-memory 3g pyspark-shell"},
    )  # fmt: skip
    # Executors elsewhere must reach the driver: no loopback; the cluster's cores are unknown.
    assert not {"spark.driver.host", "spark.sql.shuffle.partitions", "spark.driver.memory"} & set(
        remote_cluster
    )
    loopback_cluster = settings.default_conf(
        settings.Target(master="spark://127.0.0.1:7077"), warehouse=None, environ={}
    )
    assert loopback_cluster["spark.driver.host"] == "127.0.0.1"
    connect = settings.default_conf(
        settings.Target(remote="sc://h:1"), warehouse=tmp_path, environ={}
    )
    assert connect == {"spark.sql.sources.partitionOverwriteMode": "dynamic"}


def test_default_target_from_environment() -> None:
    assert settings.default_target({}).master == "local[*]"
    assert settings.default_target({"GLUE_MAGICS_SPARK_MASTER": "local[3]"}).master == "local[3]"
    assert settings.default_target({"SPARK_REMOTE": "sc://h:1"}).remote == "sc://h:1"
    both = {"GLUE_MAGICS_SPARK_MASTER": "local[3]", "GLUE_MAGICS_SPARK_REMOTE": "sc://h:2"}
    assert settings.default_target(both).remote == "sc://h:2"


def test_bad_master_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLUE_MAGICS_SPARK_MASTER", "yarn")
    with pytest.raises(InvalidInputError, match=r"check \$GLUE_MAGICS_SPARK_REMOTE"):
        SessionManager().status()


@pytest.mark.parametrize(
    ("conf", "message"),
    [
        ({"sql.shuffle.partitions": "8"}, "keys look like spark.some.key"),
        ({"spark.master": "local"}, "use `%session --master URL`"),
        ({"spark.remote": "sc://h"}, "use `%session --remote"),
        ({"spark.executor.memory": " "}, "needs a value"),
        ({"spark.x": ["a"]}, "must be text"),
    ],
)
def test_bad_configuration(conf: dict[str, Any], message: str) -> None:
    manager = SessionManager()
    with pytest.raises(InvalidInputError, match=message):
        manager.configure(**conf)
    assert manager.conf == {}


def test_configuration_values_become_text() -> None:
    manager = SessionManager()
    manager.configure(**{"spark.a": 3, "spark.b": True, "spark.c": " x "})  # type: ignore[arg-type]
    assert manager.conf == {"spark.a": "3", "spark.b": "true", "spark.c": "x"}
    manager.unconfigure("spark.a")
    assert "spark.a" not in manager.planned_conf() and manager.planned_conf()["spark.b"] == "true"


@pytest.mark.parametrize("minutes", [0, -1, float("nan"), float("inf"), True, "5"])
def test_bad_idle_timeout(minutes: Any) -> None:
    manager = SessionManager()
    manager.set_idle_timeout(10)
    with pytest.raises(InvalidInputError, match="minutes above 0"):
        manager.set_idle_timeout(minutes)
    assert manager.idle_timeout == 10


def test_unreachable_targets_fail_fast_in_one_line() -> None:
    port = free_port()  # nothing listens there
    manager = SessionManager()
    manager.use_remote(f"sc://127.0.0.1:{port}/;token=s3cret")
    with pytest.raises(SparkSessionError) as err:
        manager.session()
    assert str(err.value) == (
        f"cannot reach the Spark Connect server at sc://127.0.0.1:{port}/;token=*** "
        "(connection refused): is it running?"
    )
    assert "SPARK_CONNECT_MODE_ENABLED" not in os.environ
    manager.use_master(f"spark://127.0.0.1:{port}")
    with pytest.raises(SparkSessionError, match="cannot reach the Spark master"):
        manager.session()
    assert manager.status().state == "not started"


@pytest.mark.spark_session_late(order=3)  # needs no SparkContext running in this process
def test_a_jvm_that_cannot_start_is_one_line_and_leaves_nothing(
    capfd: pytest.CaptureFixture[str],
) -> None:
    import psutil
    from pyspark import SparkContext

    if SparkContext._active_spark_context is not None:
        pytest.skip("a SparkContext runs in this process: a new start would reuse it")

    def java_children() -> set[int]:
        return {p.pid for p in psutil.Process().children(recursive=True) if p.name() == "java"}

    java_or_skip()
    before = java_children()  # the shared session's JVM, if another test started it
    manager = SessionManager()
    manager.use_master("local[1]")
    manager.configure(**{"spark.driver.memory": "lots"})
    with pytest.raises(SparkSessionError) as err:
        manager.session()
    assert str(err.value) == (
        "could not start Spark on local[1]: the JVM exited while starting (its own error is "
        "printed above; check the start settings with `%session conf`)"
    )
    assert "Invalid maximum heap size: -Xmxlots" in capfd.readouterr().err  # the JVM's own
    assert manager.status().state == "not started"
    assert java_children() == before


def test_missing_connect_dependencies(monkeypatch: pytest.MonkeyPatch) -> None:
    manager = SessionManager()
    monkeypatch.setenv("GLUE_MAGICS_SPARK_REMOTE", "sc://127.0.0.1:1")
    monkeypatch.setitem(sys.modules, "grpc", None)  # `import grpc` fails
    message = r"needs grpcio, which is not installed: pip install 'pyspark\[connect\]==4\.3\.0'"
    with pytest.raises(SparkSessionError, match=message):
        manager.use_remote("sc://127.0.0.1:1")
    assert manager.status().url == "sc://127.0.0.1:1"  # from the environment; nothing set
    with pytest.raises(SparkSessionError, match=message):
        manager.session()


def test_importing_the_package_imports_no_pyspark() -> None:
    code = (
        "import sys, glue_magics.spark, glue_magics.magics.session, glue_magics.commands.session; "
        "print([m for m in ('pyspark', 'py4j', 'pandas') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- %session without a session (a private manager stands in for the kernel's)


@pytest.fixture(scope="module")
def ipython() -> InteractiveShell:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "glue_magics")
    return shell


@pytest.fixture
def private_manager(monkeypatch: pytest.MonkeyPatch) -> Iterator[SessionManager]:
    manager = SessionManager()
    monkeypatch.setattr(session_module, "manager", manager)
    yield manager


def snapshot(manager: SessionManager) -> tuple[Any, ...]:
    status = manager.status()
    return (
        status.state,
        status.url,
        manager.conf,
        manager.idle_timeout,
        manager.verbose_errors,
        status.app_id,
    )


def fails(
    shell: InteractiveShell, line: str, capsys: pytest.CaptureFixture[str]
) -> tuple[BaseException, str]:
    capsys.readouterr()
    result = shell.run_cell(f"%session {line}")
    assert result.error_in_exec is not None, f"%session {line} should fail"
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    return result.error_in_exec, err


@pytest.mark.parametrize(
    ("line", "error", "message"),
    [
        ("bogus", CommandLineError, "invalid choice: 'bogus'"),
        ("conf spark.sql.shuffle.partitions", InvalidInputError, "is not KEY=VALUE"),
        ("conf =1", InvalidInputError, "keys look like spark.some.key"),
        ("conf spark.master=local", InvalidInputError, "%session --master URL"),
        ("--master yarn", InvalidInputError, "unsupported Spark master 'yarn'"),
        ("--master sc://h:1", InvalidInputError, "use --remote sc://h:1"),
        ("--remote spark://h:7077", InvalidInputError, "starts with sc://"),
        ("--remote sc://h:port", InvalidInputError, "bad port"),
        ("--master local --remote sc://h:1", CommandLineError, "not allowed with argument"),
        ("--idle-timeout -5", InvalidInputError, "minutes above 0"),
        ("--idle-timeout soon", InvalidInputError, "minutes above 0"),
        ("--verbose-errors maybe", CommandLineError, "invalid choice: 'maybe'"),
        ("stop spark.a=1", InvalidInputError, "takes no KEY=VALUE"),
        ("status spark.a=1", InvalidInputError, "takes no KEY=VALUE"),
        ("-o 1x", InvalidInputError, "-o needs a Python variable name"),
        ("conf 'spark.a=1", CommandLineError, "No closing quotation"),
        # a good option with a bad one: the good one must not be applied either
        ("--idle-timeout 5 --master yarn", InvalidInputError, "unsupported Spark master"),
        ("conf spark.a=1 spark.b", InvalidInputError, "'spark.b' is not KEY=VALUE"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    ipython: InteractiveShell,
    private_manager: SessionManager,
    capsys: pytest.CaptureFixture[str],
    line: str,
    error: type[BaseException],
    message: str,
) -> None:
    before = snapshot(private_manager)
    exc, err = fails(ipython, line, capsys)
    assert isinstance(exc, error)
    assert message in str(exc)
    assert err.startswith(f"{type(exc).__name__}: ")
    assert snapshot(private_manager) == before


def test_settings_before_start(ipython: InteractiveShell, private_manager: SessionManager) -> None:
    result = ipython.run_line_magic(
        "session", "conf spark.sql.shuffle.partitions=8 spark.executor.memory=512m"
    )
    assert str(result) == (
        "set spark.sql.shuffle.partitions=8, spark.executor.memory=512m for the next start"
    )
    result = ipython.run_line_magic("session", "--master local[3] --idle-timeout 30")
    assert str(result) == "the next session runs on local[3]; idle timeout: 30 min"
    ipython.run_line_magic("session", "--verbose-errors on")
    assert private_manager.verbose_errors is True
    table = ipython.run_line_magic("session", "conf -o session_conf")
    conf = {row[0]: (row[1], row[2]) for row in table.rows}
    assert conf["spark.sql.shuffle.partitions"] == ("8", "%session conf")
    assert conf["spark.app.name"] == ("glue_magics", "glue_magics default")
    assert list(ipython.user_ns["session_conf"].columns) == ["key", "value", "set by"]
    status = ipython.run_line_magic("session", "")
    fields = dict(status.fields)
    assert fields["state"] == "not started"
    assert fields["runs on"] == "local[3] (local)"
    assert fields["idle timeout"] == "30 min"
    assert fields["verbose errors"] == "on"
    assert status.to_json()["state"] == "not started"
    assert "<table>" in status._repr_html_()
    assert str(ipython.run_line_magic("session", "--idle-timeout off")) == "idle timeout: off"
    assert private_manager.idle_timeout is None
    remote = ipython.run_line_magic("session", "--remote sc://127.0.0.1:15002/;token=abc")
    assert str(remote) == "the next session connects to sc://127.0.0.1:15002/;token=***"
    assert dict(ipython.run_line_magic("session", "").fields)["runs on"] == (
        "sc://127.0.0.1:15002/;token=*** (Spark Connect)"
    )
    assert str(ipython.run_line_magic("session", "stop")) == "no Spark session was running"


def test_secrets_are_not_shown(ipython: InteractiveShell, private_manager: SessionManager) -> None:
    key = "spark.hadoop.fs.s3a.secret.key"
    result = ipython.run_line_magic("session", f"conf {key}=s3cret spark.a=1")
    assert str(result) == f"set {key}=*** (hidden), spark.a=1 for the next start"
    assert private_manager.conf[key] == "s3cret"  # kept, for the start
    status = ipython.run_line_magic("session", "")
    assert "s3cret" not in str(status) and "s3cret" not in str(status.to_json())
    assert private_manager.status().config[key] == "*** (hidden)"


def test_help(ipython: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    assert ipython.run_line_magic("session", "--help") is None
    out = capsys.readouterr().out
    assert out.startswith("usage: %session [SUBCOMMAND]")
    assert "--idle-timeout MIN" in out and "restart" in out
