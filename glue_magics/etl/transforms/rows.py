"""Row-level transforms: SplitRows and FillMissingValues."""

from __future__ import annotations

import contextlib
import datetime
import decimal
import difflib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pyspark.errors import AnalysisException
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import (
    AtomicType,
    BooleanType,
    ByteType,
    DataType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    IntegerType,
    LongType,
    NumericType,
    ShortType,
    StringType,
    StructType,
    TimestampNTZType,
    TimestampType,
)

from glue_magics.errors import InvalidInputError

from ._common import (
    Edit,
    all_paths,
    apply_edit,
    as_path_list,
    check_frame,
    column_at,
    format_path,
    resolve,
)

_COMPARATORS = {
    "<": "__lt__",
    "<=": "__le__",
    ">": "__gt__",
    ">=": "__ge__",
    "=": "__eq__",
    "==": "__eq__",
    "!=": "__ne__",
}


def _comparison(fn: str, df: DataFrame, spec: Mapping[Any, Any]) -> Column:
    """Glue's comparison_dict: ``{"age": {">": 10, "<": 20}}`` means 10 < age < 20."""
    if not spec:
        raise InvalidInputError(f"{fn}: the comparison dict is empty")
    condition: Column | None = None
    for path, comparisons in spec.items():
        value = column_at(resolve(fn, df.schema, path, arrays=False, what="column").names)
        if not isinstance(comparisons, Mapping) or not comparisons:
            raise InvalidInputError(
                f"{fn}: the comparisons for {path!r} must be a dict such as {{'>': 10}}, got {comparisons!r}"
            )
        for op, operand in comparisons.items():
            if op not in _COMPARATORS:
                raise InvalidInputError(
                    f"{fn}: unknown comparator {op!r} for {path!r}; use one of {', '.join(_COMPARATORS)}"
                )
            test = getattr(value, _COMPARATORS[op])(F.lit(operand))
            condition = test if condition is None else condition & test
    assert condition is not None
    return condition


@contextlib.contextmanager
def _quiet_analysis_errors() -> Iterator[None]:
    """pyspark logs every analysis error with a stack trace; here it becomes one line instead."""
    from glue_magics.spark.sql import pyspark_logger

    loggers = [pyspark_logger(n) for n in ("DataFrameQueryContextLogger", "SQLQueryContextLogger")]
    before = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    try:
        yield
    finally:
        for logger, disabled in zip(loggers, before, strict=True):
            logger.disabled = disabled


def _predicate(fn: str, df: DataFrame, predicate: object) -> Column:
    if isinstance(predicate, Mapping):
        condition = _comparison(fn, df, predicate)
    elif isinstance(predicate, str):
        if not predicate.strip():
            raise InvalidInputError(f"{fn}: the predicate is empty")
        condition = F.expr(predicate)
    elif isinstance(predicate, Column):
        condition = predicate
    else:
        raise InvalidInputError(
            f"{fn}: predicate must be a SQL condition string, a Column or a comparison dict,"
            f" got {type(predicate).__name__}"
        )
    try:  # analysing it now turns a typo into one clear error instead of a failed job later
        with _quiet_analysis_errors():
            dtype = df.select(condition.alias("predicate")).schema[0].dataType
    except AnalysisException as err:
        raise _predicate_error(fn, df, predicate, err) from None
    if not isinstance(dtype, BooleanType):
        raise InvalidInputError(
            f"{fn}: the predicate {predicate!s} is {dtype.simpleString()}, not boolean"
        )
    return condition


def _predicate_error(
    fn: str, df: DataFrame, predicate: object, err: AnalysisException
) -> InvalidInputError:
    params = err.getMessageParameters() or {}
    if (err.getCondition() or "").startswith("UNRESOLVED_COLUMN") and "objectName" in params:
        name = params["objectName"].replace("`", "")
        candidates = list(all_paths(df.schema, arrays=True))
        close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.5)
        hint = (
            f"did you mean {' or '.join(repr(c) for c in close)}?"
            if close
            else f"the columns are: {', '.join(df.columns)}"
        )
        return InvalidInputError(f"{fn}: the predicate names no column {name!r}; {hint}")
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return InvalidInputError(f"{fn}: invalid predicate {predicate!s}: {first}")


def split_rows(
    df: DataFrame, predicate: str | Column | Mapping[str, Mapping[str, Any]]
) -> tuple[DataFrame, DataFrame]:
    """Glue's SplitRows: ``(matching, rest)``.

    ``predicate`` is a Spark SQL condition (``"age > 10 AND state = 'WA'"``), a boolean Column,
    or Glue's comparison dict ``{"age": {">": 10, "<": 20}}`` (comparators ``<  <=  >  >=  =
    ==  !=``, all of them must hold). Every row lands in exactly one frame: a row whose predicate
    is null (``age > 10`` with a null age) goes to ``rest``, as it does not match. A
    non-deterministic predicate (``rand() < 0.5``) is evaluated once per frame, so cache first.
    """
    fn = "split_rows"
    check_frame(fn, df)
    condition = F.coalesce(_predicate(fn, df, predicate), F.lit(False))
    return df.filter(condition), df.filter(~condition)


# --- FillMissingValues -------------------------------------------------------------------------

_STRATEGIES = ("mean", "median", "mode", "constant")
_INTEGRAL_RANGES = {
    ByteType: 2**7,
    ShortType: 2**15,
    IntegerType: 2**31,
    LongType: 2**63,
}


def _missing(value: Column, dtype: DataType) -> Column:
    """Glue counts nulls and empty strings as missing; NaN too here, since it spoils a mean."""
    if isinstance(dtype, StringType):
        return value.isNull() | (value == "")
    if isinstance(dtype, (FloatType, DoubleType)):
        return value.isNull() | F.isnan(value)
    return value.isNull()


