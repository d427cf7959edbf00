"""Evaluating DQDL conditions: on a rule's metric (with dynamic expressions over its stored
history), and per row (ColumnValues, ColumnLength, DataFreshness) as predicates for the engines."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from datetime import datetime, time, timezone

from glue_magics.quality import model as m
from glue_magics.quality.dqdl import (
    BinOp,
    Call,
    Condition,
    Duration,
    Keyword,
    Neg,
    Now,
    NullValue,
    Num,
    Operand,
    Size,
    Str,
    parse_date,
)

History = Callable[[], Sequence[float]]


class NoHistory(Exception):
    """A dynamic expression needs stored values of the metric and there are none (yet)."""


class ConditionError(Exception):
    """The condition cannot be applied to this data (e.g. a string compared with a number column)."""


def number(expr: Operand, history: History | None) -> float | list[float]:
    """The value of a number expression; ``last(k)`` gives a list, newest value first."""
    if isinstance(expr, Num):
        return expr.value
    if isinstance(expr, NullValue):
        return math.nan
    if isinstance(expr, Neg):
        return -_scalar(number(expr.operand, history))
    if isinstance(expr, BinOp):
        a = _scalar(number(expr.left, history))
        b = _scalar(number(expr.right, history))
        if expr.op == "+":
            return a + b
        if expr.op == "-":
            return a - b
        if expr.op == "*":
            return a * b
        return a / b if b != 0 else math.nan
    if isinstance(expr, Call):
        return _call(expr, history)
    raise ConditionError(f"not a number: {expr!r}")


def _scalar(value: float | list[float]) -> float:
    if isinstance(value, list):
        raise ConditionError("last(k) is a list: use avg(last(k)), min, max or index(last(k), i)")
    return value


def _call(call: Call, history: History | None) -> float | list[float]:
    if call.name == "last":
        k = int(_scalar(number(call.args[0], history)))
        values = list(history() if history is not None else [])[:k]
        if not values:
            raise NoHistory
        return values
    args = [number(a, history) for a in call.args]
    if call.name == "index":
        seq, i = args[0], int(_scalar(args[1]))
        if not isinstance(seq, list):
            seq = [seq]
        if not 0 <= i < len(seq):
            raise NoHistory
        return seq[i]
    if call.name == "percentile":
        seq, p = args[0], _scalar(args[1])
        values = sorted(seq if isinstance(seq, list) else [seq])
        q = p / 100 if p > 1 else p
        pos = (len(values) - 1) * q
        low, high = math.floor(pos), math.ceil(pos)
        return values[low] + (values[high] - values[low]) * (pos - low)
    flat: list[float] = []
    for a in args:
        flat.extend(a if isinstance(a, list) else [a])
    if not flat:
        raise NoHistory
    if call.name in ("avg", "average"):
        return sum(flat) / len(flat)
    if call.name == "min":
        return min(flat)
    if call.name == "max":
        return max(flat)
    if call.name == "sum":
        return float(sum(flat))
    if call.name in ("std", "stddev"):
        return statistics.pstdev(flat) if len(flat) > 1 else 0.0
    raise ConditionError(f"unknown function {call.name}()")


def check_number(cond: Condition, value: float | None, history: History | None = None) -> bool:
    """Does a metric satisfy a number condition? (between is exclusive, as in Glue.)"""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    operands = [_scalar(number(o, history)) for o in cond.operands if not isinstance(o, Keyword)]
    op = cond.op
    negate = op.startswith("not ")
    base = op.removeprefix("not ")
    if base == "between":
        result = operands[0] < value < operands[1]
    elif base == "in":
        result = any(_same(value, o) for o in operands)
    elif base == "=":
        result = _same(value, operands[0])
    elif base == "!=":
        result = not _same(value, operands[0])
    else:
        result = _compare(value, base, operands[0])
    return not result if negate else result


def _same(a: float, b: float) -> bool:
    return a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _compare(a: float, op: str, b: float) -> bool:
    if math.isnan(b):
        return False
    return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[op]


def check_scalar(cond: Condition, value: float) -> bool:
    """A condition on a duration (seconds) or a size (bytes)."""
    operands = []
    for o in cond.operands:
        if isinstance(o, Duration):
            operands.append(o.seconds)
        elif isinstance(o, Size):
            operands.append(o.bytes)
        elif isinstance(o, Num):
            operands.append(o.value)
    op = cond.op
    negate = op.startswith("not ")
    base = op.removeprefix("not ")
    if base == "between":
        result = operands[0] < value < operands[1]
    elif base == "in":
        result = any(_same(value, o) for o in operands)
    elif base == "=":
        result = _same(value, operands[0])
    elif base == "!=":
        result = not _same(value, operands[0])
    else:
        result = _compare(value, base, operands[0])
    return not result if negate else result


def static_bounds(cond: Condition) -> tuple[float | None, float | None, bool, bool] | None:
    """(min, max, strict_min, strict_max) when a number condition is a plain range (for a Great
    Expectations expectation's kwargs); None when it is not (sets, negations, dynamic rules)."""
    if cond.dynamic or cond.family != "number":
        return None
    try:
        values = [number(o, None) for o in cond.operands]
    except (NoHistory, ConditionError):
        return None
    if any(isinstance(v, list) or math.isnan(v) for v in values):
        return None
    nums = [float(v) for v in values]  # type: ignore[arg-type]
    op = cond.op
    if op == "between":
        return nums[0], nums[1], True, True
    if op == ">":
        return nums[0], None, True, False
    if op == ">=":
        return nums[0], None, False, False
    if op == "<":
        return None, nums[0], False, True
    if op == "<=":
        return None, nums[0], False, False
    if op == "=":
        return nums[0], nums[0], False, False
    return None


# -- dates


def date_epoch(operand: Operand, now: datetime) -> float | None:
    """A date operand as epoch seconds (UTC); None for NULL."""
    if isinstance(operand, Now):
        return now.timestamp() + operand.offset
    if isinstance(operand, Str):
        parsed = parse_date(operand.value)
        if parsed is None:
            raise ConditionError(f"{operand.value!r} is not a date")
        if isinstance(parsed, time):
            parsed = datetime.combine(now.astimezone(timezone.utc).date(), parsed)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.timestamp()
    if isinstance(operand, Keyword):
        return None
    raise ConditionError(f"not a date: {operand!r}")


def check_date(cond: Condition, epoch: float, now: datetime) -> bool:
    values = [date_epoch(o, now) for o in cond.operands]
    nums = [v for v in values if v is not None]
    base = cond.op.removeprefix("not ")
    if base == "between":
        result = nums[0] < epoch < nums[1]
    elif base == "in":
        result = any(_same(epoch, v) for v in nums)
    elif base == "=":
        result = _same(epoch, nums[0])
    elif base == "!=":
        result = not _same(epoch, nums[0])
    else:
        result = _compare(epoch, base, nums[0])
    return not result if cond.op.startswith("not ") else result


# -- per-row checks


def _literal(o: Operand, kind: str, now: datetime) -> float | str | m.DateValue:
    if kind == "date":
        epoch = date_epoch(o, now)
        assert epoch is not None
        return m.DateValue(epoch)
    if kind == "number":
        value = number(o, None)
        return _scalar(value)
    assert isinstance(o, Str)
    return o.value


def value_pred(
    cond: Condition, column: str, family: str, now: datetime, *, length: bool = False
) -> m.Pred:
    """The per-row check of a ColumnValues (or, with ``length``, ColumnLength) condition: True
    when the row passes. NULL rows fail, except with != and not in, and when NULL is listed."""
    op = cond.op
    negate = op.startswith("not ")
    base = op.removeprefix("not ")
    keywords = [o for o in cond.operands if isinstance(o, Keyword)]
    plain = [o for o in cond.operands if not isinstance(o, Keyword)]
    value: m.Value
    if length:
        kind, value = "number", m.Length(column)
    elif cond.family == "date":
        kind, value = "date", m.Col(column, "timestamp")
    elif cond.family == "number":
        kind = "number"
        value = m.Col(column, None if family == m.NUMERIC else "double")
    else:
        kind = "string"
        value = m.Col(column, None if family == m.TEXT else "string")

    def lit(o: Operand) -> float | str | m.DateValue:
        return _literal(o, kind, now)

    keyword_preds: list[m.Pred] = []
    for k in keywords:
        if k.name == "NULL":
            keyword_preds.append(m.IsNull(column))
        else:
            keyword_preds.append(m.Blank(column, k.name == "WHITESPACES_ONLY"))

    if base == "matches":
        pattern = plain[0].value  # type: ignore[union-attr]
        match: m.Pred = m.conj(m.not_null(column), m.Matches(column, f"^(?:{pattern})$"))
        return m.conj(m.not_null(column), m.Not(match)) if negate else match
    if base == "between":
        low, high = lit(plain[0]), lit(plain[1])
        inside = m.conj(m.Compare(value, ">", low), m.Compare(value, "<", high))
        if negate:
            return m.Not(inside) if length else m.conj(m.not_null(column), m.Not(inside))
        return inside
    if base in ("in", "=", "!="):
        values = tuple(lit(o) for o in plain)
        member: m.Pred
        if base == "in":
            member = m.InSet(value, values) if values else m.FALSE
        else:
            member = m.Compare(value, "=", values[0]) if values else m.FALSE
        if keyword_preds:
            member = m.disj(member, *keyword_preds)
        if base == "!=" or negate:
            # != and not in let NULL rows pass, unless NULL is listed.
            if length:
                return m.Not(member)
            nulls_listed = any(k.name == "NULL" for k in keywords)
            out = m.Not(member)
            return out if nulls_listed else m.disj(m.IsNull(column), out)
        return member
    # > >= < <=
    return m.Compare(value, base, lit(plain[0]))


def nulls_pass(cond: Condition) -> bool:
    """Do NULL rows pass this ColumnValues condition?"""
    keywords = [o.name for o in cond.operands if isinstance(o, Keyword)]
    base = cond.op.removeprefix("not ")
    negated = cond.op.startswith("not ") or base == "!="
    if base in ("in", "=", "!="):
        return ("NULL" in keywords) != negated
    return False


def describe_value(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return repr(round(value, 10))
    return str(value)
