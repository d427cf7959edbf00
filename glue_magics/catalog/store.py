"""Opening the SQL store: engine set-up per dialect, retries on a busy SQLite, migrations on open.

SQLite is shared by several kernels, the Jupyter server and schedulers, so it runs in WAL mode with a
busy timeout, and write transactions start with ``BEGIN IMMEDIATE``: a writer waits for the lock up
front instead of failing half-way with "database is locked" when it upgrades a read lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session

from glue_magics.errors import InvalidInputError

BUSY_TIMEOUT_MS = 30_000
_WRITE = "glue_magics_write"
T = TypeVar("T")


def create_store_engine(url: str) -> Engine:
    """Create an engine for ``url`` (sqlite:///PATH or postgresql+psycopg://...) and upgrade its schema."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInputError(
            f"invalid catalog URL {url!r}: use sqlite:///PATH or postgresql+psycopg://..."
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
    else:
        try:
            engine = create_engine(parsed, pool_pre_ping=True)
        except ImportError as exc:
            raise InvalidInputError(
                f"the driver for {parsed.drivername} is not installed ({exc.name}); "
                "for PostgreSQL: pip install 'glue_magics[postgres]'"
            ) from None
    _upgrade(engine)
    return engine


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

    retry_busy(upgrade)
