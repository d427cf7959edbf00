"""Running Spark SQL against the catalog: safe parameters, on-demand table registration, one-line errors."""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from glue_magics.catalog import Catalog
from glue_magics.errors import GlueMagicsError, InvalidInputError

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

    from glue_magics.spark.catalog_bridge import CatalogBridge


def quiet_query_errors() -> None:
    """PySpark logs every failed query as a multi-line JSON record on stderr; the user gets our
    one-line error instead."""
    pyspark_logger("SQLQueryContextLogger").setLevel(logging.CRITICAL)


def pyspark_logger(name: str) -> logging.Logger:
    """PySpark's own logger of that name: PySpark logs through it with extra keywords
    (``errorClass``), which a plain ``logging.Logger`` created first would refuse."""
    from pyspark.logger import PySparkLogger

    return PySparkLogger.getLogger(name)


class SparkQueryError(GlueMagicsError):
    """Spark refused or failed a query; the message is Spark's, shortened to what matters."""


# Strings, quoted identifiers and comments are left alone when looking for parameters.
_SKIP = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|--[^\n]*|/\*.*?\*/", re.DOTALL)
_BRACED = re.compile(r"\{([A-Za-z_]\w*)\}")
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def bind_parameters(sql: str, namespace: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Turn ``{var}`` and ``:var`` into Spark named parameters bound to the namespace's values.

    Values travel as literals (Spark's parameterized SQL), never pasted into the SQL text.
    """
    pieces: list[str] = []
    names: list[str] = []
    pos = 0
    for m in _SKIP.finditer(sql):
        pieces.append(_rewrite(sql[pos : m.start()], names))
        pieces.append(m.group(0))
        pos = m.end()
    pieces.append(_rewrite(sql[pos:], names))
    args = {}
    for name in names:
        if name not in namespace:
            raise InvalidInputError(f"parameter :{name} is not a variable in the notebook")
        args[name] = namespace[name]
    return "".join(pieces), args


def _rewrite(text: str, names: list[str]) -> str:
    text = _BRACED.sub(lambda m: ":" + m.group(1), text)
    names.extend(m.group(1) for m in _NAMED.finditer(text))
    return text


def spark_error(
    exc: BaseException, catalog: Catalog | None = None, verbose: bool = False
) -> GlueMagicsError:
    """A Spark/Py4J error as one line: the error class and message, with close table names."""
    message = str(exc).strip()
    if verbose:
        return SparkQueryError(message)
    first = message.splitlines()[0] if message else type(exc).__name__
    first = re.sub(r"\s*SQLSTATE: \w+", "", first)
    position = re.search(r"line \d+,? pos \d+", message)
    if position and position.group(0) not in first:
        first += f" ({position.group(0)})"
    missing = re.search(r"TABLE_OR_VIEW_NOT_FOUND\].*?`([^`]+)`\.`([^`]+)`", message)
    if missing and catalog is not None:
        wanted = f"{missing.group(1)}.{missing.group(2)}"
        known = [
            f"{d.name}.{t.name}"
            for d in catalog.list_databases()
            for t in catalog.list_tables(d.name)
        ]
        close = difflib.get_close_matches(wanted, known, n=3)
        first = f"table {wanted} not found" + (
            f"; did you mean {', '.join(close)}?" if close else ""
        )
    return SparkQueryError(first)


@dataclass
class QueryResult:
    """The first rows of a query (``frame``) and whether there were more."""

    frame: pd.DataFrame
    limit: int
    more: bool
    statement: bool = False  # DDL/DML: no rows to show


def run_sql(
    spark: SparkSession,
    bridge: CatalogBridge,
    sql: str,
    namespace: Mapping[str, Any] | None = None,
    *,
    limit: int = 100,
    verbose_errors: bool = False,
) -> tuple[DataFrame, QueryResult]:
    """Run ``sql``; fetch only the first ``limit`` rows (never counts the whole result)."""
    if not sql.strip():
        raise InvalidInputError("the cell has no SQL")
    if limit < 1:
        raise InvalidInputError(f"--limit must be at least 1, got {limit}")
    text, args = bind_parameters(sql, namespace or {})
    quiet_query_errors()
    bridge.ensure_sql(spark, text)
    try:
        df = spark.sql(text, args=args or None)
        if not df.columns:
            return df, QueryResult(df.limit(0).toPandas(), limit, False, statement=True)
        frame: pd.DataFrame = df.limit(limit + 1).toPandas()
    except Exception as exc:
        if _is_spark_error(exc):
            raise spark_error(exc, bridge.catalog, verbose_errors) from None
        raise
    more = len(frame) > limit
    return df, QueryResult(frame.iloc[:limit], limit, more)


def _is_spark_error(exc: BaseException) -> bool:
    module = type(exc).__module__
    return module.startswith(("pyspark", "py4j"))
