"""Classic Spark: this Python process runs the driver in a JVM child started by pyspark.

Unlike ``SparkSession.stop()``, which leaves pyspark's JVM running for the next context, a stop here
ends the JVM too, so the next start reads JVM settings (driver memory, Java options) afresh.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from glue_magics.spark.settings import is_loopback

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

JVM_EXIT_TIMEOUT = 30.0

# SIGINT handler from before the first start; pyspark replaces it with one that cancels jobs.
_original_sigint: Any = None


@dataclass
class ClassicRun:
    spark: SparkSession
    master: str  # as running (an adopted context may differ from what was asked)
    proc: subprocess.Popen[bytes] | None  # None: the JVM is not ours (PYSPARK_GATEWAY_PORT)
    driver_pid: int | None
    app_id: str | None
    version: str
    ui_url: str | None
    adopted: bool  # a SparkContext was already running in this process


@contextlib.contextmanager
def _environment(overrides: Mapping[str, str]) -> Iterator[None]:
    """Set variables the JVM child inherits for the launch only; the user's own values win."""
    added = [k for k in overrides if k not in os.environ]
    for key in added:
        os.environ[key] = overrides[key]
    try:
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)


def launch_environment(master: str) -> dict[str, str]:
    env: dict[str, str] = {}
    if is_loopback(master):
        # Binds the driver, its block manager and the UI to loopback (there is no spark.ui.host:
        # the UI binds to $SPARK_LOCAL_IP, else to every interface).
        env["SPARK_LOCAL_IP"] = "127.0.0.1"
        # Python workers on this machine run this interpreter, not whatever `python3` is on PATH.
        env["PYSPARK_PYTHON"] = sys.executable
    return env


def start(master: str, conf: Mapping[str, str]) -> ClassicRun:
    """Start (or adopt) the process's SparkContext and return its session."""
    global _original_sigint
    from pyspark import SparkConf
    from pyspark.core.context import SparkContext
    from pyspark.sql import SparkSession

    # A Spark Connect session earlier in this process leaves pyspark in Connect mode.
    os.environ.pop("SPARK_CONNECT_MODE_ENABLED", None)
    on_main_thread = threading.current_thread() is threading.main_thread()
    if on_main_thread and _original_sigint is None:
        _original_sigint = signal.getsignal(signal.SIGINT)
    adopted = SparkContext._active_spark_context is not None
    spark_conf = SparkConf(loadDefaults=False).setMaster(master).setAll(list(conf.items()))
    try:
        with _environment(launch_environment(master)):
            sc = SparkContext.getOrCreate(spark_conf)
    except BaseException:
        if not adopted:  # end the JVM launched for this attempt, so the next one starts clean
            _end_gateway()
        raise
    try:
        session = SparkSession._instantiatedSession
        if session is None or session._sc is not sc or sc._jsc is None:
            session = SparkSession(sc)
        sc.setLogLevel("WARN")
        _quiet_accumulator_server(sc)
        proc = getattr(SparkContext._gateway, "proc", None)
        return ClassicRun(
            spark=session,
            master=sc.master or master,
            proc=proc,
            driver_pid=_jvm_pid(sc, proc),
            app_id=sc.applicationId,
            version=sc.version,
            ui_url=sc.uiWebUrl,
            adopted=adopted,
        )
    except BaseException:
        stop(session_or_context=sc, proc=getattr(SparkContext._gateway, "proc", None), alive=True)
        raise


def _jvm_pid(sc: Any, proc: subprocess.Popen[bytes] | None) -> int | None:
    try:
        return int(sc._jvm.java.lang.ProcessHandle.current().pid())
    except Exception:
        return proc.pid if proc is not None else None


