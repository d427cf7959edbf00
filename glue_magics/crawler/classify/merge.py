"""Schema merging: widen Hive types, union columns across files, and score schema similarity."""

from __future__ import annotations

import re
from collections.abc import Sequence

from glue_magics.catalog.objects import Column
from glue_magics.crawler.classify.typetree import (
    VOID,
    Array,
    HiveType,
    Map,
    Struct,
    TypeSyntaxError,
    parse,
    render,
)

_INTEGER_DIGITS = {"tinyint": 3, "smallint": 5, "int": 10, "bigint": 19}
_FLOATS = ("float", "double")
_DECIMAL = re.compile(r"decimal\((\d+),(\d+)\)")
_NULL_NAMES = (VOID, "null")


def is_numeric(type_string: str) -> bool:
    return (
        type_string in _INTEGER_DIGITS
        or type_string in _FLOATS
        or type_string == "integer"
        or _DECIMAL.fullmatch(type_string) is not None
    )


def widen(a: str, b: str) -> str:
    """The narrowest Hive type that holds values of both ``a`` and ``b``; ``string`` when nothing
    narrower does. Structs and arrays widen field by field; a null-only side yields the other."""
    a, b = a.strip().lower(), b.strip().lower()
    if a == b:
        return a
    if a in _NULL_NAMES:
        return b
    if b in _NULL_NAMES:
        return a
    try:
        return render(widen_type(parse(a), parse(b)))
    except TypeSyntaxError:
        return "string"


def widen_type(a: HiveType, b: HiveType) -> HiveType:
    """``widen`` on parsed types; the text classifiers call this once per value."""
    if a == b:
        return a
    if a == VOID:
        return b
    if b == VOID:
        return a
    if isinstance(a, str) and isinstance(b, str):
        return _widen_primitive(a, b)
    if isinstance(a, Array) and isinstance(b, Array):
        return Array(widen_type(a.element, b.element))
    if isinstance(a, Map) and isinstance(b, Map):
        return Map(widen_type(a.key, b.key), widen_type(a.value, b.value))
    if isinstance(a, Struct) and isinstance(b, Struct):
        fields = dict(a.fields)
        for name, ftype in b.fields:
            fields[name] = widen_type(fields[name], ftype) if name in fields else ftype
        return Struct(tuple(fields.items()))
    return "string"


def _widen_primitive(a: str, b: str) -> str:
    if a in _INTEGER_DIGITS and b in _INTEGER_DIGITS:
        return a if _INTEGER_DIGITS[a] >= _INTEGER_DIGITS[b] else b
    if is_numeric(a) and is_numeric(b):
        if a in _FLOATS or b in _FLOATS:
            small = {"float", "tinyint", "smallint"}
            return "float" if a in small and b in small else "double"
        return _widen_decimal(a, b)
    if {a, b} == {"date", "timestamp"}:
        return "timestamp"
    return "string"


def _widen_decimal(a: str, b: str) -> str:
    (p1, s1), (p2, s2) = _precision_scale(a), _precision_scale(b)
    scale = max(s1, s2)
    precision = max(p1 - s1, p2 - s2) + scale
    if precision > 38:
        return "double"
    return f"decimal({precision},{scale})"


def _precision_scale(type_string: str) -> tuple[int, int]:
    m = _DECIMAL.fullmatch(type_string)
    if m:
        return int(m.group(1)), int(m.group(2))
    return _INTEGER_DIGITS.get(type_string, 10), 0


def merge_columns(
    schemas: Sequence[Sequence[Column]],
) -> tuple[tuple[Column, ...], tuple[str, ...]]:
    """Union of the columns of several schemas, by name in first-seen order, types widened.

    Returns the columns and one note per column whose type had to be widened."""
    merged: dict[str, Column] = {}
    seen_types: dict[str, list[str]] = {}
    for schema in schemas:
        for col in schema:
            key = col.name.strip().lower()
            current = merged.get(key)
            ctype = col.type.strip().lower()
            if current is None:
                merged[key] = Column(key, ctype, col.comment)
                seen_types[key] = [ctype]
                continue
            if ctype not in seen_types[key]:
                seen_types[key].append(ctype)
            widened = widen(current.type, ctype)
            if widened != current.type or (col.comment and not current.comment):
                merged[key] = Column(key, widened, current.comment or col.comment)
    notes = []
    for key, types in seen_types.items():
        if len(types) > 1:
            notes.append(f"column {key!r}: {_and(types)} -> {merged[key].type}")
    return tuple(merged.values()), tuple(notes)


def similarity(a: Sequence[Column], b: Sequence[Column]) -> float:
    """Jaccard similarity of two schemas' column names (0..1).

    A name both schemas share counts only when its types agree: equal, numbers that widen into each
    other, or one side null-only. Two empty schemas are identical (1.0)."""
    types_a = {c.name.strip().lower(): c.type.strip().lower() for c in a}
    types_b = {c.name.strip().lower(): c.type.strip().lower() for c in b}
    union = types_a.keys() | types_b.keys()
    if not union:
        return 1.0
    same = sum(1 for n in types_a.keys() & types_b.keys() if _compatible(types_a[n], types_b[n]))
    return same / len(union)


def _compatible(a: str, b: str) -> bool:
    if a == b or a in _NULL_NAMES or b in _NULL_NAMES:
        return True
    if is_numeric(a) and is_numeric(b):
        return True
    try:
        return parse(a) == parse(b)  # same type spelled differently: "integer" and "int"
    except TypeSyntaxError:
        return False


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
