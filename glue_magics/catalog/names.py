"""Object names the way Glue treats them: stored lower-case, 1-255 characters.

Glue's API accepts almost any single-line string, but Athena, Hive and Spark SQL only handle names made
of letters, digits and underscores without quoting. We accept those plus '-', which Glue crawlers
produce from folder names; '.' is reserved to separate ``database.table``.
"""

from __future__ import annotations

import re

from glue_magics.errors import InvalidInputError

MAX_NAME_LENGTH = 255
_NAME = re.compile(r"[a-z0-9_][a-z0-9_\-]*")


def normalize_name(name: str, kind: str = "name") -> str:
    """Return ``name`` lower-cased, or raise InvalidInputError if Glue would not accept it."""
    if not isinstance(name, str):
        raise InvalidInputError(f"{kind} must be a string, not {type(name).__name__}")
    lowered = name.strip().lower()
    if not lowered or len(lowered) > MAX_NAME_LENGTH or not _NAME.fullmatch(lowered):
        raise InvalidInputError(
            f"invalid {kind} {name!r}: use 1-{MAX_NAME_LENGTH} letters, digits, '_' or '-'"
        )
    return lowered


def split_table_name(qualified: str) -> tuple[str, str]:
    """Split ``database.table`` into its two normalized parts."""
    if not isinstance(qualified, str) or qualified.count(".") != 1:
        raise InvalidInputError(f"expected DATABASE.TABLE, got {qualified!r}")
    database, table = qualified.split(".")
    return normalize_name(database, "database name"), normalize_name(table, "table name")


def normalize_column_name(name: str) -> str:
    """Column names are lower-cased like Glue's; any printable single-line text is allowed."""
    if not isinstance(name, str):
        raise InvalidInputError(f"column name must be a string, not {type(name).__name__}")
    lowered = name.strip().lower()
    if not lowered or len(lowered) > MAX_NAME_LENGTH or not lowered.isprintable():
        raise InvalidInputError(
            f"invalid column name {name!r}: use 1-{MAX_NAME_LENGTH} printable characters"
        )
    return lowered
