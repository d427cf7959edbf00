"""Schedules: Glue's cron(...) dialect, 5-field cron, aliases, time zones, descriptions, bad input.

Expected fire times were worked out by hand from a calendar (2025-01-01 is a Wednesday).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from glue_magics.errors import InvalidInputError
from glue_magics.jobs.schedule import parse_schedule

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def nexts(expr: str, after: datetime, count: int, tz: str = "UTC") -> list[datetime]:
    schedule = parse_schedule(expr, tz)
    out: list[datetime] = []
    current: datetime | None = after
    for _ in range(count):
        current = schedule.next_after(current) if current else None
        assert current is not None
        out.append(current)
    return out


# -- every example of AWS's table of Glue cron expressions -----------------------------------------

GLUE_TABLE = [
    # run at 10:00 am (UTC) every day
    ("cron(0 10 * * ? *)", utc(2025, 1, 1, 10, 0), [utc(2025, 1, 2, 10), utc(2025, 1, 3, 10)]),
    # run at 12:15 pm (UTC) every day
    ("cron(15 12 * * ? *)", utc(2025, 1, 1, 9), [utc(2025, 1, 1, 12, 15), utc(2025, 1, 2, 12, 15)]),
    # run at 6:00 pm (UTC) every Monday through Friday: Friday the 3rd, then Monday the 6th
    (
        "cron(0 18 ? * MON-FRI *)",
        utc(2025, 1, 3, 12),
        [utc(2025, 1, 3, 18), utc(2025, 1, 6, 18), utc(2025, 1, 7, 18)],
    ),
    # run at 8:00 am (UTC) every first day of the month
    ("cron(0 8 1 * ? *)", utc(2025, 1, 1, 8), [utc(2025, 2, 1, 8), utc(2025, 3, 1, 8)]),
    # run every 15 minutes
    (
        "cron(0/15 * * * ? *)",
        utc(2025, 1, 1, 23, 40),
        [utc(2025, 1, 1, 23, 45), utc(2025, 1, 2, 0, 0), utc(2025, 1, 2, 0, 15)],
    ),
    # run every 10 minutes Monday through Friday: from Friday night to Monday 00:00
    (
        "cron(0/10 * ? * MON-FRI *)",
        utc(2025, 1, 3, 23, 45),
        [utc(2025, 1, 3, 23, 50), utc(2025, 1, 6, 0, 0), utc(2025, 1, 6, 0, 10)],
    ),
    # run every 5 minutes Monday through Friday between 8:00 am and 5:55 pm (UTC)
    (
        "cron(0/5 8-17 ? * MON-FRI *)",
        utc(2025, 1, 3, 17, 50),
        [utc(2025, 1, 3, 17, 55), utc(2025, 1, 6, 8, 0), utc(2025, 1, 6, 8, 5)],
    ),
]


@pytest.mark.parametrize(("expr", "after", "expected"), GLUE_TABLE)
def test_glue_documented_examples(expr: str, after: datetime, expected: list[datetime]) -> None:
    assert nexts(expr, after, len(expected)) == expected


# -- L, W and # -----------------------------------------------------------------------------------


def test_last_day_of_month_follows_month_length_and_leap_years() -> None:
    assert nexts("cron(0 9 L * ? *)", utc(2024, 1, 31, 9), 3) == [
        utc(2024, 2, 29, 9),
        utc(2024, 3, 31, 9),
        utc(2024, 4, 30, 9),
    ]
    assert nexts("cron(0 9 L * ? *)", utc(2025, 2, 1), 1) == [utc(2025, 2, 28, 9)]


def test_last_weekday_of_month() -> None:
    # 2025-05-31 is a Saturday -> Friday the 30th; 2025-06-30 is a Monday; 2025-08-31 is a Sunday
    assert nexts("cron(0 9 LW * ? *)", utc(2025, 5, 1), 2) == [
        utc(2025, 5, 30, 9),
        utc(2025, 6, 30, 9),
    ]
    assert nexts("cron(0 9 LW * ? *)", utc(2025, 8, 1), 1) == [utc(2025, 8, 29, 9)]


def test_nearest_weekday_never_leaves_the_month() -> None:
    # 15th: Saturday 2025-02-15 -> Friday 14th; Sunday 2025-06-15 -> Monday 16th
    assert nexts("cron(0 9 15W * ? *)", utc(2025, 2, 1), 1) == [utc(2025, 2, 14, 9)]
    assert nexts("cron(0 9 15W * ? *)", utc(2025, 6, 1), 1) == [utc(2025, 6, 16, 9)]
    # 1st: Saturday 2025-03-01 -> Monday 3rd (not Friday 28 February)
    assert nexts("cron(0 9 1W * ? *)", utc(2025, 2, 20), 1) == [utc(2025, 3, 3, 9)]
    # 31st: Sunday 2025-08-31 -> Friday 29th (not Monday 1 September)
    assert nexts("cron(0 9 31W 8 ? *)", utc(2025, 8, 1), 1) == [utc(2025, 8, 29, 9)]


def test_last_weekday_of_month_in_day_of_week_by_number_and_name() -> None:
    # Fridays of January 2025: 3, 10, 17, 24, 31; February: ..., 28; March: ..., 28
    expected = [utc(2025, 1, 31, 10, 15), utc(2025, 2, 28, 10, 15), utc(2025, 3, 28, 10, 15)]
    assert nexts("cron(15 10 ? * 6L *)", utc(2025, 1, 1), 3) == expected
    assert nexts("cron(15 10 ? * FRIL *)", utc(2025, 1, 1), 3) == expected


def test_nth_weekday_with_one_for_sunday() -> None:
    # 3#2 = second Tuesday: Tuesdays of January 2025 are 7, 14, ...; February 4, 11
    assert nexts("cron(0 9 ? * 3#2 *)", utc(2025, 1, 1), 2) == [
        utc(2025, 1, 14, 9),
        utc(2025, 2, 11, 9),
    ]
    # 1#1 = first Sunday: 2025-01-05, 2025-02-02
    assert nexts("cron(0 9 ? * SUN#1 *)", utc(2025, 1, 1), 2) == [
        utc(2025, 1, 5, 9),
        utc(2025, 2, 2, 9),
    ]
    # 6#5 = fifth Friday, only in months that have one: January, then May (2, 9, 16, 23, 30)
    assert nexts("cron(0 9 ? * 6#5 *)", utc(2025, 1, 1), 2) == [
        utc(2025, 1, 31, 9),
        utc(2025, 5, 30, 9),
    ]


def test_day_of_week_numbers_are_one_for_sunday() -> None:
    # 1 = Sunday, 7 = Saturday, L alone = Saturday
    assert nexts("cron(0 0 ? * 1 *)", utc(2025, 1, 1), 1) == [utc(2025, 1, 5)]
    assert nexts("cron(0 0 ? * 7 *)", utc(2025, 1, 1), 1) == [utc(2025, 1, 4)]
    assert nexts("cron(0 0 ? * L *)", utc(2025, 1, 1), 1) == [utc(2025, 1, 4)]
    assert nexts("cron(0 0 ? * 2/2 *)", utc(2025, 1, 1), 3) == [  # MON, WED, FRI
        utc(2025, 1, 3),
        utc(2025, 1, 6),
        utc(2025, 1, 8),
    ]


def test_lists_names_steps_and_wrapping_ranges() -> None:
    assert nexts("cron(0 6,18 ? jan,Jul SAT,sun *)", utc(2025, 1, 31, 20), 2) == [
        utc(2025, 7, 5, 6),
        utc(2025, 7, 5, 18),
    ]
    assert nexts("cron(1/20 * * * ? *)", utc(2025, 1, 1, 0, 41), 2) == [
        utc(2025, 1, 1, 1, 1),
        utc(2025, 1, 1, 1, 21),
    ]
    # 22-2 wraps around midnight: 22, 23, 0, 1, 2
    assert nexts("cron(0 22-2 * * ? *)", utc(2025, 1, 1, 2), 3) == [
        utc(2025, 1, 1, 22),
        utc(2025, 1, 1, 23),
        utc(2025, 1, 2, 0),
    ]


# -- year field and exhaustion ------------------------------------------------------------------


def test_year_range_with_last_friday_and_exhaustion() -> None:
    schedule = parse_schedule("cron(15 10 ? * 6L 2002-2005)")
    # Fridays of January 2002: 4, 11, 18, 25
    assert schedule.next_after(utc(1999, 6, 1)) == utc(2002, 1, 25, 10, 15)
    # the last Friday of December 2005 is the 30th; after it the years are exhausted
    assert schedule.next_after(utc(2005, 12, 1)) == utc(2005, 12, 30, 10, 15)
    assert schedule.next_after(utc(2005, 12, 30, 10, 15)) is None
    assert schedule.previous_before(utc(2002, 1, 25, 10, 15)) is None
    assert schedule.previous_before(utc(2030, 1, 1)) == utc(2005, 12, 30, 10, 15)


def test_single_year_and_the_end_of_glue_years() -> None:
    once = parse_schedule("cron(0 0 1 1 ? 2030)")
    assert list(once.fire_times(utc(2025, 1, 1), utc(2199, 1, 1))) == [utc(2030, 1, 1)]
    yearly = parse_schedule("cron(0 0 1 1 ? *)")
    assert yearly.next_after(utc(2198, 6, 1)) == utc(2199, 1, 1)
    assert yearly.next_after(utc(2199, 1, 1)) is None


# -- 5-field cron and aliases ---------------------------------------------------------------------


def test_five_field_cron_sunday_is_zero_and_seven() -> None:
    # Sundays of January 2025: 5, 12
    assert nexts("0 0 * * 0", utc(2025, 1, 1), 2) == [utc(2025, 1, 5), utc(2025, 1, 12)]
    assert nexts("0 0 * * 7", utc(2025, 1, 1), 2) == [utc(2025, 1, 5), utc(2025, 1, 12)]
    assert nexts("30 9 * * mon-fri", utc(2025, 1, 4), 2) == [
        utc(2025, 1, 6, 9, 30),
        utc(2025, 1, 7, 9, 30),
    ]
    assert nexts("*/20 * * * *", utc(2025, 1, 1, 0, 50), 2) == [
        utc(2025, 1, 1, 1),
        utc(2025, 1, 1, 1, 20),
    ]


def test_five_field_day_fields_follow_vixie_cron() -> None:
    # both restricted: the 13th OR a Friday (3rd, 10th, 13th, 17th)
    assert nexts("0 0 13 * 5", utc(2025, 1, 1), 4) == [
        utc(2025, 1, 3),
        utc(2025, 1, 10),
        utc(2025, 1, 13),
        utc(2025, 1, 17),
    ]
    # a day field starting with * makes both required: days 1, 11, 21, 31 that are Fridays
    assert nexts("0 0 */10 * 5", utc(2025, 1, 1), 1) == [utc(2025, 1, 31)]


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("@hourly", utc(2025, 1, 1, 11)),
        ("@daily", utc(2025, 1, 2)),
        ("@midnight", utc(2025, 1, 2)),
        ("@weekly", utc(2025, 1, 5)),
        ("@monthly", utc(2025, 2, 1)),
        ("@yearly", utc(2026, 1, 1)),
        ("@annually", utc(2026, 1, 1)),
    ],
)
def test_aliases(alias: str, expected: datetime) -> None:
    assert parse_schedule(alias).next_after(utc(2025, 1, 1, 10, 30)) == expected


def test_five_field_matches_croniter() -> None:
    croniter = pytest.importorskip("croniter").croniter
    base = utc(2025, 1, 1, 7, 7)
    for expr in (
        "*/7 3-5 * * *",
        "0 12 1,15 * *",
        "5 4 * jan-mar 1-5",
        "0 0 13 * 5",
        "59 23 31 * *",
    ):
        ours = nexts(expr, base, 40)
        theirs = croniter(expr, base)
        assert ours == [theirs.get_next(datetime) for _ in range(40)], expr


# -- time zones and daylight saving ---------------------------------------------------------------


def test_time_zone_fields_are_wall_clock_times() -> None:
    schedule = parse_schedule("cron(0 9 ? * MON-FRI *)", "America/New_York")
    assert schedule.timezone == "America/New_York"
    # 09:00 EST = 14:00 UTC in January; 09:00 EDT = 13:00 UTC in July
    assert schedule.next_after(utc(2025, 1, 6)) == utc(2025, 1, 6, 14)
    assert schedule.next_after(utc(2025, 7, 7)) == utc(2025, 7, 7, 13)
    # the argument may be in any zone; the answer is in the schedule's zone
    tokyo = datetime(2025, 1, 6, 23, 30, tzinfo=ZoneInfo("Asia/Tokyo"))  # 14:30 UTC
    nxt = schedule.next_after(tokyo)
    assert nxt == utc(2025, 1, 7, 14)
    # shown as local wall-clock time with the offset in force then
    assert nxt is not None and (nxt.hour, nxt.utcoffset()) == (9, timedelta(hours=-5))


def test_nonexistent_local_time_is_skipped() -> None:
    # Berlin springs forward on 2025-03-30 at 02:00 -> 03:00: 02:30 does not exist that day
    schedule = parse_schedule("cron(30 2 * * ? *)", "Europe/Berlin")
    after = datetime(2025, 3, 29, 12, tzinfo=BERLIN)
    assert list(schedule.fire_times(after, after + timedelta(days=2))) == [
        datetime(2025, 3, 31, 2, 30, tzinfo=BERLIN)
    ]


def test_repeated_local_time_fires_once() -> None:
    # Berlin falls back on 2025-10-26 at 03:00 -> 02:00: 02:30 happens twice (00:30Z and 01:30Z)
    schedule = parse_schedule("30 2 * * *", "Europe/Berlin")
    fires = list(schedule.fire_times(utc(2025, 10, 25, 12), utc(2025, 10, 27, 12)))
    assert fires == [utc(2025, 10, 26, 0, 30), utc(2025, 10, 27, 1, 30)]
    half_hourly = parse_schedule("*/30 * * * *", "Europe/Berlin")
    assert list(half_hourly.fire_times(utc(2025, 10, 25, 23, 45), utc(2025, 10, 26, 2, 15))) == [
        utc(2025, 10, 26, 0, 0),  # 02:00 +02
        utc(2025, 10, 26, 0, 30),  # 02:30 +02
        utc(2025, 10, 26, 2, 0),  # 03:00 +01; the second 02:00 and 02:30 do not fire
    ]
    # from inside the repeated hour (02:40 +01) both directions answer in absolute time
    inside = utc(2025, 10, 26, 1, 40)
    assert half_hourly.previous_before(inside) == utc(2025, 10, 26, 0, 30)
    assert half_hourly.next_after(inside) == utc(2025, 10, 26, 2, 0)


def test_fire_times_bounds_and_previous_before() -> None:
    schedule = parse_schedule("cron(0/15 * * * ? *)")
    fires = list(schedule.fire_times(utc(2025, 1, 1, 0, 0), utc(2025, 1, 1, 1, 0)))
    # start is exclusive, end inclusive
    assert fires == [
        utc(2025, 1, 1, 0, 15),
        utc(2025, 1, 1, 0, 30),
        utc(2025, 1, 1, 0, 45),
        utc(2025, 1, 1, 1),
    ]
    assert schedule.previous_before(utc(2025, 1, 1, 0, 15)) == utc(2025, 1, 1, 0, 0)
    assert schedule.previous_before(utc(2025, 1, 1, 0, 15, 1)) == utc(2025, 1, 1, 0, 15)
    weekdays = parse_schedule("cron(0 18 ? * MON-FRI *)")
    assert weekdays.previous_before(utc(2025, 1, 6, 9)) == utc(2025, 1, 3, 18)


def test_naive_datetimes_are_refused() -> None:
    schedule = parse_schedule("@daily")
    with pytest.raises(InvalidInputError, match="timezone-aware"):
        schedule.next_after(datetime(2025, 1, 1))


# -- describe and as_five_field --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "tz", "words"),
    [
        ("cron(15 12 * * ? *)", "UTC", "every day at 12:15 UTC"),
        ("cron(0 18 ? * MON-FRI *)", "UTC", "at 18:00 UTC, Monday to Friday"),
        ("cron(0 8 1 * ? *)", "UTC", "at 08:00 UTC on day 1 of every month"),
        ("cron(0/15 * * * ? *)", "UTC", "every 15 minutes"),
        ("cron(0/10 * ? * MON-FRI *)", "UTC", "every 10 minutes, Monday to Friday"),
        (
            "cron(0/5 8-17 ? * MON-FRI *)",
            "UTC",
            "every 5 minutes from 08:00 to 17:55 UTC, Monday to Friday",
        ),
        ("cron(15 10 ? * 6L *)", "UTC", "at 10:15 UTC on the last Friday of every month"),
        (
            "cron(0 9 ? * 3#2 *)",
            "Europe/Paris",
            "at 09:00 Europe/Paris on the second Tuesday of every month",
        ),
        ("cron(0 9 LW * ? *)", "UTC", "at 09:00 UTC on the last weekday of every month"),
        ("cron(0 9 15W * ? *)", "UTC", "at 09:00 UTC on the weekday nearest day 15 of every month"),
        ("cron(0 0 1 1,7 ? *)", "UTC", "at 00:00 UTC on day 1 of January and July"),
        (
            "cron(15 10 ? * 6L 2002-2005)",
            "UTC",
            "at 10:15 UTC on the last Friday of every month from 2002 to 2005",
        ),
        ("@hourly", "UTC", "every hour"),
        ("@weekly", "UTC", "at 00:00 UTC every Sunday"),
        ("0 */6 * * *", "UTC", "every 6 hours"),
        ("* * * * *", "UTC", "every minute"),
        ("0 9,17 * * sat,sun", "UTC", "at 09:00 and 17:00 UTC on Saturday and Sunday"),
        ("7,8,23 1,5 * * *", "UTC", "7,8,23 1,5 * * * (UTC)"),
        ("0 0 13 * 5", "UTC", "0 0 13 * 5 (UTC)"),
    ],
)
def test_describe(expr: str, tz: str, words: str) -> None:
    assert parse_schedule(expr, tz).describe() == words


@pytest.mark.parametrize(
    ("expr", "five"),
    [
        ("cron(15 12 * * ? *)", "15 12 * * *"),
        ("cron(0 18 ? * MON-FRI *)", "0 18 * * 1-5"),
        ("cron(0 8 1 * ? *)", "0 8 1 * *"),
        ("cron(0/15 * * * ? *)", "*/15 * * * *"),
        ("cron(0/5 8-17 ? * MON-FRI *)", "*/5 8-17 * * 1-5"),
        ("cron(0 0 ? * 1,7 *)", "0 0 * * 0,6"),
        (
            "cron(0 0 1/2 JAN-MAR ? 1970-2199)",
            "0 0 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31 1-3 *",
        ),
        ("@daily", "0 0 * * *"),
        ("30 9 * * mon-fri", "30 9 * * mon-fri"),
        ("cron(0 9 L * ? *)", None),
        ("cron(0 9 ? * 6L *)", None),
        ("cron(0 9 ? * 3#2 *)", None),
        ("cron(0 9 15W * ? *)", None),
        ("cron(0 9 * * ? 2030)", None),
    ],
)
def test_as_five_field(expr: str, five: str | None) -> None:
    schedule = parse_schedule(expr)
    assert schedule.as_five_field() == five
    if five is not None:
        assert schedule.five_field_obstacle() is None
        twin = parse_schedule(five)
        start = utc(2025, 1, 1)
        assert list(twin.fire_times(start, start + timedelta(days=70))) == list(
            schedule.fire_times(start, start + timedelta(days=70))
        )
    else:
        assert schedule.five_field_obstacle()


def test_expression_and_equality() -> None:
    schedule = parse_schedule("  cron(0  10 * * ? *) ", "Europe/Paris")
    assert schedule.expression == "cron(0 10 * * ? *)"
    assert schedule == parse_schedule("cron(0 10 * * ? *)", "Europe/Paris")
    assert schedule != parse_schedule("cron(0 10 * * ? *)")


# -- bad input: one test per kind, each a one-line message -------------------------------------------


def bad(expr: str, tz: str = "UTC") -> str:
    with pytest.raises(InvalidInputError) as info:
        parse_schedule(expr, tz)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_wrong_field_count() -> None:
    assert bad("cron(0 12 * * ?)") == (
        "invalid schedule 'cron(0 12 * * ?)': cron(...) takes 6 fields "
        "(minutes hours day-of-month month day-of-week year), got 5"
    )
    assert bad("0 12 * *") == (
        "invalid schedule '0 12 * *': expected cron(minutes hours day-of-month month day-of-week "
        "year), 5 standard cron fields or an @alias; got 4 fields"
    )
    assert "got 0 fields" not in bad("")


def test_out_of_range_values() -> None:
    assert bad("cron(61 12 * * ? *)") == (
        "invalid schedule 'cron(61 12 * * ? *)': minutes value 61 is out of range; allowed 0-59"
    )
    assert bad("cron(0 12 ? * 8 *)").endswith(
        "day-of-week value 8 is out of range; allowed 1-7 or SUN-SAT (1 = Sunday)"
    )
    assert bad("cron(0 12 * * ? 2200)").endswith(
        "year value 2200 is out of range; allowed 1970-2199"
    )
    assert bad("0 24 * * *").endswith("hours value 24 is out of range; allowed 0-23")
    assert bad("0 0 32 * *").endswith("day-of-month value 32 is out of range; allowed 1-31")


def test_bad_names() -> None:
    assert bad("cron(0 12 ? * FUN *)") == (
        "invalid schedule 'cron(0 12 ? * FUN *)': day-of-week name 'FUN' is unknown; "
        "allowed 1-7 or SUN-SAT (1 = Sunday)"
    )
    assert bad("0 0 1 JANUARY *").endswith(
        "month name 'JANUARY' is unknown; allowed 1-12 or JAN-DEC"
    )


def test_day_of_month_and_day_of_week_both_set() -> None:
    assert bad("cron(0 12 * * * *)") == (
        "invalid schedule 'cron(0 12 * * * *)': day-of-month and day-of-week cannot both be set; "
        "use ? in one of them"
    )
    assert bad("cron(0 12 1 * MON *)").endswith("cannot both be set; use ? in one of them")
    assert bad("cron(0 12 ? * ? *)").endswith(
        "day-of-month and day-of-week cannot both be ?; set one of them"
    )


def test_bad_steps() -> None:
    assert bad("cron(0/0 * * * ? *)") == (
        "invalid schedule 'cron(0/0 * * * ? *)': step '0' in minutes must be a whole number from 1 to 59"
    )
    assert bad("*/x * * * *").endswith("step 'x' in minutes must be a whole number from 1 to 59")


def test_unknown_alias() -> None:
    assert bad("@fortnightly") == (
        "invalid schedule '@fortnightly': unknown alias '@fortnightly'; allowed @hourly, @daily, "
        "@midnight, @weekly, @monthly, @yearly, @annually"
    )


def test_unknown_timezone() -> None:
    assert bad("@daily", "Mars/Olympus") == (
        "invalid schedule '@daily': unknown timezone 'Mars/Olympus'; "
        "use an IANA name such as UTC or Europe/Paris"
    )
    assert "unknown timezone" in bad("@daily", "../../etc/passwd")


def test_wildcards_in_the_wrong_field() -> None:
    assert bad("cron(? 12 * * ? *)").endswith("minutes has '?'; allowed 0-59 and , - * /")
    assert bad("cron(0 12 3#2 * ? *)").endswith(
        "day-of-month has '#'; allowed 1-31 and , - * ? / L W"
    )
    assert bad("cron(0 12 ? * 2W *)").endswith(
        "day-of-week value '2W' is not valid; allowed 1-7 or SUN-SAT (1 = Sunday)"
    )
    assert bad("cron(0 12 ? * 2#6 *)").endswith("day-of-week '2#6': the number after # must be 1-5")
    assert bad("0 12 L * *").endswith(
        "uses Glue wildcards; write cron(...) with 6 fields for ? L W #"
    )
    assert bad("cron(0 12 * * ? *").endswith("cron( is not closed with )")


def test_schedule_that_never_fires() -> None:
    assert bad("cron(0 0 30 2 ? *)") == (
        "invalid schedule 'cron(0 0 30 2 ? *)': it never fires "
        "(no day matches the day, month and year fields)"
    )
    assert "never fires" in bad("0 0 31 4,6,9,11 *")
