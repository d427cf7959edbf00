"""Spark through Apache Livy (EMR, HDInsight, ...): ``%session --livy http://HOST:8998``.

A Livy session is a Spark driver on the cluster, not in the kernel: ``%%sql`` sends its query there
and shows the rows Livy returns. Nothing that needs Spark inside the kernel works with it
(``%%etl``, the catalog bridge, ``glue_magics.table``): catalog writes need a local, cluster or
Connect session. The HTTP side is sparkmagic's Livy client (the optional extra
``glue_magics[livy]``), imported only when a Livy session is asked for.

Kinds: ``pyspark`` (default) runs each query through sparkmagic's ``SQLQuery`` in a PySpark
session; ``sql`` sends the query as a Livy ``sql`` statement (Livy 0.5+ takes a kind per
statement) and reads the JSON table Livy answers with. Both create a ``pyspark`` session, the
kind sparkmagic's session client knows.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from glue_magics.errors import GlueMagicsError, InvalidInputError
from glue_magics.spark.errors import SessionRunningError, SparkSessionError

if TYPE_CHECKING:
    from glue_magics.display import Result
    from glue_magics.spark.session import SessionManager
    from glue_magics.spark.sql import QueryResult

MISSING_SPARKMAGIC = "Livy needs sparkmagic: pip install 'glue_magics[livy]'"
NEEDS_SPARK_HERE = (
    "a Livy session is active: %%etl, catalog tables and Spark DataFrames in the kernel need a "
    "local, cluster or Connect session, because catalog writes cannot go through Livy "
    "(`%session stop` ends the Livy session)"
)
KINDS = ("pyspark", "sql")
DEFAULT_KIND = "pyspark"
SESSION_NAME = "glue_magics"

PROBE_TIMEOUT = 5.0  # seconds for the first GET /sessions
HTTP_TIMEOUT = (5.0, 60.0)  # connect, read: every request of sparkmagic's client
FINAL_STATEMENT_STATES = ("available", "error", "cancelled")

# Fields of Livy's POST /sessions that --livy-conf sets, and how a value is read; spark.* keys go
# to its "conf" map.
SESSION_FIELDS: dict[str, Callable[[str], Any]] = {
    "name": str,
    "proxyUser": str,
    "queue": str,
    "driverMemory": str,
    "driverCores": int,
    "executorMemory": str,
    "executorCores": int,
    "numExecutors": int,
    "jars": lambda v: [p.strip() for p in v.split(",") if p.strip()],
    "pyFiles": lambda v: [p.strip() for p in v.split(",") if p.strip()],
    "files": lambda v: [p.strip() for p in v.split(",") if p.strip()],
    "archives": lambda v: [p.strip() for p in v.split(",") if p.strip()],
}

# Over sparkmagic's own defaults (a config file of the user's wins over these): log nothing
# (its logger would reconfigure the kernel's logging and write to ~/.sparkmagic), keep the types
# of the rows as Spark sent them, delete the session at exit, and bound every HTTP request in time.
_SPARKMAGIC_DEFAULTS: dict[str, Any] = {
    "logging_config": {
        "version": 1,
        "incremental": True,
        "loggers": {"magicsLogger": {"level": "CRITICAL", "propagate": False}},
    },
    "coerce_dataframe": False,
    "cleanup_all_sessions_on_exit": True,  # delete the Livy session when the kernel exits
    # No heartbeat thread: stopping it waits out its sleep. Livy's own idle timeout ends the
    # session of a kernel that was killed.
    "livy_server_heartbeat_timeout_seconds": 0,
    "http_session_config": {
        "adapters": [
            {"prefix": "http://", "adapter": f"{__name__}.TimeoutAdapter"},
            {"prefix": "https://", "adapter": f"{__name__}.TimeoutAdapter"},
        ]
    },
}


class LivyError(SparkSessionError):
    """Livy could not be reached, or refused or failed a request."""


class NeedsSparkHereError(SparkSessionError):
    """A feature that needs the kernel's own Spark session was used while Livy is active."""


# -- sparkmagic


def require_sparkmagic() -> None:
    """A one-line error if sparkmagic (the ``livy`` extra) is not installed."""
    try:
        import sparkmagic.livyclientlib.sparkcontroller  # noqa: F401
    except ImportError:
        raise LivyError(MISSING_SPARKMAGIC) from None