def problem(run: ClassicRun) -> str | None:
    """Why the session is unusable (None when it is fine). One cheap call into the JVM."""
    if run.proc is not None and run.proc.poll() is not None:
        return "JVM exited"
    sc = run.spark.sparkContext
    jsc = getattr(sc, "_jsc", None)
    if jsc is None:
        return "outside glue_magics"
    try:
        stopped = bool(jsc.sc().isStopped())
    except Exception:
        if run.proc is not None and run.proc.poll() is not None:
            return "JVM exited"
        return "JVM not responding"
    return "outside glue_magics" if stopped else None


def busy(run: ClassicRun) -> bool:
    """True while Spark jobs run (the idle timer must not stop a long query)."""
    try:
        return bool(run.spark.sparkContext.statusTracker().getActiveJobsIds())
    except Exception:
        return False


def stop(
    session_or_context: Any, proc: subprocess.Popen[bytes] | None, *, alive: bool = True
) -> None:
    """Stop the SparkContext and end its JVM; works when the JVM is already dead (alive=False)."""
    from pyspark.core.context import SparkContext
    from pyspark.sql import SparkSession
    from pyspark.sql.context import SQLContext

    sc = getattr(session_or_context, "sparkContext", session_or_context)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if alive and getattr(sc, "_jsc", None) is not None:
            with contextlib.suppress(Exception):
                sc._jsc.stop()
        sc._jsc = None
        accumulators = getattr(sc, "_accumulatorServer", None)
        if accumulators is not None:
            with contextlib.suppress(Exception):
                accumulators.shutdown()
            sc._accumulatorServer = None
    with SparkContext._lock:
        if SparkContext._active_spark_context is sc:
            SparkContext._active_spark_context = None
        gateway = SparkContext._gateway
        if proc is not None:  # our JVM: forget its gateway so the next start launches a new one
            SparkContext._gateway = None
            SparkContext._jvm = None
    SparkSession._instantiatedSession = None
    SparkSession._activeSession = None
    SQLContext._instantiatedContext = None
    if proc is not None:
        _end_process(proc)
        if gateway is not None:
            _forget_gateway(gateway)
    if threading.current_thread() is threading.main_thread() and _original_sigint is not None:
        with contextlib.suppress(Exception):
            signal.signal(signal.SIGINT, _original_sigint)


def _end_gateway() -> None:
    from pyspark.core.context import SparkContext

    with SparkContext._lock:
        gateway, SparkContext._gateway, SparkContext._jvm = SparkContext._gateway, None, None
    proc = getattr(gateway, "proc", None)
    if proc is not None:
        _end_process(proc)
    if gateway is not None:
        _forget_gateway(gateway)


def _quiet_accumulator_server(sc: Any) -> None:
    """No socketserver traceback on stderr when the JVM dies (we report that in one line)."""
    server = getattr(sc, "_accumulatorServer", None)
    if server is None:
        return
    report = server.handle_error

    def handle_error(request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], (EOFError, ConnectionError)):
            report(request, client_address)

    server.handle_error = handle_error


def _forget_gateway(gateway: Any) -> None:
    """Release the Python side of a Py4J gateway whose JVM has exited (threads, sockets)."""
    from py4j.clientserver import SHUTDOWN_FINALIZER_WORKER

    client = getattr(gateway, "_gateway_client", None)
    if client is not None:
        client.is_connected = False  # finalizers of old Java objects stop calling the dead JVM
        finalizers = getattr(client, "finalizer_deque", None)
        if finalizers is not None:
            finalizers.appendleft(SHUTDOWN_FINALIZER_WORKER)
        with contextlib.suppress(Exception):
            client.close()
    with contextlib.suppress(Exception):
        gateway.shutdown_callback_server()


def _end_process(proc: subprocess.Popen[bytes]) -> None:
    # pyspark's JVM exits when its stdin closes (it watches for the Python driver going away).
    if proc.stdin is not None:
        with contextlib.suppress(Exception):
            proc.stdin.close()
    try:
        proc.wait(timeout=JVM_EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=JVM_EXIT_TIMEOUT)
