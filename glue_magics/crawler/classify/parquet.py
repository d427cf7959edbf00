"""Parquet: the schema and row count come from the footer; row groups are never read."""

from __future__ import annotations

from typing import Any

import pyarrow.parquet as pq

from glue_magics.crawler.classify.arrow import arrow_columns
from glue_magics.crawler.classify.reasons import one_line
from glue_magics.crawler.model import FileSchema

MAGIC = b"PAR1"


def classify_parquet(f: Any, size: int) -> FileSchema:
    end = f.seek(0, 2)  # the real size: the listing's may be stale
    f.seek(max(0, end - 4))
    if end < 12 or f.read(4) != MAGIC:
        return FileSchema("parquet", error="truncated Parquet file: no footer (PAR1) at its end")
    try:
        f.seek(0)
        metadata = pq.ParquetFile(f).metadata  # reads the footer only
        schema = metadata.schema.to_arrow_schema()
    except Exception as err:  # pyarrow raises several types for damaged footers
        return FileSchema("parquet", error=f"corrupt Parquet footer: {one_line(err)}")
    columns, notes = arrow_columns(schema)
    return FileSchema(
        "parquet",
        columns=columns,
        record_count=metadata.num_rows,
        record_count_exact=True,
        notes=notes,
    )
