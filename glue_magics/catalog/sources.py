"""Where a table found by a database crawl lives: its database's URL, password, schema and name.

A database crawl records ``connectionName`` (the crawler, or a saved connection) and Glue's JDBC
location ``database.schema.table``; readers (Spark, the sidebar's preview) resolve them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from glue_magics.errors import EntityNotFoundError, InvalidInputError

if TYPE_CHECKING:
    from glue_magics.catalog.api import Catalog
    from glue_magics.catalog.objects import Table

DATABASE_DATA = frozenset({"table", "view"})  # typeOfData of tables a database crawl found


@dataclass(frozen=True)
class DatabaseSource:
    url: str  # SQLAlchemy URL, without the password
    password: str | None
    schema: str
    name: str

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


def is_database_table(table: Table) -> bool:
    params = table.parameters
    return bool(params.get("connectionName")) and params.get("typeOfData") in DATABASE_DATA


def database_source(catalog: Catalog, table: Table) -> DatabaseSource:
    """The database a crawl read ``table`` from: its crawler's database target and secret
    reference, or a saved connection of that name."""
    from glue_magics.catalog.connections import resolve_secret_ref
    from glue_magics.crawler.run import is_database_url

    parts = (table.location or "").split(".")
    if len(parts) < 2:
        raise InvalidInputError(
            f"table {table.qualified_name} has no database location (schema.table) to read"
        )
    schema, name = parts[-2], parts[-1]
    origin = table.parameters["connectionName"]
    try:
        crawler = catalog.get_crawler(origin)
    except EntityNotFoundError:
        crawler = None
    if crawler is not None:
        for target in crawler.targets:
            if is_database_url(target):
                secret = crawler.options.get("connection_secret")
                password = resolve_secret_ref(secret) if secret else None
                return DatabaseSource(target, password, schema, name)
    try:
        connection = catalog.get_connection(origin)
    except (EntityNotFoundError, InvalidInputError):
        raise EntityNotFoundError(
            f"table {table.qualified_name} came from {origin!r}, which is neither a saved crawler "
            "with a database target nor a connection"
        ) from None
    if connection.url.startswith("jdbc:"):
        raise InvalidInputError(
            f"connection {origin!r} has a JDBC URL; reading its tables needs a SQLAlchemy URL "
            "(postgresql+psycopg://..., mysql+pymysql://..., sqlite:///...)"
        )
    return DatabaseSource(connection.url, catalog.connection_secret(origin), schema, name)
