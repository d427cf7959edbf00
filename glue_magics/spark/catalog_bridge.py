"""Catalog tables in Spark: the glue_magics catalog is the source of truth, Spark's session
catalog a cache of it.

Tables are registered on demand — when a query names them — so a catalog with 10,000 tables costs
nothing up front. A registration declares the catalog's schema, format options and location, then
adds the catalog's partitions (no file listing, no schema inference, no RECOVER PARTITIONS), so a
filter on partition keys reads only the matching folders. A table is registered again when its
version or its partitions changed in the catalog, whoever changed them (a crawl, another kernel).

Tables a database crawl found are declared over Spark's JDBC source, with the URL and the secret
of the crawler (or connection) that found them; Spark pushes filters down to the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from glue_magics.catalog import Catalog, Table
from glue_magics.catalog.names import split_table_name
from glue_magics.catalog.sources import DatabaseSource, database_source, is_database_table
from glue_magics.catalog.types import base_type
from glue_magics.errors import EntityNotFoundError, InvalidInputError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: catalog classification -> Spark data source
SPARK_SOURCES = {
    "parquet": "parquet",
    "orc": "orc",
    "json": "json",
    "csv": "csv",
    "xml": "xml",
    "avro": "avro",
}
_PARTITION_BATCH = 500
_STRING = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.)*\"")
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_QUALIFIED = re.compile(r"(?:`([^`]+)`|([A-Za-z_][\w]*))\s*\.\s*(?:`([^`]+)`|([A-Za-z_][\w\-]*))")


def quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def spark_location(location: str) -> str:
    """Glue writes s3:// locations; Hadoop's S3 connector is s3a://."""
    return "s3a://" + location[5:] if location.startswith("s3://") else location


def referenced_tables(sql: str) -> list[str]:
    """``db.table`` names a SQL text mentions (outside strings and comments), in order."""
    text = _STRING.sub("''", _COMMENT.sub(" ", sql))
    seen: dict[str, None] = {}
    for m in _QUALIFIED.finditer(text):
        database = (m.group(1) or m.group(2)).lower()
        table = (m.group(3) or m.group(4)).lower()
        seen[f"{database}.{table}"] = None
    return list(seen)


def _column_type(hive_type: str) -> str:
    # Spark has no union type; the rest of Hive's type strings are valid Spark DDL.
    return "string" if base_type(hive_type) == "uniontype" else hive_type


def _source_options(table: Table) -> dict[str, str]:
    params = table.parameters
    kind = table.classification
    options: dict[str, str] = {}
    if kind == "csv":
        options["sep"] = params.get("delimiter", table.serde_parameters.get("field.delim", ","))
        options["header"] = "true" if params.get("skip.header.line.count") == "1" else "false"
    elif kind == "xml":
        options["rowTag"] = params.get("rowTag", "row")
    if params.get("compressionType") not in (None, "none"):
        options["compression"] = params["compressionType"]
    return options


def create_statements(table: Table) -> list[str]:
    """The Spark SQL that declares ``table`` as the catalog describes it."""
    kind = table.classification
    if kind not in SPARK_SOURCES:
        raise InvalidInputError(
            f"{table.qualified_name} is a {kind or 'unclassified'} table; Spark reads "
            f"{', '.join(SPARK_SOURCES)} tables from the catalog"
        )
    if not table.location:
        raise InvalidInputError(f"{table.qualified_name} has no location")
    name = f"{quote(table.database)}.{quote(table.name)}"
    columns = ", ".join(
        f"{quote(c.name)} {_column_type(c.type)}" for c in (*table.columns, *table.partition_keys)
    )
    options = _source_options(table)
    parts = [f"CREATE TABLE {name} ({columns}) USING {SPARK_SOURCES[kind]}"]
    if options:
        parts.append(
            "OPTIONS (" + ", ".join(f"{quote(k)} {literal(v)}" for k, v in options.items()) + ")"
        )
    if table.partition_keys:
        parts.append(
            "PARTITIONED BY (" + ", ".join(quote(k.name) for k in table.partition_keys) + ")"
        )
    parts.append(f"LOCATION {literal(spark_location(table.location))}")
    return [
        f"DROP TABLE IF EXISTS {name}",  # external: dropping it leaves the data alone
        " ".join(parts),
    ]


