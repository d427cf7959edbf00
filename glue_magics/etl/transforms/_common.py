"""Plumbing shared by the transforms: dotted paths into structs, type names, error messages and
rebuilding nested structs with some fields replaced, dropped or added.

Paths follow Glue: ``a.b.c`` walks into structs, a name with dots in it is written in backticks
(```a.b```, a literal backtick doubled), and ``list[].price`` steps into the elements of an array
(the ``[]`` may be left out when a field of the elements follows). Field names match exactly, or
case-insensitively when that is unambiguous, as Spark resolves names by default.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from pyspark.errors import PySparkException
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    BinaryType,
    BooleanType,
    ByteType,
    CharType,
    DataType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    IntegerType,
    LongType,
    MapType,
    NullType,
    ShortType,
    StringType,
    StructField,
    StructType,
    TimestampNTZType,
    TimestampType,
    VarcharType,
)

from glue_magics.errors import InvalidInputError

TYPE_EXAMPLES = "string, int, bigint, double, boolean, date, timestamp, decimal(10,2)"


def check_frame(fn: str, df: object) -> DataFrame:
    if not isinstance(df, DataFrame):
        raise InvalidInputError(f"{fn}: expected a pyspark DataFrame, got {type(df).__name__}")
    return df


def quote(name: str) -> str:
    """A column name as ``F.col`` needs it: backticks keep dots and spaces literal."""
    return "`" + name.replace("`", "``") + "`"


def format_path(names: Sequence[str]) -> str:
    return ".".join(n if n and not any(c in n for c in ".`[") else quote(n) for n in names)


def column_at(names: Sequence[str]) -> Column:
    """The value at a path of struct field names (no arrays on the way)."""
    col = F.col(quote(names[0]))
    for name in names[1:]:
        col = col.getField(name)
    return col


# --- paths -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    name: str
    arrays: int = 0  # "[]" markers after the name


def parse_path(fn: str, text: object, *, what: str = "path") -> tuple[Segment, ...]:
    if not isinstance(text, str) or not text:
        raise InvalidInputError(f"{fn}: {what} must be a non-empty string, got {text!r}")
    segments: list[Segment] = []
    i, n = 0, len(text)
    while True:
        if text[i] == "`":
            parts, j = [], i + 1
            while True:
                k = text.find("`", j)
                if k < 0:
                    raise InvalidInputError(f"{fn}: unclosed backtick in {what} {text!r}")
                if text.startswith("``", k):  # a doubled backtick is a literal one
                    parts.append(text[j : k + 1])
                    j = k + 2
                    continue
                parts.append(text[j:k])
                i = k + 1
                break
            name = "".join(parts)
        else:
            j = i
            while j < n and text[j] not in ".`[":
                j += 1
            name, i = text[i:j], j
        arrays = 0
        while text.startswith("[]", i):
            arrays, i = arrays + 1, i + 2
        if not name:
            raise InvalidInputError(f"{fn}: empty field name in {what} {text!r}")
        segments.append(Segment(name, arrays))
        if i == n:
            return tuple(segments)
        if text[i] != "." or i + 1 == n:
            raise InvalidInputError(
                f"{fn}: unexpected {text[i:]!r} in {what} {text!r}; separate fields with '.'"
                " and put names with dots or brackets in backticks"
            )
        i += 1


@dataclass(frozen=True)
class Resolved:
    text: str  # as the user wrote it
    names: tuple[str, ...]  # the real field names, one per segment
    dtype: DataType  # type of the field the path ends at
    in_array: bool  # whether the path steps into an array's elements


def find_field(fn: str, struct: StructType, name: str) -> StructField | None:
    for f in struct.fields:
        if f.name == name:
            return f
    folded = [f for f in struct.fields if f.name.lower() == name.lower()]
    if len(folded) > 1:
        raise InvalidInputError(
            f"{fn}: {name!r} matches {', '.join(repr(f.name) for f in folded)}; spell the case exactly"
        )
    return folded[0] if folded else None


def all_paths(schema: StructType, *, arrays: bool) -> Iterator[str]:
    """Every field path, for "did you mean" suggestions."""

    def walk(prefix: tuple[str, ...], dtype: DataType) -> Iterator[str]:
        while arrays and isinstance(dtype, ArrayType):
            dtype = dtype.elementType
        if isinstance(dtype, StructType):
            for f in dtype.fields:
                yield format_path((*prefix, f.name))
                yield from walk((*prefix, f.name), f.dataType)

    yield from walk((), schema)


def unknown(
    fn: str, what: str, text: str, schema: StructType, *, arrays: bool
) -> InvalidInputError:
    candidates = list(all_paths(schema, arrays=arrays))
    close = difflib.get_close_matches(text, candidates, n=3, cutoff=0.5)
    if not close:
        lowered = {c.lower(): c for c in candidates}
        close = [
            lowered[c] for c in difflib.get_close_matches(text.lower(), lowered, n=3, cutoff=0.5)
        ]
    if close:
        hint = "did you mean " + " or ".join(repr(c) for c in close) + "?"
    elif candidates:
        shown = ", ".join(candidates[:12]) + (", ..." if len(candidates) > 12 else "")
        hint = f"the fields are: {shown}"
    else:
        hint = "the DataFrame has no columns"
    return InvalidInputError(f"{fn}: no {what} {text!r}; {hint}")


def resolve(
    fn: str, schema: StructType, text: object, *, arrays: bool, what: str = "field"
) -> Resolved:
    """Follow ``text`` through ``schema``; ``arrays`` says whether the path may enter arrays."""
    segments = parse_path(fn, text, what=what)
    assert isinstance(text, str)
    current: DataType = schema
    names: list[str] = []
    in_array = False
    for pos, seg in enumerate(segments):
        if pos:
            while isinstance(current, ArrayType):
                if not arrays:
                    raise InvalidInputError(
                        f"{fn}: {format_path(names)!r} is an array and {fn} does not reach into"
                        f" array elements ({what} {text!r})"
                    )
                current, in_array = current.elementType, True
            if not isinstance(current, StructType):
                raise InvalidInputError(
                    f"{fn}: {format_path(names)!r} is {current.simpleString()}, not a struct,"
                    f" so {what} {text!r} does not exist"
                )
        assert isinstance(current, StructType)
        found = find_field(fn, current, seg.name)
        if found is None:
            raise unknown(fn, what, text, schema, arrays=arrays)
        names.append(found.name)
        current = found.dataType
        if seg.arrays:
            if pos == len(segments) - 1:
                raise InvalidInputError(
                    f"{fn}: {what} {text!r} ends in '[]'; name a field of the elements instead"
                )
            depth, probe = 0, current
            while isinstance(probe, ArrayType):
                depth, probe = depth + 1, probe.elementType
            if depth < seg.arrays:
                raise InvalidInputError(
                    f"{fn}: {format_path(names)!r} is {current.simpleString()}, not an array"
                    f" {'of arrays ' * (seg.arrays - 1)}as {text!r} says"
                )
    return Resolved(text, tuple(names), current, in_array)


def as_path_list(fn: str, paths: object, *, what: str = "paths") -> list[str]:
    """A single path or a list of them, as Glue's ``paths`` arguments take."""
    if isinstance(paths, str):
        return [paths]
    if not isinstance(paths, Sequence) or not paths:
        raise InvalidInputError(
            f"{fn}: {what} must be a path or a non-empty list of paths, got {paths!r}"
        )
    for p in paths:
        if not isinstance(p, str):
            raise InvalidInputError(f"{fn}: every entry of {what} must be a string, got {p!r}")
    return list(paths)


