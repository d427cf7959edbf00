"""``%session``: show and control the kernel's Spark session.

The session lives in the kernel, so there is no CLI twin; the grammar still lives here, apart from
the magic, like every other command group.
"""

from __future__ import annotations

import argparse
import html
import math
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from glue_magics.commands import CommandParser
from glue_magics.display import DetailResult, MessageResult, Result, TableResult
from glue_magics.errors import InvalidInputError
from glue_magics.spark import settings
from glue_magics.spark.errors import SessionRunningError
from glue_magics.spark.session import (
    RUNNING,
    SessionManager,
    SessionStatus,
    format_duration,
    format_minutes,
)

if TYPE_CHECKING:
    import pandas as pd

SUBCOMMANDS = {
    "status": "show the session (the default)",
    "start": "start the session now and show it",
    "conf": "KEY=VALUE ...: Spark configuration for the next start (none: show it)",
    "stop": "stop the session and its JVM",
    "restart": "[KEY=VALUE ...]: stop, apply the settings given, start again",
}
OFF_WORDS = {"off", "none", "never", "0"}


def build_session_parser(
    prog: str, parents: list[argparse.ArgumentParser] | None = None
) -> CommandParser:
    subcommands = "\n".join(f"  {name:<8} {text}" for name, text in SUBCOMMANDS.items())
    parser = CommandParser(
        prog=prog,
        parents=parents or [],
        # An explicit usage: argparse's intermixed parsing would re-format a generated one and
        # read the '%s' of '%session' as a placeholder.
        usage="%(prog)s [SUBCOMMAND] [KEY=VALUE ...] [-o VAR]\n"
        "                [--master URL | --remote URL] [--idle-timeout MIN] [--verbose-errors on|off]\n"
        "                [--livy URL [--livy-kind pyspark|sql] [--livy-conf K=V ...]]",
        description="Show and control the kernel's Spark session.\n\nsubcommands:\n" + subcommands,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="status",
        choices=list(SUBCOMMANDS),
        metavar="SUBCOMMAND",
        help="status (default), start, conf, stop, restart",
    )
    parser.add_argument(
        "settings", nargs="*", metavar="KEY=VALUE", help="Spark configuration (conf, restart)"
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument(
        "--master", metavar="URL", help="run on local[*], local[N] or spark://HOST:PORT"
    )
    target.add_argument(
        "--remote", metavar="URL", help="run on the Spark Connect server at sc://HOST:PORT"
    )
    # -- Apache Livy (glue_magics/spark/livy.py)
    target.add_argument(
        "--livy",
        metavar="URL",
        help="create a session on the Apache Livy server at http://HOST:8998 for %%%%sql "
        "(needs glue_magics[livy])",
    )
    parser.add_argument(
        "--livy-kind",
        choices=["pyspark", "sql"],
        help="how %%%%sql runs on Livy: pyspark (default) or Livy sql statements",
    )
    parser.add_argument(
        "--livy-conf",
        action="append",
        metavar="K=V",
        help="a Livy session setting (spark.* or driverMemory, numExecutors, queue, ...); repeatable",
    )
    # -- end Livy
    parser.add_argument(
        "--idle-timeout",
        metavar="MIN",
        help="stop the session after MIN minutes unused ('off' never stops it)",
    )
    parser.add_argument(
        "--verbose-errors",
        choices=["on", "off"],
        help="show Spark errors with their Java details instead of one line",
    )
    return parser


def parse_settings(items: list[str]) -> dict[str, str]:
    """['spark.a=1', 'spark.b=x=y'] -> {'spark.a': '1', 'spark.b': 'x=y'}, validated."""
    conf: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise InvalidInputError(
                f"{item!r} is not KEY=VALUE, e.g. spark.sql.shuffle.partitions=8"
            )
        conf[key.strip()] = value
    return settings.validate_conf(conf)


def parse_idle_timeout(text: str) -> float | None:
    """'30' -> 30.0, '0.5' -> 0.5, 'off' -> None; minutes above 0."""
    if text.strip().lower() in OFF_WORDS:
        return None
    try:
        minutes = float(text)
    except ValueError:
        minutes = math.nan
    if not 0 < minutes < math.inf:
        raise InvalidInputError(f"--idle-timeout takes minutes above 0 (or off), got {text!r}")
    return minutes


def run_session_command(manager: SessionManager, args: argparse.Namespace) -> Result:
    """Check everything first, so bad input changes nothing; then apply and report."""
    if args.livy or args.livy_kind or args.livy_conf or manager.livy is not None:
        from glue_magics.spark.livy import run_livy_command  # Apache Livy: its own session

        return run_livy_command(manager, args)
    command: str = args.command
    conf = parse_settings(args.settings)
    if args.settings and command not in ("conf", "restart"):
        raise InvalidInputError(
            f"`%session {command}` takes no KEY=VALUE settings: use `%session conf` "
            "(before start) or `%session restart KEY=VALUE`"
        )
    master = settings.parse_master(args.master) if args.master else None
    remote = settings.parse_remote(args.remote) if args.remote else None
    if remote:
        from glue_magics.spark._connect import require_connect_dependencies

        require_connect_dependencies()
    set_timeout = args.idle_timeout is not None
    timeout = parse_idle_timeout(args.idle_timeout) if set_timeout else None
    changes_start = bool(conf or master or remote)
    if changes_start and command not in ("stop", "restart") and manager.is_active():
        shown = settings.redact_conf(conf)
        again = ["%session restart", *(f"{k}={v}" for k, v in shown.items())]
        if master:
            again += ["--master", master]
        elif remote:
            again += ["--remote", settings.redact_url(remote)]
        raise SessionRunningError(
            f"the Spark session is running on {manager.status().url} and reads these settings "
            f"only at start: `{' '.join(again)}` applies them (cached data and temp views are lost)"
        )

    if command == "restart" and (master or remote):
        # Keep the running session if the new target is not there.
        manager.check_reachable(settings.Target(master=master, remote=remote))

    notes: list[str] = []
    if command in ("stop", "restart"):
        if manager.is_active():
            notes.append("stopped the Spark session")
        manager.stop()
    if master:
        manager.use_master(master)
        notes.append(f"the next session runs on {master}")
    elif remote:
        manager.use_remote(remote)
        notes.append(f"the next session connects to {settings.redact_url(remote)}")
    if conf:
        manager.configure(**conf)
        notes.append(
            "set "
            + ", ".join(f"{k}={v}" for k, v in settings.redact_conf(conf).items())
            + " for the next start"
        )
    if set_timeout:
        manager.set_idle_timeout(timeout)
        notes.append(f"idle timeout: {format_minutes(timeout)}" if timeout else "idle timeout: off")
    if args.verbose_errors is not None:
        manager.verbose_errors = args.verbose_errors == "on"
        notes.append(f"verbose errors: {args.verbose_errors}")

    if command in ("start", "restart"):
        manager.session()
        return status_result(manager.status())
    if command == "conf":
        return conf_result(manager.status()) if not notes else MessageResult("; ".join(notes))
    if command == "stop":
        return MessageResult("; ".join(notes) if notes else "no Spark session was running")
    if notes:
        return MessageResult("; ".join(notes))
    return status_result(manager.status())


def conf_result(status: SessionStatus) -> TableResult:
    user = status.user_config
    rows: list[list[Any]] = [
        [key, value, "%session conf" if key in user else "glue_magics default"]
        for key, value in sorted(status.config.items())
    ]
    title = (
        "Spark configuration of the running session"
        if status.state == RUNNING
        else "Spark configuration for the next start"
    )
    return TableResult(columns=["key", "value", "set by"], rows=rows, title=title)


class SessionResult(DetailResult):
    """The status as fields; the Spark UI address is a link in notebooks."""

    def to_dataframe(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.fields, columns=["field", "value"])

    def _repr_html_(self) -> str:
        page = super()._repr_html_()
        for key, value in self.fields:
            if key == "Spark UI" and isinstance(value, str) and value.startswith("http"):
                cell = html.escape(value)
                link = f'<a href="{cell}" target="_blank" rel="noopener">{cell}</a>'
                page = page.replace(f"<td>{cell}</td>", f"<td>{link}</td>", 1)
        return page


def status_result(status: SessionStatus) -> SessionResult:
    kinds = {"local": "local", "cluster": "standalone cluster", "connect": "Spark Connect"}
    state = status.state
    if status.stop_reason and state != RUNNING:
        state += f" ({status.stop_reason})"
    fields: list[tuple[str, Any]] = [
        ("state", state),
        ("runs on", f"{status.url} ({kinds.get(status.kind, status.kind)})"),
    ]
    if status.adopted:
        fields.append(
            ("note", "started outside glue_magics: `%session restart` applies the config")
        )
    if status.state == RUNNING:
        fields += [
            ("Spark", status.spark_version),
            ("application", status.app_id),
            ("Spark UI", status.ui_url or ("on the server" if status.kind == "connect" else "off")),
            ("started", status.started_at.astimezone() if status.started_at else None),
            ("uptime", format_duration(status.uptime_seconds or 0.0)),
        ]
        if status.start_seconds is not None:
            fields.append(("start took", format_duration(status.start_seconds)))
        if status.driver_pid:
            fields.append(("driver pid", status.driver_pid))
    timeout = status.idle_timeout_minutes
    idle = (
        f"{format_minutes(timeout)}"
        + (f" (idle {format_duration(status.idle_seconds)})" if status.idle_seconds else "")
        if timeout
        else "off"
    )
    fields += [("idle timeout", idle), ("verbose errors", "on" if status.verbose_errors else "off")]
    data = asdict(status)
    return SessionResult(
        title="Spark session", fields=fields, sections=[conf_result(status)], data=data
    )
