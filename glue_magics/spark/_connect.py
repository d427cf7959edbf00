"""Spark Connect: this process is a thin gRPC client; the driver runs in the server."""

from __future__ import annotations

import contextlib
import importlib
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from glue_magics.spark.errors import SparkSessionError
from glue_magics.spark.settings import remote_address

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# What `pip install pyspark[connect]` adds (module -> distribution).
CONNECT_MODULES = {
    "grpc": "grpcio",
    "grpc_status": "grpcio-status",
    "google.rpc.status_pb2": "googleapis-common-protos",
    "zstandard": "zstandard",
}


@dataclass
class ConnectRun:
    spark: SparkSession
    url: str
    app_id: str | None
    version: str
    not_applied: list[str]  # configuration keys the server kept (static, fixed at its start)


def require_connect_dependencies() -> None:
    for module, distribution in CONNECT_MODULES.items():
        try:
            importlib.import_module(module)
        except ImportError as err:
            import pyspark

            raise SparkSessionError(
                f"Spark Connect needs {distribution}, which is not installed: "
                f"pip install 'pyspark[connect]=={pyspark.__version__}'"
            ) from err


def start(url: str, conf: Mapping[str, str]) -> ConnectRun:
    require_connect_dependencies()
    from pyspark.sql.connect.client.retries import DefaultPolicy
    from pyspark.sql.connect.session import SparkSession as RemoteSparkSession

    # pyspark's functions (F.col, ...) build Connect columns only while this is set.
    os.environ["SPARK_CONNECT_MODE_ENABLED"] = "1"
    session: Any = None
    try:
        session = RemoteSparkSession.builder.remote(url).create()
        client = session.client
        policies = client.get_retry_policies()
        # Fail within seconds, not pyspark's 10 minutes of retries, if the port is not Connect.
        client.set_retry_policies([DefaultPolicy(max_retries=3, max_backoff=2000)])
        try:
            version = session.version
        finally:
            client.set_retry_policies(policies)
        not_applied = apply_conf(session, conf)
        app_id = None
        with contextlib.suppress(Exception):
            app_id = session.conf.get("spark.app.id")
    except BaseException:
        if session is not None:
            stop(session)
        else:
            os.environ.pop("SPARK_CONNECT_MODE_ENABLED", None)
        raise
    return ConnectRun(
        spark=cast("SparkSession", session),
        url=url,
        app_id=app_id,
        version=version,
        not_applied=not_applied,
    )


def apply_conf(session: Any, conf: Mapping[str, str]) -> list[str]:
    """Set ``conf`` on the server-side session; the keys it refused (static settings)."""
    refused: list[str] = []
    for key, value in conf.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                session.conf.set(key, value)
            except Exception:
                refused.append(key)
                continue
        if any("CANNOT_MODIFY_CONFIG" in str(w.message) for w in caught):
            refused.append(key)
    return refused


def problem(run: ConnectRun) -> str | None:
    """Why the session is unusable: closed, or its server gone (pyspark would retry for minutes)."""
    from glue_magics.spark._net import unreachable

    spark: Any = run.spark
    try:
        if spark.is_stopped:
            return "outside glue_magics"
    except Exception:
        return "client closed"
    host, port = remote_address(run.url)
    reason = unreachable(host, port, timeout=2.0)
    return f"server unreachable: {reason}" if reason else None


def stop(spark: Any, *, alive: bool = True) -> None:
    """Release the server-side session and close the channel (the server keeps running)."""
    from pyspark.sql.connect.client.retries import DefaultPolicy

    with contextlib.suppress(Exception):
        if alive:  # a few quick tries, not pyspark's minutes of retries
            spark.client.set_retry_policies([DefaultPolicy(max_retries=2, max_backoff=1000)])
        else:  # nothing to release on a server that is gone
            spark.release_session_on_close = False
    with contextlib.suppress(Exception):
        spark.stop()
    os.environ.pop("SPARK_CONNECT_MODE_ENABLED", None)
