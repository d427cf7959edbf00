"""Writing an ETL result into a database table atomically: Spark writes a staging table, then one
database transaction swaps it in (PostgreSQL's DDL is transactional), committed only after the
catalog's own transaction succeeded."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from glue_magics.errors import InvalidInputError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

DRIVERS = {"postgresql": "org.postgresql.Driver"}
JARS = {"postgresql": "/usr/share/java/postgresql.jar"}  # Debian's libpostgresql-jdbc-java


@dataclass(frozen=True)
class JdbcTarget:
    url: str  # jdbc:postgresql://host:port/db?user=...
    table: str  # schema.table
    user: str | None
    password: str | None

    @property
    def dialect(self) -> str:
        return self.url.split(":", 2)[1]

    def sqlalchemy_url(self) -> Any:
        from sqlalchemy.engine import URL

        parts = urlsplit(self.url[len("jdbc:") :])
        return URL.create(
            "postgresql+psycopg",
            username=self.user,
            password=self.password,
            host=parts.hostname,
            port=parts.port,
            database=parts.path.lstrip("/"),
        )

    def properties(self) -> dict[str, str]:
        props = {"driver": DRIVERS[self.dialect]}
        if self.user:
            props["user"] = self.user
        if self.password:
            props["password"] = self.password
        return props


def parse_target(url: str, table: str, password: str | None) -> JdbcTarget:
    dialect = url.split(":", 2)[1] if url.count(":") >= 2 else ""
    if dialect not in DRIVERS:
        raise InvalidInputError(f"JDBC targets are supported for {', '.join(DRIVERS)}; got {url!r}")
    if not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)?", table):
        raise InvalidInputError(f"--jdbc-table {table!r}: use SCHEMA.TABLE with plain names")
    query = parse_qs(urlsplit(url[len("jdbc:") :]).query)
    if "password" in query:
        raise InvalidInputError("put the password in --secret-ref env:VAR, not in the JDBC URL")
    user = query.get("user", [None])[0]
    return JdbcTarget(url, table if "." in table else f"public.{table}", user, password)


class StagedTable:
    """A staging table that becomes the target in ``swap()``; dropped if anything fails."""

    def __init__(self, target: JdbcTarget, mode: str) -> None:
        schema, name = target.table.split(".")
        self.target = target
        self.mode = mode
        self.schema, self.name = schema, name
        self.staging = f"{name[:40]}__staging_{uuid.uuid4().hex[:8]}"

    def write(self, df: DataFrame) -> None:
        df.write.jdbc(
            self.target.url,
            f"{self.schema}.{self.staging}",
            mode="overwrite",
            properties=self.target.properties(),
        )

    @contextmanager
    def swap(self) -> Iterator[int]:
        """Inside the block the swap is done but not committed; leaving it normally commits, an
        exception rolls the database back (and drops the staging table). Yields the row count."""
        import sqlalchemy as sa

        engine = sa.create_engine(self.target.sqlalchemy_url())
        staging = f'"{self.schema}"."{self.staging}"'
        target = f'"{self.schema}"."{self.name}"'
        try:
            with engine.begin() as conn:
                rows = int(conn.execute(sa.text(f"SELECT count(*) FROM {staging}")).scalar_one())
                exists = sa.inspect(conn).has_table(self.name, schema=self.schema)
                if self.mode == "append" and exists:
                    conn.execute(sa.text(f"INSERT INTO {target} SELECT * FROM {staging}"))
                    conn.execute(sa.text(f"DROP TABLE {staging}"))
                else:
                    conn.execute(sa.text(f"DROP TABLE IF EXISTS {target}"))
                    conn.execute(sa.text(f'ALTER TABLE {staging} RENAME TO "{self.name}"'))
                yield rows
        except BaseException:
            self.drop()
            raise
        finally:
            engine.dispose()

    def drop(self) -> None:
        import sqlalchemy as sa

        engine = sa.create_engine(self.target.sqlalchemy_url())
        try:
            with engine.begin() as conn:
                conn.execute(sa.text(f'DROP TABLE IF EXISTS "{self.schema}"."{self.staging}"'))
        finally:
            engine.dispose()
