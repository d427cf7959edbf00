"""Storage details per classification, as Glue writes them into a table's StorageDescriptor:
input format, output format, SerDe library and SerDe parameters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from glue_magics.catalog.objects import Column

TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
LAZY_SIMPLE_SERDE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
OPEN_CSV_SERDE = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe"


@dataclass(frozen=True)
class StorageFormat:
    input_format: str | None
    output_format: str | None
    serde_library: str | None
    serde_parameters: dict[str, str] = field(default_factory=dict)


_BINARY = {
    "parquet": StorageFormat(
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        {"serialization.format": "1"},
    ),
    "orc": StorageFormat(
        "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
        "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
        "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
        {"serialization.format": "1"},
    ),
    "avro": StorageFormat(
        "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
        "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat",
        "org.apache.hadoop.hive.serde2.avro.AvroSerDe",
    ),
}
# Glue's own XML tables name no SerDe any engine ships; this is the open-source Hive XML SerDe,
# which reads rows between xmlinput.start and xmlinput.end.
_XML = StorageFormat(
    "com.ibm.spss.hive.serde2.xml.XmlInputFormat",
    "org.apache.hadoop.hive.ql.io.IgnoreKeyTextOutputFormat",
    "com.ibm.spss.hive.serde2.xml.XmlSerDe",
)


def storage_for(
    classification: str | None,
    parameters: Mapping[str, str] | None = None,
    columns: Sequence[Column] = (),
) -> StorageFormat:
    """The storage format for a table of this classification; ``parameters`` are the format
    parameters a classifier found (FileSchema.parameters). JSON and XML name their columns in
    SerDe parameters, so pass ``columns`` for them. UNKNOWN gets no formats at all."""
    params = dict(parameters or {})
    kind = (classification or "").lower()
    if kind in _BINARY:
        base = _BINARY[kind]
        serde = dict(base.serde_parameters)
        if kind == "avro" and "avro.schema.literal" in params:
            serde["avro.schema.literal"] = params["avro.schema.literal"]
        return StorageFormat(base.input_format, base.output_format, base.serde_library, serde)
    if kind == "csv":
        delimiter = params.get("delimiter", ",")
        if params.get("areColumnsQuoted") == "true":
            # LazySimpleSerDe would keep the quotes in the values.
            serde = {"separatorChar": delimiter, "quoteChar": '"'}
            return StorageFormat(TEXT_INPUT, TEXT_OUTPUT, OPEN_CSV_SERDE, serde)
        return StorageFormat(TEXT_INPUT, TEXT_OUTPUT, LAZY_SIMPLE_SERDE, {"field.delim": delimiter})
    if kind == "json":
        paths = ",".join(c.name for c in columns)
        return StorageFormat(TEXT_INPUT, TEXT_OUTPUT, JSON_SERDE, {"paths": paths} if paths else {})
    if kind == "xml":
        row = params.get("rowTag", "row")
        serde = {"xmlinput.start": f"<{row}", "xmlinput.end": f"</{row}>"}
        for col in columns:
            serde[f"column.xpath.{col.name}"] = _xpath(row, col)
        return StorageFormat(_XML.input_format, _XML.output_format, _XML.serde_library, serde)
    return StorageFormat(None, None, None)


def _xpath(row: str, column: Column) -> str:
    """The Hive XML SerDe reads each column through an XPath; attributes carry spark-xml's "_"
    prefix and ``_value`` is the row's own text."""
    if column.name == "_value":
        return f"/{row}/text()"
    if column.name.startswith("_"):
        return f"/{row}/@{column.name[1:]}"
    if "<" in column.type:
        return f"/{row}/{column.name}"
    return f"/{row}/{column.name}/text()"
