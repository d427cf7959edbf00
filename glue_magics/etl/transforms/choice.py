"""ResolveChoice on plain DataFrames.

A DynamicFrame field whose records disagree on a type is a *choice* (``choice<int,string>``). A
DataFrame has no such type: Spark reads a JSON or CSV field that holds ``1`` in one record and
``"one"`` in another as a ``string`` column (``"1"``, ``"one"``). So here a choice is a string
column, and the type each value *is* comes from its text:

===========  ===================================================================
``boolean``  ``true`` or ``false`` (any case)
``int``      an integer that fits 32 bits (``-12``, ``+7``)
``long``     an integer that fits 64 bits but not 32; when a column has both, its
             ints count as longs too (Glue widens int to long)
``double``   any other number (``1.5``, ``2e3``, an integer too big for a long)
``string``   everything else, including ``""`` and text with spaces around a number
===========  ===================================================================

A quoted JSON ``"1"`` and a bare ``1`` read the same, so both are ``int``. A column of another
type has one member: its own type (``int``, ``double``, ``struct``, ...).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, DataType, StringType, StructType

from glue_magics.errors import InvalidInputError

from ._common import (
    Edit,
    Replace,
    apply_edit,
    check_frame,
    format_path,
    glue_type_name,
    parse_type,
    quote,
    resolve,
)

KINDS = ("boolean", "double", "int", "long", "string")
_INTEGER = r"^[+-]?[0-9]+$"
_NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_NUMERIC_ORDER = ("byte", "short", "int", "long", "float", "double")
_ACTIONS = "cast:TYPE, project:TYPE, make_cols or make_struct"


def value_kind(x: Column) -> Column:
    """The type a string value is (see the module docstring); null for null."""
    integer = x.rlike(_INTEGER)
    return (
        F.when(x.isNull(), F.lit(None))
        .when(F.lower(x).isin("true", "false"), "boolean")
        .when(integer & x.try_cast("int").isNotNull(), "int")
        .when(integer & x.try_cast("bigint").isNotNull(), "long")
        .when(x.rlike(_NUMBER), "double")
        .otherwise("string")
    )


def _typed(x: Column, kind: str) -> Column:
    return x if kind == "string" else x.try_cast({"long": "bigint"}.get(kind, kind))


def _widens(kind: str, target: str) -> bool:
    """Whether a value of ``kind`` is also a value of ``target`` (numbers widen, as in Glue)."""
    if kind == target:
        return True
    return (
        kind in _NUMERIC_ORDER
        and target in _NUMERIC_ORDER
        and _NUMERIC_ORDER.index(kind) < _NUMERIC_ORDER.index(target)
    )


@dataclass(frozen=True)
class Action:
    kind: str  # cast, project, make_cols or make_struct
    target: DataType | None = None

    @property
    def needs_members(self) -> bool:
        return self.kind in ("make_cols", "make_struct")


def parse_action(fn: str, text: object) -> Action:
    if not isinstance(text, str) or not text.strip():
        raise InvalidInputError(f"{fn}: action must be one of {_ACTIONS}, got {text!r}")
    kind, colon, arg = text.strip().partition(":")
    kind = kind.strip().lower()
    if kind in ("cast", "project"):
        if not arg.strip():
            raise InvalidInputError(f"{fn}: action {text!r} needs a type, as in '{kind}:int'")
        return Action(kind, parse_type(fn, arg, what=f"type in action {text!r}"))
    if kind in ("make_cols", "make_struct") and not colon:
        return Action(kind)
    if kind == "match_catalog":
        raise InvalidInputError(
            f"{fn}: match_catalog resolves against a Data Catalog table, which a plain DataFrame"
            " does not have; use cast:TYPE with the catalog column's type"
        )
    raise InvalidInputError(f"{fn}: unknown action {text!r}; use {_ACTIONS}")


def _members(flags: dict[str, bool]) -> list[str]:
    members = [k for k in KINDS if flags[k]]
    if "long" in members and "int" in members:
        members.remove("int")
    return members or ["string"]  # an all-null column: nothing to tell, keep it a string


def _member_test(kind_of_x: Column, kind: str, members: Sequence[str]) -> Column:
    if kind == "long" and "int" not in members:
        return kind_of_x.isin("int", "long")
    return kind_of_x == kind


def _replacement(action: Action, leaf: str, members: Sequence[str] | None) -> Replace:
    """How one field is replaced; ``members`` is known for string fields under make_*."""

    def replace(x: Column, dtype: DataType) -> list[tuple[str, Column]]:
        if action.kind == "cast":
            assert action.target is not None
            return [(leaf, x if dtype == action.target else x.try_cast(action.target))]
        if action.kind == "project":
            assert action.target is not None
            return [(leaf, _project(x, dtype, action.target))]
        if isinstance(dtype, StringType):
            assert members is not None
            kind_of_x = value_kind(x)
            parts = [
                (k, F.when(_member_test(kind_of_x, k, members), _typed(x, k))) for k in members
            ]
        else:
            parts = [(glue_type_name(dtype), x)]
        if action.kind == "make_cols":
            return [(f"{leaf}_{k}", v) for k, v in parts]
        struct = F.struct(*[v.alias(k) for k, v in parts])
        return [(leaf, F.when(x.isNull(), F.lit(None)).otherwise(struct))]

    return replace


def _project(x: Column, dtype: DataType, target: DataType) -> Column:
    """Keep the values that are of ``target``'s type (or a narrower number); null the rest."""
    name = glue_type_name(target)
    if isinstance(dtype, StringType):
        if name in KINDS:
            keep = value_kind(x).isin(*[k for k in KINDS if _widens(k, name)])
            return F.when(keep, x.try_cast(target))
        # Types no text is tagged with (date, timestamp, decimal, ...): keep what converts.
        return x.try_cast(target)
    if _widens(glue_type_name(dtype), name):
        return x if dtype == target else x.try_cast(target)
    return F.lit(None).cast(target)


