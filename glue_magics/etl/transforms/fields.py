"""Field-level transforms: ApplyMapping, SelectFields, DropFields, RenameField, Unnest and
DropNullFields."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, DataType, NullType, StructType

from glue_magics.errors import InvalidInputError

from ._common import (
    Edit,
    Resolved,
    apply_edit,
    as_path_list,
    check_frame,
    column_at,
    find_field,
    format_path,
    parse_path,
    parse_type,
    resolve,
)

_Tree = dict[str, "Column | _Tree"]


def _insert(fn: str, tree: _Tree, names: Sequence[str], value: Column, text: str) -> None:
    """Put ``value`` at ``names`` in a tree of target fields; a path may not be both a field and
    a struct, nor be given twice."""
    node = tree
    for depth, name in enumerate(names[:-1]):
        child = node.setdefault(name, {})
        if not isinstance(child, dict):
            raise InvalidInputError(
                f"{fn}: target {text!r} puts a field inside {format_path(names[: depth + 1])!r},"
                " which another mapping already targets as a plain column"
            )
        node = child
    if names[-1] in node:
        kind = (
            "repeats a target"
            if not isinstance(node[names[-1]], dict)
            else "is also a struct of other targets"
        )
        raise InvalidInputError(f"{fn}: target {text!r} {kind}; every target path must be unique")
    node[names[-1]] = value


def _build(tree: _Tree) -> list[Column]:
    return [
        F.struct(*_build(v)).alias(name) if isinstance(v, dict) else v.alias(name)
        for name, v in tree.items()
    ]


def apply_mapping(
    df: DataFrame,
    mappings: Sequence[tuple[str, str, str, str]],
    *,
    strict: bool = False,
) -> DataFrame:
    """Glue's ApplyMapping: select, rename and cast fields, building nested targets.

    Each mapping is ``(source_path, source_type, target_path, target_type)``. Columns no mapping
    names are dropped; targets come out in the order of the mappings (a dotted target such as
    ``address.city`` builds a struct ``address``, whose fields keep their mappings' order). Casts
    use ``try_cast``, so a value that does not convert becomes null instead of failing the job.
    ``source_type`` is checked to be a type name but the DataFrame's own type is what is cast.

    A source path the DataFrame lacks yields nulls of the target type, as in Glue (whose records
    may each lack fields); a warning names the closest existing fields. ``strict=True`` raises
    ``InvalidInputError`` instead. Source paths do not reach into arrays.
    """
    fn = "apply_mapping"
    check_frame(fn, df)
    if isinstance(mappings, (str, bytes)) or not isinstance(mappings, Sequence) or not mappings:
        raise InvalidInputError(
            f"{fn}: mappings must be a non-empty list of (source, source_type, target, target_type)"
        )
    tree: _Tree = {}
    for number, mapping in enumerate(mappings, 1):
        if (
            not isinstance(mapping, (tuple, list))
            or len(mapping) != 4
            or not all(isinstance(part, str) for part in mapping)
        ):
            raise InvalidInputError(
                f"{fn}: mapping {number} is {mapping!r}; expected four strings"
                " (source, source_type, target, target_type)"
            )
        source, source_type, target, target_type = mapping
        parse_type(fn, source_type, what=f"source type of mapping {number}")
        to_type = parse_type(fn, target_type, what=f"target type of mapping {number}")
        target_segments = parse_path(fn, target, what="target")
        if any(s.arrays for s in target_segments):
            raise InvalidInputError(f"{fn}: target {target!r} may not contain '[]'")
        try:
            found = resolve(fn, df.schema, source, arrays=False, what="source field")
        except InvalidInputError as err:
            if strict or not str(err).startswith(f"{fn}: no source field"):
                raise
            warnings.warn(f"{err}; the target {target!r} is all nulls", stacklevel=2)
            value = F.lit(None).cast(to_type)
        else:
            value = column_at(found.names)
            if found.dtype != to_type:
                value = value.try_cast(to_type)
        _insert(fn, tree, [s.name for s in target_segments], value, target)
    return df.select(*_build(tree))


def select_fields(df: DataFrame, paths: str | Sequence[str]) -> DataFrame:
    """Glue's SelectFields: keep only the given fields, in the order given.

    ``a.b`` keeps struct ``a`` with just its field ``b``; ``list.price`` keeps each element of an
    array of structs with just ``price``. Selecting ``a`` and also ``a.b`` keeps all of ``a``.
    """
    fn = "select_fields"
    check_frame(fn, df)
    found = [resolve(fn, df.schema, p, arrays=True) for p in as_path_list(fn, paths)]
    whole = {r.names for r in found}
    root = Edit(keep_only=True)
    for r in found:
        if any(r.names[:i] in whole for i in range(1, len(r.names))):
            continue  # an enclosing struct is selected whole
        node = root
        for name in r.names[:-1]:  # children keep insertion order, so the output follows paths
            node = node.children.setdefault(name, Edit())
            node.keep_only = True
        node.children.setdefault(r.names[-1], Edit())
    return apply_edit(df, root)


def drop_fields(df: DataFrame, paths: str | Sequence[str]) -> DataFrame:
    """Glue's DropFields: remove the given fields, also from inside structs and array elements.

    A struct whose fields are all dropped is dropped too (an empty struct cannot be written).
    """
    fn = "drop_fields"
    check_frame(fn, df)
    root = Edit()
    for p in as_path_list(fn, paths):
        r = resolve(fn, df.schema, p, arrays=True)
        root.at(r.names).replace = lambda value, dtype: []
    return apply_edit(df, root)


def rename_field(df: DataFrame, old_path: str, new_name: str) -> DataFrame:
    """Glue's RenameField: ``new_name`` is the new full path, as in Glue.

    When it has the same parent as ``old_path`` (``a.b`` -> ``a.c``, or top-level ``x`` -> ``y``)
    the field is renamed where it stands. Otherwise it moves: ``a.b`` -> ``c`` makes it a top-level
    column ``c``, ``x`` -> ``s.x`` puts it at the end of struct ``s`` (created when missing; a row
    whose ``s`` is null keeps ``s`` null). Moves do not cross arrays; a struct left empty by a
    move is dropped.
    """
    fn = "rename_field"
    check_frame(fn, df)
    old = resolve(fn, df.schema, old_path, arrays=True, what="field")
    segments = parse_path(fn, new_name, what="new name")
    if any(s.arrays for s in segments):
        raise InvalidInputError(f"{fn}: new name {new_name!r} may not contain '[]'")
    new = [s.name for s in segments]
    parent, leaf = old.names[:-1], new[-1]
    if _same_parent(fn, df.schema, parent, new[:-1]):
        siblings = _struct_at(df.schema, parent)
        clash = find_field(fn, siblings, leaf) if leaf.lower() != old.names[-1].lower() else None
        if clash is not None:
            raise InvalidInputError(
                f"{fn}: cannot rename {old_path!r} to {new_name!r}: {format_path([*parent, clash.name])!r} exists"
            )
        if leaf == old.names[-1]:
            return df
        root = Edit()
        root.at(old.names).replace = lambda value, dtype: [(leaf, value)]
        return apply_edit(df, root)
    return _move(fn, df, old, new, new_name)


def _struct_at(schema: StructType, names: Sequence[str]) -> StructType:
    current: DataType = schema
    for name in names:
        assert isinstance(current, StructType)
        current = current[name].dataType
        while isinstance(current, ArrayType):
            current = current.elementType
    assert isinstance(current, StructType)
    return current


def _same_parent(
    fn: str, schema: StructType, parent: Sequence[str], new_parent: Sequence[str]
) -> bool:
    if len(parent) != len(new_parent):
        return False
    struct = schema
    for have, want in zip(parent, new_parent, strict=True):
        f = find_field(fn, struct, want)
        if f is None or f.name != have:
            return False
        struct = _struct_at(struct, [have])
    return True


def _move(fn: str, df: DataFrame, old: Resolved, new: list[str], new_name: str) -> DataFrame:
    if old.in_array:
        raise InvalidInputError(
            f"{fn}: cannot move {old.text!r} out of an array element to {new_name!r}"
        )
    if [n.lower() for n in new[: len(old.names)]] == [n.lower() for n in old.names]:
        raise InvalidInputError(f"{fn}: cannot move {old.text!r} into itself ({new_name!r})")
    # Follow the destination as far as it exists; the rest becomes new structs.
    struct, existing = df.schema, list[str]()
    for depth, name in enumerate(new):
        f = find_field(fn, struct, name)
        if f is None:
            break
        if depth == len(new) - 1:
            raise InvalidInputError(f"{fn}: cannot rename {old.text!r} to {new_name!r}: it exists")
        if not isinstance(f.dataType, StructType):
            raise InvalidInputError(
                f"{fn}: cannot rename {old.text!r} to {new_name!r}:"
                f" {format_path([*existing, f.name])!r} is {f.dataType.simpleString()}, not a struct"
            )
        existing.append(f.name)
        struct = f.dataType
    value = column_at(old.names)
    rest = new[len(existing) :]
    for name in reversed(rest[1:]):
        value = F.struct(value.alias(name))
    root = Edit()
    root.at(old.names).replace = lambda v, dtype: []
    root.at(existing).append.append((rest[0], value))
    return apply_edit(df, root)


def _leaves(schema: StructType) -> list[tuple[tuple[str, ...], DataType]]:
    """Every non-struct field reachable through structs (arrays and maps count as leaves)."""
    out: list[tuple[tuple[str, ...], DataType]] = []

    def walk(prefix: tuple[str, ...], struct: StructType) -> None:
        for f in struct.fields:
            if isinstance(f.dataType, StructType):
                walk((*prefix, f.name), f.dataType)
            else:
                out.append(((*prefix, f.name), f.dataType))

    walk((), schema)
    return out


def unnest(df: DataFrame) -> DataFrame:
    """Glue's Unnest: every struct field becomes a top-level column named with dots (``a.b.c``).

    Arrays and maps stay as they are; an empty struct disappears. A flattened name that already
    names another column is an error. Refer to the new columns in backticks: ``F.col("`a.b`")``.
    """
    fn = "unnest"
    check_frame(fn, df)
    columns: list[Column] = []
    seen: dict[str, tuple[str, ...]] = {}
    for names, _ in _leaves(df.schema):
        flat = ".".join(names)
        if flat in seen:
            raise InvalidInputError(
                f"{fn}: {format_path(names)!r} and {format_path(seen[flat])!r} both flatten to {flat!r};"
                " rename one first"
            )
        seen[flat] = names
        columns.append(column_at(names).alias(flat))
    return df.select(*columns)


def drop_null_fields(df: DataFrame) -> DataFrame:
    """Glue's DropNullFields: drop every field that is null in every row, inside structs too.

    One aggregate pass counts the non-null values of every field reachable through structs;
    fields of type void (NullType) go without a pass. Arrays and maps are judged as a whole (an
    empty array is a value), not element by element. A struct whose fields are all dropped is
    dropped. A DataFrame with no rows keeps its schema (apart from void fields): no rows is no
    evidence that a field is empty.
    """
    fn = "drop_null_fields"
    check_frame(fn, df)
    leaves = _leaves(df.schema)
    drop = [names for names, dtype in leaves if isinstance(dtype, NullType)]
    counted = [names for names, dtype in leaves if not isinstance(dtype, NullType)]
    if counted:
        row = df.agg(
            F.count(F.lit(1)).alias("rows"),
            *[F.count(column_at(names)).alias(f"c{i}") for i, names in enumerate(counted)],
        ).first()
        assert row is not None
        if row["rows"]:
            drop += [names for i, names in enumerate(counted) if row[f"c{i}"] == 0]
    if not drop:
        return df
    root = Edit()
    for names in drop:
        root.at(names).replace = lambda value, dtype: []
    return apply_edit(df, root)


__all__ = [
    "apply_mapping",
    "drop_fields",
    "drop_null_fields",
    "rename_field",
    "select_fields",
    "unnest",
]
