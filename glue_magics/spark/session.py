"""The kernel's Spark session: started on first use, replaced when its JVM dies, stopped when idle.

``get_spark()`` is what every Spark feature calls. The process-wide ``manager`` owns one session at a
time, on one target: a local master (``local[*]``), a standalone cluster (``spark://HOST:PORT``) or a
Spark Connect server (``sc://HOST:PORT``). Nothing here imports pyspark until a session starts.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from glue_magics.errors import GlueMagicsError, InvalidInputError
from glue_magics.spark import settings
from glue_magics.spark.errors import SessionRunningError, SparkSessionError
from glue_magics.spark.settings import Target

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from glue_magics.spark._classic import ClassicRun
    from glue_magics.spark._connect import ConnectRun
    from glue_magics.spark.livy import LivyConnection

StartHook = Callable[["SparkSession"], None]

IDLE_GRACE_SECONDS = 5.0  # idle must hold this long (at most half the timeout) before a stop

NOT_STARTED = "not started"
RUNNING = "running"
STOPPED = "stopped"


@dataclass(frozen=True)
class SessionStatus:
    """A snapshot of the session: what ``%session`` shows."""

    state: str  # "not started" | "running" | "stopped"
    kind: str  # "local" | "cluster" | "connect"
    url: str  # the master URL, or the Connect URL with its token hidden
    app_id: str | None = None
    spark_version: str | None = None
    started_at: datetime | None = None
    uptime_seconds: float | None = None
    start_seconds: float | None = None  # how long the last start took
    ui_url: str | None = None
    driver_pid: int | None = None  # the driver JVM (local and cluster sessions)
    # Keys glue_magics sets, the user's included; secrets (password, token, ...) hidden.
    config: dict[str, str] = field(default_factory=dict)
    user_config: dict[str, str] = field(default_factory=dict)  # the ones set with configure()
    idle_timeout_minutes: float | None = None
    idle_seconds: float | None = None
    stop_reason: str | None = None  # why the last session ended
    verbose_errors: bool = False
    adopted: bool = False  # the SparkContext was started outside glue_magics (config not applied)

    @property
    def master(self) -> str | None:
        return None if self.kind == "connect" else self.url

    @property
    def remote(self) -> str | None:
        return self.url if self.kind == "connect" else None


@dataclass
class _Running:
    target: Target
    conf: dict[str, str]
    started: float  # time.monotonic()
    started_at: datetime
    start_seconds: float
    classic: ClassicRun | None = None
    connect: ConnectRun | None = None

    @property
    def spark(self) -> SparkSession:
        run = self.classic or self.connect
        assert run is not None
        return run.spark


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def format_minutes(minutes: float) -> str:
    return f"{minutes:g} min"


def one_line(err: BaseException, limit: int = 300) -> str:
    """The first line of an error message (Py4J and gRPC errors carry whole stack traces)."""
    text = str(err).strip()
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), type(err).__name__)
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _print_out(message: str) -> None:
    print(message, flush=True)


def _print_err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class SessionManager:
    """Owns the kernel's SparkSession: starts it lazily, and restarts it when it has died.

    Settings made before the start (``configure``, ``use_master``, ``use_remote``) apply to the
    next start; changing them while a session runs needs ``restart``.
    """

    def __init__(
        self,
        *,
        echo: Callable[[str], None] | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._target: Target | None = None  # None: chosen from the environment at start
        self._conf: dict[str, str] = {}
        self._run: _Running | None = None
        self._ever_started = False
        self._stop_reason: str | None = None
        self._notice: str | None = None  # told to the user when the next session starts
        self._hooks: list[StartHook] = []
        self._idle_timeout: float | None = None
        self._idle_thread: threading.Thread | None = None
        self._last_used = time.monotonic()
        self._last_start_seconds: float | None = None
        # -- Apache Livy (glue_magics/spark/livy.py): %%sql runs there; nothing needs Spark here.
        self.livy: LivyConnection | None = None
        """The active Livy session, set by ``%session --livy URL``; None: none."""
        # -- end Livy
        self.verbose_errors = False
        """Show full Spark/Java error details instead of one line (read by error formatting)."""
        self.echo: Callable[[str], None] = echo or _print_out
        """Where start messages (with the Spark UI link) go."""
        self.warn: Callable[[str], None] = warn or _print_err
        """Where notices (the session had died, a start hook failed) go."""

    def __repr__(self) -> str:
        status = self.status()
        return f"<SessionManager {status.state} on {status.url}>"

    # -- the session

    def session(self) -> SparkSession:
        """The live session, started now if there is none or the last one died."""
        if self.livy is not None:  # Livy: the Spark session is on the cluster, not here
            from glue_magics.spark.livy import NEEDS_SPARK_HERE, NeedsSparkHereError

            raise NeedsSparkHereError(NEEDS_SPARK_HERE)
        with self._lock:
            self.touch()
            run = self._run
            if run is not None and self._check(run):
                return run.spark
            return self._start()

    def is_active(self) -> bool:
        """True if a session runs now (a dead one is noticed and cleaned up)."""
        with self._lock:
            return self._run is not None and self._check(self._run)

    def touch(self) -> None:
        """Mark activity: the idle timeout counts from the last touch."""
        self._last_used = time.monotonic()

    def stop(self) -> None:
        """Stop the session and end its JVM (a Connect session releases its server session)."""
        with self._lock:
            if self._run is not None:
                self._end(self._run, "by request", alive=True)
            self._notice = None

    def restart(self, **conf: str) -> SparkSession:
        """Stop, apply ``conf`` (same rules as ``configure``), and start a new session."""
        checked = settings.validate_conf(conf)
        with self._lock:
            self.stop()
            self._conf.update(checked)
            return self.session()

    # -- settings

    @property
    def target(self) -> Target:
        """What the next session runs on: set with use_master/use_remote, else from the environment."""
        if self._target is not None:
            return self._target
        try:
            return settings.default_target(os.environ)
        except InvalidInputError as err:
            raise InvalidInputError(
                f"check ${settings.REMOTE_ENV} / ${settings.MASTER_ENV}: {err}"
            ) from err

    @property
    def conf(self) -> dict[str, str]:
        """The configuration set with ``configure`` (glue_magics' defaults not included)."""
        return dict(self._conf)

    def planned_conf(self) -> dict[str, str]:
        """Everything the next start sets: glue_magics' defaults with the user's settings over them."""
        from glue_magics.config import Settings

        defaults = settings.default_conf(
            self.target, warehouse=Settings.resolve().warehouse, environ=os.environ
        )
        return {**defaults, **self._conf}

    def configure(self, **conf: str) -> None:
        """Set Spark configuration for the next start; an error while a session runs."""
        checked = settings.validate_conf(conf)
        with self._lock:
            if checked and self.is_active():
                pairs = " ".join(f"{k}={settings.redact_value(k, v)}" for k, v in checked.items())
                raise SessionRunningError(
                    f"the Spark session is running and reads its configuration at start: "
                    f"`%session restart {pairs}` applies it (cached data and temp views are lost)"
                )
            self._conf.update(checked)

    def unconfigure(self, *keys: str) -> None:
        """Forget settings made with ``configure`` (before start only)."""
        with self._lock:
            if keys and self.is_active():
                raise SessionRunningError(
                    "the Spark session is running: `%session stop` first, then change its configuration"
                )
            for key in keys:
                self._conf.pop(key, None)

    def use_master(self, url: str, *, restart: bool = False) -> None:
        """Run the next session on ``url`` (local, local[N], local[*], spark://HOST:PORT)."""
        self._switch(Target(master=settings.parse_master(url)), restart, "--master")

    def use_remote(self, url: str, *, restart: bool = False) -> None:
        """Run the next session on the Spark Connect server at ``url`` (sc://HOST:PORT)."""
        from glue_magics.spark._connect import require_connect_dependencies

        target = Target(remote=settings.parse_remote(url))
        require_connect_dependencies()
        self._switch(target, restart, "--remote")

    @staticmethod
    def check_reachable(target: Target) -> None:
        """A one-line error if ``target`` is a cluster master or Connect server that does not answer."""
        from glue_magics.spark._net import check_reachable

        check_reachable(target)

    def _switch(self, target: Target, restart: bool, option: str) -> None:
        with self._lock:
            if self.is_active():
                if not restart:
                    current = self._run.target.url if self._run else "?"
                    raise SessionRunningError(
                        f"the Spark session is running on {current}: `%session restart {option} "
                        f"{target.url}` switches to it (or `%session stop` first)"
                    )
                self.check_reachable(target)  # before stopping the session that works
                self.stop()
                self._target = target
                self.session()
                return
            self._target = target

    def set_idle_timeout(self, minutes: float | None) -> None:
        """Stop the session after ``minutes`` without use (None: never), like Glue's %idle_timeout."""
        if minutes is not None:
            if (
                isinstance(minutes, bool)
                or not isinstance(minutes, (int, float))
                or not 0 < minutes < float("inf")
            ):
                raise InvalidInputError(
                    f"the idle timeout is a number of minutes above 0 (or off), got {minutes!r}"
                )
            minutes = float(minutes)
        with self._lock:
            self._idle_timeout = minutes
            self.touch()
            self._changed.notify_all()
            self._ensure_idle_thread()

    @property
    def idle_timeout(self) -> float | None:
        return self._idle_timeout

    def add_start_hook(self, hook: StartHook, *, run_now: bool = True) -> None:
        """Call ``hook(spark)`` after every (re)start, in the order added.

        With ``run_now`` and a session running, the hook also runs at once (its errors propagate).
        At a start, a failing hook is reported as a one-line notice and the session stays up.
        """
        with self._lock:
            if hook not in self._hooks:
                self._hooks.append(hook)
            if run_now and self.is_active() and self._run is not None:
                hook(self._run.spark)

    def remove_start_hook(self, hook: StartHook) -> None:
        with self._lock:
            if hook in self._hooks:
                self._hooks.remove(hook)

    # -- status

    def status(self) -> SessionStatus:
        with self._lock:
            run = self._run
            if run is not None and not self._check(run):
                run = None
            idle = time.monotonic() - self._last_used
            common: dict[str, Any] = {
                "idle_timeout_minutes": self._idle_timeout,
                "verbose_errors": self.verbose_errors,
                "user_config": settings.redact_conf(self._conf),
                "start_seconds": self._last_start_seconds,
            }
            if run is None:
                target = self.target
                return SessionStatus(
                    state=STOPPED if self._ever_started else NOT_STARTED,
                    kind=target.kind,
                    url=target.url,
                    config=settings.redact_conf(self.planned_conf()),
                    stop_reason=self._stop_reason,
                    **common,
                )
            details = run.classic or run.connect
            assert details is not None
            return SessionStatus(
                state=RUNNING,
                kind=run.target.kind,
                url=run.target.url,
                app_id=details.app_id,
                spark_version=details.version,
                started_at=run.started_at,
                uptime_seconds=time.monotonic() - run.started,
                ui_url=run.classic.ui_url if run.classic else None,
                driver_pid=run.classic.driver_pid if run.classic else None,
                config=settings.redact_conf(run.conf),
                idle_seconds=idle,
                adopted=bool(run.classic and run.classic.adopted),
                **common,
            )

    # -- internals

    def _check(self, run: _Running) -> bool:
        """True if ``run`` is usable; otherwise clean it up and remember why it ended."""
        if run.classic is not None:
            from glue_magics.spark import _classic

            problem = _classic.problem(run.classic)
        else:
            from glue_magics.spark import _connect

            assert run.connect is not None
            problem = _connect.problem(run.connect)
        if problem is None:
            return True
        self._end(run, problem, alive=False)
        self._notice = f"the Spark session had stopped ({problem}); started a new one"
        return False

    def _start(self) -> SparkSession:
        target = self.target
        conf = self.planned_conf()
        began = time.monotonic()
        run = _Running(
            target=target,
            conf=conf,
            started=began,
            started_at=datetime.now(timezone.utc),
            start_seconds=0.0,
        )
        if target.remote:
            from glue_magics.spark._connect import require_connect_dependencies

            require_connect_dependencies()
        self.check_reachable(target)
        try:
            if target.remote:
                from glue_magics.spark import _connect

                run.connect = _connect.start(target.remote, conf)
            else:
                run.classic = self._start_classic(target.master or settings.DEFAULT_MASTER, conf)
                if run.classic.adopted:
                    run.target = Target(master=run.classic.master)
        except GlueMagicsError:
            raise
        except Exception as err:
            reason = one_line(err)
            if "JAVA_GATEWAY_EXITED" in reason:
                reason = (
                    "the JVM exited while starting (its own error is printed above; "
                    "check the start settings with `%session conf`)"
                )
            raise SparkSessionError(f"could not start Spark on {target.url}: {reason}") from err
        run.start_seconds = time.monotonic() - began
        self._last_start_seconds = run.start_seconds
        self._run = run
        self._ever_started = True
        self._stop_reason = None
        self.touch()
        if self._notice:
            self.warn(self._notice)
            self._notice = None
        if run.connect is not None and run.connect.not_applied:
            self.warn(
                "the Spark Connect server kept its own "
                + ", ".join(run.connect.not_applied)
                + " (fixed when the server started)"
            )
        if run.classic is not None and run.classic.adopted:
            self.warn(
                "using the SparkContext that was already running in this process; glue_magics' "
                "settings apply after `%session restart`"
            )
        self.echo(self._started_message(run))
        for hook in list(self._hooks):
            try:
                hook(run.spark)
            except Exception as err:
                name = getattr(hook, "__qualname__", repr(hook))
                self.warn(f"glue_magics: start hook {name} failed: {one_line(err)}")
        self._ensure_idle_thread()
        return run.spark

    def _start_classic(self, master: str, conf: dict[str, str]) -> ClassicRun:
        from glue_magics.spark import _classic
        from glue_magics.spark.java import require_java

        require_java()
        return _classic.start(master, conf)

    @staticmethod
    def _started_message(run: _Running) -> str:
        details = run.classic or run.connect
        assert details is not None
        parts = [f"Spark {details.version} session on {run.target.url}"]
        if details.app_id:
            parts.append(f"app {details.app_id}")
        if run.classic is not None:
            parts.append(f"UI {run.classic.ui_url}" if run.classic.ui_url else "UI disabled")
        parts.append(f"started in {run.start_seconds:.1f} s")
        return ", ".join(parts)

    def _end(self, run: _Running, reason: str, *, alive: bool) -> None:
        if self._run is run:
            self._run = None
        self._stop_reason = reason
        try:
            if run.classic is not None:
                from glue_magics.spark import _classic

                _classic.stop(run.classic.spark, run.classic.proc, alive=alive)
            elif run.connect is not None:
                from glue_magics.spark import _connect

                _connect.stop(run.connect.spark, alive=alive)
        finally:
            self._changed.notify_all()

    def _busy(self, run: _Running) -> bool:
        if run.classic is not None:
            from glue_magics.spark import _classic

            return _classic.busy(run.classic)
        return False

    def _ensure_idle_thread(self) -> None:
        if self._idle_timeout is None or self._run is None:
            return
        if self._idle_thread is not None and self._idle_thread.is_alive():
            return
        self._idle_thread = threading.Thread(
            target=self._idle_loop, name="glue-magics-idle-timeout", daemon=True
        )
        self._idle_thread.start()

    def _idle_loop(self) -> None:
        """Stop the session once it has been unused for the timeout and no Spark job runs.

        Idle means: no session()/touch() for the timeout, and no active job at two checks a
        short grace apart (a query's jobs can have gaps between them, e.g. adaptive stages).
        """
        with self._changed:
            try:
                idle_since_check: float | None = None
                while True:
                    run, timeout = self._run, self._idle_timeout
                    if run is None or timeout is None:
                        return
                    now = time.monotonic()
                    remaining = self._last_used + timeout * 60 - now
                    if remaining > 0:
                        idle_since_check = None
                        self._changed.wait(remaining)
                        continue
                    if self._busy(run):
                        self.touch()
                        continue
                    grace = min(IDLE_GRACE_SECONDS, timeout * 30)
                    if idle_since_check is None or now - idle_since_check < grace:
                        if idle_since_check is None:
                            idle_since_check = now
                        self._changed.wait(grace - (now - idle_since_check))
                        continue
                    idle = f"idle for {format_minutes(timeout)}"
                    self._end(run, idle, alive=True)
                    self._notice = f"the Spark session had stopped ({idle}); started a new one"
                    return
            finally:
                if self._idle_thread is threading.current_thread():
                    self._idle_thread = None


manager = SessionManager()
"""The process-wide session manager."""


def get_spark() -> SparkSession:
    """The kernel's live SparkSession (started on first call): ``manager.session()``."""
    return manager.session()
