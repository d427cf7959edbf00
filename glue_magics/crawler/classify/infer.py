"""Value -> Hive type inference for the text formats (JSON, XML, CSV)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from glue_magics.crawler.classify.merge import widen_type
from glue_magics.crawler.classify.typetree import VOID, Array, HiveType, Struct

_INT32 = 2**31
_INT64 = 2**63
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_FLOAT = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# Only the layout Hive's text SerDes parse as a timestamp; "2024-01-02T03:04:05Z" stays a string.
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?", re.ASCII)
_NUMBER_START = frozenset("0123456789+-.")


def json_type(value: Any) -> HiveType:
    """The Hive type of a parsed JSON value. Numbers are typed by value (int, bigint, double);
    strings stay strings even when they look like dates, as Glue's JSON classifier does."""
    if value is None:
        return VOID
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        if -_INT32 <= value < _INT32:
            return "int"
        if -_INT64 <= value < _INT64:
            return "bigint"
        return "decimal(38,0)" if len(str(abs(value))) <= 38 else "double"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        element: HiveType = VOID
        for item in value:
            element = widen_type(element, json_type(item))
        return Array(element)
    if isinstance(value, dict):
        return json_struct(value)
    return "string"


def json_struct(obj: dict[str, Any]) -> Struct:
    """A JSON object as a struct; keys are lower-cased (Hive is case-insensitive), so keys that
    differ only in case become one field."""
    fields: dict[str, HiveType] = {}
    for i, (key, value) in enumerate(obj.items()):
        name = field_key(key, i)
        vtype = json_type(value)
        fields[name] = widen_type(fields[name], vtype) if name in fields else vtype
    return Struct(tuple(fields.items()))


def field_key(key: str, position: int) -> str:
    """A nested field name: lower-cased, printable, never empty."""
    name = "".join(ch if ch.isprintable() else "_" for ch in key.strip().lower())
    return name or f"col{position}"


def text_type(raw: str) -> str:
    """The Hive type of one text value (a CSV field, an XML text or attribute).

    Integers are ``bigint`` as in Glue's CSV classifier; empty text is ``void`` (a null)."""
    s = raw.strip()
    if not s:
        return VOID
    first = s[0]
    if first in "tTfF":
        return "boolean" if s.lower() in ("true", "false") else "string"
    if first not in _NUMBER_START:
        return "string"
    if _INTEGER.fullmatch(s):
        # Beyond 64 bits an "integer" is an identifier, not a number Hive can hold.
        return "bigint" if len(s) <= 20 and -_INT64 <= int(s) < _INT64 else "string"
    if _FLOAT.fullmatch(s):
        return "double"
    if len(s) == 10 and _DATE.fullmatch(s):
        try:
            date.fromisoformat(s)
        except ValueError:
            return "string"
        return "date"
    if _TIMESTAMP.fullmatch(s):
        try:
            datetime.strptime(s[:19], "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return "string"
        return "timestamp"
    return "string"


class ColumnTypes:
    """Accumulates the types of text columns value by value.

    It remembers which kinds of values each column held, so a column that ends up ``string`` only
    because its values disagree (numbers and booleans, say) can be reported."""

    def __init__(self, width: int) -> None:
        self.width = width
        self._seen: list[set[str]] = [set() for _ in range(width)]

    def add_row(self, values: Sequence[str]) -> None:
        for seen, value in zip(self._seen, values, strict=False):  # rows may be ragged
            if "string" in seen:
                continue  # nothing can widen a string further
            vtype = text_type(value)
            if vtype != VOID:
                seen.add(vtype)

    def types(self) -> list[str]:
        result = []
        for seen in self._seen:
            widened: HiveType = VOID
            for vtype in sorted(seen):
                widened = widen_type(widened, vtype)
            result.append("string" if widened == VOID else str(widened))
        return result

    def conflicts(self) -> list[tuple[int, list[str]]]:
        """Columns that became ``string`` from values of other types: (index, sorted types)."""
        return [
            (i, sorted(seen))
            for i, seen in enumerate(self._seen)
            if len(seen) > 1 and "string" not in seen and self._widens_to_string(seen)
        ]

    @staticmethod
    def _widens_to_string(seen: set[str]) -> bool:
        widened: HiveType = VOID
        for vtype in sorted(seen):
            widened = widen_type(widened, vtype)
        return widened == "string"