def _constant(value: object, dtype: DataType) -> Column | None:
    """``value`` as a literal of ``dtype``, or None when it is not a value of that type."""
    fits = False
    if isinstance(value, bool):
        fits = isinstance(dtype, BooleanType)
    elif isinstance(value, int):
        limit = next((v for k, v in _INTEGRAL_RANGES.items() if isinstance(dtype, k)), None)
        fits = (
            (-limit <= value < limit)
            if limit
            else isinstance(dtype, (FloatType, DoubleType, DecimalType))
        )
    elif isinstance(value, (float, decimal.Decimal)):
        fits = isinstance(dtype, (FloatType, DoubleType, DecimalType))
    elif isinstance(value, str):
        fits = isinstance(dtype, StringType)
    elif isinstance(value, datetime.datetime):
        fits = isinstance(dtype, (TimestampType, TimestampNTZType))
    elif isinstance(value, datetime.date):
        fits = isinstance(dtype, DateType)
    return F.lit(value).try_cast(dtype) if fits else None


def _supports(strategy: str, dtype: DataType, value: object) -> bool:
    if strategy in ("mean", "median"):
        return isinstance(dtype, NumericType)
    if strategy == "mode":
        return isinstance(dtype, AtomicType)
    return _constant(value, dtype) is not None


def _statistic(strategy: str, present: Column) -> Column:
    if strategy == "mean":
        return F.avg(present)
    if strategy == "median":
        return F.median(present)
    return F.mode(present, deterministic=True)  # ties go to the smallest value


def _as_type(stat: Column, dtype: DataType) -> Column:
    if isinstance(dtype, (ByteType, ShortType, IntegerType, LongType)):
        stat = F.round(stat)  # a mean of 2.5 fills an int column with 3 (half up)
    return stat.cast(dtype)


def fill_missing(
    df: DataFrame,
    columns: str | Sequence[str] | None = None,
    *,
    strategy: str = "mean",
    value: object = None,
) -> DataFrame:
    """Glue's FillMissingValues: add ``<column>_filled`` with the missing values filled in.

    As in Glue, the original column is left as it is, and the new column (same type) holds its
    value where present and the estimate where missing; missing means null, an empty string
    (string columns) or NaN (float and double). Glue estimates with a trained model; here the
    estimate is a statistic of the column's present values, from one aggregate pass:
    ``mean`` or ``median`` (numeric columns; rounded half up for integer columns), ``mode``
    (any atomic column; ties go to the smallest value), or ``constant`` (``value``, which must be
    of the column's type). A column with no present values keeps its missing values.

    ``columns`` is a path or a list of them (``address.zip`` adds ``address.zip_filled`` at the
    end of the struct; a row whose struct is null keeps it null). ``None`` takes every top-level
    column the strategy applies to, and returns the frame unchanged when there is none.
    """
    fn = "fill_missing"
    check_frame(fn, df)
    if strategy not in _STRATEGIES:
        raise InvalidInputError(
            f"{fn}: unknown strategy {strategy!r}; use one of {', '.join(_STRATEGIES)}"
        )
    if strategy == "constant" and value is None:
        raise InvalidInputError(f"{fn}: strategy 'constant' needs a value")
    if strategy != "constant" and value is not None:
        raise InvalidInputError(
            f"{fn}: value is only used with strategy 'constant', not {strategy!r}"
        )
    targets: list[tuple[tuple[str, ...], DataType]] = []
    if columns is None:
        for f in df.schema.fields:
            if _supports(strategy, f.dataType, value):
                targets.append(((f.name,), f.dataType))
    else:
        for path in as_path_list(fn, columns, what="columns"):
            found = resolve(fn, df.schema, path, arrays=False, what="column")
            if not _supports(strategy, found.dtype, value):
                have = found.dtype.simpleString()
                if strategy == "constant":
                    raise InvalidInputError(
                        f"{fn}: the constant {value!r} does not fit {path!r}, which is {have}"
                    )
                need = "an atomic (not nested)" if strategy == "mode" else "a numeric"
                raise InvalidInputError(f"{fn}: {strategy} needs {need} column; {path!r} is {have}")
            if found.names not in [t for t, _ in targets]:
                targets.append((found.names, found.dtype))
    if not targets:
        return df
    for names, _ in targets:  # before the aggregate pass, so a clash fails fast
        parent = df.schema
        for name in names[:-1]:
            nested = parent[name].dataType
            assert isinstance(nested, StructType)
            parent = nested
        if f"{names[-1]}_filled" in parent.fieldNames():
            out = format_path([*names[:-1], f"{names[-1]}_filled"])
            raise InvalidInputError(f"{fn}: {out!r} exists; rename or drop it first")
    fills: list[Column | None]
    if strategy == "constant":
        fills = [_constant(value, dtype) for _, dtype in targets]
    else:
        stats = [
            _statistic(strategy, F.when(~_missing(column_at(names), dtype), column_at(names)))
            for names, dtype in targets
        ]
        row = df.agg(*[s.alias(f"s{i}") for i, s in enumerate(stats)]).first()
        assert row is not None
        fills = [
            None if row[f"s{i}"] is None else _as_type(F.lit(row[f"s{i}"]), dtype)
            for i, (_, dtype) in enumerate(targets)
        ]
    root = Edit()
    for (names, dtype), fill in zip(targets, fills, strict=True):
        current = column_at(names)
        filled = (
            current if fill is None else F.when(_missing(current, dtype), fill).otherwise(current)
        )
        root.at(names[:-1]).append.append((f"{names[-1]}_filled", filled))
    return apply_edit(df, root)


__all__ = ["fill_missing", "split_rows"]
