"""Schedules for jobs: Glue's ``cron(...)`` dialect, standard 5-field cron and ``@`` aliases.

Three spellings are accepted by :func:`parse_schedule`:

* Glue (and EventBridge) ``cron(Minutes Hours Day-of-month Month Day-of-week Year)``: day-of-week
  1-7 with 1 = Sunday, names ``JAN``-``DEC`` and ``SUN``-``SAT``, year 1970-2199, and exactly one of
  day-of-month / day-of-week must be ``?``. Wildcards ``, - * /`` everywhere, ``L`` (last day of the
  month; ``5L`` or ``FRIL`` = last Friday), ``W`` (``15W`` = weekday nearest the 15th, ``LW`` = last
  weekday) and ``#`` (``3#2`` = second Tuesday).
* Standard 5-field cron ``minute hour day-of-month month day-of-week`` (day-of-week 0-7, 0 and 7 =
  Sunday; when both day fields are restricted a day matching either one fires, as in Vixie cron).
* The aliases ``@hourly @daily @midnight @weekly @monthly @yearly @annually``.

Fire times are wall-clock times in the schedule's IANA time zone (UTC by default). Across daylight
saving changes a wall-clock time that does not exist (spring forward) is skipped, and one that
happens twice (fall back) fires once, at its first occurrence. Fire times are returned with the
fixed UTC offset in force at that moment (``02:30+02:00``): they show the local wall-clock time and,
unlike a ``ZoneInfo`` time inside a repeated hour, compare equal to the same instant in any zone.

The engine is written here rather than taken from a cron library because none covers the dialect
faithfully (``LW``/``FRIL``, the year field, the ``?`` rule, 1 = Sunday) nor skips nonexistent
local times.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from glue_magics.errors import InvalidInputError

__all__ = ["Schedule", "parse_schedule"]

GLUE_YEARS = (1970, 2199)
ALIASES: dict[str, str] = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
_MONTH_NAMES = {name.upper(): i for i, name in enumerate(calendar.month_abbr) if name}
_DAY_NAMES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")  # index = Python weekday()
_WEEKDAY_WORDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ORDINALS = ("first", "second", "third", "fourth", "fifth")
# A 5-field schedule has no year field; the Gregorian calendar repeats every 400 years.
_SEARCH_YEARS = 400


class _Bad(Exception):
    """Internal: a field failed to parse; the message is completed by parse_schedule."""


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    allowed: str  # what the error message says is allowed
    wildcards: str = ", - * /"
    names: dict[str, int] | None = None


def _glue_dow_names() -> dict[str, int]:
    return {name: (i + 1) % 7 + 1 for i, name in enumerate(_DAY_NAMES)}  # SUN=1 ... SAT=7


def _std_dow_names() -> dict[str, int]:
    return {name: (i + 1) % 7 for i, name in enumerate(_DAY_NAMES)}  # SUN=0 ... SAT=6


_MINUTES = _Field("minutes", 0, 59, "0-59")
_HOURS = _Field("hours", 0, 23, "0-23")
_DOM = _Field("day-of-month", 1, 31, "1-31")
_GLUE_DOM = _Field("day-of-month", 1, 31, "1-31", ", - * ? / L W")
_MONTH = _Field("month", 1, 12, "1-12 or JAN-DEC", names=_MONTH_NAMES)
_GLUE_DOW = _Field(
    "day-of-week", 1, 7, "1-7 or SUN-SAT (1 = Sunday)", ", - * ? / L #", _glue_dow_names()
)
_STD_DOW = _Field("day-of-week", 0, 7, "0-7 or SUN-SAT (0 and 7 = Sunday)", names=_std_dow_names())
_YEAR = _Field("year", GLUE_YEARS[0], GLUE_YEARS[1], "1970-2199")


@dataclass(frozen=True)
class _DomRule:
    """Day-of-month: plain days, L (last day), LW (last weekday), nW (weekday nearest day n)."""

    days: frozenset[int] = frozenset()
    last: bool = False
    last_weekday: bool = False
    nearest: frozenset[int] = frozenset()

    def plain_only(self) -> bool:
        return not (self.last or self.last_weekday or self.nearest)

    def days_in(self, year: int, month: int) -> set[int]:
        length = calendar.monthrange(year, month)[1]
        out = {d for d in self.days if d <= length}
        if self.last:
            out.add(length)
        if self.last_weekday:
            out.add(_nearest_weekday(year, month, length, length))
        for day in self.nearest:
            if day <= length:
                out.add(_nearest_weekday(year, month, day, length))
        return out


@dataclass(frozen=True)
class _DowRule:
    """Day-of-week (Python weekday numbers, Monday = 0): plain days, nL (last), n#k (k-th)."""

    weekdays: frozenset[int] = frozenset()
    last: frozenset[int] = frozenset()
    nth: frozenset[tuple[int, int]] = frozenset()

    def plain_only(self) -> bool:
        return not (self.last or self.nth)

    def days_in(self, year: int, month: int) -> set[int]:
        first_weekday, length = calendar.monthrange(year, month)
        out: set[int] = set()
        for day in range(1, length + 1):
            weekday = (first_weekday + day - 1) % 7
            if weekday in self.weekdays:
                out.add(day)
            if weekday in self.last and day + 7 > length:
                out.add(day)
            if (weekday, (day - 1) // 7 + 1) in self.nth:
                out.add(day)
        return out


def _nearest_weekday(year: int, month: int, day: int, length: int) -> int:
    """The Monday-to-Friday day nearest ``day``, never leaving the month (Quartz's ``W``)."""
    weekday = calendar.weekday(year, month, day)
    if weekday == 5:  # Saturday: the Friday before, or the Monday after when the 1st is a Saturday
        return day - 1 if day > 1 else day + 2
    if weekday == 6:  # Sunday: the Monday after, or the Friday before when it ends the month
        return day + 1 if day < length else day - 2
    return day


def _parse_number(token: str, field: _Field) -> int:
    upper = token.upper()
    if field.names is not None and upper in field.names:
        return field.names[upper]
    if not token.isdigit():
        if token.isalpha():
            raise _Bad(f"{field.name} name {token!r} is unknown; allowed {field.allowed}")
        raise _Bad(f"{field.name} value {token!r} is not valid; allowed {field.allowed}")
    value = int(token)
    if not field.low <= value <= field.high:
        raise _Bad(f"{field.name} value {value} is out of range; allowed {field.allowed}")
    return value


def _parse_step(token: str, field: _Field) -> int:
    span = field.high - field.low
    if not token.isdigit() or not 1 <= int(token) <= max(span, 1):
        raise _Bad(
            f"step {token!r} in {field.name} must be a whole number from 1 to {max(span, 1)}"
        )
    return int(token)


def _parse_values(text: str, field: _Field) -> set[int]:
    """Comma list of ``*``, ``a``, ``a-b`` with an optional ``/step`` (a range may wrap around)."""
    values: set[int] = set()
    for item in text.split(","):
        if not item:
            raise _Bad(f"{field.name} has an empty list item; allowed {field.allowed}")
        base, slash, step_text = item.partition("/")
        step = _parse_step(step_text, field) if slash else 1
        if base == "*":
            start, end = field.low, field.high
        elif "-" in base:
            first, _, last = base.partition("-")
            start, end = _parse_number(first, field), _parse_number(last, field)
        else:
            start = _parse_number(base, field)
            end = field.high if slash else start
        size = field.high - field.low + 1
        count = (end - start) % size + 1  # a reversed range (22-2) wraps around the field
        values.update(field.low + (start - field.low + i) % size for i in range(0, count, step))
    return values


def _parse_glue_dom(text: str) -> _DomRule:
    days: set[int] = set()
    last = last_weekday = False
    nearest: set[int] = set()
    for item in text.upper().split(","):
        if item == "L":
            last = True
        elif item == "LW":
            last_weekday = True
        elif item.endswith("W") and item[:-1].isdigit():
            nearest.add(_parse_number(item[:-1], _DOM))
        elif "L" in item or "W" in item or "#" in item:
            raise _Bad(
                f"day-of-month item {item!r} is not valid; allowed 1-31, L, LW or nW (as 15W)"
            )
        else:
            days |= _parse_values(item, _DOM)
    return _DomRule(frozenset(days), last, last_weekday, frozenset(nearest))


def _glue_weekday(value: int) -> int:
    return (value - 2) % 7  # Glue 1 = Sunday -> Python 6, 2 = Monday -> 0


def _parse_glue_dow(text: str) -> _DowRule:
    weekdays: set[int] = set()
    last: set[int] = set()
    nth: set[tuple[int, int]] = set()
    for item in text.upper().split(","):
        if item == "L":  # alone, L is the last day of the week: Saturday
            weekdays.add(5)
        elif item.endswith("L") and "-" not in item and "/" not in item:
            last.add(_glue_weekday(_parse_number(item[:-1], _GLUE_DOW)))
        elif "#" in item:
            day, _, which = item.partition("#")
            if not which.isdigit() or not 1 <= int(which) <= 5:
                raise _Bad(f"day-of-week {item!r}: the number after # must be 1-5")
            nth.add((_glue_weekday(_parse_number(day, _GLUE_DOW)), int(which)))
        else:
            weekdays |= {_glue_weekday(v) for v in _parse_values(item, _GLUE_DOW)}
    return _DowRule(frozenset(weekdays), frozenset(last), frozenset(nth))


@dataclass(frozen=True)
class _Spec:
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    months: frozenset[int]
    years: tuple[int, ...] | None  # None: any year (5-field cron)
    dom: _DomRule | None  # None: any day of the month
    dow: _DowRule | None  # None: any day of the week
    day_or: bool  # 5-field cron with both day fields restricted: either may match
    five_field: str | None  # the equivalent standard cron, when one exists
    five_field_obstacle: str | None  # why there is none


def _check_chars(text: str, field: _Field) -> None:
    allowed = set(field.wildcards.replace(" ", ""))
    for char in text:
        if not (char.isalnum() or char in allowed):
            raise _Bad(f"{field.name} has {char!r}; allowed {field.allowed} and {field.wildcards}")


def _parse_glue(body: str) -> _Spec:
    fields = body.split()
    if len(fields) != 6:
        raise _Bad(
            f"cron(...) takes 6 fields (minutes hours day-of-month month day-of-week year), "
            f"got {len(fields)}"
        )
    minute_t, hour_t, dom_t, month_t, dow_t, year_t = fields
    for text, field in ((minute_t, _MINUTES), (hour_t, _HOURS), (month_t, _MONTH), (year_t, _YEAR)):
        _check_chars(text, field)
    _check_chars(dom_t, _GLUE_DOM)
    _check_chars(dow_t, _GLUE_DOW)
    for text, field in ((dom_t, _DOM), (dow_t, _GLUE_DOW)):
        if "?" in text and text != "?":
            raise _Bad(f"? must stand alone in {field.name}")
    if dom_t == "?" and dow_t == "?":
        raise _Bad("day-of-month and day-of-week cannot both be ?; set one of them")
    if dom_t != "?" and dow_t != "?":
        raise _Bad("day-of-month and day-of-week cannot both be set; use ? in one of them")
    minutes = tuple(sorted(_parse_values(minute_t, _MINUTES)))
    hours = tuple(sorted(_parse_values(hour_t, _HOURS)))
    months = frozenset(_parse_values(month_t, _MONTH))
    years = tuple(sorted(_parse_values(year_t, _YEAR)))
    dom = _parse_glue_dom(dom_t) if dom_t != "?" else None
    dow = _parse_glue_dow(dow_t) if dow_t != "?" else None
    if dom is not None and dom.plain_only() and len(dom.days) == 31:
        dom = None
    if dow is not None and dow.plain_only() and len(dow.weekdays) == 7:
        dow = None

    obstacle = None
    if years != tuple(range(GLUE_YEARS[0], GLUE_YEARS[1] + 1)):
        obstacle = f"year {year_t!r} (standard cron has no year field)"
    elif dom is not None and not dom.plain_only():
        obstacle = f"day-of-month {dom_t!r} (standard cron has no L or W)"
    elif dow is not None and not dow.plain_only():
        obstacle = f"day-of-week {dow_t!r} (standard cron has no L or #)"
    five = None
    if obstacle is None:
        dom_text = _render(sorted(dom.days), _DOM, steps=False) if dom else "*"
        std_days = sorted((d + 1) % 7 for d in dow.weekdays) if dow else []
        dow_text = _render(std_days, _Field("day-of-week", 0, 6, "")) if dow else "*"
        five = " ".join(
            (
                _render(minutes, _MINUTES, steps=True),
                _render(hours, _HOURS, steps=True),
                dom_text,
                _render(sorted(months), _MONTH, steps=True),
                dow_text,
            )
        )
    return _Spec(minutes, hours, months, years, dom, dow, False, five, obstacle)


def _parse_standard(fields: list[str]) -> _Spec:
    minute_t, hour_t, dom_t, month_t, dow_t = fields
    for text, field in (
        (minute_t, _MINUTES),
        (hour_t, _HOURS),
        (dom_t, _DOM),
        (month_t, _MONTH),
        (dow_t, _STD_DOW),
    ):
        if "?" in text or ("L" in text.upper() and field is _DOM) or "#" in text:
            raise _Bad(
                f"{field.name} {text!r} uses Glue wildcards; write cron(...) with 6 fields for ? L W #"
            )
        _check_chars(text, field)
    minutes = tuple(sorted(_parse_values(minute_t, _MINUTES)))
    hours = tuple(sorted(_parse_values(hour_t, _HOURS)))
    months = frozenset(_parse_values(month_t, _MONTH))
    dom_days = _parse_values(dom_t, _DOM)
    weekdays = {(v - 1) % 7 for v in _parse_values(dow_t, _STD_DOW)}  # 0 and 7 = Sunday = 6
    dom = None if len(dom_days) == 31 else _DomRule(frozenset(dom_days))
    dow = None if len(weekdays) == 7 else _DowRule(frozenset(weekdays))
    # Vixie cron: when either day field starts with *, both must match; otherwise either may.
    day_or = not (dom_t.startswith("*") or dow_t.startswith("*"))
    if day_or and (dom is None or dow is None):
        dom = dow = None  # one side matches every day, so every day matches
    five = " ".join(fields)
    return _Spec(minutes, hours, months, None, dom, dow, day_or, five, None)


def _render(values: list[int] | tuple[int, ...], field: _Field, steps: bool = True) -> str:
    """Shortest plain cron text for a set of values: *, */n, a-b runs and commas."""
    full = list(range(field.low, field.high + 1))
    values = list(values)
    if values == full:
        return "*"
    if steps and len(values) > 2:
        step = values[1] - values[0]
        if values[0] == field.low and values == full[::step]:
            return f"*/{step}"
    parts: list[str] = []
    run: list[int] = []
    for value in [*values, None]:
        if value is not None and run and value == run[-1] + 1:
            run.append(value)
            continue
        if run:
            parts.append(f"{run[0]}-{run[-1]}" if len(run) > 2 else ",".join(map(str, run)))
        run = [value] if value is not None else []
    return ",".join(parts)


def parse_schedule(expr: str, timezone: str = "UTC") -> Schedule:
    """Parse ``cron(...)`` (Glue), a 5-field cron or an ``@`` alias, in an IANA time zone.

    Raises :class:`~glue_magics.errors.InvalidInputError` with a one-line message naming the bad
    field and what it allows.
    """
    text = " ".join(str(expr).split())
    try:
        tz = _zone(timezone)
        if not text:
            raise _Bad("it is empty; write cron(minutes hours day-of-month month day-of-week year)")
        if text.startswith("@"):
            if text.lower() not in ALIASES:
                raise _Bad(f"unknown alias {text!r}; allowed {', '.join(ALIASES)}")
            spec = _parse_standard(ALIASES[text.lower()].split())
        elif text.lower().startswith("cron(") or text.lower().startswith("cron ("):
            if not text.endswith(")"):
                raise _Bad("cron( is not closed with )")
            spec = _parse_glue(text[text.index("(") + 1 : -1])
        else:
            fields = text.split()
            if len(fields) != 5:
                raise _Bad(
                    f"expected cron(minutes hours day-of-month month day-of-week year), "
                    f"5 standard cron fields or an @alias; got {len(fields)} fields"
                )
            spec = _parse_standard(fields)
    except _Bad as err:
        raise InvalidInputError(f"invalid schedule {expr!r}: {err}") from None
    schedule = Schedule(text, timezone, tz, spec)
    if not schedule._ever_fires():
        raise InvalidInputError(
            f"invalid schedule {expr!r}: it never fires (no day matches the day, month and year fields)"
        )
    return schedule


def _zone(name: str) -> ZoneInfo:
    try:
        if not name or name != name.strip():
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise _Bad(
            f"unknown timezone {name!r}; use an IANA name such as UTC or Europe/Paris"
        ) from None


class Schedule:
    """A parsed schedule: fire times, a description in words and a standard-cron equivalent."""

    def __init__(self, expression: str, timezone: str, tz: ZoneInfo, spec: _Spec) -> None:
        self._expression = expression
        self._timezone = timezone
        self._tz = tz
        self._spec = spec
        self._clock = [(h, m) for h in spec.hours for m in spec.minutes]

    @property
    def expression(self) -> str:
        """The expression as given (whitespace normalised)."""
        return self._expression

    @property
    def timezone(self) -> str:
        """The IANA time zone the fields are read in."""
        return self._timezone

    def __repr__(self) -> str:
        return f"Schedule({self._expression!r}, timezone={self._timezone!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Schedule):
            return NotImplemented
        return (self._expression, self._timezone) == (other._expression, other._timezone)

    def __hash__(self) -> int:
        return hash((self._expression, self._timezone))

    # -- fire times ---------------------------------------------------------------------------

    def next_after(self, dt: datetime) -> datetime | None:
        """The first fire time strictly after ``dt`` (aware), or None when the years run out."""
        _require_aware(dt, "next_after")
        local = dt.astimezone(self._tz)
        times = self._clock
        for day in self._dates(local.date(), forward=True):
            start = bisect_left(times, (local.hour, local.minute)) if day == local.date() else 0
            for hour, minute in times[start:]:
                candidate = self._resolve(day, hour, minute)
                if candidate is not None and candidate > dt:
                    return candidate
        return None

    def previous_before(self, dt: datetime) -> datetime | None:
        """The last fire time strictly before ``dt`` (aware), or None before the first one."""
        _require_aware(dt, "previous_before")
        local = dt.astimezone(self._tz)
        times = self._clock
        for day in self._dates(local.date(), forward=False):
            end = len(times)
            if day == local.date() and not local.fold:
                end = bisect_right(times, (local.hour, local.minute))
            for hour, minute in reversed(times[:end]):
                candidate = self._resolve(day, hour, minute)
                if candidate is not None and candidate < dt:
                    return candidate
        return None

    def fire_times(self, start: datetime, end: datetime) -> Iterator[datetime]:
        """Fire times in ``(start, end]``, in order."""
        _require_aware(start, "fire_times")
        _require_aware(end, "fire_times")
        current: datetime | None = start
        while current is not None:
            current = self.next_after(current)
            if current is None or current > end:
                return
            yield current

    def _resolve(self, day: date, hour: int, minute: int) -> datetime | None:
        """The aware time for a local wall-clock time; None when DST skips it."""
        naive = datetime(day.year, day.month, day.day, hour, minute)
        aware = naive.replace(tzinfo=self._tz)  # fold=0: the first of two repeated times
        back = aware.astimezone(timezone.utc).astimezone(self._tz)
        if back.replace(tzinfo=None) != naive:
            return None
        offset = aware.utcoffset()
        assert offset is not None
        return aware.astimezone(timezone(offset))

    def _year_range(self, year: int, forward: bool) -> Iterator[int]:
        years = self._spec.years
        if years is None:
            if forward:
                yield from range(year, min(year + _SEARCH_YEARS, 9999) + 1)
            else:
                yield from range(year, max(year - _SEARCH_YEARS, 1) - 1, -1)
        elif forward:
            yield from years[bisect_left(years, year) :]
        else:
            yield from reversed(years[: bisect_right(years, year)])

    def _days_in(self, year: int, month: int) -> list[int]:
        spec = self._spec
        if spec.dom is None and spec.dow is None:
            return list(range(1, calendar.monthrange(year, month)[1] + 1))
        if spec.dow is None:
            assert spec.dom is not None
            return sorted(spec.dom.days_in(year, month))
        if spec.dom is None:
            return sorted(spec.dow.days_in(year, month))
        dom_days, dow_days = spec.dom.days_in(year, month), spec.dow.days_in(year, month)
        return sorted(dom_days | dow_days if spec.day_or else dom_days & dow_days)

    def _dates(self, start: date, forward: bool) -> Iterator[date]:
        months = sorted(self._spec.months)
        for year in self._year_range(start.year, forward):
            for month in months if forward else reversed(months):
                if year == start.year and (month < start.month if forward else month > start.month):
                    continue
                days = self._days_in(year, month)
                for day in days if forward else reversed(days):
                    if (year, month) == (start.year, start.month) and (
                        day < start.day if forward else day > start.day
                    ):
                        continue
                    yield date(year, month, day)

    def _ever_fires(self) -> bool:
        first = self._spec.years[0] if self._spec.years else 2000
        return next(self._dates(date(first, 1, 1), forward=True), None) is not None

    # -- other forms --------------------------------------------------------------------------

    def as_five_field(self) -> str | None:
        """The equivalent standard 5-field cron (same fire times), or None when none exists."""
        return self._spec.five_field

    def five_field_obstacle(self) -> str | None:
        """Which part of the expression has no standard-cron equivalent (None when all do)."""
        return self._spec.five_field_obstacle

    def describe(self) -> str:
        """The schedule in words, for a UI ("every day at 12:00 UTC"); the expression otherwise."""
        words = _describe(self._spec, self._timezone)
        return words if words is not None else f"{self._expression} ({self._timezone})"


def _require_aware(dt: datetime, what: str) -> None:
    if not isinstance(dt, datetime) or dt.tzinfo is None or dt.utcoffset() is None:
        raise InvalidInputError(f"{what} needs a timezone-aware datetime, got {dt!r}")


# -- describe ---------------------------------------------------------------------------------


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _progression(values: tuple[int, ...], size: int) -> int | None:
    """The step when ``values`` are every n-th value of a cycle of ``size`` (n divides size)."""
    if len(values) < 2:
        return None
    step = values[1] - values[0]
    if size % step or values[0] >= step or list(values) != list(range(values[0], size, step)):
        return None
    return step


def _describe_time(spec: _Spec, tz: str) -> tuple[str, bool] | None:
    """(phrase, is_clock_time) for the minutes and hours fields."""
    minutes, hours = spec.minutes, spec.hours
    all_hours = len(hours) == 24
    if len(minutes) == 1 and all_hours:
        if minutes[0] == 0:
            return "every hour", False
        return f"every hour at minute {minutes[0]}", False
    if len(minutes) == 1:
        step = _progression(hours, 24)
        if step is not None and hours[0] == 0:
            at = f" at minute {minutes[0]}" if minutes[0] else ""
            return f"every {step} hours{at}", False
        if len(hours) <= 4:
            clock = [f"{h:02d}:{minutes[0]:02d}" for h in hours]
            return f"at {_join(clock)} {tz}", True
        return None
    step = 1 if len(minutes) == 60 else _progression(minutes, 60)
    if step is None:
        return None
    every = "every minute" if step == 1 else f"every {step} minutes"
    if minutes[0]:
        every += f" from minute {minutes[0]}"
    if all_hours:
        return every, False
    if list(hours) == list(range(hours[0], hours[-1] + 1)):
        return (
            f"{every} from {hours[0]:02d}:{minutes[0]:02d} to {hours[-1]:02d}:{minutes[-1]:02d} {tz}",
            False,
        )
    return None


def _weekday_list(weekdays: frozenset[int]) -> str:
    days = sorted(weekdays)
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"{_WEEKDAY_WORDS[days[0]]} to {_WEEKDAY_WORDS[days[-1]]}"
    return f"on {_join([_WEEKDAY_WORDS[d] for d in days])}"


def _describe_days(spec: _Spec) -> tuple[str, bool] | None:
    """(phrase, names_the_month) for the day fields; "" for every day."""
    if spec.dom is None and spec.dow is None:
        return "", False
    if spec.dom is not None and spec.dow is not None:
        return None  # both restricted (5-field cron): left to the expression
    if spec.dow is not None:
        rule = spec.dow
        if rule.plain_only():
            if len(rule.weekdays) == 1:
                return f"every {_WEEKDAY_WORDS[next(iter(rule.weekdays))]}", False
            return _weekday_list(rule.weekdays), False
        if rule.weekdays:
            return None
        items = [f"the last {_WEEKDAY_WORDS[d]}" for d in sorted(rule.last)]
        items += [
            f"the {_ORDINALS[k - 1]} {_WEEKDAY_WORDS[d]}"
            for d, k in sorted(rule.nth, key=lambda x: (x[1], x[0]))
        ]
        return f"on {_join(items)} of {{months}}", True
    assert spec.dom is not None
    rule_d = spec.dom
    items = []
    if rule_d.days:
        days = sorted(rule_d.days)
        items.append(f"day{'s' if len(days) > 1 else ''} {_join([str(d) for d in days])}")
    items += [f"the weekday nearest day {d}" for d in sorted(rule_d.nearest)]
    if rule_d.last:
        items.append("the last day")
    if rule_d.last_weekday:
        items.append("the last weekday")
    return f"on {_join(items)} of {{months}}", True


def _describe(spec: _Spec, tz: str) -> str | None:
    time = _describe_time(spec, tz)
    days = _describe_days(spec)
    if time is None or days is None:
        return None
    time_text, is_clock = time
    day_text, names_month = days
    all_months = len(spec.months) == 12
    month_words = _join([calendar.month_name[m] for m in sorted(spec.months)])
    if names_month:
        day_text = day_text.format(months="every month" if all_months else month_words)
    if not day_text:
        text = f"every day {time_text}" if is_clock else time_text
    elif day_text.startswith(("on ", "every ")):
        text = f"{time_text} {day_text}"
    else:
        text = f"{time_text}, {day_text}"
    if not all_months and not names_month:
        text += f" in {month_words}"
    years = spec.years
    if years is not None and len(years) != GLUE_YEARS[1] - GLUE_YEARS[0] + 1:
        if len(years) > 2 and list(years) == list(range(years[0], years[-1] + 1)):
            text += f" from {years[0]} to {years[-1]}"
        else:
            text += f" in {_join([str(y) for y in years])}"
    return text
