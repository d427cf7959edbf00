"""Small helpers shared by the catalog tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select

from glue_magics.catalog import Catalog, Column, Table
from glue_magics.catalog.models import Base

#: The ``make_table`` fixture: ``make_table("orders", keys=("year string",), partitions=...)``.
TableMaker = Callable[..., Table]


def cols(*specs: str) -> list[Column]:
    """``cols("id bigint", "order date string")`` -> a list of Columns (the type is the last word)."""
    result = []
    for spec in specs:
        name, _, hive_type = spec.rpartition(" ")
        result.append(Column(name, hive_type))
    return result


def snapshot(catalog: Catalog) -> dict[str, Any]:
    """Row counts of every store table plus ``change_seq``: equal snapshots mean nothing changed."""
    with catalog.engine.connect() as conn:
        counts: dict[str, Any] = {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        }
    counts["change_seq"] = catalog.change_seq()
    return counts


def assert_one_line(exc: BaseException) -> None:
    message = str(exc)
    assert message.strip(), f"{type(exc).__name__} has an empty message"
    assert "\n" not in message and "\r" not in message, f"multi-line message: {message!r}"


@contextmanager
def refused(
    catalog: Catalog, error: type[BaseException], match: str | None = None
) -> Iterator[pytest.ExceptionInfo[Any]]:
    """The block must raise ``error`` with a one-line message and leave the store as it was."""
    before = snapshot(catalog)
    with pytest.raises(error, match=match) as info:
        yield info
    assert_one_line(info.value)
    assert snapshot(catalog) == before


def refused_by_each(
    catalog: Catalog,
    error: type[BaseException],
    calls: Mapping[str, Callable[[], object]],
    match: str | None = None,
) -> None:
    """``refused`` for several calls in turn; a failure names the call that did not refuse."""
    for label, call in calls.items():
        try:
            with refused(catalog, error, match):
                call()
        except (Exception, pytest.fail.Exception) as exc:
            raise AssertionError(f"{label}: {exc!r}") from exc
