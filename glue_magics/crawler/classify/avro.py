"""Avro: the schema comes from the container header; records are never decoded.

The record count is the sum of the counts in the data blocks' headers, found by seeking from block
to block; files with more blocks than we are willing to visit get an estimate instead."""

from __future__ import annotations

import json
from typing import Any

from fastavro.schema import parse_schema

from glue_magics.catalog.objects import Column
from glue_magics.crawler.classify.columns import clean_names
from glue_magics.crawler.classify.infer import field_key
from glue_magics.crawler.classify.reasons import one_line
from glue_magics.crawler.classify.typetree import (
    VOID,
    Array,
    HiveType,
    Map,
    Struct,
    UnionType,
    render,
    replace_void,
)
from glue_magics.crawler.model import FileSchema

MAGIC = b"Obj\x01"
MAX_BLOCKS = 256  # block headers visited for the record count; each is a seek and a small read
MAX_LITERAL = 512_000  # Glue's limit on a parameter value

_PRIMITIVES = {
    "null": VOID,
    "boolean": "boolean",
    "int": "int",
    "long": "bigint",
    "float": "float",
    "double": "double",
    "bytes": "binary",
    "string": "string",
}
_TIMESTAMPS = (
    "timestamp-millis",
    "timestamp-micros",
    "timestamp-nanos",
    "local-timestamp-millis",
    "local-timestamp-micros",
    "local-timestamp-nanos",
)


class _Corrupt(Exception):
    pass


def classify_avro(f: Any, size: int) -> FileSchema:
    size = f.seek(0, 2)  # the real size: the listing's may be stale
    try:
        metadata, header_end = _read_header(f, size)
        schema = json.loads(metadata["avro.schema"])
        parse_schema(schema)  # validates: names, defaults, references
    except KeyError:
        return FileSchema("avro", error="corrupt Avro header: no avro.schema")
    except (_Corrupt, EOFError) as err:
        return FileSchema("avro", error=f"corrupt Avro header: {one_line(err)}")
    except Exception as err:  # json and fastavro raise several types for bad schemas
        return FileSchema("avro", error=f"invalid Avro schema: {one_line(err)}")
    if not isinstance(schema, dict) or schema.get("type") not in ("record", "error"):
        kind = schema.get("type") if isinstance(schema, dict) else schema
        return FileSchema("avro", error=f"top-level Avro schema is {kind!r}, not a record")
    mapper = _Mapper()
    try:
        root = mapper.record_fields(schema, schema.get("namespace", ""))
    except RecursionError:
        return FileSchema("avro", error="Avro schema nested too deeply")
    names, notes = clean_names([name for name, _, _ in root])
    columns = tuple(
        Column(name, render(replace_void(ftype)), doc)
        for name, (_, ftype, doc) in zip(names, root, strict=True)
    )
    notes.extend(mapper.notes)
    count, exact = _record_count(f, size, header_end, notes)
    literal = json.dumps(schema, separators=(",", ":"))
    parameters = {}
    if len(literal) <= MAX_LITERAL:
        parameters["avro.schema.literal"] = literal
    else:
        notes.append("Avro schema longer than a Glue parameter value; avro.schema.literal omitted")
    return FileSchema(
        "avro",
        columns=columns,
        parameters=parameters,
        record_count=count,
        record_count_exact=exact,
        notes=tuple(notes),
    )


def _read_long(f: Any) -> int:
    """An Avro long: zig-zag encoded, variable length."""
    shift = result = 0
    while True:
        byte = f.read(1)
        if not byte:
            raise EOFError("file ends inside a number")
        result |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            return (result >> 1) ^ -(result & 1)
        shift += 7
        if shift > 63:
            raise _Corrupt("number longer than 64 bits")


def _read_bytes(f: Any, size: int) -> bytes:
    length = _read_long(f)
    if not 0 <= length <= size:
        raise _Corrupt(f"impossible length {length}")
    data: bytes = f.read(length)
    if len(data) != length:
        raise EOFError("file ends inside the header")
    return data


def _read_header(f: Any, size: int) -> tuple[dict[str, str], int]:
    """The header's metadata map and where the first data block starts."""
    f.seek(0)
    if f.read(4) != MAGIC:
        raise _Corrupt("no Avro magic")
    metadata = {}
    while True:
        count = _read_long(f)
        if count == 0:
            break
        if count < 0:  # a negative count is followed by the block's size in bytes
            count = -count
            _read_long(f)
        for _ in range(count):
            key = _read_bytes(f, size).decode("utf-8", "replace")
            metadata[key] = _read_bytes(f, size).decode("utf-8", "replace")
    if len(f.read(16)) != 16:
        raise EOFError("file ends inside the header")
    return metadata, f.tell()


