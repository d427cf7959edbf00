"""Arrow schemas (what pyarrow reads from Parquet and ORC footers) as Hive columns."""

from __future__ import annotations

import functools

import pyarrow as pa

from glue_magics.catalog.objects import Column
from glue_magics.crawler.classify.columns import clean_names
from glue_magics.crawler.classify.typetree import field_name

_SIMPLE = {
    pa.bool_(): "boolean",
    pa.int8(): "tinyint",
    pa.int16(): "smallint",
    pa.int32(): "int",
    pa.int64(): "bigint",
    pa.uint8(): "smallint",
    pa.uint16(): "int",
    pa.uint32(): "bigint",
    pa.uint64(): "decimal(20,0)",  # no unsigned Hive type holds it; Spark reads it this way too
    pa.float16(): "float",
    pa.float32(): "float",
    pa.float64(): "double",
    pa.date32(): "date",
    pa.date64(): "date",
    pa.null(): "string",  # a column of nulls only; Hive has no usable void column
}


@functools.lru_cache(maxsize=1024)
def arrow_columns(schema: pa.Schema) -> tuple[tuple[Column, ...], tuple[str, ...]]:
    """Hive columns and notes of an Arrow schema; memoized, since the files of a table mostly
    share one schema (and then share one result)."""
    names, notes = clean_names([f.name for f in schema])
    columns = []
    for name, arrow_field in zip(names, schema, strict=True):
        lossy: list[str] = []
        columns.append(Column(name, hive_type(arrow_field.type, lossy)))
        notes.extend(f"column {name!r}: {what}" for what in lossy)
    return tuple(columns), tuple(notes)


def hive_type(t: pa.DataType, lossy: list[str]) -> str:
    """The Hive type of an Arrow type; appends to ``lossy`` what Hive cannot represent exactly."""
    simple = _SIMPLE.get(t)
    if simple is not None:
        return simple
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    if (
        pa.types.is_binary(t)
        or pa.types.is_large_binary(t)
        or pa.types.is_binary_view(t)
        or pa.types.is_fixed_size_binary(t)
    ):
        return "binary"
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_time32(t) or pa.types.is_time64(t):
        unit = "int" if pa.types.is_time32(t) else "bigint"
        lossy.append(f"time of day has no Hive type; read as {unit} ({t.unit} since midnight)")
        return unit
    if pa.types.is_duration(t):
        lossy.append(f"duration read as bigint ({t.unit})")
        return "bigint"
    if pa.types.is_decimal(t):
        if t.precision > 38:
            lossy.append(
                f"decimal({t.precision},{t.scale}) exceeds Hive's 38 digits; read as string"
            )
            return "string"
        return f"decimal({t.precision},{t.scale})"
    if pa.types.is_dictionary(t):
        return hive_type(t.value_type, lossy)
    if (
        pa.types.is_list(t)
        or pa.types.is_large_list(t)
        or pa.types.is_fixed_size_list(t)
        or pa.types.is_list_view(t)
        or pa.types.is_large_list_view(t)
    ):
        return f"array<{hive_type(t.value_type, lossy)}>"
    if pa.types.is_map(t):
        return f"map<{hive_type(t.key_type, lossy)},{hive_type(t.item_type, lossy)}>"
    if pa.types.is_struct(t):
        if t.num_fields == 0:
            lossy.append("empty struct read as string")
            return "string"
        fields = [
            f"{field_name(t.field(i).name.strip().lower() or f'col{i}')}:"
            f"{hive_type(t.field(i).type, lossy)}"
            for i in range(t.num_fields)
        ]
        return f"struct<{','.join(fields)}>"
    if isinstance(t, pa.ExtensionType):
        return hive_type(t.storage_type, lossy)
    if pa.types.is_run_end_encoded(t):
        return hive_type(t.value_type, lossy)
    lossy.append(f"Arrow type {t} has no Hive equivalent; read as string")
    return "string"
