"""Metrics and row-level checks on a Spark DataFrame (classic or Spark Connect).

All scalar aggregates of a ruleset go into one ``DataFrame.agg`` (one pass over the data); value
frequencies need one grouping per column set. Where clauses become conditional aggregates, so they
cost no extra pass.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from glue_magics.quality.model import (
    BOOLEAN,
    NUMERIC,
    OTHER,
    TEMPORAL,
    TEXT,
    Age,
    Agg,
    And,
    Blank,
    Castable,
    Compare,
    DateValue,
    Freq,
    FreqStats,
    InSet,
    IsNull,
    Length,
    Matches,
    Not,
    Or,
    Pred,
    Sql,
    Value,
    freq_stats,
)

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

_CAST = {
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "integer": "int",
    "int": "int",
    "double": "double",
    "float": "float",
    "long": "bigint",
    "short": "smallint",
    "byte": "tinyint",
    "decimal": "decimal(38,18)",
    "string": "string",
}


def quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


class SparkEngine:
    kind = "spark"

    def __init__(self, df: DataFrame) -> None:
        self.df = df
        self.spark: SparkSession = df.sparkSession
        self.schema = df.schema
        self.columns = [f.name for f in self.schema.fields]
        self._types = {f.name: f.dataType for f in self.schema.fields}
        self._sql_cache: dict[str, Any] = {}

    # -- schema
    def resolve(self, name: str) -> str | None:
        """The column called ``name``; Spark matches names case-insensitively."""
        if name in self._types:
            return name
        lower = name.lower()
        return next((c for c in self.columns if c.lower() == lower), None)

    def family(self, name: str) -> str:
        from pyspark.sql import types as T

        t = self._types[name]
        if isinstance(t, T.NumericType):
            return NUMERIC
        if isinstance(t, (T.StringType, T.VarcharType, T.CharType)):
            return TEXT
        if isinstance(t, (T.DateType, T.TimestampType, T.TimestampNTZType)):
            return TEMPORAL
        if isinstance(t, T.BooleanType):
            return BOOLEAN
        return OTHER

    def type_name(self, name: str) -> str:
        return str(self._types[name].simpleString())

    # -- compiling
    def value(self, v: Value) -> Column:
        from pyspark.sql import functions as F

        if isinstance(v, Length):
            return F.coalesce(F.length(F.col(quote(v.name)).cast("string")), F.lit(0))
        if isinstance(v, Age):
            ts = self._timestamp(v.name)
            return F.lit(v.now) - F.unix_micros(ts) / F.lit(1_000_000.0)
        col = F.col(quote(v.name))
        family = self.family(v.name)
        if v.as_type == "double" and family != NUMERIC:
            return col.try_cast("double")
        if v.as_type == "timestamp":
            return self._timestamp(v.name)
        if v.as_type == "string" and family != TEXT:
            return col.cast("string")
        return col

    def _timestamp(self, name: str) -> Column:
        from pyspark.sql import functions as F

        col = F.col(quote(name))
        return col.cast("timestamp") if self.family(name) == TEMPORAL else col.try_cast("timestamp")

    @staticmethod
    def literal(x: object) -> Column:
        from pyspark.sql import functions as F

        if isinstance(x, DateValue):
            return F.lit(datetime.fromtimestamp(x.epoch, timezone.utc))
        return F.lit(x)

    def pred(self, p: Pred) -> Column:
        """A non-NULL boolean column: NULL leaves count as False."""
        from pyspark.sql import functions as F

        if isinstance(p, Not):
            return ~self.pred(p.pred)
        if isinstance(p, And):
            out = F.lit(True)
            for i, q in enumerate(p.preds):
                out = self.pred(q) if i == 0 else out & self.pred(q)
            return out
        if isinstance(p, Or):
            out = F.lit(False)
            for i, q in enumerate(p.preds):
                out = self.pred(q) if i == 0 else out | self.pred(q)
            return out
        return F.coalesce(self._leaf(p), F.lit(False))

    def _leaf(self, p: Pred) -> Column:
        from pyspark.sql import functions as F

        if isinstance(p, IsNull):
            return F.col(quote(p.name)).isNull()
        if isinstance(p, Compare):
            left, right = self.value(p.value), self.literal(p.literal)
            return {
                ">": left > right,
                ">=": left >= right,
                "<": left < right,
                "<=": left <= right,
                "=": left == right,
                "!=": left != right,
            }[p.op]
        if isinstance(p, InSet):
            return self.value(p.value).isin([self.literal(v) for v in p.values])
        if isinstance(p, Matches):
            return F.col(quote(p.name)).cast("string").rlike(p.pattern)
        if isinstance(p, Blank):
            col = F.col(quote(p.name)).cast("string")
            return col.rlike(r"^\s+$") if p.whitespace_only else col == F.lit("")
        if isinstance(p, Castable):
            col = F.col(quote(p.name))
            return col.isNull() | col.try_cast(_CAST[p.type.lower()]).isNotNull()
        if isinstance(p, Sql):
            return F.expr(p.text)
        raise TypeError(f"not a predicate: {p!r}")

    def where(self, where: str | None) -> Column | None:
        from pyspark.sql import functions as F

        return None if where is None else F.coalesce(F.expr(where), F.lit(False))

    def _agg_column(self, a: Agg) -> Column:
        from pyspark.sql import functions as F

        w = self.where(a.where)

        def scoped(col: Column) -> Column:
            return col if w is None else F.when(w, col)

        if a.fn == "rows":
            return F.count(F.lit(1)) if w is None else F.count(F.when(w, 1))
        if a.fn == "count_if":
            assert a.pred is not None
            p = self.pred(a.pred)
            return F.count(F.when(p if w is None else w & p, 1))
        assert a.arg is not None
        v = self.value(a.arg)
        if a.fn == "nonnull":
            return F.count(scoped(v))
        if a.fn == "corr":
            assert a.arg2 is not None
            return F.corr(scoped(v).cast("double"), scoped(self.value(a.arg2)).cast("double"))
        fn = {
            "sum": F.sum,
            "mean": F.avg,
            "stddev": F.stddev_pop,
            "variance": F.var_pop,
            "min": F.min,
            "max": F.max,
        }[a.fn]
        return fn(scoped(v))

    # -- computing
    def compute(
        self, aggs: Sequence[Agg], freqs: Sequence[Freq]
    ) -> tuple[dict[Agg, Any], dict[Freq, FreqStats], dict[object, str]]:
        """Values of the metrics, and errors (metric -> message) of the ones that failed."""
        errors: dict[object, str] = {}
        values: dict[Agg, Any] = {}
        todo = list(dict.fromkeys(aggs))
        if todo:
            columns: list[Any] = []
            good: list[Agg] = []
            for a in todo:
                try:
                    columns.append(self._agg_column(a).alias(f"m{len(good)}"))
                    good.append(a)
                except Exception as exc:  # a bad where clause or type: that metric fails only
                    errors[a] = spark_message(exc)
            if good:
                row: Any
                try:
                    row = self.df.agg(*columns).collect()[0]
                except Exception:
                    good, columns = self._isolate(good, errors)
                    try:
                        row = self.df.agg(*columns).collect()[0] if columns else None
                    except Exception as exc:  # the data itself cannot be read
                        from glue_magics.spark.sql import spark_error

                        raise spark_error(exc) from None
                for i, a in enumerate(good):
                    values[a] = _plain(row[i])
        stats: dict[Freq, FreqStats] = {}
        for f in dict.fromkeys(freqs):
            try:
                stats[f] = self._freq(f)
            except Exception as exc:
                errors[f] = spark_message(exc)
        return values, stats, errors

    def _isolate(self, aggs: list[Agg], errors: dict[object, str]) -> tuple[list[Agg], list[Any]]:
        """Find the aggregates Spark refuses (analysis only, no job) and drop them."""
        good: list[Agg] = []
        columns: list[Any] = []
        for a in aggs:
            col = self._agg_column(a).alias(f"m{len(good)}")
            try:
                _ = self.df.agg(col).schema
            except Exception as exc:
                errors[a] = spark_message(exc)
                continue
            good.append(a)
            columns.append(col)
        return good, columns

    def _freq(self, f: Freq) -> FreqStats:
        from pyspark.sql import functions as F

        df = self.df
        w = self.where(f.where)
        if w is not None:
            df = df.where(w)
        cols = [F.col(quote(c)) for c in f.columns]
        any_value = cols[0].isNotNull()
        for c in cols[1:]:
            any_value = any_value | c.isNotNull()
        grouped = df.where(any_value).groupBy(*cols).agg(F.count(F.lit(1)).alias("n"))
        n = F.col("n")
        row = grouped.agg(
            F.sum(n),
            F.count(F.lit(1)),
            F.count(F.when(n == 1, 1)),
            F.sum(n * F.log(n)),
        ).collect()[0]
        return freq_stats(
            int(row[0] or 0), int(row[1] or 0), int(row[2] or 0), float(row[3] or 0.0)
        )

    def first_value(self, value: Value, pred: Pred, where: str | None) -> Any:
        """A non-NULL value (as text) from a row where ``pred`` holds, else None (NULL)."""
        column = self.value(value)
        condition = self.pred(pred) & column.isNotNull()
        scope = self.where(where)
        if scope is not None:
            condition = scope & condition
        rows = self.df.where(condition).select(column.cast("string")).limit(1).collect()
        return rows[0][0] if rows else None

    def sql(self, query: str, views: dict[str, SparkEngine]) -> list[tuple[Any, ...]]:
        """Run ``query`` with ``primary`` (this data) and the reference aliases as views."""
        names = {"primary": self, **views}
        for name, engine in names.items():
            engine.df.createOrReplaceTempView(name)
        try:
            rows = self.spark.sql(query).limit(1000).collect()
        finally:
            for name in names:
                self.spark.catalog.dropTempView(name)
        return [tuple(_plain(v) for v in r) for r in rows]

    def _sql_frame(
        self, query: str, views: dict[str, SparkEngine], keep_views: bool = False
    ) -> DataFrame:
        """``query`` over temporary views ``primary`` and the reference aliases. A classic
        session resolves the views when it analyses the query, so they are dropped at once; a
        Spark Connect plan is resolved at execution, so row-level frames keep them."""
        names = {"primary": self, **views}
        for name, engine in names.items():
            engine.df.createOrReplaceTempView(name)
        try:
            frame = self.spark.sql(query)
            _ = frame.schema  # analysed (errors surface here) while the views exist
            return frame
        finally:
            if not (keep_views and _is_connect(self.spark)):
                for name in names:
                    self.spark.catalog.dropTempView(name)

    def sql_count(self, query: str, views: dict[str, SparkEngine]) -> int:
        """How many rows a row-returning CustomSql returns."""
        names = {"primary": self, **views}
        for name, engine in names.items():
            engine.df.createOrReplaceTempView(name)
        try:
            return int(self.spark.sql(query).count())
        finally:
            for name in names:
                self.spark.catalog.dropTempView(name)

    def row_count(self) -> int:
        return int(self.df.count())

    def key_fraction_present(
        self, columns: list[str], other: SparkEngine, other_columns: list[str]
    ) -> tuple[int, int]:
        """(rows whose key is found in ``other``, rows): ReferentialIntegrity."""
        from pyspark.sql import functions as F

        marker = f"__gm_ref_{uuid.uuid4().hex[:8]}"
        keys = (
            other.df.select(*[F.col(quote(o)).alias(f"k{i}") for i, o in enumerate(other_columns)])
            .distinct()
            .withColumn(marker, F.lit(1))
        )
        cond = [F.col(quote(c)) == F.col(f"k{i}") for i, c in enumerate(columns)]
        joined = self.df.select(*[F.col(quote(c)) for c in columns]).join(
            keys, on=_all(cond), how="left"
        )
        row = joined.agg(F.count(F.col(marker)), F.count(F.lit(1))).collect()[0]
        return int(row[0]), int(row[1])

    def dataset_match(
        self, other: SparkEngine, keys: list[tuple[str, str]], matches: list[tuple[str, str]]
    ) -> tuple[int, int, str | None]:
        """(matching rows, primary rows, problem): DatasetMatch on a unique, non-NULL key."""
        from pyspark.sql import functions as F

        mine = self.df.select(
            *[F.col(quote(a)).alias(f"k{i}") for i, (a, _) in enumerate(keys)],
            *[F.col(quote(a)).alias(f"v{i}") for i, (a, _) in enumerate(matches)],
        )
        theirs = other.df.select(
            *[F.col(quote(b)).alias(f"k{i}") for i, (_, b) in enumerate(keys)],
            *[F.col(quote(b)).alias(f"w{i}") for i, (_, b) in enumerate(matches)],
        )
        kcols = [f"k{i}" for i in range(len(keys))]
        for frame in (mine, theirs):
            row = frame.agg(
                F.count(F.lit(1)),
                F.countDistinct(*[F.col(k) for k in kcols]),
                F.count(F.when(_any([F.col(k).isNull() for k in kcols]), 1)),
            ).collect()[0]
            if row[2] or row[0] != row[1]:
                return 0, 0, "Provided key map not suitable for given data frames"
        joined = mine.join(theirs, on=kcols, how="left")
        same = [F.col(f"v{i}").eqNullSafe(F.col(f"w{i}")) for i in range(len(matches))]
        row = joined.agg(F.count(F.when(_all(same), 1)), F.count(F.lit(1))).collect()[0]
        return int(row[0]), int(row[1]), None

    # -- row level
    def with_outcomes(
        self, checks: list[tuple[str, Any, str | None]], views: dict[str, SparkEngine]
    ) -> DataFrame:
        """The data with Glue's row-level columns: DataQualityRulesPass / Fail / Skip (rule texts)
        and DataQualityEvaluationResult ("Passed" / "Failed").

        ``checks`` are (rule text, check, where); a check is a Pred, ("unique", cols, complete),
        ("member", cols, engine-or-sql, other cols) or None (the rule has no row-level result).
        """
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        df = self.df
        extra: list[str] = []
        conditions: list[tuple[str, Any, Any]] = []  # (text, pass column or None, in-scope column)
        for index, (text, check, where) in enumerate(checks):
            scope = self.where(where)
            if check is None:
                conditions.append((text, None, scope))
                continue
            if isinstance(check, tuple) and check[0] == "unique":
                _, cols, complete = check
                name = f"__gm_n{index}"
                part = [F.col(quote(c)) for c in cols]
                counted = F.count(F.lit(1)).over(Window.partitionBy(*part))
                df = df.withColumn(name, counted)
                extra.append(name)
                allnull = _all([c.isNull() for c in part])
                ok = F.col(name) == 1
                ok = (~allnull & ok) if complete else (allnull | ok)
                if complete:
                    ok = ok & _all([c.isNotNull() for c in part])
                conditions.append((text, F.coalesce(ok, F.lit(False)), scope))
                continue
            if isinstance(check, tuple) and check[0] == "member":
                _, cols, source, other_cols = check
                name = f"__gm_m{index}"
                if isinstance(source, str):
                    other_df = self._sql_frame(source, views, keep_views=True)
                    other_cols = other_cols or other_df.columns[:1]
                else:
                    other_df = source.df
                keys = (
                    other_df.select(
                        *[F.col(quote(o)).alias(f"{name}_k{i}") for i, o in enumerate(other_cols)]
                    )
                    .distinct()
                    .withColumn(name, F.lit(True))
                )
                cond = [F.col(quote(c)) == F.col(f"{name}_k{i}") for i, c in enumerate(cols)]
                df = df.join(keys, on=_all(cond), how="left").drop(
                    *[f"{name}_k{i}" for i in range(len(other_cols))]
                )
                extra.append(name)
                conditions.append((text, F.coalesce(F.col(name), F.lit(False)), scope))
                continue
            conditions.append((text, self.pred(check), scope))
        passed, failed, skipped = [], [], []
        for text, ok, scope in conditions:
            label = F.lit(text)
            if ok is None:
                skipped.append(label)
                continue
            inside = F.lit(True) if scope is None else scope
            passed.append(F.when(inside & ok, label))
            failed.append(F.when(inside & ~ok, label))
            skipped.append(F.when(~inside, label))

        def listed(items: list[Any]) -> Column:
            if not items:
                return F.array().cast("array<string>")
            return F.filter(F.array(*items), lambda x: x.isNotNull())

        out = df.select(
            *[F.col(quote(c)) for c in self.columns],
            listed(passed).alias("DataQualityRulesPass"),
            listed(failed).alias("DataQualityRulesFail"),
            listed(skipped).alias("DataQualityRulesSkip"),
        )
        return out.withColumn(
            "DataQualityEvaluationResult",
            F.when(F.size("DataQualityRulesFail") > 0, F.lit("Failed")).otherwise(F.lit("Passed")),
        )


def _all(cols: Iterable[Any]) -> Any:
    from pyspark.sql import functions as F

    out = None
    for c in cols:
        out = c if out is None else out & c
    return F.lit(True) if out is None else out


def _any(cols: Iterable[Any]) -> Any:
    from pyspark.sql import functions as F

    out = None
    for c in cols:
        out = c if out is None else out | c
    return F.lit(False) if out is None else out


def _is_connect(spark: Any) -> bool:
    return type(spark).__module__.startswith("pyspark.sql.connect")


def _plain(value: Any) -> Any:
    """Spark values as plain Python (Decimal -> float)."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    return value


def spark_message(exc: BaseException) -> str:
    """One line of a Spark error, without the JVM stack trace."""
    text = str(exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return first[:500]


__all__ = ["BOOLEAN", "OTHER", "TEMPORAL", "TEXT", "SparkEngine"]