def _string_fields(schema: StructType) -> Iterator[tuple[str, ...]]:
    def walk(prefix: tuple[str, ...], dtype: DataType) -> Iterator[tuple[str, ...]]:
        while isinstance(dtype, ArrayType):
            dtype = dtype.elementType
        if isinstance(dtype, StructType):
            for f in dtype.fields:
                if isinstance(f.dataType, StringType):
                    yield (*prefix, f.name)
                else:
                    yield from walk((*prefix, f.name), f.dataType)

    yield from walk((), schema)


def _kinds_below(value: Column, dtype: DataType, names: Sequence[str]) -> Column:
    """The kinds of the values at ``names`` below ``value`` in one row, as an array (arrays on
    the way contribute every element)."""
    if names and isinstance(dtype, ArrayType):
        element = dtype.elementType
        return F.array_distinct(
            F.flatten(F.transform(value, lambda e: _kinds_below(e, element, names)))
        )
    if not names:
        return F.array(value_kind(value))
    assert isinstance(dtype, StructType)
    f = dtype[names[0]]
    return _kinds_below(value.getField(f.name), f.dataType, names[1:])


def _member_flags(df: DataFrame, paths: Sequence[tuple[str, ...]]) -> list[dict[str, bool]]:
    """Which kinds of value each string field holds, in one aggregate pass."""
    if not paths:
        return []
    columns = []
    for i, names in enumerate(paths):
        top = df.schema[names[0]]
        kinds = _kinds_below(F.col(quote(top.name)), top.dataType, names[1:])
        columns.append(F.collect_set(kinds).alias(f"p{i}"))
    row = df.agg(*columns).first()
    assert row is not None
    found = [{k for per_row in row[f"p{i}"] for k in per_row} for i in range(len(paths))]
    return [{k: k in kinds for k in KINDS} for kinds in found]


def _dtype_at(schema: StructType, names: Sequence[str]) -> DataType:
    dtype: DataType = schema
    for name in names:
        while isinstance(dtype, ArrayType):
            dtype = dtype.elementType
        assert isinstance(dtype, StructType)
        dtype = dtype[name].dataType
    return dtype