# --- types -------------------------------------------------------------------------------------


def _strip_char_types(dtype: DataType) -> DataType:
    """char(n)/varchar(n) are Hive spellings of string; Spark cannot cast to them."""
    if isinstance(dtype, (CharType, VarcharType)):
        return StringType()
    if isinstance(dtype, ArrayType):
        return ArrayType(_strip_char_types(dtype.elementType), dtype.containsNull)
    if isinstance(dtype, MapType):
        return MapType(
            _strip_char_types(dtype.keyType),
            _strip_char_types(dtype.valueType),
            dtype.valueContainsNull,
        )
    if isinstance(dtype, StructType):
        return StructType(
            [StructField(f.name, _strip_char_types(f.dataType), f.nullable) for f in dtype.fields]
        )
    return dtype


def parse_type(fn: str, text: object, *, what: str = "type") -> DataType:
    """A Hive/Glue type name (``int``, ``long``, ``bigint``, ``decimal(10,2)``, ``array<string>``)."""
    bad = InvalidInputError(f"{fn}: {what} {text!r} is not a type name; use e.g. {TYPE_EXAMPLES}")
    if not isinstance(text, str) or not text.strip():
        raise bad
    try:
        dtype = DataType.fromDDL(text.strip())
    except PySparkException:
        raise bad from None
    # fromDDL also accepts a column list ("a int, b string") and returns a struct for it.
    if isinstance(dtype, StructType) and not text.strip().lower().startswith("struct"):
        raise bad
    return _strip_char_types(dtype)


