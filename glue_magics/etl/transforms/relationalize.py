"""Glue's Relationalize: nested data as flat tables joined by generated keys."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, DataType, IntegerType, LongType, StructType

from glue_magics.errors import InvalidInputError

from ._common import check_frame, quote

# Working columns; never part of an output table.
_KEY = "__glue_magics_key"
_ID = "__glue_magics_id"
_INDEX = "__glue_magics_index"
_VAL = "__glue_magics_val"

_Columns = list[tuple[str, Column, DataType]]


def _flatten(fn: str, columns: _Columns, sep: str) -> _Columns:
    out: _Columns = []
    for name, value, dtype in columns:
        if isinstance(dtype, StructType):
            inner = [
                (f"{name}{sep}{f.name}", value.getField(f.name), f.dataType) for f in dtype.fields
            ]
            out.extend(_flatten(fn, inner, sep))
        else:
            out.append((name, value, dtype))
    seen: set[str] = set()
    for name, _, _ in out:
        if name in seen:
            raise InvalidInputError(
                f"{fn}: two fields flatten to the column {name!r}; rename one first"
                " or pick another separator"
            )
        seen.add(name)
    return out


def _has_array(columns: _Columns) -> bool:
    return any(isinstance(dtype, ArrayType) for _, _, dtype in columns)


def _emit(
    fn: str,
    frame: DataFrame,
    columns: _Columns,
    table: str,
    root_name: str,
    sep: str,
    tables: dict[str, DataFrame],
) -> None:
    if table in tables:
        raise InvalidInputError(
            f"{fn}: two arrays would both make the table {table!r}; pick another separator"
        )
    key = F.col(_KEY)
    selected: list[Column] = []
    arrays: _Columns = []
    for name, value, dtype in columns:
        if isinstance(dtype, ArrayType):
            # The array's place holds the join key; a null array has no key and no child rows.
            selected.append(F.when(value.isNotNull(), key).alias(name))
            arrays.append((name, value, dtype))
        else:
            selected.append(value.alias(name))
    tables[table] = frame.select(*selected)
    for name, value, dtype in arrays:
        assert isinstance(dtype, ArrayType)
        child = frame.select(key.alias(_ID), F.posexplode(value).alias(_INDEX, _VAL))
        elements = _flatten(fn, [(f"{name}{sep}val", F.col(_VAL), dtype.elementType)], sep)
        if _has_array(elements):
            # Narrow operations on a materialized parent: the ids come out the same every time
            # the child is computed, for its own table and for its children's.
            child = child.withColumn(_KEY, F.monotonically_increasing_id())
        child_columns: _Columns = [
            ("id", F.col(_ID), LongType()),
            ("index", F.col(_INDEX), IntegerType()),
            *elements,
        ]
        _emit(fn, child, child_columns, f"{root_name}_{name}", root_name, sep, tables)


def relationalize(df: DataFrame, root_name: str, *, separator: str = ".") -> dict[str, DataFrame]:
    """Glue's Relationalize: flatten structs, and pivot every array into a table of its own.

    Returns ``{table name: DataFrame}``, the root table first. In the root table ``root_name``
    struct fields become columns named by their path (``address.city``); every array column is
    replaced, in place, by a bigint join key. Each array becomes the table
    ``<root_name>_<column>`` (``root_contact_details``; an array inside a struct gives
    ``root_address.phones``) with the columns ``id`` (the parent's key), ``index`` (position in
    the array, from 0) and ``<column>.val`` for the element, or ``<column>.val.<field>`` per
    field for struct elements, exactly as Glue names them. An array inside an element is
    pivoted again, into ``<root_name>_<its column in the child table>``
    (``root_orders.val.items``), keyed by a fresh key stored in that column.

    A null array leaves a null key and no rows; an empty array a key and no rows. Keys are
    unique within a table but not consecutive. So that the keys agree between tables however
    often Spark recomputes them, a frame with arrays is materialized once (``localCheckpoint``).
    Maps are left as they are. ``separator`` joins names in place of ``.``.
    """
    fn = "relationalize"
    check_frame(fn, df)
    if not isinstance(root_name, str) or not root_name:
        raise InvalidInputError(f"{fn}: root_name must be a non-empty string, got {root_name!r}")
    if not isinstance(separator, str) or not separator:
        raise InvalidInputError(f"{fn}: separator must be a non-empty string, got {separator!r}")
    if _KEY in df.columns:
        raise InvalidInputError(f"{fn}: the column name {_KEY!r} is reserved; rename it first")
    columns = _flatten(
        fn, [(f.name, F.col(quote(f.name)), f.dataType) for f in df.schema.fields], separator
    )
    frame = df
    if _has_array(columns):
        frame = df.withColumn(_KEY, F.monotonically_increasing_id()).localCheckpoint(eager=True)
    tables: dict[str, DataFrame] = {}
    _emit(fn, frame, columns, root_name, root_name, separator, tables)
    return tables


__all__ = ["relationalize"]