def _sibling_names(schema: StructType, names: Sequence[str]) -> set[str]:
    parent = _dtype_at(schema, names[:-1]) if len(names) > 1 else schema
    while isinstance(parent, ArrayType):
        parent = parent.elementType
    assert isinstance(parent, StructType)
    return {f.name for f in parent.fields if f.name != names[-1]}


def resolve_choice(
    df: DataFrame,
    specs: Sequence[tuple[str, str]] | None = None,
    choice: str | None = None,
) -> DataFrame:
    """Glue's ResolveChoice on string columns of mixed values (see the module docstring).

    Give either ``specs``, a list of ``(path, action)``, or ``choice``, one action for every
    string field (top level, in structs, in arrays of structs) whose values are of more than one
    type. Paths reach into arrays as Glue writes them: ``myList[].price``. Actions:

    - ``cast:TYPE``: convert every value with ``try_cast`` (what does not convert is null).
    - ``project:TYPE``: keep only the values that are of TYPE, or a narrower number (an int is
      kept by ``project:long`` and ``project:double``); the rest become null, so ``project:string``
      nulls ``"12"`` while ``cast:string`` keeps it. For types no text is tagged with (date,
      timestamp, decimal, float, ...) the values that convert are kept.
    - ``make_cols``: one column ``<name>_<type>`` per type found, in alphabetical order of type,
      where the original column stood; each holds the values of its type.
    - ``make_struct``: a struct with one field per type found (``price.int``, ``price.string``).

    ``make_cols`` and ``make_struct`` read the data once to find the types; ``choice`` does too.
    """
    fn = "resolve_choice"
    check_frame(fn, df)
    if choice == "":
        choice = None
    if (specs is None) == (choice is None):
        raise InvalidInputError(
            f"{fn}: give exactly one of specs (a list of (path, action)) or choice"
        )
    schema = df.schema
    plan: list[tuple[tuple[str, ...], Action]] = []
    members: dict[tuple[str, ...], list[str]] = {}
    if specs is not None:
        if isinstance(specs, (str, bytes)) or not isinstance(specs, Sequence) or not specs:
            raise InvalidInputError(
                f"{fn}: specs must be a non-empty list of (path, action), got {specs!r}"
            )
        for spec in specs:
            if not isinstance(spec, (tuple, list)) or len(spec) != 2:
                raise InvalidInputError(
                    f"{fn}: each spec must be a (path, action) pair, got {spec!r}"
                )
            found = resolve(fn, schema, spec[0], arrays=True)
            for earlier, _ in plan:
                short = min(len(earlier), len(found.names))
                if earlier[:short] == found.names[:short]:
                    raise InvalidInputError(
                        f"{fn}: specs for {format_path(earlier)!r} and {spec[0]!r} overlap;"
                        " give one action per field"
                    )
            plan.append((found.names, parse_action(fn, spec[1])))
        counted = [
            names
            for names, action in plan
            if action.needs_members and isinstance(_dtype_at(schema, names), StringType)
        ]
        members = dict(zip(counted, map(_members, _member_flags(df, counted)), strict=True))
    else:
        action = parse_action(fn, choice)
        fields = list(_string_fields(schema))
        for names, flags in zip(fields, _member_flags(df, fields), strict=True):
            if len(kinds := _members(flags)) > 1:
                plan.append((names, action))
                members[names] = kinds
    if not plan:
        return df
    root = Edit()
    for names, action in plan:
        member_list = members.get(names)
        if action.kind == "make_cols":
            kinds = member_list or [glue_type_name(_dtype_at(schema, names))]
            taken = _sibling_names(schema, names)
            for k in kinds:
                if f"{names[-1]}_{k}" in taken:
                    raise InvalidInputError(
                        f"{fn}: make_cols on {format_path(names)!r} would make"
                        f" {names[-1]}_{k!s}, which exists; rename it first"
                    )
        root.at(names).replace = _replacement(action, names[-1], member_list)
    return apply_edit(df, root)


__all__ = ["resolve_choice"]