def _configure_sparkmagic() -> None:
    """Apply glue_magics' defaults before sparkmagic reads its configuration (once)."""
    import sparkmagic.utils.configuration as conf

    if conf.d:  # loaded already (by us, or by sparkmagic's own magics): add what is missing
        for key, value in _SPARKMAGIC_DEFAULTS.items():
            if key not in conf.d:
                conf.override(key, value)
        return
    # sparkmagic would create an empty ~/.sparkmagic/config.json; read the user's file if any.
    path = os.path.expanduser(conf.path)
    user: dict[str, Any] = {}
    if os.path.isfile(path):
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read().strip()
            user = json.loads(text) if text else {}
        except (OSError, ValueError) as err:
            raise LivyError(f"cannot read sparkmagic's configuration {path}: {err}") from None
    conf.override_all({**_SPARKMAGIC_DEFAULTS, **user})


def _timeout_adapter() -> type:
    from requests.adapters import HTTPAdapter

    class TimeoutAdapter(HTTPAdapter):
        """requests' adapter with a default timeout: sparkmagic's client sets none."""

        def send(
            self,
            request: Any,
            stream: bool = False,
            timeout: Any = None,
            verify: Any = True,
            cert: Any = None,
            proxies: Any = None,
        ) -> Any:
            return super().send(request, stream, timeout or HTTP_TIMEOUT, verify, cert, proxies)

    return TimeoutAdapter


def __getattr__(name: str) -> Any:
    # sparkmagic loads its HTTP adapters by dotted name; requests is imported only then.
    if name == "TimeoutAdapter":
        adapter = _timeout_adapter()
        globals()[name] = adapter
        return adapter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Display:
    """What sparkmagic's client writes to: its banners and widgets are dropped, problems warned."""

    def __init__(self, warn: Callable[[str], None]) -> None:
        self._warn = warn

    def display(self, *args: Any, **kwargs: Any) -> None:
        pass

    def html(self, *args: Any, **kwargs: Any) -> None:
        pass

    def write(self, text: str) -> None:
        pass

    def writeln(self, text: str) -> None:
        pass

    def stdout_flush(self) -> None:
        pass

    def stderr_flush(self) -> None:
        pass

    def send_error(self, text: str) -> None:
        self._warn(_first_line(text))


# -- input


def parse_livy_url(url: str) -> str:
    """A validated Livy endpoint: http(s)://HOST[:PORT][/PATH], without a trailing slash."""
    text = url.strip()
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInputError(
            f"a Livy URL is http(s)://HOST:PORT, got {redact_url(text)!r}: e.g. http://127.0.0.1:8998"
        )
    try:
        parts.port  # noqa: B018 (validates it)
    except ValueError:
        raise InvalidInputError(f"Livy URL {redact_url(text)!r}: bad port (1-65535)") from None
    if parts.query or parts.fragment:
        raise InvalidInputError(f"Livy URL {redact_url(text)!r}: no ?query or #fragment, please")
    return text.rstrip("/")


def redact_url(url: str) -> str:
    """The URL with the password of http://USER:PASSWORD@HOST hidden."""
    return re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", url)


def parse_livy_conf(items: list[str]) -> dict[str, Any]:
    """['spark.executor.memory=2g', 'numExecutors=4'] -> Livy's session fields and "conf" map."""
    fields: dict[str, Any] = {}
    spark_conf: dict[str, str] = {}
    allowed = ", ".join(SESSION_FIELDS)
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InvalidInputError(
                f"--livy-conf {item!r} is not KEY=VALUE, e.g. spark.executor.memory=2g"
            )
        if key.startswith("spark."):
            spark_conf[key] = value
        elif key in SESSION_FIELDS:
            try:
                fields[key] = SESSION_FIELDS[key](value)
            except ValueError:
                raise InvalidInputError(
                    f"--livy-conf {key} takes a whole number, got {value!r}"
                ) from None
        else:
            raise InvalidInputError(
                f"--livy-conf {key}: not a Livy session setting; use spark.* keys or one of {allowed}"
            )
    if spark_conf:
        fields["conf"] = spark_conf
    return fields


def _first_line(text: str, limit: int = 300) -> str:
    line = next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 3] + "..."


