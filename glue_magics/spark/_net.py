"""A quick TCP check, so an unreachable master or server fails in seconds instead of retrying."""

from __future__ import annotations

import socket

from glue_magics.spark.errors import SparkSessionError
from glue_magics.spark.settings import Target, master_addresses, remote_address


def unreachable(host: str, port: int, timeout: float = 5.0) -> str | None:
    """None if host:port accepts a TCP connection, else the reason (e.g. 'connection refused')."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except ConnectionRefusedError:
        return "connection refused"
    except OSError as err:
        return err.strerror or str(err)


def check_reachable(target: Target, timeout: float = 5.0) -> None:
    """Raise a one-line SparkSessionError if a Connect server or cluster master does not answer."""
    if target.remote:
        host, port = remote_address(target.remote)
        reason = unreachable(host, port, timeout)
        if reason:
            raise SparkSessionError(
                f"cannot reach the Spark Connect server at {target.url} ({reason}): is it running?"
            )
        return
    addresses = master_addresses(target.master or "")
    reasons: list[str] = []
    for host, port in addresses:
        reason = unreachable(host, port, timeout)
        if reason is None:
            return
        reasons.append(reason if len(addresses) == 1 else f"{host}:{port} {reason}")
    if reasons:
        raise SparkSessionError(
            f"cannot reach the Spark master at {target.master} ({'; '.join(reasons)}): "
            "is it running?"
        )