#: SQLAlchemy backend -> (JDBC subprotocol, driver class); the PostgreSQL driver ships with the
#: session (spark.jars), the others need theirs on spark.jars.
JDBC_DRIVERS = {
    "postgresql": ("postgresql", "org.postgresql.Driver"),
    "mysql": ("mysql", "com.mysql.cj.jdbc.Driver"),
    "mariadb": ("mariadb", "org.mariadb.jdbc.Driver"),
    "mssql": ("sqlserver", "com.microsoft.sqlserver.jdbc.SQLServerDriver"),
}


def jdbc_statements(table: Table, source: DatabaseSource) -> list[str]:
    """The Spark SQL that declares a crawled database table over Spark's JDBC source."""
    from sqlalchemy.engine import make_url

    url = make_url(source.url)
    backend = url.get_backend_name()
    if backend not in JDBC_DRIVERS:
        raise InvalidInputError(
            f"{table.qualified_name} lives in a {backend} database; Spark reads database tables "
            f"from {', '.join(JDBC_DRIVERS)}"
        )
    protocol, driver = JDBC_DRIVERS[backend]
    host = url.host or "localhost"
    port = f":{url.port}" if url.port else ""
    separator = ";databaseName=" if protocol == "sqlserver" else "/"
    options = {
        "url": f"jdbc:{protocol}://{host}{port}{separator}{url.database or ''}",
        "dbtable": source.qualified,
        "driver": driver,
    }
    if url.username:
        options["user"] = url.username
    if source.password:
        options["password"] = source.password
    name = f"{quote(table.database)}.{quote(table.name)}"
    rendered = ", ".join(f"{quote(k)} {literal(v)}" for k, v in options.items())
    return [
        f"DROP TABLE IF EXISTS {name}",
        f"CREATE TABLE {name} USING jdbc OPTIONS ({rendered})",
    ]


class CatalogBridge:
    """Keeps a Spark session's catalog in step with the glue_magics catalog, table by table."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._registered: dict[str, tuple[Any, ...]] = {}

    def forget(self, _spark: object = None) -> None:
        """A new Spark session knows no tables: start over (a session start hook)."""
        self._registered.clear()

    def _signature(self, table: Table) -> tuple[Any, ...]:
        if not table.partition_keys:
            return (table.version,)
        return (table.version, *self.catalog.partition_signature(table.database, table.name))

    def ensure(self, spark: SparkSession, names: Iterable[str]) -> list[Table]:
        """Register (or refresh) the catalog tables among ``names``; unknown names are left to Spark."""
        databases = None
        tables = []
        for qualified in names:
            try:
                database, name = split_table_name(qualified)
            except InvalidInputError:
                continue
            if databases is None:
                databases = {d.name for d in self.catalog.list_databases()}
            if database not in databases:
                continue
            try:
                table = self.catalog.get_table(database, name)
            except EntityNotFoundError:
                continue
            signature = self._signature(table)
            if self._registered.get(table.qualified_name) != signature:
                self.register(spark, table)
                self._registered[table.qualified_name] = signature
            tables.append(table)
        return tables

    def ensure_sql(self, spark: SparkSession, sql: str) -> list[Table]:
        return self.ensure(spark, referenced_tables(sql))

    def register(self, spark: SparkSession, table: Table) -> None:
        if is_database_table(table):
            statements = jdbc_statements(table, database_source(self.catalog, table))
        else:
            statements = create_statements(table)
        if not spark.catalog.databaseExists(table.database):
            # Only when missing: Spark warns on every CREATE DATABASE IF NOT EXISTS that finds one.
            spark.sql(f"CREATE DATABASE IF NOT EXISTS {quote(table.database)}")
        for statement in statements:
            spark.sql(statement)
        if not table.partition_keys:
            return
        name = f"{quote(table.database)}.{quote(table.name)}"
        batch: list[str] = []
        for partition in self.catalog.iter_partitions(table.database, table.name):
            spec = ", ".join(
                f"{quote(k.name)} = {literal(v)}"
                for k, v in zip(table.partition_keys, partition.values, strict=True)
            )
            location = (
                f" LOCATION {literal(spark_location(partition.location))}"
                if partition.location
                else ""
            )
            batch.append(f"PARTITION ({spec}){location}")
            if len(batch) == _PARTITION_BATCH:
                spark.sql(f"ALTER TABLE {name} ADD IF NOT EXISTS {' '.join(batch)}")
                batch = []
        if batch:
            spark.sql(f"ALTER TABLE {name} ADD IF NOT EXISTS {' '.join(batch)}")
