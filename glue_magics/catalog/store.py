"""Opening the SQL store: engine set-up per dialect, retries on a busy SQLite, migrations on open.

SQLite is shared by several kernels, the Jupyter server and schedulers, so it runs in WAL mode with a
busy timeout, and write transactions start with ``BEGIN IMMEDIATE``: a writer waits for the lock up
front instead of failing half-way with "database is locked" when it upgrades a read lock.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import URL, Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session

from glue_magics.errors import InvalidInputError, StoreUnavailableError

BUSY_TIMEOUT_MS = 30_000
#: Rows SQLite samples per index when it gathers statistics (ANALYZE, PRAGMA optimize).
ANALYSIS_LIMIT = 1000
#: Seconds to wait for a PostgreSQL server before giving up (unless the URL sets connect_timeout).
CONNECT_TIMEOUT_S = 10
BACKENDS = ("sqlite", "postgresql")
_USE = "use sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DATABASE"
_WRITE = "glue_magics_write"
T = TypeVar("T")


def create_store_engine(url: str) -> Engine:
    """Create an engine for ``url`` (sqlite:///PATH or postgresql+psycopg://...) and upgrade its schema.

    A malformed URL, another database or an unknown driver: InvalidInputError. A store that cannot be
    reached or opened: StoreUnavailableError. Both one line, without the URL's password.
    """
    if not isinstance(url, str):
        raise InvalidInputError(f"the catalog URL must be a string; {_USE}")
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInputError(f"invalid catalog URL {redact_url(url)!r}: {_USE}") from None
    except ValueError:  # SQLAlchemy parses the port with int()
        raise InvalidInputError(
            f"invalid catalog URL {redact_url(url)!r}: the port must be a number; {_USE}"
        ) from None
    shown = parsed.render_as_string(hide_password=True)
    backend = parsed.get_backend_name()
    if backend not in BACKENDS:
        raise InvalidInputError(
            f"the catalog store runs on SQLite or PostgreSQL, not {backend!r} ({shown}): {_USE}"
        )
    try:
        if backend == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            _configure_sqlite(engine)
        else:
            connect_args: dict[str, Any] = {}
            if parsed.get_driver_name() in ("psycopg", "psycopg2") and (
                "connect_timeout" not in parsed.query
            ):
                connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
            engine = create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    except NoSuchModuleError:
        raise InvalidInputError(
            f"unknown driver {parsed.drivername!r} in the catalog URL ({shown}): {_USE}"
        ) from None
    except ImportError as exc:
        raise InvalidInputError(
            f"the driver for {parsed.drivername} is not installed ({exc.name}); "
            "for PostgreSQL: pip install 'glue_magics[postgres]'"
        ) from None
    except OSError as exc:
        raise StoreUnavailableError(
            f"cannot create the folder of the catalog store {shown}: {exc.strerror or exc}"
        ) from None
    try:
        _upgrade(engine)
    except DBAPIError as exc:
        # SQLite: the file cannot be opened, is locked or is no database. PostgreSQL: the server
        # cannot be reached or refuses the login (other errors are not about reaching the store).
        if backend == "postgresql" and not is_connection_error(exc):
            raise
        engine.dispose()
        raise unavailable_error(engine.url, exc) from None
    return engine


def redact_url(url: str) -> str:
    """``url`` with the password of ``user:password@`` replaced by ``***``."""
    return re.sub(r"(://[^/?#@:]*:)[^/?#@]*@", r"\1***@", url)


def unavailable_error(url: URL, exc: DBAPIError) -> StoreUnavailableError:
    """A one-line error naming the store that could not be reached, and the driver's reason."""
    lines = [" ".join(line.split()) for line in str(exc.orig).splitlines() if line.strip()]
    reason = lines[0] if lines else type(exc.orig).__name__
    if url.get_backend_name() == "sqlite":
        return StoreUnavailableError(f"cannot open the catalog store {url.database}: {reason}")
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    return StoreUnavailableError(
        f"cannot reach the catalog database {url.database!r} at {where}: {reason}; check that the "
        "server is running and that host, port, user and database in the catalog URL are right"
    )


def is_connection_error(exc: DBAPIError) -> bool:
    """Whether ``exc`` says the PostgreSQL server could not be reached (not a failed statement)."""
    if exc.connection_invalidated:
        return True
    # psycopg names the code sqlstate, psycopg2 pgcode.
    sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None) or ""
    # No SQLSTATE: the client could not talk to the server at all; class 08: connection exception;
    # 57P0x: the server is shutting down or not accepting connections.
    return sqlstate == "" or sqlstate.startswith(("08", "57P0"))


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own is deferred only).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "close")
    def _on_close(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLite refresh the statistics of tables whose queries on this connection would
        # have used them (PRAGMA optimize, sampled); never wait long for the lock on the way out.
        try:
            dbapi_conn.execute("PRAGMA busy_timeout=100")
            dbapi_conn.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
            dbapi_conn.execute("PRAGMA optimize")
        except Exception:
            pass  # closing must not fail over statistics

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _is_busy(exc: OperationalError) -> bool:
    message = str(exc.orig).lower()
    return "database is locked" in message or "database is busy" in message


def retry_busy(fn: Callable[[], T], attempts: int = 5) -> T:
    """Run ``fn``; if SQLite stayed busy past its timeout, back off and run it again."""
    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError as exc:
            if not _is_busy(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction holds the write lock from its first statement, committed on exit."""
    writer = engine.execution_options(**{_WRITE: True})
    with Session(writer, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


_UPGRADE_LOCK = threading.Lock()


def _upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration; cheap when it is there already."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()

    def upgrade() -> None:
        with engine.execution_options(**{_WRITE: True}).begin() as conn:
            if conn.dialect.name == "postgresql":
                # Two processes opening a new catalog at once must not both create it.
                conn.execute(text("SELECT pg_advisory_xact_lock(4242)"))
            if MigrationContext.configure(conn).get_current_revision() == head:
                return
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    with _UPGRADE_LOCK:  # Alembic keeps its migration context in module globals
        retry_busy(upgrade)
