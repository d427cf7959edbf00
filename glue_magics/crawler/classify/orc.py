"""ORC: the schema and row count come from the file tail; stripes are never read."""

from __future__ import annotations

from typing import Any

from glue_magics.crawler.classify.arrow import arrow_columns
from glue_magics.crawler.classify.reasons import one_line
from glue_magics.crawler.model import FileSchema

MAGIC = b"ORC"


def classify_orc(f: Any, size: int) -> FileSchema:
    try:
        from pyarrow import orc  # not every pyarrow build has ORC
    except ImportError as err:
        return FileSchema("orc", error=f"this pyarrow cannot read ORC: {one_line(err)}")
    try:
        f.seek(0)
        reader = orc.ORCFile(f)  # reads the postscript and footer only
        schema = reader.schema
        rows = reader.nrows
    except Exception as err:  # pyarrow raises several types for damaged tails
        return FileSchema("orc", error=f"corrupt ORC file: {one_line(err)}")
    columns, notes = arrow_columns(schema)
    return FileSchema(
        "orc", columns=columns, record_count=rows, record_count_exact=True, notes=notes
    )
