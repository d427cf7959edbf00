"""Checks shared by the catalog's API: string maps, columns, limits, free text for sized columns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from glue_magics.catalog.names import normalize_column_name
from glue_magics.catalog.objects import Column
from glue_magics.catalog.types import BIGINT_MAX, normalize_type
from glue_magics.errors import InvalidInputError

#: Limits above this make no sense for one call and overflow SQL's LIMIT on the way.
MAX_LIMIT = 2**31 - 1


def check_limit(value: object, what: str = "limit") -> int:
    """A page size or result limit: a whole number from 1 (bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LIMIT:
        raise InvalidInputError(
            f"{what} must be a whole number from 1 to {MAX_LIMIT}, got {value!r}"
        )
    return value


def check_id(value: object, what: str) -> int:
    """A row id (a run id, a table version): a whole number that fits the store's integer columns."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= BIGINT_MAX:
        raise InvalidInputError(f"{what} must be a whole number, got {value!r}")
    return value


def column_length(column: Any) -> int:
    """The n of a ``String(n)`` model column: ``column_length(RunRow.name)`` -> 255."""
    return int(column.property.columns[0].type.length)


def check_text(
    value: object, what: str, max_length: int | None, *, optional: bool = False
) -> str | None:
    """Free text stored in a column of ``max_length`` characters (None: unlimited): checked here,
    because PostgreSQL refuses longer text and NUL characters while SQLite stores them, and both
    must behave alike. Unless ``optional``, it must not be None or blank."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise InvalidInputError(f"{what} must be a string, not {type(value).__name__}")
    if not optional and not value.strip():
        raise InvalidInputError(f"{what} must not be empty")
    if max_length is not None and len(value) > max_length:
        raise InvalidInputError(
            f"{what} is {len(value)} characters long; at most {max_length} are allowed"
        )
    if "\x00" in value:
        raise InvalidInputError(f"{what} must not contain NUL characters")
    return value


def string_map(value: Mapping[str, Any] | None, what: str) -> dict[str, str]:
    """Glue's parameter maps hold strings only."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInputError(f"{what} must be a mapping of strings to strings")
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise InvalidInputError(
                f"{what} must map strings to strings; {key!r}: {item!r} is not a string pair"
            )
    return dict(value)


def columns(value: Iterable[Column | Mapping[str, Any]] | None, what: str) -> tuple[Column, ...]:
    """Normalize a list of columns (Column objects or {"name", "type", "comment"} dicts)."""
    result = []
    for item in value or ():
        if isinstance(item, Column):
            col = item
        elif isinstance(item, Mapping) and "name" in item and "type" in item:
            col = Column(item["name"], item["type"], item.get("comment"))
        else:
            raise InvalidInputError(f"each of {what} needs a name and a type, got {item!r}")
        comment = col.comment if col.comment else None
        result.append(Column(normalize_column_name(col.name), normalize_type(col.type), comment))
    return tuple(result)