def _record_count(f: Any, size: int, start: int, notes: list[str]) -> tuple[int | None, bool]:
    count = 0
    position = start
    for _ in range(MAX_BLOCKS):
        if position >= size:
            return count, True
        f.seek(position)
        try:
            records = _read_long(f)
            length = _read_long(f)
        except (EOFError, _Corrupt):
            notes.append("Avro data blocks are damaged; record count unknown")
            return None, False
        following = f.tell() + length + 16  # data, then the 16-byte sync marker
        if records < 0 or length < 0 or following > size:
            notes.append("Avro data blocks are damaged; record count unknown")
            return None, False
        count += records
        position = following
    if position >= size:
        return count, True
    # Too many blocks to visit: scale what the visited ones hold.
    return round(count * (size - start) / (position - start)), False


class _Mapper:
    """Avro schema -> Hive types, following Hive's AvroSerDe; resolves named types."""

    def __init__(self) -> None:
        self.named: dict[str, tuple[dict[str, Any], str]] = {}
        self.active: set[str] = set()
        self.notes: list[str] = []

    def record_fields(
        self, schema: dict[str, Any], namespace: str
    ) -> list[tuple[str, HiveType, str | None]]:
        fullname = self._register(schema, namespace)
        space = fullname.rpartition(".")[0]
        self.active.add(fullname)
        try:
            return [
                (str(field["name"]), self.map(field["type"], space), field.get("doc"))
                for field in schema.get("fields", [])
            ]
        finally:
            self.active.discard(fullname)

    def map(self, schema: Any, namespace: str) -> HiveType:
        if isinstance(schema, str):
            if schema in _PRIMITIVES:
                return _PRIMITIVES[schema]
            return self._reference(schema, namespace)
        if isinstance(schema, list):
            members = [self.map(m, namespace) for m in schema if m != "null"]
            if not members:
                return VOID
            # ["null", X] is just a nullable X; wider unions are Hive uniontypes.
            return members[0] if len(members) == 1 else UnionType(tuple(members))
        return self._complex(schema, namespace)

    def _complex(self, schema: dict[str, Any], namespace: str) -> HiveType:
        kind = schema.get("type")
        logical = schema.get("logicalType")
        if logical == "decimal" and kind in ("bytes", "fixed"):
            if kind == "fixed":
                self._register(schema, namespace)
            precision, scale = int(schema.get("precision", 10)), int(schema.get("scale", 0))
            if precision > 38:
                self.notes.append(f"Avro decimal({precision},{scale}) read as string")
                return "string"
            return f"decimal({precision},{scale})"
        if logical == "date" and kind == "int":
            return "date"
        if logical in _TIMESTAMPS and kind == "long":
            return "timestamp"
        if logical in ("time-millis", "time-micros"):
            return _PRIMITIVES.get(str(kind), "string")
        if kind in ("record", "error"):
            fields = self.record_fields(schema, namespace)
            if not fields:
                self.notes.append(f"empty Avro record {schema.get('name')!r} read as string")
                return "string"
            return Struct(tuple((field_key(n, i), t) for i, (n, t, _) in enumerate(fields)))
        if kind == "enum":
            self._register(schema, namespace)
            return "string"
        if kind == "fixed":
            self._register(schema, namespace)
            return "binary"
        if kind == "array":
            return Array(self.map(schema.get("items"), namespace))
        if kind == "map":
            return Map("string", self.map(schema.get("values"), namespace))
        return self.map(kind, namespace)  # {"type": "string"} or a nested type definition

    def _register(self, schema: dict[str, Any], namespace: str) -> str:
        name = str(schema.get("name", ""))
        space = schema.get("namespace", namespace) or ""
        fullname = name if "." in name or not space else f"{space}.{name}"
        self.named.setdefault(fullname, (schema, fullname.rpartition(".")[0]))
        return fullname

    def _reference(self, name: str, namespace: str) -> HiveType:
        fullname = name if "." in name or not namespace else f"{namespace}.{name}"
        if fullname not in self.named:
            fullname = name  # names in the null namespace
        if fullname not in self.named:
            self.notes.append(f"unknown Avro type {name!r} read as string")
            return "string"
        if fullname in self.active:
            # Hive types cannot describe a recursive record.
            self.notes.append(f"recursive Avro type {name!r} read as string")
            return "string"
        schema, space = self.named[fullname]
        return self._complex(schema, space)