def probe(url: str, timeout: float | None = None) -> None:
    """A one-line error unless ``url`` answers GET /sessions like Livy, within ``timeout``."""
    timeout = PROBE_TIMEOUT if timeout is None else timeout
    shown = redact_url(url)
    request = urllib.request.Request(f"{url}/sessions", headers={"Accept": "application/json"})
    parts = urllib.parse.urlsplit(url)
    if parts.username:  # urllib does not take credentials from the URL
        import base64

        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        request = urllib.request.Request(
            urllib.parse.urlunsplit(parts._replace(netloc=netloc)) + "/sessions",
            headers={"Accept": "application/json"},
        )
        token = (
            f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
        )
        request.add_header("Authorization", "Basic " + base64.b64encode(token.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = json.loads(response.read() or b"null")
    except urllib.error.HTTPError as err:
        raise LivyError(
            f"{shown} is not a Livy server that lets us in: GET /sessions answered {err.code} {err.reason}"
        ) from None
    except urllib.error.URLError as err:
        reason = err.reason
        text = getattr(reason, "strerror", None) or str(reason)
        if isinstance(reason, TimeoutError):
            text = f"no answer within {timeout:g} s"
        raise LivyError(f"cannot reach Livy at {shown} ({text}): is it running?") from None
    except TimeoutError:
        raise LivyError(
            f"cannot reach Livy at {shown} (no answer within {timeout:g} s): is it running?"
        ) from None
    except (OSError, ValueError) as err:
        raise LivyError(f"cannot reach Livy at {shown} ({_first_line(str(err))})") from None
    if not isinstance(body, dict) or "sessions" not in body:
        raise LivyError(f"{shown} does not answer like Livy (GET /sessions has no session list)")


# -- the session


class LivyConnection:
    """One Livy session created by the kernel, used by ``%%sql`` and deleted by ``%session stop``."""

    def __init__(
        self,
        url: str,
        kind: str = DEFAULT_KIND,
        settings: Mapping[str, Any] | None = None,
        *,
        warn: Callable[[str], None] = print,
    ) -> None:
        if kind not in KINDS:
            raise InvalidInputError(f"--livy-kind is one of {', '.join(KINDS)}, got {kind!r}")
        self.url = parse_livy_url(url)
        self.kind = kind
        self.settings: dict[str, Any] = dict(settings or {})
        self.warn = warn
        self.session_id: int | None = None
        self.started_at: datetime | None = None
        self.start_seconds: float | None = None
        self._controller: Any = None

    @property
    def shown_url(self) -> str:
        return redact_url(self.url)

    def __repr__(self) -> str:
        return f"<LivyConnection session {self.session_id} on {self.shown_url}>"

    def start(self) -> None:
        """Create the Livy session and wait until it is idle (sparkmagic polls)."""
        require_sparkmagic()
        _configure_sparkmagic()
        probe(self.url)
        from sparkmagic.livyclientlib.endpoint import Endpoint
        from sparkmagic.livyclientlib.sparkcontroller import SparkController

        began = time.monotonic()
        controller = SparkController(_Display(self.warn))
        properties = {**self.settings, "kind": "pyspark"}
        try:
            controller.add_session(SESSION_NAME, Endpoint(self.url, None), False, properties)
        except Exception as err:
            raise LivyError(
                f"could not start a Livy session at {self.shown_url}: {_first_line(str(err)) or type(err).__name__}"
            ) from None
        self._controller = controller
        self.session_id = int(controller.get_session_id_for_client(SESSION_NAME))
        self.started_at = datetime.now(timezone.utc)
        self.start_seconds = time.monotonic() - began

    def _session(self) -> Any:
        if self._controller is None:
            raise LivyError("the Livy session is not started: `%session --livy URL` starts one")
        return self._controller.get_session_by_name_or_default(SESSION_NAME)

    def stop(self) -> None:
        """Delete the Livy session (DELETE /sessions/ID); forgotten here even if Livy is gone."""
        controller, self._controller = self._controller, None
        if controller is None:
            return
        try:
            controller.delete_session_by_name(SESSION_NAME)
        except Exception as err:
            self.warn(
                f"could not delete Livy session {self.session_id} at {self.shown_url} "
                f"({_first_line(str(err))}); Livy ends it after its heartbeat timeout"
            )

    # -- queries

    def sql(
        self,
        query: str,
        namespace: Mapping[str, Any] | None = None,
        *,
        limit: int = 100,
        verbose_errors: bool = False,
    ) -> QueryResult:
        """Run ``query`` on the Livy session: its first ``limit`` rows, and whether there were more."""
        from glue_magics.spark.sql import bind_parameters

        if not query.strip():
            raise InvalidInputError("the cell has no SQL")
        if limit < 1:
            raise InvalidInputError(f"--limit must be at least 1, got {limit}")
        text, args = bind_parameters(query, namespace or {})
        if args:
            names = ", ".join(f":{name}" for name in args)
            raise InvalidInputError(
                f"notebook variables ({names}) are not bound over Livy: write the values into "
                "the query, or use a local, cluster or Connect session"
            )
        session = self._session()
        try:
            if self.kind == "sql":
                return self._sql_statement(session, text, limit, verbose_errors)
            return self._sql_query(text, limit, verbose_errors)
        except GlueMagicsError:
            raise
        except Exception as err:
            raise LivyError(
                f"Livy session {self.session_id} at {self.shown_url}: {_first_line(str(err)) or type(err).__name__}"
            ) from None

    def _sql_query(self, text: str, limit: int, verbose: bool) -> QueryResult:
        """Through sparkmagic's SQLQuery: ``spark.sql(...).toJSON().take(limit + 1)`` in PySpark."""
        from sparkmagic.livyclientlib.exceptions import BadUserDataException
        from sparkmagic.livyclientlib.sqlquery import SQLQuery

        from glue_magics.spark.sql import QueryResult

        # SQLQuery puts the text in a Python u"""...""" literal: escape what that literal reads.
        literal = text.replace("\\", "\\\\").replace('"', '\\"')
        query = SQLQuery(literal, samplemethod="take", maxrows=limit + 1, coerce=False)
        try:
            frame = self._controller.run_sqlquery(query, SESSION_NAME)
        except BadUserDataException as err:
            raise _query_error(str(err), verbose) from None
        more = len(frame) > limit
        return QueryResult(frame.iloc[:limit].reset_index(drop=True), limit, more)

    def _sql_statement(self, session: Any, text: str, limit: int, verbose: bool) -> QueryResult:
        """A Livy ``sql`` statement; its output is {"schema": ..., "data": [[...], ...]}."""
        import pandas as pd

        from glue_magics.spark.sql import QueryResult

        session.wait_for_idle()
        client = session.http_client
        statement_id = client.post_statement(session.id, {"code": text, "kind": "sql"})["id"]
        retries = 1
        try:
            while True:
                statement = client.get_statement(session.id, statement_id)
                if str(statement.get("state", "")).lower() in FINAL_STATEMENT_STATES:
                    break
                session.sleep(retries)
                retries += 1
        except KeyboardInterrupt:
            with contextlib.suppress(Exception):
                client.cancel_statement(session.id, statement_id)
            raise
        output = statement.get("output") or {}
        if output.get("status") == "error":
            detail = "\n".join([str(output.get("evalue", "")), *output.get("traceback", [])])
            raise _query_error(detail, verbose)
        if statement.get("state") == "cancelled":
            raise LivyError(f"Livy cancelled the statement {statement_id}")
        table = (output.get("data") or {}).get("application/json")
        if not isinstance(table, dict):
            return QueryResult(pd.DataFrame(), limit, False, statement=True)
        columns = [str(f.get("name")) for f in (table.get("schema") or {}).get("fields", [])]
        rows = table.get("data") or []
        if not columns:
            return QueryResult(pd.DataFrame(), limit, False, statement=True)
        frame = pd.DataFrame(rows[:limit], columns=columns)
        return QueryResult(frame, limit, len(rows) > limit)

    # -- status

    def status_fields(self) -> list[tuple[str, Any]]:
        session = self._controller and self._session()
        state = "deleted"
        app_id = ui = None
        if session is not None:
            try:
                session.refresh_status_and_info()
                state = str(session.status)
                app_id = session.get_app_id()
                ui = session.get_spark_ui_url()
            except Exception as err:
                state = f"unknown ({_first_line(str(err))})"
        fields: list[tuple[str, Any]] = [
            ("state", state),
            ("runs on", f"{self.shown_url} (Apache Livy)"),
            ("Livy session", self.session_id),
            ("kind", self.kind),
            ("application", app_id),
            ("Spark UI", ui or "not reported by Livy"),
            ("started", self.started_at.astimezone() if self.started_at else None),
        ]
        if self.start_seconds is not None:
            from glue_magics.spark.session import format_duration

            fields.append(("start took", format_duration(self.start_seconds)))
        return fields

    def settings_rows(self) -> list[list[Any]]:
        from glue_magics.spark import settings as spark_settings

        rows: list[list[Any]] = []
        for key, value in sorted(self.settings.items()):
            if key == "conf":
                rows += [[k, spark_settings.redact_value(k, v)] for k, v in sorted(value.items())]
            else:
                rows.append([key, ",".join(value) if isinstance(value, list) else value])
        return rows


def _query_error(detail: str, verbose: bool) -> GlueMagicsError:
    from glue_magics.spark.sql import spark_error

    return spark_error(Exception(detail.strip() or "the query failed"), None, verbose)


# -- %session with --livy, or while a Livy session is active


def run_livy_command(manager: SessionManager, args: argparse.Namespace) -> Result:
    """``%session --livy URL [--livy-kind K] [--livy-conf K=V ...]``, and ``%session`` (status,
    ``conf``, ``stop``, ``restart``) while a Livy session is active."""
    from glue_magics.display import MessageResult

    command: str = args.command
    livy = manager.livy
    if args.livy is None and (args.livy_kind or args.livy_conf):
        raise InvalidInputError("--livy-kind and --livy-conf go with --livy http://HOST:PORT")
    if args.livy is not None:
        if command not in ("status", "start") or args.settings or args.idle_timeout:
            raise InvalidInputError(
                "`%session --livy URL [--livy-kind K] [--livy-conf K=V ...]` takes no "
                "subcommand, KEY=VALUE settings or --idle-timeout"
            )
        url = parse_livy_url(args.livy)
        if livy is not None:
            raise SessionRunningError(
                f"a Livy session is active on {livy.shown_url}: `%session stop` deletes it first"
            )
        connection = LivyConnection(
            url, args.livy_kind or DEFAULT_KIND, parse_livy_conf(args.livy_conf or []),
            warn=manager.warn,
        )  # fmt: skip
        connection.start()
        manager.livy = connection
        _apply_verbose(manager, args)
        return status_result(manager, connection)

    assert livy is not None
    if args.master or args.remote or args.settings or args.idle_timeout is not None:
        raise SessionRunningError(
            f"a Livy session is active on {livy.shown_url}: `%session stop` deletes it, then "
            "--master, --remote, KEY=VALUE and --idle-timeout apply to the kernel's own session "
            "(Livy ends idle sessions itself)"
        )
    notes = _apply_verbose(manager, args)
    if command == "stop":
        livy.stop()
        manager.livy = None
        return MessageResult(f"deleted Livy session {livy.session_id} on {livy.shown_url}")
    if command == "restart":
        livy.stop()
        manager.livy = None
        again = LivyConnection(livy.url, livy.kind, livy.settings, warn=manager.warn)
        again.start()
        manager.livy = again
        return status_result(manager, again)
    if command == "conf":
        return _settings_result(livy)
    if notes:
        return MessageResult("; ".join(notes))
    return status_result(manager, livy)


def _apply_verbose(manager: SessionManager, args: argparse.Namespace) -> list[str]:
    if args.verbose_errors is None:
        return []
    manager.verbose_errors = args.verbose_errors == "on"
    return [f"verbose errors: {args.verbose_errors}"]


def _settings_result(livy: LivyConnection) -> Any:
    from glue_magics.display import TableResult

    return TableResult(
        columns=["key", "value"],
        rows=livy.settings_rows(),
        title="Livy session settings (--livy-conf)",
    )


def status_result(manager: SessionManager, livy: LivyConnection) -> Result:
    from glue_magics.commands.session import SessionResult

    fields = livy.status_fields()
    fields.append(("verbose errors", "on" if manager.verbose_errors else "off"))
    data = {
        "state": fields[0][1],
        "kind": "livy",
        "url": livy.shown_url,
        "livy_session_id": livy.session_id,
        "livy_kind": livy.kind,
        "app_id": fields[4][1],
        "started_at": livy.started_at.isoformat() if livy.started_at else None,
        "settings": {row[0]: row[1] for row in livy.settings_rows()},
    }
    return SessionResult(
        title="Spark session (Livy)", fields=fields, sections=[_settings_result(livy)], data=data
    )
