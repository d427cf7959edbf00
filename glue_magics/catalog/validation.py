"""Checks shared by the catalog's write paths: string maps, columns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from glue_magics.catalog.names import normalize_column_name
from glue_magics.catalog.objects import Column
from glue_magics.catalog.types import normalize_type
from glue_magics.errors import InvalidInputError


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