_GLUE_NAMES: tuple[tuple[type[DataType], str], ...] = (
    (BooleanType, "boolean"),
    (ByteType, "byte"),
    (ShortType, "short"),
    (IntegerType, "int"),
    (LongType, "long"),
    (FloatType, "float"),
    (DoubleType, "double"),
    (DecimalType, "decimal"),
    (StringType, "string"),
    (BinaryType, "binary"),
    (DateType, "date"),
    (TimestampType, "timestamp"),
    (TimestampNTZType, "timestamp"),
    (StructType, "struct"),
    (ArrayType, "array"),
    (MapType, "map"),
    (NullType, "null"),
)


def glue_type_name(dtype: DataType) -> str:
    """The DynamicFrame name of a type, as Glue uses it in ``make_cols`` column names."""
    for cls, name in _GLUE_NAMES:
        if isinstance(dtype, cls):
            return name
    return dtype.typeName()


# --- rebuilding nested structs -----------------------------------------------------------------

Replace = Callable[[Column, DataType], list[tuple[str, Column]]]


@dataclass
class Edit:
    """What to do to one struct (or the DataFrame's top level) and, through ``children``, inside it.

    ``replace`` turns this field into zero or more fields (it gets the field's value, relative to
    the array element it sits in); ``keep_only`` keeps just the fields that have a child entry, in
    the children's order; ``append`` adds fields at the end (absolute columns, so not under arrays).
    """

    children: dict[str, Edit] = field(default_factory=dict)
    replace: Replace | None = None
    keep_only: bool = False
    append: list[tuple[str, Column]] = field(default_factory=list)

    def at(self, names: Sequence[str]) -> Edit:
        node = self
        for name in names:
            node = node.children.setdefault(name, Edit())
        return node

    def changes(self) -> bool:
        return bool(self.children or self.keep_only or self.append)


def _rebuild_fields(
    get: Callable[[str], Column], struct: StructType, edit: Edit
) -> list[tuple[str, Column]]:
    by_name = {f.name: f for f in struct.fields}
    order = [by_name[n] for n in edit.children] if edit.keep_only else struct.fields
    out: list[tuple[str, Column]] = []
    for f in order:
        node, value = edit.children.get(f.name), get(f.name)
        if node is None:
            out.append((f.name, value))
        elif node.replace is not None:
            out.extend(node.replace(value, f.dataType))
        elif node.changes():
            rebuilt = _rebuild_value(value, f.dataType, node)
            if rebuilt is not None:  # a struct left without fields is dropped
                out.append((f.name, rebuilt))
        else:
            out.append((f.name, value))
    out.extend(edit.append)
    return out


def _rebuild_value(value: Column, dtype: DataType, edit: Edit) -> Column | None:
    if isinstance(dtype, ArrayType):
        element = dtype.elementType
        if _rebuild_value(F.lit(None), element, edit) is None:  # would the elements be empty?
            return None
        return F.transform(value, lambda e: _rebuild_value(e, element, edit))  # type: ignore[arg-type,return-value]
    if not isinstance(dtype, StructType):
        raise AssertionError(f"cannot edit inside {dtype.simpleString()}")
    fields = _rebuild_fields(value.getField, dtype, edit)
    if not fields:
        return None
    # F.struct of a null struct would be a struct of nulls; keep nulls null.
    return F.when(value.isNull(), F.lit(None)).otherwise(F.struct(*[c.alias(n) for n, c in fields]))


def apply_edit(df: DataFrame, edit: Edit) -> DataFrame:
    fields = _rebuild_fields(lambda n: F.col(quote(n)), df.schema, edit)
    return df.select(*[c.alias(n) for n, c in fields])
