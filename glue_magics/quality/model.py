"""What the evaluator asks of a data engine, independent of Spark and pandas.

Per-row checks are small predicate trees (``Pred``); metrics are ``Agg`` (scalar aggregates, all
computed in one pass over the data) and ``Freq`` (value frequencies of a column set, one grouping
per column set). Both are hashable, so rules that need the same metric share it.
"""

from __future__ import annotations

from dataclasses import dataclass

# -- values of a row


@dataclass(frozen=True)
class Col:
    """A column, converted when ``as_type`` is given: "double", "timestamp" or "string"
    (values that do not convert are NULL)."""

    name: str
    as_type: str | None = None


@dataclass(frozen=True)
class Length:
    """The length of a column's text; NULL counts as 0 (Glue's ColumnLength)."""

    name: str


@dataclass(frozen=True)
class Age:
    """Seconds between ``now`` (epoch seconds) and a date/timestamp column; NULL when not a date."""

    name: str
    now: float


Value = Col | Length | Age


@dataclass(frozen=True)
class DateValue:
    """A point in time (epoch seconds, UTC) on the right of a comparison."""

    epoch: float


# -- predicates: True when the row satisfies them; NULL operands make leaves False


@dataclass(frozen=True)
class IsNull:
    name: str


@dataclass(frozen=True)
class Compare:
    value: Value
    op: str  # > >= < <= = !=
    literal: float | str | DateValue


@dataclass(frozen=True)
class InSet:
    value: Value
    values: tuple[float | str | DateValue, ...]


@dataclass(frozen=True)
class Matches:
    """Regular-expression search (anchor the pattern for a full match)."""

    name: str
    pattern: str


@dataclass(frozen=True)
class Blank:
    """'' (EMPTY) or only whitespace (WHITESPACES_ONLY)."""

    name: str
    whitespace_only: bool


@dataclass(frozen=True)
class Castable:
    """The value is NULL or converts to ``type`` (Glue's ColumnDataType)."""

    name: str
    type: str


@dataclass(frozen=True)
class Sql:
    """A SQL predicate (a where clause): Spark SQL on Spark, SQLite on pandas."""

    text: str


@dataclass(frozen=True)
class Not:
    pred: Pred


@dataclass(frozen=True)
class And:
    preds: tuple[Pred, ...]


@dataclass(frozen=True)
class Or:
    preds: tuple[Pred, ...]


Pred = IsNull | Compare | InSet | Matches | Blank | Castable | Sql | Not | And | Or
TRUE: Pred = And(())
FALSE: Pred = Or(())


def not_null(name: str) -> Pred:
    return Not(IsNull(name))


def conj(*preds: Pred) -> Pred:
    flat: list[Pred] = []
    for p in preds:
        if isinstance(p, And):
            flat.extend(p.preds)
        else:
            flat.append(p)
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def disj(*preds: Pred) -> Pred:
    flat: list[Pred] = []
    for p in preds:
        if isinstance(p, Or):
            flat.extend(p.preds)
        else:
            flat.append(p)
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


def columns_of(pred: Pred | Value | None) -> set[str]:
    """Columns a predicate or value reads (SQL text excluded)."""
    if pred is None or isinstance(pred, Sql):
        return set()
    if isinstance(pred, (Col, Length, Age, IsNull, Matches, Blank, Castable)):
        return {pred.name}
    if isinstance(pred, (Compare, InSet)):
        return columns_of(pred.value)
    if isinstance(pred, Not):
        return columns_of(pred.pred)
    out: set[str] = set()
    for p in pred.preds:
        out |= columns_of(p)
    return out


# -- metric requests


@dataclass(frozen=True)
class Agg:
    """One scalar aggregate over the rows where ``where`` holds (all rows when None).

    fn: rows | count_if(pred) | nonnull(arg) | sum | mean | stddev | variance | min | max (arg) |
    corr(arg, arg2).
    """

    fn: str
    arg: Value | None = None
    arg2: Value | None = None
    pred: Pred | None = None
    where: str | None = None


@dataclass(frozen=True)
class Freq:
    """Value frequencies of a column set (rows with every column NULL left out)."""

    columns: tuple[str, ...]
    where: str | None = None


@dataclass(frozen=True)
class FreqStats:
    rows: int  # rows with at least one non-NULL column
    distinct: int  # distinct values
    unique: int  # values that occur exactly once
    duplicated: int  # rows whose value occurs more than once
    entropy: float | None  # -sum(p ln p), natural log


def freq_stats(rows: int, distinct: int, unique: int, sum_c_ln_c: float) -> FreqStats:
    import math

    entropy = None if rows == 0 else math.log(rows) - sum_c_ln_c / rows
    duplicated = rows - unique
    return FreqStats(rows, distinct, unique, duplicated, entropy)


#: Spark/pandas type families the evaluator reasons about.
NUMERIC, TEXT, TEMPORAL, BOOLEAN, OTHER = "numeric", "text", "temporal", "boolean", "other"
